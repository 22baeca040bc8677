/* tests/unit/test_export.c - CSV field quoting and the CSV export against hand-written files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/csv.h"
#include "survey/csvin.h"
#include "survey/export.h"
#include "survey/store.h"
#include "tests/unit/check.h"
#include "tests/unit/response_fixture.h"

/* Slots: 0 nojd (scale 1-5, NA code 9), 1 typ (single 1/2), 2 utb (multiple
 * 1, 2, 30), 3 skolbarn (yesno), 4 antal (number), 5 forslag (text). */
static const char yaml_a[] = "survey: fh\n"
                             "edition: 2020\n"
                             "languages: [sv]\n"
                             "title: Enkät\n"
                             "scales:\n"
                             "  - id: fem\n"
                             "    points:\n"
                             "      - {value: 1, label: Inte alls}\n"
                             "      - {value: 2, label: Lite}\n"
                             "      - {value: 3, label: Delvis}\n"
                             "      - {value: 4, label: Mycket}\n"
                             "      - {value: 5, label: Helt}\n"
                             "    positive: [4, 5]\n"
                             "    not_applicable: {code: 9, label: Vet ej}\n"
                             "sections:\n"
                             "  - id: s1\n"
                             "    title: Allmänt\n"
                             "    questions:\n"
                             "      - {id: nojd, type: scale, scale: fem, text: Nöjd?}\n"
                             "      - id: typ\n"
                             "        type: single\n"
                             "        text: Typ?\n"
                             "        options:\n"
                             "          - {value: 1, label: Familjehem}\n"
                             "          - {value: 2, label: Jourhem}\n"
                             "      - id: utb\n"
                             "        type: multiple\n"
                             "        text: Utbildning?\n"
                             "        options:\n"
                             "          - {value: 1, label: A}\n"
                             "          - {value: 2, label: B}\n"
                             "          - {value: 30, label: C}\n"
                             "      - {id: skolbarn, type: yesno, text: Skolbarn?}\n"
                             "      - {id: antal, type: number, min: -10, max: 100, text: Antal?}\n"
                             "      - {id: forslag, type: text, text: Förslag?}\n";

/* The next edition: nojd renamed nojd_ny (linked by was), skolbarn kept. */
static const char yaml_b[] = "survey: fh\n"
                             "edition: 2021\n"
                             "languages: [sv]\n"
                             "title: Enkät\n"
                             "scales:\n"
                             "  - id: fem\n"
                             "    points:\n"
                             "      - {value: 1, label: Inte alls}\n"
                             "      - {value: 2, label: Lite}\n"
                             "      - {value: 3, label: Delvis}\n"
                             "      - {value: 4, label: Mycket}\n"
                             "      - {value: 5, label: Helt}\n"
                             "    positive: [4, 5]\n"
                             "    not_applicable: {code: 9, label: Vet ej}\n"
                             "sections:\n"
                             "  - id: s1\n"
                             "    title: Allmänt\n"
                             "    questions:\n"
                             "      - {id: nojd_ny, type: scale, scale: fem, was: nojd, text: N?}\n"
                             "      - {id: skolbarn, type: yesno, text: Skolbarn?}\n";

static char dir[] = "/tmp/enk_test_export_XXXXXX";

static char *in_dir(const char *name)
{
        static char buf[4][256];
        static int next;
        char *p = buf[next++ % 4];
        snprintf(p, 256, "%s/%s", dir, name);
        return p;
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        char *s = calloc(1, 65536);
        if (s)
                fread(s, 1, 65535, f);
        fclose(f);
        return s;
}

static void field(const char *s, char sep, const char *want)
{
        FILE *f = tmpfile();
        CHECK(f != NULL);
        if (!f)
                return;
        CHECK_INT(enk_csv_write_field(f, s, sep), ENK_OK);
        char buf[256] = {0};
        rewind(f);
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        CHECK_STR(buf, want);
        fclose(f);
}

/* RFC 4180: a field with the separator, a quote or a line break is quoted and
 * its quotes doubled; others are written as they are. */
static void test_field(void)
{
        field("abc", ',', "abc");
        field(NULL, ',', "");
        field("", ';', "");
        field("a,b", ',', "\"a,b\"");
        field("a;b", ',', "a;b");
        field("a;b", ';', "\"a;b\"");
        field("sa \"hej\"", ',', "\"sa \"\"hej\"\"\"");
        field("x\ny", ',', "\"x\ny\"");
        field("x\r\ny", ';', "\"x\r\ny\"");
        field(" lead", ',', "\" lead\"");
        field("Södra", ',', "Södra");
}

static enk_questionnaire *parse(const char *yaml)
{
        enk_questionnaire *q = NULL;
        CHECK_INT(enk_questionnaire_parse(yaml, strlen(yaml), "inline.yaml", &q, NULL), ENK_OK);
        return q;
}

