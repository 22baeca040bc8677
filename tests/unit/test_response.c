/* tests/unit/test_response.c - validating one response against its questionnaire.
 *
 * Expected problems and messages are read off the inline questionnaire and the
 * rules documented in survey/response.h, never off the validator's output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/response.h"
#include "tests/unit/check.h"

/* Indexes: a 0, b 1, c 2, n 3, m 4, s 5, t 6, r 7. */
static const char yaml[] =
    "survey: r\n"
    "edition: 2020\n"
    "languages: [sv]\n"
    "title: R\n"
    "scales:\n"
    "  - id: tre\n"
    "    points:\n"
    "      - {value: 1, label: Nej}\n"
    "      - {value: 2, label: Kanske}\n"
    "      - {value: 3, label: Ja}\n"
    "    positive: [3]\n"
    "    not_applicable: {code: 9, label: Vet ej}\n"
    "  - id: utan\n"
    "    points:\n"
    "      - {value: 0, label: Noll}\n"
    "      - {value: 10, label: Tio}\n"
    "    positive: [10]\n"
    "sections:\n"
    "  - id: x\n"
    "    title: X\n"
    "    questions:\n"
    "      - {id: a, type: yesno, required: true, text: A}\n"
    "      - {id: b, type: single, required: true, show_if: {question: a, equals: yes},\n"
    "         text: B, options: [{value: 1, label: Ett}, {value: 2, label: Två}]}\n"
    "      - {id: c, type: scale, scale: tre, show_if: {question: b, in: [1, 2]}, text: C}\n"
    "      - {id: n, type: number, min: -3, max: 7, text: N}\n"
    "      - {id: m, type: multiple, text: M,\n"
    "         options: [{value: 1, label: Ett}, {value: 3, label: Tre}]}\n"
    "      - {id: s, type: scale, scale: utan, show_if: {question: m, in: [3]}, text: S}\n"
    "      - {id: t, type: text, text: T}\n"
    "      - {id: r, type: scale, scale: tre, required: true, text: R}\n";

enum { A, B, C, N, MQ, S, T, R, NQ };
#define M ENK_MISSING

static enk_questionnaire *Q;

/* The problems reported, as "SEV QUESTION PROBLEM: MESSAGE" lines. */
static char seen[16][256];
static size_t nseen;

static void report(void *ctx, enk_severity sev, size_t question, enk_response_problem problem,
                   const char *message)
{
        (void) ctx;
        if (nseen < 16)
                snprintf(seen[nseen], sizeof(seen[nseen]), "%s %s %d: %s",
                         sev == ENK_SEV_ERROR ? "error" : "warning", Q->questions[question].id,
                         (int) problem, message);
        nseen++;
}

static size_t validate(int32_t *v)
{
        nseen = 0;
        return enk_response_validate(Q, ENK_SOURCE_WEB, v, report, NULL);
}

static void test_valid(void)
{
        int32_t v[NQ] = {1, 2, ENK_NA, -3, 5, 10, 1, 3};
        CHECK_INT(validate(v), 0);
        CHECK_INT(nseen, 0);
        /* Nothing changed. */
        CHECK_INT(v[C], ENK_NA);
        CHECK_INT(v[MQ], 5);
        /* a = no: b and c are not asked, so b's requirement does not apply. */
        int32_t w[NQ] = {0, M, M, M, M, M, M, 1};
        CHECK_INT(validate(w), 0);
        CHECK_INT(nseen, 0);
}

static void test_required(void)
{
        int32_t v[NQ] = {M, M, M, M, M, M, M, M};
        /* a and r are required and always shown; b is required but skipped
         * while a is unanswered. */
        CHECK_INT(validate(v), 2);
        CHECK_INT(nseen, 2);
        CHECK_STR(seen[0], "error a 1: required question left blank");
        CHECK_STR(seen[1], "error r 1: required question left blank");

        int32_t w[NQ] = {1, M, M, M, M, M, M, 2};
        CHECK_INT(validate(w), 1);
        CHECK_STR(seen[0], "error b 1: required question left blank");

        /* paper cannot insist: a form keyed in or scanned with required
         * questions left blank is a response; another tool's export is held
         * to them as the web form is */
        enk_response_source paper[] = {ENK_SOURCE_PAPER, ENK_SOURCE_SCAN};
        for (size_t i = 0; i < 2; i++) {
                int32_t x[NQ] = {M, M, M, M, M, M, M, M};
                nseen = 0;
                CHECK_INT(enk_response_validate(Q, paper[i], x, report, NULL), 0);
                CHECK_INT(nseen, 0);
                CHECK(!enk_response_source_insists(paper[i]));
                /* an invalid value is still an error */
                int32_t y[NQ] = {7, M, M, M, M, M, M, M};
                CHECK_INT(enk_response_validate(Q, paper[i], y, NULL, NULL), 1);
        }
        int32_t z[NQ] = {M, M, M, M, M, M, M, M};
        CHECK_INT(enk_response_validate(Q, ENK_SOURCE_IMPORT, z, NULL, NULL), 2);
        CHECK(enk_response_source_insists(ENK_SOURCE_WEB));
}

