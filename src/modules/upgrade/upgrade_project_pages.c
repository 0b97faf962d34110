/* upgrade_project_pages.c — a township's funds (with a form for a new fund), a
** fund's page (allocations, totals, the XLSX export, a form to set a village's
** allocation) and a project's page, printable on A4: money, status, items,
** spending, approvals, milestones, before/during/after photos side by side.
** The forms (upgrade_project_forms.c) are shown only to users who may use
** them, and carry class no-print. No JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"
#include "platform/page.h"

/* The user's input in the form that failed (`failed`), "" in the others. */
static const char *kept(req *r, const char *failed, const char *form, const char *field) {
  if (!failed || strcmp(failed, form) != 0) return "";
  const char *v = req_form(r, field);
  return v ? v : "";
}

static const char *sel(int on) { return on ? " selected" : ""; }
static const char *chk(int on) { return on ? " checked" : ""; }
static const char *opened(req *r, const char *failed, const char *form) {
  (void)r;
  return failed && strcmp(failed, form) == 0 ? " open" : "";
}

static void csrf_field(req *r, buf *b) { buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf); }

/* --- a township's funds --- */

typedef struct fund_ctx {
  req *r;
  buf *b;
  int n;
} fund_ctx;

static void fund_row(void *arg, const upg_fund *f) {
  fund_ctx *c = arg;
  req *r = c->r;
  buf_printf(c->b, "<tr><td><a href=\"/funds/%lld\">%s</a></td><td data-label=\"%s\">%s</td><td data-label=\"%s\">", f->id,
             f->title, T(r, "Fund source"), f->source, T(r, "Total"));
  upg_money_html(c->b, f->total);
  buf_printf(c->b, "</td><td data-label=\"%s\">", T(r, "Allocated"));
  upg_money_html(c->b, f->allocated);
  buf_printf(c->b, "</td><td data-label=\"%s\">", T(r, "Spent"));
  upg_money_html(c->b, f->spent);
  buf_puts(c->b, "</td></tr>");
  c->n++;
}

int upg_funds_page(req *r, const org *t, const char *error, int status) {
  buf b = BUF_INIT;
  const char *name = org_display_name(t, r->lang);
  page_begin(r, &b, T(r, "Renovation funds"));
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/gai\">%s</a> › %s</nav><h1>%s <small>%s</small></h1>", T(r, "Upgrade"), name,
             T(r, "Renovation funds"), name);
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  buf_printf(&b, "<table class=\"list money\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Fund"), T(r, "Fund source"), T(r, "Total"), T(r, "Allocated"), T(r, "Spent"));
  fund_ctx c = {r, &b, 0};
  int rc = upg_funds_of(req_db(r), t->id, fund_row, &c, &r->err);
  if (rc) { buf_free(&b); return rc; }
  if (!c.n) buf_printf(&b, "<tr><td colspan=\"5\">%s</td></tr>", T(r, "No fund yet."));
  buf_puts(&b, "</tbody></table>");
  if (upg_allows(r, PERM_UPGRADE_MANAGE, t->id)) {
    const char *f = error ? "fund" : NULL;
    buf_printf(&b, "<form class=\"form no-print\" method=\"post\" action=\"/t/%u/funds\"><h2>%s</h2>", t->code, T(r, "New fund"));
    csrf_field(r, &b);
    buf_printf(&b, "<label>%s<input name=\"source\" required maxlength=\"100\" placeholder=\"%s\" value=\"%s\"></label>"
                   "<label>%s<input name=\"title\" required maxlength=\"200\" value=\"%s\"></label>"
                   "<label>%s<input name=\"total\" required inputmode=\"decimal\" maxlength=\"20\" placeholder=\"98000\" value=\"%s\"></label>"
                   "<button type=\"submit\">%s</button></form>",
               T(r, "Fund source"), T(r, "e.g. the county's organisation department"), kept(r, f, "fund", "source"),
               T(r, "Title"), kept(r, f, "fund", "title"), T(r, "Total in yuan"), kept(r, f, "fund", "total"), T(r, "Create the fund"));
  }
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /t/{code}/funds */
int upg_page_funds(req *r) {
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_ORG_VIEW, &t);
  if (rc) return rc;
  return upg_funds_page(r, &t, NULL, 200);
}

/* --- a fund --- */

