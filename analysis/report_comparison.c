/* analysis/report_comparison.c - sheets 4 and 5 of the report: the units side by side (only with
 * several).
 *
 * Sheet 4 (Jämförelse) has a section per summary question, each on a printed
 * page of its own, the sheet one page wide: the question, the test of the
 * difference between the units, a chart, and under it the units sorted by
 * share with interval, change since last year, n and marks. The chart draws
 * each unit's interval as a floating bar with a dark band at the share (a
 * stacked column: an invisible base up to the interval's low end, then the
 * interval split at the share), in the order of the table under it; the
 * total is grey, the unit the report is about orange, a unit of low
 * precision pale. libxlsxwriter has no error bars from cells and cannot
 * combine chart types; this draws the same in Excel and LibreOffice. Up to
 * CMP_LABELLED units every bar is named with its unit, share and mark (a
 * label column of the table: LibreOffice does not read a data label from a
 * cell); with more (a national set of 290) the names are left to the table,
 * and the chart shows how the units spread, where the total stands and
 * where the report's unit is.
 *
 * Sheet 5 (Jämförelsetabell) is the table of every area and question: units
 * down (the total last), items across as column pairs share | n, so that 290
 * municipalities scroll down, not across; under it the test of each question.
 *
 * The test is the k-sample χ² of enk_stats_prop_test over the units shown
 * this year, Holm-adjusted over the questions. A suppressed unit's ".."
 * gives it no bar, no part in the test and no change: it stands last in the
 * sorted table with its chart cells empty.
 */
#include "analysis/report_internal.h"
#include "analysis/stats.h"
#include "survey/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMP_UNIT_W     24   /* the unit column at least */
#define CMP_FIT_ITEMS  8    /* more items: the table is printed at full size */
#define CMP_LABELLED   40   /* more units than this: no names under the bars */
#define CMP_MARK       0.01 /* the height of the band that marks the share */
#define CMP_CHART_ROWS 16   /* rows of 15 points the chart takes */
#define CMP_ORANGE     0xED7D31
#define CMP_LIGHT      0x9DC3E6
#define CMP_PALE       0xDEEAF6

/* The sorted table's columns: unit, share, low, high, change, n, note, then
 * the chart's: below the share, the mark, above it, and an empty column for
 * the legend's entries that have no bars of their own. */
enum {
        S_UNIT,
        S_SHARE,
        S_LOW,
        S_HIGH,
        S_CHANGE,
        S_N,
        S_NOTE,
        S_LABEL,
        S_BELOW,
        S_MARK,
        S_ABOVE,
        S_EMPTY,
        S_NCOLS
};
static const double sorted_w[S_NCOLS] = {0, 8, 8, 8, 15, 6, 5, 22, 9, 9, 9, 2};

/* The items with figures this year (areas first) and where their pairs of
 * columns start; the units' rows first..last, the tests' row under them. */
typedef struct layout {
        size_t *items, *cols;
        size_t ni, nareas;
        size_t h0, h1, h2; /* the heading rows: groups, items, share | n */
        size_t first, last, test_row;
        double *p, *p_adj; /* per item: the test's p-value, NaN when none */
        size_t *k;         /* per item: the units in the test */
        lxw_row_t *breaks; /* the sections' page breaks, 0-terminated */
} layout;

static bool low_precision(const enk_figure *r)
{
        return r->low_precision || r->n < ENK_STATS_LOW_PRECISION_N;
}

