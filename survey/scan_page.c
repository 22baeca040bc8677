/* survey/scan_page.c - a page recognised: its QR code, its orientation, its corner marks, its
 * transform.
 *
 * The QR code is looked for first where it is printed (bottom right) and, if
 * not there, where an upside-down page has it (top left); only then in the
 * whole page. zbar reads it from a grey copy of that region, halved at 200 dpi
 * and more (a module is still three pixels or more). zbar's orientation, or
 * the code being top left, says the page is upside down: it is turned 180
 * degrees. The QR symbol's corners give a rough transform (scale, rotation,
 * offset) that says where each L corner mark should be; each is then looked
 * for in a window around that place as a connected component of an L's size,
 * and its outer corner is the crossing of two straight lines fitted to the
 * outer edges of its arms (sub-pixel, whatever the rotation). Leptonica fits
 * the transform: projective from four marks, affine from three. The fit is
 * checked against the QR code's corners before it is trusted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "survey/scan_internal.h"

#define PAGE_CX           105.0 /* the transform is fitted about the A4 page's centre */
#define PAGE_CY           148.5
#define QR_REGION_W       65.0 /* mm from the page's edges searched for the QR code */
#define QR_REGION_H       60.0
#define MARK_SLACK        9.0 /* mm around a mark's predicted place */
#define MAX_QR_MISFIT     2.5 /* mm: a fit further off the QR code is refused */
#define MAX_FOURTH_MISFIT 4.0 /* mm: four marks no affine fit can nearly join */

static enk_loc at(const enk_scan_image *img)
{
        return (enk_loc){img->file, img->page, 0};
}

/* ---- the QR code's text ---- */

static bool number(const char **s, char stop, unsigned long max, unsigned long *out)
{
        const char *p = *s;
        unsigned long v = 0;
        if (*p < '0' || *p > '9')
                return false;
        for (; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (unsigned long) (*p - '0');
                if (v > max)
                        return false;
        }
        if (*p != stop)
                return false;
        *s = *p ? p + 1 : p;
        *out = v;
        return true;
}

static bool field(const char **s, char *buf, size_t n)
{
        const char *end = strchr(*s, ':');
        if (!end || end == *s || (size_t) (end - *s) >= n)
                return false;
        memcpy(buf, *s, (size_t) (end - *s));
        buf[end - *s] = '\0';
        *s = end + 1;
        return true;
}

bool enk_scan_qr_parse(const char *text, enk_scan_qr *qr)
{
        if (!text || !qr || strncmp(text, "enkat:", 6) != 0)
                return false;
        enk_scan_qr q = {0};
        const char *s = text + 6;
        unsigned long ed, page, pages, serial = 0;
        if (!field(&s, q.survey, sizeof q.survey) || !number(&s, ':', 9999, &ed) ||
            !field(&s, q.lang, sizeof q.lang) || !number(&s, '/', 9999, &page))
                return false;
        const char *colon = strchr(s, ':');
        if (!number(&s, colon ? ':' : '\0', 9999, &pages))
                return false;
        if (colon && !number(&s, '\0', 99999, &serial))
                return false;
        if (colon && serial == 0)
                return false;
        if (page < 1 || page > pages)
                return false;
        q.edition = (int) ed;
        q.page = (unsigned) page;
        q.pages = (unsigned) pages;
        q.serial = (unsigned) serial;
        *qr = q;
        return true;
}

/* ---- zbar ---- */

struct qr_found {
        char text[MAX_QR_TEXT];
        int npts;
        double x[4], y[4]; /* the symbol's corners in page pixels */
        zbar_orientation_t orient;
};

/* Reads a QR code in the bw x bh grey buffer buf, whose pixel (x, y) is the
 * page's (x0 + x f, y0 + y f). true when one was read. */
