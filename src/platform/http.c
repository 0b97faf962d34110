/*
** http.c — libmicrohttpd glue: request lifecycle, limits, dispatch, shutdown.
**
** Lifecycle of a request (see docs/architecture.md):
**   1st call   allocate the req, remember it in *con_cls, return MHD_YES
**              (queueing on the first call makes MHD 0.9.75 drop keep-alive)
**   next calls collect the body up to cfg->max_body (413 beyond)
**   last call  parse the query, match the route, check its permission, run
**              the handler, render errors through resp_error, queue
**   completed  metrics, release the read connection, free
**
** A handler that hands its write to the group commit (req_defer) returns
** ZD_DEFERRED: the connection is suspended and the job queued; when the batch
** has committed, the group thread marks the job done and resumes the
** connection; MHD calls on_request again, which runs the handler's
** continuation (req->then) and queues its reply like any other.
*/
#include "http.h"
#include <arpa/inet.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "auth_hook.h"
#include "log.h"
#include "resp.h"

typedef struct server {
  const app *app;
  atomic_int inflight;
} server;

typedef struct reqctx {
  req r;
  server *srv;
  struct timespec t0;
  int too_big;
  size_t max_body;
  int route;
  int queued;
  atomic_int deferred;  /* 1: the job is queued, 2: it is done (set by the group thread) */
} reqctx;

static double since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

typedef struct argscan {
  req *r;
  int bad;
  const char *why;
  int max;
} argscan;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  argscan *a = cls;
  if ((int)a->r->query.n >= a->max) { a->bad = 1; a->why = "too many parameters"; return MHD_NO; }
  if (!utf8_valid(key, strlen(key)) || (value && !utf8_valid(value, strlen(value)))) {
    a->bad = 1;
    a->why = "invalid UTF-8 in a parameter";
    return MHD_NO;
  }
  if (kvlist_add(&a->r->query, key, value ? value : "")) { a->bad = 1; a->why = "out of memory"; return MHD_NO; }
  return MHD_YES;
}

static void add_security_headers(struct MHD_Response *resp) {
  MHD_add_response_header(resp, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

static enum MHD_Result queue(reqctx *c, struct MHD_Connection *conn) {
  req *r = &c->r;
  struct MHD_Response *resp;
  if (r->static_data) {
    resp = MHD_create_response_from_buffer(r->static_len, (void *)r->static_data, MHD_RESPMEM_PERSISTENT);
  } else {
    size_t len = 0;
    char *body = buf_take(&r->out, &len);
    resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) free(body);
  }
  if (!resp) return MHD_NO;
  if (r->ctype) MHD_add_response_header(resp, "Content-Type", r->ctype);
  for (size_t i = 0; i < r->headers.n; i++)
    MHD_add_response_header(resp, r->headers.v[i].key, r->headers.v[i].val);
  add_security_headers(resp);
  if (r->status == 413) MHD_add_response_header(resp, "Connection", "close");
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  c->queued = 1;
  return ret;
}

static int is_api_path(const char *p) {
  return strncmp(p, "/api/", 5) == 0 || strcmp(p, "/api") == 0 || strncmp(p, "/open311/", 9) == 0 ||
         strcmp(p, "/healthz") == 0 || strcmp(p, "/metrics") == 0;
}

static void pick_lang(req *r) {
  r->lang = LANG_ZH;
  int l = i18n_lang_parse(req_cookie(r, "lang"));
  if (l >= 0) r->lang = l;
  l = i18n_lang_parse(req_query(r, "lang"));
  if (l >= 0) r->lang = l;
}

static void finish(reqctx *c, int rc);

static void dispatch(reqctx *c) {
  req *r = &c->r;
  const app *a = r->app;
  argscan scan = {r, 0, NULL, a->cfg->max_params};
  MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &scan);
  pick_lang(r);
  if (c->too_big) {
    zd_fail(&r->err, ZD_ETOOBIG, "The request body is larger than %zu bytes.", c->max_body);
    resp_error(r, ZD_ETOOBIG);
    return;
  }
  if (!utf8_valid(r->path, strlen(r->path))) {
    zd_fail(&r->err, ZD_EINVAL, "The address contains invalid UTF-8.");
    resp_error(r, ZD_EINVAL);
    return;
  }
  if (scan.bad) {
    zd_fail(&r->err, ZD_EINVAL, "Bad query string: %s.", scan.why);
    resp_error(r, ZD_EINVAL);
    return;
  }
  char allow[128];
  /* the route was found on the first call (for its body limit); only its captures are left */
  int i = c->route >= 0 ? (route_captures(a->routes, c->route, r->path, &r->params) ? ROUTE_NONE : c->route)
                        : route_match(a->routes, a->nroutes, r->method, r->path, &r->params, allow, sizeof allow);
  if (i == ROUTE_NONE) {
    zd_fail(&r->err, ZD_ENOTFOUND, "No page or resource at this address.");
    resp_error(r, ZD_ENOTFOUND);
    return;
  }
  if (i == ROUTE_BAD_METHOD) {
    resp_header(r, "Allow", allow);
    zd_fail(&r->err, ZD_EMETHOD, "Method %s is not allowed here; allowed: %s.", r->method, allow);
    resp_error(r, ZD_EMETHOD);
    return;
  }
  c->route = i;
  const route *rt = &a->routes[i];
  int rc = auth_check(r, rt->perm);
  if (rc == ZD_OK) {
    r->status = 200;
    rc = rt->fn(r);
  }
  if (rc == ZD_DEFERRED) {
    atomic_store(&c->deferred, 1);
    return;
  }
  finish(c, rc);
}

