/* upgrade_project_pages.c — a fund's page (allocations, totals, the XLSX
** export) and a project's page, printable on A4: money, status, items,
** spending, approvals, milestones, before/during/after photos side by side,
** and a form to record spending. No JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"
#include "platform/page.h"

static void project_row(void *arg, const upg_project *p) {
  void **a = arg;
  req *r = a[0];
  buf *b = a[1];
  buf_printf(b, "<tr><td><a href=\"/projects/%lld\">%s</a></td><td>", p->id, p->org_name);
  upg_money_html(b, p->allocation);
  buf_puts(b, "</td><td>");
  upg_money_html(b, p->approved);
  buf_puts(b, "</td><td>");
  upg_money_html(b, p->spent);
  buf_puts(b, "</td><td>");
  upg_money_html(b, p->allocation + p->approved - p->spent);
  buf_printf(b, "</td><td class=\"state ps-%s\">%s</td></tr>", upg_status_key(p->status), T(r, upg_status_label(p->status)));
}

/* GET /funds/{id} */
int upg_page_fund(req *r) {
  upg_fund f;
  int rc = upg_fund_scoped(r, "id", PERM_ORG_VIEW, &f);
  if (rc) return rc;
  buf b = BUF_INIT;
  page_begin(r, &b, f.title);
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/gai\">%s</a> › %s</nav><h1>%s</h1><dl>", T(r, "Upgrade"), f.org_name, f.title);
  buf_printf(&b, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>", T(r, "Fund source"), f.source, T(r, "Total"));
  upg_money_html(&b, f.total);
  buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "Allocated"));
  upg_money_html(&b, f.allocated);
  buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "Not allocated"));
  upg_money_html(&b, f.total - f.allocated);
  buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "Spent"));
  upg_money_html(&b, f.spent);
  buf_puts(&b, "</dd></dl>");
  buf_printf(&b, "<table class=\"list money\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Village"), T(r, "Allocation"), T(r, "Approved overrun"), T(r, "Spent"), T(r, "Remaining"), T(r, "Status"));
  void *arg[2] = {r, &b};
  rc = upg_projects_list(req_db(r), f.id, 0, project_row, arg, &r->err);
  if (rc) { buf_free(&b); return rc; }
  buf_printf(&b, "</tbody></table><p class=\"no-print\"><a class=\"button secondary\" href=\"/funds/%lld/export.xlsx\">%s</a></p>",
             f.id, T(r, "Projects and spending as a spreadsheet (XLSX)"));
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
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

