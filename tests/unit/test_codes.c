/* tests/unit/test_codes.c - access codes: alphabet, reading typed codes, grouping, randomness,
 * hash; issuing a batch into a store and its CSV.
 *
 * Expected values come from Crockford's base32 specification
 * (https://www.crockford.com/base32.html), from sha256sum, and from R's qchisq,
 * each named beside the value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "survey/codes.h"
#include "survey/lang.h"
#include "tests/unit/check.h"

static void test_alphabet(void)
{
        /* Crockford's table: 0-9, then A-Z without I, L, O, U, in that order. */
        CHECK_STR(enk_codes_alphabet, "0123456789ABCDEFGHJKMNPQRSTVWXYZ");
        CHECK_INT(strlen(enk_codes_alphabet), 32);
        for (const char *c = "ILOU"; *c; c++)
                CHECK(strchr(enk_codes_alphabet, *c) == NULL);
}

static void test_normalize(void)
{
        static const struct {
                const char *typed, *want; /* want NULL: refused */
        } cases[] = {
            {"K7QM-4XPA-93TR", "K7QM4XPA93TR"},
            {"k7qm-4xpa-93tr", "K7QM4XPA93TR"},
            {"K7QM4XPA93TR", "K7QM4XPA93TR"},
            {"  k7qm 4xpa 93tr  ", "K7QM4XPA93TR"},
            {"K7QM\t4XPA\t93TR", "K7QM4XPA93TR"},
            {"K-7-Q-M-4-X-P-A-9-3-T-R", "K7QM4XPA93TR"},
            {"--K7QM--4XPA--93TR--", "K7QM4XPA93TR"},
            /* Crockford's look-alikes: O and o are 0, I i L l are 1. */
            {"OOOO-oooo-0000", "000000000000"},
            {"IIII-iiii-LLLL", "111111111111"},
            {"llll-1111-Il1i", "111111111111"},
            {"ABCD-EFGH-JKMN", "ABCDEFGHJKMN"},
            {"pqrs-tvwx-yz00", "PQRSTVWXYZ00"},
            /* Dashes and spaces from a PDF or a word processor. */
            {"K7QM\xe2\x80\x93"
             "4XPA\xe2\x80\x94"
             "93TR",
             "K7QM4XPA93TR"}, /* en, em dash */
            {"K7QM\xe2\x80\x91"
             "4XPA\xe2\x88\x92"
             "93TR",
             "K7QM4XPA93TR"}, /* NB hyphen, minus */
            {"K7QM\xc2\xa0"
             "4XPA\xe2\x80\xaf"
             "93TR",
             "K7QM4XPA93TR"}, /* no-break spaces */
            /* U is not in the alphabet, upper or lower case. */
            {"K7QM-4XPA-93TU", NULL},
            {"u7QM-4XPA-93TR", NULL},
            /* Other characters. */
            {"K7QM_4XPA_93TR", NULL},
            {"K7QM.4XPA.93TR", NULL},
            {"K7QM-4XPA-93T!", NULL},
            {"K7QM-4XPA-93TR\n", NULL},
            {"K7QM-4XPÅ-93TR", NULL},
            {"K7QM-4XPA-93T\xe2\x80", NULL}, /* a cut UTF-8 sequence */
            /* Lengths: 11 and 13 symbols, nothing at all. */
            {"K7QM-4XPA-93T", NULL},
            {"K7QM-4XPA-93TRX", NULL},
            {"K7QM-4XPA-93TR-K7QM-4XPA-93TR", NULL},
            {"", NULL},
            {"   -  -   ", NULL},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char out[ENK_CODES_NORMALIZED_SIZE] = "untouched";
                bool ok = enk_codes_normalize(cases[i].typed, out);
                if (cases[i].want) {
                        CHECK(ok);
                        CHECK_STR(out, cases[i].want);
                } else {
                        CHECK(!ok);
                        CHECK_STR(out, "untouched");
                }
                if (ok != (cases[i].want != NULL))
                        printf("  case %zu: '%s'\n", i, cases[i].typed);
        }
        char out[ENK_CODES_NORMALIZED_SIZE] = "untouched";
        CHECK(!enk_codes_normalize(NULL, out));
        CHECK_STR(out, "untouched");
}

