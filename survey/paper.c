/* survey/paper.c - the paper form: one layout pass, then the PDF (cairo + Pango) and the JSON.
 *
 * The layout pass turns the questionnaire into a list of drawing operations
 * ("ops") per page, in millimetres: texts (measured with Pango), checkboxes,
 * digit boxes, lined text areas, rules and shading. The PDF is drawn from those
 * ops and the JSON lists the scannable ones, so the two cannot disagree.
 *
 * How a page is built. Every question becomes one or more "parts" laid out
 * with y relative to the part's top: the first part holds the question text and
 * its first answer row, each further row of a grid or a choice list is a part
 * of its own. Pagination places a question whole on the current page, or whole
 * on the next one; only a question taller than a whole page is broken, between
 * parts, and a grid then repeats its column labels. A section's heading is
 * kept with its first question.
 *
 * Why the numbers (see docs/paper.md): the optical mark readers SDAPS, queXF
 * and auto-multiple-choice all use square boxes of 3.5-5 mm with thin outlines
 * and clear space around them, corner marks well inside the printable area,
 * and a page id the scanner can read without knowing the layout; we follow
 * them.
 */
#include "survey/paper.h"
#include "survey/outfile.h"
#include "survey/strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

/* fontconfig 2.14 (Debian 12) loses 288 bytes once while parsing its
 * configuration, in the thread Pango starts to load it. LeakSanitizer would
 * fail every sanitizer run of a program that lays out a form over a leak that
 * is not ours; this hook (read by LSan at start) leaves it out. Valgrind gets
 * the same from tests/valgrind.supp. It lives here, not in each program, because
 * this is the one module that loads fontconfig: every program that links it
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

/* ------------------------------------------------------------------------ */
/* Geometry, millimetres from the top-left corner of an A4 page.            */

#define PAGE_W       210.0
#define PAGE_H       297.0
#define MARGIN       10.0 /* nothing scanned within it: printers clip the edge */
#define MARK_OFF     12.0 /* the L's outer corner, from both edges */
#define MARK_ARM     20.0
#define MARK_T       1.0
#define X0           20.0 /* the content column */
#define X1           190.0
#define Y0           20.0
#define Y1           258.0
#define QX           (X0 + 8.0) /* question text, after its number */
#define QR_SIZE      14.0
#define QR_X         (X1 - QR_SIZE)
#define QR_Y         266.0
#define BOX          4.0
#define BOX_LW_PT    0.4
#define BOX_GAP      4.0 /* clear space between boxes, both ways */
#define ROW_MIN      (BOX + BOX_GAP + 1.0)
#define DIGIT_W      6.0
#define DIGIT_H      8.0
#define DIGIT_GAP    1.5
#define LINE_PITCH   8.0 /* free-text lines */
#define Q_GAP        7.0 /* between questions */
#define SEC_GAP      10.0
#define LEAD_GAP     4.0  /* section heading to its first question */
#define RUN_GAP      5.0  /* between scale questions on one scale, one under the other */
#define COL_MAX      15.0 /* widest scale column */
#define COL_MIN      (BOX + BOX_GAP)
#define NA_GAP       4.0  /* extra space before the "don't know" column */
#define TEXT_MIN     55.0 /* narrowest text column beside a scale */
#define MM_PT        (72.0 / 25.4)
#define FONT_FAMILY  "Open Sans"
#define FONT_PACKAGE "fonts-open-sans"

/* Coordinates are rounded to 0.01 mm as they are made, so that the layout
 * JSON carries no floating-point noise and is identical run after run. */
static double r2(double v)
{
        return round(v * 100.0) / 100.0;
}

/* ------------------------------------------------------------------------ */
/* Text styles                                                              */

enum style { S_TITLE, S_HEAD, S_BODY, S_QTEXT, S_HELP, S_LABEL, S_COL, S_FOOT, S_BOLD, S_DIGIT };

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
        [S_COL]   = {FONT_FAMILY " 7.5", 0.15},
        [S_FOOT]  = {FONT_FAMILY " 8", 0.35},
        [S_BOLD]  = {FONT_FAMILY " Bold 10", 0.0},
        [S_DIGIT] = {FONT_FAMILY " Italic 11", 0.0},
};
/* clang-format on */

enum align { A_LEFT, A_CENTER, A_RIGHT };

/* ------------------------------------------------------------------------ */
/* Drawing operations                                                       */

enum opkind {
        OP_TEXT,    /* text at x, y wrapped to w (0: one line) */
        OP_BOX,     /* a scannable checkbox */
        OP_DIGIT,   /* a scannable digit box */
        OP_AREA,    /* a lined free-text area of `n` lines */
        OP_FILL,    /* a grey rectangle (row shading) */
        OP_RULE,    /* a horizontal rule of width lw points */
        OP_EXAMPLE, /* a box in the instructions: n 0 crossed, 1 filled, 2 a digit */
        OP_FRAME,   /* a thin frame (the instructions) */
};

struct op {
        enum opkind kind;
        double x, y, w, h;
        enum style style; /* OP_TEXT */
        enum align align; /* OP_TEXT */
        char *text;       /* OP_TEXT, owned */
        size_t question;  /* OP_BOX, OP_DIGIT, OP_AREA */
        enk_paper_kind bkind;
        int32_t value;
        double pt;   /* OP_TEXT: the font size, 0 the style's own */
        unsigned n;  /* OP_DIGIT position, OP_AREA lines, OP_EXAMPLE variant */
        double grey; /* OP_FILL, OP_RULE */
        double lw;   /* OP_RULE */
};

struct oplist {
        struct op *v;
        size_t n, cap;
        double h; /* height of a part */
};

struct enk_paper {
        const enk_questionnaire *q;
        int lang;
        PangoFontMap *fm;
        PangoContext *ctx;
        struct oplist *pages;
        size_t npages;
        enk_paper_box *boxes;
        size_t nboxes;
        enk_paper_digit *digits;
        size_t ndigits;
        enk_paper_area *areas;
        size_t nareas;
        enk_paper_mark marks[4];
        enk_paper_rect qr;
};

/* The layout pass's state. Out of memory is sticky: builders go on with
 * no-ops and the pass returns ENK_ERR_NOMEM at the end, which keeps the
 * builders free of error plumbing. */
struct lay {
        enk_paper *p;
        const enk_questionnaire *q;
        int lang;
        bool en;
        bool nomem;
        enk_diags *diags;
        char **qnum; /* per question: "4", "5b" */
        double y;    /* where the next thing goes on the last page */
};

static void oplist_release(struct oplist *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i].text);
        free(l->v);
        *l = (struct oplist){0};
}

static struct op *push(struct lay *L, struct oplist *l, enum opkind kind)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 16;
                struct op *v = realloc(l->v, cap * sizeof *v);
                if (!v) {
                        L->nomem = true;
                        return NULL;
                }
                l->v = v;
                l->cap = cap;
        }
        struct op *o = &l->v[l->n++];
        *o = (struct op){.kind = kind};
        return o;
}

