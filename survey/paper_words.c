/* survey/paper_words.c - the paper form's own wording, in Swedish and English.
 *
 * Everything the printed form says that is not a text of the questionnaire:
 * the instructions, the closing line, the footer, the skip instructions. The
 * keys are enum enk_paper_word (survey/paper_internal.h); a text with a printf
 * conversion is filled by enk_paper_fmt() where its key is used.
 */
#include "survey/paper_internal.h"

static const enk_lang_pair words[PW_COUNT] = {
    [PW_HOW_TITLE] = {"Så här fyller du i enkäten", "How to fill in the form"},
    [PW_HOW_CROSS] = {"Sätt ett kryss i rutan för det svar som stämmer bäst. Använd en "
                      "kulspetspenna med blått eller svart bläck.",
                      "Put a cross in the box of the answer that fits best. Please use a ballpoint "
                      "pen with blue or black ink."},
    [PW_HOW_WRONG] =
        {"Om du har kryssat fel: fyll i hela den felaktiga rutan och sätt ett kryss i rätt ruta.",
         "If you ticked the wrong box: fill that box in completely and put a cross in the right "
         "one."},
    [PW_HOW_DIGITS] = {"Skriv siffror tydligt, en siffra i varje ruta. Skriv fritt på linjerna.",
                       "Write numbers clearly, one digit in each box. Write freely on the lines."},
    [PW_THANKS] = {"Tack för dina svar!", "Thank you for your answers!"},
    [PW_PAGE] = {"Sida %zu av %zu", "Page %zu of %zu"},
    [PW_YES] = {"Ja", "Yes"},
    [PW_NO] = {"Nej", "No"},
    [PW_OR] = {" eller ", " or "},
    [PW_OPEN_QUOTE] = {"\u201d", "\u201c"},
    [PW_MULTIPLE] = {"Flera svar möjliga.", "Tick all that apply."},
    [PW_IF_TICKED] = {"Besvara frågan om du kryssade för %s i fråga %s.",
                      "Answer this question if you ticked %s in question %s."},
    [PW_IF_ANSWERED] = {"Besvara frågan om du svarade %s på fråga %s.",
                        "Answer this question if you answered %s to question %s."},
    [PW_SKIP_IF_ONLY_TICKED] = {"Hoppa över frågan om du bara kryssade för %s i fråga %s.",
                                "Skip this question if you only ticked %s in question %s."},
    [PW_GOTO] = {"\u2192 gå till fråga %s", "\u2192 go to question %s"},
    [PW_GOTO_END] = {"\u2192 gå till slutet av enkäten", "\u2192 go to the end of the form"},
    [PW_SKIP_IF_ANSWERED] = {"Hoppa över frågan om du svarade %s på fråga %s.",
                             "Skip this question if you answered %s to question %s."},
    [PW_ABOUT_DEADLINE] = {"Svara senast %s", "Please answer by %s"},
    [PW_ABOUT_CONTACT] = {"Frågor om enkäten: %s", "Questions about the survey: %s"},
};

const char *enk_paper_word(const struct enk_paper_lay *L, enum enk_paper_word k)
{
        return enk_lang_pick(L->words, words[k]);
}
