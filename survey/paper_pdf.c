/* survey/paper_pdf.c - the paper form's PDF, drawn from the layout (cairo, libqrencode).
 *
 * Every page's ops are drawn once into a recording surface, which each copy
 * then paints; only the QR code, which names the page and the copy, is drawn
 * per copy. Text is set by paper_text.c with the fonts it was measured with.
 * The only file of the module that includes cairo's PDF surface and
 * libqrencode.
 */
#include "survey/paper_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <qrencode.h>

static void mm_rect(cairo_t *cr, double x, double y, double w, double h)
{
        cairo_rectangle(cr, x * MM_PT, y * MM_PT, w * MM_PT, h * MM_PT);
}

/* A box outline whose outer edge is the rectangle: the stroke runs half a
 * line width inside it. The inside is painted white first, so nothing (not
 * even row shading) is ever inside a box. */
static void draw_box(cairo_t *cr, double x, double y, double w, double h)
{
        double lw = BOX_LW_PT;
        cairo_set_source_rgb(cr, 1, 1, 1);
        mm_rect(cr, x, y, w, h);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, lw);
        cairo_rectangle(cr, x * MM_PT + lw / 2, y * MM_PT + lw / 2, w * MM_PT - lw, h * MM_PT - lw);
        cairo_stroke(cr);
}

static void draw_cross(cairo_t *cr, double x, double y, double s)
{
        double in = s * 0.18;
        cairo_set_line_width(cr, 1.1);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_move_to(cr, (x + in) * MM_PT, (y + in) * MM_PT);
        cairo_line_to(cr, (x + s - in) * MM_PT, (y + s - in) * MM_PT);
        cairo_move_to(cr, (x + s - in) * MM_PT, (y + in) * MM_PT);
        cairo_line_to(cr, (x + in) * MM_PT, (y + s - in) * MM_PT);
        cairo_stroke(cr);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
}

static void draw_op(const enk_paper *p, cairo_t *cr, const struct enk_paper_op *o)
{
        switch (o->kind) {
        case OP_TEXT:
                enk_paper_fonts_show(p->fonts, cr, o);
                break;
        case OP_BOX:
        case OP_DIGIT:
                draw_box(cr, o->x, o->y, o->w, o->h);
                break;
        case OP_EXAMPLE:
                draw_box(cr, o->x, o->y, o->w, o->h);
                cairo_set_source_rgb(cr, 0.05, 0.1, 0.45); /* a pen's blue */
                if (o->n == 1) {
                        mm_rect(cr, o->x + 0.3, o->y + 0.3, o->w - 0.6, o->h - 0.6);
                        cairo_fill(cr);
                } else if (o->n == 2 && o->text) {
                        enk_paper_fonts_show_digit(p->fonts, cr, o);
                } else {
                        draw_cross(cr, o->x, o->y, o->w);
                }
                break;
        case OP_AREA:
                cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
                cairo_set_line_width(cr, 0.5);
                for (unsigned k = 1; k <= o->n; k++) {
                        double y = (o->y + k * LINE_PITCH) * MM_PT;
                        cairo_move_to(cr, o->x * MM_PT, y);
                        cairo_line_to(cr, (o->x + o->w) * MM_PT, y);
                }
                cairo_stroke(cr);
                break;
        case OP_FILL:
                cairo_set_source_rgb(cr, o->grey, o->grey, o->grey);
                mm_rect(cr, o->x, o->y, o->w, o->h);
                cairo_fill(cr);
                break;
        case OP_RULE:
                cairo_set_source_rgb(cr, o->grey, o->grey, o->grey);
                cairo_set_line_width(cr, o->lw);
                cairo_move_to(cr, o->x * MM_PT, o->y * MM_PT);
                cairo_line_to(cr, (o->x + o->w) * MM_PT, o->y * MM_PT);
                cairo_stroke(cr);
                break;
        case OP_FRAME:
                cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
                cairo_set_line_width(cr, 0.6);
                mm_rect(cr, o->x, o->y, o->w, o->h);
                cairo_stroke(cr);
                break;
        }
}

static void draw_marks(const enk_paper *p, cairo_t *cr)
{
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int i = 0; i < 4; i++) {
                const enk_paper_mark *m = &p->marks[i];
                /* the arms run from the outer corner towards the page's middle */
                double sx = (i == 0 || i == 2) ? 1 : -1;
                double sy = (i == 0 || i == 1) ? 1 : -1;
                double x = sx > 0 ? m->x : m->x - m->arm;
                double y = sy > 0 ? m->y : m->y - m->thickness;
                mm_rect(cr, x, y, m->arm, m->thickness);
                x = sx > 0 ? m->x : m->x - m->thickness;
                y = sy > 0 ? m->y : m->y - m->arm;
                mm_rect(cr, x, y, m->thickness, m->arm);
        }
        /* one fill for the union: no seam where the arms meet */
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        cairo_fill(cr);
}

