/* analysis/report_internal.h - what the files of the report module share; not a public header.
 *
 * The report (analysis/report.h) is one module in several files, one per
 * concern:
 *
 *   report.c               the workbook context: options, the index of the
 *                          figures, cell writers, formats, page setup, and
 *                          writing the file (enk_report_write)
 *   report_words.c         every word the report shows, Swedish and English
 *   report_chart.c         what the charts share: creation, titles, the share
 *                          axis, the scale's colours
 *   report_summary.c       sheet 1, with the headline sentences
 *   report_trends.c        sheet 2
 *   report_distribution.c  sheet 3
 *   report_comparison.c    sheets 4 and 5 (only with several units)
 *   report_questions.c     sheet 6
 *   report_method.c        sheet 7
 *   report_data.c          sheet 8, the tidy table (analysis/figures.h's columns),
 *                          streamed to a temporary file row by row
 *   report_zip.c           the workbook's parts deflated at zlib's fastest
 *                          level (libxlsxwriter has no option for it)
 *
 * A new sheet is one file with one enk_report_sheet_<name>(c), called from
 * write_sheets() in report.c, which adds the sheet in its place before any
 * is written (the function takes it with enk_report_sheet), and its words
 * in report_words.c. The Data sheet is written on a thread of its own
 * while the others are (write_sheets says what keeps that safe).
 *
 * Only these files include this header, and only they use libxlsxwriter. Every
 * writer notes the first libxlsxwriter failure in c->err and carries on
 * (enk_report_note_err), so that the sheet code stays straight-line; the
 * failure becomes one diagnostic at the end.
 */
#ifndef ENK_REPORT_INTERNAL_H
#define ENK_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xlsxwriter.h>

#include "analysis/figures.h"
#include "survey/diag.h"
#include "survey/lang.h"

/* ------------------------------------------------------------------------ */
/* Wording (report_words.c)                                                  */
/* ------------------------------------------------------------------------ */

/* The report's language is an enk_lang (survey/lang.h): it picks a text of the
 * wording table and of enk_column.label (analysis/figures.h). */

/* The keys of the wording table. They keep a short W_ prefix: they are seen
 * only by the report's files, and read as text in the sheet code. */
