/*
** appeal_open311.c — Open311 GeoReport v2 over the appeals, JSON and XML.
** service_code = the kind of matter (village / neighbour / family); the village
** is the required attribute "village"; api_key = an API token of a cadre.
** Without a valid api_key, GET requests gives the public summary only (no
** description, place or answer): the public sees anonymised data.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "appeal_core.h"

typedef enum { FMT_JSON, FMT_XML, FMT_BAD } fmt;

/* "discovery.json" -> FMT_JSON and base "discovery" */
static fmt split_fmt(const char *file, char *base, size_t n) {
  const char *dot = file ? strrchr(file, '.') : NULL;
  if (!dot || (size_t)(dot - file) >= n) return FMT_BAD;
  memcpy(base, file, (size_t)(dot - file));
  base[dot - file] = 0;
  if (strcmp(dot, ".json") == 0) return FMT_JSON;
  if (strcmp(dot, ".xml") == 0) return FMT_XML;
  return FMT_BAD;
}

static const char *singular(const char *plural) {
  static const char *map[][2] = {{"endpoints", "endpoint"}, {"formats", "format"}, {"attributes", "attribute"},
                                 {"values", "value"}, {"services", "service"}, {"service_requests", "request"},
                                 {"errors", "error"}, {"notes", "note"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(map[i][0], plural) == 0) return map[i][1];
  return "item";
}

static void xml_value(buf *b, const char *name, json_t *v) {
  if (json_is_array(v)) {
    const char *item = singular(name);
    buf_printf(b, "<%r>", name);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) xml_value(b, item, x);
    buf_printf(b, "</%r>", name);
  } else if (json_is_object(v)) {
    buf_printf(b, "<%r>", name);
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) xml_value(b, k, x);
    buf_printf(b, "</%r>", name);
  } else if (json_is_null(v)) {
    buf_printf(b, "<%r/>", name);
  } else if (json_is_string(v)) {
    /* XML 1.0 cannot carry control characters other than tab, LF and CR: drop them */
    buf clean = BUF_INIT;
    for (const char *p = json_string_value(v); *p; p++)
      if ((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r') buf_putc(&clean, *p);
    buf_printf(b, "<%r>%s</%r>", name, buf_str(&clean), name);
    buf_free(&clean);
  } else if (json_is_integer(v)) {
    buf_printf(b, "<%r>%lld</%r>", name, (long long)json_integer_value(v), name);
  } else if (json_is_real(v)) {
    char t[40];
    snprintf(t, sizeof t, "%.6f", json_real_value(v));
    buf_printf(b, "<%r>%r</%r>", name, t, name);
  } else {
    buf_printf(b, "<%r>%r</%r>", name, json_is_true(v) ? "true" : "false", name);
  }
}

/* Send v (an array under `root`, or an object named root) in the format asked. */
static int send(req *r, fmt f, int status, const char *root, json_t *v) {
  if (f == FMT_JSON) return resp_json(r, status, v);
  buf b = BUF_INIT;
  buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
  xml_value(&b, root, v);
  json_decref(v);
  resp_text(r, status, "text/xml; charset=utf-8", &b);
  return ZD_OK;
}

static int o311_error(req *r, fmt f, int status, const char *msg) {
  return send(r, f == FMT_BAD ? FMT_JSON : f, status, "errors",
              json_pack("[{s:i, s:s}]", "code", status, "description", msg));
}

static void iso(long long t, char *out, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static long long parse_iso(const char *s) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) { end = strptime(s, "%Y-%m-%d", &tm); if (!end || *end) return -1; }
  long long off = 0;
  if (*end == 'Z' && !end[1]) off = 0;
  else if ((*end == '+' || *end == '-') && strlen(end) == 6 && end[3] == ':') {
    off = (atoi(end + 1) * 3600 + atoi(end + 4) * 60) * (*end == '+' ? 1 : -1);
  } else if (*end) return -1;
  return (long long)timegm(&tm) - off;
}

/* Is item one of the comma-separated list's entries (exactly)? */
static int list_has(const char *list, const char *item) {
  size_t n = strlen(item);
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, ",");
    if (len == n && strncmp(p, item, n) == 0) return 1;
    p += len;
    if (*p == ',') p++;
  }
  return 0;
}

