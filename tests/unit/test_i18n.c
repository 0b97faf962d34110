/* test_i18n.c — the .po reader, language negotiation and the real catalogue
** (src/platform/i18n.h, po/zh_CN.po). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/org/org.h"
#include "platform/assets.h"
#include "platform/i18n.h"
#include "platform/page.h"
#include "platform/text.h"

static i18n *parse(const char *po, int *bad) { return i18n_parse(po, strlen(po), bad); }

static void normal_entries_translate(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("# a comment\n"
                  "msgid \"Village\"\n"
                  "msgstr \"村\"\n"
                  "\n"
                  "#: src/x.c:12\n"
                  "msgid \"Township\"\n"
                  "msgstr \"乡镇\"\n",
                  &bad);
  assert_non_null(c);
  assert_int_equal(bad, 0);
  assert_int_equal(i18n_count(c), 2);
  assert_string_equal(i18n_get(c, LANG_ZH, "Village"), "村");
  assert_string_equal(i18n_get(c, LANG_ZH, "Township"), "乡镇");
  assert_true(i18n_has(c, "Village"));
  assert_false(i18n_has(c, "village")); /* msgids are exact */
  assert_false(i18n_has(c, "Nope"));
  const char *unknown = "Not in the catalogue";
  assert_ptr_equal(i18n_get(c, LANG_ZH, unknown), unknown);
  i18n_free(c);
}

static void english_returns_the_msgid(void **state) {
  (void)state;
  i18n *c = parse("msgid \"Village\"\nmsgstr \"村\"\n", NULL);
  assert_non_null(c);
  const char *id = "Village";
  assert_ptr_equal(i18n_get(c, LANG_EN, id), id);
  assert_string_equal(i18n_get(c, LANG_ZH, id), "村");
  i18n_free(c);
}

static void multi_line_strings_are_joined(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgid \"\"\n"
                  "\"Open doors, \"\n"
                  "\"people on duty.\"\n"
                  "msgstr \"\"\n"
                  "\"门常开、\"\n"
                  "  \"人常在。\"\n"
                  "\n"
                  "msgid \"After\"\nmsgstr \"之后\"\n",
                  &bad);
  assert_int_equal(bad, 0);
  assert_int_equal(i18n_count(c), 2);
  assert_string_equal(i18n_get(c, LANG_ZH, "Open doors, people on duty."), "门常开、人常在。");
  assert_string_equal(i18n_get(c, LANG_ZH, "After"), "之后");
  i18n_free(c);
}

static void escapes_are_decoded(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgid \"Line one\\nLine \\\"two\\\" C:\\\\x\\tend\"\n"
                  "msgstr \"第一行\\n第\\\"二\\\"行 C:\\\\x\\t完\"\n",
                  &bad);
  assert_int_equal(bad, 0);
  const char *t = i18n_get(c, LANG_ZH, "Line one\nLine \"two\" C:\\x\tend");
  assert_string_equal(t, "第一行\n第\"二\"行 C:\\x\t完");
  i18n_free(c);
}

static void header_entry_is_ignored(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgid \"\"\n"
                  "msgstr \"\"\n"
                  "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                  "\"Language: zh_CN\\n\"\n"
                  "\n"
                  "msgid \"Phone\"\nmsgstr \"电话\"\n",
                  &bad);
  assert_int_equal(bad, 0);
  assert_int_equal(i18n_count(c), 1);
  assert_false(i18n_has(c, ""));
  assert_string_equal(i18n_get(c, LANG_ZH, ""), "");
  assert_string_equal(i18n_get(c, LANG_ZH, "Phone"), "电话");
  i18n_free(c);
}

static void untranslated_falls_back_to_msgid(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgid \"Address\"\nmsgstr \"\"\n\nmsgid \"Phone\"\nmsgstr \"电话\"\n", &bad);
  assert_int_equal(bad, 0);
  assert_int_equal(i18n_count(c), 1);
  assert_false(i18n_has(c, "Address"));
  assert_string_equal(i18n_get(c, LANG_ZH, "Address"), "Address");
  assert_string_equal(i18n_get(c, LANG_ZH, "Phone"), "电话");
  i18n_free(c);
}

