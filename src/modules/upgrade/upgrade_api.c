/* upgrade_api.c — JSON API of centers, uploads and plaques (改). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"
#include "platform/store.h"

/* --- centers --- */

static json_t *areas_json(req *r, const upg_center *ce) {
  json_t *arr = json_array();
  for (int i = 0; i < ce->nareas; i++) {
    const upg_area *a = &ce->areas[i];
    json_t *keys = json_array(), *labels = json_array();
    for (int f = 0; f < UF_COUNT; f++)
      if (a->fns & (1u << f)) {
        json_array_append_new(keys, json_string(upg_fn_key((upg_fn)f)));
        json_array_append_new(labels, json_string(T(r, upg_fn_label((upg_fn)f))));
      }
    json_array_append_new(arr, json_pack("{s:s, s:i, s:o, s:o}", "name", a->name, "area_m2", a->area_m2, "functions", keys,
                                         "function_labels", labels));
  }
  return arr;
}

json_t *upg_plaque_json(req *r, const upg_plaque *p, const upg_wl *wl) {
  const char *why = NULL;
  int ok = upg_plaque_is_compliant(wl, p, &why);
  upg_plaque_left pending = upg_plaque_pending(ok, p->decision, p->proof[0] != 0);
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s, s:s, s:s}", "id",
                        (json_int_t)p->id, "village", p->org_code, "location", upg_location_key(p->loc), "location_label",
                        T(r, upg_location_label(p->loc)), "name", p->name, "issuing_body", p->issuing, "rules_poster",
                        p->rules_poster, "public_notice", p->public_notice, "compliant", ok, "decision",
                        upg_pdecision_key(p->decision), "decision_label", T(r, upg_pdecision_label(p->decision)),
                        "reason", p->reason, "merged_into", p->merged_into, "pending",
                        pending == UPL_DECIDE ? "decide" : pending == UPL_CARRY_OUT ? "carry_out" : "none");
  json_object_set_new(j, "problem", why ? json_string(T(r, why)) : json_null());
  json_object_set_new(j, "proof", upg_photo_json(p->proof));
  json_object_set_new(j, "decided_by", p->decided_by[0] ? json_string(p->decided_by) : json_null());
  json_object_set_new(j, "decided_at", p->decided_at ? json_integer(p->decided_at) : json_null());
  json_object_set_new(j, "legal_basis", json_string(p->legal_basis));
  json_object_set_new(j, "has_real_function", json_boolean(!p->no_real_function));
  return j;
}

typedef struct plaque_ctx {
  req *r;
  const upg_wl *wl;
  json_t *arr;
} plaque_ctx;

static void plaque_row(void *arg, const upg_plaque *p) {
  plaque_ctx *c = arg;
  json_array_append_new(c->arr, upg_plaque_json(c->r, p, c->wl));
}

static void project_row(void *arg, const upg_project *p) {
  json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)p->id, "title", p->title,
                                       "status", upg_status_key(p->status), "allocation_fen", (json_int_t)p->allocation,
                                       "approved_fen", (json_int_t)p->approved, "spent_fen", (json_int_t)p->spent));
}

typedef struct task_count {
  long long now;
  int open, overdue;
} task_count;

static void count_task(void *arg, const upg_finding *f) {
  task_count *c = arg;
  c->open++;
  if (upg_task_overdue(f->state, f->deadline, c->now)) c->overdue++;
}

