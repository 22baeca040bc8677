/* survey/paperin_internal.h - what the files of the paperin module share.
 *
 *   paperin.c         the run: the store and wave, the layouts, reading pages
 *                     on worker threads, copies put together and stored;
 *   paperin_answer.c  the rules from box states to answers and reviews.
 */
#ifndef ENK_PAPERIN_INTERNAL_H
#define ENK_PAPERIN_INTERNAL_H

#include "survey/paperin.h"
#include "survey/scan.h"

/* One box of a question as read: its state and the value it stands for. */
struct pi_box {
        enk_scan_state state;
        int32_t value; /* a checkbox's value (enk_paper_box.value); 0 else */
};

/* Decides one question from its n boxes (in layout order). */
void pi_answer(const enk_question *qn, const struct pi_box *b, size_t n, enk_paperin_answer *a);

/* Marks the certain answers to questions the skip logic skips as waiting
 * ("skipped"), judging show_if on the answers and readings; reading is
 * scratch of q->nquestions values. */
void pi_skips(const enk_questionnaire *q, enk_paperin_answer *answers, int32_t *reading);

#endif
