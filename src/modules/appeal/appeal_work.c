/* appeal_work.c — the cadres' pages: work list with filters and search, one
** case with the actions allowed now, offline entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "appeal_core.h"
#include "platform/image.h"
#include "platform/page.h"
#include "platform/store.h"

static void date_text(long long t, char *out, size_t n) { appeal_date_text(t, "%Y-%m-%d", out, n); }

static void select_opts(req *r, buf *b, const char *name, const char *label, int n, const char *(*key)(int),
                        const char *(*lab)(int), const char *cur) {
  buf_printf(b, "<label>%s<select name=\"%s\"><option value=\"\">%s</option>", label, name, T(r, "All"));
  for (int i = 0; i < n; i++)
    buf_printf(b, "<option value=\"%s\"%r>%s</option>", key(i), cur && strcmp(cur, key(i)) == 0 ? " selected" : "",
               T(r, lab(i)));
  buf_puts(b, "</select></label>");
}
static const char *skey(int i) { return appeal_state_key((appeal_state)i); }
static const char *slab(int i) { return appeal_state_label((appeal_state)i); }
static const char *kkey(int i) { return appeal_kind_key((appeal_kind)i); }
static const char *klab(int i) { return appeal_kind_label((appeal_kind)i); }
static const char *mkey(int i) { return appeal_mode_key((appeal_mode)i); }
static const char *mlab(int i) { return appeal_mode_label((appeal_mode)i); }

/* One list row costs the SQL of its case plus this: the catalogue is asked
** once per label a page (not twice a row), and the deadline is the only date. */
typedef struct rows_ctx {
  req *r;
  buf *b;
  long long now;
  /* The UTC offset of the page's moment, used for every row's date: localtime_r
  ** takes one lock for all threads, and 20 calls a page queued the workers on
  ** it (futex, 1.2 a request). Exact where the offset does not change (China
  ** has had no daylight-saving time since 1991); elsewhere a deadline within an
  ** hour of midnight across a change could show the neighbouring day. */
  long long utc_off;
  const char *kind_label[AK_COUNT], *state_label[AS_COUNT];
  const char *col_kind, *col_status, *col_owner, *col_deadline; /* column names before cells on a phone */
} rows_ctx;

static void row(void *arg, const appeal *a) {
  rows_ctx *c = arg;
  req *r = c->r;
  char dl[16] = "";
  if (a->deadline) civil_date(a->deadline + c->utc_off, dl);
  int late = appeal_overdue(a->fsm.state, a->deadline, c->now);
  /* the first 40 characters (at most 126 bytes) */
  char excerpt[130];
  const unsigned char *p = (const unsigned char *)a->content;
  size_t n = 0, chars = 0;
  while (p[n] && chars < 40 && n + 4 < sizeof excerpt)
    if ((p[++n] & 0xC0) != 0x80) chars++; /* a character ends before a byte that does not continue it */
  memcpy(excerpt, p, n);
  excerpt[n] = 0;
  const char **kl = &c->kind_label[a->kind], **sl = &c->state_label[a->fsm.state];
  if (!*kl) *kl = T(r, appeal_kind_label(a->kind));
  if (!*sl) *sl = T(r, appeal_state_label(a->fsm.state));
  buf_printf(c->b,
             "<tr%r><td><a href=\"/appeals/%u\">%s</a></td><td>%s</td><td data-label=\"%s\">%s</td><td>%s%s</td>"
             "<td class=\"state state-%s\" data-label=\"%s\">%s%r</td><td data-label=\"%s\">%s</td>"
             "<td data-label=\"%s\">%s</td></tr>",
             late ? " class=\"overdue\"" : "", a->number, a->number, a->org_name, c->col_kind, *kl, excerpt,
             chars >= 40 ? "…" : "", appeal_state_key(a->fsm.state), c->col_status, *sl, late ? " ⚑" : "", c->col_owner,
             a->owner_login, c->col_deadline, dl);
}