/* The center of village v; the internal parts when `internal`. */
int upg_center_json(req *r, const org *v, int internal, json_t **out) {
  upg_center *ce = malloc(sizeof *ce);
  if (!ce) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  int rc = upg_center_load(req_db(r), v->id, ce, &r->err);
  if (rc) { free(ce); return rc; }
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "village", v->code, "village_name",
                        org_display_name(v, r->lang), "name", ce->has_center ? ce->c.name : "", "address", ce->c.address,
                        "opening_hours", ce->c.opening_hours, "phone", ce->c.phone, "floor_area_m2", ce->c.floor_area_m2);
  json_object_set_new(j, "gps", ce->c.has_gps ? json_pack("{s:f, s:f}", "lat", ce->c.lat, "lng", ce->c.lng) : json_null());
  json_t *photos = json_array();
  for (int i = 0; i < ce->nphotos; i++) {
    json_t *p = upg_photo_json(ce->photos[i].sha);
    json_object_set_new(p, "caption", json_string(ce->photos[i].caption));
    json_array_append_new(photos, p);
  }
  json_object_set_new(j, "photos", photos);
  json_object_set_new(j, "function_areas", areas_json(r, ce));
  unsigned all = 0;
  for (int i = 0; i < ce->nareas; i++) all |= ce->areas[i].fns;
  json_t *missing = json_array();
  for (int f = 0; f <= UF_TALK; f++) /* the five function rooms named in the article */
    if (!(all & (1u << f))) json_array_append_new(missing, json_string(upg_fn_key((upg_fn)f)));
  json_object_set_new(j, "missing_functions", missing);
  if (internal) {
    json_t *cl = json_array();
    int problems = 0;
    for (int i = 0; i < CK_COUNT; i++) {
      const upg_check *c = &ce->checks[i];
      problems += upg_cstate_problem(c->state);
      json_array_append_new(cl, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "item", upg_check_key((upg_check_item)i),
                                          "label", T(r, upg_check_label((upg_check_item)i)), "state",
                                          upg_cstate_key(c->state), "state_label", T(r, upg_cstate_label(c->state)),
                                          "note", c->note, "updated_at", (json_int_t)c->updated_at));
    }
    json_object_set_new(j, "checklist", cl);
    json_object_set_new(j, "checklist_problems", json_integer(problems));
    upg_wl wl;
    rc = upg_whitelist_load(req_db(r), v->parent_id, &wl, &r->err);
    plaque_ctx pc = {r, &wl, json_array()};
    if (!rc) rc = upg_plaques_list(req_db(r), v->id, 0, plaque_row, &pc, &r->err);
    upg_whitelist_free(&wl);
    json_object_set_new(j, "plaques", pc.arr);
    json_t *projects = json_array();
    if (!rc) rc = upg_projects_list(req_db(r), 0, v->id, project_row, projects, &r->err);
    json_object_set_new(j, "projects", projects);
    task_count tc = {(long long)time(NULL), 0, 0};
    upg_finding_filter ff = {0, v->id, 0, 1, 0};
    if (!rc) rc = upg_findings_list(req_db(r), &ff, count_task, &tc, &r->err);
    json_object_set_new(j, "open_tasks", json_integer(tc.open));
    json_object_set_new(j, "overdue_tasks", json_integer(tc.overdue));
  }
  free(ce);
  if (rc) { json_decref(j); return rc; }
  *out = j;
  return ZD_OK;
}

/* GET /api/v1/villages/{code}/center — public; the internal parts for users in scope. */
int upg_api_center_get(req *r) {
  org v;
  int rc = upg_village(r, req_param(r, "code"), PERM_PUBLIC, &v);
  if (rc) return rc;
  json_t *j;
  rc = upg_center_json(r, &v, upg_allows(r, PERM_ORG_VIEW, v.id), &j);
  if (rc) return rc;
  return resp_json(r, 200, j);
}

static int phone_ok(const char *p) {
  for (; p && *p; p++)
    if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == ' ')) return 0;
  return 1;
}

