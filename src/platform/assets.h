/*
** assets.h — files embedded in the binary at build time (static/, sql/, po/).
*/
#ifndef ZD_ASSETS_H
#define ZD_ASSETS_H
#include <stddef.h>

typedef struct zd_asset {
  const char *path;   /* e.g. "static/style.css", "sql/0001_org.sql" */
  const char *data;   /* NUL-terminated */
  size_t len;
  const char *etag;   /* quoted, content-derived */
} zd_asset;

extern const zd_asset zd_assets[]; /* ends with a zeroed entry */

const zd_asset *asset_find(const char *path);
/* Content-Type from the file extension; NULL for an extension we never serve. */
const char *asset_mime(const char *path);

#endif
