/* analysis/report_data.c - the last sheet of the report: the tidy table behind it all.
 *
 * Every row of the figures table through the figures' one column list
 * (analysis/figures.h): the same columns, in the same order and with the same
 * empty cells as `enkat stats --format csv`, every number at the CSV's
 * precision (enk_figures_round). People read the table: its header names each
 * column in the report's language (enk_column.heading), with what it holds in
 * a comment on the header (enk_column.label); the row above the header gives
 * the CSV's column codes, for programs and for anyone matching the sheet with
 * `enkat stats`. The values are written for people too: a flag as the CSV's
 * 1 or 0 (empty when no test was made) that its number format shows as the
 * word "ja" or "nej" (fmt.flag: a third of the XML of a word), a direction
 * as "upp" or "ned", and the weighted total under its name rather than the
 * CSV's "*".
 *
 * Memory: a national table is 84,000 rows of 31 cells, which libxlsxwriter
 * would keep in memory to the end (340 MB). So this sheet is streamed
 * (add_streamed_sheet in report.c, constant_memory): each row goes to a
 * temporary file when the next is started, and the cells must come in row
 * order; what belongs to no row (widths, freeze, filter) is set first, row
 * 1's height and comments before row 2. A streamed sheet cannot hold an
 * Excel table, so the header is a plain row with a filter button on each
 * heading (worksheet_autofilter over the header and every row), frozen, in
 * the look the table style gave it (fmt.data_head: white bold on the theme's
 * accent blue). Its strings are written inline (no shared strings).
 */
#include "analysis/report_internal.h"
#include "survey/utf8.h"

#include <math.h>
#include <string.h>

/* The text of a text cell as people read it. */
static const char *shown_text(const enk_report_ctx *c, size_t k, const char *text)
{
        if (k == 0 && strcmp(text, ENK_ALL_UNITS) == 0)
                return enk_report_word(c, W_ALL_UNITS);
        if (strcmp(enk_figures_columns[k].name, "change") == 0)
                return enk_report_word(c, strcmp(text, "up") == 0 ? W_UP : W_DOWN);
        if (strcmp(enk_figures_columns[k].name, "vs_rest") == 0)
                return enk_report_word(c, strcmp(text, "up") == 0 ? W_HIGHER : W_LOWER);
        return text;
}

static void data_rows(enk_report_ctx *c, lxw_worksheet *ws, size_t first)
{
        const enk_figures *f = c->f;
        for (size_t i = 0; i < f->nrows; i++) {
                for (size_t k = 0; k < ENK_FIGURES_NCOLUMNS; k++) {
                        const enk_column *col = &enk_figures_columns[k];
                        enk_cell cell;
                        enk_figures_cell(&f->rows[i], k, &cell);
                        lxw_format *fmt = NULL;
                        if (col->type == ENK_COL_SHARE)
                                fmt = c->fmt.pct;
                        else if (col->type == ENK_COL_NUM)
                                fmt = col->digits == 1 ? c->fmt.dec1 : c->fmt.dec3;
                        else if (k == 1) /* the year */
                                fmt = c->fmt.year;
                        if (col->type == ENK_COL_TEXT && cell.text)
                                enk_report_put_str(c, ws, first + i, k, shown_text(c, k, cell.text),
                                                   NULL);
                        else if (col->type == ENK_COL_BOOL && cell.flag >= 0)
                                enk_report_put_num(c, ws, first + i, k, cell.flag ? 1 : 0,
                                                   c->fmt.flag);
                        else if (col->type != ENK_COL_TEXT && col->type != ENK_COL_BOOL &&
                                 isfinite(cell.num)) /* an empty cell needs no format */
                                enk_report_put_num(c, ws, first + i, k, cell.num, fmt);
                }
        }
}

/* The unit column wide enough for the longest name (the total's included). */
static double unit_width(const enk_report_ctx *c)
{
        const char *total = enk_report_word(c, W_ALL_UNITS);
        size_t w = enk_utf8_chars(total, strlen(total));
        for (size_t i = 0; i < c->f->nunits; i++) {
                size_t n = enk_utf8_chars(c->f->units[i], strlen(c->f->units[i]));
                if (n > w)
                        w = n;
        }
        return w + 3.0 > 60.0 ? 60.0 : (double) w + 3.0; /* + the filter button */
}

/* The width of column i (3 and on): its heading wraps in the header's three
 * lines, its longest word whole beside the filter button, and its code fits. */
static double heading_width(const enk_report_ctx *c, size_t i)
{
        const char *h = enk_lang_pick(c->lang, enk_figures_columns[i].heading);
        double wd = (double) enk_utf8_chars(h, strlen(h)) / 2.0 + 3;
        for (const char *w = h; *w;) {
                size_t len = strcspn(w, " ");
                double ww = (double) enk_utf8_chars(w, len) + 4;
                if (ww > wd)
                        wd = ww;
                w += len + (w[len] == ' ');
        }
        double code = (double) strlen(enk_figures_columns[i].name) + 1;
        if (wd < code)
                wd = code;
        return wd < 10 ? 10 : wd;
}

void enk_report_sheet_data(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        const size_t ncols = ENK_FIGURES_NCOLUMNS;
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_DATA);
        if (!ws)
                return;
        if (f->nrows + 2 >= LXW_ROW_MAX) {
                enk_report_note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
                return;
        }
        /* What belongs to no row first; then the rows in order. */
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);
        enk_report_col_width(c, ws, 0, 0, unit_width(c), NULL);
        enk_report_col_width(c, ws, 1, 1, 7, NULL);
        enk_report_col_width(c, ws, 2, 2, 22, NULL);
        for (size_t i = 3; i < ncols; i++)
                enk_report_col_width(c, ws, i, i, heading_width(c, i), NULL);
        worksheet_freeze_panes(ws, 2, 0);
        enk_report_note_err(c, worksheet_repeat_rows(ws, 0, 1));
        /* the header and every row, with a filter button on each heading
         * (and one empty row when there are none, as the table had) */
        size_t last = f->nrows ? f->nrows + 1 : 2;
        enk_report_note_err(
            c, worksheet_autofilter(ws, 1, 0, (lxw_row_t) last, (lxw_col_t) (ncols - 1)));
        /* row 0: the CSV's codes */
        for (size_t i = 0; i < ncols; i++)
                enk_report_put_str(c, ws, 0, i, enk_figures_columns[i].name, c->fmt.small);
        /* row 1: the header in the report's language, what each column holds
         * in a comment on it; numbers stand right, so do their headings */
        enk_report_row_height(c, ws, 1, 45);
        for (size_t i = 0; i < ncols; i++) {
                enk_report_put_str(c, ws, 1, i,
                                   enk_lang_pick(c->lang, enk_figures_columns[i].heading),
                                   i >= 3 ? c->fmt.data_head : c->fmt.data_head_left);
                enk_report_note_err(c, worksheet_write_comment(
                                           ws, 1, (lxw_col_t) i,
                                           enk_lang_pick(c->lang, enk_figures_columns[i].label)));
        }
        data_rows(c, ws, 2);
}
