/* analysis/report.c - the yearly report workbook, written with libxlsxwriter.
 *
 * The report reads the figures table and writes; it computes nothing beyond
 * turning fractions into percentage points for display. Before writing it
 * builds one index, grid[unit][year][item] -> row, so that every sheet can ask
 * "this unit, this year, this area or question" in constant time; items are the
 * latest edition's areas followed by its questions. The grid holds pointers
 * only: about (units + 1) x years x items pointers, 1 MB for a national table.
 *
 * Every word the report shows lives in the one wording table below ({sv, en}
 * per key; the Data sheet's column names are fixed English identifiers).
 * templates/ holds the HTML of the forms; the report's wording is short enough
 * to be a C table, which the compiler keeps complete (a missing key is a
 * missing designated initializer, found by check_words() at run time).
 *
 * Charts are drawn for one unit only (the selected one, or the weighted
 * total): 290 municipalities would otherwise give thousands of charts. The Data
 * sheet holds every row of the table.
 *
 * libxlsxwriter reports failures as lxw_error codes; the first one is kept in
 * the context and turned into one diagnostic at the end, so the sheet writers
 * stay straight-line code.
 */
#include "analysis/report.h"
#include "analysis/stats.h"
#include "survey/outfile.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#ifndef ENK_VERSION
#define ENK_VERSION "unknown"
#endif

/* Results from fewer answers than this are flagged as of low precision
 * (statistics.md); the figures table carries the flag, this is for the note. */
#define LOW_PRECISION_N 20

/* ------------------------------------------------------------------------ */
/* Wording                                                                   */
/* ------------------------------------------------------------------------ */

enum word {
        W_SH_SUMMARY,
        W_SH_TRENDS,
        W_SH_DIST,
        W_SH_COMPARE,
        W_SH_QUESTIONS,
        W_SH_METHOD,
        W_SH_DATA,
        W_SUBJECT,
        W_REPORT_SUB,
        W_PAGE_HEADER,
        W_PAGE_FOOTER,
        W_UNIT,
        W_YEAR,
        W_RESPONSES,
        W_SENT,
        W_RATE,
        W_UNKNOWN,
        W_ALL_UNITS,
        W_ITEM,
        W_SHARE_YEAR,
        W_CI_LOW,
        W_CI_HIGH,
        W_N,
        W_PREV_YEAR,
        W_CHANGE,
        W_TREND_SINCE,
        W_NOTE,
        W_AREAS,
        W_HEADLINES,
        W_IN_SHORT,
        W_LEGEND_SIG,
        W_LEGEND_SUPP,
        W_LEGEND_LOWP,
        W_SCALE_CHANGED,
        W_COMPARED_WITH,
        W_PCT,
        W_PCT_PHRASE,
        W_SENT_AGREE,
        W_SENT_QUESTION,
        W_SENT_STATEMENT,
        W_TRENDS_TITLE,
        W_TRENDS_SUB,
        W_SHARE,
        W_CI,
        W_DIST_TITLE,
        W_DIST_SUB,
        W_CMP_TITLE,
        W_CMP_SUB,
        W_SHARE_SHORT,
        W_Q_TITLE,
        W_COL_ID,
        W_COL_TEXT,
        W_COL_TYPE,
        W_COL_SCALE,
        W_COL_POSITIVE,
        W_COL_AREA,
        W_COL_HEADLINE,
        W_COL_EDITIONS,
        W_COL_WAS,
        W_YES,
        W_T_SCALE,
        W_T_SINGLE,
        W_T_MULTIPLE,
        W_T_YESNO,
        W_T_NUMBER,
        W_T_TEXT,
        W_M_TITLE,
        W_M_SHARE_H,
        W_M_SHARE,
        W_M_CI_H,
        W_M_CI,
        W_M_CHANGE_H,
        W_M_CHANGE,
        W_M_HOLM_H,
        W_M_HOLM,
        W_M_TREND_H,
        W_M_TREND,
        W_M_INDEX_H,
        W_M_INDEX,
        W_M_TOTAL_H,
        W_M_TOTAL,
        W_M_SUPP_H,
        W_M_SUPP,
        W_M_LOWP_H,
        W_M_LOWP,
        W_M_TEXT_H,
        W_M_TEXT,
        W_M_FACTS,
        W_M_VERSION,
        W_M_SURVEY,
        W_M_HASH,
        W_M_MIN_N,
        W_M_CREATED,
        W_M_YEARS,
        W_M_UNITS,
        W_COUNT
};

/* Texts with a printf conversion say so in their key's use; %d is a year or a
 * count, %s a unit name or a text. */
