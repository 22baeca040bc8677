/* tests/unit/test_paper.c - the paper form's layout pass: the scanning rules, completeness,
 * determinism, whole questions per page; the JSON and the files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "survey/paper.h"
#include "survey/questionnaire.h"

#define EPS 0.005

static enk_questionnaire *load(const char *path)
{
        enk_questionnaire *q = NULL;
        enk_diags *d = enk_diags_new(0);
        if (enk_questionnaire_load(path, &q, d) != ENK_OK)
                printf("cannot load %s\n", path);
        enk_diags_free(d);
        return q;
}

static enk_questionnaire *parse(const char *yaml)
{
        enk_questionnaire *q = NULL;
        enk_diags *d = enk_diags_new(0);
        if (enk_questionnaire_parse(yaml, strlen(yaml), "long.yaml", &q, d) != ENK_OK) {
                for (size_t i = 0; i < enk_diags_count(d); i++) {
                        char *s = enk_diag_format(enk_diags_get(d, i));
                        printf("%s\n", s ? s : "?");
                        free(s);
                }
        }
        enk_diags_free(d);
        return q;
}

static enk_paper *lay(const enk_questionnaire *q, int lang)
{
        enk_paper_options o = {.lang = lang};
        enk_paper *p = NULL;
        enk_status st = enk_paper_layout(q, &o, &p, NULL);
        CHECK_INT(st, ENK_OK);
        return p;
}

/* The clear space between two rectangles: the larger of the horizontal and
 * the vertical gap (negative on both when they overlap). */
static double gap(enk_paper_rect a, enk_paper_rect b)
{
        double gx = b.x >= a.x ? b.x - (a.x + a.w) : a.x - (b.x + b.w);
        double gy = b.y >= a.y ? b.y - (a.y + a.h) : a.y - (b.y + b.h);
        return gx > gy ? gx : gy;
}

/* Every rectangle of the page that is read or printed on: boxes, digit boxes,
 * text areas, the QR code. */
struct rects {
        enk_paper_rect r[4096];
        size_t page[4096];
        size_t n;
};

static void gather(const enk_paper *p, struct rects *rs)
{
        rs->n = 0;
        for (size_t i = 0; i < enk_paper_nboxes(p) && rs->n < 4096; i++) {
                rs->page[rs->n] = enk_paper_box_get(p, i)->page;
                rs->r[rs->n++] = enk_paper_box_get(p, i)->r;
        }
        for (size_t i = 0; i < enk_paper_ndigits(p) && rs->n < 4096; i++) {
                rs->page[rs->n] = enk_paper_digit_get(p, i)->page;
                rs->r[rs->n++] = enk_paper_digit_get(p, i)->r;
        }
        for (size_t i = 0; i < enk_paper_nareas(p) && rs->n < 4096; i++) {
                rs->page[rs->n] = enk_paper_area_get(p, i)->page;
                rs->r[rs->n++] = enk_paper_area_get(p, i)->r;
        }
}

/* The scanning rules (issue 8, after SDAPS / queXF / auto-multiple-choice):
 * 4 mm boxes at least 4 mm apart; nothing scanned within 15 mm of an edge,
 * inside the corner marks, clear of the QR code; nothing overlaps. */
