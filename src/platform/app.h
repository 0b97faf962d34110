/*
** app.h — what a running server holds: configuration, database, catalogue,
** metrics and the route table. Built once at startup and then only read
** (metrics counters are atomics).
*/
#ifndef ZD_APP_H
#define ZD_APP_H
#include <stddef.h>
#include "config.h"
#include "db.h"
#include "group.h"
#include "i18n.h"
#include "metrics.h"
#include "ratelimit.h"
#include "route.h"

typedef struct app {
  const zd_config *cfg;
  db *db;
  i18n *cat;
  metrics *metrics;
  const route *routes;
  size_t nroutes;
  const char **route_names;  /* metrics labels, one per route */
  ratelimit *limits;         /* failed logins, public submissions */
  void *hash_slots;          /* sem_t: caps concurrent password hashes */
  group *group;              /* group commit of short writes (NULL: every write on its own) */
} app;

#endif
