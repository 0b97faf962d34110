/*
** copy.h — move a whole SQLite database into an empty PostgreSQL one
** (`zhendi copy`): every table in creation order (so references resolve),
** rows as they are, the audit chain included; identity sequences are moved
** past the copied ids. Knows no module: tables are read from the source.
*/
#ifndef ZD_COPY_H
#define ZD_COPY_H
#include "db.h"

/* progress: called after each batch (may be NULL). */
typedef void (*copy_progress)(const char *table, long long done, long long total, void *arg);

int copy_database(db *from, db *to, copy_progress cb, void *arg, long long *rows, zd_error *e);

#endif
