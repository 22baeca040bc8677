/* survey/strbuf.c - a growing text buffer for the writers of HTML and JSON. */
#include "survey/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL; doubling keeps appends amortised O(1). */
static bool reserve(enk_strbuf *b, size_t n)
{
        if (b->nomem)
                return false;
        if (n > SIZE_MAX / 2 - b->len - 1) {
                b->nomem = true;
                return false;
        }
        size_t need = b->len + n + 1;
        if (need <= b->cap)
                return true;
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < need)
                cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
                b->nomem = true;
                return false;
        }
        b->s = s;
        b->cap = cap;
        return true;
}

void enk_strbuf_add(enk_strbuf *b, const char *s, size_t n)
{
        if (n == 0 || !reserve(b, n))
                return;
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

void enk_strbuf_puts(enk_strbuf *b, const char *s)
{
        enk_strbuf_add(b, s, strlen(s));
}

void enk_strbuf_printf(enk_strbuf *b, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        va_list again;
        va_copy(again, ap);
        char small[256];
        int n = vsnprintf(small, sizeof small, fmt, ap);
        va_end(ap);
        if (n < 0) {
                b->nomem = true; /* an encoding error: the text would be incomplete */
        } else if ((size_t) n < sizeof small) {
                enk_strbuf_add(b, small, (size_t) n);
        } else if (reserve(b, (size_t) n)) {
                vsnprintf(b->s + b->len, (size_t) n + 1, fmt, again);
                b->len += (size_t) n;
        }
        va_end(again);
}

char *enk_strbuf_take(enk_strbuf *b, size_t *len)
{
        if (!b->nomem && !b->s)
                reserve(b, 0);
        if (b->nomem) {
                enk_strbuf_release(b);
                return NULL;
        }
        b->s[b->len] = '\0';
        char *s = b->s;
        if (len)
                *len = b->len;
        *b = (enk_strbuf){0};
        return s;
}

void enk_strbuf_release(enk_strbuf *b)
{
        free(b->s);
        *b = (enk_strbuf){0};
}

/* -------------------------------------------------------- JSON strings */

/* The one loop of both JSON string writers; put appends n bytes to to. */
static void json_str(const char *s, void (*put)(void *to, const char *s, size_t n), void *to)
{
        put(to, "\"", 1);
        while (*s) {
                size_t run = 0;
                while (s[run] && s[run] != '"' && s[run] != '\\' && (unsigned char) s[run] >= 0x20)
                        run++;
                if (run) {
                        put(to, s, run);
                        s += run;
                        continue;
                }
                char esc[8];
                unsigned char c = (unsigned char) *s++;
                if (c == '"' || c == '\\')
                        put(to, esc, (size_t) snprintf(esc, sizeof esc, "\\%c", c));
                else
                        put(to, esc, (size_t) snprintf(esc, sizeof esc, "\\u%04x", c));
        }
        put(to, "\"", 1);
}

static void put_strbuf(void *to, const char *s, size_t n)
{
        enk_strbuf_add(to, s, n);
}

static void put_file(void *to, const char *s, size_t n)
{
        fwrite(s, 1, n, to);
}

void enk_strbuf_add_json(enk_strbuf *b, const char *s)
{
        json_str(s, put_strbuf, b);
}

void enk_strbuf_write_json(FILE *o, const char *s)
{
        json_str(s, put_file, o);
}
