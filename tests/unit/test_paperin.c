/* tests/unit/test_paperin.c - the rules from box states to answers (survey/paperin_answer.c).
 *
 * Each case is a question's boxes as the scan module might read them and the
 * answer the rules of docs/scan.md ("From boxes to answers") say it is: the
 * expected values are written from those rules and from survey/questionnaire.h
 * (a multiple choice is bit v - 1 for option v), not from the code's output.
 */
#include <string.h>

#include "survey/paperin_internal.h"
#include "tests/unit/check.h"

static const char yaml[] = "survey: t\n"
                           "edition: 2020\n"
                           "languages: [sv]\n"
                           "title: T\n"
                           "scales:\n"
                           "  - id: fem\n"
                           "    points:\n"
                           "      - {value: 1, label: A}\n"
                           "      - {value: 2, label: B}\n"
                           "      - {value: 3, label: C}\n"
                           "    positive: [3]\n"
                           "    not_applicable: {code: 9, label: Vet ej}\n"
                           "sections:\n"
                           "  - id: s\n"
                           "    title: S\n"
                           "    questions:\n"
                           "      - {id: har, type: yesno, text: Har?}\n"
                           "      - id: nojd\n"
                           "        type: scale\n"
                           "        scale: fem\n"
                           "        text: Nöjd?\n"
                           "        show_if: {question: har, equals: 1}\n"
                           "      - id: kurs\n"
                           "        type: multiple\n"
                           "        text: Kurs?\n"
                           "        options:\n"
                           "          - {value: 1, label: X}\n"
                           "          - {value: 2, label: Y}\n"
                           "          - {value: 4, label: Z}\n"
                           "      - {id: antal, type: number, min: 0, max: 99, text: Antal?}\n"
                           "      - {id: ovrigt, type: text, text: Övrigt?}\n";

enum { HAR, NOJD, KURS, ANTAL, OVRIGT, NQ };
#define E ENK_SCAN_EMPTY
#define M ENK_SCAN_MARKED
#define F ENK_SCAN_FILLED
#define W ENK_SCAN_WRITTEN
#define U ENK_SCAN_UNCERTAIN

static enk_questionnaire *Q;

/* The answer to question qi with n boxes of the given states and values. */
static enk_paperin_answer answer(size_t qi, size_t n, const enk_scan_state *st, const int32_t *val)
{
        struct pi_box b[8];
        for (size_t i = 0; i < n; i++)
                b[i] = (struct pi_box){st[i], val ? val[i] : 0};
        enk_paperin_answer a;
        memset(&a, 0, sizeof(a));
        pi_answer(&Q->questions[qi], b, n, &a);
        return a;
}

static void check_answer(enk_paperin_answer a, enk_paperin_state state, const char *reason,
                         int32_t value)
{
        CHECK_INT(a.state, state);
        CHECK_STR(a.reason ? a.reason : "-", reason ? reason : "-");
        CHECK_INT(a.value, value);
}

static void test_single(void)
{
        const int32_t pts[4] = {1, 2, 3, 9};
        /* one cross */
        check_answer(answer(NOJD, 4, (enk_scan_state[]){E, M, E, E}, pts), ENK_PAPERIN_CERTAIN,
                     NULL, 2);
        /* nothing */
        check_answer(answer(NOJD, 4, (enk_scan_state[]){E, E, E, E}, pts), ENK_PAPERIN_EMPTY, NULL,
                     ENK_MISSING);
        /* "vet ej" is an answer like any point */
        check_answer(answer(NOJD, 4, (enk_scan_state[]){E, E, E, M}, pts), ENK_PAPERIN_CERTAIN,
                     NULL, 9);
        /* two crosses: a person decides, nothing is suggested */
        check_answer(answer(NOJD, 4, (enk_scan_state[]){M, E, M, E}, pts), ENK_PAPERIN_REVIEW,
                     "multiple", ENK_MISSING);
        /* the correction: blackened 1, cross in 3 */
        check_answer(answer(NOJD, 4, (enk_scan_state[]){F, E, M, E}, pts), ENK_PAPERIN_CERTAIN,
                     NULL, 3);
        /* a blackened box alone is not taken as either meaning */
        check_answer(answer(NOJD, 4, (enk_scan_state[]){E, F, E, E}, pts), ENK_PAPERIN_REVIEW,
                     "uncertain", 2);
        /* an uncertain box beside a cross: suggested, not decided */
        check_answer(answer(NOJD, 4, (enk_scan_state[]){E, M, U, E}, pts), ENK_PAPERIN_REVIEW,
                     "uncertain", 2);
        /* yes/no: the box of "no" is value 0 */
        check_answer(answer(HAR, 2, (enk_scan_state[]){E, M}, (const int32_t[]){1, 0}),
                     ENK_PAPERIN_CERTAIN, NULL, 0);
}

