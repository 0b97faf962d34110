/*
** multipart.h — multipart/form-data parsing of a body held in memory (pure;
** fuzzed). Parts point into the body; nothing is copied.
*/
#ifndef ZD_MULTIPART_H
#define ZD_MULTIPART_H
#include <stddef.h>

typedef struct mpart {
  char name[64];
  char filename[128];     /* "" for a plain field */
  char content_type[64];  /* as sent; never trusted */
  const char *data;
  size_t len;
} mpart;

/* The boundary parameter of a Content-Type header, into out; 0 if absent/bad. */
int multipart_boundary(const char *content_type, char *out, size_t n);
/* Parse; returns the number of parts, or -1 (malformed, or more than max). */
int multipart_parse(const char *body, size_t len, const char *boundary, mpart *parts, int max);

#endif
