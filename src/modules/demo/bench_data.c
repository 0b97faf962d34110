/* bench_data.c — see bench_data.h. Everything is written through the modules'
** own functions (org_insert, center_insert, ident_user_add, ident_role_add,
** appeal_create, appeal_transition), so the audit chain covers every row. */
#include "bench_data.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "modules/appeal/appeal.h"
#include "modules/appeal/appeal_store.h"
#include "modules/audit/audit.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"

#define ACTOR "system:bench"
#define PER_TOWNSHIP 20
#define BATCH 250

typedef struct town_name { const char *code, *name, *name_en; } town_name;

/* Townships added around the demo's 站儿巷镇 (names in the style of the county's). */
static const town_name towns[] = {
  {"chengguan", "城关镇", "Chengguan"}, {"xipo", "西坡镇", "Xipo"},      {"yangdian", "杨店乡", "Yangdian"},
  {"xianlong", "显龙乡", "Xianlong"},  {"yuchi", "鱼池乡", "Yuchi"},      {"zuojia", "左家乡", "Zuojia"},
  {"yunping", "云屏乡", "Yunping"},    {"xinghua", "兴化乡", "Xinghua"},  {"jindong", "金洞乡", "Jindong"},
  {"taishan", "泰山乡", "Taishan"},    {"guangjin", "广金乡", "Guangjin"}, {"lingguan", "灵官镇", "Lingguan"},
  {"baishui", "白水镇", "Baishui"},    {"hongtu", "红土乡", "Hongtu"},    {"qinglong", "青龙乡", "Qinglong"},
  {"shuiping", "水坪乡", "Shuiping"},  {"majia", "马家乡", "Majia"},      {"liulin", "柳林镇", "Liulin"},
  {"shiguan", "石关乡", "Shiguan"},    {"dongyue", "东岳乡", "Dongyue"},
};
#define NTOWNS (sizeof towns / sizeof towns[0])

static const char *const first[] = {"红", "石", "柳", "杨", "马", "王", "李", "张", "新", "高",
                                    "大", "小", "东", "西", "南", "北", "上", "下", "前", "后"};
static const char *const second[] = {"崖", "沟", "坪", "湾", "庄", "河", "坝", "岭", "山", "川",
                                     "台", "寨", "堡", "园", "岔"};

typedef struct matter { const char *kind, *content; } matter;
static const matter matters[] = {
  {"village", "二组到村委会的路灯坏了三个多月，晚上走路不安全，希望尽快修好。"},
  {"village", "村口垃圾收集点清运不及时，天热以后气味很大，影响周边住户。"},
  {"village", "通组道路有一段塌方，下雨后摩托车和三轮车都过不去。"},
  {"village", "自来水这几天时有时无，水压很低，高处几户人家接不上水。"},
  {"village", "希望农家书屋周末也能开放，孩子们放假想去看书。"},
  {"village", "村里的文化广场健身器材坏了两件，老人锻炼时容易受伤。"},
  {"village", "河道里堆了不少建筑垃圾，汛期前需要清理。"},
  {"village", "申请在小学门口增设减速带和警示牌，车辆经过速度太快。"},
  {"village", "合作社的分红方案什么时候公开？大家想了解具体标准。"},
  {"village", "低保评议的名单希望在公开栏张贴，并说明评议程序。"},
  {"neighbour", "邻居家新砌的围墙占了我家门前的排水沟，下雨就积水。"},
  {"neighbour", "楼上邻居晚上十一点后还在装修，影响老人和孩子休息。"},
  {"neighbour", "两家地界的核桃树归属有争议，希望村里帮忙调解。"},
  {"neighbour", "邻居养的狗经常放出来，已经咬伤过路人，需要拴养。"},
  {"neighbour", "隔壁在公共道路上堆放柴草，车辆通行困难，也有火灾隐患。"},
  {"neighbour", "宅基地之间的通道被占用，出入不方便，协商多次没有结果。"},
  {"family", "独居老人冬季取暖用煤不足，需要帮扶。"},
  {"family", "儿子外出务工，留守老人看病需要有人陪同去镇卫生院。"},
  {"family", "家里老人的养老保险认证不会在手机上操作，请帮忙办理。"},
  {"family", "孩子上学的助学金申请需要村里出证明，不清楚要准备哪些材料。"},
  {"family", "兄弟之间赡养老人的费用分担有矛盾，请村里调解。"},
  {"family", "残疾人两项补贴这个季度没有到账，想问问原因。"},
};
#define NMATTERS (sizeof matters / sizeof matters[0])

