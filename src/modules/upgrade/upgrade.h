/*
** upgrade.h — 改: the village centers and their upgrade.
**
**   Centers      one per village (the `center` table of the org module): address,
**                GPS, floor area, opening hours, photos; function areas — rooms,
**                each serving one or more functions (党员活动室, 便民服务大厅,
**                新时代文明实践站, 农家书屋, 说事长廊/群众说事室, 党务村务公开栏,
**                meeting room, other); a facility checklist with each item's state.
**   Uploads      phone photos, typed by content (platform/image.h), kept by content
**                hash (platform/store.h). The original stays private (users in the
**                scope of its organisation, and the uploader); a copy for pages and a
**                thumbnail are re-encoded from the pixels, so no EXIF (GPS, camera,
**                time) survives in them. EXIF orientation is applied first; GPS and
**                the time taken are kept in the upload's row, internal only. The
**                copies are public only for what public pages show (center photos);
**                others (receipts, findings, proofs, photos not attached) are for
**                staff in scope, 404 for anyone else.
**   Projects     a fund (source and total, e.g. 县委组织部 ¥98,000) allocated to
**                villages; each allocation is a renovation project with items tied
**                to checklist problems and the 能改则改、能用则用 decision (renovate
**                / reuse), spending entries (receipt photos), milestones, status
**                planned → in_progress → completed → in_use, and before / during /
**                after photos paired by spot. Money is integer fen everywhere.
**                Spending past allocation + recorded over-budget approvals is
**                refused (409); an approval records who and why.
**   Plaques      (挂牌) inventory per center: outside, inside, room sign; issuing
**                body; keep / merge / remove with photo proof. A whitelist per
**                township (default: domain rules §7) decides what is compliant, with
**                limits per location (default 4 outside, 4 inside; room signs
**                unlimited); the township's campaign view lists what each village
**                has left to do, and how many plaques too many it keeps.
**   Inspections  an area leader's visit to a village records findings (text,
**                photo, checklist item); each finding is a rectification task with
**                an owner and a deadline; the owner may report it done; a
**                re-inspection closes it (or keeps it open with a new deadline).
**                Open tasks past their deadline are overdue and listed per township.
**
** Decisions are pure functions (upgrade_rules.c, tested alone); storage is in
** upgrade_*db.c, every write in one transaction with an audit entry holding
** before and after; handlers check the caller's scope (404 outside it).
**
** Permissions (platform/route.h, granted in identity_rules.c):
**   PERM_ORG_VIEW        read centers' internal parts, projects, plaques, inspections
**   PERM_UPGRADE_EDIT    center data, function areas, checklist, plaques, project
**                        items, milestones, status (county/township admins, center admin)
**   PERM_UPGRADE_RECORD  spending entries, project photos, reporting a task done
**                        (also the village's cadres)
**   PERM_UPGRADE_MANAGE  funds, allocations, over-budget approvals, plaque whitelist
**                        (county and township admins)
**   PERM_INSPECT         visits, findings, re-inspections (area leaders, admins)
**   PERM_UPLOAD          upload photos (everyone above)
*/
#ifndef ZD_UPGRADE_H
#define ZD_UPGRADE_H
#include <stddef.h>
#include "platform/buf.h"
#include "platform/db.h"
#include "platform/image.h"
#include "platform/req.h"

