/* analysis/report_summary.c - sheet 1 of the report: the report year at a glance for one unit.
 *
 * The facts (unit, year, responses, questionnaires sent, response rate), then
 * per area and headline question the share positive, its interval, n, last
 * year's share, the change and the trend (each marked when significant, and
 * coloured by the mark), a note; then a plain sentence per headline question
 * ("92 % anser att samarbetet med skolan fungerar bra") and the legend.
 * Printed on one page: readable by a board member in ten seconds.
 */
#include "analysis/report_internal.h"
#include "analysis/stats.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* The headline sentence                                                     */
/* ------------------------------------------------------------------------ */

static bool is_upper_at(const unsigned char *s)
{
        if (s[0] < 0x80)
                return isupper(s[0]) != 0;
        /* UTF-8 Latin-1 supplement capitals À..Þ (not ×): Å Ä Ö É ... */
        return s[0] == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97;
}

static size_t char_len(const unsigned char *s)
{
        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xE0) == 0xC0)
                return 2;
        if ((s[0] & 0xF0) == 0xE0)
                return 3;
        return 4;
}

/* Capitalises the first letter of s in place (ASCII and Latin-1 letters). */
static void upper_first(char *s)
{
        unsigned char *u = (unsigned char *) s;
        if (u[0] < 0x80)
                u[0] = (unsigned char) toupper(u[0]);
        else if (u[0] == 0xC3 && u[1] >= 0xA0 && u[1] <= 0xBE && u[1] != 0xB7)
                u[1] = (unsigned char) (u[1] - 0x20);
}

/* Lower-cases the first letter of s in place unless the second is a capital
 * too (an abbreviation such as "BBIC"). */
static void lower_first(char *s)
{
        unsigned char *u = (unsigned char *) s;
        if (!u[0] || !is_upper_at(u))
                return;
        size_t n = char_len(u);
        if (u[n] && is_upper_at(u + n))
                return;
        if (u[0] < 0x80)
                u[0] = (unsigned char) tolower(u[0]);
        else
                u[1] = (unsigned char) (u[1] + 0x20);
}

/* Whether text speaks in the first person ("Jag blir tagen på allvar"): then
 * "anser att jag ..." would change who speaks, so the sentence quotes it. */
static bool first_person(const enk_report_ctx *c, const char *text)
{
        static const char *const sv[] = {"jag", "mig", "min",  "mitt", "mina", "vi",
                                         "oss", "vår", "vårt", "våra", NULL};
        static const char *const en[] = {"i", "me", "my", "we", "us", "our", NULL};
        const char *const *list = c->lang == ENK_LANG_EN ? en : sv;
        const unsigned char *p = (const unsigned char *) text;
        char word[32];
        while (*p) {
                size_t n = 0;
                while (*p && (*p >= 0x80 || isalpha(*p))) {
                        if (n + 1 < sizeof word)
                                word[n++] = (char) (*p < 0x80 ? tolower(*p) : *p);
                        p++;
                }
                word[n] = '\0';
                /* Swedish capitals at a word's start (Vår): lower the UTF-8 pair */
                if (n >= 2 && (unsigned char) word[0] == 0xC3 && (unsigned char) word[1] >= 0x80 &&
                    (unsigned char) word[1] <= 0x9E)
                        word[1] = (char) ((unsigned char) word[1] + 0x20);
                for (size_t i = 0; n && list[i]; i++)
                        if (strcmp(word, list[i]) == 0)
                                return true;
                while (*p && !(*p >= 0x80 || isalpha(*p)))
                        p++;
        }
        return false;
}

/* The share as it starts a sentence: "Fler än nio av tio (92 %)", the words
 * from the statistics module (the same bands everywhere enkat words a share,
 * chosen from the percentage as the cells round it). plural: the sentence
 * goes on with a plural predicate, which a singular phrase ("var tredje")
 * cannot take: then the percentage alone. */
