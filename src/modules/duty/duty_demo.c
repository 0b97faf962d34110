/* duty_demo.c — demo data of 管 duty for `zhendi init --demo`: structured
** opening hours of every center (from its text), the 2026 national holiday
** calendar at the county, last month's and this month's rosters of 任河村 and
** 银杏村, their check-ins so far (on time, late, missed, a forgotten
** check-out), duty-log visits (one became a case), whereabouts, posts and
** 我为群众办实事 deeds. Everything is written through the audited paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duty_core.h"
#include "modules/appeal/appeal.h"

static const char *const ACTOR = "system:demo";

/* The State Council's 2026 calendar (国务院办公厅, 2025): days off and make-up workdays. */
static const struct { const char *day; int off; const char *name; } holidays_2026[] = {
  {"2026-01-01", 1, "元旦"}, {"2026-01-02", 1, "元旦"}, {"2026-01-03", 1, "元旦"}, {"2026-01-04", 0, "元旦调休上班"},
  {"2026-02-14", 0, "春节调休上班"}, {"2026-02-15", 1, "春节"}, {"2026-02-16", 1, "春节"}, {"2026-02-17", 1, "春节"},
  {"2026-02-18", 1, "春节"}, {"2026-02-19", 1, "春节"}, {"2026-02-20", 1, "春节"}, {"2026-02-21", 1, "春节"},
  {"2026-02-22", 1, "春节"}, {"2026-02-23", 1, "春节"}, {"2026-02-28", 0, "春节调休上班"},
  {"2026-04-04", 1, "清明节"}, {"2026-04-05", 1, "清明节"}, {"2026-04-06", 1, "清明节"},
  {"2026-05-01", 1, "劳动节"}, {"2026-05-02", 1, "劳动节"}, {"2026-05-03", 1, "劳动节"}, {"2026-05-04", 1, "劳动节"},
  {"2026-05-05", 1, "劳动节"}, {"2026-05-09", 0, "劳动节调休上班"},
  {"2026-06-19", 1, "端午节"}, {"2026-06-20", 1, "端午节"}, {"2026-06-21", 1, "端午节"},
  {"2026-09-20", 0, "国庆节调休上班"}, {"2026-09-25", 1, "中秋节"}, {"2026-09-26", 1, "中秋节"}, {"2026-09-27", 1, "中秋节"},
  {"2026-10-01", 1, "国庆节"}, {"2026-10-02", 1, "国庆节"}, {"2026-10-03", 1, "国庆节"}, {"2026-10-04", 1, "国庆节"},
  {"2026-10-05", 1, "国庆节"}, {"2026-10-06", 1, "国庆节"}, {"2026-10-07", 1, "国庆节"}, {"2026-10-10", 0, "国庆节调休上班"},
};

/* duty_close_fn on the writer: the end of the opening hours of in_at's day. */
static long long demo_close(void *arg, long long org_id, long long in_at) {
  db_conn *w = arg;
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t n = 0;
  zd_error e;
  if (duty_hours_get(w, org_id, iv, DUTY_MAX_INTERVALS, &n, NULL, &e)) return 0;
  long long tz = duty_tz(in_at), day = duty_local_day(in_at, tz);
  duty_holiday *h = NULL;
  size_t nh = 0;
  duty_holidays(w, org_id, day, day, &h, &nh, &e);
  duty_span sp[DUTY_MAX_INTERVALS];
  size_t k = duty_day_opening(day, duty_day_kind_of(day, h, nh), iv, n, tz, sp, DUTY_MAX_INTERVALS);
  free(h);
  return k ? sp[k - 1].to : 0;
}

static int village_id(db_conn *w, const char *code, long long *id, zd_error *e) {
  org v;
  int rc = org_by_code(w, code, &v, e);
  if (!rc) *id = v.id;
  return rc;
}

static int user_id(db_conn *w, const char *login, long long *id, zd_error *e) {
  user u;
  int rc = ident_user_by_login(w, login, &u, NULL, 0, e);
  if (!rc) *id = u.id;
  return rc;
}

/* Check-ins of the shift holders on the workdays from `from` to yesterday. */
static int demo_checkins(db_conn *w, long long org_id, long long from, long long today, long long tz, int salt, zd_error *e) {
  for (long long day = from; day < today; day++) {
    duty_shift s;
    zd_error ig;
    if (duty_shift_on(w, org_id, day, &s, &ig) != ZD_OK || s.oncall || !s.user_id) continue;
    long long base = duty_day_start(day, tz), i = day - from + salt, id = 0;
    if (i % 11 == 7) continue; /* missed */
    long long in = base + (i % 9 == 4 ? 9 * 3600 + 7 * 60 : 8 * 3600 + (20 + i % 9) * 60);
    int rc = duty_checkin_add(w, ACTOR, org_id, s.user_id, in, duty_qr_week(in, tz), demo_close, w, tz, &id, e);
    if (rc) return rc;
    if (i % 13 == 5) continue; /* a forgotten check-out: closed at closing time by the next check-in */
    long long out = base + 17 * 3600 + (50 + i % 9) * 60;
    if ((rc = duty_checkout(w, ACTOR, org_id, s.user_id, out, demo_close, w, tz, NULL, e))) return rc;
  }
  return ZD_OK;
}