static const struct {
        const char *sv, *en;
} words[W_COUNT] = {
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
    [W_CHANGE] = {"Förändring (procent-enheter)", "Change (percentage points)"},
    [W_TREND_SINCE] = {"Trend sedan %d (procent-enheter per år)",
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
                  "än 20 svar visar ingen fördelning där ett svarsalternativ valts av "
                  "färre än gränsen men fler än ingen.",
                  "Results from fewer than %d answers are not shown and are marked \"..\" "
                  "(Kolada's mark). Nothing that could be worked out from a hidden figure "
                  "is shown either: no change from a hidden year and not that year's "
                  "share, no area that includes a hidden question, and trends use only "
                  "the years that are shown. So that a hidden figure cannot be worked out "
                  "from the total, other units are hidden too (secondary suppression), "
                  "and the report for one unit hides the same cells as the report for all "
                  "units. A group with fewer than 20 answers shows no distribution in "
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
};

/* The Data sheet's columns: the first 19 are the documented tidy format; the
 * few after it are what a reader needs to use those (which rows are areas,
 * which year a change is against, the adjusted p behind `significant`). Every
 * column costs about 13 MB for a national table (libxlsxwriter keeps each cell
 * in memory, since tables and charts rule out its constant-memory mode), so
 * the rest of the figures (na, missing, sd, index interval, Cohen's h ...)
 * stay in `enkat stats`. */

/* ------------------------------------------------------------------------ */
/* Context                                                                   */
/* ------------------------------------------------------------------------ */

struct unit_ref {
        const char *name;
        size_t index; /* into f->units */
};

typedef struct ctx {
        const enk_figures *f;
        const enk_questionnaire *q;
        int lang;  /* 0 = sv, 1 = en: the wording table's column */
        int qlang; /* index into q->languages */
        const char *path;
        enk_diags *diags;
        lxw_workbook *wb;
        lxw_error err; /* the first libxlsxwriter failure */
        const char *version;
        long long created;

        /* the index: grid[(unit * nyears + year) * nitems + item] */
        size_t nitems; /* q->nareas + q->nquestions */
        size_t nunits; /* f->nunits + 1: the total is the last */
        const enk_figure **grid;
        struct unit_ref *unit_order; /* f->units sorted by name, for bsearch */

        /* the unit the summary, trend and distribution sheets show */
        size_t cu;
        int yi;      /* index of f->year in f->years, -1 when absent */
        int prev_yi; /* the year before it in the store, -1 when none */

        struct {
                lxw_format *title, *subtitle, *header, *header_left, *section, *label, *wrap,
                    *bold_wrap, *pct, *pct_bold, *pp, *dec1, *dec3, *integer, *year, *dots, *mark,
                    *note, *small, *good, *bad, *date, *hash, *fact_label, *fact_int, *fact_pct,
                    *fact_text, *total_pct, *total_int, *data_head;
        } fmt;
} ctx;

static const char *w(const ctx *c, enum word k)
{
        return c->lang == 1 ? words[k].en : words[k].sv;
}

/* Every key has both languages: a forgotten initializer leaves NULLs. */
static bool check_words(void)
{
        for (size_t i = 0; i < W_COUNT; i++)
                if (!words[i].sv || !words[i].en)
                        return false;
        return true;
}

/* The questionnaire's text in the report language, falling back to its
 * default language. Local rather than enk_text_get() so that the report
 * depends on the model's structs only. */
static const char *txt(const ctx *c, const enk_text *t)
{
        if (c->qlang >= 0 && c->qlang < ENK_LANG_MAX && t->s[c->qlang])
                return t->s[c->qlang];
        return t->s[0] ? t->s[0] : "";
}

static void note_err(ctx *c, lxw_error e)
{
        if (e != LXW_NO_ERROR && c->err == LXW_NO_ERROR)
                c->err = e;
}

/* Cuts s to at most max bytes without splitting a UTF-8 character. */
static void clip_utf8(char *s, size_t max)
{
        size_t n = strlen(s);
        if (n <= max)
                return;
        while (max > 0 && ((unsigned char) s[max] & 0xC0) == 0x80)
                max--;
        s[max] = '\0';
}

/* A formatted string in a buffer the caller owns. */
static const char *fmt_s(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static const char *fmt_s(char *buf, size_t cap, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, cap, fmt, ap);
        va_end(ap);
        return buf;
}

/* The wording tables hold printf formats; the compiler cannot check a format
 * picked at run time, so these small wrappers fix the argument types. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static const char *w_d(const ctx *c, char *buf, size_t cap, enum word k, int d)
{
        snprintf(buf, cap, w(c, k), d);
        return buf;
}
static const char *w_s(const ctx *c, char *buf, size_t cap, enum word k, const char *s)
{
        snprintf(buf, cap, w(c, k), s);
        return buf;
}
static const char *w_ds(const ctx *c, char *buf, size_t cap, enum word k, int d, const char *s)
{
        snprintf(buf, cap, w(c, k), d, s);
        return buf;
}
static const char *w_ss(const ctx *c, char *buf, size_t cap, enum word k, const char *a,
                        const char *b)
{
        snprintf(buf, cap, w(c, k), a, b);
        return buf;
}
#pragma GCC diagnostic pop

/* ---- cell writers: NaN becomes an empty cell, errors are remembered ---- */

static void put_str(ctx *c, lxw_worksheet *ws, size_t r, size_t col, const char *s, lxw_format *fmt)
{
        if (r > LXW_ROW_MAX - 1 || col > LXW_COL_MAX - 1) {
                note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
                return;
        }
        if (!s || !*s) {
                if (fmt)
                        note_err(c, worksheet_write_blank(ws, (lxw_row_t) r, (lxw_col_t) col, fmt));
                return;
        }
        note_err(c, worksheet_write_string(ws, (lxw_row_t) r, (lxw_col_t) col, s, fmt));
}

static void put_num(ctx *c, lxw_worksheet *ws, size_t r, size_t col, double v, lxw_format *fmt)
{
        if (r > LXW_ROW_MAX - 1 || col > LXW_COL_MAX - 1) {
                note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
                return;
        }
        if (!isfinite(v)) {
                if (fmt)
                        note_err(c, worksheet_write_blank(ws, (lxw_row_t) r, (lxw_col_t) col, fmt));
                return;
        }
        note_err(c, worksheet_write_number(ws, (lxw_row_t) r, (lxw_col_t) col, v, fmt));
}

/* A figure's number of answers, or ".." when even that is hidden
 * (enk_figure.counts_hidden). */
static void put_n(ctx *c, lxw_worksheet *ws, size_t r, size_t col, const enk_figure *f)
{
        if (f->counts_hidden)
                put_str(c, ws, r, col, "..", c->fmt.dots);
        else
                put_num(c, ws, r, col, (double) f->n, c->fmt.integer);
}

static void put_bool(ctx *c, lxw_worksheet *ws, size_t r, size_t col, bool v)
{
        note_err(c, worksheet_write_boolean(ws, (lxw_row_t) r, (lxw_col_t) col, v, NULL));
}

static void col_width(ctx *c, lxw_worksheet *ws, size_t first, size_t last, double width,
                      lxw_format *fmt)
{
        note_err(c, worksheet_set_column(ws, (lxw_col_t) first, (lxw_col_t) last, width, fmt));
}

static void row_height(ctx *c, lxw_worksheet *ws, size_t r, double height)
{
        note_err(c, worksheet_set_row(ws, (lxw_row_t) r, height, NULL));
}

/* The lines a wrapped text takes in a column width characters wide, by
 * greedy word wrap. An estimate, and needed: neither Excel nor LibreOffice
 * grows a row for wrapped text in a file they open. */
static unsigned text_lines(const char *s, double width)
{
        size_t per = width > 1 ? (size_t) width : 1;
        unsigned lines = 1;
        size_t line = 0;
        bool glued = false; /* the word follows a hyphen: no space before it */
        while (*s) {
                size_t word = 0;
                bool space = !glued;
                while (*s == ' ')
                        s++;
                glued = false;
                while (*s && *s != ' ') {
                        if (((unsigned char) *s & 0xC0) != 0x80)
                                word++;
                        /* a line may also break after a hyphen */
                        if (*s++ == '-' && *s && *s != ' ') {
                                glued = true;
                                break;
                        }
                }
                if (!word)
                        break;
                size_t gap = line && space ? 1 : 0;
                if (line && line + gap + word > per) {
                        lines++;
                        line = 0;
                        gap = 0;
                }
                line += gap + word;
                while (line > per) { /* a word longer than the column */
                        lines++;
                        line -= per;
                }
        }
        return lines;
}

/* Makes row tall enough for the given number of lines (15 points each). */
static void fit_row(ctx *c, lxw_worksheet *ws, size_t row, unsigned lines)
{
        if (lines > 1)
                row_height(c, ws, row, 15.0 * lines + 1);
}

/* ------------------------------------------------------------------------ */
/* The index                                                                 */
/* ------------------------------------------------------------------------ */

static int cmp_unit_ref(const void *a, const void *b)
{
        return strcmp(((const struct unit_ref *) a)->name, ((const struct unit_ref *) b)->name);
}

/* Index of unit name (the total is c->nunits - 1), or -1. */
static long unit_index(const ctx *c, const char *name)
{
        if (!name)
                return -1;
        if (strcmp(name, ENK_ALL_UNITS) == 0)
                return (long) c->nunits - 1;
        size_t lo = 0, hi = c->f->nunits;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int d = strcmp(name, c->unit_order[mid].name);
                if (d == 0)
                        return (long) c->unit_order[mid].index;
                if (d < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return -1;
}

static int year_index(const ctx *c, int year)
{
        for (size_t i = 0; i < c->f->nyears; i++)
                if (c->f->years[i] == year)
                        return (int) i;
        return -1;
}

/* The item of a row: its area, or its question after all areas. The row's
 * own index is trusted when it names the same id (the common case); else the
 * id is looked up. */
static long item_index(const ctx *c, const enk_figure *r)
{
        const enk_questionnaire *q = c->q;
        if (!r->question)
                return -1;
        if (r->is_area) {
                if (r->question_index >= 0 && (size_t) r->question_index < q->nareas &&
                    strcmp(q->areas[r->question_index].id, r->question) == 0)
                        return r->question_index;
                for (size_t i = 0; i < q->nareas; i++)
                        if (strcmp(q->areas[i].id, r->question) == 0)
                                return (long) i;
                return -1;
        }
        if (r->question_index >= 0 && (size_t) r->question_index < q->nquestions &&
            strcmp(q->questions[r->question_index].id, r->question) == 0)
                return (long) q->nareas + r->question_index;
        for (size_t i = 0; i < q->nquestions; i++)
                if (strcmp(q->questions[i].id, r->question) == 0)
                        return (long) (q->nareas + i);
        return -1;
}

static const enk_figure *cell(const ctx *c, size_t unit, int yi, size_t item)
{
        if (yi < 0)
                return NULL;
        return c->grid[(unit * c->f->nyears + (size_t) yi) * c->nitems + item];
}

static enk_status build_index(ctx *c)
{
        const enk_figures *f = c->f;
        c->nitems = c->q->nareas + c->q->nquestions;
        c->nunits = f->nunits + 1;
        size_t ncells = c->nunits * (f->nyears ? f->nyears : 1) * (c->nitems ? c->nitems : 1);
        c->grid = calloc(ncells, sizeof *c->grid);
        c->unit_order = malloc((f->nunits ? f->nunits : 1) * sizeof *c->unit_order);
        if (!c->grid || !c->unit_order)
                return ENK_ERR_NOMEM;
        for (size_t i = 0; i < f->nunits; i++)
                c->unit_order[i] = (struct unit_ref){f->units[i] ? f->units[i] : "", i};
        qsort(c->unit_order, f->nunits, sizeof *c->unit_order, cmp_unit_ref);

        /* Rows come by unit then year: remember the last lookups. */
        const char *last_unit = NULL;
        long ui = -1;
        int last_year = 0, yi = -1;
        for (size_t i = 0; i < f->nrows; i++) {
                const enk_figure *r = &f->rows[i];
                if (r->unit != last_unit) {
                        last_unit = r->unit;
                        ui = unit_index(c, r->unit);
                }
                if (r->year != last_year || yi < 0) {
                        last_year = r->year;
                        yi = year_index(c, r->year);
                }
                long it = item_index(c, r);
                if (ui < 0 || yi < 0 || it < 0)
                        continue; /* outside the scope the table declares */
                c->grid[((size_t) ui * f->nyears + (size_t) yi) * c->nitems + (size_t) it] = r;
        }
        return ENK_OK;
}

static bool item_is_area(const ctx *c, size_t item)
{
        return item < c->q->nareas;
}

static const enk_question *item_question(const ctx *c, size_t item)
{
        return item_is_area(c, item) ? NULL : &c->q->questions[item - c->q->nareas];
}

static const char *item_label(const ctx *c, size_t item)
{
        if (item_is_area(c, item))
                return txt(c, &c->q->areas[item].label);
        return txt(c, &item_question(c, item)->text);
}

/* Whether the unit has any row for item in any year. */
static bool item_has_data(const ctx *c, size_t unit, size_t item)
{
        for (size_t y = 0; y < c->f->nyears; y++)
                if (cell(c, unit, (int) y, item))
                        return true;
        return false;
}

/* The summary's questions: the headline ones, or every question with figures
 * when none is marked headline (so the summary is never empty). */
static bool item_on_summary(const ctx *c, size_t item, bool any_headline)
{
        if (item_is_area(c, item))
                return true;
        const enk_question *qn = item_question(c, item);
        return any_headline ? qn->headline : qn->type == ENK_Q_SCALE;
}

static bool any_headline(const ctx *c)
{
        for (size_t i = 0; i < c->q->nquestions; i++)
                if (c->q->questions[i].headline)
                        return true;
        return false;
}

static const char *unit_label(const ctx *c, size_t unit)
{
        return unit == c->nunits - 1 ? w(c, W_ALL_UNITS) : c->f->units[unit];
}

/* The wave of unit x year; for the total without its own wave, the sum over
 * the units (sent is unknown when any unit's is). */
static enk_wave_info wave_of(const ctx *c, size_t unit, int year)
{
        const enk_figures *f = c->f;
        const char *name = unit == c->nunits - 1 ? ENK_ALL_UNITS : f->units[unit];
        for (size_t i = 0; i < f->nwaves; i++)
                if (f->waves[i].year == year && f->waves[i].unit &&
                    strcmp(f->waves[i].unit, name) == 0)
                        return f->waves[i];
        enk_wave_info sum = {name, year, 0, 0, 0, NAN};
        bool found = false;
        if (unit == c->nunits - 1) {
                for (size_t i = 0; i < f->nwaves; i++) {
                        if (f->waves[i].year != year ||
                            (f->waves[i].unit && strcmp(f->waves[i].unit, ENK_ALL_UNITS) == 0))
                                continue;
                        found = true;
                        sum.responses += f->waves[i].responses;
                        if (f->waves[i].sent < 0 || sum.sent < 0)
                                sum.sent = -1;
                        else
                                sum.sent += f->waves[i].sent;
                }
        }
        if (!found) {
                sum.responses = -1; /* not known */
                sum.sent = -1;
        }
        if (sum.sent > 0)
                sum.response_rate = (double) sum.responses / (double) sum.sent;
        return sum;
}

/* ------------------------------------------------------------------------ */
/* Formats and page setup                                                    */
/* ------------------------------------------------------------------------ */

#define C_BLUE    0x1F4E79
#define C_HEADER  0xDDEBF7
#define C_SECTION 0xF2F2F2
#define C_GREY    0x7F7F7F
#define C_RULE    0xA6A6A6
#define C_GOOD_FG 0x006100
#define C_GOOD_BG 0xC6EFCE
#define C_BAD_FG  0x9C0006
#define C_BAD_BG  0xFFC7CE

static lxw_format *add_fmt(ctx *c)
{
        lxw_format *f = workbook_add_format(c->wb);
        if (!f)
                note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return f;
}

static bool make_formats(ctx *c)
{
        const char *pct = c->lang == 1 ? "0%" : "0 %";
        lxw_format **all[] = {
            &c->fmt.title,     &c->fmt.subtitle,  &c->fmt.header,    &c->fmt.header_left,
            &c->fmt.section,   &c->fmt.label,     &c->fmt.wrap,      &c->fmt.bold_wrap,
            &c->fmt.pct,       &c->fmt.pct_bold,  &c->fmt.pp,        &c->fmt.dec1,
            &c->fmt.dec3,      &c->fmt.integer,   &c->fmt.year,      &c->fmt.dots,
            &c->fmt.mark,      &c->fmt.note,      &c->fmt.small,     &c->fmt.good,
            &c->fmt.bad,       &c->fmt.date,      &c->fmt.hash,      &c->fmt.fact_label,
            &c->fmt.fact_int,  &c->fmt.fact_pct,  &c->fmt.fact_text, &c->fmt.total_pct,
            &c->fmt.total_int, &c->fmt.data_head,
        };
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
                if (!(*all[i] = add_fmt(c)))
                        return false;
        format_set_bold(c->fmt.title);
        format_set_font_size(c->fmt.title, 16);
        format_set_font_color(c->fmt.title, C_BLUE);
        format_set_bold(c->fmt.subtitle);
        format_set_font_size(c->fmt.subtitle, 12);

        lxw_format *hdr[] = {c->fmt.header, c->fmt.header_left};
        for (size_t i = 0; i < 2; i++) {
                format_set_bold(hdr[i]);
                format_set_text_wrap(hdr[i]);
                format_set_align(hdr[i], LXW_ALIGN_VERTICAL_BOTTOM);
                format_set_bg_color(hdr[i], C_HEADER);
                format_set_bottom(hdr[i], LXW_BORDER_THIN);
                format_set_bottom_color(hdr[i], C_BLUE);
        }
        format_set_align(c->fmt.header, LXW_ALIGN_CENTER);

        format_set_bold(c->fmt.section);
        format_set_bg_color(c->fmt.section, C_SECTION);
        format_set_top(c->fmt.section, LXW_BORDER_THIN);
        format_set_top_color(c->fmt.section, C_RULE);

        format_set_bold(c->fmt.label);
        format_set_align(c->fmt.wrap, LXW_ALIGN_VERTICAL_TOP);
        format_set_text_wrap(c->fmt.wrap);
        format_set_align(c->fmt.bold_wrap, LXW_ALIGN_VERTICAL_TOP);
        format_set_text_wrap(c->fmt.bold_wrap);
        format_set_bold(c->fmt.bold_wrap);

        format_set_num_format(c->fmt.pct, pct);
        format_set_num_format(c->fmt.pct_bold, pct);
        format_set_bold(c->fmt.pct_bold);
        format_set_num_format(c->fmt.pp, "+0.0;-0.0;0.0");
        format_set_num_format(c->fmt.dec1, "0.0");
        format_set_num_format(c->fmt.dec3, "0.000");
        format_set_num_format(c->fmt.integer, "#,##0");
        format_set_num_format(c->fmt.year, "0");
        format_set_align(c->fmt.year, LXW_ALIGN_LEFT);

        format_set_align(c->fmt.dots, LXW_ALIGN_RIGHT);
        format_set_font_color(c->fmt.dots, C_GREY);
        format_set_align(c->fmt.mark, LXW_ALIGN_CENTER);
        format_set_bold(c->fmt.mark);
        format_set_font_color(c->fmt.note, C_GREY);
        format_set_italic(c->fmt.note);
        format_set_font_size(c->fmt.small, 9);
        format_set_font_color(c->fmt.small, C_GREY);

        format_set_font_color(c->fmt.good, C_GOOD_FG);
        format_set_bg_color(c->fmt.good, C_GOOD_BG);
        format_set_font_color(c->fmt.bad, C_BAD_FG);
        format_set_bg_color(c->fmt.bad, C_BAD_BG);

        /* The facts on the summary: labels right-aligned against their values. */
        format_set_bold(c->fmt.fact_label);
        format_set_align(c->fmt.fact_label, LXW_ALIGN_RIGHT);
        format_set_indent(c->fmt.fact_label, 1);
        format_set_num_format(c->fmt.fact_int, "#,##0");
        format_set_align(c->fmt.fact_int, LXW_ALIGN_LEFT);
        format_set_num_format(c->fmt.fact_pct, pct);
        format_set_align(c->fmt.fact_pct, LXW_ALIGN_LEFT);
        format_set_bold(c->fmt.fact_pct);
        format_set_align(c->fmt.fact_text, LXW_ALIGN_LEFT);
        /* the total's row: bold on the section's shading */
        lxw_format *tot[] = {c->fmt.total_pct, c->fmt.total_int};
        for (size_t i = 0; i < 2; i++) {
                format_set_bold(tot[i]);
                format_set_bg_color(tot[i], C_SECTION);
                format_set_top(tot[i], LXW_BORDER_THIN);
                format_set_top_color(tot[i], C_RULE);
        }
        format_set_num_format(c->fmt.total_pct, pct);
        format_set_num_format(c->fmt.total_int, "#,##0");
        format_set_bold(c->fmt.data_head);
        format_set_align(c->fmt.data_head, LXW_ALIGN_RIGHT);
        format_set_num_format(c->fmt.date, "yyyy-mm-dd hh:mm");
        format_set_align(c->fmt.date, LXW_ALIGN_LEFT);
        format_set_font_name(c->fmt.hash, "DejaVu Sans Mono");
        format_set_font_size(c->fmt.hash, 9);
        return c->err == LXW_NO_ERROR;
}

/* A header text with '&' doubled: '&' starts a control code in page headers. */
/* How a sheet is printed: on one page (the summary), one page wide (most),
 * or at full size over as many pages as it takes (a wide comparison). */
enum fit { FIT_PAGE, FIT_WIDTH, FIT_NONE };

/* Adds the sheet named by the word `name` in the report's language; NULL (and
 * the error noted) when libxlsxwriter could not. */
static lxw_worksheet *add_sheet(ctx *c, enum word name)
{
        lxw_worksheet *ws = workbook_add_worksheet(c->wb, w(c, name));
        if (!ws)
                note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return ws;
}

static void page_setup(ctx *c, lxw_worksheet *ws, enum fit fit)
{
        char title[512], esc[1024], buf[1200];
        size_t j = 0;
        /* Excel allows 255 characters in a page header, codes included. */
        fmt_s(title, sizeof title, "%s", txt(c, &c->q->title));
        clip_utf8(title, 120);
        for (size_t i = 0; title[i] && j + 2 < sizeof esc; i++) {
                if (title[i] == '&')
                        esc[j++] = '&';
                esc[j++] = title[i];
        }
        esc[j] = '\0';
        worksheet_set_paper(ws, 9); /* A4 */
        worksheet_set_landscape(ws);
        worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
        if (fit != FIT_NONE)
                worksheet_fit_to_pages(ws, 1, fit == FIT_PAGE ? 1 : 0);
        worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
        note_err(c, worksheet_set_header(ws, w_s(c, buf, sizeof buf, W_PAGE_HEADER, esc)));
        note_err(c, worksheet_set_footer(ws, w(c, W_PAGE_FOOTER)));
}

static void put_title(ctx *c, lxw_worksheet *ws, const char *title, const char *sub)
{
        put_str(c, ws, 0, 0, title, c->fmt.title);
        row_height(c, ws, 0, 24);
        if (sub)
                put_str(c, ws, 1, 0, sub, c->fmt.subtitle);
}

/* A percentage for sentences, rounded as the cells show it. */
static int pct_of(double share)
{
        return (int) lround(share * 100.0);
}

/* ------------------------------------------------------------------------ */
/* The headline sentence                                                     */
/* ------------------------------------------------------------------------ */

static bool is_upper_at(const unsigned char *s)
{
        if (s[0] < 0x80)
                return isupper(s[0]) != 0;
        /* UTF-8 Latin-1 supplement capitals À..Þ (not ×): Å Ä Ö É ... */
        return s[0] == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97;
}

static size_t char_len(const unsigned char *s)
{
        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xE0) == 0xC0)
                return 2;
        if ((s[0] & 0xF0) == 0xE0)
                return 3;
        return 4;
}