/* Is org_id under root (or root itself)? */
static int ident_scope_allows_org(db_conn *c, long long root, long long org_id) {
  long long n = 0;
  zd_error e;
  return db_scalar_int(c, &e, &n, 0, "SELECT count(*) FROM org_closure WHERE ancestor = ? AND descendant = ?", "ii", root,
                       org_id) == ZD_OK && n > 0;
}

/* The jurisdiction (optional): an organisation code; unknown -> 404. */
static int jurisdiction(req *r, org *o, int *has) {
  const char *j = req_query(r, "jurisdiction_id");
  if (!j) j = req_form_ok(r) ? req_form(r, "jurisdiction_id") : NULL;
  *has = j && *j;
  if (!*has) return ZD_OK;
  return org_by_code(req_db(r), j, o, &r->err);
}

int open311_discovery(req *r) {
  char base[32];
  fmt f = split_fmt(req_param(r, "file"), base, sizeof base);
  if (f == FMT_BAD || strcmp(base, "discovery") != 0) return o311_error(r, f, 404, "Use discovery.json or discovery.xml.");
  return send(r, f, 200, "discovery",
              json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", "2026-11-29T00:00:00Z",
                        "contact", "The township office (乡镇党委组织委员)", "key_service",
                        "Ask your township administrator for an API token (zhendi token create).", "endpoints",
                        "specification", "http://wiki.open311.org/GeoReport_v2", "url", "/open311/v2", "changeset",
                        "2026-11-29T00:00:00Z", "type", "production", "formats", "text/xml", "application/json"));
}

static json_t *service_json(req *r, appeal_kind k) {
  return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", appeal_kind_key(k), "service_name",
                   T(r, appeal_kind_label(k)), "description", T(r, appeal_kind_label(k)), "metadata", 1, "type",
                   "realtime", "keywords", "民事直说", "group", T(r, "Villagers' matters"));
}

int open311_services(req *r) {
  char base[32];
  fmt f = split_fmt(req_param(r, "file"), base, sizeof base);
  if (f == FMT_BAD || strcmp(base, "services") != 0) return o311_error(r, f, 404, "Use services.json or services.xml.");
  org o;
  int has;
  if (jurisdiction(r, &o, &has)) return o311_error(r, f, 404, "Unknown jurisdiction_id.");
  json_t *arr = json_array();
  for (int k = 0; k < AK_COUNT; k++) json_array_append_new(arr, service_json(r, (appeal_kind)k));
  return send(r, f, 200, "services", arr);
}

/* Villages under a node (or all) as the values of the "village" attribute. */
static json_t *village_values(req *r, long long root) {
  json_t *vals = json_array();
  zd_error e;
  db_stmt *s = root ? db_query(req_db(r), &e,
                               "SELECT o.code, o.name FROM org o JOIN org_closure oc ON oc.descendant = o.id "
                               "WHERE oc.ancestor = ? AND o.kind IN ('village','community') ORDER BY o.sort, o.code", "i", root)
                    : db_query(req_db(r), &e,
                               "SELECT code, name FROM org WHERE kind IN ('village','community') ORDER BY sort, code", "");
  while (s && db_step(s, &e) == DB_ROW)
    json_array_append_new(vals, json_pack("{s:s, s:s}", "key", db_col_text(s, 0), "name", db_col_text(s, 1)));
  db_done(s);
  return vals;
}

int open311_service(req *r) {
  char base[40];
  fmt f = split_fmt(req_param(r, "file"), base, sizeof base);
  int k = f == FMT_BAD ? -1 : appeal_kind_parse(base);
  if (k < 0) return o311_error(r, f, 404, "Unknown service_code.");
  org o;
  int has;
  if (jurisdiction(r, &o, &has)) return o311_error(r, f, 404, "Unknown jurisdiction_id.");
  json_t *attr = json_pack("{s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:o}", "variable", 1, "code", "village", "datatype",
                           "singlevaluelist", "required", 1, "datatype_description", "The village code", "order", 1,
                           "description", T(r, "Village"), "values", village_values(r, has ? o.id : 0));
  return send(r, f, 200, "service_definition",
              json_pack("{s:s, s:[o]}", "service_code", appeal_kind_key((appeal_kind)k), "attributes", attr));
}

