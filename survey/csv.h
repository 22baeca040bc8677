/* survey/csv.h - plain CSV: a streaming decoder, a small-table reader and a
 * field writer.
 *
 * The one module that uses libcsv and iconv. It knows nothing of
 * questionnaires: it turns bytes into records of fields, with the physical
 * line each record starts on, and leaves what the fields mean to its caller
 * (survey/csvin.h reads responses with it).
 *
 * The decoder reads the files Swedish offices really produce:
 *
 *   - separator ';' (Swedish Excel), ',' or tab, the most frequent of them in
 *     the first line outside quotes (';' first on a tie), or named by Excel's
 *     first line `sep=;` (`sep=,`, `sep=|`, tab), which is then skipped;
 *   - UTF-8 with or without a byte-order mark; Windows-1252 (Excel's "CSV"),
 *     which also covers Latin-1 text; UTF-16 with a byte-order mark (Excel's
 *     "Unicode text"). The encoding is sniffed from the first 64 KiB: UTF-8
 *     when its UTF-8 characters are at least as many as its bad sequences
 *     (when they are all ASCII, the first character beyond ASCII and the rest
 *     of its chunk decide). Text is handed on as UTF-8; a byte that does not
 *     fit the encoding is handed on as a byte that is never part of UTF-8, so
 *     the caller finds it in its field (enk_csv_bad_encoding);
 *   - CRLF, LF or CR line ends; quoted fields with separators, quotes ("") and
 *     line breaks inside, by RFC 4180 (libcsv's strict mode): a quote after a
 *     closing quote or inside an unquoted field is an error that stops the
 *     read, and so is a NUL byte, a field over 1 MiB, a record without an end
 *     within 8 MiB, a quoted field never closed and an Excel workbook.
 *
 * Memory stays bounded whatever the file size: the input is read in chunks
 * (64 KiB by default) and one record is kept at a time.
 *
 * Errors go to the caller's enk_diags as `NAME:LINE:COLUMN: error: ...`, LINE
 * being the physical line and COLUMN the 1-based field number. The library
 * never prints.
 *
 * Ownership: the decoder owns what it hands to the record function; a record
 * and its fields are borrowed, valid only during that call.
 */
#ifndef ENK_CSV_H
#define ENK_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "survey/diag.h"

/* The decoder keeps at most this many fields of a record until the caller
 * names the number of columns (enk_csv_set_columns); further fields are only
 * counted. */
#define ENK_CSV_FIELDS_MAX 4096
/* A record whose fields together are longer than this is not kept (bytes). */
#define ENK_CSV_ROW_MAX (8u << 20)

typedef struct enk_csv enk_csv;

/* One field of a record: NUL-terminated at s[len], and writable by the record
 * function (to trim it in place). */
typedef struct enk_csv_field {
        char *s;
        size_t len;
} enk_csv_field;

/* One record, as handed to the record function. */
typedef struct enk_csv_record {
        unsigned line;         /* physical line on which the record starts */
        enk_csv_field *fields; /* the fields kept, in order */
        size_t nkept;          /* entries of fields */
        size_t nfields;        /* fields the record had: more than nkept when
                                * over the limit or too_long */
        bool too_long;         /* longer than ENK_CSV_ROW_MAX: fields incomplete */
        /* After enk_csv_set_columns, signs of a quote that was never closed
         * and swallowed rows (0: none): the line inside a quoted field that
         * looks like a whole row, and the field holding it. */
        unsigned swallowed_line, swallowed_col;
        unsigned multiline_line; /* where the record's first field over lines
                                  * opened, 0 when none ran over a line end */
} enk_csv_record;

/* Called once per record, in file order (blank lines are no records; Excel's
 * `sep=` line is not handed on). Returning anything but ENK_OK stops the
 * read, which then returns that status. */
typedef enk_status (*enk_csv_record_fn)(void *ctx, const enk_csv_record *rec);
/* Called with every block of raw bytes read, in order, before they are
 * decoded. Returning anything but ENK_OK stops the read with that status. */