static void test_format(void)
{
        char out[ENK_CODES_GROUPED_SIZE];
        enk_codes_format("K7QM4XPA93TR", out);
        CHECK_STR(out, "K7QM-4XPA-93TR");
        enk_codes_format("000000000000", out);
        CHECK_STR(out, "0000-0000-0000");
        /* Not a normalised code: nothing. */
        static const char *const bad[] = {"K7QM-4XPA-93TR",
                                          "k7qm4xpa93tr",
                                          "K7QM4XPA93T",
                                          "K7QM4XPA93TRX",
                                          "K7QM4XPA93TU",
                                          "",
                                          NULL};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                snprintf(out, sizeof(out), "x");
                enk_codes_format(bad[i], out);
                CHECK_STR(out, "");
        }
}

static void test_hash(void)
{
        char hex[65];
        /* printf %s K7QM4XPA93TR | sha256sum */
        enk_codes_hash("K7QM4XPA93TR", hex);
        CHECK_STR(hex, "2d3dc1bb79e8fe9e68c1a6f4562b145af49652d2bb499ec326eac6c940bb8785");
        /* printf %s 0123456789AB | sha256sum */
        enk_codes_hash("0123456789AB", hex);
        CHECK_STR(hex, "4e3f5a1d81582cf9c45c5b0f43e59793f58d060cc71e7667b5b2a09e37f602a2");
        /* Every way of typing a code gives the same hash once normalised. */
        char norm[ENK_CODES_NORMALIZED_SIZE];
        CHECK(enk_codes_normalize(" k7qm-4xpa-93tr", norm));
        enk_codes_hash(norm, hex);
        CHECK_STR(hex, "2d3dc1bb79e8fe9e68c1a6f4562b145af49652d2bb499ec326eac6c940bb8785");
}

/* The keys filed under a code: BLAKE2b-256 of a context, a NUL and the code,
 * each expected value from Python's hashlib, e.g.
 * hashlib.blake2b(b"enkat spent mark v1\x00K7QM4XPA93TR", digest_size=32). */
static void test_keys(void)
{
        enk_code_keys k;
        memset(&k, 0x55, sizeof(k));
        CHECK(enk_codes_keys("K7QM4XPA93TR", &k));
        CHECK_STR(k.hash, "2d3dc1bb79e8fe9e68c1a6f4562b145af49652d2bb499ec326eac6c940bb8785");
        CHECK_STR(k.spent, "efde473e4a75e8af33461917297d87376f995b71a2f6fe188b826e13e47bcba3");
        CHECK_STR(k.draft, "c31803014737cc100bc1c9928096942c3145fbef0b3ed7ce30d547524f793cdb");
        char hex[65];
        for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", k.draft_key[i]);
        CHECK_STR(hex, "6d34eb04c48c5d8d25d1d13b77faa83d236fa506a1275f4fa4d8a71754ebfc40");
        /* Not a normalised code: false, keys untouched. */
        enk_code_keys before = k;
        CHECK(!enk_codes_keys("k7qm-4xpa-93tr", &k));
        CHECK(!enk_codes_keys("K7QM4XPA93T", &k));
        CHECK(!enk_codes_keys(NULL, &k));
        CHECK(memcmp(&before, &k, sizeof(k)) == 0);
}

static int cmp_codes(const void *a, const void *b)
{
        return memcmp(a, b, ENK_CODES_GROUPED_SIZE);
}

