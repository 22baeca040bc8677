/* survey/csvin.c - reading response files (CSV) against a questionnaire.
 *
 * The only module that uses libcsv, iconv and utf8proc. A read is a pipeline over
 * fixed-size chunks, so memory does not grow with the file:
 *
 *   raw bytes ──sniff──▶ decode to UTF-8 ──split at line ends──▶ libcsv ──▶ record
 *   (first 64 KiB:       (iconv unless the    (to know the physical    (fields are
 *    encoding, Excel)     file is UTF-8)       line of every record)    copied into
 *                                                                       one row buffer)
 *
 * libcsv does not say where in the input a field or record was, so the text is
 * fed to it one line at a time: when a record starts, the line being fed is the
 * line it starts on. Every record ends in process_record(), which reads the
 * header or turns a data row into answer values through lookup tables built
 * once per reader (a hash of every code and folded label per question), so the
 * hot path does no allocation and no linear search over labels. The rules a
 * response must obey live in survey/response.c, shared with the web server.
 */
#include "survey/csvin.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "survey/response.h"
#include "survey/yml.h"

#define CHUNK_DEFAULT 65536
#define SNIFF_SIZE    65536
/* A field longer than this is taken for a runaway (unterminated) quote. */
#define FIELD_MAX (1u << 20)
/* A row longer than this (all fields) is refused: bounded memory. */
#define ROW_MAX     (8u << 20)
#define COLUMNS_MAX 4096
/* Labels and header texts longer than this never match (folded bytes). */
#define FOLD_MAX 512

/* What decoding writes in place of bytes that do not fit the file's encoding:
 * neither is ever part of UTF-8, so the cell holding one is reported at its
 * row and column (process_row), with the reason. */
#define MARK_INVALID    0xFF /* not valid in the encoding */
#define MARK_UTF8_IN_CP 0xFE /* a UTF-8 character in a Windows-1252 file */

/* Hash namespaces besides the question indexes. */
#define NS_YESNO 0xFFFFFFF0u
#define NS_MARK  0xFFFFFFF1u

enum enc { ENC_UTF8, ENC_UTF8_BOM, ENC_CP1252, ENC_UTF16LE, ENC_UTF16BE };
static const char *const enc_names[] = {"UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16LE",
                                        "UTF-16BE"};

enum ckind { C_UNKNOWN, C_IGNORE, C_RESPONDENT, C_DATE, C_UNIT, C_YEAR, C_QUESTION, C_OPTION };
static const char *const kind_names[] = {"unknown", "ignored", "respondent", "date",
                                         "unit",    "year",    "question",   "option"};

enum mode { MODE_DATA, MODE_MAP };

struct column {
        char *header; /* trimmed header text, owned */
        enum ckind kind;
        int q;          /* question index for C_QUESTION and C_OPTION, else -1 */
        int32_t option; /* option value for C_OPTION */
        char desc[24];
};

struct mapping {
        char *folded; /* folded header */
        size_t folded_len;
        char *header; /* as written */
        enum ckind kind;
        int q;
        int32_t option;
        char *file;
        unsigned line;
        bool used;
};

struct lslot {
        uint32_t hash;
        uint32_t ns; /* question index or NS_*; UINT32_MAX when the slot is free */
        uint32_t off, len;
        int32_t value;
        int32_t other; /* a second value given for this key, or value */
};

struct cell {
        size_t off, len;
};

struct dupslot {
        uint64_t hash;
        unsigned line; /* 0 when free */
};

struct enk_csvin {
        const enk_questionnaire *q;

        /* Lookup tables, built once. */
        struct lslot *slots;
        size_t nslots, nused;
        char *pool;
        size_t pool_len, pool_cap;
        /* Folded question texts per question and language, and grid texts,
         * as offsets into pool (len 0 when absent). */
        uint32_t (*qtext)[ENK_LANG_MAX][2];
        uint32_t (*gtext)[ENK_LANG_MAX][2];

        struct mapping *maps;
        size_t nmaps, maps_cap;

        enk_csvin_row_fn row_fn;
        void *row_ctx;
        enk_csvin_progress_fn progress_fn;
        void *progress_ctx;
        enk_csvin_bytes_fn bytes_fn;
        void *bytes_ctx;
        size_t chunk;

        /* ---- per read ---- */
        enum mode mode;
        char *name;
        enk_diags *diags;
        enk_csvin_stats stats;
        uint64_t total;
        bool stop;
        enk_status stop_status; /* set when stop is set by a callback or NOMEM */
        bool syntax_err, data_err;

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
        size_t ncells, cells_cap;
        size_t nfields;
        bool row_too_long;
        /* A quoted field that ran over a line that looks like a whole row:
         * its line and field number, reported with the row (0: none). */
        unsigned swallowed_line, swallowed_col;
        unsigned multiline_line; /* where the record's first field over lines opened */

        /* the header */
        bool header_done;
        unsigned header_line;
        struct column *cols;
        size_t ncols;
        int resp_col, date_col, unit_col, year_col; /* -1 when absent */
        bool got_map_header;                        /* MODE_MAP: the first row was looked at */

        /* per row */
        int32_t *values;
        const char **texts;
        unsigned char *qerr;
        unsigned *qcol; /* 1-based column a question was read from, 0 when absent */
        char date[11];
        unsigned row_errors;
        unsigned cur_line;
        size_t row_index;

        struct dupslot *dups;
        size_t ndups, dups_cap;
};

/* ------------------------------------------------------------------ helpers */

static uint32_t hash32(uint32_t ns, const char *s, size_t len)
{
        uint32_t h = 2166136261u ^ (ns * 16777619u);
        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char) s[i]) * 16777619u;
        return h;
}

static uint64_t hash64(const char *s, size_t len)
{
        uint64_t h = 14695981039346656037ull;
        for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char) s[i]) * 1099511628211ull;
        return h ^ (h >> 29);
}

static bool is_blank_byte(unsigned char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Writes the NFC form of the UTF-8 text s[0..len) (at most FOLD_MAX code
 * points) to the buffer nfc and returns its length in bytes, or -1 when s is
 * not valid UTF-8 or too long. "ä" typed as a + U+0308 (NFD, as macOS and
 * some web forms write it) becomes the one "ä" the questionnaire holds. */
static utf8proc_ssize_t to_nfc(const char *s, size_t len, utf8proc_int32_t nfc[FOLD_MAX + 1])
{
        const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
        utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *) s,
                                                (utf8proc_ssize_t) len, nfc, FOLD_MAX, opts);
        if (n < 0 || n > FOLD_MAX)
                return -1;
        /* Re-encodes in place as UTF-8 (never longer than 4 bytes a code point). */
        return utf8proc_reencode(nfc, n, opts);
}

/* Folds s[0..len) for comparison into out (outsize bytes, not terminated):
 * Unicode NFC, blanks (and no-break spaces) at both ends dropped, runs of them
 * inside made one space, ASCII and Latin-1 capitals made small (Ä -> ä).
 * Returns the folded length, or SIZE_MAX when it does not fit. */
static size_t fold(const char *s, size_t len, char *out, size_t outsize)
{
        size_t n = 0;
        bool blank = false;
        utf8proc_int32_t nfc[FOLD_MAX + 1];
        bool ascii = true;
        for (size_t i = 0; i < len && ascii; i++)
                ascii = (unsigned char) s[i] < 0x80;
        if (!ascii && len <= 4 * FOLD_MAX) {
                utf8proc_ssize_t nl = to_nfc(s, len, nfc);
                if (nl >= 0) {
                        s = (const char *) nfc;
                        len = (size_t) nl;
                }
        }
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (is_blank_byte(c)) {
                        blank = true;
                        continue;
                }
                if (c == 0xC2 && i + 1 < len && (unsigned char) s[i + 1] == 0xA0) {
                        blank = true;
                        i++;
                        continue;
                }
                if (blank && n > 0) {
                        if (n >= outsize)
                                return SIZE_MAX;
                        out[n++] = ' ';
                }
                blank = false;
                if (c >= 'A' && c <= 'Z') {
                        c = (unsigned char) (c + 32);
                } else if (c == 0xC3 && i + 1 < len) {
                        unsigned char d = (unsigned char) s[i + 1];
                        if (d >= 0x80 && d <= 0x9E && d != 0x97)
                                d = (unsigned char) (d + 0x20);
                        if (n + 2 > outsize)
                                return SIZE_MAX;
                        out[n++] = (char) c;
                        out[n++] = (char) d;
                        i++;
                        continue;
                }
                if (n >= outsize)
                        return SIZE_MAX;
                out[n++] = (char) c;
        }
        return n;
}

/* Removes blanks and no-break spaces at both ends of s[0..*len), in place:
 * returns the new start and sets *len. */
static char *trim(char *s, size_t *len)
{
        size_t a = 0, b = *len;
        for (;;) {
                if (a < b && is_blank_byte((unsigned char) s[a]))
                        a++;
                else if (a + 1 < b && (unsigned char) s[a] == 0xC2 &&
                         (unsigned char) s[a + 1] == 0xA0)
                        a += 2;
                else
                        break;
        }
        for (;;) {
                if (b > a && is_blank_byte((unsigned char) s[b - 1]))
                        b--;
                else if (b >= a + 2 && (unsigned char) s[b - 2] == 0xC2 &&
                         (unsigned char) s[b - 1] == 0xA0)
                        b -= 2;
                else
                        break;
        }
        *len = b - a;
        return s + a;
}

/* Whether s[0..len) is valid UTF-8 without NUL bytes. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
        size_t i = 0;
        while (i < len) {
                unsigned char c = s[i];
                if (c >= 0x01 && c < 0x80) {
                        i++;
                        continue;
                }
                size_t n;
                uint32_t cp;
                if (c >= 0xC2 && c <= 0xDF)
                        n = 1, cp = c & 0x1F;
                else if (c >= 0xE0 && c <= 0xEF)
                        n = 2, cp = c & 0x0F;
                else if (c >= 0xF0 && c <= 0xF4)
                        n = 3, cp = c & 0x07;
                else
                        return false;
                if (i + n >= len)
                        return false;
                for (size_t k = 1; k <= n; k++) {
                        if ((s[i + k] & 0xC0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3F);
                }
                if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                    (cp >= 0xD800 && cp <= 0xDFFF))
                        return false;
                i += n + 1;
        }
        return true;
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
        size_t need = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
                      : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                      : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                     : 0;
        return need && need <= len && utf8_valid(s, need) ? need : 0;
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

/* A short, printable excerpt of a cell for messages (at most size - 4 bytes
 * and "...", cut on a character boundary, control characters shown as '?'). */
