/* analysis/stats.h - the statistics of enkat: shares, intervals, tests, trends, suppression.
 *
 * Pure functions over counts and values: no I/O, no store, no allocation that
 * outlives a call. Every figure of the project's statistics plan (figures 1-10)
 * is here; docs/statistics.md explains them in words and gives the references.
 * This is the only module that uses GSL. GSL's default error handler aborts;
 * main() turns it off (enk_stats_init()) and every function here checks its
 * inputs before calling GSL, so GSL never sees an argument it would reject.
 *
 * Conventions for the whole header:
 * - A function that can fail returns enk_status: ENK_OK; ENK_ERR_USAGE for
 *   arguments that make no sense (NULL where a pointer is needed, x > n, a
 *   negative count, a level outside (0, 1)); ENK_ERR_MATH when the statistic
 *   is undefined for valid input (a share of n = 0, a test of one group, a
 *   slope from one year); ENK_ERR_NOMEM when a scratch buffer cannot be had.
 * - Output parameters are written only on success. Inside a result struct,
 *   parts that are undefined while the rest is defined are NaN (e.g. the sd of
 *   a single answer); the field's comment says when.
 * - Nothing is retained: pointers passed in are only read during the call.
 * - "level" is the confidence level of an interval, 0 < level < 1; the
 *   figures use ENK_STATS_LEVEL (95 %).
 * - Shares are fractions in [0, 1]; only the trend slope is in percentage
 *   points.
 */
#ifndef ENK_STATS_H
#define ENK_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "survey/diag.h"

/* The confidence level of every interval in the figures. */
#define ENK_STATS_LEVEL 0.95
/* The significance level of every test: a (Holm-adjusted) p below it, with an
 * interval that excludes 0, is "statistiskt säkerställd". */
#define ENK_STATS_ALPHA 0.05

/* Once, at the start of a program, before any thread calls into this module:
 * turns GSL's default error handler (print and abort) off, so that a GSL error
 * our input checks missed comes back as a value, never as an abort. Process-
 * wide (GSL's handler is global); calling it again does nothing more. */
void enk_stats_init(void);

/* ---------------------------------------------------------------------------
 * Figure 3: a share with its interval
 * ------------------------------------------------------------------------- */

typedef enum enk_ci_method {
        /* ENK_CI_WILSON normally; ENK_CI_CLOPPER_PEARSON when n < 30, x == 0
         * or x == n (statistics.md). Only an argument: a result never says AUTO. */
        ENK_CI_AUTO = 0,
        /* Wilson (1927) score interval without continuity correction:
         *   centre = (x + z²/2) / (n + z²)
         *   half   = z / (n + z²) · sqrt(x(n − x)/n + z²/4)
         * with z = Φ⁻¹((1 + level)/2). Equals R's
         * prop.test(x, n, correct = FALSE)$conf.int. */
        ENK_CI_WILSON,
        /* Wilson with continuity correction (Newcombe 1998, method 4): the
         * Wilson bounds of (x − ½)/n and (x + ½)/n; low = 0 when x = 0 and
         * high = 1 when x = n. Equals R's prop.test(x, n)$conf.int except when
         * x = n/2 exactly, where R shrinks the correction to |x − n/2| = 0
         * (a quirk of its test against p = 0.5) and we keep ½. */
        ENK_CI_WILSON_CC,
        /* Clopper-Pearson (1934) exact interval from the beta distribution:
         *   low  = B⁻¹(α/2; x, n − x + 1),  0 when x = 0
         *   high = B⁻¹(1 − α/2; x + 1, n − x), 1 when x = n
         * with α = 1 − level (both tails get α/2 also at x = 0 and x = n, as
         * R's binom.test(x, n)$conf.int). */
        ENK_CI_CLOPPER_PEARSON,
} enk_ci_method;

/* The n below which ENK_CI_AUTO uses Clopper-Pearson. */
#define ENK_STATS_EXACT_BELOW_N 30