static bool find_items(enk_report_ctx *c, layout *l)
{
        size_t n = c->nitems ? c->nitems : 1;
        l->items = malloc(n * sizeof *l->items);
        l->cols = malloc(n * sizeof *l->cols);
        l->p = malloc(n * sizeof *l->p);
        l->p_adj = malloc(n * sizeof *l->p_adj);
        l->k = calloc(n, sizeof *l->k);
        l->breaks = calloc(n + 1, sizeof *l->breaks);
        if (!l->items || !l->cols || !l->p || !l->p_adj || !l->k || !l->breaks) {
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

/* The k-sample test of each question over the units shown this year (not
 * the total, not a suppressed unit), Holm-adjusted over the questions. An
 * area pools several answers of one person and is not tested. */
static bool tests(enk_report_ctx *c, layout *l)
{
        int64_t *x = malloc(c->nunits * sizeof *x), *n = malloc(c->nunits * sizeof *n);
        if (!x || !n) {
                free(x);
                free(n);
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return false;
        }
        for (size_t i = 0; i < l->ni; i++) {
                size_t k = 0;
                l->p[i] = NAN;
                for (size_t u = 0; u + 1 < c->nunits && i >= l->nareas; u++) {
                        const enk_figure *r = enk_report_cell(c, u, c->yi, l->items[i]);
                        if (r && !r->suppressed && !r->counts_hidden && r->n > 0) {
                                x[k] = r->positive;
                                n[k++] = r->n;
                        }
                }
                enk_chisq t;
                if (k >= 2 && enk_stats_prop_test(x, n, k, true, &t) == ENK_OK)
                        l->p[i] = t.p;
                l->k[i] = k;
        }
        free(x);
        free(n);
        for (size_t i = 0; i < l->ni; i++)
                l->p_adj[i] = NAN;
        if (l->ni > l->nareas)
                (void) enk_stats_p_adjust(l->p + l->nareas, l->ni - l->nareas, ENK_ADJUST_HOLM,
                                          l->p_adj + l->nareas);
        return true;
}

/* A p-value with its relation, "= 0,277" or "< 0,001", with the language's decimal sign. */
static const char *p_text(const enk_report_ctx *c, char *buf, size_t cap, double p)
{
        if (p < 0.001)
                enk_report_fmt(buf, cap, "< 0.001");
        else
                enk_report_fmt(buf, cap, "= %.3f", p);
        if (c->lang == ENK_LANG_SV)
                for (char *s = buf; *s; s++)
                        if (*s == '.')
                                *s = ',';
        return buf;
}

/* The test's result in words: "… p = 0,002: statistiskt säkerställd skillnad". */
static const char *test_text(const enk_report_ctx *c, char *buf, size_t cap, const layout *l,
                             size_t i)
{
        char p[32], head[256];
        if (isnan(l->p_adj[i]))
                return enk_report_word(c, W_CMP_NO_TEST);
        enk_report_word_ds(c, head, sizeof head, W_CMP_TEST, (int) l->k[i],
                           p_text(c, p, sizeof p, l->p_adj[i]));
        return enk_report_fmt(
            buf, cap, "%s: %s", head,
            enk_report_word(c, l->p_adj[i] < ENK_STATS_ALPHA ? W_CMP_TEST_SIG : W_CMP_TEST_NS));
}

/* The marks the sheet uses, on two rows from row. */
static void legend(enk_report_ctx *c, lxw_worksheet *ws, size_t row)
{
        char buf[600];
        enk_report_put_str(
            c, ws, row, 0,
            enk_report_word_d(c, buf, sizeof buf, W_LEGEND_LOWP, ENK_STATS_LOW_PRECISION_N),
            c->fmt.small);
        enk_report_put_str(c, ws, row + 1, 0,
                           enk_report_word_d(c, buf, sizeof buf, W_LEGEND_SUPP, c->f->min_n),
                           c->fmt.small);
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
                unsigned n = enk_report_text_lines(label, 14);
                if (n > lines)
                        lines = n;
                enk_report_put_str(c, ws, l->h2, l->cols[i], enk_report_word(c, W_SHARE_SHORT),
                                   c->fmt.header);
                enk_report_put_str(c, ws, l->h2, l->cols[i] + 1, enk_report_word(c, W_N),
                                   c->fmt.header);
        }
        enk_report_fit_row(c, ws, l->h1, lines < 2 ? 2 : lines);
}

/* A share: "..", or the number, marked " *" when of low precision. */
static void put_share(enk_report_ctx *c, lxw_worksheet *ws, size_t row, size_t col,
                      const enk_figure *r, bool total)
{
        if (r->suppressed)
                enk_report_put_str(c, ws, row, col, "..", total ? c->fmt.section : c->fmt.dots);
        else if (total)
                enk_report_put_num(c, ws, row, col, r->share, c->fmt.total_pct);
        else
                enk_report_put_num(c, ws, row, col, r->share,
                                   low_precision(r) ? c->fmt.pct_lowp : c->fmt.pct);
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
                        put_share(c, ws, row, col, r, total);
                        enk_report_put_n(c, ws, row, col + 1, r,
                                         total ? c->fmt.total_int : c->fmt.integer,
                                         total ? c->fmt.section : c->fmt.dots);
                }
        }
        /* the tests' row: the adjusted p under the question's share */
        enk_report_put_str(c, ws, l->test_row, 0, enk_report_word(c, W_CMP_TEST_ROW), c->fmt.note);
        for (size_t i = l->nareas; i < l->ni; i++)
                if (!isnan(l->p_adj[i]))
                        enk_report_put_num(c, ws, l->test_row, l->cols[i], l->p_adj[i],
                                           l->p_adj[i] < ENK_STATS_ALPHA ? c->fmt.p_sig
                                                                         : c->fmt.p_value);
}

