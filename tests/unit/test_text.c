/* test_text.c — UTF-8 checks, percent-decoding, form parsing, codes and
** redirect targets (src/platform/text.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/text.h"

#define VALID(lit) utf8_valid((lit), sizeof(lit) - 1)

/* ---- utf8_valid / utf8_len ---- */

static void utf8_accepts_well_formed_text(void **state) {
  (void)state;
  assert_true(VALID(""));
  assert_true(VALID("plain ASCII ~\x7f"));
  assert_true(VALID("阵地 仁和村"));                  /* 3-byte */
  assert_true(VALID("\xF0\x9F\x98\x80"));             /* U+1F600 emoji, 4-byte */
  assert_true(VALID("caf\xC3\xA9"));                  /* 2-byte */
  /* the boundaries of every length class */
  assert_true(VALID("\xC2\x80"));                     /* U+0080 */
  assert_true(VALID("\xDF\xBF"));                     /* U+07FF */
  assert_true(VALID("\xE0\xA0\x80"));                 /* U+0800 */
  assert_true(VALID("\xED\x9F\xBF"));                 /* U+D7FF, just below surrogates */
  assert_true(VALID("\xEE\x80\x80"));                 /* U+E000, just above */
  assert_true(VALID("\xEF\xBF\xBF"));                 /* U+FFFF */
  assert_true(VALID("\xF0\x90\x80\x80"));             /* U+10000 */
  assert_true(VALID("\xF4\x8F\xBF\xBF"));             /* U+10FFFF, the last code point */
  /* only the first n bytes count */
  assert_true(utf8_valid("abc\xFF", 3));
}

static void utf8_rejects_overlong_forms(void **state) {
  (void)state;
  assert_false(VALID("\xC0\xAF"));                    /* overlong '/' */
  assert_false(VALID("\xC0\x80"));                    /* overlong NUL */
  assert_false(VALID("\xC1\xBF"));
  assert_false(VALID("\xE0\x80\xAF"));                /* 3-byte overlong '/' */
  assert_false(VALID("\xE0\x9F\xBF"));                /* U+07FF in 3 bytes */
  assert_false(VALID("\xF0\x80\x80\xAF"));            /* 4-byte overlong '/' */
  assert_false(VALID("\xF0\x8F\xBF\xBF"));            /* U+FFFF in 4 bytes */
  assert_false(VALID("ok" "\xC0\xAF" "ok"));
}

static void utf8_rejects_surrogates(void **state) {
  (void)state;
  assert_false(VALID("\xED\xA0\x80"));                /* U+D800 */
  assert_false(VALID("\xED\xAD\xBF"));                /* U+DB7F */
  assert_false(VALID("\xED\xB0\x80"));                /* U+DC00 */
  assert_false(VALID("\xED\xBF\xBF"));                /* U+DFFF */
  assert_false(VALID("\xED\xA0\xBD\xED\xB8\x80"));    /* CESU-8 pair for an emoji */
}

static void utf8_rejects_beyond_u10ffff_and_bad_lead_bytes(void **state) {
  (void)state;
  assert_false(VALID("\xF4\x90\x80\x80"));            /* U+110000 */
  assert_false(VALID("\xF5\x80\x80\x80"));
  assert_false(VALID("\xF7\xBF\xBF\xBF"));
  assert_false(VALID("\xF8\x88\x80\x80\x80"));        /* old 5-byte form */
  assert_false(VALID("\xFC\x84\x80\x80\x80\x80"));    /* old 6-byte form */
  assert_false(VALID("\xFE"));
  assert_false(VALID("\xFF"));
  assert_false(VALID("a\x80" "b"));                   /* lone continuation byte */
  assert_false(VALID("\xBF"));
}

static void utf8_rejects_truncated_sequences(void **state) {
  (void)state;
  assert_false(VALID("\xC3"));                        /* 2-byte, end of input */
  assert_false(VALID("\xE9\x98"));                    /* "阵" missing its last byte */
  assert_false(VALID("\xF0\x9F\x98"));                /* emoji missing its last byte */
  assert_false(VALID("\xE9\x98" "A"));                /* cut short by ASCII */
  assert_false(VALID("\xF0\x9F" "AB"));
  assert_false(VALID("\xC3" " "));
  /* a valid string cut in the middle of a character by n */
  const char *s = "阵地";
  assert_true(utf8_valid(s, 6));
  assert_false(utf8_valid(s, 5));
  assert_false(utf8_valid(s, 4));
  assert_true(utf8_valid(s, 3));
}

