/* upgrade_pages.c — pages of 改: a village's center (public part: function areas,
** opening hours, photos; internal part for users in scope: checklist, plaques,
** projects, tasks), the township's plaque campaign, and the links from the
** village and pillar pages. No JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"
#include "platform/page.h"

static const char *jstr(json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}
static long long jint(json_t *o, const char *k) { return (long long)json_integer_value(json_object_get(o, k)); }

static void crumbs(req *r, buf *b, const org *v, const char *here) {
  org t;
  zd_error ignore;
  buf_puts(b, "<nav class=\"crumbs\">");
  if (org_by_id(req_db(r), v->parent_id, &t, &ignore) == ZD_OK)
    buf_printf(b, "<a href=\"/\">%s</a> › ", org_display_name(&t, r->lang));
  buf_printf(b, "<a href=\"/v/%u\">%s</a> › %s</nav>", v->code, org_display_name(v, r->lang), here);
}

static void plaque_rows(req *r, buf *b, json_t *plaques, int can_edit) {
  size_t i;
  json_t *p;
  buf_printf(b, "<table class=\"list plaques\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Where"), T(r, "Plaque"), T(r, "Issued by"), T(r, "On the list"), T(r, "Decision"));
  json_array_foreach(plaques, i, p) {
    const char *pending = jstr(p, "pending");
    buf_printf(b, "<tr id=\"plaque-%lld\"%r><td>%s</td><td>%s</td><td data-label=\"%s\">%s", jint(p, "id"),
               strcmp(pending, "none") ? " class=\"pending\"" : "", jstr(p, "location_label"), jstr(p, "name"),
               T(r, "Issued by"), jstr(p, "issuing_body"));
    if (*jstr(p, "legal_basis"))
      buf_printf(b, "<br><small>%s%r%s</small>", T(r, "Legal basis"), r->lang == LANG_ZH ? "：" : ": ", jstr(p, "legal_basis"));
    buf_printf(b, "</td><td data-label=\"%s\">%s", T(r, "On the list"),
               json_is_true(json_object_get(p, "compliant")) ? T(r, "Yes") : T(r, "No"));
    if (!json_is_null(json_object_get(p, "problem"))) buf_printf(b, "<br><small>%s</small>", jstr(p, "problem"));
    buf_printf(b, "</td><td data-label=\"%s\"><span class=\"state pd-%s\">%s</span>", T(r, "Decision"), jstr(p, "decision"),
               jstr(p, "decision_label"));
    if (*jstr(p, "merged_into")) buf_printf(b, " → %s", jstr(p, "merged_into"));
    if (*jstr(p, "reason")) buf_printf(b, "<br><small>%s</small>", jstr(p, "reason"));
    json_t *proof = json_object_get(p, "proof");
    if (json_is_object(proof)) upg_thumb_html(r, b, jstr(proof, "sha256"), T(r, "Photo proof"));
    else if (strcmp(pending, "carry_out") == 0) buf_printf(b, "<br><small>%s</small>", T(r, "Waiting for the photo proof."));
    if (can_edit) {
      buf_printf(b, "<form class=\"inline\" method=\"post\" action=\"/plaques/%lld/decision\" enctype=\"multipart/form-data\"><input type=\"hidden\" "
                    "name=\"csrf\" value=\"%s\"><select name=\"decision\" aria-label=\"%s\">",
                 jint(p, "id"), r->csrf, T(r, "Decision"));
      for (int d = PD_KEEP; d < PD_COUNT; d++)
        buf_printf(b, "<option value=\"%s\"%r>%s</option>", upg_pdecision_key((upg_plaque_decision)d),
                   strcmp(jstr(p, "decision"), upg_pdecision_key((upg_plaque_decision)d)) == 0 ? " selected" : "",
                   T(r, upg_pdecision_label((upg_plaque_decision)d)));
      buf_printf(b, "</select><input name=\"reason\" maxlength=\"500\" placeholder=\"%s\" value=\"%s\">"
                    "<input name=\"merged_into\" maxlength=\"100\" placeholder=\"%s\" value=\"%s\">"
                    "<label class=\"file\">%s<input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png,image/webp\"></label>"
                    "<button type=\"submit\">%s</button></form>",
                 T(r, "Reason or legal basis"), jstr(p, "reason"), T(r, "Merged into"), jstr(p, "merged_into"),
                 T(r, "Photo proof"), T(r, "Save"));
    }
    buf_puts(b, "</td></tr>");
  }
  if (!json_array_size(plaques)) buf_printf(b, "<tr><td colspan=\"5\">%s</td></tr>", T(r, "No plaques on record."));
  buf_puts(b, "</tbody></table>");
}

int upg_center_page(req *r, const org *v, const char *error, int status) {
  int internal = upg_allows(r, PERM_ORG_VIEW, v->id);
  json_t *j;
  int rc = upg_center_json(r, v, internal, &j);
  if (rc) return rc;
  buf b = BUF_INIT;
  const char *name = *jstr(j, "name") ? jstr(j, "name") : org_display_name(v, r->lang);
  page_begin(r, &b, name);
  crumbs(r, &b, v, T(r, "Center"));
  buf_printf(&b, "<h1>%s</h1>", name);
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  if (upg_allows(r, PERM_UPGRADE_EDIT, v->id))
    buf_printf(&b, "<p><a class=\"button secondary\" href=\"/v/%u/center/edit\">%s</a></p>", v->code, T(r, "Edit"));
  buf_puts(&b, "<section class=\"center\"><dl>");
  if (*jstr(j, "address")) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Address"), jstr(j, "address"));
  if (*jstr(j, "opening_hours")) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Opening hours"), jstr(j, "opening_hours"));
  if (*jstr(j, "phone")) buf_printf(&b, "<dt>%s</dt><dd><a href=\"tel:%u\">%s</a></dd>", T(r, "Phone"), jstr(j, "phone"), jstr(j, "phone"));
  if (jint(j, "floor_area_m2") > 0) buf_printf(&b, "<dt>%s</dt><dd>%lld m²</dd>", T(r, "Floor area"), jint(j, "floor_area_m2"));
  json_t *gps = json_object_get(j, "gps");
  if (json_is_object(gps)) {
    char g[64];
    snprintf(g, sizeof g, "%.5f, %.5f", json_real_value(json_object_get(gps, "lat")), json_real_value(json_object_get(gps, "lng")));
    buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "GPS"), g);
  }
  buf_puts(&b, "</dl></section>");
  json_t *photos = json_object_get(j, "photos"), *x;
  size_t i;
  if (json_array_size(photos)) {
    buf_printf(&b, "<h2>%s</h2><ul class=\"gallery\">", T(r, "Photos"));
    json_array_foreach(photos, i, x) {
      buf_puts(&b, "<li>");
      upg_thumb_html(r, &b, jstr(x, "sha256"), jstr(x, "caption"));
      if (*jstr(x, "caption")) buf_printf(&b, "<small>%s</small>", jstr(x, "caption"));
      buf_puts(&b, "</li>");
    }
    buf_puts(&b, "</ul>");
  }
  buf_printf(&b, "<h2 id=\"areas\">%s</h2>", T(r, "Function areas"));
  json_t *areas = json_object_get(j, "function_areas");
  if (!json_array_size(areas)) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No function areas on record."));
  else {
    buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "Room"),
               T(r, "Floor area"), T(r, "Serves as"));
    json_array_foreach(areas, i, x) {
      buf_printf(&b, "<tr><td>%s</td><td data-label=\"%s\">", jstr(x, "name"), T(r, "Floor area"));
      if (jint(x, "area_m2") > 0) buf_printf(&b, "%lld m²", jint(x, "area_m2"));
      buf_puts(&b, "</td><td><ul class=\"chips\">");
      size_t k;
      json_t *l;
      json_array_foreach(json_object_get(x, "function_labels"), k, l) buf_printf(&b, "<li>%s</li>", json_string_value(l));
      buf_puts(&b, "</ul></td></tr>");
    }
    buf_puts(&b, "</tbody></table>");
  }
  json_t *missing = json_object_get(j, "missing_functions");
  if (json_array_size(missing)) {
    buf_printf(&b, "<p class=\"notice\">%s: ", T(r, "Not yet set up"));
    json_array_foreach(missing, i, x) {
      int f = upg_fn_parse(json_string_value(x));
      buf_printf(&b, "%r%s", i ? "、" : "", f >= 0 ? T(r, upg_fn_label((upg_fn)f)) : "");
    }
    buf_puts(&b, "</p>");
  }
  buf_printf(&b, "<p><a class=\"button\" href=\"/v/%u/appeal\">%s</a></p>", v->code, T(r, "Tell us your matter"));
  if (internal) {
    int can_edit = upg_allows(r, PERM_UPGRADE_EDIT, v->id);
    buf_printf(&b, "<h2 id=\"checklist\">%s <small>%s</small></h2>", T(r, "Facility checklist"), T(r, "internal"));
    buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "Item"),
               T(r, "State"), T(r, "Note"));
    json_array_foreach(json_object_get(j, "checklist"), i, x)
      buf_printf(&b, "<tr><td>%s</td><td class=\"state cs-%s\" data-label=\"%s\">%s</td><td>%s</td></tr>", jstr(x, "label"),
                 jstr(x, "state"), T(r, "State"), jstr(x, "state_label"), jstr(x, "note"));
    buf_puts(&b, "</tbody></table>");
    buf_printf(&b, "<h2 id=\"plaques\">%s <small>%s</small></h2>", T(r, "Plaques"), T(r, "internal"));
    plaque_rows(r, &b, json_object_get(j, "plaques"), can_edit);
    if (can_edit) upg_plaque_add_form(r, &b, v);
    buf_printf(&b, "<h2 id=\"projects\">%s</h2>", T(r, "Renovation projects"));
    json_t *pr = json_object_get(j, "projects");
    if (!json_array_size(pr)) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No renovation project."));
    else {
      buf_puts(&b, "<ul class=\"cards\">");
      json_array_foreach(pr, i, x) {
        int st = upg_status_parse(jstr(x, "status"));
        buf_printf(&b, "<li><a href=\"/projects/%lld\"><strong>%s</strong><span>%s</span><small>", jint(x, "id"),
                   jstr(x, "title"), st >= 0 ? T(r, upg_status_label((upg_status)st)) : "");
        upg_money_html(&b, jint(x, "spent_fen"));
        buf_puts(&b, " / ");
        upg_money_html(&b, jint(x, "allocation_fen") + jint(x, "approved_fen"));
        buf_puts(&b, "</small></a></li>");
      }
      buf_puts(&b, "</ul>");
    }
    buf_printf(&b, "<h2 id=\"tasks\">%s</h2><p>%s: %lld · %s: %lld</p>", T(r, "Rectification tasks"), T(r, "Open"),
               jint(j, "open_tasks"), T(r, "Overdue"), jint(j, "overdue_tasks"));
  }
  json_decref(j);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /v/{code}/center */
