/*
** upgrade_image.c — the public copy and the thumbnail of an uploaded photo.
**
** The pixels are decoded (libjpeg with DCT scaling, libpng row by row, libwebp
** with its scaler, so a large photo never needs its full size in memory),
** turned upright by the EXIF orientation, shrunk by area averaging and written
** as new JPEG files. Only pixels travel: no EXIF, XMP, ICC or comment segment of
** the original is copied, so GPS positions and camera data stay in the original.
*/
#include <stdint.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>
#include "upgrade.h"
#include "platform/err.h"

typedef struct rgb {
  unsigned char *px; /* 3 bytes per pixel, rows packed */
  int w, h;
} rgb;

static void rgb_free(rgb *im) {
  free(im->px);
  im->px = NULL;
  im->w = im->h = 0;
}

static int rgb_alloc(rgb *im, int w, int h) {
  im->w = w;
  im->h = h;
  im->px = malloc((size_t)w * (size_t)h * 3);
  return im->px ? 0 : -1;
}

/* Long side <= max: the size to scale (w, h) to. */
static void fit(int w, int h, int max, int *ow, int *oh) {
  if (w <= max && h <= max) { *ow = w; *oh = h; return; }
  if (w >= h) {
    *ow = max;
    *oh = (int)(((long long)h * max + w / 2) / w);
  } else {
    *oh = max;
    *ow = (int)(((long long)w * max + h / 2) / h);
  }
  if (*ow < 1) *ow = 1;
  if (*oh < 1) *oh = 1;
}

/* Integer box reduction fed one row at a time: each k×k block becomes a pixel. */
typedef struct reducer {
  int w, h, k, ow, oh, band, y;
  uint32_t *acc;
  rgb out;
} reducer;

static int reducer_init(reducer *rd, int w, int h, int k) {
  memset(rd, 0, sizeof *rd);
  rd->w = w;
  rd->h = h;
  rd->k = k < 1 ? 1 : k;
  rd->ow = (w + rd->k - 1) / rd->k;
  rd->oh = (h + rd->k - 1) / rd->k;
  rd->acc = calloc((size_t)rd->ow * 3, sizeof *rd->acc);
  if (!rd->acc || rgb_alloc(&rd->out, rd->ow, rd->oh)) { free(rd->acc); rgb_free(&rd->out); return -1; }
  return 0;
}

static void reducer_row(reducer *rd, const unsigned char *row) {
  for (int x = 0; x < rd->w; x++) {
    uint32_t *a = rd->acc + (size_t)(x / rd->k) * 3;
    a[0] += row[x * 3];
    a[1] += row[x * 3 + 1];
    a[2] += row[x * 3 + 2];
  }
  rd->band++;
  if (rd->band == rd->k || rd->y == rd->h - 1) {
    int oy = rd->y / rd->k;
    unsigned char *o = rd->out.px + (size_t)oy * rd->ow * 3;
    for (int ox = 0; ox < rd->ow; ox++) {
      int cols = ox == rd->ow - 1 ? rd->w - ox * rd->k : rd->k;
      uint32_t n = (uint32_t)cols * (uint32_t)rd->band;
      for (int c = 0; c < 3; c++) o[ox * 3 + c] = (unsigned char)((rd->acc[ox * 3 + c] + n / 2) / n);
    }
    memset(rd->acc, 0, (size_t)rd->ow * 3 * sizeof *rd->acc);
    rd->band = 0;
  }
  rd->y++;
}

static void reducer_done(reducer *rd, rgb *out) {
  free(rd->acc);
  *out = rd->out;
}

