/* survey/csvin.c - reading response files (CSV) against a questionnaire.
 *
 * The reader drives a plain CSV decoder (survey/csv.h: sniffing, decoding,
 * libcsv, line numbers) and reads what it hands on: the first record is the
 * header, matched here to questions and meta columns (or to the mapping
 * file, also read here, as CSV or as YAML); every later record is a data row,
 * read in survey/csvin_row.c. The two files share survey/csvin_internal.h.
 */
#include "survey/csvin.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "survey/csvin_internal.h"
#include "survey/yml.h"

const char *const csvin_kind_names[] = {"unknown", "ignored", "respondent", "date",
                                        "unit",    "year",    "question",   "option"};

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
        r->source = ENK_SOURCE_IMPORT;
        r->csv = enk_csv_new();
        size_t nq = q->nquestions ? q->nquestions : 1;
        r->values = malloc(nq * sizeof(*r->values));
        r->texts = malloc(nq * sizeof(*r->texts));
        r->qerr = malloc(nq);
        r->qcol = calloc(nq, sizeof(*r->qcol));
        if (!r->csv || !r->values || !r->texts || !r->qerr || !r->qcol || !csvin_build_tables(r)) {
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
        free(r->digits);
        free(r->values);
        free(r->texts);
        free(r->qerr);
        free(r->qcol);
        enk_csv_free(r->csv);
        free(r->name);
        free(r);
}

void enk_csvin_set_source(enk_csvin *r, enk_response_source source)
{
        if (r)
                r->source = source;
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

void csvin_diag(enk_csvin *r, enk_severity sev, unsigned line, unsigned col, const char *subject,
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

const char *csvin_qid(const enk_csvin *r, int q)
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
            csvin_table_get(r, (uint32_t) k, f + lstart, llen, &v)) {
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
                snprintf(c->desc, sizeof(c->desc), "%s", csvin_kind_names[c->kind]);
}

/* The question whose id or text (in any language of the questionnaire) the
 * unknown header is close to, as a "did you mean" would suggest it: a
 * misspelled question column, whose answers would otherwise be dropped
 * silently. NULL when none is close. */
static const char *near_question(const enk_csvin *r, const char *header)
{
        struct closest c;
        csvin_closest_init(&c, header, strlen(header));
        for (size_t i = 0; i < r->q->nquestions; i++) {
                const enk_question *qu = &r->q->questions[i];
                csvin_closest_try(&c, qu->id);
                for (size_t l = 0; l < r->q->nlanguages; l++)
                        csvin_closest_try(&c, qu->text.s[l]);
        }
        csvin_closest_done(&c);
        if (!c.best)
                return NULL;
        for (size_t i = 0; i < r->q->nquestions; i++) {
                const enk_question *qu = &r->q->questions[i];
                if (c.best == qu->id)
                        return qu->id;
                for (size_t l = 0; l < r->q->nlanguages; l++)
                        if (c.best == qu->text.s[l])
                                return qu->id;
        }
        return NULL;
}

static void suggest_column(const enk_csvin *r, const char *header, char *buf, size_t size)
{
        struct closest c;
        csvin_closest_init(&c, header, strlen(header));
        for (size_t i = 0; i < r->q->nquestions; i++)
                csvin_closest_try(&c, r->q->questions[i].id);
        for (size_t i = 0; i < sizeof(meta_names) / sizeof(*meta_names); i++)
                csvin_closest_try(&c, meta_names[i].name);
        csvin_closest_done(&c);
        buf[0] = '\0';
        if (c.best) {
                snprintf(buf, size, enk_diag_text("; did you mean '%s'?"), c.best);
                return;
        }
        /* The id a question had in an earlier edition: say so, since a file
         * of that year belongs with that edition (or needs a mapping). */
        char f[FOLD_MAX];
        size_t len = csvin_fold(header, strlen(header), f, sizeof(f) - 1);
        if (len == SIZE_MAX)
                return;
        f[len] = '\0';
        int k = enk_questionnaire_find_linked(r->q, f);
        if (k >= 0 && strcmp(r->q->questions[k].id, f) != 0)
                snprintf(buf, size, enk_diag_text(" (the id of '%s' in an earlier edition)"),
                         r->q->questions[k].id);
}

/* Matches header column c to what it names (the mapping first, then the
 * questionnaire): true when it names something, false when it is unknown,
 * unreadable, or out of memory (r->stop). */
static bool match_column(enk_csvin *r, size_t c)
{
        struct column *col = &r->cols[c];
        unsigned cno = (unsigned) c + 1;
        size_t len = r->rec->fields[c].len;
        char *h = csvin_trim(r->rec->fields[c].s, &len);
        col->header = strndup(h, len);
        col->q = -1;
        col->kind = C_UNKNOWN;
        if (!col->header) {
                r->stop = true;
                r->stop_status = ENK_ERR_NOMEM;
                return false;
        }
        const char *bad = enk_csv_bad_encoding(r->csv, h, len);
        if (bad) {
                csvin_diag(r, ENK_SEV_ERROR, r->rec->line, cno, NULL, true,
                           "bad encoding in the header: %s", bad);
                describe(col);
                return false;
        }
        char f[FOLD_MAX];
        size_t flen = csvin_fold(h, len, f, sizeof(f));
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
                        found = resolve(r, f, flen, false, &col->kind, &col->q, &col->option);
        }
        describe(col);
        if (!found) {
                char hint[96], ex[64];
                const char *qid = len ? near_question(r, col->header) : NULL;
                if (qid) {
                        /* an error, not a warning: the question's answers
                         * would be lost without a word in the summary */
                        csvin_diag(r, ENK_SEV_ERROR, r->rec->line, cno, NULL, false,
                                   "unknown column '%s' is close to question '%s': correct "
                                   "the header, or map the column in a --map file (to the "
                                   "question, or to '-' to ignore it)",
                                   enk_utf8_excerpt(h, len, ex, sizeof(ex)), qid);
                        return false;
                }
                suggest_column(r, col->header, hint, sizeof(hint));
                if (len == 0)
                        csvin_diag(r, ENK_SEV_WARNING, r->rec->line, cno, NULL, false,
                                   "column without a header ignored");
                else
                        csvin_diag(r, ENK_SEV_WARNING, r->rec->line, cno, NULL, false,
                                   "unknown column '%s' ignored%s",
                                   enk_utf8_excerpt(h, len, ex, sizeof(ex)), hint);
        }
        return found;
}

