/* test_fuzz_regress.c — inputs from the fuzz targets (fuzz/fuzz_*.c), kept as
** unit tests: each crash a fuzzer finds is fixed in src/ and its input added
** here, so that it stays fixed. The fuzz runs of issue 8 (make fuzz, 60 s per
** target, see docs/performance.md) found no crash; the inputs below are the
** edges the targets were written to reach (cut bodies, escapes at the very
** end, parts that touch the end of the buffer, closed cases), checked with
** the same properties the fuzzers check. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "modules/appeal/appeal.h"
#include "modules/audit/audit.h"
#include "platform/buf.h"
#include "platform/image.h"
#include "platform/multipart.h"
#include "platform/text.h"

/* ---- form / query (fuzz_form) ---- */

static void form_rejects_escapes_cut_at_the_end(void **state) {
  (void)state;
  const char *bad[] = {"a=%", "a=%4", "a=b%", "%", "a=%E4%BD", "a=%00", "a%00=b", "a=%C0%80", "a=%ED%A0%80"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    kvlist l = {0};
    const char *why = NULL;
    assert_int_not_equal(form_parse(bad[i], strlen(bad[i]), 200, &l, &why), 0);
    assert_non_null(why);
    assert_int_equal(l.n, 0); /* a failure leaves the list empty */
  }
}

static void form_stops_at_the_pair_limit_and_reads_only_len_bytes(void **state) {
  (void)state;
  kvlist l = {0};
  const char *why = NULL;
  assert_int_not_equal(form_parse("a&b&c", 5, 2, &l, &why), 0);
  assert_int_equal(l.n, 0);
  /* only the first len bytes: the '%' after them is not read */
  const char body[] = {'k', '=', 'v', '%'};
  assert_int_equal(form_parse(body, 3, 10, &l, &why), 0);
  assert_int_equal(l.n, 1);
  assert_string_equal(kvlist_get(&l, "k"), "v");
  kvlist_free(&l);
  /* empty pairs, no '=', '+' */
  assert_int_equal(form_parse("&&=&+=+&x", 9, 10, &l, &why), 0);
  assert_string_equal(kvlist_get(&l, " "), " ");
  assert_string_equal(kvlist_get(&l, "x"), "");
  kvlist_free(&l);
}

/* ---- multipart (fuzz_multipart) ---- */

static char *copy_of(const char *s, size_t n) { /* exactly n bytes: ASan sees a read past them */
  char *p = malloc(n ? n : 1);
  memcpy(p, s, n);
  return p;
}

static void multipart_cut_bodies_are_refused(void **state) {
  (void)state;
  const char *cuts[] = {
    "--b",
    "--b\r",
    "--b\r\nContent-Disposition: form-data; name=\"a\"",
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n",
    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--",
    "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--b--",   /* name never closed */
    "--b\r\nContent-Disposition: form-data; name=\r\n\r\nv\r\n--b--",     /* no name */
    "--b\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\nv\r\n--b--",
  };
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    char *body = copy_of(cuts[i], strlen(cuts[i]));
    mpart parts[4];
    int n = multipart_parse(body, strlen(cuts[i]), "b", parts, 4);
    if (n >= 0) { /* accepted only with its parts inside the body */
      for (int k = 0; k < n; k++) assert_true(parts[k].data + parts[k].len <= body + strlen(cuts[i]));
    }
    assert_true(n <= 0 || i == 5);
    free(body);
  }
}

