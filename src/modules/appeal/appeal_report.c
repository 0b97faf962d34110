/*
** appeal_report.c — paper for the village: the A4 QR poster that brings
** villagers to the form, and the monthly 说事日 report (page and A4 PDF):
** last month's matters, how each was handled, outcome and rating, without
** names or phone numbers; then the matters still open, to discuss.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "appeal_core.h"
#include "modules/audit/audit.h"
#include "platform/page.h"
#include "platform/pdf.h"

static int send_pdf(req *r, buf *b, const char *filename) {
  char cd[128];
  snprintf(cd, sizeof cd, "inline; filename=\"%s\"", filename);
  resp_header(r, "Content-Disposition", cd);
  resp_header(r, "Cache-Control", "no-store");
  resp_text(r, 200, "application/pdf", b);
  return ZD_OK;
}

int appeal_pdf_poster(req *r) {
  org v;
  int rc = appeal_village(r, &v);
  if (rc) return rc;
  center ce;
  zd_error e;
  int has_center = center_of(req_db(r), v.id, &ce, &e) == ZD_OK;
  char base[160], url[256];
  req_base_url(r, base, sizeof base);
  snprintf(url, sizeof url, "%s/v/%s/appeal", base, v.code);
  buf out = BUF_INIT;
  pdf *p = pdf_new(&out, 210, 297);
  if (!p) return zd_fail(&r->err, ZD_EINTERNAL, "out of memory");
  pdf_rect(p, 0, 0, 210, 38, 0.72, 0.11, 0.11);
  pdf_text(p, 15, 9, 180, "民事直说 · 扫码说事", 30, 1, PDF_CENTER);
  char line[300];
  snprintf(line, sizeof line, "%s", has_center ? ce.name : v.name);
  pdf_text(p, 15, 48, 180, line, 20, 1, PDF_CENTER);
  pdf_qr(p, 50, 68, 110, url);
  pdf_text(p, 15, 181, 180, url, 11, 0, PDF_CENTER);
  pdf_text(p, 20, 195, 170,
           "村里事、邻里事、家里事，都可以直接说。\n"
           "手机扫一扫，写下您要反映的事，不用注册账号，可以不留姓名。\n"
           "提交后会得到事项编号和查询码，凭它们查看办理进度、答复并评价。",
           13, 0, PDF_LEFT);
  pdf_text(p, 20, 228, 170, "现场直办 · 干部领办 · 村镇联办 · 部门联办", 14, 1, PDF_CENTER);
  if (has_center && ce.opening_hours[0]) {
    snprintf(line, sizeof line, "不方便用手机？请到群众说事室当面说：%s%s%s", ce.opening_hours, ce.phone[0] ? "　电话 " : "",
             ce.phone);
    pdf_text(p, 20, 240, 170, line, 11, 0, PDF_CENTER);
  }
  snprintf(line, sizeof line, "查询进度：%s/track", base);
  pdf_text(p, 20, 254, 170, line, 11, 0, PDF_CENTER);
  long long seq = 0;
  char hash[AUDIT_HASH_LEN + 1];
  audit_head(req_db(r), &seq, hash, &e);
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  char day[32];
  strftime(day, sizeof day, "%Y-%m-%d", &tm);
  pdf_line(p, 20, 272, 190, 272, 0.2);
  snprintf(line, sizeof line, "%s 打印 · 全程留痕校验码（审计链 #%lld）：%.32s…", day, seq, hash);
  pdf_text(p, 20, 275, 170, line, 8, 0, PDF_LEFT);
  if (pdf_finish(p)) { buf_free(&out); return zd_fail(&r->err, ZD_EINTERNAL, "cannot render the PDF"); }
  char fn[64];
  snprintf(fn, sizeof fn, "%s-appeal-poster.pdf", v.code);
  return send_pdf(r, &out, fn);
}

/* The month asked for ("2026-10"), or last month; [start, end) in local time. */
static int month_range(req *r, long long *start, long long *end, char *label, size_t n) {
  const char *m = req_query(r, "month");
  struct tm tm;
  time_t now = time(NULL);
  localtime_r(&now, &tm);
  int y = tm.tm_year + 1900, mon = tm.tm_mon; /* 0-based: last month is mon-1 */
  if (m && *m) {
    int yy = 0, mm = 0;
    char tail;
    if (sscanf(m, "%4d-%2d%c", &yy, &mm, &tail) != 2 || yy < 2000 || yy > 2100 || mm < 1 || mm > 12)
      return zd_fail(&r->err, ZD_EINVAL, "month must look like 2026-10.");
    y = yy;
    mon = mm - 1;
  } else if (--mon < 0) {
    mon = 11;
    y--;
  }
  struct tm a = {0}, b = {0};
  a.tm_year = y - 1900; a.tm_mon = mon; a.tm_mday = 1; a.tm_isdst = -1;
  b = a;
  b.tm_mon++;
  *start = (long long)mktime(&a);
  *end = (long long)mktime(&b);
  snprintf(label, n, "%04d-%02d", (y % 10000 + 10000) % 10000, (mon + 1) % 100);
  return ZD_OK;
}

