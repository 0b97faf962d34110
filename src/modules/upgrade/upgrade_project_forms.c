/* upgrade_project_forms.c — the page forms of renovation funds and projects:
** a new fund, a village's allocation, items, spending (receipt photo),
** over-budget approvals, milestones, photos (a phone photo in the form) and the
** next status. Each handler reads the form, checks it with the same rules the
** storage functions apply (so that the reason can be said in the reader's
** language), and calls the storage function the JSON API calls: one code path
** for the rules and the audit. On bad input the page is shown again with the
** reason and the user's input (400, or 409 for a rule), and nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_core.h"
#include "platform/app.h"
#include "platform/i18n.h"

#define MSG_YUAN "Write the amount in yuan, like 1200 or 1,200.50."
#define MSG_FORM "The form could not be read: it holds invalid characters or too many fields."
#define MSG_NOT_PHOTO "The file is not a photo (JPEG, PNG or WebP)."

/* An amount in yuan from a form ("1234.5", "1,234.50", "¥98000") into fen.
** NULL when fine, else a msgid. Empty is 0 unless required. */
static const char *yuan(const char *s, int required, long long *fen) {
  *fen = 0;
  const char *t = s ? s : "";
  while (*t == ' ') t++;
  if (!*t) return required ? MSG_YUAN : NULL;
  if (upg_money_parse(t, fen)) return NULL;
  if (*t == '-' || strncmp(t, "−", strlen("−")) == 0) return "The amount must be more than zero.";
  if (strncmp(t, "¥", strlen("¥")) == 0) t += strlen("¥");
  else if (strncmp(t, "￥", strlen("￥")) == 0) t += strlen("￥");
  int digits = 0;
  for (; (*t >= '0' && *t <= '9') || *t == ','; t++) digits += *t != ',';
  return digits >= 10 ? "The amount is too large." : MSG_YUAN;
}

/* A positive id from a form field ("" is 0); 0 with *ok = 0 when malformed. */
static long long form_id(const char *s, int *ok) {
  *ok = 1;
  if (!s || !*s) return 0;
  char *end = NULL;
  long long v = *s >= '1' && *s <= '9' && strlen(s) <= 15 ? strtoll(s, &end, 10) : 0;
  if (v <= 0 || !end || *end) { *ok = 0; return 0; }
  return v;
}

/* The storage function's reason when it is a catalogue message, else `fallback`;
** translated, and copied out of r->err, which the page may reuse. */
typedef struct why_buf {
  char s[ZD_ERRMSG_MAX * 2];
} why_buf;
static const char *db_why(req *r, const char *fallback, why_buf *out) {
  snprintf(out->s, sizeof out->s, "%s", i18n_has(r->app->cat, r->err.msg) ? T(r, r->err.msg) : T(r, fallback));
  return out->s;
}

static int redirect(req *r, const char *fmt, long long id) {
  char loc[96];
  snprintf(loc, sizeof loc, fmt, id);
  resp_redirect(r, 303, loc);
  return ZD_OK;
}

static void actor_of(req *r, char *a, size_t n) { upg_actor(r, a, n); }

/* The project page again, with the reason (msgid) over the form that failed. */
static int project_again(req *r, long long id, const char *form, const char *msgid, int status) {
  return upg_project_page(r, id, form, T(r, msgid), status);
}

/* The form did not parse (bad UTF-8, too many fields): the page with the reason;
** anything else (a wrong content type) as the error it is. */
static int project_unreadable(req *r, long long id, const char *form) {
  if (r->err.rc != ZD_EINVAL) return r->err.rc;
  return project_again(r, id, form, MSG_FORM, 400);
}

static int item_known(const upg_project_detail *d, long long item) {
  for (size_t i = 0; i < d->nitems; i++)
    if (d->items[i].id == item) return 1;
  return 0;
}

/* POST /projects/{id}/items (form: title, check_item, decision, planned in yuan, note) */
int upg_page_item_post(req *r) {
  why_buf wb;
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return project_unreadable(r, p.id, "item");
  const char *title = req_form(r, "title"), *ck = req_form(r, "check_item"), *dec = req_form(r, "decision");
  const char *note = req_form(r, "note");
  upg_item it;
  memset(&it, 0, sizeof it);
  it.check_item = ck && *ck ? upg_check_parse(ck) : -1;
  int d = dec ? upg_decision_parse(dec) : -1;
  const char *why = NULL;
  if (upg_text_problem(title, 200, 1)) why = "Name the item (at most 200 characters).";
  else if (ck && *ck && it.check_item < 0) why = "Unknown checklist item.";
  else if (d < 0) why = "Choose renovate or reuse.";
  else if ((why = yuan(req_form(r, "planned"), 0, &it.planned))) {
    if (strcmp(why, "The amount must be more than zero.") == 0) why = "The estimated cost cannot be negative.";
  }
  else if (upg_text_problem(note, 500, 0)) why = "The note is too long (at most 500 characters).";
  if (why) return project_again(r, p.id, "item", why, 400);
  it.decision = (upg_decision)d;
  snprintf(it.title, sizeof it.title, "%s", title);
  snprintf(it.note, sizeof it.note, "%s", note ? note : "");
  char actor[96];
  actor_of(r, actor, sizeof actor);
  long long id = 0;
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_item_insert(w, actor, &p, &it, &id, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL) return upg_project_page(r, p.id, "item", db_why(r, "Name the item (at most 200 characters).", &wb), 400);
  if (rc) return rc;
  return redirect(r, "/projects/%lld#items", p.id);
}

