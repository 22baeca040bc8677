/* cli/cmd_status.c - `enkat status`: what the store holds, wave by wave. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "survey/collate.h"
#include "survey/csv.h"
#include "survey/store.h"
#include "survey/strbuf.h"
#include "survey/utf8.h"

static const char head[] =
    ENK_MSGID("usage: enkat status --db DB [--format table|csv|json] [--lang sv|en]\n"
              "\n"
              "Lists every wave of the store: unit, year, questionnaire edition, responses,\n"
              "questionnaires sent out, response rate (%) and imported files. The table's\n"
              "headers are in the chosen language; CSV and JSON use the English names\n"
              "unit, year, edition, responses, sent, response_rate, imports (an unknown\n"
              "sent number and its rate are empty in CSV, null in JSON). When a wave has\n"
              "access codes for the web form (enkat codes), two more columns say how many\n"
              "were issued and how many used (codes_issued, codes_spent); when a wave has\n"
              "scanned paper forms (enkat scan), three more say how many copies were\n"
              "scanned, how many of them wait for review (enkat review) and how many\n"
              "answers wait (scanned, scan_waiting, scan_reviews).\n"
              "\n");
static const char foot[] =
    ENK_MSGID("exit status: 0 success, 1 no store or unreadable, 2 usage error\n");

struct wave {
        char *unit;
        int year, edition;
        int64_t responses, sent, imports;
        int64_t codes_issued, codes_spent;
        int64_t scanned, scan_waiting, scan_reviews;
};

struct waves {
        struct wave *v;
        size_t n, cap;
        bool codes; /* some wave has access codes: show their columns */
        bool scans; /* some wave has scanned paper: show its columns */
};

static enk_status collect(void *ctx, const enk_store_wave_info *w)
{
        struct waves *ws = ctx;
        if (ws->n == ws->cap) {
                size_t cap = ws->cap ? 2 * ws->cap : 64;
                struct wave *v = realloc(ws->v, cap * sizeof(*v));
                if (!v)
                        return ENK_ERR_NOMEM;
                ws->v = v;
                ws->cap = cap;
        }
        char *unit = strdup(w->unit);
        if (!unit)
                return ENK_ERR_NOMEM;
        ws->v[ws->n++] = (struct wave){unit,       w->year,         w->edition_year, w->responses,
                                       w->sent,    w->imports,      w->codes_issued, w->codes_spent,
                                       w->scanned, w->scan_waiting, w->scan_reviews};
        if (w->codes_issued > 0)
                ws->codes = true;
        if (w->scanned > 0)
                ws->scans = true;
        return ENK_OK;
}

/* The response rate in per cent with one decimal, or "" when sent is unknown
 * or zero; comma is the decimal mark to use. */
static void rate(const struct wave *w, char comma, char *buf, size_t size)
{
        if (w->sent <= 0) {
                snprintf(buf, size, "%s", "");
                return;
        }
        snprintf(buf, size, "%.1f", 100.0 * (double) w->responses / (double) w->sent);
        char *dot = strchr(buf, '.');
        if (dot)
                *dot = comma;
}

/* Display width of UTF-8 text: its code points (unit names are Latin). */
static int width(const char *s)
{
        return (int) enk_utf8_chars(s, strlen(s));
}

static void pad(const char *s, int w, bool right)
{
        int fill = w - width(s);
        if (right)
                printf("%*s%s", fill > 0 ? fill : 0, "", s);
        else
                printf("%s%*s", s, fill > 0 ? fill : 0, "");
}

/* The table's column headers. */
enum { NCOLUMNS = 12 };
static const enk_lang_pair columns[NCOLUMNS] = {
    {"enhet", "unit"},
    {"år", "year"},
    {"utgåva", "edition"},
    {"svar", "responses"},
    {"utskick", "sent"},
    {"svarsfrekvens (%)", "response rate (%)"},
    {"importer", "imports"},
    {"koder", "codes"},
    {"använda koder", "codes used"},
    {"skannade", "scanned"},
    {"väntar på granskning", "awaiting review"},
    {"svar att granska", "answers to review"},
};