static void utf8_len_counts_code_points(void **state) {
  (void)state;
  assert_int_equal(utf8_len(""), 0);
  assert_int_equal(utf8_len("abc"), 3);
  assert_int_equal(utf8_len("阵地"), 2);
  assert_int_equal(utf8_len("a\xF0\x9F\x98\x80" "b"), 3);
  assert_int_equal(utf8_len("仁和村党群服务中心"), 9);
}

/* ---- url_decode ---- */

static void url_decode_decodes_escapes_and_plus(void **state) {
  (void)state;
  char a[] = "a%20b%2Fc";
  assert_int_equal(url_decode(a, 0), 5);
  assert_string_equal(a, "a b/c");

  char b[] = "a+b%2B";
  assert_int_equal(url_decode(b, 1), 4);
  assert_string_equal(b, "a b+");           /* %2B is a literal plus, not a space */

  char c[] = "a+b";
  assert_int_equal(url_decode(c, 0), 3);
  assert_string_equal(c, "a+b");            /* path segments keep '+' */

  char d[] = "%e9%98%b5%E5%9C%B0";
  assert_int_equal(url_decode(d, 1), 6);
  assert_string_equal(d, "阵地");

  char e[] = "";
  assert_int_equal(url_decode(e, 1), 0);
  assert_string_equal(e, "");

  char f[] = "100%25";
  assert_int_equal(url_decode(f, 1), 4);
  assert_string_equal(f, "100%");
}

static void url_decode_rejects_malformed_escapes(void **state) {
  (void)state;
  const char *bad[] = {"%zz", "%4", "%", "abc%", "%%", "%g0", "%0g", "a%2", "%-1", "% 2", "ok%4x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%s", bad[i]);
    if (url_decode(tmp, 1) != (size_t)-1) fail_msg("url_decode accepted \"%s\"", bad[i]);
  }
}

static void url_decode_reports_nul_in_the_length(void **state) {
  (void)state;
  char s[] = "a%00b";
  size_t n = url_decode(s, 1);
  assert_int_equal(n, 3);
  assert_memory_equal(s, "a\0b", 4);
  assert_true(strlen(s) != n); /* callers detect the NUL this way */
}

/* ---- form_parse ---- */

static int parse(const char *body, size_t max, kvlist *l, const char **err) {
  return form_parse(body, strlen(body), max, l, err);
}

static void form_parses_pairs_and_plus(void **state) {
  (void)state;
  kvlist l = {0};
  const char *err = "x";
  assert_int_equal(parse("name=%E4%BB%81%E5%92%8C%E6%9D%91&note=two+words&first+name=a%2Bb", 10, &l, &err), 0);
  assert_null(err);
  assert_int_equal(l.n, 3);
  assert_string_equal(kvlist_get(&l, "name"), "仁和村");
  assert_string_equal(kvlist_get(&l, "note"), "two words");
  assert_string_equal(kvlist_get(&l, "first name"), "a+b");
  assert_null(kvlist_get(&l, "missing"));
  assert_null(kvlist_get(&l, "Name")); /* keys are case-sensitive */
  kvlist_free(&l);
  assert_int_equal(l.n, 0);
  assert_null(l.v);
}

static void form_empty_keys_values_and_pairs(void **state) {
  (void)state;
  kvlist l = {0};
  const char *err;
  assert_int_equal(parse("&&=v&k=&&a=b=c&", 10, &l, &err), 0);
  assert_int_equal(l.n, 3);
  assert_string_equal(l.v[0].key, "");
  assert_string_equal(l.v[0].val, "v");
  assert_string_equal(kvlist_get(&l, "k"), "");
  assert_string_equal(kvlist_get(&l, "a"), "b=c");
  kvlist_free(&l);

  assert_int_equal(form_parse("", 0, 10, &l, &err), 0);
  assert_int_equal(l.n, 0);
  assert_int_equal(parse("&&&", 10, &l, &err), 0);
  assert_int_equal(l.n, 0);
  kvlist_free(&l);
}

