/* survey/paper_questions.c - the paper form's questions: each type laid out into parts.
 *
 * A question becomes one or more parts with y relative to each part's top
 * (survey/paper.c places them on pages): the first holds the question's
 * number, text, hints and first answer row; each further row of a grid or a
 * choice list is a part of its own. Scale questions and grids set their boxes
 * in columns that are the same for every question on one scale, so that they
 * line up down the page. Measuring goes through paper_text.c; this file
 * includes no library.
 */
#include "survey/paper_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The label of value v of question qi, as the skip instruction quotes it. */
static const char *value_label(const struct enk_paper_lay *L, const enk_question *qn, int32_t v,
                               char *buf, size_t n)
{
        const enk_scale *sc = enk_question_scale(L->q, qn);
        switch (qn->type) {
        case ENK_Q_YESNO:
                return v ? enk_paper_word(L, PW_YES) : enk_paper_word(L, PW_NO);
        case ENK_Q_SCALE:
                if (sc && sc->has_na && v == ENK_NA)
                        return enk_paper_tr(L, &sc->na_label);
                for (size_t i = 0; sc && i < sc->npoints; i++)
                        if (sc->points[i].value == v)
                                return enk_paper_tr(L, &sc->points[i].label);
                break;
        case ENK_Q_SINGLE:
        case ENK_Q_MULTIPLE:
                for (size_t i = 0; i < qn->noptions; i++)
                        if (qn->options[i].value == v)
                                return enk_paper_tr(L, &qn->options[i].label);
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
static size_t possible_values(const struct enk_paper_lay *L, const enk_question *qn, int32_t *out,
                              size_t cap)
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
static void quote_list(const struct enk_paper_lay *L, const enk_question *qn, const int32_t *v,
                       size_t n, char *buf, size_t cap)
{
        size_t len = strlen(buf);
        for (size_t i = 0; i < n && len < cap; i++) {
                char num[16];
                const char *sep = i == 0 ? "" : i + 1 < n ? ", " : enk_paper_word(L, PW_OR);
                /* Swedish quotes with ” on both sides, English with “ and ” */
                len += (size_t) snprintf(buf + len, cap - len, "%s%s%s\u201d", sep,
                                         enk_paper_word(L, PW_OPEN_QUOTE),
                                         value_label(L, qn, v[i], num, sizeof num));
        }
}

/* Paper has no skip logic: a question asked only after some answers gets an
 * instruction. It names the answers that lead to it, or, when that list is
 * the longer one, the answers that skip it. */
static char *skip_hint(struct enk_paper_lay *L, const enk_condition *c)
{
        const enk_question *on = &L->q->questions[c->question];
        const char *num = L->qnum[c->question];
        char list[1024] = "";
        int32_t all[64];
        size_t nall = possible_values(L, on, all, 64);
        if (nall == 0 || c->nvalues * 2 <= nall) {
                quote_list(L, on, c->values, c->nvalues, list, sizeof list);
                if (on->type == ENK_Q_MULTIPLE)
                        return enk_paper_fmt(L, enk_paper_word(L, PW_IF_TICKED), list, num);
                return enk_paper_fmt(L, enk_paper_word(L, PW_IF_ANSWERED), list, num);
        }
        int32_t rest[64];
        size_t nrest = 0;
        for (size_t i = 0; i < nall; i++)
                if (!has_value(c, all[i]))
                        rest[nrest++] = all[i];
        quote_list(L, on, rest, nrest, list, sizeof list);
        if (on->type == ENK_Q_MULTIPLE)
                return enk_paper_fmt(L, enk_paper_word(L, PW_SKIP_IF_ONLY_TICKED), list, num);
        return enk_paper_fmt(L, enk_paper_word(L, PW_SKIP_IF_ANSWERED), list, num);
}

/* Whether question j is skipped on paper by answer v to question qi: its
 * condition is on qi and v is not among the answers that lead to it, or its
 * condition is on a question that is skipped itself (skip[] holds those). */
static bool skipped_by(const struct enk_paper_lay *L, size_t qi, int32_t v, size_t j,
                       const bool *skip)
{
        const enk_condition *c = L->q->questions[j].show_if;
        if (!c)
                return false;
        if (c->question == qi)
                return !has_value(c, v);
        return c->question > qi && c->question < j && skip[c->question - qi];
}

/* The go-to instruction beside the box of answer v of question qi ("→ gå
 * till fråga 7"), when that answer skips the question right after it: it
 * names the first later question the answer does not skip, or the end of the
 * form. NULL when v skips nothing (or memory ran out). */
static char *goto_hint(struct enk_paper_lay *L, size_t qi, int32_t v)
{
        size_t nq = L->q->nquestions;
        bool skip[256] = {false};
        size_t j = qi + 1;
        while (j < nq && j - qi < sizeof skip && skipped_by(L, qi, v, j, skip))
                skip[j++ - qi] = true;
        if (j == qi + 1 || j - qi >= sizeof skip)
                return NULL;
        if (j == nq)
                return enk_paper_fmt(L, "%s", enk_paper_word(L, PW_GOTO_END));
        /* a whole grid is named by its number, without the item's letter */
        const enk_question *to = &L->q->questions[j];
        char num[32];
        snprintf(num, sizeof num, "%s", L->qnum[j]);
        if (to->grid >= 0 && L->q->grids[to->grid].first == j)
                num[strlen(num) - 1] = '\0';
        return enk_paper_fmt(L, enk_paper_word(L, PW_GOTO), num);
}

/* The number, text, hints and help of a question (or a grid's lead) at the
 * top of part l, text wrapped to w; returns the height. */
static double head(struct enk_paper_lay *L, struct enk_paper_oplist *l, const char *num,
                   const char *qtext, const enk_text *help, const enk_condition *cond,
                   bool multiple, double w)
{
        char *n = enk_paper_fmt(L, "%s.", num);
        if (n)
                enk_paper_text(L, l, S_QTEXT, n, X0, 0, 0, A_LEFT, NULL);
        free(n);
        double y = enk_paper_text(L, l, S_QTEXT, qtext, QX, 0, w, A_LEFT, NULL);
        if (multiple)
                y += 0.6 + enk_paper_text(L, l, S_HELP, enk_paper_word(L, PW_MULTIPLE), QX, y + 0.6,
                                          w, A_LEFT, NULL);
        if (cond) {
                char *h = skip_hint(L, cond);
                if (h)
                        y += 0.6 + enk_paper_text(L, l, S_HELP, h, QX, y + 0.6, w, A_LEFT, NULL);
                free(h);
        }
        if (help && enk_paper_tr(L, help)[0])
                y += 0.6 + enk_paper_text(L, l, S_HELP, enk_paper_tr(L, help), QX, y + 0.6, w,
                                          A_LEFT, NULL);
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

static const char *col_label(const struct enk_paper_lay *L, const enk_scale *sc, size_t i)
{
        return i < sc->npoints ? enk_paper_tr(L, &sc->points[i].label)
                               : enk_paper_tr(L, &sc->na_label);
}

/* The sizes a point label may shrink to, step by step, before a word of it is
 * let stick out of its column: none below 8 pt, which is as small as a label
 * reads well on paper. */
static const double label_pt[] = {8.0};
#define LABEL_SEP 2.0 /* clear space between the labels of two columns */

/* The point labels over the columns, from top; returns their height. Each is
 * centred over its column and wrapped at word boundaries to the column's
 * width. A word wider than that is not broken (Pango would break it at any
 * letter, with a hyphen): the label is first set smaller (label_pt), and
 * if the word still does not fit it sticks out on both sides, like an anchor
 * label at the end of a 0-10 scale. Such a label is then lifted above every
 * neighbour's label it would run into, so that the short labels ("1", "2")
 * stay on the bottom line, right over their boxes, and it stands over its
 * own box (the tests read a box's label from the column above it). It is
 * moved sideways only to stay within lo..hi, the room the labels have; then
 * *moved (may be NULL) is set, as it no longer stands right over its box.
 * Labels are bottom-aligned otherwise, so every box reads its label directly
 * above it. */
static double col_labels(struct enk_paper_lay *L, struct enk_paper_oplist *l, const enk_scale *sc,
                         const struct cols *c, double top, double lo, double hi, bool *moved)
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
                        double ex, ew;
                        h[i] = enk_paper_fonts_extents(L->p->fonts, S_COL, label_pt[k], s, cw,
                                                       A_CENTER, &ex, &ew);
                        pt[i] = label_pt[k];
                        x0[i] = x[i] + ex;
                        x1[i] = x0[i] + ew;
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
                enk_paper_text_pt(L, l, S_COL, pt[i], col_label(L, sc, i), x[i],
                                  top + height - lift[i] - h[i], cw, A_CENTER, NULL);
        return height;
}

static void scale_boxes(struct enk_paper_lay *L, struct enk_paper_oplist *l, const struct cols *c,
                        double y, size_t qi)
{
        for (size_t i = 0; i < c->n; i++)
                enk_paper_checkbox(L, l, c->cx[i] - BOX / 2, y, qi,
                                   c->na[i] ? ENK_PAPER_NA : ENK_PAPER_SCALE, c->value[i]);
}

/* A scale question: text on the left, the boxes in the scale's columns. With
 * labels false (it follows a question on the same scale on the same page,
 * whose labels stand right above) the point labels are left out, so that a run
 * of such questions reads as one table instead of repeating them. */
/* Returns whether the labels were left out as asked: a long question text,
 * or a wide scale, puts the text over the whole width and the labelled row of
 * boxes under it ("stacked"), always with its labels. */
static bool q_scale(struct enk_paper_lay *L, size_t qi, struct enk_paper_parts *ps, bool labels)
{
        const enk_question *qn = &L->q->questions[qi];
        const enk_scale *sc = enk_question_scale(L->q, qn);
        struct cols c;
        question_cols(sc, &c);
        struct enk_paper_oplist scratch = {0};
        double side = head(L, &scratch, L->qnum[qi], enk_paper_tr(L, &qn->text), &qn->help,
                           qn->show_if, false, c.text_w);
        enk_paper_oplist_release(&scratch);
        /* beside the text, the labels have the columns' width only: one that
         * cannot stand over its own box there stacks the question too */
        bool moved = false;
        if (c.n <= WIDE_COLS && side <= 20.0) {
                col_labels(L, &scratch, sc, &c, 0, c.cx[0] - c.w / 2, X1, &moved);
                enk_paper_oplist_release(&scratch);
        }
        bool stacked = c.n > WIDE_COLS || side > 20.0 || moved;
        struct enk_paper_oplist *l = &ps->v[ps->n++];
        double th = head(L, l, L->qnum[qi], enk_paper_tr(L, &qn->text), &qn->help, qn->show_if,
                         false, stacked ? X1 - QX : c.text_w);
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
                enk_paper_measure(L, S_QTEXT, enk_paper_tr(L, &qn->text), c.text_w, &base, NULL);
                by = fmax(0, enk_paper_box_on_line(base, 10));
        }
        scale_boxes(L, l, &c, by, qi);
        l->h = fmax(th, by + BOX);
        return !labels && !stacked;
}

void enk_paper_grid(struct enk_paper_lay *L, size_t gi, struct enk_paper_parts *ps)
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
        struct enk_paper_oplist *l = &ps->v[ps->n++];
        double y = head(L, l, num, enk_paper_tr(L, &g->text), NULL, shared ? first->show_if : NULL,
                        false, X1 - QX) +
                   2.5;
        double lh = col_labels(L, l, sc, &c, y, X0, X1, NULL);
        col_labels(L, &ps->cont, sc, &c, 0, X0, X1, NULL);
        ps->cont.h = lh + 1.0;
        y += lh + 1.0;
        for (size_t k = 0; k < g->count && ps->n < MAX_PARTS; k++) {
                size_t qi = g->first + k;
                const enk_question *it = &L->q->questions[qi];
                struct enk_paper_oplist row = {0};
                double tw = (above ? X1 - QX : c.text_w) - 5.0;
                double pad = 2.2;
                char letter[8];
                snprintf(letter, sizeof letter, "%c", (char) ('a' + k));
                double base;
                enk_paper_text(L, &row, S_LABEL, letter, QX, pad, 0, A_LEFT, NULL);
                double h = enk_paper_text(L, &row, S_LABEL, enk_paper_tr(L, &it->text), QX + 5.0,
                                          pad, tw, A_LEFT, &base);
                if (!shared && it->show_if) {
                        char *hint = skip_hint(L, it->show_if);
                        if (hint)
                                h += 0.5 + enk_paper_text(L, &row, S_HELP, hint, QX + 5.0,
                                                          pad + h + 0.5, tw, A_LEFT, NULL);
                        free(hint);
                }
                if (enk_paper_tr(L, &it->help)[0])
                        h += 0.5 + enk_paper_text(L, &row, S_HELP, enk_paper_tr(L, &it->help),
                                                  QX + 5.0, pad + h + 0.5, tw, A_LEFT, NULL);
                double rh = fmax(h + 2 * pad, ROW_MIN);
                /* the boxes sit in the middle of the (shaded) row, as in a
                 * table; an item with a long hint keeps them by its text */
                double by = fmin((rh - BOX) / 2, enk_paper_box_on_line(pad + base, 9.5) + 2.5);
                if (above) {
                        by = pad + h + 1.5;
                        rh = by + BOX + pad;
                }
                scale_boxes(L, &row, &c, by, qi);
                row.h = rh;
                /* shading every other row guides the eye along it */
                if (k % 2 == 0)
                        enk_paper_shade(L, &row, QX - 1.5, 0, rh);
                if (k == 0) {
                        enk_paper_append(L, l, &row, 0, y);
                        l->h = y + rh;
                } else {
                        struct enk_paper_oplist *p = &ps->v[ps->n++];
                        enk_paper_append(L, p, &row, 0, 0);
                        p->h = rh;
                }
                enk_paper_oplist_release(&row);
        }
}

