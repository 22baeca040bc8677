/* survey/codes.c - one-time access codes: Crockford base32, 60 random bits, SHA-256, derived keys.
 *
 * The design and the reasons for the alphabet and the length are in codes.h.
 * Randomness, SHA-256 and derived keys come from survey/hash.h, so this file
 * uses no library of its own. Issuing a batch (the order in codes.h that
 * keeps the CSV and the store in step) works through survey/store.h and
 * writes its CSV with survey/csv.h's field writer; a reminder reads the
 * letters' CSV back with survey/csv.h's table reader.
 */
#include "survey/codes.h"
#include "survey/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "survey/csvin.h"
#include "survey/hash.h"
#include "survey/lang.h"
#include "survey/questionnaire.h"
#include "survey/store.h"
#include "survey/utf8.h"

const char enk_codes_alphabet[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

enk_status enk_codes_generate(char out[ENK_CODES_GROUPED_SIZE], enk_diags *diags)
{
        unsigned char bytes[8];
        enk_status status = enk_hash_random(bytes, sizeof(bytes), diags);
        if (status != ENK_OK)
                return status;
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++)
                bits = bits << 8 | bytes[i];
        /* Five bits per symbol, 60 of the 64: 32 is a power of two, so each
         * symbol is exactly uniform, which "% 32" of a larger range would not
         * guarantee for alphabets of other sizes. */
        char norm[ENK_CODES_NORMALIZED_SIZE];
        for (int i = 0; i < ENK_CODES_SYMBOLS; i++) {
                norm[i] = enk_codes_alphabet[bits & 31];
                bits >>= 5;
        }
        norm[ENK_CODES_SYMBOLS] = '\0';
        enk_codes_format(norm, out);
        return ENK_OK;
}

/* The 5-bit value of an ASCII character as Crockford reads it, -1 for a
 * character that is not a symbol. */
static int symbol_value(unsigned char c)
{
        if (c >= 'a' && c <= 'z')
                c = (unsigned char) (c - 'a' + 'A');
        switch (c) {
        case 'O':
                return 0;
        case 'I':
        case 'L':
                return 1;
        case 'U':
                return -1;
        default:
                break;
        }
        const char *p = c ? strchr(enk_codes_alphabet, c) : NULL;
        return p ? (int) (p - enk_codes_alphabet) : -1;
}

/* The length of a separator at s (ASCII space, tab or dash, or one of the
 * UTF-8 spaces and dashes that copying from a PDF or a word processor brings
 * along), 0 when there is none. */
static size_t separator(const unsigned char *s)
{
        if (s[0] == ' ' || s[0] == '\t' || s[0] == '-')
                return 1;
        if (s[0] == 0xC2 && s[1] == 0xA0) /* U+00A0 no-break space */
                return 2;
        if (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x90 && s[2] <= 0x95)
                return 3; /* U+2010-U+2015 hyphen, non-breaking hyphen, dashes */
        if (s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xAF) /* U+202F narrow no-break space */
                return 3;
        if (s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92) /* U+2212 minus sign */
                return 3;
        return 0;
}

bool enk_codes_normalize(const char *typed, char out[ENK_CODES_NORMALIZED_SIZE])
{
        if (!typed)
                return false;
        char norm[ENK_CODES_NORMALIZED_SIZE];
        size_t n = 0;
        const unsigned char *s = (const unsigned char *) typed;
        while (*s) {
                size_t skip = separator(s);
                if (skip) {
                        s += skip;
                        continue;
                }
                int v = symbol_value(*s);
                if (v < 0 || n == ENK_CODES_SYMBOLS)
                        return false;
                norm[n++] = enk_codes_alphabet[v];
                s++;
        }
        if (n != ENK_CODES_SYMBOLS)
                return false;
        norm[n] = '\0';
        memcpy(out, norm, sizeof(norm));
        return true;
}

