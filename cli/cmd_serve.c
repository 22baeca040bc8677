/* cli/cmd_serve.c - `enkat serve`: the web form of one wave, or of every open wave, with
 * one-time codes. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/server.h"
#include "survey/utf8.h"

static const char head[] =
    ENK_MSGID("usage: enkat serve --db DB --year YEAR --unit UNIT [--listen HOST:PORT]\n"
              "                   [--lang sv|en] [--access-log stderr|-|off|FILE] [--trust-proxy]\n"
              "                   [--store-wait N]\n"
              "       enkat serve --db DB --all-open [OPTIONS]\n"
              "\n"
              "Publishes the questionnaire of the unit's wave of YEAR on the web: a respondent\n"
              "enters the one-time code from the letter (enkat codes), answers, may save and\n"
              "come back with the same code, and submits once. Each submission is stored\n"
              "durably, with its code spent, before the thank-you page is sent. The store\n"
              "keeps no link between a code and its response (docs/web.md). With --all-open\n"
              "one server publishes every wave of the store that has codes not yet used (the\n"
              "municipalities that cooperate): the code a respondent enters finds its own\n"
              "unit and year. The pages offer every language of the questionnaire.\n"
              "\n"
              "When ready it prints 'enkat serve: listening on http://HOST:PORT/' to stderr\n"
              "(with port 0 the port the system chose). SIGTERM or SIGINT (Ctrl-C) stops it:\n"
              "no new connections, requests in flight finish, then it exits 0.\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 stopped by SIGTERM/SIGINT, 1 no such store, unit or wave, no\n"
              "codes issued, or the address cannot be used, 2 usage error\n");

/* The server the signal handlers stop; set while it runs. */
static enk_server *volatile running;

static void on_signal(int sig)
{
        (void) sig;
        enk_server_stop(running);
}

struct log_to {
        FILE *f;
};

static void access_log(void *ctx, const char *method, const char *path, int status, size_t bytes)
{
        struct log_to *l = ctx;
        if (!l->f)
                return;
        /* One fprintf call: stdio locks the stream, so lines from several
         * threads do not interleave. */
        fprintf(l->f, "%s %s %d %zu\n", method, path, status, bytes);
}

static void error_log(void *ctx, const char *message)
{
        (void) ctx;
        fprintf(stderr, "enkat serve: %s\n", message);
}

/* Splits "HOST:PORT" or "[HOST]:PORT" into host (in buf) and port. */
static bool parse_listen(const char *s, char *buf, size_t size, unsigned *port)
{
        const char *colon;
        if (s[0] == '[') {
                const char *close = strchr(s, ']');
                if (!close || close[1] != ':')
                        return false;
                if ((size_t) (close - s - 1) >= size)
                        return false;
                memcpy(buf, s + 1, (size_t) (close - s - 1));
                buf[close - s - 1] = '\0';
                colon = close + 1;
        } else {
                colon = strrchr(s, ':');
                if (!colon || (size_t) (colon - s) >= size || memchr(s, ':', colon - s))
                        return false;
                memcpy(buf, s, (size_t) (colon - s));
                buf[colon - s] = '\0';
        }
        long p;
        if (!buf[0] || !enk_utf8_parse_int(colon + 1, 0, 65535, &p))
                return false;
        *port = (unsigned) p;
        return true;
}

