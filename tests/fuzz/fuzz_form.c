/* tests/fuzz/fuzz_form.c - libFuzzer target: the server's body decoder on any bytes.
 *
 * enk_server_form_decode reads every POST body the collection server gets, so
 * it sees whatever a client sends. Whatever the bytes, decoding must not
 * crash, leak or read out of bounds, and when it accepts them:
 *   - there are at most the allowed number of fields, every name and value is
 *     valid UTF-8 without NUL (checked here independently of the decoder);
 *   - encoding the fields (enk_server_form_encode, how a draft is kept) and
 *     decoding that again gives the same fields: a draft comes back exactly.
 * When it refuses them, the status is ENK_ERR_SYNTAX or ENK_ERR_DATA.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survey/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* UTF-8 as RFC 3629 defines it (no overlongs, surrogates or values above
 * U+10FFFF), without NUL: written apart from the decoder's own check. */
static bool valid_utf8(const unsigned char *s)
{
        while (*s) {
                unsigned char c = *s;
                size_t n;
                unsigned min;
                unsigned long cp;
                if (c < 0x80) {
                        s++;
                        continue;
                } else if ((c & 0xE0) == 0xC0) {
                        n = 1, min = 0x80, cp = c & 0x1F;
                } else if ((c & 0xF0) == 0xE0) {
                        n = 2, min = 0x800, cp = c & 0x0F;
                } else if ((c & 0xF8) == 0xF0) {
                        n = 3, min = 0x10000, cp = c & 0x07;
                } else {
                        return false;
                }
                for (size_t i = 1; i <= n; i++) {
                        if ((s[i] & 0xC0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i] & 0x3F);
                }
                if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                        return false;
                s += n + 1;
        }
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        enum { MAX = 50 };
        enk_server_form f;
        enk_status st = enk_server_form_decode((const char *) data, size, MAX, &f);
        if (st != ENK_OK) {
                if (st != ENK_ERR_SYNTAX && st != ENK_ERR_DATA)
                        abort();
                return 0;
        }
        if (f.n > MAX)
                abort();
        for (size_t i = 0; i < f.n; i++)
                if (!valid_utf8((const unsigned char *) f.fields[i].name) ||
                    !valid_utf8((const unsigned char *) f.fields[i].value))
                        abort();
        char *enc = NULL;
        size_t len = 0;
        if (enk_server_form_encode(f.fields, f.n, &enc, &len) != ENK_OK)
                abort();
        enk_server_form g;
        if (enk_server_form_decode(enc, len, MAX, &g) != ENK_OK || g.n != f.n)
                abort();
        for (size_t i = 0; i < f.n; i++)
                if (strcmp(f.fields[i].name, g.fields[i].name) ||
                    strcmp(f.fields[i].value, g.fields[i].value))
                        abort();
        enk_server_form_release(&g);
        enk_server_form_release(&f);
        free(enc);
        return 0;
}
