/* survey/export.c - writes the tidy response data as CSV, SPSS .sav or Stata .dta. */
#include "survey/export.h"

#include <errno.h>
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "survey/csv.h"
#include "survey/outfile.h"
#include "survey/utf8.h"

/* One output column after the six meta columns. */
typedef struct column {
        int question;  /* index into the latest edition's questions */
        int option;    /* option index of a multiple-choice column, else -1 */
        char name[96]; /* the question id, or ID_VALUE */
        readstat_variable_t *var;
} column;

/* An edition met among the exported waves, its slots mapped to the latest. */
typedef struct edition {
        int64_t id;
        const enk_questionnaire *q; /* borrowed from the store */
        int *map;                   /* slot -> latest question index, or -1 */
} edition;

enum { META_UNIT, META_YEAR, META_EDITION, META_SOURCE, META_DATE, META_RESPONDENT, NMETA };
static const char *const meta_names[NMETA] = {"unit",   "year", "edition",
                                              "source", "date", "respondent"};

typedef struct ctx {
        enk_store *store;
        enk_diags *diags;
        enk_export_options o;
        const char *path;
        edition *eds;
        size_t neds;
        const enk_questionnaire *latest;
        column *cols;
        size_t ncols;
        size_t width[NMETA]; /* longest string of the string meta columns */
        int64_t rows;
        FILE *fp;
        char sep;
        const char *eol;
        readstat_writer_t *writer;
        readstat_variable_t *meta[NMETA];
        readstat_error_t rs_err;
        bool io_err;
        const char **textbuf;
} ctx;

static edition *find_edition(ctx *c, int64_t id)
{
        for (size_t i = 0; i < c->neds; i++)
                if (c->eds[i].id == id)
                        return &c->eds[i];
        return NULL;
}

static enk_status on_wave(void *vctx, const enk_store_wave_info *w)
{
        ctx *c = vctx;
        if (w->responses == 0 || find_edition(c, w->edition_id))
                return ENK_OK;
        edition *e = realloc(c->eds, (c->neds + 1) * sizeof *e);
        if (!e)
                return ENK_ERR_NOMEM;
        c->eds = e;
        e[c->neds].id = w->edition_id;
        e[c->neds].map = NULL;
        enk_status st = enk_store_edition(c->store, w->edition_id, &e[c->neds].q, c->diags);
        if (st != ENK_OK)
                return st;
        c->neds++;
        return ENK_OK;
}

/* The first pass: longest strings, for the string variables' widths. */
static enk_status on_measure(void *vctx, const enk_store_row *row)
{
        ctx *c = vctx;
        const char *s[NMETA] = {row->unit, NULL,
                                NULL,      enk_store_source_name(row->source),
                                row->date, row->respondent_key};
        for (int m = 0; m < NMETA; m++) {
                size_t n = s[m] ? strlen(s[m]) : 0;
                if (n > c->width[m])
                        c->width[m] = n;
        }
        c->rows++;
        return ENK_OK;
}

/* The value of column col given a row's answers by latest question: *out,
 * or false when the cell is empty. */
static bool cell_value(const ctx *c, const int32_t *byq, const column *col, int32_t *out)
{
        const enk_question *lq = &c->latest->questions[col->question];
        int32_t v = byq[col->question];
        if (v == ENK_MISSING)
                return false;
        if (col->option >= 0) {
                int32_t ov = lq->options[col->option].value;
                *out = (v >> (ov - 1)) & 1;
                return true;
        }
        if (v == ENK_NA) {
                const enk_scale *s = enk_question_scale(c->latest, lq);
                if (!s || !s->has_na)
                        return false;
                *out = s->na_code;
                return true;
        }
        *out = v;
        return true;
}

/* The answers of a row laid out by the latest edition's questions, and their
 * free texts (CSV only). byq has latest->nquestions entries. */
static void by_question(ctx *c, const edition *ed, const enk_store_row *row, int32_t *byq)
{
        for (size_t i = 0; i < c->latest->nquestions; i++) {
                byq[i] = ENK_MISSING;
                c->textbuf[i] = NULL;
        }
        size_t nv = row->nvalues < ed->q->nquestions ? row->nvalues : ed->q->nquestions;
        for (size_t i = 0; i < nv; i++)
                if (ed->map[i] >= 0)
                        byq[ed->map[i]] = row->values[i];
        for (size_t t = 0; t < row->ntexts; t++) {
                int li = ed->q == c->latest
                             ? enk_questionnaire_find(c->latest, row->texts[t].question_id)
                             : enk_questionnaire_find_linked(c->latest, row->texts[t].question_id);
                if (li >= 0 && c->latest->questions[li].type == ENK_Q_TEXT)
                        c->textbuf[li] = row->texts[t].text;
        }
}

