/* test_route.c — route matching (src/platform/route.h) and the application's
** real route table (src/routes.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "platform/route.h"
#include "routes.h"

static int h_dummy(struct req *r) { (void)r; return 0; }

enum { R_HOME, R_VILLAGE, R_CENTER, R_LOGIN, R_STATIC, R_ITEM_PUT, R_ITEM_DEL, R_ITEM_GET, R_VNEW_POST, R_N };

static const route tab[] = {
  [R_HOME] = {"GET", "/", PERM_PUBLIC, h_dummy, NULL},
  [R_VILLAGE] = {"GET", "/v/{code}", PERM_PUBLIC, h_dummy, NULL},
  [R_CENTER] = {"GET", "/v/{code}/centers/{id}", PERM_PUBLIC, h_dummy, NULL},
  [R_LOGIN] = {"POST", "/login", PERM_PUBLIC, h_dummy, NULL},
  [R_STATIC] = {"GET", "/static/{file}", PERM_PUBLIC, h_dummy, NULL},
  [R_ITEM_PUT] = {"PUT", "/items/{id}", PERM_LOGIN, h_dummy, NULL},
  [R_ITEM_DEL] = {"DELETE", "/items/{id}", PERM_LOGIN, h_dummy, NULL},
  [R_ITEM_GET] = {"GET", "/items/{id}", PERM_PUBLIC, h_dummy, NULL},
  [R_VNEW_POST] = {"POST", "/v/{code}", PERM_LOGIN, h_dummy, NULL},
};

static int m(const char *method, const char *path, kvlist *params, char *allow, size_t allow_len) {
  return route_match(tab, R_N, method, path, params, allow, allow_len);
}

static void exact_match(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64] = "junk";
  assert_int_equal(m("GET", "/", &p, allow, sizeof allow), R_HOME);
  assert_int_equal(p.n, 0);
  assert_int_equal(m("POST", "/login", &p, allow, sizeof allow), R_LOGIN);
  assert_int_equal(p.n, 0);
  kvlist_free(&p);
}

static void captures_are_returned_by_name(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64];
  assert_int_equal(m("GET", "/v/renhe", &p, allow, sizeof allow), R_VILLAGE);
  assert_int_equal(p.n, 1);
  assert_string_equal(kvlist_get(&p, "code"), "renhe");
  kvlist_free(&p);

  assert_int_equal(m("GET", "/v/renhe/centers/42", &p, allow, sizeof allow), R_CENTER);
  assert_int_equal(p.n, 2);
  assert_string_equal(kvlist_get(&p, "code"), "renhe");
  assert_string_equal(kvlist_get(&p, "id"), "42");
  kvlist_free(&p);

  /* captures are taken verbatim: not decoded, not validated */
  assert_int_equal(m("GET", "/v/%E4%BB%81", &p, allow, sizeof allow), R_VILLAGE);
  assert_string_equal(kvlist_get(&p, "code"), "%E4%BB%81");
  kvlist_free(&p);

  /* a NULL params list is allowed */
  assert_int_equal(m("GET", "/v/renhe", NULL, allow, sizeof allow), R_VILLAGE);
}

static void capture_is_one_non_empty_segment(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64];
  const char *nomatch[] = {"/v/", "/v", "/v//", "/v/a/b", "/v/renhe/", "/v/renhe/centers/",
                           "/v//centers/1", "/v/renhe/centers", "/v/renhe/centers/1/x"};
  for (size_t i = 0; i < sizeof nomatch / sizeof nomatch[0]; i++) {
    int rc = m("GET", nomatch[i], &p, allow, sizeof allow);
    if (rc != ROUTE_NONE) fail_msg("%s matched route %d", nomatch[i], rc);
    /* a failed attempt leaves no half-filled captures behind */
    if (p.n != 0) fail_msg("%s left %zu captures", nomatch[i], p.n);
  }
  kvlist_free(&p);
}

static void unknown_paths_are_route_none(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64] = "stale";
  const char *paths[] = {"/nope", "", "//", "/login/", "/LOGIN", "/Login", "login", "/loginx", "/logi",
                         "/static", "/items"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    int rc = m("GET", paths[i], &p, allow, sizeof allow);
    if (rc != ROUTE_NONE) fail_msg("\"%s\" -> %d", paths[i], rc);
    assert_string_equal(allow, "");
  }
  assert_int_equal(p.n, 0);
  /* an unknown method on an unknown path is still "not found" */
  assert_int_equal(m("BREW", "/coffee", &p, allow, sizeof allow), ROUTE_NONE);
}