/* The go-to instruction of an option whose label (h high, wrapped to lw)
 * starts at x: beside a label of one line when it fits there, else on a line
 * of its own under it. Returns the height of both. */
static double goto_after(struct enk_paper_lay *L, struct enk_paper_oplist *l, size_t qi, int32_t v,
                         const char *label, double x, double lw, double h)
{
        char *hint = goto_hint(L, qi, v);
        if (!hint)
                return h;
        double w, hw;
        enk_paper_measure(L, S_LABEL, label, 0, NULL, &w);
        enk_paper_fonts_measure(L->p->fonts, S_BOLD, 9.5, hint, 0, NULL, &hw);
        if (w + 2.0 + hw <= lw)
                enk_paper_text_pt(L, l, S_BOLD, 9.5, hint, x + w + 2.0, 0, 0, A_LEFT, NULL);
        else
                h += enk_paper_text_pt(L, l, S_BOLD, 9.5, hint, x, h, lw, A_LEFT, NULL);
        free(hint);
        return h;
}

/* Single and multiple choice: one box per option, down the page; two columns
 * when there are many short options, filled down the first column first. */
static void q_choice(struct enk_paper_lay *L, size_t qi, struct enk_paper_parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        bool multi = qn->type == ENK_Q_MULTIPLE;
        enk_paper_kind kind = multi ? ENK_PAPER_MULTIPLE : ENK_PAPER_SINGLE;
        struct enk_paper_oplist *l = &ps->v[ps->n++];
        double y = head(L, l, L->qnum[qi], enk_paper_tr(L, &qn->text), &qn->help, qn->show_if,
                        multi, X1 - QX) +
                   2.5;
        double full = X1 - QX - BOX - 3.0;
        double half = (X1 - QX) / 2 - BOX - 3.0 - 4.0;
        /* two columns when every label fits half the width on one line, or
         * when one column would take most of a page and two are shorter */
        size_t ncol = 1;
        if (qn->noptions >= 6) {
                bool fits = true;
                double h1 = 0, h2 = 0;
                for (size_t i = 0; i < qn->noptions; i++) {
                        const char *s = enk_paper_tr(L, &qn->options[i].label);
                        double w;
                        enk_paper_measure(L, S_LABEL, s, 0, NULL, &w);
                        fits = fits && w <= half;
                        h1 += fmax(enk_paper_measure(L, S_LABEL, s, full, NULL, NULL) + 3.5,
                                   ROW_MIN - 0.5);
                        h2 += fmax(enk_paper_measure(L, S_LABEL, s, half, NULL, NULL) + 3.5,
                                   ROW_MIN - 0.5);
                }
                if (fits || (h1 > 0.6 * (Y1 - Y0) && h2 / 2 < h1))
                        ncol = 2;
        }
        size_t rows = (qn->noptions + ncol - 1) / ncol;
        double lw = ncol == 1 ? full : half;
        for (size_t r = 0; r < rows; r++) {
                struct enk_paper_oplist row = {0};
                double rh = 0;
                for (size_t cidx = 0; cidx < ncol; cidx++) {
                        size_t i = cidx * rows + r;
                        if (i >= qn->noptions)
                                break;
                        double x = QX + (double) cidx * (X1 - QX) / 2;
                        double base;
                        const char *label = enk_paper_tr(L, &qn->options[i].label);
                        double h = enk_paper_text(L, &row, S_LABEL, label, x + BOX + 3.0, 0, lw,
                                                  A_LEFT, &base);
                        enk_paper_checkbox(L, &row, x, enk_paper_box_on_line(base, 9.5), qi, kind,
                                           qn->options[i].value);
                        h = goto_after(L, &row, qi, qn->options[i].value, label, x + BOX + 3.0, lw,
                                       h);
                        rh = fmax(rh, h);
                }
                rh = fmax(rh + 3.5, ROW_MIN - 0.5);
                if (r == 0) {
                        enk_paper_append(L, l, &row, 0, y + 0.5);
                        l->h = y + rh;
                } else if (ps->n < MAX_PARTS) {
                        struct enk_paper_oplist *p = &ps->v[ps->n++];
                        enk_paper_append(L, p, &row, 0, 0.5);
                        p->h = rh;
                }
                enk_paper_oplist_release(&row);
        }
}

