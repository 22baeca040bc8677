/* cli/opts.c - the option tables: getopt_long driven by a command's table, and its --help text. */
#include "cli/opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "cli/cli.h"
#include "survey/utf8.h"

const char *const cli_langs[] = {"sv", "en", NULL};

int cli_opt_unit(const char *cmd, const char *arg, void *value)
{
        if (cli_check_unit_option(cmd, arg) != EXIT_OK)
                return EXIT_USAGE;
        *(const char **) value = arg;
        return EXIT_OK;
}

int cli_opt_min_n(const char *cmd, const char *arg, void *value)
{
        long v;
        if (!enk_utf8_parse_int(arg, 0, 1000000, &v) || enk_stats_check_min_n((int) v) != ENK_OK ||
            v == 0)
                return cli_usage_error(cmd, "--min-n must be a number, at least %d: '%s'",
                                       ENK_STATS_MIN_N_FLOOR, arg);
        *(int *) value = (int) v;
        return EXIT_OK;
}

void cli_print_help(const struct cli_command *c, FILE *f)
{
        fputs(enk_diag_text(c->head), f);
        fputs(enk_diag_text("options:\n"), f);
        for (size_t i = 0; i < c->nopts; i++) {
                const struct cli_opt *o = &c->opts[i];
                char left[128];
                int n;
                if (o->short_name)
                        n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
                else
                        n = snprintf(left, sizeof(left), "    --%s", o->name);
                if (o->argname && n >= 0 && (size_t) n < sizeof(left))
                        snprintf(left + n, sizeof(left) - (size_t) n, " %s", o->argname);
                fprintf(f, "  %-*s", c->width, left);
                for (const char *h = enk_diag_text(o->help); *h; h++) {
                        fputc(*h, f);
                        if (*h == '\n')
                                fprintf(f, "  %*s", c->width, "");
                }
                fputc('\n', f);
        }
        fputc('\n', f);
        fputs(enk_diag_text(c->foot), f);
}

/* The getopt value of row i: its letter, or a number past every letter. */
static int key(const struct cli_command *c, size_t i)
{
        return c->opts[i].short_name ? c->opts[i].short_name : 256 + (int) i;
}

/* Stores the value of row o; CLI_GO, or an exit status. */
static int take(const struct cli_command *c, const struct cli_opt *o, char *arg)
{
        long v;
        switch (o->kind) {
        case CLI_KIND_FLAG:
                *(bool *) o->value = true;
                break;
        case CLI_KIND_STRING:
                *(const char **) o->value = arg;
                break;
        case CLI_KIND_INT:
                if (!enk_utf8_parse_int(arg, o->min, o->max, &v))
                        return cli_usage_error(c->name, o->bad, arg, o->min, o->max);
                *(long *) o->value = v;
                break;
        case CLI_KIND_CHOICE:
                for (const char *const *k = o->choices; *k; k++)
                        if (!strcmp(arg, *k)) {
                                *(const char **) o->value = *k;
                                return CLI_GO;
                        }
                return cli_usage_error(c->name, o->bad, arg);
        case CLI_KIND_CALLBACK:
                if (o->fn(c->name, arg, o->value) != EXIT_OK)
                        return EXIT_USAGE;
                break;
        case CLI_KIND_HELP:
                cli_print_help(c, stdout);
                return EXIT_OK;
        }
        return CLI_GO;
}

/* The language of the run's messages and help, from the row named "lang"
 * (sv/en; a questionnaire's other language codes leave the run's language
 * as the environment chose it), found by a first, silent pass over the
 * options, so that also a usage error or the help before --lang is in it:
 * `enkat import --bad --lang en`, `enkat import --help --lang en`. */
static void use_lang(const struct cli_command *c, int argc, char **argv, const char *shorts,
                     const struct option *longs)
{
        size_t row = 0;
        while (row < c->nopts && strcmp(c->opts[row].name, "lang") != 0)
                row++;
        if (row == c->nopts)
                return;
        const char *code = NULL;
        int opt;
        optind = 0;
        while ((opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1)
                if (opt == key(c, row))
                        code = optarg;
        if (code)
                cli_use_lang(cli_lang_named(code));
}

int cli_parse(const struct cli_command *c, int argc, char **argv)
{
        struct option *longs = calloc(c->nopts + 1, sizeof(*longs));
        char *shorts = malloc(2 + 2 * c->nopts + 1);
        if (!longs || !shorts) {
                free(longs);
                free(shorts);
                return cli_error("out of memory");
        }
        size_t ns = 0;
        shorts[ns++] = ':'; /* a missing value is told apart from an unknown option */
        for (size_t i = 0; i < c->nopts; i++) {
                const struct cli_opt *o = &c->opts[i];
                longs[i] = (struct option){o->name, o->argname ? required_argument : no_argument,
                                           NULL, key(c, i)};
                if (o->short_name) {
                        shorts[ns++] = (char) o->short_name;
                        if (o->argname)
                                shorts[ns++] = ':';
                }
        }
        shorts[ns] = '\0';
        int rc = CLI_GO, opt;
        opterr = 0;
        use_lang(c, argc, argv, shorts, longs);
        optind = 0; /* getopt starts afresh after the first pass */
        while (rc == CLI_GO && (opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
                if (opt == ':') {
                        rc =
                            cli_usage_error(c->name, "option '%s' needs a value", argv[optind - 1]);
                        break;
                }
                size_t i = 0;
                while (i < c->nopts && key(c, i) != opt)
                        i++;
                if (i == c->nopts)
                        rc = cli_usage_error(c->name, "unknown option '%s'", argv[optind - 1]);
                else
                        rc = take(c, &c->opts[i], optarg);
        }
        free(longs);
        free(shorts);
        return rc;
}
