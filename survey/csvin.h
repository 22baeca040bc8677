/* survey/csvin.h - reading response files (CSV) against a questionnaire.
 *
 * A reader streams a CSV file of responses, one row per respondent, and hands
 * every valid row to a callback as answer values indexed like q->questions
 * (survey/questionnaire.h). The file is decoded by survey/csv.h, which reads
 * the files Swedish offices really produce: separator ';', ',' or tab (or
 * Excel's `sep=;` line), UTF-8 with or without a byte-order mark,
 * Windows-1252, UTF-16 with a byte-order mark, any line ends, quoted fields
 * by RFC 4180 (see there for the rules and the limits). A byte that does not
 * fit the file's encoding (also a UTF-8 character in a Windows-1252 file) is
 * an error at its row and column, in every column.
 *
 * The first row is the header. Each column is matched, case-insensitively and
 * ignoring surrounding blanks, by (first match wins):
 *   1. the explicit mapping (enk_csvin_map, enk_csvin_load_map);
 *   2. a meta column: respondent key (`respondent`, `respondent_key`, `id`,
 *      `löpnummer`), date (`date`, `datum`), unit (`unit`, `enhet`, `kommun`),
 *      year (`year`, `år`);
 *   3. a question or grid item id (`stod_nojd`);
 *   4. a question's text in any language of the questionnaire (blanks inside
 *      collapsed to one space);
 *   5. one option of a multiple-choice question: `ID_VALUE` (`utbildningar_1`)
 *      or `ID: LABEL` / `TEXT: LABEL` (`utbildningar: Ett hem att växa i`);
 *      such a column holds 1/0 (also x, ja/nej, yes/no, true/false, or the
 *      option's label) and together the option columns make the answer; and
 *      a grid item as `GRID TEXT [ITEM TEXT]` (as Google Forms writes grids).
 * A column that matches nothing but is close to a question's id or text (a
 * "did you mean" would name the question: `stod_alvar`) is an error: a
 * misspelled header would otherwise drop the question's answers. The
 * mapping file says what such a column is, or `-` to ignore it. Other
 * columns are reported as warnings and ignored, and their non-empty cells
 * counted (enk_csvin_stats.cells_ignored). The user's version of all this,
 * with every message, is docs/csv.md.
 *
 * Cells: blank is no answer (ENK_MISSING). Scale: a point's code (`4`) or label
 * in any language (`Stämmer ganska bra`), the not-applicable answer by its code
 * (`9`) or label. Single choice: an option's value or label. Yes/no: `1`/`0`,
 * `ja`/`nej`, `yes`/`no`, `j`/`n`, `y`, `true`/`false`, `sant`/`falskt`.
 * Multiple choice in one cell: values or labels separated by '|', ';' or ','
 * (the first of these that occurs in the cell is the separator, so labels may
 * hold the others); nothing chosen is ENK_MISSING. Number: a whole number
 * within the question's range. Free text: any text (blanks around it removed,
 * CRLF inside made LF). Labels compare case-insensitively (ASCII and the
 * Latin-1 letters: Ä ä, Å å, Ö ö, É é ...) after trimming, in Unicode NFC.
 *
 * The explicit mapping file lists `COLUMN HEADER -> TARGET` pairs, where
 * TARGET is a question id, `ID_VALUE` for one option of a multiple-choice
 * question, one of `respondent`, `date`, `unit`, `year`, or `-` to ignore the
 * column silently. It is either a two-column CSV (the same separators and
 * encodings as data files), `COLUMN HEADER;TARGET` per row, whose first row
 * `column;question` (or `kolumn;fråga`) is skipped, so that an office can keep
 * it in Excel beside the data it describes; or, when its name ends in .yaml
 * or .yml, a YAML mapping of `COLUMN HEADER: TARGET` pairs, read by
 * enk_questionnaire_read_pairs() (survey/questionnaire.h, the one libyaml
 * user) and checked here like the CSV rows.
 *
 * Problems go to the caller's enk_diags as `FILE:ROW:COLUMN (QUESTION):
 * MESSAGE`, where ROW is the physical line on which the record starts (the
 * header is normally 1) and COLUMN the 1-based field number; the subject is the
 * question id (or `respondent`, `date`, ... for meta columns), NULL for
 * problems of a whole row or file. Every problem is collected (up to the
 * list's cap); a row with an error is not delivered; a structural error that
 * makes the rest unreadable (unterminated quote, a field over 1 MiB, no
 * question column in the header) stops the read. Row checks are those of
 * enk_response_validate (survey/response.h) plus: values that cannot be read
 * (unknown labels, out-of-range or non-integer numbers, bad dates), rows with
 * another number of fields than the header, duplicate respondent keys, and
 * bytes that are not valid in the file's encoding. Rows whose every field is
 * blank (Excel leaves such rows) are skipped silently and counted.
 *
 * Memory stays bounded whatever the file size: the file is read in chunks
 * (64 KiB), one row at a time; the only thing that grows with the number of
 * rows is the set of respondent keys seen (a hash and a row number: 21 to 43
 * bytes per key, for the duplicate check).
 *
 * Ownership: a reader borrows q, which must outlive it. Everything a row
 * callback receives is borrowed and valid only during that call.
 */