/* PATCH /api/v1/villages/{code}/center */
int upg_api_center_patch(req *r) {
  org v;
  int rc = upg_village(r, req_param(r, "code"), PERM_UPGRADE_EDIT, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"name", "address", "opening_hours", "phone", "gps", "floor_area_m2",
                                     "function_areas", "checklist", "photos", NULL};
  upg_center_change ch;
  memset(&ch, 0, sizeof ch);
  upg_area *areas = NULL;
  upg_cphoto *photos = NULL;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "name", 60, 0, &ch.name);
  if (!rc) rc = upg_str_field(r, j, "address", 200, 0, &ch.address);
  if (!rc) rc = upg_str_field(r, j, "opening_hours", 100, 0, &ch.hours);
  if (!rc) rc = upg_str_field(r, j, "phone", 30, 0, &ch.phone);
  if (!rc && ch.name && !*ch.name) rc = zd_fail(&r->err, ZD_EINVAL, "name: this field is required.");
  if (!rc && !phone_ok(ch.phone)) rc = zd_fail(&r->err, ZD_EINVAL, "phone: only digits, spaces, '+' and '-'.");
  long long area = 0;
  if (!rc) rc = upg_int_field(r, j, "floor_area_m2", 0, 100000, &area, &ch.set_floor);
  ch.floor_area_m2 = (int)area;
  json_t *gps = json_object_get(j, "gps");
  if (!rc && gps) {
    if (json_is_null(gps)) ch.clear_gps = 1;
    else {
      json_t *la = json_object_get(gps, "lat"), *ln = json_object_get(gps, "lng");
      if (!json_is_object(gps) || json_object_size(gps) != 2 || !json_is_number(la) || !json_is_number(ln) ||
          json_number_value(la) < -90 || json_number_value(la) > 90 || json_number_value(ln) < -180 ||
          json_number_value(ln) > 180)
        rc = zd_fail(&r->err, ZD_EINVAL, "gps: {\"lat\": -90..90, \"lng\": -180..180} or null was expected.");
      ch.set_gps = 1;
      ch.lat = json_number_value(la);
      ch.lng = json_number_value(ln);
    }
  }
  json_t *fa = json_object_get(j, "function_areas");
  if (!rc && fa) {
    if (!json_is_array(fa) || json_array_size(fa) > UPG_MAX_AREAS)
      rc = zd_fail(&r->err, ZD_EINVAL, "function_areas: an array of at most %d rooms was expected.", UPG_MAX_AREAS);
    areas = calloc(UPG_MAX_AREAS, sizeof *areas);
    if (!rc && !areas) rc = zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
    size_t i;
    json_t *it;
    if (!rc) json_array_foreach(fa, i, it) {
      static const char *const akeys[] = {"name", "area_m2", "functions", NULL};
      const char *name;
      long long m2 = 0;
      int has_m2;
      if (!json_is_object(it)) { rc = zd_fail(&r->err, ZD_EINVAL, "function_areas[%zu]: an object was expected.", i); break; }
      if ((rc = upg_only_keys(r, it, akeys)) || (rc = upg_str_field(r, it, "name", 60, 1, &name)) ||
          (rc = upg_int_field(r, it, "area_m2", 0, 100000, &m2, &has_m2)))
        break;
      json_t *fns = json_object_get(it, "functions"), *f;
      size_t k;
      if (!json_is_array(fns) || !json_array_size(fns)) {
        rc = zd_fail(&r->err, ZD_EINVAL, "function_areas[%zu].functions: at least one function was expected.", i);
        break;
      }
      json_array_foreach(fns, k, f) {
        int fn = upg_fn_parse(json_string_value(f));
        if (fn < 0) {
          rc = zd_fail(&r->err, ZD_EINVAL, "function_areas[%zu].functions: unknown function (party_room, service_hall, "
                       "civilization, library, talk, bulletin, meeting, other).", i);
          break;
        }
        areas[i].fns |= 1u << fn;
      }
      if (rc) break;
      snprintf(areas[i].name, sizeof areas[i].name, "%s", name);
      areas[i].area_m2 = (int)m2;
    }
    ch.set_areas = 1;
    ch.areas = areas;
    ch.nareas = (int)json_array_size(fa);
  }
  json_t *cl = json_object_get(j, "checklist");
  if (!rc && cl) {
    if (!json_is_array(cl) || json_array_size(cl) > CK_COUNT)
      rc = zd_fail(&r->err, ZD_EINVAL, "checklist: an array of at most %d items was expected.", CK_COUNT);
    size_t i;
    json_t *it;
    if (!rc) json_array_foreach(cl, i, it) {
      static const char *const ckeys[] = {"item", "state", "note", NULL};
      const char *item, *state, *note;
      if (!json_is_object(it)) { rc = zd_fail(&r->err, ZD_EINVAL, "checklist[%zu]: an object was expected.", i); break; }
      if ((rc = upg_only_keys(r, it, ckeys)) || (rc = upg_str_field(r, it, "item", 30, 1, &item)) ||
          (rc = upg_str_field(r, it, "state", 30, 1, &state)) || (rc = upg_str_field(r, it, "note", 500, 0, &note)))
        break;
      int ci = upg_check_parse(item), cs = upg_cstate_parse(state);
      if (ci < 0) { rc = zd_fail(&r->err, ZD_EINVAL, "checklist[%zu]: unknown item '%s'.", i, item); break; }
      if (cs < 0) { rc = zd_fail(&r->err, ZD_EINVAL, "checklist[%zu]: the state must be unchecked, ok, needs_repair or missing.", i); break; }
      for (int k = 0; k < ch.nchecks; k++)
        if (ch.checks[k].item == (upg_check_item)ci) rc = zd_fail(&r->err, ZD_EINVAL, "checklist: '%s' is given twice.", item);
      if (rc) break;
      ch.checks[ch.nchecks].item = (upg_check_item)ci;
      ch.checks[ch.nchecks].state = (upg_check_state)cs;
      ch.checks[ch.nchecks].note = note;
      ch.nchecks++;
    }
  }
  json_t *ph = json_object_get(j, "photos");
  if (!rc && ph) {
    if (!json_is_array(ph) || json_array_size(ph) > UPG_MAX_PHOTOS)
      rc = zd_fail(&r->err, ZD_EINVAL, "photos: an array of at most %d photos was expected.", UPG_MAX_PHOTOS);
    photos = calloc(UPG_MAX_PHOTOS, sizeof *photos);
    if (!rc && !photos) rc = zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
    size_t i;
    json_t *it;
    if (!rc) json_array_foreach(ph, i, it) {
      static const char *const pkeys[] = {"sha256", "caption", NULL};
      const char *sha = NULL, *caption = NULL;
      if (json_is_string(it)) sha = json_string_value(it);
      else if (json_is_object(it)) {
        if ((rc = upg_only_keys(r, it, pkeys)) || (rc = upg_str_field(r, it, "sha256", 64, 1, &sha)) ||
            (rc = upg_str_field(r, it, "caption", 100, 0, &caption)))
          break;
      } else { rc = zd_fail(&r->err, ZD_EINVAL, "photos[%zu]: a sha256 or {sha256, caption} was expected.", i); break; }
      if ((rc = upg_upload_ref(req_db(r), sha, "photos", &r->err))) break;
      if (!sha || !*sha) { rc = zd_fail(&r->err, ZD_EINVAL, "photos[%zu]: the sha256 is empty.", i); break; }
      snprintf(photos[i].sha, sizeof photos[i].sha, "%s", sha);
      snprintf(photos[i].caption, sizeof photos[i].caption, "%s", caption ? caption : "");
    }
    ch.set_photos = 1;
    ch.photos = photos;
    ch.nphotos = (int)json_array_size(ph);
  }
  if (!rc) {
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_center_update(w, actor, r->user_id, &v, &ch, &r->err)) : r->err.rc;
  }
  json_decref(j);
  free(areas);
  free(photos);
  if (rc) return rc;
  json_t *out;
  rc = upg_center_json(r, &v, 1, &out);
  if (rc) return rc;
  return resp_json(r, 200, out);
}

