/* appeal_db.c — storage of appeals and their timeline; every change audited. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "appeal.h"
#include "appeal_store.h"
#include "modules/audit/audit.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"
#include "platform/text.h"

#define COLS APPEAL_COLS_FOR_LIST
#define FROM                                                                                                      \
  " FROM appeal a JOIN org o ON o.id = a.org_id LEFT JOIN users eb ON eb.id = a.entered_by "                      \
  "LEFT JOIN users ow ON ow.id = a.owner_id "

/* Copy a column into a fixed field (cut to fit); a list page copies 20 rows of 15 fields. */
static void cp(char *d, size_t n, const char *s) {
  size_t l = s ? strlen(s) : 0;
  if (l >= n) l = n - 1;
  if (l) memcpy(d, s, l);
  d[l] = 0;
}

/* Every field is assigned below, so no memset of the 13 KB struct (a list page
** reads 20 rows; the copies are as long as the text, not the field). */
void appeal_row(db_stmt *s, appeal *a) {
  a->id = db_col_int(s, 0);
  cp(a->number, sizeof a->number, db_col_text(s, 1));
  a->org_id = db_col_int(s, 2);
  cp(a->org_code, sizeof a->org_code, db_col_text(s, 3));
  cp(a->org_name, sizeof a->org_name, db_col_text(s, 4));
  int k = appeal_kind_parse(db_col_text(s, 5));
  a->kind = k < 0 ? AK_VILLAGE : (appeal_kind)k;
  int c = appeal_channel_parse(db_col_text(s, 6));
  a->channel = c < 0 ? AC_ONLINE : (appeal_channel)c;
  cp(a->entered_by, sizeof a->entered_by, db_col_text(s, 7));
  cp(a->content, sizeof a->content, db_col_text(s, 8));
  cp(a->place, sizeof a->place, db_col_text(s, 9));
  cp(a->raiser_name, sizeof a->raiser_name, db_col_text(s, 10));
  cp(a->raiser_phone, sizeof a->raiser_phone, db_col_text(s, 11));
  cp(a->photo, sizeof a->photo, db_col_text(s, 12));
  int st = appeal_state_parse(db_col_text(s, 13));
  a->fsm.state = st < 0 ? AS_RECEIVED : (appeal_state)st;
  int m = appeal_mode_parse(db_col_text(s, 14));
  a->has_mode = m >= 0;
  a->mode = m < 0 ? AM_CADRE_LED : (appeal_mode)m;
  a->owner_id = db_col_int(s, 15);
  cp(a->owner_login, sizeof a->owner_login, db_col_text(s, 16));
  a->deadline = db_col_int(s, 17);
  a->fsm.escalation = (int)db_col_int(s, 18);
  cp(a->escalated_to, sizeof a->escalated_to, db_col_text(s, 19));
  a->fsm.reopens = (int)db_col_int(s, 20);
  int rt = appeal_rating_parse(db_col_text(s, 21));
  a->fsm.rating = rt < 0 ? AR_NONE : (appeal_rating)rt;
  cp(a->answer, sizeof a->answer, db_col_text(s, 22));
  a->created_at = db_col_int(s, 23);
  a->updated_at = db_col_int(s, 24);
  a->closed_at = db_col_int(s, 25);
}

/* The work-list page's columns (appeal_filter.brief): one join fewer and 19
** columns fewer a row; each column read costs SQLite a few hundred
** instructions a row (bench: a cadre's 20 rows 300 k -> 120 k instructions). */
#define COLS_BRIEF "a.number, o.name, a.kind, a.content, a.state, COALESCE(ow.login, ''), a.deadline"
#define FROM_BRIEF " FROM appeal a JOIN org o ON o.id = a.org_id LEFT JOIN users ow ON ow.id = a.owner_id "