/* Map a handler's error to its reply (the one place, see err.c). */
static void finish(reqctx *c, int rc) {
  req *r = &c->r;
  const app *a = r->app;
  if (rc != ZD_OK) {
    if (rc == ZD_EDB || rc == ZD_EUNAVAIL || rc == ZD_EINTERNAL) {
      /* details go to the log, not to the client */
      metrics_db_error(a->metrics);
      log_msg(LOG_WARN, "%s %s: %s", r->method, r->path, r->err.msg);
      zd_fail(&r->err, rc, "%s", rc == ZD_EUNAVAIL ? "The database is not reachable right now; please try again shortly."
                                                    : zd_default_msg(rc));
    }
    resp_error(r, rc);
  }
}

/* On the group thread, after the job's COMMIT (or rollback). The connection may
** be freed as soon as it is resumed, so that is the last thing done here. */
static void job_done(group_job *j) {
  reqctx *c = (reqctx *)((char *)j - offsetof(reqctx, r) - offsetof(req, job));
  struct MHD_Connection *conn = c->r.conn;
  atomic_store(&c->deferred, 2);
  MHD_resume_connection(conn);
}

static enum MHD_Result defer(reqctx *c, struct MHD_Connection *conn) {
  req *r = &c->r;
  /* the read connection goes back to the pool while the request waits */
  if (r->rd) { db_release(r->rd); r->rd = NULL; }
  r->job.done = job_done;
  MHD_suspend_connection(conn);
  if (group_submit(r->app->group, &r->job)) {
    /* shutting down: run it here, in a transaction of its own */
    group_run_now(r->app->db, &r->job); /* job_done marks it done and resumes */
  }
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)version;
  server *s = cls;
  reqctx *c = *con_cls;
  if (!c) {
    c = calloc(1, sizeof *c);
    if (!c) return MHD_NO;
    c->srv = s;
    c->route = -1;
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    c->r.app = s->app;
    c->r.conn = conn;
    c->r.method = method;
    c->r.path = url;
    c->r.is_api = is_api_path(url);
    c->r.status = 200;
    /* the body limit is the route's own (photo forms) or the server's */
    c->max_body = s->app->cfg->max_body;
    int ri = route_match(s->app->routes, s->app->nroutes, method, url, NULL, NULL, 0);
    if (ri >= 0 && s->app->routes[ri].max_body) c->max_body = s->app->routes[ri].max_body;
    c->route = ri >= 0 ? ri : -1;
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > c->max_body) c->too_big = 1;
    atomic_fetch_add(&s->inflight, 1);
    *con_cls = c;
    return MHD_YES;
  }
  if (c->queued) { *upload_data_size = 0; return MHD_YES; }
  if (*upload_data_size) {
    /* Beyond the limit the rest is read and thrown away (nothing is kept in
    ** memory), and the 413 is sent on the final call: MHD 0.9.75 drops the
    ** connection without a response if one is queued mid-upload. */
    if (!c->too_big && c->r.body.len + *upload_data_size > c->max_body) {
      c->too_big = 1;
      buf_free(&c->r.body);
    }
    if (!c->too_big) buf_append(&c->r.body, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }
  int d = atomic_load(&c->deferred);
  if (d == 2) {
    /* the group commit is done: the handler's continuation writes the reply */
    req *r = &c->r;
    atomic_store(&c->deferred, 0);
    if (r->job.rc) r->err = r->job.err;
    finish(c, r->then(r, r->job.rc, r->job.arg));
    return queue(c, conn);
  }
  if (d == 1) return MHD_YES; /* not expected: called while the job runs */
  dispatch(c);
  if (atomic_load(&c->deferred) == 1) return defer(c, conn);
  return queue(c, conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)conn; (void)toe;
  server *s = cls;
  reqctx *c = *con_cls;
  if (!c) return;
  req *r = &c->r;
  if (atomic_load(&c->deferred) == 2) {
    /* the client left while its write was in the group commit: the write
    ** stands, and the continuation still runs to free what it holds */
    if (r->job.rc) r->err = r->job.err;
    r->then(r, r->job.rc, r->job.arg);
  }
  double dt = since(&c->t0);
  metrics_observe(s->app->metrics, c->route < 0 ? s->app->nroutes : (size_t)c->route,
                  c->queued ? r->status : 0, dt);
  if (!s->app->cfg->quiet)
    log_msg(LOG_INFO, "%s %s %d %.1fms", r->method, r->path, c->queued ? r->status : 0, dt * 1000);
  if (r->rd) db_release(r->rd);
  kvlist_free(&r->query);
  kvlist_free(&r->params);
  kvlist_free(&r->form);
  kvlist_free(&r->headers);
  buf_free(&r->body);
  buf_free(&r->out);
  free(c);
  *con_cls = NULL;
  atomic_fetch_sub(&s->inflight, 1);
}

