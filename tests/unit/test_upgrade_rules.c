/* test_upgrade_rules.c — 改 (src/modules/upgrade/upgrade_rules.c and the image
** pipeline): money in fen at every edge (exactly the allocation, one fen over,
** over-budget approvals, zero, negative, overflow), the project status machine,
** plaque compliance and clean-up, task deadlines, dates, EXIF, the re-encoded
** public copy, and that the schema and the catalogue know every key and label. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>
#include <stdlib.h>
#include <string.h>

#include "modules/upgrade/upgrade.h"
#include "platform/assets.h"
#include "platform/buf.h"
#include "platform/err.h"
#include "platform/i18n.h"

/* --- money: spending against allocation + approvals --- */

static void spend_exactly_the_allocation(void **state) {
  (void)state;
  upg_budget b = {9800000, 0, 9799999};
  int over = -1;
  const char *why = "x";
  assert_int_equal(upg_spend_check(&b, 1, &over, &why), ZD_OK);
  assert_int_equal(over, 0);
  assert_null(why);
  upg_budget empty = {2450000, 0, 0};
  assert_int_equal(upg_spend_check(&empty, 2450000, &over, &why), ZD_OK);
  assert_int_equal(over, 0);
}

static void spend_one_fen_over(void **state) {
  (void)state;
  upg_budget b = {2450000, 0, 2450000};
  int over;
  const char *why = NULL;
  assert_int_equal(upg_spend_check(&b, 1, &over, &why), ZD_ECONFLICT);
  assert_non_null(why);
  assert_non_null(strstr(why, "over-budget approval"));
  upg_budget fresh = {2450000, 0, 0};
  assert_int_equal(upg_spend_check(&fresh, 2450001, &over, &why), ZD_ECONFLICT);
}

static void spend_over_with_approval(void **state) {
  (void)state;
  upg_budget b = {2500000, 100000, 2450000};
  int over = 0;
  const char *why;
  /* within the allocation: not over */
  assert_int_equal(upg_spend_check(&b, 50000, &over, &why), ZD_OK);
  assert_int_equal(over, 0);
  /* one fen past the allocation, covered by the approval: allowed, flagged */
  assert_int_equal(upg_spend_check(&b, 50001, &over, &why), ZD_OK);
  assert_int_equal(over, 1);
  /* exactly allocation + approval */
  assert_int_equal(upg_spend_check(&b, 150000, &over, &why), ZD_OK);
  assert_int_equal(over, 1);
  /* one fen past allocation + approval: refused, saying another approval is needed */
  assert_int_equal(upg_spend_check(&b, 150001, &over, &why), ZD_ECONFLICT);
  assert_non_null(strstr(why, "another over-budget approval"));
}

static void spend_zero_negative_too_large(void **state) {
  (void)state;
  upg_budget b = {2500000, 0, 0};
  int over;
  const char *why;
  assert_int_equal(upg_spend_check(&b, 0, &over, &why), ZD_EINVAL);
  assert_string_equal(why, "The amount must be more than zero.");
  assert_int_equal(upg_spend_check(&b, -1, &over, &why), ZD_EINVAL);
  assert_int_equal(upg_spend_check(&b, LLONG_MIN, &over, &why), ZD_EINVAL);
  assert_int_equal(upg_spend_check(&b, UPG_MONEY_MAX + 1, &over, &why), ZD_EINVAL);
  assert_string_equal(why, "The amount is too large.");
  upg_budget big = {UPG_MONEY_MAX, 0, 0};
  assert_int_equal(upg_spend_check(&big, UPG_MONEY_MAX, &over, &why), ZD_OK);
}

static void spend_overflow_is_refused(void **state) {
  (void)state;
  int over;
  const char *why;
  upg_budget a = {LLONG_MAX, 1, 0}; /* cap overflows */
  assert_int_equal(upg_spend_check(&a, 1, &over, &why), ZD_ECONFLICT);
  assert_string_equal(why, "The amounts are out of range.");
  upg_budget s = {LLONG_MAX, 0, LLONG_MAX}; /* spent + amount overflows */
  assert_int_equal(upg_spend_check(&s, 1, &over, &why), ZD_ECONFLICT);
  upg_budget n = {100, -5, 0}; /* negative stored totals are never trusted */
  assert_int_equal(upg_spend_check(&n, 1, &over, &why), ZD_ECONFLICT);
  upg_budget ns = {100, 0, -100};
  assert_int_equal(upg_spend_check(&ns, 150, &over, &why), ZD_ECONFLICT);
  long long out;
  assert_int_equal(upg_money_add(LLONG_MAX, 1, &out), ZD_ECONFLICT);
  assert_int_equal(upg_money_add(LLONG_MIN, -1, &out), ZD_ECONFLICT);
  assert_int_equal(upg_money_add(40, 2, &out), ZD_OK);
  assert_int_equal(out, 42);
}

static void allocation_edges(void **state) {
  (void)state;
  const char *why;
  /* the four villages of the article: 98,000 in all */
  assert_int_equal(upg_allocation_check(9800000, 7500000, 2300000, 0, 0, &why), ZD_OK);        /* exactly the total */
  assert_int_equal(upg_allocation_check(9800000, 7500000, 2300001, 0, 0, &why), ZD_ECONFLICT);  /* one fen over */
  assert_string_equal(why, "The allocations would exceed the fund's total.");
  assert_int_equal(upg_allocation_check(9800000, 0, 0, 0, 0, &why), ZD_EINVAL);
  assert_int_equal(upg_allocation_check(9800000, 0, -1, 0, 0, &why), ZD_EINVAL);
  assert_int_equal(upg_allocation_check(9800000, 0, UPG_MONEY_MAX + 1, 0, 0, &why), ZD_EINVAL);
  /* lowering an allocation: not below what was spent beyond approvals */
  assert_int_equal(upg_allocation_check(9800000, 0, 2000000, 0, 2000000, &why), ZD_OK);
  assert_int_equal(upg_allocation_check(9800000, 0, 1999999, 0, 2000000, &why), ZD_ECONFLICT);
  assert_string_equal(why, "The allocation would be less than what the project has spent.");
  assert_int_equal(upg_allocation_check(9800000, 0, 1999999, 1, 2000000, &why), ZD_OK);
  assert_int_equal(upg_allocation_check(LLONG_MAX, LLONG_MAX, 1, 0, 0, &why), ZD_ECONFLICT);
  assert_int_equal(upg_fund_total_check(9800000, &why), ZD_OK);
  assert_int_equal(upg_fund_total_check(0, &why), ZD_EINVAL);
  assert_int_equal(upg_fund_total_check(-9800000, &why), ZD_EINVAL);
  assert_int_equal(upg_fund_total_check(UPG_MONEY_MAX + 1, &why), ZD_EINVAL);
}