static void check_rules(const enk_paper *p, const char *what)
{
        size_t fails = (size_t) check_failures;
        for (size_t i = 0; i < enk_paper_nboxes(p); i++) {
                const enk_paper_box *b = enk_paper_box_get(p, i);
                CHECK_NEAR(b->r.w, 4.0, 0);
                CHECK_NEAR(b->r.h, 4.0, 0);
                for (size_t k = i + 1; k < enk_paper_nboxes(p); k++) {
                        const enk_paper_box *c = enk_paper_box_get(p, k);
                        if (c->page == b->page && gap(b->r, c->r) < 4.0 - EPS) {
                                CHECK(gap(b->r, c->r) >= 4.0 - EPS);
                                printf("  boxes %s=%d and %s=%d on page %zu\n", "q",
                                       (int) b->question, "q", (int) c->question, b->page + 1);
                        }
                }
        }
        struct rects *rs = malloc(sizeof *rs);
        gather(p, rs);
        const enk_paper_mark *tl = enk_paper_mark_get(p, 0), *br = enk_paper_mark_get(p, 3);
        enk_paper_rect qr = enk_paper_qr_rect(p);
        for (size_t i = 0; i < rs->n; i++) {
                enk_paper_rect r = rs->r[i];
                CHECK(r.x >= 15.0 - EPS && r.y >= 15.0 - EPS);
                CHECK(r.x + r.w <= 210.0 - 15.0 + EPS && r.y + r.h <= 297.0 - 15.0 + EPS);
                /* inside the marks, clear of their 1 mm thick arms */
                CHECK(r.x > tl->x + tl->thickness && r.y > tl->y + tl->thickness);
                CHECK(r.x + r.w < br->x - br->thickness && r.y + r.h < br->y - br->thickness);
                /* the QR code's quiet zone (4 modules, under 2 mm here) stays clear */
                CHECK(gap(r, qr) >= 2.0);
                for (size_t k = i + 1; k < rs->n; k++)
                        if (rs->page[k] == rs->page[i])
                                CHECK(gap(r, rs->r[k]) > 0);
        }
        free(rs);
        CHECK(qr.w >= 10.0 && qr.w <= 15.0 && qr.w == qr.h);
        CHECK(qr.x >= 10.0 && qr.y + qr.h <= 297.0 - 10.0);
        if ((size_t) check_failures != fails)
                printf("  (in %s)\n", what);
}

/* What the boxes of question qi must be, from the model: for a scale every
 * point and the "don't know" code, for a choice every option, yes/no 1 and 0.
 * Checks they are all there, once, and nothing else; and that all the
 * question's scannable parts lie on one page. */
static void check_question(const enk_questionnaire *q, const enk_paper *p, size_t qi)
{
        const enk_question *qn = &q->questions[qi];
        int32_t want[64];
        enk_paper_kind kinds[64];
        size_t nwant = 0;
        const enk_scale *sc = enk_question_scale(q, qn);
        switch (qn->type) {
        case ENK_Q_SCALE:
                for (size_t i = 0; i < sc->npoints; i++) {
                        kinds[nwant] = ENK_PAPER_SCALE;
                        want[nwant++] = sc->points[i].value;
                }
                if (sc->has_na) {
                        kinds[nwant] = ENK_PAPER_NA;
                        want[nwant++] = sc->na_code;
                }
                break;
        case ENK_Q_SINGLE:
        case ENK_Q_MULTIPLE:
                for (size_t i = 0; i < qn->noptions; i++) {
                        kinds[nwant] =
                            qn->type == ENK_Q_SINGLE ? ENK_PAPER_SINGLE : ENK_PAPER_MULTIPLE;
                        want[nwant++] = qn->options[i].value;
                }
                break;
        case ENK_Q_YESNO:
                kinds[0] = kinds[1] = ENK_PAPER_YESNO;
                want[0] = 1;
                want[1] = 0;
                nwant = 2;
                break;
        default:
                break;
        }
        size_t found = 0, page = (size_t) -1;
        bool one_page = true;
        for (size_t i = 0; i < enk_paper_nboxes(p); i++) {
                const enk_paper_box *b = enk_paper_box_get(p, i);
                if (b->question != qi)
                        continue;
                found++;
                if (page == (size_t) -1)
                        page = b->page;
                one_page = one_page && b->page == page;
                bool known = false;
                for (size_t k = 0; k < nwant; k++)
                        if (want[k] == b->value && kinds[k] == b->kind)
                                known = true;
                if (!known)
                        printf("  %s: unexpected box value %d\n", qn->id, (int) b->value);
                CHECK(known);
        }
        if (found != nwant)
                printf("  %s: %zu boxes, want %zu\n", qn->id, found, nwant);
        CHECK_INT(found, nwant);

        size_t ndig = 0, nareas = 0;
        for (size_t i = 0; i < enk_paper_ndigits(p); i++) {
                const enk_paper_digit *d = enk_paper_digit_get(p, i);
                if (d->question != qi)
                        continue;
                CHECK_INT(d->position, ndig);
                ndig++;
                if (page == (size_t) -1)
                        page = d->page;
                one_page = one_page && d->page == page;
        }
        for (size_t i = 0; i < enk_paper_nareas(p); i++) {
                const enk_paper_area *a = enk_paper_area_get(p, i);
                if (a->question != qi)
                        continue;
                nareas++;
                /* one line per row, 8 mm apart */
                CHECK_NEAR(a->r.h, 8.0 * qn->rows, 1e-9);
                if (page == (size_t) -1)
                        page = a->page;
                one_page = one_page && a->page == page;
        }
        if (qn->type == ENK_Q_NUMBER) {
                unsigned digits = 0;
                for (long v = qn->max; v > 0; v /= 10)
                        digits++;
                CHECK_INT(ndig, digits ? digits : 1);
        } else {
                CHECK_INT(ndig, 0);
        }
        CHECK_INT(nareas, qn->type == ENK_Q_TEXT ? 1 : 0);
        if (!one_page)
                printf("  %s is split across pages\n", qn->id);
        CHECK(one_page);
}

