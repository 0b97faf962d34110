/* upgrade_inspect_pages.c — the area leader's inspection page (their villages,
** a form to record a visit with a finding, the open tasks with a re-inspection
** form) and the township's list of rectification tasks, overdue first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"
#include "platform/page.h"

#define MAX_VILLAGES 200

typedef struct villages {
  org *v;
  int n;
} villages;

static void add_village(void *arg, const org *o) {
  villages *vs = arg;
  if (vs->n < MAX_VILLAGES) vs->v[vs->n++] = *o;
}

typedef struct task_ctx {
  req *r;
  buf *b;
  long long now;
  int n, overdue, forms;
} task_ctx;

static void task_row(void *arg, const upg_finding *f) {
  task_ctx *c = arg;
  req *r = c->r;
  int late = upg_task_overdue(f->state, f->deadline, c->now);
  c->n++;
  c->overdue += late;
  buf_printf(c->b, "<tr id=\"task-%lld\"%r><td><a href=\"/v/%u/center#tasks\">%s</a></td><td>%s", f->id,
             late ? " class=\"overdue\"" : "", f->org_code, f->org_name, f->body);
  if (f->check_item >= 0) buf_printf(c->b, "<br><small>%s</small>", T(r, upg_check_label((upg_check_item)f->check_item)));
  upg_thumb_html(r, c->b, f->photo, T(r, "Photo of the finding"));
  if (f->report_note[0]) buf_printf(c->b, "<blockquote class=\"answer\">%s</blockquote>", f->report_note);
  buf_printf(c->b, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">", T(r, "Owner"),
             f->owner_name[0] ? f->owner_name : f->owner, T(r, "Deadline"));
  upg_date_html(c->b, f->deadline);
  buf_printf(c->b, "</td><td class=\"state ts-%s\" data-label=\"%s\">%s%r</td>", upg_task_key(f->state), T(r, "State"),
             T(r, upg_task_label(f->state)), late ? " ⚑" : "");
  if (c->forms) {
    buf_puts(c->b, "<td>");
    if (upg_task_can_reinspect(f->state) && upg_allows(r, PERM_INSPECT, f->org_id))
      buf_printf(c->b,
                 "<form class=\"inline\" method=\"post\" action=\"/findings/%lld/reinspect\"><input type=\"hidden\" "
                 "name=\"csrf\" value=\"%s\"><label class=\"radio\"><input type=\"radio\" name=\"fixed\" value=\"1\" required> %s</label>"
                 "<label class=\"radio\"><input type=\"radio\" name=\"fixed\" value=\"0\"> %s</label>"
                 "<input name=\"note\" maxlength=\"2000\" placeholder=\"%s\"><input name=\"days\" type=\"number\" min=\"1\" "
                 "max=\"365\" placeholder=\"%s\"><button type=\"submit\">%s</button></form>",
                 f->id, r->csrf, T(r, "Fixed: close it"), T(r, "Not yet"), T(r, "What you saw"), T(r, "New deadline in days"),
                 T(r, "Re-inspect"));
    buf_puts(c->b, "</td>");
  }
  buf_puts(c->b, "</tr>");
}

static void task_head(req *r, buf *b, int forms) {
  buf_printf(b, "<table class=\"list tasks\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>%r</tr></thead><tbody>",
             T(r, "Village"), T(r, "Finding"), T(r, "Owner"), T(r, "Deadline"), T(r, "State"), forms ? "<th></th>" : "");
}

static int inspections_page(req *r, const char *error, int status) {
  villages vs = {calloc(MAX_VILLAGES, sizeof(org)), 0};
  if (!vs.v) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  int rc = upg_villages_in_scope(req_db(r), r->user_id, PERM_INSPECT, add_village, &vs, &r->err);
  if (rc) { free(vs.v); return rc; }
  long long now = (long long)time(NULL);
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Inspections"));
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/gai\">%s</a></nav><h1>%s</h1><p class=\"lead\">%s</p>", T(r, "Upgrade"),
             T(r, "Inspections"), T(r, "Visit your villages, record what you find, give each finding an owner and a deadline, and close it when you see it fixed."));
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  /* one card per village: readable on a phone without a table header */
  buf_puts(&b, "<ul class=\"cards\">");
  for (int i = 0; i < vs.n; i++) {
    long long last = 0;
    upg_last_visit(req_db(r), vs.v[i].id, &last, &r->err);
    buf nul = BUF_INIT;
    task_ctx c = {r, &nul, now, 0, 0, 0};
    upg_finding_filter ff = {0, vs.v[i].id, 0, 1, 0};
    upg_findings_list(req_db(r), &ff, task_row, &c, &r->err);
    buf_free(&nul);
    buf_printf(&b, "<li><a href=\"/v/%u/center#tasks\"><strong>%s</strong><span>%s ", vs.v[i].code,
               org_display_name(&vs.v[i], r->lang), T(r, "Last visit"));
    upg_date_html(&b, last);
    buf_printf(&b, "</span><small>%s %d · %s %d%r</small></a></li>", T(r, "Open"), c.n, T(r, "Overdue"), c.overdue,
               c.overdue ? " ⚑" : "");
  }
  buf_puts(&b, "</ul>");
  if (!vs.n) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No village is assigned to you."));

  int posted = r->body.len > 0 && req_form_ok(r) && strcmp(r->method, "POST") == 0 && strstr(r->path, "/findings/") == NULL;
  const char *fv[6] = {"", "", "", "", "", "14"};
  const char *fk[6] = {"village", "summary", "finding", "check_item", "owner", "days"};
  for (int k = 0; posted && k < 6; k++) fv[k] = req_form(r, fk[k]) ? req_form(r, fk[k]) : "";
  char today[16];
  upg_date_format(now, today, sizeof today);
  buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/inspections\" enctype=\"multipart/form-data\"><h2>%s</h2>"
                 "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label>%s<select name=\"village\" required>",
             T(r, "Record a visit"), r->csrf, T(r, "Village"));
  for (int i = 0; i < vs.n; i++)
    buf_printf(&b, "<option value=\"%s\"%r>%s</option>", vs.v[i].code, strcmp(fv[0], vs.v[i].code) == 0 ? " selected" : "",
               org_display_name(&vs.v[i], r->lang));
  buf_printf(&b, "</select></label><label>%s<input name=\"visited_on\" type=\"date\" value=\"%s\"></label>"
                 "<label>%s<textarea name=\"summary\" rows=\"2\" maxlength=\"2000\">%s</textarea></label>"
                 "<fieldset><legend>%s</legend><label>%s<textarea name=\"finding\" rows=\"2\" maxlength=\"2000\">%s</textarea></label>"
                 "<label>%s<select name=\"check_item\"><option value=\"\">—</option>",
             T(r, "Date of the visit"), today, T(r, "What you saw"), fv[1], T(r, "A finding to rectify (optional)"),
             T(r, "Finding"), fv[2], T(r, "Checklist item"));
  for (int k = 0; k < CK_COUNT; k++)
    buf_printf(&b, "<option value=\"%s\"%r>%s</option>", upg_check_key((upg_check_item)k),
               strcmp(fv[3], upg_check_key((upg_check_item)k)) == 0 ? " selected" : "", T(r, upg_check_label((upg_check_item)k)));
  buf_printf(&b, "</select></label><label>%s<input name=\"owner\" maxlength=\"64\" placeholder=\"renhe-admin\" value=\"%s\"></label>"
                 "<label>%s<input name=\"days\" type=\"number\" min=\"1\" max=\"365\" value=\"%s\"></label>"
                 "<label>%s<input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png,image/webp\"></label></fieldset>"
                 "<button type=\"submit\">%s</button></form>",
             T(r, "Owner (login)"), fv[4], T(r, "Days to fix it"), fv[5], T(r, "A photo"), T(r, "Record"));

  buf_printf(&b, "<h2>%s</h2>", T(r, "Open rectification tasks"));
  task_head(r, &b, 1);
  task_ctx c = {r, &b, now, 0, 0, 1};
  for (int i = 0; i < vs.n; i++) {
    upg_finding_filter ff = {0, vs.v[i].id, 0, 1, 0};
    upg_findings_list(req_db(r), &ff, task_row, &c, &r->err);
  }
  if (!c.n) buf_printf(&b, "<tr><td colspan=\"6\">%s</td></tr>", T(r, "No open task."));
  buf_puts(&b, "</tbody></table>");
  free(vs.v);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /inspections */