static void test_export(void)
{
        const char *db = in_dir("s.db"), *out = in_dir("a.csv");
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        enk_questionnaire *a = parse(yaml_a), *b = parse(yaml_b);
        CHECK_INT(enk_store_open(db, ENK_STORE_CREATE, &s, d), ENK_OK);
        if (!s || !a || !b)
                goto out;
        int64_t ea, eb, u, w20, w21;
        CHECK_INT(enk_store_add_edition(s, a, &ea, d), ENK_OK);
        CHECK_INT(enk_store_add_edition(s, b, &eb, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Norr", &u, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, u, 2020, ea, -1, &w20, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, u, 2021, eb, -1, &w21, d), ENK_OK);
        /* utb {1, 30}: bits 0 and 29 */
        int32_t r1[6] = {ENK_NA, 2, (1 << 0) | (1 << 29), 0, -5, 1};
        enk_store_text t1 = {"forslag", "sa \"hej\", då"};
        CHECK_INT(
            fixture_add(s, w20, 0, ENK_SOURCE_PAPER, "2020-10-01", "K1", r1, 6, &t1, 1, NULL, d),
            ENK_OK);
        int32_t r2[6] = {3, ENK_MISSING, ENK_MISSING, ENK_MISSING, ENK_MISSING, ENK_MISSING};
        CHECK_INT(fixture_add(s, w20, 0, ENK_SOURCE_WEB, NULL, NULL, r2, 6, NULL, 0, NULL, d),
                  ENK_OK);
        int32_t r3[2] = {4, ENK_MISSING};
        CHECK_INT(
            fixture_add(s, w21, 0, ENK_SOURCE_SCAN, "2021-09-30", "K9", r3, 2, NULL, 0, NULL, d),
            ENK_OK);

        /* one edition: every type, written by hand from docs/csv.md (Export) */
        enk_export_options o = {.unit = "Norr", .year = 2020, .format = ENK_EXPORT_CSV};
        int64_t rows = 0;
        CHECK_INT(enk_export_write(s, &o, out, &rows, d), ENK_OK);
        CHECK_INT(rows, 2);
        char *got = slurp(out);
        CHECK_STR(got, "unit,year,edition,source,date,respondent,nojd,typ,utb_1,utb_2,utb_30,"
                       "skolbarn,antal,forslag\n"
                       "Norr,2020,2020,paper,2020-10-01,K1,9,2,1,0,1,0,-5,\"sa \"\"hej\"\", då\"\n"
                       "Norr,2020,2020,web,,,3,,,,,,,\n");
        free(got);

        /* two editions: the latest's columns, the earlier answer under its new id */
        o.year = 0;
        o.format = ENK_EXPORT_EXCEL;
        CHECK_INT(enk_export_write(s, &o, out, &rows, d), ENK_OK);
        CHECK_INT(rows, 3);
        got = slurp(out);
        CHECK_STR(got, "\xEF\xBB\xBFunit;year;edition;source;date;respondent;nojd_ny;skolbarn\r\n"
                       "Norr;2020;2020;paper;2020-10-01;K1;9;0\r\n"
                       "Norr;2020;2020;web;;;3;\r\n"
                       "Norr;2021;2021;scan;2021-09-30;K9;4;\r\n");
        free(got);

        /* errors: an unknown unit, a year without responses, an unwritable file */
        o.unit = "Syd";
        CHECK_INT(enk_export_write(s, &o, out, NULL, d), ENK_ERR_NOTFOUND);
        o.unit = NULL;
        o.year = 2019;
        CHECK_INT(enk_export_write(s, &o, out, NULL, d), ENK_ERR_NOTFOUND);
        o.year = 0;
        o.format = ENK_EXPORT_DTA;
        CHECK_INT(enk_export_write(s, &o, in_dir("nodir/x.dta"), NULL, d), ENK_ERR_IO);
        CHECK_INT(enk_export_write(s, NULL, out, NULL, d), ENK_ERR_USAGE);
        CHECK_INT(enk_diags_count(d), 3);
        /* the .dta of the same data opens with Stata's format byte: <stata_dta> */
        CHECK_INT(enk_export_write(s, &o, in_dir("x.dta"), &rows, d), ENK_OK);
        got = slurp(in_dir("x.dta"));
        CHECK(got && strncmp(got, "<stata_dta><header><release>118</release>", 41) == 0);
        free(got);
        unlink(in_dir("x.dta"));
out:
        enk_store_free(s);
        enk_questionnaire_free(a);
        enk_questionnaire_free(b);
        enk_diags_free(d);
        unlink(out);
        unlink(db);
        unlink(in_dir("s.db-wal"));
        unlink(in_dir("s.db-shm"));
}

int main(void)
{
        if (!mkdtemp(dir))
                return 1;
        fixture_yaml(yaml_a);
        fixture_yaml(yaml_b);
        test_field();
        test_export();
        rmdir(dir);
        fixture_done();
        return check_report();
}
