/* duty_board.c — the village's public duty section (去向牌, 我为群众办实事,
** posts), the links of the 管 pillar page, the duty log, coverage (village
** and township) and the posts-and-deeds pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duty_core.h"
#include "modules/appeal/appeal.h"
#include "platform/page.h"

static long long today_now(void) {
  long long now = (long long)time(NULL);
  return duty_local_day(now, duty_tz(now));
}

/* ------------------------------------------------------------------ the public village page */

static void deeds_table(req *r, buf *b, long long org_id, int public_only, int manage, const char *code) {
  zd_error e;
  long long today = today_now();
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT id, title, owner, promised_on, done_on, is_public FROM duty_deed WHERE org_id = ? AND "
                        "(? = 0 OR is_public = 1) ORDER BY CASE WHEN done_on = '' THEN 0 ELSE 1 END, promised_on DESC, id DESC",
                        "id", org_id, public_only);
  int n = 0;
  while (s && db_step(s, &e) == DB_ROW) {
    if (!n++)
      buf_printf(b, "<table class=\"list deeds\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                 T(r, "Deed"), T(r, "Owner"), T(r, "Promised by"), T(r, "Status"));
    long long promised = 0, done = 0;
    duty_parse_date(db_col_text(s, 3), &promised);
    if (!duty_parse_date(db_col_text(s, 4), &done)) done = 0;
    duty_deed_state st = duty_deed_state_of(promised, done, today);
    buf_printf(b, "<tr class=\"deed-%s\"><td>%s%r</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                  "<td data-label=\"%s\">%s%r%s",
               duty_deed_state_key(st), db_col_text(s, 1), !db_col_int(s, 5) ? " 🔒" : "", T(r, "Owner"), db_col_text(s, 2),
               T(r, "Promised by"), db_col_text(s, 3), T(r, "Status"), T(r, duty_deed_state_label(st)), done ? " " : "",
               done ? db_col_text(s, 4) : "");
    if (manage && !done)
      buf_printf(b, "<form class=\"inline\" method=\"post\" action=\"/v/%u/deeds/%lld/done\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                    "<input type=\"date\" name=\"date\" required><button type=\"submit\">%s</button></form>",
                 code, db_col_int(s, 0), r->csrf, T(r, "Mark done"));
    buf_puts(b, "</td></tr>");
  }
  db_done(s);
  if (n) buf_puts(b, "</tbody></table>");
  else buf_printf(b, "<p class=\"empty\">%s</p>", T(r, "No deeds on the list yet."));
}

static void posts_table(req *r, buf *b, long long org_id, int active_only, int manage, const char *code) {
  zd_error e;
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT id, kind, title, holder, hours, active FROM duty_post WHERE org_id = ? AND (? = 0 OR active = 1) "
                        "ORDER BY active DESC, kind, id", "id", org_id, active_only);
  int n = 0;
  while (s && db_step(s, &e) == DB_ROW) {
    if (!n++)
      buf_printf(b, "<table class=\"list posts\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                 T(r, "Post"), T(r, "Kind"), T(r, "Holder"), T(r, "Hours"));
    int k = duty_post_kind_parse(db_col_text(s, 1));
    int active = (int)db_col_int(s, 5);
    buf_printf(b, "<tr%r><td>%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s",
               active ? "" : " class=\"ended\"", db_col_text(s, 2), T(r, "Kind"),
               T(r, duty_post_kind_label(k < 0 ? DP_CONVENIENCE : (duty_post_kind)k)), T(r, "Holder"), db_col_text(s, 3),
               T(r, "Hours"), db_col_text(s, 4));
    if (manage)
      buf_printf(b, "<form class=\"inline\" method=\"post\" action=\"/v/%u/posts\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                    "<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" name=\"active\" value=\"%d\">"
                    "<button type=\"submit\" class=\"secondary\">%s</button></form>",
                 code, r->csrf, db_col_int(s, 0), !active, T(r, active ? "End this post" : "Restore"));
    buf_puts(b, "</td></tr>");
  }
  db_done(s);
  if (n) buf_puts(b, "</tbody></table>");
  else buf_printf(b, "<p class=\"empty\">%s</p>", T(r, "No posts recorded yet."));
}