typedef struct enk_share {
        int64_t x, n;         /* positive answers, all answers on the scale */
        double share;         /* x / n */
        double low, high;     /* the interval; 0 <= low <= share <= high <= 1 */
        enk_ci_method method; /* the method used (never ENK_CI_AUTO) */
} enk_share;

/* The share x/n with its interval by method (ENK_CI_AUTO for the figures) at
 * level. ENK_ERR_USAGE when out is NULL, x < 0, x > n, the method is unknown
 * or level is outside (0, 1); ENK_ERR_MATH when n == 0 (a share of nothing). */
enk_status enk_stats_share(int64_t x, int64_t n, enk_ci_method method, double level,
                           enk_share *out);

/* ---------------------------------------------------------------------------
 * Figure 4: mean, sd and index 0-100 with a t interval
 * ------------------------------------------------------------------------- */

/* index = (mean − lowest) / (highest − lowest) × 100; SCB's 1-10 scale:
 * mean 7.5 → 72.2. NaN when highest <= lowest or an argument is NaN. Not
 * clamped (a mean inside the scale gives 0..100). */
double enk_stats_index(double mean, double lowest, double highest);

typedef struct enk_mean {
        int64_t n;
        double mean;
        double sd;                    /* sample sd (n − 1 denominator); NaN when n == 1 */
        double low, high;             /* mean ± t(n−1, (1+level)/2) · sd/√n; NaN when n == 1;
                                         equal to the mean when sd == 0 */
        double lowest, highest;       /* the ends of the scale used for the index */
        double index;                 /* enk_stats_index(mean, lowest, highest) */
        double index_low, index_high; /* low and high on the index scale, clamped to
                                         [0, 100] (a mean cannot leave the scale);
                                         NaN when n == 1 */
} enk_mean;

/* Mean, sd and t interval of the n values v (gsl_stats_mean, gsl_stats_sd,
 * gsl_cdf_tdist_Pinv), and the index on the scale lowest..highest.
 * ENK_ERR_USAGE when v or out is NULL, a value is not finite, lowest >=
 * highest or level is outside (0, 1); ENK_ERR_MATH when n == 0. Values
 * outside lowest..highest are allowed (the index then leaves 0..100). */
enk_status enk_stats_mean(const double *v, size_t n, double lowest, double highest, double level,
                          enk_mean *out);

/* The same from counts[i] answers on the point with value points[i], i < k
 * (points NULL means 1, 2, ..., k); the scale's ends are the smallest and
 * largest point, whatever their order. ENK_ERR_USAGE when counts or out is
 * NULL, k < 2, a count is negative, points are not finite or not distinct,
 * or level is outside (0, 1); ENK_ERR_MATH when the counts sum to 0. */
enk_status enk_stats_mean_counts(const int64_t *counts, const double *points, size_t k,
                                 double level, enk_mean *out);

/* ---------------------------------------------------------------------------
 * Figures 1-4 and suppression in one call: what a tally of one question gives
 * ------------------------------------------------------------------------- */

typedef struct enk_item {
        int64_t n;              /* answers on the scale: Σ counts (NA and blanks left out) */
        int64_t positive;       /* answers on a positive point */
        int64_t na;             /* "vet ej / ej aktuellt", as passed in */
        enk_share share;        /* positive of n, ENK_CI_AUTO at ENK_STATS_LEVEL; when n == 0
                                   share, low and high are NaN and method ENK_CI_AUTO */
        enk_mean mean;          /* enk_stats_mean_counts at ENK_STATS_LEVEL; when n == 0
                                   every double is NaN (lowest/highest still set) */
        bool suppressed;        /* enk_stats_suppressed(n, min_n): show ".." */
        bool hide_distribution; /* enk_stats_distribution_hidden(counts, k, min_n) */
        bool low_precision;     /* enk_stats_low_precision(n) */
} enk_item;