/* --- uploads --- */

#define UPG_UPLOAD_MAX (10u * 1024 * 1024)

/* Store one uploaded photo (type by content, EXIF-free public copy and
** thumbnail, original kept private) and register it; *u receives the record. */
int upg_photo_save(req *r, const mpart *f, long long org_id, upg_upload *u_out, int *created_out) {
  if (f->len > UPG_UPLOAD_MAX) return zd_fail(&r->err, ZD_ETOOBIG, "The photo is larger than 10 MB.");
  int w, h;
  const char *why = NULL;
  img_type t = image_probe(f->data, f->len, &w, &h, &why);
  if (t == IMG_NONE)
    return zd_fail(&r->err, strcmp(why, "The file is not a photo (JPEG, PNG or WebP).") == 0 ? ZD_EMEDIA : ZD_EINVAL, "%s", why);
  upg_exif ex;
  if (t == IMG_JPEG) upg_exif_read((const unsigned char *)f->data, f->len, &ex);
  else memset(&ex, 0, sizeof ex);
  buf pub = BUF_INIT, thumb = BUF_INIT;
  upg_upload u;
  memset(&u, 0, sizeof u);
  int rc = upg_image_derive(f->data, f->len, t, ex.orientation, &pub, &u.pw, &u.ph, &thumb, &why);
  if (rc) { buf_free(&pub); buf_free(&thumb); return zd_fail(&r->err, rc, "%s", why); }
  const char *dir = r->app->cfg->data_dir;
  rc = store_put(dir, f->data, f->len, image_ext(t), u.sha, &r->err);
  if (!rc) rc = store_put(dir, pub.p, pub.len, "jpg", u.public_sha, &r->err);
  if (!rc) rc = store_put(dir, thumb.p, thumb.len, "jpg", u.thumb_sha, &r->err);
  buf_free(&pub);
  buf_free(&thumb);
  if (rc) return rc;
  u.type = t;
  u.size = (long long)f->len;
  u.w = w;
  u.h = h;
  u.taken_at = ex.taken_at;
  u.has_gps = ex.has_gps;
  u.lat = ex.lat;
  u.lng = ex.lng;
  u.org_id = org_id;
  u.uploader_id = r->user_id;
  u.created_at = (long long)time(NULL);
  int created = 0;
  char actor[96];
  upg_actor(r, actor, sizeof actor);
  db_conn *wc = upg_begin(r);
  rc = wc ? upg_end(r, wc, upg_upload_put(wc, actor, &u, &created, &r->err)) : r->err.rc;
  if (rc) return rc;
  upg_upload_get(req_db(r), u.sha, &u, &r->err);
  if (u_out) *u_out = u;
  if (created_out) *created_out = created;
  return ZD_OK;
}