/* --- vocabulary --- */
typedef enum upg_fn {
  UF_PARTY_ROOM, UF_SERVICE_HALL, UF_CIVILIZATION, UF_LIBRARY, UF_TALK, UF_BULLETIN, UF_MEETING, UF_OTHER, UF_COUNT
} upg_fn;
typedef enum upg_check_item {
  CK_WALLS, CK_DOORS_WINDOWS, CK_TABLES_CHAIRS, CK_BULLETIN_BOARD, CK_SIGNAGE, CK_FLAGS, CK_LIGHTING, CK_HYGIENE,
  CK_TOILET, CK_FIRE_SAFETY, CK_ACCESS, CK_EQUIPMENT, CK_COUNT
} upg_check_item;
typedef enum upg_check_state { CS_UNCHECKED, CS_OK, CS_NEEDS_REPAIR, CS_MISSING, CS_COUNT } upg_check_state;
typedef enum upg_decision { UD_RENOVATE, UD_REUSE, UD_COUNT } upg_decision;
typedef enum upg_status { UPS_PLANNED, UPS_IN_PROGRESS, UPS_COMPLETED, UPS_IN_USE, UPS_COUNT } upg_status;
typedef enum upg_phase { UPH_BEFORE, UPH_DURING, UPH_AFTER, UPH_COUNT } upg_phase;
typedef enum upg_location { PL_EXTERIOR, PL_INTERIOR, PL_ROOM_SIGN, PL_COUNT } upg_location;
typedef enum upg_plaque_decision { PD_PENDING, PD_KEEP, PD_MERGE, PD_REMOVE, PD_COUNT } upg_plaque_decision;
typedef enum upg_task_state { UTS_OPEN, UTS_REPORTED, UTS_CLOSED, UTS_COUNT } upg_task_state;

/* --- rules (upgrade_rules.c): pure --- */
const char *upg_fn_key(upg_fn f);
const char *upg_fn_label(upg_fn f);            /* msgid */
int upg_fn_parse(const char *s);
const char *upg_check_key(upg_check_item c);
const char *upg_check_label(upg_check_item c);
int upg_check_parse(const char *s);
const char *upg_cstate_key(upg_check_state s);
const char *upg_cstate_label(upg_check_state s);
int upg_cstate_parse(const char *s);
/* A checklist state that is a problem to fix (needs repair, missing). */
int upg_cstate_problem(upg_check_state s);
const char *upg_decision_key(upg_decision d);
const char *upg_decision_label(upg_decision d);
int upg_decision_parse(const char *s);
const char *upg_status_key(upg_status s);
const char *upg_status_label(upg_status s);
int upg_status_parse(const char *s);
const char *upg_phase_key(upg_phase p);
const char *upg_phase_label(upg_phase p);
int upg_phase_parse(const char *s);
const char *upg_location_key(upg_location l);
const char *upg_location_label(upg_location l);
int upg_location_parse(const char *s);
const char *upg_pdecision_key(upg_plaque_decision d);
const char *upg_pdecision_label(upg_plaque_decision d);
int upg_pdecision_parse(const char *s);
const char *upg_task_key(upg_task_state s);
const char *upg_task_label(upg_task_state s);
int upg_task_parse(const char *s);

/* Money: integer fen. One amount is at most UPG_MONEY_MAX (¥1,000,000,000.00):
** anything larger is a typo, and sums of such amounts cannot overflow. */
#define UPG_MONEY_MAX 100000000000LL

typedef struct upg_budget {
  long long allocation; /* fen allocated to the project */
  long long approved;   /* fen of recorded over-budget approvals */
  long long spent;      /* fen spent so far */
} upg_budget;

/* May `amount` be spent? ZD_OK (and *over = the new total passes the allocation,
** covered by approvals), ZD_EINVAL (amount <= 0 or > UPG_MONEY_MAX), ZD_ECONFLICT
** (allocation + approvals exceeded; or an overflow). *why: msgid. */
int upg_spend_check(const upg_budget *b, long long amount, int *over, const char **why);
/* Set a project's allocation to `amount` in a fund of `total` where the other
** projects hold `others`: ZD_EINVAL (<= 0, too large), ZD_ECONFLICT (fund
** exceeded, or below what is spent beyond approvals). */
int upg_allocation_check(long long total, long long others, long long amount, long long approved, long long spent,
                         const char **why);
/* A fund's total: 0 < total <= UPG_MONEY_MAX. */
int upg_fund_total_check(long long total, const char **why);
/* An over-budget approval: amount > 0, <= max; a reason of 1..500 characters. */
int upg_approval_check(long long amount, const char *reason, const char **why);
/* a + b, or ZD_ECONFLICT on overflow */
int upg_money_add(long long a, long long b, long long *out);
/* "¥98,000.00" (and "-¥1.50"). */
void upg_money_format(long long fen, char *out, size_t n);
/* "98000", "98,000.00", "1.5", "¥12" -> fen. 0 on malformed input, more than
** two decimals, or more than UPG_MONEY_MAX; 1 on success. */
int upg_money_parse(const char *yuan, long long *fen);