static void put(ctx *c, const char *s, bool first)
{
        if (!first && fputc(c->sep, c->fp) == EOF)
                c->io_err = true;
        if (enk_csv_write_field(c->fp, s, c->sep) != ENK_OK)
                c->io_err = true;
}

/* A text from outside (a unit name, a respondent key, a free-text answer typed
 * on the web) in the Excel-flavoured CSV: a cell that begins with = + - @, a
 * tab or a carriage return would be read by Excel as a formula, so it gets a
 * leading apostrophe, as OWASP's "CSV injection" advice says. The plain CSV
 * for analysts keeps every text verbatim (docs/csv.md). */
static void put_text(ctx *c, const char *s, bool first)
{
        if (c->o.format != ENK_EXPORT_EXCEL || !s || !s[0] || !strchr("=+-@\t\r", s[0])) {
                put(c, s, first);
                return;
        }
        size_t n = strlen(s);
        char *q = malloc(n + 2);
        if (!q) {
                c->io_err = true;
                return;
        }
        q[0] = '\'';
        memcpy(q + 1, s, n + 1);
        put(c, q, first);
        free(q);
}

static enk_status on_csv_row(void *vctx, const enk_store_row *row)
{
        ctx *c = vctx;
        edition *ed = find_edition(c, row->edition_id);
        if (!ed)
                return ENK_OK;
        int32_t *byq = malloc((c->latest->nquestions + 1) * sizeof *byq);
        if (!byq)
                return ENK_ERR_NOMEM;
        by_question(c, ed, row, byq);
        char buf[32], ebuf[32];
        snprintf(buf, sizeof buf, "%d", row->year);
        snprintf(ebuf, sizeof ebuf, "%d", ed->q->edition);
        put_text(c, row->unit, true);
        put(c, buf, false);
        put(c, ebuf, false);
        put(c, enk_store_source_name(row->source), false);
        put(c, row->date, false);
        put_text(c, row->respondent_key, false);
        for (size_t k = 0; k < c->ncols; k++) {
                const column *col = &c->cols[k];
                if (c->latest->questions[col->question].type == ENK_Q_TEXT) {
                        put_text(c, c->textbuf[col->question], false);
                        continue;
                }
                int32_t v;
                if (cell_value(c, byq, col, &v)) {
                        snprintf(buf, sizeof buf, "%d", (int) v);
                        put(c, buf, false);
                } else {
                        put(c, "", false);
                }
        }
        free(byq);
        if (fputs(c->eol, c->fp) == EOF)
                c->io_err = true;
        return c->io_err ? ENK_ERR_IO : ENK_OK;
}

static void io_fail(ctx *c, const char *what)
{
        enk_loc loc = {.file = c->path};
        enk_error(c->diags, loc, "cannot write file: %s", what);
}

static enk_status write_csv(ctx *c)
{
        bool excel = c->o.format == ENK_EXPORT_EXCEL;
        c->sep = excel ? ';' : ',';
        c->eol = excel ? "\r\n" : "\n";
        if (excel && fputs("\xEF\xBB\xBF", c->fp) == EOF)
                c->io_err = true;
        for (int m = 0; m < NMETA; m++)
                put(c, meta_names[m], m == 0);
        for (size_t k = 0; k < c->ncols; k++)
                put(c, c->cols[k].name, false);
        if (fputs(c->eol, c->fp) == EOF)
                c->io_err = true;
        if (c->io_err)
                return ENK_ERR_IO;
        enk_store_filter f = {0};
        f.year = c->o.year;
        f.texts = true;
        if (c->o.unit)
                enk_store_find_unit(c->store, c->o.unit, &f.unit_id, NULL);
        return enk_store_scan(c->store, &f, on_csv_row, c, c->diags);
}

/* ------------------------------------------------------------ ReadStat */

