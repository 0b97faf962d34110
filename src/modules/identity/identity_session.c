/*
** identity_session.c — logging in and out, shared by the login page and the
** session API: rate limits, the capped Argon2id check, a fresh session id.
*/
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "identity.h"
#include "identity_session.h"
#include "modules/audit/audit.h"
#include "platform/log.h"
#include "platform/resp.h"

#define FAIL_WINDOW 900       /* 15 minutes */
#define FAIL_PER_ACCOUNT 5
#define FAIL_PER_ADDRESS 20

int ident_login(req *r, const char *login, const char *password, char *sid, size_t sidlen, char *csrf, size_t csrflen) {
  long long now = (long long)time(NULL);
  char kacct[96], kaddr[96];
  snprintf(kacct, sizeof kacct, "login:%.64s", login ? login : "");
  snprintf(kaddr, sizeof kaddr, "addr:%s", r->client);
  if (!login || !*login || !password || !*password)
    return zd_fail(&r->err, ZD_EINVAL, "Enter your login and password.");
  /* take a unit from both limits before checking (so concurrent guesses cannot
  ** overshoot); a successful login gives them back */
  int acct_ok = rl_take(r->app->limits, kacct, now, FAIL_WINDOW, FAIL_PER_ACCOUNT);
  int addr_ok = rl_take(r->app->limits, kaddr, now, FAIL_WINDOW, FAIL_PER_ADDRESS);
  if (!acct_ok || !addr_ok) {
    if (acct_ok) rl_give_back(r->app->limits, kacct, now, FAIL_WINDOW);
    if (addr_ok) rl_give_back(r->app->limits, kaddr, now, FAIL_WINDOW);
    log_msg(LOG_WARN, "login rate-limited for '%.64s' from %s", login, r->client);
    resp_header(r, "Retry-After", "900");
    return zd_fail(&r->err, ZD_ERATE, "Too many failed logins; wait 15 minutes and try again.");
  }
  user u;
  char hash[crypto_pwhash_STRBYTES] = "";
  zd_error e;
  int rc = ident_user_by_login(req_db(r), login, &u, hash, sizeof hash, &e);
  if (rc && rc != ZD_ENOTFOUND) { r->err = e; return rc; }
  /* Hash even for unknown logins, so timing does not tell which logins exist. */
  sem_t *slots = r->app->hash_slots;
  sem_wait(slots);
  char spent[crypto_pwhash_STRBYTES];
  int ok = hash[0] ? ident_check_password(hash, password) : (ident_hash_password(password, spent, sizeof spent), 0);
  sem_post(slots);
  if (!ok || u.disabled) {
    log_msg(LOG_WARN, "login failed for '%.64s' from %s", login, r->client);
    return zd_fail(&r->err, ZD_EUNAUTH, "The login or the password is wrong.");
  }
  rl_clear(r->app->limits, kacct);
  rl_give_back(r->app->limits, kaddr, now, FAIL_WINDOW);
  char h[65];
  ident_random_token(sid, sidlen);
  ident_random_token(csrf, csrflen);
  ident_token_hash(sid, h);
  db_conn *w = db_writer(r->app->db);
  rc = db_begin(w, &r->err);
  if (!rc) rc = db_run(w, &r->err, "INSERT INTO session(id_hash, user_id, csrf, created_at, last_seen) VALUES(?, ?, ?, ?, ?)",
                       "sisii", h, u.id, csrf, now, now);
  if (rc == DB_DONE) {
    char actor[80];
    snprintf(actor, sizeof actor, "user:%s", u.login);
    rc = audit_append(w, actor, "session.login", actor, 0, "", "", &r->err);
  }
  if (!rc) rc = db_commit(w, &r->err);
  db_release(w);
  if (rc) return rc;
  r->user_id = u.id;
  snprintf(r->login, sizeof r->login, "%s", u.login);
  snprintf(r->csrf, sizeof r->csrf, "%s", csrf);
  return ZD_OK;
}

void ident_set_session_cookie(req *r, const char *sid, int max_age) {
  const char *proto = req_header(r, "X-Forwarded-Proto");
  int secure = proto && strcmp(proto, "https") == 0;
  char c[200];
  snprintf(c, sizeof c, "zd_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", sid, max_age,
           secure ? "; Secure" : "");
  resp_header(r, "Set-Cookie", c);
}

int ident_logout(req *r) {
  const char *sid = req_cookie(r, "zd_session");
  if (!sid || !r->user_id) return ZD_OK;
  char h[65], actor[80];
  ident_token_hash(sid, h);
  snprintf(actor, sizeof actor, "user:%s", r->login);
  db_conn *w = db_writer(r->app->db);
  int rc = db_begin(w, &r->err);
  if (!rc) rc = db_run(w, &r->err, "DELETE FROM session WHERE id_hash = ?", "s", h);
  if (rc == DB_DONE) rc = audit_append(w, actor, "session.logout", actor, 0, "", "", &r->err);
  if (!rc) rc = db_commit(w, &r->err);
  db_release(w);
  ident_set_session_cookie(r, "", 0);
  return rc;
}