static void malformed_lines_are_counted_and_skipped(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("\"orphan continuation\"\n"           /* 1: string before any msgid */
                  "msgid \"Good one\"\nmsgstr \"好\"\n"
                  "msgid Unquoted\n\n"                   /* 2: msgid without quotes */
                  "msgid \"Unterminated\n\n"             /* 3: no closing quote */
                  "msgid \"Broken tail\"\nmsgstr \"z\"\n\"oops\n" /* 4: bad continuation */
                  "msgid \"Good two\"\nmsgstr \"二\"\n",
                  &bad);
  assert_non_null(c);
  assert_int_equal(bad, 4);
  assert_string_equal(i18n_get(c, LANG_ZH, "Good one"), "好");
  assert_string_equal(i18n_get(c, LANG_ZH, "Good two"), "二");
  assert_false(i18n_has(c, "Unterminated"));
  assert_false(i18n_has(c, "Broken tail"));
  assert_int_equal(i18n_count(c), 2);
  i18n_free(c);

  /* bad may be NULL */
  c = parse("msgid Unquoted\n", NULL);
  assert_non_null(c);
  assert_int_equal(i18n_count(c), 0);
  i18n_free(c);
}

/* A misspelt keyword loses the translation; it must be reported, or a
** catalogue with a typo passes the "bad == 0" check with an entry missing.
** BUG (i18n.c, i18n_parse): a line that is neither a comment, a keyword line
** nor a string is silently ignored. */
static void misspelt_keyword_is_counted(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgid \"Save\"\nmsgtsr \"保存\"\n\nmsgid \"Phone\"\nmsgstr \"电话\"\n", &bad);
  assert_non_null(c);
  int has_save = i18n_has(c, "Save"), has_phone = i18n_has(c, "Phone");
  i18n_free(c);
  assert_false(has_save);
  assert_true(has_phone);
  assert_true(bad >= 1);
}

/* msgstr with no msgid before it is malformed too. Same bug as above. */
static void msgstr_without_msgid_is_counted(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgstr \"孤儿\"\n\nmsgid \"Phone\"\nmsgstr \"电话\"\n", &bad);
  assert_non_null(c);
  int has_phone = i18n_has(c, "Phone");
  i18n_free(c);
  assert_true(has_phone);
  assert_true(bad >= 1);
}

static void duplicates_last_wins(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgid \"Use\"\nmsgstr \"使用\"\n\nmsgid \"Use\"\nmsgstr \"用\"\n", &bad);
  assert_int_equal(bad, 0);
  assert_int_equal(i18n_count(c), 1);
  assert_string_equal(i18n_get(c, LANG_ZH, "Use"), "用");
  i18n_free(c);
}

static void crlf_and_missing_final_newline(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = parse("msgid \"A\"\r\nmsgstr \"甲\"\r\n\r\nmsgid \"B\"\r\nmsgstr \"乙\"", &bad);
  assert_int_equal(bad, 0);
  assert_string_equal(i18n_get(c, LANG_ZH, "A"), "甲");
  assert_string_equal(i18n_get(c, LANG_ZH, "B"), "乙");
  i18n_free(c);
}

static void empty_and_null_catalogues(void **state) {
  (void)state;
  int bad = -1;
  i18n *c = i18n_parse("", 0, &bad);
  assert_non_null(c);
  assert_int_equal(bad, 0);
  assert_int_equal(i18n_count(c), 0);
  assert_string_equal(i18n_get(c, LANG_ZH, "Village"), "Village");
  assert_false(i18n_has(c, "Village"));
  i18n_free(c);
  assert_int_equal(i18n_count(NULL), 0);
  assert_string_equal(i18n_get(NULL, LANG_ZH, "Village"), "Village");
  assert_false(i18n_has(NULL, "Village"));
  i18n_free(NULL);
}

static void len_bounds_the_input(void **state) {
  (void)state;
  const char *po = "msgid \"A\"\nmsgstr \"甲\"\nmsgid \"B\"\nmsgstr \"乙\"\n";
  size_t cut = (size_t)(strstr(po, "msgid \"B\"") - po);
  i18n *c = i18n_parse(po, cut, NULL);
  assert_true(i18n_has(c, "A"));
  assert_false(i18n_has(c, "B"));
  i18n_free(c);
}

static void many_entries_survive_rehashing(void **state) {
  (void)state;
  size_t n = 3000;
  char *po = malloc(n * 48);
  assert_non_null(po);
  size_t len = 0;
  for (size_t i = 0; i < n; i++) len += (size_t)sprintf(po + len, "msgid \"msg %zu\"\nmsgstr \"译 %zu\"\n\n", i, i);
  int bad = -1;
  i18n *c = i18n_parse(po, len, &bad);
  assert_int_equal(bad, 0);
  assert_int_equal(i18n_count(c), n);
  for (size_t i = 0; i < n; i++) {
    char id[32], want[32];
    snprintf(id, sizeof id, "msg %zu", i);
    snprintf(want, sizeof want, "译 %zu", i);
    assert_string_equal(i18n_get(c, LANG_ZH, id), want);
  }
  i18n_free(c);
  free(po);
}

