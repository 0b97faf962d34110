/* upgrade_center_pages.c — the page forms of a village's center, its plaques and
** the township's plaque list (issue 6), for phones without JavaScript:
**   GET  /v/{code}/center/edit                 the center's forms on one page
**   POST /v/{code}/center/data                 address, GPS, floor area, opening hours, phone
**   POST /v/{code}/center/areas                add a room (function area)
**   POST /v/{code}/center/areas/{n}            change room n (1-based), or remove it (action=remove)
**   POST /v/{code}/center/checklist            the facility checklist: each item's state and note
**   POST /v/{code}/center/photos               add a photo (multipart, from the phone's camera)
**   POST /v/{code}/center/photos/{sha}/remove  take a photo off the center
**   POST /v/{code}/plaques                     add a plaque (the form is on the center page)
**   POST /t/{code}/plaque-whitelist            the township's plaque lists and per-location limits
** A handler only reads the form: the change goes through the functions the API
** uses (upg_center_update, upg_plaque_insert, upg_whitelist_save: their rules and
** their audit entries). Bad input renders the form again with the message and
** what was typed (400; 409 when the record changed meanwhile) and changes nothing.
** Changes of rooms and photos are made inside the write transaction on what is
** stored then, so two people editing at once do not undo each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "upgrade_core.h"
#include "platform/i18n.h"
#include "platform/page.h"

typedef enum { EF_NONE, EF_DATA, EF_AREA, EF_AREA_NEW, EF_CHECKLIST, EF_PHOTO } edit_form;

/* --- reading form values --- */

/* Leading and trailing ASCII blanks off, into out (truncated to n). */
static void trimmed(const char *s, char *out, size_t n) {
  while (s && (*s == ' ' || *s == '\t')) s++;
  snprintf(out, n, "%s", s ? s : "");
  size_t l = strlen(out);
  while (l && (out[l - 1] == ' ' || out[l - 1] == '\t' || out[l - 1] == '\r' || out[l - 1] == '\n')) out[--l] = 0;
}

