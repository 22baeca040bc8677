/* analysis/figures.c - tallies the store once and computes every figure of the report. */
#include "analysis/figures.h"

#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "analysis/stats.h"
#include "survey/arena.h"
#include "survey/collate.h"
#include "survey/hash.h"
#include "survey/store.h"

/* The tally of one unit x year x question. A wave has one edition, so the
 * cell's scale is that edition's; dist is allocated when the first row of
 * the cell arrives, with that scale's number of points. */
typedef struct cell {
        const enk_scale *scale; /* the edition's scale, NULL while untouched */
        int cls;                /* the scale's class (ctx.classes), 0 while untouched */
        int64_t *dist;
        int64_t na, missing;
        int64_t x, n; /* positive answers and answers, once the tally is done */
} cell;

/* The per-respondent area accumulator of one unit x year x area. */
typedef struct acell {
        double sum, sumsq;
        int64_t n;
        enk_pooled pool; /* the respondents' positive and answered counts, for the tests */
} acell;

/* One answer slot of an edition that feeds a figure, with what each point
 * of its scale counts as, worked out once per edition so that the tally of a
 * response is a walk over its answers with no lookup by name or value list. */
typedef struct fslot {
        size_t slot;              /* index into the response's answers */
        int li;                   /* the latest edition's question */
        int area;                 /* the latest edition's area of it, or -1 */
        const enk_scale *s;       /* the edition's scale (npoints > 0) */
        int cls;                  /* its class (ctx.classes) */
        const unsigned char *pos; /* per point: counts as positive */
        const double *idx;        /* per point: (value - lowest) / range * 100;
                                     NULL when the scale has no range */
        int32_t vmin;             /* the lowest point's value */
        int nk;                   /* kof's length: 0 when the values spread too far */
        signed char kof[24];      /* value - vmin -> the point's index, or -1 */
} fslot;

/* An edition met in the scan: its questions mapped to the latest edition. */
typedef struct edition {
        int64_t id;
        enk_questionnaire *q; /* owned until moved into the result */
        int *map;             /* slot -> latest question index, or -1 */
        fslot *fs;            /* the slots that feed figures, in slot order */
        size_t nfs;
        unsigned char *pos; /* the fslots' pos, one block */
        double *idx;        /* the fslots' idx, one block */
        bool shown;         /* answered by a unit the result shows */
} edition;

typedef struct wave {
        int64_t id;
        char *unit;
        int year;
        int64_t edition_id;
        int64_t responses, sent; /* responses: counted by the tally (the listing
                                    says only whether there are any) */
        long u, y; /* the unit's index in ctx.units and the year's in ctx.years, or -1 */
} wave;

/* A unit's name and its index in ctx.units. */
typedef struct named {
        const char *name;
        size_t i;
} named;

typedef struct ctx {
        enk_diags *diags;
        const enk_questionnaire *latest;
        edition *eds;
        size_t neds;
        char **units; /* every unit with responses up to the report year, sorted */
        size_t nunits;
        int *years; /* every year of those units, ascending */
        size_t nyears;
        const char *shown_unit; /* the one unit the result shows, or NULL for all */
        int report_year;
        int min_n;
        size_t nq, na; /* latest questions and areas */
        cell *cells;   /* [(unit * nyears + year) * nq + q], units then the total */
        acell *acells; /* [(unit * nyears + year) * na + a] */
        named *byname; /* the units in strcmp order of their names, for lookups */
        /* the scales met, one of each class of same_scale(): two cells'
         * scales compare as their classes (index + 1) do */
        const enk_scale **classes;
        size_t nclasses;
        size_t *aq, *aq_at; /* the questions of area a: aq[aq_at[a]] to aq[aq_at[a + 1]] */
        enk_arena dists;    /* the cells' distributions */
        /* the wave of the response last tallied (responses come wave by wave),
         * and its entry in the waves listed (NULL: not listed), whose
         * responses are counted here */
        int64_t cur_wave;
        bool cur_set, cur_skip;
        wave *cur_listed;
        wave *waves; /* the waves listed, in the scan's order */
        size_t nwaves, next_wave;
        const edition *cur_ed;
        cell *cur_cells;
        acell *cur_acells;
        double *asum; /* per-row scratch: sum of indices per area */
        int *acount;
        int64_t *apos, *aans; /* per-row scratch: positive answers and answers per area */

        /* the rows: [(group * nyears + year) * per + slot], groups = units,
         * then the total when there is more than one unit */
        enk_figure *rows;
        size_t ngroups, per;
        bool with_total;
        int *qslot;     /* latest question -> slot, -1 for a question without figures */
        int *aslot;     /* area -> slot, -1 for an area without scale questions */
        bool *has_wave; /* [group * nyears + year]: the group answered that year */
} ctx;

/* The store's path is the place of every message about its contents. */
static void fail(enk_diags *d, const char *store_file, const char *msg, const char *arg)
{
        enk_loc loc = {.file = store_file};
        enk_error(d, loc, msg, arg);
}

/* calloc for the large tables (the rows, the cells): they are asked to
 * lie in transparent huge pages where the system gives those on request
 * (Linux's "madvise" mode), so that the national table's 27 MB cost 14
 * page faults, not 6,600. Freed with free(). */
static void *table_calloc(size_t n, size_t size)
{
        void *p = calloc(n, size);
#ifdef MADV_HUGEPAGE
        const uintptr_t huge = (uintptr_t) 2 << 20;
        if (p && n * size >= 2 * huge) {
                uintptr_t from = ((uintptr_t) p + huge - 1) & ~(huge - 1);
                uintptr_t to = ((uintptr_t) p + n * size) & ~(huge - 1);
                if (to > from)
                        madvise((void *) from, to - from, MADV_HUGEPAGE);
        }
#endif
        return p;
}

static int cmp_int(const void *a, const void *b)
{
        int x = *(const int *) a, y = *(const int *) b;
        return (x > y) - (x < y);
}

/* Whether two scales have the same points and positive points: the only case
 * in which shares of the two editions may be compared. */
static bool same_scale(const enk_scale *a, const enk_scale *b)
{
        if (!a || !b)
                return a == b;
        if (a->npoints != b->npoints || a->npositive != b->npositive)
                return false;
        for (size_t i = 0; i < a->npoints; i++)
                if (a->points[i].value != b->points[i].value)
                        return false;
        for (size_t i = 0; i < a->npoints; i++)
                if (enk_scale_positive(a, a->points[i].value) !=
                    enk_scale_positive(b, b->points[i].value))
                        return false;
        return true;
}

static long find_str(char *const *v, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], s) == 0)
                        return (long) i;
        return -1;
}

static long find_int(const int *v, size_t n, int x)
{
        for (size_t i = 0; i < n; i++)
                if (v[i] == x)
                        return (long) i;
        return -1;
}

typedef struct wave_list {
        wave *v;
        size_t n, cap;
        bool nomem;
} wave_list;

static enk_status on_wave(void *vctx, const enk_store_wave_info *w)
{
        wave_list *l = vctx;
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 16;
                wave *v = realloc(l->v, cap * sizeof *v);
                if (!v)
                        return ENK_ERR_NOMEM;
                l->v = v;
                l->cap = cap;
        }
        wave *x = &l->v[l->n];
        x->id = w->wave_id;
        x->unit = strdup(w->unit);
        if (!x->unit)
                return ENK_ERR_NOMEM;
        x->year = w->year;
        x->edition_id = w->edition_id;
        x->responses = w->responses;
        x->sent = w->sent;
        l->n++;
        return ENK_OK;
}

static edition *find_edition(ctx *c, int64_t id)
{
        for (size_t i = 0; i < c->neds; i++)
                if (c->eds[i].id == id)
                        return &c->eds[i];
        return NULL;
}

static int cmp_named(const void *a, const void *b)
{
        return strcmp(((const named *) a)->name, ((const named *) b)->name);
}

/* The index of unit name in c->units, or -1: a binary search over byname. */
static long unit_index(const ctx *c, const char *name)
{
        named key = {.name = name};
        const named *hit = bsearch(&key, c->byname, c->nunits, sizeof key, cmp_named);
        return hit ? (long) hit->i : -1;
}

/* Where the responses of row's wave go: looked up once per wave. */
static void enter_wave(ctx *c, const enk_store_row *row)
{
        c->cur_set = true;
        c->cur_wave = row->wave_id;
        c->cur_skip = true;
        /* the listing's order is the scan's: the next wave listed with
         * responses, unless the store changed in between */
        c->cur_listed = NULL;
        for (size_t k = 0; k < c->nwaves && !c->cur_listed; k++) {
                wave *w = &c->waves[(c->next_wave + k) % c->nwaves];
                if (w->id == row->wave_id)
                        c->cur_listed = w;
        }
        if (c->cur_listed)
                c->next_wave = (size_t) (c->cur_listed - c->waves) + 1;
        if (row->year > c->report_year)
                return;
        long u = unit_index(c, row->unit);
        long y = find_int(c->years, c->nyears, row->year);
        const edition *ed = find_edition(c, row->edition_id);
        if (u < 0 || y < 0 || !ed)
                return;
        size_t at = (size_t) u * c->nyears + (size_t) y;
        c->cur_ed = ed;
        c->cur_cells = &c->cells[at * c->nq];
        c->cur_acells = &c->acells[at * c->na];
        c->cur_skip = false;
}