static void wrong_method_lists_allowed_methods(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64];
  assert_int_equal(m("POST", "/", &p, allow, sizeof allow), ROUTE_BAD_METHOD);
  assert_string_equal(allow, "GET, HEAD");
  assert_int_equal(p.n, 0);

  assert_int_equal(m("GET", "/login", &p, allow, sizeof allow), ROUTE_BAD_METHOD);
  assert_string_equal(allow, "POST");
  assert_int_equal(m("HEAD", "/login", &p, allow, sizeof allow), ROUTE_BAD_METHOD);
  assert_string_equal(allow, "POST");

  assert_int_equal(m("PATCH", "/items/7", &p, allow, sizeof allow), ROUTE_BAD_METHOD);
  assert_string_equal(allow, "PUT, DELETE, GET, HEAD");
  assert_int_equal(p.n, 0);

  assert_int_equal(m("DELETE", "/v/renhe", &p, allow, sizeof allow), ROUTE_BAD_METHOD);
  assert_string_equal(allow, "GET, HEAD, POST");

  /* Allow may be omitted */
  assert_int_equal(m("POST", "/", &p, NULL, 0), ROUTE_BAD_METHOD);
  kvlist_free(&p);
}

static void small_allow_buffer_is_not_overrun(void **state) {
  (void)state;
  char allow[8];
  memset(allow, 'x', sizeof allow);
  assert_int_equal(route_match(tab, R_N, "PATCH", "/items/7", NULL, allow, 6), ROUTE_BAD_METHOD);
  assert_true(strlen(allow) < 6);
  assert_int_equal(allow[6], 'x'); /* nothing written past allow_len */
  assert_int_equal(allow[7], 'x');
  char one[1] = {'x'};
  assert_int_equal(route_match(tab, R_N, "POST", "/", NULL, one, 1), ROUTE_BAD_METHOD);
  assert_int_equal(one[0], 0);
}

static void every_method_finds_its_own_route(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64];
  assert_int_equal(m("PUT", "/items/9", &p, allow, sizeof allow), R_ITEM_PUT);
  assert_string_equal(kvlist_get(&p, "id"), "9");
  assert_int_equal(p.n, 1); /* earlier non-matching methods added no captures */
  kvlist_free(&p);
  assert_int_equal(m("DELETE", "/items/9", &p, allow, sizeof allow), R_ITEM_DEL);
  assert_int_equal(p.n, 1);
  kvlist_free(&p);
  assert_int_equal(m("GET", "/items/9", &p, allow, sizeof allow), R_ITEM_GET);
  assert_int_equal(p.n, 1);
  kvlist_free(&p);
  assert_int_equal(m("POST", "/v/renhe", &p, allow, sizeof allow), R_VNEW_POST);
  assert_string_equal(kvlist_get(&p, "code"), "renhe");
  kvlist_free(&p);
}

static void head_is_served_by_get(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64];
  assert_int_equal(m("HEAD", "/", &p, allow, sizeof allow), R_HOME);
  assert_int_equal(m("HEAD", "/v/renhe", &p, allow, sizeof allow), R_VILLAGE);
  assert_string_equal(kvlist_get(&p, "code"), "renhe");
  kvlist_free(&p);
  assert_int_equal(m("HEAD", "/items/3", &p, allow, sizeof allow), R_ITEM_GET);
  kvlist_free(&p);
}

static void traversal_looking_paths_do_not_match(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[64];
  const char *paths[] = {"/static/../x", "/static/../../etc/passwd", "/static/a/../b", "/static//x",
                         "/static/", "/static/css/site.css"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    int rc = m("GET", paths[i], &p, allow, sizeof allow);
    if (rc >= 0) fail_msg("%s matched route %d", paths[i], rc);
    assert_int_equal(p.n, 0);
  }
  assert_int_equal(m("GET", "/static/site.css", &p, allow, sizeof allow), R_STATIC);
  assert_string_equal(kvlist_get(&p, "file"), "site.css");
  kvlist_free(&p);
}

static void huge_segment_does_not_overflow(void **state) {
  (void)state;
  char path[5000];
  strcpy(path, "/v/");
  memset(path + 3, 'a', sizeof path - 4);
  path[sizeof path - 1] = 0;
  kvlist p = {0};
  char allow[64];
  /* Either the route matches and its capture is there, or it does not match
  ** at all. BUG (route.c:59): the first pass (params NULL) skips match()'s
  ** 512-byte capture limit, the second pass fails and its result is ignored,
  ** so the route is returned with no "code" parameter. */
  int rc = m("GET", path, &p, allow, sizeof allow);
  size_t n = p.n;
  const char *code = kvlist_get(&p, "code");
  int same = code && strcmp(code, path + 3) == 0;
  kvlist_free(&p);
  if (rc == R_VILLAGE) {
    assert_int_equal(n, 1);
    assert_true(same);
  } else {
    assert_int_equal(rc, ROUTE_NONE);
    assert_int_equal(n, 0);
  }
}

