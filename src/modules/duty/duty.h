/*
** duty.h — 管: "门常开、人常在" (doors open, people there). The duty roster
** (轮流坐班) of a village's cadres, check-in at the center by its QR code, the
** duty log (坐班日志), the whereabouts board (去向牌), coverage figures, and the
** village's posts (便民服务岗, 志愿服务岗, 公益性岗位, 护林员) with the
** 我为群众办实事 list of promised deeds.
**
** Roster. One shift per village per day of a month: on workdays a 坐班 shift
** (kind "duty") over the center's published opening hours; on weekends and
** holidays an on-call shift (kind "oncall", by phone). Which days are workdays
** comes from the weekday and a configurable holiday calendar (days off and
** make-up workdays, 调休), held at the township or county and inherited below.
** duty_rotate() is a pure, deterministic function: each day goes to the
** available cadre with the fewest shifts so far (ties: fewest of that kind,
** longest since the last shift, list order); then loads are balanced by moving
** days along "cost-reducing paths" (the semi-matching optimality condition:
** no chain of reassignments may move a shift from a cadre with load L to one
** with load <= L-2), and on-call days are spread by pairwise exchanges. A cadre
** on leave, or on shift in another village that day, is never chosen, so
** nobody is in two places at once (the database also refuses it: one shift per
** person per day). Swaps: a cadre asks to give a shift to a colleague (and
** optionally take one of theirs); the center admin approves; neither side may
** be on leave or elsewhere that day.
**
** Check-in. Each center's printed QR code carries /v/{code}/checkin?s=SECRET.
** SECRET = the first 10 bytes (hex) of HMAC-SHA-512-256 (libsodium crypto_auth)
** keyed with a 32-byte server key kept in the table duty_key (made at first use,
** never in the binary) over "zhendi:duty-qr:v1:<center id>:<week index>". Weeks
** start on Monday 00:00 local time; a secret is accepted in its own week and the
** next, so a poster is reprinted weekly and a photo of an older one fails. A
** logged-in cadre of that village (and only they) opening it checks in; checking
** out is one tap. A check-in left open is counted until the close of that day's
** opening hours (or midnight, when made after closing), and an explicit
** check-out more than DUTY_MAX_SPAN after the check-in is treated the same way.
**
** Coverage. For a village and month, the share of published opening time (up to
** now) during which at least one person was checked in; a workday shift is
** missed when its cadre was never checked in during that day's opening hours,
** and late when the first check-in came more than DUTY_LATE_GRACE after opening.
**
** Time: stored as epoch seconds; days as 'YYYY-MM-DD' text. The rules work on
** day numbers (days since 1970-01-01) and a UTC offset in seconds passed in, so
** they are pure and need no time zone (China keeps no summer time).
*/
#ifndef ZD_DUTY_H
#define ZD_DUTY_H
#include <stddef.h>
#include "platform/buf.h"
#include "platform/db.h"
#include "platform/req.h"

#define DUTY_QR_WEEK (7LL * 86400)
#define DUTY_SECRET_LEN 20              /* hex characters of a QR secret */
#define DUTY_LATE_GRACE (10 * 60)       /* seconds after opening before a check-in is late */
#define DUTY_MAX_SPAN (14 * 3600)       /* a longer "check-in" was a forgotten check-out */
#define DUTY_MAX_CADRES 64
#define DUTY_MAX_INTERVALS 28           /* weekly opening intervals of one center */

/* ------------------------------------------------------------------ rules (duty_rules.c): pure */

/* Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian). */
long long duty_day_from_civil(int y, int m, int d);
void duty_civil_from_day(long long day, int *y, int *m, int *d);
int duty_weekday(long long day);                 /* 1 Monday … 7 Sunday */
int duty_month_length(int y, int m);
/* "2026-11": 1 and y, m; 0 when malformed or out of range (years 2000–2099). */
int duty_parse_month(const char *s, int *y, int *m);
/* "2026-11-29": 1 and the day number; 0 when malformed or not a real date. */
int duty_parse_date(const char *s, long long *day);
void duty_format_date(long long day, char out[11]);
/* The local day (day number) of an instant, and the instant a local day starts. */
long long duty_local_day(long long t, long long tz_off);
long long duty_day_start(long long day, long long tz_off);