int appeal_page_list(req *r) {
  appeal_filter f;
  int page = 1;
  int rc = appeal_filter_from_query(r, &f, &page);
  if (rc) return rc;
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Villagers' matters"));
  int handles = 0; /* area leaders and supervisors read; only handlers enter matters */
  for (int i = 0; i < r->nroles; i++)
    if (role_grants((role)r->roles[i].role, PERM_APPEAL_HANDLE)) handles = 1;
  buf_printf(&b, "<h1>%s</h1><p>", T(r, "Villagers' matters"));
  if (handles) buf_printf(&b, "<a class=\"button\" href=\"/appeals/new\">%s</a> ", T(r, "Enter a matter raised in person"));
  buf_printf(&b, "<a href=\"/appeals?overdue=1\">%s</a></p>", T(r, "Overdue (督办)"));
  buf_printf(&b, "<form class=\"form filters\" method=\"get\" action=\"/appeals\"><label>%s<input name=\"q\" value=\"%s\" maxlength=\"100\"></label>",
             T(r, "Search"), f.q ? f.q : "");
  buf_printf(&b, "<label>%s<input name=\"village\" value=\"%s\" maxlength=\"32\" placeholder=\"renhe\"></label>", T(r, "Village code"),
             f.village ? f.village : "");
  select_opts(r, &b, "status", T(r, "Status"), AS_COUNT, skey, slab, f.state);
  select_opts(r, &b, "kind", T(r, "Kind"), AK_COUNT, kkey, klab, f.kind);
  select_opts(r, &b, "mode", T(r, "Handling"), AM_COUNT, mkey, mlab, f.mode);
  buf_printf(&b, "<label>%s<input name=\"owner\" value=\"%s\" maxlength=\"64\"></label>", T(r, "Owner"), f.owner ? f.owner : "");
  buf_printf(&b, "<label class=\"radio\"><input type=\"checkbox\" name=\"overdue\" value=\"1\"%r> %s</label>"
                 "<label class=\"radio\"><input type=\"checkbox\" name=\"open\" value=\"1\"%r> %s</label>"
                 "<button type=\"submit\">%s</button></form>",
             f.overdue ? " checked" : "", T(r, "Overdue only"), f.open_only ? " checked" : "", T(r, "Open only"), T(r, "Filter"));
  buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Number"), T(r, "Village"), T(r, "Kind"), T(r, "Matter"), T(r, "Status"), T(r, "Owner"), T(r, "Deadline"));
  time_t now = time(NULL);
  struct tm here;
  localtime_r(&now, &here);
  rows_ctx c = {r, &b, (long long)now, (long long)here.tm_gmtoff, {0}, {0},
                T(r, "Kind"), T(r, "Status"), T(r, "Owner"), T(r, "Deadline")};
  long long total = 0;
  f.brief = 1; /* row() reads only what appeal_list's brief rows hold */
  rc = appeal_list(req_db(r), r->user_id, &f, row, &c, &total, &r->err);
  if (rc) { buf_free(&b); return rc; }
  if (!total) buf_printf(&b, "<tr><td colspan=\"7\">%s</td></tr>", T(r, "No matters match."));
  buf_puts(&b, "</tbody></table>");
  long long pages = (total + f.limit - 1) / f.limit;
  buf_printf(&b, "<p class=\"pager\">%s: %lld", T(r, "Total"), total);
  if (pages > 1) {
    buf q = BUF_INIT;
    const char *keys[] = {"q", "village", "status", "kind", "mode", "owner", "overdue", "open"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
      const char *v = req_query(r, keys[i]);
      if (v && *v) buf_printf(&q, "&%r=%u", keys[i], v);
    }
    if (page > 1) buf_printf(&b, " · <a rel=\"prev\" href=\"/appeals?page=%d%s\">%s</a>", page - 1, buf_str(&q), T(r, "Previous"));
    buf_printf(&b, " · %d / %lld", page, pages);
    if (page < pages) buf_printf(&b, " · <a rel=\"next\" href=\"/appeals?page=%d%s\">%s</a>", page + 1, buf_str(&q), T(r, "Next"));
    buf_free(&q);
  }
  buf_puts(&b, "</p>");
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

static void action_form(req *r, buf *b, const appeal *a, appeal_action act) {
  buf_printf(b, "<form class=\"form action\" method=\"post\" action=\"/appeals/%u/transition\">"
                "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"action\" value=\"%s\">"
                "<h3>%s</h3>",
             a->number, r->csrf, appeal_action_key(act), T(r, appeal_action_label(act)));
  if (act == AA_ASSIGN) {
    buf_printf(b, "<label>%s<select name=\"mode\" required>", T(r, "Handling"));
    for (int m = 0; m < AM_COUNT; m++)
      buf_printf(b, "<option value=\"%s\">%s (%d %s)</option>", appeal_mode_key((appeal_mode)m),
                 T(r, appeal_mode_label((appeal_mode)m)), appeal_mode_days((appeal_mode)m), T(r, "days"));
    buf_printf(b, "</select></label><label>%s<input name=\"owner\" required maxlength=\"64\" value=\"%s\"></label>",
               T(r, "Owner (login)"), r->login);
  }
  const char *label = act == AA_ESCALATE ? "To which unit" : act == AA_RESOLVE ? "How was it resolved (internal)"
                    : act == AA_ANSWER ? "Answer the raiser will read" : act == AA_NOTE ? "Internal note" : NULL;
  if (label) buf_printf(b, "<label>%s<textarea name=\"text\" rows=\"3\" required maxlength=\"2000\"></textarea></label>", T(r, label));
  buf_printf(b, "<button type=\"submit\">%s</button></form>", T(r, appeal_action_label(act)));
}

static int detail(req *r, const char *number, const char *error, int status) {
  appeal a;
  int rc = appeal_scoped(r, number, PERM_APPEAL_VIEW, &a);
  if (rc) return rc;
  buf b = BUF_INIT;
  char d[16], dl[16] = "", masked[40];
  date_text(a.created_at, d, sizeof d);
  if (a.deadline) date_text(a.deadline, dl, sizeof dl);
  appeal_mask_phone(a.raiser_phone, masked, sizeof masked);
  page_begin(r, &b, a.number);
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/appeals\">%s</a> › %s</nav><h1>%s <small class=\"state state-%s\">%s</small></h1>",
             T(r, "Villagers' matters"), a.number, a.number, appeal_state_key(a.fsm.state), T(r, appeal_state_label(a.fsm.state)));
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  if (appeal_overdue(a.fsm.state, a.deadline, (long long)time(NULL)))
    buf_printf(&b, "<p class=\"alert\">%s</p>", T(r, "Overdue: flagged for supervision (督办)."));
  buf_printf(&b, "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
                 "<dt>%s</dt><dd class=\"content\">%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s %s</dd>",
             T(r, "Village"), a.org_name, T(r, "Kind"), T(r, appeal_kind_label(a.kind)), T(r, "Channel"),
             T(r, appeal_channel_label(a.channel)), T(r, "Received on"), d, T(r, "Matter"), a.content, T(r, "Place"),
             a.place, T(r, "Raiser"), a.raiser_name, masked);
  if (a.entered_by[0]) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Entered on the raiser's behalf by"), a.entered_by);
  if (a.photo[0])
    buf_printf(&b, "<dt>%s</dt><dd><a href=\"/appeals/%u/photo\"><img class=\"photo\" src=\"/appeals/%u/photo\" alt=\"%s\" "
                   "loading=\"lazy\"></a></dd>", T(r, "A photo"), a.number, a.number, T(r, "A photo"));
  if (a.has_mode) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Handling"), T(r, appeal_mode_label(a.mode)));
  if (a.owner_login[0]) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Owner"), a.owner_login);
  if (dl[0]) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Deadline"), dl);
  if (a.fsm.escalation)
    buf_printf(&b, "<dt>%s</dt><dd>%s · %s</dd>", T(r, "Escalated to"), T(r, appeal_escalation_label(a.fsm.escalation)), a.escalated_to);
  if (a.fsm.rating != AR_NONE) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Rating"), T(r, appeal_rating_label(a.fsm.rating)));
  buf_puts(&b, "</dl>");
  buf_printf(&b, "<h2>%s</h2>", T(r, "Timeline"));
  appeal_timeline_html(r, &b, a.id, 0);
  if (appeal_can_handle(r, &a)) {
    buf_printf(&b, "<h2>%s</h2><div class=\"actions\">", T(r, "What next"));
    for (int act = 0; act < AA_COUNT; act++)
      if (act != AA_RATE && appeal_allowed(&a.fsm, (appeal_action)act)) action_form(r, &b, &a, (appeal_action)act);
    buf_puts(&b, "</div>");
  }
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

int appeal_page_detail(req *r) { return detail(r, req_param(r, "number"), NULL, 200); }

int appeal_page_transition(req *r) {
  appeal a;
  const char *number = req_param(r, "number");
  int rc = appeal_scoped(r, number, PERM_APPEAL_HANDLE, &a);
  if (rc) return rc;
  int act = appeal_action_parse(req_form(r, "action"));
  if (act < 0 || act == AA_RATE) return detail(r, number, T(r, "Unknown action."), 400);
  const char *mode = req_form(r, "mode");
  int m = mode ? appeal_mode_parse(mode) : -1;
  if (act == AA_ASSIGN && m < 0) return detail(r, number, T(r, "Choose a way of handling."), 400);
  appeal_change ch = {{(appeal_action)act, m < 0 ? AM_COUNT : (appeal_mode)m, AR_NONE, 0, 0}, req_form(r, "owner"),
                      req_form(r, "text"), 0};
  char allowed[200];
  rc = appeal_do(r, number, &ch, &a, allowed, sizeof allowed);
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT) return detail(r, number, T(r, r->err.msg), zd_http_status(rc));
  if (rc) return rc;
  char loc[64];
  snprintf(loc, sizeof loc, "/appeals/%s", number);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}

