/* test_ratelimit.c — fixed-window counters (src/platform/ratelimit.c):
** windows, independent keys, clearing, the capacity bound, threads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "platform/ratelimit.h"

#define T0 1700000000LL
#define WIN 60

static int setup_rl(void **state) {
  ratelimit *rl = rl_new(64);
  if (!rl) return -1;
  *state = rl;
  return 0;
}

static int teardown_rl(void **state) {
  rl_free(*state);
  return 0;
}

static void counts_up_within_window(void **state) {
  ratelimit *rl = *state;
  assert_int_equal(rl_count(rl, "login:a", T0, WIN), 0);
  for (int i = 1; i <= 10; i++) {
    assert_int_equal(rl_hit(rl, "login:a", T0 + i, WIN), i);
    assert_int_equal(rl_count(rl, "login:a", T0 + i, WIN), i);
  }
  /* the last second of the window still counts */
  assert_int_equal(rl_count(rl, "login:a", T0 + 1 + WIN - 1, WIN), 10);
  assert_int_equal(rl_hit(rl, "login:a", T0 + 1 + WIN - 1, WIN), 11);
}

static void resets_after_window(void **state) {
  ratelimit *rl = *state;
  for (int i = 0; i < 5; i++) rl_hit(rl, "k", T0, WIN);
  assert_int_equal(rl_count(rl, "k", T0 + WIN - 1, WIN), 5);
  /* the window started at T0 ends at T0+WIN */
  assert_int_equal(rl_count(rl, "k", T0 + WIN, WIN), 0);
  assert_int_equal(rl_hit(rl, "k", T0 + WIN, WIN), 1);
  assert_int_equal(rl_hit(rl, "k", T0 + WIN + 1, WIN), 2);
  /* the new window started at T0+WIN, when the old one was seen to end */
  assert_int_equal(rl_count(rl, "k", T0 + 2 * WIN - 1, WIN), 2);
  assert_int_equal(rl_count(rl, "k", T0 + 2 * WIN, WIN), 0);
  /* long after */
  assert_int_equal(rl_hit(rl, "k", T0 + 100000, WIN), 1);
}

static void resets_after_window_without_hits(void **state) {
  ratelimit *rl = *state;
  for (int i = 0; i < 3; i++) rl_hit(rl, "k", T0, WIN);
  /* hit straight into the next window: starts again at 1 */
  assert_int_equal(rl_hit(rl, "k", T0 + WIN + 30, WIN), 1);
  assert_int_equal(rl_count(rl, "k", T0 + WIN + 30, WIN), 1);
}

static void keys_are_independent(void **state) {
  ratelimit *rl = *state;
  assert_int_equal(rl_hit(rl, "login:a", T0, WIN), 1);
  assert_int_equal(rl_hit(rl, "login:a", T0, WIN), 2);
  assert_int_equal(rl_hit(rl, "login:b", T0, WIN), 1);
  assert_int_equal(rl_hit(rl, "addr:127.0.0.1", T0, WIN), 1);
  assert_int_equal(rl_hit(rl, "login:a", T0, WIN), 3);
  assert_int_equal(rl_count(rl, "login:a", T0, WIN), 3);
  assert_int_equal(rl_count(rl, "login:b", T0, WIN), 1);
  assert_int_equal(rl_count(rl, "addr:127.0.0.1", T0, WIN), 1);
  /* prefixes and extensions are other keys */
  assert_int_equal(rl_count(rl, "login:", T0, WIN), 0);
  assert_int_equal(rl_count(rl, "login:ab", T0, WIN), 0);
  assert_int_equal(rl_count(rl, "login", T0, WIN), 0);
  assert_int_equal(rl_hit(rl, "login:ab", T0, WIN), 1);
  assert_int_equal(rl_count(rl, "login:a", T0, WIN), 3);
  /* one key's window expiring leaves the others alone */
  assert_int_equal(rl_hit(rl, "late", T0 + 30, WIN), 1);
  assert_int_equal(rl_count(rl, "login:a", T0 + WIN, WIN), 0);
  assert_int_equal(rl_count(rl, "late", T0 + WIN, WIN), 1);
}