/* Fills out from the tally of one scale question: counts[i] answers on point
 * i (values points[i], NULL meaning 1..k), positive[i] whether point i counts
 * as positive (top boxes), na the not-applicable answers (only copied; they
 * are never in a denominator), min_n the suppression threshold (see
 * enk_stats_min_n). n == 0 is not an error: out then holds the counts, NaN
 * figures and suppressed = true. ENK_ERR_USAGE when counts, positive or out is
 * NULL, k < 2, a count or na is negative, or points are not finite or not
 * distinct. */
enk_status enk_stats_item(const int64_t *counts, const double *points, const bool *positive,
                          size_t k, int64_t na, int min_n, enk_item *out);

/* Figure 1: responses / sent; NaN when sent <= 0 or responses < 0. Not capped
 * at 1 (more responses than questionnaires sent is a data problem to show). */
double enk_stats_response_rate(int64_t responses, int64_t sent);

/* Figure 2: shares[i] = counts[i] / Σ counts for i < k. ENK_ERR_USAGE when a
 * pointer is NULL or a count is negative; ENK_ERR_MATH when the sum is 0. */
enk_status enk_stats_distribution(const int64_t *counts, size_t k, double *shares);

/* ---------------------------------------------------------------------------
 * Figures 5 and 9: the change in a share between two groups (years)
 * ------------------------------------------------------------------------- */

typedef enum enk_alt {
        ENK_ALT_TWO_SIDED = 0,
        ENK_ALT_LESS,    /* the first group (a) is smaller */
        ENK_ALT_GREATER, /* the first group (a) is larger */
} enk_alt;

typedef struct enk_diff {
        double pa, pb;    /* xa/na and xb/nb */
        double diff;      /* pa − pb */
        double low, high; /* Newcombe's hybrid score interval (1998, method 10):
                             low  = d − √((pa − la)² + (ub − pb)²)
                             high = d + √((ua − pa)² + (pb − lb)²)
                             from the Wilson intervals [la, ua], [lb, ub] at level */
        bool significant; /* the interval excludes 0 (statistics.md: "statistiskt
                             säkerställd"); decided by the interval, not by p */
        bool fisher;      /* p is from Fisher's exact test (an expected count < 5) */
        double z;         /* the pooled z statistic; NaN when fisher */
        double p;         /* two-sided p-value of the pooled z-test, or of Fisher's
                             exact test when fisher */
        double cohen_h;   /* enk_stats_cohen_h(pa, pb) */
} enk_diff;

/* The difference pa − pb of two shares; for the change since last year pass
 * this year as a and last year as b. The p-value is from the pooled
 * two-proportion z-test (z² is R's prop.test(c(xa, xb), c(na, nb), correct =
 * FALSE) statistic) unless an expected count n·p̂ or n·(1 − p̂) (p̂ the pooled
 * share) is below 5, then from Fisher's exact test of the 2×2 table (this
 * covers xa = xb = 0 and xa = na, xb = nb, where the z-test is undefined: p =
 * 1). ENK_ERR_USAGE when out is NULL, a count is negative, xa > na, xb > nb
 * or level is outside (0, 1); ENK_ERR_MATH when na == 0 or nb == 0. */
enk_status enk_stats_diff(int64_t xa, int64_t na, int64_t xb, int64_t nb, double level,
                          enk_diff *out);

/* Cohen's h = 2·asin(√pa) − 2·asin(√pb); |h| ≈ 0.2 small, 0.5 medium, 0.8
 * large. NaN when a share is outside [0, 1] or NaN. */
double enk_stats_cohen_h(double pa, double pb);

/* The pooled two-proportion z-test: z = (pa − pb) / √(p̂(1 − p̂)(1/na + 1/nb))
 * and its p-value for alt (Φ from gsl_cdf_ugaussian_Q). ENK_ERR_USAGE as
 * enk_stats_diff (z or p NULL); ENK_ERR_MATH when na or nb is 0 or p̂ is 0 or
 * 1 (both shares 0 or both 1). */
