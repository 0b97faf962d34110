/* audit_api.c — the head hash (public, for posters) and an organisation's trail. */
#include <stdlib.h>
#include "audit.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"
#include "platform/resp.h"

int audit_api_head(req *r) {
  long long seq = 0;
  char hash[AUDIT_HASH_LEN + 1];
  int rc = audit_head(req_db(r), &seq, hash, &r->err);
  if (rc) return rc;
  return resp_json(r, 200, json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "hash", hash));
}

/* GET /api/v1/orgs/{code}/audit?before=SEQ: newest 100 entries about the node and everything under it. */
int audit_api_org(req *r) {
  org o;
  int rc = org_by_code(req_db(r), req_param(r, "code"), &o, &r->err);
  if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, PERM_AUDIT_READ, o.id)) rc = ZD_ENOTFOUND;
  if (rc == ZD_ENOTFOUND) return zd_fail(&r->err, ZD_ENOTFOUND, "No organisation with this code in your scope.");
  if (rc) return rc;
  const char *b = req_query(r, "before");
  char *end = NULL;
  long long before = b ? strtoll(b, &end, 10) : 0;
  if (b && (!*b || *end || before < 0)) return zd_fail(&r->err, ZD_EINVAL, "before must be a sequence number.");
  if (!before) before = (long long)9e18;
  db_stmt *s = db_query(req_db(r), &r->err,
                        "SELECT a.seq, a.at, a.actor, a.action, a.object, a.before_json, a.after_json, a.hash "
                        "FROM audit a JOIN org_closure oc ON oc.descendant = a.org_id "
                        "WHERE oc.ancestor = ? AND a.seq < ? ORDER BY a.seq DESC LIMIT 100", "ii", o.id, before);
  if (!s) return r->err.rc;
  json_t *arr = json_array();
  while ((rc = db_step(s, &r->err)) == DB_ROW)
    json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq", (json_int_t)db_col_int(s, 0),
                                         "at", (json_int_t)db_col_int(s, 1), "actor", db_col_text(s, 2), "action",
                                         db_col_text(s, 3), "object", db_col_text(s, 4), "before", db_col_text(s, 5),
                                         "after", db_col_text(s, 6), "hash", db_col_text(s, 7)));
  db_done(s);
  if (rc < 0) { json_decref(arr); return rc; }
  return resp_json(r, 200, json_pack("{s:s, s:o}", "org", o.code, "entries", arr));
}
