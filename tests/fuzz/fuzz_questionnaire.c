/* tests/fuzz/fuzz_questionnaire.c - libFuzzer target: the questionnaire loader on any bytes.
 *
 * Whatever the input, enk_questionnaire_parse must return without crashing,
 * leaking or reading out of bounds; a loaded model must pass a walk over every
 * question with the helpers the forms and the import use.
 */
#include <stddef.h>
#include <stdint.h>

#include "survey/questionnaire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        enk_diags *diags = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        if (enk_questionnaire_parse((const char *) data, size, "fuzz.yaml", &q, diags) == ENK_OK) {
                int32_t values[64];
                for (size_t i = 0; i < 64; i++)
                        values[i] = 1;
                for (size_t i = 0; i < q->nquestions; i++) {
                        const enk_question *qn = &q->questions[i];
                        (void) enk_question_allows(q, qn, 1);
                        (void) enk_question_allows(q, qn, ENK_NA);
                        (void) enk_text_get(&qn->text, 1);
                        (void) enk_questionnaire_find_linked(q, qn->id);
                        if (q->nquestions <= 64)
                                (void) enk_question_shown(q, qn, values);
                }
        }
        enk_questionnaire_free(q);
        enk_diags_free(diags);
        return 0;
}
