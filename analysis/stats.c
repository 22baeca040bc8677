/* analysis/stats.c - shares, intervals, tests, trends and suppression on GSL.
 *
 * Each function checks every argument first and only then calls GSL, so
 * GSL's error handler (turned off by enk_stats_init()) is never reached by our calls;
 * the numbers follow R's definitions (prop.test, binom.test, fisher.test,
 * prop.trend.test, wilcox.test, p.adjust) closely enough that R's output is
 * the test oracle. See analysis/stats.h for the contracts and
 * docs/statistics.md for the methods in words.
 */
#include "analysis/stats.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

void enk_stats_init(void)
{
        gsl_set_error_handler_off();
}

static bool level_ok(double level)
{
        return level > 0.0 && level < 1.0; /* false for NaN too */
}

static bool counts_ok(int64_t x, int64_t n)
{
        return x >= 0 && n >= 0 && x <= n;
}

/* z such that the central interval holds level of the standard normal.
 * Every figure asks for the same level, so the last answer is kept (per
 * thread): the same number, without the work. */
static double z_of(double level)
{
        static _Thread_local double last_level = NAN, last_z;
        if (level != last_level) {
                last_z = gsl_cdf_ugaussian_Pinv((1.0 + level) / 2.0);
                last_level = level;
        }
        return last_z;
}

/* gsl_cdf_tdist_Pinv(p, df), kept per thread by df: a table of figures asks
 * for the same few hundred degrees of freedom at one p thousands of times. */
static double t_quantile(double p, double df)
{
        static _Thread_local struct {
                bool set;
                double p, df, t;
        } memo[512];
        if (!(df >= 0.0 && df < 1e15))
                return gsl_cdf_tdist_Pinv(p, df);
        size_t at = (size_t) fmod(df, 512.0);
        if (!memo[at].set || memo[at].p != p || memo[at].df != df) {
                memo[at].t = gsl_cdf_tdist_Pinv(p, df);
                memo[at].p = p;
                memo[at].df = df;
                memo[at].set = true;
        }
        return memo[at].t;
}

/* ------------------------------------------------------------------------- */
/* Figure 3                                                                   */

/* Wilson's bounds in R's prop.test form: the correction cc (0 or 1/2) moves
 * the share by cc/n before the score bounds are taken, and a moved share at
 * or beyond 0 or 1 gives that bound exactly. */
static void wilson(int64_t x, int64_t n, double z, double cc, double *lo, double *hi)
{
        double nn = (double) n, p = (double) x / nn;
        double z22n = z * z / (2.0 * nn);
        double pc = p + cc / nn;
        *hi = pc >= 1.0 ? 1.0
                        : (pc + z22n + z * sqrt(pc * (1.0 - pc) / nn + z22n / (2.0 * nn))) /
                              (1.0 + 2.0 * z22n);
        pc = p - cc / nn;
        *lo = pc <= 0.0 ? 0.0
                        : (pc + z22n - z * sqrt(pc * (1.0 - pc) / nn + z22n / (2.0 * nn))) /
                              (1.0 + 2.0 * z22n);
        if (*lo < 0.0)
                *lo = 0.0;
        if (*hi > 1.0)
                *hi = 1.0;
        /* Rounding must not put the share outside its own interval. */
        if (*lo > p)
                *lo = p;
        if (*hi < p)
                *hi = p;
}

/* The q-quantile of Beta(a, b), tail the smaller of q and 1 − q given
 * directly (so 0.975 is asked as an upper tail of 0.025 without rounding).
 * gsl_cdf_beta_Pinv fails to converge for some parameters (GSL 2.7 returns
 * NaN for Beta(8, 284) at 0.975, a Clopper-Pearson bound at x = 7 of 291),
 * so an answer that is not a number in [0, 1] is replaced by bisection on
 * the monotone CDF, which always converges. */
static double beta_quantile(double tail, bool upper, double a, double b)
{
        double r = upper ? gsl_cdf_beta_Qinv(tail, a, b) : gsl_cdf_beta_Pinv(tail, a, b);
        if (isfinite(r) && r >= 0.0 && r <= 1.0)
                return r;
        double lo = 0.0, hi = 1.0;
        for (int i = 0; i < 200 && hi - lo > 1e-17 * hi; i++) {
                double mid = 0.5 * (lo + hi);
                /* P(X <= mid) grows with mid, P(X > mid) falls. */
                bool below =
                    upper ? gsl_cdf_beta_Q(mid, a, b) > tail : gsl_cdf_beta_P(mid, a, b) < tail;
                if (below)
                        lo = mid;
                else
                        hi = mid;
        }
        return 0.5 * (lo + hi);
}

static void clopper_pearson(int64_t x, int64_t n, double level, double *lo, double *hi)
{
        /* A table of figures asks for the same small groups again and again
         * (the exact interval is for n < 30, or x = 0 or n): the bounds are
         * kept per thread by x and n, the same numbers without the work. */
        static _Thread_local struct {
                int64_t x, n; /* n = 0: empty */
                double level, lo, hi;
        } memo[1024];
        size_t at = (size_t) (((uint64_t) n * 31u + (uint64_t) x) % 1024u);
        if (memo[at].n == n && memo[at].x == x && memo[at].level == level && n > 0) {
                *lo = memo[at].lo;
                *hi = memo[at].hi;
                return;
        }
        double a2 = (1.0 - level) / 2.0;
        /* x > 0 and x < n keep both beta parameters >= 1, as GSL needs. */
        *lo = x == 0 ? 0.0 : beta_quantile(a2, false, (double) x, (double) (n - x + 1));
        *hi = x == n ? 1.0 : beta_quantile(a2, true, (double) (x + 1), (double) (n - x));
        memo[at].x = x;
        memo[at].n = n;
        memo[at].level = level;
        memo[at].lo = *lo;
        memo[at].hi = *hi;
}

