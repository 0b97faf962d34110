/* duty_api.c — the JSON API of 管 duty: roster, swaps, leave, hours, holidays,
** check-in, whereabouts, duty log, coverage, posts and deeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duty_core.h"

/* A JSON object body; an empty body is {} (for POSTs whose fields are all optional). */
static json_t *body(req *r, int empty_ok) {
  if (empty_ok && r->body.len == 0) return json_object();
  return req_json(r);
}

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *date_json(long long day) {
  char d[11];
  duty_format_date(day, d);
  return json_string(d);
}

/* ------------------------------------------------------------------ roster */

typedef struct roster_ctx {
  req *r;
  json_t *shifts;
  duty_person *people;
  size_t np;
  int counts[DUTY_MAX_CADRES][2];
  long long first;
} roster_ctx;

static void roster_shift(void *arg, const duty_shift *s) {
  roster_ctx *c = arg;
  json_t *j = json_pack("{s:I, s:o, s:i, s:s, s:s}", "id", (json_int_t)s->id, "date", date_json(s->day), "weekday",
                        duty_weekday(s->day), "day_kind", duty_day_kind_key(s->day_kind), "kind",
                        s->oncall ? "oncall" : "duty");
  json_object_set_new(j, "cadre", str_or_null(s->login));
  json_object_set_new(j, "name", str_or_null(s->name));
  json_object_set_new(j, "on_leave", json_boolean(s->user_id && duty_on_leave(req_db(c->r), s->user_id, s->day)));
  json_array_append_new(c->shifts, j);
  for (size_t i = 0; i < c->np; i++)
    if (c->people[i].id == s->user_id) c->counts[i][s->oncall]++;
}

static json_t *roster_json(req *r, const org *v, int y, int m, int *exists_out) {
  char month[8], cadres[2048] = "";
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  int exists = duty_roster_exists(req_db(r), v->id, y, m, cadres, sizeof cadres);
  if (exists_out) *exists_out = exists;
  roster_ctx c;
  memset(&c, 0, sizeof c);
  c.r = r;
  c.shifts = json_array();
  zd_error e;
  duty_cadres(req_db(r), v->id, &c.people, &c.np, &e);
  long long first = duty_day_from_civil(y, m, 1);
  duty_shifts(req_db(r), v->id, 0, first, first + duty_month_length(y, m) - 1, roster_shift, &c, &e);
  json_t *people = json_array();
  for (size_t i = 0; i < c.np; i++)
    json_array_append_new(people, json_pack("{s:s, s:s, s:i, s:i, s:i}", "login", c.people[i].login, "name",
                                            c.people[i].name, "shifts", c.counts[i][0] + c.counts[i][1], "duty",
                                            c.counts[i][0], "oncall", c.counts[i][1]));
  free(c.people);
  json_t *swaps = json_array();
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT w.id, w.state, a.day, COALESCE(b.day, ''), fu.login, tu.login, w.reason, w.requested_at "
                        "FROM duty_swap w JOIN duty_shift a ON a.id = w.shift_id LEFT JOIN duty_shift b ON b.id = w.with_shift_id "
                        "JOIN users fu ON fu.id = w.from_user JOIN users tu ON tu.id = w.to_user "
                        "WHERE w.org_id = ? AND a.month = ? ORDER BY w.id", "is", v->id, month);
  while (s && db_step(s, &e) == DB_ROW)
    json_array_append_new(swaps, json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I}", "id", (json_int_t)db_col_int(s, 0),
                                           "state", db_col_text(s, 1), "date", db_col_text(s, 2), "with_date",
                                           str_or_null(db_col_text(s, 3)), "from", db_col_text(s, 4), "to",
                                           db_col_text(s, 5), "reason", db_col_text(s, 6), "requested_at",
                                           (json_int_t)db_col_int(s, 7)));
  db_done(s);
  return json_pack("{s:s, s:s, s:b, s:s, s:o, s:o, s:o}", "village", v->code, "month", month, "generated", exists,
                   "roster_cadres", cadres, "cadres", people, "shifts", c.shifts, "swaps", swaps);
}