/* A key with no '=' ("?flag", or a POST body "x") is a pair with an empty
** value. BUG (text.c:104): val points at the string literal "" and
** url_decode(val) writes its terminator into it -> SIGSEGV. */
static void form_key_without_equals_sign_has_empty_value(void **state) {
  (void)state;
  kvlist l = {0};
  const char *err = NULL;
  assert_int_equal(parse("flag", 10, &l, &err), 0);
  assert_int_equal(l.n, 1);
  assert_string_equal(kvlist_get(&l, "flag"), "");
  kvlist_free(&l);
  assert_int_equal(parse("a=1&flag&b=2", 10, &l, &err), 0);
  assert_int_equal(l.n, 3);
  assert_string_equal(kvlist_get(&l, "flag"), "");
  assert_string_equal(kvlist_get(&l, "b"), "2");
  kvlist_free(&l);
}

static void form_duplicate_keys_keep_order_and_get_returns_first(void **state) {
  (void)state;
  kvlist l = {0};
  const char *err;
  assert_int_equal(parse("role=viewer&role=admin&x=1", 10, &l, &err), 0);
  assert_int_equal(l.n, 3);
  assert_string_equal(kvlist_get(&l, "role"), "viewer");
  assert_string_equal(l.v[1].key, "role");
  assert_string_equal(l.v[1].val, "admin");
  kvlist_free(&l);
}

static void form_respects_len(void **state) {
  (void)state;
  kvlist l = {0};
  const char *err;
  const char *body = "a=1&b=2";
  assert_int_equal(form_parse(body, 3, 10, &l, &err), 0);
  assert_int_equal(l.n, 1);
  assert_string_equal(kvlist_get(&l, "a"), "1");
  assert_null(kvlist_get(&l, "b"));
  kvlist_free(&l);
}

static void form_limits_the_number_of_pairs(void **state) {
  (void)state;
  kvlist l = {0};
  const char *err;
  assert_int_equal(parse("a=1&b=2&c=3", 3, &l, &err), 0);
  assert_int_equal(l.n, 3);
  kvlist_free(&l);

  err = NULL;
  assert_int_not_equal(parse("a=1&b=2&c=3&d=4", 3, &l, &err), 0);
  assert_non_null(err);
  assert_string_equal(err, "too many parameters");
  assert_int_equal(l.n, 0);
  assert_null(l.v);

  /* empty pairs do not count */
  assert_int_equal(parse("a=1&&&b=2&", 2, &l, &err), 0);
  assert_int_equal(l.n, 2);
  kvlist_free(&l);

  /* many pairs */
  size_t n = 5000;
  char *big = malloc(n * 8 + 1);
  assert_non_null(big);
  size_t len = 0;
  for (size_t i = 0; i < n; i++) len += (size_t)sprintf(big + len, "%sk%zu=v", i ? "&" : "", i);
  assert_int_equal(form_parse(big, len, n, &l, &err), 0);
  assert_int_equal(l.n, n);
  assert_string_equal(kvlist_get(&l, "k4999"), "v");
  kvlist_free(&l);
  assert_int_not_equal(form_parse(big, len, n - 1, &l, &err), 0);
  assert_int_equal(l.n, 0);
  free(big);
}

static void form_rejects_invalid_utf8(void **state) {
  (void)state;
  const char *bad[] = {
    "name=%C0%AF",             /* overlong */
    "name=%ED%A0%80",          /* surrogate */
    "name=%F4%90%80%80",       /* > U+10FFFF */
    "name=%E9%98",             /* truncated */
    "name=ok&%FF=1",           /* invalid key */
    "name=\xC0\xAF",           /* raw, not escaped */
    "name=\xE9\x98",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    kvlist l = {0};
    const char *err = NULL;
    if (parse(bad[i], 10, &l, &err) == 0) fail_msg("accepted %s", bad[i]);
    assert_non_null(err);
    assert_string_equal(err, "invalid UTF-8");
    assert_int_equal(l.n, 0);
    assert_null(l.v);
  }
}

