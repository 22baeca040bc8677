/* tests/unit/test_figures.c - the figures table from a hand-countable store. */
#include "analysis/figures.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/store.h"
#include "tests/unit/check.h"
#include "tests/unit/response_fixture.h"

/* The 2020 edition: slots typ (single), gammal_nojd (scale fem), hjalp (scale
 * fem, asked only when typ = 1), trygg (scale tre, 1-3, positive 3). */
static const char yaml_old[] = "survey: familjehem\n"
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
                               "  - id: tre\n"
                               "    points:\n"
                               "      - {value: 1, label: Nej}\n"
                               "      - {value: 2, label: Delvis}\n"
                               "      - {value: 3, label: Ja}\n"
                               "    positive: [3]\n"
                               "areas:\n"
                               "  - id: stod\n"
                               "    label: Stöd\n"
                               "sections:\n"
                               "  - id: s1\n"
                               "    title: Allmänt\n"
                               "    questions:\n"
                               "      - id: typ\n"
                               "        type: single\n"
                               "        text: Typ?\n"
                               "        options:\n"
                               "          - {value: 1, label: Familjehem}\n"
                               "          - {value: 2, label: Jourhem}\n"
                               "      - id: gammal_nojd\n"
                               "        type: scale\n"
                               "        scale: fem\n"
                               "        area: stod\n"
                               "        text: Nöjd?\n"
                               "      - id: hjalp\n"
                               "        type: scale\n"
                               "        scale: fem\n"
                               "        area: stod\n"
                               "        show_if: {question: typ, equals: 1}\n"
                               "        text: Hjälp?\n"
                               "      - id: trygg\n"
                               "        type: scale\n"
                               "        scale: tre\n"
                               "        text: Trygg?\n";

/* The 2021 edition (also used in 2022): nojd was gammal_nojd, trygg moved to
 * the five-point scale, and a number question that gets no figures. */
static const char yaml_new[] = "survey: familjehem\n"
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
                               "areas:\n"
                               "  - id: stod\n"
                               "    label: Stöd\n"
                               "sections:\n"
                               "  - id: s1\n"
                               "    title: Allmänt\n"
                               "    questions:\n"
                               "      - id: typ\n"
                               "        type: single\n"
                               "        text: Typ?\n"
                               "        options:\n"
                               "          - {value: 1, label: Familjehem}\n"
                               "          - {value: 2, label: Jourhem}\n"
                               "      - id: nojd\n"
                               "        type: scale\n"
                               "        scale: fem\n"
                               "        area: stod\n"
                               "        was: gammal_nojd\n"
                               "        text: Nöjd?\n"
                               "      - id: hjalp\n"
                               "        type: scale\n"
                               "        scale: fem\n"
                               "        area: stod\n"
                               "        show_if: {question: typ, equals: 1}\n"
                               "        text: Hjälp?\n"
                               "      - id: trygg\n"
                               "        type: scale\n"
                               "        scale: fem\n"
                               "        text: Trygg?\n"
                               "      - id: antal\n"
                               "        type: number\n"
                               "        min: 0\n"
                               "        max: 20\n"
                               "        text: Antal?\n";

/* One wave: the nojd answers as counts of 1..5, NA and blank. Unit A's
 * respondents are typ 1 and answer hjalp like nojd (so hjalp is missing where
 * nojd is); unit B's are typ 2 and never see hjalp. trygg is answered (its
 * positive point) by everyone who answered nojd on the scale. */
typedef struct wave_fixture {
        const char *unit;
        int year;
        int counts[5];
        int na, blank;
} wave_fixture;

