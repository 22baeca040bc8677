/* cli/main.c - the enkat program: finds the command and hands over. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "analysis/stats.h"
#include "cli/cli.h"
#include "survey/outfile.h"

struct enk_cmd {
        const char *name;
        int (*fn)(int argc, char **argv);
        const char *summary;
};

static const struct enk_cmd commands[] = {
    {"check", cmd_check, "validate a questionnaire"},
    {"import", cmd_import, "import response files into a store"},
    {"status", cmd_status, "list the waves of a store"},
    {"stats", cmd_stats, "print the figures of a store"},
    {"report", cmd_report, "write the report workbook"},
    {"export", cmd_export, "write the responses as CSV, SPSS or Stata files"},
    {"codes", cmd_codes, "make one-time access codes for the web form"},
    {"form", cmd_form, "write the paper form (PDF), its layout, or the web form (HTML)"},
    {"serve", cmd_serve, "serve the web form with one-time codes"},
    {"scan", cmd_scan, "read scanned paper forms into a wave"},
    {"review", cmd_review, "decide the scanned answers that wait for a person"},
};

static void usage(FILE *f)
{
        fputs("usage: enkat COMMAND [OPTIONS] [ARGS]\n"
              "       enkat --version\n"
              "       enkat help [COMMAND]\n"
              "\n"
              "Annual questionnaire surveys of foster homes and emergency homes.\n"
              "\n"
              "commands:\n",
              f);
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
        fputs("\n'enkat COMMAND --help' describes a command.\n"
              "exit status: 0 success, 1 bad input or environment, 2 usage error\n",
              f);
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
        /* Swedish until a command's --lang says otherwise (cli_parse). */
        cli_use_lang(ENK_LANG_SV);
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
                if (argc > 2 && strcmp(name, "help") == 0) {
                        const struct enk_cmd *c = find(argv[2]);
                        if (!c) {
                                fprintf(stderr, enk_diag_text("enkat: unknown command '%s'\n"),
                                        argv[2]);
                                return EXIT_USAGE;
                        }
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
        return c->fn(argc - 1, argv + 1);
}