/* A whole number lo..hi ("" is 0 when empty_zero); 1 ok, 0 not. */
static int form_int(const char *s, long long lo, long long hi, int empty_zero, long long *out) {
  char t[32];
  if (s && strlen(s) > 24) return 0;
  trimmed(s, t, sizeof t);
  if (!t[0]) {
    if (!empty_zero) return 0;
    *out = 0;
    return lo <= 0 && 0 <= hi;
  }
  const char *p = t;
  int neg = *p == '-';
  if (*p == '-' || *p == '+') p++;
  if (!*p || strlen(p) > 12) return 0;
  long long v = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return 0;
    v = v * 10 + (*p - '0');
  }
  if (neg) v = -v;
  if (v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

/* Degrees as a plain decimal: "-34.03810", "106.4562" (no exponent, no hex, no inf). */
static int form_degrees(const char *t, double *out) {
  const char *p = t;
  if (*p == '-' || *p == '+') p++;
  int digits = 0, decimals = 0;
  for (; *p >= '0' && *p <= '9'; p++) digits++;
  if (*p == '.') {
    p++;
    for (; *p >= '0' && *p <= '9'; p++) decimals++;
    if (!decimals) return 0;
  }
  if (*p || !digits || digits > 3 || decimals > 10) return 0;
  *out = strtod(t, NULL); /* the shape is checked: digits, one '.', a sign */
  return 1;
}

static const char *field_label(req *r, const char *field) {
  static const struct { const char *key, *label; } labels[] = {
    {"name", "Name"}, {"address", "Address"}, {"opening_hours", "Opening hours"}, {"phone", "Phone"},
    {"gps", "GPS"}, {"floor_area_m2", "Floor area"}, {"function_areas", "Room"}, {"checklist", "Facility checklist"},
    {"photos", "Photos"},
  };
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (field && strcmp(labels[i].key, field) == 0) return T(r, labels[i].label);
  return field ? field : "";
}

/* "Label: why" in the reader's language. */
static const char *say(req *r, char *msg, size_t n, const char *label, const char *why) {
  snprintf(msg, n, "%s%s%s", label ? label : "", !label || !*label ? "" : r->lang == LANG_ZH ? "：" : ": ", T(r, why));
  return msg;
}

/* --- the edit page --- */

static void crumbs(req *r, buf *b, const org *v, const char *here) {
  org t;
  zd_error ignore;
  buf_puts(b, "<nav class=\"crumbs\">");
  if (org_by_id(req_db(r), v->parent_id, &t, &ignore) == ZD_OK)
    buf_printf(b, "<a href=\"/\">%s</a> › ", org_display_name(&t, r->lang));
  buf_printf(b, "<a href=\"/v/%u\">%s</a> › <a href=\"/v/%u/center\">%s</a> › %s</nav>", v->code,
             org_display_name(v, r->lang), v->code, T(r, "Center"), here);
}

/* The value to show: what was typed into the posted form, else what is stored. */
static const char *shown(req *r, int posted, const char *field, const char *stored) {
  if (!posted) return stored;
  const char *s = req_form(r, field);
  return s ? s : "";
}

static void fn_boxes(req *r, buf *b, int posted, unsigned fns) {
  buf_printf(b, "<fieldset><legend>%s</legend>", T(r, "Serves as"));
  for (int f = 0; f < UF_COUNT; f++) {
    char name[32];
    snprintf(name, sizeof name, "fn_%s", upg_fn_key((upg_fn)f));
    int on = posted ? req_form(r, name) != NULL : (fns & (1u << f)) != 0;
    buf_printf(b, "<label class=\"radio\"><input type=\"checkbox\" name=\"%s\" value=\"1\"%r> %s</label>", name,
               on ? " checked" : "", T(r, upg_fn_label((upg_fn)f)));
  }
  buf_puts(b, "</fieldset>");
}

static void room_fields(req *r, buf *b, int posted, const char *name, int m2, unsigned fns) {
  char m2s[16] = "";
  if (m2 > 0) snprintf(m2s, sizeof m2s, "%d", m2);
  buf_printf(b, "<label>%s<input name=\"name\" maxlength=\"60\" required value=\"%s\"></label>"
                "<label>%s (m²)<input name=\"area_m2\" inputmode=\"numeric\" value=\"%s\"></label>",
             T(r, "Room"), shown(r, posted, "name", name), T(r, "Floor area"), shown(r, posted, "area_m2", m2s));
  fn_boxes(r, b, posted, fns);
}

static int edit_page(req *r, const org *v, edit_form posted, int posted_room, const char *error, int status) {
  upg_center *ce = malloc(sizeof *ce);
  if (!ce) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  int rc = upg_center_load(req_db(r), v->id, ce, &r->err);
  if (rc) { free(ce); return rc; }
  buf b = BUF_INIT;
  const char *name = ce->has_center && ce->c.name[0] ? ce->c.name : org_display_name(v, r->lang);
  page_begin(r, &b, T(r, "Edit the center"));
  crumbs(r, &b, v, T(r, "Edit"));
  buf_printf(&b, "<h1>%s <small>%s</small></h1>", T(r, "Edit the center"), name);
  if (error) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  else if (req_query(r, "saved")) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", T(r, "Saved."));
  buf_printf(&b, "<p class=\"links\"><a href=\"#data\">%s</a> · <a href=\"#areas\">%s</a> · <a href=\"#checklist\">%s</a> · "
                 "<a href=\"#photos\">%s</a> · <a href=\"/v/%u/center\">%s</a></p>",
             T(r, "Center data"), T(r, "Function areas"), T(r, "Facility checklist"), T(r, "Photos"), v->code,
             T(r, "Back to the center page"));

  /* the center itself */
  int p = posted == EF_DATA;
  char area[16] = "", lat[32] = "", lng[32] = "";
  if (ce->c.floor_area_m2 > 0) snprintf(area, sizeof area, "%d", ce->c.floor_area_m2);
  if (ce->c.has_gps) {
    snprintf(lat, sizeof lat, "%.6f", ce->c.lat);
    snprintf(lng, sizeof lng, "%.6f", ce->c.lng);
  }
  buf_printf(&b, "<form id=\"data\" class=\"form\" method=\"post\" action=\"/v/%u/center/data\"><h2>%s</h2>"
                 "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                 "<label>%s<input name=\"address\" maxlength=\"200\" value=\"%s\"></label>"
                 "<label>%s<input name=\"opening_hours\" maxlength=\"100\" placeholder=\"%s\" value=\"%s\"></label>"
                 "<label>%s<input name=\"phone\" type=\"tel\" maxlength=\"30\" value=\"%s\"></label>"
                 "<label>%s (m²)<input name=\"floor_area_m2\" inputmode=\"numeric\" value=\"%s\"></label>"
                 "<fieldset><legend>%s</legend>"
                 "<label>%s<input name=\"lat\" inputmode=\"decimal\" placeholder=\"34.03810\" value=\"%s\"></label>"
                 "<label>%s<input name=\"lng\" inputmode=\"decimal\" placeholder=\"106.45620\" value=\"%s\"></label></fieldset>"
                 "<button type=\"submit\">%s</button></form>",
             v->code, T(r, "Center data"), r->csrf, T(r, "Address"), shown(r, p, "address", ce->c.address),
             T(r, "Opening hours"), T(r, "Mon–Fri 8:30–12:00, 14:30–18:00"), shown(r, p, "opening_hours", ce->c.opening_hours),
             T(r, "Phone"), shown(r, p, "phone", ce->c.phone), T(r, "Floor area"), shown(r, p, "floor_area_m2", area),
             T(r, "GPS position (both empty when unknown)"), T(r, "Latitude"), shown(r, p, "lat", lat), T(r, "Longitude"),
             shown(r, p, "lng", lng), T(r, "Save"));

  /* function areas: one form per room, and one to add a room */
  buf_printf(&b, "<section id=\"areas\"><h2>%s</h2><p>%s</p>", T(r, "Function areas"),
             T(r, "One room may serve several functions."));
  for (int i = 0; i < ce->nareas; i++) {
    const upg_area *a = &ce->areas[i];
    int pr = posted == EF_AREA && posted_room == i + 1;
    buf_printf(&b, "<form id=\"room-%d\" class=\"form\" method=\"post\" action=\"/v/%u/center/areas/%d\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"was\" value=\"%s\">",
               i + 1, v->code, i + 1, r->csrf, a->name);
    room_fields(r, &b, pr, a->name, a->area_m2, a->fns);
    buf_printf(&b, "<button type=\"submit\" name=\"action\" value=\"save\">%s</button> "
                   "<button type=\"submit\" name=\"action\" value=\"remove\" class=\"secondary\">%s</button></form>",
               T(r, "Save"), T(r, "Remove the room"));
  }
  if (!ce->nareas) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No function areas on record."));
  if (ce->nareas < UPG_MAX_AREAS) {
    buf_printf(&b, "<form id=\"room-new\" class=\"form\" method=\"post\" action=\"/v/%u/center/areas\"><h3>%s</h3>"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
               v->code, T(r, "Add a room"), r->csrf);
    room_fields(r, &b, posted == EF_AREA_NEW, "", 0, 0);
    buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "Add the room"));
  }
  buf_puts(&b, "</section>");

  /* the facility checklist */
  p = posted == EF_CHECKLIST;
  buf_printf(&b, "<form id=\"checklist\" class=\"form\" method=\"post\" action=\"/v/%u/center/checklist\"><h2>%s</h2>"
                 "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
             v->code, T(r, "Facility checklist"), r->csrf);
  for (int k = 0; k < CK_COUNT; k++) {
    const char *key = upg_check_key((upg_check_item)k);
    char sf[40], nf[40];
    snprintf(sf, sizeof sf, "state_%s", key);
    snprintf(nf, sizeof nf, "note_%s", key);
    const char *st = shown(r, p, sf, upg_cstate_key(ce->checks[k].state));
    buf_printf(&b, "<fieldset><legend>%s</legend><label>%s<select name=\"%s\">", T(r, upg_check_label((upg_check_item)k)),
               T(r, "State"), sf);
    for (int s = 0; s < CS_COUNT; s++)
      buf_printf(&b, "<option value=\"%s\"%r>%s</option>", upg_cstate_key((upg_check_state)s),
                 strcmp(st, upg_cstate_key((upg_check_state)s)) == 0 ? " selected" : "",
                 T(r, upg_cstate_label((upg_check_state)s)));
    buf_printf(&b, "</select></label><label>%s<input name=\"%s\" maxlength=\"500\" value=\"%s\"></label></fieldset>",
               T(r, "Note"), nf, shown(r, p, nf, ce->checks[k].note));
  }
  buf_printf(&b, "<button type=\"submit\">%s</button></form>", T(r, "Save"));

  /* photos */
  buf_printf(&b, "<section id=\"photos\"><h2>%s</h2>", T(r, "Photos"));
  if (ce->nphotos) {
    buf_puts(&b, "<ul class=\"gallery\">");
    for (int i = 0; i < ce->nphotos; i++) {
      buf_puts(&b, "<li>");
      upg_thumb_html(r, &b, ce->photos[i].sha, ce->photos[i].caption);
      if (ce->photos[i].caption[0]) buf_printf(&b, "<small>%s</small>", ce->photos[i].caption);
      buf_printf(&b, "<form class=\"inline\" method=\"post\" action=\"/v/%u/center/photos/%u/remove\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" class=\"secondary\">%s</button></form></li>",
                 v->code, ce->photos[i].sha, r->csrf, T(r, "Remove"));
    }
    buf_puts(&b, "</ul>");
  }
  if (ce->nphotos < UPG_MAX_PHOTOS)
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/center/photos\" enctype=\"multipart/form-data\"><h3>%s</h3>"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label>%s<input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png,image/webp\" required></label>"
                   "<label>%s<input name=\"caption\" maxlength=\"100\" value=\"%s\"></label><p><small>%s</small></p>"
                   "<button type=\"submit\">%s</button></form>",
               v->code, T(r, "Add a photo"), r->csrf, T(r, "Photo"), T(r, "Caption"),
               shown(r, posted == EF_PHOTO, "caption", ""),
               T(r, "Everyone sees the center's photos on its page, without the location and camera data."),
               T(r, "Add the photo"));
  else buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "At most 12 photos; remove one first."));
  buf_puts(&b, "</section>");
  free(ce);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /v/{code}/center/edit */
