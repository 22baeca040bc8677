/* analysis/report.c - the yearly report workbook, written with libxlsxwriter: its context.
 *
 * The report reads the figures table and writes; it computes nothing beyond
 * turning fractions into percentage points for display. Before writing it
 * builds one index, grid[unit][year][item] -> row, so that every sheet can ask
 * "this unit, this year, this area or question" in constant time; items are the
 * latest edition's areas followed by its questions. The grid holds pointers
 * only: about (units + 1) x years x items pointers, 1 MB for a national table.
 *
 * This file holds what every sheet uses: the index, the cell writers, the
 * formats and page setup, and enk_report_write(), which checks the options,
 * opens the output file and calls the sheets in order. Each sheet has a file
 * of its own, every word the report shows is in report_words.c, and
 * report_internal.h lists the files and what they share.
 *
 * Charts are drawn for one unit only (the selected one, or the weighted
 * total): 290 municipalities would otherwise give thousands of charts. The Data
 * sheet holds every row of the table.
 *
 * libxlsxwriter reports failures as lxw_error codes; the first one is kept in
 * the context and turned into one diagnostic at the end, so the sheet writers
 * stay straight-line code.
 */
#include "analysis/report.h"
#include "analysis/report_internal.h"
#include "survey/collate.h"
#include "survey/outfile.h"
#include "survey/utf8.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef ENK_VERSION
#define ENK_VERSION "unknown"
#endif

/* ------------------------------------------------------------------------ */
/* Context                                                                   */
/* ------------------------------------------------------------------------ */
/* The questionnaire's text in the report language, falling back to its
 * default language. Local rather than enk_text_get() so that the report
 * depends on the model's structs only. */
const char *enk_report_text(const enk_report_ctx *c, const enk_text *t)
{
        if (c->qlang >= 0 && c->qlang < ENK_LANG_MAX && t->s[c->qlang])
                return t->s[c->qlang];
        return t->s[0] ? t->s[0] : "";
}

void enk_report_note_err(enk_report_ctx *c, lxw_error e)
{
        if (e != LXW_NO_ERROR && c->err == LXW_NO_ERROR)
                c->err = e;
}

/* A formatted string in a buffer the caller owns. */
const char *enk_report_fmt(char *buf, size_t cap, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, cap, fmt, ap);
        va_end(ap);
        return buf;
}

/* The wording tables hold printf formats; the compiler cannot check a format
 * picked at run time, so these small wrappers fix the argument types. */
/* ---- cell writers: NaN becomes an empty cell, errors are remembered ---- */

void enk_report_put_str(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col, const char *s,
                        lxw_format *fmt)
{
        if (r > LXW_ROW_MAX - 1 || col > LXW_COL_MAX - 1) {
                enk_report_note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
                return;
        }
        if (!s || !*s) {
                if (fmt)
                        enk_report_note_err(
                            c, worksheet_write_blank(ws, (lxw_row_t) r, (lxw_col_t) col, fmt));
                return;
        }
        enk_report_note_err(c, worksheet_write_string(ws, (lxw_row_t) r, (lxw_col_t) col, s, fmt));
}

void enk_report_put_num(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col, double v,
                        lxw_format *fmt)
{
        if (r > LXW_ROW_MAX - 1 || col > LXW_COL_MAX - 1) {
                enk_report_note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
                return;
        }
        if (!isfinite(v)) {
                if (fmt)
                        enk_report_note_err(
                            c, worksheet_write_blank(ws, (lxw_row_t) r, (lxw_col_t) col, fmt));
                return;
        }
        enk_report_note_err(c, worksheet_write_number(ws, (lxw_row_t) r, (lxw_col_t) col,
                                                      enk_figures_round(v), fmt));
}

/* A figure's number of answers, or ".." when even that is hidden
 * (enk_figure.counts_hidden). */
void enk_report_put_n(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col,
                      const enk_figure *f, lxw_format *fmt, lxw_format *dots)
{
        if (f->counts_hidden)
                enk_report_put_str(c, ws, r, col, "..", dots);
        else
                enk_report_put_num(c, ws, r, col, (double) f->n, fmt);
}

/* Not asked: no row, or a row that counts nobody (the question is not in
 * that year's edition, or no one was shown it). A row whose counts are
 * hidden counts somebody. */
bool enk_report_not_asked(const enk_figure *r)
{
        return !r || (!r->counts_hidden && r->n == 0 && r->na == 0 && r->missing == 0);
}

/* The two marks of a number not shown, after SCB's table symbols: "." for
 * "uppgift kan inte förekomma" (not asked), ".." for "uppgift inte
 * tillgänglig eller alltför osäker" (hidden). */
void enk_report_put_unshown(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col,
                            const enk_figure *f)
{
        enk_report_put_str(c, ws, r, col, enk_report_not_asked(f) ? "." : "..", c->fmt.dots);
}

