/*
** db_sqlite.c — the SQLite engine: WAL, foreign keys, busy timeout,
** synchronous=NORMAL by default (FULL on request; see docs/operations.md).
*/
#include "db_engine.h"
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "sqlite_mem.h"

/* Process-wide settings, made once before the first connection:
** - SQLite keeps allocation statistics behind one global mutex that every
**   connection takes on every allocation; the worker threads then queued on it
**   (bench: futex waits in sqlite3Malloc). Nothing here reads the statistics.
** - The page caches take their lines from a region of their own (sqlite_mem.h),
**   sized for the readers' 32 MiB and the writer's 2 MiB below, with their
**   headers. */
static pthread_once_t configured = PTHREAD_ONCE_INIT;
static void configure(void) {
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite_mem_install((size_t)40 << 20, 4096);
}

/* Page cache of a reader, KiB: the readers share 32 MiB (at least 2 MiB each,
** SQLite's default), so a county's hot pages stay in memory instead of being
** read again with a system call per page. */
static int reader_cache_kib(const db_options *opt) {
  int n = opt && opt->readers > 0 ? opt->readers : 1;
  int kib = 32768 / n;
  return kib < 2048 ? 2048 : kib;
}

static int map_rc(sqlite3 *h, int rc, zd_error *e) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE) return ZD_OK;
  int ext = sqlite3_extended_errcode(h);
  const char *m = sqlite3_errmsg(h);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    (void)ext;
    return zd_fail(e, ZD_ECONFLICT, "constraint failed: %s", m);
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    return zd_fail(e, ZD_EUNAVAIL, "database busy: %s", m);
  if ((rc & 0xff) == SQLITE_READONLY) return zd_fail(e, ZD_EDB, "database is read-only: %s", m);
  return zd_fail(e, ZD_EDB, "sqlite: %s", m);
}

static void *sq_connect(const char *path, int writer, const db_options *opt, zd_error *e) {
  sqlite3 *h = NULL;
  pthread_once(&configured, configure);
  int flags = SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  int rc = sqlite3_open_v2(path, &h, flags, NULL);
  if (rc != SQLITE_OK) {
    zd_fail(e, ZD_EDB, "cannot open database %s: %s", path, h ? sqlite3_errmsg(h) : "out of memory");
    sqlite3_close(h);
    return NULL;
  }
  sqlite3_busy_timeout(h, 5000);
  sqlite3_extended_result_codes(h, 1);
  char pragmas[256];
  snprintf(pragmas, sizeof pragmas, "%sPRAGMA foreign_keys=ON; PRAGMA synchronous=%s; PRAGMA cache_size=-%d;",
           writer ? "PRAGMA journal_mode=WAL; " : "", opt && opt->sync_full ? "FULL" : "NORMAL",
           writer ? 2048 : reader_cache_kib(opt));
  char *err = NULL;
  if (sqlite3_exec(h, pragmas, NULL, NULL, &err) != SQLITE_OK) {
    zd_fail(e, ZD_EDB, "cannot configure database %s: %s", path, err ? err : "?");
    sqlite3_free(err);
    sqlite3_close(h);
    return NULL;
  }
  return h;
}

static void sq_disconnect(void *h) { sqlite3_close_v2(h); }

static int sq_exec(void *h, const char *sql, zd_error *e) {
  int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
  return map_rc(h, rc, e);
}

static void *sq_prepare(void *h, const char *sql, zd_error *e) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK) { map_rc(h, rc, e); return NULL; }
  return st;
}

static void sq_finalize(void *st) { sqlite3_finalize(st); }
static int sq_bind_int(void *st, int i, long long v) { return sqlite3_bind_int64(st, i, v) == SQLITE_OK ? 0 : -1; }
static int sq_bind_text(void *st, int i, const char *v) {
  return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}
static int sq_bind_null(void *st, int i) { return sqlite3_bind_null(st, i) == SQLITE_OK ? 0 : -1; }
static int sq_bind_double(void *st, int i, double v) { return sqlite3_bind_double(st, i, v) == SQLITE_OK ? 0 : -1; }
static int sq_step(void *st, zd_error *e) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) return DB_ROW;
  if (rc == SQLITE_DONE) return DB_DONE;
  return map_rc(sqlite3_db_handle(st), rc, e);
}
static long long sq_col_int(void *st, int c) { return sqlite3_column_int64(st, c); }
static double sq_col_double(void *st, int c) { return sqlite3_column_double(st, c); }
static const char *sq_col_text(void *st, int c) { return (const char *)sqlite3_column_text(st, c); }
static int sq_col_null(void *st, int c) { return sqlite3_column_type(st, c) == SQLITE_NULL; }
static int sq_col_count(void *st) { return sqlite3_column_count(st); }
static const char *sq_col_name(void *st, int c) { return sqlite3_column_name(st, c); }
static void sq_reset(void *st) {
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
}

static int sq_backup(void *h, const char *dest, zd_error *e) {
  sqlite3 *to = NULL;
  if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    int rc = zd_fail(e, ZD_EINVAL, "cannot open backup destination %s: %s", dest,
                     to ? sqlite3_errmsg(to) : "out of memory");
    sqlite3_close(to);
    return rc;
  }
  sqlite3_backup *b = sqlite3_backup_init(to, "main", h, "main");
  if (!b) {
    int rc = zd_fail(e, ZD_EDB, "backup failed: %s", sqlite3_errmsg(to));
    sqlite3_close(to);
    return rc;
  }
  int rc;
  /* One step: under WAL this reader holds a snapshot and does not block the
  ** writer; copying in small steps would restart at every write (a busy
  ** server's backup would never finish). */
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  int out = rc == SQLITE_DONE ? ZD_OK : zd_fail(e, ZD_EDB, "backup failed: %s", sqlite3_errmsg(to));
  sqlite3_close(to);
  return out;
}

const db_engine db_engine_sqlite = {
  "sqlite", sq_connect, sq_disconnect, sq_exec, sq_prepare, sq_finalize,
  sq_bind_int, sq_bind_text, sq_bind_null, sq_bind_double, sq_step, sq_col_int, sq_col_double, sq_col_text, sq_col_null,
  sq_reset, "BEGIN IMMEDIATE", sq_backup, NULL, sq_col_count, sq_col_name, "BEGIN",
};
