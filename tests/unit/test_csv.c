/* tests/unit/test_csv.c - the plain CSV decoder's own API: records and their
 * lines, the separator and encoding found, set_columns, bad bytes.
 *
 * The reading rules themselves (encodings, quoting, limits) are tested
 * through the response reader in test_csvin.c; this file checks what that
 * test cannot reach: the records as the decoder hands them on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/csv.h"
#include "tests/unit/check.h"

struct got {
        size_t n;
        unsigned line[8];
        size_t nfields[8], nkept[8];
        char text[8][64];      /* the fields of each record, joined by '|' */
        unsigned multiline[8]; /* multiline_line of each record */
        unsigned swallowed[8]; /* swallowed_line of each record */
        size_t columns_after;  /* enk_csv_set_columns after this record (0: never) */
        enk_csv *csv;
        enk_status stop_at; /* returned at record 1 when not ENK_OK */
};

static enk_status on_record(void *ctx, const enk_csv_record *rec)
{
        struct got *g = ctx;
        size_t i = g->n++;
        if (i >= 8)
                return ENK_OK;
        g->line[i] = rec->line;
        g->nfields[i] = rec->nfields;
        g->nkept[i] = rec->nkept;
        g->multiline[i] = rec->multiline_line;
        g->swallowed[i] = rec->swallowed_line;
        g->text[i][0] = '\0';
        for (size_t f = 0; f < rec->nkept; f++) {
                CHECK_INT(rec->fields[f].s[rec->fields[f].len], '\0');
                size_t used = strlen(g->text[i]);
                snprintf(g->text[i] + used, sizeof(g->text[i]) - used, "%s%s", f ? "|" : "",
                         rec->fields[f].s);
        }
        if (g->columns_after == i + 1)
                enk_csv_set_columns(g->csv, rec->nfields);
        if (i == 1 && g->stop_at != ENK_OK)
                return g->stop_at;
        return ENK_OK;
}

static enk_diags *D;

static enk_status run(enk_csv *csv, struct got *g, const char *text, size_t len)
{
        *g = (struct got){.columns_after = g->columns_after, .csv = csv, .stop_at = g->stop_at};
        enk_diags_free(D);
        D = enk_diags_new(0);
        enk_csv_set_record_fn(csv, on_record, g);
        return enk_csv_read_buf(csv, text, len, "t.csv", D);
}

static void test_records(void)
{
        enk_csv *csv = enk_csv_new();
        struct got g = {0};
        /* Excel's sep= line is no record; a quoted field over two lines keeps
         * the line it started on; blank lines are no records. */
        static const char text[] = "sep=;\r\na;b\r\n\"1\r\nx\";2\r\n\r\n3;\"4\"\r\n";
        CHECK_INT(run(csv, &g, text, sizeof(text) - 1), ENK_OK);
        CHECK_INT(g.n, 3);
        CHECK_INT(g.line[0], 2);
        CHECK_STR(g.text[0], "a|b");
        CHECK_INT(g.line[1], 3);
        CHECK_STR(g.text[1], "1\r\nx|2");
        CHECK_INT(g.multiline[1], 0); /* no columns named: not looked at */
        CHECK_INT(g.line[2], 6);
        CHECK_STR(g.text[2], "3|4");
        CHECK_INT(enk_csv_separator(csv), ';');
        CHECK_STR(enk_csv_encoding(csv), "UTF-8");
        CHECK_INT(enk_csv_bytes(csv), sizeof(text) - 1);
        CHECK_INT(enk_diags_count(D), 0);

        /* Tabs, and a Windows-1252 file decoded to UTF-8. */
        static const char cp[] = "id\tnamn\n1\tG\xF6ran\n";
        CHECK_INT(run(csv, &g, cp, sizeof(cp) - 1), ENK_OK);
        CHECK_INT(enk_csv_separator(csv), '\t');
        CHECK_STR(enk_csv_encoding(csv), "Windows-1252");
        CHECK_STR(g.text[1], "1|G\xC3\xB6ran");
        enk_csv_free(csv);
}

