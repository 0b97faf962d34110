/* test_perf_fixes.c — what the performance fixes of issue 8 must not change
** (docs/performance.md): a reader's one read transaction still reads what
** the writer has just committed; the JSON writer of resp_json gives what
** json_dumps gave (key order, escapes, numbers); the day's case numbers stay
** 0001, 0002, … through rollbacks and writes from elsewhere; the work list
** built from only the filters given returns the same cases. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "modules/appeal/appeal.h"
#include "modules/appeal/appeal_store.h"
#include "modules/demo/demo.h"
#include "modules/identity/identity.h"
#include "platform/db.h"
#include "platform/migrate.h"
#include "platform/resp.h"

typedef struct fixture {
  char path[64];
  db *d;
} fixture;

static void remove_db_files(const char *path) {
  const char *suffix[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    char p[96];
    snprintf(p, sizeof p, "%s%s", path, suffix[i]);
    unlink(p);
  }
}

static int open_temp(fixture *f, int readers) {
  snprintf(f->path, sizeof f->path, "/tmp/zhendi-test-perf-XXXXXX");
  int fd = mkstemp(f->path);
  if (fd < 0) return -1;
  close(fd);
  zd_error e = {0, ""};
  db_options o = {readers, 0, 0};
  if (db_open(f->path, &o, &f->d, &e) != ZD_OK) {
    fprintf(stderr, "db_open: %s\n", e.msg);
    return -1;
  }
  return 0;
}

static int setup_plain(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || open_temp(f, 1)) return -1;
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  int rc = db_exec(w, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", &e);
  db_release(w);
  *state = f;
  return rc;
}

static int setup_demo(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || open_temp(f, 1)) return -1;
  zd_error e = {0, ""};
  int applied = 0;
  if (migrate_up(f->d, &applied, &e) || demo_load(f->d, "zhendi-demo", &e)) {
    fprintf(stderr, "setup: %s\n", e.msg);
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

static long long count_rows(db_conn *c) {
  zd_error e = {0, ""};
  long long n = -1;
  assert_int_equal(db_scalar_int(c, &e, &n, -1, "SELECT count(*) FROM t", ""), ZD_OK);
  return n;
}

static void insert_row(db *d, const char *v) {
  zd_error e = {0, ""};
  db_conn *w = db_writer(d);
  assert_int_equal(db_run(w, &e, "INSERT INTO t(v) VALUES(?)", "s", v), DB_DONE);
  db_release(w);
}

/* A request reads (auth), writes through the writer, then reads again with the
** same reader: it must see its own write (the snapshot is renewed). */
static void reader_sees_what_was_just_written(void **state) {
  fixture *f = *state;
  db_conn *r = db_reader(f->d);
  assert_int_equal(count_rows(r), 0);
  insert_row(f->d, "a");
  assert_int_equal(count_rows(r), 1);
  /* a write inside an explicit transaction, committed */
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  assert_int_equal(db_begin(w, &e), ZD_OK);
  assert_int_equal(db_run(w, &e, "INSERT INTO t(v) VALUES('b')", ""), DB_DONE);
  assert_int_equal(db_commit(w, &e), ZD_OK);
  db_release(w);
  assert_int_equal(count_rows(r), 2);
  db_release(r);
}

/* While one of its statements is still open, a reader keeps one snapshot (as
** SQLite always did for statements open together); after, it sees the new rows. */
static void open_statement_keeps_its_snapshot(void **state) {
  fixture *f = *state;
  insert_row(f->d, "a");
  insert_row(f->d, "b");
  db_conn *r = db_reader(f->d);
  zd_error e = {0, ""};
  db_stmt *s = db_query(r, &e, "SELECT v FROM t ORDER BY id", "");
  assert_non_null(s);
  assert_int_equal(db_step(s, &e), DB_ROW);
  insert_row(f->d, "c");
  assert_int_equal(count_rows(r), 2); /* same snapshot as the open statement */
  int rows = 1;
  while (db_step(s, &e) == DB_ROW) rows++;
  assert_int_equal(rows, 2);
  db_done(s);
  assert_int_equal(count_rows(r), 3);
  db_release(r);
  /* released and taken again: fresh */
  insert_row(f->d, "d");
  r = db_reader(f->d);
  assert_int_equal(count_rows(r), 4);
  db_release(r);
}