static const char *excerpt(const char *s, size_t len, char *buf, size_t size)
{
        size_t n = 0, max = size - 4;
        size_t i = 0;
        while (i < len && n < max) {
                unsigned char c = (unsigned char) s[i];
                size_t clen = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                if (n + clen > max || i + clen > len)
                        break;
                if (c < 0x20 || c == 0x7F) {
                        buf[n++] = '?';
                        i++;
                        continue;
                }
                memcpy(buf + n, s + i, clen);
                n += clen;
                i += clen;
        }
        if (i < len) {
                memcpy(buf + n, "...", 3);
                n += 3;
        }
        buf[n] = '\0';
        return buf;
}

/* Levenshtein distance of two short strings (bytes), capped at 99. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
        if (la > 60 || lb > 60)
                return 99;
        size_t d[61];
        for (size_t j = 0; j <= lb; j++)
                d[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t prev = d[0];
                d[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t cur = d[j];
                        size_t best = prev + (a[i - 1] != b[j - 1]);
                        if (d[j] + 1 < best)
                                best = d[j] + 1;
                        if (d[j - 1] + 1 < best)
                                best = d[j - 1] + 1;
                        d[j] = best;
                        prev = cur;
                }
        }
        return d[lb];
}

/* Tracks the closest candidate to a word for a "did you mean". */
struct closest {
        char word[FOLD_MAX];
        size_t wlen;
        const char *best;
        size_t dist;
};

static void closest_init(struct closest *c, const char *s, size_t len)
{
        c->wlen = fold(s, len, c->word, sizeof(c->word));
        /* Too short to guess from, or too long to be a typo of a label. */
        if (c->wlen == SIZE_MAX || c->wlen < 3)
                c->wlen = 0;
        c->best = NULL;
        c->dist = SIZE_MAX;
}

static void closest_try(struct closest *c, const char *cand)
{
        char f[FOLD_MAX];
        if (!cand || !c->wlen)
                return;
        size_t fl = fold(cand, strlen(cand), f, sizeof(f));
        if (fl == SIZE_MAX)
                return;
        size_t d = distance(c->word, c->wlen, f, fl);
        size_t limit = c->wlen < 6 ? 1 : c->wlen < 12 ? 2 : 3;
        if (d > 0 && d <= limit && d < c->dist) {
                c->dist = d;
                c->best = cand;
        }
}

/* ------------------------------------------------------------ lookup tables */

static bool pool_add(enk_csvin *r, const char *s, size_t len, uint32_t *off)
{
        if (r->pool_len + len + 1 > r->pool_cap) {
                size_t cap = r->pool_cap ? r->pool_cap * 2 : 4096;
                while (cap < r->pool_len + len + 1)
                        cap *= 2;
                char *p = realloc(r->pool, cap);
                if (!p)
                        return false;
                r->pool = p;
                r->pool_cap = cap;
        }
        memcpy(r->pool + r->pool_len, s, len);
        r->pool[r->pool_len + len] = '\0';
        *off = (uint32_t) r->pool_len;
        r->pool_len += len + 1;
        return true;
}

static struct lslot *slot_find(const enk_csvin *r, uint32_t ns, const char *key, size_t len,
                               uint32_t h)
{
        size_t mask = r->nslots - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
                struct lslot *s = &r->slots[i];
                if (s->ns == UINT32_MAX)
                        return s;
                if (s->hash == h && s->ns == ns && s->len == len &&
                    !memcmp(r->pool + s->off, key, len))
                        return s;
        }
}

static bool table_grow(enk_csvin *r)
{
        size_t n = r->nslots ? r->nslots * 2 : 256;
        struct lslot *old = r->slots;
        size_t oldn = r->nslots;
        r->slots = malloc(n * sizeof(*r->slots));
        if (!r->slots) {
                r->slots = old;
                return false;
        }
        for (size_t i = 0; i < n; i++)
                r->slots[i].ns = UINT32_MAX;
        r->nslots = n;
        for (size_t i = 0; i < oldn; i++) {
                if (old[i].ns == UINT32_MAX)
                        continue;
                struct lslot *s =
                    slot_find(r, old[i].ns, r->pool + old[i].off, old[i].len, old[i].hash);
                *s = old[i];
        }
        free(old);
        return true;
}

/* Adds the folded form of key as an answer to namespace ns. A key given
 * again with another value (a label that is another option's code, two
 * options with one label) is ambiguous: it is kept with both values and
 * table_get() does not find it, so a cell that holds it is never guessed at.
 * enkat check refuses such questionnaires; this is the second line. */
static bool table_put(enk_csvin *r, uint32_t ns, const char *key, int32_t value)
{
        char f[FOLD_MAX];
        size_t len = fold(key, strlen(key), f, sizeof(f));
        if (len == SIZE_MAX || len == 0)
                return true;
        if ((r->nused + 1) * 2 > r->nslots && !table_grow(r))
                return false;
        uint32_t h = hash32(ns, f, len);
        struct lslot *s = slot_find(r, ns, f, len, h);
        if (s->ns != UINT32_MAX) {
                if (s->value != value)
                        s->other = value;
                return true;
        }
        uint32_t off;
        if (!pool_add(r, f, len, &off))
                return false;
        *s = (struct lslot){h, ns, off, (uint32_t) len, value, value};
        r->nused++;
        return true;
}

static bool table_put_int(enk_csvin *r, uint32_t ns, int32_t code, int32_t value)
{
        char buf[16];
        snprintf(buf, sizeof(buf), "%d", (int) code);
        return table_put(r, ns, buf, value);
}

/* The slot of an already folded key, or NULL. */
static const struct lslot *table_slot(const enk_csvin *r, uint32_t ns, const char *f, size_t len)
{
        if (!r->nslots || len == 0 || len == SIZE_MAX)
                return NULL;
        const struct lslot *s = slot_find(r, ns, f, len, hash32(ns, f, len));
        return s->ns == UINT32_MAX ? NULL : s;
}

/* Looks up an already folded key; an ambiguous one is not found. */
static bool table_get(const enk_csvin *r, uint32_t ns, const char *f, size_t len, int32_t *value)
{
        const struct lslot *s = table_slot(r, ns, f, len);
        if (!s || s->other != s->value)
                return false;
        *value = s->value;
        return true;
}

static bool put_text(enk_csvin *r, uint32_t ns, const enk_text *t, int32_t value)
{
        for (size_t l = 0; l < r->q->nlanguages; l++)
                if (t->s[l] && !table_put(r, ns, t->s[l], value))
                        return false;
        return true;
}

static bool fold_texts(enk_csvin *r, const enk_text *t, uint32_t out[ENK_LANG_MAX][2])
{
        for (size_t l = 0; l < ENK_LANG_MAX; l++) {
                out[l][0] = out[l][1] = 0;
                if (l >= r->q->nlanguages || !t->s[l])
                        continue;
                char f[FOLD_MAX];
                size_t len = fold(t->s[l], strlen(t->s[l]), f, sizeof(f));
                if (len == SIZE_MAX || len == 0)
                        continue;
                if (!pool_add(r, f, len, &out[l][0]))
                        return false;
                out[l][1] = (uint32_t) len;
        }
        return true;
}

static bool build_tables(enk_csvin *r)
{
        static const char *const yes[] = {"1", "ja", "yes", "j", "y", "true", "sant"};
        static const char *const no[] = {"0", "nej", "no", "n", "false", "falskt"};
        const enk_questionnaire *q = r->q;
        for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
                if (!table_put(r, NS_YESNO, yes[i], 1) || !table_put(r, NS_MARK, yes[i], 1))
                        return false;
        for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
                if (!table_put(r, NS_YESNO, no[i], 0) || !table_put(r, NS_MARK, no[i], 0))
                        return false;
        if (!table_put(r, NS_MARK, "x", 1))
                return false;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_question *qn = &q->questions[i];
                uint32_t ns = (uint32_t) i;
                if (qn->type == ENK_Q_SCALE) {
                        const enk_scale *s = enk_question_scale(q, qn);
                        if (!s)
                                continue;
                        for (size_t p = 0; p < s->npoints; p++)
                                if (!table_put_int(r, ns, s->points[p].value, s->points[p].value) ||
                                    !put_text(r, ns, &s->points[p].label, s->points[p].value))
                                        return false;
                        if (s->has_na && (!table_put_int(r, ns, s->na_code, ENK_NA) ||
                                          !put_text(r, ns, &s->na_label, ENK_NA)))
                                return false;
                } else if (qn->type == ENK_Q_SINGLE || qn->type == ENK_Q_MULTIPLE) {
                        for (size_t o = 0; o < qn->noptions; o++)
                                if (!table_put_int(r, ns, qn->options[o].value,
                                                   qn->options[o].value) ||
                                    !put_text(r, ns, &qn->options[o].label, qn->options[o].value))
                                        return false;
                }
        }
        r->qtext = calloc(q->nquestions ? q->nquestions : 1, sizeof(*r->qtext));
        r->gtext = calloc(q->ngrids ? q->ngrids : 1, sizeof(*r->gtext));
        if (!r->qtext || !r->gtext)
                return false;
        for (size_t i = 0; i < q->nquestions; i++)
                if (!fold_texts(r, &q->questions[i].text, r->qtext[i]))
                        return false;
        for (size_t i = 0; i < q->ngrids; i++)
                if (!fold_texts(r, &q->grids[i].text, r->gtext[i]))
                        return false;
        return true;
}

