/*
** buf.h — growable byte buffer and the escaping printf every page is written with.
**
** A buf owns its memory; buf_free() releases it. Allocation failure is not
** survivable for a request, so buf records it in `oom` and later writes become
** no-ops; callers check buf_ok() once at the end.
**
** buf_printf conversions (a small, explicit set):
**   %s  text, HTML-escaped (the default: templates escape unless told otherwise)
**   %r  raw text, copied as is (explicit and rare: for already-built HTML)
**   %u  text, percent-encoded for a URL component
**   %j  text, escaped for a JSON string body (no quotes added)
**   %d  int          %ld long          %lld long long     %zu size_t
**   %%  a percent sign
** Anything else is a programming error caught by the unit tests.
*/
#ifndef ZD_BUF_H
#define ZD_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
  char *p;     /* always NUL-terminated when len>0 or cap>0 */
  size_t len;
  size_t cap;
  int oom;
} buf;

#define BUF_INIT {0, 0, 0, 0}

void buf_free(buf *b);
void buf_reset(buf *b);
int buf_ok(const buf *b);
void buf_append(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
/* v in decimal (without snprintf: it was most of the cost of a number in a reply). */
void buf_int(buf *b, long long v);
void buf_printf(buf *b, const char *fmt, ...);
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Hand the bytes over to the caller (who frees them); b becomes empty. */
char *buf_take(buf *b, size_t *len);
const char *buf_str(const buf *b); /* "" when empty */

void buf_html(buf *b, const char *s);   /* HTML-escape s into b */
void buf_url(buf *b, const char *s);    /* percent-encode s into b */
void buf_jsonstr(buf *b, const char *s);/* JSON-escape s into b (no quotes) */

#endif
