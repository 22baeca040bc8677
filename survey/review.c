/* survey/review.c - the review of scanned answers: the queue, the crops, the decisions, the CSV.
 *
 * Finishing a copy waits until the person has moved on: a copy whose last
 * review was just decided stays changeable until a decision on another copy
 * (or enk_review_finish_all), because the one answer a person most often
 * wants to correct is the one just given, and a response, once stored, is no
 * longer the review's to change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survey/csv.h"
#include "survey/outfile.h"
#include "survey/paperin.h"
#include "survey/review.h"
#include "survey/scan.h"
#include "survey/store.h"
#include "survey/utf8.h"

#define MAX_ERRORS 100

struct enk_review {
        enk_store *store;
        enk_review_item *items;
        size_t n, cap;
        size_t finished; /* copies turned into responses */
        /* The last page read, for the crops of the same page. */
        enk_scan_image *img;
        char *img_file;
        unsigned img_page;
        bool img_turned;
};

/* ------------------------------------------------------------ words */

static const struct {
        const char *reason;
        enk_lang_pair words;
} reasons[] = {
    {"multiple", {"två kryss", "two marks"}},
    {"uncertain", {"otydligt kryss", "unclear mark"}},
    {"skipped",
     {"svar på en fråga som skulle hoppas över", "an answer to a question that was to be skipped"}},
    {"digits", {"skrivna siffror", "written digits"}},
};

const char *enk_review_reason_text(const char *reason, enk_lang lang)
{
        for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
                if (reason && !strcmp(reason, reasons[i].reason))
                        return enk_lang_pick(lang, reasons[i].words);
        return reason ? reason : "";
}

/* ------------------------------------------------------------ values */

void enk_review_value_format(const enk_questionnaire *q, const enk_question *qn, int32_t value,
                             bool missing_dash, char *buf, size_t size)
{
        if (value == ENK_MISSING) {
                snprintf(buf, size, "%s", missing_dash ? "-" : "");
                return;
        }
        if (value == ENK_NA) {
                const enk_scale *s = enk_question_scale(q, qn);
                snprintf(buf, size, "%ld", (long) (s ? s->na_code : 0));
                return;
        }
        if (qn->type != ENK_Q_MULTIPLE) {
                snprintf(buf, size, "%ld", (long) value);
                return;
        }
        size_t used = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < qn->noptions; i++) {
                int32_t v = qn->options[i].value;
                if (v < 1 || v > ENK_OPTION_MAX || !((uint32_t) value & (UINT32_C(1) << (v - 1))))
                        continue;
                int k = snprintf(buf + used, size - used, "%s%ld", used ? "|" : "", (long) v);
                if (k < 0 || (size_t) k >= size - used)
                        break;
                used += (size_t) k;
        }
}

static bool parse_one(const enk_questionnaire *q, const enk_question *qn, const char *s,
                      int32_t *value)
{
        long v;
        if (!enk_utf8_parse_int(s, -2000000000L, 2000000000L, &v))
                return false;
        const enk_scale *sc = enk_question_scale(q, qn);
        if (sc && sc->has_na && v == sc->na_code && !enk_question_allows(q, qn, (int32_t) v)) {
                *value = ENK_NA;
                return true;
        }
        *value = (int32_t) v;
        return true;
}

bool enk_review_value_parse(const enk_questionnaire *q, const enk_question *qn, const char *text,
                            int32_t *value)
{
        char buf[256];
        /* trimmed copy */
        while (*text == ' ' || *text == '\t')
                text++;
        size_t n = strlen(text);
        while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
                n--;
        if (n >= sizeof(buf))
                return false;
        memcpy(buf, text, n);
        buf[n] = '\0';
        if (!strcmp(buf, "-")) {
                *value = ENK_MISSING;
                return true;
        }
        int32_t v = 0;
        if (qn->type == ENK_Q_MULTIPLE) {
                uint32_t bits = 0;
                for (char *save = NULL, *tok = strtok_r(buf, "|", &save); tok;
                     tok = strtok_r(NULL, "|", &save)) {
                        int32_t o;
                        if (!parse_one(q, qn, tok, &o) || o < 1 || o > ENK_OPTION_MAX)
                                return false;
                        bits |= UINT32_C(1) << (o - 1);
                }
                v = (int32_t) bits;
        } else if (!parse_one(q, qn, buf, &v)) {
                return false;
        }
        if (!enk_question_allows(q, qn, v))
                return false;
        *value = v;
        return true;
}

/* ------------------------------------------------------------ the queue */