void enk_report_put_bool(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col, bool v)
{
        enk_report_note_err(c,
                            worksheet_write_boolean(ws, (lxw_row_t) r, (lxw_col_t) col, v, NULL));
}

void enk_report_col_width(enk_report_ctx *c, lxw_worksheet *ws, size_t first, size_t last,
                          double width, lxw_format *fmt)
{
        enk_report_note_err(
            c, worksheet_set_column(ws, (lxw_col_t) first, (lxw_col_t) last, width, fmt));
}

void enk_report_row_height(enk_report_ctx *c, lxw_worksheet *ws, size_t r, double height)
{
        enk_report_note_err(c, worksheet_set_row(ws, (lxw_row_t) r, height, NULL));
}

/* The lines a wrapped text takes in a column width characters wide, by
 * greedy word wrap. An estimate, and needed: neither Excel nor LibreOffice
 * grows a row for wrapped text in a file they open. */
unsigned enk_report_text_lines(const char *s, double width)
{
        size_t per = width > 1 ? (size_t) width : 1;
        unsigned lines = 1;
        size_t line = 0;
        bool glued = false; /* the word follows a hyphen: no space before it */
        while (*s) {
                bool space = !glued;
                while (*s == ' ')
                        s++;
                glued = false;
                const char *start = s;
                while (*s && *s != ' ') {
                        /* a line may also break after a hyphen */
                        if (*s++ == '-' && *s && *s != ' ') {
                                glued = true;
                                break;
                        }
                }
                size_t word = enk_utf8_chars(start, (size_t) (s - start));
                if (!word)
                        break;
                size_t gap = line && space ? 1 : 0;
                if (line && line + gap + word > per) {
                        lines++;
                        line = 0;
                        gap = 0;
                }
                line += gap + word;
                while (line > per) { /* a word longer than the column */
                        lines++;
                        line -= per;
                }
        }
        return lines;
}

/* Makes row tall enough for the given number of lines (15 points each). */
void enk_report_fit_row(enk_report_ctx *c, lxw_worksheet *ws, size_t row, unsigned lines)
{
        if (lines > 1)
                enk_report_row_height(c, ws, row, 15.0 * lines + 1);
}

/* ------------------------------------------------------------------------ */
/* The index                                                                 */
/* ------------------------------------------------------------------------ */

static int cmp_unit_ref(const void *a, const void *b)
{
        return enk_collate_sv(((const struct enk_report_unit_ref *) a)->name,
                              ((const struct enk_report_unit_ref *) b)->name);
}

