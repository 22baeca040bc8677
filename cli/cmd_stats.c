/* cli/cmd_stats.c - `enkat stats`: prints the figures table as a table, CSV or JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
#include "analysis/stats.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/store.h"
#include "survey/utf8.h"

/* printed with fputs: "95 % interval" is no conversion */
static const char head[] =
    /* xgettext:no-c-format */
    ENK_MSGID("usage: enkat stats --db DB [--year Y] [--unit U | --all-units] [--min-n N]\n"
              "                   [--format table|csv|json] [--lang sv|en]\n"
              "\n"
              "Prints the figures of every scale question and area (docs/statistics.md) per\n"
              "unit and year: answers, share positive with its 95 % interval, mean, index,\n"
              "the change since the previous year and the trend. Groups with fewer than\n"
              "N answers are suppressed (\"..\" in the table, empty numbers in CSV/JSON).\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 success, 1 bad input or store, 2 usage error\n");

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

/* The table's words, in the run's language (cli_lang). */
static const enk_lang_pair h_unit = {"enhet", "unit"}, h_year = {"år", "year"},
                           h_question = {"fråga", "question"}, h_share = {"andel%", "share%"},
                           h_ci = {"95 % ki", "95 % ci"}, h_change = {"förändr", "change"},
                           w_area = {"område ", "area "}, w_uncertain = {"(osäker)", "(uncertain)"},
                           w_note = {
                               "\n.. = dolt (färre än %d svar, eller något som en dold siffra kan "
                               "räknas fram ur); andel = andel positiva svar; ↑↓ = statistiskt "
                               "säkerställd förändring (Holm-justerat)\n",
                               "\n.. = hidden (fewer than %d answers, or something a hidden figure "
                               "could be worked out from); share = share of positive answers; ↑↓ = "
                               "statistically significant change (Holm-adjusted)\n"};

/* Swedish decimal comma in the table (English and CSV and JSON keep the
 * point). */
static void comma(char *s, enk_lang lang)
{
        if (lang != ENK_LANG_SV || strcmp(s, "..") == 0)
                return;
        for (; *s; s++)
                if (*s == '.')
                        *s = ',';
}

/* A percentage "72,5", ".." when suppressed, "-" when undefined. */
static void pct(char *buf, size_t len, double v, bool suppressed)
{
        if (suppressed)
                snprintf(buf, len, "..");
        else if (isnan(v))
                snprintf(buf, len, "-");
        else
                snprintf(buf, len, "%.1f", v * 100);
}

/* The width of UTF-8 text in columns: its characters (unit names are
 * Latin; the no-break space of 1 234 is one). */
static int chars(const char *s)
{
        return (int) enk_utf8_chars(s, strlen(s));
}

/* s right- or left-aligned in w columns. */
static void put(FILE *o, const char *s, int w, bool right)
{
        int fill = w - chars(s);
        if (fill < 0)
                fill = 0;
        if (right)
                fprintf(o, "%*s%s", fill, "", s);
        else
                fprintf(o, "%s%*s", s, fill, "");
}

/* One row of the table: unit, year, question, n, share, interval, index,
 * change, trend and a note, in columns of the widths the table has always
 * had (unit uw and question qw wide). */
static void print_row(FILE *o, const char *const c[10], int uw, int qw)
{
        static const int w[] = {0, 4, 0, 6, 7, 15, 7, 8, 6};
        put(o, c[0], uw, false);
        fputc(' ', o);
        put(o, c[1], w[1], true);
        fputs("  ", o);
        put(o, c[2], qw, false);
        for (int k = 3; k < 9; k++) {
                fputc(' ', o);
                put(o, c[k], w[k], true);
        }
        if (c[9]) /* the header row has no note column */
                fprintf(o, " %s", c[9]);
        fputc('\n', o);
}

