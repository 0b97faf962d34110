/* upgrade_project_db.c — storage of renovation funds, projects (allocations),
** items, spending, over-budget approvals, milestones and photos. The money
** rules (upgrade_rules.c) are applied here, inside the write transaction, so
** that the totals they see are the totals that are stored. Every write audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_store.h"
#include "modules/audit/audit.h"
#include "platform/text.h"

static void cp(char *d, size_t n, const char *s) { snprintf(d, n, "%s", s ? s : ""); }
static long long now_s(void) { return (long long)time(NULL); }

static int audit_obj(db_conn *w, const char *actor, const char *action, const char *kind, long long id,
                     long long org_id, const buf *before, const buf *after, zd_error *e) {
  char obj[64];
  snprintf(obj, sizeof obj, "%s:%lld", kind, id);
  return audit_append(w, actor, action, obj, org_id, before ? buf_str(before) : "", after ? buf_str(after) : "", e);
}

/* --- funds --- */

#define FUND_COLS                                                                                            \
  "f.id, f.org_id, o.code, o.name, f.source, f.title, f.total_fen, f.created_at, "                           \
  "(SELECT COALESCE(SUM(p.allocation_fen), 0) FROM reno_project p WHERE p.fund_id = f.id), "                  \
  "(SELECT COALESCE(SUM(s.amount_fen), 0) FROM reno_spend s JOIN reno_project p ON p.id = s.project_id "    \
  "WHERE p.fund_id = f.id)"

static void fund_row(db_stmt *s, upg_fund *f) {
  memset(f, 0, sizeof *f);
  f->id = db_col_int(s, 0);
  f->org_id = db_col_int(s, 1);
  cp(f->org_code, sizeof f->org_code, db_col_text(s, 2));
  cp(f->org_name, sizeof f->org_name, db_col_text(s, 3));
  cp(f->source, sizeof f->source, db_col_text(s, 4));
  cp(f->title, sizeof f->title, db_col_text(s, 5));
  f->total = db_col_int(s, 6);
  f->created_at = db_col_int(s, 7);
  f->allocated = db_col_int(s, 8);
  f->spent = db_col_int(s, 9);
}

int upg_fund_get(db_conn *c, long long id, upg_fund *f, zd_error *e) {
  db_stmt *s = db_query(c, e, "SELECT " FUND_COLS " FROM reno_fund f JOIN org o ON o.id = f.org_id WHERE f.id = ?", "i", id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) fund_row(s, f);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No fund with this number.");
  return rc < 0 ? rc : ZD_OK;
}

