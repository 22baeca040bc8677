/* survey/webform_internal.h - what the files of the web-form module share.
 *
 * Only survey/webform*.c include it. The module (public header
 * survey/webform.h) is split by concern:
 *   webform.c       rendering: the form and the other pages as HTML;
 *   webform_read.c  reading a submission: the posted fields into answer
 *                   values and texts, with the respondent's messages;
 *   webform_words.c the module's own wording, Swedish and English.
 * The rendering sees a submission only through the enk_webform_input_*
 * functions below: the input's structure is the reader's.
 */
#ifndef ENK_WEBFORM_INTERNAL_H
#define ENK_WEBFORM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "survey/lang.h"
#include "survey/webform.h"

/* ------------------------------------------------------------------------ */
/* Wording (webform_words.c)                                                */

enum enk_webform_word {
        W_REQUIRED,
        W_REQUIRED_RULE,
        W_PART,
        W_ERROR_PREFIX,
        W_SUMMARY_TITLE,
        W_SUMMARY_TEXT,
        W_SEND,
        W_SAVE,
        W_PREVIEW,
        W_SKIP_LINK,
        W_OR,
        W_NUMBER_HINT,
        W_YES,
        W_NO,
        W_ERR_CHOOSE,
        W_ERR_CHOOSE_ONE,
        W_ERR_YESNO,
        W_ERR_MULTIPLE,
        W_ERR_NUMBER,
        W_ERR_RANGE,
        W_ERR_TEXT,
        W_ERR_INVALID_TEXT,
        W_ERR_ONE_TEXT,
        W_COND_ANSWERED,
        W_COND_TICKED,
        W_COND_TICKED_ANY,
        W_COND_QUESTION,
        W_OPEN_QUOTE,
        W_FOOTER,
        W_CODE_TITLE,
        W_CODE_TEXT,
        W_CODE_LABEL,
        W_CODE_HINT,
        W_CODE_BUTTON,
        W_CODE_UNKNOWN,
        W_THANKS_TITLE,
        W_THANKS_TEXT,
        W_SAVED_TITLE,
        W_SAVED_TEXT,
        W_SAVED_LINK,
        W_USED_TITLE,
        W_USED_TEXT,
        W_ERROR_TITLE,
        W_ERROR_TEXT,
        W_START_LINK,
        W_SECTION_SKIPPED,
        W_ABOUT_DEADLINE,
        W_ABOUT_CONTACT,
        W_USED_TEXT_CONTACT,
        W_LANG_NAV,
        NWORDS
};

/* Word k in lang. */
const char *enk_webform_word(enk_lang lang, enum enk_webform_word k);
/* The language of the module's own words for language lang of q: English
 * when it is "en", Swedish otherwise. */
enk_lang enk_webform_lang(const enk_questionnaire *q, int lang);

/* ------------------------------------------------------------------------ */
/* Text (webform.c)                                                         */

/* ------------------------------------------------------------------------ */
/* A submission, as the pages show it again (webform_read.c)                */

/* The questionnaire in was read against. */
const enk_questionnaire *enk_webform_input_questionnaire(const enk_webform_input *in);
/* The message for question i's field, or NULL. */
const char *enk_webform_input_error(const enk_webform_input *in, size_t i);
/* The first string submitted for question i as typed, or "" when none came. */
const char *enk_webform_input_typed(const enk_webform_input *in, size_t i);
/* Whether a string submitted for question i is value, white space around it
 * ignored. */
bool enk_webform_input_has(const enk_webform_input *in, size_t i, const char *value);

#endif
