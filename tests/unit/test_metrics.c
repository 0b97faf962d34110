/* test_metrics.c — request counters, latency histogram and the Prometheus
** text rendering (src/platform/metrics.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/metrics.h"

static const char *const names[] = {"GET /", "GET /v/{code}"};

/* 1 if text contains exactly this line. */
static int has_line(const char *text, const char *line) {
  size_t n = strlen(line);
  for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
    if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0)) return 1;
  return 0;
}

#define ASSERT_LINE(text, line) \
  do { if (!has_line((text), (line))) fail_msg("missing line: %s\n--- got:\n%s", (line), (text)); } while (0)
#define ASSERT_NO_LINE(text, line) \
  do { if (has_line((text), (line))) fail_msg("unexpected line: %s", (line)); } while (0)

static char *render(metrics *m, const char *const *labels) {
  buf b = BUF_INIT;
  metrics_render(m, labels, &b);
  assert_true(buf_ok(&b));
  return buf_take(&b, NULL);
}

static void fresh_metrics_render_zeroes(void **state) {
  (void)state;
  metrics *m = metrics_new(2);
  assert_non_null(m);
  char *t = render(m, names);
  metrics_free(m);
  const char *want =
    "# HELP zhendi_http_requests_total HTTP requests by route and status.\n"
    "# TYPE zhendi_http_requests_total counter\n"
    "# HELP zhendi_http_request_duration_seconds Time from first byte to response.\n"
    "# TYPE zhendi_http_request_duration_seconds histogram\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.0005\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.001\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.0025\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.005\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.01\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.025\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.05\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.1\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.25\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"0.5\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"1\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"2.5\"} 0\n"
    "zhendi_http_request_duration_seconds_bucket{le=\"+Inf\"} 0\n"
    "zhendi_http_request_duration_seconds_sum 0.000000\n"
    "zhendi_http_request_duration_seconds_count 0\n"
    "# HELP zhendi_db_errors_total Database errors seen while serving requests.\n"
    "# TYPE zhendi_db_errors_total counter\n"
    "zhendi_db_errors_total 0\n";
  int same = strcmp(t, want) == 0;
  if (!same) print_error("got:\n%s", t);
  free(t);
  assert_true(same);
}

static void requests_are_counted_by_route_and_status(void **state) {
  (void)state;
  metrics *m = metrics_new(2);
  metrics_observe(m, 0, 200, 0.003);
  metrics_observe(m, 0, 200, 0.004);
  metrics_observe(m, 1, 404, 0.0001);
  metrics_observe(m, 7, 200, 0.3);      /* out of range: unmatched */
  metrics_observe(m, 2, 404, 0.02);     /* index nroutes is the unmatched slot */
  metrics_observe(m, 0, 418, 0.02);     /* a status without its own series */
  char *t = render(m, names);
  metrics_free(m);
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"GET /\",status=\"200\"} 2");
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"GET /\",status=\"other\"} 1");
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"GET /v/{code}\",status=\"404\"} 1");
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"unmatched\",status=\"200\"} 1");
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"unmatched\",status=\"404\"} 1");
  /* series never observed are not rendered */
  assert_null(strstr(t, "route=\"GET /v/{code}\",status=\"200\""));
  assert_null(strstr(t, "status=\"418\""));
  /* exactly five request series */
  int series = 0;
  for (const char *p = t; (p = strstr(p, "\nzhendi_http_requests_total{")) != NULL; p++) series++;
  assert_int_equal(series, 5);
  free(t);
}

static void latency_histogram_buckets(void **state) {
  (void)state;
  metrics *m = metrics_new(2);
  metrics_observe(m, 0, 200, 0.0001);  /* le 0.0005 */
  metrics_observe(m, 0, 200, 0.003);   /* le 0.005, not le 0.0025 */
  metrics_observe(m, 0, 200, 0.005);   /* on the bound: le 0.005 */
  metrics_observe(m, 0, 200, 0.02);    /* le 0.025 */
  metrics_observe(m, 0, 200, 0.3);     /* le 0.5 */
  metrics_observe(m, 0, 200, 10.0);    /* only +Inf */
  char *t = render(m, names);
  metrics_free(m);
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.0005\"} 1");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.001\"} 1");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.0025\"} 1");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.005\"} 3");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.01\"} 3");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.025\"} 4");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.25\"} 4");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.5\"} 5");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"2.5\"} 5");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"+Inf\"} 6");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_count 6");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_sum 10.328100");
  free(t);
}

