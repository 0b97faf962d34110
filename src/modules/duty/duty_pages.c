/* duty_pages.c — the roster pages (calendar and list, generation, swaps and
** their approval, leave, opening hours), the check-in page the center's QR
** code opens, the printable QR poster, and a cadre's own duty page (check-out,
** whereabouts in one tap, upcoming shifts, the calendar link). No JavaScript:
** the calendar is a table that fits 360 px. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "duty_core.h"
#include "platform/page.h"
#include "platform/pdf.h"

const char *const duty_weekday_names[8] = {"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
const char *const duty_weekday_short[8] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

const char *duty_err_text(req *r) {
  if (i18n_has(r->app->cat, r->err.msg) || r->lang == LANG_EN) return T(r, r->err.msg);
  return T(r, r->err.rc == ZD_ECONFLICT ? "This conflicts with the records as they stand." : "The request is not valid.");
}

void duty_page_head(req *r, buf *b, const org *v, const char *title, const char *here) {
  page_begin(r, b, title);
  buf_printf(b, "<nav class=\"crumbs\"><a href=\"/guan\">%s</a> › <a href=\"/v/%u\">%s</a></nav><h1>%s</h1>", T(r, "Manage"),
             v->code, org_display_name(v, r->lang), title);
  static const struct { const char *path, *label; } tabs[] = {
    {"duty", "Roster"}, {"duty-log", "Duty log"}, {"coverage", "Coverage"}, {"posts", "Posts and deeds"},
  };
  buf_puts(b, "<nav class=\"subnav\">");
  for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
    buf_printf(b, "<a href=\"/v/%u/%r\"%r>%s</a>", v->code, tabs[i].path,
               here && strcmp(here, tabs[i].path) == 0 ? " aria-current=\"page\"" : "", T(r, tabs[i].label));
  buf_printf(b, "<a href=\"/duty\">%s</a></nav>", T(r, "My duty"));
}

static void month_step(int y, int m, int d, int *oy, int *om) {
  m += d;
  while (m < 1) { m += 12; y--; }
  while (m > 12) { m -= 12; y++; }
  *oy = y;
  *om = m;
}

static long long today_now(void) {
  long long now = (long long)time(NULL);
  return duty_local_day(now, duty_tz(now));
}

/* ------------------------------------------------------------------ the roster page */

typedef struct month_shifts {
  duty_shift s[31];
  int has[31];
  long long first;
} month_shifts;

static void collect_shift(void *arg, const duty_shift *s) {
  month_shifts *ms = arg;
  long long i = s->day - ms->first;
  if (i < 0 || i > 30) return;
  ms->s[i] = *s;
  ms->has[i] = 1;
}

static int letter_of(const duty_person *p, size_t n, long long uid) {
  for (size_t i = 0; i < n; i++)
    if (p[i].id == uid) return (int)i;
  return -1;
}

static void put_letter(buf *b, int i) {
  if (i < 0) { buf_puts(b, "<span class=\"who none\">—</span>"); return; }
  char l[8];
  if (i < 26) snprintf(l, sizeof l, "%c", 'A' + i);
  else snprintf(l, sizeof l, "%u", (unsigned)(i + 1) % 1000u);
  buf_printf(b, "<span class=\"who c%d\">%s</span>", i % 8, l);
}

static void swap_forms(req *r, buf *b, const org *v, const month_shifts *ms, int nd, const duty_person *p, size_t np,
                       int may_manage, long long today) {
  buf own = BUF_INIT, others = BUF_INIT;
  for (int i = 0; i < nd; i++) {
    const duty_shift *s = &ms->s[i];
    if (!ms->has[i] || !s->user_id || s->day < today) continue;
    char label[200];
    snprintf(label, sizeof label, "%s %s · %s", s->date, T(r, duty_weekday_names[duty_weekday(s->day)]), s->name);
    if (s->user_id == r->user_id || may_manage) buf_printf(&own, "<option value=\"%s\">%s</option>", s->date, label);
    buf_printf(&others, "<option value=\"%s\">%s</option>", s->date, label);
  }
  if (!own.len) { buf_free(&own); buf_free(&others); return; }
  buf_printf(b, "<form class=\"form\" method=\"post\" action=\"/v/%u/duty/swap\"><h2>%s</h2>"
                "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><label>%s<select name=\"date\" required>%r</select></label>"
                "<label>%s<select name=\"to\" required>",
             v->code, T(r, "Ask for a swap"), r->csrf, T(r, "The shift"), buf_str(&own), T(r, "Give it to"));
  for (size_t i = 0; i < np; i++) buf_printf(b, "<option value=\"%s\">%s</option>", p[i].login, p[i].name);
  buf_printf(b, "</select></label><label>%s<select name=\"with_date\"><option value=\"\">%s</option>%r</select></label>"
                "<label>%s<input name=\"reason\" maxlength=\"200\"></label><button type=\"submit\">%s</button>"
                "<p class=\"hint\">%s</p></form>",
             T(r, "And take in return"), T(r, "Nothing in return"), buf_str(&others), T(r, "Reason"), T(r, "Ask"),
             T(r, "The center admin approves the swap; nobody on leave or on duty elsewhere that day can take a shift."));
  buf_free(&own);
  buf_free(&others);
}

