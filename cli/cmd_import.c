/* cli/cmd_import.c - `enkat import`: response files into the store, all or nothing. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "survey/csv.h"
#include "survey/csvin.h"
#include "survey/hash.h"
#include "survey/questionnaire.h"
#include "survey/store.h"

#define MAX_QUESTIONNAIRES 32

static void usage(FILE *f)
{
        fputs("usage: enkat import --db DB --questionnaire Q.yaml [--questionnaire Q.yaml]...\n"
              "                    [--year YEAR --unit UNIT] [--sent N] [--dry-run] [--replace]\n"
              "                    [--map MAP.csv|MAP.yaml] [--source SOURCE]\n"
              "                    (FILE | --manifest MANIFEST.csv)\n"
              "\n"
              "Reads response files (CSV, docs/csv.md) against their questionnaire and\n"
              "stores them in DB (docs/store.md), created when absent. Either one FILE for\n"
              "the wave --unit, --year, or every file a manifest lists (columns\n"
              "unit,year,sent,file[,edition]; file relative to the manifest). Each file is\n"
              "read against the questionnaire of its edition: the manifest's edition\n"
              "column, else the latest edition given whose year is at most the wave's.\n"
              "Everything is imported in one transaction: when any file has an error,\n"
              "nothing is stored. A file imported into the wave before (same content) is\n"
              "an error unless --replace is given, which replaces the earlier import.\n"
              "\n"
              "options:\n"
              "  -d, --db DB                the store (created when absent)\n"
              "  -q, --questionnaire FILE   a questionnaire edition (repeatable)\n"
              "  -y, --year YEAR            the wave's year (single FILE)\n"
              "  -u, --unit UNIT            the wave's unit (single FILE)\n"
              "  -s, --sent N               questionnaires sent out (single FILE)\n"
              "  -M, --manifest FILE        import every file the manifest lists\n"
              "  -m, --map FILE             column mapping, CSV or YAML (docs/csv.md)\n"
              "  -S, --source SOURCE        import (default), paper, scan or web\n"
              "  -n, --dry-run              check everything, store nothing\n"
              "  -r, --replace              replace earlier imports of the same files\n"
              "  -l, --lang LANG            language of the summary: sv (default) or en\n"
              "  -h, --help                 show this help\n"
              "\n"
              "exit status: 0 imported, 1 bad input (nothing stored), 2 usage error\n",
              f);
}

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
        if (!cli_parse_int(cell[1], 1990, 2100, &v)) {
                enk_error(js->diags, loc, "year '%s' is not a year in 1990-2100", cell[1]);
                ok = false;
        } else
                j.year = (int) v;
        if (*cell[2]) {
                if (!cli_parse_int(cell[2], 0, 100000000, &v)) {
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
                if (!cli_parse_int(cell[4], 1990, 2100, &v)) {
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

/* What the row callback needs to store a response. */
struct sink {
        enk_store *store;
        int64_t wave_id, import_id;
        enk_store_source source;
        const enk_questionnaire *q;
        enk_store_text *texts;
        enk_diags *diags;
        enk_diags *scratch; /* the store's own messages, before they are placed */
        const char *unit;
        int year;
};

static enk_status store_row(void *ctx, const enk_csvin_row *row)
{
        struct sink *s = ctx;
        size_t nt = 0;
        for (size_t i = 0; i < s->q->nquestions; i++)
                if (row->texts[i])
                        s->texts[nt++] = (enk_store_text){s->q->questions[i].id, row->texts[i]};
        size_t before = enk_diags_count(s->scratch);
        enk_status st = enk_store_add_response(s->store, s->wave_id, s->import_id, s->source,
                                               row->date, row->respondent, row->values,
                                               s->q->nquestions, s->texts, nt, NULL, s->scratch);
        enk_loc loc = {row->file, row->line, 0};
        if (st == ENK_ERR_EXISTS) {
                /* a key the store has already: named at its row, and the read
                 * goes on so that every such key is listed (nothing is kept) */
                enk_diags_add(s->diags, ENK_SEV_ERROR, loc, "respondent",
                              "respondent key '%s' already has a response in %s %d in the store",
                              row->respondent ? row->respondent : "", s->unit, s->year);
                return ENK_OK;
        }
        for (size_t i = before; i < enk_diags_count(s->scratch); i++) {
                const enk_diag *d = enk_diags_get(s->scratch, i);
                enk_diags_add(s->diags, d->severity, loc, d->subject, "%s", d->message);
        }
        return st;
}

