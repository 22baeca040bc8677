/* survey/csv.c - plain CSV: a streaming decoder, a small-table reader and a
 * field writer.
 *
 * The only module that uses libcsv and iconv. A read is a pipeline over
 * fixed-size chunks, so memory does not grow with the file:
 *
 *   raw bytes ──sniff──▶ decode to UTF-8 ──split at line ends──▶ libcsv ──▶ record
 *   (first 64 KiB:       (iconv unless the    (to know the physical    (fields are
 *    encoding, Excel)     file is UTF-8)       line of every record)    copied into
 *                                                                       one row buffer)
 *
 * libcsv does not say where in the input a field or record was, so the text is
 * fed to it one line at a time: when a record starts, the line being fed is the
 * line it starts on. Every record ends in on_record(), which hands it to the
 * caller's record function (survey/csvin.c reads responses from it).
 */
#include "survey/csv.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "survey/utf8.h"

#define CHUNK_DEFAULT 65536
#define SNIFF_SIZE    65536
/* A field longer than this is taken for a runaway (unterminated) quote. */
#define FIELD_MAX (1u << 20)
#define ROW_MAX   ENK_CSV_ROW_MAX

/* What decoding writes in place of bytes that do not fit the file's encoding:
 * neither is ever part of UTF-8, so the field holding one is found by
 * enk_csv_bad_encoding() and reported at its row and column, with the reason. */
#define MARK_INVALID    0xFF /* not valid in the encoding */
#define MARK_UTF8_IN_CP 0xFE /* a UTF-8 character in a Windows-1252 file */

enum enc { ENC_UTF8, ENC_UTF8_BOM, ENC_CP1252, ENC_UTF16LE, ENC_UTF16BE };
static const char *const enc_names[] = {"UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16LE",
                                        "UTF-16BE"};

struct cell {
        size_t off, len;
};

struct enk_csv {
        enk_csv_record_fn record_fn;
        void *record_ctx;
        enk_csv_bytes_fn bytes_fn;
        void *bytes_ctx;
        enk_csv_progress_fn progress_fn;
        void *progress_ctx;
        size_t chunk;

        /* ---- per read ---- */
        char *name;
        enk_diags *diags;
        uint64_t bytes, total;
        bool stop;
        enk_status stop_status; /* set when stop is set by a callback or NOMEM */
        bool syntax_err;
        char separator;
        const char *encoding;
        bool columns_known; /* enk_csv_set_columns was called */
        size_t columns;

        /* sniffing and decoding */
        unsigned char *sniff;
        size_t sniff_len;
        bool sniffed, sep_known;
        bool ascii_so_far; /* UTF-8 so far, but no byte >= 0x80 seen yet */
        bool sep_line;     /* the first record is Excel's "sep=;" line */
        enum enc enc;
        iconv_t cd;
        unsigned char pending[8]; /* an incomplete multibyte sequence */
        size_t npending;
        char *in; /* pending bytes and a chunk, to decode */
        size_t in_cap;
        char *out; /* decoded text */
        size_t out_cap;

        /* line tracking and libcsv */
        struct csv_parser csv;
        bool csv_ready;
        unsigned line;
        bool prev_cr, in_record;
        unsigned rec_line;
        size_t rec_bytes; /* bytes fed since the current record began */

        /* the current record */
        char *rowbuf;
        size_t row_len, row_cap;
        struct cell *cells;
        enk_csv_field *fields; /* cells as pointers, filled when the record ends */
        size_t ncells, cells_cap;
        size_t nfields;
        bool row_too_long;
        /* A quoted field that ran over a line that looks like a whole row:
         * its line and field number, reported with the row (0: none). */
        unsigned swallowed_line, swallowed_col;
        unsigned multiline_line; /* where the record's first field over lines opened */
};

/* ------------------------------------------------------------ life cycle */

enk_csv *enk_csv_new(void)
{
        enk_csv *r = calloc(1, sizeof(*r));
        if (!r)
                return NULL;
        r->chunk = CHUNK_DEFAULT;
        r->cd = (iconv_t) -1;
        return r;
}

/* Frees what one read needs and nothing a later read could reuse. */
static void read_release(enk_csv *r)
{
        if (r->csv_ready)
                csv_free(&r->csv);
        r->csv_ready = false;
        if (r->cd != (iconv_t) -1)
                iconv_close(r->cd);
        r->cd = (iconv_t) -1;
        free(r->sniff);
        r->sniff = NULL;
        free(r->out);
        r->out = NULL;
        r->out_cap = 0;
        free(r->in);
        r->in = NULL;
        r->in_cap = 0;
}

void enk_csv_free(enk_csv *r)
{
        if (!r)
                return;
        read_release(r);
        free(r->rowbuf);
        free(r->cells);
        free(r->fields);
        free(r->name);
        free(r);
}

void enk_csv_set_record_fn(enk_csv *r, enk_csv_record_fn fn, void *ctx)
{
        if (r) {
                r->record_fn = fn;
                r->record_ctx = ctx;
        }
}

void enk_csv_set_bytes_fn(enk_csv *r, enk_csv_bytes_fn fn, void *ctx)
{
        if (r) {
                r->bytes_fn = fn;
                r->bytes_ctx = ctx;
        }
}

