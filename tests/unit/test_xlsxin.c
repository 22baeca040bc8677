/* tests/unit/test_xlsxin.c - a workbook's rows read through the CSV reader.
 *
 * The workbooks are written part by part by tests/unit/fixtures/make_xlsxin.py,
 * each way of writing a cell on purpose; the expected values are read off
 * that script (rows, columns and codes counted by hand) and the messages off
 * survey/xlsxin.h and the CSV reader's documented wording.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/csvin.h"
#include "survey/xlsxin.h"
#include "tests/unit/check.h"

/* hemtyp 0, antal 1, har_barn 2, stod_nojd 3 */
static const char yaml[] = "survey: test\n"
                           "edition: 2020\n"
                           "languages: [sv]\n"
                           "title: Test\n"
                           "scales:\n"
                           "  - id: s\n"
                           "    points:\n"
                           "      - {value: 1, label: Nej}\n"
                           "      - {value: 4, label: Ganska}\n"
                           "      - {value: 5, label: Helt}\n"
                           "    positive: [4, 5]\n"
                           "sections:\n"
                           "  - id: a\n"
                           "    title: A\n"
                           "    questions:\n"
                           "      - id: hemtyp\n"
                           "        type: single\n"
                           "        text: Vilken typ?\n"
                           "        options:\n"
                           "          - {value: 1, label: Familjehem}\n"
                           "          - {value: 2, label: Jourhem}\n"
                           "      - id: antal\n"
                           "        type: number\n"
                           "        min: 0\n"
                           "        max: 15\n"
                           "        text: Hur många?\n"
                           "      - id: har_barn\n"
                           "        type: yesno\n"
                           "        text: Barn?\n"
                           "      - id: stod_nojd\n"
                           "        type: scale\n"
                           "        scale: s\n"
                           "        text: Nöjd?\n";

static enk_questionnaire *Q;
static int32_t got[8][4];
static unsigned got_line[8];
static size_t nrows;

static enk_status on_row(void *ctx, const enk_csvin_row *row)
{
        (void) ctx;
        if (nrows < 8) {
                memcpy(got[nrows], row->response.values, sizeof got[0]);
                got_line[nrows] = row->response.origin.line;
        }
        nrows++;
        return ENK_OK;
}

static enk_status read(const char *name, enk_diags *d)
{
        char path[256];
        snprintf(path, sizeof path, "tests/unit/fixtures/%s", name);
        enk_csvin *r = enk_csvin_new(Q);
        enk_csvin_set_row_fn(r, on_row, NULL);
        nrows = 0;
        enk_status st = enk_xlsxin_read(r, path, name, d);
        enk_csvin_free(r);
        return st;
}

static void test_parts(void)
{
        enk_diags *d = enk_diags_new(0);
        CHECK_INT(read("xlsxin-parts.xlsx", d), ENK_ERR_DATA);
        /* row 3: shared strings (one of runs), a number, a boolean, a
         * formula's cached value; row 5's number is out of range */
        CHECK_INT(nrows, 1);
        CHECK_INT(got_line[0], 3);
        CHECK_INT(got[0][0], 2);
        CHECK_INT(got[0][1], 3);
        CHECK_INT(got[0][2], 1);
        CHECK_INT(got[0][3], 4);
        CHECK_INT(enk_diags_errors(d), 1);
        const enk_diag *e = enk_diags_get(d, 0);
        CHECK(e && !strcmp(e->file, "xlsxin-parts.xlsx"));
        CHECK_INT(e ? e->line : 0, 5);
        CHECK_INT(e ? e->column : 0, 2);
        CHECK(e && e->subject && !strcmp(e->subject, "antal"));
        enk_diags_free(d);
}

static void test_bad(void)
{
        enk_diags *d = enk_diags_new(0);
        CHECK_INT(read("xlsxin-badxml.xlsx", d), ENK_ERR_SYNTAX);
        const enk_diag *e = enk_diags_get(d, 0);
        CHECK(e && strstr(e->message, "xl/worksheets/sheet1.xml, line 3"));
        CHECK_INT(nrows, 0);
        enk_diags_free(d);

        d = enk_diags_new(0);
        CHECK_INT(read("xlsxin-notes.xlsx", d), ENK_ERR_SYNTAX);
        e = enk_diags_get(d, 0);
        CHECK(e && strstr(e->message, "no sheet of responses"));
        enk_diags_free(d);

        /* a cell pointing past the shared strings: an error at its place,
         * not a blank (make_xlsxin.py: C3 points to string 7 of 3) */
        d = enk_diags_new(0);
        CHECK_INT(read("xlsxin-badref.xlsx", d), ENK_ERR_SYNTAX);
        e = enk_diags_get(d, 0);
        CHECK(e && e->line == 3 && e->column == 3 && strstr(e->message, "'7'") &&
              strstr(e->message, "sharedStrings"));
        CHECK_INT(nrows, 0);
        enk_diags_free(d);

        /* a CSV file named like a workbook */
        d = enk_diags_new(0);
        enk_csvin *r = enk_csvin_new(Q);
        static const char csv[] = "hemtyp\n1\n";
        CHECK_INT(enk_xlsxin_read_buf(r, csv, sizeof csv - 1, "x.xlsx", d), ENK_ERR_SYNTAX);
        e = enk_diags_get(d, 0);
        CHECK(e && !strcmp(e->file, "x.xlsx") && strstr(e->message, "not a workbook"));
        enk_csvin_free(r);
        enk_diags_free(d);

        d = enk_diags_new(0);
        r = enk_csvin_new(Q);
        CHECK_INT(enk_xlsxin_read(r, "tests/unit/fixtures/none.xlsx", NULL, d), ENK_ERR_IO);
        enk_csvin_free(r);
        enk_diags_free(d);
}

static void test_names(void)
{
        CHECK(enk_xlsxin_is_workbook("svar.xlsx"));
        CHECK(enk_xlsxin_is_workbook("dir/SVAR.XLSX"));
        CHECK(!enk_xlsxin_is_workbook("svar.csv"));
        CHECK(!enk_xlsxin_is_workbook(".xlsx"));
        CHECK(!enk_xlsxin_is_workbook(NULL));
}

int main(void)
{
        enk_diags *d = enk_diags_new(0);
        if (enk_questionnaire_parse(yaml, sizeof yaml - 1, "test.yaml", &Q, d) != ENK_OK) {
                for (size_t i = 0; i < enk_diags_count(d); i++)
                        printf("%s\n", enk_diags_get(d, i)->message);
                printf("the questionnaire does not load\n");
                return 1;
        }
        enk_diags_free(d);
        test_parts();
        test_bad();
        test_names();
        enk_questionnaire_free(Q);
        return check_report();
}
