/* survey/import.c - the batch import: which edition each file gets, duplicate and rate checks, all
 * or nothing.
 *
 * import.h says what a run does. The run is a driver over named phases:
 * prepare (questionnaires, the jobs from the manifest or the single file,
 * each job's edition), open the store and begin, import_file for each job
 * (reader, content hash, the wave and the import's row, the rows), then
 * commit or roll back. Every problem of every file is collected before the
 * run gives up, so one run lists them all.
 */
#include "survey/import.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "survey/csv.h"
#include "survey/csvin.h"
#include "survey/hash.h"
#include "survey/lang.h"
#include "survey/questionnaire.h"
#include "survey/utf8.h"
#include "survey/xlsxin.h"

/* ------------------------------------------------ the jobs: one per file */

/* One file to import. */
struct job {
        char *unit;
        int year;
        long sent; /* -1: unknown */
        char *path;
        int edition;   /* 0: the latest edition <= year */
        unsigned line; /* manifest line, 0 for a single FILE */
        const enk_questionnaire *q;
};

struct jobs {
        struct job *v;
        size_t n, cap;
        const char *manifest;
        char *dir;  /* the manifest's directory, with a trailing '/' or "" */
        int col[5]; /* unit, year, sent, file, edition: field index or -1 */
        enk_diags *diags;
};

static enk_status jobs_add(struct jobs *js, struct job j)
{
        if (js->n == js->cap) {
                size_t cap = js->cap ? 2 * js->cap : 32;
                struct job *v = realloc(js->v, cap * sizeof(*v));
                if (!v)
                        return ENK_ERR_NOMEM;
                js->v = v;
                js->cap = cap;
        }
        js->v[js->n++] = j;
        return ENK_OK;
}

static void jobs_free(struct jobs *js)
{
        for (size_t i = 0; i < js->n; i++) {
                free(js->v[i].unit);
                free(js->v[i].path);
        }
        free(js->v);
        free(js->dir);
}

static const char *const manifest_cols[5] = {"unit", "year", "sent", "file", "edition"};

/* One manifest row: the first is the header, which says where the columns are. */
static enk_status manifest_row(void *ctx, unsigned line, const char *const *f, size_t nf)
{
        struct jobs *js = ctx;
        enk_loc loc = {js->manifest, line, 0};
        if (line == 1 || js->col[0] == -2) {
                for (int c = 0; c < 5; c++) {
                        js->col[c] = -1;
                        for (size_t i = 0; i < nf; i++)
                                if (!strcmp(f[i], manifest_cols[c]))
                                        js->col[c] = (int) i;
                }
                for (int c = 0; c < 4; c++)
                        if (js->col[c] < 0 && c != 2) {
                                enk_error(js->diags, loc, "manifest has no column '%s'",
                                          manifest_cols[c]);
                                return ENK_ERR_SYNTAX;
                        }
                return ENK_OK;
        }
        const char *cell[5];
        for (int c = 0; c < 5; c++)
                cell[c] = js->col[c] >= 0 && (size_t) js->col[c] < nf ? f[js->col[c]] : "";
        struct job j = {.sent = -1, .line = line};
        long v;
        bool ok = true;
        if (!*cell[0]) {
                enk_error(js->diags, loc, "no unit");
                ok = false;
        } else if (enk_store_check_unit_name(
                       cell[0], (enk_loc){js->manifest, line, (unsigned) js->col[0] + 1},
                       js->diags) != ENK_OK) {
                ok = false; /* at the cell: row and column */
        }
        if (!enk_utf8_parse_int(cell[1], ENK_YEAR_MIN, ENK_YEAR_MAX, &v)) {
                enk_error(js->diags, loc, "year '%s' is not a year in %d-%d", cell[1], ENK_YEAR_MIN,
                          ENK_YEAR_MAX);
                ok = false;
        } else
                j.year = (int) v;
        if (*cell[2]) {
                if (!enk_utf8_parse_int(cell[2], 0, 100000000, &v)) {
                        enk_error(js->diags, loc, "sent '%s' is not a whole number", cell[2]);
                        ok = false;
                } else
                        j.sent = v;
        }
        if (!*cell[3]) {
                enk_error(js->diags, loc, "no file");
                ok = false;
        }
        if (*cell[4]) {
                if (!enk_utf8_parse_int(cell[4], ENK_YEAR_MIN, ENK_YEAR_MAX, &v)) {
                        enk_error(js->diags, loc, "edition '%s' is not a year", cell[4]);
                        ok = false;
                } else
                        j.edition = (int) v;
        }
        if (!ok)
                return ENK_OK; /* reported; go on to find every problem */
        j.unit = strdup(cell[0]);
        size_t len = strlen(js->dir) + strlen(cell[3]) + 1;
        j.path = malloc(len);
        if (!j.unit || !j.path) {
                free(j.unit);
                free(j.path);
                return ENK_ERR_NOMEM;
        }
        /* An absolute file name stands as it is. */
        snprintf(j.path, len, "%s%s", cell[3][0] == '/' ? "" : js->dir, cell[3]);
        enk_status st = jobs_add(js, j);
        if (st != ENK_OK) {
                free(j.unit);
                free(j.path);
        }
        return st;
}

static int cmp_unit(const void *a, const void *b)
{
        return strcmp(((const struct job *) a)->unit, ((const struct job *) b)->unit);
}

static int cmp_year(const void *a, const void *b)
{
        int x = ((const struct job *) a)->year, y = ((const struct job *) b)->year;
        return (x > y) - (x < y);
}

/* Number of distinct units (cmp cmp_unit) or years (cmp_year) among the jobs:
 * sorted, not compared pair by pair (29,000 files of the tenfold national
 * set made 420 million comparisons); 0 when out of memory (it is only for
 * the summary). */
static size_t distinct(const struct jobs *js, int (*cmp)(const void *, const void *))
{
        struct job *v = malloc((js->n ? js->n : 1) * sizeof(*v));
        if (!v)
                return 0;
        memcpy(v, js->v, js->n * sizeof(*v));
        qsort(v, js->n, sizeof(*v), cmp);
        size_t k = 0;
        for (size_t i = 0; i < js->n; i++)
                k += i == 0 || cmp(&v[i - 1], &v[i]) != 0;
        free(v);
        return k;
}

