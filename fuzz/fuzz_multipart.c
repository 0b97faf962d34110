/*
** fuzz_multipart.c — libFuzzer target: multipart/form-data uploads as the photo
** form receives them: the boundary from the Content-Type header, the parts of
** the body, and the content check of each file part (image_probe: JPEG fully
** decoded, PNG and WebP headers).
**
** Input: a Content-Type line, "\n", then the body. Checked: every part lies
** inside the body, names are NUL-terminated within their fields, at most `max`
** parts come back, and a probed image has a size within the limit.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "platform/image.h"
#include "platform/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *d = (const char *)data;
  const char *nl = memchr(d, '\n', size);
  if (!nl || nl - d > 300) return 0;
  char ct[301];
  memcpy(ct, d, (size_t)(nl - d));
  ct[nl - d] = 0;
  const char *body = nl + 1;
  size_t len = size - (size_t)(body - d);
  /* a copy of exactly len bytes, so that ASan sees any read past the body */
  char *copy = malloc(len ? len : 1);
  if (!copy) return 0;
  if (len) memcpy(copy, body, len);

  char boundary[80];
  if (multipart_boundary(ct, boundary, sizeof boundary)) {
    if (!boundary[0] || strlen(boundary) > 70) abort();
    mpart parts[24];
    int n = multipart_parse(copy, len, boundary, parts, 24);
    if (n > 24) abort();
    for (int i = 0; i < n; i++) {
      const mpart *m = &parts[i];
      if (m->data < copy || m->data + m->len > copy + len) abort();
      if (!memchr(m->name, 0, sizeof m->name) || !memchr(m->filename, 0, sizeof m->filename) ||
          !memchr(m->content_type, 0, sizeof m->content_type))
        abort();
      if (!m->name[0]) abort();
      if (m->filename[0] && m->len) {
        int w = 0, h = 0;
        const char *why = NULL;
        img_type t = image_probe(m->data, m->len, &w, &h, &why);
        if (t != IMG_NONE && (w <= 0 || h <= 0 || (unsigned long long)w * (unsigned long long)h > IMG_MAX_PIXELS)) abort();
        if (t == IMG_NONE && !why) abort();
      }
    }
  }
  free(copy);
  return 0;
}
