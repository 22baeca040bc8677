/* tests/report/fixture.h - a small hand-made figures table for the report tests.
 *
 * Two units (Kinda, Valdemarsvik) and their weighted total, three years
 * (2022-2024), four scale questions in two areas plus a free-text question, two
 * questionnaire editions (2022, where skola_samarbete was called
 * samarbete_skola, and 2024). Every figure row is derived from the answer
 * counts in `dists` below by plain arithmetic (share = positive / n, Wilson
 * interval with z = 1.959964, differences of shares); the significance flags
 * are set by hand: one significant rise (Kinda, stod_tillganglig, 2024) and
 * one significant trend (the same cell), and one unit significantly above the
 * other (Kinda, skola_samarbete, 2024). Valdemarsvik's stod_nojd 2024 has 3
 * answers and is suppressed. tests/report/check_workbook.py states the same
 * counts again and checks the workbook against them.
 *
 * Used by tests/unit/test_report.c and tests/report/write_fixture.c.
 */
#ifndef ENK_TEST_REPORT_FIXTURE_H
#define ENK_TEST_REPORT_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
#include "analysis/stats.h"
#include "survey/questionnaire.h"

#define FX_UNITS     2 /* plus the total */
#define FX_YEARS     3
#define FX_QUESTIONS 4
#define FX_AREAS     2
#define FX_ITEMS     (FX_QUESTIONS + FX_AREAS)
#define FX_POINTS    5
#define FX_ROWS      ((FX_UNITS + 1) * FX_YEARS * FX_ITEMS)

/* Answer counts per scale point 1..5: [unit][year][question]. */
static const int fx_dists[FX_UNITS][FX_YEARS][FX_QUESTIONS][FX_POINTS] = {
    /* Kinda */
    {{{1, 1, 2, 8, 10}, {0, 2, 3, 9, 8}, {2, 3, 4, 7, 6}, {1, 2, 5, 8, 6}},
     {{1, 1, 1, 9, 12}, {1, 2, 3, 9, 9}, {2, 2, 2, 9, 9}, {2, 3, 4, 8, 7}},
     {{0, 1, 1, 8, 15}, {0, 1, 3, 10, 11}, {0, 1, 2, 10, 12}, {1, 1, 3, 10, 10}}},
    /* Valdemarsvik */
    {{{2, 2, 3, 3, 2}, {1, 2, 3, 4, 2}, {3, 3, 2, 2, 2}, {2, 2, 2, 3, 3}},
     {{1, 2, 2, 4, 3}, {1, 1, 3, 4, 3}, {2, 2, 3, 3, 2}, {2, 1, 3, 3, 3}},
     {{1, 1, 2, 4, 4}, {0, 2, 3, 4, 3}, {1, 2, 3, 3, 3}, {0, 1, 0, 1, 1}}},
};
static const char *const fx_unit_names[FX_UNITS] = {"Kinda", "Valdemarsvik"};
static const int fx_years[FX_YEARS] = {2022, 2023, 2024};
static const char *const fx_question_ids[FX_QUESTIONS] = {"skola_samarbete", "skola_info",
                                                          "stod_tillganglig", "stod_nojd"};
static const int fx_question_area[FX_QUESTIONS] = {0, 0, 1, 1};
static const char *const fx_area_ids[FX_AREAS] = {"skola", "stod"};
/* responses and questionnaires sent per unit and year (-1 = not known) */
static const int fx_responses[FX_UNITS][FX_YEARS] = {{22, 24, 25}, {12, 12, 12}};
static const int fx_sent[FX_UNITS][FX_YEARS] = {{40, 40, 38}, {20, 20, -1}};

