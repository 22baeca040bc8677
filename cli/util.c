/* cli/util.c - message helpers shared by the commands, and the run's language.
 *
 * Every message on stderr is written in English in the code and looked up in
 * the gettext catalogue (survey/diag.h) where it is applied: here for the
 * CLI's own messages, in enk_diags_addv() for the library's. cli_use_lang()
 * makes the lookup give Swedish or English for the whole run, whatever the
 * machine's locale settings are.
 */
#include "cli/cli.h"
#include "cli/opts.h"

#include <errno.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/collate.h"
#include "survey/store.h"
#include "survey/strbuf.h"
#include "survey/utf8.h"

/* The running program's directory, in dir, when it runs from a meson build
 * tree (build/cli/enkat: build/build.ninja beside its parent); false when
 * it runs installed. What it finds beside itself then (its catalogues,
 * enkat-full) is the build's, else meson install's (ENK_LOCALEDIR,
 * ENK_LIBEXECDIR). */
static bool build_tree_dir(char dir[PATH_MAX])
{
        ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX - 1);
        if (n <= 0)
                return false;
        dir[n] = '\0';
        char *slash = strrchr(dir, '/');
        if (!slash)
                return false;
        *slash = '\0';
        char ninja[PATH_MAX + 16];
        snprintf(ninja, sizeof(ninja), "%s/../build.ninja", dir);
        return access(ninja, F_OK) == 0;
}

/* The catalogues: the build's (build/po/sv/LC_MESSAGES/enkat.mo, built by
 * ninja) in a build tree, else where meson install put them. */
static void bind_catalogue(void)
{
        char exe[PATH_MAX], dir[PATH_MAX + 32];
        const char *where = ENK_LOCALEDIR;
        if (build_tree_dir(exe)) {
                snprintf(dir, sizeof(dir), "%s/../po", exe);
                where = dir;
        }
        bindtextdomain(ENK_TEXTDOMAIN, where);
        bind_textdomain_codeset(ENK_TEXTDOMAIN, "UTF-8");
        /* strerror()'s texts: LC_CTYPE stays "C", which would make them ASCII. */
        bind_textdomain_codeset("libc", "UTF-8");
}

static enk_lang run_lang = ENK_LANG_SV;

enk_lang cli_lang(void)
{
        return run_lang;
}

enk_lang cli_env_lang(void)
{
        static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                const char *v = getenv(vars[i]);
                if (v && *v)
                        return strncmp(v, "en", 2) == 0 ? ENK_LANG_EN : ENK_LANG_SV;
        }
        return ENK_LANG_SV;
}

enk_lang cli_lang_named(const char *code)
{
        if (code && !strcmp(code, "en"))
                return ENK_LANG_EN;
        if (code && !strcmp(code, "sv"))
                return ENK_LANG_SV;
        return run_lang;
}

void cli_use_lang(enk_lang lang)
{
        static bool bound;
        run_lang = lang;
        if (!bound) {
                bind_catalogue();
                bound = true;
        }
        /* gettext honours LANGUAGE under any locale but "C"; C.UTF-8 is built
         * into glibc (2.35 and later), so this needs no generated locale and
         * ignores LANG, LC_ALL and LANGUAGE from the environment. Only the
         * messages' category changes: numbers and character types stay "C".
         * English is the message ids themselves ("C"). The C library's own
         * texts (strerror) follow too, when Debian's libc-l10n is there. */
        if (lang == ENK_LANG_SV && setlocale(LC_MESSAGES, "C.UTF-8")) {
                setenv("LANGUAGE", "sv", 1);
        } else {
                setlocale(LC_MESSAGES, "C");
                unsetenv("LANGUAGE");
        }
}

int cli_error(const char *fmt, ...)
{
        va_list ap;
        fputs(enk_diag_text("enkat: error: "), stderr);
        va_start(ap, fmt);
        vfprintf(stderr, enk_diag_text(fmt), ap);
        va_end(ap);
        fputc('\n', stderr);
        return EXIT_INPUT;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
        va_list ap;
        fprintf(stderr, "enkat %s: ", cmd);
        va_start(ap, fmt);
        vfprintf(stderr, enk_diag_text(fmt), ap);
        va_end(ap);
        fputc('\n', stderr);
        fprintf(stderr, enk_diag_text("try 'enkat %s --help'\n"), cmd);
        return EXIT_USAGE;
}

int cli_need_wave(const char *cmd, const char *db, long year, const char *unit)
{
        if (!db)
                return cli_usage_error(cmd, "no store given (--db)");
        if (!year)
                return cli_usage_error(cmd, "no year given (--year)");
        if (!unit)
                return cli_usage_error(cmd, "no unit given (--unit)");
        return CLI_GO;
}

int cli_check_unit_option(const char *cmd, const char *unit)
{
        enk_diags *d = cli_diags_new();
        int rc = EXIT_OK;
        if (enk_store_check_unit_name(unit, (enk_loc){NULL, 0, 0}, d) != ENK_OK) {
                const enk_diag *g = enk_diags_get(d, 0);
                rc = cli_usage_error(cmd, "--unit: %s",
                                     g ? g->message : enk_diag_text("bad unit name"));
        }
        enk_diags_free(d);
        return rc;
}

/* The distinct unit names of a store's waves. */
struct names {
        char **v;
        size_t n, cap;
};

