/* upgrade_demo.c — the article's upgrade as demo data: the county's ¥98,000 for
** the centers of 任河, 银杏, 大山 and 高坪, "能改则改、能用则用"; their function
** areas and checklists; plaques in the clean-up campaign; an area leader's visits.
** Everything goes through the audited storage functions. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "upgrade_store.h"
#include "modules/identity/identity.h"

#define F(x) (1u << (x))
#define YUAN(y) ((long long)(y) * 100)
#define DAY 86400LL

typedef struct demo_area { const char *name; int m2; unsigned fns; } demo_area;
typedef struct demo_item { const char *title; int check; upg_decision d; long long planned, spent; const char *payee; } demo_item;
typedef struct demo_plaque { upg_location loc; const char *name, *issuing; int rules, notice; upg_plaque_decision d; const char *reason, *merged; } demo_plaque;

typedef struct demo_center {
  const char *code;
  long long allocation, approved;
  const char *approval_reason;
  upg_status status;
  demo_area areas[6];
  struct { int item; upg_check_state st; const char *note; } checks[CK_COUNT];
  demo_item items[7];
  demo_plaque plaques[10];
} demo_center;

/* All four are completed, none yet in use: going into use needs an "after"
** photo (upg_status_apply), and the demo holds no photo files. */
static const demo_center centers[] = {
  {"renhe", YUAN(26000), 0, NULL, UPS_COMPLETED,
   {{"一楼便民服务大厅", 80, F(UF_SERVICE_HALL) | F(UF_BULLETIN)},
    {"党员活动室", 60, F(UF_PARTY_ROOM) | F(UF_MEETING)},
    {"新时代文明实践站", 30, F(UF_CIVILIZATION)},
    {"农家书屋", 25, F(UF_LIBRARY)},
    {"说事长廊", 20, F(UF_TALK)}},
   {{CK_WALLS, CS_OK, "内外墙面已粉刷"}, {CK_TABLES_CHAIRS, CS_OK, "新添会议桌椅"}, {CK_BULLETIN_BOARD, CS_OK, "公开栏已翻新"},
    {CK_SIGNAGE, CS_OK, "标识标牌已更换"}, {CK_HYGIENE, CS_OK, ""}, {CK_FLAGS, CS_OK, ""},
    {CK_FIRE_SAFETY, CS_OK, "灭火器已更换"}, {-1, 0, NULL}},
   {{"内外墙面粉刷", CK_WALLS, UD_RENOVATE, YUAN(9800), YUAN(9650), "两当县某装饰队"},
    {"添置会议桌椅20套", CK_TABLES_CHAIRS, UD_RENOVATE, YUAN(6500), YUAN(6480), "两当县某家具店"},
    {"原有办公桌椅继续使用", CK_TABLES_CHAIRS, UD_REUSE, 0, 0, NULL},
    {"党务村务公开栏翻新", CK_BULLETIN_BOARD, UD_RENOVATE, YUAN(4200), YUAN(4200), "两当县某广告公司"},
    {"标识标牌更换", CK_SIGNAGE, UD_RENOVATE, YUAN(3000), YUAN(2980), "两当县某广告公司"},
    {"环境卫生整治", CK_HYGIENE, UD_RENOVATE, YUAN(2500), YUAN(2400), "村保洁员劳务"}},
   {{PL_EXTERIOR, "中共任河村支部委员会", "站儿巷镇党委", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "任河村村民委员会", "站儿巷镇人民政府", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "任河村村务监督委员会", "站儿巷镇纪委", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "任河村党群服务中心", "两当县委组织部", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "任河村综治维稳工作站", "站儿巷镇综治办", 0, 0, PD_MERGE, NULL, "综治中心"},
    {PL_EXTERIOR, "任河村老年人协会", "县老龄办", 0, 0, PD_REMOVE, NULL, NULL},
    {PL_INTERIOR, "新时代文明实践站", "县委宣传部", 0, 0, PD_KEEP, NULL, NULL},
    {PL_INTERIOR, "农家书屋", "县文旅局", 0, 0, PD_KEEP, NULL, NULL},
    {PL_INTERIOR, "村干部岗位职责", "", 1, 0, PD_REMOVE, NULL, NULL},
    {PL_ROOM_SIGN, "党员活动室", "", 0, 0, PD_KEEP, NULL, NULL}}},
  {"yinxing", YUAN(24000), 0, NULL, UPS_COMPLETED,
   {{"便民服务大厅", 60, F(UF_SERVICE_HALL)},
    {"活动室（党员活动、会议、文明实践）", 70, F(UF_PARTY_ROOM) | F(UF_MEETING) | F(UF_CIVILIZATION)},
    {"农家书屋兼群众说事室", 30, F(UF_LIBRARY) | F(UF_TALK)},
    {"院内党务村务公开栏", 0, F(UF_BULLETIN)}},
   {{CK_WALLS, CS_OK, "活动室墙面、地面已修缮"}, {CK_TABLES_CHAIRS, CS_OK, "添置桌椅40套"},
    {CK_BULLETIN_BOARD, CS_OK, ""}, {CK_SIGNAGE, CS_NEEDS_REPAIR, "门外仍有待清理的牌子"}, {CK_TOILET, CS_NEEDS_REPAIR, "无障碍扶手未装"},
    {-1, 0, NULL}},
   {{"活动室墙面及地面修缮", CK_WALLS, UD_RENOVATE, YUAN(10500), YUAN(10380), "两当县某装饰队"},
    {"添置桌椅40套", CK_TABLES_CHAIRS, UD_RENOVATE, YUAN(8000), YUAN(8000), "两当县某家具店"},
    {"党务村务公开栏修复", CK_BULLETIN_BOARD, UD_RENOVATE, YUAN(3500), YUAN(3420), "两当县某广告公司"},
    {"原有书架继续使用", CK_EQUIPMENT, UD_REUSE, 0, 0, NULL},
    {"标识标牌更换", CK_SIGNAGE, UD_RENOVATE, YUAN(1800), YUAN(1750), "两当县某广告公司"}},
   {{PL_EXTERIOR, "中共银杏村支部委员会", "站儿巷镇党委", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "银杏村村民委员会", "站儿巷镇人民政府", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "银杏村科普协会", "县科协", 0, 0, PD_PENDING, NULL, NULL},
    {PL_EXTERIOR, "银杏村关心下一代工作委员会", "县关工委", 0, 0, PD_PENDING, NULL, NULL},
    {PL_INTERIOR, "银杏村妇女之家", "县妇联", 0, 0, PD_PENDING, NULL, NULL},
    {PL_INTERIOR, "退役军人服务站", "县退役军人事务局", 0, 0, PD_KEEP, NULL, NULL},
    {PL_INTERIOR, "村务公开制度", "", 1, 0, PD_PENDING, NULL, NULL},
    {PL_INTERIOR, "群众办事须知", "", 1, 1, PD_KEEP, NULL, NULL}}},
  {"dashan", YUAN(25000), YUAN(1000), "墙体空鼓面积超出预估，经镇党委会议研究同意追加。", UPS_COMPLETED,
   {{"便民服务大厅兼说事室", 50, F(UF_SERVICE_HALL) | F(UF_TALK)},
    {"党员活动室", 60, F(UF_PARTY_ROOM) | F(UF_MEETING) | F(UF_CIVILIZATION)},
    {"农家书屋", 20, F(UF_LIBRARY)},
    {"门口党务村务公开栏", 0, F(UF_BULLETIN)}},
   {{CK_WALLS, CS_OK, ""}, {CK_BULLETIN_BOARD, CS_OK, ""}, {CK_SIGNAGE, CS_OK, ""}, {CK_HYGIENE, CS_OK, ""},
    {CK_TOILET, CS_NEEDS_REPAIR, "水箱漏水"}, {-1, 0, NULL}},
   {{"外墙空鼓铲除重做", CK_WALLS, UD_RENOVATE, YUAN(11000), YUAN(11800), "两当县某装饰队"},
    {"党务村务公开栏重做", CK_BULLETIN_BOARD, UD_RENOVATE, YUAN(4600), YUAN(4600), "两当县某广告公司"},
    {"标识标牌更换", CK_SIGNAGE, UD_RENOVATE, YUAN(2600), YUAN(2600), "两当县某广告公司"},
    {"院落环境整治", CK_HYGIENE, UD_RENOVATE, YUAN(3000), YUAN(3000), "村保洁员劳务"},
    {"会议桌椅继续使用", CK_TABLES_CHAIRS, UD_REUSE, 0, 0, NULL},
    {"添置书架", CK_EQUIPMENT, UD_RENOVATE, YUAN(3800), YUAN(3800), "两当县某家具店"}},
   {{PL_EXTERIOR, "中共大山村支部委员会", "站儿巷镇党委", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "大山村村民委员会", "站儿巷镇人民政府", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "大山村股份经济合作社", "站儿巷镇人民政府", 0, 0, PD_KEEP, NULL, NULL},
    {PL_INTERIOR, "农家书屋", "县文旅局", 0, 0, PD_KEEP, NULL, NULL},
    {PL_INTERIOR, "大山村人民调解委员会", "县司法局", 0, 0, PD_KEEP, NULL, NULL}}},
  {"gaoping", YUAN(23000), 0, NULL, UPS_COMPLETED,
   {{"便民服务大厅", 55, F(UF_SERVICE_HALL) | F(UF_BULLETIN)},
    {"党员活动室", 55, F(UF_PARTY_ROOM) | F(UF_MEETING)},
    {"新时代文明实践站暨农家书屋", 35, F(UF_CIVILIZATION) | F(UF_LIBRARY)},
    {"群众说事室", 15, F(UF_TALK)}},
   {{CK_WALLS, CS_OK, ""}, {CK_TABLES_CHAIRS, CS_OK, ""}, {CK_BULLETIN_BOARD, CS_OK, ""}, {CK_SIGNAGE, CS_OK, ""},
    {CK_HYGIENE, CS_NEEDS_REPAIR, "院内杂物待清运"}, {CK_ACCESS, CS_MISSING, "门口台阶无坡道"}, {-1, 0, NULL}},
   {{"内墙粉刷", CK_WALLS, UD_RENOVATE, YUAN(9000), YUAN(8900), "两当县某装饰队"},
    {"添置桌椅", CK_TABLES_CHAIRS, UD_RENOVATE, YUAN(6000), YUAN(5900), "两当县某家具店"},
    {"公开栏修复", CK_BULLETIN_BOARD, UD_RENOVATE, YUAN(3800), YUAN(3800), "两当县某广告公司"},
    {"标识标牌更换", CK_SIGNAGE, UD_RENOVATE, YUAN(2200), YUAN(2200), "两当县某广告公司"},
    {"原有门窗继续使用", CK_DOORS_WINDOWS, UD_REUSE, 0, 0, NULL},
    {"环境卫生整治", CK_HYGIENE, UD_RENOVATE, YUAN(1500), 0, NULL}},
   {{PL_EXTERIOR, "中共高坪村支部委员会", "站儿巷镇党委", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "高坪村村民委员会", "站儿巷镇人民政府", 0, 0, PD_KEEP, NULL, NULL},
    {PL_EXTERIOR, "高坪村村务监督委员会", "站儿巷镇纪委", 0, 0, PD_KEEP, NULL, NULL},
    {PL_INTERIOR, "新时代文明实践站", "县委宣传部", 0, 0, PD_KEEP, NULL, NULL},
    {PL_INTERIOR, "高坪村禁毒工作站", "县禁毒办", 0, 0, PD_KEEP, "县禁毒委2023年文件要求保留", NULL}}},
};