/* POST /api/v1/villages/{code}/roster/{month}/generate {"cadres"?: [login], "replace"?: bool} */
int duty_api_roster_generate(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, "month", &y, &m))) return rc;
  json_t *j = body(r, 1);
  if (!j) return r->err.rc;
  json_t *list = NULL;
  int replace = 0;
  rc = req_unpack(r, j, "{s?:o, s?:b}", "cadres", &list, "replace", &replace);
  const char *logins[DUTY_MAX_CADRES + 1];
  size_t n = 0;
  if (!rc && list) {
    if (!json_is_array(list) || json_array_size(list) > DUTY_MAX_CADRES)
      rc = zd_fail(&r->err, ZD_EINVAL, "cadres is a list of at most %d logins.", DUTY_MAX_CADRES);
    for (size_t i = 0; !rc && i < json_array_size(list); i++) {
      const char *s = json_string_value(json_array_get(list, i));
      if (!s) rc = zd_fail(&r->err, ZD_EINVAL, "cadres is a list of logins.");
      else logins[n++] = s;
    }
  }
  duty_generated g;
  if (!rc) rc = duty_do_generate(r, &v, y, m, list ? logins : NULL, n, replace, &g);
  json_decref(j);
  if (rc) return rc;
  json_t *out = roster_json(r, &v, y, m, NULL);
  json_object_set_new(out, "result", json_pack("{s:I, s:I, s:b}", "shifts", (json_int_t)g.shifts, "unfilled",
                                               (json_int_t)g.unfilled, "replaced", g.replaced));
  return resp_json(r, 201, out);
}

/* GET /api/v1/villages/{code}/roster/{month} */
int duty_api_roster_get(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, "month", &y, &m))) return rc;
  return resp_json(r, 200, roster_json(r, &v, y, m, NULL));
}

/* POST /api/v1/villages/{code}/swaps {"date", "to", "with_date"?, "reason"?} */
int duty_api_swap_create(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *date = NULL, *to = NULL, *with = NULL, *reason = NULL;
  rc = req_unpack(r, j, "{s:s, s:s, s?:s, s?:s}", "date", &date, "to", &to, "with_date", &with, "reason", &reason);
  long long id = 0;
  if (!rc) rc = duty_do_swap(r, &v, date, to, with, reason, &id);
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "pending"));
}

/* POST /api/v1/villages/{code}/swaps/{id}/decision {"decision": "approve" | "reject"} */
int duty_api_swap_decide(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *d = NULL;
  rc = req_unpack(r, j, "{s:s}", "decision", &d);
  long long id = req_param_id(r, "id");
  if (!rc && !id) rc = zd_fail(&r->err, ZD_ENOTFOUND, "No such swap request in this village.");
  if (!rc) rc = duty_do_decide(r, &v, id, d);
  int approve = !rc && strcmp(d, "approve") == 0;
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", approve ? "approved" : "rejected"));
}

/* POST /api/v1/villages/{code}/leave {"user"?, "from", "to", "reason"?} */
int duty_api_leave_create(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *who = NULL, *from = NULL, *to = NULL, *reason = NULL;
  rc = req_unpack(r, j, "{s?:s, s:s, s:s, s?:s}", "user", &who, "from", &from, "to", &to, "reason", &reason);
  long long id = 0;
  if (!rc) rc = duty_do_leave(r, &v, who, from, to, reason, &id);
  json_t *out = NULL;
  if (!rc) {
    /* shifts that now need a swap */
    long long f, t;
    duty_parse_date(from, &f);
    duty_parse_date(to, &t);
    json_t *clash = json_array();
    zd_error e;
    user u;
    ident_user_by_login(req_db(r), who && *who ? who : r->login, &u, NULL, 0, &e);
    char fd[11], td[11];
    duty_format_date(f, fd);
    duty_format_date(t, td);
    db_stmt *s = db_query(req_db(r), &e, "SELECT day FROM duty_shift WHERE user_id = ? AND day >= ? AND day <= ? ORDER BY day",
                          "iss", u.id, fd, td);
    while (s && db_step(s, &e) == DB_ROW) json_array_append_new(clash, json_string(db_col_text(s, 0)));
    db_done(s);
    out = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)id, "user", u.login, "from", fd, "to", td,
                    "shifts_to_swap", clash);
  }
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 201, out);
}

/* ------------------------------------------------------------------ hours and holidays */