int upg_page_center(req *r) {
  org v;
  int rc = upg_village(r, req_param(r, "code"), PERM_PUBLIC, &v);
  if (rc) return rc;
  return upg_center_page(r, &v, NULL, 200);
}

/* POST /plaques/{id}/decision (form: decision, reason, merged_into) */
int upg_page_plaque_decision(req *r) {
  upg_plaque p;
  int rc = upg_plaque_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  org v;
  rc = org_by_id(req_db(r), p.org_id, &v, &r->err);
  if (rc) return rc;
  int d = upg_pdecision_parse(req_form(r, "decision"));
  if (d <= PD_PENDING) return upg_center_page(r, &v, T(r, "Choose keep, merge or remove."), 400);
  const char *proof = NULL;
  upg_upload up;
  const mpart *ph = req_file(r, "photo");
  if (ph) { /* the photo proof, taken on the phone and sent with the form */
    rc = upg_photo_save(r, ph, v.id, &up, NULL);
    if (rc == ZD_EINVAL || rc == ZD_EMEDIA || rc == ZD_ETOOBIG) return upg_center_page(r, &v, T(r, r->err.msg), 400);
    if (rc) return rc;
    proof = up.sha;
  }
  char actor[96];
  upg_actor(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_plaque_decide(w, actor, r->user_id, p.id, (upg_plaque_decision)d, req_form(r, "reason"),
                                            req_form(r, "merged_into"), proof, &r->err))
         : r->err.rc;
  if (rc == ZD_EINVAL) return upg_center_page(r, &v, T(r, r->err.msg), 400);
  if (rc) return rc;
  char loc[96];
  snprintf(loc, sizeof loc, "/v/%s/center#plaque-%lld", v.code, p.id);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}