/* Moves every op of src into dst, dy lower; src is left empty. */
static void append(struct lay *L, struct oplist *dst, struct oplist *src, double dx, double dy)
{
        for (size_t i = 0; i < src->n; i++) {
                struct op *o = push(L, dst, src->v[i].kind);
                if (!o) {
                        free(src->v[i].text);
                        continue;
                }
                *o = src->v[i];
                o->x = r2(o->x + dx);
                o->y = r2(o->y + dy);
        }
        free(src->v);
        src->v = NULL;
        src->n = src->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* Pango                                                                    */

/* pt > 0 sets the style's font in that size instead of its own. */
static PangoLayout *make_layout(PangoContext *ctx, enum style s, double pt, const char *text,
                                double w, enum align a)
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

/* The height of text set in style s (in size pt, 0 the style's), wrapped to
 * w mm; the baseline of its first line in *base and its widest line in *width
 * when not NULL. */
static double measure_pt(struct lay *L, enum style s, double pt, const char *text, double w,
                         double *base, double *width)
{
        PangoLayout *lo = make_layout(L->p->ctx, s, pt, text, w, A_LEFT);
        int pw, ph;
        pango_layout_get_size(lo, &pw, &ph);
        if (base)
                *base = pango_layout_get_baseline(lo) / (double) PANGO_SCALE / MM_PT;
        if (width)
                *width = pw / (double) PANGO_SCALE / MM_PT;
        g_object_unref(lo);
        return ph / (double) PANGO_SCALE / MM_PT;
}

static double measure(struct lay *L, enum style s, const char *text, double w, double *base,
                      double *width)
{
        return measure_pt(L, s, 0, text, w, base, width);
}

/* Adds a text op in size pt (0: the style's) and returns its height. *base
 * (may be NULL) gets the first line's baseline, relative to y. */
static double text_pt(struct lay *L, struct oplist *l, enum style s, double pt, const char *str,
                      double x, double y, double w, enum align a, double *base)
{
        if (!str || !*str) {
                if (base)
                        *base = 0;
                return 0;
        }
        double h = measure_pt(L, s, pt, str, w, base, NULL);
        struct op *o = push(L, l, OP_TEXT);
        if (!o)
                return h;
        o->text = strdup(str);
        if (!o->text) {
                L->nomem = true;
                l->n--;
                return h;
        }
        o->x = r2(x);
        o->y = r2(y);
        o->w = r2(w);
        o->h = r2(h);
        o->style = s;
        o->align = a;
        o->pt = pt;
        return h;
}

static double text(struct lay *L, struct oplist *l, enum style s, const char *str, double x,
                   double y, double w, enum align a, double *base)
{
        return text_pt(L, l, s, 0, str, x, y, w, a, base);
}

/* The y of a box's top that centres it on a line of text whose baseline is at
 * base: boxes sit on the middle of the capitals (about 0.72 em for Open Sans),
 * not on the line box. size_pt is the text's size. */
static double box_on_line(double base, double size_pt)
{
        return base - 0.36 * size_pt / MM_PT - BOX / 2;
}

static void box(struct lay *L, struct oplist *l, double x, double y, size_t qi, enk_paper_kind kind,
                int32_t value)
{
        struct op *o = push(L, l, OP_BOX);
        if (!o)
                return;
        o->x = r2(x);
        o->y = r2(y);
        o->w = o->h = BOX;
        o->question = qi;
        o->bkind = kind;
        o->value = value;
}

/* ------------------------------------------------------------------------ */
/* Wording: the form's own text, Swedish or English.                        */

static const char *W(const struct lay *L, const char *sv, const char *en)
{
        return L->en ? en : sv;
}

static const char *T(const struct lay *L, const enk_text *t)
{
        return enk_text_get(t, L->lang);
}

/* A printf into a new string, or NULL (and nomem) when memory ran out. */
static char *fmt(struct lay *L, const char *f, ...) __attribute__((format(printf, 2, 3)));
static char *fmt(struct lay *L, const char *f, ...)
{
        va_list ap;
        va_start(ap, f);
        char *s = NULL;
        if (vasprintf(&s, f, ap) < 0) {
                s = NULL;
                L->nomem = true;
        }
        va_end(ap);
        return s;
}

/* ------------------------------------------------------------------------ */
/* Question parts                                                           */

#define MAX_PARTS 64

struct parts {
        struct oplist v[MAX_PARTS];
        size_t n;
        struct oplist cont; /* repeated at the top of a continuation page */
};

static void parts_release(struct parts *ps)
{
        for (size_t i = 0; i < ps->n; i++)
                oplist_release(&ps->v[i]);
        oplist_release(&ps->cont);
        ps->n = 0;
}

/* The label of value v of question qi, as the skip instruction quotes it. */
static const char *value_label(const struct lay *L, const enk_question *qn, int32_t v, char *buf,
                               size_t n)
{
        const enk_scale *sc = enk_question_scale(L->q, qn);
        switch (qn->type) {
        case ENK_Q_YESNO:
                return v ? W(L, "Ja", "Yes") : W(L, "Nej", "No");
        case ENK_Q_SCALE:
                if (sc && sc->has_na && v == ENK_NA)
                        return T(L, &sc->na_label);
                for (size_t i = 0; sc && i < sc->npoints; i++)
                        if (sc->points[i].value == v)
                                return T(L, &sc->points[i].label);
                break;
        case ENK_Q_SINGLE:
        case ENK_Q_MULTIPLE:
                for (size_t i = 0; i < qn->noptions; i++)
                        if (qn->options[i].value == v)
                                return T(L, &qn->options[i].label);
                break;
        default:
                break;
        }
        snprintf(buf, n, "%ld", (long) v);
        return buf;
}

/* The answers a question can have, for the skip instruction: options,
 * points (and na) or yes/no; 0 for numbers, where the values are listed as
 * they are. */
static size_t possible_values(const struct lay *L, const enk_question *qn, int32_t *out, size_t cap)
{
        size_t n = 0;
        const enk_scale *sc = enk_question_scale(L->q, qn);
        if (qn->type == ENK_Q_YESNO) {
                out[n++] = 1;
                out[n++] = 0;
        } else if (qn->type == ENK_Q_SINGLE || qn->type == ENK_Q_MULTIPLE) {
                for (size_t i = 0; i < qn->noptions && n < cap; i++)
                        out[n++] = qn->options[i].value;
        } else if (qn->type == ENK_Q_SCALE && sc) {
                for (size_t i = 0; i < sc->npoints && n < cap; i++)
                        out[n++] = sc->points[i].value;
                if (sc->has_na && n < cap)
                        out[n++] = ENK_NA;
        }
        return n;
}

static bool has_value(const enk_condition *c, int32_t v)
{
        for (size_t i = 0; i < c->nvalues; i++)
                if (c->values[i] == v)
                        return true;
        return false;
}

/* Appends ”a”, ”b” eller ”c” to buf. */
static void quote_list(const struct lay *L, const enk_question *qn, const int32_t *v, size_t n,
                       char *buf, size_t cap)
{
        size_t len = strlen(buf);
        for (size_t i = 0; i < n && len < cap; i++) {
                char num[16];
                const char *sep = i == 0 ? "" : i + 1 < n ? ", " : W(L, " eller ", " or ");
                /* Swedish quotes with ” on both sides, English with “ and ” */
                len += (size_t) snprintf(buf + len, cap - len, "%s%s%s\u201d", sep,
                                         W(L, "\u201d", "\u201c"),
                                         value_label(L, qn, v[i], num, sizeof num));
        }
}

/* Paper has no skip logic: a question asked only after some answers gets an
 * instruction. It names the answers that lead to it, or, when that list is
 * the longer one, the answers that skip it. */
static char *skip_hint(struct lay *L, const enk_condition *c)
{
        const enk_question *on = &L->q->questions[c->question];
        const char *num = L->qnum[c->question];
        char list[1024] = "";
        int32_t all[64];
        size_t nall = possible_values(L, on, all, 64);
        if (nall == 0 || c->nvalues * 2 <= nall) {
                quote_list(L, on, c->values, c->nvalues, list, sizeof list);
                if (on->type == ENK_Q_MULTIPLE)
                        return fmt(L,
                                   W(L, "Besvara frågan om du kryssade för %s i fråga %s.",
                                     "Answer this question if you ticked %s in question %s."),
                                   list, num);
                return fmt(L,
                           W(L, "Besvara frågan om du svarade %s på fråga %s.",
                             "Answer this question if you answered %s to question %s."),
                           list, num);
        }
        int32_t rest[64];
        size_t nrest = 0;
        for (size_t i = 0; i < nall; i++)
                if (!has_value(c, all[i]))
                        rest[nrest++] = all[i];
        quote_list(L, on, rest, nrest, list, sizeof list);
        if (on->type == ENK_Q_MULTIPLE)
                return fmt(L,
                           W(L, "Hoppa över frågan om du bara kryssade för %s i fråga %s.",
                             "Skip this question if you only ticked %s in question %s."),
                           list, num);
        return fmt(L,
                   W(L, "Hoppa över frågan om du svarade %s på fråga %s.",
                     "Skip this question if you answered %s to question %s."),
                   list, num);
}

/* The number, text, hints and help of a question (or a grid's lead) at the
 * top of part l, text wrapped to w; returns the height. */
static double head(struct lay *L, struct oplist *l, const char *num, const char *qtext,
                   const enk_text *help, const enk_condition *cond, bool multiple, double w)
{
        char *n = fmt(L, "%s.", num);
        if (n)
                text(L, l, S_QTEXT, n, X0, 0, 0, A_LEFT, NULL);
        free(n);
        double y = text(L, l, S_QTEXT, qtext, QX, 0, w, A_LEFT, NULL);
        if (multiple)
                y += 0.6 + text(L, l, S_HELP, W(L, "Flera svar möjliga.", "Tick all that apply."),
                                QX, y + 0.6, w, A_LEFT, NULL);
        if (cond) {
                char *h = skip_hint(L, cond);
                if (h)
                        y += 0.6 + text(L, l, S_HELP, h, QX, y + 0.6, w, A_LEFT, NULL);
                free(h);
        }
        if (help && T(L, help)[0])
                y += 0.6 + text(L, l, S_HELP, T(L, help), QX, y + 0.6, w, A_LEFT, NULL);
        return y;
}

/* Where the columns of a scale lie: the same for every question on it, so
 * that scale questions and grids line up down the page. */
struct cols {
        size_t n;          /* points, plus one for "don't know" */
        double cx[16];     /* column centres */
        double w;          /* column width */
        double text_w;     /* the text column beside them, from QX */
        int32_t value[16]; /* the value of each column */
        bool na[16];
};

/* A scale of more than this many columns (points and "don't know") gets the
 * whole width under its question: beside a text they would be too narrow. */
#define WIDE_COLS 7

static size_t ncols(const enk_scale *sc)
{
        return sc->npoints + (sc->has_na ? 1 : 0);
}

/* The columns of sc at the right of the content, leaving at least text_min
 * for a text at their left (0: the whole width). Returns false when they do
 * not fit beside text_min: they are then set at their narrowest, COL_MIN. */
static bool scale_cols(const enk_scale *sc, double text_min, struct cols *c)
{
        c->n = ncols(sc);
        double gap = sc->has_na ? NA_GAP : 0;
        double w = (X1 - QX - text_min - gap) / (double) c->n;
        bool fits = w >= COL_MIN - 0.005;
        if (w > COL_MAX)
                w = COL_MAX;
        if (w < COL_MIN)
                w = COL_MIN;
        c->w = w;
        double left = X1 - (double) c->n * w - gap;
        c->text_w = left - 3.0 - QX;
        for (size_t i = 0; i < c->n; i++) {
                bool na = sc->has_na && i == sc->npoints;
                c->cx[i] = left + ((double) i + 0.5) * w + (na ? gap : 0);
                c->na[i] = na;
                c->value[i] = na ? sc->na_code : sc->points[i].value;
        }
        return fits;
}

/* The columns of a scale question: beside its text, or the whole width for a
 * wide scale (its text then stands over them). */
static void question_cols(const enk_scale *sc, struct cols *c)
{
        scale_cols(sc, ncols(sc) > WIDE_COLS ? 0 : TEXT_MIN, c);
}

static const char *col_label(const struct lay *L, const enk_scale *sc, size_t i)
{
        return i < sc->npoints ? T(L, &sc->points[i].label) : T(L, &sc->na_label);
}

/* The sizes a point label may shrink to, step by step, before a word of it is
 * let stick out of its column. */
static const double label_pt[] = {7.5, 7.0, 6.5};
#define LABEL_SEP 2.0 /* clear space between the labels of two columns */

/* The point labels over the columns, from top; returns their height. Each is
 * centred over its column and wrapped at word boundaries to the column's
 * width. A word wider than that is not broken (Pango would break it at any
 * letter, with a hyphen): the label is first set smaller, down to 6.5 pt, and
 * if the word still does not fit it sticks out on both sides, like an anchor
 * label at the end of a 0-10 scale. Such a label is then lifted above every
 * neighbour's label it would run into, so that the short labels ("1", "2")
 * stay on the bottom line, right over their boxes, and it stands over its
 * own box (the tests read a box's label from the column above it). It is
 * moved sideways only to stay within lo..hi, the room the labels have; then
 * *moved (may be NULL) is set, as it no longer stands right over its box.
 * Labels are bottom-aligned otherwise, so every box reads its label directly
 * above it. */
static double col_labels(struct lay *L, struct oplist *l, const enk_scale *sc, const struct cols *c,
                         double top, double lo, double hi, bool *moved)
{
        if (moved)
                *moved = false;
        double cw = c->w - 1.0;
        double pt[16], h[16], x[16], x0[16], x1[16], lift[16];
        bool over[16];
        size_t nsizes = sizeof label_pt / sizeof label_pt[0];
        for (size_t i = 0; i < c->n; i++) {
                const char *s = col_label(L, sc, i);
                x[i] = c->cx[i] - cw / 2;
                x0[i] = x1[i] = c->cx[i];
                h[i] = lift[i] = 0;
                pt[i] = label_pt[0];
                over[i] = false;
                if (!*s)
                        continue;
                for (size_t k = 0; k < nsizes; k++) {
                        PangoLayout *lay =
                            make_layout(L->p->ctx, S_COL, label_pt[k], s, cw, A_CENTER);
                        PangoRectangle ext;
                        pango_layout_get_extents(lay, NULL, &ext);
                        g_object_unref(lay);
                        pt[i] = label_pt[k];
                        h[i] = ext.height / (double) PANGO_SCALE / MM_PT;
                        x0[i] = x[i] + ext.x / (double) PANGO_SCALE / MM_PT;
                        x1[i] = x0[i] + ext.width / (double) PANGO_SCALE / MM_PT;
                        over[i] = x1[i] - x0[i] > cw + 0.01;
                        if (!over[i])
                                break;
                }
                double dx = x0[i] < lo ? lo - x0[i] : x1[i] > hi ? hi - x1[i] : 0;
                if (moved && dx != 0)
                        *moved = true;
                x[i] += dx;
                x0[i] += dx;
                x1[i] += dx;
        }
        /* labels that fit their column sit on the bottom line; each one that
         * sticks out goes above whatever it would touch, in column order */
        for (size_t i = 0; i < c->n; i++) {
                if (!over[i])
                        continue;
                for (size_t j = 0; j < c->n; j++) {
                        bool placed = !over[j] || j < i;
                        if (j == i || !placed || h[j] == 0)
                                continue;
                        if (x0[i] < x1[j] + LABEL_SEP && x0[j] < x1[i] + LABEL_SEP)
                                lift[i] = fmax(lift[i], lift[j] + h[j] + 0.5);
                }
        }
        double height = 0;
        for (size_t i = 0; i < c->n; i++)
                height = fmax(height, lift[i] + h[i]);
        for (size_t i = 0; i < c->n; i++)
                text_pt(L, l, S_COL, pt[i], col_label(L, sc, i), x[i],
                        top + height - lift[i] - h[i], cw, A_CENTER, NULL);
        return height;
}

static void scale_boxes(struct lay *L, struct oplist *l, const struct cols *c, double y, size_t qi)
{
        for (size_t i = 0; i < c->n; i++)
                box(L, l, c->cx[i] - BOX / 2, y, qi, c->na[i] ? ENK_PAPER_NA : ENK_PAPER_SCALE,
                    c->value[i]);
}

/* A scale question: text on the left, the boxes in the scale's columns. With
 * labels false (it follows a question on the same scale on the same page,
 * whose labels stand right above) the point labels are left out, so that a run
 * of such questions reads as one table instead of repeating them. */
/* Returns whether the labels were left out as asked: a long question text,
 * or a wide scale, puts the text over the whole width and the labelled row of
 * boxes under it ("stacked"), always with its labels. */
static bool q_scale(struct lay *L, size_t qi, struct parts *ps, bool labels)
{
        const enk_question *qn = &L->q->questions[qi];
        const enk_scale *sc = enk_question_scale(L->q, qn);
        struct cols c;
        question_cols(sc, &c);
        struct oplist scratch = {0};
        double side = head(L, &scratch, L->qnum[qi], T(L, &qn->text), &qn->help, qn->show_if, false,
                           c.text_w);
        oplist_release(&scratch);
        /* beside the text, the labels have the columns' width only: one that
         * cannot stand over its own box there stacks the question too */
        bool moved = false;
        if (c.n <= WIDE_COLS && side <= 20.0) {
                col_labels(L, &scratch, sc, &c, 0, c.cx[0] - c.w / 2, X1, &moved);
                oplist_release(&scratch);
        }
        bool stacked = c.n > WIDE_COLS || side > 20.0 || moved;
        struct oplist *l = &ps->v[ps->n++];
        double th = head(L, l, L->qnum[qi], T(L, &qn->text), &qn->help, qn->show_if, false,
                         stacked ? X1 - QX : c.text_w);
        double by;
        if (stacked) {
                double top = th + 2.5;
                /* nothing stands left of the columns under the text */
                by = top + col_labels(L, l, sc, &c, top, X0, X1, NULL) + 1.5;
        } else if (labels) {
                /* beside the text: a label may not run into it */
                by = col_labels(L, l, sc, &c, 0, c.cx[0] - c.w / 2, X1, NULL) + 1.5;
        } else {
                double base;
                measure(L, S_QTEXT, T(L, &qn->text), c.text_w, &base, NULL);
                by = fmax(0, box_on_line(base, 10));
        }
        scale_boxes(L, l, &c, by, qi);
        l->h = fmax(th, by + BOX);
        return !labels && !stacked;
}

static double parts_height(const struct parts *ps)
{
        double h = 0;
        for (size_t i = 0; i < ps->n; i++)
                h += ps->v[i].h;
        return h;
}

static void q_grid(struct lay *L, size_t gi, struct parts *ps)
{
        const enk_grid *g = &L->q->grids[gi];
        const enk_scale *sc = &L->q->scales[g->scale];
        const enk_question *first = &L->q->questions[g->first];
        /* The item texts need a column of their own, TEXT_MIN wide, beside
         * the boxes (twelve columns of 0-10 and "don't know" leave 59 mm). A
         * scale too wide for that puts each item's text on a line of its own
         * over its row of boxes, which then take the whole width. */
        struct cols c;
        bool above = !scale_cols(sc, TEXT_MIN, &c);
        if (above)
                scale_cols(sc, 0, &c);
        /* the grid's number is its first item's without the letter */
        char num[32];
        snprintf(num, sizeof num, "%s", L->qnum[g->first]);
        num[strlen(num) - 1] = '\0';
        /* a show_if on the grid is on every item; hint it once, on the lead */
        bool shared = first->show_if != NULL;
        for (size_t k = 1; k < g->count; k++)
                if (L->q->questions[g->first + k].show_if != first->show_if)
                        shared = false;
        struct oplist *l = &ps->v[ps->n++];
        double y =
            head(L, l, num, T(L, &g->text), NULL, shared ? first->show_if : NULL, false, X1 - QX) +
            2.5;
        double lh = col_labels(L, l, sc, &c, y, X0, X1, NULL);
        col_labels(L, &ps->cont, sc, &c, 0, X0, X1, NULL);
        ps->cont.h = lh + 1.0;
        y += lh + 1.0;
        for (size_t k = 0; k < g->count && ps->n < MAX_PARTS; k++) {
                size_t qi = g->first + k;
                const enk_question *it = &L->q->questions[qi];
                struct oplist row = {0};
                double tw = (above ? X1 - QX : c.text_w) - 5.0;
                double pad = 2.2;
                char letter[8];
                snprintf(letter, sizeof letter, "%c", (char) ('a' + k));
                double base;
                text(L, &row, S_LABEL, letter, QX, pad, 0, A_LEFT, NULL);
                double h =
                    text(L, &row, S_LABEL, T(L, &it->text), QX + 5.0, pad, tw, A_LEFT, &base);
                if (!shared && it->show_if) {
                        char *hint = skip_hint(L, it->show_if);
                        if (hint)
                                h += 0.5 + text(L, &row, S_HELP, hint, QX + 5.0, pad + h + 0.5, tw,
                                                A_LEFT, NULL);
                        free(hint);
                }
                if (T(L, &it->help)[0])
                        h += 0.5 + text(L, &row, S_HELP, T(L, &it->help), QX + 5.0, pad + h + 0.5,
                                        tw, A_LEFT, NULL);
                double rh = fmax(h + 2 * pad, ROW_MIN);
                /* the boxes sit in the middle of the (shaded) row, as in a
                 * table; an item with a long hint keeps them by its text */
                double by = fmin((rh - BOX) / 2, box_on_line(pad + base, 9.5) + 2.5);
                if (above) {
                        by = pad + h + 1.5;
                        rh = by + BOX + pad;
                }
                scale_boxes(L, &row, &c, by, qi);
                row.h = rh;
                if (k % 2 == 0) {
                        /* shading every other row guides the eye along it;
                         * boxes are drawn white on top */
                        struct op *f = push(L, &row, OP_FILL);
                        if (f) {
                                f->x = QX - 1.5;
                                f->y = 0;
                                f->w = r2(X1 + 1.5 - f->x);
                                f->h = r2(rh);
                                f->grey = 0.93;
                                /* the shading goes under everything else */
                                struct op tmp = *f;
                                memmove(row.v + 1, row.v, (row.n - 1) * sizeof *row.v);
                                row.v[0] = tmp;
                        }
                }
                if (k == 0) {
                        append(L, l, &row, 0, y);
                        l->h = y + rh;
                } else {
                        struct oplist *p = &ps->v[ps->n++];
                        append(L, p, &row, 0, 0);
                        p->h = rh;
                }
                oplist_release(&row);
        }
}

/* Single and multiple choice: one box per option, down the page; two columns
 * when there are many short options, filled down the first column first. */
static void q_choice(struct lay *L, size_t qi, struct parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        bool multi = qn->type == ENK_Q_MULTIPLE;
        enk_paper_kind kind = multi ? ENK_PAPER_MULTIPLE : ENK_PAPER_SINGLE;
        struct oplist *l = &ps->v[ps->n++];
        double y =
            head(L, l, L->qnum[qi], T(L, &qn->text), &qn->help, qn->show_if, multi, X1 - QX) + 2.5;
        double full = X1 - QX - BOX - 3.0;
        double half = (X1 - QX) / 2 - BOX - 3.0 - 4.0;
        /* two columns when every label fits half the width on one line, or
         * when one column would take most of a page and two are shorter */
        size_t ncol = 1;
        if (qn->noptions >= 6) {
                bool fits = true;
                double h1 = 0, h2 = 0;
                for (size_t i = 0; i < qn->noptions; i++) {
                        const char *s = T(L, &qn->options[i].label);
                        double w;
                        measure(L, S_LABEL, s, 0, NULL, &w);
                        fits = fits && w <= half;
                        h1 += fmax(measure(L, S_LABEL, s, full, NULL, NULL) + 3.5, ROW_MIN - 0.5);
                        h2 += fmax(measure(L, S_LABEL, s, half, NULL, NULL) + 3.5, ROW_MIN - 0.5);
                }
                if (fits || (h1 > 0.6 * (Y1 - Y0) && h2 / 2 < h1))
                        ncol = 2;
        }
        size_t rows = (qn->noptions + ncol - 1) / ncol;
        double lw = ncol == 1 ? full : half;
        for (size_t r = 0; r < rows; r++) {
                struct oplist row = {0};
                double rh = 0;
                for (size_t cidx = 0; cidx < ncol; cidx++) {
                        size_t i = cidx * rows + r;
                        if (i >= qn->noptions)
                                break;
                        double x = QX + (double) cidx * (X1 - QX) / 2;
                        double base;
                        double h = text(L, &row, S_LABEL, T(L, &qn->options[i].label),
                                        x + BOX + 3.0, 0, lw, A_LEFT, &base);
                        box(L, &row, x, box_on_line(base, 9.5), qi, kind, qn->options[i].value);
                        rh = fmax(rh, h);
                }
                rh = fmax(rh + 3.5, ROW_MIN - 0.5);
                if (r == 0) {
                        append(L, l, &row, 0, y + 0.5);
                        l->h = y + rh;
                } else if (ps->n < MAX_PARTS) {
                        struct oplist *p = &ps->v[ps->n++];
                        append(L, p, &row, 0, 0.5);
                        p->h = rh;
                }
                oplist_release(&row);
        }
}

static void q_yesno(struct lay *L, size_t qi, struct parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        struct oplist *l = &ps->v[ps->n++];
        double y =
            head(L, l, L->qnum[qi], T(L, &qn->text), &qn->help, qn->show_if, false, X1 - QX) + 2.5;
        double base;
        double h = text(L, l, S_LABEL, W(L, "Ja", "Yes"), QX + BOX + 3.0, y, 0, A_LEFT, &base);
        text(L, l, S_LABEL, W(L, "Nej", "No"), QX + 28.0 + BOX + 3.0, y, 0, A_LEFT, NULL);
        box(L, l, QX, y + box_on_line(base, 9.5), qi, ENK_PAPER_YESNO, 1);
        box(L, l, QX + 28.0, y + box_on_line(base, 9.5), qi, ENK_PAPER_YESNO, 0);
        l->h = y + h;
}

static unsigned ndigits(long v)
{
        unsigned n = 1;
        for (v = labs(v); v >= 10; v /= 10)
                n++;
        return n;
}

static void q_number(struct lay *L, size_t qi, struct parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        struct oplist *l = &ps->v[ps->n++];
        double y =
            head(L, l, L->qnum[qi], T(L, &qn->text), &qn->help, qn->show_if, false, X1 - QX) + 2.5;
        unsigned n = ndigits(qn->max);
        if (ndigits(qn->min) > n)
                n = ndigits(qn->min);
        double x = QX;
        for (unsigned d = 0; d < n; d++) {
                struct op *o = push(L, l, OP_DIGIT);
                if (o) {
                        o->x = r2(x);
                        o->y = r2(y);
                        o->w = DIGIT_W;
                        o->h = DIGIT_H;
                        o->question = qi;
                        o->n = d;
                }
                x += DIGIT_W + DIGIT_GAP;
        }
        const char *unit = T(L, &qn->unit);
        if (unit[0]) {
                double base;
                double uh = measure(L, S_LABEL, unit, 0, &base, NULL);
                (void) uh;
                /* the unit sits on the digits' baseline, about 1.5 mm up from
                 * the boxes' bottom, as handwriting does */
                text(L, l, S_LABEL, unit, x + 1.5, y + DIGIT_H - 1.8 - base, 0, A_LEFT, NULL);
        }
        l->h = y + DIGIT_H;
}

static void q_text(struct lay *L, size_t qi, struct parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        struct oplist *l = &ps->v[ps->n++];
        double y =
            head(L, l, L->qnum[qi], T(L, &qn->text), &qn->help, qn->show_if, false, X1 - QX) + 1.0;
        unsigned rows = qn->rows ? qn->rows : 4;
        struct op *o = push(L, l, OP_AREA);
        if (o) {
                o->x = QX;
                o->y = r2(y);
                o->w = X1 - QX;
                o->h = r2(rows * LINE_PITCH);
                o->question = qi;
                o->n = rows;
        }
        l->h = y + rows * LINE_PITCH;
}

/* ------------------------------------------------------------------------ */
/* Pagination                                                               */

static void new_page(struct lay *L)
{
        enk_paper *p = L->p;
        struct oplist *v = realloc(p->pages, (p->npages + 1) * sizeof *v);
        if (!v) {
                L->nomem = true;
                return;
        }
        p->pages = v;
        p->pages[p->npages++] = (struct oplist){0};
        L->y = Y0;
}

static struct oplist *page(struct lay *L)
{
        return &L->p->pages[L->p->npages - 1];
}

static void put(struct lay *L, struct oplist *part)
{
        double h = part->h;
        append(L, page(L), part, 0, L->y);
        L->y += h;
}

/* Places a question's parts (after lead, a section heading, when not NULL),
 * gap below what is already on the page. */
static void place(struct lay *L, struct oplist *lead, struct parts *ps, double gap,
                  const char *what)
{
        if (L->nomem)
                return;
        double total = lead ? lead->h + LEAD_GAP : 0;
        for (size_t i = 0; i < ps->n; i++)
                total += ps->v[i].h;
        bool fresh = L->y <= Y0;
        if (!fresh && L->y + gap + total > Y1) {
                new_page(L);
                fresh = true;
        }
        if (L->nomem)
                return;
        if (!fresh)
                L->y += gap;
        if (total > Y1 - Y0) {
                enk_loc loc = {L->q->file, 0, 0};
                enk_warning(L->diags, loc, "%s is taller than a page: it is split across pages",
                            what);
        }
        if (lead) {
                put(L, lead);
                L->y += LEAD_GAP;
        }
        for (size_t i = 0; i < ps->n && !L->nomem; i++) {
                if (L->y > Y0 && L->y + ps->v[i].h > Y1) {
                        new_page(L);
                        if (L->nomem)
                                return;
                        if (ps->cont.n) {
                                struct oplist copy = {0};
                                for (size_t k = 0; k < ps->cont.n; k++) {
                                        struct op *o = push(L, &copy, ps->cont.v[k].kind);
                                        if (!o)
                                                break;
                                        *o = ps->cont.v[k];
                                        o->text = o->text ? strdup(o->text) : NULL;
                                }
                                copy.h = ps->cont.h;
                                put(L, &copy);
                                oplist_release(&copy);
                        }
                }
                put(L, &ps->v[i]);
        }
}

/* ------------------------------------------------------------------------ */
/* The title block, the section headings and the end                        */

static void example(struct lay *L, struct oplist *l, double x, double y, unsigned variant)
{
        struct op *o = push(L, l, OP_EXAMPLE);
        if (o) {
                o->x = r2(x);
                o->y = r2(y);
                o->w = o->h = BOX;
                o->n = variant;
        }
}

static void title_block(struct lay *L, struct oplist *l)
{
        const enk_questionnaire *q = L->q;
        double y = text(L, l, S_TITLE, T(L, &q->title), X0, 0, X1 - X0, A_LEFT, NULL);
        y += 4.0;
        if (T(L, &q->intro)[0])
                y += text(L, l, S_BODY, T(L, &q->intro), X0, y, 150.0, A_LEFT, NULL) + 6.0;

        /* How to fill in: the examples are drawn beside the words, outside the
         * scannable layout (they are not in the JSON). */
        double top = y;
        double ix = X0 + 5.0, tx = X0 + 22.0, tw = X1 - 5.0 - tx;
        y += 4.0;
        y += text(L, l, S_BOLD, W(L, "Så här fyller du i enkäten", "How to fill in the form"), ix,
                  y, X1 - X0 - 10, A_LEFT, NULL) +
             2.5;
        double base;
        double h = text(L, l, S_BODY,
                        W(L,
                          "Sätt ett kryss i rutan för det svar som stämmer bäst. Använd en "
                          "kulspetspenna med blått eller svart bläck.",
                          "Put a cross in the box of the answer that fits best. Please use a "
                          "ballpoint pen with blue or black ink."),
                        tx, y, tw, A_LEFT, &base);
        example(L, l, ix + 7.0, y + box_on_line(base, 10), 0);
        y += h + 3.0;
        h = text(L, l, S_BODY,
                 W(L,
                   "Om du har kryssat fel: fyll i hela den felaktiga rutan och sätt ett kryss "
                   "i rätt ruta.",
                   "If you ticked the wrong box: fill that box in completely and put a cross in "
                   "the right one."),
                 tx, y, tw, A_LEFT, &base);
        example(L, l, ix, y + box_on_line(base, 10), 1);
        example(L, l, ix + 7.0, y + box_on_line(base, 10), 0);
        y += h + 3.0;
        h = text(L, l, S_BODY,
                 W(L, "Skriv siffror tydligt, en siffra i varje ruta. Skriv fritt på linjerna.",
                   "Write numbers clearly, one digit in each box. Write freely on the lines."),
                 tx, y, tw, A_LEFT, &base);
        /* two small digit boxes, written in */
        double mid = y + box_on_line(base, 10) + BOX / 2;
        for (int d = 0; d < 2; d++) {
                struct op *o = push(L, l, OP_EXAMPLE);
                if (!o)
                        break;
                o->x = r2(ix + 1.0 + d * 5.5);
                o->y = r2(mid - 3.0);
                o->w = 4.5;
                o->h = 6.0;
                o->n = 2;
                o->text = strdup(d ? "2" : "1");
                if (!o->text)
                        L->nomem = true;
        }
        y += fmax(h, mid + 3.0 - y) + 4.0;
        struct op *f = push(L, l, OP_FRAME);
        if (f) {
                f->x = X0;
                f->y = r2(top);
                f->w = X1 - X0;
                f->h = r2(y - top);
        }
        l->h = y;
}

static void section_head(struct lay *L, struct oplist *l, const enk_section *s)
{
        double y = text(L, l, S_HEAD, T(L, &s->title), X0, 0, X1 - X0, A_LEFT, NULL) + 1.0;
        struct op *o = push(L, l, OP_RULE);
        if (o) {
                o->x = X0;
                o->y = r2(y);
                o->w = X1 - X0;
                o->lw = 0.75;
                o->grey = 0.0;
        }
        y += 2.5;
        if (T(L, &s->intro)[0])
                y += text(L, l, S_HELP, T(L, &s->intro), X0, y, X1 - X0, A_LEFT, NULL) + 0.5;
        l->h = y;
}

static void closing_block(struct lay *L, struct oplist *l)
{
        double y = text(L, l, S_HEAD, W(L, "Tack för dina svar!", "Thank you for your answers!"),
                        X0, 0, X1 - X0, A_LEFT, NULL) +
                   2.0;
        if (T(L, &L->q->closing)[0])
                y += text(L, l, S_BODY, T(L, &L->q->closing), X0, y, 150.0, A_LEFT, NULL);
        l->h = y;
}

/* The marks, the QR code's place and the footer: the same on every page, but
 * "Sida 2 av 6" needs the page count, so they come last. */
static void furnish(struct lay *L)
{
        enk_paper *p = L->p;
        static const double mx[4] = {MARK_OFF, PAGE_W - MARK_OFF, MARK_OFF, PAGE_W - MARK_OFF};
        static const double my[4] = {MARK_OFF, MARK_OFF, PAGE_H - MARK_OFF, PAGE_H - MARK_OFF};
        for (int i = 0; i < 4; i++)
                p->marks[i] = (enk_paper_mark){i, mx[i], my[i], MARK_ARM, MARK_T};
        p->qr = (enk_paper_rect){QR_X, QR_Y, QR_SIZE, QR_SIZE};
        for (size_t i = 0; i < p->npages && !L->nomem; i++) {
                struct oplist *l = &p->pages[i];
                double base;
                measure(L, S_FOOT, "X", 0, &base, NULL);
                double mid = QR_Y + QR_SIZE / 2;
                text(L, l, S_FOOT, T(L, &L->q->title), X0, mid - base + 1.0, 110.0, A_LEFT, NULL);
                char *s = fmt(L, W(L, "Sida %zu av %zu", "Page %zu of %zu"), i + 1, p->npages);
                if (s)
                        text(L, l, S_FOOT, s, QR_X - 4.0 - 40.0, mid - base + 1.0, 40.0, A_RIGHT,
                             NULL);
                free(s);
        }
}

/* Collects the scannable parts of every page into the public arrays. */
static void collect(struct lay *L)
{
        enk_paper *p = L->p;
        size_t nb = 0, nd = 0, na = 0;
        for (size_t i = 0; i < p->npages; i++)
                for (size_t k = 0; k < p->pages[i].n; k++) {
                        enum opkind kd = p->pages[i].v[k].kind;
                        nb += kd == OP_BOX;
                        nd += kd == OP_DIGIT;
                        na += kd == OP_AREA;
                }
        p->boxes = calloc(nb + 1, sizeof *p->boxes);
        p->digits = calloc(nd + 1, sizeof *p->digits);
        p->areas = calloc(na + 1, sizeof *p->areas);
        if (!p->boxes || !p->digits || !p->areas) {
                L->nomem = true;
                return;
        }
        for (size_t i = 0; i < p->npages; i++)
                for (size_t k = 0; k < p->pages[i].n; k++) {
                        const struct op *o = &p->pages[i].v[k];
                        enk_paper_rect r = {o->x, o->y, o->w, o->h};
                        if (o->kind == OP_BOX)
                                p->boxes[p->nboxes++] =
                                    (enk_paper_box){i, o->question, o->bkind, o->value, r};
                        else if (o->kind == OP_DIGIT)
                                p->digits[p->ndigits++] =
                                    (enk_paper_digit){i, o->question, o->n, r};
                        else if (o->kind == OP_AREA)
                                p->areas[p->nareas++] = (enk_paper_area){i, o->question, r};
                }
}

/* Numbers the questions as the respondent sees them: 1, 2, ... with a grid's
 * items lettered (5a, 5b). */
static void number_questions(struct lay *L)
{
        int n = 0;
        for (size_t i = 0; i < L->q->nquestions && !L->nomem; i++) {
                const enk_question *qn = &L->q->questions[i];
                if (qn->grid < 0) {
                        L->qnum[i] = fmt(L, "%d", ++n);
                } else {
                        const enk_grid *g = &L->q->grids[qn->grid];
                        if (i == g->first)
                                n++;
                        L->qnum[i] = fmt(L, "%d%c", n, (char) ('a' + (i - g->first)));
                }
        }
}

static void run(struct lay *L)
{
        const enk_questionnaire *q = L->q;
        number_questions(L);
        new_page(L);
        if (L->nomem)
                return;
        struct parts ps = {0};
        ps.n = 1;
        title_block(L, &ps.v[0]);
        place(L, NULL, &ps, 0, "the title");
        parts_release(&ps);
        for (size_t s = 0; s < q->nsections && !L->nomem; s++) {
                const enk_section *sec = &q->sections[s];
                struct oplist lead = {0};
                section_head(L, &lead, sec);
                bool first = true;
                int prev_scale = -1;
                for (size_t i = sec->first; i < sec->first + sec->count && !L->nomem; i++) {
                        const enk_question *qn = &q->questions[i];
                        prev_scale = i > sec->first && q->questions[i - 1].grid < 0 &&
                                             q->questions[i - 1].type == ENK_Q_SCALE
                                         ? q->questions[i - 1].scale
                                         : -1;
                        ps = (struct parts){0};
                        char what[128];
                        if (qn->grid >= 0) {
                                const enk_grid *g = &q->grids[qn->grid];
                                if (i != g->first)
                                        continue;
                                q_grid(L, (size_t) qn->grid, &ps);
                                snprintf(what, sizeof what, "grid '%s'", g->id);
                        } else {
                                switch (qn->type) {
                                case ENK_Q_SCALE:
                                        if (!first && prev_scale == qn->scale) {
                                                /* without labels only if it stays on
                                                 * this page, under its neighbour */
                                                bool compact = q_scale(L, i, &ps, false);
                                                if (compact &&
                                                    L->y + RUN_GAP + parts_height(&ps) <= Y1) {
                                                        place(L, NULL, &ps, RUN_GAP, "");
                                                        parts_release(&ps);
                                                        continue;
                                                }
                                                parts_release(&ps);
                                        }
                                        q_scale(L, i, &ps, true);
                                        break;
                                case ENK_Q_SINGLE:
                                case ENK_Q_MULTIPLE:
                                        q_choice(L, i, &ps);
                                        break;
                                case ENK_Q_YESNO:
                                        q_yesno(L, i, &ps);
                                        break;
                                case ENK_Q_NUMBER:
                                        q_number(L, i, &ps);
                                        break;
                                case ENK_Q_TEXT:
                                        q_text(L, i, &ps);
                                        break;
                                }
                                snprintf(what, sizeof what, "question '%s'", qn->id);
                        }
                        place(L, first ? &lead : NULL, &ps, first ? SEC_GAP : Q_GAP, what);
                        first = false;
                        parts_release(&ps);
                }
                oplist_release(&lead);
        }
        ps = (struct parts){0};
        ps.n = 1;
        closing_block(L, &ps.v[0]);
        place(L, NULL, &ps, SEC_GAP, "the closing text");
        parts_release(&ps);
        furnish(L);
        collect(L);
}

/* ------------------------------------------------------------------------ */
/* The public interface                                                     */

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

enk_status enk_paper_layout(const enk_questionnaire *q, const enk_paper_options *opt,
                            enk_paper **out, enk_diags *diags)
{
        if (!q || !out)
                return ENK_ERR_USAGE;
        int lang = opt ? opt->lang : 0;
        if (lang < 0 || (size_t) lang >= q->nlanguages)
                return ENK_ERR_USAGE;
        enk_paper *p = calloc(1, sizeof *p);
        if (!p)
                return ENK_ERR_NOMEM;
        p->q = q;
        p->lang = lang;
        /* our own font map and context: measuring and drawing then share one
         * set of font options, with hinting off, as a PDF has no pixel grid */
        p->fm = pango_cairo_font_map_new();
        p->ctx = p->fm ? pango_font_map_create_context(p->fm) : NULL;
        if (!p->ctx) {
                enk_paper_free(p);
                return ENK_ERR_NOMEM;
        }
        pango_cairo_context_set_resolution(p->ctx, 72.0);
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        pango_cairo_context_set_font_options(p->ctx, fo);
        cairo_font_options_destroy(fo);
        pango_context_set_round_glyph_positions(p->ctx, FALSE);
        pango_context_set_language(p->ctx, pango_language_from_string(q->languages[lang]));
        if (!font_present(p->ctx)) {
                enk_loc loc = {0};
                enk_error(diags, loc, "font '%s' is not installed (Debian package %s)", FONT_FAMILY,
                          FONT_PACKAGE);
                enk_paper_free(p);
                return ENK_ERR_IO;
        }

        struct lay L = {.p = p, .q = q, .lang = lang, .diags = diags};
        L.en = !strcmp(q->languages[lang], "en");
        L.qnum = calloc(q->nquestions + 1, sizeof *L.qnum);
        if (!L.qnum) {
                enk_paper_free(p);
                return ENK_ERR_NOMEM;
        }
        run(&L);
        for (size_t i = 0; i < q->nquestions; i++)
                free(L.qnum[i]);
        free(L.qnum);
        if (L.nomem) {
                enk_paper_free(p);
                return ENK_ERR_NOMEM;
        }
        *out = p;
        return ENK_OK;
}

void enk_paper_free(enk_paper *p)
{
        if (!p)
                return;
        for (size_t i = 0; i < p->npages; i++)
                oplist_release(&p->pages[i]);
        free(p->pages);
        free(p->boxes);
        free(p->digits);
        free(p->areas);
        if (p->ctx)
                g_object_unref(p->ctx);
        if (p->fm)
                g_object_unref(p->fm);
        free(p);
}

size_t enk_paper_npages(const enk_paper *p)
{
        return p ? p->npages : 0;
}

size_t enk_paper_nboxes(const enk_paper *p)
{
        return p ? p->nboxes : 0;
}

const enk_paper_box *enk_paper_box_get(const enk_paper *p, size_t i)
{
        return p && i < p->nboxes ? &p->boxes[i] : NULL;
}

size_t enk_paper_ndigits(const enk_paper *p)
{
        return p ? p->ndigits : 0;
}

const enk_paper_digit *enk_paper_digit_get(const enk_paper *p, size_t i)
{
        return p && i < p->ndigits ? &p->digits[i] : NULL;
}

size_t enk_paper_nareas(const enk_paper *p)
{
        return p ? p->nareas : 0;
}

const enk_paper_area *enk_paper_area_get(const enk_paper *p, size_t i)
{
        return p && i < p->nareas ? &p->areas[i] : NULL;
}

const enk_paper_mark *enk_paper_mark_get(const enk_paper *p, int i)
{
        return p && i >= 0 && i < 4 ? &p->marks[i] : NULL;
}

enk_paper_rect enk_paper_qr_rect(const enk_paper *p)
{
        return p ? p->qr : (enk_paper_rect){0};
}

void enk_paper_qr_text(const enk_paper *p, size_t page, unsigned serial, char *buf, size_t n)
{
        if (!n)
                return;
        if (!p) {
                buf[0] = '\0';
                return;
        }
        int len = snprintf(buf, n, "enkat:%s:%d:%s:%zu/%zu", p->q->survey, p->q->edition,
                           p->q->languages[p->lang], page + 1, p->npages);
        if (serial && len >= 0 && (size_t) len < n)
                snprintf(buf + len, n - (size_t) len, ":%05u", serial);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */

/* Output-only JSON with a handful of keys does not justify a JSON library:
 * the strings are ids, language codes and the QR text (docs/paper.md), which
 * are escaped all the same. */
typedef enk_strbuf buf;

static void put_str(buf *b, const char *s)
{
        enk_strbuf_puts(b, s);
}

#define put_mem enk_strbuf_add
#define put_fmt enk_strbuf_printf

static void put_json_str(buf *b, const char *s)
{
        put_str(b, "\"");
        for (const unsigned char *c = (const unsigned char *) s; *c; c++) {
                if (*c == '"' || *c == '\\')
                        put_fmt(b, "\\%c", *c);
                else if (*c < 0x20)
                        put_fmt(b, "\\u%04x", *c);
                else
                        put_mem(b, (const char *) c, 1);
        }
        put_str(b, "\"");
}

/* Millimetres as the shortest decimal of their 0.01 mm value (12, 12.5,
 * 12.25), from integers so that neither locale nor float printing matters. */
static void put_mm(buf *b, double v)
{
        long c = lround(v * 100.0);
        const char *sign = c < 0 ? "-" : "";
        c = labs(c);
        if (c % 100 == 0)
                put_fmt(b, "%s%ld", sign, c / 100);
        else if (c % 10 == 0)
                put_fmt(b, "%s%ld.%ld", sign, c / 100, (c % 100) / 10);
        else
                put_fmt(b, "%s%ld.%02ld", sign, c / 100, c % 100);
}

static void put_rect(buf *b, enk_paper_rect r)
{
        put_str(b, "\"x\":");
        put_mm(b, r.x);
        put_str(b, ",\"y\":");
        put_mm(b, r.y);
        put_str(b, ",\"w\":");
        put_mm(b, r.w);
        put_str(b, ",\"h\":");
        put_mm(b, r.h);
}

static const char *kind_name(enk_paper_kind k)
{
        switch (k) {
        case ENK_PAPER_SCALE:
                return "scale";
        case ENK_PAPER_SINGLE:
                return "single";
        case ENK_PAPER_MULTIPLE:
                return "multiple";
        case ENK_PAPER_YESNO:
                return "yesno";
        case ENK_PAPER_NA:
                return "na";
        }
        return "?";
}

enk_status enk_paper_layout_json(const enk_paper *p, char **json, size_t *len)
{
        if (!p || !json)
                return ENK_ERR_USAGE;
        static const char *corners[4] = {"tl", "tr", "bl", "br"};
        const enk_questionnaire *q = p->q;
        buf b = {0};
        put_str(&b, "{\"format\":\"enkat-paper-layout\",\"version\":1,\"survey\":");
        put_json_str(&b, q->survey);
        put_fmt(&b, ",\"edition\":%d,\"lang\":", q->edition);
        put_json_str(&b, q->languages[p->lang]);
        put_str(&b, ",\n\"page\":{\"width_mm\":");
        put_mm(&b, PAGE_W);
        put_str(&b, ",\"height_mm\":");
        put_mm(&b, PAGE_H);
        put_str(&b, ",\"margin_mm\":");
        put_mm(&b, MARGIN);
        put_str(&b, "},\n\"box_size_mm\":");
        put_mm(&b, BOX);
        put_str(&b, ",\"line_width_pt\":");
        put_mm(&b, BOX_LW_PT);
        put_str(&b, ",\n\"pages\":[");
        size_t ib = 0, id = 0, ia = 0;
        for (size_t i = 0; i < p->npages; i++) {
                char qr[256];
                enk_paper_qr_text(p, i, 0, qr, sizeof qr);
                put_fmt(&b, "%s\n{\"page\":%zu,\"qr_text\":", i ? "," : "", i + 1);
                put_json_str(&b, qr);
                put_str(&b, ",\n \"qr\":{");
                put_rect(&b, p->qr);
                put_str(&b, "},\n \"marks\":[");
                for (int m = 0; m < 4; m++) {
                        const enk_paper_mark *mk = &p->marks[m];
                        put_fmt(&b, "%s{\"corner\":\"%s\",\"x\":", m ? "," : "", corners[m]);
                        put_mm(&b, mk->x);
                        put_str(&b, ",\"y\":");
                        put_mm(&b, mk->y);
                        put_str(&b, ",\"arm_mm\":");
                        put_mm(&b, mk->arm);
                        put_str(&b, ",\"thickness_mm\":");
                        put_mm(&b, mk->thickness);
                        put_str(&b, "}");
                }
                put_str(&b, "],\n \"boxes\":[");
                for (bool first = true; ib < p->nboxes && p->boxes[ib].page == i; ib++) {
                        const enk_paper_box *x = &p->boxes[ib];
                        put_str(&b, first ? "\n  " : ",\n  ");
                        first = false;
                        put_str(&b, "{\"question\":");
                        put_json_str(&b, q->questions[x->question].id);
                        put_fmt(&b, ",\"kind\":\"%s\",\"value\":%ld,", kind_name(x->kind),
                                (long) x->value);
                        put_rect(&b, x->r);
                        put_str(&b, "}");
                }
                put_str(&b, "],\n \"digits\":[");
                for (bool first = true; id < p->ndigits && p->digits[id].page == i; id++) {
                        const enk_paper_digit *x = &p->digits[id];
                        put_str(&b, first ? "\n  " : ",\n  ");
                        first = false;
                        put_str(&b, "{\"question\":");
                        put_json_str(&b, q->questions[x->question].id);
                        put_fmt(&b, ",\"position\":%u,", x->position);
                        put_rect(&b, x->r);
                        put_str(&b, "}");
                }
                put_str(&b, "],\n \"text_areas\":[");
                for (bool first = true; ia < p->nareas && p->areas[ia].page == i; ia++) {
                        const enk_paper_area *x = &p->areas[ia];
                        put_str(&b, first ? "\n  " : ",\n  ");
                        first = false;
                        put_str(&b, "{\"question\":");
                        put_json_str(&b, q->questions[x->question].id);
                        put_str(&b, ",");
                        put_rect(&b, x->r);
                        put_str(&b, "}");
                }
                put_str(&b, "]}");
        }
        put_str(&b, "]}\n");
        char *out = enk_strbuf_take(&b, len);
        if (!out)
                return ENK_ERR_NOMEM;
        *json = out;
        return ENK_OK;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

static enk_status io_error(enk_diags *diags, const char *path, const char *what)
{
        enk_loc loc = {path, 0, 0};
        enk_error(diags, loc, "cannot write file: %s", what);
        return ENK_ERR_IO;
}

/* Closes the output file: puts it in place when st is ENK_OK and err is 0
 * (the errno of a failed write), otherwise removes it (survey/outfile.h).
 * Returns the final status, with a diagnostic for an I/O failure. */
static enk_status out_close(enk_outfile *o, const char *path, enk_status st, int err,
                            enk_diags *diags)
{
        if (st == ENK_OK && err)
                st = io_error(diags, path, strerror(err));
        if (st != ENK_OK) {
                enk_outfile_abort(o);
                return st;
        }
        return enk_outfile_commit(o, diags);
}

enk_status enk_paper_write_layout(const enk_paper *p, const char *path, enk_diags *diags)
{
        if (!p || !path)
                return ENK_ERR_USAGE;
        char *json = NULL;
        size_t len = 0;
        enk_status st = enk_paper_layout_json(p, &json, &len);
        if (st != ENK_OK)
                return st;
        enk_outfile *o = NULL;
        /* never over the questionnaire the form is made from */
        enk_outfile_options oo = {.kind = ENK_OUT_LAYOUT, .keep = p->q->file};
        st = enk_outfile_open(path, &oo, &o, diags);
        if (st == ENK_OK) {
                FILE *f = enk_outfile_stream(o);
                int err = fwrite(json, 1, len, f) == len ? 0 : (errno ? errno : EIO);
                st = out_close(o, path, st, err, diags);
        }
        free(json);
        return st;
}

/* ---- drawing ---- */

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

static void draw_text(const enk_paper *p, cairo_t *cr, const struct op *o)
{
        PangoLayout *lo = make_layout(p->ctx, o->style, o->pt, o->text, o->w, o->align);
        double g = styles[o->style].grey;
        cairo_set_source_rgb(cr, g, g, g);
        cairo_move_to(cr, o->x * MM_PT, o->y * MM_PT);
        pango_cairo_show_layout(cr, lo);
        g_object_unref(lo);
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

static void draw_op(const enk_paper *p, cairo_t *cr, const struct op *o)
{
        switch (o->kind) {
        case OP_TEXT:
                draw_text(p, cr, o);
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
                        PangoLayout *lo = make_layout(p->ctx, S_DIGIT, 0, o->text, o->w, A_CENTER);
                        int pw, ph;
                        pango_layout_get_size(lo, &pw, &ph);
                        cairo_move_to(cr, o->x * MM_PT,
                                      (o->y + o->h / 2) * MM_PT - ph / (2.0 * PANGO_SCALE));
                        pango_cairo_show_layout(cr, lo);
                        g_object_unref(lo);
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
        QRcode *code = QRcode_encodeString8bit(txt, 0, QR_ECLEVEL_H);
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
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                       enk_text_get(&p->q->title, p->lang));
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
                const struct oplist *l = &p->pages[i];
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
                st = io_error(diags, path, cairo_status_to_string(cs));
        return out_close(o, path, st, sink.err, diags);
}
