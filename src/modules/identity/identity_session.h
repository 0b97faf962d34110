/* identity_session.h — login/logout shared by pages and API (module-internal). */
#ifndef ZD_IDENTITY_SESSION_H
#define ZD_IDENTITY_SESSION_H
#include "platform/req.h"

/* Check credentials (rate-limited, capped hashing) and open a session;
** sid and csrf receive the new secrets. */
int ident_login(req *r, const char *login, const char *password, char *sid, size_t sidlen, char *csrf, size_t csrflen);
void ident_set_session_cookie(req *r, const char *sid, int max_age);
int ident_logout(req *r);

#endif
