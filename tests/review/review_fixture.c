/* tests/review/review_fixture.c - a store with scanned copies whose answers wait for review.
 *
 * usage: review_fixture STORE Q.yaml UNIT YEAR DPI NREVIEWS PAGE.png...
 *
 * The PAGE files are the paper form of Q.yaml rendered at DPI (pdftoppm of
 * `enkat form --format pdf`), one file per form page, standing in for scans.
 * Makes NREVIEWS reviews, two per copy (serials 00001, 00002, ...), on the
 * checkbox and number questions in turn, with the reasons in turn
 * ("uncertain" with the first answer as the reading, "multiple" with none;
 * "digits" for a number); each crop is the band of the page from 16 mm above
 * the question's boxes to 3 mm below them, from the layout (mm * DPI / 25.4,
 * exact for a rendered page). The other answers of a copy are the first
 * answer of each question. Not a command of enkat: the scan driver
 * makes reviews.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/paper.h"
#include "survey/questionnaire.h"
#include "survey/store.h"

static void die(enk_diags *d, const char *what)
{
        for (size_t i = 0; d && i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                fprintf(stderr, "%s\n", s ? s : "?");
                free(s);
        }
        fprintf(stderr, "review_fixture: %s failed\n", what);
        exit(1);
}

static int32_t first_answer(const enk_questionnaire *q, const enk_question *qn)
{
        const enk_scale *s = enk_question_scale(q, qn);
        switch (qn->type) {
        case ENK_Q_SCALE:
                return s ? s->points[0].value : ENK_MISSING;
        case ENK_Q_SINGLE:
                return qn->options[0].value;
        case ENK_Q_MULTIPLE:
                return (int32_t) (UINT32_C(1) << (qn->options[0].value - 1));
        case ENK_Q_YESNO:
                return 1;
        case ENK_Q_NUMBER:
                return qn->min;
        case ENK_Q_TEXT:
                return ENK_MISSING;
        }
        return ENK_MISSING;
}

struct cand {
        size_t question;
        unsigned page; /* 1-based */
        enk_paper_rect r;
        bool digits;
};

static void grow(struct cand *c, bool *have, size_t page, size_t question, enk_paper_rect r,
                 bool digits)
{
        if (!*have) {
                *c = (struct cand){question, (unsigned) page + 1, r, digits};
                *have = true;
                return;
        }
        if (c->page != page + 1)
                return; /* the first page only */
        double x1 = c->r.x + c->r.w, y1 = c->r.y + c->r.h;
        if (r.x < c->r.x)
                c->r.x = r.x;
        if (r.y < c->r.y)
                c->r.y = r.y;
        if (r.x + r.w > x1)
                x1 = r.x + r.w;
        if (r.y + r.h > y1)
                y1 = r.y + r.h;
        c->r.w = x1 - c->r.x;
        c->r.h = y1 - c->r.y;
}