static void approval_rules(void **state) {
  (void)state;
  const char *why;
  assert_int_equal(upg_approval_check(100000, "墙体空鼓面积超出预估", &why), ZD_OK);
  assert_int_equal(upg_approval_check(0, "x", &why), ZD_EINVAL);
  assert_int_equal(upg_approval_check(-1, "x", &why), ZD_EINVAL);
  assert_int_equal(upg_approval_check(UPG_MONEY_MAX + 1, "x", &why), ZD_EINVAL);
  assert_int_equal(upg_approval_check(100, NULL, &why), ZD_EINVAL);
  assert_int_equal(upg_approval_check(100, "   ", &why), ZD_EINVAL);
  assert_int_equal(upg_approval_check(100, "\xe3\x80\x80", &why), ZD_EINVAL); /* an ideographic space */
  char longer[1600];
  memset(longer, 0, sizeof longer);
  for (int i = 0; i < 501; i++) memcpy(longer + i * 3, "超", 3);
  assert_int_equal(upg_approval_check(100, longer, &why), ZD_EINVAL);
  longer[500 * 3] = 0;
  assert_int_equal(upg_approval_check(100, longer, &why), ZD_OK);
}

static void money_format(void **state) {
  (void)state;
  char s[48];
  upg_money_format(0, s, sizeof s);
  assert_string_equal(s, "¥0.00");
  upg_money_format(1, s, sizeof s);
  assert_string_equal(s, "¥0.01");
  upg_money_format(9800000, s, sizeof s);
  assert_string_equal(s, "¥98,000.00");
  upg_money_format(123456789, s, sizeof s);
  assert_string_equal(s, "¥1,234,567.89");
  upg_money_format(-150, s, sizeof s);
  assert_string_equal(s, "-¥1.50");
  upg_money_format(UPG_MONEY_MAX, s, sizeof s);
  assert_string_equal(s, "¥1,000,000,000.00");
  upg_money_format(LLONG_MIN, s, sizeof s);
  assert_string_equal(s, "-¥92,233,720,368,547,758.08");
  upg_money_format(9800000, s, 5); /* truncated, still terminated */
  assert_true(strlen(s) < 5);
}

static void money_parse(void **state) {
  (void)state;
  long long f = -1;
  assert_true(upg_money_parse("98000", &f));
  assert_int_equal(f, 9800000);
  assert_true(upg_money_parse("98,000.00", &f));
  assert_int_equal(f, 9800000);
  assert_true(upg_money_parse("1.5", &f));
  assert_int_equal(f, 150);
  assert_true(upg_money_parse("0.01", &f));
  assert_int_equal(f, 1);
  assert_true(upg_money_parse(".5", &f));
  assert_int_equal(f, 50);
  assert_true(upg_money_parse("¥12", &f));
  assert_int_equal(f, 1200);
  assert_true(upg_money_parse("￥ 1,200.50 ", &f) == 0 || f == 120050); /* a space after the sign is not accepted */
  assert_true(upg_money_parse(" ￥1,200.50 ", &f));
  assert_int_equal(f, 120050);
  assert_true(upg_money_parse("0", &f));
  assert_int_equal(f, 0);
  assert_true(upg_money_parse("1000000000.00", &f));
  assert_int_equal(f, UPG_MONEY_MAX);
  const char *bad[] = {"", " ", "abc", "1.234", "-1", "+1", "1,,000", ",1", "1,", "1.", "1e5", "1 000", "１２",
                       "1000000000.01", "99999999999999", "92233720368547758.08", "9223372036854775807", NULL};
  for (int i = 0; bad[i]; i++) {
    f = 77;
    if (upg_money_parse(bad[i], &f)) fail_msg("\"%s\" was accepted as %lld", bad[i], f);
    assert_int_equal(f, 77); /* untouched */
  }
  assert_false(upg_money_parse(NULL, &f));
}

/* --- the project status machine --- */

static void status_only_forward_one_step(void **state) {
  (void)state;
  upg_project_facts none = {.open_milestones = 0, .photos = {[UPH_AFTER] = 1}}; /* nothing holds a step back */
  for (int from = 0; from < UPS_COUNT; from++)
    for (int to = 0; to < UPS_COUNT; to++) {
      const char *why;
      int rc = upg_status_apply((upg_status)from, (upg_status)to, &none, &why);
      int expect = to == from + 1 ? ZD_OK : ZD_ECONFLICT;
      if (rc != expect) fail_msg("%s -> %s: %d, expected %d", upg_status_key(from), upg_status_key(to), rc, expect);
      if (rc) assert_non_null(why);
    }
  assert_int_equal(upg_status_next(UPS_PLANNED), UPS_IN_PROGRESS);
  assert_int_equal(upg_status_next(UPS_IN_PROGRESS), UPS_COMPLETED);
  assert_int_equal(upg_status_next(UPS_COMPLETED), UPS_IN_USE);
  assert_int_equal(upg_status_next(UPS_IN_USE), -1);
  assert_int_equal(upg_status_next((upg_status)99), -1);
  const char *why;
  assert_int_equal(upg_status_apply((upg_status)7, UPS_PLANNED, &none, &why), ZD_EINVAL);
  assert_int_equal(upg_status_apply(UPS_PLANNED, (upg_status)-1, &none, &why), ZD_EINVAL);
}

static void completed_needs_every_milestone(void **state) {
  (void)state;
  const char *why;
  upg_project_facts open = {.open_milestones = 1, .photos = {[UPH_AFTER] = 1}};
  assert_int_equal(upg_status_apply(UPS_IN_PROGRESS, UPS_COMPLETED, &open, &why), ZD_ECONFLICT);
  assert_string_equal(why, "Every milestone must be done before the project is completed.");
  upg_project_facts done = {.open_milestones = 0};
  assert_int_equal(upg_status_apply(UPS_IN_PROGRESS, UPS_COMPLETED, &done, &why), ZD_OK);
  /* open milestones do not hold back the other steps */
  assert_int_equal(upg_status_apply(UPS_PLANNED, UPS_IN_PROGRESS, &open, &why), ZD_OK);
  assert_int_equal(upg_status_apply(UPS_COMPLETED, UPS_IN_USE, &open, &why), ZD_OK);
}