static size_t first_page(const enk_paper *p, size_t qi)
{
        for (size_t i = 0; i < enk_paper_nboxes(p); i++)
                if (enk_paper_box_get(p, i)->question == qi)
                        return enk_paper_box_get(p, i)->page;
        return (size_t) -1;
}

static void check_all(const enk_questionnaire *q, const enk_paper *p, const char *what)
{
        check_rules(p, what);
        for (size_t i = 0; i < q->nquestions; i++)
                check_question(q, p, i);
        /* a grid is one table: all its items on one page */
        for (size_t g = 0; g < q->ngrids; g++) {
                size_t pg = first_page(p, q->grids[g].first);
                for (size_t k = 1; k < q->grids[g].count; k++)
                        CHECK_INT(first_page(p, q->grids[g].first + k), pg);
        }
}

/* The example: hand-counted from examples/familjehem.yaml. */
static void test_example(void)
{
        enk_questionnaire *q = load("examples/familjehem.yaml");
        if (!q)
                return;
        enk_paper *p = lay(q, 0);
        if (!p)
                return;
        check_all(q, p, "familjehem sv");
        /* 20 scale questions and grid items x 6 boxes, 3 + 4 + 6 + 3 options,
         * 3 yes/no questions x 2 */
        CHECK_INT(enk_paper_nboxes(p), 20 * 6 + 16 + 3 * 2);
        /* ar_som_familjehem (max 50) and antal_placerade (max 15): 2 digits each */
        CHECK_INT(enk_paper_ndigits(p), 4);
        CHECK_INT(enk_paper_nareas(p), 2);
        CHECK(enk_paper_npages(p) >= 3 && enk_paper_npages(p) <= 8);

        /* the boxes of one scale row run left to right by value, na last */
        int qi = enk_questionnaire_find(q, "stod_nojd");
        double last = 0;
        int32_t values[6];
        size_t n = 0;
        for (size_t i = 0; i < enk_paper_nboxes(p); i++) {
                const enk_paper_box *b = enk_paper_box_get(p, i);
                if ((int) b->question != qi)
                        continue;
                CHECK(b->r.x > last);
                last = b->r.x;
                if (n < 6)
                        values[n++] = b->value;
        }
        CHECK_INT(n, 6);
        CHECK_INT(values[0], 1);
        CHECK_INT(values[4], 5);
        CHECK_INT(values[5], 9);

        /* a grid's columns line up: item 1's box for value v sits above item
         * 2's, the same x */
        int a = enk_questionnaire_find(q, "stod_nojd"), b = enk_questionnaire_find(q, "stod_svar");
        size_t pairs = 0;
        for (size_t i = 0; i < enk_paper_nboxes(p); i++)
                for (size_t k = 0; k < enk_paper_nboxes(p); k++) {
                        const enk_paper_box *x = enk_paper_box_get(p, i);
                        const enk_paper_box *y = enk_paper_box_get(p, k);
                        if ((int) x->question == a && (int) y->question == b &&
                            x->value == y->value) {
                                CHECK_NEAR(x->r.x, y->r.x, 0);
                                CHECK(y->r.y > x->r.y);
                                pairs++;
                        }
                }
        /* one pair per column of their scale (1-5 and 'vet inte', as above), so
         * that the loop cannot pass by comparing nothing */
        CHECK_INT(pairs, 6);

        /* the QR text, with and without a copy serial */
        char buf[128], want[128];
        enk_paper_qr_text(p, 0, 0, buf, sizeof buf);
        snprintf(want, sizeof want, "enkat:familjehem:2020:sv:1/%zu", enk_paper_npages(p));
        CHECK_STR(buf, want);
        enk_paper_qr_text(p, 1, 7, buf, sizeof buf);
        snprintf(want, sizeof want, "enkat:familjehem:2020:sv:2/%zu:00007", enk_paper_npages(p));
        CHECK_STR(buf, want);
        enk_paper_qr_text(p, 0, 10000, buf, sizeof buf);
        CHECK(strstr(buf, ":10000") != NULL);

        /* deterministic: a second pass gives the same JSON, byte for byte */
        char *j1 = NULL, *j2 = NULL;
        size_t l1 = 0, l2 = 0;
        CHECK_INT(enk_paper_layout_json(p, &j1, &l1), ENK_OK);
        enk_paper *p2 = lay(q, 0);
        CHECK_INT(enk_paper_layout_json(p2, &j2, &l2), ENK_OK);
        CHECK(j1 && j2 && l1 == l2 && memcmp(j1, j2, l1) == 0);
        CHECK(j1 && strncmp(j1,
                            "{\"format\":\"enkat-paper-layout\",\"version\":1,\"survey\":"
                            "\"familjehem\",\"edition\":2020,\"lang\":\"sv\",",
                            90) == 0);
        CHECK(j1 && strstr(j1, "\"page\":{\"width_mm\":210,\"height_mm\":297,\"margin_mm\":10}"));
        CHECK(j1 && strstr(j1, "\"box_size_mm\":4,\"line_width_pt\":0.4"));
        CHECK(j1 && strstr(j1, "{\"corner\":\"br\",\"x\":198,\"y\":285,\"arm_mm\":20,"
                               "\"thickness_mm\":1}"));
        CHECK(j1 && strstr(j1, "{\"question\":\"stod_nojd\",\"kind\":\"na\",\"value\":9,"));
        CHECK(j1 && strstr(j1, "{\"question\":\"har_skolbarn\",\"kind\":\"yesno\",\"value\":0,"));
        CHECK(j1 && strstr(j1, "{\"question\":\"ar_som_familjehem\",\"position\":1,"));
        /* no floating-point noise: no number with more than two decimals */
        for (const char *s = j1; s && *s; s++)
                if (*s == '.' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' &&
                    s[3] >= '0' && s[3] <= '9') {
                        CHECK(!"a number with three decimals");
                        break;
                }
        free(j1);
        free(j2);
        enk_paper_free(p2);

        /* English: the same boxes, the English page id */
        enk_paper *pe = lay(q, 1);
        if (pe) {
                check_all(q, pe, "familjehem en");
                CHECK_INT(enk_paper_nboxes(pe), enk_paper_nboxes(p));
                enk_paper_qr_text(pe, 0, 0, buf, sizeof buf);
                CHECK(strncmp(buf, "enkat:familjehem:2020:en:1/", 27) == 0);
        }
        enk_paper_free(pe);

        /* files: the JSON and the PDF; an unwritable path leaves nothing */
        char path[] = "/tmp/enkat-test-paper-XXXXXX";
        int fd = mkstemp(path);
        if (fd >= 0)
                close(fd);
        enk_diags *d = enk_diags_new(0);
        CHECK_INT(enk_paper_write_pdf(p, path, 2, d), ENK_OK);
        FILE *f = fopen(path, "rb");
        char head[5] = "";
        if (f) {
                CHECK_INT(fread(head, 1, 4, f), 4);
                fclose(f);
        }
        CHECK(memcmp(head, "%PDF", 4) == 0);
        /* the layout (text) never replaces the PDF (survey/outfile.h) */
        CHECK_INT(enk_paper_write_layout(p, path, d), ENK_ERR_EXISTS);
        CHECK_INT(enk_diags_errors(d), 1);
        f = fopen(path, "rb");
        if (f) {
                CHECK_INT(fread(head, 1, 4, f), 4);
                fclose(f);
        }
        CHECK(memcmp(head, "%PDF", 4) == 0);
        enk_diags_free(d);
        d = enk_diags_new(0);
        remove(path);
        CHECK_INT(enk_paper_write_layout(p, path, d), ENK_OK);
        remove(path);
        CHECK_INT(enk_diags_count(d), 0);
        CHECK_INT(enk_paper_write_layout(p, "/nonexistent-dir/x.json", d), ENK_ERR_IO);
        CHECK_INT(enk_paper_write_pdf(p, "/nonexistent-dir/x.pdf", 0, d), ENK_ERR_IO);
        CHECK_INT(enk_diags_errors(d), 2);
        CHECK(access("/nonexistent-dir/x.json", F_OK) != 0);
        if (enk_diags_count(d))
                CHECK_STR(enk_diags_get(d, 0)->file, "/nonexistent-dir/x.json");
        enk_diags_free(d);

        enk_paper_free(p);
        enk_questionnaire_free(q);
}

