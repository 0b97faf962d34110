/*
** routes.c — the one route table: method + path pattern -> handler, with the
** permission each needs. A new module adds its lines here and nothing else in
** platform/. Order matters only between patterns that overlap.
*/
#include "routes.h"
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
};
const size_t zd_nroutes = sizeof zd_routes / sizeof zd_routes[0];

const nav_item zd_nav[] = {
  {"Upgrade", "/gai", "Centers, renovation, plaques, inspections"},
  {"Manage", "/guan", "Rules, duty roster, posts, Party members"},
  {"Use", "/yong", "Meetings, villagers' matters, disclosures, activities"},
};
const size_t zd_nav_count = sizeof zd_nav / sizeof zd_nav[0];
