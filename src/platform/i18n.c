/* i18n.c — a small .po reader (msgid/msgstr, multi-line strings, C escapes). */
#include "i18n.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
  char *id, *str;
} entry;

struct i18n {
  entry *tab;   /* open addressing, size cap (power of two) */
  size_t cap, n;
};

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

/* Read one "..." literal starting at *p (which points at '"'); append to out. */
static int read_lit(const char **p, const char *end, char **out, size_t *olen) {
  const char *s = *p + 1;
  size_t cap = *olen + (size_t)(end - s) + 1;
  char *o = realloc(*out, cap);
  if (!o) return -1;
  *out = o;
  size_t n = *olen;
  while (s < end && *s != '"') {
    if (*s == '\\' && s + 1 < end) {
      s++;
      switch (*s) {
        case 'n': o[n++] = '\n'; break;
        case 't': o[n++] = '\t'; break;
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        default: o[n++] = *s;
      }
      s++;
    } else {
      o[n++] = *s++;
    }
  }
  if (s >= end) return -1;
  o[n] = 0;
  *olen = n;
  *p = s + 1;
  return 0;
}

static int put(i18n *c, char *id, char *str) {
  if ((c->n + 1) * 2 > c->cap) {
    size_t ncap = c->cap ? c->cap * 2 : 256;
    entry *nt = calloc(ncap, sizeof *nt);
    if (!nt) return -1;
    for (size_t i = 0; i < c->cap; i++) {
      if (!c->tab[i].id) continue;
      size_t j = hash(c->tab[i].id) & (ncap - 1);
      while (nt[j].id) j = (j + 1) & (ncap - 1);
      nt[j] = c->tab[i];
    }
    free(c->tab);
    c->tab = nt;
    c->cap = ncap;
  }
  size_t j = hash(id) & (c->cap - 1);
  while (c->tab[j].id) {
    if (strcmp(c->tab[j].id, id) == 0) { /* duplicate: last wins */
      free(c->tab[j].str);
      free(id);
      c->tab[j].str = str;
      return 0;
    }
    j = (j + 1) & (c->cap - 1);
  }
  c->tab[j].id = id;
  c->tab[j].str = str;
  c->n++;
  return 0;
}

i18n *i18n_parse(const char *po, size_t len, int *bad) {
  i18n *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (bad) *bad = 0;
  const char *p = po, *end = po + len;
  char *id = NULL, *str = NULL;
  size_t idl = 0, strl = 0;
  int state = 0; /* 0 none, 1 in msgid, 2 in msgstr */
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    const char *q = p;
    while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
    int err = 0;
    if (q < eol && *q == '#') {
      /* comment */
    } else if ((size_t)(eol - q) >= 6 && strncmp(q, "msgid ", 6) == 0) {
      if (state == 2 && id && str) {
        if (*id && *str) { if (put(c, id, str)) { free(id); free(str); } }
        else { free(id); free(str); }
        id = str = NULL;
      } else { free(id); free(str); id = str = NULL; }
      idl = strl = 0;
      q += 6;
      while (q < eol && *q == ' ') q++;
      if (q < eol && *q == '"') err = read_lit(&q, eol, &id, &idl); else err = 1;
      state = 1;
    } else if ((size_t)(eol - q) >= 7 && strncmp(q, "msgstr ", 7) == 0 && state == 1) {
      q += 7;
      while (q < eol && *q == ' ') q++;
      if (q < eol && *q == '"') err = read_lit(&q, eol, &str, &strl); else err = 1;
      state = 2;
    } else if (q < eol && *q == '"') {
      if (state == 1) err = read_lit(&q, eol, &id, &idl);
      else if (state == 2) err = read_lit(&q, eol, &str, &strl);
      else err = 1;
    } else if (q < eol) {
      err = 1; /* not a comment, keyword or string: a typo such as "msgtsr" */
    }
    if (err) {
      if (bad) (*bad)++;
      free(id); free(str); id = str = NULL; idl = strl = 0;
      state = 0;
    }
    p = eol + 1;
  }
  if (state == 2 && id && str && *id && *str) {
    if (put(c, id, str)) { free(id); free(str); }
  } else {
    free(id); free(str);
  }
  return c;
}

void i18n_free(i18n *c) {
  if (!c) return;
  for (size_t i = 0; i < c->cap; i++) {
    free(c->tab[i].id);
    free(c->tab[i].str);
  }
  free(c->tab);
  free(c);
}

size_t i18n_count(const i18n *c) { return c ? c->n : 0; }

static const char *lookup(const i18n *c, const char *msgid) {
  if (!c || !c->cap || !msgid) return NULL;
  size_t j = hash(msgid) & (c->cap - 1);
  while (c->tab[j].id) {
    if (strcmp(c->tab[j].id, msgid) == 0) return c->tab[j].str;
    j = (j + 1) & (c->cap - 1);
  }
  return NULL;
}

const char *i18n_get(const i18n *c, int lang, const char *msgid) {
  if (lang == LANG_EN) return msgid;
  const char *t = lookup(c, msgid);
  return t ? t : msgid;
}

int i18n_has(const i18n *c, const char *msgid) { return lookup(c, msgid) != NULL; }

int i18n_lang_parse(const char *s) {
  if (!s) return -1;
  if (strncmp(s, "zh", 2) == 0 && (s[2] == 0 || s[2] == '-' || s[2] == '_')) return LANG_ZH;
  if (strncmp(s, "en", 2) == 0 && (s[2] == 0 || s[2] == '-' || s[2] == '_')) return LANG_EN;
  return -1;
}

const char *i18n_lang_tag(int lang) { return lang == LANG_EN ? "en" : "zh-CN"; }