static json_t *hours_json(req *r, const org *v) {
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t n = 0;
  int published = 0;
  zd_error e;
  duty_hours_get(req_db(r), v->id, iv, DUTY_MAX_INTERVALS, &n, &published, &e);
  buf t = BUF_INIT;
  duty_hours_format(iv, n, &t);
  json_t *list = json_array();
  for (size_t i = 0; i < n; i++) {
    char a[8], b[8];
    snprintf(a, sizeof a, "%u:%02u", (unsigned)iv[i].start / 60u % 25u, (unsigned)iv[i].start % 60u);
    snprintf(b, sizeof b, "%u:%02u", (unsigned)iv[i].end / 60u % 25u, (unsigned)iv[i].end % 60u);
    json_array_append_new(list, json_pack("{s:i, s:s, s:s}", "weekday", iv[i].weekday, "from", a, "to", b));
  }
  json_t *j = json_pack("{s:s, s:s, s:b, s:o}", "village", v->code, "text", buf_str(&t), "published", published,
                        "intervals", list);
  buf_free(&t);
  return j;
}

/* GET /api/v1/villages/{code}/hours — public */
int duty_api_hours_get(req *r) {
  org v;
  int rc = duty_village(r, PERM_PUBLIC, &v);
  if (rc) return rc;
  return resp_json(r, 200, hours_json(r, &v));
}

/* PUT /api/v1/villages/{code}/hours {"text": "周一至周五 8:30–12:00, 14:30–18:00"} */
int duty_api_hours_put(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *text = NULL;
  rc = req_unpack(r, j, "{s:s}", "text", &text);
  if (!rc) rc = duty_do_hours(r, &v, text);
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 200, hours_json(r, &v));
}

