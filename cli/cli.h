/* cli/cli.h - the enkat command-line front end: shared helpers and the command table.
 *
 * Adding a command:
 *   1. write cli/cmd_NAME.c with `int cmd_NAME(int argc, char **argv)`; argv[0]
 *      is the command's name. Declare the options as one table (cli/opts.h,
 *      the shared rows for --db, --year, --unit, --lang, --min-n, --output,
 *      --help) and call cli_parse(): it prints the help on --help (exit 0)
 *      and the usage errors (exit 2);
 *   2. declare it below and add a row to `commands` in cli/main.c;
 *   3. add the file to cli/meson.build and an e2e case for --help and for each
 *      error message a user can meet (tests/e2e/).
 * A command calls library modules and prints their diagnostics; it holds no
 * survey logic. Exit codes: 0 success, 1 bad input or environment, 2 usage.
 */
#ifndef ENK_CLI_H
#define ENK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "survey/diag.h"
#include "survey/lang.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* Makes every message of this run, the library's and the CLI's, and every
 * --help text Swedish (ENK_LANG_SV, the catalogue po/sv.po) or English (the
 * message ids). main() chooses from the environment (cli_env_lang());
 * cli_parse() chooses again from a command's --lang before it reports
 * anything. Call it before any thread starts (it sets the process's
 * LC_MESSAGES and LANGUAGE). */
void cli_use_lang(enk_lang lang);
/* The run's language: the last one cli_use_lang() set. Commands use it for
 * their summaries and tables, so that one run speaks one language. */
enk_lang cli_lang(void);
/* The language the environment asks for when no --lang is given: English
 * when the first of LC_ALL, LC_MESSAGES and LANG that is set and not empty
 * (POSIX's order) begins with "en" (en_GB.UTF-8, en), else Swedish. */
enk_lang cli_env_lang(void);
/* The language a --lang value names: ENK_LANG_EN for "en", ENK_LANG_SV for
 * "sv"; for anything else (a questionnaire's language code, `form --lang
 * de`) the run's language stays as it is and this returns cli_lang(). */
enk_lang cli_lang_named(const char *code);

/* Prints "enkat: error: MESSAGE" to stderr and returns EXIT_INPUT, so error
 * paths stay one line: `return cli_error("cannot open '%s'", path);`. fmt is
 * a message id in English, printed in the run's language (cli_use_lang);
 * the same holds for cli_usage_error(). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "enkat CMD: MESSAGE" and "try 'enkat CMD --help'" to stderr and
 * returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints every diagnostic of diags to stderr, one line each, in the order
 * added, and a note when some were dropped. */
void cli_print_diags(const enk_diags *diags);
/* A new diagnostics list; on out-of-memory prints and exits 1 (the CLI may). */
enk_diags *cli_diags_new(void);
/* Checks the value of a --unit option with enk_store_check_unit_name(): 0
 * when fine, else prints "enkat CMD: --unit: WHAT IS WRONG" as a usage error
 * and returns EXIT_USAGE. */
int cli_check_unit_option(const char *cmd, const char *unit);

/* Checks that the store (at path db, open as store) has a wave of a unit
 * named unit (ENK_ALL_UNITS "*", the total, passes): ENK_OK, else adds to
 * diags "DB: error: no unit 'UNIT' in the store; did you mean 'NAME'? its
 * units: A, B, C" (the closest name when one is close, the units in Swedish
 * order, at most 30 of them) and returns ENK_ERR_NOTFOUND; ENK_ERR_NOMEM,
 * or the store's error. For the commands that take --unit of a store that
 * exists (stats, report, export). */
struct enk_store;
enk_status cli_unit_known(struct enk_store *store, const char *db, const char *unit,
                          enk_diags *diags);

/* The options that name a wave, --db, --year and --unit, all given:
 * CLI_GO, else the usage error for the first one missing. */
int cli_need_wave(const char *cmd, const char *db, long year, const char *unit);
/* The exit status for a library call's status st, after its diagnostics
 * were printed: EXIT_OK for ENK_OK; for out of memory or a caller's mistake
 * (ENK_ERR_NOMEM, ENK_ERR_USAGE, which bring no diagnostic) first prints
 * "enkat: error: " and enk_status_str(st), then EXIT_INPUT; else EXIT_INPUT. */
int cli_exit_status(enk_status st);
/* A noun of a summary in both languages, for one and for many:
 * {{"fråga", "question"}, {"frågor", "questions"}}. A command keeps its nouns
 * in a table beside its code. */
struct cli_noun {
        enk_lang_pair one, many;
};
/* The noun for n things in lang. */
const char *cli_noun(enk_lang lang, long long n, const struct cli_noun *w);

/* n as a person reads it in lang's text output (tables, summaries), into
 * buf (size bytes, at least 32) and returned: Swedish groups the digits by
 * three with a no-break space, U+00A0 (1898 -> "1 898"; two bytes, one
 * column: pad by characters); English keeps the plain digits. CSV and JSON
 * never use it. */
const char *cli_number(enk_lang lang, long long n, char *buf, size_t size);

/* Whether stderr is a terminal (progress bars are shown only then). */
bool cli_stderr_is_tty(void);

/* Runs enkat-full, the program with every command (cli/main.c says why
 * there are two), in place of this one with the same arguments argv:
 * the one beside this program (a build tree), else the one meson install
 * put in ENK_LIBEXECDIR. Returns only when neither can be run: then prints
 * why and returns EXIT_INPUT. */
int cli_run_full(char **argv);

int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_codes(int argc, char **argv);
int cmd_form(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_scan(int argc, char **argv);

#endif
