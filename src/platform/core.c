/* core.c — see core.h. */
#include "core.h"
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include "assets.h"
#include "resp.h"
#include "sqlite_mem.h"

int core_healthz(req *r) {
  long long one = 0;
  zd_error e = {0, ""};
  int rc = db_scalar_int(req_db(r), &e, &one, 0, "SELECT 1", "");
  if (rc || one != 1) return zd_fail(&r->err, ZD_EUNAVAIL, "database not answering: %s", e.msg);
  return resp_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "db", db_engine_name(r->app->db)));
}

int core_metrics(req *r) {
  buf b = BUF_INIT;
  metrics_render(r->app->metrics, r->app->route_names, &b);
  group_stats g = group_get_stats(r->app->group);
  buf_printf(&b,
             "# HELP zhendi_group_commit_jobs_total Writes done through the group commit.\n"
             "# TYPE zhendi_group_commit_jobs_total counter\nzhendi_group_commit_jobs_total %lld\n"
             "# HELP zhendi_group_commit_batches_total Transactions (COMMITs) those writes took.\n"
             "# TYPE zhendi_group_commit_batches_total counter\nzhendi_group_commit_batches_total %lld\n"
             "# HELP zhendi_group_commit_largest The most writes one COMMIT has carried.\n"
             "# TYPE zhendi_group_commit_largest gauge\nzhendi_group_commit_largest %lld\n",
             (long long)g.jobs, (long long)g.batches, (long long)g.largest);
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) /* under ASan glibc's malloc is not the one used */
  /* The C heap over all of glibc's arenas: what is allocated, and what is free
  ** but still held by the process (a leak grows the first, fragmentation the second). */
  struct mallinfo2 mi = mallinfo2();
  buf_printf(&b,
             "# HELP zhendi_heap_bytes The C heap: bytes allocated (in_use) and free but held (free).\n"
             "# TYPE zhendi_heap_bytes gauge\nzhendi_heap_bytes{kind=\"in_use\"} %lld\n"
             "zhendi_heap_bytes{kind=\"free\"} %lld\n",
             (long long)(mi.uordblks + mi.hblkhd), (long long)mi.fordblks);
#endif
  sqlite_mem_stats pm = sqlite_mem_get_stats();
  buf_printf(&b,
             "# HELP zhendi_sqlite_page_lines_bytes SQLite's page-cache region: reserved, ever used (resident), used now.\n"
             "# TYPE zhendi_sqlite_page_lines_bytes gauge\n"
             "zhendi_sqlite_page_lines_bytes{kind=\"reserved\"} %lld\n"
             "zhendi_sqlite_page_lines_bytes{kind=\"touched\"} %lld\n"
             "zhendi_sqlite_page_lines_bytes{kind=\"in_use\"} %lld\n",
             (long long)pm.reserved, (long long)pm.touched, (long long)pm.in_use);
  resp_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
  return ZD_OK;
}

int core_static(req *r) {
  const char *file = req_param(r, "file");
  char path[128];
  if (!file || snprintf(path, sizeof path, "static/%s", file) >= (int)sizeof path)
    return zd_fail(&r->err, ZD_ENOTFOUND, "No such file.");
  const zd_asset *a = asset_find(path);
  const char *mime = asset_mime(path);
  if (!a || !mime) return zd_fail(&r->err, ZD_ENOTFOUND, "No such file.");
  resp_header(r, "ETag", a->etag);
  resp_header(r, "Cache-Control", "public, max-age=86400");
  const char *inm = req_header(r, "If-None-Match");
  if (inm && strstr(inm, a->etag)) {
    r->status = 304;
    return ZD_OK;
  }
  r->status = 200;
  r->ctype = mime;
  r->static_data = a->data;
  r->static_len = a->len;
  return ZD_OK;
}

int core_lang(req *r) {
  int l = i18n_lang_parse(req_param(r, "lang"));
  if (l < 0) return zd_fail(&r->err, ZD_ENOTFOUND, "Unknown language.");
  const char *next = req_query(r, "next");
  if (!local_path_valid(next)) next = "/";
  char cookie[96];
  snprintf(cookie, sizeof cookie, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax",
           l == LANG_EN ? "en" : "zh");
  resp_header(r, "Set-Cookie", cookie);
  resp_redirect(r, 303, next);
  return ZD_OK;
}
