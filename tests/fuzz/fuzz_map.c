/* tests/fuzz/fuzz_map.c - libFuzzer target: the column mapping file (--map) on any bytes.
 *
 * The input is loaded as a mapping file of both forms enk_csvin_load_map()
 * reads (survey/csvin.h): as CSV (a path ending in .csv) and as YAML (.yaml),
 * for the questionnaire of fuzz_util.h, and then a small fixed response file
 * is read with the mappings that loaded. Whatever the bytes, nothing may
 * crash, leak or read out of bounds; the status must be one the header
 * documents and agree with the errors reported; and the response file must
 * still be read to its end, every delivered value one its question allows.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/csvin.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enk_questionnaire *q;
static char dir[] = "/tmp/fuzz_map.XXXXXX";
static char csv_path[64], yaml_path[64];

static const char responses[] = "Nr;Typ av hem;typ;antal;barn;g1;Kurs A;kurs_2;fritt\n"
                                "R1;1;1;3;ja;2;1;0;Bra\n"
                                "R2;2;2;0;nej;3;0;1;\n";

static enk_status on_row(void *ctx, const enk_csvin_row *row)
{
        size_t *rows = ctx;
        for (size_t i = 0; i < q->nquestions; i++) {
                int32_t v = row->response.values[i];
                if (v != ENK_MISSING && !enk_question_allows(q, &q->questions[i], v))
                        __builtin_trap();
        }
        (*rows)++;
        return ENK_OK;
}

static void load(const char *path, const uint8_t *data, size_t size)
{
        FILE *fp = fopen(path, "wb");
        if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
                __builtin_trap();
        enk_csvin *r = enk_csvin_new(q);
        if (!r)
                __builtin_trap();
        enk_diags *d = enk_diags_new(0);
        enk_status st = enk_csvin_load_map(r, path, d);
        if (st != ENK_OK && st != ENK_ERR_IO && st != ENK_ERR_SYNTAX && st != ENK_ERR_DATA &&
            st != ENK_ERR_NOMEM)
                __builtin_trap();
        if (st == ENK_OK && enk_diags_errors(d))
                __builtin_trap();
        size_t rows = 0;
        enk_csvin_set_row_fn(r, on_row, &rows);
        st = enk_csvin_read_buf(r, responses, sizeof(responses) - 1, "r.csv", d);
        const enk_csvin_stats *s = enk_csvin_stats_get(r);
        if (st != ENK_ERR_NOMEM && s->rows + s->rows_blank > 2)
                __builtin_trap();
        if (rows != s->rows_valid)
                __builtin_trap();
        enk_diags_free(d);
        enk_csvin_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!q) {
                q = fuzz_questionnaire();
                if (!mkdtemp(dir))
                        __builtin_trap();
                snprintf(csv_path, sizeof(csv_path), "%s/map.csv", dir);
                snprintf(yaml_path, sizeof(yaml_path), "%s/map.yaml", dir);
        }
        load(csv_path, data, size);
        load(yaml_path, data, size);
        return 0;
}
