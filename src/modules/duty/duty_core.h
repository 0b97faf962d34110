/* duty_core.h — module-internal helpers shared by the duty API, pages and feed. */
#ifndef ZD_DUTY_CORE_H
#define ZD_DUTY_CORE_H
#include "duty.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"
#include "platform/resp.h"
#include "platform/text.h"

/* Seconds east of UTC of local time at t (the server's time zone). */
long long duty_tz(long long t);
void duty_actor(req *r, char *out, size_t n);
/* The village of the {code} capture: 404 when unknown or not a village, or, for
** p != PERM_PUBLIC, outside the caller's scope for p. */
int duty_village(req *r, perm p, org *v);
/* The month of the {month} capture (or of ?month=, or this month when absent). */
int duty_month_param(req *r, const char *capture, int *y, int *m);
/* The server key of QR secrets, made on first use. */
int duty_server_key(req *r, unsigned char key[32]);
/* The current QR secret of a village's center; its week's first instant in *from. */
int duty_current_secret(req *r, const org *v, char secret[DUTY_SECRET_LEN + 1], long long *from);
/* "http://host" for links printed on paper. */

/* Opening spans of one day of a village (weekly hours, holiday calendar). */
size_t duty_open_spans(req *r, long long org_id, long long day, duty_day_kind kind, duty_span *out, size_t max);
duty_day_kind duty_kind_of_day(req *r, long long org_id, long long day);
/* duty_close_fn for check-in storage: the end of the opening hours of in_at's day. */
long long duty_close_of(void *arg /* req* */, long long org_id, long long in_at);

/* Is the caller checked in now (an open check-in not left past its day's closing)? */
int duty_checked_in(req *r, duty_checkin_row *row);

/* Coverage of one village and month, up to now. */
typedef struct duty_cov_day {
  long long day;
  duty_day_kind kind;
  long long open_s, covered_s, first_in;
  int has_shift, oncall;
  long long user_id;
  char login[65], name[128];
  duty_verdict verdict;
} duty_cov_day;

typedef struct duty_cov {
  int y, m, ndays, published;
  long long open_s, covered_s;
  int duty_shifts, oncall_shifts, unfilled, on_time, late, missed, pending, forgotten, checkins;
  duty_cov_day days[31];
} duty_cov;
int duty_coverage(req *r, const org *v, int y, int m, long long now, duty_cov *out);
/* Per mille of opening time covered (1000 when nothing was open). */
int duty_cov_permille(const duty_cov *c);

/* Personal calendar feed tokens (stored hashed). */
int duty_feed_create(db_conn *w, const char *actor, long long user_id, char *token, size_t n, zd_error *e);
int duty_feed_user(db_conn *c, const char *token, long long *user_id, char *login, zd_error *e);

/* The villages (and communities) under a township the caller may view; caller frees. */
int duty_township_villages(req *r, const org *t, org **out, size_t *n);

/* One write transaction on the writer: begin … end(rc) commits when rc is ZD_OK, else rolls back. */
db_conn *duty_tx_begin(req *r, int *rc);
int duty_tx_end(req *r, db_conn *w, int rc);

/* The operations, shared by the API and the pages (duty_ops.c). Each checks its
** input, runs in its own write transaction, and leaves the reason in r->err. */
int duty_do_generate(req *r, const org *v, int y, int m, const char *const *logins, size_t n, int replace,
                     duty_generated *out);
int duty_do_swap(req *r, const org *v, const char *date, const char *to, const char *with_date, const char *reason,
                 long long *id);
int duty_do_decide(req *r, const org *v, long long swap_id, const char *decision);
int duty_do_leave(req *r, const org *v, const char *login, const char *from, const char *to, const char *reason,
                  long long *id);
int duty_do_hours(req *r, const org *v, const char *text);
int duty_do_checkin(req *r, const org *v, const char *secret, long long *id);
int duty_do_checkout(req *r, const org *v, duty_checkin_row *out);
int duty_do_status(req *r, const org *v, const char *status, const char *note);
int duty_do_log(req *r, const org *v, const char *visitor, const char *phone, const char *request, const char *action,
                long long *id);
int duty_do_log_appeal(req *r, const org *v, long long log_id, const char *kind, char *number, char *code);
int duty_do_post(req *r, const org *v, long long id, const char *kind, const char *title, const char *holder,
                 const char *hours, int active, duty_post *out);
int duty_do_deed(req *r, const org *v, long long id, const char *title, const char *owner, const char *promised,
                 const char *done, int is_public, duty_deed *out);
void duty_mask_phone(const char *p, char *out, size_t n);

/* Pages: the head of a village's duty page (crumbs, title, the duty sub-navigation). */
void duty_page_head(req *r, buf *b, const org *v, const char *title, const char *here);
/* The message of r->err for a page (translated when the catalogue has it). */
const char *duty_err_text(req *r);
extern const char *const duty_weekday_names[8];   /* msgids, [1] "Monday" … [7] "Sunday" */
extern const char *const duty_weekday_short[8];   /* msgids, [1] "Mon" … */

void duty_date_time(long long t, char *out, size_t n);   /* "2026-11-29 08:31" local */
void duty_clock(long long t, char *out, size_t n);       /* "08:31" local */

#endif