void duty_public_section(req *r, buf *b, long long org_id, const char *code) {
  duty_person *p = NULL;
  size_t n = 0;
  zd_error e;
  long long now = (long long)time(NULL), tz = duty_tz(now);
  buf_printf(b, "<section class=\"board\" id=\"whereabouts\"><h2>%s <small>%s</small></h2>", T(r, "Whereabouts board"),
             T(r, "where the village cadres are now"));
  if (duty_cadres(req_db(r), org_id, &p, &n, &e) == ZD_OK && n) {
    buf_puts(b, "<ul class=\"whereabouts\">");
    for (size_t i = 0; i < n; i++) {
      db_stmt *s = db_query(req_db(r), &e, "SELECT status, note, set_at FROM duty_status WHERE org_id = ? AND user_id = ?", "ii",
                            org_id, p[i].id);
      int st = -1;
      char note[200] = "", since[8] = "";
      if (s && db_step(s, &e) == DB_ROW) {
        int x = duty_status_parse(db_col_text(s, 0));
        if (x >= 0) {
          st = (int)duty_status_effective((duty_status)x, db_col_int(s, 2), now, tz);
          if (st == x) {
            snprintf(note, sizeof note, "%s", db_col_text(s, 1));
            duty_clock(db_col_int(s, 2), since, sizeof since);
          }
        }
      }
      db_done(s);
      buf_printf(b, "<li><span class=\"name\">%s</span> <span class=\"st st-%s\">%s</span>", p[i].name,
                 st < 0 ? "unset" : duty_status_key((duty_status)st),
                 st < 0 ? T(r, "Not set") : T(r, duty_status_label((duty_status)st)));
      if (since[0]) buf_printf(b, " <small>%s %s</small>", T(r, "since"), since);
      if (note[0]) buf_printf(b, " <small>%s</small>", note);
      buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul>");
  } else {
    buf_printf(b, "<p class=\"empty\">%s</p>", T(r, "No cadres on record."));
  }
  free(p);
  buf_puts(b, "</section>");
  buf_printf(b, "<section class=\"deeds\" id=\"deeds\"><h2>%s</h2>", T(r, "Deeds we promised (我为群众办实事)"));
  deeds_table(r, b, org_id, 1, 0, code);
  buf_puts(b, "</section>");
  buf_printf(b, "<section class=\"posts\" id=\"posts\"><h2>%s</h2>", T(r, "Service posts"));
  posts_table(r, b, org_id, 1, 0, code);
  buf_puts(b, "</section>");
  if (r->user_id && ident_scope_allows(req_db(r), r->user_id, PERM_ORG_VIEW, org_id))
    buf_printf(b, "<p class=\"links\"><a href=\"/v/%u/duty\">%s</a> · <a href=\"/v/%u/coverage\">%s</a> · <a href=\"/v/%u/duty-log\">%s</a></p>",
               code, T(r, "Duty roster"), code, T(r, "Coverage"), code, T(r, "Duty log"));
}

void duty_guan_links(req *r, buf *b) {
  buf_printf(b, "<section class=\"duty-links\"><h2>%s</h2>", T(r, "Duty and posts"));
  if (!r->user_id) {
    buf_printf(b, "<p>%s</p></section>",
               T(r, "Each village's page shows where its cadres are (the whereabouts board), the deeds promised and the service posts. Cadres log in for the roster, check-in and the duty log."));
    return;
  }
  buf_puts(b, "<ul class=\"links\">");
  int self = 0;
  for (int i = 0; i < r->nroles; i++) self |= role_grants((role)r->roles[i].role, PERM_DUTY_SELF);
  if (self) buf_printf(b, "<li><a href=\"/duty\">%s</a></li>", T(r, "My duty: check-out, whereabouts, my shifts"));
  long long seen[32];
  int ns = 0;
  for (int i = 0; i < r->nroles && ns < 32; i++) {
    org o;
    zd_error e;
    if (!role_grants((role)r->roles[i].role, PERM_ORG_VIEW)) continue;
    if (org_by_id(req_db(r), r->roles[i].org_id, &o, &e) != ZD_OK) continue;
    int dup = 0;
    for (int k = 0; k < ns; k++) dup |= seen[k] == o.id;
    if (dup) continue;
    seen[ns++] = o.id;
    if (o.kind == ORG_VILLAGE || o.kind == ORG_COMMUNITY)
      buf_printf(b, "<li>%s: <a href=\"/v/%u/duty\">%s</a> · <a href=\"/v/%u/duty-log\">%s</a> · <a href=\"/v/%u/coverage\">%s</a> · "
                    "<a href=\"/v/%u/posts\">%s</a></li>",
                 org_display_name(&o, r->lang), o.code, T(r, "Roster"), o.code, T(r, "Duty log"), o.code, T(r, "Coverage"), o.code,
                 T(r, "Posts and deeds"));
    else if (o.kind == ORG_TOWNSHIP)
      buf_printf(b, "<li><a href=\"/o/%u/coverage\">%s · %s</a> · <a href=\"/o/%u/holidays\">%s</a></li>", o.code,
                 org_display_name(&o, r->lang), T(r, "Duty coverage of the villages"), o.code, T(r, "Holiday calendar"));
    else if (o.kind == ORG_COUNTY) {
      buf_printf(b, "<li><a href=\"/o/%u/holidays\">%s · %s</a></li>", o.code, org_display_name(&o, r->lang),
                 T(r, "Holiday calendar"));
      org *t = NULL;
      size_t nt = 0;
      if (org_children(req_db(r), o.id, &t, &nt, &e) == ZD_OK)
        for (size_t k = 0; k < nt; k++)
          if (t[k].kind == ORG_TOWNSHIP)
            buf_printf(b, "<li><a href=\"/o/%u/coverage\">%s · %s</a></li>", t[k].code, org_display_name(&t[k], r->lang),
                       T(r, "Duty coverage of the villages"));
      free(t);
    }
  }
  buf_puts(b, "</ul></section>");
}

/* ------------------------------------------------------------------ duty log */

static int log_page(req *r, const org *v, int y, int m, const char *alert, int status) {
  char title[160], month[8];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  snprintf(title, sizeof title, "%s %s", T(r, "Duty log"), month);
  int can_write = ident_scope_allows(req_db(r), r->user_id, PERM_DUTY_SELF, v->id);
  int can_appeal = can_write && ident_scope_allows(req_db(r), r->user_id, PERM_APPEAL_HANDLE, v->id);
  buf b = BUF_INIT;
  duty_page_head(r, &b, v, title, "duty-log");
  if (alert) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", alert);
  const char *done = req_query(r, "done");
  if (done && strcmp(done, "added") == 0) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", T(r, "The visit was logged."));
  if (can_write) {
    int posted = req_form_ok(r) && alert;
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/duty-log\"><h2>%s</h2><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label>%s<input name=\"visitor\" maxlength=\"50\" value=\"%s\"></label>"
                   "<label>%s<input name=\"phone\" type=\"tel\" maxlength=\"20\" value=\"%s\"></label>"
                   "<label>%s<textarea name=\"request\" rows=\"3\" required maxlength=\"2000\">%s</textarea></label>"
                   "<label>%s<textarea name=\"action\" rows=\"2\" maxlength=\"2000\">%s</textarea></label>"
                   "<button type=\"submit\">%s</button></form>",
               v->code, T(r, "Log a visit"), r->csrf, T(r, "Visitor"), posted && req_form(r, "visitor") ? req_form(r, "visitor") : "",
               T(r, "Phone"), posted && req_form(r, "phone") ? req_form(r, "phone") : "", T(r, "What they asked"),
               posted && req_form(r, "request") ? req_form(r, "request") : "", T(r, "What was done"),
               posted && req_form(r, "action") ? req_form(r, "action") : "", T(r, "Add to the log"));
  }
  long long tz = duty_tz(time(NULL)), first = duty_day_from_civil(y, m, 1);
  zd_error e;
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT l.id, l.at, l.visitor, l.phone, l.request, l.action, l.appeal_number, COALESCE(u.display_name, '') "
                        "FROM duty_log l LEFT JOIN users u ON u.id = l.entered_by WHERE l.org_id = ? AND l.at >= ? AND l.at < ? "
                        "ORDER BY l.at DESC, l.id DESC LIMIT 500",
                        "iii", v->id, duty_day_start(first, tz), duty_day_start(first + duty_month_length(y, m), tz));
  int n = 0;
  while (s && db_step(s, &e) == DB_ROW) {
    if (!n++)
      buf_printf(&b, "<table class=\"list log\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
                 T(r, "When"), T(r, "Visitor"), T(r, "What they asked"), T(r, "What was done"), T(r, "Case"));
    char when[24], masked[40];
    duty_date_time(db_col_int(s, 1), when, sizeof when);
    duty_mask_phone(db_col_text(s, 3), masked, sizeof masked);
    buf_printf(&b, "<tr><td>%s<br><small>%s</small></td><td data-label=\"%s\">%s<br><small>%s</small></td>"
                   "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">",
               when, db_col_text(s, 7), T(r, "Visitor"), db_col_text(s, 2), masked, T(r, "What they asked"), db_col_text(s, 4),
               T(r, "What was done"), db_col_text(s, 5), T(r, "Case"));
    const char *num = db_col_text(s, 6);
    if (*num) buf_printf(&b, "<a href=\"/appeals/%u\">%s</a>", num, num);
    else if (can_appeal) {
      buf_printf(&b, "<form class=\"inline\" method=\"post\" action=\"/v/%u/duty-log/%lld/appeal\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                     "<select name=\"kind\">", v->code, db_col_int(s, 0), r->csrf);
      for (int k = 0; k < AK_COUNT; k++)
        buf_printf(&b, "<option value=\"%s\">%s</option>", appeal_kind_key((appeal_kind)k), T(r, appeal_kind_label((appeal_kind)k)));
      buf_printf(&b, "</select><button type=\"submit\">%s</button></form>", T(r, "Make it a case"));
    }
    buf_puts(&b, "</td></tr>");
  }
  db_done(s);
  if (n) buf_puts(&b, "</tbody></table>");
  else buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No visits logged this month."));
  int py = y, pm = m - 1;
  if (pm < 1) { pm = 12; py--; }
  char prev[8];
  snprintf(prev, sizeof prev, "%04u-%02u", (unsigned)py % 10000u, (unsigned)pm % 100u);
  buf_printf(&b, "<p class=\"pager\"><a rel=\"prev\" href=\"/v/%u/duty-log?month=%s\">‹ %s</a></p>", v->code, prev, prev);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /v/{code}/duty-log?month= */
