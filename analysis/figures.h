/* analysis/figures.h - the table of computed figures behind `enkat stats` and the report.
 *
 * enk_figures_compute() streams every response of the store once, tallies per
 * unit x year x question the counts every figure needs (memory bounded by the
 * number of cells, never by the number of responses), and fills one row per
 * unit x year x question (and per unit x year x area) with the figures of
 * statistics.md, computed by analysis/stats. The report and `enkat stats` only
 * read this table; neither touches the store or the statistics themselves.
 *
 * Ownership: an enk_figures owns every row, string and array reachable from
 * it; everything handed out is borrowed and valid until enk_figures_free().
 * Undefined numbers (a share of nothing, a change with no earlier year) are NaN.
 */
#ifndef ENK_FIGURES_H
#define ENK_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "survey/diag.h"
#include "survey/lang.h"
#include "survey/questionnaire.h"

struct enk_store;

/* The name used for the weighted total of all units. */
#define ENK_ALL_UNITS "*"

/* One unit x year: the wave's size. */
typedef struct enk_wave_info {
        const char *unit;
        int year;
        int edition; /* the edition (year) of the questionnaire used */
        int64_t responses;
        int64_t sent;         /* questionnaires sent out; -1 when unknown */
        double response_rate; /* responses / sent, NaN when sent unknown */
} enk_wave_info;

typedef enum enk_change {
        ENK_CHANGE_NONE = 0,  /* no significant change (or none computable) */
        ENK_CHANGE_UP = 1,    /* significantly higher than last year */
        ENK_CHANGE_DOWN = -1, /* significantly lower than last year */
} enk_change;

/* One row: a unit (or ENK_ALL_UNITS) x year x question (or area). */
typedef struct enk_figure {
        const char *unit;
        int year;
        const char *question; /* current question id, or the area id when is_area */
        bool is_area;
        int question_index; /* index into the latest edition's questions, or area index */

        /* counts (figure 1 and 2) */
        int64_t n;           /* answered on the scale: not NA, not missing */
        int64_t positive;    /* answered with a positive point */
        int64_t na;          /* "vet ej / ej aktuellt" */
        int64_t missing;     /* asked but not answered (skipped by show-if excluded) */
        const int64_t *dist; /* counts per scale point, in the scale's order */
        size_t ndist;

        /* share positive with its 95 % interval (figure 3) */
        double share, ci_low, ci_high;
        bool exact_ci; /* Clopper-Pearson instead of Wilson */

        /* mean, sd and index 0-100 with its interval (figure 4) */
        double mean, sd, index, index_low, index_high;

        /* change since the previous year in the store (figure 5, 9, 10) */
        int prev_year; /* 0 when there is none */
        double prev_share, diff, diff_low, diff_high;
        double diff_p;     /* raw p-value */
        double diff_p_adj; /* Holm-adjusted over the questions (or the areas) of this
                              unit x year */
        bool fisher;       /* p from Fisher's exact test */
        enk_change change; /* follows the adjusted p-value */
        double cohen_h;

        /* trend over the shown years up to this one (figure 6); hidden years
         * are left out, so the slope reveals nothing of them */
        int first_year;
        double trend_slope_pp;   /* percentage points per year */
        double trend_p;          /* Cochran-Armitage */
        enk_change trend_change; /* a significant trend (p below ENK_STATS_ALPHA), up or down */

        /* beside the weighted total of every unit in the store (statistics.md section 7): a
         * unit's row, when the total is shown and other units answered that
         * year; NaN (vs_rest none) otherwise, and on the total's own rows */
        double total_share;         /* the total's share positive (ENK_ALL_UNITS) */
        double rest_diff;           /* this unit's share less the other units' together */
        double rest_low, rest_high; /* its 95 % interval */
        double rest_p;              /* raw p of the test against the other units */
        double rest_p_adj;          /* Holm-adjusted over the questions (or the areas)
                                       of this unit x year */
        enk_change vs_rest;         /* significantly above (UP) or below (DOWN) the
                                       other units, following rest_p_adj */

        /* protection and precision (docs/statistics.md, section 11): a hidden
         * row keeps n, na and missing only; its other numbers are NaN, positive
         * is 0 and dist is NULL, so that no reader of the table can show them */
        bool suppressed;    /* primary, area or secondary suppression: show ".." */
        bool prev_hidden;   /* the previous year's row is hidden: no change, ".." */
        bool dist_hidden;   /* the distribution must not be shown: dist is NULL */
        bool counts_hidden; /* even n, na and missing are hidden (0 here, ".." shown):
                               a follow-up whose show_if reads a hidden question,
                               since its n + na + missing counts that question's
                               answers */
        bool low_precision; /* fewer than 20 answers */
        bool scale_changed; /* the scale differs from an earlier edition: years not compared */
} enk_figure;

typedef struct enk_figures_options {
        int year;         /* the report year; 0 = the latest in the store */
        const char *unit; /* one unit; NULL = every unit (and the total). Suppression
                             is still decided over every unit in the store, so
                             that the one-unit table hides what the all-units
                             table hides. */
        bool all_units;   /* every unit side by side, plus the weighted total */
        int min_n;        /* suppression threshold, default 5, never below 3 */
} enk_figures_options;

