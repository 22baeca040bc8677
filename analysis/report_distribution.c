/* analysis/report_distribution.c - sheet 3 of the report: the answers over each scale's points.
 *
 * Per scale question with figures this year, a block of DIST_BLOCK rows: the
 * question, the scale's points as headings, the share of answers on each
 * point this year and the year compared with, and beside it a 100 % stacked
 * bar chart coloured red through green, titled with the question. A page
 * break after every DIST_PER_PAGE blocks keeps each chart on one printed page.
 * A hidden distribution (statistics.md: small groups) shows "..", which the
 * chart draws as nothing.
 */
#include "analysis/report_internal.h"

#define DIST_BLOCK    10 /* rows per question: text, header, years, room for the chart */
#define DIST_PER_PAGE 2  /* blocks per printed page (each 180 points high) */

/* The table of one question at row b: the years in years[0..ny). Returns the
 * number of years whose distribution is shown. */
static size_t dist_table(enk_report_ctx *c, lxw_worksheet *ws, size_t b, size_t it,
                         const enk_scale *sc, const int *years, int ny)
{
        const enk_figures *f = c->f;
        size_t shown = 0;
        enk_report_put_str(c, ws, b, 0, enk_report_item_label(c, it), c->fmt.label);
        enk_report_put_str(c, ws, b + 1, 0, enk_report_word(c, W_YEAR), c->fmt.header_left);
        for (size_t p = 0; p < sc->npoints; p++)
                enk_report_put_str(c, ws, b + 1, 1 + p, enk_report_text(c, &sc->points[p].label),
                                   c->fmt.header);
        enk_report_put_str(c, ws, b + 1, 1 + sc->npoints, enk_report_word(c, W_N), c->fmt.header);
        enk_report_row_height(c, ws, b + 1, 45);
        for (int y = 0; y < ny; y++) {
                const enk_figure *ry = enk_report_cell(c, c->cu, years[y], it);
                size_t rr = b + 2 + (size_t) y;
                enk_report_put_num(c, ws, rr, 0, f->years[years[y]], c->fmt.year);
                if (!ry)
                        continue;
                enk_report_put_n(c, ws, rr, 1 + sc->npoints, ry, c->fmt.integer, c->fmt.dots);
                bool hidden = (ry->n > 0 || ry->counts_hidden) && (ry->dist_hidden || !ry->dist);
                shown += ry->n > 0 && !hidden;
                for (size_t p = 0; p < sc->npoints; p++) {
                        if (hidden)
                                enk_report_put_str(c, ws, rr, 1 + p, "..", c->fmt.dots);
                        else if (ry->n > 0 && ry->dist && p < ry->ndist)
                                enk_report_put_num(c, ws, rr, 1 + p,
                                                   (double) ry->dist[p] / (double) ry->n,
                                                   c->fmt.pct);
                }
        }
        return shown;
}

/* The stacked bars of the table at row b with ny years, on the sheet named
 * sheet. false when libxlsxwriter failed (the error is noted). */