static int any_org(req *r, perm p, org *o) {
  int rc = org_by_code(req_db(r), req_param(r, "code"), o, &r->err);
  if (rc == ZD_OK && p != PERM_PUBLIC && !ident_scope_allows(req_db(r), r->user_id, p, o->id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No organisation with this code in your scope.");
  return rc;
}

/* GET /api/v1/orgs/{code}/holidays?year=2026 — what applies there (held there or above) */
int duty_api_holidays_get(req *r) {
  org o;
  int rc = any_org(r, PERM_PUBLIC, &o);
  if (rc) return rc;
  const char *ys = req_query(r, "year");
  int y = 0;
  if (ys && *ys) {
    char *end;
    long v = strtol(ys, &end, 10);
    if (*end || v < 2000 || v > 2099) return zd_fail(&r->err, ZD_EINVAL, "The year is a number from 2000 to 2099.");
    y = (int)v;
  } else {
    int m;
    duty_month_param(r, NULL, &y, &m);
  }
  duty_holiday *h = NULL;
  size_t n = 0;
  rc = duty_holidays(req_db(r), o.id, duty_day_from_civil(y, 1, 1), duty_day_from_civil(y, 12, 31), &h, &n, &r->err);
  if (rc) return rc;
  json_t *list = json_array();
  /* the nearer entry of a day wins: keep the last of each day */
  for (size_t i = 0; i < n; i++) {
    int later = 0;
    for (size_t k = i + 1; k < n; k++) later |= h[k].day == h[i].day;
    if (!later) json_array_append_new(list, json_pack("{s:o, s:b}", "date", date_json(h[i].day), "off", h[i].off));
  }
  free(h);
  return resp_json(r, 200, json_pack("{s:s, s:i, s:o}", "org", o.code, "year", y, "days", list));
}

/* PUT /api/v1/orgs/{code}/holidays {"days": [{"date", "off", "name"?}], "clear"?: [date]} */
int duty_api_holidays_put(req *r) {
  org o;
  int rc = any_org(r, PERM_DUTY_MANAGE, &o);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  json_t *days = NULL, *clear = NULL;
  rc = req_unpack(r, j, "{s?:o, s?:o}", "days", &days, "clear", &clear);
  if (!rc && ((days && !json_is_array(days)) || (clear && !json_is_array(clear))))
    rc = zd_fail(&r->err, ZD_EINVAL, "days and clear are lists.");
  if (!rc && json_array_size(days) + json_array_size(clear) > 400) rc = zd_fail(&r->err, ZD_EINVAL, "At most 400 days at once.");
  /* check everything before writing anything */
  size_t i;
  json_t *d;
  if (!rc) json_array_foreach(days, i, d) {
      const char *date = NULL, *name = NULL;
      int off = 0;
      long long day;
      if (json_unpack(d, "{s:s, s:b, s?:s}", "date", &date, "off", &off, "name", &name) || !duty_parse_date(date, &day)) {
        rc = zd_fail(&r->err, ZD_EINVAL, "Each day is {\"date\": \"2026-10-01\", \"off\": true, \"name\": \"国庆节\"}.");
        break;
      }
      const char *why = duty_text_problem(name, 40, 0, 0);
      if (why) { rc = zd_fail(&r->err, ZD_EINVAL, "%s", why); break; }
    }
  if (!rc) json_array_foreach(clear, i, d) {
      long long day;
      if (!json_is_string(d) || !duty_parse_date(json_string_value(d), &day)) {
        rc = zd_fail(&r->err, ZD_EINVAL, "Dates are written like 2026-11-30.");
        break;
      }
    }
  if (!rc) {
    char actor[96];
    duty_actor(r, actor, sizeof actor);
    db_conn *w = duty_tx_begin(r, &rc);
    if (!rc) json_array_foreach(days, i, d) {
        const char *date = NULL, *name = NULL;
        int off = 0;
        long long day;
        json_unpack(d, "{s:s, s:b, s?:s}", "date", &date, "off", &off, "name", &name);
        duty_parse_date(date, &day);
        if ((rc = duty_holiday_set(w, actor, o.id, day, off, name, &r->err))) break;
      }
    if (!rc) json_array_foreach(clear, i, d) {
        long long day;
        duty_parse_date(json_string_value(d), &day);
        if ((rc = duty_holiday_clear(w, actor, o.id, day, &r->err))) break;
      }
    rc = duty_tx_end(r, w, rc);
  }
  json_decref(j);
  if (rc) return rc;
  return duty_api_holidays_get(r);
}

/* ------------------------------------------------------------------ check-in and whereabouts */

/* GET /api/v1/villages/{code}/checkin-code — what the poster (or a screen at the center) shows */
int duty_api_checkin_code(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  char secret[DUTY_SECRET_LEN + 1], base[160], url[300];
  long long from = 0;
  if ((rc = duty_current_secret(r, &v, secret, &from))) return rc;
  req_base_url(r, base, sizeof base);
  snprintf(url, sizeof url, "%s/v/%s/checkin?s=%s", base, v.code, secret);
  return resp_json(r, 200, json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "village", v.code, "url", url, "secret", secret,
                                     "valid_from", (json_int_t)from, "valid_until", (json_int_t)(from + 2 * DUTY_QR_WEEK),
                                     "rotates", "weekly"));
}

static json_t *checkin_json(const duty_checkin_row *c) {
  json_t *j = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)c->id, "cadre", c->login, "name", c->name, "in_at",
                        (json_int_t)c->in_at);
  json_object_set_new(j, "out_at", c->out_at ? json_integer(c->out_at) : json_null());
  json_object_set_new(j, "out_kind", str_or_null(c->out_kind));
  return j;
}

/* POST /api/v1/villages/{code}/checkins {"secret"} */
int duty_api_checkin(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *secret = NULL;
  rc = req_unpack(r, j, "{s:s}", "secret", &secret);
  long long id = 0;
  if (!rc) rc = duty_do_checkin(r, &v, secret, &id);
  json_decref(j);
  if (rc) return rc;
  duty_checkin_row c;
  if ((rc = duty_checkin_open(req_db(r), r->user_id, &c, &r->err))) return rc;
  json_t *out = checkin_json(&c);
  json_object_set_new(out, "village", json_string(v.code));
  return resp_json(r, 201, out);
}

/* POST /api/v1/villages/{code}/checkout */
int duty_api_checkout(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  duty_checkin_row c;
  if ((rc = duty_do_checkout(r, &v, &c))) return rc;
  json_t *out = checkin_json(&c);
  json_object_set_new(out, "village", json_string(v.code));
  return resp_json(r, 200, out);
}

typedef struct ci_ctx { req *r; json_t *arr; long long now; } ci_ctx;

static void ci_row(void *arg, const duty_checkin_row *c) {
  ci_ctx *x = arg;
  json_t *j = checkin_json(c);
  int forgotten = 0;
  long long eff = duty_effective_out(c->in_at, c->out_at, x->now, duty_close_of(x->r, c->org_id, c->in_at),
                                     duty_tz(c->in_at), &forgotten);
  json_object_set_new(j, "counted_until", json_integer(eff));
  json_object_set_new(j, "forgotten_checkout", json_boolean(forgotten));
  json_array_append_new(x->arr, j);
}

