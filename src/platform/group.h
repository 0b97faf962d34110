/*
** group.h — group commit: short writes that arrive together share one
** transaction and one COMMIT (one WAL append, one fsync at synchronous=FULL).
**
** A handler hands its write to the group thread with req_defer() (req.h) and
** returns ZD_DEFERRED; http.c suspends the connection. The group thread takes
** every job queued behind the one it is running (up to GROUP_MAX), runs them
** all in one write transaction and COMMITs once, then resumes the connections.
** If a job fails, that transaction is rolled back and each job runs again in a
** transaction of its own, so a job that fails fails alone and the others stand.
** A job's run() must therefore change nothing but the database: it may run
** twice. Nothing is answered before its COMMIT: an acknowledged write is as
** durable as one committed on its own. If the COMMIT itself fails, every job
** of the batch fails with that error.
**
** After group_close() (shutdown) jobs run at once on the caller's thread, one
** transaction each, so no connection is left suspended.
*/
#ifndef ZD_GROUP_H
#define ZD_GROUP_H
#include "db.h"
#include "err.h"

#define GROUP_MAX 64

typedef struct group group;

typedef struct group_job {
  /* runs on the writer inside the batch's transaction; returns ZD_OK or a ZD_E* code;
  ** may run a second time, after a rollback, so it changes only the database */
  int (*run)(db_conn *w, void *arg, zd_error *e);
  /* called once the job's outcome is final (after its COMMIT, or its rollback) */
  void (*done)(struct group_job *j);
  void *arg;
  int rc;
  zd_error err;
  struct group_job *next;
} group_job;

typedef struct group_stats {
  unsigned long jobs, batches, largest;
} group_stats;

group *group_start(db *d);
/* Queue a job; done() runs on the group thread. Returns 0, or -1 after
** group_close(), when the caller must run it with group_run_now(). */
int group_submit(group *g, group_job *j);
/* Run one job in a transaction of its own on the calling thread. */
void group_run_now(db *d, group_job *j);
/* Stop taking jobs and wait until every queued one is done. */
void group_close(group *g);
void group_free(group *g);
group_stats group_get_stats(group *g);

#endif
