/* resp.c — see resp.h. */
#include "resp.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "page.h"

void resp_header(req *r, const char *name, const char *value) { kvlist_add(&r->headers, name, value); }

void resp_html(req *r, int status, buf *b) {
  r->status = status;
  r->ctype = "text/html; charset=utf-8";
  buf_free(&r->out);
  r->out = *b;
  *b = (buf)BUF_INIT;
}

void resp_text(req *r, int status, const char *ctype, buf *b) {
  resp_html(r, status, b);
  r->ctype = ctype;
}

int resp_json(req *r, int status, json_t *j) {
  char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  if (!s) return zd_fail(&r->err, ZD_EINTERNAL, "cannot encode JSON");
  buf_free(&r->out);
  buf_puts(&r->out, s);
  free(s);
  r->status = status;
  r->ctype = "application/json";
  return ZD_OK;
}

void resp_redirect(req *r, int status, const char *location) {
  r->status = status;
  r->ctype = "text/plain; charset=utf-8";
  resp_header(r, "Location", location);
  buf_reset(&r->out);
  buf_puts(&r->out, location);
}

void resp_error(req *r, int rc) {
  int status = zd_http_status(rc);
  const char *msg = r->err.rc == rc && r->err.msg[0] ? r->err.msg : zd_default_msg(rc);
  r->static_data = NULL;
  buf_free(&r->out);
  r->status = status;
  if (status == 503) resp_header(r, "Retry-After", "5");
  if (r->is_api) {
    buf_printf(&r->out, "{\"error\":{\"code\":\"%j\",\"message\":\"%j\"}}", zd_code_name(rc), msg);
    r->ctype = "application/json";
  } else {
    /* Pages show the detail only in a language it exists in: formatted details
    ** ("Method POST is not allowed...") have no translation, so zh pages show the title. */
    page_error(r, &r->out, status,
               r->lang == LANG_EN || i18n_has(r->app->cat, msg) ? T(r, msg) : NULL);
    r->ctype = "text/html; charset=utf-8";
  }
}

json_t *req_json(req *r) {
  const char *ct = req_header(r, "Content-Type");
  if (!ct || strncmp(ct, "application/json", 16) != 0) {
    zd_fail(&r->err, ZD_EMEDIA, "Expected Content-Type: application/json.");
    return NULL;
  }
  if (!r->body.len) {
    zd_fail(&r->err, ZD_EINVAL, "The request body is empty; a JSON object was expected.");
    return NULL;
  }
  json_error_t je;
  json_t *j = json_loadb(r->body.p, r->body.len, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    zd_fail(&r->err, ZD_EINVAL, "Invalid JSON at line %d column %d: %s", je.line, je.column, je.text);
    return NULL;
  }
  if (!json_is_object(j)) {
    json_decref(j);
    zd_fail(&r->err, ZD_EINVAL, "A JSON object was expected.");
    return NULL;
  }
  return j;
}

int req_unpack(req *r, json_t *j, const char *fmt, ...) {
  json_error_t je;
  va_list ap;
  va_start(ap, fmt);
  int rc = json_vunpack_ex(j, &je, JSON_STRICT, fmt, ap);
  va_end(ap);
  if (rc) return zd_fail(&r->err, ZD_EINVAL, "Invalid input: %s", je.text);
  return ZD_OK;
}