int upg_page_inspections(req *r) { return inspections_page(r, NULL, 200); }

/* POST /inspections (form: village, visited_on, summary, finding, check_item, owner, days) */
int upg_page_inspection_post(req *r) {
  if (!req_form_ok(r)) return r->err.rc;
  org v;
  int rc = upg_village(r, req_form(r, "village"), PERM_INSPECT, &v);
  if (rc) return rc;
  const char *summary = req_form(r, "summary"), *finding = req_form(r, "finding"), *ck = req_form(r, "check_item");
  const char *owner = req_form(r, "owner"), *days = req_form(r, "days"), *on = req_form(r, "visited_on");
  long long now = (long long)time(NULL), visited = 0;
  if (on && *on && !upg_date_parse(on, &visited)) return inspections_page(r, T(r, "Write the date as 2024-03-05."), 400);
  if (visited > now) visited = now;
  const char *why = upg_text_problem(summary, 2000, 0);
  if (!why) why = upg_text_problem(finding, 2000, 0);
  if (why) return inspections_page(r, T(r, why), 400);
  upg_finding_new in;
  memset(&in, 0, sizeof in);
  int has_finding = finding && upg_text_problem(finding, 2000, 1) == NULL;
  if (has_finding) {
    in.body = finding;
    in.check_item = ck && *ck ? upg_check_parse(ck) : -1;
    char *end = NULL;
    long d = days ? strtol(days, &end, 10) : 0;
    if (!days || *end || d < 1 || d > UPG_TASK_MAX_DAYS) return inspections_page(r, T(r, "Give the days to fix it: 1 to 365."), 400);
    in.deadline = now + d * 86400L;
    if (upg_user_in_scope(req_db(r), owner, PERM_UPGRADE_RECORD, v.id, &in.owner_id, &r->err))
      return inspections_page(r, T(r, "The owner must be a user of this village who may record its work (their login)."), 400);
  }
  upg_upload up;
  const mpart *ph = has_finding ? req_file(r, "photo") : NULL;
  if (ph) { /* the finding's photo, taken on site */
    rc = upg_photo_save(r, ph, v.id, &up, NULL);
    if (rc == ZD_EINVAL || rc == ZD_EMEDIA || rc == ZD_ETOOBIG) return inspections_page(r, T(r, r->err.msg), 400);
    if (rc) return rc;
    in.photo = up.sha;
  }
  char actor[96];
  upg_actor(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  if (!w) return r->err.rc;
  long long id = 0, fid = 0;
  rc = upg_inspection_insert(w, actor, r->user_id, v.id, "visit", visited, summary, &id, &r->err);
  if (!rc && has_finding) rc = upg_finding_insert(w, actor, id, v.id, &in, &fid, &r->err);
  rc = upg_end(r, w, rc);
  if (rc == ZD_EINVAL) return inspections_page(r, T(r, r->err.msg), 400);
  if (rc) return rc;
  char loc[48];
  snprintf(loc, sizeof loc, fid ? "/inspections#task-%lld" : "/inspections", fid);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}

/* POST /findings/{id}/reinspect (form: fixed 1|0, note, days) */
int upg_page_reinspect_post(req *r) {
  upg_finding f;
  int rc = upg_finding_scoped(r, "id", PERM_INSPECT, &f);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  const char *fixed = req_form(r, "fixed"), *days = req_form(r, "days");
  if (!fixed || (strcmp(fixed, "1") && strcmp(fixed, "0"))) return inspections_page(r, T(r, "Say whether it is fixed."), 400);
  long long dl = 0;
  if (*fixed == '0' && days && *days) {
    char *end;
    long d = strtol(days, &end, 10);
    if (*end || d < 1 || d > UPG_TASK_MAX_DAYS) return inspections_page(r, T(r, "Give the days to fix it: 1 to 365."), 400);
    dl = (long long)time(NULL) + d * 86400L;
  }
  char actor[96];
  upg_actor(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_finding_reinspect(w, actor, r->user_id, f.id, *fixed == '1', req_form(r, "note"), NULL, dl,
                                                &r->err))
         : r->err.rc;
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT) return inspections_page(r, T(r, r->err.msg), zd_http_status(rc));
  if (rc) return rc;
  char loc[48];
  snprintf(loc, sizeof loc, "/inspections#task-%lld", f.id);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}

