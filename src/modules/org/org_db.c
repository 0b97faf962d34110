/* org_db.c — storage of the organisation tree and centers; see org.h. */
#include <stdlib.h>
#include <string.h>
#include "org.h"
#include "platform/text.h"

#define ORG_COLS "id, code, kind, name, name_en, COALESCE(parent_id, 0)"

static void copy(char *dst, size_t n, const char *src) {
  strncpy(dst, src ? src : "", n - 1);
  dst[n - 1] = 0;
}

static void row_to_org(db_stmt *s, org *o) {
  o->id = db_col_int(s, 0);
  copy(o->code, sizeof o->code, db_col_text(s, 1));
  int k = org_kind_parse(db_col_text(s, 2));
  o->kind = k < 0 ? ORG_VILLAGE : (org_kind)k;
  copy(o->name, sizeof o->name, db_col_text(s, 3));
  copy(o->name_en, sizeof o->name_en, db_col_text(s, 4));
  o->parent_id = db_col_int(s, 5);
}

static int one(db_stmt *s, org *out, zd_error *e, const char *what) {
  if (!s) return e ? e->rc : ZD_EDB;
  int rc = db_step(s, e);
  if (rc == DB_ROW) row_to_org(s, out);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No organisation %s.", what);
  return rc < 0 ? rc : ZD_OK;
}

int org_by_code(db_conn *c, const char *code, org *out, zd_error *e) {
  if (!code_valid(code)) return zd_fail(e, ZD_ENOTFOUND, "No organisation with this code.");
  return one(db_query(c, e, "SELECT " ORG_COLS " FROM org WHERE code = ?", "s", code), out, e, "with this code");
}

int org_by_id(db_conn *c, long long id, org *out, zd_error *e) {
  return one(db_query(c, e, "SELECT " ORG_COLS " FROM org WHERE id = ?", "i", id), out, e, "with this id");
}

int org_children(db_conn *c, long long parent, org **out, size_t *n, zd_error *e) {
  *out = NULL;
  *n = 0;
  db_stmt *s = parent ? db_query(c, e, "SELECT " ORG_COLS " FROM org WHERE parent_id = ? ORDER BY sort, code", "i", parent)
                      : db_query(c, e, "SELECT " ORG_COLS " FROM org WHERE parent_id IS NULL ORDER BY sort, code", "");
  if (!s) return e ? e->rc : ZD_EDB;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    org *v = realloc(*out, (*n + 1) * sizeof *v);
    if (!v) { rc = zd_fail(e, ZD_EINTERNAL, "out of memory"); break; }
    *out = v;
    row_to_org(s, &v[(*n)++]);
  }
  db_done(s);
  if (rc < 0) { free(*out); *out = NULL; *n = 0; return rc; }
  return ZD_OK;
}

int org_insert(db_conn *w, const char *code, org_kind kind, const char *name, const char *name_en,
               long long parent_id, int sort, long long *id, zd_error *e) {
  if (!code_valid(code))
    return zd_fail(e, ZD_EINVAL, "Code '%s' is not valid: 1-32 of a-z, 0-9 and '-', starting with a letter.", code);
  if (!name || !*name || strlen(name) > 120) return zd_fail(e, ZD_EINVAL, "A name of 1 to 120 bytes is required.");
  int pk = -1;
  if (parent_id) {
    org p;
    int rc = org_by_id(w, parent_id, &p, e);
    if (rc) return rc;
    pk = (int)p.kind;
  }
  if (!org_parent_allowed(pk, kind))
    return zd_fail(e, ZD_EINVAL, "A %s cannot be placed there.", org_kind_key(kind));
  db_stmt *s = db_query(w, e,
                        "INSERT INTO org(code, kind, name, name_en, parent_id, sort) VALUES(?, ?, ?, ?, ?, ?) RETURNING id",
                        "sssszd", code, org_kind_key(kind), name, name_en ? name_en : "", parent_id, sort);
  if (!s) return e ? e->rc : ZD_EDB;
  int rc = db_step(s, e);
  if (rc == DB_ROW && id) *id = db_col_int(s, 0);
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int center_of(db_conn *c, long long org_id, center *out, zd_error *e) {
  db_stmt *s = db_query(c, e,
                        "SELECT id, name, address, opening_hours, phone, lat, lng, floor_area_m2 "
                        "FROM center WHERE org_id = ?", "i", org_id);
  if (!s) return e ? e->rc : ZD_EDB;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    memset(out, 0, sizeof *out);
    out->id = db_col_int(s, 0);
    copy(out->name, sizeof out->name, db_col_text(s, 1));
    copy(out->address, sizeof out->address, db_col_text(s, 2));
    copy(out->opening_hours, sizeof out->opening_hours, db_col_text(s, 3));
    copy(out->phone, sizeof out->phone, db_col_text(s, 4));
    out->has_gps = !db_col_null(s, 5) && !db_col_null(s, 6);
    if (out->has_gps) {
      out->lat = db_col_double(s, 5);
      out->lng = db_col_double(s, 6);
    }
    out->floor_area_m2 = (int)db_col_int(s, 7);
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "This village has no center on record.");
  return rc < 0 ? rc : ZD_OK;
}
