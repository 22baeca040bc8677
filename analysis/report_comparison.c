/* analysis/report_comparison.c - sheet 4 of the report: the units side by side (only with several).
 *
 * Units down (the total last), areas and questions across as column pairs
 * share | n: 290 municipalities scroll down, not across. Below the table, one
 * column chart per headline question with a bar per unit, the total's in
 * grey; a suppressed unit's ".." gives it no bar.
 */
#include "analysis/report_internal.h"

#include <stdlib.h>

#define CMP_UNIT_W 24
#define CMP_PAIR_W 14 /* share 8 + n 6 */

/* The items with figures this year (areas first) and where their pairs of
 * columns start; the units' rows first..last. */
typedef struct layout {
        size_t *items, *cols;
        size_t ni, nareas;
        size_t h0, h1, h2; /* the heading rows: groups, items, share | n */
        size_t first, last;
} layout;

static bool find_items(enk_report_ctx *c, layout *l)
{
        l->items = malloc((c->nitems ? c->nitems : 1) * sizeof *l->items);
        l->cols = malloc((c->nitems ? c->nitems : 1) * sizeof *l->cols);
        if (!l->items || !l->cols) {
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return false;
        }
        for (size_t it = 0; it < c->nitems; it++) {
                bool any = false;
                for (size_t u = 0; u < c->nunits && !any; u++)
                        any = enk_report_cell(c, u, c->yi, it) != NULL;
                if (any) {
                        l->items[l->ni] = it;
                        l->cols[l->ni] = 1 + 2 * l->ni;
                        l->ni++;
                        l->nareas += enk_report_item_is_area(c, it);
                }
        }
        return true;
}

static void headings(enk_report_ctx *c, lxw_worksheet *ws, const layout *l)
{
        enk_report_put_str(c, ws, l->h0, 0, "", c->fmt.header_left);
        enk_report_put_str(c, ws, l->h1, 0, "", c->fmt.header_left);
        enk_report_put_str(c, ws, l->h2, 0, enk_report_word(c, W_UNIT), c->fmt.header_left);
        /* the group names over their columns: Areas, Questions */
        for (int g = 0; g < 2; g++) {
                size_t from = g == 0 ? 0 : l->nareas, to = g == 0 ? l->nareas : l->ni;
                if (from >= to)
                        continue;
                const char *label = enk_report_word(c, g == 0 ? W_AREAS : W_SH_QUESTIONS);
                enk_report_note_err(
                    c, worksheet_merge_range(ws, (lxw_row_t) l->h0, (lxw_col_t) l->cols[from],
                                             (lxw_row_t) l->h0, (lxw_col_t) (l->cols[to - 1] + 1),
                                             label, c->fmt.header_left));
        }
        unsigned lines = 1;
        for (size_t i = 0; i < l->ni; i++) {
                const char *label = enk_report_item_label(c, l->items[i]);
                enk_report_note_err(
                    c, worksheet_merge_range(ws, (lxw_row_t) l->h1, (lxw_col_t) l->cols[i],
                                             (lxw_row_t) l->h1, (lxw_col_t) (l->cols[i] + 1), label,
                                             c->fmt.header));
                unsigned n = enk_report_text_lines(label, CMP_PAIR_W);
                if (n > lines)
                        lines = n;
                enk_report_put_str(c, ws, l->h2, l->cols[i], enk_report_word(c, W_SHARE_SHORT),
                                   c->fmt.header);
                enk_report_put_str(c, ws, l->h2, l->cols[i] + 1, enk_report_word(c, W_N),
                                   c->fmt.header);
        }
        enk_report_fit_row(c, ws, l->h1, lines < 2 ? 2 : lines);
}

static void unit_rows(enk_report_ctx *c, lxw_worksheet *ws, const layout *l)
{
        for (size_t u = 0; u < c->nunits; u++) {
                size_t row = l->first + u;
                bool total = u == c->nunits - 1;
                enk_report_put_str(c, ws, row, 0, enk_report_unit_label(c, u),
                                   total ? c->fmt.section : NULL);
                for (size_t i = 0; i < l->ni; i++) {
                        const enk_figure *r = enk_report_cell(c, u, c->yi, l->items[i]);
                        size_t col = l->cols[i];
                        if (!r) {
                                if (total) {
                                        enk_report_put_str(c, ws, row, col, "", c->fmt.section);
                                        enk_report_put_str(c, ws, row, col + 1, "", c->fmt.section);
                                }
                                continue;
                        }
                        if (r->suppressed)
                                enk_report_put_str(c, ws, row, col, "..",
                                                   total ? c->fmt.section : c->fmt.dots);
                        else
                                enk_report_put_num(c, ws, row, col, r->share,
                                                   total ? c->fmt.total_pct : c->fmt.pct);
                        enk_report_put_n(c, ws, row, col + 1, r,
                                         total ? c->fmt.total_int : c->fmt.integer,
                                         total ? c->fmt.section : c->fmt.dots);
                }
        }
}