/* Area-averaging resize to (ow, oh) <= (w, h). */
static int resize(const rgb *in, int ow, int oh, rgb *out) {
  if (ow == in->w && oh == in->h) {
    if (rgb_alloc(out, ow, oh)) return -1;
    memcpy(out->px, in->px, (size_t)ow * oh * 3);
    return 0;
  }
  /* horizontal pass into floats, then vertical */
  float *tmp = malloc((size_t)ow * in->h * 3 * sizeof *tmp);
  if (!tmp || rgb_alloc(out, ow, oh)) { free(tmp); return -1; }
  double sx = (double)in->w / ow, sy = (double)in->h / oh;
  for (int y = 0; y < in->h; y++) {
    const unsigned char *row = in->px + (size_t)y * in->w * 3;
    for (int ox = 0; ox < ow; ox++) {
      double x0 = ox * sx, x1 = x0 + sx, acc[3] = {0, 0, 0};
      for (int x = (int)x0; x < in->w && x < x1; x++) {
        double wgt = (x + 1 < x1 ? x + 1 : x1) - (x > x0 ? x : x0);
        for (int c = 0; c < 3; c++) acc[c] += wgt * row[x * 3 + c];
      }
      for (int c = 0; c < 3; c++) tmp[((size_t)y * ow + ox) * 3 + c] = (float)(acc[c] / sx);
    }
  }
  for (int oy = 0; oy < oh; oy++) {
    double y0 = oy * sy, y1 = y0 + sy;
    for (int ox = 0; ox < ow; ox++) {
      double acc[3] = {0, 0, 0};
      for (int y = (int)y0; y < in->h && y < y1; y++) {
        double wgt = (y + 1 < y1 ? y + 1 : y1) - (y > y0 ? y : y0);
        for (int c = 0; c < 3; c++) acc[c] += wgt * tmp[((size_t)y * ow + ox) * 3 + c];
      }
      for (int c = 0; c < 3; c++) {
        double v = acc[c] / sy + 0.5;
        out->px[((size_t)oy * ow + ox) * 3 + c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
      }
    }
  }
  free(tmp);
  return 0;
}

/* Turn the image upright for an EXIF orientation (2..8). */
static int orient(rgb *im, int o) {
  if (o < 2 || o > 8) return 0;
  int swap = o >= 5;
  int nw = swap ? im->h : im->w, nh = swap ? im->w : im->h;
  rgb out;
  if (rgb_alloc(&out, nw, nh)) return -1;
  for (int y = 0; y < im->h; y++)
    for (int x = 0; x < im->w; x++) {
      int dx, dy;
      switch (o) {
        case 2: dx = im->w - 1 - x; dy = y; break;
        case 3: dx = im->w - 1 - x; dy = im->h - 1 - y; break;
        case 4: dx = x; dy = im->h - 1 - y; break;
        case 5: dx = y; dy = x; break;
        case 6: dx = im->h - 1 - y; dy = x; break;
        case 7: dx = im->h - 1 - y; dy = im->w - 1 - x; break;
        default: dx = y; dy = im->w - 1 - x; break; /* 8 */
      }
      memcpy(out.px + ((size_t)dy * nw + dx) * 3, im->px + ((size_t)y * im->w + x) * 3, 3);
    }
  rgb_free(im);
  *im = out;
  return 0;
}

/* --- JPEG --- */

typedef struct jerr {
  struct jpeg_error_mgr mgr;
  jmp_buf jb;
} jerr;

static void j_error(j_common_ptr c) { longjmp(((jerr *)c->err)->jb, 1); }
static void j_message(j_common_ptr c) { (void)c; }

static int decode_jpeg(const unsigned char *d, size_t len, int target, rgb *out, const char **why) {
  struct jpeg_decompress_struct c;
  jerr e;
  unsigned char *volatile row = NULL;
  rgb im = {NULL, 0, 0};
  rgb *volatile imp = &im;
  c.err = jpeg_std_error(&e.mgr);
  e.mgr.error_exit = j_error;
  e.mgr.output_message = j_message;
  if (setjmp(e.jb)) {
    jpeg_destroy_decompress(&c);
    free(row);
    rgb_free(imp);
    *why = "The JPEG file is damaged.";
    return -1;
  }
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, d, (unsigned long)len);
  if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK) longjmp(e.jb, 1);
  int max = c.image_width > c.image_height ? (int)c.image_width : (int)c.image_height;
  int denom = 1;
  while (denom < 8 && max / (denom * 2) >= target) denom *= 2;
  c.scale_num = 1;
  c.scale_denom = (unsigned)denom;
  int cmyk = c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK;
  c.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&c);
  int w = (int)c.output_width, h = (int)c.output_height, n = c.output_components;
  if (w <= 0 || h <= 0 || (n != 3 && n != 4)) longjmp(e.jb, 1);
  if (rgb_alloc(&im, w, h)) longjmp(e.jb, 1);
  row = malloc((size_t)w * (size_t)n);
  if (!row) longjmp(e.jb, 1);
  while (c.output_scanline < c.output_height) {
    JSAMPROW rows[1] = {row};
    int y = (int)c.output_scanline;
    if (jpeg_read_scanlines(&c, rows, 1) != 1) longjmp(e.jb, 1);
    unsigned char *o = im.px + (size_t)y * w * 3;
    if (n == 3) {
      memcpy(o, row, (size_t)w * 3);
    } else { /* CMYK: Adobe files store it inverted */
      int inv = c.saw_Adobe_marker;
      for (int x = 0; x < w; x++) {
        unsigned k = row[x * 4 + 3];
        for (int ch = 0; ch < 3; ch++) {
          unsigned v = row[x * 4 + ch];
          o[x * 3 + ch] = (unsigned char)(inv ? v * k / 255 : (255 - v) * (255 - k) / 255);
        }
      }
    }
  }
  jpeg_finish_decompress(&c);
  int warned = e.mgr.num_warnings > 0;
  jpeg_destroy_decompress(&c);
  free(row);
  if (warned) { /* a truncated or corrupt file shows up as a warning */
    rgb_free(&im);
    *why = "The JPEG file is damaged.";
    return -1;
  }
  *out = im;
  return 0;
}

