/* survey/paper.h - the paper form: an A4 PDF made to be filled in by hand and scanned back.
 *
 * A paper form is made in two steps. enk_paper_layout() lays the questionnaire
 * out once: it measures every text with Pango, breaks it into pages (no
 * question or grid is split across a page break unless it is taller than a
 * whole page), and records where every checkbox, digit box, free-text area,
 * registration mark and QR code lies. Both outputs are then drawn from that one
 * layout, so they cannot drift apart:
 *   - enk_paper_write_pdf(): the PDF (cairo), one or more copies;
 *   - enk_paper_write_layout(): the layout as JSON ("enkat-paper-layout",
 *     docs/paper.md), which a scanner reads to know where to look.
 *
 * Geometry (docs/paper.md has the figures and their sources): A4 portrait,
 * millimetres from the page's top-left corner; square checkboxes of 4 mm with a
 * 0.4 pt outline, at least 4 mm apart; four L-shaped corner marks; a QR code
 * (error correction H) on every page naming survey, edition, language and
 * page ("enkat:familjehem:2020:sv:1/6"), plus a copy serial (":00001") when
 * copies are numbered. Every coordinate is rounded to 0.01 mm, so the layout is
 * the same, byte for byte, for the same questionnaire, language and fonts.
 *
 * The text is set in Open Sans (Debian's fonts-open-sans); the layout fails
 * with ENK_ERR_IO when that font is not installed rather than silently measure
 * another font. This is the only module that uses cairo, Pango and libqrencode.
 *
 * Ownership: an enk_paper borrows the questionnaire it was made from, which
 * must outlive it; everything the accessors return is borrowed and valid until
 * enk_paper_free(). Functions never print; they return a status and append
 * details to a caller-owned enk_diags (may be NULL).
 */
#ifndef ENK_PAPER_H
#define ENK_PAPER_H

#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"
#include "survey/questionnaire.h"

typedef struct enk_paper enk_paper;

/* A rectangle in millimetres from the page's top-left corner: x, y its
 * top-left corner. For a box, the outer edge of its outline. */
typedef struct enk_paper_rect {
        double x, y, w, h;
} enk_paper_rect;

typedef enum enk_paper_kind {
        ENK_PAPER_SCALE,    /* a scale point (grid items too); value = the point */
        ENK_PAPER_SINGLE,   /* an option of a single choice; value = the option */
        ENK_PAPER_MULTIPLE, /* an option of a multiple choice; value = the option */
        ENK_PAPER_YESNO,    /* yes (value 1) or no (value 0) */
        ENK_PAPER_NA,       /* the scale's "not applicable"; value = its na_code */
} enk_paper_kind;

/* A checkbox. question indexes q->questions (grid items are questions). */
typedef struct enk_paper_box {
        size_t page; /* 0-based */
        size_t question;
        enk_paper_kind kind;
        int32_t value;
        enk_paper_rect r;
} enk_paper_box;

/* One digit's box of a number question; position 0 is the leftmost digit. */
typedef struct enk_paper_digit {
        size_t page;
        size_t question;
        unsigned position;
        enk_paper_rect r;
} enk_paper_digit;

/* The lined area of a free-text question. */
typedef struct enk_paper_area {
        size_t page;
        size_t question;
        enk_paper_rect r;
} enk_paper_area;

/* An L-shaped registration mark: (x, y) is the outer corner of the L; its two
 * arms, arm mm long and thickness mm thick, run along the page edges towards
 * the page's centre line. corner is 0 top-left, 1 top-right, 2 bottom-left,
 * 3 bottom-right. The marks are the same on every page. */
typedef struct enk_paper_mark {
        int corner;
        double x, y, arm, thickness;
} enk_paper_mark;

typedef struct enk_paper_options {
        int lang; /* index into q->languages; 0 is the default language */
        /* Who asks, from the wave (survey/store.h, enk_store_wave_details),
         * printed at the foot of the first page instead of the title: the
         * municipality, the last day to answer ("YYYY-MM-DD") and whom to
         * ask. Each may be NULL (left out). Outside the scanned layout: the
         * boxes and the JSON are the same with them or without. Copied. */
        const char *municipality, *deadline, *contact;
        int year; /* the wave's year, shown after the title (enk_title_with_year);
                     0: the title as written */
} enk_paper_options;

/* Lays out q in language opt->lang (opt may be NULL: the default language).
 * On success stores a new paper form in *out (enk_paper_free). Fails with
 * ENK_ERR_USAGE (NULL q or out, a language index q does not have), ENK_ERR_IO
 * (the font is not installed: a diagnostic says which package gives it) or
 * ENK_ERR_NOMEM; *out is then untouched. */
enk_status enk_paper_layout(const enk_questionnaire *q, const enk_paper_options *opt,
                            enk_paper **out, enk_diags *diags);

/* Frees p. NULL is a no-op. */
void enk_paper_free(enk_paper *p);

/* Number of pages of one copy. */
size_t enk_paper_npages(const enk_paper *p);

/* The layout's parts, in page order and, within a page, in reading order. */
size_t enk_paper_nboxes(const enk_paper *p);
const enk_paper_box *enk_paper_box_get(const enk_paper *p, size_t i);
size_t enk_paper_ndigits(const enk_paper *p);
const enk_paper_digit *enk_paper_digit_get(const enk_paper *p, size_t i);
size_t enk_paper_nareas(const enk_paper *p);
const enk_paper_area *enk_paper_area_get(const enk_paper *p, size_t i);
/* The four marks, i = 0..3 in the order tl, tr, bl, br; NULL for other i. */
const enk_paper_mark *enk_paper_mark_get(const enk_paper *p, int i);
/* The QR code's square (the symbol, without its quiet zone), the same on
 * every page. */
enk_paper_rect enk_paper_qr_rect(const enk_paper *p);

/* The QR code's text of page (0-based) of copy serial (1-based; 0: no serial)
 * into buf of size n (truncated, always terminated when n > 0):
 * "enkat:SURVEY:EDITION:LANG:PAGE/PAGES" and, for serial > 0, ":%05u". */
void enk_paper_qr_text(const enk_paper *p, size_t page, unsigned serial, char *buf, size_t n);

/* Writes the layout as JSON (docs/paper.md) into a new buffer *json of *len
 * bytes (NUL-terminated; free()). ENK_ERR_NOMEM or ENK_ERR_USAGE. */
enk_status enk_paper_layout_json(const enk_paper *p, char **json, size_t *len);

/* Writes the layout JSON to path (through a temporary file renamed over path,
 * so a failure leaves nothing at path). ENK_ERR_IO with a diagnostic
 * "PATH: error: ..." when it cannot be written. */
enk_status enk_paper_write_layout(const enk_paper *p, const char *path, enk_diags *diags);

/* Writes the PDF to path: copies copies of the form one after the other
 * (copies * enk_paper_npages() pages). copies 0 means one copy without a
 * serial; copies >= 1 numbers the copies 1..copies in their QR codes (the
 * serial identifies a copy, never a person: nothing links it to an address).
 * Written through a temporary file like enk_paper_write_layout(). */
enk_status enk_paper_write_pdf(const enk_paper *p, const char *path, unsigned copies,
                               enk_diags *diags);

#endif