typedef struct enk_figures {
        const enk_questionnaire *questionnaire; /* the latest edition in the store */
        const char *survey;
        int year; /* the report year */
        int min_n;
        const enk_wave_info *waves; /* every unit x year in scope, by unit then year */
        size_t nwaves;
        const enk_figure *rows; /* by unit (total last), then year, then question order,
                                   areas after questions */
        size_t nrows;
        const char *const *units; /* unit names in scope, sorted; the total is not listed */
        size_t nunits;
        const int *years; /* every year in the store for the scope, ascending */
        size_t nyears;
        const char *edition_hash;                 /* SHA-256 of the latest edition's YAML */
        const enk_questionnaire *const *editions; /* every edition in scope, by year;
                                                     the last is `questionnaire` */
        size_t neditions;
} enk_figures;

/* ---- the tidy table: one list of columns for every output of the rows ----
 * `enkat stats --format csv|json` and the report's Data sheet write the
 * rows through this table, so they have the same columns in the same order
 * and show the same cells empty. */
typedef enum enk_column_type {
        ENK_COL_TEXT,  /* text: unit, question, change ("up", "down") */
        ENK_COL_INT,   /* a count or a year */
        ENK_COL_SHARE, /* a share or difference, 0-1 */
        ENK_COL_NUM,   /* another number (digits says how many decimals to show) */
        ENK_COL_P,     /* a p-value */
        ENK_COL_BOOL,
} enk_column_type;

typedef struct enk_column {
        const char *name;      /* the header: stable, for programs */
        enk_lang_pair heading; /* a short name for people: the Data sheet's header */
        enk_lang_pair label;   /* what it is, for people, in Swedish and English */
        enk_column_type type;
        int digits; /* ENK_COL_NUM: decimals shown */
} enk_column;

#define ENK_FIGURES_NCOLUMNS 31
extern const enk_column enk_figures_columns[ENK_FIGURES_NCOLUMNS];

/* One cell of the tidy table. */
typedef struct enk_cell {
        const char *text; /* ENK_COL_TEXT; NULL when empty */
        double num;       /* ENK_COL_INT, SHARE, NUM, P; NaN when empty */
        int flag;         /* ENK_COL_BOOL: 1, 0, or -1 when empty */
} enk_cell;

/* The value of column col of row r. A hidden row (r->suppressed) has only
 * its names, n, na, missing and flags; a verdict is empty when no test was
 * made. An area's positive is empty: its n counts respondents, while its
 * share is pooled over its questions' answers (positive answers / answers),
 * so a count of positive answers would exceed n. */
void enk_figures_cell(const enk_figure *r, size_t col, enk_cell *out);

/* Computes the figures for opts from store. On success stores a new table in
 * *out (enk_figures_free). On failure (empty store, unknown unit or year, a
 * store error) returns non-zero with a message in diags and leaves *out. */
enk_status enk_figures_compute(struct enk_store *store, const enk_figures_options *opts,
                               enk_figures **out, enk_diags *diags);

/* Frees f and everything it owns. NULL is a no-op. */
void enk_figures_free(enk_figures *f);

/* The row for unit x year x question (or area), or NULL. */
const enk_figure *enk_figures_find(const enk_figures *f, const char *unit, int year,
                                   const char *question, bool is_area);

/* The table as `enkat stats` writes it (analysis/figures_write.c). */
typedef enum { ENK_FIGURES_CSV, ENK_FIGURES_JSON } enk_figures_format;

/* The significant digits of every number written (CSV, JSON, and the
 * report's cells, analysis/report.c): ENK_FIGURES_DIGITS, spelt as the
 * format ENK_FIGURES_NUMBER (strfromd takes no '*'). */
#define ENK_FIGURES_DIGITS 10
#define ENK_FIGURES_NUMBER "%.10g"

/* Writes v as snprintf(buf, 32, ENK_FIGURES_NUMBER, v) does with glibc
 * ("%.10g", exactly rounded), byte for byte, and returns its length; buf
 * has room for 32 bytes. Fast for the magnitudes statistics have (1e-13 to
 * 1e32): the ten digits as a whole number, the remainder of its rounding
 * computed exactly (fma), snprintf itself when that remainder is within
 * 1e-6 of one half (the rounding may go either way), for the rest and for
 * NaN and infinities. tests/unit/test_figures.c compares it with snprintf
 * on millions of values. */
size_t enk_figures_number(char *buf, double v);

/* The double nearest to v's ENK_FIGURES_NUMBER text (what strtod reads back
 * from enk_figures_number), by the same proven digits, so that the report's
 * cells hold the CSV's numbers; not finite, zero and whole numbers of up to
 * nine digits as they are. */
double enk_figures_round(double v);

/* Writes f to o: CSV (a header row of the column codes, then one line a
 * row) or JSON (an array of objects keyed by the codes), every row through
 * the column list above, numbers as "%.10g" (enk_figures_number) and empty cells empty (CSV) or
 * null (JSON); only_year: the rows of f->year alone. ENK_ERR_NOMEM, or
 * ENK_ERR_IO when o has an error; ENK_OK otherwise. */
enk_status enk_figures_write(FILE *o, const enk_figures *f, enk_figures_format fmt, bool only_year);

#endif
