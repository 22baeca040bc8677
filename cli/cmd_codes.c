/* cli/cmd_codes.c - `enkat codes`: one-time access codes for the letters, hashes into the store.
 *
 * Parses the options and prints; issuing the batch (the order that keeps the
 * CSV and the store in step, the collision retry, no-clobber) is
 * enk_codes_issue() in survey/codes.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/codes.h"

static const char head[] = ENK_MSGID(
    "usage: enkat codes --db DB --year YEAR --unit UNIT --count N -o FILE.csv\n"
    "                   [--url URL] [--deadline YYYY-MM-DD] [--municipality NAME]\n"
    "                   [--contact TEXT] [--questionnaire Q.yaml] [--sent] [--test]\n"
    "                   [--excel] [--lang sv|en]\n"
    "       enkat codes --db DB --year YEAR --unit UNIT [--url URL] [--deadline DATE]\n"
    "                   [--municipality NAME] [--contact TEXT]\n"
    "       enkat codes --db DB --year YEAR --unit UNIT --unused LETTERS.csv -o FILE.csv\n"
    "       enkat codes --db DB --year YEAR --unit UNIT --delete-drafts [--lang sv|en]\n"
    "\n"
    "Makes N one-time access codes for the web form (enkat serve) of the wave\n"
    "UNIT x YEAR: 12 symbols like K7QM-4XPA-93TR, 60 random bits each. The store\n"
    "keeps only their hashes; the codes themselves are written to FILE.csv, one\n"
    "row per letter for a mail merge, with the columns kod, enhet, år, rad (a\n"
    "ready line for the letter: where to go, the code, by when), webbadress,\n"
    "svara_senast, kontakt and kommun (in English with --lang en).\n"
    "The wave keeps --url, --deadline, --municipality and --contact for its\n"
    "letters, web pages and paper form; without --count they are only changed.\n"
    "--unused writes the rows of the letters' CSV whose codes are not yet used:\n"
    "the reminder. Run it again to add codes to the same wave. FILE.csv must not\n"
    "exist: it may hold the only copy of earlier codes. docs/codes.md has the\n"
    "details.\n"
    "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 codes stored and written, 1 bad input or environment\n"
              "(nothing stored, no file written), 2 usage error\n");

struct opts {
        const char *db, *unit, *out, *qpath, *unused;
        long year, count;
        bool sent, excel, en, delete_drafts, test;
        enk_store_wave_details details;
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

/* --unused: the reminder's rows. */
static int run_unused(const struct opts *o)
{
        enk_codes_reminder r = {.db = o->db,
                                .unit = o->unit,
                                .year = (int) o->year,
                                .letters = o->unused,
                                .output = o->out};
        enk_diags *diags = cli_diags_new();
        int64_t kept = 0, rows = 0;
        enk_status st = enk_codes_unused(&r, &kept, &rows, diags);
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st != ENK_OK)
                return st == ENK_ERR_NOMEM ? cli_error("out of memory") : EXIT_INPUT;
        if (o->en)
                printf("wrote %lld of %lld letters to %s: their codes are not used yet (%s %ld)\n",
                       (long long) kept, (long long) rows, o->out, o->unit, o->year);
        else
                printf("skrev %lld av %lld brev till %s: deras koder är inte använda än (%s %ld)\n",
                       (long long) kept, (long long) rows, o->out, o->unit, o->year);
        return EXIT_OK;
}

/* Only the wave's details, changed. */
static int run_details(const struct opts *o)
{
        enk_diags *diags = cli_diags_new();
        enk_status st = enk_codes_set_details(o->db, o->unit, (int) o->year, &o->details, diags);
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st != ENK_OK)
                return st == ENK_ERR_USAGE ? EXIT_USAGE : EXIT_INPUT;
        if (o->en)
                printf("stored the details of %s %ld\n", o->unit, o->year);
        else
                printf("sparade uppgifterna om %s %ld\n", o->unit, o->year);
        return EXIT_OK;
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
                             .en = o->en,
                             .test = o->test,
                             .details = o->details};
        enk_diags *diags = cli_diags_new();
        enk_codes_counts c = {0};
        enk_status st = enk_codes_issue(&b, &c, diags);
        if (st == ENK_ERR_NOMEM)
                cli_error("out of memory");
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st != ENK_OK)
                return st == ENK_ERR_USAGE ? EXIT_USAGE : EXIT_INPUT;
        if (o->test && o->en)
                printf("wrote %ld test codes to %s (%s %ld: %lld test codes, %lld used; their "
                       "answers are never stored)\n",
                       o->count, o->out, o->unit, o->year, (long long) c.tests_issued,
                       (long long) c.tests_spent);
        else if (o->test)
                printf("skrev %ld testkoder till %s (%s %ld: %lld testkoder, %lld använda; deras "
                       "svar sparas aldrig)\n",
                       o->count, o->out, o->unit, o->year, (long long) c.tests_issued,
                       (long long) c.tests_spent);
        else if (o->en)
                printf("wrote %ld codes to %s (%s %ld: %lld issued, %lld used)\n", o->count, o->out,
                       o->unit, o->year, (long long) c.issued, (long long) c.spent);
        else
                printf("skrev %ld koder till %s (%s %ld: %lld utfärdade, %lld använda)\n", o->count,
                       o->out, o->unit, o->year, (long long) c.issued, (long long) c.spent);
        return EXIT_OK;
}