static void in_use_needs_an_after_photo(void **state) {
  (void)state;
  const char *why = "";
  const char *need = "A project goes into use only with at least one photo taken after the renovation.";
  /* 0 "after" photos: refused, with the reason */
  upg_project_facts none = {.open_milestones = 0};
  assert_int_equal(upg_status_apply(UPS_COMPLETED, UPS_IN_USE, &none, &why), ZD_ECONFLICT);
  assert_string_equal(why, need);
  /* before and during photos do not count */
  upg_project_facts others = {.photos = {[UPH_BEFORE] = 5, [UPH_DURING] = 3, [UPH_AFTER] = 0}};
  why = "";
  assert_int_equal(upg_status_apply(UPS_COMPLETED, UPS_IN_USE, &others, &why), ZD_ECONFLICT);
  assert_string_equal(why, need);
  /* nothing known is nothing shown */
  why = "";
  assert_int_equal(upg_status_apply(UPS_COMPLETED, UPS_IN_USE, NULL, &why), ZD_ECONFLICT);
  assert_string_equal(why, need);
  /* exactly one is enough, alone or among others */
  upg_project_facts one = {.photos = {[UPH_AFTER] = 1}};
  assert_int_equal(upg_status_apply(UPS_COMPLETED, UPS_IN_USE, &one, &why), ZD_OK);
  assert_null(why);
  upg_project_facts all = {.photos = {[UPH_BEFORE] = 2, [UPH_DURING] = 1, [UPH_AFTER] = 1}};
  assert_int_equal(upg_status_apply(UPS_COMPLETED, UPS_IN_USE, &all, &why), ZD_OK);
  /* a nonsense count is not a photo */
  upg_project_facts negative = {.photos = {[UPH_AFTER] = -1}};
  assert_int_equal(upg_status_apply(UPS_COMPLETED, UPS_IN_USE, &negative, &why), ZD_ECONFLICT);
  /* the photo rule holds back only that step; a skipped step is still a skipped step */
  assert_int_equal(upg_status_apply(UPS_PLANNED, UPS_IN_PROGRESS, &none, &why), ZD_OK);
  assert_int_equal(upg_status_apply(UPS_IN_PROGRESS, UPS_COMPLETED, &none, &why), ZD_OK);
  assert_int_equal(upg_status_apply(UPS_IN_PROGRESS, UPS_IN_USE, &one, &why), ZD_ECONFLICT);
  assert_string_equal(why, "A project moves only forward, one step at a time: planned, under way, completed, in use.");
  assert_int_equal(upg_status_apply(UPS_IN_USE, UPS_IN_USE, &one, &why), ZD_ECONFLICT);
}

static void spending_by_status(void **state) {
  (void)state;
  assert_true(upg_spend_allowed(UPS_PLANNED));
  assert_true(upg_spend_allowed(UPS_IN_PROGRESS));
  assert_true(upg_spend_allowed(UPS_COMPLETED));
  assert_false(upg_spend_allowed(UPS_IN_USE));
  assert_false(upg_spend_allowed((upg_status)42));
}

/* --- plaques --- */

static void default_whitelist(void **state) {
  (void)state;
  const upg_whitelist *w = upg_whitelist_default();
  const char *why;
  const char *outside_ok[] = {"中共任河村支部委员会", "任河村村民委员会", "任河村村务监督委员会", "大山村股份经济合作社",
                              "任河村党群服务中心", "中共某村总支部委员会", NULL};
  for (int i = 0; outside_ok[i]; i++)
    if (!upg_plaque_compliant(w, PL_EXTERIOR, outside_ok[i], 0, 0, &why)) fail_msg("%s refused outside", outside_ok[i]);
  const char *outside_no[] = {"任河村老年人协会", "银杏村科普协会", "银杏村关心下一代工作委员会", "新时代文明实践站", "", NULL};
  for (int i = 0; outside_no[i]; i++) {
    why = NULL;
    if (upg_plaque_compliant(w, PL_EXTERIOR, outside_no[i], 0, 0, &why)) fail_msg("%s accepted outside", outside_no[i]);
    assert_string_equal(why, "Not on the township's list of plaques allowed outside.");
  }
  /* inside: the inside list, and the outside list too */
  assert_true(upg_plaque_compliant(w, PL_INTERIOR, "新时代文明实践站", 0, 0, &why));
  assert_true(upg_plaque_compliant(w, PL_INTERIOR, "农家书屋", 0, 0, &why));
  assert_true(upg_plaque_compliant(w, PL_INTERIOR, "退役军人服务站", 0, 0, &why));
  assert_true(upg_plaque_compliant(w, PL_INTERIOR, "大山村人民调解委员会", 0, 0, &why));
  assert_true(upg_plaque_compliant(w, PL_INTERIOR, "任河村村民委员会", 0, 0, &why));
  assert_false(upg_plaque_compliant(w, PL_INTERIOR, "银杏村妇女之家", 0, 0, &why));
  assert_string_equal(why, "Not on the township's list of plaques allowed inside.");
  /* room signs are fine; rules posters only as public notices */
  assert_true(upg_plaque_compliant(w, PL_ROOM_SIGN, "党员活动室", 0, 0, &why));
  assert_false(upg_plaque_compliant(w, PL_INTERIOR, "村干部岗位职责", 1, 0, &why));
  assert_string_equal(why, "Rules and duty posters may not hang on the walls, except notices the public needs.");
  assert_false(upg_plaque_compliant(w, PL_ROOM_SIGN, "值班制度", 1, 0, &why));
  assert_true(upg_plaque_compliant(w, PL_INTERIOR, "群众办事须知", 1, 1, &why));
  assert_false(upg_plaque_compliant(NULL, PL_EXTERIOR, "某某协会", 0, 0, &why)); /* NULL: the default */
  assert_false(upg_plaque_compliant(w, PL_EXTERIOR, NULL, 0, 0, &why));
}

static void township_whitelist(void **state) {
  (void)state;
  const char *const ext[] = {"村民委员会", ""};
  const char *const in[] = {"禁毒工作站"};
  upg_whitelist w = {ext, 2, in, 1};
  const char *why;
  assert_true(upg_plaque_compliant(&w, PL_EXTERIOR, "高坪村村民委员会", 0, 0, &why));
  /* the township's own list replaces the default */
  assert_false(upg_plaque_compliant(&w, PL_EXTERIOR, "中共高坪村支部委员会", 0, 0, &why));
  assert_true(upg_plaque_compliant(&w, PL_INTERIOR, "高坪村禁毒工作站", 0, 0, &why));
  assert_false(upg_plaque_compliant(&w, PL_INTERIOR, "农家书屋", 0, 0, &why));
  /* an empty entry matches nothing */
  assert_false(upg_plaque_compliant(&w, PL_EXTERIOR, "任何牌子", 0, 0, &why));
  upg_whitelist empty = {NULL, 0, NULL, 0};
  assert_false(upg_plaque_compliant(&empty, PL_EXTERIOR, "村民委员会", 0, 0, &why));
  assert_true(upg_plaque_compliant(&empty, PL_ROOM_SIGN, "会议室", 0, 0, &why));
}

