/* survey/keysheet.h - the keying workbook: paper answers typed in by hand.
 *
 * A municipality without a scanner keys its returned paper forms into a
 * workbook that `enkat import` reads back (survey/xlsxin.h). The workbook
 * (`enkat form --format xlsx`) has three sheets:
 *   Instruktioner  how to key, and every column with its question's number,
 *                  text and allowed answers (code = label);
 *   Svar           the sheet to fill: a header row of column names (frozen,
 *                  with the first column, `löpnummer`), then one row per
 *                  form; each column checks what is typed: a drop-down of
 *                  the answer's codes and labels (scale, single choice,
 *                  yes/no), 1 or 0 for each option of a multiple-choice
 *                  question (one column each, `ID_VALUE`), a whole number
 *                  within the question's range; free text as written;
 *   Listor         (hidden) the drop-downs' lists.
 * The column names are the questions' ids (one per grid item), the names
 * the CSV reader matches (survey/csvin.h), so the workbook needs no mapping.
 */
#ifndef ENK_KEYSHEET_H
#define ENK_KEYSHEET_H

#include "survey/diag.h"
#include "survey/questionnaire.h"

/* Rows of the answer sheet whose cells are checked (after the header). */
#define ENK_KEYSHEET_ROWS 5000

/* Writes the keying workbook of q in its language lang (an index into
 * q->languages; the workbook's own words in Swedish or English by
 * enk_lang_of) to path, whole or not at all (survey/outfile.h, never over
 * keep, which may be NULL). Returns ENK_OK, ENK_ERR_IO with a diagnostic
 * naming path, or ENK_ERR_NOMEM. */
enk_status enk_keysheet_write(const enk_questionnaire *q, int lang, const char *path,
                              const char *keep, enk_diags *diags);

#endif