/* POST /api/v1/uploads (multipart: file, village?) */
int upg_api_upload(req *r) {
  const char *ct = req_header(r, "Content-Type");
  if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
    return zd_fail(&r->err, ZD_EMEDIA, "Send the photo as multipart/form-data with a field named file.");
  if (!req_form_ok(r)) return r->err.rc;
  const mpart *f = req_file(r, "file");
  if (!f) f = req_file(r, "photo");
  if (!f) return zd_fail(&r->err, ZD_EINVAL, "Send the photo as multipart/form-data with a field named file.");
  org v;
  long long org_id = 0;
  const char *village = req_form(r, "village");
  if (village && *village) {
    int rc = org_by_code(req_db(r), village, &v, &r->err);
    if (rc == ZD_OK && !upg_allows(r, PERM_UPLOAD, v.id)) rc = ZD_ENOTFOUND;
    if (rc == ZD_ENOTFOUND) return zd_fail(&r->err, ZD_ENOTFOUND, "No village with this code in your scope.");
    if (rc) return rc;
    org_id = v.id;
  }
  upg_upload u;
  int created = 0;
  int rc = upg_photo_save(r, f, org_id, &u, &created);
  if (rc) return rc;
  json_t *j = upg_photo_json(u.sha);
  char orig[112];
  snprintf(orig, sizeof orig, "/uploads/%s/original", u.sha);
  json_object_set_new(j, "original_url", json_string(orig));
  json_object_set_new(j, "type", json_string(image_mime(u.type)));
  json_object_set_new(j, "size", json_integer(u.size));
  json_object_set_new(j, "width", json_integer(u.w));
  json_object_set_new(j, "height", json_integer(u.h));
  json_object_set_new(j, "public_width", json_integer(u.pw));
  json_object_set_new(j, "public_height", json_integer(u.ph));
  json_object_set_new(j, "taken_at", u.taken_at ? json_integer(u.taken_at) : json_null());
  json_object_set_new(j, "new", json_boolean(created));
  resp_header(r, "Location", json_string_value(json_object_get(j, "url")));
  return resp_json(r, 201, j);
}

/* Serve a stored file. */
static int serve(req *r, const char *sha, const char *ext, const char *mime, const char *cache) {
  char path[600], etag[72];
  if (!store_path(r->app->cfg->data_dir, sha, ext, path, sizeof path)) return zd_fail(&r->err, ZD_ENOTFOUND, "No such photo.");
  snprintf(etag, sizeof etag, "\"%s\"", sha);
  resp_header(r, "ETag", etag);
  resp_header(r, "Cache-Control", cache);
  const char *inm = req_header(r, "If-None-Match");
  if (inm && strstr(inm, etag)) {
    r->status = 304;
    return ZD_OK;
  }
  FILE *fp = fopen(path, "rb");
  if (!fp) return zd_fail(&r->err, ZD_ENOTFOUND, "The photo file is missing.");
  buf b = BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len < 32u * 1024 * 1024) buf_append(&b, chunk, n);
  fclose(fp);
  if (!buf_ok(&b)) { buf_free(&b); return zd_fail(&r->err, ZD_EINTERNAL, "out of memory"); }
  char cd[112];
  snprintf(cd, sizeof cd, "inline; filename=\"%.64s.%s\"", sha, ext);
  resp_header(r, "Content-Disposition", cd);
  resp_text(r, 200, mime, &b);
  return ZD_OK;
}

#define PUBLIC_CACHE "public, max-age=31536000, immutable"

/* Who may see the re-encoded copies of an upload. Public: what a public page
** shows (a center photo), for anyone, cached anywhere. Otherwise (receipts,
** findings, plaque proofs, project photos, photos not yet attached): the
** uploader, and users who may view the records of the upload's organisation;
** when no organisation was recorded (an API upload without a village), any
** logged-in staff user (a role granting PERM_ORG_VIEW). Anyone else: 404. */
static int copy_access(req *r, const upg_upload *u, const char **cache) {
  int pub = 0;
  int rc = upg_upload_is_public(req_db(r), u->sha, &pub, &r->err);
  if (rc) return rc;
  if (pub) { *cache = PUBLIC_CACHE; return ZD_OK; }
  *cache = "private, max-age=3600";
  if (r->user_id && u->uploader_id == r->user_id) return ZD_OK;
  if (u->org_id && upg_allows(r, PERM_ORG_VIEW, u->org_id)) return ZD_OK;
  if (!u->org_id && r->user_id)
    for (int i = 0; i < r->nroles; i++)
      if (role_grants((role)r->roles[i].role, PERM_ORG_VIEW)) return ZD_OK;
  return zd_fail(&r->err, ZD_ENOTFOUND, "No such photo.");
}

