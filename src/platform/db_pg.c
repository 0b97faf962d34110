/*
** db_pg.c — the PostgreSQL engine (libpq). Same contract as db_sqlite.c:
** `?` placeholders become $1..$n, parameters go as text and PostgreSQL infers
** their types, results are read row by row from one PGresult.
**
** Faults: a broken connection answers ZD_EUNAVAIL (HTTP 503) and is reset on
** its next use; statements are re-prepared lazily after a reset, because the
** server forgot them (each statement remembers the connection generation).
*/
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db_engine.h"

typedef struct pgconn {
  PGconn *c;
  unsigned gen;     /* bumped at every (re)connect */
  unsigned next_id; /* statement names s1, s2, ... */
  int readonly;     /* a reader: its statements may be sent again */
} pgconn;

typedef struct pgstmt {
  pgconn *pc;
  char name[24];
  char *sql;        /* with $n placeholders */
  int nparams;
  char **params;    /* NULL entry = SQL NULL */
  unsigned gen;     /* generation it was prepared in (0: not yet) */
  PGresult *res;
  int row, nrows;
  int resent;       /* this execution is the second attempt (pg_step) */
} pgstmt;

static int conn_fault(pgconn *pc, zd_error *e, const char *what) {
  return zd_fail(e, ZD_EUNAVAIL, "PostgreSQL is not reachable (%s): %s", what, PQerrorMessage(pc->c));
}

/* Reconnect a broken connection; 0 when usable. */
static int ensure(pgconn *pc, zd_error *e) {
  if (PQstatus(pc->c) == CONNECTION_OK) return 0;
  PQreset(pc->c);
  if (PQstatus(pc->c) != CONNECTION_OK) return conn_fault(pc, e, "reconnect");
  pc->gen++;
  return 0;
}

static int map_result(pgconn *pc, PGresult *res, zd_error *e) {
  ExecStatusType st = PQresultStatus(res);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return ZD_OK;
  if (PQstatus(pc->c) != CONNECTION_OK) return conn_fault(pc, e, "query");
  const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char *msg = PQresultErrorMessage(res);
  if (state && strncmp(state, "23", 2) == 0) return zd_fail(e, ZD_ECONFLICT, "constraint failed: %s", msg);
  if (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0))
    return zd_fail(e, ZD_EUNAVAIL, "PostgreSQL is not available: %s", msg);
  if (state && strcmp(state, "40001") == 0) return zd_fail(e, ZD_EUNAVAIL, "serialization failure: %s", msg);
  return zd_fail(e, ZD_EDB, "postgres: %s", msg);
}

static void *pg_connect(const char *url, int writer, const db_options *opt, zd_error *e) {
  (void)opt;
  pgconn *pc = calloc(1, sizeof *pc);
  if (!pc) { zd_fail(e, ZD_EINTERNAL, "out of memory"); return NULL; }
  pc->c = PQconnectdb(url);
  if (!pc->c || PQstatus(pc->c) != CONNECTION_OK) {
    zd_fail(e, ZD_EUNAVAIL, "cannot connect to PostgreSQL: %s", pc->c ? PQerrorMessage(pc->c) : "out of memory");
    PQfinish(pc->c);
    free(pc);
    return NULL;
  }
  PQclear(PQexec(pc->c, writer ? "SET client_min_messages = warning; SET TIME ZONE 'UTC'"
                               : "SET client_min_messages = warning; SET TIME ZONE 'UTC'; "
                                 "SET default_transaction_read_only = on"));
  pc->gen = 1;
  pc->readonly = !writer;
  return pc;
}

static void pg_disconnect(void *h) {
  pgconn *pc = h;
  PQfinish(pc->c);
  free(pc);
}

/* libpq learns that the server went away (a restart, a failover) only when it
** next sends something, so the first statement after an outage fails. BEGIN,
** and anything on a read-only connection, is sent once more on a fresh
** connection: nothing can have been done. Other statements are not: a write
** or a COMMIT may have reached the server before the connection broke. */
static int resend(pgconn *pc, int safe, int rc) {
  return safe && rc == ZD_EUNAVAIL && PQstatus(pc->c) != CONNECTION_OK;
}

static int pg_exec(void *h, const char *sql, zd_error *e) {
  pgconn *pc = h;
  int safe = pc->readonly || strncmp(sql, "BEGIN", 5) == 0, rc;
  for (int attempt = 0;; attempt++) {
    if (ensure(pc, e)) return e ? e->rc : ZD_EUNAVAIL;
    PGresult *res = PQexec(pc->c, sql);
    rc = map_result(pc, res, e);
    PQclear(res);
    if (attempt > 0 || !resend(pc, safe, rc)) return rc;
  }
}

/* "a = ? AND b = '?'" -> "a = $1 AND b = '?'" (placeholders outside quotes only). */
static char *convert(const char *sql, int *n) {
  size_t len = strlen(sql);
  char *out = malloc(len * 4 + 1);
  if (!out) return NULL;
  char *w = out;
  int q = 0;
  *n = 0;
  for (const char *s = sql; *s; s++) {
    if (*s == '\'') q = !q;
    if (*s == '?' && !q) w += sprintf(w, "$%d", ++*n);
    else *w++ = *s;
  }
  *w = 0;
  return out;
}

