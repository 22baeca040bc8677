/* survey/paper_internal.h - what the files of the paper module share: the
 * geometry, the drawing operations and the layout pass's state.
 *
 * Only survey/paper*.c include it. The module (public header survey/paper.h)
 * is split by concern, and each library is included by one file only:
 *   paper.c           the layout pass: pages, pagination, the title block,
 *                     sections and footer; the accessors (no library);
 *   paper_questions.c each question type laid out into parts (no library);
 *   paper_text.c      the fonts: measuring and setting text (Pango);
 *   paper_pdf.c       the PDF drawn from the layout (cairo's PDF surface,
 *                     libqrencode);
 *   paper_json.c      the layout as JSON (no library).
 * Names shared between the files carry the enk_paper_ prefix; the geometry
 * macros and the short enum constants (S_, A_, OP_) are the module's own and
 * never leave these files.
 */
#ifndef ENK_PAPER_INTERNAL_H
#define ENK_PAPER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <math.h>

#include "survey/lang.h"
#include "survey/outfile.h"
#include "survey/paper.h"

/* cairo's context, named without its header (cairo.h declares it the same
 * way): the layout files never draw and so need not include cairo. */
typedef struct _cairo cairo_t;

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
static inline double enk_paper_round(double v)
{
        return round(v * 100.0) / 100.0;
}

/* ------------------------------------------------------------------------ */
/* Text styles (their fonts: paper_text.c)                                  */

enum enk_paper_style {
        S_TITLE,
        S_HEAD,
        S_BODY,
        S_QTEXT,
        S_HELP,
        S_LABEL,
        S_COL,
        S_FOOT,
        S_BOLD,
        S_DIGIT
};

enum enk_paper_align { A_LEFT, A_CENTER, A_RIGHT };

/* ------------------------------------------------------------------------ */
/* Drawing operations                                                       */

enum enk_paper_opkind {
        OP_TEXT,    /* text at x, y wrapped to w (0: one line) */
        OP_BOX,     /* a scannable checkbox */
        OP_DIGIT,   /* a scannable digit box */
        OP_AREA,    /* a lined free-text area of `n` lines */
        OP_FILL,    /* a grey rectangle (row shading) */
        OP_RULE,    /* a horizontal rule of width lw points */
        OP_EXAMPLE, /* a box in the instructions: n 0 crossed, 1 filled, 2 a digit */
        OP_FRAME,   /* a thin frame (the instructions) */
};

struct enk_paper_op {
        enum enk_paper_opkind kind;
        double x, y, w, h;
        enum enk_paper_style style; /* OP_TEXT */
        enum enk_paper_align align; /* OP_TEXT */
        char *text;                 /* OP_TEXT, owned */
        size_t question;            /* OP_BOX, OP_DIGIT, OP_AREA */
        enk_paper_kind bkind;
        int32_t value;
        double pt;   /* OP_TEXT: the font size, 0 the style's own */
        unsigned n;  /* OP_DIGIT position, OP_AREA lines, OP_EXAMPLE variant */
        double grey; /* OP_FILL, OP_RULE */
        double lw;   /* OP_RULE */
};

struct enk_paper_oplist {
        struct enk_paper_op *v;
        size_t n, cap;
        double h; /* height of a part */
};

