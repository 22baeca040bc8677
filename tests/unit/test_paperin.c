/* tests/unit/test_paperin.c - the rules from box states to answers (survey/paperin_answer.c).
 *
 * Each case is a question's boxes as the scan module might read them and the
 * answer the rules of docs/scan.md ("From boxes to answers") say it is: the
 * expected values are written from those rules and from survey/questionnaire.h
 * (a multiple choice is bit v - 1 for option v), not from the code's output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static enk_status first_review(void *ctx, const enk_store_review *r)
{
        if (!*(int64_t *) ctx)
                *(int64_t *) ctx = r->id;
        return ENK_OK;
}

/* enk_paperin_finish: a copy with an answer undecided is refused, naming
 * the store; decided, it becomes one response with the decision in it; a
 * second time it is refused again. */
static void test_finish(void)
{
        char path[] = "/tmp/enk_test_paperin_XXXXXX";
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        close(fd);
        unlink(path);
        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        int64_t ed = 0, unit = 0, wave = 0, copy = 0, resp = -1;
        CHECK_INT(enk_store_open(path, ENK_STORE_CREATE, &s, d), ENK_OK);
        if (!s)
                return;
        CHECK_INT(enk_store_add_edition(s, Q, &ed, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "Vetlanda", &unit, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, unit, 2025, ed, -1, &wave, d), ENK_OK);
        int32_t v[NQ] = {1, ENK_MISSING, ENK_MISSING, ENK_MISSING, ENK_MISSING};
        enk_response r = {.q = Q, .values = v, .source = ENK_SOURCE_SCAN};
        enk_store_scan_page pg = {1, "scan.pdf", 1, false, 0.1};
        enk_store_scan_review rv = {NOJD, "multiple", ENK_MISSING, 1, {0, 0, 10, 10}};
        enk_store_scan_copy c = {"00001", "sv", &r, &pg, 1, &rv, 1};
        CHECK_INT(enk_store_add_scan(s, wave, &c, &copy, &resp, d), ENK_OK);
        CHECK_INT(resp, 0);
        enk_diags *e = enk_diags_new(0);
        CHECK_INT(enk_paperin_finish(s, copy, &resp, e), ENK_ERR_USAGE);
        const enk_diag *g = enk_diags_get(e, 0);
        CHECK(g && g->file && !strcmp(g->file, path));
        int64_t review = 0;
        CHECK_INT(enk_store_reviews(s, true, first_review, &review, d), ENK_OK);
        CHECK_INT(enk_store_decide(s, review, 2, d), ENK_OK);
        CHECK_INT(enk_paperin_finish(s, copy, &resp, d), ENK_OK);
        CHECK(resp > 0);
        int32_t back[NQ];
        int64_t linked = 0;
        CHECK_INT(enk_store_scan_values(s, copy, back, NQ, NULL, &linked, d), ENK_OK);
        CHECK_INT(back[NOJD], 2);
        CHECK_INT(linked, resp);
        CHECK_INT(enk_paperin_finish(s, copy, &resp, e), ENK_ERR_EXISTS);
        enk_diags_free(e);
        enk_diags_free(d);
        enk_store_free(s);
        unlink(path);
        char aux[64];
        snprintf(aux, sizeof(aux), "%s-wal", path);
        unlink(aux);
        snprintf(aux, sizeof(aux), "%s-shm", path);
        unlink(aux);
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
        test_finish();
        enk_questionnaire_free(Q);
        return check_report();
}
