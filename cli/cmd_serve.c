/* cli/cmd_serve.c - `enkat serve`: the web form of one wave, with one-time codes. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "survey/server.h"

static void usage(FILE *f)
{
        fputs("usage: enkat serve --db DB --year YEAR --unit UNIT [--listen HOST:PORT]\n"
              "                   [--lang sv|en] [--access-log stderr|-|off|FILE] [--trust-proxy]\n"
              "                   [--store-wait N]\n"
              "\n"
              "Publishes the questionnaire of the unit's wave of YEAR on the web: a respondent\n"
              "enters the one-time code from the letter (enkat codes), answers, may save and\n"
              "come back with the same code, and submits once. Each submission is stored\n"
              "durably, with its code spent, before the thank-you page is sent. The store\n"
              "keeps no link between a code and its response (docs/web.md).\n"
              "\n"
              "When ready it prints 'enkat serve: listening on http://HOST:PORT/' to stderr\n"
              "(with port 0 the port the system chose). SIGTERM or SIGINT (Ctrl-C) stops it:\n"
              "no new connections, requests in flight finish, then it exits 0.\n"
              "\n"
              "options:\n"
              "  -d, --db DB              the store (must exist)\n"
              "  -y, --year YEAR          the wave's year\n"
              "  -u, --unit UNIT          the wave's unit (municipality)\n"
              "  -L, --listen HOST:PORT   numeric address and port to listen on\n"
              "                           (default 127.0.0.1:8080; [::1]:8080 for IPv6)\n"
              "  -l, --lang LANG          language of the pages: a language of the\n"
              "                           questionnaire (default: its first)\n"
              "  -a, --access-log WHERE   stderr (default), - for stdout, off, or a file to\n"
              "                           append to; a line is METHOD PATH STATUS BYTES, with\n"
              "                           no client address, no time, no code and no answer\n"
              "  -t, --trust-proxy        behind a reverse proxy on this machine: limit wrong\n"
              "                           codes per the X-Forwarded-For address of\n"
              "                           connections from 127.0.0.1 or ::1\n"
              "  -w, --store-wait N       seconds a submission waits for a store that another\n"
              "                           program (an import) holds locked, 1-600 (default\n"
              "                           30); then the respondent gets the form back,\n"
              "                           filled in, with status 503\n"
              "  -h, --help               show this help\n"
              "\n"
              "exit status: 0 stopped by SIGTERM/SIGINT, 1 no such store, unit or wave, no\n"
              "codes issued, or the address cannot be used, 2 usage error\n",
              f);
}

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
        if (!buf[0] || !cli_parse_int(colon + 1, 0, 65535, &p))
                return false;
        *port = (unsigned) p;
        return true;
}

int cmd_serve(int argc, char **argv)
{
        static const struct option options[] = {
            {"db", required_argument, NULL, 'd'},    {"year", required_argument, NULL, 'y'},
            {"unit", required_argument, NULL, 'u'},  {"listen", required_argument, NULL, 'L'},
            {"lang", required_argument, NULL, 'l'},  {"access-log", required_argument, NULL, 'a'},
            {"trust-proxy", no_argument, NULL, 't'}, {"store-wait", required_argument, NULL, 'w'},
            {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
        };
        const char *db = NULL, *unit = NULL, *listen = "127.0.0.1:8080", *lang = NULL;
        const char *log_where = "stderr";
        long year = 0, wait = 0;
        bool trust = false;
        int opt;

        optind = 1;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, ":d:y:u:L:l:a:tw:h", options, NULL)) != -1) {
                switch (opt) {
                case 'd':
                        db = optarg;
                        break;
                case 'y':
                        if (!cli_parse_int(optarg, 1990, 2100, &year))
                                return cli_usage_error("serve", "bad year '%s' (want 1990-2100)",
                                                       optarg);
                        break;
                case 'u':
                        if (cli_check_unit_option("serve", optarg) != EXIT_OK)
                                return EXIT_USAGE;
                        unit = optarg;
                        break;
                case 'L':
                        listen = optarg;
                        break;
                case 'l':
                        if (strcmp(optarg, "sv") && strcmp(optarg, "en"))
                                return cli_usage_error("serve", "unknown language '%s'", optarg);
                        lang = optarg;
                        break;
                case 'a':
                        log_where = optarg;
                        break;
                case 't':
                        trust = true;
                        break;
                case 'w':
                        if (!cli_parse_int(optarg, 1, 600, &wait))
                                return cli_usage_error(
                                    "serve", "bad store wait '%s' (want 1-600 seconds)", optarg);
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_OK;
                case ':':
                        return cli_usage_error("serve", "option '%s' needs a value",
                                               argv[optind - 1]);
                default:
                        return cli_usage_error("serve", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (!db)
                return cli_usage_error("serve", "no store given (--db)");
        if (!year)
                return cli_usage_error("serve", "no year given (--year)");
        if (!unit)
                return cli_usage_error("serve", "no unit given (--unit)");
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
