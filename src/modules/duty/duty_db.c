/* duty_db.c — storage of 管 duty: roster, swaps, leave, hours, holidays,
** check-ins, whereabouts, duty log, posts, deeds, calendar-feed tokens.
** Every write runs inside the caller's write transaction and appends to the
** audit trail in that transaction. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duty.h"
#include "duty_core.h"
#include "modules/audit/audit.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"

static void cp(char *d, size_t n, const char *s) { snprintf(d, n, "%s", s ? s : ""); }

static int done_rc(int rc) { return rc < 0 ? rc : ZD_OK; }

/* ------------------------------------------------------------------ server key */

int duty_key_load(db_conn *c, unsigned char key[32], zd_error *e) {
  db_stmt *s = db_query(c, e, "SELECT key_hex FROM duty_key WHERE id = 1", "");
  if (!s) return e->rc;
  int rc = db_step(s, e), ok = 0;
  if (rc == DB_ROW) {
    size_t len = 0;
    const char *hex = db_col_text(s, 0);
    ok = sodium_hex2bin(key, 32, hex, strlen(hex), NULL, &len, NULL) == 0 && len == 32;
  }
  db_done(s);
  if (rc < 0) return rc;
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "no duty key yet");
  if (!ok) return zd_fail(e, ZD_EINTERNAL, "the stored duty key is malformed");
  return ZD_OK;
}

int duty_key_ensure(db_conn *w, unsigned char key[32], zd_error *e) {
  int rc = duty_key_load(w, key, e);
  if (rc != ZD_ENOTFOUND) return rc;
  randombytes_buf(key, 32);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, key, 32);
  rc = db_run(w, e, "INSERT INTO duty_key(id, key_hex, created_at) VALUES(1, ?, ?)", "si", hex, (long long)time(NULL));
  sodium_memzero(hex, sizeof hex);
  if (rc < 0) return rc;
  /* the fact, never the key */
  return audit_append(w, "system", "duty.key.create", "duty_key:1", 0, "", "{\"purpose\":\"center QR secrets\"}", e);
}

/* ------------------------------------------------------------------ people, centers */

static void self_roles(const char *k[ROLE_COUNT]) {
  int n = 0;
  for (int i = 0; i < ROLE_COUNT; i++)
    if (role_grants((role)i, PERM_DUTY_SELF)) k[n++] = role_key((role)i);
  while (n < ROLE_COUNT) k[n++] = "";
}

int duty_cadres(db_conn *c, long long org_id, duty_person **out, size_t *n, zd_error *e) {
  const char *k[ROLE_COUNT];
  self_roles(k);
  *out = NULL;
  *n = 0;
  db_stmt *s = db_query(c, e,
                        "SELECT DISTINCT u.id, u.login, u.display_name FROM user_role ur JOIN users u ON u.id = ur.user_id "
                        "WHERE ur.org_id = ? AND ur.role IN (?, ?, ?, ?, ?, ?, ?) AND u.disabled = 0 ORDER BY u.login",
                        "isssssss", org_id, k[0], k[1], k[2], k[3], k[4], k[5], k[6]);
  if (!s) return e->rc;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    if (*n >= DUTY_MAX_CADRES) continue;
    duty_person *p = realloc(*out, (*n + 1) * sizeof *p);
    if (!p) { db_done(s); return zd_fail(e, ZD_EINTERNAL, "out of memory"); }
    *out = p;
    p += *n;
    p->id = db_col_int(s, 0);
    cp(p->login, sizeof p->login, db_col_text(s, 1));
    cp(p->name, sizeof p->name, db_col_text(s, 2));
    if (!p->name[0]) cp(p->name, sizeof p->name, p->login);
    (*n)++;
  }
  db_done(s);
  return done_rc(rc);
}

int duty_is_cadre(db_conn *c, long long org_id, long long user_id) {
  const char *k[ROLE_COUNT];
  self_roles(k);
  long long n = 0;
  zd_error e;
  return db_scalar_int(c, &e, &n, 0,
                       "SELECT count(*) FROM user_role ur JOIN users u ON u.id = ur.user_id WHERE ur.org_id = ? AND "
                       "ur.user_id = ? AND u.disabled = 0 AND ur.role IN (?, ?, ?, ?, ?, ?, ?)",
                       "iisssssss", org_id, user_id, k[0], k[1], k[2], k[3], k[4], k[5], k[6]) == ZD_OK && n > 0;
}

int duty_center_id(db_conn *c, long long org_id, long long *center_id, zd_error *e) {
  int rc = db_scalar_int(c, e, center_id, 0, "SELECT id FROM center WHERE org_id = ?", "i", org_id);
  if (rc) return rc;
  if (!*center_id) return zd_fail(e, ZD_ENOTFOUND, "This village has no center on record.");
  return ZD_OK;
}

/* ------------------------------------------------------------------ hours and holidays */

int duty_hours_get(db_conn *c, long long org_id, duty_interval *out, size_t max, size_t *n, int *published,
                   zd_error *e) {
  *n = 0;
  db_stmt *s = db_query(c, e, "SELECT weekday, start_min, end_min FROM duty_hours WHERE org_id = ? ORDER BY weekday, start_min",
                        "i", org_id);
  if (!s) return e->rc;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW)
    if (*n < max) out[(*n)++] = (duty_interval){(int)db_col_int(s, 0), (int)db_col_int(s, 1), (int)db_col_int(s, 2)};
  db_done(s);
  if (rc < 0) return rc;
  if (!*n) { /* nothing structured yet: the center's text, when it reads as hours */
    center ce;
    zd_error ignore;
    const char *why;
    if (center_of(c, org_id, &ce, &ignore) == ZD_OK && duty_hours_parse(ce.opening_hours, out, max, n, &why) != ZD_OK)
      *n = 0;
  }
  if (published) *published = *n > 0;
  return ZD_OK;
}