static void clear_resets_one_key(void **state) {
  ratelimit *rl = *state;
  for (int i = 0; i < 4; i++) {
    rl_hit(rl, "login:a", T0, WIN);
    rl_hit(rl, "login:b", T0, WIN);
  }
  rl_clear(rl, "login:a");
  assert_int_equal(rl_count(rl, "login:a", T0, WIN), 0);
  assert_int_equal(rl_count(rl, "login:b", T0, WIN), 4);
  assert_int_equal(rl_hit(rl, "login:a", T0, WIN), 1);
  /* clearing an unknown key, or twice, is harmless */
  rl_clear(rl, "nobody");
  rl_clear(rl, "login:a");
  rl_clear(rl, "login:a");
  assert_int_equal(rl_count(rl, "login:a", T0, WIN), 0);
  assert_int_equal(rl_count(rl, "login:b", T0, WIN), 4);
}

static void count_does_not_increment(void **state) {
  ratelimit *rl = *state;
  for (int i = 0; i < 100; i++) assert_int_equal(rl_count(rl, "k", T0, WIN), 0);
  assert_int_equal(rl_hit(rl, "k", T0, WIN), 1);
  for (int i = 0; i < 100; i++) assert_int_equal(rl_count(rl, "k", T0 + 1, WIN), 1);
  assert_int_equal(rl_hit(rl, "k", T0 + 2, WIN), 2);
  /* counting unknown keys does not take slots: a full table of counts
  ** still leaves room for hits on a tiny table */
  ratelimit *small = rl_new(2);
  assert_non_null(small);
  for (int i = 0; i < 50; i++) {
    char key[32];
    snprintf(key, sizeof key, "peek:%d", i);
    assert_int_equal(rl_count(small, key, T0, WIN), 0);
  }
  assert_int_equal(rl_hit(small, "a", T0, WIN), 1);
  assert_int_equal(rl_hit(small, "b", T0, WIN), 1);
  assert_int_equal(rl_hit(small, "a", T0, WIN), 2);
  assert_int_equal(rl_hit(small, "b", T0, WIN), 2);
  rl_free(small);
}

static void capacity_is_bounded(void **state) {
  (void)state;
  ratelimit *rl = rl_new(4);
  assert_non_null(rl);
  char key[32];
  /* ten distinct keys at one instant */
  for (int i = 0; i < 10; i++) {
    snprintf(key, sizeof key, "addr:10.0.0.%d", i);
    assert_int_equal(rl_hit(rl, key, T0, WIN), 1);
    assert_int_equal(rl_count(rl, key, T0, WIN), 1);
  }
  assert_int_equal(rl_hit(rl, "addr:10.0.0.9", T0, WIN), 2);
  int live = 0;
  for (int i = 0; i < 10; i++) {
    snprintf(key, sizeof key, "addr:10.0.0.%d", i);
    if (rl_count(rl, key, T0, WIN) > 0) live++;
  }
  assert_true(live >= 1 && live <= 4);
  rl_free(rl);
}

static void capacity_evicts_the_oldest(void **state) {
  (void)state;
  ratelimit *rl = rl_new(4);
  assert_non_null(rl);
  char key[32];
  /* keys started one second apart: the oldest window gives way first */
  for (int i = 0; i < 10; i++) {
    snprintf(key, sizeof key, "k%d", i);
    assert_int_equal(rl_hit(rl, key, T0 + i, 3600 * 2), 1);
  }
  long long now = T0 + 9;
  for (int i = 0; i < 6; i++) {
    snprintf(key, sizeof key, "k%d", i);
    assert_int_equal(rl_count(rl, key, now, 3600 * 2), 0);
  }
  for (int i = 6; i < 10; i++) {
    snprintf(key, sizeof key, "k%d", i);
    assert_int_equal(rl_count(rl, key, now, 3600 * 2), 1);
  }
  /* a slot freed by rl_clear is reused before anything is evicted */
  rl_clear(rl, "k7");
  assert_int_equal(rl_hit(rl, "fresh", now, WIN), 1);
  assert_int_equal(rl_count(rl, "k6", now, 3600 * 2), 1);
  assert_int_equal(rl_count(rl, "k8", now, 3600 * 2), 1);
  assert_int_equal(rl_count(rl, "k9", now, 3600 * 2), 1);
  rl_free(rl);
}

