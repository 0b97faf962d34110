/* test_db.c — the database layer over SQLite (src/platform/db.h): pool,
** binds, columns, statement cache, transactions, error mapping, backup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/db.h"
#include "tmpdb.h"

typedef struct fixture {
  char path[64];
  db *d;
} fixture;


static int make_temp_path(char *path, size_t n) {
  snprintf(path, n, "/tmp/zhendi-test-db-XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || make_temp_path(f->path, sizeof f->path)) { free(f); return -1; }
  zd_error e = {0, ""};
  db_options o = {2, 0, 0};
  if (db_open(f->path, &o, &f->d, &e) != ZD_OK) {
    fprintf(stderr, "db_open: %s\n", e.msg);
    remove_db_files(f->path);
    free(f);
    return -1;
  }
  db_conn *w = db_writer(f->d);
  int rc = db_exec(w,
                   "CREATE TABLE t(id INTEGER PRIMARY KEY, i INTEGER, d INTEGER, s TEXT, z INTEGER, f REAL, n TEXT);"
                   "CREATE TABLE u(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);"
                   "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                   "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));",
                   &e);
  db_release(w);
  if (rc != ZD_OK) { fprintf(stderr, "schema: %s\n", e.msg); return -1; }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  db_close(f->d);
  remove_db_files(f->path);
  free(f);
  return 0;
}

static long long count(db *d, const char *table) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
  db_conn *r = db_reader(d);
  long long n = -1;
  zd_error e = {0, ""};
  int rc = db_scalar_int(r, &e, &n, -2, sql, "");
  db_release(r);
  assert_int_equal(rc, ZD_OK);
  return n;
}

static void open_gives_writer_and_readers(void **state) {
  fixture *f = *state;
  assert_string_equal(db_engine_name(f->d), "sqlite");
  db_conn *w = db_writer(f->d);
  db_conn *r1 = db_reader(f->d);
  db_conn *r2 = db_reader(f->d);
  assert_non_null(w);
  assert_non_null(r1);
  assert_non_null(r2);
  assert_ptr_not_equal(r1, r2);
  assert_ptr_not_equal(w, r1);
  db_release(r2);
  db_release(r1);
  db_release(w);
}

static void open_rejects_bad_urls(void **state) {
  (void)state;
  db *d = (db *)1;
  zd_error e = {0, ""};
  assert_int_equal(db_open("", NULL, &d, &e), ZD_EINVAL);
  assert_null(d);
  assert_int_equal(db_open("sqlite:", NULL, &d, &e), ZD_EINVAL);
  assert_null(d);
  e.msg[0] = 0;
  int rc = db_open("/nonexistent-dir-zhendi/x.db", NULL, &d, &e);
  assert_true(rc < 0);
  assert_null(d);
  assert_true(strlen(e.msg) > 0);
}

static void sqlite_prefix_and_readonly(void **state) {
  fixture *f = *state;
  db_conn *w = db_writer(f->d);
  zd_error e = {0, ""};
  assert_int_equal(db_run(w, &e, "INSERT INTO u(code) VALUES(?)", "s", "renhe"), DB_DONE);
  db_release(w);

  char url[80];
  snprintf(url, sizeof url, "sqlite:%s", f->path);
  db *ro = NULL;
  db_options o = {1, 0, 1};
  assert_int_equal(db_open(url, &o, &ro, &e), ZD_OK);
  assert_null(db_writer(ro));
  assert_int_equal(count(ro, "u"), 1);
  /* a reader cannot write */
  db_conn *r = db_reader(ro);
  int rc = db_exec(r, "INSERT INTO u(code) VALUES('x')", &e);
  db_release(r);
  db_close(ro);
  assert_int_equal(rc, ZD_EDB);
  assert_int_equal(count(f->d, "u"), 1);
}

