/* survey/webform.h - the web form: HTML pages from the questionnaire model, and
 * reading the submitted fields back into answer values.
 *
 * One module knows how a questionnaire becomes HTML, so it alone knows the
 * field names and values it generated and turns a submission back into the
 * int32 answers of survey/questionnaire.h. The collection server
 * (survey/server.h) does HTTP; `enkat form --format html` writes the same page
 * as one self-contained file.
 *
 * Field names and values (docs/web.md is the reference):
 *   - every question's field is named by its id; a grid item is a question of
 *     its own, named by its own id;
 *   - scale, single choice: one radio per point/option, value = the point's or
 *     option's number ("1".."5"); the scale's "not applicable / don't know"
 *     answer has the value "na";
 *   - multiple choice: one checkbox per option, all named by the id, value =
 *     the option's number; the field repeats once per chosen option;
 *   - yes/no: radios with values "ja" (1) and "nej" (0);
 *   - number: one text input (inputmode=numeric), the digits as typed;
 *   - text: one textarea.
 * Fields whose names are not question ids (the server's own "kod", "csrf",
 * "action") are ignored by enk_webform_read.
 *
 * Pages. The CSS (templates/form.css) is inlined in a <style> element; the
 * script for show-if (templates/form.js) is either inlined (the self-contained
 * file) or referenced as <script src> (the server, whose Content-Security-Policy
 * forbids inline script). The page works fully without the script.
 *
 * Text: every text of the questionnaire and everything the respondent typed is
 * HTML-escaped. User-facing text is in the questionnaire's language lang (an
 * index into q->languages); the module's own wording (buttons, messages, "Del 2
 * av 5") is Swedish, or English when that language's code is "en".
 *
 * Ownership: output buffers are malloc'ed and owned by the caller (free()).
 * Functions return ENK_ERR_NOMEM when memory runs out and ENK_ERR_USAGE for
 * NULL arguments; they never print.
 */
#ifndef ENK_WEBFORM_H
#define ENK_WEBFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/questionnaire.h"
#include "survey/response.h"
#include "survey/strbuf.h"

/* One submitted field, as decoded from the request body (names may repeat). */
typedef struct enk_webform_field {
        const char *name;
        const char *value;
} enk_webform_field;

/* A submission read against the questionnaire: the answer values, the free
 * texts, the raw strings as typed (so that a page shown again with errors
 * keeps everything the respondent entered) and the problems found. Opaque. */
typedef struct enk_webform_input enk_webform_input;

/* Reads nfields submitted fields into a new input (*out, freed with
 * enk_webform_input_free) and validates it: values a question does not allow ("abc"
 * in a number field, a number out of range, an unknown option) are field
 * errors; then enk_response_validate() (survey/response.h) runs, the same
 * validation as import, adding "required" errors and dropping answers to
 * skipped questions. Error messages are in language lang and say what to do
 * ("Ange ett tal mellan 0 och 20"). Fails only with ENK_ERR_NOMEM or
 * ENK_ERR_USAGE; bad answers are not a failure but errors in the input. */
enk_status enk_webform_read(const enk_questionnaire *q, int lang, const enk_webform_field *fields,
                            size_t nfields, enk_webform_input **out);

/* Frees the input; NULL is a no-op. */
void enk_webform_input_free(enk_webform_input *in);

/* Number of errors found (0: the response may be stored). */
size_t enk_webform_nerrors(const enk_webform_input *in);

/* The submission as a response (source web, no respondent key, no date: the
 * server adds the day it is stored), as enk_store_submit() takes it: the
 * q->nquestions answer values, and the text of each answered free-text
 * question. Borrowed, valid until enk_webform_input_free. */
const enk_response *enk_webform_response(const enk_webform_input *in);

/* Who asks, from the wave (survey/store.h, enk_store_wave_details): under
 * the title of every page the municipality and the last day to answer
 * ("Svara senast 31 mars 2026"), in the footer whom to ask, and on the
 * used-code page that contact too. Each may be NULL (left out); deadline
 * is "YYYY-MM-DD". Borrowed. */
typedef struct enk_webform_about {
        const char *municipality, *deadline, *contact;
} enk_webform_about;

