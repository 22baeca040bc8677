/* tests/unit/test_review.c - the review of scanned answers: values, reasons, the turn of a page,
 * and when a copy becomes a response. */
#include <stdlib.h>
#include <unistd.h>

#include "survey/paper.h"
#include "survey/review.h"
#include "survey/scan.h"
#include "survey/store.h"
#include "tests/unit/check.h"

static const char yaml[] = "survey: r\n"
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
                           "sections:\n"
                           "  - id: x\n"
                           "    title: X\n"
                           "    questions:\n"
                           "      - {id: a, type: yesno, text: A}\n"
                           "      - {id: c, type: scale, scale: tre, text: C}\n"
                           "      - {id: n, type: number, min: -3, max: 7, text: N}\n"
                           "      - {id: m, type: multiple, text: M,\n"
                           "         options: [{value: 1, label: Ett}, {value: 3, label: Tre}]}\n";

enum { A, C, N, MQ, NQ };

static enk_questionnaire *Q;

static void test_values(void)
{
        int32_t v = 0;
        char buf[64];
        const enk_question *qs = Q->questions;
        CHECK(enk_review_value_parse(Q, &qs[C], " 2 ", &v) && v == 2);
        CHECK(enk_review_value_parse(Q, &qs[C], "9", &v) && v == ENK_NA);
        CHECK(!enk_review_value_parse(Q, &qs[C], "4", &v));
        CHECK(enk_review_value_parse(Q, &qs[C], "-", &v) && v == ENK_MISSING);
        CHECK(enk_review_value_parse(Q, &qs[N], "-3", &v) && v == -3);
        CHECK(!enk_review_value_parse(Q, &qs[N], "8", &v));
        CHECK(!enk_review_value_parse(Q, &qs[N], "1x", &v));
        CHECK(enk_review_value_parse(Q, &qs[A], "0", &v) && v == 0);
        CHECK(!enk_review_value_parse(Q, &qs[A], "2", &v));
        CHECK(enk_review_value_parse(Q, &qs[MQ], "1|3", &v) && v == 5);
        CHECK(!enk_review_value_parse(Q, &qs[MQ], "2", &v));
        CHECK(!enk_review_value_parse(Q, &qs[MQ], "", &v));
        enk_review_value_format(Q, &qs[MQ], 5, false, buf, sizeof(buf));
        CHECK_STR(buf, "1|3");
        enk_review_value_format(Q, &qs[C], ENK_NA, false, buf, sizeof(buf));
        CHECK_STR(buf, "9");
        enk_review_value_format(Q, &qs[C], ENK_MISSING, true, buf, sizeof(buf));
        CHECK_STR(buf, "-");
        enk_review_value_format(Q, &qs[C], ENK_MISSING, false, buf, sizeof(buf));
        CHECK_STR(buf, "");
        CHECK_STR(enk_review_reason_text("multiple", ENK_LANG_SV), "två kryss");
        CHECK_STR(enk_review_reason_text("digits", ENK_LANG_EN), "written digits");
        CHECK_STR(enk_review_reason_text("skipped", ENK_LANG_SV),
                  "svar på en fråga som skulle hoppas över");
        CHECK_STR(enk_review_reason_text("uncertain", ENK_LANG_SV), "otydligt kryss");
}

/* A 40 x 20 grey image, black in its top-left 10 x 5 pixels, written as a
 * PNG file: a one-page "scan". */
static void write_scan(const char *path)
{
        static uint8_t px[20][40];
        for (int y = 0; y < 20; y++)
                for (int x = 0; x < 40; x++)
                        px[y][x] = x < 10 && y < 5 ? 0 : 255;
        enk_scan_image *img = NULL;
        CHECK_INT(enk_scan_image_from_grey(&px[0][0], 40, 20, 40, 100, "x", 1, &img), ENK_OK);
        uint8_t *png = NULL;
        size_t len = 0;
        CHECK_INT(enk_scan_crop_png(img, (enk_scan_rect){0, 0, 40, 20}, 0, &png, &len), ENK_OK);
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(png, 1, len, f) == len);
        fclose(f);
        free(png);

        /* turned: the black corner is now bottom right */
        CHECK_INT(enk_scan_image_turn(img), ENK_OK);
        CHECK_INT(enk_scan_image_pixel(img, 39, 19), 0);
        CHECK_INT(enk_scan_image_pixel(img, 0, 0), 255);
        enk_scan_image_free(img);
}

static int responses(const char *db)
{
        enk_store *s = NULL;
        int64_t n = -1;
        enk_store_filter f = {0};
        CHECK_INT(enk_store_open(db, 0, &s, NULL), ENK_OK);
        CHECK_INT(enk_store_count(s, &f, &n, NULL), ENK_OK);
        enk_store_free(s);
        return (int) n;
}