int duty_page_log(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, NULL, &y, &m))) return rc;
  r->form_parsed = 1;
  return log_page(r, &v, y, m, NULL, 200);
}

/* POST /v/{code}/duty-log: visitor, phone, request, action */
int duty_page_log_post(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  duty_month_param(r, NULL, &y, &m);
  long long id;
  rc = duty_do_log(r, &v, req_form(r, "visitor"), req_form(r, "phone"), req_form(r, "request"), req_form(r, "action"), &id);
  if (rc == ZD_EINVAL) return log_page(r, &v, y, m, duty_err_text(r), 400);
  if (rc) return rc;
  buf loc = BUF_INIT;
  buf_printf(&loc, "/v/%u/duty-log?done=added", v.code);
  resp_redirect(r, 303, buf_str(&loc));
  buf_free(&loc);
  return ZD_OK;
}

/* POST /v/{code}/duty-log/{id}/appeal: kind */
int duty_page_log_appeal(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  long long id = req_param_id(r, "id");
  if (!id) return zd_fail(&r->err, ZD_ENOTFOUND, "No such duty-log entry in this village.");
  char number[24], code[10];
  if ((rc = duty_do_log_appeal(r, &v, id, req_form(r, "kind"), number, code))) return rc;
  buf loc = BUF_INIT;
  buf_printf(&loc, "/appeals/%u", number);
  resp_redirect(r, 303, buf_str(&loc));
  buf_free(&loc);
  return ZD_OK;
}

