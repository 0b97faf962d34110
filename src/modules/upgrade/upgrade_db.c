/* upgrade_db.c — storage of uploads, centers (function areas, checklist,
** photos), plaques and the township whitelist; every write audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_store.h"
#include "modules/audit/audit.h"
#include "platform/text.h"

static void cp(char *d, size_t n, const char *s) { snprintf(d, n, "%s", s ? s : ""); }
static long long now_s(void) { return (long long)time(NULL); }
static int sha_ok(const char *s) {
  if (!s || strlen(s) != 64) return 0;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return 0;
  return 1;
}

/* --- uploads --- */

#define UPLOAD_COLS                                                                                                  \
  "id, sha256, kind, size, width, height, public_sha, public_width, public_height, thumb_sha, taken_at, "            \
  "gps_lat IS NOT NULL, COALESCE(gps_lat, 0), COALESCE(gps_lng, 0), COALESCE(org_id, 0), COALESCE(uploader_id, 0), " \
  "created_at"

int upg_upload_get(db_conn *c, const char *sha, upg_upload *u, zd_error *e) {
  if (!sha_ok(sha)) return zd_fail(e, ZD_ENOTFOUND, "No such photo.");
  db_stmt *s = db_query(c, e, "SELECT " UPLOAD_COLS " FROM upload WHERE sha256 = ?", "s", sha);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    memset(u, 0, sizeof *u);
    u->id = db_col_int(s, 0);
    cp(u->sha, sizeof u->sha, db_col_text(s, 1));
    const char *k = db_col_text(s, 2);
    u->type = strcmp(k, "jpeg") == 0 ? IMG_JPEG : strcmp(k, "png") == 0 ? IMG_PNG : IMG_WEBP;
    u->size = db_col_int(s, 3);
    u->w = (int)db_col_int(s, 4);
    u->h = (int)db_col_int(s, 5);
    cp(u->public_sha, sizeof u->public_sha, db_col_text(s, 6));
    u->pw = (int)db_col_int(s, 7);
    u->ph = (int)db_col_int(s, 8);
    cp(u->thumb_sha, sizeof u->thumb_sha, db_col_text(s, 9));
    u->taken_at = db_col_int(s, 10);
    u->has_gps = (int)db_col_int(s, 11);
    u->lat = db_col_double(s, 12);
    u->lng = db_col_double(s, 13);
    u->org_id = db_col_int(s, 14);
    u->uploader_id = db_col_int(s, 15);
    u->created_at = db_col_int(s, 16);
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such photo.");
  return rc < 0 ? rc : ZD_OK;
}

int upg_upload_put(db_conn *w, const char *actor, const upg_upload *u, int *created, zd_error *e) {
  long long n = 0;
  *created = 0;
  int rc = db_scalar_int(w, e, &n, 0, "SELECT count(*) FROM upload WHERE sha256 = ?", "s", u->sha);
  if (rc || n) return rc;
  const char *kind = u->type == IMG_JPEG ? "jpeg" : u->type == IMG_PNG ? "png" : "webp";
  if (u->has_gps)
    rc = db_run(w, e,
                "INSERT INTO upload(sha256, kind, size, width, height, public_sha, public_width, public_height, thumb_sha, "
                "taken_at, gps_lat, gps_lng, org_id, uploader_id, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "ssiddsddsiffzzi", u->sha, kind, u->size, u->w, u->h, u->public_sha, u->pw, u->ph, u->thumb_sha, u->taken_at,
                u->lat, u->lng, u->org_id, u->uploader_id, u->created_at);
  else
    rc = db_run(w, e,
                "INSERT INTO upload(sha256, kind, size, width, height, public_sha, public_width, public_height, thumb_sha, "
                "taken_at, org_id, uploader_id, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "ssiddsddsizzi", u->sha, kind, u->size, u->w, u->h, u->public_sha, u->pw, u->ph, u->thumb_sha, u->taken_at,
                u->org_id, u->uploader_id, u->created_at);
  if (rc < 0) return rc;
  char obj[80];
  snprintf(obj, sizeof obj, "upload:%s", u->sha);
  buf after = BUF_INIT;
  /* the position stays in the row (internal); the audit keeps what was stored */
  buf_printf(&after, "{\"kind\":\"%j\",\"size\":%lld,\"width\":%d,\"height\":%d,\"public\":\"%j\",\"thumb\":\"%j\",\"gps\":%r}",
             kind, u->size, u->w, u->h, u->public_sha, u->thumb_sha, u->has_gps ? "true" : "false");
  rc = audit_append(w, actor, "upload.create", obj, u->org_id, "", buf_str(&after), e);
  buf_free(&after);
  if (!rc) *created = 1;
  return rc;
}

