/* tests/unit/test_strbuf.c - the growing text buffer. */
#include <stdlib.h>
#include <string.h>

#include "survey/strbuf.h"
#include "tests/unit/check.h"

int main(void)
{
        /* An empty buffer hands over "" rather than NULL. */
        enk_strbuf b = {0};
        size_t len = 99;
        char *s = enk_strbuf_take(&b, &len);
        CHECK(s != NULL);
        CHECK_STR(s, "");
        CHECK_INT(len, 0);
        free(s);

        /* Pieces of every kind, past the first allocation (4096) and past
         * printf's stack buffer (256), come out in order. */
        enk_strbuf_puts(&b, "ab");
        enk_strbuf_add(&b, "c\0d", 3);
        enk_strbuf_printf(&b, "[%d|%s]", 42, "x");
        char big[5000];
        memset(big, 'y', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        enk_strbuf_printf(&b, "<%s>", big);
        for (int i = 0; i < 1000; i++)
                enk_strbuf_puts(&b, "0123456789");
        CHECK(!b.nomem);
        CHECK_INT(b.len, 2 + 3 + 6 + 5001 + 10000);
        s = enk_strbuf_take(&b, &len);
        CHECK(s != NULL);
        CHECK_INT(len, 2 + 3 + 6 + 5001 + 10000);
        CHECK(memcmp(s, "abc\0d[42|x]<y", 13) == 0);
        CHECK(s[11 + 5000] == '>');
        CHECK(memcmp(s + len - 10, "0123456789", 10) == 0);
        CHECK(s[len] == '\0');
        CHECK(b.s == NULL && b.len == 0);
        free(s);

        /* Once memory ran out, later text is ignored and take gives NULL. */
        enk_strbuf_puts(&b, "kept until the end");
        b.nomem = true;
        enk_strbuf_puts(&b, "more");
        len = 7;
        CHECK(enk_strbuf_take(&b, &len) == NULL);
        CHECK_INT(len, 7);
        CHECK(b.s == NULL);

        /* An impossible size sets nomem instead of wrapping around. */
        enk_strbuf_puts(&b, "x");
        enk_strbuf_add(&b, "x", (size_t) -1);
        CHECK(b.nomem);
        enk_strbuf_release(&b);
        CHECK(b.s == NULL && !b.nomem);
        enk_strbuf_release(&b); /* twice is harmless */
        return check_report();
}
