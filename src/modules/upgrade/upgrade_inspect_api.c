/* upgrade_inspect_api.c — JSON API of inspections: visits with findings, each a
** rectification task (owner, deadline); report, re-inspection, overdue lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"

json_t *upg_finding_json(req *r, const upg_finding *f, long long now) {
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:s, s:I, s:i, s:s, s:I}", "id",
                        (json_int_t)f->id, "inspection_id", (json_int_t)f->inspection_id, "village", f->org_code,
                        "village_name", f->org_name, "text", f->body, "owner", f->owner, "owner_name", f->owner_name,
                        "deadline", (json_int_t)f->deadline, "state", upg_task_key(f->state), "state_label",
                        T(r, upg_task_label(f->state)), "overdue", upg_task_overdue(f->state, f->deadline, now),
                        "report_note", f->report_note, "reported_at", (json_int_t)f->reported_at, "reinspections",
                        f->reinspections, "inspector", f->inspector, "visited_at", (json_int_t)f->visited_at);
  json_object_set_new(j, "check_item", f->check_item >= 0 ? json_string(upg_check_key((upg_check_item)f->check_item)) : json_null());
  json_object_set_new(j, "photo", upg_photo_json(f->photo));
  json_object_set_new(j, "report_photo", upg_photo_json(f->report_photo));
  json_object_set_new(j, "closed_at", f->closed_at ? json_integer(f->closed_at) : json_null());
  return j;
}

typedef struct finding_ctx {
  req *r;
  json_t *arr;
  long long now;
} finding_ctx;

static void finding_row(void *arg, const upg_finding *f) {
  finding_ctx *c = arg;
  json_array_append_new(c->arr, upg_finding_json(c->r, f, c->now));
}

/* A deadline from {deadline: epoch} or {days: 1..365}; 0 when neither is given. */
static int deadline_of(req *r, json_t *j, const char *where, long long now, long long *out) {
  long long dl = 0, days = 0;
  int has_dl = 0, has_days = 0;
  int rc = upg_int_field(r, j, "deadline", 1, 4102444800LL, &dl, &has_dl);
  if (!rc) rc = upg_int_field(r, j, "days", 1, UPG_TASK_MAX_DAYS, &days, &has_days);
  if (rc) return rc;
  if (has_dl && has_days) return zd_fail(&r->err, ZD_EINVAL, "%s: give deadline or days, not both.", where);
  if (has_dl && dl <= now) return zd_fail(&r->err, ZD_EINVAL, "%s: the deadline must be in the future.", where);
  *out = has_dl ? dl : has_days ? now + days * 86400 : 0;
  return ZD_OK;
}