/* ------------------------------------------------------------ life cycle */

enk_csvin *enk_csvin_new(const enk_questionnaire *q)
{
        if (!q)
                return NULL;
        enk_csvin *r = calloc(1, sizeof(*r));
        if (!r)
                return NULL;
        r->q = q;
        r->chunk = CHUNK_DEFAULT;
        r->cd = (iconv_t) -1;
        size_t nq = q->nquestions ? q->nquestions : 1;
        r->values = malloc(nq * sizeof(*r->values));
        r->texts = malloc(nq * sizeof(*r->texts));
        r->qerr = malloc(nq);
        r->qcol = calloc(nq, sizeof(*r->qcol));
        if (!r->values || !r->texts || !r->qerr || !r->qcol || !build_tables(r)) {
                enk_csvin_free(r);
                return NULL;
        }
        return r;
}

static void free_columns(enk_csvin *r)
{
        for (size_t i = 0; i < r->ncols; i++)
                free(r->cols[i].header);
        free(r->cols);
        r->cols = NULL;
        r->ncols = 0;
}

static void read_release(enk_csvin *r)
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
        free(r->dups);
        r->dups = NULL;
        r->ndups = r->dups_cap = 0;
}

void enk_csvin_free(enk_csvin *r)
{
        if (!r)
                return;
        read_release(r);
        free_columns(r);
        for (size_t i = 0; i < r->nmaps; i++) {
                free(r->maps[i].folded);
                free(r->maps[i].header);
                free(r->maps[i].file);
        }
        free(r->maps);
        free(r->slots);
        free(r->pool);
        free(r->qtext);
        free(r->gtext);
        free(r->values);
        free(r->texts);
        free(r->qerr);
        free(r->qcol);
        free(r->rowbuf);
        free(r->cells);
        free(r->name);
        free(r);
}

void enk_csvin_set_row_fn(enk_csvin *r, enk_csvin_row_fn fn, void *ctx)
{
        if (r) {
                r->row_fn = fn;
                r->row_ctx = ctx;
        }
}

void enk_csvin_set_progress_fn(enk_csvin *r, enk_csvin_progress_fn fn, void *ctx)
{
        if (r) {
                r->progress_fn = fn;
                r->progress_ctx = ctx;
        }
}

void enk_csvin_set_bytes_fn(enk_csvin *r, enk_csvin_bytes_fn fn, void *ctx)
{
        if (r) {
                r->bytes_fn = fn;
                r->bytes_ctx = ctx;
        }
}

void enk_csvin_set_chunk_size(enk_csvin *r, size_t bytes)
{
        if (r)
                r->chunk = bytes ? bytes : 1;
}

const enk_csvin_stats *enk_csvin_stats_get(const enk_csvin *r)
{
        return r ? &r->stats : NULL;
}

size_t enk_csvin_ncolumns(const enk_csvin *r)
{
        return r ? r->ncols : 0;
}

bool enk_csvin_column(const enk_csvin *r, size_t i, const char **header, int *question,
                      const char **kind)
{
        if (!r || i >= r->ncols)
                return false;
        if (header)
                *header = r->cols[i].header;
        if (question)
                *question = r->cols[i].q;
        if (kind)
                *kind = r->cols[i].desc;
        return true;
}

/* ------------------------------------------------------------ diagnostics */

static void diag(enk_csvin *r, enk_severity sev, unsigned line, unsigned col, const char *subject,
                 bool syntax, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void diag(enk_csvin *r, enk_severity sev, unsigned line, unsigned col, const char *subject,
                 bool syntax, const char *fmt, ...)
{
        if (sev == ENK_SEV_ERROR) {
                r->row_errors++;
                if (syntax)
                        r->syntax_err = true;
                else
                        r->data_err = true;
        }
        va_list ap;
        va_start(ap, fmt);
        enk_diags_addv(r->diags, sev, (enk_loc){r->name, line, col}, subject, fmt, ap);
        va_end(ap);
}

static const char *qid(const enk_csvin *r, int q)
{
        return q >= 0 ? r->q->questions[q].id : NULL;
}

/* ------------------------------------------------------------ header */

static const struct {
        const char *name;
        enum ckind kind;
} meta_names[] = {
    {"respondent", C_RESPONDENT},
    {"respondent_key", C_RESPONDENT},
    {"id", C_RESPONDENT},
    {"löpnummer", C_RESPONDENT},
    {"date", C_DATE},
    {"datum", C_DATE},
    {"unit", C_UNIT},
    {"enhet", C_UNIT},
    {"kommun", C_UNIT},
    {"year", C_YEAR},
    {"år", C_YEAR},
};

static bool meta_kind(const char *f, size_t len, enum ckind *kind)
{
        for (size_t i = 0; i < sizeof(meta_names) / sizeof(*meta_names); i++)
                if (strlen(meta_names[i].name) == len && !memcmp(meta_names[i].name, f, len)) {
                        *kind = meta_names[i].kind;
                        return true;
                }
        return false;
}

/* The question whose id (folded f) is f, or -1. */
static int find_id(const enk_csvin *r, const char *f, size_t len)
{
        for (size_t i = 0; i < r->q->nquestions; i++) {
                const char *id = r->q->questions[i].id;
                if (strlen(id) == len && !memcmp(id, f, len))
                        return (int) i;
        }
        return -1;
}

static bool pool_eq(const enk_csvin *r, const uint32_t t[2], const char *f, size_t len)
{
        return t[1] == len && len && !memcmp(r->pool + t[0], f, len);
}

/* The question whose id or text (any language) is the folded f, or -1. */
static int find_question(const enk_csvin *r, const char *f, size_t len)
{
        int i = find_id(r, f, len);
        if (i >= 0)
                return i;
        for (size_t k = 0; k < r->q->nquestions; k++)
                for (size_t l = 0; l < r->q->nlanguages; l++)
                        if (pool_eq(r, r->qtext[k][l], f, len))
                                return (int) k;
        return -1;
}

/* Whether v is an option value of question qi. */
static bool has_option(const enk_csvin *r, int qi, int32_t v)
{
        const enk_question *qn = &r->q->questions[qi];
        for (size_t o = 0; o < qn->noptions; o++)
                if (qn->options[o].value == v)
                        return true;
        return false;
}

static bool parse_small_int(const char *s, size_t len, int32_t *out)
{
        if (len == 0 || len > 9)
                return false;
        int32_t v = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (s[i] - '0');
        }
        *out = v;
        return true;
}

/* Resolves a folded header (or mapping target) to what it names. Only ids
 * when ids_only (mapping targets); else also texts and option labels. */
static bool resolve(const enk_csvin *r, const char *f, size_t len, bool ids_only, enum ckind *kind,
                    int *q, int32_t *option)
{
        *q = -1;
        *option = 0;
        if (meta_kind(f, len, kind))
                return true;
        int i = ids_only ? find_id(r, f, len) : find_question(r, f, len);
        if (i >= 0) {
                *kind = C_QUESTION;
                *q = i;
                return true;
        }
        /* ID_VALUE: one option of a multiple-choice question. */
        const char *us = memrchr(f, '_', len);
        if (us) {
                int32_t v;
                int k = find_id(r, f, (size_t) (us - f));
                if (k >= 0 && r->q->questions[k].type == ENK_Q_MULTIPLE &&
                    parse_small_int(us + 1, len - (size_t) (us - f) - 1, &v) &&
                    has_option(r, k, v)) {
                        *kind = C_OPTION;
                        *q = k;
                        *option = v;
                        return true;
                }
        }
        if (ids_only)
                return false;
        /* PREFIX: LABEL and PREFIX [LABEL] (the latter as Google Forms writes
         * grids and check boxes). */
        const char *sep = memrchr(f, ':', len);
        size_t plen = 0, lstart = 0, llen = 0;
        if (sep) {
                plen = (size_t) (sep - f);
                lstart = plen + 1;
                llen = len - lstart;
        } else if (len > 2 && f[len - 1] == ']' && memrchr(f, '[', len)) {
                const char *b = memrchr(f, '[', len);
                plen = (size_t) (b - f);
                lstart = plen + 1;
                llen = len - lstart - 1;
        } else {
                return false;
        }
        while (plen > 0 && f[plen - 1] == ' ')
                plen--;
        while (llen > 0 && f[lstart] == ' ')
                lstart++, llen--;
        while (llen > 0 && f[lstart + llen - 1] == ' ')
                llen--;
        if (!plen || !llen)
                return false;
        int k = find_question(r, f, plen);
        int32_t v;
        if (k >= 0 && r->q->questions[k].type == ENK_Q_MULTIPLE &&
            table_get(r, (uint32_t) k, f + lstart, llen, &v)) {
                *kind = C_OPTION;
                *q = k;
                *option = v;
                return true;
        }
        /* GRID TEXT [ITEM TEXT] */
        for (size_t g = 0; g < r->q->ngrids; g++) {
                bool match = false;
                for (size_t l = 0; l < r->q->nlanguages; l++)
                        match = match || pool_eq(r, r->gtext[g][l], f, plen);
                if (!match)
                        continue;
                const enk_grid *gr = &r->q->grids[g];
                for (size_t it = gr->first; it < gr->first + gr->count; it++)
                        for (size_t l = 0; l < r->q->nlanguages; l++)
                                if (pool_eq(r, r->qtext[it][l], f + lstart, llen)) {
                                        *kind = C_QUESTION;
                                        *q = (int) it;
                                        return true;
                                }
        }
        return false;
}

static void describe(struct column *c)
{
        if (c->kind == C_OPTION)
                snprintf(c->desc, sizeof(c->desc), "option %d", (int) c->option);
        else
                snprintf(c->desc, sizeof(c->desc), "%s", kind_names[c->kind]);
}