/* GET /t/{code}/tasks — the township's rectification tasks: overdue first, then open. */
int upg_page_tasks(req *r) {
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_ORG_VIEW, &t);
  if (rc) return rc;
  long long now = (long long)time(NULL);
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Rectification tasks"));
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/gai\">%s</a> › %s</nav><h1>%s <small>%s</small></h1>", T(r, "Upgrade"),
             org_display_name(&t, r->lang), T(r, "Rectification tasks"), org_display_name(&t, r->lang));
  buf_printf(&b, "<h2>%s</h2>", T(r, "Overdue (督办)"));
  task_head(r, &b, 0);
  task_ctx c = {r, &b, now, 0, 0, 0};
  upg_finding_filter ff = {0, 0, t.id, 1, 1};
  rc = upg_findings_list(req_db(r), &ff, task_row, &c, &r->err);
  if (!rc && !c.n) buf_printf(&b, "<tr><td colspan=\"5\">%s</td></tr>", T(r, "Nothing is overdue."));
  buf_puts(&b, "</tbody></table>");
  buf_printf(&b, "<h2>%s</h2>", T(r, "All open tasks"));
  task_head(r, &b, 0);
  task_ctx all = {r, &b, now, 0, 0, 0};
  upg_finding_filter fa = {0, 0, t.id, 1, 0};
  if (!rc) rc = upg_findings_list(req_db(r), &fa, task_row, &all, &r->err);
  if (!rc && !all.n) buf_printf(&b, "<tr><td colspan=\"5\">%s</td></tr>", T(r, "No open task."));
  buf_puts(&b, "</tbody></table>");
  if (rc) { buf_free(&b); return rc; }
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}