/* Whether norm is exactly 12 symbols of the alphabet, as written out. */
static bool normalized(const char *norm)
{
        if (!norm)
                return false;
        for (int i = 0; i < ENK_CODES_SYMBOLS; i++)
                if (!norm[i] || !strchr(enk_codes_alphabet, norm[i]))
                        return false;
        return norm[ENK_CODES_SYMBOLS] == '\0';
}

void enk_codes_format(const char *norm, char out[ENK_CODES_GROUPED_SIZE])
{
        if (!normalized(norm)) {
                out[0] = '\0';
                return;
        }
        char *p = out;
        for (int i = 0; i < ENK_CODES_SYMBOLS; i++) {
                if (i && i % 4 == 0)
                        *p++ = '-';
                *p++ = norm[i];
        }
        *p = '\0';
}

void enk_codes_hash(const char *norm, char hex[65])
{
        enk_hash_sha256_hex(norm, norm ? strnlen(norm, ENK_CODES_SYMBOLS) : 0, hex);
}

bool enk_codes_keys(const char *norm, enk_code_keys *keys)
{
        if (!normalized(norm))
                return false;
        unsigned char b[32];
        enk_codes_hash(norm, keys->hash);
        /* The contexts are part of the stored format: never change them. */
        enk_hash_derive("enkat spent mark v1", norm, ENK_CODES_SYMBOLS, b);
        for (int i = 0; i < 32; i++)
                snprintf(keys->spent + 2 * i, 3, "%02x", b[i]);
        enk_hash_derive("enkat draft row v1", norm, ENK_CODES_SYMBOLS, b);
        for (int i = 0; i < 32; i++)
                snprintf(keys->draft + 2 * i, 3, "%02x", b[i]);
        enk_hash_derive("enkat draft key v1", norm, ENK_CODES_SYMBOLS, keys->draft_key);
        memset(b, 0, sizeof(b));
        return true;
}

/* ------------------------------------------------ issuing a batch of codes */

/* The codes of the batch: grouped for the CSV, hashed for the store. */
struct made {
        char (*codes)[ENK_CODES_GROUPED_SIZE];
        char (*hashes)[ENK_HASH_HEX_SIZE];
        const char **hash_ptrs;
        size_t n;
};

static void made_free(struct made *b)
{
        free(b->codes);
        free(b->hashes);
        free(b->hash_ptrs);
}

static enk_status made_make(struct made *b, enk_diags *diags)
{
        for (size_t i = 0; i < b->n; i++) {
                enk_status st = enk_codes_generate(b->codes[i], diags);
                if (st != ENK_OK)
                        return st;
                char norm[ENK_CODES_NORMALIZED_SIZE];
                enk_codes_normalize(b->codes[i], norm);
                enk_codes_hash(norm, b->hashes[i]);
        }
        return ENK_OK;
}

/* The wave's code counts, read back through the store. */
static enk_status take_counts(void *ctx, const enk_store_wave_info *w)
{
        enk_codes_counts *c = ctx;
        c->issued = w->codes_issued;
        c->spent = w->codes_spent;
        c->tests_issued = w->tests_issued;
        c->tests_spent = w->tests_spent;
        return ENK_OK;
}

/* ------------------------------------------------------- a wave's details */

/* Whether s is a detail a page and a letter can show: UTF-8, not too long,
 * no control character (a line of a letter, a CSV field, a web page). */