static void form_rejects_nul_bytes(void **state) {
  (void)state;
  const char *bad[] = {"a=x%00y", "a=%00", "%00=1", "ok=1&a%00b=2"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    kvlist l = {0};
    const char *err = NULL;
    if (parse(bad[i], 10, &l, &err) == 0) fail_msg("accepted %s", bad[i]);
    assert_non_null(err);
    assert_int_equal(l.n, 0);
  }
  /* a raw NUL inside the body */
  kvlist l = {0};
  const char *err = NULL;
  assert_int_not_equal(form_parse("a=1\0b=2", 7, 10, &l, &err), 0);
  assert_non_null(err);
  assert_int_equal(l.n, 0);
}

static void form_rejects_bad_escapes_and_drops_earlier_pairs(void **state) {
  (void)state;
  const char *bad[] = {"a=%zz", "a=%4", "ok=1&a=%", "%zz=1", "ok=1&b=2&c=%G1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    kvlist l = {0};
    const char *err = NULL;
    if (parse(bad[i], 10, &l, &err) == 0) fail_msg("accepted %s", bad[i]);
    assert_string_equal(err, "malformed percent-escape");
    assert_int_equal(l.n, 0);
    assert_null(l.v);
  }
}

static void form_handles_a_huge_value(void **state) {
  (void)state;
  size_t m = 400000; /* 1.2 MB of "%41" */
  char *body = malloc(2 + 3 * m);
  assert_non_null(body);
  memcpy(body, "v=", 2);
  for (size_t i = 0; i < m; i++) memcpy(body + 2 + 3 * i, "%41", 3);
  kvlist l = {0};
  const char *err;
  assert_int_equal(form_parse(body, 2 + 3 * m, 10, &l, &err), 0);
  assert_int_equal(l.n, 1);
  assert_int_equal(strlen(kvlist_get(&l, "v")), m);
  assert_int_equal(kvlist_get(&l, "v")[0], 'A');
  assert_int_equal(kvlist_get(&l, "v")[m - 1], 'A');
  kvlist_free(&l);
  free(body);
}

static void kvlist_add_copies_and_null_value_is_empty(void **state) {
  (void)state;
  kvlist l = {0};
  char key[] = "k", val[] = "v";
  assert_int_equal(kvlist_add(&l, key, val), 0);
  key[0] = 'x';
  val[0] = 'y';
  assert_string_equal(kvlist_get(&l, "k"), "v");
  assert_int_equal(kvlist_add(&l, "n", NULL), 0);
  assert_string_equal(kvlist_get(&l, "n"), "");
  kvlist_free(&l);
  kvlist_free(&l); /* twice is harmless */
}

/* ---- code_valid ---- */

static void code_valid_edges(void **state) {
  (void)state;
  char s32[33], s33[34];
  memset(s32, 'a', 32); s32[32] = 0;
  memset(s33, 'a', 33); s33[33] = 0;
  assert_true(code_valid("a"));
  assert_true(code_valid("renhe"));
  assert_true(code_valid("renhe-2"));
  assert_true(code_valid("a1-b2-"));
  assert_true(code_valid(s32));
  assert_false(code_valid(s33));
  assert_false(code_valid(""));
  assert_false(code_valid(NULL));
  assert_false(code_valid("Renhe"));
  assert_false(code_valid("renHe"));
  assert_false(code_valid("1renhe"));
  assert_false(code_valid("-renhe"));
  assert_false(code_valid("ren_he"));
  assert_false(code_valid("ren he"));
  assert_false(code_valid("ren.he"));
  assert_false(code_valid("ren/he"));
  assert_false(code_valid("../x"));
  assert_false(code_valid("仁和"));
  assert_false(code_valid("caf\xC3\xA9"));
  assert_false(code_valid("renhe\n"));
}

/* ---- local_path_valid ---- */