static int project_page(req *r, long long id, const char *error, int status) {
  upg_project_detail d;
  int rc = upg_project_detail_load(req_db(r), id, &d, &r->err);
  if (rc) { upg_project_detail_free(&d); return rc; }
  const upg_project *p = &d.p;
  buf b = BUF_INIT;
  page_begin(r, &b, p->title);
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/v/%u/center#projects\">%s</a> › %s</nav>", p->org_code, p->org_name,
             T(r, "Renovation project"));
  buf_printf(&b, "<article class=\"project\"><h1>%s</h1>", p->title);
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  buf_puts(&b, "<ol class=\"steps\">");
  for (int s = 0; s < UPS_COUNT; s++)
    buf_printf(&b, "<li class=\"%r\">%s</li>", s < (int)p->status ? "done" : s == (int)p->status ? "current" : "",
               T(r, upg_status_label((upg_status)s)));
  buf_puts(&b, "</ol><dl>");
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

  buf_printf(&b, "<h2>%s <small>%s</small></h2>", T(r, "Items"), T(r, "Renovate what can be renovated, reuse what can be used"));
  buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Item"), T(r, "Checklist problem"), T(r, "Decision"), T(r, "Planned"), T(r, "Spent"));
  for (size_t i = 0; i < d.nitems; i++) {
    const upg_item *it = &d.items[i];
    buf_printf(&b, "<tr><td>%s", it->title);
    if (it->note[0]) buf_printf(&b, "<br><small>%s</small>", it->note);
    buf_printf(&b, "</td><td>%s</td><td class=\"state dc-%s\">%s</td><td>",
               it->check_item >= 0 ? T(r, upg_check_label((upg_check_item)it->check_item)) : "",
               upg_decision_key(it->decision), T(r, upg_decision_label(it->decision)));
    upg_money_html(&b, it->planned);
    buf_puts(&b, "</td><td>");
    upg_money_html(&b, it->spent);
    buf_puts(&b, "</td></tr>");
  }
  if (!d.nitems) buf_printf(&b, "<tr><td colspan=\"5\">%s</td></tr>", T(r, "No items yet."));
  buf_puts(&b, "</tbody></table>");

  buf_printf(&b, "<h2 id=\"spending\">%s</h2>", T(r, "Spending"));
  buf_printf(&b, "<table class=\"list money\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Date"), T(r, "Item"), T(r, "Paid to"), T(r, "Amount"), T(r, "Receipt"), T(r, "Recorded by"));
  for (size_t i = 0; i < d.nspend; i++) {
    const upg_spend *s = &d.spend[i];
    buf_printf(&b, "<tr%r><td>", s->over ? " class=\"over\"" : "");
    upg_date_html(&b, s->spent_on);
    buf_printf(&b, "</td><td>%s", s->item_title);
    if (s->note[0]) buf_printf(&b, "<br><small>%s</small>", s->note);
    buf_printf(&b, "</td><td>%s</td><td>", s->payee);
    upg_money_html(&b, s->amount);
    if (s->over) buf_printf(&b, " <small>%s</small>", T(r, "beyond the allocation"));
    buf_puts(&b, "</td><td>");
    upg_thumb_html(r, &b, s->receipt, T(r, "Receipt"));
    buf_printf(&b, "</td><td>%s</td></tr>", s->recorded_by);
  }
  if (!d.nspend) buf_printf(&b, "<tr><td colspan=\"6\">%s</td></tr>", T(r, "Nothing spent yet."));
  buf_puts(&b, "</tbody></table>");

  if (d.napprovals) {
    buf_printf(&b, "<h2>%s</h2><table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
               T(r, "Over-budget approvals"), T(r, "Date"), T(r, "Amount"), T(r, "Why"), T(r, "Approved by"));
    for (size_t i = 0; i < d.napprovals; i++) {
      buf_puts(&b, "<tr><td>");
      upg_date_html(&b, d.approvals[i].created_at);
      buf_puts(&b, "</td><td>");
      upg_money_html(&b, d.approvals[i].amount);
      buf_printf(&b, "</td><td>%s</td><td>%s</td></tr>", d.approvals[i].reason, d.approvals[i].approver);
    }
    buf_puts(&b, "</tbody></table>");
  }

  buf_printf(&b, "<h2>%s</h2><ul class=\"milestones\">", T(r, "Milestones"));
  for (size_t i = 0; i < d.nmilestones; i++) {
    const upg_milestone *m = &d.milestones[i];
    buf_printf(&b, "<li class=\"%r\">%r %s <small>", m->done_on ? "done" : "", m->done_on ? "✔" : "○", m->title);
    if (m->due_on) {
      buf_printf(&b, "%s ", T(r, "due"));
      upg_date_html(&b, m->due_on);
    }
    if (m->done_on) {
      buf_printf(&b, " · %s ", T(r, "done"));
      upg_date_html(&b, m->done_on);
    }
    buf_puts(&b, "</small></li>");
  }
  if (!d.nmilestones) buf_printf(&b, "<li>%s</li>", T(r, "No milestones yet."));
  buf_puts(&b, "</ul>");

  buf_printf(&b, "<h2 id=\"photos\">%s</h2>", T(r, "Before and after"));
  if (!d.nphotos) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No photos yet."));
  for (size_t i = 0; i < d.nphotos; i++) {
    if (i && strcmp(d.photos[i].spot, d.photos[i - 1].spot) == 0) continue; /* ordered by spot */
    buf_printf(&b, "<section class=\"pair\"><h3>%s</h3><div class=\"side-by-side\">", d.photos[i].spot[0] ? d.photos[i].spot : "—");
    for (int ph = 0; ph < UPH_COUNT; ph++) photo_cell(r, &b, &d, d.photos[i].spot, (upg_phase)ph);
    buf_puts(&b, "</div></section>");
  }
  buf_puts(&b, "</article>");

  if (upg_allows(r, PERM_UPGRADE_RECORD, p->org_id) && upg_spend_allowed(p->status)) {
    int posted = r->body.len > 0 && req_form_ok(r);
    const char *keep[] = {"amount", "payee", "note", "spent_on"};
    const char *val[4] = {"", "", "", ""};
    for (int k = 0; posted && k < 4; k++) val[k] = req_form(r, keep[k]) ? req_form(r, keep[k]) : "";
    buf_printf(&b, "<form class=\"form no-print\" method=\"post\" action=\"/projects/%lld/spending\" enctype=\"multipart/form-data\"><h2>%s</h2>"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label>%s<input name=\"amount\" required inputmode=\"decimal\" maxlength=\"20\" placeholder=\"1200.00\" value=\"%s\"></label>"
                   "<label>%s<select name=\"item_id\"><option value=\"\">—</option>",
               p->id, T(r, "Record spending"), r->csrf, T(r, "Amount in yuan"), val[0], T(r, "Item"));
    for (size_t i = 0; i < d.nitems; i++)
      buf_printf(&b, "<option value=\"%lld\">%s</option>", d.items[i].id, d.items[i].title);
    buf_printf(&b, "</select></label><label>%s<input name=\"payee\" maxlength=\"100\" value=\"%s\"></label>"
                   "<label>%s<input name=\"note\" maxlength=\"500\" value=\"%s\"></label>"
                   "<label>%s<input name=\"spent_on\" type=\"date\" value=\"%s\"></label>"
                   "<label>%s<input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png,image/webp\"></label>"
                   "<button type=\"submit\">%s</button></form>",
               T(r, "Paid to"), val[1], T(r, "What for"), val[2], T(r, "Date"), val[3], T(r, "Receipt photo"), T(r, "Record"));
  }
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
  return project_page(r, p.id, NULL, 200);
}

