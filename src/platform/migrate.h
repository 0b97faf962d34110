/*
** migrate.h — numbered SQL migrations embedded from sql/NNNN_name.sql.
** Each is applied in its own transaction and recorded in schema_migrations.
*/
#ifndef ZD_MIGRATE_H
#define ZD_MIGRATE_H
#include "db.h"

/* Highest migration number this binary carries. */
int migrate_latest(void);
/* Current schema version of the database (0 when empty). */
int migrate_current(db *d, int *version, zd_error *e);
/* Apply every pending migration. Refuses (ZD_ESCHEMA) a database newer than
** the binary. *applied receives how many ran (may be NULL). */
int migrate_up(db *d, int *applied, zd_error *e);
/* ZD_OK if the schema is exactly current, ZD_ESCHEMA with a message otherwise. */
int migrate_check(db *d, zd_error *e);

#endif