static void lang_parse(void **state) {
  (void)state;
  assert_int_equal(i18n_lang_parse("zh"), LANG_ZH);
  assert_int_equal(i18n_lang_parse("zh-CN"), LANG_ZH);
  assert_int_equal(i18n_lang_parse("zh_CN"), LANG_ZH);
  assert_int_equal(i18n_lang_parse("en"), LANG_EN);
  assert_int_equal(i18n_lang_parse("en-US"), LANG_EN);
  assert_int_equal(i18n_lang_parse("en_GB"), LANG_EN);
  assert_int_equal(i18n_lang_parse("fr"), -1);
  assert_int_equal(i18n_lang_parse("fr-FR"), -1);
  assert_int_equal(i18n_lang_parse(NULL), -1);
  assert_int_equal(i18n_lang_parse(""), -1);
  assert_int_equal(i18n_lang_parse("z"), -1);
  assert_int_equal(i18n_lang_parse("zhx"), -1);
  assert_int_equal(i18n_lang_parse("english"), -1);
  assert_int_equal(i18n_lang_parse("<script>"), -1);
}

static void lang_tag_round_trips(void **state) {
  (void)state;
  assert_string_equal(i18n_lang_tag(LANG_ZH), "zh-CN");
  assert_string_equal(i18n_lang_tag(LANG_EN), "en");
  assert_int_equal(i18n_lang_parse(i18n_lang_tag(LANG_ZH)), LANG_ZH);
  assert_int_equal(i18n_lang_parse(i18n_lang_tag(LANG_EN)), LANG_EN);
}

/* ---- the real catalogue ---- */

static i18n *real_catalogue(void) {
  const zd_asset *a = asset_find("po/zh_CN.po");
  assert_non_null(a);
  int bad = -1;
  i18n *c = i18n_parse(a->data, a->len, &bad);
  assert_non_null(c);
  if (bad != 0) fail_msg("po/zh_CN.po has %d malformed entries", bad);
  return c;
}

static void real_catalogue_parses_cleanly(void **state) {
  (void)state;
  const zd_asset *a = asset_find("po/zh_CN.po");
  assert_non_null(a);
  assert_true(utf8_valid(a->data, a->len));
  i18n *c = real_catalogue();
  assert_true(i18n_count(c) >= 10);
  assert_string_equal(i18n_get(c, LANG_ZH, "Page not found"), "页面不存在");
  assert_string_equal(i18n_get(c, LANG_EN, "Page not found"), "Page not found");
  i18n_free(c);
}

static void real_catalogue_translates_the_navigation(void **state) {
  (void)state;
  i18n *c = real_catalogue();
  assert_true(zd_nav_count > 0);
  for (size_t i = 0; i < zd_nav_count; i++) {
    if (!i18n_has(c, zd_nav[i].label)) fail_msg("nav label \"%s\" has no translation", zd_nav[i].label);
    if (zd_nav[i].hint && !i18n_has(c, zd_nav[i].hint))
      fail_msg("nav hint \"%s\" has no translation", zd_nav[i].hint);
  }
  i18n_free(c);
}

static void real_catalogue_translates_org_kinds(void **state) {
  (void)state;
  i18n *c = real_catalogue();
  for (int k = 0; k < ORG_KIND_COUNT; k++)
    if (!i18n_has(c, org_kind_label((org_kind)k)))
      fail_msg("org kind label \"%s\" has no translation", org_kind_label((org_kind)k));
  i18n_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(normal_entries_translate),
    cmocka_unit_test(english_returns_the_msgid),
    cmocka_unit_test(multi_line_strings_are_joined),
    cmocka_unit_test(escapes_are_decoded),
    cmocka_unit_test(header_entry_is_ignored),
    cmocka_unit_test(untranslated_falls_back_to_msgid),
    cmocka_unit_test(malformed_lines_are_counted_and_skipped),
    cmocka_unit_test(misspelt_keyword_is_counted),
    cmocka_unit_test(msgstr_without_msgid_is_counted),
    cmocka_unit_test(duplicates_last_wins),
    cmocka_unit_test(crlf_and_missing_final_newline),
    cmocka_unit_test(empty_and_null_catalogues),
    cmocka_unit_test(len_bounds_the_input),
    cmocka_unit_test(many_entries_survive_rehashing),
    cmocka_unit_test(lang_parse),
    cmocka_unit_test(lang_tag_round_trips),
    cmocka_unit_test(real_catalogue_parses_cleanly),
    cmocka_unit_test(real_catalogue_translates_the_navigation),
    cmocka_unit_test(real_catalogue_translates_org_kinds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
