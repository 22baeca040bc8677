/* survey/webform_read.c - the web form's submissions: the posted fields read back into answer
 * values.
 *
 * Fields come in as name/value strings. Each question's strings are kept as
 * typed (so that a page shown again shows them again) and turned into the
 * int32 answer of survey/questionnaire.h; what cannot be turned is a field
 * error. Then enk_response_validate(), the rule set import uses too, adds
 * "required" errors and drops answers to skipped questions; a field error on
 * a question that turns out skipped is dropped with its answer. The messages
 * say, in the respondent's language, what to do.
 */
#include "survey/webform_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "survey/response.h"
#include "survey/utf8.h"

/* What came in for one question. */
typedef struct answer {
        char **raw; /* the submitted strings, in order */
        size_t nraw, capraw;
        char *error; /* the message shown beside the field, or NULL */
} answer;

struct enk_webform_input {
        const enk_questionnaire *q;
        int32_t *values;
        answer *answers;
        size_t nerrors;
        char **texts; /* q->nquestions: each answered text question's text */
        enk_response response;
        bool nomem;
};

static void set_error(enk_webform_input *in, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_error(enk_webform_input *in, size_t i, const char *fmt, ...)
{
        if (in->answers[i].error)
                return; /* the first problem found is the one to fix */
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        in->answers[i].error = strdup(msg);
        if (!in->answers[i].error)
                in->nomem = true;
}

static bool add_raw(answer *a, const char *value)
{
        if (a->nraw == a->capraw) {
                size_t cap = a->capraw ? a->capraw * 2 : 2;
                char **p = realloc(a->raw, cap * sizeof(*p));
                if (!p)
                        return false;
                a->raw = p;
                a->capraw = cap;
        }
        a->raw[a->nraw] = strdup(value ? value : "");
        if (!a->raw[a->nraw])
                return false;
        a->nraw++;
        return true;
}

/* The white space a browser may put around a value, or a respondent around
 * an answer. */
static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The part of s without the white space around it: where it starts, and its
 * length in *n (0 for a blank s). */
static const char *trim_span(const char *s, size_t *n)
{
        while (is_space(*s))
                s++;
        size_t k = strlen(s);
        while (k && is_space(s[k - 1]))
                k--;
        *n = k;
        return s;
}

/* s without leading and trailing white space, into out (size bytes); false
 * when it does not fit. */
static bool trimmed(const char *s, char *out, size_t size)
{
        size_t n;
        s = trim_span(s, &n);
        if (n >= size)
                return false;
        memcpy(out, s, n);
        out[n] = '\0';
        return true;
}

/* Whether s is valid UTF-8 without control characters other than tab, line
 * feed and carriage return: what a browser sends from a text field. */
static bool clean_text(const char *s)
{
        size_t n = strlen(s);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
                        return false;
        }
        return enk_utf8_valid(s, n);
}

/* Parses a whole number as people type it: spaces, no-break and narrow
 * no-break spaces (which Swedish writes between thousands) are ignored, and
 * the minus may be the typographic U+2212. Returns 0 and *out, -1 for
 * something that is not a whole number, 1 for one too large for any range. */
static int parse_number(const char *s, int32_t *out)
{
        const unsigned char *p = (const unsigned char *) s;
        bool neg = false, digits = false, sign = false;
        long long v = 0;
        while (*p) {
                if (*p == ' ' || *p == '\t') {
                        p++;
                } else if (p[0] == 0xc2 && p[1] == 0xa0) {
                        p += 2;
                } else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xaf || p[2] == 0x89)) {
                        p += 3;
                } else if (!digits && !sign && (*p == '-' || *p == '+')) {
                        neg = *p == '-';
                        sign = true;
                        p++;
                } else if (!digits && !sign && p[0] == 0xe2 && p[1] == 0x88 && p[2] == 0x92) {
                        neg = sign = true;
                        p += 3;
                } else if (*p >= '0' && *p <= '9') {
                        digits = true;
                        if (v <= 10LL * ENK_NUMBER_LIMIT)
                                v = v * 10 + (*p - '0');
                        p++;
                } else {
                        return -1;
                }
        }
        if (!digits)
                return -1;
        if (v > ENK_NUMBER_LIMIT)
                return 1;
        *out = (int32_t) (neg ? -v : v);
        return 0;
}

