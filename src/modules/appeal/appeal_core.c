/* appeal_core.c — what the API, the pages and Open311 share: submit, scoped
** lookup, transitions in a write transaction, the public lookup by code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "appeal.h"
#include "appeal_core.h"
#include "modules/identity/identity.h"
#include "platform/log.h"


void appeal_actor(req *r, char *out, size_t n) {
  if (r->user_id) snprintf(out, n, "user:%s", r->login);
  else snprintf(out, n, "public:%s", r->client[0] ? r->client : "?");
}

/* Before the write: the public rate limit per address (online) or the cadre's
** scope over the village (offline). Fills the rate-limit key and the actor. */
static int submit_check(req *r, const appeal_new *in, int offline, long long now, char *key, char *actor) {
  snprintf(key, 96, "appeal:%s", r->client);
  if (!offline) {
    if (!rl_take(r->app->limits, key, now, 3600, r->app->cfg->public_rate)) {
      resp_header(r, "Retry-After", "3600");
      return zd_fail(&r->err, ZD_ERATE, "Too many matters from this address in the last hour; please try again later or come to the center.");
    }
  } else {
    org v;
    int rc = org_by_code(req_db(r), in->village, &v, &r->err);
    if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, PERM_APPEAL_HANDLE, v.id)) rc = ZD_ENOTFOUND;
    if (rc == ZD_ENOTFOUND) return zd_fail(&r->err, ZD_ENOTFOUND, "No village with this code in your scope.");
    if (rc) return rc;
  }
  appeal_actor(r, actor, 96);
  return ZD_OK;
}

int appeal_submit(req *r, const appeal_new *in, int offline, char *number, char *code) {
  long long now = (long long)time(NULL);
  char key[96], actor[96];
  int rc = submit_check(r, in, offline, now, key, actor);
  if (rc) return rc;
  db_conn *w = db_writer(r->app->db);
  rc = db_begin(w, &r->err);
  if (!rc) rc = appeal_create(w, actor, offline ? r->user_id : 0, in, number, code, &r->err);
  if (!rc) rc = db_commit(w, &r->err);
  else db_rollback(w);
  db_release(w);
  if (rc && !offline) rl_give_back(r->app->limits, key, now, 3600); /* refused input does not count */
  return rc;
}

/* A submission waiting for the group commit (appeal_submit_grouped). */
typedef struct submission {
  appeal_new in;
  json_t *j; /* holds in's strings */
  int offline;
  long long user_id, now;
  appeal_ready ready; /* checked by the request's thread, before the writer's turn */
  char key[96], actor[96], number[24];
  int (*reply)(req *r, const char *number, const char *code);
} submission;

static int submission_run(db_conn *w, void *arg, zd_error *e) {
  submission *s = arg;
  return appeal_insert_ready(w, s->actor, s->offline ? s->user_id : 0, &s->in, &s->ready, s->number, e);
}

static int submission_then(req *r, int rc, void *arg) {
  submission *s = arg;
  if (rc && !s->offline) rl_give_back(r->app->limits, s->key, s->now, 3600); /* refused input does not count */
  if (!rc) rc = s->reply(r, s->number, s->ready.code);
  json_decref(s->j);
  free(s);
  return rc;
}

int appeal_submit_grouped(req *r, json_t *j, const appeal_new *in, int offline,
                          int (*reply)(req *r, const char *number, const char *code)) {
  submission *s = calloc(1, sizeof *s);
  if (!s) {
    json_decref(j);
    return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  }
  s->in = *in;
  s->j = j;
  s->offline = offline;
  s->user_id = r->user_id;
  s->now = (long long)time(NULL);
  s->reply = reply;
  int rc = submit_check(r, in, offline, s->now, s->key, s->actor);
  if (!rc) {
    /* everything but the insert happens here, so the one writer only writes */
    rc = appeal_check_new(req_db(r), offline ? r->user_id : 0, in, &s->ready, &r->err);
    if (rc && !offline) rl_give_back(r->app->limits, s->key, s->now, 3600); /* refused input does not count */
  }
  if (rc) {
    json_decref(j);
    free(s);
    return rc;
  }
  return req_defer(r, submission_run, submission_then, s);
}

