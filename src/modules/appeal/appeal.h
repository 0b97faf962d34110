/*
** appeal.h — 民事直说 (Longnan "1234" method): villagers' matters from intake
** to a closed, rated case.
**
**   1 committee per village   — the village's cadres and admins handle its cases
**   2 channels                — online (QR/web/API, no account) and offline
**                               (说事室, 说事日, home visit, phone, WeChat group),
**                               offline ones entered by a cadre on the raiser's behalf
**   3 kinds                   — 村里事 village, 邻里事 neighbour, 家里事 family
**   4 ways of handling        — 现场直办 on the spot, 干部领办 cadre-led,
**                               村镇联办 joint with township, 部门联办 with departments
**
** The workflow is a state machine of pure functions (appeal_rules.c):
**   received → registered → assigned → in_progress → [escalated] → resolved
**   → answered → rated → closed; 不满意 reopens once, a second escalates.
*/
#ifndef ZD_APPEAL_H
#define ZD_APPEAL_H
#include "platform/buf.h"
#include "platform/db.h"
#include "platform/req.h"

typedef enum appeal_state {
  AS_RECEIVED, AS_REGISTERED, AS_ASSIGNED, AS_IN_PROGRESS, AS_ESCALATED, AS_RESOLVED,
  AS_ANSWERED, AS_RATED, AS_CLOSED, AS_REOPENED, AS_COUNT
} appeal_state;

typedef enum appeal_action {
  AA_REGISTER, AA_ASSIGN, AA_START, AA_ESCALATE, AA_RESOLVE, AA_ANSWER, AA_RATE, AA_CLOSE, AA_NOTE, AA_COUNT
} appeal_action;

typedef enum appeal_kind { AK_VILLAGE, AK_NEIGHBOUR, AK_FAMILY, AK_COUNT } appeal_kind;
typedef enum appeal_mode { AM_ON_SITE, AM_CADRE_LED, AM_JOINT_TOWNSHIP, AM_JOINT_DEPARTMENT, AM_COUNT } appeal_mode;
typedef enum appeal_channel {
  AC_ONLINE, AC_ROOM, AC_DAY, AC_VISIT, AC_PHONE, AC_WECHAT, AC_COUNT
} appeal_channel;
typedef enum appeal_rating { AR_NONE, AR_SATISFIED, AR_BASIC, AR_UNSATISFIED, AR_COUNT } appeal_rating;

enum { ESC_VILLAGE = 0, ESC_TOWNSHIP = 1, ESC_COUNTY = 2 };

/* What the state machine needs to know of a case. */
typedef struct appeal_fsm {
  appeal_state state;
  int escalation;    /* ESC_* */
  int reopens;       /* how many times 不满意 reopened it */
  appeal_rating rating;
} appeal_fsm;

/* One requested transition. */
typedef struct appeal_step {
  appeal_action action;
  appeal_mode mode;        /* assign */
  appeal_rating rating;    /* rate */
  int has_owner;           /* assign: an owner was named */
  int has_text;            /* answer/resolve/note/escalate: text given */
} appeal_step;

/* --- rules (appeal_rules.c): pure --- */
const char *appeal_state_key(appeal_state s);     /* "in_progress" */
const char *appeal_state_label(appeal_state s);   /* msgid */
int appeal_state_parse(const char *s);
const char *appeal_action_key(appeal_action a);
const char *appeal_action_label(appeal_action a); /* msgid */
int appeal_action_parse(const char *s);
const char *appeal_kind_key(appeal_kind k);
const char *appeal_kind_label(appeal_kind k);     /* msgid: "Village matter" -> 村里事 */
int appeal_kind_parse(const char *s);
const char *appeal_mode_key(appeal_mode m);
const char *appeal_mode_label(appeal_mode m);
int appeal_mode_parse(const char *s);
const char *appeal_channel_key(appeal_channel c);
const char *appeal_channel_label(appeal_channel c);
int appeal_channel_parse(const char *s);
const char *appeal_rating_key(appeal_rating r);
const char *appeal_rating_label(appeal_rating r);
int appeal_rating_parse(const char *s);
const char *appeal_escalation_label(int level);   /* msgid */