int upg_upload_ref(db_conn *c, const char *sha, const char *field, zd_error *e) {
  if (!sha || !*sha) return ZD_OK;
  long long n = 0;
  int rc = sha_ok(sha) ? db_scalar_int(c, e, &n, 0, "SELECT count(*) FROM upload WHERE sha256 = ?", "s", sha) : ZD_OK;
  if (rc) return rc;
  if (!n) return zd_fail(e, ZD_EINVAL, "%s: no uploaded photo has this sha256; upload it first (POST /api/v1/uploads).", field);
  return ZD_OK;
}

int upg_upload_is_public(db_conn *c, const char *sha, int *pub, zd_error *e) {
  long long n = 0;
  *pub = 0;
  int rc = db_scalar_int(c, e, &n, 0, "SELECT count(*) FROM center_photo WHERE sha256 = ?", "s", sha);
  if (rc) return rc;
  *pub = n > 0;
  return ZD_OK;
}

/* --- centers --- */

int upg_center_load(db_conn *c, long long org_id, upg_center *out, zd_error *e) {
  memset(out, 0, sizeof *out);
  int rc = center_of(c, org_id, &out->c, e);
  if (rc && rc != ZD_ENOTFOUND) return rc;
  out->has_center = rc == ZD_OK;
  db_stmt *s = db_query(c, e, "SELECT id, name, area_m2 FROM center_area WHERE org_id = ? ORDER BY sort, id", "i", org_id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW && out->nareas < UPG_MAX_AREAS) {
    upg_area *a = &out->areas[out->nareas++];
    a->id = db_col_int(s, 0);
    cp(a->name, sizeof a->name, db_col_text(s, 1));
    a->area_m2 = (int)db_col_int(s, 2);
  }
  db_done(s);
  if (rc < 0) return rc;
  s = db_query(c, e,
               "SELECT f.area_id, f.fn FROM center_area_fn f JOIN center_area a ON a.id = f.area_id WHERE a.org_id = ?",
               "i", org_id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    long long id = db_col_int(s, 0);
    int fn = upg_fn_parse(db_col_text(s, 1));
    for (int i = 0; i < out->nareas; i++)
      if (out->areas[i].id == id && fn >= 0) out->areas[i].fns |= 1u << fn;
  }
  db_done(s);
  if (rc < 0) return rc;
  s = db_query(c, e, "SELECT item, state, note, updated_at FROM center_check WHERE org_id = ?", "i", org_id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    int it = upg_check_parse(db_col_text(s, 0)), st = upg_cstate_parse(db_col_text(s, 1));
    if (it < 0 || st < 0) continue;
    out->checks[it].state = (upg_check_state)st;
    cp(out->checks[it].note, sizeof out->checks[it].note, db_col_text(s, 2));
    out->checks[it].updated_at = db_col_int(s, 3);
  }
  db_done(s);
  if (rc < 0) return rc;
  s = db_query(c, e, "SELECT sha256, caption FROM center_photo WHERE org_id = ? ORDER BY sort, id", "i", org_id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW && out->nphotos < UPG_MAX_PHOTOS) {
    upg_cphoto *p = &out->photos[out->nphotos++];
    cp(p->sha, sizeof p->sha, db_col_text(s, 0));
    cp(p->caption, sizeof p->caption, db_col_text(s, 1));
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

static void scalars_json(buf *b, const center *c, int has) {
  if (!has) { buf_puts(b, "{}"); return; }
  buf_printf(b, "{\"name\":\"%j\",\"address\":\"%j\",\"opening_hours\":\"%j\",\"phone\":\"%j\",\"floor_area_m2\":%d,",
             c->name, c->address, c->opening_hours, c->phone, c->floor_area_m2);
  if (c->has_gps) {
    char g[96];
    snprintf(g, sizeof g, "\"lat\":%.6f,\"lng\":%.6f}", c->lat, c->lng);
    buf_puts(b, g);
  } else {
    buf_puts(b, "\"lat\":null,\"lng\":null}");
  }
}

static void areas_json(buf *b, const upg_area *a, int n) {
  buf_putc(b, '[');
  for (int i = 0; i < n; i++) {
    buf_printf(b, "%r{\"name\":\"%j\",\"area_m2\":%d,\"functions\":[", i ? "," : "", a[i].name, a[i].area_m2);
    int first = 1;
    for (int f = 0; f < UF_COUNT; f++)
      if (a[i].fns & (1u << f)) {
        buf_printf(b, "%r\"%j\"", first ? "" : ",", upg_fn_key((upg_fn)f));
        first = 0;
      }
    buf_puts(b, "]}");
  }
  buf_putc(b, ']');
}

static void photos_json(buf *b, const upg_cphoto *p, int n) {
  buf_putc(b, '[');
  for (int i = 0; i < n; i++)
    buf_printf(b, "%r{\"sha256\":\"%j\",\"caption\":\"%j\"}", i ? "," : "", p[i].sha, p[i].caption);
  buf_putc(b, ']');
}

static int audit_json(db_conn *w, const char *actor, const char *action, const org *v, buf *before, buf *after,
                      zd_error *e) {
  char obj[64];
  snprintf(obj, sizeof obj, "center:%s", v->code);
  int rc = audit_append(w, actor, action, obj, v->id, buf_str(before), buf_str(after), e);
  buf_free(before);
  buf_free(after);
  return rc;
}

static int phone_ok(const char *p) {
  for (; p && *p; p++)
    if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == ' ')) return 0;
  return 1;
}

