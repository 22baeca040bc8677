/* survey/scan_marks.c - the boxes of a recognised page measured and classified.
 *
 * Each box is first found: its printed outline is looked for within 1.5 mm of
 * where the transform puts it, as the offset at which the two printed edges
 * are dark and the paper just outside them is light (column darkness for the
 * left and right edges, then row darkness for the top and bottom, then the
 * columns again). Then the ink inside is measured, the outline and 0.45 mm of
 * slack excluded, by sampling the box's own (rotated, scaled) square through
 * the transform: each sample's darkness is scaled between the page's paper
 * grey (0) and its corner marks' black (1). The thresholds that turn ink into
 * a state come from the page's own checkboxes (docs/scan.md): most boxes of a
 * page are empty, so their lower third says what empty looks like on this
 * paper, this scanner, this photocopy.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survey/scan_internal.h"

#define SEARCH_MM    1.5  /* the outline is looked for this far around */
#define OUTLINE_MM   0.14 /* the outline's width (0.4 pt) */
#define SLACK_MM     0.45 /* inside the outline, left out of the ink */
#define LINE_PITCH   8.0  /* a text area's lines, mm apart (paper_pdf.c) */
#define LINE_BAND_MM 0.8  /* around a text area's printed line, not ink */

/* Thresholds on the ink (0..1), over the page's empty baseline; docs/scan.md. */
#define MARK_MIN 0.08 /* a checkbox with this much more ink is marked */
#define DOUBT_MIN                                                                                  \
        0.015            /* ... with this much more, uncertain (faint strokes of                   \
                          * 0.026-0.033 were seen on simulated scans) */
#define WRITE_MIN   0.03 /* a digit box with this much more is written */
#define WRITE_DOUBT 0.012
#define FILL_WHITE  0.10 /* filled: under 10 % of the inside still light */
#define DENSE_WHITE 0.25 /* under 25 %: neither a clear mark nor filled */
#define BASE_MAX    0.05 /* an empty box never has more ink than this */
#define NOISE_MAX   0.01
#define AREA_WRITTEN                                                                               \
        8.0 /* mm^2 of ink in a text area: written (a short word;                                  \
             * 4 mm^2 of blur and noise were seen on a degraded                                    \
             * 150 dpi page) */
#define AREA_DOUBT 0.8

struct geom {
        double x[4], y[4]; /* the box's corners in pixels: tl, tr, bl, br */
        double s;          /* pixels per mm along its top edge */
};

static void corners(const enk_scan_page *pg, enk_paper_rect r, struct geom *g)
{
        enk_scan_map(&pg->fit, r.x, r.y, &g->x[0], &g->y[0]);
        enk_scan_map(&pg->fit, r.x + r.w, r.y, &g->x[1], &g->y[1]);
        enk_scan_map(&pg->fit, r.x, r.y + r.h, &g->x[2], &g->y[2]);
        enk_scan_map(&pg->fit, r.x + r.w, r.y + r.h, &g->x[3], &g->y[3]);
        g->s = hypot(g->x[1] - g->x[0], g->y[1] - g->y[0]) / r.w;
}

/* The pixel at (u, v) in the box's own frame (0..1 across, 0..1 down). */
static void at_uv(const struct geom *g, double u, double v, double *x, double *y)
{
        *x = (1 - u) * (1 - v) * g->x[0] + u * (1 - v) * g->x[1] + (1 - u) * v * g->x[2] +
             u * v * g->x[3];
        *y = (1 - u) * (1 - v) * g->y[0] + u * (1 - v) * g->y[1] + (1 - u) * v * g->y[2] +
             u * v * g->y[3];
}

struct img {
        l_uint32 *data;
        int wpl, w, h;
        double white, black;
};

static int grey(const struct img *im, int x, int y)
{
        if (x < 0 || y < 0 || x >= im->w || y >= im->h)
                return 255;
        return GET_DATA_BYTE(im->data + (size_t) y * im->wpl, x);
}