typedef struct report {
  appeal *items;
  size_t n;
  appeal *open;
  size_t nopen;
  int by_kind[AK_COUNT], closed, in_time, satisfied, basic, unsatisfied;
} report;

static int load(req *r, const org *v, long long start, long long end, report *rep) {
  memset(rep, 0, sizeof *rep);
  for (int pass = 0; pass < 2; pass++) {
    zd_error *e = &r->err;
    db_stmt *s = pass == 0
        ? db_query(req_db(r), e, "SELECT number FROM appeal WHERE org_id = ? AND created_at >= ? AND created_at < ? ORDER BY id",
                   "iii", v->id, start, end)
        : db_query(req_db(r), e, "SELECT number FROM appeal WHERE org_id = ? AND state <> 'closed' ORDER BY id", "i", v->id);
    if (!s) return e->rc;
    char (*nums)[24] = NULL;
    size_t cnt = 0;
    int rc;
    while ((rc = db_step(s, e)) == DB_ROW && cnt < 500) {
      void *nn = realloc(nums, (cnt + 1) * sizeof *nums);
      if (!nn) break;
      nums = nn;
      snprintf(nums[cnt++], 24, "%s", db_col_text(s, 0));
    }
    db_done(s);
    appeal *list = cnt ? calloc(cnt, sizeof *list) : NULL;
    size_t k = 0;
    for (size_t i = 0; i < cnt && list; i++)
      if (appeal_get(req_db(r), nums[i], &list[k], e) == ZD_OK) k++;
    free(nums);
    if (pass == 0) { rep->items = list; rep->n = k; }
    else { rep->open = list; rep->nopen = k; }
    if (rc < 0) return rc;
  }
  for (size_t i = 0; i < rep->n; i++) {
    const appeal *a = &rep->items[i];
    rep->by_kind[a->kind]++;
    if (a->fsm.state == AS_CLOSED) {
      rep->closed++;
      if (!a->deadline || a->closed_at <= a->deadline) rep->in_time++;
    }
    if (a->fsm.rating == AR_SATISFIED) rep->satisfied++;
    if (a->fsm.rating == AR_BASIC) rep->basic++;
    if (a->fsm.rating == AR_UNSATISFIED) rep->unsatisfied++;
  }
  return ZD_OK;
}

static void report_free(report *rep) { free(rep->items); free(rep->open); rep->items = rep->open = NULL; }

static void summary_line(req *r, const report *rep, char *out, size_t n) {
  snprintf(out, n, "%s %zu · %s %d · %s %d · %s %d · %s %d · %s %d · %s %d/%d/%d", T(r, "Matters raised"), rep->n,
           T(r, appeal_kind_label(AK_VILLAGE)), rep->by_kind[AK_VILLAGE], T(r, appeal_kind_label(AK_NEIGHBOUR)),
           rep->by_kind[AK_NEIGHBOUR], T(r, appeal_kind_label(AK_FAMILY)), rep->by_kind[AK_FAMILY], T(r, "Closed"),
           rep->closed, T(r, "closed in time"), rep->in_time, T(r, "Rating"), rep->satisfied, rep->basic, rep->unsatisfied);
}

/* The village in scope, the month asked for and its report. */
static int prepare(req *r, org *v, char *month, size_t mlen, report *rep) {
  memset(rep, 0, sizeof *rep);
  int rc = appeal_village(r, v);
  if (rc == ZD_OK && !ident_scope_allows(req_db(r), r->user_id, PERM_APPEAL_VIEW, v->id))
    rc = zd_fail(&r->err, ZD_ENOTFOUND, "No village with this code in your scope.");
  long long start = 0, end = 0;
  if (!rc) rc = month_range(r, &start, &end, month, mlen);
  if (!rc) rc = load(r, v, start, end, rep);
  if (rc) report_free(rep);
  return rc;
}

