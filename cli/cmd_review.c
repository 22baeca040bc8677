/* cli/cmd_review.c - `enkat review`: the answers of scanned forms that wait for a person. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/review.h"
#include "survey/server.h"

static const char head[] =
    ENK_MSGID("usage: enkat review --db DB [--port N] [--lang sv|en]\n"
              "       enkat review --db DB --export FILE.csv [--lang sv|en]\n"
              "       enkat review --db DB --import FILE.csv\n"
              "\n"
              "The answers enkat scan could not read safely (an unclear mark, two marks,\n"
              "a mark on a question to be skipped, written digits) wait in the store for a\n"
              "person. Without --export or --import, serves a page on 127.0.0.1 that shows\n"
              "them one after another: the question as it looks on the scan, its answers\n"
              "with a key each, the scanner's reading chosen beforehand. A key and Enter\n"
              "decide (Enter alone keeps the reading); Backspace or the left arrow goes\n"
              "back. A copy whose answers are all decided becomes a response.\n"
              "\n"
              "--export writes the waiting answers to a CSV (separator ';') with an empty\n"
              "decision column; --import reads it back with the decisions filled in (an\n"
              "empty decision stays waiting, - is no answer) and stores them all, or,\n"
              "when any is wrong, none.\n"
              "\n");
static const char foot[] =
    ENK_MSGID("When ready the server prints where to open the page to stderr ('enkat\n"
              "review: N svar väntar; öppna http://127.0.0.1:PORT/'). SIGTERM or SIGINT\n"
              "(Ctrl-C) stops it; the copies whose answers are all decided then become\n"
              "responses.\n"
              "exit status: 0 done, 1 no such store, a file that cannot be read or\n"
              "written, a wrong decision in the CSV, or the port cannot be used, 2 usage\n"
              "error\n");

static enk_server_review *volatile running;

static void on_signal(int sig)
{
        (void) sig;
        enk_server_review_stop(running);
}

static void error_log(void *ctx, const char *message)
{
        (void) ctx;
        fprintf(stderr, "enkat review: %s\n", message);
}

/* The command's own words. */
static const enk_lang_pair w_listening = {
    "enkat review: %zu svar väntar; öppna http://127.0.0.1:%u/\n",
    "enkat review: %zu answers wait; open http://127.0.0.1:%u/\n"};
static const enk_lang_pair w_stopped = {"enkat review: avslutad; %zu exemplar blev svar\n",
                                        "enkat review: stopped; %zu copies became responses\n"};
static const enk_lang_pair w_exported = {"%zu svar skrivna till %s\n",
                                         "%zu answers written to %s\n"};
static const enk_lang_pair w_imported = {"%zu beslut sparade; %zu exemplar blev svar\n",
                                         "%zu decisions stored; %zu copies became responses\n"};
static const enk_lang_pair w_nothing = {"enkat: error: inget beslut sparades\n",
                                        "enkat: error: no decision was stored\n"};

static int serve(const char *db, long port, enk_lang lang)
{
        enk_server_review_options o = {
            .db = db, .port = (unsigned) port, .lang = lang, .error = error_log};
        enk_diags *diags = cli_diags_new();
        enk_server_review *srv = NULL;
        enk_status st = enk_server_review_new(&o, &srv, diags);
        cli_print_diags(diags);
        if (st != ENK_OK) {
                enk_diags_free(diags);
                return cli_exit_status(st);
        }
        running = srv;
        struct sigaction sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        size_t waiting = enk_server_review_waiting(srv);
        fprintf(stderr, enk_lang_pick(lang, w_listening), waiting, enk_server_review_port(srv));
        size_t finished = 0;
        st = enk_server_review_run(srv, &finished, diags);
        running = NULL;
        cli_print_diags(diags);
        fprintf(stderr, enk_lang_pick(lang, w_stopped), finished);
        enk_server_review_free(srv);
        enk_diags_free(diags);
        return cli_exit_status(st);
}

int cmd_review(int argc, char **argv)
{
        const char *db = NULL, *lang_s = "sv", *export = NULL, *import = NULL;
        long port = 8081;
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store (must exist)"),
            CLI_INT('p', "port", "N", &port, 0, 65535, "bad port '%s' (want %ld-%ld)",
                    ENK_MSGID("port on 127.0.0.1 to serve the page on\n"
                              "(default 8081; 0 any free port)")),
            CLI_OPT_LANG(&lang_s, "language of the page and the CSV's reasons:\n"
                                  "sv or en (default sv; en when LANG begins with en)"),
            CLI_STRING('e', "export", "FILE", &export, "write the waiting answers to FILE (CSV)"),
            CLI_STRING('i', "import", "FILE", &import, "read the decisions back from FILE (CSV)"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("review", head, foot, 22, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        if (!db)
                return cli_usage_error("review", "no store given (--db)");
        if (optind < argc)
                return cli_usage_error("review", "too many arguments");
        if (export && import)
                return cli_usage_error("review", "--export and --import go in separate runs");
        enk_lang lang = cli_lang();
        if (!export && !import)
                return serve(db, port, lang);

        enk_diags *diags = cli_diags_new();
        enk_review *rv = NULL;
        enk_status st = enk_review_open(db, &rv, diags);
        size_t rows = 0, decided = 0, finished = 0;
        if (st == ENK_OK && export)
                st = enk_review_export(rv, export, lang, &rows, diags);
        else if (st == ENK_OK)
                st = enk_review_import(rv, import, &decided, &finished, diags);
        enk_review_free(rv);
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st == ENK_OK && export)
                printf(enk_lang_pick(lang, w_exported), rows, export);
        else if (st == ENK_OK)
                printf(enk_lang_pick(lang, w_imported), decided, finished);
        else if (st == ENK_ERR_DATA && import)
                fputs(enk_lang_pick(lang, w_nothing), stderr);
        return cli_exit_status(st);
}
