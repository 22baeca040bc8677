/* survey/utf8.c - small helpers for UTF-8 text: validation, clipping,
 * excerpts for messages, case folding, "did you mean" and whole numbers.
 */
#include "survey/utf8.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t enk_utf8_next(const char *str, size_t len, uint32_t *cp)
{
        const unsigned char *s = (const unsigned char *) str;
        if (len == 0)
                return 0;
        unsigned char c = s[0];
        if (c >= 0x01 && c < 0x80) {
                if (cp)
                        *cp = c;
                return 1;
        }
        size_t n;
        uint32_t v;
        if (c >= 0xC2 && c <= 0xDF)
                n = 1, v = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
                n = 2, v = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
                n = 3, v = c & 0x07;
        else
                return 0;
        if (n >= len)
                return 0;
        for (size_t k = 1; k <= n; k++) {
                if ((s[k] & 0xC0) != 0x80)
                        return 0;
                v = (v << 6) | (s[k] & 0x3F);
        }
        if ((n == 2 && v < 0x800) || (n == 3 && (v < 0x10000 || v > 0x10FFFF)) ||
            (v >= 0xD800 && v <= 0xDFFF))
                return 0;
        if (cp)
                *cp = v;
        return n + 1;
}

bool enk_utf8_valid(const char *s, size_t len)
{
        size_t i = 0;
        while (i < len) {
                /* ASCII first: most text is. */
                if ((unsigned char) s[i] >= 0x01 && (unsigned char) s[i] < 0x80) {
                        i++;
                        continue;
                }
                size_t n = enk_utf8_next(s + i, len - i, NULL);
                if (!n)
                        return false;
                i += n;
        }
        return true;
}

size_t enk_utf8_chars(const char *s, size_t len)
{
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
                n += ((unsigned char) s[i] & 0xC0) != 0x80;
        return n;
}

size_t enk_utf8_clip(const char *s, size_t len, size_t max)
{
        if (len <= max)
                return len;
        while (max > 0 && ((unsigned char) s[max] & 0xC0) == 0x80)
                max--;
        return max;
}

const char *enk_utf8_excerpt(const char *s, size_t len, char *buf, size_t size)
{
        size_t n = 0, max = size - 4;
        size_t i = 0;
        while (i < len && n < max) {
                unsigned char c = (unsigned char) s[i];
                size_t clen = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                if (n + clen > max || i + clen > len)
                        break;
                if (c < 0x20 || c == 0x7F) {
                        buf[n++] = '?';
                        i++;
                        continue;
                }
                memcpy(buf + n, s + i, clen);
                n += clen;
                i += clen;
        }
        if (i < len) {
                memcpy(buf + n, "...", 3);
                n += 3;
        }
        buf[n] = '\0';
        return buf;
}

static bool is_blank(unsigned char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t enk_utf8_fold(const char *s, size_t len, char *out, size_t outsize)
{
        size_t n = 0;
        bool blank = false;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (is_blank(c)) {
                        blank = true;
                        continue;
                }
                if (c == 0xC2 && i + 1 < len && (unsigned char) s[i + 1] == 0xA0) {
                        blank = true;
                        i++;
                        continue;
                }
                if (blank && n > 0) {
                        if (n >= outsize)
                                return SIZE_MAX;
                        out[n++] = ' ';
                }
                blank = false;
                if (c >= 'A' && c <= 'Z') {
                        c = (unsigned char) (c + 32);
                } else if (c == 0xC3 && i + 1 < len) {
                        unsigned char d = (unsigned char) s[i + 1];
                        if (d >= 0x80 && d <= 0x9E && d != 0x97)
                                d = (unsigned char) (d + 0x20);
                        if (n + 2 > outsize)
                                return SIZE_MAX;
                        out[n++] = (char) c;
                        out[n++] = (char) d;
                        i++;
                        continue;
                }
                if (n >= outsize)
                        return SIZE_MAX;
                out[n++] = (char) c;
        }
        return n;
}

size_t enk_utf8_distance(const char *a, const char *b)
{
        enum { MAX = ENK_UTF8_DISTANCE_MAX };
        size_t la = strlen(a), lb = strlen(b);
        if (la > MAX || lb > MAX)
                return SIZE_MAX;
        unsigned char d[MAX + 1][MAX + 1];
        for (size_t i = 0; i <= la; i++)
                d[i][0] = (unsigned char) i;
        for (size_t j = 0; j <= lb; j++)
                d[0][j] = (unsigned char) j;
        for (size_t i = 1; i <= la; i++) {
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cost = a[i - 1] != b[j - 1];
                        unsigned best = d[i - 1][j] + 1u;
                        if (d[i][j - 1] + 1u < best)
                                best = d[i][j - 1] + 1u;
                        if (d[i - 1][j - 1] + cost < best)
                                best = d[i - 1][j - 1] + cost;
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                            d[i - 2][j - 2] + 1u < best)
                                best = d[i - 2][j - 2] + 1u;
                        d[i][j] = (unsigned char) best;
                }
        }
        return d[la][lb];
}

void enk_utf8_near_init(enk_utf8_near *n, const char *word)
{
        *n = (enk_utf8_near){word, NULL, SIZE_MAX};
}

void enk_utf8_near_try(enk_utf8_near *n, const char *cand, const char *key)
{
        if (!key)
                key = cand;
        if (!cand || !key || !*key)
                return;
        size_t d = enk_utf8_distance(n->word, key);
        if (d < n->dist) {
                n->dist = d;
                n->best = cand;
        }
}

const char *enk_utf8_near_best(const enk_utf8_near *n)
{
        size_t len = strlen(n->word);
        size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
        return n->dist <= limit && n->dist < len ? n->best : NULL;
}

const char *enk_utf8_closest(const char *word, const char *const *cands, size_t n)
{
        enk_utf8_near near;
        enk_utf8_near_init(&near, word);
        for (size_t i = 0; i < n; i++)
                enk_utf8_near_try(&near, cands[i], NULL);
        return enk_utf8_near_best(&near);
}

bool enk_utf8_parse_int(const char *s, long min, long max, long *out)
{
        char *end;
        if (!s || !*s)
                return false;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return false;
        *out = v;
        return true;
}