static const char *const milestones[] = {"改造方案确定", "施工进场", "完工验收"};

static long long user_id(db_conn *w, const char *login, zd_error *e) {
  user u;
  return ident_user_by_login(w, login, &u, NULL, 0, e) == ZD_OK ? u.id : 0;
}

static int demo_center_one(db_conn *w, const demo_center *dc, long long fund, long long county, long long town, long long now,
                           zd_error *e) {
  const char *actor = "system:demo";
  org v;
  int rc = org_by_code(w, dc->code, &v, e);
  if (rc) return rc;
  upg_center_change ch;
  memset(&ch, 0, sizeof ch);
  upg_area areas[6];
  memset(areas, 0, sizeof areas);
  for (int i = 0; i < 6 && dc->areas[i].name; i++) {
    snprintf(areas[i].name, sizeof areas[i].name, "%s", dc->areas[i].name);
    areas[i].area_m2 = dc->areas[i].m2;
    areas[i].fns = dc->areas[i].fns;
    ch.nareas = i + 1;
  }
  ch.set_areas = 1;
  ch.areas = areas;
  for (int i = 0; i < CK_COUNT && dc->checks[i].item >= 0; i++) {
    if (!dc->checks[i].note) break;
    ch.checks[i].item = (upg_check_item)dc->checks[i].item;
    ch.checks[i].state = dc->checks[i].st;
    ch.checks[i].note = dc->checks[i].note;
    ch.nchecks = i + 1;
  }
  rc = upg_center_update(w, actor, county, &v, &ch, e);
  if (rc) return rc;
  long long pid = 0;
  int created = 0;
  if ((rc = upg_allocation_set(w, actor, fund, &v, NULL, dc->allocation, &pid, &created, e))) return rc;
  upg_project p;
  if ((rc = upg_project_get(w, pid, &p, e))) return rc;
  if (dc->approved) {
    long long aid;
    if ((rc = upg_approval_insert(w, actor, town, pid, dc->approved, dc->approval_reason, &aid, e))) return rc;
  }
  long long admin = 0;
  char login[64];
  snprintf(login, sizeof login, "%s-admin", dc->code);
  admin = user_id(w, login, e);
  if (!admin) admin = county;
  for (int i = 0; i < 7 && dc->items[i].title; i++) {
    const demo_item *di = &dc->items[i];
    upg_item it;
    memset(&it, 0, sizeof it);
    snprintf(it.title, sizeof it.title, "%s", di->title);
    it.check_item = di->check;
    it.decision = di->d;
    it.planned = di->planned;
    long long iid;
    if ((rc = upg_item_insert(w, actor, &p, &it, &iid, e))) return rc;
    if (di->spent > 0) {
      upg_spend_new sp = {di->spent, iid, now - (60 - i * 5) * DAY, di->payee, "", NULL};
      long long sid;
      int over;
      if ((rc = upg_spend_insert(w, actor, admin, pid, &sp, &sid, &over, e))) return rc;
    }
  }
  for (size_t m = 0; m < sizeof milestones / sizeof milestones[0]; m++) {
    long long mid, due = now - (70 - (long long)m * 15) * DAY;
    int done = dc->status >= UPS_COMPLETED || m < 2;
    if ((rc = upg_milestone_insert(w, actor, pid, milestones[m], due, done ? due : 0, &mid, e))) return rc;
  }
  for (int s = UPS_IN_PROGRESS; s <= (int)dc->status; s++)
    if ((rc = upg_status_set(w, actor, pid, (upg_status)s, e))) return rc;
  for (int i = 0; i < 10 && dc->plaques[i].name; i++) {
    const demo_plaque *dp = &dc->plaques[i];
    upg_plaque pl;
    memset(&pl, 0, sizeof pl);
    pl.org_id = v.id;
    pl.loc = dp->loc;
    snprintf(pl.name, sizeof pl.name, "%s", dp->name);
    snprintf(pl.issuing, sizeof pl.issuing, "%s", dp->issuing);
    pl.rules_poster = dp->rules;
    pl.public_notice = dp->notice;
    long long plid;
    if ((rc = upg_plaque_insert(w, actor, &pl, &plid, e))) return rc;
    if (dp->d != PD_PENDING &&
        (rc = upg_plaque_decide(w, actor, admin, plid, dp->d, dp->reason, dp->merged, NULL, e)))
      return rc;
  }
  return ZD_OK;
}