int cmd_serve(int argc, char **argv)
{
        const char *db = NULL, *unit = NULL, *listen = "127.0.0.1:8080", *lang = NULL;
        const char *log_where = "stderr";
        long year = 0, wait = 0;
        bool trust = false, all_open = false;
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store (must exist)"),
            CLI_OPT_YEAR("YEAR", &year, "bad year '%s' (want %ld-%ld)",
                         ENK_MSGID("the wave's year")),
            CLI_OPT_UNIT_CHECKED("UNIT", &unit, "the wave's unit (municipality)"),
            CLI_FLAG('A', "all-open", &all_open,
                     "every wave of the store with access codes not yet\n"
                     "used, instead of --year and --unit"),
            CLI_STRING('L', "listen", "HOST:PORT", &listen,
                       "numeric address and port to listen on\n"
                       "(default 127.0.0.1:8080; [::1]:8080 for IPv6)"),
            CLI_OPT_LANG(&lang, "language of the pages: a language of the\n"
                                "questionnaire (default: its first)"),
            CLI_STRING('a', "access-log", "WHERE", &log_where,
                       "stderr (default), - for stdout, off, or a file to\n"
                       "append to; a line is METHOD PATH STATUS BYTES, with\n"
                       "no client address, no time, no code and no answer"),
            CLI_FLAG('t', "trust-proxy", &trust,
                     "behind a reverse proxy on this machine: limit wrong\n"
                     "codes per the X-Forwarded-For address of\n"
                     "connections from 127.0.0.1 or ::1"),
            CLI_INT('w', "store-wait", "N", &wait, 1, 600,
                    "bad store wait '%s' (want %ld-%ld seconds)",
                    ENK_MSGID("seconds a submission waits for a store that another\n"
                              "program (an import) holds locked, 1-600 (default\n"
                              "30); then the respondent gets the form back,\n"
                              "filled in, with status 503")),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("serve", head, foot, 25, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        if (all_open && (year || unit))
                return cli_usage_error("serve", "--all-open serves every open wave: give no "
                                                "--year or --unit with it");
        int need = !all_open ? cli_need_wave("serve", db, year, unit)
                   : db      ? CLI_GO
                             : cli_usage_error("serve", "no store given (--db)");
        if (need != CLI_GO)
                return need;
        if (optind < argc)
                return cli_usage_error("serve", "too many arguments");
        char host[256];
        unsigned port;
        if (!parse_listen(listen, host, sizeof(host), &port))
                return cli_error("bad listen address '%s' (want HOST:PORT, e.g. 127.0.0.1:8080)",
                                 listen);

        struct log_to lt = {NULL};
        if (!strcmp(log_where, "stderr")) {
                lt.f = stderr;
        } else if (!strcmp(log_where, "-")) {
                lt.f = stdout;
                setvbuf(stdout, NULL, _IOLBF, 0);
        } else if (strcmp(log_where, "off")) {
                if (!(lt.f = fopen(log_where, "a")))
                        return cli_error("cannot open access log '%s': %s", log_where,
                                         strerror(errno));
                setvbuf(lt.f, NULL, _IOLBF, 0);
        }

        enk_server_options o = {.db = db,
                                .unit = unit,
                                .year = (int) year,
                                .all_open = all_open,
                                .lang = lang,
                                .host = host,
                                .port = port,
                                .trust_proxy = trust,
                                .store_wait = (int) wait,
                                .log = access_log,
                                .error = error_log,
                                .ctx = &lt};
        enk_diags *diags = cli_diags_new();
        enk_server *srv = NULL;
        enk_status st = enk_server_new(&o, &srv, diags);
        cli_print_diags(diags);
        enk_diags_free(diags);
        int rc = EXIT_OK;
        if (st == ENK_ERR_NOMEM) {
                rc = cli_error("out of memory");
        } else if (st != ENK_OK) {
                rc = EXIT_INPUT;
        } else {
                /* Every request mallocs and frees pages of 50 KB in its
                 * thread's arena; glibc would give the memory back to the
                 * system each time (madvise, with a TLB shootdown across
                 * the cores), which cost a third of the server's time. Keep
                 * up to 64 MiB instead. */
                mallopt(M_TRIM_THRESHOLD, 64 << 20);
                mallopt(M_MMAP_THRESHOLD, 1 << 20);
                running = srv;
                struct sigaction sa = {.sa_handler = on_signal};
                sigemptyset(&sa.sa_mask);
                sigaction(SIGTERM, &sa, NULL);
                sigaction(SIGINT, &sa, NULL);
                signal(SIGPIPE, SIG_IGN);
                if (strchr(host, ':'))
                        fprintf(stderr, "enkat serve: listening on http://[%s]:%u/\n", host,
                                enk_server_port(srv));
                else
                        fprintf(stderr, "enkat serve: listening on http://%s:%u/\n", host,
                                enk_server_port(srv));
                enk_server_run(srv);
                running = NULL;
                fprintf(stderr, "enkat serve: stopped\n");
        }
        enk_server_free(srv);
        if (lt.f && lt.f != stderr && lt.f != stdout)
                fclose(lt.f);
        return rc;
}
