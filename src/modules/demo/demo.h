/*
** demo.h — the article's township as demo data: 两当县 → 站儿巷镇 and its
** villages, each with its center (the four renovated in 2024 first).
*/
#ifndef ZD_DEMO_H
#define ZD_DEMO_H
#include "platform/db.h"

/* Load into an empty, migrated database. ZD_ECONFLICT if data is already there. */
int demo_load(db *d, const char *password, zd_error *e);

#endif