static void pending_swaps(req *r, buf *b, const org *v, int y, int m, int may_manage) {
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  zd_error e;
  db_stmt *s = db_query(req_db(r), &e,
                        "SELECT w.id, w.state, a.day, COALESCE(b.day, ''), fu.display_name, tu.display_name, w.reason "
                        "FROM duty_swap w JOIN duty_shift a ON a.id = w.shift_id LEFT JOIN duty_shift b ON b.id = w.with_shift_id "
                        "JOIN users fu ON fu.id = w.from_user JOIN users tu ON tu.id = w.to_user "
                        "WHERE w.org_id = ? AND a.month = ? ORDER BY w.id DESC", "is", v->id, month);
  int n = 0;
  while (s && db_step(s, &e) == DB_ROW) {
    if (!n++)
      buf_printf(b, "<h2>%s</h2><table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
                 T(r, "Swap requests"), T(r, "Date"), T(r, "From"), T(r, "To"), T(r, "Status"));
    const char *state = db_col_text(s, 1);
    buf_printf(b, "<tr><td>%s%r%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td>",
               db_col_text(s, 2), *db_col_text(s, 3) ? " ⇄ " : "", db_col_text(s, 3), T(r, "From"), db_col_text(s, 4), T(r, "To"),
               db_col_text(s, 5), T(r, "Status"),
               T(r, strcmp(state, "pending") == 0 ? "Waiting for approval" : strcmp(state, "approved") == 0 ? "Approved"
                    : strcmp(state, "rejected") == 0 ? "Rejected" : "Cancelled"));
    if (may_manage && strcmp(state, "pending") == 0)
      buf_printf(b, "<form class=\"inline\" method=\"post\" action=\"/v/%u/duty/swap/%lld\"><input type=\"hidden\" name=\"csrf\" "
                    "value=\"%s\"><button name=\"decision\" value=\"approve\">%s</button> <button class=\"secondary\" "
                    "name=\"decision\" value=\"reject\">%s</button></form>",
                 v->code, db_col_int(s, 0), r->csrf, T(r, "Approve"), T(r, "Reject"));
    buf_puts(b, "</td></tr>");
  }
  db_done(s);
  if (n) buf_puts(b, "</tbody></table>");
}

