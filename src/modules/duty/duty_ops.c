/* duty_ops.c — the duty operations the API and the pages share. Each checks
** its input first (a clear 4xx that changes nothing), then does its work in one
** write transaction: all of it, audited, or none of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duty_core.h"
#include "modules/appeal/appeal.h"

db_conn *duty_tx_begin(req *r, int *rc) {
  db_conn *w = db_writer(r->app->db);
  *rc = db_begin(w, &r->err);
  return w;
}

int duty_tx_end(req *r, db_conn *w, int rc) {
  if (!rc) rc = db_commit(w, &r->err);
  else db_rollback(w);
  db_release(w);
  return rc;
}

static long long today_of(long long now) { return duty_local_day(now, duty_tz(now)); }

/* A cadre of the village by login; 400 naming it otherwise. */
static int cadre_by_login(req *r, const org *v, const char *login, user *u) {
  zd_error e;
  if (!login || !*login) return zd_fail(&r->err, ZD_EINVAL, "Name the cadre (their login).");
  if (ident_user_by_login(req_db(r), login, u, NULL, 0, &e) != ZD_OK || !duty_is_cadre(req_db(r), v->id, u->id))
    return zd_fail(&r->err, ZD_EINVAL, "The person named is not a cadre of this village.");
  return ZD_OK;
}

int duty_do_generate(req *r, const org *v, int y, int m, const char *const *logins, size_t n, int replace,
                     duty_generated *out) {
  long long ids[DUTY_MAX_CADRES];
  size_t nc = 0;
  int rc = ZD_OK;
  if (logins) {
    if (n > DUTY_MAX_CADRES) return zd_fail(&r->err, ZD_EINVAL, "At most %d cadres on one roster.", DUTY_MAX_CADRES);
    for (size_t i = 0; i < n; i++) {
      user u;
      if ((rc = cadre_by_login(r, v, logins[i], &u))) return rc;
      int dup = 0;
      for (size_t k = 0; k < nc; k++) dup |= ids[k] == u.id;
      if (!dup) ids[nc++] = u.id;
    }
    if (!nc) return zd_fail(&r->err, ZD_EINVAL, "Choose at least one cadre for the roster.");
  } else {
    duty_person *p = NULL;
    size_t np = 0;
    if ((rc = duty_cadres(req_db(r), v->id, &p, &np, &r->err))) return rc;
    for (size_t i = 0; i < np && nc < DUTY_MAX_CADRES; i++) ids[nc++] = p[i].id;
    free(p);
    if (!nc) return zd_fail(&r->err, ZD_ECONFLICT, "This village has no cadres to put on a roster.");
  }
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  long long now = (long long)time(NULL);
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_roster_generate(w, actor, v->id, y, m, ids, nc, replace, today_of(now), out, &r->err);
  return duty_tx_end(r, w, rc);
}

static int shift_of_date(req *r, const org *v, const char *date, duty_shift *s) {
  long long day;
  if (!duty_parse_date(date, &day)) return zd_fail(&r->err, ZD_EINVAL, "Dates are written like 2026-11-30.");
  int rc = duty_shift_on(req_db(r), v->id, day, s, &r->err);
  if (rc == ZD_ENOTFOUND) return zd_fail(&r->err, ZD_ENOTFOUND, "The roster has no shift on that day.");
  return rc;
}

