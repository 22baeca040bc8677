/* tests/unit/test_utf8.c - the UTF-8 helpers: validation, clipping, excerpts,
 * folding and did-you-mean. */
#include <stdint.h>
#include <string.h>

#include "survey/utf8.h"
#include "tests/unit/check.h"

int main(void)
{
        /* Validation: shortest forms only, no surrogates, no NUL, nothing cut. */
        CHECK(enk_utf8_valid("", 0));
        CHECK(enk_utf8_valid("Bra \xC3\xA4r \xE2\x82\xAC \xF0\x9F\x98\x80", 16));
        CHECK(!enk_utf8_valid("a\0b", 3));
        CHECK(!enk_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
        CHECK(!enk_utf8_valid("\xED\xA0\x80", 3));     /* a surrogate */
        CHECK(!enk_utf8_valid("\xF4\x90\x80\x80", 4)); /* beyond U+10FFFF */
        CHECK(!enk_utf8_valid("\xC3", 1));             /* cut short */
        CHECK(!enk_utf8_valid("\xE4", 1));             /* Latin-1 'ä' */

        /* One character at a time: its length and code point, 0 for none. */
        uint32_t cp = 0;
        CHECK_INT(enk_utf8_next("\xE2\x82\xAC!", 4, &cp), 3);
        CHECK_INT(cp, 0x20AC);
        CHECK_INT(enk_utf8_next("\xF0\x9F\x98\x80", 4, &cp), 4);
        CHECK_INT(cp, 0x1F600);
        CHECK_INT(enk_utf8_next("a", 1, NULL), 1);
        CHECK_INT(enk_utf8_next("\xE2\x82\xAC", 2, &cp), 0); /* cut short */
        CHECK_INT(enk_utf8_next("\xC0\xAF", 2, &cp), 0);     /* overlong */
        CHECK_INT(enk_utf8_next("\xED\xA0\x80", 3, &cp), 0); /* a surrogate */
        CHECK_INT(enk_utf8_next("\x80", 1, &cp), 0);         /* stray */
        CHECK_INT(enk_utf8_next("", 1, &cp), 0);             /* NUL */

        /* Characters and clipping never split a character. */
        CHECK_INT(enk_utf8_chars("h\xC3\xA4st", 5), 4);
        CHECK_INT(enk_utf8_clip("h\xC3\xA4st", 5, 9), 5);
        CHECK_INT(enk_utf8_clip("h\xC3\xA4st", 5, 2), 1);
        CHECK_INT(enk_utf8_clip("h\xC3\xA4st", 5, 3), 3);

        /* Excerpts: controls as '?', cut at 40 bytes on a boundary with "...". */
        char buf[ENK_UTF8_EXCERPT_SIZE];
        CHECK_STR(enk_utf8_excerpt("a\tb\x7f", 4, buf, sizeof buf), "a?b?");
        char long_text[64];
        memset(long_text, 'x', sizeof long_text);
        memcpy(long_text + 39, "\xC3\xA4", 2);
        const char *ex = enk_utf8_excerpt(long_text, sizeof long_text, buf, sizeof buf);
        CHECK_INT(strlen(ex), 39 + 3);
        CHECK(!strcmp(ex + 39, "..."));
        memset(long_text, 'y', 40);
        CHECK_INT(strlen(enk_utf8_excerpt(long_text, 40, buf, sizeof buf)), 40);

        /* Folding: blanks trimmed and collapsed, ASCII and Latin-1 lowered. */
        char f[64];
        const char *label = " \xC2\xA0Mycket  N\xC3\x96JD\t";
        size_t n = enk_utf8_fold(label, strlen(label), f, sizeof f);
        CHECK_INT(n, 12);
        CHECK(!memcmp(f, "mycket n\xC3\xB6jd", 12));
        CHECK_INT(enk_utf8_fold("\xC3\x97", 2, f, sizeof f), 2); /* × stays */
        CHECK(!memcmp(f, "\xC3\x97", 2));
        CHECK_INT(enk_utf8_fold("ABCDEF", 6, f, 3), SIZE_MAX);

        /* Did you mean: a swap of neighbours is one edit. */
        CHECK_INT(enk_utf8_distance("sclae", "scale"), 1);
        CHECK_INT(enk_utf8_distance("kitten", "sitting"), 3);
        const char *types[] = {"scale", "single", "multiple", NULL, "", "number"};
        CHECK_STR(enk_utf8_closest("sclae", types, 6), "scale");
        CHECK_STR(enk_utf8_closest("numbr", types, 6), "number");
        CHECK(enk_utf8_closest("x", types, 6) == NULL);
        CHECK(enk_utf8_closest("yesno", types, 6) == NULL);
        CHECK(enk_utf8_closest("sclae", NULL, 0) == NULL);

        /* Whole numbers: all of s, within [min, max]; *out only on success. */
        long v = -7;
        CHECK(enk_utf8_parse_int("2020", 1990, 2100, &v));
        CHECK_INT(v, 2020);
        CHECK(enk_utf8_parse_int("-3", -5, 5, &v));
        CHECK_INT(v, -3);
        v = -7;
        CHECK(!enk_utf8_parse_int("2020x", 1990, 2100, &v));
        CHECK(!enk_utf8_parse_int("1989", 1990, 2100, &v));
        CHECK(!enk_utf8_parse_int("", 0, 10, &v));
        CHECK(!enk_utf8_parse_int(NULL, 0, 10, &v));
        CHECK(!enk_utf8_parse_int("99999999999999999999", 0, 10, &v));
        CHECK_INT(v, -7);
        return check_report();
}
