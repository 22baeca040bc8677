/* survey/scan_internal.h - what the scanner's files share; nothing outside scan*.c includes it.
 *
 * An image is a Leptonica PIX of 8 bits per pixel. Leptonica keeps a row's
 * pixels in 32-bit words, most significant byte first, so a byte pointer is no
 * row: GET_DATA_BYTE reads a pixel.
 */
#ifndef ENK_SCAN_INTERNAL_H
#define ENK_SCAN_INTERNAL_H

#include <leptonica/allheaders.h>

#include "survey/scan.h"

struct enk_scan_image {
        PIX *pix; /* 8 bpp grey */
        char *file;
        unsigned page;
        double dpi;
};

/* The fitted transform from layout mm to pixels: projective (8 coefficients)
 * or affine (6), in Leptonica's order, over mm measured from the page centre
 * (better conditioned). */
struct fit {
        bool projective;
        double c[8];
};

enum { MAX_QR_TEXT = 256 };

struct enk_scan_page {
        enk_scan_image *img;
        enk_scan_outcome status;
        char qr_text[MAX_QR_TEXT];
        enk_scan_qr qr;
        bool has_qr;
        const enk_paper *paper;
        bool turned;
        unsigned marks;
        struct fit fit;
        double residual_mm, scale_x, scale_y, rotation;
        double white, black; /* the page's paper and mark grey levels */
        enk_scan_box *boxes;
        size_t nboxes;
        double box_shift_mm;
};

/* Applies the page's transform. */
void enk_scan_map(const struct fit *f, double x_mm, double y_mm, double *px, double *py);

/* Leptonica prints its errors unless told not to: every entry point calls this. */
void enk_scan_quiet(void);

#endif
