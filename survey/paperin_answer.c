/* survey/paperin_answer.c - what a question's boxes mean: the rules that turn
 * the scan module's box states into an answer, a review, or nothing.
 *
 * The rules (docs/scan.md, "From boxes to answers"):
 *   - a blackened box (ENK_SCAN_FILLED) is the form's correction, "not this
 *     one": it counts as no mark when the question has a cross elsewhere; a
 *     blackened box alone waits for a person ("uncertain": a correction that
 *     took back the only answer, or a respondent who answers by filling);
 *   - one mark on a single-choice question (scale, single, yes/no) is its
 *     answer; none is no answer; two or more wait for a person ("multiple");
 *   - a multiple-choice question's marks are its answer, as a set;
 *   - any box the scan module could not call (ENK_SCAN_UNCERTAIN) makes the
 *     question wait ("uncertain"), with what the sure marks suggest;
 *   - a digit box written in makes the number wait ("digits"): digits are
 *     never read from pixels; all empty is no answer;
 *   - a written text area answers the text question (the text stays on paper);
 *   - finally, an answer to a question the skip logic skips waits
 *     ("skipped"), judged on the answers and readings of the copy.
 */
#include "survey/paperin_internal.h"

#include <string.h>

/* A single-choice question from its checkboxes. */
static void single(const struct pi_box *b, size_t n, enk_paperin_answer *a)
{
        size_t marked = 0, uncertain = 0, filled = 0;
        int32_t value = ENK_MISSING, filled_value = ENK_MISSING;
        for (size_t i = 0; i < n; i++) {
                if (b[i].state == ENK_SCAN_MARKED) {
                        marked++;
                        value = b[i].value;
                } else if (b[i].state == ENK_SCAN_UNCERTAIN) {
                        uncertain++;
                } else if (b[i].state == ENK_SCAN_FILLED) {
                        filled++;
                        filled_value = b[i].value;
                }
        }
        /* A blackened box with no cross beside it: a correction that took
         * back the only answer, or a respondent who fills boxes to answer. */
        if (!marked && filled) {
                uncertain++;
                value = filled == 1 ? filled_value : ENK_MISSING;
        }
        if (marked > 1) {
                a->state = ENK_PAPERIN_REVIEW;
                a->reason = "multiple";
                a->value = ENK_MISSING;
        } else if (uncertain) {
                a->state = ENK_PAPERIN_REVIEW;
                a->reason = "uncertain";
                a->value = value;
        } else {
                a->state = marked ? ENK_PAPERIN_CERTAIN : ENK_PAPERIN_EMPTY;
                a->value = value;
        }
}

/* A multiple-choice question: the set of marked options. */
static void multiple(const struct pi_box *b, size_t n, enk_paperin_answer *a)
{
        int32_t set = 0;
        bool uncertain = false, filled = false;
        for (size_t i = 0; i < n; i++) {
                if (b[i].state == ENK_SCAN_MARKED && b[i].value >= 1 &&
                    b[i].value <= ENK_OPTION_MAX)
                        set |= (int32_t) (1u << (b[i].value - 1));
                else if (b[i].state == ENK_SCAN_UNCERTAIN)
                        uncertain = true;
                else if (b[i].state == ENK_SCAN_FILLED)
                        filled = true;
        }
        if (!set && filled)
                uncertain = true; /* as for a single choice */
        a->value = set ? set : ENK_MISSING;
        if (uncertain) {
                a->state = ENK_PAPERIN_REVIEW;
                a->reason = "uncertain";
        } else {
                a->state = set ? ENK_PAPERIN_CERTAIN : ENK_PAPERIN_EMPTY;
        }
}

/* A number's digit boxes, or a text area: written or not. */
static void written(const enk_question *qn, const struct pi_box *b, size_t n, enk_paperin_answer *a)
{
        size_t ink = 0, uncertain = 0;
        for (size_t i = 0; i < n; i++) {
                if (b[i].state == ENK_SCAN_WRITTEN || b[i].state == ENK_SCAN_MARKED ||
                    b[i].state == ENK_SCAN_FILLED)
                        ink++;
                else if (b[i].state == ENK_SCAN_UNCERTAIN)
                        uncertain++;
        }
        a->value = ENK_MISSING;
        if (qn->type == ENK_Q_NUMBER) {
                a->state = ink || uncertain ? ENK_PAPERIN_REVIEW : ENK_PAPERIN_EMPTY;
                a->reason = ink ? "digits" : uncertain ? "uncertain" : NULL;
                return;
        }
        if (uncertain && !ink) {
                a->state = ENK_PAPERIN_REVIEW;
                a->reason = "uncertain";
                return;
        }
        a->state = ink ? ENK_PAPERIN_CERTAIN : ENK_PAPERIN_EMPTY;
        a->value = ink ? 1 : ENK_MISSING;
}

void pi_answer(const enk_question *qn, const struct pi_box *b, size_t n, enk_paperin_answer *a)
{
        a->state = ENK_PAPERIN_EMPTY;
        a->reason = NULL;
        a->value = ENK_MISSING;
        switch (qn->type) {
        case ENK_Q_SCALE:
        case ENK_Q_SINGLE:
        case ENK_Q_YESNO:
                single(b, n, a);
                break;
        case ENK_Q_MULTIPLE:
                multiple(b, n, a);
                break;
        case ENK_Q_NUMBER:
        case ENK_Q_TEXT:
                written(qn, b, n, a);
                break;
        }
}

void pi_skips(const enk_questionnaire *q, enk_paperin_answer *answers, int32_t *reading)
{
        for (size_t i = 0; i < q->nquestions; i++)
                reading[i] = answers[i].value;
        for (size_t i = 0; i < q->nquestions; i++) {
                enk_paperin_answer *a = &answers[i];
                if (a->state == ENK_PAPERIN_EMPTY ||
                    enk_question_shown(q, &q->questions[i], reading))
                        continue;
                if (a->state == ENK_PAPERIN_CERTAIN) {
                        a->state = ENK_PAPERIN_REVIEW;
                        a->reason = "skipped";
                }
        }
}