/* A column that names something a column before it named already is an
 * error, and is ignored. */
static void ignore_column(enk_csvin *r, struct column *col, const char *subject, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));
static void ignore_column(enk_csvin *r, struct column *col, const char *subject, const char *fmt,
                          ...)
{
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        csvin_diag(r, ENK_SEV_ERROR, r->rec->line, (unsigned) (col - r->cols) + 1, subject, false,
                   "%s", msg);
        col->kind = C_IGNORE;
        describe(col);
}

/* Places the matched column c: a meta column, a question's own column or
 * one option column of a multiple-choice question (optcol and optbits say,
 * per question, where its option columns began and which were seen).
 * Returns whether it is a question column that counts as matched. */
static bool place_column(enk_csvin *r, size_t c, unsigned *optcol, uint32_t *optbits)
{
        struct column *col = &r->cols[c];
        unsigned cno = (unsigned) c + 1;
        int *meta = col->kind == C_RESPONDENT ? &r->resp_col
                    : col->kind == C_DATE     ? &r->date_col
                    : col->kind == C_UNIT     ? &r->unit_col
                    : col->kind == C_YEAR     ? &r->year_col
                                              : NULL;
        if (meta) {
                if (*meta >= 0)
                        ignore_column(r, col, csvin_kind_names[col->kind],
                                      "second %s column (the first is column %d)",
                                      csvin_kind_names[col->kind], *meta + 1);
                else
                        *meta = (int) c;
                return false;
        }
        int qi = col->q;
        if (col->kind == C_QUESTION) {
                if (r->qcol[qi] || optcol[qi]) {
                        ignore_column(r, col, csvin_qid(r, qi),
                                      "second column for the question (the first is column %u)",
                                      r->qcol[qi] ? r->qcol[qi] : optcol[qi]);
                        return false;
                }
                r->qcol[qi] = cno;
                return true;
        }
        if (col->kind != C_OPTION)
                return false;
        uint32_t bit = UINT32_C(1) << (col->option - 1);
        if (r->qcol[qi]) {
                ignore_column(r, col, csvin_qid(r, qi),
                              "option column for a question read from one column already "
                              "(column %u)",
                              r->qcol[qi]);
                return false;
        }
        if (optbits[qi] & bit) {
                ignore_column(r, col, csvin_qid(r, qi), "second column for option %d",
                              (int) col->option);
                return false;
        }
        optbits[qi] |= bit;
        if (!optcol[qi])
                optcol[qi] = cno;
        return true;
}