enk_status enk_stats_two_prop_z(int64_t xa, int64_t na, int64_t xb, int64_t nb, enk_alt alt,
                                double *z, double *p);

/* Fisher's exact test of the 2×2 table (rows) [a b; c d], conditional on the
 * margins, X = a hypergeometric (gsl_ran_hypergeometric_pdf). Two-sided as
 * R's fisher.test: the sum of the probabilities of all tables no more likely
 * than the observed one, with a relative tolerance of 1e-7; ENK_ALT_GREATER
 * is P(X >= a) (odds ratio > 1), ENK_ALT_LESS P(X <= a). ENK_ERR_USAGE when p
 * is NULL, a cell is negative, or a margin exceeds UINT_MAX; a table of all
 * zeros gives p = 1. */
enk_status enk_stats_fisher_2x2(int64_t a, int64_t b, int64_t c, int64_t d, enk_alt alt, double *p);

/* ---------------------------------------------------------------------------
 * Figure 6: the trend over years
 * ------------------------------------------------------------------------- */

/* The Cochran (1954)-Armitage (1955) test for a linear trend in k shares
 * x[i]/n[i] with scores s[i] (NULL means 1..k), as R's prop.trend.test:
 *   p̄ = Σx/Σn,  s̄ = Σ n·s / Σn
 *   χ² = (Σ x·(s − s̄))² / (p̄(1 − p̄) · Σ n·(s − s̄)²),  1 df (gsl_cdf_chisq_Q).
 * Groups with n = 0 add nothing. ENK_ERR_USAGE when a pointer other than s
 * is NULL, a count is negative, x > n or a score is not finite; ENK_ERR_MATH
 * when fewer than 2 groups have answers, the scores of those are all equal,
 * or p̄ is 0 or 1 (no variation). */
enk_status enk_stats_trend_test(const int64_t *x, const int64_t *n, const double *s, size_t k,
                                double *chisq, double *p);

typedef struct enk_line {
        size_t n; /* the points fitted */
        double intercept, slope;
        double se_intercept, se_slope; /* standard errors; NaN when n == 2 */
        double p;                      /* two-sided p of slope = 0, t with n − 2 df; NaN when
                                          n == 2; when se_slope = 0 (a perfect fit) 0 for a
                                          non-zero slope and 1 for a flat line */
} enk_line;

/* The least-squares line y = intercept + slope·x through n points,
 * unweighted (w NULL, gsl_fit_linear) or with weights w (gsl_fit_wlinear),
 * the standard errors scaled by the residual variance Σw·r²/(n − 2) as R's
 * summary(lm(y ~ x, weights = w)) (GSL takes weights as 1/σ² and would not).
 * ENK_ERR_USAGE when x, y or out is NULL, a value is not finite or a weight
 * is negative; ENK_ERR_MATH when n < 2, the x are all equal, or fewer than 2
 * points have a positive weight. */
enk_status enk_stats_fit_line(const double *x, const double *y, const double *w, size_t n,
                              enk_line *out);

typedef struct enk_slope {
        size_t years;        /* years with answers (n > 0), the points of the fit */
        double slope_pp;     /* percentage points per year */
        double intercept_pp; /* the fitted share in percent at year 0 */
        double se_pp;        /* standard error of the slope; NaN with 2 years */
        double p;            /* two-sided, t with years − 2 df; NaN with 2 years;
                                when se = 0 (a perfect fit) 0 for a non-zero slope
                                and 1 when every share is equal */
} enk_slope;

/* Least-squares line (enk_stats_fit_line) through the yearly shares
 * 100·x[i]/n[i] against year[i], i < k; years with n = 0 are left out.
 * Unweighted, or when weighted, weighted by n as R's summary(lm(share ~ year,
 * weights = n)). ENK_ERR_USAGE when a pointer is NULL, a count is negative, x > n or a
 * year is not finite; ENK_ERR_MATH when fewer than 2 years have answers or
 * their years are all equal. */