static void wal_mode_and_foreign_keys_are_on(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  db_stmt *s = db_query(w, &e, "PRAGMA journal_mode", "");
  assert_non_null(s);
  assert_int_equal(db_step(s, &e), DB_ROW);
  assert_string_equal(db_col_text(s, 0), "wal");
  db_done(s);
  long long fk = 0;
  assert_int_equal(db_scalar_int(w, &e, &fk, -1, "PRAGMA foreign_keys", ""), ZD_OK);
  assert_int_equal(fk, 1);

  assert_int_equal(db_run(w, &e, "INSERT INTO parent(id) VALUES(1)", ""), DB_DONE);
  assert_int_equal(db_run(w, &e, "INSERT INTO child(parent_id) VALUES(?)", "i", 1LL), DB_DONE);
  e.rc = 0;
  assert_int_equal(db_run(w, &e, "INSERT INTO child(parent_id) VALUES(?)", "i", 42LL), ZD_ECONFLICT);
  assert_int_equal(e.rc, ZD_ECONFLICT);
  assert_non_null(strstr(e.msg, "FOREIGN KEY"));
  /* deleting a referenced parent is refused too */
  assert_int_equal(db_run(w, &e, "DELETE FROM parent WHERE id = 1", ""), ZD_ECONFLICT);
  db_release(w);
  assert_int_equal(count(f->d, "child"), 1);
  assert_int_equal(count(f->d, "parent"), 1);

  /* readers enforce the same settings */
  db_conn *r = db_reader(f->d);
  fk = 0;
  assert_int_equal(db_scalar_int(r, &e, &fk, -1, "PRAGMA foreign_keys", ""), ZD_OK);
  db_release(r);
  assert_int_equal(fk, 1);
}

static void every_bind_type_round_trips(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  const long long big = 1LL << 40;
  assert_int_equal(db_run(w, &e, "INSERT INTO t(id, i, d, s, z, f, n) VALUES(1, ?, ?, ?, ?, ?, ?)", "idszfn", big, -7,
                          "阵地 'quoted'); DROP TABLE t;--", 0LL, 2.5),
                   DB_DONE);
  assert_int_equal(db_run(w, &e, "INSERT INTO t(id, i, d, s, z, f, n) VALUES(2, ?, ?, ?, ?, ?, ?)", "idszfn", -1LL,
                          2147483647, (const char *)NULL, 5LL, -0.125),
                   DB_DONE);
  db_release(w);

  db_conn *r = db_reader(f->d);
  db_stmt *s = db_query(r, &e, "SELECT i, d, s, z, f, n FROM t ORDER BY id", "");
  assert_non_null(s);
  assert_int_equal(db_step(s, &e), DB_ROW);
  assert_int_equal(db_col_int(s, 0), big);
  assert_int_equal(db_col_int(s, 1), -7);
  assert_string_equal(db_col_text(s, 2), "阵地 'quoted'); DROP TABLE t;--");
  assert_false(db_col_null(s, 2));
  assert_true(db_col_null(s, 3));          /* 'z' with 0 binds NULL */
  assert_string_equal(db_col_text(s, 3), "");
  assert_true(db_col_double(s, 4) == 2.5);
  assert_true(db_col_null(s, 5));          /* 'n' binds NULL */
  assert_string_equal(db_col_text(s, 5), "");

  assert_int_equal(db_step(s, &e), DB_ROW);
  assert_int_equal(db_col_int(s, 0), -1);
  assert_int_equal(db_col_int(s, 1), 2147483647);
  assert_true(db_col_null(s, 2));          /* 's' with a NULL pointer binds NULL */
  assert_string_equal(db_col_text(s, 2), "");
  assert_false(db_col_null(s, 3));
  assert_int_equal(db_col_int(s, 3), 5);
  assert_true(db_col_double(s, 4) == -0.125);
  assert_int_equal(db_step(s, &e), DB_DONE);
  db_done(s);
  db_release(r);
  assert_int_equal(count(f->d, "t"), 2); /* the "injection" was just text */
}

static void large_text_round_trips(void **state) {
  fixture *f = *state;
  size_t n = 1u << 20;
  char *big = malloc(n + 1);
  assert_non_null(big);
  for (size_t i = 0; i < n; i++) big[i] = (char)('a' + i % 26);
  big[n] = 0;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_run(w, &e, "INSERT INTO t(id, s) VALUES(1, ?)", "s", big), DB_DONE);
  db_stmt *s = db_query(w, &e, "SELECT s, length(s) FROM t WHERE id = 1", "");
  assert_non_null(s);
  assert_int_equal(db_step(s, &e), DB_ROW);
  assert_int_equal(db_col_int(s, 1), n);
  int same = strcmp(db_col_text(s, 0), big) == 0;
  db_done(s);
  db_release(w);
  free(big);
  assert_true(same);
}