#define MAX_ALLOC 200
typedef struct alloc_ctx {
  req *r;
  buf *b;
  int n;
  struct { long long org_id, allocation; } a[MAX_ALLOC];
} alloc_ctx;

static void project_row(void *arg, const upg_project *p) {
  alloc_ctx *c = arg;
  req *r = c->r;
  buf *b = c->b;
  if (c->n < MAX_ALLOC) {
    c->a[c->n].org_id = p->org_id;
    c->a[c->n].allocation = p->allocation;
    c->n++;
  }
  buf_printf(b, "<tr><td><a href=\"/projects/%lld\">%s</a></td><td data-label=\"%s\">", p->id, p->org_name, T(r, "Allocation"));
  upg_money_html(b, p->allocation);
  buf_printf(b, "</td><td data-label=\"%s\">", T(r, "Approved overrun"));
  upg_money_html(b, p->approved);
  buf_printf(b, "</td><td data-label=\"%s\">", T(r, "Spent"));
  upg_money_html(b, p->spent);
  buf_printf(b, "</td><td data-label=\"%s\">", T(r, "Remaining"));
  upg_money_html(b, p->allocation + p->approved - p->spent);
  buf_printf(b, "</td><td class=\"state ps-%s\" data-label=\"%s\">%s</td></tr>", upg_status_key(p->status), T(r, "Status"),
             T(r, upg_status_label(p->status)));
}

static void allocation_form(req *r, buf *b, const upg_fund *f, const alloc_ctx *c, const char *failed) {
  org *vs = NULL;
  size_t n = 0;
  zd_error e;
  if (org_children(req_db(r), f->org_id, &vs, &n, &e)) n = 0;
  const char *want = kept(r, failed, "allocation", "village");
  buf_printf(b, "<form class=\"form no-print\" id=\"allocate\" method=\"post\" action=\"/funds/%lld/allocations\"><h2>%s</h2>", f->id,
             T(r, "Allocate to a village"));
  csrf_field(r, b);
  buf_printf(b, "<p><small>%s</small></p><label>%s<select name=\"village\" required><option value=\"\">—</option>",
             T(r, "A village that already has an allocation gets the new amount in place of the old."), T(r, "Village"));
  for (size_t i = 0; i < n; i++) {
    if (vs[i].kind != ORG_VILLAGE && vs[i].kind != ORG_COMMUNITY) continue;
    buf_printf(b, "<option value=\"%s\"%s>%s", vs[i].code, sel(strcmp(want, vs[i].code) == 0), org_display_name(&vs[i], r->lang));
    for (int k = 0; k < c->n; k++)
      if (c->a[k].org_id == vs[i].id) {
        char m[48];
        upg_money_format(c->a[k].allocation, m, sizeof m);
        buf_printf(b, " (%s)", m);
      }
    buf_puts(b, "</option>");
  }
  free(vs);
  buf_printf(b, "</select></label><label>%s<input name=\"amount\" required inputmode=\"decimal\" maxlength=\"20\" placeholder=\"24000\" value=\"%s\"></label>"
                "<label>%s<input name=\"title\" maxlength=\"200\" placeholder=\"%s\" value=\"%s\"></label>"
                "<button type=\"submit\">%s</button></form>",
             T(r, "Allocation in yuan"), kept(r, failed, "allocation", "amount"), T(r, "Project title (optional)"),
             T(r, "the village's center upgrade"), kept(r, failed, "allocation", "title"), T(r, "Save the allocation"));
}

int upg_fund_page(req *r, long long id, const char *failed, const char *error, int status) {
  upg_fund f;
  int rc = upg_fund_get(req_db(r), id, &f, &r->err);
  if (rc) return rc;
  alloc_ctx *c = calloc(1, sizeof *c);
  if (!c) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  buf b = BUF_INIT;
  page_begin(r, &b, f.title);
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/gai\">%s</a> › <a href=\"/t/%u/funds\">%s</a></nav><h1>%s</h1>", T(r, "Upgrade"),
             f.org_code, f.org_name, f.title);
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  buf_printf(&b, "<dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", T(r, "Fund source"), f.source, T(r, "Total"));
  upg_money_html(&b, f.total);
  buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "Allocated"));
  upg_money_html(&b, f.allocated);
  buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "Not allocated"));
  upg_money_html(&b, f.total - f.allocated);
  buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "Spent"));
  upg_money_html(&b, f.spent);
  buf_puts(&b, "</dd></dl>");
  buf_printf(&b, "<table class=\"list money\" id=\"projects\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Village"), T(r, "Allocation"), T(r, "Approved overrun"), T(r, "Spent"), T(r, "Remaining"), T(r, "Status"));
  c->r = r;
  c->b = &b;
  rc = upg_projects_list(req_db(r), f.id, 0, project_row, c, &r->err);
  if (rc) { buf_free(&b); free(c); return rc; }
  if (!c->n) buf_printf(&b, "<tr><td colspan=\"6\">%s</td></tr>", T(r, "Nothing allocated yet."));
  buf_printf(&b, "</tbody></table><p class=\"no-print\"><a class=\"button secondary\" href=\"/funds/%lld/export.xlsx\">%s</a></p>",
             f.id, T(r, "Projects and spending as a spreadsheet (XLSX)"));
  if (upg_allows(r, PERM_UPGRADE_MANAGE, f.org_id)) allocation_form(r, &b, &f, c, failed);
  free(c);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /funds/{id} */