/* Project status: only the next status, never back or skipping. Completed needs
** every milestone done; in use needs at least one "after" photo (before and
** during photos do not count; NULL facts: none known, so in use is refused). */
typedef struct upg_project_facts {
  int open_milestones;
  int photos[UPH_COUNT]; /* the project's photos per phase: before, during, after */
} upg_project_facts;
int upg_status_apply(upg_status from, upg_status to, const upg_project_facts *f, const char **why);
int upg_status_next(upg_status s); /* the one allowed next status, or -1 */
/* Spending may be recorded while planned, in progress and completed; not in use. */
int upg_spend_allowed(upg_status s);

/* Plaques. A whitelist holds names that may be hung outside and inside; a
** plaque complies when its name contains an entry of its location's list
** (inside also accepts the outside list). Room signs comply; rules posters (制度牌)
** comply only when marked a public notice. */
typedef struct upg_whitelist {
  const char *const *exterior;
  int n_exterior;
  const char *const *interior;
  int n_interior;
} upg_whitelist;
const upg_whitelist *upg_whitelist_default(void);
/* 1 compliant, 0 not (then *why, a msgid). */
int upg_plaque_compliant(const upg_whitelist *w, upg_location loc, const char *name, int rules_poster,
                         int public_notice, const char **why);
/* Can this decision be recorded? ZD_OK or ZD_EINVAL with *why. */
int upg_plaque_decision_check(int compliant, upg_plaque_decision d, int has_reason, int has_merge_target,
                              const char **why);
typedef enum { UPL_NONE, UPL_DECIDE, UPL_CARRY_OUT } upg_plaque_left;
/* What is left of this plaque in the clean-up: a decision (not compliant, not
** decided), carrying out a merge/removal (no photo proof yet), or nothing. */
upg_plaque_left upg_plaque_pending(int compliant, upg_plaque_decision d, int has_proof);
/* upg_plaque_compliant, and first: a plaque without a real function comes down
** (§7), whatever its name. */
int upg_plaque_complies(const upg_whitelist *w, upg_location loc, const char *name, int rules_poster,
                        int public_notice, int has_real_function, const char **why);
/* A township's list of names (one location): 0..UPG_NAMES_MAX names of 1..50
** characters, none twice. ZD_OK, or ZD_EINVAL with *bad (the index) and *why. */
#define UPG_NAMES_MAX 40
int upg_names_check(const char *const *names, int n, int *bad, const char **why);

/* How many plaques may hang outside the door and inside (§7: 4 and 4; room
** signs unlimited), per township. */
#define UPG_LIMIT_DEFAULT 4
#define UPG_LIMIT_MAX 20
typedef struct upg_plaque_limits {
  int exterior, interior;
} upg_plaque_limits;
/* 0..UPG_LIMIT_MAX: ZD_OK, else ZD_EINVAL with *why. */
int upg_limit_check(int n, const char **why);
/* Does this plaque count against its location's limit? Outside or inside, not a
** rules poster, and staying: kept or not yet decided (merged and removed do not). */
int upg_plaque_counts(upg_location loc, upg_plaque_decision d, int rules_poster);
/* How many too many at loc with `count` plaques that count: 0 when within the
** limit (and always for room signs). */
int upg_plaque_excess(const upg_plaque_limits *l, upg_location loc, int count);

/* Rectification tasks. */
int upg_task_overdue(upg_task_state s, long long deadline, long long now);
int upg_task_can_report(upg_task_state s);
int upg_task_can_reinspect(upg_task_state s);
#define UPG_TASK_MAX_DAYS 365

/* Text fields: NULL when fine, else a msgid. max counts characters. */
const char *upg_text_problem(const char *s, size_t max, int required);
/* "2024-03-05" -> local noon of that day; 1 ok, 0 malformed. */
int upg_date_parse(const char *s, long long *t);
void upg_date_format(long long t, char *out, size_t n); /* "2024-03-05", "" for 0 */