static const wave_fixture waves[] = {
    {"A", 2020, {1, 1, 1, 3, 2}, 1, 1},  /* n 8, positive 5 */
    {"A", 2021, {1, 1, 2, 4, 6}, 2, 1},  /* n 14, positive 10 */
    {"A", 2022, {1, 2, 3, 8, 10}, 0, 0}, /* n 24, positive 18, mean 4 */
    {"B", 2020, {0, 5, 0, 5, 0}, 0, 0},  /* n 10, positive 5 */
    {"B", 2021, {4, 0, 0, 3, 3}, 0, 0},  /* n 10, positive 6 */
    {"B", 2022, {0, 0, 4, 2, 2}, 0, 0},  /* n 8, positive 4 */
    {"C", 2022, {0, 0, 0, 1, 2}, 0, 0},  /* n 3, positive 3: suppressed */
};

static char path[] = "/tmp/enk_test_figures_XXXXXX";

static enk_questionnaire *parse(const char *yaml)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        CHECK_INT(enk_questionnaire_parse(yaml, strlen(yaml), "inline.yaml", &q, d), ENK_OK);
        enk_diags_free(d);
        return q;
}

static void add(enk_store *s, int64_t wave, bool old, int typ, int32_t nojd, enk_diags *d)
{
        int32_t v[5];
        bool answered = nojd != ENK_NA && nojd != ENK_MISSING;
        v[0] = typ;
        v[1] = nojd;
        v[2] = typ == 1 ? nojd : ENK_MISSING;
        v[3] = answered ? (old ? 3 : 4) : ENK_MISSING;
        v[4] = 2;
        int64_t id;
        CHECK_INT(
            fixture_add(s, wave, 0, ENK_SOURCE_WEB, NULL, NULL, v, old ? 4 : 5, NULL, 0, &id, d),
            ENK_OK);
}

static void build(const char *file)
{
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        CHECK_INT(enk_store_open(file, ENK_STORE_CREATE, &s, d), ENK_OK);
        enk_questionnaire *qo = parse(yaml_old), *qn = parse(yaml_new);
        int64_t eo, en;
        CHECK_INT(enk_store_begin(s, d), ENK_OK);
        CHECK_INT(enk_store_add_edition(s, qo, &eo, d), ENK_OK);
        CHECK_INT(enk_store_add_edition(s, qn, &en, d), ENK_OK);
        for (size_t i = 0; i < sizeof waves / sizeof waves[0]; i++) {
                const wave_fixture *w = &waves[i];
                int64_t unit, wave;
                bool old = w->year == 2020;
                CHECK_INT(enk_store_unit(s, w->unit, &unit, d), ENK_OK);
                CHECK_INT(enk_store_wave(s, unit, w->year, old ? eo : en, 40, &wave, d), ENK_OK);
                int typ = strcmp(w->unit, "B") == 0 ? 2 : 1;
                for (int p = 0; p < 5; p++)
                        for (int k = 0; k < w->counts[p]; k++)
                                add(s, wave, old, typ, p + 1, d);
                for (int k = 0; k < w->na; k++)
                        add(s, wave, old, typ, ENK_NA, d);
                for (int k = 0; k < w->blank; k++)
                        add(s, wave, old, typ, ENK_MISSING, d);
        }
        CHECK_INT(enk_store_commit(s, d), ENK_OK);
        enk_store_free(s);
        enk_questionnaire_free(qo);
        enk_questionnaire_free(qn);
        enk_diags_free(d);
}

static bool has_message(const enk_diags *d, const char *text)
{
        for (size_t i = 0; i < enk_diags_count(d); i++)
                if (strstr(enk_diags_get(d, i)->message, text))
                        return true;
        return false;
}