int upg_page_fund(req *r) {
  upg_fund f;
  int rc = upg_fund_scoped(r, "id", PERM_ORG_VIEW, &f);
  if (rc) return rc;
  return upg_fund_page(r, f.id, NULL, NULL, 200);
}

/* --- a project --- */

void upg_project_facts_of(const upg_project_detail *d, upg_project_facts *f) {
  memset(f, 0, sizeof *f);
  for (size_t i = 0; i < d->nmilestones; i++)
    if (!d->milestones[i].done_on) f->open_milestones++;
  for (size_t i = 0; i < d->nphotos; i++)
    if ((unsigned)d->photos[i].phase < UPH_COUNT) f->photos[d->photos[i].phase]++;
}

static void money_dd(buf *b, const char *label, long long fen) {
  buf_printf(b, "<dt>%s</dt><dd>", label);
  upg_money_html(b, fen);
  buf_puts(b, "</dd>");
}

static void photo_cell(req *r, buf *b, const upg_project_detail *d, const char *spot, upg_phase ph) {
  buf_printf(b, "<figure class=\"ph-%s\"><figcaption>%s</figcaption>", upg_phase_key(ph), T(r, upg_phase_label(ph)));
  int any = 0;
  for (size_t i = 0; i < d->nphotos; i++) {
    const upg_photo *p = &d->photos[i];
    if (p->phase != ph || strcmp(p->spot, spot) != 0) continue;
    buf_printf(b, "<a href=\"/uploads/%u\"><img src=\"/uploads/%u\" alt=\"%s\" loading=\"lazy\"></a>", p->sha, p->sha,
               p->caption[0] ? p->caption : p->spot);
    if (p->caption[0]) buf_printf(b, "<small>%s</small>", p->caption);
    any = 1;
  }
  if (!any) buf_puts(b, "<span class=\"empty\">—</span>");
  buf_puts(b, "</figure>");
}

/* The button that moves the project one step on, or why it cannot yet. */
static const char *const next_step_label[UPS_COUNT] = {NULL, "Start the works", "Mark as completed", "Put into use"};

static void status_form(req *r, buf *b, const upg_project *p, const upg_project_facts *facts) {
  int next = upg_status_next(p->status);
  if (next < 0) return;
  const char *why = NULL;
  if (upg_status_apply(p->status, (upg_status)next, facts, &why) != ZD_OK) {
    buf_printf(b, "<p class=\"empty no-print\" id=\"next-step\">%s</p>", T(r, why ? why : "Unknown status."));
    return;
  }
  buf_printf(b, "<form class=\"form no-print\" id=\"next-step\" method=\"post\" action=\"/projects/%lld/status\">", p->id);
  csrf_field(r, b);
  buf_printf(b, "<input type=\"hidden\" name=\"status\" value=\"%s\"><button type=\"submit\">%s</button></form>",
             upg_status_key((upg_status)next), T(r, next_step_label[next]));
}

static void check_options(req *r, buf *b, const upg_center *ce, const char *want) {
  buf_printf(b, "<option value=\"\">—</option>");
  for (int k = 0; k < CK_COUNT; k++) {
    const char *key = upg_check_key((upg_check_item)k);
    buf_printf(b, "<option value=\"%s\"%s>%s", key, sel(strcmp(want, key) == 0), T(r, upg_check_label((upg_check_item)k)));
    if (ce && upg_cstate_problem(ce->checks[k].state))
      buf_printf(b, " · %s", T(r, upg_cstate_label(ce->checks[k].state)));
    buf_puts(b, "</option>");
  }
}

