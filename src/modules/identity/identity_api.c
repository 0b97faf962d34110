/* identity_api.c — JSON API: sessions, the caller, users, tokens, org edits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "identity.h"
#include "identity_session.h"
#include "modules/audit/audit.h"
#include "modules/org/org.h"
#include "platform/resp.h"

static void actor_of(req *r, char *out, size_t n) { snprintf(out, n, "user:%s", r->login); }

static json_t *roles_json(req *r) {
  json_t *arr = json_array();
  for (int i = 0; i < r->nroles; i++) {
    org o;
    zd_error e;
    if (org_by_id(req_db(r), r->roles[i].org_id, &o, &e)) continue;
    json_array_append_new(arr, json_pack("{s:s, s:s}", "role", role_key((role)r->roles[i].role), "scope", o.code));
  }
  return arr;
}

int ident_api_session_create(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *login = NULL, *pw = NULL;
  int rc = req_unpack(r, j, "{s:s, s:s}", "login", &login, "password", &pw);
  char sid[64], csrf[64];
  if (!rc) rc = ident_login(r, login, pw, sid, sizeof sid, csrf, sizeof csrf);
  json_decref(j);
  if (rc) return rc;
  /* roles of the new session */
  db_stmt *s = db_query(req_db(r), &r->err, "SELECT role, org_id FROM user_role WHERE user_id = ? ORDER BY id", "i", r->user_id);
  if (!s) return r->err.rc;
  r->nroles = 0;
  while (db_step(s, &r->err) == DB_ROW && r->nroles < 32) {
    r->roles[r->nroles].role = role_parse(db_col_text(s, 0));
    r->roles[r->nroles].org_id = db_col_int(s, 1);
    if (r->roles[r->nroles].role >= 0) r->nroles++;
  }
  db_done(s);
  ident_set_session_cookie(r, sid, SESSION_MAX_SECONDS);
  return resp_json(r, 200, json_pack("{s:s, s:{s:s, s:o}}", "csrf_token", csrf, "user", "login", r->login, "roles",
                                     roles_json(r)));
}

int ident_api_session_delete(req *r) {
  if (r->via_token)
    return zd_fail(&r->err, ZD_EINVAL, "An API token is not a session; revoke it with DELETE /api/v1/tokens/{id}.");
  int rc = ident_logout(r);
  if (rc) return rc;
  r->status = 204;
  return ZD_OK;
}

int ident_api_me(req *r) {
  return resp_json(r, 200, json_pack("{s:s, s:s, s:o}", "login", r->login, "via", r->via_token ? "token" : "session",
                                     "roles", roles_json(r)));
}

/* The org named in the URL, if the caller's scope for p covers it; else 404. */
static int org_in_scope(req *r, const char *code, perm p, org *o) {
  int rc = org_by_code(req_db(r), code, o, &r->err);
  if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, p, o->id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No organisation with this code in your scope.");
  return rc;
}

int ident_api_org_users(req *r) {
  org o;
  int rc = org_in_scope(r, req_param(r, "code"), PERM_ORG_VIEW, &o);
  if (rc) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "org:%s", o.code);
  rc = audit_read(r, "users", obj, o.id); /* names of people: a read of personal data */
  if (rc) return rc;
  db_stmt *s = db_query(req_db(r), &r->err,
                        "SELECT u.login, u.display_name, ur.role, u.disabled FROM user_role ur "
                        "JOIN users u ON u.id = ur.user_id WHERE ur.org_id = ? ORDER BY u.login, ur.role", "i", o.id);
  if (!s) return r->err.rc;
  json_t *arr = json_array();
  while ((rc = db_step(s, &r->err)) == DB_ROW)
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "login", db_col_text(s, 0), "display_name",
                                         db_col_text(s, 1), "role", db_col_text(s, 2), "disabled",
                                         (int)db_col_int(s, 3)));
  db_done(s);
  if (rc < 0) { json_decref(arr); return rc; }
  return resp_json(r, 200, json_pack("{s:s, s:o}", "org", o.code, "users", arr));
}

/* May the caller give role rl at org o? Some role of theirs must manage users over o and rank above rl. */
static int may_grant(req *r, const org *o, role rl) {
  for (int i = 0; i < r->nroles; i++) {
    role mine = (role)r->roles[i].role;
    if (!role_grants(mine, PERM_USER_MANAGE) || !role_may_grant(mine, rl)) continue;
    long long n = 0;
    zd_error e;
    if (db_scalar_int(req_db(r), &e, &n, 0, "SELECT count(*) FROM org_closure WHERE ancestor = ? AND descendant = ?",
                      "ii", r->roles[i].org_id, o->id) == ZD_OK && n > 0)
      return 1;
  }
  return 0;
}