static bool detail_text_ok(const char *s)
{
        size_t n = strlen(s);
        if (n > ENK_CODES_DETAIL_MAX || !enk_utf8_valid(s, n))
                return false;
        for (const unsigned char *p = (const unsigned char *) s; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

enk_status enk_codes_check_details(const enk_store_wave_details *d, enk_diags *diags)
{
        enk_status st = ENK_OK;
        enk_loc none = {0};
        const struct {
                const char *value, *what;
        } text[3] = {{d->municipality, ENK_MSGID("municipality")},
                     {d->contact, ENK_MSGID("contact")},
                     {d->url, ENK_MSGID("web address")}};
        for (int i = 0; i < 3; i++)
                if (text[i].value && !detail_text_ok(text[i].value)) {
                        /* Not quoted: it may be what breaks the line. */
                        enk_error(diags, none,
                                  "the %s holds a line break or another control character, or "
                                  "is longer than %d bytes",
                                  enk_diag_text(text[i].what), ENK_CODES_DETAIL_MAX);
                        st = ENK_ERR_USAGE;
                }
        char words[32];
        if (d->deadline && *d->deadline && !enk_lang_date(ENK_LANG_SV, d->deadline, words)) {
                enk_error(diags, none, "deadline '%s' is not a date YYYY-MM-DD", d->deadline);
                st = ENK_ERR_USAGE;
        }
        /* The line of the letter sends people there: a typo here reaches every home. */
        const char *u = d->url;
        if (u && *u &&
            ((strncmp(u, "https://", 8) && strncmp(u, "http://", 7)) || strpbrk(u, " \t") ||
             !strchr(u, '.'))) {
                enk_error(diags, none,
                          "web address '%s' is not an address like https://enkat.example.se", u);
                st = ENK_ERR_USAGE;
        }
        return st;
}

static bool any_detail(const enk_store_wave_details *d)
{
        return d->municipality || d->deadline || d->contact || d->url;
}

enk_status enk_codes_set_details(const char *db, const char *unit, int year,
                                 const enk_store_wave_details *d, enk_diags *diags)
{
        enk_status st = enk_codes_check_details(d, diags);
        if (st != ENK_OK)
                return st;
        enk_store *store = NULL;
        int64_t unit_id = 0, wave = 0;
        if ((st = enk_store_open(db, 0, &store, diags)) == ENK_OK &&
            (st = enk_store_find_unit(store, unit, &unit_id, diags)) == ENK_OK &&
            (st = enk_store_find_wave(store, unit_id, year, &wave, NULL, diags)) == ENK_OK)
                st = enk_store_set_wave_details(store, wave, d, diags);
        enk_store_free(store);
        return st;
}

/* ---------------------------------------------------------------- the CSV */

enum { NCOLS = 8 };

/* Writes one row of NCOLS fields with survey/csv.h's field writer. */
static bool write_row(FILE *fp, const char *const *field, size_t n, char sep, const char *eol)
{
        for (size_t c = 0; c < n; c++)
                if ((c && fputc(sep, fp) == EOF) ||
                    enk_csv_write_field(fp, field[c], sep) != ENK_OK)
                        return false;
        return fputs(eol, fp) >= 0;
}

/* The line of the letter: where to go, which code, by when. Each part is
 * left out when the wave does not know it. A new malloc'ed string. */
static char *letter_line(enk_lang lang, int year, const enk_store_wave_details *w, const char *code)
{
        char *where = NULL, *line = NULL, day[32];
        int n = w->url
                    ? asprintf(
                          &where,
                          enk_lang_pick(lang, (enk_lang_pair){"Gå till %s och skriv in din kod %s.",
                                                              "Go to %s and enter your code %s."}),
                          w->url, code)
                    : asprintf(&where,
                               enk_lang_pick(
                                   lang, (enk_lang_pair){"Din personliga kod till enkäten %d: %s.",
                                                         "Your personal code for the %d survey: "
                                                         "%s."}),
                               year, code);
        if (n < 0)
                return NULL;
        if (enk_lang_date(lang, w->deadline, day))
                n = asprintf(&line,
                             enk_lang_pick(lang, (enk_lang_pair){"%s Svara senast %s.",
                                                                 "%s Please answer by %s."}),
                             where, day);
        else
                n = asprintf(&line, "%s", where);
        free(where);
        return n < 0 ? NULL : line;
}

/* The letters' columns, in both languages; the last five say what the wave
 * says about itself (COL_LINE on), and a reminder writes them anew. */
enum { COL_CODE, COL_UNIT, COL_YEAR, COL_LINE, COL_URL, COL_DEADLINE, COL_CONTACT, COL_MUNI };
static const char *const head_sv[NCOLS] = {"kod",        "enhet",        "år",      "rad",
                                           "webbadress", "svara_senast", "kontakt", "kommun"};
static const char *const head_en[NCOLS] = {"code", "unit",     "year",    "line",
                                           "url",  "deadline", "contact", "municipality"};

/* The wave's columns of one letter (COL_LINE to COL_MUNI) into row; the line
 * is malloc'ed into *line (NULL: out of memory), day is its deadline's buffer. */
static void wave_columns(enk_lang lang, int year, const enk_store_wave_details *w, const char *code,
                         const char **row, char **line, char day[32])
{
        if (!enk_lang_date(lang, w->deadline, day))
                day[0] = '\0';
        *line = letter_line(lang, year, w, code);
        row[COL_LINE] = *line;
        row[COL_URL] = w->url;
        row[COL_DEADLINE] = w->deadline && *w->deadline ? day : "";
        row[COL_CONTACT] = w->contact;
        row[COL_MUNI] = w->municipality;
}

/* Writes the CSV of the batch to fp and syncs it to disk; w is what the
 * wave says about itself. */
static bool write_csv(FILE *fp, const enk_codes_batch *o, const enk_store_wave_details *w,
                      const struct made *m)
{
        char sep = o->excel ? ';' : ',';
        const char *eol = o->excel ? "\r\n" : "\n";
        enk_lang lang = o->en ? ENK_LANG_EN : ENK_LANG_SV;
        bool ok = (!o->excel || fputs("\xef\xbb\xbf", fp) >= 0) &&
                  write_row(fp, o->en ? head_en : head_sv, NCOLS, sep, eol);
        char year[16], day[32];
        snprintf(year, sizeof(year), "%d", o->year);
        for (size_t i = 0; i < m->n && ok; i++) {
                char *line = NULL;
                const char *row[NCOLS] = {m->codes[i], o->unit, year};
                wave_columns(lang, o->year, w, m->codes[i], row, &line, day);
                ok = line && write_row(fp, row, NCOLS, sep, eol);
                free(line);
        }
        /* On disk before the store commits: after the commit the file is the
         * only place the codes exist. */
        return ok && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
}

/* Syncs the directory of path, so that a rename survives a power cut. */
static void sync_dir(const char *path)
{
        const char *slash = strrchr(path, '/');
        char *dir = slash ? strndup(path, (size_t) (slash - path) + 1) : strdup(".");
        int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
        if (fd >= 0) {
                fsync(fd);
                close(fd);
        }
        free(dir);
}

/* Renames tmp to out unless out exists (it may have appeared meanwhile). */
static int rename_new(const char *tmp, const char *out)
{
        if (link(tmp, out) == 0) {
                unlink(tmp); /* should this fail, a second name of the same file stays */
                return 0;
        }
        if (errno == EEXIST)
                return -1;
        /* A file system without hard links: check, then rename. */
        struct stat sb;
        if (stat(out, &sb) == 0) {
                errno = EEXIST;
                return -1;
        }
        return rename(tmp, out);
}

/* The wave to add codes to: found, or with -q made (edition, unit, wave).
 * Inside the open transaction. */
static enk_status find_or_make_wave(enk_store *store, const enk_codes_batch *o,
                                    const enk_questionnaire *q, int64_t *wave, int64_t *edition,
                                    int64_t *unit, enk_diags *diags)
{
        enk_status st;
        if (q) {
                if ((st = enk_store_add_edition(store, q, edition, diags)) != ENK_OK ||
                    (st = enk_store_unit(store, o->unit, unit, diags)) != ENK_OK)
                        return st;
                return enk_store_wave(store, *unit, o->year, *edition, -1, wave, diags);
        }
        if ((st = enk_store_find_unit(store, o->unit, unit, diags)) != ENK_OK)
                return st;
        return enk_store_find_wave(store, *unit, o->year, wave, edition, diags);
}

/* Creates tmp for writing, refusing an existing output or tmp (neither is
 * ours to touch). On success *fp is open on tmp. */
static enk_status open_tmp(const char *output, const char *tmp, FILE **fp, enk_diags *diags)
{
        /* Errors about a file name it first, as every diagnostic does. */
        enk_loc out_loc = {.file = output}, tmp_loc = {.file = tmp};
        struct stat sb;
        if (stat(output, &sb) == 0) {
                enk_error(diags, out_loc,
                          "exists and may hold earlier codes: choose a new file name");
                return ENK_ERR_EXISTS;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 && errno == EEXIST) {
                /* Not ours: never removed. */
                enk_error(diags, tmp_loc,
                          "exists (left by an earlier run?) and may hold codes: look at "
                          "it, then move it away");
                return ENK_ERR_EXISTS;
        }
        if (fd < 0 || !(*fp = fdopen(fd, "w"))) {
                enk_error(diags, out_loc, "cannot write file: %s", strerror(errno));
                if (fd >= 0) {
                        close(fd);
                        unlink(tmp);
                }
                return ENK_ERR_IO;
        }
        return ENK_OK;
}

/* Steps 2 and 3 of codes.h inside the open transaction: the wave, the
 * codes' hashes (made again on a collision), the number sent, the CSV. */
static enk_status store_and_write(const enk_codes_batch *o, enk_store *store,
                                  const enk_questionnaire *q, struct made *m, FILE **fp,
                                  enk_codes_counts *c, enk_diags *diags)
{
        int64_t wave = 0, edition = 0, unit = 0;
        enk_status st = find_or_make_wave(store, o, q, &wave, &edition, &unit, diags);
        if (st == ENK_ERR_NOTFOUND && !q)
                enk_diags_add(diags, ENK_SEV_NOTE, (enk_loc){.file = o->db}, NULL,
                              "no wave %s %d: give --questionnaire to create it", o->unit, o->year);
        if (st != ENK_OK)
                return st;
        enk_store_wave_details w;
        if ((any_detail(&o->details) &&
             (st = enk_store_set_wave_details(store, wave, &o->details, diags)) != ENK_OK) ||
            (st = enk_store_wave_details_get(store, wave, &w, diags)) != ENK_OK)
                return st;
        /* A new code equal to one in the store (any wave) has probability
         * about N * M / 2^60; should it happen, the whole batch is made
         * again (add_codes adds all or nothing). */
        for (int attempt = 0;; attempt++) {
                if ((st = made_make(m, diags)) != ENK_OK)
                        return st;
                enk_diags *scratch = enk_diags_new(0);
                if (!scratch)
                        return ENK_ERR_NOMEM;
                st = o->test ? enk_store_add_test_codes(store, wave, m->hash_ptrs, m->n, scratch)
                             : enk_store_add_codes(store, wave, m->hash_ptrs, m->n, scratch);
                if (st != ENK_ERR_EXISTS || attempt == 4)
                        for (size_t i = 0; i < enk_diags_count(scratch); i++) {
                                const enk_diag *d = enk_diags_get(scratch, i);
                                enk_diags_add(diags, d->severity,
                                              (enk_loc){d->file, d->line, d->column}, d->subject,
                                              "%s", d->message);
                        }
                enk_diags_free(scratch);
                if (st == ENK_OK)
                        break;
                if (st != ENK_ERR_EXISTS || attempt == 4)
                        return st;
        }
        enk_store_filter f = {.unit_id = unit, .year = o->year};
        if ((st = enk_store_waves(store, &f, take_counts, c, diags)) != ENK_OK)
                return st;
        if (o->sent &&
            (st = enk_store_wave(store, unit, o->year, edition, c->issued, &wave, diags)) != ENK_OK)
                return st;

        /* The reason is the first failure's: closing may set errno again. */
        bool written = write_csv(*fp, o, &w, m);
        int err = errno;
        if (fclose(*fp) != 0 && written) {
                written = false;
                err = errno;
        }
        *fp = NULL;
        if (!written) {
                enk_error(diags, ((enk_loc){.file = o->output}),
                          "cannot write file: %s; no codes were stored", strerror(err));
                return ENK_ERR_IO;
        }
        return ENK_OK;
}

static bool made_alloc(struct made *m)
{
        m->codes = malloc(m->n * sizeof(*m->codes));
        m->hashes = malloc(m->n * sizeof(*m->hashes));
        m->hash_ptrs = malloc(m->n * sizeof(*m->hash_ptrs));
        if (!m->codes || !m->hashes || !m->hash_ptrs)
                return false;
        for (size_t i = 0; i < m->n; i++)
                m->hash_ptrs[i] = m->hashes[i];
        return true;
}

enk_status enk_codes_issue(const enk_codes_batch *o, enk_codes_counts *counts, enk_diags *diags)
{
        enk_questionnaire *q = NULL;
        enk_store *store = NULL;
        struct made m = {.n = (size_t) o->count};
        FILE *fp = NULL;
        bool tmp_ours = false, stored = false;
        enk_status st = ENK_ERR_NOMEM;
        char *tmp = NULL;
        if (asprintf(&tmp, "%s.tmp", o->output) < 0) {
                tmp = NULL;
                goto out;
        }
        if ((st = enk_codes_check_details(&o->details, diags)) != ENK_OK)
                goto out;
        if (o->questionnaire &&
            (st = enk_questionnaire_load(o->questionnaire, &q, diags)) != ENK_OK)
                goto out;
        /* The output first: a file that cannot be written changes nothing. */
        if ((st = open_tmp(o->output, tmp, &fp, diags)) != ENK_OK)
                goto out;
        tmp_ours = true;
        st = ENK_ERR_NOMEM;
        if (!made_alloc(&m))
                goto out;
        enk_codes_counts c = {0};
        if ((st = enk_store_open(o->db, q ? ENK_STORE_CREATE : 0, &store, diags)) != ENK_OK ||
            (st = enk_store_begin(store, diags)) != ENK_OK ||
            (st = store_and_write(o, store, q, &m, &fp, &c, diags)) != ENK_OK ||
            (st = enk_store_commit(store, diags)) != ENK_OK)
                goto out;

        /* Stored. From here on the codes must not be deleted. */
        tmp_ours = false;
        stored = true;
        if (rename_new(tmp, o->output) != 0) {
                enk_error(diags, ((enk_loc){.file = tmp}),
                          "the codes are stored, but this file cannot be renamed to '%s' "
                          "(%s): use it, it holds all %ld codes",
                          o->output, strerror(errno), o->count);
                st = ENK_ERR_IO;
                goto out;
        }
        sync_dir(o->output);
        if (counts)
                *counts = c;
out:
        if (fp)
                fclose(fp);
        if (tmp_ours)
                unlink(tmp);
        if (st != ENK_OK && !stored)
                enk_store_rollback(store);
        enk_store_free(store);
        enk_questionnaire_free(q);
        made_free(&m);
        free(tmp);
        return st;
}

/* ------------------------------------------------------------- reminders */

/* How many wrong rows a reminder reports before it only counts them. */
#define REMINDER_ERRORS_MAX 20

struct reminder {
        const enk_codes_reminder *r;
        enk_store *store;
        int64_t wave;
        FILE *fp;
        char sep;
        const char *eol;
        size_t code_col; /* SIZE_MAX until the header is read */
        /* the letters' columns of the wave's details (SIZE_MAX: not there),
         * written anew from what the wave says now, in the header's language */
        size_t wave_col[NCOLS];
        enk_lang lang;
        enk_store_wave_details details;
        int64_t kept, rows;
        size_t errors;
        enk_diags *diags;
};

/* The letters' separator and line end, as survey/csv.h's table reader finds
 * the separator (the first of ';', tab and ',' on the first line), and
 * whether they begin with a byte-order mark. */
static void sniff(const char *path, char *sep, bool *bom)
{
        char buf[4096] = "";
        FILE *fp = fopen(path, "rb");
        size_t n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
        if (fp)
                fclose(fp);
        buf[n] = '\0';
        *bom = !strncmp(buf, "\xef\xbb\xbf", 3);
        size_t at = strcspn(buf, ";\t,\r\n");
        *sep = strchr(";\t,", buf[at]) && buf[at] ? buf[at] : ',';
}

static void row_error(struct reminder *m, unsigned line, const char *fmt, const char *field)
{
        if (m->errors++ < REMINDER_ERRORS_MAX)
                enk_error(m->diags, ((enk_loc){m->r->letters, line, (unsigned) m->code_col + 1}),
                          fmt, field);
}

/* Writes a kept row: as it was, but for the wave's columns (the line of the
 * letter, deadline, ...), which say what the wave says now: a deadline moved
 * since the letters were made reaches the reminder. */
static enk_status reminder_write(struct reminder *m, const char *const *f, size_t n)
{
        const char **row = malloc((n ? n : 1) * sizeof *row);
        if (!row)
                return ENK_ERR_NOMEM;
        memcpy(row, f, n * sizeof *row);
        const char *now[NCOLS] = {0};
        char *line = NULL, day[32];
        wave_columns(m->lang, m->r->year, &m->details, f[m->code_col], now, &line, day);
        for (size_t k = COL_LINE; k < NCOLS; k++)
                if (m->wave_col[k] < n)
                        row[m->wave_col[k]] = now[k] ? now[k] : "";
        enk_status st = !line                                      ? ENK_ERR_NOMEM
                        : write_row(m->fp, row, n, m->sep, m->eol) ? ENK_OK
                                                                   : ENK_ERR_IO;
        free(line);
        free(row);
        return st;
}

static enk_status reminder_row(void *ctx, unsigned line, const char *const *f, size_t n)
{
        struct reminder *m = ctx;
        if (m->code_col == SIZE_MAX) {
                for (size_t c = 0; c < n && m->code_col == SIZE_MAX; c++)
                        if (!strcasecmp(f[c], "kod") || !strcasecmp(f[c], "code"))
                                m->code_col = c;
                if (m->code_col == SIZE_MAX) {
                        enk_error(m->diags, ((enk_loc){m->r->letters, line, 0}),
                                  "no column 'kod' or 'code' in the first row: not the CSV "
                                  "of the letters (enkat codes -o)?");
                        return ENK_ERR_SYNTAX;
                }
                m->lang = !strcasecmp(f[m->code_col], "code") ? ENK_LANG_EN : ENK_LANG_SV;
                const char *const *head = m->lang == ENK_LANG_EN ? head_en : head_sv;
                for (size_t k = COL_LINE; k < NCOLS; k++) {
                        m->wave_col[k] = SIZE_MAX;
                        for (size_t c = 0; c < n && m->wave_col[k] == SIZE_MAX; c++)
                                if (!strcasecmp(f[c], head[k]))
                                        m->wave_col[k] = c;
                }
                return write_row(m->fp, f, n, m->sep, m->eol) ? ENK_OK : ENK_ERR_IO;
        }
        m->rows++;
        const char *typed = m->code_col < n ? f[m->code_col] : "";
        char norm[ENK_CODES_NORMALIZED_SIZE];
        if (!enk_codes_normalize(typed, norm)) {
                row_error(m, line, ENK_MSGID("'%s' is not an access code"), typed);
                return ENK_OK;
        }
        enk_code_state state = ENK_CODE_UNKNOWN;
        enk_status st = enk_store_code_state(m->store, m->wave, norm, &state, NULL, m->diags);
        memset(norm, 0, sizeof(norm));
        if (st != ENK_OK)
                return st;
        if (state == ENK_CODE_UNKNOWN) {
                row_error(m, line, ENK_MSGID("code %s is not one of this wave's codes"), typed);
                return ENK_OK;
        }
        if (state == ENK_CODE_SPENT || m->errors)
                return ENK_OK;
        m->kept++;
        return reminder_write(m, f, n);
}

enk_status enk_codes_unused(const enk_codes_reminder *r, int64_t *kept, int64_t *rows,
                            enk_diags *diags)
{
        struct reminder m = {.r = r, .code_col = SIZE_MAX, .diags = diags};
        int64_t unit_id = 0;
        char *tmp = NULL;
        bool tmp_ours = false;
        enk_status st = ENK_ERR_NOMEM;
        if (asprintf(&tmp, "%s.tmp", r->output) < 0) {
                tmp = NULL;
                goto out;
        }
        /* Made as the letters' CSV is (it holds their codes): readable by
         * its owner only, never over an existing file. */
        if ((st = enk_store_open(r->db, ENK_STORE_READONLY, &m.store, diags)) != ENK_OK ||
            (st = enk_store_find_unit(m.store, r->unit, &unit_id, diags)) != ENK_OK ||
            (st = enk_store_find_wave(m.store, unit_id, r->year, &m.wave, NULL, diags)) != ENK_OK ||
            (st = enk_store_wave_details_get(m.store, m.wave, &m.details, diags)) != ENK_OK ||
            (st = open_tmp(r->output, tmp, &m.fp, diags)) != ENK_OK)
                goto out;
        tmp_ours = true;
        bool bom = false;
        sniff(r->letters, &m.sep, &bom);
        m.eol = m.sep == ';' ? "\r\n" : "\n";
        st = bom && fputs("\xef\xbb\xbf", m.fp) < 0 ? ENK_ERR_IO : ENK_OK;
        if (st == ENK_OK)
                st = enk_csv_read_table(r->letters, reminder_row, &m, diags);
        if (st == ENK_OK && m.code_col == SIZE_MAX) {
                enk_error(diags, ((enk_loc){.file = r->letters}), "no rows: an empty file?");
                st = ENK_ERR_SYNTAX;
        }
        if (st == ENK_OK && m.errors) {
                if (m.errors > REMINDER_ERRORS_MAX)
                        enk_diags_add(diags, ENK_SEV_NOTE, (enk_loc){.file = r->letters}, NULL,
                                      "%zu more rows with a code that is wrong",
                                      m.errors - REMINDER_ERRORS_MAX);
                st = ENK_ERR_SYNTAX;
        }
        if (st == ENK_OK && (fflush(m.fp) != 0 || fsync(fileno(m.fp)) != 0))
                st = ENK_ERR_IO;
        int err = errno;
        if (fclose(m.fp) != 0 && st == ENK_OK) {
                st = ENK_ERR_IO;
                err = errno;
        }
        m.fp = NULL;
        if (st == ENK_OK && rename_new(tmp, r->output) != 0) {
                st = ENK_ERR_IO;
                err = errno;
        }
        if (st == ENK_ERR_IO)
                enk_error(diags, ((enk_loc){.file = r->output}), "cannot write file: %s",
                          strerror(err));
        if (st != ENK_OK)
                goto out;
        tmp_ours = false;
        sync_dir(r->output);
        if (kept)
                *kept = m.kept;
        if (rows)
                *rows = m.rows;
out:
        if (m.fp)
                fclose(m.fp);
        if (tmp_ours)
                unlink(tmp);
        free(tmp);
        enk_store_free(m.store);
        return st;
}

enk_status enk_codes_delete_drafts(const char *db, const char *unit, int year, int64_t *deleted,
                                   enk_diags *diags)
{
        enk_store *store = NULL;
        int64_t unit_id = 0, wave = 0;
        enk_status st;
        if ((st = enk_store_open(db, 0, &store, diags)) == ENK_OK &&
            (st = enk_store_find_unit(store, unit, &unit_id, diags)) == ENK_OK &&
            (st = enk_store_find_wave(store, unit_id, year, &wave, NULL, diags)) == ENK_OK)
                st = enk_store_delete_drafts(store, wave, deleted, diags);
        enk_store_free(store);
        return st;
}