void enk_csv_set_progress_fn(enk_csv *r, enk_csv_progress_fn fn, void *ctx)
{
        if (r) {
                r->progress_fn = fn;
                r->progress_ctx = ctx;
        }
}

void enk_csv_set_chunk_size(enk_csv *r, size_t bytes)
{
        if (r)
                r->chunk = bytes ? bytes : 1;
}

void enk_csv_set_columns(enk_csv *r, size_t n)
{
        if (r) {
                r->columns_known = true;
                r->columns = n;
        }
}

uint64_t enk_csv_bytes(const enk_csv *r)
{
        return r ? r->bytes : 0;
}

char enk_csv_separator(const enk_csv *r)
{
        return r ? r->separator : 0;
}

const char *enk_csv_encoding(const enk_csv *r)
{
        return r ? r->encoding : NULL;
}

static void diag(enk_csv *r, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void diag(enk_csv *r, unsigned line, unsigned col, const char *fmt, ...)
{
        r->syntax_err = true;
        va_list ap;
        va_start(ap, fmt);
        enk_diags_addv(r->diags, ENK_SEV_ERROR, (enk_loc){r->name, line, col}, NULL, fmt, ap);
        va_end(ap);
}

/* Stops the read with status st (ENK_OK: stopped by an error reported). */
static void halt(enk_csv *r, enk_status st)
{
        r->stop = true;
        if (st != ENK_OK)
                r->stop_status = st;
}

/* ------------------------------------------------------------ UTF-8 */

/* The length of the UTF-8 sequence that the byte c begins, 0 when c begins
 * none (ASCII, a continuation byte or a byte UTF-8 never uses). */
static size_t utf8_lead_len(unsigned char c)
{
        return c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
}

/* How many bytes at the end of s[0..len) begin a UTF-8 sequence that the
 * end cuts short (0..3): a sniffed chunk may end inside a character. */
static size_t utf8_incomplete_tail(const unsigned char *s, size_t len)
{
        for (size_t back = 1; back <= 3 && back <= len; back++) {
                unsigned char c = s[len - back];
                if ((c & 0xC0) == 0x80)
                        continue;
                size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                return need > back ? back : 0;
        }
        return 0;
}

/* The length of the valid UTF-8 character of two to four bytes at s[0..len),
 * or 0 when there is none (ASCII, a bad byte, an overlong form such as C0 AF,
 * a surrogate, or a character cut by len). */
static size_t utf8_multibyte_at(const unsigned char *s, size_t len)
{
        size_t n = enk_utf8_next((const char *) s, len, NULL);
        return n >= 2 ? n : 0;
}

/* Whether bytes beyond ASCII in s[0..len) are more often UTF-8 characters
 * than bytes that are not UTF-8: how a file's encoding is decided. A UTF-8
 * file with one Windows-1252 "ä" pasted in stays UTF-8 (and that byte is an
 * error at its place), rather than being read whole as Windows-1252. */
static bool mostly_utf8(const unsigned char *s, size_t len)
{
        size_t good = 0, bad = 0;
        for (size_t i = 0; i < len;) {
                if (s[i] < 0x80) {
                        i++;
                        continue;
                }
                size_t k = utf8_multibyte_at(s + i, len - i);
                if (k) {
                        good++;
                        i += k;
                } else {
                        /* a bad lead byte and the continuation bytes after
                         * it (an overlong C0 AF) count once */
                        bad++;
                        i++;
                        while (i < len && (s[i] & 0xC0) == 0x80)
                                i++;
                }
        }
        return good > 0 && good >= bad;
}

const char *enk_csv_bad_encoding(const enk_csv *r, const char *s, size_t len)
{
        /* Only bytes >= 0x80 (or NUL) can be bad: skip the check for ASCII. */
        bool ascii = true;
        for (size_t i = 0; i < len && ascii; i++)
                ascii = (unsigned char) s[i] < 0x80 && s[i];
        if (ascii || enk_utf8_valid(s, len))
                return NULL;
        if (!r || r->enc == ENC_UTF8 || r->enc == ENC_UTF8_BOM)
                return enk_diag_text(ENK_MSGID("not valid UTF-8 though the file starts as UTF-8"));
        if (r->enc != ENC_CP1252)
                return enk_diag_text(ENK_MSGID("not valid UTF-16"));
        if (memchr(s, MARK_UTF8_IN_CP, len))
                return enk_diag_text(
                    ENK_MSGID("a UTF-8 character in a Windows-1252 file (mixed encodings)"));
        return enk_diag_text(ENK_MSGID("neither UTF-8 nor Windows-1252"));
}

/* ------------------------------------------------------------ libcsv glue */

/* Whether s[0..len) holds a line break. Most fields are a few bytes: a
 * plain loop beats two calls of memchr (which were 4 % of an import's
 * reading thread). */
static bool has_break(const char *s, size_t len)
{
        if (len > 32)
                return memchr(s, '\n', len) || memchr(s, '\r', len);
        for (size_t i = 0; i < len; i++)
                if (s[i] == '\n' || s[i] == '\r')
                        return true;
        return false;
}

/* Free text may run over lines inside quotes, but a quote never closed that
 * a later quote happens to close swallows whole rows, which libcsv's strict
 * mode cannot see. Two signs of it, noted here and handed on with the record
 * (for survey/csvin.c to report with the row): a line inside the field that holds as many
 * separators as a whole row; or a last line that starts with as many fields as came before the
 * field on its first line (the closing quote is then in the same column, so the record even has the
 * right number of fields). */
static void check_swallowed(enk_csv *r, const char *s, size_t len)
{
        if (r->columns < 3 || !len || !has_break(s, len))
                return;
        /* The field ends on the line being fed (r->line); count back. */
        unsigned breaks = 0, found = 0;
        size_t seps = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\n' || s[i] == '\r') {
                        if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
                                i++;
                        breaks++;
                        seps = 0;
                } else if (s[i] == r->separator && breaks && !found && ++seps == r->columns - 1) {
                        found = breaks;
                }
        }
        if (!found && r->nfields >= 3 && seps == r->nfields - 1)
                found = breaks;
        if (found) {
                r->swallowed_line = r->line - (breaks - found);
                r->swallowed_col = (unsigned) r->nfields;
        }
        if (!r->multiline_line)
                r->multiline_line = r->line - breaks;
}

