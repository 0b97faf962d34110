/* demo.c — see demo.h. Everything is written through the audited paths. */
#include "demo.h"
#include <stdio.h>
#include <string.h>
#include "modules/appeal/appeal.h"
#include "modules/appeal/appeal_store.h"
#include "modules/duty/duty.h"
#include "modules/identity/identity.h"
#include <time.h>
#include "modules/org/org.h"
#include "modules/upgrade/upgrade.h"

typedef struct demo_village {
  const char *code, *name, *name_en, *center_addr, *hours, *phone;
  double lat, lng;
  int area;
} demo_village;

#define WORKDAY_HOURS "周一至周五 8:30–12:00, 14:30–18:00"
/* The first four are the article's; the other four are invented for the demo. */
static const demo_village villages[] = {
  {"renhe", "任河村", "Renhe", "站儿巷镇任河村村委会院内", WORKDAY_HOURS, "0939-7260101", 34.0381, 106.4562, 260},
  {"yinxing", "银杏村", "Yinxing", "站儿巷镇银杏村一组", WORKDAY_HOURS, "0939-7260102", 34.0522, 106.4410, 220},
  {"dashan", "大山村", "Dashan", "站儿巷镇大山村二组", WORKDAY_HOURS, "0939-7260103", 34.0715, 106.4897, 180},
  {"gaoping", "高坪村", "Gaoping", "站儿巷镇高坪村三组", WORKDAY_HOURS, "0939-7260104", 34.0266, 106.4731, 200},
  {"baiyang", "白杨村", "Baiyang", "站儿巷镇白杨村一组", WORKDAY_HOURS, "", 34.0450, 106.4650, 150},
  {"shimen", "石门村", "Shimen", "站儿巷镇石门村四组", WORKDAY_HOURS, "", 34.0610, 106.4320, 140},
  {"xinzhuang", "新庄村", "Xinzhuang", "站儿巷镇新庄村二组", WORKDAY_HOURS, "", 34.0188, 106.4515, 160},
  {"miaoping", "庙坪村", "Miaoping", "站儿巷镇庙坪村一组", WORKDAY_HOURS, "", 34.0802, 106.4690, 130},
};

const demo_user demo_users[] = {
  {"county", "县委组织部 张干事", "county-admin", "liangdang"},
  {"township", "站儿巷镇 组织委员", "township-admin", "zhanerxiang"},
  {"leader", "包片领导 李镇长", "area-leader", "renhe"},
  {"renhe-admin", "任河村 党支部书记", "center-admin", "renhe"},
  {"renhe-cadre", "任河村 村委委员", "cadre", "renhe"},
  {"renhe-supervisor", "任河村 监委会主任", "supervisor", "renhe"},
  {"renhe-member", "任河村 党员", "member", "renhe-dzb"},
  {"yinxing-admin", "银杏村 党支部书记", "center-admin", "yinxing"},
};
const size_t demo_user_count = sizeof demo_users / sizeof demo_users[0];

static int load(db_conn *w, const char *pw, zd_error *e) {
  const char *actor = "system:demo";
  long long county = 0, town = 0;
  int rc = org_insert(w, actor, "liangdang", ORG_COUNTY, "两当县", "Liangdang County", 0, 0, &county, e);
  if (!rc) rc = org_insert(w, actor, "zhanerxiang", ORG_TOWNSHIP, "站儿巷镇", "Zhan'erxiang Town", county, 0, &town, e);
  if (!rc) rc = org_insert(w, actor, "zhanerxiang-dw", ORG_PARTY_COMMITTEE, "中共站儿巷镇委员会",
                           "Zhan'erxiang Town Party Committee", town, 100, NULL, e);
  for (size_t i = 0; !rc && i < sizeof villages / sizeof villages[0]; i++) {
    const demo_village *v = &villages[i];
    long long id = 0;
    char name_en[64], code[40], branch[128], branch_en[96];
    snprintf(name_en, sizeof name_en, "%s Village", v->name_en);
    rc = org_insert(w, actor, v->code, ORG_VILLAGE, v->name, name_en, town, (int)i, &id, e);
    center ce;
    memset(&ce, 0, sizeof ce);
    snprintf(ce.name, sizeof ce.name, "%s党群服务中心", v->name);
    snprintf(ce.address, sizeof ce.address, "%s", v->center_addr);
    snprintf(ce.opening_hours, sizeof ce.opening_hours, "%s", v->hours);
    snprintf(ce.phone, sizeof ce.phone, "%s", v->phone);
    ce.lat = v->lat;
    ce.lng = v->lng;
    ce.floor_area_m2 = v->area;
    if (!rc) rc = center_insert(w, actor, id, &ce, e);
    snprintf(code, sizeof code, "%s-dzb", v->code);
    snprintf(branch, sizeof branch, "中共%s支部委员会", v->name);
    snprintf(branch_en, sizeof branch_en, "%s Village Party Branch", v->name_en);
    if (!rc) rc = org_insert(w, actor, code, ORG_PARTY_BRANCH, branch, branch_en, id, 100, NULL, e);
  }
  for (size_t i = 0; !rc && i < demo_user_count; i++) {
    const demo_user *u = &demo_users[i];
    long long uid = 0;
    rc = ident_user_add(w, actor, u->login, u->display, pw, (role)role_parse(u->role), u->scope, &uid, e);
    if (!rc && strcmp(u->login, "leader") == 0) { /* an area leader looks after several villages */
      org y;
      rc = org_by_code(w, "yinxing", &y, e);
      if (!rc) rc = ident_role_add(w, actor, uid, ROLE_AREA_LEADER, y.id, e);
    }
  }
  if (!rc) rc = upgrade_demo(w, e); /* 改: centers, the ¥98,000 fund, plaques, inspections */
  if (!rc) rc = duty_demo(w, e); /* 管: rosters, check-ins, duty log, whereabouts, posts, deeds */
  return rc;
}