/* A hard case: very long texts, 30 options, a 12-item grid, an 11-point
 * scale without labels' room, a number up to a million, a 20-item grid
 * of long items that cannot fit one page, and a grid on the 11-point scale
 * (12 columns with "vet ej"). */
static void test_long(void)
{
        char *y = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&y, &len);
        fputs("survey: lang\nedition: 2024\nlanguages: [sv]\ntitle: En mycket lång enkät\n"
              "scales:\n"
              "  - id: fem\n    points:\n",
              f);
        for (int i = 1; i <= 5; i++)
                fprintf(f, "      - {value: %d, label: Ett mycket långt skalsteg nummer %d}\n", i,
                        i);
        fputs("    positive: [5]\n    not_applicable: {code: 9, label: Vet ej eller inte "
              "aktuellt för mig}\n"
              "  - id: elva\n    points:\n",
              f);
        for (int i = 0; i <= 10; i++)
                fprintf(f, "      - {value: %d, label: '%d'}\n", i, i);
        fputs("    positive: [9, 10]\n    not_applicable: {code: 99, label: Vet ej}\n"
              "sections:\n  - id: a\n    title: Ett avsnitt med en lång rubrik som kanske "
              "inte får plats på en rad\n    questions:\n",
              f);
        const char *lorem = "Detta är en mycket lång frågetext som fortsätter och fortsätter "
                            "så att den måste brytas på flera rader, med ord som "
                            "familjehemssekreterarens och barnrättsperspektivet";
        fprintf(f, "      - {id: val, type: single, text: '%s', options: [", lorem);
        for (int i = 1; i <= 30; i++)
                fprintf(f,
                        "%s{value: %d, label: 'Alternativ %d med en lång förklarande text "
                        "som bryts'}",
                        i > 1 ? ", " : "", i, i);
        fputs("]}\n", f);
        fprintf(f, "      - {id: flera, type: multiple, text: Korta, options: [");
        for (int i = 1; i <= 30; i++)
                fprintf(f, "%s{value: %d, label: 'Alt %d'}", i > 1 ? ", " : "", i, i);
        fputs("]}\n", f);
        fputs("      - id: g12\n        type: grid\n        scale: fem\n        text: Tolv "
              "påståenden\n        items:\n",
              f);
        for (int i = 1; i <= 12; i++)
                fprintf(f,
                        "          - {id: g12_%d, text: 'Ett påstående som är så långt att "
                        "det bryts på två rader, nummer %d'}\n",
                        i, i);
        fputs("      - {id: tio, type: scale, scale: elva, text: Från noll till tio}\n"
              "      - {id: tal, type: number, min: 0, max: 1000000, text: Ett stort tal, "
              "unit: kronor}\n"
              "      - {id: fri, type: text, rows: 20, text: Skriv mycket}\n"
              "      - {id: jn, type: yesno, text: Ja eller nej}\n"
              "      - id: g20\n        type: grid\n        scale: fem\n        text: Tjugo "
              "långa påståenden\n        items:\n",
              f);
        for (int i = 1; i <= 20; i++)
                fprintf(f, "          - {id: g20_%d, text: '%s %s %d'}\n", i, lorem, lorem, i);
        fputs("      - id: g11\n        type: grid\n        scale: elva\n        text: Från noll "
              "till tio\n        items:\n",
              f);
        for (int i = 1; i <= 3; i++)
                fprintf(f, "          - {id: g11_%d, text: 'Familjehemssekreterarnas %d'}\n", i, i);
        fclose(f);
        enk_questionnaire *q = parse(y);
        free(y);
        CHECK(q != NULL);
        if (!q)
                return;
        enk_paper *p = lay(q, 0);
        if (p) {
                check_rules(p, "long");
                /* every question but the 20-item grid's items stays whole */
                for (size_t i = 0; i < q->nquestions; i++)
                        check_question(q, p, i);
                size_t g12 = q->grids[0].first;
                for (size_t k = 1; k < 12; k++)
                        CHECK_INT(first_page(p, g12 + k), first_page(p, g12));
                /* the 20-item grid is taller than a page, so it is broken
                 * between items, on consecutive pages */
                size_t g20 = q->grids[1].first;
                size_t pg = first_page(p, g20);
                for (size_t k = 1; k < 20; k++) {
                        size_t now = first_page(p, g20 + k);
                        CHECK(now == pg || now == pg + 1);
                        pg = now;
                }
                CHECK(first_page(p, g20 + 19) > first_page(p, g20));
                /* the 0-10 scale (12 columns) takes the whole width under its
                 * text: its first box lies near the question's left edge */
                int tio = enk_questionnaire_find(q, "tio");
                for (size_t i = 0; i < enk_paper_nboxes(p); i++)
                        if ((int) enk_paper_box_get(p, i)->question == tio &&
                            enk_paper_box_get(p, i)->value == 0)
                                CHECK(enk_paper_box_get(p, i)->r.x < 40.0);
                /* the grid on the 0-10 scale keeps a column for its item
                 * texts: every box at least 50 mm right of the item text's
                 * start (x 28 mm, after the number), the 12 boxes of an item
                 * in one row, inside the right edge (x 190 mm) */
                size_t g11 = q->grids[2].first;
                for (size_t k = 0; k < 3; k++) {
                        size_t nb = 0;
                        double y = -1;
                        for (size_t i = 0; i < enk_paper_nboxes(p); i++) {
                                const enk_paper_box *b = enk_paper_box_get(p, i);
                                if (b->question != g11 + k)
                                        continue;
                                nb++;
                                CHECK(b->r.x >= 28.0 + 50.0);
                                CHECK(b->r.x + b->r.w <= 190.0 + EPS);
                                if (y < 0)
                                        y = b->r.y;
                                CHECK(b->r.y > y - EPS && b->r.y < y + EPS);
                        }
                        CHECK_INT(nb, 12);
                }
                /* the number: 7 digit boxes, 1 000 000 */
                size_t nd = 0;
                for (size_t i = 0; i < enk_paper_ndigits(p); i++)
                        nd++;
                CHECK_INT(nd, 7);
        }
        enk_paper_free(p);
        enk_questionnaire_free(q);
}

static void test_args(void)
{
        enk_paper *p = NULL;
        CHECK_INT(enk_paper_layout(NULL, NULL, &p, NULL), ENK_ERR_USAGE);
        CHECK(p == NULL);
        enk_questionnaire *q = load("examples/familjehem.yaml");
        if (q) {
                enk_paper_options o = {.lang = 2};
                CHECK_INT(enk_paper_layout(q, &o, &p, NULL), ENK_ERR_USAGE);
                CHECK(p == NULL);
        }
        enk_questionnaire_free(q);
        enk_paper_free(NULL);
        CHECK_INT(enk_paper_npages(NULL), 0);
        CHECK(enk_paper_box_get(NULL, 0) == NULL);
        CHECK(enk_paper_mark_get(NULL, 0) == NULL);
}

int main(void)
{
        test_example();
        test_long();
        test_args();
        return check_report();
}
