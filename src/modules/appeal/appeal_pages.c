/* appeal_pages.c — pages of 民事直说: the villager's form and tracking page,
** the cadres' work list, a case with its actions, offline entry. No JavaScript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "appeal_core.h"
#include "platform/image.h"
#include "platform/page.h"
#include "platform/store.h"

static void kind_radios(req *r, buf *b, const char *checked) {
  buf_printf(b, "<fieldset><legend>%s</legend>", T(r, "What kind of matter is it?"));
  for (int k = 0; k < AK_COUNT; k++)
    buf_printf(b, "<label class=\"radio\"><input type=\"radio\" name=\"kind\" value=\"%s\"%r required> %s</label>",
               appeal_kind_key((appeal_kind)k),
               checked && strcmp(checked, appeal_kind_key((appeal_kind)k)) == 0 ? " checked" : "",
               T(r, appeal_kind_label((appeal_kind)k)));
  buf_puts(b, "</fieldset>");
}

static void public_form(req *r, buf *b, const org *v, const char *error) {
  page_begin(r, b, T(r, "Tell us your matter"));
  buf_printf(b, "<nav class=\"crumbs\"><a href=\"/v/%u\">%s</a></nav><h1>%s</h1><p class=\"lead\">%s</p>", v->code,
             org_display_name(v, r->lang), T(r, "Tell us your matter"),
             T(r, "Village, neighbours' or family matters: the village committee will register it, handle it and answer you. No account needed."));
  if (error) buf_printf(b, "<p class=\"alert\" role=\"alert\">%s</p>", error);
  const char *content = req_form_ok(r) ? req_form(r, "content") : NULL;
  buf_printf(b, "<form class=\"form\" method=\"post\" action=\"/v/%u/appeal\" enctype=\"multipart/form-data\">", v->code);
  kind_radios(r, b, req_form_ok(r) ? req_form(r, "kind") : NULL);
  buf_printf(b,
             "<label>%s<textarea name=\"content\" rows=\"5\" required maxlength=\"2000\">%s</textarea></label>"
             "<label>%s<input name=\"place\" maxlength=\"200\" value=\"%s\"></label>"
             "<label>%s <small>(%s)</small><input name=\"name\" maxlength=\"50\" autocomplete=\"name\" value=\"%s\"></label>"
             "<label>%s <small>(%s)</small><input name=\"phone\" type=\"tel\" maxlength=\"20\" autocomplete=\"tel\" value=\"%s\"></label>"
             "<label>%s <small>(%s)</small><input name=\"photo\" type=\"file\" accept=\"image/jpeg,image/png,image/webp\"></label>"
             "<button type=\"submit\">%s</button></form>",
             T(r, "Your matter"), content ? content : "", T(r, "Where (group, road, place)"),
             req_form_ok(r) && req_form(r, "place") ? req_form(r, "place") : "", T(r, "Your name"), T(r, "optional"),
             req_form_ok(r) && req_form(r, "name") ? req_form(r, "name") : "", T(r, "Phone for a call back"),
             T(r, "optional; never shown publicly"), req_form_ok(r) && req_form(r, "phone") ? req_form(r, "phone") : "",
             T(r, "A photo"), T(r, "optional; JPEG, PNG or WebP, at most 10 MB"), T(r, "Send"));
  buf_printf(b, "<p><a href=\"/track\">%s</a></p>", T(r, "Already sent one? Track it with its number and code."));
  page_end(r, b);
}

int appeal_page_form(req *r) {
  org v;
  int rc = appeal_village(r, &v);
  if (rc) return rc;
  r->form_parsed = 1; /* a GET has no form: show it empty */
  buf b = BUF_INIT;
  public_form(r, &b, &v, NULL);
  resp_html(r, 200, &b);
  return ZD_OK;
}