/* GET /api/v1/villages/{code}/checkins?month= */
int duty_api_checkins(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, NULL, &y, &m))) return rc;
  long long now = (long long)time(NULL), tz = duty_tz(now), first = duty_day_from_civil(y, m, 1);
  ci_ctx c = {r, json_array(), now};
  rc = duty_checkins(req_db(r), v.id, duty_day_start(first, tz), duty_day_start(first + duty_month_length(y, m), tz), ci_row,
                     &c, &r->err);
  if (rc) { json_decref(c.arr); return rc; }
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  return resp_json(r, 200, json_pack("{s:s, s:s, s:o}", "village", v.code, "month", month, "checkins", c.arr));
}

/* POST /api/v1/villages/{code}/whereabouts {"status", "note"?} */
int duty_api_status_set(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *status = NULL, *note = NULL;
  rc = req_unpack(r, j, "{s:s, s?:s}", "status", &status, "note", &note);
  if (!rc) rc = duty_do_status(r, &v, status, note);
  int s = rc ? -1 : duty_status_parse(status); /* before the body (and status with it) is released */
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 200, json_pack("{s:s, s:s, s:s, s:s}", "village", v.code, "cadre", r->login, "status",
                                     duty_status_key((duty_status)s), "label", T(r, duty_status_label((duty_status)s))));
}

/* GET /api/v1/public/villages/{code}/whereabouts — the 去向牌: names and statuses only */
int duty_api_whereabouts(req *r) {
  org v;
  int rc = duty_village(r, PERM_PUBLIC, &v);
  if (rc) return rc;
  duty_person *p = NULL;
  size_t n = 0;
  if ((rc = duty_cadres(req_db(r), v.id, &p, &n, &r->err))) return rc;
  long long now = (long long)time(NULL), tz = duty_tz(now);
  json_t *list = json_array();
  for (size_t i = 0; i < n; i++) {
    zd_error e;
    db_stmt *s = db_query(req_db(r), &e, "SELECT status, note, set_at FROM duty_status WHERE org_id = ? AND user_id = ?", "ii",
                          v.id, p[i].id);
    json_t *j = json_pack("{s:s}", "name", p[i].name);
    if (s && db_step(s, &e) == DB_ROW) {
      int st = duty_status_parse(db_col_text(s, 0));
      duty_status eff = duty_status_effective(st < 0 ? DS_OFF : (duty_status)st, db_col_int(s, 2), now, tz);
      json_object_set_new(j, "status", json_string(duty_status_key(eff)));
      json_object_set_new(j, "label", json_string(T(r, duty_status_label(eff))));
      json_object_set_new(j, "note", json_string(eff == (duty_status)st ? db_col_text(s, 1) : ""));
      json_object_set_new(j, "since", json_integer(db_col_int(s, 2)));
    } else {
      json_object_set_new(j, "status", json_null());
      json_object_set_new(j, "label", json_string(T(r, "Not set")));
      json_object_set_new(j, "note", json_string(""));
      json_object_set_new(j, "since", json_null());
    }
    db_done(s);
    json_array_append_new(list, j);
  }
  free(p);
  return resp_json(r, 200, json_pack("{s:s, s:s, s:o}", "village", v.code, "village_name", v.name, "people", list));
}

/* ------------------------------------------------------------------ duty log */

static json_t *log_json(const duty_log_entry *en) {
  char masked[40];
  duty_mask_phone(en->phone, masked, sizeof masked);
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)en->id, "at", (json_int_t)en->at, "visitor",
                        en->visitor, "phone", masked, "request", en->request, "action", en->action, "entered_by",
                        en->entered_login);
  json_object_set_new(j, "appeal", str_or_null(en->appeal));
  return j;
}

