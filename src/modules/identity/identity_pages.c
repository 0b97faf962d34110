/* identity_pages.c — log in, log out, "me", the users of an organisation, first-run setup. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "identity.h"
#include "identity_session.h"
#include "modules/audit/audit.h"
#include "modules/org/org.h"
#include "platform/page.h"
#include "platform/resp.h"

/* Login forms are protected by a double-submit token: cookie zd_pre == field csrf. */
static void login_form(req *r, buf *b, const char *login, const char *error) {
  char pre[64];
  ident_random_token(pre, sizeof pre);
  char c[160];
  const char *proto = req_header(r, "X-Forwarded-Proto");
  snprintf(c, sizeof c, "zd_pre=%s; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600%s", pre,
           proto && strcmp(proto, "https") == 0 ? "; Secure" : "");
  resp_header(r, "Set-Cookie", c);
  const char *next = req_query(r, "next");
  if (!local_path_valid(next)) next = req_form(r, "next");
  if (!local_path_valid(next)) next = "/me";
  page_begin(r, b, T(r, "Log in"));
  buf_printf(b, "<section class=\"form narrow\"><h1>%s</h1>", T(r, "Log in"));
  if (error) buf_printf(b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  buf_printf(b,
             "<form method=\"post\" action=\"/login\">"
             "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"next\" value=\"%s\">"
             "<label>%s<input name=\"login\" autocomplete=\"username\" autocapitalize=\"none\" required maxlength=\"64\" value=\"%s\"></label>"
             "<label>%s<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"128\"></label>"
             "<button type=\"submit\">%s</button></form></section>",
             pre, next, T(r, "Login"), login ? login : "", T(r, "Password"), T(r, "Log in"));
  page_end(r, b);
}

int ident_page_login(req *r) {
  buf b = BUF_INIT;
  login_form(r, &b, NULL, NULL);
  resp_html(r, 200, &b);
  return ZD_OK;
}

int ident_page_login_post(req *r) {
  if (!req_form_ok(r)) return r->err.rc;
  const char *login = req_form(r, "login"), *pw = req_form(r, "password"), *tok = req_form(r, "csrf");
  const char *pre = req_cookie(r, "zd_pre");
  buf b = BUF_INIT;
  if (!tok || !pre || strlen(tok) != strlen(pre) || sodium_memcmp(tok, pre, strlen(tok)) != 0) {
    login_form(r, &b, login, T(r, "The form has expired; please try again."));
    resp_html(r, 403, &b);
    return ZD_OK;
  }
  char sid[64], csrf[64];
  int rc = ident_login(r, login, pw, sid, sizeof sid, csrf, sizeof csrf);
  if (rc == ZD_EUNAUTH || rc == ZD_ERATE || rc == ZD_EINVAL) {
    login_form(r, &b, login, T(r, r->err.msg));
    resp_html(r, zd_http_status(rc), &b);
    return ZD_OK;
  }
  if (rc) return rc;
  ident_set_session_cookie(r, sid, SESSION_MAX_SECONDS);
  const char *next = req_form(r, "next");
  resp_redirect(r, 303, local_path_valid(next) ? next : "/me");
  return ZD_OK;
}

int ident_page_logout(req *r) {
  int rc = ident_logout(r);
  if (rc) return rc;
  resp_redirect(r, 303, "/");
  return ZD_OK;
}

static void role_list(req *r, buf *b) {
  buf_puts(b, "<ul class=\"roles\">");
  for (int i = 0; i < r->nroles; i++) {
    org o;
    zd_error e;
    if (org_by_id(req_db(r), r->roles[i].org_id, &o, &e)) continue;
    buf_printf(b, "<li>%s · <a href=\"/o/%u/users\">%s</a></li>", T(r, role_label((role)r->roles[i].role)), o.code,
               org_display_name(&o, r->lang));
  }
  buf_puts(b, "</ul>");
}

int ident_page_me(req *r) {
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "My account"));
  buf_printf(&b, "<h1>%s</h1><p>%s: <strong>%s</strong></p><h2>%s</h2>", T(r, "My account"), T(r, "Login"), r->login,
             T(r, "My roles"));
  role_list(r, &b);
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