static int new_form(req *r, const char *error, int status) {
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Enter a matter raised in person"));
  buf_printf(&b, "<h1>%s</h1>", T(r, "Enter a matter raised in person"));
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  int posted = r->body.len > 0 && req_form_ok(r);
  const char *ch = posted ? req_form(r, "channel") : NULL;
  buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/appeals/new\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                 "<label>%s<input name=\"village\" required maxlength=\"32\" value=\"%s\"></label><label>%s<select name=\"channel\">",
             r->csrf, T(r, "Village code"), posted && req_form(r, "village") ? req_form(r, "village") : "", T(r, "Channel"));
  for (int c = AC_ROOM; c < AC_COUNT; c++)
    buf_printf(&b, "<option value=\"%s\"%r>%s</option>", appeal_channel_key((appeal_channel)c),
               ch && strcmp(ch, appeal_channel_key((appeal_channel)c)) == 0 ? " selected" : "",
               T(r, appeal_channel_label((appeal_channel)c)));
  buf_printf(&b, "</select></label><fieldset><legend>%s</legend>", T(r, "Kind"));
  for (int k = 0; k < AK_COUNT; k++)
    buf_printf(&b, "<label class=\"radio\"><input type=\"radio\" name=\"kind\" value=\"%s\" required> %s</label>",
               appeal_kind_key((appeal_kind)k), T(r, appeal_kind_label((appeal_kind)k)));
  buf_printf(&b, "</fieldset><label>%s<textarea name=\"content\" rows=\"5\" required maxlength=\"2000\">%s</textarea></label>"
                 "<label>%s<input name=\"place\" maxlength=\"200\"></label><label>%s<input name=\"name\" maxlength=\"50\"></label>"
                 "<label>%s<input name=\"phone\" type=\"tel\" maxlength=\"20\"></label><button type=\"submit\">%s</button></form>",
             T(r, "Matter"), posted && req_form(r, "content") ? req_form(r, "content") : "", T(r, "Place"), T(r, "Raiser"),
             T(r, "Phone"), T(r, "Register"));
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

