/* tests/fuzz/fuzz_manifest.c - libFuzzer target: the manifest (plain table) reader on any bytes.
 *
 * `enkat import --manifest` reads its manifest with enk_csv_read_table()
 * (survey/csv.h), which takes a path, so every input is written to one
 * temporary file first. Whatever the bytes, reading must not crash, leak or
 * read out of bounds, and every row handed on has at least one field, no
 * NULL field, fields without blanks at either end, and a line that is at
 * least 1 and never goes back. The status is one the header documents.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/fuzz_manifest.XXXXXX";

struct seen {
        unsigned line;
        size_t rows;
};

static enk_status on_row(void *ctx, unsigned line, const char *const *fields, size_t nfields)
{
        struct seen *s = ctx;
        if (line < 1 || line < s->line || nfields == 0)
                __builtin_trap();
        for (size_t i = 0; i < nfields; i++) {
                if (!fields[i])
                        __builtin_trap();
                size_t n = strlen(fields[i]);
                if (n && (fields[i][0] == ' ' || fields[i][n - 1] == ' '))
                        __builtin_trap();
        }
        s->line = line;
        s->rows++;
        return ENK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static int made;
        if (!made) {
                int fd = mkstemp(path);
                if (fd < 0)
                        __builtin_trap();
                close(fd);
                made = 1;
        }
        FILE *fp = fopen(path, "wb");
        if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
                __builtin_trap();
        enk_diags *d = enk_diags_new(0);
        struct seen s = {0, 0};
        enk_status st = enk_csv_read_table(path, on_row, &s, d);
        if (st != ENK_OK && st != ENK_ERR_SYNTAX && st != ENK_ERR_NOMEM)
                __builtin_trap();
        if ((st == ENK_OK && enk_diags_errors(d)) || (st == ENK_ERR_SYNTAX && !enk_diags_errors(d)))
                __builtin_trap();
        enk_diags_free(d);
        return 0;
}