typedef enk_status (*enk_csv_bytes_fn)(void *ctx, const void *buf, size_t len);
/* Called after every chunk read: done bytes of total (0 when unknown). */
typedef void (*enk_csv_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* A new decoder, or NULL when out of memory. One decoder reads many inputs,
 * one after the other. */
enk_csv *enk_csv_new(void);
/* Frees the decoder. NULL is a no-op. */
void enk_csv_free(enk_csv *csv);

/* Set the record function (NULL: records are only decoded), the raw-bytes
 * function and the progress function (NULL: none), each with its context.
 * They apply to every later read. */
void enk_csv_set_record_fn(enk_csv *csv, enk_csv_record_fn fn, void *ctx);
void enk_csv_set_bytes_fn(enk_csv *csv, enk_csv_bytes_fn fn, void *ctx);
void enk_csv_set_progress_fn(enk_csv *csv, enk_csv_progress_fn fn, void *ctx);
/* Sets the read size in bytes (default 65536, at least 1); tests and fuzzers
 * use small sizes to exercise chunk boundaries. */
void enk_csv_set_chunk_size(enk_csv *csv, size_t bytes);

/* During a read (from the record function, once the header is known): every
 * later record of this read should have n fields. The decoder then keeps at
 * most n + 1 fields a record and looks for the signs of a swallowed row. */
void enk_csv_set_columns(enk_csv *csv, size_t n);

/* Reads fp to its end (fp is not closed); name is used in diagnostics and
 * copied; total is fp's size for the progress function, 0 when unknown.
 * Returns ENK_OK; ENK_ERR_SYNTAX when an error was reported (see above);
 * ENK_ERR_IO when fp cannot be read (`NAME: error: cannot read file: REASON`);
 * ENK_ERR_NOMEM; or what a record or bytes function returned. */
enk_status enk_csv_read_stream(enk_csv *csv, FILE *fp, const char *name, uint64_t total,
                               enk_diags *diags);
/* As enk_csv_read_stream, from len bytes at buf, fed in chunks like a file;
 * ENK_ERR_USAGE when csv is NULL or buf is NULL with len > 0. */
enk_status enk_csv_read_buf(enk_csv *csv, const void *buf, size_t len, const char *name,
                            enk_diags *diags);

/* What the current or last read found: bytes read, the separator (';', ','
 * or '\t'; 0 before one is known) and the encoding ("UTF-8", "UTF-8 with
 * BOM", "Windows-1252", "UTF-16LE", "UTF-16BE"; NULL before it is known). */
uint64_t enk_csv_bytes(const enk_csv *csv);
char enk_csv_separator(const enk_csv *csv);
const char *enk_csv_encoding(const enk_csv *csv);

/* During a read: NULL when the field s[0..len) is valid UTF-8 without NUL
 * bytes, else why not, in words for a message ("not valid UTF-8 though the
 * file starts as UTF-8", "a UTF-8 character in a Windows-1252 file (mixed
 * encodings)", ...). */
const char *enk_csv_bad_encoding(const enk_csv *csv, const char *s, size_t len);

/* ------------------------------------------------------------ plain tables */

/* Called once per row of a plain table (enk_csv_read_table), header row
 * included: line is the physical line on which the record starts (1-based),
 * fields[0..nfields-1] the fields, trimmed; all borrowed for the call only.
 * Returning anything but ENK_OK stops the read with that status. */
typedef enk_status (*enk_csv_table_fn)(void *ctx, unsigned line, const char *const *fields,
                                       size_t nfields);

/* Reads the small UTF-8 CSV file at path (a manifest: at most 16 MiB, an
 * optional BOM, separator ';', tab or ',': the first of them found in the
 * first line) and calls fn for every row whose fields are not all blank.
 * Returns ENK_OK; ENK_ERR_IO (`PATH: error: cannot read file: REASON`);
 * ENK_ERR_SYNTAX (`PATH:LINE: error: ...` for a stray or unterminated quote, a NUL
 * byte, a file too large); ENK_ERR_NOMEM; ENK_ERR_USAGE for NULL path or fn; or what fn
 * returned. */
enk_status enk_csv_read_table(const char *path, enk_csv_table_fn fn, void *ctx, enk_diags *diags);

/* ------------------------------------------------------------------ writing */

/* Writes the field s (NUL-terminated, NULL is empty) to fp as one CSV field
 * for separator sep: as it is, or in double quotes with quotes doubled when it
 * holds sep, a quote, a line break or blanks at either end. Returns ENK_OK or
 * ENK_ERR_IO when the write failed. */
enk_status enk_csv_write_field(FILE *fp, const char *s, char sep);

/* Whether enk_csv_write_field() writes s (of len bytes) as it is, unquoted,
 * for separator sep: a writer that buffers may then copy it itself. */
bool enk_csv_field_plain(const char *s, size_t len, char sep);

#endif