/* Index of unit name (the total is c->nunits - 1), or -1. */
static long unit_index(const enk_report_ctx *c, const char *name)
{
        if (!name)
                return -1;
        if (strcmp(name, ENK_ALL_UNITS) == 0)
                return (long) c->nunits - 1;
        size_t lo = 0, hi = c->f->nunits;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int d = strcmp(name, c->unit_order[mid].name);
                if (d == 0)
                        return (long) c->unit_order[mid].index;
                if (d < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return -1;
}

int enk_report_year_index(const enk_report_ctx *c, int year)
{
        for (size_t i = 0; i < c->f->nyears; i++)
                if (c->f->years[i] == year)
                        return (int) i;
        return -1;
}

/* The item of a row: its area, or its question after all areas. The row's
 * own index is trusted when it names the same id (the common case); else the
 * id is looked up. */
static long item_index(const enk_report_ctx *c, const enk_figure *r)
{
        const enk_questionnaire *q = c->q;
        if (!r->question)
                return -1;
        if (r->is_area) {
                if (r->question_index >= 0 && (size_t) r->question_index < q->nareas &&
                    strcmp(q->areas[r->question_index].id, r->question) == 0)
                        return r->question_index;
                for (size_t i = 0; i < q->nareas; i++)
                        if (strcmp(q->areas[i].id, r->question) == 0)
                                return (long) i;
                return -1;
        }
        if (r->question_index >= 0 && (size_t) r->question_index < q->nquestions &&
            strcmp(q->questions[r->question_index].id, r->question) == 0)
                return (long) q->nareas + r->question_index;
        for (size_t i = 0; i < q->nquestions; i++)
                if (strcmp(q->questions[i].id, r->question) == 0)
                        return (long) (q->nareas + i);
        return -1;
}

const enk_figure *enk_report_cell(const enk_report_ctx *c, size_t unit, int yi, size_t item)
{
        if (yi < 0)
                return NULL;
        return c->grid[(unit * c->f->nyears + (size_t) yi) * c->nitems + item];
}

static enk_status build_index(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        c->nitems = c->q->nareas + c->q->nquestions;
        c->nunits = f->nunits + 1;
        size_t ncells = c->nunits * (f->nyears ? f->nyears : 1) * (c->nitems ? c->nitems : 1);
        c->grid = calloc(ncells, sizeof *c->grid);
        c->unit_order = malloc((f->nunits ? f->nunits : 1) * sizeof *c->unit_order);
        if (!c->grid || !c->unit_order)
                return ENK_ERR_NOMEM;
        for (size_t i = 0; i < f->nunits; i++)
                c->unit_order[i] = (struct enk_report_unit_ref){f->units[i] ? f->units[i] : "", i};
        qsort(c->unit_order, f->nunits, sizeof *c->unit_order, cmp_unit_ref);

        /* Rows come by unit then year: remember the last lookups. */
        const char *last_unit = NULL;
        long ui = -1;
        int last_year = 0, yi = -1;
        for (size_t i = 0; i < f->nrows; i++) {
                const enk_figure *r = &f->rows[i];
                if (r->unit != last_unit) {
                        last_unit = r->unit;
                        ui = unit_index(c, r->unit);
                }
                if (r->year != last_year || yi < 0) {
                        last_year = r->year;
                        yi = enk_report_year_index(c, r->year);
                }
                long it = item_index(c, r);
                if (ui < 0 || yi < 0 || it < 0)
                        continue; /* outside the scope the table declares */
                c->grid[((size_t) ui * f->nyears + (size_t) yi) * c->nitems + (size_t) it] = r;
        }
        return ENK_OK;
}

bool enk_report_item_is_area(const enk_report_ctx *c, size_t item)
{
        return item < c->q->nareas;
}

const enk_question *enk_report_item_question(const enk_report_ctx *c, size_t item)
{
        return enk_report_item_is_area(c, item) ? NULL : &c->q->questions[item - c->q->nareas];
}

const char *enk_report_item_label(const enk_report_ctx *c, size_t item)
{
        if (enk_report_item_is_area(c, item))
                return enk_report_text(c, &c->q->areas[item].label);
        return enk_report_text(c, &enk_report_item_question(c, item)->text);
}

/* Whether the unit has any row for item in any year. */
bool enk_report_item_has_data(const enk_report_ctx *c, size_t unit, size_t item)
{
        for (size_t y = 0; y < c->f->nyears; y++)
                if (enk_report_cell(c, unit, (int) y, item))
                        return true;
        return false;
}

/* The summary's questions: the headline ones, or every question with figures
 * when none is marked headline (so the summary is never empty). */
/* The one scale question of area a, or NULL when it has none or several. */
static const enk_question *only_question(const enk_questionnaire *q, size_t a)
{
        const enk_question *only = NULL;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_question *qn = &q->questions[i];
                if (qn->area != (int) a || qn->type != ENK_Q_SCALE)
                        continue;
                if (only)
                        return NULL;
                only = qn;
        }
        return only;
}

bool enk_report_item_on_summary(const enk_report_ctx *c, size_t item, bool any_headline)
{
        if (enk_report_item_is_area(c, item)) {
                /* an area of one question has that question's numbers: it
                 * stands once, as the question, when the question stands */
                const enk_question *only = only_question(c->q, item);
                return !only || (any_headline && !only->headline);
        }
        const enk_question *qn = enk_report_item_question(c, item);
        return any_headline ? qn->headline : qn->type == ENK_Q_SCALE;
}

bool enk_report_any_headline(const enk_report_ctx *c)
{
        for (size_t i = 0; i < c->q->nquestions; i++)
                if (c->q->questions[i].headline)
                        return true;
        return false;
}

const char *enk_report_unit_label(const enk_report_ctx *c, size_t unit)
{
        return unit == c->nunits - 1 ? enk_report_word(c, W_ALL_UNITS) : c->f->units[unit];
}

/* The wave of unit x year; for the total without its own wave, the sum over
 * the units (sent is unknown when any unit's is). */
enk_wave_info enk_report_wave_of(const enk_report_ctx *c, size_t unit, int year)
{
        const enk_figures *f = c->f;
        const char *name = unit == c->nunits - 1 ? ENK_ALL_UNITS : f->units[unit];
        for (size_t i = 0; i < f->nwaves; i++)
                if (f->waves[i].year == year && f->waves[i].unit &&
                    strcmp(f->waves[i].unit, name) == 0)
                        return f->waves[i];
        enk_wave_info sum = {name, year, 0, 0, 0, NAN};
        bool found = false;
        if (unit == c->nunits - 1) {
                for (size_t i = 0; i < f->nwaves; i++) {
                        if (f->waves[i].year != year ||
                            (f->waves[i].unit && strcmp(f->waves[i].unit, ENK_ALL_UNITS) == 0))
                                continue;
                        found = true;
                        sum.responses += f->waves[i].responses;
                        if (f->waves[i].sent < 0 || sum.sent < 0)
                                sum.sent = -1;
                        else
                                sum.sent += f->waves[i].sent;
                }
        }
        if (!found) {
                sum.responses = -1; /* not known */
                sum.sent = -1;
        }
        if (sum.sent > 0)
                sum.response_rate = (double) sum.responses / (double) sum.sent;
        return sum;
}

/* ------------------------------------------------------------------------ */
/* Formats and page setup                                                    */
/* ------------------------------------------------------------------------ */

