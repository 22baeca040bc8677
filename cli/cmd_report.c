/* cli/cmd_report.c - `enkat report`: writes the yearly report workbook from the store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/figures.h"
#include "analysis/report.h"
#include "analysis/stats.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/store.h"
#include "survey/utf8.h"

static const char head[] =
    ENK_MSGID("usage: enkat report --db DB [--year Y] [--unit U | --all-units] [--lang sv|en]\n"
              "                    [--min-n N] [--created UNIX_TIME] -o FILE.xlsx\n"
              "\n"
              "Writes the report workbook of year Y (default: the latest year in the store):\n"
              "a summary, every question and area with its share positive, interval, change\n"
              "and trend, and the method. With --unit the report is about that unit; with\n"
              "--all-units (or neither) every unit is shown side by side with the weighted\n"
              "total. The file is written whole or not at all.\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 success, 1 bad input, store or output, 2 usage error\n");

int cmd_report(int argc, char **argv)
{
        const char *db = NULL, *out = NULL, *lang = "sv";
        enk_figures_options fo = {0};
        long year = 0, created = 0, v;
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store (enkat import writes it)"),
            CLI_OPT_YEAR("Y", &year, "bad year '%s'",
                         ENK_MSGID("the report year (default: the latest)")),
            CLI_OPT_UNIT("U", &fo.unit, "the report of one unit"),
            CLI_FLAG('a', "all-units", &fo.all_units, "every unit and the total"),
            CLI_OPT_LANG(&lang, "language of the report: sv or en\n"
                                "(default sv; en when LANG begins with en)"),
            CLI_OPT_MIN_N(&fo.min_n, "suppression threshold, at least 3 (default 5)"),
            CLI_INT('c', "created", "TIME", &created, 1, 4102444800L, "bad time '%s'",
                    ENK_MSGID("the creation time written in the file, Unix seconds\n"
                              "(default: SOURCE_DATE_EPOCH, else now); pin it for\n"
                              "byte-identical workbooks")),
            CLI_OPT_OUTPUT("FILE", &out, "the workbook to write (.xlsx)"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("report", head, foot, 23, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        fo.year = (int) year;
        bool created_set = created != 0; /* --created is at least 1 */
        if (optind < argc)
                return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
        if (!db)
                return cli_usage_error("report", "no store given (--db)");
        if (!out)
                return cli_usage_error("report", "no output file given (-o FILE.xlsx)");
        size_t olen = strlen(out);
        if (olen < 5 || strcasecmp(out + olen - 5, ".xlsx") != 0)
                return cli_usage_error("report",
                                       "the report is an Excel workbook: give -o a name "
                                       "ending in .xlsx, not '%s'",
                                       out);
        if (fo.unit && fo.all_units)
                return cli_usage_error("report", "--unit and --all-units exclude each other");
        if (!created_set) {
                /* reproducible builds: https://reproducible-builds.org/specs/source-date-epoch/ */
                const char *sde = getenv("SOURCE_DATE_EPOCH");
                if (sde && *sde) {
                        if (!enk_utf8_parse_int(sde, 1, 4102444800L, &v))
                                return cli_error("SOURCE_DATE_EPOCH is not a time: '%s'", sde);
                        created = v;
                }
        }

        enk_diags *diags = cli_diags_new();
        enk_store *store = NULL;
        enk_figures *f = NULL;
        enk_status st = enk_store_open(db, ENK_STORE_READONLY, &store, diags);
        if (st == ENK_OK)
                st = cli_unit_known(store, db, fo.unit, diags);
        if (st == ENK_OK)
                st = enk_figures_compute(store, &fo, &f, diags);
        if (st == ENK_OK) {
                enk_report_options ro = {.lang = cli_lang() == ENK_LANG_EN ? "en" : "sv",
                                         .created = created,
                                         .unit = fo.unit,
                                         .keep = db};
                st = enk_report_write(f, &ro, out, diags);
        }
        cli_print_diags(diags);
        enk_diags_free(diags);
        enk_figures_free(f);
        enk_store_free(store);
        return cli_exit_status(st);
}
