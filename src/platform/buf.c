/* buf.c — see buf.h. */
#include "buf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_free(buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = 0;
}

void buf_reset(buf *b) {
  b->len = 0;
  if (b->p) b->p[0] = 0;
}

int buf_ok(const buf *b) { return !b->oom; }

static int grow(buf *b, size_t extra) {
  if (b->oom) return 0;
  if (b->len + extra + 1 <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) {
    if (cap > ((size_t)-1) / 2) { b->oom = 1; return 0; }
    cap *= 2;
  }
  char *p = realloc(b->p, cap);
  if (!p) { b->oom = 1; return 0; }
  b->p = p;
  b->cap = cap;
  return 1;
}

void buf_append(buf *b, const char *s, size_t n) {
  if (!n || (b->len + n + 1 > b->cap && !grow(b, n))) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

void buf_puts(buf *b, const char *s) { if (s) buf_append(b, s, strlen(s)); }
void buf_putc(buf *b, char c) { buf_append(b, &c, 1); }

const char *buf_str(const buf *b) { return b->p ? b->p : ""; }

char *buf_take(buf *b, size_t *len) {
  char *p = b->p;
  if (!p) p = calloc(1, 1);
  if (len) *len = b->len;
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

/* Bytes buf_html stops at: the five it escapes, and the terminating NUL. */
static const unsigned char html_stop[256] = {[0] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1};

void buf_html(buf *b, const char *s) {
  if (!s) return;
  for (;;) {
    const char *start = s;
    while (!html_stop[(unsigned char)*s]) s++;
    buf_append(b, start, (size_t)(s - start));
    const char *rep;
    switch (*s) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      default: return; /* NUL */
    }
    buf_puts(b, rep);
    s++;
  }
}

void buf_url(buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  if (!s) return;
  const char *run = s; /* unreserved bytes are appended a run at a time */
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '_' || c == '.' || c == '~')
      continue;
    if (s > run) buf_append(b, run, (size_t)(s - run));
    char e[3] = {'%', hex[c >> 4], hex[c & 15]};
    buf_append(b, e, 3);
    run = s + 1;
  }
  if (s > run) buf_append(b, run, (size_t)(s - run));
}

void buf_jsonstr(buf *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  if (!s) return;
  const char *run = s; /* bytes that need no escape are appended a run at a time */
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    const char *rep;
    char e[6];
    size_t rl = 2;
    switch (c) {
      case '"': rep = "\\\""; break;
      case '\\': rep = "\\\\"; break;
      case '\n': rep = "\\n"; break;
      case '\r': rep = "\\r"; break;
      case '\t': rep = "\\t"; break;
      case '<': rep = "\\u003c"; rl = 6; break; /* safe inside <script> too */
      default:
        if (c >= 0x20) continue;
        e[0] = '\\'; e[1] = 'u'; e[2] = '0'; e[3] = '0'; e[4] = hex[c >> 4]; e[5] = hex[c & 15];
        rep = e;
        rl = 6;
    }
    buf_append(b, run, (size_t)(s - run));
    buf_append(b, rep, rl);
    run = s + 1;
  }
  buf_append(b, run, (size_t)(s - run));
}

void buf_int(buf *b, long long v) {
  char t[24], *p = t + sizeof t;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) *--p = '-';
  buf_append(b, p, (size_t)(t + sizeof t - p));
}

void buf_vprintf(buf *b, const char *fmt, va_list ap) {
  const char *run = fmt;
  for (const char *f = fmt; (f = strchr(f, '%')) != NULL; f++) {
    buf_append(b, run, (size_t)(f - run));
    f++;
    char tmp[32];
    switch (*f) {
      case 's': buf_html(b, va_arg(ap, const char *)); break;
      case 'r': buf_puts(b, va_arg(ap, const char *)); break;
      case 'u': buf_url(b, va_arg(ap, const char *)); break;
      case 'j': buf_jsonstr(b, va_arg(ap, const char *)); break;
      case 'd': buf_int(b, va_arg(ap, int)); break;
      case 'z':
        if (f[1] == 'u') { f++; snprintf(tmp, sizeof tmp, "%zu", va_arg(ap, size_t)); buf_puts(b, tmp); }
        break;
      case 'l':
        if (f[1] == 'd') { f++; buf_int(b, va_arg(ap, long)); }
        else if (f[1] == 'l' && f[2] == 'd') { f += 2; buf_int(b, va_arg(ap, long long)); }
        break;
      case '%': buf_putc(b, '%'); break;
      case 0: f--; break; /* trailing '%': drop it */
      default: break;     /* unknown conversion: dropped (caught by tests) */
    }
    run = f + 1;
  }
  buf_puts(b, run);
}

void buf_printf(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
}
