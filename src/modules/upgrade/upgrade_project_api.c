/* upgrade_project_api.c — JSON API of renovation funds and projects (改).
** Money is integer fen in every field named *_fen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"

json_t *upg_project_summary_json(req *r, const upg_project *p) {
  long long cap = p->allocation + p->approved;
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "id", (json_int_t)p->id,
                        "fund_id", (json_int_t)p->fund_id, "village", p->org_code, "village_name", p->org_name, "title",
                        p->title, "status", upg_status_key(p->status), "status_label", T(r, upg_status_label(p->status)),
                        "allocation_fen", (json_int_t)p->allocation, "approved_fen", (json_int_t)p->approved, "cap_fen",
                        (json_int_t)cap, "spent_fen", (json_int_t)p->spent, "remaining_fen", (json_int_t)(cap - p->spent),
                        "planned_fen", (json_int_t)p->planned, "planned_over_allocation", p->planned > p->allocation);
  int next = upg_status_next(p->status);
  json_object_set_new(j, "next_status", next >= 0 ? json_string(upg_status_key((upg_status)next)) : json_null());
  return j;
}

static void summary_row(void *arg, const upg_project *p) {
  void **a = arg;
  json_array_append_new(a[1], upg_project_summary_json(a[0], p));
}

static int fund_json(req *r, const upg_fund *f, json_t **out) {
  json_t *projects = json_array();
  void *arg[2] = {r, projects};
  int rc = upg_projects_list(req_db(r), f->id, 0, summary_row, arg, &r->err);
  if (rc) { json_decref(projects); return rc; }
  *out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "id", (json_int_t)f->id, "township",
                   f->org_code, "township_name", f->org_name, "source", f->source, "title", f->title, "total_fen",
                   (json_int_t)f->total, "allocated_fen", (json_int_t)f->allocated, "unallocated_fen",
                   (json_int_t)(f->total - f->allocated), "spent_fen", (json_int_t)f->spent, "created_at",
                   (json_int_t)f->created_at, "projects", projects);
  return ZD_OK;
}

static void actor_of(req *r, char *a, size_t n) { upg_actor(r, a, n); }

/* POST /api/v1/funds {township, source, title, total_fen, allocations?: [{village, amount_fen, title?}]} */
int upg_api_fund_create(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"township", "source", "title", "total_fen", "allocations", NULL};
  const char *township = NULL, *source = NULL, *title = NULL;
  long long total = 0;
  int has_total = 0;
  org t;
  int rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "township", 32, 1, &township);
  if (!rc) rc = upg_township(r, township, PERM_UPGRADE_MANAGE, &t);
  if (!rc) rc = upg_str_field(r, j, "source", 100, 1, &source);
  if (!rc) rc = upg_str_field(r, j, "title", 200, 1, &title);
  if (!rc) rc = upg_int_field(r, j, "total_fen", -UPG_MONEY_MAX * 10, UPG_MONEY_MAX * 10, &total, &has_total);
  if (!rc && !has_total) rc = zd_fail(&r->err, ZD_EINVAL, "total_fen: this field is required.");
  json_t *al = json_object_get(j, "allocations");
  if (!rc && al && !json_is_array(al)) rc = zd_fail(&r->err, ZD_EINVAL, "allocations: an array was expected.");
  long long id = 0;
  if (!rc) {
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    if (!w) rc = r->err.rc;
    else {
      upg_fund f;
      memset(&f, 0, sizeof f);
      f.org_id = t.id;
      f.total = total;
      snprintf(f.source, sizeof f.source, "%s", source);
      snprintf(f.title, sizeof f.title, "%s", title);
      rc = upg_fund_insert(w, actor, r->user_id, &f, &id, &r->err);
      size_t i;
      json_t *a;
      if (!rc && al) json_array_foreach(al, i, a) {
        static const char *const akeys[] = {"village", "amount_fen", "title", NULL};
        const char *vc = NULL, *pt = NULL;
        long long amount = 0;
        int has = 0;
        org v;
        if (!json_is_object(a)) { rc = zd_fail(&r->err, ZD_EINVAL, "allocations[%zu]: an object was expected.", i); break; }
        if ((rc = upg_only_keys(r, a, akeys)) || (rc = upg_str_field(r, a, "village", 32, 1, &vc)) ||
            (rc = upg_str_field(r, a, "title", 200, 0, &pt)) ||
            (rc = upg_int_field(r, a, "amount_fen", -UPG_MONEY_MAX * 10, UPG_MONEY_MAX * 10, &amount, &has)))
          break;
        if (!has) { rc = zd_fail(&r->err, ZD_EINVAL, "allocations[%zu].amount_fen: this field is required.", i); break; }
        rc = org_by_code(w, vc, &v, &r->err);
        if (rc == ZD_ENOTFOUND || (!rc && v.kind != ORG_VILLAGE && v.kind != ORG_COMMUNITY))
          rc = zd_fail(&r->err, ZD_EINVAL, "allocations[%zu]: no village with the code '%s'.", i, vc);
        long long pid;
        int created;
        if (!rc) rc = upg_allocation_set(w, actor, id, &v, pt, amount, &pid, &created, &r->err);
        if (!rc && !created) rc = zd_fail(&r->err, ZD_EINVAL, "allocations: '%s' is listed twice.", vc);
        if (rc) break;
      }
      rc = upg_end(r, w, rc);
    }
  }
  json_decref(j);
  if (rc) return rc;
  upg_fund f;
  json_t *out;
  rc = upg_fund_get(req_db(r), id, &f, &r->err);
  if (!rc) rc = fund_json(r, &f, &out);
  if (rc) return rc;
  char loc[48];
  snprintf(loc, sizeof loc, "/api/v1/funds/%lld", id);
  resp_header(r, "Location", loc);
  return resp_json(r, 201, out);
}

