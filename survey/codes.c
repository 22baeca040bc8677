/* survey/codes.c - one-time access codes: Crockford base32, 60 random bits, SHA-256, derived keys.
 *
 * The design and the reasons for the alphabet and the length are in codes.h.
 * Randomness, SHA-256 and derived keys come from survey/hash.h, so this file
 * uses no library of its own.
 */
#include "survey/codes.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "survey/hash.h"

const char enk_codes_alphabet[33] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

enk_status enk_codes_generate(char out[ENK_CODES_GROUPED_SIZE], enk_diags *diags)
{
        unsigned char bytes[8];
        enk_status status = enk_hash_random(bytes, sizeof(bytes), diags);
        if (status != ENK_OK)
                return status;
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++)
                bits = bits << 8 | bytes[i];
        /* Five bits per symbol, 60 of the 64: 32 is a power of two, so each
         * symbol is exactly uniform, which "% 32" of a larger range would not
         * guarantee for alphabets of other sizes. */
        char norm[ENK_CODES_NORMALIZED_SIZE];
        for (int i = 0; i < ENK_CODES_SYMBOLS; i++) {
                norm[i] = enk_codes_alphabet[bits & 31];
                bits >>= 5;
        }
        norm[ENK_CODES_SYMBOLS] = '\0';
        enk_codes_format(norm, out);
        return ENK_OK;
}

/* The 5-bit value of an ASCII character as Crockford reads it, -1 for a
 * character that is not a symbol. */
static int symbol_value(unsigned char c)
{
        if (c >= 'a' && c <= 'z')
                c = (unsigned char) (c - 'a' + 'A');
        switch (c) {
        case 'O':
                return 0;
        case 'I':
        case 'L':
                return 1;
        case 'U':
                return -1;
        default:
                break;
        }
        const char *p = c ? strchr(enk_codes_alphabet, c) : NULL;
        return p ? (int) (p - enk_codes_alphabet) : -1;
}

/* The length of a separator at s (ASCII space, tab or dash, or one of the
 * UTF-8 spaces and dashes that copying from a PDF or a word processor brings
 * along), 0 when there is none. */
static size_t separator(const unsigned char *s)
{
        if (s[0] == ' ' || s[0] == '\t' || s[0] == '-')
                return 1;
        if (s[0] == 0xC2 && s[1] == 0xA0) /* U+00A0 no-break space */
                return 2;
        if (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x90 && s[2] <= 0x95)
                return 3; /* U+2010-U+2015 hyphen, non-breaking hyphen, dashes */
        if (s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xAF) /* U+202F narrow no-break space */
                return 3;
        if (s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92) /* U+2212 minus sign */
                return 3;
        return 0;
}

bool enk_codes_normalize(const char *typed, char out[ENK_CODES_NORMALIZED_SIZE])
{
        if (!typed)
                return false;
        char norm[ENK_CODES_NORMALIZED_SIZE];
        size_t n = 0;
        const unsigned char *s = (const unsigned char *) typed;
        while (*s) {
                size_t skip = separator(s);
                if (skip) {
                        s += skip;
                        continue;
                }
                int v = symbol_value(*s);
                if (v < 0 || n == ENK_CODES_SYMBOLS)
                        return false;
                norm[n++] = enk_codes_alphabet[v];
                s++;
        }
        if (n != ENK_CODES_SYMBOLS)
                return false;
        norm[n] = '\0';
        memcpy(out, norm, sizeof(norm));
        return true;
}

/* Whether norm is exactly 12 symbols of the alphabet, as written out. */
static bool normalized(const char *norm)
{
        if (!norm)
                return false;
        for (int i = 0; i < ENK_CODES_SYMBOLS; i++)
                if (!norm[i] || !strchr(enk_codes_alphabet, norm[i]))
                        return false;
        return norm[ENK_CODES_SYMBOLS] == '\0';
}

void enk_codes_format(const char *norm, char out[ENK_CODES_GROUPED_SIZE])
{
        if (!normalized(norm)) {
                out[0] = '\0';
                return;
        }
        char *p = out;
        for (int i = 0; i < ENK_CODES_SYMBOLS; i++) {
                if (i && i % 4 == 0)
                        *p++ = '-';
                *p++ = norm[i];
        }
        *p = '\0';
}

void enk_codes_hash(const char *norm, char hex[65])
{
        enk_hash_sha256_hex(norm, norm ? strnlen(norm, ENK_CODES_SYMBOLS) : 0, hex);
}

bool enk_codes_keys(const char *norm, enk_code_keys *keys)
{
        if (!normalized(norm))
                return false;
        unsigned char b[32];
        enk_codes_hash(norm, keys->hash);
        /* The contexts are part of the stored format: never change them. */
        enk_hash_derive("enkat spent mark v1", norm, ENK_CODES_SYMBOLS, b);
        for (int i = 0; i < 32; i++)
                snprintf(keys->spent + 2 * i, 3, "%02x", b[i]);
        enk_hash_derive("enkat draft row v1", norm, ENK_CODES_SYMBOLS, b);
        for (int i = 0; i < 32; i++)
                snprintf(keys->draft + 2 * i, 3, "%02x", b[i]);
        enk_hash_derive("enkat draft key v1", norm, ENK_CODES_SYMBOLS, keys->draft_key);
        memset(b, 0, sizeof(b));
        return true;
}