static const char *share_lead(const enk_report_ctx *c, char *buf, size_t cap, double share,
                              bool plural)
{
        int pct = enk_stats_pct(share);
        const char *phrase =
            enk_stats_share_phrase(share, enk_lang_pick(c->lang, (enk_lang_pair){"sv", "en"}));
        if (plural && enk_stats_share_phrase_singular(share))
                phrase = NULL;
        if (phrase)
                enk_report_word_sd(c, buf, cap, W_PCT_PHRASE, phrase, pct);
        else
                enk_report_word_d(c, buf, cap, W_PCT, pct);
        upper_first(buf);
        return buf;
}

/* The news after the level: ", upp från 89 % förra året" when the change
 * since the previous year is significant (enk_figure.change, Holm-adjusted),
 * ", ungefär som förra året (89 %)" when it is not; nothing when there is no
 * test: no earlier year, a hidden one (nothing is derived from a hidden
 * figure), or a changed scale. Appended to buf (cap bytes). */
static void append_change(const enk_report_ctx *c, char *buf, size_t cap, const enk_figure *r)
{
        if (!r->prev_year || r->prev_hidden || r->scale_changed || !isfinite(r->prev_share) ||
            !isfinite(r->diff_p))
                return;
        bool last = r->prev_year == r->year - 1;
        enum enk_report_word k = r->change == ENK_CHANGE_UP ? (last ? W_SENT_UP : W_SENT_UP_IN)
                                 : r->change == ENK_CHANGE_DOWN
                                     ? (last ? W_SENT_DOWN : W_SENT_DOWN_IN)
                                     : (last ? W_SENT_SAME : W_SENT_SAME_IN);
        char clause[128];
        if (last)
                enk_report_word_d(c, clause, sizeof clause, k, enk_stats_pct(r->prev_share));
        else
                enk_report_word_dd(c, clause, sizeof clause, k, enk_stats_pct(r->prev_share),
                                   r->prev_year);
        size_t n = strlen(buf);
        enk_report_fmt(buf + n, cap - n, "%s", clause);
}

/* "Fler än nio av tio (95 %) är nöjda med stödet, upp från 89 % förra året":
 * the question's predicate when the questionnaire gives one; else a
 * statement is turned into a that-clause, a question or a first-person
 * statement is quoted. Then the change since last year. */
static const char *headline_sentence(const enk_report_ctx *c, char *buf, size_t cap,
                                     const enk_figure *r, size_t item)
{
        char lead[128], body[1024];
        const enk_question *qn = enk_report_item_question(c, item);
        const char *predicate = qn ? enk_report_text(c, &qn->predicate) : "";
        if (*predicate) {
                share_lead(c, lead, sizeof lead, r->share, true);
                enk_report_word_ss(c, buf, cap, W_SENT_PREDICATE, lead, predicate);
                append_change(c, buf, cap, r);
                return buf;
        }
        share_lead(c, lead, sizeof lead, r->share, false);
        enk_report_fmt(body, sizeof body, "%s", enk_report_item_label(c, item));
        size_t n = strlen(body);
        while (n && (body[n - 1] == ' ' || body[n - 1] == '.'))
                body[--n] = '\0';
        if (n && body[n - 1] == '?') {
                enk_report_word_ss(c, buf, cap, W_SENT_QUESTION, lead, body);
        } else if (first_person(c, body)) {
                enk_report_word_ss(c, buf, cap, W_SENT_STATEMENT, lead, body);
        } else {
                lower_first(body);
                enk_report_word_ss(c, buf, cap, W_SENT_AGREE, lead, body);
        }
        append_change(c, buf, cap, r);
        return buf;
}

/* ------------------------------------------------------------------------ */
/* The sheet                                                                 */
/* ------------------------------------------------------------------------ */

enum {
        S_LABEL,
        S_SHARE,
        S_LOW,
        S_HIGH,
        S_N,
        S_TOTAL,
        S_TOTAL_MARK,
        S_PREV,
        S_CHANGE,
        S_CHANGE_MARK,
        S_TREND,
        S_TREND_MARK,
        S_NOTE,
        S_NCOLS
};

#define SUM_LABEL_W 52

/* The marks of a significant change since last year and of a significant
 * trend (figures decides which are): two kinds of news, two kinds of mark,
 * each with its own legend line. */