static void plaque_decisions(void **state) {
  (void)state;
  const char *why;
  assert_int_equal(upg_plaque_decision_check(1, PD_PENDING, 0, 0, &why), ZD_EINVAL);
  assert_int_equal(upg_plaque_decision_check(1, (upg_plaque_decision)9, 0, 0, &why), ZD_EINVAL);
  assert_int_equal(upg_plaque_decision_check(1, PD_KEEP, 0, 0, &why), ZD_OK);
  assert_int_equal(upg_plaque_decision_check(0, PD_KEEP, 0, 0, &why), ZD_EINVAL);
  assert_string_equal(why, "Keeping a plaque that is not on the list needs its legal basis.");
  assert_int_equal(upg_plaque_decision_check(0, PD_KEEP, 1, 0, &why), ZD_OK);
  assert_int_equal(upg_plaque_decision_check(0, PD_MERGE, 0, 0, &why), ZD_EINVAL);
  assert_string_equal(why, "Say which plaque it is merged into.");
  assert_int_equal(upg_plaque_decision_check(0, PD_MERGE, 0, 1, &why), ZD_OK);
  assert_int_equal(upg_plaque_decision_check(0, PD_REMOVE, 0, 0, &why), ZD_OK);
  assert_int_equal(upg_plaque_decision_check(1, PD_REMOVE, 0, 0, &why), ZD_OK);
}

static void plaque_clean_up_left(void **state) {
  (void)state;
  /* compliant, decision, proof -> what is left */
  assert_int_equal(upg_plaque_pending(1, PD_PENDING, 0), UPL_NONE);
  assert_int_equal(upg_plaque_pending(0, PD_PENDING, 0), UPL_DECIDE);
  assert_int_equal(upg_plaque_pending(0, PD_PENDING, 1), UPL_DECIDE);
  assert_int_equal(upg_plaque_pending(0, PD_KEEP, 0), UPL_NONE);
  assert_int_equal(upg_plaque_pending(1, PD_KEEP, 0), UPL_NONE);
  assert_int_equal(upg_plaque_pending(0, PD_MERGE, 0), UPL_CARRY_OUT);
  assert_int_equal(upg_plaque_pending(0, PD_MERGE, 1), UPL_NONE);
  assert_int_equal(upg_plaque_pending(0, PD_REMOVE, 0), UPL_CARRY_OUT);
  assert_int_equal(upg_plaque_pending(1, PD_REMOVE, 0), UPL_CARRY_OUT);
  assert_int_equal(upg_plaque_pending(0, PD_REMOVE, 1), UPL_NONE);
}

/* Per-location limits (§7): at most 4 outside, 4 inside, room signs unlimited;
** only plaques that stay (kept or undecided) count, rules posters never. */
static int excess_of(const upg_plaque_limits *l, upg_location loc, const upg_plaque_decision *d, int n) {
  int count = 0;
  for (int i = 0; i < n; i++) count += upg_plaque_counts(loc, d[i], 0);
  return upg_plaque_excess(l, loc, count);
}

static void plaque_count_limits(void **state) {
  (void)state;
  const upg_plaque_limits def = {UPG_LIMIT_DEFAULT, UPG_LIMIT_DEFAULT};
  assert_int_equal(UPG_LIMIT_DEFAULT, 4);
  /* 4 is fine, the 5th is one too many, on either side of the door */
  const upg_plaque_decision four[] = {PD_KEEP, PD_KEEP, PD_PENDING, PD_KEEP};
  const upg_plaque_decision five[] = {PD_KEEP, PD_KEEP, PD_PENDING, PD_KEEP, PD_PENDING};
  assert_int_equal(excess_of(&def, PL_EXTERIOR, four, 4), 0);
  assert_int_equal(excess_of(&def, PL_EXTERIOR, five, 5), 1);
  assert_int_equal(excess_of(&def, PL_INTERIOR, four, 4), 0);
  assert_int_equal(excess_of(&def, PL_INTERIOR, five, 5), 1);
  /* removed and merged plaques do not count: 4 kept + 3 gone is still fine */
  const upg_plaque_decision gone[] = {PD_KEEP, PD_KEEP, PD_KEEP, PD_KEEP, PD_REMOVE, PD_MERGE, PD_REMOVE};
  assert_int_equal(excess_of(&def, PL_EXTERIOR, gone, 7), 0);
  assert_false(upg_plaque_counts(PL_EXTERIOR, PD_REMOVE, 0));
  assert_false(upg_plaque_counts(PL_INTERIOR, PD_MERGE, 0));
  assert_true(upg_plaque_counts(PL_EXTERIOR, PD_KEEP, 0));
  assert_true(upg_plaque_counts(PL_INTERIOR, PD_PENDING, 0));
  /* room signs: never counted, never too many */
  assert_false(upg_plaque_counts(PL_ROOM_SIGN, PD_KEEP, 0));
  assert_int_equal(upg_plaque_excess(&def, PL_ROOM_SIGN, 50), 0);
  /* a rules poster is not a plaque of an organisation */
  assert_false(upg_plaque_counts(PL_INTERIOR, PD_KEEP, 1));
  /* 7 outside: 3 too many; a township's own limits; 0 allows none */
  assert_int_equal(upg_plaque_excess(&def, PL_EXTERIOR, 7), 3);
  const upg_plaque_limits two = {2, 0};
  assert_int_equal(upg_plaque_excess(&two, PL_EXTERIOR, 2), 0);
  assert_int_equal(upg_plaque_excess(&two, PL_EXTERIOR, 3), 1);
  assert_int_equal(upg_plaque_excess(&two, PL_INTERIOR, 0), 0);
  assert_int_equal(upg_plaque_excess(&two, PL_INTERIOR, 1), 1);
  assert_int_equal(upg_plaque_excess(&def, PL_EXTERIOR, 0), 0);
  /* the limits a township may set */
  const char *why = NULL;
  assert_int_equal(upg_limit_check(0, &why), ZD_OK);
  assert_int_equal(upg_limit_check(UPG_LIMIT_MAX, &why), ZD_OK);
  assert_int_equal(upg_limit_check(UPG_LIMIT_MAX + 1, &why), ZD_EINVAL);
  assert_non_null(why);
  assert_int_equal(upg_limit_check(-1, &why), ZD_EINVAL);
}

