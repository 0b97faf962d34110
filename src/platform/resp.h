/*
** resp.h — building responses, and resp_error: the single place where an
** error code becomes an HTTP status plus a page (browsers) or the API's
** {"error":{"code":..,"message":..}} (API clients).
*/
#ifndef ZD_RESP_H
#define ZD_RESP_H
#include <jansson.h>
#include "req.h"

void resp_header(req *r, const char *name, const char *value);
/* Take b's bytes as the body. */
void resp_html(req *r, int status, buf *b);
void resp_text(req *r, int status, const char *ctype, buf *b);
/* Serialise j (and release the caller's reference). */
int resp_json(req *r, int status, json_t *j);
void resp_redirect(req *r, int status, const char *location);
/* Render r->err (or the default message of rc) for rc; always succeeds. */
void resp_error(req *r, int rc);

/* JSON request bodies: parse r->body as a JSON object. On failure returns NULL
** and fills r->err (ZD_EINVAL, "invalid JSON at line L column C: ..."). */
json_t *req_json(req *r);
/* json_unpack with JSON_STRICT (unknown fields refused); on failure fills r->err
** (ZD_EINVAL, "Invalid input: ...") and returns it. */
int req_unpack(req *r, json_t *j, const char *fmt, ...);

#endif
