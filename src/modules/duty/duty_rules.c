/* duty_rules.c — the pure rules of 管 duty: calendar arithmetic, day kinds,
** opening hours, the rotation, QR secrets, coverage, whereabouts, posts and
** deeds. No I/O and no clock: everything they need is passed in. */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "duty.h"
#include "platform/err.h"
#include "platform/text.h"

/* ------------------------------------------------------------------ vocabulary */

static const struct { const char *key, *label; } day_kinds[DK_COUNT] = {
  {"workday", "Workday"}, {"weekend", "Weekend"}, {"holiday", "Holiday"},
};

static const struct { const char *key, *label; } statuses[DS_COUNT] = {
  {"on_duty", "On duty"}, {"meeting", "At a meeting"}, {"visiting", "Visiting households"},
  {"leave", "On leave"}, {"off", "Off duty"},
};
static const char *const status_zh[DS_COUNT] = {"在岗", "开会", "入户走访", "请假", "下班"};

static const struct { const char *key, *label; } verdicts[] = {
  {"future", "Not yet"}, {"pending", "Today, no check-in yet"}, {"on_time", "On time"},
  {"late", "Late"}, {"missed", "Missed"}, {"no_hours", "Not open"},
};

static const struct { const char *key, *label; } post_kinds[DP_COUNT] = {
  {"convenience", "Convenience-service post"}, {"volunteer", "Volunteer post"},
  {"welfare", "Public-welfare post"}, {"ranger", "Forest ranger"},
};

static const struct { const char *key, *label; } deed_states[] = {
  {"open", "In progress"}, {"overdue", "Overdue"}, {"done", "Done"}, {"done_late", "Done late"},
};

#define KEY(t, i) ((size_t)(i) < sizeof t / sizeof t[0] ? t[i].key : "?")
#define LABEL(t, i) ((size_t)(i) < sizeof t / sizeof t[0] ? t[i].label : "?")
#define PARSE(t, s)                                                   \
  do {                                                                \
    if (!(s)) return -1;                                              \
    for (size_t i_ = 0; i_ < sizeof t / sizeof t[0]; i_++)            \
      if (strcmp(t[i_].key, (s)) == 0) return (int)i_;                \
    return -1;                                                        \
  } while (0)

const char *duty_day_kind_key(duty_day_kind k) { return KEY(day_kinds, k); }
const char *duty_day_kind_label(duty_day_kind k) { return LABEL(day_kinds, k); }
int duty_day_kind_parse(const char *s) { PARSE(day_kinds, s); }
const char *duty_status_key(duty_status s) { return KEY(statuses, s); }
const char *duty_status_label(duty_status s) { return LABEL(statuses, s); }
const char *duty_verdict_key(duty_verdict v) { return KEY(verdicts, v); }
const char *duty_verdict_label(duty_verdict v) { return LABEL(verdicts, v); }
int duty_post_kind_parse(const char *s) { PARSE(post_kinds, s); }
const char *duty_post_kind_key(duty_post_kind k) { return KEY(post_kinds, k); }
const char *duty_post_kind_label(duty_post_kind k) { return LABEL(post_kinds, k); }
const char *duty_deed_state_key(duty_deed_state s) { return KEY(deed_states, s); }
const char *duty_deed_state_label(duty_deed_state s) { return LABEL(deed_states, s); }

int duty_status_parse(const char *s) {
  if (!s) return -1;
  for (int i = 0; i < DS_COUNT; i++)
    if (strcmp(statuses[i].key, s) == 0 || strcmp(status_zh[i], s) == 0) return i;
  return -1;
}

/* ------------------------------------------------------------------ calendar */

static long long floor_div(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

long long duty_day_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long long era = floor_div(y, 400);
  long long yoe = y - era * 400;
  long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void duty_civil_from_day(long long z, int *y, int *m, int *d) {
  z += 719468;
  long long era = floor_div(z, 146097);
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long dd = doy - (153 * mp + 2) / 5 + 1;
  long long mm = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yoe + era * 400 + (mm <= 2));
  *m = (int)mm;
  *d = (int)dd;
}