static bool grow_cells(enk_csv *r)
{
        size_t cap = r->cells_cap ? r->cells_cap * 2 : 64;
        struct cell *n = realloc(r->cells, cap * sizeof(*n));
        if (!n)
                return false;
        r->cells = n;
        enk_csv_field *f = realloc(r->fields, cap * sizeof(*f));
        if (!f)
                return false;
        r->fields = f;
        r->cells_cap = cap;
        return true;
}

static void on_field(void *s, size_t len, void *data)
{
        enk_csv *r = data;
        size_t limit = r->columns_known ? r->columns + 1 : ENK_CSV_FIELDS_MAX + 1;
        r->nfields++;
        if (r->nfields > limit || r->row_too_long)
                return;
        if (r->row_len + len + 1 > ROW_MAX) {
                r->row_too_long = true;
                return;
        }
        if (r->row_len + len + 1 > r->row_cap) {
                size_t cap = r->row_cap ? r->row_cap : 4096;
                while (cap < r->row_len + len + 1)
                        cap *= 2;
                char *n = realloc(r->rowbuf, cap);
                if (!n) {
                        halt(r, ENK_ERR_NOMEM);
                        return;
                }
                r->rowbuf = n;
                r->row_cap = cap;
        }
        if (r->ncells == r->cells_cap && !grow_cells(r)) {
                halt(r, ENK_ERR_NOMEM);
                return;
        }
        if (len)
                memcpy(r->rowbuf + r->row_len, s, len);
        r->rowbuf[r->row_len + len] = '\0';
        r->cells[r->ncells++] = (struct cell){r->row_len, len};
        r->row_len += len + 1;
        if (r->columns_known && !r->swallowed_line)
                check_swallowed(r, s, len);
}

/* The row buffer may move while a record grows: fields point into it only
 * once the record is complete. */
static enk_csv_field *cells_to_fields(enk_csv *r)
{
        for (size_t i = 0; i < r->ncells; i++)
                r->fields[i] = (enk_csv_field){r->rowbuf + r->cells[i].off, r->cells[i].len};
        return r->fields;
}

static void on_record(int c, void *data)
{
        enk_csv *r = data;
        (void) c;
        r->in_record = false;
        if (r->sep_line) {
                r->sep_line = false; /* the "sep=;" line: nothing to read */
        } else if (!r->stop && r->record_fn) {
                enk_status st = r->record_fn(r->record_ctx, &(enk_csv_record){
                                                                .line = r->rec_line,
                                                                .fields = cells_to_fields(r),
                                                                .nkept = r->ncells,
                                                                .nfields = r->nfields,
                                                                .too_long = r->row_too_long,
                                                                .swallowed_line = r->swallowed_line,
                                                                .swallowed_col = r->swallowed_col,
                                                                .multiline_line = r->multiline_line,
                                                            });
                if (st != ENK_OK)
                        halt(r, st);
        }
        r->row_len = 0;
        r->ncells = 0;
        r->nfields = 0;
        r->row_too_long = false;
        r->swallowed_line = r->swallowed_col = r->multiline_line = 0;
        r->rec_bytes = 0;
}

/* libcsv's own test counts tabs as blanks to trim, which would eat empty
 * fields of a tab-separated file; only the space is. */
static int is_space(unsigned char c)
{
        return c == ' ';
}

/* libcsv grows a field's buffer without limit: an unterminated quote would
 * swallow the whole file. Refusing to grow past FIELD_MAX makes it stop. */
static void *capped_realloc(void *p, size_t n)
{
        return n > FIELD_MAX + 16 ? NULL : realloc(p, n);
}

/* libcsv's strict mode stopped at the byte c (RFC 4180: a quote may only open
 * a field, close it, or be doubled inside it): says where and why. */
