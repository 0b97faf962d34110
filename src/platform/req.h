/*
** req.h — one HTTP request as a handler sees it, and the response it builds.
**
** A handler is `int fn(req *r)`: it reads parameters, does its work, and
** either fills the response (resp_* in resp.h) and returns ZD_OK, or returns
** a ZD_E* code with a message in r->err (zd_fail(&r->err, ...)), which the one
** error renderer (resp_error) turns into a page or the API's JSON error.
*/
#ifndef ZD_REQ_H
#define ZD_REQ_H
#include "app.h"
#include "buf.h"
#include "err.h"
#include "group.h"
#include "multipart.h"
#include "text.h"

typedef struct req {
  const app *app;
  void *conn;            /* struct MHD_Connection * */
  const char *method;
  const char *path;
  int lang;              /* LANG_ZH / LANG_EN */
  int is_api;            /* answers in JSON (/api/, /open311/, /healthz, /metrics) */
  kvlist query;          /* query-string parameters (validated UTF-8) */
  kvlist params;         /* route captures */
  kvlist form;           /* urlencoded or multipart text fields, parsed on demand */
  mpart files[4];        /* multipart file parts (point into body) */
  int nfiles;
  int form_parsed;
  buf body;              /* raw request body */
  zd_error err;
  db_conn *rd;           /* read connection, acquired on first use */

  /* who is asking (filled by auth_check; user_id 0 = anonymous) */
  long long user_id;
  char login[65];
  char csrf[48];         /* the session's CSRF token ("" for API tokens) */
  int via_token;         /* authenticated by Authorization: Bearer */
  int nroles;
  struct { int role; long long org_id; } roles[32];
  char client[64];       /* client address */

  /* response */
  int status;
  buf out;
  const char *ctype;
  const char *static_data; size_t static_len; /* persistent body (embedded assets) */
  kvlist headers;        /* extra response headers */

  /* a write handed to the group commit (req_defer) and what follows it */
  group_job job;
  int (*then)(struct req *r, int rc, void *arg);
} req;

const char *req_header(req *r, const char *name);
const char *req_cookie(req *r, const char *name);
const char *req_query(req *r, const char *name);
const char *req_param(req *r, const char *name);
/* A route capture that must be a positive integer id; 0 when absent or not one. */
long long req_param_id(req *r, const char *name);
/* Form field of an application/x-www-form-urlencoded body; NULL if absent.
** A malformed body makes every lookup NULL and sets r->err (ZD_EINVAL). */
const char *req_form(req *r, const char *name);
/* A file part of a multipart form by field name (NULL if none or empty). */
const mpart *req_file(req *r, const char *name);
int req_form_ok(req *r);
/* The read connection for this request (released when the request ends). */
db_conn *req_db(req *r);
/* "https://host" for links printed on paper (QR codes): serve --public-url, or
** the request's Host (checked) and X-Forwarded-Proto; no trailing slash. */
void req_base_url(req *r, char *out, size_t n);
/* Translate a UI string into the request's language. */
const char *T(req *r, const char *msgid);

/* Hand a short write to the group commit (group.h) and return what the handler
** returns: `return req_defer(r, run, then, arg);`. run(w, arg, e) executes on the
** writer inside a shared transaction under its own savepoint; after the COMMIT
** (or the job's rollback) then(r, rc, arg) runs on the request's thread with
** rc = run's result (r->err holds its message) and writes the reply; it returns
** ZD_OK or the error to answer with, and frees arg. */
int req_defer(req *r, int (*run)(db_conn *w, void *arg, zd_error *e), int (*then)(req *r, int rc, void *arg),
              void *arg);

#endif