static void item_form(req *r, buf *b, const upg_project *p, const char *failed) {
  upg_center *ce = calloc(1, sizeof *ce);
  zd_error e;
  if (ce && upg_center_load(req_db(r), p->org_id, ce, &e)) { free(ce); ce = NULL; }
  const char *dec = kept(r, failed, "item", "decision");
  buf_printf(b, "<details class=\"no-print\"%s><summary>%s</summary>", opened(r, failed, "item"), T(r, "Add an item"));
  buf_printf(b, "<form class=\"form no-print\" method=\"post\" action=\"/projects/%lld/items\">", p->id);
  csrf_field(r, b);
  buf_printf(b, "<label>%s<input name=\"title\" required maxlength=\"200\" placeholder=\"%s\" value=\"%s\"></label>"
                "<label>%s<select name=\"check_item\">",
             T(r, "Item"), T(r, "e.g. repaint the inner walls"), kept(r, failed, "item", "title"), T(r, "Checklist problem"));
  check_options(r, b, ce, kept(r, failed, "item", "check_item"));
  free(ce);
  buf_printf(b, "</select></label><fieldset><legend>%s</legend>", T(r, "Renovate what can be renovated, reuse what can be used"));
  for (int d = 0; d < UD_COUNT; d++)
    buf_printf(b, "<label class=\"radio\"><input type=\"radio\" name=\"decision\" value=\"%s\" required%s> %s</label>",
               upg_decision_key((upg_decision)d), chk(strcmp(dec, upg_decision_key((upg_decision)d)) == 0),
               T(r, upg_decision_label((upg_decision)d)));
  buf_printf(b, "</fieldset><label>%s<input name=\"planned\" inputmode=\"decimal\" maxlength=\"20\" placeholder=\"0\" value=\"%s\"></label>"
                "<label>%s<input name=\"note\" maxlength=\"500\" value=\"%s\"></label>"
                "<button type=\"submit\">%s</button></form></details>",
             T(r, "Estimated cost in yuan"), kept(r, failed, "item", "planned"), T(r, "Note"), kept(r, failed, "item", "note"),
             T(r, "Add the item"));
}

static void spending_form(req *r, buf *b, const upg_project_detail *d, const char *failed) {
  const upg_project *p = &d->p;
  const char *item = kept(r, failed, "spending", "item_id");
  buf_printf(b, "<form class=\"form no-print\" method=\"post\" action=\"/projects/%lld/spending\" enctype=\"multipart/form-data\"><h2>%s</h2>",
             p->id, T(r, "Record spending"));
  csrf_field(r, b);
  buf_printf(b, "<label>%s<input name=\"amount\" required inputmode=\"decimal\" maxlength=\"20\" placeholder=\"1200.00\" value=\"%s\"></label>"
                "<label>%s<select name=\"item_id\"><option value=\"\">—</option>",
             T(r, "Amount in yuan"), kept(r, failed, "spending", "amount"), T(r, "Item"));
  for (size_t i = 0; i < d->nitems; i++) {
    char id[24];
    snprintf(id, sizeof id, "%lld", d->items[i].id);
    buf_printf(b, "<option value=\"%s\"%s>%s</option>", id, sel(strcmp(item, id) == 0), d->items[i].title);
  }
  buf_printf(b, "</select></label><label>%s<input name=\"payee\" maxlength=\"100\" value=\"%s\"></label>"
                "<label>%s<input name=\"note\" maxlength=\"500\" value=\"%s\"></label>"
                "<label>%s<input name=\"spent_on\" type=\"date\" value=\"%s\"></label>"
                "<label>%s<input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png,image/webp\"></label>"
                "<button type=\"submit\">%s</button></form>",
             T(r, "Paid to"), kept(r, failed, "spending", "payee"), T(r, "What for"), kept(r, failed, "spending", "note"), T(r, "Date"),
             kept(r, failed, "spending", "spent_on"), T(r, "Receipt photo"), T(r, "Record"));
}