/* --unit: not empty, and a name the store takes. */
static int unit_option(const char *cmd, const char *arg, void *value)
{
        if (!*arg)
                return cli_usage_error(cmd, "empty unit name");
        return cli_opt_unit(cmd, arg, value);
}

static int output_option(const char *cmd, const char *arg, void *value)
{
        if (!*arg)
                return cli_usage_error(cmd, "empty output file name");
        *(const char **) value = arg;
        return EXIT_OK;
}

int cmd_codes(int argc, char **argv)
{
        struct opts o = {0};
        const char *lang = "sv";
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&o.db, "the store (created with --questionnaire)"),
            CLI_OPT_YEAR("YEAR", &o.year, "year '%s' is not in %ld-%ld",
                         ENK_MSGID("the wave's year")),
            CLI_CALLBACK('u', "unit", "UNIT", unit_option, &o.unit,
                         "the wave's unit (municipality or district)"),
            CLI_INT('n', "count", "N", &o.count, 1, ENK_CODES_BATCH_MAX,
                    "count '%s' is not in %ld-%ld", ENK_MSGID("how many codes, 1-100000")),
            CLI_CALLBACK('o', "output", "FILE.csv", output_option, &o.out, "where the codes go"),
            CLI_STRING('q', "questionnaire", "FILE", &o.qpath,
                       "the edition, to create the unit and wave when\n"
                       "the store does not have them yet"),
            CLI_STRING(0, "url", "URL", &o.details.url,
                       "the web form's public address, for the\n"
                       "letter (https://...)"),
            CLI_STRING(0, "deadline", "YYYY-MM-DD", &o.details.deadline, "the last day to answer"),
            CLI_STRING(0, "municipality", "NAME", &o.details.municipality,
                       "who asks, as the letters and pages say it\n"
                       "(\"Vetlanda kommun\")"),
            CLI_STRING(0, "contact", "TEXT", &o.details.contact,
                       "whom to ask: a name and a phone number or\n"
                       "e-mail address"),
            CLI_FLAG('s', "sent", &o.sent,
                     "set the wave's number sent out to the number\n"
                     "of codes issued for it (all batches)"),
            CLI_FLAG(0, "test", &o.test,
                     "test codes, to try the form before the letters\n"
                     "go out: their answers are never stored"),
            CLI_STRING(0, "unused", "LETTERS.csv", &o.unused,
                       "write the rows of LETTERS.csv whose codes are\n"
                       "not used yet to -o FILE.csv (the reminder)"),
            CLI_FLAG('x', "excel", &o.excel, "CSV for Swedish Excel: byte-order mark, ';', CRLF"),
            CLI_OPT_LANG(&lang, "language of the CSV and messages: sv or en\n"
                                "(default sv; en when LANG begins with en)"),
            CLI_FLAG(0, "delete-drafts", &o.delete_drafts,
                     "when the collection has closed: delete the\n"
                     "answers saved but never sent under the wave's\n"
                     "codes (they are never counted)"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("codes", head, foot, 27, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        o.en = cli_lang() == ENK_LANG_EN;
        int need = cli_need_wave("codes", o.db, o.year, o.unit);
        if (need != CLI_GO)
                return need;
        if (optind < argc)
                return cli_usage_error("codes", "too many arguments");
        bool details =
            o.details.url || o.details.deadline || o.details.municipality || o.details.contact;
        if (o.delete_drafts) {
                if (o.count || o.out || o.qpath || o.sent || o.excel || o.test || o.unused ||
                    details)
                        return cli_usage_error("codes", "--delete-drafts makes no codes: give "
                                                        "only --db, --year and --unit");
                return run_delete_drafts(&o);
        }
        if (o.unused) {
                if (o.count || o.qpath || o.sent || o.excel || o.test || details)
                        return cli_usage_error("codes", "--unused makes no codes: give only "
                                                        "--db, --year, --unit and -o");
                if (!o.out)
                        return cli_usage_error("codes", "no output file given (-o)");
                return run_unused(&o);
        }
        if (!o.count && !o.out && !o.qpath && !o.sent && !o.excel && !o.test && details)
                return run_details(&o);
        if (!o.count)
                return cli_usage_error("codes", "no count given (--count)");
        if (o.test && o.sent)
                return cli_usage_error("codes", "test codes are not sent out: --test and "
                                                "--sent do not go together");
        if (!o.out)
                return cli_usage_error("codes", "no output file given (-o)");
        return run(&o);
}
