/* analysis/figures_write.c - the figures table as CSV or JSON (`enkat stats
 * --format csv|json`): every row through the one column list
 * (figures_columns.c), so that the CSV, the JSON and the report's Data sheet
 * agree by construction; every number as glibc's "%.10g". The rows are
 * formatted on two threads (below), since formatting the numbers is most
 * of the cost. */
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
#include "survey/csv.h"
#include "survey/strbuf.h"

/* the two spellings of one precision change together */
_Static_assert(ENK_FIGURES_DIGITS == 10, "ENK_FIGURES_NUMBER is \"%.10g\": change both");

/* The CSV and JSON are written through one buffer: numbers and flags are
 * put into it directly, and it goes to the stream in large pieces; text
 * (unit, question, change) goes through the one CSV field rule and the one
 * JSON string rule, which write to the stream, after what the buffer holds. */
typedef struct out {
        FILE *o;
        size_t n;
        char b[1 << 16];
        /* numbers already written as %.10g, by their bits: a total's share
         * stands beside every unit's, a year's share is the next year's
         * previous share, so many come again */
        struct memo {
                uint64_t bits;
                unsigned char len; /* 0: empty slot */
                char s[31];
        } memo[4096];
} out;

static void out_flush(out *w)
{
        if (w->n)
                fwrite(w->b, 1, w->n, w->o);
        w->n = 0;
}

/* Room for at least 64 more bytes. */
static char *out_room(out *w)
{
        if (sizeof w->b - w->n < 64)
                out_flush(w);
        return &w->b[w->n];
}

static void out_str(out *w, const char *s, size_t len)
{
        if (len >= 64) {
                out_flush(w);
                fwrite(s, 1, len, w->o);
                return;
        }
        memcpy(out_room(w), s, len);
        w->n += len;
}

static void out_char(out *w, char c)
{
        *out_room(w) = c;
        w->n++;
}

/* A whole number in decimal, as %lld. */
static void out_int(out *w, long long v)
{
        char tmp[24];
        size_t k = sizeof tmp;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long) v : (unsigned long long) v;
        do
                tmp[--k] = (char) ('0' + u % 10);
        while (u /= 10);
        if (v < 0)
                tmp[--k] = '-';
        out_str(w, &tmp[k], sizeof tmp - k);
}

/* A number as %.10g (glibc's, exact), or nothing for NaN (CSV) / null
 * (JSON). */
static void out_num(out *w, double v, enk_figures_format fmt)
{
        if (isnan(v) || isinf(v)) {
                if (fmt == ENK_FIGURES_JSON)
                        out_str(w, "null", 4);
                return;
        }
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        struct memo *m = &w->memo[(bits ^ bits >> 29 ^ bits >> 45) % 4096];
        if (m->len == 0 || m->bits != bits) {
                int len = strfromd(m->s, sizeof m->s, ENK_FIGURES_NUMBER, v);
                m->bits = bits;
                m->len = (unsigned char) (len > 0 && (size_t) len < sizeof m->s ? len : 0);
                if (!m->len) { /* cannot happen with 10 digits; print it plainly */
                        out_flush(w);
                        fprintf(w->o, ENK_FIGURES_NUMBER, v);
                        return;
                }
        }
        out_str(w, m->s, m->len);
}

/* One row through the figures' one column table (analysis/figures.h), so
 * that the CSV, the JSON and the report's Data sheet agree by construction. */
static void print_record(out *w, const enk_figure *r, enk_figures_format fmt, bool first)
{
        bool json = fmt == ENK_FIGURES_JSON;
        if (json)
                out_str(w, first ? "\n  {" : ",\n  {", first ? 4 : 5);
        for (size_t i = 0; i < ENK_FIGURES_NCOLUMNS; i++) {
                const enk_column *col = &enk_figures_columns[i];
                enk_cell cell;
                enk_figures_cell(r, i, &cell);
                if (json) {
                        if (i)
                                out_char(w, ',');
                        out_char(w, '"');
                        out_str(w, col->name, strlen(col->name));
                        out_str(w, "\":", 2);
                } else if (i) {
                        out_char(w, ',');
                }
                switch (col->type) {
                case ENK_COL_TEXT:
                        if (cell.text) {
                                out_flush(w);
                                if (json)
                                        enk_strbuf_write_json(w->o, cell.text);
                                else
                                        enk_csv_write_field(w->o, cell.text, ',');
                        } else if (json) {
                                out_str(w, "null", 4);
                        }
                        break;
                case ENK_COL_BOOL:
                        if (cell.flag < 0) {
                                if (json)
                                        out_str(w, "null", 4);
                        } else if (json) {
                                out_str(w, cell.flag ? "true" : "false", cell.flag ? 4 : 5);
                        } else {
                                out_char(w, cell.flag ? '1' : '0');
                        }
                        break;
                case ENK_COL_INT:
                        if (isnan(cell.num)) {
                                if (json)
                                        out_str(w, "null", 4);
                        } else {
                                out_int(w, (long long) cell.num);
                        }
                        break;
                default:
                        out_num(w, cell.num, fmt);
                }
        }
        out_char(w, json ? '}' : '\n');
}

