/* survey/paper.c - the paper form's layout pass: pages, pagination, title, sections, footer.
 *
 * The layout pass turns the questionnaire into a list of drawing operations
 * ("ops") per page, in millimetres: texts (measured with Pango, in
 * paper_text.c), checkboxes, digit boxes, lined text areas, rules and shading.
 * The PDF is drawn from those ops (paper_pdf.c) and the JSON lists the
 * scannable ones (paper_json.c), so the two cannot disagree. The questions'
 * parts are made in paper_questions.c; survey/paper_internal.h lists the
 * module's files and what they share.
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
#include "survey/paper_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Drawing operations                                                       */

void enk_paper_oplist_release(struct enk_paper_oplist *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i].text);
        free(l->v);
        *l = (struct enk_paper_oplist){0};
}

struct enk_paper_op *enk_paper_push(struct enk_paper_lay *L, struct enk_paper_oplist *l,
                                    enum enk_paper_opkind kind)
{
        if (l->n == l->cap) {
                size_t cap = l->cap ? 2 * l->cap : 16;
                struct enk_paper_op *v = realloc(l->v, cap * sizeof *v);
                if (!v) {
                        L->nomem = true;
                        return NULL;
                }
                l->v = v;
                l->cap = cap;
        }
        struct enk_paper_op *o = &l->v[l->n++];
        *o = (struct enk_paper_op){.kind = kind};
        return o;
}

void enk_paper_append(struct enk_paper_lay *L, struct enk_paper_oplist *dst,
                      struct enk_paper_oplist *src, double dx, double dy)
{
        for (size_t i = 0; i < src->n; i++) {
                struct enk_paper_op *o = enk_paper_push(L, dst, src->v[i].kind);
                if (!o) {
                        free(src->v[i].text);
                        continue;
                }
                *o = src->v[i];
                o->x = enk_paper_round(o->x + dx);
                o->y = enk_paper_round(o->y + dy);
        }
        free(src->v);
        src->v = NULL;
        src->n = src->cap = 0;
}

void enk_paper_shade(struct enk_paper_lay *L, struct enk_paper_oplist *l, double x, double y,
                     double h)
{
        struct enk_paper_op *f = enk_paper_push(L, l, OP_FILL);
        if (!f)
                return;
        f->x = enk_paper_round(x);
        f->y = enk_paper_round(y);
        f->w = enk_paper_round(X1 + 1.5 - f->x);
        f->h = enk_paper_round(h);
        f->grey = 0.93;
        /* the shading goes under everything else: boxes are drawn white on
         * top of it */
        struct enk_paper_op tmp = *f;
        memmove(l->v + 1, l->v, (l->n - 1) * sizeof *l->v);
        l->v[0] = tmp;
}

/* ------------------------------------------------------------------------ */
/* Text and boxes                                                           */

double enk_paper_measure(struct enk_paper_lay *L, enum enk_paper_style s, const char *text,
                         double w, double *base, double *width)
{
        return enk_paper_fonts_measure(L->p->fonts, s, 0, text, w, base, width);
}

double enk_paper_text_pt(struct enk_paper_lay *L, struct enk_paper_oplist *l,
                         enum enk_paper_style s, double pt, const char *str, double x, double y,
                         double w, enum enk_paper_align a, double *base)
{
        if (!str || !*str) {
                if (base)
                        *base = 0;
                return 0;
        }
        double h = enk_paper_fonts_measure(L->p->fonts, s, pt, str, w, base, NULL);
        struct enk_paper_op *o = enk_paper_push(L, l, OP_TEXT);
        if (!o)
                return h;
        o->text = strdup(str);
        if (!o->text) {
                L->nomem = true;
                l->n--;
                return h;
        }
        o->x = enk_paper_round(x);
        o->y = enk_paper_round(y);
        o->w = enk_paper_round(w);
        o->h = enk_paper_round(h);
        o->style = s;
        o->align = a;
        o->pt = pt;
        return h;
}