/* Capitalises the first letter of s in place (ASCII and Latin-1 letters). */
static void upper_first(char *s)
{
        unsigned char *u = (unsigned char *) s;
        if (u[0] < 0x80)
                u[0] = (unsigned char) toupper(u[0]);
        else if (u[0] == 0xC3 && u[1] >= 0xA0 && u[1] <= 0xBE && u[1] != 0xB7)
                u[1] = (unsigned char) (u[1] - 0x20);
}

/* Lower-cases the first letter of s in place unless the second is a capital
 * too (an abbreviation such as "BBIC"). */
static void lower_first(char *s)
{
        unsigned char *u = (unsigned char *) s;
        if (!u[0] || !is_upper_at(u))
                return;
        size_t n = char_len(u);
        if (u[n] && is_upper_at(u + n))
                return;
        if (u[0] < 0x80)
                u[0] = (unsigned char) tolower(u[0]);
        else
                u[1] = (unsigned char) (u[1] + 0x20);
}

/* Whether text speaks in the first person ("Jag blir tagen på allvar"): then
 * "anser att jag ..." would change who speaks, so the sentence quotes it. */
static bool first_person(const ctx *c, const char *text)
{
        static const char *const sv[] = {"jag", "mig", "min",  "mitt", "mina", "vi",
                                         "oss", "vår", "vårt", "våra", NULL};
        static const char *const en[] = {"i", "me", "my", "we", "us", "our", NULL};
        const char *const *list = c->lang == 1 ? en : sv;
        const unsigned char *p = (const unsigned char *) text;
        char word[32];
        while (*p) {
                size_t n = 0;
                while (*p && (*p >= 0x80 || isalpha(*p))) {
                        if (n + 1 < sizeof word)
                                word[n++] = (char) (*p < 0x80 ? tolower(*p) : *p);
                        p++;
                }
                word[n] = '\0';
                /* Swedish capitals at a word's start (Vår): lower the UTF-8 pair */
                if (n >= 2 && (unsigned char) word[0] == 0xC3 && (unsigned char) word[1] >= 0x80 &&
                    (unsigned char) word[1] <= 0x9E)
                        word[1] = (char) ((unsigned char) word[1] + 0x20);
                for (size_t i = 0; n && list[i]; i++)
                        if (strcmp(word, list[i]) == 0)
                                return true;
                while (*p && !(*p >= 0x80 || isalpha(*p)))
                        p++;
        }
        return false;
}

/* The share as it starts a sentence: "Fler än nio av tio (92 %)", the words
 * from the statistics module (the same bands everywhere enkat words a share),
 * the percentage as the cells round it. */
static const char *share_lead(const ctx *c, char *buf, size_t cap, double share)
{
        int pct = pct_of(share);
        const char *phrase = enk_stats_share_phrase(share, c->lang == 1 ? "en" : "sv");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (phrase)
                snprintf(buf, cap, w(c, W_PCT_PHRASE), phrase, pct);
        else
                snprintf(buf, cap, w(c, W_PCT), pct);
#pragma GCC diagnostic pop
        upper_first(buf);
        return buf;
}

/* "92 % anser att samarbetet med skolan fungerar bra": a statement is turned
 * into a that-clause, a question or a first-person statement is quoted. */