int duty_weekday(long long day) {
  long long w = ((day % 7) + 7) % 7; /* 0: Thursday 1970-01-01 */
  return (int)((w + 3) % 7) + 1;
}

int duty_month_length(int y, int m) {
  static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return len[m - 1];
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

int duty_parse_month(const char *s, int *y, int *m) {
  int yy, mm;
  if (!s || strlen(s) != 7 || s[4] != '-' || !digits(s, 4, &yy) || !digits(s + 5, 2, &mm)) return 0;
  if (yy < 2000 || yy > 2099 || mm < 1 || mm > 12) return 0;
  *y = yy;
  *m = mm;
  return 1;
}

int duty_parse_date(const char *s, long long *day) {
  int yy, mm, dd;
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &yy) || !digits(s + 5, 2, &mm) ||
      !digits(s + 8, 2, &dd))
    return 0;
  if (yy < 2000 || yy > 2099 || mm < 1 || mm > 12 || dd < 1 || dd > duty_month_length(yy, mm)) return 0;
  *day = duty_day_from_civil(yy, mm, dd);
  return 1;
}

void duty_format_date(long long day, char out[11]) {
  int y, m, d;
  duty_civil_from_day(day, &y, &m, &d);
  snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

long long duty_local_day(long long t, long long tz_off) { return floor_div(t + tz_off, 86400); }
long long duty_day_start(long long day, long long tz_off) { return day * 86400 - tz_off; }

duty_day_kind duty_day_kind_of(long long day, const duty_holiday *h, size_t nh) {
  for (size_t i = nh; i-- > 0;) /* the last entry for a day wins (callers list nearer ones last) */
    if (h[i].day == day) return h[i].off ? DK_HOLIDAY : DK_WORKDAY;
  return duty_weekday(day) >= 6 ? DK_WEEKEND : DK_WORKDAY;
}

/* ------------------------------------------------------------------ opening hours */

static const char *const zh_days[] = {"一", "二", "三", "四", "五", "六", "日", "天"};
static const char *const en_days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static void skip_space(const char **p) {
  for (;;) {
    if (**p == ' ' || **p == '\t') (*p)++;
    else if (strncmp(*p, "\xE3\x80\x80", 3) == 0) *p += 3; /* U+3000 */
    else return;
  }
}

static int eat(const char **p, const char *lit) {
  size_t n = strlen(lit);
  if (strncmp(*p, lit, n) != 0) return 0;
  *p += n;
  return 1;
}

/* One weekday name at *p: 1..7, or 0. */
static int day_name(const char **p) {
  const char *q = *p;
  if (eat(&q, "周") || eat(&q, "星期") || eat(&q, "礼拜")) {
    for (int i = 0; i < 8; i++)
      if (eat(&q, zh_days[i])) { *p = q; return i < 7 ? i + 1 : 7; }
    return 0;
  }
  for (int i = 0; i < 7; i++) {
    int ok = 1;
    for (int k = 0; k < 3; k++)
      if ((q[k] | 0x20) != en_days[i][k]) ok = 0;
    if (ok) {
      q += 3;
      while ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') q++; /* Monday, Tues … */
      *p = q;
      return i + 1;
    }
  }
  return 0;
}

static int range_sep(const char **p) {
  skip_space(p);
  int ok = eat(p, "-") || eat(p, "\xE2\x80\x93") || eat(p, "\xE2\x80\x94") || eat(p, "~") || eat(p, "\xEF\xBD\x9E") ||
           eat(p, "至") || eat(p, "到");
  skip_space(p);
  return ok;
}

static int list_sep(const char **p) {
  skip_space(p);
  int ok = eat(p, ",") || eat(p, "，") || eat(p, "、") || eat(p, "/");
  skip_space(p);
  return ok;
}

/* H:MM (or H：MM) -> minutes; -1 when malformed. */
static int clock_time(const char **p) {
  const char *q = *p;
  int h = 0, n = 0;
  while (*q >= '0' && *q <= '9' && n < 2) { h = h * 10 + (*q++ - '0'); n++; }
  if (!n) return -1;
  if (!eat(&q, ":") && !eat(&q, "：")) return -1;
  int m;
  if (!digits(q, 2, &m) || m > 59) return -1;
  q += 2;
  if (h > 24 || (h == 24 && m != 0)) return -1;
  *p = q;
  return h * 60 + m;
}

static int iv_cmp(const void *a, const void *b) {
  const duty_interval *x = a, *y = b;
  if (x->weekday != y->weekday) return x->weekday - y->weekday;
  return x->start - y->start;
}

int duty_hours_parse(const char *text, duty_interval *out, size_t max, size_t *n, const char **why) {
  *n = 0;
  *why = NULL;
  if (!text || !utf8_valid(text, strlen(text))) { *why = "The opening hours are not valid text."; return ZD_EINVAL; }
  const char *p = text;
  for (;;) {
    skip_space(&p);
    while (eat(&p, ";") || eat(&p, "；") || eat(&p, "\n") || eat(&p, "\r")) skip_space(&p);
    if (!*p) break;
    int days[8] = {0}, any = 0;
    if (eat(&p, "每天") || eat(&p, "每日") || eat(&p, "daily") || eat(&p, "Daily")) {
      for (int d = 1; d <= 7; d++) days[d] = 1;
      any = 1;
    } else if (eat(&p, "工作日") || eat(&p, "weekdays") || eat(&p, "Weekdays")) {
      for (int d = 1; d <= 5; d++) days[d] = 1;
      any = 1;
    } else {
      for (;;) {
        int a = day_name(&p);
        if (!a) break;
        int b = a;
        const char *save = p;
        if (range_sep(&p)) {
          b = day_name(&p);
          if (!b) { p = save; b = a; }
        }
        if (b < a) { *why = "A day range must run forwards (Monday to Friday)."; return ZD_EINVAL; }
        for (int d = a; d <= b; d++) days[d] = 1;
        any = 1;
        save = p;
        if (!list_sep(&p)) break;
        if (!(*p == 0x27 || (*p & 0x80) || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))) { p = save; break; }
      }
    }
    if (!any) { *why = "Start each group with its days, e.g. 周一至周五."; return ZD_EINVAL; }
    skip_space(&p);
    eat(&p, ":");
    skip_space(&p);
    int ranges = 0;
    for (;;) {
      int s = clock_time(&p);
      if (s < 0) break;
      if (!range_sep(&p)) { *why = "Write each time range as 8:30–12:00."; return ZD_EINVAL; }
      int e = clock_time(&p);
      if (e < 0) { *why = "Write each time range as 8:30–12:00."; return ZD_EINVAL; }
      if (e <= s) { *why = "A time range must end after it starts."; return ZD_EINVAL; }
      for (int d = 1; d <= 7; d++) {
        if (!days[d]) continue;
        if (*n >= max) { *why = "Too many opening intervals."; return ZD_EINVAL; }
        out[(*n)++] = (duty_interval){d, s, e};
      }
      ranges++;
      const char *save = p;
      if (!list_sep(&p)) { p = save; skip_space(&p); }
      if (!(*p >= '0' && *p <= '9')) break;
    }
    if (!ranges) { *why = "Give the hours after the days, e.g. 周一至周五 8:30–12:00."; return ZD_EINVAL; }
    skip_space(&p);
    if (*p && !(*p == ';' || *p == '\n' || *p == '\r' || strncmp(p, "；", 3) == 0)) {
      *why = "Separate groups of days with a semicolon.";
      return ZD_EINVAL;
    }
  }
  qsort(out, *n, sizeof *out, iv_cmp);
  for (size_t i = 1; i < *n; i++)
    if (out[i].weekday == out[i - 1].weekday && out[i].start < out[i - 1].end) {
      *why = "Two opening intervals of the same day overlap.";
      return ZD_EINVAL;
    }
  return ZD_OK;
}

