/* upgrade_inspect_db.c — storage of inspection visits and their findings
** (rectification tasks): report, re-inspection, lists; every write audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "upgrade_store.h"
#include "modules/audit/audit.h"
#include "modules/identity/identity.h"
#include "platform/text.h"

static void cp(char *d, size_t n, const char *s) { snprintf(d, n, "%s", s ? s : ""); }
static long long now_s(void) { return (long long)time(NULL); }

int upg_inspection_insert(db_conn *w, const char *actor, long long inspector_id, long long org_id, const char *kind,
                          long long visited_at, const char *summary, long long *id, zd_error *e) {
  const char *why = upg_text_problem(summary, 2000, 0);
  if (why) return zd_fail(e, ZD_EINVAL, "summary: %s", why);
  long long now = now_s();
  if (visited_at <= 0) visited_at = now;
  if (visited_at > now + 86400) return zd_fail(e, ZD_EINVAL, "A visit cannot be recorded before it happens.");
  db_stmt *s = db_query(w, e,
                        "INSERT INTO inspection(org_id, inspector_id, kind, visited_at, summary, created_at) "
                        "VALUES(?, ?, ?, ?, ?, ?) RETURNING id",
                        "iisisi", org_id, inspector_id, kind, visited_at, summary ? summary : "", now);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "inspection:%lld", *id);
  buf a = BUF_INIT;
  buf_printf(&a, "{\"kind\":\"%j\",\"visited_at\":%lld,\"summary\":\"%j\"}", kind, visited_at, summary ? summary : "");
  rc = audit_append(w, actor, "inspection.create", obj, org_id, "", buf_str(&a), e);
  buf_free(&a);
  return rc;
}

int upg_finding_insert(db_conn *w, const char *actor, long long inspection_id, long long org_id,
                       const upg_finding_new *in, long long *id, zd_error *e) {
  const char *why = upg_text_problem(in->body, 2000, 1);
  if (why) return zd_fail(e, ZD_EINVAL, "finding: %s", why);
  int rc = upg_upload_ref(w, in->photo, "photo_sha256", e);
  if (rc) return rc;
  if (in->deadline <= 0) return zd_fail(e, ZD_EINVAL, "A rectification task needs a deadline.");
  const char *ck = in->check_item >= 0 ? upg_check_key((upg_check_item)in->check_item) : NULL;
  db_stmt *s = db_query(w, e,
                        "INSERT INTO finding(inspection_id, org_id, body, check_item, photo_sha, owner_id, deadline, state, "
                        "created_at) VALUES(?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id",
                        "iisssiii", inspection_id, org_id, in->body, ck, in->photo && *in->photo ? in->photo : NULL,
                        in->owner_id, in->deadline, now_s());
  if (!s) return e->rc;
  rc = db_step(s, e);
  if (rc == DB_ROW) *id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "finding:%lld", *id);
  buf a = BUF_INIT;
  buf_printf(&a, "{\"inspection\":%lld,\"body\":\"%j\",\"check_item\":\"%j\",\"photo\":\"%j\",\"owner\":%lld,"
                 "\"deadline\":%lld,\"state\":\"open\"}",
             inspection_id, in->body, ck ? ck : "", in->photo ? in->photo : "", in->owner_id, in->deadline);
  rc = audit_append(w, actor, "finding.create", obj, org_id, "", buf_str(&a), e);
  buf_free(&a);
  return rc;
}

#define FINDING_COLS                                                                                                  \
  "f.id, f.inspection_id, f.org_id, o.code, o.name, f.body, COALESCE(f.check_item, ''), COALESCE(f.photo_sha, ''), "  \
  "f.owner_id, COALESCE(ow.login, ''), COALESCE(ow.display_name, ''), f.deadline, f.state, f.report_note, "            \
  "COALESCE(f.report_photo, ''), f.reported_at, f.reinspections, f.closed_at, f.created_at, COALESCE(iu.login, ''), " \
  "i.visited_at"
#define FINDING_FROM                                                                                                  \
  " FROM finding f JOIN org o ON o.id = f.org_id JOIN inspection i ON i.id = f.inspection_id "                        \
  "LEFT JOIN users ow ON ow.id = f.owner_id LEFT JOIN users iu ON iu.id = i.inspector_id "

static void finding_row(db_stmt *s, upg_finding *f) {
  memset(f, 0, sizeof *f);
  f->id = db_col_int(s, 0);
  f->inspection_id = db_col_int(s, 1);
  f->org_id = db_col_int(s, 2);
  cp(f->org_code, sizeof f->org_code, db_col_text(s, 3));
  cp(f->org_name, sizeof f->org_name, db_col_text(s, 4));
  cp(f->body, sizeof f->body, db_col_text(s, 5));
  f->check_item = upg_check_parse(db_col_text(s, 6));
  cp(f->photo, sizeof f->photo, db_col_text(s, 7));
  f->owner_id = db_col_int(s, 8);
  cp(f->owner, sizeof f->owner, db_col_text(s, 9));
  cp(f->owner_name, sizeof f->owner_name, db_col_text(s, 10));
  f->deadline = db_col_int(s, 11);
  int st = upg_task_parse(db_col_text(s, 12));
  f->state = st < 0 ? UTS_OPEN : (upg_task_state)st;
  cp(f->report_note, sizeof f->report_note, db_col_text(s, 13));
  cp(f->report_photo, sizeof f->report_photo, db_col_text(s, 14));
  f->reported_at = db_col_int(s, 15);
  f->reinspections = (int)db_col_int(s, 16);
  f->closed_at = db_col_int(s, 17);
  f->created_at = db_col_int(s, 18);
  cp(f->inspector, sizeof f->inspector, db_col_text(s, 19));
  f->visited_at = db_col_int(s, 20);
}

int upg_finding_get(db_conn *c, long long id, upg_finding *f, zd_error *e) {
  db_stmt *s = db_query(c, e, "SELECT " FINDING_COLS FINDING_FROM "WHERE f.id = ?", "i", id);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) finding_row(s, f);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No finding with this number.");
  return rc < 0 ? rc : ZD_OK;
}

static void state_json(buf *b, const upg_finding *f) {
  buf_printf(b, "{\"state\":\"%j\",\"deadline\":%lld,\"reinspections\":%d,\"report_note\":\"%j\"}",
             upg_task_key(f->state), f->deadline, f->reinspections, f->report_note);
}

int upg_finding_report(db_conn *w, const char *actor, long long id, const char *note, const char *photo, zd_error *e) {
  upg_finding f;
  int rc = upg_finding_get(w, id, &f, e);
  if (rc) return rc;
  if (!upg_task_can_report(f.state)) return zd_fail(e, ZD_ECONFLICT, "The task is closed already.");
  const char *why = upg_text_problem(note, 2000, 1);
  if (why) return zd_fail(e, ZD_EINVAL, "note: %s", why);
  if ((rc = upg_upload_ref(w, photo, "photo_sha256", e))) return rc;
  long long now = now_s();
  rc = db_run(w, e, "UPDATE finding SET state = 'reported', report_note = ?, report_photo = ?, reported_at = ? WHERE id = ?",
              "ssii", note, photo && *photo ? photo : (f.report_photo[0] ? f.report_photo : NULL), now, id);
  if (rc < 0) return rc;
  upg_finding after = f;
  after.state = UTS_REPORTED;
  cp(after.report_note, sizeof after.report_note, note);
  char obj[48];
  snprintf(obj, sizeof obj, "finding:%lld", id);
  buf b = BUF_INIT, a = BUF_INIT;
  state_json(&b, &f);
  state_json(&a, &after);
  rc = audit_append(w, actor, "finding.report", obj, f.org_id, buf_str(&b), buf_str(&a), e);
  buf_free(&b);
  buf_free(&a);
  return rc;
}

int upg_finding_reinspect(db_conn *w, const char *actor, long long inspector_id, long long id, int fixed,
                          const char *note, const char *photo, long long new_deadline, zd_error *e) {
  upg_finding f;
  int rc = upg_finding_get(w, id, &f, e);
  if (rc) return rc;
  if (!upg_task_can_reinspect(f.state)) return zd_fail(e, ZD_ECONFLICT, "The task is closed already.");
  const char *why = upg_text_problem(note, 2000, 0);
  if (why) return zd_fail(e, ZD_EINVAL, "note: %s", why);
  if ((rc = upg_upload_ref(w, photo, "photo_sha256", e))) return rc;
  long long now = now_s();
  if (!fixed && new_deadline && new_deadline <= now)
    return zd_fail(e, ZD_EINVAL, "The new deadline must be in the future.");
  char summary[2200];
  snprintf(summary, sizeof summary, "%s", note && *note ? note : "");
  long long insp = 0;
  rc = upg_inspection_insert(w, actor, inspector_id, f.org_id, "reinspection", now, summary, &insp, e);
  if (rc) return rc;
  upg_finding after = f;
  after.reinspections = f.reinspections + 1;
  if (fixed) {
    after.state = UTS_CLOSED;
    rc = db_run(w, e, "UPDATE finding SET state = 'closed', closed_by = ?, closed_at = ?, reinspections = ? WHERE id = ?",
                "iidi", insp, now, after.reinspections, id);
  } else {
    after.state = UTS_OPEN;
    if (new_deadline) after.deadline = new_deadline;
    rc = db_run(w, e, "UPDATE finding SET state = 'open', deadline = ?, reinspections = ? WHERE id = ?", "idi",
                after.deadline, after.reinspections, id);
  }
  if (rc < 0) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "finding:%lld", id);
  buf b = BUF_INIT, a = BUF_INIT;
  state_json(&b, &f);
  state_json(&a, &after);
  a.len--; /* the closing brace: add what the re-inspection saw */
  buf_printf(&a, ",\"reinspection\":%lld,\"note\":\"%j\",\"photo\":\"%j\"}", insp, note ? note : "", photo ? photo : "");
  rc = audit_append(w, actor, fixed ? "finding.close" : "finding.reopen", obj, f.org_id, buf_str(&b), buf_str(&a), e);
  buf_free(&b);
  buf_free(&a);
  return rc;
}