static void suggest_column(const enk_csvin *r, const char *header, char *buf, size_t size)
{
        struct closest c;
        closest_init(&c, header, strlen(header));
        for (size_t i = 0; i < r->q->nquestions; i++)
                closest_try(&c, r->q->questions[i].id);
        for (size_t i = 0; i < sizeof(meta_names) / sizeof(*meta_names); i++)
                closest_try(&c, meta_names[i].name);
        buf[0] = '\0';
        if (c.best) {
                snprintf(buf, size, "; did you mean '%s'?", c.best);
                return;
        }
        /* The id a question had in an earlier edition: say so, since a file
         * of that year belongs with that edition (or needs a mapping). */
        char f[FOLD_MAX];
        size_t len = fold(header, strlen(header), f, sizeof(f) - 1);
        if (len == SIZE_MAX)
                return;
        f[len] = '\0';
        int k = enk_questionnaire_find_linked(r->q, f);
        if (k >= 0 && strcmp(r->q->questions[k].id, f) != 0)
                snprintf(buf, size, " (the id of '%s' in an earlier edition)",
                         r->q->questions[k].id);
}

/* Why the decoded cell s[0..len), which is not valid UTF-8, is bad. */
static const char *bad_encoding(const enk_csvin *r, const char *s, size_t len)
{
        if (r->enc == ENC_UTF8 || r->enc == ENC_UTF8_BOM)
                return "not valid UTF-8 though the file starts as UTF-8";
        if (r->enc != ENC_CP1252)
                return "not valid UTF-16";
        if (memchr(s, MARK_UTF8_IN_CP, len))
                return "a UTF-8 character in a Windows-1252 file (mixed encodings)";
        return "neither UTF-8 nor Windows-1252";
}

static void process_header(enk_csvin *r)
{
        const enk_questionnaire *q = r->q;
        r->header_done = true;
        r->header_line = r->rec_line;
        r->stats.columns = r->nfields;
        if (r->nfields > COLUMNS_MAX) {
                diag(r, ENK_SEV_ERROR, r->rec_line, COLUMNS_MAX + 1, NULL, true,
                     "the header has %zu columns, more than the %d allowed", r->nfields,
                     COLUMNS_MAX);
                r->stop = true;
                return;
        }
        r->cols = calloc(r->ncells ? r->ncells : 1, sizeof(*r->cols));
        if (!r->cols) {
                r->stop = true;
                r->stop_status = ENK_ERR_NOMEM;
                return;
        }
        r->ncols = r->ncells;
        r->resp_col = r->date_col = r->unit_col = r->year_col = -1;
        for (size_t i = 0; i < q->nquestions; i++)
                r->qcol[i] = 0;
        for (size_t i = 0; i < r->nmaps; i++)
                r->maps[i].used = false;
        /* Per question: which column gave it as one cell, and whether option
         * columns gave it, to report a question given twice. */
        unsigned *optcol = calloc(q->nquestions ? q->nquestions : 1, sizeof(*optcol));
        uint32_t *optbits = calloc(q->nquestions ? q->nquestions : 1, sizeof(*optbits));
        if (!optcol || !optbits) {
                free(optcol);
                free(optbits);
                r->stop = true;
                r->stop_status = ENK_ERR_NOMEM;
                return;
        }
        size_t matched = 0;
        for (size_t c = 0; c < r->ncols; c++) {
                struct column *col = &r->cols[c];
                unsigned cno = (unsigned) c + 1;
                size_t len = r->cells[c].len;
                char *h = trim(r->rowbuf + r->cells[c].off, &len);
                col->header = strndup(h, len);
                col->q = -1;
                col->kind = C_UNKNOWN;
                if (!col->header) {
                        r->stop = true;
                        r->stop_status = ENK_ERR_NOMEM;
                        break;
                }
                if (!utf8_valid((const unsigned char *) h, len)) {
                        diag(r, ENK_SEV_ERROR, r->rec_line, cno, NULL, true,
                             "bad encoding in the header: %s", bad_encoding(r, h, len));
                        describe(col);
                        continue;
                }
                char f[FOLD_MAX];
                size_t flen = fold(h, len, f, sizeof(f));
                bool found = false;
                if (flen != SIZE_MAX) {
                        for (size_t m = 0; m < r->nmaps && !found; m++) {
                                struct mapping *mp = &r->maps[m];
                                if (mp->folded_len == flen && !memcmp(mp->folded, f, flen)) {
                                        found = true;
                                        mp->used = true;
                                        col->kind = mp->kind;
                                        col->q = mp->q;
                                        col->option = mp->option;
                                }
                        }
                        if (!found && flen > 0)
                                found =
                                    resolve(r, f, flen, false, &col->kind, &col->q, &col->option);
                }
                describe(col);
                if (!found) {
                        char hint[96], ex[64];
                        suggest_column(r, col->header, hint, sizeof(hint));
                        if (len == 0)
                                diag(r, ENK_SEV_WARNING, r->rec_line, cno, NULL, false,
                                     "column without a header ignored");
                        else
                                diag(r, ENK_SEV_WARNING, r->rec_line, cno, NULL, false,
                                     "unknown column '%s' ignored%s",
                                     excerpt(h, len, ex, sizeof(ex)), hint);
                        continue;
                }
                int *meta = col->kind == C_RESPONDENT ? &r->resp_col
                            : col->kind == C_DATE     ? &r->date_col
                            : col->kind == C_UNIT     ? &r->unit_col
                            : col->kind == C_YEAR     ? &r->year_col
                                                      : NULL;
                if (meta) {
                        if (*meta >= 0) {
                                diag(r, ENK_SEV_ERROR, r->rec_line, cno, kind_names[col->kind],
                                     false, "second %s column (the first is column %d)",
                                     kind_names[col->kind], *meta + 1);
                                col->kind = C_IGNORE;
                                describe(col);
                        } else {
                                *meta = (int) c;
                        }
                        continue;
                }
                if (col->kind == C_QUESTION) {
                        if (r->qcol[col->q] || optcol[col->q]) {
                                diag(r, ENK_SEV_ERROR, r->rec_line, cno, qid(r, col->q), false,
                                     "second column for the question (the first is column %u)",
                                     r->qcol[col->q] ? r->qcol[col->q] : optcol[col->q]);
                                col->kind = C_IGNORE;
                                describe(col);
                                continue;
                        }
                        r->qcol[col->q] = cno;
                        matched++;
                } else if (col->kind == C_OPTION) {
                        uint32_t bit = UINT32_C(1) << (col->option - 1);
                        if (r->qcol[col->q]) {
                                diag(r, ENK_SEV_ERROR, r->rec_line, cno, qid(r, col->q), false,
                                     "option column for a question read from one column "
                                     "already (column %u)",
                                     r->qcol[col->q]);
                                col->kind = C_IGNORE;
                                describe(col);
                                continue;
                        }
                        if (optbits[col->q] & bit) {
                                diag(r, ENK_SEV_ERROR, r->rec_line, cno, qid(r, col->q), false,
                                     "second column for option %d", (int) col->option);
                                col->kind = C_IGNORE;
                                describe(col);
                                continue;
                        }
                        optbits[col->q] |= bit;
                        if (!optcol[col->q])
                                optcol[col->q] = cno;
                        matched++;
                }
        }
        /* Option columns: the question is placed at its first option column. */
        for (size_t i = 0; i < q->nquestions; i++)
                if (!r->qcol[i] && optcol[i])
                        r->qcol[i] = optcol[i];
        free(optcol);
        free(optbits);
        r->stats.question_columns = matched;
        if (r->stop)
                return;
        for (size_t m = 0; m < r->nmaps; m++)
                if (!r->maps[m].used)
                        enk_diags_add(r->diags, ENK_SEV_WARNING,
                                      (enk_loc){r->maps[m].file, r->maps[m].line, 1}, NULL,
                                      "mapped column '%s' is not in '%s'", r->maps[m].header,
                                      r->name);
        if (matched == 0) {
                diag(r, ENK_SEV_ERROR, r->rec_line, 0, NULL, true,
                     "no column matches a question of '%s' (the header should name question "
                     "ids such as '%s')",
                     q->survey ? q->survey : "", q->nquestions ? q->questions[0].id : "");
                r->stop = true;
                return;
        }
        for (size_t i = 0; i < q->nquestions; i++)
                if (q->questions[i].required && !r->qcol[i])
                        diag(r, ENK_SEV_ERROR, r->rec_line, 0, q->questions[i].id, false,
                             "required question has no column");
}

/* ------------------------------------------------------------ cells */

enum numres { NUM_OK, NUM_DECIMAL, NUM_NOT, NUM_BIG };

/* A whole number with an optional sign, within +-ENK_NUMBER_LIMIT. */
static enum numres parse_number(const char *s, size_t len, int32_t *out)
{
        size_t i = 0;
        bool neg = false;
        if (i < len && (s[i] == '-' || s[i] == '+')) {
                neg = s[i] == '-';
                i++;
        }
        if (i == len)
                return NUM_NOT;
        int64_t v = 0;
        size_t digits = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
                if (v <= ENK_NUMBER_LIMIT)
                        v = v * 10 + (s[i] - '0');
        if (i < len) {
                /* 3.5 or 3,5: a number, but not a whole one. */
                if ((s[i] == '.' || s[i] == ',') && i + 1 < len) {
                        size_t k = i + 1;
                        while (k < len && s[k] >= '0' && s[k] <= '9')
                                k++;
                        if (k == len && digits)
                                return NUM_DECIMAL;
                }
                return NUM_NOT;
        }
        if (v > ENK_NUMBER_LIMIT)
                return NUM_BIG;
        *out = (int32_t) (neg ? -v : v);
        return NUM_OK;
}

/* The range of codes of a scale or single-choice question, for messages. */
static void expected_codes(const enk_csvin *r, int qi, char *buf, size_t size)
{
        const enk_question *qn = &r->q->questions[qi];
        if (qn->type == ENK_Q_SCALE) {
                const enk_scale *s = enk_question_scale(r->q, qn);
                if (!s || !s->npoints) {
                        snprintf(buf, size, "a code or a label");
                        return;
                }
                if (s->has_na)
                        snprintf(buf, size, "%d..%d, %d or a label", (int) s->points[0].value,
                                 (int) s->points[s->npoints - 1].value, (int) s->na_code);
                else
                        snprintf(buf, size, "%d..%d or a label", (int) s->points[0].value,
                                 (int) s->points[s->npoints - 1].value);
                return;
        }
        int32_t lo = INT32_MAX, hi = INT32_MIN;
        for (size_t o = 0; o < qn->noptions; o++) {
                lo = qn->options[o].value < lo ? qn->options[o].value : lo;
                hi = qn->options[o].value > hi ? qn->options[o].value : hi;
        }
        if (qn->noptions)
                snprintf(buf, size, "%d..%d or a label", (int) lo, (int) hi);
        else
                snprintf(buf, size, "a label");
}