int duty_hours_set(db_conn *w, const char *actor, long long org_id, const duty_interval *iv, size_t n, zd_error *e) {
  duty_interval old[DUTY_MAX_INTERVALS];
  size_t nold = 0;
  int rc = duty_hours_get(w, org_id, old, DUTY_MAX_INTERVALS, &nold, NULL, e);
  if (rc) return rc;
  if ((rc = db_run(w, e, "DELETE FROM duty_hours WHERE org_id = ?", "i", org_id)) < 0) return rc;
  for (size_t i = 0; i < n; i++)
    if ((rc = db_run(w, e, "INSERT INTO duty_hours(org_id, weekday, start_min, end_min) VALUES(?, ?, ?, ?)", "iddd",
                     org_id, iv[i].weekday, iv[i].start, iv[i].end)) < 0)
      return rc;
  buf a = BUF_INIT, b = BUF_INIT, ja = BUF_INIT, jb = BUF_INIT;
  duty_hours_format(old, nold, &b);
  duty_hours_format(iv, n, &a);
  buf_printf(&jb, "{\"hours\":\"%j\"}", buf_str(&b));
  buf_printf(&ja, "{\"hours\":\"%j\"}", buf_str(&a));
  char obj[48];
  snprintf(obj, sizeof obj, "duty_hours:%lld", org_id);
  rc = audit_append(w, actor, "duty.hours.set", obj, org_id, buf_str(&jb), buf_str(&ja), e);
  buf_free(&a); buf_free(&b); buf_free(&ja); buf_free(&jb);
  return rc;
}

int duty_holidays(db_conn *c, long long org_id, long long from, long long to, duty_holiday **out, size_t *n,
                  zd_error *e) {
  char f[11], t[11];
  duty_format_date(from, f);
  duty_format_date(to, t);
  *out = NULL;
  *n = 0;
  /* farther nodes first: a nearer entry for the same day comes later and wins */
  db_stmt *s = db_query(c, e,
                        "SELECT h.day, h.is_off FROM duty_holiday h JOIN org_closure oc ON oc.ancestor = h.org_id "
                        "WHERE oc.descendant = ? AND h.day >= ? AND h.day <= ? ORDER BY oc.depth DESC, h.day",
                        "iss", org_id, f, t);
  if (!s) return e->rc;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    long long day;
    if (!duty_parse_date(db_col_text(s, 0), &day)) continue;
    duty_holiday *h = realloc(*out, (*n + 1) * sizeof *h);
    if (!h) { db_done(s); return zd_fail(e, ZD_EINTERNAL, "out of memory"); }
    *out = h;
    h[(*n)++] = (duty_holiday){day, (int)db_col_int(s, 1)};
  }
  db_done(s);
  return done_rc(rc);
}

int duty_holiday_set(db_conn *w, const char *actor, long long org_id, long long day, int off, const char *name,
                     zd_error *e) {
  char d[11];
  duty_format_date(day, d);
  long long have = 0;
  int rc = db_scalar_int(w, e, &have, 0, "SELECT count(*) FROM duty_holiday WHERE org_id = ? AND day = ?", "is", org_id, d);
  if (rc) return rc;
  rc = have ? db_run(w, e, "UPDATE duty_holiday SET is_off = ?, name = ? WHERE org_id = ? AND day = ?", "dsis", off,
                     name ? name : "", org_id, d)
            : db_run(w, e, "INSERT INTO duty_holiday(org_id, day, is_off, name) VALUES(?, ?, ?, ?)", "isds", org_id, d, off,
                     name ? name : "");
  if (rc < 0) return rc;
  char obj[64];
  snprintf(obj, sizeof obj, "duty_holiday:%lld:%s", org_id, d);
  buf a = BUF_INIT;
  buf_printf(&a, "{\"day\":\"%j\",\"off\":%d,\"name\":\"%j\"}", d, off, name ? name : "");
  rc = audit_append(w, actor, "duty.holiday.set", obj, org_id, "", buf_str(&a), e);
  buf_free(&a);
  return rc;
}

int duty_holiday_clear(db_conn *w, const char *actor, long long org_id, long long day, zd_error *e) {
  char d[11], obj[64];
  duty_format_date(day, d);
  int rc = db_run(w, e, "DELETE FROM duty_holiday WHERE org_id = ? AND day = ?", "is", org_id, d);
  if (rc < 0) return rc;
  snprintf(obj, sizeof obj, "duty_holiday:%lld:%s", org_id, d);
  return audit_append(w, actor, "duty.holiday.clear", obj, org_id, "", "{}", e);
}

/* ------------------------------------------------------------------ leave */

int duty_leave_add(db_conn *w, const char *actor, long long org_id, long long user_id, long long from, long long to,
                   const char *reason, long long by, long long *id, zd_error *e) {
  if (to < from) return zd_fail(e, ZD_EINVAL, "The leave must end on or after the day it starts.");
  if (to - from > 366) return zd_fail(e, ZD_EINVAL, "A leave is at most a year long.");
  char f[11], t[11];
  duty_format_date(from, f);
  duty_format_date(to, t);
  db_stmt *s = db_query(w, e,
                        "INSERT INTO duty_leave(org_id, user_id, from_day, to_day, reason, created_by, created_at) "
                        "VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        "iisssii", org_id, user_id, f, t, reason ? reason : "", by, (long long)time(NULL));
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW && id) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "duty_leave:%lld", id ? *id : 0);
  buf a = BUF_INIT;
  buf_printf(&a, "{\"user\":%lld,\"from\":\"%j\",\"to\":\"%j\"}", user_id, f, t);
  rc = audit_append(w, actor, "duty.leave.add", obj, org_id, "", buf_str(&a), e);
  buf_free(&a);
  return rc;
}

int duty_on_leave(db_conn *c, long long user_id, long long day) {
  char d[11];
  duty_format_date(day, d);
  long long n = 0;
  zd_error e;
  return db_scalar_int(c, &e, &n, 0,
                       "SELECT count(*) FROM duty_leave WHERE user_id = ? AND cancelled_at = 0 AND from_day <= ? AND to_day >= ?",
                       "iss", user_id, d, d) == ZD_OK && n > 0;
}

/* ------------------------------------------------------------------ roster */

