/*
** routes.c — the one route table: method + path pattern -> handler, with the
** permission each needs (checked by auth_check before the handler runs; scope
** is then checked by the handler against the organisation it touches).
** A new module adds its lines here and nothing else in platform/.
*/
#include "routes.h"
#include "modules/appeal/appeal.h"
#include "modules/audit/audit.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"
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

  /* duty and posts 管: roster, check-in, duty log, whereabouts, coverage, posts (issue 7) */

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
