/* survey/response.h - one response, and validating it against its questionnaire.
 *
 * Every way a response enters enkat (a CSV import, a web form submission, a
 * scanned paper form) ends in the same array of answer values, indexed like
 * q->questions (see survey/questionnaire.h for how values are written). This
 * module holds the one set of rules those values must obey, so that import and
 * the collection server can never disagree about what a valid response is:
 *
 *   - every value is one the question allows (a point of its scale, one of its
 *     options, a number in range, ...);
 *   - a required question that is shown (its show_if holds) is answered;
 *   - a question that show_if skips has no answer: an answer to it is a warning
 *     and is dropped (set to ENK_MISSING), so that a later question whose
 *     show_if looks at it sees what the respondent was really asked.
 *
 * The module reports through a callback rather than an enk_diags list because
 * the place of a problem is the caller's business (a CSV row and column, a form
 * field); it never prints and never allocates.
 */
#ifndef ENK_RESPONSE_H
#define ENK_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/questionnaire.h"

typedef enum enk_response_problem {
        ENK_RESPONSE_INVALID,  /* error: a value the question does not allow */
        ENK_RESPONSE_REQUIRED, /* error: a required question is shown but not answered */
        ENK_RESPONSE_SKIPPED,  /* warning: show_if skips the question, yet it has an
                                * answer; the answer has been set to ENK_MISSING */
} enk_response_problem;

/* Called once per problem found. question is the index into q->questions;
 * message is a lower-case English phrase without the question id (the caller
 * shows the id as the diagnostic's subject), borrowed for the call only. */
typedef void (*enk_response_report_fn)(void *ctx, enk_severity severity, size_t question,
                                       enk_response_problem problem, const char *message);

/* ------------------------------------------------------------ a response */

/* How a response came in (the store keeps it with the response). */
typedef enum enk_response_source {
        ENK_SOURCE_WEB,    /* submitted on the web form */
        ENK_SOURCE_PAPER,  /* a paper form keyed in */
        ENK_SOURCE_IMPORT, /* a file from another survey tool */
        ENK_SOURCE_SCAN,   /* a paper form read by enkat scan */
} enk_response_source;

/* Where a response came from, for messages and for the record. */
typedef struct enk_response_origin {
        const char *file; /* the file it was read from; NULL for a web submission */
        unsigned line;    /* CSV: the physical line on which its record starts; else 0 */
        size_t row;       /* CSV: its 1-based number among the file's data rows; else 0 */
        unsigned page;    /* scan: the 1-based page of file; else 0 */
} enk_response_origin;

/* One response, the one shape every producer fills (the CSV reader, the web
 * form, the scanner) and the store takes as it is (enk_store_add_response,
 * enk_store_submit). values and texts are indexed like q->questions. Every
 * pointer is borrowed from the producer, valid for as long as it says. */
typedef struct enk_response {
        const enk_questionnaire *q; /* the edition answered */
        int32_t *values;            /* q->nquestions answer values */
        const char *const *texts;   /* NULL, or q->nquestions entries: the answer
                                     * of each answered free-text question, else
                                     * NULL (an empty text is no answer) */
        const char *respondent_key; /* identifies the respondent within the wave,
                                     * or NULL */
        const char *date;           /* "YYYY-MM-DD", or NULL for unknown */
        enk_response_source source;
        enk_response_origin origin;
} enk_response;

/* Sets all q->nquestions values to ENK_MISSING. */
void enk_response_clear(const enk_questionnaire *q, int32_t *values);

/* Whether a required question left blank is an error for responses from
 * source: yes where the respondent could be held to it (the web form insists;
 * another survey tool's export is taken to have insisted too), no for paper
 * (keyed or scanned): paper cannot insist, and a person who left a question
 * blank on paper has answered the others. */
bool enk_response_source_insists(enk_response_source source);

/* Checks the q->nquestions values (in/out) of a response from source against
 * q, question by question in order, calling report (may be NULL) for every
 * problem: invalid values and (where the source insists) required questions
 * left blank are errors, answers to skipped questions are warnings and are set
 * to ENK_MISSING in values. An invalid value is left as
 * it is and counts as an answer for show_if (so one wrong code gives one error,
 * not a cascade). Returns the number of errors (warnings not counted); 0 means
 * the response may be stored. */
size_t enk_response_validate(const enk_questionnaire *q, enk_response_source source,
                             int32_t *values, enk_response_report_fn report, void *ctx);

/* Writes the condition under which qn is shown, for messages, into buf (size
 * bytes, always NUL-terminated when size > 0): "'har_skolbarn' is yes",
 * "'utbildningar' includes 1, 2 or 3". Writes "" when qn has no show_if. */
void enk_response_condition_str(const enk_questionnaire *q, const enk_question *qn, char *buf,
                                size_t size);

#endif
