/* analysis/report_trends.c - sheet 2 of the report: every year's share with its interval, and a
 * line chart.
 *
 * The table holds a block per area and question with figures for the unit
 * the report shows; the areas and the summary's questions get a line chart
 * each, two charts to a row beside the table, T_CHART_ROWS rows each and two
 * rows of charts to a printed page (a page break after every second row), so
 * that no chart is cut.
 *
 * In the all-units report a drop-down cell (data validation, no macros) above
 * the table chooses a unit: a column "Chosen unit" in every block picks its
 * share from a data range under the table (INDEX/MATCH on "unit|year"), and
 * the charts draw it beside the total. The range holds the shares the
 * comparison sheet shows: a suppressed share is an empty cell, which the
 * formula turns into #N/A, a gap in the chart, not a zero. The range is
 * outside the print area.
 */
#include "analysis/report_internal.h"
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>

#define T_NCOLS      6  /* the trend table's columns: year, share, low, high, n, note */
#define T_CHOSEN     6  /* the chosen unit's column, in the all-units report */
#define T_CHART_ROWS 13 /* rows of 15 points per row of charts */
#define T_HEADER     3  /* the table's heading row; the drop-down is on the row above */
#define T_CHART_COLS 16 /* the default-width columns two charts side by side take */

/* Where the chooser's data lives: the data range's rows and columns. */
typedef struct chooser {
        bool on;
        size_t first, last;                     /* the data rows */
        size_t list_first, list_last, list_col; /* the units for the drop-down */
        size_t *col_of; /* the data column of each item, 0 when it has none */
} chooser;

/* The line chart of one item's share and interval over the years in rows
 * first..last, placed in the two-column grid of charts by slot. */
static void trend_chart(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, size_t first,
                        size_t last, size_t item, size_t slot, bool chosen)
{
        lxw_chart *ch = enk_report_new_chart(c, LXW_CHART_LINE);
        if (!ch)
                return;
        lxw_chart_font axis_font = {.size = 8};
        enk_report_chart_share_style(c, ch, enk_report_item_label(c, item));

        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        lxw_chart_series *lo = chart_add_series(ch, NULL, NULL);
        lxw_chart_series *hi = chart_add_series(ch, NULL, NULL);
        if (!s || !lo || !hi) {
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return;
        }
        lxw_chart_series *all[] = {s, lo, hi};
        size_t cols[] = {1, 2, 3};
        for (size_t i = 0; i < 3; i++) {
                chart_series_set_categories(all[i], sheet, (lxw_row_t) first, 0, (lxw_row_t) last,
                                            0);
                chart_series_set_values(all[i], sheet, (lxw_row_t) first, (lxw_col_t) cols[i],
                                        (lxw_row_t) last, (lxw_col_t) cols[i]);
        }
        chart_series_set_name(s, enk_report_word(c, W_SHARE));
        lxw_chart_line line = {.color = ENK_REPORT_BLUE, .width = 2.25};
        lxw_chart_fill mfill = {.color = ENK_REPORT_BLUE};
        lxw_chart_line mline = {.color = ENK_REPORT_BLUE};
        chart_series_set_line(s, &line);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(s, 6);
        chart_series_set_marker_fill(s, &mfill);
        chart_series_set_marker_line(s, &mline);

        /* The interval: its bounds as thin dashed lines (drawn by every
         * reader), joined year by year with high-low lines (drawn by Excel;
         * LibreOffice ignores them on line charts). */
        lxw_chart_line bound = {
            .color = 0x9DC3E6, .width = 1.25, .dash_type = LXW_CHART_LINE_DASH_DASH};
        chart_series_set_name(lo, enk_report_word(c, W_CI));
        chart_series_set_name(hi, enk_report_word(c, W_CI));
        chart_series_set_line(lo, &bound);
        chart_series_set_line(hi, &bound);
        chart_series_set_marker_type(lo, LXW_CHART_MARKER_NONE);
        chart_series_set_marker_type(hi, LXW_CHART_MARKER_NONE);
        lxw_chart_line hl = {.color = 0x9DC3E6, .width = 1.25};
        chart_set_high_low_lines(ch, &hl);
        int16_t dup[] = {2, -1};
        enk_report_note_err(c, chart_legend_delete_series(ch, dup));

        if (chosen) {
                /* the unit chosen above the table, named by its cell */
                lxw_chart_series *u = chart_add_series(ch, NULL, NULL);
                if (!u) {
                        enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                        return;
                }
                chart_series_set_categories(u, sheet, (lxw_row_t) first, 0, (lxw_row_t) last, 0);
                chart_series_set_values(u, sheet, (lxw_row_t) first, T_CHOSEN, (lxw_row_t) last,
                                        T_CHOSEN);
                chart_series_set_name_range(u, sheet, T_HEADER - 1, 1);
                lxw_chart_line uline = {.color = 0xED7D31, .width = 2.25};
                lxw_chart_fill ufill = {.color = 0xED7D31};
                lxw_chart_line umline = {.color = 0xED7D31};
                chart_series_set_line(u, &uline);
                chart_series_set_marker_type(u, LXW_CHART_MARKER_DIAMOND);
                chart_series_set_marker_size(u, 7);
                chart_series_set_marker_fill(u, &ufill);
                chart_series_set_marker_line(u, &umline);
        }
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        chart_legend_set_font(ch, &axis_font);
        chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);

        /* anchored to its own rows, so that the page breaks fall between charts */
        lxw_chart_options o = {0};
        o.x_offset = (int32_t) ((slot % 2) * (ENK_REPORT_CHART_W + 16));
        o.x_scale = 1;
        o.y_scale = (T_CHART_ROWS * 20.0 - 8) / ENK_REPORT_CHART_H;
        enk_report_note_err(c, worksheet_insert_chart_opt(
                                   ws, (lxw_row_t) (T_HEADER + 1 + (slot / 2) * T_CHART_ROWS),
                                   T_NCOLS + 2, ch, &o));
}

