/* tests/unit/test_csvin.c - reading response files (CSV) against a questionnaire.
 *
 * Every expected value is read off the inline questionnaire and CSV fixtures
 * (codes, rows and columns counted by hand), and every expected message off
 * the wording documented in survey/csvin.h and survey/response.c, never off
 * the reader's output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "survey/csv.h"
#include "survey/csvin.h"
#include "tests/unit/check.h"

/* Question indexes: hemtyp 0, antal 1, har_barn 2, skola 3, stod_nojd 4,
 * stod_na 5, utbildningar 6, forslag 7. */
static const char yaml[] =
    "survey: test\n"
    "edition: 2020\n"
    "languages: [sv, en]\n"
    "title: {sv: Test, en: Test}\n"
    "scales:\n"
    "  - id: instamning\n"
    "    points:\n"
    "      - {value: 1, label: {sv: Stämmer inte alls, en: Not at all true}}\n"
    "      - {value: 2, label: {sv: Stämmer ganska dåligt, en: Mostly not true}}\n"
    "      - {value: 3, label: {sv: Stämmer delvis, en: Partly true}}\n"
    "      - {value: 4, label: {sv: Stämmer ganska bra, en: Mostly true}}\n"
    "      - {value: 5, label: {sv: Stämmer helt, en: Completely true}}\n"
    "    positive: [4, 5]\n"
    "    not_applicable: {code: 9, label: {sv: Vet ej / ej aktuellt, en: \"Don't know / not "
    "applicable\"}}\n"
    "sections:\n"
    "  - id: s1\n"
    "    title: {sv: Ett, en: One}\n"
    "    questions:\n"
    "      - id: hemtyp\n"
    "        type: single\n"
    "        required: true\n"
    "        text: {sv: Vilken typ av uppdrag har du?, en: What kind of assignment do you "
    "have?}\n"
    "        options:\n"
    "          - {value: 1, label: {sv: Familjehem, en: Foster home}}\n"
    "          - {value: 2, label: {sv: Jourhem, en: Emergency foster home}}\n"
    "      - id: antal\n"
    "        type: number\n"
    "        min: 0\n"
    "        max: 15\n"
    "        text: {sv: Hur många barn?, en: How many children?}\n"
    "      - id: har_barn\n"
    "        type: yesno\n"
    "        required: true\n"
    "        text: {sv: Har du skolbarn?, en: Do you have school children?}\n"
    "      - id: skola\n"
    "        type: scale\n"
    "        scale: instamning\n"
    "        show_if: {question: har_barn, equals: yes}\n"
    "        was: samarbete_skola\n"
    "        text: {sv: Samarbetet med skolan fungerar bra., en: The cooperation with the "
    "school works well.}\n"
    "      - id: stod_grid\n"
    "        type: grid\n"
    "        scale: instamning\n"
    "        text: {sv: Hur väl stämmer följande?, en: How well do these fit?}\n"
    "        items:\n"
    "          - id: stod_nojd\n"
    "            required: true\n"
    "            text: {sv: Jag är nöjd med stödet., en: I am satisfied with the support.}\n"
    "          - id: stod_na\n"
    "            text: {sv: Det är lätt att nå min sekreterare., en: It is easy to reach my "
    "worker.}\n"
    "      - id: utbildningar\n"
    "        type: multiple\n"
    "        text: {sv: Vilka utbildningar har du gått?, en: Which training have you taken?}\n"
    "        options:\n"
    "          - {value: 1, label: {sv: Ett hem att växa i, en: A home to grow in}}\n"
    "          - {value: 2, label: {sv: \"Trauma, anknytning\", en: Trauma and attachment}}\n"
    "          - {value: 3, label: {sv: Annan utbildning, en: Other training}}\n"
    "      - id: forslag\n"
    "        type: text\n"
    "        text: {sv: Vad kan vi göra bättre?, en: What could we do better?}\n";

enum { HEMTYP, ANTAL, HAR_BARN, SKOLA, STOD_NOJD, STOD_NA, UTB, FORSLAG, NQ };
#define M  ENK_MISSING
#define NA ENK_NA

static enk_questionnaire *Q;

/* What the row callback saw. */
#define MAXROWS 16
static struct got {
        size_t n;
        unsigned line[MAXROWS];
        int32_t v[MAXROWS][NQ];
        char resp[MAXROWS][32];
        char date[MAXROWS][12];
        char unit[MAXROWS][32];
        int year[MAXROWS];
        char text[MAXROWS][128];
        char last_text[128]; /* of the last row, whatever the number of rows */
        size_t stop_after;   /* 0: never */
} got;

static enk_diags *D;
static enk_csvin_stats S;

static enk_status on_row(void *ctx, const enk_csvin_row *row)
{
        (void) ctx;
        if (got.n < MAXROWS) {
                size_t i = got.n;
                got.line[i] = row->response.origin.line;
                memcpy(got.v[i], row->response.values, sizeof(got.v[i]));
                snprintf(got.resp[i], sizeof(got.resp[i]), "%s",
                         row->response.respondent_key ? row->response.respondent_key : "(null)");
                snprintf(got.date[i], sizeof(got.date[i]), "%s",
                         row->response.date ? row->response.date : "(null)");
                snprintf(got.unit[i], sizeof(got.unit[i]), "%s", row->unit ? row->unit : "(null)");
                got.year[i] = row->year;
                snprintf(got.text[i], sizeof(got.text[i]), "%s",
                         row->response.texts[FORSLAG] ? row->response.texts[FORSLAG] : "(null)");
        }
        snprintf(got.last_text, sizeof(got.last_text), "%s",
                 row->response.texts[FORSLAG] ? row->response.texts[FORSLAG] : "(null)");
        got.n++;
        if (got.stop_after && got.n == got.stop_after)
                return ENK_ERR_STORE;
        return ENK_OK;
}

/* Reads len bytes of CSV in chunks of chunk bytes with a fresh reader. */
static enk_status run_len(const char *csv, size_t len, size_t chunk)
{
        size_t stop_after = got.stop_after;
        memset(&got, 0, sizeof(got));
        got.stop_after = stop_after;
        enk_diags_free(D);
        D = enk_diags_new(0);
        enk_csvin *r = enk_csvin_new(Q);
        enk_csvin_set_row_fn(r, on_row, NULL);
        if (chunk)
                enk_csvin_set_chunk_size(r, chunk);
        enk_status st = enk_csvin_read_buf(r, csv, len, "t.csv", D);
        S = *enk_csvin_stats_get(r);
        enk_csvin_free(r);
        return st;
}

static enk_status run(const char *csv)
{
        return run_len(csv, strlen(csv), 0);
}

/* The i-th diagnostic formatted, in a static buffer ("" when none). */
static const char *diag(size_t i)
{
        static char buf[512];
        const enk_diag *d = enk_diags_get(D, i);
        char *s = d ? enk_diag_format(d) : NULL;
        snprintf(buf, sizeof(buf), "%s", s ? s : "");
        free(s);
        return buf;
}

static void check_row(int line, size_t i, const int32_t want[NQ])
{
        for (size_t k = 0; k < NQ; k++) {
                check_count++;
                if (got.v[i][k] != want[k]) {
                        check_failures++;
                        printf("%s:%d: row %zu question %zu == %d, want %d\n", __FILE__, line, i, k,
                               got.v[i][k], want[k]);
                }
        }
}
#define CHECK_ROW(i, ...) check_row(__LINE__, (i), (const int32_t[NQ]){__VA_ARGS__})

static const char header[] =
    "respondent,date,hemtyp,antal,har_barn,skola,stod_nojd,stod_na,utbildningar,forslag\n";

/* ------------------------------------------------------------------------ */