/* GET /uploads/{sha} — the copy for pages (re-encoded, without EXIF). */
int upg_page_upload_public(req *r) {
  upg_upload u;
  const char *cache;
  int rc = upg_upload_get(req_db(r), req_param(r, "sha"), &u, &r->err);
  if (!rc) rc = copy_access(r, &u, &cache);
  if (rc) return rc;
  return serve(r, u.public_sha, "jpg", "image/jpeg", cache);
}

int upg_page_upload_thumb(req *r) {
  upg_upload u;
  const char *cache;
  int rc = upg_upload_get(req_db(r), req_param(r, "sha"), &u, &r->err);
  if (!rc) rc = copy_access(r, &u, &cache);
  if (rc) return rc;
  return serve(r, u.thumb_sha, "jpg", "image/jpeg", cache);
}

/* GET /uploads/{sha}/original — as uploaded (with its EXIF): the uploader and users in scope. */
int upg_page_upload_original(req *r) {
  upg_upload u;
  int rc = upg_upload_get(req_db(r), req_param(r, "sha"), &u, &r->err);
  if (rc == ZD_OK && u.uploader_id != r->user_id && !(u.org_id && upg_allows(r, PERM_ORG_VIEW, u.org_id)))
    rc = zd_fail(&r->err, ZD_ENOTFOUND, "No such photo.");
  if (rc) return rc;
  return serve(r, u.sha, image_ext(u.type), image_mime(u.type), "private, max-age=3600");
}

/* --- plaques --- */

static int plaque_out(req *r, long long id, int status) {
  upg_plaque p;
  int rc = upg_plaque_get(req_db(r), id, &p, &r->err);
  org v;
  upg_wl wl;
  if (!rc) rc = org_by_id(req_db(r), p.org_id, &v, &r->err);
  if (!rc) rc = upg_whitelist_load(req_db(r), v.parent_id, &wl, &r->err);
  if (rc) return rc;
  json_t *j = upg_plaque_json(r, &p, &wl);
  upg_whitelist_free(&wl);
  return resp_json(r, status, j);
}

/* POST /api/v1/villages/{code}/plaques */
int upg_api_plaque_create(req *r) {
  org v;
  int rc = upg_village(r, req_param(r, "code"), PERM_UPGRADE_EDIT, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"location", "name", "issuing_body", "rules_poster", "public_notice", "legal_basis",
                                     "has_real_function", NULL};
  const char *loc = NULL, *name = NULL, *issuing = NULL, *basis = NULL;
  upg_plaque p;
  memset(&p, 0, sizeof p);
  int has_fn = 1;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "location", 20, 1, &loc);
  if (!rc) rc = upg_str_field(r, j, "name", 100, 1, &name);
  if (!rc) rc = upg_str_field(r, j, "issuing_body", 100, 0, &issuing);
  if (!rc) rc = upg_str_field(r, j, "legal_basis", UPG_LEGAL_BASIS_MAX, 0, &basis);
  if (!rc) rc = upg_bool_field(r, j, "rules_poster", &p.rules_poster);
  if (!rc) rc = upg_bool_field(r, j, "public_notice", &p.public_notice);
  if (!rc && json_object_get(j, "has_real_function") && !json_is_null(json_object_get(j, "has_real_function")))
    rc = upg_bool_field(r, j, "has_real_function", &has_fn);
  p.no_real_function = !has_fn;
  snprintf(p.legal_basis, sizeof p.legal_basis, "%s", basis ? basis : "");
  int l = loc ? upg_location_parse(loc) : -1;
  if (!rc && l < 0) rc = zd_fail(&r->err, ZD_EINVAL, "location: exterior, interior or room_sign.");
  long long id = 0;
  if (!rc) {
    p.org_id = v.id;
    p.loc = (upg_location)l;
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.issuing, sizeof p.issuing, "%s", issuing ? issuing : "");
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_plaque_insert(w, actor, &p, &id, &r->err)) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return plaque_out(r, id, 201);
}

