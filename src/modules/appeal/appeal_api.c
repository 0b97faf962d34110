/* appeal_api.c — JSON API of 民事直说: public intake and tracking, cadres' work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "appeal_core.h"
#include "modules/audit/audit.h"

static void add_event(void *arg, long long at, const char *actor, const char *action, const char *from, const char *to,
                      const char *note, int is_public) {
  json_t *arr = arg;
  json_t *ev = json_pack("{s:I, s:s, s:s, s:s}", "at", (json_int_t)at, "action", action, "from", from, "to", to);
  if (!is_public || strcmp(action, "answer") == 0 || strcmp(action, "rate") == 0) {
    /* internal entries (and the answer itself, already in the case) carry their text */
    json_object_set_new(ev, "note", json_string(note));
  }
  (void)actor;
  json_array_append_new(arr, ev);
}

/* What the raiser (and only they) sees: no notes, no owners, no contact
** details; the timeline gives the action and its date, never who or the text.
** Written straight into the reply, in the key order jansson gave it before:
** number, village, kind, status, status_label, created_at, updated_at, answer,
** rating, can_rate, timeline [{at, action, from, to}] (docs/performance.md). */
typedef struct public_ctx {
  req *r;
  buf *b;
  int events;
} public_ctx;

/* The reply is written with buf_append and buf_jsonstr (the escaper of %j)
** rather than buf_printf: a format is parsed again for every event. */
#define PUT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

/* "s" escaped, with its quotes. */
static void put_str(buf *b, const char *s) {
  PUT(b, "\"");
  buf_jsonstr(b, s);
  PUT(b, "\"");
}

static void public_head(void *arg, const appeal_public *p) {
  public_ctx *c = arg;
  buf *b = c->b;
  appeal_state s = p->state;
  PUT(b, "{\"number\":");
  put_str(b, p->number);
  PUT(b, ",\"village\":");
  put_str(b, p->org_code);
  PUT(b, ",\"kind\":");
  put_str(b, appeal_kind_key(p->kind));
  PUT(b, ",\"status\":");
  put_str(b, appeal_state_key(s));
  PUT(b, ",\"status_label\":");
  put_str(b, T(c->r, appeal_state_label(s)));
  PUT(b, ",\"created_at\":");
  buf_int(b, p->created_at);
  PUT(b, ",\"updated_at\":");
  buf_int(b, p->updated_at);
  PUT(b, ",\"answer\":");
  if (s >= AS_ANSWERED && s != AS_REOPENED && p->answer[0]) put_str(b, p->answer);
  else PUT(b, "null");
  PUT(b, ",\"rating\":");
  if (p->rating != AR_NONE) put_str(b, appeal_rating_key(p->rating));
  else PUT(b, "null");
  if (s == AS_ANSWERED) PUT(b, ",\"can_rate\":true,\"timeline\":[");
  else PUT(b, ",\"can_rate\":false,\"timeline\":[");
}

static void public_event(void *arg, long long at, const char *actor, const char *action, const char *from,
                         const char *to, const char *note, int is_public) {
  (void)actor; (void)note; (void)is_public;
  public_ctx *c = arg;
  buf *b = c->b;
  if (c->events++) PUT(b, ",{\"at\":");
  else PUT(b, "{\"at\":");
  buf_int(b, at);
  PUT(b, ",\"action\":");
  put_str(b, action);
  PUT(b, ",\"from\":");
  put_str(b, from);
  PUT(b, ",\"to\":");
  put_str(b, to);
  PUT(b, "}");
}

/* Close the reply and hand it over. */
static int public_reply(req *r, buf *b, int status) {
  PUT(b, "]}");
  if (!buf_ok(b)) {
    buf_free(b);
    return zd_fail(&r->err, ZD_EINTERNAL, "cannot encode JSON");
  }
  resp_text(r, status, "application/json", b);
  return ZD_OK;
}

