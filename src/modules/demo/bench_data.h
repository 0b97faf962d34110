/*
** bench_data.h — bulk data at township or county scale for `make bench`, the
** crash test and the soak test (the hidden `zhendi bench-data` subcommand).
**
** It starts from the demo township (`zhendi init --demo`) and adds, through
** the modules' own functions so that every row has its audit entry:
**   townships of 20 villages each until the county has `villages` villages,
**   each village with its center, Party branch and one cadre; one
**   township-admin per added township;
**   `appeals` matters spread over the last year, walked through the state
**   machine (appeal_create + appeal_transition) to the state their age makes
**   likely;
**   `members` Party members (users holding the member role at a branch).
** Each appeal's number and one-time tracking code go to `codes` (one
** "NUMBER CODE VILLAGE" line each) for the tracking benchmark.
*/
#ifndef ZD_BENCH_DATA_H
#define ZD_BENCH_DATA_H
#include <stdio.h>
#include "platform/db.h"

typedef struct bench_opts {
  int villages;          /* total villages wanted (the demo has 8) */
  int appeals;           /* matters to add */
  int members;           /* Party members to add */
  unsigned seed;         /* for the choice of village, kind, age and state */
  const char *password;  /* of the added cadres (>= 10 characters) */
  FILE *codes;           /* where NUMBER CODE VILLAGE lines go; NULL: nowhere */
  int progress;          /* print progress to stderr */
} bench_opts;

typedef struct bench_counts {
  int townships, villages, users, appeals, transitions, members;
} bench_counts;

/* Add the data to a database holding the demo township; ZD_EINVAL if it does not. */
int bench_data_load(db *d, const bench_opts *o, bench_counts *out, zd_error *e);

#endif