#define FX_YAML_FMT                                                                                \
        "survey: familjehem\n"                                                                     \
        "edition: %d\n"                                                                            \
        "languages: [sv, en]\n"                                                                    \
        "title:\n"                                                                                 \
        "  sv: Enkät till familjehem\n"                                                           \
        "  en: Survey of foster homes\n"                                                           \
        "scales:\n"                                                                                \
        "  - id: instamning\n"                                                                     \
        "    label: {sv: Instämmandeskala 1–5, en: Agreement scale 1–5}\n"                    \
        "    points:\n"                                                                            \
        "      - {value: 1, label: {sv: Stämmer inte alls, en: Not at all true}}\n"               \
        "      - {value: 2, label: {sv: Stämmer ganska dåligt, en: Mostly not true}}\n"          \
        "      - {value: 3, label: {sv: Stämmer delvis, en: Partly true}}\n"                      \
        "      - {value: 4, label: {sv: Stämmer ganska bra, en: Mostly true}}\n"                  \
        "      - {value: 5, label: {sv: Stämmer helt, en: Completely true}}\n"                    \
        "    positive: [4, 5]\n"                                                                   \
        "    not_applicable:\n"                                                                    \
        "      code: 9\n"                                                                          \
        "      label: {sv: Vet ej / ej aktuellt, en: Don't know / not applicable}\n"               \
        "areas:\n"                                                                                 \
        "  - id: skola\n"                                                                          \
        "    label: {sv: Samarbete med skolan, en: Cooperation with school}\n"                     \
        "  - id: stod\n"                                                                           \
        "    label: {sv: Stöd från socialtjänsten, en: Support from social services}\n"         \
        "sections:\n"                                                                              \
        "  - id: skolan\n"                                                                         \
        "    title: {sv: Skolan, en: School}\n"                                                    \
        "    questions:\n"                                                                         \
        "      - id: %s\n"                                                                         \
        "        type: scale\n"                                                                    \
        "        scale: instamning\n"                                                              \
        "        area: skola\n"                                                                    \
        "        headline: true\n"                                                                 \
        "%s"                                                                                       \
        "        text: {sv: Samarbetet med skolan fungerar bra,"                                   \
        " en: Cooperation with the school works well}\n"                                           \
        "      - id: skola_info\n"                                                                 \
        "        type: scale\n"                                                                    \
        "        scale: instamning\n"                                                              \
        "        area: skola\n"                                                                    \
        "        text: {sv: Jag får den information jag behöver om barnets skolgång,"           \
        " en: I get the information I need about the child's schooling}\n"                         \
        "  - id: stodet\n"                                                                         \
        "    title: {sv: Stödet, en: Support}\n"                                                  \
        "    questions:\n"                                                                         \
        "      - id: stod_tillganglig\n"                                                           \
        "        type: scale\n"                                                                    \
        "        scale: instamning\n"                                                              \
        "        area: stod\n"                                                                     \
        "        headline: true\n"                                                                 \
        "        text: {sv: Familjehemssekreteraren är lätt att nå,"                            \
        " en: The foster care worker is easy to reach}\n"                                          \
        "      - id: stod_nojd\n"                                                                  \
        "        type: scale\n"                                                                    \
        "        scale: instamning\n"                                                              \
        "        area: stod\n"                                                                     \
        "        headline: true\n"                                                                 \
        "        text: {sv: Hur nöjd är du med stödet du får?,"                                \
        " en: How satisfied are you with the support you get?}\n"                                  \
        "      - id: forslag\n"                                                                    \
        "        type: text\n"                                                                     \
        "        text: {sv: Vad kan vi göra bättre?, en: What could we do better?}\n"

typedef struct fixture {
        enk_questionnaire *q2022, *q2024;
        const enk_questionnaire *editions[2];
        enk_figures f;
        enk_figure rows[FX_ROWS];
        int64_t dist[FX_ROWS][FX_POINTS];
        enk_wave_info waves[FX_UNITS * FX_YEARS];
        const char *units[FX_UNITS];
} fixture;

static void fx_wilson(double x, double n, double *lo, double *hi)
{
        const double z = 1.959964; /* qnorm(0.975) */
        double p = x / n, d = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / d;
        double half = z / d * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        *lo = centre - half;
        *hi = centre + half;
}

/* The counts of item (question 0-3, area 4-5) for unit u (FX_UNITS = the
 * total) in year y, summed as the figures table would. */