static char *dup(const char *s)
{
        return strdup(s ? s : "");
}

static void item_release(enk_review_item *it)
{
        free((char *) it->unit);
        free((char *) it->serial);
        free((char *) it->reason);
        free((char *) it->file);
}

struct load {
        enk_review *rv;
        enk_diags *diags;
        enk_status st;
};

static enk_status on_review(void *ctx, const enk_store_review *r)
{
        struct load *l = ctx;
        enk_review *rv = l->rv;
        if (rv->n == rv->cap) {
                size_t cap = rv->cap ? rv->cap * 2 : 64;
                enk_review_item *p = realloc(rv->items, cap * sizeof(*p));
                if (!p)
                        return ENK_ERR_NOMEM;
                rv->items = p;
                rv->cap = cap;
        }
        const enk_questionnaire *q = NULL;
        enk_status st = enk_store_edition(rv->store, r->edition_id, &q, l->diags);
        if (st != ENK_OK)
                return st;
        enk_review_item *it = &rv->items[rv->n];
        *it = (enk_review_item){.id = r->id,
                                .copy_id = r->copy_id,
                                .q = q,
                                .question = r->question,
                                .year = r->year,
                                .reading = r->reading,
                                .decided = r->decided,
                                .decision = r->decided ? r->decision : ENK_MISSING,
                                .page = r->page};
        int lang = enk_questionnaire_lang(q, r->lang);
        it->qlang = lang < 0 ? 0 : lang;
        memcpy(it->crop, r->crop, sizeof(it->crop));
        const enk_store_scan_page *pg = NULL;
        for (size_t i = 0; i < r->npages; i++)
                if (r->pages[i].page == r->page)
                        pg = &r->pages[i];
        if (pg) {
                it->file_page = pg->file_page;
                it->rotated = pg->rotated;
        }
        it->unit = dup(r->unit);
        it->serial = dup(r->serial);
        it->reason = dup(r->reason);
        it->file = dup(pg ? pg->file : "");
        if (!it->unit || !it->serial || !it->reason || !it->file || r->question >= q->nquestions) {
                item_release(it);
                return r->question >= q->nquestions ? ENK_ERR_DATA : ENK_ERR_NOMEM;
        }
        rv->n++;
        return ENK_OK;
}

/* The copy of items[i..] ends at the returned index. */
static size_t copy_end(const enk_review *rv, size_t i)
{
        size_t j = i;
        while (j < rv->n && rv->items[j].copy_id == rv->items[i].copy_id)
                j++;
        return j;
}

static bool copy_complete(const enk_review *rv, size_t first, size_t end)
{
        for (size_t k = first; k < end; k++)
                if (!rv->items[k].decided)
                        return false;
        return true;
}

static enk_status finish_copy(enk_review *rv, size_t first, size_t end, enk_diags *diags)
{
        int64_t rid = 0;
        enk_status st = enk_paperin_finish(rv->store, rv->items[first].copy_id, &rid, diags);
        if (st != ENK_OK)
                return st;
        for (size_t k = first; k < end; k++)
                rv->items[k].finished = true;
        rv->finished++;
        return ENK_OK;
}

enk_status enk_review_open(const char *db, enk_review **out, enk_diags *diags)
{
        if (!db || !out)
                return ENK_ERR_USAGE;
        enk_review *rv = calloc(1, sizeof(*rv));
        if (!rv)
                return ENK_ERR_NOMEM;
        enk_status st = enk_store_open(db, 0, &rv->store, diags);
        struct load l = {rv, diags, ENK_OK};
        if (st == ENK_OK)
                st = enk_store_reviews(rv->store, false, on_review, &l, diags);
        /* Keep the copies that are no response yet; finish those whose
         * reviews were all decided in a session that ended early. */
        size_t kept = 0;
        for (size_t i = 0; st == ENK_OK && i < rv->n;) {
                size_t end = copy_end(rv, i);
                const enk_questionnaire *q = rv->items[i].q;
                int32_t *values = malloc(q->nquestions * sizeof(*values));
                size_t waiting = 0;
                int64_t response = 0;
                if (!values)
                        st = ENK_ERR_NOMEM;
                else
                        st = enk_store_scan_values(rv->store, rv->items[i].copy_id, values,
                                                   q->nquestions, &waiting, &response, diags);
                free(values);
                bool keep = st == ENK_OK && !response && waiting;
                if (st == ENK_OK && !response && !waiting)
                        st = finish_copy(rv, i, end, diags);
                for (size_t k = i; k < end; k++) {
                        if (keep)
                                rv->items[kept++] = rv->items[k];
                        else
                                item_release(&rv->items[k]);
                }
                i = end;
        }
        if (st != ENK_OK) {
                rv->n = kept;
                enk_review_free(rv);
                return st;
        }
        rv->n = kept;
        *out = rv;
        return ENK_OK;
}