/* A number typed with its unit after it ("12 år"), in any of the
 * questionnaire's languages: parse_number on what comes before the unit. */
static int parse_with_unit(const enk_questionnaire *q, const enk_question *qn, const char *s,
                           int32_t *out)
{
        size_t n = strlen(s);
        for (size_t l = 0; l < q->nlanguages; l++) {
                const char *unit = qn->unit.s[l];
                size_t u = unit ? strlen(unit) : 0;
                if (u == 0 || u >= n || strcasecmp(s + n - u, unit) != 0)
                        continue;
                char num[256];
                snprintf(num, sizeof(num), "%.*s", (int) (n - u), s);
                int r = parse_number(num, out);
                if (r >= 0)
                        return r;
        }
        return -1;
}

/* The one non-empty string submitted for a single-valued question into val
 * (size bytes): 0 when there is none, 1 when there is one, -1 when several
 * different ones came (two radios of one name cannot both be checked, so that
 * is a hand-made request, or a page changed under the respondent). */
static int single_raw(const answer *a, char *val, size_t size)
{
        int found = 0;
        char t[256];
        for (size_t k = 0; k < a->nraw; k++) {
                if (!trimmed(a->raw[k], t, sizeof(t))) {
                        snprintf(val, size, "%s", "?"); /* too long for any value */
                        found = 1;
                        continue;
                }
                if (!*t)
                        continue;
                if (found && strcmp(t, val) != 0)
                        return -1;
                snprintf(val, size, "%s", t);
                found = 1;
        }
        return found;
}

/* The value of a radio's string for a scale or single-choice question, or
 * ENK_MISSING when it names no point or option. */
static int32_t choice_value(const enk_questionnaire *q, const enk_question *qn, const char *s)
{
        if (qn->type == ENK_Q_SCALE && strcmp(s, "na") == 0) {
                const enk_scale *sc = enk_question_scale(q, qn);
                return sc && sc->has_na ? ENK_NA : ENK_MISSING;
        }
        int32_t v;
        if (parse_number(s, &v) != 0 || strchr(s, ' '))
                return ENK_MISSING;
        return enk_question_allows(q, qn, v) ? v : ENK_MISSING;
}

