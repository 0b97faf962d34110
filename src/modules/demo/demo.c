/* demo.c — see demo.h. */
#include "demo.h"
#include <stdio.h>
#include "modules/org/org.h"

typedef struct demo_village {
  const char *code, *name, *name_en, *center_addr, *hours, *phone;
  double lat, lng;
  int area;
} demo_village;

/* The first four are the article's; the other four are invented for the demo. */
static const demo_village villages[] = {
  {"renhe", "任河村", "Renhe", "站儿巷镇任河村村委会院内", "周一至周五 8:30–12:00, 14:30–18:00", "0939-7260101", 34.0381, 106.4562, 260},
  {"yinxing", "银杏村", "Yinxing", "站儿巷镇银杏村一组", "周一至周五 8:30–12:00, 14:30–18:00", "0939-7260102", 34.0522, 106.4410, 220},
  {"dashan", "大山村", "Dashan", "站儿巷镇大山村二组", "周一至周五 8:30–12:00, 14:30–18:00", "0939-7260103", 34.0715, 106.4897, 180},
  {"gaoping", "高坪村", "Gaoping", "站儿巷镇高坪村三组", "周一至周五 8:30–12:00, 14:30–18:00", "0939-7260104", 34.0266, 106.4731, 200},
  {"baiyang", "白杨村", "Baiyang", "站儿巷镇白杨村一组", "周一至周五 9:00–12:00, 14:30–17:30", "", 34.0450, 106.4650, 150},
  {"shimen", "石门村", "Shimen", "站儿巷镇石门村四组", "周一至周五 9:00–12:00, 14:30–17:30", "", 34.0610, 106.4320, 140},
  {"xinzhuang", "新庄村", "Xinzhuang", "站儿巷镇新庄村二组", "周一至周五 9:00–12:00, 14:30–17:30", "", 34.0188, 106.4515, 160},
  {"miaoping", "庙坪村", "Miaoping", "站儿巷镇庙坪村一组", "周一至周五 9:00–12:00, 14:30–17:30", "", 34.0802, 106.4690, 130},
};

int demo_load(db *d, const char *password, zd_error *e) {
  (void)password; /* demo users arrive with the identity module */
  db_conn *w = db_writer(d);
  long long n = 0;
  int rc = db_scalar_int(w, e, &n, 0, "SELECT count(*) FROM org", "");
  if (!rc && n > 0) rc = zd_fail(e, ZD_ECONFLICT, "the database already holds organisations; demo data is loaded only into an empty one");
  if (!rc) rc = db_begin(w, e);
  long long county = 0, town = 0;
  if (!rc) rc = org_insert(w, "liangdang", ORG_COUNTY, "两当县", "Liangdang County", 0, 0, &county, e);
  if (!rc) rc = org_insert(w, "zhanerxiang", ORG_TOWNSHIP, "站儿巷镇", "Zhan'erxiang Town", county, 0, &town, e);
  for (size_t i = 0; !rc && i < sizeof villages / sizeof villages[0]; i++) {
    const demo_village *v = &villages[i];
    long long id = 0;
    char name_en[64];
    snprintf(name_en, sizeof name_en, "%s Village", v->name_en);
    rc = org_insert(w, v->code, ORG_VILLAGE, v->name, name_en, town, (int)i, &id, e);
    char cname[128];
    snprintf(cname, sizeof cname, "%s党群服务中心", v->name);
    if (!rc)
      rc = db_run(w, e,
                  "INSERT INTO center(org_id, name, address, lat, lng, floor_area_m2, opening_hours, phone) "
                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                  "issffdss", id, cname, v->center_addr, v->lat, v->lng, v->area, v->hours,
                  v->phone);
    if (rc == DB_DONE) rc = ZD_OK;
  }
  if (!rc) rc = db_commit(w, e);
  else db_rollback(w);
  db_release(w);
  return rc;
}