struct enk_paper {
        const enk_questionnaire *q;
        int lang;
        char title[ENK_TITLE_YEAR_CAP]; /* the title with the wave's year */
        struct enk_paper_fonts *fonts;  /* paper_text.c */
        struct enk_paper_oplist *pages;
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
struct enk_paper_lay {
        enk_paper *p;
        const enk_questionnaire *q;
        int lang;       /* the questionnaire's language */
        enk_lang words; /* the language of the form's own words */
        bool nomem;
        enk_diags *diags;
        char **qnum;                  /* per question: "4", "5b" */
        const enk_paper_options *opt; /* as given, or NULL */
        double y;                     /* where the next thing goes on the last page */
};

/* A question laid out as parts, each with y relative to its own top
 * (survey/paper.c explains why). */
#define MAX_PARTS 64

struct enk_paper_parts {
        struct enk_paper_oplist v[MAX_PARTS];
        size_t n;
        struct enk_paper_oplist cont; /* repeated at the top of a continuation page */
};

/* ------------------------------------------------------------------------ */
/* Building ops (paper.c)                                                   */

/* Frees the ops' texts and the list, and empties l. */
void enk_paper_oplist_release(struct enk_paper_oplist *l);
/* A new zeroed op of kind at the end of l, or NULL (and L->nomem). */
struct enk_paper_op *enk_paper_push(struct enk_paper_lay *L, struct enk_paper_oplist *l,
                                    enum enk_paper_opkind kind);
/* Moves every op of src into dst, dx right and dy lower; src is left empty. */
void enk_paper_append(struct enk_paper_lay *L, struct enk_paper_oplist *dst,
                      struct enk_paper_oplist *src, double dx, double dy);
/* The height of text set in style s, wrapped to w mm (0: one line); the
 * baseline of its first line in *base and its widest line in *width when not
 * NULL. */
double enk_paper_measure(struct enk_paper_lay *L, enum enk_paper_style s, const char *text,
                         double w, double *base, double *width);
/* Adds a text op in size pt (0: the style's) and returns its height. *base
 * (may be NULL) gets the first line's baseline, relative to y. An empty or
 * NULL str adds nothing and has height 0. */
double enk_paper_text_pt(struct enk_paper_lay *L, struct enk_paper_oplist *l,
                         enum enk_paper_style s, double pt, const char *str, double x, double y,
                         double w, enum enk_paper_align a, double *base);
/* As enk_paper_text_pt() in the style's own size. */
double enk_paper_text(struct enk_paper_lay *L, struct enk_paper_oplist *l, enum enk_paper_style s,
                      const char *str, double x, double y, double w, enum enk_paper_align a,
                      double *base);
/* Puts a grey band under everything in l, from y to y + h, from x to the
 * content column's right edge: the shading of every other row of a grid or a run of scale
 * questions. */
void enk_paper_shade(struct enk_paper_lay *L, struct enk_paper_oplist *l, double x, double y,
                     double h);
/* Adds a scannable checkbox with its top-left corner at (x, y). */
void enk_paper_checkbox(struct enk_paper_lay *L, struct enk_paper_oplist *l, double x, double y,
                        size_t qi, enk_paper_kind kind, int32_t value);
/* A printf into a new string, or NULL (and L->nomem) when memory ran out. */
char *enk_paper_fmt(struct enk_paper_lay *L, const char *f, ...)
    __attribute__((format(printf, 2, 3)));

/* The y of a box's top that centres it on a line of text whose baseline is at
 * base: boxes sit on the middle of the capitals (about 0.72 em for Open Sans),
 * not on the line box. size_pt is the text's size. */
static inline double enk_paper_box_on_line(double base, double size_pt)
{
        return base - 0.36 * size_pt / MM_PT - BOX / 2;
}

/* Wording (paper_words.c): the form's own texts. PW_PAGE, PW_IF_* and
 * PW_SKIP_* are printf formats: "%zu of %zu" pages; "%s" the quoted answers,
 * "%s" the question's number; PW_GOTO "%s" the number of the question an
 * answer sends the respondent to. */
enum enk_paper_word {
        PW_HOW_TITLE,
        PW_HOW_CROSS,
        PW_HOW_WRONG,
        PW_HOW_DIGITS,
        PW_THANKS,
        PW_PAGE,
        PW_YES,
        PW_NO,
        PW_OR,
        PW_OPEN_QUOTE,
        PW_MULTIPLE,
        PW_IF_TICKED,
        PW_IF_ANSWERED,
        PW_SKIP_IF_ONLY_TICKED,
        PW_SKIP_IF_ANSWERED,
        PW_GOTO,
        PW_GOTO_END,
        PW_ABOUT_DEADLINE,
        PW_ABOUT_CONTACT,
        PW_COUNT
};

/* Word k in the form's language. */
const char *enk_paper_word(const struct enk_paper_lay *L, enum enk_paper_word k);

/* A text of the questionnaire in the form's language. */
static inline const char *enk_paper_tr(const struct enk_paper_lay *L, const enk_text *t)
{
        return enk_text_get(t, L->lang);
}

/* Closes an output file: puts it in place when st is ENK_OK and err is 0
 * (the errno of a failed write), otherwise removes it (survey/outfile.h).
 * Returns the final status, with a diagnostic for an I/O failure. */
enk_status enk_paper_close_output(enk_outfile *o, const char *path, enk_status st, int err,
                                  enk_diags *diags);
/* Appends "PATH: error: cannot write file: WHAT" and returns ENK_ERR_IO. */
enk_status enk_paper_io_error(enk_diags *diags, const char *path, const char *what);

/* ------------------------------------------------------------------------ */
/* Questions (paper_questions.c)                                            */

/* Lays out question qi (not a grid item) into ps. labels false asks a scale
 * question to leave out its point labels (it follows a question on the same
 * scale); returns whether they were left out (only for a scale question that
 * is not stacked; false for every other type). */
bool enk_paper_question(struct enk_paper_lay *L, size_t qi, struct enk_paper_parts *ps,
                        bool labels);
/* Lays out grid gi into ps: a lead part, one part per further item, and the
 * column labels to repeat on a continuation page in ps->cont. */
void enk_paper_grid(struct enk_paper_lay *L, size_t gi, struct enk_paper_parts *ps);

/* ------------------------------------------------------------------------ */
/* Fonts (paper_text.c): Pango, with one font map and context per paper     */

struct enk_paper_fonts;

/* The fonts for text in language lang ("sv"). ENK_ERR_NOMEM, or ENK_ERR_IO
 * with a diagnostic when the font is not installed; *out is then untouched. */
enk_status enk_paper_fonts_new(const char *lang, struct enk_paper_fonts **out, enk_diags *diags);
/* NULL is a no-op. */
void enk_paper_fonts_free(struct enk_paper_fonts *f);
/* The height in mm of text in style s, size pt (0: the style's), wrapped to w
 * mm; *base (the first baseline) and *width (the widest line) when not NULL. */
double enk_paper_fonts_measure(const struct enk_paper_fonts *f, enum enk_paper_style s, double pt,
                               const char *text, double w, double *base, double *width);
/* The logical extents in mm of text set as a text op would be: returns the
 * height; *x its left edge from the op's x, *width its width. */
double enk_paper_fonts_extents(const struct enk_paper_fonts *f, enum enk_paper_style s, double pt,
                               const char *text, double w, enum enk_paper_align a, double *x,
                               double *width);
/* Draws a text op, in its style's grey. */
void enk_paper_fonts_show(const struct enk_paper_fonts *f, cairo_t *cr,
                          const struct enk_paper_op *o);
/* Draws the digit of an example digit box, centred in it, in the current
 * colour. */
void enk_paper_fonts_show_digit(const struct enk_paper_fonts *f, cairo_t *cr,
                                const struct enk_paper_op *o);

#endif
