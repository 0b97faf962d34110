/* test_migrate.c — embedded SQL migrations (src/platform/migrate.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/migrate.h"
#include "tmpdb.h"

typedef struct fixture {
  char path[64];
  db *d;
} fixture;


static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  snprintf(f->path, sizeof f->path, "/tmp/zhendi-test-migrate-XXXXXX");
  int fd = mkstemp(f->path);
  if (fd < 0) { free(f); return -1; }
  close(fd);
  zd_error e = {0, ""};
  if (db_open(f->path, NULL, &f->d, &e) != ZD_OK) {
    fprintf(stderr, "db_open: %s\n", e.msg);
    remove_db_files(f->path);
    free(f);
    return -1;
  }
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

static long long scalar(db *d, const char *sql, const char *name) {
  db_conn *r = db_reader(d);
  zd_error e = {0, ""};
  long long v = -1;
  int rc = name ? db_scalar_int(r, &e, &v, -1, sql, "s", name) : db_scalar_int(r, &e, &v, -1, sql, "");
  db_release(r);
  if (rc != ZD_OK) fail_msg("%s: %s", sql, e.msg);
  return v;
}

static int table_exists(db *d, const char *name) {
  return scalar(d, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name) == 1;
}

static void binary_carries_migrations(void **state) {
  (void)state;
  assert_true(migrate_latest() >= 1);
}

static void empty_database_is_version_zero_and_not_current(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  int v = -1;
  assert_int_equal(migrate_current(f->d, &v, &e), ZD_OK);
  assert_int_equal(v, 0);
  assert_int_equal(migrate_check(f->d, &e), ZD_ESCHEMA);
  assert_non_null(strstr(e.msg, "older"));
}

static void migrate_up_applies_everything_once(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  int applied = -1;
  int rc = migrate_up(f->d, &applied, &e);
  if (rc != ZD_OK) fail_msg("migrate_up: %s", e.msg);
  assert_int_equal(applied, migrate_latest());
  assert_true(table_exists(f->d, "org"));
  assert_true(table_exists(f->d, "center"));
  assert_true(table_exists(f->d, "schema_migrations"));
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM schema_migrations", NULL), migrate_latest());
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM schema_migrations WHERE version = 1 AND name = ?",
                          "0001_org.sql"), 1);
  int v = -1;
  assert_int_equal(migrate_current(f->d, &v, &e), ZD_OK);
  assert_int_equal(v, migrate_latest());
  assert_int_equal(migrate_check(f->d, &e), ZD_OK);

  /* a second run has nothing to do */
  applied = -1;
  assert_int_equal(migrate_up(f->d, &applied, &e), ZD_OK);
  assert_int_equal(applied, 0);
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM schema_migrations", NULL), migrate_latest());
  assert_int_equal(migrate_check(f->d, &e), ZD_OK);
  /* applied may be NULL */
  assert_int_equal(migrate_up(f->d, NULL, &e), ZD_OK);
}

static void migrated_schema_enforces_its_rules(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  assert_int_equal(migrate_up(f->d, NULL, &e), ZD_OK);
  db_conn *w = db_writer(f->d);
  const char *ins = "INSERT INTO org(code, kind, name, parent_id) VALUES(?, ?, ?, ?)";
  assert_int_equal(db_run(w, &e, ins, "sssz", "qingshan", "county", "青山县", 0LL), DB_DONE);
  assert_int_equal(db_run(w, &e, ins, "sssz", "qingshan", "county", "again", 0LL), ZD_ECONFLICT);   /* code unique */
  assert_int_equal(db_run(w, &e, ins, "sssz", "x1", "kingdom", "x", 0LL), ZD_ECONFLICT);            /* kind CHECK */
  assert_int_equal(db_run(w, &e, ins, "sssz", "x2", "township", "x", 999LL), ZD_ECONFLICT);         /* parent FK */
  db_release(w);
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM org", NULL), 1);
}

static void newer_database_is_refused(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  assert_int_equal(migrate_up(f->d, NULL, &e), ZD_OK);
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_exec(w, "INSERT INTO schema_migrations(version,name,applied_at) VALUES(9999,'future',0)", &e),
                   ZD_OK);
  db_release(w);

  int applied = -1;
  e.msg[0] = 0;
  assert_int_equal(migrate_up(f->d, &applied, &e), ZD_ESCHEMA);
  assert_int_equal(e.rc, ZD_ESCHEMA);
  assert_int_equal(applied, 0);
  assert_non_null(strstr(e.msg, "newer"));
  assert_non_null(strstr(e.msg, "9999"));

  e.msg[0] = 0;
  assert_int_equal(migrate_check(f->d, &e), ZD_ESCHEMA);
  assert_non_null(strstr(e.msg, "newer"));
}

/* A migration that fails is rolled back whole and not recorded. */
static void failed_migration_is_rolled_back(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_exec(w, "CREATE TABLE org(x INTEGER)", &e), ZD_OK); /* in the way */
  db_release(w);
  int applied = -1;
  int rc = migrate_up(f->d, &applied, &e);
  assert_true(rc < 0);
  assert_int_equal(applied, 0);
  assert_non_null(strstr(e.msg, "0001_org"));
  assert_non_null(strstr(e.msg, "already exists"));
  int v = -1;
  assert_int_equal(migrate_current(f->d, &v, &e), ZD_OK);
  assert_int_equal(v, 0);
  assert_false(table_exists(f->d, "center")); /* created after org in 0001: rolled back */
}

static void readonly_database_can_be_checked(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  assert_int_equal(migrate_up(f->d, NULL, &e), ZD_OK);
  db *ro = NULL;
  db_options o = {1, 0, 1};
  assert_int_equal(db_open(f->path, &o, &ro, &e), ZD_OK);
  int v = -1;
  int rc = migrate_current(ro, &v, &e);
  int crc = migrate_check(ro, &e);
  db_close(ro);
  assert_int_equal(rc, ZD_OK);
  assert_int_equal(v, migrate_latest());
  assert_int_equal(crc, ZD_OK);
}

int main(void) {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(binary_carries_migrations),
    T(empty_database_is_version_zero_and_not_current),
    T(migrate_up_applies_everything_once),
    T(migrated_schema_enforces_its_rules),
    T(newer_database_is_refused),
    T(failed_migration_is_rolled_back),
    T(readonly_database_can_be_checked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
