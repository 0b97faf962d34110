/* text.c — see text.h. */
#include "text.h"
#include <stdlib.h>
#include <string.h>

int utf8_valid(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t need;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
    else return 0;
    for (size_t k = 1; k <= need; k++) {
      if (i + k >= n) return 0;
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    i += need + 1;
  }
  return 1;
}

size_t utf8_len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t url_decode(char *s, int plus_is_space) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (*r == '%') {
      int h = hexval(r[1]), l = h < 0 ? -1 : hexval(r[2]);
      if (h < 0 || l < 0) return (size_t)-1;
      *w++ = (char)(h * 16 + l);
      r += 2;
    } else if (*r == '+' && plus_is_space) {
      *w++ = ' ';
    } else {
      *w++ = *r;
    }
  }
  *w = 0;
  return (size_t)(w - s);
}

void kvlist_free(kvlist *list) {
  for (size_t i = 0; i < list->n; i++) {
    free(list->v[i].key);
    free(list->v[i].val);
  }
  free(list->v);
  list->v = NULL;
  list->n = 0;
}

int kvlist_add(kvlist *list, const char *key, const char *val) {
  kv *v = realloc(list->v, (list->n + 1) * sizeof *v);
  if (!v) return -1;
  list->v = v;
  char *k = strdup(key), *x = strdup(val ? val : "");
  if (!k || !x) { free(k); free(x); return -1; }
  v[list->n].key = k;
  v[list->n].val = x;
  list->n++;
  return 0;
}

const char *kvlist_get(const kvlist *list, const char *key) {
  for (size_t i = 0; i < list->n; i++)
    if (strcmp(list->v[i].key, key) == 0) return list->v[i].val;
  return NULL;
}

int form_parse(const char *body, size_t len, size_t max_pairs, kvlist *list, const char **err) {
  *err = NULL;
  if (memchr(body, 0, len)) { *err = "NUL byte in form data"; return -1; }
  char *copy = malloc(len + 1);
  if (!copy) { *err = "out of memory"; return -1; }
  memcpy(copy, body, len);
  copy[len] = 0;
  char *save = NULL;
  int rc = 0;
  for (char *pair = strtok_r(copy, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
    if (!*pair) continue;
    if (list->n >= max_pairs) { *err = "too many parameters"; rc = -1; break; }
    char *eq = strchr(pair, '=');
    char *val = pair + strlen(pair); /* writable empty string when there is no '=' */
    if (eq) { *eq = 0; val = eq + 1; }
    size_t kl = url_decode(pair, 1), vl = url_decode(val, 1);
    if (kl == (size_t)-1 || vl == (size_t)-1) { *err = "malformed percent-escape"; rc = -1; break; }
    if (!utf8_valid(pair, kl) || !utf8_valid(val, vl)) { *err = "invalid UTF-8"; rc = -1; break; }
    if (strlen(pair) != kl || strlen(val) != vl) { *err = "NUL byte in form data"; rc = -1; break; }
    if (kvlist_add(list, pair, val)) { *err = "out of memory"; rc = -1; break; }
  }
  free(copy);
  if (rc) kvlist_free(list);
  return rc;
}

int code_valid(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
  size_t n = 0;
  for (; *s; s++, n++) {
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-')) return 0;
  }
  return n <= 32;
}

int local_path_valid(const char *s) {
  if (!s || s[0] != '/') return 0;
  if (s[1] == '/' || s[1] == '\\') return 0;
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f || *s == '\\') return 0;
  return 1;
}

/* Days to year/month/day: H. Hinnant's civil_from_days, on 400-year eras. */
void civil_date(long long t, char out[11]) {
  long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;                                  /* [0, 146096] */
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) y++;
  if (y < 0 || y > 9999) { out[0] = 0; return; }
  out[0] = (char)('0' + y / 1000); out[1] = (char)('0' + y / 100 % 10); out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10); out[4] = '-'; out[5] = (char)('0' + m / 10); out[6] = (char)('0' + m % 10);
  out[7] = '-'; out[8] = (char)('0' + d / 10); out[9] = (char)('0' + d % 10); out[10] = 0;
}