static int roster_page(req *r, const org *v, int y, int m, const char *alert, const char *notice, int status) {
  char title[200], month[8], cadres[2048] = "";
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  snprintf(title, sizeof title, "%s %s", T(r, "Duty roster"), month);
  int exists = duty_roster_exists(req_db(r), v->id, y, m, cadres, sizeof cadres);
  duty_person *p = NULL;
  size_t np = 0;
  int rc = duty_cadres(req_db(r), v->id, &p, &np, &r->err);
  if (rc) return rc;
  month_shifts *ms = calloc(1, sizeof *ms);
  if (!ms) { free(p); return zd_fail(&r->err, ZD_EINTERNAL, "out of memory"); }
  int nd = duty_month_length(y, m);
  ms->first = duty_day_from_civil(y, m, 1);
  rc = duty_shifts(req_db(r), v->id, 0, ms->first, ms->first + nd - 1, collect_shift, ms, &r->err);
  if (rc) { free(p); free(ms); return rc; }
  int may_manage = ident_scope_allows(req_db(r), r->user_id, PERM_DUTY_MANAGE, v->id);
  int is_cadre = duty_is_cadre(req_db(r), v->id, r->user_id);
  long long today = today_now();
  buf b = BUF_INIT;
  duty_page_head(r, &b, v, title, "duty");
  if (alert) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", alert);
  if (notice) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", notice);
  int py, pm, ny, nm;
  month_step(y, m, -1, &py, &pm);
  month_step(y, m, 1, &ny, &nm);
  char prev[8], next[8];
  snprintf(prev, sizeof prev, "%04u-%02u", (unsigned)py % 10000u, (unsigned)pm % 100u);
  snprintf(next, sizeof next, "%04u-%02u", (unsigned)ny % 10000u, (unsigned)nm % 100u);
  buf_printf(&b, "<p class=\"pager\"><a rel=\"prev\" href=\"/v/%u/duty?month=%s\">‹ %s</a> · <strong>%s</strong> · "
                 "<a rel=\"next\" href=\"/v/%u/duty?month=%s\">%s ›</a></p>",
             v->code, prev, prev, month, v->code, next, next);
  if (!exists) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No roster for this month yet."));
  /* the calendar */
  int counts[DUTY_MAX_CADRES][2];
  memset(counts, 0, sizeof counts);
  buf_printf(&b, "<table class=\"cal\"><caption>%s</caption><thead><tr>", T(r, "Calendar"));
  for (int d = 1; d <= 7; d++) buf_printf(&b, "<th>%s</th>", T(r, duty_weekday_short[d]));
  buf_puts(&b, "</tr></thead><tbody><tr>");
  int lead = duty_weekday(ms->first) - 1;
  for (int k = 0; k < lead; k++) buf_puts(&b, "<td class=\"pad\"></td>");
  for (int i = 0; i < nd; i++) {
    long long day = ms->first + i;
    int col = (lead + i) % 7;
    if (i && col == 0) buf_puts(&b, "</tr><tr>");
    const duty_shift *s = &ms->s[i];
    duty_day_kind k = ms->has[i] ? s->day_kind : duty_kind_of_day(r, v->id, day);
    int who = ms->has[i] ? letter_of(p, np, s->user_id) : -1;
    if (ms->has[i] && who >= 0) counts[who][s->oncall]++;
    int leave = ms->has[i] && s->user_id && duty_on_leave(req_db(r), s->user_id, day);
    buf_printf(&b, "<td class=\"%r%r%r\"><span class=\"d\">%d</span>", duty_day_kind_key(k), day == today ? " today" : "",
               s->user_id == r->user_id && ms->has[i] ? " mine" : "", i + 1);
    if (ms->has[i]) put_letter(&b, who);
    if (leave) buf_printf(&b, "<span class=\"flag\" title=\"%s\">!</span>", T(r, "On leave"));
    buf_puts(&b, "</td>");
  }
  for (int k = (lead + nd) % 7; k && k < 7; k++) buf_puts(&b, "<td class=\"pad\"></td>");
  buf_puts(&b, "</tr></tbody></table>");
  /* the legend: who is which letter, and how many shifts each holds */
  buf_printf(&b, "<ul class=\"legend\">");
  for (size_t i = 0; i < np; i++) {
    buf_puts(&b, "<li>");
    put_letter(&b, (int)i);
    buf_printf(&b, " %s <small>%s %d · %s %d</small></li>", p[i].name, T(r, "Duty at the center"), counts[i][0], T(r, "On call"),
               counts[i][1]);
  }
  buf_printf(&b, "<li><span class=\"key workday\"></span> %s <span class=\"key weekend\"></span> %s <span class=\"key holiday\"></span> %s</li></ul>",
             T(r, "Workday"), T(r, "Weekend"), T(r, "Holiday"));
  /* the list */
  if (exists) {
    buf_printf(&b, "<h2>%s</h2><table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
               T(r, "List"), T(r, "Date"), T(r, "Shift"), T(r, "Cadre"));
    for (int i = 0; i < nd; i++) {
      if (!ms->has[i]) continue;
      const duty_shift *s = &ms->s[i];
      buf_printf(&b, "<tr class=\"%s%r\"><td>%s %s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s%r</td></tr>",
                 duty_day_kind_key(s->day_kind), s->user_id == r->user_id ? " mine" : "", s->date,
                 T(r, duty_weekday_names[duty_weekday(s->day)]), T(r, "Shift"), T(r, s->oncall ? "On call" : "Duty at the center"),
                 T(r, "Cadre"), s->user_id ? s->name : T(r, "Nobody available"),
                 s->user_id && duty_on_leave(req_db(r), s->user_id, s->day) ? " ⚑" : "");
    }
    buf_puts(&b, "</tbody></table>");
  }
  pending_swaps(r, &b, v, y, m, may_manage);
  if (exists && (is_cadre || may_manage)) swap_forms(r, &b, v, ms, nd, p, np, may_manage, today);
  if (is_cadre || may_manage) {
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/duty/leave\"><h2>%s</h2>"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"month\" value=\"%s\">",
               v->code, T(r, "Leave"), r->csrf, month);
    if (may_manage) {
      buf_printf(&b, "<label>%s<select name=\"user\">", T(r, "Cadre"));
      for (size_t i = 0; i < np; i++)
        buf_printf(&b, "<option value=\"%s\"%r>%s</option>", p[i].login, p[i].id == r->user_id ? " selected" : "", p[i].name);
      buf_puts(&b, "</select></label>");
    }
    buf_printf(&b, "<label>%s<input type=\"date\" name=\"from\" required></label><label>%s<input type=\"date\" name=\"to\" required></label>"
                   "<label>%s<input name=\"reason\" maxlength=\"200\"></label><button type=\"submit\">%s</button></form>",
               T(r, "From"), T(r, "To"), T(r, "Reason"), T(r, "Record the leave"));
  }
  if (may_manage) {
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/duty/generate\"><h2>%s</h2>"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"month\" value=\"%s\"><fieldset><legend>%s</legend>",
               v->code, T(r, exists ? "Make the roster again" : "Make the roster"), r->csrf, month, T(r, "Cadres on the rotation"));
    for (size_t i = 0; i < np; i++)
      buf_printf(&b, "<label class=\"radio\"><input type=\"checkbox\" name=\"cadre\" value=\"%s\" checked> %s</label>", p[i].login,
                 p[i].name);
    if (!np) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "This village has no cadres to put on a roster."));
    buf_puts(&b, "</fieldset>");
    if (exists) buf_printf(&b, "<label class=\"radio\"><input type=\"checkbox\" name=\"replace\" value=\"1\" required> %s</label>",
                           T(r, "Replace the shifts from today on"));
    buf_printf(&b, "<button type=\"submit\">%s</button><p class=\"hint\">%s</p></form>", T(r, "Generate"),
               T(r, "Workdays get a duty shift at the center, weekends and holidays an on-call shift. Shifts are shared out evenly; nobody on leave or on duty elsewhere that day is chosen."));
    duty_interval iv[DUTY_MAX_INTERVALS];
    size_t n = 0;
    int published = 0;
    zd_error e;
    duty_hours_get(req_db(r), v->id, iv, DUTY_MAX_INTERVALS, &n, &published, &e);
    buf h = BUF_INIT;
    duty_hours_format(iv, n, &h);
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/hours\"><h2>%s</h2><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<label>%s<input name=\"hours\" maxlength=\"200\" value=\"%s\" placeholder=\"周一至周五 8:30–12:00, 14:30–18:00\"></label>"
                   "<button type=\"submit\">%s</button><p class=\"hint\">%s</p></form>",
               v->code, T(r, "Opening hours"), r->csrf, T(r, "Published opening hours"), buf_str(&h), T(r, "Save"),
               T(r, "Coverage is measured against these hours; holidays follow the township's calendar."));
    buf_free(&h);
  }
  if (may_manage)
    buf_printf(&b, "<p><a class=\"button secondary\" href=\"/v/%u/checkin-poster.pdf\">%s</a></p>", v->code,
               T(r, "Print this week's check-in QR poster (A4 PDF; a new one every Monday)"));
  buf_printf(&b, "<p><a href=\"/api/v1/villages/%u/roster/%s\">JSON</a></p>", v->code, month);
  free(p);
  free(ms);
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* GET /v/{code}/duty?month=2026-11 */
int duty_page_roster(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_ORG_VIEW, &v);
  if (rc) return rc;
  if ((rc = duty_month_param(r, NULL, &y, &m))) return rc;
  const char *ok = req_query(r, "done");
  const char *notice = !ok ? NULL : strcmp(ok, "generated") == 0 ? T(r, "The roster was made.")
                     : strcmp(ok, "swap") == 0 ? T(r, "The swap request was sent to the center admin.")
                     : strcmp(ok, "decided") == 0 ? T(r, "The swap request was decided.")
                     : strcmp(ok, "leave") == 0 ? T(r, "The leave was recorded.")
                     : strcmp(ok, "hours") == 0 ? T(r, "The opening hours were saved.") : NULL;
  return roster_page(r, &v, y, m, NULL, notice, 200);
}