static void read_question(enk_webform_input *in, size_t i, enk_lang words)
{
        const enk_questionnaire *q = in->q;
        const enk_question *qn = &q->questions[i];
        answer *a = &in->answers[i];
        char val[256];
        in->values[i] = ENK_MISSING;

        if (qn->type == ENK_Q_MULTIPLE) {
                uint32_t set = 0;
                for (size_t k = 0; k < a->nraw; k++) {
                        if (!trimmed(a->raw[k], val, sizeof(val))) {
                                set_error(in, i, "%s", enk_webform_word(words, W_ERR_CHOOSE));
                                continue;
                        }
                        if (!*val)
                                continue;
                        int32_t v;
                        bool ok = parse_number(val, &v) == 0 && !strchr(val, ' ') && v >= 1 &&
                                  v <= ENK_OPTION_MAX;
                        if (ok) {
                                ok = false;
                                for (size_t o = 0; o < qn->noptions; o++)
                                        ok = ok || qn->options[o].value == v;
                        }
                        if (!ok)
                                set_error(in, i, "%s", enk_webform_word(words, W_ERR_CHOOSE));
                        else
                                set |= UINT32_C(1) << (v - 1);
                }
                if (set)
                        in->values[i] = (int32_t) set;
                return;
        }
        if (qn->type == ENK_Q_TEXT) {
                if (a->nraw == 0)
                        return;
                if (a->nraw > 1) {
                        set_error(in, i, "%s", enk_webform_word(words, W_ERR_ONE_TEXT));
                        return;
                }
                if (!clean_text(a->raw[0])) {
                        set_error(in, i, "%s", enk_webform_word(words, W_ERR_INVALID_TEXT));
                        return;
                }
                size_t n;
                trim_span(a->raw[0], &n);
                if (n)
                        in->values[i] = 1;
                return;
        }

        int n = single_raw(a, val, sizeof(val));
        if (n == 0)
                return;
        if (n < 0) {
                set_error(in, i, "%s", enk_webform_word(words, W_ERR_CHOOSE_ONE));
                return;
        }
        switch (qn->type) {
        case ENK_Q_SCALE:
        case ENK_Q_SINGLE: {
                int32_t v = choice_value(q, qn, val);
                if (v == ENK_MISSING)
                        set_error(in, i, "%s", enk_webform_word(words, W_ERR_CHOOSE));
                else
                        in->values[i] = v;
                return;
        }
        case ENK_Q_YESNO:
                if (strcmp(val, "ja") == 0)
                        in->values[i] = 1;
                else if (strcmp(val, "nej") == 0)
                        in->values[i] = 0;
                else
                        set_error(in, i, "%s", enk_webform_word(words, W_ERR_YESNO));
                return;
        case ENK_Q_NUMBER: {
                int32_t v;
                int r = parse_number(val, &v);
                if (r < 0)
                        r = parse_with_unit(q, qn, val, &v);
                if (r < 0) {
                        set_error(in, i, enk_webform_word(words, W_ERR_NUMBER), (int) qn->min,
                                  (int) qn->max);
                } else if (r > 0 || v < qn->min || v > qn->max) {
                        set_error(in, i, enk_webform_word(words, W_ERR_RANGE), (int) qn->min,
                                  (int) qn->max);
                        /* Kept although out of range: it still counts as an
                         * answer for show-if, as import counts it (one wrong
                         * number gives one error, not a cascade). */
                        if (r == 0)
                                in->values[i] = v;
                } else {
                        in->values[i] = v;
                }
                return;
        }
        case ENK_Q_MULTIPLE:
        case ENK_Q_TEXT:
                break;
        }
}

/* The required-message for a question left blank, worded for its type. */
static const char *required_message(const enk_question *qn, enk_lang words, char *buf, size_t size)
{
        switch (qn->type) {
        case ENK_Q_SCALE:
        case ENK_Q_SINGLE:
                return enk_webform_word(words, W_ERR_CHOOSE);
        case ENK_Q_YESNO:
                return enk_webform_word(words, W_ERR_YESNO);
        case ENK_Q_MULTIPLE:
                return enk_webform_word(words, W_ERR_MULTIPLE);
        case ENK_Q_NUMBER:
                snprintf(buf, size, enk_webform_word(words, W_ERR_RANGE), (int) qn->min,
                         (int) qn->max);
                return buf;
        case ENK_Q_TEXT:
                return enk_webform_word(words, W_ERR_TEXT);
        }
        return enk_webform_word(words, W_ERR_CHOOSE);
}

typedef struct validate_ctx {
        enk_webform_input *in;
        enk_lang words;
} validate_ctx;

static void on_problem(void *ctx, enk_severity severity, size_t question,
                       enk_response_problem problem, const char *message)
{
        validate_ctx *v = ctx;
        char buf[256];
        (void) message; /* English for logs; the respondent gets our wording */
        if (severity != ENK_SEV_ERROR || question >= v->in->q->nquestions)
                return;
        const enk_question *qn = &v->in->q->questions[question];
        if (problem == ENK_RESPONSE_REQUIRED)
                set_error(v->in, question, "%s", required_message(qn, v->words, buf, sizeof(buf)));
        else
                set_error(v->in, question, "%s", enk_webform_word(v->words, W_ERR_CHOOSE));
}

/* Copies the text answer s for storing: without the white space around it,
 * with the browser's CRLF line ends as LF. */
static char *store_text(const char *s)
{
        size_t n;
        s = trim_span(s, &n);
        char *out = malloc(n + 1);
        if (!out)
                return NULL;
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
                if (!(s[j] == '\r' && j + 1 < n && s[j + 1] == '\n'))
                        out[k++] = s[j] == '\r' ? '\n' : s[j];
        out[k] = '\0';
        return out;
}