int upg_funds_of(db_conn *c, long long township_id, upg_fund_fn fn, void *arg, zd_error *e) {
  db_stmt *s = db_query(c, e,
                        "SELECT " FUND_COLS " FROM reno_fund f JOIN org o ON o.id = f.org_id WHERE f.org_id = ? "
                        "ORDER BY f.created_at DESC, f.id DESC", "i", township_id);
  if (!s) return e->rc;
  int rc;
  upg_fund f;
  while ((rc = db_step(s, e)) == DB_ROW) {
    fund_row(s, &f);
    fn(arg, &f);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int upg_fund_insert(db_conn *w, const char *actor, long long user_id, const upg_fund *f, long long *id, zd_error *e) {
  const char *why = upg_text_problem(f->source, 100, 1);
  if (why) return zd_fail(e, ZD_EINVAL, "source: %s", why);
  if ((why = upg_text_problem(f->title, 200, 1))) return zd_fail(e, ZD_EINVAL, "title: %s", why);
  if (upg_fund_total_check(f->total, &why)) return zd_fail(e, ZD_EINVAL, "%s", why);
  long long now = f->created_at ? f->created_at : now_s();
  db_stmt *s = db_query(w, e,
                        "INSERT INTO reno_fund(org_id, source, title, total_fen, created_by, created_at) "
                        "VALUES(?, ?, ?, ?, ?, ?) RETURNING id",
                        "issizi", f->org_id, f->source, f->title, f->total, user_id, now);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  buf a = BUF_INIT;
  buf_printf(&a, "{\"source\":\"%j\",\"title\":\"%j\",\"total_fen\":%lld}", f->source, f->title, f->total);
  rc = audit_obj(w, actor, "fund.create", "fund", *id, f->org_id, NULL, &a, e);
  buf_free(&a);
  return rc;
}

/* --- projects --- */

#define PROJECT_COLS                                                                                           \
  "p.id, p.fund_id, p.org_id, o.code, o.name, COALESCE(o.parent_id, 0), p.title, p.allocation_fen, p.status, " \
  "p.created_at, p.updated_at, f.title, f.source, "                                                             \
  "(SELECT COALESCE(SUM(a.amount_fen), 0) FROM reno_approval a WHERE a.project_id = p.id), "                    \
  "(SELECT COALESCE(SUM(s.amount_fen), 0) FROM reno_spend s WHERE s.project_id = p.id), "                       \
  "(SELECT COALESCE(SUM(i.planned_fen), 0) FROM reno_item i WHERE i.project_id = p.id)"
#define PROJECT_FROM " FROM reno_project p JOIN org o ON o.id = p.org_id JOIN reno_fund f ON f.id = p.fund_id "

static void project_row(db_stmt *s, upg_project *p) {
  memset(p, 0, sizeof *p);
  p->id = db_col_int(s, 0);
  p->fund_id = db_col_int(s, 1);
  p->org_id = db_col_int(s, 2);
  cp(p->org_code, sizeof p->org_code, db_col_text(s, 3));
  cp(p->org_name, sizeof p->org_name, db_col_text(s, 4));
  p->township_id = db_col_int(s, 5);
  cp(p->title, sizeof p->title, db_col_text(s, 6));
  p->allocation = db_col_int(s, 7);
  int st = upg_status_parse(db_col_text(s, 8));
  p->status = st < 0 ? UPS_PLANNED : (upg_status)st;
  p->created_at = db_col_int(s, 9);
  p->updated_at = db_col_int(s, 10);
  cp(p->fund_title, sizeof p->fund_title, db_col_text(s, 11));
  cp(p->fund_source, sizeof p->fund_source, db_col_text(s, 12));
  p->approved = db_col_int(s, 13);
  p->spent = db_col_int(s, 14);
  p->planned = db_col_int(s, 15);
}

int upg_project_get(db_conn *c, long long id, upg_project *p, zd_error *e) {
  db_stmt *s = db_query(c, e, "SELECT " PROJECT_COLS PROJECT_FROM "WHERE p.id = ?", "i", id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) project_row(s, p);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No project with this number.");
  return rc < 0 ? rc : ZD_OK;
}

int upg_projects_list(db_conn *c, long long fund_id, long long org_id, upg_project_fn fn, void *arg, zd_error *e) {
  db_stmt *s = db_query(c, e,
                        "SELECT " PROJECT_COLS PROJECT_FROM "WHERE (? = 0 OR p.fund_id = ?) AND (? = 0 OR p.org_id = ?) "
                        "ORDER BY o.sort, o.id, p.id", "iiii", fund_id, fund_id, org_id, org_id);
  if (!s) return e->rc;
  int rc;
  upg_project p;
  while ((rc = db_step(s, e)) == DB_ROW) {
    project_row(s, &p);
    fn(arg, &p);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int upg_allocation_set(db_conn *w, const char *actor, long long fund_id, const org *v, const char *title,
                       long long amount, long long *project_id, int *created, zd_error *e) {
  upg_fund f;
  int rc = upg_fund_get(w, fund_id, &f, e);
  if (rc) return rc;
  if (v->parent_id != f.org_id) return zd_fail(e, ZD_EINVAL, "'%s' is not a village of the fund's township.", v->code);
  const char *why = upg_text_problem(title, 200, 0);
  if (why) return zd_fail(e, ZD_EINVAL, "title: %s", why);
  long long existing = 0;
  rc = db_scalar_int(w, e, &existing, 0, "SELECT id FROM reno_project WHERE fund_id = ? AND org_id = ?", "ii", fund_id, v->id);
  if (rc) return rc;
  upg_project p;
  memset(&p, 0, sizeof p);
  if (existing && (rc = upg_project_get(w, existing, &p, e))) return rc;
  rc = upg_allocation_check(f.total, f.allocated - p.allocation, amount, p.approved, p.spent, &why);
  if (rc) {
    char t[48], o[48], a[48];
    upg_money_format(f.total, t, sizeof t);
    upg_money_format(f.allocated - p.allocation, o, sizeof o);
    upg_money_format(amount, a, sizeof a);
    return zd_fail(e, rc, "%s (fund %s, allocated to other villages %s, asked %s)", why, t, o, a);
  }
  long long now = now_s();
  buf b = BUF_INIT, af = BUF_INIT;
  *created = !existing;
  if (existing) {
    rc = db_run(w, e, "UPDATE reno_project SET allocation_fen = ?, updated_at = ? WHERE id = ?", "iii", amount, now, existing);
    if (rc >= 0 && title && *title) rc = db_run(w, e, "UPDATE reno_project SET title = ? WHERE id = ?", "si", title, existing);
    *project_id = existing;
    buf_printf(&b, "{\"allocation_fen\":%lld}", p.allocation);
  } else {
    char dflt[256];
    snprintf(dflt, sizeof dflt, "%s党群服务中心提档升级", v->name);
    db_stmt *s = db_query(w, e,
                          "INSERT INTO reno_project(fund_id, org_id, title, allocation_fen, status, created_at, updated_at) "
                          "VALUES(?, ?, ?, ?, 'planned', ?, ?) RETURNING id",
                          "iisiii", fund_id, v->id, title && *title ? title : dflt, amount, now, now);
    if (!s) { rc = e->rc; goto out; }
    rc = db_step(s, e);
    if (rc == DB_ROW) *project_id = db_col_int(s, 0);
    db_done(s);
  }
  if (rc < 0) goto out;
  buf_printf(&af, "{\"fund\":%lld,\"village\":\"%j\",\"allocation_fen\":%lld}", fund_id, v->code, amount);
  rc = audit_obj(w, actor, existing ? "project.allocation" : "project.create", "project", *project_id, v->id,
                 existing ? &b : NULL, &af, e);
out:
  buf_free(&b);
  buf_free(&af);
  return rc < 0 ? rc : ZD_OK;
}

/* One more zeroed element at the end of *arr (NULL when out of memory). */
static void *grow(void **arr, size_t *n, size_t size) {
  void *p = realloc(*arr, (*n + 1) * size);
  if (!p) return NULL;
  *arr = p;
  void *slot = (char *)p + *n * size;
  memset(slot, 0, size);
  (*n)++;
  return slot;
}
#define PUSH(arr, n, out)                                          \
  if (!((out) = grow((void **)&(arr), &(n), sizeof *(arr)))) {     \
    rc = zd_fail(e, ZD_EINTERNAL, "out of memory");                \
    break;                                                         \
  }

int upg_project_detail_load(db_conn *c, long long id, upg_project_detail *d, zd_error *e) {
  memset(d, 0, sizeof *d);
  int rc = upg_project_get(c, id, &d->p, e);
  if (rc) return rc;
  db_stmt *s = db_query(c, e,
                        "SELECT i.id, i.title, COALESCE(i.check_item, ''), i.decision, i.planned_fen, i.note, "
                        "(SELECT COALESCE(SUM(s.amount_fen), 0) FROM reno_spend s WHERE s.item_id = i.id) "
                        "FROM reno_item i WHERE i.project_id = ? ORDER BY i.id", "i", id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    upg_item *it;
    PUSH(d->items, d->nitems, it);
    it->id = db_col_int(s, 0);
    cp(it->title, sizeof it->title, db_col_text(s, 1));
    it->check_item = upg_check_parse(db_col_text(s, 2));
    int dc = upg_decision_parse(db_col_text(s, 3));
    it->decision = dc < 0 ? UD_RENOVATE : (upg_decision)dc;
    it->planned = db_col_int(s, 4);
    cp(it->note, sizeof it->note, db_col_text(s, 5));
    it->spent = db_col_int(s, 6);
  }
  db_done(s);
  if (rc < 0) return rc;
  s = db_query(c, e,
               "SELECT s.id, COALESCE(s.item_id, 0), s.amount_fen, s.payee, s.note, s.spent_on, COALESCE(s.receipt_sha, ''), "
               "s.over_allocation, COALESCE(u.login, ''), s.created_at, COALESCE(i.title, '') FROM reno_spend s "
               "LEFT JOIN users u ON u.id = s.recorded_by LEFT JOIN reno_item i ON i.id = s.item_id "
               "WHERE s.project_id = ? ORDER BY s.spent_on, s.id", "i", id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    upg_spend *x;
    PUSH(d->spend, d->nspend, x);
    x->id = db_col_int(s, 0);
    x->item_id = db_col_int(s, 1);
    x->amount = db_col_int(s, 2);
    cp(x->payee, sizeof x->payee, db_col_text(s, 3));
    cp(x->note, sizeof x->note, db_col_text(s, 4));
    x->spent_on = db_col_int(s, 5);
    cp(x->receipt, sizeof x->receipt, db_col_text(s, 6));
    x->over = (int)db_col_int(s, 7);
    cp(x->recorded_by, sizeof x->recorded_by, db_col_text(s, 8));
    x->created_at = db_col_int(s, 9);
    cp(x->item_title, sizeof x->item_title, db_col_text(s, 10));
  }
  db_done(s);
  if (rc < 0) return rc;
  s = db_query(c, e,
               "SELECT a.id, a.amount_fen, a.reason, COALESCE(u.login, ''), a.created_at FROM reno_approval a "
               "LEFT JOIN users u ON u.id = a.approved_by WHERE a.project_id = ? ORDER BY a.id", "i", id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    upg_approval *a;
    PUSH(d->approvals, d->napprovals, a);
    a->id = db_col_int(s, 0);
    a->amount = db_col_int(s, 1);
    cp(a->reason, sizeof a->reason, db_col_text(s, 2));
    cp(a->approver, sizeof a->approver, db_col_text(s, 3));
    a->created_at = db_col_int(s, 4);
  }
  db_done(s);
  if (rc < 0) return rc;
  s = db_query(c, e, "SELECT id, title, due_on, done_on FROM reno_milestone WHERE project_id = ? ORDER BY due_on, id", "i", id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    upg_milestone *m;
    PUSH(d->milestones, d->nmilestones, m);
    m->id = db_col_int(s, 0);
    cp(m->title, sizeof m->title, db_col_text(s, 1));
    m->due_on = db_col_int(s, 2);
    m->done_on = db_col_int(s, 3);
  }
  db_done(s);
  if (rc < 0) return rc;
  s = db_query(c, e,
               "SELECT p.id, COALESCE(p.item_id, 0), p.phase, p.spot, p.sha256, p.caption, p.created_at, "
               "COALESCE(u.taken_at, 0) FROM reno_photo p LEFT JOIN upload u ON u.sha256 = p.sha256 "
               "WHERE p.project_id = ? ORDER BY p.spot, p.id", "i", id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    upg_photo *ph;
    PUSH(d->photos, d->nphotos, ph);
    ph->id = db_col_int(s, 0);
    ph->item_id = db_col_int(s, 1);
    int pp = upg_phase_parse(db_col_text(s, 2));
    ph->phase = pp < 0 ? UPH_DURING : (upg_phase)pp;
    cp(ph->spot, sizeof ph->spot, db_col_text(s, 3));
    cp(ph->sha, sizeof ph->sha, db_col_text(s, 4));
    cp(ph->caption, sizeof ph->caption, db_col_text(s, 5));
    ph->created_at = db_col_int(s, 6);
    ph->taken_at = db_col_int(s, 7);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

void upg_project_detail_free(upg_project_detail *d) {
  free(d->items);
  free(d->spend);
  free(d->approvals);
  free(d->milestones);
  free(d->photos);
  memset(d, 0, sizeof *d);
}

static int item_of_project(db_conn *c, long long project_id, long long item_id, char *title, size_t n, zd_error *e) {
  if (!item_id) return ZD_OK;
  db_stmt *s = db_query(c, e, "SELECT title FROM reno_item WHERE id = ? AND project_id = ?", "ii", item_id, project_id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW && title) cp(title, n, db_col_text(s, 0));
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_EINVAL, "item_id: the project has no item %lld.", item_id);
  return rc < 0 ? rc : ZD_OK;
}

int upg_item_insert(db_conn *w, const char *actor, const upg_project *p, const upg_item *in, long long *id, zd_error *e) {
  const char *why = upg_text_problem(in->title, 200, 1);
  if (why) return zd_fail(e, ZD_EINVAL, "title: %s", why);
  if ((why = upg_text_problem(in->note, 500, 0))) return zd_fail(e, ZD_EINVAL, "note: %s", why);
  if ((unsigned)in->decision >= UD_COUNT) return zd_fail(e, ZD_EINVAL, "The decision must be renovate or reuse.");
  if (in->planned < 0 || in->planned > UPG_MONEY_MAX)
    return zd_fail(e, ZD_EINVAL, "planned_fen must be from 0 to %lld.", UPG_MONEY_MAX);
  const char *ck = in->check_item >= 0 ? upg_check_key((upg_check_item)in->check_item) : NULL;
  db_stmt *s = db_query(w, e,
                        "INSERT INTO reno_item(project_id, title, check_item, decision, planned_fen, note, created_at) "
                        "VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        "isssisi", p->id, in->title, ck, upg_decision_key(in->decision), in->planned, in->note, now_s());
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  buf a = BUF_INIT;
  buf_printf(&a, "{\"project\":%lld,\"title\":\"%j\",\"check_item\":\"%j\",\"decision\":\"%j\",\"planned_fen\":%lld}",
             p->id, in->title, ck ? ck : "", upg_decision_key(in->decision), in->planned);
  rc = audit_obj(w, actor, "project.item", "item", *id, p->org_id, NULL, &a, e);
  buf_free(&a);
  return rc;
}

int upg_spend_insert(db_conn *w, const char *actor, long long user_id, long long project_id, const upg_spend_new *in,
                     long long *id, int *over, zd_error *e) {
  upg_project p;
  int rc = upg_project_get(w, project_id, &p, e);
  if (rc) return rc;
  if (!upg_spend_allowed(p.status))
    return zd_fail(e, ZD_ECONFLICT, "The project is in use: it takes no more spending.");
  const char *why = upg_text_problem(in->payee, 100, 0);
  if (why) return zd_fail(e, ZD_EINVAL, "payee: %s", why);
  if ((why = upg_text_problem(in->note, 500, 0))) return zd_fail(e, ZD_EINVAL, "note: %s", why);
  if ((rc = item_of_project(w, project_id, in->item_id, NULL, 0, e))) return rc;
  if ((rc = upg_upload_ref(w, in->receipt, "receipt_sha256", e))) return rc;
  upg_budget b = {p.allocation, p.approved, p.spent};
  rc = upg_spend_check(&b, in->amount, over, &why);
  if (rc == ZD_EINVAL) return zd_fail(e, rc, "%s", why);
  if (rc) {
    char al[48], ap[48], sp[48], am[48];
    upg_money_format(p.allocation, al, sizeof al);
    upg_money_format(p.approved, ap, sizeof ap);
    upg_money_format(p.spent, sp, sizeof sp);
    upg_money_format(in->amount, am, sizeof am);
    return zd_fail(e, rc, "%s (allocation %s, approved overrun %s, spent %s, this entry %s)", why, al, ap, sp, am);
  }
  long long now = now_s(), on = in->spent_on ? in->spent_on : now;
  db_stmt *s = db_query(w, e,
                        "INSERT INTO reno_spend(project_id, item_id, amount_fen, payee, note, spent_on, receipt_sha, "
                        "over_allocation, recorded_by, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        "izissisdzi", project_id, in->item_id, in->amount, in->payee ? in->payee : "",
                        in->note ? in->note : "", on, in->receipt && *in->receipt ? in->receipt : NULL, *over, user_id, now);
  if (!s) return e->rc;
  rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  buf bb = BUF_INIT, a = BUF_INIT;
  buf_printf(&bb, "{\"spent_fen\":%lld}", p.spent);
  buf_printf(&a, "{\"project\":%lld,\"amount_fen\":%lld,\"item\":%lld,\"payee\":\"%j\",\"receipt\":\"%j\","
                 "\"over_allocation\":%d,\"spent_fen\":%lld}",
             project_id, in->amount, in->item_id, in->payee ? in->payee : "", in->receipt ? in->receipt : "", *over,
             p.spent + in->amount);
  rc = audit_obj(w, actor, "project.spend", "spend", *id, p.org_id, &bb, &a, e);
  buf_free(&bb);
  buf_free(&a);
  return rc;
}

int upg_approval_insert(db_conn *w, const char *actor, long long user_id, long long project_id, long long amount,
                        const char *reason, long long *id, zd_error *e) {
  upg_project p;
  int rc = upg_project_get(w, project_id, &p, e);
  if (rc) return rc;
  const char *why;
  if (upg_approval_check(amount, reason, &why)) return zd_fail(e, ZD_EINVAL, "%s", why);
  long long cap;
  if (upg_money_add(p.allocation, p.approved, &cap) || upg_money_add(cap, amount, &cap))
    return zd_fail(e, ZD_ECONFLICT, "The amounts are out of range.");
  db_stmt *s = db_query(w, e,
                        "INSERT INTO reno_approval(project_id, amount_fen, reason, approved_by, created_at) "
                        "VALUES(?, ?, ?, ?, ?) RETURNING id", "iisii", project_id, amount, reason, user_id, now_s());
  if (!s) return e->rc;
  rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  buf b = BUF_INIT, a = BUF_INIT;
  buf_printf(&b, "{\"approved_fen\":%lld}", p.approved);
  buf_printf(&a, "{\"project\":%lld,\"amount_fen\":%lld,\"reason\":\"%j\",\"approved_by\":\"%j\",\"approved_fen\":%lld}",
             project_id, amount, reason, actor, p.approved + amount);
  rc = audit_obj(w, actor, "project.approval", "approval", *id, p.org_id, &b, &a, e);
  buf_free(&b);
  buf_free(&a);
  return rc;
}

int upg_milestone_insert(db_conn *w, const char *actor, long long project_id, const char *title, long long due_on,
                         long long done_on, long long *id, zd_error *e) {
  upg_project p;
  int rc = upg_project_get(w, project_id, &p, e);
  if (rc) return rc;
  const char *why = upg_text_problem(title, 200, 1);
  if (why) return zd_fail(e, ZD_EINVAL, "title: %s", why);
  if (due_on < 0 || done_on < 0) return zd_fail(e, ZD_EINVAL, "Dates are seconds since 1970, not negative.");
  db_stmt *s = db_query(w, e, "INSERT INTO reno_milestone(project_id, title, due_on, done_on) VALUES(?, ?, ?, ?) RETURNING id",
                        "isii", project_id, title, due_on, done_on);
  if (!s) return e->rc;
  rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  buf a = BUF_INIT;
  buf_printf(&a, "{\"project\":%lld,\"title\":\"%j\",\"due_on\":%lld,\"done_on\":%lld}", project_id, title, due_on, done_on);
  rc = audit_obj(w, actor, "project.milestone", "milestone", *id, p.org_id, NULL, &a, e);
  buf_free(&a);
  return rc;
}

int upg_milestone_done(db_conn *w, const char *actor, long long project_id, long long id, long long done_on,
                       zd_error *e) {
  upg_project p;
  int rc = upg_project_get(w, project_id, &p, e);
  if (rc) return rc;
  long long old = -1;
  rc = db_scalar_int(w, e, &old, -1, "SELECT done_on FROM reno_milestone WHERE id = ? AND project_id = ?", "ii", id, project_id);
  if (rc) return rc;
  if (old < 0) return zd_fail(e, ZD_ENOTFOUND, "The project has no such milestone.");
  if (done_on < 0) return zd_fail(e, ZD_EINVAL, "Dates are seconds since 1970, not negative.");
  rc = db_run(w, e, "UPDATE reno_milestone SET done_on = ? WHERE id = ?", "ii", done_on, id);
  if (rc < 0) return rc;
  buf b = BUF_INIT, a = BUF_INIT;
  buf_printf(&b, "{\"done_on\":%lld}", old);
  buf_printf(&a, "{\"done_on\":%lld}", done_on);
  rc = audit_obj(w, actor, "project.milestone.done", "milestone", id, p.org_id, &b, &a, e);
  buf_free(&b);
  buf_free(&a);
  return rc;
}

int upg_photo_insert(db_conn *w, const char *actor, long long user_id, long long project_id, const upg_photo *in,
                     long long *id, zd_error *e) {
  upg_project p;
  int rc = upg_project_get(w, project_id, &p, e);
  if (rc) return rc;
  if ((unsigned)in->phase >= UPH_COUNT) return zd_fail(e, ZD_EINVAL, "The phase must be before, during or after.");
  if (!in->sha[0]) return zd_fail(e, ZD_EINVAL, "sha256: the photo is required.");
  if ((rc = upg_upload_ref(w, in->sha, "sha256", e))) return rc;
  const char *why = upg_text_problem(in->spot, 100, 0);
  if (why) return zd_fail(e, ZD_EINVAL, "spot: %s", why);
  if ((why = upg_text_problem(in->caption, 200, 0))) return zd_fail(e, ZD_EINVAL, "caption: %s", why);
  char item_title[801] = "";
  if ((rc = item_of_project(w, project_id, in->item_id, item_title, sizeof item_title, e))) return rc;
  const char *spot = in->spot[0] ? in->spot : item_title;
  db_stmt *s = db_query(w, e,
                        "INSERT INTO reno_photo(project_id, item_id, phase, spot, sha256, caption, created_by, created_at) "
                        "VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        "izssssii", project_id, in->item_id, upg_phase_key(in->phase), spot, in->sha, in->caption, user_id,
                        now_s());
  if (!s) return e->rc;
  rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  buf a = BUF_INIT;
  buf_printf(&a, "{\"project\":%lld,\"phase\":\"%j\",\"spot\":\"%j\",\"sha256\":\"%j\"}", project_id,
             upg_phase_key(in->phase), spot, in->sha);
  rc = audit_obj(w, actor, "project.photo", "photo", *id, p.org_id, NULL, &a, e);
  buf_free(&a);
  return rc;
}

/* What the status rules look at: open milestones and photos per phase. */
static int project_facts_load(db_conn *c, long long project_id, upg_project_facts *f, zd_error *e) {
  memset(f, 0, sizeof *f);
  long long open = 0;
  int rc = db_scalar_int(c, e, &open, 0, "SELECT count(*) FROM reno_milestone WHERE project_id = ? AND done_on = 0", "i",
                         project_id);
  if (rc) return rc;
  f->open_milestones = (int)open;
  db_stmt *s = db_query(c, e, "SELECT phase, count(*) FROM reno_photo WHERE project_id = ? GROUP BY phase", "i", project_id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    int ph = upg_phase_parse(db_col_text(s, 0));
    if (ph >= 0) f->photos[ph] = (int)db_col_int(s, 1);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int upg_status_set(db_conn *w, const char *actor, long long project_id, upg_status to, zd_error *e) {
  upg_project p;
  int rc = upg_project_get(w, project_id, &p, e);
  if (rc) return rc;
  upg_project_facts f;
  rc = project_facts_load(w, project_id, &f, e);
  if (rc) return rc;
  const char *why;
  rc = upg_status_apply(p.status, to, &f, &why);
  if (rc) return zd_fail(e, rc, "%s", why);
  rc = db_run(w, e, "UPDATE reno_project SET status = ?, updated_at = ? WHERE id = ?", "sii", upg_status_key(to), now_s(),
              project_id);
  if (rc < 0) return rc;
  buf b = BUF_INIT, a = BUF_INIT;
  buf_printf(&b, "{\"status\":\"%j\"}", upg_status_key(p.status));
  buf_printf(&a, "{\"status\":\"%j\"}", upg_status_key(to));
  rc = audit_obj(w, actor, "project.status", "project", project_id, p.org_id, &b, &a, e);
  buf_free(&b);
  buf_free(&a);
  return rc;
}
