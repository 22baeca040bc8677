/* cli/cmd_check.c - `enkat check`: validates a questionnaire and sums it up. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/questionnaire.h"

static const char head[] =
    "usage: enkat check [--lang sv|en] FILE.yaml\n"
    "\n"
    "Validates a questionnaire (docs/questionnaire.md). When it is valid, prints\n"
    "one line that sums it up; otherwise prints every problem found as\n"
    "FILE:LINE:COLUMN: error: MESSAGE on standard error.\n"
    "\n";
static const char foot[] = "exit status: 0 valid, 1 invalid or unreadable, 2 usage error\n";

/* "1 fråga" / "31 frågor": the word for n in the summary's language. */
static const char *word(long n, const char *one, const char *many)
{
        return n == 1 ? one : many;
}

static void summary(const char *path, const enk_questionnaire *q, bool en)
{
        char langs[64] = "";
        size_t len = 0;
        for (size_t i = 0; i < q->nlanguages && len < sizeof(langs); i++)
                len += (size_t) snprintf(langs + len, sizeof(langs) - len, "%s%s", i ? ", " : "",
                                         q->languages[i]);
        long ns = (long) q->nsections, nq = (long) q->nquestions, ng = (long) q->ngrids;
        long na = (long) q->nareas, nl = (long) q->nlanguages;
        printf("%s: %s %d, %ld %s, %ld %s", path, q->survey, q->edition, ns,
               en ? word(ns, "section", "sections") : "avsnitt", nq,
               en ? word(nq, "question", "questions") : word(nq, "fråga", "frågor"));
        if (ng)
                printf(" (%ld %s)", ng,
                       en ? word(ng, "grid", "grids") : word(ng, "matris", "matriser"));
        printf(", %ld %s, %ld %s (%s)\n", na,
               en ? word(na, "area", "areas") : word(na, "område", "områden"), nl,
               en ? word(nl, "language", "languages") : "språk", langs);
}

int cmd_check(int argc, char **argv)
{
        const char *lang = "sv";
        const struct cli_opt opts[] = {
            CLI_OPT_LANG(&lang, "language of the summary: sv (default) or en"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("check", head, foot, 17, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        bool en = !strcmp(lang, "en");
        if (optind == argc)
                return cli_usage_error("check", "no questionnaire given");
        if (argc - optind > 1)
                return cli_usage_error("check", "too many arguments");
        const char *path = argv[optind];

        enk_diags *diags = cli_diags_new();
        enk_questionnaire *q = NULL;
        enk_status st = enk_questionnaire_load(path, &q, diags);
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st != ENK_OK)
                return cli_exit_status(st);
        summary(path, q, en);
        enk_questionnaire_free(q);
        return EXIT_OK;
}
