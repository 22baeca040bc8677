/* survey/strbuf.h - a growing text buffer for the writers of HTML and JSON.
 *
 * The web form (survey/webform.c) and the paper layout's JSON
 * (survey/paper_json.c) build their output in memory and hand it to the
 * caller as one malloc'ed string.
 * Appending never fails visibly: when memory runs out the buffer remembers it
 * (nomem), ignores further text, and enk_strbuf_take() then gives NULL, so a
 * writer checks once at the end instead of after every piece.
 *
 * Ownership: the buffer owns its text until enk_strbuf_take() hands it over;
 * enk_strbuf_release() releases what was not taken. A zeroed enk_strbuf
 * ({0}) is an empty buffer. Not for several threads at once.
 */
#ifndef ENK_STRBUF_H
#define ENK_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct enk_strbuf {
        char *s;    /* the text, NUL-terminated; NULL while empty */
        size_t len; /* bytes before the NUL */
        size_t cap;
        bool nomem; /* memory ran out: the text is incomplete */
} enk_strbuf;

/* Appends the n bytes at s (which may hold NULs). */
void enk_strbuf_add(enk_strbuf *b, const char *s, size_t n);
/* Appends the string s. */
void enk_strbuf_puts(enk_strbuf *b, const char *s);
/* Appends printf-formatted text of any length. */
void enk_strbuf_printf(enk_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s as a JSON string: in double quotes, '"' and '\\' escaped with a
 * backslash, bytes below 0x20 as \u00xx (lower-case hex), every other byte
 * as it is (the text is UTF-8 already). The one JSON string rule of enkat. */
void enk_strbuf_add_json(enk_strbuf *b, const char *s);
/* Writes s to o as a JSON string by the same rule, for writers that print
 * rather than build text (enkat stats, enkat status). Check ferror(o). */
void enk_strbuf_write_json(FILE *o, const char *s);

/* Hands the text over: returns it (the caller frees it) and its length in
 * *len (may be NULL), and leaves b empty. Returns NULL, frees the text and
 * leaves *len alone when memory ran out at any point. An empty buffer gives
 * "" (allocated), or NULL when even that fails. */
char *enk_strbuf_take(enk_strbuf *b, size_t *len);

/* Frees the text not taken and empties b. */
void enk_strbuf_release(enk_strbuf *b);

#endif