static json_t *request_json(req *r, const appeal *a, int full) {
  char t1[32], t2[32], t3[32] = "";
  iso(a->created_at, t1, sizeof t1);
  iso(a->updated_at, t2, sizeof t2);
  if (a->deadline) iso(a->deadline, t3, sizeof t3);
  int closed = a->fsm.state == AS_CLOSED;
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "service_request_id", a->number, "status",
                        closed ? "closed" : "open", "service_name", T(r, appeal_kind_label(a->kind)), "service_code",
                        appeal_kind_key(a->kind), "agency_responsible", a->org_name, "requested_datetime", t1,
                        "updated_datetime", t2);
  json_object_set_new(j, "expected_datetime", t3[0] ? json_string(t3) : json_null());
  json_object_set_new(j, "extended_status", json_string(appeal_state_key(a->fsm.state)));
  if (full) {
    json_object_set_new(j, "description", json_string(a->content));
    json_object_set_new(j, "address", json_string(a->place));
    json_object_set_new(j, "status_notes", json_string(a->answer));
  }
  return j;
}

/* The api_key's user when it may handle appeals in the village (or anywhere when org_id is 0). */
static int key_user(req *r, user *u, long long org_id) {
  const char *key = req_query(r, "api_key");
  if (!key) key = req_form_ok(r) ? req_form(r, "api_key") : NULL;
  zd_error e;
  if (!key || ident_user_by_token(req_db(r), key, u, &e) != ZD_OK) return 0;
  if (org_id) return ident_scope_allows(req_db(r), u->id, PERM_APPEAL_HANDLE, org_id);
  return 1;
}

int open311_request_get(req *r) {
  char base[32];
  fmt f = split_fmt(req_param(r, "file"), base, sizeof base);
  if (f == FMT_BAD) return o311_error(r, FMT_JSON, 404, "Use {id}.json or {id}.xml.");
  appeal a;
  if (appeal_get(req_db(r), base, &a, &r->err)) return o311_error(r, f, 404, "Unknown service_request_id.");
  user u;
  int full = key_user(r, &u, a.org_id);
  return send(r, f, 200, "service_requests", json_pack("[o]", request_json(r, &a, full)));
}

int open311_requests_get(req *r) {
  char base[32];
  fmt f = split_fmt(req_param(r, "file"), base, sizeof base);
  if (f == FMT_BAD || strcmp(base, "requests") != 0) return o311_error(r, f, 404, "Use requests.json or requests.xml.");
  org o;
  int has;
  if (jurisdiction(r, &o, &has)) return o311_error(r, f, 404, "Unknown jurisdiction_id.");
  long long now = (long long)time(NULL), end = now + 60, start = end - 90LL * 86400;
  const char *sd = req_query(r, "start_date"), *ed = req_query(r, "end_date");
  if (sd && *sd && (start = parse_iso(sd)) < 0) return o311_error(r, f, 400, "start_date is not an ISO 8601 date.");
  if (ed && *ed && (end = parse_iso(ed)) < 0) return o311_error(r, f, 400, "end_date is not an ISO 8601 date.");
  if (sd && *sd && !(ed && *ed)) end = start + 90LL * 86400;
  if (ed && *ed && !(sd && *sd)) start = end - 90LL * 86400;
  if (end < start || end - start > 90LL * 86400) return o311_error(r, f, 400, "The date range must be at most 90 days.");
  const char *ids = req_query(r, "service_request_id"), *codes = req_query(r, "service_code"), *status = req_query(r, "status");
  int want_open = 1, want_closed = 1;
  if (status && *status) {
    want_open = list_has(status, "open");
    want_closed = list_has(status, "closed");
    if (!want_open && !want_closed) return o311_error(r, f, 400, "status must be open, closed or both.");
  }
  json_t *arr = json_array();
  zd_error e;
  if (ids && *ids) {
    /* service_request_id overrides every other filter: look each one up */
    char one[32];
    int n = 0;
    for (const char *p = ids; *p && n < 100; n++) {
      size_t len = strcspn(p, ",");
      snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : 0), p);
      appeal a;
      user u;
      if (one[0] && appeal_get(req_db(r), one, &a, &e) == ZD_OK &&
          (!has || ident_scope_allows_org(req_db(r), o.id, a.org_id)))
        json_array_append_new(arr, request_json(r, &a, key_user(r, &u, a.org_id)));
      p += len;
      if (*p == ',') p++;
    }
    return send(r, f, 200, "service_requests", arr);
  }
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT " APPEAL_COLS_FOR_LIST " FROM appeal a JOIN org o ON o.id = a.org_id "
                        "LEFT JOIN users eb ON eb.id = a.entered_by LEFT JOIN users ow ON ow.id = a.owner_id "
                        "WHERE (? = 0 OR a.org_id IN (SELECT descendant FROM org_closure WHERE ancestor = ?)) "
                        "AND a.created_at >= ? AND a.created_at <= ? ORDER BY a.created_at DESC LIMIT 1000",
                        "iiii", has ? o.id : 0LL, has ? o.id : 0LL, start, end);
  if (!s) { json_decref(arr); return o311_error(r, f, 503, "The service is temporarily unavailable."); }
  int rc;
  user u;
  long long key_uid = -1; /* the api_key's user, looked up once */
  while ((rc = db_step(s, &e)) == DB_ROW) {
    appeal a;
    appeal_row(s, &a);
    if (codes && *codes && !list_has(codes, appeal_kind_key(a.kind))) continue;
    int closed = a.fsm.state == AS_CLOSED;
    if ((closed && !want_closed) || (!closed && !want_open)) continue;
    if (key_uid == -1) key_uid = key_user(r, &u, 0) ? u.id : 0;
    int full = key_uid > 0 && ident_scope_allows(req_db(r), key_uid, PERM_APPEAL_HANDLE, a.org_id);
    json_array_append_new(arr, request_json(r, &a, full));
  }
  db_done(s);
  if (rc < 0) { json_decref(arr); return o311_error(r, f, 503, "The service is temporarily unavailable."); }
  return send(r, f, 200, "service_requests", arr);
}

