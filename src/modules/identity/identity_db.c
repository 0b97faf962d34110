/* identity_db.c — storage of users, roles and tokens; every write audited. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "identity.h"
#include "modules/audit/audit.h"
#include "modules/org/org.h"

int ident_user_by_login(db_conn *c, const char *login, user *u, char *pw_hash, size_t hlen, zd_error *e) {
  if (!login_valid(login)) return zd_fail(e, ZD_ENOTFOUND, "No such user.");
  db_stmt *s = db_query(c, e, "SELECT id, login, display_name, disabled, pw_hash FROM users WHERE login = ?", "s", login);
  if (!s) return e ? e->rc : ZD_EDB;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    memset(u, 0, sizeof *u);
    u->id = db_col_int(s, 0);
    snprintf(u->login, sizeof u->login, "%s", db_col_text(s, 1));
    snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(s, 2));
    u->disabled = (int)db_col_int(s, 3);
    if (pw_hash) snprintf(pw_hash, hlen, "%s", db_col_text(s, 4));
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such user.");
  return rc < 0 ? rc : ZD_OK;
}

int ident_user_count(db_conn *c, long long *n, zd_error *e) {
  return db_scalar_int(c, e, n, 0, "SELECT count(*) FROM users", "");
}

int ident_role_add(db_conn *w, const char *actor, long long user_id, role rl, long long org_id, zd_error *e) {
  org o;
  int rc = org_by_id(w, org_id, &o, e);
  if (rc) return rc;
  if (!role_org_kind_ok(rl, (int)o.kind))
    return zd_fail(e, ZD_EINVAL, "The role %s cannot be held at a %s.", role_key(rl), org_kind_key(o.kind));
  rc = db_run(w, e, "INSERT INTO user_role(user_id, role, org_id) VALUES(?, ?, ?)", "isi", user_id, role_key(rl), org_id);
  if (rc < 0) {
    if (rc == ZD_ECONFLICT) zd_fail(e, ZD_ECONFLICT, "The user already holds this role there.");
    return rc;
  }
  char obj[64], after[160];
  snprintf(obj, sizeof obj, "user:%lld", user_id);
  snprintf(after, sizeof after, "{\"role\":\"%s\",\"org\":\"%s\"}", role_key(rl), o.code);
  return audit_append(w, actor, "user.role.add", obj, org_id, "", after, e);
}

int ident_user_add(db_conn *w, const char *actor, const char *login, const char *display, const char *password,
                   role rl, const char *scope, long long *id, zd_error *e) {
  if (!login_valid(login))
    return zd_fail(e, ZD_EINVAL, "The login must be 3-64 of a-z, 0-9, '.', '_' and '-', starting with a letter.");
  const char *why = password_problem(password);
  if (why) return zd_fail(e, ZD_EINVAL, "%s", why);
  if (display && (strlen(display) > 120)) return zd_fail(e, ZD_EINVAL, "The display name is longer than 120 bytes.");
  org o;
  int rc = org_by_code(w, scope, &o, e);
  if (rc) return zd_fail(e, ZD_EINVAL, "No organisation with the code '%s'.", scope ? scope : "");
  char hash[crypto_pwhash_STRBYTES];
  if (ident_hash_password(password, hash, sizeof hash)) return zd_fail(e, ZD_EINTERNAL, "cannot hash the password");
  db_stmt *s = db_query(w, e, "INSERT INTO users(login, display_name, pw_hash, created_at) VALUES(?, ?, ?, ?) RETURNING id",
                        "sssi", login, display ? display : "", hash, (long long)time(NULL));
  if (!s) return e ? e->rc : ZD_EDB;
  long long uid = 0;
  rc = db_step(s, e);
  if (rc == DB_ROW) uid = db_col_int(s, 0);
  db_done(s);
  if (rc == ZD_ECONFLICT) return zd_fail(e, ZD_ECONFLICT, "The login '%s' is taken.", login);
  if (rc < 0) return rc;
  char obj[64];
  buf after = BUF_INIT;
  snprintf(obj, sizeof obj, "user:%lld", uid);
  buf_printf(&after, "{\"login\":\"%j\",\"display_name\":\"%j\"}", login, display ? display : "");
  rc = audit_append(w, actor, "user.create", obj, o.id, "", buf_str(&after), e);
  buf_free(&after);
  if (!rc) rc = ident_role_add(w, actor, uid, rl, o.id, e);
  if (!rc && id) *id = uid;
  return rc;
}

int ident_token_create(db_conn *w, const char *actor, long long user_id, const char *label, char *token_out,
                       size_t toklen, long long *id, zd_error *e) {
  if (label && strlen(label) > 100) return zd_fail(e, ZD_EINVAL, "The token label is longer than 100 bytes.");
  char raw[64], tok[72], h[65];
  ident_random_token(raw, sizeof raw);
  snprintf(tok, sizeof tok, "zd_%s", raw);
  ident_token_hash(tok, h);
  db_stmt *s = db_query(w, e, "INSERT INTO api_token(user_id, token_hash, label, created_at) VALUES(?, ?, ?, ?) RETURNING id",
                        "issi", user_id, h, label ? label : "", (long long)time(NULL));
  if (!s) return e ? e->rc : ZD_EDB;
  long long tid = 0;
  int rc = db_step(s, e);
  if (rc == DB_ROW) tid = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[64];
  snprintf(obj, sizeof obj, "token:%lld", tid);
  buf after = BUF_INIT;
  buf_printf(&after, "{\"user\":%lld,\"label\":\"%j\"}", user_id, label ? label : "");
  rc = audit_append(w, actor, "token.create", obj, 0, "", buf_str(&after), e);
  buf_free(&after);
  if (rc) return rc;
  snprintf(token_out, toklen, "%s", tok);
  if (id) *id = tid;
  return ZD_OK;
}

int ident_scope_allows(db_conn *c, long long user_id, perm p, long long org_id) {
  const char *k[ROLE_COUNT];
  int n = 0;
  for (int i = 0; i < ROLE_COUNT; i++)
    if (role_grants((role)i, p)) k[n++] = role_key((role)i);
  while (n < ROLE_COUNT) k[n++] = "";
  long long found = 0;
  zd_error e;
  int rc = db_scalar_int(c, &e, &found, 0,
                         "SELECT count(*) FROM user_role ur JOIN org_closure oc ON oc.ancestor = ur.org_id "
                         "WHERE ur.user_id = ? AND oc.descendant = ? AND ur.role IN (?, ?, ?, ?, ?, ?, ?)",
                         "iisssssss", user_id, org_id, k[0], k[1], k[2], k[3], k[4], k[5], k[6]);
  return rc == ZD_OK && found > 0;
}

int ident_user_by_token(db_conn *c, const char *token, user *u, zd_error *e) {
  if (!token || !*token || strlen(token) > 200) return zd_fail(e, ZD_ENOTFOUND, "Unknown token.");
  char h[65];
  ident_token_hash(token, h);
  db_stmt *s = db_query(c, e,
                        "SELECT u.id, u.login, u.display_name FROM api_token t JOIN users u ON u.id = t.user_id "
                        "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0", "s", h);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    memset(u, 0, sizeof *u);
    u->id = db_col_int(s, 0);
    snprintf(u->login, sizeof u->login, "%s", db_col_text(s, 1));
    snprintf(u->display_name, sizeof u->display_name, "%s", db_col_text(s, 2));
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "Unknown token.");
  return rc < 0 ? rc : ZD_OK;
}
