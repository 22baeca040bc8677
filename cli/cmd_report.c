/* cli/cmd_report.c - `enkat report`: writes the yearly report workbook from the store. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
#include "analysis/report.h"
#include "analysis/stats.h"
#include "cli/cli.h"
#include "survey/store.h"

static void usage(FILE *f)
{
        fputs("usage: enkat report --db DB [--year Y] [--unit U | --all-units] [--lang sv|en]\n"
              "                    [--min-n N] [--created UNIX_TIME] -o FILE.xlsx\n"
              "\n"
              "Writes the report workbook of year Y (default: the latest year in the store):\n"
              "a summary, every question and area with its share positive, interval, change\n"
              "and trend, and the method. With --unit the report is about that unit; with\n"
              "--all-units (or neither) every unit is shown side by side with the weighted\n"
              "total. The file is written whole or not at all.\n"
              "\n"
              "options:\n"
              "  -d, --db DB            the store (enkat import writes it)\n"
              "  -y, --year Y           the report year (default: the latest)\n"
              "  -u, --unit U           the report of one unit\n"
              "  -a, --all-units        every unit and the total\n"
              "  -l, --lang LANG        language of the report: sv (default) or en\n"
              "  -n, --min-n N          suppression threshold, at least 3 (default 5)\n"
              "  -c, --created TIME     the creation time written in the file, Unix seconds\n"
              "                         (default: SOURCE_DATE_EPOCH, else now); pin it for\n"
              "                         byte-identical workbooks\n"
              "  -o, --output FILE      the workbook to write (.xlsx)\n"
              "  -h, --help             show this help\n"
              "\n"
              "exit status: 0 success, 1 bad input, store or output, 2 usage error\n",
              f);
}

int cmd_report(int argc, char **argv)
{
        static const struct option options[] = {
            {"db", required_argument, NULL, 'd'},      {"year", required_argument, NULL, 'y'},
            {"unit", required_argument, NULL, 'u'},    {"all-units", no_argument, NULL, 'a'},
            {"lang", required_argument, NULL, 'l'},    {"min-n", required_argument, NULL, 'n'},
            {"created", required_argument, NULL, 'c'}, {"output", required_argument, NULL, 'o'},
            {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
        };
        const char *db = NULL, *out = NULL, *lang = "sv";
        enk_figures_options fo = {0};
        long long created = 0;
        bool created_set = false;
        long v;
        int opt;

        optind = 1;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":d:y:u:al:n:c:o:h", options, NULL)) != -1) {
                switch (opt) {
                case 'd':
                        db = optarg;
                        break;
                case 'y':
                        if (!cli_parse_int(optarg, 1990, 2100, &v))
                                return cli_usage_error("report", "bad year '%s'", optarg);
                        fo.year = (int) v;
                        break;
                case 'u':
                        fo.unit = optarg;
                        break;
                case 'a':
                        fo.all_units = true;
                        break;
                case 'l':
                        if (strcmp(optarg, "sv") && strcmp(optarg, "en"))
                                return cli_usage_error("report", "unknown language '%s'", optarg);
                        lang = optarg;
                        break;
                case 'n':
                        if (!cli_parse_int(optarg, 0, 1000000, &v) ||
                            enk_stats_check_min_n((int) v) != ENK_OK || v == 0)
                                return cli_usage_error(
                                    "report", "--min-n must be a number, at least %d: '%s'",
                                    ENK_STATS_MIN_N_FLOOR, optarg);
                        fo.min_n = (int) v;
                        break;
                case 'c':
                        if (!cli_parse_int(optarg, 1, 4102444800L, &v))
                                return cli_usage_error("report", "bad time '%s'", optarg);
                        created = v;
                        created_set = true;
                        break;
                case 'o':
                        out = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case ':':
                        return cli_usage_error("report", "option '%s' needs a value",
                                               argv[optind - 1]);
                default:
                        return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
        if (!db)
                return cli_usage_error("report", "no store given (--db)");
        if (!out)
                return cli_usage_error("report", "no output file given (-o FILE.xlsx)");
        if (fo.unit && fo.all_units)
                return cli_usage_error("report", "--unit and --all-units exclude each other");
        if (!created_set) {
                /* reproducible builds: https://reproducible-builds.org/specs/source-date-epoch/ */
                const char *sde = getenv("SOURCE_DATE_EPOCH");
                if (sde && *sde) {
                        if (!cli_parse_int(sde, 1, 4102444800L, &v))
                                return cli_error("SOURCE_DATE_EPOCH is not a time: '%s'", sde);
                        created = v;
                }
        }

        enk_diags *diags = cli_diags_new();
        enk_store *store = NULL;
        enk_figures *f = NULL;
        enk_status st = enk_store_open(db, ENK_STORE_READONLY, &store, diags);
        if (st == ENK_OK)
                st = enk_figures_compute(store, &fo, &f, diags);
        if (st == ENK_OK) {
                enk_report_options ro = {
                    .lang = lang, .created = created, .unit = fo.unit, .keep = db};
                st = enk_report_write(f, &ro, out, diags);
        }
        cli_print_diags(diags);
        enk_diags_free(diags);
        enk_figures_free(f);
        enk_store_free(store);
        if (st != ENK_OK) {
                if (st == ENK_ERR_NOMEM || st == ENK_ERR_USAGE)
                        return cli_error("%s", enk_status_str(st));
                return EXIT_INPUT;
        }
        return EXIT_OK;
}
