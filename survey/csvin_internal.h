/* survey/csvin_internal.h - what survey/csvin.c (the reader, its header and
 * mapping file) and survey/csvin_row.c (lookup tables, cells and rows) share.
 *
 * Not a public header: only those two files include it. The names here that
 * are not static carry the prefix csvin_ so that grep finds them.
 */
#ifndef ENK_CSVIN_INTERNAL_H
#define ENK_CSVIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/csv.h"
#include "survey/csvin.h"
#include "survey/utf8.h"

#define CHUNK_DEFAULT 65536
#define COLUMNS_MAX   ENK_CSV_FIELDS_MAX
/* Labels and header texts longer than this never match (folded bytes). */
#define FOLD_MAX 512

/* Hash namespaces besides the question indexes. */
#define NS_YESNO 0xFFFFFFF0u
#define NS_MARK  0xFFFFFFF1u

enum ckind { C_UNKNOWN, C_IGNORE, C_RESPONDENT, C_DATE, C_UNIT, C_YEAR, C_QUESTION, C_OPTION };
/* What enk_csvin_column() and messages call each kind, indexed by enum ckind. */
extern const char *const csvin_kind_names[];

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

/* How a coded question reads a cell of one digit "0" to "9", the commonest
 * cell there is: bit d of fast set when it reads as value[d] without a
 * diagnostic (read_coded's answer, worked out once by csvin_build_tables). */
struct digits {
        int32_t value[10];
        unsigned short fast;
};

struct dupslot {
        uint64_t hash;
        unsigned line; /* 0 when free */
};

struct enk_csvin {
        const enk_questionnaire *q;
        enk_csv *csv; /* the decoder, reused for every read */

        /* Lookup tables, built once. */
        struct lslot *slots;
        size_t nslots, nused;
        char *pool;
        size_t pool_len, pool_cap;
        /* Folded question texts per question and language, and grid texts,
         * as offsets into pool (len 0 when absent). */
        uint32_t (*qtext)[ENK_LANG_MAX][2];
        uint32_t (*gtext)[ENK_LANG_MAX][2];
        struct digits *digits; /* per question */

        struct mapping *maps;
        size_t nmaps, maps_cap;

        enk_response_source source; /* what the rows are: ENK_SOURCE_IMPORT unless set */
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
        bool stop;
        enk_status stop_status; /* set when stop is set by a callback or NOMEM */
        bool syntax_err, data_err;
        const enk_csv_record *rec; /* the record being read, during its call */
        bool records;              /* the records come from another decoder
                                    * (enk_csvin_read_records): no CSV stats */

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

/* ------------------------------------------------ csvin_row.c: text helpers */

/* Folds s[0..len) for comparison into out (outsize bytes, not terminated):
 * Unicode NFC, blanks (and no-break spaces) at both ends dropped, runs of them
 * inside made one space, ASCII and Latin-1 capitals made small (Ä -> ä).
 * Returns the folded length, or SIZE_MAX when it does not fit. */
size_t csvin_fold(const char *s, size_t len, char *out, size_t outsize);
/* Removes blanks and no-break spaces at both ends of s[0..*len), in place:
 * returns the new start and sets *len. */
char *csvin_trim(char *s, size_t *len);

/* Tracks the closest candidate to a word for a "did you mean": the rule of
 * enk_utf8_closest (survey/utf8.h) applied to the folded word and labels. */
struct closest {
        char word[FOLD_MAX + 1]; /* folded, NUL-terminated */
        bool ok;                 /* the word folded */
        enk_utf8_near near;
        const char *best; /* set by csvin_closest_done() */
};
void csvin_closest_init(struct closest *c, const char *s, size_t len);
void csvin_closest_try(struct closest *c, const char *cand);
/* Sets c->best to the candidate to suggest, or NULL. */
void csvin_closest_done(struct closest *c);

/* ------------------------------------------- csvin_row.c: tables and rows */

/* Builds the lookup tables of r->q (codes and folded labels per question,
 * folded question and grid texts); false when out of memory. */
bool csvin_build_tables(enk_csvin *r);
/* Looks up an already folded key in namespace ns (a question index or
 * NS_*); an ambiguous one is not found. */
bool csvin_table_get(const enk_csvin *r, uint32_t ns, const char *f, size_t len, int32_t *value);
/* Whether every field of r->rec that was kept is blank. */
bool csvin_fields_blank(const enk_csvin *r);
/* Reads the data row r->rec: checks it, and hands it to the row function
 * when it has no error. */
void csvin_process_row(enk_csvin *r);

/* ----------------------------------------------------- csvin.c: messages */

/* Appends a problem at line and col of the file being read; an error counts
 * for the row and marks the read as failed by syntax (a file that cannot be
 * read as it stands) or by data. */
void csvin_diag(enk_csvin *r, enk_severity sev, unsigned line, unsigned col, const char *subject,
                bool syntax, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* The id of question q, or NULL when q < 0. */
const char *csvin_qid(const enk_csvin *r, int q);

#endif