#define MARK_UP         "▲"
#define MARK_DOWN       "▼"
#define MARK_TREND_UP   "↑"
#define MARK_TREND_DOWN "↓"

static const char *change_mark(enk_change v)
{
        return v == ENK_CHANGE_UP ? MARK_UP : MARK_DOWN;
}

static const char *trend_mark(enk_change v)
{
        return v == ENK_CHANGE_UP ? MARK_TREND_UP : MARK_TREND_DOWN;
}

/* Whether the shown unit's rows stand beside the weighted total of all
 * units: a unit's report from a store with other units that year. */
static bool beside_total(const enk_report_ctx *c)
{
        for (size_t it = 0; it < c->nitems; it++) {
                const enk_figure *r = enk_report_cell(c, c->cu, c->yi, it);
                if (r && isfinite(r->total_share))
                        return true;
        }
        return false;
}

/* The number of scale questions pooled in area a. */
static int area_questions(const enk_report_ctx *c, size_t a)
{
        int n = 0;
        for (size_t i = 0; i < c->q->nquestions; i++)
                n += c->q->questions[i].area == (int) a && c->q->questions[i].type == ENK_Q_SCALE;
        return n;
}

/* The weighted total of all units beside the unit's share, and "higher" or
 * "lower" when the unit differs significantly from the other units. */
static void total_cells(enk_report_ctx *c, lxw_worksheet *ws, size_t row, const enk_figure *r)
{
        enk_report_put_num(c, ws, row, S_TOTAL, r->total_share, c->fmt.pct);
        if (r->vs_rest != ENK_CHANGE_NONE)
                enk_report_put_str(
                    c, ws, row, S_TOTAL_MARK,
                    enk_report_word(c, r->vs_rest == ENK_CHANGE_UP ? W_HIGHER : W_LOWER),
                    c->fmt.mark);
}

static void summary_row(enk_report_ctx *c, lxw_worksheet *ws, size_t row, size_t item)
{
        const enk_figure *r = enk_report_cell(c, c->cu, c->yi, item);
        char buf[64], note[128] = "";
        bool area = enk_report_item_is_area(c, item);
        enk_report_put_str(c, ws, row, S_LABEL, enk_report_item_label(c, item), c->fmt.wrap);
        enk_report_fit_row(c, ws, row,
                           enk_report_text_lines(enk_report_item_label(c, item), SUM_LABEL_W));
        if (!r)
                return;
        enk_report_put_n(c, ws, row, S_N, r, c->fmt.integer, c->fmt.dots);
        if (r->suppressed) {
                size_t cols[] = {S_SHARE, S_LOW, S_HIGH, S_PREV, S_CHANGE, S_TREND};
                for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
                        enk_report_put_unshown(c, ws, row, cols[i], r);
                return;
        }
        /* the headline questions' shares in bold: those are the headline */
        enk_report_put_num(c, ws, row, S_SHARE, r->share, area ? c->fmt.pct : c->fmt.pct_bold);
        total_cells(c, ws, row, r);
        enk_report_put_num(c, ws, row, S_LOW, r->ci_low, c->fmt.pct);
        enk_report_put_num(c, ws, row, S_HIGH, r->ci_high, c->fmt.pct);
        /* the year compared with: the row's own, else the one before */
        int pyi = r->prev_year ? enk_report_year_index(c, r->prev_year) : c->prev_yi;
        const enk_figure *p = enk_report_cell(c, c->cu, pyi, item);
        if (r->prev_hidden || (pyi >= 0 && enk_report_not_asked(p))) {
                enk_report_put_unshown(c, ws, row, S_PREV, p);
                enk_report_put_unshown(c, ws, row, S_CHANGE, p);
        } else {
                enk_report_put_num(c, ws, row, S_PREV, r->prev_share, c->fmt.pct);
                enk_report_put_num(c, ws, row, S_CHANGE, r->diff * 100.0, c->fmt.pp);
        }
        if (r->change != ENK_CHANGE_NONE)
                enk_report_put_str(c, ws, row, S_CHANGE_MARK, change_mark(r->change), c->fmt.mark);
        enk_report_put_num(c, ws, row, S_TREND, r->trend_slope_pp, c->fmt.pp);
        if (r->trend_change != ENK_CHANGE_NONE)
                enk_report_put_str(c, ws, row, S_TREND_MARK, trend_mark(r->trend_change),
                                   c->fmt.mark);

        if (r->low_precision || enk_stats_low_precision(r->n))
                strcat(note, "*");
        if (area) {
                if (*note)
                        strcat(note, " ");
                strncat(
                    note,
                    enk_report_word_d(c, buf, sizeof buf, W_N_QUESTIONS, area_questions(c, item)),
                    sizeof note - strlen(note) - 1);
        }
        if (r->scale_changed) {
                if (*note)
                        strcat(note, " ");
                strncat(note, enk_report_word(c, W_SCALE_CHANGED), sizeof note - strlen(note) - 1);
        }
        int prev = c->prev_yi >= 0 ? c->f->years[c->prev_yi] : 0;
        if (r->prev_year && r->prev_year != prev && isfinite(r->prev_share)) {
                if (*note)
                        strcat(note, " ");
                strncat(note, enk_report_word_d(c, buf, sizeof buf, W_COMPARED_WITH, r->prev_year),
                        sizeof note - strlen(note) - 1);
        }
        enk_report_put_str(c, ws, row, S_NOTE, note, c->fmt.note);
}

