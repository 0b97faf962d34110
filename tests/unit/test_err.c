/* test_err.c — error codes, HTTP statuses and API code names (src/platform/err.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "platform/err.h"

static const struct {
  int rc, status;
  const char *code;
} expect[] = {
  {ZD_OK, 200, "ok"},
  {ZD_EINVAL, 400, "invalid_input"},
  {ZD_EUNAUTH, 401, "unauthenticated"},
  {ZD_EFORBIDDEN, 403, "forbidden"},
  {ZD_ENOTFOUND, 404, "not_found"},
  {ZD_EMETHOD, 405, "method_not_allowed"},
  {ZD_ECONFLICT, 409, "conflict"},
  {ZD_ETOOBIG, 413, "too_large"},
  {ZD_EMEDIA, 415, "unsupported_media_type"},
  {ZD_ERATE, 429, "rate_limited"},
  {ZD_EINTERNAL, 500, "internal"},
  {ZD_EUNAVAIL, 503, "unavailable"},
  {ZD_ESCHEMA, 503, "schema_mismatch"},
  {ZD_EDB, 500, "database"},
};
#define NEXPECT (sizeof expect / sizeof expect[0])

static void every_code_has_its_http_status(void **state) {
  (void)state;
  for (size_t i = 0; i < NEXPECT; i++)
    if (zd_http_status(expect[i].rc) != expect[i].status)
      fail_msg("rc %d -> %d, want %d", expect[i].rc, zd_http_status(expect[i].rc), expect[i].status);
}

static void every_code_has_its_api_name(void **state) {
  (void)state;
  for (size_t i = 0; i < NEXPECT; i++) {
    assert_non_null(zd_code_name(expect[i].rc));
    assert_string_equal(zd_code_name(expect[i].rc), expect[i].code);
  }
  /* API clients switch on these: no two codes may share a name */
  for (size_t i = 0; i < NEXPECT; i++)
    for (size_t j = i + 1; j < NEXPECT; j++)
      assert_string_not_equal(zd_code_name(expect[i].rc), zd_code_name(expect[j].rc));
}

static void every_code_has_a_default_message(void **state) {
  (void)state;
  for (size_t i = 0; i < NEXPECT; i++) {
    const char *m = zd_default_msg(expect[i].rc);
    assert_non_null(m);
    assert_true(strlen(m) > 1);
  }
  assert_string_equal(zd_default_msg(ZD_ENOTFOUND), "Not found.");
  assert_string_equal(zd_default_msg(ZD_EUNAUTH), "Please log in.");
}

static void unknown_codes_are_internal_errors(void **state) {
  (void)state;
  const int unknown[] = {-14, -100, 1, 2, 404, -2147483647 - 1, 2147483647};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    assert_int_equal(zd_http_status(unknown[i]), 500);
    assert_string_equal(zd_code_name(unknown[i]), "internal");
    assert_string_equal(zd_default_msg(unknown[i]), zd_default_msg(ZD_EINTERNAL));
  }
}

static void zd_fail_formats_and_returns_rc(void **state) {
  (void)state;
  zd_error e = {0, ""};
  assert_int_equal(zd_fail(&e, ZD_ENOTFOUND, "No village \"%s\" (id %d).", "仁和", 7), ZD_ENOTFOUND);
  assert_int_equal(e.rc, ZD_ENOTFOUND);
  assert_string_equal(e.msg, "No village \"仁和\" (id 7).");
  /* a second failure replaces the first */
  assert_int_equal(zd_fail(&e, ZD_ECONFLICT, "%s", "state"), ZD_ECONFLICT);
  assert_int_equal(e.rc, ZD_ECONFLICT);
  assert_string_equal(e.msg, "state");
  /* no error record: still returns rc */
  assert_int_equal(zd_fail(NULL, ZD_EINVAL, "ignored %d", 1), ZD_EINVAL);
}

static void zd_fail_truncates_long_messages(void **state) {
  (void)state;
  char longmsg[1000];
  memset(longmsg, 'x', sizeof longmsg - 1);
  longmsg[sizeof longmsg - 1] = 0;
  zd_error e;
  memset(&e, 0x7f, sizeof e);
  assert_int_equal(zd_fail(&e, ZD_EINVAL, "%s", longmsg), ZD_EINVAL);
  assert_int_equal(strlen(e.msg), ZD_ERRMSG_MAX - 1);
  assert_int_equal(e.msg[0], 'x');
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_code_has_its_http_status),
    cmocka_unit_test(every_code_has_its_api_name),
    cmocka_unit_test(every_code_has_a_default_message),
    cmocka_unit_test(unknown_codes_are_internal_errors),
    cmocka_unit_test(zd_fail_formats_and_returns_rc),
    cmocka_unit_test(zd_fail_truncates_long_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