static const char *headline_sentence(const ctx *c, char *buf, size_t cap, const enk_figure *r,
                                     const char *text)
{
        char lead[128], body[1024];
        share_lead(c, lead, sizeof lead, r->share);
        fmt_s(body, sizeof body, "%s", text);
        size_t n = strlen(body);
        while (n && (body[n - 1] == ' ' || body[n - 1] == '.'))
                body[--n] = '\0';
        if (n && body[n - 1] == '?')
                return w_ss(c, buf, cap, W_SENT_QUESTION, lead, body);
        if (first_person(c, body))
                return w_ss(c, buf, cap, W_SENT_STATEMENT, lead, body);
        lower_first(body);
        return w_ss(c, buf, cap, W_SENT_AGREE, lead, body);
}

/* ------------------------------------------------------------------------ */
/* Sheet 1: the summary                                                      */
/* ------------------------------------------------------------------------ */

enum {
        S_LABEL,
        S_SHARE,
        S_LOW,
        S_HIGH,
        S_N,
        S_PREV,
        S_CHANGE,
        S_CHANGE_MARK,
        S_TREND,
        S_TREND_MARK,
        S_NOTE,
        S_NCOLS
};

#define SUM_LABEL_W 52

static const char *up_down(double v)
{
        return v > 0 ? "▲" : "▼";
}

static void summary_row(ctx *c, lxw_worksheet *ws, size_t row, size_t item)
{
        const enk_figure *r = cell(c, c->cu, c->yi, item);
        char buf[64], note[128] = "";
        put_str(c, ws, row, S_LABEL, item_label(c, item),
                item_is_area(c, item) ? c->fmt.bold_wrap : c->fmt.wrap);
        fit_row(c, ws, row, text_lines(item_label(c, item), SUM_LABEL_W));
        if (!r)
                return;
        put_n(c, ws, row, S_N, r);
        if (r->suppressed) {
                size_t cols[] = {S_SHARE, S_LOW, S_HIGH, S_PREV, S_CHANGE, S_TREND};
                for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
                        put_str(c, ws, row, cols[i], "..", c->fmt.dots);
                return;
        }
        put_num(c, ws, row, S_SHARE, r->share, c->fmt.pct_bold);
        put_num(c, ws, row, S_LOW, r->ci_low, c->fmt.pct);
        put_num(c, ws, row, S_HIGH, r->ci_high, c->fmt.pct);
        if (r->prev_hidden) {
                put_str(c, ws, row, S_PREV, "..", c->fmt.dots);
                put_str(c, ws, row, S_CHANGE, "..", c->fmt.dots);
        } else {
                put_num(c, ws, row, S_PREV, r->prev_share, c->fmt.pct);
                put_num(c, ws, row, S_CHANGE, r->diff * 100.0, c->fmt.pp);
        }
        if (r->change != ENK_CHANGE_NONE)
                put_str(c, ws, row, S_CHANGE_MARK, r->change == ENK_CHANGE_UP ? "▲" : "▼",
                        c->fmt.mark);
        put_num(c, ws, row, S_TREND, r->trend_slope_pp, c->fmt.pp);
        if (isfinite(r->trend_p) && r->trend_p < ENK_STATS_ALPHA && isfinite(r->trend_slope_pp) &&
            r->trend_slope_pp != 0)
                put_str(c, ws, row, S_TREND_MARK, up_down(r->trend_slope_pp), c->fmt.mark);

        if (r->low_precision || (r->n > 0 && r->n < LOW_PRECISION_N))
                strcat(note, "*");
        if (r->scale_changed) {
                if (*note)
                        strcat(note, " ");
                strncat(note, w(c, W_SCALE_CHANGED), sizeof note - strlen(note) - 1);
        }
        int prev = c->prev_yi >= 0 ? c->f->years[c->prev_yi] : 0;
        if (r->prev_year && r->prev_year != prev && isfinite(r->prev_share)) {
                if (*note)
                        strcat(note, " ");
                strncat(note, w_d(c, buf, sizeof buf, W_COMPARED_WITH, r->prev_year),
                        sizeof note - strlen(note) - 1);
        }
        put_str(c, ws, row, S_NOTE, note, c->fmt.note);
}

/* Green when the mark in the next column says up, red when down: the mark is
 * the test's verdict (Holm-adjusted), the number alone is not. */
static void mark_colours(ctx *c, lxw_worksheet *ws, size_t first, size_t last, size_t col,
                         size_t mark_col)
{
        char up[64], down[64], colname[8];
        lxw_col_to_name(colname, (lxw_col_t) mark_col, 1);
        fmt_s(up, sizeof up, "=%s%zu=\"▲\"", colname, first + 1);
        fmt_s(down, sizeof down, "=%s%zu=\"▼\"", colname, first + 1);
        lxw_conditional_format cf = {0};
        cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
        cf.value_string = up;
        cf.format = c->fmt.good;
        note_err(c,
                 worksheet_conditional_format_range(ws, (lxw_row_t) first, (lxw_col_t) col,
                                                    (lxw_row_t) last, (lxw_col_t) mark_col, &cf));
        cf.value_string = down;
        cf.format = c->fmt.bad;
        note_err(c,
                 worksheet_conditional_format_range(ws, (lxw_row_t) first, (lxw_col_t) col,
                                                    (lxw_row_t) last, (lxw_col_t) mark_col, &cf));
}

static void sheet_summary(ctx *c)
{
        const enk_figures *f = c->f;
        lxw_worksheet *ws = add_sheet(c, W_SH_SUMMARY);
        if (!ws)
                return;
        char buf[512];
        page_setup(c, ws, FIT_PAGE);
        put_title(c, ws, txt(c, &c->q->title),
                  w_ds(c, buf, sizeof buf, W_REPORT_SUB, f->year, unit_label(c, c->cu)));

        /* The facts: who, when, how many. */
        enk_wave_info wave = wave_of(c, c->cu, f->year);
        size_t row = 3;
        lxw_format *lab = c->fmt.fact_label;
        put_str(c, ws, row, 0, w(c, W_UNIT), lab);
        put_str(c, ws, row++, 1, unit_label(c, c->cu), c->fmt.fact_text);
        put_str(c, ws, row, 0, w(c, W_YEAR), lab);
        put_num(c, ws, row++, 1, f->year, c->fmt.year);
        put_str(c, ws, row, 0, w(c, W_RESPONSES), lab);
        if (wave.responses >= 0)
                put_num(c, ws, row++, 1, (double) wave.responses, c->fmt.fact_int);
        else
                put_str(c, ws, row++, 1, w(c, W_UNKNOWN), c->fmt.note);
        put_str(c, ws, row, 0, w(c, W_SENT), lab);
        if (wave.sent >= 0)
                put_num(c, ws, row++, 1, (double) wave.sent, c->fmt.fact_int);
        else
                put_str(c, ws, row++, 1, w(c, W_UNKNOWN), c->fmt.note);
        put_str(c, ws, row, 0, w(c, W_RATE), lab);
        if (isfinite(wave.response_rate))
                put_num(c, ws, row++, 1, wave.response_rate, c->fmt.fact_pct);
        else
                put_str(c, ws, row++, 1, w(c, W_UNKNOWN), c->fmt.note);

        /* The table. */
        row++;
        size_t header = row;
        int first_year = f->nyears ? f->years[0] : f->year;
        int prev = c->prev_yi >= 0 ? f->years[c->prev_yi] : 0;
        put_str(c, ws, header, S_LABEL, w(c, W_ITEM), c->fmt.header_left);
        put_str(c, ws, header, S_SHARE, w_d(c, buf, sizeof buf, W_SHARE_YEAR, f->year),
                c->fmt.header);
        put_str(c, ws, header, S_LOW, w(c, W_CI_LOW), c->fmt.header);
        put_str(c, ws, header, S_HIGH, w(c, W_CI_HIGH), c->fmt.header);
        put_str(c, ws, header, S_N, w(c, W_N), c->fmt.header);
        if (prev)
                put_str(c, ws, header, S_PREV, w_d(c, buf, sizeof buf, W_PREV_YEAR, prev),
                        c->fmt.header);
        else
                put_str(c, ws, header, S_PREV, "", c->fmt.header);
        put_str(c, ws, header, S_CHANGE, w(c, W_CHANGE), c->fmt.header);
        put_str(c, ws, header, S_CHANGE_MARK, "", c->fmt.header);
        put_str(c, ws, header, S_TREND, w_d(c, buf, sizeof buf, W_TREND_SINCE, first_year),
                c->fmt.header);
        put_str(c, ws, header, S_TREND_MARK, "", c->fmt.header);
        put_str(c, ws, header, S_NOTE, w(c, W_NOTE), c->fmt.header);
        /* tall enough for the longest heading in its narrow column */
        struct {
                size_t col;
                double width;
        } hw[] = {{S_SHARE, 11}, {S_PREV, 11}, {S_CHANGE, 12}, {S_TREND, 14}};
        unsigned lines = 3;
        for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++) {
                char text[256];
                const char *t = "";
                if (hw[i].col == S_SHARE)
                        t = w_d(c, text, sizeof text, W_SHARE_YEAR, f->year);
                else if (hw[i].col == S_PREV)
                        t = w_d(c, text, sizeof text, W_PREV_YEAR, prev);
                else if (hw[i].col == S_CHANGE)
                        t = w(c, W_CHANGE);
                else
                        t = w_d(c, text, sizeof text, W_TREND_SINCE, first_year);
                unsigned l = text_lines(t, hw[i].width);
                if (l > lines)
                        lines = l;
        }
        fit_row(c, ws, header, lines);
        row++;

        bool headline = any_headline(c);
        size_t first_data = row;
        for (int pass = 0; pass < 2; pass++) {
                bool areas = pass == 0;
                bool section = false;
                for (size_t it = 0; it < c->nitems; it++) {
                        if (item_is_area(c, it) != areas || !item_on_summary(c, it, headline))
                                continue;
                        if (!cell(c, c->cu, c->yi, it))
                                continue;
                        if (!section) {
                                put_str(c, ws, row, 0, w(c, areas ? W_AREAS : W_HEADLINES),
                                        c->fmt.section);
                                for (size_t col = 1; col < S_NCOLS; col++)
                                        put_str(c, ws, row, col, "", c->fmt.section);
                                row++;
                                section = true;
                        }
                        summary_row(c, ws, row++, it);
                }
        }
        if (row > first_data) {
                mark_colours(c, ws, first_data, row - 1, S_CHANGE, S_CHANGE_MARK);
                mark_colours(c, ws, first_data, row - 1, S_TREND, S_TREND_MARK);
        }

        /* The sentences, then the legend. */
        row++;
        bool said = false;
        for (size_t it = c->q->nareas; it < c->nitems; it++) {
                const enk_figure *r = cell(c, c->cu, c->yi, it);
                if (!item_on_summary(c, it, headline) || !r || r->suppressed || !isfinite(r->share))
                        continue;
                if (!said) {
                        put_str(c, ws, row++, 0, w(c, W_IN_SHORT), c->fmt.subtitle);
                        said = true;
                }
                char sentence[1400];
                headline_sentence(c, sentence, sizeof sentence, r, item_label(c, it));
                put_str(c, ws, row++, 0, sentence, NULL);
        }
        if (said)
                row++;
        put_str(c, ws, row++, 0, w(c, W_LEGEND_SIG), c->fmt.small);
        put_str(c, ws, row++, 0, w_d(c, buf, sizeof buf, W_LEGEND_SUPP, f->min_n), c->fmt.small);
        put_str(c, ws, row++, 0, w_d(c, buf, sizeof buf, W_LEGEND_LOWP, LOW_PRECISION_N),
                c->fmt.small);

        col_width(c, ws, S_LABEL, S_LABEL, SUM_LABEL_W, NULL);
        col_width(c, ws, S_SHARE, S_SHARE, 11, NULL);
        col_width(c, ws, S_LOW, S_HIGH, 8, NULL);
        col_width(c, ws, S_N, S_N, 6, NULL);
        col_width(c, ws, S_PREV, S_PREV, 11, NULL);
        col_width(c, ws, S_CHANGE, S_CHANGE, 12, NULL);
        col_width(c, ws, S_CHANGE_MARK, S_CHANGE_MARK, 3, NULL);
        col_width(c, ws, S_TREND, S_TREND, 14, NULL);
        col_width(c, ws, S_TREND_MARK, S_TREND_MARK, 3, NULL);
        col_width(c, ws, S_NOTE, S_NOTE, 14, NULL);
        worksheet_freeze_panes(ws, (lxw_row_t) (header + 1), 0);
        note_err(c, worksheet_print_area(ws, 0, 0, (lxw_row_t) row, S_NOTE));
        worksheet_activate(ws);
}