enk_status enk_stats_slope(const int64_t *x, const int64_t *n, const double *year, size_t k,
                           bool weighted, enk_slope *out);
/* The unweighted slope of enk_stats_slope alone, the same number, without
 * its standard error and t test (the figures table shows only the slope).
 * The same errors; *slope_pp is written only on success. */
enk_status enk_stats_slope_pp(const int64_t *x, const int64_t *n, const double *year, size_t k,
                              double *slope_pp);

typedef struct enk_trend {
        enk_slope slope; /* as enk_stats_slope */
        double chisq, p; /* Cochran-Armitage with scores = years; NaN when undefined
                            (every share 0 or every share 1) */
} enk_trend;

/* Both parts of figure 6 for years year[i] with x[i] positive of n[i].
 * ENK_ERR_USAGE as enk_stats_slope; ENK_ERR_MATH when the slope is undefined
 * (fewer than 2 years with answers: a single year has no trend). */
enk_status enk_stats_trend(const int64_t *x, const int64_t *n, const double *year, size_t k,
                           bool weighted, enk_trend *out);
/* enk_stats_trend unweighted, with the same numbers, but slope.se_pp and
 * slope.p left NaN: the slope's own t test is not made (the figures table
 * tests the trend by Cochran-Armitage alone). */
enk_status enk_stats_trend_pp(const int64_t *x, const int64_t *n, const double *year, size_t k,
                              enk_trend *out);

/* ---------------------------------------------------------------------------
 * Figures 5 and 6 for a share pooled over several questions (an area)
 *
 * One respondent answers several of the pooled questions, so the answers are
 * not independent: the tests below take the respondent as the unit of
 * sampling (the answers clustered in respondents), not the answer.
 * ------------------------------------------------------------------------- */

/* The sums over the respondents of one group (a unit x year) who answered at
 * least one of the pooled questions: respondent i gave m_i answers on the
 * scales, x_i of them positive. The pooled share is Σ x_i / Σ m_i. */
typedef struct enk_pooled {
        int64_t respondents; /* those with m_i > 0 */
        double x, m;         /* Σ x_i, Σ m_i */
        double xx, xm, mm;   /* Σ x_i², Σ x_i·m_i, Σ m_i² */
} enk_pooled;

/* Adds one respondent's x positive of m answers to p; m = 0 adds nothing. */
void enk_stats_pooled_add(enk_pooled *p, int64_t x, int64_t m);

/* Adds the sums of b to a (groups of other respondents), or takes them away
 * when sign is −1 (the other units: the total less one unit). */
void enk_stats_pooled_sum(enk_pooled *a, const enk_pooled *b, int sign);

/* The variance of the pooled share R = Σx/Σm by linearization, the
 * respondents a simple random sample, as the square of SE() of R's
 * survey::svyratio(~x, ~m, svydesign(ids = ~1, data = d)):
 *   v = n/(n − 1) · Σ (x_i − R·m_i)² / (Σ m_i)²
 * ENK_ERR_USAGE when p or v is NULL; ENK_ERR_MATH with fewer than 2
 * respondents. */
enk_status enk_stats_pooled_var(const enk_pooled *p, double *v);

/* The difference a − b of the pooled shares of two groups of different
 * respondents (this year and last, one unit and the other units): a z-test
 * and the Wald interval d ± z·√(va + vb), va and vb from
 * enk_stats_pooled_var, as R's
 *   ra <- svyratio(~x, ~m, svydesign(ids = ~1, data = a)); rb <- … b
 *   d <- coef(ra) - coef(rb); se <- sqrt(SE(ra)^2 + SE(rb)^2); 2 * pnorm(-abs(d / se))
 * Fills pa, pb, diff, low, high, significant (the interval excludes 0), z, p
 * (two-sided) and cohen_h of out; fisher is false. ENK_ERR_USAGE when a
 * pointer is NULL or level is outside (0, 1); ENK_ERR_MATH when a group has
 * fewer than 2 respondents or both variances are 0 (nothing varies). */