static enk_status draw_qr(const enk_paper *p, cairo_t *cr, const char *txt)
{
        QRcode *code = QRcode_encodeString8bit(txt, 0, QR_ECLEVEL_M);
        if (!code)
                return errno == ENOMEM ? ENK_ERR_NOMEM : ENK_ERR_USAGE;
        double m = p->qr.w / code->width;
        cairo_set_source_rgb(cr, 0, 0, 0);
        /* a run of dark modules in a row is one rectangle: half the PDF */
        for (int r = 0; r < code->width; r++)
                for (int c = 0; c < code->width; c++) {
                        if (!(code->data[r * code->width + c] & 1))
                                continue;
                        int run = 1;
                        while (c + run < code->width && (code->data[r * code->width + c + run] & 1))
                                run++;
                        mm_rect(cr, p->qr.x + c * m, p->qr.y + r * m, run * m, m);
                        c += run - 1;
                }
        /* all modules in one path, filled once: adjacent modules leave no
         * hairline seams when the page is rasterised */
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        cairo_fill(cr);
        QRcode_free(code);
        return ENK_OK;
}

struct sink {
        FILE *f;
        int err; /* the first write's errno, for the message */
};

static cairo_status_t write_fn(void *closure, const unsigned char *data, unsigned int len)
{
        struct sink *k = closure;
        if (fwrite(data, 1, len, k->f) == len)
                return CAIRO_STATUS_SUCCESS;
        if (!k->err)
                k->err = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
}

enk_status enk_paper_write_pdf(const enk_paper *p, const char *path, unsigned copies,
                               enk_diags *diags)
{
        if (!p || !path)
                return ENK_ERR_USAGE;
        enk_outfile *o = NULL;
        enk_outfile_options oo = {.kind = ENK_OUT_PDF, .keep = p->q->file};
        enk_status st = enk_outfile_open(path, &oo, &o, diags);
        if (st != ENK_OK)
                return st;
        struct sink sink = {enk_outfile_stream(o), 0};
        cairo_surface_t *s =
            cairo_pdf_surface_create_for_stream(write_fn, &sink, PAGE_W * MM_PT, PAGE_H * MM_PT);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, p->title);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "enkat " ENK_VERSION);
        cairo_t *cr = cairo_create(s);
        /* Each page is drawn once, into a recording surface, and every copy
         * paints it: cairo then writes the page's content once, as a form
         * XObject that all copies share, and only the QR code differs. 500
         * copies cost little more than one. */
        cairo_surface_t **rec = calloc(p->npages + 1, sizeof *rec);
        if (!rec)
                st = ENK_ERR_NOMEM;
        cairo_rectangle_t extent = {0, 0, PAGE_W * MM_PT, PAGE_H * MM_PT};
        for (size_t i = 0; i < p->npages && st == ENK_OK; i++) {
                rec[i] = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extent);
                cairo_t *rc = cairo_create(rec[i]);
                const struct enk_paper_oplist *l = &p->pages[i];
                for (size_t k = 0; k < l->n; k++)
                        draw_op(p, rc, &l->v[k]);
                draw_marks(p, rc);
                if (cairo_status(rc) != CAIRO_STATUS_SUCCESS)
                        st = ENK_ERR_NOMEM;
                cairo_destroy(rc);
        }
        unsigned n = copies ? copies : 1;
        /* a failed write makes cr's status an error: stop drawing then */
#define GOING (st == ENK_OK && cairo_status(cr) == CAIRO_STATUS_SUCCESS)
        for (unsigned c = 0; c < n && GOING; c++)
                for (size_t i = 0; i < p->npages && GOING; i++) {
                        cairo_set_source_surface(cr, rec[i], 0, 0);
                        cairo_paint(cr);
                        char qr[256];
                        enk_paper_qr_text(p, i, copies ? c + 1 : 0, qr, sizeof qr);
                        st = draw_qr(p, cr, qr);
                        cairo_show_page(cr);
                }
#undef GOING
        cairo_status_t drawn = cairo_status(cr);
        cairo_destroy(cr);
        for (size_t i = 0; rec && i < p->npages; i++)
                if (rec[i])
                        cairo_surface_destroy(rec[i]);
        free(rec);
        cairo_surface_finish(s);
        cairo_status_t cs = drawn != CAIRO_STATUS_SUCCESS ? drawn : cairo_surface_status(s);
        cairo_surface_destroy(s);
        if (st == ENK_OK && cs == CAIRO_STATUS_NO_MEMORY)
                st = ENK_ERR_NOMEM;
        else if (st == ENK_OK && cs != CAIRO_STATUS_SUCCESS && !sink.err)
                st = enk_paper_io_error(diags, path, cairo_status_to_string(cs));
        return enk_paper_close_output(o, path, st, sink.err, diags);
}
