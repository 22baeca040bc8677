/* analysis/report_words.c - every word the report workbook shows, in Swedish and English.
 *
 * One table, {sv, en} per key (the keys are enum enk_report_word in
 * analysis/report_internal.h). This is the one place to reword or translate
 * the report: no sheet holds a text of its own. The Data sheet's column names
 * are fixed identifiers, and their descriptions live with the columns
 * (analysis/figures_columns.c); labels, scales and question texts come from
 * the questionnaire.
 *
 * Why a C table and not a file in templates/ (where design.md places the
 * wording): the texts are short, many are printf formats whose conversions
 * must match the call that fills them, and a designated initializer per key
 * keeps each key next to its two texts; a missing language is found by
 * enk_report_words_complete() before anything is written. A file read at run
 * time would add a way to fail; a generated file would add a build step and a
 * second place to look. templates/README.md points here.
 *
 * A text with a printf conversion is filled by the enk_report_word_<types>()
 * wrapper its caller uses: %d is a year, a count or a threshold, %s a unit
 * name or a text. A literal percent sign in a format is "%%".
 */
#include "analysis/report_internal.h"

#include <stdio.h>

/* Texts with a printf conversion say so in their key's use; %d is a year or a
 * count, %s a unit name or a text. */
static const enk_lang_pair words[W_COUNT] = {
    [W_SH_SUMMARY] = {"Sammanfattning", "Summary"},
    [W_SH_TRENDS] = {"Trender", "Trends"},
    [W_SH_DIST] = {"Fördelning", "Distribution"},
    [W_SH_COMPARE] = {"Jämförelse", "Comparison"},
    [W_SH_QUESTIONS] = {"Frågor", "Questions"},
    [W_SH_METHOD] = {"Metod", "Method"},
    [W_SH_DATA] = {"Data", "Data"},
    [W_SUBJECT] = {"Årsrapport %d", "Annual report %d"},
    [W_REPORT_SUB] = {"Årsrapport %d – %s", "Annual report %d – %s"},
    [W_PAGE_HEADER] = {"&L%s&R&A", "&L%s&R&A"},
    [W_PAGE_FOOTER] = {"&CSida &P av &N", "&CPage &P of &N"},
    [W_UNIT] = {"Enhet", "Unit"},
    [W_YEAR] = {"År", "Year"},
    [W_RESPONSES] = {"Antal svar", "Responses"},
    [W_SENT] = {"Utskickade enkäter", "Questionnaires sent"},
    [W_RATE] = {"Svarsfrekvens", "Response rate"},
    [W_UNKNOWN] = {"uppgift saknas", "not known"},
    [W_ALL_UNITS] = {"Alla enheter (vägt)", "All units (weighted)"},
    [W_ITEM] = {"Område / fråga", "Area / question"},
    [W_SHARE_YEAR] = {"Andel positiva %d", "Share positive %d"},
    [W_CI_LOW] = {"95 % KI från", "95% CI from"},
    [W_CI_HIGH] = {"95 % KI till", "95% CI to"},
    [W_N] = {"n", "n"},
    [W_PREV_YEAR] = {"Andel positiva %d", "Share positive %d"},
    [W_CHANGE] = {"Förändring (procentenheter)", "Change (percentage points)"},
    [W_TREND_SINCE] = {"Trend sedan %d (procentenheter per år)",
                       "Trend since %d (percentage points a year)"},
    [W_NOTE] = {"Not", "Note"},
    [W_AREAS] = {"Områden", "Areas"},
    [W_HEADLINES] = {"Huvudfrågor", "Headline questions"},
    [W_IN_SHORT] = {"I korthet", "In short"},
    [W_LEGEND_SIG] = {"▲ ▼  statistiskt säkerställd ökning eller minskning: förändringen mot "
                      "föregående år (95 %, Holm-justerad) eller trenden (Cochran–Armitage, "
                      "95 %)",
                      "▲ ▼  statistically significant rise or fall: the change since the "
                      "previous year (95%, Holm-adjusted) or the trend (Cochran–Armitage, "
                      "95%)"},
    [W_LEGEND_SUPP] = {"..  visas inte (sekretess): färre än %d svar, eller något som en "
                       "dold siffra skulle kunna räknas fram ur (se Metod)",
                       "..  not shown (confidentiality): fewer than %d answers, or something "
                       "a hidden figure could be worked out from (see Method)"},
    [W_LEGEND_LOWP] = {"*  färre än %d svar: låg precision, tolka med försiktighet",
                       "*  fewer than %d answers: low precision, read with care"},
    [W_SCALE_CHANGED] = {"skalan ändrad", "scale changed"},
    [W_COMPARED_WITH] = {"jfr %d", "vs %d"},
    [W_PCT] = {"%d %%", "%d%%"},
    [W_PCT_PHRASE] = {"%s (%d %%)", "%s (%d%%)"},
    [W_SENT_AGREE] = {"%s anser att %s", "%s agree that %s"},
    [W_SENT_QUESTION] = {"%s svarar positivt på frågan ”%s”", "%s answer positively to “%s”"},
    [W_SENT_STATEMENT] = {"%s instämmer i ”%s”", "%s agree with “%s”"},
    [W_TRENDS_TITLE] = {"Trender", "Trends"},
    [W_TRENDS_SUB] = {"Andel positiva per år med 95 %% konfidensintervall – %s",
                      "Share positive by year with 95%% confidence interval – %s"},
    [W_SHARE] = {"Andel positiva", "Share positive"},
    [W_CI] = {"95 % konfidensintervall", "95% confidence interval"},
    [W_DIST_TITLE] = {"Fördelning av svaren", "Distribution of answers"},
    [W_DIST_SUB] = {"Andel av svaren på varje steg av skalan, %d och året före – %s",
                    "Share of answers on each point of the scale, %d and the year before – "
                    "%s"},
    [W_CMP_TITLE] = {"Jämförelse mellan enheter", "Comparison of units"},
    [W_CMP_SUB] = {"Andel positiva %d. Totalen är ett vägt medel: summa positiva / summa "
                   "svarande.",
                   "Share positive %d. The total is a weighted mean: sum of positive / sum "
                   "of answers."},
    [W_SHARE_SHORT] = {"Andel", "Share"},
    [W_Q_TITLE] = {"Frågorna", "The questions"},
    [W_COL_ID] = {"Id", "Id"},
    [W_COL_TEXT] = {"Fråga", "Question"},
    [W_COL_TYPE] = {"Typ", "Type"},
    [W_COL_SCALE] = {"Skala", "Scale"},
    [W_COL_POSITIVE] = {"Positiva svar", "Positive answers"},
    [W_COL_AREA] = {"Område", "Area"},
    [W_COL_HEADLINE] = {"Huvudfråga", "Headline"},
    [W_COL_EDITIONS] = {"Finns i utgåvorna", "In editions"},
    [W_COL_WAS] = {"Tidigare id", "Earlier ids"},
    [W_YES] = {"ja", "yes"},
    [W_T_SCALE] = {"skala", "scale"},
    [W_T_SINGLE] = {"enval", "single choice"},
    [W_T_MULTIPLE] = {"flerval", "multiple choice"},
    [W_T_YESNO] = {"ja/nej", "yes/no"},
    [W_T_NUMBER] = {"tal", "number"},
    [W_T_TEXT] = {"fritext", "free text"},
    [W_M_TITLE] = {"Så har siffrorna räknats fram", "How the figures are computed"},
    [W_M_SHARE_H] = {"Andel positiva", "Share positive"},
    [W_M_SHARE] = {"Andelen av dem som besvarat frågan på skalan som valt ett positivt svar "
                   "(till exempel 4 eller 5 på en skala 1–5, som frågeformuläret anger). "
                   "”Vet ej / ej aktuellt” och obesvarade frågor räknas inte med.",
                   "The share of those who answered the question on the scale who chose "
                   "a positive answer (for example 4 or 5 on a 1–5 scale, as the "
                   "questionnaire declares). \"Don't know / not applicable\" and blank "
                   "answers are left out."},
    [W_M_CI_H] = {"Konfidensintervall", "Confidence interval"},
    [W_M_CI] = {"Ett 95 % konfidensintervall enligt Wilson. När färre än 30 har svarat, "
                "eller när alla eller ingen svarat positivt, används det exakta intervallet "
                "(Clopper–Pearson).",
                "A 95% Wilson score interval. When fewer than 30 answered, or when all or "
                "none answered positively, the exact (Clopper–Pearson) interval is used."},
    [W_M_CHANGE_H] = {"Förändring sedan föregående år", "Change since the previous year"},
    [W_M_CHANGE] = {"Skillnaden mot föregående år i procentenheter, med Newcombes intervall "
                    "för skillnaden. p-värdet kommer från z-testet för två andelar, eller "
                    "från Fishers exakta test när något förväntat antal är under 5. Att "
                    "två års intervall överlappar är inte testet.",
                    "The difference from the previous year in percentage points, with "
                    "Newcombe's interval for the difference. The p-value is from the "
                    "two-proportion z-test, or from Fisher's exact test when an expected "
                    "count is below 5. Overlapping intervals of two years are not the "
                    "test."},
    [W_M_HOLM_H] = {"Statistiskt säkerställd", "Statistically significant"},
    [W_M_HOLM] = {"En förändring kallas statistiskt säkerställd (▲ ▼) när den är det på "
                  "95 %-nivån. Eftersom många frågor prövas samtidigt justeras p-värdena "
                  "med Holms metod över frågorna för samma enhet och år, så att risken att "
                  "någon förändring felaktigt kallas säkerställd är högst 5 %.",
                  "A change is called statistically significant (▲ ▼) at the 95% level. "
                  "Since many questions are tested at once, the p-values are adjusted "
                  "with Holm's method over the questions of one unit and year, so that the "
                  "risk of calling any change significant by mistake is at most 5%."},
    [W_M_TREND_H] = {"Trend", "Trend"},
    [W_M_TREND] = {"Trenden är lutningen i procentenheter per år för en rät linje genom "
                   "årens andelar (minsta kvadratmetoden). Om trenden är säkerställd "
                   "prövas med Cochran–Armitages test för trend (95 %).",
                   "The trend is the slope in percentage points a year of a straight line "
                   "through the yearly shares (least squares). Whether it is significant "
                   "is tested with the Cochran–Armitage test for trend (95%)."},
    [W_M_INDEX_H] = {"Index 0–100", "Index 0–100"},
    [W_M_INDEX] = {"Index = (medelvärde − lägsta skalsteg) / (högsta − lägsta skalsteg) × "
                   "100. Ett områdes index är medelvärdet av dess frågors index.",
                   "Index = (mean − lowest point) / (highest − lowest point) × 100. An "
                   "area's index is the mean of its questions' indices."},
    [W_M_TOTAL_H] = {"Totalt för flera enheter", "Total of several units"},
    [W_M_TOTAL] = {"Totalen är ett vägt medel: summan av positiva svar delat med summan "
                   "av svarande (som Koladas ”vägt medel”). I bladet Data heter totalen "
                   "”*”.",
                   "The total is a weighted mean: the sum of positive answers divided by "
                   "the sum of answers (Kolada's \"weighted mean\"). In the Data sheet the "
                   "total is named \"*\"."},
    [W_M_SUPP_H] = {"Sekretess", "Confidentiality"},
    [W_M_SUPP] = {"Resultat som bygger på färre än %d svar visas inte och markeras med "
                  "”..” (Koladas markering). Inget som kan räknas fram ur en dold siffra "
                  "visas heller: ingen förändring mot ett dolt år och inte det årets andel, "
                  "inget område där en dold fråga ingår, och trenden räknas bara på de år "
                  "som visas. Så att en dold siffra inte kan räknas fram ur totalen döljs "
                  "även andra enheter (sekundär sekretess), och rapporten för en enhet "
                  "döljer samma celler som rapporten för alla enheter. En grupp med färre "
                  "än %d svar visar ingen fördelning där ett svarsalternativ valts av "
                  "färre än gränsen men fler än ingen.",
                  "Results from fewer than %d answers are not shown and are marked \"..\" "
                  "(Kolada's mark). Nothing that could be worked out from a hidden figure "
                  "is shown either: no change from a hidden year and not that year's "
                  "share, no area that includes a hidden question, and trends use only "
                  "the years that are shown. So that a hidden figure cannot be worked out "
                  "from the total, other units are hidden too (secondary suppression), "
                  "and the report for one unit hides the same cells as the report for all "
                  "units. A group with fewer than %d answers shows no distribution in "
                  "which an answer was chosen by fewer than the threshold but more than "
                  "none."},
    [W_M_LOWP_H] = {"Låg precision", "Low precision"},
    [W_M_LOWP] = {"Resultat från färre än %d svar markeras med *: intervallet är brett "
                  "och förändringar bör tolkas med försiktighet.",
                  "Results from fewer than %d answers are marked *: the interval is wide "
                  "and changes should be read with care."},
    [W_M_TEXT_H] = {"Fritext", "Free text"},
    [W_M_TEXT] = {"Svar i fritext visas aldrig i rapporten.",
                  "Free-text answers never appear in the report."},
    [W_M_FACTS] = {"Underlag", "Source"},
    [W_M_VERSION] = {"Programversion", "Software version"},
    [W_M_SURVEY] = {"Enkät", "Survey"},
    [W_M_HASH] = {"Frågeformulärets SHA-256", "Questionnaire SHA-256"},
    [W_M_MIN_N] = {"Minsta antal svar som visas", "Fewest answers shown"},
    [W_M_CREATED] = {"Skapad", "Created"},
    [W_M_YEARS] = {"År i underlaget", "Years in the data"},
    [W_M_UNITS] = {"Antal enheter", "Number of units"},
    [W_SH_COMPARE_TABLE] = {"Jämförelsetabell", "Comparison table"},
    [W_CMP_CHARTS_SUB] = {"Andel positiva %d per enhet, ordnade efter andel, med 95 %% "
                          "konfidensintervall. Totalen är ett vägt medel: summa positiva / summa "
                          "svarande.",
                          "Share positive %d by unit, ordered by share, with 95%% confidence "
                          "interval. The total is a weighted mean: sum of positive / sum of "
                          "answers."},
    [W_CMP_TEST_ROW] = {"Skillnad mellan enheterna, p (Holm)",
                        "Difference between units, p (Holm)"},
    [W_CMP_TEST] = {"Skillnad mellan enheterna (χ²-test över %d enheter, Holms korrektion över "
                    "frågorna): p %s",
                    "Difference between the units (χ² test over %d units, Holm's correction over "
                    "the questions): p %s"},
    [W_CMP_TEST_SIG] = {"statistiskt säkerställd", "statistically significant"},
    [W_CMP_TEST_NS] = {"inte statistiskt säkerställd", "not statistically significant"},
    [W_CMP_NO_TEST] = {"Skillnad mellan enheterna: inget test, färre än två enheter med svar "
                       "som visas",
                       "Difference between the units: no test, fewer than two units with "
                       "answers shown"},
    [W_CMP_H_LABEL] = {"Diagram: etikett", "Chart: label"},
    [W_CMP_H_BELOW] = {"Diagram: under andelen", "Chart: below the share"},
    [W_CMP_H_MARK] = {"Diagram: andelen", "Chart: the share"},
    [W_CMP_H_ABOVE] = {"Diagram: över andelen", "Chart: above the share"},
    [W_CMP_LOWP_SERIES] = {"låg precision (färre än %d svar)",
                           "low precision (fewer than %d answers)"},
    [W_CMP_ORDER_AXIS] = {"enheterna ordnade efter andel positiva (namnen står i tabellen under "
                          "diagrammet)",
                          "the units ordered by share positive (their names are in the table "
                          "under the chart)"},
    [W_TRENDS_CHOOSE] = {"Välj enhet:", "Choose a unit:"},
    [W_TRENDS_CHOSEN] = {"Vald enhet", "Chosen unit"},
    [W_TRENDS_DATA] =
        {"Andel positiva per enhet och år (underlag för valet av enhet ovan)",
         "Share positive by unit and year (the data behind the choice of unit above)"},
    [W_TRENDS_KEY] = {"Nyckel", "Key"},
};