/* A unit of the sorted table: what the order needs, so that qsort needs no context. */
typedef struct ranked {
        double share; /* NaN when suppressed */
        const char *name;
        size_t unit;
} ranked;

static int by_share(const void *a, const void *b)
{
        const ranked *ra = a, *rb = b;
        bool ha = isnan(ra->share), hb = isnan(rb->share);
        if (ha != hb)
                return ha ? 1 : -1;
        if (!ha && ra->share != rb->share)
                return ra->share > rb->share ? -1 : 1;
        return strcmp(ra->name, rb->name);
}

/* The units with a figure for item, the total among them, sorted by share
 * from the highest, the suppressed last by name, into out (room for
 * c->nunits, rank as scratch of the same size). Returns their number. */
static size_t sorted_units(const enk_report_ctx *c, size_t item, size_t *out, ranked *rank)
{
        size_t m = 0;
        for (size_t u = 0; u < c->nunits; u++) {
                const enk_figure *r = enk_report_cell(c, u, c->yi, item);
                if (r)
                        rank[m++] = (ranked){r->suppressed ? NAN : r->share,
                                             enk_report_unit_label(c, u), u};
        }
        qsort(rank, m, sizeof *rank, by_share);
        for (size_t i = 0; i < m; i++)
                out[i] = rank[i].unit;
        return m;
}

/* One unit's row of the sorted table, with the chart's three heights. */
static void sorted_row(enk_report_ctx *c, lxw_worksheet *ws, size_t row, size_t u,
                       const enk_figure *r)
{
        bool total = u == c->nunits - 1;
        lxw_format *dots = total ? c->fmt.section : c->fmt.dots;
        enk_report_put_str(c, ws, row, S_UNIT, enk_report_unit_label(c, u),
                           total ? c->fmt.section : NULL);
        put_share(c, ws, row, S_SHARE, r, total);
        enk_report_put_n(c, ws, row, S_N, r, total ? c->fmt.total_int : c->fmt.integer, dots);
        if (r->suppressed) {
                size_t cols[] = {S_LOW, S_HIGH, S_CHANGE, S_NOTE};
                for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
                        enk_report_put_str(c, ws, row, cols[i], "..", dots);
                return;
        }
        enk_report_put_num(c, ws, row, S_LOW, r->ci_low, c->fmt.pct);
        enk_report_put_num(c, ws, row, S_HIGH, r->ci_high, c->fmt.pct);
        if (r->prev_hidden)
                enk_report_put_str(c, ws, row, S_CHANGE, "..", dots);
        else if (r->prev_year)
                enk_report_put_num(c, ws, row, S_CHANGE, r->diff * 100.0, c->fmt.pp);
        if (!total && low_precision(r))
                enk_report_put_str(c, ws, row, S_NOTE, "*", c->fmt.note);
        /* the bar's label: the name, the share as the table shows it, the mark */
        char label[300], pct[32];
        enk_report_word_d(c, pct, sizeof pct, W_PCT, (int) lround(r->share * 100));
        enk_report_put_str(c, ws, row, S_LABEL,
                           enk_report_fmt(label, sizeof label, "%s %s%s",
                                          enk_report_unit_label(c, u), pct,
                                          !total && low_precision(r) ? " *" : ""),
                           c->fmt.small);
        double below = r->share - r->ci_low - CMP_MARK / 2;
        double above = r->ci_high - r->share - CMP_MARK / 2;
        enk_report_put_num(c, ws, row, S_BELOW, below > 0 ? below : 0, c->fmt.dec3);
        enk_report_put_num(c, ws, row, S_MARK, CMP_MARK, c->fmt.dec3);
        enk_report_put_num(c, ws, row, S_ABOVE, above > 0 ? above : 0, c->fmt.dec3);
}

