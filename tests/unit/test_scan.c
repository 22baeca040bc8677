/* tests/unit/test_scan.c - the scanner's image side: the QR text, bad files, a page of enkat's own
 * PDF recognised, and marks drawn into it read back (turned, a mark covered, blank, unknown). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "survey/paper.h"
#include "survey/questionnaire.h"
#include "survey/scan.h"

static enk_paper *form;

static const enk_paper *lookup(const enk_scan_qr *qr, void *arg)
{
        (void) arg;
        return strcmp(qr->survey, "familjehem") == 0 && qr->edition == 2020 &&
                       strcmp(qr->lang, "sv") == 0
                   ? form
                   : NULL;
}

static const enk_paper *none(const enk_scan_qr *qr, void *arg)
{
        (void) qr;
        (void) arg;
        return NULL;
}

static void test_qr(void)
{
        enk_scan_qr q;
        CHECK(enk_scan_qr_parse("enkat:familjehem:2020:sv:2/5", &q));
        CHECK_STR(q.survey, "familjehem");
        CHECK_INT(q.edition, 2020);
        CHECK_STR(q.lang, "sv");
        CHECK_INT(q.page, 2);
        CHECK_INT(q.pages, 5);
        CHECK_INT(q.serial, 0);
        CHECK(enk_scan_qr_parse("enkat:familjehem:2020:en:5/5:00017", &q));
        CHECK_INT(q.serial, 17);
        CHECK_STR(q.lang, "en");
        const char *bad[] = {"",
                             "enkat:",
                             "http://example.org",
                             "enkat:familjehem:2020:sv:0/5",
                             "enkat:familjehem:2020:sv:6/5",
                             "enkat:familjehem:2020:sv:2/5:",
                             "enkat:familjehem:2020:sv:2/5:00000",
                             "enkat:familjehem:2020:sv:2/5:1:2",
                             "enkat:familjehem:-2020:sv:2/5",
                             "enkat:familjehem:2020:sv:+2/5",
                             "enkat::2020:sv:2/5",
                             "enkat:familjehem:2020:sv:2",
                             "enkat:familjehem:2020:sv:2/5x"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
                memset(&q, 0x55, sizeof q);
                bool ok = enk_scan_qr_parse(bad[i], &q);
                if (ok)
                        printf("parsed '%s'\n", bad[i]);
                CHECK(!ok);
                CHECK_INT(q.page, 0x55555555);
        }
}

static const char *first_message(enk_diags *d)
{
        static char buf[512];
        if (enk_diags_count(d) == 0)
                return "";
        char *s = enk_diag_format(enk_diags_get(d, 0));
        snprintf(buf, sizeof buf, "%s", s ? s : "");
        free(s);
        return buf;
}

static void write_file(const char *path, const void *data, size_t n)
{
        FILE *f = fopen(path, "wb");
        fwrite(data, 1, n, f);
        fclose(f);
}

static void test_bad_files(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_scan_file *f = NULL;
        CHECK_INT(enk_scan_open("/nonexistent/scan.pdf", &f, d), ENK_ERR_IO);
        CHECK(f == NULL);
        CHECK_STR(first_message(d),
                  "/nonexistent/scan.pdf: error: cannot open file: No such file or directory");
        enk_diags_free(d);

        char path[] = "/tmp/test_scan_XXXXXX";
        int fd = mkstemp(path);
        close(fd);
        d = enk_diags_new(0);
        write_file(path, "question,answer\n1,2\n", 20);
        CHECK_INT(enk_scan_open(path, &f, d), ENK_ERR_SYNTAX);
        CHECK(strstr(first_message(d),
                     "error: not a scan image: expected a PDF, TIFF, PNG or JPEG") != NULL);
        enk_diags_free(d);

        /* a PNG signature and then nothing: opens, page 1 fails naming it */
        d = enk_diags_new(0);
        const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                     0,    0,   0,   13,  'I',  'H',  'D',  'R'};
        write_file(path, png, sizeof png);
        CHECK_INT(enk_scan_open(path, &f, d), ENK_OK);
        enk_scan_image *img = (enk_scan_image *) 1;
        CHECK_INT(enk_scan_next(f, &img, d), ENK_ERR_SYNTAX);
        CHECK(img == NULL);
        char want[600];
        snprintf(want, sizeof want, "%s:1: error: cannot decode the page image", path);
        CHECK(strncmp(first_message(d), want, strlen(want)) == 0);
        CHECK_INT(enk_scan_next(f, &img, d), ENK_OK); /* and then the end */
        CHECK(img == NULL);
        enk_scan_close(f);
        enk_diags_free(d);

        /* a PDF header and garbage */
        d = enk_diags_new(0);
        write_file(path, "%PDF-1.4\nnothing here\n", 22);
        f = NULL;
        CHECK_INT(enk_scan_open(path, &f, d), ENK_ERR_SYNTAX);
        CHECK(f == NULL);
        CHECK(strstr(first_message(d), ": error: not a readable PDF") != NULL);
        enk_diags_free(d);
        unlink(path);
}