/* GET /api/v1/villages/{code}/duty-log?month= */
int duty_api_log_list(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, NULL, &y, &m))) return rc;
  long long tz = duty_tz(time(NULL)), first = duty_day_from_civil(y, m, 1);
  db_stmt *s = db_query(req_db(r), &r->err, "SELECT id FROM duty_log WHERE org_id = ? AND at >= ? AND at < ? ORDER BY at DESC, id DESC",
                        "iii", v.id, duty_day_start(first, tz), duty_day_start(first + duty_month_length(y, m), tz));
  if (!s) return r->err.rc;
  long long ids[500];
  size_t n = 0;
  while (n < 500 && db_step(s, &r->err) == DB_ROW) ids[n++] = db_col_int(s, 0);
  db_done(s);
  json_t *list = json_array();
  for (size_t i = 0; i < n; i++) {
    duty_log_entry en;
    if (duty_log_get(req_db(r), ids[i], &en, &r->err) == ZD_OK) json_array_append_new(list, log_json(&en));
  }
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  return resp_json(r, 200, json_pack("{s:s, s:s, s:o}", "village", v.code, "month", month, "entries", list));
}

/* POST /api/v1/villages/{code}/duty-log {"visitor"?, "phone"?, "request", "action"?} */
int duty_api_log_create(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *visitor = NULL, *phone = NULL, *request = NULL, *action = NULL;
  rc = req_unpack(r, j, "{s?:s, s?:s, s:s, s?:s}", "visitor", &visitor, "phone", &phone, "request", &request, "action", &action);
  long long id = 0;
  if (!rc) rc = duty_do_log(r, &v, visitor, phone, request, action, &id);
  json_decref(j);
  if (rc) return rc;
  duty_log_entry en;
  if ((rc = duty_log_get(req_db(r), id, &en, &r->err))) return rc;
  return resp_json(r, 201, log_json(&en));
}

/* POST /api/v1/villages/{code}/duty-log/{id}/appeal {"kind"} — the visit becomes a 民事直说 case */
int duty_api_log_appeal(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *kind = NULL;
  rc = req_unpack(r, j, "{s:s}", "kind", &kind);
  char number[24], code[10];
  long long id = req_param_id(r, "id");
  if (!rc && !id) rc = zd_fail(&r->err, ZD_ENOTFOUND, "No such duty-log entry in this village.");
  if (!rc) rc = duty_do_log_appeal(r, &v, id, kind, number, code);
  json_decref(j);
  if (rc) return rc;
  char loc[64];
  snprintf(loc, sizeof loc, "/api/v1/appeals/%s", number);
  resp_header(r, "Location", loc);
  return resp_json(r, 201, json_pack("{s:I, s:s, s:s, s:s}", "entry", (json_int_t)id, "appeal", number, "tracking_code", code,
                                     "channel", "room"));
}

/* ------------------------------------------------------------------ coverage */

static json_t *coverage_json(req *r, const org *v, const duty_cov *c, int with_days) {
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", c->y, c->m);
  int pm = duty_cov_permille(c);
  json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "village", v->code,
                        "village_name", v->name, "month", month, "hours_published", c->published, "open_seconds",
                        (json_int_t)c->open_s, "covered_seconds", (json_int_t)c->covered_s, "duty_shifts", c->duty_shifts,
                        "oncall_shifts", c->oncall_shifts, "unfilled_shifts", c->unfilled, "on_time", c->on_time, "late",
                        c->late, "missed", c->missed, "pending", c->pending, "checkins", c->checkins,
                        "forgotten_checkouts", c->forgotten);
  json_object_set_new(j, "share", pm < 0 ? json_null() : json_real(pm / 1000.0));
  if (with_days) {
    json_t *days = json_array();
    for (int i = 0; i < c->ndays; i++) {
      const duty_cov_day *d = &c->days[i];
      json_t *x = json_pack("{s:o, s:s, s:I, s:I}", "date", date_json(d->day), "day_kind", duty_day_kind_key(d->kind),
                            "open_seconds", (json_int_t)d->open_s, "covered_seconds", (json_int_t)d->covered_s);
      json_object_set_new(x, "cadre", str_or_null(d->login));
      json_object_set_new(x, "shift", !d->has_shift ? json_null() : json_string(d->oncall ? "oncall" : "duty"));
      json_object_set_new(x, "verdict", d->has_shift && !d->oncall && d->user_id ? json_string(duty_verdict_key(d->verdict)) : json_null());
      json_object_set_new(x, "first_checkin", d->first_in ? json_integer(d->first_in) : json_null());
      json_array_append_new(days, x);
    }
    json_object_set_new(j, "days", days);
  }
  (void)r;
  return j;
}