static void test_generate(void)
{
        enum { N = 10000 };
        char(*codes)[ENK_CODES_GROUPED_SIZE] = malloc(N * sizeof(*codes));
        long count[ENK_CODES_SYMBOLS][32] = {{0}};
        int well_formed = 0;
        for (int i = 0; i < N; i++) {
                CHECK_INT(enk_codes_generate(codes[i], NULL), ENK_OK);
                const char *c = codes[i];
                /* Grouped 4-4-4, every symbol from the alphabet, and it reads
                 * back as itself. */
                char norm[ENK_CODES_NORMALIZED_SIZE], again[ENK_CODES_GROUPED_SIZE];
                bool ok =
                    strlen(c) == 14 && c[4] == '-' && c[9] == '-' && enk_codes_normalize(c, norm);
                if (ok) {
                        enk_codes_format(norm, again);
                        ok = strcmp(again, c) == 0;
                }
                for (int k = 0, pos = 0; ok && k < 14; k++) {
                        if (k == 4 || k == 9)
                                continue;
                        const char *p = strchr(enk_codes_alphabet, c[k]);
                        ok = p && *p;
                        if (ok)
                                count[pos++][p - enk_codes_alphabet]++;
                }
                well_formed += ok;
        }
        CHECK_INT(well_formed, N);

        /* All distinct: 10,000 codes of 60 bits collide with probability
         * about N^2 / 2^61 = 4e-11. */
        qsort(codes, N, sizeof(*codes), cmp_codes);
        int dups = 0;
        for (int i = 1; i < N; i++)
                dups += memcmp(codes[i - 1], codes[i], ENK_CODES_GROUPED_SIZE) == 0;
        CHECK_INT(dups, 0);
        free(codes);

        /* Each position uniform over the 32 symbols: Pearson's chi-square with
         * 31 degrees of freedom, expected count N / 32 = 312.5, between the
         * 1e-6 and 1 - 1e-6 quantiles: R qchisq(1e-6, 31) = 6.619488303 and
         * qchisq(1 - 1e-6, 31) = 83.64251585. Too even fails too (a counter,
         * not a random source). All positions together, 372 degrees of
         * freedom: qchisq(1e-6, 372) = 256.4154227, qchisq(1 - 1e-6, 372) =
         * 516.3335276. */
        double total = 0;
        for (int pos = 0; pos < ENK_CODES_SYMBOLS; pos++) {
                double chi2 = 0, e = N / 32.0;
                for (int s = 0; s < 32; s++)
                        chi2 += (count[pos][s] - e) * (count[pos][s] - e) / e;
                CHECK(chi2 > 6.619488303 && chi2 < 83.64251585);
                if (!(chi2 > 6.619488303 && chi2 < 83.64251585))
                        printf("  position %d: chi-square %.2f\n", pos, chi2);
                total += chi2;
        }
        CHECK(total > 256.4154227 && total < 516.3335276);
}

/* The lines of the file at path, -1 when it cannot be read. */
static int count_lines(const char *path)
{
        FILE *fp = fopen(path, "r");
        if (!fp)
                return -1;
        int n = 0, c;
        while ((c = fgetc(fp)) != EOF)
                n += c == '\n';
        fclose(fp);
        return n;
}

static bool exists(const char *path)
{
        struct stat sb;
        return stat(path, &sb) == 0;
}

/* enk_codes_issue: the CSV and the store in step, no clobbering, the wave
 * made only with a questionnaire. Run from the repository root. */
static void test_issue(void)
{
        char dir[] = "/tmp/test_codes.XXXXXX";
        if (!mkdtemp(dir))
                return;
        char db[256], out[256], tmp[256], other[256];
        snprintf(db, sizeof(db), "%s/s.db", dir);
        snprintf(out, sizeof(out), "%s/codes.csv", dir);
        snprintf(tmp, sizeof(tmp), "%s/codes.csv.tmp", dir);
        snprintf(other, sizeof(other), "%s/other.csv", dir);
        enk_diags *d = enk_diags_new(0);

        /* no wave and no questionnaire: a note, no file, no store made */
        enk_codes_batch b = {.db = db, .unit = "Norra", .year = 2024, .count = 5, .output = out};
        CHECK(enk_codes_issue(&b, NULL, d) != ENK_OK);
        CHECK(!exists(out) && !exists(tmp));

        /* with the questionnaire: 5 codes, a header and 5 rows */
        enk_diags_free(d);
        d = enk_diags_new(0);
        b.questionnaire = "examples/familjehem.yaml";
        b.sent = true;
        enk_codes_counts c = {-1, -1, -1, -1};
        CHECK_INT(enk_codes_issue(&b, &c, d), ENK_OK);
        CHECK_INT(enk_diags_errors(d), 0);
        CHECK_INT(c.issued, 5);
        CHECK_INT(c.spent, 0);
        CHECK_INT(count_lines(out), 6);
        CHECK(!exists(tmp));

        /* the same output again: refused, the file untouched, no tmp left */
        CHECK_INT(enk_codes_issue(&b, &c, d), ENK_ERR_EXISTS);
        CHECK_INT(count_lines(out), 6);
        CHECK(!exists(tmp));

        /* a second batch into the same wave, without the questionnaire */
        b.questionnaire = NULL;
        b.output = other;
        b.count = 3;
        CHECK_INT(enk_codes_issue(&b, &c, d), ENK_OK);
        CHECK_INT(c.issued, 8);
        CHECK_INT(count_lines(other), 4);

        /* a tmp left by someone else is never removed */
        FILE *fp = fopen(tmp, "w");
        if (fp)
                fclose(fp);
        b.output = out;
        unlink(out);
        CHECK_INT(enk_codes_issue(&b, &c, d), ENK_ERR_EXISTS);
        CHECK(exists(tmp) && !exists(out));

        int64_t deleted = -1;
        CHECK_INT(enk_codes_delete_drafts(db, "Norra", 2024, &deleted, d), ENK_OK);
        CHECK_INT(deleted, 0);
        CHECK_INT(enk_codes_delete_drafts(db, "Södra", 2024, &deleted, d), ENK_ERR_NOTFOUND);
        enk_diags_free(d);
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                printf("could not remove %s\n", dir);
}