double enk_paper_text(struct enk_paper_lay *L, struct enk_paper_oplist *l, enum enk_paper_style s,
                      const char *str, double x, double y, double w, enum enk_paper_align a,
                      double *base)
{
        return enk_paper_text_pt(L, l, s, 0, str, x, y, w, a, base);
}

void enk_paper_checkbox(struct enk_paper_lay *L, struct enk_paper_oplist *l, double x, double y,
                        size_t qi, enk_paper_kind kind, int32_t value)
{
        struct enk_paper_op *o = enk_paper_push(L, l, OP_BOX);
        if (!o)
                return;
        o->x = enk_paper_round(x);
        o->y = enk_paper_round(y);
        o->w = o->h = BOX;
        o->question = qi;
        o->bkind = kind;
        o->value = value;
}

char *enk_paper_fmt(struct enk_paper_lay *L, const char *f, ...)
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

static void parts_release(struct enk_paper_parts *ps)
{
        for (size_t i = 0; i < ps->n; i++)
                enk_paper_oplist_release(&ps->v[i]);
        enk_paper_oplist_release(&ps->cont);
        ps->n = 0;
}

static double parts_height(const struct enk_paper_parts *ps)
{
        double h = 0;
        for (size_t i = 0; i < ps->n; i++)
                h += ps->v[i].h;
        return h;
}

/* ------------------------------------------------------------------------ */
/* Pagination                                                               */

static void new_page(struct enk_paper_lay *L)
{
        enk_paper *p = L->p;
        struct enk_paper_oplist *v = realloc(p->pages, (p->npages + 1) * sizeof *v);
        if (!v) {
                L->nomem = true;
                return;
        }
        p->pages = v;
        p->pages[p->npages++] = (struct enk_paper_oplist){0};
        L->y = Y0;
}

static struct enk_paper_oplist *page(struct enk_paper_lay *L)
{
        return &L->p->pages[L->p->npages - 1];
}

static void put(struct enk_paper_lay *L, struct enk_paper_oplist *part)
{
        double h = part->h;
        enk_paper_append(L, page(L), part, 0, L->y);
        L->y += h;
}

/* Places a question's parts (after lead, a section heading, when not NULL),
 * gap below what is already on the page. */
static void place(struct enk_paper_lay *L, struct enk_paper_oplist *lead,
                  struct enk_paper_parts *ps, double gap, const char *what)
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
                                struct enk_paper_oplist copy = {0};
                                for (size_t k = 0; k < ps->cont.n; k++) {
                                        struct enk_paper_op *o =
                                            enk_paper_push(L, &copy, ps->cont.v[k].kind);
                                        if (!o)
                                                break;
                                        *o = ps->cont.v[k];
                                        o->text = o->text ? strdup(o->text) : NULL;
                                }
                                copy.h = ps->cont.h;
                                put(L, &copy);
                                enk_paper_oplist_release(&copy);
                        }
                }
                put(L, &ps->v[i]);
        }
}

/* ------------------------------------------------------------------------ */
/* The title block, the section headings and the end                        */

static void example(struct enk_paper_lay *L, struct enk_paper_oplist *l, double x, double y,
                    unsigned variant)
{
        struct enk_paper_op *o = enk_paper_push(L, l, OP_EXAMPLE);
        if (o) {
                o->x = enk_paper_round(x);
                o->y = enk_paper_round(y);
                o->w = o->h = BOX;
                o->n = variant;
        }
}

