/* survey/utf8.h - small helpers for UTF-8 text: validation, clipping,
 * excerpts for messages, case folding, "did you mean" and whole numbers.
 *
 * Every text enkat reads is UTF-8. These helpers are plain byte loops with no
 * library behind them (Unicode normalisation, which needs utf8proc, stays in
 * the CSV reader). None allocates; only enk_utf8_near keeps a pointer it
 * was given. Lengths are in bytes unless a function says characters. (The prefix is enk_utf8_
 * because enk_text is the model's multilingual text, survey/questionnaire.h.)
 */
#ifndef ENK_UTF8_H
#define ENK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the len bytes at s are valid UTF-8 (shortest forms, no surrogates,
 * nothing above U+10FFFF) without NUL bytes. */
bool enk_utf8_valid(const char *s, size_t len);

/* The length (1 to 4) of the valid UTF-8 character that begins s[0..len),
 * its code point in *cp (cp may be NULL); 0 when there is none: a NUL, a
 * stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF,
 * or a character that len cuts short. enk_utf8_valid() is this, to the end. */
size_t enk_utf8_next(const char *s, size_t len, uint32_t *cp);

/* The number of characters (code points) of the UTF-8 text s[0..len): the
 * bytes that do not continue a character. */
size_t enk_utf8_chars(const char *s, size_t len);

/* The longest length <= max at which s[0..len) can be cut without splitting a
 * character (len itself when len <= max). */
size_t enk_utf8_clip(const char *s, size_t len, size_t max);

/* Room for an excerpt of ENK_UTF8_EXCERPT_MAX bytes, "..." and the NUL. */
#define ENK_UTF8_EXCERPT_MAX  40
#define ENK_UTF8_EXCERPT_SIZE (ENK_UTF8_EXCERPT_MAX + 4)

/* A short, printable excerpt of s[0..len) for a message, written to buf
 * (size bytes, at least 4) and returned: at most size - 4 bytes of s, cut on a
 * character boundary and then followed by "...", control characters (below
 * 0x20, 0x7F) shown as '?'. A character cut short by len ends the excerpt. */
const char *enk_utf8_excerpt(const char *s, size_t len, char *buf, size_t size);

/* Folds s[0..len) for comparing labels into out (outsize bytes, not
 * terminated): blanks (space, tab, line ends, no-break space) at both ends
 * dropped and runs of them inside made one space; A-Z and the upper-case
 * Latin-1 letters (À-Þ but ×) lowered. Returns the folded length, never more
 * than len, or SIZE_MAX when it does not fit in outsize. */
size_t enk_utf8_fold(const char *s, size_t len, char *out, size_t outsize);

/* Parses s as a whole decimal number (strtol's syntax: optional leading
 * blanks and sign, nothing after the digits) in [min, max] into *out.
 * Returns false, leaving *out alone, for NULL, "", anything else or a number
 * out of range. Used for command-line values and manifest cells alike. */
bool enk_utf8_parse_int(const char *s, long min, long max, long *out);

/* Strings longer than this (bytes) are never compared by enk_utf8_distance. */
#define ENK_UTF8_DISTANCE_MAX 64

/* The optimal string alignment distance of a and b in bytes (insertions,
 * deletions, substitutions, and swaps of two neighbours, each one edit), or
 * SIZE_MAX when either is longer than ENK_UTF8_DISTANCE_MAX. */
size_t enk_utf8_distance(const char *a, const char *b);

/* For a "did you mean": the candidate closest to word (first of equals) when
 * it is close enough to be a likely typo: at most 1 edit for a word of up to
 * 3 bytes, 2 up to 6, else 3, and fewer edits than word has bytes. Else NULL.
 * NULL and empty candidates are skipped; cands may be NULL when n is 0. */
const char *enk_utf8_closest(const char *word, const char *const *cands, size_t n);

/* The same search one candidate at a time, for candidates that are not in one
 * array. Init with the word (kept, not copied: it must outlive the search),
 * try each candidate, then enk_utf8_near_best() gives what enk_utf8_closest
 * would have. enk_utf8_near_try() compares key and, when it is the closest so
 * far, remembers cand (a caller that compares folded text passes the folded
 * form as key and the original as cand; key NULL compares cand itself). */
typedef struct enk_utf8_near {
        const char *word;
        const char *best;
        size_t dist;
} enk_utf8_near;
void enk_utf8_near_init(enk_utf8_near *n, const char *word);
void enk_utf8_near_try(enk_utf8_near *n, const char *cand, const char *key);
const char *enk_utf8_near_best(const enk_utf8_near *n);

#endif
