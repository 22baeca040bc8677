/* cli/cmd_stats.c - `enkat stats`: prints the figures table as a table, CSV or JSON. */
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
#include "analysis/stats.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/csv.h"
#include "survey/store.h"
#include "survey/strbuf.h"
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

/* The CSV and JSON are written through one buffer: numbers and flags are
 * put into it directly, and it goes to the stream in large pieces; text
 * (unit, question, change) goes through the one CSV field rule and the one
 * JSON string rule, which write to the stream, after what the buffer holds. */
typedef struct out {
        FILE *o;
        size_t n;
        char b[1 << 16];
        /* numbers already written as %.10g, by their bits: a total's share
         * stands beside every unit's, a year's share is the next year's
         * previous share, so many come again */
        struct memo {
                uint64_t bits;
                unsigned char len; /* 0: empty slot */
                char s[31];
        } memo[4096];
} out;

static void out_flush(out *w)
{
        if (w->n)
                fwrite(w->b, 1, w->n, w->o);
        w->n = 0;
}

/* Room for at least 64 more bytes. */
static char *out_room(out *w)
{
        if (sizeof w->b - w->n < 64)
                out_flush(w);
        return &w->b[w->n];
}

static void out_str(out *w, const char *s, size_t len)
{
        if (len >= 64) {
                out_flush(w);
                fwrite(s, 1, len, w->o);
                return;
        }
        memcpy(out_room(w), s, len);
        w->n += len;
}

static void out_char(out *w, char c)
{
        *out_room(w) = c;
        w->n++;
}

/* A whole number in decimal, as %lld. */
static void out_int(out *w, long long v)
{
        char tmp[24];
        size_t k = sizeof tmp;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long) v : (unsigned long long) v;
        do
                tmp[--k] = (char) ('0' + u % 10);
        while (u /= 10);
        if (v < 0)
                tmp[--k] = '-';
        out_str(w, &tmp[k], sizeof tmp - k);
}

/* A number as %.10g (glibc's, exact), or nothing for NaN (CSV) / null
 * (JSON). */
static void out_num(out *w, double v, enum format fmt)
{
        if (isnan(v) || isinf(v)) {
                if (fmt == FMT_JSON)
                        out_str(w, "null", 4);
                return;
        }
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        struct memo *m = &w->memo[(bits ^ bits >> 29 ^ bits >> 45) % 4096];
        if (m->len == 0 || m->bits != bits) {
                int len = strfromd(m->s, sizeof m->s, "%.10g", v);
                m->bits = bits;
                m->len = (unsigned char) (len > 0 && (size_t) len < sizeof m->s ? len : 0);
                if (!m->len) { /* cannot happen with 10 digits; print it plainly */
                        out_flush(w);
                        fprintf(w->o, "%.10g", v);
                        return;
                }
        }
        out_str(w, m->s, m->len);
}

/* One row through the figures' one column table (analysis/figures.h), so
 * that the CSV, the JSON and the report's Data sheet agree by construction. */
static void print_record(out *w, const enk_figure *r, enum format fmt, bool first)
{
        bool json = fmt == FMT_JSON;
        if (json)
                out_str(w, first ? "\n  {" : ",\n  {", first ? 4 : 5);
        for (size_t i = 0; i < ENK_FIGURES_NCOLUMNS; i++) {
                const enk_column *col = &enk_figures_columns[i];
                enk_cell cell;
                enk_figures_cell(r, i, &cell);
                if (json) {
                        if (i)
                                out_char(w, ',');
                        out_char(w, '"');
                        out_str(w, col->name, strlen(col->name));
                        out_str(w, "\":", 2);
                } else if (i) {
                        out_char(w, ',');
                }
                switch (col->type) {
                case ENK_COL_TEXT:
                        if (cell.text) {
                                out_flush(w);
                                if (json)
                                        enk_strbuf_write_json(w->o, cell.text);
                                else
                                        enk_csv_write_field(w->o, cell.text, ',');
                        } else if (json) {
                                out_str(w, "null", 4);
                        }
                        break;
                case ENK_COL_BOOL:
                        if (cell.flag < 0) {
                                if (json)
                                        out_str(w, "null", 4);
                        } else if (json) {
                                out_str(w, cell.flag ? "true" : "false", cell.flag ? 4 : 5);
                        } else {
                                out_char(w, cell.flag ? '1' : '0');
                        }
                        break;
                case ENK_COL_INT:
                        if (isnan(cell.num)) {
                                if (json)
                                        out_str(w, "null", 4);
                        } else {
                                out_int(w, (long long) cell.num);
                        }
                        break;
                default:
                        out_num(w, cell.num, fmt);
                }
        }
        out_char(w, json ? '}' : '\n');
}

