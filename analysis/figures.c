/* analysis/figures.c - tallies the store once and computes every figure of the report. */
#include "analysis/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "survey/hash.h"
#include "survey/store.h"

/* The tally of one unit x year x question. A wave has one edition, so the
 * cell's scale is that edition's; dist is allocated when the first row of
 * the cell arrives, with that scale's number of points. */
typedef struct cell {
        const enk_scale *scale; /* the edition's scale, NULL while untouched */
        int64_t *dist;
        int64_t na, missing;
} cell;

/* The per-respondent area accumulator of one unit x year x area. */
typedef struct acell {
        double sum, sumsq;
        int64_t n;
} acell;

/* An edition met in the scan: its questions mapped to the latest edition. */
typedef struct edition {
        int64_t id;
        enk_questionnaire *q; /* owned until moved into the result */
        int *map;             /* slot -> latest question index, or -1 */
} edition;

typedef struct wave {
        char *unit;
        int year;
        int64_t edition_id;
        int64_t responses, sent;
} wave;

typedef struct ctx {
        enk_diags *diags;
        const enk_questionnaire *latest;
        edition *eds;
        size_t neds;
        char **units;
        size_t nunits;
        int *years;
        size_t nyears;
        int report_year;
        size_t nq, na; /* latest questions and areas */
        cell *cells;   /* [(unit * nyears + year) * nq + q], units then the total */
        acell *acells; /* [(unit * nyears + year) * na + a] */
        double *asum;  /* per-row scratch: sum of indices per area */
        int *acount;
} ctx;

