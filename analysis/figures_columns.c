/* analysis/figures_columns.c - the tidy table: one list of the figures' columns for every output.
 *
 * `enkat stats --format csv|json` and the report's Data sheet write the rows
 * of the figures table through enk_figures_columns and enk_figures_cell()
 * (analysis/figures.h), so they have the same columns in the same order, the
 * same descriptions in each language, and the same empty cells. A new column
 * is one enum constant, one row of the table and one case of the cell.
 */
#include "analysis/figures.h"
#include "analysis/stats.h"

#include <math.h>

/* The description's threshold, spelled from analysis/stats.h. */
#define STR_(x) #x
#define STR(x)  STR_(x)

enum {
        COL_UNIT,
        COL_YEAR,
        COL_QUESTION,
        COL_N,
        COL_POSITIVE,
        COL_SHARE,
        COL_CI_LOW,
        COL_CI_HIGH,
        COL_MEAN,
        COL_INDEX,
        COL_PREV_SHARE,
        COL_DIFF,
        COL_DIFF_LOW,
        COL_DIFF_HIGH,
        COL_DIFF_P,
        COL_SIGNIFICANT,
        COL_TREND,
        COL_TREND_P,
        COL_SUPPRESSED,
        COL_IS_AREA,
        COL_DIFF_P_ADJ,
        COL_NA,
        COL_MISSING,
        COL_LOW_PRECISION,
        COL_CHANGE,
        COL_PREV_YEAR,
        COL_TOTAL_SHARE,
        COL_REST_DIFF,
        COL_REST_P,
        COL_REST_P_ADJ,
        COL_VS_REST,
        NCOLUMNS
};

_Static_assert(NCOLUMNS == ENK_FIGURES_NCOLUMNS, "figures.h counts the columns");

