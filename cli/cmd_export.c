/* cli/cmd_export.c - `enkat export`: the tidy response data as CSV, SPSS or Stata files. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/export.h"
#include "survey/store.h"

static const char head[] =
    ENK_MSGID("usage: enkat export --db DB [--year Y] [--unit U] --format csv|sav|dta\n"
              "                    [--excel] -o FILE\n"
              "\n"
              "Writes the responses, one row per response: unit, year, edition, source,\n"
              "date, respondent, then one column per question of the latest edition\n"
              "(docs/csv.md, Export). Values are codes; no answer is empty.\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 success, 1 bad input or store, 2 usage error\n");

int cmd_export(int argc, char **argv)
{
        const char *db = NULL, *out = NULL, *format = NULL;
        enk_export_options eo = {0};
        bool excel = false;
        long year = 0;
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store (enkat import writes it)"),
            CLI_OPT_YEAR("Y", &year, "bad year '%s'",
                         ENK_MSGID("only year Y (default: every year)")),
            CLI_OPT_UNIT("U", &eo.unit, "only unit U (default: every unit)"),
            CLI_STRING('f', "format", "FORMAT", &format, "csv, sav (SPSS) or dta (Stata)"),
            CLI_FLAG('x', "excel", &excel, "CSV for Swedish Excel: ';', byte-order mark, CRLF"),
            CLI_OPT_OUTPUT("FILE", &out, "the file to write"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("export", head, foot, 21, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        eo.year = (int) year;
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
                st = cli_unit_known(store, db, eo.unit, diags);
        if (st == ENK_OK)
                st = enk_export_write(store, &eo, out, &rows, diags);
        cli_print_diags(diags);
        enk_diags_free(diags);
        enk_store_free(store);
        return cli_exit_status(st);
}