/* 0 paper .. 1 as black as the marks */
static double dark(const struct img *im, int x, int y)
{
        double d = (im->white - grey(im, x, y)) / (im->white - im->black);
        return d < 0 ? 0 : d > 1 ? 1 : d;
}

/* The offset (pixels, within +-r) at which two parallel printed edges at a
 * and b (pixel columns or rows, along the profile p of n values starting at
 * p0) stand out best: dark on the edge, light k pixels outside it. */
static int best_offset(const double *p, int n, int p0, int a, int b, int r, int k, double need,
                       bool *found)
{
        double best = -1e30;
        int bo = 0;
#define P(i) ((i) -p0 >= 0 && (i) -p0 < n ? p[(i) -p0] : 0.0)
        for (int o = -r; o <= r; o++) {
                double e = 0;
                for (int j = -1; j <= 1; j++)
                        e += P(a + o + j) + P(b + o + j);
                double out = P(a + o - k) + P(b + o + k);
                double sc = e - 3 * out - 0.02 * abs(o) * need;
                if (sc > best) {
                        best = sc;
                        bo = o;
                }
        }
#undef P
        *found = best >= need;
        return *found ? bo : 0;
}

/* Finds the box's outline near g; shifts g there. */
static bool locate(const struct img *im, struct geom *g)
{
        double s = g->s;
        int r = (int) ceil(SEARCH_MM * s), k = (int) ceil(0.5 * s) + 1;
        double minx = fmin(g->x[0], g->x[2]), maxx = fmax(g->x[1], g->x[3]);
        double miny = fmin(g->y[0], g->y[1]), maxy = fmax(g->y[2], g->y[3]);
        int x0 = (int) floor(minx) - r - k - 2, x1 = (int) ceil(maxx) + r + k + 2;
        int y0 = (int) floor(miny) - r - k - 2, y1 = (int) ceil(maxy) + r + k + 2;
        int nx = x1 - x0, ny = y1 - y0;
        double *p = malloc(sizeof(double) * (size_t) (nx > ny ? nx : ny));
        if (!p)
                return false;
        double lw = fmax(OUTLINE_MM * s, 1.0);
        int dx = 0, dy = 0;
        bool fx = false, fy = false;
        for (int pass = 0; pass < 3; pass++) {
                bool cols = pass != 1;
                /* the middle 60 % of the other direction */
                double lo = cols ? miny + dy : minx + dx, hi = cols ? maxy + dy : maxx + dx;
                int a0 = (int) (lo + 0.2 * (hi - lo)), a1 = (int) (hi - 0.2 * (hi - lo));
                int n = cols ? nx : ny, p0 = cols ? x0 : y0;
                for (int i = 0; i < n; i++) {
                        double sum = 0;
                        for (int j = a0; j <= a1; j++)
                                sum += cols ? dark(im, p0 + i, j) : dark(im, j, p0 + i);
                        p[i] = sum;
                }
                /* both edges, each fully dark over its width and length */
                double need = 0.5 * 2 * lw * (a1 - a0 + 1);
                bool f;
                if (cols) {
                        int a = (int) floor(minx + lw / 2), b = (int) floor(maxx - lw / 2);
                        dx = best_offset(p, n, p0, a, b, r, k, need, &f);
                        fx = f;
                } else {
                        int a = (int) floor(miny + lw / 2), b = (int) floor(maxy - lw / 2);
                        dy = best_offset(p, n, p0, a, b, r, k, need, &f);
                        fy = f;
                }
        }
        free(p);
        for (int i = 0; i < 4; i++) {
                g->x[i] += dx;
                g->y[i] += dy;
        }
        return fx && fy;
}

enum { LINE_SEGS = 8, MAX_LINES = 32 };

/* Where each printed line of a text area really is, segment by segment of
 * its width: the transform's small errors add up over a line 160 mm long
 * (three corner marks and a little perspective leave a millimetre or two,
 * a slant of a degree), more than the band left around it. For line k and
 * segment s, off[k][s] is how far (mm) the darkest row within 3 mm of where
 * the line should be lies from there; 0 when no row is dark along half the
 * segment (the line is then taken where the transform puts it). */