const enk_column enk_figures_columns[ENK_FIGURES_NCOLUMNS] = {
    [COL_UNIT] = {"unit", {"Enhet", "Unit"}, {"enhet", "unit"}, ENK_COL_TEXT, 0},
    [COL_YEAR] = {"year", {"År", "Year"}, {"år", "year"}, ENK_COL_INT, 0},
    [COL_QUESTION] = {"question",
                      {"Fråga eller område", "Question or area"},
                      {"fråga eller område (id)", "question or area (id)"},
                      ENK_COL_TEXT,
                      0},
    [COL_N] = {"n",
               {"Antal svar (n)", "Answers (n)"},
               {"antal svar på skalan (för ett område: antal svarande)",
                "answers on the scale (for an area: respondents)"},
               ENK_COL_INT,
               0},
    [COL_POSITIVE] = {"positive",
                      {"Positiva svar", "Positive answers"},
                      {"antal positiva svar (tomt för ett område: dess andel räknas på "
                       "frågornas svar, inte på svarande)",
                       "positive answers (empty for an area: its share is pooled over its "
                       "questions' answers, not respondents)"},
                      ENK_COL_INT,
                      0},
    [COL_SHARE] = {"share",
                   {"Andel positiva", "Share positive"},
                   {"andel positiva", "share positive"},
                   ENK_COL_SHARE,
                   0},
    [COL_CI_LOW] = {"ci_low",
                    {"KI från", "CI from"},
                    {"95 % konfidensintervall, från", "95% confidence interval, low"},
                    ENK_COL_SHARE,
                    0},
    [COL_CI_HIGH] = {"ci_high",
                     {"KI till", "CI to"},
                     {"95 % konfidensintervall, till", "95% confidence interval, high"},
                     ENK_COL_SHARE,
                     0},
    [COL_MEAN] = {"mean",
                  {"Medelvärde", "Mean"},
                  {"medelvärde på skalan", "mean on the scale"},
                  ENK_COL_NUM,
                  3},
    [COL_INDEX] = {"index", {"Index", "Index"}, {"index 0–100", "index 0–100"}, ENK_COL_NUM, 1},
    [COL_PREV_SHARE] = {"prev_share",
                        {"Andel föregående år", "Share previous year"},
                        {"andel positiva föregående år", "share positive the year before"},
                        ENK_COL_SHARE,
                        0},
    [COL_DIFF] = {"diff",
                  {"Förändring", "Change"},
                  {"förändring (andel)", "change (share)"},
                  ENK_COL_SHARE,
                  0},
    [COL_DIFF_LOW] = {"diff_low",
                      {"Förändring, KI från", "Change, CI from"},
                      {"förändringens intervall, från", "interval of the change, low"},
                      ENK_COL_SHARE,
                      0},
    [COL_DIFF_HIGH] = {"diff_high",
                       {"Förändring, KI till", "Change, CI to"},
                       {"förändringens intervall, till", "interval of the change, high"},
                       ENK_COL_SHARE,
                       0},
    [COL_DIFF_P] = {"diff_p",
                    {"p-värde, förändring", "p-value, change"},
                    {"p-värde för förändringen", "p-value of the change"},
                    ENK_COL_P,
                    0},
    [COL_SIGNIFICANT] = {"significant",
                         {"Säkerställd förändring", "Significant change"},
                         {"statistiskt säkerställd förändring", "significant change"},
                         ENK_COL_BOOL,
                         0},
    [COL_TREND] = {"trend_slope_pp",
                   {"Trend (procentenheter per år)", "Trend (points a year)"},
                   {"trend, procentenheter per år", "trend, percentage points a year"},
                   ENK_COL_NUM,
                   1},
    [COL_TREND_P] = {"trend_p",
                     {"p-värde, trend", "p-value, trend"},
                     {"p-värde för trenden", "p-value of the trend"},
                     ENK_COL_P,
                     0},
    [COL_SUPPRESSED] = {"suppressed",
                        {"Dold", "Hidden"},
                        {"dold (sekretess)", "hidden (confidentiality)"},
                        ENK_COL_BOOL,
                        0},
    [COL_IS_AREA] = {"is_area", {"Område", "Area"}, {"område", "area"}, ENK_COL_BOOL, 0},
    [COL_DIFF_P_ADJ] = {"diff_p_adj",
                        {"p-värde, förändring, Holm", "p-value, change, Holm"},
                        {"p-värde, Holm-justerat", "p-value, Holm-adjusted"},
                        ENK_COL_P,
                        0},
    [COL_NA] = {"na",
                {"Vet ej", "Don't know"},
                {"antal ”vet ej”", "answers \"don't know\""},
                ENK_COL_INT,
                0},
    [COL_MISSING] = {"missing",
                     {"Obesvarade", "Unanswered"},
                     {"antal obesvarade", "left unanswered"},
                     ENK_COL_INT,
                     0},
    [COL_LOW_PRECISION] = {"low_precision",
                           {"Låg precision", "Low precision"},
                           {"låg precision (färre än " STR(ENK_STATS_LOW_PRECISION_N) " svar)",
                            "low precision (fewer than " STR(
                                ENK_STATS_LOW_PRECISION_N) " answers)"},
                           ENK_COL_BOOL,
                           0},
    [COL_CHANGE] = {"change",
                    {"Förändringens riktning", "Direction of change"},
                    {"förändringens riktning (up, down)", "direction of the change (up, down)"},
                    ENK_COL_TEXT,
                    0},
    [COL_PREV_YEAR] = {"prev_year",
                       {"Föregående år", "Previous year"},
                       {"föregående år", "the year before"},
                       ENK_COL_INT,
                       0},
    [COL_TOTAL_SHARE] = {"total_share",
                         {"Andel, alla enheter", "Share, all units"},
                         {"andel positiva, alla enheter (vägt)",
                          "share positive, all units (weighted)"},
                         ENK_COL_SHARE,
                         0},
    [COL_REST_DIFF] = {"rest_diff",
                       {"Skillnad mot övriga", "Difference from the others"},
                       {"skillnad mot övriga enheter (andel)",
                        "difference from the other units (share)"},
                       ENK_COL_SHARE,
                       0},
    [COL_REST_P] = {"rest_p",
                    {"p-värde, mot övriga", "p-value, against the others"},
                    {"p-värde för skillnaden mot övriga enheter",
                     "p-value of the difference from the other units"},
                    ENK_COL_P,
                    0},
    [COL_REST_P_ADJ] = {"rest_p_adj",
                        {"p-värde, mot övriga (Holm)", "p-value, against the others (Holm)"},
                        {"p-värde mot övriga enheter, Holm-justerat",
                         "p-value against the other units, Holm-adjusted"},
                        ENK_COL_P,
                        0},
    [COL_VS_REST] = {"vs_rest",
                     {"Över eller under övriga", "Above or below the others"},
                     {"säkerställt över eller under övriga enheter (up, down)",
                      "significantly above or below the other units (up, down)"},
                     ENK_COL_TEXT,
                     0},
};

