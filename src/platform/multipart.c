/* multipart.c — see multipart.h. */
#include "multipart.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

int multipart_boundary(const char *ct, char *out, size_t n) {
  if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) return 0;
  const char *b = strstr(ct, "boundary=");
  if (!b) return 0;
  b += 9;
  int quoted = *b == '"';
  if (quoted) b++;
  size_t i = 0;
  for (; b[i] && i + 1 < n && i < 70; i++) {
    if (quoted ? b[i] == '"' : (b[i] == ';' || b[i] == ' ')) break;
    out[i] = b[i];
  }
  out[i] = 0;
  /* the whole boundary, or none: a longer one (RFC 2046: at most 70) or an
  ** unclosed quote is refused rather than cut */
  int ended = quoted ? b[i] == '"' : (b[i] == 0 || b[i] == ';' || b[i] == ' ');
  return i > 0 && ended;
}

static const char *find(const char *h, size_t hl, const char *needle, size_t nl) {
  if (nl == 0 || hl < nl) return NULL;
  for (size_t i = 0; i + nl <= hl; i++)
    if (h[i] == needle[0] && memcmp(h + i, needle, nl) == 0) return h + i;
  return NULL;
}

/* name="value" from a header line into out. */
static void param(const char *line, size_t len, const char *key, char *out, size_t n) {
  out[0] = 0;
  size_t kl = strlen(key);
  for (size_t i = 0; i + kl + 2 <= len; i++) {
    if ((i == 0 || line[i - 1] == ' ' || line[i - 1] == ';') && strncasecmp(line + i, key, kl) == 0 &&
        line[i + kl] == '=' && line[i + kl + 1] == '"') {
      size_t j = i + kl + 2, k = 0;
      while (j < len && line[j] != '"' && k + 1 < n) out[k++] = line[j++];
      out[k] = 0;
      return;
    }
  }
}

int multipart_parse(const char *body, size_t len, const char *boundary, mpart *parts, int max) {
  char delim[80];
  int dl = snprintf(delim, sizeof delim, "--%s", boundary);
  if (dl <= 2 || dl >= (int)sizeof delim) return -1;
  const char *p = find(body, len, delim, (size_t)dl);
  if (!p) return -1;
  const char *end = body + len;
  int n = 0;
  for (;;) {
    p += dl;
    if (end - p >= 2 && p[0] == '-' && p[1] == '-') return n; /* closing delimiter */
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return -1;
    p += 2;
    const char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
    if (!hend) return -1;
    if (n >= max) return -1;
    mpart *m = &parts[n];
    memset(m, 0, sizeof *m);
    for (const char *line = p; line < hend;) {
      const char *eol = find(line, (size_t)(hend - line), "\r\n", 2);
      if (!eol) eol = hend;
      size_t ll = (size_t)(eol - line);
      if (ll > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
        param(line, ll, "name", m->name, sizeof m->name);
        param(line, ll, "filename", m->filename, sizeof m->filename);
      } else if (ll > 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
        size_t k = 13;
        while (k < ll && line[k] == ' ') k++;
        snprintf(m->content_type, sizeof m->content_type, "%.*s", (int)(ll - k), line + k);
      }
      line = eol + 2;
    }
    if (!m->name[0]) return -1;
    const char *data = hend + 4;
    char next[84];
    int nl = snprintf(next, sizeof next, "\r\n%s", delim);
    const char *q = find(data, (size_t)(end - data), next, (size_t)nl);
    if (!q) return -1;
    m->data = data;
    m->len = (size_t)(q - data);
    n++;
    p = q + 2;
  }
}
