/* tests/fuzz/fuzz_csvin.c - libFuzzer target: the CSV response reader on any bytes.
 *
 * The input is a response file for a fixed small questionnaire that uses every
 * question type, skip logic and a grid. Whatever the bytes, reading must not
 * crash, leak or read out of bounds, and:
 *   - every delivered value is ENK_MISSING or one its question allows, a
 *     question that show_if skips is never answered, and a text is given
 *     exactly for answered free-text questions;
 *   - reading in small chunks (1..13 bytes) gives the same rows and the same
 *     diagnostics as reading in one go: chunk boundaries must never matter.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "survey/csvin.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enk_questionnaire *q;

struct result {
        size_t rows, sum;
};

static enk_status on_row(void *ctx, const enk_csvin_row *row)
{
        struct result *res = ctx;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_question *qn = &q->questions[i];
                int32_t v = row->response.values[i];
                if (v != ENK_MISSING && !enk_question_allows(q, qn, v))
                        __builtin_trap();
                if (v != ENK_MISSING && !enk_question_shown(q, qn, row->response.values))
                        __builtin_trap();
                if ((row->response.texts[i] != NULL) != (qn->type == ENK_Q_TEXT && v == 1))
                        __builtin_trap();
                res->sum = res->sum * 31 + (uint32_t) v;
        }
        res->rows++;
        res->sum += row->response.origin.line;
        return ENK_OK;
}

static void read_all(const uint8_t *data, size_t size, size_t chunk, struct result *res,
                     enk_diags *diags, enk_status *st)
{
        enk_csvin *r = enk_csvin_new(q);
        if (!r)
                __builtin_trap();
        enk_csvin_map(r, "Nr", "respondent");
        enk_csvin_map(r, "Kurs A", "kurs_1");
        enk_csvin_set_row_fn(r, on_row, res);
        if (chunk)
                enk_csvin_set_chunk_size(r, chunk);
        *st = enk_csvin_read_buf(r, data, size, "fuzz.csv", diags);
        enk_csvin_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!q)
                q = fuzz_questionnaire();
        enk_diags *d1 = enk_diags_new(0), *d2 = enk_diags_new(0);
        struct result r1 = {0, 0}, r2 = {0, 0};
        enk_status s1, s2;
        read_all(data, size, 0, &r1, d1, &s1);
        read_all(data, size, 1 + size % 13, &r2, d2, &s2);
        if (s1 != s2 || r1.rows != r2.rows || r1.sum != r2.sum ||
            enk_diags_count(d1) != enk_diags_count(d2) ||
            enk_diags_errors(d1) != enk_diags_errors(d2))
                __builtin_trap();
        for (size_t i = 0; i < enk_diags_count(d1); i++) {
                const enk_diag *a = enk_diags_get(d1, i), *b = enk_diags_get(d2, i);
                if (a->line != b->line || a->column != b->column || strcmp(a->message, b->message))
                        __builtin_trap();
        }
        enk_diags_free(d1);
        enk_diags_free(d2);
        return 0;
}
