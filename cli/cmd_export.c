/* cli/cmd_export.c - `enkat export`: the tidy response data as CSV, SPSS or Stata files. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "survey/export.h"
#include "survey/store.h"

static void usage(FILE *f)
{
        fputs("usage: enkat export --db DB [--year Y] [--unit U] --format csv|sav|dta\n"
              "                    [--excel] -o FILE\n"
              "\n"
              "Writes the responses, one row per response: unit, year, edition, source,\n"
              "date, respondent, then one column per question of the latest edition\n"
              "(docs/csv.md, Export). Values are codes; no answer is empty.\n"
              "\n"
              "options:\n"
              "  -d, --db DB          the store (enkat import writes it)\n"
              "  -y, --year Y         only year Y (default: every year)\n"
              "  -u, --unit U         only unit U (default: every unit)\n"
              "  -f, --format FORMAT  csv, sav (SPSS) or dta (Stata)\n"
              "  -x, --excel          CSV for Swedish Excel: ';', byte-order mark, CRLF\n"
              "  -o, --output FILE    the file to write\n"
              "  -h, --help           show this help\n"
              "\n"
              "exit status: 0 success, 1 bad input or store, 2 usage error\n",
              f);
}

int cmd_export(int argc, char **argv)
{
        static const struct option options[] = {
            {"db", required_argument, NULL, 'd'},   {"year", required_argument, NULL, 'y'},
            {"unit", required_argument, NULL, 'u'}, {"format", required_argument, NULL, 'f'},
            {"excel", no_argument, NULL, 'x'},      {"output", required_argument, NULL, 'o'},
            {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
        };
        const char *db = NULL, *out = NULL, *format = NULL;
        enk_export_options eo = {0};
        bool excel = false;
        long v;
        int opt;

        optind = 1;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":d:y:u:f:xo:h", options, NULL)) != -1) {
                switch (opt) {
                case 'd':
                        db = optarg;
                        break;
                case 'y':
                        if (!cli_parse_int(optarg, 1990, 2100, &v))
                                return cli_usage_error("export", "bad year '%s'", optarg);
                        eo.year = (int) v;
                        break;
                case 'u':
                        eo.unit = optarg;
                        break;
                case 'f':
                        format = optarg;
                        break;
                case 'x':
                        excel = true;
                        break;
                case 'o':
                        out = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case ':':
                        return cli_usage_error("export", "option '%s' needs a value",
                                               argv[optind - 1]);
                default:
                        return cli_usage_error("export", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
        if (!db)
                return cli_usage_error("export", "no store given (--db)");
        if (!out)
                return cli_usage_error("export", "no output file given (-o)");
        if (!format)
                return cli_usage_error("export", "no format given (--format csv|sav|dta)");
        if (!strcmp(format, "csv"))
                eo.format = excel ? ENK_EXPORT_EXCEL : ENK_EXPORT_CSV;
        else if (!strcmp(format, "sav"))
                eo.format = ENK_EXPORT_SAV;
        else if (!strcmp(format, "dta"))
                eo.format = ENK_EXPORT_DTA;
        else
                return cli_usage_error("export", "unknown format '%s'", format);
        if (excel && eo.format != ENK_EXPORT_EXCEL)
                return cli_usage_error("export", "--excel is for --format csv only");

        enk_diags *diags = cli_diags_new();
        enk_store *store = NULL;
        int64_t rows = 0;
        enk_status st = enk_store_open(db, ENK_STORE_READONLY, &store, diags);
        if (st == ENK_OK)
                st = enk_export_write(store, &eo, out, &rows, diags);
        cli_print_diags(diags);
        enk_diags_free(diags);
        enk_store_free(store);
        if (st != ENK_OK) {
                if (st == ENK_ERR_NOMEM || st == ENK_ERR_USAGE)
                        return cli_error("%s", enk_status_str(st));
                return EXIT_INPUT;
        }
        return EXIT_OK;
}
