/* test_group.c — group commit (src/platform/group.h): jobs queued together
** share one transaction; a failing job is rolled back alone; a failing COMMIT
** fails every job of its batch; after group_close jobs run at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/group.h"
#include "tmpdb.h"

typedef struct fixture {
  char path[64];
  db *d;
} fixture;


static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f) return -1;
  snprintf(f->path, sizeof f->path, "/tmp/zhendi-test-group-XXXXXX");
  int fd = mkstemp(f->path);
  if (fd < 0) { free(f); return -1; }
  close(fd);
  zd_error e = {0, ""};
  db_options o = {2, 0, 0};
  if (db_open(f->path, &o, &f->d, &e) != ZD_OK) { remove_db_files(f->path); free(f); return -1; }
  db_conn *w = db_writer(f->d);
  int rc = db_exec(w,
                   "CREATE TABLE t(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);"
                   "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                   "CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER "
                   "REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);",
                   &e);
  db_release(w);
  if (rc) return -1;
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

static long long scalar(db *d, const char *sql) {
  db_conn *r = db_reader(d);
  long long n = -1;
  zd_error e = {0, ""};
  int rc = db_scalar_int(r, &e, &n, -2, sql, "");
  db_release(r);
  assert_int_equal(rc, ZD_OK);
  return n;
}

/* A job: insert code; then fail when asked (after its insert, which must go). */
typedef struct tjob {
  group_job j;
  char code[16];
  int fail_after;    /* return ZD_EINVAL after inserting */
  int orphan;        /* insert a child without parent: the deferred FK fails the COMMIT */
  atomic_int *done;
  int seen_rc;
} tjob;

static int tjob_run(db_conn *w, void *arg, zd_error *e) {
  tjob *t = arg;
  int rc = db_run(w, e, "INSERT INTO t(code) VALUES(?)", "s", t->code);
  if (rc < 0) return rc;
  if (t->orphan && db_run(w, e, "INSERT INTO child(parent_id) VALUES(999)", "") < 0) return e->rc;
  if (t->fail_after) return zd_fail(e, ZD_EINVAL, "refused on purpose");
  return ZD_OK;
}

static void tjob_done(group_job *j) {
  tjob *t = (tjob *)j;
  t->seen_rc = j->rc;
  atomic_fetch_add(t->done, 1);
}

static void init_job(tjob *t, int i, atomic_int *done) {
  memset(t, 0, sizeof *t);
  snprintf(t->code, sizeof t->code, "c%d", i);
  t->j.run = tjob_run;
  t->j.done = tjob_done;
  t->j.arg = t;
  t->done = done;
}

static void wait_for(atomic_int *done, int n) {
  for (int i = 0; i < 5000 && atomic_load(done) < n; i++) usleep(1000);
  assert_int_equal(atomic_load(done), n);
}

/* Ten jobs queued while the writer is busy: two batches (the first job is
** waiting for the writer, the nine behind it go together); the one that fails
** leaves nothing, the others are all there. */
static void test_batch_failing_job_alone(void **state) {
  fixture *f = *state;
  group *g = group_start(f->d);
  assert_non_null(g);
  atomic_int done = 0;
  tjob jobs[10];
  db_conn *hold = db_writer(f->d);
  for (int i = 0; i < 10; i++) {
    init_job(&jobs[i], i, &done);
    if (i == 5) jobs[i].fail_after = 1;
    if (i == 7) snprintf(jobs[i].code, sizeof jobs[i].code, "c3"); /* duplicate of job 3: refused by UNIQUE */
    assert_int_equal(group_submit(g, &jobs[i].j), 0);
    if (i == 0) usleep(50 * 1000); /* let the group thread take job 0 and wait for the writer */
  }
  db_release(hold);
  wait_for(&done, 10);
  for (int i = 0; i < 10; i++) {
    if (i == 5) assert_int_equal(jobs[i].seen_rc, ZD_EINVAL);
    else if (i == 7) assert_int_equal(jobs[i].seen_rc, ZD_ECONFLICT);
    else assert_int_equal(jobs[i].seen_rc, ZD_OK);
  }
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM t"), 8);
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM t WHERE code = 'c5'"), 0);
  group_stats s = group_get_stats(g);
  assert_int_equal(s.jobs, 10);
  assert_int_equal(s.batches, 2);
  assert_int_equal(s.largest, 9);
  group_free(g);
}

/* A COMMIT that fails (a deferred foreign key) fails every job of its batch,
** and none of their rows stays. */
static void test_commit_failure_fails_batch(void **state) {
  fixture *f = *state;
  group *g = group_start(f->d);
  atomic_int done = 0;
  tjob jobs[4];
  db_conn *hold = db_writer(f->d);
  for (int i = 0; i < 4; i++) {
    init_job(&jobs[i], 100 + i, &done);
    if (i == 2) jobs[i].orphan = 1;
    assert_int_equal(group_submit(g, &jobs[i].j), 0);
    if (i == 0) usleep(50 * 1000);
  }
  db_release(hold);
  wait_for(&done, 4);
  assert_int_equal(jobs[0].seen_rc, ZD_OK); /* its own batch */
  for (int i = 1; i < 4; i++) assert_int_not_equal(jobs[i].seen_rc, ZD_OK);
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM t"), 1);
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM child"), 0);
  /* the writer is usable again */
  init_job(&jobs[0], 200, &done);
  assert_int_equal(group_submit(g, &jobs[0].j), 0);
  wait_for(&done, 5);
  assert_int_equal(jobs[0].seen_rc, ZD_OK);
  group_free(g);
}

/* After group_close nothing is queued: the caller runs the job itself. */
static void test_closed_runs_now(void **state) {
  fixture *f = *state;
  group *g = group_start(f->d);
  group_close(g);
  atomic_int done = 0;
  tjob t;
  init_job(&t, 300, &done);
  assert_int_equal(group_submit(g, &t.j), -1);
  group_run_now(f->d, &t.j);
  assert_int_equal(atomic_load(&done), 1);
  assert_int_equal(t.seen_rc, ZD_OK);
  assert_int_equal(scalar(f->d, "SELECT count(*) FROM t WHERE code = 'c300'"), 1);
  group_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_batch_failing_job_alone, setup, teardown),
      cmocka_unit_test_setup_teardown(test_commit_failure_fails_batch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_closed_runs_now, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
