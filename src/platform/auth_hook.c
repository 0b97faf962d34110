/* auth_hook.c — see auth_hook.h. Identity (sessions, tokens) plugs in here. */
#include "auth_hook.h"

int auth_check(req *r, perm p) {
  if (p == PERM_PUBLIC) return ZD_OK;
  return zd_fail(&r->err, ZD_EUNAUTH, "Please log in.");
}