int appeal_page_submit(req *r) {
  org v;
  int rc = appeal_village(r, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  appeal_new in = {v.code, req_form(r, "kind"), req_form(r, "content"), req_form(r, "place"), req_form(r, "name"),
                   req_form(r, "phone"), "online", NULL, 0};
  char number[24], code[10], photo[80];
  buf b = BUF_INIT;
  const mpart *f = req_file(r, "photo");
  if (f) { /* type by content; stored by content hash; shown only to the village's cadres */
    int w, h;
    const char *why = NULL;
    img_type t = image_probe(f->data, f->len, &w, &h, &why);
    if (t == IMG_NONE) {
      public_form(r, &b, &v, T(r, why));
      resp_html(r, 400, &b);
      return ZD_OK;
    }
    char sha[65];
    if ((rc = store_put(r->app->cfg->data_dir, f->data, f->len, image_ext(t), sha, &r->err))) return rc;
    snprintf(photo, sizeof photo, "%s.%s", sha, image_ext(t));
    in.photo = photo;
  }
  rc = appeal_submit(r, &in, 0, number, code);
  if (rc == ZD_EINVAL || rc == ZD_ERATE) {
    public_form(r, &b, &v, T(r, r->err.msg));
    resp_html(r, zd_http_status(rc), &b);
    return ZD_OK;
  }
  if (rc) return rc;
  page_begin(r, &b, T(r, "Your matter was received"));
  buf_printf(&b,
             "<section class=\"receipt\"><h1>%s</h1><p>%s</p>"
             "<dl class=\"big\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>"
             "<p class=\"alert\">%s</p>"
             "<p><a class=\"button\" href=\"/track?number=%u&amp;code=%u\">%s</a></p></section>",
             T(r, "Your matter was received"), org_display_name(&v, r->lang), T(r, "Case number"), number,
             T(r, "Tracking code"), code,
             T(r, "Write down the number and the code (or take a photo of this screen): with them you can see the answer and rate it. The code is shown only now."),
             number, code, T(r, "Track this case"));
  page_end(r, &b);
  resp_html(r, 201, &b);
  return ZD_OK;
}

static void track_form(req *r, buf *b, const char *number, const char *code) {
  buf_printf(b,
             "<form class=\"form narrow\" method=\"get\" action=\"/track\"><label>%s<input name=\"number\" required "
             "maxlength=\"20\" inputmode=\"numeric\" value=\"%s\"></label><label>%s<input name=\"code\" required "
             "maxlength=\"12\" autocapitalize=\"characters\" value=\"%s\"></label><button type=\"submit\">%s</button></form>",
             T(r, "Case number"), number ? number : "", T(r, "Tracking code"), code ? code : "", T(r, "Look up"));
}

int appeal_page_track(req *r) {
  const char *number = req_query(r, "number"), *code = req_query(r, "code");
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Track your matter"));
  buf_printf(&b, "<h1>%s</h1>", T(r, "Track your matter"));
  if (!number && !code) {
    track_form(r, &b, NULL, NULL);
    page_end(r, &b);
    resp_html(r, 200, &b);
    return ZD_OK;
  }
  appeal a;
  int rc = appeal_public_lookup(r, number, code, &a);
  if (rc == ZD_ENOTFOUND || rc == ZD_ERATE) {
    buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", T(r, r->err.msg));
    track_form(r, &b, number, code);
    page_end(r, &b);
    resp_html(r, zd_http_status(rc), &b);
    return ZD_OK;
  }
  if (rc) { buf_free(&b); return rc; }
  char d[32];
  appeal_date_text(a.created_at, "%Y-%m-%d %H:%M", d, sizeof d);
  buf_printf(&b, "<section class=\"case\"><dl><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
                 "<dt>%s</dt><dd class=\"state state-%s\">%s</dd><dt>%s</dt><dd>%s</dd></dl>",
             T(r, "Case number"), a.number, T(r, "Village"), a.org_name, T(r, "Kind"), T(r, appeal_kind_label(a.kind)),
             T(r, "Status"), appeal_state_key(a.fsm.state), T(r, appeal_state_label(a.fsm.state)), T(r, "Received on"), d);
  if (a.fsm.state >= AS_ANSWERED && a.fsm.state != AS_REOPENED && a.answer[0])
    buf_printf(&b, "<h2>%s</h2><blockquote class=\"answer\">%s</blockquote>", T(r, "Answer"), a.answer);
  if (a.fsm.rating != AR_NONE)
    buf_printf(&b, "<p>%s: <strong>%s</strong></p>", T(r, "Your rating"), T(r, appeal_rating_label(a.fsm.rating)));
  if (a.fsm.state == AS_ANSWERED) {
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/track/rate\"><input type=\"hidden\" name=\"number\" "
                   "value=\"%s\"><input type=\"hidden\" name=\"code\" value=\"%s\"><fieldset><legend>%s</legend>",
               a.number, code, T(r, "Are you satisfied with the answer?"));
    for (int k = AR_SATISFIED; k <= AR_UNSATISFIED; k++)
      buf_printf(&b, "<label class=\"radio\"><input type=\"radio\" name=\"rating\" value=\"%s\" required> %s</label>",
                 appeal_rating_key((appeal_rating)k), T(r, appeal_rating_label((appeal_rating)k)));
    buf_printf(&b, "</fieldset><button type=\"submit\">%s</button></form>", T(r, "Send my rating"));
  }
  buf_printf(&b, "<h2>%s</h2>", T(r, "Progress"));
  appeal_timeline_html(r, &b, a.id, 1);
  buf_puts(&b, "</section>");
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

int appeal_page_track_rate(req *r) {
  if (!req_form_ok(r)) return r->err.rc;
  const char *number = req_form(r, "number"), *code = req_form(r, "code");
  appeal a;
  int rc = appeal_public_lookup(r, number, code, &a);
  if (rc) return rc;
  int rt = appeal_rating_parse(req_form(r, "rating"));
  appeal_change ch = {{AA_RATE, 0, rt < 0 ? AR_NONE : (appeal_rating)rt, 0, 0}, NULL, NULL, 0};
  char allowed[200];
  rc = appeal_do(r, a.number, &ch, &a, allowed, sizeof allowed);
  if (rc) return rc;
  buf loc = BUF_INIT;
  buf_printf(&loc, "/track?number=%u&code=%u", number, code);
  resp_redirect(r, 303, buf_str(&loc));
  buf_free(&loc);
  return ZD_OK;
}