static void appeal_row_brief(db_stmt *s, appeal *a) {
  cp(a->number, sizeof a->number, db_col_text(s, 0));
  cp(a->org_name, sizeof a->org_name, db_col_text(s, 1));
  int k = appeal_kind_parse(db_col_text(s, 2));
  a->kind = k < 0 ? AK_VILLAGE : (appeal_kind)k;
  cp(a->content, sizeof a->content, db_col_text(s, 3));
  int st = appeal_state_parse(db_col_text(s, 4));
  a->fsm.state = st < 0 ? AS_RECEIVED : (appeal_state)st;
  cp(a->owner_login, sizeof a->owner_login, db_col_text(s, 5));
  a->deadline = db_col_int(s, 6);
  /* not read: 0 or "" */
  a->id = a->org_id = a->owner_id = a->created_at = a->updated_at = a->closed_at = 0;
  a->channel = AC_ONLINE;
  a->mode = AM_CADRE_LED;
  a->has_mode = 0;
  a->fsm.escalation = a->fsm.reopens = 0;
  a->fsm.rating = AR_NONE;
  a->org_code[0] = a->place[0] = a->raiser_name[0] = a->raiser_phone[0] = a->answer[0] = 0;
  a->escalated_to[0] = a->entered_by[0] = a->photo[0] = 0;
}

int appeal_get(db_conn *c, const char *number, appeal *a, zd_error *e) {
  if (!number || strlen(number) > 20) return zd_fail(e, ZD_ENOTFOUND, "No case with this number.");
  db_stmt *s = db_query(c, e, "SELECT " COLS FROM "WHERE a.number = ?", "s", number);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  if (rc == DB_ROW) appeal_row(s, a);
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No case with this number.");
  return rc < 0 ? rc : ZD_OK;
}

/* The raiser's lookup: the case by its number AND the hash of its code, with
** only what the raiser sees, then its public timeline. (Public tracking is the
** busiest request: appeal_code_ok, appeal_get and appeal_events read 26 columns
** over three joins in three statements. One statement with the timeline LEFT
** JOINed cost more: SQLite recomputes every result column on every row.) */
int appeal_public_find(db_conn *c, const char *number, const char *code, appeal_public_fn fn, appeal_event_fn ev,
                       void *arg, zd_error *e) {
  char norm[9], h[65];
  if (!number || !code || !appeal_code_normalise(code, norm)) return zd_fail(e, ZD_ENOTFOUND, "No case matches this number and code.");
  ident_token_hash(norm, h);
  db_stmt *s = db_query(c, e,
                        "SELECT a.id, a.number, o.code, a.kind, a.state, a.rating, a.answer, a.created_at, a.updated_at "
                        "FROM appeal a JOIN org o ON o.id = a.org_id WHERE a.number = ? AND a.code_hash = ?",
                        "ss", number, h);
  if (!s) return e->rc;
  int rc = db_step(s, e);
  long long id = 0;
  if (rc == DB_ROW) {
    appeal_public p;
    int k = appeal_kind_parse(db_col_text(s, 3)), st = appeal_state_parse(db_col_text(s, 4)),
        rt = appeal_rating_parse(db_col_text(s, 5));
    p.id = id = db_col_int(s, 0);
    p.number = db_col_text(s, 1);
    p.org_code = db_col_text(s, 2);
    p.kind = k < 0 ? AK_VILLAGE : (appeal_kind)k; /* the fallbacks of appeal_row */
    p.state = st < 0 ? AS_RECEIVED : (appeal_state)st;
    p.rating = rt < 0 ? AR_NONE : (appeal_rating)rt;
    p.answer = db_col_text(s, 6);
    p.created_at = db_col_int(s, 7);
    p.updated_at = db_col_int(s, 8);
    fn(arg, &p);
  }
  db_done(s);
  if (rc == DB_DONE) return zd_fail(e, ZD_ENOTFOUND, "No case matches this number and code.");
  if (rc < 0) return rc;
  s = db_query(c, e, "SELECT at, action, from_state, to_state FROM appeal_event WHERE appeal_id = ? AND is_public <> 0 ORDER BY id",
               "i", id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW)
    ev(arg, db_col_int(s, 0), "", db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3), "", 1);
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int appeal_code_ok(db_conn *c, const char *number, const char *code) {
  char norm[9], h[65];
  if (!appeal_code_normalise(code, norm)) return 0;
  ident_token_hash(norm, h);
  long long n = 0;
  zd_error e;
  return db_scalar_int(c, &e, &n, 0, "SELECT count(*) FROM appeal WHERE number = ? AND code_hash = ?", "ss", number, h) ==
             ZD_OK && n == 1;
}