static void plaque_real_function_and_names(void **state) {
  (void)state;
  const char *why = NULL;
  /* on the list, but without a real function: it comes down */
  assert_true(upg_plaque_complies(NULL, PL_EXTERIOR, "任河村村民委员会", 0, 0, 1, &why));
  assert_false(upg_plaque_complies(NULL, PL_EXTERIOR, "任河村村民委员会", 0, 0, 0, &why));
  assert_string_equal(why, "A plaque without a real function should come down.");
  assert_false(upg_plaque_complies(NULL, PL_ROOM_SIGN, "党员活动室", 0, 0, 0, &why));
  assert_false(upg_plaque_complies(NULL, PL_EXTERIOR, "某某协会", 0, 0, 1, &why));
  /* the township's lists */
  int bad;
  const char *ok[] = {"村民委员会", "党群服务中心"};
  assert_int_equal(upg_names_check(ok, 2, &bad, &why), ZD_OK);
  assert_int_equal(upg_names_check(ok, 0, &bad, &why), ZD_OK);
  const char *twice[] = {"村民委员会", "党群服务中心", "村民委员会"};
  assert_int_equal(upg_names_check(twice, 3, &bad, &why), ZD_EINVAL);
  assert_int_equal(bad, 2);
  assert_string_equal(why, "A name is listed twice.");
  const char *blank[] = {"村民委员会", " "};
  assert_int_equal(upg_names_check(blank, 2, &bad, &why), ZD_EINVAL);
  assert_int_equal(bad, 1);
  char long_name[200];
  memset(long_name, 'x', 51);
  long_name[51] = 0;
  const char *longs[] = {long_name};
  assert_int_equal(upg_names_check(longs, 1, &bad, &why), ZD_EINVAL);
  assert_string_equal(why, "A name is longer than 50 characters.");
  long_name[50] = 0;
  assert_int_equal(upg_names_check(longs, 1, &bad, &why), ZD_OK);
  const char *bad_utf8[] = {"\xe6\x9d"};
  assert_int_equal(upg_names_check(bad_utf8, 1, &bad, &why), ZD_EINVAL);
  assert_int_equal(upg_names_check(ok, UPG_NAMES_MAX + 1, &bad, &why), ZD_EINVAL);
  assert_int_equal(bad, -1);
}

/* --- rectification tasks --- */

static void tasks_overdue(void **state) {
  (void)state;
  long long dl = 1700000000;
  assert_false(upg_task_overdue(UTS_OPEN, dl, dl - 1));
  assert_false(upg_task_overdue(UTS_OPEN, dl, dl));   /* the deadline itself is still in time */
  assert_true(upg_task_overdue(UTS_OPEN, dl, dl + 1));
  assert_false(upg_task_overdue(UTS_REPORTED, dl, dl + 86400)); /* the owner reported: the inspector's turn */
  assert_false(upg_task_overdue(UTS_CLOSED, dl, dl + 86400));
  assert_false(upg_task_overdue(UTS_OPEN, 0, dl));
  assert_true(upg_task_can_report(UTS_OPEN));
  assert_true(upg_task_can_report(UTS_REPORTED));
  assert_false(upg_task_can_report(UTS_CLOSED));
  assert_true(upg_task_can_reinspect(UTS_OPEN));
  assert_true(upg_task_can_reinspect(UTS_REPORTED));
  assert_false(upg_task_can_reinspect(UTS_CLOSED));
}

/* --- text and dates --- */

static void text_problems(void **state) {
  (void)state;
  assert_null(upg_text_problem(NULL, 10, 0));
  assert_null(upg_text_problem("", 10, 0));
  assert_string_equal(upg_text_problem(NULL, 10, 1), "This field is required.");
  assert_string_equal(upg_text_problem(" \t\r\n", 10, 1), "This field is required.");
  assert_string_equal(upg_text_problem("\xe3\x80\x80\xe3\x80\x80", 10, 1), "This field is required.");
  assert_null(upg_text_problem("任河村", 3, 1));
  assert_string_equal(upg_text_problem("任河村村", 3, 1), "The text is too long.");
  assert_string_equal(upg_text_problem("\xff\xfe", 10, 0), "The text is not valid UTF-8.");
}

static void dates(void **state) {
  (void)state;
  long long t = 0;
  char s[16];
  assert_true(upg_date_parse("2024-03-05", &t));
  upg_date_format(t, s, sizeof s);
  assert_string_equal(s, "2024-03-05");
  assert_true(upg_date_parse("2024-02-29", &t));
  const char *bad[] = {"2023-02-29", "2023-02-30", "2023-13-01", "2023-00-10", "2023-01-32", "2023-1-05", "20230105",
                       "1969-12-31", "2023-01-0a", "", NULL};
  for (int i = 0; bad[i]; i++)
    if (upg_date_parse(bad[i], &t)) fail_msg("date \"%s\" accepted", bad[i]);
  assert_false(upg_date_parse(NULL, &t));
  upg_date_format(0, s, sizeof s);
  assert_string_equal(s, "");
}

/* --- EXIF --- */

/* A JPEG of w×h made with libjpeg (mem), optionally with an APP1 Exif segment
** inserted after SOI. */
static unsigned char *make_jpeg(int w, int h, const unsigned char *app1, size_t app1_len, size_t *len) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char *mem = NULL;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &mem, &size);
  c.image_width = (JDIMENSION)w;
  c.image_height = (JDIMENSION)h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_start_compress(&c, TRUE);
  unsigned char *row = malloc((size_t)w * 3);
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) { /* left half red, right half blue */
      row[x * 3] = x < w / 2 ? 220 : 20;
      row[x * 3 + 1] = 30;
      row[x * 3 + 2] = x < w / 2 ? 20 : 220;
    }
    JSAMPROW rows[1] = {row};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  free(row);
  unsigned char *out = malloc(size + app1_len);
  memcpy(out, mem, 2);
  if (app1_len) memcpy(out + 2, app1, app1_len);
  memcpy(out + 2 + app1_len, mem + 2, size - 2);
  free(mem);
  *len = size + app1_len;
  return out;
}

typedef struct tb { unsigned char b[512]; size_t n; int le; } tb;
static void u16(tb *t, unsigned v) {
  if (t->le) { t->b[t->n++] = v & 0xff; t->b[t->n++] = v >> 8; }
  else { t->b[t->n++] = v >> 8; t->b[t->n++] = v & 0xff; }
}
static void u32(tb *t, uint32_t v) {
  if (t->le) for (int i = 0; i < 4; i++) t->b[t->n++] = (v >> (8 * i)) & 0xff;
  else for (int i = 3; i >= 0; i--) t->b[t->n++] = (v >> (8 * i)) & 0xff;
}
static void entry(tb *t, unsigned tag, unsigned type, uint32_t count, uint32_t value) {
  u16(t, tag); u16(t, type); u32(t, count);
  if (type == 3 && count == 1) { u16(t, value); u16(t, 0); }
  else if (type == 2 && count <= 4) { t->b[t->n++] = (unsigned char)value; t->b[t->n++] = 0; t->b[t->n++] = 0; t->b[t->n++] = 0; }
  else u32(t, value);
}