/* POST /api/v1/inspections {village, visited_at?, summary?, findings: [{text, check_item?, photo_sha256?, owner, deadline | days}]} */
int upg_api_inspection_create(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"village", "visited_at", "summary", "findings", NULL};
  const char *vc = NULL, *summary = NULL;
  long long visited = 0, now = (long long)time(NULL);
  int x;
  org v;
  int rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "village", 32, 1, &vc);
  if (!rc) rc = upg_village(r, vc, PERM_INSPECT, &v);
  if (!rc) rc = upg_str_field(r, j, "summary", 2000, 0, &summary);
  if (!rc) rc = upg_int_field(r, j, "visited_at", 1, 4102444800LL, &visited, &x);
  json_t *fs = json_object_get(j, "findings");
  if (!rc && fs && (!json_is_array(fs) || json_array_size(fs) > 50))
    rc = zd_fail(&r->err, ZD_EINVAL, "findings: an array of at most 50 findings was expected.");
  size_t n = fs ? json_array_size(fs) : 0;
  upg_finding_new *in = calloc(n ? n : 1, sizeof *in);
  if (!rc && !in) rc = zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  for (size_t i = 0; !rc && i < n; i++) {
    static const char *const fkeys[] = {"text", "check_item", "photo_sha256", "owner", "deadline", "days", NULL};
    json_t *f = json_array_get(fs, i);
    const char *ck = NULL, *owner = NULL;
    char where[32];
    snprintf(where, sizeof where, "findings[%zu]", i);
    if (!json_is_object(f)) { rc = zd_fail(&r->err, ZD_EINVAL, "%s: an object was expected.", where); break; }
    if ((rc = upg_only_keys(r, f, fkeys)) || (rc = upg_str_field(r, f, "text", 2000, 1, &in[i].body)) ||
        (rc = upg_str_field(r, f, "check_item", 30, 0, &ck)) || (rc = upg_str_field(r, f, "photo_sha256", 64, 0, &in[i].photo)) ||
        (rc = upg_str_field(r, f, "owner", 64, 1, &owner)) || (rc = deadline_of(r, f, where, now, &in[i].deadline)))
      break;
    in[i].check_item = ck && *ck ? upg_check_parse(ck) : -1;
    if (ck && *ck && in[i].check_item < 0) { rc = zd_fail(&r->err, ZD_EINVAL, "%s.check_item: unknown item '%s'.", where, ck); break; }
    if (!in[i].deadline) { rc = zd_fail(&r->err, ZD_EINVAL, "%s: a deadline (or days) is required.", where); break; }
    if ((rc = upg_user_in_scope(req_db(r), owner, PERM_UPGRADE_RECORD, v.id, &in[i].owner_id, &r->err))) break;
  }
  long long id = 0;
  if (!rc) {
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    if (!w) rc = r->err.rc;
    else {
      rc = upg_inspection_insert(w, actor, r->user_id, v.id, "visit", visited, summary, &id, &r->err);
      for (size_t i = 0; !rc && i < n; i++) {
        long long fid;
        rc = upg_finding_insert(w, actor, id, v.id, &in[i], &fid, &r->err);
      }
      rc = upg_end(r, w, rc);
    }
  }
  free(in);
  json_t *out = rc ? NULL
                   : json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)id, "village", v.code, "inspector", r->login,
                               "visited_at", (json_int_t)(visited ? visited : now), "summary", summary ? summary : "");
  json_decref(j); /* summary pointed into it */
  if (rc) return rc;
  finding_ctx c = {r, json_array(), now};
  upg_finding_filter ff = {id, 0, 0, 0, 0};
  rc = upg_findings_list(req_db(r), &ff, finding_row, &c, &r->err);
  json_object_set_new(out, "findings", c.arr);
  if (rc) { json_decref(out); return rc; }
  char loc[64];
  snprintf(loc, sizeof loc, "/api/v1/villages/%s/inspections", v.code);
  resp_header(r, "Location", loc);
  return resp_json(r, 201, out);
}

typedef struct insp_ctx {
  req *r;
  json_t *arr;
  long long now;
  int rc;
} insp_ctx;

static void inspection_row(void *arg, const upg_inspection *in) {
  insp_ctx *c = arg;
  json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)in->id, "kind", in->kind, "inspector",
                        in->inspector, "visited_at", (json_int_t)in->visited_at, "summary", in->summary);
  finding_ctx fc = {c->r, json_array(), c->now};
  upg_finding_filter ff = {in->id, 0, 0, 0, 0};
  if (!c->rc) c->rc = upg_findings_list(req_db(c->r), &ff, finding_row, &fc, &c->r->err);
  json_object_set_new(j, "findings", fc.arr);
  json_array_append_new(c->arr, j);
}

/* GET /api/v1/villages/{code}/inspections — visits (newest first) with their findings. */
int upg_api_inspections_get(req *r) {
  org v;
  int rc = upg_village(r, req_param(r, "code"), PERM_ORG_VIEW, &v);
  if (rc) return rc;
  long long now = (long long)time(NULL);
  insp_ctx c = {r, json_array(), now, 0};
  rc = upg_inspections_list(req_db(r), v.id, inspection_row, &c, &r->err);
  if (!rc) rc = c.rc;
  finding_ctx open = {r, json_array(), now};
  upg_finding_filter ff = {0, v.id, 0, 1, 0};
  if (!rc) rc = upg_findings_list(req_db(r), &ff, finding_row, &open, &r->err);
  json_t *out = json_pack("{s:s, s:s, s:o, s:o}", "village", v.code, "village_name", org_display_name(&v, r->lang),
                          "inspections", c.arr, "open_tasks", open.arr);
  if (rc) { json_decref(out); return rc; }
  return resp_json(r, 200, out);
}

