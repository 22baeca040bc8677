/* tests/fuzz/fuzz_webform.c - libFuzzer target: reading a web form submission and
 * showing it again, on any bytes.
 *
 * The input is a request body split like application/x-www-form-urlencoded
 * (fields at '&', name and value at the first '='; no %-decoding, so that any
 * byte reaches the reader) for a fixed small questionnaire with every question
 * type, skip logic and a grid. Whatever the bytes, nothing may crash, leak or
 * read out of bounds, and:
 *   - every value read is ENK_MISSING or one its question allows, a question
 *     that show_if skips is never answered, and a text is given exactly for
 *     the answered free-text questions;
 *   - an input without errors passes enk_response_validate (the import rules);
 *   - the page shown again (errors on, both languages) is valid UTF-8 and holds
 *     exactly one "<script" (the built-in one) and no "<b>" (no markup from the
 *     fields got through unescaped).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "survey/response.h"
#include "survey/webform.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enk_questionnaire *q;

static bool valid_utf8(const unsigned char *s, size_t n)
{
        size_t i = 0;
        while (i < n) {
                unsigned char c = s[i];
                size_t k = c < 0x80         ? 1
                           : (c >> 5) == 6  ? 2
                           : (c >> 4) == 14 ? 3
                           : (c >> 3) == 30 ? 4
                                            : 0;
                if (k == 0 || i + k > n)
                        return false;
                for (size_t j = 1; j < k; j++)
                        if ((s[i + j] & 0xc0) != 0x80)
                                return false;
                i += k;
        }
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (!q)
                q = fuzz_questionnaire();
        if (size > 8192)
                return 0;
        char *body = malloc(size + 1);
        enk_webform_field *f = malloc((size + 1) * sizeof(*f));
        if (!body || !f)
                __builtin_trap();
        memcpy(body, data, size);
        body[size] = '\0';
        size_t n = 0;
        for (char *p = body;;) {
                char *amp = strchr(p, '&');
                if (amp)
                        *amp = '\0';
                char *eq = strchr(p, '=');
                if (eq)
                        *eq = '\0';
                f[n].name = p;
                f[n].value = eq ? eq + 1 : "";
                n++;
                if (!amp)
                        break;
                p = amp + 1;
        }
        for (int lang = 0; lang < 2; lang++) {
                enk_webform_input *in = NULL;
                if (enk_webform_read(q, lang, f, n, &in) != ENK_OK)
                        __builtin_trap();
                const enk_response *r = enk_webform_response(in);
                const int32_t *v = r->values;
                size_t nt = 0;
                for (size_t i = 0; r->texts && i < q->nquestions; i++)
                        if (r->texts[i]) {
                                nt++;
                                if (!*r->texts[i] || q->questions[i].type != ENK_Q_TEXT)
                                        __builtin_trap();
                        }
                size_t answered_texts = 0;
                for (size_t i = 0; i < q->nquestions; i++) {
                        const enk_question *qn = &q->questions[i];
                        if (v[i] != ENK_MISSING && !enk_question_allows(q, qn, v[i]) &&
                            enk_webform_nerrors(in) == 0)
                                __builtin_trap();
                        if (v[i] != ENK_MISSING && !enk_question_shown(q, qn, v))
                                __builtin_trap();
                        if (qn->type == ENK_Q_TEXT && v[i] == 1)
                                answered_texts++;
                }
                if (enk_webform_nerrors(in) == 0) {
                        if (nt != answered_texts)
                                __builtin_trap();
                        int32_t *copy = malloc(q->nquestions * sizeof(*copy));
                        if (!copy)
                                __builtin_trap();
                        memcpy(copy, v, q->nquestions * sizeof(*copy));
                        if (enk_response_validate(q, ENK_SOURCE_WEB, copy, NULL, NULL) != 0)
                                __builtin_trap();
                        free(copy);
                }
                enk_webform_options o = {
                    .lang = lang, .action = "/svar", .input = in, .show_errors = true};
                char *html = NULL;
                size_t len = 0;
                if (enk_webform_render(q, &o, &html, &len) != ENK_OK)
                        __builtin_trap();
                if (!valid_utf8((const unsigned char *) html, len) || strlen(html) != len)
                        __builtin_trap();
                const char *s = strstr(html, "<script");
                if (!s || strstr(s + 1, "<script") || strstr(html, "<b>"))
                        __builtin_trap();
                free(html);
                enk_webform_input_free(in);
        }
        free(f);
        free(body);
        return 0;
}