static void title_block(struct enk_paper_lay *L, struct enk_paper_oplist *l)
{
        const enk_questionnaire *q = L->q;
        double y = enk_paper_text(L, l, S_TITLE, L->p->title, X0, 0, X1 - X0, A_LEFT, NULL);
        y += 4.0;
        if (enk_paper_tr(L, &q->intro)[0])
                y += enk_paper_text(L, l, S_BODY, enk_paper_tr(L, &q->intro), X0, y, 150.0, A_LEFT,
                                    NULL) +
                     6.0;

        /* How to fill in: the examples are drawn beside the words, outside the
         * scannable layout (they are not in the JSON). */
        double top = y;
        double ix = X0 + 5.0, tx = X0 + 22.0, tw = X1 - 5.0 - tx;
        y += 4.0;
        y += enk_paper_text(L, l, S_BOLD, enk_paper_word(L, PW_HOW_TITLE), ix, y, X1 - X0 - 10,
                            A_LEFT, NULL) +
             2.5;
        double base;
        double h =
            enk_paper_text(L, l, S_BODY, enk_paper_word(L, PW_HOW_CROSS), tx, y, tw, A_LEFT, &base);
        example(L, l, ix + 7.0, y + enk_paper_box_on_line(base, 10), 0);
        y += h + 3.0;
        h = enk_paper_text(L, l, S_BODY, enk_paper_word(L, PW_HOW_WRONG), tx, y, tw, A_LEFT, &base);
        example(L, l, ix, y + enk_paper_box_on_line(base, 10), 1);
        example(L, l, ix + 7.0, y + enk_paper_box_on_line(base, 10), 0);
        y += h + 3.0;
        h = enk_paper_text(L, l, S_BODY, enk_paper_word(L, PW_HOW_DIGITS), tx, y, tw, A_LEFT,
                           &base);
        /* two small digit boxes, written in */
        double mid = y + enk_paper_box_on_line(base, 10) + BOX / 2;
        for (int d = 0; d < 2; d++) {
                struct enk_paper_op *o = enk_paper_push(L, l, OP_EXAMPLE);
                if (!o)
                        break;
                o->x = enk_paper_round(ix + 1.0 + d * 5.5);
                o->y = enk_paper_round(mid - 3.0);
                o->w = 4.5;
                o->h = 6.0;
                o->n = 2;
                o->text = strdup(d ? "2" : "1");
                if (!o->text)
                        L->nomem = true;
        }
        y += fmax(h, mid + 3.0 - y) + 4.0;
        struct enk_paper_op *f = enk_paper_push(L, l, OP_FRAME);
        if (f) {
                f->x = X0;
                f->y = enk_paper_round(top);
                f->w = X1 - X0;
                f->h = enk_paper_round(y - top);
        }
        l->h = y;
}

static void section_head(struct enk_paper_lay *L, struct enk_paper_oplist *l, const enk_section *s)
{
        double y =
            enk_paper_text(L, l, S_HEAD, enk_paper_tr(L, &s->title), X0, 0, X1 - X0, A_LEFT, NULL) +
            1.0;
        struct enk_paper_op *o = enk_paper_push(L, l, OP_RULE);
        if (o) {
                o->x = X0;
                o->y = enk_paper_round(y);
                o->w = X1 - X0;
                o->lw = 0.75;
                o->grey = 0.0;
        }
        y += 2.5;
        if (enk_paper_tr(L, &s->intro)[0])
                y += enk_paper_text(L, l, S_HELP, enk_paper_tr(L, &s->intro), X0, y, X1 - X0,
                                    A_LEFT, NULL) +
                     0.5;
        l->h = y;
}

static void closing_block(struct enk_paper_lay *L, struct enk_paper_oplist *l)
{
        double y = enk_paper_text(L, l, S_HEAD, enk_paper_word(L, PW_THANKS), X0, 0, X1 - X0,
                                  A_LEFT, NULL) +
                   2.0;
        if (enk_paper_tr(L, &L->q->closing)[0])
                y += enk_paper_text(L, l, S_BODY, enk_paper_tr(L, &L->q->closing), X0, y, 150.0,
                                    A_LEFT, NULL);
        l->h = y;
}

/* Who asks, at the foot of the first page where the title goes on the
 * others: "Vetlanda kommun · Svara senast 31 mars 2026" and, under it, whom
 * to ask; centred on the footer's line y. Outside the scanned layout, so the
 * form reads back the same with or without it. false when there is none. */
