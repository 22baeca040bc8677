/* tests/fuzz/fuzz_codes.c - libFuzzer target: reading a typed access code, on any bytes.
 *
 * The server hands enk_codes_normalize whatever a client posts as `kod`.
 * Whatever the bytes, it must not crash or read beyond the string, and when it
 * accepts them:
 *   - the result is 12 symbols of the alphabet;
 *   - it reads back as itself, also grouped (enk_codes_format), so every
 *     spelling of a code finds the one hash the store keeps;
 *   - the hash is 64 lower-case hex digits.
 * A rejected input leaves the output untouched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survey/codes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* The server's fields are NUL-terminated strings: cut at the first NUL. */
        char *typed = malloc(size + 1);
        if (!typed)
                return 0;
        memcpy(typed, data, size);
        typed[size] = '\0';

        char norm[ENK_CODES_NORMALIZED_SIZE];
        memset(norm, 'x', sizeof(norm));
        if (!enk_codes_normalize(typed, norm)) {
                for (size_t i = 0; i < sizeof(norm); i++)
                        if (norm[i] != 'x')
                                abort();
                free(typed);
                return 0;
        }
        if (strlen(norm) != ENK_CODES_SYMBOLS)
                abort();
        for (int i = 0; i < ENK_CODES_SYMBOLS; i++)
                if (!strchr(enk_codes_alphabet, norm[i]))
                        abort();
        char again[ENK_CODES_NORMALIZED_SIZE], grouped[ENK_CODES_GROUPED_SIZE];
        if (!enk_codes_normalize(norm, again) || strcmp(again, norm) != 0)
                abort();
        enk_codes_format(norm, grouped);
        if (strlen(grouped) != 14 || !enk_codes_normalize(grouped, again) ||
            strcmp(again, norm) != 0)
                abort();
        char hex[65];
        enk_codes_hash(norm, hex);
        if (strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
                abort();
        free(typed);
        return 0;
}
