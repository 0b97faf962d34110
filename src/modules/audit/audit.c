/* audit.c — storage of the audit chain; see audit.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "audit.h"

int audit_head(db_conn *c, long long *seq, char *hash, zd_error *e) {
  *seq = 0;
  strcpy(hash, AUDIT_GENESIS);
  db_stmt *s = db_query(c, e, "SELECT seq, hash FROM audit_head WHERE id = 1", "");
  if (!s) return e ? e->rc : ZD_EDB;
  int rc = db_step(s, e);
  if (rc == DB_ROW) {
    *seq = db_col_int(s, 0);
    snprintf(hash, AUDIT_HASH_LEN + 1, "%s", db_col_text(s, 1));
  }
  db_done(s);
  return rc < 0 ? rc : ZD_OK;
}

int audit_append(db_conn *w, const char *actor, const char *action, const char *object, long long org_id,
                 const char *before, const char *after, zd_error *e) {
  long long seq = 0;
  char prev[AUDIT_HASH_LEN + 1], hash[AUDIT_HASH_LEN + 1];
  int rc = audit_head(w, &seq, prev, e);
  if (rc) return rc;
  audit_entry en = {seq + 1, (long long)time(NULL), actor, action, object, org_id, before, after};
  buf canon = BUF_INIT;
  audit_canonical(&en, &canon);
  if (!buf_ok(&canon)) { buf_free(&canon); return zd_fail(e, ZD_EINTERNAL, "out of memory"); }
  audit_hash(prev, buf_str(&canon), canon.len, hash);
  buf_free(&canon);
  rc = db_run(w, e,
              "INSERT INTO audit(seq, at, actor, action, object, org_id, before_json, after_json, prev_hash, hash) "
              "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              "iissszssss", en.seq, en.at, actor, action, object, org_id,
              before ? before : "", after ? after : "", prev, hash);
  if (rc < 0) return rc;
  rc = db_run(w, e,
              "INSERT INTO audit_head(id, seq, hash) VALUES(1, ?, ?) "
              "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
              "is", en.seq, hash);
  return rc < 0 ? rc : ZD_OK;
}

int audit_verify(db_conn *c, long long *count, long long *bad_seq, zd_error *e) {
  *count = 0;
  *bad_seq = 0;
  char prev[AUDIT_HASH_LEN + 1] = AUDIT_GENESIS, calc[AUDIT_HASH_LEN + 1];
  db_stmt *s = db_query(c, e,
                        "SELECT seq, at, actor, action, object, COALESCE(org_id, 0), before_json, after_json, "
                        "prev_hash, hash FROM audit ORDER BY seq", "");
  if (!s) return e ? e->rc : ZD_EDB;
  long long expect = 1;
  int rc, bad = 0;
  buf canon = BUF_INIT;
  while ((rc = db_step(s, e)) == DB_ROW) {
    audit_entry en = {db_col_int(s, 0), db_col_int(s, 1), db_col_text(s, 2), db_col_text(s, 3),
                      db_col_text(s, 4), db_col_int(s, 5), db_col_text(s, 6), db_col_text(s, 7)};
    if (en.seq != expect) {
      *bad_seq = expect;
      bad = zd_fail(e, ZD_ECONFLICT, "entry %lld is missing (next present is %lld)", expect, en.seq);
      break;
    }
    if (strcmp(db_col_text(s, 8), prev) != 0) {
      *bad_seq = en.seq;
      bad = zd_fail(e, ZD_ECONFLICT, "entry %lld does not link to the entry before it", en.seq);
      break;
    }
    buf_reset(&canon);
    audit_canonical(&en, &canon);
    audit_hash(prev, buf_str(&canon), canon.len, calc);
    if (strcmp(calc, db_col_text(s, 9)) != 0) {
      *bad_seq = en.seq;
      bad = zd_fail(e, ZD_ECONFLICT, "entry %lld was altered: its content does not match its hash", en.seq);
      break;
    }
    memcpy(prev, calc, sizeof prev);
    (*count)++;
    expect++;
  }
  buf_free(&canon);
  db_done(s);
  if (bad) return bad;
  if (rc < 0) return rc;
  long long hseq = 0;
  char hhash[AUDIT_HASH_LEN + 1];
  rc = audit_head(c, &hseq, hhash, e);
  if (rc) return rc;
  if (hseq != *count || strcmp(hhash, prev) != 0) {
    *bad_seq = hseq > *count ? *count + 1 : 0;
    return zd_fail(e, ZD_ECONFLICT, "the head record (entry %lld) does not match the chain's last entry (%lld)",
                   hseq, *count);
  }
  return ZD_OK;
}

int audit_read(req *r, const char *what, const char *object, long long org_id) {
  char actor[96], action[64];
  snprintf(actor, sizeof actor, "user:%s", r->login);
  snprintf(action, sizeof action, "read.%s", what);
  db_conn *w = db_writer(r->app->db);
  int rc = db_begin(w, &r->err);
  if (!rc) rc = audit_append(w, actor, action, object, org_id, "", "", &r->err);
  if (!rc) rc = db_commit(w, &r->err);
  db_release(w);
  return rc;
}