/* EXIF of a JPEG (first APP1 "Exif"): orientation 1..8 (1 when absent), GPS in
** degrees, DateTimeOriginal as local epoch seconds. Returns 1 when an Exif
** segment was found, 0 otherwise; never reads past len. */
typedef struct upg_exif {
  int orientation;
  int has_gps;
  double lat, lng;
  long long taken_at;
} upg_exif;
int upg_exif_read(const unsigned char *data, size_t len, upg_exif *out);

/* --- image pipeline (upgrade_image.c) --- */
#define UPG_PUBLIC_MAX 1600 /* long side of the public copy, pixels */
#define UPG_THUMB_MAX 320   /* long side of the thumbnail */
/* Decode (type t, already probed), apply the EXIF orientation, and re-encode as
** JPEG: the public copy (long side <= UPG_PUBLIC_MAX) into pub and the thumbnail
** into thumb. Nothing of the original's metadata is copied. ZD_OK or ZD_EINVAL
** with *why (msgid) when the pixels do not decode. */
int upg_image_derive(const void *data, size_t len, img_type t, int orientation, buf *pub, int *pw, int *ph,
                     buf *thumb, const char **why);

/* --- demo (upgrade_demo.c): the article's four villages, inside the caller's transaction --- */
int upgrade_demo(db_conn *w, zd_error *e);

/* --- links from other modules' pages --- */
/* The village page: center and, for users in scope, projects and tasks. */
void upgrade_village_links(req *r, buf *b, long long village_id, const char *code);
/* The 改 pillar page: for logged-in users, the townships' funds, campaign, tasks. */
void upgrade_pillar_links(req *r, buf *b);

/* --- handlers --- */
/* centers and uploads (upgrade_api.c, upgrade_pages.c) */
int upg_api_center_get(req *r);
int upg_api_center_patch(req *r);
int upg_api_upload(req *r);
int upg_page_upload_public(req *r);
int upg_page_upload_thumb(req *r);
int upg_page_upload_original(req *r);
int upg_page_center(req *r);
/* plaques */
int upg_api_plaque_create(req *r);
int upg_api_plaque_decision(req *r);
int upg_api_campaign(req *r);
int upg_api_whitelist_put(req *r);
int upg_page_campaign(req *r);
int upg_page_plaque_decision(req *r);
/* page forms of the center, plaques and the township's list (upgrade_center_pages.c) */
int upg_page_center_edit(req *r);
int upg_page_center_data(req *r);
int upg_page_center_area_add(req *r);
int upg_page_center_area_post(req *r);
int upg_page_center_checklist(req *r);
int upg_page_center_photo_add(req *r);
int upg_page_center_photo_remove(req *r);
int upg_page_plaque_add(req *r);
int upg_page_whitelist_post(req *r);
/* projects (upgrade_project_api.c, upgrade_project_pages.c, upgrade_project_forms.c, upgrade_xlsx.c) */
int upg_api_fund_create(req *r);
int upg_api_fund_get(req *r);
int upg_api_fund_allocation(req *r);
int upg_api_project_get(req *r);
int upg_api_item_create(req *r);
int upg_api_spend_create(req *r);
int upg_api_approval_create(req *r);
int upg_api_milestone_create(req *r);
int upg_api_milestone_update(req *r);
int upg_api_photo_create(req *r);
int upg_api_status(req *r);
int upg_page_fund(req *r);
int upg_page_project(req *r);
int upg_page_spend_post(req *r);
int upg_page_funds(req *r);
int upg_page_fund_create(req *r);
int upg_page_allocation_post(req *r);
int upg_page_item_post(req *r);
int upg_page_approval_post(req *r);
int upg_page_milestone_post(req *r);
int upg_page_milestone_done(req *r);
int upg_page_status_post(req *r);
int upg_page_photo_post(req *r);
int upg_xlsx_fund(req *r);
/* inspections (upgrade_inspect_api.c, upgrade_inspect_pages.c) */
int upg_api_inspection_create(req *r);
int upg_api_inspections_get(req *r);
int upg_api_finding_report(req *r);
int upg_api_finding_reinspect(req *r);
int upg_api_tasks(req *r);
int upg_page_inspections(req *r);
int upg_page_inspection_post(req *r);
int upg_page_reinspect_post(req *r);
int upg_page_tasks(req *r);

#endif
