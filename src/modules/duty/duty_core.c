/* duty_core.c — what the duty API, pages and feed share: the village in scope,
** the month asked for, the QR server key and secret, opening spans of a day,
** and the coverage of a month. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duty_core.h"

long long duty_tz(long long t) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  return (long long)tm.tm_gmtoff;
}

void duty_actor(req *r, char *out, size_t n) {
  if (r->user_id) snprintf(out, n, "user:%s", r->login);
  else snprintf(out, n, "public:%s", r->client[0] ? r->client : "?");
}

int duty_village(req *r, perm p, org *v) {
  int rc = org_by_code(req_db(r), req_param(r, "code"), v, &r->err);
  if (rc == ZD_OK && v->kind != ORG_VILLAGE && v->kind != ORG_COMMUNITY) rc = ZD_ENOTFOUND;
  if (rc == ZD_OK && p != PERM_PUBLIC && !ident_scope_allows(req_db(r), r->user_id, p, v->id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND)
    zd_fail(&r->err, ZD_ENOTFOUND, p == PERM_PUBLIC ? "No village with this code." : "No village with this code in your scope.");
  return rc;
}

int duty_month_param(req *r, const char *capture, int *y, int *m) {
  const char *s = capture ? req_param(r, capture) : req_query(r, "month");
  if (!s || !*s) {
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    return ZD_OK;
  }
  if (!duty_parse_month(s, y, m))
    return zd_fail(&r->err, ZD_EINVAL, "The month must be written like 2026-11 (months 01 to 12, years 2000 to 2099).");
  return ZD_OK;
}

int duty_server_key(req *r, unsigned char key[32]) {
  zd_error e;
  int rc = duty_key_load(req_db(r), key, &e);
  if (rc != ZD_ENOTFOUND) {
    if (rc) r->err = e;
    return rc;
  }
  db_conn *w = db_writer(r->app->db);
  rc = db_begin(w, &r->err);
  if (!rc) rc = duty_key_ensure(w, key, &r->err);
  if (!rc) rc = db_commit(w, &r->err);
  else db_rollback(w);
  db_release(w);
  return rc;
}

int duty_current_secret(req *r, const org *v, char secret[DUTY_SECRET_LEN + 1], long long *from) {
  long long center = 0, now = (long long)time(NULL), tz = duty_tz(now);
  int rc = duty_center_id(req_db(r), v->id, &center, &r->err);
  if (rc) return rc;
  unsigned char key[32];
  if ((rc = duty_server_key(r, key))) return rc;
  long long week = duty_qr_week(now, tz);
  duty_qr_secret(key, center, week, secret);
  sodium_memzero(key, sizeof key);
  if (from) *from = duty_qr_week_start(week, tz);
  return ZD_OK;
}

duty_day_kind duty_kind_of_day(req *r, long long org_id, long long day) {
  duty_holiday *h = NULL;
  size_t nh = 0;
  zd_error e;
  duty_holidays(req_db(r), org_id, day, day, &h, &nh, &e);
  duty_day_kind k = duty_day_kind_of(day, h, nh);
  free(h);
  return k;
}

size_t duty_open_spans(req *r, long long org_id, long long day, duty_day_kind kind, duty_span *out, size_t max) {
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t n = 0;
  zd_error e;
  if (duty_hours_get(req_db(r), org_id, iv, DUTY_MAX_INTERVALS, &n, NULL, &e)) return 0;
  return duty_day_opening(day, kind, iv, n, duty_tz(day * 86400 + 43200), out, max);
}

long long duty_close_of(void *arg, long long org_id, long long in_at) {
  req *r = arg;
  long long tz = duty_tz(in_at), day = duty_local_day(in_at, tz);
  duty_span sp[DUTY_MAX_INTERVALS];
  size_t n = duty_open_spans(r, org_id, day, duty_kind_of_day(r, org_id, day), sp, DUTY_MAX_INTERVALS);
  return n ? sp[n - 1].to : 0;
}

int duty_checked_in(req *r, duty_checkin_row *row) {
  zd_error e;
  if (duty_checkin_open(req_db(r), r->user_id, row, &e) != ZD_OK) return 0;
  long long now = (long long)time(NULL);
  int forgotten = 0;
  duty_effective_out(row->in_at, 0, now, duty_close_of(r, row->org_id, row->in_at), duty_tz(row->in_at), &forgotten);
  return !forgotten;
}

/* ------------------------------------------------------------------ coverage */

typedef struct pres { long long user; duty_span span; int forgotten; } pres;

typedef struct cov_ctx {
  duty_cov *c;
  long long first;
  pres *p;
  size_t np, cap;
  const duty_interval *iv;
  size_t niv;
  const duty_holiday *hol;
  size_t nhol;
  long long now, tz;
} cov_ctx;

static void cov_shift(void *arg, const duty_shift *s) {
  cov_ctx *x = arg;
  long long i = s->day - x->first;
  if (i < 0 || i >= x->c->ndays) return;
  duty_cov_day *d = &x->c->days[i];
  d->has_shift = 1;
  d->oncall = s->oncall;
  d->user_id = s->user_id;
  snprintf(d->login, sizeof d->login, "%s", s->login);
  snprintf(d->name, sizeof d->name, "%s", s->name);
}

