/* cli/opts.h - one option table per command: it drives both the parsing and the --help text.
 *
 * Each command declares its options once, as rows of a table built in the
 * command's function (git's parse-options, curl's one table): the short and
 * the long name, the value's name in the help, the help text, what kind of
 * value it takes and where the value goes. cli_parse() builds getopt_long's
 * short-option string and option array from the table, stores each value,
 * prints the usage errors every command shares, and on --help prints the
 * command's text: its synopsis and description, then "options:" and one line
 * per row (generated), then its closing text.
 *
 * The options most commands take are shared rows (CLI_OPT_DB, CLI_OPT_YEAR,
 * CLI_OPT_UNIT, CLI_OPT_LANG, CLI_OPT_MIN_N, CLI_OPT_OUTPUT, CLI_OPT_HELP),
 * so that their letters, their kind of value and their checks (the years a
 * wave may have, ENK_YEAR_MIN-ENK_YEAR_MAX) are written once. Their help
 * text and usage-error wording are still each command's: the --help texts
 * and messages are fixed by the e2e cases.
 *
 * Adding an option: add a row where it should appear in --help, with its
 * destination; nothing else changes.
 *
 * Languages: the help is printed in the run's language (cli_use_lang), so a
 * command's head and foot and every row's help text are message ids (English,
 * translated in po/sv.po). The head and foot are marked ENK_MSGID() where
 * they are written; a row's help text is found by xgettext as an argument
 * of its macro (po/keywords), except in CLI_INT, CLI_CHOICE and
 * CLI_OPT_YEAR, whose keyword is the usage error's text: there the help
 * text is marked ENK_MSGID() in the row (xgettext takes one argument per
 * macro).
 */
#ifndef ENK_CLI_OPTS_H
#define ENK_CLI_OPTS_H

#include <getopt.h> /* optind: the first operand after cli_parse() */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "survey/questionnaire.h"

/* What cli_parse() returns when the command goes on (optind is then the
 * first operand); any other value is the command's exit status. */
#define CLI_GO (-1)

enum cli_opt_kind {
        CLI_KIND_FLAG,     /* no value; sets *(bool *) value */
        CLI_KIND_STRING,   /* *(const char **) value = the argument */
        CLI_KIND_INT,      /* a whole number in [min, max] into *(long *) value */
        CLI_KIND_CHOICE,   /* one of choices (NULL-ended) into *(const char **) value */
        CLI_KIND_CALLBACK, /* fn(cmd, argument, value): EXIT_OK or a usage error's status */
        CLI_KIND_HELP,     /* prints the help to stdout; the command exits 0 */
};

struct cli_opt {
        int short_name;      /* the letter, or 0 for a long name only */
        const char *name;    /* the long name, without "--" */
        const char *argname; /* the value's name in the help; NULL for no value */
        const char *help;    /* the help text; '\n' starts a line in the help column */
        enum cli_opt_kind kind;
        void *value;
        long min, max;              /* CLI_KIND_INT */
        const char *const *choices; /* CLI_KIND_CHOICE */
        /* The usage error for a bad value: a format taking the argument (%s)
         * and, for CLI_KIND_INT, min and max (%ld), which it may leave out. */
        const char *bad;
        int (*fn)(const char *cmd, const char *arg, void *value); /* CLI_KIND_CALLBACK */
};

/* A command's help and options. */
struct cli_command {
        const char *name; /* as in "enkat NAME" */
        const char *head; /* the help before "options:": synopsis, description, blank line */
        const char *foot; /* the help after the options and a blank line */
        int width;        /* the column (after the two-space indent) where help texts start */
        const struct cli_opt *opts;
        size_t nopts;
};

/* The number of rows of a table (an array). */
#define CLI_NOPTS(opts) (sizeof(opts) / sizeof((opts)[0]))
/* A command with its help texts and its table (an array). */
#define CLI_COMMAND(cmdname, headtext, foottext, w, table)                                         \
        {                                                                                          \
                .name = (cmdname), .head = (headtext), .foot = (foottext), .width = (w),           \
                .opts = (table), .nopts = CLI_NOPTS(table)                                         \
        }