/* "; did you mean 'LABEL'?" among the labels of question qi, or "". */
static void suggest_label(const enk_csvin *r, int qi, const char *s, size_t len, char *buf,
                          size_t size)
{
        const enk_question *qn = &r->q->questions[qi];
        struct closest c;
        buf[0] = '\0';
        if (enk_diags_dropped(r->diags))
                return; /* the list is full: spare the work */
        closest_init(&c, s, len);
        if (qn->type == ENK_Q_SCALE) {
                const enk_scale *sc = enk_question_scale(r->q, qn);
                for (size_t p = 0; sc && p < sc->npoints; p++)
                        for (size_t l = 0; l < r->q->nlanguages; l++)
                                closest_try(&c, sc->points[p].label.s[l]);
                for (size_t l = 0; sc && sc->has_na && l < r->q->nlanguages; l++)
                        closest_try(&c, sc->na_label.s[l]);
        } else {
                for (size_t o = 0; o < qn->noptions; o++)
                        for (size_t l = 0; l < r->q->nlanguages; l++)
                                closest_try(&c, qn->options[o].label.s[l]);
        }
        if (c.best)
                snprintf(buf, size, "; did you mean '%s'?", c.best);
}

static void bad_value(enk_csvin *r, unsigned col, int qi, const char *what, const char *s,
                      size_t len)
{
        char ex[64], exp[64], hint[160];
        expected_codes(r, qi, exp, sizeof(exp));
        suggest_label(r, qi, s, len, hint, sizeof(hint));
        diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false,
             "unknown %s '%s' (expected %s)%s", what, excerpt(s, len, ex, sizeof(ex)), exp, hint);
        r->qerr[qi] = 1;
}

static void number_error(enk_csvin *r, unsigned col, int qi, enum numres res, const char *s,
                         size_t len)
{
        char ex[64];
        excerpt(s, len, ex, sizeof(ex));
        if (res == NUM_DECIMAL)
                diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false,
                     "'%s' is not a whole number", ex);
        else if (res == NUM_BIG)
                diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false, "'%s' is out of range",
                     ex);
        else
                diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false, "'%s' is not a number",
                     ex);
        r->qerr[qi] = 1;
}

/* What a message calls the answer v of question qi: "option 2". */
static const char *answer_name(const enk_csvin *r, int qi, int32_t v, char *buf, size_t size)
{
        if (v == ENK_NA)
                return "the not-applicable answer";
        snprintf(buf, size, "%s %d", r->q->questions[qi].type == ENK_Q_SCALE ? "point" : "option",
                 (int) v);
        return buf;
}

/* Whether the cell s (f folded) could mean two answers of question qi: it is
 * a key two answers share (see table_put), or the label of one answer and,
 * read as a number, the code of another ("01" as option 2's label, beside
 * option 1). Then it is an error at col: the import never guesses. */
static bool ambiguous(enk_csvin *r, unsigned col, int qi, const char *s, size_t len, const char *f,
                      size_t flen)
{
        const struct lslot *sl = table_slot(r, (uint32_t) qi, f, flen);
        if (!sl)
                return false;
        int32_t a = sl->value, b = sl->other, n;
        if (a == b) {
                char key[16];
                if (parse_number(s, len, &n) != NUM_OK)
                        return false;
                int klen = snprintf(key, sizeof(key), "%d", (int) n);
                const struct lslot *code = table_slot(r, (uint32_t) qi, key, (size_t) klen);
                if (!code || code == sl || code->value == a)
                        return false;
                b = code->value;
        }
        char ex[64], na[32], nb[32];
        diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false,
             "ambiguous answer '%s': it could mean %s or %s (a label of the questionnaire is "
             "another answer's code or label; enkat check refuses it)",
             excerpt(s, len, ex, sizeof(ex)), answer_name(r, qi, a, na, sizeof(na)),
             answer_name(r, qi, b, nb, sizeof(nb)));
        r->qerr[qi] = 1;
        return true;
}

/* A scale point, single option or yes/no: the code or label in s. */
static void read_coded(enk_csvin *r, unsigned col, int qi, const char *s, size_t len)
{
        const enk_question *qn = &r->q->questions[qi];
        uint32_t ns = qn->type == ENK_Q_YESNO ? NS_YESNO : (uint32_t) qi;
        char f[FOLD_MAX];
        size_t flen = fold(s, len, f, sizeof(f));
        int32_t v;
        if (qn->type != ENK_Q_YESNO && ambiguous(r, col, qi, s, len, f, flen))
                return;
        if (table_get(r, ns, f, flen, &v)) {
                r->values[qi] = v;
                return;
        }
        /* A code the questionnaire does not have ("7", "04"): read it as a
         * number and leave the verdict to enk_response_validate. */
        enum numres res = parse_number(s, len, &v);
        if (res == NUM_OK) {
                r->values[qi] = v;
                return;
        }
        if (res == NUM_DECIMAL || res == NUM_BIG) {
                number_error(r, col, qi, res, s, len);
                return;
        }
        if (qn->type == ENK_Q_YESNO) {
                char ex[64];
                diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false,
                     "unknown answer '%s' (expected 1/0, ja/nej or yes/no)",
                     excerpt(s, len, ex, sizeof(ex)));
                r->qerr[qi] = 1;
                return;
        }
        bad_value(r, col, qi, qn->type == ENK_Q_SCALE ? "answer" : "option", s, len);
}

/* One item of a multiple-choice list: its option value, or 0 after an error. */
static int32_t read_item(enk_csvin *r, unsigned col, int qi, const char *s, size_t len)
{
        char f[FOLD_MAX];
        size_t flen = fold(s, len, f, sizeof(f));
        int32_t v;
        if (ambiguous(r, col, qi, s, len, f, flen))
                return 0;
        if (table_get(r, (uint32_t) qi, f, flen, &v))
                return v;
        enum numres res = parse_number(s, len, &v);
        if (res == NUM_OK || res == NUM_BIG) {
                char ex[64];
                diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false,
                     "%s is not one of the options", excerpt(s, len, ex, sizeof(ex)));
                r->qerr[qi] = 1;
                return 0;
        }
        bad_value(r, col, qi, "option", s, len);
        return 0;
}

static void read_multiple(enk_csvin *r, unsigned col, int qi, char *s, size_t len)
{
        /* The whole cell may be one label that holds a separator. */
        char f[FOLD_MAX];
        size_t flen = fold(s, len, f, sizeof(f));
        int32_t v;
        if (ambiguous(r, col, qi, s, len, f, flen))
                return;
        if (table_get(r, (uint32_t) qi, f, flen, &v)) {
                r->values[qi] =
                    v >= 1 && v <= ENK_OPTION_MAX ? (int32_t) (UINT32_C(1) << (v - 1)) : v;
                return;
        }
        char sep = memchr(s, '|', len) ? '|' : memchr(s, ';', len) ? ';' : ',';
        uint32_t bits = 0;
        bool bad = false;
        size_t a = 0;
        while (a <= len) {
                const char *e = memchr(s + a, sep, len - a);
                size_t b = e ? (size_t) (e - s) : len;
                size_t ilen = b - a;
                char *item = trim(s + a, &ilen);
                if (ilen) {
                        int32_t o = read_item(r, col, qi, item, ilen);
                        if (o >= 1 && o <= ENK_OPTION_MAX)
                                bits |= UINT32_C(1) << (o - 1);
                        else
                                bad = true;
                }
                a = b + 1;
        }
        if (!bad && bits)
                r->values[qi] = (int32_t) bits;
}

/* A 0/1 cell of one option of a multiple-choice question. */
static void read_mark(enk_csvin *r, unsigned col, const struct column *c, const char *s, size_t len)
{
        char f[FOLD_MAX];
        size_t flen = fold(s, len, f, sizeof(f));
        int32_t v;
        int qi = c->q;
        if (table_get(r, NS_MARK, f, flen, &v)) {
                /* found */
        } else if (table_get(r, (uint32_t) qi, f, flen, &v) && v == c->option) {
                v = 1; /* the option's own label: chosen */
        } else {
                char ex[64];
                diag(r, ENK_SEV_ERROR, r->cur_line, col, qid(r, qi), false,
                     "unknown mark '%s' for option %d (expected 1 or 0, x, ja/nej or yes/no)",
                     excerpt(s, len, ex, sizeof(ex)), (int) c->option);
                r->qerr[qi] = 1;
                return;
        }
        if (r->values[qi] == ENK_MISSING)
                r->values[qi] = 0;
        if (v)
                r->values[qi] |= (int32_t) (UINT32_C(1) << (c->option - 1));
}

static bool leap(int y)
{
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD, optionally followed by a time ("T..." or " ..."). */
static bool read_date(const char *s, size_t len, char out[11])
{
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (len < 10 || (len > 10 && s[10] != 'T' && s[10] != ' '))
                return false;
        for (int i = 0; i < 10; i++)
                if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
                        return false;
        int y = atoi(s), m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
        if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0))
                return false;
        memcpy(out, s, 10);
        out[10] = '\0';
        return true;
}

/* Free text keeps its line breaks, as LF. */
static void unix_newlines(char *s, size_t *len)
{
        size_t w = 0;
        for (size_t i = 0; i < *len; i++) {
                if (s[i] == '\r') {
                        s[w++] = '\n';
                        if (i + 1 < *len && s[i + 1] == '\n')
                                i++;
                } else {
                        s[w++] = s[i];
                }
        }
        s[w] = '\0';
        *len = w;
}

