/*
** ratelimit.h — fixed-window counters keyed by text ("login:renhe-admin",
** "addr:127.0.0.1"), shared by the worker threads behind one mutex. Memory is
** bounded: when the table is full, expired windows are swept first, then the
** oldest entry gives way.
*/
#ifndef ZD_RATELIMIT_H
#define ZD_RATELIMIT_H

typedef struct ratelimit ratelimit;

ratelimit *rl_new(int capacity);
void rl_free(ratelimit *rl);
/* Count within the current window of `window` seconds at time now. */
int rl_count(ratelimit *rl, const char *key, long long now, int window);
/* Add one; returns the new count. */
int rl_hit(ratelimit *rl, const char *key, long long now, int window);
void rl_clear(ratelimit *rl, const char *key);
/* Check and count in one step: 1 (and counted) if the key is below limit in
** its window, else 0. Concurrent callers cannot overshoot the limit. */
int rl_take(ratelimit *rl, const char *key, long long now, int window, int limit);
/* Give back one taken unit (the work it allowed did not happen). */
void rl_give_back(ratelimit *rl, const char *key, long long now, int window);

#endif