static bool dist_chart(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, size_t b, size_t it,
                       const enk_scale *sc, int ny)
{
        char buf[600];
        lxw_chart *ch = enk_report_new_chart(c, LXW_CHART_BAR_STACKED_PERCENT);
        if (!ch)
                return false;
        lxw_chart_font font = {.size = 8};
        for (size_t p = 0; p < sc->npoints; p++) {
                lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
                if (!s) {
                        enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                        return false;
                }
                chart_series_set_categories(s, sheet, (lxw_row_t) (b + 2), 0,
                                            (lxw_row_t) (b + 1 + (size_t) ny), 0);
                chart_series_set_values(s, sheet, (lxw_row_t) (b + 2), (lxw_col_t) (1 + p),
                                        (lxw_row_t) (b + 1 + (size_t) ny), (lxw_col_t) (1 + p));
                chart_series_set_name(
                    s, enk_report_chart_text(buf, sizeof buf,
                                             enk_report_text(c, &sc->points[p].label)));
                lxw_chart_fill fill = {.color = enk_report_diverging(p, sc->npoints)};
                lxw_chart_line edge = {.color = 0xFFFFFF, .width = 0.75};
                chart_series_set_fill(s, &fill);
                chart_series_set_line(s, &edge);
        }
        chart_set_series_gap(ch, 40);
        /* titled with the question, so that a copy in a slide keeps it */
        lxw_chart_font title_font = {.size = 10, .bold = 1};
        chart_title_set_name(ch,
                             enk_report_chart_text(buf, sizeof buf, enk_report_item_label(c, it)));
        chart_title_set_name_font(ch, &title_font);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        chart_legend_set_font(ch, &font);
        /* In a bar chart x is the horizontal (value) axis. The categories are
         * reversed so the years read top-down as in the table. */
        chart_axis_set_num_format(ch->x_axis, enk_report_pct_format(c));
        chart_axis_set_num_font(ch->y_axis, &font);
        chart_axis_set_num_font(ch->x_axis, &font);
        chart_axis_set_reverse(ch->y_axis);
        lxw_chart_options o = {0};
        o.x_scale = 600.0 / ENK_REPORT_CHART_W;
        o.y_scale = 232.0 / ENK_REPORT_CHART_H; /* the block is 240 pixels high */
        enk_report_note_err(c, worksheet_insert_chart_opt(ws, (lxw_row_t) b,
                                                          (lxw_col_t) (sc->npoints + 3), ch, &o));
        return true;
}

void enk_report_sheet_distribution(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        const char *name = enk_report_word(c, W_SH_DIST);
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_DIST);
        if (!ws)
                return;
        char buf[600];
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);
        enk_report_put_title(c, ws, enk_report_word(c, W_DIST_TITLE),
                             enk_report_word_ds(c, buf, sizeof buf, W_DIST_SUB, f->year,
                                                enk_report_unit_label(c, c->cu)));
        size_t maxpoints = 2;
        size_t row = 3, nblocks = 0, nbreaks = 0;
        lxw_row_t breaks[1024] = {0};
        for (size_t qi = 0; qi < c->q->nquestions; qi++) {
                const enk_question *qn = &c->q->questions[qi];
                size_t it = c->q->nareas + qi;
                const enk_figure *r = enk_report_cell(c, c->cu, c->yi, it);
                if (qn->type != ENK_Q_SCALE || qn->scale < 0 ||
                    (size_t) qn->scale >= c->q->nscales || !r)
                        continue;
                const enk_scale *sc = &c->q->scales[qn->scale];
                if (r->ndist != sc->npoints)
                        continue; /* a table from another edition's scale */
                if (sc->npoints > maxpoints)
                        maxpoints = sc->npoints;
                int years[2], ny = 0;
                if (r->prev_year && enk_report_year_index(c, r->prev_year) >= 0)
                        years[ny++] = enk_report_year_index(c, r->prev_year);
                years[ny++] = c->yi;

                size_t b = row;
                if (nblocks && nblocks % DIST_PER_PAGE == 0 &&
                    nbreaks + 1 < sizeof breaks / sizeof breaks[0])
                        breaks[nbreaks++] = (lxw_row_t) b;
                nblocks++;
                size_t shown = dist_table(c, ws, b, it, sc, years, ny);
                row += DIST_BLOCK;
                if (shown && !dist_chart(c, ws, name, b, it, sc, ny))
                        return;
        }
        if (nbreaks)
                enk_report_note_err(c, worksheet_set_h_pagebreaks(ws, breaks));
        enk_report_col_width(c, ws, 0, 0, 10, NULL);
        enk_report_col_width(c, ws, 1, maxpoints, 12, NULL);
        enk_report_col_width(c, ws, maxpoints + 1, maxpoints + 1, 6, NULL);
}
