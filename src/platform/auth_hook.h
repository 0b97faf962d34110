/*
** auth_hook.h — the permission check every route passes through before its
** handler runs. Deny by default: a route that needs anything but PERM_PUBLIC
** is refused until the caller is identified with that permission.
** Implemented by the identity module (modules/identity/identity_auth.c):
** it identifies the caller (session cookie or Bearer token), checks the CSRF
** token of unsafe cookie requests, and the route's permission.
*/
#ifndef ZD_AUTH_HOOK_H
#define ZD_AUTH_HOOK_H
#include "req.h"
#include "route.h"

int auth_check(req *r, perm p);

#endif