/* POST /api/v1/plaques/{id}/decision {decision, reason?, merged_into?, proof_sha256?} */
int upg_api_plaque_decision(req *r) {
  upg_plaque p;
  int rc = upg_plaque_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"decision", "reason", "merged_into", "proof_sha256", NULL};
  const char *d = NULL, *reason = NULL, *merged = NULL, *proof = NULL;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = upg_str_field(r, j, "decision", 20, 1, &d);
  if (!rc) rc = upg_str_field(r, j, "reason", 500, 0, &reason);
  if (!rc) rc = upg_str_field(r, j, "merged_into", 100, 0, &merged);
  if (!rc) rc = upg_str_field(r, j, "proof_sha256", 64, 0, &proof);
  int dc = d ? upg_pdecision_parse(d) : -1;
  if (!rc && dc <= PD_PENDING) rc = zd_fail(&r->err, ZD_EINVAL, "decision: keep, merge or remove.");
  if (!rc) {
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_plaque_decide(w, actor, r->user_id, p.id, (upg_plaque_decision)dc, reason, merged, proof,
                                              &r->err))
           : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  return plaque_out(r, p.id, 200);
}

/* The township's clean-up campaign: per village, what is left. */
typedef struct campaign_ctx {
  req *r;
  const upg_wl *wl;
  json_t *villages; /* code -> object */
  long long totals[5]; /* plaques, compliant, decide, carry_out, done */
} campaign_ctx;

static void campaign_row(void *arg, const upg_plaque *p) {
  campaign_ctx *c = arg;
  json_t *v = json_object_get(c->villages, p->org_code);
  if (!v) return;
  const char *why;
  int ok = upg_plaque_is_compliant(c->wl, p, &why);
  upg_plaque_left pending = upg_plaque_pending(ok, p->decision, p->proof[0] != 0);
  const char *keys[] = {"plaques", "compliant", "to_decide", "to_carry_out", "done"};
  int add[5] = {1, ok, pending == UPL_DECIDE, pending == UPL_CARRY_OUT, p->decision != PD_PENDING && pending == UPL_NONE};
  for (int i = 0; i < 5; i++) {
    json_object_set_new(v, keys[i], json_integer(json_integer_value(json_object_get(v, keys[i])) + add[i]));
    c->totals[i] += add[i];
  }
  if (upg_plaque_counts(p->loc, p->decision, p->rules_poster)) { /* against the per-location limit */
    const char *k = p->loc == PL_EXTERIOR ? "exterior_count" : "interior_count";
    json_object_set_new(v, k, json_integer(json_integer_value(json_object_get(v, k)) + 1));
  }
  if (pending != UPL_NONE) {
    json_object_set_new(v, "left", json_integer(json_integer_value(json_object_get(v, "left")) + 1));
    json_array_append_new(json_object_get(v, "items_left"), upg_plaque_json(c->r, p, c->wl));
  }
}

int upg_campaign_json(req *r, const org *t, json_t **out) {
  upg_wl wl;
  int rc = upg_whitelist_load(req_db(r), t->id, &wl, &r->err);
  if (rc) return rc;
  org *kids = NULL;
  size_t n = 0;
  rc = org_children(req_db(r), t->id, &kids, &n, &r->err);
  if (rc) { upg_whitelist_free(&wl); return rc; }
  campaign_ctx c = {r, &wl, json_object(), {0}};
  json_t *order = json_array();
  for (size_t i = 0; i < n; i++) {
    if (kids[i].kind != ORG_VILLAGE && kids[i].kind != ORG_COMMUNITY) continue;
    json_t *v = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:[]}", "code", kids[i].code, "name",
                          org_display_name(&kids[i], r->lang), "plaques", 0, "compliant", 0, "to_decide", 0,
                          "to_carry_out", 0, "done", 0, "left", 0, "exterior_count", 0, "interior_count", 0, "items_left");
    json_object_set(c.villages, kids[i].code, v);
    json_array_append_new(order, v);
  }
  free(kids);
  rc = upg_plaques_list(req_db(r), 0, t->id, campaign_row, &c, &r->err);
  /* the per-location limits: how many too many stay, village by village */
  long long over_villages = 0, excess = 0;
  size_t vi;
  json_t *vv;
  json_array_foreach(order, vi, vv) {
    int ex = upg_plaque_excess(&wl.limits, PL_EXTERIOR, (int)json_integer_value(json_object_get(vv, "exterior_count")));
    int ix = upg_plaque_excess(&wl.limits, PL_INTERIOR, (int)json_integer_value(json_object_get(vv, "interior_count")));
    json_object_set_new(vv, "over_limit", json_pack("{s:i, s:i}", "exterior", ex, "interior", ix));
    json_object_set_new(vv, "excess", json_integer(ex + ix));
    over_villages += ex + ix > 0;
    excess += ex + ix;
  }
  json_t *ext = json_array(), *in = json_array();
  for (int i = 0; i < wl.view.n_exterior; i++) json_array_append_new(ext, json_string(wl.view.exterior[i]));
  for (int i = 0; i < wl.view.n_interior; i++) json_array_append_new(in, json_string(wl.view.interior[i]));
  json_t *j = json_pack("{s:s, s:s, s:{s:b, s:o, s:o, s:i, s:i}, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o}",
                        "township", t->code, "township_name", org_display_name(t, r->lang), "whitelist", "configured",
                        wl.configured, "exterior", ext, "interior", in, "max_exterior", wl.limits.exterior,
                        "max_interior", wl.limits.interior, "totals", "plaques", (json_int_t)c.totals[0], "compliant",
                        (json_int_t)c.totals[1], "to_decide", (json_int_t)c.totals[2], "to_carry_out",
                        (json_int_t)c.totals[3], "done", (json_int_t)c.totals[4], "left",
                        (json_int_t)(c.totals[2] + c.totals[3]), "villages_over_limit", (json_int_t)over_villages,
                        "excess", (json_int_t)excess, "villages", order);
  json_decref(c.villages);
  upg_whitelist_free(&wl);
  if (rc) { json_decref(j); return rc; }
  *out = j;
  return ZD_OK;
}