enum enk_report_word {
        W_SH_SUMMARY,
        W_SH_TRENDS,
        W_SH_DIST,
        W_SH_COMPARE,
        W_SH_QUESTIONS,
        W_SH_METHOD,
        W_SH_DATA,
        W_SUBJECT,
        W_REPORT_SUB,
        W_PAGE_HEADER,
        W_PAGE_FOOTER,
        W_UNIT,
        W_YEAR,
        W_RESPONSES,
        W_SENT,
        W_RATE,
        W_UNKNOWN,
        W_ALL_UNITS,
        W_ITEM,
        W_SHARE_YEAR,
        W_CI_LOW,
        W_CI_HIGH,
        W_N,
        W_PREV_YEAR,
        W_CHANGE,
        W_TREND_SINCE,
        W_TREND,
        W_NOTE,
        W_AREAS,
        W_HEADLINES,
        W_IN_SHORT,
        W_LEGEND_CHANGE,
        W_LEGEND_TREND,
        W_LEGEND_SUPP,
        W_LEGEND_NOT_ASKED,
        W_LEGEND_LOWP,
        W_SCALE_CHANGED,
        W_COMPARED_WITH,
        W_PCT,
        W_PCT_PHRASE,
        W_SENT_AGREE,
        W_SENT_QUESTION,
        W_SENT_STATEMENT,
        W_SENT_PREDICATE,
        W_SENT_UP,
        W_SENT_DOWN,
        W_SENT_SAME,
        W_SENT_UP_IN,
        W_SENT_DOWN_IN,
        W_SENT_SAME_IN,
        W_TRENDS_TITLE,
        W_TRENDS_SUB,
        W_SHARE,
        W_CI,
        W_DIST_TITLE,
        W_DIST_SUB,
        W_CMP_TITLE,
        W_CMP_SUB,
        W_SHARE_SHORT,
        W_Q_TITLE,
        W_COL_ID,
        W_COL_TEXT,
        W_COL_TYPE,
        W_COL_SCALE,
        W_COL_POSITIVE,
        W_COL_AREA,
        W_COL_HEADLINE,
        W_COL_EDITIONS,
        W_COL_WAS,
        W_YES,
        W_NO,
        W_UP,
        W_DOWN,
        W_T_SCALE,
        W_T_SINGLE,
        W_T_MULTIPLE,
        W_T_YESNO,
        W_T_NUMBER,
        W_T_TEXT,
        W_M_TITLE,
        W_M_SHARE_H,
        W_M_SHARE,
        W_M_CI_H,
        W_M_CI,
        W_M_CHANGE_H,
        W_M_CHANGE,
        W_M_HOLM_H,
        W_M_HOLM,
        W_M_TREND_H,
        W_M_TREND,
        W_M_INDEX_H,
        W_M_INDEX,
        W_M_TOTAL_H,
        W_M_TOTAL,
        W_M_SUPP_H,
        W_M_SUPP,
        W_M_LOWP_H,
        W_M_LOWP,
        W_M_TEXT_H,
        W_M_TEXT,
        W_M_SIGNS_H,
        W_M_SIGNS,
        W_M_WORDS_H,
        W_M_WORDS,
        W_M_FACTS,
        W_M_VERSION,
        W_M_SURVEY,
        W_M_HASH,
        W_M_MIN_N,
        W_M_CREATED,
        W_M_YEARS,
        W_M_UNITS,
        W_AREAS_POOLED,
        W_N_QUESTIONS,
        W_ALL_UNITS_YEAR,
        W_HIGHER,
        W_LOWER,
        W_LEGEND_REST,
        W_M_AREA_H,
        W_M_AREA,
        W_M_REST_H,
        W_M_REST,
        W_SH_COMPARE_TABLE,
        W_CMP_CHARTS_SUB,
        W_CMP_TEST_ROW,
        W_CMP_TEST,
        W_CMP_TEST_SIG,
        W_CMP_TEST_NS,
        W_CMP_NO_TEST,
        W_CMP_H_LABEL,
        W_CMP_H_BELOW,
        W_CMP_H_MARK,
        W_CMP_H_ABOVE,
        W_CMP_LOWP_SERIES,
        W_CMP_ORDER_AXIS,
        W_TRENDS_CHOOSE,
        W_TRENDS_CHOSEN,
        W_TRENDS_DATA,
        W_TRENDS_KEY,
        W_COUNT
};

/* Whether every key has both languages (a forgotten initializer leaves NULL). */
bool enk_report_words_complete(void);

/* ------------------------------------------------------------------------ */
/* The context                                                               */
/* ------------------------------------------------------------------------ */

struct enk_report_unit_ref {
        const char *name;
        size_t index; /* into f->units */
};

enum { ENK_REPORT_MAX_SHEETS = 8 };

typedef struct enk_report_ctx {
        const enk_figures *f;
        const enk_questionnaire *q;
        enk_lang lang;
        int qlang; /* index into q->languages */
        const char *path;
        enk_diags *diags;
        lxw_workbook *wb;
        lxw_error err;    /* the first libxlsxwriter failure */
        char *stream_buf; /* the streamed sheet file's buffer (add_streamed_sheet) */
        /* the sheets, added before any is written (write_sheets) */
        struct enk_report_sheet_ref {
                enum enk_report_word name;
                lxw_worksheet *ws;
        } sheets[ENK_REPORT_MAX_SHEETS];
        size_t nsheets;
        const char *version;
        long long created;
        /* the questionnaire's title with the report year (enk_title_with_year):
         * the workbook's title, every page header, the summary's heading */
        char title[ENK_TITLE_YEAR_CAP];

        /* the index: grid[(unit * nyears + year) * nitems + item] */
        size_t nitems; /* q->nareas + q->nquestions */
        size_t nunits; /* f->nunits + 1: the total is the last */
        const enk_figure **grid;
        struct enk_report_unit_ref *unit_order; /* f->units sorted by name, for bsearch */

        /* the unit the summary, trend and distribution sheets show */
        size_t cu;
        int yi;      /* index of f->year in f->years, -1 when absent */
        int prev_yi; /* the year before it in the store, -1 when none */

        struct {
                lxw_format *title, *subtitle, *header, *header_left, *section, *label, *wrap,
                    *bold_wrap, *pct, *pct_bold, *pp, *dec1, *dec3, *integer, *year, *dots, *mark,
                    *note, *small, *good, *bad, *date, *hash, *fact_label, *fact_int, *fact_pct,
                    *fact_text, *total_pct, *total_int, *data_head, *data_head_left, *pct_lowp,
                    *p_value, *p_sig, *header_small, *chooser, *gap, *flag;
        } fmt;
} enk_report_ctx;

