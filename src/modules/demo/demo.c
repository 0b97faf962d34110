/* demo.c — see demo.h. Everything is written through the audited paths. */
#include "demo.h"
#include <stdio.h>
#include <string.h>
#include "modules/identity/identity.h"
#include "modules/org/org.h"

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
  return rc;
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
    if (!rc) rc = db_commit(w, e);
    else db_rollback(w);
  }
  db_release(w);
  return rc;
}