/* ------------------------------------------------------------------------ */
/* Sheet 2: trends                                                           */
/* ------------------------------------------------------------------------ */

#define CHART_W 480
#define CHART_H 288
#define T_NCOLS 6 /* the trend table's columns: year, share, low, high, n, note */

static lxw_chart *new_chart(ctx *c, uint8_t type)
{
        lxw_chart *ch = workbook_add_chart(c->wb, type);
        if (!ch)
                note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return ch;
}

/* Chart texts that start with '=' would be taken as a cell reference. */
static const char *chart_text(char *buf, size_t cap, const char *s)
{
        if (s[0] == '=')
                return fmt_s(buf, cap, " %s", s);
        return fmt_s(buf, cap, "%s", s);
}

static void trend_chart(ctx *c, lxw_worksheet *ws, const char *sheet, size_t first, size_t last,
                        size_t item, size_t slot)
{
        lxw_chart *ch = new_chart(c, LXW_CHART_LINE);
        if (!ch)
                return;
        char buf[600];
        lxw_chart_font title_font = {.size = 10, .bold = 1};
        lxw_chart_font axis_font = {.size = 8};
        chart_title_set_name(ch, chart_text(buf, sizeof buf, item_label(c, item)));
        chart_title_set_name_font(ch, &title_font);

        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        lxw_chart_series *lo = chart_add_series(ch, NULL, NULL);
        lxw_chart_series *hi = chart_add_series(ch, NULL, NULL);
        if (!s || !lo || !hi) {
                note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return;
        }
        lxw_chart_series *all[] = {s, lo, hi};
        size_t cols[] = {1, 2, 3};
        for (size_t i = 0; i < 3; i++) {
                chart_series_set_categories(all[i], sheet, (lxw_row_t) first, 0, (lxw_row_t) last,
                                            0);
                chart_series_set_values(all[i], sheet, (lxw_row_t) first, (lxw_col_t) cols[i],
                                        (lxw_row_t) last, (lxw_col_t) cols[i]);
        }
        chart_series_set_name(s, w(c, W_SHARE));
        lxw_chart_line line = {.color = C_BLUE, .width = 2.25};
        lxw_chart_fill mfill = {.color = C_BLUE};
        lxw_chart_line mline = {.color = C_BLUE};
        chart_series_set_line(s, &line);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(s, 6);
        chart_series_set_marker_fill(s, &mfill);
        chart_series_set_marker_line(s, &mline);

        /* The interval: its bounds as thin dashed lines (drawn by every
         * reader), joined year by year with high-low lines (drawn by Excel;
         * LibreOffice ignores them on line charts). */
        lxw_chart_line bound = {
            .color = 0x9DC3E6, .width = 1.25, .dash_type = LXW_CHART_LINE_DASH_DASH};
        chart_series_set_name(lo, w(c, W_CI));
        chart_series_set_name(hi, w(c, W_CI));
        chart_series_set_line(lo, &bound);
        chart_series_set_line(hi, &bound);
        chart_series_set_marker_type(lo, LXW_CHART_MARKER_NONE);
        chart_series_set_marker_type(hi, LXW_CHART_MARKER_NONE);
        lxw_chart_line hl = {.color = 0x9DC3E6, .width = 1.25};
        chart_set_high_low_lines(ch, &hl);
        int16_t dup[] = {2, -1};
        note_err(c, chart_legend_delete_series(ch, dup));

        chart_axis_set_min(ch->y_axis, 0);
        chart_axis_set_max(ch->y_axis, 1);
        chart_axis_set_major_unit(ch->y_axis, 0.2);
        chart_axis_set_num_format(ch->y_axis, c->lang == 1 ? "0%" : "0 %");
        chart_axis_set_num_font(ch->y_axis, &axis_font);
        chart_axis_set_num_font(ch->x_axis, &axis_font);
        lxw_chart_line grid = {.color = 0xD9D9D9, .width = 0.5};
        chart_axis_major_gridlines_set_line(ch->y_axis, &grid);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        chart_legend_set_font(ch, &axis_font);
        chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);

        lxw_chart_options o = {0};
        o.x_offset = (int32_t) ((slot % 2) * (CHART_W + 16));
        o.y_offset = (int32_t) ((slot / 2) * (CHART_H + 16));
        o.x_scale = 1;
        o.y_scale = 1;
        note_err(c, worksheet_insert_chart_opt(ws, 3, T_NCOLS + 1, ch, &o));
}

static void sheet_trends(ctx *c)
{
        const enk_figures *f = c->f;
        const char *name = w(c, W_SH_TRENDS);
        lxw_worksheet *ws = add_sheet(c, W_SH_TRENDS);
        if (!ws)
                return;
        char buf[512];
        page_setup(c, ws, FIT_WIDTH);
        put_title(c, ws, w(c, W_TRENDS_TITLE),
                  w_s(c, buf, sizeof buf, W_TRENDS_SUB, unit_label(c, c->cu)));
        size_t header = 3;
        const enum word heads[] = {W_YEAR, W_SHARE, W_CI_LOW, W_CI_HIGH, W_N, W_NOTE};
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
                put_str(c, ws, header, i, w(c, heads[i]),
                        i == 0 ? c->fmt.header_left : c->fmt.header);
        row_height(c, ws, header, 30);

        /* One block per item: its name on a row of its own (it may run across
         * the whole table), then a row per year. */
        bool headline = any_headline(c);
        size_t row = header + 1, slot = 0;
        for (int pass = 0; pass < 2; pass++) {
                for (size_t it = 0; it < c->nitems; it++) {
                        if (item_is_area(c, it) != (pass == 0) || !item_has_data(c, c->cu, it))
                                continue;
                        put_str(c, ws, row, 0, item_label(c, it), c->fmt.section);
                        for (size_t col = 1; col < T_NCOLS; col++)
                                put_str(c, ws, row, col, "", c->fmt.section);
                        row++;
                        size_t first = row;
                        for (size_t y = 0; y < f->nyears; y++, row++) {
                                const enk_figure *r = cell(c, c->cu, (int) y, it);
                                put_num(c, ws, row, 0, f->years[y], c->fmt.year);
                                if (!r)
                                        continue;
                                put_n(c, ws, row, 4, r);
                                if (r->suppressed) {
                                        /* the numbers stay blank, so the chart
                                         * leaves a gap (text would be drawn as 0) */
                                        put_str(c, ws, row, 5, "..", c->fmt.dots);
                                        continue;
                                }
                                put_num(c, ws, row, 1, r->share, c->fmt.pct_bold);
                                put_num(c, ws, row, 2, r->ci_low, c->fmt.pct);
                                put_num(c, ws, row, 3, r->ci_high, c->fmt.pct);
                                put_str(c, ws, row, 5,
                                        r->low_precision || r->n < LOW_PRECISION_N ? "*" : "",
                                        c->fmt.note);
                        }
                        if (item_on_summary(c, it, headline))
                                trend_chart(c, ws, name, first, row - 1, it, slot++);
                }
        }
        col_width(c, ws, 0, 0, 8, NULL);
        col_width(c, ws, 1, 3, 10, NULL);
        col_width(c, ws, 4, 5, 6, NULL);
        col_width(c, ws, 6, 6, 2, NULL);
        worksheet_freeze_panes(ws, (lxw_row_t) (header + 1), 0);
}

/* ------------------------------------------------------------------------ */
/* Sheet 3: distributions                                                    */
/* ------------------------------------------------------------------------ */

/* Red through yellow to green (ColorBrewer RdYlGn), point i of n. */
static lxw_color_t diverging(size_t i, size_t n)
{
        static const unsigned anchors[][3] = {
            {0xD7, 0x30, 0x27}, {0xFC, 0x8D, 0x59}, {0xFE, 0xE0, 0x8B},
            {0x91, 0xCF, 0x60}, {0x1A, 0x98, 0x50},
        };
        double t = n > 1 ? (double) i / (double) (n - 1) : 1.0;
        double x = t * 4.0;
        size_t k = (size_t) x;
        if (k >= 4)
                k = 3;
        double u = x - (double) k;
        unsigned rgb = 0;
        for (size_t j = 0; j < 3; j++) {
                double v = anchors[k][j] * (1 - u) + anchors[k + 1][j] * u;
                rgb = (rgb << 8) | (unsigned) lround(v);
        }
        return rgb;
}

#define DIST_BLOCK 10 /* rows per question: text, header, years, room for the chart */