/* The point colours of the chart's three bands: light, dark, light; grey
 * for the total, orange for the report's unit, pale for low precision. */
typedef struct colours {
        lxw_chart_fill light, dark, pale, grey, grey_dark, orange, orange_light;
        lxw_chart_point p_light, p_dark, p_pale, p_grey, p_grey_dark, p_orange, p_orange_light;
} colours;

static void colours_init(colours *k)
{
        *k = (colours){.light = {.color = CMP_LIGHT},
                       .dark = {.color = ENK_REPORT_BLUE},
                       .pale = {.color = CMP_PALE},
                       .grey = {.color = 0xD9D9D9},
                       .grey_dark = {.color = 0x595959},
                       .orange = {.color = CMP_ORANGE},
                       .orange_light = {.color = 0xF8CBAD}};
        k->p_light.fill = &k->light;
        k->p_dark.fill = &k->dark;
        k->p_pale.fill = &k->pale;
        k->p_grey.fill = &k->grey;
        k->p_grey_dark.fill = &k->grey_dark;
        k->p_orange.fill = &k->orange;
        k->p_orange_light.fill = &k->orange_light;
}

/* A series of the chart on rows first..last, column col of the sheet. */
static lxw_chart_series *band(enk_report_ctx *c, lxw_chart *ch, const char *sheet, size_t first,
                              size_t last, size_t col, const char *name, lxw_color_t colour)
{
        char buf[300];
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        if (!s) {
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return NULL;
        }
        chart_series_set_categories(s, sheet, (lxw_row_t) first, S_LABEL, (lxw_row_t) last,
                                    S_LABEL);
        chart_series_set_values(s, sheet, (lxw_row_t) first, (lxw_col_t) col, (lxw_row_t) last,
                                (lxw_col_t) col);
        if (name)
                chart_series_set_name(s, enk_report_chart_text(buf, sizeof buf, name));
        lxw_chart_fill fill = {.color = colour};
        lxw_chart_line none = {.none = 1};
        if (colour == LXW_COLOR_UNSET)
                chart_series_set_fill(s, &(lxw_chart_fill){.none = 1});
        else
                chart_series_set_fill(s, &fill);
        chart_series_set_line(s, &none);
        return s;
}

