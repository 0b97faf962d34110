/* test_duty_rules.c — the pure rules of 管 duty (src/modules/duty/duty_rules.c,
** duty_ics.c): calendar arithmetic, the rotation (fairness within ±1 over many
** months and cadre counts, nobody in two places at once, leave respected,
** holidays and make-up workdays, optimality: no cost-reducing path), QR secrets
** (valid now and one week back, not two back, not forged, not another center's),
** coverage at month and day edges (a check-in spanning midnight, a forgotten
** check-out), opening-hours parsing, whereabouts, deeds, iCalendar text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/duty/duty.h"
#include "platform/buf.h"
#include "platform/err.h"

#define CN (8 * 3600LL) /* China: UTC+8 */

static long long D(const char *s) {
  long long d = 0;
  if (!duty_parse_date(s, &d)) fail_msg("bad date %s", s);
  return d;
}

/* ------------------------------------------------------------------ calendar */

static void calendar_round_trip(void **state) {
  (void)state;
  assert_int_equal(duty_day_from_civil(1970, 1, 1), 0);
  assert_int_equal(duty_weekday(0), 4); /* a Thursday */
  assert_int_equal(duty_weekday(D("2026-11-30")), 1);
  assert_int_equal(duty_weekday(D("2026-11-29")), 7);
  assert_int_equal(duty_weekday(D("2000-01-01")), 6);
  for (long long d = D("2000-01-01"); d <= D("2099-12-31"); d += 17) {
    int y, m, dd;
    duty_civil_from_day(d, &y, &m, &dd);
    assert_int_equal(duty_day_from_civil(y, m, dd), d);
    char s[11];
    duty_format_date(d, s);
    assert_int_equal(D(s), d);
  }
  assert_int_equal(duty_month_length(2024, 2), 29);
  assert_int_equal(duty_month_length(2026, 2), 28);
  assert_int_equal(duty_month_length(2000, 2), 29);
  assert_int_equal(duty_month_length(2100, 2), 28);
  assert_int_equal(duty_month_length(2026, 11), 30);
}

static void month_and_date_parsing(void **state) {
  (void)state;
  int y, m;
  assert_true(duty_parse_month("2026-11", &y, &m));
  assert_int_equal(y, 2026);
  assert_int_equal(m, 11);
  const char *bad[] = {"2026-13", "2026-00", "2026-1", "26-11", "2026/11", "2026-11-01", "", "2026-1a", "1999-12",
                       "2100-01", " 2026-11", "2026-11 ", "２０２６-11"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (duty_parse_month(bad[i], &y, &m)) fail_msg("month %s accepted", bad[i]);
  assert_false(duty_parse_month(NULL, &y, &m));
  long long d;
  const char *bad_dates[] = {"2026-02-29", "2026-13-01", "2026-04-31", "2026-11-00", "2026-11-1", "2026-11-01x", "x"};
  for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++)
    if (duty_parse_date(bad_dates[i], &d)) fail_msg("date %s accepted", bad_dates[i]);
  assert_true(duty_parse_date("2024-02-29", &d));
}

static void local_days(void **state) {
  (void)state;
  long long start = duty_day_start(D("2026-11-29"), CN);
  assert_int_equal(duty_local_day(start, CN), D("2026-11-29"));
  assert_int_equal(duty_local_day(start - 1, CN), D("2026-11-28"));
  assert_int_equal(duty_local_day(start + 86399, CN), D("2026-11-29"));
  /* 16:00 UTC is already the next day in China */
  assert_int_equal(duty_local_day(D("2026-11-28") * 86400 + 16 * 3600, CN), D("2026-11-29"));
  assert_int_equal(duty_local_day(-1, 0), -1);
}

static void day_kinds_and_holidays(void **state) {
  (void)state;
  duty_holiday h[] = {{D("2026-10-01"), 1}, {D("2026-10-10"), 0}, {D("2026-10-05"), 1}};
  assert_int_equal(duty_day_kind_of(D("2026-10-01"), h, 3), DK_HOLIDAY); /* a Thursday off */
  assert_int_equal(duty_day_kind_of(D("2026-10-10"), h, 3), DK_WORKDAY); /* a Saturday at work (调休) */
  assert_int_equal(duty_day_kind_of(D("2026-10-11"), h, 3), DK_WEEKEND);
  assert_int_equal(duty_day_kind_of(D("2026-10-12"), h, 3), DK_WORKDAY);
  /* a nearer calendar (later in the list) wins */
  duty_holiday h2[] = {{D("2026-10-12"), 1}, {D("2026-10-12"), 0}};
  assert_int_equal(duty_day_kind_of(D("2026-10-12"), h2, 2), DK_WORKDAY);
  for (int k = 0; k < DK_COUNT; k++) assert_int_equal(duty_day_kind_parse(duty_day_kind_key((duty_day_kind)k)), k);
}