/* Villagers' matters of the last weeks, at every stage, so that the work list,
** the tracking page and last month's 说事日 report have something to show. */
typedef struct demo_case {
  const char *village, *kind, *channel, *content, *place;
  int days_ago;
  int steps; /* how far it went: 0 registered … 6 closed satisfied, 7 answered-unsatisfied */
  const char *mode, *answer;
} demo_case;

static const demo_case cases[] = {
  {"renhe", "village", "day", "二组到村委会的路灯坏了三个多月，晚上走路不安全。", "二组路口", 38, 6, "cadre_led", "已联系供电所更换灯泡和线路，二组路灯恢复照明。"},
  {"renhe", "neighbour", "room", "邻居家新砌的围墙占了我家门前的排水沟，下雨就积水。", "三组", 34, 6, "on_site", "村调解委员会现场调解，双方同意改砌围墙、疏通水沟。"},
  {"renhe", "village", "online", "希望农家书屋周末也能开放，孩子们放假想看书。", "党群服务中心", 31, 7, "cadre_led", "已安排志愿者周六上午开放农家书屋。"},
  {"renhe", "family", "visit", "独居老人冬季取暖用煤不足，需要帮扶。", "一组", 29, 5, "joint_township", "已报镇民政办，送去取暖煤500公斤。"},
  {"renhe", "village", "online", "村口垃圾收集点清运不及时，有异味。", "村口", 6, 3, "joint_township", NULL},
  {"renhe", "village", "phone", "申请修缮三组通组道路上的一段塌方。", "三组通组路", 3, 2, "joint_department", NULL},
  {"renhe", "neighbour", "online", "楼上邻居晚上十一点后还在装修，影响休息。", "集中安置点", 1, 0, NULL, NULL},
  {"yinxing", "village", "day", "银杏村活动室的桌椅不够，开会时很多人站着。", "党群服务中心", 36, 6, "on_site", "已用改造资金添置桌椅40套。"},
  {"yinxing", "family", "room", "儿子外出务工，留守老人看病需要有人陪同。", "二组", 12, 2, "cadre_led", NULL},
};

static int demo_cases(db_conn *w, zd_error *e) {
  long long now = (long long)time(NULL);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const demo_case *c = &cases[i];
    long long t = now - (long long)c->days_ago * 86400;
    char number[24], code[10], owner[40];
    appeal_new in = {c->village, c->kind, c->content, c->place, "", "", c->channel, NULL, t};
    int online = strcmp(c->channel, "online") == 0;
    snprintf(owner, sizeof owner, "%s-%s", c->village, strcmp(c->village, "renhe") == 0 ? "cadre" : "admin");
    user u;
    int rc = ident_user_by_login(w, owner, &u, NULL, 0, e);
    if (!rc) rc = appeal_create(w, "system:demo", online ? 0 : u.id, &in, number, code, e);
    const appeal_action steps[] = {AA_REGISTER, AA_ASSIGN, AA_START, AA_RESOLVE, AA_ANSWER, AA_RATE, AA_CLOSE};
    for (int k = online ? 0 : 1; !rc && k <= c->steps && k < 7; k++) {
      if (k == 0 && !online) continue;
      appeal_change ch = {{steps[k], AM_COUNT, AR_NONE, 0, 0}, NULL, NULL, t + (k + 1) * 3600L * 20};
      if (steps[k] == AA_ASSIGN) { ch.step.mode = (appeal_mode)appeal_mode_parse(c->mode); ch.owner = owner; }
      if (steps[k] == AA_RESOLVE) ch.text = "已办理。";
      if (steps[k] == AA_ANSWER) ch.text = c->answer;
      if (steps[k] == AA_RATE) ch.step.rating = c->steps == 7 ? AR_UNSATISFIED : AR_SATISFIED;
      if (steps[k] == AA_CLOSE && c->steps == 7) break;
      rc = appeal_transition(w, steps[k] == AA_RATE ? "public:demo" : "system:demo", number, &ch, NULL, NULL, 0, e);
    }
    if (rc) return rc;
  }
  return ZD_OK;
}

int demo_load(db *d, const char *password, zd_error *e) {
  db_conn *w = db_writer(d);
  long long n = 0;
  int rc = db_scalar_int(w, e, &n, 0, "SELECT count(*) FROM org", "");
  if (!rc && n > 0)
    rc = zd_fail(e, ZD_ECONFLICT, "the database already holds organisations; demo data is loaded only into an empty one");
  if (!rc) rc = db_begin(w, e);
  if (!rc) {
    rc = load(w, password, e);
    if (!rc) rc = demo_cases(w, e);
    if (!rc) rc = db_commit(w, e);
    else db_rollback(w);
  }
  db_release(w);
  return rc;
}
