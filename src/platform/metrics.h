/*
** metrics.h — request counters by route and status, a latency histogram and
** database error counts, rendered in the Prometheus text format. Counters are
** atomics inside the metrics object (created at startup, passed around).
*/
#ifndef ZD_METRICS_H
#define ZD_METRICS_H
#include "buf.h"

typedef struct metrics metrics;

/* nroutes named routes plus one "unmatched" slot at index nroutes. */
metrics *metrics_new(size_t nroutes);
void metrics_free(metrics *m);
void metrics_observe(metrics *m, size_t route, int status, double seconds);
void metrics_db_error(metrics *m);
/* names[i] is the label of route i (e.g. "GET /v/{code}"). */
void metrics_render(metrics *m, const char *const *names, buf *out);

#endif