/* The go-to instruction of answer v set after its label, whose text ends at
 * x, on the line whose top is y; returns where it ends (x when v skips
 * nothing). */
static double goto_beside(struct enk_paper_lay *L, struct enk_paper_oplist *l, size_t qi, int32_t v,
                          double x, double y)
{
        char *h = goto_hint(L, qi, v);
        if (!h)
                return x;
        double w;
        enk_paper_fonts_measure(L->p->fonts, S_BOLD, 9.5, h, 0, NULL, &w);
        enk_paper_text_pt(L, l, S_BOLD, 9.5, h, x + 2.0, y, 0, A_LEFT, NULL);
        free(h);
        return x + 2.0 + w;
}

/* Yes and no side by side, each followed by its go-to instruction when it
 * skips questions. */
static void q_yesno(struct enk_paper_lay *L, size_t qi, struct enk_paper_parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        struct enk_paper_oplist *l = &ps->v[ps->n++];
        double y = head(L, l, L->qnum[qi], enk_paper_tr(L, &qn->text), &qn->help, qn->show_if,
                        false, X1 - QX) +
                   2.5;
        double x = QX, h = 0;
        for (int32_t v = 1; v >= 0; v--) {
                const char *label = enk_paper_word(L, v ? PW_YES : PW_NO);
                double base, w;
                h = enk_paper_text(L, l, S_LABEL, label, x + BOX + 3.0, y, 0, A_LEFT, &base);
                enk_paper_measure(L, S_LABEL, label, 0, NULL, &w);
                enk_paper_checkbox(L, l, x, y + enk_paper_box_on_line(base, 9.5), qi,
                                   ENK_PAPER_YESNO, v);
                double end = goto_beside(L, l, qi, v, x + BOX + 3.0 + w, y);
                x = fmax(x + 28.0, end + 8.0);
        }
        l->h = y + h;
}

