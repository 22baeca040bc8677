/* survey/scan.h - the scanner's image side: scanned pages read, recognised and their boxes read.
 *
 * A scanned paper form (survey/paper.h) comes back as files of page images.
 * This module turns one page image into what the page says, in three steps
 * that a driver calls per page (docs/scan.md has the methods and thresholds):
 *
 *   enk_scan_open(path)          a PDF, TIFF (multi-page, CCITT G4), PNG or JPEG
 *   enk_scan_next(file, &img)    the next page as 8-bit grey, one page in memory
 *   enk_scan_recognise(img, ...) the QR code read and parsed; an upside-down page
 *                                turned; the corner marks found; the transform
 *                                from layout millimetres to pixels fitted
 *   enk_scan_read(page)          every checkbox, digit box and text area of the
 *                                page measured and classified
 *
 * The module decides what is on the paper, never what it means: it does not
 * resolve two marks on a single-choice question or the skip logic (the driver
 * does, from the questionnaire), and never reads a handwritten digit or text.
 * Anything it cannot decide safely is a status or ENK_SCAN_UNCERTAIN, never a
 * guess.
 *
 * This is the only module that uses Leptonica, zbar and poppler (with cairo
 * and GLib for the PDF pages).
 *
 * Ownership: an image owns its pixels and borrows nothing from its file (it
 * may outlive enk_scan_close()); a page borrows its image and the enk_paper the
 * lookup returned, which must both outlive it; everything an accessor returns
 * is borrowed and valid until the object it came from is freed. Freeing NULL
 * does nothing. Functions never print; they return a status and append
 * details to a caller-owned enk_diags (may be NULL), naming the file and the
 * 1-based page ("scan.pdf:3: error: ...", the page in the line's place).
 */
#ifndef ENK_SCAN_H
#define ENK_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/paper.h"

/* ---- reading files (scan_image.c) ---- */

typedef struct enk_scan_file enk_scan_file;
typedef struct enk_scan_image enk_scan_image;

/* Opens the scan at path: a PDF (each page's embedded scan image at its own
 * resolution; a page without one, such as enkat's own vector PDF, is rendered
 * at 300 dpi), a TIFF (every page, any compression Leptonica reads, CCITT G4
 * included), a PNG or a JPEG. The kind is told from the file's first bytes,
 * not its name. On success stores a new file in *out (enk_scan_close).
 * ENK_ERR_IO "PATH: error: cannot open ..." when it cannot be read,
 * ENK_ERR_SYNTAX "PATH: error: not a scan image ..." for anything else, a PDF
 * that cannot be parsed or has no pages; *out is then untouched. */
enk_status enk_scan_open(const char *path, enk_scan_file **out, enk_diags *d);

/* Reads the next page into a new image *img (enk_scan_image_free), converted
 * to 8-bit grey whatever it was (colour, grey, 1-bit). At the end returns
 * ENK_OK with *img NULL. A page that cannot be decoded is ENK_ERR_SYNTAX with
 * "PATH:PAGE: error: ..." and *img NULL; the file can go on with the next page
 * (a TIFF ends at its first bad page: its pages are chained). Only one page is
 * held in memory at a time. */
enk_status enk_scan_next(enk_scan_file *f, enk_scan_image **img, enk_diags *d);

/* Closes f. Images already read stay valid. */
void enk_scan_close(enk_scan_file *f);

/* Number of pages of f when known from the start (PDF), else 0 (TIFF, as
 * counting would read the whole file). */
size_t enk_scan_file_npages(const enk_scan_file *f);

void enk_scan_image_free(enk_scan_image *img);
/* The file the image came from (as passed to enk_scan_open) and its 1-based
 * page in that file. */
const char *enk_scan_image_file(const enk_scan_image *img);
unsigned enk_scan_image_page(const enk_scan_image *img);
unsigned enk_scan_image_width(const enk_scan_image *img);
unsigned enk_scan_image_height(const enk_scan_image *img);
/* The resolution in dots per inch: the file's own when it states one, else
 * the one an A4 page of this width would have. Recognition does not rely on
 * it (the marks give the true scale). */
double enk_scan_image_dpi(const enk_scan_image *img);
/* The grey value (0 black .. 255 white) at pixel (x, y); 255 outside. */
int enk_scan_image_pixel(const enk_scan_image *img, int x, int y);