/* Value v's index 0-100 on scale s (which has a range). */
static double point_index(const enk_scale *s, int32_t v)
{
        double lo = s->points[0].value, hi = s->points[s->npoints - 1].value;
        return (v - lo) / (hi - lo) * 100.0;
}

/* The cell's distribution, from the first answer on: on scale s, the
 * edition's. */
static bool touch(ctx *c, cell *cl, const enk_scale *s, int cls)
{
        if (cl->scale)
                return true;
        cl->dist = enk_arena_array(&c->dists, s->npoints, sizeof *cl->dist);
        cl->scale = cl->dist ? s : NULL;
        cl->cls = cl->dist ? cls : 0;
        return cl->dist != NULL;
}

/* Tallies one response of edition ed, answers values[0..nvalues), into the
 * cells and area cells of its unit x year. */
static enk_status tally_row(ctx *c, const edition *ed, cell *base, acell *ab, const int32_t *values,
                            size_t nvalues)
{
        const enk_questionnaire *q = ed->q;
        size_t nv = nvalues < q->nquestions ? nvalues : q->nquestions;
        for (size_t a = 0; a < c->na; a++) {
                c->asum[a] = 0;
                c->acount[a] = 0;
                c->apos[a] = c->aans[a] = 0;
        }
        for (size_t j = 0; j < ed->nfs; j++) {
                const fslot *f = &ed->fs[j];
                if (f->slot >= nv)
                        break; /* slots ascend */
                const enk_scale *s = f->s;
                cell *cl = &base[f->li];
                if (!touch(c, cl, s, f->cls))
                        return ENK_ERR_NOMEM;
                int32_t v = values[f->slot];
                if (v == ENK_NA) {
                        cl->na++;
                        continue;
                }
                if (v == ENK_MISSING) {
                        /* only a question that was asked can be missing */
                        if (enk_question_shown(q, &q->questions[f->slot], values))
                                cl->missing++;
                        continue;
                }
                /* a wave has one edition, so the cell's scale is s */
                const enk_scale *cs = cl->scale;
                size_t k;
                int64_t d = (int64_t) v - f->vmin;
                if (cs == s && f->nk) {
                        if (d < 0 || d >= f->nk || f->kof[d] < 0)
                                continue; /* not on the scale: the importer rejects these */
                        k = (size_t) f->kof[d];
                } else {
                        for (k = 0; k < cs->npoints; k++)
                                if (cs->points[k].value == v)
                                        break;
                        if (k == cs->npoints)
                                continue;
                }
                cl->dist[k]++;
                int area = f->area;
                if (area < 0)
                        continue;
                c->aans[area]++;
                c->apos[area] += cs == s ? f->pos[k] : enk_scale_positive(cs, v);
                if (f->idx) {
                        c->asum[area] += cs == s ? f->idx[k] : point_index(s, v);
                        c->acount[area]++;
                }
        }
        for (size_t a = 0; a < c->na; a++) {
                enk_stats_pooled_add(&ab[a].pool, c->apos[a], c->aans[a]);
                if (!c->acount[a])
                        continue;
                double m = c->asum[a] / c->acount[a];
                ab[a].sum += m;
                ab[a].sumsq += m * m;
                ab[a].n++;
        }
        return ENK_OK;
}

/* ---- the tally on two threads ----
 * Reading the store (SQLite, unpacking the answers) and counting the answers
 * cost about the same, so this thread reads and a helper counts: the
 * responses go over in batches, two taking turns, and are counted in the
 * order read, so every sum is added in the same order as on one thread. */

#define BATCH_ROWS 2048

typedef struct batch_row {
        const edition *ed;
        cell *cells;
        acell *acells;
        size_t off, nvalues; /* its answers: vals[off..off + nvalues) */
} batch_row;

typedef struct batch {
        batch_row rows[BATCH_ROWS];
        size_t n;
        int32_t *vals;
        size_t nvals, cap;
        bool last; /* no more after this one */
} batch;

typedef struct tally_pipe {
        ctx *c;
        bool threaded;
        batch b[2];
        size_t k;      /* the batch this thread fills */
        sem_t full[2]; /* batch k is ready to be counted */
        sem_t empty[2];
        enk_status st; /* the helper's: read after it has ended */
} tally_pipe;

static void *count_batches(void *arg)
{
        tally_pipe *p = arg;
        for (size_t k = 0;; k ^= 1) {
                sem_wait(&p->full[k]);
                batch *b = &p->b[k];
                for (size_t i = 0; i < b->n && p->st == ENK_OK; i++) {
                        const batch_row *r = &b->rows[i];
                        p->st = tally_row(p->c, r->ed, r->cells, r->acells, &b->vals[r->off],
                                          r->nvalues);
                }
                bool last = b->last;
                sem_post(&p->empty[k]);
                if (last)
                        return NULL;
        }
}

/* Hands batch p->k to the helper and takes the other one when it is free. */
static void pass_batch(tally_pipe *p, bool last)
{
        p->b[p->k].last = last;
        sem_post(&p->full[p->k]);
        p->k ^= 1;
        sem_wait(&p->empty[p->k]);
        p->b[p->k].n = p->b[p->k].nvals = 0;
}

/* Streams one response into the cells of its unit x year: counted here, or
 * queued for the helper. */
static enk_status on_row(void *vpipe, const enk_store_row *row)
{
        tally_pipe *p = vpipe;
        ctx *c = p->c;
        if (!c->cur_set || row->wave_id != c->cur_wave)
                enter_wave(c, row);
        if (c->cur_listed)
                c->cur_listed->responses++;
        if (c->cur_skip)
                return ENK_OK;
        if (!p->threaded)
                return tally_row(c, c->cur_ed, c->cur_cells, c->cur_acells, row->values,
                                 row->nvalues);
        batch *b = &p->b[p->k];
        if (b->cap - b->nvals < row->nvalues) {
                size_t cap = b->cap ? b->cap * 2 : 4096;
                while (cap - b->nvals < row->nvalues)
                        cap *= 2;
                int32_t *v = realloc(b->vals, cap * sizeof *v);
                if (!v)
                        return ENK_ERR_NOMEM;
                b->vals = v;
                b->cap = cap;
        }
        memcpy(&b->vals[b->nvals], row->values, row->nvalues * sizeof *row->values);
        b->rows[b->n++] =
            (batch_row){c->cur_ed, c->cur_cells, c->cur_acells, b->nvals, row->nvalues};
        b->nvals += row->nvalues;
        if (b->n == BATCH_ROWS)
                pass_batch(p, false);
        return ENK_OK;
}

/* Scans the store into the cells, the counting on a helper thread when one
 * can be had. */
static enk_status scan_into_cells(ctx *c, struct enk_store *store, enk_diags *diags)
{
        tally_pipe *p = calloc(1, sizeof *p);
        if (!p)
                return ENK_ERR_NOMEM;
        p->c = c;
        for (int k = 0; k < 2; k++) {
                sem_init(&p->full[k], 0, 0);
                sem_init(&p->empty[k], 0, k == 0 ? 0 : 1); /* this thread holds batch 0 */
        }
        pthread_t helper;
        p->threaded = pthread_create(&helper, NULL, count_batches, p) == 0;
        enk_store_filter filter = {.answers_only = true};
        enk_status st = enk_store_scan(store, &filter, on_row, p, diags);
        if (p->threaded) {
                pass_batch(p, true); /* also after a failure: the helper must end */
                pthread_join(helper, NULL);
                if (st == ENK_OK)
                        st = p->st;
        }
        for (int k = 0; k < 2; k++) {
                sem_destroy(&p->full[k]);
                sem_destroy(&p->empty[k]);
                free(p->b[k].vals);
        }
        free(p);
        return st;
}

/* Adds the counts of cell `from` to the counts `to` of a cell on scale
 * `to_scale`, point by point value (the scales of one year are one edition's,
 * so the values match). */
static void add_dist(const cell *from, int64_t *to, const enk_scale *to_scale)
{
        for (size_t k = 0; k < from->scale->npoints; k++)
                for (size_t j = 0; j < to_scale->npoints; j++)
                        if (to_scale->points[j].value == from->scale->points[k].value)
                                to[j] += from->dist[k];
}

