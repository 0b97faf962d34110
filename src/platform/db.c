/*
** db.c — connection pool and statement cache over an engine (db_engine.h).
*/
#include "db_engine.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cached {
  uint64_t hash;
  const void *key; /* the caller's pointer when it was cached (usually a string literal) */
  const char *sql; /* owned copy */
  db_stmt *stmt;
} cached;

struct db_stmt {
  db_conn *conn;
  void *h;        /* engine statement */
  int in_use;
  int cached;     /* 0: finalize on db_done */
};

struct db_conn {
  db *owner;
  void *h;        /* engine connection */
  int writer;
  int busy;
  int in_tx;
  cached *cache;
  size_t ncache;
  /* readers of engines with read_begin_sql (SQLite): */
  int in_read;            /* a read transaction is open */
  int active;             /* statements handed out and not yet db_done */
  unsigned long snap;     /* d->writes when it began */
  void *begin_st, *end_st;
};

struct db {
  const db_engine *eng;
  db_conn *writer;
  db_conn **readers;
  int nreaders;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  atomic_ulong writes;  /* times the writer was released: a reader's snapshot older than this is renewed */
};

static uint64_t fnv(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static db_conn *conn_new(db *d, const char *target, int writer, const db_options *opt, zd_error *e) {
  db_conn *c = calloc(1, sizeof *c);
  if (!c) { zd_fail(e, ZD_EINTERNAL, "out of memory"); return NULL; }
  c->owner = d;
  c->writer = writer;
  c->h = d->eng->connect(target, writer, opt, e);
  if (!c->h) { free(c); return NULL; }
  return c;
}

static void conn_free(db_conn *c) {
  if (!c) return;
  if (c->begin_st) c->owner->eng->finalize(c->begin_st);
  if (c->end_st) c->owner->eng->finalize(c->end_st);
  for (size_t i = 0; i < c->ncache; i++) {
    c->owner->eng->finalize(c->cache[i].stmt->h);
    free(c->cache[i].stmt);
    free((char *)c->cache[i].sql);
  }
  free(c->cache);
  c->owner->eng->disconnect(c->h);
  free(c);
}

int db_open(const char *url, const db_options *opt, db **out, zd_error *e) {
  *out = NULL;
  db_options o = {1, 0, 0};
  if (opt) o = *opt;
  if (o.readers < 1) o.readers = 1;
  const char *target = url;
  const db_engine *eng = &db_engine_sqlite;
  if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) eng = &db_engine_pg;
  else if (strncmp(url, "sqlite:", 7) == 0) target = url + 7;
  if (!*target) return zd_fail(e, ZD_EINVAL, "empty database path");

  db *d = calloc(1, sizeof *d);
  if (!d) return zd_fail(e, ZD_EINTERNAL, "out of memory");
  d->eng = eng;
  atomic_init(&d->writes, 0);
  pthread_mutex_init(&d->mu, NULL);
  pthread_cond_init(&d->cv, NULL);
  if (!o.readonly) {
    /* The writer first: it creates the file and switches it to WAL. */
    d->writer = conn_new(d, target, 1, &o, e);
    if (!d->writer) { db_close(d); return e ? e->rc : ZD_EDB; }
  }
  d->readers = calloc((size_t)o.readers, sizeof *d->readers);
  if (!d->readers) { db_close(d); return zd_fail(e, ZD_EINTERNAL, "out of memory"); }
  for (int i = 0; i < o.readers; i++) {
    d->readers[i] = conn_new(d, target, 0, &o, e);
    if (!d->readers[i]) { db_close(d); return e ? e->rc : ZD_EDB; }
    d->nreaders++;
  }
  *out = d;
  return ZD_OK;
}

void db_close(db *d) {
  if (!d) return;
  for (int i = 0; i < d->nreaders; i++) conn_free(d->readers[i]);
  free(d->readers);
  conn_free(d->writer);
  pthread_mutex_destroy(&d->mu);
  pthread_cond_destroy(&d->cv);
  free(d);
}

const char *db_engine_name(const db *d) { return d->eng->name; }

db_conn *db_reader(db *d) {
  pthread_mutex_lock(&d->mu);
  for (;;) {
    for (int i = 0; i < d->nreaders; i++) {
      if (!d->readers[i]->busy) {
        d->readers[i]->busy = 1;
        pthread_mutex_unlock(&d->mu);
        return d->readers[i];
      }
    }
    pthread_cond_wait(&d->cv, &d->mu);
  }
}

db_conn *db_writer(db *d) {
  if (!d->writer) return NULL;
  pthread_mutex_lock(&d->mu);
  while (d->writer->busy) pthread_cond_wait(&d->cv, &d->mu);
  d->writer->busy = 1;
  pthread_mutex_unlock(&d->mu);
  return d->writer;
}