/* A failed form: the page again with the reason (4xx), or the error page. */
static int again(req *r, const org *v, int y, int m, int rc) {
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT || rc == ZD_EFORBIDDEN) {
    zd_error keep = r->err;
    int st = zd_http_status(rc);
    char msg[ZD_ERRMSG_MAX];
    snprintf(msg, sizeof msg, "%s", duty_err_text(r));
    int rc2 = roster_page(r, v, y, m, msg, NULL, st);
    if (rc2) { r->err = keep; return rc; }
    return ZD_OK;
  }
  return rc;
}

static int form_month(req *r, int *y, int *m) {
  const char *s = req_form(r, "month");
  if (s && *s) {
    if (!duty_parse_month(s, y, m)) return zd_fail(&r->err, ZD_EINVAL, "The month must be written like 2026-11 (months 01 to 12, years 2000 to 2099).");
    return ZD_OK;
  }
  return duty_month_param(r, NULL, y, m);
}

static void back(req *r, const org *v, int y, int m, const char *done) {
  buf loc = BUF_INIT;
  char month[8];
  snprintf(month, sizeof month, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
  buf_printf(&loc, "/v/%u/duty?month=%s&done=%u", v->code, month, done);
  resp_redirect(r, 303, buf_str(&loc));
  buf_free(&loc);
}

/* POST /v/{code}/duty/generate: month, cadre (repeated), replace */
int duty_page_generate(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  if ((rc = form_month(r, &y, &m))) return rc;
  const char *logins[DUTY_MAX_CADRES];
  size_t n = 0;
  for (size_t i = 0; i < r->form.n && n < DUTY_MAX_CADRES; i++)
    if (strcmp(r->form.v[i].key, "cadre") == 0) logins[n++] = r->form.v[i].val;
  const char *rep = req_form(r, "replace");
  duty_generated g;
  if (!n) rc = zd_fail(&r->err, ZD_EINVAL, "Choose at least one cadre for the roster.");
  else rc = duty_do_generate(r, &v, y, m, logins, n, rep && strcmp(rep, "1") == 0, &g);
  if (rc) return again(r, &v, y, m, rc);
  back(r, &v, y, m, "generated");
  return ZD_OK;
}

/* POST /v/{code}/duty/swap: date, to, with_date, reason */
int duty_page_swap(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  long long id = 0, day = 0;
  const char *date = req_form(r, "date");
  int y, m, d;
  if (duty_parse_date(date, &day)) duty_civil_from_day(day, &y, &m, &d);
  else duty_month_param(r, NULL, &y, &m);
  rc = duty_do_swap(r, &v, date, req_form(r, "to"), req_form(r, "with_date"), req_form(r, "reason"), &id);
  if (rc) return again(r, &v, y, m, rc);
  back(r, &v, y, m, "swap");
  return ZD_OK;
}

/* POST /v/{code}/duty/swap/{id}: decision */
int duty_page_swap_decide(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  long long id = req_param_id(r, "id");
  if (!id) return zd_fail(&r->err, ZD_ENOTFOUND, "No such swap request in this village.");
  int y, m;
  duty_month_param(r, NULL, &y, &m);
  zd_error e;
  db_stmt *s = db_query(req_db(r), &e, "SELECT a.month FROM duty_swap w JOIN duty_shift a ON a.id = w.shift_id WHERE w.id = ?", "i", id);
  if (s && db_step(s, &e) == DB_ROW) duty_parse_month(db_col_text(s, 0), &y, &m);
  db_done(s);
  rc = duty_do_decide(r, &v, id, req_form(r, "decision"));
  if (rc) return again(r, &v, y, m, rc);
  back(r, &v, y, m, "decided");
  return ZD_OK;
}

/* POST /v/{code}/duty/leave: user, from, to, reason, month */
int duty_page_leave(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  if ((rc = form_month(r, &y, &m))) return rc;
  long long id;
  rc = duty_do_leave(r, &v, req_form(r, "user"), req_form(r, "from"), req_form(r, "to"), req_form(r, "reason"), &id);
  if (rc) return again(r, &v, y, m, rc);
  back(r, &v, y, m, "leave");
  return ZD_OK;
}

/* POST /v/{code}/hours: hours */
int duty_page_hours(req *r) {
  org v;
  int y, m, rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  duty_month_param(r, NULL, &y, &m);
  rc = duty_do_hours(r, &v, req_form(r, "hours"));
  if (rc) return again(r, &v, y, m, rc);
  back(r, &v, y, m, "hours");
  return ZD_OK;
}

/* ------------------------------------------------------------------ check-in */

static int checkin_page(req *r, const org *v, const char *secret, const char *alert, int status) {
  center ce;
  zd_error e;
  int has_center = center_of(req_db(r), v->id, &ce, &e) == ZD_OK;
  buf b = BUF_INIT;
  page_begin(r, &b, T(r, "Check in at the center"));
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/v/%u\">%s</a></nav><h1>%s</h1><p class=\"lead\">%s</p>", v->code,
             org_display_name(v, r->lang), T(r, "Check in at the center"), has_center ? ce.name : v->name);
  if (alert) buf_printf(&b, "<p class=\"alert\" role=\"alert\">%s</p>", alert);
  duty_checkin_row open;
  int is_open = duty_checked_in(r, &open) && open.org_id == v->id;
  if (is_open) {
    char t[24];
    duty_date_time(open.in_at, t, sizeof t);
    buf_printf(&b, "<p class=\"notice\">%s %s</p><form class=\"form\" method=\"post\" action=\"/v/%u/checkout\">"
                   "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" class=\"big\">%s</button></form>",
               T(r, "You are checked in since"), t, v->code, r->csrf, T(r, "Check out"));
  } else if (!alert || status < 400 || status == 409) {
    buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/v/%u/checkin\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<input type=\"hidden\" name=\"s\" value=\"%s\"><p>%s: <strong>%s</strong></p>"
                   "<button type=\"submit\" class=\"big\">%s</button></form>",
               v->code, r->csrf, secret ? secret : "", T(r, "Cadre"), r->login, T(r, "Check in now"));
  }
  buf_printf(&b, "<p><a href=\"/duty\">%s</a></p>", T(r, "My duty: whereabouts, shifts, check-out"));
  page_end(r, &b);
  resp_html(r, status, &b);
  return ZD_OK;
}