static void test_all_units(enk_store *s)
{
        enk_diags *d = enk_diags_new(0);
        enk_figures *f = NULL;
        enk_figures_options o = {.all_units = true};
        CHECK_INT(enk_figures_compute(s, &o, &f, d), ENK_OK);
        if (!f) {
                enk_diags_free(d);
                return;
        }
        CHECK_INT(f->year, 2022);
        CHECK_INT(f->min_n, 5);
        CHECK_INT(f->nunits, 3);
        CHECK_STR(f->units[0], "A");
        CHECK_STR(f->units[2], "C");
        CHECK_INT(f->nyears, 3);
        CHECK_INT(f->neditions, 2);
        CHECK_INT(f->questionnaire->edition, 2021);
        CHECK_INT(f->nwaves, 7);
        /* each wave's responses, counted by the tally: every answer, "vet
         * ej" and blank of the fixture */
        for (size_t i = 0; i < f->nwaves && i < sizeof waves / sizeof waves[0]; i++) {
                const wave_fixture *w = &waves[i];
                int want = w->na + w->blank;
                for (int k = 0; k < 5; k++)
                        want += w->counts[k];
                CHECK_STR(f->waves[i].unit, w->unit);
                CHECK_INT(f->waves[i].year, w->year);
                CHECK_INT(f->waves[i].responses, want);
                CHECK_INT(f->waves[i].sent, 40);
                CHECK(f->waves[i].response_rate == want / 40.0);
        }
        /* 4 groups (A, B, C, total) x 3 years x (3 scale questions + 1 area);
         * C has only 2022 but every group gets every year */
        CHECK_INT(f->nrows, 4 * 3 * 4);
        CHECK_STR(f->rows[0].unit, "A");
        CHECK_STR(f->rows[0].question, "nojd");
        CHECK_STR(f->rows[f->nrows - 1].unit, ENK_ALL_UNITS);
        CHECK(f->rows[f->nrows - 1].is_area);
        CHECK(enk_figures_find(f, "A", 2022, "antal", false) == NULL);
        CHECK(enk_figures_find(f, "A", 2022, "gammal_nojd", false) == NULL);

        /* 2020 answers to gammal_nojd are counted under nojd */
        const enk_figure *r = enk_figures_find(f, "A", 2020, "nojd", false);
        CHECK(r != NULL);
        if (r) {
                CHECK_INT(r->n, 8);
                CHECK_INT(r->positive, 5);
                CHECK_INT(r->na, 1);
                CHECK_INT(r->missing, 1);
                CHECK_INT(r->ndist, 5);
                /* n 8 < 20 with cells of 1-3 answers: the distribution is
                 * hidden (statistics.md, small groups), the share is not */
                CHECK(r->dist_hidden && r->dist == NULL);
                CHECK_NEAR(r->share, 5.0 / 8, 1e-12);
                /* binom.test(5, 8)$conf.int */
                CHECK(r->exact_ci);
                CHECK_NEAR(r->ci_low, 0.244863216366552, 1e-9);
                CHECK_NEAR(r->ci_high, 0.914766585862746, 1e-9);
                CHECK_INT(r->prev_year, 0);
                CHECK(isnan(r->diff));
                CHECK(!r->suppressed);
                CHECK(r->low_precision);
                CHECK(!r->scale_changed);
        }
        r = enk_figures_find(f, "A", 2022, "nojd", false);
        CHECK(r != NULL);
        if (r) {
                CHECK_INT(r->n, 24);
                CHECK_INT(r->positive, 18);
                CHECK_NEAR(r->share, 0.75, 1e-12);
                /* binom.test(18, 24)$conf.int (n < 30: Clopper-Pearson) */
                CHECK_NEAR(r->ci_low, 0.532887197577331, 1e-9);
                CHECK_NEAR(r->ci_high, 0.902269590525467, 1e-9);
                /* (1·1 + 2·2 + 3·3 + 4·8 + 5·10) / 24 = 96 / 24 */
                CHECK_NEAR(r->mean, 4.0, 1e-12);
                CHECK_NEAR(r->index, 75.0, 1e-12);
                CHECK_INT(r->prev_year, 2021);
                CHECK_NEAR(r->prev_share, 10.0 / 14, 1e-12);
                CHECK_NEAR(r->diff, 0.75 - 10.0 / 14, 1e-12);
                /* an expected count 14·10/38 < 5: Fisher,
                 * fisher.test(matrix(c(18,6,10,4),2,byrow=TRUE))$p.value = 1 */
                CHECK(r->fisher);
                CHECK_NEAR(r->diff_p, 1.0, 1e-9);
                CHECK_NEAR(r->diff_p_adj, 1.0, 1e-9);
                CHECK_INT(r->change, ENK_CHANGE_NONE);
                /* prop.trend.test(c(5,10,18), c(8,14,24), score=c(2020,2021,2022))$p.value */
                CHECK_NEAR(r->trend_p, 0.510970629728836, 1e-7);
                CHECK_INT(r->trend_change, ENK_CHANGE_NONE); /* p > 0.05: no mark */
                /* coef(lm(c(5/8,10/14,18/24)*100 ~ c(2020,2021,2022)))[2] */
                CHECK_NEAR(r->trend_slope_pp, 6.25, 1e-9);
                CHECK_INT(r->first_year, 2020);
        }
        /* show-if: B's respondents never see hjalp, so nothing is missing */
        r = enk_figures_find(f, "B", 2020, "hjalp", false);
        CHECK(r != NULL);
        if (r) {
                CHECK_INT(r->n, 0);
                CHECK_INT(r->missing, 0);
                CHECK(r->suppressed);
                CHECK(isnan(r->share));
        }
        r = enk_figures_find(f, "A", 2020, "hjalp", false);
        CHECK(r && r->n == 8 && r->missing == 1 && r->na == 1);

        /* trygg changed scale between 2020 and 2021: no change across it */
        r = enk_figures_find(f, "A", 2020, "trygg", false);
        CHECK(r && r->scale_changed && r->ndist == 3 && r->positive == 8);
        r = enk_figures_find(f, "A", 2021, "trygg", false);
        CHECK(r && !r->scale_changed && isnan(r->diff) && r->n == 14);
        r = enk_figures_find(f, "A", 2022, "trygg", false);
        CHECK(r && r->first_year == 2021 && r->prev_year == 2021 && r->diff == 0);

        /* 2022 suppression: C (n 3) below 5, and B (n 8) the next smallest */
        r = enk_figures_find(f, "C", 2022, "nojd", false);
        CHECK(r && r->n == 3 && r->suppressed);
        r = enk_figures_find(f, "B", 2022, "nojd", false);
        CHECK(r && r->n == 8 && r->suppressed);
        r = enk_figures_find(f, "A", 2022, "nojd", false);
        CHECK(r && !r->suppressed);
        /* B in 2021 (n 10) is shown: no unit was suppressed then */
        r = enk_figures_find(f, "B", 2021, "nojd", false);
        CHECK(r && !r->suppressed);

        /* the weighted total adds the unit tallies: 24 + 8 + 3 answers */
        r = enk_figures_find(f, ENK_ALL_UNITS, 2022, "nojd", false);
        CHECK(r != NULL);
        if (r) {
                CHECK_INT(r->n, 35);
                CHECK_INT(r->positive, 25);
                CHECK(!r->suppressed);
                CHECK(!r->exact_ci);
                /* prop.test(25, 35, correct = FALSE)$conf.int */
                CHECK_NEAR(r->ci_low, 0.549450651368174, 1e-9);
                CHECK_NEAR(r->ci_high, 0.836734637635653, 1e-9);
        }

        /* the area: B 2020 respondents have one index each (nojd 4 → 75,
         * nojd 2 → 25, five of each); t.test(c(rep(75,5),rep(25,5)))$conf.int,
         * sd(c(rep(75,5),rep(25,5))) */
        r = enk_figures_find(f, "B", 2020, "stod", true);
        CHECK(r != NULL);
        if (r) {
                CHECK_INT(r->n, 10);
                CHECK_NEAR(r->index, 50.0, 1e-12);
                CHECK_NEAR(r->sd, 26.3523138347365, 1e-9);
                CHECK_NEAR(r->index_low, 31.148690310015, 1e-9);
                CHECK_NEAR(r->index_high, 68.851309689985, 1e-9);
                /* pooled over nojd and hjalp: hjalp has no answers */
                CHECK_NEAR(r->share, 0.5, 1e-12);
        }
        /* A 2021: nojd = hjalp, so each respondent's index is the nojd index:
         * (6·100 + 4·75 + 2·50 + 1·25 + 0) / 14 = 1025 / 14 */
        r = enk_figures_find(f, "A", 2021, "stod", true);
        CHECK(r && r->n == 14 && fabs(r->index - 1025.0 / 14) < 1e-9 && r->positive == 20);
        /* last year's pooled share: gammal_nojd 5 + hjalp 5 positive of 8 + 8 */
        CHECK(r && r->prev_year == 2020 && fabs(r->prev_share - 10.0 / 16) < 1e-12);
        /* the change of the pooled share, the respondent as the unit: A's
         * respondents answer nojd and hjalp alike (x = m = 2, or x = 0, m = 2).
         * R 4.2.2, survey 4.1-1:
         *   resp <- function(pos, neg, m) data.frame(x = c(rep(m, pos), rep(0, neg)), m = m)
         *   ra <- svyratio(~x, ~m, svydesign(ids = ~1, data = resp(10, 4, 2)))
         *   rb <- svyratio(~x, ~m, svydesign(ids = ~1, data = resp(5, 3, 2)))
         *   d <- coef(ra) - coef(rb); se <- sqrt(SE(ra)^2 + SE(rb)^2)
         *   d ± qnorm(0.975) * se; 2 * pnorm(-abs(d / se)) */
        CHECK(r != NULL);
        if (r) {
                CHECK_NEAR(r->diff, 0.0892857142857143, 1e-12);
                CHECK_NEAR(r->diff_low, -0.345370182955276, 1e-9);
                CHECK_NEAR(r->diff_high, 0.523941611526705, 1e-9);
                CHECK_NEAR(r->diff_p, 0.687235196736695, 1e-9);
                /* the only area: Holm over one p changes nothing */
                CHECK_NEAR(r->diff_p_adj, 0.687235196736695, 1e-9);
                CHECK(r->change == ENK_CHANGE_NONE && !r->fisher);
                /* two shown years: the trend's slope and its test */
                CHECK_NEAR(r->trend_slope_pp, 100 * (10.0 / 14 - 10.0 / 16), 1e-9);
                CHECK(r->first_year == 2020 && isfinite(r->trend_p));
        }
        /* B's area in 2021 (B sees nojd only: m = 1), over its two years:
         *   b <- rbind(cbind(resp(5, 5, 1), year = 2020), cbind(resp(6, 4, 1), year = 2021))
         *   b$id <- seq_len(nrow(b)); b$y <- b$x
         *   fit <- lm(y ~ I(year - 2020), b)
         *   se <- sqrt(sandwich::vcovCL(fit, cluster = ~id, type = "HC0")[2, 2])
         *   100 * coef(fit)[2]; 2 * pnorm(-abs(coef(fit)[2] / se))
         * and beside the other units (A, whose answers are pooled over two
         * questions):
         *   rb <- svyratio(~x, ~m, svydesign(ids = ~1, data = resp(6, 4, 1)))
         *   ra <- svyratio(~x, ~m, svydesign(ids = ~1, data = resp(10, 4, 2)))
         *   d <- coef(rb) - coef(ra); se <- sqrt(SE(ra)^2 + SE(rb)^2)
         *   d ± qnorm(0.975) * se; 2 * pnorm(-abs(d / se)) */
        r = enk_figures_find(f, "B", 2021, "stod", true);
        CHECK(r && !r->suppressed && r->first_year == 2020);
        if (r) {
                CHECK_NEAR(r->trend_slope_pp, 10.0, 1e-9);
                CHECK_NEAR(r->trend_p, 0.659708771099666, 1e-9);
                CHECK(r->trend_change == ENK_CHANGE_NONE);
                /* the weighted total: (6 + 20) / (10 + 28) */
                CHECK_NEAR(r->total_share, 26.0 / 38, 1e-12);
                CHECK_NEAR(r->rest_diff, -0.114285714285714, 1e-12);
                CHECK_NEAR(r->rest_low, -0.517701601277334, 1e-9);
                CHECK_NEAR(r->rest_high, 0.289130172705905, 1e-9);
                CHECK_NEAR(r->rest_p, 0.578725008117266, 1e-9);
                CHECK_NEAR(r->rest_p_adj, 0.578725008117266, 1e-9);
                CHECK(r->vs_rest == ENK_CHANGE_NONE);
        }
        /* B's nojd in 2021 beside the total (16 of 24) and tested against A
         * (10 of 14): an expected count below 5, so Fisher's test,
         *   fisher.test(matrix(c(6, 4, 10, 4), 2, byrow = TRUE))$p.value;
         * Holm over B's 2021 questions: nojd, hjalp (no answers: no test)
         * and trygg (every answer positive in both: p = 1) */
        r = enk_figures_find(f, "B", 2021, "nojd", false);
        CHECK(r != NULL);
        if (r) {
                CHECK_NEAR(r->total_share, 16.0 / 24, 1e-12);
                CHECK_NEAR(r->rest_diff, 0.6 - 10.0 / 14, 1e-12);
                CHECK_NEAR(r->rest_p, 0.673352178399964, 1e-9);
                CHECK(r->rest_p_adj >= r->rest_p && r->vs_rest == ENK_CHANGE_NONE);
        }
        /* the total's own rows are not set beside themselves */
        r = enk_figures_find(f, ENK_ALL_UNITS, 2021, "nojd", false);
        CHECK(r && isnan(r->total_share) && isnan(r->rest_p) && r->vs_rest == ENK_CHANGE_NONE);
        /* a hidden unit (C, 2022) has no total beside it and no test */
        r = enk_figures_find(f, "C", 2022, "nojd", false);
        CHECK(r && isnan(r->total_share) && isnan(r->rest_diff) && isnan(r->rest_p));

        /* 2022 hjalp is answered in A (24) and C (3) only: C is hidden, and A
         * too, since the total less A would be C. A's area pools hjalp, so it
         * is hidden as well (its pooled count less its shown nojd would give
         * hjalp), and keeps only n. */
        r = enk_figures_find(f, "A", 2022, "hjalp", false);
        CHECK(r && r->n == 24 && r->suppressed && r->positive == 0 && isnan(r->share));
        r = enk_figures_find(f, "A", 2022, "stod", true);
        CHECK(r && r->n == 24 && r->suppressed && isnan(r->index) && isnan(r->prev_share));
        enk_figures_free(f);
        enk_diags_free(d);
}