/* Day kinds and the holiday calendar. */
typedef enum duty_day_kind { DK_WORKDAY, DK_WEEKEND, DK_HOLIDAY, DK_COUNT } duty_day_kind;
typedef struct duty_holiday {
  long long day;
  int off;          /* 1: a day off (holiday); 0: a make-up workday (调休上班) */
} duty_holiday;
duty_day_kind duty_day_kind_of(long long day, const duty_holiday *h, size_t nh);
const char *duty_day_kind_key(duty_day_kind k);    /* "workday" */
const char *duty_day_kind_label(duty_day_kind k);  /* msgid */
int duty_day_kind_parse(const char *s);

/* Weekly opening hours: intervals in minutes after local midnight. */
typedef struct duty_interval { int weekday, start, end; } duty_interval;
/* Parse the demo's form, "周一至周五 8:30–12:00, 14:30–18:00", and variants:
** groups separated by ';' or '；', each a day range (周一至周五, 周六, 周一、周三,
** Mon-Fri, 每天) followed by time ranges (H:MM–H:MM, '-', '–', '—' or '~').
** Returns ZD_OK and the intervals sorted by weekday and start, or ZD_EINVAL with
** why (msgid). Overlapping intervals on a day are refused. */
int duty_hours_parse(const char *text, duty_interval *out, size_t max, size_t *n, const char **why);
/* The same text back in a canonical form ("周一至周五 8:30–12:00, 14:30–18:00"). */
void duty_hours_format(const duty_interval *iv, size_t n, buf *out);
/* Opening spans [from, to) as epoch seconds of one day: the intervals of its weekday;
** none on a holiday; a make-up workday on a weekend opens like the first workday
** that has hours. Returns how many were written (at most max). */
typedef struct duty_span { long long from, to; } duty_span;
size_t duty_day_opening(long long day, duty_day_kind kind, const duty_interval *iv, size_t n, long long tz_off,
                        duty_span *out, size_t max);

/* Rotation. days[i] is a day of the roster; fixed[i]: -1 free, >= 0 already held
** by cadre fixed[i] (kept, counted), -2 not part of this generation (skipped).
** busy[c * ndays + i] != 0: cadre c cannot take day i (leave, shift elsewhere).
** assign[i] receives a cadre index, or -1 when nobody was available (and -2 for
** skipped days). ZD_EINVAL when there is no cadre. Deterministic. */
typedef struct duty_rotation {
  size_t ndays, ncadres;
  const long long *days;
  const duty_day_kind *kinds;
  const int *fixed;          /* may be NULL: all free */
  const unsigned char *busy; /* may be NULL: all available */
} duty_rotation;
int duty_rotate(const duty_rotation *in, int *assign);
/* Is there a cost-reducing path in assign (for tests and checks): some cadre could
** give a movable day, through a chain of reassignments, to one with 2+ fewer? */
int duty_rotation_improvable(const duty_rotation *in, const int *assign);

/* QR secrets. */
long long duty_qr_week(long long now, long long tz_off);           /* Monday-based week index */
long long duty_qr_week_start(long long week, long long tz_off);    /* its first instant */
void duty_qr_secret(const unsigned char key[32], long long center_id, long long week, char out[DUTY_SECRET_LEN + 1]);
/* 1 when secret is the center's secret of this week or of the week before. *week
** receives the week it belongs to. Constant-time comparison. */
int duty_qr_check(const unsigned char key[32], long long center_id, long long now, long long tz_off, const char *secret,
                  long long *week);