/* May the caller check in at v? 403 when their role never does, 404 outside their villages. */
static int may_check_in(req *r, const org *v) {
  int any = 0;
  for (int i = 0; i < r->nroles; i++) any |= role_grants((role)r->roles[i].role, PERM_DUTY_SELF);
  if (!any) return zd_fail(&r->err, ZD_EFORBIDDEN, "Only the village's own cadres check in at its center.");
  if (!ident_scope_allows(req_db(r), r->user_id, PERM_DUTY_SELF, v->id))
    return zd_fail(&r->err, ZD_ENOTFOUND, "No village with this code in your scope.");
  if (!duty_is_cadre(req_db(r), v->id, r->user_id))
    return zd_fail(&r->err, ZD_EFORBIDDEN, "Only the village's own cadres check in at its center.");
  return ZD_OK;
}

/* GET /v/{code}/checkin?s=SECRET — what the center's QR code opens */
int duty_page_checkin(req *r) {
  org v;
  int rc = duty_village(r, PERM_PUBLIC, &v);
  if (rc) return rc;
  const char *s = req_query(r, "s");
  if (!r->user_id) { /* log in first, then come back here */
    buf here = BUF_INIT, loc = BUF_INIT;
    buf_printf(&here, "/v/%u/checkin?s=%u", v.code, s ? s : "");
    buf_printf(&loc, "/login?next=%u", buf_str(&here));
    resp_redirect(r, 303, buf_str(&loc));
    buf_free(&here);
    buf_free(&loc);
    return ZD_OK;
  }
  if ((rc = may_check_in(r, &v))) return rc;
  long long center = 0, now = (long long)time(NULL);
  if ((rc = duty_center_id(req_db(r), v.id, &center, &r->err))) return rc;
  unsigned char key[32];
  if ((rc = duty_server_key(r, key))) return rc;
  int ok = duty_qr_check(key, center, now, duty_tz(now), s, NULL);
  memset(key, 0, sizeof key);
  if (!ok)
    return checkin_page(r, &v, NULL, T(r, "This QR code is out of date or not this center's; scan the code posted at the center now."), 400);
  return checkin_page(r, &v, s, NULL, 200);
}