/* The columns shown: the code columns only when some wave has codes, the
 * scan columns only when some wave has scanned paper. */
static int shown_columns(const struct waves *ws, int *col)
{
        int n = 0;
        for (int c = 0; c < NCOLUMNS; c++)
                if ((c != 7 && c != 8) || ws->codes)
                        if (c < 9 || ws->scans)
                                col[n++] = c;
        return n;
}

/* Every column's cell of wave v (the unit's is ""); counts grouped by three
 * in Swedish (cli_number). */
static void wave_cells(const struct wave *v, enk_lang lang, char cell[NCOLUMNS][64])
{
        snprintf(cell[0], 64, "%s", "");
        snprintf(cell[1], 64, "%d", v->year);
        snprintf(cell[2], 64, "%d", v->edition);
        cli_number(lang, v->responses, cell[3], 64);
        if (v->sent >= 0)
                cli_number(lang, v->sent, cell[4], 64);
        else
                snprintf(cell[4], 64, "%s", "-");
        rate(v, lang == ENK_LANG_EN ? '.' : ',', cell[5], 64);
        if (!cell[5][0])
                snprintf(cell[5], 64, "%s", "-");
        const int64_t counts[] = {v->imports, v->codes_issued, v->codes_spent,
                                  v->scanned, v->scan_waiting, v->scan_reviews};
        for (int k = 0; k < 6; k++)
                cli_number(lang, counts[k], cell[6 + k], 64);
}

/* Waves by unit in Swedish order (Å, Ä, Ö after Z: survey/collate.h), then
 * by year. */
static int by_unit_year(const void *a, const void *b)
{
        const struct wave *x = a, *y = b;
        int c = enk_collate_sv(x->unit, y->unit);
        return c ? c : (x->year > y->year) - (x->year < y->year);
}

static void print_table(const struct waves *ws, enk_lang lang)
{
        int col[NCOLUMNS];
        int ncol = shown_columns(ws, col);
        const char *h[NCOLUMNS];
        int w[NCOLUMNS];
        for (int k = 0; k < ncol; k++) {
                h[k] = enk_lang_pick(lang, columns[col[k]]);
                w[k] = width(h[k]);
        }
        char all[NCOLUMNS][64], cell[NCOLUMNS][64];
        for (int pass = 0; pass < 2; pass++) {
                if (pass) {
                        for (int c = 0; c < ncol; c++) {
                                pad(h[c], w[c], c > 0);
                                fputs(c < ncol - 1 ? "  " : "\n", stdout);
                        }
                }
                for (size_t i = 0; i < ws->n; i++) {
                        const struct wave *v = &ws->v[i];
                        wave_cells(v, lang, all);
                        for (int k = 0; k < ncol; k++)
                                memcpy(cell[k], all[col[k]], sizeof(cell[k]));
                        if (!pass) {
                                if (width(v->unit) > w[0])
                                        w[0] = width(v->unit);
                                for (int c = 1; c < ncol; c++)
                                        if (width(cell[c]) > w[c])
                                                w[c] = width(cell[c]);
                                continue;
                        }
                        pad(v->unit, w[0], false);
                        for (int c = 1; c < ncol; c++) {
                                fputs("  ", stdout);
                                pad(cell[c], w[c], true);
                        }
                        fputc('\n', stdout);
                }
        }
}

static void print_csv(const struct waves *ws)
{
        printf("unit,year,edition,responses,sent,response_rate,imports%s%s\n",
               ws->codes ? ",codes_issued,codes_spent" : "",
               ws->scans ? ",scanned,scan_waiting,scan_reviews" : "");
        for (size_t i = 0; i < ws->n; i++) {
                const struct wave *v = &ws->v[i];
                char r[32], sent[32] = "";
                rate(v, '.', r, sizeof(r));
                if (v->sent >= 0)
                        snprintf(sent, sizeof(sent), "%lld", (long long) v->sent);
                enk_csv_write_field(stdout, v->unit, ',');
                printf(",%d,%d,%lld,%s,%s,%lld", v->year, v->edition, (long long) v->responses,
                       sent, r, (long long) v->imports);
                if (ws->codes)
                        printf(",%lld,%lld", (long long) v->codes_issued,
                               (long long) v->codes_spent);
                if (ws->scans)
                        printf(",%lld,%lld,%lld", (long long) v->scanned,
                               (long long) v->scan_waiting, (long long) v->scan_reviews);
                putchar('\n');
        }
}