static json_t *internal_json(req *r, const appeal *a, int with_events) {
  char masked[40];
  appeal_mask_phone(a->raiser_phone, masked, sizeof masked);
  long long now = (long long)time(NULL);
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:i, s:s, s:i}",
                        "number", a->number, "village", a->org_code, "village_name", a->org_name, "kind",
                        appeal_kind_key(a->kind), "channel", appeal_channel_key(a->channel), "status",
                        appeal_state_key(a->fsm.state), "content", a->content, "place", a->place, "raiser_name",
                        a->raiser_name, "raiser_phone", masked, "overdue",
                        appeal_overdue(a->fsm.state, a->deadline, now), "deadline", (json_int_t)a->deadline,
                        "created_at", (json_int_t)a->created_at, "updated_at", (json_int_t)a->updated_at,
                        "escalation", a->fsm.escalation, "escalated_to", a->escalated_to, "reopens", a->fsm.reopens);
  json_object_set_new(j, "mode", a->has_mode ? json_string(appeal_mode_key(a->mode)) : json_null());
  json_object_set_new(j, "owner", a->owner_login[0] ? json_string(a->owner_login) : json_null());
  json_object_set_new(j, "entered_by", a->entered_by[0] ? json_string(a->entered_by) : json_null());
  json_object_set_new(j, "answer", json_string(a->answer));
  json_object_set_new(j, "rating", json_string(appeal_rating_key(a->fsm.rating)));
  char allowed[200];
  appeal_cadre_actions(&a->fsm, allowed, sizeof allowed);
  json_object_set_new(j, "allowed_actions", json_string(allowed));
  if (with_events) {
    json_t *tl = json_array();
    zd_error e;
    appeal_events(req_db(r), a->id, 0, add_event, tl, &e);
    json_object_set_new(j, "timeline", tl);
  }
  return j;
}

/* The 201 of a public intake, once its COMMIT is done. */
static int public_created(req *r, const char *number, const char *code) {
  char loc[64];
  snprintf(loc, sizeof loc, "/api/v1/public/appeals/%s", number);
  resp_header(r, "Location", loc);
  return resp_json(r, 201, json_pack("{s:s, s:s}", "number", number, "tracking_code", code));
}

/* POST /api/v1/public/appeals */
int appeal_api_public_create(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  appeal_new in = {0};
  int rc = req_unpack(r, j, "{s:s, s:s, s:s, s?:s, s?:s, s?:s}", "village", &in.village, "kind", &in.kind, "content",
                      &in.content, "place", &in.place, "name", &in.name, "phone", &in.phone);
  if (rc) {
    json_decref(j);
    return rc;
  }
  /* many people at once (a QR poster on a market day): their cases share one COMMIT */
  return appeal_submit_grouped(r, j, &in, 0, public_created);
}

/* GET /api/v1/public/appeals/{number}?code= — the case by number and code in
** one query, then its public timeline. Wrong pairs are rate-limited per address
** as in appeal_public_lookup: every lookup takes a unit, a right one gives it back. */
int appeal_api_public_get(req *r) {
  long long now;
  char key[96];
  int rc = appeal_track_take(r, key, sizeof key, &now);
  if (rc) return rc;
  buf b = BUF_INIT;
  public_ctx c = {r, &b, 0};
  rc = appeal_public_find(req_db(r), req_param(r, "number"), req_query(r, "code"), public_head, public_event, &c,
                          &r->err);
  if (rc != ZD_ENOTFOUND) rl_give_back(r->app->limits, key, now, 3600); /* only wrong pairs add up */
  if (rc) {
    buf_free(&b);
    return rc;
  }
  return public_reply(r, &b, 200);
}