/* GET /api/v1/villages/{code}/coverage/{month} */
int duty_api_coverage(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, "month", &y, &m))) return rc;
  duty_cov *c = malloc(sizeof *c);
  if (!c) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  rc = duty_coverage(r, &v, y, m, (long long)time(NULL), c);
  json_t *j = rc ? NULL : coverage_json(r, &v, c, 1);
  free(c);
  if (rc) return rc;
  return resp_json(r, 200, j);
}

/* GET /api/v1/orgs/{code}/coverage/{month} — the villages of a township side by side */
int duty_api_township_coverage(req *r) {
  org t;
  int y, m, rc = any_org(r, PERM_ORG_VIEW, &t);
  if (rc) return rc;
  if (t.kind != ORG_TOWNSHIP) return zd_fail(&r->err, ZD_ENOTFOUND, "No township with this code in your scope.");
  if ((rc = duty_month_param(r, "month", &y, &m))) return rc;
  org *vs = NULL;
  size_t n = 0;
  if ((rc = duty_township_villages(r, &t, &vs, &n))) return rc;
  duty_cov *c = malloc(sizeof *c);
  json_t *list = json_array();
  long long now = (long long)time(NULL), open = 0, covered = 0;
  for (size_t i = 0; c && i < n && !rc; i++) {
    rc = duty_coverage(r, &vs[i], y, m, now, c);
    if (!rc) {
      json_array_append_new(list, coverage_json(r, &vs[i], c, 0));
      open += c->open_s;
      covered += c->covered_s;
    }
  }
  free(c);
  free(vs);
  if (rc) { json_decref(list); return rc; }
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:o}", "township", t.code, "month", month, "open_seconds", (json_int_t)open,
                        "covered_seconds", (json_int_t)covered, "villages", list);
  json_object_set_new(j, "share", open ? json_real((double)((covered * 1000 + open / 2) / open) / 1000.0) : json_null());
  return resp_json(r, 200, j);
}

/* ------------------------------------------------------------------ posts and deeds */

static json_t *post_json(const duty_post *p) {
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)p->id, "kind", duty_post_kind_key(p->kind), "title",
                   p->title, "holder", p->holder, "hours", p->hours, "active", p->active);
}

static json_t *deed_json(req *r, const duty_deed *d, long long today) {
  duty_deed_state st = duty_deed_state_of(d->promised, d->done, today);
  json_t *j = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:b}", "id", (json_int_t)d->id, "title", d->title, "owner", d->owner,
                        "promised", date_json(d->promised), "state", duty_deed_state_key(st), "state_label",
                        T(r, duty_deed_state_label(st)), "public", d->is_public);
  json_object_set_new(j, "done", d->done ? date_json(d->done) : json_null());
  return j;
}

static json_t *posts_list(req *r, long long org_id, int active_only) {
  json_t *list = json_array();
  zd_error e;
  db_stmt *s = db_query(req_db(r), &e, "SELECT id FROM duty_post WHERE org_id = ? AND (? = 0 OR active = 1) ORDER BY kind, id",
                        "id", org_id, active_only);
  long long ids[300];
  size_t n = 0;
  while (s && n < 300 && db_step(s, &e) == DB_ROW) ids[n++] = db_col_int(s, 0);
  db_done(s);
  for (size_t i = 0; i < n; i++) {
    duty_post p;
    if (duty_post_get(req_db(r), ids[i], &p, &e) == ZD_OK) json_array_append_new(list, post_json(&p));
  }
  return list;
}

static json_t *deeds_list(req *r, long long org_id, int public_only) {
  json_t *list = json_array();
  zd_error e;
  long long now = (long long)time(NULL), today = duty_local_day(now, duty_tz(now));
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT id FROM duty_deed WHERE org_id = ? AND (? = 0 OR is_public = 1) ORDER BY promised_on DESC, id DESC",
                        "id", org_id, public_only);
  long long ids[300];
  size_t n = 0;
  while (s && n < 300 && db_step(s, &e) == DB_ROW) ids[n++] = db_col_int(s, 0);
  db_done(s);
  for (size_t i = 0; i < n; i++) {
    duty_deed d;
    if (duty_deed_get(req_db(r), ids[i], &d, &e) == ZD_OK) json_array_append_new(list, deed_json(r, &d, today));
  }
  return list;
}