/* APP1 "Exif": IFD0 {orientation, GPS pointer}, GPS IFD {N, 34°2'17.16", E, 106°27'22.32"}. */
static size_t exif_app1(unsigned char *out, int le, int orientation) {
  tb t = {{0}, 0, le};
  t.b[t.n++] = le ? 'I' : 'M';
  t.b[t.n++] = le ? 'I' : 'M';
  u16(&t, 42);
  u32(&t, 8);
  /* IFD0 at 8: 2 entries */
  u16(&t, 2);
  entry(&t, 0x0112, 3, 1, (uint32_t)orientation);
  entry(&t, 0x8825, 4, 1, 38); /* GPS IFD at 8 + 2 + 24 + 4 = 38 */
  u32(&t, 0);
  /* GPS IFD at 38: 4 entries, then rationals at 38 + 2 + 48 + 4 = 92 */
  u16(&t, 4);
  entry(&t, 1, 2, 2, 'N');
  entry(&t, 2, 5, 3, 92);
  entry(&t, 3, 2, 2, 'E');
  entry(&t, 4, 5, 3, 116);
  u32(&t, 0);
  uint32_t lat[6] = {34, 1, 2, 1, 1716, 100}, lng[6] = {106, 1, 27, 1, 2232, 100};
  for (int i = 0; i < 6; i++) u32(&t, lat[i]);
  for (int i = 0; i < 6; i++) u32(&t, lng[i]);
  size_t seg = 2 + 6 + t.n;
  out[0] = 0xFF;
  out[1] = 0xE1;
  out[2] = (unsigned char)(seg >> 8);
  out[3] = (unsigned char)seg;
  memcpy(out + 4, "Exif\0\0", 6);
  memcpy(out + 10, t.b, t.n);
  return 4 + 6 + t.n;
}

static void exif_orientation_and_gps(void **state) {
  (void)state;
  for (int le = 0; le <= 1; le++) {
    unsigned char app1[600];
    size_t n = exif_app1(app1, le, 6);
    size_t len;
    unsigned char *j = make_jpeg(32, 16, app1, n, &len);
    upg_exif ex;
    assert_int_equal(upg_exif_read(j, len, &ex), 1);
    assert_int_equal(ex.orientation, 6);
    assert_true(ex.has_gps);
    assert_true(ex.lat > 34.038 && ex.lat < 34.0382);
    assert_true(ex.lng > 106.456 && ex.lng < 106.4563);
    /* every truncation of the file reads safely (orientation stays sane) */
    for (size_t cut = 0; cut < n + 12; cut++) {
      upg_exif t;
      upg_exif_read(j, cut, &t);
      assert_true(t.orientation >= 1 && t.orientation <= 8);
    }
    free(j);
  }
  size_t len;
  unsigned char *plain = make_jpeg(8, 8, NULL, 0, &len);
  upg_exif ex;
  assert_int_equal(upg_exif_read(plain, len, &ex), 0);
  assert_int_equal(ex.orientation, 1);
  assert_false(ex.has_gps);
  free(plain);
  assert_int_equal(upg_exif_read((const unsigned char *)"GIF89a", 6, &ex), 0);
  assert_int_equal(upg_exif_read(NULL, 0, &ex), 0);
}

static void exif_hostile_offsets(void **state) {
  (void)state;
  unsigned char app1[600];
  size_t n = exif_app1(app1, 1, 3);
  /* point the GPS IFD far outside, then the rationals outside, then a huge entry count */
  unsigned char bad[600];
  memcpy(bad, app1, n);
  /* GPS pointer value lives at 10 + 8 + 2 + 12 + 8 */
  bad[10 + 8 + 2 + 12 + 8] = 0xF0;
  bad[10 + 8 + 2 + 12 + 9] = 0xFF;
  size_t len;
  unsigned char *j = make_jpeg(8, 8, bad, n, &len);
  upg_exif ex;
  assert_int_equal(upg_exif_read(j, len, &ex), 1);
  assert_int_equal(ex.orientation, 3);
  assert_false(ex.has_gps);
  free(j);
  memcpy(bad, app1, n);
  bad[10 + 8] = 0xFF; /* IFD0 count 0xFFFF */
  bad[10 + 9] = 0xFF;
  j = make_jpeg(8, 8, bad, n, &len);
  assert_int_equal(upg_exif_read(j, len, &ex), 1);
  assert_int_equal(ex.orientation, 1);
  free(j);
  /* a segment length beyond the file */
  unsigned char s[] = {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xF0, 'E', 'x', 'i', 'f', 0, 0};
  assert_int_equal(upg_exif_read(s, sizeof s, &ex), 0);
}

/* --- the re-encoded public copy --- */

static void public_copy_has_no_exif_and_is_upright(void **state) {
  (void)state;
  unsigned char app1[600];
  size_t n = exif_app1(app1, 0, 6);
  size_t len;
  unsigned char *j = make_jpeg(400, 200, app1, n, &len);
  assert_non_null(memmem(j, len, "Exif", 4));
  buf pub = BUF_INIT, thumb = BUF_INIT;
  int pw = 0, ph = 0;
  const char *why = NULL;
  assert_int_equal(upg_image_derive(j, len, IMG_JPEG, 6, &pub, &pw, &ph, &thumb, &why), ZD_OK);
  assert_int_equal(pw, 200); /* rotated a quarter turn: portrait */
  assert_int_equal(ph, 400);
  assert_true(pub.len > 100 && (unsigned char)pub.p[0] == 0xFF && (unsigned char)pub.p[1] == 0xD8);
  assert_null(memmem(pub.p, pub.len, "Exif", 4));
  assert_null(memmem(thumb.p, thumb.len, "Exif", 4));
  int tw, th;
  const char *w2;
  assert_int_equal(image_probe(thumb.p, thumb.len, &tw, &th, &w2), IMG_JPEG);
  assert_int_equal(th, UPG_THUMB_MAX);
  assert_int_equal(tw, UPG_THUMB_MAX / 2);
  /* truncated: refused */
  buf p2 = BUF_INIT, t2 = BUF_INIT;
  assert_int_equal(upg_image_derive(j, len / 2, IMG_JPEG, 1, &p2, &pw, &ph, &t2, &why), ZD_EINVAL);
  assert_string_equal(why, "The JPEG file is damaged.");
  assert_int_equal(upg_image_derive("\x89PNG\r\n\x1a\n", 8, IMG_PNG, 1, &p2, &pw, &ph, &t2, &why), ZD_EINVAL);
  assert_int_equal(upg_image_derive("RIFF....WEBPVP8 ", 16, IMG_WEBP, 1, &p2, &pw, &ph, &t2, &why), ZD_EINVAL);
  buf_free(&pub);
  buf_free(&thumb);
  buf_free(&p2);
  buf_free(&t2);
  free(j);
}