static void strict_error(enk_csv *r, unsigned char c)
{
        unsigned col = (unsigned) r->nfields + 1;
        char what[16];
        if (c >= 0x20 && c < 0x7F)
                snprintf(what, sizeof(what), "'%c'", c);
        else
                snprintf(what, sizeof(what), "byte 0x%02X", c);
        if (!r->csv.quoted)
                diag(r, r->line, col,
                     "quote inside an unquoted field (quote the whole field and double the "
                     "quote: \"a \"\"b\"\"\")");
        else if (r->line == r->rec_line)
                diag(r, r->rec_line, col,
                     "quoted field goes on after its closing quote with %s (a quote inside "
                     "quotes is written \"\")",
                     what);
        else
                diag(r, r->rec_line, col,
                     "quoted field runs over the line end to line %u, where a quote is followed "
                     "by %s (a quote that is never closed?)",
                     r->line, what);
}

/* Feeds decoded text to libcsv one line at a time, keeping r->line (the
 * physical line) and r->rec_line (where the current record began). Stops the
 * read at a NUL byte (a binary file), at a quote that RFC 4180 does not allow
 * (libcsv's strict mode) and at a record longer than ROW_MAX: an endless line
 * (/dev/zero, a quote never closed) must not be read to its end. */
static void parse_text(enk_csv *r, const char *s, size_t n)
{
        size_t i = 0;
        while (i < n && !r->stop) {
                if (r->prev_cr) {
                        r->prev_cr = false;
                        r->line++;
                        if (s[i] == '\n') {
                                /* The LF of a CRLF: libcsv ignores it between rows. */
                                csv_parse(&r->csv, s + i, 1, on_field, on_record, r);
                                i++;
                                continue;
                        }
                }
                size_t j = i;
                while (j < n && s[j] != '\n' && s[j] != '\r')
                        j++;
                size_t end = j < n ? j + 1 : n;
                if (!r->in_record) {
                        for (size_t k = i; k < j; k++)
                                if (s[k] != ' ') {
                                        r->in_record = true;
                                        r->rec_line = r->line;
                                        r->rec_bytes = 0;
                                        break;
                                }
                }
                const char *nul = memchr(s + i, '\0', end - i);
                size_t feed = nul ? (size_t) (nul - (s + i)) : end - i;
                if (r->in_record)
                        r->rec_bytes += feed;
                size_t done = csv_parse(&r->csv, s + i, feed, on_field, on_record, r);
                if (done < feed) {
                        if (csv_error(&r->csv) == CSV_EPARSE)
                                strict_error(r, (unsigned char) s[i + done]);
                        else if (csv_error(&r->csv) == CSV_ENOMEM &&
                                 csv_get_buffer_size(&r->csv) < FIELD_MAX)
                                r->stop_status = ENK_ERR_NOMEM; /* halt() below */
                        else
                                diag(r, r->rec_line, (unsigned) r->nfields + 1,
                                     "field longer than %u bytes (a quote that is never closed?)",
                                     FIELD_MAX);
                        halt(r, ENK_OK);
                        return;
                }
                if (r->stop)
                        return;
                if (nul) {
                        diag(r, r->line, (unsigned) r->nfields + 1,
                             "NUL byte (a binary file, not CSV text?)");
                        halt(r, ENK_OK);
                        return;
                }
                if (r->in_record && r->rec_bytes > ROW_MAX) {
                        diag(r, r->rec_line, 0,
                             "row longer than %u bytes without an end (a line end or a closing "
                             "quote missing?)",
                             ROW_MAX);
                        halt(r, ENK_OK);
                        return;
                }
                if (j < n) {
                        if (s[j] == '\n')
                                r->line++;
                        else
                                r->prev_cr = true;
                }
                i = end;
        }
}

/* Picks the separator from the first line of decoded text: the most frequent
 * of ';', tab and ',' outside quotes (';' first on a tie: Swedish Excel). */
static void sniff_separator(enk_csv *r, const char *s, size_t n)
{
        /* Excel's hint line "sep=;" names the separator and is no header. */
        if (n >= 6 && !memcmp(s, "sep=", 4) && (s[5] == '\r' || s[5] == '\n') &&
            (s[4] == ';' || s[4] == ',' || s[4] == '\t' || s[4] == '|')) {
                csv_set_delim(&r->csv, (unsigned char) s[4]);
                r->separator = s[4];
                r->sep_known = true;
                r->sep_line = true;
                return;
        }
        size_t semi = 0, tab = 0, comma = 0;
        bool quoted = false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '"')
                        quoted = !quoted;
                else if (quoted)
                        continue;
                else if (c == '\n' || c == '\r')
                        break;
                else if (c == ';')
                        semi++;
                else if (c == '\t')
                        tab++;
                else if (c == ',')
                        comma++;
        }
        char sep = ',';
        if (semi && semi >= tab && semi >= comma)
                sep = ';';
        else if (tab && tab >= comma)
                sep = '\t';
        csv_set_delim(&r->csv, (unsigned char) sep);
        r->separator = sep;
        r->sep_known = true;
}

static void emit(enk_csv *r, const char *s, size_t n)
{
        if (!n)
                return;
        if (!r->sep_known)
                sniff_separator(r, s, n);
        parse_text(r, s, n);
}