static void find_lines(const struct img *im, const struct geom *g, enk_paper_rect r, unsigned lines,
                       double off[MAX_LINES][LINE_SEGS])
{
        for (unsigned k = 0; k < lines && k < MAX_LINES; k++) {
                double yk = (k + 1) * LINE_PITCH;
                for (int seg = 0; seg < LINE_SEGS; seg++) {
                        double best = 0, best_dy = 0;
                        for (double dy = -3; dy <= 3.001; dy += 0.1) {
                                double v = (yk + dy) / r.h;
                                if (v <= 0 || v >= 1)
                                        continue;
                                int dark_n = 0, n = 0;
                                for (double u = (seg + 0.05) / LINE_SEGS;
                                     u < (seg + 0.95) / LINE_SEGS; u += 0.25 / r.w) {
                                        double x, y;
                                        at_uv(g, u, v, &x, &y);
                                        dark_n += dark(im, (int) floor(x), (int) floor(y)) > 0.3;
                                        n++;
                                }
                                double share = n ? (double) dark_n / n : 0;
                                if (share > best) {
                                        best = share;
                                        best_dy = dy;
                                }
                        }
                        off[k][seg] = best >= 0.5 ? best_dy : 0;
                }
        }
}

/* Whether (u, ymm) of a text area lies on one of its printed lines. */
static bool on_line(double u, double ymm, unsigned lines, double off[MAX_LINES][LINE_SEGS])
{
        int seg = (int) (u * LINE_SEGS);
        seg = seg < 0 ? 0 : seg >= LINE_SEGS ? LINE_SEGS - 1 : seg;
        for (unsigned k = 0; k < lines && k < MAX_LINES; k++)
                if (fabs(ymm - ((k + 1) * LINE_PITCH + off[k][seg])) < LINE_BAND_MM)
                        return true;
        return ymm < LINE_BAND_MM;
}

struct measure {
        double ink;   /* mean darkness */
        double light; /* share of samples under 0.3 */
        double solid; /* samples over 0.5, in mm^2 */
};

/* The inside of the box (in from its outer edge by m mm), sampled about
 * once per pixel (every step-th); a text area skips its printed lines. */
static struct measure measure(const struct img *im, const struct geom *g, enk_paper_rect r,
                              double m, int step, unsigned lines)
{
        struct measure out = {0};
        int nu = (int) ((r.w - 2 * m) * g->s / step), nv = (int) ((r.h - 2 * m) * g->s / step);
        if (nu < 1 || nv < 1)
                return out;
        long n = 0, light = 0, solid = 0;
        double sum = 0;
        double off[MAX_LINES][LINE_SEGS] = {{0}};
        if (lines)
                find_lines(im, g, r, lines, off);
        for (int j = 0; j < nv; j++) {
                double ymm = m + (j + 0.5) * (r.h - 2 * m) / nv;
                double v = ymm / r.h;
                for (int i = 0; i < nu; i++) {
                        double u = (m + (i + 0.5) * (r.w - 2 * m) / nu) / r.w, x, y;
                        if (lines && on_line(u, ymm, lines, off))
                                continue;
                        at_uv(g, u, v, &x, &y);
                        double d = dark(im, (int) floor(x), (int) floor(y));
                        sum += d;
                        light += d < 0.3;
                        solid += d > 0.5;
                        n++;
                }
        }
        if (n) {
                out.ink = sum / n;
                out.light = (double) light / n;
                out.solid = solid * (double) step * step / (g->s * g->s);
        }
        return out;
}