/* Picks each job's questionnaire; reports the jobs that have none. */
static bool choose_editions(struct jobs *js, enk_questionnaire **qs, size_t nq, const char *single,
                            enk_diags *diags)
{
        bool ok = true;
        for (size_t i = 0; i < js->n; i++) {
                struct job *j = &js->v[i];
                enk_loc loc = {j->line ? js->manifest : single, j->line, 0};
                for (size_t k = 0; k < nq; k++) {
                        int e = qs[k]->edition;
                        if (j->edition ? e == j->edition
                                       : e <= j->year && (!j->q || e > j->q->edition))
                                j->q = qs[k];
                }
                /* One questionnaire given is the one meant, whatever its
                 * year (the 2020 edition answers the 2017 wave). */
                if (!j->q && !j->edition && nq == 1)
                        j->q = qs[0];
                if (j->q)
                        continue;
                ok = false;
                if (j->edition)
                        enk_error(diags, loc,
                                  "no questionnaire of edition %d given (--questionnaire)",
                                  j->edition);
                else
                        enk_error(
                            diags, loc,
                            "no questionnaire of edition %d or earlier given (--questionnaire)",
                            j->year);
        }
        return ok;
}

/* ------------------------------------------------ storing the rows */

/* What the row callback needs to store a response. */
struct sink {
        enk_store *store;
        int64_t wave_id, import_id;
        enk_response_source source;
        enk_diags *diags;
        enk_diags *scratch; /* the store's own messages, before they are placed */
        const char *unit;
        int year;
};

/* What the store said of response r (status st, its messages in s->scratch
 * from before on), placed at r's row: the status the row leaves. */
static enk_status row_stored(struct sink *s, const enk_response *r, enk_status st, size_t before)
{
        enk_loc loc = {r->origin.file, r->origin.line, 0};
        if (st == ENK_ERR_EXISTS) {
                /* a key the store has already: named at its row, and the read
                 * goes on so that every such key is listed (nothing is kept) */
                enk_diags_add(s->diags, ENK_SEV_ERROR, loc, "respondent",
                              "respondent key '%s' already has a response in %s %d in the store",
                              r->respondent_key ? r->respondent_key : "", s->unit, s->year);
                return ENK_OK;
        }
        for (size_t i = before; i < enk_diags_count(s->scratch); i++) {
                const enk_diag *d = enk_diags_get(s->scratch, i);
                enk_diags_add(s->diags, d->severity, loc, d->subject, "%s", d->message);
        }
        return st;
}

/* ------------------------------------------------ checks across files and waves */

/* The responses and questionnaires sent of unit x year in the store (0 and
 * -1 when there is no such wave yet). */
struct wave_state {
        int64_t responses, sent;
};

static enk_status on_wave_state(void *ctx, const enk_store_wave_info *w)
{
        struct wave_state *ws = ctx;
        ws->responses += w->responses;
        if (w->sent >= 0)
                ws->sent = w->sent;
        return ENK_OK;
}

/* Whether unit x year has no wave in the store yet: two indexed lookups,
 * where wave_state() lists the unit's waves with all their counts. */
static bool wave_is_new(enk_store *store, const char *unit, int year)
{
        int64_t unit_id, wave_id;
        enk_status st = store ? enk_store_find_unit(store, unit, &unit_id, NULL) : ENK_ERR_USAGE;
        if (st == ENK_OK)
                st = enk_store_find_wave(store, unit_id, year, &wave_id, NULL, NULL);
        return st == ENK_ERR_NOTFOUND;
}

static struct wave_state wave_state(enk_store *store, const char *unit, int year)
{
        struct wave_state ws = {0, -1};
        enk_store_filter f = {.year = year};
        if (store && enk_store_find_unit(store, unit, &f.unit_id, NULL) == ENK_OK)
                enk_store_waves(store, &f, on_wave_state, &ws, NULL);
        return ws;
}

/* What an import must not do silently (docs/csv.md, "Imported twice"): the
 * same file into two waves, a wave that doubles, more responses than
 * questionnaires sent. Warnings go to fd and are kept in notes for the
 * summary; a number sent (given now) below the responses is an error. */
struct checks {
        /* The content hashes of the files before in this run, a set: open
         * addressing on the hash's first digits, an empty slot "". */
        char (*hashes)[ENK_HASH_HEX_SIZE];
        size_t n, cap;
        char **notes;
        size_t nnotes;
        enk_lang lang;
};

/* The checks' messages, in the language of the run's summary. */
enum check_msg { MSG_SAME_FILE, MSG_SAME_CONTENT, MSG_DOUBLED, MSG_OVER_SENT, MSG_RATE, NMSGS };
static const enk_lang_pair check_msgs[NMSGS] = {
    [MSG_SAME_FILE] = {"samma fil (%s) importerades till %s %d den %.10s",
                       "the same file (%s) was imported into %s %d on %s"},
    [MSG_SAME_CONTENT] = {"samma innehåll som en annan fil i denna import",
                          "the same content as another file of this import"},
    [MSG_DOUBLED] = {"%s %d hade %lld svar och har nu %lld: samma svar två gånger?",
                     "%s %d had %lld responses and now has %lld: the same answers twice?"},
    [MSG_OVER_SENT] = {"%ld utskickade enkäter, men %s %d har %lld svar",
                       "%ld questionnaires sent, but %s %d has %lld responses"},
    [MSG_RATE] =
        {"%s %d har %lld svar på %lld utskickade enkäter (svarsfrekvens %.0f %%)",
         "%s %d has %lld responses to %lld questionnaires sent (a response rate of %.0f %%)"},
};

static const char *msg(const struct checks *c, enum check_msg k)
{
        return enk_lang_pick(c->lang, check_msgs[k]);
}