/* A PNG crop read back: the grey value at (x, y). */
static int crop_pixel(const uint8_t *png, size_t len, int x, int y)
{
        const char *path = "build-review-crop.png";
        FILE *f = fopen(path, "wb");
        fwrite(png, 1, len, f);
        fclose(f);
        enk_scan_file *sf = NULL;
        enk_scan_image *img = NULL;
        int v = -1;
        if (enk_scan_open(path, &sf, NULL) == ENK_OK && enk_scan_next(sf, &img, NULL) == ENK_OK &&
            img)
                v = enk_scan_image_pixel(img, x, y);
        enk_scan_image_free(img);
        enk_scan_close(sf);
        unlink(path);
        return v;
}

static void test_queue(void)
{
        char dir[] = "/tmp/enkat-test-review-XXXXXX";
        CHECK(mkdtemp(dir) != NULL);
        char db[128], scan[128];
        snprintf(db, sizeof(db), "%s/s.db", dir);
        snprintf(scan, sizeof(scan), "%s/scan.png", dir);
        write_scan(scan);

        enk_diags *d = enk_diags_new(0);
        enk_store *s = NULL;
        int64_t ed, unit, wave;
        CHECK_INT(enk_store_open(db, ENK_STORE_CREATE, &s, d), ENK_OK);
        CHECK_INT(enk_store_add_edition(s, Q, &ed, d), ENK_OK);
        CHECK_INT(enk_store_unit(s, "U", &unit, d), ENK_OK);
        CHECK_INT(enk_store_wave(s, unit, 2020, ed, -1, &wave, d), ENK_OK);
        int32_t v[NQ] = {1, ENK_MISSING, ENK_MISSING, 1};
        enk_response r = {.q = Q, .values = v, .source = ENK_SOURCE_SCAN};
        /* copy 1 lay upside down: its crop of the top-left corner (clipped at
         * the image edge, so the crop begins there), turned,
         * is white; copy 2's is black */
        enk_store_scan_page p1 = {1, scan, 1, true, 0.1}, p2 = {1, scan, 1, false, 0.1};
        enk_store_scan_review rv[2] = {{C, "uncertain", 2, 1, {0, 0, 10, 5}},
                                       {N, "digits", ENK_MISSING, 1, {0, 0, 10, 5}}};
        enk_store_scan_copy c1 = {"00001", "sv", &r, &p1, 1, rv, 2};
        enk_store_scan_copy c2 = {"00002", "sv", &r, &p2, 1, rv, 2};
        int64_t id1, id2, resp;
        CHECK_INT(enk_store_add_scan(s, wave, &c1, &id1, &resp, d), ENK_OK);
        CHECK_INT(enk_store_add_scan(s, wave, &c2, &id2, &resp, d), ENK_OK);
        enk_store_free(s);

        enk_review *q = NULL;
        CHECK_INT(enk_review_open(db, &q, d), ENK_OK);
        CHECK_INT(enk_review_count(q), 4);
        CHECK_INT(enk_review_next_waiting(q), 0);
        CHECK_INT(enk_review_get(q, 0)->reading, 2);
        CHECK(enk_review_get(q, 0)->rotated);
        uint8_t *png = NULL;
        size_t len = 0;
        CHECK_INT(enk_review_crop(q, 0, &png, &len, d), ENK_OK);
        CHECK_INT(crop_pixel(png, len, 2, 2), 255);
        free(png);
        CHECK_INT(enk_review_crop(q, 2, &png, &len, d), ENK_OK);
        CHECK_INT(crop_pixel(png, len, 2, 2), 0);
        free(png);

        CHECK_INT(enk_review_decide(q, 0, 4, d), ENK_ERR_DATA); /* not a point */
        CHECK_INT(enk_review_decide(q, 0, 3, d), ENK_OK);
        CHECK_INT(enk_review_decide(q, 1, 5, d), ENK_OK);
        /* complete, but still the person's to change */
        CHECK_INT(responses(db), 0);
        CHECK_INT(enk_review_decide(q, 1, 6, d), ENK_OK);
        CHECK_INT(enk_review_next_waiting(q), 2);
        /* a decision on the next copy: the first becomes a response */
        CHECK_INT(enk_review_decide(q, 2, ENK_MISSING, d), ENK_OK);
        CHECK_INT(responses(db), 1);
        CHECK(enk_review_get(q, 0)->finished);
        CHECK_INT(enk_review_decide(q, 1, 7, d), ENK_ERR_EXISTS);
        /* the last of all: finished at once */
        CHECK_INT(enk_review_decide(q, 3, -3, d), ENK_OK);
        CHECK_INT(responses(db), 2);
        CHECK_INT(enk_review_finished(q), 2);
        enk_review_free(q);

        /* nothing waits any more */
        CHECK_INT(enk_review_open(db, &q, d), ENK_OK);
        CHECK_INT(enk_review_count(q), 0);
        enk_review_free(q);
        enk_diags_free(d);
        unlink(scan);
        unlink(db);
        rmdir(dir);
}

int main(void)
{
        CHECK_INT(enk_questionnaire_parse(yaml, sizeof(yaml) - 1, "r.yaml", &Q, NULL), ENK_OK);
        test_values();
        test_queue();
        enk_questionnaire_free(Q);
        return check_report();
}