int upg_api_fund_get(req *r) {
  upg_fund f;
  int rc = upg_fund_scoped(r, "id", PERM_ORG_VIEW, &f);
  json_t *out;
  if (!rc) rc = fund_json(r, &f, &out);
  if (rc) return rc;
  return resp_json(r, 200, out);
}

/* POST /api/v1/funds/{id}/allocations {village, amount_fen, title?}: create or change a village's allocation. */
int upg_api_fund_allocation(req *r) {
  upg_fund f;
  int rc = upg_fund_scoped(r, "id", PERM_UPGRADE_MANAGE, &f);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"village", "amount_fen", "title", NULL};
  const char *vc = NULL, *title = NULL;
  long long amount = 0, pid = 0;
  int has = 0, created = 0;
  org v;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "village", 32, 1, &vc);
  if (!rc) rc = upg_str_field(r, j, "title", 200, 0, &title);
  if (!rc) rc = upg_int_field(r, j, "amount_fen", -UPG_MONEY_MAX * 10, UPG_MONEY_MAX * 10, &amount, &has);
  if (!rc && !has) rc = zd_fail(&r->err, ZD_EINVAL, "amount_fen: this field is required.");
  if (!rc) {
    rc = org_by_code(req_db(r), vc, &v, &r->err);
    if (rc == ZD_ENOTFOUND || (!rc && v.kind != ORG_VILLAGE && v.kind != ORG_COMMUNITY))
      rc = zd_fail(&r->err, ZD_EINVAL, "village: no village with the code '%s'.", vc);
  }
  if (!rc) {
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_allocation_set(w, actor, f.id, &v, title, amount, &pid, &created, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  upg_project p;
  rc = upg_project_get(req_db(r), pid, &p, &r->err);
  if (rc) return rc;
  return resp_json(r, created ? 201 : 200, upg_project_summary_json(r, &p));
}

static json_t *spend_json(const upg_spend *s) {
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I, s:b, s:s, s:I}", "id", (json_int_t)s->id, "amount_fen",
                        (json_int_t)s->amount, "payee", s->payee, "note", s->note, "spent_on", (json_int_t)s->spent_on,
                        "over_allocation", s->over, "recorded_by", s->recorded_by, "created_at", (json_int_t)s->created_at);
  json_object_set_new(j, "item_id", s->item_id ? json_integer(s->item_id) : json_null());
  json_object_set_new(j, "receipt", upg_photo_json(s->receipt));
  return j;
}

