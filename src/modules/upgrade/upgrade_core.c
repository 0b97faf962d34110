/* upgrade_core.c — scope checks, write transactions and small shared helpers of 改. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "upgrade_core.h"

void upg_actor(req *r, char *out, size_t n) { snprintf(out, n, "user:%s", r->login); }

int upg_allows(req *r, perm p, long long org_id) {
  if (p == PERM_PUBLIC) return 1;
  return r->user_id && ident_scope_allows(req_db(r), r->user_id, p, org_id);
}

int upg_village(req *r, const char *code, perm p, org *v) {
  int rc = org_by_code(req_db(r), code, v, &r->err);
  if (rc == ZD_OK && v->kind != ORG_VILLAGE && v->kind != ORG_COMMUNITY) rc = ZD_ENOTFOUND;
  if (rc == ZD_OK && !upg_allows(r, p, v->id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND)
    zd_fail(&r->err, ZD_ENOTFOUND, "%s", p == PERM_PUBLIC ? "No village with this code." : "No village with this code in your scope.");
  return rc;
}

int upg_township(req *r, const char *code, perm p, org *t) {
  int rc = org_by_code(req_db(r), code, t, &r->err);
  if (rc == ZD_OK && t->kind != ORG_TOWNSHIP) rc = ZD_ENOTFOUND;
  if (rc == ZD_OK && !upg_allows(r, p, t->id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No township with this code in your scope.");
  return rc;
}

int upg_id_param(req *r, const char *name, long long *id) {
  const char *s = req_param(r, name);
  char *end = NULL;
  long long v = s && *s >= '1' && *s <= '9' && strlen(s) <= 15 ? strtoll(s, &end, 10) : 0;
  if (v <= 0 || !end || *end) return zd_fail(&r->err, ZD_ENOTFOUND, "No record with this number.");
  *id = v;
  return ZD_OK;
}

int upg_project_scoped(req *r, const char *param, perm p, upg_project *pr) {
  long long id;
  int rc = upg_id_param(r, param, &id);
  if (!rc) rc = upg_project_get(req_db(r), id, pr, &r->err);
  if (!rc && !upg_allows(r, p, pr->org_id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No project with this number in your scope.");
  return rc;
}

int upg_fund_scoped(req *r, const char *param, perm p, upg_fund *f) {
  long long id;
  int rc = upg_id_param(r, param, &id);
  if (!rc) rc = upg_fund_get(req_db(r), id, f, &r->err);
  if (!rc && !upg_allows(r, p, f->org_id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No fund with this number in your scope.");
  return rc;
}

int upg_finding_scoped(req *r, const char *param, perm p, upg_finding *f) {
  long long id;
  int rc = upg_id_param(r, param, &id);
  if (!rc) rc = upg_finding_get(req_db(r), id, f, &r->err);
  if (!rc && !upg_allows(r, p, f->org_id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No finding with this number in your scope.");
  return rc;
}

int upg_plaque_scoped(req *r, const char *param, perm p, upg_plaque *pl) {
  long long id;
  int rc = upg_id_param(r, param, &id);
  if (!rc) rc = upg_plaque_get(req_db(r), id, pl, &r->err);
  if (!rc && !upg_allows(r, p, pl->org_id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No plaque with this number in your scope.");
  return rc;
}

db_conn *upg_begin(req *r) {
  db_conn *w = db_writer(r->app->db);
  if (db_begin(w, &r->err)) {
    db_release(w);
    return NULL;
  }
  return w;
}

int upg_end(req *r, db_conn *w, int rc) {
  if (!rc) rc = db_commit(w, &r->err);
  else db_rollback(w);
  db_release(w);
  return rc;
}

json_t *upg_photo_json(const char *sha) {
  if (!sha || !*sha) return json_null();
  char url[96], thumb[112];
  snprintf(url, sizeof url, "/uploads/%s", sha);
  snprintf(thumb, sizeof thumb, "/uploads/%s/thumb", sha);
  return json_pack("{s:s, s:s, s:s}", "sha256", sha, "url", url, "thumb_url", thumb);
}

int upg_user_in_scope(db_conn *c, const char *login, perm p, long long org_id, long long *id, zd_error *e) {
  user u;
  zd_error ue;
  if (!login || ident_user_by_login(c, login, &u, NULL, 0, &ue) != ZD_OK || u.disabled ||
      !ident_scope_allows(c, u.id, p, org_id))
    return zd_fail(e, ZD_EINVAL, "'%s' is not a user who may take this on in this village.", login ? login : "");
  *id = u.id;
  return ZD_OK;
}

void upg_money_html(buf *b, long long fen) {
  char m[48];
  upg_money_format(fen, m, sizeof m);
  buf_printf(b, "<span class=\"money\">%s</span>", m);
}

void upg_thumb_html(req *r, buf *b, const char *sha, const char *alt) {
  (void)r;
  if (!sha || !*sha) return;
  buf_printf(b, "<a href=\"/uploads/%u\"><img class=\"thumb\" src=\"/uploads/%u/thumb\" alt=\"%s\" loading=\"lazy\"></a>",
             sha, sha, alt ? alt : "");
}

void upg_date_html(buf *b, long long t) {
  char d[16];
  upg_date_format(t, d, sizeof d);
  buf_printf(b, "%s", d[0] ? d : "—");
}

/* --- JSON input --- */

int upg_str_field(req *r, json_t *j, const char *key, size_t max, int required, const char **out) {
  json_t *v = json_object_get(j, key);
  *out = NULL;
  if (!v || json_is_null(v)) {
    if (required) return zd_fail(&r->err, ZD_EINVAL, "%s: this field is required.", key);
    return ZD_OK;
  }
  if (!json_is_string(v)) return zd_fail(&r->err, ZD_EINVAL, "%s: a string was expected.", key);
  const char *why = upg_text_problem(json_string_value(v), max, required);
  if (why) return zd_fail(&r->err, ZD_EINVAL, "%s: %s", key, why);
  *out = json_string_value(v);
  return ZD_OK;
}

int upg_int_field(req *r, json_t *j, const char *key, long long lo, long long hi, long long *out, int *present) {
  json_t *v = json_object_get(j, key);
  *present = v && !json_is_null(v);
  if (!*present) return ZD_OK;
  if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
    return zd_fail(&r->err, ZD_EINVAL, "%s: an integer from %lld to %lld was expected.", key, lo, hi);
  *out = json_integer_value(v);
  return ZD_OK;
}

int upg_only_keys(req *r, json_t *j, const char *const *keys) {
  const char *k;
  json_t *v;
  json_object_foreach(j, k, v) {
    int known = 0;
    for (const char *const *p = keys; *p; p++)
      if (strcmp(*p, k) == 0) known = 1;
    if (!known) return zd_fail(&r->err, ZD_EINVAL, "Unknown field '%s'.", k);
  }
  return ZD_OK;
}

int upg_bool_field(req *r, json_t *j, const char *key, int *out) {
  json_t *v = json_object_get(j, key);
  *out = 0;
  if (!v || json_is_null(v)) return ZD_OK;
  if (!json_is_boolean(v)) return zd_fail(&r->err, ZD_EINVAL, "%s: true or false was expected.", key);
  *out = json_is_true(v);
  return ZD_OK;
}

