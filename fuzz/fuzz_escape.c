/*
** fuzz_escape.c — libFuzzer target: the escaping printf every page is written
** with (buf_printf %s %u %j %r and buf_html, buf_url, buf_jsonstr) and the
** audit entry's canonical JSON.
**
** Input: any bytes, cut at the first NUL (C strings). Checked:
**   %s  output has no < > " ' and every & starts &amp; &lt; &gt; &quot; &#39;;
**       unescaping it gives the input back
**   %u  output is only unreserved characters and %XX; decoding gives the input
**   %j  inside quotes it parses as JSON (when the input is UTF-8, which jansson
**       requires) and gives the input back; no raw control character or <
**   %r  copies the input unchanged
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "modules/audit/audit.h"
#include "platform/buf.h"
#include "platform/text.h"

static void check_html(const char *in, const char *out) {
  buf back = BUF_INIT;
  for (const char *p = out; *p; p++) {
    if (*p == '<' || *p == '>' || *p == '"' || *p == '\'') abort();
    if (*p == '&') {
      static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
      static const char chars[] = "&<>\"'";
      int found = 0;
      for (int i = 0; i < 5 && !found; i++)
        if (strncmp(p, ents[i], strlen(ents[i])) == 0) {
          buf_putc(&back, chars[i]);
          p += strlen(ents[i]) - 1;
          found = 1;
        }
      if (!found) abort();
    } else {
      buf_putc(&back, *p);
    }
  }
  if (strcmp(buf_str(&back), in) != 0) abort();
  buf_free(&back);
}

static void check_url(const char *in, const char *out) {
  for (const char *p = out; *p; p++) {
    unsigned char c = (unsigned char)*p;
    int unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '_' || c == '.' || c == '~';
    if (!unreserved && c != '%') abort();
  }
  char *copy = strdup(out);
  if (!copy) return;
  size_t n = url_decode(copy, 0);
  if (n == (size_t)-1 || n != strlen(in) || memcmp(copy, in, n) != 0) abort();
  free(copy);
}

static void check_json(const char *in, const char *out) {
  for (const char *p = out; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == '<') abort();
  if (!utf8_valid(in, strlen(in))) return; /* jansson reads UTF-8 only */
  buf doc = BUF_INIT;
  buf_printf(&doc, "[\"%r\"]", out);
  json_error_t je;
  json_t *j = json_loads(buf_str(&doc), 0, &je);
  if (!j || !json_is_array(j) || json_array_size(j) != 1) abort();
  const char *s = json_string_value(json_array_get(j, 0));
  if (!s || strcmp(s, in) != 0) abort();
  json_decref(j);
  buf_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *in = malloc(size + 1);
  if (!in) return 0;
  memcpy(in, data, size);
  in[size] = 0; /* a C string: up to the first NUL */

  buf h = BUF_INIT, u = BUF_INIT, j = BUF_INIT, r = BUF_INIT, all = BUF_INIT;
  buf_printf(&h, "%s", in);
  buf_printf(&u, "%u", in);
  buf_printf(&j, "%j", in);
  buf_printf(&r, "%r", in);
  if (!buf_ok(&h) || !buf_ok(&u) || !buf_ok(&j) || !buf_ok(&r)) abort();
  check_html(in, buf_str(&h));
  check_url(in, buf_str(&u));
  check_json(in, buf_str(&j));
  if (strcmp(buf_str(&r), in) != 0) abort();

  /* the input as a format: only the known conversions take arguments; give each a safe one */
  if (size < 200) {
    size_t convs = 0;
    for (const char *p = in; *p; p++)
      if (*p == '%') { convs++; if (p[1]) p++; }
    if (convs == 0) {
      buf_printf(&all, in);
      if (strcmp(buf_str(&all), in) != 0) abort();
    }
  }

  /* the audit entry's canonical JSON must parse back to the same fields */
  if (utf8_valid(in, strlen(in))) {
    audit_entry en = {1, 2, in, "fuzz.action", in, 3, in, ""};
    buf canon = BUF_INIT;
    audit_canonical(&en, &canon);
    json_error_t je;
    json_t *c = json_loads(buf_str(&canon), 0, &je);
    if (!c) abort();
    if (strcmp(json_string_value(json_object_get(c, "actor")), in) != 0) abort();
    if (strcmp(json_string_value(json_object_get(c, "before")), in) != 0) abort();
    json_decref(c);
    char hash[AUDIT_HASH_LEN + 1];
    audit_hash(AUDIT_GENESIS, buf_str(&canon), canon.len, hash);
    if (strlen(hash) != AUDIT_HASH_LEN) abort();
    buf_free(&canon);
  }
  buf_free(&h);
  buf_free(&u);
  buf_free(&j);
  buf_free(&r);
  buf_free(&all);
  free(in);
  return 0;
}