struct progress {
        size_t i, n;
        const char *path;
        int last;
};

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
        struct progress *p = ctx;
        int pct = total ? (int) (done * 100 / total) : 0;
        if (pct == p->last)
                return;
        p->last = pct;
        fprintf(stderr, "\r\033[K%zu/%zu %s %d %%", p->i + 1, p->n, p->path, pct);
        fflush(stderr);
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static const char *word(size_t n, const char *one, const char *many)
{
        return n == 1 ? one : many;
}

/* Number of distinct strings (units) among the jobs; n is small. */
static size_t distinct_units(const struct jobs *js)
{
        size_t k = 0;
        for (size_t i = 0; i < js->n; i++) {
                size_t j = 0;
                while (j < i && strcmp(js->v[j].unit, js->v[i].unit))
                        j++;
                k += j == i;
        }
        return k;
}

static size_t distinct_years(const struct jobs *js)
{
        size_t k = 0;
        for (size_t i = 0; i < js->n; i++) {
                size_t j = 0;
                while (j < i && js->v[j].year != js->v[i].year)
                        j++;
                k += j == i;
        }
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

struct opts {
        const char *db, *manifest, *map, *unit;
        const char *qpaths[MAX_QUESTIONNAIRES];
        size_t nq;
        long year, sent;
        bool dry, replace, en;
        enk_store_source source;
};

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
        char (*hashes)[ENK_HASH_HEX_SIZE]; /* of the files before in this run */
        size_t n;
        char **notes;
        size_t nnotes;
        bool en;
};

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

static void same_content(struct checks *c, enk_store *store, const struct job *j, const char *hash,
                         enk_diags *fd)
{
        enk_loc loc = {j->path, 0, 0};
        enk_store_import prev;
        if (store && enk_store_find_import(store, hash, 0, &prev, NULL) == ENK_OK &&
            (strcmp(prev.unit, j->unit) != 0 || prev.year != j->year))
                note(c, fd, loc,
                     c->en ? "the same file (%s) was imported into %s %d on %s"
                           : "samma fil (%s) importerades till %s %d den %.10s",
                     prev.file_name, prev.unit, prev.year, prev.created);
        for (size_t i = 0; i < c->n; i++)
                if (!strcmp(c->hashes[i], hash)) {
                        note(c, fd, loc,
                             c->en ? "the same content as another file of this import"
                                   : "samma innehåll som en annan fil i denna import");
                        break;
                }
        char(*h)[ENK_HASH_HEX_SIZE] = realloc(c->hashes, (c->n + 1) * sizeof *h);
        if (h) {
                c->hashes = h;
                memcpy(c->hashes[c->n++], hash, ENK_HASH_HEX_SIZE);
        }
}

