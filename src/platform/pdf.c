/* pdf.c — see pdf.h. */
#include "pdf.h"
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdlib.h>

#define MM (72.0 / 25.4)

struct pdf {
  buf *out;
  cairo_surface_t *s;
  cairo_t *cr;
};

static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int len) {
  buf *b = closure;
  buf_append(b, (const char *)data, len);
  return buf_ok(b) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

pdf *pdf_new(buf *out, double w, double h) {
  pdf *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->out = out;
  p->s = cairo_pdf_surface_create_for_stream(sink, out, w * MM, h * MM);
  p->cr = cairo_create(p->s);
  cairo_pdf_surface_set_metadata(p->s, CAIRO_PDF_METADATA_CREATOR, "zhendi");
  cairo_scale(p->cr, MM, MM); /* draw in millimetres */
  return p;
}

double pdf_text(pdf *p, double x, double y, double width, const char *text, double size_pt, int bold, int align) {
  PangoLayout *l = pango_cairo_create_layout(p->cr);
  PangoFontDescription *fd = pango_font_description_new();
  pango_font_description_set_family(fd, "Noto Sans CJK SC,WenQuanYi Micro Hei,sans-serif");
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  /* the context is scaled to mm: a point is 25.4/72 mm */
  pango_font_description_set_absolute_size(fd, size_pt * 25.4 / 72.0 * PANGO_SCALE);
  pango_layout_set_font_description(l, fd);
  pango_layout_set_width(l, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(l, align == PDF_CENTER ? PANGO_ALIGN_CENTER : align == PDF_RIGHT ? PANGO_ALIGN_RIGHT
                                                                                              : PANGO_ALIGN_LEFT);
  pango_layout_set_text(l, text ? text : "", -1);
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  cairo_move_to(p->cr, x, y);
  pango_cairo_show_layout(p->cr, l);
  int w = 0, h = 0;
  pango_layout_get_size(l, &w, &h);
  pango_font_description_free(fd);
  g_object_unref(l);
  return (double)h / PANGO_SCALE;
}

int pdf_qr(pdf *p, double x, double y, double size, const char *data) {
  QRcode *q = QRcode_encodeString(data, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) return -1;
  double cell = size / (q->width + 8); /* 4-module quiet zone on each side */
  cairo_set_source_rgb(p->cr, 1, 1, 1);
  cairo_rectangle(p->cr, x, y, size, size);
  cairo_fill(p->cr);
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  for (int r = 0; r < q->width; r++)
    for (int c = 0; c < q->width; c++)
      if (q->data[r * q->width + c] & 1) cairo_rectangle(p->cr, x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
  cairo_fill(p->cr);
  QRcode_free(q);
  return 0;
}

void pdf_line(pdf *p, double x1, double y1, double x2, double y2, double w) {
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  cairo_set_line_width(p->cr, w);
  cairo_move_to(p->cr, x1, y1);
  cairo_line_to(p->cr, x2, y2);
  cairo_stroke(p->cr);
}

void pdf_rect(pdf *p, double x, double y, double w, double h, double r, double g, double b) {
  cairo_set_source_rgb(p->cr, r, g, b);
  cairo_rectangle(p->cr, x, y, w, h);
  cairo_fill(p->cr);
}

void pdf_new_page(pdf *p) { cairo_show_page(p->cr); }

int pdf_finish(pdf *p) {
  cairo_destroy(p->cr);
  cairo_surface_finish(p->s);
  int ok = cairo_surface_status(p->s) == CAIRO_STATUS_SUCCESS && buf_ok(p->out);
  cairo_surface_destroy(p->s);
  free(p);
  return ok ? 0 : -1;
}

void pdf_shutdown(void) {
  /* free the font caches cairo, pango and fontconfig keep for the process,
  ** so that leak checkers see a clean exit */
  pango_cairo_font_map_set_default(NULL);
  cairo_debug_reset_static_data();
  FcFini();
}
