/* survey/export.h - the tidy response data for analysts: CSV, SPSS .sav, Stata .dta.
 *
 * One row per response, columns unit, year, edition (the year of the
 * response's edition), source, date, respondent, then one column per question
 * of the latest edition among the exported responses (grid items flattened);
 * an earlier edition's answers go under their current id (the `was` links of
 * survey/questionnaire.h). Values are codes: a scale point's value, the scale's
 * not-applicable code for ENK_NA, an option's value, 1/0 for yes/no, the number;
 * a multiple-choice question becomes one 0/1 column per option, ID_VALUE. No
 * answer is an empty field (CSV) or system-missing (.sav, .dta). Free text is
 * exported in CSV only. docs/csv.md (Export) is the user's version.
 *
 * .sav and .dta carry the question texts (default language) as variable
 * labels and the point, option and yes/no labels as value labels; the
 * not-applicable code is a labelled value, and in .sav also a user-missing
 * value. This is the only module that uses ReadStat.
 *
 * The file is written to a temporary file beside path and renamed over path
 * on success, so a failed export leaves no partial file.
 */
#ifndef ENK_EXPORT_H
#define ENK_EXPORT_H

#include "survey/diag.h"
#include "survey/store.h"

typedef enum enk_export_format {
        ENK_EXPORT_CSV,   /* UTF-8, ',', LF */
        ENK_EXPORT_EXCEL, /* UTF-8 with BOM, ';', CRLF: Swedish Excel */
        ENK_EXPORT_SAV,   /* SPSS */
        ENK_EXPORT_DTA,   /* Stata 14+ (format 118, UTF-8) */
} enk_export_format;

typedef struct enk_export_options {
        const char *unit; /* NULL: every unit */
        int year;         /* 0: every year */
        enk_export_format format;
} enk_export_options;

/* Exports the responses the options select from store to path. Fails with
 * ENK_ERR_NOTFOUND (unknown unit, no responses selected), ENK_ERR_IO (the file
 * cannot be written; nothing is left at path), ENK_ERR_STORE, ENK_ERR_NOMEM,
 * ENK_ERR_USAGE (NULL arguments); each with a diagnostic. On success *rows
 * (may be NULL) is the number of responses written. */
enk_status enk_export_write(enk_store *store, const enk_export_options *o, const char *path,
                            int64_t *rows, enk_diags *diags);

#endif