static void put_time(buf *b, int min) { buf_printf(b, "%d:%d%d", min / 60, (min % 60) / 10, min % 10); }

static int same_hours(const duty_interval *iv, size_t n, int a, int b) {
  size_t ia = 0, ib = 0;
  for (;;) {
    while (ia < n && iv[ia].weekday != a) ia++;
    while (ib < n && iv[ib].weekday != b) ib++;
    if (ia >= n || ib >= n) return ia >= n && ib >= n;
    if (iv[ia].start != iv[ib].start || iv[ia].end != iv[ib].end) return 0;
    ia++;
    ib++;
  }
}

void duty_hours_format(const duty_interval *iv, size_t n, buf *out) {
  static const char *const names[] = {"", "周一", "周二", "周三", "周四", "周五", "周六", "周日"};
  int done[8] = {0}, groups = 0;
  for (int d = 1; d <= 7; d++) {
    if (done[d]) continue;
    int has = 0;
    for (size_t i = 0; i < n; i++) has |= iv[i].weekday == d;
    if (!has) continue;
    if (groups++) buf_puts(out, "; ");
    /* the days with the same hours, as runs: 周一至周五、周日 */
    int runs = 0;
    for (int a = d; a <= 7; a++) {
      if (done[a] || !same_hours(iv, n, d, a)) continue;
      int b = a;
      while (b + 1 <= 7 && !done[b + 1] && same_hours(iv, n, d, b + 1)) b++;
      for (int k = a; k <= b; k++) done[k] = 1;
      if (runs++) buf_puts(out, "、");
      buf_puts(out, names[a]);
      if (b > a) buf_printf(out, "%r%r", b == a + 1 ? "、" : "至", names[b]);
      a = b;
    }
    buf_putc(out, ' ');
    int first = 1;
    for (size_t i = 0; i < n; i++) {
      if (iv[i].weekday != d) continue;
      if (!first) buf_puts(out, ", ");
      first = 0;
      put_time(out, iv[i].start);
      buf_puts(out, "–");
      put_time(out, iv[i].end);
    }
  }
}

