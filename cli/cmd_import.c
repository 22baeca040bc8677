/* cli/cmd_import.c - `enkat import`: response files into the store, all or nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/import.h"

#define MAX_QUESTIONNAIRES 32

static const char head[] =
    ENK_MSGID("usage: enkat import --db DB --questionnaire Q.yaml [--questionnaire Q.yaml]...\n"
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
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 imported, 1 bad input (nothing stored), 2 usage error\n");

/* The progress bar on a terminal: one line, redrawn when the percentage
 * changes, cleared before the file's diagnostics are shown. */
struct screen {
        size_t file;
        int last;
        bool shown;
};

static void show_progress(void *ctx, size_t file, size_t nfiles, const char *path, uint64_t done,
                          uint64_t total)
{
        struct screen *s = ctx;
        int pct = total ? (int) (done * 100 / total) : 0;
        if (file != s->file || !s->shown)
                s->last = -1;
        s->file = file;
        if (pct == s->last)
                return;
        s->last = pct;
        s->shown = true;
        fprintf(stderr, "\r\033[K%zu/%zu %s %d %%", file + 1, nfiles, path, pct);
        fflush(stderr);
}

static void show_diags(void *ctx, const enk_diags *diags)
{
        struct screen *s = ctx;
        if (s->shown)
                fputs("\r\033[K", stderr);
        s->shown = false;
        cli_print_diags(diags);
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The summary's words. */
static const struct cli_noun responses_n = {{"svar", "response"}, {"svar", "responses"}},
                             files_n = {{"fil", "file"}, {"filer", "files"}},
                             units_n = {{"enhet", "unit"}, {"enheter", "units"}},
                             years_n = {{"år", "year"}, {"år", "years"}},
                             warnings_n = {{"varning", "warning"}, {"varningar", "warnings"}},
                             errors_n = {{"fel", "error"}, {"fel", "errors"}},
                             cells_n = {{"cell", "cell"}, {"celler", "cells"}};
static const enk_lang_pair checked = {"kontrollerade", "checked"},
                           imported = {"importerade", "imported"}, from = {"från", "from"},
                           for_db = {"för", "for"}, into_db = {"till", "into"},
                           in_secs = {"", "in "},
                           note_line = {"  varning: %s\n", "  warning: %s\n"},
                           cells_line = {"  %s ifyllda %s i okända kolumner lästes inte\n",
                                         "  %s non-empty %s in unknown columns not read\n"},
                           nothing_imported = {"enkat: fel: %zu %s; ingenting importerades\n",
                                               "enkat: error: %zu %s; nothing was imported\n"};

/* The language of the summary (enk_import_opts keeps it as a flag). */
static enk_lang summary_lang(const enk_import_opts *o)
{
        return o->en ? ENK_LANG_EN : ENK_LANG_SV;
}

/* The summary line on stdout and the warnings again below it. */
static void print_summary(const enk_import_opts *o, const enk_import_result *res, double secs)
{
        size_t nf = res->files, nu = res->units, ny = res->years;
        size_t responses = res->responses, warnings = res->warnings;
        char s[32];
        snprintf(s, sizeof(s), "%.2f", secs);
        enk_lang lang = summary_lang(o);
        if (lang == ENK_LANG_SV)
                *strchr(s, '.') = ',';
        char nr[32], nw[32];
        cli_number(lang, (long long) responses, nr, sizeof(nr));
        cli_number(lang, (long long) warnings, nw, sizeof(nw));
        printf("%s %s %s %s %zu %s %s %s (%zu %s, %zu %s), %s %s, %s%s s\n",
               enk_lang_pick(lang, o->dry_run ? checked : imported), nr,
               cli_noun(lang, (long long) responses, &responses_n), enk_lang_pick(lang, from), nf,
               cli_noun(lang, (long long) nf, &files_n),
               enk_lang_pick(lang, o->dry_run ? for_db : into_db), o->db, nu,
               cli_noun(lang, (long long) nu, &units_n), ny,
               cli_noun(lang, (long long) ny, &years_n), nw,
               cli_noun(lang, (long long) warnings, &warnings_n), enk_lang_pick(lang, in_secs), s);
        if (res->cells_ignored) {
                char n[32];
                cli_number(lang, (long long) res->cells_ignored, n, sizeof(n));
                printf(enk_lang_pick(lang, cells_line), n,
                       cli_noun(lang, (long long) res->cells_ignored, &cells_n));
        }
        for (size_t i = 0; i < res->nnotes; i++)
                printf(enk_lang_pick(lang, note_line), res->notes[i]);
}

/* Imports (or checks) what o names. Returns the exit status; prints as it goes. */
static int run(const enk_import_opts *o)
{
        double t0 = now();
        struct screen screen = {0};
        enk_import_handlers h = {.diags = show_diags,
                                 .progress = cli_stderr_is_tty() ? show_progress : NULL,
                                 .ctx = &screen};
        enk_import_result res;
        enk_status st = enk_import_run(o, &h, &res);
        int rc = EXIT_OK;
        if (st == ENK_OK) {
                print_summary(o, &res, now() - t0);
        } else if (res.errors) {
                size_t errors = res.errors;
                enk_lang lang = summary_lang(o);
                fprintf(stderr, enk_lang_pick(lang, nothing_imported), errors,
                        cli_noun(lang, (long long) errors, &errors_n));
                rc = EXIT_INPUT;
        } else if (st == ENK_ERR_NOMEM) {
                rc = cli_error("out of memory");
        } else {
                rc = EXIT_INPUT;
        }
        enk_import_result_release(&res);
        return rc;
}

/* The questionnaires given (--questionnaire, repeatable). */
struct qpaths {
        const char *v[MAX_QUESTIONNAIRES];
        size_t n;
};

static int questionnaire_option(const char *cmd, const char *arg, void *value)
{
        struct qpaths *q = value;
        if (q->n == MAX_QUESTIONNAIRES)
                return cli_usage_error(cmd, "more than %d questionnaires", MAX_QUESTIONNAIRES);
        q->v[q->n++] = arg;
        return EXIT_OK;
}

static int source_option(const char *cmd, const char *arg, void *value)
{
        int src = enk_store_source_parse(arg);
        if (src < 0)
                return cli_usage_error(cmd, "unknown source '%s'", arg);
        *(enk_response_source *) value = (enk_response_source) src;
        return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
        const char *db = NULL, *manifest = NULL, *map = NULL, *unit = NULL, *lang = "sv";
        struct qpaths q = {.n = 0};
        long year = 0, sent = -1;
        bool dry = false, replace = false;
        enk_response_source source = ENK_SOURCE_IMPORT;
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store (created when absent)"),
            CLI_CALLBACK('q', "questionnaire", "FILE", questionnaire_option, &q,
                         "a questionnaire edition (repeatable)"),
            CLI_OPT_YEAR("YEAR", &year, "year '%s' is not in %ld-%ld",
                         ENK_MSGID("the wave's year (single FILE)")),
            CLI_OPT_UNIT("UNIT", &unit, "the wave's unit (single FILE)"),
            CLI_INT('s', "sent", "N", &sent, 0, 100000000, "sent '%s' is not a whole number",
                    ENK_MSGID("questionnaires sent out (single FILE)")),
            CLI_STRING('M', "manifest", "FILE", &manifest, "import every file the manifest lists"),
            CLI_STRING('m', "map", "FILE", &map, "column mapping, CSV or YAML (docs/csv.md)"),
            CLI_CALLBACK('S', "source", "SOURCE", source_option, &source,
                         "import (default), paper, scan or web"),
            CLI_FLAG('n', "dry-run", &dry, "check everything, store nothing"),
            CLI_FLAG('r', "replace", &replace, "replace earlier imports of the same files"),
            CLI_OPT_LANG(&lang, "language of the summary: sv or en\n"
                                "(default sv; en when LANG begins with en)"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("import", head, foot, 27, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        if (!db)
                return cli_usage_error("import", "no store given (--db)");
        if (!q.n)
                return cli_usage_error("import", "no questionnaire given (--questionnaire)");
        if (argc - optind > 1)
                return cli_usage_error("import", "too many arguments");
        const char *file = optind < argc ? argv[optind] : NULL;
        if (!file && !manifest)
                return cli_usage_error("import", "no file given (FILE or --manifest)");
        if (file && manifest)
                return cli_usage_error("import", "give either FILE or --manifest, not both");
        if (file && (!year || !unit))
                return cli_usage_error("import", "a single file needs --unit and --year");
        if (manifest && (year || unit || sent >= 0))
                return cli_usage_error("import", "--unit, --year and --sent are for a single "
                                                 "file; the manifest gives them");
        if (unit && cli_check_unit_option("import", unit) != EXIT_OK)
                return EXIT_USAGE;

        enk_import_opts io = {.db = db,
                              .questionnaires = q.v,
                              .nquestionnaires = q.n,
                              .file = file,
                              .unit = unit,
                              .year = (int) year,
                              .sent = sent,
                              .manifest = manifest,
                              .map = map,
                              .source = source,
                              .dry_run = dry,
                              .replace = replace,
                              .en = cli_lang() == ENK_LANG_EN};
        return run(&io);
}
