/*
** audit.h — the hash-chained, append-only audit trail.
**
** Every write appends one entry inside the same transaction as the change:
** sequence, time, actor, action, object, organisation, before and after
** (JSON text), and hash = SHA-256(prev_hash ‖ canonical entry). The newest
** (seq, hash) is also kept in audit_head, so a removed tail is detected.
** Reads of personal data are appended too (action "read.*").
*/
#ifndef ZD_AUDIT_H
#define ZD_AUDIT_H
#include "platform/buf.h"
#include "platform/db.h"
#include "platform/req.h"

#define AUDIT_HASH_LEN 64
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct audit_entry {
  long long seq, at;
  const char *actor, *action, *object;
  long long org_id;     /* 0: none */
  const char *before, *after;
} audit_entry;

/* --- rules (audit_rules.c): pure --- */
/* The canonical text that is hashed (stable field order, JSON-escaped). */
void audit_canonical(const audit_entry *en, buf *out);
/* hex SHA-256 of prev_hex followed by canonical; out has AUDIT_HASH_LEN+1 bytes. */
void audit_hash(const char *prev_hex, const char *canonical, size_t len, char *out);

/* --- storage (audit.c) --- */
/* Append inside the caller's write transaction on the writer connection. */
int audit_append(db_conn *w, const char *actor, const char *action, const char *object, long long org_id,
                 const char *before, const char *after, zd_error *e);
/* Walk the whole chain. ZD_OK when intact; otherwise ZD_ECONFLICT with *bad_seq the
** first bad entry (0 when the head record is the problem) and why in e->msg. */
int audit_verify(db_conn *c, long long *count, long long *bad_seq, zd_error *e);
/* The head (0, genesis when empty). hash has AUDIT_HASH_LEN+1 bytes. */
int audit_head(db_conn *c, long long *seq, char *hash, zd_error *e);

/* Log that the caller read personal data (what: "users", "member", ...). Its
** own short write transaction; a failure refuses the read. */
int audit_read(req *r, const char *what, const char *object, long long org_id);

/* --- handlers (audit_api.c) --- */
int audit_api_head(req *r);
int audit_api_org(req *r);

#endif
