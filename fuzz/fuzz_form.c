/*
** fuzz_form.c — libFuzzer target: the urlencoded form and query-string parser
** (form_parse, url_decode, utf8_valid/utf8_len), the work-list filters read from
** a query (appeal_filter_from_query), the route matcher over the real route
** table, and the small string checks (code_valid, local_path_valid).
**
** Input: the bytes of a body or query string. Checked: every pair that parses
** is valid UTF-8 without NUL; a failure leaves the list empty; the filters only
** accept what the rules know; route captures are non-empty segments of the path.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "modules/appeal/appeal_core.h"
#include "platform/req.h"
#include "platform/text.h"
#include "routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *d = (const char *)data;
  kvlist list = {0};
  const char *why = NULL;
  int rc = form_parse(d, size, 200, &list, &why);
  if (rc) {
    if (list.n != 0 || !why) abort();
  } else {
    for (size_t i = 0; i < list.n; i++) {
      const char *k = list.v[i].key, *v = list.v[i].val;
      if (!utf8_valid(k, strlen(k)) || !utf8_valid(v, strlen(v))) abort();
      (void)utf8_len(k);
      (void)code_valid(v);
      (void)local_path_valid(v);
    }
    if (list.n > 200) abort();

    /* the same pairs as a query string: the work-list filters */
    static app a;
    static zd_config cfg;
    config_defaults(&cfg);
    a.cfg = &cfg;
    req *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->app = &a;
    r->query = list;
    appeal_filter f;
    int page = 0;
    if (appeal_filter_from_query(r, &f, &page) == ZD_OK) {
      if (f.state && *f.state && appeal_state_parse(f.state) < 0) abort();
      if (f.kind && *f.kind && appeal_kind_parse(f.kind) < 0) abort();
      if (f.mode && *f.mode && appeal_mode_parse(f.mode) < 0) abort();
      if (f.limit < 1 || f.limit > 100 || page < 1 || f.offset < 0) abort();
    } else if (r->err.rc != ZD_EINVAL) {
      abort();
    }
    free(r);
  }
  kvlist_free(&list);

  /* the input as a request path (NUL-terminated copy) */
  char *path = malloc(size + 2);
  if (!path) return 0;
  path[0] = '/';
  memcpy(path + 1, d, size);
  path[size + 1] = 0;
  kvlist params = {0};
  char allow[128];
  const char *methods[] = {"GET", "POST", "HEAD", "PATCH", "DELETE"};
  int i = route_match(zd_routes, zd_nroutes, methods[size % 5], path, &params, allow, sizeof allow);
  if (i >= 0) {
    if ((size_t)i >= zd_nroutes) abort();
    for (size_t k = 0; k < params.n; k++)
      if (!params.v[k].val[0] || strchr(params.v[k].val, '/')) abort();
  }
  if (strlen(allow) >= sizeof allow) abort();
  kvlist_free(&params);
  free(path);
  return 0;
}