static int event(db_conn *w, long long id, long long at, const char *actor, const char *action, appeal_state from,
                 appeal_state to, const char *note, int is_public, zd_error *e) {
  int rc = db_run(w, e,
                  "INSERT INTO appeal_event(appeal_id, at, actor, action, from_state, to_state, note, is_public) "
                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                  "iisssssd", id, at, actor, action, appeal_state_key(from), appeal_state_key(to),
                  note ? note : "", is_public);
  return rc < 0 ? rc : ZD_OK;
}

/* Is there a case numbered DAY-nnnn? */
static int number_taken(db_conn *w, const char *day, long long seq, int *taken, zd_error *e) {
  char num[40];
  long long n = 0;
  snprintf(num, sizeof num, "%.6s-%04lld", day, seq);
  int rc = db_scalar_int(w, e, &n, 0, "SELECT count(*) FROM appeal WHERE number = ?", "s", num);
  *taken = n > 0;
  return rc;
}

/* The last sequence number handed out, packed as day * 2^20 + sequence; a hint
** only (per process), always checked against the database below. */
static _Atomic long long day_hint;

/* How many cases the day (YYMMDD) already has. Cases are never deleted and
** are numbered DAY-0001, DAY-0002, … in order, so that is the highest sequence.
** When the hint says n and DAY-n exists and DAY-(n+1) does not, it is n (two
** index lookups); otherwise the cases are counted over the day's range of the
** unique index. (Counting every time made each intake O(cases that day), and
** the LIKE it replaced, O(all cases): bench, 66 % of an intake's time.) */
static int day_count(db_conn *w, const char *day, long long *out, zd_error *e) {
  long long d = atoll(day), h = atomic_load(&day_hint), n = h & 0xFFFFF;
  int taken = 0, next = 1, rc = ZD_OK;
  if (h >> 20 == d && n > 0) {
    rc = number_taken(w, day, n, &taken, e);
    if (!rc && taken) rc = number_taken(w, day, n + 1, &next, e);
    if (rc) return rc;
  }
  if (!taken || next) {
    char lo[24], hi[24];
    snprintf(lo, sizeof lo, "%.6s-0000", day);
    snprintf(hi, sizeof hi, "%.6s-999999", day); /* every number of the day sorts at or below it */
    rc = db_scalar_int(w, e, &n, 0, "SELECT count(*) FROM appeal WHERE number >= ? AND number <= ?", "ss", lo, hi);
    if (rc) return rc;
  }
  *out = n;
  atomic_store(&day_hint, d << 20 | (n + 1)); /* the number about to be used */
  return ZD_OK;
}

int appeal_check_new(db_conn *c, long long entered_by, const appeal_new *in, appeal_ready *out, zd_error *e) {
  org v;
  int rc = org_by_code(c, in->village, &v, e);
  if (rc == ZD_OK && v.kind != ORG_VILLAGE && v.kind != ORG_COMMUNITY) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) return zd_fail(e, ZD_EINVAL, "No village with the code '%s'.", in->village ? in->village : "");
  if (rc) return rc;
  int kind = appeal_kind_parse(in->kind);
  if (kind < 0) return zd_fail(e, ZD_EINVAL, "The kind must be village, neighbour or family.");
  int channel = appeal_channel_parse(in->channel ? in->channel : "online");
  if (channel < 0) return zd_fail(e, ZD_EINVAL, "The channel must be online, room, day, visit, phone or wechat.");
  if (entered_by == 0 && channel != AC_ONLINE) return zd_fail(e, ZD_EINVAL, "Only a cadre enters offline matters.");
  const char *why = appeal_content_problem(in->content);
  if (why) return zd_fail(e, ZD_EINVAL, "%s", why);
  const char *fields[] = {in->place, in->name, in->phone};
  const size_t limits[] = {200, 50, 20};
  const char *names[] = {"place", "name", "phone"};
  for (int i = 0; i < 3; i++) {
    if (!fields[i]) continue;
    if (!utf8_valid(fields[i], strlen(fields[i])) || utf8_len(fields[i]) > limits[i])
      return zd_fail(e, ZD_EINVAL, "The %s is too long (at most %zu characters) or not valid text.", names[i], limits[i]);
  }
  if (in->phone && *in->phone) {
    for (const char *p = in->phone; *p; p++)
      if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == ' '))
        return zd_fail(e, ZD_EINVAL, "The phone number may hold only digits, spaces, '+' and '-'.");
  }
  out->org_id = v.id;
  out->kind = kind;
  out->channel = channel;
  char norm[9];
  appeal_new_code(out->code);
  appeal_code_normalise(out->code, norm);
  ident_token_hash(norm, out->code_hash);
  return ZD_OK;
}