/* Run a cached BEGIN or ROLLBACK of a reader. */
static int read_tx_step(db_conn *c, void **st, const char *sql) {
  const db_engine *eng = c->owner->eng;
  if (!*st) *st = eng->prepare(c->h, sql, NULL);
  if (!*st) return -1;
  int rc = eng->step(*st, NULL);
  eng->reset(*st);
  return rc == DB_DONE ? 0 : -1;
}

static void read_end(db_conn *c) {
  /* a reader has nothing to commit; should the ROLLBACK fail, in_read stays set
  ** and the next read_begin tries again */
  if (c->in_read && read_tx_step(c, &c->end_st, "ROLLBACK") == 0) c->in_read = 0;
}

/* A reader's statements share one read transaction (one snapshot, and one WAL
** lock instead of one per statement: bench, 4 fcntl calls and the shared-memory
** mutex per public tracking request before). The snapshot is renewed before a
** statement when the writer has been used since it began and no statement of
** this connection is still open, so a request reads what it has just written. */
static void read_begin(db_conn *c) {
  const db_engine *eng = c->owner->eng;
  if (c->writer || !eng->read_begin_sql) return;
  unsigned long w = atomic_load(&c->owner->writes);
  if (c->in_read) {
    if (c->active || w == c->snap) return;
    read_end(c);
    if (c->in_read) return;
  }
  if (read_tx_step(c, &c->begin_st, eng->read_begin_sql) == 0) {
    c->in_read = 1;
    c->snap = w;
  }
}

void db_release(db_conn *c) {
  if (!c) return;
  if (c->in_tx) db_rollback(c); /* a forgotten transaction is never committed */
  read_end(c);
  c->active = 0;
  db *d = c->owner;
  if (c->writer) atomic_fetch_add(&d->writes, 1);
  pthread_mutex_lock(&d->mu);
  c->busy = 0;
  pthread_cond_broadcast(&d->cv);
  pthread_mutex_unlock(&d->mu);
}

int db_exec(db_conn *c, const char *sql, zd_error *e) { return c->owner->eng->exec(c->h, sql, e); }

int db_exec_schema(db_conn *c, const char *sql, zd_error *e) {
  if (!c->owner->eng->schema) return db_exec(c, sql, e);
  char *s = c->owner->eng->schema(sql);
  if (!s) return zd_fail(e, ZD_EINTERNAL, "out of memory");
  int rc = db_exec(c, s, e);
  free(s);
  return rc;
}

int db_is_postgres(const db *d) { return d->eng == &db_engine_pg; }

int db_begin(db_conn *c, zd_error *e) {
  int rc = c->owner->eng->exec(c->h, c->owner->eng->begin_sql, e);
  if (rc == ZD_OK) c->in_tx = 1;
  return rc;
}

int db_commit(db_conn *c, zd_error *e) {
  int rc = c->owner->eng->exec(c->h, "COMMIT", e);
  if (rc == ZD_OK) c->in_tx = 0;
  else db_rollback(c);
  return rc;
}

void db_rollback(db_conn *c) {
  c->owner->eng->exec(c->h, "ROLLBACK", NULL);
  c->in_tx = 0;
}

db_stmt *db_prepare(db_conn *c, const char *sql, zd_error *e) {
  read_begin(c);
  /* Most SQL is a string literal: the same pointer every time, found without
  ** hashing its text. The text is still compared, as a reused buffer may hold
  ** other SQL at the same address. */
  size_t hit = c->ncache;
  for (size_t i = 0; i < c->ncache; i++)
    if (c->cache[i].key == (const void *)sql) { hit = i; break; }
  uint64_t h = 0;
  if (hit == c->ncache || strcmp(c->cache[hit].sql, sql) != 0) {
    h = fnv(sql);
    hit = c->ncache;
    for (size_t i = 0; i < c->ncache; i++)
      if (c->cache[i].hash == h && strcmp(c->cache[i].sql, sql) == 0) { hit = i; break; }
  }
  if (hit < c->ncache) {
    db_stmt *s = c->cache[hit].stmt;
    if (!s->in_use) { s->in_use = 1; c->active++; return s; }
    /* in use (nested query with the same text): make a one-off */
  }
  if (!h) h = fnv(sql);
  void *eh = c->owner->eng->prepare(c->h, sql, e);
  if (!eh) return NULL;
  c->active++;
  db_stmt *s = calloc(1, sizeof *s);
  if (!s) { c->owner->eng->finalize(eh); c->active--; zd_fail(e, ZD_EINTERNAL, "out of memory"); return NULL; }
  s->conn = c;
  s->h = eh;
  s->in_use = 1;
  int known = 0;
  for (size_t i = 0; i < c->ncache; i++)
    if (c->cache[i].hash == h && strcmp(c->cache[i].sql, sql) == 0) known = 1;
  if (!known) {
    cached *nc = realloc(c->cache, (c->ncache + 1) * sizeof *nc);
    char *copy = strdup(sql);
    if (nc) c->cache = nc;
    if (nc && copy) {
      c->cache[c->ncache].hash = h;
      c->cache[c->ncache].key = sql;
      c->cache[c->ncache].sql = copy;
      c->cache[c->ncache].stmt = s;
      c->ncache++;
      s->cached = 1;
    } else {
      free(copy);
    }
  }
  return s;
}