static void test_separators(void)
{
        /* The same two responses with each separator. */
        static const char *const files[] = {
            "respondent,date,hemtyp,antal,har_barn,skola,stod_nojd,stod_na,utbildningar,"
            "forslag\n"
            "R1,2020-09-15,1,2,1,4,5,9,\"1,3\",Mer stöd\n"
            "R2,2020-09-16,2,0,0,,3,,,\n",
            "respondent;date;hemtyp;antal;har_barn;skola;stod_nojd;stod_na;utbildningar;"
            "forslag\n"
            "R1;2020-09-15;1;2;1;4;5;9;\"1;3\";Mer stöd\n"
            "R2;2020-09-16;2;0;0;;3;;;\n",
            "respondent\tdate\themtyp\tantal\thar_barn\tskola\tstod_nojd\tstod_na\t"
            "utbildningar\tforslag\n"
            "R1\t2020-09-15\t1\t2\t1\t4\t5\t9\t1;3\tMer stöd\n"
            "R2\t2020-09-16\t2\t0\t0\t\t3\t\t\t\n",
        };
        static const char seps[] = {',', ';', '\t'};
        for (int f = 0; f < 3; f++) {
                CHECK_INT(run(files[f]), ENK_OK);
                CHECK_INT(S.separator, seps[f]);
                CHECK_STR(S.encoding, "UTF-8");
                CHECK_INT(S.columns, 10);
                CHECK_INT(S.question_columns, 8);
                CHECK_INT(S.rows, 2);
                CHECK_INT(got.n, 2);
                CHECK_INT(enk_diags_count(D), 0);
                CHECK_INT(got.line[0], 2);
                CHECK_INT(got.line[1], 3);
                CHECK_STR(got.resp[0], "R1");
                CHECK_STR(got.date[1], "2020-09-16");
                CHECK_STR(got.text[0], "Mer stöd");
                CHECK_STR(got.text[1], "(null)");
                /* options 1 and 3: bits 0 and 2 = 5 */
                CHECK_ROW(0, 1, 2, 1, 4, 5, NA, 5, 1);
                CHECK_ROW(1, 2, 0, 0, M, 3, M, M, M);
        }
}

