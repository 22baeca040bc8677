/* tests/fuzz/fuzz_xlsxin.c - libFuzzer target: a workbook of responses on any bytes.
 *
 * The input is taken as an .xlsx file (a zip of XML parts, survey/xlsxin.h)
 * for the fuzz targets' questionnaire (fuzz_util.h). Whatever the bytes,
 * reading must not crash, leak or read out of bounds, and every delivered
 * value is ENK_MISSING or one its question allows, on the row it came from.
 */
#include <stddef.h>
#include <stdint.h>

#include "survey/xlsxin.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enk_questionnaire *q;

static enk_status on_row(void *ctx, const enk_csvin_row *row)
{
        (void) ctx;
        for (size_t i = 0; i < q->nquestions; i++) {
                int32_t v = row->response.values[i];
                if (v != ENK_MISSING && !enk_question_allows(q, &q->questions[i], v))
                        __builtin_trap();
        }
        /* a sheet's rows are numbered from 1; the header is one of them */
        if (row->response.origin.line < 2)
                __builtin_trap();
        return ENK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!q)
                q = fuzz_questionnaire();
        enk_csvin *r = enk_csvin_new(q);
        enk_diags *d = enk_diags_new(0);
        if (!r || !d)
                __builtin_trap();
        enk_csvin_set_row_fn(r, on_row, NULL);
        enk_status st = enk_xlsxin_read_buf(r, data, size, "fuzz.xlsx", d);
        if (st != ENK_OK && st != ENK_ERR_SYNTAX && st != ENK_ERR_DATA)
                __builtin_trap();
        if (st != ENK_OK && enk_diags_errors(d) == 0)
                __builtin_trap();
        enk_diags_free(d);
        enk_csvin_free(r);
        return 0;
}