static ssize_t rs_write(const void *data, size_t len, void *vctx)
{
        ctx *c = vctx;
        if (fwrite(data, 1, len, c->fp) != len) {
                c->io_err = true;
                return -1;
        }
        return (ssize_t) len;
}

/* A copy of s cut to at most max bytes at a UTF-8 character boundary: .sav
 * value labels hold 120 bytes, .dta variable labels 80. */
static void cut(char *dst, size_t dstsize, const char *s, size_t max)
{
        if (max >= dstsize)
                max = dstsize - 1;
        size_t n = enk_utf8_clip(s, strlen(s), max);
        memcpy(dst, s, n);
        dst[n] = '\0';
}

static void add_label(ctx *c, readstat_label_set_t *ls, int32_t v, const char *label)
{
        char buf[512];
        cut(buf, sizeof buf, label, c->o.format == ENK_EXPORT_SAV ? 120 : 320);
        if (c->o.format == ENK_EXPORT_SAV)
                readstat_label_double_value(ls, v, buf);
        else
                readstat_label_int32_value(ls, v, buf);
}

static enk_status define_variables(ctx *c)
{
        bool sav = c->o.format == ENK_EXPORT_SAV;
        readstat_type_t num = sav ? READSTAT_TYPE_DOUBLE : READSTAT_TYPE_INT32;
        for (int m = 0; m < NMETA; m++) {
                bool is_num = m == META_YEAR || m == META_EDITION;
                size_t w = c->width[m] ? c->width[m] : 1;
                c->meta[m] = readstat_add_variable(
                    c->writer, meta_names[m], is_num ? num : READSTAT_TYPE_STRING, is_num ? 0 : w);
                if (!c->meta[m])
                        return ENK_ERR_NOMEM;
        }
        const char *yes = "Ja", *no = "Nej";
        if (c->latest->nlanguages > 0 && strcmp(c->latest->languages[0], "en") == 0) {
                yes = "Yes";
                no = "No";
        }
        size_t maxlab = sav ? 255 : 80;
        for (size_t k = 0; k < c->ncols; k++) {
                column *col = &c->cols[k];
                const enk_question *qn = &c->latest->questions[col->question];
                col->var = readstat_add_variable(c->writer, col->name, num, 0);
                if (!col->var)
                        return ENK_ERR_NOMEM;
                char label[1024], buf[1024];
                const char *text = enk_text_get(&qn->text, 0);
                if (col->option >= 0)
                        snprintf(buf, sizeof buf, "%s: %s", text,
                                 enk_text_get(&qn->options[col->option].label, 0));
                else
                        snprintf(buf, sizeof buf, "%s", text);
                cut(label, sizeof label, buf, maxlab);
                readstat_variable_set_label(col->var, label);
                readstat_label_set_t *ls = NULL;
                const enk_scale *s = enk_question_scale(c->latest, qn);
                if (s || qn->type == ENK_Q_SINGLE || qn->type == ENK_Q_YESNO || col->option >= 0) {
                        ls = readstat_add_label_set(c->writer, num, col->name);
                        if (!ls)
                                return ENK_ERR_NOMEM;
                        readstat_variable_set_label_set(col->var, ls);
                }
                if (s) {
                        for (size_t p = 0; p < s->npoints; p++)
                                add_label(c, ls, s->points[p].value,
                                          enk_text_get(&s->points[p].label, 0));
                        if (s->has_na) {
                                add_label(c, ls, s->na_code, enk_text_get(&s->na_label, 0));
                                /* SPSS leaves user-missing codes out of every
                                 * statistic; Stata has no such notion, there the
                                 * label tells the analyst. */
                                if (sav)
                                        readstat_variable_add_missing_double_value(col->var,
                                                                                   s->na_code);
                        }
                } else if (col->option >= 0 || qn->type == ENK_Q_YESNO) {
                        add_label(c, ls, 1, yes);
                        add_label(c, ls, 0, no);
                } else if (qn->type == ENK_Q_SINGLE) {
                        for (size_t p = 0; p < qn->noptions; p++)
                                add_label(c, ls, qn->options[p].value,
                                          enk_text_get(&qn->options[p].label, 0));
                }
        }
        return ENK_OK;
}

static void rs_check(ctx *c, readstat_error_t e)
{
        if (e != READSTAT_OK && c->rs_err == READSTAT_OK)
                c->rs_err = e;
}