/* Dates in words: the month's name in the language, days that do not
 * exist refused (29 February only in a leap year: divisible by 4, not by
 * 100 unless by 400). */
static void test_date(void)
{
        char out[32];
        CHECK(enk_lang_date(ENK_LANG_SV, "2026-03-31", out));
        CHECK_STR(out, "31 mars 2026");
        CHECK(enk_lang_date(ENK_LANG_EN, "2026-03-01", out));
        CHECK_STR(out, "1 March 2026");
        CHECK(enk_lang_date(ENK_LANG_SV, "2024-02-29", out));
        CHECK_STR(out, "29 februari 2024");
        CHECK(enk_lang_date(ENK_LANG_SV, "2000-02-29", out));
        static const char *const bad[] = {"2026-02-29", "1900-02-29", "2026-04-31",  "2026-13-01",
                                          "2026-00-10", "2026-3-31",  "2026-03-31x", "31/3",
                                          "",           "2026-03-3a", "+026-03-31"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                CHECK(!enk_lang_date(ENK_LANG_SV, bad[i], out));
                CHECK_STR(out, "");
        }
        CHECK(!enk_lang_date(ENK_LANG_SV, NULL, out));
}

/* A wave's details: each wrong one named; "" and NULL are fine. */
static void test_details(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_store_wave_details ok = {"Vetlanda kommun", "2026-03-31", "Anna Berg, 0383-970 00",
                                     "https://enkat.vetlanda.se"};
        CHECK_INT(enk_codes_check_details(&ok, d), ENK_OK);
        CHECK_INT(enk_codes_check_details(&(enk_store_wave_details){"", "", "", ""}, d), ENK_OK);
        CHECK_INT(enk_codes_check_details(&(enk_store_wave_details){0}, d), ENK_OK);
        CHECK_INT(enk_diags_count(d), 0);
        char longer[ENK_CODES_DETAIL_MAX + 2];
        memset(longer, 'a', sizeof(longer) - 1);
        longer[sizeof(longer) - 1] = '\0';
        enk_store_wave_details bad = {longer, "2026-02-29", "Anna\nBerg", "enkat.vetlanda.se"};
        CHECK_INT(enk_codes_check_details(&bad, d), ENK_ERR_USAGE);
        CHECK_INT(enk_diags_count(d), 4);
        static const char *const urls[] = {"ftp://enkat.se", "https://enkat vetlanda.se",
                                           "https://localhost", "www.enkat.se"};
        for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
                CHECK_INT(enk_codes_check_details(&(enk_store_wave_details){.url = urls[i]}, d),
                          ENK_ERR_USAGE);
        CHECK_INT(enk_codes_check_details(&(enk_store_wave_details){.contact = "Anna \xff"}, d),
                  ENK_ERR_USAGE);
        enk_diags_free(d);
}

int main(void)
{
        test_date();
        test_details();
        test_alphabet();
        test_normalize();
        test_format();
        test_hash();
        test_keys();
        test_generate();
        test_issue();
        return check_report();
}