static void local_path_valid_edges(void **state) {
  (void)state;
  assert_true(local_path_valid("/"));
  assert_true(local_path_valid("/v/renhe"));
  assert_true(local_path_valid("/v/renhe?lang=en#top"));
  assert_true(local_path_valid("/v/%E4%BB%81"));
  assert_false(local_path_valid("//evil.com"));
  assert_false(local_path_valid("//evil.com/path"));
  assert_false(local_path_valid("/\\evil.com"));
  assert_false(local_path_valid("/a\\b"));
  assert_false(local_path_valid("http://x"));
  assert_false(local_path_valid("https://evil.com/"));
  assert_false(local_path_valid("javascript:alert(1)"));
  assert_false(local_path_valid("v/renhe"));
  assert_false(local_path_valid(" /x"));
  assert_false(local_path_valid(""));
  assert_false(local_path_valid(NULL));
  assert_false(local_path_valid("/x\r\nSet-Cookie: a=b"));
  assert_false(local_path_valid("/x\nLocation: //evil.com"));
  assert_false(local_path_valid("/\t/evil.com"));
  assert_false(local_path_valid("/x\x01"));
}

/* civil_date gives what gmtime_r gives, from year 0 to 9999, on both sides of
** 1970 and on leap days (2000 is one, 1900 and 2100 are not). */
static void civil_date_matches_gmtime(void **state) {
  (void)state;
  struct { long long t; const char *want; } fixed[] = {
    {0, "1970-01-01"}, {-1, "1969-12-31"}, {86399, "1970-01-01"}, {86400, "1970-01-02"},
    {951782400, "2000-02-29"}, {951868800, "2000-03-01"}, {-2203891200LL, "1900-03-01"},
    {4107456000LL, "2100-02-28"}, {4107542400LL, "2100-03-01"}, {1795536000LL, "2026-11-24"},
    {-62167219200LL, "0000-01-01"}, {253402300799LL, "9999-12-31"},
  };
  char out[11];
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    civil_date(fixed[i].t, out);
    assert_string_equal(out, fixed[i].want);
  }
  for (long long t = -62167219200LL; t < 253402300800LL; t += 7777777) { /* about every 90 days, drifting through the day */
    time_t tt = (time_t)t;
    struct tm tm;
    char want[32];
    assert_non_null(gmtime_r(&tt, &tm));
    snprintf(want, sizeof want, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    civil_date(t, out);
    if (strcmp(out, want) != 0) fail_msg("t=%lld: %s, gmtime_r says %s", t, out, want);
  }
  civil_date(-62167219201LL, out); /* the day before year 0 */
  assert_string_equal(out, "");
  civil_date(253402300800LL, out); /* year 10000 */
  assert_string_equal(out, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(utf8_accepts_well_formed_text),
    cmocka_unit_test(utf8_rejects_overlong_forms),
    cmocka_unit_test(utf8_rejects_surrogates),
    cmocka_unit_test(utf8_rejects_beyond_u10ffff_and_bad_lead_bytes),
    cmocka_unit_test(utf8_rejects_truncated_sequences),
    cmocka_unit_test(utf8_len_counts_code_points),
    cmocka_unit_test(url_decode_decodes_escapes_and_plus),
    cmocka_unit_test(url_decode_rejects_malformed_escapes),
    cmocka_unit_test(url_decode_reports_nul_in_the_length),
    cmocka_unit_test(form_parses_pairs_and_plus),
    cmocka_unit_test(form_empty_keys_values_and_pairs),
    cmocka_unit_test(form_key_without_equals_sign_has_empty_value),
    cmocka_unit_test(form_duplicate_keys_keep_order_and_get_returns_first),
    cmocka_unit_test(form_respects_len),
    cmocka_unit_test(form_limits_the_number_of_pairs),
    cmocka_unit_test(form_rejects_invalid_utf8),
    cmocka_unit_test(form_rejects_nul_bytes),
    cmocka_unit_test(form_rejects_bad_escapes_and_drops_earlier_pairs),
    cmocka_unit_test(form_handles_a_huge_value),
    cmocka_unit_test(kvlist_add_copies_and_null_value_is_empty),
    cmocka_unit_test(code_valid_edges),
    cmocka_unit_test(local_path_valid_edges),
    cmocka_unit_test(civil_date_matches_gmtime),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