static enk_scan_rect bbox(const struct geom *g)
{
        double x0 = fmin(g->x[0], g->x[2]), x1 = fmax(g->x[1], g->x[3]);
        double y0 = fmin(g->y[0], g->y[1]), y1 = fmax(g->y[2], g->y[3]);
        return (enk_scan_rect){(int) floor(x0), (int) floor(y0), (int) ceil(x1 - floor(x0)),
                               (int) ceil(y1 - floor(y0))};
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

const char *enk_scan_state_str(enk_scan_state state)
{
        switch (state) {
        case ENK_SCAN_EMPTY:
                return "empty";
        case ENK_SCAN_MARKED:
                return "marked";
        case ENK_SCAN_FILLED:
                return "filled";
        case ENK_SCAN_WRITTEN:
                return "written";
        case ENK_SCAN_UNCERTAIN:
                return "uncertain";
        }
        return "unknown";
}

/* Calls each of the k boxes from its measure, with thresholds from what
 * empty looks like on this page: inks holds the nchk checkboxes' ink
 * (sorted here). */
static void classify(enk_scan_box *boxes, const struct measure *ms, size_t k, double *inks,
                     size_t nchk)
{
        /* what empty looks like on this page: the lower third of its
         * checkboxes (most boxes of a page are empty), and their spread */
        double base = 0, noise = 0;
        if (nchk) {
                qsort(inks, nchk, sizeof *inks, cmp_double);
                size_t third = nchk / 3;
                base = inks[third];
                double dev = 0;
                for (size_t i = 0; i <= third; i++)
                        dev += fabs(inks[i] - base);
                noise = dev / (third + 1);
        }
        /* a page of three boxes, two of them marked, has no lower third
         * that is empty: what empty can be at most is fixed */
        base = fmin(base, BASE_MAX);
        noise = fmin(noise, NOISE_MAX);
        double t_mark = base + fmax(MARK_MIN, 8 * noise),
               t_doubt = base + fmax(DOUBT_MIN, 4 * noise);
        double t_write = base + fmax(WRITE_MIN, 6 * noise),
               t_wdoubt = base + fmax(WRITE_DOUBT, 3 * noise);
        for (size_t i = 0; i < k; i++) {
                enk_scan_box *b = &boxes[i];
                const struct measure *m = &ms[i];
                if (b->kind == ENK_SCAN_CHECKBOX) {
                        if (m->light < FILL_WHITE)
                                b->state = ENK_SCAN_FILLED;
                        else if (m->light < DENSE_WHITE)
                                b->state = ENK_SCAN_UNCERTAIN;
                        else if (m->ink >= t_mark)
                                b->state = ENK_SCAN_MARKED;
                        else if (m->ink >= t_doubt)
                                b->state = ENK_SCAN_UNCERTAIN;
                        else
                                b->state = ENK_SCAN_EMPTY;
                } else if (b->kind == ENK_SCAN_DIGIT) {
                        b->state = m->ink >= t_write    ? ENK_SCAN_WRITTEN
                                   : m->ink >= t_wdoubt ? ENK_SCAN_UNCERTAIN
                                                        : ENK_SCAN_EMPTY;
                } else {
                        b->state = m->solid >= AREA_WRITTEN ? ENK_SCAN_WRITTEN
                                   : m->solid >= AREA_DOUBT ? ENK_SCAN_UNCERTAIN
                                                            : ENK_SCAN_EMPTY;
                }
        }
}

enk_status enk_scan_read(enk_scan_page *pg, enk_diags *d)
{
        (void) d;
        if (!pg || pg->status != ENK_SCAN_PAGE_OK)
                return ENK_ERR_USAGE;
        const enk_paper *paper = pg->paper;
        size_t page = pg->qr.page - 1;
        size_t nb = enk_paper_nboxes(paper), nd = enk_paper_ndigits(paper),
               na = enk_paper_nareas(paper);
        size_t n = 0;
        for (size_t i = 0; i < nb; i++)
                n += enk_paper_box_get(paper, i)->page == page;
        for (size_t i = 0; i < nd; i++)
                n += enk_paper_digit_get(paper, i)->page == page;
        for (size_t i = 0; i < na; i++)
                n += enk_paper_area_get(paper, i)->page == page;
        enk_scan_box *boxes = calloc(n ? n : 1, sizeof *boxes);
        double *inks = calloc(n ? n : 1, sizeof *inks);
        struct measure *ms = calloc(n ? n : 1, sizeof *ms);
        if (!boxes || !inks || !ms) {
                free(boxes);
                free(inks);
                free(ms);
                return ENK_ERR_NOMEM;
        }
        struct img im = {pixGetData(pg->img->pix),
                         pixGetWpl(pg->img->pix),
                         pixGetWidth(pg->img->pix),
                         pixGetHeight(pg->img->pix),
                         pg->white,
                         pg->black};
        if (im.white - im.black < 30)
                im.black = im.white - 30;
        size_t k = 0, nchk = 0;
        double shift = 0;
        for (int kind = 0; kind < 3; kind++) {
                size_t count = kind == 0 ? nb : kind == 1 ? nd : na;
                for (size_t i = 0; i < count; i++) {
                        size_t bpage, question;
                        enk_paper_rect r;
                        if (kind == 0) {
                                const enk_paper_box *b = enk_paper_box_get(paper, i);
                                bpage = b->page, question = b->question, r = b->r;
                        } else if (kind == 1) {
                                const enk_paper_digit *b = enk_paper_digit_get(paper, i);
                                bpage = b->page, question = b->question, r = b->r;
                        } else {
                                const enk_paper_area *b = enk_paper_area_get(paper, i);
                                bpage = b->page, question = b->question, r = b->r;
                        }
                        if (bpage != page)
                                continue;
                        struct geom g;
                        corners(pg, r, &g);
                        enk_scan_box *out = &boxes[k];
                        out->kind = (enk_scan_kind) kind;
                        out->index = i;
                        out->question = question;
                        if (kind < 2) {
                                struct geom g0 = g;
                                out->outline_found = locate(&im, &g);
                                out->shift_mm = hypot(g.x[0] - g0.x[0], g.y[0] - g0.y[0]) / g.s;
                                if (out->outline_found && out->shift_mm > shift)
                                        shift = out->shift_mm;
                                ms[k] = measure(&im, &g, r, OUTLINE_MM + SLACK_MM, 1, 0);
                        } else {
                                unsigned lines = (unsigned) floor(r.h / LINE_PITCH + 0.5);
                                ms[k] = measure(&im, &g, r, SLACK_MM, g.s > 8 ? 2 : 1,
                                                lines ? lines : 1);
                        }
                        out->ink = ms[k].ink;
                        out->px = bbox(&g);
                        if (kind == 0)
                                inks[nchk++] = ms[k].ink;
                        k++;
                }
        }
        classify(boxes, ms, k, inks, nchk);
        free(inks);
        free(ms);
        free(pg->boxes);
        pg->boxes = boxes;
        pg->nboxes = k;
        pg->box_shift_mm = shift;
        return ENK_OK;
}

size_t enk_scan_page_nboxes(const enk_scan_page *pg)
{
        return pg ? pg->nboxes : 0;
}

const enk_scan_box *enk_scan_page_box(const enk_scan_page *pg, size_t i)
{
        return pg && i < pg->nboxes ? &pg->boxes[i] : NULL;
}

size_t enk_scan_page_question(const enk_scan_page *pg, size_t question, const enk_scan_box **first)
{
        if (!pg)
                return 0;
        for (size_t i = 0; i < pg->nboxes; i++)
                if (pg->boxes[i].question == question) {
                        size_t n = 1;
                        while (i + n < pg->nboxes && pg->boxes[i + n].question == question &&
                               pg->boxes[i + n].kind == pg->boxes[i].kind)
                                n++;
                        if (first)
                                *first = &pg->boxes[i];
                        return n;
                }
        return 0;
}

double enk_scan_page_box_shift_mm(const enk_scan_page *pg)
{
        return pg ? pg->box_shift_mm : 0;
}
