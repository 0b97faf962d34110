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
/* Cases in the user's scope matching f, newest first; *total counts all matches. */
int appeal_list(db_conn *c, long long user_id, const appeal_filter *f, appeal_row_fn fn, void *arg, long long *total,
                zd_error *e);

#endif