size_t duty_day_opening(long long day, duty_day_kind kind, const duty_interval *iv, size_t n, long long tz_off,
                        duty_span *out, size_t max) {
  if (kind == DK_HOLIDAY) return 0;
  int wd = duty_weekday(day);
  if (kind == DK_WORKDAY && wd >= 6) { /* a make-up workday opens like the first workday with hours */
    for (int d = 1; d <= 5; d++) {
      int has = 0;
      for (size_t i = 0; i < n; i++) has |= iv[i].weekday == d;
      if (has) { wd = d; break; }
    }
  }
  size_t k = 0;
  long long base = duty_day_start(day, tz_off);
  for (size_t i = 0; i < n && k < max; i++)
    if (iv[i].weekday == wd) out[k++] = (duty_span){base + iv[i].start * 60LL, base + iv[i].end * 60LL};
  return k;
}

/* ------------------------------------------------------------------ rotation */

#define BUSY(in, c, i) ((in)->busy && (in)->busy[(size_t)(c) * (in)->ndays + (i)])
#define FIXED(in, i) ((in)->fixed ? (in)->fixed[i] : -1)
#define ONCALL(in, i) ((in)->kinds[i] != DK_WORKDAY)
#define MOVABLE(in, a, i) (FIXED(in, i) == -1 && (a)[i] >= 0)

/* Breadth-first search for a cost-reducing path from cadre a: a chain of movable
** days a→x1→…→t ending at a cadre t with load <= load[a]-2. Fills via/from. */
static int crp_search(const duty_rotation *in, const int *assign, const int *load, int a, int *via, int *from) {
  int nc = (int)in->ncadres, queue[DUTY_MAX_CADRES], qh = 0, qt = 0;
  char seen[DUTY_MAX_CADRES] = {0};
  seen[a] = 1;
  queue[qt++] = a;
  while (qh < qt) {
    int x = queue[qh++];
    for (size_t i = 0; i < in->ndays; i++) {
      if (assign[i] != x || !MOVABLE(in, assign, i)) continue;
      for (int c = 0; c < nc; c++) {
        if (seen[c] || BUSY(in, c, i)) continue;
        seen[c] = 1;
        via[c] = (int)i;
        from[c] = x;
        if (load[c] <= load[a] - 2) return c;
        queue[qt++] = c;
      }
    }
  }
  return -1;
}

