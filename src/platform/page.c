/* page.c — the shared HTML layout; see page.h. */
#include "page.h"
#include <stdio.h>
#include <string.h>
#include "assets.h"

static void lang_link(req *r, buf *b) {
  int other = r->lang == LANG_ZH ? LANG_EN : LANG_ZH;
  buf_printf(b, "<a class=\"lang\" href=\"/lang/%r?next=%u\" lang=\"%r\" hreflang=\"%r\">%s</a>",
             other == LANG_EN ? "en" : "zh", r->path, i18n_lang_tag(other), i18n_lang_tag(other),
             other == LANG_EN ? "English" : "中文");
}

void page_begin(req *r, buf *b, const char *title) {
  /* ?v=<content hash> makes a changed stylesheet a new URL (the ETag without quotes). */
  const zd_asset *css = asset_find("static/style.css");
  const zd_asset *pcss = asset_find("static/print.css");
  char v1[24] = "", v2[24] = "";
  if (css) snprintf(v1, sizeof v1, "%.16s", css->etag + 1);
  if (pcss) snprintf(v2, sizeof v2, "%.16s", pcss->etag + 1);
  buf_printf(b,
             "<!doctype html>\n<html lang=\"%r\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<title>%s · %s</title>"
             "<link rel=\"stylesheet\" href=\"/static/style.css?v=%u\">"
             "<link rel=\"stylesheet\" media=\"print\" href=\"/static/print.css?v=%u\">"
             "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">"
             "</head><body>\n<header class=\"top\"><a class=\"brand\" href=\"/\">%s</a>"
             "<nav class=\"pillars\" aria-label=\"%s\">",
             i18n_lang_tag(r->lang), title, T(r, "zhendi"), v1, v2,
             T(r, "zhendi"), T(r, "Main navigation"));
  for (size_t i = 0; i < zd_nav_count; i++) {
    int here = strncmp(r->path, zd_nav[i].href, strlen(zd_nav[i].href)) == 0;
    buf_printf(b, "<a href=\"%s\"%r title=\"%s\">%s</a>", zd_nav[i].href, here ? " aria-current=\"page\"" : "",
               T(r, zd_nav[i].hint), T(r, zd_nav[i].label));
  }
  buf_puts(b, "</nav>");
  if (r->user_id)
    buf_printf(b, "<a class=\"me\" href=\"/appeals\">%s</a><a class=\"me\" href=\"/me\">%s</a><form class=\"logout\" method=\"post\" action=\"/logout\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\">%s</button></form>",
               T(r, "Work"), r->login, r->csrf, T(r, "Log out"));
  else
    buf_printf(b, "<a class=\"me\" href=\"/login\">%s</a>", T(r, "Log in"));
  lang_link(r, b);
  buf_puts(b, "</header>\n<main>\n");
}

void page_end(req *r, buf *b) {
  buf_printf(b, "</main>\n<footer><p>%s</p></footer>\n</body></html>\n",
             T(r, "zhendi — village Party-Mass Service Centers: upgrade, manage, use."));
}

void page_error(req *r, buf *b, int status, const char *message) {
  const char *title;
  switch (status) {
    case 400: title = T(r, "The request is not valid."); break;
    case 401: title = T(r, "Please log in."); break;
    case 403: title = T(r, "You may not do this."); break;
    case 404: title = T(r, "Page not found"); break;
    case 405: title = T(r, "This method is not allowed here."); break;
    case 413: title = T(r, "The request body is too large."); break;
    case 429: title = T(r, "Too many requests; please wait and try again."); break;
    case 503: title = T(r, "The service is temporarily unavailable."); break;
    default: title = T(r, "Something went wrong"); break;
  }
  page_begin(r, b, title);
  buf_printf(b, "<section class=\"error\"><h1>%s</h1><p class=\"status\">HTTP %d</p>", title, status);
  if (message && strcmp(message, title) != 0) buf_printf(b, "<p>%s</p>", message);
  buf_printf(b, "<p><a href=\"/\">%s</a></p></section>\n", T(r, "Back to the home page"));
  page_end(r, b);
}
