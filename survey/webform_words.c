/* survey/webform_words.c - the web form's own wording: buttons, messages, page texts, in Swedish
 * and English.
 *
 * Everything the pages and the messages of a submission say that is not a
 * text of the questionnaire. A word has its Swedish and its English form side
 * by side, so that neither can be added without the other.
 */
#include "survey/webform_internal.h"

#include <string.h>

static const enk_lang_pair words[NWORDS] = {
    [W_REQUIRED] = {"(obligatorisk)", "(required)"},
    [W_REQUIRED_RULE] = {"Frågor som är märkta med (obligatorisk) måste du svara på. Övriga "
                         "frågor kan du hoppa över om du vill.",
                         "Questions marked (required) must be answered. You may skip the other "
                         "questions if you wish."},
    [W_PART] = {"Del %zu av %zu", "Part %zu of %zu"},
    [W_ERROR_PREFIX] = {"Fel: ", "Error: "},
    [W_SUMMARY_TITLE] = {"Det finns fel i formuläret", "There is a problem"},
    [W_SUMMARY_TEXT] = {"Rätta det som står nedan och skicka sedan svaren igen. Allt du har "
                        "fyllt i finns kvar.",
                        "Correct what is listed below, then send your answers again. "
                        "Everything you entered is kept."},
    [W_SEND] = {"Skicka svaren", "Send your answers"},
    [W_SAVE] = {"Spara och fortsätt senare", "Save and continue later"},
    [W_PREVIEW] = {"Det här är en förhandsvisning av formuläret. Svaren kan inte skickas "
                   "härifrån.",
                   "This is a preview of the form. Answers cannot be sent from here."},
    [W_SKIP_LINK] = {"Hoppa till innehållet", "Skip to main content"},
    [W_OR] = {"eller", "or"},
    [W_NUMBER_HINT] = {"Svara med ett heltal, %d–%d", "Answer with a whole number, %d–%d"},
    [W_YES] = {"Ja", "Yes"},
    [W_NO] = {"Nej", "No"},
    [W_ERR_CHOOSE] = {"Välj ett av svarsalternativen", "Choose one of the answers"},
    [W_ERR_CHOOSE_ONE] = {"Välj bara ett av svarsalternativen", "Choose only one of the answers"},
    [W_ERR_YESNO] = {"Välj Ja eller Nej", "Choose Yes or No"},
    [W_ERR_MULTIPLE] = {"Välj minst ett av alternativen", "Choose at least one of the options"},
    [W_ERR_NUMBER] = {"Skriv svaret med siffror, ett heltal mellan %d och %d",
                      "Enter the answer in digits, a whole number from %d to %d"},
    [W_ERR_RANGE] = {"Ange ett tal mellan %d och %d", "Enter a number from %d to %d"},
    [W_ERR_TEXT] = {"Skriv ditt svar", "Enter your answer"},
    [W_ERR_INVALID_TEXT] = {"Svaret innehåller tecken som inte kan sparas. Skriv det igen",
                            "The answer holds characters that cannot be saved. Enter it again"},
    [W_ERR_ONE_TEXT] = {"Skriv ditt svar i en enda ruta", "Enter your answer in one box only"},
    [W_COND_ANSWERED] = {"Svara bara om du svarade %s på frågan", "Answer only if you answered %s "
                                                                  "to the question"},
    [W_COND_TICKED] = {"Svara bara om du valde %s på frågan", "Answer only if you chose %s in the "
                                                              "question"},
    [W_COND_TICKED_ANY] = {"Svara bara om du valde något av %s på frågan",
                           "Answer only if you chose any of %s in the question"},
    [W_COND_QUESTION] = {"”%s”", "“%s”"},
    [W_OPEN_QUOTE] = {"”", "“"},
    [W_FOOTER] = {"Dina svar är anonyma.", "Your answers are anonymous."},
    [W_CODE_TITLE] = {"Skriv in din kod", "Enter your code"},
    /* Exactly what the municipality can and cannot know (docs/web.md,
     * "What the municipality can know"). */
    [W_CODE_TEXT] = {"Du hittar koden i brevet med inbjudan till enkäten. Koden kan bara användas "
                     "en gång. Kommunen kan se om koden har använts, så att bara de som inte har "
                     "svarat får en påminnelse. De svar du skickar sparas utan koppling till "
                     "koden, ditt namn eller din adress, så kommunen kan inte se vad du har "
                     "svarat.",
                     "You will find the code in the letter inviting you to the survey. The code "
                     "can be used only once. The municipality can see whether the code has been "
                     "used, so that only those who have not answered get a reminder. The answers "
                     "you send are stored with no link to the code, your name or your address, so "
                     "the municipality cannot see what you answered."},
    [W_CODE_LABEL] = {"Kod", "Code"},
    [W_CODE_HINT] = {"12 tecken, till exempel %s. Det spelar ingen roll om du skriver stora eller "
                     "små bokstäver.",
                     "12 characters, for example %s. Capital or small letters do not matter."},
    [W_CODE_BUTTON] = {"Fortsätt", "Continue"},
    [W_CODE_UNKNOWN] = {"Koden finns inte. Kontrollera att du har skrivit den som den står i "
                        "brevet",
                        "There is no such code. Check that you have entered it as it is written "
                        "in the letter"},
    [W_THANKS_TITLE] = {"Tack för dina svar", "Thank you for your answers"},
    [W_THANKS_TEXT] = {"Dina svar är skickade och sparade. Du kan stänga den här sidan.",
                       "Your answers have been sent and saved. You may close this page."},
    [W_SAVED_TITLE] = {"Dina svar är sparade", "Your answers are saved"},
    [W_SAVED_TEXT] = {"Svaren är inte skickade än. Du kan fortsätta när du vill med samma kod, "
                      "så spara brevet med koden. De sparade svaren finns kvar tills du skickar "
                      "dem, men bara om du skickar dem räknas de med i enkäten. Tills dess är de "
                      "låsta med koden i brevet.",
                      "Your answers have not been sent yet. You can continue whenever you like "
                      "with the same code, so keep the letter with the code. Your saved answers "
                      "are kept until you send them, but only answers you send are counted. Until "
                      "then they are locked with the code in the letter."},
    [W_SAVED_LINK] = {"Fortsätt att svara", "Continue answering"},
    [W_USED_TITLE] = {"Koden har redan använts", "This code has already been used"},
    [W_USED_TEXT] = {"Svaren för den här koden är redan skickade, och varje kod kan bara användas "
                     "en gång. Om du inte har skickat några svar, kontakta den som skickade brevet "
                     "till dig.",
                     "The answers for this code have already been sent, and each code can be used "
                     "only once. If you have not sent any answers, contact whoever sent you the "
                     "letter."},
    [W_USED_TEXT_CONTACT] = {"Svaren för den här koden är redan skickade, och varje kod kan "
                             "bara användas en gång. Om du inte har skickat några svar, kontakta "
                             "%s.",
                             "The answers for this code have already been sent, and each code "
                             "can be used only once. If you have not sent any answers, contact "
                             "%s."},
    [W_ABOUT_DEADLINE] = {"Svara senast %s", "Please answer by %s"},
    [W_ABOUT_CONTACT] = {"Frågor om enkäten: %s", "Questions about the survey: %s"},
    [W_ERROR_TITLE] = {"Något gick fel", "Something went wrong"},
    [W_ERROR_TEXT] = {"Sidan kunde inte visas.", "The page could not be shown."},
    [W_START_LINK] = {"Till startsidan", "Go to the start page"},
    [W_LANG_NAV] = {"Språk", "Language"},
    [W_SECTION_SKIPPED] = {"Utifrån dina svar hittills finns det inga frågor för dig i den här "
                           "delen. Gå vidare till nästa del.",
                           "Based on your answers so far, there are no questions for you in this "
                           "part. Go on to the next part."},
};