static bool zbar_read(const unsigned char *buf, int bw, int bh, double x0, double y0, double f,
                      struct qr_found *qf)
{
        zbar_image_scanner_t *sc = zbar_image_scanner_create();
        zbar_image_t *zi = zbar_image_create();
        bool ok = false;
        if (sc && zi) {
                zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
                zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
                zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
                zbar_image_set_size(zi, (unsigned) bw, (unsigned) bh);
                zbar_image_set_data(zi, (void *) buf, (unsigned long) bw * bh, NULL);
                if (zbar_scan_image(sc, zi) > 0) {
                        for (const zbar_symbol_t *sym = zbar_image_first_symbol(zi); sym && !ok;
                             sym = zbar_symbol_next(sym)) {
                                if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
                                        continue;
                                const char *data = zbar_symbol_get_data(sym);
                                unsigned len = zbar_symbol_get_data_length(sym);
                                if (!data || len >= sizeof qf->text)
                                        continue;
                                memcpy(qf->text, data, len);
                                qf->text[len] = '\0';
                                unsigned n = zbar_symbol_get_loc_size(sym);
                                qf->npts = n == 4 ? 4 : 0;
                                for (int i = 0; i < qf->npts; i++) {
                                        /* zbar's points are module corners in
                                         * the halved image's pixel grid */
                                        qf->x[i] =
                                            x0 + zbar_symbol_get_loc_x(sym, (unsigned) i) * f;
                                        qf->y[i] =
                                            y0 + zbar_symbol_get_loc_y(sym, (unsigned) i) * f;
                                }
                                qf->orient = zbar_symbol_get_orientation(sym);
                                ok = true;
                        }
                }
        }
        if (zi)
                zbar_image_destroy(zi);
        if (sc)
                zbar_image_scanner_destroy(sc);
        return ok;
}

/* Reads a QR code in the region (x0, y0, w, h) of pix, halving it when
 * half is set. true when one was read. */
static bool qr_in(PIX *pix, int x0, int y0, int w, int h, bool half, struct qr_found *qf)
{
        int W = pixGetWidth(pix), H = pixGetHeight(pix);
        if (x0 < 0) {
                w += x0;
                x0 = 0;
        }
        if (y0 < 0) {
                h += y0;
                y0 = 0;
        }
        if (x0 + w > W)
                w = W - x0;
        if (y0 + h > H)
                h = H - y0;
        int f = half ? 2 : 1;
        int bw = w / f, bh = h / f;
        if (bw < 32 || bh < 32)
                return false;
        unsigned char *buf = malloc((size_t) bw * bh);
        if (!buf)
                return false;
        l_uint32 *data = pixGetData(pix);
        int wpl = pixGetWpl(pix);
        for (int y = 0; y < bh; y++) {
                l_uint32 *l0 = data + (size_t) (y0 + y * f) * wpl;
                l_uint32 *l1 = half ? l0 + wpl : l0;
                for (int x = 0; x < bw; x++) {
                        int sx = x0 + x * f;
                        unsigned v = GET_DATA_BYTE(l0, sx);
                        if (half)
                                v = (v + GET_DATA_BYTE(l0, sx + 1) + GET_DATA_BYTE(l1, sx) +
                                     GET_DATA_BYTE(l1, sx + 1) + 2) /
                                    4;
                        buf[(size_t) y * bw + x] = (unsigned char) v;
                }
        }
        bool ok = zbar_read(buf, bw, bh, x0, y0, f, qf);
        free(buf);
        return ok;
}

/* Reads a QR code in the region (x0, y0, w, h) of pix enlarged up times
 * (bilinear): at 150 dpi a module of the 14 mm symbol is barely two pixels,
 * too few for zbar once the page is blurred or turned. */