static void note(struct checks *c, enk_diags *fd, enk_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void note(struct checks *c, enk_diags *fd, enk_loc loc, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        enk_diags_add(fd, ENK_SEV_WARNING, loc, NULL, "%s", msg);
        char **v = realloc(c->notes, (c->nnotes + 1) * sizeof *v);
        if (!v)
                return;
        c->notes = v;
        char *line = NULL;
        if (asprintf(&line, "%s: %s", loc.file, msg) >= 0)
                c->notes[c->nnotes++] = line;
}

/* The slot of hash in the set: its own, or the empty one where it goes. */
static char *hash_slot(const struct checks *c, const char *hash)
{
        uint64_t h = 0;
        for (int i = 0; i < 16 && hash[i]; i++)
                h = h * 16 +
                    (uint64_t) (hash[i] <= '9' ? hash[i] - '0' : (hash[i] | 32) - 'a' + 10);
        size_t mask = c->cap - 1;
        for (size_t k = (size_t) h & mask;; k = (k + 1) & mask)
                if (!c->hashes[k][0] || !strcmp(c->hashes[k], hash))
                        return c->hashes[k];
}

/* Whether a file before in this run had the content hash; adds it. Out of
 * memory, it cannot tell (the note is a warning) and says no. */
static bool seen_before(struct checks *c, const char *hash)
{
        if ((c->n + 1) * 2 > c->cap) {
                struct checks grown = *c;
                grown.cap = c->cap ? 2 * c->cap : 1024;
                grown.hashes = calloc(grown.cap, sizeof(*grown.hashes));
                if (!grown.hashes)
                        return false;
                for (size_t i = 0; i < c->cap; i++)
                        if (c->hashes[i][0])
                                memcpy(hash_slot(&grown, c->hashes[i]), c->hashes[i],
                                       ENK_HASH_HEX_SIZE);
                free(c->hashes);
                *c = grown;
        }
        char *slot = hash_slot(c, hash);
        if (slot[0])
                return true;
        memcpy(slot, hash, ENK_HASH_HEX_SIZE);
        c->n++;
        return false;
}

static void same_content(struct checks *c, enk_store *store, const struct job *j, const char *hash,
                         enk_diags *fd)
{
        enk_loc loc = {j->path, 0, 0};
        enk_store_import prev;
        if (store && enk_store_find_import(store, hash, 0, &prev, NULL) == ENK_OK &&
            (strcmp(prev.unit, j->unit) != 0 || prev.year != j->year))
                note(c, fd, loc, msg(c, MSG_SAME_FILE), prev.file_name, prev.unit, prev.year,
                     prev.created);
        if (seen_before(c, hash))
                note(c, fd, loc, "%s", msg(c, MSG_SAME_CONTENT));
}

/* After a file: the wave had `before` responses and now has `after`. */
static enk_status wave_checks(struct checks *c, const struct jobs *js, const struct job *j,
                              struct wave_state before, int64_t after, enk_diags *fd)
{
        enk_loc at = {j->path, 0, 0};
        if (before.responses > 0 && after >= 2 * before.responses)
                note(c, fd, at, msg(c, MSG_DOUBLED), j->unit, j->year, (long long) before.responses,
                     (long long) after);
        if (j->sent >= 0 && after > j->sent) {
                /* the number's place: the manifest's row, or the option */
                enk_loc loc =
                    j->line ? (enk_loc){js->manifest, j->line, 0} : (enk_loc){"--sent", 0, 0};
                enk_diags_add(fd, ENK_SEV_ERROR, loc, j->line ? "sent" : NULL,
                              msg(c, MSG_OVER_SENT), j->sent, j->unit, j->year, (long long) after);
                return ENK_ERR_DATA;
        }
        int64_t sent = j->sent >= 0 ? j->sent : before.sent;
        if (sent > 0 && after > sent)
                note(c, fd, at, msg(c, MSG_RATE), j->unit, j->year, (long long) after,
                     (long long) sent, 100.0 * (double) after / (double) sent);
        return ENK_OK;
}

/* ------------------------------------------------ pipes, read only once */

static enk_status copy_bytes(void *ctx, const void *buf, size_t len)
{
        return fwrite(buf, 1, len, ctx) == len ? ENK_OK : ENK_ERR_IO;
}

/* Whether path is something that can be read twice (a regular file): an
 * import reads a file once for its content hash and once for its rows. */
static bool rereadable(const char *path)
{
        struct stat sb;
        return stat(path, &sb) != 0 || S_ISREG(sb.st_mode);
}

/* A pipe, /dev/stdin or a device is read only once: checked with r as it is
 * read (so that /dev/zero or a line without an end stops at its place, see
 * docs/csv.md) and copied to a new temporary file, whose name goes to *copy
 * (the caller removes the file and frees the name) and which is then hashed
 * and read like a file. Problems go to diags (warnings only on failure: the
 * second read reports them again). On failure *copy is NULL. */
static enk_status spool(enk_csvin *r, const char *path, char **copy, enk_diags *diags)
{
        *copy = NULL;
        const char *dir = getenv("TMPDIR");
        char *name = NULL;
        if (asprintf(&name, "%s/enkat-import-XXXXXX", dir && *dir ? dir : "/tmp") < 0)
                return ENK_ERR_NOMEM;
        int fdn = mkstemp(name);
        FILE *fp = fdn >= 0 ? fdopen(fdn, "wb") : NULL;
        if (!fp) {
                enk_error(diags, ((enk_loc){name, 0, 0}), "cannot create a temporary copy: %s",
                          strerror(errno));
                if (fdn >= 0) {
                        close(fdn);
                        unlink(name);
                }
                free(name);
                return ENK_ERR_IO;
        }
        enk_diags *pd = enk_diags_new(0);
        if (!pd) {
                fclose(fp);
                unlink(name);
                free(name);
                return ENK_ERR_NOMEM;
        }
        enk_csvin_set_row_fn(r, NULL, NULL);
        enk_csvin_set_progress_fn(r, NULL, NULL);
        enk_csvin_set_bytes_fn(r, copy_bytes, fp);
        enk_status st = enk_csvin_read_file(r, path, pd);
        enk_csvin_set_bytes_fn(r, NULL, NULL);
        if (fclose(fp) != 0 && st == ENK_OK)
                st = ENK_ERR_IO;
        if (st == ENK_ERR_IO && !enk_diags_errors(pd))
                enk_error(diags, ((enk_loc){name, 0, 0}), "cannot write a temporary copy: %s",
                          strerror(errno));
        if (st != ENK_OK) {
                for (size_t i = 0; i < enk_diags_count(pd); i++) {
                        const enk_diag *d = enk_diags_get(pd, i);
                        enk_diags_add(diags, d->severity, (enk_loc){d->file, d->line, d->column},
                                      d->subject, "%s", d->message);
                }
                unlink(name);
                free(name);
        } else {
                *copy = name;
        }
        enk_diags_free(pd);
        return st;
}

/* Reads the file at path, naming it name in messages: a workbook (by its
 * name's ending) through survey/xlsxin.h, anything else as CSV. */
static enk_status read_named(enk_csvin *r, const char *path, const char *name, enk_diags *diags)
{
        if (enk_xlsxin_is_workbook(name))
                return enk_xlsxin_read(r, path, name, diags);
        if (!strcmp(path, name))
                return enk_csvin_read_file(r, path, diags);
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                enk_error(diags, ((enk_loc){path, 0, 0}), "cannot open file: %s", strerror(errno));
                return ENK_ERR_IO;
        }
        enk_status st = enk_csvin_read_stream(r, fp, name, diags);
        fclose(fp);
        return st;
}

/* ------------------------------------------------ the run */

/* The pipeline's unit: up to CHUNK_ROWS rows of one file, read and checked
 * on the reading thread, stored on the writing one. The first chunk of a
 * file says how its reader, copy and hash went; the last one hands over the
 * file's diagnostics and how its read ended. */
enum { CHUNK_ROWS = 256, QUEUE_CAP = 16 };

/* One valid row, its parts in the chunk's bytes (NONE: not there). */
#define NONE SIZE_MAX
struct row_rec {
        unsigned line;
        size_t row;
        size_t mark; /* the file's diagnostics before this row was delivered */
        size_t values, key, date, texts;
};