/* The column charts below the table, on the sheet named sheet. */
static void charts(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, const layout *l)
{
        bool headline = enk_report_any_headline(c);
        double width = 24.0 * (double) c->nunits + 160;
        if (width < ENK_REPORT_CHART_W)
                width = ENK_REPORT_CHART_W;
        if (width > 4000)
                width = 4000;
        bool wide = width > ENK_REPORT_CHART_W;
        lxw_chart_fill total_fill = {.color = ENK_REPORT_RULE};
        lxw_chart_point total_point = {.fill = &total_fill};
        lxw_chart_point plain = {0};
        lxw_chart_point **points = calloc(c->nunits + 1, sizeof *points);
        if (!points) {
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return;
        }
        for (size_t u = 0; u < c->nunits; u++)
                points[u] = u == c->nunits - 1 ? &total_point : &plain;
        size_t slot = 0, chart_row = l->last + 2;
        for (size_t i = l->nareas; i < l->ni; i++) {
                if (!enk_report_item_on_summary(c, l->items[i], headline))
                        continue;
                lxw_chart *ch = enk_report_new_chart(c, LXW_CHART_COLUMN);
                if (!ch)
                        break;
                lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
                if (!s) {
                        enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                        break;
                }
                chart_series_set_categories(s, sheet, (lxw_row_t) l->first, 0, (lxw_row_t) l->last,
                                            0);
                chart_series_set_values(s, sheet, (lxw_row_t) l->first, (lxw_col_t) l->cols[i],
                                        (lxw_row_t) l->last, (lxw_col_t) l->cols[i]);
                chart_series_set_name(s, enk_report_word(c, W_SHARE));
                lxw_chart_fill fill = {.color = ENK_REPORT_BLUE};
                chart_series_set_fill(s, &fill);
                enk_report_note_err(c, chart_series_set_points(s, points));
                enk_report_chart_share_style(c, ch, enk_report_item_label(c, l->items[i]));
                chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
                lxw_chart_options o = {0};
                o.x_scale = width / ENK_REPORT_CHART_W;
                o.y_scale = 1;
                size_t col = wide ? 0 : slot % 2;
                size_t line = wide ? slot : slot / 2;
                o.x_offset = (int32_t) (col * (ENK_REPORT_CHART_W + 16));
                o.y_offset = (int32_t) (line * (ENK_REPORT_CHART_H + 16));
                enk_report_note_err(
                    c, worksheet_insert_chart_opt(ws, (lxw_row_t) chart_row, 0, ch, &o));
                slot++;
        }
        free(points);
}

void enk_report_sheet_comparison(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        const char *name = enk_report_word(c, W_SH_COMPARE);
        lxw_worksheet *ws = enk_report_add_sheet(c, W_SH_COMPARE);
        if (!ws)
                return;
        char buf[600];
        enk_report_put_title(c, ws, enk_report_word(c, W_CMP_TITLE),
                             enk_report_word_d(c, buf, sizeof buf, W_CMP_SUB, f->year));
        layout l = {.h0 = 3, .h1 = 4, .h2 = 5};
        if (!find_items(c, &l))
                goto out;
        l.first = l.h2 + 1;
        l.last = l.first + c->nunits - 1;

        /* More than a handful of items printed one page wide would be too
         * small to read: print at full size, repeating the units and headings. */
        enk_report_page_setup(c, ws, l.ni > 6 ? ENK_REPORT_FIT_NONE : ENK_REPORT_FIT_WIDTH);
        headings(c, ws, &l);
        unit_rows(c, ws, &l);
        enk_report_col_width(c, ws, 0, 0, CMP_UNIT_W, NULL);
        for (size_t i = 0; i < l.ni; i++) {
                enk_report_col_width(c, ws, l.cols[i], l.cols[i], 8, NULL);
                enk_report_col_width(c, ws, l.cols[i] + 1, l.cols[i] + 1, 6, NULL);
        }
        worksheet_freeze_panes(ws, (lxw_row_t) (l.h2 + 1), 1);
        enk_report_note_err(c, worksheet_repeat_rows(ws, (lxw_row_t) l.h0, (lxw_row_t) l.h2));
        enk_report_note_err(c, worksheet_repeat_columns(ws, 0, 0));
        charts(c, ws, name, &l);
out:
        free(l.items);
        free(l.cols);
}