static void sheet_distribution(ctx *c)
{
        const enk_figures *f = c->f;
        const char *name = w(c, W_SH_DIST);
        lxw_worksheet *ws = add_sheet(c, W_SH_DIST);
        if (!ws)
                return;
        char buf[600];
        page_setup(c, ws, FIT_WIDTH);
        put_title(c, ws, w(c, W_DIST_TITLE),
                  w_ds(c, buf, sizeof buf, W_DIST_SUB, f->year, unit_label(c, c->cu)));
        size_t maxpoints = 2;
        size_t row = 3;
        for (size_t qi = 0; qi < c->q->nquestions; qi++) {
                const enk_question *qn = &c->q->questions[qi];
                size_t it = c->q->nareas + qi;
                const enk_figure *r = cell(c, c->cu, c->yi, it);
                if (qn->type != ENK_Q_SCALE || qn->scale < 0 ||
                    (size_t) qn->scale >= c->q->nscales || !r)
                        continue;
                const enk_scale *sc = &c->q->scales[qn->scale];
                if (r->ndist != sc->npoints)
                        continue; /* a table from another edition's scale */
                if (sc->npoints > maxpoints)
                        maxpoints = sc->npoints;
                int years[2], ny = 0;
                if (r->prev_year && year_index(c, r->prev_year) >= 0)
                        years[ny++] = year_index(c, r->prev_year);
                years[ny++] = c->yi;

                size_t b = row, shown = 0;
                put_str(c, ws, b, 0, item_label(c, it), c->fmt.label);
                put_str(c, ws, b + 1, 0, w(c, W_YEAR), c->fmt.header_left);
                for (size_t p = 0; p < sc->npoints; p++)
                        put_str(c, ws, b + 1, 1 + p, txt(c, &sc->points[p].label), c->fmt.header);
                put_str(c, ws, b + 1, 1 + sc->npoints, w(c, W_N), c->fmt.header);
                row_height(c, ws, b + 1, 45);
                for (int y = 0; y < ny; y++) {
                        const enk_figure *ry = cell(c, c->cu, years[y], it);
                        size_t rr = b + 2 + (size_t) y;
                        put_num(c, ws, rr, 0, f->years[years[y]], c->fmt.year);
                        if (!ry)
                                continue;
                        put_n(c, ws, rr, 1 + sc->npoints, ry);
                        /* a hidden distribution (statistics.md: small groups)
                         * shows "..", which the chart draws as nothing */
                        bool hidden =
                            (ry->n > 0 || ry->counts_hidden) && (ry->dist_hidden || !ry->dist);
                        shown += ry->n > 0 && !hidden;
                        for (size_t p = 0; p < sc->npoints; p++) {
                                if (hidden)
                                        put_str(c, ws, rr, 1 + p, "..", c->fmt.dots);
                                else if (ry->n > 0 && ry->dist && p < ry->ndist)
                                        put_num(c, ws, rr, 1 + p,
                                                (double) ry->dist[p] / (double) ry->n, c->fmt.pct);
                        }
                }
                row += DIST_BLOCK;
                if (!shown)
                        continue;

                lxw_chart *ch = new_chart(c, LXW_CHART_BAR_STACKED_PERCENT);
                if (!ch)
                        return;
                lxw_chart_font font = {.size = 8};
                for (size_t p = 0; p < sc->npoints; p++) {
                        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
                        if (!s) {
                                note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                                return;
                        }
                        chart_series_set_categories(s, name, (lxw_row_t) (b + 2), 0,
                                                    (lxw_row_t) (b + 1 + (size_t) ny), 0);
                        chart_series_set_values(s, name, (lxw_row_t) (b + 2), (lxw_col_t) (1 + p),
                                                (lxw_row_t) (b + 1 + (size_t) ny),
                                                (lxw_col_t) (1 + p));
                        chart_series_set_name(
                            s, chart_text(buf, sizeof buf, txt(c, &sc->points[p].label)));
                        lxw_chart_fill fill = {.color = diverging(p, sc->npoints)};
                        lxw_chart_line edge = {.color = 0xFFFFFF, .width = 0.75};
                        chart_series_set_fill(s, &fill);
                        chart_series_set_line(s, &edge);
                }
                chart_set_series_gap(ch, 40);
                chart_title_off(ch);
                chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
                chart_legend_set_font(ch, &font);
                /* In a bar chart x is the horizontal (value) axis. The
                 * categories are reversed so the years read top-down as in
                 * the table. */
                chart_axis_set_num_format(ch->x_axis, c->lang == 1 ? "0%" : "0 %");
                chart_axis_set_num_font(ch->y_axis, &font);
                chart_axis_set_num_font(ch->x_axis, &font);
                chart_axis_set_reverse(ch->y_axis);
                lxw_chart_options o = {0};
                o.x_scale = 600.0 / CHART_W;
                o.y_scale = 185.0 / CHART_H;
                note_err(c, worksheet_insert_chart_opt(ws, (lxw_row_t) b,
                                                       (lxw_col_t) (sc->npoints + 3), ch, &o));
        }
        col_width(c, ws, 0, 0, 10, NULL);
        col_width(c, ws, 1, maxpoints, 12, NULL);
        col_width(c, ws, maxpoints + 1, maxpoints + 1, 6, NULL);
}

/* ------------------------------------------------------------------------ */
/* Sheet 4: comparison of units                                              */
/* ------------------------------------------------------------------------ */

#define CMP_UNIT_W 24
#define CMP_PAIR_W 14 /* share 8 + n 6 */

/* Units down (the total last), areas and questions across as column pairs
 * share | n: 290 municipalities scroll down, not across. */
static void sheet_comparison(ctx *c)
{
        const enk_figures *f = c->f;
        const char *name = w(c, W_SH_COMPARE);
        lxw_worksheet *ws = add_sheet(c, W_SH_COMPARE);
        if (!ws)
                return;
        char buf[600];
        put_title(c, ws, w(c, W_CMP_TITLE), w_d(c, buf, sizeof buf, W_CMP_SUB, f->year));

        /* The items with figures this year, areas first. */
        size_t *items = malloc((c->nitems ? c->nitems : 1) * sizeof *items);
        size_t *cols = malloc((c->nitems ? c->nitems : 1) * sizeof *cols);
        if (!items || !cols) {
                free(items);
                free(cols);
                note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return;
        }
        size_t ni = 0, nareas = 0;
        for (size_t it = 0; it < c->nitems; it++) {
                bool any = false;
                for (size_t u = 0; u < c->nunits && !any; u++)
                        any = cell(c, u, c->yi, it) != NULL;
                if (any) {
                        items[ni] = it;
                        cols[ni] = 1 + 2 * ni;
                        ni++;
                        nareas += item_is_area(c, it);
                }
        }

        /* More than a handful of items printed one page wide would be too
         * small to read: print at full size, repeating the units and headings. */
        page_setup(c, ws, ni > 6 ? FIT_NONE : FIT_WIDTH);
        size_t h0 = 3, h1 = 4, h2 = 5;
        put_str(c, ws, h0, 0, "", c->fmt.header_left);
        put_str(c, ws, h1, 0, "", c->fmt.header_left);
        put_str(c, ws, h2, 0, w(c, W_UNIT), c->fmt.header_left);
        /* the group names over their columns: Areas, Questions */
        for (int g = 0; g < 2; g++) {
                size_t from = g == 0 ? 0 : nareas, to = g == 0 ? nareas : ni;
                if (from >= to)
                        continue;
                const char *label = w(c, g == 0 ? W_AREAS : W_SH_QUESTIONS);
                note_err(c, worksheet_merge_range(ws, (lxw_row_t) h0, (lxw_col_t) cols[from],
                                                  (lxw_row_t) h0, (lxw_col_t) (cols[to - 1] + 1),
                                                  label, c->fmt.header_left));
        }
        unsigned lines = 1;
        for (size_t i = 0; i < ni; i++) {
                const char *label = item_label(c, items[i]);
                note_err(c, worksheet_merge_range(ws, (lxw_row_t) h1, (lxw_col_t) cols[i],
                                                  (lxw_row_t) h1, (lxw_col_t) (cols[i] + 1), label,
                                                  c->fmt.header));
                unsigned l = text_lines(label, CMP_PAIR_W);
                if (l > lines)
                        lines = l;
                put_str(c, ws, h2, cols[i], w(c, W_SHARE_SHORT), c->fmt.header);
                put_str(c, ws, h2, cols[i] + 1, w(c, W_N), c->fmt.header);
        }
        fit_row(c, ws, h1, lines < 2 ? 2 : lines);

        size_t first = h2 + 1;
        for (size_t u = 0; u < c->nunits; u++) {
                size_t row = first + u;
                bool total = u == c->nunits - 1;
                put_str(c, ws, row, 0, unit_label(c, u), total ? c->fmt.section : NULL);
                for (size_t i = 0; i < ni; i++) {
                        const enk_figure *r = cell(c, u, c->yi, items[i]);
                        if (!r) {
                                if (total) {
                                        put_str(c, ws, row, cols[i], "", c->fmt.section);
                                        put_str(c, ws, row, cols[i] + 1, "", c->fmt.section);
                                }
                                continue;
                        }
                        if (r->suppressed)
                                put_str(c, ws, row, cols[i], "..",
                                        total ? c->fmt.section : c->fmt.dots);
                        else
                                put_num(c, ws, row, cols[i], r->share,
                                        total ? c->fmt.total_pct : c->fmt.pct);
                        if (r->counts_hidden)
                                put_str(c, ws, row, cols[i] + 1, "..",
                                        total ? c->fmt.section : c->fmt.dots);
                        else
                                put_num(c, ws, row, cols[i] + 1, (double) r->n,
                                        total ? c->fmt.total_int : c->fmt.integer);
                }
        }
        size_t last = first + c->nunits - 1;
        col_width(c, ws, 0, 0, CMP_UNIT_W, NULL);
        for (size_t i = 0; i < ni; i++) {
                col_width(c, ws, cols[i], cols[i], 8, NULL);
                col_width(c, ws, cols[i] + 1, cols[i] + 1, 6, NULL);
        }
        worksheet_freeze_panes(ws, (lxw_row_t) (h2 + 1), 1);
        note_err(c, worksheet_repeat_rows(ws, (lxw_row_t) h0, (lxw_row_t) h2));
        note_err(c, worksheet_repeat_columns(ws, 0, 0));

        /* One column chart per headline question, the total's bar in grey. A
         * suppressed unit's ".." gives it no bar. */
        bool headline = any_headline(c);
        double width = 24.0 * (double) c->nunits + 160;
        if (width < CHART_W)
                width = CHART_W;
        if (width > 4000)
                width = 4000;
        bool wide = width > CHART_W;
        lxw_chart_fill total_fill = {.color = C_RULE};
        lxw_chart_point total_point = {.fill = &total_fill};
        lxw_chart_point plain = {0};
        lxw_chart_point **points = calloc(c->nunits + 1, sizeof *points);
        if (!points) {
                note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                free(items);
                free(cols);
                return;
        }
        for (size_t u = 0; u < c->nunits; u++)
                points[u] = u == c->nunits - 1 ? &total_point : &plain;
        size_t slot = 0, chart_row = last + 2;
        for (size_t i = nareas; i < ni; i++) {
                if (!item_on_summary(c, items[i], headline))
                        continue;
                lxw_chart *ch = new_chart(c, LXW_CHART_COLUMN);
                if (!ch)
                        break;
                lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
                if (!s) {
                        note_err(c, LXW_ERROR_MEMORY_MALLOC_FAILED);
                        break;
                }
                chart_series_set_categories(s, name, (lxw_row_t) first, 0, (lxw_row_t) last, 0);
                chart_series_set_values(s, name, (lxw_row_t) first, (lxw_col_t) cols[i],
                                        (lxw_row_t) last, (lxw_col_t) cols[i]);
                chart_series_set_name(s, w(c, W_SHARE));
                lxw_chart_fill fill = {.color = C_BLUE};
                chart_series_set_fill(s, &fill);
                note_err(c, chart_series_set_points(s, points));
                lxw_chart_font title_font = {.size = 10, .bold = 1};
                lxw_chart_font axis_font = {.size = 8};
                chart_title_set_name(ch, chart_text(buf, sizeof buf, item_label(c, items[i])));
                chart_title_set_name_font(ch, &title_font);
                chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
                chart_axis_set_min(ch->y_axis, 0);
                chart_axis_set_max(ch->y_axis, 1);
                chart_axis_set_major_unit(ch->y_axis, 0.2);
                chart_axis_set_num_format(ch->y_axis, c->lang == 1 ? "0%" : "0 %");
                chart_axis_set_num_font(ch->y_axis, &axis_font);
                chart_axis_set_num_font(ch->x_axis, &axis_font);
                lxw_chart_line grid = {.color = 0xD9D9D9, .width = 0.5};
                chart_axis_major_gridlines_set_line(ch->y_axis, &grid);
                lxw_chart_options o = {0};
                o.x_scale = width / CHART_W;
                o.y_scale = 1;
                size_t col = wide ? 0 : slot % 2;
                size_t line = wide ? slot : slot / 2;
                o.x_offset = (int32_t) (col * (CHART_W + 16));
                o.y_offset = (int32_t) (line * (CHART_H + 16));
                note_err(c, worksheet_insert_chart_opt(ws, (lxw_row_t) chart_row, 0, ch, &o));
                slot++;
        }
        free(points);
        free(items);
        free(cols);
}