/* The over-limit line of a village: "Outside the door: 5 stay, 1 over the limit of 4". */
static void over_limit_html(req *r, buf *b, json_t *x, json_t *wl) {
  static const char *const where[2] = {"exterior", "interior"};
  static const char *const label[2] = {"Outside the door", "Inside"};
  json_t *over = json_object_get(x, "over_limit");
  for (int k = 0; k < 2; k++) {
    char count[32], max[32];
    long long n = jint(over, where[k]);
    if (!n) continue;
    snprintf(count, sizeof count, "%s_count", where[k]);
    snprintf(max, sizeof max, "max_%s", where[k]);
    buf_printf(b, "<li class=\"over-limit\">%s: %s %lld · %s %lld · <strong>%s %lld</strong></li>", T(r, label[k]),
               T(r, "plaques that stay"), jint(x, count), T(r, "limit"), jint(wl, max), T(r, "too many"), n);
  }
}

int upg_campaign_page(req *r, const org *t, const char *error, int status) {
  json_t *j;
  int rc = upg_campaign_json(r, t, &j);
  if (rc) return rc;
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Plaque clean-up"));
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/gai\">%s</a> › %s</nav><h1>%s <small>%s</small></h1>", T(r, "Upgrade"),
             org_display_name(t, r->lang), T(r, "Plaque clean-up"), org_display_name(t, r->lang));
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  else if (req_query(r, "saved")) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", T(r, "Saved."));
  json_t *tot = json_object_get(j, "totals"), *wl = json_object_get(j, "whitelist"), *x;
  buf_printf(&b, "<p class=\"lead\">%s</p>", T(r, "Plaques simple and clear: only what the list allows; rules posters off the walls; merged or removed plaques proven with a photo."));
  buf_printf(&b, "<dl class=\"totals\"><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%lld</dd>"
                 "<dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd><strong>%lld</strong></dd><dt>%s</dt><dd><strong>%lld</strong></dd></dl>",
             T(r, "Plaques on record"), jint(tot, "plaques"), T(r, "On the list"), jint(tot, "compliant"),
             T(r, "To decide"), jint(tot, "to_decide"), T(r, "To carry out"), jint(tot, "to_carry_out"),
             T(r, "Left to clean up"), jint(tot, "left"), T(r, "Villages over the limit"), jint(tot, "villages_over_limit"));
  buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Village"), T(r, "Plaques on record"), T(r, "To decide"), T(r, "To carry out"), T(r, "Done"),
             T(r, "Left to clean up"), T(r, "Over the limit"));
  size_t i;
  json_array_foreach(json_object_get(j, "villages"), i, x)
    /* data-label: the column's name before each number when a phone stacks the row */
    buf_printf(&b,
               "<tr%r><td><a href=\"/v/%u/center#plaques\">%s</a></td><td data-label=\"%s\">%lld</td>"
               "<td data-label=\"%s\">%lld</td><td data-label=\"%s\">%lld</td><td data-label=\"%s\">%lld</td>"
               "<td data-label=\"%s\">%lld</td><td data-label=\"%s\">%lld</td></tr>",
               jint(x, "left") || jint(x, "excess") ? " class=\"overdue\"" : "", jstr(x, "code"), jstr(x, "name"),
               T(r, "Plaques on record"), jint(x, "plaques"), T(r, "To decide"), jint(x, "to_decide"),
               T(r, "To carry out"), jint(x, "to_carry_out"), T(r, "Done"), jint(x, "done"), T(r, "Left to clean up"),
               jint(x, "left"), T(r, "Over the limit"), jint(x, "excess"));
  buf_puts(&b, "</tbody></table>");
  json_array_foreach(json_object_get(j, "villages"), i, x) {
    if (!jint(x, "left") && !jint(x, "excess")) continue;
    buf_printf(&b, "<h2 id=\"left-%s\">%s <small>%lld</small></h2><ul>", jstr(x, "code"), jstr(x, "name"),
               jint(x, "left") + jint(x, "excess"));
    over_limit_html(r, &b, x, wl);
    size_t k;
    json_t *p;
    json_array_foreach(json_object_get(x, "items_left"), k, p)
      buf_printf(&b, "<li><a href=\"/v/%u/center#plaque-%lld\">%s</a> · %s · %s</li>", jstr(x, "code"), jint(p, "id"),
                 jstr(p, "name"), jstr(p, "location_label"),
                 strcmp(jstr(p, "pending"), "decide") == 0 ? T(r, "to decide") : T(r, "to carry out, with a photo"));
    buf_puts(&b, "</ul>");
  }
  buf_printf(&b, "<h2>%s <small>%s</small></h2><dl><dt>%s</dt><dd>", T(r, "The township's list"),
             json_is_true(json_object_get(wl, "configured")) ? T(r, "set by the township") : T(r, "default"),
             T(r, "Outside the door"));
  json_array_foreach(json_object_get(wl, "exterior"), i, x) buf_printf(&b, "%r%s", i ? "、" : "", json_string_value(x));
  buf_printf(&b, "</dd><dt>%s</dt><dd>", T(r, "Inside"));
  json_array_foreach(json_object_get(wl, "interior"), i, x) buf_printf(&b, "%r%s", i ? "、" : "", json_string_value(x));
  buf_printf(&b, "</dd><dt>%s</dt><dd>%s %lld · %s %lld · %s</dd></dl>", T(r, "Limits"), T(r, "Outside the door"),
             jint(wl, "max_exterior"), T(r, "Inside"), jint(wl, "max_interior"), T(r, "room signs unlimited"));
  if (upg_allows(r, PERM_UPGRADE_MANAGE, t->id)) upg_whitelist_form(r, &b, t, wl);
  json_decref(j);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /t/{code}/plaques — the township's clean-up campaign. */
