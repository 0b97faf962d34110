/* ratelimit.c — see ratelimit.h. */
#include "ratelimit.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
  char key[96];
  long long start;
  int window;
  int count;
} slot;

struct ratelimit {
  pthread_mutex_t mu;
  slot *s;
  int cap;
};

ratelimit *rl_new(int capacity) {
  ratelimit *rl = calloc(1, sizeof *rl);
  if (!rl) return NULL;
  rl->s = calloc((size_t)capacity, sizeof *rl->s);
  if (!rl->s) { free(rl); return NULL; }
  rl->cap = capacity;
  pthread_mutex_init(&rl->mu, NULL);
  return rl;
}

void rl_free(ratelimit *rl) {
  if (!rl) return;
  pthread_mutex_destroy(&rl->mu);
  free(rl->s);
  free(rl);
}

static slot *find(ratelimit *rl, const char *key, long long now, int window, int create) {
  slot *empty = NULL, *expired = NULL, *oldest = NULL;
  for (int i = 0; i < rl->cap; i++) {
    slot *s = &rl->s[i];
    if (!s->key[0]) { if (!empty) empty = s; continue; }
    if (strncmp(s->key, key, sizeof s->key - 1) == 0) {
      if (now - s->start >= window) { s->start = now; s->count = 0; }
      s->window = window;
      return s;
    }
    if (now - s->start >= s->window) { if (!expired) expired = s; }
    else if (!oldest || s->start < oldest->start) oldest = s;
  }
  if (!create) return NULL;
  /* an empty slot first, then one whose own window has passed, then the oldest */
  slot *s = empty ? empty : expired ? expired : oldest;
  if (!s) return NULL;
  strncpy(s->key, key, sizeof s->key - 1);
  s->key[sizeof s->key - 1] = 0;
  s->start = now;
  s->window = window;
  s->count = 0;
  return s;
}

int rl_count(ratelimit *rl, const char *key, long long now, int window) {
  pthread_mutex_lock(&rl->mu);
  slot *s = find(rl, key, now, window, 0);
  int n = s ? s->count : 0;
  pthread_mutex_unlock(&rl->mu);
  return n;
}

int rl_hit(ratelimit *rl, const char *key, long long now, int window) {
  pthread_mutex_lock(&rl->mu);
  slot *s = find(rl, key, now, window, 1);
  int n = s ? ++s->count : 0;
  pthread_mutex_unlock(&rl->mu);
  return n;
}

void rl_clear(ratelimit *rl, const char *key) {
  pthread_mutex_lock(&rl->mu);
  for (int i = 0; i < rl->cap; i++)
    if (rl->s[i].key[0] && strncmp(rl->s[i].key, key, sizeof rl->s[i].key - 1) == 0) rl->s[i].key[0] = 0;
  pthread_mutex_unlock(&rl->mu);
}

int rl_take(ratelimit *rl, const char *key, long long now, int window, int limit) {
  pthread_mutex_lock(&rl->mu);
  slot *s = find(rl, key, now, window, 1);
  int ok = s && s->count < limit;
  if (ok) s->count++;
  pthread_mutex_unlock(&rl->mu);
  return ok;
}

void rl_give_back(ratelimit *rl, const char *key, long long now, int window) {
  pthread_mutex_lock(&rl->mu);
  slot *s = find(rl, key, now, window, 0);
  if (s && s->count > 0) s->count--;
  pthread_mutex_unlock(&rl->mu);
}