static bool qr_up(PIX *pix, int x0, int y0, int w, int h, int up, struct qr_found *qf)
{
        BOX *box = boxCreate(x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, w, h);
        PIX *clip = box ? pixClipRectangle(pix, box, NULL) : NULL;
        PIX *big = clip ? pixScaleGrayLI(clip, (float) up, (float) up) : NULL;
        bool ok = false;
        if (big) {
                int bw = pixGetWidth(big), bh = pixGetHeight(big), wpl = pixGetWpl(big);
                unsigned char *buf = malloc((size_t) bw * bh);
                l_uint32 *data = pixGetData(big);
                for (int y = 0; buf && y < bh; y++)
                        for (int x = 0; x < bw; x++)
                                buf[(size_t) y * bw + x] =
                                    (unsigned char) GET_DATA_BYTE(data + (size_t) y * wpl, x);
                ok = buf && zbar_read(buf, bw, bh, x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0, 1.0 / up, qf);
                free(buf);
        }
        pixDestroy(&big);
        pixDestroy(&clip);
        boxDestroy(&box);
        return ok;
}

/* Finds the QR code: where it is printed, where an upside-down page has it,
 * then anywhere. *where is 0, 1 or 2 for those. */
static bool find_qr(PIX *pix, struct qr_found *qf, int *where)
{
        int W = pixGetWidth(pix), H = pixGetHeight(pix);
        double k = W / 210.0; /* pixels per mm of an A4 page as wide as the image */
        int rw = (int) (QR_REGION_W * k), rh = (int) (QR_REGION_H * k);
        bool half = k > 8.0;
        for (int pass = 0; pass < 2; pass++) {
                bool h = pass == 0 ? half : false;
                if (pass == 1 && !half)
                        break;
                if (qr_in(pix, W - rw, H - rh, rw, rh, h, qf)) {
                        *where = 0;
                        return true;
                }
                if (qr_in(pix, 0, 0, rw, rh, h, qf)) {
                        *where = 1;
                        return true;
                }
        }
        if (k < 7.0) { /* under about 180 dpi */
                if (qr_up(pix, W - rw, H - rh, rw, rh, 3, qf)) {
                        *where = 0;
                        return true;
                }
                if (qr_up(pix, 0, 0, rw, rh, 3, qf)) {
                        *where = 1;
                        return true;
                }
        }
        *where = 2;
        return qr_in(pix, 0, 0, W, H, half, qf);
}

/* ---- blank pages ---- */

/* The share of ink inside a 10 mm margin: dark pixels (below 128) that
 * belong to a stroke at least 0.25 mm across. The isolated specks of a
 * scanner's noise or dust, which a duplex scan's empty back side has in the
 * thousands, are opened away first (Leptonica's morphology); a written word
 * or a printed line is not. */
static double ink_share(PIX *pix, double dpi)
{
        int W = pixGetWidth(pix), H = pixGetHeight(pix);
        int m = W / 21;
        if (W <= 2 * m || H <= 2 * m)
                return 0;
        BOX *box = boxCreate(m, m, W - 2 * m, H - 2 * m);
        PIX *inner = box ? pixClipRectangle(pix, box, NULL) : NULL;
        PIX *bin = inner ? pixConvertTo1(inner, 128) : NULL;
        int s = (int) (0.25 * dpi / 25.4 + 0.5);
        PIX *ink = bin ? pixOpenBrick(NULL, bin, s < 2 ? 2 : s, s < 2 ? 2 : s) : NULL;
        l_int32 count = 0;
        bool ok = ink && pixCountPixels(ink, &count, NULL) == 0;
        double share = ok ? (double) count / ((double) (W - 2 * m) * (H - 2 * m)) : 1;
        pixDestroy(&ink);
        pixDestroy(&bin);
        pixDestroy(&inner);
        boxDestroy(&box);
        return share;
}

/* ---- the transform ---- */

void enk_scan_map(const struct fit *f, double x_mm, double y_mm, double *px, double *py)
{
        double x = x_mm - PAGE_CX, y = y_mm - PAGE_CY;
        const double *c = f->c;
        if (f->projective) {
                double den = c[6] * x + c[7] * y + 1.0;
                *px = (c[0] * x + c[1] * y + c[2]) / den;
                *py = (c[3] * x + c[4] * y + c[5]) / den;
        } else {
                *px = c[0] * x + c[1] * y + c[2];
                *py = c[3] * x + c[4] * y + c[5];
        }
}

