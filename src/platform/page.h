/*
** page.h — the HTML layout every page shares: head, navigation (改 / 管 / 用),
** language switch, footer. Text passed in is escaped (buf_printf %s).
*/
#ifndef ZD_PAGE_H
#define ZD_PAGE_H
#include "req.h"

typedef struct nav_item {
  const char *label;   /* msgid */
  const char *href;
  const char *hint;    /* msgid, short description */
} nav_item;

/* The navigation: defined by the application (src/routes.c). */
extern const nav_item zd_nav[];
extern const size_t zd_nav_count;

/* title: already translated. */
void page_begin(req *r, buf *b, const char *title);
void page_end(req *r, buf *b);
/* A complete page saying what went wrong (used by resp_error). */
void page_error(req *r, buf *b, int status, const char *message);

#endif
