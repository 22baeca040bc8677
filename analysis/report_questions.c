/* analysis/report_questions.c - sheet 5 of the report: every question, its scale, area and
 * editions.
 *
 * One row per question of the latest edition, with the editions it is in
 * (and the id it had there when it was renamed) and its earlier ids, as a
 * filterable list.
 */
#include "analysis/report_internal.h"

#include <stdio.h>
#include <string.h>

/* The columns' widths: id, text, type, scale, positive, area, headline,
 * editions, earlier ids. */
static const double widths[] = {20, 56, 10, 34, 9, 24, 10, 22, 18};

static enum enk_report_word type_word(enk_qtype t)
{
        switch (t) {
        case ENK_Q_SCALE:
                return W_T_SCALE;
        case ENK_Q_SINGLE:
                return W_T_SINGLE;
        case ENK_Q_MULTIPLE:
                return W_T_MULTIPLE;
        case ENK_Q_YESNO:
                return W_T_YESNO;
        case ENK_Q_NUMBER:
                return W_T_NUMBER;
        case ENK_Q_TEXT:
                return W_T_TEXT;
        }
        return W_T_TEXT;
}

/* Appends s to buf (a growing comma-separated list). */
static void append(char *buf, size_t cap, const char *s)
{
        size_t n = strlen(buf);
        if (n && n + 2 < cap) {
                memcpy(buf + n, ", ", 3);
                n += 2;
        }
        snprintf(buf + n, cap - n, "%s", s);
}

/* The id qn had in edition e: its own, one of its `was` ids, or NULL. */
static const char *id_in_edition(const enk_questionnaire *e, const enk_question *qn)
{
        for (size_t i = 0; i < e->nquestions; i++) {
                if (strcmp(e->questions[i].id, qn->id) == 0)
                        return qn->id;
                for (size_t k = 0; k < qn->nwas; k++)
                        if (strcmp(e->questions[i].id, qn->was[k]) == 0)
                                return qn->was[k];
        }
        return NULL;
}

/* Writes s wrapped into column col of row and raises *lines to the lines it
 * takes. */
static void put_wrapped(enk_report_ctx *c, lxw_worksheet *ws, size_t row, size_t col, const char *s,
                        unsigned *lines)
{
        unsigned n = enk_report_text_lines(s, widths[col]);
        if (n > *lines)
                *lines = n;
        enk_report_put_str(c, ws, row, col, s, c->fmt.wrap);
}

/* The scale's name and ends, and its positive points (columns 3 and 4). */
static void scale_cells(enk_report_ctx *c, lxw_worksheet *ws, size_t row, const enk_scale *sc,
                        unsigned *lines)
{
        char buf[2048], part[256];
        const char *label = enk_report_text(c, &sc->label);
        buf[0] = '\0';
        if (sc->npoints)
                enk_report_fmt(buf, sizeof buf, "%s (%d = %s … %d = %s)", *label ? label : sc->id,
                               sc->points[0].value, enk_report_text(c, &sc->points[0].label),
                               sc->points[sc->npoints - 1].value,
                               enk_report_text(c, &sc->points[sc->npoints - 1].label));
        put_wrapped(c, ws, row, 3, buf, lines);
        buf[0] = '\0';
        for (size_t k = 0; k < sc->npositive; k++)
                append(buf, sizeof buf, enk_report_fmt(part, sizeof part, "%d", sc->positive[k]));
        put_wrapped(c, ws, row, 4, buf, lines);
}

/* The editions qn is in, with its id there when it differs (column 7). */
static const char *editions(const enk_report_ctx *c, char *buf, size_t cap, const enk_question *qn)
{
        char part[256];
        buf[0] = '\0';
        for (size_t e = 0; e < c->f->neditions; e++) {
                const enk_questionnaire *ed = c->f->editions[e];
                const char *id = ed ? id_in_edition(ed, qn) : NULL;
                if (!id)
                        continue;
                if (strcmp(id, qn->id) == 0)
                        enk_report_fmt(part, sizeof part, "%d", ed->edition);
                else
                        enk_report_fmt(part, sizeof part, "%d (%s)", ed->edition, id);
                append(buf, cap, part);
        }
        return buf;
}

static void question_row(enk_report_ctx *c, lxw_worksheet *ws, size_t row, const enk_question *qn)
{
        const enk_questionnaire *q = c->q;
        char buf[2048];
        unsigned lines = 1;
        put_wrapped(c, ws, row, 0, qn->id, &lines);
        put_wrapped(c, ws, row, 1, enk_report_text(c, &qn->text), &lines);
        put_wrapped(c, ws, row, 2, enk_report_word(c, type_word(qn->type)), &lines);
        if (qn->type == ENK_Q_SCALE && qn->scale >= 0 && (size_t) qn->scale < q->nscales) {
                scale_cells(c, ws, row, &q->scales[qn->scale], &lines);
        } else {
                enk_report_put_str(c, ws, row, 3, "", c->fmt.wrap);
                enk_report_put_str(c, ws, row, 4, "", c->fmt.wrap);
        }
        put_wrapped(c, ws, row, 5,
                    qn->area >= 0 && (size_t) qn->area < q->nareas
                        ? enk_report_text(c, &q->areas[qn->area].label)
                        : "",
                    &lines);
        put_wrapped(c, ws, row, 6, qn->headline ? enk_report_word(c, W_YES) : "", &lines);
        put_wrapped(c, ws, row, 7, editions(c, buf, sizeof buf, qn), &lines);
        buf[0] = '\0';
        for (size_t k = 0; k < qn->nwas; k++)
                append(buf, sizeof buf, qn->was[k]);
        put_wrapped(c, ws, row, 8, buf, &lines);
        enk_report_fit_row(c, ws, row, lines);
}

void enk_report_sheet_questions(enk_report_ctx *c)
{
        const enk_questionnaire *q = c->q;
        lxw_worksheet *ws = enk_report_sheet(c, W_SH_QUESTIONS);
        if (!ws)
                return;
        enk_report_page_setup(c, ws, ENK_REPORT_FIT_WIDTH);
        enk_report_put_title(c, ws, enk_report_word(c, W_Q_TITLE), c->title);
        const enum enk_report_word heads[] = {W_COL_ID,       W_COL_TEXT,     W_COL_TYPE,
                                              W_COL_SCALE,    W_COL_POSITIVE, W_COL_AREA,
                                              W_COL_HEADLINE, W_COL_EDITIONS, W_COL_WAS};
        size_t header = 3;
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
                enk_report_put_str(c, ws, header, i, enk_report_word(c, heads[i]),
                                   c->fmt.header_left);
        enk_report_row_height(c, ws, header, 30);
        size_t row = header + 1;
        for (size_t qi = 0; qi < q->nquestions; qi++, row++)
                question_row(c, ws, row, &q->questions[qi]);
        for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
                enk_report_col_width(c, ws, i, i, widths[i], NULL);
        worksheet_freeze_panes(ws, (lxw_row_t) (header + 1), 0);
        if (row > header + 1)
                enk_report_note_err(
                    c, worksheet_autofilter(ws, (lxw_row_t) header, 0, (lxw_row_t) (row - 1), 8));
}