static json_t *photo_item_json(req *r, const upg_photo *p) {
  json_t *j = upg_photo_json(p->sha);
  json_object_set_new(j, "id", json_integer(p->id));
  json_object_set_new(j, "phase", json_string(upg_phase_key(p->phase)));
  json_object_set_new(j, "phase_label", json_string(T(r, upg_phase_label(p->phase))));
  json_object_set_new(j, "spot", json_string(p->spot));
  json_object_set_new(j, "caption", json_string(p->caption));
  json_object_set_new(j, "item_id", p->item_id ? json_integer(p->item_id) : json_null());
  json_object_set_new(j, "taken_at", p->taken_at ? json_integer(p->taken_at) : json_null());
  return j;
}

int upg_project_detail_json(req *r, long long id, json_t **out) {
  upg_project_detail d;
  int rc = upg_project_detail_load(req_db(r), id, &d, &r->err);
  if (rc) { upg_project_detail_free(&d); return rc; }
  json_t *j = upg_project_summary_json(r, &d.p);
  json_object_set_new(j, "fund", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d.p.fund_id, "source", d.p.fund_source,
                                           "title", d.p.fund_title));
  json_t *items = json_array();
  for (size_t i = 0; i < d.nitems; i++) {
    const upg_item *it = &d.items[i];
    json_t *x = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s}", "id", (json_int_t)it->id, "title", it->title, "decision",
                          upg_decision_key(it->decision), "decision_label", T(r, upg_decision_label(it->decision)),
                          "planned_fen", (json_int_t)it->planned, "spent_fen", (json_int_t)it->spent, "note", it->note);
    json_object_set_new(x, "check_item", it->check_item >= 0 ? json_string(upg_check_key((upg_check_item)it->check_item)) : json_null());
    json_array_append_new(items, x);
  }
  json_object_set_new(j, "items", items);
  json_t *sp = json_array();
  for (size_t i = 0; i < d.nspend; i++) json_array_append_new(sp, spend_json(&d.spend[i]));
  json_object_set_new(j, "spending", sp);
  json_t *ap = json_array();
  for (size_t i = 0; i < d.napprovals; i++)
    json_array_append_new(ap, json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)d.approvals[i].id, "amount_fen",
                                        (json_int_t)d.approvals[i].amount, "reason", d.approvals[i].reason, "approved_by",
                                        d.approvals[i].approver, "created_at", (json_int_t)d.approvals[i].created_at));
  json_object_set_new(j, "approvals", ap);
  json_t *ms = json_array();
  for (size_t i = 0; i < d.nmilestones; i++)
    json_array_append_new(ms, json_pack("{s:I, s:s, s:I, s:I, s:b}", "id", (json_int_t)d.milestones[i].id, "title",
                                        d.milestones[i].title, "due_on", (json_int_t)d.milestones[i].due_on, "done_on",
                                        (json_int_t)d.milestones[i].done_on, "done", d.milestones[i].done_on != 0));
  json_object_set_new(j, "milestones", ms);
  json_t *ph = json_array(), *pairs = json_array();
  for (size_t i = 0; i < d.nphotos; i++) {
    const upg_photo *p = &d.photos[i];
    json_array_append_new(ph, photo_item_json(r, p));
    /* photos are ordered by spot: one pair object per spot */
    json_t *last = json_array_size(pairs) ? json_array_get(pairs, json_array_size(pairs) - 1) : NULL;
    if (!last || strcmp(json_string_value(json_object_get(last, "spot")), p->spot) != 0) {
      last = json_pack("{s:s, s:[], s:[], s:[]}", "spot", p->spot, "before", "during", "after");
      json_array_append_new(pairs, last);
    }
    json_array_append_new(json_object_get(last, upg_phase_key(p->phase)), photo_item_json(r, p));
  }
  json_object_set_new(j, "photos", ph);
  json_object_set_new(j, "pairs", pairs);
  upg_project_detail_free(&d);
  *out = j;
  return ZD_OK;
}

static int detail_out(req *r, long long id, int status) {
  json_t *j;
  int rc = upg_project_detail_json(r, id, &j);
  if (rc) return rc;
  return resp_json(r, status, j);
}

int upg_api_project_get(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_ORG_VIEW, &p);
  if (rc) return rc;
  return detail_out(r, p.id, 200);
}

