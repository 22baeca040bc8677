/* survey/response.c - validating one response against its questionnaire.
 *
 * The rules live here once, for import, the web form and scanning alike. The
 * questions are walked in order because show_if only looks at earlier
 * questions: by the time a question is checked, every answer its condition
 * reads has already had its own skipped answer dropped, so skip logic cascades
 * the way it does on a form.
 */
#include "survey/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void enk_response_clear(const enk_questionnaire *q, int32_t *values)
{
        if (!q || !values)
                return;
        for (size_t i = 0; i < q->nquestions; i++)
                values[i] = ENK_MISSING;
}

/* Appends printf-style text at *len without ever overrunning buf. */
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
        if (*len >= size)
                return;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf + *len, size - *len, fmt, ap);
        va_end(ap);
        if (n > 0)
                *len = *len + (size_t) n < size ? *len + (size_t) n : size - 1;
}

static void put_value(char *buf, size_t size, size_t *len, const enk_question *on, int32_t v)
{
        if (on->type == ENK_Q_YESNO)
                put(buf, size, len, "%s", v == 1 ? "yes" : v == 0 ? "no" : "?");
        else if (v == ENK_NA)
                put(buf, size, len, "na");
        else
                put(buf, size, len, "%d", (int) v);
}

void enk_response_condition_str(const enk_questionnaire *q, const enk_question *qn, char *buf,
                                size_t size)
{
        if (!buf || size == 0)
                return;
        buf[0] = '\0';
        if (!q || !qn || !qn->show_if || qn->show_if->question >= q->nquestions)
                return;
        const enk_condition *c = qn->show_if;
        const enk_question *on = &q->questions[c->question];
        size_t len = 0;
        if (on->type == ENK_Q_MULTIPLE)
                put(buf, size, &len, enk_diag_text(ENK_MSGID("'%s' includes ")), on->id);
        else if (c->nvalues == 1)
                put(buf, size, &len, enk_diag_text(ENK_MSGID("'%s' is ")), on->id);
        else
                put(buf, size, &len, enk_diag_text(ENK_MSGID("'%s' is one of ")), on->id);
        for (size_t i = 0; i < c->nvalues; i++) {
                if (i > 0)
                        put(buf, size, &len, "%s",
                            i + 1 < c->nvalues ? ", " : enk_diag_text(ENK_MSGID(" or ")));
                put_value(buf, size, &len, on, c->values[i]);
        }
}

/* Why value is not allowed, worded for the question's type. */
static void invalid_message(const enk_questionnaire *q, const enk_question *qn, int32_t value,
                            char *buf, size_t size)
{
        size_t len = 0;
        switch (qn->type) {
        case ENK_Q_SCALE: {
                const enk_scale *s = enk_question_scale(q, qn);
                if (value == ENK_NA)
                        put(buf, size, &len,
                            enk_diag_text("scale '%s' has no not-applicable answer"),
                            s ? s->id : "?");
                else
                        put(buf, size, &len, enk_diag_text("%d is not a point of scale '%s'"),
                            (int) value, s ? s->id : "?");
                return;
        }
        case ENK_Q_SINGLE:
                put(buf, size, &len, enk_diag_text("%d is not one of the options"), (int) value);
                return;
        case ENK_Q_MULTIPLE:
                put(buf, size, &len,
                    enk_diag_text("the set of options 0x%x holds options that do not exist"),
                    (unsigned) value);
                return;
        case ENK_Q_YESNO:
                put(buf, size, &len, enk_diag_text("%d is not 1 (yes) or 0 (no)"), (int) value);
                return;
        case ENK_Q_NUMBER:
                if (value == ENK_NA)
                        put(buf, size, &len,
                            enk_diag_text("a number question has no not-applicable answer"));
                else
                        put(buf, size, &len, enk_diag_text("%d is out of range %d..%d"),
                            (int) value, (int) qn->min, (int) qn->max);
                return;
        case ENK_Q_TEXT:
                put(buf, size, &len, enk_diag_text("a free-text answer must be marked 1, not %d"),
                    (int) value);
                return;
        }
        put(buf, size, &len, enk_diag_text("%d is not allowed"), (int) value);
}

bool enk_response_source_insists(enk_response_source source)
{
        return source == ENK_SOURCE_WEB || source == ENK_SOURCE_IMPORT;
}

size_t enk_response_validate(const enk_questionnaire *q, enk_response_source source,
                             int32_t *values, enk_response_report_fn report, void *ctx)
{
        if (!q || !values)
                return 0;
        size_t errors = 0;
        char msg[256];
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_question *qn = &q->questions[i];
                bool shown = enk_question_shown(q, qn, values);
                if (!shown) {
                        if (values[i] != ENK_MISSING) {
                                char cond[160];
                                enk_response_condition_str(q, qn, cond, sizeof(cond));
                                snprintf(msg, sizeof(msg),
                                         enk_diag_text(ENK_MSGID(
                                             "answered although skipped (asked only when %s); "
                                             "the answer is dropped")),
                                         cond);
                                values[i] = ENK_MISSING;
                                if (report)
                                        report(ctx, ENK_SEV_WARNING, i, ENK_RESPONSE_SKIPPED, msg);
                        }
                        continue;
                }
                if (values[i] == ENK_MISSING) {
                        if (qn->required && enk_response_source_insists(source)) {
                                errors++;
                                if (report)
                                        report(ctx, ENK_SEV_ERROR, i, ENK_RESPONSE_REQUIRED,
                                               enk_diag_text(
                                                   ENK_MSGID("required question left blank")));
                        }
                        continue;
                }
                if (!enk_question_allows(q, qn, values[i])) {
                        errors++;
                        invalid_message(q, qn, values[i], msg, sizeof(msg));
                        if (report)
                                report(ctx, ENK_SEV_ERROR, i, ENK_RESPONSE_INVALID, msg);
                }
        }
        return errors;
}
