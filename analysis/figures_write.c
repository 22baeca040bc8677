/* analysis/figures_write.c - the figures table as CSV or JSON (`enkat stats
 * --format csv|json`): every row through the one column list
 * (figures_columns.c), so that the CSV, the JSON and the report's Data sheet
 * agree by construction; every number as glibc's "%.10g", byte for byte,
 * by a formatter of its own (enk_figures_number: a twelfth of the
 * instructions of glibc's exact one). The rows are formatted on two threads (below). */
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/figures.h"
#include "survey/csv.h"
#include "survey/strbuf.h"

/* the two spellings of one precision change together */
_Static_assert(ENK_FIGURES_DIGITS == 10, "ENK_FIGURES_NUMBER is \"%.10g\": change both");

/* ---- numbers as "%.10g" ----
 * glibc's printf rounds the exact binary value to ten significant digits
 * (ties to even). For |v| in [1e-13, 1e32) those digits are the whole
 * number m nearest to |v| x 10^p, p = 9 - k, |v| = d.ddd x 10^k, where
 * 10^|p| is an exact double (|p| <= 22): m is found with one rounded
 * multiplication (or division), and the remainder r = |v| x 10^p - m is
 * then computed with one rounding (fma). When r lies clearly inside
 * (-0.5, 0.5) the digits are proven (the product's own rounding, at most
 * 2^-20 below 10^10, cannot cross a half that far away); k need only be
 * a guess, since m then shows whether it was right: m in (10^9, 10^10),
 * or 10^9 with r >= 0, means 10^k <= |v| < 10^(k+1); m = 10^10 means |v|
 * rounds up to 10^(k+1) (the digits 1000000000, one place up, whether or
 * not |v| was below 10^(k+1)). Every other case (a remainder within 1e-6
 * of one half, a guess of k that was wrong, tiny or huge values, NaN,
 * infinities) is snprintf's. */

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* 10^(i - 13), the doubles nearest them: where the guess of k moves up */
static const double pow10_near[] = {1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4,
                                    1e-3,  1e-2,  1e-1,  1e0,   1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                    1e7,   1e8,   1e9,   1e10,  1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
                                    1e17,  1e18,  1e19,  1e20,  1e21, 1e22, 1e23, 1e24, 1e25, 1e26,
                                    1e27,  1e28,  1e29,  1e30,  1e31, 1e32};

static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
                                  "31323334353637383940414243444546474849505152535455565758596061"
                                  "62636465666768697071727374757677787980818283848586878889909192"
                                  "93949596979899";

/* The ten digits of a = |v| > 0 as "%.10g" rounds them, when they can be
 * proven (above): the whole number *m in [10^9, 10^10) and the power *k,
 * a = m x 10^(k - 9) rounded. False for the cases left to snprintf. */
static bool ten_digits(double a, double *m_out, int *k_out)
{
        if (!(a >= 1e-13 && a < 1e32)) /* also NaN */
                return false;
        /* k: floor(log10(2^e)) (1233 / 4096 is log10(2) to 5e-6), one more
         * when |v| is past the next power of ten */
        uint64_t bits;
        memcpy(&bits, &a, sizeof bits);
        int e = (int) (bits >> 52) - 1023; /* a = 1.xxx x 2^e: a is normal */
        int k = (e * 1233 + 4096 * 64) / 4096 - 64;
        if (a >= pow10_near[k + 14])
                k++;
        int p = ENK_FIGURES_DIGITS - 1 - k;
        double m, r;
        if (p >= 0 && p <= 22) {
                m = (double) (int64_t) (a * pow10_exact[p] + 0.5);
                r = fma(a, pow10_exact[p], -m);
        } else if (p < 0 && p >= -22) {
                m = (double) (int64_t) (a / pow10_exact[-p] + 0.5);
                r = fma(-m, pow10_exact[-p], a) / pow10_exact[-p];
        } else {
                return false;
        }
        if (!(fabs(r) < 0.5 - 1e-6 && (m > 1e9 || (m == 1e9 && r >= 0)) && m <= 1e10))
                return false;
        if (m == 1e10) {
                m = 1e9;
                k++;
        }
        *m_out = m;
        *k_out = k;
        return true;
}

