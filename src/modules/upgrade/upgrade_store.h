/* upgrade_store.h — module-internal storage API of 改 (upgrade_*db.c). Every
** function that writes takes the writer inside the caller's transaction and
** appends the audit entry (before/after) itself. */
#ifndef ZD_UPGRADE_STORE_H
#define ZD_UPGRADE_STORE_H
#include "upgrade.h"
#include "modules/org/org.h"
#include "platform/route.h"

/* --- uploads (upgrade_db.c) --- */
typedef struct upg_upload {
  long long id, org_id, uploader_id, created_at, taken_at, size;
  char sha[65], public_sha[65], thumb_sha[65];
  img_type type;
  int w, h, pw, ph;
  int has_gps;
  double lat, lng;
} upg_upload;

int upg_upload_get(db_conn *c, const char *sha, upg_upload *u, zd_error *e); /* ZD_ENOTFOUND */
/* Register; *created = 0 when the same content was registered before (nothing written). */
int upg_upload_put(db_conn *w, const char *actor, const upg_upload *u, int *created, zd_error *e);
/* A reference to an upload in a record: "" / NULL is none; otherwise it must be a
** registered sha256 (ZD_EINVAL naming the field). */
int upg_upload_ref(db_conn *c, const char *sha, const char *field, zd_error *e);
/* Is the upload shown on a public page? Today: a center photo. Its public copy
** and thumbnail are then anyone's; otherwise only staff may see them
** (upg_page_upload_public). */
int upg_upload_is_public(db_conn *c, const char *sha, int *pub, zd_error *e);

/* --- centers (upgrade_db.c) --- */
#define UPG_MAX_AREAS 30
#define UPG_MAX_PHOTOS 12

typedef struct upg_area {
  long long id;
  char name[244]; /* 60 characters of up to 4 bytes */
  int area_m2;
  unsigned fns; /* bit per upg_fn */
} upg_area;

typedef struct upg_check {
  upg_check_state state;
  char note[600];
  long long updated_at;
} upg_check;

typedef struct upg_cphoto {
  char sha[65];
  char caption[404]; /* 100 characters of up to 4 bytes */
} upg_cphoto;

typedef struct upg_center {
  int has_center;
  center c;
  upg_area areas[UPG_MAX_AREAS];
  int nareas;
  upg_check checks[CK_COUNT];
  upg_cphoto photos[UPG_MAX_PHOTOS];
  int nphotos;
} upg_center;

int upg_center_load(db_conn *c, long long org_id, upg_center *out, zd_error *e);

/* A change of a center: NULL strings and clear flags leave a part as it is. */
typedef struct upg_center_change {
  const char *name, *address, *hours, *phone;
  int set_gps, clear_gps;
  double lat, lng;
  int set_floor;
  int floor_area_m2;
  int set_areas;
  const upg_area *areas;
  int nareas;
  int nchecks;
  struct { upg_check_item item; upg_check_state state; const char *note; } checks[CK_COUNT];
  int set_photos;
  const upg_cphoto *photos;
  int nphotos;
} upg_center_change;

int upg_center_update(db_conn *w, const char *actor, long long user_id, const org *village,
                      const upg_center_change *ch, zd_error *e);
/* The rules of a change (lengths, ranges, a function for every room, photos
** registered), checked by upg_center_update too. ZD_OK, or ZD_EINVAL with
** *field (a key: "address", "gps", "floor_area_m2", "function_areas",
** "checklist", "photos"), *index (the room, item or photo; -1) and *why (msgid). */
int upg_center_change_check(const upg_center_change *ch, const char **field, int *index, const char **why);
#define UPG_NAME_MAX 60
#define UPG_ADDRESS_MAX 200
#define UPG_HOURS_MAX 100
#define UPG_PHONE_MAX 30
#define UPG_ROOM_NAME_MAX 60
#define UPG_AREA_M2_MAX 100000
#define UPG_NOTE_MAX 500
#define UPG_CAPTION_MAX 100

/* --- plaques (upgrade_db.c) --- */
typedef struct upg_plaque {
  long long id, org_id, decided_at, created_at;
  upg_location loc;
  upg_plaque_decision decision;
  int rules_poster, public_notice;
  char name[256], issuing[256], reason[600], merged_into[256], proof[65], decided_by[65];
  char org_code[33], org_name[128];
  char legal_basis[600];
  int no_real_function; /* 1: it has no real function (§7: it comes down); 0 by default */
} upg_plaque;
#define UPG_LEGAL_BASIS_MAX 200

