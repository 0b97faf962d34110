/* assets.c — lookup of embedded files; see assets.h. */
#include "assets.h"
#include <string.h>

const zd_asset *asset_find(const char *path) {
  for (const zd_asset *a = zd_assets; a->path; a++)
    if (strcmp(a->path, path) == 0) return a;
  return NULL;
}

const char *asset_mime(const char *path) {
  static const struct { const char *ext, *mime; } types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
  };
  const char *dot = strrchr(path, '.');
  if (!dot) return NULL;
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(dot, types[i].ext) == 0) return types[i].mime;
  return NULL;
}