/* What the page around the form says and where it posts. */
typedef struct enk_webform_options {
        int lang;           /* index into q->languages */
        int year;           /* the wave's year, shown after the title
                               (enk_title_with_year); 0: the title as written */
        const char *action; /* the form's action URL ("/svar"); NULL: a static file
                             * whose submit button is disabled with a note */
        /* Hidden fields written into the form as given (escaped), e.g. the
         * server's "kod" and "csrf"; nhidden pairs, may be 0. */
        const enk_webform_field *hidden;
        size_t nhidden;
        /* The script: NULL inlines templates/form.js (self-contained file);
         * otherwise the URL of <script src=...> ("/form.js"). */
        const char *script_src;
        /* A submission to show again (values as typed, errors with a summary at
         * the top, "Fel: " before the title), or NULL for an empty form. */
        const enk_webform_input *input;
        /* Whether the input's errors are shown (summary, messages, "Fel: ").
         * false fills in the answers only: a resumed draft. */
        bool show_errors;
        /* A notice shown above the form (e.g. "Dina sparade svar är ifyllda"),
         * or NULL. Plain text, escaped. */
        const char *notice;
        /* Who asks (NULL: nothing said). */
        const enk_webform_about *about;
        /* Offer the questionnaire's other languages: a button each beside
         * "save" (name "action", value "sprak-CODE") that posts the form as
         * it is, for the server to show again in that language. */
        bool lang_switch;
} enk_webform_options;

/* Writes the whole HTML page of the questionnaire into a new buffer (*html,
 * *len). */
enk_status enk_webform_render(const enk_questionnaire *q, const enk_webform_options *opt,
                              char **html, size_t *len);

/* The other pages of the collection server, in the same look: */
typedef enum enk_webform_page {
        ENK_PAGE_CODE,         /* enter your code (with an optional error message) */
        ENK_PAGE_THANKS,       /* thank you, your answers are saved */
        ENK_PAGE_SAVED,        /* your answers are kept; come back with the same code */
        ENK_PAGE_CODE_USED,    /* this code has already been used */
        ENK_PAGE_CODE_UNKNOWN, /* no such code (typo?) */
        ENK_PAGE_ERROR,        /* an HTTP error page: message says which */
} enk_webform_page;

/* Writes one of those pages. title is the questionnaire's title (escaped);
 * lang_code "sv" or "en"; message is an extra plain-text line (an error, or
 * NULL); action is the URL the code page posts to (ignored by the others). */
enk_status enk_webform_page_render(enk_webform_page page, const char *title, const char *lang_code,
                                   const char *message, const char *action, char **html,
                                   size_t *len);

/* As enk_webform_page_render, and the code page's field shows typed (the
 * code as the respondent typed it, escaped; NULL or "" for none), so that a
 * mistyped code is corrected rather than typed again. langs (NULL: none) is
 * a NULL-terminated list of language codes the server offers: the page then
 * links to "./?lang=CODE" for each but lang_code, and the code form carries
 * lang_code in a hidden field "lang". */
enk_status enk_webform_code_page_render(enk_webform_page page, const char *title,
                                        const char *lang_code, const char *message,
                                        const char *typed, const char *action,
                                        const char *const *langs, char **html, size_t *len);

/* The name of language code in that language ("Svenska", "English",
 * "Suomi"), or code itself when the module knows no name for it. */
const char *enk_webform_lang_name(const char *code);

/* As enk_webform_code_page_render, and the page says who asks (about may
 * be NULL): the used-code page then names the contact. */
enk_status enk_webform_wave_page_render(enk_webform_page page, const char *title,
                                        const char *lang_code, const char *message,
                                        const char *typed, const char *action,
                                        const char *const *langs, const enk_webform_about *about,
                                        char **html, size_t *len);

/* The CSS and script as built in (borrowed, static; for the server to serve
 * /form.js and compute its CSP hashes). */
const char *enk_webform_css(void);
const char *enk_webform_script(void);

/* Appends s to b escaped for HTML, safe both as element content and inside a
 * quoted attribute value: & < > " ' as references, bytes that are not UTF-8
 * as U+FFFD, control characters dropped. The one HTML escaper of enkat's
 * pages (the web form's, the review's). NULL is "". */
void enk_webform_escape(enk_strbuf *b, const char *s);

#endif
