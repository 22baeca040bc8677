/* cli/cmd_check.c - `enkat check`: validates a questionnaire and sums it up. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/questionnaire.h"

static const char head[] =
    ENK_MSGID("usage: enkat check [--lang sv|en] FILE.yaml\n"
              "\n"
              "Validates a questionnaire (docs/questionnaire.md). When it is valid, prints\n"
              "one line that sums it up; otherwise prints every problem found as\n"
              "FILE:LINE:COLUMN: error: MESSAGE on standard error.\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 valid, 1 invalid or unreadable, 2 usage error\n");

/* The summary's nouns. */
static const struct cli_noun sections = {{"avsnitt", "section"}, {"avsnitt", "sections"}},
                             questions = {{"fråga", "question"}, {"frågor", "questions"}},
                             grids = {{"matris", "grid"}, {"matriser", "grids"}},
                             areas = {{"område", "area"}, {"områden", "areas"}},
                             languages = {{"språk", "language"}, {"språk", "languages"}};

static void summary(const char *path, const enk_questionnaire *q, enk_lang lang)
{
        char langs[64] = "";
        size_t len = 0;
        for (size_t i = 0; i < q->nlanguages && len < sizeof(langs); i++)
                len += (size_t) snprintf(langs + len, sizeof(langs) - len, "%s%s", i ? ", " : "",
                                         q->languages[i]);
        long ns = (long) q->nsections, nq = (long) q->nquestions, ng = (long) q->ngrids;
        long na = (long) q->nareas, nl = (long) q->nlanguages;
        printf("%s: %s %d, %ld %s, %ld %s", path, q->survey, q->edition, ns,
               cli_noun(lang, ns, &sections), nq, cli_noun(lang, nq, &questions));
        if (ng)
                printf(" (%ld %s)", ng, cli_noun(lang, ng, &grids));
        printf(", %ld %s, %ld %s (%s)\n", na, cli_noun(lang, na, &areas), nl,
               cli_noun(lang, nl, &languages), langs);
}

int cmd_check(int argc, char **argv)
{
        const char *lang_code = "sv";
        const struct cli_opt opts[] = {
            CLI_OPT_LANG(&lang_code, "language of the summary: sv or en\n"
                                     "(default sv; en when LANG begins with en)"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("check", head, foot, 17, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        enk_lang lang = cli_lang();
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
        summary(path, q, lang);
        enk_questionnaire_free(q);
        return EXIT_OK;
}