/* The weighted total: the unit tallies of each year added up. */
static enk_status add_total(ctx *c, size_t nunits_scope)
{
        size_t t = nunits_scope;
        for (size_t y = 0; y < c->nyears; y++) {
                for (size_t qi = 0; qi < c->nq; qi++) {
                        cell *tc = &c->cells[(t * c->nyears + y) * c->nq + qi];
                        for (size_t u = 0; u < nunits_scope; u++) {
                                cell *uc = &c->cells[(u * c->nyears + y) * c->nq + qi];
                                if (!uc->scale)
                                        continue;
                                if (!touch(c, tc, uc->scale, uc->cls))
                                        return ENK_ERR_NOMEM;
                                tc->na += uc->na;
                                tc->missing += uc->missing;
                                add_dist(uc, tc->dist, tc->scale);
                        }
                }
                for (size_t a = 0; a < c->na; a++) {
                        acell *ta = &c->acells[(t * c->nyears + y) * c->na + a];
                        for (size_t u = 0; u < nunits_scope; u++) {
                                acell *ua = &c->acells[(u * c->nyears + y) * c->na + a];
                                ta->sum += ua->sum;
                                ta->sumsq += ua->sumsq;
                                ta->n += ua->n;
                                enk_stats_pooled_sum(&ta->pool, &ua->pool, 1);
                        }
                }
        }
        return ENK_OK;
}

static void nan_figure(enk_figure *r)
{
        r->share = r->ci_low = r->ci_high = NAN;
        r->mean = r->sd = r->index = r->index_low = r->index_high = NAN;
        r->prev_share = r->diff = r->diff_low = r->diff_high = NAN;
        r->diff_p = r->diff_p_adj = r->cohen_h = NAN;
        r->trend_slope_pp = r->trend_p = NAN;
        r->total_share = r->rest_diff = r->rest_low = r->rest_high = NAN;
        r->rest_p = r->rest_p_adj = NAN;
}

/* Positives and answers of a cell. */
static void count_cell(cell *cl)
{
        cl->x = cl->n = 0;
        if (!cl->scale)
                return;
        for (size_t k = 0; k < cl->scale->npoints; k++) {
                cl->n += cl->dist[k];
                if (enk_scale_positive(cl->scale, cl->scale->points[k].value))
                        cl->x += cl->dist[k];
        }
}

/* Positives and answers of a cell (counted by count_cell after the tally). */
static void cell_counts(const cell *cl, int64_t *x, int64_t *n)
{
        *x = cl->x;
        *n = cl->n;
}

/* same_scale() of the scales of two cells. */
static bool same_cell_scale(const cell *a, const cell *b)
{
        return a->cls == b->cls;
}

static enk_figure *row_at(const ctx *c, size_t g, size_t y, size_t slot)
{
        return &c->rows[(g * c->nyears + y) * c->per + slot];
}

static const cell *cell_at(const ctx *c, size_t g, size_t y, size_t qi)
{
        return &c->cells[(g * c->nyears + y) * c->nq + qi];
}

/* ---- phase 1: what each cell says on its own (figures 1-4, primary
 * suppression) ---- */

static enk_status question_basic(ctx *c, enk_figure *r, const cell *cl)
{
        nan_figure(r);
        const enk_question *lq = &c->latest->questions[r->question_index];
        const enk_scale *ls = enk_question_scale(c->latest, lq);
        if (cl->scale) {
                size_t k = cl->scale->npoints;
                double points[64];
                bool pos[64];
                if (k > 64 || k < 2)
                        return ENK_OK;
                for (size_t i = 0; i < k; i++) {
                        points[i] = cl->scale->points[i].value;
                        pos[i] = enk_scale_positive(cl->scale, cl->scale->points[i].value);
                }
                enk_item it;
                enk_status st = enk_stats_item(cl->dist, points, pos, k, cl->na, c->min_n, &it);
                if (st != ENK_OK)
                        return st;
                r->n = it.n;
                r->positive = it.positive;
                r->na = cl->na;
                r->missing = cl->missing;
                r->dist = cl->dist;
                r->ndist = k;
                r->dist_hidden = it.hide_distribution;
                if (it.n > 0) {
                        r->share = it.share.share;
                        r->ci_low = it.share.low;
                        r->ci_high = it.share.high;
                        r->exact_ci = it.share.method == ENK_CI_CLOPPER_PEARSON;
                        r->mean = it.mean.mean;
                        r->sd = it.mean.sd;
                        r->index = it.mean.index;
                        r->index_low = it.mean.index_low;
                        r->index_high = it.mean.index_high;
                }
                r->scale_changed = !same_scale(cl->scale, ls);
        }
        r->suppressed = enk_stats_suppressed(r->n, c->min_n);
        r->low_precision = enk_stats_low_precision(r->n);
        return ENK_OK;
}

/* Figures of one area cell: the mean over respondents of their mean index
 * over the area's questions, with a t interval; the share positive is pooled
 * over the area's question cells (Σ positive / Σ answered). */
static void area_basic(ctx *c, enk_figure *r, const acell *ac, size_t g, size_t y, size_t a)
{
        nan_figure(r);
        r->n = ac->n;
        int64_t x = 0, n = 0;
        for (size_t j = c->aq_at[a]; j < c->aq_at[a + 1]; j++) {
                int64_t qx, qn;
                cell_counts(cell_at(c, g, y, c->aq[j]), &qx, &qn);
                x += qx;
                n += qn;
        }
        r->positive = x;
        if (n > 0) {
                enk_share sh;
                if (enk_stats_share(x, n, ENK_CI_AUTO, ENK_STATS_LEVEL, &sh) == ENK_OK) {
                        r->share = sh.share;
                        r->ci_low = sh.low;
                        r->ci_high = sh.high;
                        r->exact_ci = sh.method == ENK_CI_CLOPPER_PEARSON;
                }
        }
        if (ac->n > 0) {
                double m = ac->sum / (double) ac->n;
                r->mean = r->index = m;
                if (ac->n > 1) {
                        double var = (ac->sumsq - ac->n * m * m) / (double) (ac->n - 1);
                        double sd = var > 0 ? sqrt(var) : 0;
                        r->sd = sd;
                        r->index_low = r->index_high = m;
                        if (sd > 1e-12 * (fabs(m) + 1)) {
                                /* Three points m − a, m, m + a with counts h, r, h have
                                 * mean m and sample sd exactly sd for a chosen a, so
                                 * enk_stats_mean_counts gives the t interval without
                                 * keeping every respondent's value. */
                                int64_t h = ac->n / 2, mid = ac->n % 2;
                                double aa = mid ? sd : sd * sqrt((double) (ac->n - 1) / ac->n);
                                int64_t counts[3] = {h, mid, h};
                                double pts[3] = {m - aa, m, m + aa};
                                enk_mean em;
                                if (enk_stats_mean_counts(counts, pts, 3, ENK_STATS_LEVEL, &em) ==
                                    ENK_OK) {
                                        r->index_low = em.low < 0 ? 0 : em.low;
                                        r->index_high = em.high > 100 ? 100 : em.high;
                                }
                        }
                }
        }
        r->dist_hidden = true; /* an area has no distribution */
        r->suppressed = enk_stats_suppressed(r->n, c->min_n);
        r->low_precision = enk_stats_low_precision(r->n);
}

/* ---- two cores: the groups (units, the total) split in two halves ----
 * The phases that work group by group (the rows' own figures, the figures
 * across years) write only the rows of their group and read what earlier
 * phases left, so the groups can be shared out: this thread takes the first
 * half, a helper the second. The statistics keep their small caches per
 * thread (analysis/stats.c). */

typedef enk_status (*groups_fn)(ctx *c, size_t from, size_t to);

typedef struct groups_job {
        groups_fn fn;
        ctx *c;
        size_t from, to;
        enk_status st;
} groups_job;

static void *run_groups(void *arg)
{
        groups_job *j = arg;
        j->st = j->fn(j->c, j->from, j->to);
        return NULL;
}

/* fn over every group, on two threads when there are two groups or more
 * (on one when no thread can be had). */
static enk_status on_two_threads(ctx *c, groups_fn fn)
{
        size_t half = c->ngroups / 2;
        if (half == 0)
                return fn(c, 0, c->ngroups);
        groups_job j = {.fn = fn, .c = c, .from = half, .to = c->ngroups};
        pthread_t helper;
        bool threaded = pthread_create(&helper, NULL, run_groups, &j) == 0;
        enk_status st = fn(c, 0, half);
        if (threaded)
                pthread_join(helper, NULL);
        else
                run_groups(&j);
        return st != ENK_OK ? st : j.st;
}