/* Fits n (3 or 4) mm -> pixel point pairs with Leptonica. */
static bool fit_points(int n, const double *mx, const double *my, const double *px,
                       const double *py, struct fit *out)
{
        PTA *src = ptaCreate(n), *dst = ptaCreate(n);
        bool ok = false;
        if (src && dst) {
                for (int i = 0; i < n; i++) {
                        ptaAddPt(src, (l_float32) (mx[i] - PAGE_CX), (l_float32) (my[i] - PAGE_CY));
                        ptaAddPt(dst, (l_float32) px[i], (l_float32) py[i]);
                }
                l_float32 *vc = NULL;
                l_ok bad = n == 4 ? getProjectiveXformCoeffs(src, dst, &vc)
                                  : getAffineXformCoeffs(src, dst, &vc);
                if (!bad && vc) {
                        out->projective = n == 4;
                        for (int i = 0; i < (n == 4 ? 8 : 6); i++)
                                out->c[i] = vc[i];
                        ok = true;
                        for (int i = 0; i < (n == 4 ? 8 : 6); i++)
                                ok = ok && isfinite(out->c[i]);
                }
                LEPT_FREE(vc);
        }
        ptaDestroy(&src);
        ptaDestroy(&dst);
        return ok;
}

/* The rough transform from the QR symbol alone: its centre, side and the
 * mean direction of its edges (a similarity). */
static void rough_fit(const struct qr_found *qf, enk_paper_rect qr, struct fit *f)
{
        double cx = 0, cy = 0, side = 0, sx = 0, sy = 0;
        for (int i = 0; i < 4; i++) {
                cx += qf->x[i] / 4;
                cy += qf->y[i] / 4;
                int j = (i + 1) % 4;
                double dx = qf->x[j] - qf->x[i], dy = qf->y[j] - qf->y[i];
                side += hypot(dx, dy) / 4;
                /* the edge's angle taken four times folds the four sides together */
                double a = 4 * atan2(dy, dx);
                sx += cos(a);
                sy += sin(a);
        }
        double th = atan2(sy, sx) / 4, s = side / qr.w;
        double qx = qr.x + qr.w / 2 - PAGE_CX, qy = qr.y + qr.h / 2 - PAGE_CY;
        f->projective = false;
        f->c[0] = s * cos(th);
        f->c[1] = -s * sin(th);
        f->c[3] = s * sin(th);
        f->c[4] = s * cos(th);
        f->c[2] = cx - (f->c[0] * qx + f->c[1] * qy);
        f->c[5] = cy - (f->c[3] * qx + f->c[4] * qy);
}

/* ---- the corner marks ---- */

/* A least-squares line b = p + q a through n points. */
static bool line_fit(const double *a, const double *b, int n, double *p, double *q)
{
        if (n < 5)
                return false;
        double sa = 0, sb = 0, saa = 0, sab = 0;
        for (int i = 0; i < n; i++) {
                sa += a[i];
                sb += b[i];
                saa += a[i] * a[i];
                sab += a[i] * b[i];
        }
        double den = n * saa - sa * sa;
        if (fabs(den) < 1e-9)
                return false;
        *q = (n * sab - sa * sb) / den;
        *p = (sb - *q * sa) / n;
        return true;
}

/* The outer corner of mark m (corner c) in the window around (ex, ey), the
 * predicted corner, with s pixels per mm. Stores it and the mean grey of the
 * mark's pixels. */
