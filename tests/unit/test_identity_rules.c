/* test_identity_rules.c — the pure rules of the identity module
** (src/modules/identity/identity_rules.c) and its secrets
** (src/modules/identity/identity_crypto.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "modules/identity/identity.h"
#include "modules/org/org.h"

/* ---------------------------------------------------------------- roles */

static const char *const role_keys[ROLE_COUNT] = {
  "county-admin", "township-admin", "area-leader", "center-admin", "cadre", "supervisor", "member",
};

static void role_parse_and_key_round_trip(void **state) {
  (void)state;
  for (int r = 0; r < ROLE_COUNT; r++) {
    assert_string_equal(role_key((role)r), role_keys[r]);
    assert_int_equal(role_parse(role_keys[r]), r);
    assert_int_equal(role_parse(role_key((role)r)), r);
    /* every role has a (non-placeholder) label */
    assert_non_null(role_label((role)r));
    assert_string_not_equal(role_label((role)r), "?");
  }
  /* the enum order is part of the contract (stored keys, SQL lists) */
  assert_int_equal(role_parse("county-admin"), ROLE_COUNTY_ADMIN);
  assert_int_equal(role_parse("township-admin"), ROLE_TOWNSHIP_ADMIN);
  assert_int_equal(role_parse("area-leader"), ROLE_AREA_LEADER);
  assert_int_equal(role_parse("center-admin"), ROLE_CENTER_ADMIN);
  assert_int_equal(role_parse("cadre"), ROLE_CADRE);
  assert_int_equal(role_parse("supervisor"), ROLE_SUPERVISOR);
  assert_int_equal(role_parse("member"), ROLE_MEMBER);
}