int appeal_create(db_conn *w, const char *actor, long long entered_by, const appeal_new *in, char *number, char *code,
                  zd_error *e) {
  appeal_ready p;
  int rc = appeal_check_new(w, entered_by, in, &p, e);
  if (rc) return rc;
  memcpy(code, p.code, sizeof p.code);
  return appeal_insert_ready(w, actor, entered_by, in, &p, number, e);
}

int appeal_insert_ready(db_conn *w, const char *actor, long long entered_by, const appeal_new *in,
                        const appeal_ready *p, char *number, zd_error *e) {
  int rc, kind = p->kind, channel = p->channel;
  long long now = in->at ? in->at : (long long)time(NULL);
  time_t t = (time_t)now;
  struct tm tm;
  localtime_r(&t, &tm);
  char day[8];
  strftime(day, sizeof day, "%y%m%d", &tm);
  long long today = 0;
  rc = day_count(w, day, &today, e);
  if (rc) return rc;
  if (today >= 999999) return zd_fail(e, ZD_EUNAVAIL, "Too many cases today.");
  snprintf(number, 24, "%.6s-%04d", day, (int)(today + 1));
  appeal_state st = entered_by ? AS_REGISTERED : AS_RECEIVED;
  db_stmt *s = db_query(w, e,
                        "INSERT INTO appeal(number, code_hash, org_id, kind, channel, entered_by, content, place, "
                        "raiser_name, raiser_phone, photo, state, created_at, updated_at) "
                        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        "ssisszssssssii", number, p->code_hash, p->org_id, appeal_kind_key((appeal_kind)kind),
                        appeal_channel_key((appeal_channel)channel), entered_by, in->content, in->place ? in->place : "",
                        in->name ? in->name : "", in->phone ? in->phone : "", in->photo ? in->photo : "",
                        appeal_state_key(st), now, now);
  if (!s) return e->rc;
  long long id = 0;
  rc = db_step(s, e);
  if (rc == DB_ROW) id = db_col_int(s, 0);
  db_done(s);
  if (rc < 0) return rc;
  rc = event(w, id, now, actor, entered_by ? "register" : "receive", AS_RECEIVED, st, "", 1, e);
  if (rc) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "appeal:%s", number);
  buf after = BUF_INIT;
  /* the audit keeps the fact and the classification; contact details stay in the case row */
  buf_printf(&after, "{\"kind\":\"%j\",\"channel\":\"%j\",\"state\":\"%j\"}", appeal_kind_key((appeal_kind)kind),
             appeal_channel_key((appeal_channel)channel), appeal_state_key(st));
  rc = audit_append(w, actor, "appeal.create", obj, p->org_id, "", buf_str(&after), e);
  buf_free(&after);
  return rc;
}