enk_status enk_stats_share(int64_t x, int64_t n, enk_ci_method method, double level, enk_share *out)
{
        if (!out || !counts_ok(x, n) || !level_ok(level) || method < ENK_CI_AUTO ||
            method > ENK_CI_CLOPPER_PEARSON)
                return ENK_ERR_USAGE;
        if (n == 0)
                return ENK_ERR_MATH;
        if (method == ENK_CI_AUTO)
                method = (n < ENK_STATS_EXACT_BELOW_N || x == 0 || x == n) ? ENK_CI_CLOPPER_PEARSON
                                                                           : ENK_CI_WILSON;
        enk_share s = {.x = x, .n = n, .share = (double) x / (double) n, .method = method};
        if (method == ENK_CI_CLOPPER_PEARSON)
                clopper_pearson(x, n, level, &s.low, &s.high);
        else
                wilson(x, n, z_of(level), method == ENK_CI_WILSON_CC ? 0.5 : 0.0, &s.low, &s.high);
        *out = s;
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Figure 4                                                                   */

double enk_stats_index(double mean, double lowest, double highest)
{
        if (!(highest > lowest) || isnan(mean))
                return NAN;
        return (mean - lowest) / (highest - lowest) * 100.0;
}

static double clamp100(double v)
{
        return v < 0.0 ? 0.0 : v > 100.0 ? 100.0 : v;
}

/* Completes m from n, mean and sd: the t interval and its image on the index. */
static void finish_mean(enk_mean *m, double level)
{
        m->index = enk_stats_index(m->mean, m->lowest, m->highest);
        if (m->n < 2) {
                m->sd = m->low = m->high = m->index_low = m->index_high = NAN;
                return;
        }
        double t = t_quantile((1.0 + level) / 2.0, (double) (m->n - 1));
        double half = t * m->sd / sqrt((double) m->n);
        m->low = m->mean - half;
        m->high = m->mean + half;
        m->index_low = clamp100(enk_stats_index(m->low, m->lowest, m->highest));
        m->index_high = clamp100(enk_stats_index(m->high, m->lowest, m->highest));
}

enk_status enk_stats_mean(const double *v, size_t n, double lowest, double highest, double level,
                          enk_mean *out)
{
        if (!v || !out || !level_ok(level) || !isfinite(lowest) || !isfinite(highest) ||
            !(lowest < highest))
                return ENK_ERR_USAGE;
        for (size_t i = 0; i < n; i++)
                if (!isfinite(v[i]))
                        return ENK_ERR_USAGE;
        if (n == 0)
                return ENK_ERR_MATH;
        enk_mean m = {.n = (int64_t) n, .lowest = lowest, .highest = highest};
        m.mean = gsl_stats_mean(v, 1, n);
        m.sd = n > 1 ? gsl_stats_sd_m(v, 1, n, m.mean) : NAN;
        finish_mean(&m, level);
        *out = m;
        return ENK_OK;
}

/* Checks the points of a tally and finds the scale's ends. */
static bool points_ok(const double *points, size_t k, double *lowest, double *highest)
{
        if (!points) {
                *lowest = 1.0;
                *highest = (double) k;
                return true;
        }
        *lowest = INFINITY;
        *highest = -INFINITY;
        for (size_t i = 0; i < k; i++) {
                if (!isfinite(points[i]))
                        return false;
                for (size_t j = 0; j < i; j++)
                        if (points[j] == points[i])
                                return false;
                if (points[i] < *lowest)
                        *lowest = points[i];
                if (points[i] > *highest)
                        *highest = points[i];
        }
        return true;
}

static double point_of(const double *points, size_t i)
{
        return points ? points[i] : (double) (i + 1);
}

enk_status enk_stats_mean_counts(const int64_t *counts, const double *points, size_t k,
                                 double level, enk_mean *out)
{
        double lowest, highest;
        if (!counts || !out || k < 2 || !level_ok(level) ||
            !points_ok(points, k, &lowest, &highest))
                return ENK_ERR_USAGE;
        int64_t n = 0;
        for (size_t i = 0; i < k; i++) {
                if (counts[i] < 0)
                        return ENK_ERR_USAGE;
                n += counts[i];
        }
        if (n == 0)
                return ENK_ERR_MATH;
        /* Frequency weights: gsl_stats_wsd treats weights as reliabilities and
         * would not give the n − 1 sd, so the two passes are written out. */
        enk_mean m = {.n = n, .lowest = lowest, .highest = highest};
        double sum = 0.0;
        for (size_t i = 0; i < k; i++)
                sum += (double) counts[i] * point_of(points, i);
        m.mean = sum / (double) n;
        double ss = 0.0;
        for (size_t i = 0; i < k; i++) {
                double d = point_of(points, i) - m.mean;
                ss += (double) counts[i] * d * d;
        }
        m.sd = n > 1 ? sqrt(ss / (double) (n - 1)) : NAN;
        finish_mean(&m, level);
        *out = m;
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Figures 1-4 together                                                       */

enk_status enk_stats_item(const int64_t *counts, const double *points, const bool *positive,
                          size_t k, int64_t na, int min_n, enk_item *out)
{
        double lowest, highest;
        if (!counts || !positive || !out || k < 2 || na < 0 ||
            !points_ok(points, k, &lowest, &highest))
                return ENK_ERR_USAGE;
        enk_item it = {.na = na};
        for (size_t i = 0; i < k; i++) {
                if (counts[i] < 0)
                        return ENK_ERR_USAGE;
                it.n += counts[i];
                if (positive[i])
                        it.positive += counts[i];
        }
        if (it.n > 0) {
                enk_status st =
                    enk_stats_share(it.positive, it.n, ENK_CI_AUTO, ENK_STATS_LEVEL, &it.share);
                if (st == ENK_OK)
                        st = enk_stats_mean_counts(counts, points, k, ENK_STATS_LEVEL, &it.mean);
                if (st != ENK_OK)
                        return st;
        } else {
                it.share = (enk_share){
                    .x = 0, .n = 0, .share = NAN, .low = NAN, .high = NAN, .method = ENK_CI_AUTO};
                it.mean = (enk_mean){.n = 0,
                                     .mean = NAN,
                                     .sd = NAN,
                                     .low = NAN,
                                     .high = NAN,
                                     .lowest = lowest,
                                     .highest = highest,
                                     .index = NAN,
                                     .index_low = NAN,
                                     .index_high = NAN};
        }
        it.suppressed = enk_stats_suppressed(it.n, min_n);
        it.hide_distribution = enk_stats_distribution_hidden(counts, k, min_n);
        it.low_precision = enk_stats_low_precision(it.n);
        *out = it;
        return ENK_OK;
}

double enk_stats_response_rate(int64_t responses, int64_t sent)
{
        if (sent <= 0 || responses < 0)
                return NAN;
        return (double) responses / (double) sent;
}

enk_status enk_stats_distribution(const int64_t *counts, size_t k, double *shares)
{
        if (!counts || !shares)
                return ENK_ERR_USAGE;
        int64_t n = 0;
        for (size_t i = 0; i < k; i++) {
                if (counts[i] < 0)
                        return ENK_ERR_USAGE;
                n += counts[i];
        }
        if (n == 0)
                return ENK_ERR_MATH;
        for (size_t i = 0; i < k; i++)
                shares[i] = (double) counts[i] / (double) n;
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Figures 5 and 9                                                            */

double enk_stats_cohen_h(double pa, double pb)
{
        if (!(pa >= 0.0 && pa <= 1.0 && pb >= 0.0 && pb <= 1.0))
                return NAN;
        return 2.0 * asin(sqrt(pa)) - 2.0 * asin(sqrt(pb));
}

static double p_of_z(double z, enk_alt alt)
{
        switch (alt) {
        case ENK_ALT_LESS:
                return gsl_cdf_ugaussian_P(z);
        case ENK_ALT_GREATER:
                return gsl_cdf_ugaussian_Q(z);
        default:
                return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
        }
}

static bool alt_ok(enk_alt alt)
{
        return alt == ENK_ALT_TWO_SIDED || alt == ENK_ALT_LESS || alt == ENK_ALT_GREATER;
}

enk_status enk_stats_two_prop_z(int64_t xa, int64_t na, int64_t xb, int64_t nb, enk_alt alt,
                                double *z, double *p)
{
        if (!z || !p || !counts_ok(xa, na) || !counts_ok(xb, nb) || !alt_ok(alt))
                return ENK_ERR_USAGE;
        if (na == 0 || nb == 0)
                return ENK_ERR_MATH;
        double pooled = (double) (xa + xb) / (double) (na + nb);
        if (pooled <= 0.0 || pooled >= 1.0)
                return ENK_ERR_MATH;
        double se = sqrt(pooled * (1.0 - pooled) * (1.0 / (double) na + 1.0 / (double) nb));
        double zz = ((double) xa / (double) na - (double) xb / (double) nb) / se;
        *z = zz;
        *p = p_of_z(zz, alt);
        return ENK_OK;
}

enk_status enk_stats_fisher_2x2(int64_t a, int64_t b, int64_t c, int64_t d, enk_alt alt, double *p)
{
        if (!p || a < 0 || b < 0 || c < 0 || d < 0 || !alt_ok(alt))
                return ENK_ERR_USAGE;
        /* X = a given the margins: col1 = a + c "successes", col2 = b + d
         * "failures", row1 = a + b draws (R's m, n and k). */
        int64_t m = a + c, nn = b + d, k = a + b;
        if (m > UINT_MAX || nn > UINT_MAX || k > UINT_MAX || m + nn > UINT_MAX)
                return ENK_ERR_USAGE;
        int64_t lo = k - nn > 0 ? k - nn : 0, hi = k < m ? k : m;
        double obs =
            gsl_ran_hypergeometric_pdf((unsigned) a, (unsigned) m, (unsigned) nn, (unsigned) k);
        /* R compares densities with a relative tolerance so that tables as
         * likely as the observed one are not lost to rounding. */
        double lim = obs * (1.0 + 1e-7), sum = 0.0;
        for (int64_t i = lo; i <= hi; i++) {
                if (alt == ENK_ALT_LESS && i > a)
                        break;
                if (alt == ENK_ALT_GREATER && i < a)
                        continue;
                double di = gsl_ran_hypergeometric_pdf((unsigned) i, (unsigned) m, (unsigned) nn,
                                                       (unsigned) k);
                if (alt != ENK_ALT_TWO_SIDED || di <= lim)
                        sum += di;
        }
        *p = sum > 1.0 ? 1.0 : sum;
        return ENK_OK;
}

enk_status enk_stats_diff(int64_t xa, int64_t na, int64_t xb, int64_t nb, double level,
                          enk_diff *out)
{
        if (!out || !counts_ok(xa, na) || !counts_ok(xb, nb) || !level_ok(level))
                return ENK_ERR_USAGE;
        if (na == 0 || nb == 0)
                return ENK_ERR_MATH;
        enk_diff r = {.pa = (double) xa / (double) na, .pb = (double) xb / (double) nb};
        r.diff = r.pa - r.pb;
        double z = z_of(level), la, ua, lb, ub;
        wilson(xa, na, z, 0.0, &la, &ua);
        wilson(xb, nb, z, 0.0, &lb, &ub);
        r.low = r.diff - sqrt((r.pa - la) * (r.pa - la) + (ub - r.pb) * (ub - r.pb));
        r.high = r.diff + sqrt((ua - r.pa) * (ua - r.pa) + (r.pb - lb) * (r.pb - lb));
        r.significant = r.low > 0.0 || r.high < 0.0;
        r.cohen_h = enk_stats_cohen_h(r.pa, r.pb);

        double pooled = (double) (xa + xb) / (double) (na + nb);
        double emin =
            fmin(fmin(na * pooled, na * (1.0 - pooled)), fmin(nb * pooled, nb * (1.0 - pooled)));
        enk_status st;
        if (emin < 5.0) {
                r.fisher = true;
                r.z = NAN;
                st = enk_stats_fisher_2x2(xa, na - xa, xb, nb - xb, ENK_ALT_TWO_SIDED, &r.p);
        } else {
                st = enk_stats_two_prop_z(xa, na, xb, nb, ENK_ALT_TWO_SIDED, &r.z, &r.p);
        }
        if (st != ENK_OK)
                return st;
        *out = r;
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Figure 6                                                                   */

static bool tallies_ok(const int64_t *x, const int64_t *n, size_t k)
{
        for (size_t i = 0; i < k; i++)
                if (!counts_ok(x[i], n[i]))
                        return false;
        return true;
}

enk_status enk_stats_trend_test(const int64_t *x, const int64_t *n, const double *s, size_t k,
                                double *chisq, double *p)
{
        if (!x || !n || !chisq || !p || !tallies_ok(x, n, k))
                return ENK_ERR_USAGE;
        for (size_t i = 0; s && i < k; i++)
                if (!isfinite(s[i]))
                        return ENK_ERR_USAGE;
        double sx = 0, sn = 0, sns = 0;
        size_t groups = 0;
        for (size_t i = 0; i < k; i++) {
                if (n[i] == 0)
                        continue;
                groups++;
                sx += (double) x[i];
                sn += (double) n[i];
                sns += (double) n[i] * point_of(s, i);
        }
        if (groups < 2)
                return ENK_ERR_MATH;
        double pbar = sx / sn, sbar = sns / sn;
        if (pbar <= 0.0 || pbar >= 1.0)
                return ENK_ERR_MATH;
        /* Centre the scores first: with years as scores, Σ n·s² − (Σ n·s)²/N
         * would lose most digits. */
        double num = 0, den = 0;
        for (size_t i = 0; i < k; i++) {
                double d = point_of(s, i) - sbar;
                num += (double) x[i] * d;
                den += (double) n[i] * d * d;
        }
        if (!(den > 0.0))
                return ENK_ERR_MATH;
        double stat = num * num / (pbar * (1.0 - pbar) * den);
        *chisq = stat;
        *p = gsl_cdf_chisq_Q(stat, 1.0);
        return ENK_OK;
}

/* enk_stats_fit_line; without full only n, the intercept and the slope
 * (the standard errors and p NaN), which spares the t distribution. */
static enk_status fit_line(const double *x, const double *y, const double *w, size_t n, bool full,
                           enk_line *out)
{
        if (!x || !y || !out)
                return ENK_ERR_USAGE;
        size_t used = 0;
        bool varies = false;
        double first = 0.0;
        for (size_t i = 0; i < n; i++) {
                if (!isfinite(x[i]) || !isfinite(y[i]) || (w && !(w[i] >= 0.0 && isfinite(w[i]))))
                        return ENK_ERR_USAGE;
                if (w && w[i] == 0.0)
                        continue; /* a point of weight 0 takes no part in the fit */
                if (used == 0)
                        first = x[i];
                else if (x[i] != first)
                        varies = true;
                used++;
        }
        if (n < 2 || used < 2 || !varies)
                return ENK_ERR_MATH;
        double c0, c1, cov00, cov01, cov11, sumsq;
        if (w)
                gsl_fit_wlinear(x, 1, w, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
        else
                gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
        if (!isfinite(c1) || !isfinite(c0))
                return ENK_ERR_MATH;
        enk_line r = {
            .n = n, .intercept = c0, .slope = c1, .se_intercept = NAN, .se_slope = NAN, .p = NAN};
        size_t df = (w ? used : n) - 2;
        if (full && df > 0) {
                /* gsl_fit_linear scales the covariance by the residual variance
                 * already; gsl_fit_wlinear takes weights as 1/σ² and does not,
                 * so scale it as lm() does for weights that are only relative. */
                double s2 = w ? sumsq / (double) df : 1.0;
                r.se_intercept = sqrt(fmax(cov00 * s2, 0.0));
                r.se_slope = sqrt(fmax(cov11 * s2, 0.0));
                if (r.se_slope > 0.0)
                        r.p = 2.0 * gsl_cdf_tdist_Q(fabs(c1) / r.se_slope, (double) df);
                else
                        r.p = c1 != 0.0 ? 0.0 : 1.0;
        }
        *out = r;
        return ENK_OK;
}

enk_status enk_stats_fit_line(const double *x, const double *y, const double *w, size_t n,
                              enk_line *out)
{
        return fit_line(x, y, w, n, true, out);
}

/* enk_stats_slope; without full, se_pp and p are NaN (fit_line). */
static enk_status slope(const int64_t *x, const int64_t *n, const double *year, size_t k,
                        bool weighted, bool full, enk_slope *out)
{
        if (!x || !n || !year || !out || !tallies_ok(x, n, k))
                return ENK_ERR_USAGE;
        for (size_t i = 0; i < k; i++)
                if (!isfinite(year[i]))
                        return ENK_ERR_USAGE;
        size_t m = 0;
        for (size_t i = 0; i < k; i++)
                if (n[i] > 0)
                        m++;
        if (m < 2)
                return ENK_ERR_MATH;
        double small[3 * 64];
        double *buf = m <= 64 ? small : malloc(3 * m * sizeof *buf);
        if (!buf)
                return ENK_ERR_NOMEM;
        double *xs = buf, *ys = buf + m, *ws = buf + 2 * m;
        for (size_t i = 0, j = 0; i < k; i++) {
                if (n[i] == 0)
                        continue;
                xs[j] = year[i];
                ys[j] = 100.0 * (double) x[i] / (double) n[i];
                ws[j] = (double) n[i];
                j++;
        }
        enk_line line;
        enk_status st = fit_line(xs, ys, weighted ? ws : NULL, m, full, &line);
        if (buf != small)
                free(buf);
        if (st != ENK_OK)
                return st;
        *out = (enk_slope){.years = m,
                           .slope_pp = line.slope,
                           .intercept_pp = line.intercept,
                           .se_pp = line.se_slope,
                           .p = line.p};
        return ENK_OK;
}

enk_status enk_stats_slope(const int64_t *x, const int64_t *n, const double *year, size_t k,
                           bool weighted, enk_slope *out)
{
        return slope(x, n, year, k, weighted, true, out);
}

enk_status enk_stats_slope_pp(const int64_t *x, const int64_t *n, const double *year, size_t k,
                              double *slope_pp)
{
        if (!slope_pp)
                return ENK_ERR_USAGE;
        enk_slope s;
        enk_status st = slope(x, n, year, k, false, false, &s);
        if (st == ENK_OK)
                *slope_pp = s.slope_pp;
        return st;
}

/* enk_stats_trend; without full, the slope's se_pp and p are NaN. */
static enk_status trend(const int64_t *x, const int64_t *n, const double *year, size_t k,
                        bool weighted, bool full, enk_trend *out)
{
        if (!out)
                return ENK_ERR_USAGE;
        enk_trend t;
        enk_status st = slope(x, n, year, k, weighted, full, &t.slope);
        if (st != ENK_OK)
                return st;
        st = enk_stats_trend_test(x, n, year, k, &t.chisq, &t.p);
        if (st == ENK_ERR_MATH)
                t.chisq = t.p = NAN;
        else if (st != ENK_OK)
                return st;
        *out = t;
        return ENK_OK;
}

enk_status enk_stats_trend(const int64_t *x, const int64_t *n, const double *year, size_t k,
                           bool weighted, enk_trend *out)
{
        return trend(x, n, year, k, weighted, true, out);
}

enk_status enk_stats_trend_pp(const int64_t *x, const int64_t *n, const double *year, size_t k,
                              enk_trend *out)
{
        return trend(x, n, year, k, false, false, out);
}

/* ------------------------------------------------------------------------- */
/* Figures 5 and 6 for pooled shares                                          */

void enk_stats_pooled_add(enk_pooled *p, int64_t x, int64_t m)
{
        if (!p || m <= 0)
                return;
        double dx = (double) x, dm = (double) m;
        p->respondents++;
        p->x += dx;
        p->m += dm;
        p->xx += dx * dx;
        p->xm += dx * dm;
        p->mm += dm * dm;
}

void enk_stats_pooled_sum(enk_pooled *a, const enk_pooled *b, int sign)
{
        if (!a || !b)
                return;
        double s = sign < 0 ? -1.0 : 1.0;
        a->respondents += sign < 0 ? -b->respondents : b->respondents;
        a->x += s * b->x;
        a->m += s * b->m;
        a->xx += s * b->xx;
        a->xm += s * b->xm;
        a->mm += s * b->mm;
}

/* Σ (x_i − c·m_i)² from the sums, never below 0 (rounding). */
static double pooled_ss(const enk_pooled *p, double c)
{
        double ss = p->xx - 2.0 * c * p->xm + c * c * p->mm;
        return ss > 0.0 ? ss : 0.0;
}

enk_status enk_stats_pooled_var(const enk_pooled *p, double *v)
{
        if (!p || !v)
                return ENK_ERR_USAGE;
        if (p->respondents < 2 || !(p->m > 0.0))
                return ENK_ERR_MATH;
        double n = (double) p->respondents, r = p->x / p->m;
        *v = n / (n - 1.0) * pooled_ss(p, r) / (p->m * p->m);
        return ENK_OK;
}

enk_status enk_stats_pooled_diff(const enk_pooled *a, const enk_pooled *b, double level,
                                 enk_diff *out)
{
        if (!a || !b || !out || !level_ok(level))
                return ENK_ERR_USAGE;
        double va, vb;
        if (enk_stats_pooled_var(a, &va) != ENK_OK || enk_stats_pooled_var(b, &vb) != ENK_OK)
                return ENK_ERR_MATH;
        double se = sqrt(va + vb);
        if (!(se > 0.0))
                return ENK_ERR_MATH;
        enk_diff r = {.pa = a->x / a->m, .pb = b->x / b->m};
        r.diff = r.pa - r.pb;
        double z = z_of(level);
        r.low = r.diff - z * se;
        r.high = r.diff + z * se;
        r.significant = r.low > 0.0 || r.high < 0.0;
        r.z = r.diff / se;
        r.p = 2.0 * gsl_cdf_ugaussian_Q(fabs(r.z));
        r.cohen_h = enk_stats_cohen_h(r.pa, r.pb);
        *out = r;
        return ENK_OK;
}

enk_status enk_stats_pooled_trend(const enk_pooled *g, const double *year, size_t k,
                                  double *slope_pp, double *p)
{
        if (!g || !year || !slope_pp || !p)
                return ENK_ERR_USAGE;
        double x = 0, m = 0, mt = 0, resp = 0;
        size_t years = 0;
        for (size_t i = 0; i < k; i++) {
                if (!isfinite(year[i]))
                        return ENK_ERR_USAGE;
                if (g[i].respondents <= 0 || !(g[i].m > 0.0))
                        continue;
                years++;
                x += g[i].x;
                m += g[i].m;
                mt += g[i].m * year[i];
                resp += (double) g[i].respondents;
        }
        if (years < 2 || resp < 3)
                return ENK_ERR_MATH;
        double tbar = mt / m, s = 0, sxt = 0;
        for (size_t i = 0; i < k; i++) {
                if (g[i].respondents <= 0 || !(g[i].m > 0.0))
                        continue;
                double d = year[i] - tbar;
                s += g[i].m * d * d;
                sxt += g[i].x * d;
        }
        if (!(s > 0.0))
                return ENK_ERR_MATH;
        double beta = sxt / s, alpha = x / m - beta * tbar, meat = 0;
        for (size_t i = 0; i < k; i++) {
                if (g[i].respondents <= 0 || !(g[i].m > 0.0))
                        continue;
                double d = year[i] - tbar;
                meat += d * d * pooled_ss(&g[i], alpha + beta * year[i]);
        }
        double se = sqrt(resp / (resp - 1.0) * meat) / s;
        if (!(se > 0.0))
                return ENK_ERR_MATH;
        *slope_pp = 100.0 * beta;
        *p = 2.0 * gsl_cdf_ugaussian_Q(fabs(beta / se));
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Figure 7                                                                   */

enk_status enk_stats_prop_test(const int64_t *x, const int64_t *n, size_t k, bool yates,
                               enk_chisq *out)
{
        if (!x || !n || !out || !tallies_ok(x, n, k))
                return ENK_ERR_USAGE;
        if (k < 2)
                return ENK_ERR_MATH;
        double sx = 0, sn = 0;
        for (size_t i = 0; i < k; i++) {
                if (n[i] == 0)
                        return ENK_ERR_MATH;
                sx += (double) x[i];
                sn += (double) n[i];
        }
        double p = sx / sn;
        if (p <= 0.0 || p >= 1.0)
                return ENK_ERR_MATH;
        double c = 0.0;
        if (yates && k == 2) {
                /* R shrinks the correction when the difference is smaller. */
                double delta = fabs((double) x[0] / (double) n[0] - (double) x[1] / (double) n[1]);
                c = fmin(0.5, delta / (1.0 / (double) n[0] + 1.0 / (double) n[1]));
        }
        enk_chisq r = {.df = (double) (k - 1)};
        for (size_t i = 0; i < k; i++) {
                double e1 = (double) n[i] * p, e2 = (double) n[i] * (1.0 - p);
                double d1 = fabs((double) x[i] - e1) - c;
                double d2 = fabs((double) (n[i] - x[i]) - e2) - c;
                r.statistic += d1 * d1 / e1 + d2 * d2 / e2;
                if (e1 < 5.0 || e2 < 5.0)
                        r.low_expected = true;
        }
        r.p = gsl_cdf_chisq_Q(r.statistic, r.df);
        *out = r;
        return ENK_OK;
}

enk_status enk_stats_chisq_table(const int64_t *table, size_t rows, size_t cols, enk_chisq *out)
{
        if (!table || !out)
                return ENK_ERR_USAGE;
        for (size_t i = 0; i < rows * cols; i++)
                if (table[i] < 0)
                        return ENK_ERR_USAGE;
        if (rows < 2 || cols < 2)
                return ENK_ERR_MATH;
        double *rs = calloc(rows + cols, sizeof *rs);
        if (!rs)
                return ENK_ERR_NOMEM;
        double *cs = rs + rows, total = 0.0;
        for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < cols; j++) {
                        double v = (double) table[i * cols + j];
                        rs[i] += v;
                        cs[j] += v;
                        total += v;
                }
        enk_status st = ENK_OK;
        enk_chisq r = {.df = (double) ((rows - 1) * (cols - 1))};
        for (size_t i = 0; i < rows && st == ENK_OK; i++)
                if (rs[i] == 0.0)
                        st = ENK_ERR_MATH;
        for (size_t j = 0; j < cols && st == ENK_OK; j++)
                if (cs[j] == 0.0)
                        st = ENK_ERR_MATH;
        for (size_t i = 0; i < rows && st == ENK_OK; i++)
                for (size_t j = 0; j < cols; j++) {
                        double e = rs[i] * cs[j] / total;
                        double d = (double) table[i * cols + j] - e;
                        r.statistic += d * d / e;
                        if (e < 5.0)
                                r.low_expected = true;
                }
        free(rs);
        if (st != ENK_OK)
                return st;
        r.p = gsl_cdf_chisq_Q(r.statistic, r.df);
        *out = r;
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Figure 8                                                                   */

/* Counts of W = u over all C(na + nb, na) orderings without ties, as
 * doubles (they reach about 1e28 at 49 + 49). Built by placing the largest
 * value last: w(i, j, u) = w(i − 1, j, u − j) + w(i, j − 1, u), an a-value
 * on top adds the j b-values below it. Returns NULL when out of memory. */
static double *wilcox_counts(size_t na, size_t nb)
{
        size_t umax = na * nb, width = umax + 1;
        double *prev = calloc((nb + 1) * width, sizeof *prev);
        double *cur = calloc((nb + 1) * width, sizeof *cur);
        if (!prev || !cur) {
                free(prev);
                free(cur);
                return NULL;
        }
        for (size_t j = 0; j <= nb; j++)
                prev[j * width] = 1.0; /* i = 0: only u = 0 */
        for (size_t i = 1; i <= na; i++) {
                memset(cur, 0, (nb + 1) * width * sizeof *cur);
                cur[0] = 1.0; /* j = 0: only u = 0 */
                for (size_t j = 1; j <= nb; j++)
                        for (size_t u = 0; u <= i * j; u++)
                                cur[j * width + u] = (u >= j ? prev[j * width + u - j] : 0.0) +
                                                     cur[(j - 1) * width + u];
                double *t = prev;
                prev = cur;
                cur = t;
        }
        double *dist = malloc(width * sizeof *dist);
        if (dist)
                memcpy(dist, prev + nb * width, width * sizeof *dist);
        free(prev);
        free(cur);
        return dist;
}

/* Fills the p-value (exact or normal) and the rest of r from W and the ties. */
static enk_status mw_finish(double w, size_t na, size_t nb, bool exact, double tie_sum, enk_alt alt,
                            enk_mw *out)
{
        enk_mw r = {.w = w, .exact = exact, .z = NAN};
        double mn = (double) na * (double) nb;
        r.r_rb = 2.0 * w / mn - 1.0;
        if (exact) {
                double *dist = wilcox_counts(na, nb);
                if (!dist)
                        return ENK_ERR_NOMEM;
                size_t umax = na * nb, q = (size_t) w;
                double total = 0.0, le = 0.0, ge = 0.0;
                for (size_t u = 0; u <= umax; u++) {
                        total += dist[u];
                        if (u <= q)
                                le += dist[u];
                        if (u >= q)
                                ge += dist[u];
                }
                free(dist);
                le /= total;
                ge /= total;
                if (alt == ENK_ALT_LESS)
                        r.p = le;
                else if (alt == ENK_ALT_GREATER)
                        r.p = ge;
                else /* R: the tail on W's side of the centre, doubled */
                        r.p = fmin(1.0, 2.0 * (w > mn / 2.0 ? ge : le));
                if (r.p > 1.0)
                        r.p = 1.0;
        } else {
                double nn = (double) (na + nb);
                double var = mn / 12.0 * ((nn + 1.0) - tie_sum / (nn * (nn - 1.0)));
                if (!(var > 0.0))
                        return ENK_ERR_MATH;
                double z = w - mn / 2.0, corr;
                if (alt == ENK_ALT_GREATER)
                        corr = 0.5;
                else if (alt == ENK_ALT_LESS)
                        corr = -0.5;
                else
                        corr = z > 0 ? 0.5 : z < 0 ? -0.5 : 0.0;
                r.z = (z - corr) / sqrt(var);
                if (alt == ENK_ALT_TWO_SIDED)
                        r.p = 2.0 * fmin(gsl_cdf_ugaussian_P(r.z), gsl_cdf_ugaussian_Q(r.z));
                else
                        r.p = p_of_z(r.z, alt);
        }
        *out = r;
        return ENK_OK;
}

/* First index in sorted c[0..n) whose value is >= v (strict: > v). */
static size_t bound(const double *c, size_t n, double v, bool strict)
{
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strict ? c[mid] <= v : c[mid] < v)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

enk_status enk_stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                                  enk_alt alt, enk_mw *out)
{
        if (!a || !b || !out || !alt_ok(alt))
                return ENK_ERR_USAGE;
        for (size_t i = 0; i < na; i++)
                if (isnan(a[i]))
                        return ENK_ERR_USAGE;
        for (size_t i = 0; i < nb; i++)
                if (isnan(b[i]))
                        return ENK_ERR_USAGE;
        if (na == 0 || nb == 0)
                return ENK_ERR_MATH;
        size_t n = na + nb;
        double *c = malloc(n * sizeof *c);
        if (!c)
                return ENK_ERR_NOMEM;
        memcpy(c, a, na * sizeof *c);
        memcpy(c + na, b, nb * sizeof *c);
        gsl_sort(c, 1, n);
        double tie_sum = 0.0;
        for (size_t i = 0; i < n;) {
                size_t j = i + 1;
                while (j < n && c[j] == c[i])
                        j++;
                double t = (double) (j - i);
                tie_sum += t * t * t - t;
                i = j;
        }
        /* The mid-rank of v is the mean of the 1-based ranks lo+1..hi. */
        double ranks = 0.0;
        for (size_t i = 0; i < na; i++) {
                size_t lo = bound(c, n, a[i], false), hi = bound(c, n, a[i], true);
                ranks += ((double) lo + 1.0 + (double) hi) / 2.0;
        }
        free(c);
        double w = ranks - (double) na * ((double) na + 1.0) / 2.0;
        bool exact =
            na < ENK_STATS_MW_EXACT_BELOW && nb < ENK_STATS_MW_EXACT_BELOW && tie_sum == 0.0;
        return mw_finish(w, na, nb, exact, tie_sum, alt, out);
}

enk_status enk_stats_mann_whitney_counts(const int64_t *ca, const int64_t *cb, size_t k,
                                         enk_alt alt, enk_mw *out)
{
        if (!ca || !cb || !out || !alt_ok(alt))
                return ENK_ERR_USAGE;
        int64_t na = 0, nb = 0;
        for (size_t i = 0; i < k; i++) {
                if (ca[i] < 0 || cb[i] < 0)
                        return ENK_ERR_USAGE;
                na += ca[i];
                nb += cb[i];
        }
        if (na == 0 || nb == 0)
                return ENK_ERR_MATH;
        double below = 0.0, ranks = 0.0, tie_sum = 0.0;
        for (size_t i = 0; i < k; i++) {
                double t = (double) ca[i] + (double) cb[i];
                /* Everyone on point i shares the mid-rank below + (t + 1)/2. */
                ranks += (double) ca[i] * (below + (t + 1.0) / 2.0);
                tie_sum += t * t * t - t;
                below += t;
        }
        double w = ranks - (double) na * ((double) na + 1.0) / 2.0;
        return mw_finish(w, (size_t) na, (size_t) nb, false, tie_sum, alt, out);
}

/* ------------------------------------------------------------------------- */
/* Figure 10                                                                  */

enk_status enk_stats_p_adjust(const double *p, size_t k, enk_adjust method, double *out)
{
        if (k == 0)
                return ENK_OK;
        if (!p || !out || (method != ENK_ADJUST_HOLM && method != ENK_ADJUST_BH))
                return ENK_ERR_USAGE;
        size_t m = 0;
        for (size_t i = 0; i < k; i++) {
                if (isnan(p[i]))
                        continue;
                if (p[i] < 0.0 || p[i] > 1.0)
                        return ENK_ERR_USAGE;
                m++;
        }
        if (m == 0) {
                for (size_t i = 0; i < k; i++)
                        out[i] = p[i];
                return ENK_OK;
        }
        double *vals = malloc(m * sizeof *vals);
        size_t *where = malloc(m * sizeof *where), *perm = malloc(m * sizeof *perm);
        if (!vals || !where || !perm) {
                free(vals);
                free(where);
                free(perm);
                return ENK_ERR_NOMEM;
        }
        for (size_t i = 0, j = 0; i < k; i++) {
                if (isnan(p[i])) {
                        out[i] = p[i];
                        continue;
                }
                vals[j] = p[i];
                where[j++] = i;
        }
        /* Ties may come out in any order: both adjustments give tied p-values
         * the same result whatever their order, through the running max/min. */
        gsl_sort_index(perm, vals, 1, m);
        double dm = (double) m;
        if (method == ENK_ADJUST_HOLM) {
                double run = 0.0;
                for (size_t i = 0; i < m; i++) {
                        double v = fmin(1.0, (dm - (double) i) * vals[perm[i]]);
                        run = fmax(run, v);
                        out[where[perm[i]]] = run;
                }
        } else {
                double run = 1.0;
                for (size_t i = m; i-- > 0;) {
                        double v = fmin(1.0, dm / (double) (i + 1) * vals[perm[i]]);
                        run = fmin(run, v);
                        out[where[perm[i]]] = run;
                }
        }
        free(vals);
        free(where);
        free(perm);
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Suppression                                                                */

enk_status enk_stats_check_min_n(int min_n)
{
        return min_n == 0 || min_n >= ENK_STATS_MIN_N_FLOOR ? ENK_OK : ENK_ERR_USAGE;
}

int enk_stats_min_n(int min_n)
{
        if (min_n <= 0)
                return ENK_STATS_MIN_N;
        return min_n < ENK_STATS_MIN_N_FLOOR ? ENK_STATS_MIN_N_FLOOR : min_n;
}

bool enk_stats_suppressed(int64_t n, int min_n)
{
        return n < enk_stats_min_n(min_n);
}

bool enk_stats_low_precision(int64_t n)
{
        return n > 0 && n < ENK_STATS_LOW_PRECISION_N;
}

bool enk_stats_distribution_hidden(const int64_t *counts, size_t k, int min_n)
{
        if (!counts)
                return k > 0;
        int thr = enk_stats_min_n(min_n);
        int64_t n = 0;
        bool small_cell = false;
        for (size_t i = 0; i < k; i++) {
                n += counts[i];
                if (counts[i] > 0 && counts[i] < thr)
                        small_cell = true;
        }
        if (n < thr)
                return true;
        return n < ENK_STATS_LOW_PRECISION_N && small_cell;
}

/* The unsuppressed unit with the smallest n (the first of equals), or k. */
static size_t smallest_shown(const int64_t *n, size_t k, const bool *suppressed)
{
        size_t best = k;
        for (size_t i = 0; i < k; i++)
                if (!suppressed[i] && (best == k || n[i] < n[best]))
                        best = i;
        return best;
}

enk_status enk_stats_suppress_units(const int64_t *n, size_t k, int min_n, bool *suppressed,
                                    size_t *count)
{
        if (k > 0 && (!n || !suppressed))
                return ENK_ERR_USAGE;
        for (size_t i = 0; i < k; i++)
                suppressed[i] = false;
        return enk_stats_suppress_more(n, k, min_n, suppressed, count);
}

enk_status enk_stats_suppress_more(const int64_t *n, size_t k, int min_n, bool *suppressed,
                                   size_t *count)
{
        if (k > 0 && (!n || !suppressed))
                return ENK_ERR_USAGE;
        for (size_t i = 0; i < k; i++)
                if (n[i] < 0)
                        return ENK_ERR_USAGE;
        int thr = enk_stats_min_n(min_n);
        size_t c = 0;
        int64_t hidden = 0;
        for (size_t i = 0; i < k; i++) {
                suppressed[i] = suppressed[i] || n[i] < thr;
                if (suppressed[i]) {
                        c++;
                        hidden += n[i];
                }
        }
        /* The hidden units' sum is the total minus the shown units, so it
         * must not itself be a small group. This also covers the common rule
         * "never exactly one hidden unit": a unit hidden by the primary rule
         * has fewer answers than the threshold, so a lone one always draws
         * in the next smallest. A unit hidden by another rule (given in
         * suppressed) counts as hidden like any other. */
        while (c > 0 && c < k && hidden < thr) {
                size_t j = smallest_shown(n, k, suppressed);
                suppressed[j] = true;
                c++;
                hidden += n[j];
        }
        if (count)
                *count = c;
        return ENK_OK;
}

/* ------------------------------------------------------------------------- */
/* Headline wording                                                           */

int enk_stats_pct(double share)
{
        /* 0.145 is stored as 0.14499999999999999 and times 100 gives
         * 14.499999999999998; a spreadsheet shows it as 15 %, since it rounds
         * the 15 significant digits it keeps. Rounding to a millionth of a
         * percent first does the same. */
        return (int) lround(round(share * 1e8) / 1e6);
}

/* The shares a reader knows by name, in whole percent. */
static const struct anchor {
        int pct;
        const char *sv, *en;
        bool singular; /* "var tredje är nöjd", "one in three is" */
} anchors[] = {
    {10, "var tionde", "one in ten", true},
    {20, "var femte", "one in five", true},
    {25, "var fjärde", "one in four", true},
    {30, "tre av tio", "three in ten", false},
    {33, "var tredje", "one in three", true},
    {40, "fyra av tio", "four in ten", false},
    {50, "hälften", "half", false},
    {60, "sex av tio", "six in ten", false},
    {67, "två av tre", "two in three", false},
    {70, "sju av tio", "seven in ten", false},
    {75, "tre av fyra", "three in four", false},
    {80, "åtta av tio", "eight in ten", false},
    {90, "nio av tio", "nine in ten", false},
};

/* The phrases, "knappt" (just under) and "drygt" (just over) filled in with
 * an anchor's name: every form is one whole phrase in the table below. */
static const struct {
        const char *sv, *en;
} forms[][3] = {
#define F(sv, en)                                                                                  \
        {                                                                                          \
                {"knappt " sv, "just under " en}, {"drygt " sv, "just over " en},                  \
                {                                                                                  \
                        "fler än " sv, "more than " en                                             \
                }                                                                                  \
        }
    F("var tionde", "one in ten"),
    F("var femte", "one in five"),
    F("var fjärde", "one in four"),
    F("tre av tio", "three in ten"),
    F("var tredje", "one in three"),
    F("fyra av tio", "four in ten"),
    F("hälften", "half"),
    F("sex av tio", "six in ten"),
    F("två av tre", "two in three"),
    F("sju av tio", "seven in ten"),
    F("tre av fyra", "three in four"),
    F("åtta av tio", "eight in ten"),
    F("nio av tio", "nine in ten"),
#undef F
};

_Static_assert(sizeof forms / sizeof forms[0] == sizeof anchors / sizeof anchors[0],
               "one row of forms per anchor");

/* The phrase of a share in [0, 1]: en or sv, and whether it takes a
 * singular verb ("var tredje är nöjd", "one in three is"). */
static const char *phrase_of(double share, bool en, bool *singular)
{
        *singular = false;
        if (share == 0.0)
                return en ? "none" : "ingen";
        if (share == 1.0)
                return en ? "all" : "alla";
        /* the percent the reader sees beside the phrase */
        int p = enk_stats_pct(share);
        if (p <= 2)
                return en ? "almost none" : "nästan ingen";
        if (p >= 98)
                return en ? "almost all" : "nästan alla";
        if (p <= 7)
                return en ? "fewer than one in ten" : "färre än var tionde";
        size_t n = sizeof anchors / sizeof anchors[0];
        size_t hi = 0; /* the first anchor at or above p; p >= 8 and the first is 10 */
        while (hi < n && anchors[hi].pct < p)
                hi++;
        size_t a;
        int form = -1; /* the anchor's own name */
        int below = hi < n ? anchors[hi].pct - p : 100;
        int above = hi > 0 ? p - anchors[hi - 1].pct : 100;
        if (below == 0)
                a = hi;
        else if (below <= 2 && below < above)
                a = hi, form = 0; /* knappt */
        else if (above <= 2)
                a = hi - 1, form = 1; /* drygt */
        else
                a = hi - 1, form = 2; /* fler än: a plural */
        *singular = anchors[a].singular && form != 2;
        if (form < 0)
                return en ? anchors[a].en : anchors[a].sv;
        return en ? forms[a][form].en : forms[a][form].sv;
}

const char *enk_stats_share_phrase(double share, const char *lang)
{
        bool en, singular;
        if (!lang || strcmp(lang, "sv") == 0)
                en = false;
        else if (strcmp(lang, "en") == 0)
                en = true;
        else
                return NULL;
        if (!(share >= 0.0 && share <= 1.0))
                return NULL;
        return phrase_of(share, en, &singular);
}

bool enk_stats_share_phrase_singular(double share)
{
        bool singular = false;
        if (share >= 0.0 && share <= 1.0)
                phrase_of(share, false, &singular);
        return singular;
}
