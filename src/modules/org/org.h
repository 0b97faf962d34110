/*
** org.h — the organisation tree: county -> township -> village/community,
** with Party organisations (乡镇党委 -> 村党支部 -> 党小组) beside it, and the
** service center of each village. Every node has a short ASCII code used in
** URLs and APIs.
*/
#ifndef ZD_ORG_H
#define ZD_ORG_H
#include "platform/db.h"
#include "platform/req.h"

typedef enum org_kind {
  ORG_COUNTY, ORG_TOWNSHIP, ORG_VILLAGE, ORG_COMMUNITY,
  ORG_PARTY_COMMITTEE, ORG_PARTY_BRANCH, ORG_PARTY_GROUP, ORG_KIND_COUNT
} org_kind;

typedef struct org {
  long long id;
  char code[33];
  org_kind kind;
  char name[128];
  char name_en[128];
  long long parent_id; /* 0 for a root */
} org;

/* --- rules (org_rules.c): pure functions --- */
const char *org_kind_key(org_kind k);          /* "village" */
int org_kind_parse(const char *s);             /* -> org_kind or -1 */
const char *org_kind_label(org_kind k);        /* msgid: "Village" */
/* May a node of kind child hang under a node of kind parent? (parent -1: root) */
int org_parent_allowed(int parent, org_kind child);
/* Name shown in lang: the English name when asked for and present. */
const char *org_display_name(const org *o, int lang);

/* --- storage (org_db.c) --- */
int org_by_code(db_conn *c, const char *code, org *out, zd_error *e);   /* ZD_ENOTFOUND if none */
int org_by_id(db_conn *c, long long id, org *out, zd_error *e);
/* Children of parent (0: roots), in display order; caller frees *out. */
int org_children(db_conn *c, long long parent, org **out, size_t *n, zd_error *e);
/* Insert; validates the code, the name and the parent's kind; keeps the
** closure table; audited as actor. Returns the new id in *id (may be NULL).
** Call inside a write transaction. */
int org_insert(db_conn *w, const char *actor, const char *code, org_kind kind, const char *name,
               const char *name_en, long long parent_id, int sort, long long *id, zd_error *e);
/* Rename (NULL leaves a name as it is); audited with before and after. */
int org_update_names(db_conn *w, const char *actor, const org *o, const char *name, const char *name_en, zd_error *e);

typedef struct center {
  long long id;
  char name[128];
  char address[256];
  char opening_hours[128];
  char phone[32];
  double lat, lng;
  int has_gps;
  int floor_area_m2;
} center;

int center_of(db_conn *c, long long org_id, center *out, zd_error *e);   /* ZD_ENOTFOUND if none */
/* The children of parent in display order, each with its center's name and
** address ("" when it has none), in one query (a county's pillar pages list
** 300 villages). Caller frees both arrays. */
int org_children_centers(db_conn *c, long long parent, org **out, center **centers, size_t *n, zd_error *e);
/* Create the center of a village (audited). */
int center_insert(db_conn *w, const char *actor, long long org_id, const center *ce, zd_error *e);

/* --- handlers (org_pages.c, org_api.c) --- */
int org_page_home(req *r);
int org_page_village(req *r);
int org_page_gai(req *r);
int org_page_guan(req *r);
int org_page_yong(req *r);
int org_api_get(req *r);

#endif