/* Green when the mark in the next column says up (up_mark), red when down:
 * the mark is the test's verdict, the number alone is not. */
static void mark_colours(enk_report_ctx *c, lxw_worksheet *ws, size_t first, size_t last,
                         size_t col, size_t mark_col, const char *up_mark, const char *down_mark)
{
        char up[64], down[64], colname[8];
        lxw_col_to_name(colname, (lxw_col_t) mark_col, 1);
        enk_report_fmt(up, sizeof up, "=%s%zu=\"%s\"", colname, first + 1, up_mark);
        enk_report_fmt(down, sizeof down, "=%s%zu=\"%s\"", colname, first + 1, down_mark);
        lxw_conditional_format cf = {0};
        cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
        cf.value_string = up;
        cf.format = c->fmt.good;
        enk_report_note_err(c, worksheet_conditional_format_range(ws, (lxw_row_t) first,
                                                                  (lxw_col_t) col, (lxw_row_t) last,
                                                                  (lxw_col_t) mark_col, &cf));
        cf.value_string = down;
        cf.format = c->fmt.bad;
        enk_report_note_err(c, worksheet_conditional_format_range(ws, (lxw_row_t) first,
                                                                  (lxw_col_t) col, (lxw_row_t) last,
                                                                  (lxw_col_t) mark_col, &cf));
}

/* One fact: its label, and its count (or share) or "not known" when below 0
 * (not finite). */
static void fact(enk_report_ctx *c, lxw_worksheet *ws, size_t row, enum enk_report_word label,
                 double v, bool known, lxw_format *fmt)
{
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, label), c->fmt.fact_label);
        if (known)
                enk_report_put_num(c, ws, row, 1, v, fmt);
        else
                enk_report_put_str(c, ws, row, 1, enk_report_word(c, W_UNKNOWN), c->fmt.note);
}

/* The facts: who, when, how many. Returns the row after them. */
static size_t summary_facts(enk_report_ctx *c, lxw_worksheet *ws)
{
        const enk_figures *f = c->f;
        enk_wave_info wave = enk_report_wave_of(c, c->cu, f->year);
        size_t row = 3;
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_UNIT), c->fmt.fact_label);
        enk_report_put_str(c, ws, row++, 1, enk_report_unit_label(c, c->cu), c->fmt.fact_text);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_YEAR), c->fmt.fact_label);
        enk_report_put_num(c, ws, row++, 1, f->year, c->fmt.year);
        fact(c, ws, row++, W_RESPONSES, (double) wave.responses, wave.responses >= 0,
             c->fmt.fact_int);
        fact(c, ws, row++, W_SENT, (double) wave.sent, wave.sent >= 0, c->fmt.fact_int);
        fact(c, ws, row++, W_RATE, wave.response_rate, isfinite(wave.response_rate),
             c->fmt.fact_pct);
        return row;
}