/* The store's path is the place of every message about its contents. */
static void fail(enk_diags *d, const char *store_file, const char *msg, const char *arg)
{
        enk_loc loc = {.file = store_file};
        enk_error(d, loc, msg, arg);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
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

/* Streams one response into the cells of its unit x year. */
static enk_status on_row(void *vctx, const enk_store_row *row)
{
        ctx *c = vctx;
        if (row->year > c->report_year)
                return ENK_OK;
        long u = find_str(c->units, c->nunits, row->unit);
        long y = find_int(c->years, c->nyears, row->year);
        edition *ed = find_edition(c, row->edition_id);
        if (u < 0 || y < 0 || !ed)
                return ENK_OK;
        const enk_questionnaire *q = ed->q;
        size_t nv = row->nvalues < q->nquestions ? row->nvalues : q->nquestions;
        for (size_t a = 0; a < c->na; a++) {
                c->asum[a] = 0;
                c->acount[a] = 0;
        }
        cell *base = &c->cells[((size_t) u * c->nyears + (size_t) y) * c->nq];
        for (size_t i = 0; i < nv; i++) {
                int li = ed->map[i];
                if (li < 0)
                        continue;
                const enk_question *qn = &q->questions[i];
                const enk_scale *s = enk_question_scale(q, qn);
                if (!s || s->npoints == 0)
                        continue;
                cell *cl = &base[li];
                if (!cl->scale) {
                        cl->dist = calloc(s->npoints, sizeof *cl->dist);
                        if (!cl->dist)
                                return ENK_ERR_NOMEM;
                        cl->scale = s;
                }
                int32_t v = row->values[i];
                if (v == ENK_NA) {
                        cl->na++;
                        continue;
                }
                if (v == ENK_MISSING) {
                        /* only a question that was asked can be missing */
                        if (enk_question_shown(q, qn, row->values))
                                cl->missing++;
                        continue;
                }
                size_t k;
                for (k = 0; k < cl->scale->npoints; k++)
                        if (cl->scale->points[k].value == v)
                                break;
                if (k == cl->scale->npoints)
                        continue; /* not on the scale: the importer rejects these */
                cl->dist[k]++;
                int area = c->latest->questions[li].area;
                double lo = s->points[0].value, hi = s->points[s->npoints - 1].value;
                if (area >= 0 && hi > lo) {
                        c->asum[area] += (v - lo) / (hi - lo) * 100.0;
                        c->acount[area]++;
                }
        }
        acell *ab = &c->acells[((size_t) u * c->nyears + (size_t) y) * c->na];
        for (size_t a = 0; a < c->na; a++) {
                if (!c->acount[a])
                        continue;
                double m = c->asum[a] / c->acount[a];
                ab[a].sum += m;
                ab[a].sumsq += m * m;
                ab[a].n++;
        }
        return ENK_OK;
}

/* The weighted total: the unit tallies of each year added up. Cells whose
 * scale differs from the first unit's (editions are per year, so this does
 * not happen in practice) are added by point value. */
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
                                if (!tc->scale) {
                                        tc->dist = calloc(uc->scale->npoints, sizeof *tc->dist);
                                        if (!tc->dist)
                                                return ENK_ERR_NOMEM;
                                        tc->scale = uc->scale;
                                }
                                tc->na += uc->na;
                                tc->missing += uc->missing;
                                for (size_t k = 0; k < uc->scale->npoints; k++)
                                        for (size_t j = 0; j < tc->scale->npoints; j++)
                                                if (tc->scale->points[j].value ==
                                                    uc->scale->points[k].value)
                                                        tc->dist[j] += uc->dist[k];
                        }
                }
                for (size_t a = 0; a < c->na; a++) {
                        acell *ta = &c->acells[(t * c->nyears + y) * c->na + a];
                        for (size_t u = 0; u < nunits_scope; u++) {
                                acell *ua = &c->acells[(u * c->nyears + y) * c->na + a];
                                ta->sum += ua->sum;
                                ta->sumsq += ua->sumsq;
                                ta->n += ua->n;
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
}

/* Positives and answers of a cell. */
static void cell_counts(const cell *cl, int64_t *x, int64_t *n)
{
        *x = *n = 0;
        if (!cl->scale)
                return;
        for (size_t k = 0; k < cl->scale->npoints; k++) {
                *n += cl->dist[k];
                if (enk_scale_positive(cl->scale, cl->scale->points[k].value))
                        *x += cl->dist[k];
        }
}

/* Figures of one question cell; the change and trend look at the same
 * unit's earlier years (cells of the row `ucells`, indexed by year). */
static enk_status question_figure(ctx *c, enk_figure *r, const cell *cl, size_t y, size_t stride,
                                  const cell *ubase, int min_n, const bool *has_wave)
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
                enk_status st = enk_stats_item(cl->dist, points, pos, k, cl->na, min_n, &it);
                if (st != ENK_OK)
                        return st;
                r->n = it.n;
                r->positive = it.positive;
                r->na = cl->na;
                r->missing = cl->missing;
                r->dist = cl->dist;
                r->ndist = k;
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
        r->suppressed = enk_stats_suppressed(r->n, min_n);
        r->low_precision = enk_stats_low_precision(r->n);
        if (!cl->scale || r->n == 0)
                return ENK_OK;

        /* the change since the previous year this unit has in the store */
        for (size_t py = y; py-- > 0;) {
                if (!has_wave[py])
                        continue;
                const cell *pc = &ubase[py * stride];
                r->prev_year = c->years[py];
                int64_t px, pn;
                cell_counts(pc, &px, &pn);
                if (pn > 0 && same_scale(pc->scale, cl->scale)) {
                        enk_diff d;
                        if (enk_stats_diff(r->positive, r->n, px, pn, ENK_STATS_LEVEL, &d) ==
                            ENK_OK) {
                                r->prev_share = d.pb;
                                r->diff = d.diff;
                                r->diff_low = d.low;
                                r->diff_high = d.high;
                                r->diff_p = d.p;
                                r->fisher = d.fisher;
                                r->cohen_h = d.cohen_h;
                        }
                }
                break;
        }

        /* the trend over the years up to this one, back to a change of scale */
        int64_t xs[256], ns[256];
        double yrs[256];
        size_t k = 0;
        size_t from = y + 1 > 256 ? y + 1 - 256 : 0;
        for (size_t py = y + 1; py-- > from;) {
                const cell *pc = &ubase[py * stride];
                if (!pc->scale)
                        continue;
                if (!same_scale(pc->scale, cl->scale))
                        break;
                int64_t px, pn;
                cell_counts(pc, &px, &pn);
                if (pn == 0)
                        continue;
                xs[k] = px;
                ns[k] = pn;
                yrs[k] = c->years[py];
                k++;
        }
        if (k >= 2) {
                /* collected newest first; order does not matter to the fit */
                r->first_year = (int) yrs[k - 1];
                enk_trend tr;
                if (enk_stats_trend(xs, ns, yrs, k, false, &tr) == ENK_OK) {
                        r->trend_slope_pp = tr.slope.slope_pp;
                        r->trend_p = tr.p;
                }
        } else {
                r->first_year = c->years[y];
        }
        return ENK_OK;
}