static void cov_checkin(void *arg, const duty_checkin_row *ci) {
  cov_ctx *x = arg;
  if (x->np == x->cap) {
    size_t cap = x->cap ? x->cap * 2 : 64;
    pres *p = realloc(x->p, cap * sizeof *p);
    if (!p) return;
    x->p = p;
    x->cap = cap;
  }
  long long day = duty_local_day(ci->in_at, x->tz);
  duty_span sp[DUTY_MAX_INTERVALS];
  size_t n = duty_day_opening(day, duty_day_kind_of(day, x->hol, x->nhol), x->iv, x->niv, x->tz, sp, DUTY_MAX_INTERVALS);
  int forgotten = 0;
  long long out = duty_effective_out(ci->in_at, ci->out_at, x->now, n ? sp[n - 1].to : 0, x->tz, &forgotten);
  x->p[x->np++] = (pres){ci->user_id, {ci->in_at, out}, forgotten};
}

int duty_coverage(req *r, const org *v, int y, int m, long long now, duty_cov *out) {
  memset(out, 0, sizeof *out);
  out->y = y;
  out->m = m;
  out->ndays = duty_month_length(y, m);
  long long first = duty_day_from_civil(y, m, 1), last = first + out->ndays - 1, tz = duty_tz(now);
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t niv = 0;
  db_conn *c = req_db(r);
  int rc = duty_hours_get(c, v->id, iv, DUTY_MAX_INTERVALS, &niv, &out->published, &r->err);
  if (rc) return rc;
  duty_holiday *hol = NULL;
  size_t nhol = 0;
  if ((rc = duty_holidays(c, v->id, first - 2, last, &hol, &nhol, &r->err))) return rc;
  cov_ctx x = {out, first, NULL, 0, 0, iv, niv, hol, nhol, now, tz};
  for (int i = 0; i < out->ndays; i++) {
    out->days[i].day = first + i;
    out->days[i].kind = duty_day_kind_of(first + i, hol, nhol);
  }
  rc = duty_shifts(c, v->id, 0, first, last, cov_shift, &x, &r->err);
  /* from two days before: a check-in spanning midnight into the 1st counts */
  if (!rc) rc = duty_checkins(c, v->id, duty_day_start(first - 2, tz), duty_day_start(last + 1, tz), cov_checkin, &x, &r->err);
  if (rc) { free(hol); free(x.p); return rc; }
  duty_span *all = malloc((x.np ? x.np : 1) * sizeof *all), *mine = malloc((x.np ? x.np : 1) * sizeof *mine);
  if (!all || !mine) { free(hol); free(x.p); free(all); free(mine); return zd_fail(&r->err, ZD_EINTERNAL, "out of memory"); }
  for (size_t k = 0; k < x.np; k++) {
    all[k] = x.p[k].span;
    if (x.p[k].span.from >= duty_day_start(first, tz)) {
      out->checkins++;
      out->forgotten += x.p[k].forgotten;
    }
  }
  for (int i = 0; i < out->ndays; i++) {
    duty_cov_day *d = &out->days[i];
    duty_span sp[DUTY_MAX_INTERVALS], clip[DUTY_MAX_INTERVALS];
    size_t n = duty_day_opening(d->day, d->kind, iv, niv, tz, sp, DUTY_MAX_INTERVALS), nc = 0;
    for (size_t k = 0; k < n; k++) { /* only the opening time that has passed */
      if (sp[k].from >= now) break;
      clip[nc] = sp[k];
      if (clip[nc].to > now) clip[nc].to = now;
      d->open_s += clip[nc].to - clip[nc].from;
      nc++;
    }
    d->covered_s = duty_covered(clip, nc, all, x.np);
    out->open_s += d->open_s;
    out->covered_s += d->covered_s;
    if (!d->has_shift) continue;
    if (!d->user_id) { out->unfilled++; continue; }
    if (d->oncall) { out->oncall_shifts++; continue; }
    out->duty_shifts++;
    size_t nm = 0;
    for (size_t k = 0; k < x.np; k++)
      if (x.p[k].user == d->user_id) mine[nm++] = x.p[k].span;
    d->verdict = duty_shift_verdict(sp, n, mine, nm, now, &d->first_in);
    switch (d->verdict) {
      case DV_ON_TIME: out->on_time++; break;
      case DV_LATE: out->late++; break;
      case DV_MISSED: out->missed++; break;
      case DV_PENDING: out->pending++; break;
      default: break;
    }
  }
  free(all);
  free(mine);
  free(hol);
  free(x.p);
  return ZD_OK;
}

int duty_cov_permille(const duty_cov *c) {
  if (c->open_s <= 0) return -1;
  return (int)((c->covered_s * 1000 + c->open_s / 2) / c->open_s);
}

int duty_township_villages(req *r, const org *t, org **out, size_t *n) {
  org *kids = NULL;
  size_t nk = 0;
  *out = NULL;
  *n = 0;
  int rc = org_children(req_db(r), t->id, &kids, &nk, &r->err);
  if (rc) return rc;
  for (size_t i = 0; i < nk; i++) {
    if (kids[i].kind != ORG_VILLAGE && kids[i].kind != ORG_COMMUNITY) continue;
    if (!ident_scope_allows(req_db(r), r->user_id, PERM_ORG_VIEW, kids[i].id)) continue;
    kids[(*n)++] = kids[i];
  }
  *out = kids;
  return ZD_OK;
}

void duty_date_time(long long t, char *out, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

void duty_clock(long long t, char *out, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(out, n, "%H:%M", &tm);
}