/* The users holding roles at one organisation, and (for user managers) a form to add one. */
static int users_page(req *r, const char *notice, const char *error, int status) {
  org o;
  int rc = org_by_code(req_db(r), req_param(r, "code"), &o, &r->err);
  if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, PERM_ORG_VIEW, o.id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No organisation with this code in your scope.");
  if (rc) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "org:%s", o.code);
  if ((rc = audit_read(r, "users", obj, o.id))) return rc; /* names of people: a read of personal data */
  db_stmt *s = db_query(req_db(r), &r->err,
                        "SELECT u.login, u.display_name, ur.role FROM user_role ur JOIN users u ON u.id = ur.user_id "
                        "WHERE ur.org_id = ? ORDER BY u.login, ur.role", "i", o.id);
  if (!s) return r->err.rc;
  buf b = BUF_INIT;
  page_begin(r, &b, org_display_name(&o, r->lang));
  buf_printf(&b, "<h1>%s <small>%s</small></h1>", org_display_name(&o, r->lang), T(r, "Users"));
  if (notice) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", notice);
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  buf_printf(&b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             T(r, "Login"), T(r, "Name"), T(r, "Role"));
  int n = 0;
  while ((rc = db_step(s, &r->err)) == DB_ROW) {
    int rl = role_parse(db_col_text(s, 2));
    buf_printf(&b, "<tr><td>%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>", db_col_text(s, 0), T(r, "Name"),
               db_col_text(s, 1), T(r, "Role"), rl >= 0 ? T(r, role_label((role)rl)) : db_col_text(s, 2));
    n++;
  }
  db_done(s);
  if (rc < 0) { buf_free(&b); return rc; }
  if (!n) buf_printf(&b, "<tr><td colspan=\"3\">%s</td></tr>", T(r, "No one holds a role here yet."));
  buf_puts(&b, "</tbody></table>");
  if (ident_scope_allows(req_db(r), r->user_id, PERM_USER_MANAGE, o.id)) {
    buf_printf(&b,
               "<section class=\"form\"><h2>%s</h2><form method=\"post\" action=\"/o/%u/users\">"
               "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
               "<label>%s<input name=\"login\" required maxlength=\"64\" autocapitalize=\"none\"></label>"
               "<label>%s<input name=\"display_name\" maxlength=\"120\"></label>"
               "<label>%s<input name=\"password\" type=\"password\" required minlength=\"10\" maxlength=\"128\" autocomplete=\"new-password\"></label>"
               "<label>%s<select name=\"role\">",
               T(r, "Add a user"), o.code, r->csrf, T(r, "Login"), T(r, "Name"), T(r, "Password"), T(r, "Role"));
    for (int i = 0; i < ROLE_COUNT; i++)
      if (role_org_kind_ok((role)i, (int)o.kind))
        buf_printf(&b, "<option value=\"%s\">%s</option>", role_key((role)i), T(r, role_label((role)i)));
    buf_printf(&b, "</select></label><button type=\"submit\">%s</button></form></section>", T(r, "Add"));
  }
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

int ident_page_users(req *r) { return users_page(r, NULL, NULL, 200); }

int ident_page_users_post(req *r) {
  org o;
  int rc = org_by_code(req_db(r), req_param(r, "code"), &o, &r->err);
  if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, PERM_USER_MANAGE, o.id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No organisation with this code in your scope.");
  if (rc) return rc;
  const char *login = req_form(r, "login"), *pw = req_form(r, "password"), *rolename = req_form(r, "role");
  const char *display = req_form(r, "display_name");
  int rl = role_parse(rolename);
  int allowed = 0;
  for (int i = 0; rl >= 0 && i < r->nroles; i++)
    if (role_grants((role)r->roles[i].role, PERM_USER_MANAGE) && role_may_grant((role)r->roles[i].role, (role)rl))
      allowed = 1;
  if (rl < 0 || !allowed) return users_page(r, NULL, T(r, "You may not give this role."), 403);
  char actor[80];
  snprintf(actor, sizeof actor, "user:%s", r->login);
  db_conn *w = db_writer(r->app->db);
  zd_error e = {0, ""};
  rc = db_begin(w, &e);
  if (!rc) rc = ident_user_add(w, actor, login ? login : "", display, pw, (role)rl, o.code, NULL, &e);
  if (!rc) rc = db_commit(w, &e);
  db_release(w);
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT) return users_page(r, NULL, T(r, e.msg), zd_http_status(rc));
  if (rc) { r->err = e; return rc; }
  return users_page(r, T(r, "The user was added."), NULL, 201);
}