static int encode_jpeg(const rgb *im, int quality, int progressive, buf *out) {
  struct jpeg_compress_struct c;
  jerr e;
  unsigned char *m = NULL; /* its address goes to libjpeg, so it lives in memory across longjmp */
  unsigned long size = 0;
  c.err = jpeg_std_error(&e.mgr);
  e.mgr.error_exit = j_error;
  e.mgr.output_message = j_message;
  if (setjmp(e.jb)) {
    jpeg_destroy_compress(&c);
    free(m);
    return -1;
  }
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, &m, &size);
  c.image_width = (JDIMENSION)im->w;
  c.image_height = (JDIMENSION)im->h;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  c.optimize_coding = TRUE;
  if (progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE); /* writes SOI and the JFIF APP0 only */
  while (c.next_scanline < c.image_height) {
    JSAMPROW rows[1] = {im->px + (size_t)c.next_scanline * im->w * 3};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  buf_reset(out);
  buf_append(out, (const char *)m, size);
  jpeg_destroy_compress(&c);
  free(m);
  return buf_ok(out) ? 0 : -1;
}

/* --- PNG --- */

typedef struct pngsrc {
  const unsigned char *d;
  size_t len, pos;
} pngsrc;

static void p_read(png_structp png, png_bytep out, size_t n) {
  pngsrc *s = png_get_io_ptr(png);
  if (n > s->len - s->pos) png_error(png, "truncated");
  memcpy(out, s->d + s->pos, n);
  s->pos += n;
}
static void p_error(png_structp png, png_const_charp msg) {
  (void)msg;
  png_longjmp(png, 1);
}
static void p_warning(png_structp png, png_const_charp msg) { (void)png; (void)msg; }

/* Composite an RGBA row over white into RGB. */
static void over_white(const unsigned char *rgba, int w, unsigned char *o) {
  for (int x = 0; x < w; x++) {
    unsigned a = rgba[x * 4 + 3];
    for (int c = 0; c < 3; c++) o[x * 3 + c] = (unsigned char)((rgba[x * 4 + c] * a + 255 * (255 - a) + 127) / 255);
  }
}

#define PNG_INTERLACED_MAX_PIXELS (16u * 1000u * 1000u)

static int decode_png(const unsigned char *d, size_t len, int target, rgb *out, const char **why) {
  pngsrc src = {d, len, 0};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, p_error, p_warning);
  if (!png) { *why = "The PNG file is damaged."; return -1; }
  png_infop info = png_create_info_struct(png);
  unsigned char *volatile row = NULL, *volatile rgbrow = NULL, *volatile full = NULL;
  png_bytep *volatile rows = NULL;
  reducer rd;
  volatile int have_rd = 0;
  *why = "The PNG file is damaged.";
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, info ? &info : NULL, NULL);
    free(row);
    free(rgbrow);
    free(full);
    free(rows);
    if (have_rd) { rgb o; reducer_done(&rd, &o); rgb_free(&o); }
    return -1;
  }
  png_set_read_fn(png, &src, p_read);
  png_set_user_limits(png, 100000, 100000);
  png_set_chunk_cache_max(png, 256);
  png_set_chunk_malloc_max(png, 8u << 20); /* a zTXt or iCCP bomb stops here */
  png_read_info(png, info);
  png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  if (!w || !h || (unsigned long long)w * h > IMG_MAX_PIXELS) {
    *why = "The picture is too large (at most 40 megapixels).";
    png_longjmp(png, 1);
  }
  int ct = png_get_color_type(png, info);
  png_set_expand(png);
  png_set_strip_16(png);
  if (ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
  int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_rowbytes(png, info) != (size_t)w * 4) png_longjmp(png, 1);
  int max = (int)(w > h ? w : h);
  if (reducer_init(&rd, (int)w, (int)h, max / target > 1 ? max / target : 1)) png_longjmp(png, 1);
  have_rd = 1;
  rgbrow = malloc((size_t)w * 3);
  if (!rgbrow) png_longjmp(png, 1);
  if (passes > 1) { /* interlaced: libpng needs the whole image */
    if ((unsigned long long)w * h > PNG_INTERLACED_MAX_PIXELS) {
      *why = "The picture is too large (at most 40 megapixels).";
      png_longjmp(png, 1);
    }
    full = malloc((size_t)w * h * 4);
    rows = malloc(sizeof(png_bytep) * h);
    if (!full || !rows) png_longjmp(png, 1);
    for (png_uint_32 y = 0; y < h; y++) rows[y] = full + (size_t)y * w * 4;
    png_read_image(png, rows);
    for (png_uint_32 y = 0; y < h; y++) {
      over_white(rows[y], (int)w, rgbrow);
      reducer_row(&rd, rgbrow);
    }
  } else {
    row = malloc((size_t)w * 4);
    if (!row) png_longjmp(png, 1);
    for (png_uint_32 y = 0; y < h; y++) {
      png_read_row(png, row, NULL);
      over_white(row, (int)w, rgbrow);
      reducer_row(&rd, rgbrow);
    }
  }
  png_read_end(png, NULL);
  png_destroy_read_struct(&png, &info, NULL);
  free(row);
  free(rgbrow);
  free(full);
  free(rows);
  reducer_done(&rd, out);
  *why = NULL;
  return 0;
}

