/* analysis/report_method.c - sheet 6 of the report: how every figure is computed, and its source.
 *
 * The method in words (the thresholds filled in from the figures and from
 * analysis/stats.h), then the facts a reader needs to reproduce the report:
 * the software version, the survey, the questionnaire's hash, the threshold,
 * the years, the number of units and the creation time.
 */
#include "analysis/report_internal.h"
#include "analysis/stats.h"

#define M_TEXT_W 100

void enk_report_sheet_method(enk_report_ctx *c)
{
        const enk_figures *f = c->f;
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_METHOD);
        if (!ws)
                return;
        char buf[1200];
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);
        enk_report_put_title(c, ws, enk_report_word(c, W_M_TITLE), NULL);
        static const enum enk_report_word topics[][2] = {
            {W_M_SHARE_H, W_M_SHARE}, {W_M_CI_H, W_M_CI},       {W_M_CHANGE_H, W_M_CHANGE},
            {W_M_HOLM_H, W_M_HOLM},   {W_M_TREND_H, W_M_TREND}, {W_M_INDEX_H, W_M_INDEX},
            {W_M_AREA_H, W_M_AREA},   {W_M_TOTAL_H, W_M_TOTAL}, {W_M_REST_H, W_M_REST},
            {W_M_SUPP_H, W_M_SUPP},   {W_M_LOWP_H, W_M_LOWP},   {W_M_TEXT_H, W_M_TEXT},
            {W_M_SIGNS_H, W_M_SIGNS}, {W_M_WORDS_H, W_M_WORDS},
        };
        size_t row = 2;
        for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++, row++) {
                enk_report_put_str(c, ws, row, 0, enk_report_word(c, topics[i][0]),
                                   c->fmt.bold_wrap);
                const char *text = enk_report_word(c, topics[i][1]);
                if (topics[i][1] == W_M_SUPP)
                        text = enk_report_word_dd(c, buf, sizeof buf, W_M_SUPP, f->min_n,
                                                  ENK_STATS_LOW_PRECISION_N);
                else if (topics[i][1] == W_M_LOWP)
                        text = enk_report_word_d(c, buf, sizeof buf, W_M_LOWP,
                                                 ENK_STATS_LOW_PRECISION_N);
                enk_report_put_str(c, ws, row, 1, text, c->fmt.wrap);
                enk_report_fit_row(c, ws, row, enk_report_text_lines(text, M_TEXT_W));
        }
        row++;
        enk_report_put_str(c, ws, row++, 0, enk_report_word(c, W_M_FACTS), c->fmt.subtitle);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_M_VERSION), c->fmt.label);
        enk_report_put_str(c, ws, row++, 1, enk_report_fmt(buf, sizeof buf, "enkat %s", c->version),
                           NULL);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_M_SURVEY), c->fmt.label);
        enk_report_put_str(c, ws, row++, 1, f->survey ? f->survey : c->q->survey, NULL);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_M_HASH), c->fmt.label);
        enk_report_put_str(c, ws, row++, 1, f->edition_hash ? f->edition_hash : "", c->fmt.hash);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_M_MIN_N), c->fmt.label);
        enk_report_put_num(c, ws, row++, 1, f->min_n, c->fmt.year);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_M_YEARS), c->fmt.label);
        buf[0] = '\0';
        if (f->nyears)
                enk_report_fmt(buf, sizeof buf, "%d–%d", f->years[0], f->years[f->nyears - 1]);
        enk_report_put_str(c, ws, row++, 1, buf, NULL);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_M_UNITS), c->fmt.label);
        enk_report_put_num(c, ws, row++, 1, (double) f->nunits, c->fmt.year);
        enk_report_put_str(c, ws, row, 0, enk_report_word(c, W_M_CREATED), c->fmt.label);
        /* Excel's serial date: days since 1899-12-30, UTC as written; not
         * rounded to a statistic's 10 digits, which would leave 0.86 s and
         * show a time on the minute as the minute before. */
        enk_report_note_err(c, worksheet_write_number(ws, (lxw_row_t) row++, 1,
                                                      (double) c->created / 86400.0 + 25569.0,
                                                      c->fmt.date));
        enk_report_col_width(c, ws, 0, 0, 34, NULL);
        enk_report_col_width(c, ws, 1, 1, M_TEXT_W, NULL);
}
