/* resp.c — see resp.h. */
#include "resp.h"
#include <stdarg.h>
#include <stdio.h>
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

/* Compact JSON of j into b, keys in insertion order (as json_dumps does).
** Written here rather than by json_dumps: jansson's dumper spent more
** instructions on a tracking reply than the three SQL queries behind it.
** Strings are escaped by buf_jsonstr ('<' too, as \u003c). */
static void dump(buf *b, json_t *j, int depth) {
  char tmp[32];
  switch (json_typeof(j)) {
    case JSON_OBJECT: {
      const char *key;
      json_t *v;
      int first = 1;
      buf_putc(b, '{');
      json_object_foreach(j, key, v) {
        if (!first) buf_putc(b, ',');
        first = 0;
        buf_putc(b, '"');
        buf_jsonstr(b, key);
        buf_puts(b, "\":");
        dump(b, v, depth + 1);
      }
      buf_putc(b, '}');
      break;
    }
    case JSON_ARRAY: {
      size_t i;
      json_t *v;
      buf_putc(b, '[');
      json_array_foreach(j, i, v) {
        if (i) buf_putc(b, ',');
        dump(b, v, depth + 1);
      }
      buf_putc(b, ']');
      break;
    }
    case JSON_STRING:
      buf_putc(b, '"');
      buf_jsonstr(b, json_string_value(j));
      buf_putc(b, '"');
      break;
    case JSON_INTEGER:
      snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
      buf_puts(b, tmp);
      break;
    case JSON_REAL: { /* rare: jansson's own formatting of a number */
      char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
      if (s) buf_puts(b, s);
      else b->oom = 1;
      free(s);
      break;
    }
    case JSON_TRUE: buf_puts(b, "true"); break;
    case JSON_FALSE: buf_puts(b, "false"); break;
    default: buf_puts(b, "null"); break;
  }
}

int resp_json(req *r, int status, json_t *j) {
  if (!j) return zd_fail(&r->err, ZD_EINTERNAL, "cannot encode JSON");
  buf_free(&r->out);
  dump(&r->out, j, 0);
  json_decref(j);
  if (!buf_ok(&r->out)) {
    buf_free(&r->out);
    return zd_fail(&r->err, ZD_EINTERNAL, "cannot encode JSON");
  }
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