static void test_multiple(void)
{
        const int32_t opt[3] = {1, 2, 4};
        /* options 1 and 4: bits 0 and 3 */
        check_answer(answer(KURS, 3, (enk_scan_state[]){M, E, M}, opt), ENK_PAPERIN_CERTAIN, NULL,
                     (1 << 0) | (1 << 3));
        /* a blackened option is not chosen */
        check_answer(answer(KURS, 3, (enk_scan_state[]){F, M, E}, opt), ENK_PAPERIN_CERTAIN, NULL,
                     1 << 1);
        check_answer(answer(KURS, 3, (enk_scan_state[]){E, E, E}, opt), ENK_PAPERIN_EMPTY, NULL,
                     ENK_MISSING);
        check_answer(answer(KURS, 3, (enk_scan_state[]){E, F, E}, opt), ENK_PAPERIN_REVIEW,
                     "uncertain", ENK_MISSING);
        check_answer(answer(KURS, 3, (enk_scan_state[]){M, U, E}, opt), ENK_PAPERIN_REVIEW,
                     "uncertain", 1 << 0);
}

static void test_written(void)
{
        /* digits are never read: written digits wait for a person */
        check_answer(answer(ANTAL, 2, (enk_scan_state[]){W, E}, NULL), ENK_PAPERIN_REVIEW, "digits",
                     ENK_MISSING);
        check_answer(answer(ANTAL, 2, (enk_scan_state[]){E, E}, NULL), ENK_PAPERIN_EMPTY, NULL,
                     ENK_MISSING);
        check_answer(answer(ANTAL, 2, (enk_scan_state[]){E, U}, NULL), ENK_PAPERIN_REVIEW,
                     "uncertain", ENK_MISSING);
        /* a written text area answers the text question (value 1) */
        check_answer(answer(OVRIGT, 1, (enk_scan_state[]){W}, NULL), ENK_PAPERIN_CERTAIN, NULL, 1);
        check_answer(answer(OVRIGT, 1, (enk_scan_state[]){E}, NULL), ENK_PAPERIN_EMPTY, NULL,
                     ENK_MISSING);
        check_answer(answer(OVRIGT, 1, (enk_scan_state[]){U}, NULL), ENK_PAPERIN_REVIEW,
                     "uncertain", ENK_MISSING);
}

static void test_skips(void)
{
        enk_paperin_answer a[NQ];
        int32_t scratch[NQ];
        memset(a, 0, sizeof(a));
        for (size_t i = 0; i < NQ; i++)
                a[i] = (enk_paperin_answer){.question = i, .value = ENK_MISSING};
        /* "har" no, yet "nojd" crossed: the cross waits, reason skipped */
        a[HAR] = (enk_paperin_answer){.question = HAR, .state = ENK_PAPERIN_CERTAIN, .value = 0};
        a[NOJD] = (enk_paperin_answer){.question = NOJD, .state = ENK_PAPERIN_CERTAIN, .value = 3};
        pi_skips(Q, a, scratch);
        check_answer(a[NOJD], ENK_PAPERIN_REVIEW, "skipped", 3);
        /* "har" yes: the answer stands */
        a[HAR].value = 1;
        a[NOJD] = (enk_paperin_answer){.question = NOJD, .state = ENK_PAPERIN_CERTAIN, .value = 3};
        pi_skips(Q, a, scratch);
        check_answer(a[NOJD], ENK_PAPERIN_CERTAIN, NULL, 3);
}

int main(void)
{
        CHECK_INT(enk_questionnaire_parse(yaml, strlen(yaml), "t.yaml", &Q, NULL), ENK_OK);
        if (!Q)
                return check_report();
        CHECK_INT(Q->nquestions, NQ);
        test_single();
        test_multiple();
        test_written();
        test_skips();
        enk_questionnaire_free(Q);
        return check_report();
}
