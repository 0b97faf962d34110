/*
** identity_auth.c — auth_check: identify the caller, enforce CSRF on unsafe
** cookie requests, and the route's permission. Scope helpers for handlers.
*/
#include <microhttpd.h>
#include <sodium.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "identity.h"
#include "platform/auth_hook.h"
#include "platform/log.h"

static int unsafe(const char *m) {
  return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static void client_addr(req *r) {
  const char *xff = r->app->cfg->trust_proxy ? req_header(r, "X-Forwarded-For") : NULL;
  if (xff && *xff) {
    /* the proxy appends the address it saw: the last entry is the one it vouches for */
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ') last++;
    snprintf(r->client, sizeof r->client, "%.*s", (int)strcspn(last, " "), last);
    return;
  }
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  r->client[0] = 0;
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->client, sizeof r->client);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->client, sizeof r->client);
}

static int load_roles(req *r, db_conn *c) {
  db_stmt *s = db_query(c, &r->err, "SELECT role, org_id FROM user_role WHERE user_id = ? ORDER BY id", "i", r->user_id);
  if (!s) return r->err.rc;
  int rc;
  r->nroles = 0;
  while ((rc = db_step(s, &r->err)) == DB_ROW) {
    int rl = role_parse(db_col_text(s, 0));
    if (rl < 0 || r->nroles >= (int)(sizeof r->roles / sizeof r->roles[0])) continue;
    r->roles[r->nroles].role = rl;
    r->roles[r->nroles].org_id = db_col_int(s, 1);
    r->nroles++;
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

/* 0 anonymous, 1 identified, <0 error; *why set when credentials were sent but are no good. */
static int identify(req *r, const char **why) {
  *why = NULL;
  long long now = (long long)time(NULL);
  const char *authz = req_header(r, "Authorization");
  const char *sid = req_cookie(r, "zd_session");
  int bearer = authz && strncasecmp(authz, "Bearer ", 7) == 0;
  if (!bearer && (!sid || !*sid)) return 0; /* anonymous: no database needed (static files) */
  db_conn *c = req_db(r);
  if (bearer) {
    char h[65];
    ident_token_hash(authz + 7, h);
    db_stmt *s = db_query(c, &r->err,
                          "SELECT u.id, u.login FROM api_token t JOIN users u ON u.id = t.user_id "
                          "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0", "s", h);
    if (!s) return r->err.rc;
    int rc = db_step(s, &r->err);
    if (rc == DB_ROW) {
      r->user_id = db_col_int(s, 0);
      snprintf(r->login, sizeof r->login, "%s", db_col_text(s, 1));
      r->via_token = 1;
    }
    db_done(s);
    if (rc < 0) return rc;
    if (!r->user_id) { *why = "The API token is unknown or revoked."; return 0; }
    rc = load_roles(r, c);
    return rc ? rc : 1;
  }
  char h[65];
  ident_token_hash(sid, h);
  db_stmt *s = db_query(c, &r->err,
                        "SELECT u.id, u.login, s.csrf, s.created_at, s.last_seen FROM session s "
                        "JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.disabled = 0", "s", h);
  if (!s) return r->err.rc;
  int rc = db_step(s, &r->err), touch = 0;
  if (rc == DB_ROW) {
    long long created = db_col_int(s, 3), seen = db_col_int(s, 4);
    if (session_valid(created, seen, now)) {
      r->user_id = db_col_int(s, 0);
      snprintf(r->login, sizeof r->login, "%s", db_col_text(s, 1));
      snprintf(r->csrf, sizeof r->csrf, "%s", db_col_text(s, 2));
      touch = now - seen >= 60;
    }
  }
  db_done(s);
  if (rc < 0) return rc;
  if (!r->user_id) { *why = "Your session has expired; please log in again."; return 0; }
  if (touch) { /* bookkeeping, not a change of records: not audited */
    db_conn *w = db_writer(r->app->db);
    zd_error ignore;
    db_run(w, &ignore, "UPDATE session SET last_seen = ? WHERE id_hash = ?", "is", now, h);
    db_release(w);
  }
  rc = load_roles(r, c);
  return rc ? rc : 1;
}

int auth_check(req *r, perm p) {
  client_addr(r);
  const char *why = NULL;
  int who = identify(r, &why);
  if (who < 0) return who;
  if (why && (r->via_token || p != PERM_PUBLIC)) {
    log_msg(LOG_WARN, "auth refused %s %s from %s: %s", r->method, r->path, r->client, why);
    return zd_fail(&r->err, ZD_EUNAUTH, "%s", why);
  }
  if (p == PERM_PUBLIC) return ZD_OK;
  if (!r->user_id) return zd_fail(&r->err, ZD_EUNAUTH, "Please log in.");
  if (unsafe(r->method) && !r->via_token) {
    const char *tok = req_header(r, "X-CSRF-Token");
    if (!tok) {
      const char *ct = req_header(r, "Content-Type");
      /* page forms carry it as a field: urlencoded, or multipart when they upload a photo */
      if (ct && (strncmp(ct, "application/x-www-form-urlencoded", 33) == 0 || strncasecmp(ct, "multipart/form-data", 19) == 0))
        tok = req_form(r, "csrf");
    }
    if (!tok || !r->csrf[0] || strlen(tok) != strlen(r->csrf) || sodium_memcmp(tok, r->csrf, strlen(tok))) {
      log_msg(LOG_WARN, "CSRF refused %s %s for %s from %s", r->method, r->path, r->login, r->client);
      return zd_fail(&r->err, ZD_EFORBIDDEN, "The CSRF token is missing or wrong; reload the page and try again.");
    }
  }
  if (p == PERM_LOGIN) return ZD_OK;
  for (int i = 0; i < r->nroles; i++)
    if (role_grants((role)r->roles[i].role, p)) return ZD_OK;
  return zd_fail(&r->err, ZD_EFORBIDDEN, "Your role does not allow this.");
}