/* ---- the rows on two cores ----
 * Formatting the numbers (glibc's exact %.10g) is most of the cost of the
 * CSV and JSON, so the rows are formatted in chunks: this thread formats the
 * even chunks straight to the stream, a helper thread the odd ones, each
 * into memory, which this thread writes in its turn. Two slots take turns
 * for the helper's chunks, so memory stays a few chunks. Without the helper
 * (one chunk, or no thread or memory to be had) this thread formats all. */

#define CHUNK_ROWS 1024

typedef struct rows_job {
        const enk_figures *f;
        enum format fmt;
        bool only_year;
        size_t first; /* the first row printed (SIZE_MAX: none) */
        size_t nchunks;
        out *w;       /* the helper's writer */
        char *buf[2]; /* a chunk the helper formatted, or NULL: format it here */
        size_t len[2];
        sem_t full[2];  /* slot k holds a chunk for this thread */
        sem_t empty[2]; /* slot k is free for the helper */
} rows_job;

static void print_chunk(out *w, const rows_job *j, size_t chunk)
{
        size_t from = chunk * CHUNK_ROWS, to = from + CHUNK_ROWS;
        if (to > j->f->nrows)
                to = j->f->nrows;
        for (size_t i = from; i < to; i++) {
                const enk_figure *r = &j->f->rows[i];
                if (j->only_year && r->year != j->f->year)
                        continue;
                print_record(w, r, j->fmt, i == j->first);
        }
        out_flush(w);
}

static void *format_odd_chunks(void *arg)
{
        rows_job *j = arg;
        for (size_t c = 1, k = 0; c < j->nchunks; c += 2, k ^= 1) {
                sem_wait(&j->empty[k]);
                char *buf = NULL;
                size_t len = 0;
                FILE *m = open_memstream(&buf, &len);
                if (m) {
                        j->w->o = m;
                        print_chunk(j->w, j, c);
                        bool bad = ferror(m) != 0;
                        if (fclose(m) != 0 || bad) {
                                free(buf);
                                buf = NULL;
                        }
                }
                j->buf[k] = buf;
                j->len[k] = len;
                sem_post(&j->full[k]);
        }
        return NULL;
}

/* Prints the rows (every row, or those of the report year) as CSV or JSON
 * records. Returns whether it printed any; false also when out of memory
 * (*nomem set). */
static bool print_records(FILE *o, const enk_figures *f, enum format fmt, bool only_year,
                          bool *nomem)
{
        rows_job j = {.f = f, .fmt = fmt, .only_year = only_year, .first = SIZE_MAX};
        for (size_t i = 0; i < f->nrows && j.first == SIZE_MAX; i++)
                if (!only_year || f->rows[i].year == f->year)
                        j.first = i;
        j.nchunks = (f->nrows + CHUNK_ROWS - 1) / CHUNK_ROWS;
        out *w = calloc(1, sizeof *w);
        if (!w) {
                *nomem = true;
                return false;
        }
        w->o = o;
        bool threaded = false;
        pthread_t helper;
        if (j.nchunks > 1 && (j.w = calloc(1, sizeof *j.w)) != NULL) {
                sem_init(&j.full[0], 0, 0);
                sem_init(&j.full[1], 0, 0);
                sem_init(&j.empty[0], 0, 1);
                sem_init(&j.empty[1], 0, 1);
                threaded = pthread_create(&helper, NULL, format_odd_chunks, &j) == 0;
        }
        for (size_t c = 0; c < j.nchunks; c++) {
                if (!threaded || c % 2 == 0) {
                        print_chunk(w, &j, c);
                        continue;
                }
                size_t k = (c / 2) % 2; /* the helper's turns: chunk 1 in slot 0, 3 in 1, ... */
                sem_wait(&j.full[k]);
                if (j.buf[k])
                        fwrite(j.buf[k], 1, j.len[k], o);
                else
                        print_chunk(w, &j, c);
                free(j.buf[k]);
                j.buf[k] = NULL;
                sem_post(&j.empty[k]);
        }
        if (threaded)
                pthread_join(helper, NULL);
        if (j.w) {
                for (int k = 0; k < 2; k++) {
                        sem_destroy(&j.full[k]);
                        sem_destroy(&j.empty[k]);
                }
        }
        free(j.w);
        free(w);
        return j.first != SIZE_MAX;
}

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
        } else {
                if (fmt == FMT_CSV) {
                        for (size_t i = 0; i < ENK_FIGURES_NCOLUMNS; i++)
                                printf("%s%s", i ? "," : "", enk_figures_columns[i].name);
                        putchar('\n');
                } else {
                        putchar('[');
                }
                bool nomem = false;
                bool any = print_records(stdout, f, fmt, only_year, &nomem);
                if (nomem) {
                        enk_figures_free(f);
                        enk_store_free(store);
                        return cli_error("out of memory");
                }
                if (fmt == FMT_JSON)
                        fputs(any ? "\n]\n" : "]\n", stdout);
        }
        enk_figures_free(f);
        enk_store_free(store);
        if (fflush(stdout) != 0 || ferror(stdout))
                return cli_error("cannot write the output");
        return EXIT_OK;
}