int appeal_page_new(req *r) { return new_form(r, NULL, 200); }

int appeal_page_new_post(req *r) {
  if (!req_form_ok(r)) return r->err.rc;
  const char *channel = req_form(r, "channel");
  if (!channel || appeal_channel_parse(channel) <= AC_ONLINE) return new_form(r, T(r, "Choose how the matter was raised."), 400);
  appeal_new in = {req_form(r, "village"), req_form(r, "kind"), req_form(r, "content"), req_form(r, "place"),
                   req_form(r, "name"), req_form(r, "phone"), channel, NULL, 0};
  char number[24], code[10];
  int rc = appeal_submit(r, &in, 1, number, code);
  if (rc == ZD_EINVAL || rc == ZD_ENOTFOUND) return new_form(r, T(r, r->err.msg), zd_http_status(rc));
  if (rc) return rc;
  char note[160];
  snprintf(note, sizeof note, "%s %s · %s %s", T(r, "Case number"), number, T(r, "Tracking code"), code);
  return detail(r, number, note, 201);
}

/* GET /appeals/{number}/photo — the raiser's photo, to the village's cadres only. */
int appeal_page_photo(req *r) {
  appeal a;
  int rc = appeal_scoped(r, req_param(r, "number"), PERM_APPEAL_VIEW, &a);
  if (rc) return rc;
  char sha[65] = "", path[600];
  const char *dot = strchr(a.photo, '.');
  if (!dot || dot - a.photo != 64) return zd_fail(&r->err, ZD_ENOTFOUND, "This case has no photo.");
  memcpy(sha, a.photo, 64);
  if (!store_path(r->app->cfg->data_dir, sha, dot + 1, path, sizeof path)) return zd_fail(&r->err, ZD_ENOTFOUND, "This case has no photo.");
  FILE *f = fopen(path, "rb");
  if (!f) return zd_fail(&r->err, ZD_ENOTFOUND, "The photo file is missing.");
  buf b = BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
  fclose(f);
  int w, h;
  const char *why;
  img_type t = image_probe(b.p, b.len, &w, &h, &why);
  if (t == IMG_NONE) { buf_free(&b); return zd_fail(&r->err, ZD_ENOTFOUND, "The photo file is damaged."); }
  resp_header(r, "Cache-Control", "private, max-age=86400");
  resp_header(r, "Content-Disposition", "inline");
  resp_text(r, 200, image_mime(t), &b);
  return ZD_OK;
}