/* Coverage. */
/* Seconds of the (sorted, disjoint) open spans covered by the union of present spans. */
long long duty_covered(const duty_span *open, size_t nopen, const duty_span *present, size_t npresent);
/* When a check-in stops counting. day_close: end of the last opening interval of
** the check-in's local day (0 if none). *forgotten: no (credible) check-out. */
long long duty_effective_out(long long in_at, long long out_at, long long now, long long day_close, long long tz_off,
                             int *forgotten);
/* The verdict on a workday shift: its opening spans and the presence spans of its cadre. */
typedef enum duty_verdict { DV_FUTURE, DV_PENDING, DV_ON_TIME, DV_LATE, DV_MISSED, DV_NO_HOURS } duty_verdict;
duty_verdict duty_shift_verdict(const duty_span *open, size_t nopen, const duty_span *present, size_t npresent,
                                long long now, long long *first_in);
const char *duty_verdict_key(duty_verdict v);
const char *duty_verdict_label(duty_verdict v);     /* msgid */

/* Whereabouts (去向牌). */
typedef enum duty_status { DS_ON_DUTY, DS_MEETING, DS_VISITING, DS_LEAVE, DS_OFF, DS_COUNT } duty_status;
/* "on_duty" … "off", or the Chinese words 在岗 开会 入户走访 请假 下班; -1 otherwise. */
int duty_status_parse(const char *s);
const char *duty_status_key(duty_status s);
const char *duty_status_label(duty_status s);       /* msgid */
/* What the board shows: on duty / at a meeting / visiting set on an earlier local
** day has lapsed to "off"; leave and off stay. */
duty_status duty_status_effective(duty_status s, long long set_at, long long now, long long tz_off);

/* Posts and deeds. */
typedef enum duty_post_kind { DP_CONVENIENCE, DP_VOLUNTEER, DP_WELFARE, DP_RANGER, DP_COUNT } duty_post_kind;
int duty_post_kind_parse(const char *s);
const char *duty_post_kind_key(duty_post_kind k);
const char *duty_post_kind_label(duty_post_kind k); /* msgid */
typedef enum duty_deed_state { DD_OPEN, DD_OVERDUE, DD_DONE, DD_DONE_LATE } duty_deed_state;
duty_deed_state duty_deed_state_of(long long promised, long long done /* 0: not done */, long long today);
const char *duty_deed_state_key(duty_deed_state s);
const char *duty_deed_state_label(duty_deed_state s);

/* Short free text (names, notes): valid UTF-8, no control characters but
** newlines when multiline, at most max characters. NULL when fine, else why. */
const char *duty_text_problem(const char *s, size_t max, int required, int multiline);

/* ------------------------------------------------------------------ iCalendar (duty_ics.c): pure */
/* RFC 5545 text: CRLF line ends, TEXT escaping, folding at 75 octets (never inside a UTF-8 sequence). */
void ics_begin(buf *b, const char *prodid, const char *name);
void ics_line(buf *b, const char *name, const char *value, int escape);  /* "NAME:value" folded */
/* A timed event in UTC (from/to epoch seconds) or, with all_day, the local date of from. */
void ics_event(buf *b, const char *uid, long long stamp, long long from, long long to, int all_day, long long day,
               const char *summary, const char *description, const char *location);
void ics_end(buf *b);
void ics_escape(const char *s, buf *out);

/* ------------------------------------------------------------------ storage (duty_db.c) */
typedef struct duty_person { long long id; char login[65]; char name[128]; } duty_person;

typedef struct duty_shift {
  long long id, org_id, user_id, day;
  char date[11];
  duty_day_kind day_kind;
  int oncall;                 /* 0 坐班 duty, 1 on call */
  char login[65], name[128];  /* "" when unfilled */
  char org_code[33], org_name[128];
} duty_shift;

typedef struct duty_checkin_row {
  long long id, org_id, user_id, in_at, out_at;
  char out_kind[8];
  char login[65], name[128];
} duty_checkin_row;