/* The JSON writer of resp_json against json_dumps: same text but for '<'. */
static void resp_json_writes_what_json_dumps_wrote(void **state) {
  (void)state;
  static app a;
  req *r = calloc(1, sizeof *r);
  assert_non_null(r);
  r->app = &a;
  json_t *j = json_pack("{s:s, s:I, s:b, s:n, s:[i, s, {s:s}], s:{}, s:[], s:s, s:s}", "zeta", "任河村", "alpha",
                        (json_int_t)-1234567890123LL, "ok", 1, "none", "list", 1, "two", "k", "v", "empty", "arr",
                        "esc", "quote\" back\\ nl\n tab\t ctl\x01 del\x7f", "utf8", "😀 é");
  json_object_set_new(j, "real", json_real(0.5));
  char *want = json_dumps(j, JSON_COMPACT);
  assert_int_equal(resp_json(r, 200, json_incref(j)), ZD_OK);
  assert_string_equal(buf_str(&r->out), want);
  assert_int_equal(r->status, 200);
  assert_string_equal(r->ctype, "application/json");
  free(want);
  json_decref(j);
  /* '<' is written \u003c (safe inside <script>); it parses back the same */
  j = json_pack("{s:s}", "html", "<script>");
  assert_int_equal(resp_json(r, 201, j), ZD_OK);
  assert_string_equal(buf_str(&r->out), "{\"html\":\"\\u003cscript>\"}");
  json_t *back = json_loads(buf_str(&r->out), 0, NULL);
  assert_string_equal(json_string_value(json_object_get(back, "html")), "<script>");
  json_decref(back);
  buf_free(&r->out);
  free(r);
}

static void new_case(db *d, const char *content, char *number, int commit) {
  zd_error e = {0, ""};
  db_conn *w = db_writer(d);
  appeal_new in = {"renhe", "village", content, "", "", "", "online", NULL, 0};
  char code[10];
  assert_int_equal(db_begin(w, &e), ZD_OK);
  int rc = appeal_create(w, "public:test", 0, &in, number, code, &e);
  if (rc) fprintf(stderr, "appeal_create: %s\n", e.msg);
  assert_int_equal(rc, ZD_OK);
  if (commit) assert_int_equal(db_commit(w, &e), ZD_OK);
  else db_rollback(w);
  db_release(w);
}

/* Numbers are DAY-0001, DAY-0002, … whatever happens between two intakes. */
static void case_numbers_stay_in_sequence(void **state) {
  fixture *f = *state;
  char day[8], want[24], n1[24], n2[24], n3[24], n4[24], n5[24];
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  strftime(day, sizeof day, "%y%m%d", &tm);
  new_case(f->d, "一", n1, 1);
  snprintf(want, sizeof want, "%s-0001", day);
  assert_string_equal(n1, want);
  new_case(f->d, "二", n2, 1);
  snprintf(want, sizeof want, "%s-0002", day);
  assert_string_equal(n2, want);
  new_case(f->d, "rolled back", n3, 0); /* takes 0003, then gives it up */
  new_case(f->d, "三", n3, 1);
  snprintf(want, sizeof want, "%s-0003", day);
  assert_string_equal(n3, want);
  /* a case written by another process (here: plain SQL) between two intakes */
  zd_error e = {0, ""};
  db_conn *w = db_writer(f->d);
  snprintf(want, sizeof want, "%s-0004", day);
  assert_int_equal(db_run(w, &e,
                          "INSERT INTO appeal(number, code_hash, org_id, kind, channel, content, state, created_at, updated_at) "
                          "SELECT ?, 'x', id, 'village', 'online', 'elsewhere', 'received', 0, 0 FROM org WHERE code = 'renhe'",
                          "s", want),
                   DB_DONE);
  db_release(w);
  new_case(f->d, "五", n5, 1);
  snprintf(want, sizeof want, "%s-0005", day);
  assert_string_equal(n5, want);
  (void)n4;
}

static void collect(void *arg, const appeal *a) {
  buf *b = arg;
  buf_printf(b, "%s,", a->number);
}

