/* cli/cmd_import.c - `enkat import`: response files into the store, all or nothing. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "survey/import.h"

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

static const char *word(size_t n, const char *one, const char *many)
{
        return n == 1 ? one : many;
}

/* The summary line on stdout and the warnings again below it. */
static void print_summary(const enk_import_opts *o, const enk_import_result *res, double secs)
{
        size_t nf = res->files, nu = res->units, ny = res->years;
        size_t responses = res->responses, warnings = res->warnings;
        char s[32];
        snprintf(s, sizeof(s), "%.2f", secs);
        if (!o->en)
                *strchr(s, '.') = ',';
        if (o->en)
                printf("%s %zu %s from %zu %s %s %s (%zu %s, %zu %s), %zu %s, in %s s\n",
                       o->dry_run ? "checked" : "imported", responses,
                       word(responses, "response", "responses"), nf, word(nf, "file", "files"),
                       o->dry_run ? "for" : "into", o->db, nu, word(nu, "unit", "units"), ny,
                       word(ny, "year", "years"), warnings, word(warnings, "warning", "warnings"),
                       s);
        else
                printf("%s %zu svar från %zu %s %s %s (%zu %s, %zu år), %zu %s, %s s\n",
                       o->dry_run ? "kontrollerade" : "importerade", responses, nf,
                       word(nf, "fil", "filer"), o->dry_run ? "för" : "till", o->db, nu,
                       word(nu, "enhet", "enheter"), ny, warnings,
                       word(warnings, "varning", "varningar"), s);
        for (size_t i = 0; i < res->nnotes; i++)
                printf(o->en ? "  warning: %s\n" : "  varning: %s\n", res->notes[i]);
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
                fprintf(stderr,
                        o->en ? "enkat: error: %zu %s; nothing was imported\n"
                              : "enkat: error: %zu %s; ingenting importerades\n",
                        errors,
                        o->en ? word(errors, "error", "errors") : word(errors, "fel", "fel"));
                rc = EXIT_INPUT;
        } else if (st == ENK_ERR_NOMEM) {
                rc = cli_error("out of memory");
        } else {
                rc = EXIT_INPUT;
        }
        enk_import_result_release(&res);
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
        struct {
                const char *db, *manifest, *map, *unit;
                const char *qpaths[MAX_QUESTIONNAIRES];
                size_t nq;
                long year, sent;
                bool dry, replace, en;
                enk_store_source source;
        } o = {.year = 0, .sent = -1, .source = ENK_SOURCE_IMPORT};
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

        enk_import_opts io = {.db = o.db,
                              .questionnaires = o.qpaths,
                              .nquestionnaires = o.nq,
                              .file = file,
                              .unit = o.unit,
                              .year = (int) o.year,
                              .sent = o.sent,
                              .manifest = o.manifest,
                              .map = o.map,
                              .source = o.source,
                              .dry_run = o.dry,
                              .replace = o.replace,
                              .en = o.en};
        return run(&io);
}