/* The chosen unit's share of item in year row rr: the data range's cell of
 * its "unit|year", #N/A (a gap) when that is empty or absent. */
static void chosen_cell(enk_report_ctx *c, lxw_worksheet *ws, size_t rr, const chooser *ch,
                        size_t item, int year_index)
{
        char key[32], rng[64], keys[64], formula[400];
        lxw_rowcol_to_cell_abs(key, T_HEADER - 1, 1, true, true);
        lxw_rowcol_to_range_abs(rng, (lxw_row_t) ch->first, (lxw_col_t) ch->col_of[item],
                                (lxw_row_t) ch->last, (lxw_col_t) ch->col_of[item]);
        lxw_rowcol_to_range_abs(keys, (lxw_row_t) ch->first, 0, (lxw_row_t) ch->last, 0);
        char year[16];
        lxw_rowcol_to_cell(year, (lxw_row_t) rr, 0);
        char pick[200];
        enk_report_fmt(pick, sizeof pick, "INDEX(%s,MATCH(%s&\"|\"&%s,%s,0))", rng, key, year,
                       keys);
        enk_report_fmt(formula, sizeof formula, "=IF(ISNUMBER(%s),%s,NA())", pick, pick);
        /* The result for the unit the drop-down starts with, for readers that
         * do not recalculate on opening (LibreOffice by default): the share,
         * or the text "#N/A", which LibreOffice draws as a gap, as Excel its
         * recalculated #N/A. */
        const enk_figure *r = enk_report_cell(c, c->unit_order[0].index, year_index, item);
        if (r && !r->suppressed && !isnan(r->share))
                enk_report_note_err(c, worksheet_write_formula_num(ws, (lxw_row_t) rr, T_CHOSEN,
                                                                   formula, c->fmt.pct, r->share));
        else
                enk_report_note_err(c, worksheet_write_formula_str(ws, (lxw_row_t) rr, T_CHOSEN,
                                                                   formula, c->fmt.pct, "#N/A"));
}

/* One item's block: its name on a row of its own (it may run across the
 * whole table), then a row per year, and its chart when it is on the summary.
 * Returns the row after the block. */