/* The page as grey bytes, to draw into. */
static uint8_t *pixels(const enk_scan_image *img, unsigned *w, unsigned *h)
{
        *w = enk_scan_image_width(img);
        *h = enk_scan_image_height(img);
        uint8_t *px = malloc((size_t) *w * *h);
        for (unsigned y = 0; y < *h; y++)
                for (unsigned x = 0; x < *w; x++)
                        px[(size_t) y * *w + x] =
                            (uint8_t) enk_scan_image_pixel(img, (int) x, (int) y);
        return px;
}

static void rect(uint8_t *px, unsigned w, double k, double x0, double y0, double x1, double y1,
                 uint8_t v)
{
        for (int y = (int) (y0 * k); y < (int) (y1 * k); y++)
                for (int x = (int) (x0 * k); x < (int) (x1 * k); x++)
                        px[(size_t) y * w + x] = v;
}

/* A cross of two 0.5 mm strokes. */
static void cross(uint8_t *px, unsigned w, double k, enk_paper_rect r)
{
        for (double t = 0.1; t <= 0.9; t += 0.005) {
                double a = r.x + t * r.w, b1 = r.y + t * r.h, b2 = r.y + (1 - t) * r.h;
                rect(px, w, k, a - 0.25, b1 - 0.25, a + 0.25, b1 + 0.25, 20);
                rect(px, w, k, a - 0.25, b2 - 0.25, a + 0.25, b2 + 0.25, 20);
        }
}

static enk_scan_page *read_page(enk_scan_image *img, enk_scan_lookup lk)
{
        enk_scan_page *pg = NULL;
        CHECK_INT(enk_scan_recognise(img, lk, NULL, &pg, NULL), ENK_OK);
        if (pg && enk_scan_page_status(pg) == ENK_SCAN_PAGE_OK)
                CHECK_INT(enk_scan_read(pg, NULL), ENK_OK);
        return pg;
}