/* POST /v/{code}/checkin: s */
int duty_page_checkin_post(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  long long id = 0;
  rc = duty_do_checkin(r, &v, req_form(r, "s"), &id);
  if (rc == ZD_EINVAL || rc == ZD_ECONFLICT) return checkin_page(r, &v, req_form(r, "s"), duty_err_text(r), zd_http_status(rc));
  if (rc) return rc;
  resp_redirect(r, 303, "/duty?done=checkin");
  return ZD_OK;
}

/* POST /v/{code}/checkout */
int duty_page_checkout(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  duty_checkin_row c;
  rc = duty_do_checkout(r, &v, &c);
  if (rc) return rc;
  resp_redirect(r, 303, strcmp(c.out_kind, "auto") == 0 ? "/duty?done=checkout-auto" : "/duty?done=checkout");
  return ZD_OK;
}

/* GET /v/{code}/checkin-poster.pdf — A4, this week's code; reprinted weekly. */
int duty_pdf_checkin_poster(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_MANAGE, &v);
  if (rc) return rc;
  char secret[DUTY_SECRET_LEN + 1], base[160], url[300], line[400];
  long long from = 0;
  if ((rc = duty_current_secret(r, &v, secret, &from))) return rc;
  req_base_url(r, base, sizeof base);
  snprintf(url, sizeof url, "%s/v/%s/checkin?s=%s", base, v.code, secret);
  center ce;
  zd_error e;
  int has_center = center_of(req_db(r), v.id, &ce, &e) == ZD_OK;
  long long tz = duty_tz(from), first = duty_local_day(from, tz);
  char d1[11], d2[11], d3[11];
  duty_format_date(first, d1);
  duty_format_date(first + 6, d2);
  duty_format_date(first + 13, d3);
  buf out = BUF_INIT;
  pdf *p = pdf_new(&out, 210, 297);
  if (!p) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  pdf_rect(p, 0, 0, 210, 38, 0.72, 0.11, 0.11);
  pdf_text(p, 15, 9, 180, "轮流坐班 · 扫码签到", 30, 1, PDF_CENTER);
  pdf_text(p, 15, 48, 180, has_center ? ce.name : v.name, 20, 1, PDF_CENTER);
  pdf_qr(p, 50, 66, 110, url);
  snprintf(line, sizeof line, "本周签到码  %s 至 %s", d1, d2);
  pdf_text(p, 15, 180, 180, line, 16, 1, PDF_CENTER);
  pdf_text(p, 20, 194, 170,
           "坐班的村干部到岗后，用手机登录本系统并扫描此码签到；离开时在“我的值班”页面点“签退”。\n"
           "本码每周一自动更换，请每周打印张贴新码。旧码的照片不能签到（上周的码可再用到本周日）。",
           12, 0, PDF_LEFT);
  snprintf(line, sizeof line, "此码最迟有效至 %s；过期请重新打印。", d3);
  pdf_text(p, 20, 222, 170, line, 12, 1, PDF_LEFT);
  if (has_center && ce.opening_hours[0]) {
    snprintf(line, sizeof line, "开放时间：%s%s%s", ce.opening_hours, ce.phone[0] ? "　值班电话 " : "", ce.phone);
    pdf_text(p, 20, 236, 170, line, 12, 0, PDF_CENTER);
  }
  pdf_text(p, 20, 250, 170, "门常开、人常在 —— 去向牌和值班表见村务公开页面", 12, 0, PDF_CENTER);
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  char day[32];
  strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm);
  snprintf(line, sizeof line, "打印于 %s · %s/v/%s", day, base, v.code);
  pdf_text(p, 20, 280, 170, line, 9, 0, PDF_CENTER);
  if (pdf_finish(p)) { buf_free(&out); return zd_fail(&r->err, ZD_EINTERNAL, "the PDF could not be made"); }
  char cd[128];
  snprintf(cd, sizeof cd, "inline; filename=\"%s-checkin-%s.pdf\"", v.code, d1);
  resp_header(r, "Content-Disposition", cd);
  resp_header(r, "Cache-Control", "no-store");
  resp_text(r, 200, "application/pdf", &out);
  return ZD_OK;
}