/* The server key of the QR secrets: read it, or make it inside a write transaction. */
int duty_key_load(db_conn *c, unsigned char key[32], zd_error *e);   /* ZD_ENOTFOUND if not made yet */
int duty_key_ensure(db_conn *w, unsigned char key[32], zd_error *e);

/* People on the village's roster: holders of a role granting PERM_DUTY_SELF at the village. */
int duty_cadres(db_conn *c, long long org_id, duty_person **out, size_t *n, zd_error *e);
int duty_is_cadre(db_conn *c, long long org_id, long long user_id);
int duty_center_id(db_conn *c, long long org_id, long long *center_id, zd_error *e);

int duty_hours_get(db_conn *c, long long org_id, duty_interval *out, size_t max, size_t *n, int *published,
                   zd_error *e);
int duty_hours_set(db_conn *w, const char *actor, long long org_id, const duty_interval *iv, size_t n, zd_error *e);
/* Holiday entries that apply to org_id (held there or above), in [from, to]; nearer ones win. */
int duty_holidays(db_conn *c, long long org_id, long long from, long long to, duty_holiday **out, size_t *n,
                  zd_error *e);
int duty_holiday_set(db_conn *w, const char *actor, long long org_id, long long day, int off, const char *name,
                     zd_error *e);
int duty_holiday_clear(db_conn *w, const char *actor, long long org_id, long long day, zd_error *e);

int duty_leave_add(db_conn *w, const char *actor, long long org_id, long long user_id, long long from, long long to,
                   const char *reason, long long by, long long *id, zd_error *e);
int duty_on_leave(db_conn *c, long long user_id, long long day);

/* Generate (or, with replace, regenerate from `today` on) the roster of a month. */
typedef struct duty_generated { size_t shifts, unfilled; int replaced; } duty_generated;
int duty_roster_generate(db_conn *w, const char *actor, long long org_id, int y, int m, const long long *cadre_ids,
                         size_t nc, int replace, long long today, duty_generated *out, zd_error *e);
typedef void (*duty_shift_fn)(void *arg, const duty_shift *s);
/* The shifts of a village for a month (org_id > 0) or of a user in [from, to] (user_id > 0). */
int duty_shifts(db_conn *c, long long org_id, long long user_id, long long from, long long to, duty_shift_fn fn,
                void *arg, zd_error *e);
int duty_shift_get(db_conn *c, long long id, duty_shift *s, zd_error *e);
int duty_shift_on(db_conn *c, long long org_id, long long day, duty_shift *s, zd_error *e);
int duty_roster_exists(db_conn *c, long long org_id, int y, int m, char *cadres, size_t n);

int duty_swap_request(db_conn *w, const char *actor, long long org_id, long long requester, int may_manage,
                      long long shift_id, long long to_user, long long with_shift_id, const char *reason, long long today,
                      long long *id, zd_error *e);
int duty_swap_decide(db_conn *w, const char *actor, long long org_id, long long swap_id, long long decider, int approve,
                     long long today, zd_error *e);

int duty_checkin_open(db_conn *c, long long user_id, duty_checkin_row *row, zd_error *e); /* ZD_ENOTFOUND if none */
/* Check in (closing a stale or elsewhere-open one first); day_close(s) come from the caller. */
typedef long long (*duty_close_fn)(void *arg, long long org_id, long long in_at);
int duty_checkin_add(db_conn *w, const char *actor, long long org_id, long long user_id, long long now, long long week,
                     duty_close_fn close_of, void *arg, long long tz_off, long long *id, zd_error *e);
int duty_checkout(db_conn *w, const char *actor, long long org_id, long long user_id, long long now,
                  duty_close_fn close_of, void *arg, long long tz_off, duty_checkin_row *out, zd_error *e);
typedef void (*duty_checkin_fn)(void *arg, const duty_checkin_row *c);
int duty_checkins(db_conn *c, long long org_id, long long from, long long to, duty_checkin_fn fn, void *arg,
                  zd_error *e);

