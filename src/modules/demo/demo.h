/*
** demo.h — the article's township as demo data: 两当县 → 站儿巷镇 and its
** villages, each with its center and Party branch, and one demo user per role.
*/
#ifndef ZD_DEMO_H
#define ZD_DEMO_H
#include <stddef.h>
#include "platform/db.h"

typedef struct demo_user {
  const char *login, *display, *role, *scope;
} demo_user;

extern const demo_user demo_users[];
extern const size_t demo_user_count;

/* Load into an empty, migrated database; demo users get `password`.
** ZD_ECONFLICT if organisations are already there. */
int demo_load(db *d, const char *password, zd_error *e);

#endif