enk_status enk_review_finish_all(enk_review *rv, enk_diags *diags)
{
        if (!rv)
                return ENK_OK;
        enk_status result = ENK_OK;
        for (size_t i = 0; i < rv->n;) {
                size_t end = copy_end(rv, i);
                if (!rv->items[i].finished && copy_complete(rv, i, end)) {
                        enk_status st = finish_copy(rv, i, end, diags);
                        if (st != ENK_OK && result == ENK_OK)
                                result = st;
                }
                i = end;
        }
        return result;
}

void enk_review_free(enk_review *rv)
{
        if (!rv)
                return;
        if (rv->store)
                enk_review_finish_all(rv, NULL);
        for (size_t i = 0; i < rv->n; i++)
                item_release(&rv->items[i]);
        free(rv->items);
        enk_scan_image_free(rv->img);
        free(rv->img_file);
        enk_store_free(rv->store);
        free(rv);
}

size_t enk_review_count(const enk_review *rv)
{
        return rv->n;
}

const enk_review_item *enk_review_get(const enk_review *rv, size_t i)
{
        return i < rv->n ? &rv->items[i] : NULL;
}

size_t enk_review_next_waiting(const enk_review *rv)
{
        for (size_t i = 0; i < rv->n; i++)
                if (!rv->items[i].decided)
                        return i;
        return rv->n;
}

size_t enk_review_finished(const enk_review *rv)
{
        return rv->finished;
}

/* ------------------------------------------------------------ crops */

static enk_status load_page(enk_review *rv, const enk_review_item *it, enk_diags *diags)
{
        if (rv->img && !strcmp(rv->img_file, it->file) && rv->img_page == it->file_page &&
            rv->img_turned == it->rotated)
                return ENK_OK;
        enk_scan_image_free(rv->img);
        rv->img = NULL;
        free(rv->img_file);
        rv->img_file = NULL;
        enk_scan_file *f = NULL;
        enk_status st = enk_scan_open(it->file, &f, diags);
        if (st != ENK_OK)
                return st;
        enk_scan_image *img = NULL;
        for (unsigned p = 1; p <= it->file_page; p++) {
                enk_scan_image_free(img);
                img = NULL;
                st = enk_scan_next(f, &img, diags);
                if (st != ENK_OK || !img)
                        break;
        }
        enk_scan_close(f);
        if (st == ENK_OK && !img) {
                enk_loc loc = {it->file, 0, 0};
                enk_error(diags, loc, "the scan has no page %u (has it been changed since?)",
                          it->file_page);
                return ENK_ERR_NOTFOUND;
        }
        if (st == ENK_OK && it->rotated)
                st = enk_scan_image_turn(img);
        if (st != ENK_OK || !(rv->img_file = strdup(it->file))) {
                enk_scan_image_free(img);
                return st != ENK_OK ? st : ENK_ERR_NOMEM;
        }
        rv->img = img;
        rv->img_page = it->file_page;
        rv->img_turned = it->rotated;
        return ENK_OK;
}

enk_status enk_review_crop(enk_review *rv, size_t i, uint8_t **png, size_t *len, enk_diags *diags)
{
        if (!rv || i >= rv->n || !png || !len)
                return ENK_ERR_USAGE;
        const enk_review_item *it = &rv->items[i];
        enk_status st = load_page(rv, it, diags);
        if (st != ENK_OK)
                return st;
        enk_scan_rect r = {it->crop[0], it->crop[1], it->crop[2], it->crop[3]};
        /* A little of the page around the question, so that a mark just
         * outside a box is seen too. */
        int margin = (int) (enk_scan_image_dpi(rv->img) / 25.4 * 2 + 0.5);
        return enk_scan_crop_png(rv->img, r, margin, png, len);
}

/* ------------------------------------------------------------ decisions */

