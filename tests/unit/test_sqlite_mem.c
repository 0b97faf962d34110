/* test_sqlite_mem.c — SQLite's page-cache lines come from the reserved region
** (src/platform/sqlite_mem.h): they are given back when a cache lets go of
** them and used again before the region grows; a full region falls back to
** malloc; blocks keep their content when they move between the two. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/sqlite_mem.h"
#include "tmpdb.h"

#define LINES 200 /* a small region, so that the test also fills it */

static char path[64];

static sqlite3 *open_db(void) {
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "PRAGMA cache_size=-8000", NULL, NULL, NULL), SQLITE_OK);
  return h;
}

static long long read_all(sqlite3 *h) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT sum(length(b)) FROM t", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static void lines_are_given_back_and_reused(void **state) {
  (void)state;
  sqlite3 *h = open_db();
  assert_int_equal(sqlite3_exec(h,
                                "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);"
                                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) "
                                "INSERT INTO t(b) SELECT randomblob(3000) FROM n;",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(h);
  sqlite_mem_stats s0 = sqlite_mem_get_stats();
  assert_int_equal(s0.in_use, 0); /* the cache of a closed connection is given back */

  h = open_db();
  assert_int_equal(read_all(h), 600LL * 3000); /* 600 pages and more: the region fills, malloc takes the rest */
  sqlite_mem_stats s1 = sqlite_mem_get_stats();
  assert_true(s1.in_use > 0);
  assert_true(s1.touched >= s1.in_use);
  assert_true(s1.touched <= s1.reserved);
  assert_int_equal(s1.touched, s1.reserved);
  sqlite3_close(h);
  assert_int_equal(sqlite_mem_get_stats().in_use, 0);

  /* a second reader uses the same lines again: the region is not touched further */
  h = open_db();
  assert_int_equal(read_all(h), 600LL * 3000);
  sqlite_mem_stats s2 = sqlite_mem_get_stats();
  assert_int_equal(s2.touched, s1.touched);
  assert_int_equal(s2.in_use, s1.in_use);
  sqlite3_close(h);
}

static void blocks_keep_their_content_between_region_and_heap(void **state) {
  (void)state;
  sqlite_mem_stats s = sqlite_mem_get_stats();
  int line = (int)(s.reserved / LINES);
  unsigned char *p = sqlite3_malloc(4097); /* a line */
  assert_non_null(p);
  assert_int_equal(sqlite3_msize(p), line);
  assert_int_equal(sqlite_mem_get_stats().in_use, (size_t)line);
  for (int i = 0; i < 4097; i++) p[i] = (unsigned char)(i * 7);
  unsigned char *q = sqlite3_realloc(p, 20000); /* out of the region */
  assert_non_null(q);
  assert_true(sqlite3_msize(q) >= 20000);
  assert_int_equal(sqlite_mem_get_stats().in_use, 0);
  for (int i = 0; i < 4097; i++) assert_int_equal(q[i], (unsigned char)(i * 7));
  q = sqlite3_realloc(q, 100); /* smaller, on the heap */
  assert_non_null(q);
  assert_true(sqlite3_msize(q) >= 100 && sqlite3_msize(q) < 4096);
  for (int i = 0; i < 100; i++) assert_int_equal(q[i], (unsigned char)(i * 7));
  sqlite3_free(q);
  char *small = sqlite3_malloc(64);
  assert_true(sqlite3_msize(small) >= 64 && sqlite3_msize(small) < 4096);
  sqlite3_free(small);
  assert_int_equal(sqlite_mem_get_stats().in_use, 0);
}

static void a_second_install_is_refused(void **state) {
  (void)state;
  sqlite_mem_stats before = sqlite_mem_get_stats();
  assert_int_equal(sqlite_mem_install(1 << 20, 4096), -1); /* SQLite is initialised by now */
  sqlite_mem_stats after = sqlite_mem_get_stats();
  assert_int_equal(after.reserved, before.reserved);
}

int main(void) {
  int hdr = 0;
  sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr);
  if (sqlite_mem_install((size_t)LINES * (size_t)((4096 + hdr + 7) & ~7), 4096) != 0) {
    fprintf(stderr, "sqlite_mem_install failed\n");
    return 1;
  }
  snprintf(path, sizeof path, "/tmp/zhendi-test-mem-XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0) return 1;
  close(fd);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(lines_are_given_back_and_reused),
    cmocka_unit_test(blocks_keep_their_content_between_region_and_heap),
    cmocka_unit_test(a_second_install_is_refused),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  remove_db_files(path);
  return rc;
}