/* ------------------------------------------------------------ rows */

static bool dup_seen(enk_csvin *r, const char *key, size_t len, unsigned line, unsigned *first)
{
        /* Filled to at most 3/4: 16 bytes a slot, so 21-43 bytes a key. */
        if ((r->ndups + 1) * 4 > r->dups_cap * 3) {
                size_t cap = r->dups_cap ? r->dups_cap * 2 : 1024;
                struct dupslot *n = calloc(cap, sizeof(*n));
                if (!n)
                        return false; /* cannot check; not worth failing the read */
                for (size_t i = 0; i < r->dups_cap; i++) {
                        if (!r->dups[i].line)
                                continue;
                        size_t k = r->dups[i].hash & (cap - 1);
                        while (n[k].line)
                                k = (k + 1) & (cap - 1);
                        n[k] = r->dups[i];
                }
                free(r->dups);
                r->dups = n;
                r->dups_cap = cap;
        }
        uint64_t h = hash64(key, len);
        size_t k = h & (r->dups_cap - 1);
        while (r->dups[k].line) {
                if (r->dups[k].hash == h) {
                        *first = r->dups[k].line;
                        return true;
                }
                k = (k + 1) & (r->dups_cap - 1);
        }
        r->dups[k].hash = h;
        r->dups[k].line = line;
        r->ndups++;
        return false;
}

static void report_problem(void *ctx, enk_severity sev, size_t question,
                           enk_response_problem problem, const char *message)
{
        enk_csvin *r = ctx;
        const enk_question *qn = &r->q->questions[question];
        /* One problem per cell: a cell that could not be read is not also
         * "left blank"; a column the file lacks was reported at the header. */
        if (problem == ENK_RESPONSE_REQUIRED && (r->qerr[question] || !r->qcol[question]))
                return;
        if (problem == ENK_RESPONSE_SKIPPED && qn->show_if && r->qerr[qn->show_if->question])
                return;
        if (problem == ENK_RESPONSE_INVALID)
                r->qerr[question] = 1;
        diag(r, sev, r->cur_line, r->qcol[question], qn->id, false, "%s", message);
}

static void process_row(enk_csvin *r)
{
        const enk_questionnaire *q = r->q;
        r->cur_line = r->rec_line;
        r->row_errors = 0;
        /* Rows of nothing but separators (Excel leaves them) are skipped. */
        bool blank = true;
        for (size_t c = 0; c < r->ncells && blank; c++) {
                size_t len = r->cells[c].len;
                trim(r->rowbuf + r->cells[c].off, &len);
                blank = len == 0;
        }
        if (blank && !r->row_too_long) {
                r->stats.rows_blank++;
                return;
        }
        r->stats.rows++;
        size_t index = r->row_index++;
        if (r->row_too_long) {
                diag(r, ENK_SEV_ERROR, r->cur_line, 0, NULL, true, "row longer than %u bytes",
                     ROW_MAX);
                r->stats.rows_invalid++;
                return;
        }
        if (r->swallowed_line) {
                diag(r, ENK_SEV_ERROR, r->cur_line, r->swallowed_col, NULL, true,
                     "quoted field runs over the line end and takes in line %u, which looks like "
                     "a whole row (a quote that is never closed?)",
                     r->swallowed_line);
                r->stats.rows_invalid++;
                return;
        }
        if (r->nfields != r->ncols) {
                diag(r, ENK_SEV_ERROR, r->cur_line,
                     (unsigned) (r->nfields < r->ncols ? r->nfields + 1 : r->ncols + 1), NULL, true,
                     "row has %zu fields, the header has %zu%s", r->nfields, r->ncols,
                     r->multiline_line ? " (a quoted field runs over the line end: a quote that "
                                         "is never closed?)"
                                       : "");
                r->stats.rows_invalid++;
                return;
        }
        for (size_t i = 0; i < q->nquestions; i++) {
                r->values[i] = ENK_MISSING;
                r->texts[i] = NULL;
                r->qerr[i] = 0;
        }
        const char *respondent = NULL, *date = NULL, *unit = NULL;
        int year = 0;
        for (size_t c = 0; c < r->ncols; c++) {
                const struct column *col = &r->cols[c];
                unsigned cno = (unsigned) c + 1;
                size_t len = r->cells[c].len;
                char *s = trim(r->rowbuf + r->cells[c].off, &len);
                if (!len)
                        continue;
                s[len] = '\0';
                const char *subject = col->q >= 0 ? qid(r, col->q)
                                      : col->kind == C_UNKNOWN || col->kind == C_IGNORE
                                          ? NULL
                                          : kind_names[col->kind];
                /* Only bytes >= 0x80 (or NUL) can be bad: skip the check for ASCII. */
                bool ascii = true;
                for (size_t i = 0; i < len && ascii; i++)
                        ascii = (unsigned char) s[i] < 0x80 && s[i];
                if (!ascii && !utf8_valid((const unsigned char *) s, len)) {
                        diag(r, ENK_SEV_ERROR, r->cur_line, cno, subject, true, "bad encoding: %s",
                             bad_encoding(r, s, len));
                        if (col->q >= 0)
                                r->qerr[col->q] = 1;
                        continue;
                }
                /* Bytes are checked in every column, read or not: a bad byte
                 * means the file is not what it seems. */
                if (col->kind == C_UNKNOWN || col->kind == C_IGNORE)
                        continue;
                switch (col->kind) {
                case C_RESPONDENT:
                        respondent = s;
                        break;
                case C_DATE:
                        if (read_date(s, len, r->date)) {
                                date = r->date;
                        } else {
                                char ex[64];
                                diag(r, ENK_SEV_ERROR, r->cur_line, cno, subject, false,
                                     "invalid date '%s' (expected YYYY-MM-DD)",
                                     excerpt(s, len, ex, sizeof(ex)));
                        }
                        break;
                case C_UNIT:
                        unit = s;
                        break;
                case C_YEAR: {
                        int32_t y;
                        if (parse_number(s, len, &y) == NUM_OK && y >= 1990 && y <= 2100) {
                                year = (int) y;
                        } else {
                                char ex[64];
                                diag(r, ENK_SEV_ERROR, r->cur_line, cno, subject, false,
                                     "invalid year '%s' (expected 1990..2100)",
                                     excerpt(s, len, ex, sizeof(ex)));
                        }
                        break;
                }
                case C_OPTION:
                        read_mark(r, cno, col, s, len);
                        break;
                case C_QUESTION: {
                        const enk_question *qn = &q->questions[col->q];
                        switch (qn->type) {
                        case ENK_Q_TEXT:
                                unix_newlines(s, &len);
                                r->values[col->q] = 1;
                                r->texts[col->q] = s;
                                break;
                        case ENK_Q_NUMBER: {
                                int32_t v;
                                enum numres res = parse_number(s, len, &v);
                                if (res == NUM_OK)
                                        r->values[col->q] = v;
                                else
                                        number_error(r, cno, col->q, res, s, len);
                                break;
                        }
                        case ENK_Q_MULTIPLE:
                                read_multiple(r, cno, col->q, s, len);
                                break;
                        default:
                                read_coded(r, cno, col->q, s, len);
                                break;
                        }
                        break;
                }
                default:
                        break;
                }
        }
        /* Option columns that were all 0: nothing chosen is no answer. */
        for (size_t i = 0; i < q->nquestions; i++)
                if (q->questions[i].type == ENK_Q_MULTIPLE && r->values[i] == 0)
                        r->values[i] = ENK_MISSING;
        if (respondent) {
                unsigned first;
                if (dup_seen(r, respondent, strlen(respondent), r->cur_line, &first)) {
                        char ex[64];
                        diag(r, ENK_SEV_ERROR, r->cur_line, (unsigned) r->resp_col + 1,
                             "respondent", false, "duplicate respondent key '%s' (first on row %u)",
                             excerpt(respondent, strlen(respondent), ex, sizeof(ex)), first);
                }
        }
        enk_response_validate(q, r->values, report_problem, r);
        if (r->row_errors) {
                r->stats.rows_invalid++;
                return;
        }
        r->stats.rows_valid++;
        if (!r->row_fn)
                return;
        enk_csvin_row row = {
            .file = r->name,
            .line = r->cur_line,
            .index = index,
            .respondent = respondent,
            .date = date,
            .unit = unit,
            .year = year,
            .values = r->values,
            .texts = r->texts,
        };
        enk_status st = r->row_fn(r->row_ctx, &row);
        if (st != ENK_OK) {
                r->stop = true;
                r->stop_status = st;
        }
}

/* ------------------------------------------------------------ mapping file */

/* Adds the mapping header h -> target t (both trimmed and NUL-terminated) read
 * at line of the mapping file, reporting problems at column hcol (the header)
 * or tcol (the target): shared by the CSV and the YAML form of the file. */
static void add_mapping(enk_csvin *r, unsigned line, unsigned hcol, unsigned tcol, char *h,
                        size_t hl, char *t, size_t tl)
{
        char fh[FOLD_MAX], ft[FOLD_MAX];
        size_t fhl = fold(h, hl, fh, sizeof(fh)), ftl = fold(t, tl, ft, sizeof(ft));
        (void) ft;
        if (!hl || fhl == SIZE_MAX) {
                diag(r, ENK_SEV_ERROR, line, hcol, NULL, false,
                     hl ? "column header too long" : "empty column header");
                return;
        }
        if (!tl) {
                diag(r, ENK_SEV_ERROR, line, tcol, NULL, false, "missing question id");
                return;
        }
        enk_status st = ftl == SIZE_MAX ? ENK_ERR_NOTFOUND : enk_csvin_map(r, h, t);
        if (st == ENK_ERR_NOTFOUND) {
                char ex[64], hint[96];
                suggest_column(r, t, hint, sizeof(hint));
                diag(r, ENK_SEV_ERROR, line, tcol, NULL, false, "unknown question '%s'%s",
                     excerpt(t, tl, ex, sizeof(ex)), hint);
        } else if (st == ENK_ERR_EXISTS) {
                unsigned prev = 0;
                for (size_t m = 0; m < r->nmaps; m++)
                        if (r->maps[m].folded_len == fhl && !memcmp(r->maps[m].folded, fh, fhl))
                                prev = r->maps[m].line;
                char ex[64];
                if (prev)
                        diag(r, ENK_SEV_ERROR, line, hcol, NULL, false,
                             "column '%s' is mapped already (row %u)",
                             excerpt(h, hl, ex, sizeof(ex)), prev);
                else
                        diag(r, ENK_SEV_ERROR, line, hcol, NULL, false,
                             "column '%s' is mapped already", excerpt(h, hl, ex, sizeof(ex)));
        } else if (st == ENK_OK) {
                struct mapping *mp = &r->maps[r->nmaps - 1];
                mp->line = line;
                mp->file = strdup(r->name);
        } else {
                r->stop = true;
                r->stop_status = st;
        }
}