static bool find_mark(PIX *pix, const enk_paper_mark *m, double ex, double ey, double s, double *ox,
                      double *oy, double *ink, double *white)
{
        bool fx = m->corner == 1 || m->corner == 3, fy = m->corner >= 2;
        double in = (m->arm + MARK_SLACK) * s, out = MARK_SLACK * s;
        int x0 = (int) (fx ? ex - in : ex - out), y0 = (int) (fy ? ey - in : ey - out);
        int w = (int) (in + out), h = w;
        BOX *wb = boxCreate(x0, y0, w, h);
        PIX *win = wb ? pixClipRectangle(pix, wb, NULL) : NULL;
        boxDestroy(&wb);
        if (!win)
                return false;
        x0 = x0 < 0 ? 0 : x0; /* the clip starts inside the image */
        y0 = y0 < 0 ? 0 : y0;
        /* the window is mostly paper: its median is the paper, its darkest
         * one per cent the ink */
        NUMA *hist = pixGetGrayHistogram(win, 1);
        l_float32 paper = 255, dark = 0;
        if (hist) {
                numaHistogramGetValFromRank(hist, 0.5, &paper);
                numaHistogramGetValFromRank(hist, 0.01, &dark);
        }
        numaDestroy(&hist);
        bool found = false;
        *white = paper;
        if (paper - dark >= 50) {
                PIX *bin = pixThresholdToBinary(win, (l_int32) ((paper + dark) / 2));
                PIXA *pixa = NULL;
                BOXA *boxa = bin ? pixConnComp(bin, &pixa, 8) : NULL;
                double want_arm = m->arm * s,
                       want_area = (2 * m->arm - m->thickness) * m->thickness * s * s;
                double best = 1e30;
                int bi = -1;
                for (int i = 0; boxa && i < boxaGetCount(boxa); i++) {
                        l_int32 bx, by, bw, bh;
                        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
                        if (bw < 0.8 * want_arm || bw > 1.2 * want_arm + 2 * m->thickness * s ||
                            bh < 0.8 * want_arm || bh > 1.2 * want_arm + 2 * m->thickness * s)
                                continue;
                        PIX *c = pixaGetPix(pixa, i, L_CLONE);
                        l_int32 count = 0;
                        pixCountPixels(c, &count, NULL);
                        pixDestroy(&c);
                        if (count < 0.6 * want_area || count > 1.8 * want_area)
                                continue;
                        double cx = x0 + bx + (fx ? bw : 0), cy = y0 + by + (fy ? bh : 0);
                        double dist = hypot(cx - ex, cy - ey);
                        if (dist < best) {
                                best = dist;
                                bi = i;
                        }
                }
                if (bi >= 0) {
                        l_int32 bx, by, bw, bh;
                        boxaGetBoxGeometry(boxa, bi, &bx, &by, &bw, &bh);
                        PIX *c = pixaGetPix(pixa, bi, L_CLONE);
                        l_uint32 *cd = pixGetData(c);
                        int cwpl = pixGetWpl(c);
                        int n = bw > bh ? bw : bh;
                        double *a = malloc(sizeof(double) * 4 * (size_t) n);
                        if (a) {
                                double *b = a + n, *a2 = a + 2 * n, *b2 = a + 3 * n;
                                int na = 0, nb = 0;
                                /* local (u, v): the L as a top-left one */
#define BIT(u, v)                                                                                  \
        GET_DATA_BIT(cd + (size_t) (fy ? bh - 1 - (v) : (v)) * cwpl, fx ? bw - 1 - (u) : (u))
                                for (int u = (int) (0.35 * bw); u < (int) (0.9 * bw); u++)
                                        for (int v = 0; v < bh / 2; v++)
                                                if (BIT(u, v)) {
                                                        a[na] = u + 0.5;
                                                        b[na++] = v;
                                                        break;
                                                }
                                for (int v = (int) (0.35 * bh); v < (int) (0.9 * bh); v++)
                                        for (int u = 0; u < bw / 2; u++)
                                                if (BIT(u, v)) {
                                                        a2[nb] = v + 0.5;
                                                        b2[nb++] = u;
                                                        break;
                                                }
#undef BIT
                                double p, q, r, t;
                                if (line_fit(a, b, na, &p, &q) && line_fit(a2, b2, nb, &r, &t) &&
                                    fabs(1 - t * q) > 0.5) {
                                        double u = (r + t * p) / (1 - t * q), v = p + q * u;
                                        double cx = fx ? bw - u : u, cy = fy ? bh - v : v;
                                        *ox = x0 + bx + cx;
                                        *oy = y0 + by + cy;
                                        found = true;
                                }
                                free(a);
                        }
                        /* the ink's grey: the mark's own pixels */
                        double sum = 0;
                        long cnt = 0;
                        l_uint32 *wd = pixGetData(win);
                        int wwpl = pixGetWpl(win);
                        for (int y = 0; y < bh; y++)
                                for (int x = 0; x < bw; x++)
                                        if (GET_DATA_BIT(cd + (size_t) y * cwpl, x)) {
                                                sum += GET_DATA_BYTE(wd + (size_t) (by + y) * wwpl,
                                                                     bx + x);
                                                cnt++;
                                        }
                        *ink = cnt ? sum / cnt : dark;
                        pixDestroy(&c);
                }
                boxaDestroy(&boxa);
                pixaDestroy(&pixa);
                pixDestroy(&bin);
        }
        pixDestroy(&win);
        return found;
}