int upg_center_change_check(const upg_center_change *ch, const char **field, int *index, const char **why) {
  *index = -1;
  *field = NULL;
  *why = NULL;
#define BAD(f, i, w) do { *field = (f); *index = (i); *why = (w); return ZD_EINVAL; } while (0)
  const char *p;
  if (ch->name && (p = upg_text_problem(ch->name, UPG_NAME_MAX, 1))) BAD("name", -1, p);
  if ((p = upg_text_problem(ch->address, UPG_ADDRESS_MAX, 0))) BAD("address", -1, p);
  if ((p = upg_text_problem(ch->hours, UPG_HOURS_MAX, 0))) BAD("opening_hours", -1, p);
  if ((p = upg_text_problem(ch->phone, UPG_PHONE_MAX, 0))) BAD("phone", -1, p);
  if (!phone_ok(ch->phone)) BAD("phone", -1, "A phone number has only digits, spaces, '+' and '-'.");
  if (ch->set_gps && !(ch->lat >= -90 && ch->lat <= 90 && ch->lng >= -180 && ch->lng <= 180))
    BAD("gps", -1, "The latitude is from -90 to 90 and the longitude from -180 to 180.");
  if (ch->set_floor && (ch->floor_area_m2 < 0 || ch->floor_area_m2 > UPG_AREA_M2_MAX))
    BAD("floor_area_m2", -1, "An area is a whole number of square metres from 0 to 100000.");
  if (ch->set_areas && (ch->nareas < 0 || ch->nareas > UPG_MAX_AREAS)) BAD("function_areas", -1, "At most 30 rooms.");
  for (int i = 0; ch->set_areas && i < ch->nareas; i++) {
    const upg_area *a = &ch->areas[i];
    if ((p = upg_text_problem(a->name, UPG_ROOM_NAME_MAX, 1))) BAD("function_areas", i, p);
    if (a->area_m2 < 0 || a->area_m2 > UPG_AREA_M2_MAX)
      BAD("function_areas", i, "An area is a whole number of square metres from 0 to 100000.");
    if (!(a->fns & ((1u << UF_COUNT) - 1))) BAD("function_areas", i, "Choose at least one function for the room.");
  }
  for (int i = 0; i < ch->nchecks; i++) {
    if ((unsigned)ch->checks[i].item >= CK_COUNT || (unsigned)ch->checks[i].state >= CS_COUNT)
      BAD("checklist", i, "Unknown checklist item or state.");
    if ((p = upg_text_problem(ch->checks[i].note, UPG_NOTE_MAX, 0))) BAD("checklist", i, p);
  }
  if (ch->set_photos && (ch->nphotos < 0 || ch->nphotos > UPG_MAX_PHOTOS)) BAD("photos", -1, "At most 12 photos.");
  for (int i = 0; ch->set_photos && i < ch->nphotos; i++) {
    if (!sha_ok(ch->photos[i].sha)) BAD("photos", i, "Unknown photo.");
    if ((p = upg_text_problem(ch->photos[i].caption, UPG_CAPTION_MAX, 0))) BAD("photos", i, p);
  }
#undef BAD
  return ZD_OK;
}