static bool about(struct enk_paper_lay *L, struct enk_paper_oplist *l, double y)
{
        const enk_paper_options *o = L->opt;
        char day[32];
        bool deadline = o && enk_lang_date(L->words, o->deadline, day);
        if (!o || (!o->municipality && !deadline && !o->contact))
                return false;
        char *when = deadline ? enk_paper_fmt(L, enk_paper_word(L, PW_ABOUT_DEADLINE), day) : NULL;
        char *first = enk_paper_fmt(L, "%s%s%s", o->municipality ? o->municipality : "",
                                    o->municipality && when ? " · " : "", when ? when : "");
        char *ask =
            o->contact ? enk_paper_fmt(L, enk_paper_word(L, PW_ABOUT_CONTACT), o->contact) : NULL;
        /* Two lines of 8 pt about 3.5 mm apart, around the line's middle. */
        double y1 = ask && first && *first ? y - 1.9 : y;
        if (first && *first)
                enk_paper_text(L, l, S_FOOT, first, X0, y1, 120.0, A_LEFT, NULL);
        if (ask)
                enk_paper_text(L, l, S_FOOT, ask, X0, first && *first ? y1 + 3.6 : y, 120.0, A_LEFT,
                               NULL);
        free(when);
        free(first);
        free(ask);
        return true;
}

/* The marks, the QR code's place and the footer: the same on every page, but
 * "Sida 2 av 6" needs the page count, so they come last. */
static void furnish(struct enk_paper_lay *L)
{
        enk_paper *p = L->p;
        static const double mx[4] = {MARK_OFF, PAGE_W - MARK_OFF, MARK_OFF, PAGE_W - MARK_OFF};
        static const double my[4] = {MARK_OFF, MARK_OFF, PAGE_H - MARK_OFF, PAGE_H - MARK_OFF};
        for (int i = 0; i < 4; i++)
                p->marks[i] = (enk_paper_mark){i, mx[i], my[i], MARK_ARM, MARK_T};
        p->qr = (enk_paper_rect){QR_X, QR_Y, QR_SIZE, QR_SIZE};
        for (size_t i = 0; i < p->npages && !L->nomem; i++) {
                struct enk_paper_oplist *l = &p->pages[i];
                double base;
                enk_paper_measure(L, S_FOOT, "X", 0, &base, NULL);
                double mid = QR_Y + QR_SIZE / 2;
                if (i > 0 || !about(L, l, mid - base + 1.0))
                        enk_paper_text(L, l, S_FOOT, L->p->title, X0, mid - base + 1.0, 110.0,
                                       A_LEFT, NULL);
                char *s = enk_paper_fmt(L, enk_paper_word(L, PW_PAGE), i + 1, p->npages);
                if (s)
                        enk_paper_text(L, l, S_FOOT, s, QR_X - 4.0 - 40.0, mid - base + 1.0, 40.0,
                                       A_RIGHT, NULL);
                free(s);
        }
}