int upg_page_center_edit(req *r) {
  org v;
  int rc = upg_village(r, req_param(r, "code"), PERM_UPGRADE_EDIT, &v);
  if (rc) return rc;
  return edit_page(r, &v, EF_NONE, 0, NULL, 200);
}

/* The village of a center form (404 outside the caller's scope), and the form
** read: an unreadable body (invalid UTF-8, malformed) is shown on the page. */
static int center_form(req *r, org *v, int *shown_rc) {
  *shown_rc = 0;
  int rc = upg_village(r, req_param(r, "code"), PERM_UPGRADE_EDIT, v);
  if (rc) return rc;
  if (req_form_ok(r)) return ZD_OK;
  if (r->err.rc != ZD_EINVAL) return r->err.rc;
  *shown_rc = 1;
  return edit_page(r, v, EF_NONE, 0, T(r, "The form could not be read (invalid characters or encoding); nothing was changed."), 400);
}

static int saved(req *r, const org *v, const char *anchor) {
  char loc[128];
  snprintf(loc, sizeof loc, "/v/%s/center/edit?saved=1#%s", v->code, anchor);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}

/* Apply ch inside the caller's transaction after the shared check; a failed
** check becomes the message (translated) in msg. */
static int apply(req *r, db_conn *w, const org *v, const upg_center_change *ch, char *msg, size_t n, const char **shown_msg) {
  const char *field, *why;
  int index;
  if (upg_center_change_check(ch, &field, &index, &why)) {
    *shown_msg = say(r, msg, n, field_label(r, field), why);
    return ZD_EINVAL;
  }
  char actor[96];
  upg_actor(r, actor, sizeof actor);
  return upg_center_update(w, actor, r->user_id, v, ch, &r->err);
}