static void role_parse_refuses_unknown(void **state) {
  (void)state;
  const char *bad[] = {"", "admin", "County-Admin", "COUNTY-ADMIN", "county_admin", "county admin",
                       "county-admin ", " member", "members", "membe", "member\n", "?", "超级管理员",
                       "cadre;", "supervisors"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (role_parse(bad[i]) != -1) fail_msg("\"%s\" parsed as a role", bad[i]);
  assert_int_equal(role_parse(NULL), -1);
  assert_string_equal(role_key(ROLE_COUNT), "?");
  assert_string_equal(role_label(ROLE_COUNT), "?");
}

/* The expected permission matrix, written out independently of the source.
** Unlisted entries are 0 (denied). */
#define G(...) {__VA_ARGS__}
static const int grants[ROLE_COUNT][PERM_COUNT] = {
  [ROLE_COUNTY_ADMIN] = G([PERM_PUBLIC] = 1, [PERM_LOGIN] = 1, [PERM_ORG_VIEW] = 1, [PERM_ORG_EDIT] = 1,
                          [PERM_USER_MANAGE] = 1, [PERM_AUDIT_READ] = 1, [PERM_PERSONAL_READ] = 1,
                          [PERM_APPEAL_VIEW] = 1, [PERM_APPEAL_HANDLE] = 1, [PERM_UPGRADE_EDIT] = 1,
                          [PERM_UPGRADE_RECORD] = 1, [PERM_UPGRADE_MANAGE] = 1, [PERM_INSPECT] = 1, [PERM_UPLOAD] = 1,
                          [PERM_DUTY_SELF] = 1, [PERM_DUTY_MANAGE] = 1),
  [ROLE_TOWNSHIP_ADMIN] = G([PERM_PUBLIC] = 1, [PERM_LOGIN] = 1, [PERM_ORG_VIEW] = 1, [PERM_ORG_EDIT] = 1,
                            [PERM_USER_MANAGE] = 1, [PERM_AUDIT_READ] = 1, [PERM_PERSONAL_READ] = 1,
                            [PERM_APPEAL_VIEW] = 1, [PERM_APPEAL_HANDLE] = 1, [PERM_UPGRADE_EDIT] = 1,
                            [PERM_UPGRADE_RECORD] = 1, [PERM_UPGRADE_MANAGE] = 1, [PERM_INSPECT] = 1, [PERM_UPLOAD] = 1,
                            [PERM_DUTY_SELF] = 1, [PERM_DUTY_MANAGE] = 1),
  [ROLE_AREA_LEADER] = G([PERM_PUBLIC] = 1, [PERM_LOGIN] = 1, [PERM_ORG_VIEW] = 1, [PERM_APPEAL_VIEW] = 1,
                         [PERM_INSPECT] = 1, [PERM_UPLOAD] = 1),
  [ROLE_CENTER_ADMIN] = G([PERM_PUBLIC] = 1, [PERM_LOGIN] = 1, [PERM_ORG_VIEW] = 1, [PERM_ORG_EDIT] = 1,
                          [PERM_PERSONAL_READ] = 1, [PERM_APPEAL_VIEW] = 1, [PERM_APPEAL_HANDLE] = 1,
                          [PERM_UPGRADE_EDIT] = 1, [PERM_UPGRADE_RECORD] = 1, [PERM_UPLOAD] = 1,
                          [PERM_DUTY_SELF] = 1, [PERM_DUTY_MANAGE] = 1),
  [ROLE_CADRE] = G([PERM_PUBLIC] = 1, [PERM_LOGIN] = 1, [PERM_ORG_VIEW] = 1, [PERM_APPEAL_VIEW] = 1,
                   [PERM_APPEAL_HANDLE] = 1, [PERM_UPGRADE_RECORD] = 1, [PERM_UPLOAD] = 1, [PERM_DUTY_SELF] = 1),
  [ROLE_SUPERVISOR] = G([PERM_PUBLIC] = 1, [PERM_LOGIN] = 1, [PERM_ORG_VIEW] = 1, [PERM_AUDIT_READ] = 1,
                        [PERM_PERSONAL_READ] = 1, [PERM_APPEAL_VIEW] = 1),
  [ROLE_MEMBER] = G([PERM_PUBLIC] = 1, [PERM_LOGIN] = 1),
};
#undef G

static void role_grants_matrix(void **state) {
  (void)state;
  /* A new permission must be added to the matrix above (and decided for
  ** every role) before this passes again. */
  if (PERM_COUNT != 16) fail_msg("PERM_COUNT is %d: review the expected matrix in this test", (int)PERM_COUNT);
  for (int r = 0; r < ROLE_COUNT; r++)
    for (int p = 0; p < PERM_COUNT; p++) {
      int got = role_grants((role)r, (perm)p);
      if (got != grants[r][p])
        fail_msg("role_grants(%s, perm %d) = %d, expected %d", role_keys[r], p, got, grants[r][p]);
    }
}

static void role_grants_named_cases(void **state) {
  (void)state;
  assert_false(role_grants(ROLE_CADRE, PERM_USER_MANAGE));
  assert_false(role_grants(ROLE_CADRE, PERM_AUDIT_READ));
  assert_false(role_grants(ROLE_CADRE, PERM_PERSONAL_READ));
  assert_true(role_grants(ROLE_SUPERVISOR, PERM_AUDIT_READ));
  assert_true(role_grants(ROLE_SUPERVISOR, PERM_PERSONAL_READ));
  assert_false(role_grants(ROLE_SUPERVISOR, PERM_ORG_EDIT));
  assert_false(role_grants(ROLE_SUPERVISOR, PERM_USER_MANAGE));
  assert_true(role_grants(ROLE_SUPERVISOR, PERM_APPEAL_VIEW));
  assert_false(role_grants(ROLE_SUPERVISOR, PERM_APPEAL_HANDLE));
  assert_true(role_grants(ROLE_CADRE, PERM_APPEAL_HANDLE));
  assert_false(role_grants(ROLE_AREA_LEADER, PERM_APPEAL_HANDLE));
  assert_true(role_grants(ROLE_MEMBER, PERM_LOGIN));
  for (int p = PERM_ORG_VIEW; p < PERM_COUNT; p++) assert_false(role_grants(ROLE_MEMBER, (perm)p));
  for (int p = 0; p < PERM_COUNT; p++) {
    assert_true(role_grants(ROLE_COUNTY_ADMIN, (perm)p));
    assert_true(role_grants(ROLE_TOWNSHIP_ADMIN, (perm)p));
  }
  for (int r = 0; r < ROLE_COUNT; r++) assert_true(role_grants((role)r, PERM_PUBLIC));
  /* only 0/1, never a raw bit value */
  for (int r = 0; r < ROLE_COUNT; r++)
    for (int p = 0; p < PERM_COUNT; p++) {
      int g = role_grants((role)r, (perm)p);
      assert_true(g == 0 || g == 1);
    }
}

static void role_grants_out_of_range(void **state) {
  (void)state;
  for (int p = 0; p < PERM_COUNT; p++) {
    assert_int_equal(role_grants(ROLE_COUNT, (perm)p), 0);
    assert_int_equal(role_grants((role)(ROLE_COUNT + 5), (perm)p), 0);
    assert_int_equal(role_grants((role)role_parse("nobody"), (perm)p), 0); /* (role)-1 */
  }
  for (int r = 0; r < ROLE_COUNT; r++) {
    assert_int_equal(role_grants((role)r, PERM_COUNT), 0);
    assert_int_equal(role_grants((role)r, (perm)(PERM_COUNT + 3)), 0);
    assert_int_equal(role_grants((role)r, (perm)31), 0);
    assert_int_equal(role_grants((role)r, (perm)1000), 0);
    /* values that alias a real permission bit if the shift were taken modulo 32 or 64 */
    for (int p = 32; p < 32 + PERM_COUNT; p++) {
      assert_int_equal(role_grants((role)r, (perm)p), 0);
      assert_int_equal(role_grants((role)r, (perm)(p + 32)), 0);
    }
  }
  /* PERM_PUBLIC is not granted by a role that does not exist */
  assert_int_equal(role_grants(ROLE_COUNT, PERM_PUBLIC), 0);
}

static void role_org_kinds(void **state) {
  (void)state;
  static const int ok[ROLE_COUNT][ORG_KIND_COUNT] = {
    /*                    COUNTY TOWNSHIP VILLAGE COMMUNITY P_COMMITTEE P_BRANCH P_GROUP */
    [ROLE_COUNTY_ADMIN]   = {1, 0, 0, 0, 0, 0, 0},
    [ROLE_TOWNSHIP_ADMIN] = {0, 1, 0, 0, 0, 0, 0},
    [ROLE_AREA_LEADER]    = {0, 0, 1, 1, 0, 0, 0},
    [ROLE_CENTER_ADMIN]   = {0, 0, 1, 1, 0, 0, 0},
    [ROLE_CADRE]          = {0, 0, 1, 1, 0, 0, 0},
    [ROLE_SUPERVISOR]     = {0, 0, 1, 1, 0, 0, 0},
    [ROLE_MEMBER]         = {0, 0, 1, 1, 0, 1, 0},
  };
  assert_int_equal(ORG_KIND_COUNT, 7);
  for (int r = 0; r < ROLE_COUNT; r++)
    for (int k = 0; k < ORG_KIND_COUNT; k++) {
      int got = role_org_kind_ok((role)r, k);
      if (got != ok[r][k])
        fail_msg("role_org_kind_ok(%s, %s) = %d, expected %d", role_keys[r], org_kind_key((org_kind)k), got,
                 ok[r][k]);
    }
  for (int r = 0; r < ROLE_COUNT; r++) {
    assert_int_equal(role_org_kind_ok((role)r, -1), 0);
    assert_int_equal(role_org_kind_ok((role)r, ORG_KIND_COUNT), 0);
    assert_int_equal(role_org_kind_ok((role)r, 40), 0);
    /* negative kinds that alias a real kind bit if the shift were taken modulo 32 */
    for (int k = 0; k < ORG_KIND_COUNT; k++) {
      assert_int_equal(role_org_kind_ok((role)r, k - 32), 0);
      assert_int_equal(role_org_kind_ok((role)r, k + 32), 0);
    }
  }
  for (int k = 0; k < ORG_KIND_COUNT; k++) assert_int_equal(role_org_kind_ok(ROLE_COUNT, k), 0);
}

static void role_may_grant_levels(void **state) {
  (void)state;
  for (int r = 0; r < ROLE_COUNT; r++) {
    if (!role_may_grant(ROLE_COUNTY_ADMIN, (role)r)) fail_msg("county-admin may not grant %s", role_keys[r]);
    int tw = role_may_grant(ROLE_TOWNSHIP_ADMIN, (role)r);
    if (tw != (r != ROLE_COUNTY_ADMIN)) fail_msg("township-admin grant %s = %d", role_keys[r], tw);
    for (int g = ROLE_AREA_LEADER; g < ROLE_COUNT; g++)
      if (role_may_grant((role)g, (role)r)) fail_msg("%s may grant %s", role_keys[g], role_keys[r]);
  }
  assert_false(role_may_grant(ROLE_TOWNSHIP_ADMIN, ROLE_COUNTY_ADMIN));
  assert_true(role_may_grant(ROLE_TOWNSHIP_ADMIN, ROLE_TOWNSHIP_ADMIN));
  /* out of range, both sides */
  assert_false(role_may_grant(ROLE_COUNTY_ADMIN, ROLE_COUNT));
  assert_false(role_may_grant(ROLE_TOWNSHIP_ADMIN, ROLE_COUNT));
  assert_false(role_may_grant(ROLE_COUNTY_ADMIN, (role)role_parse("x")));
  assert_false(role_may_grant(ROLE_TOWNSHIP_ADMIN, (role)role_parse("x")));
  for (int r = 0; r < ROLE_COUNT; r++) {
    assert_false(role_may_grant(ROLE_COUNT, (role)r));
    assert_false(role_may_grant((role)role_parse("x"), (role)r));
  }
}

/* ------------------------------------------------------------- sessions */

static void session_idle_edge(void **state) {
  (void)state;
  const long long c = 1700000000LL;
  /* fresh */
  assert_true(session_valid(c, c, c));
  /* exactly the idle limit since last seen: still valid; one more second: not */
  assert_true(session_valid(c, c, c + SESSION_IDLE_SECONDS));
  assert_false(session_valid(c, c, c + SESSION_IDLE_SECONDS + 1));
  /* idle measured from `seen`, not from `created` */
  long long seen = c + 3 * 24 * 3600;
  assert_true(session_valid(c, seen, seen + SESSION_IDLE_SECONDS));
  assert_false(session_valid(c, seen, seen + SESSION_IDLE_SECONDS + 1));
  assert_true(session_valid(c, seen, seen + 1));
}

static void session_max_edge(void **state) {
  (void)state;
  const long long c = 1700000000LL;
  long long end = c + SESSION_MAX_SECONDS;
  /* seen just now: only the absolute limit applies */
  assert_true(session_valid(c, end, end));
  assert_false(session_valid(c, end + 1, end + 1));
  assert_true(session_valid(c, end - 10, end));
  assert_false(session_valid(c, end, end + 1));
  assert_false(session_valid(c, end, end + 1000000));
}

static void session_clock_before_creation(void **state) {
  (void)state;
  const long long c = 1700000000LL;
  assert_false(session_valid(c, c, c - 1));
  assert_false(session_valid(c, c - 5, c - 1));
  assert_false(session_valid(c, c, 0));
  assert_true(session_valid(0, 0, 0));
}

/* ------------------------------------------------------------ passwords */

static void password_lengths(void **state) {
  (void)state;
  char pw[200];
  assert_non_null(password_problem(NULL));
  assert_non_null(password_problem(""));
  assert_non_null(password_problem("123456789"));      /* 9 */
  assert_null(password_problem("1234567890"));         /* 10 */
  assert_null(password_problem("correct horse battery staple"));

  memset(pw, 'a', 128);
  pw[128] = 0;
  assert_null(password_problem(pw));                   /* 128 bytes */
  pw[128] = 'a';
  pw[129] = 0;
  const char *why = password_problem(pw);              /* 129 bytes */
  assert_non_null(why);
  assert_non_null(strstr(why, "128"));
  /* the short reason and the long reason are different messages */
  const char *short_why = password_problem("short");
  assert_non_null(short_why);
  assert_string_not_equal(short_why, why);
  assert_string_not_equal(password_problem(NULL), why);
}

static void password_utf8(void **state) {
  (void)state;
  /* ten Chinese characters: 30 bytes of valid UTF-8 */
  const char *zh = "我们的村庄很美丽干净";
  assert_int_equal(strlen(zh), 30);
  assert_null(password_problem(zh));
  /* 42 Chinese characters = 126 bytes + "ab" = 128 bytes: fine; one more byte: too long */
  char pw[200] = "";
  for (int i = 0; i < 42; i++) strcat(pw, "村");
  strcat(pw, "ab");
  assert_int_equal(strlen(pw), 128);
  assert_null(password_problem(pw));
  strcat(pw, "c");
  assert_non_null(password_problem(pw));

  const char *bad[] = {
    "abcdefghij\xff",              /* never valid */
    "\xff\xfe" "abcdefghijkl",
    "abcdefghij\xc0\xaf",          /* overlong '/' */
    "abcdefghij\xe0\x80\xaf",      /* overlong, 3 bytes */
    "abcdefghij\xed\xa0\x80",      /* UTF-16 surrogate */
    "abcdefghij\xf4\x90\x80\x80",  /* above U+10FFFF */
    "abcdefghij\xe6\x9d",          /* truncated at the end */
    "abcdefghij\x80",              /* lone continuation byte */
    "abc\xe6" "defghijk",          /* lead byte followed by ASCII */
  };
  const char *utf8_reason = password_problem(bad[0]);
  assert_non_null(utf8_reason);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *w = password_problem(bad[i]);
    if (!w) fail_msg("invalid UTF-8 password %zu accepted", i);
    assert_string_equal(w, utf8_reason);
  }
}