/* ------------------------------------------------------------------ coverage */

static void hours_text(long long s, char *out, size_t n) { snprintf(out, n, "%lld.%lld", s / 3600, (s % 3600) * 10 / 3600); }

static void share_cell(req *r, buf *b, int pm) {
  if (pm < 0) { buf_printf(b, "<span class=\"empty\">%s</span>", T(r, "no opening hours yet")); return; }
  buf_printf(b, "<meter min=\"0\" max=\"1000\" low=\"600\" high=\"900\" optimum=\"1000\" value=\"%d\"></meter> %d.%d%%", pm, pm / 10,
             pm % 10);
}

/* GET /v/{code}/coverage?month= */
int duty_page_coverage(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, NULL, &y, &m))) return rc;
  duty_cov *c = malloc(sizeof *c);
  if (!c) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  if ((rc = duty_coverage(r, &v, y, m, (long long)time(NULL), c))) { free(c); return rc; }
  char title[160], month[8], h1[24], h2[24];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  snprintf(title, sizeof title, "%s %s", T(r, "Coverage"), month);
  buf b = BUF_INIT;
  duty_page_head(r, &b, &v, title, "coverage");
  buf_printf(&b, "<p class=\"lead\">%s</p>", T(r, "Doors open, people there (门常开、人常在): the share of the published opening hours so far with at least one person checked in."));
  hours_text(c->open_s, h1, sizeof h1);
  hours_text(c->covered_s, h2, sizeof h2);
  buf_printf(&b, "<dl class=\"figures\"><dt>%s</dt><dd>", T(r, "Coverage"));
  share_cell(r, &b, duty_cov_permille(c));
  buf_printf(&b, "</dd><dt>%s</dt><dd>%s h / %s h</dd><dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%d</dd>"
                 "<dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%d</dd><dt>%s</dt><dd>%d</dd></dl>",
             T(r, "Hours covered / open"), h2, h1, T(r, "Duty shifts"), c->duty_shifts, T(r, "On time"), c->on_time,
             T(r, "Late check-ins"), c->late, T(r, "Missed shifts"), c->missed, T(r, "Shifts nobody could take"), c->unfilled,
             T(r, "Forgotten check-outs"), c->forgotten);
  if (!c->published) buf_printf(&b, "<p class=\"alert\">%s</p>", T(r, "The center has no published opening hours; set them on the roster page."));
  buf_printf(&b, "<table class=\"list cov\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Date"), T(r, "Cadre"), T(r, "Check-in"), T(r, "First check-in"), T(r, "Hours covered / open"));
  for (int i = 0; i < c->ndays; i++) {
    const duty_cov_day *d = &c->days[i];
    char date[11], first[8] = "", a[24], o[24];
    duty_format_date(d->day, date);
    if (d->first_in) duty_clock(d->first_in, first, sizeof first);
    hours_text(d->covered_s, a, sizeof a);
    hours_text(d->open_s, o, sizeof o);
    int judged = d->has_shift && !d->oncall && d->user_id;
    buf_printf(&b, "<tr class=\"%s v-%s\"><td>%s %s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
                   "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s / %s</td></tr>",
               duty_day_kind_key(d->kind), judged ? duty_verdict_key(d->verdict) : "none", date,
               T(r, duty_weekday_names[duty_weekday(d->day)]), T(r, "Cadre"), d->user_id ? d->name : "—", T(r, "Check-in"),
               judged ? T(r, duty_verdict_label(d->verdict)) : d->oncall ? T(r, "On call") : T(r, duty_day_kind_label(d->kind)),
               T(r, "First check-in"), first, T(r, "Hours covered / open"), a, o);
  }
  buf_puts(&b, "</tbody></table>");
  int py = y, pm = m - 1;
  if (pm < 1) { pm = 12; py--; }
  char prev[8];
  snprintf(prev, sizeof prev, "%04u-%02u", (unsigned)py % 10000u, (unsigned)pm % 100u);
  buf_printf(&b, "<p class=\"pager\"><a rel=\"prev\" href=\"/v/%u/coverage?month=%s\">‹ %s</a> · <a href=\"/api/v1/villages/%u/coverage/%s\">JSON</a></p>",
             v.code, prev, prev, v.code, month);
  free(c);
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

