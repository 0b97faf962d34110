/*
** config.h — startup configuration: set once from the command line before the
** server starts, read-only afterwards (the only "global" state there is, and it
** is passed around, not global).
*/
#ifndef ZD_CONFIG_H
#define ZD_CONFIG_H
#include <stddef.h>

typedef struct zd_config {
  const char *db;          /* database path or URL */
  const char *listen;      /* "127.0.0.1:8080" */
  const char *data_dir;    /* uploads and other files */
  int workers;             /* HTTP worker threads = read connections */
  size_t max_body;         /* bytes; larger bodies get 413 */
  size_t max_header;       /* per-connection memory for headers (MHD) */
  int max_params;          /* query + form parameters per request */
  int timeout;             /* seconds a connection may stay idle / a request may take */
  int sync_full;           /* SQLite synchronous=FULL */
  int quiet;               /* no access log */
  int public_rate;         /* public submissions per client address per hour */
  int trust_proxy;         /* take the client address from X-Forwarded-For (behind nginx) */
  const char *public_url;  /* "https://zhendi.example.gov.cn" for printed QR codes; NULL: from Host */
} zd_config;

void config_defaults(zd_config *c);

#define ZD_DEFAULT_DB "zhendi.db"
#define ZD_DEFAULT_LISTEN "127.0.0.1:8080"

#endif
