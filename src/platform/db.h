/*
** db.h — the one database interface every module uses.
**
** A `db` is a pool: one writer connection (all writes go through it, one
** transaction at a time) and N reader connections (one per worker thread).
** Engines sit behind a small vtable (db_engine.h); SQLite is built in, and a
** PostgreSQL engine can be added without touching modules, because modules see
** only this header: `?` placeholders, integer/text/NULL binds, step/column.
**
** SQL written by modules must be portable between SQLite and PostgreSQL:
** bound parameters only, integer epoch seconds for time, RETURNING for new ids.
*/
#ifndef ZD_DB_H
#define ZD_DB_H
#include <stddef.h>
#include "err.h"

typedef struct db db;
typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

enum { DB_DONE = 0, DB_ROW = 1 };

typedef struct db_options {
  int readers;        /* reader connections (>=1) */
  int sync_full;      /* SQLite: synchronous=FULL instead of NORMAL */
  int readonly;       /* open without a writer (backup source, reports) */
} db_options;

/* url: a file path, "sqlite:PATH", or "postgres://..." / "postgresql://...". */
int db_open(const char *url, const db_options *opt, db **out, zd_error *e);
void db_close(db *d);
const char *db_engine_name(const db *d);

db_conn *db_reader(db *d);  /* blocks until a reader is free */
db_conn *db_writer(db *d);  /* blocks until the writer is free */
void db_release(db_conn *c);

int db_begin(db_conn *c, zd_error *e);  /* write transaction (IMMEDIATE on SQLite) */
int db_commit(db_conn *c, zd_error *e);
void db_rollback(db_conn *c);
/* Run a script of statements without parameters (migrations, pragmas). */
int db_exec(db_conn *c, const char *sql, zd_error *e);
/* Same, for portable schema text the engine may rewrite (PostgreSQL: BIGINT, identity keys). */
int db_exec_schema(db_conn *c, const char *sql, zd_error *e);
int db_is_postgres(const db *d);
/* url with any password replaced by "***", for logs and messages. */
void db_redact(const char *url, char *out, size_t n);
db *db_of(db_conn *c);

/* Prepared statements are cached per connection by their SQL text. */
db_stmt *db_prepare(db_conn *c, const char *sql, zd_error *e);
/* Prepare and bind in one call. types: 'i' long long, 'd' int, 's' text (NULL
** pointer binds NULL), 'z' long long that binds NULL when 0 (optional ids),
** 'f' double, 'n' NULL (takes no argument). */
db_stmt *db_query(db_conn *c, zd_error *e, const char *sql, const char *types, ...);
int db_bind_int(db_stmt *s, int idx, long long v);
int db_bind_text(db_stmt *s, int idx, const char *v);
int db_bind_null(db_stmt *s, int idx);
int db_bind_double(db_stmt *s, int idx, double v);
int db_step(db_stmt *s, zd_error *e);  /* DB_ROW, DB_DONE, or ZD_E* */
long long db_col_int(db_stmt *s, int col);
double db_col_double(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col);  /* "" for NULL; valid until next step */
int db_col_null(db_stmt *s, int col);
int db_col_count(db_stmt *s);                    /* valid after the first step */
const char *db_col_name(db_stmt *s, int col);
void db_done(db_stmt *s);  /* reset and give back to the cache (NULL is fine) */

/* Run a statement to completion; returns DB_DONE or an error. */
int db_run(db_conn *c, zd_error *e, const char *sql, const char *types, ...);
/* First column of the first row as an integer, or dflt when there is no row. */
int db_scalar_int(db_conn *c, zd_error *e, long long *out, long long dflt, const char *sql,
                  const char *types, ...);

/* Copy the live database to dest (SQLite online backup). */
int db_backup(db *d, const char *dest, zd_error *e);

#endif