static void long_window_survives_while_there_is_room(void **state) {
  /* ratelimit.h: entries give way only "when the table is full", and then
  ** expired windows first. A counter whose window (here two hours) is still
  ** running must not be dropped to make room while 63 slots are free. */
  ratelimit *rl = *state;
  const int day = 24 * 3600;
  assert_int_equal(rl_hit(rl, "daily:a", T0, day), 1);
  assert_int_equal(rl_hit(rl, "daily:a", T0, day), 2);
  assert_int_equal(rl_hit(rl, "two-hours:b", T0, 7200), 1);
  /* more than an hour later, another key arrives */
  assert_int_equal(rl_hit(rl, "other", T0 + 3600, WIN), 1);
  assert_int_equal(rl_hit(rl, "other2", T0 + 3601, WIN), 1);
  assert_int_equal(rl_count(rl, "daily:a", T0 + 3601, day), 2);
  assert_int_equal(rl_count(rl, "two-hours:b", T0 + 3601, 7200), 1);
  assert_int_equal(rl_hit(rl, "daily:a", T0 + 3601, day), 3);
}

static void long_keys(void **state) {
  ratelimit *rl = *state;
  char a[200], b[200];
  memset(a, 'x', sizeof a - 1);
  a[sizeof a - 1] = 0;
  memcpy(b, a, sizeof b);
  assert_int_equal(rl_hit(rl, a, T0, WIN), 1);
  assert_int_equal(rl_hit(rl, a, T0, WIN), 2);
  assert_int_equal(rl_count(rl, a, T0, WIN), 2);
  rl_clear(rl, b);
  assert_int_equal(rl_count(rl, a, T0, WIN), 0);
  assert_int_equal(rl_hit(rl, "", T0, WIN), 1); /* empty key: no crash */
}

typedef struct worker_arg {
  ratelimit *rl;
  const char *key;
  int n;
} worker_arg;

static void *worker(void *p) {
  worker_arg *a = p;
  for (int i = 0; i < a->n; i++) rl_hit(a->rl, a->key, T0 + (i % 30), WIN);
  return NULL;
}

static void threads_do_not_lose_hits(void **state) {
  ratelimit *rl = *state;
  enum { THREADS = 4, HITS = 10000 };
  pthread_t th[THREADS];
  worker_arg arg = {rl, "login:shared", HITS};
  worker_arg other = {rl, "login:other", HITS};
  for (int i = 0; i < THREADS; i++)
    assert_int_equal(pthread_create(&th[i], NULL, worker, i == THREADS - 1 ? &other : &arg), 0);
  for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_join(th[i], NULL), 0);
  assert_int_equal(rl_count(rl, "login:shared", T0 + 30, WIN), (THREADS - 1) * HITS);
  assert_int_equal(rl_count(rl, "login:other", T0 + 30, WIN), HITS);

  /* and all four on one key */
  rl_clear(rl, "login:shared");
  for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_create(&th[i], NULL, worker, &arg), 0);
  for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_join(th[i], NULL), 0);
  assert_int_equal(rl_count(rl, "login:shared", T0 + 59, WIN), THREADS * HITS);
  assert_int_equal(rl_count(rl, "login:shared", T0 + 59, WIN), 40000);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(counts_up_within_window, setup_rl, teardown_rl),
    cmocka_unit_test_setup_teardown(resets_after_window, setup_rl, teardown_rl),
    cmocka_unit_test_setup_teardown(resets_after_window_without_hits, setup_rl, teardown_rl),
    cmocka_unit_test_setup_teardown(keys_are_independent, setup_rl, teardown_rl),
    cmocka_unit_test_setup_teardown(clear_resets_one_key, setup_rl, teardown_rl),
    cmocka_unit_test_setup_teardown(count_does_not_increment, setup_rl, teardown_rl),
    cmocka_unit_test(capacity_is_bounded),
    cmocka_unit_test(capacity_evicts_the_oldest),
    cmocka_unit_test_setup_teardown(long_window_survives_while_there_is_room, setup_rl, teardown_rl),
    cmocka_unit_test_setup_teardown(long_keys, setup_rl, teardown_rl),
    cmocka_unit_test_setup_teardown(threads_do_not_lose_hits, setup_rl, teardown_rl),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