/* The number of a shown row in column col (0 for a column that has none). */
static double number(const enk_figure *r, size_t col)
{
        switch (col) {
        case COL_POSITIVE:
                return (double) r->positive;
        case COL_SHARE:
                return r->share;
        case COL_CI_LOW:
                return r->ci_low;
        case COL_CI_HIGH:
                return r->ci_high;
        case COL_MEAN:
                return r->mean;
        case COL_INDEX:
                return r->index;
        case COL_PREV_SHARE:
                return r->prev_share;
        case COL_DIFF:
                return r->diff;
        case COL_DIFF_LOW:
                return r->diff_low;
        case COL_DIFF_HIGH:
                return r->diff_high;
        case COL_DIFF_P:
                return r->diff_p;
        case COL_TREND:
                return r->trend_slope_pp;
        case COL_TREND_P:
                return r->trend_p;
        case COL_DIFF_P_ADJ:
                return r->diff_p_adj;
        case COL_TOTAL_SHARE:
                return r->total_share;
        case COL_REST_DIFF:
                return r->rest_diff;
        case COL_REST_P:
                return r->rest_p;
        case COL_REST_P_ADJ:
                return r->rest_p_adj;
        default:
                return 0;
        }
}

void enk_figures_cell(const enk_figure *r, size_t col, enk_cell *out)
{
        *out = (enk_cell){.num = NAN, .flag = -1};
        bool s = r->suppressed;
        /* what a hidden row keeps */
        switch (col) {
        case COL_UNIT:
                out->text = r->unit;
                return;
        case COL_YEAR:
                out->num = r->year;
                return;
        case COL_QUESTION:
                out->text = r->question;
                return;
        case COL_N:
                out->num = r->counts_hidden ? NAN : (double) r->n;
                return;
        case COL_NA:
                out->num = r->counts_hidden ? NAN : (double) r->na;
                return;
        case COL_MISSING:
                out->num = r->counts_hidden ? NAN : (double) r->missing;
                return;
        case COL_SUPPRESSED:
                out->flag = s;
                return;
        case COL_IS_AREA:
                out->flag = r->is_area;
                return;
        case COL_LOW_PRECISION:
                out->flag = r->low_precision;
                return;
        case COL_PREV_YEAR:
                out->num = r->prev_year ? r->prev_year : NAN;
                return;
        }
        if (s)
                return;
        if (col == COL_POSITIVE && r->is_area) {
                return; /* not a count of respondents: see figures.h */
        } else if (col == COL_SIGNIFICANT) {
                if (!isnan(r->diff_p_adj))
                        out->flag = r->change != ENK_CHANGE_NONE;
        } else if (col == COL_CHANGE) {
                out->text = r->change == ENK_CHANGE_UP     ? "up"
                            : r->change == ENK_CHANGE_DOWN ? "down"
                                                           : NULL;
        } else if (col == COL_VS_REST) {
                out->text = r->vs_rest == ENK_CHANGE_UP     ? "up"
                            : r->vs_rest == ENK_CHANGE_DOWN ? "down"
                                                            : NULL;
        } else if (col < NCOLUMNS) {
                out->num = number(r, col);
        }
}