static void multipart_parts_end_inside_the_body(void **state) {
  (void)state;
  const char *s = "--b\r\nContent-Disposition: form-data; name=\"a\"; filename=\"p.jpg\"\r\n"
                  "Content-Type: image/jpeg\r\n\r\n\xFF\xD8\xFF\r\n--b--";
  size_t n = strlen(s);
  char *body = copy_of(s, n);
  mpart parts[2];
  assert_int_equal(multipart_parse(body, n, "b", parts, 2), 1);
  assert_string_equal(parts[0].name, "a");
  assert_string_equal(parts[0].filename, "p.jpg");
  assert_int_equal(parts[0].len, 3);
  int w, h;
  const char *why = NULL;
  assert_int_equal(image_probe(parts[0].data, parts[0].len, &w, &h, &why), IMG_NONE); /* 3 bytes are no JPEG */
  assert_non_null(why);
  /* more parts than room */
  const char *many = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                     "--b\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
                     "--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n3\r\n--b--";
  char *m = copy_of(many, strlen(many));
  assert_int_equal(multipart_parse(m, strlen(many), "b", parts, 2), -1);
  free(m);
  free(body);
  /* boundaries: quoted, too long, empty */
  char out[80];
  assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"a b\"", out, sizeof out), 1);
  assert_string_equal(out, "a b");
  assert_int_equal(multipart_boundary("multipart/form-data; boundary=", out, sizeof out), 0);
  assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"\"", out, sizeof out), 0);
  /* longer than RFC 2046's 70 characters: refused (it was cut to 70 and taken) */
  char longb[200] = "multipart/form-data; boundary=";
  memset(longb + strlen(longb), 'x', 71);
  assert_int_equal(multipart_boundary(longb, out, sizeof out), 0);
  memset(longb + 30, 'x', 70);
  longb[100] = 0;
  assert_int_equal(multipart_boundary(longb, out, sizeof out), 1);
  assert_int_equal(strlen(out), 70);
  assert_int_equal(multipart_boundary("multipart/form-data; boundary=\"abc", out, sizeof out), 0); /* quote not closed */
}

static void image_probe_refuses_headers_that_lie(void **state) {
  (void)state;
  int w, h;
  const char *why;
  /* a PNG header claiming 100000 x 100000: refused without decoding */
  unsigned char png[24] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                           0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0};
  assert_int_equal(image_probe(png, sizeof png, &w, &h, &why), IMG_NONE);
  /* RIFF....WEBP with nothing after */
  const char webp[16] = {'R', 'I', 'F', 'F', 8, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
  assert_int_equal(image_probe(webp, sizeof webp, &w, &h, &why), IMG_NONE);
  /* SOI and a truncated segment */
  const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F'};
  assert_int_equal(image_probe(jpg, sizeof jpg, &w, &h, &why), IMG_NONE);
}

/* ---- escaping (fuzz_escape) ---- */

static void json_escape_round_trips_controls_and_lt(void **state) {
  (void)state;
  const char in[] = "\x01\x1f\x7f<\"\\\n\r\t/\xE4\xBD\xA0";
  buf b = BUF_INIT;
  buf_printf(&b, "[\"%j\"]", in);
  for (const char *p = buf_str(&b); *p; p++) assert_true((unsigned char)*p >= 0x20 && *p != '<');
  json_t *j = json_loads(buf_str(&b), 0, NULL);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_array_get(j, 0)), in);
  json_decref(j);
  buf_free(&b);
}

static void html_and_url_escapes_round_trip(void **state) {
  (void)state;
  const char in[] = "&amp;<>\"'%+ 任/?#";
  buf h = BUF_INIT, u = BUF_INIT;
  buf_printf(&h, "%s", in);
  assert_string_equal(buf_str(&h), "&amp;amp;&lt;&gt;&quot;&#39;%+ 任/?#");
  buf_printf(&u, "%u", in);
  char *dec = strdup(buf_str(&u));
  assert_int_equal(url_decode(dec, 0), strlen(in));
  assert_string_equal(dec, in);
  free(dec);
  /* a '%' at the very end of a format is dropped, not read past */
  buf t = BUF_INIT;
  buf_printf(&t, "100%");
  assert_string_equal(buf_str(&t), "100");
  buf_free(&t);
  buf_free(&h);
  buf_free(&u);
}