/* POST /projects/{id}/spending (multipart or urlencoded: amount in yuan, item_id,
** payee, note, spent_on, photo: the receipt) */
int upg_page_spend_post(req *r) {
  why_buf wb;
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_RECORD, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return project_unreadable(r, p.id, "spending");
  upg_spend_new in;
  memset(&in, 0, sizeof in);
  const char *why = yuan(req_form(r, "amount"), 1, &in.amount);
  if (why) return project_again(r, p.id, "spending", why, 400);
  const char *on = req_form(r, "spent_on");
  int ok;
  in.item_id = form_id(req_form(r, "item_id"), &ok);
  if (!ok) return project_again(r, p.id, "spending", "Unknown item.", 400);
  if (on && *on && !upg_date_parse(on, &in.spent_on)) return project_again(r, p.id, "spending", "Write the date as 2024-03-05.", 400);
  in.payee = req_form(r, "payee");
  in.note = req_form(r, "note");
  if (upg_text_problem(in.payee, 100, 0)) return project_again(r, p.id, "spending", "The payee is too long (at most 100 characters).", 400);
  if (upg_text_problem(in.note, 500, 0)) return project_again(r, p.id, "spending", "The note is too long (at most 500 characters).", 400);
  if (in.item_id) {
    upg_project_detail d;
    rc = upg_project_detail_load(req_db(r), p.id, &d, &r->err);
    int known = !rc && item_known(&d, in.item_id);
    upg_project_detail_free(&d);
    if (rc) return rc;
    if (!known) return project_again(r, p.id, "spending", "Unknown item.", 400);
  }
  /* the same rules as the transaction's, to say them in the reader's language,
  ** before the receipt is stored */
  if (!upg_spend_allowed(p.status)) return project_again(r, p.id, "spending", "The project is in use: it takes no more spending.", 409);
  upg_budget bu = {p.allocation, p.approved, p.spent};
  int over;
  rc = upg_spend_check(&bu, in.amount, &over, &why);
  if (rc) return project_again(r, p.id, "spending", why, zd_http_status(rc));
  upg_upload up;
  const mpart *ph = req_file(r, "photo");
  if (ph) { /* the receipt, photographed and sent with the form */
    rc = upg_photo_save(r, ph, p.org_id, &up, NULL);
    if (rc == ZD_EINVAL || rc == ZD_EMEDIA || rc == ZD_ETOOBIG)
      return upg_project_page(r, p.id, "spending", db_why(r, MSG_NOT_PHOTO, &wb), 400);
    if (rc) return rc;
    in.receipt = up.sha;
  }
  long long id;
  char actor[96];
  actor_of(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_spend_insert(w, actor, r->user_id, p.id, &in, &id, &over, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT)
    return upg_project_page(r, p.id, "spending",
                            db_why(r, "This spending goes beyond the allocation; an over-budget approval must be recorded first.", &wb),
                            zd_http_status(rc));
  if (rc) return rc;
  return redirect(r, "/projects/%lld#spending", p.id);
}

/* POST /projects/{id}/approvals (form: amount in yuan, reason); by the logged-in user */
int upg_page_approval_post(req *r) {
  why_buf wb;
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_MANAGE, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return project_unreadable(r, p.id, "approval");
  long long amount = 0, id = 0;
  const char *reason = req_form(r, "reason");
  const char *why = yuan(req_form(r, "amount"), 1, &amount);
  if (!why && upg_approval_check(amount, reason, &why) == ZD_OK) why = NULL;
  if (why) return project_again(r, p.id, "approval", why, 400);
  char actor[96];
  actor_of(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_approval_insert(w, actor, r->user_id, p.id, amount, reason, &id, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT)
    return upg_project_page(r, p.id, "approval", db_why(r, "The amounts are out of range.", &wb), zd_http_status(rc));
  if (rc) return rc;
  return redirect(r, "/projects/%lld#approvals", p.id);
}

/* POST /projects/{id}/milestones (form: title, due_on) */
int upg_page_milestone_post(req *r) {
  why_buf wb;
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return project_unreadable(r, p.id, "milestone");
  const char *title = req_form(r, "title"), *due = req_form(r, "due_on");
  long long due_on = 0, id = 0;
  if (upg_text_problem(title, 200, 1)) return project_again(r, p.id, "milestone", "Name the milestone (at most 200 characters).", 400);
  if (due && *due && !upg_date_parse(due, &due_on)) return project_again(r, p.id, "milestone", "Write the date as 2024-03-05.", 400);
  char actor[96];
  actor_of(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_milestone_insert(w, actor, p.id, title, due_on, 0, &id, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL) return upg_project_page(r, p.id, "milestone", db_why(r, "Name the milestone (at most 200 characters).", &wb), 400);
  if (rc) return rc;
  return redirect(r, "/projects/%lld#milestones", p.id);
}

/* POST /projects/{id}/milestones/{mid} (form: done 1 | 0) */
int upg_page_milestone_done(req *r) {
  upg_project p;
  long long mid = 0;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (!rc) rc = upg_id_param(r, "mid", &mid);
  if (rc) return rc;
  if (!req_form_ok(r)) return project_unreadable(r, p.id, NULL);
  const char *done = req_form(r, "done");
  if (!done || (strcmp(done, "1") != 0 && strcmp(done, "0") != 0))
    return project_again(r, p.id, NULL, "Say whether the milestone is done.", 400);
  char actor[96];
  actor_of(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  long long on = *done == '1' ? (long long)time(NULL) : 0;
  rc = w ? upg_end(r, w, upg_milestone_done(w, actor, p.id, mid, on, &r->err)) : r->err.rc;
  if (rc) return rc; /* ZD_ENOTFOUND: not a milestone of this project */
  return redirect(r, "/projects/%lld#milestones", p.id);
}

/* POST /projects/{id}/status (form: status, the next one) */
int upg_page_status_post(req *r) {
  why_buf wb;
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_EDIT, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return project_unreadable(r, p.id, "status");
  const char *st = req_form(r, "status");
  int to = st ? upg_status_parse(st) : -1;
  if (to < 0) return project_again(r, p.id, "status", "Unknown status.", 400);
  char actor[96];
  actor_of(r, actor, sizeof actor);
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_status_set(w, actor, p.id, (upg_status)to, &r->err)) : r->err.rc;
  /* upg_status_apply's reasons are catalogue messages */
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT)
    return upg_project_page(r, p.id, "status",
                            db_why(r, "A project moves only forward, one step at a time: planned, under way, completed, in use.", &wb),
                            zd_http_status(rc));
  if (rc) return rc;
  return redirect(r, "/projects/%lld", p.id);
}

/* POST /projects/{id}/photos (multipart: phase, spot, caption, item_id, photo) */
int upg_page_photo_post(req *r) {
  why_buf wb;
  upg_project p;
  int rc = upg_project_scoped(r, "id", PERM_UPGRADE_RECORD, &p);
  if (rc) return rc;
  if (!req_form_ok(r)) return project_unreadable(r, p.id, "photo");
  const char *phase = req_form(r, "phase"), *spot = req_form(r, "spot"), *caption = req_form(r, "caption");
  upg_photo ph;
  memset(&ph, 0, sizeof ph);
  int pp = phase ? upg_phase_parse(phase) : -1, ok;
  ph.item_id = form_id(req_form(r, "item_id"), &ok);
  const char *why = NULL;
  if (pp < 0) why = "Choose before, during or after.";
  else if (!ok) why = "Unknown item.";
  else if (upg_text_problem(spot, 100, 0)) why = "The spot is too long (at most 100 characters).";
  else if (upg_text_problem(caption, 200, 0)) why = "The caption is too long (at most 200 characters).";
  else if (!req_file(r, "photo")) why = "Choose a photo (JPEG, PNG or WebP).";
  if (!why && ph.item_id) {
    upg_project_detail d;
    rc = upg_project_detail_load(req_db(r), p.id, &d, &r->err);
    int known = !rc && item_known(&d, ph.item_id);
    upg_project_detail_free(&d);
    if (rc) return rc;
    if (!known) why = "Unknown item.";
  }
  if (why) return project_again(r, p.id, "photo", why, 400);
  upg_upload up;
  rc = upg_photo_save(r, req_file(r, "photo"), p.org_id, &up, NULL);
  if (rc == ZD_EINVAL || rc == ZD_EMEDIA || rc == ZD_ETOOBIG)
    return upg_project_page(r, p.id, "photo", db_why(r, MSG_NOT_PHOTO, &wb), 400);
  if (rc) return rc;
  ph.phase = (upg_phase)pp;
  snprintf(ph.sha, sizeof ph.sha, "%s", up.sha);
  snprintf(ph.spot, sizeof ph.spot, "%s", spot ? spot : "");
  snprintf(ph.caption, sizeof ph.caption, "%s", caption ? caption : "");
  char actor[96];
  actor_of(r, actor, sizeof actor);
  long long id = 0;
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_photo_insert(w, actor, r->user_id, p.id, &ph, &id, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL) return upg_project_page(r, p.id, "photo", db_why(r, "Choose a photo (JPEG, PNG or WebP).", &wb), 400);
  if (rc) return rc;
  return redirect(r, "/projects/%lld#photos", p.id);
}

/* --- funds --- */

typedef struct village_project {
  long long org_id;
  upg_project p;
  int found;
} village_project;

static void find_project(void *arg, const upg_project *p) {
  village_project *v = arg;
  if (p->org_id == v->org_id) {
    v->p = *p;
    v->found = 1;
  }
}

/* POST /funds/{id}/allocations (form: village, amount in yuan, title) */
int upg_page_allocation_post(req *r) {
  why_buf wb;
  upg_fund f;
  int rc = upg_fund_scoped(r, "id", PERM_UPGRADE_MANAGE, &f);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc == ZD_EINVAL ? upg_fund_page(r, f.id, "allocation", T(r, MSG_FORM), 400) : r->err.rc;
  const char *vc = req_form(r, "village"), *title = req_form(r, "title");
  long long amount = 0;
  org v;
  memset(&v, 0, sizeof v);
  const char *why = NULL;
  zd_error ignore;
  if (!vc || !*vc || org_by_code(req_db(r), vc, &v, &ignore) != ZD_OK || (v.kind != ORG_VILLAGE && v.kind != ORG_COMMUNITY) ||
      v.parent_id != f.org_id)
    why = "Choose a village of this township.";
  else if ((why = yuan(req_form(r, "amount"), 1, &amount))) {}
  else if (upg_text_problem(title, 200, 0)) why = "The title is too long (at most 200 characters).";
  if (why) return upg_fund_page(r, f.id, "allocation", T(r, why), 400);
  /* the fund's rule, as the transaction will apply it */
  village_project vp;
  memset(&vp, 0, sizeof vp);
  vp.org_id = v.id;
  rc = upg_projects_list(req_db(r), f.id, 0, find_project, &vp, &r->err);
  if (rc) return rc;
  rc = upg_allocation_check(f.total, f.allocated - vp.p.allocation, amount, vp.p.approved, vp.p.spent, &why);
  if (rc) return upg_fund_page(r, f.id, "allocation", T(r, why), zd_http_status(rc));
  char actor[96];
  actor_of(r, actor, sizeof actor);
  long long pid = 0;
  int created = 0;
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_allocation_set(w, actor, f.id, &v, title, amount, &pid, &created, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT)
    return upg_fund_page(r, f.id, "allocation", db_why(r, "The allocations would exceed the fund's total.", &wb), zd_http_status(rc));
  if (rc) return rc;
  return redirect(r, "/funds/%lld#projects", f.id);
}

/* POST /t/{code}/funds (form: source, title, total in yuan) */
int upg_page_fund_create(req *r) {
  why_buf wb;
  org t;
  int rc = upg_township(r, req_param(r, "code"), PERM_UPGRADE_MANAGE, &t);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc == ZD_EINVAL ? upg_funds_page(r, &t, T(r, MSG_FORM), 400) : r->err.rc;
  const char *source = req_form(r, "source"), *title = req_form(r, "title");
  upg_fund f;
  memset(&f, 0, sizeof f);
  const char *why = NULL;
  if (upg_text_problem(source, 100, 1)) why = "Name the fund's source (at most 100 characters).";
  else if (upg_text_problem(title, 200, 1)) why = "Give the fund a title (at most 200 characters).";
  else if ((why = yuan(req_form(r, "total"), 1, &f.total))) {}
  else if (upg_fund_total_check(f.total, &why) == ZD_OK) why = NULL;
  if (why) return upg_funds_page(r, &t, T(r, why), 400);
  f.org_id = t.id;
  snprintf(f.source, sizeof f.source, "%s", source);
  snprintf(f.title, sizeof f.title, "%s", title);
  char actor[96];
  actor_of(r, actor, sizeof actor);
  long long id = 0;
  db_conn *w = upg_begin(r);
  rc = w ? upg_end(r, w, upg_fund_insert(w, actor, r->user_id, &f, &id, &r->err)) : r->err.rc;
  if (rc == ZD_EINVAL) return upg_funds_page(r, &t, db_why(r, "The fund's total must be more than zero.", &wb), 400);
  if (rc) return rc;
  return redirect(r, "/funds/%lld", id);
}