/* After every column is placed: mappings the file did not use, and whether
 * the header can be read at all. */
static void check_header(enk_csvin *r, size_t matched)
{
        const enk_questionnaire *q = r->q;
        for (size_t m = 0; m < r->nmaps; m++)
                if (!r->maps[m].used)
                        enk_diags_add(r->diags, ENK_SEV_WARNING,
                                      (enk_loc){r->maps[m].file, r->maps[m].line, 1}, NULL,
                                      "mapped column '%s' is not in '%s'", r->maps[m].header,
                                      r->name);
        if (matched == 0) {
                csvin_diag(r, ENK_SEV_ERROR, r->rec->line, 0, NULL, true,
                           "no column matches a question of '%s' (the header should name "
                           "question ids such as '%s')",
                           q->survey ? q->survey : "", q->nquestions ? q->questions[0].id : "");
                r->stop = true;
                return;
        }
        for (size_t i = 0; i < q->nquestions; i++)
                if (q->questions[i].required && !r->qcol[i])
                        csvin_diag(r, ENK_SEV_ERROR, r->rec->line, 0, q->questions[i].id, false,
                                   "required question has no column");
}

/* Allocates the columns of the header record; false (and r->stop) when the
 * header is too wide or memory is out. */
static bool header_begin(enk_csvin *r)
{
        r->header_done = true;
        r->header_line = r->rec->line;
        r->stats.columns = r->rec->nfields;
        if (r->rec->nfields > COLUMNS_MAX) {
                csvin_diag(r, ENK_SEV_ERROR, r->rec->line, COLUMNS_MAX + 1, NULL, true,
                           "the header has %zu columns, more than the %d allowed", r->rec->nfields,
                           COLUMNS_MAX);
                r->stop = true;
                return false;
        }
        size_t n = r->rec->nkept;
        r->cols = calloc(n ? n : 1, sizeof(*r->cols));
        if (!r->cols) {
                r->stop = true;
                r->stop_status = ENK_ERR_NOMEM;
                return false;
        }
        r->ncols = n;
        r->resp_col = r->date_col = r->unit_col = r->year_col = -1;
        for (size_t i = 0; i < r->q->nquestions; i++)
                r->qcol[i] = 0;
        for (size_t i = 0; i < r->nmaps; i++)
                r->maps[i].used = false;
        return true;
}

static void process_header(enk_csvin *r)
{
        const enk_questionnaire *q = r->q;
        if (!header_begin(r))
                return;
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
        for (size_t c = 0; c < r->ncols && !r->stop; c++)
                if (match_column(r, c) && place_column(r, c, optcol, optbits))
                        matched++;
        /* Option columns: the question is placed at its first option column. */
        for (size_t i = 0; i < q->nquestions; i++)
                if (!r->qcol[i] && optcol[i])
                        r->qcol[i] = optcol[i];
        free(optcol);
        free(optbits);
        r->stats.question_columns = matched;
        if (!r->stop)
                check_header(r, matched);
}

/* ------------------------------------------------------------ mapping file */

/* Adds the mapping header h -> target t (both trimmed and NUL-terminated) read
 * at line of the mapping file, reporting problems at column hcol (the header)
 * or tcol (the target): shared by the CSV and the YAML form of the file. */
