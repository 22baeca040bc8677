/* analysis/report.h - the yearly report workbook (.xlsx) written from the figures table.
 *
 * enk_report_write() turns an enk_figures table (analysis/figures.h) and the
 * questionnaire it points to into one Excel workbook, in Swedish by default or
 * in English. It computes no statistics of a unit: every number comes from
 * the table, every label from the questionnaire or from the report's own
 * wording table (report_words.c); the one test it runs itself is the test
 * between the units of the comparison sheet, which belongs to no unit's row
 * (analysis/stats: enk_stats_prop_test over the table's counts of the units
 * shown, Holm over the questions). The sheets, in order:
 *
 *   Sammanfattning / Summary     the report year at a glance for one unit: n,
 *                                response rate, and per area and headline
 *                                question the share positive, its interval,
 *                                last year's share, the change (marked when
 *                                significant), the trend, a plain sentence
 *   Trender / Trends             every year's share with its interval, and a
 *                                line chart per area and headline question;
 *                                in the all-units report a drop-down cell
 *                                chooses a unit drawn beside the total
 *   Fördelning / Distribution    per scale question the answers over the
 *                                scale's points, this year and last, as 100 %
 *                                stacked bars
 *   Jämförelse / Comparison      only when the table holds several units: per
 *                                headline question a page with the test
 *                                between the units, a chart of every unit's
 *                                interval sorted by share, and the units
 *                                sorted with interval, change, n and marks
 *   Jämförelsetabell /           the units side by side and the weighted
 *   Comparison table             total, share | n for every area and question
 *
 * Charts have their question as title and are never cut by a printed page
 * (page breaks between them); numbers are top-aligned with their text.
 *   Frågor / Questions           every question, its scale, area and editions
 *   Metod / Method               how every figure is computed, the software
 *                                version, the questionnaire's hash, min_n
 *   Data                         the tidy table behind it all (every row of
 *                                the figures table), a filter on every heading
 *
 * Suppressed cells show Kolada's mark ".." and never a number; results from
 * fewer than 20 answers carry a low-precision note. The same figures and
 * options give a byte-identical file (the creation time is an option).
 *
 * libxlsxwriter is used by this module only. It may itself print a warning to
 * stderr on an internal failure; every failure also ends up in diags.
 */
#ifndef ENK_REPORT_H
#define ENK_REPORT_H

#include "analysis/figures.h"
#include "survey/diag.h"

typedef struct enk_report_options {
        const char *lang;    /* "sv" (also when NULL) or "en" */
        long long created;   /* document creation time, Unix seconds; 0 = now.
                                Pin it to get byte-identical workbooks */
        const char *version; /* software version named on the method sheet;
                                NULL = this build's version */
        const char *unit;    /* the unit the summary, trend and distribution
                                sheets (and their charts) show: a name in
                                f->units or ENK_ALL_UNITS. NULL = the only unit
                                when there is one, else the weighted total */
        const char *keep;    /* a file never to replace (the store the figures
                                come from), or NULL; see survey/outfile.h */
} enk_report_options;

/* Writes the report workbook for f to path (as survey/outfile.h says). opts may
 * be NULL (all defaults). The workbook is written to a temporary file in the
 * same directory and renamed over path only when complete, so path never holds
 * a partial workbook; on failure the temporary file is removed.
 *
 * Returns ENK_OK, or: ENK_ERR_USAGE (NULL f or path, an unknown language, a
 * table without a questionnaire), ENK_ERR_NOTFOUND (opts->unit not in f),
 * ENK_ERR_IO (the directory is not writable, the disk is full),
 * ENK_ERR_DATA (a text too long for an Excel cell, 32,767 characters),
 * ENK_ERR_NOMEM. Each failure appends one error to diags (which may be NULL)
 * whose file is path. f is only read. */
enk_status enk_report_write(const enk_figures *f, const enk_report_options *opts, const char *path,
                            enk_diags *diags);

#endif