/* The list with filters given and not given: the scope, the filters, the order
** (newest first), the count and the pages. */
static void work_list_filters_and_pages(void **state) {
  fixture *f = *state;
  zd_error e = {0, ""};
  db_conn *c = db_reader(f->d);
  user county, cadre;
  assert_int_equal(ident_user_by_login(c, "county", &county, NULL, 0, &e), ZD_OK);
  assert_int_equal(ident_user_by_login(c, "yinxing-admin", &cadre, NULL, 0, &e), ZD_OK);
  long long all = 0, mine = 0, yx = 0, total = 0;
  db_scalar_int(c, &e, &all, 0, "SELECT count(*) FROM appeal", "");
  db_scalar_int(c, &e, &yx, 0, "SELECT count(*) FROM appeal WHERE org_id = (SELECT id FROM org WHERE code = 'yinxing')", "");
  assert_true(all > yx && yx > 0);

  appeal_filter flt = {0};
  flt.limit = 100;
  buf b = BUF_INIT;
  assert_int_equal(appeal_list(c, county.id, &flt, collect, &b, &total, &e), ZD_OK);
  assert_int_equal(total, all);
  /* newest first: the same order as the whole table sorted */
  buf want = BUF_INIT;
  db_stmt *s = db_query(c, &e, "SELECT number FROM appeal ORDER BY created_at DESC, id DESC", "");
  while (db_step(s, &e) == DB_ROW) buf_printf(&want, "%s,", db_col_text(s, 0));
  db_done(s);
  assert_string_equal(buf_str(&b), buf_str(&want));

  /* scope: a village admin sees only the village */
  buf_reset(&b);
  assert_int_equal(appeal_list(c, cadre.id, &flt, collect, &b, &mine, &e), ZD_OK);
  assert_int_equal(mine, yx);

  /* filters: village, state, kind, open, q, owner */
  const char *checks[][3] = {
    {"village", "renhe", "SELECT count(*) FROM appeal WHERE org_id = (SELECT id FROM org WHERE code = 'renhe')"},
    {"state", "closed", "SELECT count(*) FROM appeal WHERE state = 'closed'"},
    {"kind", "family", "SELECT count(*) FROM appeal WHERE kind = 'family'"},
    {"open", "1", "SELECT count(*) FROM appeal WHERE state <> 'closed'"},
    {"q", "路灯", "SELECT count(*) FROM appeal WHERE content LIKE '%路灯%' OR place LIKE '%路灯%'"},
    {"owner", "renhe-cadre", "SELECT count(*) FROM appeal WHERE owner_id = (SELECT id FROM users WHERE login = 'renhe-cadre')"},
    {"mode", "cadre_led", "SELECT count(*) FROM appeal WHERE mode = 'cadre_led'"},
  };
  for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
    appeal_filter g = {0};
    g.limit = 100;
    if (!strcmp(checks[i][0], "village")) g.village = checks[i][1];
    if (!strcmp(checks[i][0], "state")) g.state = checks[i][1];
    if (!strcmp(checks[i][0], "kind")) g.kind = checks[i][1];
    if (!strcmp(checks[i][0], "open")) g.open_only = 1;
    if (!strcmp(checks[i][0], "q")) g.q = checks[i][1];
    if (!strcmp(checks[i][0], "owner")) g.owner = checks[i][1];
    if (!strcmp(checks[i][0], "mode")) g.mode = checks[i][1];
    long long expect = -1, got = -1;
    db_scalar_int(c, &e, &expect, -1, checks[i][2], "");
    buf_reset(&b);
    assert_int_equal(appeal_list(c, county.id, &g, collect, &b, &got, &e), ZD_OK);
    if (got != expect) fprintf(stderr, "filter %s=%s: %lld, want %lld\n", checks[i][0], checks[i][1], got, expect);
    assert_int_equal(got, expect);
  }
  /* pages of 2 join up to the whole list */
  buf pages = BUF_INIT;
  for (int off = 0; off < all; off += 2) {
    appeal_filter g = {0};
    g.limit = 2;
    g.offset = off;
    assert_int_equal(appeal_list(c, county.id, &g, collect, &pages, &total, &e), ZD_OK);
  }
  assert_string_equal(buf_str(&pages), buf_str(&want));
  buf_free(&pages);
  buf_free(&want);
  buf_free(&b);
  db_release(c);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(reader_sees_what_was_just_written, setup_plain, teardown),
    cmocka_unit_test_setup_teardown(open_statement_keeps_its_snapshot, setup_plain, teardown),
    cmocka_unit_test(resp_json_writes_what_json_dumps_wrote),
    cmocka_unit_test_setup_teardown(case_numbers_stay_in_sequence, setup_demo, teardown),
    cmocka_unit_test_setup_teardown(work_list_filters_and_pages, setup_demo, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
