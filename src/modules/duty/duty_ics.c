/* duty_ics.c — iCalendar (RFC 5545) text for a person's shifts: CRLF line
** ends, TEXT escaping (backslash, semicolon, comma, newline), lines folded at
** 75 octets without splitting a UTF-8 sequence. The builders are pure; the
** feed handlers (a login, or a personal feed token in the URL for calendar
** apps, which send no cookies) are at the end. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "duty.h"
#include "duty_core.h"

void ics_escape(const char *s, buf *out) {
  for (; s && *s; s++) {
    switch (*s) {
      case '\\': buf_puts(out, "\\\\"); break;
      case ';': buf_puts(out, "\\;"); break;
      case ',': buf_puts(out, "\\,"); break;
      case '\n': buf_puts(out, "\\n"); break;
      case '\r': break;
      default: buf_putc(out, *s);
    }
  }
}

/* Write one content line, folded: at most 75 octets per physical line, a
** continuation starts with one space (which counts in its 75). */
static void fold(buf *b, const char *line, size_t len) {
  size_t pos = 0, limit = 75;
  while (len - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80) cut--; /* not inside a UTF-8 sequence */
    buf_append(b, line + pos, cut - pos);
    buf_puts(b, "\r\n ");
    pos = cut;
    limit = 74;
  }
  buf_append(b, line + pos, len - pos);
  buf_puts(b, "\r\n");
}

void ics_line(buf *b, const char *name, const char *value, int escape) {
  buf l = BUF_INIT;
  buf_puts(&l, name);
  buf_putc(&l, ':');
  if (escape) ics_escape(value, &l);
  else buf_puts(&l, value ? value : "");
  fold(b, buf_str(&l), l.len);
  buf_free(&l);
}

void ics_begin(buf *b, const char *prodid, const char *name) {
  ics_line(b, "BEGIN", "VCALENDAR", 0);
  ics_line(b, "VERSION", "2.0", 0);
  ics_line(b, "PRODID", prodid, 0);
  ics_line(b, "CALSCALE", "GREGORIAN", 0);
  ics_line(b, "METHOD", "PUBLISH", 0);
  if (name && *name) ics_line(b, "X-WR-CALNAME", name, 1);
}

void ics_end(buf *b) { ics_line(b, "END", "VCALENDAR", 0); }

static void utc_stamp(long long t, char out[17]) {
  long long day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  long long s = t - day * 86400;
  int y, m, d;
  duty_civil_from_day(day, &y, &m, &d);
  snprintf(out, 17, "%04u%02u%02uT%02u%02u%02uZ", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
           (unsigned)(s / 3600) % 100u, (unsigned)(s / 60) % 60u, (unsigned)s % 60u);
}

static void date_value(long long day, char out[9]) {
  int y, m, d;
  duty_civil_from_day(day, &y, &m, &d);
  snprintf(out, 9, "%04u%02u%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

void ics_event(buf *b, const char *uid, long long stamp, long long from, long long to, int all_day, long long day,
               const char *summary, const char *description, const char *location) {
  char v[24];
  ics_line(b, "BEGIN", "VEVENT", 0);
  ics_line(b, "UID", uid, 1);
  utc_stamp(stamp, v);
  ics_line(b, "DTSTAMP", v, 0);
  if (all_day) {
    date_value(day, v);
    ics_line(b, "DTSTART;VALUE=DATE", v, 0);
    date_value(day + 1, v);
    ics_line(b, "DTEND;VALUE=DATE", v, 0);
    ics_line(b, "TRANSP", "TRANSPARENT", 0);
  } else {
    utc_stamp(from, v);
    ics_line(b, "DTSTART", v, 0);
    utc_stamp(to, v);
    ics_line(b, "DTEND", v, 0);
  }
  ics_line(b, "SUMMARY", summary, 1);
  if (description && *description) ics_line(b, "DESCRIPTION", description, 1);
  if (location && *location) ics_line(b, "LOCATION", location, 1);
  ics_line(b, "END", "VEVENT", 0);
}

/* ------------------------------------------------------------------ the feed */

typedef struct feed_ctx {
  req *r;
  buf *b;
  long long now, tz;
} feed_ctx;

static void feed_shift(void *arg, const duty_shift *s) {
  feed_ctx *c = arg;
  req *r = c->r;
  char uid[96], summary[300], desc[300];
  snprintf(uid, sizeof uid, "duty-shift-%lld@zhendi", s->id);
  duty_span open[DUTY_MAX_INTERVALS];
  size_t n = 0;
  if (!s->oncall) n = duty_open_spans(r, s->org_id, s->day, s->day_kind, open, DUTY_MAX_INTERVALS);
  center ce;
  zd_error e;
  int has_center = center_of(req_db(r), s->org_id, &ce, &e) == ZD_OK;
  if (!s->oncall && n) {
    snprintf(summary, sizeof summary, "%s · %s", T(r, "Duty at the center"), has_center ? ce.name : s->org_name);
    snprintf(desc, sizeof desc, "%s", T(r, "Check in with the center's QR code when you arrive."));
    ics_event(c->b, uid, c->now, open[0].from, open[n - 1].to, 0, 0, summary, desc, has_center ? ce.address : "");
  } else {
    snprintf(summary, sizeof summary, "%s · %s", T(r, "On call"), s->org_name);
    snprintf(desc, sizeof desc, "%s", T(r, "Weekend or holiday on-call: keep your phone on."));
    ics_event(c->b, uid, c->now, 0, 0, 1, s->day, summary, desc, has_center ? ce.address : "");
  }
}

static int send_feed(req *r, long long user_id, const char *who) {
  long long now = (long long)time(NULL), tz = duty_tz(now);
  long long today = duty_local_day(now, tz);
  buf b = BUF_INIT;
  char name[200];
  snprintf(name, sizeof name, "%s · %s", T(r, "Duty roster"), who);
  ics_begin(&b, "-//zhendi//duty roster//ZH", name);
  feed_ctx c = {r, &b, now, tz};
  int rc = duty_shifts(req_db(r), 0, user_id, today - 62, today + 400, feed_shift, &c, &r->err);
  if (rc) { buf_free(&b); return rc; }
  ics_end(&b);
  resp_header(r, "Cache-Control", "private, max-age=900");
  resp_header(r, "Content-Disposition", "inline; filename=\"duty.ics\"");
  resp_text(r, 200, "text/calendar; charset=utf-8", &b);
  return ZD_OK;
}

/* GET /api/v1/me/duty.ics — the caller's shifts (logged in). */
int duty_api_my_ics(req *r) { return send_feed(r, r->user_id, r->login); }

/* GET /duty/feed/{file} — file is TOKEN.ics: the personal feed for calendar apps. */
int duty_page_feed(req *r) {
  const char *f = req_param(r, "file");
  size_t n = f ? strlen(f) : 0;
  if (n < 5 || n > 100 || strcmp(f + n - 4, ".ics") != 0) return zd_fail(&r->err, ZD_ENOTFOUND, "No such calendar.");
  char token[100];
  snprintf(token, sizeof token, "%.*s", (int)(n - 4), f);
  long long uid = 0;
  char login[65];
  int rc = duty_feed_user(req_db(r), token, &uid, login, &r->err);
  if (rc) return rc;
  return send_feed(r, uid, login);
}