static void add_mapping(enk_csvin *r, unsigned line, unsigned hcol, unsigned tcol, char *h,
                        size_t hl, char *t, size_t tl)
{
        char fh[FOLD_MAX], ft[FOLD_MAX];
        size_t fhl = csvin_fold(h, hl, fh, sizeof(fh)), ftl = csvin_fold(t, tl, ft, sizeof(ft));
        (void) ft;
        if (!hl || fhl == SIZE_MAX) {
                csvin_diag(r, ENK_SEV_ERROR, line, hcol, NULL, false,
                           hl ? ENK_MSGID("column header too long")
                              : ENK_MSGID("empty column header"));
                return;
        }
        if (!tl) {
                csvin_diag(r, ENK_SEV_ERROR, line, tcol, NULL, false, "missing question id");
                return;
        }
        enk_status st = ftl == SIZE_MAX ? ENK_ERR_NOTFOUND : enk_csvin_map(r, h, t);
        if (st == ENK_ERR_NOTFOUND) {
                char ex[64], hint[96];
                suggest_column(r, t, hint, sizeof(hint));
                csvin_diag(r, ENK_SEV_ERROR, line, tcol, NULL, false, "unknown question '%s'%s",
                           enk_utf8_excerpt(t, tl, ex, sizeof(ex)), hint);
        } else if (st == ENK_ERR_EXISTS) {
                unsigned prev = 0;
                for (size_t m = 0; m < r->nmaps; m++)
                        if (r->maps[m].folded_len == fhl && !memcmp(r->maps[m].folded, fh, fhl))
                                prev = r->maps[m].line;
                char ex[64];
                if (prev)
                        csvin_diag(r, ENK_SEV_ERROR, line, hcol, NULL, false,
                                   "column '%s' is mapped already (row %u)",
                                   enk_utf8_excerpt(h, hl, ex, sizeof(ex)), prev);
                else
                        csvin_diag(r, ENK_SEV_ERROR, line, hcol, NULL, false,
                                   "column '%s' is mapped already",
                                   enk_utf8_excerpt(h, hl, ex, sizeof(ex)));
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
        unsigned line = r->rec->line;
        bool first = !r->got_map_header;
        r->got_map_header = true;
        if (csvin_fields_blank(r))
                return;
        r->stats.rows++;
        if (r->rec->nfields != 2) {
                csvin_diag(r, ENK_SEV_ERROR, line, r->rec->nfields < 2 ? 2 : 3, NULL, true,
                           "expected 2 fields (column header, question id), got %zu",
                           r->rec->nfields);
                return;
        }
        size_t hl = r->rec->fields[0].len, tl = r->rec->fields[1].len;
        char *h = csvin_trim(r->rec->fields[0].s, &hl);
        char *t = csvin_trim(r->rec->fields[1].s, &tl);
        h[hl] = '\0';
        t[tl] = '\0';
        const char *hbad = enk_csv_bad_encoding(r->csv, h, hl);
        const char *tbad = enk_csv_bad_encoding(r->csv, t, tl);
        if (hbad || tbad) {
                csvin_diag(r, ENK_SEV_ERROR, line, hbad ? 1 : 2, NULL, true, "bad encoding: %s",
                           hbad ? hbad : tbad);
                return;
        }
        char fh[FOLD_MAX], ft[FOLD_MAX];
        size_t fhl = csvin_fold(h, hl, fh, sizeof(fh)), ftl = csvin_fold(t, tl, ft, sizeof(ft));
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
        size_t fhl = csvin_fold(header, strlen(header), fh, sizeof(fh));
        size_t ftl = csvin_fold(target, strlen(target), ft, sizeof(ft));
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

/* ------------------------------------------------------------ reading */

static void sync_stats(enk_csvin *r)
{
        if (r->records)
                return;
        r->stats.bytes = enk_csv_bytes(r->csv);
        r->stats.separator = enk_csv_separator(r->csv);
        r->stats.encoding = enk_csv_encoding(r->csv);
}

/* Every record the decoder hands on: the mapping file's rows, or the header
 * and then the data rows. A stop here stops the decoder: with the status
 * that stopped the read, or ENK_ERR_SYNTAX for an error reported. */
static enk_status on_record(void *ctx, const enk_csv_record *rec)
{
        enk_csvin *r = ctx;
        r->rec = rec;
        sync_stats(r);
        if (r->mode == MODE_MAP) {
                map_record(r);
        } else if (!r->header_done) {
                process_header(r);
                if (!r->stop)
                        enk_csv_set_columns(r->csv, r->ncols);
        } else {
                csvin_process_row(r);
        }
        r->rec = NULL;
        if (!r->stop)
                return ENK_OK;
        return r->stop_status != ENK_OK ? r->stop_status : ENK_ERR_SYNTAX;
}

static enk_status read_begin(enk_csvin *r, const char *name, enk_diags *diags, enum mode mode)
{
        read_release(r);
        free_columns(r);
        free(r->name);
        r->name = strdup(name ? name : "");
        r->diags = diags;
        r->mode = mode;
        memset(&r->stats, 0, sizeof(r->stats));
        r->stop = false;
        r->stop_status = ENK_OK;
        r->syntax_err = r->data_err = false;
        r->header_done = false;
        r->header_line = 0;
        r->got_map_header = false;
        r->row_index = 0;
        r->resp_col = r->date_col = r->unit_col = r->year_col = -1;
        if (!r->name)
                return ENK_ERR_NOMEM;
        enk_csv_set_record_fn(r->csv, on_record, r);
        /* What was read is copied or hashed for data files only. */
        enk_csv_set_bytes_fn(r->csv, mode == MODE_DATA ? r->bytes_fn : NULL, r->bytes_ctx);
        enk_csv_set_progress_fn(r->csv, r->progress_fn, r->progress_ctx);
        enk_csv_set_chunk_size(r->csv, r->chunk);
        return ENK_OK;
}

/* Ends a read whose decoder returned st: the checks of a whole file, and the
 * read's status. */
static enk_status read_end(enk_csvin *r, enk_status st)
{
        if (st == ENK_ERR_SYNTAX) {
                r->syntax_err = true;
        } else if (st != ENK_OK && r->stop_status == ENK_OK) {
                r->stop = true;
                r->stop_status = st;
        }
        if (r->mode == MODE_DATA && !r->header_done && r->stop_status == ENK_OK && !r->syntax_err)
                csvin_diag(r, ENK_SEV_ERROR, 1, 0, NULL, true,
                           "the file is empty (expected a header row)");
        else if (r->mode == MODE_DATA && r->header_done && !r->stop && r->stats.rows == 0 &&
                 !r->syntax_err)
                csvin_diag(r, ENK_SEV_ERROR, r->header_line, 0, NULL, false,
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

/* Reads fp (when not NULL) or len bytes at buf. */
static enk_status read_input(enk_csvin *r, FILE *fp, const void *buf, size_t len, const char *name,
                             uint64_t total, enk_diags *diags, enum mode mode)
{
        enk_status st = read_begin(r, name, diags, mode);
        if (st != ENK_OK) {
                read_release(r);
                return st;
        }
        if (fp)
                st = enk_csv_read_stream(r->csv, fp, r->name, total, diags);
        else
                st = enk_csv_read_buf(r->csv, buf, len, r->name, diags);
        sync_stats(r);
        /* Out of memory before the first byte, or a file that cannot be
         * read: no checks of the whole file. */
        if (st == ENK_ERR_NOMEM || st == ENK_ERR_IO) {
                read_release(r);
                return st;
        }
        return read_end(r, st);
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
        enk_status st = read_input(r, fp, NULL, 0, path, total, diags, mode);
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
        return read_input(r, fp, NULL, 0, name, 0, diags, MODE_DATA);
}

enk_status enk_csvin_read_buf(enk_csvin *r, const void *buf, size_t len, const char *name,
                              enk_diags *diags)
{
        if (!r || (!buf && len))
                return ENK_ERR_USAGE;
        return read_input(r, NULL, buf, len, name, len, diags, MODE_DATA);
}

enk_status enk_csvin_read_records(enk_csvin *r, const char *name, enk_csvin_records_fn produce,
                                  void *ctx, enk_diags *diags)
{
        if (!r || !produce)
                return ENK_ERR_USAGE;
        enk_status st = read_begin(r, name, diags, MODE_DATA);
        if (st != ENK_OK) {
                read_release(r);
                return st;
        }
        r->records = true;
        st = produce(ctx, on_record, r);
        r->records = false;
        if (st == ENK_ERR_NOMEM || st == ENK_ERR_IO) {
                read_release(r);
                return st;
        }
        return read_end(r, st);
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
        char *th = csvin_trim(h, &hl), *tt = csvin_trim(t, &tl);
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
                st = read_begin(r, path, diags, MODE_MAP);
                if (st == ENK_OK) {
                        enk_status yst = enk_yml_read_pairs(path, yaml_pair, r, diags);
                        st = read_end(r, ENK_OK);
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