/* ------------------------------------------------------------------------ */
/* Sheet 5: the questions                                                    */
/* ------------------------------------------------------------------------ */

static enum word type_word(enk_qtype t)
{
        switch (t) {
        case ENK_Q_SCALE:
                return W_T_SCALE;
        case ENK_Q_SINGLE:
                return W_T_SINGLE;
        case ENK_Q_MULTIPLE:
                return W_T_MULTIPLE;
        case ENK_Q_YESNO:
                return W_T_YESNO;
        case ENK_Q_NUMBER:
                return W_T_NUMBER;
        case ENK_Q_TEXT:
                return W_T_TEXT;
        }
        return W_T_TEXT;
}

/* Appends s to buf (a growing comma-separated list). */
static void append(char *buf, size_t cap, const char *s)
{
        size_t n = strlen(buf);
        if (n && n + 2 < cap) {
                memcpy(buf + n, ", ", 3);
                n += 2;
        }
        snprintf(buf + n, cap - n, "%s", s);
}

/* The id qn had in edition e: its own, one of its `was` ids, or NULL. */
static const char *id_in_edition(const enk_questionnaire *e, const enk_question *qn)
{
        for (size_t i = 0; i < e->nquestions; i++) {
                if (strcmp(e->questions[i].id, qn->id) == 0)
                        return qn->id;
                for (size_t k = 0; k < qn->nwas; k++)
                        if (strcmp(e->questions[i].id, qn->was[k]) == 0)
                                return qn->was[k];
        }
        return NULL;
}

static void sheet_questions(ctx *c)
{
        const enk_questionnaire *q = c->q;
        lxw_worksheet *ws = add_sheet(c, W_SH_QUESTIONS);
        if (!ws)
                return;
        page_setup(c, ws, FIT_WIDTH);
        put_title(c, ws, w(c, W_Q_TITLE), txt(c, &q->title));
        const enum word heads[] = {W_COL_ID,       W_COL_TEXT,     W_COL_TYPE,
                                   W_COL_SCALE,    W_COL_POSITIVE, W_COL_AREA,
                                   W_COL_HEADLINE, W_COL_EDITIONS, W_COL_WAS};
        size_t header = 3;
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
                put_str(c, ws, header, i, w(c, heads[i]), c->fmt.header_left);
        row_height(c, ws, header, 30);
        size_t row = header + 1;
        char buf[2048], part[256];
        const double widths[] = {20, 56, 10, 34, 9, 24, 10, 22, 18};
        for (size_t qi = 0; qi < q->nquestions; qi++, row++) {
                unsigned lines = 1;
#define Q_CELL(col, s)                                                                             \
        do {                                                                                       \
                const char *s_ = (s);                                                              \
                unsigned l_ = text_lines(s_, widths[col]);                                         \
                if (l_ > lines)                                                                    \
                        lines = l_;                                                                \
                put_str(c, ws, row, col, s_, c->fmt.wrap);                                         \
        } while (0)
                const enk_question *qn = &q->questions[qi];
                Q_CELL(0, qn->id);
                Q_CELL(1, txt(c, &qn->text));
                Q_CELL(2, w(c, type_word(qn->type)));
                if (qn->type == ENK_Q_SCALE && qn->scale >= 0 && (size_t) qn->scale < q->nscales) {
                        const enk_scale *sc = &q->scales[qn->scale];
                        const char *label = txt(c, &sc->label);
                        buf[0] = '\0';
                        if (sc->npoints)
                                fmt_s(buf, sizeof buf, "%s (%d = %s … %d = %s)",
                                      *label ? label : sc->id, sc->points[0].value,
                                      txt(c, &sc->points[0].label),
                                      sc->points[sc->npoints - 1].value,
                                      txt(c, &sc->points[sc->npoints - 1].label));
                        Q_CELL(3, buf);
                        buf[0] = '\0';
                        for (size_t k = 0; k < sc->npositive; k++)
                                append(buf, sizeof buf,
                                       fmt_s(part, sizeof part, "%d", sc->positive[k]));
                        Q_CELL(4, buf);
                } else {
                        put_str(c, ws, row, 3, "", c->fmt.wrap);
                        put_str(c, ws, row, 4, "", c->fmt.wrap);
                }
                Q_CELL(5, qn->area >= 0 && (size_t) qn->area < q->nareas
                              ? txt(c, &q->areas[qn->area].label)
                              : "");
                Q_CELL(6, qn->headline ? w(c, W_YES) : "");

                buf[0] = '\0';
                for (size_t e = 0; e < c->f->neditions; e++) {
                        const enk_questionnaire *ed = c->f->editions[e];
                        const char *id = ed ? id_in_edition(ed, qn) : NULL;
                        if (!id)
                                continue;
                        if (strcmp(id, qn->id) == 0)
                                fmt_s(part, sizeof part, "%d", ed->edition);
                        else
                                fmt_s(part, sizeof part, "%d (%s)", ed->edition, id);
                        append(buf, sizeof buf, part);
                }
                Q_CELL(7, buf);
                buf[0] = '\0';
                for (size_t k = 0; k < qn->nwas; k++)
                        append(buf, sizeof buf, qn->was[k]);
                Q_CELL(8, buf);
#undef Q_CELL
                fit_row(c, ws, row, lines);
        }
        for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
                col_width(c, ws, i, i, widths[i], NULL);
        worksheet_freeze_panes(ws, (lxw_row_t) (header + 1), 0);
        if (row > header + 1)
                note_err(c,
                         worksheet_autofilter(ws, (lxw_row_t) header, 0, (lxw_row_t) (row - 1), 8));
}

/* ------------------------------------------------------------------------ */
/* Sheet 6: method                                                           */
/* ------------------------------------------------------------------------ */

#define M_TEXT_W 100

static void sheet_method(ctx *c)
{
        const enk_figures *f = c->f;
        lxw_worksheet *ws = add_sheet(c, W_SH_METHOD);
        if (!ws)
                return;
        char buf[1200];
        page_setup(c, ws, FIT_WIDTH);
        put_title(c, ws, w(c, W_M_TITLE), NULL);
        static const enum word topics[][2] = {
            {W_M_SHARE_H, W_M_SHARE}, {W_M_CI_H, W_M_CI},       {W_M_CHANGE_H, W_M_CHANGE},
            {W_M_HOLM_H, W_M_HOLM},   {W_M_TREND_H, W_M_TREND}, {W_M_INDEX_H, W_M_INDEX},
            {W_M_TOTAL_H, W_M_TOTAL}, {W_M_SUPP_H, W_M_SUPP},   {W_M_LOWP_H, W_M_LOWP},
            {W_M_TEXT_H, W_M_TEXT},
        };
        size_t row = 2;
        for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++, row++) {
                put_str(c, ws, row, 0, w(c, topics[i][0]), c->fmt.bold_wrap);
                const char *text = w(c, topics[i][1]);
                if (topics[i][1] == W_M_SUPP)
                        text = w_d(c, buf, sizeof buf, W_M_SUPP, f->min_n);
                else if (topics[i][1] == W_M_LOWP)
                        text = w_d(c, buf, sizeof buf, W_M_LOWP, LOW_PRECISION_N);
                put_str(c, ws, row, 1, text, c->fmt.wrap);
                fit_row(c, ws, row, text_lines(text, M_TEXT_W));
        }
        row++;
        put_str(c, ws, row++, 0, w(c, W_M_FACTS), c->fmt.subtitle);
        put_str(c, ws, row, 0, w(c, W_M_VERSION), c->fmt.label);
        put_str(c, ws, row++, 1, fmt_s(buf, sizeof buf, "enkat %s", c->version), NULL);
        put_str(c, ws, row, 0, w(c, W_M_SURVEY), c->fmt.label);
        put_str(c, ws, row++, 1, f->survey ? f->survey : c->q->survey, NULL);
        put_str(c, ws, row, 0, w(c, W_M_HASH), c->fmt.label);
        put_str(c, ws, row++, 1, f->edition_hash ? f->edition_hash : "", c->fmt.hash);
        put_str(c, ws, row, 0, w(c, W_M_MIN_N), c->fmt.label);
        put_num(c, ws, row++, 1, f->min_n, c->fmt.year);
        put_str(c, ws, row, 0, w(c, W_M_YEARS), c->fmt.label);
        buf[0] = '\0';
        if (f->nyears)
                fmt_s(buf, sizeof buf, "%d–%d", f->years[0], f->years[f->nyears - 1]);
        put_str(c, ws, row++, 1, buf, NULL);
        put_str(c, ws, row, 0, w(c, W_M_UNITS), c->fmt.label);
        put_num(c, ws, row++, 1, (double) f->nunits, c->fmt.year);
        put_str(c, ws, row, 0, w(c, W_M_CREATED), c->fmt.label);
        /* Excel's serial date: days since 1899-12-30, UTC as written. */
        put_num(c, ws, row++, 1, (double) c->created / 86400.0 + 25569.0, c->fmt.date);
        col_width(c, ws, 0, 0, 34, NULL);
        col_width(c, ws, 1, 1, M_TEXT_W, NULL);
}