int duty_status_set(db_conn *w, const char *actor, long long org_id, long long user_id, duty_status s,
                    const char *note, long long now, zd_error *e);

typedef struct duty_log_entry {
  long long id, org_id, at, entered_by;
  char visitor[200], phone[40], request[8192], action[4096], appeal[24], entered_login[65];
} duty_log_entry;
int duty_log_add(db_conn *w, const char *actor, long long org_id, long long by, const duty_log_entry *in,
                 long long *id, zd_error *e);
int duty_log_get(db_conn *c, long long id, duty_log_entry *out, zd_error *e);
int duty_log_link_appeal(db_conn *w, const char *actor, const duty_log_entry *en, const char *number, zd_error *e);

typedef struct duty_post {
  long long id, org_id;
  duty_post_kind kind;
  char title[256], holder[256], hours[256];
  int active;
} duty_post;
int duty_post_save(db_conn *w, const char *actor, duty_post *p, zd_error *e); /* id 0: new */
int duty_post_get(db_conn *c, long long id, duty_post *p, zd_error *e);

typedef struct duty_deed {
  long long id, org_id, promised, done;  /* day numbers; done 0 */
  char title[512], owner[256];
  int is_public;
} duty_deed;
int duty_deed_save(db_conn *w, const char *actor, duty_deed *d, zd_error *e);  /* id 0: new */
int duty_deed_get(db_conn *c, long long id, duty_deed *d, zd_error *e);

/* ------------------------------------------------------------------ demo (duty_demo.c) */
int duty_demo(db_conn *w, zd_error *e);

/* ------------------------------------------------------------------ handlers */
/* The public village page's 去向牌, posts and deeds (org_pages.c includes it). */
void duty_public_section(req *r, buf *b, long long org_id, const char *code);
/* Links of the 管 pillar page. */
void duty_guan_links(req *r, buf *b);

int duty_api_roster_generate(req *r);
int duty_api_roster_get(req *r);
int duty_api_swap_create(req *r);
int duty_api_swap_decide(req *r);
int duty_api_leave_create(req *r);
int duty_api_hours_get(req *r);
int duty_api_hours_put(req *r);
int duty_api_holidays_get(req *r);
int duty_api_holidays_put(req *r);
int duty_api_checkin_code(req *r);
int duty_api_checkin(req *r);
int duty_api_checkout(req *r);
int duty_api_checkins(req *r);
int duty_api_status_set(req *r);
int duty_api_whereabouts(req *r);
int duty_api_log_list(req *r);
int duty_api_log_create(req *r);
int duty_api_log_appeal(req *r);
int duty_api_coverage(req *r);
int duty_api_township_coverage(req *r);
int duty_api_posts(req *r);
int duty_api_post_create(req *r);
int duty_api_post_update(req *r);
int duty_api_deeds(req *r);
int duty_api_deed_create(req *r);
int duty_api_deed_update(req *r);
int duty_api_public_deeds(req *r);
int duty_api_my_ics(req *r);

int duty_page_roster(req *r);
int duty_page_generate(req *r);
int duty_page_swap(req *r);
int duty_page_swap_decide(req *r);
int duty_page_leave(req *r);
int duty_page_hours(req *r);
int duty_page_checkin(req *r);
int duty_page_checkin_post(req *r);
int duty_page_checkout(req *r);
int duty_pdf_checkin_poster(req *r);
int duty_page_mine(req *r);
int duty_page_status(req *r);
int duty_page_feed_create(req *r);
int duty_page_feed(req *r);
int duty_page_log(req *r);
int duty_page_log_post(req *r);
int duty_page_log_appeal(req *r);
int duty_page_coverage(req *r);
int duty_page_township_coverage(req *r);
int duty_page_posts(req *r);
int duty_page_post_post(req *r);
int duty_page_deed_post(req *r);
int duty_page_deed_done(req *r);
int duty_page_holidays(req *r);
int duty_page_holidays_post(req *r);

#endif