/* POST /v/{code}/center/data (address, opening_hours, phone, floor_area_m2, lat, lng) */
int upg_page_center_data(req *r) {
  org v;
  int shown_rc;
  int rc = center_form(r, &v, &shown_rc);
  if (rc || shown_rc) return rc;
  upg_center_change ch;
  memset(&ch, 0, sizeof ch);
  char msg[600], address[800], hours[400], phone[160];
  const char *s;
  /* a field left out of the form stays as it is */
  if ((s = req_form(r, "address"))) { trimmed(s, address, sizeof address); ch.address = strlen(s) < sizeof address - 1 ? address : s; }
  if ((s = req_form(r, "opening_hours"))) { trimmed(s, hours, sizeof hours); ch.hours = strlen(s) < sizeof hours - 1 ? hours : s; }
  if ((s = req_form(r, "phone"))) { trimmed(s, phone, sizeof phone); ch.phone = strlen(s) < sizeof phone - 1 ? phone : s; }
  long long area;
  if ((s = req_form(r, "floor_area_m2"))) {
    if (!form_int(s, 0, UPG_AREA_M2_MAX, 1, &area))
      return edit_page(r, &v, EF_DATA, 0, say(r, msg, sizeof msg, T(r, "Floor area"), "An area is a whole number of square metres from 0 to 100000."), 400);
    ch.set_floor = 1;
    ch.floor_area_m2 = (int)area;
  }
  const char *la = req_form(r, "lat"), *ln = req_form(r, "lng");
  if (la || ln) {
    char a[40] = "", o[40] = "";
    int long_input = (la && strlen(la) > 30) || (ln && strlen(ln) > 30);
    trimmed(la, a, sizeof a);
    trimmed(ln, o, sizeof o);
    if (!a[0] && !o[0] && !long_input) ch.clear_gps = 1;
    else if (long_input || !a[0] || !o[0] || !form_degrees(a, &ch.lat) || !form_degrees(o, &ch.lng) || ch.lat < -90 ||
             ch.lat > 90 || ch.lng < -180 || ch.lng > 180)
      return edit_page(r, &v, EF_DATA, 0,
                       say(r, msg, sizeof msg, T(r, "GPS"), "Give both the latitude (-90 to 90) and the longitude (-180 to 180) as decimal degrees, like 34.0381 and 106.4562, or leave both empty."),
                       400);
    else ch.set_gps = 1;
  }
  const char *shown_msg = NULL;
  db_conn *w = upg_begin(r);
  if (!w) return r->err.rc;
  rc = upg_end(r, w, apply(r, w, &v, &ch, msg, sizeof msg, &shown_msg));
  if (shown_msg) return edit_page(r, &v, EF_DATA, 0, shown_msg, 400);
  if (rc) return rc;
  return saved(r, &v, "data");
}

/* A room from the form: name, area_m2, fn_<key>. 0 and a message when malformed. */
static int form_room(req *r, upg_area *a, char *msg, size_t n, const char **shown_msg) {
  memset(a, 0, sizeof a[0]);
  const char *name = req_form(r, "name");
  long long m2 = 0;
  if (!form_int(req_form(r, "area_m2"), 0, UPG_AREA_M2_MAX, 1, &m2)) {
    *shown_msg = say(r, msg, n, T(r, "Floor area"), "An area is a whole number of square metres from 0 to 100000.");
    return 0;
  }
  const char *why = upg_text_problem(name, UPG_ROOM_NAME_MAX, 1);
  if (why) { *shown_msg = say(r, msg, n, T(r, "Room"), why); return 0; }
  trimmed(name, a->name, sizeof a->name);
  a->area_m2 = (int)m2;
  for (int f = 0; f < UF_COUNT; f++) {
    char k[32];
    snprintf(k, sizeof k, "fn_%s", upg_fn_key((upg_fn)f));
    if (req_form(r, k)) a->fns |= 1u << f;
  }
  if (!a->fns) { *shown_msg = say(r, msg, n, T(r, "Room"), "Choose at least one function for the room."); return 0; }
  return 1;
}