int upg_page_campaign(req *r) {
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_ORG_VIEW, &t);
  if (rc) return rc;
  return upg_campaign_page(r, &t, NULL, 200);
}

/* --- links from the village page and the 改 pillar page --- */

typedef struct link_ctx {
  req *r;
  buf *b;
  int n;
} link_ctx;

static void project_link(void *arg, const upg_project *p) {
  link_ctx *c = arg;
  buf_printf(c->b, " · <a href=\"/projects/%lld\">%s</a> <small class=\"state\">%s</small>", p->id, p->title,
             T(c->r, upg_status_label(p->status)));
  c->n++;
}

void upgrade_village_links(req *r, buf *b, long long village_id, const char *code) {
  buf_printf(b, "<p class=\"links\"><a href=\"/v/%u/center\">%s</a>", code, T(r, "The center: function areas and photos"));
  if (upg_allows(r, PERM_ORG_VIEW, village_id)) {
    link_ctx c = {r, b, 0};
    zd_error ignore;
    upg_projects_list(req_db(r), 0, village_id, project_link, &c, &ignore);
    buf_printf(b, " · <a href=\"/v/%u/center#checklist\">%s</a>", code, T(r, "Facility checklist and plaques"));
  }
  buf_puts(b, "</p>");
}

static void fund_link(void *arg, const upg_fund *f) {
  link_ctx *c = arg;
  buf_printf(c->b, "<li><a href=\"/funds/%lld\">%s</a> <small>%s · ", f->id, f->title, f->source);
  upg_money_html(c->b, f->total);
  buf_puts(c->b, "</small></li>");
  c->n++;
}