/* ------------------------------------------------------------------ opening hours */

static void hours_parse_demo_form(void **state) {
  (void)state;
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t n;
  const char *why;
  assert_int_equal(duty_hours_parse("周一至周五 8:30–12:00, 14:30–18:00", iv, DUTY_MAX_INTERVALS, &n, &why), ZD_OK);
  assert_int_equal(n, 10);
  assert_int_equal(iv[0].weekday, 1);
  assert_int_equal(iv[0].start, 8 * 60 + 30);
  assert_int_equal(iv[0].end, 12 * 60);
  assert_int_equal(iv[1].start, 14 * 60 + 30);
  assert_int_equal(iv[9].weekday, 5);
  buf b = BUF_INIT;
  duty_hours_format(iv, n, &b);
  assert_string_equal(buf_str(&b), "周一至周五 8:30–12:00, 14:30–18:00");
  buf_free(&b);
  /* variants: separators, lists, Saturday, several groups */
  assert_int_equal(duty_hours_parse("周一、周三 9:00-11:30；周六 9:00~12:00", iv, DUTY_MAX_INTERVALS, &n, &why), ZD_OK);
  assert_int_equal(n, 3);
  assert_int_equal(iv[2].weekday, 6);
  b = (buf)BUF_INIT;
  duty_hours_format(iv, n, &b);
  assert_string_equal(buf_str(&b), "周一、周三 9:00–11:30; 周六 9:00–12:00");
  buf_free(&b);
  assert_int_equal(duty_hours_parse("Mon-Fri 8:30-17:00", iv, DUTY_MAX_INTERVALS, &n, &why), ZD_OK);
  assert_int_equal(n, 5);
  assert_int_equal(duty_hours_parse("每天 0:00–24:00", iv, DUTY_MAX_INTERVALS, &n, &why), ZD_OK);
  assert_int_equal(n, 7);
  assert_int_equal(iv[6].end, 1440);
  const char *bad[] = {"8:30–12:00", "周一至周五", "周一至周五 12:00–8:30", "周一至周五 8:30–12:00, 11:00–13:00",
                       "周五至周一 8:00–9:00", "周一 25:00–26:00", "周一 8:3–9:00", "周一 8:30", "周八 8:00–9:00",
                       "周一 8:00–9:00 很早"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (duty_hours_parse(bad[i], iv, DUTY_MAX_INTERVALS, &n, &why) == ZD_OK) fail_msg("hours \"%s\" accepted", bad[i]);
    else assert_non_null(why);
}

static void day_opening_spans(void **state) {
  (void)state;
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t n;
  const char *why;
  duty_hours_parse("周一至周五 8:30–12:00, 14:30–18:00", iv, DUTY_MAX_INTERVALS, &n, &why);
  duty_span sp[8];
  long long mon = D("2026-11-30"), base = duty_day_start(mon, CN);
  assert_int_equal(duty_day_opening(mon, DK_WORKDAY, iv, n, CN, sp, 8), 2);
  assert_int_equal(sp[0].from, base + 8 * 3600 + 1800);
  assert_int_equal(sp[1].to, base + 18 * 3600);
  assert_int_equal(duty_day_opening(mon, DK_HOLIDAY, iv, n, CN, sp, 8), 0);
  assert_int_equal(duty_day_opening(D("2026-11-29"), DK_WEEKEND, iv, n, CN, sp, 8), 0);
  /* a make-up Saturday opens like Monday */
  long long sat = D("2026-10-10");
  assert_int_equal(duty_day_opening(sat, DK_WORKDAY, iv, n, CN, sp, 8), 2);
  assert_int_equal(sp[0].from, duty_day_start(sat, CN) + 8 * 3600 + 1800);
}

/* ------------------------------------------------------------------ rotation */

typedef struct month_case {
  long long days[31];
  duty_day_kind kinds[31];
  size_t nd;
} month_case;

static void month_of(int y, int m, const duty_holiday *h, size_t nh, month_case *mc) {
  mc->nd = (size_t)duty_month_length(y, m);
  for (size_t i = 0; i < mc->nd; i++) {
    mc->days[i] = duty_day_from_civil(y, m, (int)i + 1);
    mc->kinds[i] = duty_day_kind_of(mc->days[i], h, nh);
  }
}

static void counts_of(const duty_rotation *in, const int *a, int *load, int *oncall) {
  memset(load, 0, sizeof(int) * DUTY_MAX_CADRES);
  memset(oncall, 0, sizeof(int) * DUTY_MAX_CADRES);
  for (size_t i = 0; i < in->ndays; i++)
    if (a[i] >= 0) {
      load[a[i]]++;
      oncall[a[i]] += in->kinds[i] != DK_WORKDAY;
    }
}

static int spread(const int *x, size_t n) {
  int lo = x[0], hi = x[0];
  for (size_t i = 1; i < n; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  return hi - lo;
}

/* Every day has exactly one cadre, who is not busy that day. */
static void assert_valid(const duty_rotation *in, const int *a) {
  for (size_t i = 0; i < in->ndays; i++) {
    int f = in->fixed ? in->fixed[i] : -1;
    if (f >= 0) { assert_int_equal(a[i], f); continue; }
    if (f == -2) { assert_int_equal(a[i], -2); continue; }
    int anyone = 0;
    for (size_t c = 0; c < in->ncadres; c++) anyone |= !(in->busy && in->busy[c * in->ndays + i]);
    if (!anyone) { assert_int_equal(a[i], -1); continue; }
    assert_true(a[i] >= 0 && (size_t)a[i] < in->ncadres);
    if (in->busy && in->busy[(size_t)a[i] * in->ndays + i]) fail_msg("day %zu given to cadre %d who is busy", i, a[i]);
  }
}

static void fairness_without_leave(void **state) {
  (void)state;
  duty_holiday h[] = {{D("2026-10-01"), 1}, {D("2026-10-02"), 1}, {D("2026-10-05"), 1}, {D("2026-10-06"), 1},
                      {D("2026-10-07"), 1}, {D("2026-10-10"), 0}, {D("2026-09-20"), 0}};
  int months = 0;
  for (int y = 2025; y <= 2027; y++)
    for (int m = 1; m <= 12; m++)
      for (size_t k = 1; k <= 12; k++) {
        month_case mc;
        month_of(y, m, h, 7, &mc);
        duty_rotation in = {mc.nd, k, mc.days, mc.kinds, NULL, NULL};
        int a[31], load[DUTY_MAX_CADRES], oncall[DUTY_MAX_CADRES];
        assert_int_equal(duty_rotate(&in, a), ZD_OK);
        assert_valid(&in, a);
        counts_of(&in, a, load, oncall);
        if (spread(load, k) > 1) fail_msg("%d-%02d, %zu cadres: shift counts differ by %d", y, m, k, spread(load, k));
        if (spread(oncall, k) > 1) fail_msg("%d-%02d, %zu cadres: on-call counts differ by %d", y, m, k, spread(oncall, k));
        assert_false(duty_rotation_improvable(&in, a));
        /* with three or more cadres nobody works two days in a row (two cadres alternate,
        ** and evening out their on-call days may take two days running) */
        if (k >= 3)
          for (size_t i = 1; i < mc.nd; i++)
            if (a[i] == a[i - 1]) fail_msg("%d-%02d, %zu cadres: cadre %d on days %zu and %zu", y, m, k, a[i], i, i + 1);
        /* deterministic */
        int b[31];
        duty_rotate(&in, b);
        assert_memory_equal(a, b, sizeof(int) * mc.nd);
        months++;
      }
  assert_int_equal(months, 3 * 12 * 12);
}

static unsigned lcg(unsigned *s) { return *s = *s * 1103515245u + 12345u, (*s >> 16) & 0x7fff; }

static void leave_and_elsewhere_respected(void **state) {
  (void)state;
  unsigned seed = 7;
  int feasible_checked = 0;
  for (int trial = 0; trial < 600; trial++) {
    int y = 2026, m = 1 + trial % 12;
    size_t k = 2 + (size_t)(trial % 9);
    month_case mc;
    month_of(y, m, NULL, 0, &mc);
    unsigned char busy[DUTY_MAX_CADRES * 31];
    memset(busy, 0, sizeof busy);
    /* leave blocks of 1..6 days for some cadres, and a few single days on duty elsewhere */
    for (size_t c = 0; c < k; c++) {
      if (lcg(&seed) % 3 == 0) {
        size_t from = lcg(&seed) % mc.nd, len = 1 + lcg(&seed) % 6;
        for (size_t i = from; i < from + len && i < mc.nd; i++) busy[c * mc.nd + i] = 1;
      }
      if (lcg(&seed) % 4 == 0) busy[c * mc.nd + lcg(&seed) % mc.nd] = 1;
    }
    duty_rotation in = {mc.nd, k, mc.days, mc.kinds, NULL, busy};
    int a[31], load[DUTY_MAX_CADRES], oncall[DUTY_MAX_CADRES];
    assert_int_equal(duty_rotate(&in, a), ZD_OK);
    assert_valid(&in, a); /* nobody on leave or elsewhere is chosen; every day someone */
    /* optimal balance: no chain of reassignments can even out the loads further */
    assert_false(duty_rotation_improvable(&in, a));
    counts_of(&in, a, load, oncall);
    /* when each cadre is free on at least ceil(days / cadres) + 6 days, ±1 is reachable and reached */
    size_t need = (mc.nd + k - 1) / k + 6, ok = 1;
    for (size_t c = 0; c < k; c++) {
      size_t free_days = 0;
      for (size_t i = 0; i < mc.nd; i++) free_days += !busy[c * mc.nd + i];
      ok &= free_days >= need;
    }
    if (ok) {
      feasible_checked++;
      if (spread(load, k) > 1) fail_msg("trial %d: counts differ by %d though everyone is free enough", trial, spread(load, k));
    }
  }
  assert_true(feasible_checked > 300);
}

static void leave_whole_month_and_all_away(void **state) {
  (void)state;
  month_case mc;
  month_of(2026, 11, NULL, 0, &mc);
  unsigned char busy[3 * 31];
  memset(busy, 0, sizeof busy);
  for (size_t i = 0; i < mc.nd; i++) busy[0 * mc.nd + i] = 1; /* cadre 0 away the whole month */
  duty_rotation in = {mc.nd, 3, mc.days, mc.kinds, NULL, busy};
  int a[31], load[DUTY_MAX_CADRES], oncall[DUTY_MAX_CADRES];
  assert_int_equal(duty_rotate(&in, a), ZD_OK);
  assert_valid(&in, a);
  counts_of(&in, a, load, oncall);
  assert_int_equal(load[0], 0);
  assert_true(abs(load[1] - load[2]) <= 1);
  assert_int_equal(load[1] + load[2], 30);
  /* on days when everyone is away nobody is put on the roster */
  for (size_t i = 10; i < 13; i++) busy[1 * mc.nd + i] = busy[2 * mc.nd + i] = 1;
  assert_int_equal(duty_rotate(&in, a), ZD_OK);
  assert_valid(&in, a);
  for (size_t i = 10; i < 13; i++) assert_int_equal(a[i], -1);
  /* no cadres: refused */
  duty_rotation none = {mc.nd, 0, mc.days, mc.kinds, NULL, NULL};
  assert_int_equal(duty_rotate(&none, a), ZD_EINVAL);
}

/* Two villages that share a cadre: the second roster, generated with the first
** one's days marked busy, never puts that cadre in two places on one day. */
static void shared_cadre_two_villages(void **state) {
  (void)state;
  month_case mc;
  month_of(2026, 12, NULL, 0, &mc);
  int a1[31], a2[31];
  duty_rotation v1 = {mc.nd, 3, mc.days, mc.kinds, NULL, NULL}; /* cadres A B S */
  assert_int_equal(duty_rotate(&v1, a1), ZD_OK);
  unsigned char busy[2 * 31];
  memset(busy, 0, sizeof busy);
  for (size_t i = 0; i < mc.nd; i++) busy[1 * mc.nd + i] = a1[i] == 2; /* S is cadre 1 in village 2 */
  duty_rotation v2 = {mc.nd, 2, mc.days, mc.kinds, NULL, busy};
  assert_int_equal(duty_rotate(&v2, a2), ZD_OK);
  for (size_t i = 0; i < mc.nd; i++)
    if (a1[i] == 2 && a2[i] == 1) fail_msg("the shared cadre is in both villages on day %zu", i + 1);
  assert_false(duty_rotation_improvable(&v2, a2));
}

static void regenerate_keeps_past_days(void **state) {
  (void)state;
  month_case mc;
  month_of(2026, 11, NULL, 0, &mc);
  int fixed[31], a[31], load[DUTY_MAX_CADRES], oncall[DUTY_MAX_CADRES];
  /* the first ten days were all cadre 0's (kept), day 11 was an outsider's (skipped) */
  for (size_t i = 0; i < mc.nd; i++) fixed[i] = i < 10 ? 0 : i == 10 ? -2 : -1;
  duty_rotation in = {mc.nd, 3, mc.days, mc.kinds, fixed, NULL};
  assert_int_equal(duty_rotate(&in, a), ZD_OK);
  assert_valid(&in, a);
  counts_of(&in, a, load, oncall);
  assert_int_equal(load[0], 10); /* nothing more for cadre 0 while the others catch up */
  assert_true(abs(load[1] - load[2]) <= 1);
  assert_int_equal(load[0] + load[1] + load[2], 29);
  assert_false(duty_rotation_improvable(&in, a));
}

/* ------------------------------------------------------------------ QR secrets */

static void qr_weeks(void **state) {
  (void)state;
  long long mon = duty_day_start(D("2026-11-30"), CN);
  assert_int_equal(duty_qr_week(mon, CN), duty_qr_week(mon + 7 * 86400 - 1, CN));
  assert_int_equal(duty_qr_week(mon - 1, CN) + 1, duty_qr_week(mon, CN)); /* Sunday 23:59:59 → Monday */
  assert_int_equal(duty_qr_week_start(duty_qr_week(mon + 3 * 86400, CN), CN), mon);
  assert_int_equal(duty_weekday(duty_local_day(duty_qr_week_start(duty_qr_week(0, 0), 0), 0)), 1);
}

static void qr_secret_rotation(void **state) {
  (void)state;
  unsigned char key[32], other[32];
  for (int i = 0; i < 32; i++) { key[i] = (unsigned char)(i * 7 + 1); other[i] = (unsigned char)(i * 7 + 2); }
  long long center = 4, now = duty_day_start(D("2026-11-26"), CN) + 10 * 3600, w = duty_qr_week(now, CN), got = 0;
  char s0[DUTY_SECRET_LEN + 1], s1[DUTY_SECRET_LEN + 1], s2[DUTY_SECRET_LEN + 1], s3[DUTY_SECRET_LEN + 1];
  duty_qr_secret(key, center, w, s0);
  duty_qr_secret(key, center, w - 1, s1);
  duty_qr_secret(key, center, w - 2, s2);
  duty_qr_secret(key, center, w + 1, s3);
  assert_int_equal(strlen(s0), DUTY_SECRET_LEN);
  assert_string_not_equal(s0, s1);
  assert_string_not_equal(s1, s2);
  /* this week's and last week's are good; the one before, next week's, forged ones are not */
  assert_true(duty_qr_check(key, center, now, CN, s0, &got));
  assert_int_equal(got, w);
  assert_true(duty_qr_check(key, center, now, CN, s1, &got));
  assert_int_equal(got, w - 1);
  assert_false(duty_qr_check(key, center, now, CN, s2, NULL));
  assert_false(duty_qr_check(key, center, now, CN, s3, NULL));
  char upper[DUTY_SECRET_LEN + 1];
  for (int i = 0; i <= DUTY_SECRET_LEN; i++) upper[i] = (char)(s0[i] >= 'a' && s0[i] <= 'f' ? s0[i] - 32 : s0[i]);
  assert_true(duty_qr_check(key, center, now, CN, upper, NULL)); /* typed from paper */
  char forged[DUTY_SECRET_LEN + 1];
  memcpy(forged, s0, sizeof forged);
  forged[5] = forged[5] == '0' ? '1' : '0';
  assert_false(duty_qr_check(key, center, now, CN, forged, NULL));
  assert_false(duty_qr_check(key, center + 1, now, CN, s0, NULL)); /* another center's code */
  assert_false(duty_qr_check(other, center, now, CN, s0, NULL));  /* another server's key */
  const char *junk[] = {"", "abc", "zzzzzzzzzzzzzzzzzzzz", "0123456789abcdef01234", NULL};
  for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) assert_false(duty_qr_check(key, center, now, CN, junk[i], NULL));
  /* at the week's edge: last week's code still works on Monday 00:00, and dies a week later */
  long long mon = duty_qr_week_start(w + 1, CN);
  assert_true(duty_qr_check(key, center, mon, CN, s0, NULL));
  assert_true(duty_qr_check(key, center, mon + 7 * 86400 - 1, CN, s0, NULL));
  assert_false(duty_qr_check(key, center, mon + 7 * 86400, CN, s0, NULL));
  /* HMAC-SHA-512-256 of the documented message: the first 10 bytes, hex */
  unsigned char mac[crypto_auth_BYTES];
  char msg[80];
  int n = snprintf(msg, sizeof msg, "zhendi:duty-qr:v1:%lld:%lld", center, w);
  crypto_auth(mac, (const unsigned char *)msg, (unsigned long long)n, key);
  char hex[crypto_auth_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  assert_memory_equal(hex, s0, DUTY_SECRET_LEN);
}

/* ------------------------------------------------------------------ coverage */

static duty_span S(long long a, long long b) { return (duty_span){a, b}; }

static void covered_arithmetic(void **state) {
  (void)state;
  duty_span open[] = {S(100, 200), S(300, 400)};
  duty_span p1[] = {S(150, 350)};
  assert_int_equal(duty_covered(open, 2, p1, 1), 50 + 50);
  duty_span p2[] = {S(0, 1000)};
  assert_int_equal(duty_covered(open, 2, p2, 1), 200);
  duty_span p3[] = {S(120, 180), S(130, 170), S(170, 190), S(390, 500)}; /* overlapping people count once */
  assert_int_equal(duty_covered(open, 2, p3, 4), 70 + 10);
  duty_span p4[] = {S(200, 300), S(400, 401), S(0, 100)}; /* touching the edges only */
  assert_int_equal(duty_covered(open, 2, p4, 3), 0);
  duty_span p5[] = {S(160, 150)}; /* an empty span */
  assert_int_equal(duty_covered(open, 2, p5, 1), 0);
  assert_int_equal(duty_covered(open, 2, NULL, 0), 0);
  assert_int_equal(duty_covered(NULL, 0, p1, 1), 0);
}

/* Opening spans of days first..last for hours `iv`, clipped to [from, to). */
static size_t spans_between(const duty_interval *iv, size_t n, long long first, long long last, duty_span *out) {
  size_t k = 0;
  for (long long d = first; d <= last; d++) k += duty_day_opening(d, DK_WORKDAY, iv, n, CN, out + k, 8);
  return k;
}

static void coverage_month_and_day_edges(void **state) {
  (void)state;
  /* a center open late evening and just after midnight every day */
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t n;
  const char *why;
  assert_int_equal(duty_hours_parse("每天 0:00–2:00, 20:00–24:00", iv, DUTY_MAX_INTERVALS, &n, &why), ZD_OK);
  long long oct31 = D("2026-10-31"), nov1 = D("2026-11-01");
  long long in = duty_day_start(oct31, CN) + 22 * 3600, out = duty_day_start(nov1, CN) + 1 * 3600;
  int forgotten = 1;
  /* 22:00 → 01:00 with a check-out: 3 hours, honoured across midnight */
  assert_int_equal(duty_effective_out(in, out, out + 86400, duty_day_start(nov1, CN), CN, &forgotten), out);
  assert_false(forgotten);
  duty_span pres[] = {S(in, out)};
  duty_span oct[8], nov[8];
  size_t no = spans_between(iv, n, oct31, oct31, oct), nn = spans_between(iv, n, nov1, nov1, nov);
  assert_int_equal(duty_covered(oct, no, pres, 1), 2 * 3600); /* October: 22:00–24:00 */
  assert_int_equal(duty_covered(nov, nn, pres, 1), 1 * 3600); /* November: 00:00–01:00 */
  /* the months' opening time adds up: 6 h a day */
  duty_span all[8 * 31];
  assert_int_equal(spans_between(iv, n, nov1, D("2026-11-30"), all), 60);
  long long total = 0;
  for (size_t i = 0; i < 60; i++) total += all[i].to - all[i].from;
  assert_int_equal(total, 30 * 6 * 3600);
}

static void forgotten_checkouts(void **state) {
  (void)state;
  long long day = D("2026-11-24"), base = duty_day_start(day, CN), close = base + 18 * 3600;
  int forgotten = 0;
  long long in = base + 8 * 3600 + 25 * 60;
  /* still open during the day: counts until now */
  assert_int_equal(duty_effective_out(in, 0, base + 11 * 3600, close, CN, &forgotten), base + 11 * 3600);
  assert_false(forgotten);
  /* never checked out: counts until the day's closing time, not beyond */
  assert_int_equal(duty_effective_out(in, 0, base + 3 * 86400, close, CN, &forgotten), close);
  assert_true(forgotten);
  /* checked out the next morning (25 h later): treated as forgotten, cut at closing */
  assert_int_equal(duty_effective_out(in, in + 25 * 3600, in + 26 * 3600, close, CN, &forgotten), close);
  assert_true(forgotten);
  /* a late check-out the same evening is honoured */
  assert_int_equal(duty_effective_out(in, base + 19 * 3600, base + 20 * 3600, close, CN, &forgotten), base + 19 * 3600);
  assert_false(forgotten);
  /* checked in after closing and forgotten: counts to midnight at most */
  long long late = base + 20 * 3600;
  assert_int_equal(duty_effective_out(late, 0, late + 86400, close, CN, &forgotten), duty_day_start(day + 1, CN));
  assert_true(forgotten);
  /* a weekend day without hours behaves the same */
  assert_int_equal(duty_effective_out(late, 0, late + 86400, 0, CN, &forgotten), duty_day_start(day + 1, CN));
  /* coverage with a forgotten check-out: the morning and the afternoon up to 18:00, then nothing */
  duty_span open[] = {S(base + 8 * 3600 + 1800, base + 12 * 3600), S(base + 14 * 3600 + 1800, close)};
  duty_span pres[] = {S(in, duty_effective_out(in, 0, base + 86400 * 2, close, CN, &forgotten))};
  assert_int_equal(duty_covered(open, 2, pres, 1), 3 * 3600 + 1800 + 3 * 3600 + 1800);
}

static void shift_verdicts(void **state) {
  (void)state;
  long long base = duty_day_start(D("2026-11-24"), CN);
  duty_span open[] = {S(base + 8 * 3600 + 1800, base + 12 * 3600), S(base + 14 * 3600 + 1800, base + 18 * 3600)};
  long long first = 0;
  duty_span on_time[] = {S(base + 8 * 3600 + 20 * 60, base + 17 * 3600)};
  assert_int_equal(duty_shift_verdict(open, 2, on_time, 1, base + 86400, &first), DV_ON_TIME);
  assert_int_equal(first, on_time[0].from);
  duty_span grace[] = {S(base + 8 * 3600 + 40 * 60, base + 17 * 3600)}; /* exactly 10 minutes */
  assert_int_equal(duty_shift_verdict(open, 2, grace, 1, base + 86400, NULL), DV_ON_TIME);
  duty_span late[] = {S(base + 8 * 3600 + 41 * 60, base + 17 * 3600)};
  assert_int_equal(duty_shift_verdict(open, 2, late, 1, base + 86400, NULL), DV_LATE);
  duty_span afternoon[] = {S(base + 15 * 3600, base + 17 * 3600)};
  assert_int_equal(duty_shift_verdict(open, 2, afternoon, 1, base + 86400, NULL), DV_LATE);
  duty_span lunch_only[] = {S(base + 12 * 3600 + 600, base + 14 * 3600)}; /* between the intervals */
  assert_int_equal(duty_shift_verdict(open, 2, lunch_only, 1, base + 86400, NULL), DV_MISSED);
  assert_int_equal(duty_shift_verdict(open, 2, NULL, 0, base + 86400, NULL), DV_MISSED);
  assert_int_equal(duty_shift_verdict(open, 2, NULL, 0, base + 10 * 3600, NULL), DV_PENDING);
  assert_int_equal(duty_shift_verdict(open, 2, NULL, 0, base + 7 * 3600, NULL), DV_FUTURE);
  assert_int_equal(duty_shift_verdict(open, 0, NULL, 0, base, NULL), DV_NO_HOURS);
  /* checked in the evening before and still there (spanning midnight): on time */
  duty_span overnight[] = {S(base - 3 * 3600, base + 9 * 3600)};
  assert_int_equal(duty_shift_verdict(open, 2, overnight, 1, base + 86400, NULL), DV_ON_TIME);
}

/* ------------------------------------------------------------------ whereabouts, posts, deeds */

static void whereabouts_words(void **state) {
  (void)state;
  const char *keys[] = {"on_duty", "meeting", "visiting", "leave", "off"};
  const char *zh[] = {"在岗", "开会", "入户走访", "请假", "下班"};
  for (int i = 0; i < DS_COUNT; i++) {
    assert_int_equal(duty_status_parse(keys[i]), i);
    assert_int_equal(duty_status_parse(zh[i]), i);
    assert_string_equal(duty_status_key((duty_status)i), keys[i]);
    assert_string_not_equal(duty_status_label((duty_status)i), "?");
  }
  const char *bad[] = {"", "busy", "ON_DUTY", "在岗 ", "外出", "on duty", "sleeping", "offline"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_int_equal(duty_status_parse(bad[i]), -1);
  assert_int_equal(duty_status_parse(NULL), -1);
  long long base = duty_day_start(D("2026-11-24"), CN);
  /* "on duty" lapses at midnight; leave does not */
  assert_int_equal(duty_status_effective(DS_ON_DUTY, base + 9 * 3600, base + 23 * 3600, CN), DS_ON_DUTY);
  assert_int_equal(duty_status_effective(DS_ON_DUTY, base + 9 * 3600, base + 86400, CN), DS_OFF);
  assert_int_equal(duty_status_effective(DS_MEETING, base + 9 * 3600, base + 86400 + 5, CN), DS_OFF);
  assert_int_equal(duty_status_effective(DS_LEAVE, base + 9 * 3600, base + 5 * 86400, CN), DS_LEAVE);
}

static void posts_and_deeds(void **state) {
  (void)state;
  const char *kinds[] = {"convenience", "volunteer", "welfare", "ranger"};
  for (int i = 0; i < DP_COUNT; i++) assert_int_equal(duty_post_kind_parse(kinds[i]), i);
  assert_int_equal(duty_post_kind_parse("guard"), -1);
  long long p = D("2026-11-20");
  assert_int_equal(duty_deed_state_of(p, 0, p), DD_OPEN);
  assert_int_equal(duty_deed_state_of(p, 0, p + 1), DD_OVERDUE);
  assert_int_equal(duty_deed_state_of(p, p, p + 9), DD_DONE);
  assert_int_equal(duty_deed_state_of(p, p + 1, p + 9), DD_DONE_LATE);
  assert_null(duty_text_problem("张三", 10, 1, 0));
  assert_non_null(duty_text_problem("", 10, 1, 0));
  assert_null(duty_text_problem(NULL, 10, 0, 0));
  assert_non_null(duty_text_problem("   ", 10, 1, 0));
  assert_non_null(duty_text_problem("a\nb", 10, 1, 0));
  assert_null(duty_text_problem("a\nb", 10, 1, 1));
  assert_non_null(duty_text_problem("一二三四五六七八九十十", 10, 1, 0));
  assert_non_null(duty_text_problem("\xff\xfe", 10, 1, 0));
}

/* ------------------------------------------------------------------ iCalendar */

static void ics_text(void **state) {
  (void)state;
  buf b = BUF_INIT;
  ics_escape("a,b;c\\d\ne\r", &b);
  assert_string_equal(buf_str(&b), "a\\,b\\;c\\\\d\\ne");
  buf_free(&b);
  /* folding: no physical line over 75 octets, never inside a UTF-8 sequence, CRLF, and unfolds back */
  char longtext[1200] = "";
  for (int i = 0; i < 60; i++) strcat(longtext, i % 3 ? "坐班" : "duty;,");
  b = (buf)BUF_INIT;
  ics_line(&b, "DESCRIPTION", longtext, 1);
  const char *s = buf_str(&b);
  size_t len = strlen(s);
  assert_true(len > 2 && s[len - 2] == '\r' && s[len - 1] == '\n');
  buf unfolded = BUF_INIT;
  const char *line = s;
  int lines = 0;
  while (*line) {
    const char *end = strstr(line, "\r\n");
    assert_non_null(end);
    size_t n = (size_t)(end - line);
    assert_true(n <= 75);
    assert_true(((unsigned char)line[0] & 0xC0) != 0x80 || lines == 0);
    if (lines) { assert_int_equal(line[0], ' '); buf_append(&unfolded, line + 1, n - 1); }
    else buf_append(&unfolded, line, n);
    /* the byte after a fold is never a UTF-8 continuation byte */
    if (end[2] == ' ') assert_true(((unsigned char)end[3] & 0xC0) != 0x80);
    lines++;
    line = end + 2;
  }
  assert_true(lines > 5);
  buf want = BUF_INIT;
  buf_puts(&want, "DESCRIPTION:");
  ics_escape(longtext, &want);
  assert_string_equal(buf_str(&unfolded), buf_str(&want));
  buf_free(&b);
  buf_free(&unfolded);
  buf_free(&want);
  /* an event */
  b = (buf)BUF_INIT;
  ics_begin(&b, "-//zhendi//test//ZH", "值班表");
  long long base = duty_day_start(D("2026-11-30"), CN);
  ics_event(&b, "duty-shift-1@zhendi", base, base + 8 * 3600 + 1800, base + 18 * 3600, 0, 0, "坐班, 任河村", "", "任河村");
  ics_event(&b, "duty-shift-2@zhendi", base, 0, 0, 1, D("2026-12-05"), "值班", "电话", "");
  ics_end(&b);
  s = buf_str(&b);
  assert_non_null(strstr(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  assert_non_null(strstr(s, "DTSTART:20261130T003000Z\r\n")); /* 08:30 in China */
  assert_non_null(strstr(s, "DTEND:20261130T100000Z\r\n"));
  assert_non_null(strstr(s, "SUMMARY:坐班\\, 任河村\r\n"));
  assert_non_null(strstr(s, "DTSTART;VALUE=DATE:20261205\r\nDTEND;VALUE=DATE:20261206\r\n"));
  assert_non_null(strstr(s, "END:VCALENDAR\r\n"));
  for (const char *p = s; *p; p++)
    if (*p == '\n') assert_int_equal(p[-1], '\r'); /* no bare LF */
  buf_free(&b);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(calendar_round_trip),
    cmocka_unit_test(month_and_date_parsing),
    cmocka_unit_test(local_days),
    cmocka_unit_test(day_kinds_and_holidays),
    cmocka_unit_test(hours_parse_demo_form),
    cmocka_unit_test(day_opening_spans),
    cmocka_unit_test(fairness_without_leave),
    cmocka_unit_test(leave_and_elsewhere_respected),
    cmocka_unit_test(leave_whole_month_and_all_away),
    cmocka_unit_test(shared_cadre_two_villages),
    cmocka_unit_test(regenerate_keeps_past_days),
    cmocka_unit_test(qr_weeks),
    cmocka_unit_test(qr_secret_rotation),
    cmocka_unit_test(covered_arithmetic),
    cmocka_unit_test(coverage_month_and_day_edges),
    cmocka_unit_test(forgotten_checkouts),
    cmocka_unit_test(shift_verdicts),
    cmocka_unit_test(whereabouts_words),
    cmocka_unit_test(posts_and_deeds),
    cmocka_unit_test(ics_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