int appeal_scoped(req *r, const char *number, perm p, appeal *a) {
  int rc = appeal_get(req_db(r), number, a, &r->err);
  if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, p, a->org_id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No case with this number in your scope.");
  return rc;
}

int appeal_do(req *r, const char *number, const appeal_change *ch, appeal *out, char *allowed, size_t allowed_len) {
  char actor[96];
  appeal_actor(r, actor, sizeof actor);
  db_conn *w = db_writer(r->app->db);
  int rc = db_begin(w, &r->err);
  if (!rc) rc = appeal_transition(w, actor, number, ch, out, allowed, allowed_len, &r->err);
  if (!rc) rc = db_commit(w, &r->err);
  else db_rollback(w);
  db_release(w);
  return rc;
}

int appeal_track_take(req *r, char *key, size_t n, long long *now) {
  *now = (long long)time(NULL);
  snprintf(key, n, "track:%s", r->client);
  /* every lookup takes a unit; a right one gives it back, so only wrong ones add up */
  if (!rl_take(r->app->limits, key, *now, 3600, APPEAL_LOOKUP_FAILS_PER_HOUR)) {
    resp_header(r, "Retry-After", "3600");
    return zd_fail(&r->err, ZD_ERATE, "Too many wrong case numbers or codes from this address; please try again later.");
  }
  return ZD_OK;
}

int appeal_public_lookup(req *r, const char *number, const char *code, appeal *a) {
  long long now;
  char key[96];
  int rc = appeal_track_take(r, key, sizeof key, &now);
  if (rc) return rc;
  if (!number || !code || !appeal_code_ok(req_db(r), number, code))
    return zd_fail(&r->err, ZD_ENOTFOUND, "No case matches this number and code.");
  rl_give_back(r->app->limits, key, now, 3600);
  return appeal_get(req_db(r), number, a, &r->err);
}

void appeal_mask_phone(const char *p, char *out, size_t n) {
  size_t len = strlen(p);
  if (len <= 4) { snprintf(out, n, "%s", len ? "****" : ""); return; }
  snprintf(out, n, "%.3s****%s", p, p + len - 4 > p + 3 ? p + len - 4 : p + 3);
}

int appeal_can_handle(req *r, const appeal *a) {
  return ident_scope_allows(req_db(r), r->user_id, PERM_APPEAL_HANDLE, a->org_id);
}

void appeal_date_text(long long t, const char *fmt, char *out, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(out, n, fmt, &tm);
}

int appeal_village(req *r, org *v) {
  int rc = org_by_code(req_db(r), req_param(r, "code"), v, &r->err);
  if (rc == ZD_OK && v->kind != ORG_VILLAGE && v->kind != ORG_COMMUNITY) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No village with this code.");
  return rc;
}

typedef struct tl_ctx { req *r; buf *b; int public_view; } tl_ctx;

static void tl_row(void *arg, long long at, const char *actor, const char *action, const char *from, const char *to,
                   const char *note, int is_public) {
  tl_ctx *c = arg;
  char d[32];
  appeal_date_text(at, "%Y-%m-%d %H:%M", d, sizeof d);
  int act = appeal_action_parse(action), st = appeal_state_parse(to);
  (void)from;
  buf_printf(c->b, "<li><time>%s</time> %s → <strong>%s</strong>", d,
             act >= 0 ? T(c->r, appeal_action_label((appeal_action)act)) : T(c->r, "Raised by the villager"),
             st >= 0 ? T(c->r, appeal_state_label((appeal_state)st)) : to);
  if (!c->public_view) {
    buf_printf(c->b, " <small>%s</small>", actor);
    if (note && *note) buf_printf(c->b, "<blockquote class=\"%r\">%s</blockquote>", is_public ? "answer" : "internal", note);
  }
  buf_puts(c->b, "</li>");
}

void appeal_timeline_html(req *r, buf *b, long long appeal_id, int public_view) {
  tl_ctx c = {r, b, public_view};
  zd_error e;
  buf_puts(b, "<ol class=\"timeline\">");
  appeal_events(req_db(r), appeal_id, public_view, tl_row, &c, &e);
  buf_puts(b, "</ol>");
}