int upgrade_demo(db_conn *w, zd_error *e) {
  const char *actor = "system:demo";
  long long now = (long long)time(NULL);
  org town;
  int rc = org_by_code(w, "zhanerxiang", &town, e);
  if (rc) return rc;
  long long county = user_id(w, "county", e), township = user_id(w, "township", e), leader = user_id(w, "leader", e);
  if (!county || !township || !leader) return zd_fail(e, ZD_EINTERNAL, "the demo users are missing");
  upg_fund f;
  memset(&f, 0, sizeof f);
  f.org_id = town.id;
  f.total = YUAN(98000);
  f.created_at = now - 90 * DAY;
  snprintf(f.source, sizeof f.source, "%s", "两当县委组织部");
  snprintf(f.title, sizeof f.title, "%s", "村级党群服务中心提档升级资金");
  long long fund = 0;
  if ((rc = upg_fund_insert(w, actor, county, &f, &fund, e))) return rc;
  for (size_t i = 0; i < sizeof centers / sizeof centers[0]; i++)
    if ((rc = demo_center_one(w, &centers[i], fund, county, township, now, e))) return rc;

  /* the area leader's visits: one task closed on re-inspection, one open, one overdue */
  org renhe, yinxing;
  if ((rc = org_by_code(w, "renhe", &renhe, e)) || (rc = org_by_code(w, "yinxing", &yinxing, e))) return rc;
  long long renhe_admin = user_id(w, "renhe-admin", e), yinxing_admin = user_id(w, "yinxing-admin", e);
  long long insp, fid;
  rc = upg_inspection_insert(w, actor, leader, renhe.id, "visit", now - 30 * DAY, "检查任河村阵地改造后使用情况。", &insp, e);
  upg_finding_new f1 = {"灭火器已过有效期，需更换。", NULL, CK_FIRE_SAFETY, renhe_admin, now - 23 * DAY};
  if (!rc) rc = upg_finding_insert(w, actor, insp, renhe.id, &f1, &fid, e);
  if (!rc) rc = upg_finding_report(w, actor, fid, "已购置新灭火器4具，放置于大厅和活动室。", NULL, e);
  if (!rc) rc = upg_finding_reinspect(w, actor, leader, fid, 1, "现场查看，已更换。", NULL, 0, e);
  if (!rc) rc = upg_inspection_insert(w, actor, leader, renhe.id, "visit", now - 10 * DAY, "实地调度说事长廊使用情况。", &insp, e);
  upg_finding_new f2 = {"说事长廊座椅不足，群众说事时站着。", NULL, CK_TABLES_CHAIRS, renhe_admin, now + 4 * DAY};
  if (!rc) rc = upg_finding_insert(w, actor, insp, renhe.id, &f2, &fid, e);
  if (!rc) rc = upg_inspection_insert(w, actor, leader, yinxing.id, "visit", now - 20 * DAY, "督导银杏村规范清理挂牌。", &insp, e);
  upg_finding_new f3 = {"门外仍挂有科普协会、关工委牌子，需按清单清理并拍照留存。", NULL, CK_SIGNAGE, yinxing_admin, now - 13 * DAY};
  if (!rc) rc = upg_finding_insert(w, actor, insp, yinxing.id, &f3, &fid, e);
  return rc;
}