static void loads(const duty_rotation *in, const int *assign, int *load, int *oncall) {
  memset(load, 0, sizeof(int) * in->ncadres);
  memset(oncall, 0, sizeof(int) * in->ncadres);
  for (size_t i = 0; i < in->ndays; i++)
    if (assign[i] >= 0) {
      load[assign[i]]++;
      oncall[assign[i]] += ONCALL(in, i);
    }
}

int duty_rotation_improvable(const duty_rotation *in, const int *assign) {
  int load[DUTY_MAX_CADRES], oncall[DUTY_MAX_CADRES], via[DUTY_MAX_CADRES], from[DUTY_MAX_CADRES];
  if (!in->ncadres || in->ncadres > DUTY_MAX_CADRES) return 0;
  loads(in, assign, load, oncall);
  for (int a = 0; a < (int)in->ncadres; a++)
    if (crp_search(in, assign, load, a, via, from) >= 0) return 1;
  return 0;
}

/* Does the holder of day i also hold the day before or after it? */
static int next_to(const duty_rotation *in, const int *assign, size_t i) {
  int c = assign[i];
  if (c < 0) return 0;
  if (i > 0 && assign[i - 1] == c && in->days[i - 1] == in->days[i] - 1) return 1;
  if (i + 1 < in->ndays && assign[i + 1] == c && in->days[i + 1] == in->days[i] + 1) return 1;
  return 0;
}

int duty_rotate(const duty_rotation *in, int *assign) {
  int nc = (int)in->ncadres;
  if (nc <= 0 || nc > DUTY_MAX_CADRES) return ZD_EINVAL;
  int load[DUTY_MAX_CADRES], oncall[DUTY_MAX_CADRES];
  long long last[DUTY_MAX_CADRES];
  for (int c = 0; c < nc; c++) last[c] = LLONG_MIN / 2;
  for (size_t i = 0; i < in->ndays; i++) {
    int f = FIXED(in, i);
    assign[i] = f < -1 ? -2 : f >= nc ? -2 : f;
    if (assign[i] >= 0 && in->days[i] > last[assign[i]]) last[assign[i]] = in->days[i];
  }
  loads(in, assign, load, oncall);
  /* 1. greedy, day by day */
  for (size_t i = 0; i < in->ndays; i++) {
    if (FIXED(in, i) != -1) continue;
    int best = -1, oc = ONCALL(in, i);
    for (int c = 0; c < nc; c++) {
      if (BUSY(in, c, i)) continue;
      if (best < 0) { best = c; continue; }
      int kc = oc ? oncall[c] : load[c] - oncall[c], kb = oc ? oncall[best] : load[best] - oncall[best];
      if (load[c] != load[best]) { if (load[c] < load[best]) best = c; continue; }
      int yc = last[c] == in->days[i] - 1, yb = last[best] == in->days[i] - 1; /* not two days running */
      if (yc != yb) { if (!yc) best = c; continue; }
      if (kc != kb) { if (kc < kb) best = c; continue; }
      if (last[c] < last[best]) best = c;
    }
    assign[i] = best;
    if (best >= 0) {
      load[best]++;
      oncall[best] += oc;
      last[best] = in->days[i];
    }
  }
  /* 2. balance the loads along cost-reducing paths until there is none */
  int via[DUTY_MAX_CADRES], from[DUTY_MAX_CADRES];
  for (int guard = 0; guard < 100000; guard++) {
    int moved = 0;
    for (int pass_load = (int)in->ndays; pass_load >= 0 && !moved; pass_load--) {
      for (int a = 0; a < nc && !moved; a++) {
        if (load[a] != pass_load) continue;
        int t = crp_search(in, assign, load, a, via, from);
        if (t < 0) continue;
        for (int y = t; y != a; y = from[y]) {
          int i = via[y];
          oncall[from[y]] -= ONCALL(in, i);
          oncall[y] += ONCALL(in, i);
          assign[i] = y;
        }
        load[a]--;
        load[t]++;
        moved = 1;
      }
    }
    if (!moved) break;
  }
  /* 3. spread the on-call days: exchange an on-call day of a for a workday of b,
  **    preferring exchanges that put nobody on two days running */
  for (int guard = 0; guard < 100000; guard++) {
    int swapped = 0;
    for (int strict = 1; strict >= 0 && !swapped; strict--)
      for (int a = 0; a < nc && !swapped; a++)
        for (int b = 0; b < nc && !swapped; b++) {
          if (oncall[a] < oncall[b] + 2) continue;
          for (size_t i = 0; i < in->ndays && !swapped; i++) {
            if (assign[i] != a || !MOVABLE(in, assign, i) || !ONCALL(in, i) || BUSY(in, b, i)) continue;
            for (size_t j = 0; j < in->ndays && !swapped; j++) {
              if (assign[j] != b || !MOVABLE(in, assign, j) || ONCALL(in, j) || BUSY(in, a, j)) continue;
              assign[i] = b;
              assign[j] = a;
              if (strict && (next_to(in, assign, i) || next_to(in, assign, j))) {
                assign[i] = a;
                assign[j] = b;
                continue;
              }
              oncall[a]--;
              oncall[b]++;
              swapped = 1;
            }
          }
        }
    if (!swapped) break;
  }
  return ZD_OK;
}

