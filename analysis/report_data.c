/* analysis/report_data.c - sheet 7 of the report: the tidy table behind it all, as an Excel table.
 *
 * Every row of the figures table through the figures' one column list
 * (analysis/figures.h): the same columns and empty cells as `enkat stats
 * --format csv`, each column described in the report's language in a comment
 * on its header. Every column costs about 13 MB for a national table
 * (libxlsxwriter keeps each cell in memory, since tables and charts rule out
 * its constant-memory mode).
 */
#include "analysis/report_internal.h"

#include <string.h>

void enk_report_sheet_data(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        lxw_worksheet *ws = enk_report_add_sheet(c, W_SH_DATA);
        if (!ws)
                return;
        if (f->nrows >= LXW_ROW_MAX) {
                enk_report_note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
                return;
        }
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);
        /* the figures' one column table (analysis/figures.h): the same
         * columns and empty cells as `enkat stats --format csv` */
        const size_t ncols = ENK_FIGURES_NCOLUMNS;
        for (size_t i = 0; i < f->nrows; i++) {
                for (size_t k = 0; k < ncols; k++) {
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
                                enk_report_put_str(c, ws, i + 1, k, cell.text, NULL);
                        else if (col->type == ENK_COL_BOOL && cell.flag >= 0)
                                enk_report_put_bool(c, ws, i + 1, k, cell.flag);
                        else if (col->type != ENK_COL_TEXT && col->type != ENK_COL_BOOL)
                                enk_report_put_num(c, ws, i + 1, k, cell.num, fmt);
                }
        }
        lxw_table_column cols[ENK_FIGURES_NCOLUMNS];
        lxw_table_column *colp[ENK_FIGURES_NCOLUMNS + 1];
        for (size_t i = 0; i < ncols; i++) {
                /* numbers stand right: so do their headings */
                cols[i] = (lxw_table_column){.header = (char *) enk_figures_columns[i].name,
                                             .header_format = i >= 3 ? c->fmt.data_head : NULL};
                colp[i] = &cols[i];
        }
        colp[ncols] = NULL;
        /* what each column holds, in the report's language, on its header */
        for (size_t i = 0; i < ncols; i++)
                enk_report_note_err(c, worksheet_write_comment(
                                           ws, 0, (lxw_col_t) i,
                                           enk_lang_pick(c->lang, enk_figures_columns[i].label)));
        lxw_table_options opt = {0};
        opt.name = "Figures";
        opt.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
        opt.style_type_number = 9;
        opt.columns = colp;
        /* A table needs a data row, even an empty one. */
        size_t last = f->nrows ? f->nrows : 1;
        enk_report_note_err(
            c, worksheet_add_table(ws, 0, 0, (lxw_row_t) last, (lxw_col_t) (ncols - 1), &opt));
        enk_report_col_width(c, ws, 0, 0, 14, NULL);
        enk_report_col_width(c, ws, 1, 1, 7, NULL);
        enk_report_col_width(c, ws, 2, 2, 22, NULL);
        for (size_t i = 3; i < ncols; i++) {
                double wd = (double) strlen(enk_figures_columns[i].name) + 3; /* + the button */
                enk_report_col_width(c, ws, i, i, wd < 9 ? 9 : wd, NULL);
        }
        worksheet_freeze_panes(ws, 1, 0);
        enk_report_note_err(c, worksheet_repeat_rows(ws, 0, 0));
}
