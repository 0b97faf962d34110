/* req.c — request accessors; see req.h. */
#include "req.h"
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *req_header(req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(req *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_query(req *r, const char *name) { return kvlist_get(&r->query, name); }
const char *req_param(req *r, const char *name) { return kvlist_get(&r->params, name); }

static int parse_multipart(req *r, const char *ct) {
  char boundary[80];
  mpart parts[24];
  int n = multipart_boundary(ct, boundary, sizeof boundary)
              ? multipart_parse(r->body.p ? r->body.p : "", r->body.len, boundary, parts, 24) : -1;
  if (n < 0) {
    zd_fail(&r->err, ZD_EINVAL, "Bad form data: malformed multipart body.");
    return 0;
  }
  for (int i = 0; i < n; i++) {
    if (parts[i].filename[0]) {
      if (r->nfiles < (int)(sizeof r->files / sizeof r->files[0]) && parts[i].len) r->files[r->nfiles++] = parts[i];
      continue;
    }
    if (parts[i].len > 64 * 1024 || memchr(parts[i].data, 0, parts[i].len) || !utf8_valid(parts[i].data, parts[i].len)) {
      zd_fail(&r->err, ZD_EINVAL, "Bad form data: invalid UTF-8.");
      kvlist_free(&r->form);
      return 0;
    }
    char *v = strndup(parts[i].data, parts[i].len);
    int bad = !v || kvlist_add(&r->form, parts[i].name, v);
    free(v);
    if (bad) { zd_fail(&r->err, ZD_EINTERNAL, "out of memory"); return 0; }
  }
  return 1;
}

const mpart *req_file(req *r, const char *name) {
  if (!req_form_ok(r)) return NULL;
  for (int i = 0; i < r->nfiles; i++)
    if (strcmp(r->files[i].name, name) == 0) return &r->files[i];
  return NULL;
}

int req_form_ok(req *r) {
  if (r->form_parsed) return r->form_parsed == 1;
  const char *ct = req_header(r, "Content-Type");
  if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
    r->form_parsed = parse_multipart(r, ct) ? 1 : -1;
    return r->form_parsed == 1;
  }
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

void req_base_url(req *r, char *out, size_t n) {
  if (r->app->cfg->public_url && *r->app->cfg->public_url) { /* serve --public-url */
    snprintf(out, n, "%s", r->app->cfg->public_url);
    size_t l = strlen(out);
    if (l && out[l - 1] == '/') out[l - 1] = 0;
    return;
  }
  const char *host = req_header(r, "Host"), *proto = req_header(r, "X-Forwarded-Proto");
  int ok = host && *host && strlen(host) < 100;
  for (const char *p = host; ok && *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr(".:-[]", *p))) ok = 0;
  snprintf(out, n, "%s://%s", proto && strcmp(proto, "https") == 0 ? "https" : "http", ok ? host : r->app->cfg->listen);
}

long long req_param_id(req *r, const char *name) {
  const char *s = req_param(r, name);
  char *end = NULL;
  long long v = s ? strtoll(s, &end, 10) : 0;
  if (!s || !*s || *end || v <= 0) return 0;
  return v;
}

static void job_done_inline(group_job *j) { (void)j; }

int req_defer(req *r, int (*run)(db_conn *w, void *arg, zd_error *e), int (*then)(req *r, int rc, void *arg),
              void *arg) {
  memset(&r->job, 0, sizeof r->job);
  r->job.run = run;
  r->job.arg = arg;
  r->then = then;
  if (r->app->group && r->conn) return ZD_DEFERRED; /* http.c suspends the connection and queues the job */
  /* no group thread (command line, tests): one transaction of its own, now */
  r->job.done = job_done_inline;
  group_run_now(r->app->db, &r->job);
  if (r->job.rc) r->err = r->job.err;
  return then(r, r->job.rc, arg);
}
