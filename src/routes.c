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

const route zd_routes[] = {
  /* platform */
  {"GET", "/healthz", PERM_PUBLIC, core_healthz, NULL},
  {"GET", "/metrics", PERM_PUBLIC, core_metrics, NULL},
  {"GET", "/static/{file}", PERM_PUBLIC, core_static, NULL},
  {"GET", "/lang/{lang}", PERM_PUBLIC, core_lang, NULL},

  /* org: pages */
  {"GET", "/", PERM_PUBLIC, org_page_home, NULL},
  {"GET", "/gai", PERM_PUBLIC, org_page_gai, NULL},
  {"GET", "/guan", PERM_PUBLIC, org_page_guan, NULL},
  {"GET", "/yong", PERM_PUBLIC, org_page_yong, NULL},
  {"GET", "/v/{code}", PERM_PUBLIC, org_page_village, NULL},
  /* org: API */
  {"GET", "/api/v1/orgs/{code}", PERM_PUBLIC, org_api_get, NULL},
  {"POST", "/api/v1/orgs", PERM_ORG_EDIT, ident_api_org_create, NULL},
  {"PATCH", "/api/v1/orgs/{code}", PERM_ORG_EDIT, ident_api_org_update, NULL},

  /* identity: pages */
  {"GET", "/login", PERM_PUBLIC, ident_page_login, NULL},
  {"POST", "/login", PERM_PUBLIC, ident_page_login_post, NULL},
  {"POST", "/logout", PERM_LOGIN, ident_page_logout, NULL},
  {"GET", "/me", PERM_LOGIN, ident_page_me, NULL},
  {"GET", "/o/{code}/users", PERM_ORG_VIEW, ident_page_users, NULL},
  {"POST", "/o/{code}/users", PERM_USER_MANAGE, ident_page_users_post, NULL},
  {"GET", "/setup", PERM_PUBLIC, ident_page_setup, NULL},
  {"POST", "/setup", PERM_PUBLIC, ident_page_setup_post, NULL},
  /* identity: API */
  {"POST", "/api/v1/session", PERM_PUBLIC, ident_api_session_create, NULL},
  {"DELETE", "/api/v1/session", PERM_LOGIN, ident_api_session_delete, NULL},
  {"GET", "/api/v1/me", PERM_LOGIN, ident_api_me, NULL},
  {"GET", "/api/v1/orgs/{code}/users", PERM_ORG_VIEW, ident_api_org_users, NULL},
  {"POST", "/api/v1/users", PERM_USER_MANAGE, ident_api_user_create, NULL},
  {"POST", "/api/v1/tokens", PERM_LOGIN, ident_api_token_create, NULL},
  {"DELETE", "/api/v1/tokens/{id}", PERM_LOGIN, ident_api_token_revoke, NULL},

  /* appeals (民事直说): public */
  {"GET", "/v/{code}/appeal", PERM_PUBLIC, appeal_page_form, NULL},
  {"POST", "/v/{code}/appeal", PERM_PUBLIC, appeal_page_submit, NULL},
  {"GET", "/v/{code}/appeal-poster.pdf", PERM_PUBLIC, appeal_pdf_poster, NULL},
  {"GET", "/track", PERM_PUBLIC, appeal_page_track, NULL},
  {"POST", "/track/rate", PERM_PUBLIC, appeal_page_track_rate, NULL},
  {"POST", "/api/v1/public/appeals", PERM_PUBLIC, appeal_api_public_create, NULL},
  {"GET", "/api/v1/public/appeals/{number}", PERM_PUBLIC, appeal_api_public_get, NULL},
  {"POST", "/api/v1/public/appeals/{number}/rating", PERM_PUBLIC, appeal_api_public_rate, NULL},
  /* appeals: cadres */
  {"GET", "/appeals", PERM_APPEAL_VIEW, appeal_page_list, NULL},
  {"GET", "/v/{code}/shuoshi", PERM_APPEAL_VIEW, appeal_page_shuoshi, NULL},
  {"GET", "/v/{code}/shuoshi.pdf", PERM_APPEAL_VIEW, appeal_pdf_shuoshi, NULL},
  {"GET", "/appeals/new", PERM_APPEAL_HANDLE, appeal_page_new, NULL},
  {"POST", "/appeals/new", PERM_APPEAL_HANDLE, appeal_page_new_post, NULL},
  {"GET", "/appeals/{number}", PERM_APPEAL_VIEW, appeal_page_detail, NULL},
  {"POST", "/appeals/{number}/transition", PERM_APPEAL_HANDLE, appeal_page_transition, NULL},
  {"GET", "/api/v1/appeals", PERM_APPEAL_VIEW, appeal_api_list, NULL},
  {"POST", "/api/v1/appeals", PERM_APPEAL_HANDLE, appeal_api_create, NULL},
  {"GET", "/api/v1/appeals/{number}", PERM_APPEAL_VIEW, appeal_api_get, NULL},
  {"GET", "/api/v1/appeals/{number}/contact", PERM_APPEAL_VIEW, appeal_api_contact, NULL},
  {"POST", "/api/v1/appeals/{number}/transitions", PERM_APPEAL_HANDLE, appeal_api_transition, NULL},

  /* appeals: Open311 GeoReport v2 ({file} is NAME.json or NAME.xml) */
  {"GET", "/open311/v2/{file}", PERM_PUBLIC, open311_discovery_or_list, NULL},
  {"POST", "/open311/v2/{file}", PERM_PUBLIC, open311_requests_post, NULL},
  {"GET", "/open311/v2/services/{file}", PERM_PUBLIC, open311_service, NULL},
  {"GET", "/open311/v2/requests/{file}", PERM_PUBLIC, open311_request_get, NULL},

  /* audit */
  {"GET", "/api/v1/audit/head", PERM_PUBLIC, audit_api_head, NULL},
  {"GET", "/api/v1/orgs/{code}/audit", PERM_AUDIT_READ, audit_api_org, NULL},
};
const size_t zd_nroutes = sizeof zd_routes / sizeof zd_routes[0];

const nav_item zd_nav[] = {
  {"Upgrade", "/gai", "Centers, renovation, plaques, inspections"},
  {"Manage", "/guan", "Rules, duty roster, posts, Party members"},
  {"Use", "/yong", "Meetings, villagers' matters, disclosures, activities"},
};
const size_t zd_nav_count = sizeof zd_nav / sizeof zd_nav[0];