#define UPG_WL_MAX 40
typedef struct upg_wl {
  upg_whitelist view; /* points into the arrays below, or the default */
  int configured;
  char *ext[UPG_WL_MAX], *in[UPG_WL_MAX];
  int next, nin;
  upg_plaque_limits limits; /* the township's, or the default 4 / 4 */
} upg_wl;

typedef void (*upg_plaque_fn)(void *arg, const upg_plaque *p);
int upg_plaque_get(db_conn *c, long long id, upg_plaque *p, zd_error *e);
/* The plaques of a village (org_id) or of every village of a township (township_id). */
int upg_plaques_list(db_conn *c, long long org_id, long long township_id, upg_plaque_fn fn, void *arg, zd_error *e);
int upg_plaque_insert(db_conn *w, const char *actor, const upg_plaque *in, long long *id, zd_error *e);
int upg_plaque_decide(db_conn *w, const char *actor, long long user_id, long long id, upg_plaque_decision d,
                      const char *reason, const char *merged_into, const char *proof, zd_error *e);
int upg_whitelist_load(db_conn *c, long long township_id, upg_wl *wl, zd_error *e);
void upg_whitelist_free(upg_wl *wl);
/* limits: NULL keeps the township's present limits. */
int upg_whitelist_save(db_conn *w, const char *actor, long long user_id, long long township_id, const char *const *ext,
                       int next, const char *const *in, int nin, const upg_plaque_limits *limits, zd_error *e);
/* Is plaque p compliant under the whitelist of its village's township? */
int upg_plaque_is_compliant(const upg_wl *wl, const upg_plaque *p, const char **why);

/* --- funds and projects (upgrade_project_db.c) --- */
/* Text fields hold their longest allowed text (100, 200 or 500 characters) at
** up to 4 bytes a character, so that nothing is cut in the middle of one. */
typedef struct upg_fund {
  long long id, org_id, total, created_at, allocated, spent;
  char source[401], title[801], org_code[33], org_name[128];
} upg_fund;

typedef struct upg_project {
  long long id, fund_id, org_id, township_id, allocation, approved, spent, planned, created_at, updated_at;
  upg_status status;
  char title[801], fund_title[801], fund_source[401], org_code[33], org_name[128];
} upg_project;

typedef struct upg_item {
  long long id, planned, spent;
  int check_item; /* -1: none */
  upg_decision decision;
  char title[801], note[2001];
} upg_item;

typedef struct upg_spend {
  long long id, item_id, amount, spent_on, created_at;
  int over;
  char payee[401], note[2001], receipt[65], recorded_by[65], item_title[801];
} upg_spend;

typedef struct upg_approval {
  long long id, amount, created_at;
  char reason[2001], approver[65];
} upg_approval;

typedef struct upg_milestone {
  long long id, due_on, done_on;
  char title[801];
} upg_milestone;

typedef struct upg_photo {
  long long id, item_id, taken_at, created_at;
  upg_phase phase;
  char spot[401], sha[65], caption[801];
} upg_photo;

typedef struct upg_project_detail {
  upg_project p;
  upg_item *items;
  size_t nitems;
  upg_spend *spend;
  size_t nspend;
  upg_approval *approvals;
  size_t napprovals;
  upg_milestone *milestones;
  size_t nmilestones;
  upg_photo *photos;
  size_t nphotos;
} upg_project_detail;

typedef void (*upg_project_fn)(void *arg, const upg_project *p);
typedef void (*upg_fund_fn)(void *arg, const upg_fund *f);

int upg_fund_get(db_conn *c, long long id, upg_fund *f, zd_error *e);
int upg_funds_of(db_conn *c, long long township_id, upg_fund_fn fn, void *arg, zd_error *e);
int upg_fund_insert(db_conn *w, const char *actor, long long user_id, const upg_fund *f, long long *id, zd_error *e);
/* Create or change the allocation (project) of a village in a fund; money rules apply. */
int upg_allocation_set(db_conn *w, const char *actor, long long fund_id, const org *village, const char *title,
                       long long amount, long long *project_id, int *created, zd_error *e);