static void fx_counts(int u, int y, int item, int64_t out[FX_POINTS])
{
        memset(out, 0, sizeof(int64_t) * FX_POINTS);
        for (int uu = 0; uu < FX_UNITS; uu++) {
                if (u != FX_UNITS && uu != u)
                        continue;
                for (int q = 0; q < FX_QUESTIONS; q++) {
                        if (item < FX_QUESTIONS ? q != item
                                                : fx_question_area[q] != item - FX_QUESTIONS)
                                continue;
                        for (int p = 0; p < FX_POINTS; p++)
                                out[p] += fx_dists[uu][y][q][p];
                }
        }
}

static int64_t fx_n(const int64_t d[FX_POINTS])
{
        int64_t n = 0;
        for (int p = 0; p < FX_POINTS; p++)
                n += d[p];
        return n;
}

static int fx_parse(int edition, const char *first_id, const char *was, enk_questionnaire **out)
{
        char yaml[8192];
        snprintf(yaml, sizeof yaml, FX_YAML_FMT, edition, first_id, was);
        enk_diags *d = enk_diags_new(0);
        enk_status st = enk_questionnaire_parse(yaml, strlen(yaml), "fixture.yaml", out, d);
        if (st != ENK_OK) {
                for (size_t i = 0; i < enk_diags_count(d); i++) {
                        char *s = enk_diag_format(enk_diags_get(d, i));
                        fprintf(stderr, "fixture: %s\n", s ? s : "?");
                        free(s);
                }
        }
        enk_diags_free(d);
        return st == ENK_OK ? 0 : -1;
}

