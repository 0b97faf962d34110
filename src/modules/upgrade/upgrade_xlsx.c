/* upgrade_xlsx.c — a fund's projects and spending as an XLSX workbook
** (libxlsxwriter). Money columns hold yuan with two decimals for reading, and
** the exact integer fen beside them. libxlsxwriter writes to a file: a private
** temporary file under the data directory, read back and removed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "upgrade_core.h"

typedef struct sheet_ctx {
  req *r;
  lxw_worksheet *ws;
  lxw_format *money, *date;
  int row;
  long long *ids;
  size_t nids;
} sheet_ctx;

static void yuan(lxw_worksheet *ws, int row, int col, long long fen, lxw_format *f) {
  worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, (double)fen / 100.0, f);
  worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)(col + 1), (double)fen, NULL);
}

static void project_row(void *arg, const upg_project *p) {
  sheet_ctx *c = arg;
  int r = ++c->row;
  worksheet_write_number(c->ws, (lxw_row_t)r, 0, (double)p->id, NULL);
  worksheet_write_string(c->ws, (lxw_row_t)r, 1, p->org_name, NULL);
  worksheet_write_string(c->ws, (lxw_row_t)r, 2, p->title, NULL);
  worksheet_write_string(c->ws, (lxw_row_t)r, 3, T(c->r, upg_status_label(p->status)), NULL);
  yuan(c->ws, r, 4, p->allocation, c->money);
  yuan(c->ws, r, 6, p->approved, c->money);
  yuan(c->ws, r, 8, p->spent, c->money);
  yuan(c->ws, r, 10, p->allocation + p->approved - p->spent, c->money);
  long long *n = realloc(c->ids, (c->nids + 1) * sizeof *n);
  if (n) {
    c->ids = n;
    c->ids[c->nids++] = p->id;
  }
}

static void header(lxw_worksheet *ws, lxw_format *bold, req *r, const char *const *cols, int n) {
  for (int i = 0; i < n; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, T(r, cols[i]), bold);
  worksheet_freeze_panes(ws, 1, 0);
}

/* GET /funds/{id}/export.xlsx */
int upg_xlsx_fund(req *r) {
  upg_fund f;
  int rc = upg_fund_scoped(r, "id", PERM_ORG_VIEW, &f);
  if (rc) return rc;
  char dir[512], path[600];
  snprintf(dir, sizeof dir, "%s/tmp", r->app->cfg->data_dir);
  if (mkdir(r->app->cfg->data_dir, 0750) && errno != EEXIST)
    return zd_fail(&r->err, ZD_EINTERNAL, "cannot create %s: %s", r->app->cfg->data_dir, strerror(errno));
  if (mkdir(dir, 0750) && errno != EEXIST) return zd_fail(&r->err, ZD_EINTERNAL, "cannot create %s: %s", dir, strerror(errno));
  snprintf(path, sizeof path, "%s/export-XXXXXX", dir);
  int fd = mkstemp(path);
  if (fd < 0) return zd_fail(&r->err, ZD_EINTERNAL, "cannot create a temporary file in %s: %s", dir, strerror(errno));
  close(fd);
  lxw_workbook_options opt = {0, dir, 0};
  lxw_workbook *wb = workbook_new_opt(path, &opt);
  if (!wb) { unlink(path); return zd_fail(&r->err, ZD_EINTERNAL, "cannot start the workbook"); }
  lxw_format *bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format *money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");
  lxw_format *date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");

  lxw_worksheet *ws = workbook_add_worksheet(wb, T(r, "Projects"));
  static const char *const pcols[] = {"Number", "Village", "Project", "Status", "Allocation (yuan)", "Allocation (fen)",
                                      "Approved overrun (yuan)", "Approved overrun (fen)", "Spent (yuan)", "Spent (fen)",
                                      "Remaining (yuan)", "Remaining (fen)"};
  header(ws, bold, r, pcols, 12);
  worksheet_set_column(ws, 1, 2, 24, NULL);
  worksheet_set_column(ws, 4, 11, 14, NULL);
  sheet_ctx c = {r, ws, money, date, 0, NULL, 0};
  rc = upg_projects_list(req_db(r), f.id, 0, project_row, &c, &r->err);
  int last = c.row + 1;
  worksheet_write_string(ws, (lxw_row_t)last, 1, T(r, "Total"), bold);
  yuan(ws, last, 4, f.allocated, money);
  yuan(ws, last, 8, f.spent, money);
  worksheet_write_string(ws, (lxw_row_t)(last + 2), 1, T(r, "Fund source"), bold);
  worksheet_write_string(ws, (lxw_row_t)(last + 2), 2, f.source, NULL);
  worksheet_write_string(ws, (lxw_row_t)(last + 3), 1, T(r, "Total"), bold);
  yuan(ws, last + 3, 2, f.total, money);

  lxw_worksheet *ss = workbook_add_worksheet(wb, T(r, "Spending"));
  static const char *const scols[] = {"Village", "Date", "Item", "Paid to", "What for", "Amount (yuan)", "Amount (fen)",
                                      "Beyond the allocation", "Receipt", "Recorded by"};
  header(ss, bold, r, scols, 10);
  worksheet_set_column(ss, 0, 4, 18, NULL);
  worksheet_set_column(ss, 8, 8, 30, NULL);
  int row = 0;
  for (size_t i = 0; !rc && i < c.nids; i++) {
    upg_project_detail d;
    rc = upg_project_detail_load(req_db(r), c.ids[i], &d, &r->err);
    for (size_t k = 0; !rc && k < d.nspend; k++) {
      const upg_spend *s = &d.spend[k];
      char day[16];
      upg_date_format(s->spent_on, day, sizeof day);
      lxw_datetime dt = {0};
      row++;
      worksheet_write_string(ss, (lxw_row_t)row, 0, d.p.org_name, NULL);
      if (sscanf(day, "%d-%d-%d", &dt.year, &dt.month, &dt.day) == 3) worksheet_write_datetime(ss, (lxw_row_t)row, 1, &dt, date);
      worksheet_write_string(ss, (lxw_row_t)row, 2, s->item_title, NULL);
      worksheet_write_string(ss, (lxw_row_t)row, 3, s->payee, NULL);
      worksheet_write_string(ss, (lxw_row_t)row, 4, s->note, NULL);
      yuan(ss, row, 5, s->amount, money);
      worksheet_write_string(ss, (lxw_row_t)row, 7, s->over ? T(r, "Yes") : "", NULL);
      worksheet_write_string(ss, (lxw_row_t)row, 8, s->receipt, NULL);
      worksheet_write_string(ss, (lxw_row_t)row, 9, s->recorded_by, NULL);
    }
    upg_project_detail_free(&d);
  }
  free(c.ids);
  lxw_error xe = workbook_close(wb);
  if (rc) { unlink(path); return rc; }
  if (xe != LXW_NO_ERROR) { unlink(path); return zd_fail(&r->err, ZD_EINTERNAL, "cannot write the workbook: %s", lxw_strerror(xe)); }
  FILE *fp = fopen(path, "rb");
  buf b = BUF_INIT;
  if (fp) {
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_append(&b, chunk, n);
    fclose(fp);
  }
  unlink(path);
  if (!fp || !buf_ok(&b)) { buf_free(&b); return zd_fail(&r->err, ZD_EINTERNAL, "cannot read the workbook back"); }
  char cd[128];
  snprintf(cd, sizeof cd, "attachment; filename=\"fund-%lld.xlsx\"", f.id);
  resp_header(r, "Content-Disposition", cd);
  resp_header(r, "Cache-Control", "no-store");
  resp_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &b);
  return ZD_OK;
}