/* Converts in[0..inleft) with iconv into r->out from *out on, handing full
 * output buffers on to emit(). A sequence cut by the end waits in r->pending
 * unless eof. */
static void convert(enk_csv *r, char *in, size_t inleft, char **out, size_t *outleft, bool eof)
{
        while (inleft && !r->stop) {
                size_t rc = iconv(r->cd, &in, &inleft, out, outleft);
                if (rc != (size_t) -1)
                        break;
                if (errno == E2BIG || *outleft == 0) {
                        emit(r, r->out, (size_t) (*out - r->out));
                        *out = r->out;
                        *outleft = r->out_cap;
                } else if (errno == EILSEQ) {
                        size_t skip = r->enc == ENC_CP1252 ? 1 : 2;
                        if (skip > inleft)
                                skip = inleft;
                        *(*out)++ = (char) MARK_INVALID;
                        (*outleft)--;
                        in += skip;
                        inleft -= skip;
                } else if (errno == EINVAL) {
                        if (!eof && inleft <= sizeof(r->pending)) {
                                memcpy(r->pending, in, inleft);
                                r->npending = inleft;
                        } else {
                                *(*out)++ = (char) MARK_INVALID;
                                (*outleft)--;
                        }
                        inleft = 0;
                } else {
                        break; /* no other errors are documented */
                }
        }
}

/* Decodes raw bytes (not UTF-8) with iconv and parses them. In a
 * Windows-1252 file a UTF-8 character (C3 A4 for "ä", which Windows-1252
 * would read as "Ã¤") is mixed encodings, not text: it is marked, and a
 * character that may be cut by the chunk's end waits in r->pending. */
static void decode(enk_csv *r, const unsigned char *s, size_t n, bool eof)
{
        size_t total = r->npending + n;
        if (total > r->in_cap) {
                char *b = realloc(r->in, total);
                if (!b) {
                        halt(r, ENK_ERR_NOMEM);
                        return;
                }
                r->in = b;
                r->in_cap = total;
        }
        /* r->in is still NULL when nothing at all has come (a file of only a
         * byte-order mark): memcpy must not see it even for 0 bytes. */
        if (r->npending)
                memcpy(r->in, r->pending, r->npending);
        if (n)
                memcpy(r->in + r->npending, s, n);
        r->npending = 0;
        /* Output is handed on only when the buffer is full or the input is
         * done, so that the separator is sniffed from a whole first line even
         * when a bad byte interrupts the conversion. */
        char *out = r->out;
        size_t outleft = r->out_cap;
        if (r->enc != ENC_CP1252) {
                convert(r, r->in, total, &out, &outleft, eof);
        } else {
                const unsigned char *u = (const unsigned char *) r->in;
                size_t limit = total - (eof ? 0 : utf8_incomplete_tail(u, total));
                size_t from = 0;
                for (size_t i = 0; i < limit && !r->stop;) {
                        size_t k = u[i] >= 0xC2 ? utf8_multibyte_at(u + i, limit - i) : 0;
                        if (!k) {
                                i++;
                                continue;
                        }
                        convert(r, r->in + from, i - from, &out, &outleft, eof);
                        if (outleft == 0) {
                                emit(r, r->out, (size_t) (out - r->out));
                                out = r->out;
                                outleft = r->out_cap;
                        }
                        *out++ = (char) MARK_UTF8_IN_CP;
                        outleft--;
                        i += k;
                        from = i;
                }
                convert(r, r->in + from, limit - from, &out, &outleft, eof);
                if (limit < total) {
                        r->npending = total - limit;
                        memcpy(r->pending, r->in + limit, r->npending);
                }
        }
        if (!r->stop)
                emit(r, r->out, (size_t) (out - r->out));
}

/* Starts converting from Windows-1252 with iconv. */
static bool open_cp1252(enk_csv *r)
{
        r->enc = ENC_CP1252;
        r->encoding = enc_names[r->enc];
        r->cd = iconv_open("UTF-8", "CP1252");
        /* CP1252 becomes at most 3 times as long in UTF-8 */
        r->out_cap = 3 * (r->chunk > SNIFF_SIZE ? r->chunk : SNIFF_SIZE) + 16;
        r->out = malloc(r->out_cap);
        if (r->cd == (iconv_t) -1 || !r->out) {
                halt(r, ENK_ERR_NOMEM);
                return false;
        }
        return true;
}

/* A file read as UTF-8 whose bytes so far were all ASCII may still be
 * Windows-1252 (Excel's codes-only export with an "ä" on row 5000): the first
 * non-ASCII character decides, and since ASCII reads the same in both, nothing
 * read before it changes. A character cut by the chunk's end waits in
 * r->pending. */