int appeal_transition(db_conn *w, const char *actor, const char *number, const appeal_change *ch, appeal *out,
                      char *allowed, size_t allowed_len, zd_error *e) {
  appeal a;
  int rc = appeal_get(w, number, &a, e);
  if (rc) return rc;
  appeal_step st = ch->step;
  long long owner = 0;
  if (st.action == AA_ASSIGN && ch->owner && *ch->owner) {
    user u;
    zd_error ue;
    if (ident_user_by_login(w, ch->owner, &u, NULL, 0, &ue) != ZD_OK ||
        !ident_scope_allows(w, u.id, PERM_APPEAL_HANDLE, a.org_id))
      return zd_fail(e, ZD_EINVAL, "'%s' is not a cadre who may handle this village's matters.", ch->owner);
    owner = u.id;
    st.has_owner = 1;
  }
  const char *text = ch->text && *ch->text ? ch->text : NULL;
  if (text && (!utf8_valid(text, strlen(text)) || utf8_len(text) > 2000))
    return zd_fail(e, ZD_EINVAL, "The text is longer than 2000 characters or not valid UTF-8.");
  st.has_text = text != NULL;
  appeal_fsm next;
  const char *why = NULL;
  rc = appeal_apply(&a.fsm, &st, &next, &why);
  if (rc) {
    if (allowed) appeal_cadre_actions(&a.fsm, allowed, allowed_len);
    return zd_fail(e, rc, "%s", why);
  }
  long long now = ch->at ? ch->at : (long long)time(NULL);
  long long deadline = a.deadline, closed = a.closed_at;
  const char *mode = a.has_mode ? appeal_mode_key(a.mode) : NULL;
  const char *answer = a.answer, *escalated_to = a.escalated_to;
  if (st.action == AA_ASSIGN) {
    mode = appeal_mode_key(st.mode);
    deadline = now + (long long)appeal_mode_days(st.mode) * 86400;
  } else {
    owner = a.owner_id;
  }
  if (st.action == AA_ANSWER) answer = text;
  if (next.state == AS_ESCALATED && st.action == AA_ESCALATE) escalated_to = text;
  if (next.state == AS_ESCALATED && st.action == AA_RATE) escalated_to = ""; /* the level says where; no unit named yet */
  if (next.state == AS_CLOSED) closed = now;
  rc = db_run(w, e,
              "UPDATE appeal SET state = ?, mode = ?, owner_id = ?, deadline = ?, escalation = ?, escalated_to = ?, "
              "reopens = ?, rating = ?, answer = ?, updated_at = ?, closed_at = ? WHERE id = ?",
              "sszidsdssiii", appeal_state_key(next.state), mode, owner, deadline, next.escalation, escalated_to,
              next.reopens, appeal_rating_key(next.rating), answer, now, closed, a.id);
  if (rc < 0) return rc;
  int is_public = st.action == AA_ANSWER || st.action == AA_RATE || st.action == AA_CLOSE || st.action == AA_REGISTER ||
                  st.action == AA_ASSIGN || st.action == AA_START || st.action == AA_ESCALATE;
  const char *note = st.action == AA_RATE ? appeal_rating_key(next.rating) : text;
  rc = event(w, a.id, now, actor, appeal_action_key(st.action), a.fsm.state, next.state, note, is_public, e);
  if (rc) return rc;
  char obj[48];
  snprintf(obj, sizeof obj, "appeal:%s", a.number);
  buf before = BUF_INIT, after = BUF_INIT;
  buf_printf(&before, "{\"state\":\"%j\",\"escalation\":%d,\"reopens\":%d}", appeal_state_key(a.fsm.state),
             a.fsm.escalation, a.fsm.reopens);
  buf_printf(&after, "{\"state\":\"%j\",\"escalation\":%d,\"reopens\":%d,\"action\":\"%j\",\"mode\":\"%j\",\"owner\":%lld}",
             appeal_state_key(next.state), next.escalation, next.reopens, appeal_action_key(st.action),
             mode ? mode : "", owner);
  char action[40];
  snprintf(action, sizeof action, "appeal.%s", appeal_action_key(st.action));
  rc = audit_append(w, actor, action, obj, a.org_id, buf_str(&before), buf_str(&after), e);
  buf_free(&before);
  buf_free(&after);
  if (rc) return rc;
  if (out) rc = appeal_get(w, number, out, e);
  return rc;
}