/* Rooms: add one (room 0) or change / remove room n, on what is stored now. */
static int rooms_post(req *r, int n) {
  org v;
  int shown_rc;
  int rc = center_form(r, &v, &shown_rc);
  if (rc || shown_rc) return rc;
  edit_form which = n ? EF_AREA : EF_AREA_NEW;
  int remove = n && req_form(r, "action") && strcmp(req_form(r, "action"), "remove") == 0;
  char msg[600];
  const char *shown_msg = NULL;
  upg_area room;
  if (!remove && !form_room(r, &room, msg, sizeof msg, &shown_msg)) return edit_page(r, &v, which, n, shown_msg, 400);
  upg_center *ce = malloc(sizeof *ce);
  if (!ce) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  int status = 400;
  db_conn *w = upg_begin(r);
  if (!w) { free(ce); return r->err.rc; }
  rc = upg_center_load(w, v.id, ce, &r->err);
  const char *was = req_form(r, "was");
  if (!rc && n && (n > ce->nareas || !was || strcmp(was, ce->areas[n - 1].name) != 0)) {
    shown_msg = T(r, "The rooms were changed meanwhile; here they are as they are now. Nothing was changed.");
    status = 409;
    rc = ZD_ECONFLICT;
  } else if (!rc && !n && ce->nareas >= UPG_MAX_AREAS) {
    shown_msg = T(r, "At most 30 rooms.");
    status = 409;
    rc = ZD_ECONFLICT;
  }
  if (!rc) {
    upg_center_change ch;
    memset(&ch, 0, sizeof ch);
    if (!n) ce->areas[ce->nareas++] = room;
    else if (remove) {
      memmove(&ce->areas[n - 1], &ce->areas[n], (size_t)(ce->nareas - n) * sizeof ce->areas[0]);
      ce->nareas--;
    } else ce->areas[n - 1] = room;
    ch.set_areas = 1;
    ch.areas = ce->areas;
    ch.nareas = ce->nareas;
    rc = apply(r, w, &v, &ch, msg, sizeof msg, &shown_msg);
  }
  rc = upg_end(r, w, rc);
  free(ce);
  if (shown_msg) return edit_page(r, &v, status == 409 ? EF_NONE : which, n, shown_msg, status);
  if (rc) return rc;
  return saved(r, &v, "areas");
}

/* POST /v/{code}/center/areas (name, area_m2, fn_<key>) */
int upg_page_center_area_add(req *r) { return rooms_post(r, 0); }

/* POST /v/{code}/center/areas/{n} (was, name, area_m2, fn_<key>, action=save|remove) */
int upg_page_center_area_post(req *r) {
  long long n;
  int rc = upg_id_param(r, "n", &n);
  if (rc) return rc;
  if (n > UPG_MAX_AREAS) return zd_fail(&r->err, ZD_ENOTFOUND, "No record with this number.");
  return rooms_post(r, (int)n);
}

/* POST /v/{code}/center/checklist (state_<item>, note_<item>): only what changed is written. */
int upg_page_center_checklist(req *r) {
  org v;
  int shown_rc;
  int rc = center_form(r, &v, &shown_rc);
  if (rc || shown_rc) return rc;
  char msg[600];
  const char *shown_msg = NULL;
  upg_center_change ch;
  memset(&ch, 0, sizeof ch);
  int states[CK_COUNT]; /* -1: keep the stored state */
  for (int k = 0; k < CK_COUNT; k++) {
    char sf[40], nf[40];
    snprintf(sf, sizeof sf, "state_%s", upg_check_key((upg_check_item)k));
    snprintf(nf, sizeof nf, "note_%s", upg_check_key((upg_check_item)k));
    const char *st = req_form(r, sf), *note = req_form(r, nf);
    if (!st && !note) continue;
    int cs = st ? upg_cstate_parse(st) : -1;
    if (st && cs < 0)
      return edit_page(r, &v, EF_CHECKLIST, 0, say(r, msg, sizeof msg, T(r, upg_check_label((upg_check_item)k)), "Unknown checklist item or state."), 400);
    const char *why = upg_text_problem(note, UPG_NOTE_MAX, 0);
    if (why) return edit_page(r, &v, EF_CHECKLIST, 0, say(r, msg, sizeof msg, T(r, upg_check_label((upg_check_item)k)), why), 400);
    ch.checks[ch.nchecks].item = (upg_check_item)k;
    ch.checks[ch.nchecks].note = note;
    states[ch.nchecks++] = cs;
  }
  upg_center *ce = malloc(sizeof *ce);
  if (!ce) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  db_conn *w = upg_begin(r);
  if (!w) { free(ce); return r->err.rc; }
  rc = upg_center_load(w, v.id, ce, &r->err);
  if (!rc) { /* keep the items that change */
    int n = 0;
    for (int i = 0; i < ch.nchecks; i++) {
      const upg_check *old = &ce->checks[ch.checks[i].item];
      ch.checks[i].state = states[i] < 0 ? old->state : (upg_check_state)states[i];
      const char *note = ch.checks[i].note ? ch.checks[i].note : old->note;
      if (ch.checks[i].state == old->state && strcmp(note, old->note) == 0) continue;
      ch.checks[n++] = ch.checks[i];
    }
    ch.nchecks = n;
    if (n) rc = apply(r, w, &v, &ch, msg, sizeof msg, &shown_msg);
  }
  rc = upg_end(r, w, rc);
  free(ce);
  if (shown_msg) return edit_page(r, &v, EF_CHECKLIST, 0, shown_msg, 400);
  if (rc) return rc;
  return saved(r, &v, "checklist");
}

