/*
** routes.c — the one route table: method + path pattern -> handler, with the
** permission each needs (checked by auth_check before the handler runs; scope
** is then checked by the handler against the organisation it touches).
** A new module adds its lines here and nothing else in platform/.
*/
#include "routes.h"
#include "modules/appeal/appeal.h"
#include "modules/audit/audit.h"
#include "modules/duty/duty.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"
#include "modules/upgrade/upgrade.h"
#include "platform/core.h"
#include "platform/page.h"

/* a form with one phone photo */
#define PHOTO_BODY (12u * 1024 * 1024)

const route zd_routes[] = {
  /* platform */
  {"GET", "/healthz", PERM_PUBLIC, core_healthz, NULL, 0},
  {"GET", "/metrics", PERM_PUBLIC, core_metrics, NULL, 0},
  {"GET", "/static/{file}", PERM_PUBLIC, core_static, NULL, 0},
  {"GET", "/lang/{lang}", PERM_PUBLIC, core_lang, NULL, 0},

  /* org: pages */
  {"GET", "/", PERM_PUBLIC, org_page_home, NULL, 0},
  {"GET", "/gai", PERM_PUBLIC, org_page_gai, NULL, 0},
  {"GET", "/guan", PERM_PUBLIC, org_page_guan, NULL, 0},
  {"GET", "/yong", PERM_PUBLIC, org_page_yong, NULL, 0},
  {"GET", "/v/{code}", PERM_PUBLIC, org_page_village, NULL, 0},
  /* org: API */
  {"GET", "/api/v1/orgs/{code}", PERM_PUBLIC, org_api_get, NULL, 0},
  {"POST", "/api/v1/orgs", PERM_ORG_EDIT, ident_api_org_create, NULL, 0},
  {"PATCH", "/api/v1/orgs/{code}", PERM_ORG_EDIT, ident_api_org_update, NULL, 0},

  /* identity: pages */
  {"GET", "/login", PERM_PUBLIC, ident_page_login, NULL, 0},
  {"POST", "/login", PERM_PUBLIC, ident_page_login_post, NULL, 0},
  {"POST", "/logout", PERM_LOGIN, ident_page_logout, NULL, 0},
  {"GET", "/me", PERM_LOGIN, ident_page_me, NULL, 0},
  {"GET", "/o/{code}/users", PERM_ORG_VIEW, ident_page_users, NULL, 0},
  {"POST", "/o/{code}/users", PERM_USER_MANAGE, ident_page_users_post, NULL, 0},
  {"GET", "/setup", PERM_PUBLIC, ident_page_setup, NULL, 0},
  {"POST", "/setup", PERM_PUBLIC, ident_page_setup_post, NULL, 0},
  /* identity: API */
  {"POST", "/api/v1/session", PERM_PUBLIC, ident_api_session_create, NULL, 0},
  {"DELETE", "/api/v1/session", PERM_LOGIN, ident_api_session_delete, NULL, 0},
  {"GET", "/api/v1/me", PERM_LOGIN, ident_api_me, NULL, 0},
  {"GET", "/api/v1/orgs/{code}/users", PERM_ORG_VIEW, ident_api_org_users, NULL, 0},
  {"POST", "/api/v1/users", PERM_USER_MANAGE, ident_api_user_create, NULL, 0},
  {"POST", "/api/v1/tokens", PERM_LOGIN, ident_api_token_create, NULL, 0},
  {"DELETE", "/api/v1/tokens/{id}", PERM_LOGIN, ident_api_token_revoke, NULL, 0},

  /* appeals (民事直说): public */
  {"GET", "/v/{code}/appeal", PERM_PUBLIC, appeal_page_form, NULL, 0},
  {"POST", "/v/{code}/appeal", PERM_PUBLIC, appeal_page_submit, NULL, PHOTO_BODY},
  {"GET", "/v/{code}/appeal-poster.pdf", PERM_PUBLIC, appeal_pdf_poster, NULL, 0},
  {"GET", "/track", PERM_PUBLIC, appeal_page_track, NULL, 0},
  {"POST", "/track/rate", PERM_PUBLIC, appeal_page_track_rate, NULL, 0},
  {"POST", "/api/v1/public/appeals", PERM_PUBLIC, appeal_api_public_create, NULL, 0},
  {"GET", "/api/v1/public/appeals/{number}", PERM_PUBLIC, appeal_api_public_get, NULL, 0},
  {"POST", "/api/v1/public/appeals/{number}/rating", PERM_PUBLIC, appeal_api_public_rate, NULL, 0},
  /* appeals: cadres */
  {"GET", "/appeals", PERM_APPEAL_VIEW, appeal_page_list, NULL, 0},
  {"GET", "/v/{code}/shuoshi", PERM_APPEAL_VIEW, appeal_page_shuoshi, NULL, 0},
  {"GET", "/v/{code}/shuoshi.pdf", PERM_APPEAL_VIEW, appeal_pdf_shuoshi, NULL, 0},
  {"GET", "/appeals/new", PERM_APPEAL_HANDLE, appeal_page_new, NULL, 0},
  {"POST", "/appeals/new", PERM_APPEAL_HANDLE, appeal_page_new_post, NULL, 0},
  {"GET", "/appeals/{number}", PERM_APPEAL_VIEW, appeal_page_detail, NULL, 0},
  {"GET", "/appeals/{number}/photo", PERM_APPEAL_VIEW, appeal_page_photo, NULL, 0},
  {"POST", "/appeals/{number}/transition", PERM_APPEAL_HANDLE, appeal_page_transition, NULL, 0},
  {"GET", "/api/v1/appeals", PERM_APPEAL_VIEW, appeal_api_list, NULL, 0},
  {"POST", "/api/v1/appeals", PERM_APPEAL_HANDLE, appeal_api_create, NULL, 0},
  {"GET", "/api/v1/appeals/{number}", PERM_APPEAL_VIEW, appeal_api_get, NULL, 0},
  {"GET", "/api/v1/appeals/{number}/contact", PERM_APPEAL_VIEW, appeal_api_contact, NULL, 0},
  {"POST", "/api/v1/appeals/{number}/transitions", PERM_APPEAL_HANDLE, appeal_api_transition, NULL, 0},

  /* appeals: Open311 GeoReport v2 ({file} is NAME.json or NAME.xml) */
  {"GET", "/open311/v2/{file}", PERM_PUBLIC, open311_discovery_or_list, NULL, 0},
  {"POST", "/open311/v2/{file}", PERM_PUBLIC, open311_requests_post, NULL, 0},
  {"GET", "/open311/v2/services/{file}", PERM_PUBLIC, open311_service, NULL, 0},
  {"GET", "/open311/v2/requests/{file}", PERM_PUBLIC, open311_request_get, NULL, 0},

  /* upgrade 改: centers, uploads, renovation projects, plaques, inspections (issue 6) */
  {"GET", "/v/{code}/center", PERM_PUBLIC, upg_page_center, NULL, 0},
  {"GET", "/api/v1/villages/{code}/center", PERM_PUBLIC, upg_api_center_get, NULL, 0},
  {"PATCH", "/api/v1/villages/{code}/center", PERM_UPGRADE_EDIT, upg_api_center_patch, NULL, 0},
  {"GET", "/v/{code}/center/edit", PERM_UPGRADE_EDIT, upg_page_center_edit, NULL, 0},
  {"POST", "/v/{code}/center/data", PERM_UPGRADE_EDIT, upg_page_center_data, NULL, 0},
  {"POST", "/v/{code}/center/areas", PERM_UPGRADE_EDIT, upg_page_center_area_add, NULL, 0},
  {"POST", "/v/{code}/center/areas/{n}", PERM_UPGRADE_EDIT, upg_page_center_area_post, NULL, 0},
  {"POST", "/v/{code}/center/checklist", PERM_UPGRADE_EDIT, upg_page_center_checklist, NULL, 0},
  {"POST", "/v/{code}/center/photos", PERM_UPGRADE_EDIT, upg_page_center_photo_add, NULL, PHOTO_BODY},
  {"POST", "/v/{code}/center/photos/{sha}/remove", PERM_UPGRADE_EDIT, upg_page_center_photo_remove, NULL, 0},
  {"POST", "/v/{code}/plaques", PERM_UPGRADE_EDIT, upg_page_plaque_add, NULL, 0},
  {"POST", "/api/v1/uploads", PERM_UPLOAD, upg_api_upload, NULL, PHOTO_BODY},
  {"GET", "/uploads/{sha}", PERM_PUBLIC, upg_page_upload_public, NULL, 0},
  {"GET", "/uploads/{sha}/thumb", PERM_PUBLIC, upg_page_upload_thumb, NULL, 0},
  {"GET", "/uploads/{sha}/original", PERM_ORG_VIEW, upg_page_upload_original, NULL, 0},
  {"POST", "/api/v1/funds", PERM_UPGRADE_MANAGE, upg_api_fund_create, NULL, 0},
  {"GET", "/api/v1/funds/{id}", PERM_ORG_VIEW, upg_api_fund_get, NULL, 0},
  {"POST", "/api/v1/funds/{id}/allocations", PERM_UPGRADE_MANAGE, upg_api_fund_allocation, NULL, 0},
  {"GET", "/api/v1/projects/{id}", PERM_ORG_VIEW, upg_api_project_get, NULL, 0},
  {"POST", "/api/v1/projects/{id}/items", PERM_UPGRADE_EDIT, upg_api_item_create, NULL, 0},
  {"POST", "/api/v1/projects/{id}/spending", PERM_UPGRADE_RECORD, upg_api_spend_create, NULL, 0},
  {"POST", "/api/v1/projects/{id}/approvals", PERM_UPGRADE_MANAGE, upg_api_approval_create, NULL, 0},
  {"POST", "/api/v1/projects/{id}/milestones", PERM_UPGRADE_EDIT, upg_api_milestone_create, NULL, 0},
  {"POST", "/api/v1/projects/{id}/milestones/{mid}", PERM_UPGRADE_EDIT, upg_api_milestone_update, NULL, 0},
  {"POST", "/api/v1/projects/{id}/photos", PERM_UPGRADE_RECORD, upg_api_photo_create, NULL, 0},
  {"POST", "/api/v1/projects/{id}/status", PERM_UPGRADE_EDIT, upg_api_status, NULL, 0},
  {"GET", "/funds/{id}", PERM_ORG_VIEW, upg_page_fund, NULL, 0},
  {"GET", "/funds/{id}/export.xlsx", PERM_ORG_VIEW, upg_xlsx_fund, NULL, 0},
  {"GET", "/projects/{id}", PERM_ORG_VIEW, upg_page_project, NULL, 0},
  {"POST", "/projects/{id}/spending", PERM_UPGRADE_RECORD, upg_page_spend_post, NULL, PHOTO_BODY},
  {"POST", "/projects/{id}/items", PERM_UPGRADE_EDIT, upg_page_item_post, NULL, 0},
  {"POST", "/projects/{id}/approvals", PERM_UPGRADE_MANAGE, upg_page_approval_post, NULL, 0},
  {"POST", "/projects/{id}/milestones", PERM_UPGRADE_EDIT, upg_page_milestone_post, NULL, 0},
  {"POST", "/projects/{id}/milestones/{mid}", PERM_UPGRADE_EDIT, upg_page_milestone_done, NULL, 0},
  {"POST", "/projects/{id}/status", PERM_UPGRADE_EDIT, upg_page_status_post, NULL, 0},
  {"POST", "/projects/{id}/photos", PERM_UPGRADE_RECORD, upg_page_photo_post, NULL, PHOTO_BODY},
  {"POST", "/funds/{id}/allocations", PERM_UPGRADE_MANAGE, upg_page_allocation_post, NULL, 0},
  {"GET", "/t/{code}/funds", PERM_ORG_VIEW, upg_page_funds, NULL, 0},
  {"POST", "/t/{code}/funds", PERM_UPGRADE_MANAGE, upg_page_fund_create, NULL, 0},
  {"POST", "/api/v1/villages/{code}/plaques", PERM_UPGRADE_EDIT, upg_api_plaque_create, NULL, 0},
  {"POST", "/api/v1/plaques/{id}/decision", PERM_UPGRADE_EDIT, upg_api_plaque_decision, NULL, 0},
  {"GET", "/api/v1/townships/{code}/plaques", PERM_ORG_VIEW, upg_api_campaign, NULL, 0},
  {"PUT", "/api/v1/townships/{code}/plaque-whitelist", PERM_UPGRADE_MANAGE, upg_api_whitelist_put, NULL, 0},
  {"GET", "/t/{code}/plaques", PERM_ORG_VIEW, upg_page_campaign, NULL, 0},
  {"POST", "/t/{code}/plaque-whitelist", PERM_UPGRADE_MANAGE, upg_page_whitelist_post, NULL, 0},
  {"POST", "/plaques/{id}/decision", PERM_UPGRADE_EDIT, upg_page_plaque_decision, NULL, PHOTO_BODY},
  {"POST", "/api/v1/inspections", PERM_INSPECT, upg_api_inspection_create, NULL, 0},
  {"GET", "/api/v1/villages/{code}/inspections", PERM_ORG_VIEW, upg_api_inspections_get, NULL, 0},
  {"POST", "/api/v1/findings/{id}/report", PERM_UPGRADE_RECORD, upg_api_finding_report, NULL, 0},
  {"POST", "/api/v1/findings/{id}/reinspect", PERM_INSPECT, upg_api_finding_reinspect, NULL, 0},
  {"GET", "/api/v1/townships/{code}/tasks", PERM_ORG_VIEW, upg_api_tasks, NULL, 0},
  {"GET", "/inspections", PERM_INSPECT, upg_page_inspections, NULL, 0},
  {"POST", "/inspections", PERM_INSPECT, upg_page_inspection_post, NULL, PHOTO_BODY},
  {"POST", "/findings/{id}/reinspect", PERM_INSPECT, upg_page_reinspect_post, NULL, 0},
  {"GET", "/t/{code}/tasks", PERM_ORG_VIEW, upg_page_tasks, NULL, 0},

  /* duty and posts 管: roster, check-in, duty log, whereabouts, coverage, posts (issue 7) */
  {"GET", "/v/{code}/duty", PERM_ORG_VIEW, duty_page_roster, NULL, 0},
  {"POST", "/v/{code}/duty/generate", PERM_DUTY_MANAGE, duty_page_generate, NULL, 0},
  {"POST", "/v/{code}/duty/swap", PERM_DUTY_SELF, duty_page_swap, NULL, 0},
  {"POST", "/v/{code}/duty/swap/{id}", PERM_DUTY_MANAGE, duty_page_swap_decide, NULL, 0},
  {"POST", "/v/{code}/duty/leave", PERM_DUTY_SELF, duty_page_leave, NULL, 0},
  {"POST", "/v/{code}/hours", PERM_DUTY_MANAGE, duty_page_hours, NULL, 0},
  {"GET", "/v/{code}/checkin", PERM_PUBLIC, duty_page_checkin, NULL, 0},
  {"POST", "/v/{code}/checkin", PERM_DUTY_SELF, duty_page_checkin_post, NULL, 0},
  {"POST", "/v/{code}/checkout", PERM_DUTY_SELF, duty_page_checkout, NULL, 0},
  {"GET", "/v/{code}/checkin-poster.pdf", PERM_DUTY_MANAGE, duty_pdf_checkin_poster, NULL, 0},
  {"POST", "/v/{code}/whereabouts", PERM_DUTY_SELF, duty_page_status, NULL, 0},
  {"GET", "/v/{code}/duty-log", PERM_ORG_VIEW, duty_page_log, NULL, 0},
  {"POST", "/v/{code}/duty-log", PERM_DUTY_SELF, duty_page_log_post, NULL, 0},
  {"POST", "/v/{code}/duty-log/{id}/appeal", PERM_DUTY_SELF, duty_page_log_appeal, NULL, 0},
  {"GET", "/v/{code}/coverage", PERM_ORG_VIEW, duty_page_coverage, NULL, 0},
  {"GET", "/o/{code}/coverage", PERM_ORG_VIEW, duty_page_township_coverage, NULL, 0},
  {"GET", "/v/{code}/posts", PERM_ORG_VIEW, duty_page_posts, NULL, 0},
  {"POST", "/v/{code}/posts", PERM_DUTY_MANAGE, duty_page_post_post, NULL, 0},
  {"POST", "/v/{code}/deeds", PERM_DUTY_MANAGE, duty_page_deed_post, NULL, 0},
  {"POST", "/v/{code}/deeds/{id}/done", PERM_DUTY_MANAGE, duty_page_deed_done, NULL, 0},
  {"GET", "/o/{code}/holidays", PERM_ORG_VIEW, duty_page_holidays, NULL, 0},
  {"POST", "/o/{code}/holidays", PERM_DUTY_MANAGE, duty_page_holidays_post, NULL, 0},
  {"GET", "/duty", PERM_DUTY_SELF, duty_page_mine, NULL, 0},
  {"POST", "/duty/feed", PERM_DUTY_SELF, duty_page_feed_create, NULL, 0},
  {"GET", "/duty/feed/{file}", PERM_PUBLIC, duty_page_feed, NULL, 0},
  {"POST", "/api/v1/villages/{code}/roster/{month}/generate", PERM_DUTY_MANAGE, duty_api_roster_generate, NULL, 0},
  {"GET", "/api/v1/villages/{code}/roster/{month}", PERM_ORG_VIEW, duty_api_roster_get, NULL, 0},
  {"POST", "/api/v1/villages/{code}/swaps", PERM_DUTY_SELF, duty_api_swap_create, NULL, 0},
  {"POST", "/api/v1/villages/{code}/swaps/{id}/decision", PERM_DUTY_MANAGE, duty_api_swap_decide, NULL, 0},
  {"POST", "/api/v1/villages/{code}/leave", PERM_DUTY_SELF, duty_api_leave_create, NULL, 0},
  {"GET", "/api/v1/villages/{code}/hours", PERM_PUBLIC, duty_api_hours_get, NULL, 0},
  {"PUT", "/api/v1/villages/{code}/hours", PERM_DUTY_MANAGE, duty_api_hours_put, NULL, 0},
  {"GET", "/api/v1/orgs/{code}/holidays", PERM_PUBLIC, duty_api_holidays_get, NULL, 0},
  {"PUT", "/api/v1/orgs/{code}/holidays", PERM_DUTY_MANAGE, duty_api_holidays_put, NULL, 0},
  {"GET", "/api/v1/villages/{code}/checkin-code", PERM_DUTY_MANAGE, duty_api_checkin_code, NULL, 0},
  {"POST", "/api/v1/villages/{code}/checkins", PERM_DUTY_SELF, duty_api_checkin, NULL, 0},
  {"POST", "/api/v1/villages/{code}/checkout", PERM_DUTY_SELF, duty_api_checkout, NULL, 0},
  {"GET", "/api/v1/villages/{code}/checkins", PERM_ORG_VIEW, duty_api_checkins, NULL, 0},
  {"POST", "/api/v1/villages/{code}/whereabouts", PERM_DUTY_SELF, duty_api_status_set, NULL, 0},
  {"GET", "/api/v1/public/villages/{code}/whereabouts", PERM_PUBLIC, duty_api_whereabouts, NULL, 0},
  {"GET", "/api/v1/villages/{code}/duty-log", PERM_ORG_VIEW, duty_api_log_list, NULL, 0},
  {"POST", "/api/v1/villages/{code}/duty-log", PERM_DUTY_SELF, duty_api_log_create, NULL, 0},
  {"POST", "/api/v1/villages/{code}/duty-log/{id}/appeal", PERM_DUTY_SELF, duty_api_log_appeal, NULL, 0},
  {"GET", "/api/v1/villages/{code}/coverage/{month}", PERM_ORG_VIEW, duty_api_coverage, NULL, 0},
  {"GET", "/api/v1/orgs/{code}/coverage/{month}", PERM_ORG_VIEW, duty_api_township_coverage, NULL, 0},
  {"GET", "/api/v1/villages/{code}/posts", PERM_ORG_VIEW, duty_api_posts, NULL, 0},
  {"POST", "/api/v1/villages/{code}/posts", PERM_DUTY_MANAGE, duty_api_post_create, NULL, 0},
  {"PATCH", "/api/v1/villages/{code}/posts/{id}", PERM_DUTY_MANAGE, duty_api_post_update, NULL, 0},
  {"GET", "/api/v1/villages/{code}/deeds", PERM_ORG_VIEW, duty_api_deeds, NULL, 0},
  {"POST", "/api/v1/villages/{code}/deeds", PERM_DUTY_MANAGE, duty_api_deed_create, NULL, 0},
  {"PATCH", "/api/v1/villages/{code}/deeds/{id}", PERM_DUTY_MANAGE, duty_api_deed_update, NULL, 0},
  {"GET", "/api/v1/public/villages/{code}/deeds", PERM_PUBLIC, duty_api_public_deeds, NULL, 0},
  {"GET", "/api/v1/me/duty.ics", PERM_LOGIN, duty_api_my_ics, NULL, 0},

  /* audit */
  {"GET", "/api/v1/audit/head", PERM_PUBLIC, audit_api_head, NULL, 0},
  {"GET", "/api/v1/orgs/{code}/audit", PERM_AUDIT_READ, audit_api_org, NULL, 0},
};
const size_t zd_nroutes = sizeof zd_routes / sizeof zd_routes[0];

const nav_item zd_nav[] = {
  {"Upgrade", "/gai", "Centers, renovation, plaques, inspections"},
  {"Manage", "/guan", "Rules, duty roster, posts, Party members"},
  {"Use", "/yong", "Meetings, villagers' matters, disclosures, activities"},
};
const size_t zd_nav_count = sizeof zd_nav / sizeof zd_nav[0];
