/*
** db_engine.h — what an engine implements. Only db.c and the engines include it.
*/
#ifndef ZD_DB_ENGINE_H
#define ZD_DB_ENGINE_H
#include "db.h"

typedef struct db_engine {
  const char *name;
  /* Open one connection; writer!=0 for the read-write one. */
  void *(*connect)(const char *target, int writer, const db_options *opt, zd_error *e);
  void (*disconnect)(void *conn);
  int (*exec)(void *conn, const char *sql, zd_error *e);
  void *(*prepare)(void *conn, const char *sql, zd_error *e);
  void (*finalize)(void *stmt);
  int (*bind_int)(void *stmt, int idx, long long v);
  int (*bind_text)(void *stmt, int idx, const char *v);
  int (*bind_null)(void *stmt, int idx);
  int (*bind_double)(void *stmt, int idx, double v);
  int (*step)(void *stmt, zd_error *e);
  long long (*col_int)(void *stmt, int col);
  double (*col_double)(void *stmt, int col);
  const char *(*col_text)(void *stmt, int col);
  int (*col_null)(void *stmt, int col);
  void (*reset)(void *stmt);
  const char *begin_sql;
  int (*backup)(void *conn, const char *dest, zd_error *e);
  /* Rewrite portable schema SQL for this engine (NULL: used as is); malloc'd. */
  char *(*schema)(const char *sql);
  int (*col_count)(void *stmt);
  const char *(*col_name)(void *stmt, int col);
  /* Non-NULL: a reader holds one read transaction, begun with this, from its
  ** first statement to its release (see db.c). NULL: statements autocommit. */
  const char *read_begin_sql;
} db_engine;

extern const db_engine db_engine_sqlite;
extern const db_engine db_engine_pg;

#endif
