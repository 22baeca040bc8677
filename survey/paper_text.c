/* survey/paper_text.c - the paper form's fonts: measuring and setting text with Pango.
 *
 * The only file of the paper module that includes Pango (and, through
 * pangocairo, cairo's core). Each paper has its own font map and context, so
 * that measuring during the layout and drawing into the PDF share one set of
 * font options, with hinting off, as a PDF has no pixel grid.
 */
#include "survey/paper_internal.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <pango/pangocairo.h>

/* fontconfig 2.14 (Debian 12) loses 288 bytes once while parsing its
 * configuration, in the thread Pango starts to load it. LeakSanitizer would
 * fail every sanitizer run of a program that lays out a form over a leak that
 * is not ours; this hook (read by LSan at start) leaves it out. Valgrind gets
 * the same from tests/valgrind.supp. It lives here, not in each program, because
 * this is the one file that loads fontconfig: every program that links it
 * (enkat, test_paper) gets the hook, and no other does. It is
 * compiled only in sanitizer builds. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ENK_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ENK_LSAN 1
#endif
#ifdef ENK_LSAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
        return "leak:libfontconfig.so\n";
}
/* without the "Suppressions used" table on stderr, which tests compare */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
        return "print_suppressions=0";
}
#endif

struct enk_paper_fonts {
        PangoFontMap *fm;
        PangoContext *ctx;
};

/* ------------------------------------------------------------------------ */
/* Text styles                                                              */

/* clang-format off */
static const struct {
        const char *font; /* a Pango font description */
        double grey;      /* 0 black */
} styles[] = {
        [S_TITLE] = {FONT_FAMILY " Bold 19", 0.0},
        [S_HEAD]  = {FONT_FAMILY " Bold 13", 0.0},
        [S_BODY]  = {FONT_FAMILY " 10", 0.1},
        [S_QTEXT] = {FONT_FAMILY " Semi-Bold 10", 0.0},
        [S_HELP]  = {FONT_FAMILY " Italic 9", 0.3},
        [S_LABEL] = {FONT_FAMILY " 9.5", 0.1},
        [S_COL]   = {FONT_FAMILY " 8", 0.15},
        [S_FOOT]  = {FONT_FAMILY " 8", 0.35},
        [S_BOLD]  = {FONT_FAMILY " Bold 10", 0.0},
        [S_DIGIT] = {FONT_FAMILY " Italic 11", 0.0},
};
/* clang-format on */

/* pt > 0 sets the style's font in that size instead of its own. */
static PangoLayout *make_layout(PangoContext *ctx, enum enk_paper_style s, double pt,
                                const char *text, double w, enum enk_paper_align a)
{
        PangoLayout *lo = pango_layout_new(ctx);
        PangoFontDescription *fd = pango_font_description_from_string(styles[s].font);
        if (pt > 0)
                pango_font_description_set_size(fd, (int) lround(pt * PANGO_SCALE));
        pango_layout_set_font_description(lo, fd);
        pango_font_description_free(fd);
        if (w > 0) {
                pango_layout_set_width(lo, (int) (w * MM_PT * PANGO_SCALE));
                /* Point labels break between words only: Pango's break inside
                 * a word ("familjeh-emsvården") is no Swedish syllable. A word
                 * wider than its column stays whole and sticks out on both
                 * sides; col_labels() makes room for it. */
                pango_layout_set_wrap(lo, s == S_COL ? PANGO_WRAP_WORD : PANGO_WRAP_WORD_CHAR);
        }
        pango_layout_set_alignment(lo, a == A_CENTER  ? PANGO_ALIGN_CENTER
                                       : a == A_RIGHT ? PANGO_ALIGN_RIGHT
                                                      : PANGO_ALIGN_LEFT);
        if (s == S_FOOT && w > 0)
                pango_layout_set_ellipsize(lo, PANGO_ELLIPSIZE_END); /* one line */
        pango_layout_set_text(lo, text, -1);
        return lo;
}