/* Fills fx; 0 on success. Release with fixture_release(). */
static int fixture_init(fixture *fx)
{
        memset(fx, 0, sizeof *fx);
        if (fx_parse(2022, "samarbete_skola", "", &fx->q2022) != 0 ||
            fx_parse(2024, "skola_samarbete", "        was: samarbete_skola\n", &fx->q2024) != 0)
                return -1;
        fx->editions[0] = fx->q2022;
        fx->editions[1] = fx->q2024;
        for (int u = 0; u < FX_UNITS; u++)
                fx->units[u] = fx_unit_names[u];

        size_t i = 0;
        for (int u = 0; u <= FX_UNITS; u++) {
                const char *unit = u == FX_UNITS ? ENK_ALL_UNITS : fx_unit_names[u];
                for (int y = 0; y < FX_YEARS; y++) {
                        for (int it = 0; it < FX_ITEMS; it++, i++) {
                                enk_figure *r = &fx->rows[i];
                                int64_t *d = fx->dist[i];
                                fx_counts(u, y, it, d);
                                r->unit = unit;
                                r->year = fx_years[y];
                                r->is_area = it >= FX_QUESTIONS;
                                r->question = r->is_area ? fx_area_ids[it - FX_QUESTIONS]
                                                         : fx_question_ids[it];
                                /* question 0-3 are questions 0-3 of 2024; areas 0-1 */
                                r->question_index = r->is_area ? it - FX_QUESTIONS : it;
                                r->n = fx_n(d);
                                r->positive = d[3] + d[4];
                                r->dist = d;
                                r->ndist = FX_POINTS;
                                r->share = (double) r->positive / (double) r->n;
                                fx_wilson((double) r->positive, (double) r->n, &r->ci_low,
                                          &r->ci_high);
                                double sum = 0;
                                for (int p = 0; p < FX_POINTS; p++)
                                        sum += (double) (p + 1) * (double) d[p];
                                r->mean = sum / (double) r->n;
                                r->sd = NAN;
                                r->index = (r->mean - 1) / 4 * 100;
                                r->index_low = r->index_high = NAN;
                                r->first_year = 2022;
                                r->prev_share = r->diff = r->diff_low = r->diff_high = NAN;
                                r->diff_p = r->diff_p_adj = r->cohen_h = NAN;
                                r->trend_slope_pp = r->trend_p = NAN;
                                r->total_share = r->rest_diff = r->rest_low = r->rest_high = NAN;
                                r->rest_p = r->rest_p_adj = NAN;
                                if (u < FX_UNITS) { /* beside the total, as figures sets it */
                                        int64_t t[FX_POINTS];
                                        fx_counts(FX_UNITS, y, it, t);
                                        r->total_share = (double) (t[3] + t[4]) / (double) fx_n(t);
                                        r->rest_p = 0.3;
                                        r->rest_p_adj = 0.6;
                                }
                                if (y > 0) {
                                        const enk_figure *pr = &fx->rows[i - FX_ITEMS];
                                        r->prev_year = fx_years[y - 1];
                                        r->prev_share = pr->share;
                                        r->diff = r->share - pr->share;
                                        r->diff_low = r->diff - 0.15;
                                        r->diff_high = r->diff + 0.15;
                                        r->diff_p = 0.4;
                                        r->diff_p_adj = 0.8;
                                        /* slope through the years so far, least squares */
                                        double sy = 0, sxy = 0, sx = 0, sxx = 0;
                                        for (int k = 0; k <= y; k++) {
                                                double s =
                                                    fx->rows[i - (size_t) (y - k) * FX_ITEMS].share;
                                                sx += k;
                                                sy += s;
                                                sxy += k * s;
                                                sxx += k * k;
                                        }
                                        double m = y + 1;
                                        r->trend_slope_pp =
                                            100 * (m * sxy - sx * sy) / (m * sxx - sx * sx);
                                        r->trend_p = 0.5;
                                }
                                r->low_precision = r->n < 20;
                                /* as enk_figures_compute leaves it: a hidden
                                 * distribution is not handed to the report */
                                r->dist_hidden =
                                    r->is_area || enk_stats_distribution_hidden(d, FX_POINTS, 5);
                                if (r->dist_hidden)
                                        r->dist = NULL;
                        }
                }
        }
        /* Hand-set verdicts: Kinda's stod_tillganglig rose significantly in
         * 2024 (18/24 -> 22/25) and has a significant trend. */
        enk_figure *rise = &fx->rows[(0 * FX_YEARS + 2) * FX_ITEMS + 2];
        rise->change = ENK_CHANGE_UP;
        rise->diff_p = 0.004;
        rise->diff_p_adj = 0.016;
        rise->trend_p = 0.03;
        rise->trend_change = ENK_CHANGE_UP;
        /* Kinda's skola_samarbete 2024 (23/25) is significantly above the
         * other units (Valdemarsvik, 8/12). */
        enk_figure *above = &fx->rows[(0 * FX_YEARS + 2) * FX_ITEMS + 0];
        above->vs_rest = ENK_CHANGE_UP;
        above->rest_p = 0.002;
        above->rest_p_adj = 0.008;
        /* Valdemarsvik's stod_nojd 2024: 3 answers, below min_n (no total
         * beside a hidden row). */
        enk_figure *hidden = &fx->rows[(1 * FX_YEARS + 2) * FX_ITEMS + 3];
        hidden->suppressed = true;
        hidden->total_share = hidden->rest_p = hidden->rest_p_adj = NAN;

        for (int u = 0; u < FX_UNITS; u++) {
                for (int y = 0; y < FX_YEARS; y++) {
                        enk_wave_info *wv = &fx->waves[u * FX_YEARS + y];
                        wv->unit = fx_unit_names[u];
                        wv->year = fx_years[y];
                        wv->edition = y == 0 ? 2022 : 2024;
                        wv->responses = fx_responses[u][y];
                        wv->sent = fx_sent[u][y];
                        wv->response_rate = wv->sent > 0 ? (double) wv->responses / wv->sent : NAN;
                }
        }

        fx->f.questionnaire = fx->q2024;
        fx->f.survey = "familjehem";
        fx->f.year = 2024;
        fx->f.min_n = 5;
        fx->f.waves = fx->waves;
        fx->f.nwaves = FX_UNITS * FX_YEARS;
        fx->f.rows = fx->rows;
        fx->f.nrows = FX_ROWS;
        fx->f.units = fx->units;
        fx->f.nunits = FX_UNITS;
        fx->f.years = fx_years;
        fx->f.nyears = FX_YEARS;
        fx->f.edition_hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        fx->f.editions = fx->editions;
        fx->f.neditions = 2;
        return 0;
}

static void fixture_release(fixture *fx)
{
        enk_questionnaire_free(fx->q2022);
        enk_questionnaire_free(fx->q2024);
}

#endif