#ifndef ENK_CSVIN_H
#define ENK_CSVIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "survey/csv.h"
#include "survey/diag.h"
#include "survey/questionnaire.h"
#include "survey/response.h"

typedef struct enk_csvin enk_csvin;

/* One valid response, as delivered to the row callback. */
typedef struct enk_csvin_row {
        enk_response response; /* the row's answers, validated: values and
                                * texts (q->nquestions entries each),
                                * respondent key and date (NULL when no column
                                * or blank), source the reader's
                                * (enk_csvin_set_source), origin the file's
                                * name and the row's line and number */
        const char *unit;      /* trimmed; NULL when no column or blank */
        int year;              /* 0 when no column or blank */
} enk_csvin_row;

/* Called once per valid row, in file order. Returning anything but ENK_OK
 * stops the read, which then returns that status (a store that failed). */
typedef enk_status (*enk_csvin_row_fn)(void *ctx, const enk_csvin_row *row);

/* Called after every chunk read: done bytes of total (total is 0 when the
 * size is unknown, as for a pipe). */
typedef void (*enk_csvin_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Called with every block of raw bytes read, in order, before they are
 * parsed (for copying or hashing what was read, so that a pipe need not be
 * read twice). Returning anything but ENK_OK stops the read, which then
 * returns that status. */
typedef enk_status (*enk_csvin_bytes_fn)(void *ctx, const void *buf, size_t len);

/* What the last read found. */
typedef struct enk_csvin_stats {
        uint64_t bytes;          /* bytes read */
        size_t rows;             /* data rows (not the header, not blank rows) */
        size_t rows_valid;       /* rows without errors (delivered to the callback) */
        size_t rows_invalid;     /* rows with at least one error */
        size_t rows_blank;       /* rows skipped because every field was blank */
        size_t columns;          /* fields in the header */
        size_t question_columns; /* header columns matched to questions */
        size_t cells_ignored;    /* non-empty cells of unknown columns (the
                                  * warned ones; not those mapped to '-') */
        char separator;          /* ';', ',' or '\t'; 0 before the header is read */
        const char *encoding;    /* "UTF-8", "UTF-8 with BOM", "Windows-1252",
                                  * "UTF-16LE", "UTF-16BE"; NULL before reading */
} enk_csvin_stats;

/* A new reader for responses to q, or NULL when out of memory (or q is NULL).
 * Builds the lookup tables once, so one reader can read many files. */
enk_csvin *enk_csvin_new(const enk_questionnaire *q);
/* Frees the reader. NULL is a no-op. */
void enk_csvin_free(enk_csvin *r);

/* Maps the column whose header is header (compared like headers) to target: a
 * question id, ID_VALUE (one option of a multiple-choice question),
 * `respondent`, `date`, `unit`, `year` or `-` (ignore the column). Returns
 * ENK_OK; ENK_ERR_NOTFOUND when target names nothing (the mapping is then not
 * added); ENK_ERR_EXISTS when header is mapped already; ENK_ERR_USAGE on NULL
 * arguments; ENK_ERR_NOMEM. The mapping applies to every later read. */
enk_status enk_csvin_map(enk_csvin *r, const char *header, const char *target);

/* Loads mappings from the file at path, CSV or YAML (see above). Every
 * problem goes to diags as `PATH:ROW:COLUMN: error: ...` (unknown target with a
 * did-you-mean, a row without two fields, a header mapped twice); returns
 * ENK_OK, ENK_ERR_IO, ENK_ERR_SYNTAX or ENK_ERR_DATA. Mappings of rows without
 * errors are kept even when others fail. A mapped header that a data file
 * lacks gives a warning at the mapping's row when that file is read. */
enk_status enk_csvin_load_map(enk_csvin *r, const char *path, enk_diags *diags);

/* Sets what the rows are (default ENK_SOURCE_IMPORT): their responses' source,
 * and with it whether a required question left blank is an error
 * (enk_response_source_insists: not for paper keyed in). */
void enk_csvin_set_source(enk_csvin *r, enk_response_source source);

/* Sets the function called for every valid row (NULL: rows are only checked,
 * which is a dry run) and its context. */
void enk_csvin_set_row_fn(enk_csvin *r, enk_csvin_row_fn fn, void *ctx);
/* Sets the progress function (NULL: none) and its context. */
void enk_csvin_set_progress_fn(enk_csvin *r, enk_csvin_progress_fn fn, void *ctx);
/* Sets the raw-bytes function (NULL: none) and its context. */
void enk_csvin_set_bytes_fn(enk_csvin *r, enk_csvin_bytes_fn fn, void *ctx);
/* Sets the read size in bytes (default 65536, at least 1); tests and fuzzers
 * use small sizes to exercise chunk boundaries. */
void enk_csvin_set_chunk_size(enk_csvin *r, size_t bytes);

/* Reads the file at path. Returns ENK_OK when every row was valid (warnings
 * allowed); ENK_ERR_IO when it cannot be opened or read; ENK_ERR_SYNTAX when
 * the file is not a readable CSV (empty, unterminated quote, ragged rows, bad
 * encoding, no question column); ENK_ERR_DATA when some rows break the
 * questionnaire's rules; ENK_ERR_NOMEM; or what the row callback returned.
 * Rows read before a stop were delivered already: the caller decides whether
 * to keep them (an import keeps nothing unless the result is ENK_OK). */
enk_status enk_csvin_read_file(enk_csvin *r, const char *path, enk_diags *diags);
/* As enk_csvin_read_file, from an open stream (not closed); name is used in
 * diagnostics and copied. */
enk_status enk_csvin_read_stream(enk_csvin *r, FILE *fp, const char *name, enk_diags *diags);
/* As enk_csvin_read_file, from len bytes at buf (fed in chunks like a file);
 * name is used in diagnostics. */
enk_status enk_csvin_read_buf(enk_csvin *r, const void *buf, size_t len, const char *name,
                              enk_diags *diags);

/* Hands the records of one read to the reader: produce calls record(rctx,
 * rec) for the header and then every row, in order, each record's line its
 * row number, and returns what a record call returned when it was not ENK_OK
 * (the read then stops), its own failure (ENK_ERR_SYNTAX with a diagnostic,
 * ENK_ERR_IO, ENK_ERR_NOMEM) or ENK_OK. For a decoder of another format of
 * rows and fields (survey/xlsxin.h: a keyed workbook), so that the header,
 * cell and row rules are the CSV reader's. Returns as enk_csvin_read_file;
 * the stats' bytes, separator and encoding stay 0 and NULL. */
typedef enk_status (*enk_csvin_records_fn)(void *ctx, enk_csv_record_fn record, void *rctx);
enk_status enk_csvin_read_records(enk_csvin *r, const char *name, enk_csvin_records_fn produce,
                                  void *ctx, enk_diags *diags);

/* What the last read found; borrowed, valid until the next read or
 * enk_csvin_free(). Never NULL for a non-NULL reader. */
const enk_csvin_stats *enk_csvin_stats_get(const enk_csvin *r);

/* After a read got past the header: the number of header columns, and for
 * column i (0-based) its header text (trimmed) and what it was matched to: the
 * question index (or -1 for meta, ignored and unknown columns) and a short
 * description ("question", "option 3", "respondent", "date", "unit", "year",
 * "ignored", "unknown"). Borrowed until the next read. Returns false when i is
 * out of range. For `enkat import --dry-run` to show how columns were read. */
size_t enk_csvin_ncolumns(const enk_csvin *r);
bool enk_csvin_column(const enk_csvin *r, size_t i, const char **header, int *question,
                      const char **kind);

#endif
