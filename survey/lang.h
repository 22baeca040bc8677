/* survey/lang.h - enkat's own two languages, Swedish and English.
 *
 * Every text enkat writes in its own words (the report, the web form's pages,
 * the paper form's instructions, the commands' summaries and tables) exists in
 * Swedish and in English side by side, as an enk_lang_pair. A module keeps its
 * pairs in one table beside its code (analysis/report_words.c,
 * survey/webform_words.c, survey/paper_words.c, ...) and picks the run's
 * language with enk_lang_pick(); nothing else chooses between the two. Swedish
 * is the default everywhere. Texts of a questionnaire are not these: they are
 * in the questionnaire's own languages (enk_text, survey/questionnaire.h).
 */
#ifndef ENK_LANG_H
#define ENK_LANG_H

#include <stdbool.h>

/* The language of a run's own words. The values index {sv, en} tables. */
typedef enum enk_lang { ENK_LANG_SV = 0, ENK_LANG_EN = 1 } enk_lang;

/* One text in both languages. Both are set (a table checks this once), and
 * may be printf formats whose conversions agree. */
typedef struct enk_lang_pair {
        const char *sv, *en;
} enk_lang_pair;

/* Reads "sv" or "en" into *out and returns true; anything else (also NULL)
 * returns false and leaves *out alone. */
bool enk_lang_parse(const char *code, enk_lang *out);

/* The language of the own words that go with a questionnaire language code:
 * English for "en", Swedish for anything else (also NULL). */
enk_lang enk_lang_of(const char *code);

/* The text of p in lang. */
static inline const char *enk_lang_pick(enk_lang lang, enk_lang_pair p)
{
        return lang == ENK_LANG_EN ? p.en : p.sv;
}

/* Writes the date iso ("2026-03-31") as people write it in lang: "31 mars
 * 2026", "31 March 2026" (at most 32 bytes with the NUL). Returns false, and
 * writes "", when iso is not a date YYYY-MM-DD (also NULL). */
bool enk_lang_date(enk_lang lang, const char *iso, char out[32]);

#endif
