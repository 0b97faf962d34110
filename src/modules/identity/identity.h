/*
** identity.h — who may do what, where: users, the roles they hold at
** organisation nodes, sessions (cookie + CSRF), API tokens, login limits.
**
** Authorization happens in two places, both here:
**   1. auth_check (platform/auth_hook.h): the route's permission — is the
**      caller identified, and does any of their roles grant it?
**   2. scope: handlers that touch an organisation's records ask
**      identity_scope_allows() or join ident_scope SQL, so a record outside
**      the caller's scope answers 404 whatever id is sent.
*/
#ifndef ZD_IDENTITY_H
#define ZD_IDENTITY_H
#include "platform/db.h"
#include "platform/req.h"
#include "platform/route.h"

typedef enum role {
  ROLE_COUNTY_ADMIN, ROLE_TOWNSHIP_ADMIN, ROLE_AREA_LEADER, ROLE_CENTER_ADMIN,
  ROLE_CADRE, ROLE_SUPERVISOR, ROLE_MEMBER, ROLE_COUNT
} role;

/* --- rules (identity_rules.c): pure --- */
int role_parse(const char *s);           /* "county-admin" -> ROLE_*, or -1 */
const char *role_key(role r);
const char *role_label(role r);          /* msgid */
int role_grants(role r, perm p);         /* does this role carry permission p? */
/* Which organisation kinds a role may be held at ("village" etc.), see rules. */
int role_org_kind_ok(role r, int org_kind);
/* May a holder of `granter` give role `r`? (no one grants above their own level) */
int role_may_grant(role granter, role r);

#define SESSION_IDLE_SECONDS (12 * 3600)
#define SESSION_MAX_SECONDS (7 * 24 * 3600)
/* Is a session created at `created`, last seen at `seen`, still valid at `now`? */
int session_valid(long long created, long long seen, long long now);
/* Password policy: 10..128 bytes, valid UTF-8; NULL if fine, else the reason (msgid). */
const char *password_problem(const char *pw);
/* Login name: 3..64 of [a-z0-9._-], starting with a letter. */
int login_valid(const char *s);

/* --- secrets (identity_crypto.c) --- */
int ident_hash_password(const char *pw, char *out, size_t outlen);   /* Argon2id string */
int ident_check_password(const char *hash, const char *pw);          /* 1 match */
void ident_random_token(char *out, size_t outlen);                   /* base64url, 43 chars */
void ident_token_hash(const char *token, char *out65);               /* hex SHA-256 */

/* --- storage (identity_db.c) --- */
typedef struct user {
  long long id;
  char login[65];
  char display_name[128];
  int disabled;
} user;

int ident_user_by_login(db_conn *c, const char *login, user *u, char *pw_hash, size_t hlen, zd_error *e);
/* Create a user holding `role` at org code `scope`; audited as actor. */
int ident_user_add(db_conn *w, const char *actor, const char *login, const char *display, const char *password,
                   role rl, const char *scope, long long *id, zd_error *e);
int ident_role_add(db_conn *w, const char *actor, long long user_id, role rl, long long org_id, zd_error *e);
int ident_token_create(db_conn *w, const char *actor, long long user_id, const char *label, char *token_out,
                       size_t toklen, long long *id, zd_error *e);
int ident_user_count(db_conn *c, long long *n, zd_error *e);
/* The user an unrevoked API token belongs to; ZD_ENOTFOUND otherwise. */
int ident_user_by_token(db_conn *c, const char *token, user *u, zd_error *e);
/* Is org_id inside a node where the user holds a role granting p? */
int ident_scope_allows(db_conn *c, long long user_id, perm p, long long org_id);
/* The roles granting p, as an SQL list literal of keys: "'county-admin','township-admin'". */
void ident_roles_sql(perm p, char *out, size_t n);

/* --- handlers --- */
int ident_page_login(req *r);
int ident_page_login_post(req *r);
int ident_page_logout(req *r);
int ident_page_me(req *r);
int ident_page_users(req *r);
int ident_page_users_post(req *r);
int ident_page_setup(req *r);
int ident_page_setup_post(req *r);
int ident_api_session_create(req *r);
int ident_api_session_delete(req *r);
int ident_api_me(req *r);
int ident_api_org_users(req *r);
int ident_api_user_create(req *r);
int ident_api_token_create(req *r);
int ident_api_token_revoke(req *r);
int ident_api_org_create(req *r);
int ident_api_org_update(req *r);

#endif