/* Collects the scannable parts of every page into the public arrays. */
static void collect(struct enk_paper_lay *L)
{
        enk_paper *p = L->p;
        size_t nb = 0, nd = 0, na = 0;
        for (size_t i = 0; i < p->npages; i++)
                for (size_t k = 0; k < p->pages[i].n; k++) {
                        enum enk_paper_opkind kd = p->pages[i].v[k].kind;
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
                        const struct enk_paper_op *o = &p->pages[i].v[k];
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

/* Numbers the questions as the respondent sees them (enk_question_number). */
static void number_questions(struct enk_paper_lay *L)
{
        for (size_t i = 0; i < L->q->nquestions && !L->nomem; i++) {
                char num[32];
                enk_question_number(L->q, i, num, sizeof num);
                L->qnum[i] = enk_paper_fmt(L, "%s", num);
        }
}

/* A section: its heading kept with its first question, then the questions
 * and grids. A scale question right under one on the same scale leaves out
 * the point labels when it then stays on the page, under its neighbour: the
 * run then reads as one table, every other row shaded as in a grid, so that
 * the eye follows a row from its text to its boxes. */
static void section(struct enk_paper_lay *L, const enk_section *sec)
{
        const enk_questionnaire *q = L->q;
        struct enk_paper_oplist lead = {0};
        section_head(L, &lead, sec);
        bool first = true;
        int prev_scale = -1;
        size_t run_row = 0; /* the row of a run of compact scale questions */
        for (size_t i = sec->first; i < sec->first + sec->count && !L->nomem; i++) {
                const enk_question *qn = &q->questions[i];
                prev_scale = i > sec->first && q->questions[i - 1].grid < 0 &&
                                     q->questions[i - 1].type == ENK_Q_SCALE
                                 ? q->questions[i - 1].scale
                                 : -1;
                struct enk_paper_parts ps = {0};
                char what[128];
                if (qn->grid >= 0) {
                        const enk_grid *g = &q->grids[qn->grid];
                        if (i != g->first)
                                continue;
                        enk_paper_grid(L, (size_t) qn->grid, &ps);
                        snprintf(what, sizeof what, "grid '%s'", g->id);
                } else {
                        if (qn->type == ENK_Q_SCALE && !first && prev_scale == qn->scale) {
                                bool compact = enk_paper_question(L, i, &ps, false);
                                if (compact && L->y + RUN_GAP + parts_height(&ps) <= Y1) {
                                        if (++run_row % 2 == 1)
                                                enk_paper_shade(L, &ps.v[0], X0 - 1.5, -RUN_GAP / 2,
                                                                ps.v[0].h + RUN_GAP);
                                        place(L, NULL, &ps, RUN_GAP, "");
                                        parts_release(&ps);
                                        continue;
                                }
                                parts_release(&ps);
                        }
                        enk_paper_question(L, i, &ps, true);
                        run_row = 0;
                        snprintf(what, sizeof what, "question '%s'", qn->id);
                }
                place(L, first ? &lead : NULL, &ps, first ? SEC_GAP : Q_GAP, what);
                first = false;
                parts_release(&ps);
        }
        enk_paper_oplist_release(&lead);
}

static void run(struct enk_paper_lay *L)
{
        const enk_questionnaire *q = L->q;
        number_questions(L);
        new_page(L);
        if (L->nomem)
                return;
        struct enk_paper_parts ps = {0};
        ps.n = 1;
        title_block(L, &ps.v[0]);
        place(L, NULL, &ps, 0, "the title");
        parts_release(&ps);
        for (size_t s = 0; s < q->nsections && !L->nomem; s++)
                section(L, &q->sections[s]);
        ps = (struct enk_paper_parts){0};
        ps.n = 1;
        closing_block(L, &ps.v[0]);
        place(L, NULL, &ps, SEC_GAP, "the closing text");
        parts_release(&ps);
        furnish(L);
        collect(L);
}

/* ------------------------------------------------------------------------ */
/* The public interface                                                     */

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
        enk_title_with_year(enk_text_get(&q->title, lang), opt ? opt->year : 0, p->title,
                            sizeof p->title);
        enk_status st = enk_paper_fonts_new(q->languages[lang], &p->fonts, diags);
        if (st != ENK_OK) {
                enk_paper_free(p);
                return st;
        }

        struct enk_paper_lay L = {.p = p, .q = q, .lang = lang, .diags = diags, .opt = opt};
        L.words = enk_lang_of(q->languages[lang]);
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
                enk_paper_oplist_release(&p->pages[i]);
        free(p->pages);
        free(p->boxes);
        free(p->digits);
        free(p->areas);
        enk_paper_fonts_free(p->fonts);
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
/* Files (paper_json.c and paper_pdf.c write them)                          */

enk_status enk_paper_io_error(enk_diags *diags, const char *path, const char *what)
{
        enk_loc loc = {path, 0, 0};
        enk_error(diags, loc, "cannot write file: %s", what);
        return ENK_ERR_IO;
}

/* Closes the output file: puts it in place when st is ENK_OK and err is 0
 * (the errno of a failed write), otherwise removes it (survey/outfile.h).
 * Returns the final status, with a diagnostic for an I/O failure. */
enk_status enk_paper_close_output(enk_outfile *o, const char *path, enk_status st, int err,
                                  enk_diags *diags)
{
        if (st == ENK_OK && err)
                st = enk_paper_io_error(diags, path, strerror(err));
        if (st != ENK_OK) {
                enk_outfile_abort(o);
                return st;
        }
        return enk_outfile_commit(o, diags);
}