/* The QR code's corners in layout mm, in the order zbar gives its points
 * (found by trying the four rotations of the square and keeping the one
 * nearest the points under f). Returns the largest distance in mm. */
static double qr_misfit(const struct fit *f, const struct qr_found *qf, enk_paper_rect qr, double s)
{
        if (qf->npts != 4)
                return 0;
        const double sq[4][2] = {
            {qr.x, qr.y}, {qr.x, qr.y + qr.h}, {qr.x + qr.w, qr.y + qr.h}, {qr.x + qr.w, qr.y}};
        double best = 1e30;
        for (int rot = 0; rot < 4; rot++)
                for (int dir = 0; dir < 2; dir++) {
                        double worst = 0;
                        for (int i = 0; i < 4; i++) {
                                int j = dir ? (rot + i) % 4 : (rot + 4 - i) % 4;
                                double px, py;
                                enk_scan_map(f, sq[j][0], sq[j][1], &px, &py);
                                double e = hypot(px - qf->x[i], py - qf->y[i]) / s;
                                worst = e > worst ? e : worst;
                        }
                        best = worst < best ? worst : best;
                }
        return best;
}

static void derive(enk_scan_page *pg)
{
        double x0, y0, x1, y1, x2, y2;
        enk_scan_map(&pg->fit, PAGE_CX, PAGE_CY, &x0, &y0);
        enk_scan_map(&pg->fit, PAGE_CX + 1, PAGE_CY, &x1, &y1);
        enk_scan_map(&pg->fit, PAGE_CX, PAGE_CY + 1, &x2, &y2);
        double k = pg->img->dpi / 25.4;
        pg->scale_x = hypot(x1 - x0, y1 - y0) / k;
        pg->scale_y = hypot(x2 - x0, y2 - y0) / k;
        pg->rotation = atan2(y1 - y0, x1 - x0) * 180 / M_PI;
}

/* ---- the page ---- */

const char *enk_scan_outcome_str(enk_scan_outcome status)
{
        switch (status) {
        case ENK_SCAN_PAGE_OK:
                return ENK_MSGID("recognised");
        case ENK_SCAN_PAGE_BLANK:
                return ENK_MSGID("blank page");
        case ENK_SCAN_PAGE_NO_QR:
                return ENK_MSGID("no readable QR code");
        case ENK_SCAN_PAGE_FOREIGN:
                return ENK_MSGID("not an enkat page code");
        case ENK_SCAN_PAGE_UNKNOWN:
                return ENK_MSGID("no such form");
        case ENK_SCAN_PAGE_NO_MARKS:
                return ENK_MSGID("corner marks not found");
        }
        return ENK_MSGID("unknown page status");
}

/* How far (mm) the fourth of four marks is from where the affine fit of the
 * first three puts it. */