struct chunk {
        struct chunk *next; /* in the list of spare chunks */
        size_t file;
        bool first, last;
        /* first */
        bool made_reader; /* this file's questionnaire needed its reader first */
        enk_status st_reader, st_pre;
        size_t mark_map, mark_pre; /* the file's diagnostics after the map, after the hash */
        char hash[ENK_HASH_HEX_SIZE];
        /* the rows */
        struct row_rec *rows;
        size_t nrows, caprows;
        char *bytes;
        size_t used, cap;
        bool progressed;
        uint64_t done, total;
        /* last */
        bool read; /* the file was read (everything before went well) */
        enk_status st_read;
        size_t rows_valid, cells_ignored;
        enk_diags *pd; /* the file's diagnostics from the reading thread */
};

/* Everything one run holds. */
struct run {
        const enk_import_opts *o;
        const enk_import_handlers *h;
        enk_import_result *res;
        struct jobs js;
        enk_questionnaire **qs; /* o->nquestionnaires, loaded */
        enk_csvin **readers;    /* one per questionnaire, made when first needed */
        int64_t *edition_ids;   /* the store's id of each questionnaire */
        enk_store *store;
        bool writing;   /* a store to write into (not a dry run) */
        bool map_shown; /* the map's problems are shown once */
        struct checks checks;
        enk_diags *scratch; /* the store's messages, before they are placed */
        /* The queue from the reading thread to the writing one (this one),
         * and what the two tell each other; all under mu. */
        pthread_mutex_t mu;
        pthread_cond_t can_put, can_get;
        struct chunk *queue[QUEUE_CAP];
        size_t head, queued;
        struct chunk *spare;
        bool read_done;     /* the reading thread has put its last chunk */
        enk_status read_st; /* why it stopped early (out of memory) */
        bool stop;          /* the writer gave up: stop reading */
        bool errors_seen;   /* nothing more will be stored: rows need not be kept */
};

/* Hands a non-empty list to the caller to show. */
static void show(const struct run *r, const enk_diags *d)
{
        if (r->h && r->h->diags && enk_diags_count(d))
                r->h->diags(r->h->ctx, d);
}

/* The questionnaires, the jobs and each job's edition. On failure the
 * problems are in diags. */
static enk_status prepare(struct run *r, enk_diags *diags)
{
        const enk_import_opts *o = r->o;
        bool ok = true;
        for (size_t k = 0; k < o->nquestionnaires; k++)
                if (enk_questionnaire_load(o->questionnaires[k], &r->qs[k], diags) != ENK_OK)
                        ok = false;
        if (!ok)
                return ENK_ERR_SCHEMA;
        struct jobs *js = &r->js;
        if (o->manifest) {
                const char *slash = strrchr(o->manifest, '/');
                size_t dl = slash ? (size_t) (slash - o->manifest) + 1 : 0;
                js->dir = strndup(o->manifest, dl);
                if (!js->dir)
                        return ENK_ERR_NOMEM;
                js->col[0] = -2;
                enk_status st = enk_csv_read_table(o->manifest, manifest_row, js, diags);
                if (st != ENK_OK)
                        return st;
                if (enk_diags_errors(diags))
                        return ENK_ERR_DATA;
                if (!js->n) {
                        enk_error(diags, ((enk_loc){o->manifest, 0, 0}), "manifest lists no files");
                        return ENK_ERR_DATA;
                }
        } else {
                struct job j = {.unit = strdup(o->unit),
                                .year = o->year,
                                .sent = o->sent,
                                .path = strdup(o->file)};
                if (!j.unit || !j.path || jobs_add(js, j) != ENK_OK) {
                        free(j.unit);
                        free(j.path);
                        return ENK_ERR_NOMEM;
                }
        }
        if (!choose_editions(js, r->qs, o->nquestionnaires, o->file, diags))
                return ENK_ERR_NOTFOUND;
        return ENK_OK;
}

/* The store (none for a dry run against a store that does not exist yet)
 * and, when writing, its transaction. */
static enk_status open_store(struct run *r, enk_diags *diags)
{
        const enk_import_opts *o = r->o;
        struct stat sb;
        if (!o->dry_run || stat(o->db, &sb) == 0) {
                enk_status st = enk_store_open(
                    o->db, o->dry_run ? ENK_STORE_READONLY : ENK_STORE_CREATE, &r->store, diags);
                if (st != ENK_OK)
                        return st;
        }
        r->writing = r->store && !o->dry_run;
        if (r->writing)
                return enk_store_begin_bulk(r->store, diags);
        return ENK_OK;
}

/* The reader of questionnaire k, made (with the map) when first needed; on
 * the reading thread. The writer adds the edition to the store. */
static enk_status make_reader(struct run *r, size_t k, enk_diags *fd)
{
        if (r->readers[k])
                return ENK_OK;
        r->readers[k] = enk_csvin_new(r->qs[k]);
        if (!r->readers[k])
                return ENK_ERR_NOMEM;
        enk_csvin_set_source(r->readers[k], r->o->source);
        enk_status st = ENK_OK;
        if (r->o->map) {
                /* Every reader loads the map; its problems are shown once. */
                st = enk_csvin_load_map(r->readers[k], r->o->map, r->map_shown ? NULL : fd);
                r->map_shown = true;
        }
        return st;
}

/* The wave of job j and a new import of its file in it, after taking out the
 * file's earlier import (replace) or refusing it. Without write (a dry run,
 * or a store that failed) it cannot create the wave, so it looks for the
 * file in any wave and compares the wave's name. */
static enk_status register_import(struct run *r, bool write, const struct job *j, size_t k,
                                  const char *hash, struct sink *sink, enk_diags *fd)
{
        enk_store_import prev;
        enk_loc at = {j->path, 0, 0};
        if (!write) {
                if (r->store && !r->o->replace &&
                    enk_store_find_import(r->store, hash, 0, &prev, fd) == ENK_OK &&
                    !strcmp(prev.unit, j->unit) && prev.year == j->year) {
                        enk_error(fd, at,
                                  "already imported into %s %d (use --replace to replace it)",
                                  j->unit, j->year);
                        return ENK_ERR_EXISTS;
                }
                return ENK_OK;
        }
        int64_t unit_id = 0;
        enk_status st = enk_store_unit(r->store, j->unit, &unit_id, fd);
        if (st == ENK_OK)
                st = enk_store_wave(r->store, unit_id, j->year, r->edition_ids[k], j->sent,
                                    &sink->wave_id, fd);
        if (st == ENK_OK) {
                st = enk_store_find_import(r->store, hash, sink->wave_id, &prev, fd);
                if (st == ENK_OK && r->o->replace)
                        st = enk_store_delete_import(r->store, prev.id, fd);
                else if (st == ENK_OK) {
                        enk_error(fd, at,
                                  "already imported into %s %d (use --replace to replace it)",
                                  j->unit, j->year);
                        st = ENK_ERR_EXISTS;
                } else if (st == ENK_ERR_NOTFOUND)
                        st = ENK_OK;
        }
        if (st == ENK_OK)
                st = enk_store_add_import(r->store, sink->wave_id, j->path, hash, &sink->import_id,
                                          fd);
        return st;
}