/* The table's headings in row header, the row tall enough for the longest
 * heading in its narrow column. */
static void summary_header(enk_report_ctx *c, lxw_worksheet *ws, size_t header)
{
        const enk_figures *f = c->f;
        int first_year = f->nyears ? f->years[0] : f->year;
        int prev = c->prev_yi >= 0 ? f->years[c->prev_yi] : 0;
        char share[256], prevs[256], trend[256], total[256];
        enk_report_word_d(c, share, sizeof share, W_SHARE_YEAR, f->year);
        enk_report_word_d(c, total, sizeof total, W_ALL_UNITS_YEAR, f->year);
        enk_report_word_d(c, prevs, sizeof prevs, W_PREV_YEAR, prev);
        /* a first year has no trend, and no year to date one from */
        if (first_year < f->year)
                enk_report_word_d(c, trend, sizeof trend, W_TREND_SINCE, first_year);
        else
                enk_report_fmt(trend, sizeof trend, "%s", enk_report_word(c, W_TREND));
        const struct {
                size_t col;
                const char *text;
        } heads[] = {
            {S_LABEL, enk_report_word(c, W_ITEM)},
            {S_SHARE, share},
            {S_LOW, enk_report_word(c, W_CI_LOW)},
            {S_HIGH, enk_report_word(c, W_CI_HIGH)},
            {S_N, enk_report_word(c, W_N)},
            {S_TOTAL, beside_total(c) ? total : ""},
            {S_TOTAL_MARK, ""},
            {S_PREV, prev ? prevs : ""},
            {S_CHANGE, enk_report_word(c, W_CHANGE)},
            {S_CHANGE_MARK, ""},
            {S_TREND, trend},
            {S_TREND_MARK, ""},
            {S_NOTE, enk_report_word(c, W_NOTE)},
        };
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
                enk_report_put_str(c, ws, header, heads[i].col, heads[i].text,
                                   heads[i].col == S_LABEL ? c->fmt.header_left : c->fmt.header);
        const struct {
                const char *text;
                double width;
        } hw[] = {
            {share, 11}, {prevs, 11}, {total, 11}, {enk_report_word(c, W_CHANGE), 12}, {trend, 16}};
        unsigned lines = 3;
        for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++) {
                unsigned n = enk_report_text_lines(hw[i].text, hw[i].width);
                if (n > lines)
                        lines = n;
        }
        enk_report_fit_row(c, ws, header, lines);
}

/* The headline questions, then the areas (their questions pooled), each
 * group under a section row; the change and trend columns coloured by their
 * marks, and the mark against the other units by its word. Returns the row
 * after the table. */
static size_t summary_table(enk_report_ctx *c, lxw_worksheet *ws, size_t row, bool headline)
{
        size_t first_data = row;
        for (int pass = 0; pass < 2; pass++) {
                bool areas = pass == 1;
                bool section = false;
                for (size_t it = 0; it < c->nitems; it++) {
                        if (enk_report_item_is_area(c, it) != areas ||
                            !enk_report_item_on_summary(c, it, headline) ||
                            !enk_report_cell(c, c->cu, c->yi, it))
                                continue;
                        if (!section) {
                                enk_report_put_str(
                                    c, ws, row, 0,
                                    enk_report_word(c, areas ? W_AREAS_POOLED : W_HEADLINES),
                                    c->fmt.section);
                                for (size_t col = 1; col < S_NCOLS; col++)
                                        enk_report_put_str(c, ws, row, col, "", c->fmt.section);
                                row++;
                                section = true;
                        }
                        summary_row(c, ws, row++, it);
                }
        }
        if (row > first_data) {
                mark_colours(c, ws, first_data, row - 1, S_CHANGE, S_CHANGE_MARK, MARK_UP,
                             MARK_DOWN);
                mark_colours(c, ws, first_data, row - 1, S_TREND, S_TREND_MARK, MARK_TREND_UP,
                             MARK_TREND_DOWN);
                mark_colours(c, ws, first_data, row - 1, S_TOTAL_MARK, S_TOTAL_MARK,
                             enk_report_word(c, W_HIGHER), enk_report_word(c, W_LOWER));
        }
        return row;
}