int appeal_events(db_conn *c, long long id, int public_only, appeal_event_fn fn, void *arg, zd_error *e) {
  db_stmt *s = db_query(c, e,
                        "SELECT at, actor, action, from_state, to_state, note, is_public FROM appeal_event "
                        "WHERE appeal_id = ? ORDER BY id", "i", id);
  if (!s) return e->rc;
  int rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    int pub = (int)db_col_int(s, 6);
    if (public_only && !pub) continue;
    fn(arg, db_col_int(s, 0), db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3), db_col_text(s, 4),
       db_col_text(s, 5), pub);
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

/* Bind the collected arguments of appeal_list (text, or an integer when text is NULL). */
typedef struct list_arg { const char *s; long long i; } list_arg;

static db_stmt *list_query(db_conn *c, zd_error *e, const char *sql, const list_arg *a, int n) {
  db_stmt *s = db_prepare(c, sql, e);
  for (int i = 0; s && i < n; i++) {
    if (a[i].s ? db_bind_text(s, i + 1, a[i].s) : db_bind_int(s, i + 1, a[i].i)) {
      db_done(s);
      zd_fail(e, ZD_EDB, "cannot bind parameter %d", i + 1);
      return NULL;
    }
  }
  return s;
}

/* The nodes of the user's scope that hold cases, up to two: *n is 0, 1 (then
** *org is it) or 2 (two or more, or more than one node where a role grants
** viewing: the caller then scopes in SQL). Cases belong to villages, so a
** village cadre's scope (the village, its Party branch) holds cases at one
** node. Two small lookups: an IN list of bound role keys made SQLite build a
** table for it on every run (bench: 88 k instructions). */
static int scope_case_orgs(db_conn *c, long long user_id, long long *org, int *n, zd_error *e) {
  long long at = 0;
  int nodes = 0, rc;
  *n = 0;
  db_stmt *s = db_query(c, e, "SELECT role, org_id FROM user_role WHERE user_id = ?", "i", user_id);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW) {
    int rl = role_parse(db_col_text(s, 0));
    long long o = db_col_int(s, 1);
    if (rl < 0 || !role_grants((role)rl, PERM_APPEAL_VIEW) || (nodes && o == at)) continue;
    at = o;
    nodes++;
  }
  db_done(s);
  if (rc < 0) return rc;
  if (nodes != 1) { *n = nodes ? 2 : 0; return ZD_OK; }
  s = db_query(c, e,
               "SELECT oc.descendant FROM org_closure oc WHERE oc.ancestor = ? "
               "AND EXISTS (SELECT 1 FROM appeal x WHERE x.org_id = oc.descendant) LIMIT 2",
               "i", at);
  if (!s) return e->rc;
  while ((rc = db_step(s, e)) == DB_ROW)
    if ((*n)++ == 0) *org = db_col_int(s, 0);
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int appeal_list(db_conn *c, long long user_id, const appeal_filter *f, appeal_row_fn fn, void *arg, long long *total,
                zd_error *e) {
  /* Only the filters given go into the query. The count then reads an index
  ** alone, and the page is chosen by id before its 20 rows are read: a
  ** county's list no longer reads and sorts every case in scope (bench: 87 ms
  ** -> a few ms for 30,000 cases). When the scope holds cases at one village
  ** (a cadre), scope is that village's id: no subquery tables, and the page
  ** comes in order from the (org_id, created_at, id) index, without a sort. */
  list_arg a[24];
  int n = 0;
  a[n++] = (list_arg){NULL, user_id};
  int roles = 0;
  for (int i = 0; i < ROLE_COUNT && roles < 7; i++)
    if (role_grants((role)i, PERM_APPEAL_VIEW)) { a[n++] = (list_arg){role_key((role)i), 0}; roles++; }
  while (roles++ < 7) a[n++] = (list_arg){"", 0};
  *total = 0;
  long long org = 0;
  int orgs = 0;
  int rc = scope_case_orgs(c, user_id, &org, &orgs, e);
  if (rc) return rc;
  if (orgs == 0) return ZD_OK; /* nothing in scope */
  buf where = BUF_INIT, pat = BUF_INIT;
  if (orgs == 1) {
    n = 0;
    a[n++] = (list_arg){NULL, org};
    buf_puts(&where, " WHERE a.org_id = ?");
  } else {
    /* scope in the query: only villages under a node where the user may view appeals */
    buf_puts(&where,
             " WHERE a.org_id IN (SELECT oc.descendant FROM org_closure oc JOIN user_role ur ON ur.org_id = oc.ancestor "
             "WHERE ur.user_id = ? AND ur.role IN (?, ?, ?, ?, ?, ?, ?))");
  }
  if (f->village && *f->village) {
    buf_puts(&where, " AND a.org_id = (SELECT id FROM org WHERE code = ?)");
    a[n++] = (list_arg){f->village, 0};
  }
  if (f->state && *f->state) { buf_puts(&where, " AND a.state = ?"); a[n++] = (list_arg){f->state, 0}; }
  if (f->kind && *f->kind) { buf_puts(&where, " AND a.kind = ?"); a[n++] = (list_arg){f->kind, 0}; }
  if (f->mode && *f->mode) { buf_puts(&where, " AND a.mode = ?"); a[n++] = (list_arg){f->mode, 0}; }
  if (f->owner && *f->owner) {
    buf_puts(&where, " AND a.owner_id = (SELECT id FROM users WHERE login = ?)");
    a[n++] = (list_arg){f->owner, 0};
  }
  if (f->overdue) {
    buf_puts(&where, " AND a.deadline > 0 AND a.deadline < ? AND a.state NOT IN ('resolved','answered','rated','closed')");
    a[n++] = (list_arg){NULL, (long long)time(NULL)};
  }
  if (f->open_only) buf_puts(&where, " AND a.state <> 'closed'");
  if (f->q && *f->q) {
    appeal_like_pattern(f->q, &pat);
    buf_puts(&where, " AND (a.content LIKE ? ESCAPE '\\' OR a.place LIKE ? ESCAPE '\\' OR a.number = ?)");
    a[n++] = (list_arg){buf_str(&pat), 0};
    a[n++] = (list_arg){buf_str(&pat), 0};
    a[n++] = (list_arg){f->q, 0};
  }
  char count_sql[2048], list_sql[3072];
  const char *cols = f->brief ? COLS_BRIEF FROM_BRIEF : COLS FROM;
  snprintf(count_sql, sizeof count_sql, "SELECT count(*) FROM appeal a%s", buf_str(&where));
  if (orgs == 1)
    snprintf(list_sql, sizeof list_sql, "SELECT %s%s ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?", cols,
             buf_str(&where) + 1);
  else
    snprintf(list_sql, sizeof list_sql,
             "SELECT %sWHERE a.id IN (SELECT a.id FROM appeal a%s ORDER BY a.created_at DESC, a.id DESC "
             "LIMIT ? OFFSET ?) ORDER BY a.created_at DESC, a.id DESC",
             cols, buf_str(&where));
  buf_free(&where);
  /* the page first: when it is the last one (fewer rows than asked, at least
  ** one), the count is the rows before it plus its own, and is not read */
  int args = n, rows = 0;
  a[n++] = (list_arg){NULL, f->limit};
  a[n++] = (list_arg){NULL, f->offset};
  db_stmt *s = list_query(c, e, list_sql, a, n);
  if (!s) { buf_free(&pat); return e->rc; }
  appeal row;
  while ((rc = db_step(s, e)) == DB_ROW) {
    if (f->brief) appeal_row_brief(s, &row);
    else appeal_row(s, &row);
    fn(arg, &row);
    rows++;
  }
  db_done(s);
  if (rc < 0) { buf_free(&pat); return rc; }
  if (rows > 0 && rows < f->limit) {
    *total = (long long)f->offset + rows;
    buf_free(&pat);
    return ZD_OK;
  }
  s = list_query(c, e, count_sql, a, args);
  buf_free(&pat);
  if (!s) return e->rc;
  rc = db_step(s, e);
  if (rc == DB_ROW) *total = db_col_int(s, 0);
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}
