/* group.c — group commit of short writes (see group.h). */
#include "group.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct group {
  db *d;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;    /* jobs arrived, or closing */
  pthread_cond_t idle;  /* the queue is empty and no batch is running */
  group_job *head, *tail;
  int closing, busy, started;
  group_stats stats;
};

static void job_reset(group_job *j) {
  j->rc = 0;
  j->err.rc = 0;
  j->err.msg[0] = 0;
}

static void fail_all(group_job *list, const zd_error *e) {
  for (group_job *j = list; j; j = j->next) {
    if (j->rc) continue; /* keeps its own reason */
    j->rc = e->rc ? e->rc : ZD_EDB;
    j->err = *e;
    if (!j->err.rc) j->err.rc = j->rc;
  }
}

/* Every job of the list in one transaction; ZD_OK once it has committed. A job
** that fails rolls the whole transaction back (its rc says why). */
static int run_together(db_conn *w, group_job *list, zd_error *e) {
  int rc = db_begin(w, e);
  if (rc) return rc;
  for (group_job *j = list; j; j = j->next) {
    job_reset(j);
    j->rc = j->run(w, j->arg, &j->err);
    if (j->rc) {
      if (!j->err.rc) j->err.rc = j->rc;
      db_rollback(w);
      return j->rc;
    }
  }
  return db_commit(w, e); /* rolls back by itself when it fails */
}

/* The common case costs one transaction and nothing per job. When a job fails,
** the batch is rolled back and each job runs again in a transaction of its
** own, so only the failing one fails. */
static void run_batch(db *d, group_job *list) {
  db_conn *w = db_writer(d);
  zd_error e = {0, ""};
  if (!w) {
    zd_fail(&e, ZD_EUNAVAIL, "no database writer");
    fail_all(list, &e);
  } else if (run_together(w, list, &e) != ZD_OK) {
    int job_failed = 0;
    for (group_job *j = list; j; j = j->next) job_failed |= j->rc != 0;
    if (!job_failed || !list->next) {
      fail_all(list, &e); /* BEGIN or COMMIT failed, or the only job did */
    } else {
      for (group_job *j = list, *next; j; j = next) {
        next = j->next;
        j->next = NULL; /* one at a time */
        zd_error je = {0, ""};
        if (run_together(w, j, &je) != ZD_OK && !j->rc) fail_all(j, &je);
        j->next = next;
      }
    }
  }
  if (w) db_release(w);
  for (group_job *j = list, *next; j; j = next) {
    next = j->next; /* done() may free the job */
    j->done(j);
  }
}

void group_run_now(db *d, group_job *j) {
  j->next = NULL;
  j->rc = 0;
  run_batch(d, j);
}

static void *loop(void *arg) {
  group *g = arg;
  pthread_mutex_lock(&g->mu);
  for (;;) {
    while (!g->head && !g->closing) pthread_cond_wait(&g->cv, &g->mu);
    if (!g->head && g->closing) break;
    /* take up to GROUP_MAX jobs; the rest wait for the next batch */
    group_job *list = g->head, *last = list;
    unsigned long n = 1;
    while (last->next && n < GROUP_MAX) { last = last->next; n++; }
    g->head = last->next;
    if (!g->head) g->tail = NULL;
    last->next = NULL;
    g->busy = 1;
    g->stats.jobs += n;
    g->stats.batches++;
    if (n > g->stats.largest) g->stats.largest = n;
    pthread_mutex_unlock(&g->mu);
    for (group_job *j = list; j; j = j->next) j->rc = 0;
    run_batch(g->d, list);
    pthread_mutex_lock(&g->mu);
    g->busy = 0;
    if (!g->head) pthread_cond_broadcast(&g->idle);
  }
  pthread_mutex_unlock(&g->mu);
  return NULL;
}

group *group_start(db *d) {
  group *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  g->d = d;
  pthread_mutex_init(&g->mu, NULL);
  pthread_cond_init(&g->cv, NULL);
  pthread_cond_init(&g->idle, NULL);
  if (pthread_create(&g->thread, NULL, loop, g)) {
    group_free(g);
    return NULL;
  }
  g->started = 1;
  return g;
}

int group_submit(group *g, group_job *j) {
  j->next = NULL;
  pthread_mutex_lock(&g->mu);
  if (g->closing) {
    pthread_mutex_unlock(&g->mu);
    return -1;
  }
  if (g->tail) g->tail->next = j;
  else g->head = j;
  g->tail = j;
  pthread_cond_signal(&g->cv);
  pthread_mutex_unlock(&g->mu);
  return 0;
}

void group_close(group *g) {
  if (!g) return;
  pthread_mutex_lock(&g->mu);
  g->closing = 1;
  pthread_cond_broadcast(&g->cv);
  while (g->head || g->busy) pthread_cond_wait(&g->idle, &g->mu);
  pthread_mutex_unlock(&g->mu);
}

void group_free(group *g) {
  if (!g) return;
  if (g->started) {
    group_close(g);
    pthread_join(g->thread, NULL);
  }
  pthread_cond_destroy(&g->idle);
  pthread_cond_destroy(&g->cv);
  pthread_mutex_destroy(&g->mu);
  free(g);
}

group_stats group_get_stats(group *g) {
  group_stats s = {0, 0, 0};
  if (!g) return s;
  pthread_mutex_lock(&g->mu);
  s = g->stats;
  pthread_mutex_unlock(&g->mu);
  return s;
}