/* Every group x year x item with the figures of its own cell. */
static enk_status build_groups(ctx *c, size_t from, size_t to)
{
        for (size_t g = from; g < to; g++) {
                bool is_total = g == c->nunits;
                const char *uname = is_total ? ENK_ALL_UNITS : c->units[g];
                for (size_t y = 0; y < c->nyears; y++) {
                        for (size_t qi = 0; qi < c->nq; qi++) {
                                if (c->qslot[qi] < 0)
                                        continue;
                                enk_figure *r = row_at(c, g, y, (size_t) c->qslot[qi]);
                                r->unit = uname;
                                r->year = c->years[y];
                                r->question = c->latest->questions[qi].id;
                                r->question_index = (int) qi;
                                enk_status st = question_basic(c, r, cell_at(c, g, y, qi));
                                if (st != ENK_OK)
                                        return st;
                        }
                        for (size_t a = 0; a < c->na; a++) {
                                if (c->aslot[a] < 0)
                                        continue;
                                enk_figure *r = row_at(c, g, y, (size_t) c->aslot[a]);
                                r->unit = uname;
                                r->year = c->years[y];
                                r->question = c->latest->areas[a].id;
                                r->is_area = true;
                                r->question_index = (int) a;
                                area_basic(c, r, &c->acells[(g * c->nyears + y) * c->na + a], g, y,
                                           a);
                        }
                }
        }
        return ENK_OK;
}

static enk_status build_rows(ctx *c)
{
        return on_two_threads(c, build_groups);
}

/* ---- phase 2: what must be hidden because of what else is shown ---- */

/* An area is hidden when one of its questions with answers is hidden in the
 * same unit x year: the area's pooled counts less its shown questions' would
 * give the hidden one. Returns whether it hid anything. */
static bool hide_areas(ctx *c)
{
        bool more = false;
        for (size_t g = 0; g < c->ngroups; g++)
                for (size_t y = 0; y < c->nyears; y++)
                        for (size_t qi = 0; qi < c->nq; qi++) {
                                int a = c->latest->questions[qi].area;
                                if (c->qslot[qi] < 0 || a < 0 || c->aslot[a] < 0)
                                        continue;
                                const enk_figure *q = row_at(c, g, y, (size_t) c->qslot[qi]);
                                enk_figure *ar = row_at(c, g, y, (size_t) c->aslot[a]);
                                if (q->n > 0 && q->suppressed && !ar->suppressed) {
                                        ar->suppressed = true;
                                        more = true;
                                }
                        }
        return more;
}

/* A follow-up question (show_if) is asked of those who gave some answers to
 * an earlier question, so its n + na + missing counts those answers. When the
 * earlier question is a hidden row, or one whose distribution is hidden, the
 * follow-up is hidden with its counts; so is a follow-up of such a follow-up,
 * also through questions without figures (yes/no, choices). Returns whether
 * it hid anything. */
static bool hide_followups(ctx *c, bool *tainted)
{
        bool more = false;
        for (size_t g = 0; g < c->ngroups; g++)
                for (size_t y = 0; y < c->nyears; y++)
                        for (size_t qi = 0; qi < c->nq; qi++) {
                                const enk_condition *cond = c->latest->questions[qi].show_if;
                                tainted[qi] = false;
                                if (!cond || cond->question >= qi)
                                        continue;
                                size_t cj = cond->question;
                                const enk_figure *ctrl =
                                    c->qslot[cj] >= 0 ? row_at(c, g, y, (size_t) c->qslot[cj])
                                                      : NULL;
                                tainted[qi] =
                                    tainted[cj] || (ctrl && ctrl->n > 0 &&
                                                    (ctrl->suppressed || ctrl->dist_hidden));
                                if (!tainted[qi] || c->qslot[qi] < 0)
                                        continue;
                                enk_figure *r = row_at(c, g, y, (size_t) c->qslot[qi]);
                                more |= !r->suppressed || !r->counts_hidden;
                                r->suppressed = r->counts_hidden = true;
                        }
        return more;
}

/* Secondary suppression over the units of each year x item, the units
 * already hidden counting as hidden (enk_stats_suppress_more); when every
 * unit is hidden, so is the total. Units without answers (no wave that year,
 * or a question nobody was shown) have nothing to disclose and take no part.
 * ns, sup and idx have room for every unit. Returns whether it hid anything. */
static bool hide_units(ctx *c, int64_t *ns, bool *sup, size_t *idx)
{
        bool more = false;
        for (size_t y = 0; y < c->nyears; y++)
                for (size_t k = 0; k < c->per; k++) {
                        size_t m = 0;
                        for (size_t u = 0; u < c->nunits; u++) {
                                const enk_figure *r = row_at(c, u, y, k);
                                if (r->n > 0) {
                                        idx[m] = u;
                                        ns[m] = r->n;
                                        sup[m++] = r->suppressed;
                                }
                        }
                        size_t cnt = 0;
                        if (!m || enk_stats_suppress_more(ns, m, c->min_n, sup, &cnt) != ENK_OK)
                                continue;
                        for (size_t j = 0; j < m; j++) {
                                enk_figure *r = row_at(c, idx[j], y, k);
                                more |= sup[j] && !r->suppressed;
                                r->suppressed |= sup[j];
                        }
                        enk_figure *t = row_at(c, c->nunits, y, k);
                        if (cnt == m && !t->suppressed) {
                                t->suppressed = true;
                                more = true;
                        }
                }
        return more;
}

/* The total's distribution less the shown units' distributions is the sum
 * of the hidden ones: it is hidden when that sum would be, as a group of its
 * own. */
static void hide_total_distributions(ctx *c)
{
        for (size_t y = 0; y < c->nyears; y++)
                for (size_t qi = 0; qi < c->nq; qi++) {
                        const cell *tc = cell_at(c, c->nunits, y, qi);
                        if (c->qslot[qi] < 0 || !tc->scale || tc->scale->npoints > 64)
                                continue;
                        int64_t rest[64] = {0}, n = 0;
                        for (size_t u = 0; u < c->nunits; u++) {
                                const cell *uc = cell_at(c, u, y, qi);
                                if (uc->scale &&
                                    row_at(c, u, y, (size_t) c->qslot[qi])->dist_hidden)
                                        add_dist(uc, rest, tc->scale);
                        }
                        for (size_t k = 0; k < tc->scale->npoints; k++)
                                n += rest[k];
                        enk_figure *t = row_at(c, c->nunits, y, (size_t) c->qslot[qi]);
                        if (n > 0 &&
                            enk_stats_distribution_hidden(rest, tc->scale->npoints, c->min_n))
                                t->dist_hidden = true;
                }
}

/* Areas and units hide each other in turn (a unit's hidden question hides its
 * area, which may draw another unit's area in), until nothing changes; then
 * the distributions. Every hidden row hides its distribution. */
static enk_status suppress(ctx *c)
{
        int64_t *ns = calloc(c->nunits, sizeof *ns);
        bool *sup = calloc(c->nunits, sizeof *sup);
        size_t *idx = calloc(c->nunits, sizeof *idx);
        bool *tainted = calloc(c->nq ? c->nq : 1, sizeof *tainted);
        if (!ns || !sup || !idx || !tainted) {
                free(ns);
                free(sup);
                free(idx);
                free(tainted);
                return ENK_ERR_NOMEM;
        }
        bool more = true;
        while (more) {
                more = hide_followups(c, tainted);
                more |= hide_areas(c);
                if (c->with_total)
                        more |= hide_units(c, ns, sup, idx);
        }
        free(ns);
        free(sup);
        free(idx);
        free(tainted);
        size_t nrows = c->ngroups * c->nyears * c->per;
        for (size_t i = 0; i < nrows; i++)
                c->rows[i].dist_hidden |= c->rows[i].suppressed;
        if (c->with_total)
                hide_total_distributions(c);
        return ENK_OK;
}

/* ---- phase 3: figures across years, from shown rows only ---- */

/* The change since the previous year this unit has in the store, when that
 * year's row is shown. */
static void question_change(ctx *c, enk_figure *r, size_t g, size_t y, size_t qi)
{
        const cell *cl = cell_at(c, g, y, qi);
        for (size_t py = y; py-- > 0;) {
                if (!c->has_wave[g * c->nyears + py])
                        continue;
                r->prev_year = c->years[py];
                const enk_figure *pr = row_at(c, g, py, (size_t) c->qslot[qi]);
                if (pr->n > 0 && pr->suppressed) {
                        r->prev_hidden = true;
                        return;
                }
                const cell *pc = cell_at(c, g, py, qi);
                int64_t px, pn;
                cell_counts(pc, &px, &pn);
                enk_diff d;
                if (pn > 0 && same_cell_scale(pc, cl) &&
                    enk_stats_diff(r->positive, r->n, px, pn, ENK_STATS_LEVEL, &d) == ENK_OK) {
                        r->prev_share = d.pb;
                        r->diff = d.diff;
                        r->diff_low = d.low;
                        r->diff_high = d.high;
                        r->diff_p = d.p;
                        r->fisher = d.fisher;
                        r->cohen_h = d.cohen_h;
                }
                return;
        }
}

/* The trend over the shown years up to this one, back to a change of scale;
 * a hidden year is left out like a year without answers. */