/* ---------------------------------------------------------------- logins */

static void login_lengths(void **state) {
  (void)state;
  char s[80];
  assert_false(login_valid(NULL));
  assert_false(login_valid(""));
  assert_false(login_valid("a"));
  assert_false(login_valid("ab"));   /* 2 */
  assert_true(login_valid("abc"));   /* 3 */
  memset(s, 'a', 64);
  s[64] = 0;
  assert_true(login_valid(s));       /* 64 */
  s[64] = 'a';
  s[65] = 0;
  assert_false(login_valid(s));      /* 65 */
  memset(s, 'b', 79);
  s[79] = 0;
  assert_false(login_valid(s));
}

static void login_characters(void **state) {
  (void)state;
  const char *good[] = {"renhe-admin", "a.b", "a_b", "a-b", "a1b2c3", "abc...", "z__", "x-1.y_2", "a00"};
  const char *bad[] = {"Abc", "aBc", "abC", "ABC", "1abc", "0ab", ".abc", "_abc", "-abc", "ab c", " abc",
                       "abc ", "ab@c", "ab/c", "ab\\c", "ab'c", "ab\"c", "ab\tc", "ab\nc", "ab+c", "张三丰",
                       "ab\xc3\xa9", "é-abc"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    if (!login_valid(good[i])) fail_msg("login \"%s\" refused", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (login_valid(bad[i])) fail_msg("login \"%s\" accepted", bad[i]);
}

/* ---------------------------------------------------------------- crypto */

static void password_hash_and_check(void **state) {
  (void)state;
  char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
  const char *pw = "correct horse battery";
  assert_int_equal(ident_hash_password(pw, h1, sizeof h1), 0);
  assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
  assert_true(strlen(h1) < sizeof h1);
  assert_true(ident_check_password(h1, pw));
  assert_false(ident_check_password(h1, "wrong password entirely"));
  assert_false(ident_check_password(h1, "correct horse batterY"));  /* one character changed */
  assert_false(ident_check_password(h1, "correct horse batter"));   /* one character less */
  assert_false(ident_check_password(h1, "correct horse battery!")); /* one character more */
  assert_false(ident_check_password(h1, ""));
  /* salted: the same password hashes differently, and both verify */
  assert_int_equal(ident_hash_password(pw, h2, sizeof h2), 0);
  assert_string_not_equal(h1, h2);
  assert_true(ident_check_password(h2, pw));
  /* garbage hash never matches */
  assert_false(ident_check_password("", pw));
  assert_false(ident_check_password("$argon2id$garbage", pw));
  assert_false(ident_check_password("plaintext", "plaintext"));
  /* a too-small buffer is refused */
  char tiny[16];
  assert_int_not_equal(ident_hash_password(pw, tiny, sizeof tiny), 0);
}

static void password_hash_utf8(void **state) {
  (void)state;
  char h[crypto_pwhash_STRBYTES];
  const char *zh = "我们的村庄很美丽干净";
  assert_int_equal(ident_hash_password(zh, h, sizeof h), 0);
  assert_true(ident_check_password(h, zh));
  assert_false(ident_check_password(h, "我们的村庄很美丽干"));
}

static int urlsafe(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void random_tokens(void **state) {
  (void)state;
  enum { N = 16 };
  char t[N][44];
  for (int i = 0; i < N; i++) {
    memset(t[i], 'X', sizeof t[i]);
    ident_random_token(t[i], sizeof t[i]);
    assert_int_equal(strlen(t[i]), 43);
    for (int k = 0; k < 43; k++)
      if (!urlsafe(t[i][k])) fail_msg("token %d has '%c' at %d", i, t[i][k], k);
    for (int j = 0; j < i; j++) assert_string_not_equal(t[i], t[j]);
  }
  /* a larger buffer still gives 43 characters */
  char big[100];
  ident_random_token(big, sizeof big);
  assert_int_equal(strlen(big), 43);
}

static int lower_hex(const char *s, size_t n) {
  if (strlen(s) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return 1;
}

static void token_hashes(void **state) {
  (void)state;
  char a[65], b[65];
  ident_token_hash("abc", a);
  assert_string_equal(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ident_token_hash("", a);
  assert_string_equal(a, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  char tok[44];
  ident_random_token(tok, sizeof tok);
  ident_token_hash(tok, a);
  ident_token_hash(tok, b);
  assert_true(lower_hex(a, 64));
  assert_string_equal(a, b);
  tok[0] = tok[0] == 'A' ? 'B' : 'A';
  ident_token_hash(tok, b);
  assert_true(lower_hex(b, 64));
  assert_string_not_equal(a, b);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(role_parse_and_key_round_trip),
    cmocka_unit_test(role_parse_refuses_unknown),
    cmocka_unit_test(role_grants_matrix),
    cmocka_unit_test(role_grants_named_cases),
    cmocka_unit_test(role_grants_out_of_range),
    cmocka_unit_test(role_org_kinds),
    cmocka_unit_test(role_may_grant_levels),
    cmocka_unit_test(session_idle_edge),
    cmocka_unit_test(session_max_edge),
    cmocka_unit_test(session_clock_before_creation),
    cmocka_unit_test(password_lengths),
    cmocka_unit_test(password_utf8),
    cmocka_unit_test(login_lengths),
    cmocka_unit_test(login_characters),
    cmocka_unit_test(password_hash_and_check),
    cmocka_unit_test(password_hash_utf8),
    cmocka_unit_test(random_tokens),
    cmocka_unit_test(token_hashes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