/* ------------------------------------------------ the queue between the threads */

/* A spare chunk or a new one; NULL when out of memory. Reading thread. */
static struct chunk *chunk_take(struct run *r, size_t file)
{
        pthread_mutex_lock(&r->mu);
        struct chunk *c = r->spare;
        if (c)
                r->spare = c->next;
        pthread_mutex_unlock(&r->mu);
        if (!c)
                c = calloc(1, sizeof(*c));
        if (c)
                c->file = file;
        return c;
}

/* Queues c for the writer, waiting while the queue is full; false (c is
 * then freed by the caller) when the writer has given up. */
static bool chunk_put(struct run *r, struct chunk *c)
{
        pthread_mutex_lock(&r->mu);
        while (r->queued == QUEUE_CAP && !r->stop)
                pthread_cond_wait(&r->can_put, &r->mu);
        bool ok = !r->stop;
        if (ok) {
                r->queue[(r->head + r->queued) % QUEUE_CAP] = c;
                r->queued++;
                pthread_cond_signal(&r->can_get);
        }
        pthread_mutex_unlock(&r->mu);
        return ok;
}

/* The next chunk, or NULL when the reading thread has finished. Writer. */
static struct chunk *chunk_get(struct run *r)
{
        pthread_mutex_lock(&r->mu);
        while (r->queued == 0 && !r->read_done)
                pthread_cond_wait(&r->can_get, &r->mu);
        struct chunk *c = NULL;
        if (r->queued) {
                c = r->queue[r->head];
                r->head = (r->head + 1) % QUEUE_CAP;
                r->queued--;
                pthread_cond_signal(&r->can_put);
        }
        pthread_mutex_unlock(&r->mu);
        return c;
}

static void chunk_free(struct chunk *c)
{
        if (!c)
                return;
        enk_diags_free(c->pd);
        free(c->rows);
        free(c->bytes);
        free(c);
}

/* Empties c (keeping its buffers) and keeps it for the reading thread. */
static void chunk_recycle(struct run *r, struct chunk *c)
{
        struct row_rec *rows = c->rows;
        char *bytes = c->bytes;
        size_t caprows = c->caprows, cap = c->cap;
        enk_diags_free(c->pd);
        *c = (struct chunk){.rows = rows, .caprows = caprows, .bytes = bytes, .cap = cap};
        pthread_mutex_lock(&r->mu);
        c->next = r->spare;
        r->spare = c;
        pthread_mutex_unlock(&r->mu);
}

/* ------------------------------------------------ the reading thread */

/* The reading thread's state for the file it reads. */
struct reading {
        struct run *r;
        struct chunk *c; /* being filled */
        enk_diags *pd;
        enk_status st; /* out of memory while keeping rows */
        bool keep;     /* the rows go to the writer */
};

/* Room for len bytes at the end of c's bytes, aligned for any of the
 * row's parts; their offset, or NONE when out of memory. */
static size_t reserve(struct chunk *c, size_t len)
{
        size_t off = (c->used + 7) & ~(size_t) 7;
        if (off + len > c->cap) {
                size_t cap = c->cap ? c->cap : 16384;
                while (off + len > cap)
                        cap *= 2;
                char *b = realloc(c->bytes, cap);
                if (!b)
                        return NONE;
                c->bytes = b;
                c->cap = cap;
        }
        c->used = off + len;
        return off;
}

static size_t put_str(struct chunk *c, const char *s)
{
        if (!s)
                return NONE;
        size_t len = strlen(s) + 1, off = reserve(c, len);
        if (off != NONE)
                memcpy(c->bytes + off, s, len);
        return off;
}

/* Keeps a valid row for the writer, in the chunk being filled (queued when
 * full). */
static enk_status keep_row(void *ctx, const enk_csvin_row *row)
{
        struct reading *rd = ctx;
        struct chunk *c = rd->c;
        if (c->nrows == CHUNK_ROWS) {
                struct chunk *next = chunk_take(rd->r, c->file);
                if (!next)
                        return rd->st = ENK_ERR_NOMEM;
                if (!chunk_put(rd->r, c)) {
                        chunk_free(c);
                        rd->c = next;
                        return rd->st = ENK_ERR_NOMEM; /* the writer has given up */
                }
                rd->c = c = next;
        }
        if (c->nrows == c->caprows) {
                size_t cap = c->caprows ? 2 * c->caprows : CHUNK_ROWS;
                struct row_rec *v = realloc(c->rows, cap * sizeof(*v));
                if (!v)
                        return rd->st = ENK_ERR_NOMEM;
                c->rows = v;
                c->caprows = cap;
        }
        const enk_response *resp = &row->response;
        size_t nq = resp->q->nquestions;
        struct row_rec rec = {.line = resp->origin.line,
                              .row = resp->origin.row,
                              .mark = enk_diags_count(rd->pd),
                              .texts = NONE};
        rec.values = reserve(c, nq * sizeof(int32_t));
        if (rec.values == NONE)
                return rd->st = ENK_ERR_NOMEM;
        memcpy(c->bytes + rec.values, resp->values, nq * sizeof(int32_t));
        rec.key = put_str(c, resp->respondent_key);
        rec.date = put_str(c, resp->date);
        if ((resp->respondent_key && rec.key == NONE) || (resp->date && rec.date == NONE))
                return rd->st = ENK_ERR_NOMEM;
        bool texts = false;
        for (size_t i = 0; resp->texts && i < nq && !texts; i++)
                texts = resp->texts[i] != NULL;
        if (texts) {
                rec.texts = reserve(c, nq * sizeof(size_t));
                if (rec.texts == NONE)
                        return rd->st = ENK_ERR_NOMEM;
                for (size_t i = 0; i < nq; i++) {
                        size_t off = put_str(c, resp->texts[i]);
                        if (resp->texts[i] && off == NONE)
                                return rd->st = ENK_ERR_NOMEM;
                        memcpy(c->bytes + rec.texts + i * sizeof(size_t), &off, sizeof(off));
                }
        }
        c->rows[c->nrows++] = rec;
        return ENK_OK;
}