static void question_trend(ctx *c, enk_figure *r, size_t g, size_t y, size_t qi)
{
        const cell *cl = cell_at(c, g, y, qi);
        int64_t xs[256], ns[256];
        double yrs[256];
        size_t k = 0;
        size_t from = y + 1 > 256 ? y + 1 - 256 : 0;
        for (size_t py = y + 1; py-- > from;) {
                const cell *pc = cell_at(c, g, py, qi);
                if (!pc->scale)
                        continue;
                if (!same_cell_scale(pc, cl))
                        break;
                if (row_at(c, g, py, (size_t) c->qslot[qi])->suppressed)
                        continue;
                int64_t px, pn;
                cell_counts(pc, &px, &pn);
                if (pn == 0)
                        continue;
                xs[k] = px;
                ns[k] = pn;
                yrs[k] = c->years[py];
                k++;
        }
        r->first_year = k ? (int) yrs[k - 1] : c->years[y]; /* collected newest first */
        enk_trend tr;
        if (k >= 2 && enk_stats_trend_pp(xs, ns, yrs, k, &tr) == ENK_OK) {
                r->trend_slope_pp = tr.slope.slope_pp;
                r->trend_p = tr.p;
                if (isfinite(tr.p) && tr.p < ENK_STATS_ALPHA && tr.slope.slope_pp != 0)
                        r->trend_change = tr.slope.slope_pp > 0 ? ENK_CHANGE_UP : ENK_CHANGE_DOWN;
        }
}

/* The rows of one family of tests in group g x year y: its questions, or
 * its areas (a family of their own: their p-values come from another kind
 * of test). Returns how many; out has room for c->per. */
static size_t family(const ctx *c, size_t g, size_t y, bool areas, enk_figure **out)
{
        size_t m = 0;
        size_t n = areas ? c->na : c->nq;
        const int *slot = areas ? c->aslot : c->qslot;
        for (size_t i = 0; i < n; i++)
                if (slot[i] >= 0)
                        out[m++] = row_at(c, g, y, (size_t) slot[i]);
        return m;
}

/* The verdict of a test whose interval is [low, high] and whose adjusted p
 * is p_adj: marked when the interval excludes 0 and p_adj is below the
 * level. */
static enk_change verdict(double diff, double low, double high, double p_adj)
{
        bool sig = !isnan(low) && (low > 0 || high < 0);
        if (!sig || !(p_adj < ENK_STATS_ALPHA))
                return ENK_CHANGE_NONE;
        return diff > 0 ? ENK_CHANGE_UP : ENK_CHANGE_DOWN;
}

/* Holm over one family's changes since last year and, apart, over its
 * tests against the other units (the hidden and the incomparable left out
 * of m). */
static void mark_family(enk_figure **rows, size_t m, double *p)
{
        if (!m)
                return;
        for (size_t i = 0; i < m; i++)
                p[i] = rows[i]->diff_p;
        if (enk_stats_p_adjust(p, m, ENK_ADJUST_HOLM, p) == ENK_OK)
                for (size_t i = 0; i < m; i++) {
                        enk_figure *r = rows[i];
                        r->diff_p_adj = p[i];
                        r->change = verdict(r->diff, r->diff_low, r->diff_high, p[i]);
                }
        for (size_t i = 0; i < m; i++)
                p[i] = rows[i]->rest_p;
        if (enk_stats_p_adjust(p, m, ENK_ADJUST_HOLM, p) == ENK_OK)
                for (size_t i = 0; i < m; i++) {
                        enk_figure *r = rows[i];
                        r->rest_p_adj = p[i];
                        r->vs_rest = verdict(r->rest_diff, r->rest_low, r->rest_high, p[i]);
                }
}

/* Unit g's question beside the weighted total of every unit, and tested
 * against the other units together (the total less this unit), when the
 * total is shown and other units answered. The other units' figures can be
 * worked out from the total and this unit, but so they can from the
 * all-units table, which shows the same total under the same suppression:
 * the sum of the hidden units is never a small group (secondary suppression,
 * statistics.md section 11). */
static void question_rest(ctx *c, enk_figure *r, size_t g, size_t y, size_t qi)
{
        const enk_figure *t = row_at(c, c->nunits, y, (size_t) c->qslot[qi]);
        const cell *uc = cell_at(c, g, y, qi), *tc = cell_at(c, c->nunits, y, qi);
        if (t->suppressed || !uc->scale || !same_cell_scale(uc, tc))
                return;
        int64_t ux, un, tx, tn;
        cell_counts(uc, &ux, &un);
        cell_counts(tc, &tx, &tn);
        if (tn - un <= 0 || un == 0)
                return;
        r->total_share = t->share;
        enk_diff d;
        if (enk_stats_diff(ux, un, tx - ux, tn - un, ENK_STATS_LEVEL, &d) == ENK_OK) {
                r->rest_diff = d.diff;
                r->rest_low = d.low;
                r->rest_high = d.high;
                r->rest_p = d.p;
        }
}

static const acell *acell_at(const ctx *c, size_t g, size_t y, size_t a)
{
        return &c->acells[(g * c->nyears + y) * c->na + a];
}

/* The area's answers in year py can be compared with year y's: no question
 * of it has another scale in the one than in the other. */
static bool area_comparable(const ctx *c, size_t g, size_t y, size_t py, size_t a)
{
        for (size_t j = c->aq_at[a]; j < c->aq_at[a + 1]; j++) {
                const cell *now = cell_at(c, g, y, c->aq[j]), *then = cell_at(c, g, py, c->aq[j]);
                if (now->scale && then->scale && !same_cell_scale(now, then))
                        return false;
        }
        return true;
}

/* The change of area a's pooled share since the previous year this unit has,
 * when that year's area is shown and its scales are the same. The test takes
 * the respondent as the unit (enk_stats_pooled_diff): one respondent answers
 * several of the pooled questions, so a test treating the answers as
 * independent would call too many changes significant. */
static void area_change(ctx *c, enk_figure *r, size_t g, size_t y, size_t a)
{
        for (size_t py = y; py-- > 0;) {
                if (!c->has_wave[g * c->nyears + py])
                        continue;
                r->prev_year = c->years[py];
                const enk_figure *pr = row_at(c, g, py, (size_t) c->aslot[a]);
                if (pr->n > 0 && pr->suppressed) {
                        r->prev_hidden = true;
                        return;
                }
                const enk_pooled *now = &acell_at(c, g, y, a)->pool;
                const enk_pooled *then = &acell_at(c, g, py, a)->pool;
                if (!area_comparable(c, g, y, py, a) || !(then->m > 0))
                        return;
                r->prev_share = then->x / then->m;
                enk_diff d;
                if (enk_stats_pooled_diff(now, then, ENK_STATS_LEVEL, &d) == ENK_OK) {
                        r->diff = d.diff;
                        r->diff_low = d.low;
                        r->diff_high = d.high;
                        r->diff_p = d.p;
                        r->cohen_h = d.cohen_h;
                }
                return;
        }
}

/* The trend of area a's pooled share over the shown years up to this one,
 * back to a change of scale: the slope through the yearly pooled shares as
 * for a question, its test with the respondent as the unit
 * (enk_stats_pooled_trend). */
static void area_trend(ctx *c, enk_figure *r, size_t g, size_t y, size_t a)
{
        int64_t xs[256], ns[256];
        double yrs[256];
        enk_pooled pools[256];
        size_t k = 0;
        size_t from = y + 1 > 256 ? y + 1 - 256 : 0;
        for (size_t py = y + 1; py-- > from;) {
                if (!area_comparable(c, g, y, py, a))
                        break;
                const enk_pooled *pl = &acell_at(c, g, py, a)->pool;
                if (row_at(c, g, py, (size_t) c->aslot[a])->suppressed || !(pl->m > 0))
                        continue;
                xs[k] = (int64_t) pl->x;
                ns[k] = (int64_t) pl->m;
                yrs[k] = c->years[py];
                pools[k++] = *pl;
        }
        r->first_year = k ? (int) yrs[k - 1] : c->years[y];
        double slope_pp, slope, p;
        if (k < 2 || enk_stats_slope_pp(xs, ns, yrs, k, &slope_pp) != ENK_OK)
                return;
        r->trend_slope_pp = slope_pp;
        if (enk_stats_pooled_trend(pools, yrs, k, &slope, &p) != ENK_OK)
                return;
        r->trend_p = p;
        if (p < ENK_STATS_ALPHA && slope_pp != 0)
                r->trend_change = slope_pp > 0 ? ENK_CHANGE_UP : ENK_CHANGE_DOWN;
}

/* Unit g's area beside the weighted total, and tested against the other
 * units together, as question_rest. */
