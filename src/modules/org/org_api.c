/* org_api.c — JSON API of the organisation tree. */
#include <stdlib.h>
#include "org.h"
#include "platform/resp.h"

static json_t *org_json(const org *o) {
  return json_pack("{s:s, s:s, s:s, s:s}", "code", o->code, "kind", org_kind_key(o->kind), "name", o->name,
                   "name_en", o->name_en);
}

/* GET /api/v1/orgs/{code}: the node, its parent and its children. */
int org_api_get(req *r) {
  org o;
  db_conn *c = req_db(r);
  int rc = org_by_code(c, req_param(r, "code"), &o, &r->err);
  if (rc) return rc;
  json_t *j = org_json(&o);
  if (o.parent_id) {
    org p;
    rc = org_by_id(c, o.parent_id, &p, &r->err);
    if (rc) { json_decref(j); return rc; }
    json_object_set_new(j, "parent", json_string(p.code));
  } else {
    json_object_set_new(j, "parent", json_null());
  }
  org *kids = NULL;
  size_t n = 0;
  rc = org_children(c, o.id, &kids, &n, &r->err);
  if (rc) { json_decref(j); return rc; }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, org_json(&kids[i]));
  free(kids);
  json_object_set_new(j, "children", arr);
  center ce;
  zd_error ignore;
  if ((o.kind == ORG_VILLAGE || o.kind == ORG_COMMUNITY) && center_of(c, o.id, &ce, &ignore) == ZD_OK)
    json_object_set_new(j, "center", json_pack("{s:s, s:s, s:s}", "name", ce.name, "address", ce.address,
                                               "opening_hours", ce.opening_hours));
  return resp_json(r, 200, j);
}
