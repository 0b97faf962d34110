/* image.c — see image.h. */
#include "image.h"
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <setjmp.h>
#include <string.h>
#include <webp/decode.h>

typedef struct jerr {
  struct jpeg_error_mgr mgr;
  jmp_buf jb;
} jerr;

static void on_error(j_common_ptr c) { longjmp(((jerr *)c->err)->jb, 1); }
static void on_message(j_common_ptr c) { (void)c; }

static int jpeg_size(const unsigned char *d, size_t len, int *w, int *h) {
  struct jpeg_decompress_struct c;
  jerr e;
  c.err = jpeg_std_error(&e.mgr);
  e.mgr.error_exit = on_error;
  e.mgr.output_message = on_message;
  if (setjmp(e.jb)) {
    jpeg_destroy_decompress(&c);
    return 0;
  }
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, d, (unsigned long)len);
  int ok = jpeg_read_header(&c, TRUE) == JPEG_HEADER_OK;
  if (ok) {
    *w = (int)c.image_width;
    *h = (int)c.image_height;
    if ((unsigned long long)*w * (unsigned long long)*h > IMG_MAX_PIXELS) {
      jpeg_destroy_decompress(&c);
      return 1; /* the caller refuses it by size, without decoding */
    }
    /* decode it all (scaled down 1/8, which is cheap): a truncated or corrupt
    ** file shows up as a libjpeg warning */
    c.scale_num = 1;
    c.scale_denom = 8;
    c.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&c);
    JSAMPLE row[4096];
    JSAMPROW rows[1] = {row};
    while (c.output_scanline < c.output_height) {
      if (c.output_width > sizeof row) { ok = 0; break; }
      jpeg_read_scanlines(&c, rows, 1);
    }
    if (ok) jpeg_finish_decompress(&c);
    if (e.mgr.num_warnings > 0) ok = 0;
  }
  jpeg_destroy_decompress(&c);
  return ok;
}

static unsigned be32(const unsigned char *p) {
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

img_type image_probe(const void *data, size_t len, int *w, int *h, const char **why) {
  const unsigned char *d = data;
  *w = *h = 0;
  *why = "The file is not a photo (JPEG, PNG or WebP).";
  img_type t = IMG_NONE;
  if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
    if (!jpeg_size(d, len, w, h)) { *why = "The JPEG file is damaged."; return IMG_NONE; }
    t = IMG_JPEG;
  } else if (len >= 24 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
    if (memcmp(d + 12, "IHDR", 4) != 0) { *why = "The PNG file is damaged."; return IMG_NONE; }
    unsigned pw = be32(d + 16), ph = be32(d + 20);
    if (pw == 0 || ph == 0 || pw > 100000 || ph > 100000) { *why = "The PNG file is damaged."; return IMG_NONE; }
    *w = (int)pw;
    *h = (int)ph;
    t = IMG_PNG;
  } else if (len >= 16 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) {
    if (!WebPGetInfo(d, len, w, h)) { *why = "The WebP file is damaged."; return IMG_NONE; }
    t = IMG_WEBP;
  } else {
    return IMG_NONE;
  }
  if (*w <= 0 || *h <= 0 || (unsigned long long)*w * (unsigned long long)*h > IMG_MAX_PIXELS) {
    *why = "The picture is too large (at most 40 megapixels).";
    return IMG_NONE;
  }
  *why = NULL;
  return t;
}

const char *image_mime(img_type t) {
  return t == IMG_JPEG ? "image/jpeg" : t == IMG_PNG ? "image/png" : t == IMG_WEBP ? "image/webp" : NULL;
}
const char *image_ext(img_type t) {
  return t == IMG_JPEG ? "jpg" : t == IMG_PNG ? "png" : t == IMG_WEBP ? "webp" : "";
}