static double fourth_misfit(const double *mx, const double *my, const double *px, const double *py,
                            double s)
{
        struct fit aff;
        if (!fit_points(3, mx, my, px, py, &aff))
                return 1e30;
        double qx, qy;
        enk_scan_map(&aff, mx[3], my[3], &qx, &qy);
        return hypot(qx - px[3], qy - py[3]) / s;
}

static void fit_marks(enk_scan_page *pg, const struct qr_found *qf)
{
        const enk_paper *paper = pg->paper;
        PIX *pix = pg->img->pix;
        enk_paper_rect qr = enk_paper_qr_rect(paper);
        struct fit rough;
        rough_fit(qf, qr, &rough);
        double s = hypot(rough.c[0], rough.c[3]);
        double mx[4], my[4], px[4], py[4], ink[4], white[4];
        int idx[4], n = 0;
        for (int i = 0; i < 4; i++) {
                const enk_paper_mark *m = enk_paper_mark_get(paper, i);
                double ex, ey;
                enk_scan_map(&rough, m->x, m->y, &ex, &ey);
                if (find_mark(pix, m, ex, ey, s, &px[n], &py[n], &ink[n], &white[n])) {
                        mx[n] = m->x;
                        my[n] = m->y;
                        idx[n++] = i;
                }
        }
        /* every fit of three or four found marks that agrees with the QR
         * code; the one with the most marks wins, then the closest */
        struct fit best = {0};
        int best_n = 0, best_skip = -1;
        double best_mis = 1e30;
        for (int skip = -1; skip < n; skip++) {
                int k = 0;
                double sx[4], sy[4], tx[4], ty[4];
                for (int i = 0; i < n; i++)
                        if (i != skip) {
                                sx[k] = mx[i];
                                sy[k] = my[i];
                                tx[k] = px[i];
                                ty[k++] = py[i];
                        }
                if (k < 3 || k > 4)
                        continue;
                struct fit f;
                if (!fit_points(k, sx, sy, tx, ty, &f))
                        continue;
                double mis = qr_misfit(&f, qf, qr, s);
                if (mis > MAX_QR_MISFIT)
                        continue;
                if (k == 4 && fourth_misfit(mx, my, px, py, s) > MAX_FOURTH_MISFIT)
                        continue; /* one of them is no mark, or it is bent */
                if (k > best_n || (k == best_n && mis < best_mis)) {
                        best = f;
                        best_n = k;
                        best_mis = mis;
                        best_skip = skip;
                }
        }
        if (best_n < 3) {
                pg->status = ENK_SCAN_PAGE_NO_MARKS;
                return;
        }
        pg->fit = best;
        pg->marks = 0;
        double black = 0, paper_grey = 0;
        for (int i = 0; i < n; i++)
                if (i != best_skip) {
                        pg->marks |= 1u << idx[i];
                        black += ink[i] / best_n;
                        paper_grey += white[i] / best_n;
                }
        pg->black = black;
        pg->white = paper_grey;
        pg->residual_mm = best_mis;
        if (best_n == 4) {
                double e = fourth_misfit(mx, my, px, py, s);
                if (e > pg->residual_mm)
                        pg->residual_mm = e;
        }
        derive(pg);
        pg->status = ENK_SCAN_PAGE_OK;
}