static void *pg_prepare(void *h, const char *sql, zd_error *e) {
  pgconn *pc = h;
  pgstmt *st = calloc(1, sizeof *st);
  if (!st) { zd_fail(e, ZD_EINTERNAL, "out of memory"); return NULL; }
  st->pc = pc;
  st->sql = convert(sql, &st->nparams);
  st->params = calloc((size_t)st->nparams + 1, sizeof *st->params);
  if (!st->sql || !st->params) {
    free(st->sql); free(st->params); free(st);
    zd_fail(e, ZD_EINTERNAL, "out of memory");
    return NULL;
  }
  snprintf(st->name, sizeof st->name, "s%u", ++pc->next_id);
  return st;
}

static void clear_params(pgstmt *st) {
  for (int i = 0; i < st->nparams; i++) { free(st->params[i]); st->params[i] = NULL; }
}

static void pg_reset(void *h) {
  pgstmt *st = h;
  PQclear(st->res);
  st->res = NULL;
  st->row = st->nrows = 0;
  clear_params(st);
}

static void pg_finalize(void *h) {
  pgstmt *st = h;
  pg_reset(st);
  if (st->gen && st->gen == st->pc->gen && PQstatus(st->pc->c) == CONNECTION_OK) {
    char dealloc[48];
    snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", st->name);
    PQclear(PQexec(st->pc->c, dealloc));
  }
  free(st->params);
  free(st->sql);
  free(st);
}

static int set_param(pgstmt *st, int i, char *v) {
  if (i < 1 || i > st->nparams) { free(v); return -1; }
  free(st->params[i - 1]);
  st->params[i - 1] = v;
  return 0;
}

static int pg_bind_int(void *h, int i, long long v) {
  char b[32];
  snprintf(b, sizeof b, "%lld", v);
  return set_param(h, i, strdup(b));
}
static int pg_bind_double(void *h, int i, double v) {
  char b[40];
  snprintf(b, sizeof b, "%.17g", v);
  return set_param(h, i, strdup(b));
}
static int pg_bind_text(void *h, int i, const char *v) { return set_param(h, i, strdup(v)); }
static int pg_bind_null(void *h, int i) { return set_param(h, i, NULL); }

static int pg_step(void *h, zd_error *e) {
  pgstmt *st = h;
  if (!st->res) {
    pgconn *pc = st->pc;
    if (ensure(pc, e)) return e ? e->rc : ZD_EUNAVAIL;
    if (st->gen != pc->gen) {
      PGresult *p = PQprepare(pc->c, st->name, st->sql, st->nparams, NULL);
      int rc = map_result(pc, p, e);
      PQclear(p);
      if (rc) return rc;
      st->gen = pc->gen;
    }
    st->res = PQexecPrepared(pc->c, st->name, st->nparams, (const char *const *)st->params, NULL, NULL, 0);
    int rc = map_result(pc, st->res, e);
    if (rc) {
      PQclear(st->res);
      st->res = NULL;
      if (resend(pc, pc->readonly, rc) && !st->resent) { /* once, prepared again on the new connection */
        st->resent = 1;
        rc = pg_step(h, e);
        st->resent = 0;
        return rc;
      }
      return rc;
    }
    st->nrows = PQntuples(st->res);
    st->row = -1;
  }
  st->row++;
  return st->row < st->nrows ? DB_ROW : DB_DONE;
}

static long long pg_col_int(void *h, int c) {
  pgstmt *st = h;
  const char *v = PQgetvalue(st->res, st->row, c);
  if (v[0] == 't' && v[1] == 0) return 1; /* boolean */
  return strtoll(v, NULL, 10);
}
static double pg_col_double(void *h, int c) { pgstmt *st = h; return strtod(PQgetvalue(st->res, st->row, c), NULL); }
static const char *pg_col_text(void *h, int c) { pgstmt *st = h; return PQgetvalue(st->res, st->row, c); }
static int pg_col_null(void *h, int c) { pgstmt *st = h; return PQgetisnull(st->res, st->row, c); }
static int pg_col_count(void *h) { pgstmt *st = h; return st->res ? PQnfields(st->res) : 0; }
static const char *pg_col_name(void *h, int c) { pgstmt *st = h; return st->res ? PQfname(st->res, c) : ""; }

/* Portable schema text -> PostgreSQL: 64-bit integers, identity primary keys. */
static char *pg_schema(const char *sql) {
  size_t len = strlen(sql);
  char *out = malloc(len * 2 + 64);
  if (!out) return NULL;
  char *w = out;
  for (const char *s = sql; *s;) {
    if (strncmp(s, "INTEGER PRIMARY KEY", 19) == 0) {
      w += sprintf(w, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
      s += 19;
    } else if (strncmp(s, "INTEGER", 7) == 0) {
      w += sprintf(w, "BIGINT");
      s += 7;
    } else {
      *w++ = *s++;
    }
  }
  *w = 0;
  return out;
}

static int pg_backup(void *h, const char *dest, zd_error *e) {
  (void)h; (void)dest;
  return zd_fail(e, ZD_EINVAL,
                 "on PostgreSQL use pg_dump for backups, e.g. pg_dump --format=custom --file=DEST 'postgres://...' "
                 "(see docs/operations.md)");
}

const db_engine db_engine_pg = {
  "postgres", pg_connect, pg_disconnect, pg_exec, pg_prepare, pg_finalize,
  pg_bind_int, pg_bind_text, pg_bind_null, pg_bind_double, pg_step, pg_col_int, pg_col_double, pg_col_text, pg_col_null,
  pg_reset, "BEGIN", pg_backup, pg_schema, pg_col_count, pg_col_name,
  NULL, /* readers autocommit: a transaction per request would cost two round trips */
};