static void test_pages(void)
{
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        CHECK_INT(enk_questionnaire_load("examples/familjehem.yaml", &q, d), ENK_OK);
        CHECK_INT(enk_paper_layout(q, NULL, &form, d), ENK_OK);
        char path[] = "/tmp/test_scan_XXXXXX";
        int fd = mkstemp(path);
        close(fd);
        CHECK_INT(enk_paper_write_pdf(form, path, 1, d), ENK_OK);

        enk_scan_file *f = NULL;
        CHECK_INT(enk_scan_open(path, &f, d), ENK_OK);
        CHECK_INT(enk_scan_file_npages(f), enk_paper_npages(form));
        enk_scan_image *img = NULL;
        CHECK_INT(enk_scan_next(f, &img, d), ENK_OK); /* page 1 */
        enk_scan_image_free(img);
        CHECK_INT(enk_scan_next(f, &img, d), ENK_OK); /* page 2: the scale grid */
        CHECK_INT(enk_scan_image_page(img), 2);
        CHECK_NEAR(enk_scan_image_dpi(img), 300, 1e-9);
        CHECK_INT(enk_scan_image_width(img), 2480);

        /* as printed: the QR code, every mark, a small residual, nothing marked */
        enk_scan_page *pg = read_page(img, lookup);
        CHECK_INT(enk_scan_page_status(pg), ENK_SCAN_PAGE_OK);
        CHECK_STR(enk_scan_page_qr_text(pg), "enkat:familjehem:2020:sv:2/5:00001");
        CHECK_INT(enk_scan_page_qr(pg)->serial, 1);
        CHECK_INT(enk_scan_page_marks(pg), 15);
        CHECK(!enk_scan_page_turned(pg));
        CHECK(enk_scan_page_residual_mm(pg) >= 0 && enk_scan_page_residual_mm(pg) < 0.3);
        CHECK_NEAR(enk_scan_page_scale_x(pg), 1.0, 0.003);
        CHECK_NEAR(enk_scan_page_scale_y(pg), 1.0, 0.003);
        size_t nboxes = 0;
        for (size_t i = 0; i < enk_paper_nboxes(form); i++)
                nboxes += enk_paper_box_get(form, i)->page == 1;
        CHECK(nboxes > 20);
        CHECK_INT(enk_scan_page_nboxes(pg), nboxes);
        size_t empty = 0;
        for (size_t i = 0; i < enk_scan_page_nboxes(pg); i++)
                empty += enk_scan_page_box(pg, i)->state == ENK_SCAN_EMPTY;
        CHECK_INT(empty, nboxes);
        /* a box's pixel rectangle is where 300 dpi puts its layout place */
        const enk_scan_box *b0 = enk_scan_page_box(pg, 0);
        const enk_paper_box *p0 = enk_paper_box_get(form, b0->index);
        CHECK(abs(b0->px.x - (int) (p0->r.x / 25.4 * 300)) <= 2);
        CHECK(abs(b0->px.y - (int) (p0->r.y / 25.4 * 300)) <= 2);
        uint8_t *png = NULL;
        size_t len = 0;
        CHECK_INT(enk_scan_crop_png(img, b0->px, 10, &png, &len), ENK_OK);
        CHECK(len > 8 && memcmp(png, "\x89PNG", 4) == 0);
        free(png);
        enk_scan_page_free(pg);

        /* marked: the first box crossed, the second filled (the correction),
         * the fourth crossed; then turned upside down and a mark covered */
        unsigned w, h;
        uint8_t *px = pixels(img, &w, &h);
        double k = 300 / 25.4;
        size_t first = 0;
        while (enk_paper_box_get(form, first)->page != 1)
                first++;
        cross(px, w, k, enk_paper_box_get(form, first)->r);
        enk_paper_rect r = enk_paper_box_get(form, first + 1)->r;
        rect(px, w, k, r.x + 0.2, r.y + 0.2, r.x + r.w - 0.2, r.y + r.h - 0.2, 25);
        cross(px, w, k, enk_paper_box_get(form, first + 3)->r);
        rect(px, w, k, 0, 0, 30, 30, 255); /* the top-left mark gone */
        uint8_t *turned = malloc((size_t) w * h);
        for (size_t i = 0; i < (size_t) w * h; i++)
                turned[i] = px[(size_t) w * h - 1 - i];
        enk_scan_image *img2 = NULL;
        CHECK_INT(enk_scan_image_from_grey(turned, w, h, w, 300, "turned.png", 7, &img2), ENK_OK);
        pg = read_page(img2, lookup);
        CHECK_INT(enk_scan_page_status(pg), ENK_SCAN_PAGE_OK);
        CHECK(enk_scan_page_turned(pg));
        CHECK_INT(enk_scan_page_marks(pg), 14);
        CHECK(enk_scan_page_residual_mm(pg) >= 0 && enk_scan_page_residual_mm(pg) < 0.3);
        for (size_t i = 0; i < enk_scan_page_nboxes(pg); i++) {
                const enk_scan_box *b = enk_scan_page_box(pg, i);
                enk_scan_state want = b->index == first || b->index == first + 3 ? ENK_SCAN_MARKED
                                      : b->index == first + 1                    ? ENK_SCAN_FILLED
                                                                                 : ENK_SCAN_EMPTY;
                if (b->state != want)
                        printf("box %zu: %s, ink %.3f\n", b->index, enk_scan_state_str(b->state),
                               b->ink);
                CHECK_INT(b->state, want);
        }
        const enk_scan_box *qb = NULL;
        size_t qn = enk_scan_page_question(pg, enk_paper_box_get(form, first)->question, &qb);
        CHECK(qn >= 4 && qb == enk_scan_page_box(pg, 0));
        enk_scan_page_free(pg);
        enk_scan_image_free(img2);

        /* no form for it; a blank page; a page of text without a QR code */
        img2 = NULL;
        CHECK_INT(enk_scan_image_from_grey(px, w, h, w, 300, "x.png", 1, &img2), ENK_OK);
        enk_diags *d2 = enk_diags_new(0);
        pg = NULL;
        CHECK_INT(enk_scan_recognise(img2, none, NULL, &pg, d2), ENK_OK);
        CHECK_INT(enk_scan_page_status(pg), ENK_SCAN_PAGE_UNKNOWN);
        CHECK_STR(first_message(d2), "x.png:1: warning: no form for the page's QR code "
                                     "'enkat:familjehem:2020:sv:2/5:00001'");
        CHECK_INT(enk_scan_read(pg, NULL), ENK_ERR_USAGE);
        enk_scan_page_free(pg);
        enk_scan_image_free(img2);
        enk_diags_free(d2);

        memset(px, 250, (size_t) w * h);
        CHECK_INT(enk_scan_image_from_grey(px, w, h, w, 300, "blank.png", 3, &img2), ENK_OK);
        pg = read_page(img2, lookup);
        CHECK_INT(enk_scan_page_status(pg), ENK_SCAN_PAGE_BLANK);
        enk_scan_page_free(pg);
        enk_scan_image_free(img2);
        /* a duplex scan's empty back side as scanners give it: specks of
         * noise and dust (one pixel in 200 black, 0.5 % of the page where
         * 0.05 % of ink is a page with something on it), a few two-pixel
         * dots, faint show-through of the other side: blank */
        srand(14);
        for (size_t i = 0; i < (size_t) w * h / 200; i++)
                px[(size_t) rand() % ((size_t) w * h)] = 0;
        for (int i = 0; i < 300; i++) {
                size_t at = (size_t) rand() % ((size_t) w * (h - 1) - 1);
                px[at] = px[at + 1] = 0;
        }
        for (int i = 0; i < 30; i++)
                rect(px, w, k, 20 + i * 5, 30 + i * 8, 60 + i * 5, 31.5 + i * 8, 225);
        CHECK_INT(enk_scan_image_from_grey(px, w, h, w, 300, "back.png", 4, &img2), ENK_OK);
        pg = read_page(img2, lookup);
        CHECK_INT(enk_scan_page_status(pg), ENK_SCAN_PAGE_BLANK);
        enk_scan_page_free(pg);
        enk_scan_image_free(img2);
        /* the same back with a note written on it (two words of 0.4 mm
         * strokes, 50 mm long): something is there, never called blank */
        for (int i = 0; i < 20; i++)
                rect(px, w, k, 40 + i * 2.5, 100, 40.4 + i * 2.5, 104, 30);
        rect(px, w, k, 40, 104, 90, 104.4, 30);
        CHECK_INT(enk_scan_image_from_grey(px, w, h, w, 300, "note.png", 4, &img2), ENK_OK);
        pg = read_page(img2, lookup);
        CHECK_INT(enk_scan_page_status(pg), ENK_SCAN_PAGE_NO_QR);
        enk_scan_page_free(pg);
        enk_scan_image_free(img2);
        memset(px, 250, (size_t) w * h);
        rect(px, w, k, 30, 40, 180, 200, 0);
        CHECK_INT(enk_scan_image_from_grey(px, w, h, w, 300, "dark.png", 3, &img2), ENK_OK);
        pg = read_page(img2, lookup);
        CHECK_INT(enk_scan_page_status(pg), ENK_SCAN_PAGE_NO_QR);
        enk_scan_page_free(pg);
        enk_scan_image_free(img2);

        free(px);
        free(turned);
        enk_scan_image_free(img);
        enk_scan_close(f);
        unlink(path);
        enk_paper_free(form);
        enk_questionnaire_free(q);
        enk_diags_free(d);
}

int main(void)
{
        test_qr();
        test_bad_files();
        test_pages();
        return check_report();
}
