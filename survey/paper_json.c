/* survey/paper_json.c - the paper form's layout as JSON ("enkat-paper-layout", docs/paper.md).
 *
 * Lists what a scanner needs: every page's QR text and code, the marks, and
 * the scannable boxes, digits and text areas, from the same layout as the PDF.
 */
#include "survey/paper_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/strbuf.h"

/* Output-only JSON with a handful of keys does not justify a JSON library:
 * the strings are ids, language codes and the QR text (docs/paper.md), which
 * are escaped all the same, by enk_strbuf_add_json (survey/strbuf.h). */

/* Millimetres as the shortest decimal of their 0.01 mm value (12, 12.5,
 * 12.25), from integers so that neither locale nor float printing matters. */
static void put_mm(enk_strbuf *b, double v)
{
        long c = lround(v * 100.0);
        const char *sign = c < 0 ? "-" : "";
        c = labs(c);
        if (c % 100 == 0)
                enk_strbuf_printf(b, "%s%ld", sign, c / 100);
        else if (c % 10 == 0)
                enk_strbuf_printf(b, "%s%ld.%ld", sign, c / 100, (c % 100) / 10);
        else
                enk_strbuf_printf(b, "%s%ld.%02ld", sign, c / 100, c % 100);
}

static void put_rect(enk_strbuf *b, enk_paper_rect r)
{
        enk_strbuf_puts(b, "\"x\":");
        put_mm(b, r.x);
        enk_strbuf_puts(b, ",\"y\":");
        put_mm(b, r.y);
        enk_strbuf_puts(b, ",\"w\":");
        put_mm(b, r.w);
        enk_strbuf_puts(b, ",\"h\":");
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
        enk_strbuf b = {0};
        enk_strbuf_puts(&b, "{\"format\":\"enkat-paper-layout\",\"version\":1,\"survey\":");
        enk_strbuf_add_json(&b, q->survey);
        enk_strbuf_printf(&b, ",\"edition\":%d,\"lang\":", q->edition);
        enk_strbuf_add_json(&b, q->languages[p->lang]);
        enk_strbuf_puts(&b, ",\n\"page\":{\"width_mm\":");
        put_mm(&b, PAGE_W);
        enk_strbuf_puts(&b, ",\"height_mm\":");
        put_mm(&b, PAGE_H);
        enk_strbuf_puts(&b, ",\"margin_mm\":");
        put_mm(&b, MARGIN);
        enk_strbuf_puts(&b, "},\n\"box_size_mm\":");
        put_mm(&b, BOX);
        enk_strbuf_puts(&b, ",\"line_width_pt\":");
        put_mm(&b, BOX_LW_PT);
        enk_strbuf_puts(&b, ",\n\"pages\":[");
        size_t ib = 0, id = 0, ia = 0;
        for (size_t i = 0; i < p->npages; i++) {
                char qr[256];
                enk_paper_qr_text(p, i, 0, qr, sizeof qr);
                enk_strbuf_printf(&b, "%s\n{\"page\":%zu,\"qr_text\":", i ? "," : "", i + 1);
                enk_strbuf_add_json(&b, qr);
                enk_strbuf_puts(&b, ",\n \"qr\":{");
                put_rect(&b, p->qr);
                enk_strbuf_puts(&b, "},\n \"marks\":[");
                for (int m = 0; m < 4; m++) {
                        const enk_paper_mark *mk = &p->marks[m];
                        enk_strbuf_printf(&b, "%s{\"corner\":\"%s\",\"x\":", m ? "," : "",
                                          corners[m]);
                        put_mm(&b, mk->x);
                        enk_strbuf_puts(&b, ",\"y\":");
                        put_mm(&b, mk->y);
                        enk_strbuf_puts(&b, ",\"arm_mm\":");
                        put_mm(&b, mk->arm);
                        enk_strbuf_puts(&b, ",\"thickness_mm\":");
                        put_mm(&b, mk->thickness);
                        enk_strbuf_puts(&b, "}");
                }
                enk_strbuf_puts(&b, "],\n \"boxes\":[");
                for (bool first = true; ib < p->nboxes && p->boxes[ib].page == i; ib++) {
                        const enk_paper_box *x = &p->boxes[ib];
                        enk_strbuf_puts(&b, first ? "\n  " : ",\n  ");
                        first = false;
                        enk_strbuf_puts(&b, "{\"question\":");
                        enk_strbuf_add_json(&b, q->questions[x->question].id);
                        enk_strbuf_printf(&b, ",\"kind\":\"%s\",\"value\":%ld,", kind_name(x->kind),
                                          (long) x->value);
                        put_rect(&b, x->r);
                        enk_strbuf_puts(&b, "}");
                }
                enk_strbuf_puts(&b, "],\n \"digits\":[");
                for (bool first = true; id < p->ndigits && p->digits[id].page == i; id++) {
                        const enk_paper_digit *x = &p->digits[id];
                        enk_strbuf_puts(&b, first ? "\n  " : ",\n  ");
                        first = false;
                        enk_strbuf_puts(&b, "{\"question\":");
                        enk_strbuf_add_json(&b, q->questions[x->question].id);
                        enk_strbuf_printf(&b, ",\"position\":%u,", x->position);
                        put_rect(&b, x->r);
                        enk_strbuf_puts(&b, "}");
                }
                enk_strbuf_puts(&b, "],\n \"text_areas\":[");
                for (bool first = true; ia < p->nareas && p->areas[ia].page == i; ia++) {
                        const enk_paper_area *x = &p->areas[ia];
                        enk_strbuf_puts(&b, first ? "\n  " : ",\n  ");
                        first = false;
                        enk_strbuf_puts(&b, "{\"question\":");
                        enk_strbuf_add_json(&b, q->questions[x->question].id);
                        enk_strbuf_puts(&b, ",");
                        put_rect(&b, x->r);
                        enk_strbuf_puts(&b, "}");
                }
                enk_strbuf_puts(&b, "]}");
        }
        enk_strbuf_puts(&b, "]}\n");
        char *out = enk_strbuf_take(&b, len);
        if (!out)
                return ENK_ERR_NOMEM;
        *json = out;
        return ENK_OK;
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
                st = enk_paper_close_output(o, path, st, err, diags);
        }
        free(json);
        return st;
}