static void test_options(enk_store *s)
{
        enk_diags *d = enk_diags_new(0);
        enk_figures *f = NULL;
        enk_figures_options o = {.unit = "A", .year = 2021, .min_n = 3};
        CHECK_INT(enk_figures_compute(s, &o, &f, d), ENK_OK);
        if (f) {
                CHECK_INT(f->year, 2021);
                CHECK_INT(f->nunits, 1);
                CHECK_INT(f->nyears, 2);
                CHECK_INT(f->nrows, 2 * 4); /* no total for a single unit */
                const enk_figure *r = enk_figures_find(f, "A", 2021, "nojd", false);
                CHECK(r && r->n == 14 && r->positive == 10 && r->prev_year == 2020);
                CHECK(enk_figures_find(f, ENK_ALL_UNITS, 2021, "nojd", false) == NULL);
                /* but its rows stand beside the total of every unit (16 of
                 * 24), tested against B (6 of 10): fisher.test(matrix(c(10,
                 * 4, 6, 4), 2, byrow = TRUE))$p.value is the p of B against A */
                CHECK(r && fabs(r->total_share - 16.0 / 24) < 1e-12);
                CHECK(r && fabs(r->rest_p - 0.673352178399964) < 1e-9);
        }
        enk_figures_free(f);
        f = NULL;

        /* the report of 2020 still uses the current ids of the latest edition */
        o = (enk_figures_options){.unit = "A", .year = 2020};
        CHECK_INT(enk_figures_compute(s, &o, &f, d), ENK_OK);
        if (f) {
                CHECK_INT(f->questionnaire->edition, 2021);
                CHECK_INT(f->nyears, 1);
                const enk_figure *r = enk_figures_find(f, "A", 2020, "nojd", false);
                CHECK(r && r->n == 8 && r->positive == 5);
        }
        enk_figures_free(f);
        f = NULL;

        /* C alone with min_n 3: n 3 is shown */
        o = (enk_figures_options){.unit = "C", .min_n = 3};
        CHECK_INT(enk_figures_compute(s, &o, &f, d), ENK_OK);
        if (f) {
                const enk_figure *r = enk_figures_find(f, "C", 2022, "nojd", false);
                CHECK(r && r->n == 3 && !r->suppressed);
                /* the total of A (18 of 24), B (4 of 8) and C (3 of 3) */
                CHECK(r && fabs(r->total_share - 25.0 / 35) < 1e-12);
        }
        enk_figures_free(f);
        f = NULL;

        o = (enk_figures_options){.unit = "Okänd"};
        CHECK_INT(enk_figures_compute(s, &o, &f, d), ENK_ERR_NOTFOUND);
        CHECK(f == NULL);
        CHECK(has_message(d, "unit 'Okänd' is not in the store"));

        o = (enk_figures_options){.year = 2019};
        CHECK_INT(enk_figures_compute(s, &o, &f, d), ENK_ERR_NOTFOUND);
        CHECK(f == NULL);
        CHECK(has_message(d, "no responses in 2019"));
        enk_figures_free(NULL);
        enk_diags_free(d);
}