int duty_do_swap(req *r, const org *v, const char *date, const char *to, const char *with_date, const char *reason,
                 long long *id) {
  duty_shift a, b;
  user u;
  int rc = shift_of_date(r, v, date, &a);
  if (!rc && with_date && *with_date) rc = shift_of_date(r, v, with_date, &b);
  else b.id = 0;
  if (!rc) rc = cadre_by_login(r, v, to, &u);
  const char *why = duty_text_problem(reason, 200, 0, 0);
  if (!rc && why) rc = zd_fail(&r->err, ZD_EINVAL, "%s", why);
  if (rc) return rc;
  int may_manage = ident_scope_allows(req_db(r), r->user_id, PERM_DUTY_MANAGE, v->id);
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc)
    rc = duty_swap_request(w, actor, v->id, r->user_id, may_manage, a.id, u.id, b.id, reason, today_of(time(NULL)), id,
                           &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_decide(req *r, const org *v, long long swap_id, const char *decision) {
  int approve = decision && strcmp(decision, "approve") == 0;
  if (!approve && !(decision && strcmp(decision, "reject") == 0))
    return zd_fail(&r->err, ZD_EINVAL, "The decision is approve or reject.");
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  int rc;
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_swap_decide(w, actor, v->id, swap_id, r->user_id, approve, today_of(time(NULL)), &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_leave(req *r, const org *v, const char *login, const char *from, const char *to, const char *reason,
                  long long *id) {
  user u;
  int rc = ZD_OK;
  if (login && *login && strcmp(login, r->login) != 0) {
    if (!ident_scope_allows(req_db(r), r->user_id, PERM_DUTY_MANAGE, v->id))
      return zd_fail(&r->err, ZD_EFORBIDDEN, "Only the center admin records someone else's leave.");
    if ((rc = cadre_by_login(r, v, login, &u))) return rc;
  } else if ((rc = cadre_by_login(r, v, r->login, &u))) {
    return rc;
  }
  long long f, t;
  if (!duty_parse_date(from, &f) || !duty_parse_date(to, &t))
    return zd_fail(&r->err, ZD_EINVAL, "Dates are written like 2026-11-30.");
  const char *why = duty_text_problem(reason, 200, 0, 0);
  if (why) return zd_fail(&r->err, ZD_EINVAL, "%s", why);
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_leave_add(w, actor, v->id, u.id, f, t, reason, r->user_id, id, &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_hours(req *r, const org *v, const char *text) {
  duty_interval iv[DUTY_MAX_INTERVALS];
  size_t n = 0;
  const char *why = NULL;
  if (!text || !*text) return zd_fail(&r->err, ZD_EINVAL, "Give the opening hours, e.g. 周一至周五 8:30–12:00, 14:30–18:00.");
  if (duty_hours_parse(text, iv, DUTY_MAX_INTERVALS, &n, &why)) return zd_fail(&r->err, ZD_EINVAL, "%s", why);
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  int rc;
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_hours_set(w, actor, v->id, iv, n, &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_checkin(req *r, const org *v, const char *secret, long long *id) {
  long long center = 0, now = (long long)time(NULL), tz = duty_tz(now), week = 0;
  int rc = duty_center_id(req_db(r), v->id, &center, &r->err);
  if (rc) return rc;
  if (!duty_is_cadre(req_db(r), v->id, r->user_id))
    return zd_fail(&r->err, ZD_EFORBIDDEN, "Only the village's own cadres check in at its center.");
  unsigned char key[32];
  if ((rc = duty_server_key(r, key))) return rc;
  int ok = duty_qr_check(key, center, now, tz, secret, &week);
  memset(key, 0, sizeof key);
  if (!ok)
    return zd_fail(&r->err, ZD_EINVAL,
                   "This QR code is out of date or not this center's; scan the code posted at the center now.");
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_checkin_add(w, actor, v->id, r->user_id, now, week, duty_close_of, r, tz, id, &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_checkout(req *r, const org *v, duty_checkin_row *out) {
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  long long now = (long long)time(NULL);
  int rc;
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_checkout(w, actor, v->id, r->user_id, now, duty_close_of, r, duty_tz(now), out, &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_status(req *r, const org *v, const char *status, const char *note) {
  int s = duty_status_parse(status);
  if (s < 0)
    return zd_fail(&r->err, ZD_EINVAL, "The status is one of on_duty (在岗), meeting (开会), visiting (入户走访), leave (请假), off (下班).");
  const char *why = duty_text_problem(note, 60, 0, 0);
  if (why) return zd_fail(&r->err, ZD_EINVAL, "%s", why);
  if (!duty_is_cadre(req_db(r), v->id, r->user_id))
    return zd_fail(&r->err, ZD_EFORBIDDEN, "Only the village's own cadres are on its whereabouts board.");
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  int rc;
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_status_set(w, actor, v->id, r->user_id, (duty_status)s, note, (long long)time(NULL), &r->err);
  return duty_tx_end(r, w, rc);
}

static const char *phone_problem(const char *p) {
  if (!p) return NULL;
  if (strlen(p) > 20) return "The phone number is too long.";
  for (; *p; p++)
    if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == ' '))
      return "The phone number may hold only digits, spaces, '+' and '-'.";
  return NULL;
}

int duty_do_log(req *r, const org *v, const char *visitor, const char *phone, const char *request, const char *action,
                long long *id) {
  const char *why = duty_text_problem(request, 2000, 1, 1);
  if (why) return zd_fail(&r->err, ZD_EINVAL, "%s", !request || !*request ? "Write what the visitor asked." : why);
  if ((why = duty_text_problem(visitor, 50, 0, 0)) || (why = duty_text_problem(action, 2000, 0, 1)) ||
      (why = phone_problem(phone)))
    return zd_fail(&r->err, ZD_EINVAL, "%s", why);
  duty_log_entry en;
  memset(&en, 0, sizeof en);
  snprintf(en.visitor, sizeof en.visitor, "%s", visitor ? visitor : "");
  snprintf(en.phone, sizeof en.phone, "%s", phone ? phone : "");
  snprintf(en.request, sizeof en.request, "%s", request);
  snprintf(en.action, sizeof en.action, "%s", action ? action : "");
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  int rc;
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_log_add(w, actor, v->id, r->user_id, &en, id, &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_log_appeal(req *r, const org *v, long long log_id, const char *kind, char *number, char *code) {
  duty_log_entry en;
  int rc = duty_log_get(req_db(r), log_id, &en, &r->err);
  if (rc == ZD_ENOTFOUND || (!rc && en.org_id != v->id))
    return zd_fail(&r->err, ZD_ENOTFOUND, "No such duty-log entry in this village.");
  if (rc) return rc;
  if (!ident_scope_allows(req_db(r), r->user_id, PERM_APPEAL_HANDLE, v->id))
    return zd_fail(&r->err, ZD_EFORBIDDEN, "Your role does not allow entering villagers' matters.");
  if (en.appeal[0]) return zd_fail(&r->err, ZD_ECONFLICT, "This visit became a case already.");
  if (appeal_kind_parse(kind) < 0) return zd_fail(&r->err, ZD_EINVAL, "The kind must be village, neighbour or family.");
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  /* entered on the raiser's behalf, from the talk room (说事室), in the same transaction as the link */
  appeal_new in = {v->code, kind, en.request, "", en.visitor, en.phone, "room", NULL, 0};
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = appeal_create(w, actor, r->user_id, &in, number, code, &r->err);
  if (!rc) rc = duty_log_link_appeal(w, actor, &en, number, &r->err);
  return duty_tx_end(r, w, rc);
}

int duty_do_post(req *r, const org *v, long long id, const char *kind, const char *title, const char *holder,
                 const char *hours, int active, duty_post *out) {
  duty_post p;
  memset(&p, 0, sizeof p);
  int rc;
  if (id) {
    rc = duty_post_get(req_db(r), id, &p, &r->err);
    if (rc == ZD_ENOTFOUND || (!rc && p.org_id != v->id)) return zd_fail(&r->err, ZD_ENOTFOUND, "No such post in this village.");
    if (rc) return rc;
  } else {
    p.org_id = v->id;
    p.active = 1;
    if (!kind || !title) return zd_fail(&r->err, ZD_EINVAL, "A post needs its kind and its title.");
  }
  if (kind) {
    int k = duty_post_kind_parse(kind);
    if (k < 0) return zd_fail(&r->err, ZD_EINVAL, "The kind of post is convenience, volunteer, welfare or ranger.");
    p.kind = (duty_post_kind)k;
  }
  const char *why;
  if ((why = duty_text_problem(title, 100, id == 0 || title != NULL, 0)) || (why = duty_text_problem(holder, 100, 0, 0)) ||
      (why = duty_text_problem(hours, 100, 0, 0)))
    return zd_fail(&r->err, ZD_EINVAL, "%s", why);
  if (title) snprintf(p.title, sizeof p.title, "%s", title);
  if (holder) snprintf(p.holder, sizeof p.holder, "%s", holder);
  if (hours) snprintf(p.hours, sizeof p.hours, "%s", hours);
  if (active >= 0) p.active = active != 0;
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_post_save(w, actor, &p, &r->err);
  rc = duty_tx_end(r, w, rc);
  if (!rc && out) *out = p;
  return rc;
}

int duty_do_deed(req *r, const org *v, long long id, const char *title, const char *owner, const char *promised,
                 const char *done, int is_public, duty_deed *out) {
  duty_deed d;
  memset(&d, 0, sizeof d);
  int rc;
  if (id) {
    rc = duty_deed_get(req_db(r), id, &d, &r->err);
    if (rc == ZD_ENOTFOUND || (!rc && d.org_id != v->id)) return zd_fail(&r->err, ZD_ENOTFOUND, "No such deed in this village.");
    if (rc) return rc;
  } else {
    d.org_id = v->id;
    d.is_public = 1;
    if (!title || !owner || !promised) return zd_fail(&r->err, ZD_EINVAL, "A deed needs what, who owns it and the promised date.");
  }
  const char *why;
  if ((why = duty_text_problem(title, 200, title != NULL, 0)) || (why = duty_text_problem(owner, 50, owner != NULL, 0)))
    return zd_fail(&r->err, ZD_EINVAL, "%s", why);
  if (promised && !duty_parse_date(promised, &d.promised))
    return zd_fail(&r->err, ZD_EINVAL, "Dates are written like 2026-11-30.");
  if (done) {
    if (!*done) d.done = 0;
    else if (!duty_parse_date(done, &d.done)) return zd_fail(&r->err, ZD_EINVAL, "Dates are written like 2026-11-30.");
  }
  long long today = today_of(time(NULL));
  if (d.done && d.done > today) return zd_fail(&r->err, ZD_EINVAL, "A deed cannot be done on a day still to come.");
  if (title) snprintf(d.title, sizeof d.title, "%s", title);
  if (owner) snprintf(d.owner, sizeof d.owner, "%s", owner);
  if (is_public >= 0) d.is_public = is_public != 0;
  char actor[96];
  duty_actor(r, actor, sizeof actor);
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_deed_save(w, actor, &d, &r->err);
  rc = duty_tx_end(r, w, rc);
  if (!rc && out) *out = d;
  return rc;
}

void duty_mask_phone(const char *p, char *out, size_t n) {
  size_t len = strlen(p);
  if (len <= 4) { snprintf(out, n, "%s", len ? "****" : ""); return; }
  snprintf(out, n, "%.3s****%s", p, p + len - 4 > p + 3 ? p + len - 4 : p + 3);
}