/* POST /v/{code}/center/photos (multipart: photo, caption) */
int upg_page_center_photo_add(req *r) {
  org v;
  int shown_rc;
  int rc = center_form(r, &v, &shown_rc);
  if (rc || shown_rc) return rc;
  char msg[600];
  const char *caption = req_form(r, "caption"), *why = upg_text_problem(caption, UPG_CAPTION_MAX, 0);
  if (why) return edit_page(r, &v, EF_PHOTO, 0, say(r, msg, sizeof msg, T(r, "Caption"), why), 400);
  const mpart *ph = req_file(r, "photo");
  if (!ph) return edit_page(r, &v, EF_PHOTO, 0, T(r, "Choose a photo to add."), 400);
  /* the limit before the photo is stored */
  long long n = 0;
  rc = db_scalar_int(req_db(r), &r->err, &n, 0, "SELECT count(*) FROM center_photo WHERE org_id = ?", "i", v.id);
  if (rc) return rc;
  if (n >= UPG_MAX_PHOTOS) return edit_page(r, &v, EF_PHOTO, 0, T(r, "At most 12 photos; remove one first."), 409);
  upg_upload up;
  rc = upg_photo_save(r, ph, v.id, &up, NULL);
  if (rc == ZD_EINVAL || rc == ZD_EMEDIA || rc == ZD_ETOOBIG) return edit_page(r, &v, EF_PHOTO, 0, T(r, r->err.msg), 400);
  if (rc) return rc;
  upg_center *ce = malloc(sizeof *ce);
  if (!ce) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  const char *shown_msg = NULL;
  int status = 400;
  db_conn *w = upg_begin(r);
  if (!w) { free(ce); return r->err.rc; }
  rc = upg_center_load(w, v.id, ce, &r->err);
  int there = 0;
  for (int i = 0; !rc && i < ce->nphotos; i++)
    if (strcmp(ce->photos[i].sha, up.sha) == 0) there = 1;
  if (!rc && !there && ce->nphotos >= UPG_MAX_PHOTOS) {
    shown_msg = T(r, "At most 12 photos; remove one first.");
    status = 409;
    rc = ZD_ECONFLICT;
  }
  if (!rc && !there) {
    upg_cphoto *np = &ce->photos[ce->nphotos++];
    snprintf(np->sha, sizeof np->sha, "%s", up.sha);
    trimmed(caption, np->caption, sizeof np->caption);
    upg_center_change ch;
    memset(&ch, 0, sizeof ch);
    ch.set_photos = 1;
    ch.photos = ce->photos;
    ch.nphotos = ce->nphotos;
    rc = apply(r, w, &v, &ch, msg, sizeof msg, &shown_msg);
  }
  rc = upg_end(r, w, rc);
  free(ce);
  if (shown_msg) return edit_page(r, &v, EF_PHOTO, 0, shown_msg, status);
  if (rc) return rc;
  return saved(r, &v, "photos");
}

/* POST /v/{code}/center/photos/{sha}/remove */
int upg_page_center_photo_remove(req *r) {
  org v;
  int shown_rc;
  int rc = center_form(r, &v, &shown_rc);
  if (rc || shown_rc) return rc;
  const char *sha = req_param(r, "sha");
  upg_center *ce = malloc(sizeof *ce);
  if (!ce) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  char msg[600];
  const char *shown_msg = NULL;
  db_conn *w = upg_begin(r);
  if (!w) { free(ce); return r->err.rc; }
  rc = upg_center_load(w, v.id, ce, &r->err);
  int at = -1;
  for (int i = 0; !rc && i < ce->nphotos; i++)
    if (sha && strcmp(ce->photos[i].sha, sha) == 0) at = i;
  if (!rc && at < 0) {
    shown_msg = T(r, "This photo is no longer on the center. Nothing was changed.");
    rc = ZD_ECONFLICT;
  }
  if (!rc) {
    memmove(&ce->photos[at], &ce->photos[at + 1], (size_t)(ce->nphotos - at - 1) * sizeof ce->photos[0]);
    ce->nphotos--;
    upg_center_change ch;
    memset(&ch, 0, sizeof ch);
    ch.set_photos = 1;
    ch.photos = ce->photos;
    ch.nphotos = ce->nphotos;
    rc = apply(r, w, &v, &ch, msg, sizeof msg, &shown_msg);
  }
  rc = upg_end(r, w, rc);
  free(ce);
  if (shown_msg) return edit_page(r, &v, EF_NONE, 0, shown_msg, 409);
  if (rc) return rc;
  return saved(r, &v, "photos");
}

/* --- plaques: the form on the center page --- */

/* Was this request the add-plaque form (so its fields are shown again)? */
static int plaque_posted(req *r) {
  size_t l = strlen(r->path);
  return strcmp(r->method, "POST") == 0 && r->form_parsed == 1 && l > 8 && strcmp(r->path + l - 8, "/plaques") == 0;
}