static void on_read_progress(void *ctx, uint64_t done, uint64_t total)
{
        struct reading *rd = ctx;
        struct chunk *c = rd->c;
        if (!rd->keep && c->progressed && c->nrows == 0 && c->total && total &&
            c->done * 100 / c->total != done * 100 / total) {
                /* No rows go to the writer (a dry run, or after an error):
                 * the progress goes alone, so that the bar moves as the
                 * file is read, not once at its end. */
                struct chunk *next = chunk_take(rd->r, c->file);
                if (next && chunk_put(rd->r, c))
                        rd->c = c = next;
                else
                        chunk_free(next); /* the bar waits for the file's end */
        }
        c->progressed = true;
        c->done = done;
        c->total = total;
}

/* Reads job i: its reader, the copy of a pipe, the content hash and the
 * rows, into chunks for the writer. Fails only when out of memory or when
 * the writer has given up. */
static enk_status read_job(struct run *r, size_t i)
{
        struct job *j = &r->js.v[i];
        size_t k = 0;
        while (r->qs[k] != j->q)
                k++;
        struct reading rd = {.r = r, .pd = enk_diags_new(0), .c = chunk_take(r, i)};
        if (!rd.pd || !rd.c) {
                enk_diags_free(rd.pd);
                chunk_free(rd.c);
                return ENK_ERR_NOMEM;
        }
        struct chunk *c = rd.c;
        c->first = true;
        c->made_reader = !r->readers[k];
        enk_status st = c->st_reader = make_reader(r, k, rd.pd);
        size_t mark_map = c->mark_map = enk_diags_count(rd.pd);
        /* What is hashed and read: the file, or the copy of a pipe. */
        char *copy = NULL;
        if (st == ENK_OK && !rereadable(j->path) && !enk_xlsxin_is_workbook(j->path))
                st = spool(r->readers[k], j->path, &copy, rd.pd);
        if (st == ENK_OK)
                st = enk_hash_file_sha256_hex(copy ? copy : j->path, c->hash, rd.pd);
        c->st_pre = st;
        size_t mark_pre = c->mark_pre = enk_diags_count(rd.pd);
        if (st == ENK_OK) {
                enk_csvin *rdr = r->readers[k];
                pthread_mutex_lock(&r->mu);
                bool keep = rd.keep = r->writing && !r->errors_seen;
                pthread_mutex_unlock(&r->mu);
                enk_csvin_set_row_fn(rdr, keep ? keep_row : NULL, &rd);
                enk_csvin_set_progress_fn(rdr, r->h && r->h->progress ? on_read_progress : NULL,
                                          &rd);
                st = read_named(rdr, copy ? copy : j->path, j->path, rd.pd);
                enk_csvin_set_progress_fn(rdr, NULL, NULL);
                enk_csvin_set_row_fn(rdr, NULL, NULL);
                c = rd.c;
                c->read = true;
                c->st_read = st;
                c->rows_valid = enk_csvin_stats_get(rdr)->rows_valid;
                c->cells_ignored = enk_csvin_stats_get(rdr)->cells_ignored;
        }
        if (copy) {
                unlink(copy);
                free(copy);
        }
        if (rd.st != ENK_OK) {
                enk_diags_free(rd.pd);
                chunk_free(rd.c);
                return rd.st;
        }
        c->last = true;
        c->pd = rd.pd;
        /* end_file reads the file's marks from its last chunk, which is not
         * the first when the rows filled chunks on the way */
        c->mark_map = mark_map;
        c->mark_pre = mark_pre;
        if (!chunk_put(r, c)) {
                chunk_free(c);
                return ENK_ERR_NOMEM;
        }
        return ENK_OK;
}

static void *read_jobs(void *arg)
{
        struct run *r = arg;
        enk_status st = ENK_OK;
        for (size_t i = 0; i < r->js.n && st == ENK_OK; i++)
                st = read_job(r, i);
        pthread_mutex_lock(&r->mu);
        r->read_done = true;
        r->read_st = st;
        pthread_cond_signal(&r->can_get);
        pthread_mutex_unlock(&r->mu);
        return NULL;
}

/* ------------------------------------------------ the writing thread */

/* The writer's state for the file it stores. Its own diagnostics go into
 * three lists, merged with the reading thread's at the file's end in the
 * order of a read and store one after the other: the edition's, those of
 * the checks before the rows, and the rows' (each after the reader's
 * diagnostics that came before its row: marks). */
struct writing {
        enk_diags *wa, *wb, *wr;
        size_t *marks; /* of wr's kept diagnostics */
        size_t nmarks, capmarks;
        enk_response *resp; /* a chunk's rows, for the store */
        const char **texts; /* their texts, maxq for each row */
        size_t capresp, maxq;
        bool include_pre, read_ok, store_rows, fatal;
        size_t fatal_mark;
        enk_status st, fatal_st;
        struct sink sink;
        struct wave_state before;
};

static void writing_release(struct writing *w)
{
        enk_diags_free(w->wa);
        enk_diags_free(w->wb);
        enk_diags_free(w->wr);
        w->wa = w->wb = w->wr = NULL;
}

/* The checks before the rows of a file: its edition in the store, the same
 * content before, its wave and import. */
static enk_status begin_file(struct run *r, struct writing *w, const struct chunk *c)
{
        const struct job *j = &r->js.v[c->file];
        size_t k = 0;
        while (r->qs[k] != j->q)
                k++;
        writing_release(w);
        w->wa = enk_diags_new(0);
        w->wb = enk_diags_new(0);
        w->wr = enk_diags_new(0);
        if (!w->wa || !w->wb || !w->wr)
                return ENK_ERR_NOMEM;
        w->nmarks = 0;
        w->fatal = false;
        /* Once the store has failed (SQLite gave the transaction up: a
         * full disk, an I/O error), every write would fail the same way,
         * each with an error of its own: the remaining files are only read
         * and checked, as in a dry run. */
        bool write = r->writing && !enk_store_aborted(r->store);
        enk_status st = c->st_reader;
        if (st == ENK_OK && c->made_reader && write)
                st = enk_store_add_edition(r->store, r->qs[k], &r->edition_ids[k], w->wa);
        w->include_pre = st == ENK_OK;
        if (st == ENK_OK)
                st = c->st_pre;
        if (st == ENK_OK)
                same_content(&r->checks, r->store, j, c->hash, w->wb);
        w->sink = (struct sink){.store = r->store,
                                .source = r->o->source,
                                .diags = w->wr,
                                .scratch = r->scratch,
                                .unit = j->unit,
                                .year = j->year};
        /* A wave this file creates has no responses and sends out only what
         * the file's job says; asking the store (wave_state, which lists the
         * unit's waves with all their counts) cost an import of 2,900 new
         * waves a tenth of its time. */
        bool new_wave = st == ENK_OK && write && wave_is_new(r->store, j->unit, j->year);
        if (st == ENK_OK)
                st = register_import(r, write, j, k, c->hash, &w->sink, w->wb);
        /* the wave as it is before this file (after replace took the file's
         * earlier import out) */
        w->before =
            new_wave ? (struct wave_state){0, j->sent} : wave_state(r->store, j->unit, j->year);
        w->read_ok = st == ENK_OK;
        /* After the first error nothing will be kept, so the remaining
         * files are only checked. */
        w->store_rows = write && r->res->errors == 0 && w->read_ok;
        w->st = st;
        return ENK_OK;
}