static size_t trend_block(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, size_t row,
                          size_t it, bool headline, size_t *slot, const chooser *ch)
{
        const enk_figures *f = c->f;
        size_t ncols = ch->on ? T_CHOSEN + 1 : T_NCOLS;
        enk_report_put_str(c, ws, row, 0, enk_report_item_label(c, it), c->fmt.section);
        for (size_t col = 1; col < ncols; col++)
                enk_report_put_str(c, ws, row, col, "", c->fmt.section);
        row++;
        size_t first = row;
        for (size_t y = 0; y < f->nyears; y++, row++) {
                const enk_figure *r = enk_report_cell(c, c->cu, (int) y, it);
                enk_report_put_num(c, ws, row, 0, f->years[y], c->fmt.year);
                if (ch->on)
                        chosen_cell(c, ws, row, ch, it, (int) y);
                if (!r)
                        continue;
                enk_report_put_n(c, ws, row, 4, r, c->fmt.integer, c->fmt.dots);
                if (r->suppressed) {
                        /* the numbers stay blank, so the chart leaves a gap
                         * (text would be drawn as 0) */
                        enk_report_put_unshown(c, ws, row, 5, r);
                        continue;
                }
                enk_report_put_num(c, ws, row, 1, r->share, c->fmt.pct_bold);
                enk_report_put_num(c, ws, row, 2, r->ci_low, c->fmt.pct);
                enk_report_put_num(c, ws, row, 3, r->ci_high, c->fmt.pct);
                /* n == 0 is marked too: a share of nothing is no share */
                enk_report_put_str(c, ws, row, 5,
                                   r->low_precision || r->n < ENK_STATS_LOW_PRECISION_N ? "*" : "",
                                   c->fmt.note);
        }
        if (ch->on && row > first) {
                /* the chosen unit's gaps are #N/A for the chart (an error, or its
                 * text as written for readers that do not recalculate), which would
                 * read as an error on the page: written white there */
                char top[16], cond[32];
                lxw_rowcol_to_cell(top, (lxw_row_t) first, T_CHOSEN);
                enk_report_fmt(cond, sizeof cond, "=NOT(ISNUMBER(%s))", top);
                lxw_conditional_format cf = {.type = LXW_CONDITIONAL_TYPE_FORMULA,
                                             .value_string = cond,
                                             .format = c->fmt.gap};
                enk_report_note_err(
                    c, worksheet_conditional_format_range(ws, (lxw_row_t) first, T_CHOSEN,
                                                          (lxw_row_t) (row - 1), T_CHOSEN, &cf));
        }
        if (enk_report_item_on_summary(c, it, headline))
                trend_chart(c, ws, sheet, first, row - 1, it, (*slot)++, ch->on);
        return row;
}

/* Whether item has a block: figures for the unit shown. */
static bool has_block(const enk_report_ctx *c, size_t it)
{
        return enk_report_item_has_data(c, c->cu, it);
}

/* The data range at row: a row per unit and year, "unit|year", the unit, the
 * year, and a column per item with a block; the units for the drop-down in a
 * column of their own. */
static void chooser_data(enk_report_ctx *c, lxw_worksheet *ws, size_t row, chooser *ch)
{
        const enk_figures *f = c->f;
        size_t col = 3;
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_TRENDS_DATA), c->fmt.label);
        row++;
        const enum enk_report_word heads[] = {W_TRENDS_KEY, W_UNIT, W_YEAR};
        for (size_t i = 0; i < 3; i++)
                enk_report_put_str(c, ws, row, i, enk_report_word(c, heads[i]), c->fmt.header_left);
        for (int pass = 0; pass < 2; pass++)
                for (size_t it = 0; it < c->nitems; it++)
                        if (enk_report_item_is_area(c, it) == (pass == 0) && has_block(c, it)) {
                                ch->col_of[it] = col;
                                enk_report_put_str(c, ws, row, col++, enk_report_item_label(c, it),
                                                   c->fmt.header);
                        }
        ch->list_col = col + 1;
        enk_report_put_str(c, ws, row, ch->list_col, enk_report_word(c, W_UNIT),
                           c->fmt.header_left);
        ch->first = row + 1;
        ch->list_first = row + 1;
        char key[600];
        size_t r = ch->first;
        for (size_t k = 0; k < f->nunits; k++) {
                size_t u = c->unit_order[k].index;
                enk_report_put_str(c, ws, ch->list_first + k, ch->list_col, f->units[u], NULL);
                for (size_t y = 0; y < f->nyears; y++, r++) {
                        enk_report_put_str(
                            c, ws, r, 0,
                            enk_report_fmt(key, sizeof key, "%s|%d", f->units[u], f->years[y]),
                            c->fmt.small);
                        enk_report_put_str(c, ws, r, 1, f->units[u], NULL);
                        enk_report_put_num(c, ws, r, 2, f->years[y], c->fmt.year);
                        for (size_t it = 0; it < c->nitems; it++) {
                                const enk_figure *fig = enk_report_cell(c, u, (int) y, it);
                                /* nothing of a suppressed share: the cell stays empty */
                                if (ch->col_of[it] && fig && !fig->suppressed)
                                        enk_report_put_num(c, ws, r, ch->col_of[it], fig->share,
                                                           c->fmt.pct);
                        }
                }
        }
        ch->last = r - 1;
        ch->list_last = ch->list_first + f->nunits - 1;
}

