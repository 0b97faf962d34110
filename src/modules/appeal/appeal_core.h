/* appeal_core.h — module-internal helpers shared by API, pages and Open311. */
#ifndef ZD_APPEAL_CORE_H
#define ZD_APPEAL_CORE_H
#include "appeal.h"
#include "appeal_store.h"
#include "modules/org/org.h"
#include "platform/resp.h"
#include "platform/text.h"
#include "modules/identity/identity.h"

void appeal_actor(req *r, char *out, size_t n);
/* Create a case: public (rate-limited per address) or offline by a cadre in scope. */
int appeal_submit(req *r, const appeal_new *in, int offline, char *number, char *code);
/* The same, through the group commit (platform/group.h): the handler returns
** what this returns. It takes j (which holds in's strings) and frees it; after
** the COMMIT, reply(r, number, code) writes the answer. */
int appeal_submit_grouped(req *r, json_t *j, const appeal_new *in, int offline,
                          int (*reply)(req *r, const char *number, const char *code));
/* The case if the caller's scope for p covers its village; else 404. */
int appeal_scoped(req *r, const char *number, perm p, appeal *a);
/* One transition in its own write transaction. */
int appeal_do(req *r, const char *number, const appeal_change *ch, appeal *out, char *allowed, size_t allowed_len);
/* Wrong number/code pairs allowed per address and hour before 429. */
#define APPEAL_LOOKUP_FAILS_PER_HOUR 60
/* Public tracking's limit on wrong number/code pairs per address: takes a unit
** (429 when none is left) and fills the key to give it back with on a right pair. */
int appeal_track_take(req *r, char *key, size_t n, long long *now);
/* The raiser's lookup by number + code (wrong pairs rate-limited, 404). */
int appeal_public_lookup(req *r, const char *number, const char *code, appeal *a);
void appeal_mask_phone(const char *p, char *out, size_t n);
int appeal_can_handle(req *r, const appeal *a);
/* Work-list filters from the query string (village, status, kind, mode, owner,
** overdue, open, q, page, per_page); 400 on a bad value. */
int appeal_filter_from_query(req *r, appeal_filter *f, int *page);

/* strftime of epoch seconds in local time. */
void appeal_date_text(long long t, const char *fmt, char *out, size_t n);
/* The village named by the {code} route parameter, or 404. */
int appeal_village(req *r, org *v);
/* A case's timeline as an <ol>: for the raiser (what and when only: no actors,
** no internal notes) or for cadres (everything). */
void appeal_timeline_html(req *r, buf *b, long long appeal_id, int public_view);

#endif