enk_status enk_webform_read(const enk_questionnaire *q, int lang, const enk_webform_field *fields,
                            size_t nfields, enk_webform_input **out)
{
        if (!q || !out || (nfields && !fields))
                return ENK_ERR_USAGE;
        enk_lang words = enk_webform_lang(q, lang);
        size_t nq = q->nquestions;
        enk_webform_input *in = calloc(1, sizeof(*in));
        if (!in)
                return ENK_ERR_NOMEM;
        in->q = q;
        in->values = malloc((nq ? nq : 1) * sizeof(*in->values));
        in->answers = calloc(nq ? nq : 1, sizeof(*in->answers));
        in->texts = calloc(nq ? nq : 1, sizeof(*in->texts));
        if (!in->values || !in->answers || !in->texts)
                goto nomem;

        for (size_t f = 0; f < nfields; f++) {
                if (!fields[f].name)
                        continue;
                int i = enk_questionnaire_find(q, fields[f].name);
                if (i < 0)
                        continue; /* "kod", "csrf", "action", or not ours */
                if (!add_raw(&in->answers[i], fields[f].value))
                        goto nomem;
        }
        for (size_t i = 0; i < nq; i++)
                read_question(in, i, words);

        validate_ctx v = {in, words};
        enk_response_validate(q, ENK_SOURCE_WEB, in->values, on_problem, &v);

        /* An error on a question the answers skip is not the respondent's to
         * fix: without the script every question is on the page, and what was
         * put into a skipped one is dropped like its answer. */
        for (size_t i = 0; i < nq; i++) {
                answer *a = &in->answers[i];
                if (a->error && !enk_question_shown(q, &q->questions[i], in->values)) {
                        free(a->error);
                        a->error = NULL;
                        in->values[i] = ENK_MISSING;
                }
                if (a->error)
                        in->nerrors++;
        }
        for (size_t i = 0; i < nq; i++) {
                const enk_question *qn = &q->questions[i];
                if (qn->type != ENK_Q_TEXT || in->values[i] != 1 || in->answers[i].error)
                        continue;
                in->texts[i] = store_text(in->answers[i].raw[0]);
                if (!in->texts[i])
                        goto nomem;
        }
        if (in->nomem)
                goto nomem;
        in->response = (enk_response){.q = q,
                                      .values = in->values,
                                      .texts = (const char *const *) in->texts,
                                      .source = ENK_SOURCE_WEB};
        *out = in;
        return ENK_OK;
nomem:
        enk_webform_input_free(in);
        return ENK_ERR_NOMEM;
}

void enk_webform_input_free(enk_webform_input *in)
{
        if (!in)
                return;
        if (in->answers) {
                for (size_t i = 0; i < in->q->nquestions; i++) {
                        for (size_t k = 0; k < in->answers[i].nraw; k++)
                                free(in->answers[i].raw[k]);
                        free(in->answers[i].raw);
                        free(in->answers[i].error);
                }
        }
        if (in->texts)
                for (size_t i = 0; i < in->q->nquestions; i++)
                        free(in->texts[i]);
        free(in->texts);
        free(in->answers);
        free(in->values);
        free(in);
}

size_t enk_webform_nerrors(const enk_webform_input *in)
{
        return in ? in->nerrors : 0;
}

const enk_response *enk_webform_response(const enk_webform_input *in)
{
        return in ? &in->response : NULL;
}

const enk_questionnaire *enk_webform_input_questionnaire(const enk_webform_input *in)
{
        return in->q;
}

const char *enk_webform_input_error(const enk_webform_input *in, size_t i)
{
        return in->answers[i].error;
}

const char *enk_webform_input_typed(const enk_webform_input *in, size_t i)
{
        return in->answers[i].nraw ? in->answers[i].raw[0] : "";
}

bool enk_webform_input_has(const enk_webform_input *in, size_t i, const char *value)
{
        const answer *a = &in->answers[i];
        char t[256];
        for (size_t k = 0; k < a->nraw; k++)
                if (trimmed(a->raw[k], t, sizeof(t)) && strcmp(t, value) == 0)
                        return true;
        return false;
}