#define SHIFT_COLS                                                                                        \
  "SELECT s.id, s.org_id, s.day, s.kind, s.day_kind, COALESCE(s.user_id, 0), COALESCE(u.login, ''), "      \
  "COALESCE(u.display_name, ''), o.code, o.name FROM duty_shift s JOIN org o ON o.id = s.org_id "          \
  "LEFT JOIN users u ON u.id = s.user_id "

static void shift_row(db_stmt *s, duty_shift *x) {
  memset(x, 0, sizeof *x);
  x->id = db_col_int(s, 0);
  x->org_id = db_col_int(s, 1);
  cp(x->date, sizeof x->date, db_col_text(s, 2));
  duty_parse_date(x->date, &x->day);
  x->oncall = strcmp(db_col_text(s, 3), "oncall") == 0;
  int k = duty_day_kind_parse(db_col_text(s, 4));
  x->day_kind = k < 0 ? DK_WORKDAY : (duty_day_kind)k;
  x->user_id = db_col_int(s, 5);
  cp(x->login, sizeof x->login, db_col_text(s, 6));
  cp(x->name, sizeof x->name, db_col_text(s, 7));
  if (!x->name[0]) cp(x->name, sizeof x->name, x->login);
  cp(x->org_code, sizeof x->org_code, db_col_text(s, 8));
  cp(x->org_name, sizeof x->org_name, db_col_text(s, 9));
}

int duty_shifts(db_conn *c, long long org_id, long long user_id, long long from, long long to, duty_shift_fn fn,
                void *arg, zd_error *e) {
  char f[11], t[11];
  duty_format_date(from, f);
  duty_format_date(to, t);
  db_stmt *s = db_query(c, e,
                        SHIFT_COLS "WHERE (? = 0 OR s.org_id = ?) AND (? = 0 OR s.user_id = ?) AND s.day >= ? AND s.day <= ? "
                                   "ORDER BY s.day, o.code",
                        "iiiiss", org_id, org_id, user_id, user_id, f, t);
  if (!s) return e->rc;
  int rc;
  duty_shift x;
  while ((rc = db_step(s, e)) == DB_ROW) {
    shift_row(s, &x);
    fn(arg, &x);
  }
  db_done(s);
  return done_rc(rc);
}

static int shift_one(db_conn *c, db_stmt *s, duty_shift *x, zd_error *e) {
  (void)c;
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) shift_row(s, x);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such shift.");
  return done_rc(rc);
}

int duty_shift_get(db_conn *c, long long id, duty_shift *x, zd_error *e) {
  return shift_one(c, db_query(c, e, SHIFT_COLS "WHERE s.id = ?", "i", id), x, e);
}

int duty_shift_on(db_conn *c, long long org_id, long long day, duty_shift *x, zd_error *e) {
  char d[11];
  duty_format_date(day, d);
  return shift_one(c, db_query(c, e, SHIFT_COLS "WHERE s.org_id = ? AND s.day = ?", "is", org_id, d), x, e);
}

int duty_roster_exists(db_conn *c, long long org_id, int y, int m, char *cadres, size_t n) {
  char month[8];
  snprintf(month, sizeof month, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
  zd_error e;
  db_stmt *s = db_query(c, &e, "SELECT cadres FROM duty_roster WHERE org_id = ? AND month = ?", "is", org_id, month);
  if (!s) return 0;
  int rc = db_step(s, &e);
  if (rc == DB_ROW && cadres) cp(cadres, n, db_col_text(s, 0));
  db_done(s);
  return rc == DB_ROW;
}

/* Mark busy[c][i] for the leave of cadre c in the month. */
static int mark_leave(db_conn *w, long long uid, long long first, long long last, unsigned char *row, zd_error *e) {
  char f[11], t[11];
  duty_format_date(first, f);
  duty_format_date(last, t);
  db_stmt *s = db_query(w, e,
                        "SELECT from_day, to_day FROM duty_leave WHERE user_id = ? AND cancelled_at = 0 AND from_day <= ? "
                        "AND to_day >= ?", "iss", uid, t, f);
  if (!s) return e->rc;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    long long a, b;
    if (!duty_parse_date(db_col_text(s, 0), &a) || !duty_parse_date(db_col_text(s, 1), &b)) continue;
    for (long long d = a < first ? first : a; d <= b && d <= last; d++) row[d - first] = 1;
  }
  db_done(s);
  return done_rc(rc);
}

static int mark_elsewhere(db_conn *w, long long uid, long long org_id, long long first, long long last,
                          unsigned char *row, zd_error *e) {
  char f[11], t[11];
  duty_format_date(first, f);
  duty_format_date(last, t);
  db_stmt *s = db_query(w, e, "SELECT day FROM duty_shift WHERE user_id = ? AND org_id <> ? AND day >= ? AND day <= ?",
                        "iiss", uid, org_id, f, t);
  if (!s) return e->rc;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    long long d;
    if (duty_parse_date(db_col_text(s, 0), &d) && d >= first && d <= last) row[d - first] = 1;
  }
  db_done(s);
  return done_rc(rc);
}

