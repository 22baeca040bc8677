/* tests/scan/scan_dump.c - what the scanner sees on every page of some scan files, as JSON lines.
 *
 * usage: scan_dump QUESTIONNAIRE.yaml FILE...
 * One line per page: {"file","page","status","qr","turned","marks",
 * "residual_mm","box_shift_mm","scale_x","scale_y","rotation","boxes":[...]},
 * each box [kind, question id, value or position, state, ink]. The simulated
 * scan tests (check_scan.py) compare it with what was drawn. Not a command
 * of enkat: the scan driver owns that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/paper.h"
#include "survey/questionnaire.h"
#include "survey/scan.h"

struct forms {
        const enk_questionnaire *q;
        enk_paper *paper[8];
};

static const enk_paper *lookup(const enk_scan_qr *qr, void *arg)
{
        struct forms *f = arg;
        if (strcmp(qr->survey, f->q->survey) != 0 || qr->edition != f->q->edition)
                return NULL;
        int lang = enk_questionnaire_lang(f->q, qr->lang);
        return lang >= 0 && lang < 8 ? f->paper[lang] : NULL;
}

static void print_diags(enk_diags *d)
{
        for (size_t i = 0; i < enk_diags_count(d); i++) {
                char *s = enk_diag_format(enk_diags_get(d, i));
                fprintf(stderr, "%s\n", s ? s : "?");
                free(s);
        }
}

int main(int argc, char **argv)
{
        if (argc < 3) {
                fprintf(stderr, "usage: scan_dump QUESTIONNAIRE.yaml FILE...\n");
                return 2;
        }
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        if (enk_questionnaire_load(argv[1], &q, d) != ENK_OK) {
                print_diags(d);
                return 1;
        }
        struct forms forms = {q, {0}};
        for (size_t l = 0; l < q->nlanguages && l < 8; l++) {
                enk_paper_options o = {.lang = (int) l};
                if (enk_paper_layout(q, &o, &forms.paper[l], d) != ENK_OK) {
                        print_diags(d);
                        return 1;
                }
        }
        int rc = 0;
        for (int a = 2; a < argc; a++) {
                enk_scan_file *f = NULL;
                if (enk_scan_open(argv[a], &f, d) != ENK_OK) {
                        rc = 1;
                        continue;
                }
                for (;;) {
                        enk_scan_image *img = NULL;
                        enk_status st = enk_scan_next(f, &img, d);
                        if (st != ENK_OK) {
                                rc = 1;
                                break;
                        }
                        if (!img)
                                break;
                        enk_scan_page *pg = NULL;
                        if (enk_scan_recognise(img, lookup, &forms, &pg, d) != ENK_OK) {
                                enk_scan_image_free(img);
                                rc = 1;
                                break;
                        }
                        printf("{\"file\":\"%s\",\"page\":%u,\"status\":\"%s\",\"qr\":\"%s\","
                               "\"turned\":%s,\"marks\":%u,\"dpi\":%.1f",
                               argv[a], enk_scan_image_page(img),
                               enk_scan_outcome_str(enk_scan_page_status(pg)),
                               enk_scan_page_qr_text(pg),
                               enk_scan_page_turned(pg) ? "true" : "false", enk_scan_page_marks(pg),
                               enk_scan_image_dpi(img));
                        if (enk_scan_page_status(pg) == ENK_SCAN_PAGE_OK &&
                            enk_scan_read(pg, d) == ENK_OK) {
                                const enk_paper *p = enk_scan_page_paper(pg);
                                printf(
                                    ",\"residual_mm\":%.3f,\"box_shift_mm\":%.3f,\"scale_x\":%.4f,"
                                    "\"scale_y\":%.4f,\"rotation\":%.3f,\"boxes\":[",
                                    enk_scan_page_residual_mm(pg), enk_scan_page_box_shift_mm(pg),
                                    enk_scan_page_scale_x(pg), enk_scan_page_scale_y(pg),
                                    enk_scan_page_rotation(pg));
                                for (size_t i = 0; i < enk_scan_page_nboxes(pg); i++) {
                                        const enk_scan_box *b = enk_scan_page_box(pg, i);
                                        const char *kind = b->kind == ENK_SCAN_CHECKBOX ? "box"
                                                           : b->kind == ENK_SCAN_DIGIT  ? "digit"
                                                                                        : "area";
                                        long v =
                                            b->kind == ENK_SCAN_CHECKBOX
                                                ? enk_paper_box_get(p, b->index)->value
                                            : b->kind == ENK_SCAN_DIGIT
                                                ? (long) enk_paper_digit_get(p, b->index)->position
                                                : 0;
                                        printf("%s[\"%s\",\"%s\",%ld,\"%s\",%.4f,%d,%d,%d,%d,%s]",
                                               i ? "," : "", kind, q->questions[b->question].id, v,
                                               enk_scan_state_str(b->state), b->ink, b->px.x,
                                               b->px.y, b->px.w, b->px.h,
                                               b->outline_found ? "true" : "false");
                                }
                                printf("]");
                        }
                        printf("}\n");
                        enk_scan_page_free(pg);
                        enk_scan_image_free(img);
                }
                enk_scan_close(f);
        }
        print_diags(d);
        for (size_t l = 0; l < 8; l++)
                enk_paper_free(forms.paper[l]);
        enk_questionnaire_free(q);
        enk_diags_free(d);
        return rc;
}