/* Row n's diagnostics, added to wr since before, marked as coming after
 * the reader's that came before the row; a failure stops the file. */
static enk_status mark_row(struct writing *w, const struct row_rec *rec, size_t before,
                           enk_status st)
{
        size_t after = enk_diags_count(w->wr);
        if (after - before > w->capmarks - w->nmarks) {
                size_t cap = w->capmarks ? 2 * w->capmarks : 64;
                while (cap - w->nmarks < after - before)
                        cap *= 2;
                size_t *v = realloc(w->marks, cap * sizeof(*v));
                if (!v)
                        return ENK_ERR_NOMEM;
                w->marks = v;
                w->capmarks = cap;
        }
        for (size_t m = before; m < after; m++)
                w->marks[w->nmarks++] = rec->mark;
        if (st != ENK_OK) {
                /* the read stopped here: what it found after this row was
                 * never found */
                w->fatal = true;
                w->fatal_mark = rec->mark;
                w->fatal_st = st;
        }
        return ENK_OK;
}

/* The chunk's rows into the store, many at a time (enk_store_add_responses);
 * a row the store refuses gets its messages and the rest go on from the
 * next, as one row at a time would. */
static enk_status store_rows(struct run *r, struct writing *w, const struct chunk *c)
{
        const struct job *j = &r->js.v[c->file];
        size_t nq = j->q->nquestions;
        if (c->nrows > w->capresp) {
                enk_response *v = realloc(w->resp, c->nrows * sizeof(*v));
                if (!v)
                        return ENK_ERR_NOMEM;
                w->resp = v;
                /* (never 0 bytes: realloc would free) */
                const char **t = realloc(w->texts, c->nrows * (w->maxq ? w->maxq : 1) * sizeof(*t));
                if (!t)
                        return ENK_ERR_NOMEM;
                w->texts = t;
                w->capresp = c->nrows;
        }
        for (size_t n = 0; n < c->nrows; n++) {
                const struct row_rec *rec = &c->rows[n];
                const char **texts = w->texts + n * w->maxq;
                if (rec->texts != NONE)
                        for (size_t i = 0; i < nq; i++) {
                                size_t off;
                                memcpy(&off, c->bytes + rec->texts + i * sizeof(off), sizeof(off));
                                texts[i] = off == NONE ? NULL : c->bytes + off;
                        }
                w->resp[n] =
                    (enk_response){.q = j->q,
                                   .values = (int32_t *) (void *) (c->bytes + rec->values),
                                   .texts = rec->texts == NONE ? NULL : texts,
                                   .respondent_key = rec->key == NONE ? NULL : c->bytes + rec->key,
                                   .date = rec->date == NONE ? NULL : c->bytes + rec->date,
                                   .source = r->o->source,
                                   .origin = {.file = j->path, .line = rec->line, .row = rec->row}};
        }
        struct sink *s = &w->sink;
        for (size_t n = 0; n < c->nrows && !w->fatal;) {
                size_t before = enk_diags_count(w->wr), from = enk_diags_count(s->scratch);
                size_t stored = 0;
                enk_status st =
                    enk_store_add_responses(s->store, s->wave_id, s->import_id, w->resp + n,
                                            c->nrows - n, &stored, s->scratch);
                n += stored;
                if (st == ENK_OK)
                        break;
                st = row_stored(s, &w->resp[n], st, from);
                if (mark_row(w, &c->rows[n], before, st) != ENK_OK)
                        return ENK_ERR_NOMEM;
                n++;
        }
        return ENK_OK;
}

/* Appends from[a, b) to to. */
static void copy_diags(enk_diags *to, const enk_diags *from, size_t a, size_t b)
{
        for (size_t i = a; i < b; i++) {
                const enk_diag *d = enk_diags_get(from, i);
                enk_diags_add(to, d->severity, (enk_loc){d->file, d->line, d->column}, d->subject,
                              "%s", d->message);
        }
}

/* The errors and warnings a list counted but did not keep (it was full). */
static void add_dropped(const enk_diags *d, size_t *errors, size_t *warnings)
{
        size_t e = 0, w = 0;
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                e += enk_diags_get(d, i)->severity == ENK_SEV_ERROR;
                w += enk_diags_get(d, i)->severity == ENK_SEV_WARNING;
        }
        *errors += enk_diags_errors(d) - e;
        *warnings += enk_diags_warnings(d) - w;
}

/* The file's end: its diagnostics in one list, the checks after its rows,
 * the list shown and counted. */
static enk_status end_file(struct run *r, struct writing *w, const struct chunk *c)
{
        const struct job *j = &r->js.v[c->file];
        enk_diags *fd = enk_diags_new(0);
        if (!fd)
                return ENK_ERR_NOMEM;
        const enk_diags *pd = c->pd;
        size_t errors = 0, warnings = 0;
        copy_diags(fd, pd, 0, c->mark_map);
        copy_diags(fd, w->wa, 0, enk_diags_count(w->wa));
        if (w->include_pre)
                copy_diags(fd, pd, c->mark_map, c->mark_pre);
        copy_diags(fd, w->wb, 0, enk_diags_count(w->wb));
        add_dropped(w->wa, &errors, &warnings);
        add_dropped(w->wb, &errors, &warnings);
        enk_status st = w->st;
        if (w->read_ok) {
                size_t end = w->fatal ? w->fatal_mark : enk_diags_count(pd), at = c->mark_pre;
                for (size_t m = 0; m < w->nmarks; m++) {
                        size_t upto = w->marks[m] < end ? w->marks[m] : end;
                        if (upto > at)
                                copy_diags(fd, pd, at, upto);
                        at = upto > at ? upto : at;
                        copy_diags(fd, w->wr, m, m + 1);
                }
                if (end > at)
                        copy_diags(fd, pd, at, end);
                add_dropped(pd, &errors, &warnings);
                add_dropped(w->wr, &errors, &warnings);
                st = w->fatal ? w->fatal_st : c->st_read;
                r->res->cells_ignored += c->cells_ignored;
                r->res->responses += c->rows_valid;
                if (st == ENK_OK && !enk_diags_errors(fd) && !errors)
                        st = wave_checks(&r->checks, &r->js, j, w->before,
                                         w->before.responses + (int64_t) c->rows_valid, fd);
        }
        /* what the reader's and the writer's lists dropped, counted with
         * what fd dropped in the one "more problems not shown" */
        enk_diags_add_dropped(fd, enk_diags_dropped(w->wa) + enk_diags_dropped(w->wb));
        if (w->read_ok)
                enk_diags_add_dropped(fd, enk_diags_dropped(pd) + enk_diags_dropped(w->wr));
        enk_diags_sort(fd);
        show(r, fd);
        errors += enk_diags_errors(fd);
        r->res->errors += errors + (st != ENK_OK && !errors);
        r->res->warnings += warnings + enk_diags_warnings(fd);
        enk_diags_free(fd);
        if (r->res->errors) {
                pthread_mutex_lock(&r->mu);
                r->errors_seen = true;
                pthread_mutex_unlock(&r->mu);
        }
        return ENK_OK;
}