int duty_roster_generate(db_conn *w, const char *actor, long long org_id, int y, int m, const long long *cadre_ids,
                         size_t nc, int replace, long long today, duty_generated *out, zd_error *e) {
  memset(out, 0, sizeof *out);
  if (!nc) return zd_fail(e, ZD_ECONFLICT, "This village has no cadres to put on a roster.");
  if (nc > DUTY_MAX_CADRES) return zd_fail(e, ZD_EINVAL, "At most %d cadres on one roster.", DUTY_MAX_CADRES);
  char month[8];
  snprintf(month, sizeof month, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
  int exists = duty_roster_exists(w, org_id, y, m, NULL, 0);
  if (exists && !replace)
    return zd_fail(e, ZD_ECONFLICT, "The roster of this month exists already; ask to replace it (days before today are kept).");
  long long first = duty_day_from_civil(y, m, 1);
  size_t nd = (size_t)duty_month_length(y, m);
  long long last = first + (long long)nd - 1;
  if (exists && last < today) return zd_fail(e, ZD_ECONFLICT, "This month is over; its roster is kept as it was.");
  duty_holiday *hol = NULL;
  size_t nh = 0;
  int rc = duty_holidays(w, org_id, first, last, &hol, &nh, e);
  if (rc) return rc;
  long long days[31];
  duty_day_kind kinds[31];
  int fixed[31], assign[31];
  for (size_t i = 0; i < nd; i++) {
    days[i] = first + (long long)i;
    kinds[i] = duty_day_kind_of(days[i], hol, nh);
    fixed[i] = -1;
  }
  free(hol);
  unsigned char *busy = calloc(nc * nd, 1);
  if (!busy) return zd_fail(e, ZD_EINTERNAL, "out of memory");
  for (size_t c = 0; c < nc && !rc; c++) {
    rc = mark_leave(w, cadre_ids[c], first, last, busy + c * nd, e);
    if (!rc) rc = mark_elsewhere(w, cadre_ids[c], org_id, first, last, busy + c * nd, e);
  }
  if (!rc && exists) { /* keep the days before today as they are, counted for fairness */
    for (size_t i = 0; i < nd && !rc; i++) {
      if (days[i] >= today) continue;
      duty_shift x;
      zd_error ignore;
      fixed[i] = -2;
      if (duty_shift_on(w, org_id, days[i], &x, &ignore) == ZD_OK)
        for (size_t c = 0; c < nc; c++)
          if (cadre_ids[c] == x.user_id) fixed[i] = (int)c;
    }
  }
  duty_rotation rot = {nd, nc, days, kinds, fixed, busy};
  if (!rc && duty_rotate(&rot, assign) != ZD_OK) rc = zd_fail(e, ZD_EINVAL, "No cadres.");
  free(busy);
  if (rc) return rc;
  long long now = (long long)time(NULL);
  if (exists) { /* requests about the days being remade no longer stand */
    char t[11];
    duty_format_date(today, t);
    rc = db_run(w, e,
                "UPDATE duty_swap SET state = 'cancelled', decided_at = ? WHERE state = 'pending' AND shift_id IN "
                "(SELECT id FROM duty_shift WHERE org_id = ? AND month = ? AND day >= ?)",
                "iiss", now, org_id, month, t);
    if (rc < 0) return rc;
  }
  for (size_t i = 0; i < nd; i++) {
    if (fixed[i] != -1) continue;
    char d[11];
    duty_format_date(days[i], d);
    long long uid = assign[i] >= 0 ? cadre_ids[assign[i]] : 0;
    const char *kind = kinds[i] == DK_WORKDAY ? "duty" : "oncall";
    long long have = 0;
    rc = db_scalar_int(w, e, &have, 0, "SELECT count(*) FROM duty_shift WHERE org_id = ? AND day = ?", "is", org_id, d);
    if (rc) return rc;
    rc = have ? db_run(w, e, "UPDATE duty_shift SET user_id = ?, kind = ?, day_kind = ? WHERE org_id = ? AND day = ?",
                       "zssis", uid, kind, duty_day_kind_key(kinds[i]), org_id, d)
              : db_run(w, e,
                       "INSERT INTO duty_shift(org_id, day, month, kind, day_kind, user_id, created_at) "
                       "VALUES(?, ?, ?, ?, ?, ?, ?)",
                       "isssszi", org_id, d, month, kind, duty_day_kind_key(kinds[i]), uid, now);
    if (rc < 0) return rc;
    out->shifts++;
    if (!uid) out->unfilled++;
  }
  buf logins = BUF_INIT;
  for (size_t c = 0; c < nc; c++) {
    zd_error ignore;
    db_stmt *s = db_query(w, &ignore, "SELECT login FROM users WHERE id = ?", "i", cadre_ids[c]);
    if (s && db_step(s, &ignore) == DB_ROW) buf_printf(&logins, "%r%r", c ? "," : "", db_col_text(s, 0));
    db_done(s);
  }
  rc = exists ? db_run(w, e, "UPDATE duty_roster SET cadres = ?, generated_by = ?, generated_at = ? WHERE org_id = ? AND month = ?",
                       "ssiis", buf_str(&logins), actor, now, org_id, month)
              : db_run(w, e, "INSERT INTO duty_roster(org_id, month, cadres, generated_by, generated_at) VALUES(?, ?, ?, ?, ?)",
                       "isssi", org_id, month, buf_str(&logins), actor, now);
  if (rc >= 0) {
    char obj[64];
    snprintf(obj, sizeof obj, "duty_roster:%lld:%s", org_id, month);
    buf a = BUF_INIT;
    buf_printf(&a, "{\"month\":\"%j\",\"cadres\":\"%j\",\"shifts\":%zu,\"unfilled\":%zu,\"replace\":%d}", month,
               buf_str(&logins), out->shifts, out->unfilled, exists);
    rc = audit_append(w, actor, "duty.roster.generate", obj, org_id, "", buf_str(&a), e);
    buf_free(&a);
  }
  buf_free(&logins);
  out->replaced = exists;
  return done_rc(rc);
}

/* ------------------------------------------------------------------ swaps */

/* May user take day: not on leave, and no shift that day but the ones being exchanged?
** holder: the user is the shift's holder taking the day given in return. */
static int can_take(db_conn *c, long long user_id, long long day, long long except1, long long except2, int holder,
                    zd_error *e) {
  char d[11];
  duty_format_date(day, d);
  if (duty_on_leave(c, user_id, day))
    return zd_fail(e, ZD_ECONFLICT, "%s", holder ? "The shift's holder is on leave on the day given in return."
                                                 : "The colleague is on leave that day.");
  long long n = 0;
  int rc = db_scalar_int(c, e, &n, 0, "SELECT count(*) FROM duty_shift WHERE user_id = ? AND day = ? AND id <> ? AND id <> ?",
                         "isii", user_id, d, except1, except2);
  if (rc) return rc;
  if (n > 0)
    return zd_fail(e, ZD_ECONFLICT, "%s", holder ? "The shift's holder is already on duty on the day given in return."
                                                 : "The colleague is already on duty that day.");
  return ZD_OK;
}

static int check_swap(db_conn *c, const duty_shift *a, const duty_shift *b, long long to_user, zd_error *e) {
  int rc = can_take(c, to_user, a->day, a->id, b ? b->id : 0, 0, e);
  if (!rc && b) rc = can_take(c, a->user_id, b->day, a->id, b->id, 1, e);
  return rc;
}

int duty_swap_request(db_conn *w, const char *actor, long long org_id, long long requester, int may_manage,
                      long long shift_id, long long to_user, long long with_shift_id, const char *reason, long long today,
                      long long *id, zd_error *e) {
  duty_shift a, b;
  int rc = duty_shift_get(w, shift_id, &a, e);
  if (rc == ZD_ENOTFOUND || (!rc && a.org_id != org_id)) return zd_fail(e, ZD_ENOTFOUND, "No such shift in this village.");
  if (rc) return rc;
  if (a.day < today) return zd_fail(e, ZD_ECONFLICT, "The shift is past; it cannot be swapped.");
  if (!a.user_id) return zd_fail(e, ZD_ECONFLICT, "Nobody holds this shift; make the roster again to fill it.");
  if (a.user_id != requester && !may_manage) return zd_fail(e, ZD_EFORBIDDEN, "You may ask to swap only your own shifts.");
  if (!duty_is_cadre(w, org_id, to_user)) return zd_fail(e, ZD_EINVAL, "The person named is not a cadre of this village.");
  if (to_user == a.user_id) return zd_fail(e, ZD_EINVAL, "The shift is already theirs.");
  const duty_shift *bp = NULL;
  if (with_shift_id) {
    rc = duty_shift_get(w, with_shift_id, &b, e);
    if (rc == ZD_ENOTFOUND || (!rc && b.org_id != org_id)) return zd_fail(e, ZD_ENOTFOUND, "No such shift in this village.");
    if (rc) return rc;
    if (b.user_id != to_user) return zd_fail(e, ZD_EINVAL, "The shift given in return is not the colleague's.");
    if (b.day < today) return zd_fail(e, ZD_ECONFLICT, "The shift is past; it cannot be swapped.");
    bp = &b;
  }
  if ((rc = check_swap(w, &a, bp, to_user, e))) return rc;
  long long pending = 0;
  rc = db_scalar_int(w, e, &pending, 0,
                     "SELECT count(*) FROM duty_swap WHERE state = 'pending' AND (shift_id = ? OR with_shift_id = ?)", "ii",
                     shift_id, shift_id);
  if (rc) return rc;
  if (pending) return zd_fail(e, ZD_ECONFLICT, "A swap of this shift is waiting for approval already.");
  long long now = (long long)time(NULL);
  db_stmt *s = db_query(w, e,
                        "INSERT INTO duty_swap(org_id, shift_id, with_shift_id, from_user, to_user, reason, state, "
                        "requested_by, requested_at) VALUES(?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
                        "iiziisii", org_id, shift_id, with_shift_id, a.user_id, to_user, reason ? reason : "", requester, now);
  if (!s) return e->rc;
  rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[40];
  snprintf(obj, sizeof obj, "duty_swap:%lld", *id);
  buf j = BUF_INIT;
  buf_printf(&j, "{\"shift\":%lld,\"date\":\"%j\",\"from\":%lld,\"to\":%lld,\"with_shift\":%lld}", a.id, a.date, a.user_id,
             to_user, with_shift_id);
  rc = audit_append(w, actor, "duty.swap.request", obj, org_id, "", buf_str(&j), e);
  buf_free(&j);
  return rc;
}

int duty_swap_decide(db_conn *w, const char *actor, long long org_id, long long swap_id, long long decider, int approve,
                     long long today, zd_error *e) {
  db_stmt *s = db_query(w, e,
                        "SELECT shift_id, COALESCE(with_shift_id, 0), from_user, to_user, state FROM duty_swap WHERE id = ? "
                        "AND org_id = ?", "ii", swap_id, org_id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  long long shift_id = 0, with_id = 0, from = 0, to = 0;
  char state[16] = "";
  if (rc == DB_ROW) {
    shift_id = db_col_int(s, 0);
    with_id = db_col_int(s, 1);
    from = db_col_int(s, 2);
    to = db_col_int(s, 3);
    cp(state, sizeof state, db_col_text(s, 4));
  }
  db_done(s);
  if (rc < 0) return rc;
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such swap request in this village.");
  if (strcmp(state, "pending") != 0) return zd_fail(e, ZD_ECONFLICT, "The swap request was decided already.");
  duty_shift a, b;
  if ((rc = duty_shift_get(w, shift_id, &a, e))) return rc;
  if (with_id && (rc = duty_shift_get(w, with_id, &b, e))) return rc;
  long long now = (long long)time(NULL);
  if (approve) {
    if (a.user_id != from || (with_id && b.user_id != to))
      return zd_fail(e, ZD_ECONFLICT, "The shifts changed since the request; ask again.");
    if (a.day < today || (with_id && b.day < today))
      return zd_fail(e, ZD_ECONFLICT, "The shift is past; it cannot be swapped.");
    if ((rc = check_swap(w, &a, with_id ? &b : NULL, to, e))) return rc;
    /* move in an order the one-shift-per-person-per-day rule never sees broken */
    if ((rc = db_run(w, e, "UPDATE duty_shift SET user_id = NULL WHERE id = ?", "i", a.id)) < 0) return rc;
    if (with_id && (rc = db_run(w, e, "UPDATE duty_shift SET user_id = ? WHERE id = ?", "ii", from, b.id)) < 0) return rc;
    if ((rc = db_run(w, e, "UPDATE duty_shift SET user_id = ? WHERE id = ?", "ii", to, a.id)) < 0) return rc;
  }
  rc = db_run(w, e, "UPDATE duty_swap SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?", "siii",
              approve ? "approved" : "rejected", decider, now, swap_id);
  if (rc < 0) return rc;
  char obj[40];
  snprintf(obj, sizeof obj, "duty_swap:%lld", swap_id);
  buf j = BUF_INIT;
  buf_printf(&j, "{\"state\":\"%j\",\"shift\":%lld,\"date\":\"%j\",\"from\":%lld,\"to\":%lld}", approve ? "approved" : "rejected",
             a.id, a.date, from, to);
  rc = audit_append(w, actor, approve ? "duty.swap.approve" : "duty.swap.reject", obj, org_id, "{\"state\":\"pending\"}",
                    buf_str(&j), e);
  buf_free(&j);
  return rc;
}

/* ------------------------------------------------------------------ check-in */

static void checkin_row(db_stmt *s, duty_checkin_row *c) {
  memset(c, 0, sizeof *c);
  c->id = db_col_int(s, 0);
  c->org_id = db_col_int(s, 1);
  c->user_id = db_col_int(s, 2);
  c->in_at = db_col_int(s, 3);
  c->out_at = db_col_int(s, 4);
  cp(c->out_kind, sizeof c->out_kind, db_col_text(s, 5));
  cp(c->login, sizeof c->login, db_col_text(s, 6));
  cp(c->name, sizeof c->name, db_col_text(s, 7));
  if (!c->name[0]) cp(c->name, sizeof c->name, c->login);
}

#define CHECKIN_COLS                                                                                        \
  "SELECT ci.id, ci.org_id, ci.user_id, ci.in_at, ci.out_at, ci.out_kind, u.login, u.display_name "        \
  "FROM duty_checkin ci JOIN users u ON u.id = ci.user_id "

int duty_checkin_open(db_conn *c, long long user_id, duty_checkin_row *row, zd_error *e) {
  db_stmt *s = db_query(c, e, CHECKIN_COLS "WHERE ci.user_id = ? AND ci.out_at = 0 ORDER BY ci.in_at DESC", "i", user_id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) checkin_row(s, row);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "You are not checked in.");
  return done_rc(rc);
}

static int close_checkin(db_conn *w, const char *actor, const duty_checkin_row *c, long long out, const char *kind,
                         zd_error *e) {
  int rc = db_run(w, e, "UPDATE duty_checkin SET out_at = ?, out_kind = ? WHERE id = ?", "isi", out, kind, c->id);
  if (rc < 0) return rc;
  char obj[40];
  snprintf(obj, sizeof obj, "duty_checkin:%lld", c->id);
  buf j = BUF_INIT;
  buf_printf(&j, "{\"user\":%lld,\"in_at\":%lld,\"out_at\":%lld,\"out_kind\":\"%j\"}", c->user_id, c->in_at, out, kind);
  rc = audit_append(w, actor, "duty.checkout", obj, c->org_id, "{\"out_at\":0}", buf_str(&j), e);
  buf_free(&j);
  return rc;
}

int duty_checkin_add(db_conn *w, const char *actor, long long org_id, long long user_id, long long now, long long week,
                     duty_close_fn close_of, void *arg, long long tz_off, long long *id, zd_error *e) {
  /* what is still open: here (refused unless it was forgotten) or elsewhere (closed: one place at a time) */
  for (int guard = 0; guard < 16; guard++) {
    duty_checkin_row c;
    zd_error ig;
    int rc = duty_checkin_open(w, user_id, &c, &ig);
    if (rc == ZD_ENOTFOUND) break;
    if (rc) { *e = ig; return rc; }
    int forgotten = 0;
    long long out = duty_effective_out(c.in_at, 0, now, close_of(arg, c.org_id, c.in_at), tz_off, &forgotten);
    if (c.org_id == org_id && !forgotten) {
      return zd_fail(e, ZD_ECONFLICT, "You are checked in here already.");
    }
    if ((rc = close_checkin(w, actor, &c, forgotten ? out : now, forgotten ? "auto" : "moved", e))) return rc;
  }
  db_stmt *s = db_query(w, e,
                        "INSERT INTO duty_checkin(org_id, user_id, in_at, out_at, out_kind, qr_week) VALUES(?, ?, ?, 0, '', ?) "
                        "RETURNING id", "iiii", org_id, user_id, now, week);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[40];
  snprintf(obj, sizeof obj, "duty_checkin:%lld", *id);
  buf j = BUF_INIT;
  buf_printf(&j, "{\"user\":%lld,\"in_at\":%lld,\"qr_week\":%lld}", user_id, now, week);
  rc = audit_append(w, actor, "duty.checkin", obj, org_id, "", buf_str(&j), e);
  buf_free(&j);
  if (!rc) rc = duty_status_set(w, actor, org_id, user_id, DS_ON_DUTY, "", now, e);
  return rc;
}

int duty_checkout(db_conn *w, const char *actor, long long org_id, long long user_id, long long now,
                  duty_close_fn close_of, void *arg, long long tz_off, duty_checkin_row *out, zd_error *e) {
  duty_checkin_row c;
  int rc = duty_checkin_open(w, user_id, &c, e);
  if (rc == ZD_ENOTFOUND || (!rc && c.org_id != org_id))
    return zd_fail(e, ZD_ECONFLICT, "You are not checked in at this center.");
  if (rc) return rc;
  int forgotten = 0;
  long long at = duty_effective_out(c.in_at, now, now, close_of(arg, c.org_id, c.in_at), tz_off, &forgotten);
  if ((rc = close_checkin(w, actor, &c, at, forgotten ? "auto" : "manual", e))) return rc;
  c.out_at = at;
  cp(c.out_kind, sizeof c.out_kind, forgotten ? "auto" : "manual");
  if (out) *out = c;
  return duty_status_set(w, actor, org_id, user_id, DS_OFF, "", now, e);
}

int duty_checkins(db_conn *c, long long org_id, long long from, long long to, duty_checkin_fn fn, void *arg,
                  zd_error *e) {
  db_stmt *s = db_query(c, e, CHECKIN_COLS "WHERE ci.org_id = ? AND ci.in_at >= ? AND ci.in_at < ? ORDER BY ci.in_at, ci.id",
                        "iii", org_id, from, to);
  if (!s) return e->rc;
  int rc;
  duty_checkin_row x;
  while ((rc = db_step(s, e)) == DB_ROW) {
    checkin_row(s, &x);
    fn(arg, &x);
  }
  db_done(s);
  return done_rc(rc);
}

/* ------------------------------------------------------------------ whereabouts */

int duty_status_set(db_conn *w, const char *actor, long long org_id, long long user_id, duty_status st,
                    const char *note, long long now, zd_error *e) {
  db_stmt *s = db_query(w, e, "SELECT status FROM duty_status WHERE org_id = ? AND user_id = ?", "ii", org_id, user_id);
  if (!s) return e->rc;
  char before[16] = "";
  int rc = db_step(s, e);
  if (rc == DB_ROW) cp(before, sizeof before, db_col_text(s, 0));
  db_done(s);
  if (rc < 0) return rc;
  rc = rc == DB_ROW
           ? db_run(w, e, "UPDATE duty_status SET status = ?, note = ?, set_at = ? WHERE org_id = ? AND user_id = ?", "ssiii",
                    duty_status_key(st), note ? note : "", now, org_id, user_id)
           : db_run(w, e, "INSERT INTO duty_status(org_id, user_id, status, note, set_at) VALUES(?, ?, ?, ?, ?)", "iissi",
                    org_id, user_id, duty_status_key(st), note ? note : "", now);
  if (rc < 0) return rc;
  char obj[64];
  snprintf(obj, sizeof obj, "duty_status:%lld:%lld", org_id, user_id);
  buf a = BUF_INIT, b = BUF_INIT;
  buf_printf(&b, "{\"status\":\"%j\"}", before);
  buf_printf(&a, "{\"status\":\"%j\",\"note\":\"%j\"}", duty_status_key(st), note ? note : "");
  rc = audit_append(w, actor, "duty.status", obj, org_id, buf_str(&b), buf_str(&a), e);
  buf_free(&a);
  buf_free(&b);
  return rc;
}

/* ------------------------------------------------------------------ duty log */

int duty_log_add(db_conn *w, const char *actor, long long org_id, long long by, const duty_log_entry *in,
                 long long *id, zd_error *e) {
  long long at = in->at ? in->at : (long long)time(NULL);
  db_stmt *s = db_query(w, e,
                        "INSERT INTO duty_log(org_id, at, visitor, phone, request, action, entered_by) "
                        "VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        "iissssi", org_id, at, in->visitor, in->phone, in->request, in->action, by);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[40];
  snprintf(obj, sizeof obj, "duty_log:%lld", *id);
  buf j = BUF_INIT; /* the fact; the visitor's name and phone stay in the log row */
  buf_printf(&j, "{\"at\":%lld,\"has_action\":%d}", at, in->action[0] != 0);
  rc = audit_append(w, actor, "duty.log.add", obj, org_id, "", buf_str(&j), e);
  buf_free(&j);
  return rc;
}

int duty_log_get(db_conn *c, long long id, duty_log_entry *o, zd_error *e) {
  db_stmt *s = db_query(c, e,
                        "SELECT l.id, l.org_id, l.at, l.visitor, l.phone, l.request, l.action, l.entered_by, l.appeal_number, "
                        "COALESCE(u.login, '') FROM duty_log l LEFT JOIN users u ON u.id = l.entered_by WHERE l.id = ?",
                        "i", id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    memset(o, 0, sizeof *o);
    o->id = db_col_int(s, 0);
    o->org_id = db_col_int(s, 1);
    o->at = db_col_int(s, 2);
    cp(o->visitor, sizeof o->visitor, db_col_text(s, 3));
    cp(o->phone, sizeof o->phone, db_col_text(s, 4));
    cp(o->request, sizeof o->request, db_col_text(s, 5));
    cp(o->action, sizeof o->action, db_col_text(s, 6));
    o->entered_by = db_col_int(s, 7);
    cp(o->appeal, sizeof o->appeal, db_col_text(s, 8));
    cp(o->entered_login, sizeof o->entered_login, db_col_text(s, 9));
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such duty-log entry.");
  return done_rc(rc);
}

int duty_log_link_appeal(db_conn *w, const char *actor, const duty_log_entry *en, const char *number, zd_error *e) {
  int rc = db_run(w, e, "UPDATE duty_log SET appeal_number = ? WHERE id = ? AND appeal_number = ''", "si", number, en->id);
  if (rc < 0) return rc;
  char obj[40];
  snprintf(obj, sizeof obj, "duty_log:%lld", en->id);
  buf j = BUF_INIT;
  buf_printf(&j, "{\"appeal\":\"%j\"}", number);
  rc = audit_append(w, actor, "duty.log.to_appeal", obj, en->org_id, "{\"appeal\":\"\"}", buf_str(&j), e);
  buf_free(&j);
  return rc;
}

/* ------------------------------------------------------------------ posts and deeds */

int duty_post_get(db_conn *c, long long id, duty_post *p, zd_error *e) {
  db_stmt *s = db_query(c, e, "SELECT id, org_id, kind, title, holder, hours, active FROM duty_post WHERE id = ?", "i", id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    memset(p, 0, sizeof *p);
    p->id = db_col_int(s, 0);
    p->org_id = db_col_int(s, 1);
    int k = duty_post_kind_parse(db_col_text(s, 2));
    p->kind = k < 0 ? DP_CONVENIENCE : (duty_post_kind)k;
    cp(p->title, sizeof p->title, db_col_text(s, 3));
    cp(p->holder, sizeof p->holder, db_col_text(s, 4));
    cp(p->hours, sizeof p->hours, db_col_text(s, 5));
    p->active = (int)db_col_int(s, 6);
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such post.");
  return done_rc(rc);
}

static void post_json(buf *j, const duty_post *p) {
  buf_printf(j, "{\"kind\":\"%j\",\"title\":\"%j\",\"holder\":\"%j\",\"hours\":\"%j\",\"active\":%d}",
             duty_post_kind_key(p->kind), p->title, p->holder, p->hours, p->active);
}

int duty_post_save(db_conn *w, const char *actor, duty_post *p, zd_error *e) {
  long long now = (long long)time(NULL);
  buf before = BUF_INIT, after = BUF_INIT;
  int rc;
  if (p->id) {
    duty_post old;
    if ((rc = duty_post_get(w, p->id, &old, e))) return rc;
    post_json(&before, &old);
    rc = db_run(w, e, "UPDATE duty_post SET kind = ?, title = ?, holder = ?, hours = ?, active = ?, updated_at = ? WHERE id = ?",
                "ssssdii", duty_post_kind_key(p->kind), p->title, p->holder, p->hours, p->active, now, p->id);
  } else {
    db_stmt *s = db_query(w, e,
                          "INSERT INTO duty_post(org_id, kind, title, holder, hours, active, created_at, updated_at) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          "issssdii", p->org_id, duty_post_kind_key(p->kind), p->title, p->holder, p->hours, p->active, now, now);
    if (!s) return e->rc;
    rc = db_step(s, e);
    if (rc == DB_ROW) p->id = db_col_int(s, 0);
    db_done(s);
  }
  if (rc >= 0) {
    char obj[40];
    snprintf(obj, sizeof obj, "duty_post:%lld", p->id);
    post_json(&after, p);
    rc = audit_append(w, actor, before.len ? "duty.post.update" : "duty.post.create", obj, p->org_id, buf_str(&before),
                      buf_str(&after), e);
  }
  buf_free(&before);
  buf_free(&after);
  return done_rc(rc);
}

int duty_deed_get(db_conn *c, long long id, duty_deed *d, zd_error *e) {
  db_stmt *s = db_query(c, e, "SELECT id, org_id, title, owner, promised_on, done_on, is_public FROM duty_deed WHERE id = ?",
                        "i", id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    memset(d, 0, sizeof *d);
    d->id = db_col_int(s, 0);
    d->org_id = db_col_int(s, 1);
    cp(d->title, sizeof d->title, db_col_text(s, 2));
    cp(d->owner, sizeof d->owner, db_col_text(s, 3));
    duty_parse_date(db_col_text(s, 4), &d->promised);
    if (!duty_parse_date(db_col_text(s, 5), &d->done)) d->done = 0;
    d->is_public = (int)db_col_int(s, 6);
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such deed.");
  return done_rc(rc);
}

static void deed_json(buf *j, const duty_deed *d) {
  char p[11], dn[11] = "";
  duty_format_date(d->promised, p);
  if (d->done) duty_format_date(d->done, dn);
  buf_printf(j, "{\"title\":\"%j\",\"owner\":\"%j\",\"promised\":\"%j\",\"done\":\"%j\",\"public\":%d}", d->title, d->owner, p,
             dn, d->is_public);
}

int duty_deed_save(db_conn *w, const char *actor, duty_deed *d, zd_error *e) {
  char p[11], dn[11] = "";
  duty_format_date(d->promised, p);
  if (d->done) duty_format_date(d->done, dn);
  buf before = BUF_INIT, after = BUF_INIT;
  int rc;
  if (d->id) {
    duty_deed old;
    if ((rc = duty_deed_get(w, d->id, &old, e))) return rc;
    deed_json(&before, &old);
    rc = db_run(w, e, "UPDATE duty_deed SET title = ?, owner = ?, promised_on = ?, done_on = ?, is_public = ? WHERE id = ?",
                "ssssdi", d->title, d->owner, p, dn, d->is_public, d->id);
  } else {
    db_stmt *s = db_query(w, e,
                          "INSERT INTO duty_deed(org_id, title, owner, promised_on, done_on, is_public, created_at) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          "issssdi", d->org_id, d->title, d->owner, p, dn, d->is_public, (long long)time(NULL));
    if (!s) return e->rc;
    rc = db_step(s, e);
    if (rc == DB_ROW) d->id = db_col_int(s, 0);
    db_done(s);
  }
  if (rc >= 0) {
    char obj[40];
    snprintf(obj, sizeof obj, "duty_deed:%lld", d->id);
    deed_json(&after, d);
    rc = audit_append(w, actor, before.len ? "duty.deed.update" : "duty.deed.create", obj, d->org_id, buf_str(&before),
                      buf_str(&after), e);
  }
  buf_free(&before);
  buf_free(&after);
  return done_rc(rc);
}

/* ------------------------------------------------------------------ calendar feed tokens */

int duty_feed_create(db_conn *w, const char *actor, long long user_id, char *token, size_t n, zd_error *e) {
  char h[65];
  ident_random_token(token, n);
  ident_token_hash(token, h);
  long long now = (long long)time(NULL), have = 0;
  int rc = db_scalar_int(w, e, &have, 0, "SELECT count(*) FROM duty_feed WHERE user_id = ?", "i", user_id);
  if (rc) return rc;
  rc = have ? db_run(w, e, "UPDATE duty_feed SET token_hash = ?, created_at = ? WHERE user_id = ?", "sii", h, now, user_id)
            : db_run(w, e, "INSERT INTO duty_feed(user_id, token_hash, created_at) VALUES(?, ?, ?)", "isi", user_id, h, now);
  if (rc < 0) return rc;
  char obj[40];
  snprintf(obj, sizeof obj, "duty_feed:%lld", user_id);
  return audit_append(w, actor, have ? "duty.feed.renew" : "duty.feed.create", obj, 0, "", "{}", e);
}

int duty_feed_user(db_conn *c, const char *token, long long *user_id, char *login, zd_error *e) {
  if (!token || !*token || strlen(token) > 100) return zd_fail(e, ZD_ENOTFOUND, "No such calendar.");
  char h[65];
  ident_token_hash(token, h);
  db_stmt *s = db_query(c, e,
                        "SELECT u.id, u.login FROM duty_feed f JOIN users u ON u.id = f.user_id WHERE f.token_hash = ? "
                        "AND u.disabled = 0", "s", h);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    *user_id = db_col_int(s, 0);
    cp(login, 65, db_col_text(s, 1));
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No such calendar.");
  return done_rc(rc);
}