enk_status enk_stats_pooled_diff(const enk_pooled *a, const enk_pooled *b, double level,
                                 enk_diff *out);

/* The test of a linear trend in pooled shares over k years (group g[i] in
 * year[i]): the least-squares line through the answers, y = α + β·year (y 1
 * for a positive answer, 0 otherwise: the slope Cochran–Armitage tests for a
 * single question), with a standard error robust to the clustering of the
 * answers in respondents, as R's
 *   fit <- lm(y ~ year, answers)
 *   se <- sqrt(sandwich::vcovCL(fit, cluster = ~id, type = "HC0")[2, 2])
 *   2 * pnorm(-abs(coef(fit)[2] / se))
 * that is, with G respondents, t̄ = Σ m_i·t_i / Σ m_i and S = Σ m_i·(t_i − t̄)²:
 *   β = Σ (t_i − t̄)·x_i / S
 *   var β = G/(G − 1) · Σ (t_i − t̄)²·(x_i − (α + β·t_i)·m_i)² / S²
 * *slope_pp is 100·β and *p the two-sided p of z = β / se. Years without
 * respondents add nothing. ENK_ERR_USAGE when a pointer is NULL or a year is
 * not finite; ENK_ERR_MATH with fewer than 2 years with respondents, fewer
 * than 3 respondents, or se = 0 (nothing varies). */
enk_status enk_stats_pooled_trend(const enk_pooled *g, const double *year, size_t k,
                                  double *slope_pp, double *p);

/* ---------------------------------------------------------------------------
 * Figure 7: χ² tests between groups
 * ------------------------------------------------------------------------- */

typedef struct enk_chisq {
        double statistic; /* X² */
        double df;
        double p;          /* gsl_cdf_chisq_Q(statistic, df) */
        bool low_expected; /* an expected count is below 5: the approximation is poor
                              (R warns "Chi-squared approximation may be incorrect") */
} enk_chisq;

/* The k-sample test of equal proportions x[i]/n[i], as R's prop.test(x, n):
 * X² = Σ (|O − E| − c)² / E over the k×2 table of positive and other
 * answers, E from the pooled share, k − 1 df. c = 0 except when yates and
 * k == 2: then c = min(½, |pa − pb| / (1/na + 1/nb)), R's default Yates
 * correction (correct = TRUE). For k == 2 without yates X² = z² of
 * enk_stats_two_prop_z. ENK_ERR_USAGE when a pointer is NULL, a count is
 * negative or x > n; ENK_ERR_MATH when k < 2 (a single group), a group has
 * n = 0, or the pooled share is 0 or 1. */
enk_status enk_stats_prop_test(const int64_t *x, const int64_t *n, size_t k, bool yates,
                               enk_chisq *out);

/* Pearson's χ² test of independence of an r×c table (row-major, rows·cols
 * counts), (r − 1)(c − 1) df, no continuity correction (R's chisq.test
 * applies none beyond 2×2). ENK_ERR_USAGE when a pointer is NULL or a count
 * is negative; ENK_ERR_MATH when rows < 2, cols < 2, or a row or column sums
 * to 0. */
enk_status enk_stats_chisq_table(const int64_t *table, size_t rows, size_t cols, enk_chisq *out);

/* ---------------------------------------------------------------------------
 * Figure 8: Mann-Whitney U (Wilcoxon rank-sum)
 * ------------------------------------------------------------------------- */

/* Both samples below this size and no ties: the exact distribution, as R. */
#define ENK_STATS_MW_EXACT_BELOW 50