/* GET /o/{code}/coverage?month= — a township's villages side by side */
int duty_page_township_coverage(req *r) {
  org t;
  int y, m, rc = org_by_code(req_db(r), req_param(r, "code"), &t, &r->err);
  if (rc == ZD_OK && (t.kind != ORG_TOWNSHIP || !ident_scope_allows(req_db(r), r->user_id, PERM_ORG_VIEW, t.id))) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) return zd_fail(&r->err, ZD_ENOTFOUND, "No township with this code in your scope.");
  if (rc) return rc;
  if ((rc = duty_month_param(r, NULL, &y, &m))) return rc;
  org *vs = NULL;
  size_t n = 0;
  if ((rc = duty_township_villages(r, &t, &vs, &n))) return rc;
  duty_cov *c = malloc(sizeof *c);
  if (!c) { free(vs); return zd_fail(&r->err, ZD_EINTERNAL, "out of memory"); }
  char title[200], month[8];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  snprintf(title, sizeof title, "%s · %s %s", org_display_name(&t, r->lang), T(r, "Duty coverage of the villages"), month);
  buf b = BUF_INIT;
  page_begin(r, &b, title);
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/guan\">%s</a></nav><h1>%s</h1>", T(r, "Manage"), title);
  buf_printf(&b, "<table class=\"list cov\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Village"), T(r, "Coverage"), T(r, "Missed shifts"), T(r, "Late check-ins"), T(r, "Shifts nobody could take"),
             T(r, "Duty shifts"));
  long long now = (long long)time(NULL);
  for (size_t i = 0; i < n && !rc; i++) {
    rc = duty_coverage(r, &vs[i], y, m, now, c);
    if (rc) break;
    buf_printf(&b, "<tr><td><a href=\"/v/%u/coverage?month=%s\">%s</a></td><td data-label=\"%s\">", vs[i].code, month,
               org_display_name(&vs[i], r->lang), T(r, "Coverage"));
    share_cell(r, &b, duty_cov_permille(c));
    buf_printf(&b, "</td><td data-label=\"%s\">%d</td><td data-label=\"%s\">%d</td><td data-label=\"%s\">%d</td>"
                   "<td data-label=\"%s\">%d</td></tr>",
               T(r, "Missed shifts"), c->missed, T(r, "Late check-ins"), c->late, T(r, "Shifts nobody could take"), c->unfilled,
               T(r, "Duty shifts"), c->duty_shifts);
  }
  free(c);
  free(vs);
  if (rc) { buf_free(&b); return rc; }
  buf_puts(&b, "</tbody></table>");
  int py = y, pm = m - 1;
  if (pm < 1) { pm = 12; py--; }
  char prev[8];
  snprintf(prev, sizeof prev, "%04u-%02u", (unsigned)py % 10000u, (unsigned)pm % 100u);
  buf_printf(&b, "<p class=\"pager\"><a rel=\"prev\" href=\"/o/%u/coverage?month=%s\">‹ %s</a> · <a href=\"/api/v1/orgs/%u/coverage/%s\">JSON</a></p>",
             t.code, prev, prev, t.code, month);
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