static void area_rest(ctx *c, enk_figure *r, size_t g, size_t y, size_t a)
{
        const enk_figure *t = row_at(c, c->nunits, y, (size_t) c->aslot[a]);
        if (t->suppressed)
                return;
        const enk_pooled *unit = &acell_at(c, g, y, a)->pool;
        enk_pooled rest = acell_at(c, c->nunits, y, a)->pool;
        enk_stats_pooled_sum(&rest, unit, -1);
        if (rest.respondents <= 0 || !(rest.m > 0) || !(unit->m > 0))
                return;
        r->total_share = t->share;
        enk_diff d;
        if (enk_stats_pooled_diff(unit, &rest, ENK_STATS_LEVEL, &d) == ENK_OK) {
                r->rest_diff = d.diff;
                r->rest_low = d.low;
                r->rest_high = d.high;
                r->rest_p = d.p;
        }
}

static enk_status derive_groups(ctx *c, size_t from, size_t to)
{
        double *p = calloc(c->per ? c->per : 1, sizeof *p);
        enk_figure **fam = calloc(c->per ? c->per : 1, sizeof *fam);
        if (!p || !fam) {
                free(p);
                free(fam);
                return ENK_ERR_NOMEM;
        }
        for (size_t g = from; g < to; g++)
                for (size_t y = 0; y < c->nyears; y++) {
                        bool unit = c->with_total && g < c->nunits;
                        for (size_t qi = 0; qi < c->nq; qi++) {
                                if (c->qslot[qi] < 0)
                                        continue;
                                enk_figure *r = row_at(c, g, y, (size_t) c->qslot[qi]);
                                if (r->suppressed)
                                        continue;
                                question_change(c, r, g, y, qi);
                                question_trend(c, r, g, y, qi);
                                if (unit)
                                        question_rest(c, r, g, y, qi);
                        }
                        mark_family(fam, family(c, g, y, false, fam), p);
                        for (size_t a = 0; a < c->na; a++) {
                                if (c->aslot[a] < 0)
                                        continue;
                                enk_figure *r = row_at(c, g, y, (size_t) c->aslot[a]);
                                if (r->suppressed)
                                        continue;
                                area_change(c, r, g, y, a);
                                area_trend(c, r, g, y, a);
                                if (unit)
                                        area_rest(c, r, g, y, a);
                        }
                        mark_family(fam, family(c, g, y, true, fam), p);
                }
        free(p);
        free(fam);
        return ENK_OK;
}

/* A unit's row against the total reads only what phases 1 and 2 wrote in
 * the total's row (suppressed, share), so the total may be derived at the
 * same time. */
static enk_status derive(ctx *c)
{
        return on_two_threads(c, derive_groups);
}

/* ---- phase 4: nothing hidden leaves the table ---- */

static void scrub(ctx *c)
{
        size_t nrows = c->ngroups * c->nyears * c->per;
        for (size_t i = 0; i < nrows; i++) {
                enk_figure *r = &c->rows[i];
                if (r->dist_hidden)
                        r->dist = NULL;
                /* on a scale of two or three points the share and the mean
                 * give every count: a hidden distribution hides the mean */
                if (r->dist_hidden && !r->is_area && r->ndist <= 3)
                        r->mean = r->sd = r->index = r->index_low = r->index_high = NAN;
                if (r->counts_hidden)
                        r->n = r->na = r->missing = 0;
                if (!r->suppressed)
                        continue;
                nan_figure(r);
                r->positive = 0;
                r->exact_ci = r->fisher = r->prev_hidden = false;
                r->change = r->trend_change = r->vs_rest = ENK_CHANGE_NONE;
        }
}

static void free_ctx(ctx *c, wave_list *wl)
{
        free(c->cells);
        free(c->acells);
        free(c->asum);
        free(c->acount);
        free(c->apos);
        free(c->aans);
        free(c->rows);
        free(c->qslot);
        free(c->aslot);
        free(c->has_wave);
        for (size_t i = 0; i < c->neds; i++) {
                enk_questionnaire_free(c->eds[i].q);
                free(c->eds[i].map);
                free(c->eds[i].fs);
                free(c->eds[i].pos);
                free(c->eds[i].idx);
        }
        free(c->eds);
        enk_arena_release(&c->dists); /* unless moved into the result */
        free(c->byname);
        free(c->classes);
        free(c->aq);
        free(c->aq_at);
        free(c->units); /* the names themselves belong to wl */
        free(c->years);
        for (size_t i = 0; i < wl->n; i++)
                free(wl->v[i].unit);
        free(wl->v);
}

/* What the result owns beyond the public struct. */
typedef struct figures_impl {
        enk_figures pub;
        char **units;
        int *years;
        enk_figure *rows;
        enk_wave_info *waves;
        enk_questionnaire **editions;
        enk_arena dists; /* the cells' distributions, moved here */
        char hash[ENK_HASH_HEX_SIZE];
} figures_impl;

void enk_figures_free(enk_figures *f)
{
        if (!f)
                return;
        figures_impl *fi = (figures_impl *) f;
        for (size_t i = 0; i < f->nunits; i++)
                free(fi->units[i]);
        free(fi->units);
        free(fi->years);
        free(fi->rows);
        for (size_t i = 0; i < f->nwaves; i++)
                free((char *) fi->waves[i].unit);
        free(fi->waves);
        for (size_t i = 0; i < f->neditions; i++)
                enk_questionnaire_free(fi->editions[i]);
        free(fi->editions);
        enk_arena_release(&fi->dists);
        free(fi);
}

const enk_figure *enk_figures_find(const enk_figures *f, const char *unit, int year,
                                   const char *question, bool is_area)
{
        if (!f || !unit || !question)
                return NULL;
        for (size_t i = 0; i < f->nrows; i++) {
                const enk_figure *r = &f->rows[i];
                if (r->year == year && r->is_area == is_area && strcmp(r->unit, unit) == 0 &&
                    strcmp(r->question, question) == 0)
                        return r;
        }
        return NULL;
}

/* By year, then in the order they were added: the order of
 * enk_questionnaire_latest, so that the latest edition is also the last. */