static void rs_num(ctx *c, readstat_variable_t *v, int32_t x)
{
        if (c->o.format == ENK_EXPORT_SAV)
                rs_check(c, readstat_insert_double_value(c->writer, v, x));
        else
                rs_check(c, readstat_insert_int32_value(c->writer, v, x));
}

static void rs_str(ctx *c, readstat_variable_t *v, const char *s)
{
        rs_check(c, readstat_insert_string_value(c->writer, v, s ? s : ""));
}

static enk_status on_rs_row(void *vctx, const enk_store_row *row)
{
        ctx *c = vctx;
        edition *ed = find_edition(c, row->edition_id);
        if (!ed)
                return ENK_OK;
        int32_t *byq = malloc((c->latest->nquestions + 1) * sizeof *byq);
        if (!byq)
                return ENK_ERR_NOMEM;
        by_question(c, ed, row, byq);
        rs_check(c, readstat_begin_row(c->writer));
        rs_str(c, c->meta[META_UNIT], row->unit);
        rs_num(c, c->meta[META_YEAR], row->year);
        rs_num(c, c->meta[META_EDITION], ed->q->edition);
        rs_str(c, c->meta[META_SOURCE], enk_store_source_name(row->source));
        rs_str(c, c->meta[META_DATE], row->date);
        rs_str(c, c->meta[META_RESPONDENT], row->respondent_key);
        for (size_t k = 0; k < c->ncols; k++) {
                int32_t v;
                if (cell_value(c, byq, &c->cols[k], &v))
                        rs_num(c, c->cols[k].var, v);
                else
                        rs_check(c, readstat_insert_missing_value(c->writer, c->cols[k].var));
        }
        rs_check(c, readstat_end_row(c->writer));
        free(byq);
        if (c->io_err)
                return ENK_ERR_IO;
        return c->rs_err == READSTAT_OK ? ENK_OK : ENK_ERR_IO;
}

static enk_status write_readstat(ctx *c)
{
        c->writer = readstat_writer_init();
        if (!c->writer)
                return ENK_ERR_NOMEM;
        readstat_set_data_writer(c->writer, rs_write);
        enk_status st = define_variables(c);
        if (st != ENK_OK)
                return st;
        if (c->o.format == ENK_EXPORT_SAV) {
                rs_check(c, readstat_begin_writing_sav(c->writer, c, (long) c->rows));
        } else {
                /* 118 is the first Stata format with UTF-8 text */
                rs_check(c, readstat_writer_set_file_format_version(c->writer, 118));
                rs_check(c, readstat_begin_writing_dta(c->writer, c, (long) c->rows));
        }
        if (c->rs_err != READSTAT_OK)
                return ENK_ERR_IO;
        enk_store_filter f = {0};
        f.year = c->o.year;
        if (c->o.unit)
                enk_store_find_unit(c->store, c->o.unit, &f.unit_id, NULL);
        st = enk_store_scan(c->store, &f, on_rs_row, c, c->diags);
        if (st != ENK_OK)
                return st;
        rs_check(c, readstat_end_writing(c->writer));
        return c->rs_err == READSTAT_OK && !c->io_err ? ENK_OK : ENK_ERR_IO;
}

/* ------------------------------------------------------------- columns */

static enk_status build_columns(ctx *c)
{
        bool texts = c->o.format == ENK_EXPORT_CSV || c->o.format == ENK_EXPORT_EXCEL;
        const enk_questionnaire *q = c->latest;
        size_t n = 0;
        for (size_t i = 0; i < q->nquestions; i++)
                n += q->questions[i].type == ENK_Q_MULTIPLE ? q->questions[i].noptions : 1;
        c->cols = calloc(n ? n : 1, sizeof *c->cols);
        if (!c->cols)
                return ENK_ERR_NOMEM;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_question *qn = &q->questions[i];
                if (qn->type == ENK_Q_TEXT && !texts)
                        continue;
                if (qn->type == ENK_Q_MULTIPLE) {
                        for (size_t p = 0; p < qn->noptions; p++) {
                                column *col = &c->cols[c->ncols++];
                                col->question = (int) i;
                                col->option = (int) p;
                                snprintf(col->name, sizeof col->name, "%s_%d", qn->id,
                                         (int) qn->options[p].value);
                        }
                        continue;
                }
                column *col = &c->cols[c->ncols++];
                col->question = (int) i;
                col->option = -1;
                snprintf(col->name, sizeof col->name, "%s", qn->id);
        }
        for (size_t e = 0; e < c->neds; e++) {
                const enk_questionnaire *eq = c->eds[e].q;
                c->eds[e].map = malloc((eq->nquestions ? eq->nquestions : 1) * sizeof(int));
                if (!c->eds[e].map)
                        return ENK_ERR_NOMEM;
                for (size_t i = 0; i < eq->nquestions; i++)
                        c->eds[e].map[i] = enk_questionnaire_map(q, eq, i);
        }
        return ENK_OK;
}