static void utf8_bytes(enk_csv *r, const unsigned char *s, size_t n, bool eof)
{
        if (!r->ascii_so_far) {
                emit(r, (const char *) s, n);
                return;
        }
        const unsigned char *seq;
        size_t have, k = 0;
        unsigned char tmp[8];
        if (r->npending) {
                size_t add = n < 4 ? n : 4;
                memcpy(tmp, r->pending, r->npending);
                if (add)
                        memcpy(tmp + r->npending, s, add);
                seq = tmp;
                have = r->npending + add;
        } else {
                while (k < n && s[k] < 0x80)
                        k++;
                if (k == n) {
                        emit(r, (const char *) s, n);
                        return;
                }
                seq = s + k;
                have = n - k;
        }
        size_t need = utf8_lead_len(seq[0]);
        if (need && have < need && !eof) {
                /* cut by the chunk's end: decide when the rest comes */
                emit(r, (const char *) s, k);
                size_t rest = r->npending ? n : n - k;
                memcpy(r->pending + r->npending, s + k, rest);
                r->npending += rest;
                return;
        }
        r->ascii_so_far = false;
        r->sep_line = false;
        /* The first character decides, or when it is no UTF-8, what follows
         * it in this chunk. */
        if ((need && have >= need && enk_utf8_valid((const char *) seq, need)) ||
            (!r->npending && mostly_utf8(s + k, n - k))) {
                if (r->npending)
                        emit(r, (const char *) r->pending, r->npending);
                r->npending = 0;
                emit(r, (const char *) s, n);
                return;
        }
        emit(r, (const char *) s, k);
        if (open_cp1252(r))
                decode(r, s + k, n - k, eof); /* decode() takes r->pending first */
}

static void process_bytes(enk_csv *r, const unsigned char *s, size_t n, bool eof)
{
        if (r->enc == ENC_UTF8 || r->enc == ENC_UTF8_BOM)
                utf8_bytes(r, s, n, eof);
        else
                decode(r, s, n, eof);
}

/* Decides the encoding from the first bytes and starts decoding. */
static void do_sniff(enk_csv *r, bool eof)
{
        const unsigned char *s = r->sniff;
        size_t n = r->sniff_len, skip = 0;
        r->sniffed = true;
        if ((n >= 4 && !memcmp(s, "PK\x03\x04", 4)) ||
            (n >= 4 && !memcmp(s, "\xD0\xCF\x11\xE0", 4))) {
                diag(r, 1, 0, "an Excel workbook, not a CSV file (save it as CSV)");
                halt(r, ENK_OK);
                return;
        }
        const char *from = NULL;
        if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
                r->enc = ENC_UTF8_BOM;
                skip = 3;
        } else if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
                r->enc = ENC_UTF16LE;
                from = "UTF-16LE";
                skip = 2;
        } else if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
                r->enc = ENC_UTF16BE;
                from = "UTF-16BE";
                skip = 2;
        } else {
                size_t tail = eof ? 0 : utf8_incomplete_tail(s, n);
                bool ascii = true;
                for (size_t i = 0; i < n && ascii; i++)
                        ascii = s[i] < 0x80;
                if (ascii || mostly_utf8(s, n - tail)) {
                        r->enc = ENC_UTF8;
                        r->ascii_so_far = true;
                        for (size_t i = 0; i < n && r->ascii_so_far; i++)
                                r->ascii_so_far = s[i] < 0x80;
                } else {
                        r->enc = ENC_CP1252;
                        from = "CP1252";
                }
        }
        r->encoding = enc_names[r->enc];
        if (from) {
                r->cd = iconv_open("UTF-8", from);
                /* UTF-16 becomes at most 3/2 as long, CP1252 at most 3 times */
                r->out_cap = 3 * (r->chunk > SNIFF_SIZE ? r->chunk : SNIFF_SIZE) + 16;
                r->out = malloc(r->out_cap);
                if (r->cd == (iconv_t) -1 || !r->out) {
                        halt(r, ENK_ERR_NOMEM);
                        return;
                }
        }
        process_bytes(r, s + skip, n - skip, eof);
        free(r->sniff);
        r->sniff = NULL;
}

static void push(enk_csv *r, const unsigned char *s, size_t n)
{
        if (r->stop)
                return;
        if (r->bytes_fn) {
                enk_status st = r->bytes_fn(r->bytes_ctx, s, n);
                if (st != ENK_OK) {
                        halt(r, st);
                        return;
                }
        }
        if (!r->sniffed) {
                size_t take = SNIFF_SIZE - r->sniff_len < n ? SNIFF_SIZE - r->sniff_len : n;
                memcpy(r->sniff + r->sniff_len, s, take);
                r->sniff_len += take;
                s += take;
                n -= take;
                if (r->sniff_len < SNIFF_SIZE)
                        return;
                do_sniff(r, false);
        }
        if (n && !r->stop)
                process_bytes(r, s, n, false);
}