/* Default days allowed per handling mode: 1 / 7 / 30 / 30. */
int appeal_mode_days(appeal_mode m);
/* Is the action allowed now? (ignores the step's fields) */
int appeal_allowed(const appeal_fsm *f, appeal_action a);
/* Comma-separated keys of the actions allowed now (for a 409 message). */
void appeal_allowed_list(const appeal_fsm *f, char *out, size_t n);
/* The same without "rate" (the raiser's action): what a cadre may do now. */
void appeal_cadre_actions(const appeal_fsm *f, char *out, size_t n);
/* Apply: fills *next, returns ZD_OK, or ZD_ECONFLICT (not allowed now) /
** ZD_EINVAL (a required field is missing), with the reason in *why (msgid). */
int appeal_apply(const appeal_fsm *f, const appeal_step *st, appeal_fsm *next, const char **why);
/* Is a case with this state and deadline overdue at now? (deadline 0: none) */
int appeal_overdue(appeal_state s, long long deadline, long long now);
/* Is the case still open (anything before closed)? */
int appeal_open(appeal_state s);
/* Tracking code: 8 chars of an unambiguous alphabet, shown as XXXX-XXXX. */
void appeal_new_code(char out[10]);
/* Normalise a code the raiser typed (case, spaces, dash) to 8 chars; 0 if malformed. */
int appeal_code_normalise(const char *in, char out[9]);
/* Text checks for intake: 1..2000 characters of valid UTF-8. NULL when fine. */
const char *appeal_content_problem(const char *s);
/* Escape % _ and \ for a LIKE pattern (ESCAPE '\'). */
void appeal_like_pattern(const char *q, buf *out);

/* --- storage (appeal_db.c) --- */
typedef struct appeal {
  long long id, org_id, created_at, updated_at, deadline, closed_at, owner_id;
  char number[24];
  char org_code[33], org_name[128];
  appeal_kind kind;
  appeal_channel channel;
  appeal_mode mode;
  int has_mode;
  appeal_fsm fsm;
  char content[8192];
  char place[256];
  char raiser_name[64];
  char raiser_phone[32];
  char answer[4096];
  char escalated_to[128];
  char owner_login[65];
  char entered_by[65];  /* "" for online self-service */
  char photo[80];       /* "<sha256>.<ext>" of an attached photo, "" if none */
} appeal;

typedef struct appeal_new {
  const char *village, *kind, *content, *place, *name, *phone, *channel, *photo;
  long long at; /* when it was raised; 0 = now (imports and demo data set it) */
} appeal_new;

int appeal_create(db_conn *w, const char *actor, long long entered_by, const appeal_new *in, char *number,
                  char *code, zd_error *e);
/* appeal_create in two halves, so that a group commit's writer does only the
** second: the check (the village on any connection, the input, a new tracking
** code and its hash), then the insert (its number, the row, the timeline, the audit). */
typedef struct appeal_ready {
  long long org_id;
  int kind, channel;
  char code[10], code_hash[65];
} appeal_ready;
int appeal_check_new(db_conn *c, long long entered_by, const appeal_new *in, appeal_ready *out, zd_error *e);
int appeal_insert_ready(db_conn *w, const char *actor, long long entered_by, const appeal_new *in,
                        const appeal_ready *p, char *number, zd_error *e);
int appeal_get(db_conn *c, const char *number, appeal *a, zd_error *e);
int appeal_code_ok(db_conn *c, const char *number, const char *code);

/* handlers */
int appeal_api_public_create(req *r);
int appeal_api_public_get(req *r);
int appeal_api_public_rate(req *r);
int appeal_api_create(req *r);
int appeal_api_get(req *r);
int appeal_api_contact(req *r);
int appeal_api_list(req *r);
int appeal_api_transition(req *r);
int appeal_page_form(req *r);
int appeal_page_submit(req *r);
int appeal_page_track(req *r);
int appeal_page_track_rate(req *r);
int appeal_page_list(req *r);
int appeal_page_detail(req *r);
int appeal_page_photo(req *r);
int appeal_page_transition(req *r);
int appeal_page_new(req *r);
int appeal_page_new_post(req *r);
int appeal_page_shuoshi(req *r);
int appeal_pdf_poster(req *r);
int appeal_pdf_shuoshi(req *r);
int open311_discovery_or_list(req *r);
int open311_discovery(req *r);
int open311_services(req *r);
int open311_service(req *r);
int open311_requests_get(req *r);
int open311_requests_post(req *r);
int open311_request_get(req *r);

#endif