static enk_status write_chunk(struct run *r, struct writing *w, const struct chunk *c)
{
        enk_status st = c->first ? begin_file(r, w, c) : ENK_OK;
        if (st == ENK_OK && w->store_rows)
                st = store_rows(r, w, c);
        if (st == ENK_OK && c->progressed && r->h && r->h->progress)
                r->h->progress(r->h->ctx, c->file, r->js.n, r->js.v[c->file].path, c->done,
                               c->total);
        if (st == ENK_OK && c->last)
                st = end_file(r, w, c);
        return st;
}

/* Runs every job, counting errors and warnings into r->res: one thread
 * reads, hashes and checks the files while this one, the store's only
 * user, stores their rows. The diagnostics come out per file, in the order
 * of the jobs, as one thread would show them. */
static enk_status import_files(struct run *r)
{
        size_t maxq = 1;
        for (size_t k = 0; k < r->o->nquestionnaires; k++)
                if (r->qs[k]->nquestions > maxq)
                        maxq = r->qs[k]->nquestions;
        struct writing w = {.maxq = maxq};
        pthread_t reader_thread;
        if (pthread_create(&reader_thread, NULL, read_jobs, r) != 0)
                return ENK_ERR_NOMEM;
        enk_status st = ENK_OK;
        size_t files = 0;
        struct chunk *c;
        while ((c = chunk_get(r)) != NULL) {
                st = write_chunk(r, &w, c);
                files += c->last;
                chunk_recycle(r, c);
                if (st != ENK_OK)
                        break;
        }
        pthread_mutex_lock(&r->mu);
        r->stop = true;
        pthread_cond_signal(&r->can_put);
        pthread_mutex_unlock(&r->mu);
        pthread_join(reader_thread, NULL);
        while (r->queued) {
                chunk_free(r->queue[r->head]);
                r->head = (r->head + 1) % QUEUE_CAP;
                r->queued--;
        }
        while ((c = r->spare) != NULL) {
                r->spare = c->next;
                chunk_free(c);
        }
        if (st == ENK_OK && files < r->js.n)
                st = r->read_st != ENK_OK ? r->read_st : ENK_ERR_NOMEM;
        writing_release(&w);
        free(w.marks);
        free(w.resp);
        free(w.texts);
        return st;
}

static void run_release(struct run *r)
{
        for (size_t i = 0; i < r->checks.nnotes; i++)
                free(r->checks.notes[i]);
        free(r->checks.notes);
        free(r->checks.hashes);
        enk_diags_free(r->scratch);
        for (size_t k = 0; k < r->o->nquestionnaires; k++) {
                if (r->readers)
                        enk_csvin_free(r->readers[k]);
                if (r->qs)
                        enk_questionnaire_free(r->qs[k]);
        }
        free(r->readers);
        free(r->qs);
        free(r->edition_ids);
        enk_store_free(r->store);
        jobs_free(&r->js);
}

enk_status enk_import_run(const enk_import_opts *opts, const enk_import_handlers *handlers,
                          enk_import_result *res)
{
        *res = (enk_import_result){0};
        size_t nq = opts->nquestionnaires;
        struct run r = {.o = opts,
                        .h = handlers,
                        .res = res,
                        .checks = {.lang = opts->en ? ENK_LANG_EN : ENK_LANG_SV}};
        enk_diags *diags = enk_diags_new(0);
        r.js.manifest = opts->manifest;
        r.js.diags = diags;
        r.scratch = enk_diags_new(0);
        r.qs = calloc(nq ? nq : 1, sizeof(*r.qs));
        r.readers = calloc(nq ? nq : 1, sizeof(*r.readers));
        r.edition_ids = calloc(nq ? nq : 1, sizeof(*r.edition_ids));
        enk_status st = ENK_ERR_NOMEM;
        bool synced = false;
        if (!diags || !r.scratch || !r.qs || !r.readers || !r.edition_ids)
                goto out;
        synced = true;
        pthread_mutex_init(&r.mu, NULL);
        pthread_cond_init(&r.can_put, NULL);
        pthread_cond_init(&r.can_get, NULL);
        st = prepare(&r, diags);
        show(&r, diags);
        if (st != ENK_OK)
                goto out;
        /* the store's and the commit's problems, shown after the files' */
        enk_diags_free(diags);
        r.js.diags = NULL;
        diags = enk_diags_new(0);
        if (!diags) {
                st = ENK_ERR_NOMEM;
                goto out;
        }
        st = open_store(&r, diags);
        if (st != ENK_OK) {
                show(&r, diags);
                goto out;
        }
        st = import_files(&r);
        if (st == ENK_OK && res->errors) {
                st = ENK_ERR_DATA;
                if (r.writing)
                        enk_store_rollback(r.store);
        } else if (st == ENK_OK && r.writing) {
                st = enk_store_commit(r.store, diags);
        }
        show(&r, diags);
        if (st != ENK_OK)
                goto out;
        res->files = r.js.n;
        res->units = distinct(&r.js, cmp_unit);
        res->years = distinct(&r.js, cmp_year);
        res->notes = r.checks.notes;
        res->nnotes = r.checks.nnotes;
        r.checks.notes = NULL;
        r.checks.nnotes = 0;
out:
        if (synced) {
                pthread_cond_destroy(&r.can_get);
                pthread_cond_destroy(&r.can_put);
                pthread_mutex_destroy(&r.mu);
        }
        run_release(&r);
        enk_diags_free(diags);
        return st;
}

void enk_import_result_release(enk_import_result *res)
{
        if (!res)
                return;
        for (size_t i = 0; i < res->nnotes; i++)
                free(res->notes[i]);
        free(res->notes);
        *res = (enk_import_result){0};
}