void upg_plaque_add_form(req *r, buf *b, const org *v) {
  int p = plaque_posted(r);
  const char *loc = shown(r, p, "location", "exterior"), *fn = shown(r, p, "real_function", "yes");
  buf_printf(b, "<form id=\"plaque-new\" class=\"form\" method=\"post\" action=\"/v/%u/plaques\"><h3>%s</h3>"
                "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label>%s<select name=\"location\">",
             v->code, T(r, "Add a plaque"), r->csrf, T(r, "Where"));
  for (int l = 0; l < PL_COUNT; l++)
    buf_printf(b, "<option value=\"%s\"%r>%s</option>", upg_location_key((upg_location)l),
               strcmp(loc, upg_location_key((upg_location)l)) == 0 ? " selected" : "", T(r, upg_location_label((upg_location)l)));
  buf_printf(b, "</select></label><label>%s<input name=\"name\" maxlength=\"100\" required value=\"%s\"></label>"
                "<label>%s<input name=\"issuing_body\" maxlength=\"100\" value=\"%s\"></label>"
                "<label>%s<input name=\"legal_basis\" maxlength=\"200\" value=\"%s\"></label>"
                "<fieldset><legend>%s</legend><label class=\"radio\"><input type=\"radio\" name=\"real_function\" value=\"yes\"%r> %s</label>"
                "<label class=\"radio\"><input type=\"radio\" name=\"real_function\" value=\"no\"%r> %s</label></fieldset>"
                "<label class=\"radio\"><input type=\"checkbox\" name=\"rules_poster\" value=\"1\"%r> %s</label>"
                "<label class=\"radio\"><input type=\"checkbox\" name=\"public_notice\" value=\"1\"%r> %s</label>"
                "<p><button type=\"submit\">%s</button></p></form>",
             T(r, "Plaque"), shown(r, p, "name", ""), T(r, "Issued by"), shown(r, p, "issuing_body", ""),
             T(r, "Legal basis (law or document requiring it)"), shown(r, p, "legal_basis", ""),
             T(r, "Does it have a real function here?"), strcmp(fn, "no") ? " checked" : "", T(r, "Yes"),
             strcmp(fn, "no") == 0 ? " checked" : "", T(r, "No"), p && req_form(r, "rules_poster") ? " checked" : "",
             T(r, "A rules or duty poster (制度牌)"), p && req_form(r, "public_notice") ? " checked" : "",
             T(r, "A notice the public needs"), T(r, "Add the plaque"));
}