typedef struct demo_visit { const char *village, *visitor, *phone, *request, *action; int days_ago, hour; const char *appeal_kind; } demo_visit;

static const demo_visit visits[] = {
  {"renhe", "刘大爷", "13909390001", "咨询城乡居民养老保险缴费档次和补缴办法。", "讲解了缴费档次，帮助在手机上完成缴费。", 12, 9, NULL},
  {"renhe", "陈阿姨", "", "来开具居住证明，用于孙子入学。", "核实后当场出具证明。", 8, 10, NULL},
  {"renhe", "王小军", "13909390003", "反映三组水渠被落石堵塞，下雨时漫到路上。", "登记并拍照，转为民事直说事项跟进。", 5, 15, "village"},
  {"renhe", "赵婶", "", "询问农家书屋周末开放时间。", "告知周六上午有志愿者值守。", 2, 16, NULL},
  {"yinxing", "孙师傅", "13909390005", "咨询危房改造补助申请条件。", "讲解政策，发放申请表。", 6, 11, NULL},
};

typedef struct demo_post { const char *village, *kind, *title, *holder, *hours; } demo_post;
static const demo_post posts[] = {
  {"renhe", "convenience", "便民服务代办（社保、医保、证明）", "任河村 村委委员", "周一至周五 8:30–12:00, 14:30–18:00"},
  {"renhe", "volunteer", "农家书屋周末开放", "李明（志愿者）", "周六 9:00–12:00"},
  {"renhe", "welfare", "村庄保洁员", "王桂兰", "每天 7:00–9:00"},
  {"renhe", "ranger", "后山林区护林员", "赵大山", "每天巡山一次"},
  {"yinxing", "convenience", "便民服务代办", "银杏村 党支部书记", "周一至周五 8:30–12:00"},
  {"yinxing", "ranger", "银杏林护林员", "孙长顺", "每天巡山一次"},
};

typedef struct demo_deed { const char *village, *title, *owner; int promised_days, done_days; int is_public; } demo_deed;
/* promised/done relative to today (negative: past); done_days 1000 = not done */
static const demo_deed deeds[] = {
  {"renhe", "修复二组到村委会的路灯", "任河村 村委委员", -30, -32, 1},
  {"renhe", "农家书屋周末开放", "李明（志愿者）", -25, -26, 1},
  {"renhe", "为独居老人送取暖煤", "任河村 党支部书记", -20, -15, 1},
  {"renhe", "村口垃圾收集点加装围挡", "任河村 村委委员", -3, 1000, 1},
  {"renhe", "三组通组路塌方修缮", "任河村 党支部书记", 20, 1000, 1},
  {"renhe", "整理两委会议记录归档", "任河村 党支部书记", 10, 1000, 0},
  {"yinxing", "活动室添置桌椅40套", "银杏村 党支部书记", -28, -30, 1},
  {"yinxing", "留守老人就医陪同志愿服务", "银杏村 党支部书记", 15, 1000, 1},
};