static lxw_format *add_fmt(enk_report_ctx *c)
{
        lxw_format *f = workbook_add_format(c->wb);
        if (!f)
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return f;
}

static bool make_formats(enk_report_ctx *c)
{
        const char *pct = enk_report_pct_format(c);
        lxw_format **all[] = {
            &c->fmt.title,          &c->fmt.subtitle,  &c->fmt.header,
            &c->fmt.header_left,    &c->fmt.section,   &c->fmt.label,
            &c->fmt.wrap,           &c->fmt.bold_wrap, &c->fmt.pct,
            &c->fmt.pct_bold,       &c->fmt.pp,        &c->fmt.dec1,
            &c->fmt.dec3,           &c->fmt.integer,   &c->fmt.year,
            &c->fmt.dots,           &c->fmt.mark,      &c->fmt.note,
            &c->fmt.small,          &c->fmt.good,      &c->fmt.bad,
            &c->fmt.date,           &c->fmt.hash,      &c->fmt.fact_label,
            &c->fmt.fact_int,       &c->fmt.fact_pct,  &c->fmt.fact_text,
            &c->fmt.total_pct,      &c->fmt.total_int, &c->fmt.data_head,
            &c->fmt.pct_lowp,       &c->fmt.p_value,   &c->fmt.p_sig,
            &c->fmt.header_small,   &c->fmt.chooser,   &c->fmt.gap,
            &c->fmt.data_head_left, &c->fmt.flag,
        };
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
                if (!(*all[i] = add_fmt(c)))
                        return false;
        /* A row's cells read from its first line: a wrapped question and its
         * numbers stand on the same line (the headings stand at the bottom). */
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
                format_set_align(*all[i], LXW_ALIGN_VERTICAL_TOP);
        format_set_bold(c->fmt.title);
        format_set_font_size(c->fmt.title, 16);
        format_set_font_color(c->fmt.title, ENK_REPORT_BLUE);
        format_set_bold(c->fmt.subtitle);
        format_set_font_size(c->fmt.subtitle, 12);

        lxw_format *hdr[] = {c->fmt.header, c->fmt.header_left, c->fmt.header_small};
        for (size_t i = 0; i < 3; i++) {
                format_set_bold(hdr[i]);
                format_set_text_wrap(hdr[i]);
                format_set_align(hdr[i], LXW_ALIGN_VERTICAL_BOTTOM);
                format_set_bg_color(hdr[i], ENK_REPORT_HEADER);
                format_set_bottom(hdr[i], LXW_BORDER_THIN);
                format_set_bottom_color(hdr[i], ENK_REPORT_BLUE);
        }
        format_set_align(c->fmt.header, LXW_ALIGN_CENTER);
        format_set_align(c->fmt.header_small, LXW_ALIGN_CENTER);
        format_set_font_size(c->fmt.header_small, 8);
        format_set_font_color(c->fmt.header_small, ENK_REPORT_GREY);

        format_set_bold(c->fmt.section);
        format_set_bg_color(c->fmt.section, ENK_REPORT_SECTION);
        format_set_top(c->fmt.section, LXW_BORDER_THIN);
        format_set_top_color(c->fmt.section, ENK_REPORT_RULE);

        format_set_bold(c->fmt.label);
        format_set_align(c->fmt.wrap, LXW_ALIGN_VERTICAL_TOP);
        format_set_text_wrap(c->fmt.wrap);
        format_set_align(c->fmt.bold_wrap, LXW_ALIGN_VERTICAL_TOP);
        format_set_text_wrap(c->fmt.bold_wrap);
        format_set_bold(c->fmt.bold_wrap);

        format_set_num_format(c->fmt.pct, pct);
        format_set_num_format(c->fmt.pct_bold, pct);
        char lowp[32];
        format_set_num_format(c->fmt.pct_lowp, enk_report_fmt(lowp, sizeof lowp, "%s\" *\"", pct));
        format_set_num_format(c->fmt.p_value, "[<0.001]\"< 0.001\";0.000");
        format_set_num_format(c->fmt.p_sig, "[<0.001]\"< 0.001\";0.000");
        format_set_bold(c->fmt.p_sig);
        /* the cell a reader changes: framed, on the heading's colour */
        format_set_bold(c->fmt.chooser);
        format_set_bg_color(c->fmt.chooser, ENK_REPORT_HEADER);
        format_set_border(c->fmt.chooser, LXW_BORDER_THIN);
        format_set_border_color(c->fmt.chooser, ENK_REPORT_BLUE);
        format_set_shrink(c->fmt.chooser); /* a long unit name whole */
        /* a chosen unit's gap (#N/A, for the chart) is not shown as an error */
        format_set_font_color(c->fmt.gap, LXW_COLOR_WHITE);
        format_set_bold(c->fmt.pct_bold);
        format_set_num_format(c->fmt.pp, "+0.0;-0.0;0.0");
        format_set_num_format(c->fmt.dec1, "0.0");
        format_set_num_format(c->fmt.dec3, "0.000");
        format_set_num_format(c->fmt.integer, "#,##0");
        format_set_num_format(c->fmt.year, "0");
        format_set_align(c->fmt.year, LXW_ALIGN_LEFT);
        /* a flag, 1 or 0 as in the CSV, shown as the word "ja" or "nej" */
        char flag[64];
        format_set_num_format(c->fmt.flag,
                              enk_report_fmt(flag, sizeof flag, "\"%s\";\"%s\";\"%s\"",
                                             enk_report_word(c, W_YES), enk_report_word(c, W_YES),
                                             enk_report_word(c, W_NO)));
        format_set_align(c->fmt.flag, LXW_ALIGN_LEFT);

        format_set_align(c->fmt.dots, LXW_ALIGN_RIGHT);
        format_set_font_color(c->fmt.dots, ENK_REPORT_GREY);
        format_set_align(c->fmt.mark, LXW_ALIGN_CENTER);
        format_set_bold(c->fmt.mark);
        format_set_font_color(c->fmt.note, ENK_REPORT_GREY);
        format_set_italic(c->fmt.note);
        format_set_font_size(c->fmt.small, 9);
        format_set_font_color(c->fmt.small, ENK_REPORT_GREY);

        format_set_font_color(c->fmt.good, ENK_REPORT_GOOD_FG);
        format_set_bg_color(c->fmt.good, ENK_REPORT_GOOD_BG);
        format_set_font_color(c->fmt.bad, ENK_REPORT_BAD_FG);
        format_set_bg_color(c->fmt.bad, ENK_REPORT_BAD_BG);

        /* The facts on the summary: labels right-aligned against their values. */
        format_set_bold(c->fmt.fact_label);
        format_set_align(c->fmt.fact_label, LXW_ALIGN_RIGHT);
        format_set_indent(c->fmt.fact_label, 1);
        format_set_num_format(c->fmt.fact_int, "#,##0");
        format_set_align(c->fmt.fact_int, LXW_ALIGN_LEFT);
        format_set_num_format(c->fmt.fact_pct, pct);
        format_set_align(c->fmt.fact_pct, LXW_ALIGN_LEFT);
        format_set_bold(c->fmt.fact_pct);
        format_set_align(c->fmt.fact_text, LXW_ALIGN_LEFT);
        /* the total's row: bold on the section's shading */
        lxw_format *tot[] = {c->fmt.total_pct, c->fmt.total_int};
        for (size_t i = 0; i < 2; i++) {
                format_set_bold(tot[i]);
                format_set_bg_color(tot[i], ENK_REPORT_SECTION);
                format_set_top(tot[i], LXW_BORDER_THIN);
                format_set_top_color(tot[i], ENK_REPORT_RULE);
        }
        format_set_num_format(c->fmt.total_pct, pct);
        format_set_num_format(c->fmt.total_int, "#,##0");
        /* The Data sheet's headings, in words: the look of the Excel table
         * style they had (Light 9: white bold on the theme's accent blue). */
        lxw_format *dh[] = {c->fmt.data_head, c->fmt.data_head_left};
        for (size_t i = 0; i < 2; i++) {
                format_set_bold(dh[i]);
                format_set_font_color(dh[i], LXW_COLOR_WHITE);
                format_set_bg_color(dh[i], ENK_REPORT_DATA_HEAD);
                format_set_text_wrap(dh[i]);
                format_set_align(dh[i], LXW_ALIGN_VERTICAL_BOTTOM);
        }
        format_set_align(c->fmt.data_head, LXW_ALIGN_RIGHT); /* above numbers */
        format_set_num_format(c->fmt.date, "yyyy-mm-dd hh:mm");
        format_set_align(c->fmt.date, LXW_ALIGN_LEFT);
        format_set_font_name(c->fmt.hash, "DejaVu Sans Mono");
        format_set_font_size(c->fmt.hash, 9);
        return c->err == LXW_NO_ERROR;
}

