/*
** route.h — the route table: method + path pattern -> handler, with the
** permission each route needs. Patterns are literal segments and {name}
** captures ("/v/{code}"); a capture matches one non-empty segment.
*/
#ifndef ZD_ROUTE_H
#define ZD_ROUTE_H
#include <stddef.h>
#include "text.h"

struct req;
typedef int (*handler_fn)(struct req *r);

/* Permissions. PERM_PUBLIC needs nothing; everything else needs a login with
** that permission in scope (identity module). Unknown => denied. */
typedef enum perm {
  PERM_PUBLIC = 0,
  PERM_LOGIN,         /* any logged-in user */
  PERM_ORG_VIEW,      /* internal records of organisations in scope */
  PERM_ORG_EDIT,      /* change organisations in scope */
  PERM_USER_MANAGE,   /* create users and give roles in scope */
  PERM_AUDIT_READ,    /* read the audit trail of organisations in scope */
  PERM_PERSONAL_READ, /* read personal data (logged) */
  PERM_APPEAL_VIEW,   /* see the appeals (民事直说) of organisations in scope */
  PERM_APPEAL_HANDLE, /* enter, assign, handle and answer appeals in scope */
  PERM_DUTY_SELF,     /* one's own duty at a village in scope: check-in, whereabouts, duty log, swap requests */
  PERM_DUTY_MANAGE,   /* run a village's duty in scope: roster, swap approval, hours, holidays, posts, deeds */
  PERM_UPGRADE_EDIT,  /* 改: center data, function areas, checklist, plaques, project items and status */
  PERM_UPGRADE_RECORD,/* 改: spending entries, project photos, reporting a rectification done */
  PERM_UPGRADE_MANAGE,/* 改: funds, allocations, over-budget approvals, the plaque whitelist */
  PERM_INSPECT,       /* 改: inspection visits, findings, re-inspections */
  PERM_UPLOAD,        /* upload photos */
  PERM_COUNT
} perm;

typedef struct route {
  const char *method;   /* "GET", "POST", ... (HEAD is served by GET) */
  const char *pattern;
  perm perm;
  handler_fn fn;
  const char *name;     /* metrics label; defaults to "METHOD pattern" */
  size_t max_body;      /* bytes accepted in the body; 0 = the server's --max-body */
} route;

enum { ROUTE_NONE = -1, ROUTE_BAD_METHOD = -2 };

/* Find the route for method+path. Returns its index, ROUTE_NONE when no
** pattern matches the path, ROUTE_BAD_METHOD when one matches with another
** method (then *allow lists the methods, comma-separated, in allow[allow_len]).
** Captures are appended to params. */
int route_match(const route *tab, size_t n, const char *method, const char *path, kvlist *params,
                char *allow, size_t allow_len);
/* The captures of route i (which route_match found for this path) into params; -1 if one is too long. */
int route_captures(const route *tab, int i, const char *path, kvlist *params);

#endif
