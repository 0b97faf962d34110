/* migrate.c — see migrate.h. */
#include "migrate.h"
#include "assets.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int version_of(const char *path) {
  /* "sql/0001_org.sql" -> 1; anything else -> 0 */
  if (strncmp(path, "sql/", 4) != 0) return 0;
  const char *p = path + 4;
  for (int i = 0; i < 4; i++)
    if (p[i] < '0' || p[i] > '9') return 0;
  if (p[4] != '_') return 0;
  const char *dot = strrchr(path, '.');
  if (!dot || strcmp(dot, ".sql") != 0) return 0;
  return atoi(p);
}

int migrate_latest(void) {
  int max = 0;
  for (const zd_asset *a = zd_assets; a->path; a++) {
    int v = version_of(a->path);
    if (v > max) max = v;
  }
  return max;
}

static const char *create_table =
  "CREATE TABLE IF NOT EXISTS schema_migrations("
  " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

int migrate_current(db *d, int *version, zd_error *e) {
  db_conn *c = db_writer(d);
  int rc;
  if (!c) {
    c = db_reader(d);
    long long v = 0;
    rc = db_scalar_int(c, e, &v, 0, "SELECT max(version) FROM schema_migrations", "");
    db_release(c);
    *version = (int)v;
    return rc;
  }
  rc = db_exec_schema(c, create_table, e);
  long long v = 0;
  if (rc == ZD_OK) rc = db_scalar_int(c, e, &v, 0, "SELECT max(version) FROM schema_migrations", "");
  db_release(c);
  *version = (int)v;
  return rc;
}

int migrate_up(db *d, int *applied, zd_error *e) {
  int cur = 0, n = 0;
  if (applied) *applied = 0;
  int rc = migrate_current(d, &cur, e);
  if (rc) return rc;
  int latest = migrate_latest();
  if (cur > latest)
    return zd_fail(e, ZD_ESCHEMA, "database schema version %d is newer than this program (%d); upgrade zhendi",
                   cur, latest);
  for (int v = cur + 1; v <= latest; v++) {
    const zd_asset *m = NULL;
    for (const zd_asset *a = zd_assets; a->path; a++)
      if (version_of(a->path) == v) m = a;
    if (!m) return zd_fail(e, ZD_EINTERNAL, "migration %04d is missing from this build", v);
    /* An engine may carry its own variant beside the portable file: sql/pg/NNNN_name.sql */
    const zd_asset *variant = NULL;
    if (db_is_postgres(d)) {
      char path[160];
      snprintf(path, sizeof path, "sql/pg/%s", m->path + 4);
      variant = asset_find(path);
    }
    db_conn *c = db_writer(d);
    rc = db_begin(c, e);
    if (!rc) rc = variant ? db_exec(c, variant->data, e) : db_exec_schema(c, m->data, e);
    if (!rc)
      rc = db_run(c, e, "INSERT INTO schema_migrations(version, name, applied_at) VALUES(?, ?, ?)", "dsi", v,
                  m->path + 4, (long long)time(NULL));
    if (!rc) rc = db_commit(c, e);
    else db_rollback(c);
    db_release(c);
    if (rc) {
      char why[ZD_ERRMSG_MAX];
      strncpy(why, e ? e->msg : "", sizeof why - 1);
      why[sizeof why - 1] = 0;
      return zd_fail(e, rc, "migration %s failed: %s", m->path, why);
    }
    n++;
  }
  if (applied) *applied = n;
  return ZD_OK;
}

int migrate_check(db *d, zd_error *e) {
  int cur = 0;
  int rc = migrate_current(d, &cur, e);
  if (rc) return rc;
  int latest = migrate_latest();
  if (cur > latest)
    return zd_fail(e, ZD_ESCHEMA, "database schema version %d is newer than this program (%d); upgrade zhendi",
                   cur, latest);
  if (cur < latest)
    return zd_fail(e, ZD_ESCHEMA, "database schema version %d is older than this program (%d); run `zhendi migrate`",
                   cur, latest);
  return ZD_OK;
}