int duty_demo(db_conn *w, zd_error *e) {
  long long now = (long long)time(NULL), tz = duty_tz(now), today = duty_local_day(now, tz);
  long long county = 0;
  int rc = village_id(w, "liangdang", &county, e);
  /* the holiday calendar, held at the county */
  for (size_t i = 0; !rc && i < sizeof holidays_2026 / sizeof holidays_2026[0]; i++) {
    long long day;
    duty_parse_date(holidays_2026[i].day, &day);
    rc = duty_holiday_set(w, ACTOR, county, day, holidays_2026[i].off, holidays_2026[i].name, e);
  }
  /* structured opening hours from each center's text */
  db_stmt *s = rc ? NULL : db_query(w, e, "SELECT org_id, opening_hours FROM center ORDER BY org_id", "");
  long long ids[64];
  duty_interval hours[64][DUTY_MAX_INTERVALS];
  size_t nh[64], nc = 0;
  while (s && nc < 64 && db_step(s, e) == DB_ROW) {
    const char *why;
    if (duty_hours_parse(db_col_text(s, 1), hours[nc], DUTY_MAX_INTERVALS, &nh[nc], &why) == ZD_OK && nh[nc]) ids[nc++] = db_col_int(s, 0);
  }
  db_done(s);
  for (size_t i = 0; !rc && i < nc; i++) rc = duty_hours_set(w, ACTOR, ids[i], hours[i], nh[i], e);
  /* rosters of last month and this month, over each village's cadres */
  const char *villages[] = {"renhe", "yinxing"};
  int y, m, d, py, pm;
  duty_civil_from_day(today, &y, &m, &d);
  py = m == 1 ? y - 1 : y;
  pm = m == 1 ? 12 : m - 1;
  for (size_t k = 0; !rc && k < 2; k++) {
    long long org = 0;
    if ((rc = village_id(w, villages[k], &org, e))) break;
    duty_person *p = NULL;
    size_t np = 0;
    if ((rc = duty_cadres(w, org, &p, &np, e))) break;
    long long cad[DUTY_MAX_CADRES];
    for (size_t i = 0; i < np; i++) cad[i] = p[i].id;
    free(p);
    duty_generated g;
    rc = duty_roster_generate(w, ACTOR, org, py, pm, cad, np, 0, today, &g, e);
    if (!rc) rc = duty_roster_generate(w, ACTOR, org, y, m, cad, np, 0, today, &g, e);
    if (!rc) rc = demo_checkins(w, org, duty_day_from_civil(py, pm, 1), today, tz, (int)k * 5, e);
  }
  /* a leave ahead, so the roster shows it */
  long long uid = 0, renhe = 0, yinxing = 0, lid = 0;
  if (!rc) rc = village_id(w, "renhe", &renhe, e);
  if (!rc) rc = village_id(w, "yinxing", &yinxing, e);
  if (!rc) rc = user_id(w, "renhe-cadre", &uid, e);
  if (!rc) rc = duty_leave_add(w, ACTOR, renhe, uid, today + 9, today + 10, "参加县里培训", uid, &lid, e);
  /* duty-log visits; one became a case of 民事直说 */
  for (size_t i = 0; !rc && i < sizeof visits / sizeof visits[0]; i++) {
    const demo_visit *x = &visits[i];
    long long org = strcmp(x->village, "renhe") == 0 ? renhe : yinxing, by = 0, id = 0;
    if ((rc = user_id(w, org == renhe ? "renhe-cadre" : "yinxing-admin", &by, e))) break;
    duty_log_entry en;
    memset(&en, 0, sizeof en);
    en.at = duty_day_start(today - x->days_ago, tz) + x->hour * 3600 + 600;
    snprintf(en.visitor, sizeof en.visitor, "%s", x->visitor);
    snprintf(en.phone, sizeof en.phone, "%s", x->phone);
    snprintf(en.request, sizeof en.request, "%s", x->request);
    snprintf(en.action, sizeof en.action, "%s", x->action);
    if ((rc = duty_log_add(w, ACTOR, org, by, &en, &id, e))) break;
    if (x->appeal_kind) {
      char number[24], code[10];
      en.id = id;
      en.org_id = org;
      appeal_new in = {x->village, x->appeal_kind, x->request, "", x->visitor, x->phone, "room", NULL, en.at};
      rc = appeal_create(w, ACTOR, by, &in, number, code, e);
      if (!rc) rc = duty_log_link_appeal(w, ACTOR, &en, number, e);
    }
  }
  /* posts and deeds */
  for (size_t i = 0; !rc && i < sizeof posts / sizeof posts[0]; i++) {
    duty_post p;
    memset(&p, 0, sizeof p);
    p.org_id = strcmp(posts[i].village, "renhe") == 0 ? renhe : yinxing;
    p.kind = (duty_post_kind)duty_post_kind_parse(posts[i].kind);
    p.active = 1;
    snprintf(p.title, sizeof p.title, "%s", posts[i].title);
    snprintf(p.holder, sizeof p.holder, "%s", posts[i].holder);
    snprintf(p.hours, sizeof p.hours, "%s", posts[i].hours);
    rc = duty_post_save(w, ACTOR, &p, e);
  }
  for (size_t i = 0; !rc && i < sizeof deeds / sizeof deeds[0]; i++) {
    duty_deed dd;
    memset(&dd, 0, sizeof dd);
    dd.org_id = strcmp(deeds[i].village, "renhe") == 0 ? renhe : yinxing;
    snprintf(dd.title, sizeof dd.title, "%s", deeds[i].title);
    snprintf(dd.owner, sizeof dd.owner, "%s", deeds[i].owner);
    dd.promised = today + deeds[i].promised_days;
    dd.done = deeds[i].done_days == 1000 ? 0 : today + deeds[i].done_days;
    dd.is_public = deeds[i].is_public;
    rc = duty_deed_save(w, ACTOR, &dd, e);
  }
  /* the whereabouts board now */
  struct { const char *login; long long org; duty_status st; const char *note; } board[] = {
    {"renhe-admin", renhe, DS_MEETING, "镇上开会，下午回村"},
    {"renhe-cadre", renhe, DS_VISITING, "三组走访"},
    {"yinxing-admin", yinxing, DS_ON_DUTY, ""},
  };
  for (size_t i = 0; !rc && i < sizeof board / sizeof board[0]; i++) {
    if ((rc = user_id(w, board[i].login, &uid, e))) break;
    rc = duty_status_set(w, ACTOR, board[i].org, uid, board[i].st, board[i].note, now, e);
  }
  return rc;
}