int upg_center_update(db_conn *w, const char *actor, long long user_id, const org *v, const upg_center_change *ch,
                      zd_error *e) {
  const char *field, *why;
  int index;
  if (upg_center_change_check(ch, &field, &index, &why)) {
    if (index >= 0) return zd_fail(e, ZD_EINVAL, "%s[%d]: %s", field, index, why);
    return zd_fail(e, ZD_EINVAL, "%s: %s", field, why);
  }
  upg_center *old = malloc(sizeof *old);
  if (!old) return zd_fail(e, ZD_EINTERNAL, "out of memory");
  int rc = upg_center_load(w, v->id, old, e);
  if (rc) { free(old); return rc; }
  long long now = now_s();
  int scalars = ch->name || ch->address || ch->hours || ch->phone || ch->set_gps || ch->clear_gps || ch->set_floor;
  if (scalars || !old->has_center) {
    center nc = old->c;
    if (!old->has_center) {
      memset(&nc, 0, sizeof nc);
      snprintf(nc.name, sizeof nc.name, "%.100s党群服务中心", v->name);
      rc = center_insert(w, actor, v->id, &nc, e);
      if (rc) { free(old); return rc; }
    }
    if (ch->name) cp(nc.name, sizeof nc.name, ch->name);
    if (ch->address) cp(nc.address, sizeof nc.address, ch->address);
    if (ch->hours) cp(nc.opening_hours, sizeof nc.opening_hours, ch->hours);
    if (ch->phone) cp(nc.phone, sizeof nc.phone, ch->phone);
    if (ch->set_floor) nc.floor_area_m2 = ch->floor_area_m2;
    if (ch->set_gps) { nc.has_gps = 1; nc.lat = ch->lat; nc.lng = ch->lng; }
    if (ch->clear_gps) nc.has_gps = 0;
    rc = db_run(w, e, "UPDATE center SET name = ?, address = ?, opening_hours = ?, phone = ?, floor_area_m2 = ? WHERE org_id = ?",
                "ssssdi", nc.name, nc.address, nc.opening_hours, nc.phone, nc.floor_area_m2, v->id);
    if (rc >= 0)
      rc = nc.has_gps ? db_run(w, e, "UPDATE center SET lat = ?, lng = ? WHERE org_id = ?", "ffi", nc.lat, nc.lng, v->id)
                      : db_run(w, e, "UPDATE center SET lat = NULL, lng = NULL WHERE org_id = ?", "i", v->id);
    if (rc < 0) { free(old); return rc; }
    buf b = BUF_INIT, a = BUF_INIT;
    scalars_json(&b, &old->c, old->has_center);
    scalars_json(&a, &nc, 1);
    rc = audit_json(w, actor, "center.update", v, &b, &a, e);
    if (rc) { free(old); return rc; }
  }
  if (ch->set_areas) {
    rc = db_run(w, e, "DELETE FROM center_area_fn WHERE area_id IN (SELECT id FROM center_area WHERE org_id = ?)", "i", v->id);
    if (rc >= 0) rc = db_run(w, e, "DELETE FROM center_area WHERE org_id = ?", "i", v->id);
    for (int i = 0; rc >= 0 && i < ch->nareas; i++) {
      const upg_area *ar = &ch->areas[i];
      db_stmt *s = db_query(w, e, "INSERT INTO center_area(org_id, name, area_m2, sort) VALUES(?, ?, ?, ?) RETURNING id",
                            "isdd", v->id, ar->name, ar->area_m2, i);
      if (!s) { rc = e->rc; break; }
      long long id = 0;
      rc = db_step(s, e);
      if (rc == DB_ROW) id = db_col_int(s, 0);
      db_done(s);
      for (int f = 0; rc >= 0 && f < UF_COUNT; f++)
        if (ar->fns & (1u << f))
          rc = db_run(w, e, "INSERT INTO center_area_fn(area_id, fn) VALUES(?, ?)", "is", id, upg_fn_key((upg_fn)f));
    }
    if (rc < 0) { free(old); return rc; }
    buf b = BUF_INIT, a = BUF_INIT;
    areas_json(&b, old->areas, old->nareas);
    areas_json(&a, ch->areas, ch->nareas);
    rc = audit_json(w, actor, "center.function_areas", v, &b, &a, e);
    if (rc) { free(old); return rc; }
  }
  if (ch->nchecks) {
    buf b = BUF_INIT, a = BUF_INIT;
    buf_putc(&b, '{');
    buf_putc(&a, '{');
    for (int i = 0; rc >= 0 && i < ch->nchecks; i++) {
      upg_check_item it = ch->checks[i].item;
      const char *note = ch->checks[i].note ? ch->checks[i].note : old->checks[it].note;
      rc = db_run(w, e, "DELETE FROM center_check WHERE org_id = ? AND item = ?", "is", v->id, upg_check_key(it));
      if (rc >= 0)
        rc = db_run(w, e, "INSERT INTO center_check(org_id, item, state, note, updated_by, updated_at) VALUES(?, ?, ?, ?, ?, ?)",
                    "isssii", v->id, upg_check_key(it), upg_cstate_key(ch->checks[i].state), note, user_id, now);
      buf_printf(&b, "%r\"%j\":{\"state\":\"%j\",\"note\":\"%j\"}", i ? "," : "", upg_check_key(it),
                 upg_cstate_key(old->checks[it].state), old->checks[it].note);
      buf_printf(&a, "%r\"%j\":{\"state\":\"%j\",\"note\":\"%j\"}", i ? "," : "", upg_check_key(it),
                 upg_cstate_key(ch->checks[i].state), note);
    }
    buf_putc(&b, '}');
    buf_putc(&a, '}');
    if (rc < 0) { buf_free(&b); buf_free(&a); free(old); return rc; }
    rc = audit_json(w, actor, "center.checklist", v, &b, &a, e);
    if (rc) { free(old); return rc; }
  }
  if (ch->set_photos) {
    rc = db_run(w, e, "DELETE FROM center_photo WHERE org_id = ?", "i", v->id);
    for (int i = 0; rc >= 0 && i < ch->nphotos; i++)
      rc = db_run(w, e, "INSERT INTO center_photo(org_id, sha256, caption, sort) VALUES(?, ?, ?, ?)", "issd", v->id,
                  ch->photos[i].sha, ch->photos[i].caption, i);
    if (rc < 0) { free(old); return rc; }
    buf b = BUF_INIT, a = BUF_INIT;
    photos_json(&b, old->photos, old->nphotos);
    photos_json(&a, ch->photos, ch->nphotos);
    rc = audit_json(w, actor, "center.photos", v, &b, &a, e);
  }
  free(old);
  return rc;
}

