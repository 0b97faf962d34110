/* appeal_store.h — module-internal storage API of appeals (appeal_db.c). */
#ifndef ZD_APPEAL_STORE_H
#define ZD_APPEAL_STORE_H
#include "appeal.h"

typedef struct appeal_change {
  appeal_step step;
  const char *owner;   /* assign: login of the owning cadre */
  const char *text;    /* escalate: unit; resolve: how; answer: public answer; note: internal note */
  long long at;        /* when it happened; 0 = now */
} appeal_change;

typedef struct appeal_filter {
  const char *village, *state, *kind, *mode, *owner, *q;
  int overdue, open_only;
  int limit, offset;
  int brief; /* rows for the work-list page: see appeal_list */
} appeal_filter;

typedef void (*appeal_row_fn)(void *arg, const appeal *a);
typedef void (*appeal_event_fn)(void *arg, long long at, const char *actor, const char *action, const char *from,
                                const char *to, const char *note, int is_public);

/* The columns appeal_row() reads, over appeal a JOIN org o LEFT JOIN users eb (entered_by) / ow (owner). */
#define APPEAL_COLS_FOR_LIST                                                                                   \
  "a.id, a.number, a.org_id, o.code, o.name, a.kind, a.channel, COALESCE(eb.login, ''), a.content, a.place, "    \
  "a.raiser_name, a.raiser_phone, a.photo, a.state, COALESCE(a.mode, ''), COALESCE(a.owner_id, 0), "             \
  "COALESCE(ow.login, ''), a.deadline, a.escalation, a.escalated_to, a.reopens, a.rating, a.answer, "             \
  "a.created_at, a.updated_at, a.closed_at"
void appeal_row(db_stmt *s, appeal *a);
/* Apply one transition inside the caller's write transaction. On ZD_ECONFLICT
** `allowed` lists the actions allowed now. */
int appeal_transition(db_conn *w, const char *actor, const char *number, const appeal_change *ch, appeal *out,
                      char *allowed, size_t allowed_len, zd_error *e);
int appeal_events(db_conn *c, long long id, int public_only, appeal_event_fn fn, void *arg, zd_error *e);

/* What the raiser sees of a case. The strings point into the row and are valid
** only during the callback. */
typedef struct appeal_public {
  long long id, created_at, updated_at;
  const char *number, *org_code, *answer;
  appeal_kind kind;
  appeal_state state;
  appeal_rating rating;
} appeal_public;
typedef void (*appeal_public_fn)(void *arg, const appeal_public *p);
/* The case with this number whose tracking code is code (as typed: case, spaces
** and dash are normalised): calls fn once, then ev for each entry of the public
** timeline (what and when: actor and note are passed as ""), in order, and
** returns ZD_OK; or ZD_ENOTFOUND. */
int appeal_public_find(db_conn *c, const char *number, const char *code, appeal_public_fn fn, appeal_event_fn ev,
                       void *arg, zd_error *e);
/* Cases in the user's scope matching f, newest first; *total counts all matches.
** With f->brief the rows hold only what the work-list page shows: number,
** org_name, kind, content, fsm.state, owner_login and deadline; every other
** field is 0 or "". */
int appeal_list(db_conn *c, long long user_id, const appeal_filter *f, appeal_row_fn fn, void *arg, long long *total,
                zd_error *e);

#endif