/* A new image from 8-bit grey pixels (row i at px + i * stride), for tests
 * and for drivers that decode elsewhere. file is copied; page is 1-based. */
enk_status enk_scan_image_from_grey(const uint8_t *px, unsigned w, unsigned h, size_t stride,
                                    double dpi, const char *file, unsigned page,
                                    enk_scan_image **out);

/* Turns img 180 degrees in place, as enk_scan_recognise turns a page that
 * lay upside down (the review turns a page the store says was turned, so
 * that its crop rectangles fit). ENK_ERR_NOMEM. */
enk_status enk_scan_image_turn(enk_scan_image *img);

/* A pixel rectangle: x, y its top-left pixel, w, h in pixels. */
typedef struct enk_scan_rect {
        int x, y, w, h;
} enk_scan_rect;

/* Writes the part r of img (clipped to the image; grown by margin pixels on
 * every side) as a PNG into a new buffer *png of *len bytes (free()), for the
 * review's crops. ENK_ERR_USAGE for an empty rectangle, ENK_ERR_NOMEM. */
enk_status enk_scan_crop_png(const enk_scan_image *img, enk_scan_rect r, int margin, uint8_t **png,
                             size_t *len);

/* ---- recognition (scan_page.c) ---- */

/* The QR code's text parsed (docs/paper.md):
 * enkat:<survey>:<edition>:<lang>:<page>/<pages>[:<serial>]. */
typedef struct enk_scan_qr {
        char survey[64];
        int edition;
        char lang[16];
        unsigned page; /* 1-based */
        unsigned pages;
        unsigned serial; /* 0: no serial */
} enk_scan_qr;

/* Parses text. false (qr untouched) when it is not an enkat page code: a
 * wrong prefix, a missing or extra field, page 0 or over pages, a number with
 * a sign or out of range, a survey id or language too long for the fields. */
bool enk_scan_qr_parse(const char *text, enk_scan_qr *qr);

typedef enum enk_scan_outcome {
        ENK_SCAN_PAGE_OK,       /* recognised: the transform is fitted */
        ENK_SCAN_PAGE_BLANK,    /* next to no ink at all (a blank back side) */
        ENK_SCAN_PAGE_NO_QR,    /* ink but no readable QR code */
        ENK_SCAN_PAGE_FOREIGN,  /* a QR code that is not an enkat page code */
        ENK_SCAN_PAGE_UNKNOWN,  /* an enkat code the lookup has no form for, or
                                 * whose page or page count the form does not have */
        ENK_SCAN_PAGE_NO_MARKS, /* fewer than three corner marks found, or a fit
                                 * that does not agree with the QR code */
} enk_scan_outcome;

/* A short English phrase for status (a message id: enk_diag_text() gives the
 * run's language); never NULL. */
const char *enk_scan_outcome_str(enk_scan_outcome status);

/* Returns the paper form (survey/paper.h) for the survey, edition and language
 * of a page's QR code, or NULL when there is none. arg is the caller's. */
typedef const enk_paper *(*enk_scan_lookup)(const enk_scan_qr *qr, void *arg);

typedef struct enk_scan_page enk_scan_page;

/* Recognises img: finds and reads the QR code (bottom right, or top left on
 * an upside-down page, which is then turned 180 degrees in place, so img is
 * changed), asks lookup for the form, finds the corner marks near where the
 * QR code puts them and fits the transform from layout millimetres to pixels
 * (projective with four marks, affine with three). Returns ENK_OK and a new
 * page in *out (enk_scan_page_free) whatever the page turned out to be:
 * enk_scan_page_status() says; for a status other than OK a warning
 * "FILE:PAGE: warning: ..." is added to d saying why. ENK_ERR_USAGE (NULL
 * arguments) or ENK_ERR_NOMEM otherwise. */
enk_status enk_scan_recognise(enk_scan_image *img, enk_scan_lookup lookup, void *arg,
                              enk_scan_page **out, enk_diags *d);

void enk_scan_page_free(enk_scan_page *pg);

enk_scan_outcome enk_scan_page_status(const enk_scan_page *pg);
const enk_scan_image *enk_scan_page_image(const enk_scan_page *pg);
/* The QR code's raw text ("" when none was read) and, for a status from
 * UNKNOWN on, its parsed form (else NULL). */