const char *enk_webform_word(enk_lang lang, enum enk_webform_word k)
{
        return enk_lang_pick(lang, words[k]);
}

enk_lang enk_webform_lang(const enk_questionnaire *q, int lang)
{
        return enk_lang_of(lang >= 0 && (size_t) lang < q->nlanguages ? q->languages[lang] : NULL);
}

/* Each language named in itself, as a language switch shows it. */
static const struct {
        const char *code, *name;
} lang_names[] = {
    {"sv", "Svenska"},
    {"en", "English"},
    {"fi", "Suomi"},
    {"no", "Norsk"},
    {"nb", "Norsk"},
    {"nn", "Nynorsk"},
    {"da", "Dansk"},
    {"de", "Deutsch"},
    {"fr", "Français"},
    {"es", "Español"},
    {"pl", "Polski"},
    {"so", "Soomaali"},
    {"ar", "العربية"},
    {"fa", "فارسی"},
    {"ti", "ትግርኛ"},
    {"uk", "Українська"},
    {"ru", "Русский"},
    {"se", "Davvisámegiella"},
    {"smj", "Julevsámegiella"},
    {"sma", "Åarjelsaemien"},
    {"fit", "Meänkieli"},
    {"rmy", "Romani"},
    {"yi", "ייִדיש"},
};

const char *enk_webform_lang_name(const char *code)
{
        for (size_t i = 0; code && i < sizeof(lang_names) / sizeof(lang_names[0]); i++)
                if (!strcmp(lang_names[i].code, code))
                        return lang_names[i].name;
        return code ? code : "";
}