typedef struct enk_mw {
        double w;    /* R's W: U of sample a = Σ ranks(a) − na(na + 1)/2 (mid-ranks) */
        bool exact;  /* p from the exact distribution of W */
        double z;    /* the normal approximation's z (with continuity correction
                        ½ toward 0 and tie correction); NaN when exact */
        double p;    /* for alt; ENK_ALT_GREATER: a tends to be larger */
        double r_rb; /* rank-biserial correlation 2W/(na·nb) − 1, in [−1, 1]:
                        +1 every a above every b */
} enk_mw;

/* The Mann-Whitney test of samples a (na values) and b (nb values), as R's
 * wilcox.test(a, b, alternative, correct = TRUE): exact when na < 50, nb < 50
 * and no value is tied; otherwise the normal approximation with
 *   σ² = na·nb/12 · (N + 1 − Σ(t³ − t)/(N(N − 1))),  N = na + nb,
 * t the sizes of the groups of tied values. ENK_ERR_USAGE when a pointer is
 * NULL or a value is NaN; ENK_ERR_MATH when na or nb is 0, or σ = 0 (every
 * value equal); ENK_ERR_NOMEM. */
enk_status enk_stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                                  enk_alt alt, enk_mw *out);

/* The same from tallies: ca[i] and cb[i] answers on the i-th of k ordered
 * scale points (the same points for both). Tallies over a few points always
 * tie, so this always uses the normal approximation (exact = false), even
 * where the value form would be exact. ENK_ERR_USAGE when a pointer is NULL
 * or a count is negative; ENK_ERR_MATH as the value form. */
enk_status enk_stats_mann_whitney_counts(const int64_t *ca, const int64_t *cb, size_t k,
                                         enk_alt alt, enk_mw *out);

/* ---------------------------------------------------------------------------
 * Figure 10: many tests at once
 * ------------------------------------------------------------------------- */

typedef enum enk_adjust {
        /* Holm (1979): sorted ascending, p(i)·(m − i + 1), running maximum,
         * capped at 1. Controls the familywise error rate. */
        ENK_ADJUST_HOLM,
        /* Benjamini-Hochberg (1995): sorted descending, p(i)·m/i, running
         * minimum, capped at 1. Controls the false discovery rate. */
        ENK_ADJUST_BH,
} enk_adjust;

/* Adjusts the k p-values p by method into out (in the input order, out may be
 * p), as R's p.adjust: NaN entries stay NaN and are not counted in m.
 * ENK_ERR_USAGE when a pointer is NULL (with k > 0), the method is unknown or
 * a p-value is outside [0, 1]; ENK_ERR_NOMEM. k == 0 does nothing. */
enk_status enk_stats_p_adjust(const double *p, size_t k, enk_adjust method, double *out);

/* ---------------------------------------------------------------------------
 * Small groups: suppression and precision
 * ------------------------------------------------------------------------- */

#define ENK_STATS_MIN_N           5  /* the default suppression threshold */
#define ENK_STATS_MIN_N_FLOOR     3  /* the threshold is never below this */
#define ENK_STATS_LOW_PRECISION_N 20 /* fewer answers are flagged low precision */

/* ENK_OK when min_n is an acceptable threshold (0 for the default, or >=
 * ENK_STATS_MIN_N_FLOOR); ENK_ERR_USAGE otherwise (for the CLI to reject
 * `--min-n 2`). */
enk_status enk_stats_check_min_n(int min_n);

/* The threshold in force: ENK_STATS_MIN_N for min_n <= 0, otherwise min_n
 * raised to at least ENK_STATS_MIN_N_FLOOR. Every function below takes min_n
 * through this. */
int enk_stats_min_n(int min_n);

/* Primary suppression: n < threshold (n == 0 included: show ".."). */
bool enk_stats_suppressed(int64_t n, int min_n);

/* n < ENK_STATS_LOW_PRECISION_N (and > 0): flag the figure as uncertain. */
bool enk_stats_low_precision(int64_t n);