/* --- plaques --- */

#define PLAQUE_COLS                                                                                                  \
  "p.id, p.org_id, o.code, o.name, p.location, p.name, p.issuing_body, p.rules_poster, p.public_notice, p.decision, " \
  "p.reason, p.merged_into, COALESCE(p.proof_sha, ''), COALESCE(u.login, ''), p.decided_at, p.created_at, "           \
  "p.legal_basis, p.has_real_function"
#define PLAQUE_FROM " FROM plaque p JOIN org o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.decided_by "

static void plaque_row(db_stmt *s, upg_plaque *p) {
  memset(p, 0, sizeof *p);
  p->id = db_col_int(s, 0);
  p->org_id = db_col_int(s, 1);
  cp(p->org_code, sizeof p->org_code, db_col_text(s, 2));
  cp(p->org_name, sizeof p->org_name, db_col_text(s, 3));
  int l = upg_location_parse(db_col_text(s, 4));
  p->loc = l < 0 ? PL_INTERIOR : (upg_location)l;
  cp(p->name, sizeof p->name, db_col_text(s, 5));
  cp(p->issuing, sizeof p->issuing, db_col_text(s, 6));
  p->rules_poster = (int)db_col_int(s, 7);
  p->public_notice = (int)db_col_int(s, 8);
  int d = upg_pdecision_parse(db_col_text(s, 9));
  p->decision = d < 0 ? PD_PENDING : (upg_plaque_decision)d;
  cp(p->reason, sizeof p->reason, db_col_text(s, 10));
  cp(p->merged_into, sizeof p->merged_into, db_col_text(s, 11));
  cp(p->proof, sizeof p->proof, db_col_text(s, 12));
  cp(p->decided_by, sizeof p->decided_by, db_col_text(s, 13));
  p->decided_at = db_col_int(s, 14);
  p->created_at = db_col_int(s, 15);
  cp(p->legal_basis, sizeof p->legal_basis, db_col_text(s, 16));
  p->no_real_function = db_col_int(s, 17) == 0;
}