/* Adds the sheet named by the word `name` in the report's language; NULL (and
 * the error noted) when libxlsxwriter could not. */
lxw_worksheet *enk_report_sheet(enk_report_ctx *c, enum enk_report_word name)
{
        for (size_t i = 0; i < c->nsheets; i++)
                if (c->sheets[i].name == name)
                        return c->sheets[i].ws;
        enk_report_note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE); /* not listed */
        return NULL;
}

static void add_sheet(enk_report_ctx *c, enum enk_report_word name, lxw_worksheet *ws)
{
        if (!ws)
                enk_report_note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
        if (c->nsheets < ENK_REPORT_MAX_SHEETS)
                c->sheets[c->nsheets++] = (struct enk_report_sheet_ref){name, ws};
}

enum { STREAM_BUF = 1 << 20 };

/* Adds the sheet `name` streamed (constant_memory): the Data sheet. */
static lxw_worksheet *add_streamed_sheet(enk_report_ctx *c, enum enk_report_word name)
{
        /* libxlsxwriter reads the mode from the workbook's options when a
         * sheet is added (workbook_add_worksheet), and each sheet keeps its
         * own: so one sheet is streamed while the others stay in memory,
         * their charts' values cached. */
        uint8_t was = c->wb->options.constant_memory;
        c->wb->options.constant_memory = LXW_TRUE;
        lxw_worksheet *ws = workbook_add_worksheet(c->wb, enk_report_word(c, name));
        c->wb->options.constant_memory = was;
        if (!ws) /* out of memory, or no temporary file */
                enk_report_note_err(c, LXW_ERROR_CREATING_TMPFILE);
        /* Its rows go to a temporary file through stdio, with a buffer of a
         * page (4 KiB): a national Data sheet of 100 MB took 25,000 write
         * calls, and as many reads when the workbook copies it into the
         * sheet's part. A buffer of STREAM_BUF takes 100 of each. Set before
         * the first write, as setvbuf must be, and only on a real file (a
         * libxlsxwriter built with memory streams makes it have none). The
         * file is closed in workbook_close(), or by close_streamed() when
         * the workbook is freed unclosed; the buffer is freed after
         * (enk_report_write), or kept when the close failed
         * (abandon_stream_buf). */
        FILE *tmp = ws ? ws->optimize_tmpfile : NULL;
        if (tmp && fileno(tmp) >= 0 && !c->stream_buf && (c->stream_buf = malloc(STREAM_BUF)))
                setvbuf(tmp, c->stream_buf, _IOFBF, STREAM_BUF);
        return ws;
}