int db_bind_int(db_stmt *s, int idx, long long v) { return s->conn->owner->eng->bind_int(s->h, idx, v); }
int db_bind_text(db_stmt *s, int idx, const char *v) {
  return v ? s->conn->owner->eng->bind_text(s->h, idx, v) : s->conn->owner->eng->bind_null(s->h, idx);
}
int db_bind_null(db_stmt *s, int idx) { return s->conn->owner->eng->bind_null(s->h, idx); }
int db_bind_double(db_stmt *s, int idx, double v) { return s->conn->owner->eng->bind_double(s->h, idx, v); }
int db_step(db_stmt *s, zd_error *e) { return s->conn->owner->eng->step(s->h, e); }
long long db_col_int(db_stmt *s, int col) { return s->conn->owner->eng->col_int(s->h, col); }
double db_col_double(db_stmt *s, int col) { return s->conn->owner->eng->col_double(s->h, col); }
const char *db_col_text(db_stmt *s, int col) {
  const char *t = s->conn->owner->eng->col_text(s->h, col);
  return t ? t : "";
}
int db_col_null(db_stmt *s, int col) { return s->conn->owner->eng->col_null(s->h, col); }
int db_col_count(db_stmt *s) { return s->conn->owner->eng->col_count(s->h); }
const char *db_col_name(db_stmt *s, int col) { return s->conn->owner->eng->col_name(s->h, col); }
db *db_of(db_conn *c) { return c->owner; }

void db_done(db_stmt *s) {
  if (!s) return;
  const db_engine *eng = s->conn->owner->eng;
  if (s->conn->active > 0) s->conn->active--;
  if (s->cached) {
    eng->reset(s->h);
    s->in_use = 0;
  } else {
    eng->finalize(s->h);
    free(s);
  }
}

static db_stmt *vquery(db_conn *c, zd_error *e, const char *sql, const char *types, va_list ap) {
  db_stmt *s = db_prepare(c, sql, e);
  if (!s) return NULL;
  int idx = 1, rc = 0;
  for (const char *t = types ? types : ""; *t && !rc; t++, idx++) {
    switch (*t) {
      case 'i': rc = db_bind_int(s, idx, va_arg(ap, long long)); break;
      case 'd': rc = db_bind_int(s, idx, va_arg(ap, int)); break;
      case 's': rc = db_bind_text(s, idx, va_arg(ap, const char *)); break;
      case 'n': rc = db_bind_null(s, idx); break;
      case 'f': rc = db_bind_double(s, idx, va_arg(ap, double)); break;
      case 'z': {
        long long v = va_arg(ap, long long);
        rc = v ? db_bind_int(s, idx, v) : db_bind_null(s, idx);
        break;
      }
      default: rc = -1;
    }
  }
  if (rc) {
    db_done(s);
    zd_fail(e, ZD_EDB, "cannot bind parameter %d", idx - 1);
    return NULL;
  }
  return s;
}

db_stmt *db_query(db_conn *c, zd_error *e, const char *sql, const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  db_stmt *s = vquery(c, e, sql, types, ap);
  va_end(ap);
  return s;
}

int db_run(db_conn *c, zd_error *e, const char *sql, const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  db_stmt *s = vquery(c, e, sql, types, ap);
  va_end(ap);
  if (!s) return e ? e->rc : ZD_EDB;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW) {}
  db_done(s);
  return rc;
}

int db_scalar_int(db_conn *c, zd_error *e, long long *out, long long dflt, const char *sql,
                  const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  db_stmt *s = vquery(c, e, sql, types, ap);
  va_end(ap);
  if (!s) return e ? e->rc : ZD_EDB;
  int rc = db_step(s, e);
  *out = dflt;
  if (rc == DB_ROW) {
    if (!db_col_null(s, 0)) *out = db_col_int(s, 0);
    rc = DB_DONE;
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int db_backup(db *d, const char *dest, zd_error *e) {
  db_conn *c = db_reader(d);
  int rc = d->eng->backup ? d->eng->backup(c->h, dest, e)
                          : zd_fail(e, ZD_EINVAL, "backup is not supported by this engine");
  db_release(c);
  return rc;
}

void db_redact(const char *url, char *out, size_t n) {
  const char *scheme = strstr(url, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
  const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
  if (!colon) { snprintf(out, n, "%s", url); return; }
  snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
  /* a password=... parameter in the query string */
  char *pw = strstr(out, "password=");
  if (pw) { pw += 9; size_t k = strcspn(pw, "&"); memmove(pw + 3, pw + k, strlen(pw + k) + 1); memcpy(pw, "***", 3); }
}