/* Buckets are cumulative and never decrease; +Inf equals _count. */
static void buckets_are_cumulative_and_inf_equals_count(void **state) {
  (void)state;
  metrics *m = metrics_new(1);
  const char *one[] = {"GET /"};
  for (int i = 0; i < 500; i++) metrics_observe(m, (size_t)(i % 3), 200 + (i % 5), (double)i / 97.0);
  char *t = render(m, one);
  metrics_free(m);
  unsigned long long prev = 0, inf = 0, count = 0;
  int buckets = 0;
  for (const char *p = t; (p = strstr(p, "_bucket{le=\"")) != NULL; p++) {
    const char *v = strstr(p, "} ");
    assert_non_null(v);
    unsigned long long x = strtoull(v + 2, NULL, 10);
    assert_true(x >= prev);
    prev = x;
    buckets++;
    if (strncmp(p, "_bucket{le=\"+Inf\"}", 18) == 0) inf = x;
  }
  const char *c = strstr(t, "zhendi_http_request_duration_seconds_count ");
  assert_non_null(c);
  count = strtoull(c + strlen("zhendi_http_request_duration_seconds_count "), NULL, 10);
  free(t);
  assert_int_equal(buckets, 13);
  assert_int_equal(inf, 500);
  assert_int_equal(count, 500);
}

static void db_errors_are_counted(void **state) {
  (void)state;
  metrics *m = metrics_new(0);
  metrics_db_error(m);
  metrics_db_error(m);
  metrics_db_error(m);
  metrics_observe(m, 0, 500, 0.001); /* nroutes 0: everything is unmatched */
  char *t = render(m, NULL);
  metrics_free(m);
  ASSERT_LINE(t, "zhendi_db_errors_total 3");
  ASSERT_NO_LINE(t, "zhendi_db_errors_total 0");
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"unmatched\",status=\"500\"} 1");
  free(t);
}

static void route_labels_are_escaped(void **state) {
  (void)state;
  const char *odd[] = {"GET /a\"b\\c"};
  metrics *m = metrics_new(1);
  metrics_observe(m, 0, 200, 0.001);
  char *t = render(m, odd);
  metrics_free(m);
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"GET /a\\\"b\\\\c\",status=\"200\"} 1");
  free(t);
}

static metrics *shared;
static void *hammer(void *arg) {
  size_t route = (size_t)(uintptr_t)arg;
  for (int i = 0; i < 20000; i++) metrics_observe(shared, route, 200, 0.001);
  for (int i = 0; i < 1000; i++) metrics_db_error(shared);
  return NULL;
}

static void concurrent_observations_are_not_lost(void **state) {
  (void)state;
  shared = metrics_new(2);
  pthread_t th[4];
  for (size_t i = 0; i < 4; i++) assert_int_equal(pthread_create(&th[i], NULL, hammer, (void *)(uintptr_t)(i % 2)), 0);
  for (size_t i = 0; i < 4; i++) pthread_join(th[i], NULL);
  char *t = render(shared, names);
  metrics_free(shared);
  shared = NULL;
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"GET /\",status=\"200\"} 40000");
  ASSERT_LINE(t, "zhendi_http_requests_total{route=\"GET /v/{code}\",status=\"200\"} 40000");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_count 80000");
  ASSERT_LINE(t, "zhendi_http_request_duration_seconds_bucket{le=\"0.001\"} 80000");
  ASSERT_LINE(t, "zhendi_db_errors_total 4000");
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(fresh_metrics_render_zeroes),
    cmocka_unit_test(requests_are_counted_by_route_and_status),
    cmocka_unit_test(latency_histogram_buckets),
    cmocka_unit_test(buckets_are_cumulative_and_inf_equals_count),
    cmocka_unit_test(db_errors_are_counted),
    cmocka_unit_test(route_labels_are_escaped),
    cmocka_unit_test(concurrent_observations_are_not_lost),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