static void audit_canonical_is_json_for_any_text(void **state) {
  (void)state;
  const char *odd = "\"},\"seq\":999,\"x\":\"<\x01\\";
  audit_entry en = {7, 8, odd, "a.b", odd, 0, odd, ""};
  buf c = BUF_INIT;
  audit_canonical(&en, &c);
  json_t *j = json_loads(buf_str(&c), 0, NULL);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "seq")), 7); /* not overridden by the text */
  assert_string_equal(json_string_value(json_object_get(j, "actor")), odd);
  json_decref(j);
  buf_free(&c);
}

/* ---- the state machine (fuzz_appeal_fsm) ---- */

static void closed_cases_allow_nothing_and_reopen_once(void **state) {
  (void)state;
  appeal_fsm f = {AS_CLOSED, ESC_VILLAGE, 0, AR_SATISFIED}, next;
  const char *why;
  for (int a = 0; a < AA_COUNT; a++) {
    appeal_step st = {(appeal_action)a, AM_ON_SITE, AR_SATISFIED, 1, 1};
    assert_false(appeal_allowed(&f, (appeal_action)a));
    assert_int_equal(appeal_apply(&f, &st, &next, &why), ZD_ECONFLICT);
  }
  /* out-of-range action and mode */
  appeal_fsm g = {AS_REGISTERED, ESC_VILLAGE, 0, AR_NONE};
  appeal_step bad = {(appeal_action)AA_COUNT, AM_ON_SITE, AR_NONE, 1, 1};
  assert_int_equal(appeal_apply(&g, &bad, &next, &why), ZD_EINVAL);
  appeal_step badmode = {AA_ASSIGN, (appeal_mode)AM_COUNT, AR_NONE, 1, 0};
  assert_int_equal(appeal_apply(&g, &badmode, &next, &why), ZD_EINVAL);
  /* unsatisfied twice: reopened, then escalated; escalation stops at the county */
  appeal_fsm h = {AS_ANSWERED, ESC_COUNTY, 1, AR_NONE};
  appeal_step rate = {AA_RATE, AM_ON_SITE, AR_UNSATISFIED, 0, 0};
  assert_int_equal(appeal_apply(&h, &rate, &next, &why), ZD_OK);
  assert_int_equal(next.state, AS_ESCALATED);
  assert_int_equal(next.escalation, ESC_COUNTY);
  assert_false(appeal_allowed(&next, AA_ESCALATE));
}

static void text_rules_at_their_edges(void **state) {
  (void)state;
  char norm[9];
  assert_false(appeal_code_normalise("ABCD-EFGH-J", norm)); /* a 9th character */
  assert_false(appeal_code_normalise("abcd-efg", norm));   /* 7 characters */
  assert_true(appeal_code_normalise(" abcd efgh ", norm));
  assert_string_equal(norm, "ABCDEFGH");
  assert_false(appeal_code_normalise("ABCD-EFG0", norm));  /* 0 is not in the alphabet */
  assert_non_null(appeal_content_problem("\xE3\x80\x80 \t\r\n"));     /* only ideographic and ASCII spaces */
  assert_non_null(appeal_content_problem("\xE4\xBD"));                /* cut UTF-8 */
  buf p = BUF_INIT;
  appeal_like_pattern("100%_\\", &p);
  assert_string_equal(buf_str(&p), "%100\\%\\_\\\\%");
  buf_free(&p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(form_rejects_escapes_cut_at_the_end),
    cmocka_unit_test(form_stops_at_the_pair_limit_and_reads_only_len_bytes),
    cmocka_unit_test(multipart_cut_bodies_are_refused),
    cmocka_unit_test(multipart_parts_end_inside_the_body),
    cmocka_unit_test(image_probe_refuses_headers_that_lie),
    cmocka_unit_test(json_escape_round_trips_controls_and_lt),
    cmocka_unit_test(html_and_url_escapes_round_trip),
    cmocka_unit_test(audit_canonical_is_json_for_any_text),
    cmocka_unit_test(closed_cases_allow_nothing_and_reopen_once),
    cmocka_unit_test(text_rules_at_their_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