static unsigned ndigits(long v)
{
        unsigned n = 1;
        for (v = labs(v); v >= 10; v /= 10)
                n++;
        return n;
}

static void q_number(struct enk_paper_lay *L, size_t qi, struct enk_paper_parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        struct enk_paper_oplist *l = &ps->v[ps->n++];
        double y = head(L, l, L->qnum[qi], enk_paper_tr(L, &qn->text), &qn->help, qn->show_if,
                        false, X1 - QX) +
                   2.5;
        unsigned n = ndigits(qn->max);
        if (ndigits(qn->min) > n)
                n = ndigits(qn->min);
        double x = QX;
        for (unsigned d = 0; d < n; d++) {
                struct enk_paper_op *o = enk_paper_push(L, l, OP_DIGIT);
                if (o) {
                        o->x = enk_paper_round(x);
                        o->y = enk_paper_round(y);
                        o->w = DIGIT_W;
                        o->h = DIGIT_H;
                        o->question = qi;
                        o->n = d;
                }
                x += DIGIT_W + DIGIT_GAP;
        }
        const char *unit = enk_paper_tr(L, &qn->unit);
        if (unit[0]) {
                double base;
                double uh = enk_paper_measure(L, S_LABEL, unit, 0, &base, NULL);
                (void) uh;
                /* the unit sits on the digits' baseline, about 1.5 mm up from
                 * the boxes' bottom, as handwriting does */
                enk_paper_text(L, l, S_LABEL, unit, x + 1.5, y + DIGIT_H - 1.8 - base, 0, A_LEFT,
                               NULL);
        }
        l->h = y + DIGIT_H;
}