/* ------------------------------------------------------------------------ */
/* Sheet 7: the tidy data                                                    */
/* ------------------------------------------------------------------------ */

static void sheet_data(ctx *c)
{
        const enk_figures *f = c->f;
        lxw_worksheet *ws = add_sheet(c, W_SH_DATA);
        if (!ws)
                return;
        if (f->nrows >= LXW_ROW_MAX) {
                note_err(c, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE);
                return;
        }
        page_setup(c, ws, FIT_WIDTH);
        /* the figures' one column table (analysis/figures.h): the same
         * columns and empty cells as `enkat stats --format csv` */
        const size_t ncols = ENK_FIGURES_NCOLUMNS;
        for (size_t i = 0; i < f->nrows; i++) {
                for (size_t k = 0; k < ncols; k++) {
                        const enk_column *col = &enk_figures_columns[k];
                        enk_cell cell;
                        enk_figures_cell(&f->rows[i], k, &cell);
                        lxw_format *fmt = NULL;
                        if (col->type == ENK_COL_SHARE)
                                fmt = c->fmt.pct;
                        else if (col->type == ENK_COL_NUM)
                                fmt = col->digits == 1 ? c->fmt.dec1 : c->fmt.dec3;
                        else if (k == 1) /* the year */
                                fmt = c->fmt.year;
                        if (col->type == ENK_COL_TEXT && cell.text)
                                put_str(c, ws, i + 1, k, cell.text, NULL);
                        else if (col->type == ENK_COL_BOOL && cell.flag >= 0)
                                put_bool(c, ws, i + 1, k, cell.flag);
                        else if (col->type != ENK_COL_TEXT && col->type != ENK_COL_BOOL)
                                put_num(c, ws, i + 1, k, cell.num, fmt);
                }
        }
        lxw_table_column cols[ENK_FIGURES_NCOLUMNS];
        lxw_table_column *colp[ENK_FIGURES_NCOLUMNS + 1];
        for (size_t i = 0; i < ncols; i++) {
                /* numbers stand right: so do their headings */
                cols[i] = (lxw_table_column){.header = (char *) enk_figures_columns[i].name,
                                             .header_format = i >= 3 ? c->fmt.data_head : NULL};
                colp[i] = &cols[i];
        }
        colp[ncols] = NULL;
        /* what each column holds, in the report's language, on its header */
        for (size_t i = 0; i < ncols; i++)
                note_err(c, worksheet_write_comment(ws, 0, (lxw_col_t) i,
                                                    enk_figures_columns[i].label[c->lang == 1]));
        lxw_table_options opt = {0};
        opt.name = "Figures";
        opt.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
        opt.style_type_number = 9;
        opt.columns = colp;
        /* A table needs a data row, even an empty one. */
        size_t last = f->nrows ? f->nrows : 1;
        note_err(c, worksheet_add_table(ws, 0, 0, (lxw_row_t) last, (lxw_col_t) (ncols - 1), &opt));
        col_width(c, ws, 0, 0, 14, NULL);
        col_width(c, ws, 1, 1, 7, NULL);
        col_width(c, ws, 2, 2, 22, NULL);
        for (size_t i = 3; i < ncols; i++) {
                double wd = (double) strlen(enk_figures_columns[i].name) + 3; /* + the button */
                col_width(c, ws, i, i, wd < 9 ? 9 : wd, NULL);
        }
        worksheet_freeze_panes(ws, 1, 0);
        note_err(c, worksheet_repeat_rows(ws, 0, 0));
}

/* ------------------------------------------------------------------------ */
/* Writing the file                                                          */
/* ------------------------------------------------------------------------ */

static enk_status fail(ctx *c, enk_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enk_status fail(ctx *c, enk_status st, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        enk_diags_addv(c->diags, ENK_SEV_ERROR, (enk_loc){c->path, 0, 0}, NULL, fmt, ap);
        va_end(ap);
        return st;
}

static enk_status lxw_status(lxw_error e)
{
        switch (e) {
        case LXW_ERROR_MEMORY_MALLOC_FAILED:
                return ENK_ERR_NOMEM;
        case LXW_ERROR_CREATING_XLSX_FILE:
        case LXW_ERROR_CREATING_TMPFILE:
        case LXW_ERROR_READING_TMPFILE:
        case LXW_ERROR_ZIP_FILE_OPERATION:
        case LXW_ERROR_ZIP_PARAMETER_ERROR:
        case LXW_ERROR_ZIP_BAD_ZIP_FILE:
        case LXW_ERROR_ZIP_INTERNAL_ERROR:
        case LXW_ERROR_ZIP_FILE_ADD:
        case LXW_ERROR_ZIP_CLOSE:
                return ENK_ERR_IO;
        default: /* something in the figures Excel cannot hold (a text too long) */
                return ENK_ERR_DATA;
        }
}

/* libxlsxwriter's text for e in our style: lower-case, no full stop. */
static const char *lxw_message(char *buf, size_t cap, lxw_error e)
{
        fmt_s(buf, cap, "%s", lxw_strerror(e));
        size_t n = strlen(buf);
        while (n && (buf[n - 1] == '.' || buf[n - 1] == ' '))
                buf[--n] = '\0';
        if (n > 1 && isupper((unsigned char) buf[0]) && !isupper((unsigned char) buf[1]))
                buf[0] = (char) tolower((unsigned char) buf[0]);
        return buf;
}

/* Writes every sheet into the open workbook c->wb. */
static void write_sheets(ctx *c)
{
        if (!make_formats(c))
                return;
        sheet_summary(c);
        sheet_trends(c);
        sheet_distribution(c);
        if (c->f->nunits > 1)
                sheet_comparison(c);
        sheet_questions(c);
        sheet_method(c);
        sheet_data(c);
}

enk_status enk_report_write(const enk_figures *f, const enk_report_options *opts, const char *path,
                            enk_diags *diags)
{
        ctx c = {0};
        c.path = path;
        c.diags = diags;
        enk_outfile *outf = NULL;
        enk_status st = ENK_OK;
        if (!path)
                return fail(&c, ENK_ERR_USAGE, "no path given for the report workbook");
        if (!f || !f->questionnaire)
                return fail(&c, ENK_ERR_USAGE, "no figures to report");
        if (!check_words())
                return fail(&c, ENK_ERR_USAGE, "the report's wording table is incomplete");
        c.f = f;
        c.q = f->questionnaire;
        const char *lang = opts && opts->lang ? opts->lang : "sv";
        if (strcmp(lang, "sv") == 0)
                c.lang = 0;
        else if (strcmp(lang, "en") == 0)
                c.lang = 1;
        else
                return fail(&c, ENK_ERR_USAGE, "unknown report language '%s' (expected sv or en)",
                            lang);
        c.qlang = 0;
        for (size_t i = 0; i < c.q->nlanguages && i < ENK_LANG_MAX; i++)
                if (c.q->languages[i] && strcmp(c.q->languages[i], lang) == 0)
                        c.qlang = (int) i;
        c.version = opts && opts->version ? opts->version : ENK_VERSION;
        c.created = opts && opts->created ? opts->created : (long long) time(NULL);

        if ((st = build_index(&c)) != ENK_OK) {
                fail(&c, st, "out of memory");
                goto out;
        }
        const char *unit = opts ? opts->unit : NULL;
        long cu;
        if (unit) {
                cu = unit_index(&c, unit);
                if (cu < 0) {
                        st = fail(&c, ENK_ERR_NOTFOUND, "unit '%s' is not in the figures", unit);
                        goto out;
                }
        } else {
                cu = f->nunits == 1 ? 0 : (long) c.nunits - 1;
        }
        c.cu = (size_t) cu;
        c.yi = year_index(&c, f->year);
        c.prev_yi = c.yi > 0 ? c.yi - 1 : -1;

        /* The file libxlsxwriter writes is made here (survey/outfile.h), so
         * that an unwritable directory, a store or a device given as output
         * is refused by us, with the path, before any work. */
        enk_outfile_options oo = {
            .kind = ENK_OUT_XLSX, .keep = opts ? opts->keep : NULL, .by_name = true};
        st = enk_outfile_open(path, &oo, &outf, diags);
        if (st != ENK_OK)
                goto out;
        lxw_workbook_options wo = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
        c.wb = workbook_new_opt(enk_outfile_name(outf), &wo);
        if (!c.wb) {
                st = fail(&c, ENK_ERR_NOMEM, "cannot start the workbook: out of memory");
                goto out;
        }
        char title[600], subject[128], comments[160], msg[256];
        fmt_s(title, sizeof title, "%s", txt(&c, &c.q->title));
        w_d(&c, subject, sizeof subject, W_SUBJECT, f->year);
        fmt_s(comments, sizeof comments, "enkat %s", c.version);
        lxw_doc_properties props = {0};
        props.title = title;
        props.subject = subject;
        props.author = "enkat";
        props.comments = comments;
        props.keywords = (char *) (f->survey ? f->survey : c.q->survey);
        props.created = (time_t) c.created;
        note_err(&c, workbook_set_properties(c.wb, &props));

        write_sheets(&c);
        if (c.err != LXW_NO_ERROR) {
                lxw_workbook_free(c.wb);
                c.wb = NULL;
                st = fail(&c, lxw_status(c.err), "cannot build the report workbook: %s",
                          lxw_message(msg, sizeof msg, c.err));
                goto out;
        }
        lxw_error e = workbook_close(c.wb);
        c.wb = NULL;
        if (e != LXW_NO_ERROR) {
                st = fail(&c, lxw_status(e), "cannot write the report workbook: %s",
                          lxw_message(msg, sizeof msg, e));
                goto out;
        }
        st = enk_outfile_commit(outf, diags);
        outf = NULL;
out:
        enk_outfile_abort(outf);
        free(c.grid);
        free(c.unit_order);
        return st;
}