const char *enk_scan_page_qr_text(const enk_scan_page *pg);
const enk_scan_qr *enk_scan_page_qr(const enk_scan_page *pg);
/* The form the lookup gave (NULL unless OK or NO_MARKS). */
const enk_paper *enk_scan_page_paper(const enk_scan_page *pg);
/* Whether the page was upside down (and has been turned). */
bool enk_scan_page_turned(const enk_scan_page *pg);
/* Which corner marks were found: bit i for mark i (0 tl, 1 tr, 2 bl, 3 br). */
unsigned enk_scan_page_marks(const enk_scan_page *pg);
/* The fit's residual in mm: the largest distance between a point the
 * transform predicts and where it was found, over the QR code's corners that
 * zbar located and, with four marks, the fourth mark as predicted by the
 * affine fit of the other three (which is also how much perspective the page
 * has). -1 unless OK. */
double enk_scan_page_residual_mm(const enk_scan_page *pg);
/* The page's scale in each direction (1.0 = printed at 100 %), its rotation
 * in degrees (clockwise positive); 0 unless OK. */
double enk_scan_page_scale_x(const enk_scan_page *pg);
double enk_scan_page_scale_y(const enk_scan_page *pg);
double enk_scan_page_rotation(const enk_scan_page *pg);
/* Maps the layout point (x_mm, y_mm) to pixel coordinates (pixel (i, j)
 * covers [i, i+1) x [j, j+1)). false unless OK. */
bool enk_scan_page_to_pixel(const enk_scan_page *pg, double x_mm, double y_mm, double *px,
                            double *py);

/* ---- box reading (scan_marks.c) ---- */

typedef enum enk_scan_kind {
        ENK_SCAN_CHECKBOX, /* index into enk_paper_box_get() */
        ENK_SCAN_DIGIT,    /* index into enk_paper_digit_get() */
        ENK_SCAN_AREA,     /* index into enk_paper_area_get() */
} enk_scan_kind;

typedef enum enk_scan_state {
        ENK_SCAN_EMPTY,     /* nothing in it */
        ENK_SCAN_MARKED,    /* a checkbox crossed, ticked, or lightly marked in pencil */
        ENK_SCAN_FILLED,    /* a checkbox blackened all over: the form's correction,
                             * "not this one" (paper_words.c) */
        ENK_SCAN_WRITTEN,   /* a digit box or text area written in */
        ENK_SCAN_UNCERTAIN, /* between the page's thresholds: a person decides */
} enk_scan_state;

/* A short English word for state ("empty", "marked", ...); never NULL. */
const char *enk_scan_state_str(enk_scan_state state);

typedef struct enk_scan_box {
        enk_scan_kind kind;
        size_t index;    /* into the paper's boxes, digits or areas (whole form) */
        size_t question; /* as in enk_paper_box.question */
        enk_scan_state state;
        /* The mean ink inside the box, its outline excluded: 0 white paper,
         * 1 all as black as the page's corner marks. */
        double ink;
        bool outline_found; /* the printed outline was found (else the place
                             * the transform predicts was used) */
        double shift_mm;    /* how far the outline was from its predicted place */
        enk_scan_rect px;   /* the box in the (turned) image, outline included */
} enk_scan_box;

/* Measures and classifies every checkbox, digit box and text area of the
 * page (thresholds calibrated on the page's own boxes, docs/scan.md). The
 * results are kept in pg: enk_scan_page_nboxes() and the accessors below.
 * ENK_ERR_USAGE when the page's status is not OK, ENK_ERR_NOMEM. Calling it
 * again reads again (same results). */
enk_status enk_scan_read(enk_scan_page *pg, enk_diags *d);

/* The results, checkboxes first in layout order, then digit boxes, then text
 * areas. */
size_t enk_scan_page_nboxes(const enk_scan_page *pg);
const enk_scan_box *enk_scan_page_box(const enk_scan_page *pg, size_t i);
/* The results of one question (a checkbox question's boxes, a number's digit
 * boxes or a text area, in layout order): stores the first in *first and
 * returns how many (0: the question has nothing on this page). */
size_t enk_scan_page_question(const enk_scan_page *pg, size_t question, const enk_scan_box **first);
/* The largest shift_mm of the page's found outlines: a second residual, over
 * the whole page. */
double enk_scan_page_box_shift_mm(const enk_scan_page *pg);

#endif
