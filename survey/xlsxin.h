/* survey/xlsxin.h - a workbook (.xlsx) of responses read as the CSV reader reads a file.
 *
 * A municipality without a scanner keys its paper forms into the keying
 * workbook (`enkat form --format xlsx`, survey/keysheet.h) or any workbook of
 * one row per respondent. This module unzips the workbook (libzip), parses
 * its XML (expat) and hands the rows of its first data sheet to the CSV
 * reader (enk_csvin_read_records, survey/csvin.h): the header, the cells and
 * the rows obey the same rules, and the messages name the same row and
 * column (`FILE:ROW:COLUMN`, ROW the sheet's row number, COLUMN 1 for A).
 *
 * The first data sheet is the first worksheet in the workbook's order that is
 * not the keying workbook's instructions (named ENK_XLSXIN_NOTES_SV or
 * ENK_XLSXIN_NOTES_EN). Cells are read as the text they show: shared and
 * inline strings, numbers as written (`3`), booleans as 1 or 0, formulas by
 * their cached value; a date is its serial number. Empty rows are skipped,
 * like blank lines of a CSV file. The workbook must be a file that can be
 * opened (not a pipe): a zip is read from its end. A file that is not a
 * workbook, or whose XML is broken, is ENK_ERR_SYNTAX with a diagnostic
 * `FILE: error: ...` (the part and its line for broken XML).
 */
#ifndef ENK_XLSXIN_H
#define ENK_XLSXIN_H

#include "survey/csvin.h"
#include "survey/diag.h"

/* The names of the keying workbook's instructions sheet, which is not data. */
#define ENK_XLSXIN_NOTES_SV "Instruktioner"
#define ENK_XLSXIN_NOTES_EN "Instructions"

/* Reads the workbook at path with r, naming it name in messages (NULL: path).
 * Returns as enk_csvin_read_file (survey/csvin.h). */
enk_status enk_xlsxin_read(enk_csvin *r, const char *path, const char *name, enk_diags *diags);

/* As enk_xlsxin_read, from len bytes at buf (the fuzz target's way in). */
enk_status enk_xlsxin_read_buf(enk_csvin *r, const void *buf, size_t len, const char *name,
                               enk_diags *diags);

/* Whether path names a workbook by its ending (.xlsx, any case). */
bool enk_xlsxin_is_workbook(const char *path);

#endif