static enk_status read_begin(enk_csv *r, const char *name, uint64_t total, enk_diags *diags)
{
        read_release(r);
        free(r->name);
        r->name = strdup(name ? name : "");
        r->diags = diags;
        r->bytes = 0;
        r->total = total;
        r->separator = 0;
        r->encoding = NULL;
        r->columns_known = false;
        r->columns = 0;
        r->stop = false;
        r->stop_status = ENK_OK;
        r->syntax_err = false;
        r->sniff_len = 0;
        r->sniffed = r->sep_known = false;
        r->ascii_so_far = false;
        r->npending = 0;
        r->line = 1;
        r->prev_cr = r->in_record = false;
        r->rec_line = 1;
        r->row_len = r->ncells = r->nfields = 0;
        r->row_too_long = false;
        r->swallowed_line = r->swallowed_col = r->multiline_line = 0;
        r->rec_bytes = 0;
        r->sniff = malloc(SNIFF_SIZE);
        if (!r->name || !r->sniff)
                return ENK_ERR_NOMEM;
        /* Strict (RFC 4180): a quote after a closing quote, or inside an
         * unquoted field, is an error at its place rather than text that
         * silently swallows the rows after it. */
        if (csv_init(&r->csv, CSV_STRICT) != 0)
                return ENK_ERR_NOMEM;
        r->csv_ready = true;
        csv_set_space_func(&r->csv, is_space);
        csv_set_realloc_func(&r->csv, capped_realloc);
        csv_set_blk_size(&r->csv, 4096);
        return ENK_OK;
}

static enk_status read_end(enk_csv *r)
{
        if (!r->sniffed && !r->stop)
                do_sniff(r, true);
        if (!r->stop && r->npending && r->cd != (iconv_t) -1)
                decode(r, NULL, 0, true);
        else if (!r->stop && r->npending)
                utf8_bytes(r, NULL, 0, true);
        if (!r->stop) {
                /* libcsv keeps its state in the public struct: a quoted field
                 * still open at the end (state 2, FIELD_BEGUN) was never closed.
                 * Its fini would quietly return the rest of the file as one
                 * field, so that record is reported and dropped instead. */
                if (r->csv.pstate == 2 && r->csv.quoted) {
                        diag(r, r->rec_line, (unsigned) r->nfields + 1,
                             "quoted field never closed (missing '\"')");
                } else {
                        csv_fini(&r->csv, on_field, on_record, r);
                }
        }
        read_release(r);
        if (r->stop_status != ENK_OK)
                return r->stop_status;
        return r->syntax_err ? ENK_ERR_SYNTAX : ENK_OK;
}

static void progress(enk_csv *r)
{
        if (r->progress_fn)
                r->progress_fn(r->progress_ctx, r->bytes, r->total);
}

enk_status enk_csv_read_stream(enk_csv *r, FILE *fp, const char *name, uint64_t total,
                               enk_diags *diags)
{
        if (!r || !fp)
                return ENK_ERR_USAGE;
        enk_status st = read_begin(r, name, total, diags);
        if (st != ENK_OK) {
                read_release(r);
                return st;
        }
        unsigned char *buf = malloc(r->chunk);
        if (!buf) {
                read_release(r);
                return ENK_ERR_NOMEM;
        }
        size_t n;
        while (!r->stop && (n = fread(buf, 1, r->chunk, fp)) > 0) {
                r->bytes += n;
                push(r, buf, n);
                progress(r);
        }
        free(buf);
        if (ferror(fp)) {
                enk_error(diags, ((enk_loc){r->name, 0, 0}), "cannot read file: %s",
                          strerror(errno));
                read_release(r);
                return ENK_ERR_IO;
        }
        return read_end(r);
}

enk_status enk_csv_read_buf(enk_csv *r, const void *buf, size_t len, const char *name,
                            enk_diags *diags)
{
        if (!r || (!buf && len))
                return ENK_ERR_USAGE;
        enk_status st = read_begin(r, name, len, diags);
        if (st != ENK_OK) {
                read_release(r);
                return st;
        }
        const unsigned char *s = buf;
        for (size_t off = 0; off < len && !r->stop; off += r->chunk) {
                size_t n = len - off < r->chunk ? len - off : r->chunk;
                r->bytes += n;
                push(r, s + off, n);
                progress(r);
        }
        return read_end(r);
}

/* ------------------------------------------------------------ plain tables */

/* A manifest is a handful of rows, so the table reader keeps it simple: the
 * whole file in memory, fed to libcsv one byte at a time so that the physical
 * line of each record is known exactly (libcsv does not count lines). */
#define TABLE_MAX (16u << 20)

struct table {
        char **fields;
        size_t nfields, cap;
        unsigned line;  /* current physical line */
        unsigned start; /* line on which the current record started */
        bool pending;   /* a record ended; the next non-newline byte starts one */
        enk_csv_table_fn fn;
        void *ctx;
        enk_status st;
};

static void table_field(void *s, size_t len, void *data)
{
        struct table *t = data;
        if (t->st != ENK_OK)
                return;
        if (t->nfields == t->cap) {
                size_t cap = t->cap ? 2 * t->cap : 16;
                char **f = realloc(t->fields, cap * sizeof(*f));
                if (!f) {
                        t->st = ENK_ERR_NOMEM;
                        return;
                }
                t->fields = f;
                t->cap = cap;
        }
        const char *p = s ? s : "";
        while (len && is_space((unsigned char) *p)) {
                p++;
                len--;
        }
        while (len && is_space((unsigned char) p[len - 1]))
                len--;
        char *copy = malloc(len + 1);
        if (!copy) {
                t->st = ENK_ERR_NOMEM;
                return;
        }
        memcpy(copy, p, len);
        copy[len] = '\0';
        t->fields[t->nfields++] = copy;
}