/* Projects of a fund (fund_id) or of a village (org_id). */
int upg_projects_list(db_conn *c, long long fund_id, long long org_id, upg_project_fn fn, void *arg, zd_error *e);
int upg_project_get(db_conn *c, long long id, upg_project *p, zd_error *e);
int upg_project_detail_load(db_conn *c, long long id, upg_project_detail *d, zd_error *e);
void upg_project_detail_free(upg_project_detail *d);

int upg_item_insert(db_conn *w, const char *actor, const upg_project *p, const upg_item *in, long long *id, zd_error *e);
typedef struct upg_spend_new {
  long long amount, item_id, spent_on;
  const char *payee, *note, *receipt;
} upg_spend_new;
/* Records spending after the money rules (in this transaction, so no two entries
** race past the cap): ZD_ECONFLICT beyond allocation + approvals. */
int upg_spend_insert(db_conn *w, const char *actor, long long user_id, long long project_id, const upg_spend_new *in,
                     long long *id, int *over, zd_error *e);
int upg_approval_insert(db_conn *w, const char *actor, long long user_id, long long project_id, long long amount,
                        const char *reason, long long *id, zd_error *e);
int upg_milestone_insert(db_conn *w, const char *actor, long long project_id, const char *title, long long due_on,
                         long long done_on, long long *id, zd_error *e);
int upg_milestone_done(db_conn *w, const char *actor, long long project_id, long long id, long long done_on,
                       zd_error *e);
int upg_photo_insert(db_conn *w, const char *actor, long long user_id, long long project_id, const upg_photo *in,
                     long long *id, zd_error *e);
int upg_status_set(db_conn *w, const char *actor, long long project_id, upg_status to, zd_error *e);

/* --- inspections (upgrade_inspect_db.c) --- */
typedef struct upg_inspection {
  long long id, org_id, inspector_id, visited_at, created_at;
  char kind[16], inspector[65], summary[2100];
} upg_inspection;

typedef struct upg_finding {
  long long id, inspection_id, org_id, owner_id, deadline, reported_at, closed_at, created_at, visited_at;
  int check_item; /* -1: none */
  int reinspections;
  upg_task_state state;
  char body[2100], photo[65], owner[65], owner_name[128], report_note[2100], report_photo[65], inspector[65];
  char org_code[33], org_name[128];
} upg_finding;

typedef struct upg_finding_new {
  const char *body, *photo;
  int check_item;
  long long owner_id, deadline;
} upg_finding_new;

typedef void (*upg_inspection_fn)(void *arg, const upg_inspection *i);
typedef void (*upg_finding_fn)(void *arg, const upg_finding *f);

int upg_inspection_insert(db_conn *w, const char *actor, long long inspector_id, long long org_id, const char *kind,
                          long long visited_at, const char *summary, long long *id, zd_error *e);
int upg_finding_insert(db_conn *w, const char *actor, long long inspection_id, long long org_id,
                       const upg_finding_new *in, long long *id, zd_error *e);
int upg_finding_get(db_conn *c, long long id, upg_finding *f, zd_error *e);
int upg_finding_report(db_conn *w, const char *actor, long long id, const char *note, const char *photo, zd_error *e);
/* fixed: close it (a re-inspection visit is recorded); otherwise keep it open,
** with new_deadline when > 0. */
int upg_finding_reinspect(db_conn *w, const char *actor, long long inspector_id, long long id, int fixed,
                          const char *note, const char *photo, long long new_deadline, zd_error *e);
int upg_inspections_list(db_conn *c, long long org_id, upg_inspection_fn fn, void *arg, zd_error *e);
/* Findings: of one inspection (inspection_id), of a village (org_id), or of a
** township (township_id); open_only: not closed; overdue_only: open past deadline. */
typedef struct upg_finding_filter {
  long long inspection_id, org_id, township_id;
  int open_only, overdue_only;
} upg_finding_filter;
int upg_findings_list(db_conn *c, const upg_finding_filter *f, upg_finding_fn fn, void *arg, zd_error *e);

/* The villages (and communities) where user_id holds a role granting p, in
** township and display order. */
typedef void (*upg_org_fn)(void *arg, const org *o);
int upg_villages_in_scope(db_conn *c, long long user_id, perm p, upg_org_fn fn, void *arg, zd_error *e);
/* The latest visit to a village (0: never). */
int upg_last_visit(db_conn *c, long long org_id, long long *at, zd_error *e);

#endif
