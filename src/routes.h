/* routes.h — the application's route table (routes.c). */
#ifndef ZD_ROUTES_H
#define ZD_ROUTES_H
#include <stddef.h>
#include "platform/route.h"

extern const route zd_routes[];
extern const size_t zd_nroutes;

#endif