/* The sorted chart of item over the sorted table's rows first..first+m-1. */
static void sorted_chart(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, size_t at,
                         size_t first, const size_t *order, size_t m, size_t item, double width)
{
        char buf[300];
        lxw_chart *ch = enk_report_new_chart(c, LXW_CHART_COLUMN_STACKED);
        if (!ch)
                return;
        size_t last = first + m - 1;
        colours k;
        colours_init(&k);
        lxw_chart_point **pts[3];
        for (int b = 0; b < 3; b++)
                if (!(pts[b] = calloc(m + 1, sizeof *pts[b]))) {
                        enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                        for (int j = 0; j < b; j++)
                                free(pts[j]);
                        return;
                }
        bool any_lowp = false;
        for (size_t i = 0; i < m; i++) {
                const enk_figure *r = enk_report_cell(c, order[i], c->yi, item);
                bool lowp = !r->suppressed && order[i] != c->nunits - 1 && low_precision(r);
                any_lowp |= lowp;
                if (order[i] == c->nunits - 1) {
                        pts[0][i] = pts[2][i] = &k.p_grey;
                        pts[1][i] = &k.p_grey_dark;
                } else if (order[i] == c->cu) {
                        pts[0][i] = pts[2][i] = &k.p_orange_light;
                        pts[1][i] = &k.p_orange;
                } else {
                        pts[0][i] = pts[2][i] = lowp ? &k.p_pale : &k.p_light;
                        pts[1][i] = &k.p_dark;
                }
        }
        lxw_chart_series *base = band(c, ch, sheet, first, last, S_LOW, NULL, LXW_COLOR_UNSET);
        lxw_chart_series *below = band(c, ch, sheet, first, last, S_BELOW, NULL, CMP_LIGHT);
        lxw_chart_series *mark =
            band(c, ch, sheet, first, last, S_MARK, enk_report_word(c, W_SHARE), ENK_REPORT_BLUE);
        lxw_chart_series *above =
            band(c, ch, sheet, first, last, S_ABOVE, enk_report_word(c, W_CI), CMP_LIGHT);
        int16_t hide[] = {0, 1, -1};
        if (base && below && mark && above) {
                enk_report_note_err(c, chart_series_set_points(below, pts[0]));
                enk_report_note_err(c, chart_series_set_points(mark, pts[1]));
                enk_report_note_err(c, chart_series_set_points(above, pts[2]));
                /* the legend's entries without bars of their own: an empty column */
                band(c, ch, sheet, first, last, S_EMPTY, enk_report_word(c, W_ALL_UNITS), 0x595959);
                if (c->cu != c->nunits - 1)
                        band(c, ch, sheet, first, last, S_EMPTY, enk_report_unit_label(c, c->cu),
                             CMP_ORANGE);
                if (any_lowp)
                        band(c, ch, sheet, first, last, S_EMPTY,
                             enk_report_word_d(c, buf, sizeof buf, W_CMP_LOWP_SERIES,
                                               ENK_STATS_LOW_PRECISION_N),
                             CMP_PALE);
        }
        for (int b = 0; b < 3; b++)
                free(pts[b]);
        enk_report_note_err(c, chart_legend_delete_series(ch, hide));
        chart_set_series_gap(ch, m > CMP_LABELLED ? 20 : 60);
        enk_report_chart_share_style(c, ch, enk_report_item_label(c, item));
        lxw_chart_font axis_font = {.size = 8, .rotation = m > 8 ? -45 : 0};
        chart_axis_set_num_font(ch->x_axis, &axis_font);
        if (m > CMP_LABELLED) {
                chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_NONE);
                chart_axis_set_name(ch->x_axis, enk_report_word(c, W_CMP_ORDER_AXIS));
                lxw_chart_font name_font = {.size = 8, .bold = 0};
                chart_axis_set_name_font(ch->x_axis, &name_font);
        }
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        lxw_chart_font legend_font = {.size = 8};
        chart_legend_set_font(ch, &legend_font);
        lxw_chart_options o = {0};
        o.x_scale = width / ENK_REPORT_CHART_W;
        o.y_scale = (CMP_CHART_ROWS * 20.0 - 8) / ENK_REPORT_CHART_H;
        enk_report_note_err(c, worksheet_insert_chart_opt(ws, (lxw_row_t) at, 0, ch, &o));
}

/* The section of summary question i at row: a page of its own with the
 * question, the test, the chart and the sorted table. Returns the row after it. */
static size_t section(enk_report_ctx *c, lxw_worksheet *ws, const char *sheet, const layout *l,
                      size_t i, size_t row, size_t *order, ranked *rank, double width)
{
        char buf[600];
        size_t item = l->items[i];
        enk_report_put_str(c, ws, row, 0, enk_report_item_label(c, item), c->fmt.label);
        enk_report_put_str(c, ws, row + 1, 0, test_text(c, buf, sizeof buf, l, i), c->fmt.note);
        size_t chart_at = row + 2, head = chart_at + CMP_CHART_ROWS;
        const enum enk_report_word heads[S_NCOLS] = {
            W_UNIT, W_SHARE_SHORT, W_CI_LOW,      W_CI_HIGH,    W_CHANGE,      W_N,
            W_NOTE, W_CMP_H_LABEL, W_CMP_H_BELOW, W_CMP_H_MARK, W_CMP_H_ABOVE, W_COUNT};
        for (size_t k = 0; k < S_NCOLS; k++)
                enk_report_put_str(c, ws, head, k,
                                   heads[k] == W_COUNT ? "" : enk_report_word(c, heads[k]),
                                   k == 0         ? c->fmt.header_left
                                   : k >= S_LABEL ? c->fmt.header_small
                                                  : c->fmt.header);
        enk_report_row_height(c, ws, head, 45);
        size_t m = sorted_units(c, item, order, rank);
        for (size_t k = 0; k < m; k++)
                sorted_row(c, ws, head + 1 + k, order[k],
                           enk_report_cell(c, order[k], c->yi, item));
        if (m)
                sorted_chart(c, ws, sheet, chart_at, head + 1, order, m, item, width);
        return head + 1 + m + 1;
}

