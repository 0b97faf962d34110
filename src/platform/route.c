/* route.c — see route.h. */
#include "route.h"
#include <stdlib.h>
#include <string.h>

/* Match one pattern; on success append captures to params and return 1. */
static int match(const char *pat, const char *path, kvlist *params) {
  const char *p = pat, *s = path;
  size_t start = params ? params->n : 0;
  while (*p && *s) {
    if (*p == '{') {
      const char *close = strchr(p, '}');
      if (!close) return 0;
      const char *seg_end = strchr(s, '/');
      if (!seg_end) seg_end = s + strlen(s);
      if (seg_end == s) goto fail;
      if (params) {
        char name[64], val[512];
        size_t nl = (size_t)(close - p - 1), vl = (size_t)(seg_end - s);
        if (nl >= sizeof name || vl >= sizeof val) goto fail;
        memcpy(name, p + 1, nl); name[nl] = 0;
        memcpy(val, s, vl); val[vl] = 0;
        if (kvlist_add(params, name, val)) goto fail;
      }
      p = close + 1;
      s = seg_end;
    } else if (*p == *s) {
      p++; s++;
    } else {
      goto fail;
    }
  }
  if (*p == 0 && *s == 0) return 1;
fail:
  if (params) {
    while (params->n > start) {
      params->n--;
      free(params->v[params->n].key);
      free(params->v[params->n].val);
    }
  }
  return 0;
}

int route_match(const route *tab, size_t n, const char *method, const char *path, kvlist *params,
                char *allow, size_t allow_len) {
  const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
  if (allow && allow_len) allow[0] = 0;
  /* the routes of this method first: the usual case needs no more */
  for (size_t i = 0; i < n; i++) {
    if (strcmp(tab[i].method, m) != 0 || !match(tab[i].pattern, path, NULL)) continue;
    if (params && !match(tab[i].pattern, path, params)) return ROUTE_NONE; /* capture too long */
    return (int)i;
  }
  /* none: does the path exist with another method (405 and its Allow list)? */
  int path_seen = 0;
  for (size_t i = 0; i < n; i++) {
    if (!match(tab[i].pattern, path, NULL)) continue;
    path_seen = 1;
    if (allow && !strstr(allow, tab[i].method)) {
      size_t l = strlen(allow);
      if (l + strlen(tab[i].method) + 3 < allow_len) {
        if (l) strcat(allow, ", ");
        strcat(allow, tab[i].method);
        if (strcmp(tab[i].method, "GET") == 0 && l + 12 < allow_len) strcat(allow, ", HEAD");
      }
    }
  }
  return path_seen ? ROUTE_BAD_METHOD : ROUTE_NONE;
}

int route_captures(const route *tab, int i, const char *path, kvlist *params) {
  return match(tab[i].pattern, path, params) ? 0 : -1;
}