/* ------------------------------------------------------------------ posts and deeds */

static int posts_page(req *r, const org *v, const char *alert, int status) {
  int manage = ident_scope_allows(req_db(r), r->user_id, PERM_DUTY_MANAGE, v->id);
  buf b = BUF_INIT;
  duty_page_head(r, &b, v, T(r, "Posts and deeds"), "posts");
  if (alert) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", alert);
  const char *done = req_query(r, "done");
  if (done) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", T(r, "Saved."));
  buf_printf(&b, "<h2>%s</h2>", T(r, "Posts"));
  posts_table(r, &b, v->id, 0, manage, v->code);
  if (manage) {
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/posts\"><h3>%s</h3><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label>%s<select name=\"kind\">", v->code, T(r, "Add a post"), r->csrf, T(r, "Kind"));
    for (int k = 0; k < DP_COUNT; k++)
      buf_printf(&b, "<option value=\"%s\">%s</option>", duty_post_kind_key((duty_post_kind)k), T(r, duty_post_kind_label((duty_post_kind)k)));
    buf_printf(&b, "</select></label><label>%s<input name=\"title\" required maxlength=\"100\"></label>"
                   "<label>%s<input name=\"holder\" maxlength=\"100\"></label><label>%s<input name=\"hours\" maxlength=\"100\" "
                   "placeholder=\"周一至周五 8:30–12:00\"></label><button type=\"submit\">%s</button></form>",
               T(r, "Post"), T(r, "Holder"), T(r, "Hours"), T(r, "Add"));
  }
  buf_printf(&b, "<h2>%s</h2>", T(r, "Deeds we promised (我为群众办实事)"));
  deeds_table(r, &b, v->id, 0, manage, v->code);
  if (manage)
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/deeds\"><h3>%s</h3><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label>%s<input name=\"title\" required maxlength=\"200\"></label><label>%s<input name=\"owner\" required maxlength=\"50\"></label>"
                   "<label>%s<input type=\"date\" name=\"promised\" required></label>"
                   "<label class=\"radio\"><input type=\"checkbox\" name=\"public\" value=\"1\" checked> %s</label>"
                   "<button type=\"submit\">%s</button></form>",
               v->code, T(r, "Add a deed"), r->csrf, T(r, "Deed"), T(r, "Owner"), T(r, "Promised by"),
               T(r, "Show on the village's public page"), T(r, "Add"));
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /v/{code}/posts */
int duty_page_posts(req *r) {
  org v;
  int rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  return posts_page(r, &v, NULL, 200);
}

static int saved(req *r, const org *v) {
  buf loc = BUF_INIT;
  buf_printf(&loc, "/v/%u/posts?done=1", v->code);
  resp_redirect(r, 303, buf_str(&loc));
  buf_free(&loc);
  return ZD_OK;
}