int duty_api_posts(req *r) {
  org v;
  int rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  return resp_json(r, 200, json_pack("{s:s, s:o}", "village", v.code, "posts", posts_list(r, v.id, 0)));
}

/* POST /api/v1/villages/{code}/posts {"kind", "title", "holder"?, "hours"?} */
int duty_api_post_create(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *kind = NULL, *title = NULL, *holder = NULL, *hours = NULL;
  rc = req_unpack(r, j, "{s:s, s:s, s?:s, s?:s}", "kind", &kind, "title", &title, "holder", &holder, "hours", &hours);
  duty_post p;
  if (!rc) rc = duty_do_post(r, &v, 0, kind, title, holder, hours, 1, &p);
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 201, post_json(&p));
}

/* PATCH /api/v1/villages/{code}/posts/{id} {"kind"?, "title"?, "holder"?, "hours"?, "active"?} */
int duty_api_post_update(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *kind = NULL, *title = NULL, *holder = NULL, *hours = NULL;
  int active = -1;
  json_t *act = NULL;
  rc = req_unpack(r, j, "{s?:s, s?:s, s?:s, s?:s, s?:o}", "kind", &kind, "title", &title, "holder", &holder, "hours", &hours,
                  "active", &act);
  if (!rc && act) {
    if (!json_is_boolean(act)) rc = zd_fail(&r->err, ZD_EINVAL, "active is true or false.");
    else active = json_is_true(act);
  }
  long long id = req_param_id(r, "id");
  if (!rc && !id) rc = zd_fail(&r->err, ZD_ENOTFOUND, "No such post in this village.");
  duty_post p;
  if (!rc) rc = duty_do_post(r, &v, id, kind, title, holder, hours, active, &p);
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 200, post_json(&p));
}

int duty_api_deeds(req *r) {
  org v;
  int rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  return resp_json(r, 200, json_pack("{s:s, s:o}", "village", v.code, "deeds", deeds_list(r, v.id, 0)));
}

/* POST /api/v1/villages/{code}/deeds {"title", "owner", "promised", "done"?, "public"?} */
int duty_api_deed_create(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *title = NULL, *owner = NULL, *promised = NULL, *done = NULL;
  int pub = 1;
  rc = req_unpack(r, j, "{s:s, s:s, s:s, s?:s, s?:b}", "title", &title, "owner", &owner, "promised", &promised, "done", &done,
                  "public", &pub);
  duty_deed d;
  if (!rc) rc = duty_do_deed(r, &v, 0, title, owner, promised, done, pub, &d);
  json_decref(j);
  if (rc) return rc;
  long long now = (long long)time(NULL);
  return resp_json(r, 201, deed_json(r, &d, duty_local_day(now, duty_tz(now))));
}

/* PATCH /api/v1/villages/{code}/deeds/{id} {"title"?, "owner"?, "promised"?, "done"?: date | "" , "public"?} */
int duty_api_deed_update(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *title = NULL, *owner = NULL, *promised = NULL, *done = NULL;
  json_t *pub = NULL;
  rc = req_unpack(r, j, "{s?:s, s?:s, s?:s, s?:s, s?:o}", "title", &title, "owner", &owner, "promised", &promised, "done",
                  &done, "public", &pub);
  if (!rc && pub && !json_is_boolean(pub)) rc = zd_fail(&r->err, ZD_EINVAL, "public is true or false.");
  long long id = req_param_id(r, "id");
  if (!rc && !id) rc = zd_fail(&r->err, ZD_ENOTFOUND, "No such deed in this village.");
  duty_deed d;
  if (!rc) rc = duty_do_deed(r, &v, id, title, owner, promised, done, pub ? json_is_true(pub) : -1, &d);
  json_decref(j);
  if (rc) return rc;
  long long now = (long long)time(NULL);
  return resp_json(r, 200, deed_json(r, &d, duty_local_day(now, duty_tz(now))));
}

/* GET /api/v1/public/villages/{code}/deeds — the public deeds and the posts in service */
int duty_api_public_deeds(req *r) {
  org v;
  int rc = duty_village(r, PERM_PUBLIC, &v);
  if (rc) return rc;
  return resp_json(r, 200, json_pack("{s:s, s:o, s:o}", "village", v.code, "deeds", deeds_list(r, v.id, 1), "posts",
                                     posts_list(r, v.id, 1)));
}