/* ------------------------------------------------------------------ QR secrets */

long long duty_qr_week(long long now, long long tz_off) {
  /* day 4 (1970-01-05) is a Monday */
  return floor_div(duty_local_day(now, tz_off) - 4, 7);
}

long long duty_qr_week_start(long long week, long long tz_off) { return duty_day_start(week * 7 + 4, tz_off); }

void duty_qr_secret(const unsigned char key[32], long long center_id, long long week, char out[DUTY_SECRET_LEN + 1]) {
  char msg[96];
  int n = snprintf(msg, sizeof msg, "zhendi:duty-qr:v1:%lld:%lld", center_id, week);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, (const unsigned char *)msg, (unsigned long long)n, key);
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < DUTY_SECRET_LEN / 2; i++) {
    out[2 * i] = hex[mac[i] >> 4];
    out[2 * i + 1] = hex[mac[i] & 15];
  }
  out[DUTY_SECRET_LEN] = 0;
  sodium_memzero(mac, sizeof mac);
}

int duty_qr_check(const unsigned char key[32], long long center_id, long long now, long long tz_off, const char *secret,
                  long long *week) {
  if (!secret || strlen(secret) != DUTY_SECRET_LEN) return 0;
  char norm[DUTY_SECRET_LEN + 1];
  for (int i = 0; i < DUTY_SECRET_LEN; i++) {
    char c = secret[i];
    if (c >= 'A' && c <= 'F') c = (char)(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
    norm[i] = c;
  }
  norm[DUTY_SECRET_LEN] = 0;
  long long w = duty_qr_week(now, tz_off);
  int ok = 0;
  for (long long k = w; k >= w - 1; k--) {
    char want[DUTY_SECRET_LEN + 1];
    duty_qr_secret(key, center_id, k, want);
    if (sodium_memcmp(want, norm, DUTY_SECRET_LEN) == 0 && !ok) {
      ok = 1;
      if (week) *week = k;
    }
  }
  return ok;
}

/* ------------------------------------------------------------------ coverage */

static int span_cmp(const void *a, const void *b) {
  const duty_span *x = a, *y = b;
  return x->from < y->from ? -1 : x->from > y->from ? 1 : (x->to < y->to ? -1 : x->to > y->to);
}

long long duty_covered(const duty_span *open, size_t nopen, const duty_span *present, size_t npresent) {
  if (!nopen || !npresent) return 0;
  duty_span *u = malloc(npresent * sizeof *u);
  if (!u) return 0;
  size_t n = 0;
  for (size_t i = 0; i < npresent; i++)
    if (present[i].to > present[i].from) u[n++] = present[i];
  qsort(u, n, sizeof *u, span_cmp);
  size_t m = 0; /* merge into a disjoint union */
  for (size_t i = 0; i < n; i++) {
    if (m && u[i].from <= u[m - 1].to) {
      if (u[i].to > u[m - 1].to) u[m - 1].to = u[i].to;
    } else {
      u[m++] = u[i];
    }
  }
  long long sum = 0;
  size_t j = 0;
  for (size_t i = 0; i < nopen; i++) {
    while (j < m && u[j].to <= open[i].from) j++;
    for (size_t k = j; k < m && u[k].from < open[i].to; k++) {
      long long a = u[k].from > open[i].from ? u[k].from : open[i].from;
      long long b = u[k].to < open[i].to ? u[k].to : open[i].to;
      if (b > a) sum += b - a;
    }
  }
  free(u);
  return sum;
}

long long duty_effective_out(long long in_at, long long out_at, long long now, long long day_close, long long tz_off,
                             int *forgotten) {
  long long cutoff = day_close > in_at ? day_close : duty_day_start(duty_local_day(in_at, tz_off) + 1, tz_off);
  int dummy;
  if (!forgotten) forgotten = &dummy;
  *forgotten = 0;
  if (out_at > 0) {
    if (out_at <= in_at) return in_at;
    if (out_at - in_at > DUTY_MAX_SPAN && out_at > cutoff) { *forgotten = 1; return cutoff; }
    return out_at;
  }
  if (now < cutoff) return now > in_at ? now : in_at;
  *forgotten = 1;
  return cutoff;
}

duty_verdict duty_shift_verdict(const duty_span *open, size_t nopen, const duty_span *present, size_t npresent,
                                long long now, long long *first_in) {
  if (first_in) *first_in = 0;
  if (!nopen) return DV_NO_HOURS;
  long long first = 0;
  int found = 0;
  for (size_t k = 0; k < npresent; k++) {
    const duty_span *p = &present[k];
    if (p->to <= p->from) continue;
    for (size_t i = 0; i < nopen; i++)
      if (p->from < open[i].to && p->to > open[i].from) {
        if (!found || p->from < first) first = p->from;
        found = 1;
      }
  }
  if (!found) return now < open[0].from ? DV_FUTURE : now < open[nopen - 1].to ? DV_PENDING : DV_MISSED;
  if (first_in) *first_in = first;
  return first > open[0].from + DUTY_LATE_GRACE ? DV_LATE : DV_ON_TIME;
}

/* ------------------------------------------------------------------ whereabouts, deeds, text */

duty_status duty_status_effective(duty_status s, long long set_at, long long now, long long tz_off) {
  if ((s == DS_ON_DUTY || s == DS_MEETING || s == DS_VISITING) &&
      duty_local_day(set_at, tz_off) < duty_local_day(now, tz_off))
    return DS_OFF;
  return s;
}

duty_deed_state duty_deed_state_of(long long promised, long long done, long long today) {
  if (done) return done <= promised ? DD_DONE : DD_DONE_LATE;
  return today > promised ? DD_OVERDUE : DD_OPEN;
}

const char *duty_text_problem(const char *s, size_t max, int required, int multiline) {
  if (!s || !*s) return required ? "A required field is empty." : NULL;
  size_t len = strlen(s);
  if (!utf8_valid(s, len)) return "The text is not valid UTF-8.";
  int visible = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) return "The text holds control characters.";
    if (*p == 0x7f) return "The text holds control characters.";
    if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') visible = 1;
  }
  if (required && !visible) return "A required field is empty.";
  if (utf8_len(s) > max) return "The text is too long.";
  return NULL;
}