static int cmp_edition(const void *a, const void *b)
{
        const edition *x = a, *y = b;
        int c = cmp_int(&x->q->edition, &y->q->edition);
        return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* ---- the driver ---- */

/* Loads the edition with this id unless it is loaded; marks it shown when a
 * unit of the result answered it. */
static enk_status use_edition(ctx *c, struct enk_store *store, int64_t id, bool shown,
                              enk_diags *diags)
{
        edition *e = find_edition(c, id);
        if (!e) {
                e = realloc(c->eds, (c->neds + 1) * sizeof *e);
                if (!e)
                        return ENK_ERR_NOMEM;
                c->eds = e;
                e = &c->eds[c->neds];
                *e = (edition){.id = id};
                enk_status st = enk_store_load_edition(store, id, &e->q, diags);
                if (st != ENK_OK)
                        return st;
                c->neds++;
        }
        e->shown |= shown;
        return ENK_OK;
}

static enk_status add_unit_year(ctx *c, char *unit, int year)
{
        /* the store lists a unit's waves together: the last unit added is
         * the likely one, which spares the walk over every unit */
        bool known = c->nunits && strcmp(c->units[c->nunits - 1], unit) == 0;
        if (!known && find_str(c->units, c->nunits, unit) < 0) {
                char **u = realloc(c->units, (c->nunits + 1) * sizeof *u);
                if (!u)
                        return ENK_ERR_NOMEM;
                c->units = u;
                c->units[c->nunits++] = unit; /* borrowed from the wave list */
        }
        if (find_int(c->years, c->nyears, year) < 0) {
                int *y = realloc(c->years, (c->nyears + 1) * sizeof *y);
                if (!y)
                        return ENK_ERR_NOMEM;
                c->years = y;
                c->years[c->nyears++] = year;
        }
        return ENK_OK;
}

/* The scope: the report year, every unit with responses up to it (all of
 * them, also for a one-unit result, since suppression is decided over all),
 * their years, and the editions they answered. The latest edition is the
 * newest one in the store (any unit, any year): the current ids and scales
 * are those, also in the report of an earlier year or of one unit. */
static enk_status scope(ctx *c, const wave_list *wl, int year, struct enk_store *store,
                        const char *store_file, enk_diags *diags)
{
        int latest_year = 0;
        for (size_t i = 0; i < wl->n; i++) {
                const wave *w = &wl->v[i];
                bool shown = !c->shown_unit || strcmp(w->unit, c->shown_unit) == 0;
                if (w->responses > 0 && shown && w->year > latest_year)
                        latest_year = w->year;
        }
        c->report_year = year ? year : latest_year;
        bool year_found = false;
        for (size_t i = 0; i < wl->n; i++) {
                const wave *w = &wl->v[i];
                bool shown = !c->shown_unit || strcmp(w->unit, c->shown_unit) == 0;
                if (w->responses == 0)
                        continue;
                enk_status st = use_edition(c, store, w->edition_id, shown, diags);
                if (st == ENK_OK && w->year <= c->report_year)
                        st = add_unit_year(c, w->unit, w->year);
                if (st != ENK_OK)
                        return st;
                year_found |= shown && w->year == c->report_year;
        }
        if (!year_found) {
                enk_loc loc = {.file = store_file};
                if (c->shown_unit)
                        enk_error(diags, loc, "unit '%s' has no responses in %d", c->shown_unit,
                                  c->report_year);
                else
                        enk_error(diags, loc, "the store has no responses in %d", c->report_year);
                return ENK_ERR_NOTFOUND;
        }
        /* units in Swedish order: Å, Ä, Ö after Z (survey/collate.h) */
        if (c->nunits > 1)
                qsort(c->units, c->nunits, sizeof *c->units, enk_collate_sv_ptr);
        if (c->nyears > 1)
                qsort(c->years, c->nyears, sizeof *c->years, cmp_int);
        if (c->neds > 1)
                qsort(c->eds, c->neds, sizeof *c->eds, cmp_edition);
        c->byname = malloc((c->nunits ? c->nunits : 1) * sizeof *c->byname);
        if (!c->byname)
                return ENK_ERR_NOMEM;
        for (size_t u = 0; u < c->nunits; u++)
                c->byname[u] = (named){c->units[u], u};
        qsort(c->byname, c->nunits, sizeof *c->byname, cmp_named);
        /* The latest edition of the whole store, also for one unit: the
         * questions of every table from one store map the same way, so a
         * unit's table and the all-units table cannot be subtracted. */
        const enk_questionnaire **qs = malloc(c->neds * sizeof *qs);
        int64_t *ids = malloc(c->neds * sizeof *ids);
        if (!qs || !ids) {
                free(qs);
                free(ids);
                return ENK_ERR_NOMEM;
        }
        for (size_t e = 0; e < c->neds; e++) {
                qs[e] = c->eds[e].q;
                ids[e] = c->eds[e].id;
        }
        size_t latest = enk_questionnaire_latest(qs, ids, c->neds);
        free(qs);
        free(ids);
        c->eds[latest].shown = true;
        c->latest = c->eds[latest].q;
        return ENK_OK;
}

/* The class of scale s: 1 + the index of the first scale met that is
 * same_scale() as s (an equivalence: the same points and positive points).
 * -1 when memory runs out. */
static int scale_class(ctx *c, const enk_scale *s)
{
        for (size_t i = 0; i < c->nclasses; i++)
                if (same_scale(c->classes[i], s))
                        return (int) i + 1;
        const enk_scale **v = realloc(c->classes, (c->nclasses + 1) * sizeof *v);
        if (!v)
                return -1;
        c->classes = v;
        c->classes[c->nclasses++] = s;
        return (int) c->nclasses;
}

/* The slots of edition ed that feed figures (mapped, with a scale of
 * points), with each point's positive flag and index. */
static enk_status plan_slots(ctx *c, edition *ed)
{
        const enk_questionnaire *q = ed->q;
        size_t nfs = 0, npts = 0;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_scale *s = enk_question_scale(q, &q->questions[i]);
                if (ed->map[i] >= 0 && s && s->npoints > 0) {
                        nfs++;
                        npts += s->npoints;
                }
        }
        ed->fs = malloc((nfs ? nfs : 1) * sizeof *ed->fs);
        ed->pos = malloc(npts ? npts : 1);
        ed->idx = malloc((npts ? npts : 1) * sizeof *ed->idx);
        if (!ed->fs || !ed->pos || !ed->idx)
                return ENK_ERR_NOMEM;
        size_t at = 0;
        for (size_t i = 0; i < q->nquestions; i++) {
                const enk_scale *s = enk_question_scale(q, &q->questions[i]);
                if (ed->map[i] < 0 || !s || s->npoints == 0)
                        continue;
                double lo = s->points[0].value, hi = s->points[s->npoints - 1].value;
                for (size_t k = 0; k < s->npoints; k++) {
                        ed->pos[at + k] = enk_scale_positive(s, s->points[k].value);
                        ed->idx[at + k] = hi > lo ? point_index(s, s->points[k].value) : NAN;
                }
                ed->fs[ed->nfs++] = (fslot){
                    .slot = i,
                    .li = ed->map[i],
                    .area = c->latest->questions[ed->map[i]].area,
                    .s = s,
                    .cls = scale_class(c, s),
                    .pos = &ed->pos[at],
                    .idx = hi > lo ? &ed->idx[at] : NULL,
                };
                fslot *f = &ed->fs[ed->nfs - 1];
                if (f->cls < 0)
                        return ENK_ERR_NOMEM;
                /* points ascend: a short spread of values indexes a table */
                f->vmin = s->points[0].value;
                int64_t spread = (int64_t) s->points[s->npoints - 1].value - f->vmin + 1;
                if (spread <= (int64_t) sizeof f->kof) {
                        f->nk = (int) spread;
                        memset(f->kof, -1, sizeof f->kof);
                        for (size_t k = s->npoints; k-- > 0;) /* the first of equal values */
                                f->kof[s->points[k].value - f->vmin] = (signed char) k;
                }
                at += s->npoints;
        }
        return ENK_OK;
}

/* Maps every edition's questions onto the latest edition's (only scale
 * questions get figures), and gives each figure of a unit x year its slot. */
static enk_status map_questions(ctx *c)
{
        c->nq = c->latest->nquestions;
        c->na = c->latest->nareas;
        for (size_t e = 0; e < c->neds; e++) {
                const enk_questionnaire *q = c->eds[e].q;
                c->eds[e].map = malloc((q->nquestions ? q->nquestions : 1) * sizeof(int));
                if (!c->eds[e].map)
                        return ENK_ERR_NOMEM;
                for (size_t i = 0; i < q->nquestions; i++) {
                        int li = enk_questionnaire_map(c->latest, q, i);
                        c->eds[e].map[i] = li >= 0 && q->questions[i].type == ENK_Q_SCALE ? li : -1;
                }
                enk_status st = plan_slots(c, &c->eds[e]);
                if (st != ENK_OK)
                        return st;
        }
        c->qslot = malloc((c->nq ? c->nq : 1) * sizeof *c->qslot);
        c->aslot = malloc((c->na ? c->na : 1) * sizeof *c->aslot);
        if (!c->qslot || !c->aslot)
                return ENK_ERR_NOMEM;
        c->per = 0;
        for (size_t qi = 0; qi < c->nq; qi++)
                c->qslot[qi] = c->latest->questions[qi].type == ENK_Q_SCALE ? (int) c->per++ : -1;
        for (size_t a = 0; a < c->na; a++)
                c->aslot[a] = -1;
        for (size_t qi = 0; qi < c->nq; qi++) {
                int a = c->latest->questions[qi].area;
                if (c->qslot[qi] >= 0 && a >= 0)
                        c->aslot[a] = 0; /* used; numbered below, in area order */
        }
        for (size_t a = 0; a < c->na; a++)
                if (c->aslot[a] == 0)
                        c->aslot[a] = (int) c->per++;
        /* each area's questions, in question order */
        c->aq = malloc((c->nq ? c->nq : 1) * sizeof *c->aq);
        c->aq_at = calloc(c->na + 1, sizeof *c->aq_at);
        if (!c->aq || !c->aq_at)
                return ENK_ERR_NOMEM;
        size_t m = 0;
        for (size_t a = 0; a < c->na; a++) {
                c->aq_at[a] = m;
                for (size_t qi = 0; qi < c->nq; qi++)
                        if (c->latest->questions[qi].area == (int) a)
                                c->aq[m++] = qi;
        }
        c->aq_at[c->na] = m;
        return ENK_OK;
}

/* Tallies every response in scope into its cells, then the total. */
static enk_status tally(ctx *c, const wave_list *wl, struct enk_store *store, enk_diags *diags)
{
        c->with_total = c->nunits > 1;
        c->ngroups = c->nunits + (c->with_total ? 1 : 0);
        size_t nu = c->nunits + 1; /* room for the total */
        c->cells = table_calloc(nu * c->nyears * (c->nq ? c->nq : 1), sizeof *c->cells);
        c->acells = table_calloc(nu * c->nyears * (c->na ? c->na : 1), sizeof *c->acells);
        c->asum = calloc(c->na ? c->na : 1, sizeof *c->asum);
        c->acount = calloc(c->na ? c->na : 1, sizeof *c->acount);
        c->apos = calloc(c->na ? c->na : 1, sizeof *c->apos);
        c->aans = calloc(c->na ? c->na : 1, sizeof *c->aans);
        c->has_wave = calloc(c->ngroups * c->nyears, sizeof *c->has_wave);
        c->rows = table_calloc(c->ngroups * c->nyears * (c->per ? c->per : 1), sizeof *c->rows);
        if (!c->cells || !c->acells || !c->asum || !c->acount || !c->apos || !c->aans ||
            !c->has_wave || !c->rows)
                return ENK_ERR_NOMEM;
        for (size_t i = 0; i < wl->n; i++) {
                wave *w = &wl->v[i];
                w->u = unit_index(c, w->unit);
                w->y = find_int(c->years, c->nyears, w->year);
        }
        for (size_t i = 0; i < wl->n; i++) {
                long u = wl->v[i].u, y = wl->v[i].y;
                if (u < 0 || y < 0 || wl->v[i].responses == 0)
                        continue;
                c->has_wave[(size_t) u * c->nyears + (size_t) y] = true;
                if (c->with_total)
                        c->has_wave[c->nunits * c->nyears + (size_t) y] = true;
        }
        /* the listing said whether each wave has responses; the scan counts them */
        for (size_t i = 0; i < wl->n; i++)
                wl->v[i].responses = 0;
        c->waves = wl->v;
        c->nwaves = wl->n;
        enk_status st = scan_into_cells(c, store, diags);
        if (st == ENK_OK && c->with_total)
                st = add_total(c, c->nunits);
        for (size_t i = 0; st == ENK_OK && i < nu * c->nyears * c->nq; i++)
                count_cell(&c->cells[i]);
        return st;
}