static void map_record(enk_csvin *r)
{
        unsigned line = r->rec_line;
        bool first = !r->got_map_header;
        r->got_map_header = true;
        bool blank = true;
        for (size_t c = 0; c < r->ncells && blank; c++) {
                size_t len = r->cells[c].len;
                trim(r->rowbuf + r->cells[c].off, &len);
                blank = len == 0;
        }
        if (blank)
                return;
        r->stats.rows++;
        if (r->nfields != 2) {
                diag(r, ENK_SEV_ERROR, line, r->nfields < 2 ? 2 : 3, NULL, true,
                     "expected 2 fields (column header, question id), got %zu", r->nfields);
                return;
        }
        size_t hl = r->cells[0].len, tl = r->cells[1].len;
        char *h = trim(r->rowbuf + r->cells[0].off, &hl);
        char *t = trim(r->rowbuf + r->cells[1].off, &tl);
        h[hl] = '\0';
        t[tl] = '\0';
        if (!utf8_valid((unsigned char *) h, hl) || !utf8_valid((unsigned char *) t, tl)) {
                bool hok = utf8_valid((unsigned char *) h, hl);
                diag(r, ENK_SEV_ERROR, line, hok ? 2 : 1, NULL, true, "bad encoding: %s",
                     hok ? bad_encoding(r, t, tl) : bad_encoding(r, h, hl));
                return;
        }
        char fh[FOLD_MAX], ft[FOLD_MAX];
        size_t fhl = fold(h, hl, fh, sizeof(fh)), ftl = fold(t, tl, ft, sizeof(ft));
        if (first && fhl != SIZE_MAX && ftl != SIZE_MAX &&
            ((fhl == 6 && !memcmp(fh, "column", 6) && ftl == 8 && !memcmp(ft, "question", 8)) ||
             (fhl == 6 && !memcmp(fh, "kolumn", 6) && ftl == 6 && !memcmp(ft, "fr\xc3\xa5ga", 6))))
                return;
        add_mapping(r, line, 1, 2, h, hl, t, tl);
}

enk_status enk_csvin_map(enk_csvin *r, const char *header, const char *target)
{
        if (!r || !header || !target)
                return ENK_ERR_USAGE;
        char fh[FOLD_MAX], ft[FOLD_MAX];
        size_t fhl = fold(header, strlen(header), fh, sizeof(fh));
        size_t ftl = fold(target, strlen(target), ft, sizeof(ft));
        if (fhl == SIZE_MAX || fhl == 0 || ftl == SIZE_MAX)
                return ENK_ERR_USAGE;
        enum ckind kind;
        int qi = -1;
        int32_t option = 0;
        if (ftl == 1 && ft[0] == '-')
                kind = C_IGNORE;
        else if (!resolve(r, ft, ftl, true, &kind, &qi, &option))
                return ENK_ERR_NOTFOUND;
        for (size_t m = 0; m < r->nmaps; m++)
                if (r->maps[m].folded_len == fhl && !memcmp(r->maps[m].folded, fh, fhl))
                        return ENK_ERR_EXISTS;
        if (r->nmaps == r->maps_cap) {
                size_t cap = r->maps_cap ? r->maps_cap * 2 : 16;
                struct mapping *n = realloc(r->maps, cap * sizeof(*n));
                if (!n)
                        return ENK_ERR_NOMEM;
                r->maps = n;
                r->maps_cap = cap;
        }
        struct mapping *mp = &r->maps[r->nmaps];
        *mp = (struct mapping){.folded = strndup(fh, fhl),
                               .folded_len = fhl,
                               .header = strdup(header),
                               .kind = kind,
                               .q = qi,
                               .option = option};
        if (!mp->folded || !mp->header) {
                free(mp->folded);
                free(mp->header);
                return ENK_ERR_NOMEM;
        }
        r->nmaps++;
        return ENK_OK;
}

/* ------------------------------------------------------------ libcsv glue */

/* Free text may run over lines inside quotes, but a quote never closed that
 * a later quote happens to close swallows whole rows, which libcsv's strict
 * mode cannot see. Two signs of it, noted here and reported with the row
 * (process_row): a line inside the field that holds as many separators as a
 * whole row; or a last line that starts with as many fields as came before
 * the field on its first line (the closing quote is then in the same column,
 * so the record even has the right number of fields). */
static void check_swallowed(enk_csvin *r, const char *s, size_t len)
{
        if (r->ncols < 3 || !len || (!memchr(s, '\n', len) && !memchr(s, '\r', len)))
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
                } else if (s[i] == r->stats.separator && breaks && !found &&
                           ++seps == r->ncols - 1) {
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

static void on_field(void *s, size_t len, void *data)
{
        enk_csvin *r = data;
        size_t limit = r->header_done ? r->ncols + 1 : COLUMNS_MAX + 1;
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
                        r->stop = true;
                        r->stop_status = ENK_ERR_NOMEM;
                        return;
                }
                r->rowbuf = n;
                r->row_cap = cap;
        }
        if (r->ncells == r->cells_cap) {
                size_t cap = r->cells_cap ? r->cells_cap * 2 : 64;
                struct cell *n = realloc(r->cells, cap * sizeof(*n));
                if (!n) {
                        r->stop = true;
                        r->stop_status = ENK_ERR_NOMEM;
                        return;
                }
                r->cells = n;
                r->cells_cap = cap;
        }
        if (len)
                memcpy(r->rowbuf + r->row_len, s, len);
        r->rowbuf[r->row_len + len] = '\0';
        r->cells[r->ncells++] = (struct cell){r->row_len, len};
        r->row_len += len + 1;
        if (r->mode == MODE_DATA && r->header_done && !r->swallowed_line)
                check_swallowed(r, s, len);
}