/* ---- the real table ---- */

static void real_table_has_no_duplicate_method_and_pattern(void **state) {
  (void)state;
  assert_true(zd_nroutes > 0);
  for (size_t i = 0; i < zd_nroutes; i++) {
    assert_non_null(zd_routes[i].method);
    assert_non_null(zd_routes[i].pattern);
    assert_non_null(zd_routes[i].fn);
    if (zd_routes[i].pattern[0] != '/') fail_msg("pattern %s does not start with '/'", zd_routes[i].pattern);
    if (strcmp(zd_routes[i].method, "HEAD") == 0) fail_msg("HEAD route %s: HEAD is served by GET", zd_routes[i].pattern);
    for (size_t j = i + 1; j < zd_nroutes; j++)
      if (strcmp(zd_routes[i].method, zd_routes[j].method) == 0 &&
          strcmp(zd_routes[i].pattern, zd_routes[j].pattern) == 0)
        fail_msg("routes %zu and %zu are both %s %s", i, j, zd_routes[i].method, zd_routes[i].pattern);
  }
}

/* Replace each {capture} with a sample value; every route must be reachable
** (not shadowed by an earlier, overlapping pattern). */
static void real_table_every_route_is_reachable(void **state) {
  (void)state;
  for (size_t i = 0; i < zd_nroutes; i++) {
    char path[512];
    size_t n = 0;
    for (const char *p = zd_routes[i].pattern; *p && n < sizeof path - 16;) {
      if (*p == '{') {
        const char *close = strchr(p, '}');
        assert_non_null(close);
        n += (size_t)snprintf(path + n, sizeof path - n, "x%zu", i);
        p = close + 1;
      } else {
        path[n++] = *p++;
      }
    }
    path[n] = 0;
    kvlist params = {0};
    char allow[128];
    int rc = route_match(zd_routes, zd_nroutes, zd_routes[i].method, path, &params, allow, sizeof allow);
    if (rc != (int)i) fail_msg("%s %s (as %s) reaches route %d, not %zu", zd_routes[i].method,
                               zd_routes[i].pattern, path, rc, i);
    kvlist_free(&params);
  }
}

static void real_table_samples(void **state) {
  (void)state;
  kvlist p = {0};
  char allow[128];
  int rc = route_match(zd_routes, zd_nroutes, "GET", "/v/renhe", &p, allow, sizeof allow);
  assert_true(rc >= 0);
  assert_string_equal(zd_routes[rc].pattern, "/v/{code}");
  assert_string_equal(kvlist_get(&p, "code"), "renhe");
  kvlist_free(&p);
  assert_int_equal(route_match(zd_routes, zd_nroutes, "GET", "/v/", &p, allow, sizeof allow), ROUTE_NONE);
  assert_int_equal(route_match(zd_routes, zd_nroutes, "GET", "/static/../zhendi.db", &p, allow, sizeof allow),
                   ROUTE_NONE);
  assert_int_equal(route_match(zd_routes, zd_nroutes, "GET", "/no-such-page", &p, allow, sizeof allow), ROUTE_NONE);
  rc = route_match(zd_routes, zd_nroutes, "HEAD", "/", &p, allow, sizeof allow);
  assert_true(rc >= 0);
  assert_string_equal(zd_routes[rc].pattern, "/");
  assert_int_equal(route_match(zd_routes, zd_nroutes, "DELETE", "/healthz", &p, allow, sizeof allow),
                   ROUTE_BAD_METHOD);
  assert_string_equal(allow, "GET, HEAD");
  assert_int_equal(p.n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(exact_match),
    cmocka_unit_test(captures_are_returned_by_name),
    cmocka_unit_test(capture_is_one_non_empty_segment),
    cmocka_unit_test(unknown_paths_are_route_none),
    cmocka_unit_test(wrong_method_lists_allowed_methods),
    cmocka_unit_test(small_allow_buffer_is_not_overrun),
    cmocka_unit_test(every_method_finds_its_own_route),
    cmocka_unit_test(head_is_served_by_get),
    cmocka_unit_test(traversal_looking_paths_do_not_match),
    cmocka_unit_test(huge_segment_does_not_overflow),
    cmocka_unit_test(real_table_has_no_duplicate_method_and_pattern),
    cmocka_unit_test(real_table_every_route_is_reachable),
    cmocka_unit_test(real_table_samples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