/* Rows of any kind. */
#define CLI_FLAG(s, l, v, h)                                                                       \
        {                                                                                          \
                .short_name = (s), .name = (l), .help = (h), .kind = CLI_KIND_FLAG, .value = (v)   \
        }
#define CLI_STRING(s, l, arg, v, h)                                                                \
        {                                                                                          \
                .short_name = (s), .name = (l), .argname = (arg), .help = (h),                     \
                .kind = CLI_KIND_STRING, .value = (v)                                              \
        }
#define CLI_INT(s, l, arg, v, lo, hi, badmsg, h)                                                   \
        {                                                                                          \
                .short_name = (s), .name = (l), .argname = (arg), .help = (h),                     \
                .kind = CLI_KIND_INT, .value = (v), .min = (lo), .max = (hi), .bad = (badmsg)      \
        }
#define CLI_CHOICE(s, l, arg, v, list, badmsg, h)                                                  \
        {                                                                                          \
                .short_name = (s), .name = (l), .argname = (arg), .help = (h),                     \
                .kind = CLI_KIND_CHOICE, .value = (v), .choices = (list), .bad = (badmsg)          \
        }
#define CLI_CALLBACK(s, l, arg, f, v, h)                                                           \
        {                                                                                          \
                .short_name = (s), .name = (l), .argname = (arg), .help = (h),                     \
                .kind = CLI_KIND_CALLBACK, .value = (v), .fn = (f)                                 \
        }

/* The shared rows. */
extern const char *const cli_langs[]; /* "sv", "en" */
#define CLI_OPT_DB(v, h)        CLI_STRING('d', "db", "DB", v, h)
#define CLI_OPT_UNIT(arg, v, h) CLI_STRING('u', "unit", arg, v, h)
/* --unit checked with enk_store_check_unit_name() at once (cli_check_unit_option). */
#define CLI_OPT_UNIT_CHECKED(arg, v, h) CLI_CALLBACK('u', "unit", arg, cli_opt_unit, v, h)
#define CLI_OPT_YEAR(arg, v, badmsg, h)                                                            \
        CLI_INT('y', "year", arg, v, ENK_YEAR_MIN, ENK_YEAR_MAX, badmsg, h)
#define CLI_OPT_LANG(v, h)                                                                         \
        CLI_CHOICE('l', "lang", "LANG", v, cli_langs, ENK_MSGID("unknown language '%s'"), h)
#define CLI_OPT_MIN_N(v, h)       CLI_CALLBACK('n', "min-n", "N", cli_opt_min_n, v, h)
#define CLI_OPT_OUTPUT(arg, v, h) CLI_STRING('o', "output", arg, v, h)
#define CLI_OPT_HELP                                                                               \
        {                                                                                          \
                .short_name = 'h', .name = "help", .help = ENK_MSGID("show this help"),            \
                .kind = CLI_KIND_HELP                                                              \
        }

/* The callbacks of the shared rows: --unit checked (into const char *),
 * --min-n, a suppression threshold of at least ENK_STATS_MIN_N_FLOOR (into
 * int). */
int cli_opt_unit(const char *cmd, const char *arg, void *value);
int cli_opt_min_n(const char *cmd, const char *arg, void *value);

/* Parses argv (argv[0] is the command's name) with c's table: stores each
 * value as its row says, in the order given. Returns CLI_GO with optind at
 * the first operand; EXIT_OK after printing the help (--help); EXIT_USAGE
 * after printing a usage error: a bad value (the row's message), "option
 * '...' needs a value" or "unknown option '...'". */
int cli_parse(const struct cli_command *c, int argc, char **argv);

/* Prints c's help: head, "options:", one line per row, a blank line, foot. */
void cli_print_help(const struct cli_command *c, FILE *f);

#endif
