/* err.c — see err.h. The single mapping of error codes to HTTP. */
#include "err.h"
#include <stdarg.h>
#include <stdio.h>

int zd_fail(zd_error *e, int rc, const char *fmt, ...) {
  if (e) {
    e->rc = rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
  }
  return rc;
}

static const struct {
  int rc, status;
  const char *code, *msg;
} map[] = {
  {ZD_OK, 200, "ok", "OK"},
  {ZD_EINVAL, 400, "invalid_input", "The request is not valid."},
  {ZD_EUNAUTH, 401, "unauthenticated", "Please log in."},
  {ZD_EFORBIDDEN, 403, "forbidden", "You may not do this."},
  {ZD_ENOTFOUND, 404, "not_found", "Not found."},
  {ZD_EMETHOD, 405, "method_not_allowed", "This method is not allowed here."},
  {ZD_ECONFLICT, 409, "conflict", "The record's state does not allow this."},
  {ZD_ETOOBIG, 413, "too_large", "The request body is too large."},
  {ZD_EMEDIA, 415, "unsupported_media_type", "Unsupported content type."},
  {ZD_ERATE, 429, "rate_limited", "Too many requests; please wait and try again."},
  {ZD_EINTERNAL, 500, "internal", "Internal error."},
  {ZD_EUNAVAIL, 503, "unavailable", "The service is temporarily unavailable."},
  {ZD_ESCHEMA, 503, "schema_mismatch", "The database schema does not match this program."},
  {ZD_EDB, 500, "database", "Database error."},
};

static int find(int rc) {
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (map[i].rc == rc) return (int)i;
  return 10; /* internal */
}

int zd_http_status(int rc) { return map[find(rc)].status; }
const char *zd_code_name(int rc) { return map[find(rc)].code; }
const char *zd_default_msg(int rc) { return map[find(rc)].msg; }