double enk_paper_fonts_measure(const struct enk_paper_fonts *f, enum enk_paper_style s, double pt,
                               const char *text, double w, double *base, double *width)
{
        PangoLayout *lo = make_layout(f->ctx, s, pt, text, w, A_LEFT);
        int pw, ph;
        pango_layout_get_size(lo, &pw, &ph);
        if (base)
                *base = pango_layout_get_baseline(lo) / (double) PANGO_SCALE / MM_PT;
        if (width)
                *width = pw / (double) PANGO_SCALE / MM_PT;
        g_object_unref(lo);
        return ph / (double) PANGO_SCALE / MM_PT;
}

double enk_paper_fonts_extents(const struct enk_paper_fonts *f, enum enk_paper_style s, double pt,
                               const char *text, double w, enum enk_paper_align a, double *x,
                               double *width)
{
        PangoLayout *lay = make_layout(f->ctx, s, pt, text, w, a);
        PangoRectangle ext;
        pango_layout_get_extents(lay, NULL, &ext);
        g_object_unref(lay);
        *x = ext.x / (double) PANGO_SCALE / MM_PT;
        *width = ext.width / (double) PANGO_SCALE / MM_PT;
        return ext.height / (double) PANGO_SCALE / MM_PT;
}

void enk_paper_fonts_show(const struct enk_paper_fonts *f, cairo_t *cr,
                          const struct enk_paper_op *o)
{
        PangoLayout *lo = make_layout(f->ctx, o->style, o->pt, o->text, o->w, o->align);
        double g = styles[o->style].grey;
        cairo_set_source_rgb(cr, g, g, g);
        cairo_move_to(cr, o->x * MM_PT, o->y * MM_PT);
        pango_cairo_show_layout(cr, lo);
        g_object_unref(lo);
}

void enk_paper_fonts_show_digit(const struct enk_paper_fonts *f, cairo_t *cr,
                                const struct enk_paper_op *o)
{
        PangoLayout *lo = make_layout(f->ctx, S_DIGIT, 0, o->text, o->w, A_CENTER);
        int pw, ph;
        pango_layout_get_size(lo, &pw, &ph);
        cairo_move_to(cr, o->x * MM_PT, (o->y + o->h / 2) * MM_PT - ph / (2.0 * PANGO_SCALE));
        pango_cairo_show_layout(cr, lo);
        g_object_unref(lo);
}

/* Pango would quietly set the text in whatever font fontconfig offers instead;
 * the layout (and the golden files of the tests) depend on this font. */
static bool font_present(PangoContext *ctx)
{
        PangoFontDescription *fd = pango_font_description_from_string(FONT_FAMILY " 10");
        PangoFont *font = pango_context_load_font(ctx, fd);
        pango_font_description_free(fd);
        if (!font)
                return false;
        PangoFontDescription *got = pango_font_describe(font);
        const char *fam = pango_font_description_get_family(got);
        bool ok = fam && !g_ascii_strcasecmp(fam, FONT_FAMILY);
        pango_font_description_free(got);
        g_object_unref(font);
        return ok;
}

enk_status enk_paper_fonts_new(const char *lang, struct enk_paper_fonts **out, enk_diags *diags)
{
        struct enk_paper_fonts *f = calloc(1, sizeof *f);
        if (!f)
                return ENK_ERR_NOMEM;
        f->fm = pango_cairo_font_map_new();
        f->ctx = f->fm ? pango_font_map_create_context(f->fm) : NULL;
        if (!f->ctx) {
                enk_paper_fonts_free(f);
                return ENK_ERR_NOMEM;
        }
        pango_cairo_context_set_resolution(f->ctx, 72.0);
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        pango_cairo_context_set_font_options(f->ctx, fo);
        cairo_font_options_destroy(fo);
        pango_context_set_round_glyph_positions(f->ctx, FALSE);
        pango_context_set_language(f->ctx, pango_language_from_string(lang));
        if (!font_present(f->ctx)) {
                enk_loc loc = {0};
                enk_error(diags, loc, "font '%s' is not installed (Debian package %s)", FONT_FAMILY,
                          FONT_PACKAGE);
                enk_paper_fonts_free(f);
                return ENK_ERR_IO;
        }
        *out = f;
        return ENK_OK;
}

void enk_paper_fonts_free(struct enk_paper_fonts *f)
{
        if (!f)
                return;
        if (f->ctx)
                g_object_unref(f->ctx);
        if (f->fm)
                g_object_unref(f->fm);
        free(f);
}