/* POST /v/{code}/plaques (location, name, issuing_body, legal_basis, real_function yes|no, rules_poster, public_notice) */
int upg_page_plaque_add(req *r) {
  org v;
  int rc = upg_village(r, req_param(r, "code"), PERM_UPGRADE_EDIT, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) {
    if (r->err.rc != ZD_EINVAL) return r->err.rc;
    return upg_center_page(r, &v, T(r, "The form could not be read (invalid characters or encoding); nothing was changed."), 400);
  }
  char msg[600];
  int l = upg_location_parse(req_form(r, "location"));
  if (l < 0) return upg_center_page(r, &v, say(r, msg, sizeof msg, T(r, "Where"), "Choose outside the door, inside or room sign."), 400);
  const char *fn = req_form(r, "real_function");
  if (fn && strcmp(fn, "yes") && strcmp(fn, "no")) return upg_center_page(r, &v, T(r, "Say whether it has a real function."), 400);
  const char *fields[3] = {"name", "issuing_body", "legal_basis"};
  const char *labels[3] = {"Plaque", "Issued by", "Legal basis (law or document requiring it)"};
  size_t max[3] = {100, 100, UPG_LEGAL_BASIS_MAX};
  for (int i = 0; i < 3; i++) {
    const char *why = upg_text_problem(req_form(r, fields[i]), max[i], i == 0);
    if (why) return upg_center_page(r, &v, say(r, msg, sizeof msg, T(r, labels[i]), why), 400);
  }
  upg_plaque p;
  memset(&p, 0, sizeof p);
  p.org_id = v.id;
  p.loc = (upg_location)l;
  trimmed(req_form(r, "name"), p.name, sizeof p.name);
  trimmed(req_form(r, "issuing_body"), p.issuing, sizeof p.issuing);
  trimmed(req_form(r, "legal_basis"), p.legal_basis, sizeof p.legal_basis);
  p.rules_poster = req_form(r, "rules_poster") != NULL;
  p.public_notice = req_form(r, "public_notice") != NULL;
  p.no_real_function = fn && strcmp(fn, "no") == 0;
  long long id = 0;
  char actor[96];
  upg_actor(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_plaque_insert(w, actor, &p, &id, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL) return upg_center_page(r, &v, T(r, r->err.msg), 400);
  if (rc) return rc;
  char loc[96];
  snprintf(loc, sizeof loc, "/v/%s/center#plaque-%lld", v.code, id);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}

/* --- the township's plaque lists and limits: the form on the campaign page --- */

static int whitelist_posted(req *r) {
  return strcmp(r->method, "POST") == 0 && r->form_parsed == 1 && strstr(r->path, "/plaque-whitelist") != NULL;
}

static void names_text(buf *b, json_t *names) {
  size_t i;
  json_t *x;
  json_array_foreach(names, i, x) buf_printf(b, "%s\n", json_string_value(x));
}

void upg_whitelist_form(req *r, buf *b, const org *t, json_t *wl) {
  int p = whitelist_posted(r);
  char mx[16], mi[16];
  snprintf(mx, sizeof mx, "%lld", (long long)json_integer_value(json_object_get(wl, "max_exterior")));
  snprintf(mi, sizeof mi, "%lld", (long long)json_integer_value(json_object_get(wl, "max_interior")));
  buf_printf(b, "<form id=\"whitelist\" class=\"form\" method=\"post\" action=\"/t/%u/plaque-whitelist\"><h2>%s</h2>"
                "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><p>%s</p><label>%s<textarea name=\"exterior\" rows=\"8\">",
             t->code, T(r, "Change the township's list"), r->csrf,
             T(r, "One name per line. A plaque complies when its name contains a name of its location's list."),
             T(r, "Outside the door"));
  if (p) buf_printf(b, "%s", shown(r, 1, "exterior", ""));
  else names_text(b, json_object_get(wl, "exterior"));
  buf_printf(b, "</textarea></label><label>%s<textarea name=\"interior\" rows=\"6\">", T(r, "Inside"));
  if (p) buf_printf(b, "%s", shown(r, 1, "interior", ""));
  else names_text(b, json_object_get(wl, "interior"));
  buf_printf(b, "</textarea></label><label>%s<input name=\"max_exterior\" inputmode=\"numeric\" value=\"%s\"></label>"
                "<label>%s<input name=\"max_interior\" inputmode=\"numeric\" value=\"%s\"></label>"
                "<button type=\"submit\">%s</button></form>",
             T(r, "At most this many plaques outside the door"), shown(r, p, "max_exterior", mx),
             T(r, "At most this many plaques inside"), shown(r, p, "max_interior", mi), T(r, "Save"));
}

#define IDEO_SPACE "\xE3\x80\x80" /* U+3000, typed by Chinese keyboards */

/* Bytes of blank at s: an ASCII blank, the ideographic space, or 0. */
static size_t blank_at(const char *s) {
  if (*s == ' ' || *s == '\t' || *s == '\r') return 1;
  return strncmp(s, IDEO_SPACE, 3) == 0 ? 3 : 0;
}

/* Lines of a textarea: blanks trimmed, empty lines skipped; the names point
** into copy, lines[] holds their line numbers. *n = -1 when there are too many. */
static void split_lines(char *copy, const char **names, int *lines, int *n) {
  *n = 0;
  int line = 0;
  for (char *s = copy; s && *s;) {
    char *nl = strchr(s, '\n');
    if (nl) *nl = 0;
    line++;
    size_t k;
    while ((k = blank_at(s))) s += k;
    char *e = s + strlen(s);
    for (;;) {
      if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
      else if (e - s >= 3 && strncmp(e - 3, IDEO_SPACE, 3) == 0) e -= 3;
      else break;
    }
    *e = 0;
    if (*s) {
      if (*n >= UPG_NAMES_MAX) { *n = -1; return; }
      lines[*n] = line;
      names[(*n)++] = s;
    }
    s = nl ? nl + 1 : NULL;
  }
}

/* POST /t/{code}/plaque-whitelist (exterior, interior: one name per line; max_exterior, max_interior) */
int upg_page_whitelist_post(req *r) {
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_UPGRADE_MANAGE, &t);
  if (rc) return rc;
  if (!req_form_ok(r)) {
    if (r->err.rc != ZD_EINVAL) return r->err.rc;
    return upg_campaign_page(r, &t, T(r, "The form could not be read (invalid characters or encoding); nothing was changed."), 400);
  }
  char msg[600];
  const char *which[2] = {"exterior", "interior"}, *label[2] = {T(r, "Outside the door"), T(r, "Inside")};
  char *copy[2] = {NULL, NULL};
  const char *names[2][UPG_NAMES_MAX];
  int lines[2][UPG_NAMES_MAX], n[2] = {0, 0};
  const char *shown_msg = NULL;
  for (int k = 0; k < 2 && !shown_msg; k++) {
    const char *s = req_form(r, which[k]);
    copy[k] = strdup(s ? s : "");
    if (!copy[k]) { rc = zd_fail(&r->err, ZD_EINTERNAL, "out of memory"); break; }
    split_lines(copy[k], names[k], lines[k], &n[k]);
    int bad;
    const char *why;
    if (n[k] < 0) shown_msg = say(r, msg, sizeof msg, label[k], "At most 40 names per list.");
    else if (upg_names_check(names[k], n[k], &bad, &why)) {
      char where[200];
      snprintf(where, sizeof where, r->lang == LANG_ZH ? "%s第 %d 行" : "%s, line %d", label[k], bad >= 0 ? lines[k][bad] : 0);
      shown_msg = say(r, msg, sizeof msg, where, why);
    }
  }
  long long mx = 0, mi = 0;
  if (!rc && !shown_msg && (!form_int(req_form(r, "max_exterior"), 0, UPG_LIMIT_MAX, 0, &mx) ||
                            !form_int(req_form(r, "max_interior"), 0, UPG_LIMIT_MAX, 0, &mi)))
    shown_msg = T(r, "A limit is a whole number from 0 to 20.");
  if (!rc && !shown_msg) {
    upg_plaque_limits lim = {(int)mx, (int)mi};
    char actor[96];
    upg_actor(r, actor, sizeof actor);
    db_conn *w = upg_begin(r);
    rc = w ? upg_end(r, w, upg_whitelist_save(w, actor, r->user_id, t.id, names[0], n[0], names[1], n[1], &lim, &r->err))
           : r->err.rc;
    if (rc == ZD_EINVAL) { shown_msg = T(r, r->err.msg); rc = ZD_OK; }
  }
  free(copy[0]);
  free(copy[1]);
  if (rc) return rc;
  if (shown_msg) return upg_campaign_page(r, &t, shown_msg, 400);
  char loc[96];
  snprintf(loc, sizeof loc, "/t/%s/plaques?saved=1#whitelist", t.code);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}