/* First run: a one-time link printed by `zhendi init` creates the county and its first admin. */
static int setup_token_ok(req *r, const char *tok) {
  if (!tok || !*tok) return 0;
  char h[65];
  ident_token_hash(tok, h);
  long long n = 0;
  return db_scalar_int(req_db(r), &r->err, &n, 0, "SELECT count(*) FROM setup_token WHERE token_hash = ?", "s", h) == ZD_OK &&
         n > 0;
}

static void setup_form(req *r, buf *b, const char *tok, const char *error) {
  page_begin(r, b, T(r, "First-run setup"));
  buf_printf(b, "<section class=\"form narrow\"><h1>%s</h1><p>%s</p>", T(r, "First-run setup"),
             T(r, "Create the county and its first administrator. This link works once."));
  if (error) buf_printf(b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  buf_printf(b,
             "<form method=\"post\" action=\"/setup\"><input type=\"hidden\" name=\"token\" value=\"%s\">"
             "<label>%s<input name=\"county_name\" required maxlength=\"120\" placeholder=\"两当县\"></label>"
             "<label>%s<input name=\"county_code\" required maxlength=\"32\" placeholder=\"liangdang\" autocapitalize=\"none\"></label>"
             "<label>%s<input name=\"login\" required maxlength=\"64\" autocapitalize=\"none\"></label>"
             "<label>%s<input name=\"password\" type=\"password\" required minlength=\"10\" maxlength=\"128\" autocomplete=\"new-password\"></label>"
             "<button type=\"submit\">%s</button></form></section>",
             tok, T(r, "County name"), T(r, "County code"), T(r, "Login"), T(r, "Password"), T(r, "Create"));
  page_end(r, b);
}

int ident_page_setup(req *r) {
  const char *tok = req_query(r, "token");
  if (!setup_token_ok(r, tok)) return zd_fail(&r->err, ZD_ENOTFOUND, "This setup link is unknown or already used.");
  buf b = BUF_INIT;
  setup_form(r, &b, tok, NULL);
  resp_html(r, 200, &b);
  return ZD_OK;
}

int ident_page_setup_post(req *r) {
  if (!req_form_ok(r)) return r->err.rc;
  const char *tok = req_form(r, "token");
  if (!setup_token_ok(r, tok)) return zd_fail(&r->err, ZD_ENOTFOUND, "This setup link is unknown or already used.");
  const char *cname = req_form(r, "county_name"), *ccode = req_form(r, "county_code");
  const char *login = req_form(r, "login"), *pw = req_form(r, "password");
  char h[65];
  ident_token_hash(tok, h);
  db_conn *w = db_writer(r->app->db);
  zd_error e = {0, ""};
  int rc = db_begin(w, &e);
  long long n = 0;
  if (!rc) rc = db_scalar_int(w, &e, &n, 0, "SELECT count(*) FROM setup_token WHERE token_hash = ?", "s", h);
  if (!rc && n == 0) rc = zd_fail(&e, ZD_ENOTFOUND, "This setup link is unknown or already used.");
  if (!rc) rc = org_insert(w, "system:setup", ccode ? ccode : "", ORG_COUNTY, cname ? cname : "", "", 0, 0, NULL, &e);
  if (!rc) rc = ident_user_add(w, "system:setup", login ? login : "", "", pw, ROLE_COUNTY_ADMIN, ccode, NULL, &e);
  if (!rc) rc = db_run(w, &e, "DELETE FROM setup_token", "");
  if (rc == DB_DONE) rc = db_commit(w, &e);
  else db_rollback(w);
  db_release(w);
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT) {
    buf b = BUF_INIT;
    setup_form(r, &b, tok, T(r, e.msg));
    resp_html(r, zd_http_status(rc), &b);
    return ZD_OK;
  }
  if (rc) { r->err = e; return rc; }
  resp_redirect(r, 303, "/login");
  return ZD_OK;
}