/* "In short": a sentence per shown headline question, from row on. Returns
 * the row after them and their blank line (row itself when there are none). */
static size_t summary_sentences(enk_report_ctx *c, lxw_worksheet *ws, size_t row, bool headline)
{
        bool said = false;
        for (size_t it = c->q->nareas; it < c->nitems; it++) {
                const enk_figure *r = enk_report_cell(c, c->cu, c->yi, it);
                if (!enk_report_item_on_summary(c, it, headline) || !r || r->suppressed ||
                    !isfinite(r->share))
                        continue;
                if (!said) {
                        enk_report_put_str(c, ws, row++, 0, enk_report_word(c, W_IN_SHORT),
                                           c->fmt.subtitle);
                        said = true;
                }
                char sentence[1400];
                headline_sentence(c, sentence, sizeof sentence, r, it);
                enk_report_put_str(c, ws, row++, 0, sentence, NULL);
        }
        return said ? row + 1 : row;
}

void enk_report_sheet_summary(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_SUMMARY);
        if (!ws)
                return;
        char buf[512];
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_PAGE);
        enk_report_put_title(c, ws, c->title,
                             enk_report_word_ds(c, buf, sizeof buf, W_REPORT_SUB, f->year,
                                                enk_report_unit_label(c, c->cu)));
        size_t header = summary_facts(c, ws) + 1;
        summary_header(c, ws, header);
        bool headline = enk_report_any_headline(c);
        size_t row = summary_table(c, ws, header + 1, headline);
        row = summary_sentences(c, ws, row + 1, headline);
        enk_report_put_str(c, ws, row++, 0, enk_report_word(c, W_LEGEND_CHANGE), c->fmt.small);
        enk_report_put_str(c, ws, row++, 0, enk_report_word(c, W_LEGEND_TREND), c->fmt.small);
        enk_report_put_str(c, ws, row++, 0,
                           enk_report_word_d(c, buf, sizeof buf, W_LEGEND_SUPP, f->min_n),
                           c->fmt.small);
        enk_report_put_str(
            c, ws, row++, 0,
            enk_report_word_d(c, buf, sizeof buf, W_LEGEND_LOWP, ENK_STATS_LOW_PRECISION_N),
            c->fmt.small);
        enk_report_put_str(c, ws, row++, 0, enk_report_word(c, W_LEGEND_NOT_ASKED), c->fmt.small);
        bool beside = beside_total(c);
        if (beside)
                enk_report_put_str(c, ws, row++, 0, enk_report_word(c, W_LEGEND_REST),
                                   c->fmt.small);

        const struct {
                size_t first, last;
                double width;
        } widths[] = {
            {S_LABEL, S_LABEL, SUM_LABEL_W},
            {S_SHARE, S_SHARE, 11},
            {S_LOW, S_HIGH, 8},
            {S_N, S_N, 6},
            {S_TOTAL, S_TOTAL, 11},
            {S_TOTAL_MARK, S_TOTAL_MARK, 8},
            {S_PREV, S_PREV, 11},
            /* "(procentenheter)" whole on one line of the heading */
            {S_CHANGE, S_CHANGE, 17},
            {S_CHANGE_MARK, S_CHANGE_MARK, 3},
            {S_TREND, S_TREND, 17},
            {S_TREND_MARK, S_TREND_MARK, 3},
            {S_NOTE, S_NOTE, 14},
        };
        for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
                enk_report_col_width(c, ws, widths[i].first, widths[i].last, widths[i].width, NULL);
        if (!beside) { /* no total to stand beside: the two columns take no room */
                lxw_row_col_options hidden = {.hidden = 1};
                enk_report_note_err(
                    c, worksheet_set_column_opt(ws, S_TOTAL, S_TOTAL_MARK, 11, NULL, &hidden));
        }
        worksheet_freeze_panes(ws, (lxw_row_t) (header + 1), 0);
        enk_report_note_err(c, worksheet_print_area(ws, 0, 0, (lxw_row_t) row, S_NOTE));
        worksheet_activate(ws);
}