static void every_orientation(void **state) {
  (void)state;
  size_t len;
  unsigned char *j = make_jpeg(64, 32, NULL, 0, &len);
  for (int o = 1; o <= 8; o++) {
    buf pub = BUF_INIT, thumb = BUF_INIT;
    int pw, ph;
    const char *why;
    assert_int_equal(upg_image_derive(j, len, IMG_JPEG, o, &pub, &pw, &ph, &thumb, &why), ZD_OK);
    assert_int_equal(pw, o >= 5 ? 32 : 64);
    assert_int_equal(ph, o >= 5 ? 64 : 32);
    buf_free(&pub);
    buf_free(&thumb);
  }
  free(j);
}


/* PNG (with transparency, composed over white) and WebP decode to the same pipeline. */
static void png_and_webp_are_re_encoded(void **state) {
  (void)state;
  int w = 2000, h = 1000;
  unsigned char *rgba = malloc((size_t)w * h * 4);
  for (int i = 0; i < w * h; i++) {
    rgba[i * 4] = 200; rgba[i * 4 + 1] = 20; rgba[i * 4 + 2] = 20;
    rgba[i * 4 + 3] = (i % w) < w / 2 ? 255 : 0; /* the right half transparent */
  }
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = (png_uint_32)w;
  img.height = (png_uint_32)h;
  img.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  assert_true(png_image_write_to_memory(&img, NULL, &size, 0, rgba, 0, NULL));
  unsigned char *png = malloc(size);
  assert_true(png_image_write_to_memory(&img, png, &size, 0, rgba, 0, NULL));
  int pw, ph, tw, th;
  const char *why;
  assert_int_equal(image_probe(png, size, &tw, &th, &why), IMG_PNG);
  buf pub = BUF_INIT, thumb = BUF_INIT;
  assert_int_equal(upg_image_derive(png, size, IMG_PNG, 1, &pub, &pw, &ph, &thumb, &why), ZD_OK);
  assert_int_equal(pw, UPG_PUBLIC_MAX);
  assert_int_equal(ph, UPG_PUBLIC_MAX / 2);
  assert_int_equal(image_probe(pub.p, pub.len, &tw, &th, &why), IMG_JPEG);
  /* the transparent half became white: decode one pixel of each half from the thumbnail */
  struct jpeg_decompress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, (const unsigned char *)thumb.p, thumb.len);
  jpeg_read_header(&c, TRUE);
  c.out_color_space = JCS_RGB;
  jpeg_start_decompress(&c);
  unsigned char *row = malloc(c.output_width * 3);
  int left_red = 0, right_white = 0;
  while (c.output_scanline < c.output_height) {
    JSAMPROW rows[1] = {row};
    jpeg_read_scanlines(&c, rows, 1);
    if (c.output_scanline == c.output_height / 2) {
      unsigned q = c.output_width / 4, r3 = c.output_width * 3 / 4;
      left_red = row[q * 3] > 150 && row[q * 3 + 1] < 80;
      right_white = row[r3 * 3] > 230 && row[r3 * 3 + 1] > 230 && row[r3 * 3 + 2] > 230;
    }
  }
  jpeg_finish_decompress(&c);
  jpeg_destroy_decompress(&c);
  free(row);
  assert_true(left_red);
  assert_true(right_white);
  buf_free(&pub);
  buf_free(&thumb);
  /* a truncated PNG: refused */
  assert_int_equal(upg_image_derive(png, size / 2, IMG_PNG, 1, &pub, &pw, &ph, &thumb, &why), ZD_EINVAL);
  assert_string_equal(why, "The PNG file is damaged.");
  free(png);

  /* the top-left 400×200 of the same picture as WebP (the row stride of the 2000-wide image) */
  uint8_t *webp = NULL;
  size_t wsize = WebPEncodeRGBA(rgba, 400, 200, w * 4, 80, &webp);
  assert_true(wsize > 0);
  assert_int_equal(image_probe(webp, wsize, &tw, &th, &why), IMG_WEBP);
  assert_int_equal(upg_image_derive(webp, wsize, IMG_WEBP, 8, &pub, &pw, &ph, &thumb, &why), ZD_OK);
  assert_int_equal(pw, 200); /* orientation 8: a quarter turn */
  assert_int_equal(ph, 400);
  buf_free(&pub);
  buf_free(&thumb);
  assert_int_equal(upg_image_derive(webp, wsize / 2, IMG_WEBP, 1, &pub, &pw, &ph, &thumb, &why), ZD_EINVAL);
  WebPFree(webp);
  free(rgba);
}

/* --- the schema and the catalogue know every key and label --- */

typedef struct vocab {
  const char *name;
  int count;
  const char *(*key)(int);
  const char *(*label)(int);
  int (*parse)(const char *);
} vocab;
#define V(n, pfx, cnt, type)                                                   \
  static const char *n##_key(int i) { return pfx##_key((type)i); }            \
  static const char *n##_label(int i) { return pfx##_label((type)i); }
V(fn, upg_fn, UF_COUNT, upg_fn)
V(ck, upg_check, CK_COUNT, upg_check_item)
V(cs, upg_cstate, CS_COUNT, upg_check_state)
V(dc, upg_decision, UD_COUNT, upg_decision)
V(st, upg_status, UPS_COUNT, upg_status)
V(ph, upg_phase, UPH_COUNT, upg_phase)
V(lc, upg_location, PL_COUNT, upg_location)
V(pd, upg_pdecision, PD_COUNT, upg_plaque_decision)
V(ts, upg_task, UTS_COUNT, upg_task_state)
static const vocab VOCABS[] = {
  {"function", UF_COUNT, fn_key, fn_label, upg_fn_parse},
  {"checklist item", CK_COUNT, ck_key, ck_label, upg_check_parse},
  {"checklist state", CS_COUNT, cs_key, cs_label, upg_cstate_parse},
  {"decision", UD_COUNT, dc_key, dc_label, upg_decision_parse},
  {"status", UPS_COUNT, st_key, st_label, upg_status_parse},
  {"phase", UPH_COUNT, ph_key, ph_label, upg_phase_parse},
  {"location", PL_COUNT, lc_key, lc_label, upg_location_parse},
  {"plaque decision", PD_COUNT, pd_key, pd_label, upg_pdecision_parse},
  {"task state", UTS_COUNT, ts_key, ts_label, upg_task_parse},
};

