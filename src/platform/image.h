/*
** image.h — what an uploaded file really is, decided by its content (never by
** its name or the type the client claims): JPEG, PNG or WebP with sane
** dimensions, or refused.
*/
#ifndef ZD_IMAGE_H
#define ZD_IMAGE_H
#include <stddef.h>

typedef enum { IMG_NONE, IMG_JPEG, IMG_PNG, IMG_WEBP } img_type;

#define IMG_MAX_PIXELS (40u * 1000u * 1000u) /* refuses decompression bombs */

/* The type and size from the header; IMG_NONE when it is not one of ours or
** its header does not parse. *why says why (msgid). */
img_type image_probe(const void *data, size_t len, int *w, int *h, const char **why);
const char *image_mime(img_type t);
const char *image_ext(img_type t);

#endif
