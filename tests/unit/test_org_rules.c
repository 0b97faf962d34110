/* test_org_rules.c — the pure rules of the organisation tree
** (src/modules/org/org_rules.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "modules/org/org.h"
#include "platform/assets.h"
#include "platform/i18n.h"

static void kind_key_and_parse_round_trip(void **state) {
  (void)state;
  const char *keys[ORG_KIND_COUNT] = {"county", "township", "village", "community",
                                      "party_committee", "party_branch", "party_group"};
  for (int k = 0; k < ORG_KIND_COUNT; k++) {
    assert_string_equal(org_kind_key((org_kind)k), keys[k]);
    assert_int_equal(org_kind_parse(keys[k]), k);
    assert_int_equal(org_kind_parse(org_kind_key((org_kind)k)), k);
  }
}

static void unknown_kinds_are_refused(void **state) {
  (void)state;
  const char *bad[] = {"", "Village", "VILLAGE", "village ", " village", "villages", "vill",
                       "party-branch", "party", "?", "县", "village\n", "county;"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (org_kind_parse(bad[i]) != -1) fail_msg("\"%s\" parsed as a kind", bad[i]);
  assert_int_equal(org_kind_parse(NULL), -1);
  assert_string_equal(org_kind_key(ORG_KIND_COUNT), "?");
  assert_string_equal(org_kind_label(ORG_KIND_COUNT), "?");
}

static void every_kind_has_a_label(void **state) {
  (void)state;
  assert_string_equal(org_kind_label(ORG_VILLAGE), "Village");
  assert_string_equal(org_kind_label(ORG_PARTY_COMMITTEE), "Township Party committee");
  for (int k = 0; k < ORG_KIND_COUNT; k++) {
    assert_string_not_equal(org_kind_label((org_kind)k), "?");
    for (int j = k + 1; j < ORG_KIND_COUNT; j++)
      assert_string_not_equal(org_kind_label((org_kind)k), org_kind_label((org_kind)j));
  }
}

/* The database refuses kinds the code does not know, and accepts all it does. */
static void every_kind_is_allowed_by_the_schema(void **state) {
  (void)state;
  const zd_asset *a = asset_find("sql/0001_org.sql");
  assert_non_null(a);
  for (int k = 0; k < ORG_KIND_COUNT; k++) {
    char quoted[40];
    snprintf(quoted, sizeof quoted, "'%s'", org_kind_key((org_kind)k));
    if (!strstr(a->data, quoted)) fail_msg("kind %s missing from the CHECK in sql/0001_org.sql", quoted);
  }
}

/* The whole parent/child matrix; parent -1 is "no parent" (a root). */
static void parent_rules_matrix(void **state) {
  (void)state;
  enum { ROOT = -1 };
  struct { int parent; org_kind child; } allowed[] = {
    {ROOT, ORG_COUNTY},
    {ORG_COUNTY, ORG_TOWNSHIP},
    {ORG_TOWNSHIP, ORG_VILLAGE},
    {ORG_TOWNSHIP, ORG_COMMUNITY},
    {ORG_TOWNSHIP, ORG_PARTY_COMMITTEE},
    {ORG_PARTY_COMMITTEE, ORG_PARTY_BRANCH},
    {ORG_VILLAGE, ORG_PARTY_BRANCH},
    {ORG_COMMUNITY, ORG_PARTY_BRANCH}, /* a community is the town-side village */
    {ORG_PARTY_BRANCH, ORG_PARTY_GROUP},
  };
  for (int parent = ROOT; parent < ORG_KIND_COUNT; parent++) {
    for (int child = 0; child < ORG_KIND_COUNT; child++) {
      int want = 0;
      for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (allowed[i].parent == parent && (int)allowed[i].child == child) want = 1;
      int got = org_parent_allowed(parent, (org_kind)child);
      if (!!got != want)
        fail_msg("%s under %s: got %d, want %d", org_kind_key((org_kind)child),
                 parent == ROOT ? "(root)" : org_kind_key((org_kind)parent), got, want);
    }
  }
}

static void named_refusals(void **state) {
  (void)state;
  assert_false(org_parent_allowed(-1, ORG_VILLAGE));
  assert_false(org_parent_allowed(-1, ORG_TOWNSHIP));
  assert_false(org_parent_allowed(ORG_VILLAGE, ORG_TOWNSHIP));
  assert_false(org_parent_allowed(ORG_COUNTY, ORG_VILLAGE)); /* no skipping a level */
  assert_false(org_parent_allowed(ORG_VILLAGE, ORG_VILLAGE));
  assert_false(org_parent_allowed(ORG_COUNTY, ORG_PARTY_COMMITTEE));
  assert_false(org_parent_allowed(ORG_VILLAGE, ORG_PARTY_GROUP));
  assert_false(org_parent_allowed(ORG_TOWNSHIP, ORG_PARTY_BRANCH));
  for (int p = -1; p < ORG_KIND_COUNT; p++)
    if (p != -1) assert_false(org_parent_allowed(p, ORG_COUNTY));
  /* out-of-range values are refused, never indexed */
  assert_false(org_parent_allowed(99, ORG_PARTY_GROUP));
  assert_false(org_parent_allowed(-2, ORG_COUNTY));
  assert_false(org_parent_allowed(ORG_TOWNSHIP, ORG_KIND_COUNT));
}

static void display_name_by_language(void **state) {
  (void)state;
  org o;
  memset(&o, 0, sizeof o);
  snprintf(o.name, sizeof o.name, "%s", "仁和村");
  snprintf(o.name_en, sizeof o.name_en, "%s", "Renhe Village");
  assert_string_equal(org_display_name(&o, LANG_ZH), "仁和村");
  assert_string_equal(org_display_name(&o, LANG_EN), "Renhe Village");
  o.name_en[0] = 0;
  assert_string_equal(org_display_name(&o, LANG_EN), "仁和村");
  assert_string_equal(org_display_name(&o, LANG_ZH), "仁和村");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(kind_key_and_parse_round_trip),
    cmocka_unit_test(unknown_kinds_are_refused),
    cmocka_unit_test(every_kind_has_a_label),
    cmocka_unit_test(every_kind_is_allowed_by_the_schema),
    cmocka_unit_test(parent_rules_matrix),
    cmocka_unit_test(named_refusals),
    cmocka_unit_test(display_name_by_language),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