static void print_table(FILE *o, const enk_figures *f, bool only_year, enk_lang lang)
{
        const char *area = enk_lang_pick(lang, w_area);
        int uw = chars(enk_lang_pick(lang, h_unit)), qw = chars(enk_lang_pick(lang, h_question));
        for (size_t i = 0; i < f->nrows; i++) {
                int ul = chars(f->rows[i].unit);
                int ql = chars(f->rows[i].question) + (f->rows[i].is_area ? chars(area) : 0);
                uw = ul > uw ? ul : uw;
                qw = ql > qw ? ql : qw;
        }
        const char *head[] = {enk_lang_pick(lang, h_unit),
                              enk_lang_pick(lang, h_year),
                              enk_lang_pick(lang, h_question),
                              "n",
                              enk_lang_pick(lang, h_share),
                              enk_lang_pick(lang, h_ci),
                              "index",
                              enk_lang_pick(lang, h_change),
                              "trend",
                              NULL};
        print_row(o, head, uw, qw);
        for (size_t i = 0; i < f->nrows; i++) {
                const enk_figure *r = &f->rows[i];
                if (only_year && r->year != f->year)
                        continue;
                char share[16], lo[16], hi[16], ci[40], idx[16], diff[16], trend[16];
                pct(share, sizeof share, r->share, r->suppressed);
                pct(lo, sizeof lo, r->ci_low, r->suppressed);
                pct(hi, sizeof hi, r->ci_high, r->suppressed);
                if (r->suppressed)
                        snprintf(ci, sizeof ci, "..");
                else if (isnan(r->ci_low))
                        snprintf(ci, sizeof ci, "-");
                else
                        snprintf(ci, sizeof ci, "%s–%s", lo, hi);
                if (r->suppressed)
                        snprintf(idx, sizeof idx, "..");
                else if (isnan(r->index))
                        snprintf(idx, sizeof idx, "-");
                else
                        snprintf(idx, sizeof idx, "%.0f", r->index);
                if (r->suppressed || r->prev_hidden)
                        snprintf(diff, sizeof diff, "..");
                else if (isnan(r->diff))
                        snprintf(diff, sizeof diff, "-");
                else
                        snprintf(diff, sizeof diff, "%+.1f%s", r->diff * 100,
                                 r->change == ENK_CHANGE_UP     ? "↑"
                                 : r->change == ENK_CHANGE_DOWN ? "↓"
                                                                : "");
                if (r->suppressed)
                        snprintf(trend, sizeof trend, "..");
                else if (isnan(r->trend_slope_pp))
                        snprintf(trend, sizeof trend, "-");
                else
                        snprintf(trend, sizeof trend, "%+.1f", r->trend_slope_pp);
                comma(share, lang);
                comma(lo, lang);
                comma(hi, lang);
                comma(diff, lang);
                comma(trend, lang);
                if (!r->suppressed && !isnan(r->ci_low))
                        snprintf(ci, sizeof ci, "%s–%s", lo, hi);
                char qname[128], yr[16], n[32] = "..";
                snprintf(qname, sizeof qname, "%s%s", r->is_area ? area : "", r->question);
                snprintf(yr, sizeof yr, "%d", r->year);
                if (!r->counts_hidden)
                        cli_number(lang, (long long) r->n, n, sizeof n);
                const char *cells[] = {
                    r->unit,
                    yr,
                    qname,
                    n,
                    share,
                    ci,
                    idx,
                    diff,
                    trend,
                    r->low_precision && !r->suppressed ? enk_lang_pick(lang, w_uncertain) : ""};
                print_row(o, cells, uw, qw);
        }
        fprintf(o, enk_lang_pick(lang, w_note), f->min_n);
}

int cmd_stats(int argc, char **argv)
{
        static const char *const formats[] = {"table", "csv", "json", NULL};
        const char *db = NULL, *format = "table", *lang = "sv";
        enk_figures_options fo = {0};
        long year = 0;
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store (enkat import writes it)"),
            CLI_OPT_YEAR("Y", &year, "bad year '%s'",
                         ENK_MSGID("only year Y (default: every year up to the latest)")),
            CLI_OPT_UNIT("U", &fo.unit, "only unit U (default: every unit and the total '*')"),
            CLI_FLAG('a', "all-units", &fo.all_units, "every unit side by side and the total '*'"),
            CLI_OPT_MIN_N(&fo.min_n, "suppression threshold, at least 3 (default 5)"),
            CLI_OPT_LANG(&lang, "language of the table: sv or en\n"
                                "(default sv; en when LANG begins with en)"),
            CLI_CHOICE('f', "format", "FORMAT", &format, formats, "unknown format '%s'",
                       ENK_MSGID("table (default), csv or json")),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("stats", head, foot, 21, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        fo.year = (int) year;
        enum format fmt = !strcmp(format, "csv")    ? FMT_CSV
                          : !strcmp(format, "json") ? FMT_JSON
                                                    : FMT_TABLE;
        if (optind < argc)
                return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
        if (!db)
                return cli_usage_error("stats", "no store given (--db)");
        if (fo.unit && fo.all_units)
                return cli_usage_error("stats", "--unit and --all-units exclude each other");
        bool only_year = fo.year != 0;

        enk_diags *diags = cli_diags_new();
        enk_store *store = NULL;
        enk_figures *f = NULL;
        enk_status st = enk_store_open(db, ENK_STORE_READONLY, &store, diags);
        if (st == ENK_OK)
                st = cli_unit_known(store, db, fo.unit, diags);
        if (st == ENK_OK)
                st = enk_figures_compute(store, &fo, &f, diags);
        cli_print_diags(diags);
        enk_diags_free(diags);
        if (st != ENK_OK) {
                enk_store_free(store);
                return cli_exit_status(st);
        }
        if (fmt == FMT_TABLE) {
                print_table(stdout, f, only_year, cli_lang());
        } else if (enk_figures_write(stdout, f, fmt == FMT_CSV ? ENK_FIGURES_CSV : ENK_FIGURES_JSON,
                                     only_year) == ENK_ERR_NOMEM) {
                enk_figures_free(f);
                enk_store_free(store);
                return cli_error("out of memory");
        }
        enk_figures_free(f);
        enk_store_free(store);
        if (fflush(stdout) != 0 || ferror(stdout))
                return cli_error("cannot write the output");
        return EXIT_OK;
}