/* POST /api/v1/public/appeals/{number}/rating {"code","rating"} */
int appeal_api_public_rate(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *code = NULL, *rating = NULL;
  int rc = req_unpack(r, j, "{s:s, s:s}", "code", &code, "rating", &rating);
  appeal a;
  if (!rc) rc = appeal_public_lookup(r, req_param(r, "number"), code, &a);
  if (!rc) {
    int rt = appeal_rating_parse(rating);
    appeal_change ch = {{AA_RATE, 0, rt < 0 ? AR_NONE : (appeal_rating)rt, 0, 0}, NULL, NULL, 0};
    char allowed[200] = "";
    rc = appeal_do(r, a.number, &ch, &a, allowed, sizeof allowed);
  }
  /* the reply is the tracking reply, read again after the COMMIT */
  buf b = BUF_INIT;
  public_ctx c = {r, &b, 0};
  if (!rc) rc = appeal_public_find(req_db(r), a.number, code, public_head, public_event, &c, &r->err);
  json_decref(j); /* code pointed into it */
  if (rc) {
    buf_free(&b);
    return rc;
  }
  return public_reply(r, &b, 200);
}

/* POST /api/v1/appeals — a cadre enters a matter raised offline */
int appeal_api_create(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  appeal_new in = {0};
  int rc = req_unpack(r, j, "{s:s, s:s, s:s, s:s, s?:s, s?:s, s?:s}", "village", &in.village, "kind", &in.kind,
                      "content", &in.content, "channel", &in.channel, "place", &in.place, "name", &in.name, "phone",
                      &in.phone);
  if (!rc && in.channel && strcmp(in.channel, "online") == 0)
    rc = zd_fail(&r->err, ZD_EINVAL, "Online matters come through the public form; choose room, day, visit, phone or wechat.");
  char number[24], code[10];
  if (!rc) rc = appeal_submit(r, &in, 1, number, code);
  json_decref(j);
  if (rc) return rc;
  appeal a;
  rc = appeal_get(req_db(r), number, &a, &r->err);
  if (rc) return rc;
  json_t *out = internal_json(r, &a, 0);
  json_object_set_new(out, "tracking_code", json_string(code));
  return resp_json(r, 201, out);
}

int appeal_api_get(req *r) {
  appeal a;
  int rc = appeal_scoped(r, req_param(r, "number"), PERM_APPEAL_VIEW, &a);
  if (rc) return rc;
  return resp_json(r, 200, internal_json(r, &a, 1));
}

/* GET /api/v1/appeals/{number}/contact — the raiser's phone, for calling back; logged. */
int appeal_api_contact(req *r) {
  appeal a;
  int rc = appeal_scoped(r, req_param(r, "number"), PERM_APPEAL_VIEW, &a);
  if (rc) return rc;
  if (!appeal_can_handle(r, &a) && !ident_scope_allows(req_db(r), r->user_id, PERM_PERSONAL_READ, a.org_id))
    return zd_fail(&r->err, ZD_EFORBIDDEN, "Your role does not allow reading contact details.");
  char obj[48];
  snprintf(obj, sizeof obj, "appeal:%s", a.number);
  rc = audit_read(r, "appeal.contact", obj, a.org_id);
  if (rc) return rc;
  return resp_json(r, 200, json_pack("{s:s, s:s, s:s}", "number", a.number, "name", a.raiser_name, "phone", a.raiser_phone));
}

typedef struct list_ctx {
  req *r;
  json_t *arr;
} list_ctx;

static void list_row(void *arg, const appeal *a) {
  list_ctx *c = arg;
  json_t *j = internal_json(c->r, a, 0);
  json_object_del(j, "raiser_phone");
  json_object_del(j, "raiser_name");
  json_array_append_new(c->arr, j);
}

static int int_param(req *r, const char *name, int dflt, int lo, int hi, int *out) {
  const char *v = req_query(r, name);
  if (!v || !*v) { *out = dflt; return ZD_OK; }
  char *end = NULL;
  long n = strtol(v, &end, 10);
  if (*end || n < lo || n > hi) return zd_fail(&r->err, ZD_EINVAL, "%s must be a number from %d to %d.", name, lo, hi);
  *out = (int)n;
  return ZD_OK;
}