/* The word k in the report's language. */
const char *enk_report_word(const enk_report_ctx *c, enum enk_report_word k);

/* The word k, a printf format, filled in buf (cap bytes) with the given
 * arguments (d: an int, s: a string); returns buf. The compiler cannot check a
 * format picked at run time, so each wrapper fixes the argument types. */
const char *enk_report_word_d(const enk_report_ctx *c, char *buf, size_t cap,
                              enum enk_report_word k, int d);
const char *enk_report_word_dd(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, int d1, int d2);
const char *enk_report_word_s(const enk_report_ctx *c, char *buf, size_t cap,
                              enum enk_report_word k, const char *s);
const char *enk_report_word_ds(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, int d, const char *s);
const char *enk_report_word_sd(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, const char *s, int d);
const char *enk_report_word_ss(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, const char *a, const char *b);

/* The number format of a percentage: "0 %" in Swedish, "0%" in English. */
const char *enk_report_pct_format(const enk_report_ctx *c);

/* The questionnaire's text in the report language, falling back to its
 * default language; never NULL. */
const char *enk_report_text(const enk_report_ctx *c, const enk_text *t);

/* A formatted string in a buffer the caller owns; returns buf. */
const char *enk_report_fmt(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------------ */
/* Cells, rows and columns (report.c)                                        */
/* ------------------------------------------------------------------------ */

/* Keeps e when it is the first failure. */
void enk_report_note_err(enk_report_ctx *c, lxw_error e);

/* Cell writers: an empty or NULL text, or a number that is not finite, gives
 * a blank cell when fmt is given and nothing otherwise. Numbers are written
 * rounded to the CSV's digits (enk_figures_round, analysis/figures.h). */
void enk_report_put_str(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col, const char *s,
                        lxw_format *fmt);
void enk_report_put_num(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col, double v,
                        lxw_format *fmt);
/* Whether row f counts nobody that year (NULL too): the question was not
 * asked, shown "." rather than the ".." of a hidden figure. */
bool enk_report_not_asked(const enk_figure *f);
/* "." when f was not asked (enk_report_not_asked), else ".." (hidden), in
 * the dots format: SCB's table symbols. */
void enk_report_put_unshown(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col,
                            const enk_figure *f);
void enk_report_put_bool(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col, bool v);
void enk_report_put_n(enk_report_ctx *c, lxw_worksheet *ws, size_t r, size_t col,
                      const enk_figure *f, lxw_format *fmt, lxw_format *dots);
void enk_report_col_width(enk_report_ctx *c, lxw_worksheet *ws, size_t first, size_t last,
                          double width, lxw_format *fmt);
void enk_report_row_height(enk_report_ctx *c, lxw_worksheet *ws, size_t r, double height);

/* The lines a wrapped text takes in a column width characters wide. */
unsigned enk_report_text_lines(const char *s, double width);
/* Makes row tall enough for the given number of lines (15 points each). */
void enk_report_fit_row(enk_report_ctx *c, lxw_worksheet *ws, size_t row, unsigned lines);

/* ------------------------------------------------------------------------ */
/* The index (report.c)                                                      */
/* ------------------------------------------------------------------------ */

/* Items are the latest edition's areas (0 .. nareas-1), then its questions. */

/* The row of unit x year index yi x item, or NULL (also for yi < 0). */
const enk_figure *enk_report_cell(const enk_report_ctx *c, size_t unit, int yi, size_t item);
/* The index of year in f->years, or -1. */
int enk_report_year_index(const enk_report_ctx *c, int year);
bool enk_report_item_is_area(const enk_report_ctx *c, size_t item);
/* The question of item, NULL for an area. */
const enk_question *enk_report_item_question(const enk_report_ctx *c, size_t item);
/* The area's label or the question's text. */
const char *enk_report_item_label(const enk_report_ctx *c, size_t item);
/* Whether the unit has any row for item in any year. */
bool enk_report_item_has_data(const enk_report_ctx *c, size_t unit, size_t item);
/* Whether item stands on the summary (and gets a chart): every area, and the
 * headline questions, or every scale question when none is marked headline.
 * An area of one scale question stands only when that question does not: it
 * has the question's numbers, which are shown once. */
bool enk_report_item_on_summary(const enk_report_ctx *c, size_t item, bool any_headline);
/* Whether any question is marked headline. */
bool enk_report_any_headline(const enk_report_ctx *c);
/* The unit's name, or the weighted total's label for the last unit. */
const char *enk_report_unit_label(const enk_report_ctx *c, size_t unit);
/* The wave of unit x year; for the total without its own wave, the sum over
 * the units (sent is unknown when any unit's is; responses -1 when none). */
enk_wave_info enk_report_wave_of(const enk_report_ctx *c, size_t unit, int year);

/* ------------------------------------------------------------------------ */
/* Sheets and page setup (report.c)                                          */
/* ------------------------------------------------------------------------ */

#define ENK_REPORT_BLUE      0x1F4E79
#define ENK_REPORT_HEADER    0xDDEBF7
#define ENK_REPORT_SECTION   0xF2F2F2
#define ENK_REPORT_GREY      0x7F7F7F
#define ENK_REPORT_RULE      0xA6A6A6
#define ENK_REPORT_GOOD_FG   0x006100
#define ENK_REPORT_GOOD_BG   0xC6EFCE
#define ENK_REPORT_BAD_FG    0x9C0006
#define ENK_REPORT_BAD_BG    0xFFC7CE
#define ENK_REPORT_DATA_HEAD 0x4F81BD /* accent 1 of the workbook theme */

/* How a sheet is printed: on one page (the summary), one page wide (most),
 * or at full size over as many pages as it takes (a wide comparison). */
enum enk_report_fit { ENK_REPORT_FIT_PAGE, ENK_REPORT_FIT_WIDTH, ENK_REPORT_FIT_NONE };

/* The sheet named by the word `name` in the report's language, added with
 * the others, in their order, before any is written (write_sheets in
 * report.c); NULL (and the error noted) when libxlsxwriter could not add it.
 * The Data sheet is streamed to a temporary file as it is written
 * (libxlsxwriter's constant_memory mode), so that its cells take no memory:
 * its cells must be written row by row, top to bottom (a row is flushed when
 * a later one is started; a write to an earlier row, a comment, a merge or a
 * row height included, fails and is noted); charts cannot cache its values,
 * and Excel tables cannot be put on it. */
lxw_worksheet *enk_report_sheet(enk_report_ctx *c, enum enk_report_word name);
/* A4 landscape, the title with the report year in the page header, page numbers. */
void enk_report_page_setup(enk_report_ctx *c, lxw_worksheet *ws, enum enk_report_fit fit);
/* The title in A1 and, when sub is not NULL, the subtitle in A2. */
void enk_report_put_title(enk_report_ctx *c, lxw_worksheet *ws, const char *title, const char *sub);

/* ------------------------------------------------------------------------ */
/* Charts (report_chart.c)                                                   */
/* ------------------------------------------------------------------------ */

#define ENK_REPORT_CHART_W 480 /* a chart's size in pixels at scale 1 */
#define ENK_REPORT_CHART_H 288

/* A new chart of the type, or NULL (and the error noted). */
lxw_chart *enk_report_new_chart(enk_report_ctx *c, uint8_t type);
/* s as a chart text: one starting with '=' would be taken as a reference. */
const char *enk_report_chart_text(char *buf, size_t cap, const char *s);
/* The title in bold 10 point, and the value axis of a share: 0 to 100 % in
 * steps of 20, light grid lines, 8 point numbers on both axes. */
void enk_report_chart_share_style(enk_report_ctx *c, lxw_chart *ch, const char *title);
/* The colour of point i of n on a scale: red through yellow to green. */
lxw_color_t enk_report_diverging(size_t i, size_t n);

/* ------------------------------------------------------------------------ */
/* The sheets, in their order in the workbook                                */
/* ------------------------------------------------------------------------ */

void enk_report_sheet_summary(enk_report_ctx *c);
void enk_report_sheet_trends(enk_report_ctx *c);
void enk_report_sheet_distribution(enk_report_ctx *c);
void enk_report_sheet_comparison(enk_report_ctx *c);
void enk_report_sheet_questions(enk_report_ctx *c);
void enk_report_sheet_method(enk_report_ctx *c);
void enk_report_sheet_data(enk_report_ctx *c);

/* While on (on the calling thread), the parts of the workbook being closed
 * are deflated at zlib's fastest level (report_zip.c says how and why). */
void enk_report_zip_fast(bool on);

#endif