int main(int argc, char **argv)
{
        if (argc < 8) {
                fprintf(stderr,
                        "usage: review_fixture STORE Q.yaml UNIT YEAR DPI NREVIEWS PAGE.png...\n");
                return 2;
        }
        enk_diags *d = enk_diags_new(0);
        int year = atoi(argv[4]);
        double dpi = atof(argv[5]);
        size_t nreviews = (size_t) atol(argv[6]);
        char **files = argv + 7;
        unsigned nfiles = (unsigned) (argc - 7);
        enk_questionnaire *q = NULL;
        if (enk_questionnaire_load(argv[2], &q, d) != ENK_OK)
                die(d, "loading the questionnaire");
        enk_paper *paper = NULL;
        if (enk_paper_layout(q, NULL, &paper, d) != ENK_OK)
                die(d, "the layout");
        struct cand *cands = calloc(q->nquestions, sizeof(*cands));
        bool *have = calloc(q->nquestions, sizeof(*have));
        for (size_t i = 0; i < enk_paper_nboxes(paper); i++) {
                const enk_paper_box *b = enk_paper_box_get(paper, i);
                grow(&cands[b->question], &have[b->question], b->page, b->question, b->r, false);
        }
        for (size_t i = 0; i < enk_paper_ndigits(paper); i++) {
                const enk_paper_digit *b = enk_paper_digit_get(paper, i);
                grow(&cands[b->question], &have[b->question], b->page, b->question, b->r, true);
        }
        size_t ncand = 0;
        for (size_t i = 0; i < q->nquestions; i++)
                if (have[i] && cands[i].page <= nfiles)
                        cands[ncand++] = cands[i];
        if (!ncand)
                die(NULL, "finding questions on paper");

        enk_store *s = NULL;
        int64_t ed, unit, wave;
        if (enk_store_open(argv[1], ENK_STORE_CREATE, &s, d) != ENK_OK ||
            enk_store_begin(s, d) != ENK_OK || enk_store_add_edition(s, q, &ed, d) != ENK_OK ||
            enk_store_unit(s, argv[3], &unit, d) != ENK_OK ||
            enk_store_wave(s, unit, year, ed, -1, &wave, d) != ENK_OK)
                die(d, "making the store");
        int32_t *values = malloc(q->nquestions * sizeof(*values));
        enk_store_scan_page *pages = calloc(nfiles, sizeof(*pages));
        for (unsigned p = 0; p < nfiles; p++)
                pages[p] = (enk_store_scan_page){p + 1, files[p], 1, false, 0.1};
        double k = dpi / 25.4;
        size_t next = 0;
        for (size_t copy = 0; copy * 2 < nreviews; copy++) {
                enk_store_scan_review rv[2];
                size_t n = nreviews - copy * 2 < 2 ? 1 : 2;
                for (size_t i = 0; i < q->nquestions; i++)
                        values[i] = first_answer(q, &q->questions[i]);
                for (size_t j = 0; j < n; j++) {
                        const struct cand *c = &cands[(next++) % ncand];
                        const enk_question *qn = &q->questions[c->question];
                        values[c->question] = ENK_MISSING;
                        bool multiple =
                            (copy + j) % 2 == 1 && !c->digits && qn->type != ENK_Q_MULTIPLE;
                        /* The boxes with the lines of text above them,
                         * the width of the page inside its margins (a grid
                         * item's text is left of its boxes, an option's
                         * label right of its box). */
                        double x0 = 12, y0 = c->r.y - 16, x1 = 198, y1 = c->r.y + c->r.h + 3;
                        rv[j] = (enk_store_scan_review){
                            c->question,
                            c->digits  ? "digits"
                            : multiple ? "multiple"
                                       : "uncertain",
                            c->digits || multiple ? ENK_MISSING : first_answer(q, qn),
                            c->page,
                            {(int) (x0 * k), (int) (y0 * k), (int) ((x1 - x0) * k),
                             (int) ((y1 - y0) * k)}};
                }
                /* the reviews of a copy in question order, as the store lists them */
                if (n == 2 && rv[0].question > rv[1].question) {
                        enk_store_scan_review t = rv[0];
                        rv[0] = rv[1];
                        rv[1] = t;
                }
                if (n == 2 && rv[0].question == rv[1].question)
                        n = 1;
                char serial[16];
                snprintf(serial, sizeof(serial), "%05zu", copy + 1);
                enk_response r = {.q = q, .values = values, .source = ENK_SOURCE_SCAN};
                enk_store_scan_copy c = {serial, q->languages[0], &r, pages, nfiles, rv, n};
                int64_t copy_id, resp;
                if (enk_store_add_scan(s, wave, &c, &copy_id, &resp, d) != ENK_OK)
                        die(d, "adding a copy");
        }
        if (enk_store_commit(s, d) != ENK_OK)
                die(d, "committing");
        enk_store_free(s);
        enk_paper_free(paper);
        enk_questionnaire_free(q);
        free(values);
        free(pages);
        free(cands);
        free(have);
        enk_diags_free(d);
        return 0;
}
