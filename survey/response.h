/* survey/response.h - validating one response against its questionnaire.
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

/* Sets all q->nquestions values to ENK_MISSING. */
void enk_response_clear(const enk_questionnaire *q, int32_t *values);

/* Checks the q->nquestions values (in/out) against q, question by question in
 * order, calling report (may be NULL) for every problem: invalid values and
 * required questions left blank are errors, answers to skipped questions are
 * warnings and are set to ENK_MISSING in values. An invalid value is left as
 * it is and counts as an answer for show_if (so one wrong code gives one error,
 * not a cascade). Returns the number of errors (warnings not counted); 0 means
 * the response may be stored. */
size_t enk_response_validate(const enk_questionnaire *q, int32_t *values,
                             enk_response_report_fn report, void *ctx);

/* Writes the condition under which qn is shown, for messages, into buf (size
 * bytes, always NUL-terminated when size > 0): "'har_skolbarn' is yes",
 * "'utbildningar' includes 1, 2 or 3". Writes "" when qn has no show_if. */
void enk_response_condition_str(const enk_questionnaire *q, const enk_question *qn, char *buf,
                                size_t size);

#endif