/* POST /projects/{id}/spending (form: amount in yuan, item_id, payee, note, spent_on) */
int upg_page_spend_post(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_RECORD, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  upg_spend_new in;
  memset(&in, 0, sizeof in);
  if (!upg_money_parse(req_form(r, "amount"), &in.amount))
    return project_page(r, p.id, T(r, "Write the amount in yuan, like 1200 or 1,200.50."), 400);
  const char *item = req_form(r, "item_id"), *on = req_form(r, "spent_on");
  if (item && *item) {
    char *end;
    in.item_id = strtoll(item, &end, 10);
    if (*end || in.item_id <= 0) return project_page(r, p.id, T(r, "Unknown item."), 400);
  }
  if (on && *on && !upg_date_parse(on, &in.spent_on)) return project_page(r, p.id, T(r, "Write the date as 2024-03-05."), 400);
  in.payee = req_form(r, "payee");
  in.note = req_form(r, "note");
  upg_upload up;
  const mpart *ph = req_file(r, "photo");
  if (ph) { /* the receipt, photographed and sent with the form */
    rc = upg_photo_save(r, ph, p.org_id, &up, NULL);
    if (rc == ZD_EINVAL || rc == ZD_EMEDIA || rc == ZD_ETOOBIG) return project_page(r, p.id, T(r, r->err.msg), 400);
    if (rc) return rc;
    in.receipt = up.sha;
  }
  /* the same rule as the transaction's, to say it in the reader's language */
  upg_budget bu = {p.allocation, p.approved, p.spent};
  int over;
  const char *why;
  if (upg_spend_check(&bu, in.amount, &over, &why)) return project_page(r, p.id, T(r, why), in.amount > 0 ? 409 : 400);
  long long id;
  char actor[96];
  upg_actor(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_spend_insert(w, actor, r->user_id, p.id, &in, &id, &over, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT) return project_page(r, p.id, T(r, r->err.msg), zd_http_status(rc));
  if (rc) return rc;
  char loc[64];
  snprintf(loc, sizeof loc, "/projects/%lld#spending", p.id);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}