static enk_status add_unit(void *ctx, const enk_store_wave_info *w)
{
        struct names *u = ctx;
        for (size_t i = 0; i < u->n; i++)
                if (!strcmp(u->v[i], w->unit))
                        return ENK_OK;
        if (u->n == u->cap) {
                size_t cap = u->cap ? 2 * u->cap : 16;
                char **v = realloc(u->v, cap * sizeof(*v));
                if (!v)
                        return ENK_ERR_NOMEM;
                u->v = v;
                u->cap = cap;
        }
        if (!(u->v[u->n] = strdup(w->unit)))
                return ENK_ERR_NOMEM;
        u->n++;
        return ENK_OK;
}

/* The name closest to unit (folded: case and blanks do not count), or NULL. */
static const char *closest_unit(const struct names *u, const char *unit)
{
        enum { MAX = 256 };
        char word[MAX + 1], key[MAX + 1];
        size_t n = enk_utf8_fold(unit, strlen(unit), word, MAX);
        if (n == SIZE_MAX)
                return NULL;
        word[n] = '\0';
        enk_utf8_near near;
        enk_utf8_near_init(&near, word);
        for (size_t i = 0; i < u->n; i++) {
                size_t k = enk_utf8_fold(u->v[i], strlen(u->v[i]), key, MAX);
                if (k == SIZE_MAX)
                        continue;
                key[k] = '\0';
                enk_utf8_near_try(&near, u->v[i], key);
        }
        return enk_utf8_near_best(&near);
}

enk_status cli_unit_known(struct enk_store *store, const char *db, const char *unit,
                          enk_diags *diags)
{
        if (!unit || !strcmp(unit, "*"))
                return ENK_OK;
        struct names u = {0};
        enk_store_filter all = {0};
        enk_status st = enk_store_waves(store, &all, add_unit, &u, diags);
        bool found = false;
        for (size_t i = 0; st == ENK_OK && i < u.n && !found; i++)
                found = !strcmp(u.v[i], unit);
        if (st == ENK_OK && !found) {
                if (u.n > 1)
                        qsort(u.v, u.n, sizeof(*u.v), enk_collate_sv_ptr);
                enum { SHOWN = 30 };
                enk_strbuf list = {0};
                for (size_t i = 0; i < u.n && i < SHOWN; i++)
                        enk_strbuf_printf(&list, "%s%s", i ? ", " : "", u.v[i]);
                if (u.n > SHOWN)
                        enk_strbuf_printf(&list, enk_diag_text(", ... (%zu more)"), u.n - SHOWN);
                const char *near = closest_unit(&u, unit);
                enk_loc loc = {.file = db};
                if (near)
                        enk_error(diags, loc,
                                  "no unit '%s' in the store; did you mean '%s'? its "
                                  "units: %s",
                                  unit, near, (list.s && !list.nomem ? list.s : ""));
                else
                        enk_error(diags, loc, "no unit '%s' in the store; its units: %s", unit,
                                  u.n ? (list.s && !list.nomem ? list.s : "") : "-");
                enk_strbuf_release(&list);
                st = ENK_ERR_NOTFOUND;
        }
        for (size_t i = 0; i < u.n; i++)
                free(u.v[i]);
        free(u.v);
        return st;
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
                fprintf(stderr, enk_diag_text("enkat: note: %zu more problems not shown\n"),
                        enk_diags_dropped(diags));
}

enk_diags *cli_diags_new(void)
{
        enk_diags *d = enk_diags_new(0);
        if (!d) {
                fputs(enk_diag_text("enkat: error: out of memory\n"), stderr);
                exit(EXIT_INPUT);
        }
        return d;
}

int cli_exit_status(enk_status st)
{
        if (st == ENK_OK)
                return EXIT_OK;
        if (st == ENK_ERR_NOMEM || st == ENK_ERR_USAGE)
                return cli_error("%s", enk_diag_text(enk_status_str(st)));
        return EXIT_INPUT;
}

bool cli_stderr_is_tty(void)
{
        return isatty(STDERR_FILENO);
}

int cli_run_full(char **argv)
{
        char dir[PATH_MAX], path[PATH_MAX + 16];
        snprintf(path, sizeof(path), "%s", ENK_LIBEXECDIR "/enkat-full");
        if (build_tree_dir(dir))
                snprintf(path, sizeof(path), "%s/enkat-full", dir);
        execv(path, argv);
        return cli_error("cannot run '%s': %s", path, strerror(errno));
}

const char *cli_noun(enk_lang lang, long long n, const struct cli_noun *w)
{
        return enk_lang_pick(lang, n == 1 ? w->one : w->many);
}

const char *cli_number(enk_lang lang, long long n, char *buf, size_t size)
{
        char digits[32];
        int len = snprintf(digits, sizeof(digits), "%lld", n);
        if (lang != ENK_LANG_SV || len < 0) {
                snprintf(buf, size, "%s", digits);
                return buf;
        }
        size_t o = 0, first = digits[0] == '-' ? 1 : 0;
        for (size_t i = 0; i < (size_t) len && o + 3 < size; i++) {
                size_t left = (size_t) len - i; /* digits from here to the end */
                if (i > first && left % 3 == 0) {
                        buf[o++] = (char) 0xC2; /* U+00A0 NO-BREAK SPACE */
                        buf[o++] = (char) 0xA0;
                }
                buf[o++] = digits[i];
        }
        buf[o] = '\0';
        return buf;
}