/* POST /api/v1/projects/{id}/items {title, check_item?, decision, planned_fen?, note?} */
int upg_api_item_create(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"title", "check_item", "decision", "planned_fen", "note", NULL};
  const char *title = NULL, *ck = NULL, *dec = NULL, *note = NULL;
  long long planned = 0;
  int has;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "title", 200, 1, &title);
  if (!rc) rc = upg_str_field(r, j, "check_item", 30, 0, &ck);
  if (!rc) rc = upg_str_field(r, j, "decision", 20, 1, &dec);
  if (!rc) rc = upg_str_field(r, j, "note", 500, 0, &note);
  if (!rc) rc = upg_int_field(r, j, "planned_fen", -UPG_MONEY_MAX * 10, UPG_MONEY_MAX * 10, &planned, &has);
  upg_item it;
  memset(&it, 0, sizeof it);
  it.check_item = ck && *ck ? upg_check_parse(ck) : -1;
  if (!rc && ck && *ck && it.check_item < 0) rc = zd_fail(&r->err, ZD_EINVAL, "check_item: unknown checklist item '%s'.", ck);
  int d = dec ? upg_decision_parse(dec) : -1;
  if (!rc && d < 0) rc = zd_fail(&r->err, ZD_EINVAL, "decision: renovate or reuse (能改则改、能用则用).");
  long long id = 0;
  if (!rc) {
    it.decision = (upg_decision)d;
    it.planned = planned;
    snprintf(it.title, sizeof it.title, "%s", title);
    snprintf(it.note, sizeof it.note, "%s", note ? note : "");
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_item_insert(w, actor, &p, &it, &id, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return detail_out(r, p.id, 201);
}

/* POST /api/v1/projects/{id}/spending {amount_fen, item_id?, payee?, note?, spent_on?, receipt_sha256?} */
int upg_api_spend_create(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_RECORD, &p);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"amount_fen", "item_id", "payee", "note", "spent_on", "receipt_sha256", NULL};
  upg_spend_new in;
  memset(&in, 0, sizeof in);
  int has = 0, x;
  rc = upg_only_keys(r, j, keys);
  /* any integer is taken here: the money rules say what is wrong with it (409 / 400) */
  if (!rc) rc = upg_int_field(r, j, "amount_fen", -UPG_MONEY_MAX * 10, UPG_MONEY_MAX * 10, &in.amount, &has);
  if (!rc && !has) rc = zd_fail(&r->err, ZD_EINVAL, "amount_fen: this field is required.");
  if (!rc && json_object_get(j, "amount_fen") && !json_is_integer(json_object_get(j, "amount_fen")))
    rc = zd_fail(&r->err, ZD_EINVAL, "amount_fen: an integer number of fen was expected.");
  if (!rc) rc = upg_int_field(r, j, "item_id", 1, (long long)1 << 53, &in.item_id, &x);
  if (!rc) rc = upg_int_field(r, j, "spent_on", 0, 4102444800LL, &in.spent_on, &x);
  if (!rc) rc = upg_str_field(r, j, "payee", 100, 0, &in.payee);
  if (!rc) rc = upg_str_field(r, j, "note", 500, 0, &in.note);
  if (!rc) rc = upg_str_field(r, j, "receipt_sha256", 64, 0, &in.receipt);
  long long id = 0;
  int over = 0;
  if (!rc) {
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_spend_insert(w, actor, r->user_id, p.id, &in, &id, &over, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  upg_project_detail d;
  rc = upg_project_detail_load(req_db(r), p.id, &d, &r->err);
  if (rc) { upg_project_detail_free(&d); return rc; }
  json_t *out = json_object();
  for (size_t i = 0; i < d.nspend; i++)
    if (d.spend[i].id == id) json_object_set_new(out, "spending", spend_json(&d.spend[i]));
  json_object_set_new(out, "project", upg_project_summary_json(r, &d.p));
  upg_project_detail_free(&d);
  return resp_json(r, 201, out);
}

/* POST /api/v1/projects/{id}/approvals {amount_fen, reason}: an over-budget approval. */
int upg_api_approval_create(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_MANAGE, &p);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"amount_fen", "reason", NULL};
  long long amount = 0, id = 0;
  int has = 0;
  const char *reason = NULL;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_int_field(r, j, "amount_fen", -UPG_MONEY_MAX * 10, UPG_MONEY_MAX * 10, &amount, &has);
  if (!rc && !has) rc = zd_fail(&r->err, ZD_EINVAL, "amount_fen: this field is required.");
  if (!rc) rc = upg_str_field(r, j, "reason", 500, 1, &reason);
  if (!rc) {
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_approval_insert(w, actor, r->user_id, p.id, amount, reason, &id, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return detail_out(r, p.id, 201);
}

/* POST /api/v1/projects/{id}/milestones {title, due_on?, done_on?} */
int upg_api_milestone_create(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"title", "due_on", "done_on", NULL};
  const char *title = NULL;
  long long due = 0, done = 0, id = 0;
  int x;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "title", 200, 1, &title);
  if (!rc) rc = upg_int_field(r, j, "due_on", 0, 4102444800LL, &due, &x);
  if (!rc) rc = upg_int_field(r, j, "done_on", 0, 4102444800LL, &done, &x);
  if (!rc) {
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_milestone_insert(w, actor, p.id, title, due, done, &id, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return detail_out(r, p.id, 201);
}

/* POST /api/v1/projects/{id}/milestones/{mid} {done: true|false, done_on?} */
int upg_api_milestone_update(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  long long mid = 0;
  if (!rc) rc = upg_id_param(r, "mid", &mid);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"done", "done_on", NULL};
  int done = 0, x = 0;
  long long on = 0;
  rc = upg_only_keys(r, j, keys);
  if (!rc && !json_is_boolean(json_object_get(j, "done"))) rc = zd_fail(&r->err, ZD_EINVAL, "done: true or false was expected.");
  if (!rc) rc = upg_bool_field(r, j, "done", &done);
  if (!rc) rc = upg_int_field(r, j, "done_on", 1, 4102444800LL, &on, &x);
  if (!rc) {
    if (!done) on = 0;
    else if (!x) on = (long long)time(NULL);
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_milestone_done(w, actor, p.id, mid, on, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return detail_out(r, p.id, 200);
}

/* POST /api/v1/projects/{id}/photos {sha256, phase, spot?, caption?, item_id?} */
int upg_api_photo_create(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_RECORD, &p);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"sha256", "phase", "spot", "caption", "item_id", NULL};
  const char *sha = NULL, *phase = NULL, *spot = NULL, *caption = NULL;
  upg_photo ph;
  memset(&ph, 0, sizeof ph);
  int x;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "sha256", 64, 1, &sha);
  if (!rc) rc = upg_str_field(r, j, "phase", 20, 1, &phase);
  if (!rc) rc = upg_str_field(r, j, "spot", 100, 0, &spot);
  if (!rc) rc = upg_str_field(r, j, "caption", 200, 0, &caption);
  if (!rc) rc = upg_int_field(r, j, "item_id", 1, (long long)1 << 53, &ph.item_id, &x);
  int pp = phase ? upg_phase_parse(phase) : -1;
  if (!rc && pp < 0) rc = zd_fail(&r->err, ZD_EINVAL, "phase: before, during or after.");
  long long id = 0;
  if (!rc) {
    ph.phase = (upg_phase)pp;
    snprintf(ph.sha, sizeof ph.sha, "%s", sha);
    snprintf(ph.spot, sizeof ph.spot, "%s", spot ? spot : "");
    snprintf(ph.caption, sizeof ph.caption, "%s", caption ? caption : "");
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_photo_insert(w, actor, r->user_id, p.id, &ph, &id, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return detail_out(r, p.id, 201);
}

/* POST /api/v1/projects/{id}/status {status} */
int upg_api_status(req *r) {
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"status", NULL};
  const char *st = NULL;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "status", 20, 1, &st);
  int to = st ? upg_status_parse(st) : -1;
  if (!rc && to < 0) rc = zd_fail(&r->err, ZD_EINVAL, "status: planned, in_progress, completed or in_use.");
  if (!rc) {
    char actor[96];
    actor_of(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_status_set(w, actor, p.id, (upg_status)to, &r->err)) : r->err.rc;
    if (rc == ZD_ECONFLICT) {
      char why[ZD_ERRMSG_MAX];
      snprintf(why, sizeof why, "%s", r->err.msg);
      int next = upg_status_next(p.status);
      zd_fail(&r->err, ZD_ECONFLICT, "%s Now %s; allowed next: %s.", why, upg_status_key(p.status),
              next >= 0 ? upg_status_key((upg_status)next) : "none");
    }
  }
  json_decref(j);
  if (rc) return rc;
  return detail_out(r, p.id, 200);
}
