/* cli/main.c - the enkat program: finds the command and hands over. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "analysis/stats.h"
#include "cli/cli.h"
#include "survey/outfile.h"

struct enk_cmd {
        const char *name;
        int (*fn)(int argc, char **argv); /* NULL: the command runs in enkat-full */
        const char *summary;
};

/* The commands of the paper form, the scanner and the web server link
 * cairo, Pango, Poppler, Leptonica, zbar, qpdf and libmicrohttpd, which
 * bring about 75 more shared libraries: loading them is most of a run's
 * start (40 ms of 50). So this program is built twice: enkat without
 * those commands, which hands them to enkat-full (cli_run_full), and
 * enkat-full with every command (ENK_FULL). */
#ifdef ENK_FULL
#define FULL(fn) fn
#else
#define FULL(fn) NULL
#endif

static const struct enk_cmd commands[] = {
    {"check", cmd_check, ENK_MSGID("validate a questionnaire")},
    {"import", cmd_import, ENK_MSGID("import response files into a store")},
    {"status", cmd_status, ENK_MSGID("list the waves of a store")},
    {"stats", cmd_stats, ENK_MSGID("print the figures of a store")},
    {"report", cmd_report, ENK_MSGID("write the report workbook")},
    {"export", cmd_export, ENK_MSGID("write the responses as CSV, SPSS or Stata files")},
    {"codes", cmd_codes, ENK_MSGID("make one-time access codes for the web form")},
    {"form", FULL(cmd_form),
     ENK_MSGID("write the paper form (PDF), its layout, or the web form (HTML)")},
    {"serve", FULL(cmd_serve), ENK_MSGID("serve the web form with one-time codes")},
    {"scan", FULL(cmd_scan), ENK_MSGID("read scanned paper forms into a wave")},
    {"review", FULL(cmd_review), ENK_MSGID("decide the scanned answers that wait for a person")},
};

static void usage(FILE *f)
{
        fputs(enk_diag_text("usage: enkat COMMAND [OPTIONS] [ARGS]\n"
                            "       enkat --version\n"
                            "       enkat help [COMMAND] [--lang sv|en]\n"
                            "\n"
                            "Annual questionnaire surveys of foster homes and emergency homes.\n"
                            "\n"
                            "commands:\n"),
              f);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                fprintf(f, "  %-10s %s\n", commands[i].name, enk_diag_text(commands[i].summary));
        fputs(enk_diag_text("\n'enkat COMMAND --help' describes a command.\n"
                            "Messages and help are in Swedish; in English with --lang en, or\n"
                            "when LC_ALL, LC_MESSAGES or LANG (the first one set) begins with\n"
                            "\"en\".\n"
                            "exit status: 0 success, 1 bad input or environment, 2 usage error\n"),
              f);
}

/* `enkat --help --lang en`, `enkat help import -l en`: the language of the
 * program's own help, from the arguments after argv[1] (a command's help
 * finds its --lang itself). */
static void help_lang(int argc, char **argv)
{
        for (int i = 2; i < argc; i++) {
                const char *code = NULL;
                if ((!strcmp(argv[i], "--lang") || !strcmp(argv[i], "-l")) && i + 1 < argc)
                        code = argv[i + 1];
                else if (!strncmp(argv[i], "--lang=", 7))
                        code = argv[i] + 7;
                if (code)
                        cli_use_lang(cli_lang_named(code));
        }
}

static const struct enk_cmd *find(const char *name)
{
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (!strcmp(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

/* Ctrl-C, a kill or a closed terminal while an output is being written: the
 * temporary file goes (the target is untouched), then the signal ends the
 * program as it would have. `enkat serve` installs handlers of its own. */
static void on_signal(int sig)
{
        enk_outfile_on_signal();
        signal(sig, SIG_DFL);
        raise(sig);
}

int main(int argc, char **argv)
{
        /* GSL aborts on a domain error by default; we check inputs first and
         * want a status, never an abort. */
        enk_stats_init();
        /* The environment's language (Swedish unless it asks for English)
         * until a command's --lang says otherwise (cli_parse). */
        cli_use_lang(cli_env_lang());
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);

        if (argc < 2) {
                usage(stderr);
                return EXIT_USAGE;
        }
        const char *name = argv[1];
        if (!strcmp(name, "--version") || !strcmp(name, "version")) {
                printf("enkat %s\n", ENK_VERSION);
                return EXIT_OK;
        }
        if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
                help_lang(argc, argv);
                if (argc > 2 && strcmp(name, "help") == 0 && argv[2][0] != '-') {
                        const struct enk_cmd *c = find(argv[2]);
                        if (!c) {
                                fprintf(stderr, enk_diag_text("enkat: unknown command '%s'\n"),
                                        argv[2]);
                                return EXIT_USAGE;
                        }
                        if (!c->fn)
                                return cli_run_full(argv);
                        char *args[] = {(char *) c->name, "--help", NULL};
                        return c->fn(2, args);
                }
                usage(stdout);
                return EXIT_OK;
        }
        const struct enk_cmd *c = find(name);
        if (!c) {
                fprintf(stderr, enk_diag_text("enkat: unknown command '%s'\ntry 'enkat help'\n"),
                        name);
                return EXIT_USAGE;
        }
        if (!c->fn)
                return cli_run_full(argv);
        return c->fn(argc - 1, argv + 1);
}
