/* cli/util.c - message helpers shared by the commands. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "survey/store.h"

int cli_error(const char *fmt, ...)
{
        va_list ap;
        fputs("enkat: error: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
        return EXIT_INPUT;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
        va_list ap;
        fprintf(stderr, "enkat %s: ", cmd);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\ntry 'enkat %s --help'\n", cmd);
        return EXIT_USAGE;
}

int cli_check_unit_option(const char *cmd, const char *unit)
{
        enk_diags *d = cli_diags_new();
        int rc = EXIT_OK;
        if (enk_store_check_unit_name(unit, (enk_loc){NULL, 0, 0}, d) != ENK_OK) {
                const enk_diag *g = enk_diags_get(d, 0);
                rc = cli_usage_error(cmd, "--unit: %s", g ? g->message : "bad unit name");
        }
        enk_diags_free(d);
        return rc;
}

void cli_print_diags(const enk_diags *diags)
{
        size_t n = enk_diags_count(diags);
        for (size_t i = 0; i < n; i++) {
                char *line = enk_diag_format(enk_diags_get(diags, i));
                if (line) {
                        fprintf(stderr, "%s\n", line);
                        free(line);
                }
        }
        if (enk_diags_dropped(diags))
                fprintf(stderr, "enkat: note: %zu more problems not shown\n",
                        enk_diags_dropped(diags));
}

enk_diags *cli_diags_new(void)
{
        enk_diags *d = enk_diags_new(0);
        if (!d) {
                fputs("enkat: error: out of memory\n", stderr);
                exit(EXIT_INPUT);
        }
        return d;
}

int cli_exit_status(enk_status st)
{
        if (st == ENK_OK)
                return EXIT_OK;
        if (st == ENK_ERR_NOMEM || st == ENK_ERR_USAGE)
                return cli_error("%s", enk_status_str(st));
        return EXIT_INPUT;
}

bool cli_stderr_is_tty(void)
{
        return isatty(STDERR_FILENO);
}

const char *cli_noun(enk_lang lang, long long n, const struct cli_noun *w)
{
        return enk_lang_pick(lang, n == 1 ? w->one : w->many);
}
