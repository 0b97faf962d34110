/* copy.c — see copy.h. */
#include "copy.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "migrate.h"

#define MAX_TABLES 256

static int is_ident(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
  return 1;
}

/* Table names of the SQLite source in creation order (foreign keys point backwards). */
static int list_tables(db_conn *src, char **names, int *n, zd_error *e) {
  db_stmt *s = db_query(src, e,
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "AND name <> 'schema_migrations' ORDER BY rowid", "");
  if (!s) return e->rc;
  int rc;
  *n = 0;
  while ((rc = db_step(s, e)) == DB_ROW && *n < MAX_TABLES) {
    const char *t = db_col_text(s, 0);
    if (!is_ident(t)) continue; /* our tables are all [a-z0-9_] */
    names[(*n)++] = strdup(t);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

static int target_empty(db_conn *dst, char **names, int n, zd_error *e) {
  for (int i = 0; i < n; i++) {
    char sql[160];
    long long c = 0;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", names[i]);
    int rc = db_scalar_int(dst, e, &c, 0, sql, "");
    if (rc) return rc;
    if (c > 0) return zd_fail(e, ZD_ECONFLICT, "the target is not empty (table %s has %lld rows); copy only into an empty database", names[i], c);
  }
  return ZD_OK;
}

static int copy_table(db_conn *src, db_conn *dst, const char *t, copy_progress cb, void *arg, long long *rows, zd_error *e) {
  char sql[200];
  long long total = 0, done = 0;
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", t);
  int rc = db_scalar_int(src, e, &total, 0, sql, "");
  if (rc) return rc;
  snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY rowid", t);
  db_stmt *s = db_query(src, e, sql, "");
  if (!s) return e->rc;
  buf ins = BUF_INIT;
  int ncol = 0;
  while ((rc = db_step(s, e)) == DB_ROW) {
    if (!ins.len) {
      ncol = db_col_count(s);
      buf_printf(&ins, "INSERT INTO %r(", t);
      for (int c = 0; c < ncol; c++) {
        const char *name = db_col_name(s, c);
        if (!is_ident(name)) { rc = zd_fail(e, ZD_EINVAL, "unexpected column name in %s", t); break; }
        buf_printf(&ins, "%r%r", c ? ", " : "", name);
      }
      buf_puts(&ins, ") VALUES(");
      for (int c = 0; c < ncol; c++) buf_puts(&ins, c ? ", ?" : "?");
      buf_puts(&ins, ")");
      if (rc < 0) break;
    }
    db_stmt *w = db_prepare(dst, buf_str(&ins), e);
    if (!w) { rc = e->rc; break; }
    for (int c = 0; c < ncol; c++) {
      if (db_col_null(s, c)) db_bind_null(w, c + 1);
      else db_bind_text(w, c + 1, db_col_text(s, c));
    }
    rc = db_step(w, e);
    db_done(w);
    if (rc < 0) break;
    done++;
    if (cb && (done % 500 == 0 || done == total)) cb(t, done, total, arg);
  }
  db_done(s);
  buf_free(&ins);
  if (rc < 0) return rc;
  if (cb && total == 0) cb(t, 0, 0, arg);
  *rows += done;
  return ZD_OK;
}

int copy_database(db *from, db *to, copy_progress cb, void *arg, long long *rows, zd_error *e) {
  *rows = 0;
  if (db_is_postgres(from)) return zd_fail(e, ZD_EINVAL, "the source must be a SQLite database file");
  int cur = 0;
  int rc = migrate_current(from, &cur, e);
  if (rc) return rc;
  if (cur != migrate_latest())
    return zd_fail(e, ZD_ESCHEMA, "the source schema is version %d, this program's is %d: run `zhendi migrate --db SOURCE` first",
                   cur, migrate_latest());
  rc = migrate_up(to, NULL, e);
  if (rc) return rc;
  char *names[MAX_TABLES];
  int n = 0;
  db_conn *src = db_writer(from); /* the writer: one consistent snapshot inside BEGIN */
  db_conn *dst = db_writer(to);
  rc = list_tables(src, names, &n, e);
  if (!rc) rc = target_empty(dst, names, n, e);
  if (!rc) rc = db_exec(src, "BEGIN", e);
  if (!rc) {
    rc = db_begin(dst, e);
    for (int i = 0; !rc && i < n; i++) rc = copy_table(src, dst, names[i], cb, arg, rows, e);
    /* identity columns continue after the copied ids */
    for (int i = 0; !rc && db_is_postgres(to) && i < n; i++) {
      char sql[400];
      snprintf(sql, sizeof sql,
               "SELECT setval(pg_get_serial_sequence('%s', a.attname), (SELECT COALESCE(max(%s), 0) + 1 FROM %s), false) "
               "FROM pg_attribute a WHERE a.attrelid = '%s'::regclass AND a.attidentity <> '' ",
               names[i], "id", names[i], names[i]);
      /* only tables whose identity column is called id */
      long long has = 0;
      char chk[200];
      snprintf(chk, sizeof chk,
               "SELECT count(*) FROM pg_attribute WHERE attrelid = '%s'::regclass AND attname = 'id' AND attidentity <> ''",
               names[i]);
      rc = db_scalar_int(dst, e, &has, 0, chk, "");
      if (!rc && has) {
        db_stmt *s = db_query(dst, e, sql, "");
        if (!s) rc = e->rc;
        else { while ((rc = db_step(s, e)) == DB_ROW) {} db_done(s); }
      }
    }
    if (!rc) rc = db_commit(dst, e);
    else db_rollback(dst);
    db_exec(src, "COMMIT", NULL);
  }
  db_release(src);
  db_release(dst);
  for (int i = 0; i < n; i++) free(names[i]);
  return rc;
}