static void column_names_and_engine_queries(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  assert_false(db_is_postgres(f->d));
  db_conn *w = db_writer(f->d);
  assert_ptr_equal(db_of(w), f->d);
  assert_int_equal(db_exec_schema(w, "CREATE TABLE s2(id INTEGER PRIMARY KEY, label TEXT NOT NULL DEFAULT '')", &e),
                   ZD_OK);
  assert_int_equal(db_run(w, &e, "INSERT INTO s2(label) VALUES(?)", "s", "x"), DB_DONE);
  db_stmt *s = db_query(w, &e, "SELECT id, label AS name, 1 + 1 AS two FROM s2", "");
  assert_non_null(s);
  assert_int_equal(db_step(s, &e), DB_ROW);
  assert_int_equal(db_col_count(s), 3);
  assert_string_equal(db_col_name(s, 0), "id");
  assert_string_equal(db_col_name(s, 1), "name");
  assert_string_equal(db_col_name(s, 2), "two");
  assert_int_equal(db_col_int(s, 2), 2);
  db_done(s);
  assert_int_equal(db_exec_schema(w, "CREATE TABLE s2(x)", &e), ZD_EDB); /* errors pass through */
  db_release(w);
}

static void step_reports_rows_then_done(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  db_stmt *s = db_query(w, &e, "SELECT id FROM t", "");
  assert_non_null(s);
  assert_int_equal(db_step(s, &e), DB_DONE);   /* empty table */
  db_done(s);
  for (long long i = 1; i <= 3; i++) assert_int_equal(db_run(w, &e, "INSERT INTO t(id) VALUES(?)", "i", i), DB_DONE);
  s = db_query(w, &e, "SELECT id FROM t ORDER BY id", "");
  for (long long i = 1; i <= 3; i++) {
    assert_int_equal(db_step(s, &e), DB_ROW);
    assert_int_equal(db_col_int(s, 0), i);
  }
  assert_int_equal(db_step(s, &e), DB_DONE);
  db_done(s);
  db_done(NULL); /* harmless */

  long long v = 0;
  assert_int_equal(db_scalar_int(w, &e, &v, 99, "SELECT id FROM t WHERE id = ?", "i", 1000LL), ZD_OK);
  assert_int_equal(v, 99);                     /* no row: default */
  assert_int_equal(db_scalar_int(w, &e, &v, 99, "SELECT NULL", ""), ZD_OK);
  assert_int_equal(v, 99);                     /* NULL: default */
  assert_int_equal(db_scalar_int(w, &e, &v, 99, "SELECT max(id) FROM t", ""), ZD_OK);
  assert_int_equal(v, 3);
  db_release(w);
}

static void cached_statement_is_reused_with_fresh_bindings(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  for (long long i = 1; i <= 5; i++)
    assert_int_equal(db_run(w, &e, "INSERT INTO t(id, s) VALUES(?, ?)", "is", i, i % 2 ? "odd" : "even"), DB_DONE);
  const char *sql = "SELECT count(*) FROM t WHERE s = ?";
  long long v = -1;
  assert_int_equal(db_scalar_int(w, &e, &v, -1, sql, "s", "odd"), ZD_OK);
  assert_int_equal(v, 3);
  assert_int_equal(db_scalar_int(w, &e, &v, -1, sql, "s", "even"), ZD_OK);
  assert_int_equal(v, 2);
  /* a NULL bind after a text bind: nothing equals NULL */
  assert_int_equal(db_scalar_int(w, &e, &v, -1, sql, "n"), ZD_OK);
  assert_int_equal(v, 0);
  /* no bind at all: the previous use's value must not linger */
  assert_int_equal(db_scalar_int(w, &e, &v, -1, sql, "s", "odd"), ZD_OK);
  assert_int_equal(v, 3);
  assert_int_equal(db_scalar_int(w, &e, &v, -1, sql, ""), ZD_OK);
  assert_int_equal(v, 0);
  /* SQL built in one buffer: the same address holding other text is another statement */
  char dyn[64];
  snprintf(dyn, sizeof dyn, "SELECT count(*) FROM t WHERE s = 'odd'");
  assert_int_equal(db_scalar_int(w, &e, &v, -1, dyn, ""), ZD_OK);
  assert_int_equal(v, 3);
  snprintf(dyn, sizeof dyn, "SELECT count(*) FROM t WHERE s = 'even'");
  assert_int_equal(db_scalar_int(w, &e, &v, -1, dyn, ""), ZD_OK);
  assert_int_equal(v, 2);
  snprintf(dyn, sizeof dyn, "SELECT count(*) FROM t WHERE s = 'odd'");
  assert_int_equal(db_scalar_int(w, &e, &v, -1, dyn, ""), ZD_OK);
  assert_int_equal(v, 3);
  /* a statement abandoned after its first row is reset by db_done */
  db_stmt *s = db_query(w, &e, "SELECT id FROM t ORDER BY id", "");
  assert_int_equal(db_step(s, &e), DB_ROW);
  db_done(s);
  s = db_query(w, &e, "SELECT id FROM t ORDER BY id", "");
  assert_int_equal(db_step(s, &e), DB_ROW);
  assert_int_equal(db_col_int(s, 0), 1);       /* starts over, not at row 2 */
  db_done(s);
  db_release(w);
}