/* POST /v/{code}/posts: kind, title, holder, hours (new) — or id, active (end / restore) */
int duty_page_post_post(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  const char *ids = req_form(r, "id");
  long long id = 0;
  if (ids && *ids) {
    char *end;
    id = strtoll(ids, &end, 10);
    if (*end || id <= 0) return zd_fail(&r->err, ZD_ENOTFOUND, "No such post in this village.");
  }
  const char *act = req_form(r, "active");
  rc = id ? duty_do_post(r, &v, id, NULL, NULL, NULL, NULL, act && strcmp(act, "1") == 0, NULL)
          : duty_do_post(r, &v, 0, req_form(r, "kind"), req_form(r, "title"), req_form(r, "holder"), req_form(r, "hours"), 1, NULL);
  if (rc == ZD_EINVAL) return posts_page(r, &v, duty_err_text(r), 400);
  if (rc) return rc;
  return saved(r, &v);
}

/* POST /v/{code}/deeds: title, owner, promised, public */
int duty_page_deed_post(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  const char *pub = req_form(r, "public");
  rc = duty_do_deed(r, &v, 0, req_form(r, "title"), req_form(r, "owner"), req_form(r, "promised"), NULL,
                    pub && strcmp(pub, "1") == 0, NULL);
  if (rc == ZD_EINVAL) return posts_page(r, &v, duty_err_text(r), 400);
  if (rc) return rc;
  return saved(r, &v);
}

/* POST /v/{code}/deeds/{id}/done: date */
int duty_page_deed_done(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  long long id = req_param_id(r, "id");
  if (!id) return zd_fail(&r->err, ZD_ENOTFOUND, "No such deed in this village.");
  const char *date = req_form(r, "date");
  if (!date || !*date) rc = zd_fail(&r->err, ZD_EINVAL, "Give the day it was done.");
  else rc = duty_do_deed(r, &v, id, NULL, NULL, NULL, date, -1, NULL);
  if (rc == ZD_EINVAL) return posts_page(r, &v, duty_err_text(r), 400);
  if (rc) return rc;
  return saved(r, &v);
}

/* ------------------------------------------------------------------ the holiday calendar */

static int holidays_page(req *r, const org *o, int y, const char *alert, int status) {
  int manage = ident_scope_allows(req_db(r), r->user_id, PERM_DUTY_MANAGE, o->id);
  char title[200], from[11], to[11];
  snprintf(title, sizeof title, "%s · %s %d", org_display_name(o, r->lang), T(r, "Holiday calendar"), y);
  duty_format_date(duty_day_from_civil(y, 1, 1), from);
  duty_format_date(duty_day_from_civil(y, 12, 31), to);
  buf b = BUF_INIT;
  page_begin(r, &b, title);
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/guan\">%s</a></nav><h1>%s</h1><p class=\"lead\">%s</p>", T(r, "Manage"), title,
             T(r, "Days off and make-up workdays decide which days get a duty shift at the center and which an on-call shift. A calendar held by the county applies to every township and village below it; a nearer one wins."));
  if (alert) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", alert);
  if (req_query(r, "done")) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", T(r, "Saved."));
  zd_error e;
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT h.day, h.is_off, h.name, o.code, o.name, o.id FROM duty_holiday h JOIN org_closure oc ON "
                        "oc.ancestor = h.org_id JOIN org o ON o.id = h.org_id WHERE oc.descendant = ? AND h.day >= ? AND "
                        "h.day <= ? ORDER BY h.day, oc.depth DESC", "iss", o->id, from, to);
  int n = 0;
  while (s && db_step(s, &e) == DB_ROW) {
    if (!n++)
      buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "Date"),
                 T(r, "Kind"), T(r, "Name"), T(r, "Held by"));
    long long day = 0;
    duty_parse_date(db_col_text(s, 0), &day);
    int off = (int)db_col_int(s, 1), here = db_col_int(s, 5) == o->id;
    buf_printf(&b, "<tr class=\"%r\"><td>%s %s</td><td data-label=\"%s\">%s</td><td>%s</td><td data-label=\"%s\">%s",
               off ? "holiday" : "workday", db_col_text(s, 0), T(r, duty_weekday_names[duty_weekday(day)]), T(r, "Kind"),
               T(r, off ? "Day off" : "Make-up workday"), db_col_text(s, 2), T(r, "Held by"), db_col_text(s, 4));
    if (manage && here)
      buf_printf(&b, " <form class=\"inline\" method=\"post\" action=\"/o/%u/holidays\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                     "<input type=\"hidden\" name=\"date\" value=\"%s\"><input type=\"hidden\" name=\"kind\" value=\"clear\">"
                     "<button type=\"submit\" class=\"secondary\">%s</button></form>",
                 o->code, r->csrf, db_col_text(s, 0), T(r, "Remove"));
    buf_puts(&b, "</td></tr>");
  }
  db_done(s);
  if (n) buf_puts(&b, "</tbody></table>");
  else buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No holidays on record for this year."));
  buf_printf(&b, "<p class=\"pager\"><a rel=\"prev\" href=\"/o/%u/holidays?year=%d\">‹ %d</a> · <a rel=\"next\" href=\"/o/%u/holidays?year=%d\">%d ›</a></p>",
             o->code, y - 1, y - 1, o->code, y + 1, y + 1);
  if (manage)
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/o/%u/holidays\"><h2>%s</h2><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label>%s<input type=\"date\" name=\"date\" required></label><label>%s<select name=\"kind\">"
                   "<option value=\"off\">%s</option><option value=\"work\">%s</option></select></label>"
                   "<label>%s<input name=\"name\" maxlength=\"40\" placeholder=\"国庆节\"></label><button type=\"submit\">%s</button></form>",
               o->code, T(r, "Add a day"), r->csrf, T(r, "Date"), T(r, "Kind"), T(r, "Day off"), T(r, "Make-up workday"), T(r, "Name"),
               T(r, "Save"));
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

