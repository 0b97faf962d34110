/* org_pages.c — home page, pillar pages and each village's public page. */
#include <stdio.h>
#include <stdlib.h>
#include "org.h"
#include "modules/duty/duty.h"
#include "modules/upgrade/upgrade.h"
#include "platform/page.h"
#include "platform/resp.h"

/* Every township under every county, in order; caller frees. */
static int townships(req *r, org **out, size_t *n) {
  db_conn *c = req_db(r);
  org *counties = NULL;
  size_t nc = 0;
  *out = NULL;
  *n = 0;
  int rc = org_children(c, 0, &counties, &nc, &r->err);
  for (size_t i = 0; i < nc && !rc; i++) {
    org *t = NULL;
    size_t nt = 0;
    rc = org_children(c, counties[i].id, &t, &nt, &r->err);
    for (size_t k = 0; k < nt && !rc; k++) {
      if (t[k].kind != ORG_TOWNSHIP) continue;
      org *v = realloc(*out, (*n + 1) * sizeof *v);
      if (!v) { rc = zd_fail(&r->err, ZD_EINTERNAL, "out of memory"); break; }
      *out = v;
      v[(*n)++] = t[k];
    }
    free(t);
  }
  free(counties);
  return rc;
}

static int is_place(const org *o) { return o->kind == ORG_VILLAGE || o->kind == ORG_COMMUNITY; }

/* The village cards of one township. */
static int village_list(req *r, buf *b, const org *t, int with_center) {
  org *v = NULL;
  center *ce = NULL; /* with its center, in one query: not one query per village */
  size_t nv = 0;
  int rc = org_children_centers(req_db(r), t->id, &v, &ce, &nv, &r->err);
  if (rc) return rc;
  buf_puts(b, "<ul class=\"cards villages\">");
  for (size_t i = 0; i < nv; i++) {
    if (!is_place(&v[i])) continue;
    buf_printf(b, "<li><a href=\"/v/%u\"><strong>%s</strong>", v[i].code, org_display_name(&v[i], r->lang));
    if (with_center && ce[i].name[0]) buf_printf(b, "<span>%s</span><small>%s</small>", ce[i].name, ce[i].address);
    buf_puts(b, "</a></li>");
  }
  buf_puts(b, "</ul>");
  free(v);
  free(ce);
  return ZD_OK;
}