static void approval_form(req *r, buf *b, const upg_project *p, const char *failed) {
  buf_printf(b, "<details class=\"no-print\"%s><summary>%s</summary>", opened(r, failed, "approval"),
             T(r, "Record an over-budget approval"));
  buf_printf(b, "<form class=\"form no-print\" method=\"post\" action=\"/projects/%lld/approvals\">", p->id);
  csrf_field(r, b);
  buf_printf(b, "<p><small>%s %s</small></p>"
                "<label>%s<input name=\"amount\" required inputmode=\"decimal\" maxlength=\"20\" placeholder=\"1000\" value=\"%s\"></label>"
                "<label>%s<textarea name=\"reason\" rows=\"3\" required maxlength=\"500\">%s</textarea></label>"
                "<button type=\"submit\">%s</button></form></details>",
             T(r, "Approved by"), r->login, T(r, "Extra amount in yuan"), kept(r, failed, "approval", "amount"), T(r, "Why"),
             kept(r, failed, "approval", "reason"), T(r, "Record the approval"));
}

static void milestone_form(req *r, buf *b, const upg_project *p, const char *failed) {
  buf_printf(b, "<details class=\"no-print\"%s><summary>%s</summary>", opened(r, failed, "milestone"), T(r, "Add a milestone"));
  buf_printf(b, "<form class=\"form no-print\" method=\"post\" action=\"/projects/%lld/milestones\">", p->id);
  csrf_field(r, b);
  buf_printf(b, "<label>%s<input name=\"title\" required maxlength=\"200\" placeholder=\"%s\" value=\"%s\"></label>"
                "<label>%s<input name=\"due_on\" type=\"date\" value=\"%s\"></label>"
                "<button type=\"submit\">%s</button></form></details>",
             T(r, "Milestone"), T(r, "e.g. acceptance check"), kept(r, failed, "milestone", "title"), T(r, "Due on"),
             kept(r, failed, "milestone", "due_on"), T(r, "Add the milestone"));
}

static void photo_form(req *r, buf *b, const upg_project_detail *d, const char *failed) {
  const upg_project *p = &d->p;
  const char *ph = kept(r, failed, "photo", "phase"), *item = kept(r, failed, "photo", "item_id");
  buf_printf(b, "<details class=\"no-print\"%s><summary>%s</summary>", opened(r, failed, "photo"), T(r, "Add a photo"));
  buf_printf(b, "<form class=\"form no-print\" method=\"post\" action=\"/projects/%lld/photos\" enctype=\"multipart/form-data\">", p->id);
  csrf_field(r, b);
  buf_printf(b, "<fieldset><legend>%s</legend>", T(r, "Stage of the works"));
  for (int k = 0; k < UPH_COUNT; k++)
    buf_printf(b, "<label class=\"radio\"><input type=\"radio\" name=\"phase\" value=\"%s\" required%s> %s</label>",
               upg_phase_key((upg_phase)k), chk(strcmp(ph, upg_phase_key((upg_phase)k)) == 0), T(r, upg_phase_label((upg_phase)k)));
  /* the spots already photographed, so that before and after pair up */
  buf_printf(b, "</fieldset><label>%s<input name=\"spot\" maxlength=\"100\" list=\"spots-%lld\" placeholder=\"%s\" value=\"%s\"></label>"
                "<datalist id=\"spots-%lld\">",
             T(r, "Spot"), p->id, T(r, "e.g. the front door"), kept(r, failed, "photo", "spot"), p->id);
  for (size_t i = 0; i < d->nphotos; i++)
    if (d->photos[i].spot[0] && (i == 0 || strcmp(d->photos[i].spot, d->photos[i - 1].spot) != 0))
      buf_printf(b, "<option value=\"%s\">", d->photos[i].spot);
  buf_printf(b, "</datalist><label>%s<select name=\"item_id\"><option value=\"\">—</option>", T(r, "Item"));
  for (size_t i = 0; i < d->nitems; i++) {
    char id[24];
    snprintf(id, sizeof id, "%lld", d->items[i].id);
    buf_printf(b, "<option value=\"%s\"%s>%s</option>", id, sel(strcmp(item, id) == 0), d->items[i].title);
  }
  buf_printf(b, "</select></label><label>%s<input name=\"caption\" maxlength=\"200\" value=\"%s\"></label>"
                "<label>%s<input name=\"photo\" type=\"file\" required accept=\"image/jpeg,image/png,image/webp\"></label>"
                "<button type=\"submit\">%s</button></form></details>",
             T(r, "Caption"), kept(r, failed, "photo", "caption"), T(r, "Photo"), T(r, "Add the photo"));
}