int appeal_page_shuoshi(req *r) {
  org v;
  char month[16];
  report rep;
  int rc = prepare(r, &v, month, sizeof month, &rep);
  if (rc) return rc;
  buf b = BUF_INIT;
  char title[200], sum[400];
  snprintf(title, sizeof title, "%s · %s %s", v.name, T(r, "Monthly talk day report"), month);
  page_begin(r, &b, title);
  buf_printf(&b, "<h1>%s</h1><p><a href=\"/v/%u/shuoshi.pdf?month=%u\">%s</a></p>", title, v.code, month, T(r, "Print (A4 PDF)"));
  summary_line(r, &rep, sum, sizeof sum);
  buf_printf(&b, "<p class=\"lead\">%s</p><h2>%s</h2><table class=\"list\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
             sum, T(r, "Matters raised last month"), T(r, "Number"), T(r, "Kind"), T(r, "Matter"), T(r, "Handling"),
             T(r, "Status"), T(r, "Answer"), T(r, "Rating"));
  for (size_t i = 0; i < rep.n; i++) {
    const appeal *a = &rep.items[i];
    buf_printf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", a->number,
               T(r, appeal_kind_label(a->kind)), a->content, a->has_mode ? T(r, appeal_mode_label(a->mode)) : "",
               T(r, appeal_state_label(a->fsm.state)), a->answer, T(r, appeal_rating_label(a->fsm.rating)));
  }
  if (!rep.n) buf_printf(&b, "<tr><td colspan=\"7\">%s</td></tr>", T(r, "No matters match."));
  buf_printf(&b, "</tbody></table><h2>%s</h2><ul>", T(r, "Open matters to discuss"));
  for (size_t i = 0; i < rep.nopen; i++)
    buf_printf(&b, "<li><a href=\"/appeals/%u\">%s</a> %s · %s</li>", rep.open[i].number, rep.open[i].number,
               T(r, appeal_state_label(rep.open[i].fsm.state)), rep.open[i].content);
  if (!rep.nopen) buf_printf(&b, "<li>%s</li>", T(r, "No matters match."));
  buf_puts(&b, "</ul>");
  report_free(&rep);
  page_end(r, &b);
  resp_html(r, 200, &b);
  return ZD_OK;
}

int appeal_pdf_shuoshi(req *r) {
  org v;
  char month[16];
  report rep;
  int rc = prepare(r, &v, month, sizeof month, &rep);
  if (rc) return rc;
  buf out = BUF_INIT;
  pdf *p = pdf_new(&out, 210, 297);
  char line[600];
  snprintf(line, sizeof line, "%s 固定说事日报告（%s）", v.name, month);
  double y = 15;
  y += pdf_text(p, 15, y, 180, line, 18, 1, PDF_CENTER) + 4;
  summary_line(r, &rep, line, sizeof line);
  y += pdf_text(p, 15, y, 180, line, 10, 0, PDF_LEFT) + 4;
  y += pdf_text(p, 15, y, 180, "一、上月事项办理情况（不含姓名、电话）", 13, 1, PDF_LEFT) + 2;
  for (size_t i = 0; i < rep.n; i++) {
    const appeal *a = &rep.items[i];
    buf item = BUF_INIT;
    buf_printf(&item, "%r　[%r]　%r\n办理：%r　状态：%r　评价：%r%r%r", a->number, T(r, appeal_kind_label(a->kind)),
               a->content, a->has_mode ? T(r, appeal_mode_label(a->mode)) : "—", T(r, appeal_state_label(a->fsm.state)),
               T(r, appeal_rating_label(a->fsm.rating)), a->answer[0] ? "\n答复：" : "", a->answer);
    if (y > 260) { pdf_new_page(p); y = 15; }
    y += pdf_text(p, 18, y, 175, buf_str(&item), 10, 0, PDF_LEFT) + 3;
    buf_free(&item);
  }
  if (!rep.n) y += pdf_text(p, 18, y, 175, "（无）", 10, 0, PDF_LEFT) + 3;
  if (y > 250) { pdf_new_page(p); y = 15; }
  y += 3 + pdf_text(p, 15, y + 3, 180, "二、待议事项（尚未办结）", 13, 1, PDF_LEFT) + 2;
  for (size_t i = 0; i < rep.nopen; i++) {
    buf item = BUF_INIT;
    buf_printf(&item, "%r　%r　%r", rep.open[i].number, T(r, appeal_state_label(rep.open[i].fsm.state)), rep.open[i].content);
    if (y > 270) { pdf_new_page(p); y = 15; }
    y += pdf_text(p, 18, y, 175, buf_str(&item), 10, 0, PDF_LEFT) + 2;
    buf_free(&item);
  }
  if (!rep.nopen) pdf_text(p, 18, y, 175, "（无）", 10, 0, PDF_LEFT);
  report_free(&rep);
  if (pdf_finish(p)) { buf_free(&out); return zd_fail(&r->err, ZD_EINTERNAL, "cannot render the PDF"); }
  char fn[64];
  snprintf(fn, sizeof fn, "%s-shuoshi-%s.pdf", v.code, month);
  return send_pdf(r, &out, fn);
}