/* GET /api/v1/townships/{code}/plaques */
int upg_api_campaign(req *r) {
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_ORG_VIEW, &t);
  if (rc) return rc;
  json_t *j;
  rc = upg_campaign_json(r, &t, &j);
  if (rc) return rc;
  return resp_json(r, 200, j);
}

static int names(req *r, json_t *j, const char *key, const char **out, int *n) {
  json_t *a = json_object_get(j, key), *v;
  size_t i;
  *n = 0;
  if (!json_is_array(a) || json_array_size(a) > UPG_WL_MAX)
    return zd_fail(&r->err, ZD_EINVAL, "%s: an array of at most %d names was expected.", key, UPG_WL_MAX);
  json_array_foreach(a, i, v) {
    if (!json_is_string(v)) return zd_fail(&r->err, ZD_EINVAL, "%s[%zu]: a string was expected.", key, i);
    out[(*n)++] = json_string_value(v);
  }
  return ZD_OK;
}

/* PUT /api/v1/townships/{code}/plaque-whitelist {exterior: [...], interior: [...]} */
int upg_api_whitelist_put(req *r) {
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_UPGRADE_MANAGE, &t);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  static const char *const keys[] = {"exterior", "interior", "max_exterior", "max_interior", NULL};
  const char *ext[UPG_WL_MAX], *in[UPG_WL_MAX];
  int next = 0, nin = 0, has_ext = 0, has_in = 0;
  long long mx = UPG_LIMIT_DEFAULT, mi = UPG_LIMIT_DEFAULT;
  rc = upg_only_keys(r, j, keys);
  if (!rc) rc = names(r, j, "exterior", ext, &next);
  if (!rc) rc = names(r, j, "interior", in, &nin);
  if (!rc) rc = upg_int_field(r, j, "max_exterior", 0, UPG_LIMIT_MAX, &mx, &has_ext);
  if (!rc) rc = upg_int_field(r, j, "max_interior", 0, UPG_LIMIT_MAX, &mi, &has_in);
  if (!rc) {
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    upg_wl cur;
    /* a limit not given stays as it is */
    if (w && (!has_ext || !has_in) && !(rc = upg_whitelist_load(w, t.id, &cur, &r->err))) {
      if (!has_ext) mx = cur.limits.exterior;
      if (!has_in) mi = cur.limits.interior;
      upg_whitelist_free(&cur);
    }
    upg_plaque_limits lim = {(int)mx, (int)mi};
    if (w && !rc) rc = upg_whitelist_save(w, actor, r->user_id, t.id, ext, next, in, nin, &lim, &r->err);
    rc = w ? upg_end(r, w, rc) : r->err.rc;
  }
  json_decref(j);
  if (rc) return rc;
  upg_wl wl;
  rc = upg_whitelist_load(req_db(r), t.id, &wl, &r->err);
  if (rc) return rc;
  json_t *e = json_array(), *i = json_array();
  for (int k = 0; k < wl.view.n_exterior; k++) json_array_append_new(e, json_string(wl.view.exterior[k]));
  for (int k = 0; k < wl.view.n_interior; k++) json_array_append_new(i, json_string(wl.view.interior[k]));
  json_t *out = json_pack("{s:s, s:b, s:o, s:o, s:i, s:i}", "township", t.code, "configured", wl.configured, "exterior",
                          e, "interior", i, "max_exterior", wl.limits.exterior, "max_interior", wl.limits.interior);
  upg_whitelist_free(&wl);
  return resp_json(r, 200, out);
}