static const char *const places[] = {"一组", "二组", "三组", "四组", "五组", "村口", "村委会", "党群服务中心",
                                     "集中安置点", "小学门口", "文化广场", "河道边", "通组路", ""};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "何", "马"};
static const char *const given[] = {"建国", "秀英", "志强", "桂兰", "德明", "玉梅", "永红", "小军", "海燕", "文斌"};
static const char *const answers[] = {"已安排人员现场处理，问题已解决。", "已联系镇上相关部门，按程序办理完毕。",
                                      "经村调解委员会调解，双方达成一致。", "已协助办理，材料已报送，请留意到账情况。"};

static unsigned rnd(unsigned *s) { /* xorshift: reproducible choices for a given seed */
  unsigned x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x ? x : 0x9E3779B9u;
}
static int pick(unsigned *s, int n) { return (int)(rnd(s) % (unsigned)n); }

typedef struct vill {
  long long id;
  char code[33];
  char cadre[65]; /* login of a user who may handle its matters; "" when none */
  long long cadre_id;
} vill;

typedef struct ctx {
  db_conn *w;
  const bench_opts *o;
  bench_counts *n;
  vill *v;
  int nv, cap;
  zd_error *e;
} ctx;

static int add_village(ctx *c, long long id, const char *code, const char *cadre) {
  if (c->nv == c->cap) {
    int cap = c->cap ? c->cap * 2 : 64;
    vill *nv = realloc(c->v, (size_t)cap * sizeof *nv);
    if (!nv) return zd_fail(c->e, ZD_EINTERNAL, "out of memory");
    c->v = nv;
    c->cap = cap;
  }
  vill *v = &c->v[c->nv++];
  memset(v, 0, sizeof *v);
  v->id = id;
  snprintf(v->code, sizeof v->code, "%s", code);
  snprintf(v->cadre, sizeof v->cadre, "%s", cadre ? cadre : "");
  return ZD_OK;
}