static int finding_out(req *r, long long id) {
  upg_finding f;
  int rc = upg_finding_get(req_db(r), id, &f, &r->err);
  if (rc) return rc;
  return resp_json(r, 200, upg_finding_json(r, &f, (long long)time(NULL)));
}

/* POST /api/v1/findings/{id}/report {note, photo_sha256?} — the owner says it is done. */
int upg_api_finding_report(req *r) {
  upg_finding f;
  int rc = upg_finding_scoped(r, "id", PERM_UPGRADE_RECORD, &f);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"note", "photo_sha256", NULL};
  const char *note = NULL, *photo = NULL;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "note", 2000, 1, &note);
  if (!rc) rc = upg_str_field(r, j, "photo_sha256", 64, 0, &photo);
  if (!rc) {
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_finding_report(w, actor, f.id, note, photo, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return finding_out(r, f.id);
}

/* POST /api/v1/findings/{id}/reinspect {fixed, note?, photo_sha256?, deadline? | days?} */
int upg_api_finding_reinspect(req *r) {
  upg_finding f;
  int rc = upg_finding_scoped(r, "id", PERM_INSPECT, &f);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"fixed", "note", "photo_sha256", "deadline", "days", NULL};
  const char *note = NULL, *photo = NULL;
  int fixed = 0;
  long long dl = 0;
  rc = upg_only_keys(r, j, keys);
  if (!rc && !json_is_boolean(json_object_get(j, "fixed")))
    rc = zd_fail(&r->err, ZD_EINVAL, "fixed: true (close the task) or false (keep it open) was expected.");
  if (!rc) rc = upg_bool_field(r, j, "fixed", &fixed);
  if (!rc) rc = upg_str_field(r, j, "note", 2000, 0, &note);
  if (!rc) rc = upg_str_field(r, j, "photo_sha256", 64, 0, &photo);
  if (!rc) rc = deadline_of(r, j, "reinspection", (long long)time(NULL), &dl);
  if (!rc && fixed && dl) rc = zd_fail(&r->err, ZD_EINVAL, "A closed task takes no new deadline.");
  if (!rc) {
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_finding_reinspect(w, actor, r->user_id, f.id, fixed, note, photo, dl, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return finding_out(r, f.id);
}

/* GET /api/v1/townships/{code}/tasks?overdue=1&all=1 — the township's rectification tasks
** (open ones by default; overdue=1 only those past their deadline; all=1 closed too). */
int upg_api_tasks(req *r) {
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_ORG_VIEW, &t);
  if (rc) return rc;
  const char *od = req_query(r, "overdue"), *all = req_query(r, "all");
  if ((od && strcmp(od, "0") && strcmp(od, "1")) || (all && strcmp(all, "0") && strcmp(all, "1")))
    return zd_fail(&r->err, ZD_EINVAL, "overdue and all take 0 or 1.");
  long long now = (long long)time(NULL);
  finding_ctx c = {r, json_array(), now};
  upg_finding_filter ff = {0, 0, t.id, !(all && *all == '1'), od && *od == '1'};
  rc = upg_findings_list(req_db(r), &ff, finding_row, &c, &r->err);
  if (rc) { json_decref(c.arr); return rc; }
  size_t i;
  json_t *x;
  int overdue = 0;
  json_array_foreach(c.arr, i, x) overdue += json_is_true(json_object_get(x, "overdue"));
  return resp_json(r, 200, json_pack("{s:s, s:s, s:I, s:i, s:i, s:o}", "township", t.code, "township_name",
                                     org_display_name(&t, r->lang), "now", (json_int_t)now, "count",
                                     (int)json_array_size(c.arr), "overdue", overdue, "tasks", c.arr));
}