void enk_report_page_setup(enk_report_ctx *c, lxw_worksheet *ws, enum enk_report_fit fit)
{
        char title[512], esc[1024], buf[1200];
        size_t j = 0;
        /* Excel allows 255 characters in a page header, codes included. */
        enk_report_fmt(title, sizeof title, "%s", c->title);
        title[enk_utf8_clip(title, strlen(title), 120)] = '\0';
        for (size_t i = 0; title[i] && j + 2 < sizeof esc; i++) {
                if (title[i] == '&')
                        esc[j++] = '&';
                esc[j++] = title[i];
        }
        esc[j] = '\0';
        worksheet_set_paper(ws, 9); /* A4 */
        worksheet_set_landscape(ws);
        worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
        if (fit != ENK_REPORT_FIT_NONE)
                worksheet_fit_to_pages(ws, 1, fit == ENK_REPORT_FIT_PAGE ? 1 : 0);
        worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
        enk_report_note_err(
            c, worksheet_set_header(ws, enk_report_word_s(c, buf, sizeof buf, W_PAGE_HEADER, esc)));
        enk_report_note_err(c, worksheet_set_footer(ws, enk_report_word(c, W_PAGE_FOOTER)));
}

void enk_report_put_title(enk_report_ctx *c, lxw_worksheet *ws, const char *title, const char *sub)
{
        enk_report_put_str(c, ws, 0, 0, title, c->fmt.title);
        enk_report_row_height(c, ws, 0, 24);
        if (sub)
                enk_report_put_str(c, ws, 1, 0, sub, c->fmt.subtitle);
}

/* ------------------------------------------------------------------------ */
/* Writing the file                                                          */
/* ------------------------------------------------------------------------ */

static enk_status fail(enk_report_ctx *c, enk_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enk_status fail(enk_report_ctx *c, enk_status st, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_ERROR, (enk_loc){c->path, 0, 0}, NULL, fmt, ap);
        va_end(ap);
        return st;
}

static enk_status lxw_status(lxw_error e)
{
        switch (e) {
        case LXW_ERROR_MEMORY_MALLOC_FAILED:
                return ENK_ERR_NOMEM;
        case LXW_ERROR_CREATING_XLSX_FILE:
        case LXW_ERROR_CREATING_TMPFILE:
        case LXW_ERROR_READING_TMPFILE:
        case LXW_ERROR_ZIP_FILE_OPERATION:
        case LXW_ERROR_ZIP_PARAMETER_ERROR:
        case LXW_ERROR_ZIP_BAD_ZIP_FILE:
        case LXW_ERROR_ZIP_INTERNAL_ERROR:
        case LXW_ERROR_ZIP_FILE_ADD:
        case LXW_ERROR_ZIP_CLOSE:
                return ENK_ERR_IO;
        default: /* something in the figures Excel cannot hold (a text too long) */
                return ENK_ERR_DATA;
        }
}

/* libxlsxwriter's text for e in our style: lower-case, no full stop. */
static const char *lxw_message(char *buf, size_t cap, lxw_error e)
{
        enk_report_fmt(buf, cap, "%s", lxw_strerror(e));
        size_t n = strlen(buf);
        while (n && (buf[n - 1] == '.' || buf[n - 1] == ' '))
                buf[--n] = '\0';
        if (n > 1 && isupper((unsigned char) buf[0]) && !isupper((unsigned char) buf[1]))
                buf[0] = (char) tolower((unsigned char) buf[0]);
        return buf;
}

