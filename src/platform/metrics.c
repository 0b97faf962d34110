/* metrics.c — see metrics.h. */
#include "metrics.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static const int statuses[] = {200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404,
                               405, 409, 413, 415, 429, 431, 500, 503};
#define NSTATUS (sizeof statuses / sizeof statuses[0])
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBOUND (sizeof bounds / sizeof bounds[0])

struct metrics {
  size_t nroutes;
  atomic_ullong *count;           /* (nroutes+1) * (NSTATUS+1) */
  atomic_ullong hist[NBOUND + 1];
  atomic_ullong hist_sum_us;
  atomic_ullong hist_count;
  atomic_ullong db_errors;
};

metrics *metrics_new(size_t nroutes) {
  metrics *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->nroutes = nroutes;
  m->count = calloc((nroutes + 1) * (NSTATUS + 1), sizeof *m->count);
  if (!m->count) { free(m); return NULL; }
  return m;
}

void metrics_free(metrics *m) {
  if (!m) return;
  free(m->count);
  free(m);
}

void metrics_observe(metrics *m, size_t route, int status, double s) {
  if (route > m->nroutes) route = m->nroutes;
  size_t si = NSTATUS;
  for (size_t i = 0; i < NSTATUS; i++)
    if (statuses[i] == status) si = i;
  atomic_fetch_add(&m->count[route * (NSTATUS + 1) + si], 1);
  size_t b = NBOUND;
  for (size_t i = 0; i < NBOUND; i++)
    if (s <= bounds[i]) { b = i; break; }
  atomic_fetch_add(&m->hist[b], 1);
  atomic_fetch_add(&m->hist_sum_us, (unsigned long long)(s * 1e6));
  atomic_fetch_add(&m->hist_count, 1);
}

void metrics_db_error(metrics *m) { atomic_fetch_add(&m->db_errors, 1); }

void metrics_render(metrics *m, const char *const *names, buf *o) {
  buf_puts(o, "# HELP zhendi_http_requests_total HTTP requests by route and status.\n"
              "# TYPE zhendi_http_requests_total counter\n");
  for (size_t r = 0; r <= m->nroutes; r++) {
    for (size_t s = 0; s <= NSTATUS; s++) {
      unsigned long long v = atomic_load(&m->count[r * (NSTATUS + 1) + s]);
      if (!v) continue;
      char st[16];
      if (s < NSTATUS) snprintf(st, sizeof st, "%d", statuses[s]); else snprintf(st, sizeof st, "other");
      buf_printf(o, "zhendi_http_requests_total{route=\"%j\",status=\"%r\"} %lld\n",
                 r < m->nroutes ? names[r] : "unmatched", st, (long long)v);
    }
  }
  buf_puts(o, "# HELP zhendi_http_request_duration_seconds Time from first byte to response.\n"
              "# TYPE zhendi_http_request_duration_seconds histogram\n");
  unsigned long long cum = 0;
  for (size_t i = 0; i <= NBOUND; i++) {
    cum += atomic_load(&m->hist[i]);
    char le[32];
    if (i < NBOUND) snprintf(le, sizeof le, "%g", bounds[i]); else snprintf(le, sizeof le, "+Inf");
    buf_printf(o, "zhendi_http_request_duration_seconds_bucket{le=\"%r\"} %lld\n", le, (long long)cum);
  }
  char sum[64];
  snprintf(sum, sizeof sum, "%.6f", (double)atomic_load(&m->hist_sum_us) / 1e6);
  buf_printf(o, "zhendi_http_request_duration_seconds_sum %r\n", sum);
  buf_printf(o, "zhendi_http_request_duration_seconds_count %lld\n", (long long)atomic_load(&m->hist_count));
  buf_puts(o, "# HELP zhendi_db_errors_total Database errors seen while serving requests.\n"
              "# TYPE zhendi_db_errors_total counter\n");
  buf_printf(o, "zhendi_db_errors_total %lld\n", (long long)atomic_load(&m->db_errors));
}