int upg_project_page(req *r, long long id, const char *failed, const char *error, int status) {
  upg_project_detail d;
  int rc = upg_project_detail_load(req_db(r), id, &d, &r->err);
  if (rc) { upg_project_detail_free(&d); return rc; }
  const upg_project *p = &d.p;
  upg_project_facts facts;
  upg_project_facts_of(&d, &facts);
  /* who may use which form */
  int edit = upg_allows(r, PERM_UPGRADE_EDIT, p->org_id), record = upg_allows(r, PERM_UPGRADE_RECORD, p->org_id);
  int manage = upg_allows(r, PERM_UPGRADE_MANAGE, p->org_id), open = p->status != UPS_IN_USE;
  buf b = BUF_INIT;
  page_begin(r, &b, p->title);
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/v/%u/center#projects\">%s</a> › %s</nav>", p->org_code, p->org_name,
             T(r, "Renovation project"));
  buf_printf(&b, "<article class=\"project\"><h1>%s</h1>", p->title);
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  buf_puts(&b, "<ol class=\"steps\">");
  for (int s = 0; s < UPS_COUNT; s++)
    buf_printf(&b, "<li class=\"%s\">%s</li>", s < (int)p->status ? "done" : s == (int)p->status ? "current" : "",
               T(r, upg_status_label((upg_status)s)));
  buf_puts(&b, "</ol>");
  if (edit) status_form(r, &b, p, &facts);
  buf_puts(&b, "<dl>");
  buf_printf(&b, "<dt>%s</dt><dd>%s · %s</dd>", T(r, "Fund"), p->fund_source, p->fund_title);
  buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Village"), p->org_name);
  money_dd(&b, T(r, "Allocation"), p->allocation);
  if (p->approved) money_dd(&b, T(r, "Approved overrun"), p->approved);
  money_dd(&b, T(r, "Spent"), p->spent);
  money_dd(&b, T(r, "Remaining"), p->allocation + p->approved - p->spent);
  money_dd(&b, T(r, "Planned"), p->planned);
  buf_puts(&b, "</dl>");
  if (p->planned > p->allocation)
    buf_printf(&b, "<p class=\"alert\">%s</p>", T(r, "The planned items cost more than the allocation."));
  if (p->spent > p->allocation)
    buf_printf(&b, "<p class=\"alert\">%s</p>", T(r, "Spending is beyond the allocation, covered by recorded over-budget approvals."));

  buf_printf(&b, "<h2 id=\"items\">%s <small>%s</small></h2>", T(r, "Items"), T(r, "Renovate what can be renovated, reuse what can be used"));
  buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Item"), T(r, "Checklist problem"), T(r, "Decision"), T(r, "Planned"), T(r, "Spent"));
  for (size_t i = 0; i < d.nitems; i++) {
    const upg_item *it = &d.items[i];
    buf_printf(&b, "<tr><td>%s", it->title);
    if (it->note[0]) buf_printf(&b, "<br><small>%s</small>", it->note);
    buf_printf(&b, "</td><td data-label=\"%s\">%s</td><td class=\"state dc-%s\" data-label=\"%s\">%s</td><td data-label=\"%s\">",
               T(r, "Checklist problem"), it->check_item >= 0 ? T(r, upg_check_label((upg_check_item)it->check_item)) : "",
               upg_decision_key(it->decision), T(r, "Decision"), T(r, upg_decision_label(it->decision)), T(r, "Planned"));
    upg_money_html(&b, it->planned);
    buf_printf(&b, "</td><td data-label=\"%s\">", T(r, "Spent"));
    upg_money_html(&b, it->spent);
    buf_puts(&b, "</td></tr>");
  }
  if (!d.nitems) buf_printf(&b, "<tr><td colspan=\"5\">%s</td></tr>", T(r, "No items yet."));
  buf_puts(&b, "</tbody></table>");
  if (edit && open) item_form(r, &b, p, failed);

  buf_printf(&b, "<h2 id=\"spending\">%s</h2>", T(r, "Spending"));
  buf_printf(&b, "<table class=\"list money\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Date"), T(r, "Item"), T(r, "Paid to"), T(r, "Amount"), T(r, "Receipt"), T(r, "Recorded by"));
  for (size_t i = 0; i < d.nspend; i++) {
    const upg_spend *s = &d.spend[i];
    buf_printf(&b, "<tr class=\"%s\"><td>", s->over ? "over" : "");
    upg_date_html(&b, s->spent_on);
    buf_printf(&b, "</td><td data-label=\"%s\">%s", T(r, "Item"), s->item_title);
    if (s->note[0]) buf_printf(&b, "<br><small>%s</small>", s->note);
    buf_printf(&b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">", T(r, "Paid to"), s->payee, T(r, "Amount"));
    upg_money_html(&b, s->amount);
    if (s->over) buf_printf(&b, " <small>%s</small>", T(r, "beyond the allocation"));
    buf_puts(&b, "</td><td>");
    upg_thumb_html(r, &b, s->receipt, T(r, "Receipt"));
    buf_printf(&b, "</td><td data-label=\"%s\">%s</td></tr>", T(r, "Recorded by"), s->recorded_by);
  }
  if (!d.nspend) buf_printf(&b, "<tr><td colspan=\"6\">%s</td></tr>", T(r, "Nothing spent yet."));
  buf_puts(&b, "</tbody></table>");
  if (record && upg_spend_allowed(p->status)) spending_form(r, &b, &d, failed);

  if (d.napprovals) {
    buf_printf(&b, "<h2 id=\"approvals\">%s</h2><table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
               T(r, "Over-budget approvals"), T(r, "Date"), T(r, "Amount"), T(r, "Why"), T(r, "Approved by"));
    for (size_t i = 0; i < d.napprovals; i++) {
      buf_puts(&b, "<tr><td>");
      upg_date_html(&b, d.approvals[i].created_at);
      buf_printf(&b, "</td><td data-label=\"%s\">", T(r, "Amount"));
      upg_money_html(&b, d.approvals[i].amount);
      buf_printf(&b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>", T(r, "Why"), d.approvals[i].reason,
                 T(r, "Approved by"), d.approvals[i].approver);
    }
    buf_puts(&b, "</tbody></table>");
  }
  if (manage && upg_spend_allowed(p->status)) approval_form(r, &b, p, failed);

  buf_printf(&b, "<h2 id=\"milestones\">%s</h2><ul class=\"milestones\">", T(r, "Milestones"));
  for (size_t i = 0; i < d.nmilestones; i++) {
    const upg_milestone *m = &d.milestones[i];
    buf_printf(&b, "<li class=\"%s\">%s %s <small>", m->done_on ? "done" : "", m->done_on ? "✔" : "○", m->title);
    if (m->due_on) {
      buf_printf(&b, "%s ", T(r, "due"));
      upg_date_html(&b, m->due_on);
    }
    if (m->done_on) {
      buf_printf(&b, " · %s ", T(r, "done"));
      upg_date_html(&b, m->done_on);
    }
    buf_puts(&b, "</small>");
    if (edit && !m->done_on) {
      buf_printf(&b, " <form class=\"inline\" method=\"post\" action=\"/projects/%lld/milestones/%lld\">", p->id, m->id);
      csrf_field(r, &b);
      buf_printf(&b, "<input type=\"hidden\" name=\"done\" value=\"1\"><button type=\"submit\">%s</button></form>", T(r, "Mark as done"));
    }
    buf_puts(&b, "</li>");
  }
  if (!d.nmilestones) buf_printf(&b, "<li>%s</li>", T(r, "No milestones yet."));
  buf_puts(&b, "</ul>");
  if (edit && open) milestone_form(r, &b, p, failed);

  buf_printf(&b, "<h2 id=\"photos\">%s</h2>", T(r, "Before and after"));
  if (!d.nphotos) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No photos yet."));
  for (size_t i = 0; i < d.nphotos; i++) {
    if (i && strcmp(d.photos[i].spot, d.photos[i - 1].spot) == 0) continue; /* ordered by spot */
    buf_printf(&b, "<section class=\"pair\"><h3>%s</h3><div class=\"side-by-side\">", d.photos[i].spot[0] ? d.photos[i].spot : "—");
    for (int ph = 0; ph < UPH_COUNT; ph++) photo_cell(r, &b, &d, d.photos[i].spot, (upg_phase)ph);
    buf_puts(&b, "</div></section>");
  }
  if (record) photo_form(r, &b, &d, failed);
  buf_puts(&b, "</article>");
  upg_project_detail_free(&d);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /projects/{id} */
int upg_page_project(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_ORG_VIEW, &p);
  if (rc) return rc;
  return upg_project_page(r, p.id, NULL, NULL, 200);
}