static void vocabulary_round_trips(void **state) {
  (void)state;
  for (size_t v = 0; v < sizeof VOCABS / sizeof VOCABS[0]; v++) {
    for (int i = 0; i < VOCABS[v].count; i++) assert_int_equal(VOCABS[v].parse(VOCABS[v].key(i)), i);
    assert_string_equal(VOCABS[v].key(VOCABS[v].count), "?");
    assert_string_equal(VOCABS[v].key(-1), "?");
    assert_int_equal(VOCABS[v].parse("nothing"), -1);
    assert_int_equal(VOCABS[v].parse(NULL), -1);
  }
  assert_true(upg_cstate_problem(CS_NEEDS_REPAIR));
  assert_true(upg_cstate_problem(CS_MISSING));
  assert_false(upg_cstate_problem(CS_OK));
  assert_false(upg_cstate_problem(CS_UNCHECKED));
}

static void schema_allows_every_key(void **state) {
  (void)state;
  const zd_asset *a = asset_find("sql/0005_upgrade.sql");
  assert_non_null(a);
  for (size_t v = 0; v < sizeof VOCABS / sizeof VOCABS[0]; v++)
    for (int i = 0; i < VOCABS[v].count; i++) {
      char q[40];
      snprintf(q, sizeof q, "'%s'", VOCABS[v].key(i));
      if (!strstr(a->data, q)) fail_msg("%s %s missing from sql/0005_upgrade.sql", VOCABS[v].name, q);
    }
}

static void every_label_is_translated(void **state) {
  (void)state;
  const zd_asset *a = asset_find("po/zh_CN.po");
  assert_non_null(a);
  i18n *c = i18n_parse(a->data, a->len, NULL);
  assert_non_null(c);
  int missing = 0;
  for (size_t v = 0; v < sizeof VOCABS / sizeof VOCABS[0]; v++)
    for (int i = 0; i < VOCABS[v].count; i++)
      if (!i18n_has(c, VOCABS[v].label(i))) {
        print_error("%s label \"%s\" has no translation\n", VOCABS[v].name, VOCABS[v].label(i));
        missing++;
      }
  /* the reasons the rules give are shown on pages too */
  const char *why;
  int over;
  upg_budget b = {1, 0, 1}, c2 = {1, 1, 2};
  const char *msgs[32];
  int n = 0;
  upg_spend_check(&b, 1, &over, &why), msgs[n++] = why;
  upg_spend_check(&c2, 1, &over, &why), msgs[n++] = why;
  upg_spend_check(&b, 0, &over, &why), msgs[n++] = why;
  upg_plaque_compliant(NULL, PL_EXTERIOR, "x", 0, 0, &why), msgs[n++] = why;
  upg_plaque_compliant(NULL, PL_INTERIOR, "x", 0, 0, &why), msgs[n++] = why;
  upg_plaque_compliant(NULL, PL_INTERIOR, "x", 1, 0, &why), msgs[n++] = why;
  upg_plaque_decision_check(0, PD_KEEP, 0, 0, &why), msgs[n++] = why;
  upg_plaque_decision_check(0, PD_MERGE, 0, 0, &why), msgs[n++] = why;
  upg_plaque_decision_check(0, PD_PENDING, 0, 0, &why), msgs[n++] = why;
  upg_plaque_complies(NULL, PL_EXTERIOR, "x", 0, 0, 0, &why), msgs[n++] = why;
  upg_limit_check(-1, &why), msgs[n++] = why;
  {
    int bad;
    const char *two[] = {"a", "a"}, *longn[] = {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};
    upg_names_check(two, 2, &bad, &why), msgs[n++] = why;
    upg_names_check(longn, 1, &bad, &why), msgs[n++] = why;
    upg_names_check(two, UPG_NAMES_MAX + 1, &bad, &why), msgs[n++] = why;
  }
  upg_project_facts f = {.open_milestones = 1};
  upg_status_apply(UPS_IN_PROGRESS, UPS_COMPLETED, &f, &why), msgs[n++] = why;
  upg_status_apply(UPS_PLANNED, UPS_COMPLETED, &f, &why), msgs[n++] = why;
  upg_status_apply(UPS_COMPLETED, UPS_IN_USE, &f, &why), msgs[n++] = why;
  msgs[n++] = upg_text_problem("", 1, 1);
  msgs[n++] = upg_text_problem("ab", 1, 1);
  for (int i = 0; i < n; i++)
    if (!i18n_has(c, msgs[i])) {
      print_error("message \"%s\" has no translation\n", msgs[i]);
      missing++;
    }
  i18n_free(c);
  if (missing) fail_msg("%d upgrade label(s) or message(s) untranslated in po/zh_CN.po", missing);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(spend_exactly_the_allocation),
    cmocka_unit_test(spend_one_fen_over),
    cmocka_unit_test(spend_over_with_approval),
    cmocka_unit_test(spend_zero_negative_too_large),
    cmocka_unit_test(spend_overflow_is_refused),
    cmocka_unit_test(allocation_edges),
    cmocka_unit_test(approval_rules),
    cmocka_unit_test(money_format),
    cmocka_unit_test(money_parse),
    cmocka_unit_test(status_only_forward_one_step),
    cmocka_unit_test(completed_needs_every_milestone),
    cmocka_unit_test(in_use_needs_an_after_photo),
    cmocka_unit_test(spending_by_status),
    cmocka_unit_test(default_whitelist),
    cmocka_unit_test(township_whitelist),
    cmocka_unit_test(plaque_decisions),
    cmocka_unit_test(plaque_clean_up_left),
    cmocka_unit_test(plaque_count_limits),
    cmocka_unit_test(plaque_real_function_and_names),
    cmocka_unit_test(tasks_overdue),
    cmocka_unit_test(text_problems),
    cmocka_unit_test(dates),
    cmocka_unit_test(exif_orientation_and_gps),
    cmocka_unit_test(exif_hostile_offsets),
    cmocka_unit_test(public_copy_has_no_exif_and_is_upright),
    cmocka_unit_test(every_orientation),
    cmocka_unit_test(png_and_webp_are_re_encoded),
    cmocka_unit_test(vocabulary_round_trips),
    cmocka_unit_test(schema_allows_every_key),
    cmocka_unit_test(every_label_is_translated),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