/* Whether the distribution counts[0..k) of one group must not be shown: when
 * the group is suppressed (Σ counts below the threshold), or when the group
 * is small (Σ counts < ENK_STATS_LOW_PRECISION_N) and a cell holds 1 to
 * threshold − 1 answers (1-4 by default), which would single out a few
 * respondents. Larger groups show every cell. NULL counts with k > 0 → true. */
bool enk_stats_distribution_hidden(const int64_t *counts, size_t k, int min_n);

/* Primary and secondary suppression of one question over k units whose
 * total is published: suppressed[i] becomes true when unit i must show "..".
 *  1. primary: n[i] < threshold;
 *  2. secondary, so that no suppressed unit can be worked out by subtracting
 *     the shown units from the total: while the suppressed units together
 *     hold fewer answers than the threshold (their sum is the total minus the
 *     shown units, and would itself be a small group), the unsuppressed unit
 *     with the smallest n (ties: the first) is suppressed too. This includes
 *     the common rule "if exactly one unit is suppressed, also suppress the
 *     next smallest", since a lone primary-suppressed unit is below the
 *     threshold on its own.
 * When every unit ends suppressed the caller should suppress the total as well
 * (with k == 1 the total is the unit). Stores the number suppressed in
 * *count when count is not NULL. ENK_ERR_USAGE when n or suppressed is NULL
 * (with k > 0) or an n is negative. */
enk_status enk_stats_suppress_units(const int64_t *n, size_t k, int min_n, bool *suppressed,
                                    size_t *count);

/* The same rule when some units are already hidden for a reason of their own
 * (an area hidden because one of its questions is): suppressed[] is read as
 * well as written. The units it marks stay hidden and count in the hidden
 * sum; the primary rule and then the secondary rule add to them. Equals
 * enk_stats_suppress_units when suppressed[] starts all false. */
enk_status enk_stats_suppress_more(const int64_t *n, size_t k, int min_n, bool *suppressed,
                                   size_t *count);

/* ---------------------------------------------------------------------------
 * Headline wording
 * ------------------------------------------------------------------------- */

/* The share as a whole percent, as the report shows it ("0 %" rounds half
 * away from zero): the one rounding behind every percent in a sentence. */
int enk_stats_pct(double share);

/* A phrase for a share in lang "sv" (NULL means "sv") or "en", as a static
 * string; NULL for a NaN share, a share outside [0, 1] or another language.
 * The phrase is chosen from the whole percent p = enk_stats_pct(share) that
 * the reader sees beside it, so one percent always reads the same way, in the
 * style of Swedish official statistics (SCB's advice on writing about
 * statistics: a share a reader knows by name, "drygt"/"knappt" for just over
 * and just under it):
 *   exactly 0 "ingen", exactly 1 "alla"; p 0-2 "nästan ingen", 98-100
 *   "nästan alla"; 3-7 "färre än var tionde";
 *   p on an anchor: its name (10 var tionde, 20 var femte, 25 var fjärde,
 *   30 tre av tio, 33 var tredje, 40 fyra av tio, 50 hälften, 60 sex av tio,
 *   67 två av tre, 70 sju av tio, 75 tre av fyra, 80 åtta av tio, 90 nio av
 *   tio);
 *   1-2 below the next anchor, and nearer it than the one before: "knappt"
 *   and its name; 1-2 above an anchor: "drygt" and its name; further above:
 *   "fler än" and its name.
 * E.g. 69 % "knappt sju av tio", 95 % "fler än nio av tio", 52 % "drygt
 * hälften", 32 % "knappt var tredje". English: "just under", "just over",
 * "more than", "one in ten", ... docs/statistics.md, section 12, lists every
 * percent. */
const char *enk_stats_share_phrase(double share, const char *lang);

/* Whether the phrase of share takes a singular verb ("var tredje är nöjd",
 * "one in three is"): the "var …"/"one in …" names, alone or with "knappt"
 * or "drygt". A sentence with a plural predicate then gives the percent
 * alone. */
bool enk_stats_share_phrase_singular(double share);

#endif