const char *enk_report_word(const enk_report_ctx *c, enum enk_report_word k)
{
        return enk_lang_pick(c->lang, words[k]);
}

bool enk_report_words_complete(void)
{
        for (size_t i = 0; i < W_COUNT; i++)
                if (!words[i].sv || !words[i].en)
                        return false;
        return true;
}

const char *enk_report_pct_format(const enk_report_ctx *c)
{
        return enk_lang_pick(c->lang, (enk_lang_pair){"0 %", "0%"});
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
const char *enk_report_word_d(const enk_report_ctx *c, char *buf, size_t cap,
                              enum enk_report_word k, int d)
{
        snprintf(buf, cap, enk_report_word(c, k), d);
        return buf;
}

const char *enk_report_word_dd(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, int d1, int d2)
{
        snprintf(buf, cap, enk_report_word(c, k), d1, d2);
        return buf;
}

const char *enk_report_word_s(const enk_report_ctx *c, char *buf, size_t cap,
                              enum enk_report_word k, const char *s)
{
        snprintf(buf, cap, enk_report_word(c, k), s);
        return buf;
}

const char *enk_report_word_ds(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, int d, const char *s)
{
        snprintf(buf, cap, enk_report_word(c, k), d, s);
        return buf;
}

const char *enk_report_word_sd(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, const char *s, int d)
{
        snprintf(buf, cap, enk_report_word(c, k), s, d);
        return buf;
}

const char *enk_report_word_ss(const enk_report_ctx *c, char *buf, size_t cap,
                               enum enk_report_word k, const char *a, const char *b)
{
        snprintf(buf, cap, enk_report_word(c, k), a, b);
        return buf;
}
#pragma GCC diagnostic pop
