/*
** pdf.h — PDF documents with Chinese text (cairo + pango, Noto CJK) and QR
** codes (libqrencode), written into a memory buffer. Units are millimetres
** from the top-left corner of the page.
*/
#ifndef ZD_PDF_H
#define ZD_PDF_H
#include "buf.h"

typedef struct pdf pdf;

enum { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

pdf *pdf_new(buf *out, double width_mm, double height_mm);
/* Draw text in a box width_mm wide (wrapped); returns the height used in mm. */
double pdf_text(pdf *p, double x, double y, double width, const char *text, double size_pt, int bold, int align);
/* A QR code of data, size_mm square. Returns 0, or -1 if it could not be encoded. */
int pdf_qr(pdf *p, double x, double y, double size, const char *data);
void pdf_line(pdf *p, double x1, double y1, double x2, double y2, double width_mm);
void pdf_rect(pdf *p, double x, double y, double w, double h, double r, double g, double b);
void pdf_new_page(pdf *p);
/* Finish the document into `out`; 0 on success. Frees p. */
int pdf_finish(pdf *p);

/* At exit: release the process-wide font caches (only when no PDF is being made). */
void pdf_shutdown(void);

#endif