static void test_encodings(void)
{
        /* UTF-8 with a byte-order mark: the first header is still 'respondent'. */
        CHECK_INT(run("\xEF\xBB\xBFrespondent;hemtyp;har_barn;stod_nojd\r\nR1;1;0;4\r\n"), ENK_OK);
        CHECK_STR(S.encoding, "UTF-8 with BOM");
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_STR(got.resp[0], "R1");

        /* Windows-1252 from Excel: 0xE4 is ä, 0xF6 is ö, 0xC4 is Ä; labels and
         * free text come out as UTF-8. CRLF line ends. */
        CHECK_INT(run("respondent;hemtyp;har_barn;stod_nojd;forslag\r\n"
                      "R1;Familjehem;Ja;St\xE4mmer ganska bra;Mer st\xF6"
                      "d\r\n"
                      "R2;1;Nej;ST\xC4MMER HELT;\r\n"),
                  ENK_OK);
        CHECK_STR(S.encoding, "Windows-1252");
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_INT(got.n, 2);
        CHECK_INT(got.v[0][STOD_NOJD], 4);
        CHECK_INT(got.v[1][STOD_NOJD], 5);
        CHECK_INT(got.v[0][HAR_BARN], 1);
        CHECK_INT(got.v[1][HAR_BARN], 0);
        CHECK_STR(got.text[0], "Mer stöd");
        CHECK_INT(got.line[1], 3);

        /* UTF-16LE with its byte-order mark (Excel's "Unicode text"): tabs. */
        static const char u16[] =
            "\xFF\xFE"
            "h\0e\0m\0t\0y\0p\0\t\0h\0a\0r\0_\0b\0a\0r\0n\0\t\0"
            "s\0t\0o\0d\0_\0n\0o\0j\0d\0\r\0\n\0"
            "2\0\t\0j\0a\0\t\0S\0t\0\xE4\0m\0m\0e\0r\0 \0h\0e\0l\0t\0\r\0\n\0";
        CHECK_INT(run_len(u16, sizeof(u16) - 1, 0), ENK_OK);
        CHECK_STR(S.encoding, "UTF-16LE");
        CHECK_INT(S.separator, '\t');
        CHECK_INT(got.n, 1);
        CHECK_INT(got.v[0][HEMTYP], 2);
        CHECK_INT(got.v[0][STOD_NOJD], 5);

        /* Only a UTF-16 byte-order mark: an empty file, not a crash (found by
         * fuzz_csvin: memcpy from the never-allocated decode buffer). */
        CHECK_INT(run_len("\xFF\xFE", 2, 0), ENK_ERR_SYNTAX);

        /* A byte that is not Windows-1252 either (0x81 is undefined there),
         * also in the header before the first separator. */
        CHECK_INT(run("hem\x81typ;har_barn;stod_nojd\n1;0;4\n"), ENK_ERR_SYNTAX);
        CHECK_INT(S.separator, ';');
        CHECK_STR(diag(0), "t.csv:1:1: error: bad encoding in the header: neither UTF-8 nor "
                           "Windows-1252");
        CHECK_STR(diag(1), "t.csv:1 (hemtyp): error: required question has no column");
        CHECK_INT(got.n, 1);

        CHECK_INT(run("hemtyp;har_barn;stod_nojd;forslag\n1;0;4;a\xE4 \x81\n1;0;4;ok\n"),
                  ENK_ERR_SYNTAX);
        CHECK_STR(diag(0),
                  "t.csv:2:4 (forslag): error: bad encoding: neither UTF-8 nor Windows-1252");
        CHECK_INT(enk_diags_count(D), 1);
        CHECK_INT(got.n, 1);
        CHECK_INT(S.rows_invalid, 1);

        /* A file that is UTF-8 for its first 64 KiB and then is not: the bad
         * byte is reported at its row and column. */
        size_t nrows = 7000, cap = 100 * nrows + 200, len = 0;
        char *big = malloc(cap);
        len += (size_t) snprintf(big + len, cap - len,
                                 "respondent,hemtyp,har_barn,stod_nojd,forslag\n");
        for (size_t i = 0; i < nrows; i++)
                len += (size_t) snprintf(big + len, cap - len, "R%zu,1,0,4,%s\n", i,
                                         i == nrows - 1 ? "G\xE4rna" : "Gärna");
        CHECK(len > 65536);
        CHECK_INT(run_len(big, len, 4096), ENK_ERR_SYNTAX);
        CHECK_STR(S.encoding, "UTF-8");
        char want[160];
        snprintf(want, sizeof(want),
                 "t.csv:%zu:5 (forslag): error: bad encoding: not valid UTF-8 though the file "
                 "starts as UTF-8",
                 nrows + 1);
        CHECK_STR(diag(0), want);
        CHECK_INT(got.n, nrows - 1);
        free(big);

        /* A file that is plain ASCII for its first 64 KiB: the first byte
         * above 0x7F decides. Windows-1252 "ä" (0xE4) switches the reading to
         * Windows-1252, UTF-8 "ä" (C3 A4) keeps UTF-8; whatever the chunk size,
         * also when the chunk ends inside the character. */
        for (int utf8 = 0; utf8 <= 1; utf8++) {
                len = 0;
                big = malloc(cap);
                len += (size_t) snprintf(big + len, cap - len,
                                         "respondent,hemtyp,har_barn,stod_nojd,forslag\n");
                for (size_t i = 0; i < nrows; i++)
                        len += (size_t) snprintf(big + len, cap - len, "R%zu,1,0,4,%s\n", i,
                                                 i < nrows - 2 ? "ok"
                                                 : utf8        ? "G\xC3\xA4rna"
                                                               : "G\xE4rna");
                static const size_t chunks[] = {0, 1, 2, 3, 4096};
                for (size_t c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
                        CHECK_INT(run_len(big, len, chunks[c]), ENK_OK);
                        CHECK_STR(S.encoding, utf8 ? "UTF-8" : "Windows-1252");
                        CHECK_INT(enk_diags_count(D), 0);
                        CHECK_INT(got.n, nrows);
                        CHECK_STR(got.last_text, "Gärna");
                }
                free(big);
        }

        /* The same when the file ends right inside the first non-ASCII
         * character: a lone 0xC3 at the very end is Windows-1252 "Ã". */
        big = malloc(cap);
        len = (size_t) snprintf(big, cap, "hemtyp,har_barn,stod_nojd,forslag\n");
        for (size_t i = 0; len < 70000; i++)
                len += (size_t) snprintf(big + len, cap - len, "1,0,4,ok\n");
        len += (size_t) snprintf(big + len, cap - len, "1,0,4,x\xC3");
        CHECK_INT(run_len(big, len, 7), ENK_OK);
        CHECK_STR(S.encoding, "Windows-1252");
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_STR(got.last_text, "xÃ");
        free(big);

        /* Excel's "sep=" line names the separator; the header follows it. */
        CHECK_INT(run("sep=,\r\nhemtyp,har_barn,stod_nojd,a;b\r\n1,0,4,\r\n"), ENK_OK);
        CHECK_INT(S.separator, ',');
        CHECK_INT(S.columns, 4);
        CHECK_INT(got.n, 1);
        CHECK_INT(got.line[0], 3);
        CHECK_STR(diag(0), "t.csv:2:4: warning: unknown column 'a;b' ignored");

        /* An Excel workbook given by mistake. */
        CHECK_INT(run_len("PK\x03\x04\x14\0\x06\0", 8, 0), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:1: error: an Excel workbook, not a CSV file (save it as CSV)");
}

static void test_quotes_and_lines(void)
{
        /* A quoted free text with separators, a doubled quote and a CRLF line
         * break inside: the next record starts on physical line 4. */
        CHECK_INT(run("respondent,hemtyp,har_barn,stod_nojd,forslag\r\n"
                      "R1,1,0,4,\"Rad ett, med komma;\r\nrad \"\"två\"\"\"\r\n"
                      "R2,1,0,5,\r\n"),
                  ENK_OK);
        CHECK_INT(got.n, 2);
        CHECK_STR(got.text[0], "Rad ett, med komma;\nrad \"två\"");
        CHECK_INT(got.line[0], 2);
        CHECK_INT(got.line[1], 4);

        /* Blank lines and old Mac line ends (CR alone) still count as lines. */
        static const char mac[] = "hemtyp,har_barn,stod_nojd\r\r1,0,4\r\n\n1,0,7\n";
        CHECK_INT(run(mac), ENK_ERR_DATA);
        CHECK_INT(got.n, 1);
        CHECK_INT(got.line[0], 3);
        CHECK_STR(diag(0), "t.csv:5:3 (stod_nojd): error: 7 is not a point of scale 'instamning'");

        /* The same file read a byte at a time gives the same. */
        CHECK_INT(run_len(mac, sizeof(mac) - 1, 1), ENK_ERR_DATA);
        CHECK_INT(got.line[0], 3);
        CHECK_STR(diag(0), "t.csv:5:3 (stod_nojd): error: 7 is not a point of scale 'instamning'");

        /* An unterminated quote: reported where its record starts. */
        CHECK_INT(run("hemtyp,har_barn,stod_nojd,forslag\n1,0,4,ok\n1,0,5,\"never closed\n"
                      "1,0,4,x\n"),
                  ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:4: error: quoted field never closed (missing '\"')");
        CHECK_INT(enk_diags_count(D), 1);
        CHECK_INT(got.n, 1);

        /* A runaway quote longer than 1 MiB stops the read. */
        size_t len = (1u << 20) + 200;
        char *big = malloc(len + 1);
        strcpy(big, "hemtyp,har_barn,stod_nojd,forslag\n1,0,4,\"");
        size_t at = strlen(big);
        memset(big + at, 'x', len - at);
        CHECK_INT(run_len(big, len, 0), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0),
                  "t.csv:2:4: error: field longer than 1048576 bytes (a quote that is never "
                  "closed?)");
        free(big);
}

static void test_labels(void)
{
        /* Labels in Swedish and English, any case, blanks around them; the
         * not-applicable answer by code and by label in both languages. */
        CHECK_INT(run("respondent;hemtyp;har_barn;skola;stod_nojd;stod_na\n"
                      "a;  familjehem ;YES;  stämmer GANSKA bra ;Mostly true;9\n"
                      "b;Emergency foster home;j;COMPLETELY TRUE;Stämmer inte alls;vet ej / ej "
                      "aktuellt\n"
                      "c;2;true;Not at all true;partly true;DON'T KNOW / NOT APPLICABLE\n"),
                  ENK_OK);
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_INT(got.n, 3);
        CHECK_ROW(0, 1, M, 1, 4, 4, NA, M, M);
        CHECK_ROW(1, 2, M, 1, 5, 1, NA, M, M);
        CHECK_ROW(2, 2, M, 1, 1, 3, NA, M, M);
}

/* Issue 18, point 3, the second line of defence: enkat check refuses a label
 * that is another answer's code or label, but a questionnaire that slipped
 * past it (stored before the rule) must not make the import guess. The
 * labels are changed in the loaded model to make such a questionnaire. */
static void test_ambiguous(void)
{
        enk_option *hem = Q->questions[HEMTYP].options;
        enk_option *utb = Q->questions[UTB].options;
        enk_scale *sc = &Q->scales[0];
        const char *hem2 = hem[1].label.s[0], *utb3 = utb[2].label.s[0], *na = sc->na_label.s[0];

        /* Option 2 labelled "1": "1" could be option 1's code or option 2's
         * label. "2" and the other labels are still clear. */
        hem[1].label.s[0] = "1";
        CHECK_INT(run("hemtyp,har_barn,stod_nojd\n1,0,4\n2,0,4\nFamiljehem,0,4\n"), ENK_ERR_DATA);
        CHECK_INT(got.n, 2);
        CHECK_INT(got.v[0][HEMTYP], 2);
        CHECK_INT(got.v[1][HEMTYP], 1);
        CHECK_INT(enk_diags_errors(D), 1);
        CHECK_STR(diag(0), "t.csv:2:1 (hemtyp): error: ambiguous answer '1': it could mean option "
                           "1 or option 2 (a label of the questionnaire is another answer's code "
                           "or label; enkat check refuses it)");
        /* "01" as option 2's label: read as a number it is option 1's code. */
        hem[1].label.s[0] = "01";
        CHECK_INT(run("hemtyp,har_barn,stod_nojd\n01,0,4\n1,0,4\n"), ENK_ERR_DATA);
        CHECK_INT(got.n, 1);
        CHECK_INT(got.v[0][HEMTYP], 1);
        CHECK_STR(diag(0), "t.csv:2:1 (hemtyp): error: ambiguous answer '01': it could mean "
                           "option 2 or option 1 (a label of the questionnaire is another "
                           "answer's code or label; enkat check refuses it)");
        /* Two options' labels equal but for case. */
        hem[1].label.s[0] = "FAMILJEHEM";
        CHECK_INT(run("hemtyp,har_barn,stod_nojd\nfamiljehem,0,4\n"), ENK_ERR_DATA);
        CHECK_INT(got.n, 0);
        CHECK_STR(diag(0), "t.csv:2:1 (hemtyp): error: ambiguous answer 'familjehem': it could "
                           "mean option 1 or option 2 (a label of the questionnaire is another "
                           "answer's code or label; enkat check refuses it)");
        hem[1].label.s[0] = hem2;

        /* A scale: the not-applicable answer labelled "4"; multiple choice:
         * option 3 labelled "1", in a list of items. */
        sc->na_label.s[0] = "4";
        utb[2].label.s[0] = "1";
        CHECK_INT(run("hemtyp,har_barn,stod_nojd,utbildningar\n1,0,4,2\n1,0,5,1|2\n"),
                  ENK_ERR_DATA);
        CHECK_INT(got.n, 0);
        CHECK_INT(enk_diags_errors(D), 2);
        CHECK_STR(diag(0), "t.csv:2:3 (stod_nojd): error: ambiguous answer '4': it could mean "
                           "point 4 or the not-applicable answer (a label of the questionnaire "
                           "is another answer's code or label; enkat check refuses it)");
        CHECK_STR(diag(1), "t.csv:3:4 (utbildningar): error: ambiguous answer '1': it could mean "
                           "option 1 or option 3 (a label of the questionnaire is another "
                           "answer's code or label; enkat check refuses it)");
        sc->na_label.s[0] = na;
        utb[2].label.s[0] = utb3;
}

static void test_multiple(void)
{
        /* One cell: values or labels, '|' ';' ',' as separators; a label that
         * holds a comma is read whole; nothing chosen is no answer. */
        CHECK_INT(run("hemtyp;har_barn;stod_nojd;utbildningar\n"
                      "1;0;4;1|3\n"
                      "1;0;4;\"Ett hem att växa i; Other training\"\n"
                      "1;0;4;\"Trauma, anknytning\"\n"
                      "1;0;4;\"3,2\"\n"
                      "1;0;4;2\n"),
                  ENK_OK);
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_INT(got.v[0][UTB], 5);
        CHECK_INT(got.v[1][UTB], 5);
        CHECK_INT(got.v[2][UTB], 2);
        CHECK_INT(got.v[3][UTB], 6);
        CHECK_INT(got.v[4][UTB], 2);

        /* One 0/1 column per option: ID_VALUE and "ID: LABEL" headers; a
         * label that is not the option's makes the column unknown. */
        CHECK_INT(run("hemtyp,har_barn,stod_nojd,utbildningar_1,utbildningar: Trauma och "
                      "anknytning\n1,0,4,1,0\n"),
                  ENK_OK);
        CHECK_STR(diag(0), "t.csv:1:5: warning: unknown column 'utbildningar: Trauma och "
                           "anknytning' ignored");
        CHECK_INT(got.n, 1);
        CHECK_INT(got.v[0][UTB], 1);

        CHECK_INT(run("hemtyp,har_barn,stod_nojd,utbildningar_1,utbildningar: Trauma and "
                      "attachment,Which training have you taken?: Other training\n"
                      "1,0,4,1,0,1\n"
                      "1,0,4,0,0,0\n"
                      "1,0,4,x,ja,\n"
                      "1,0,4,,,\n"
                      "1,0,4,kanske,0,0\n"),
                  ENK_ERR_DATA);
        CHECK_INT(S.question_columns, 6);
        CHECK_INT(got.n, 4);
        CHECK_INT(got.v[0][UTB], 5);
        CHECK_INT(got.v[1][UTB], M);
        CHECK_INT(got.v[2][UTB], 3);
        CHECK_INT(got.v[3][UTB], M);
        CHECK_STR(diag(0), "t.csv:6:4 (utbildningar): error: unknown mark 'kanske' for option 1 "
                           "(expected 1 or 0, x, ja/nej or yes/no)");
        CHECK_INT(enk_diags_count(D), 1);

        /* A question given both ways. */
        CHECK_INT(run("hemtyp,har_barn,stod_nojd,utbildningar,utbildningar_2\n1,0,4,1,1\n"),
                  ENK_ERR_DATA);
        CHECK_STR(diag(0), "t.csv:1:5 (utbildningar): error: option column for a question read "
                           "from one column already (column 4)");
}

static void test_header_matching(void)
{
        /* Question texts in either language, meta columns by their Swedish
         * names, a grid item as "GRID TEXT [ITEM TEXT]". */
        CHECK_INT(run("Löpnummer;Datum;Enhet;År;Vilken typ av uppdrag har du?;"
                      "DO YOU HAVE SCHOOL CHILDREN?;Hur väl stämmer följande? [Jag är nöjd med "
                      "stödet.];It is easy to reach my worker.\n"
                      "k1;2020-02-29;Norra;2020;1;1;5;4\n"),
                  ENK_OK);
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_INT(got.n, 1);
        CHECK_STR(got.resp[0], "k1");
        CHECK_STR(got.date[0], "2020-02-29");
        CHECK_STR(got.unit[0], "Norra");
        CHECK_INT(got.year[0], 2020);
        CHECK_ROW(0, 1, M, 1, M, 5, 4, M, M);

        /* A bad year; a date with a time after it. */
        CHECK_INT(run("year,date,hemtyp,har_barn,stod_nojd\n20,2020-09-15T10:11,1,0,4\n"
                      "2021,2020-02-30,1,0,4\n"),
                  ENK_ERR_DATA);
        CHECK_STR(diag(0), "t.csv:2:1 (year): error: invalid year '20' (expected 1990..2100)");
        CHECK_STR(diag(1),
                  "t.csv:3:2 (date): error: invalid date '2020-02-30' (expected YYYY-MM-DD)");
        CHECK_INT(enk_diags_count(D), 2);

        /* A column close to a question's id is an error (its answers would
         * be lost); other unknown columns are warnings, the row is read, and
         * their non-empty cells are counted. */
        CHECK_INT(run("hemtyp,har_barn,stod_nojdd,stod_nojd,extra\n1,0,4,4,x\n"), ENK_ERR_DATA);
        CHECK_STR(diag(0), "t.csv:1:3: error: unknown column 'stod_nojdd' is close to question "
                           "'stod_nojd': correct the header, or map the column in a --map file "
                           "(to the question, or to '-' to ignore it)");
        CHECK_STR(diag(1), "t.csv:1:5: warning: unknown column 'extra' ignored");
        CHECK_INT(enk_diags_count(D), 2);
        /* ... also close to a question's text, in any language */
        CHECK_INT(run("hemtyp,har_barn,stod_nojd,Har du skolbarm?\n1,0,4,1\n"), ENK_ERR_DATA);
        CHECK_STR(diag(0), "t.csv:1:4: error: unknown column 'Har du skolbarm?' is close to "
                           "question 'har_barn': correct the header, or map the column in a "
                           "--map file (to the question, or to '-' to ignore it)");
        CHECK_INT(run("hemtyp,har_barn,stod_nojd,extra,datun\n1,0,4,x,\n2,0,4,y,2020-01-01\n"
                      "1,0,4,,\n"),
                  ENK_OK);
        CHECK_STR(diag(0), "t.csv:1:4: warning: unknown column 'extra' ignored");
        CHECK_STR(diag(1), "t.csv:1:5: warning: unknown column 'datun' ignored; did you mean "
                           "'datum'?");
        CHECK_INT(got.n, 3);
        CHECK_INT((long long) S.cells_ignored, 3);
        {
                /* mapped to '-': ignored on purpose, neither error nor count */
                enk_diags_free(D);
                D = enk_diags_new(0);
                enk_csvin *r = enk_csvin_new(Q);
                CHECK_INT(enk_csvin_map(r, "stod_nojdd", "-"), ENK_OK);
                const char *csv = "hemtyp,har_barn,stod_nojdd,stod_nojd\n1,0,4,4\n";
                CHECK_INT(enk_csvin_read_buf(r, csv, strlen(csv), "t.csv", D), ENK_OK);
                CHECK_INT(enk_diags_count(D), 0);
                CHECK_INT((long long) enk_csvin_stats_get(r)->cells_ignored, 0);
                enk_csvin_free(r);
        }

        /* A question's id in an earlier edition is not read, but named. */
        CHECK_INT(run("hemtyp,har_barn,stod_nojd,Samarbete_Skola\n1,1,4,4\n"), ENK_OK);
        CHECK_STR(diag(0), "t.csv:1:4: warning: unknown column 'Samarbete_Skola' ignored (the "
                           "id of 'skola' in an earlier edition)");

        /* A column twice; a required question without a column. */
        CHECK_INT(run("hemtyp,har_barn,HEMTYP\n1,0,1\n"), ENK_ERR_DATA);
        CHECK_STR(diag(0), "t.csv:1:3 (hemtyp): error: second column for the question (the "
                           "first is column 1)");
        CHECK_STR(diag(1), "t.csv:1 (stod_nojd): error: required question has no column");
        CHECK_INT(enk_diags_count(D), 2);

        /* No column names a question. */
        CHECK_INT(run("a,b,c\n1,2,3\n"), ENK_ERR_SYNTAX);
        CHECK_STR(diag(3), "t.csv:1: error: no column matches a question of 'test' (the header "
                           "should name question ids such as 'hemtyp')");
        CHECK_INT(S.rows, 0);
}

static void test_validation(void)
{
        /* One error of each kind, each at its row and column. */
        static const char csv[] =
            "respondent,date,hemtyp,antal,har_barn,skola,stod_nojd,stod_na,utbildningar,"
            "forslag\n"
            "R1,2020-09-15,1,2,1,4,5,9,1,\n"            /* 2: valid */
            "R2,2020-09-15,3,2,1,4,5,9,1,\n"            /* 3: 3 is not an option */
            "R3,2020-09-15,1,16,1,4,5,9,1,\n"           /* 4: out of range */
            "R4,2020-09-15,1,\"3,5\",1,4,5,9,1,\n"      /* 5: not whole */
            "R5,2020-09-15,1,många,1,4,5,9,1,\n"        /* 6: not a number */
            "R6,2020-09-15,,2,1,4,,9,1,\n"              /* 7: two required blanks */
            "R7,2020-09-15,1,2,0,4,5,9,1,\n"            /* 8: skipped, warning */
            "R1,2020-09-15,1,2,1,4,5,9,1,\n"            /* 9: duplicate key */
            "R9,15/09/2020,1,2,1,4,5,9,1,\n"            /* 10: bad date */
            "R10,2020-09-15,1,2,kanske,4,5,9,1,\n"      /* 11: unknown yes/no */
            "R11,2020-09-15,1,2,1,Stämer helt,5,9,1,\n" /* 12: unknown label */
            "R12,2020-09-15,Familjhem,2,1,4,5,9,7|1,\n" /* 13: unknown option; bad item */
            "R13,2020-09-15,1,2,2,4,5,9,1,\n"           /* 14: yes/no code 2 */
            "R14,2020-09-15,1,2,1,4,5,9,Kurs,\n";       /* 15: unknown option label */
        CHECK_INT(run(csv), ENK_ERR_DATA);
        static const char *const want[] = {
            "t.csv:3:3 (hemtyp): error: 3 is not one of the options",
            "t.csv:4:4 (antal): error: 16 is out of range 0..15",
            "t.csv:5:4 (antal): error: '3,5' is not a whole number",
            "t.csv:6:4 (antal): error: 'många' is not a number",
            "t.csv:7:3 (hemtyp): error: required question left blank",
            "t.csv:7:7 (stod_nojd): error: required question left blank",
            "t.csv:8:6 (skola): warning: answered although skipped (asked only when "
            "'har_barn' is yes); the answer is dropped",
            "t.csv:9:1 (respondent): error: duplicate respondent key 'R1' (first on row 2)",
            "t.csv:10:2 (date): error: invalid date '15/09/2020' (expected YYYY-MM-DD)",
            "t.csv:11:5 (har_barn): error: unknown answer 'kanske' (expected 1/0, ja/nej or "
            "yes/no)",
            "t.csv:12:6 (skola): error: unknown answer 'Stämer helt' (expected 1..5, 9 or a "
            "label); did you mean 'Stämmer helt'?",
            "t.csv:13:3 (hemtyp): error: unknown option 'Familjhem' (expected 1..2 or a "
            "label); did you mean 'Familjehem'?",
            "t.csv:13:9 (utbildningar): error: 7 is not one of the options",
            "t.csv:14:5 (har_barn): error: 2 is not 1 (yes) or 0 (no)",
            "t.csv:15:9 (utbildningar): error: unknown option 'Kurs' (expected 1..3 or a "
            "label)",
        };
        size_t n = sizeof(want) / sizeof(*want);
        CHECK_INT(enk_diags_count(D), n);
        for (size_t i = 0; i < n; i++)
                CHECK_STR(diag(i), want[i]);
        CHECK_INT(enk_diags_errors(D), n - 1);
        CHECK_INT(enk_diags_warnings(D), 1);
        /* Rows 2 and 8 are delivered; 8 without its skipped answer. */
        CHECK_INT(got.n, 2);
        CHECK_INT(got.line[1], 8);
        CHECK_INT(got.v[1][SKOLA], M);
        CHECK_INT(got.v[1][HAR_BARN], 0);
        CHECK_INT(S.rows, 14);
        CHECK_INT(S.rows_valid, 2);
        CHECK_INT(S.rows_invalid, 12);
}

static void test_structure(void)
{
        /* Ragged rows: too few and too many fields. */
        CHECK_INT(run("hemtyp,har_barn,stod_nojd\n1,0\n1,0,4,5\n1,0,4\n"), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:2:3: error: row has 2 fields, the header has 3");
        CHECK_STR(diag(1), "t.csv:3:4: error: row has 4 fields, the header has 3");
        CHECK_INT(enk_diags_count(D), 2);
        CHECK_INT(got.n, 1);
        CHECK_INT(got.line[0], 4);

        /* Empty files: nothing, only a BOM, only blank lines. */
        CHECK_INT(run(""), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:1: error: the file is empty (expected a header row)");
        CHECK_INT(run("\xEF\xBB\xBF"), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:1: error: the file is empty (expected a header row)");
        CHECK_INT(run("\r\n\r\n  \n"), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:1: error: the file is empty (expected a header row)");

        /* A header and nothing else (also: only rows of separators). */
        CHECK_INT(run("hemtyp,har_barn,stod_nojd\n"), ENK_ERR_DATA);
        CHECK_STR(diag(0), "t.csv:1: error: no responses: the file has a header row only");
        CHECK_INT(enk_diags_count(D), 1);
        CHECK_INT(run("hemtyp;har_barn;stod_nojd\r\n;;\r\n;;\r\n"), ENK_ERR_DATA);
        CHECK_INT(S.rows_blank, 2);
        CHECK_STR(diag(0), "t.csv:1: error: no responses: the file has a header row only");

        /* Blank rows among others are skipped silently. */
        CHECK_INT(run("hemtyp;har_barn;stod_nojd\r\n1;0;4\r\n;;\r\n1;0;5\r\n"), ENK_OK);
        CHECK_INT(got.n, 2);
        CHECK_INT(got.line[1], 4);
        CHECK_INT(S.rows_blank, 1);
}

/* Reading in chunks of any size gives the same rows and diagnostics. */
static void test_chunks(void)
{
        static const char csv[] =
            "\xEF\xBB\xBFrespondent;hemtyp;har_barn;skola;stod_nojd;utbildningar;forslag\r\n"
            "R1;Familjehem;Ja;Stämmer helt;4;\"1;2\";\"två\r\nrader\"\r\n"
            "R2;1;Nej;;Vet ej / ej aktuellt;;\r\n"
            "R3;7;1;;;;\r\n";
        CHECK_INT(run(csv), ENK_ERR_DATA);
        size_t n = got.n, nd = enk_diags_count(D);
        CHECK_INT(n, 2);
        CHECK_INT(nd, 2);
        char d0[256], d1[256];
        snprintf(d0, sizeof(d0), "%s", diag(0));
        snprintf(d1, sizeof(d1), "%s", diag(1));
        CHECK_STR(d0, "t.csv:5:2 (hemtyp): error: 7 is not one of the options");
        CHECK_STR(d1, "t.csv:5:5 (stod_nojd): error: required question left blank");
        for (size_t chunk = 1; chunk <= 9; chunk++) {
                CHECK_INT(run_len(csv, sizeof(csv) - 1, chunk), ENK_ERR_DATA);
                CHECK_INT(got.n, n);
                CHECK_STR(got.text[0], "två\nrader");
                CHECK_INT(got.line[1], 4);
                CHECK_INT(got.v[1][STOD_NOJD], NA);
                CHECK_INT(got.v[1][SKOLA], M);
                CHECK_STR(diag(0), d0);
                CHECK_STR(diag(1), d1);
        }
}

static const char *tmpdir;

static char *write_file(const char *name, const char *text)
{
        char *path = NULL;
        if (asprintf(&path, "%s/%s", tmpdir, name) < 0)
                return NULL;
        FILE *fp = fopen(path, "wb");
        fputs(text, fp);
        fclose(fp);
        return path;
}

static void test_map(void)
{
        enk_diags_free(D);
        D = enk_diags_new(0);
        enk_csvin *r = enk_csvin_new(Q);
        /* A mapping file in Windows-1252 with ';': 0xF6 is ö, 0xE5 is å. */
        char *map = write_file("map.csv", "kolumn;fr\xE5ga\r\n"
                                          "Typ av hem;hemtyp\r\n"
                                          "Skolbarn?;har_barn\r\n"
                                          "N\xF6jd;stod_nojd\r\n"
                                          "Nr;respondent\r\n"
                                          "Kurs A;utbildningar_1\r\n"
                                          "Anteckning;-\r\n"
                                          "Gammal;stod_nojdd\r\n"
                                          "Tre;a;b\r\n"
                                          "Typ av hem;antal\r\n"
                                          "Finns inte;antal\r\n"
                                          "Tom;\r\n");
        CHECK_INT(enk_csvin_load_map(r, map, D), ENK_ERR_SYNTAX);
        char want[256];
        snprintf(want, sizeof(want),
                 "%s:8:2: error: unknown question 'stod_nojdd'; did you mean 'stod_nojd'?", map);
        CHECK_STR(diag(0), want);
        snprintf(want, sizeof(want),
                 "%s:9:3: error: expected 2 fields (column header, question id), got 3", map);
        CHECK_STR(diag(1), want);
        snprintf(want, sizeof(want),
                 "%s:10:1: error: column 'Typ av hem' is mapped already (row 2)", map);
        CHECK_STR(diag(2), want);
        snprintf(want, sizeof(want), "%s:12:2: error: missing question id", map);
        CHECK_STR(diag(3), want);
        CHECK_INT(enk_diags_count(D), 4);

        /* The API: a mapping to nothing, and one already made. */
        CHECK_INT(enk_csvin_map(r, "X", "nothing"), ENK_ERR_NOTFOUND);
        CHECK_INT(enk_csvin_map(r, "nöjd", "stod_na"), ENK_ERR_EXISTS);
        CHECK_INT(enk_csvin_map(r, "Hur länge", "antal"), ENK_OK);

        enk_diags_free(D);
        D = enk_diags_new(0);
        memset(&got, 0, sizeof(got));
        enk_csvin_set_row_fn(r, on_row, NULL);
        char *data = write_file("data.csv", "Nr,Typ av hem,SKOLBARN?,NÖJD,Kurs A,Anteckning,Hur "
                                            "länge\n"
                                            "x1,2,nej,5,1,hej,3\n");
        CHECK_INT(enk_csvin_read_file(r, data, D), ENK_OK);
        CHECK_INT(got.n, 1);
        CHECK_STR(got.resp[0], "x1");
        CHECK_ROW(0, 2, 3, 0, M, 5, M, 1, M);
        /* "Finns inte" is mapped but not in the file. */
        snprintf(want, sizeof(want), "%s:11:1: warning: mapped column 'Finns inte' is not in '%s'",
                 map, data);
        CHECK_STR(diag(0), want);
        CHECK_INT(enk_diags_count(D), 1);
        /* How each column was read. */
        CHECK_INT(enk_csvin_ncolumns(r), 7);
        const char *h, *kind;
        int qi;
        CHECK(enk_csvin_column(r, 4, &h, &qi, &kind));
        CHECK_STR(h, "Kurs A");
        CHECK_INT(qi, UTB);
        CHECK_STR(kind, "option 1");
        CHECK(enk_csvin_column(r, 5, &h, &qi, &kind));
        CHECK_STR(kind, "ignored");
        CHECK(!enk_csvin_column(r, 7, &h, &qi, &kind));

        /* From an open stream. */
        FILE *fp = fopen(data, "rb");
        memset(&got, 0, sizeof(got));
        CHECK_INT(enk_csvin_read_stream(r, fp, "stdin", D), ENK_OK);
        fclose(fp);
        CHECK_INT(got.n, 1);
        CHECK_INT(got.v[0][ANTAL], 3);

        /* A file that cannot be opened. */
        CHECK_INT(enk_csvin_read_file(r, "/nonexistent/x.csv", D), ENK_ERR_IO);
        unlink(map);
        unlink(data);
        free(map);
        free(data);
        enk_csvin_free(r);
}

static uint64_t last_done, last_total;
static size_t nprogress;

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
        (void) ctx;
        CHECK(done >= last_done);
        last_done = done;
        last_total = total;
        nprogress++;
}

static void test_callbacks(void)
{
        /* A callback that fails stops the read with its status. */
        got.stop_after = 2;
        CHECK_INT(run("hemtyp,har_barn,stod_nojd\n1,0,4\n1,0,4\n1,0,4\n"), ENK_ERR_STORE);
        CHECK_INT(got.n, 2);
        got.stop_after = 0;

        /* Progress after each chunk, ending at the total. Dry run: no row fn. */
        static const char csv[] = "hemtyp,har_barn,stod_nojd\n1,0,4\n1,0,4\n1,0,4\n";
        enk_diags_free(D);
        D = enk_diags_new(0);
        enk_csvin *r = enk_csvin_new(Q);
        enk_csvin_set_progress_fn(r, on_progress, NULL);
        enk_csvin_set_chunk_size(r, 10);
        CHECK_INT(enk_csvin_read_buf(r, csv, sizeof(csv) - 1, "t.csv", D), ENK_OK);
        CHECK_INT(nprogress, (sizeof(csv) - 1 + 9) / 10);
        CHECK_INT(last_done, sizeof(csv) - 1);
        CHECK_INT(last_total, sizeof(csv) - 1);
        CHECK_INT(enk_csvin_stats_get(r)->rows_valid, 3);
        enk_csvin_free(r);
        enk_csvin_free(NULL);
        CHECK(enk_csvin_new(NULL) == NULL);
}

static long max_rss_kb(void)
{
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_maxrss;
}

static size_t big_rows;

static enk_status count_row(void *ctx, const enk_csvin_row *row)
{
        (void) ctx;
        (void) row;
        big_rows++;
        return ENK_OK;
}

/* 200,000 rows (about 11 MB) read from a file: memory must not follow size. */
static void test_streaming(void)
{
        char *path = NULL;
        if (asprintf(&path, "%s/big.csv", tmpdir) < 0)
                return;
        FILE *fp = fopen(path, "wb");
        fputs(header, fp);
        for (int i = 0; i < 200000; i++)
                fprintf(fp, "R%06d,2020-09-%02d,%d,%d,1,%d,%d,9,\"1;%d\",%s\n", i, 1 + i % 28,
                        1 + i % 2, i % 16, 1 + i % 5, 1 + (i / 5) % 5, 2 + i % 2,
                        i % 7 ? "" : "\"Bra, tack\"");
        fclose(fp);
        long before = max_rss_kb();
        enk_diags_free(D);
        D = enk_diags_new(0);
        enk_csvin *r = enk_csvin_new(Q);
        enk_csvin_set_row_fn(r, count_row, NULL);
        CHECK_INT(enk_csvin_read_file(r, path, D), ENK_OK);
        CHECK_INT(big_rows, 200000);
        CHECK_INT(enk_csvin_stats_get(r)->rows_valid, 200000);
        CHECK_INT(enk_diags_count(D), 0);
        enk_csvin_free(r);
        long grew = max_rss_kb() - before;
        printf("streaming 200000 rows: max RSS grew by %ld kB\n", grew);
        CHECK(grew < 64 * 1024);
        unlink(path);
        free(path);
}

/* Issue 18, point 2: RFC 4180 quoting, checked by libcsv's strict mode. A
 * stray quote must never turn rows into text: every data record a
 * spreadsheet would show is either read or an error at its row. */
static void test_stray_quotes(void)
{
        static const char h[] = "respondent,hemtyp,har_barn,stod_nojd,forslag\n";
        char buf[1024];

        /* Text after a closing quote: line 3, the fifth field. */
        snprintf(buf, sizeof(buf), "%sR1,1,0,4,ok\nR2,1,0,4,\"ab\"c\nR3,1,0,5,\n", h);
        CHECK_INT(run(buf), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:5: error: quoted field goes on after its closing quote with "
                           "'c' (a quote inside quotes is written \"\")");
        CHECK_INT(enk_diags_count(D), 1);

        /* A quote inside an unquoted field. */
        snprintf(buf, sizeof(buf), "%sR1,1,0,4,ok\nR2,1,0,4,ab\"c\n", h);
        CHECK_INT(run(buf), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:5: error: quote inside an unquoted field (quote the whole "
                           "field and double the quote: \"a \"\"b\"\"\")");

        /* A quote never closed on line 3 runs over lines 4 and 5 until the
         * opening quote of line 6 closes it: reported where it opened. */
        snprintf(buf, sizeof(buf),
                 "%sR1,1,0,4,ok\nR2,1,0,4,\"never closed\nR3,1,0,5,\nR4,1,0,5,\n"
                 "R5,1,0,4,\"fine\"\nR6,1,0,4,\n",
                 h);
        CHECK_INT(run(buf), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:5: error: quoted field runs over the line end to line 6, "
                           "where a quote is followed by 'f' (a quote that is never closed?)");
        CHECK_INT(enk_diags_count(D), 1);

        /* ... and when a quote at the end of a later row happens to close it
         * into a well-formed record, the swallowed row is still seen: line 4
         * holds as many separators as a whole row. */
        snprintf(buf, sizeof(buf),
                 "%sR1,1,0,4,ok\nR2,1,0,4,\"never closed\nR3,1,0,5,ok\"\nR4,1,0,4,\n", h);
        CHECK_INT(run(buf), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:5: error: quoted field runs over the line end and takes in "
                           "line 4, which looks like a whole row (a quote that is never closed?)");
        CHECK_INT(enk_diags_count(D), 1);
        CHECK_INT(S.rows, 3);
        CHECK_INT(S.rows_invalid, 1);
        CHECK_INT(got.n, 2);

        /* The same when the closing quote is in the column where the quote
         * opened: line 4 starts with the two fields before column 3. */
        snprintf(buf, sizeof(buf), "%sR1,1,0,4,ok\nR2,1,\"0,4,x\nR3,1,0\",5,\nR4,1,0,4,\n", h);
        CHECK_INT(run(buf), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:3: error: quoted field runs over the line end and takes in "
                           "line 4, which looks like a whole row (a quote that is never closed?)");
        CHECK_INT(got.n, 2);

        /* Otherwise the record has another number of fields: said so, with
         * the likely cause. */
        snprintf(buf, sizeof(buf), "%sR1,1,0,4,ok\nR2,1,\"0,4,x\nR3,1\",0,5,\nR4,1,0,4,\n", h);
        CHECK_INT(run(buf), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:6: error: row has 6 fields, the header has 5 (a quoted field "
                           "runs over the line end: a quote that is never closed?)");
        CHECK_INT(got.n, 2);

        /* Free text over several lines, with separators and doubled quotes
         * but fewer than a row's, stays free text (docs/csv.md). */
        snprintf(buf, sizeof(buf),
                 "%sR1,1,0,4,\"Rad ett\r\nmed, två, \"\"komman\"\"\r\nslut\"\nR2,1,0,5,\n", h);
        CHECK_INT(run(buf), ENK_OK);
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_INT(got.n, 2);
        CHECK_STR(got.text[0], "Rad ett\nmed, två, \"komman\"\nslut");
        CHECK_INT(got.line[1], 5);

        /* Blanks after a closing quote are allowed, as before. */
        snprintf(buf, sizeof(buf), "%sR1,1,0,4,\"ok\"  \n", h);
        CHECK_INT(run(buf), ENK_OK);
        CHECK_STR(got.text[0], "ok");
}

/* Issue 18, point 4: a byte that does not fit the file's encoding is an
 * error at its row and column, wherever it is, also in the first 64 KiB. */
static void test_mixed_encodings(void)
{
        static const size_t chunks[] = {0, 1, 2, 3, 7};
        for (size_t c = 0; c < sizeof(chunks) / sizeof(*chunks); c++) {
                /* UTF-8 "Gärna" and "på", one Windows-1252 "å" (0xE5) on line 3. */
                static const char mixed[] = "respondent,hemtyp,har_barn,stod_nojd,forslag\n"
                                            "R1,1,0,4,G\xC3\xA4rna\n"
                                            "R2,1,0,4,p\xE5 torsdag\n"
                                            "R3,1,0,5,p\xC3\xA5\n";
                CHECK_INT(run_len(mixed, sizeof(mixed) - 1, chunks[c]), ENK_ERR_SYNTAX);
                CHECK_STR(S.encoding, "UTF-8");
                CHECK_STR(diag(0), "t.csv:3:5 (forslag): error: bad encoding: not valid UTF-8 "
                                   "though the file starts as UTF-8");
                CHECK_INT(enk_diags_count(D), 1);
                CHECK_INT(got.n, 2);
                CHECK_STR(got.text[1], "på");

                /* An overlong "/" (C0 AF) is no UTF-8 either. */
                static const char overlong[] = "respondent,hemtyp,har_barn,stod_nojd,forslag\n"
                                               "R1,1,0,4,G\xC3\xA4rna\n"
                                               "R2,1,0,4,a\xC0\xAF"
                                               "b\n";
                CHECK_INT(run_len(overlong, sizeof(overlong) - 1, chunks[c]), ENK_ERR_SYNTAX);
                CHECK_STR(S.encoding, "UTF-8");
                CHECK_STR(diag(0), "t.csv:3:5 (forslag): error: bad encoding: not valid UTF-8 "
                                   "though the file starts as UTF-8");

                /* Windows-1252 with one UTF-8 "ä" (C3 A4, which would read as
                 * "Ã¤") on line 3. */
                static const char cp[] = "respondent,hemtyp,har_barn,stod_nojd,forslag\n"
                                         "R1,1,0,4,G\xE4rna p\xE5 m\xF6te\n"
                                         "R2,1,0,4,G\xC3\xA4rna\n"
                                         "R3,1,0,5,\xC5ter\n";
                CHECK_INT(run_len(cp, sizeof(cp) - 1, chunks[c]), ENK_ERR_SYNTAX);
                CHECK_STR(S.encoding, "Windows-1252");
                CHECK_STR(diag(0), "t.csv:3:5 (forslag): error: bad encoding: a UTF-8 character "
                                   "in a Windows-1252 file (mixed encodings)");
                CHECK_INT(enk_diags_count(D), 1);
                CHECK_INT(got.n, 2);
                CHECK_STR(got.text[0], "Gärna på möte");
                CHECK_STR(got.text[1], "Åter");
        }

        /* Also in a column that is not read. */
        CHECK_INT(run("respondent,hemtyp,har_barn,stod_nojd,anteckning\n"
                      "R1,1,0,4,G\xC3\xA4rna\nR2,1,0,4,p\xE5\n"),
                  ENK_ERR_SYNTAX);
        CHECK_STR(diag(1), "t.csv:3:5: error: bad encoding: not valid UTF-8 though the file "
                           "starts as UTF-8");

        /* Past the first 64 KiB, after plain ASCII: the first characters
         * beyond ASCII (two Windows-1252 "ä", one UTF-8 "ä") decide, and the
         * one that does not fit is reported. */
        size_t nrows = 9000, cap = 40 * nrows + 200, len = 0;
        char *big = malloc(cap);
        len += (size_t) snprintf(big + len, cap - len, "hemtyp,har_barn,stod_nojd,forslag\n");
        for (size_t i = 0; i < nrows; i++)
                len += (size_t) snprintf(big + len, cap - len, "1,0,4,%s\n",
                                         i == nrows - 4 || i == nrows - 3 ? "G\xE4rna"
                                         : i == nrows - 1                 ? "G\xC3\xA4rna"
                                                                          : "ok");
        CHECK(len > 65536);
        CHECK_INT(run_len(big, len, 4096), ENK_ERR_SYNTAX);
        CHECK_STR(S.encoding, "Windows-1252");
        char want[160];
        snprintf(want, sizeof(want),
                 "t.csv:%zu:4 (forslag): error: bad encoding: a UTF-8 character in a "
                 "Windows-1252 file (mixed encodings)",
                 nrows + 1);
        CHECK_STR(diag(0), want);
        CHECK_INT(got.n, nrows - 1);
        free(big);
}

/* Issue 18, point 11: labels compare in Unicode NFC, so "ä" typed as "a" and
 * a combining diaeresis (NFD) is the questionnaire's "ä". */
static void test_nfc(void)
{
        CHECK_INT(
            run("respondent;hemtyp;har_barn;stod_nojd;stod_na\n"
                "R1;Familjehem;Ja;Sta\xCC\x88mmer helt;STA\xCC\x88MMER GANSKA DA\xCC\x8ALIGT\n"),
            ENK_OK);
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_INT(got.n, 1);
        CHECK_ROW(0, 1, M, 1, M, 5, 2, M, M);
        /* A question's text as header, typed in NFD. */
        CHECK_INT(run("hemtyp;har_barn;stod_nojd;Vad kan vi go\xCC\x88ra ba\xCC\x88ttre?\n"
                      "1;0;4;Mer\n"),
                  ENK_OK);
        CHECK_INT(enk_diags_count(D), 0);
        CHECK_STR(got.text[0], "Mer");
}

static enk_status count_table_row(void *ctx, unsigned line, const char *const *fields,
                                  size_t nfields)
{
        (void) ctx;
        (void) line;
        (void) fields;
        (void) nfields;
        return ENK_OK;
}

/* Issue 18, point 13: input that never ends a line, or is not text, stops
 * the read with its place instead of being read forever. */
static void test_endless(void)
{
        /* A NUL byte: its line and field. */
        static const char nul[] = "hemtyp,har_barn,stod_nojd\n1,0,4\n1,\0,4\n1,0,5\n";
        CHECK_INT(run_len(nul, sizeof(nul) - 1, 0), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:3:2: error: NUL byte (a binary file, not CSV text?)");
        CHECK_INT(enk_diags_count(D), 1);
        CHECK_INT(got.n, 1);

        /* What /dev/zero gives: stopped at once, not read to its end. */
        size_t len = 4u << 20;
        char *zeros = calloc(len, 1);
        CHECK_INT(run_len(zeros, len, 0), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:1:1: error: NUL byte (a binary file, not CSV text?)");
        CHECK_INT(enk_diags_count(D), 1);
        CHECK(S.bytes <= 65536);
        free(zeros);

        /* The same for a manifest (plain table): a NUL byte would cut a field
         * short unseen. */
        char path[256];
        snprintf(path, sizeof(path), "%s/nul-manifest.csv", tmpdir);
        FILE *fp = fopen(path, "wb");
        static const char man[] = "unit,year,file\nNorra,2020,a\0.csv\n";
        fwrite(man, 1, sizeof(man) - 1, fp);
        fclose(fp);
        enk_diags_free(D);
        D = enk_diags_new(0);
        CHECK_INT(enk_csv_read_table(path, count_table_row, NULL, D), ENK_ERR_SYNTAX);
        char want[400];
        snprintf(want, sizeof(want), "%s:2: error: NUL byte (a binary file, not CSV text?)", path);
        CHECK_STR(diag(0), want);
        unlink(path);

        /* Fields without a line end: stopped after 8 MiB, not at the end. */
        len = 32u << 20;
        char *endless = malloc(len);
        for (size_t i = 0; i < len; i += 2)
                memcpy(endless + i, "x,", 2);
        CHECK_INT(run_len(endless, len, 0), ENK_ERR_SYNTAX);
        CHECK_STR(diag(0), "t.csv:1: error: row longer than 8388608 bytes without an end (a "
                           "line end or a closing quote missing?)");
        CHECK_INT(enk_diags_count(D), 1);
        CHECK(S.bytes < 9u << 20);
        free(endless);
}

int main(void)
{
        enk_diags *qd = enk_diags_new(0);
        if (enk_questionnaire_parse(yaml, sizeof(yaml) - 1, "test.yaml", &Q, qd) != ENK_OK) {
                for (size_t i = 0; i < enk_diags_count(qd); i++) {
                        char *s = enk_diag_format(enk_diags_get(qd, i));
                        printf("%s\n", s);
                        free(s);
                }
                printf("the test questionnaire does not load\n");
                return 1;
        }
        enk_diags_free(qd);
        CHECK_INT(Q->nquestions, NQ);
        char tmpl[] = "/tmp/test_csvin.XXXXXX";
        tmpdir = mkdtemp(tmpl);
        CHECK(tmpdir != NULL);

        test_separators();
        test_encodings();
        test_quotes_and_lines();
        test_labels();
        test_ambiguous();
        test_multiple();
        test_header_matching();
        test_validation();
        test_structure();
        test_chunks();
        test_map();
        test_callbacks();
        test_streaming();
        test_stray_quotes();
        test_mixed_encodings();
        test_nfc();
        test_endless();

        rmdir(tmpdir);
        enk_diags_free(D);
        enk_questionnaire_free(Q);
        return check_report();
}
