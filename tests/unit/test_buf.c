/* test_buf.c — the growable buffer and its escaping printf (src/platform/buf.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "platform/buf.h"

/* Format into a fresh buffer and compare with the expected text. */
#define EXPECT_PRINTF(expected, ...)                 \
  do {                                               \
    buf b_ = BUF_INIT;                               \
    buf_printf(&b_, __VA_ARGS__);                    \
    assert_true(buf_ok(&b_));                        \
    assert_string_equal(buf_str(&b_), (expected));   \
    assert_int_equal(b_.len, strlen(expected));      \
    buf_free(&b_);                                   \
  } while (0)

static void empty_buffer_reads_as_empty_string(void **state) {
  (void)state;
  buf b = BUF_INIT;
  assert_non_null(buf_str(&b));
  assert_string_equal(buf_str(&b), "");
  assert_int_equal(b.len, 0);
  assert_true(buf_ok(&b));
  buf_puts(&b, NULL); /* ignored */
  buf_append(&b, "x", 0);
  assert_int_equal(b.len, 0);
  buf_free(&b);
}

static void s_html_escapes_every_special_character(void **state) {
  (void)state;
  EXPECT_PRINTF("<p>a&amp;b&lt;c&gt;d&quot;e&#39;f</p>", "<p>%s</p>", "a&b<c>d\"e'f");
  EXPECT_PRINTF("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "%s", "<script>alert('x')</script>");
  /* already-escaped text is escaped again: no double-decoding surprises */
  EXPECT_PRINTF("&amp;amp;", "%s", "&amp;");
  /* UTF-8 passes through unchanged */
  EXPECT_PRINTF("阵地 <b>", "%s %r", "阵地", "<b>");
  EXPECT_PRINTF("[]", "[%s]", (const char *)NULL);
  EXPECT_PRINTF("", "%s", "");
}

static void r_is_copied_raw(void **state) {
  (void)state;
  EXPECT_PRINTF("<a href=\"/x\">&amp;</a>", "%r", "<a href=\"/x\">&amp;</a>");
  EXPECT_PRINTF("<li>x</li>&lt;li&gt;", "%r%s", "<li>x</li>", "<li>");
}

static void u_percent_encodes_url_components(void **state) {
  (void)state;
  EXPECT_PRINTF("a%20b%2Fc", "%u", "a b/c");
  EXPECT_PRINTF("%E9%98%B5%E5%9C%B0", "%u", "阵地");
  EXPECT_PRINTF("AZaz09-_.~", "%u", "AZaz09-_.~");
  EXPECT_PRINTF("%3F%26%3D%23%2B%25%22%3C", "%u", "?&=#+%\"<");
  EXPECT_PRINTF("/v/%E4%BB%81%E5%92%8C?x=1", "/v/%u?x=%d", "仁和", 1);
  EXPECT_PRINTF("%0A%7F%FF", "%u", "\n\x7f\xff");
}

static void j_escapes_json_string_bodies(void **state) {
  (void)state;
  EXPECT_PRINTF("say \\\"hi\\\" C:\\\\dir", "%j", "say \"hi\" C:\\dir");
  EXPECT_PRINTF("a\\nb\\rc\\td", "%j", "a\nb\rc\td");
  EXPECT_PRINTF("\\u0001\\u001f\\u0008\\u000c", "%j", "\x01\x1f\b\f");
  EXPECT_PRINTF("\\u003c/script>", "%j", "</script>");
  EXPECT_PRINTF("{\"name\":\"阵地 & 'x'\"}", "{\"name\":\"%j\"}", "阵地 & 'x'");
  EXPECT_PRINTF("\x7f", "%j", "\x7f");
}

static void integer_conversions(void **state) {
  (void)state;
  EXPECT_PRINTF("-2147483648 2147483647 0", "%d %d %d", INT_MIN, INT_MAX, 0);
  EXPECT_PRINTF("9223372036854775807 -9223372036854775808", "%ld %ld", (long)LONG_MAX, (long)LONG_MIN);
  EXPECT_PRINTF("-9223372036854775808|9223372036854775807", "%lld|%lld", LLONG_MIN, LLONG_MAX);
  EXPECT_PRINTF("18446744073709551615 0", "%zu %zu", SIZE_MAX, (size_t)0);
  EXPECT_PRINTF("50% done", "%d%% done", 50);
  EXPECT_PRINTF("%", "%%");
  EXPECT_PRINTF("id=42&n=7", "id=%lld&n=%zu", 42LL, (size_t)7);
}

static void mixed_conversions_keep_argument_order(void **state) {
  (void)state;
  EXPECT_PRINTF("<a href=\"/v/a%20b\">x&lt;y</a> 3 {\"k\":\"\\\"\"}",
                "<a href=\"/v/%u\">%s</a> %d {\"k\":\"%j\"}", "a b", "x<y", 3, "\"");
}

static void grows_past_the_first_allocation(void **state) {
  (void)state;
  buf b = BUF_INIT;
  char chunk[301];
  for (int i = 0; i < 300; i++) chunk[i] = (char)('a' + i % 26);
  chunk[300] = 0;
  buf_puts(&b, "[");
  buf_printf(&b, "%r", chunk);
  buf_puts(&b, "]");
  assert_true(buf_ok(&b));
  assert_int_equal(b.len, 302);
  assert_true(b.cap > b.len);
  assert_int_equal(strlen(buf_str(&b)), 302);
  assert_int_equal(buf_str(&b)[0], '[');
  assert_memory_equal(buf_str(&b) + 1, chunk, 300);
  assert_int_equal(buf_str(&b)[301], ']');
  buf_free(&b);
}

static void grows_to_several_megabytes(void **state) {
  (void)state;
  buf b = BUF_INIT;
  char line[1001];
  for (int i = 0; i < 1000; i++) line[i] = (char)('0' + i % 10);
  line[1000] = 0;
  for (int i = 0; i < 5000; i++) buf_append(&b, line, 1000);
  assert_true(buf_ok(&b));
  assert_int_equal(b.len, 5000000);
  assert_int_equal(strlen(buf_str(&b)), 5000000);
  for (size_t i = 0; i < b.len; i += 99991) assert_int_equal(b.p[i], '0' + (int)(i % 1000) % 10);
  buf_free(&b);

  /* escaping a multi-megabyte string: every '&' becomes 5 bytes */
  size_t n = 1u << 20;
  char *amps = malloc(n + 1);
  assert_non_null(amps);
  memset(amps, '&', n);
  amps[n] = 0;
  buf_printf(&b, "%s", amps);
  assert_true(buf_ok(&b));
  assert_int_equal(b.len, 5 * n);
  assert_memory_equal(b.p, "&amp;&amp;", 10);
  assert_memory_equal(b.p + b.len - 5, "&amp;", 5);
  assert_int_equal(b.p[b.len], 0);
  free(amps);
  buf_free(&b);
}

static void append_keeps_embedded_nul_bytes(void **state) {
  (void)state;
  buf b = BUF_INIT;
  buf_append(&b, "a\0b", 3);
  buf_putc(&b, 0);
  buf_putc(&b, 'c');
  assert_int_equal(b.len, 5);
  assert_memory_equal(b.p, "a\0b\0c", 6);
  buf_free(&b);
}

static void take_hands_over_the_bytes_and_empties_the_buffer(void **state) {
  (void)state;
  buf b = BUF_INIT;
  buf_printf(&b, "hello %s", "<world>");
  size_t len = 0;
  char *p = buf_take(&b, &len);
  assert_non_null(p);
  assert_int_equal(len, strlen("hello &lt;world&gt;"));
  assert_string_equal(p, "hello &lt;world&gt;");
  assert_int_equal(b.len, 0);
  assert_string_equal(buf_str(&b), "");
  /* the buffer is usable again and does not share memory with p */
  buf_puts(&b, "again");
  assert_string_equal(buf_str(&b), "again");
  assert_string_equal(p, "hello &lt;world&gt;");
  free(p);
  buf_free(&b);

  /* taking an empty buffer yields an empty, freeable string */
  buf e = BUF_INIT;
  char *q = buf_take(&e, &len);
  assert_non_null(q);
  assert_int_equal(len, 0);
  assert_string_equal(q, "");
  free(q);
  q = buf_take(&e, NULL);
  assert_non_null(q);
  free(q);
}

static void reset_empties_but_keeps_the_memory(void **state) {
  (void)state;
  buf b = BUF_INIT;
  for (int i = 0; i < 100; i++) buf_puts(&b, "0123456789");
  size_t cap = b.cap;
  char *mem = b.p;
  buf_reset(&b);
  assert_int_equal(b.len, 0);
  assert_string_equal(buf_str(&b), "");
  assert_int_equal(b.cap, cap);
  buf_printf(&b, "%d", 7);
  assert_string_equal(buf_str(&b), "7");
  assert_ptr_equal(b.p, mem);
  buf_free(&b);
  assert_null(b.p);
  assert_int_equal(b.len, 0);
  assert_int_equal(b.cap, 0);
  /* reset of a never-used buffer is harmless */
  buf_reset(&b);
  assert_string_equal(buf_str(&b), "");
}

static void helpers_match_printf_conversions(void **state) {
  (void)state;
  buf b = BUF_INIT;
  buf_html(&b, "<&>");
  buf_putc(&b, '|');
  buf_url(&b, "a b");
  buf_putc(&b, '|');
  buf_jsonstr(&b, "\"<");
  assert_string_equal(buf_str(&b), "&lt;&amp;&gt;|a%20b|\\\"\\u003c");
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(empty_buffer_reads_as_empty_string),
    cmocka_unit_test(s_html_escapes_every_special_character),
    cmocka_unit_test(r_is_copied_raw),
    cmocka_unit_test(u_percent_encodes_url_components),
    cmocka_unit_test(j_escapes_json_string_bodies),
    cmocka_unit_test(integer_conversions),
    cmocka_unit_test(mixed_conversions_keep_argument_order),
    cmocka_unit_test(grows_past_the_first_allocation),
    cmocka_unit_test(grows_to_several_megabytes),
    cmocka_unit_test(append_keeps_embedded_nul_bytes),
    cmocka_unit_test(take_hands_over_the_bytes_and_empties_the_buffer),
    cmocka_unit_test(reset_empties_but_keeps_the_memory),
    cmocka_unit_test(helpers_match_printf_conversions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