enk_status enk_review_decide(enk_review *rv, size_t i, int32_t value, enk_diags *diags)
{
        if (!rv || i >= rv->n)
                return ENK_ERR_USAGE;
        enk_review_item *it = &rv->items[i];
        enk_loc loc = {enk_store_path(rv->store), 0, 0};
        if (value != ENK_MISSING &&
            !enk_question_allows(it->q, &it->q->questions[it->question], value)) {
                enk_error(diags, loc, "review %lld: %ld is no answer to question '%s'",
                          (long long) it->id, (long) value, it->q->questions[it->question].id);
                return ENK_ERR_DATA;
        }
        if (it->finished) {
                enk_error(diags, loc, "review %lld: copy %s is a stored response already",
                          (long long) it->id, it->serial);
                return ENK_ERR_EXISTS;
        }
        enk_status st = enk_store_decide(rv->store, it->id, value, diags);
        if (st != ENK_OK)
                return st;
        it->decided = true;
        it->decision = value;
        /* The complete copies other than this one are left behind: finish
         * them. */
        for (size_t k = 0; k < rv->n;) {
                size_t end = copy_end(rv, k);
                if (rv->items[k].copy_id != it->copy_id && !rv->items[k].finished &&
                    copy_complete(rv, k, end)) {
                        st = finish_copy(rv, k, end, diags);
                        if (st != ENK_OK)
                                return st;
                }
                k = end;
        }
        /* The last of them all: nothing to move on to. */
        if (enk_review_next_waiting(rv) == rv->n)
                return enk_review_finish_all(rv, diags);
        return ENK_OK;
}

/* ------------------------------------------------------------ the CSV */

static const char *const header[] = {"review", "unit",   "year",    "serial",  "question",
                                     "text",   "reason", "reading", "decision"};
enum { NCOLS = sizeof(header) / sizeof(header[0]) };

enk_status enk_review_export(enk_review *rv, const char *path, enk_lang lang, size_t *rows,
                             enk_diags *diags)
{
        enk_outfile_options o = {.kind = ENK_OUT_REVIEW_CSV, .keep = enk_store_path(rv->store)};
        enk_outfile *out = NULL;
        enk_status st = enk_outfile_open(path, &o, &out, diags);
        if (st != ENK_OK)
                return st;
        FILE *f = enk_outfile_stream(out);
        fputs("\xEF\xBB\xBF", f);
        for (size_t c = 0; c < NCOLS; c++)
                fprintf(f, "%s%s", c ? ";" : "", header[c]);
        fputc('\n', f);
        size_t n = 0;
        for (size_t i = 0; i < rv->n; i++) {
                const enk_review_item *it = &rv->items[i];
                if (it->decided)
                        continue;
                const enk_question *qn = &it->q->questions[it->question];
                char id[32], year[16], reading[256];
                snprintf(id, sizeof(id), "%lld", (long long) it->id);
                snprintf(year, sizeof(year), "%d", it->year);
                enk_review_value_format(it->q, qn, it->reading, false, reading, sizeof(reading));
                const char *cells[NCOLS] = {id,
                                            it->unit,
                                            year,
                                            it->serial,
                                            qn->id,
                                            enk_text_get(&qn->text, it->qlang),
                                            enk_review_reason_text(it->reason, lang),
                                            reading,
                                            ""};
                for (size_t c = 0; c < NCOLS; c++) {
                        if (c)
                                fputc(';', f);
                        enk_csv_write_field(f, cells[c], ';');
                }
                fputc('\n', f);
                n++;
        }
        if (ferror(f)) {
                enk_outfile_abort(out);
                enk_loc loc = {path, 0, 0};
                enk_error(diags, loc, "cannot write file");
                return ENK_ERR_IO;
        }
        st = enk_outfile_commit(out, diags);
        if (st == ENK_OK && rows)
                *rows = n;
        return st;
}

struct import {
        enk_review *rv;
        const char *path;
        enk_diags *diags;
        int col_id, col_decision; /* -1 until the header is read */
        bool header_done;
        size_t errors;
        size_t *index; /* per decision, the item */
        int32_t *value;
        size_t n;
};

