/* analysis/report_words.c - every word the report workbook shows, in Swedish and English.
 *
 * One table, {sv, en} per key (the keys are enum enk_report_word in
 * analysis/report_internal.h). This is the one place to reword or translate
 * the report: no sheet holds a text of its own. The Data sheet's column names
 * and descriptions live with the columns (analysis/figures_columns.c), beside
 * the fixed codes `enkat stats` writes; labels, scales and question texts come from
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
    [W_TREND] = {"Trend (procentenheter per år)", "Trend (percentage points a year)"},
    [W_NOTE] = {"Not", "Note"},
    [W_AREAS] = {"Områden", "Areas"},
    [W_HEADLINES] = {"Huvudfrågor", "Headline questions"},
    [W_IN_SHORT] = {"I korthet", "In short"},
    [W_LEGEND_CHANGE] = {"▲ ▼  statistiskt säkerställd ökning eller minskning sedan föregående år "
                         "(95 %, Holm-justerad)",
                         "▲ ▼  statistically significant rise or fall since the previous year "
                         "(95%, Holm-adjusted)"},
    [W_LEGEND_TREND] = {"↑ ↓  statistiskt säkerställd stigande eller sjunkande trend över åren "
                        "(Cochran–Armitage, 95 %)",
                        "↑ ↓  statistically significant rising or falling trend over the years "
                        "(Cochran–Armitage, 95%)"},
    [W_LEGEND_SUPP] = {"..  visas inte (sekretess): färre än %d svar, eller något som en "
                       "dold siffra skulle kunna räknas fram ur (se Metod)",
                       "..  not shown (confidentiality): fewer than %d answers, or something "
                       "a hidden figure could be worked out from (see Method)"},
    [W_LEGEND_NOT_ASKED] = {".  frågan ställdes inte det året (SCB:s tecken för ”uppgift kan inte "
                            "förekomma”); ..  är SCB:s tecken för en uppgift som inte kan visas",
                            ".  the question was not asked that year (Statistics Sweden's sign "
                            "for \"not applicable\"); ..  is its sign for a figure that cannot "
                            "be shown"},
    [W_LEGEND_LOWP] = {"*  färre än %d svar: låg precision, tolka med försiktighet",
                       "*  fewer than %d answers: low precision, read with care"},
    [W_SCALE_CHANGED] = {"skalan ändrad", "scale changed"},
    [W_COMPARED_WITH] = {"jfr %d", "vs %d"},
    [W_PCT] = {"%d %%", "%d%%"},
    [W_PCT_PHRASE] = {"%s (%d %%)", "%s (%d%%)"},
    [W_SENT_AGREE] = {"%s anser att %s", "%s agree that %s"},
    [W_SENT_QUESTION] = {"%s svarar positivt på frågan ”%s”", "%s answer positively to “%s”"},
    [W_SENT_STATEMENT] = {"%s instämmer i ”%s”", "%s agree with “%s”"},
    [W_SENT_PREDICATE] = {"%s %s", "%s %s"},
    [W_SENT_UP] = {", upp från %d %% förra året", ", up from %d%% last year"},
    [W_SENT_DOWN] = {", ned från %d %% förra året", ", down from %d%% last year"},
    [W_SENT_SAME] = {", ungefär som förra året (%d %%)", ", about the same as last year (%d%%)"},
    [W_SENT_UP_IN] = {", upp från %d %% år %d", ", up from %d%% in %d"},
    [W_SENT_DOWN_IN] = {", ned från %d %% år %d", ", down from %d%% in %d"},
    [W_SENT_SAME_IN] = {", ungefär som %d %% år %d", ", about the same as %d%% in %d"},
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
    [W_NO] = {"nej", "no"},
    [W_UP] = {"upp", "up"},
    [W_DOWN] = {"ned", "down"},
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
                   "”Alla enheter (vägt)”, i utdata från enkat stats ”*”.",
                   "The total is a weighted mean: the sum of positive answers divided by "
                   "the sum of answers (Kolada's \"weighted mean\"). In the Data sheet the "
                   "total is named \"All units (weighted)\", in the output of enkat stats \"*\"."},
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
    [W_M_SIGNS_H] = {"Tecken i tabellerna", "Signs in the tables"},
    [W_M_SIGNS] = {"Tecknen följer SCB:s teckenförklaring för tabeller i Sveriges officiella "
                   "statistik: ”..” uppgift som inte kan visas (här: för få svar, eller "
                   "sekretess), ”.” uppgift som inte kan förekomma (här: frågan ställdes inte "
                   "det året, eller till ingen). ▲ ▼ markerar en statistiskt säkerställd "
                   "förändring mot föregående år och ↑ ↓ en statistiskt säkerställd trend: två "
                   "olika prövningar, med var sina tecken. * markerar låg precision.",
                   "The signs follow Statistics Sweden's (SCB) table symbols for Swedish "
                   "official statistics: \"..\" a figure that cannot be shown (here: too few "
                   "answers, or confidentiality), \".\" a figure that cannot occur (here: the "
                   "question was not asked that year, or of no one). ▲ ▼ mark a statistically "
                   "significant change since the previous year and ↑ ↓ a statistically "
                   "significant trend: two different tests, each with its own signs. * marks "
                   "low precision."},
    [W_M_WORDS_H] = {"Orden i sammanfattningen", "The words of the summary"},
    [W_M_WORDS] = {"Meningarna i korthet beskriver andelen med ord som väljs efter den "
                   "avrundade procentsats som står bredvid, i den stil SCB rekommenderar för "
                   "text om statistik: en andel som läsaren känner igen (var tionde, var "
                   "femte, var fjärde, tre av tio, var tredje, fyra av tio, hälften, sex av "
                   "tio, två av tre, sju av tio, tre av fyra, åtta av tio, nio av tio), "
                   "”knappt” 1–2 procentenheter under den, ”drygt” 1–2 över den och ”fler än” "
                   "längre över; ”färre än var tionde” under 8 %, ”nästan ingen” upp till 2 % "
                   "och ”nästan alla” från 98 %. Förändringen mot föregående år nämns som ”upp "
                   "från” eller ”ned från” bara när den är statistiskt säkerställd, annars "
                   "”ungefär som förra året”, och aldrig mot ett år som inte visas.",
                   "The sentences in short put the share into words chosen from the rounded "
                   "percentage printed beside them, in the style Statistics Sweden (SCB) "
                   "recommends for writing about statistics: a share a reader knows by name "
                   "(one in ten, one in five, one in four, three in ten, one in three, four "
                   "in ten, half, six in ten, two in three, seven in ten, three in four, "
                   "eight in ten, nine in ten), \"just under\" 1–2 percentage points below "
                   "it, \"just over\" 1–2 above it and \"more than\" further above; \"fewer "
                   "than one in ten\" below 8%, \"almost none\" up to 2% and \"almost all\" "
                   "from 98%. The change since the previous year is told as \"up from\" or "
                   "\"down from\" only when it is statistically significant, else \"about the "
                   "same as last year\", and never against a year that is not shown."},
    [W_M_FACTS] = {"Underlag", "Source"},
    [W_M_VERSION] = {"Programversion", "Software version"},
    [W_M_SURVEY] = {"Enkät", "Survey"},
    [W_M_HASH] = {"Frågeformulärets SHA-256", "Questionnaire SHA-256"},
    [W_M_MIN_N] = {"Minsta antal svar som visas", "Fewest answers shown"},
    [W_M_CREATED] = {"Skapad", "Created"},
    [W_M_YEARS] = {"År i underlaget", "Years in the data"},
    [W_M_UNITS] = {"Antal enheter", "Number of units"},
    [W_AREAS_POOLED] = {"Områden (frågorna i varje område sammanvägda)",
                        "Areas (the questions of each area pooled)"},
    [W_N_QUESTIONS] = {"%d frågor", "%d questions"},
    [W_ALL_UNITS_YEAR] = {"Alla enheter %d", "All units %d"},
    [W_HIGHER] = {"högre", "higher"},
    [W_LOWER] = {"lägre", "lower"},
    [W_LEGEND_REST] = {"högre, lägre  statistiskt säkerställt högre eller lägre än övriga enheter "
                       "tillsammans (95 %, Holm-justerat över frågorna)",
                       "higher, lower  significantly higher or lower than the other units "
                       "together (95%, Holm-adjusted over the questions)"},
    [W_M_AREA_H] = {"Område", "Area"},
    [W_M_AREA] = {"Ett områdes andel positiva är de positiva svaren på områdets frågor delat "
                  "med alla svar på dem: varje svar räknas, så en fråga som fler besvarat "
                  "väger mer. Områdets n är antalet svarande med minst ett svar i området. "
                  "Eftersom en svarande besvarar flera av frågorna prövas ett områdes "
                  "förändring och trend med den svarande som enhet (linjäriserad varians "
                  "för en kvot, klusterrobust standardfel för trenden), och Holms "
                  "justering görs över områdena för samma enhet och år. Ett område med en "
                  "enda fråga har frågans siffror och visas bara som frågan.",
                  "An area's share positive is the positive answers to its questions "
                  "divided by all answers to them: every answer counts, so a question more "
                  "people answered weighs more. The area's n is the number of respondents "
                  "with at least one answer in the area. Since one respondent answers "
                  "several of the questions, an area's change and trend are tested with the "
                  "respondent as the unit (the linearized variance of a ratio, a "
                  "cluster-robust standard error for the trend), and Holm's adjustment runs "
                  "over the areas of one unit and year. An area of a single question has "
                  "that question's numbers and is shown only as the question."},
    [W_M_REST_H] = {"Jämfört med alla enheter", "Compared with all units"},
    [W_M_REST] = {"I rapporten för en enhet står varje andel bredvid det vägda totalet för "
                  "alla enheter i databasen samma år (som Kolada ställer en kommun bredvid "
                  "riket). ”högre” eller ”lägre” betyder att enheten skiljer sig statistiskt "
                  "säkerställt från övriga enheter tillsammans: samma test som för "
                  "förändringen (för ett område med den svarande som enhet), Holm-justerat "
                  "över enhetens frågor, och för sig över dess områden, samma år. Där "
                  "enhetens eller totalens siffra är dold av sekretesskäl står ingen "
                  "jämförelse.",
                  "In the report of one unit every share stands beside the weighted total "
                  "of all units in the store that year (as Kolada sets a municipality "
                  "beside the country). \"higher\" or \"lower\" means that the unit differs "
                  "significantly from the other units together: the same test as for the "
                  "change (for an area with the respondent as the unit), Holm-adjusted over "
                  "the unit's questions, and apart over its areas, that year. Where the "
                  "unit's or the total's figure is hidden for confidentiality there is no "
                  "comparison."},
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