/* The villages there already (the demo's), with a user who may handle each. */
static int existing(ctx *c) {
  db_stmt *s = db_query(c->w, c->e,
                        "SELECT o.id, o.code, COALESCE((SELECT u.login FROM user_role ur JOIN users u ON u.id = ur.user_id "
                        "WHERE ur.org_id = o.id AND ur.role IN ('cadre', 'center-admin') ORDER BY ur.id LIMIT 1), '') "
                        "FROM org o WHERE o.kind IN ('village', 'community') ORDER BY o.id", "");
  if (!s) return c->e->rc;
  int rc;
  while ((rc = db_step(s, c->e)) == DB_ROW)
    if (add_village(c, db_col_int(s, 0), db_col_text(s, 1), db_col_text(s, 2))) { rc = c->e->rc; break; }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

/* A village that has no handler yet gets a cadre (the demo has them for two of eight). */
static int give_cadre(ctx *c, vill *v) {
  if (v->cadre[0]) return ZD_OK;
  char login[65], display[128];
  snprintf(login, sizeof login, "%s-cadre", v->code);
  snprintf(display, sizeof display, "%s 村委委员", v->code);
  int rc = ident_user_add(c->w, ACTOR, login, display, c->o->password, ROLE_CADRE, v->code, NULL, c->e);
  if (rc) return rc;
  snprintf(v->cadre, sizeof v->cadre, "%s", login);
  c->n->users++;
  return ZD_OK;
}

static int add_township(ctx *c, long long county, int t, int nvill, unsigned *seed) {
  const town_name *tn = &towns[t];
  long long tid = 0;
  char name_en[96], code[40], name[128], branch[160];
  snprintf(name_en, sizeof name_en, "%s Township", tn->name_en);
  int rc = org_insert(c->w, ACTOR, tn->code, ORG_TOWNSHIP, tn->name, name_en, county, t + 1, &tid, c->e);
  if (rc) return rc;
  c->n->townships++;
  snprintf(code, sizeof code, "%s-dw", tn->code);
  snprintf(name, sizeof name, "中共%s委员会", tn->name);
  if ((rc = org_insert(c->w, ACTOR, code, ORG_PARTY_COMMITTEE, name, "", tid, 100, NULL, c->e))) return rc;
  char login[65], display[128];
  snprintf(login, sizeof login, "%s-admin", tn->code);
  snprintf(display, sizeof display, "%s 组织委员", tn->name);
  if ((rc = ident_user_add(c->w, ACTOR, login, display, c->o->password, ROLE_TOWNSHIP_ADMIN, tn->code, NULL, c->e)))
    return rc;
  c->n->users++;
  for (int i = 0; i < nvill; i++) {
    long long vid = 0;
    char vcode[40], vname[64], ven[64];
    snprintf(vcode, sizeof vcode, "%s-%02d", tn->code, i + 1);
    snprintf(vname, sizeof vname, "%s%s村", first[(i + t * 3) % 20], second[(i * 7 + t) % 15]);
    snprintf(ven, sizeof ven, "%s Village %d", tn->name_en, i + 1);
    if ((rc = org_insert(c->w, ACTOR, vcode, ORG_VILLAGE, vname, ven, tid, i, &vid, c->e))) return rc;
    center ce;
    memset(&ce, 0, sizeof ce);
    snprintf(ce.name, sizeof ce.name, "%s党群服务中心", vname);
    snprintf(ce.address, sizeof ce.address, "%s%s村委会", tn->name, vname);
    snprintf(ce.opening_hours, sizeof ce.opening_hours, "周一至周五 8:30–12:00, 14:30–18:00");
    ce.lat = 33.9 + pick(seed, 3000) / 10000.0;
    ce.lng = 106.2 + pick(seed, 5000) / 10000.0;
    ce.floor_area_m2 = 120 + pick(seed, 200);
    if ((rc = center_insert(c->w, ACTOR, vid, &ce, c->e))) return rc;
    char bcode[48];
    snprintf(bcode, sizeof bcode, "%s-dzb", vcode);
    snprintf(branch, sizeof branch, "中共%s支部委员会", vname);
    if ((rc = org_insert(c->w, ACTOR, bcode, ORG_PARTY_BRANCH, branch, "", vid, 100, NULL, c->e))) return rc;
    if ((rc = add_village(c, vid, vcode, NULL))) return rc;
    c->n->villages++;
  }
  return ZD_OK;
}

/* How far a matter of this age has gone: 0 received … 6 closed satisfied, 7 rated unsatisfied (reopened). */
static int steps_for_age(unsigned *seed, int days) {
  int p = pick(seed, 100);
  if (days > 45) return p < 80 ? 6 : p < 88 ? 7 : p < 95 ? 5 : 2;
  if (days > 7) return 1 + pick(seed, 6);
  return pick(seed, 4);
}

static int one_appeal(ctx *c, unsigned *seed, long long now) {
  vill *v = &c->v[pick(seed, c->nv)];
  int days = pick(seed, 365);
  long long t = now - (long long)days * 86400 - pick(seed, 86400);
  const matter *m = &matters[pick(seed, (int)NMATTERS)];
  int online = pick(seed, 100) < 60;
  static const char *const offline[] = {"room", "day", "visit", "phone", "wechat"};
  char name[32] = "", phone[24] = "";
  if (pick(seed, 100) < 70) snprintf(name, sizeof name, "%s%s", surnames[pick(seed, 12)], given[pick(seed, 10)]);
  if (pick(seed, 100) < 60) snprintf(phone, sizeof phone, "13%09u", rnd(seed) % 1000000000u);
  int rc = give_cadre(c, v);
  if (rc) return rc;
  if (!v->cadre_id) {
    user u;
    if ((rc = ident_user_by_login(c->w, v->cadre, &u, NULL, 0, c->e))) return rc;
    v->cadre_id = u.id;
  }
  appeal_new in = {v->code, m->kind, m->content, places[pick(seed, 14)], name, phone,
                   online ? "online" : offline[pick(seed, 5)], NULL, t};
  char number[24], code[10], actor[96];
  if (online) snprintf(actor, sizeof actor, "public:10.0.%d.%d", pick(seed, 255), pick(seed, 255));
  else snprintf(actor, sizeof actor, "user:%s", v->cadre);
  if ((rc = appeal_create(c->w, actor, online ? 0 : v->cadre_id, &in, number, code, c->e))) return rc;
  c->n->appeals++;
  if (c->o->codes) fprintf(c->o->codes, "%s %s %s\n", number, code, v->code);
  static const char *const modes[] = {"on_site", "cadre_led", "joint_township", "joint_department"};
  static const appeal_action path[] = {AA_REGISTER, AA_ASSIGN, AA_START, AA_RESOLVE, AA_ANSWER, AA_RATE, AA_CLOSE};
  int steps = steps_for_age(seed, days);
  char handler[80];
  snprintf(handler, sizeof handler, "user:%s", v->cadre);
  for (int k = online ? 0 : 1; k <= steps && k < 7; k++) {
    long long at = t + (long long)(k + 1) * 3600 * 20;
    if (at > now) at = now;
    appeal_change ch = {{path[k], AM_COUNT, AR_NONE, 0, 0}, NULL, NULL, at};
    if (path[k] == AA_ASSIGN) {
      ch.step.mode = (appeal_mode)appeal_mode_parse(modes[pick(seed, 4)]);
      ch.owner = v->cadre;
    }
    if (path[k] == AA_RESOLVE) ch.text = "已办理。";
    if (path[k] == AA_ANSWER) ch.text = answers[pick(seed, 4)];
    if (path[k] == AA_RATE) ch.step.rating = steps == 7 ? AR_UNSATISFIED : pick(seed, 4) ? AR_SATISFIED : AR_BASIC;
    if (path[k] == AA_CLOSE && steps == 7) break;
    char rater[64];
    snprintf(rater, sizeof rater, "public:10.0.%d.%d", pick(seed, 255), pick(seed, 255));
    rc = appeal_transition(c->w, path[k] == AA_RATE ? rater : handler, number, &ch, NULL, NULL, 0, c->e);
    if (rc) return rc;
    c->n->transitions++;
  }
  return ZD_OK;
}

/* A Party member: a user holding the member role at the village's branch. The
** Argon2id hash is computed once for all of them (20,000 hashes would take
** minutes); the rows and their audit entries are what user creation writes. */
static int one_member(ctx *c, unsigned *seed, int i, const char *hash) {
  vill *v = &c->v[pick(seed, c->nv)];
  char login[65], display[64], bcode[48];
  snprintf(login, sizeof login, "m%05d-%s", i + 1, v->code);
  snprintf(display, sizeof display, "%s%s", surnames[pick(seed, 12)], given[pick(seed, 10)]);
  snprintf(bcode, sizeof bcode, "%s-dzb", v->code);
  org b;
  int rc = org_by_code(c->w, bcode, &b, c->e);
  if (rc == ZD_ENOTFOUND) rc = org_by_code(c->w, v->code, &b, c->e); /* no branch: the village itself */
  if (rc) return rc;
  db_stmt *s = db_query(c->w, c->e, "INSERT INTO users(login, display_name, pw_hash, created_at) VALUES(?, ?, ?, ?) RETURNING id",
                        "sssi", login, display, hash, (long long)time(NULL));
  if (!s) return c->e->rc;
  long long uid = 0;
  rc = db_step(s, c->e);
  if (rc == DB_ROW) uid = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[64];
  buf after = BUF_INIT;
  snprintf(obj, sizeof obj, "user:%lld", uid);
  buf_printf(&after, "{\"login\":\"%j\",\"display_name\":\"%j\"}", login, display);
  rc = audit_append(c->w, ACTOR, "user.create", obj, b.id, "", buf_str(&after), c->e);
  buf_free(&after);
  if (!rc) rc = ident_role_add(c->w, ACTOR, uid, ROLE_MEMBER, b.id, c->e);
  if (!rc) c->n->members++;
  return rc;
}

/* Run fn count times in transactions of BATCH. */
static int batched(ctx *c, const char *what, int count, int (*fn)(ctx *, unsigned *, int, void *), unsigned *seed,
                   void *arg) {
  int rc = ZD_OK;
  for (int i = 0; i < count && !rc;) {
    if ((rc = db_begin(c->w, c->e))) break;
    for (int k = 0; k < BATCH && i < count && !rc; k++, i++) rc = fn(c, seed, i, arg);
    if (!rc) rc = db_commit(c->w, c->e);
    else db_rollback(c->w);
    if (c->o->progress && (i % 2000 < BATCH || i == count)) fprintf(stderr, "\r  %-8s %d / %d", what, i, count);
  }
  if (c->o->progress && count) fprintf(stderr, "\n");
  return rc;
}

static int appeal_fn(ctx *c, unsigned *seed, int i, void *arg) {
  (void)i;
  return one_appeal(c, seed, *(long long *)arg);
}
static int member_fn(ctx *c, unsigned *seed, int i, void *arg) { return one_member(c, seed, i, arg); }

int bench_data_load(db *d, const bench_opts *o, bench_counts *out, zd_error *e) {
  bench_counts n = {0};
  unsigned seed = o->seed ? o->seed : 1;
  db_conn *w = db_writer(d);
  ctx c = {w, o, &n, NULL, 0, 0, e};
  org county;
  int rc = org_by_code(w, "liangdang", &county, e);
  if (rc == ZD_ENOTFOUND) rc = zd_fail(e, ZD_EINVAL, "no demo county here: run `zhendi init --demo` first");
  if (!rc) rc = existing(&c);
  int want = o->villages - c.nv;
  if (!rc && want > (int)NTOWNS * PER_TOWNSHIP)
    rc = zd_fail(e, ZD_EINVAL, "at most %d villages", c.nv + (int)NTOWNS * PER_TOWNSHIP);
  if (!rc && want > 0) {
    rc = db_begin(w, e);
    for (int t = 0; !rc && want > 0; t++) {
      int k = want < PER_TOWNSHIP ? want : PER_TOWNSHIP;
      rc = add_township(&c, county.id, t, k, &seed);
      want -= k;
    }
    if (!rc) rc = db_commit(w, e);
    else db_rollback(w);
    if (!rc && o->progress) fprintf(stderr, "  %d townships, %d villages added\n", n.townships, n.villages);
  }
  if (!rc && o->appeals > 0) {
    /* the villages' cadres first: each is an Argon2id hash (~16 ms) */
    rc = db_begin(w, e);
    for (int i = 0; !rc && i < c.nv; i++) rc = give_cadre(&c, &c.v[i]);
    if (!rc) rc = db_commit(w, e);
    else db_rollback(w);
    long long now = (long long)time(NULL);
    if (!rc) rc = batched(&c, "appeals", o->appeals, appeal_fn, &seed, &now);
  }
  if (!rc && o->members > 0) {
    char hash[crypto_pwhash_STRBYTES];
    if (ident_hash_password(o->password, hash, sizeof hash)) rc = zd_fail(e, ZD_EINTERNAL, "cannot hash the password");
    if (!rc) rc = batched(&c, "members", o->members, member_fn, &seed, hash);
  }
  db_release(w);
  free(c.v);
  if (out) *out = n;
  return rc;
}