static void test_columns(void)
{
        enk_csv *csv = enk_csv_new();
        struct got g = {0};
        /* Once the columns are known, at most one field more is kept, and a
         * quoted field that swallows a whole row is handed on as such. */
        g.columns_after = 1;
        static const char text[] = "a,b,c\n1,2,3,4,5\n1,\"2,3\n4,5,6\n7\",8\n";
        CHECK_INT(run(csv, &g, text, sizeof(text) - 1), ENK_OK);
        CHECK_INT(g.n, 3);
        CHECK_INT(g.nfields[1], 5);
        CHECK_INT(g.nkept[1], 4);
        CHECK_INT(g.line[2], 3);
        CHECK_INT(g.swallowed[2], 4);
        CHECK_INT(g.multiline[2], 3);
        enk_csv_free(csv);
}

static void test_stops(void)
{
        enk_csv *csv = enk_csv_new();
        struct got g = {0};
        /* The record function's status stops the read and is returned. */
        g.stop_at = ENK_ERR_IO;
        static const char text[] = "a\n1\n2\n3\n";
        CHECK_INT(run(csv, &g, text, sizeof(text) - 1), ENK_ERR_IO);
        CHECK_INT(g.n, 2);
        g.stop_at = ENK_OK;

        /* A quote inside an unquoted field is an error at its place. */
        static const char bad[] = "a;b\nx;y\"z\n";
        CHECK_INT(run(csv, &g, bad, sizeof(bad) - 1), ENK_ERR_SYNTAX);
        char *msg = enk_diag_format(enk_diags_get(D, 0));
        CHECK_STR(msg, "t.csv:2:2: error: quote inside an unquoted field (quote the whole field "
                       "and double the quote: \"a \"\"b\"\"\")");
        free(msg);
        CHECK_INT(enk_csv_read_buf(NULL, "", 0, "t.csv", D), ENK_ERR_USAGE);
        CHECK_INT(enk_csv_read_buf(csv, NULL, 1, "t.csv", D), ENK_ERR_USAGE);
        enk_csv_free(csv);
        enk_csv_free(NULL);
}

static void test_bad_encoding(void)
{
        enk_csv *csv = enk_csv_new();
        struct got g = {0};
        static const char text[] = "a\nok\n";
        CHECK_INT(run(csv, &g, text, sizeof(text) - 1), ENK_OK);
        CHECK(enk_csv_bad_encoding(csv, "plain", 5) == NULL);
        CHECK(enk_csv_bad_encoding(csv, "\xC3\xA4", 2) == NULL);
        CHECK_STR(enk_csv_bad_encoding(csv, "\xE4", 1),
                  "not valid UTF-8 though the file starts as UTF-8");
        CHECK_STR(enk_csv_bad_encoding(csv, "a\0b", 3),
                  "not valid UTF-8 though the file starts as UTF-8");
        enk_csv_free(csv);
}

static void test_write_field(void)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        CHECK_INT(enk_csv_write_field(fp, "plain", ';'), ENK_OK);
        fputc('|', fp);
        CHECK_INT(enk_csv_write_field(fp, "a;b \"c\"", ';'), ENK_OK);
        fputc('|', fp);
        CHECK_INT(enk_csv_write_field(fp, NULL, ';'), ENK_OK);
        fclose(fp);
        CHECK_STR(buf, "plain|\"a;b \"\"c\"\"\"|");
        free(buf);

        /* enk_csv_field_plain says what enk_csv_write_field does: as it is,
         * or quoted */
        static const struct {
                const char *s;
                char sep;
                bool plain;
        } cases[] = {
            {"Exempelkommun Södra", ',', true},
            {"", ',', true},
            {"a;b", ',', true},
            {"a,b", ',', false},
            {"a;b", ';', false},
            {"a\"b", ',', false},
            {"a\nb", ',', false},
            {"a\rb", ',', false},
            {" a", ',', false},
            {"a ", ',', false},
            {"\ta", ',', false},
            {"a\t", ',', false},
            {"a b", ',', true},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                CHECK_INT(enk_csv_field_plain(cases[i].s, strlen(cases[i].s), cases[i].sep),
                          cases[i].plain);
                buf = NULL;
                fp = open_memstream(&buf, &len);
                CHECK_INT(enk_csv_write_field(fp, cases[i].s, cases[i].sep), ENK_OK);
                fclose(fp);
                CHECK_INT(strcmp(buf, cases[i].s) == 0, cases[i].plain);
                free(buf);
        }
}

int main(void)
{
        test_records();
        test_columns();
        test_stops();
        test_bad_encoding();
        test_write_field();
        enk_diags_free(D);
        return check_report();
}