/* The drop-down above the table: the first unit by name to begin with. */
static void chooser_cell(enk_report_ctx *c, lxw_worksheet *ws, const chooser *ch)
{
        char range[64], formula[80];
        enk_report_put_str(c, ws, T_HEADER - 1, 0, enk_report_word(c, W_TRENDS_CHOOSE),
                           c->fmt.label);
        enk_report_note_err(c, worksheet_merge_range(ws, T_HEADER - 1, 1, T_HEADER - 1, T_CHOSEN,
                                                     c->unit_order[0].name, c->fmt.chooser));
        lxw_rowcol_to_range_abs(range, (lxw_row_t) ch->list_first, (lxw_col_t) ch->list_col,
                                (lxw_row_t) ch->list_last, (lxw_col_t) ch->list_col);
        enk_report_fmt(formula, sizeof formula, "=%s", range);
        lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_LIST_FORMULA,
                                  .value_formula = formula};
        enk_report_note_err(c, worksheet_data_validation_cell(ws, T_HEADER - 1, 1, &dv));
}

void enk_report_sheet_trends(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        const char *name = enk_report_word(c, W_SH_TRENDS);
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_TRENDS);
        if (!ws)
                return;
        char buf[512];
        /* the drop-down in the all-units report of several units */
        chooser ch = {.on = c->cu == c->nunits - 1 && f->nunits > 1};
        size_t ncols = ch.on ? T_CHOSEN + 1 : T_NCOLS;
        if (ch.on && !(ch.col_of = calloc(c->nitems ? c->nitems : 1, sizeof *ch.col_of))) {
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return;
        }
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);
        enk_report_put_title(
            c, ws, enk_report_word(c, W_TRENDS_TITLE),
            enk_report_word_s(c, buf, sizeof buf, W_TRENDS_SUB, enk_report_unit_label(c, c->cu)));
        const enum enk_report_word heads[] = {W_YEAR, W_SHARE, W_CI_LOW,       W_CI_HIGH,
                                              W_N,    W_NOTE,  W_TRENDS_CHOSEN};
        for (size_t i = 0; i < ncols; i++)
                enk_report_put_str(c, ws, T_HEADER, i, enk_report_word(c, heads[i]),
                                   i == 0 ? c->fmt.header_left : c->fmt.header);
        enk_report_row_height(c, ws, T_HEADER, 30);

        /* The blocks and their rows, known before they are written: the
         * formulas name the data range under them. */
        bool headline = enk_report_any_headline(c);
        size_t nblocks = 0, ncharts = 0;
        for (size_t it = 0; it < c->nitems; it++) {
                nblocks += has_block(c, it);
                ncharts += has_block(c, it) && enk_report_item_on_summary(c, it, headline);
        }
        size_t end = T_HEADER + 1 + nblocks * (1 + f->nyears);
        size_t charts_end = T_HEADER + 1 + (ncharts + 1) / 2 * T_CHART_ROWS;
        if (charts_end > end)
                end = charts_end;
        if (ch.on)
                chooser_data(c, ws, end + 2, &ch);

        /* One block per item with figures for the unit, areas first. */
        size_t row = T_HEADER + 1, slot = 0;
        for (int pass = 0; pass < 2; pass++)
                for (size_t it = 0; it < c->nitems; it++)
                        if (enk_report_item_is_area(c, it) == (pass == 0) && has_block(c, it))
                                row = trend_block(c, ws, name, row, it, headline, &slot, &ch);
        if (ch.on)
                chooser_cell(c, ws, &ch);
        enk_report_col_width(c, ws, 0, 0, ch.on ? 11 : 8, NULL); /* "Välj enhet:" */
        enk_report_col_width(c, ws, 1, 3, 10, NULL);
        enk_report_col_width(c, ws, 4, 5, 6, NULL);
        if (ch.on)
                enk_report_col_width(c, ws, T_CHOSEN, T_CHOSEN, 10, NULL);
        enk_report_col_width(c, ws, ncols, ncols + 1, 2, NULL);
        worksheet_freeze_panes(ws, T_HEADER + 1, 0);

        /* two rows of charts to a page; the data range is not printed */
        size_t lines = (slot + 1) / 2, nbreaks = 0;
        lxw_row_t breaks[64] = {0};
        for (size_t k = 2; k < lines && nbreaks + 1 < sizeof breaks / sizeof breaks[0]; k += 2)
                breaks[nbreaks++] = (lxw_row_t) (T_HEADER + 1 + k * T_CHART_ROWS);
        if (nbreaks)
                enk_report_note_err(c, worksheet_set_h_pagebreaks(ws, breaks));
        enk_report_note_err(c, worksheet_print_area(ws, 0, 0, (lxw_row_t) (end - 1),
                                                    (lxw_col_t) (ncols + 2 + T_CHART_COLS)));
        free(ch.col_of);
}