static int cmp_wave_at(const void *a, const void *b)
{
        const wave *x = *(wave *const *) a, *y = *(wave *const *) b;
        if (x->u != y->u)
                return (x->u > y->u) - (x->u < y->u);
        if (x->y != y->y)
                return (x->y > y->y) - (x->y < y->y);
        return (x > y) - (x < y); /* the store's order */
}

/* The result's waves: those of its units and years, by unit, then year,
 * then the store's order. */
static enk_status result_waves(ctx *c, const wave_list *wl, figures_impl *fi)
{
        enk_figures *f = &fi->pub;
        wave **order = malloc((wl->n ? wl->n : 1) * sizeof *order);
        if (!order)
                return ENK_ERR_NOMEM;
        size_t m = 0;
        for (size_t i = 0; i < wl->n; i++) {
                const wave *w = &wl->v[i];
                if (w->u < 0 || w->y < 0 ||
                    (c->shown_unit && strcmp(c->units[w->u], c->shown_unit) != 0) ||
                    find_int(fi->years, f->nyears, w->year) < 0)
                        continue;
                order[m++] = &wl->v[i];
        }
        qsort(order, m, sizeof *order, cmp_wave_at);
        for (size_t i = 0; i < m; i++) {
                const wave *w = order[i];
                enk_wave_info *wi = &fi->waves[f->nwaves];
                wi->unit = strdup(w->unit);
                if (!wi->unit) {
                        free(order);
                        return ENK_ERR_NOMEM;
                }
                f->nwaves++;
                wi->year = w->year;
                const edition *ed = find_edition(c, w->edition_id);
                wi->edition = ed ? ed->q->edition : 0;
                wi->responses = w->responses;
                wi->sent = w->sent;
                wi->response_rate = enk_stats_response_rate(w->responses, w->sent);
        }
        free(order);
        return ENK_OK;
}

/* The result: the rows, units and years of the shown unit (or of every unit
 * and the total), their waves, and the editions the shown units answered. */
static enk_status result(ctx *c, const wave_list *wl, figures_impl *fi)
{
        enk_figures *f = &fi->pub;
        size_t nrows = c->ngroups * c->nyears * c->per;
        fi->units = calloc(c->nunits, sizeof *fi->units);
        fi->years = malloc(c->nyears * sizeof *fi->years);
        fi->editions = calloc(c->neds, sizeof *fi->editions);
        fi->waves = calloc(wl->n ? wl->n : 1, sizeof *fi->waves);
        if (!fi->units || !fi->years || !fi->editions || !fi->waves)
                return ENK_ERR_NOMEM;
        for (size_t u = 0; u < c->nunits; u++) {
                if (c->shown_unit && strcmp(c->units[u], c->shown_unit) != 0)
                        continue;
                fi->units[f->nunits] = strdup(c->units[u]);
                if (!fi->units[f->nunits])
                        return ENK_ERR_NOMEM;
                f->nunits++;
        }
        /* a one-unit result has the years of that unit only */
        for (size_t y = 0; y < c->nyears; y++) {
                bool keep = !c->shown_unit;
                for (size_t u = 0; u < c->nunits && !keep; u++)
                        keep = strcmp(c->units[u], c->shown_unit) == 0 &&
                               c->has_wave[u * c->nyears + y];
                if (keep)
                        fi->years[f->nyears++] = c->years[y];
        }
        if (!c->shown_unit) {
                /* every group and year: the rows are the result's as they are */
                fi->rows = c->rows;
                c->rows = NULL;
                f->nrows = nrows;
                for (size_t i = 0; i < nrows; i++) {
                        size_t g = i / (c->nyears * c->per);
                        if (g < c->nunits) /* the result's own copy of the name */
                                fi->rows[i].unit = fi->units[g];
                }
        } else {
                fi->rows = calloc(nrows ? nrows : 1, sizeof *fi->rows);
                if (!fi->rows)
                        return ENK_ERR_NOMEM;
                for (size_t g = 0; g < c->ngroups; g++) {
                        const char *name = g == c->nunits ? ENK_ALL_UNITS : c->units[g];
                        if (strcmp(name, c->shown_unit) != 0)
                                continue;
                        for (size_t y = 0; y < c->nyears; y++) {
                                if (find_int(fi->years, f->nyears, c->years[y]) < 0)
                                        continue;
                                for (size_t k = 0; k < c->per; k++) {
                                        enk_figure *r = &fi->rows[f->nrows++];
                                        *r = *row_at(c, g, y, k);
                                        if (g < c->nunits) /* the result's own copy */
                                                r->unit = fi->units[0];
                                }
                        }
                }
        }
        enk_status st = result_waves(c, wl, fi);
        if (st != ENK_OK)
                return st;
        /* move the distributions and the shown editions into the result */
        fi->dists = c->dists;
        c->dists = (enk_arena){0};
        for (size_t e = 0; e < c->neds; e++)
                if (c->eds[e].shown) {
                        fi->editions[f->neditions++] = c->eds[e].q;
                        c->eds[e].q = NULL;
                }
        f->rows = fi->rows;
        f->units = (const char *const *) fi->units;
        f->years = fi->years;
        f->waves = fi->waves;
        f->editions = (const enk_questionnaire *const *) fi->editions;
        f->questionnaire = c->latest;
        f->survey = f->questionnaire->survey;
        f->year = c->report_year;
        f->min_n = c->min_n;
        enk_hash_sha256_hex(f->questionnaire->source, f->questionnaire->source_len, fi->hash);
        f->edition_hash = fi->hash;
        return ENK_OK;
}

enk_status enk_figures_compute(struct enk_store *store, const enk_figures_options *opts,
                               enk_figures **out, enk_diags *diags)
{
        if (!store || !out)
                return ENK_ERR_USAGE;
        enk_figures_options o = {0};
        if (opts)
                o = *opts;
        const char *store_file = enk_store_path(store);
        ctx c = {.diags = diags, .min_n = enk_stats_min_n(o.min_n), .shown_unit = o.unit};
        wave_list wl = {0};
        figures_impl *fi = NULL;

        enk_store_filter all = {.any_response = true};
        enk_status st = enk_store_waves(store, &all, on_wave, &wl, diags);
        if (st != ENK_OK)
                goto done;
        int64_t total = 0;
        bool unit_found = !o.unit;
        for (size_t i = 0; i < wl.n; i++) {
                total += wl.v[i].responses;
                unit_found |= o.unit && strcmp(wl.v[i].unit, o.unit) == 0;
        }
        if (total == 0 || !unit_found) {
                if (total == 0)
                        fail(diags, store_file, "the store has no responses%s", "");
                else
                        fail(diags, store_file, "unit '%s' is not in the store", o.unit);
                st = ENK_ERR_NOTFOUND;
                goto done;
        }
        st = scope(&c, &wl, o.year, store, store_file, diags);
        if (st == ENK_OK)
                st = map_questions(&c);
        if (st == ENK_OK)
                st = tally(&c, &wl, store, diags);
        if (st == ENK_OK)
                st = build_rows(&c);
        if (st == ENK_OK)
                st = suppress(&c);
        if (st == ENK_OK)
                st = derive(&c);
        if (st != ENK_OK)
                goto done;
        scrub(&c);
        fi = calloc(1, sizeof *fi);
        st = fi ? result(&c, &wl, fi) : ENK_ERR_NOMEM;
        if (st == ENK_OK) {
                *out = &fi->pub;
                fi = NULL;
        }
done:
        if (st == ENK_ERR_NOMEM)
                fail(diags, store_file, "out of memory%s", "");
        if (fi) {
                /* editions and dists not yet moved stay with ctx */
                enk_figures_free(&fi->pub);
        }
        free_ctx(&c, &wl);
        return st;
}