int upg_inspections_list(db_conn *c, long long org_id, upg_inspection_fn fn, void *arg, zd_error *e) {
  db_stmt *s = db_query(c, e,
                        "SELECT i.id, i.org_id, i.inspector_id, COALESCE(u.login, ''), i.kind, i.visited_at, i.summary, "
                        "i.created_at FROM inspection i LEFT JOIN users u ON u.id = i.inspector_id WHERE i.org_id = ? "
                        "ORDER BY i.visited_at DESC, i.id DESC", "i", org_id);
  if (!s) return e->rc;
  int rc;
  upg_inspection in;
  while ((rc = db_step(s, e)) == DB_ROW) {
    memset(&in, 0, sizeof in);
    in.id = db_col_int(s, 0);
    in.org_id = db_col_int(s, 1);
    in.inspector_id = db_col_int(s, 2);
    cp(in.inspector, sizeof in.inspector, db_col_text(s, 3));
    cp(in.kind, sizeof in.kind, db_col_text(s, 4));
    in.visited_at = db_col_int(s, 5);
    cp(in.summary, sizeof in.summary, db_col_text(s, 6));
    in.created_at = db_col_int(s, 7);
    fn(arg, &in);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int upg_findings_list(db_conn *c, const upg_finding_filter *f, upg_finding_fn fn, void *arg, zd_error *e) {
  long long now = now_s();
  db_stmt *s = db_query(c, e,
                        "SELECT " FINDING_COLS FINDING_FROM
                        "WHERE (? = 0 OR f.inspection_id = ?) AND (? = 0 OR f.org_id = ?) AND (? = 0 OR o.parent_id = ?) "
                        "AND (? = 0 OR f.state <> 'closed') AND (? = 0 OR (f.state = 'open' AND f.deadline < ?)) "
                        "ORDER BY CASE WHEN f.state = 'closed' THEN 1 ELSE 0 END, f.deadline, f.id",
                        "iiiiiiiii", f->inspection_id, f->inspection_id, f->org_id, f->org_id, f->township_id,
                        f->township_id, (long long)f->open_only, (long long)f->overdue_only, now);
  if (!s) return e->rc;
  int rc;
  upg_finding x;
  while ((rc = db_step(s, e)) == DB_ROW) {
    finding_row(s, &x);
    fn(arg, &x);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int upg_villages_in_scope(db_conn *c, long long user_id, perm p, upg_org_fn fn, void *arg, zd_error *e) {
  const char *k[7];
  int n = 0;
  for (int i = 0; i < ROLE_COUNT && n < 7; i++)
    if (role_grants((role)i, p)) k[n++] = role_key((role)i);
  while (n < 7) k[n++] = "";
  db_stmt *s = db_query(c, e,
                        "SELECT o.id, o.code, o.kind, o.name, o.name_en, COALESCE(o.parent_id, 0) FROM org o "
                        "LEFT JOIN org t ON t.id = o.parent_id WHERE o.kind IN ('village', 'community') AND o.id IN "
                        "(SELECT oc.descendant FROM org_closure oc JOIN user_role ur ON ur.org_id = oc.ancestor "
                        "WHERE ur.user_id = ? AND ur.role IN (?, ?, ?, ?, ?, ?, ?)) "
                        "ORDER BY COALESCE(t.sort, 0), COALESCE(t.id, 0), o.sort, o.id",
                        "isssssss", user_id, k[0], k[1], k[2], k[3], k[4], k[5], k[6]);
  if (!s) return e->rc;
  int rc;
  org o;
  while ((rc = db_step(s, e)) == DB_ROW) {
    memset(&o, 0, sizeof o);
    o.id = db_col_int(s, 0);
    cp(o.code, sizeof o.code, db_col_text(s, 1));
    int kd = org_kind_parse(db_col_text(s, 2));
    o.kind = kd < 0 ? ORG_VILLAGE : (org_kind)kd;
    cp(o.name, sizeof o.name, db_col_text(s, 3));
    cp(o.name_en, sizeof o.name_en, db_col_text(s, 4));
    o.parent_id = db_col_int(s, 5);
    fn(arg, &o);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int upg_last_visit(db_conn *c, long long org_id, long long *at, zd_error *e) {
  return db_scalar_int(c, e, at, 0, "SELECT COALESCE(max(visited_at), 0) FROM inspection WHERE org_id = ?", "i", org_id);
}
