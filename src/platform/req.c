/* req.c — request accessors; see req.h. */
#include "req.h"
#include <microhttpd.h>
#include <string.h>

const char *req_header(req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_query(req *r, const char *name) { return kvlist_get(&r->query, name); }
const char *req_param(req *r, const char *name) { return kvlist_get(&r->params, name); }

int req_form_ok(req *r) {
  if (r->form_parsed) return r->form_parsed == 1;
  const char *ct = req_header(r, "Content-Type");
  if (r->body.len && (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0)) {
    zd_fail(&r->err, ZD_EMEDIA, "Expected a form (application/x-www-form-urlencoded).");
    r->form_parsed = -1;
    return 0;
  }
  const char *why = NULL;
  if (form_parse(buf_str(&r->body), r->body.len, (size_t)r->app->cfg->max_params, &r->form, &why)) {
    zd_fail(&r->err, ZD_EINVAL, "Bad form data: %s.", why);
    r->form_parsed = -1;
    return 0;
  }
  r->form_parsed = 1;
  return 1;
}

const char *req_form(req *r, const char *name) {
  if (!req_form_ok(r)) return NULL;
  return kvlist_get(&r->form, name);
}

db_conn *req_db(req *r) {
  if (!r->rd) r->rd = db_reader(r->app->db);
  return r->rd;
}

const char *T(req *r, const char *msgid) { return i18n_get(r->app->cat, r->lang, msgid); }