double enk_figures_round(double v)
{
        double a = fabs(v), m;
        int k;
        if (!isfinite(v) || a == 0 || (a < 1e9 && a == floor(a)))
                return v; /* a whole number of up to 9 digits is already exact */
        if (ten_digits(a, &m, &k)) {
                /* m and 10^|p| are exact, so one division or multiplication
                 * gives the double nearest to m x 10^-p */
                int p = ENK_FIGURES_DIGITS - 1 - k;
                if (p >= 0 && p <= 22)
                        return copysign(m / pow10_exact[p], v);
                if (p < 0 && p >= -22)
                        return copysign(m * pow10_exact[-p], v);
        }
        char buf[32];
        snprintf(buf, sizeof buf, ENK_FIGURES_NUMBER, v);
        return strtod(buf, NULL);
}

size_t enk_figures_number(char *buf, double v)
{
        double a = fabs(v), m;
        int k;
        if (a == 0) { /* "0", or "-0" for minus zero, as printf */
                size_t n = 0;
                if (signbit(v))
                        buf[n++] = '-';
                buf[n++] = '0';
                buf[n] = '\0';
                return n;
        }
        if (!ten_digits(a, &m, &k))
                goto slow;

        char d[2 * ENK_FIGURES_DIGITS]; /* the digits, then zeros to copy whole */
        uint64_t u = (uint64_t) m;
        uint32_t lo = (uint32_t) (u % 100000000), hi = (uint32_t) (u / 100000000);
        memcpy(&d[0], &digit_pairs[2 * hi], 2);
        memcpy(&d[2], &digit_pairs[2 * (lo / 1000000)], 2);
        memcpy(&d[4], &digit_pairs[2 * (lo / 10000 % 100)], 2);
        memcpy(&d[6], &digit_pairs[2 * (lo / 100 % 100)], 2);
        memcpy(&d[8], &digit_pairs[2 * (lo % 100)], 2);
        memset(&d[ENK_FIGURES_DIGITS], '0', ENK_FIGURES_DIGITS);
        int last = ENK_FIGURES_DIGITS - 1; /* the last digit not a trailing zero */
        while (d[last] == '0')
                last--;
        size_t n = 0;
        if (v < 0)
                buf[n++] = '-';
        if (k < -4 || k >= ENK_FIGURES_DIGITS) { /* d.ddde+XX */
                buf[n++] = d[0];
                if (last > 0) {
                        buf[n++] = '.';
                        memcpy(&buf[n], &d[1], (size_t) last);
                        n += (size_t) last;
                }
                buf[n++] = 'e';
                buf[n++] = k < 0 ? '-' : '+';
                memcpy(&buf[n], &digit_pairs[2 * (k < 0 ? -k : k)], 2); /* 12 or 32 at most */
                n += 2;
        } else if (k >= 0) { /* ddd.ddd; whole digits copied, the length cut */
                memcpy(&buf[n], d, ENK_FIGURES_DIGITS);
                n += (size_t) k + 1;
                if (last > k) {
                        buf[n] = '.';
                        memcpy(&buf[n + 1], &d[k + 1], ENK_FIGURES_DIGITS - 1);
                        n += (size_t) (last - k) + 1;
                }
        } else { /* 0.000ddd */
                memcpy(&buf[n], "0.0000", 6);
                n += (size_t) (1 - k);
                memcpy(&buf[n], d, ENK_FIGURES_DIGITS);
                n += (size_t) last + 1;
        }
        buf[n] = '\0';
        return n;
slow:;
        int len = snprintf(buf, 32, ENK_FIGURES_NUMBER, v);
        return len > 0 && len < 32 ? (size_t) len : 0;
}

/* The CSV and JSON are written through one buffer: numbers and flags are
 * put into it directly, and it goes to the stream in large pieces; text
 * (unit, question, change) goes through the one CSV field rule and the one
 * JSON string rule, which write to the stream, after what the buffer holds. */
typedef struct out {
        FILE *o;
        size_t n;
        char b[1 << 16];
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

/* A number as glibc's %.10g (enk_figures_number), or nothing for NaN
 * (CSV) / null (JSON). */
static void out_num(out *w, double v, enk_figures_format fmt)
{
        if (isnan(v) || isinf(v)) {
                if (fmt == ENK_FIGURES_JSON)
                        out_str(w, "null", 4);
                return;
        }
        char *p = out_room(w);
        w->n += enk_figures_number(p, v);
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
                        if (cell.text && !json &&
                            enk_csv_field_plain(cell.text, strlen(cell.text), ',')) {
                                out_str(w, cell.text, strlen(cell.text));
                        } else if (cell.text) {
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
 * Formatting the rows is most of the cost of the CSV and JSON, so they are
 * formatted in chunks: this thread formats the
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