int open311_requests_post(req *r) {
  char base[32];
  fmt f = split_fmt(req_param(r, "file"), base, sizeof base);
  if (f == FMT_BAD || strcmp(base, "requests") != 0) return o311_error(r, f, 404, "Use requests.json or requests.xml.");
  if (!req_form_ok(r)) return o311_error(r, f, 400, "Send application/x-www-form-urlencoded parameters.");
  const char *village = req_form(r, "attribute[village]");
  org v;
  zd_error e;
  if (!village || org_by_code(req_db(r), village, &v, &e) != ZD_OK)
    return o311_error(r, f, 400, "attribute[village] is required: a village code from the service definition.");
  user u;
  if (!key_user(r, &u, v.id)) return o311_error(r, f, 403, "A valid api_key of a cadre of this village is required.");
  char name[256] = "";
  const char *fn = req_form(r, "first_name"), *ln = req_form(r, "last_name");
  snprintf(name, sizeof name, "%s%s", ln ? ln : "", fn ? fn : "");
  char place[1024];
  const char *addr = req_form(r, "address_string"), *lat = req_form(r, "lat"), *lng = req_form(r, "long");
  if (addr && *addr) snprintf(place, sizeof place, "%s", addr);
  else if (lat && lng && *lat && *lng) snprintf(place, sizeof place, "%.20s,%.20s", lat, lng);
  else return o311_error(r, f, 400, "A location is required: address_string or lat and long.");
  if (strlen(name) >= sizeof name - 1 || strlen(place) >= sizeof place - 1)
    return o311_error(r, f, 400, "The name or the address is too long.");
  appeal_new in = {village, req_form(r, "service_code"), req_form(r, "description"), place, name, req_form(r, "phone"),
                   "online", NULL, 0};
  r->user_id = u.id;
  snprintf(r->login, sizeof r->login, "%s", u.login);
  char number[24], code[10];
  int rc = appeal_submit(r, &in, 1, number, code);
  if (rc) {
    int st = zd_http_status(rc);
    if (st >= 500) resp_header(r, "Retry-After", "5");
    return o311_error(r, f, st, st >= 500 ? "The service is temporarily unavailable." : r->err.msg);
  }
  char notice[96];
  snprintf(notice, sizeof notice, "Tracking code %s; track at /track", code);
  return send(r, f, 201, "service_requests", json_pack("[{s:s, s:s}]", "service_request_id", number, "service_notice", notice));
}

/* GET /open311/v2/{discovery|services|requests}.{json|xml} */
int open311_discovery_or_list(req *r) {
  const char *file = req_param(r, "file");
  if (file && strncmp(file, "discovery.", 10) == 0) return open311_discovery(r);
  if (file && strncmp(file, "services.", 9) == 0) return open311_services(r);
  return open311_requests_get(r);
}