/* --- WebP --- */

static int decode_webp(const unsigned char *d, size_t len, int target, rgb *out, const char **why) {
  WebPDecoderConfig cfg;
  *why = "The WebP file is damaged.";
  if (!WebPInitDecoderConfig(&cfg) || WebPGetFeatures(d, len, &cfg.input) != VP8_STATUS_OK) return -1;
  if (cfg.input.has_animation) { *why = "Animated pictures are not accepted."; return -1; }
  int w = cfg.input.width, h = cfg.input.height, ow, oh;
  fit(w, h, target, &ow, &oh);
  if (ow != w || oh != h) {
    cfg.options.use_scaling = 1;
    cfg.options.scaled_width = ow;
    cfg.options.scaled_height = oh;
  }
  cfg.output.colorspace = MODE_RGBA;
  if (WebPDecode(d, len, &cfg) != VP8_STATUS_OK) return -1;
  int rw = cfg.output.width, rh = cfg.output.height;
  if (rgb_alloc(out, rw, rh)) { WebPFreeDecBuffer(&cfg.output); *why = "out of memory"; return -1; }
  for (int y = 0; y < rh; y++)
    over_white(cfg.output.u.RGBA.rgba + (size_t)y * cfg.output.u.RGBA.stride, rw, out->px + (size_t)y * rw * 3);
  WebPFreeDecBuffer(&cfg.output);
  *why = NULL;
  return 0;
}

int upg_image_derive(const void *data, size_t len, img_type t, int orientation, buf *pub, int *pw, int *ph,
                     buf *thumb, const char **why) {
  rgb im = {NULL, 0, 0}, sized = {NULL, 0, 0}, small = {NULL, 0, 0};
  /* decode to at most about twice the public size, then resize exactly */
  int rc = t == IMG_JPEG ? decode_jpeg(data, len, UPG_PUBLIC_MAX, &im, why)
         : t == IMG_PNG  ? decode_png(data, len, UPG_PUBLIC_MAX, &im, why)
         : t == IMG_WEBP ? decode_webp(data, len, UPG_PUBLIC_MAX, &im, why)
                         : (*why = "The file is not a photo (JPEG, PNG or WebP).", -1);
  if (rc) return ZD_EINVAL;
  int ow, oh;
  fit(im.w, im.h, UPG_PUBLIC_MAX, &ow, &oh);
  if (resize(&im, ow, oh, &sized) || orient(&sized, orientation)) goto oom;
  rgb_free(&im);
  fit(sized.w, sized.h, UPG_THUMB_MAX, &ow, &oh);
  if (resize(&sized, ow, oh, &small)) goto oom;
  if (encode_jpeg(&sized, 82, 1, pub) || encode_jpeg(&small, 75, 0, thumb)) goto oom;
  *pw = sized.w;
  *ph = sized.h;
  rgb_free(&sized);
  rgb_free(&small);
  *why = NULL;
  return ZD_OK;
oom:
  rgb_free(&im);
  rgb_free(&sized);
  rgb_free(&small);
  *why = "The photo could not be processed.";
  return ZD_EINTERNAL;
}