void upgrade_pillar_links(req *r, buf *b) {
  if (!r->user_id) return;
  zd_error e;
  /* the townships first (no other query on the connection while this one is open) */
  long long ids[64];
  char codes[64][33], names[64][128];
  int n = 0;
  db_stmt *s = db_query(req_db(r), &e, "SELECT id, code, name, name_en FROM org WHERE kind = 'township' ORDER BY sort, id", "");
  while (s && n < 64 && db_step(s, &e) == DB_ROW) {
    org t;
    memset(&t, 0, sizeof t);
    t.kind = ORG_TOWNSHIP;
    snprintf(t.name, sizeof t.name, "%s", db_col_text(s, 2));
    snprintf(t.name_en, sizeof t.name_en, "%s", db_col_text(s, 3));
    ids[n] = db_col_int(s, 0);
    snprintf(codes[n], sizeof codes[n], "%s", db_col_text(s, 1));
    snprintf(names[n], sizeof names[n], "%s", org_display_name(&t, r->lang));
    n++;
  }
  db_done(s);
  buf_printf(b, "<section class=\"upgrade-links\"><h2>%s</h2><ul>", T(r, "Work on the centers"));
  for (int i = 0; i < r->nroles; i++)
    if (role_grants((role)r->roles[i].role, PERM_INSPECT)) {
      buf_printf(b, "<li><a href=\"/inspections\">%s</a></li>", T(r, "My inspections"));
      break;
    }
  for (int i = 0; i < n; i++) {
    if (!upg_allows(r, PERM_ORG_VIEW, ids[i])) continue;
    buf_printf(b,
               "<li><strong>%s</strong> · <a href=\"/t/%u/funds\">%s</a> · <a href=\"/t/%u/plaques\">%s</a> · "
               "<a href=\"/t/%u/tasks\">%s</a><ul>",
               names[i], codes[i], T(r, "Renovation funds"), codes[i], T(r, "Plaque clean-up"), codes[i],
               T(r, "Rectification tasks"));
    link_ctx c = {r, b, 0};
    upg_funds_of(req_db(r), ids[i], fund_link, &c, &e);
    buf_puts(b, "</ul></li>");
  }
  buf_puts(b, "</ul></section>");
}