static void nested_use_of_the_same_sql_works(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  for (long long i = 1; i <= 4; i++) assert_int_equal(db_run(w, &e, "INSERT INTO t(id) VALUES(?)", "i", i), DB_DONE);
  const char *sql = "SELECT id FROM t WHERE id >= ? ORDER BY id";
  db_stmt *outer = db_query(w, &e, sql, "i", 1LL);
  assert_non_null(outer);
  long long seen = 0, inner_rows = 0;
  int rc;
  while ((rc = db_step(outer, &e)) == DB_ROW) {
    long long id = db_col_int(outer, 0);
    seen = seen * 10 + id;
    db_stmt *inner = db_query(w, &e, sql, "i", id);
    assert_non_null(inner);
    assert_ptr_not_equal(inner, outer);
    while (db_step(inner, &e) == DB_ROW) inner_rows++;
    db_done(inner);
  }
  assert_int_equal(rc, DB_DONE);
  db_done(outer);
  assert_int_equal(seen, 1234);
  assert_int_equal(inner_rows, 4 + 3 + 2 + 1);
  /* and the cached statement still works afterwards, twice */
  for (int k = 0; k < 2; k++) {
    db_stmt *s = db_query(w, &e, sql, "i", 4LL);
    assert_int_equal(db_step(s, &e), DB_ROW);
    assert_int_equal(db_col_int(s, 0), 4);
    assert_int_equal(db_step(s, &e), DB_DONE);
    db_done(s);
  }
  db_release(w);
}

static void rollback_leaves_nothing_commit_keeps(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  assert_int_equal(db_run(w, &e, "INSERT INTO u(code) VALUES(?)", "s", "gone"), DB_DONE);
  long long v = 0;
  assert_int_equal(db_scalar_int(w, &e, &v, -1, "SELECT count(*) FROM u", ""), ZD_OK);
  assert_int_equal(v, 1); /* visible inside the transaction */
  assert_int_equal(count(f->d, "u"), 0); /* not to readers */
  db_rollback(w);
  assert_int_equal(db_scalar_int(w, &e, &v, -1, "SELECT count(*) FROM u", ""), ZD_OK);
  assert_int_equal(v, 0);

  assert_int_equal(db_begin(w, &e), ZD_OK);
  assert_int_equal(db_run(w, &e, "INSERT INTO u(code) VALUES(?)", "s", "kept"), DB_DONE);
  assert_int_equal(db_run(w, &e, "INSERT INTO u(code) VALUES(?)", "s", "kept2"), DB_DONE);
  assert_int_equal(db_commit(w, &e), ZD_OK);
  db_release(w);
  assert_int_equal(count(f->d, "u"), 2);
}

static void unique_violation_is_a_conflict(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  const char *ins = "INSERT INTO u(code) VALUES(?)";
  assert_int_equal(db_run(w, &e, ins, "s", "renhe"), DB_DONE);
  assert_int_equal(db_run(w, &e, ins, "s", "renhe"), ZD_ECONFLICT);
  assert_int_equal(e.rc, ZD_ECONFLICT);
  assert_non_null(strstr(e.msg, "UNIQUE"));
  /* the cached statement is usable after the failure */
  assert_int_equal(db_run(w, &e, ins, "s", "xinhe"), DB_DONE);
  /* NOT NULL is a constraint too */
  assert_int_equal(db_run(w, &e, ins, "s", (const char *)NULL), ZD_ECONFLICT);
  db_release(w);
  assert_int_equal(count(f->d, "u"), 2);
}

