/*
** err.h — the error codes every layer returns, and the one place that maps
** them to an HTTP status and a stable API code string.
**
** Functions return ZD_OK (0) or a negative ZD_E* code and, where a person
** should read why, fill a zd_error with a message (English source text; the
** page layer translates it through the catalogue).
*/
#ifndef ZD_ERR_H
#define ZD_ERR_H

enum {
  ZD_OK = 0,
  ZD_DEFERRED = 1,      /* not an error: the handler queued its write (req_defer); the reply follows */
  ZD_EINVAL = -1,       /* 400 bad input */
  ZD_EUNAUTH = -2,      /* 401 not logged in */
  ZD_EFORBIDDEN = -3,   /* 403 */
  ZD_ENOTFOUND = -4,    /* 404 (also: outside the caller's scope) */
  ZD_EMETHOD = -5,      /* 405 */
  ZD_ECONFLICT = -6,    /* 409 state does not allow it */
  ZD_ETOOBIG = -7,      /* 413 */
  ZD_EMEDIA = -8,       /* 415 */
  ZD_ERATE = -9,        /* 429 */
  ZD_EINTERNAL = -10,   /* 500 */
  ZD_EUNAVAIL = -11,    /* 503 database down, shutting down */
  ZD_ESCHEMA = -12,     /* database schema newer than the binary */
  ZD_EDB = -13          /* database error (500) */
};

#define ZD_ERRMSG_MAX 256

typedef struct zd_error {
  int rc;
  char msg[ZD_ERRMSG_MAX];
} zd_error;

/* Record rc and a printf-style message; returns rc so callers can `return zd_fail(...)`. */
int zd_fail(zd_error *e, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int zd_http_status(int rc);        /* ZD_E* -> HTTP status */
const char *zd_code_name(int rc);  /* ZD_E* -> "invalid_input", "not_found", ... */
const char *zd_default_msg(int rc);/* English default message */

#endif