static void on_record(int c, void *data)
{
        enk_csvin *r = data;
        (void) c;
        r->in_record = false;
        if (r->sep_line) {
                r->sep_line = false; /* the "sep=;" line: nothing to read */
        } else if (!r->stop) {
                if (r->mode == MODE_MAP)
                        map_record(r);
                else if (!r->header_done)
                        process_header(r);
                else
                        process_row(r);
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
static void strict_error(enk_csvin *r, unsigned char c)
{
        unsigned col = (unsigned) r->nfields + 1;
        char what[16];
        if (c >= 0x20 && c < 0x7F)
                snprintf(what, sizeof(what), "'%c'", c);
        else
                snprintf(what, sizeof(what), "byte 0x%02X", c);
        if (!r->csv.quoted)
                diag(r, ENK_SEV_ERROR, r->line, col, NULL, true,
                     "quote inside an unquoted field (quote the whole field and double the "
                     "quote: \"a \"\"b\"\"\")");
        else if (r->line == r->rec_line)
                diag(r, ENK_SEV_ERROR, r->rec_line, col, NULL, true,
                     "quoted field goes on after its closing quote with %s (a quote inside "
                     "quotes is written \"\")",
                     what);
        else
                diag(r, ENK_SEV_ERROR, r->rec_line, col, NULL, true,
                     "quoted field runs over the line end to line %u, where a quote is followed "
                     "by %s (a quote that is never closed?)",
                     r->line, what);
}

/* Feeds decoded text to libcsv one line at a time, keeping r->line (the
 * physical line) and r->rec_line (where the current record began). Stops the
 * read at a NUL byte (a binary file), at a quote that RFC 4180 does not allow
 * (libcsv's strict mode) and at a record longer than ROW_MAX: an endless line
 * (/dev/zero, a quote never closed) must not be read to its end. */
static void parse_text(enk_csvin *r, const char *s, size_t n)
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
                                r->stop_status = ENK_ERR_NOMEM;
                        else
                                diag(r, ENK_SEV_ERROR, r->rec_line, (unsigned) r->nfields + 1, NULL,
                                     true,
                                     "field longer than %u bytes (a quote that is never closed?)",
                                     FIELD_MAX);
                        r->stop = true;
                        return;
                }
                if (r->stop)
                        return;
                if (nul) {
                        diag(r, ENK_SEV_ERROR, r->line, (unsigned) r->nfields + 1, NULL, true,
                             "NUL byte (a binary file, not CSV text?)");
                        r->stop = true;
                        return;
                }
                if (r->in_record && r->rec_bytes > ROW_MAX) {
                        diag(r, ENK_SEV_ERROR, r->rec_line, 0, NULL, true,
                             "row longer than %u bytes without an end (a line end or a closing "
                             "quote missing?)",
                             ROW_MAX);
                        r->stop = true;
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
static void sniff_separator(enk_csvin *r, const char *s, size_t n)
{
        /* Excel's hint line "sep=;" names the separator and is no header. */
        if (n >= 6 && !memcmp(s, "sep=", 4) && (s[5] == '\r' || s[5] == '\n') &&
            (s[4] == ';' || s[4] == ',' || s[4] == '\t' || s[4] == '|')) {
                csv_set_delim(&r->csv, (unsigned char) s[4]);
                r->stats.separator = s[4];
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
        r->stats.separator = sep;
        r->sep_known = true;
}

static void emit(enk_csvin *r, const char *s, size_t n)
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
static void convert(enk_csvin *r, char *in, size_t inleft, char **out, size_t *outleft, bool eof)
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
static void decode(enk_csvin *r, const unsigned char *s, size_t n, bool eof)
{
        size_t total = r->npending + n;
        if (total > r->in_cap) {
                char *b = realloc(r->in, total);
                if (!b) {
                        r->stop = true;
                        r->stop_status = ENK_ERR_NOMEM;
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
static bool open_cp1252(enk_csvin *r)
{
        r->enc = ENC_CP1252;
        r->stats.encoding = enc_names[r->enc];
        r->cd = iconv_open("UTF-8", "CP1252");
        /* CP1252 becomes at most 3 times as long in UTF-8 */
        r->out_cap = 3 * (r->chunk > SNIFF_SIZE ? r->chunk : SNIFF_SIZE) + 16;
        r->out = malloc(r->out_cap);
        if (r->cd == (iconv_t) -1 || !r->out) {
                r->stop = true;
                r->stop_status = ENK_ERR_NOMEM;
                return false;
        }
        return true;
}

static size_t utf8_lead_len(unsigned char c)
{
        return c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
}

/* A file read as UTF-8 whose bytes so far were all ASCII may still be
 * Windows-1252 (Excel's codes-only export with an "ä" on row 5000): the first
 * non-ASCII character decides, and since ASCII reads the same in both, nothing
 * read before it changes. A character cut by the chunk's end waits in
 * r->pending. */
static void utf8_bytes(enk_csvin *r, const unsigned char *s, size_t n, bool eof)
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
        if ((need && have >= need && utf8_valid(seq, need)) ||
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

static void process_bytes(enk_csvin *r, const unsigned char *s, size_t n, bool eof)
{
        if (r->enc == ENC_UTF8 || r->enc == ENC_UTF8_BOM)
                utf8_bytes(r, s, n, eof);
        else
                decode(r, s, n, eof);
}

/* Decides the encoding from the first bytes and starts decoding. */
static void do_sniff(enk_csvin *r, bool eof)
{
        const unsigned char *s = r->sniff;
        size_t n = r->sniff_len, skip = 0;
        r->sniffed = true;
        if ((n >= 4 && !memcmp(s, "PK\x03\x04", 4)) ||
            (n >= 4 && !memcmp(s, "\xD0\xCF\x11\xE0", 4))) {
                diag(r, ENK_SEV_ERROR, 1, 0, NULL, true,
                     "an Excel workbook, not a CSV file (save it as CSV)");
                r->stop = true;
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
        r->stats.encoding = enc_names[r->enc];
        if (from) {
                r->cd = iconv_open("UTF-8", from);
                /* UTF-16 becomes at most 3/2 as long, CP1252 at most 3 times */
                r->out_cap = 3 * (r->chunk > SNIFF_SIZE ? r->chunk : SNIFF_SIZE) + 16;
                r->out = malloc(r->out_cap);
                if (r->cd == (iconv_t) -1 || !r->out) {
                        r->stop = true;
                        r->stop_status = ENK_ERR_NOMEM;
                        return;
                }
        }
        process_bytes(r, s + skip, n - skip, eof);
        free(r->sniff);
        r->sniff = NULL;
}

static void push(enk_csvin *r, const unsigned char *s, size_t n)
{
        if (r->stop)
                return;
        if (r->bytes_fn && r->mode == MODE_DATA) {
                enk_status st = r->bytes_fn(r->bytes_ctx, s, n);
                if (st != ENK_OK) {
                        r->stop = true;
                        r->stop_status = st;
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

static enk_status read_begin(enk_csvin *r, const char *name, uint64_t total, enk_diags *diags,
                             enum mode mode)
{
        read_release(r);
        free_columns(r);
        free(r->name);
        r->name = strdup(name ? name : "");
        r->diags = diags;
        r->mode = mode;
        memset(&r->stats, 0, sizeof(r->stats));
        r->total = total;
        r->stop = false;
        r->stop_status = ENK_OK;
        r->syntax_err = r->data_err = false;
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
        r->header_done = false;
        r->header_line = 0;
        r->got_map_header = false;
        r->row_index = 0;
        r->resp_col = r->date_col = r->unit_col = r->year_col = -1;
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

static enk_status read_end(enk_csvin *r)
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
                        diag(r, ENK_SEV_ERROR, r->rec_line, (unsigned) r->nfields + 1, NULL, true,
                             "quoted field never closed (missing '\"')");
                } else {
                        csv_fini(&r->csv, on_field, on_record, r);
                }
        }
        if (r->mode == MODE_DATA && !r->header_done && r->stop_status == ENK_OK && !r->syntax_err)
                diag(r, ENK_SEV_ERROR, 1, 0, NULL, true,
                     "the file is empty (expected a header row)");
        else if (r->mode == MODE_DATA && r->header_done && !r->stop && r->stats.rows == 0 &&
                 !r->syntax_err)
                diag(r, ENK_SEV_ERROR, r->header_line, 0, NULL, false,
                     "no responses: the file has a header row only");
        read_release(r);
        if (r->stop_status != ENK_OK)
                return r->stop_status;
        if (r->syntax_err)
                return ENK_ERR_SYNTAX;
        if (r->data_err)
                return ENK_ERR_DATA;
        return ENK_OK;
}

static void progress(enk_csvin *r)
{
        if (r->progress_fn)
                r->progress_fn(r->progress_ctx, r->stats.bytes, r->total);
}

static enk_status read_stream(enk_csvin *r, FILE *fp, const char *name, uint64_t total,
                              enk_diags *diags, enum mode mode)
{
        enk_status st = read_begin(r, name, total, diags, mode);
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
                r->stats.bytes += n;
                push(r, buf, n);
                progress(r);
        }
        free(buf);
        if (ferror(fp)) {
                enk_diags_add(diags, ENK_SEV_ERROR, (enk_loc){r->name, 0, 0}, NULL,
                              "cannot read file: %s", strerror(errno));
                read_release(r);
                return ENK_ERR_IO;
        }
        return read_end(r);
}

static enk_status read_path(enk_csvin *r, const char *path, enk_diags *diags, enum mode mode)
{
        if (!r || !path)
                return ENK_ERR_USAGE;
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                enk_diags_add(diags, ENK_SEV_ERROR, (enk_loc){path, 0, 0}, NULL,
                              "cannot open file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        struct stat sb;
        uint64_t total =
            fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t) sb.st_size : 0;
        enk_status st = read_stream(r, fp, path, total, diags, mode);
        fclose(fp);
        return st;
}

enk_status enk_csvin_read_file(enk_csvin *r, const char *path, enk_diags *diags)
{
        return read_path(r, path, diags, MODE_DATA);
}

enk_status enk_csvin_read_stream(enk_csvin *r, FILE *fp, const char *name, enk_diags *diags)
{
        if (!r || !fp)
                return ENK_ERR_USAGE;
        return read_stream(r, fp, name, 0, diags, MODE_DATA);
}

enk_status enk_csvin_read_buf(enk_csvin *r, const void *buf, size_t len, const char *name,
                              enk_diags *diags)
{
        if (!r || (!buf && len))
                return ENK_ERR_USAGE;
        enk_status st = read_begin(r, name, len, diags, MODE_DATA);
        if (st != ENK_OK) {
                read_release(r);
                return st;
        }
        const unsigned char *s = buf;
        for (size_t off = 0; off < len && !r->stop; off += r->chunk) {
                size_t n = len - off < r->chunk ? len - off : r->chunk;
                r->stats.bytes += n;
                push(r, s + off, n);
                progress(r);
        }
        return read_end(r);
}

/* One `header: question id` pair of a YAML mapping file. */
static enk_status yaml_pair(void *ctx, const char *key, const char *value, enk_loc loc)
{
        enk_csvin *r = ctx;
        char *h = strdup(key), *t = strdup(value);
        if (!h || !t) {
                free(h);
                free(t);
                return ENK_ERR_NOMEM;
        }
        size_t hl = strlen(h), tl = strlen(t);
        char *th = trim(h, &hl), *tt = trim(t, &tl);
        th[hl] = '\0';
        tt[tl] = '\0';
        r->stats.rows++;
        add_mapping(r, loc.line, loc.column, loc.column, th, hl, tt, tl);
        free(h);
        free(t);
        return ENK_OK;
}

static bool is_yaml_path(const char *path)
{
        size_t n = strlen(path);
        return (n > 5 && !strcasecmp(path + n - 5, ".yaml")) ||
               (n > 4 && !strcasecmp(path + n - 4, ".yml"));
}

enk_status enk_csvin_load_map(enk_csvin *r, const char *path, enk_diags *diags)
{
        enk_status st;
        if (r && path && is_yaml_path(path)) {
                /* The YAML form: parsed by survey/yml.c (the one libyaml
                 * user), each pair checked here like a CSV row. */
                st = read_begin(r, path, 0, diags, MODE_MAP);
                if (st == ENK_OK) {
                        enk_status yst = enk_yml_read_pairs(path, yaml_pair, r, diags);
                        st = read_end(r);
                        if (yst != ENK_OK)
                                st = yst;
                }
        } else {
                st = read_path(r, path, diags, MODE_MAP);
        }
        /* Reading the data file later must not see the map's counts. */
        if (r)
                memset(&r->stats, 0, sizeof(r->stats));
        return st;
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
        enk_csvin_table_fn fn;
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

enk_status enk_csvin_read_table(const char *path, enk_csvin_table_fn fn, void *ctx,
                                enk_diags *diags)
{
        if (!path || !fn)
                return ENK_ERR_USAGE;
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

enk_status enk_csvin_write_field(FILE *fp, const char *s, char sep)
{
        if (!s)
                s = "";
        size_t len = strlen(s);
        /* Quote only when needed, so plain codes stay plain for every reader. */
        bool quote =
            len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
        for (size_t i = 0; i < len && !quote; i++)
                quote = s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
        if (!quote)
                return fwrite(s, 1, len, fp) == len ? ENK_OK : ENK_ERR_IO;
        return csv_fwrite2(fp, s, len, '"') == 0 ? ENK_OK : ENK_ERR_IO;
}