static void q_text(struct enk_paper_lay *L, size_t qi, struct enk_paper_parts *ps)
{
        const enk_question *qn = &L->q->questions[qi];
        struct enk_paper_oplist *l = &ps->v[ps->n++];
        double y = head(L, l, L->qnum[qi], enk_paper_tr(L, &qn->text), &qn->help, qn->show_if,
                        false, X1 - QX) +
                   1.0;
        unsigned rows = qn->rows ? qn->rows : 4;
        struct enk_paper_op *o = enk_paper_push(L, l, OP_AREA);
        if (o) {
                o->x = QX;
                o->y = enk_paper_round(y);
                o->w = X1 - QX;
                o->h = enk_paper_round(rows * LINE_PITCH);
                o->question = qi;
                o->n = rows;
        }
        l->h = y + rows * LINE_PITCH;
}

bool enk_paper_question(struct enk_paper_lay *L, size_t qi, struct enk_paper_parts *ps, bool labels)
{
        switch (L->q->questions[qi].type) {
        case ENK_Q_SCALE:
                return q_scale(L, qi, ps, labels);
        case ENK_Q_SINGLE:
        case ENK_Q_MULTIPLE:
                q_choice(L, qi, ps);
                break;
        case ENK_Q_YESNO:
                q_yesno(L, qi, ps);
                break;
        case ENK_Q_NUMBER:
                q_number(L, qi, ps);
                break;
        case ENK_Q_TEXT:
                q_text(L, qi, ps);
                break;
        }
        return false;
}
