/* tests/unit/test_server.c - the server's form encoding: strict decoding of
 * application/x-www-form-urlencoded bodies and the draft's encoding.
 *
 * Expected values follow the encoding's definition (WHATWG URL standard,
 * "application/x-www-form-urlencoded parsing"; '+' is a space, %XY a byte)
 * worked out by hand; the server's HTTP behaviour is tests/server. */
#include <stdlib.h>
#include <string.h>

#include "survey/server.h"
#include "tests/unit/check.h"

static void test_decode(void)
{
        enk_server_form f;
        const char *body = "kod=K7QM-4XPA-93TR&a+b=x%20y+z&&tom=&bara&%C3%A5r=%E2%82%AC&";
        CHECK_INT(enk_server_form_decode(body, strlen(body), 1000, &f), ENK_OK);
        CHECK_INT(f.n, 5);
        if (f.n == 5) {
                CHECK_STR(f.fields[0].name, "kod");
                CHECK_STR(f.fields[0].value, "K7QM-4XPA-93TR");
                CHECK_STR(f.fields[1].name, "a b");
                CHECK_STR(f.fields[1].value, "x y z");
                CHECK_STR(f.fields[2].name, "tom");
                CHECK_STR(f.fields[2].value, "");
                CHECK_STR(f.fields[3].name, "bara");
                CHECK_STR(f.fields[3].value, "");
                CHECK_STR(f.fields[4].name, "\xc3\xa5r");     /* "år" */
                CHECK_STR(f.fields[4].value, "\xe2\x82\xac"); /* the euro sign */
        }
        enk_server_form_release(&f);
        enk_server_form_release(&f); /* released twice: harmless */

        CHECK_INT(enk_server_form_decode("", 0, 10, &f), ENK_OK);
        CHECK_INT(f.n, 0);
        enk_server_form_release(&f);

        /* Only the first len bytes count. */
        CHECK_INT(enk_server_form_decode("a=1&b=2", 3, 10, &f), ENK_OK);
        CHECK_INT(f.n, 1);
        enk_server_form_release(&f);
}

static void test_malformed(void)
{
        static const char *bad[] = {
            "a=%",
            "a=%4",
            "a=%zz",
            "a=%4g",
            "%=1",
            "a=%00",          /* NUL */
            "a=%ff",          /* not UTF-8 */
            "a=%C3",          /* cut UTF-8 sequence */
            "a=%C0%AF",       /* overlong '/' */
            "a=%ED%A0%80",    /* a UTF-16 surrogate */
            "a=%F4%90%80%80", /* above U+10FFFF */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                enk_server_form f;
                CHECK_INT(enk_server_form_decode(bad[i], strlen(bad[i]), 10, &f), ENK_ERR_SYNTAX);
        }
}

static void test_max_fields(void)
{
        enk_server_form f;
        CHECK_INT(enk_server_form_decode("a=1&b=2&c=3", 11, 3, &f), ENK_OK);
        CHECK_INT(f.n, 3);
        enk_server_form_release(&f);
        CHECK_INT(enk_server_form_decode("a=1&b=2&c=3&d", 13, 3, &f), ENK_ERR_DATA);
        /* Empty pairs are not fields. */
        CHECK_INT(enk_server_form_decode("a=1&&&b=2&&c=3&", 15, 3, &f), ENK_OK);
        enk_server_form_release(&f);
}

static void test_encode(void)
{
        enk_webform_field in[] = {
            {"hemtyp", "2"},
            {"ovrigt", "\xc3\x85 & = % + ;\n\"x\"~._-"},
            {"tom", ""},
        };
        char *s = NULL;
        size_t len = 0;
        CHECK_INT(enk_server_form_encode(in, 3, &s, &len), ENK_OK);
        CHECK_STR(s, "hemtyp=2&ovrigt=%C3%85%20%26%20%3D%20%25%20%2B%20%3B%0A%22x%22~._-&tom=");
        CHECK_INT(len, strlen(s ? s : ""));
        enk_server_form f;
        CHECK_INT(enk_server_form_decode(s, len, 10, &f), ENK_OK);
        CHECK_INT(f.n, 3);
        for (size_t i = 0; i < 3 && i < f.n; i++) {
                CHECK_STR(f.fields[i].name, in[i].name);
                CHECK_STR(f.fields[i].value, in[i].value);
        }
        enk_server_form_release(&f);
        free(s);

        CHECK_INT(enk_server_form_encode(NULL, 0, &s, &len), ENK_OK);
        CHECK_STR(s, "");
        CHECK_INT(len, 0);
        free(s);
}

int main(void)
{
        test_decode();
        test_malformed();
        test_max_fields();
        test_encode();
        return check_report();
}