static void test_empty(void)
{
        char p[] = "/tmp/enk_test_figures_empty_XXXXXX";
        int fd = mkstemp(p);
        CHECK(fd >= 0);
        close(fd);
        unlink(p);
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        CHECK_INT(enk_store_open(p, ENK_STORE_CREATE, &s, d), ENK_OK);
        enk_figures *f = NULL;
        CHECK(enk_figures_compute(s, NULL, &f, d) != ENK_OK);
        CHECK(f == NULL);
        CHECK(has_message(d, "the store has no responses"));
        enk_store_free(s);
        enk_diags_free(d);
        char buf[64];
        unlink(p);
        snprintf(buf, sizeof buf, "%s-wal", p);
        unlink(buf);
        snprintf(buf, sizeof buf, "%s-shm", p);
        unlink(buf);
}

/* The next of a sequence of 53-bit pseudo-random numbers. */
static unsigned long lcg(unsigned long *x)
{
        *x = *x * 6364136223846793005UL + 1442695040888963407UL;
        return *x >> 11;
}

/* One value: enk_figures_number against glibc's snprintf("%.10g"), the
 * reference (exact decimal rounding, half to even), and enk_figures_round
 * against strtod of that text (the report's cells hold the CSV's numbers).
 * Prints the first few that differ. */