/* The language, the questionnaire's language, the version and the creation
 * time from opts (NULL: the defaults). */
static enk_status set_options(enk_report_ctx *c, const enk_report_options *opts)
{
        const char *lang = opts && opts->lang ? opts->lang : "sv";
        if (!enk_lang_parse(lang, &c->lang))
                return fail(c, ENK_ERR_USAGE, "unknown report language '%s' (expected sv or en)",
                            lang);
        c->qlang = 0;
        for (size_t i = 0; i < c->q->nlanguages && i < ENK_LANG_MAX; i++)
                if (c->q->languages[i] && strcmp(c->q->languages[i], lang) == 0)
                        c->qlang = (int) i;
        c->version = opts && opts->version ? opts->version : ENK_VERSION;
        enk_title_with_year(enk_report_text(c, &c->q->title), c->f->year, c->title,
                            sizeof c->title);
        c->created = opts && opts->created ? opts->created : (long long) time(NULL);
        return ENK_OK;
}

/* The unit the first sheets show, the report year and the year before it. */
static enk_status choose_unit(enk_report_ctx *c, const char *unit)
{
        long cu;
        if (unit) {
                cu = unit_index(c, unit);
                if (cu < 0)
                        return fail(c, ENK_ERR_NOTFOUND, "unit '%s' is not in the figures", unit);
        } else {
                cu = c->f->nunits == 1 ? 0 : (long) c->nunits - 1;
        }
        c->cu = (size_t) cu;
        c->yi = enk_report_year_index(c, c->f->year);
        c->prev_yi = c->yi > 0 ? c->yi - 1 : -1;
        return ENK_OK;
}

/* The Data sheet, written on a thread of its own (write_sheets); its
 * failure noted in its own copy of the context. */
static void *data_thread(void *arg)
{
        enk_report_sheet_data(arg);
        return NULL;
}

/* Writes every sheet into the open workbook c->wb. The sheets are added
 * first, in their order (the Data sheet last, streamed), then written: the
 * Data sheet (84,000 rows nationally, 0.8 s) on a thread of its own while
 * this one writes the others (0.07 s). libxlsxwriter is not made for two
 * threads in one workbook, so what they share stays read-only: a sheet's
 * cells, comments, filter and page setup are its own; a streamed sheet
 * writes its strings inline (it never touches the shared-string table);
 * and the one lookup that writes to the workbook when a streamed row is
 * written, a format's style index (lxw_format_get_xf_index), is made for
 * the Data sheet's formats here, before the thread starts, in the order
 * that sheet uses them. The other sheets' cells take their indexes when
 * the workbook is closed. The Data sheet gets its own copy of the context,
 * for its failure (c->err); it is noted after the join. Without a thread,
 * the Data sheet is written after the others, as before. */
static void write_sheets(enk_report_ctx *c)
{
        if (!make_formats(c))
                return;
        static const enum enk_report_word order[] = {
            W_SH_SUMMARY,       W_SH_TRENDS,    W_SH_DIST,  W_SH_COMPARE,
            W_SH_COMPARE_TABLE, W_SH_QUESTIONS, W_SH_METHOD};
        _Static_assert(sizeof order / sizeof order[0] + 1 <= ENK_REPORT_MAX_SHEETS,
                       "a sheet more than c->sheets holds (report_internal.h)");
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
                if (c->f->nunits > 1 ||
                    (order[i] != W_SH_COMPARE && order[i] != W_SH_COMPARE_TABLE))
                        add_sheet(c, order[i],
                                  workbook_add_worksheet(c->wb, enk_report_word(c, order[i])));
        add_sheet(c, W_SH_DATA, add_streamed_sheet(c, W_SH_DATA));
        if (c->err != LXW_NO_ERROR)
                return;
        lxw_format *data_fmts[] = {
            c->fmt.small, c->fmt.data_head_left, c->fmt.data_head, c->fmt.year,
            c->fmt.pct,   c->fmt.dec3,           c->fmt.dec1,      c->fmt.flag};
        for (size_t i = 0; i < sizeof data_fmts / sizeof data_fmts[0]; i++)
                lxw_format_get_xf_index(data_fmts[i]);

        enk_report_ctx dc = *c;
        pthread_t t;
        bool threaded = pthread_create(&t, NULL, data_thread, &dc) == 0;
        enk_report_sheet_summary(c);
        enk_report_sheet_trends(c);
        enk_report_sheet_distribution(c);
        if (c->f->nunits > 1)
                enk_report_sheet_comparison(c);
        enk_report_sheet_questions(c);
        enk_report_sheet_method(c);
        if (threaded)
                pthread_join(t, NULL);
        else
                enk_report_sheet_data(&dc);
        enk_report_note_err(c, dc.err);
}