static void table_record(int c, void *data)
{
        (void) c;
        struct table *t = data;
        bool blank = true;
        for (size_t i = 0; i < t->nfields; i++)
                if (t->fields[i][0])
                        blank = false;
        if (t->st == ENK_OK && !blank)
                t->st = t->fn(t->ctx, t->start, (const char *const *) t->fields, t->nfields);
        for (size_t i = 0; i < t->nfields; i++)
                free(t->fields[i]);
        t->nfields = 0;
        t->pending = true;
}

/* Reads the whole file at path into *buf (len bytes; the caller frees it): a
 * table is small, and a NUL byte would cut a field short unseen. */
static enk_status load_table(const char *path, char **out, size_t *out_len, enk_diags *diags)
{
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                enk_error(diags, ((enk_loc){path, 0, 0}), "cannot read file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        char *buf = malloc(TABLE_MAX + 1);
        if (!buf) {
                fclose(fp);
                return ENK_ERR_NOMEM;
        }
        size_t len = fread(buf, 1, TABLE_MAX + 1, fp);
        bool failed = ferror(fp);
        int err = errno;
        fclose(fp);
        if (failed) {
                free(buf);
                enk_error(diags, ((enk_loc){path, 0, 0}), "cannot read file: %s", strerror(err));
                return ENK_ERR_IO;
        }
        if (len > TABLE_MAX) {
                free(buf);
                enk_error(diags, ((enk_loc){path, 0, 0}), "file is larger than 16 MiB");
                return ENK_ERR_SYNTAX;
        }
        /* A NUL byte would cut a field short unseen: the file is no text. */
        const char *nul = memchr(buf, '\0', len);
        if (nul) {
                unsigned line = 1;
                for (const char *p = buf; p < nul; p++)
                        line += *p == '\n';
                free(buf);
                enk_error(diags, ((enk_loc){path, line, 0}),
                          "NUL byte (a binary file, not CSV text?)");
                return ENK_ERR_SYNTAX;
        }
        *out = buf;
        *out_len = len;
        return ENK_OK;
}

enk_status enk_csv_read_table(const char *path, enk_csv_table_fn fn, void *ctx, enk_diags *diags)
{
        if (!path || !fn)
                return ENK_ERR_USAGE;
        char *buf = NULL;
        size_t len = 0;
        enk_status st = load_table(path, &buf, &len, diags);
        if (st != ENK_OK)
                return st;
        size_t off = 0;
        if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
                off = 3;
        /* The separator is the first of ';', tab and ',' in the first line,
         * in that order of preference, as Swedish Excel writes ';'. */
        size_t eol = off;
        while (eol < len && buf[eol] != '\n' && buf[eol] != '\r')
                eol++;
        unsigned char sep = ',';
        if (memchr(buf + off, ';', eol - off))
                sep = ';';
        else if (memchr(buf + off, '\t', eol - off))
                sep = '\t';

        struct csv_parser csv;
        /* Strict: a stray quote, or one still open at the end, is an error,
         * not a field that swallows the rest of the file. */
        if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
                free(buf);
                return ENK_ERR_NOMEM;
        }
        csv_set_delim(&csv, sep);
        csv_set_space_func(&csv, is_space);
        struct table t = {.line = 1, .start = 1, .fn = fn, .ctx = ctx, .st = ENK_OK};
        for (size_t i = off; i < len && t.st == ENK_OK; i++) {
                if (t.pending && buf[i] != '\n' && buf[i] != '\r') {
                        t.start = t.line;
                        t.pending = false;
                }
                if (csv_parse(&csv, buf + i, 1, table_field, table_record, &t) != 1) {
                        t.st = csv_error(&csv) == CSV_ENOMEM ? ENK_ERR_NOMEM : ENK_ERR_SYNTAX;
                        if (t.st == ENK_ERR_SYNTAX)
                                enk_error(diags, ((enk_loc){path, t.start, 0}),
                                          "not a readable CSV row");
                        break;
                }
                if (buf[i] == '\n')
                        t.line++;
        }
        if (t.st == ENK_OK && csv_fini(&csv, table_field, table_record, &t) != 0) {
                t.st = ENK_ERR_SYNTAX;
                enk_error(diags, ((enk_loc){path, t.start, 0}), "unterminated quoted field");
        }
        for (size_t i = 0; i < t.nfields; i++)
                free(t.fields[i]);
        free(t.fields);
        csv_free(&csv);
        free(buf);
        return t.st;
}

/* ---------------------------------------------------------------- writing */

bool enk_csv_field_plain(const char *s, size_t len, char sep)
{
        /* Quote only when needed, so plain codes stay plain for every reader. */
        bool quote =
            len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
        for (size_t i = 0; i < len && !quote; i++)
                quote = s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
        return !quote;
}

enk_status enk_csv_write_field(FILE *fp, const char *s, char sep)
{
        if (!s)
                s = "";
        size_t len = strlen(s);
        if (enk_csv_field_plain(s, len, sep))
                return fwrite(s, 1, len, fp) == len ? ENK_OK : ENK_ERR_IO;
        return csv_fwrite2(fp, s, len, '"') == 0 ? ENK_OK : ENK_ERR_IO;
}
