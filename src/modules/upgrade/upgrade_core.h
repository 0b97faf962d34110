/* upgrade_core.h — module-internal helpers of 改 shared by the API and the pages. */
#ifndef ZD_UPGRADE_CORE_H
#define ZD_UPGRADE_CORE_H
#include <jansson.h>
#include "upgrade.h"
#include "upgrade_store.h"
#include "modules/identity/identity.h"
#include "modules/org/org.h"
#include "platform/resp.h"
#include "platform/text.h"

void upg_actor(req *r, char *out, size_t n); /* "user:<login>" */
/* May the caller use p at org_id (scope: org_closure below a granting role)? */
int upg_allows(req *r, perm p, long long org_id);
/* The village (or community) with this code if p is allowed there (PERM_PUBLIC:
** any village); otherwise ZD_ENOTFOUND with a message, as if it did not exist. */
int upg_village(req *r, const char *code, perm p, org *v);
int upg_township(req *r, const char *code, perm p, org *t);
/* A positive integer route capture ({id}); ZD_ENOTFOUND when malformed. */
int upg_id_param(req *r, const char *name, long long *id);
/* The project {id} if p is allowed at its village; ZD_ENOTFOUND otherwise. */
int upg_project_scoped(req *r, const char *param, perm p, upg_project *pr);
int upg_fund_scoped(req *r, const char *param, perm p, upg_fund *f);
int upg_finding_scoped(req *r, const char *param, perm p, upg_finding *f);
int upg_plaque_scoped(req *r, const char *param, perm p, upg_plaque *pl);

/* One write transaction: begin (NULL on failure, r->err set) ... end (commit when
** rc is ZD_OK, else roll back; always releases). Returns the final rc. */
db_conn *upg_begin(req *r);
int upg_end(req *r, db_conn *w, int rc);

/* JSON of an upload reference: {"sha256","url","thumb_url"} or null for "". */
json_t *upg_photo_json(const char *sha);
/* Users by login who may use p in org_id; ZD_EINVAL naming the field otherwise. */
int upg_user_in_scope(db_conn *c, const char *login, perm p, long long org_id, long long *id, zd_error *e);

/* JSON input: fields of an object, 400 naming the field when wrong. NULL/absent
** is "not given" (an error only when required). */
int upg_str_field(req *r, json_t *j, const char *key, size_t max, int required, const char **out);
int upg_int_field(req *r, json_t *j, const char *key, long long lo, long long hi, long long *out, int *present);
int upg_bool_field(req *r, json_t *j, const char *key, int *out);
/* 400 on a key that is not in the NULL-terminated list. */
int upg_only_keys(req *r, json_t *j, const char *const *keys);

/* Shared by the API and the pages (upgrade_api.c). */
int upg_center_json(req *r, const org *v, int internal, json_t **out);
json_t *upg_plaque_json(req *r, const upg_plaque *p, const upg_wl *wl);
int upg_campaign_json(req *r, const org *t, json_t **out);
/* (upgrade_project_api.c) */
json_t *upg_project_summary_json(req *r, const upg_project *p);
int upg_project_detail_json(req *r, long long id, json_t **out);
/* (upgrade_project_pages.c) The pages of funds and projects, shown again by
** their forms (upgrade_project_forms.c) with `error` (translated) and the input
** of the form named `form` ("item", "spending", "photo", "allocation", ...). */
int upg_project_page(req *r, long long id, const char *form, const char *error, int status);
int upg_fund_page(req *r, long long id, const char *form, const char *error, int status);
int upg_funds_page(req *r, const org *township, const char *error, int status);
/* The facts the status rules look at, from a loaded project. */
void upg_project_facts_of(const upg_project_detail *d, upg_project_facts *f);
/* (upgrade_inspect_api.c) */
json_t *upg_finding_json(req *r, const upg_finding *f, long long now);

/* Pages shown again with a message and the status (upgrade_pages.c), and the
** forms on them (upgrade_center_pages.c). */
int upg_center_page(req *r, const org *v, const char *error, int status);
int upg_campaign_page(req *r, const org *t, const char *error, int status);
void upg_plaque_add_form(req *r, buf *b, const org *v);
void upg_whitelist_form(req *r, buf *b, const org *t, json_t *whitelist);

/* HTML bits */
void upg_money_html(buf *b, long long fen);
void upg_thumb_html(req *r, buf *b, const char *sha, const char *alt);
void upg_date_html(buf *b, long long t);

/* Store one uploaded photo (type by content, EXIF-free public copy and
** thumbnail, original private) and register it (upgrade_api.c). */
int upg_photo_save(req *r, const mpart *f, long long org_id, upg_upload *u, int *created);

#endif