int ident_api_user_create(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *login = NULL, *pw = NULL, *rolename = NULL, *scope = NULL, *display = "";
  int rc = req_unpack(r, j, "{s:s, s:s, s:s, s:s, s?:s}", "login", &login, "password", &pw, "role", &rolename,
                      "scope", &scope, "display_name", &display);
  int rl = rc ? -1 : role_parse(rolename);
  org o;
  if (!rc && rl < 0) rc = zd_fail(&r->err, ZD_EINVAL, "Unknown role '%s'.", rolename);
  if (!rc) rc = org_in_scope(r, scope, PERM_USER_MANAGE, &o);
  if (!rc && !may_grant(r, &o, (role)rl))
    rc = zd_fail(&r->err, ZD_EFORBIDDEN, "You may not give the role %s.", rolename);
  if (!rc) {
    char actor[80];
    actor_of(r, actor, sizeof actor);
    db_conn *w = db_writer(r->app->db);
    rc = db_begin(w, &r->err);
    long long id = 0;
    if (!rc) rc = ident_user_add(w, actor, login, display, pw, (role)rl, scope, &id, &r->err);
    if (!rc) rc = db_commit(w, &r->err);
    db_release(w);
  }
  if (!rc) rc = resp_json(r, 201, json_pack("{s:s, s:s, s:s}", "login", login, "role", rolename, "scope", scope));
  json_decref(j);
  return rc;
}

int ident_api_token_create(req *r) {
  const char *label = "";
  json_t *j = NULL;
  int rc = ZD_OK;
  if (r->body.len) {
    j = req_json(r);
    if (!j) return r->err.rc;
    rc = req_unpack(r, j, "{s?:s}", "label", &label);
  }
  char tok[96], actor[80];
  long long id = 0;
  actor_of(r, actor, sizeof actor);
  if (!rc) {
    db_conn *w = db_writer(r->app->db);
    rc = db_begin(w, &r->err);
    if (!rc) rc = ident_token_create(w, actor, r->user_id, label, tok, sizeof tok, &id, &r->err);
    if (!rc) rc = db_commit(w, &r->err);
    db_release(w);
  }
  if (!rc) rc = resp_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "token", tok, "label", label));
  json_decref(j);
  return rc;
}

int ident_api_token_revoke(req *r) {
  char *end = NULL;
  const char *p = req_param(r, "id");
  long long id = strtoll(p ? p : "", &end, 10);
  if (!p || !*p || *end || id <= 0) return zd_fail(&r->err, ZD_ENOTFOUND, "No such token.");
  char actor[80], obj[48];
  actor_of(r, actor, sizeof actor);
  snprintf(obj, sizeof obj, "token:%lld", id);
  db_conn *w = db_writer(r->app->db);
  int rc = db_begin(w, &r->err);
  long long hit = 0;
  if (!rc) {
    db_stmt *s = db_query(w, &r->err,
                          "UPDATE api_token SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id",
                          "iii", (long long)time(NULL), id, r->user_id);
    if (!s) rc = r->err.rc;
    else {
      int st = db_step(s, &r->err);
      if (st == DB_ROW) hit = 1;
      else if (st < 0) rc = st;
      db_done(s);
    }
  }
  if (!rc && !hit) rc = zd_fail(&r->err, ZD_ENOTFOUND, "No such token of yours, or it is already revoked.");
  if (!rc) rc = audit_append(w, actor, "token.revoke", obj, 0, "", "", &r->err);
  if (!rc) rc = db_commit(w, &r->err);
  db_release(w);
  if (rc) return rc;
  r->status = 204;
  return ZD_OK;
}

int ident_api_org_create(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *code = NULL, *kind = NULL, *name = NULL, *name_en = "", *parent = NULL;
  int rc = req_unpack(r, j, "{s:s, s:s, s:s, s:s, s?:s}", "code", &code, "kind", &kind, "name", &name, "parent",
                      &parent, "name_en", &name_en);
  int k = rc ? -1 : org_kind_parse(kind);
  org p;
  if (!rc && k < 0) rc = zd_fail(&r->err, ZD_EINVAL, "Unknown kind '%s'.", kind);
  if (!rc) rc = org_in_scope(r, parent, PERM_ORG_EDIT, &p);
  if (!rc) {
    char actor[80];
    actor_of(r, actor, sizeof actor);
    db_conn *w = db_writer(r->app->db);
    rc = db_begin(w, &r->err);
    if (!rc) rc = org_insert(w, actor, code, (org_kind)k, name, name_en, p.id, 0, NULL, &r->err);
    if (!rc) rc = db_commit(w, &r->err);
    db_release(w);
  }
  if (!rc) rc = resp_json(r, 201, json_pack("{s:s, s:s, s:s, s:s}", "code", code, "kind", kind, "name", name, "parent", parent));
  json_decref(j);
  return rc;
}

int ident_api_org_update(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *name = NULL, *name_en = NULL;
  org o;
  int rc = req_unpack(r, j, "{s?:s, s?:s}", "name", &name, "name_en", &name_en);
  if (!rc && !name && !name_en) rc = zd_fail(&r->err, ZD_EINVAL, "Nothing to change: give name and/or name_en.");
  if (!rc) rc = org_in_scope(r, req_param(r, "code"), PERM_ORG_EDIT, &o);
  if (!rc) {
    char actor[80];
    actor_of(r, actor, sizeof actor);
    db_conn *w = db_writer(r->app->db);
    rc = db_begin(w, &r->err);
    if (!rc) rc = org_update_names(w, actor, &o, name, name_en, &r->err);
    if (!rc) rc = db_commit(w, &r->err);
    db_release(w);
  }
  if (!rc) rc = org_api_get(r);
  json_decref(j);
  return rc;
}
