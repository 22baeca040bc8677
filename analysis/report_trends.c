/* analysis/report_trends.c - sheet 2 of the report: every year's share with its interval, and a
 * line chart.
 *
 * The table holds a block per area and question with figures for the unit
 * the report shows; the areas and the summary's questions get a line chart
 * each, two charts to a row beside the table.
 */
#include "analysis/report_internal.h"
#include "analysis/stats.h"

#define T_NCOLS 6 /* the trend table's columns: year, share, low, high, n, note */

/* The line chart of one item's share and interval over the years in rows
 * first..last, placed in the two-column grid of charts by slot. */
static void trend_chart(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, size_t first,
                        size_t last, size_t item, size_t slot)
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

        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        chart_legend_set_font(ch, &axis_font);
        chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);

        lxw_chart_options o = {0};
        o.x_offset = (int32_t) ((slot % 2) * (ENK_REPORT_CHART_W + 16));
        o.y_offset = (int32_t) ((slot / 2) * (ENK_REPORT_CHART_H + 16));
        o.x_scale = 1;
        o.y_scale = 1;
        enk_report_note_err(c, worksheet_insert_chart_opt(ws, 3, T_NCOLS + 1, ch, &o));
}

/* One item's block: its name on a row of its own (it may run across the
 * whole table), then a row per year, and its chart when it is on the summary.
 * Returns the row after the block. */
static size_t trend_block(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, size_t row,
                          size_t it, bool headline, size_t *slot)
{
        const enk_figures *f = c->f;
        enk_report_put_str(c, ws, row, 0, enk_report_item_label(c, it), c->fmt.section);
        for (size_t col = 1; col < T_NCOLS; col++)
                enk_report_put_str(c, ws, row, col, "", c->fmt.section);
        row++;
        size_t first = row;
        for (size_t y = 0; y < f->nyears; y++, row++) {
                const enk_figure *r = enk_report_cell(c, c->cu, (int) y, it);
                enk_report_put_num(c, ws, row, 0, f->years[y], c->fmt.year);
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
        if (enk_report_item_on_summary(c, it, headline))
                trend_chart(c, ws, sheet, first, row - 1, it, (*slot)++);
        return row;
}

void enk_report_sheet_trends(enk_report_ctx *c)
{
        const char *name = enk_report_word(c, W_SH_TRENDS);
        lxw_worksheet *ws = enk_report_add_sheet(c, W_SH_TRENDS);
        if (!ws)
                return;
        char buf[512];
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);
        enk_report_put_title(
            c, ws, enk_report_word(c, W_TRENDS_TITLE),
            enk_report_word_s(c, buf, sizeof buf, W_TRENDS_SUB, enk_report_unit_label(c, c->cu)));
        size_t header = 3;
        const enum enk_report_word heads[] = {W_YEAR, W_SHARE, W_CI_LOW, W_CI_HIGH, W_N, W_NOTE};
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
                enk_report_put_str(c, ws, header, i, enk_report_word(c, heads[i]),
                                   i == 0 ? c->fmt.header_left : c->fmt.header);
        enk_report_row_height(c, ws, header, 30);

        /* One block per item with figures for the unit, areas first. */
        bool headline = enk_report_any_headline(c);
        size_t row = header + 1, slot = 0;
        for (int pass = 0; pass < 2; pass++)
                for (size_t it = 0; it < c->nitems; it++)
                        if (enk_report_item_is_area(c, it) == (pass == 0) &&
                            enk_report_item_has_data(c, c->cu, it))
                                row = trend_block(c, ws, name, row, it, headline, &slot);
        enk_report_col_width(c, ws, 0, 0, 8, NULL);
        enk_report_col_width(c, ws, 1, 3, 10, NULL);
        enk_report_col_width(c, ws, 4, 5, 6, NULL);
        enk_report_col_width(c, ws, 6, 6, 2, NULL);
        worksheet_freeze_panes(ws, (lxw_row_t) (header + 1), 0);
}