int org_page_home(req *r) {
  org *ts = NULL;
  size_t nt = 0;
  int rc = townships(r, &ts, &nt);
  if (rc) return rc;
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Village Party-Mass Service Centers"));
  buf_printf(&b, "<h1>%s</h1><p class=\"lead\">%s</p>", T(r, "Village Party-Mass Service Centers"),
             T(r, "Upgrade, manage and use the centers of every village: open doors, people on duty, matters heard."));
  if (!nt) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No township is set up yet. Run: zhendi init --demo"));
  for (size_t i = 0; i < nt && !rc; i++) {
    org county;
    zd_error ignore;
    int has_county = org_by_id(req_db(r), ts[i].parent_id, &county, &ignore) == ZD_OK;
    buf_printf(&b, "<section class=\"township\"><h2>%s <small>%s</small></h2>", org_display_name(&ts[i], r->lang),
               has_county ? org_display_name(&county, r->lang) : "");
    rc = village_list(r, &b, &ts[i], 1);
    buf_puts(&b, "</section>");
  }
  free(ts);
  if (rc) { buf_free(&b); return rc; }
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

int org_page_village(req *r) {
  org v, t;
  int rc = org_by_code(req_db(r), req_param(r, "code"), &v, &r->err);
  if (rc == ZD_OK && !is_place(&v)) rc = zd_fail(&r->err, ZD_ENOTFOUND, "No village with this code.");
  if (rc == ZD_ENOTFOUND) zd_fail(&r->err, ZD_ENOTFOUND, "No village with this code.");
  if (rc) return rc;
  rc = org_by_id(req_db(r), v.parent_id, &t, &r->err);
  if (rc) return rc;
  buf b = BUF_INIT;
  page_begin(r, &b, org_display_name(&v, r->lang));
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/\">%s</a> › %s</nav>", org_display_name(&t, r->lang),
             org_display_name(&v, r->lang));
  buf_printf(&b, "<h1>%s</h1>", org_display_name(&v, r->lang));
  center ce;
  zd_error e2;
  rc = center_of(req_db(r), v.id, &ce, &e2);
  if (rc == ZD_OK) {
    buf_printf(&b, "<section class=\"center\"><h2>%s</h2><dl>", ce.name);
    if (ce.address[0]) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Address"), ce.address);
    if (ce.opening_hours[0]) buf_printf(&b, "<dt>%s</dt><dd>%s</dd>", T(r, "Opening hours"), ce.opening_hours);
    if (ce.phone[0]) buf_printf(&b, "<dt>%s</dt><dd><a href=\"tel:%u\">%s</a></dd>", T(r, "Phone"), ce.phone, ce.phone);
    if (ce.floor_area_m2 > 0) buf_printf(&b, "<dt>%s</dt><dd>%d m²</dd>", T(r, "Floor area"), ce.floor_area_m2);
    buf_puts(&b, "</dl></section>");
  } else if (rc == ZD_ENOTFOUND) {
    buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "This village has no center on record."));
  } else {
    buf_free(&b);
    r->err = e2;
    return rc;
  }
  upgrade_village_links(r, &b, v.id, v.code); /* 改: the center's page, projects */
  /* what a villager can do here (民事直说), and the paper for the center's wall */
  buf_printf(&b, "<section class=\"actions-public\"><a class=\"button big\" href=\"/v/%u/appeal\">%s</a>"
                 "<a class=\"button secondary\" href=\"/track\">%s</a></section>",
             v.code, T(r, "Tell us your matter"), T(r, "Track your matter"));
  buf_printf(&b, "<p class=\"code\">%s: <code>%s</code> · <a href=\"/v/%u/appeal-poster.pdf\">%s</a>", T(r, "Village code"),
             v.code, v.code, T(r, "QR poster for the center (A4 PDF)"));
  if (r->user_id)
    buf_printf(&b, " · <a href=\"/appeals?village=%u\">%s</a> · <a href=\"/v/%u/shuoshi\">%s</a>", v.code,
               T(r, "Villagers' matters"), v.code, T(r, "Monthly talk day report"));
  buf_puts(&b, "</p>");
  duty_public_section(r, &b, v.id, v.code); /* 管: whereabouts board, deeds, posts */
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

/* A pillar page: its heading, what it covers, and the villages it applies to. */
static int pillar(req *r, const char *title, const char *intro, int with_center, void (*links)(req *, buf *)) {
  org *ts = NULL;
  size_t nt = 0;
  int rc = townships(r, &ts, &nt);
  if (rc) return rc;
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, title));
  buf_printf(&b, "<h1>%s</h1><p class=\"lead\">%s</p>", T(r, title), T(r, intro));
  if (links) links(r, &b);
  for (size_t i = 0; i < nt && !rc; i++) {
    buf_printf(&b, "<section class=\"township\"><h2>%s</h2>", org_display_name(&ts[i], r->lang));
    rc = village_list(r, &b, &ts[i], with_center);
    buf_puts(&b, "</section>");
  }
  free(ts);
  if (rc) { buf_free(&b); return rc; }
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

int org_page_gai(req *r) {
  return pillar(r, "Upgrade",
                "Centers and their renovation: function areas, facilities, plaques, inspections by area leaders.", 1,
                upgrade_pillar_links);
}

int org_page_guan(req *r) {
  return pillar(r, "Manage",
                "Running the centers: rules, the duty roster (doors open, people there), posts, Party members.", 0,
                duty_guan_links);
}

int org_page_yong(req *r) {
  return pillar(r, "Use",
                "Using the centers: meetings, villagers' matters (民事直说), disclosures, activities.", 0, NULL);
}