static void print_json(const struct waves *ws)
{
        fputs("[", stdout);
        for (size_t i = 0; i < ws->n; i++) {
                const struct wave *v = &ws->v[i];
                char r[32];
                rate(v, '.', r, sizeof(r));
                fputs(i ? ",\n  {\"unit\": " : "\n  {\"unit\": ", stdout);
                enk_strbuf_write_json(stdout, v->unit);
                printf(", \"year\": %d, \"edition\": %d, \"responses\": %lld, ", v->year,
                       v->edition, (long long) v->responses);
                if (v->sent >= 0)
                        printf("\"sent\": %lld, \"response_rate\": %s, ", (long long) v->sent,
                               r[0] ? r : "null");
                else
                        fputs("\"sent\": null, \"response_rate\": null, ", stdout);
                printf("\"imports\": %lld", (long long) v->imports);
                if (ws->codes)
                        printf(", \"codes_issued\": %lld, \"codes_spent\": %lld",
                               (long long) v->codes_issued, (long long) v->codes_spent);
                if (ws->scans)
                        printf(", \"scanned\": %lld, \"scan_waiting\": %lld, "
                               "\"scan_reviews\": %lld",
                               (long long) v->scanned, (long long) v->scan_waiting,
                               (long long) v->scan_reviews);
                fputc('}', stdout);
        }
        fputs(ws->n ? "\n]\n" : "]\n", stdout);
}

int cmd_status(int argc, char **argv)
{
        static const char *const formats[] = {"table", "csv", "json", NULL};
        const char *db = NULL, *format = "table", *lang_code = "sv";
        const struct cli_opt opts[] = {
            CLI_OPT_DB(&db, "the store (must exist)"),
            CLI_CHOICE('f', "format", "FORMAT", &format, formats, "unknown format '%s'",
                       ENK_MSGID("table (default), csv or json")),
            CLI_OPT_LANG(&lang_code, "language of the table: sv or en\n"
                                     "(default sv; en when LANG begins with en)"),
            CLI_OPT_HELP,
        };
        const struct cli_command cmd = CLI_COMMAND("status", head, foot, 21, opts);
        int parsed = cli_parse(&cmd, argc, argv);
        if (parsed != CLI_GO)
                return parsed;
        enk_lang lang = cli_lang();
        if (!db)
                return cli_usage_error("status", "no store given (--db)");
        if (optind < argc)
                return cli_usage_error("status", "too many arguments");

        enk_diags *diags = cli_diags_new();
        enk_store *store = NULL;
        struct waves ws = {0};
        enk_status st = enk_store_open(db, ENK_STORE_READONLY, &store, diags);
        if (st == ENK_OK) {
                enk_store_filter all = {0};
                st = enk_store_waves(store, &all, collect, &ws, diags);
        }
        if (st == ENK_OK && ws.n > 1) /* an empty store has no array (qsort wants one) */
                qsort(ws.v, ws.n, sizeof(*ws.v), by_unit_year);
        cli_print_diags(diags);
        int rc = EXIT_OK;
        if (st == ENK_ERR_NOMEM)
                rc = cli_error("out of memory");
        else if (st != ENK_OK)
                rc = EXIT_INPUT;
        else if (!strcmp(format, "csv"))
                print_csv(&ws);
        else if (!strcmp(format, "json"))
                print_json(&ws);
        else
                print_table(&ws, lang);
        for (size_t i = 0; i < ws.n; i++)
                free(ws.v[i].unit);
        free(ws.v);
        enk_store_free(store);
        enk_diags_free(diags);
        return rc;
}