/* ---- the rows on two cores ----
 * Formatting the numbers (glibc's exact %.10g) is most of the cost of the
 * CSV and JSON, so the rows are formatted in chunks: this thread formats the
 * even chunks straight to the stream, a helper thread the odd ones, each
 * into memory, which this thread writes in its turn. Two slots take turns
 * for the helper's chunks, so memory stays a few chunks. Without the helper
 * (one chunk, or no thread or memory to be had) this thread formats all. */

#define CHUNK_ROWS 1024

typedef struct rows_job {
        const enk_figures *f;
        enk_figures_format fmt;
        bool only_year;
        size_t first; /* the first row printed (SIZE_MAX: none) */
        size_t nchunks;
        out *w;       /* the helper's writer */
        char *buf[2]; /* a chunk the helper formatted, or NULL: format it here */
        size_t len[2];
        sem_t full[2];  /* slot k holds a chunk for this thread */
        sem_t empty[2]; /* slot k is free for the helper */
} rows_job;

static void print_chunk(out *w, const rows_job *j, size_t chunk)
{
        size_t from = chunk * CHUNK_ROWS, to = from + CHUNK_ROWS;
        if (to > j->f->nrows)
                to = j->f->nrows;
        for (size_t i = from; i < to; i++) {
                const enk_figure *r = &j->f->rows[i];
                if (j->only_year && r->year != j->f->year)
                        continue;
                print_record(w, r, j->fmt, i == j->first);
        }
        out_flush(w);
}

static void *format_odd_chunks(void *arg)
{
        rows_job *j = arg;
        for (size_t c = 1, k = 0; c < j->nchunks; c += 2, k ^= 1) {
                sem_wait(&j->empty[k]);
                char *buf = NULL;
                size_t len = 0;
                FILE *m = open_memstream(&buf, &len);
                if (m) {
                        j->w->o = m;
                        print_chunk(j->w, j, c);
                        bool bad = ferror(m) != 0;
                        if (fclose(m) != 0 || bad) {
                                free(buf);
                                buf = NULL;
                        }
                }
                j->buf[k] = buf;
                j->len[k] = len;
                sem_post(&j->full[k]);
        }
        return NULL;
}

/* Prints the rows (every row, or those of the report year) as CSV or JSON
 * records. Returns whether it printed any; false also when out of memory
 * (*nomem set). */
static bool print_records(FILE *o, const enk_figures *f, enk_figures_format fmt, bool only_year,
                          bool *nomem)
{
        rows_job j = {.f = f, .fmt = fmt, .only_year = only_year, .first = SIZE_MAX};
        for (size_t i = 0; i < f->nrows && j.first == SIZE_MAX; i++)
                if (!only_year || f->rows[i].year == f->year)
                        j.first = i;
        j.nchunks = (f->nrows + CHUNK_ROWS - 1) / CHUNK_ROWS;
        out *w = calloc(1, sizeof *w);
        if (!w) {
                *nomem = true;
                return false;
        }
        w->o = o;
        bool threaded = false;
        pthread_t helper;
        if (j.nchunks > 1 && (j.w = calloc(1, sizeof *j.w)) != NULL) {
                sem_init(&j.full[0], 0, 0);
                sem_init(&j.full[1], 0, 0);
                sem_init(&j.empty[0], 0, 1);
                sem_init(&j.empty[1], 0, 1);
                threaded = pthread_create(&helper, NULL, format_odd_chunks, &j) == 0;
        }
        for (size_t c = 0; c < j.nchunks; c++) {
                if (!threaded || c % 2 == 0) {
                        print_chunk(w, &j, c);
                        continue;
                }
                size_t k = (c / 2) % 2; /* the helper's turns: chunk 1 in slot 0, 3 in 1, ... */
                sem_wait(&j.full[k]);
                if (j.buf[k])
                        fwrite(j.buf[k], 1, j.len[k], o);
                else
                        print_chunk(w, &j, c);
                free(j.buf[k]);
                j.buf[k] = NULL;
                sem_post(&j.empty[k]);
        }
        if (threaded)
                pthread_join(helper, NULL);
        if (j.w) {
                for (int k = 0; k < 2; k++) {
                        sem_destroy(&j.full[k]);
                        sem_destroy(&j.empty[k]);
                }
        }
        free(j.w);
        free(w);
        return j.first != SIZE_MAX;
}

enk_status enk_figures_write(FILE *o, const enk_figures *f, enk_figures_format fmt, bool only_year)
{
        if (!o || !f)
                return ENK_ERR_USAGE;
        if (fmt == ENK_FIGURES_CSV) {
                for (size_t i = 0; i < ENK_FIGURES_NCOLUMNS; i++)
                        fprintf(o, "%s%s", i ? "," : "", enk_figures_columns[i].name);
                fputc('\n', o);
        } else {
                fputc('[', o);
        }
        bool nomem = false;
        bool any = print_records(o, f, fmt, only_year, &nomem);
        if (nomem)
                return ENK_ERR_NOMEM;
        if (fmt == ENK_FIGURES_JSON)
                fputs(any ? "\n]\n" : "]\n", o);
        return ferror(o) ? ENK_ERR_IO : ENK_OK;
}