enk_status enk_export_write(enk_store *store, const enk_export_options *o, const char *path,
                            int64_t *rows, enk_diags *diags)
{
        if (!store || !o || !path)
                return ENK_ERR_USAGE;
        ctx c = {.store = store, .diags = diags, .o = *o, .path = path};
        enk_loc sloc = {.file = enk_store_path(store)};
        enk_store_filter f = {0};
        f.year = o->year;
        enk_status st;
        if (o->unit) {
                st = enk_store_find_unit(store, o->unit, &f.unit_id, NULL);
                if (st == ENK_ERR_NOTFOUND) {
                        enk_error(diags, sloc, "unknown unit '%s'", o->unit);
                        return st;
                }
                if (st != ENK_OK)
                        return st;
        }
        /* the output is checked before any work: never the store, a
         * directory or a file of another kind (survey/outfile.h) */
        static const enk_outfile_kind kinds[] = {[ENK_EXPORT_CSV] = ENK_OUT_EXPORT_CSV,
                                                 [ENK_EXPORT_EXCEL] = ENK_OUT_EXPORT_CSV,
                                                 [ENK_EXPORT_SAV] = ENK_OUT_SAV,
                                                 [ENK_EXPORT_DTA] = ENK_OUT_DTA};
        enk_outfile_options oo = {.kind = kinds[o->format], .keep = enk_store_path(store)};
        enk_outfile *out = NULL;
        st = enk_outfile_open(path, &oo, &out, diags);
        if (st != ENK_OK)
                return st;
        st = enk_store_waves(store, &f, on_wave, &c, diags);
        if (st != ENK_OK)
                goto done;
        if (c.neds == 0) {
                if (o->year)
                        enk_error(diags, sloc, "no responses in %d", o->year);
                else
                        enk_error(diags, sloc, "no responses to export");
                st = ENK_ERR_NOTFOUND;
                goto done;
        }
        /* the latest edition, by the model's one rule */
        const enk_questionnaire **qs = malloc(c.neds * sizeof *qs);
        int64_t *ids = malloc(c.neds * sizeof *ids);
        if (!qs || !ids) {
                free(qs);
                free(ids);
                st = ENK_ERR_NOMEM;
                goto done;
        }
        for (size_t e = 0; e < c.neds; e++) {
                qs[e] = c.eds[e].q;
                ids[e] = c.eds[e].id;
        }
        c.latest = qs[enk_questionnaire_latest(qs, ids, c.neds)];
        free(qs);
        free(ids);
        st = build_columns(&c);
        if (st != ENK_OK)
                goto done;
        c.textbuf = calloc(c.latest->nquestions + 1, sizeof *c.textbuf);
        if (!c.textbuf) {
                st = ENK_ERR_NOMEM;
                goto done;
        }
        st = enk_store_scan(store, &f, on_measure, &c, diags);
        if (st != ENK_OK)
                goto done;
        c.fp = enk_outfile_stream(out);
        if (o->format == ENK_EXPORT_CSV || o->format == ENK_EXPORT_EXCEL)
                st = write_csv(&c);
        else
                st = write_readstat(&c);
        if (st == ENK_ERR_IO)
                io_fail(&c, c.rs_err != READSTAT_OK ? readstat_error_message(c.rs_err)
                                                    : "write failed");
        if (st == ENK_OK) {
                st = enk_outfile_commit(out, diags);
                out = NULL;
        }
        if (st == ENK_OK && rows)
                *rows = c.rows;
done:
        if (c.writer)
                readstat_writer_free(c.writer);
        for (size_t e = 0; e < c.neds; e++)
                free(c.eds[e].map);
        free(c.eds);
        free(c.cols);
        free(c.textbuf);
        enk_outfile_abort(out);
        return st;
}
