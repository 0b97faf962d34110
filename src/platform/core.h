/*
** core.h — handlers every deployment has, whatever its modules:
** health, metrics, embedded static files, the language switch.
*/
#ifndef ZD_CORE_H
#define ZD_CORE_H
#include "req.h"

int core_healthz(req *r);
int core_metrics(req *r);
int core_static(req *r);
int core_lang(req *r);

#endif
