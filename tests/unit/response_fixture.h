/* tests/unit/response_fixture.h - store tests that write answer arrays
 * straight into a wave, without a producer (CSV reader, web form).
 *
 * The store takes an enk_response, whose questionnaire gives the number of
 * answers and the questions the free texts answer. These tests keep their
 * data as plain arrays and (question id, text) pairs; fixture_add() and
 * fixture_submit() turn them into the response of a questionnaire with that
 * many questions: one of the YAML texts the test registered with
 * fixture_yaml() (the wave's edition), else one made of n yes/no questions
 * (for the calls that check a wrong number of answers is refused). A text
 * to a question the questionnaire does not have stops the test.
 * Include once per test file, after check.h.
 */
#ifndef ENK_TEST_RESPONSE_FIXTURE_H
#define ENK_TEST_RESPONSE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/questionnaire.h"
#include "survey/response.h"
#include "survey/store.h"

#define FIXTURE_MAX 8

static const char *fixture_yamls[FIXTURE_MAX];
static size_t fixture_nyamls;
static enk_questionnaire *fixture_qs[2 * FIXTURE_MAX];
static size_t fixture_nqs;

/* Registers the YAML text of an edition the test stores responses to. */
static inline void fixture_yaml(const char *yaml)
{
        if (fixture_nyamls < FIXTURE_MAX)
                fixture_yamls[fixture_nyamls++] = yaml;
}

static enk_questionnaire *fixture_parse(const char *yaml)
{
        enk_questionnaire *q = NULL;
        if (enk_questionnaire_parse(yaml, strlen(yaml), "fixture.yaml", &q, NULL) != ENK_OK) {
                printf("FAIL %s:%d: a fixture questionnaire does not parse\n", __FILE__, __LINE__);
                exit(1);
        }
        return q;
}

/* A questionnaire of n questions: the registered edition with n questions
 * that has text question text_id (when given), else n yes/no questions. */
static const enk_questionnaire *fixture_q(size_t n, const char *text_id)
{
        for (size_t i = 0; i < fixture_nqs; i++)
                if (fixture_qs[i]->nquestions == n &&
                    (!text_id || enk_questionnaire_find(fixture_qs[i], text_id) >= 0))
                        return fixture_qs[i];
        enk_questionnaire *q = NULL;
        for (size_t i = 0; i < fixture_nyamls && !q; i++) {
                enk_questionnaire *c = fixture_parse(fixture_yamls[i]);
                if (c->nquestions == n && (!text_id || enk_questionnaire_find(c, text_id) >= 0))
                        q = c;
                else
                        enk_questionnaire_free(c);
        }
        if (!q) {
                char yaml[4096];
                int len = snprintf(yaml, sizeof(yaml),
                                   "survey: fixture\nedition: 2020\nlanguages: [sv]\n"
                                   "title: Fixture\nsections:\n  - id: s\n    title: S\n"
                                   "    questions:\n");
                for (size_t i = 0; i < n && len < (int) sizeof(yaml) - 80; i++)
                        len += snprintf(yaml + len, sizeof(yaml) - (size_t) len,
                                        "      - {id: f%zu, type: yesno, text: F%zu?}\n", i, i);
                q = fixture_parse(yaml);
        }
        if (fixture_nqs < 2 * FIXTURE_MAX)
                fixture_qs[fixture_nqs++] = q;
        return q;
}

/* The response of the n values v and the nt texts t (pairs). */
static inline enk_response fixture_response(enk_response_source source, const char *date,
                                            const char *key, const int32_t *v, size_t n,
                                            const enk_store_text *t, size_t nt, const char **texts)
{
        const enk_questionnaire *q = fixture_q(n, nt ? t[0].question_id : NULL);
        for (size_t i = 0; i < n; i++)
                texts[i] = NULL;
        for (size_t k = 0; k < nt; k++) {
                int i = enk_questionnaire_find(q, t[k].question_id);
                if (i < 0) {
                        printf("FAIL %s:%d: fixture text to '%s', not a question\n", __FILE__,
                               __LINE__, t[k].question_id);
                        exit(1);
                }
                texts[i] = t[k].text;
        }
        return (enk_response){.q = q,
                              .values = (int32_t *) v,
                              .texts = texts,
                              .respondent_key = key,
                              .date = date,
                              .source = source};
}

static inline enk_status fixture_add(enk_store *s, int64_t wave, int64_t import_id,
                                     enk_response_source source, const char *date, const char *key,
                                     const int32_t *v, size_t n, const enk_store_text *t, size_t nt,
                                     int64_t *id, enk_diags *d)
{
        const char *texts[64];
        if (n > 64)
                exit(1);
        enk_response r = fixture_response(source, date, key, v, n, t, nt, texts);
        return enk_store_add_response(s, wave, import_id, &r, id, d);
}

static inline enk_status fixture_submit(enk_store *s, int64_t wave, const char *code,
                                        const char *date, const int32_t *v, size_t n,
                                        const enk_store_text *t, size_t nt, enk_diags *d)
{
        const char *texts[64];
        if (n > 64)
                exit(1);
        enk_response r = fixture_response(ENK_SOURCE_WEB, date, NULL, v, n, t, nt, texts);
        return enk_store_submit(s, wave, code, &r, d);
}

/* Frees the questionnaires made. */
static inline void fixture_done(void)
{
        for (size_t i = 0; i < fixture_nqs; i++)
                enk_questionnaire_free(fixture_qs[i]);
        fixture_nqs = 0;
}

#endif
