/* survey/server_form.c - the body's encoding: application/x-www-form-urlencoded.
 *
 * The server collects a POST's body itself (server_http.c) and decodes it here
 * with a strict decoder instead of libmicrohttpd's post processor, because the
 * post processor passes a malformed escape ("%zz") through unchanged, and the
 * protocol (docs/web.md) answers a malformed body with 400. The same decoder
 * reads back a saved draft, which is the submitted fields encoded again
 * (enk_server_form_encode).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "survey/server.h"
#include "survey/utf8.h"

static int hexval(int c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Decodes s[0..n) into out (which has room for n bytes and a NUL); returns the
 * decoded length or -1 for a malformed escape or bad UTF-8. */
static long unescape(const char *s, size_t n, char *out)
{
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '+') {
                        out[o++] = ' ';
                } else if (s[i] == '%') {
                        if (n - i < 3)
                                return -1;
                        int hi = hexval((unsigned char) s[i + 1]);
                        int lo = hexval((unsigned char) s[i + 2]);
                        if (hi < 0 || lo < 0)
                                return -1;
                        out[o++] = (char) (hi * 16 + lo);
                        i += 2;
                } else {
                        out[o++] = s[i];
                }
        }
        out[o] = '\0';
        if (!enk_utf8_valid(out, o))
                return -1;
        return (long) o;
}

void enk_server_form_release(enk_server_form *form)
{
        if (!form)
                return;
        free(form->fields);
        free(form->block);
        *form = (enk_server_form){0};
}

enk_status enk_server_form_decode(const char *body, size_t len, size_t max_fields,
                                  enk_server_form *form)
{
        if (!form || (!body && len))
                return ENK_ERR_USAGE;
        *form = (enk_server_form){0};
        /* Every pair decodes to at most its own length plus a NUL for the name
         * and one for the value, so len + 2 * pairs bounds the block. */
        size_t pairs = 1;
        for (size_t i = 0; i < len; i++)
                pairs += body[i] == '&';
        char *block = malloc(len + 2 * pairs + 1);
        enk_webform_field *fields = NULL;
        if (!block)
                return ENK_ERR_NOMEM;
        enk_status st = ENK_OK;
        size_t n = 0, cap = 0, at = 0;
        for (size_t i = 0; i <= len;) {
                size_t end = i;
                while (end < len && body[end] != '&')
                        end++;
                if (end > i) {
                        if (n == max_fields) {
                                st = ENK_ERR_DATA;
                                goto out;
                        }
                        size_t eq = i;
                        while (eq < end && body[eq] != '=')
                                eq++;
                        char *name = block + at;
                        long nl = unescape(body + i, eq - i, name);
                        if (nl < 0) {
                                st = ENK_ERR_SYNTAX;
                                goto out;
                        }
                        at += (size_t) nl + 1;
                        char *value = block + at;
                        long vl = eq < end ? unescape(body + eq + 1, end - eq - 1, value)
                                           : unescape("", 0, value);
                        if (vl < 0) {
                                st = ENK_ERR_SYNTAX;
                                goto out;
                        }
                        at += (size_t) vl + 1;
                        if (n == cap) {
                                cap = cap ? 2 * cap : 16;
                                enk_webform_field *f = realloc(fields, cap * sizeof(*f));
                                if (!f) {
                                        st = ENK_ERR_NOMEM;
                                        goto out;
                                }
                                fields = f;
                        }
                        fields[n++] = (enk_webform_field){name, value};
                }
                i = end + 1;
        }
        form->n = n;
        form->fields = fields;
        form->block = block;
        return ENK_OK;
out:
        free(fields);
        free(block);
        return st;
}

static void escape(const char *s, char *out, size_t *o)
{
        static const char hex[] = "0123456789ABCDEF";
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~') {
                        out[(*o)++] = (char) c;
                } else {
                        out[(*o)++] = '%';
                        out[(*o)++] = hex[c >> 4];
                        out[(*o)++] = hex[c & 15];
                }
        }
}

enk_status enk_server_form_encode(const enk_webform_field *fields, size_t n, char **out,
                                  size_t *len)
{
        if (!out || !len || (!fields && n))
                return ENK_ERR_USAGE;
        size_t size = 1;
        for (size_t i = 0; i < n; i++)
                size += 3 * (strlen(fields[i].name) + strlen(fields[i].value)) + 2;
        char *buf = malloc(size);
        if (!buf)
                return ENK_ERR_NOMEM;
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                if (i)
                        buf[o++] = '&';
                escape(fields[i].name, buf, &o);
                buf[o++] = '=';
                escape(fields[i].value, buf, &o);
        }
        buf[o] = '\0';
        *out = buf;
        *len = o;
        return ENK_OK;
}