static size_t number_differs(double v)
{
        static int shown;
        char want[64], got[64];
        snprintf(want, sizeof want, "%.10g", v);
        size_t len = enk_figures_number(got, v);
        double back = strtod(want, NULL), round = enk_figures_round(v);
        bool same_round = round == back || (isnan(round) && isnan(back));
        if (len == strlen(want) && strcmp(got, want) == 0 && same_round)
                return 0;
        if (shown++ < 10)
                printf("enk_figures_number(%a) == \"%s\", round %a, want \"%s\" (%a)\n", v, got,
                       round, want, back);
        return 1;
}

/* v and the doubles one and two steps either side of it, and their
 * negatives. */
static size_t number_around_differs(double v)
{
        double lo = v, hi = v;
        size_t wrong = number_differs(v) + number_differs(-v);
        for (int i = 0; i < 2; i++) {
                lo = nextafter(lo, 0);
                hi = nextafter(hi, INFINITY);
                wrong += number_differs(lo) + number_differs(hi) + number_differs(-lo) +
                         number_differs(-hi);
        }
        return wrong;
}

/* enk_figures_number writes what snprintf("%.10g") writes, byte for byte,
 * and enk_figures_round gives the double that text reads back as:
 * on 2.7 million values of every kind, among them the decimal halves at
 * every magnitude the fast path takes (x.xxxxxxxxx5e-14 .. e+32, from
 * decimal strings, and the doubles next to them, where a sloppy rounding
 * goes wrong), the powers of ten and the numbers that round up to one
 * (9.9999999995e-5 is 0.0001 in fixed notation), shares k/n, whole numbers,
 * random bit patterns of every exponent, zeros, NaN and infinities. */