/* Before a workbook is freed unclosed: libxlsxwriter (1.1.4, and 1.2.3)
 * closes a streamed sheet's temporary file only when the workbook is
 * closed, so it would stay open to the end, writing from the buffer
 * add_streamed_sheet gave it (freed by then) when the program exits. It is
 * closed here, and the sheet told so (its file pointers NULL; freeing a
 * sheet does not touch them). */
static void close_streamed(enk_report_ctx *c)
{
        for (size_t i = 0; i < c->nsheets; i++) {
                lxw_worksheet *ws = c->sheets[i].ws;
                if (ws && ws->optimize_tmpfile) {
                        fclose(ws->optimize_tmpfile);
                        ws->optimize_tmpfile = NULL;
                        ws->file = NULL;
                }
        }
}

/* After workbook_close() failed, the streamed sheet's file may still be
 * open (the close stopped before that sheet), and the workbook is gone:
 * its buffer is kept to the end (one, the last; a run reports once). */
static char *abandoned_buf;

static void abandon_stream_buf(enk_report_ctx *c)
{
        if (c->stream_buf)
                abandoned_buf = c->stream_buf;
        c->stream_buf = NULL;
}

/* Fills the open workbook c->wb (its properties, every sheet) and closes it;
 * c->wb is NULL afterwards, also on failure. */
static enk_status write_workbook(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        char subject[128], comments[160], msg[256];
        enk_report_word_d(c, subject, sizeof subject, W_SUBJECT, f->year);
        enk_report_fmt(comments, sizeof comments, "enkat %s", c->version);
        lxw_doc_properties props = {0};
        props.title = c->title;
        props.subject = subject;
        props.author = "enkat";
        props.comments = comments;
        props.keywords = (char *) (f->survey ? f->survey : c->q->survey);
        props.created = (time_t) c->created;
        enk_report_note_err(c, workbook_set_properties(c->wb, &props));

        write_sheets(c);
        if (c->err != LXW_NO_ERROR) {
                close_streamed(c);
                lxw_workbook_free(c->wb);
                c->wb = NULL;
                return fail(c, lxw_status(c->err), "cannot build the report workbook: %s",
                            lxw_message(msg, sizeof msg, c->err));
        }
        enk_report_zip_fast(true);
        lxw_error e = workbook_close(c->wb);
        enk_report_zip_fast(false);
        c->wb = NULL;
        if (e != LXW_NO_ERROR) {
                abandon_stream_buf(c);
                return fail(c, lxw_status(e), "cannot write the report workbook: %s",
                            lxw_message(msg, sizeof msg, e));
        }
        return ENK_OK;
}

enk_status enk_report_write(const enk_figures *f, const enk_report_options *opts, const char *path,
                            enk_diags *diags)
{
        enk_report_ctx c = {0};
        c.path = path;
        c.diags = diags;
        enk_outfile *outf = NULL;
        enk_status st = ENK_OK;
        if (!path)
                return fail(&c, ENK_ERR_USAGE, "no path given for the report workbook");
        if (!f || !f->questionnaire)
                return fail(&c, ENK_ERR_USAGE, "no figures to report");
        if (!enk_report_words_complete())
                return fail(&c, ENK_ERR_USAGE, "the report's wording table is incomplete");
        c.f = f;
        c.q = f->questionnaire;
        if ((st = set_options(&c, opts)) != ENK_OK)
                return st;
        if ((st = build_index(&c)) != ENK_OK) {
                fail(&c, st, "out of memory");
                goto out;
        }
        if ((st = choose_unit(&c, opts ? opts->unit : NULL)) != ENK_OK)
                goto out;

        /* The file libxlsxwriter writes is made here (survey/outfile.h), so
         * that an unwritable directory, a store or a device given as output
         * is refused by us, with the path, before any work. */
        enk_outfile_options oo = {
            .kind = ENK_OUT_XLSX, .keep = opts ? opts->keep : NULL, .by_name = true};
        st = enk_outfile_open(path, &oo, &outf, diags);
        if (st != ENK_OK)
                goto out;
        /* the streamed Data sheet's temporary file: in $TMPDIR, as the
         * import's; libxlsxwriter's own order (tmpfile()) without it */
        const char *tmpdir = getenv("TMPDIR");
        lxw_workbook_options wo = {.constant_memory = LXW_FALSE,
                                   .tmpdir = tmpdir && *tmpdir ? (char *) tmpdir : NULL};
        c.wb = workbook_new_opt(enk_outfile_name(outf), &wo);
        if (!c.wb) {
                st = fail(&c, ENK_ERR_NOMEM, "cannot start the workbook: out of memory");
                goto out;
        }
        if ((st = write_workbook(&c)) != ENK_OK)
                goto out;
        st = enk_outfile_commit(outf, diags);
        outf = NULL;
out:
        enk_outfile_abort(outf);
        free(c.grid);
        free(c.unit_order);
        free(c.stream_buf);
        return st;
}
