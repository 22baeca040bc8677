/* cli/cmd_codes.c - `enkat codes`: one-time access codes for the letters, hashes into the store.
 *
 * Parses the options and prints; issuing the batch (the order that keeps the
 * CSV and the store in step, the collision retry, no-clobber) is
 * enk_codes_issue() in survey/codes.h.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "survey/codes.h"

static void usage(FILE *f)
{
        fputs("usage: enkat codes --db DB --year YEAR --unit UNIT --count N -o FILE.csv\n"
              "                   [--questionnaire Q.yaml] [--sent] [--excel] [--lang sv|en]\n"
              "       enkat codes --db DB --year YEAR --unit UNIT --delete-drafts [--lang sv|en]\n"
              "\n"
              "Makes N one-time access codes for the web form (enkat serve) of the wave\n"
              "UNIT x YEAR: 12 symbols like K7QM-4XPA-93TR, 60 random bits each. The store\n"
              "keeps only their hashes; the codes themselves are written to FILE.csv, one\n"
              "row per letter for a mail merge, with the columns kod, enhet, år and rad\n"
              "(a ready line for the letter; code, unit, year, line with --lang en).\n"
              "Run it again to add codes to the same wave. FILE.csv must not exist: it\n"
              "may hold the only copy of earlier codes. docs/codes.md has the details.\n"
              "\n"
              "options:\n"
              "  -d, --db DB                the store (created with --questionnaire)\n"
              "  -y, --year YEAR            the wave's year\n"
              "  -u, --unit UNIT            the wave's unit (municipality or district)\n"
              "  -n, --count N              how many codes, 1-100000\n"
              "  -o, --output FILE.csv      where the codes go\n"
              "  -q, --questionnaire FILE   the edition, to create the unit and wave when\n"
              "                             the store does not have them yet\n"
              "  -s, --sent                 set the wave's number sent out to the number\n"
              "                             of codes issued for it (all batches)\n"
              "  -x, --excel                CSV for Swedish Excel: byte-order mark, ';', CRLF\n"
              "  -l, --lang LANG            language of the CSV and messages: sv (default)\n"
              "                             or en\n"
              "      --delete-drafts        when the collection has closed: delete the\n"
              "                             answers saved but never sent under the wave's\n"
              "                             codes (they are never counted)\n"
              "  -h, --help                 show this help\n"
              "\n"
              "exit status: 0 codes stored and written, 1 bad input or environment\n"
              "(nothing stored, no file written), 2 usage error\n",
              f);
}

struct opts {
        const char *db, *unit, *out, *qpath;
        long year, count;
        bool sent, excel, en, delete_drafts;
};

/* --delete-drafts: the drafts of the wave's unsent codes. */
static int run_delete_drafts(const struct opts *o)
{
        enk_diags *diags = cli_diags_new();
        int64_t deleted = 0;
        int rc = EXIT_INPUT;
        if (enk_codes_delete_drafts(o->db, o->unit, (int) o->year, &deleted, diags) == ENK_OK) {
                if (o->en)
                        printf("deleted %lld saved, unsent answer sets (%s %ld)\n",
                               (long long) deleted, o->unit, o->year);
                else
                        printf("tog bort %lld sparade, oskickade svar (%s %ld)\n",
                               (long long) deleted, o->unit, o->year);
                rc = EXIT_OK;
        }
        cli_print_diags(diags);
        enk_diags_free(diags);
        return rc;
}

static int run(const struct opts *o)
{
        enk_codes_batch b = {.db = o->db,
                             .unit = o->unit,
                             .year = (int) o->year,
                             .count = o->count,
                             .output = o->out,
                             .questionnaire = o->qpath,
                             .sent = o->sent,
                             .excel = o->excel,
                             .en = o->en};
        enk_diags *diags = cli_diags_new();
        enk_codes_counts c = {0, 0};
        enk_status st = enk_codes_issue(&b, &c, diags);
        if (st == ENK_ERR_NOMEM)
                cli_error("out of memory");
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st != ENK_OK)
                return EXIT_INPUT;
        if (o->en)
                printf("wrote %ld codes to %s (%s %ld: %lld issued, %lld used)\n", o->count, o->out,
                       o->unit, o->year, (long long) c.issued, (long long) c.spent);
        else
                printf("skrev %ld koder till %s (%s %ld: %lld utfärdade, %lld använda)\n", o->count,
                       o->out, o->unit, o->year, (long long) c.issued, (long long) c.spent);
        return EXIT_OK;
}

int cmd_codes(int argc, char **argv)
{
        static const struct option options[] = {
            {"db", required_argument, NULL, 'd'},
            {"year", required_argument, NULL, 'y'},
            {"unit", required_argument, NULL, 'u'},
            {"count", required_argument, NULL, 'n'},
            {"output", required_argument, NULL, 'o'},
            {"questionnaire", required_argument, NULL, 'q'},
            {"sent", no_argument, NULL, 's'},
            {"excel", no_argument, NULL, 'x'},
            {"lang", required_argument, NULL, 'l'},
            {"delete-drafts", no_argument, NULL, 'D'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct opts o = {0};
        int opt;

        optind = 1;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":d:y:u:n:o:q:sxl:h", options, NULL)) != -1) {
                switch (opt) {
                case 'd':
                        o.db = optarg;
                        break;
                case 'y':
                        if (!cli_parse_int(optarg, 1990, 2100, &o.year))
                                return cli_usage_error("codes", "year '%s' is not in 1990-2100",
                                                       optarg);
                        break;
                case 'u':
                        if (!*optarg)
                                return cli_usage_error("codes", "empty unit name");
                        if (cli_check_unit_option("codes", optarg) != EXIT_OK)
                                return EXIT_USAGE;
                        o.unit = optarg;
                        break;
                case 'n':
                        if (!cli_parse_int(optarg, 1, ENK_CODES_BATCH_MAX, &o.count))
                                return cli_usage_error("codes", "count '%s' is not in 1-%d", optarg,
                                                       ENK_CODES_BATCH_MAX);
                        break;
                case 'o':
                        if (!*optarg)
                                return cli_usage_error("codes", "empty output file name");
                        o.out = optarg;
                        break;
                case 'q':
                        o.qpath = optarg;
                        break;
                case 's':
                        o.sent = true;
                        break;
                case 'x':
                        o.excel = true;
                        break;
                case 'l':
                        if (!strcmp(optarg, "en"))
                                o.en = true;
                        else if (strcmp(optarg, "sv"))
                                return cli_usage_error("codes", "unknown language '%s'", optarg);
                        break;
                case 'D':
                        o.delete_drafts = true;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case ':':
                        return cli_usage_error("codes", "option '%s' needs a value",
                                               argv[optind - 1]);
                default:
                        return cli_usage_error("codes", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (!o.db)
                return cli_usage_error("codes", "no store given (--db)");
        if (!o.year)
                return cli_usage_error("codes", "no year given (--year)");
        if (!o.unit)
                return cli_usage_error("codes", "no unit given (--unit)");
        if (o.delete_drafts) {
                if (o.count || o.out || o.qpath || o.sent || o.excel)
                        return cli_usage_error("codes", "--delete-drafts makes no codes: give "
                                                        "only --db, --year and --unit");
                if (optind < argc)
                        return cli_usage_error("codes", "too many arguments");
                return run_delete_drafts(&o);
        }
        if (!o.count)
                return cli_usage_error("codes", "no count given (--count)");
        if (!o.out)
                return cli_usage_error("codes", "no output file given (-o)");
        if (optind < argc)
                return cli_usage_error("codes", "too many arguments");
        return run(&o);
}
