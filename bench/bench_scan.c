/* bench/bench_scan.c - pages per second for recognising a page and reading its boxes.
 *
 * usage: bench_scan [QUESTIONNAIRE.yaml] [N]
 * Renders the questionnaire's paper form (enkat's own vector PDF, 300 dpi),
 * then recognises and reads every page N times over (default 40 rounds) on
 * one thread, and prints pages per second for the two steps together and
 * for the file reading (rendering) on its own. Single-threaded: the driver
 * gives each core its own pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "survey/paper.h"
#include "survey/questionnaire.h"
#include "survey/scan.h"

static enk_paper *form;

static const enk_paper *lookup(const enk_scan_qr *qr, void *arg)
{
        (void) qr;
        (void) arg;
        return form;
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        const char *yaml = argc > 1 ? argv[1] : "examples/familjehem.yaml";
        int rounds = argc > 2 ? atoi(argv[2]) : 40;
        enk_diags *d = enk_diags_new(0);
        enk_questionnaire *q = NULL;
        if (enk_questionnaire_load(yaml, &q, d) != ENK_OK ||
            enk_paper_layout(q, NULL, &form, d) != ENK_OK) {
                fprintf(stderr, "bench_scan: cannot lay out %s\n", yaml);
                return 1;
        }
        char path[] = "/tmp/bench_scan_XXXXXX";
        int fd = mkstemp(path);
        close(fd);
        enk_paper_write_pdf(form, path, 1, d);
        enum { MAXP = 64 };
        enk_scan_image *img[MAXP];
        size_t n = 0;
        enk_scan_file *f = NULL;
        double t0 = now();
        if (enk_scan_open(path, &f, d) != ENK_OK)
                return 1;
        while (n < MAXP && enk_scan_next(f, &img[n], d) == ENK_OK && img[n])
                n++;
        enk_scan_close(f);
        double t_read = now() - t0;
        unlink(path);
        long pages = 0, boxes = 0, bad = 0;
        t0 = now();
        for (int r = 0; r < rounds; r++)
                for (size_t i = 0; i < n; i++) {
                        enk_scan_page *pg = NULL;
                        enk_scan_recognise(img[i], lookup, NULL, &pg, NULL);
                        if (enk_scan_page_status(pg) == ENK_SCAN_PAGE_OK &&
                            enk_scan_read(pg, NULL) == ENK_OK)
                                boxes += (long) enk_scan_page_nboxes(pg);
                        else
                                bad++;
                        enk_scan_page_free(pg);
                        pages++;
                }
        double t = now() - t0;
        printf("recognise + read boxes, 300 dpi, one thread: %ld pages (%ld boxes) in %.2f s = "
               "%.1f pages/s, %.1f ms/page%s\n",
               pages, boxes, t, pages / t, 1000 * t / pages,
               bad ? " (SOME PAGES NOT RECOGNISED)" : "");
        printf("rendering the vector PDF at 300 dpi (poppler + cairo): %.1f pages/s\n", n / t_read);
        for (size_t i = 0; i < n; i++)
                enk_scan_image_free(img[i]);
        enk_paper_free(form);
        enk_questionnaire_free(q);
        enk_diags_free(d);
        return bad ? 1 : 0;
}