int upg_plaque_get(db_conn *c, long long id, upg_plaque *p, zd_error *e) {
  db_stmt *s = db_query(c, e, "SELECT " PLAQUE_COLS PLAQUE_FROM "WHERE p.id = ?", "i", id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) plaque_row(s, p);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No plaque with this number.");
  return rc < 0 ? rc : ZD_OK;
}

int upg_plaques_list(db_conn *c, long long org_id, long long township_id, upg_plaque_fn fn, void *arg, zd_error *e) {
  db_stmt *s = db_query(c, e,
                        "SELECT " PLAQUE_COLS PLAQUE_FROM
                        "WHERE (? = 0 OR p.org_id = ?) AND (? = 0 OR o.parent_id = ?) "
                        "ORDER BY o.sort, o.id, CASE p.location WHEN 'exterior' THEN 0 WHEN 'interior' THEN 1 ELSE 2 END, p.id",
                        "iiii", org_id, org_id, township_id, township_id);
  if (!s) return e->rc;
  int rc;
  upg_plaque p;
  while ((rc = db_step(s, e)) == DB_ROW) {
    plaque_row(s, &p);
    fn(arg, &p);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

static void plaque_json(buf *b, const upg_plaque *p) {
  buf_printf(b, "{\"location\":\"%j\",\"name\":\"%j\",\"issuing_body\":\"%j\",\"rules_poster\":%d,\"public_notice\":%d,"
                "\"decision\":\"%j\",\"reason\":\"%j\",\"merged_into\":\"%j\",\"proof\":\"%j\",\"legal_basis\":\"%j\","
                "\"has_real_function\":%d}",
             upg_location_key(p->loc), p->name, p->issuing, p->rules_poster, p->public_notice,
             upg_pdecision_key(p->decision), p->reason, p->merged_into, p->proof, p->legal_basis, !p->no_real_function);
}

int upg_plaque_insert(db_conn *w, const char *actor, const upg_plaque *in, long long *id, zd_error *e) {
  const char *why = upg_text_problem(in->name, 100, 1);
  if (why) return zd_fail(e, ZD_EINVAL, "name: %s", why);
  if ((why = upg_text_problem(in->issuing, 100, 0))) return zd_fail(e, ZD_EINVAL, "issuing_body: %s", why);
  if ((why = upg_text_problem(in->legal_basis, UPG_LEGAL_BASIS_MAX, 0))) return zd_fail(e, ZD_EINVAL, "legal_basis: %s", why);
  if ((unsigned)in->loc >= PL_COUNT) return zd_fail(e, ZD_EINVAL, "The location must be exterior, interior or room_sign.");
  db_stmt *s = db_query(w, e,
                        "INSERT INTO plaque(org_id, location, name, issuing_body, rules_poster, public_notice, created_at, "
                        "legal_basis, has_real_function) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        "isssddisd", in->org_id, upg_location_key(in->loc), in->name, in->issuing, in->rules_poster ? 1 : 0,
                        in->public_notice ? 1 : 0, now_s(), in->legal_basis, in->no_real_function ? 0 : 1);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "plaque:%lld", *id);
  buf a = BUF_INIT;
  plaque_json(&a, in);
  rc = audit_append(w, actor, "plaque.create", obj, in->org_id, "", buf_str(&a), e);
  buf_free(&a);
  return rc;
}

int upg_plaque_is_compliant(const upg_wl *wl, const upg_plaque *p, const char **why) {
  return upg_plaque_complies(&wl->view, p->loc, p->name, p->rules_poster, p->public_notice, !p->no_real_function, why);
}

int upg_plaque_decide(db_conn *w, const char *actor, long long user_id, long long id, upg_plaque_decision d,
                      const char *reason, const char *merged_into, const char *proof, zd_error *e) {
  upg_plaque p;
  int rc = upg_plaque_get(w, id, &p, e);
  if (rc) return rc;
  const char *why = upg_text_problem(reason, 500, 0);
  if (why) return zd_fail(e, ZD_EINVAL, "reason: %s", why);
  if ((why = upg_text_problem(merged_into, 100, 0))) return zd_fail(e, ZD_EINVAL, "merged_into: %s", why);
  if ((rc = upg_upload_ref(w, proof, "proof_sha256", e))) return rc;
  org v;
  upg_wl wl;
  if ((rc = org_by_id(w, p.org_id, &v, e)) || (rc = upg_whitelist_load(w, v.parent_id, &wl, e))) return rc;
  int compliant = upg_plaque_is_compliant(&wl, &p, &why);
  upg_whitelist_free(&wl);
  /* a legal basis recorded with the plaque is a reason to keep it */
  rc = upg_plaque_decision_check(compliant, d, (reason && *reason) || p.legal_basis[0], merged_into && *merged_into, &why);
  if (rc) return zd_fail(e, rc, "%s", why);
  /* a proof photo already given stays unless a new one comes */
  const char *pf = proof && *proof ? proof : (p.decision == d ? p.proof : "");
  rc = db_run(w, e,
              "UPDATE plaque SET decision = ?, reason = ?, merged_into = ?, proof_sha = ?, decided_by = ?, decided_at = ? "
              "WHERE id = ?",
              "ssssiii", upg_pdecision_key(d), reason ? reason : "", d == PD_MERGE && merged_into ? merged_into : "",
              *pf ? pf : NULL, user_id, now_s(), id);
  if (rc < 0) return rc;
  upg_plaque after = p;
  after.decision = d;
  cp(after.reason, sizeof after.reason, reason);
  cp(after.merged_into, sizeof after.merged_into, d == PD_MERGE ? merged_into : "");
  cp(after.proof, sizeof after.proof, pf);
  char obj[48];
  snprintf(obj, sizeof obj, "plaque:%lld", id);
  buf b = BUF_INIT, a = BUF_INIT;
  plaque_json(&b, &p);
  plaque_json(&a, &after);
  rc = audit_append(w, actor, "plaque.decide", obj, p.org_id, buf_str(&b), buf_str(&a), e);
  buf_free(&b);
  buf_free(&a);
  return rc;
}

/* --- the township whitelist --- */

int upg_whitelist_load(db_conn *c, long long township_id, upg_wl *wl, zd_error *e) {
  memset(wl, 0, sizeof *wl);
  wl->view = *upg_whitelist_default();
  wl->limits.exterior = wl->limits.interior = UPG_LIMIT_DEFAULT;
  db_stmt *s = db_query(c, e, "SELECT max_exterior, max_interior FROM plaque_policy WHERE org_id = ?", "i", township_id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    wl->configured = 1;
    wl->limits.exterior = (int)db_col_int(s, 0);
    wl->limits.interior = (int)db_col_int(s, 1);
  }
  db_done(s);
  if (rc < 0) return rc;
  if (!wl->configured) return ZD_OK;
  s = db_query(c, e, "SELECT location, name FROM plaque_allowed WHERE org_id = ? ORDER BY id", "i", township_id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    int ext = strcmp(db_col_text(s, 0), "exterior") == 0;
    char *name = strdup(db_col_text(s, 1));
    if (!name) continue;
    if (ext && wl->next < UPG_WL_MAX) wl->ext[wl->next++] = name;
    else if (!ext && wl->nin < UPG_WL_MAX) wl->in[wl->nin++] = name;
    else free(name);
  }
  db_done(s);
  wl->view.exterior = (const char *const *)wl->ext;
  wl->view.n_exterior = wl->next;
  wl->view.interior = (const char *const *)wl->in;
  wl->view.n_interior = wl->nin;
  if (rc < 0) { upg_whitelist_free(wl); return rc; }
  return ZD_OK;
}

void upg_whitelist_free(upg_wl *wl) {
  for (int i = 0; i < wl->next; i++) free(wl->ext[i]);
  for (int i = 0; i < wl->nin; i++) free(wl->in[i]);
  wl->next = wl->nin = 0;
}

static void list_json(buf *b, const char *const *l, int n) {
  buf_putc(b, '[');
  for (int i = 0; i < n; i++) buf_printf(b, "%r\"%j\"", i ? "," : "", l[i]);
  buf_putc(b, ']');
}

int upg_whitelist_save(db_conn *w, const char *actor, long long user_id, long long township_id, const char *const *ext,
                       int next, const char *const *in, int nin, const upg_plaque_limits *limits, zd_error *e) {
  for (int k = 0; k < 2; k++) {
    int bad;
    const char *why;
    if (upg_names_check(k ? in : ext, k ? nin : next, &bad, &why)) {
      if (bad < 0) return zd_fail(e, ZD_EINVAL, "%s: %s", k ? "interior" : "exterior", why);
      return zd_fail(e, ZD_EINVAL, "%s[%d]: %s", k ? "interior" : "exterior", bad, why);
    }
  }
  const char *why;
  if (limits && upg_limit_check(limits->exterior, &why)) return zd_fail(e, ZD_EINVAL, "max_exterior: %s", why);
  if (limits && upg_limit_check(limits->interior, &why)) return zd_fail(e, ZD_EINVAL, "max_interior: %s", why);
  upg_wl old;
  int rc = upg_whitelist_load(w, township_id, &old, e);
  if (rc) return rc;
  upg_plaque_limits lim = limits ? *limits : old.limits;
  buf b = BUF_INIT, a = BUF_INIT;
  buf_printf(&b, "{\"configured\":%r,\"exterior\":", old.configured ? "true" : "false");
  list_json(&b, old.view.exterior, old.view.n_exterior);
  buf_puts(&b, ",\"interior\":");
  list_json(&b, old.view.interior, old.view.n_interior);
  buf_printf(&b, ",\"max_exterior\":%d,\"max_interior\":%d}", old.limits.exterior, old.limits.interior);
  upg_whitelist_free(&old);
  buf_puts(&a, "{\"configured\":true,\"exterior\":");
  list_json(&a, ext, next);
  buf_puts(&a, ",\"interior\":");
  list_json(&a, in, nin);
  buf_printf(&a, ",\"max_exterior\":%d,\"max_interior\":%d}", lim.exterior, lim.interior);
  rc = db_run(w, e, "DELETE FROM plaque_allowed WHERE org_id = ?", "i", township_id);
  if (rc >= 0) rc = db_run(w, e, "DELETE FROM plaque_policy WHERE org_id = ?", "i", township_id);
  if (rc >= 0)
    rc = db_run(w, e, "INSERT INTO plaque_policy(org_id, updated_by, updated_at, max_exterior, max_interior) VALUES(?, ?, ?, ?, ?)",
                "iiidd", township_id, user_id, now_s(), lim.exterior, lim.interior);
  for (int i = 0; rc >= 0 && i < next; i++)
    rc = db_run(w, e, "INSERT INTO plaque_allowed(org_id, location, name) VALUES(?, 'exterior', ?)", "is", township_id, ext[i]);
  for (int i = 0; rc >= 0 && i < nin; i++)
    rc = db_run(w, e, "INSERT INTO plaque_allowed(org_id, location, name) VALUES(?, 'interior', ?)", "is", township_id, in[i]);
  if (rc >= 0) rc = audit_append(w, actor, "plaque.whitelist", "plaque-whitelist", township_id, buf_str(&b), buf_str(&a), e);
  buf_free(&b);
  buf_free(&a);
  return rc < 0 ? rc : ZD_OK;
}