static enk_status on_row(void *ctx, unsigned line, const char *const *fields, size_t nfields)
{
        struct import *im = ctx;
        if (!im->header_done) {
                im->header_done = true;
                im->col_id = im->col_decision = -1;
                for (size_t c = 0; c < nfields; c++) {
                        const char *h = fields[c];
                        if (c == 0 && !strncmp(h, "\xEF\xBB\xBF", 3))
                                h += 3;
                        if (!strcmp(h, "review"))
                                im->col_id = (int) c;
                        else if (!strcmp(h, "decision"))
                                im->col_decision = (int) c;
                }
                if (im->col_id < 0 || im->col_decision < 0) {
                        enk_loc loc = {im->path, line, 1};
                        enk_error(im->diags, loc,
                                  "no column '%s' in the header (want the columns "
                                  "enkat review --export writes)",
                                  im->col_id < 0 ? "review" : "decision");
                        return ENK_ERR_SYNTAX;
                }
                return ENK_OK;
        }
        const char *cell = (size_t) im->col_decision < nfields ? fields[im->col_decision] : "";
        if (!*cell)
                return ENK_OK; /* left waiting */
        enk_loc at_id = {im->path, line, (unsigned) im->col_id + 1};
        enk_loc at_dec = {im->path, line, (unsigned) im->col_decision + 1};
        const char *ids = (size_t) im->col_id < nfields ? fields[im->col_id] : "";
        long id;
        size_t i = im->rv->n;
        if (enk_utf8_parse_int(ids, 1, INT32_MAX, &id))
                for (i = 0; i < im->rv->n && im->rv->items[i].id != id; i++)
                        ;
        if (i == im->rv->n) {
                enk_error(im->diags, at_id, "no review '%s' waits in the store", ids);
                im->errors++;
        } else {
                const enk_review_item *it = &im->rv->items[i];
                const enk_question *qn = &it->q->questions[it->question];
                int32_t v;
                if (!enk_review_value_parse(it->q, qn, cell, &v)) {
                        enk_error(im->diags, at_dec,
                                  "'%s' is no answer to question '%s' (want %s, or - for no "
                                  "answer)",
                                  cell, qn->id,
                                  enk_diag_text(qn->type == ENK_Q_MULTIPLE
                                                    ? ENK_MSGID("option values separated by '|'")
                                                : qn->type == ENK_Q_NUMBER
                                                    ? ENK_MSGID("a whole number in its range")
                                                : qn->type == ENK_Q_YESNO
                                                    ? ENK_MSGID("1 or 0")
                                                    : ENK_MSGID("one of its codes")));
                        im->errors++;
                } else {
                        for (size_t k = 0; k < im->n; k++)
                                if (im->index[k] == i) {
                                        enk_error(im->diags, at_id, "review %ld is given twice",
                                                  id);
                                        im->errors++;
                                        return im->errors >= MAX_ERRORS ? ENK_ERR_DATA : ENK_OK;
                                }
                        im->index[im->n] = i;
                        im->value[im->n] = v;
                        im->n++;
                }
        }
        return im->errors >= MAX_ERRORS ? ENK_ERR_DATA : ENK_OK;
}

enk_status enk_review_import(enk_review *rv, const char *path, size_t *decided, size_t *finished,
                             enk_diags *diags)
{
        struct import im = {.rv = rv, .path = path, .diags = diags};
        im.index = malloc((rv->n + 1) * sizeof(*im.index));
        im.value = malloc((rv->n + 1) * sizeof(*im.value));
        enk_status st = im.index && im.value ? ENK_OK : ENK_ERR_NOMEM;
        if (st == ENK_OK)
                st = enk_csv_read_table(path, on_row, &im, diags);
        if (st == ENK_OK && im.errors)
                st = ENK_ERR_DATA;
        size_t before = rv->finished;
        if (st == ENK_OK)
                st = enk_store_begin(rv->store, diags);
        if (st == ENK_OK) {
                for (size_t k = 0; st == ENK_OK && k < im.n; k++) {
                        enk_review_item *it = &rv->items[im.index[k]];
                        st = enk_store_decide(rv->store, it->id, im.value[k], diags);
                }
                /* Decided in memory too, so the complete copies are seen;
                 * put back as they were when anything failed. */
                enk_review_item *saved = NULL;
                if (st == ENK_OK && !(saved = malloc((rv->n + 1) * sizeof(*saved))))
                        st = ENK_ERR_NOMEM;
                if (st == ENK_OK) {
                        memcpy(saved, rv->items, rv->n * sizeof(*saved));
                        for (size_t k = 0; k < im.n; k++) {
                                rv->items[im.index[k]].decided = true;
                                rv->items[im.index[k]].decision = im.value[k];
                        }
                        st = enk_review_finish_all(rv, diags);
                }
                if (st == ENK_OK)
                        st = enk_store_commit(rv->store, diags);
                if (st != ENK_OK) {
                        enk_store_rollback(rv->store);
                        if (saved)
                                memcpy(rv->items, saved, rv->n * sizeof(*saved));
                        rv->finished = before;
                }
                free(saved);
        }
        free(im.index);
        free(im.value);
        if (st == ENK_OK) {
                if (decided)
                        *decided = im.n;
                if (finished)
                        *finished = rv->finished - before;
        }
        return st;
}