static void syntax_errors_are_db_errors_with_a_message(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_exec(w, "CREAT TABLE x(a)", &e), ZD_EDB);
  assert_int_equal(e.rc, ZD_EDB);
  assert_non_null(strstr(e.msg, "syntax error"));

  e.rc = 0;
  e.msg[0] = 0;
  assert_null(db_query(w, &e, "SELEC id FROM t", ""));
  assert_int_equal(e.rc, ZD_EDB);
  assert_non_null(strstr(e.msg, "syntax error"));

  e.msg[0] = 0;
  assert_int_equal(db_run(w, &e, "SELECT * FROM no_such_table", ""), ZD_EDB);
  assert_non_null(strstr(e.msg, "no such table"));

  /* too many parameters for the statement */
  e.rc = 0;
  assert_null(db_query(w, &e, "SELECT ?", "ii", 1LL, 2LL));
  assert_int_equal(e.rc, ZD_EDB);
  /* an unknown type letter */
  e.rc = 0;
  assert_null(db_query(w, &e, "SELECT ?", "x"));
  assert_int_equal(e.rc, ZD_EDB);
  /* the connection is still fine */
  long long v = 0;
  assert_int_equal(db_scalar_int(w, &e, &v, -1, "SELECT ?", "i", 7LL), ZD_OK);
  assert_int_equal(v, 7);
  db_release(w);
}

static void release_rolls_back_a_forgotten_transaction(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  assert_int_equal(db_run(w, &e, "INSERT INTO u(code) VALUES(?)", "s", "forgotten"), DB_DONE);
  db_release(w); /* no commit */
  assert_int_equal(count(f->d, "u"), 0);

  /* the next user starts clean: a new transaction can begin and commit */
  w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  assert_int_equal(db_run(w, &e, "INSERT INTO u(code) VALUES(?)", "s", "next"), DB_DONE);
  assert_int_equal(db_commit(w, &e), ZD_OK);
  db_release(w);
  assert_int_equal(count(f->d, "u"), 1);
}

static void backup_copies_every_row(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  for (long long i = 1; i <= 500; i++)
    assert_int_equal(db_run(w, &e, "INSERT INTO t(id, s) VALUES(?, ?)", "is", i, "阵地阵地阵地阵地阵地阵地"), DB_DONE);
  assert_int_equal(db_commit(w, &e), ZD_OK);
  db_release(w);

  char dest[64];
  assert_int_equal(make_temp_path(dest, sizeof dest), 0);
  int rc = db_backup(f->d, dest, &e);
  if (rc != ZD_OK) { remove_db_files(dest); fail_msg("backup: %s", e.msg); }

  db *copy = NULL;
  rc = db_open(dest, NULL, &copy, &e);
  if (rc != ZD_OK) { remove_db_files(dest); fail_msg("open backup: %s", e.msg); }
  long long n = count(copy, "t");
  db_conn *r = db_reader(copy);
  long long sum = 0;
  int qrc = db_scalar_int(r, &e, &sum, -1, "SELECT sum(id) FROM t WHERE s = ?", "s", "阵地阵地阵地阵地阵地阵地");
  db_release(r);
  db_close(copy);
  remove_db_files(dest);
  assert_int_equal(qrc, ZD_OK);
  assert_int_equal(n, 500);
  assert_int_equal(sum, 500 * 501 / 2);
}

static void backup_to_an_impossible_path_fails(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  int rc = db_backup(f->d, "/nonexistent-dir-zhendi/backup.db", &e);
  assert_true(rc < 0);
  assert_true(strlen(e.msg) > 0);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
  const struct CMUnitTest tests[] = {
    T(open_gives_writer_and_readers),
    cmocka_unit_test(open_rejects_bad_urls),
    T(sqlite_prefix_and_readonly),
    T(wal_mode_and_foreign_keys_are_on),
    T(every_bind_type_round_trips),
    T(large_text_round_trips),
    T(column_names_and_engine_queries),
    T(step_reports_rows_then_done),
    T(cached_statement_is_reused_with_fresh_bindings),
    T(nested_use_of_the_same_sql_works),
    T(rollback_leaves_nothing_commit_keeps),
    T(unique_violation_is_a_conflict),
    T(syntax_errors_are_db_errors_with_a_message),
    T(release_rolls_back_a_forgotten_transaction),
    T(backup_copies_every_row),
    T(backup_to_an_impossible_path_fails),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