/* After a file: the wave had `before` responses and now has `after`. */
static enk_status wave_checks(struct checks *c, const struct jobs *js, const struct job *j,
                              struct wave_state before, int64_t after, enk_diags *fd)
{
        enk_loc at = {j->path, 0, 0};
        if (before.responses > 0 && after >= 2 * before.responses)
                note(c, fd, at,
                     c->en ? "%s %d had %lld responses and now has %lld: the same answers "
                             "twice?"
                           : "%s %d hade %lld svar och har nu %lld: samma svar två gånger?",
                     j->unit, j->year, (long long) before.responses, (long long) after);
        if (j->sent >= 0 && after > j->sent) {
                /* the number's place: the manifest's row, or the option */
                enk_loc loc =
                    j->line ? (enk_loc){js->manifest, j->line, 0} : (enk_loc){"--sent", 0, 0};
                enk_diags_add(fd, ENK_SEV_ERROR, loc, j->line ? "sent" : NULL,
                              c->en ? "%ld questionnaires sent, but %s %d has %lld responses"
                                    : "%ld utskickade enkäter, men %s %d har %lld svar",
                              j->sent, j->unit, j->year, (long long) after);
                return ENK_ERR_DATA;
        }
        int64_t sent = j->sent >= 0 ? j->sent : before.sent;
        if (sent > 0 && after > sent)
                note(c, fd, at,
                     c->en ? "%s %d has %lld responses to %lld questionnaires sent (a response "
                             "rate of %.0f %%)"
                           : "%s %d har %lld svar på %lld utskickade enkäter (svarsfrekvens "
                             "%.0f %%)",
                     j->unit, j->year, (long long) after, (long long) sent,
                     100.0 * (double) after / (double) sent);
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
        enk_diags *pd = cli_diags_new();
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

/* Reads the file at path, naming it name in messages. */
static enk_status read_named(enk_csvin *r, const char *path, const char *name, enk_diags *diags)
{
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

/* Imports (or checks) every job. Returns the exit status; prints as it goes. */
static int run(const struct opts *o, struct jobs *js, enk_questionnaire **qs, size_t nq)
{
        double t0 = now();
        enk_store *store = NULL;
        enk_diags *diags = cli_diags_new();
        int rc = EXIT_OK;
        struct stat sb;
        if (!o->dry || stat(o->db, &sb) == 0) {
                enk_status st = enk_store_open(
                    o->db, o->dry ? ENK_STORE_READONLY : ENK_STORE_CREATE, &store, diags);
                if (st != ENK_OK) {
                        cli_print_diags(diags);
                        enk_diags_free(diags);
                        return EXIT_INPUT;
                }
        }
        bool writing = store && !o->dry;
        struct checks checks = {.en = o->en};
        enk_diags *scratch = cli_diags_new();
        int64_t edition_ids[MAX_QUESTIONNAIRES] = {0};
        enk_csvin *readers[MAX_QUESTIONNAIRES] = {NULL};
        enk_store_text *texts = NULL;
        size_t maxq = 0;
        for (size_t k = 0; k < nq; k++)
                if (qs[k]->nquestions > maxq)
                        maxq = qs[k]->nquestions;
        texts = calloc(maxq ? maxq : 1, sizeof(*texts));
        if (!texts) {
                rc = cli_error("out of memory");
                goto out;
        }
        if (writing && enk_store_begin(store, diags) != ENK_OK) {
                cli_print_diags(diags);
                rc = EXIT_INPUT;
                goto out;
        }
        size_t errors = 0, warnings = 0, responses = 0;
        bool tty = cli_stderr_is_tty(), map_shown = false;
        for (size_t i = 0; i < js->n; i++) {
                struct job *j = &js->v[i];
                enk_diags *fd = cli_diags_new();
                size_t k = 0;
                while (qs[k] != j->q)
                        k++;
                enk_status st = ENK_OK;
                if (!readers[k]) {
                        readers[k] = enk_csvin_new(qs[k]);
                        if (!readers[k])
                                st = ENK_ERR_NOMEM;
                        else if (o->map) {
                                /* Every reader loads the map; its problems are
                                 * shown once. */
                                st = enk_csvin_load_map(readers[k], o->map, map_shown ? NULL : fd);
                                map_shown = true;
                        }
                        if (st == ENK_OK && writing)
                                st = enk_store_add_edition(store, qs[k], &edition_ids[k], fd);
                }
                /* What is hashed and read: the file, or the copy of a pipe. */
                char *copy = NULL;
                if (st == ENK_OK && !rereadable(j->path))
                        st = spool(readers[k], j->path, &copy, fd);
                const char *src = copy ? copy : j->path;
                char hash[ENK_HASH_HEX_SIZE];
                if (st == ENK_OK)
                        st = enk_hash_file_sha256_hex(src, hash, fd);
                if (st == ENK_OK)
                        same_content(&checks, store, j, hash, fd);
                struct sink sink = {.store = store,
                                    .source = o->source,
                                    .q = j->q,
                                    .texts = texts,
                                    .diags = fd,
                                    .scratch = scratch,
                                    .unit = j->unit,
                                    .year = j->year};
                int64_t unit_id = 0;
                enk_store_import prev;
                if (st == ENK_OK && writing) {
                        st = enk_store_unit(store, j->unit, &unit_id, fd);
                        if (st == ENK_OK)
                                st = enk_store_wave(store, unit_id, j->year, edition_ids[k],
                                                    j->sent, &sink.wave_id, fd);
                        if (st == ENK_OK) {
                                st = enk_store_find_import(store, hash, sink.wave_id, &prev, fd);
                                if (st == ENK_OK && o->replace)
                                        st = enk_store_delete_import(store, prev.id, fd);
                                else if (st == ENK_OK) {
                                        enk_error(fd, ((enk_loc){j->path, 0, 0}),
                                                  "already imported into %s %d (use --replace to "
                                                  "replace it)",
                                                  j->unit, j->year);
                                        st = ENK_ERR_EXISTS;
                                } else if (st == ENK_ERR_NOTFOUND)
                                        st = ENK_OK;
                        }
                        if (st == ENK_OK)
                                st = enk_store_add_import(store, sink.wave_id, j->path, hash,
                                                          &sink.import_id, fd);
                } else if (st == ENK_OK && store && !o->replace) {
                        /* A dry run cannot create the wave, so it looks for the
                         * file in any wave and compares the wave's name. */
                        if (enk_store_find_import(store, hash, 0, &prev, fd) == ENK_OK &&
                            !strcmp(prev.unit, j->unit) && prev.year == j->year) {
                                enk_error(fd, ((enk_loc){j->path, 0, 0}),
                                          "already imported into %s %d (use --replace to replace "
                                          "it)",
                                          j->unit, j->year);
                                st = ENK_ERR_EXISTS;
                        }
                }
                /* the wave as it is before this file (after --replace took
                 * the file's earlier import out) */
                struct wave_state before = wave_state(store, j->unit, j->year);
                if (st == ENK_OK) {
                        /* After the first error nothing will be kept, so the
                         * remaining files are only checked. */
                        bool store_rows = writing && errors == 0;
                        enk_csvin_set_row_fn(readers[k], store_rows ? store_row : NULL, &sink);
                        struct progress pr = {i, js->n, j->path, -1};
                        enk_csvin_set_progress_fn(readers[k], tty ? show_progress : NULL, &pr);
                        st = read_named(readers[k], src, j->path, fd);
                        if (tty)
                                fputs("\r\033[K", stderr);
                        int64_t added = (int64_t) enk_csvin_stats_get(readers[k])->rows_valid;
                        responses += (size_t) added;
                        if (st == ENK_OK && !enk_diags_errors(fd))
                                st = wave_checks(&checks, js, j, before, before.responses + added,
                                                 fd);
                }
                if (copy) {
                        unlink(copy);
                        free(copy);
                }
                enk_diags_sort(fd);
                cli_print_diags(fd);
                errors += enk_diags_errors(fd) + (st != ENK_OK && !enk_diags_errors(fd));
                warnings += enk_diags_warnings(fd);
                enk_diags_free(fd);
        }
        if (errors) {
                if (writing)
                        enk_store_rollback(store);
                fprintf(stderr,
                        o->en ? "enkat: error: %zu %s; nothing was imported\n"
                              : "enkat: error: %zu %s; ingenting importerades\n",
                        errors,
                        o->en ? word(errors, "error", "errors") : word(errors, "fel", "fel"));
                rc = EXIT_INPUT;
                goto out;
        }
        if (writing && enk_store_commit(store, diags) != ENK_OK) {
                cli_print_diags(diags);
                rc = EXIT_INPUT;
                goto out;
        }
        size_t nf = js->n, nu = distinct_units(js), ny = distinct_years(js);
        char secs[32];
        snprintf(secs, sizeof(secs), "%.2f", now() - t0);
        if (!o->en)
                *strchr(secs, '.') = ',';
        if (o->en)
                printf("%s %zu %s from %zu %s %s %s (%zu %s, %zu %s), %zu %s, in %s s\n",
                       o->dry ? "checked" : "imported", responses,
                       word(responses, "response", "responses"), nf, word(nf, "file", "files"),
                       o->dry ? "for" : "into", o->db, nu, word(nu, "unit", "units"), ny,
                       word(ny, "year", "years"), warnings, word(warnings, "warning", "warnings"),
                       secs);
        else
                printf("%s %zu svar från %zu %s %s %s (%zu %s, %zu år), %zu %s, %s s\n",
                       o->dry ? "kontrollerade" : "importerade", responses, nf,
                       word(nf, "fil", "filer"), o->dry ? "för" : "till", o->db, nu,
                       word(nu, "enhet", "enheter"), ny, warnings,
                       word(warnings, "varning", "varningar"), secs);
        for (size_t i = 0; i < checks.nnotes; i++)
                printf(o->en ? "  warning: %s\n" : "  varning: %s\n", checks.notes[i]);
out:
        for (size_t i = 0; i < checks.nnotes; i++)
                free(checks.notes[i]);
        free(checks.notes);
        free(checks.hashes);
        enk_diags_free(scratch);
        for (size_t k = 0; k < MAX_QUESTIONNAIRES; k++)
                enk_csvin_free(readers[k]);
        free(texts);
        enk_store_free(store);
        enk_diags_free(diags);
        return rc;
}

int cmd_import(int argc, char **argv)
{
        static const struct option options[] = {
            {"db", required_argument, NULL, 'd'},
            {"questionnaire", required_argument, NULL, 'q'},
            {"year", required_argument, NULL, 'y'},
            {"unit", required_argument, NULL, 'u'},
            {"sent", required_argument, NULL, 's'},
            {"manifest", required_argument, NULL, 'M'},
            {"map", required_argument, NULL, 'm'},
            {"source", required_argument, NULL, 'S'},
            {"dry-run", no_argument, NULL, 'n'},
            {"replace", no_argument, NULL, 'r'},
            {"lang", required_argument, NULL, 'l'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct opts o = {.year = 0, .sent = -1, .source = ENK_SOURCE_IMPORT};
        int opt, src;

        optind = 1;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":d:q:y:u:s:M:m:S:nrl:h", options, NULL)) != -1) {
                switch (opt) {
                case 'd':
                        o.db = optarg;
                        break;
                case 'q':
                        if (o.nq == MAX_QUESTIONNAIRES)
                                return cli_usage_error("import", "more than %d questionnaires",
                                                       MAX_QUESTIONNAIRES);
                        o.qpaths[o.nq++] = optarg;
                        break;
                case 'y':
                        if (!cli_parse_int(optarg, 1990, 2100, &o.year))
                                return cli_usage_error("import", "year '%s' is not in 1990-2100",
                                                       optarg);
                        break;
                case 'u':
                        o.unit = optarg;
                        break;
                case 's':
                        if (!cli_parse_int(optarg, 0, 100000000, &o.sent))
                                return cli_usage_error("import", "sent '%s' is not a whole number",
                                                       optarg);
                        break;
                case 'M':
                        o.manifest = optarg;
                        break;
                case 'm':
                        o.map = optarg;
                        break;
                case 'S':
                        src = enk_store_source_parse(optarg);
                        if (src < 0)
                                return cli_usage_error("import", "unknown source '%s'", optarg);
                        o.source = (enk_store_source) src;
                        break;
                case 'n':
                        o.dry = true;
                        break;
                case 'r':
                        o.replace = true;
                        break;
                case 'l':
                        if (!strcmp(optarg, "en"))
                                o.en = true;
                        else if (strcmp(optarg, "sv"))
                                return cli_usage_error("import", "unknown language '%s'", optarg);
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case ':':
                        return cli_usage_error("import", "option '%s' needs a value",
                                               argv[optind - 1]);
                default:
                        return cli_usage_error("import", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (!o.db)
                return cli_usage_error("import", "no store given (--db)");
        if (!o.nq)
                return cli_usage_error("import", "no questionnaire given (--questionnaire)");
        if (argc - optind > 1)
                return cli_usage_error("import", "too many arguments");
        const char *file = optind < argc ? argv[optind] : NULL;
        if (!file && !o.manifest)
                return cli_usage_error("import", "no file given (FILE or --manifest)");
        if (file && o.manifest)
                return cli_usage_error("import", "give either FILE or --manifest, not both");
        if (file && (!o.year || !o.unit))
                return cli_usage_error("import", "a single file needs --unit and --year");
        if (o.manifest && (o.year || o.unit || o.sent >= 0))
                return cli_usage_error("import", "--unit, --year and --sent are for a single "
                                                 "file; the manifest gives them");
        if (o.unit && cli_check_unit_option("import", o.unit) != EXIT_OK)
                return EXIT_USAGE;

        enk_diags *diags = cli_diags_new();
        enk_questionnaire *qs[MAX_QUESTIONNAIRES] = {NULL};
        struct jobs js = {.manifest = o.manifest, .diags = diags};
        int rc = EXIT_INPUT;
        bool ok = true;
        for (size_t k = 0; k < o.nq; k++)
                if (enk_questionnaire_load(o.qpaths[k], &qs[k], diags) != ENK_OK)
                        ok = false;
        if (!ok)
                goto fail;
        if (o.manifest) {
                const char *slash = strrchr(o.manifest, '/');
                size_t dl = slash ? (size_t) (slash - o.manifest) + 1 : 0;
                js.dir = strndup(o.manifest, dl);
                if (!js.dir) {
                        rc = cli_error("out of memory");
                        goto fail;
                }
                js.col[0] = -2;
                enk_status st = enk_csv_read_table(o.manifest, manifest_row, &js, diags);
                if (st != ENK_OK || enk_diags_errors(diags))
                        goto fail;
                if (!js.n) {
                        enk_error(diags, ((enk_loc){o.manifest, 0, 0}), "manifest lists no files");
                        goto fail;
                }
        } else {
                struct job j = {.unit = strdup(o.unit),
                                .year = (int) o.year,
                                .sent = o.sent,
                                .path = strdup(file)};
                if (!j.unit || !j.path || jobs_add(&js, j) != ENK_OK) {
                        free(j.unit);
                        free(j.path);
                        rc = cli_error("out of memory");
                        goto fail;
                }
        }
        if (!choose_editions(&js, qs, o.nq, file, diags))
                goto fail;
        cli_print_diags(diags);
        rc = run(&o, &js, qs, o.nq);
        goto done;
fail:
        cli_print_diags(diags);
done:
        for (size_t k = 0; k < o.nq; k++)
                enk_questionnaire_free(qs[k]);
        jobs_free(&js);
        enk_diags_free(diags);
        return rc;
}