static int parse_listen(const char *spec, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  char host[128];
  const char *colon = strrchr(spec, ':');
  if (!colon || colon == spec || strlen(spec) >= sizeof host) return -1;
  size_t hl = (size_t)(colon - spec);
  memcpy(host, spec, hl);
  host[hl] = 0;
  char *end = NULL;
  long port = strtol(colon + 1, &end, 10);
  if (!end || *end || port < 0 || port > 65535) return -1;
  if (host[0] == '[' && host[hl - 1] == ']') {
    host[hl - 1] = 0;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ? 0 : -1;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  a4->sin_family = AF_INET;
  a4->sin_port = htons((uint16_t)port);
  if (strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
  return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

int http_serve(const app *a) {
  struct sockaddr_storage ss;
  if (parse_listen(a->cfg->listen, &ss)) {
    log_msg(LOG_ERROR, "cannot use listen address '%s' (expected HOST:PORT, e.g. 127.0.0.1:8080)", a->cfg->listen);
    return 2;
  }
  /* Signals are taken by sigwait() below; worker threads inherit this mask. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

#ifdef __GLIBC__
  /* Keep up to 8 MiB of freed memory per malloc arena instead of handing it back
  ** after every request: glibc's default (128 KiB, then madvise) made each list
  ** page fault its memory in again (bench: 0.8 madvise calls per request, a
  ** quarter of the system time). Blocks up to 4 MiB come from the heap. */
  mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
  mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
#endif
  server s = {a, 0};
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, &s,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)a->cfg->workers,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)a->cfg->max_header,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)a->cfg->timeout,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
      MHD_OPTION_END);
  if (!d) {
    log_msg(LOG_ERROR, "cannot listen on %s: %s", a->cfg->listen, strerror(errno));
    return 1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  char shown[512];
  db_redact(a->cfg->db, shown, sizeof shown);
  log_msg(LOG_INFO, "zhendi serving http://%s (port %u, %d workers, db %s)", a->cfg->listen,
          info ? info->port : 0, a->cfg->workers, shown);

  int sig = 0;
  sigwait(&set, &sig);
  log_msg(LOG_INFO, "signal %d: no new connections; finishing %d in-flight request(s)", sig,
          atomic_load(&s.inflight));
  MHD_quiesce_daemon(d);
  group_close(a->group); /* queued writes are committed and answered; later ones run at once */
  for (int i = 0; i < 100 && atomic_load(&s.inflight) > 0; i++) usleep(100 * 1000);
  MHD_stop_daemon(d);
  log_msg(LOG_INFO, "stopped cleanly");
  return 0;
}