/* The table's sheet: every item with figures, the units down. Printed one
 * page wide while that leaves it readable, else at full size with the
 * headings and the units repeated on every page (it has no charts that
 * repeated rows could cover). */
static void table_sheet(enk_report_ctx *c, layout *l, double unit_w)
{
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_COMPARE_TABLE);
        if (!ws)
                return;
        char buf[600];
        enk_report_put_title(c, ws, enk_report_word(c, W_CMP_TITLE),
                             enk_report_word_d(c, buf, sizeof buf, W_CMP_SUB, c->f->year));
        legend(c, ws, 2);
        enk_report_page_setup(c, ws,
                              l->ni > CMP_FIT_ITEMS ? ENK_REPORT_FIT_NONE : ENK_REPORT_FIT_WIDTH);
        headings(c, ws, l);
        unit_rows(c, ws, l);
        enk_report_col_width(c, ws, 0, 0, unit_w, NULL);
        for (size_t i = 0; i < l->ni; i++) {
                enk_report_col_width(c, ws, l->cols[i], l->cols[i], 8, NULL);
                enk_report_col_width(c, ws, l->cols[i] + 1, l->cols[i] + 1, 6, NULL);
        }
        worksheet_freeze_panes(ws, (lxw_row_t) (l->h2 + 1), 1);
        if (l->ni > CMP_FIT_ITEMS) {
                enk_report_note_err(
                    c, worksheet_repeat_rows(ws, (lxw_row_t) l->h0, (lxw_row_t) l->h2));
                enk_report_note_err(c, worksheet_repeat_columns(ws, 0, 0));
        }
}

void enk_report_sheet_comparison(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        const char *name = enk_report_word(c, W_SH_COMPARE);
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_COMPARE);
        if (!ws)
                return;
        char buf[600];
        size_t *order = NULL;
        ranked *rank = NULL;
        enk_report_put_title(c, ws, enk_report_word(c, W_CMP_TITLE),
                             enk_report_word_d(c, buf, sizeof buf, W_CMP_CHARTS_SUB, f->year));
        legend(c, ws, 2);
        layout l = {.h0 = 5, .h1 = 6, .h2 = 7};
        if (!find_items(c, &l) || !tests(c, &l))
                goto out;
        order = malloc(c->nunits * sizeof *order);
        rank = malloc(c->nunits * sizeof *rank);
        if (!order || !rank) {
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                goto out;
        }
        l.first = l.h2 + 1;
        l.last = l.first + c->nunits - 1;
        l.test_row = l.last + 1;

        /* One page wide, a section to a page: a chart is never cut by a page
         * break, and no rows are repeated over it. */
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);

        /* the unit column as wide as the longest name */
        double unit_w = CMP_UNIT_W;
        for (size_t u = 0; u < c->nunits; u++) {
                const char *s = enk_report_unit_label(c, u);
                double w = (double) enk_utf8_chars(s, strlen(s)) * 1.1 + 2;
                if (w > unit_w)
                        unit_w = w;
        }
        enk_report_col_width(c, ws, 0, 0, unit_w, NULL);
        double table_px = unit_w * 7 + 5;
        for (size_t col = 1; col < S_NCOLS; col++) {
                enk_report_col_width(c, ws, col, col, sorted_w[col], NULL);
                if (col != S_EMPTY) /* nothing is written there */
                        table_px += sorted_w[col] * 7 + 5;
        }
        /* the chart as wide as the table under it */
        double width = table_px < ENK_REPORT_CHART_W ? ENK_REPORT_CHART_W : table_px;

        bool headline = enk_report_any_headline(c);
        size_t row = 5, nbreaks = 0;
        for (size_t i = l.nareas; i < l.ni; i++) {
                if (!enk_report_item_on_summary(c, l.items[i], headline))
                        continue;
                if (row > 5)
                        l.breaks[nbreaks++] = (lxw_row_t) row;
                row = section(c, ws, name, &l, i, row, order, rank, width);
        }
        if (nbreaks)
                enk_report_note_err(c, worksheet_set_h_pagebreaks(ws, l.breaks));
        table_sheet(c, &l, unit_w);
out:
        free(order);
        free(rank);
        free(l.items);
        free(l.cols);
        free(l.p);
        free(l.p_adj);
        free(l.k);
        free(l.breaks);
}
