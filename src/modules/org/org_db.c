/* org_db.c — storage of the organisation tree and centers; see org.h. */
#include <stdlib.h>
#include <string.h>
#include "org.h"
#include "modules/audit/audit.h"
#include "platform/text.h"
#include <stdio.h>

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

static int name_ok(const char *name, zd_error *e) {
  if (!name || !*name || strlen(name) > 120 || !utf8_valid(name, strlen(name)))
    return zd_fail(e, ZD_EINVAL, "A name of 1 to 120 bytes is required.");
  return ZD_OK;
}

int org_insert(db_conn *w, const char *actor, const char *code, org_kind kind, const char *name,
               const char *name_en, long long parent_id, int sort, long long *id, zd_error *e) {
  if (!code_valid(code))
    return zd_fail(e, ZD_EINVAL, "Code '%s' is not valid: 1-32 of a-z, 0-9 and '-', starting with a letter.", code);
  if (name_ok(name, e)) return e->rc;
  if (name_en && strlen(name_en) > 120) return zd_fail(e, ZD_EINVAL, "The English name is longer than 120 bytes.");
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
  long long nid = 0;
  int rc = db_step(s, e);
  if (rc == DB_ROW) nid = db_col_int(s, 0);
  db_done(s);
  if (rc == ZD_ECONFLICT) return zd_fail(e, ZD_ECONFLICT, "The code '%s' is already used.", code);
  if (rc < 0) return rc;
  /* keep the closure table (who is under whom) that scope queries join */
  rc = db_run(w, e,
              "INSERT INTO org_closure(ancestor, descendant, depth) "
              "SELECT ancestor, CAST(? AS BIGINT), depth + 1 FROM org_closure WHERE descendant = ? "
              "UNION ALL SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), 0", "iiii", nid, parent_id, nid, nid);
  if (rc < 0) return rc;
  buf after = BUF_INIT;
  char obj[48];
  snprintf(obj, sizeof obj, "org:%s", code);
  buf_printf(&after, "{\"code\":\"%j\",\"kind\":\"%j\",\"name\":\"%j\",\"name_en\":\"%j\",\"parent\":%lld}", code,
             org_kind_key(kind), name, name_en ? name_en : "", parent_id);
  rc = audit_append(w, actor, "org.create", obj, nid, "", buf_str(&after), e);
  buf_free(&after);
  if (rc) return rc;
  if (id) *id = nid;
  return ZD_OK;
}

int org_update_names(db_conn *w, const char *actor, const org *o, const char *name, const char *name_en, zd_error *e) {
  const char *nn = name ? name : o->name, *ne = name_en ? name_en : o->name_en;
  if (name_ok(nn, e)) return e->rc;
  if (strlen(ne) > 120) return zd_fail(e, ZD_EINVAL, "The English name is longer than 120 bytes.");
  int rc = db_run(w, e, "UPDATE org SET name = ?, name_en = ? WHERE id = ?", "ssi", nn, ne, o->id);
  if (rc < 0) return rc;
  buf before = BUF_INIT, after = BUF_INIT;
  char obj[48];
  snprintf(obj, sizeof obj, "org:%s", o->code);
  buf_printf(&before, "{\"name\":\"%j\",\"name_en\":\"%j\"}", o->name, o->name_en);
  buf_printf(&after, "{\"name\":\"%j\",\"name_en\":\"%j\"}", nn, ne);
  rc = audit_append(w, actor, "org.update", obj, o->id, buf_str(&before), buf_str(&after), e);
  buf_free(&before);
  buf_free(&after);
  return rc;
}

int center_insert(db_conn *w, const char *actor, long long org_id, const center *ce, zd_error *e) {
  if (name_ok(ce->name, e)) return e->rc;
  int rc = db_run(w, e,
                  "INSERT INTO center(org_id, name, address, lat, lng, floor_area_m2, opening_hours, phone) "
                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                  "issffdss", org_id, ce->name, ce->address, ce->lat, ce->lng, ce->floor_area_m2, ce->opening_hours,
                  ce->phone);
  if (rc < 0) return rc;
  buf after = BUF_INIT;
  buf_printf(&after, "{\"name\":\"%j\",\"address\":\"%j\",\"opening_hours\":\"%j\"}", ce->name, ce->address,
             ce->opening_hours);
  rc = audit_append(w, actor, "center.create", "center", org_id, "", buf_str(&after), e);
  buf_free(&after);
  return rc;
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

int org_children_centers(db_conn *c, long long parent, org **out, center **centers, size_t *n, zd_error *e) {
  *out = NULL;
  *centers = NULL;
  *n = 0;
  db_stmt *s = db_query(c, e,
                        "SELECT o.id, o.code, o.kind, o.name, o.name_en, COALESCE(o.parent_id, 0), "
                        "COALESCE(ce.name, ''), COALESCE(ce.address, '') FROM org o LEFT JOIN center ce ON ce.org_id = o.id "
                        "WHERE o.parent_id = ? ORDER BY o.sort, o.code", "i", parent);
  if (!s) return e ? e->rc : ZD_EDB;
  int rc;
  size_t cap = 0;
  while ((rc = db_step(s, e)) == DB_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 32;
      org *v = realloc(*out, cap * sizeof *v);
      if (v) *out = v;
      center *ce = v ? realloc(*centers, cap * sizeof *ce) : NULL;
      if (ce) *centers = ce;
      if (!v || !ce) { rc = zd_fail(e, ZD_EINTERNAL, "out of memory"); break; }
    }
    org *v = *out;
    center *ce = *centers;
    row_to_org(s, &v[*n]);
    memset(&ce[*n], 0, sizeof ce[*n]);
    copy(ce[*n].name, sizeof ce[*n].name, db_col_text(s, 6));
    copy(ce[*n].address, sizeof ce[*n].address, db_col_text(s, 7));
    (*n)++;
  }
  db_done(s);
  if (rc < 0) {
    free(*out);
    free(*centers);
    *out = NULL;
    *centers = NULL;
    *n = 0;
    return rc;
  }
  return ZD_OK;
}