int appeal_filter_from_query(req *r, appeal_filter *f, int *page) {
  memset(f, 0, sizeof *f);
  f->village = req_query(r, "village");
  f->state = req_query(r, "status");
  f->kind = req_query(r, "kind");
  f->mode = req_query(r, "mode");
  f->owner = req_query(r, "owner");
  f->q = req_query(r, "q");
  if (f->state && *f->state && appeal_state_parse(f->state) < 0) return zd_fail(&r->err, ZD_EINVAL, "Unknown status.");
  if (f->kind && *f->kind && appeal_kind_parse(f->kind) < 0) return zd_fail(&r->err, ZD_EINVAL, "Unknown kind.");
  if (f->mode && *f->mode && appeal_mode_parse(f->mode) < 0) return zd_fail(&r->err, ZD_EINVAL, "Unknown handling mode.");
  if (f->q && utf8_len(f->q) > 100) return zd_fail(&r->err, ZD_EINVAL, "The search text is longer than 100 characters.");
  int per = 20, rc;
  if ((rc = int_param(r, "overdue", 0, 0, 1, &f->overdue))) return rc;
  if ((rc = int_param(r, "open", 0, 0, 1, &f->open_only))) return rc;
  if ((rc = int_param(r, "page", 1, 1, 100000, page))) return rc;
  if ((rc = int_param(r, "per_page", 20, 1, 100, &per))) return rc;
  f->limit = per;
  f->offset = (*page - 1) * per;
  return ZD_OK;
}

int appeal_api_list(req *r) {
  appeal_filter f;
  int page = 1;
  int rc = appeal_filter_from_query(r, &f, &page);
  if (rc) return rc;
  list_ctx c = {r, json_array()};
  long long total = 0;
  rc = appeal_list(req_db(r), r->user_id, &f, list_row, &c, &total, &r->err);
  if (rc) { json_decref(c.arr); return rc; }
  return resp_json(r, 200, json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total, "page", page, "per_page", f.limit,
                                     "items", c.arr));
}

/* POST /api/v1/appeals/{number}/transitions {"action", "mode"?, "owner"?, "text"?} */
int appeal_api_transition(req *r) {
  json_t *j = req_json(r);
  if (!j) return r->err.rc;
  const char *action = NULL, *mode = NULL, *owner = NULL, *text = NULL, *rating = NULL;
  int rc = req_unpack(r, j, "{s:s, s?:s, s?:s, s?:s, s?:s}", "action", &action, "mode", &mode, "owner", &owner, "text",
                      &text, "rating", &rating);
  appeal a;
  if (!rc) rc = appeal_scoped(r, req_param(r, "number"), PERM_APPEAL_HANDLE, &a);
  int act = rc ? -1 : appeal_action_parse(action);
  if (!rc && (act < 0 || act == AA_RATE))
    rc = zd_fail(&r->err, ZD_EINVAL, "Unknown action '%s' (ratings come from the raiser).", action);
  if (!rc) {
    int m = mode ? appeal_mode_parse(mode) : -1;
    if (act == AA_ASSIGN && m < 0) rc = zd_fail(&r->err, ZD_EINVAL, "Choose a way of handling: on_site, cadre_led, joint_township or joint_department.");
    appeal_change ch = {{(appeal_action)act, m < 0 ? AM_COUNT : (appeal_mode)m, AR_NONE, 0, 0}, owner, text, 0};
    char allowed[200] = "";
    if (!rc) rc = appeal_do(r, a.number, &ch, &a, allowed, sizeof allowed);
    if (rc == ZD_ECONFLICT) {
      char why[ZD_ERRMSG_MAX];
      snprintf(why, sizeof why, "%s", r->err.msg);
      zd_fail(&r->err, ZD_ECONFLICT, "%s Allowed now: %s.", why, allowed[0] ? allowed : "none");
    }
  }
  json_decref(j);
  if (rc) return rc;
  return resp_json(r, 200, internal_json(r, &a, 1));
}