static void test_number(void)
{
        size_t wrong = 0, tried = 0;
        static const double known[] = {
            0.0, -0.0, NAN, INFINITY, -INFINITY, DBL_MIN, DBL_MAX, 4.9e-324, 1e-13, 1e32, 0.5, 1.5,
            2.5, 100.0, 12345678905.0, 1234567890.5, 1e-5, 1e-4, 1e9, 1e10,
            /* where a review found the report's first rounding wrong */
            12345.678905000001, 9.9999999995, 9.8326145334999993, 0.99999999995,
            -0.5000000000500001, 1e-300, 123456789012345.0, 2.5e-7};
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++, tried += 2)
                wrong += number_differs(known[i]) + number_differs(-known[i]);
        unsigned long x = 20261207;
        for (int e = -15; e <= 33; e++) {
                char s[64];
                for (int i = 0; i < 4000; i++, tried += 10) {
                        /* ten digits, then a 5: a decimal half */
                        unsigned long lead = 1 + lcg(&x) % 9;
                        snprintf(s, sizeof s, "%lu.%09lu5e%d", lead, lcg(&x) % 1000000000UL, e);
                        wrong += number_around_differs(strtod(s, NULL));
                }
                static const char *edges[] = {"1e%d",
                                              "9.9999999995e%d",
                                              "9.999999999e%d",
                                              "9.9999999997e%d",
                                              "9.99999999949999e%d",
                                              "1.0000000005e%d",
                                              "1.00000000049999e%d",
                                              "1.0000000002e%d",
                                              "9.99999999999e%d"};
                for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++, tried += 10) {
                        snprintf(s, sizeof s, edges[i], e);
                        wrong += number_around_differs(strtod(s, NULL));
                }
        }
        for (int n = 1; n <= 3000; n += 7)
                for (int k = 0; k <= n; k += 3, tried += 2)
                        wrong += number_differs((double) k / n) + number_differs(100.0 * k / n);
        for (int i = 0; i < 300000; i++, tried += 3) {
                uint64_t bits = (uint64_t) lcg(&x) << 11;
                bits ^= lcg(&x);
                double v;
                memcpy(&v, &bits, sizeof v);
                wrong += number_differs(v);
                /* log-uniform over the magnitudes statistics have, and whole numbers */
                wrong += number_differs(pow(10, -16 + 50.0 * (double) lcg(&x) / 0x1p53));
                wrong += number_differs((double) (lcg(&x) % 100000000000UL));
        }
        printf("enk_figures_number: %zu of %zu values differ from %%.10g\n", wrong, tried);
        CHECK_INT(wrong, 0);
}

int main(void)
{
        test_number();
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        close(fd);
        unlink(path);
        fixture_yaml(yaml_old);
        fixture_yaml(yaml_new);
        build(path);
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        CHECK_INT(enk_store_open(path, ENK_STORE_READONLY, &s, d), ENK_OK);
        if (s) {
                test_all_units(s);
                test_options(s);
        }
        enk_store_free(s);
        enk_diags_free(d);
        test_empty();
        char buf[64];
        unlink(path);
        snprintf(buf, sizeof buf, "%s-wal", path);
        unlink(buf);
        snprintf(buf, sizeof buf, "%s-shm", path);
        unlink(buf);
        fixture_done();
        return check_report();
}