/* ------------------------------------------------------------------ my duty */

typedef struct mine_ctx { req *r; buf *b; int n; } mine_ctx;

static void mine_shift(void *arg, const duty_shift *s) {
  mine_ctx *c = arg;
  if (!c->n++)
    buf_printf(c->b, "<table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(c->r, "Date"),
               T(c->r, "Village"), T(c->r, "Shift"));
  buf_printf(c->b, "<tr class=\"%s\"><td>%s %s</td><td><a href=\"/v/%u/duty\">%s</a></td><td data-label=\"%s\">%s</td></tr>",
             duty_day_kind_key(s->day_kind), s->date, T(c->r, duty_weekday_names[duty_weekday(s->day)]), s->org_code,
             s->org_name, T(c->r, "Shift"), T(c->r, s->oncall ? "On call" : "Duty at the center"));
}

static int mine_page(req *r, const char *notice, const char *feed_url) {
  buf b = BUF_INIT;
  long long now = (long long)time(NULL), tz = duty_tz(now), today = duty_local_day(now, tz);
  page_begin(r, &b, T(r, "My duty"));
  buf_printf(&b, "<nav class=\"crumbs\"><a href=\"/guan\">%s</a></nav><h1>%s</h1>", T(r, "Manage"), T(r, "My duty"));
  if (notice) buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", notice);
  if (feed_url)
    buf_printf(&b, "<section class=\"feed\"><p>%s</p><p class=\"code\"><a href=\"%s\">%s</a></p></section>",
               T(r, "Your calendar link (add it to your phone's calendar as a subscription; it is shown only now, keep it private):"),
               feed_url, feed_url);
  duty_checkin_row open;
  zd_error e;
  int is_open = duty_checked_in(r, &open);
  long long seen[32];
  int nseen = 0;
  for (int i = 0; i < r->nroles && nseen < 32; i++) {
    if (!role_grants((role)r->roles[i].role, PERM_DUTY_SELF)) continue;
    org v;
    if (org_by_id(req_db(r), r->roles[i].org_id, &v, &e) != ZD_OK) continue;
    if (v.kind != ORG_VILLAGE && v.kind != ORG_COMMUNITY) continue;
    int dup = 0;
    for (int k = 0; k < nseen; k++) dup |= seen[k] == v.id;
    if (dup) continue;
    seen[nseen++] = v.id;
    buf_printf(&b, "<section class=\"village-duty\"><h2><a href=\"/v/%u\">%s</a></h2>", v.code, org_display_name(&v, r->lang));
    if (is_open && open.org_id == v.id) {
      char t[24];
      duty_date_time(open.in_at, t, sizeof t);
      buf_printf(&b, "<p class=\"notice\">%s %s</p><form class=\"inline\" method=\"post\" action=\"/v/%u/checkout\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\">%s</button></form>",
                 T(r, "You are checked in since"), t, v.code, r->csrf, T(r, "Check out"));
    } else {
      buf_printf(&b, "<p class=\"hint\">%s</p>", T(r, "To check in, scan the QR code posted at the center."));
    }
    /* the whereabouts board: one tap */
    const char *cur = "";
    db_stmt *s = db_query(req_db(r), &e, "SELECT status, set_at FROM duty_status WHERE org_id = ? AND user_id = ?", "ii", v.id,
                          r->user_id);
    int st = -1;
    if (s && db_step(s, &e) == DB_ROW) {
      int x = duty_status_parse(db_col_text(s, 0));
      if (x >= 0) st = (int)duty_status_effective((duty_status)x, db_col_int(s, 1), now, tz);
    }
    db_done(s);
    if (st >= 0) cur = duty_status_key((duty_status)st);
    buf_printf(&b, "<form class=\"status-board\" method=\"post\" action=\"/v/%u/whereabouts\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                   "<p>%s</p>", v.code, r->csrf, T(r, "Where are you? (shown on the village's public board)"));
    for (int k = 0; k < DS_COUNT; k++)
      buf_printf(&b, "<button type=\"submit\" name=\"status\" value=\"%s\" class=\"st st-%s%r\"%r>%s</button>", duty_status_key((duty_status)k),
                 duty_status_key((duty_status)k), strcmp(cur, duty_status_key((duty_status)k)) == 0 ? " current" : "",
                 strcmp(cur, duty_status_key((duty_status)k)) == 0 ? " aria-pressed=\"true\"" : "",
                 T(r, duty_status_label((duty_status)k)));
    buf_puts(&b, "</form>");
    buf_printf(&b, "<p class=\"links\"><a href=\"/v/%u/duty\">%s</a> · <a href=\"/v/%u/duty-log\">%s</a> · <a href=\"/v/%u/coverage\">%s</a> · "
                   "<a href=\"/v/%u/posts\">%s</a></p></section>",
               v.code, T(r, "Roster"), v.code, T(r, "Duty log"), v.code, T(r, "Coverage"), v.code, T(r, "Posts and deeds"));
  }
  if (!nseen) buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "You are not a cadre of any village."));
  buf_printf(&b, "<h2>%s</h2>", T(r, "My next shifts"));
  mine_ctx c = {r, &b, 0};
  duty_shifts(req_db(r), 0, r->user_id, today, today + 35, mine_shift, &c, &e);
  if (c.n) buf_puts(&b, "</tbody></table>");
  else buf_printf(&b, "<p class=\"empty\">%s</p>", T(r, "No shifts in the next five weeks."));
  buf_printf(&b, "<form class=\"form\" method=\"post\" action=\"/duty/feed\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                 "<p>%s</p><button type=\"submit\">%s</button> <a href=\"/api/v1/me/duty.ics\">%s</a></form>",
             r->csrf, T(r, "Your shifts in your phone's calendar: make a private calendar link (a new one replaces the old)."),
             T(r, "Make my calendar link"), T(r, "Download (.ics)"));
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

/* GET /duty */
int duty_page_mine(req *r) {
  const char *d = req_query(r, "done");
  const char *notice = !d ? NULL : strcmp(d, "checkin") == 0 ? T(r, "You are checked in. Your status is now on duty.")
                     : strcmp(d, "checkout") == 0 ? T(r, "You are checked out.")
                     : strcmp(d, "checkout-auto") == 0 ? T(r, "Your check-in was left open past closing time; it counts until closing time.")
                     : strcmp(d, "status") == 0 ? T(r, "Your whereabouts were updated.") : NULL;
  return mine_page(r, notice, NULL);
}

/* POST /v/{code}/whereabouts: status, note */
int duty_page_status(req *r) {
  org v;
  int rc = duty_village(r, PERM_DUTY_SELF, &v);
  if (rc) return rc;
  if (!req_form_ok(r)) return r->err.rc;
  if ((rc = duty_do_status(r, &v, req_form(r, "status"), req_form(r, "note")))) return rc;
  resp_redirect(r, 303, "/duty?done=status");
  return ZD_OK;
}

/* POST /duty/feed — a new private calendar link */
int duty_page_feed_create(req *r) {
  char token[64], actor[96];
  duty_actor(r, actor, sizeof actor);
  int rc;
  db_conn *w = duty_tx_begin(r, &rc);
  if (!rc) rc = duty_feed_create(w, actor, r->user_id, token, sizeof token, &r->err);
  if ((rc = duty_tx_end(r, w, rc))) return rc;
  char base[160], url[300];
  req_base_url(r, base, sizeof base);
  snprintf(url, sizeof url, "%s/duty/feed/%s.ics", base, token);
  return mine_page(r, T(r, "A new calendar link was made; the old one no longer works."), url);
}