/* Figures of one area cell: the mean over respondents of their mean index
 * over the area's questions, with a t interval; the share positive is pooled
 * over the area's question cells (Σ positive / Σ answered). */
static void area_figure(ctx *c, enk_figure *r, const acell *ac, const cell *qbase, size_t a,
                        int min_n)
{
        nan_figure(r);
        r->n = ac->n;
        int64_t x = 0, n = 0;
        for (size_t qi = 0; qi < c->nq; qi++) {
                if (c->latest->questions[qi].area != (int) a)
                        continue;
                int64_t qx, qn;
                cell_counts(&qbase[qi], &qx, &qn);
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
        r->suppressed = enk_stats_suppressed(r->n, min_n);
        r->low_precision = enk_stats_low_precision(r->n);
}

/* The pooled share of area a in the previous year this unit has, for the
 * report's "last year" column. No difference or test is computed for an area:
 * the answers pooled over its questions come in clusters (one respondent
 * answers several), so a test that treats them as independent would call too
 * many changes significant. Left NaN when a question's scale differs between
 * the two years. */
static void area_previous(ctx *c, enk_figure *r, const cell *ubase, size_t y, size_t a,
                          const bool *has_wave)
{
        for (size_t py = y; py-- > 0;) {
                if (!has_wave[py])
                        continue;
                r->prev_year = c->years[py];
                int64_t x = 0, n = 0;
                for (size_t qi = 0; qi < c->nq; qi++) {
                        if (c->latest->questions[qi].area != (int) a)
                                continue;
                        const cell *now = &ubase[y * c->nq + qi], *then = &ubase[py * c->nq + qi];
                        if (now->scale && then->scale && !same_scale(now->scale, then->scale))
                                return;
                        int64_t qx, qn;
                        cell_counts(then, &qx, &qn);
                        x += qx;
                        n += qn;
                }
                if (n > 0)
                        r->prev_share = (double) x / (double) n;
                return;
        }
}

static void free_ctx(ctx *c, wave_list *wl)
{
        if (c->cells) {
                size_t ncells = (c->nunits + 1) * c->nyears * c->nq;
                for (size_t i = 0; i < ncells; i++)
                        free(c->cells[i].dist);
        }
        free(c->cells);
        free(c->acells);
        free(c->asum);
        free(c->acount);
        for (size_t i = 0; i < c->neds; i++) {
                enk_questionnaire_free(c->eds[i].q);
                free(c->eds[i].map);
        }
        free(c->eds);
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
        int64_t **dists; /* the cells' distributions, moved here */
        size_t ndists;
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
        for (size_t i = 0; i < fi->ndists; i++)
                free(fi->dists[i]);
        free(fi->dists);
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

static int cmp_edition(const void *a, const void *b)
{
        const edition *x = a, *y = b;
        return cmp_int(&x->q->edition, &y->q->edition);
}

enk_status enk_figures_compute(struct enk_store *store, const enk_figures_options *opts,
                               enk_figures **out, enk_diags *diags)
{
        if (!store || !out)
                return ENK_ERR_USAGE;
        enk_figures_options o = {0};
        if (opts)
                o = *opts;
        int min_n = enk_stats_min_n(o.min_n);
        const char *store_file = enk_store_path(store);
        ctx c = {.diags = diags};
        wave_list wl = {0};
        figures_impl *fi = NULL;
        enk_status st;

        enk_store_filter all = {0};
        st = enk_store_waves(store, &all, on_wave, &wl, diags);
        if (st != ENK_OK)
                goto done;
        int64_t total = 0;
        for (size_t i = 0; i < wl.n; i++)
                total += wl.v[i].responses;
        if (total == 0) {
                fail(diags, store_file, "the store has no responses%s", "");
                st = ENK_ERR_NOTFOUND;
                goto done;
        }
        if (o.unit) {
                bool found = false;
                for (size_t i = 0; i < wl.n && !found; i++)
                        found = strcmp(wl.v[i].unit, o.unit) == 0;
                if (!found) {
                        fail(diags, store_file, "unit '%s' is not in the store", o.unit);
                        st = ENK_ERR_NOTFOUND;
                        goto done;
                }
        }
        /* the waves in scope: the unit's (or every unit's) waves with responses */
        int latest_year = 0;
        for (size_t i = 0; i < wl.n; i++) {
                wave *w = &wl.v[i];
                if (w->responses == 0 || (o.unit && strcmp(w->unit, o.unit) != 0))
                        continue;
                if (w->year > latest_year)
                        latest_year = w->year;
        }
        c.report_year = o.year ? o.year : latest_year;
        bool year_found = false;
        for (size_t i = 0; i < wl.n; i++) {
                wave *w = &wl.v[i];
                bool unit_in = w->responses > 0 && (!o.unit || strcmp(w->unit, o.unit) == 0);
                /* Editions of later years are loaded too: the current ids and
                 * scales are those of the latest edition in the store, also in
                 * the report of an earlier year. */
                if (unit_in && !find_edition(&c, w->edition_id)) {
                        edition *e = realloc(c.eds, (c.neds + 1) * sizeof *e);
                        if (!e)
                                goto nomem;
                        c.eds = e;
                        edition *ne = &c.eds[c.neds];
                        ne->id = w->edition_id;
                        ne->map = NULL;
                        ne->q = NULL;
                        st = enk_store_load_edition(store, w->edition_id, &ne->q, diags);
                        if (st != ENK_OK)
                                goto done;
                        c.neds++;
                }
                if (!unit_in || w->year > c.report_year)
                        continue;
                year_found |= w->year == c.report_year;
                if (find_str(c.units, c.nunits, w->unit) < 0) {
                        char **u = realloc(c.units, (c.nunits + 1) * sizeof *u);
                        if (!u)
                                goto nomem;
                        c.units = u;
                        c.units[c.nunits++] = w->unit; /* borrowed from wl until moved */
                }
                if (find_int(c.years, c.nyears, w->year) < 0) {
                        int *y = realloc(c.years, (c.nyears + 1) * sizeof *y);
                        if (!y)
                                goto nomem;
                        c.years = y;
                        c.years[c.nyears++] = w->year;
                }
        }
        if (!year_found) {
                enk_loc loc = {.file = store_file};
                if (o.unit)
                        enk_error(diags, loc, "unit '%s' has no responses in %d", o.unit,
                                  c.report_year);
                else
                        enk_error(diags, loc, "the store has no responses in %d", c.report_year);
                st = ENK_ERR_NOTFOUND;
                goto done;
        }
        qsort(c.units, c.nunits, sizeof *c.units, cmp_str);
        qsort(c.years, c.nyears, sizeof *c.years, cmp_int);
        qsort(c.eds, c.neds, sizeof *c.eds, cmp_edition);
        c.latest = c.eds[c.neds - 1].q;
        c.nq = c.latest->nquestions;
        c.na = c.latest->nareas;
        for (size_t e = 0; e < c.neds; e++) {
                const enk_questionnaire *q = c.eds[e].q;
                c.eds[e].map = malloc((q->nquestions ? q->nquestions : 1) * sizeof(int));
                if (!c.eds[e].map)
                        goto nomem;
                for (size_t i = 0; i < q->nquestions; i++) {
                        int li = q == c.latest
                                     ? (int) i
                                     : enk_questionnaire_find_linked(c.latest, q->questions[i].id);
                        /* only scale questions get figures */
                        if (li >= 0 && (q->questions[i].type != ENK_Q_SCALE ||
                                        c.latest->questions[li].type != ENK_Q_SCALE))
                                li = -1;
                        c.eds[e].map[i] = li;
                }
        }
        bool with_total = c.nunits > 1;
        size_t nu = c.nunits + 1; /* room for the total */
        c.cells = calloc(nu * c.nyears * (c.nq ? c.nq : 1), sizeof *c.cells);
        c.acells = calloc(nu * c.nyears * (c.na ? c.na : 1), sizeof *c.acells);
        c.asum = calloc(c.na ? c.na : 1, sizeof *c.asum);
        c.acount = calloc(c.na ? c.na : 1, sizeof *c.acount);
        if (!c.cells || !c.acells || !c.asum || !c.acount)
                goto nomem;

        enk_store_filter filter = {0};
        if (o.unit) {
                st = enk_store_find_unit(store, o.unit, &filter.unit_id, diags);
                if (st != ENK_OK)
                        goto done;
        }
        st = enk_store_scan(store, &filter, on_row, &c, diags);
        if (st != ENK_OK)
                goto done;
        if (with_total) {
                st = add_total(&c, c.nunits);
                if (st != ENK_OK)
                        goto done;
        }

        /* the result */
        fi = calloc(1, sizeof *fi);
        if (!fi)
                goto nomem;
        enk_figures *f = &fi->pub;
        size_t ngroups = c.nunits + (with_total ? 1 : 0);
        size_t nsq = 0, nsa = 0;
        for (size_t i = 0; i < c.nq; i++)
                nsq += c.latest->questions[i].type == ENK_Q_SCALE;
        bool *area_used = calloc(c.na ? c.na : 1, sizeof *area_used);
        if (!area_used)
                goto nomem;
        for (size_t i = 0; i < c.nq; i++)
                if (c.latest->questions[i].type == ENK_Q_SCALE && c.latest->questions[i].area >= 0)
                        area_used[c.latest->questions[i].area] = true;
        for (size_t a = 0; a < c.na; a++)
                nsa += area_used[a];
        size_t nrows = ngroups * c.nyears * (nsq + nsa);
        fi->rows = calloc(nrows ? nrows : 1, sizeof *fi->rows);
        fi->units = calloc(c.nunits, sizeof *fi->units);
        fi->years = malloc(c.nyears * sizeof *fi->years);
        size_t ncells = nu * c.nyears * c.nq;
        fi->dists = calloc(ncells ? ncells : 1, sizeof *fi->dists);
        fi->editions = calloc(c.neds, sizeof *fi->editions);
        fi->waves = calloc(wl.n ? wl.n : 1, sizeof *fi->waves);
        bool *has_wave = calloc(c.nyears, sizeof *has_wave);
        double *praw = calloc(c.nq ? c.nq : 1, sizeof *praw);
        if (!fi->rows || !fi->units || !fi->years || !fi->dists || !fi->editions || !fi->waves ||
            !has_wave || !praw) {
                free(area_used);
                free(has_wave);
                free(praw);
                goto nomem;
        }
        for (size_t i = 0; i < c.nunits; i++) {
                fi->units[i] = strdup(c.units[i]);
                if (!fi->units[i]) {
                        free(area_used);
                        free(has_wave);
                        free(praw);
                        goto nomem;
                }
                f->nunits = i + 1;
        }
        memcpy(fi->years, c.years, c.nyears * sizeof *fi->years);
        f->nyears = c.nyears;
        f->units = (const char *const *) fi->units;
        f->years = fi->years;

        size_t nr = 0;
        st = ENK_OK;
        for (size_t g = 0; g < ngroups && st == ENK_OK; g++) {
                bool is_total = g == c.nunits;
                const char *uname = is_total ? ENK_ALL_UNITS : fi->units[g];
                for (size_t y = 0; y < c.nyears; y++) {
                        has_wave[y] = false;
                        for (size_t i = 0; i < wl.n; i++)
                                if (wl.v[i].year == c.years[y] && wl.v[i].responses > 0 &&
                                    (is_total ? find_str(c.units, c.nunits, wl.v[i].unit) >= 0
                                              : strcmp(wl.v[i].unit, uname) == 0))
                                        has_wave[y] = true;
                }
                for (size_t y = 0; y < c.nyears && st == ENK_OK; y++) {
                        size_t first = nr;
                        const cell *ubase = &c.cells[g * c.nyears * c.nq];
                        for (size_t qi = 0; qi < c.nq; qi++) {
                                if (c.latest->questions[qi].type != ENK_Q_SCALE)
                                        continue;
                                enk_figure *r = &fi->rows[nr++];
                                r->unit = uname;
                                r->year = c.years[y];
                                r->question = c.latest->questions[qi].id;
                                r->question_index = (int) qi;
                                st = question_figure(&c, r, &ubase[y * c.nq + qi], y, c.nq,
                                                     &ubase[qi], min_n, has_wave);
                                if (st != ENK_OK)
                                        break;
                        }
                        /* Holm over this unit x year's questions */
                        size_t nqr = nr - first;
                        for (size_t i = 0; i < nqr; i++)
                                praw[i] = fi->rows[first + i].diff_p;
                        if (nqr && enk_stats_p_adjust(praw, nqr, ENK_ADJUST_HOLM, praw) == ENK_OK)
                                for (size_t i = 0; i < nqr; i++) {
                                        enk_figure *r = &fi->rows[first + i];
                                        r->diff_p_adj = praw[i];
                                        bool sig = !isnan(r->diff_low) &&
                                                   (r->diff_low > 0 || r->diff_high < 0);
                                        if (sig && praw[i] < 0.05)
                                                r->change =
                                                    r->diff > 0 ? ENK_CHANGE_UP : ENK_CHANGE_DOWN;
                                }
                        const acell *abase = &c.acells[(g * c.nyears + y) * c.na];
                        for (size_t a = 0; a < c.na; a++) {
                                if (!area_used[a])
                                        continue;
                                enk_figure *r = &fi->rows[nr++];
                                r->unit = uname;
                                r->year = c.years[y];
                                r->question = c.latest->areas[a].id;
                                r->is_area = true;
                                r->question_index = (int) a;
                                area_figure(&c, r, &abase[a], &ubase[y * c.nq], a, min_n);
                                area_previous(&c, r, ubase, y, a, has_wave);
                        }
                }
        }
        free(area_used);
        free(has_wave);
        free(praw);
        if (st != ENK_OK)
                goto done;
        f->rows = fi->rows;
        f->nrows = nr;

        /* secondary suppression across the units of each year x question */
        if (with_total) {
                size_t per_unit = c.nyears * (nsq + nsa);
                int64_t *ns = calloc(c.nunits, sizeof *ns);
                bool *sup = calloc(c.nunits, sizeof *sup);
                if (!ns || !sup) {
                        free(ns);
                        free(sup);
                        goto nomem;
                }
                size_t *idx = calloc(c.nunits, sizeof *idx);
                if (!idx) {
                        free(ns);
                        free(sup);
                        goto nomem;
                }
                for (size_t i = 0; i < per_unit; i++) {
                        /* Units without answers (no wave that year, or a question
                         * nobody was shown) have nothing to disclose and would
                         * otherwise drag the next smallest unit into suppression. */
                        size_t k = 0;
                        for (size_t u = 0; u < c.nunits; u++)
                                if (fi->rows[u * per_unit + i].n > 0) {
                                        idx[k] = u;
                                        ns[k++] = fi->rows[u * per_unit + i].n;
                                }
                        size_t cnt = 0;
                        if (!k || enk_stats_suppress_units(ns, k, min_n, sup, &cnt) != ENK_OK)
                                continue;
                        for (size_t j = 0; j < k; j++)
                                fi->rows[idx[j] * per_unit + i].suppressed |= sup[j];
                        if (cnt == k)
                                fi->rows[c.nunits * per_unit + i].suppressed = true;
                }
                free(idx);
                free(ns);
                free(sup);
        }

        /* move the distributions and editions into the result */
        for (size_t i = 0; i < ncells; i++)
                if (c.cells[i].dist) {
                        fi->dists[fi->ndists++] = c.cells[i].dist;
                        c.cells[i].dist = NULL;
                }
        for (size_t e = 0; e < c.neds; e++) {
                fi->editions[e] = c.eds[e].q;
                c.eds[e].q = NULL;
        }
        f->editions = (const enk_questionnaire *const *) fi->editions;
        f->neditions = c.neds;
        f->questionnaire = fi->editions[c.neds - 1];
        f->survey = f->questionnaire->survey;
        f->year = c.report_year;
        f->min_n = min_n;
        enk_hash_sha256_hex(f->questionnaire->source, f->questionnaire->source_len, fi->hash);
        f->edition_hash = fi->hash;
        for (size_t u = 0; u < c.nunits; u++)
                for (size_t y = 0; y < c.nyears; y++)
                        for (size_t i = 0; i < wl.n; i++) {
                                wave *w = &wl.v[i];
                                if (w->year != c.years[y] || strcmp(w->unit, c.units[u]) != 0)
                                        continue;
                                enk_wave_info *wi = &fi->waves[f->nwaves];
                                wi->unit = strdup(w->unit);
                                if (!wi->unit)
                                        goto nomem;
                                f->nwaves++;
                                wi->year = w->year;
                                edition *ed = NULL;
                                for (size_t e = 0; e < c.neds; e++)
                                        if (c.eds[e].id == w->edition_id)
                                                ed = &c.eds[e];
                                wi->edition = ed ? fi->editions[ed - c.eds]->edition : 0;
                                wi->responses = w->responses;
                                wi->sent = w->sent;
                                wi->response_rate = enk_stats_response_rate(w->responses, w->sent);
                        }
        f->waves = fi->waves;
        *out = f;
        fi = NULL;
        st = ENK_OK;
        goto done;
nomem:
        st = ENK_ERR_NOMEM;
        fail(diags, store_file, "out of memory%s", "");
done:
        if (fi) {
                /* editions and dists not yet moved stay with ctx */
                enk_figures_free(&fi->pub);
        }
        free(c.units); /* the names themselves belong to wl */
        free(c.years);
        free_ctx(&c, &wl);
        return st;
}