enk_status enk_scan_recognise(enk_scan_image *img, enk_scan_lookup lookup, void *arg,
                              enk_scan_page **out, enk_diags *d)
{
        if (!img || !lookup || !out)
                return ENK_ERR_USAGE;
        enk_scan_quiet();
        enk_scan_page *pg = calloc(1, sizeof *pg);
        if (!pg)
                return ENK_ERR_NOMEM;
        pg->img = img;
        pg->residual_mm = -1;
        pg->white = 255;
        pg->black = 0;

        struct qr_found qf = {0};
        int where = 0;
        if (!find_qr(img->pix, &qf, &where)) {
                pg->status = ink_share(img->pix, img->dpi) < 0.0005 ? ENK_SCAN_PAGE_BLANK
                                                                    : ENK_SCAN_PAGE_NO_QR;
                enk_warning(d, at(img), "%s", enk_diag_text(enk_scan_outcome_str(pg->status)));
                *out = pg;
                return ENK_OK;
        }
        snprintf(pg->qr_text, sizeof pg->qr_text, "%s", qf.text);
        bool down =
            qf.orient == ZBAR_ORIENT_DOWN || (qf.orient == ZBAR_ORIENT_UNKNOWN && where == 1);
        if (down) {
                if (!pixRotate180(img->pix, img->pix)) {
                        free(pg);
                        return ENK_ERR_NOMEM;
                }
                int W = pixGetWidth(img->pix), H = pixGetHeight(img->pix);
                for (int i = 0; i < qf.npts; i++) {
                        qf.x[i] = W - qf.x[i];
                        qf.y[i] = H - qf.y[i];
                }
                pg->turned = true;
        }
        if (!enk_scan_qr_parse(qf.text, &pg->qr)) {
                pg->status = ENK_SCAN_PAGE_FOREIGN;
                enk_warning(d, at(img), "the QR code '%.60s' is not an enkat page code", qf.text);
                *out = pg;
                return ENK_OK;
        }
        pg->has_qr = true;
        const enk_paper *paper = lookup(&pg->qr, arg);
        if (!paper || enk_paper_npages(paper) != pg->qr.pages) {
                pg->status = ENK_SCAN_PAGE_UNKNOWN;
                enk_warning(d, at(img), "no form for the page's QR code '%s'", qf.text);
                *out = pg;
                return ENK_OK;
        }
        pg->paper = paper;
        if (qf.npts != 4) {
                pg->status = ENK_SCAN_PAGE_NO_MARKS;
        } else {
                fit_marks(pg, &qf);
        }
        if (pg->status != ENK_SCAN_PAGE_OK)
                enk_warning(d, at(img), "%s: the page cannot be located",
                            enk_diag_text(enk_scan_outcome_str(pg->status)));
        *out = pg;
        return ENK_OK;
}

void enk_scan_page_free(enk_scan_page *pg)
{
        if (!pg)
                return;
        free(pg->boxes);
        free(pg);
}

enk_scan_outcome enk_scan_page_status(const enk_scan_page *pg)
{
        return pg->status;
}

const enk_scan_image *enk_scan_page_image(const enk_scan_page *pg)
{
        return pg->img;
}

const char *enk_scan_page_qr_text(const enk_scan_page *pg)
{
        return pg->qr_text;
}

const enk_scan_qr *enk_scan_page_qr(const enk_scan_page *pg)
{
        return pg->has_qr ? &pg->qr : NULL;
}

const enk_paper *enk_scan_page_paper(const enk_scan_page *pg)
{
        return pg->paper;
}

bool enk_scan_page_turned(const enk_scan_page *pg)
{
        return pg->turned;
}

unsigned enk_scan_page_marks(const enk_scan_page *pg)
{
        return pg->marks;
}

double enk_scan_page_residual_mm(const enk_scan_page *pg)
{
        return pg->status == ENK_SCAN_PAGE_OK ? pg->residual_mm : -1;
}

double enk_scan_page_scale_x(const enk_scan_page *pg)
{
        return pg->status == ENK_SCAN_PAGE_OK ? pg->scale_x : 0;
}

double enk_scan_page_scale_y(const enk_scan_page *pg)
{
        return pg->status == ENK_SCAN_PAGE_OK ? pg->scale_y : 0;
}

double enk_scan_page_rotation(const enk_scan_page *pg)
{
        return pg->status == ENK_SCAN_PAGE_OK ? pg->rotation : 0;
}

bool enk_scan_page_to_pixel(const enk_scan_page *pg, double x_mm, double y_mm, double *px,
                            double *py)
{
        if (!pg || pg->status != ENK_SCAN_PAGE_OK || !px || !py)
                return false;
        enk_scan_map(&pg->fit, x_mm, y_mm, px, py);
        return true;
}