static int holiday_org(req *r, perm p, org *o) {
  int rc = org_by_code(req_db(r), req_param(r, "code"), o, &r->err);
  if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, p, o->id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No organisation with this code in your scope.");
  return rc;
}

/* GET /o/{code}/holidays?year=2026 */
int duty_page_holidays(req *r) {
  org o;
  int rc = holiday_org(r, PERM_ORG_VIEW, &o);
  if (rc) return rc;
  const char *ys = req_query(r, "year");
  int y, m;
  duty_month_param(r, NULL, &y, &m);
  if (ys && *ys) {
    char *end;
    long v = strtol(ys, &end, 10);
    if (*end || v < 2000 || v > 2099) return zd_fail(&r->err, ZD_EINVAL, "The year is a number from 2000 to 2099.");
    y = (int)v;
  }
  return holidays_page(r, &o, y, NULL, 200);
}

/* POST /o/{code}/holidays: date, kind (off | work | clear), name */
int duty_page_holidays_post(req *r) {
  org o;
  int rc = holiday_org(r, PERM_DUTY_MANAGE, &o);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  const char *date = req_form(r, "date"), *kind = req_form(r, "kind"), *name = req_form(r, "name");
  long long day = 0;
  int y, m, d;
  duty_month_param(r, NULL, &y, &m);
  if (!duty_parse_date(date, &day)) rc = zd_fail(&r->err, ZD_EINVAL, "Dates are written like 2026-11-30.");
  else duty_civil_from_day(day, &y, &m, &d);
  int off = kind && strcmp(kind, "off") == 0, work = kind && strcmp(kind, "work") == 0, clear = kind && strcmp(kind, "clear") == 0;
  if (!rc && !off && !work && !clear) rc = zd_fail(&r->err, ZD_EINVAL, "Choose a day off or a make-up workday.");
  const char *why = rc ? NULL : duty_text_problem(name, 40, 0, 0);
  if (why) rc = zd_fail(&r->err, ZD_EINVAL, "%s", why);
  if (!rc) {
    char actor[96];
    duty_actor(r, actor, sizeof actor);
    db_conn *w = duty_tx_begin(r, &rc);
    if (!rc) rc = clear ? duty_holiday_clear(w, actor, o.id, day, &r->err) : duty_holiday_set(w, actor, o.id, day, off, name, &r->err);
    rc = duty_tx_end(r, w, rc);
  }
  if (rc == ZD_EINVAL) return holidays_page(r, &o, y, duty_err_text(r), 400);
  if (rc) return rc;
  buf loc = BUF_INIT;
  buf_printf(&loc, "/o/%u/holidays?year=%d&done=1", o.code, y);
  resp_redirect(r, 303, buf_str(&loc));
  buf_free(&loc);
  return ZD_OK;
}