static void test_skipped_cascade(void)
{
        /* a = no skips b; b's answer is dropped, so c (asked when b is 1 or 2)
         * is skipped too and its answer is dropped as well. */
        int32_t v[NQ] = {0, 1, 3, M, 1, 0, M, 3};
        CHECK_INT(validate(v), 0);
        CHECK_INT(nseen, 3);
        CHECK_STR(seen[0], "warning b 2: answered although skipped (asked only when 'a' is yes); "
                           "the answer is dropped");
        CHECK_STR(seen[1], "warning c 2: answered although skipped (asked only when 'b' is one "
                           "of 1 or 2); the answer is dropped");
        CHECK_STR(seen[2], "warning s 2: answered although skipped (asked only when 'm' includes "
                           "3); the answer is dropped");
        CHECK_INT(v[B], M);
        CHECK_INT(v[C], M);
        CHECK_INT(v[S], M);
        CHECK_INT(v[A], 0);
        CHECK_INT(v[MQ], 1);
}

static void test_invalid(void)
{
        /* m = {3}: bit 2, so s is shown. */
        int32_t v[NQ] = {2, 3, 4, 8, 2, ENK_NA, 2, 7};
        CHECK_INT(validate(v), 5);
        CHECK_INT(nseen, 8);
        CHECK_STR(seen[0], "error a 0: 2 is not 1 (yes) or 0 (no)");
        /* b's condition (a is yes) does not hold for a = 2: b is skipped. */
        int32_t w[NQ] = {1, 3, 4, 8, 2, ENK_NA, 2, 7};
        CHECK_INT(validate(w), 5);
        CHECK_STR(seen[0], "error b 0: 3 is not one of the options");
        CHECK_STR(seen[1], "warning c 2: answered although skipped (asked only when 'b' is one "
                           "of 1 or 2); the answer is dropped");
        CHECK_STR(seen[2], "error n 0: 8 is out of range -3..7");
        CHECK_STR(seen[3], "error m 0: the set of options 0x2 holds options that do not exist");
        CHECK_STR(seen[4], "warning s 2: answered although skipped (asked only when 'm' includes "
                           "3); the answer is dropped");
        CHECK_STR(seen[5], "error t 0: a free-text answer must be marked 1, not 2");
        CHECK_STR(seen[6], "error r 0: 7 is not a point of scale 'tre'");
        CHECK_INT(nseen, 7);
        /* The invalid answers are left as they were. */
        CHECK_INT(w[B], 3);
        CHECK_INT(w[R], 7);

        /* A not-applicable answer where the scale has none; 4 (bit 2 = option 3) shows s. */
        int32_t x[NQ] = {0, M, M, ENK_NA, 4, ENK_NA, M, 3};
        CHECK_INT(validate(x), 2);
        CHECK_STR(seen[0], "error n 0: a number question has no not-applicable answer");
        CHECK_STR(seen[1], "error s 0: scale 'utan' has no not-applicable answer");
}

static void test_helpers(void)
{
        int32_t v[NQ];
        memset(v, 0, sizeof(v));
        enk_response_clear(Q, v);
        for (size_t i = 0; i < NQ; i++)
                CHECK_INT(v[i], M);
        char buf[64];
        enk_response_condition_str(Q, &Q->questions[A], buf, sizeof(buf));
        CHECK_STR(buf, "");
        enk_response_condition_str(Q, &Q->questions[B], buf, sizeof(buf));
        CHECK_STR(buf, "'a' is yes");
        /* Truncation keeps the string terminated. */
        enk_response_condition_str(Q, &Q->questions[C], buf, 8);
        CHECK_STR(buf, "'b' is ");
        /* NULL report function: still validates and drops. */
        int32_t w[NQ] = {0, 1, M, M, M, M, M, M};
        CHECK_INT(enk_response_validate(Q, ENK_SOURCE_WEB, w, NULL, NULL), 1);
        CHECK_INT(w[B], M);
        CHECK_INT(enk_response_validate(NULL, ENK_SOURCE_WEB, w, NULL, NULL), 0);
}

int main(void)
{
        enk_diags *d = enk_diags_new(0);
        if (enk_questionnaire_parse(yaml, sizeof(yaml) - 1, "r.yaml", &Q, d) != ENK_OK) {
                for (size_t i = 0; i < enk_diags_count(d); i++) {
                        char *s = enk_diag_format(enk_diags_get(d, i));
                        printf("%s\n", s);
                        free(s);
                }
                return 1;
        }
        enk_diags_free(d);
        CHECK_INT(Q->nquestions, NQ);
        test_valid();
        test_required();
        test_skipped_cascade();
        test_invalid();
        test_helpers();
        enk_questionnaire_free(Q);
        return check_report();
}
