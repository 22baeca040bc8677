/* tests/unit/test_stats.c - analysis/stats against R, SciPy, statsmodels and NIST.
 *
 * Every expected number names its independent source beside it: R 4.2.2
 * (Debian's r-base-core), SciPy 1.10.1, statsmodels 0.13.5, the NIST StRD
 * certified values, or the published table. The tests keep the numbers; they
 * need none of those programs. Tolerance: relative 1e-9 unless noted (the
 * brief asks for at least 7 significant digits).
 */
#include "analysis/stats.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>

#include "tests/unit/check.h"

#define TOL 1e-9

/* ---------------------------------------------------------------------------
 * Helpers: each checks one call against its reference.
 * ------------------------------------------------------------------------- */

static void share_case(int line, int64_t x, int64_t n, enk_ci_method m, double level, double lo,
                       double hi)
{
        enk_share s;
        int before = check_failures;
        CHECK_INT(enk_stats_share(x, n, m, level, &s), ENK_OK);
        CHECK_INT(s.method, m);
        CHECK_NEAR(s.low, lo, TOL);
        CHECK_NEAR(s.high, hi, TOL);
        CHECK_NEAR(s.share, (double) x / (double) n, 1e-15);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}
#define SHARE(x, n, m, lo, hi)              share_case(__LINE__, x, n, m, 0.95, lo, hi)
#define SHARE_LEVEL(x, n, m, level, lo, hi) share_case(__LINE__, x, n, m, level, lo, hi)

static void fisher_case(int line, int64_t a, int64_t b, int64_t c, int64_t d, enk_alt alt,
                        double want)
{
        double p = -1;
        int before = check_failures;
        CHECK_INT(enk_stats_fisher_2x2(a, b, c, d, alt, &p), ENK_OK);
        CHECK_NEAR(p, want, TOL);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}
#define FISHER(a, b, c, d, alt, want) fisher_case(__LINE__, a, b, c, d, alt, want)

static void z_case(int line, int64_t xa, int64_t na, int64_t xb, int64_t nb, double chisq,
                   double want_p)
{
        double z = NAN, p = NAN;
        int before = check_failures;
        CHECK_INT(enk_stats_two_prop_z(xa, na, xb, nb, ENK_ALT_TWO_SIDED, &z, &p), ENK_OK);
        CHECK_NEAR(z * z, chisq, TOL);
        CHECK_NEAR(p, want_p, TOL);
        /* The sign follows pa − pb. */
        CHECK((z > 0) == ((double) xa / na > (double) xb / nb));
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}
#define ZTEST(xa, na, xb, nb, chisq, p) z_case(__LINE__, xa, na, xb, nb, chisq, p)

static void newcombe_case(int line, int64_t xa, int64_t na, int64_t xb, int64_t nb, double lo,
                          double hi)
{
        enk_diff d;
        int before = check_failures;
        CHECK_INT(enk_stats_diff(xa, na, xb, nb, 0.95, &d), ENK_OK);
        CHECK_NEAR(d.low, lo, TOL);
        CHECK_NEAR(d.high, hi, TOL);
        CHECK_NEAR(d.diff, (double) xa / na - (double) xb / nb, 1e-15);
        CHECK(d.significant == (lo > 0 || hi < 0));
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}
#define NEWCOMBE(xa, na, xb, nb, lo, hi) newcombe_case(__LINE__, xa, na, xb, nb, lo, hi)

static void cohen_case(int line, int64_t xa, int64_t na, int64_t xb, int64_t nb, double want)
{
        int before = check_failures;
        CHECK_NEAR(enk_stats_cohen_h((double) xa / na, (double) xb / nb), want, TOL);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}
#define COHEN(xa, na, xb, nb, want) cohen_case(__LINE__, xa, na, xb, nb, want)

static void mean_case(int line, const int64_t *counts, size_t k, double mean, double sd, double lo,
                      double hi, double index, double ilo, double ihi)
{
        enk_mean m;
        int before = check_failures;
        CHECK_INT(enk_stats_mean_counts(counts, NULL, k, 0.95, &m), ENK_OK);
        CHECK_NEAR(m.mean, mean, TOL);
        CHECK_NEAR(m.sd, sd, TOL);
        CHECK_NEAR(m.low, lo, TOL);
        CHECK_NEAR(m.high, hi, TOL);
        CHECK_NEAR(m.index, index, TOL);
        CHECK_NEAR(m.index_low, ilo < 0 ? 0 : ilo > 100 ? 100 : ilo, TOL);
        CHECK_NEAR(m.index_high, ihi < 0 ? 0 : ihi > 100 ? 100 : ihi, TOL);
        /* The same from the expanded values. */
        int64_t n = 0;
        for (size_t i = 0; i < k; i++)
                n += counts[i];
        double *v = malloc((size_t) n * sizeof *v);
        size_t j = 0;
        for (size_t i = 0; i < k; i++)
                for (int64_t c = 0; c < counts[i]; c++)
                        v[j++] = (double) (i + 1);
        enk_mean mv;
        CHECK_INT(enk_stats_mean(v, j, 1.0, (double) k, 0.95, &mv), ENK_OK);
        CHECK_NEAR(mv.mean, mean, TOL);
        CHECK_NEAR(mv.sd, sd, TOL);
        CHECK_NEAR(mv.low, lo, TOL);
        CHECK_NEAR(mv.high, hi, TOL);
        free(v);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}

static void mw_case(int line, const double *a, size_t na, const double *b, size_t nb, enk_alt alt,
                    bool exact, double w, double p)
{
        enk_mw r;
        int before = check_failures;
        CHECK_INT(enk_stats_mann_whitney(a, na, b, nb, alt, &r), ENK_OK);
        CHECK_INT(r.exact, exact);
        CHECK_NEAR(r.w, w, TOL);
        CHECK_NEAR(r.p, p, TOL);
        CHECK_NEAR(r.r_rb, 2.0 * w / ((double) na * (double) nb) - 1.0, TOL);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}

static void mwc_case(int line, const int64_t *ca, const int64_t *cb, size_t k, enk_alt alt,
                     double w, double p)
{
        enk_mw r;
        int before = check_failures;
        CHECK_INT(enk_stats_mann_whitney_counts(ca, cb, k, alt, &r), ENK_OK);
        CHECK_INT(r.exact, false);
        CHECK_NEAR(r.w, w, TOL);
        CHECK_NEAR(r.p, p, TOL);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}

static void adjust_case(int line, const double *p, size_t k, enk_adjust m, const double *want)
{
        double out[16];
        int before = check_failures;
        CHECK_INT(enk_stats_p_adjust(p, k, m, out), ENK_OK);
        for (size_t i = 0; i < k; i++) {
                if (isnan(want[i]))
                        CHECK(isnan(out[i]));
                else
                        CHECK_NEAR(out[i], want[i], TOL);
        }
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}

/* ---------------------------------------------------------------------------
 * Figure 3: shares
 * ------------------------------------------------------------------------- */

static void test_share_reference(void)
{
        /* statistics.md reference values (R 4.2.2). */
        /* R 4.2.2: prop.test(83, 86, correct = FALSE)$conf.int */
        SHARE(83, 86, ENK_CI_WILSON, 0.90239128897439247, 0.98806620192259165);
        /* R 4.2.2: prop.test(83, 86)$conf.int */
        SHARE(83, 86, ENK_CI_WILSON_CC, 0.89433098378509768, 0.99094758058354127);
        /* R 4.2.2: binom.test(83, 86)$conf.int */
        SHARE(83, 86, ENK_CI_CLOPPER_PEARSON, 0.90142383601146781, 0.99274754357169692);
}

static void test_share_small(void)
{
        /* R 4.2.2: binom.test(0, 1)$conf.int */
        SHARE(0, 1, ENK_CI_CLOPPER_PEARSON, 0, 0.97499999999999998);
        /* R 4.2.2: prop.test(0, 1, correct = FALSE)$conf.int */
        SHARE(0, 1, ENK_CI_WILSON, 0, 0.79345068562276255);
        /* R 4.2.2: prop.test(0, 1)$conf.int */
        SHARE(0, 1, ENK_CI_WILSON_CC, 0, 0.94537924447114807);
        /* R 4.2.2: binom.test(1, 1)$conf.int */
        SHARE(1, 1, ENK_CI_CLOPPER_PEARSON, 0.025000000000000022, 1);
        /* R 4.2.2: prop.test(1, 1, correct = FALSE)$conf.int */
        SHARE(1, 1, ENK_CI_WILSON, 0.2065493143772375, 1);
        /* R 4.2.2: prop.test(1, 1)$conf.int */
        SHARE(1, 1, ENK_CI_WILSON_CC, 0.054620755528852032, 1);
        /* R 4.2.2: binom.test(1, 2)$conf.int */
        SHARE(1, 2, ENK_CI_CLOPPER_PEARSON, 0.012579117093425058, 0.98742088290657493);
        /* R 4.2.2: prop.test(1, 2, correct = FALSE)$conf.int */
        SHARE(1, 2, ENK_CI_WILSON, 0.094531205734230739, 0.90546879426576921);
        /* R 4.2.2: binom.test(0, 2)$conf.int */
        SHARE(0, 2, ENK_CI_CLOPPER_PEARSON, 0, 0.841886116991581);
        /* R 4.2.2: prop.test(0, 2, correct = FALSE)$conf.int */
        SHARE(0, 2, ENK_CI_WILSON, 0, 0.6576197724933468);
        /* R 4.2.2: prop.test(0, 2)$conf.int */
        SHARE(0, 2, ENK_CI_WILSON_CC, 0, 0.80213254423768887);
        /* R 4.2.2: binom.test(0, 4)$conf.int */
        SHARE(0, 4, ENK_CI_CLOPPER_PEARSON, 0, 0.60236463561647458);
        /* R 4.2.2: prop.test(0, 4, correct = FALSE)$conf.int */
        SHARE(0, 4, ENK_CI_WILSON, 0, 0.48989083645459719);
        /* R 4.2.2: prop.test(0, 4)$conf.int */
        SHARE(0, 4, ENK_CI_WILSON_CC, 0, 0.60422696551722122);
        /* R 4.2.2: binom.test(4, 4)$conf.int */
        SHARE(4, 4, ENK_CI_CLOPPER_PEARSON, 0.39763536438352542, 1);
        /* R 4.2.2: prop.test(4, 4, correct = FALSE)$conf.int */
        SHARE(4, 4, ENK_CI_WILSON, 0.51010916354540281, 1);
        /* R 4.2.2: prop.test(4, 4)$conf.int */
        SHARE(4, 4, ENK_CI_WILSON_CC, 0.39577303448277867, 1);
        /* R 4.2.2: binom.test(1, 4)$conf.int */
        SHARE(1, 4, ENK_CI_CLOPPER_PEARSON, 0.0063094632097098697, 0.80587955031675662);
        /* R 4.2.2: prop.test(1, 4, correct = FALSE)$conf.int */
        SHARE(1, 4, ENK_CI_WILSON, 0.045587260809700589, 0.69935815741759799);
        /* R 4.2.2: prop.test(1, 4)$conf.int */
        SHARE(1, 4, ENK_CI_WILSON_CC, 0.013191161823726604, 0.7805734799346371);
        /* R 4.2.2: binom.test(0, 5)$conf.int */
        SHARE(0, 5, ENK_CI_CLOPPER_PEARSON, 0, 0.52182375010498139);
        /* R 4.2.2: prop.test(0, 5, correct = FALSE)$conf.int */
        SHARE(0, 5, ENK_CI_WILSON, 0, 0.43448246478317465);
        /* R 4.2.2: prop.test(0, 5)$conf.int */
        SHARE(0, 5, ENK_CI_WILSON_CC, 0, 0.53705601746752307);
        /* R 4.2.2: binom.test(5, 5)$conf.int */
        SHARE(5, 5, ENK_CI_CLOPPER_PEARSON, 0.47817624989501861, 1);
        /* R 4.2.2: prop.test(5, 5, correct = FALSE)$conf.int */
        SHARE(5, 5, ENK_CI_WILSON, 0.56551753521682535, 1);
        /* R 4.2.2: prop.test(5, 5)$conf.int */
        SHARE(5, 5, ENK_CI_WILSON_CC, 0.46294398253247682, 1);
        /* R 4.2.2: binom.test(2, 5)$conf.int */
        SHARE(2, 5, ENK_CI_CLOPPER_PEARSON, 0.052744950526316912, 0.85336720036532676);
        /* R 4.2.2: prop.test(2, 5, correct = FALSE)$conf.int */
        SHARE(2, 5, ENK_CI_WILSON, 0.11762077423264794, 0.76927571872398703);
        /* R 4.2.2: prop.test(2, 5)$conf.int */
        SHARE(2, 5, ENK_CI_WILSON_CC, 0.072584039985663429, 0.82957641935641213);
        /* R 4.2.2: binom.test(0, 30)$conf.int */
        SHARE(0, 30, ENK_CI_CLOPPER_PEARSON, 0, 0.11570330822202779);
        /* R 4.2.2: prop.test(0, 30, correct = FALSE)$conf.int */
        SHARE(0, 30, ENK_CI_WILSON, 0, 0.11351339317396873);
        /* R 4.2.2: prop.test(0, 30)$conf.int */
        SHARE(0, 30, ENK_CI_WILSON_CC, 0, 0.14132047968245157);
        /* R 4.2.2: binom.test(30, 30)$conf.int */
        SHARE(30, 30, ENK_CI_CLOPPER_PEARSON, 0.88429669177797221, 1);
        /* R 4.2.2: prop.test(30, 30, correct = FALSE)$conf.int */
        SHARE(30, 30, ENK_CI_WILSON, 0.88648660682603131, 1);
        /* R 4.2.2: prop.test(30, 30)$conf.int */
        SHARE(30, 30, ENK_CI_WILSON_CC, 0.85867952031754846, 1);
        /* R 4.2.2: binom.test(12, 40)$conf.int */
        SHARE(12, 40, ENK_CI_CLOPPER_PEARSON, 0.16562720439323556, 0.46531628525412339);
        /* R 4.2.2: prop.test(12, 40, correct = FALSE)$conf.int */
        SHARE(12, 40, ENK_CI_WILSON, 0.18074845229746531, 0.45430018818144935);
        /* R 4.2.2: prop.test(12, 40)$conf.int */
        SHARE(12, 40, ENK_CI_WILSON_CC, 0.17085900282593669, 0.46711322831123314);
        /* R 4.2.2: binom.test(29, 120)$conf.int */
        SHARE(29, 120, ENK_CI_CLOPPER_PEARSON, 0.16820856019806119, 0.32829232087301519);
        /* R 4.2.2: prop.test(29, 120, correct = FALSE)$conf.int */
        SHARE(29, 120, ENK_CI_WILSON, 0.17385841217535253, 0.32550149047431098);
        /* R 4.2.2: prop.test(29, 120)$conf.int */
        SHARE(29, 120, ENK_CI_WILSON_CC, 0.17025235952616952, 0.32996099395344153);
        /* R 4.2.2: binom.test(3, 10, conf.level = 0.9)$conf.int */
        SHARE_LEVEL(3, 10, ENK_CI_CLOPPER_PEARSON, 0.9, 0.087264433914150272, 0.60662421610541339);
        /* R 4.2.2: prop.test(13, 40, conf.level = 0.99, correct = FALSE)$conf.int */
        SHARE_LEVEL(13, 40, ENK_CI_WILSON, 0.99, 0.17148512426757484, 0.52831050046007977);
        /* GSL 2.7's gsl_cdf_beta_Pinv returns NaN for Beta(8, 284) at 0.975;
         * stats.c falls back to bisection. */
        /* R 4.2.2: binom.test(7, 291)$conf.int */
        SHARE(7, 291, ENK_CI_CLOPPER_PEARSON, 0.0097248176165920814, 0.0489322461627692551);
        /* R 4.2.2: binom.test(284, 291)$conf.int */
        SHARE(284, 291, ENK_CI_CLOPPER_PEARSON, 0.95106775383723074, 0.99027518238340795);
        /* At x = n/2 R's prop.test shrinks the correction to 0; Newcombe's
         * method 4 (and SciPy) keep 1/2, as we do. */
        /* SciPy 1.10.1: binomtest(1, 2).proportion_ci(0.95, method="wilsoncc") */
        SHARE(1, 2, ENK_CI_WILSON_CC, 0.026677342008984584, 0.9733226579910155);
        /* SciPy 1.10.1: binomtest(2, 4).proportion_ci(0.95, method="wilsoncc") */
        SHARE(2, 4, ENK_CI_WILSON_CC, 0.09189922917901211, 0.9081007708209878);
        /* SciPy 1.10.1: binomtest(3, 6).proportion_ci(0.95, method="wilsoncc") */
        SHARE(3, 6, ENK_CI_WILSON_CC, 0.1394672589656466, 0.8605327410343534);
        /* SciPy 1.10.1: binomtest(5, 10).proportion_ci(0.95, method="wilsoncc") */
        SHARE(5, 10, ENK_CI_WILSON_CC, 0.20142296959860723, 0.7985770304013928);
}

static void test_share_auto(void)
{
        enk_share s;
        /* n < 30: exact. */
        CHECK_INT(enk_stats_share(1, 29, ENK_CI_AUTO, 0.95, &s), ENK_OK);
        CHECK_INT(s.method, ENK_CI_CLOPPER_PEARSON);
        CHECK_NEAR(s.low, 0.0008726468835799228, TOL); /* R 4.2.2: binom.test(1, 29)$conf.int */
        CHECK_NEAR(s.high, 0.1776442954887228476, TOL);
        /* n >= 30, 0 < x < n: Wilson. */
        CHECK_INT(enk_stats_share(83, 86, ENK_CI_AUTO, 0.95, &s), ENK_OK);
        CHECK_INT(s.method, ENK_CI_WILSON);
        CHECK_NEAR(s.low, 0.90239128897439247,
                   TOL); /* R 4.2.2: prop.test(83, 86, correct = FALSE)$conf.int */
        CHECK_INT(enk_stats_share(29, 30, ENK_CI_AUTO, 0.95, &s), ENK_OK);
        CHECK_INT(s.method, ENK_CI_WILSON);
        CHECK_NEAR(s.low, 0.83329609008590833,
                   TOL); /* R 4.2.2: prop.test(29, 30, correct = FALSE)$conf.int */
        CHECK_NEAR(s.high, 0.99409140961838749, TOL);
        /* x == 0 or x == n at any n: exact. */
        CHECK_INT(enk_stats_share(0, 30, ENK_CI_AUTO, 0.95, &s), ENK_OK);
        CHECK_INT(s.method, ENK_CI_CLOPPER_PEARSON);
        CHECK_NEAR(s.high, 0.11570330822202779, TOL); /* R 4.2.2: binom.test(0, 30)$conf.int */
        CHECK_INT(enk_stats_share(30, 30, ENK_CI_AUTO, 0.95, &s), ENK_OK);
        CHECK_INT(s.method, ENK_CI_CLOPPER_PEARSON);
        CHECK_NEAR(s.low, 0.88429669177797221, TOL); /* R 4.2.2: binom.test(30, 30)$conf.int */
}

static void test_share_errors(void)
{
        enk_share s = {.x = -7};
        CHECK_INT(enk_stats_share(0, 0, ENK_CI_AUTO, 0.95, &s), ENK_ERR_MATH);
        CHECK_INT(s.x, -7); /* untouched on failure */
        CHECK_INT(enk_stats_share(3, 2, ENK_CI_AUTO, 0.95, &s), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_share(-1, 2, ENK_CI_AUTO, 0.95, &s), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_share(1, -2, ENK_CI_AUTO, 0.95, &s), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_share(1, 2, ENK_CI_AUTO, 1.0, &s), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_share(1, 2, ENK_CI_AUTO, 0.0, &s), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_share(1, 2, ENK_CI_AUTO, NAN, &s), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_share(1, 2, (enk_ci_method) 99, 0.95, &s), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_share(1, 2, ENK_CI_AUTO, 0.95, NULL), ENK_ERR_USAGE);
        CHECK_INT(s.x, -7);
}

/* Over every x of every n up to 300: bounds in [0, 1], ordered, holding
 * the share; exact at least as wide as Wilson at the ends; CC contains
 * plain Wilson. */
static void test_share_properties(void)
{
        int bad = 0;
        const enk_ci_method ms[] = {ENK_CI_AUTO, ENK_CI_WILSON, ENK_CI_WILSON_CC,
                                    ENK_CI_CLOPPER_PEARSON};
        for (int64_t n = 1; n <= 300; n += (n < 60 ? 1 : 7))
                for (int64_t x = 0; x <= n; x++) {
                        enk_share s[4];
                        for (int i = 0; i < 4; i++) {
                                if (enk_stats_share(x, n, ms[i], 0.95, &s[i]) != ENK_OK) {
                                        bad++;
                                        continue;
                                }
                                if (!(s[i].low >= 0 && s[i].low <= s[i].share &&
                                      s[i].share <= s[i].high && s[i].high <= 1 &&
                                      s[i].low < s[i].high))
                                        bad++;
                        }
                        if (!(s[2].low <= s[1].low + 1e-15 && s[2].high >= s[1].high - 1e-15))
                                bad++;
                        if ((x == 0 && s[3].low != 0) || (x == n && s[3].high != 1))
                                bad++;
                }
        CHECK_INT(bad, 0);
}

/* ---------------------------------------------------------------------------
 * Figure 4: mean, sd, index
 * ------------------------------------------------------------------------- */

static void test_mean(void)
{
        /* statistics.md: SCB's 1-10 scale, mean 7.5 → index 72.2. */
        CHECK_NEAR(enk_stats_index(7.5, 1, 10), 72.222222222222214,
                   TOL); /* R 4.2.2: (7.5 - 1) / 9 * 100 */
        CHECK(isnan(enk_stats_index(3, 5, 5)));
        CHECK(isnan(enk_stats_index(NAN, 1, 5)));

        static const int64_t c1[] = {1, 2, 3, 4, 5};
        /* R 4.2.2: v <- rep(1:5, c(1, 2, 3, 4, 5)); c(mean(v), sd(v), t.test(v)$conf.int)
         * and (c(mean(v), t.test(v)$conf.int) - 1) / 4 * 100 */
        mean_case(__LINE__, c1, 5, 3.6666666666666665, 1.2909944487358056, 2.9517377706940651,
                  4.3815955626392684, 66.666666666666657, 48.793444267351624, 84.539889065981711);
        static const int64_t c2[] = {0, 1, 0, 2, 3, 5, 8, 6, 4, 2};
        /* R 4.2.2: v <- rep(1:10, c(0, 1, 0, 2, 3, 5, 8, 6, 4, 2)); c(mean(v), sd(v),
         * t.test(v)$conf.int) and (c(mean(v), t.test(v)$conf.int) - 1) / 9 * 100 */
        mean_case(__LINE__, c2, 10, 6.935483870967742, 1.8245635801649982, 6.2662285466193275,
                  7.6047391953161565, 65.949820788530474, 58.513650517992531, 73.385991059068402);
        static const int64_t c3[] = {0, 0, 0, 1, 1};
        /* R 4.2.2: v <- c(4, 5); c(mean(v), sd(v), t.test(v)$conf.int); index clamped
         * from (c(mean(v), t.test(v)$conf.int) - 1) / 4 * 100 = 87.5, -71.33, 246.3 */
        mean_case(__LINE__, c3, 5, 4.5, 0.70710678118654757, -1.8531023680873471,
                  10.853102368087347, 87.5, -71.327559202183679, 246.32755920218366);
        static const int64_t c4[] = {2, 1, 0, 0, 0};
        /* R 4.2.2: v <- c(1, 1, 2); c(mean(v), sd(v), t.test(v)$conf.int)
         * and (c(mean(v), t.test(v)$conf.int) - 1) / 4 * 100 */
        mean_case(__LINE__, c4, 5, 1.3333333333333333, 0.57735026918962573, -0.10088424324982062,
                  2.767550909916487, 8.3333333333333321, -27.522106081245518, 44.188772747912175);

        /* n = 1: mean and index, no sd or interval. */
        static const int64_t one[] = {0, 0, 1, 0, 0};
        enk_mean m;
        CHECK_INT(enk_stats_mean_counts(one, NULL, 5, 0.95, &m), ENK_OK);
        CHECK_NEAR(m.mean, 3, TOL);
        CHECK_NEAR(m.index, 50, TOL);
        CHECK(isnan(m.sd) && isnan(m.low) && isnan(m.high) && isnan(m.index_low));
        /* All equal: sd 0, interval collapses to the mean. */
        static const int64_t same[] = {0, 0, 0, 7, 0};
        CHECK_INT(enk_stats_mean_counts(same, NULL, 5, 0.95, &m), ENK_OK);
        CHECK_NEAR(m.sd, 0, TOL);
        CHECK_NEAR(m.low, 4, TOL);
        CHECK_NEAR(m.index_high, 75, TOL);
        /* Points given explicitly, out of order: ends are min and max. */
        static const double pts[] = {10, 0, 5};
        static const int64_t cp[] = {1, 1, 2};
        CHECK_INT(enk_stats_mean_counts(cp, pts, 3, 0.95, &m), ENK_OK);
        CHECK_NEAR(m.mean, 5, TOL);
        CHECK_NEAR(m.lowest, 0, TOL);
        CHECK_NEAR(m.highest, 10, TOL);
        CHECK_NEAR(m.index, 50, TOL);

        static const int64_t zero[] = {0, 0, 0};
        static const int64_t neg[] = {1, -1, 3};
        static const double dup[] = {1, 2, 2};
        CHECK_INT(enk_stats_mean_counts(zero, NULL, 3, 0.95, &m), ENK_ERR_MATH);
        CHECK_INT(enk_stats_mean_counts(neg, NULL, 3, 0.95, &m), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_mean_counts(cp, dup, 3, 0.95, &m), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_mean_counts(cp, NULL, 1, 0.95, &m), ENK_ERR_USAGE);
        double v[] = {1, 2};
        CHECK_INT(enk_stats_mean(v, 0, 1, 5, 0.95, &m), ENK_ERR_MATH);
        CHECK_INT(enk_stats_mean(v, 2, 5, 1, 0.95, &m), ENK_ERR_USAGE);
        v[1] = NAN;
        CHECK_INT(enk_stats_mean(v, 2, 1, 5, 0.95, &m), ENK_ERR_USAGE);
}

static void test_item(void)
{
        static const int64_t counts[] = {1, 2, 3, 4, 5};
        static const bool pos[] = {false, false, false, true, true};
        enk_item it;
        CHECK_INT(enk_stats_item(counts, NULL, pos, 5, 4, 0, &it), ENK_OK);
        CHECK_INT(it.n, 15);
        CHECK_INT(it.positive, 9);
        CHECK_INT(it.na, 4);
        CHECK_INT(it.share.method, ENK_CI_CLOPPER_PEARSON); /* n < 30 */
        CHECK_NEAR(it.share.share, 0.6, TOL);
        CHECK_NEAR(it.share.low, 0.32286976620628161,
                   TOL); /* R 4.2.2: binom.test(9, 15)$conf.int */
        CHECK_NEAR(it.share.high, 0.83663567614048651, TOL);
        CHECK_NEAR(it.mean.mean, 3.6666666666666665,
                   TOL); /* R 4.2.2: mean(rep(1:5, c(1, 2, 3, 4, 5))) */
        CHECK_NEAR(
            it.mean.index_low, 48.793444267351624,
            TOL); /* R 4.2.2: (t.test(rep(1:5, c(1, 2, 3, 4, 5)))$conf.int[1] - 1) / 4 * 100 */
        CHECK(!it.suppressed);
        CHECK(it.low_precision);     /* 15 < 20 */
        CHECK(it.hide_distribution); /* small group with cells of 1-4 */

        static const int64_t few[] = {0, 1, 0, 2, 1};
        CHECK_INT(enk_stats_item(few, NULL, pos, 5, 0, 0, &it), ENK_OK);
        CHECK(it.suppressed); /* 4 < 5 */
        CHECK_INT(enk_stats_item(few, NULL, pos, 5, 0, 3, &it), ENK_OK);
        CHECK(!it.suppressed); /* 4 >= 3 */

        static const int64_t none[] = {0, 0, 0, 0, 0};
        CHECK_INT(enk_stats_item(none, NULL, pos, 5, 3, 0, &it), ENK_OK);
        CHECK_INT(it.n, 0);
        CHECK(isnan(it.share.share) && isnan(it.share.low) && isnan(it.mean.mean));
        CHECK(isnan(it.mean.index_high));
        CHECK(it.suppressed);
        CHECK(!it.low_precision);
        CHECK_INT(enk_stats_item(none, NULL, pos, 5, -1, 0, &it), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_item(none, NULL, NULL, 5, 0, 0, &it), ENK_ERR_USAGE);

        CHECK_NEAR(enk_stats_response_rate(43, 86), 0.5, TOL);
        CHECK(isnan(enk_stats_response_rate(3, 0)));
        CHECK(isnan(enk_stats_response_rate(-1, 5)));
        double sh[5];
        CHECK_INT(enk_stats_distribution(counts, 5, sh), ENK_OK);
        CHECK_NEAR(sh[4], 5.0 / 15.0, TOL);
        CHECK_INT(enk_stats_distribution(none, 5, sh), ENK_ERR_MATH);
}

/* ---------------------------------------------------------------------------
 * Figures 5 and 9: changes
 * ------------------------------------------------------------------------- */

static void test_diff(void)
{
        /* statistics.md: Newcombe (1998, Stat Med 17:873-890, table II),
         * 56/70 − 48/80 = [0.0524, 0.3339]. */
        enk_diff d;
        CHECK_INT(enk_stats_diff(56, 70, 48, 80, 0.95, &d), ENK_OK);
        CHECK_NEAR(d.low, 0.0524, 0.5e-4 / 0.0524);
        CHECK_NEAR(d.high, 0.3339, 0.5e-4 / 0.3339);

        /* statsmodels 0.13.5: confint_proportions_2indep(56, 70, 48, 80, method="newcomb",
         * compare="diff") */
        NEWCOMBE(56, 70, 48, 80, 0.05243147240236498, 0.33387265403690614);
        /* statsmodels 0.13.5: confint_proportions_2indep(0, 10, 0, 20, method="newcomb",
         * compare="diff") */
        NEWCOMBE(0, 10, 0, 20, -0.1611251580528194, 0.27753279986288926);
        /* statsmodels 0.13.5: confint_proportions_2indep(0, 15, 5, 15, method="newcomb",
         * compare="diff") */
        NEWCOMBE(0, 15, 5, 15, -0.5828645226148023, -0.06032033430660377);
        /* statsmodels 0.13.5: confint_proportions_2indep(83, 86, 70, 82, method="newcomb",
         * compare="diff") */
        NEWCOMBE(83, 86, 70, 82, 0.024240971450704835, 0.206522265730667);
        /* statsmodels 0.13.5: confint_proportions_2indep(5, 5, 1, 4, method="newcomb",
         * compare="diff") */
        NEWCOMBE(5, 5, 1, 4, 0.12494179003727846, 0.9544127391902995);
        /* statsmodels 0.13.5: confint_proportions_2indep(0, 5, 3, 4, method="newcomb",
         * compare="diff") */
        NEWCOMBE(0, 5, 3, 4, -0.9544127391902995, -0.12494179003727846);
        /* statsmodels 0.13.5: confint_proportions_2indep(1, 1, 0, 1, method="newcomb",
         * compare="diff") */
        NEWCOMBE(1, 1, 0, 1, -0.12210872068194178, 1.0);
        /* statsmodels 0.13.5: confint_proportions_2indep(10, 10, 0, 20, method="newcomb",
         * compare="diff") */
        NEWCOMBE(10, 10, 0, 20, 0.6790860371419145, 1.0);
        /* statsmodels 0.13.5: confint_proportions_2indep(9, 10, 3, 10, method="newcomb",
         * compare="diff") */
        NEWCOMBE(9, 10, 3, 10, 0.1705227239345029, 0.809017973535488);

        /* The whole result: the z-test where expected counts allow. */
        CHECK_INT(enk_stats_diff(83, 86, 70, 82, 0.95, &d), ENK_OK);
        CHECK(!d.fisher);
        CHECK(d.significant);
        CHECK_NEAR(d.z * d.z, 6.4129725401221176,
                   TOL); /* R 4.2.2: prop.test(c(83, 70), c(86, 82), correct = FALSE)$statistic */
        CHECK_NEAR(d.p, 0.011328960424687553,
                   TOL); /* R 4.2.2: prop.test(c(83, 70), c(86, 82), correct = FALSE)$p.value */
        CHECK_NEAR(d.cohen_h, 0.40935045515675128,
                   TOL); /* R 4.2.2: 2 * asin(sqrt(83/86)) - 2 * asin(sqrt(70/82)) */
        /* Fisher where an expected count is below 5. */
        CHECK_INT(enk_stats_diff(5, 5, 1, 4, 0.95, &d), ENK_OK);
        CHECK(d.fisher);
        CHECK(isnan(d.z));
        CHECK(d.significant);
        CHECK_NEAR(d.p, 0.047619047619047609,
                   TOL); /* R 4.2.2: fisher.test(matrix(c(5, 1, 0, 3), 2))$p.value */
        /* Nothing positive in either year: no change, p = 1. */
        CHECK_INT(enk_stats_diff(0, 10, 0, 20, 0.95, &d), ENK_OK);
        CHECK(d.fisher);
        CHECK(!d.significant);
        CHECK_NEAR(d.p, 1, TOL); /* R 4.2.2: fisher.test(matrix(c(0, 0, 10, 20), 2))$p.value */
        CHECK_NEAR(d.cohen_h, 0, TOL);
        CHECK_INT(enk_stats_diff(12, 30, 5, 28, 0.95, &d), ENK_OK);
        CHECK(!d.fisher); /* expected counts 8.8, 8.2, 21.2, 19.8 */
        CHECK_NEAR(d.p, 0.064130017595645378,
                   TOL); /* R 4.2.2: prop.test(c(12, 5), c(30, 28), correct = FALSE)$p.value */

        CHECK_INT(enk_stats_diff(1, 0, 1, 2, 0.95, &d), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_diff(0, 0, 1, 2, 0.95, &d), ENK_ERR_MATH);
        CHECK_INT(enk_stats_diff(1, 2, 0, 0, 0.95, &d), ENK_ERR_MATH);

        /* R 4.2.2: prop.test(c(83, 70), c(86, 82), correct = FALSE)[c("statistic", "p.value")] */
        ZTEST(83, 86, 70, 82, 6.4129725401221176, 0.011328960424687553);
        /* R 4.2.2: prop.test(c(56, 48), c(70, 80), correct = FALSE)[c("statistic", "p.value")] */
        ZTEST(56, 70, 48, 80, 7.0234113712374597, 0.0080450813681965643);
        /* R 4.2.2: prop.test(c(20, 31), c(40, 45), correct = FALSE)[c("statistic", "p.value")] */
        ZTEST(20, 40, 31, 45, 3.1481481481481479, 0.076013183802997847);
        /* R 4.2.2: prop.test(c(12, 5), c(30, 28), correct = FALSE)[c("statistic", "p.value")] */
        ZTEST(12, 30, 5, 28, 3.4272186923549905, 0.064130017595645378);
        double z, p;
        CHECK_INT(enk_stats_two_prop_z(0, 5, 0, 7, ENK_ALT_TWO_SIDED, &z, &p), ENK_ERR_MATH);
        CHECK_INT(enk_stats_two_prop_z(5, 5, 7, 7, ENK_ALT_TWO_SIDED, &z, &p), ENK_ERR_MATH);
        /* One-sided halves of the two-sided p (z > 0 here). */
        CHECK_INT(enk_stats_two_prop_z(83, 86, 70, 82, ENK_ALT_GREATER, &z, &p), ENK_OK);
        CHECK_NEAR(p, 0.011328960424687553 / 2,
                   TOL); /* R 4.2.2: prop.test(c(83, 70), c(86, 82), correct = FALSE)$p.value / 2 */

        /* R 4.2.2: 2 * asin(sqrt(83/86)) - 2 * asin(sqrt(70/82)) */
        COHEN(83, 86, 70, 82, 0.40935045515675128);
        /* R 4.2.2: 2 * asin(sqrt(0/5)) - 2 * asin(sqrt(5/5)) */
        COHEN(0, 5, 5, 5, -3.1415926535897931);
        /* R 4.2.2: 2 * asin(sqrt(1/4)) - 2 * asin(sqrt(1/2)) */
        COHEN(1, 4, 1, 2, -0.52359877559829893);
        CHECK(isnan(enk_stats_cohen_h(1.5, 0.2)));
}

static void test_fisher(void)
{
        /* statistics.md: TeaTasting of ?fisher.test. */
        /* R 4.2.2: fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "two.sided")$p.value */
        FISHER(3, 1, 1, 3, ENK_ALT_TWO_SIDED, 0.48571428571428582);
        /* R 4.2.2: fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "greater")$p.value */
        FISHER(3, 1, 1, 3, ENK_ALT_GREATER, 0.24285714285714288);
        /* R 4.2.2: fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "less")$p.value */
        FISHER(3, 1, 1, 3, ENK_ALT_LESS, 0.98571428571428577);
        /* Our tables are rows [a b; c d]; R's matrix() fills by column. */
        /* R 4.2.2: fisher.test(matrix(c(5, 1, 0, 3), 2), alternative = "two.sided")$p.value */
        FISHER(5, 0, 1, 3, ENK_ALT_TWO_SIDED, 0.047619047619047609);
        /* R 4.2.2: fisher.test(matrix(c(5, 1, 0, 3), 2), alternative = "greater")$p.value */
        FISHER(5, 0, 1, 3, ENK_ALT_GREATER, 0.047619047619047582);
        /* R 4.2.2: fisher.test(matrix(c(5, 1, 0, 3), 2), alternative = "less")$p.value */
        FISHER(5, 0, 1, 3, ENK_ALT_LESS, 1);
        /* R 4.2.2: fisher.test(matrix(c(0, 0, 5, 10), 2), alternative = "two.sided")$p.value */
        FISHER(0, 5, 0, 10, ENK_ALT_TWO_SIDED, 1);
        /* R 4.2.2: fisher.test(matrix(c(0, 0, 5, 10), 2), alternative = "greater")$p.value */
        FISHER(0, 5, 0, 10, ENK_ALT_GREATER, 1);
        /* R 4.2.2: fisher.test(matrix(c(0, 0, 5, 10), 2), alternative = "less")$p.value */
        FISHER(0, 5, 0, 10, ENK_ALT_LESS, 1);
        /* R 4.2.2: fisher.test(matrix(c(1, 11, 9, 3), 2), alternative = "two.sided")$p.value */
        FISHER(1, 9, 11, 3, ENK_ALT_TWO_SIDED, 0.0027594561852200836);
        /* R 4.2.2: fisher.test(matrix(c(1, 11, 9, 3), 2), alternative = "greater")$p.value */
        FISHER(1, 9, 11, 3, ENK_ALT_GREATER, 0.99996634809530227);
        /* R 4.2.2: fisher.test(matrix(c(1, 11, 9, 3), 2), alternative = "less")$p.value */
        FISHER(1, 9, 11, 3, ENK_ALT_LESS, 0.0013797280926100422);
        /* R 4.2.2: fisher.test(matrix(c(2, 4, 3, 0), 2), alternative = "two.sided")$p.value */
        FISHER(2, 3, 4, 0, ENK_ALT_TWO_SIDED, 0.16666666666666671);
        /* R 4.2.2: fisher.test(matrix(c(2, 4, 3, 0), 2), alternative = "greater")$p.value */
        FISHER(2, 3, 4, 0, ENK_ALT_GREATER, 1);
        /* R 4.2.2: fisher.test(matrix(c(2, 4, 3, 0), 2), alternative = "less")$p.value */
        FISHER(2, 3, 4, 0, ENK_ALT_LESS, 0.11904761904761908);
        /* R 4.2.2: fisher.test(matrix(c(83, 70, 3, 12), 2), alternative = "two.sided")$p.value */
        FISHER(83, 3, 70, 12, ENK_ALT_TWO_SIDED, 0.014117718708508678);
        /* R 4.2.2: fisher.test(matrix(c(83, 70, 3, 12), 2), alternative = "greater")$p.value */
        FISHER(83, 3, 70, 12, ENK_ALT_GREATER, 0.010706443371955681);
        /* R 4.2.2: fisher.test(matrix(c(83, 70, 3, 12), 2), alternative = "less")$p.value */
        FISHER(83, 3, 70, 12, ENK_ALT_LESS, 0.99809975827633535);
        /* R 4.2.2: fisher.test(matrix(c(0, 0, 0, 0), 2), alternative = "two.sided")$p.value */
        FISHER(0, 0, 0, 0, ENK_ALT_TWO_SIDED, 1);
        /* R 4.2.2: fisher.test(matrix(c(0, 0, 0, 0), 2), alternative = "greater")$p.value */
        FISHER(0, 0, 0, 0, ENK_ALT_GREATER, 1);
        /* R 4.2.2: fisher.test(matrix(c(0, 0, 0, 0), 2), alternative = "less")$p.value */
        FISHER(0, 0, 0, 0, ENK_ALT_LESS, 1);
        /* R 4.2.2: fisher.test(matrix(c(10, 30, 20, 40), 2), alternative = "two.sided")$p.value */
        FISHER(10, 20, 30, 40, ENK_ALT_TWO_SIDED, 0.50447576985162823);
        /* R 4.2.2: fisher.test(matrix(c(10, 30, 20, 40), 2), alternative = "greater")$p.value */
        FISHER(10, 20, 30, 40, ENK_ALT_GREATER, 0.86764196478944156);
        /* R 4.2.2: fisher.test(matrix(c(10, 30, 20, 40), 2), alternative = "less")$p.value */
        FISHER(10, 20, 30, 40, ENK_ALT_LESS, 0.25333107136175576);
        double p;
        CHECK_INT(enk_stats_fisher_2x2(-1, 0, 0, 0, ENK_ALT_TWO_SIDED, &p), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_fisher_2x2(1, 0, 0, 0, (enk_alt) 9, &p), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_fisher_2x2(INT64_C(5000000000), 0, 0, 0, ENK_ALT_TWO_SIDED, &p),
                  ENK_ERR_USAGE);
}

/* ---------------------------------------------------------------------------
 * Figure 6: trend
 * ------------------------------------------------------------------------- */

static void test_trend(void)
{
        static const int64_t sx[] = {83, 90, 129, 70}, sn[] = {86, 93, 136, 82};
        double chisq, p;
        /* statistics.md: R 4.2.2: prop.trend.test(c(83,90,129,70), c(86,93,136,82)) */
        CHECK_INT(enk_stats_trend_test(sx, sn, NULL, 4, &chisq, &p), ENK_OK);
        CHECK_NEAR(chisq, 8.224922285197710181, TOL);
        CHECK_NEAR(p, 0.004131897477641487, TOL);
        /* statistics.md: R 4.2.2: prop.trend.test(c(83,90,129,70), c(86,93,136,82), c(0,0,0,1)) */
        static const double s0001[] = {0, 0, 0, 1};
        CHECK_INT(enk_stats_trend_test(sx, sn, s0001, 4, &chisq, &p), ENK_OK);
        CHECK_NEAR(chisq, 12.173146220740252, TOL);
        CHECK_NEAR(p, 4.8482459344167451e-04, TOL);

        static const int64_t ax[] = {3, 5, 9}, an[] = {10, 12, 15};
        static const double ay[] = {2019, 2021, 2025};
        CHECK_INT(enk_stats_trend_test(ax, an, ay, 3, &chisq, &p), ENK_OK);
        /* R 4.2.2: prop.trend.test(c(3, 5, 9), c(10, 12, 15), c(2019, 2021, 2025)) */
        CHECK_NEAR(chisq, 2.2969715283373864, TOL);
        CHECK_NEAR(p, 0.12962652299337979, TOL);
        static const int64_t bx[] = {1, 0, 4, 2}, bn[] = {2, 1, 5, 4};
        static const double by[] = {2018, 2019, 2020, 2021};
        CHECK_INT(enk_stats_trend_test(bx, bn, by, 4, &chisq, &p), ENK_OK);
        /* R 4.2.2: prop.trend.test(c(1, 0, 4, 2), c(2, 1, 5, 4), c(2018, 2019, 2020, 2021)) */
        CHECK_NEAR(chisq, 0.1083870967740541, 1e-8); /* R's own lm() loses digits here */
        CHECK_NEAR(p, 0.74198792810698355, TOL);
        static const int64_t cx[] = {40, 35, 30, 28, 20}, cn[] = {50, 48, 52, 47, 41};
        static const double cy[] = {2016, 2017, 2019, 2020, 2023};
        CHECK_INT(enk_stats_trend_test(cx, cn, cy, 5, &chisq, &p), ENK_OK);
        /* R 4.2.2: prop.trend.test(c(40, 35, 30, 28, 20), c(50, 48, 52, 47, 41), c(2016, 2017,
         * 2019, 2020, 2023)) */
        CHECK_NEAR(chisq, 11.50854327491848, TOL);
        CHECK_NEAR(p, 0.00069277047580983012, TOL);

        enk_slope sl;
        /* R 4.2.2: y <- 100 * c(3, 5, 9) / c(10, 12, 15); yr <- c(2019, 2021, 2025);
         * summary(lm(y ~ yr))$coef: slope, its se, its p; intercept */
        CHECK_INT(enk_stats_slope(ax, an, ay, 3, false, &sl), ENK_OK);
        CHECK_INT(sl.years, 3);
        CHECK_NEAR(sl.slope_pp, 4.9404761904763355, TOL);
        CHECK_NEAR(sl.se_pp, 0.30929478706601371, TOL);
        CHECK_NEAR(sl.p, 0.039803155052754745, TOL);
        CHECK_NEAR(sl.intercept_pp, -9944.1071428574323, TOL);
        /* R 4.2.2: the same with lm(y ~ yr, weights = c(10, 12, 15)) */
        CHECK_INT(enk_stats_slope(ax, an, ay, 3, true, &sl), ENK_OK);
        CHECK_NEAR(sl.slope_pp, 4.9086757990866703, TOL);
        CHECK_NEAR(sl.se_pp, 0.29460018037805608, TOL);
        CHECK_NEAR(sl.p, 0.03816173916613147, TOL);
        CHECK_NEAR(sl.intercept_pp, -9879.7945205477681, TOL);
        /* R 4.2.2: y <- 100 * c(40, 35, 30, 28, 20) / c(50, 48, 52, 47, 41);
         * yr <- c(2016, 2017, 2019, 2020, 2023); summary(lm(y ~ yr))$coef */
        CHECK_INT(enk_stats_slope(cx, cn, cy, 5, false, &sl), ENK_OK);
        CHECK_NEAR(sl.slope_pp, -4.3712304676236124, TOL);
        CHECK_NEAR(sl.se_pp, 0.76788633954844743, TOL);
        CHECK_NEAR(sl.p, 0.010747082309045851, TOL);
        CHECK_NEAR(sl.intercept_pp, 8889.3071001818626, TOL);
        /* R 4.2.2: the same with lm(y ~ yr, weights = c(50, 48, 52, 47, 41)) */
        CHECK_INT(enk_stats_slope(cx, cn, cy, 5, true, &sl), ENK_OK);
        CHECK_NEAR(sl.slope_pp, -4.4407858632422741, TOL);
        CHECK_NEAR(sl.se_pp, 0.81358646845067628, TOL);
        CHECK_NEAR(sl.p, 0.012082715442863198, TOL);
        CHECK_NEAR(sl.intercept_pp, 9029.5793154272706, TOL);

        /* A year without answers is left out: the same as the 3-year case. */
        static const int64_t gx[] = {3, 0, 5, 9}, gn[] = {10, 0, 12, 15};
        static const double gy[] = {2019, 2020, 2021, 2025};
        enk_trend t;
        CHECK_INT(enk_stats_trend(gx, gn, gy, 4, false, &t), ENK_OK);
        CHECK_INT(t.slope.years, 3);
        CHECK_NEAR(t.slope.slope_pp, 4.9404761904763355, TOL); /* R 4.2.2: as above, lm(y ~ yr) */
        CHECK_NEAR(
            t.chisq, 2.2969715283373864,
            TOL); /* R 4.2.2: prop.trend.test(c(3, 5, 9), c(10, 12, 15), c(2019, 2021, 2025)) */

        /* Two years: a slope, no p. */
        static const int64_t tx[] = {3, 5}, tn[] = {10, 10};
        static const double ty[] = {2020, 2022};
        CHECK_INT(enk_stats_trend(tx, tn, ty, 2, false, &t), ENK_OK);
        CHECK_NEAR(t.slope.slope_pp, 10,
                   TOL); /* R 4.2.2: coef(lm(100 * c(3, 5) / c(10, 10) ~ c(2020, 2022)))[2] */
        CHECK(isnan(t.slope.p) && isnan(t.slope.se_pp));
        CHECK(!isnan(t.p));
        /* Every share 0: a flat slope, no Cochran-Armitage. */
        static const int64_t zx[] = {0, 0, 0}, zn[] = {4, 5, 6};
        CHECK_INT(enk_stats_trend(zx, zn, ay, 3, true, &t), ENK_OK);
        CHECK_NEAR(t.slope.slope_pp, 0, TOL);
        CHECK_NEAR(t.slope.p, 1, TOL);
        CHECK(isnan(t.chisq) && isnan(t.p));
        /* Single year: no trend. */
        CHECK_INT(enk_stats_trend(tx, tn, ty, 1, false, &t), ENK_ERR_MATH);
        CHECK_INT(enk_stats_trend(gx, gn, gy, 2, false, &t), ENK_ERR_MATH);
        static const double same[] = {2020, 2020};
        CHECK_INT(enk_stats_trend(tx, tn, same, 2, false, &t), ENK_ERR_MATH);
        CHECK_INT(enk_stats_trend_test(tx, tn, same, 2, &chisq, &p), ENK_ERR_MATH);
        static const int64_t badx[] = {11, 5};
        CHECK_INT(enk_stats_trend(badx, tn, ty, 2, false, &t), ENK_ERR_USAGE);

        /* The slope alone, and the trend without the slope's t test, give the
         * same numbers (the figures table's calls). */
        double spp = -1;
        /* R 4.2.2: coef(lm(100 * c(40, 35, 30, 28, 20) / c(50, 48, 52, 47, 41) ~
         * c(2016, 2017, 2019, 2020, 2023)))[2] */
        CHECK_INT(enk_stats_slope_pp(cx, cn, cy, 5, &spp), ENK_OK);
        CHECK_NEAR(spp, -4.3712304676236124, TOL);
        CHECK_INT(enk_stats_slope(cx, cn, cy, 5, false, &sl), ENK_OK);
        CHECK(spp == sl.slope_pp);
        spp = -1;
        CHECK_INT(enk_stats_slope_pp(tx, tn, ty, 1, &spp), ENK_ERR_MATH);
        CHECK_INT(enk_stats_slope_pp(badx, tn, ty, 2, &spp), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_slope_pp(tx, tn, ty, 2, NULL), ENK_ERR_USAGE);
        CHECK(spp == -1); /* written only on success */
        enk_trend tp;
        CHECK_INT(enk_stats_trend_pp(gx, gn, gy, 4, &tp), ENK_OK);
        CHECK_INT(enk_stats_trend(gx, gn, gy, 4, false, &t), ENK_OK);
        CHECK_NEAR(tp.slope.slope_pp, 4.9404761904763355, TOL); /* R 4.2.2: as above */
        /* R 4.2.2: prop.trend.test(c(3, 5, 9), c(10, 12, 15), c(2019, 2021, 2025)) */
        CHECK_NEAR(tp.chisq, 2.2969715283373864, TOL);
        CHECK(tp.slope.slope_pp == t.slope.slope_pp && tp.chisq == t.chisq && tp.p == t.p);
        CHECK(isnan(tp.slope.p) && isnan(tp.slope.se_pp));
        CHECK_INT(enk_stats_trend_pp(zx, zn, ay, 3, &tp), ENK_OK);
        CHECK(isnan(tp.chisq) && isnan(tp.p));
        CHECK_INT(enk_stats_trend_pp(tx, tn, ty, 1, &tp), ENK_ERR_MATH);
}

/* ---------------------------------------------------------------------------
 * Pooled shares (an area): the answers clustered in respondents
 * ------------------------------------------------------------------------- */

/* Three years of respondents, x positive of m answers each (tests/unit/test_stats.c's
 * data in R: a, b, cc below). */
static const int64_t pool_x[3][12] = {{3, 2, 3, 1, 0, 3, 2, 3, 3, 2, 1, 3},
                                      {2, 1, 3, 0, 1, 2, 2, 1, 3, 2},
                                      {3, 3, 3, 2, 3, 1, 3, 3, 2}};
static const int64_t pool_m[3][12] = {{3, 3, 3, 2, 1, 3, 3, 3, 3, 2, 2, 3},
                                      {3, 3, 3, 2, 2, 3, 3, 2, 3, 3},
                                      {3, 3, 3, 3, 3, 2, 3, 3, 2}};
static const size_t pool_n[3] = {12, 10, 9};

static void test_pooled(void)
{
        enk_pooled g[3] = {0};
        for (size_t y = 0; y < 3; y++)
                for (size_t i = 0; i < pool_n[y]; i++)
                        enk_stats_pooled_add(&g[y], pool_x[y][i], pool_m[y][i]);
        enk_stats_pooled_add(&g[0], 0, 0); /* no answers: not a respondent of the area */
        CHECK_INT(g[0].respondents, 12);
        /* R 4.2.2, survey 4.1-1:
         *   a <- data.frame(x = c(3,2,3,1,0,3,2,3,3,2,1,3), m = c(3,3,3,2,1,3,3,3,3,2,2,3))
         *   b <- data.frame(x = c(2,1,3,0,1,2,2,1,3,2), m = c(3,3,3,2,2,3,3,2,3,3))
         *   ra <- svyratio(~x, ~m, svydesign(ids = ~1, data = a)); coef(ra); SE(ra)^2 */
        double v = NAN;
        CHECK_INT(enk_stats_pooled_var(&g[0], &v), ENK_OK);
        CHECK_NEAR(v, 0.00415799965566565, 1e-12);
        /* rb <- svyratio(~x, ~m, svydesign(ids = ~1, data = b)); SE(rb) */
        CHECK_INT(enk_stats_pooled_var(&g[1], &v), ENK_OK);
        CHECK_NEAR(sqrt(v), 0.0875482455392492, 1e-12);
        /* d <- coef(ra) - coef(rb); se <- sqrt(SE(ra)^2 + SE(rb)^2)
         * d - qnorm(0.975) * se; d + qnorm(0.975) * se; 2 * pnorm(-abs(d / se)) */
        enk_diff d;
        CHECK_INT(enk_stats_pooled_diff(&g[0], &g[1], 0.95, &d), ENK_OK);
        CHECK_NEAR(d.pa, 0.838709677419355, 1e-12);
        CHECK_NEAR(d.pb, 0.62962962962963, 1e-12);
        CHECK_NEAR(d.diff, 0.209080047789725, 1e-12);
        CHECK_NEAR(d.low, -0.00403118093906779, 1e-9);
        CHECK_NEAR(d.high, 0.422191276518518, 1e-9);
        CHECK_NEAR(d.z, 1.9228895914972, 1e-9);
        CHECK_NEAR(d.p, 0.0544939172121624, 1e-9);
        CHECK(!d.significant && !d.fisher);
        /* every answer one respondent's answer to one question: the linearized
         * variance is p(1 − p)/(n − 1) */
        enk_pooled one = {0};
        for (int i = 0; i < 10; i++)
                enk_stats_pooled_add(&one, i < 7, 1);
        CHECK_INT(enk_stats_pooled_var(&one, &v), ENK_OK);
        CHECK_NEAR(v, 0.7 * 0.3 / 9.0, 1e-15);
        /* the total less a group is the other groups */
        enk_pooled t = g[0];
        enk_stats_pooled_sum(&t, &g[1], 1);
        enk_stats_pooled_sum(&t, &g[0], -1);
        CHECK_INT(t.respondents, g[1].respondents);
        CHECK_NEAR(t.xm, g[1].xm, 1e-12);
        /*   all <- rbind(cbind(a, year = 2023), cbind(b, year = 2024), cbind(cc, year = 2025))
         *   (cc <- data.frame(x = c(3,3,3,2,3,1,3,3,2), m = c(3,3,3,3,3,2,3,3,2)))
         *   answers: one row per answer, y 1 for each of the x positive ones, id the respondent
         *   fit <- lm(y ~ I(year - 2024), answers)
         *   se <- sqrt(sandwich::vcovCL(fit, cluster = ~id, type = "HC0")[2, 2])
         *   100 * coef(fit)[2]; 2 * pnorm(-abs(coef(fit)[2] / se)) (sandwich 3.0-2)
         * (the years centred: lm(y ~ year) loses digits to the years' size and
         * gives p = 0.498731937370927) */
        double years[3] = {2023, 2024, 2025}, slope = NAN, p = NAN;
        CHECK_INT(enk_stats_pooled_trend(g, years, 3, &slope, &p), ENK_OK);
        CHECK_NEAR(slope, 3.18733738074588, 1e-9);
        CHECK_NEAR(p, 0.498731938179245, 1e-9);
        /* errors: one respondent has no variance; one year has no trend */
        enk_pooled lone = {0};
        enk_stats_pooled_add(&lone, 1, 2);
        CHECK_INT(enk_stats_pooled_var(&lone, &v), ENK_ERR_MATH);
        CHECK_INT(enk_stats_pooled_diff(&lone, &g[1], 0.95, &d), ENK_ERR_MATH);
        CHECK_INT(enk_stats_pooled_diff(&g[0], &g[1], 1.5, &d), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_pooled_trend(g, years, 1, &slope, &p), ENK_ERR_MATH);
        double bad[3] = {2023, NAN, 2025};
        CHECK_INT(enk_stats_pooled_trend(g, bad, 3, &slope, &p), ENK_ERR_USAGE);
        /* every answer positive in both groups: nothing varies, no test */
        enk_pooled all1 = {0}, all2 = {0};
        for (int i = 0; i < 5; i++) {
                enk_stats_pooled_add(&all1, 2, 2);
                enk_stats_pooled_add(&all2, 3, 3);
        }
        CHECK_INT(enk_stats_pooled_diff(&all1, &all2, 0.95, &d), ENK_ERR_MATH);
}

static void test_fit_line(void)
{
        /* NIST StRD linear regression "Norris" (36 points). */
        static const double y[] = {0.1,   338.8, 118.1, 888.0, 9.2,   228.1, 668.5, 998.5, 449.1,
                                   778.9, 559.2, 0.3,   0.1,   778.1, 668.8, 339.3, 448.9, 10.8,
                                   557.7, 228.3, 998.0, 888.8, 119.6, 0.3,   0.6,   557.6, 339.3,
                                   888.0, 998.5, 778.9, 10.2,  117.6, 228.9, 668.4, 449.2, 0.2};
        static const double x[] = {0.2,   337.4, 118.2, 884.6, 10.1,  226.5, 666.3, 996.3, 448.6,
                                   777.0, 558.2, 0.4,   0.6,   775.5, 666.9, 338.0, 447.5, 11.6,
                                   556.0, 228.1, 995.8, 887.6, 120.2, 0.3,   0.3,   556.8, 339.1,
                                   887.2, 999.0, 779.0, 11.1,  118.3, 229.2, 669.1, 448.9, 0.5};
        enk_line l;
        CHECK_INT(enk_stats_fit_line(x, y, NULL, 36, &l), ENK_OK);
        /* NIST StRD Norris certified values. */
        CHECK_NEAR(l.intercept, -0.262323073774029, 1e-12);
        CHECK_NEAR(l.slope, 1.00211681802045, 1e-12);
        CHECK_NEAR(l.se_intercept, 0.232818234301152, 1e-12);
        CHECK_NEAR(l.se_slope, 0.429796848199937e-3, 1e-12);
        /* R 4.2.2: summary(lm(y ~ x))$coef[2, 4] on the Norris data */
        CHECK_NEAR(l.p, 4.6540408524735642e-90, 1e-6);
        /* Weights all 1: the same line and errors. */
        double w[36];
        for (int i = 0; i < 36; i++)
                w[i] = 1;
        CHECK_INT(enk_stats_fit_line(x, y, w, 36, &l), ENK_OK);
        CHECK_NEAR(l.slope, 1.00211681802045, 1e-12);
        CHECK_NEAR(l.se_slope, 0.429796848199937e-3, 1e-10);
        w[3] = -1;
        CHECK_INT(enk_stats_fit_line(x, y, w, 36, &l), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_fit_line(x, y, NULL, 1, &l), ENK_ERR_MATH);
}

/* ---------------------------------------------------------------------------
 * Figure 7: χ²
 * ------------------------------------------------------------------------- */

static void prop_case(int line, const int64_t *x, const int64_t *n, size_t k, bool yates,
                      double stat, double df, double p, double stat_tol)
{
        enk_chisq c;
        int before = check_failures;
        CHECK_INT(enk_stats_prop_test(x, n, k, yates, &c), ENK_OK);
        CHECK_NEAR(c.statistic, stat, stat_tol);
        CHECK_NEAR(c.df, df, 0);
        CHECK_NEAR(c.p, p, TOL);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}

static void test_chisq(void)
{
        /* statistics.md: smokers of ?prop.test; R 4.2.2:
         * prop.test(c(83,90,129,70), c(86,93,136,82)) (no correction for k > 2) */
        static const int64_t sx[] = {83, 90, 129, 70}, sn[] = {86, 93, 136, 82};
        prop_case(__LINE__, sx, sn, 4, true, 12.600411297127639, 3, 0.0055854766616270247, TOL);
        prop_case(__LINE__, sx, sn, 4, false, 12.600411297127639, 3, 0.0055854766616270247, TOL);
        /* statistics.md: R 4.2.2: prop.test(c(83,70), c(86,82), correct = FALSE) */
        static const int64_t yx[] = {83, 70}, yn[] = {86, 82};
        prop_case(__LINE__, yx, yn, 2, false, 6.4129725401221176, 1, 0.011328960424687553, TOL);
        /* R 4.2.2: prop.test(c(15, 25), c(50, 50))[c("statistic", "parameter", "p.value")] */
        static const int64_t ax[] = {15, 25}, an[] = {50, 50};
        prop_case(__LINE__, ax, an, 2, true, 3.375, 1, 0.06619257972219339, TOL);
        /* R 4.2.2: prop.test(c(10, 10), c(50, 51)): R shrinks Yates to the
         * difference, X² = 7.56e-31, p = 0.99999999999999933 */
        static const int64_t bx[] = {10, 10}, bn[] = {50, 51};
        prop_case(__LINE__, bx, bn, 2, true, 0, 1, 0.99999999999999933, 1e-12);
        /* R 4.2.2: prop.test(c(1, 3, 4), c(5, 5, 6), correct = FALSE)[c("statistic", "parameter",
         * "p.value")] */
        static const int64_t cx[] = {1, 3, 4}, cn[] = {5, 5, 6};
        prop_case(__LINE__, cx, cn, 3, false, 2.6666666666666665, 2, 0.26359713811572677, TOL);
        /* R 4.2.2: prop.test(c(0, 5), c(5, 5))[c("statistic", "parameter", "p.value")] */
        static const int64_t dx[] = {0, 5}, dn[] = {5, 5};
        prop_case(__LINE__, dx, dn, 2, true, 6.4000000000000004, 1, 0.011412036386001658, TOL);
        enk_chisq c;
        CHECK_INT(enk_stats_prop_test(cx, cn, 3, false, &c), ENK_OK);
        CHECK(c.low_expected);
        CHECK_INT(enk_stats_prop_test(sx, sn, 1, false, &c), ENK_ERR_MATH); /* one group */
        static const int64_t zx[] = {0, 0}, zn[] = {3, 4}, en[] = {3, 0};
        CHECK_INT(enk_stats_prop_test(zx, zn, 2, false, &c), ENK_ERR_MATH);
        CHECK_INT(enk_stats_prop_test(zx, en, 2, false, &c), ENK_ERR_MATH);
        CHECK_INT(enk_stats_prop_test(sx, zn, 2, false, &c), ENK_ERR_USAGE); /* x > n */

        /* statistics.md: Agresti's 2×3 of ?chisq.test; R 4.2.2:
         * chisq.test(as.table(rbind(c(762, 327, 468), c(484, 239, 477)))) */
        static const int64_t ag[] = {762, 327, 468, 484, 239, 477};
        CHECK_INT(enk_stats_chisq_table(ag, 2, 3, &c), ENK_OK);
        CHECK_NEAR(c.statistic, 30.070149095754672, TOL);
        CHECK_NEAR(c.df, 2, 0);
        CHECK_NEAR(c.p, 2.9535891832117569e-07, TOL);
        CHECK(!c.low_expected);
        /* R 4.2.2: chisq.test(matrix(c(12,5,7, 7,9,3, 2,4,8), 3, byrow = TRUE)) */
        static const int64_t t3[] = {12, 5, 7, 7, 9, 3, 2, 4, 8};
        CHECK_INT(enk_stats_chisq_table(t3, 3, 3, &c), ENK_OK);
        CHECK_NEAR(c.statistic, 9.9203514739229011, TOL);
        CHECK_NEAR(c.df, 4, 0);
        CHECK_NEAR(c.p, 0.041790937455110193, TOL);
        CHECK(c.low_expected);
        /* R 4.2.2: chisq.test(matrix(c(3,7, 9,1), 2, byrow = TRUE), correct = FALSE) */
        static const int64_t t2[] = {3, 7, 9, 1};
        CHECK_INT(enk_stats_chisq_table(t2, 2, 2, &c), ENK_OK);
        CHECK_NEAR(c.statistic, 7.5, TOL);
        CHECK_NEAR(c.p, 0.0061698993205441532, TOL);
        static const int64_t t0[] = {3, 0, 9, 0};
        CHECK_INT(enk_stats_chisq_table(t0, 2, 2, &c), ENK_ERR_MATH);
        CHECK_INT(enk_stats_chisq_table(t0, 1, 4, &c), ENK_ERR_MATH);
}

/* ---------------------------------------------------------------------------
 * Figure 8: Mann-Whitney
 * ------------------------------------------------------------------------- */

static void test_mann_whitney(void)
{
        /* statistics.md: R 4.2.2: wilcox.test(x, y, alternative = "greater") */
        static const double x[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
        static const double y[] = {1.15, 0.88, 0.90, 0.74, 1.21};
        mw_case(__LINE__, x, 10, y, 5, ENK_ALT_GREATER, true, 35, 0.1272061272061272);
        /* R 4.2.2: wilcox.test(x, y)  (two-sided) */
        mw_case(__LINE__, x, 10, y, 5, ENK_ALT_TWO_SIDED, true, 35, 0.2544122544122544);
        /* R 4.2.2: wilcox.test(x, y, alternative = "less") */
        mw_case(__LINE__, x, 10, y, 5, ENK_ALT_LESS, true, 35, 0.89676989676989671);
        /* R 4.2.2: wilcox.test(y, x, alternative = "less") */
        mw_case(__LINE__, y, 5, x, 10, ENK_ALT_LESS, true, 15, 0.1272061272061272);

        static const double one[] = {1}, two[] = {2};
        /* R 4.2.2: wilcox.test(c(1), c(2), alternative = "two.sided") */
        mw_case(__LINE__, one, 1, two, 1, ENK_ALT_TWO_SIDED, true, 0, 1);
        static const double a2[] = {1, 2}, b3[] = {3, 4, 5};
        /* R 4.2.2: wilcox.test(c(1, 2), c(3, 4, 5), alternative = "less") */
        mw_case(__LINE__, a2, 2, b3, 3, ENK_ALT_LESS, true, 0, 0.10000000000000001);
        /* R 4.2.2: wilcox.test(c(1, 2), c(3, 4, 5), alternative = "two.sided") */
        mw_case(__LINE__, a2, 2, b3, 3, ENK_ALT_TWO_SIDED, true, 0, 0.20000000000000001);
        static const double a1[] = {5}, b4[] = {1, 2, 3, 4};
        /* R 4.2.2: wilcox.test(c(5), c(1, 2, 3, 4), alternative = "greater") */
        mw_case(__LINE__, a1, 1, b4, 4, ENK_ALT_GREATER, true, 4, 0.20000000000000001);

        /* Ties: normal approximation with tie and continuity correction. */
        static const double ta[] = {1, 2, 2, 3, 4}, tb[] = {2, 3, 3, 5, 5, 6};
        /* R 4.2.2: wilcox.test(c(1, 2, 2, 3, 4), c(2, 3, 3, 5, 5, 6), alternative = "two.sided") */
        mw_case(__LINE__, ta, 5, tb, 6, ENK_ALT_TWO_SIDED, false, 6, 0.11304997885632291);
        /* R 4.2.2: wilcox.test(c(1, 2, 2, 3, 4), c(2, 3, 3, 5, 5, 6), alternative = "less") */
        mw_case(__LINE__, ta, 5, tb, 6, ENK_ALT_LESS, false, 6, 0.056524989428161455);
        /* R 4.2.2: wilcox.test(c(1, 2, 2, 3, 4), c(2, 3, 3, 5, 5, 6), alternative = "greater") */
        mw_case(__LINE__, ta, 5, tb, 6, ENK_ALT_GREATER, false, 6, 0.96172457531507327);
        static const double tc[] = {2, 2, 3}, td[] = {1, 1, 2, 4};
        /* R 4.2.2: wilcox.test(c(2, 2, 3), c(1, 1, 2, 4)) */
        mw_case(__LINE__, tc, 3, td, 4, ENK_ALT_TWO_SIDED, false, 8, 0.578403013496116);

        /* 50 or more: normal even without ties. */
        double big[60], mid[40];
        for (int i = 0; i < 60; i++)
                big[i] = i + 1;
        for (int i = 0; i < 40; i++)
                mid[i] = i + 21.5;
        /* R 4.2.2: wilcox.test(1:60 * 1.0, 1:40 + 20.5) */
        mw_case(__LINE__, big, 60, mid, 40, ENK_ALT_TWO_SIDED, false, 780, 0.0031614065922797364);

        /* From tallies over five points. */
        static const int64_t ca[] = {2, 3, 5, 8, 4}, cb[] = {4, 5, 6, 3, 1};
        /* R 4.2.2: wilcox.test(rep(1:5, c(2,3,5,8,4)), rep(1:5, c(4,5,6,3,1)), alternative =
         * "two.sided") */
        mwc_case(__LINE__, ca, cb, 5, ENK_ALT_TWO_SIDED, 289.5, 0.031843073459423499);
        /* R 4.2.2: the same with alternative = "greater" */
        mwc_case(__LINE__, ca, cb, 5, ENK_ALT_GREATER, 289.5, 0.015921536729711749);
        /* R 4.2.2: the same with alternative = "less" */
        mwc_case(__LINE__, ca, cb, 5, ENK_ALT_LESS, 289.5, 0.98511754184384015);
        /* Untied tallies still use the normal approximation.
         * R 4.2.2: wilcox.test(c(1, 3), c(2, 4), exact = FALSE) */
        static const int64_t ua[] = {1, 0, 1, 0}, ub[] = {0, 1, 0, 1};
        mwc_case(__LINE__, ua, ub, 4, ENK_ALT_TWO_SIDED, 1, 0.69853535830333868);

        /* The count and value forms agree on the same data. */
        double va[22], vb[19];
        size_t na = 0, nb = 0;
        for (int i = 0; i < 5; i++) {
                for (int64_t c = 0; c < ca[i]; c++)
                        va[na++] = i + 1;
                for (int64_t c = 0; c < cb[i]; c++)
                        vb[nb++] = i + 1;
        }
        enk_mw r1, r2;
        CHECK_INT(enk_stats_mann_whitney(va, na, vb, nb, ENK_ALT_TWO_SIDED, &r1), ENK_OK);
        CHECK_INT(enk_stats_mann_whitney_counts(ca, cb, 5, ENK_ALT_TWO_SIDED, &r2), ENK_OK);
        CHECK_NEAR(r1.w, r2.w, 1e-12);
        CHECK_NEAR(r1.p, r2.p, 1e-12);
        CHECK_NEAR(r1.z, r2.z, 1e-12);

        enk_mw r;
        static const double flat[] = {3, 3, 3};
        CHECK_INT(enk_stats_mann_whitney(flat, 3, flat, 2, ENK_ALT_TWO_SIDED, &r), ENK_ERR_MATH);
        CHECK_INT(enk_stats_mann_whitney(x, 0, y, 5, ENK_ALT_TWO_SIDED, &r), ENK_ERR_MATH);
        static const double withnan[] = {1, NAN};
        CHECK_INT(enk_stats_mann_whitney(withnan, 2, y, 5, ENK_ALT_TWO_SIDED, &r), ENK_ERR_USAGE);
        static const int64_t zc[] = {0, 0, 0}, neg[] = {1, -1, 0};
        CHECK_INT(enk_stats_mann_whitney_counts(zc, ca, 3, ENK_ALT_TWO_SIDED, &r), ENK_ERR_MATH);
        CHECK_INT(enk_stats_mann_whitney_counts(neg, ca, 3, ENK_ALT_TWO_SIDED, &r), ENK_ERR_USAGE);

        /* Rank-biserial: +1 when every a is above every b. */
        CHECK_INT(enk_stats_mann_whitney(b3, 3, a2, 2, ENK_ALT_GREATER, &r), ENK_OK);
        CHECK_NEAR(r.r_rb, 1, TOL);
        CHECK_NEAR(
            r.p, 0.1,
            TOL); /* R 4.2.2: wilcox.test(c(3, 4, 5), c(1, 2), alternative = "greater")$p.value */
}

/* Exact p-values over all small samples: in (0, 1], and the one-sided ones
 * of a and b add up to 1 + P(W = w) (checked through the reversed test). */
static void test_mann_whitney_properties(void)
{
        int bad = 0;
        double a[12], b[12];
        for (size_t na = 1; na <= 8; na++)
                for (size_t nb = 1; nb <= 8; nb++)
                        for (unsigned shift = 0; shift < 4; shift++) {
                                for (size_t i = 0; i < na; i++)
                                        a[i] = 2.0 * (double) i + shift;
                                for (size_t i = 0; i < nb; i++)
                                        b[i] = 2.0 * (double) i + 0.5;
                                enk_mw g, l, t, rev;
                                if (enk_stats_mann_whitney(a, na, b, nb, ENK_ALT_GREATER, &g) ||
                                    enk_stats_mann_whitney(a, na, b, nb, ENK_ALT_LESS, &l) ||
                                    enk_stats_mann_whitney(a, na, b, nb, ENK_ALT_TWO_SIDED, &t) ||
                                    enk_stats_mann_whitney(b, nb, a, na, ENK_ALT_LESS, &rev)) {
                                        bad++;
                                        continue;
                                }
                                if (!g.exact || !(g.p > 0 && g.p <= 1 && l.p > 0 && l.p <= 1))
                                        bad++;
                                if (!(t.p >= fmin(g.p, l.p) - 1e-12 && t.p <= 1))
                                        bad++;
                                if (g.p + l.p < 1 - 1e-12 || g.p + l.p > 2)
                                        bad++;
                                if (fabs(rev.p - g.p) > 1e-12 || fabs(rev.w + g.w - na * nb) > 0)
                                        bad++;
                                if (!(g.r_rb >= -1 && g.r_rb <= 1))
                                        bad++;
                        }
        CHECK_INT(bad, 0);
}

/* ---------------------------------------------------------------------------
 * Figure 10: adjustments
 * ------------------------------------------------------------------------- */

static void test_adjust(void)
{
        static const double p5[] = {.01, .02, .03, .04, .05};
        /* statistics.md: R 4.2.2: p.adjust(c(.01,.02,.03,.04,.05), "holm") */
        static const double h5[] = {0.05, 0.08, 0.09, 0.09, 0.09};
        adjust_case(__LINE__, p5, 5, ENK_ADJUST_HOLM, h5);
        /* statistics.md: R 4.2.2: p.adjust(c(.01,.02,.03,.04,.05), "BH") */
        static const double b5[] = {0.05, 0.05, 0.05, 0.05, 0.05};
        adjust_case(__LINE__, p5, 5, ENK_ADJUST_BH, b5);

        static const double pn[] = {0.04, NAN, 0.01, 0.03, 0.2, 0.01};
        /* R 4.2.2: p.adjust(c(0.04, NA, 0.01, 0.03, 0.2, 0.01), "holm") */
        static const double hn[] = {0.089999999999999997, NAN,
                                    0.050000000000000003, 0.089999999999999997,
                                    0.20000000000000001,  0.050000000000000003};
        adjust_case(__LINE__, pn, 6, ENK_ADJUST_HOLM, hn);
        /* R 4.2.2: p.adjust(c(0.04, NA, 0.01, 0.03, 0.2, 0.01), "BH") */
        static const double bn[] = {0.050000000000000003, NAN,
                                    0.025000000000000001, 0.050000000000000003,
                                    0.20000000000000001,  0.025000000000000001};
        adjust_case(__LINE__, pn, 6, ENK_ADJUST_BH, bn);
        static const double pu[] = {0.5, 0.001, 0.9, 0.02, 0.04, 0.3, 0.011};
        /* R 4.2.2: p.adjust(c(0.5, 0.001, 0.9, 0.02, 0.04, 0.3, 0.011), "holm") */
        static const double hu[] = {1,
                                    0.0070000000000000001,
                                    1,
                                    0.10000000000000001,
                                    0.16,
                                    0.89999999999999991,
                                    0.066000000000000003};
        adjust_case(__LINE__, pu, 7, ENK_ADJUST_HOLM, hu);
        /* R 4.2.2: p.adjust(c(0.5, 0.001, 0.9, 0.02, 0.04, 0.3, 0.011), "BH") */
        static const double bu[] = {0.58333333333333337,
                                    0.0070000000000000001,
                                    0.90000000000000002,
                                    0.046666666666666669,
                                    0.070000000000000007,
                                    0.41999999999999998,
                                    0.0385};
        adjust_case(__LINE__, pu, 7, ENK_ADJUST_BH, bu);

        /* In place, and the edge cases. */
        double io[] = {0.5, 0.001, 0.9, 0.02, 0.04, 0.3, 0.011};
        CHECK_INT(enk_stats_p_adjust(io, 7, ENK_ADJUST_HOLM, io), ENK_OK);
        CHECK_NEAR(io[6], 0.066000000000000003, TOL); /* R 4.2.2: as above */
        double one = 0.3, out = -1;
        CHECK_INT(enk_stats_p_adjust(&one, 1, ENK_ADJUST_HOLM, &out), ENK_OK);
        CHECK_NEAR(out, 0.3, TOL);
        CHECK_INT(enk_stats_p_adjust(NULL, 0, ENK_ADJUST_BH, NULL), ENK_OK);
        double badp[] = {0.1, 1.5};
        CHECK_INT(enk_stats_p_adjust(badp, 2, ENK_ADJUST_BH, badp), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_p_adjust(p5, 5, (enk_adjust) 7, io), ENK_ERR_USAGE);
}

/* Holm >= BH >= raw, both <= 1, order-preserving, over pseudo-random sets. */
static void test_adjust_properties(void)
{
        int bad = 0;
        unsigned seed = 12345;
        for (int round = 0; round < 500; round++) {
                double p[16], h[16], b[16];
                size_t k = 1 + (size_t) round % 16;
                for (size_t i = 0; i < k; i++) {
                        seed = seed * 1103515245u + 12345u;
                        p[i] = (double) ((seed >> 8) % 10001) / 10000.0;
                        if (round % 7 == 0)
                                p[i] *= 0.05;
                }
                if (enk_stats_p_adjust(p, k, ENK_ADJUST_HOLM, h) ||
                    enk_stats_p_adjust(p, k, ENK_ADJUST_BH, b)) {
                        bad++;
                        continue;
                }
                for (size_t i = 0; i < k; i++) {
                        if (!(h[i] >= p[i] && b[i] >= p[i] && h[i] <= 1 && b[i] <= 1))
                                bad++;
                        if (!(h[i] >= b[i] - 1e-15))
                                bad++;
                        for (size_t j = 0; j < k; j++)
                                if (p[i] < p[j] && (h[i] > h[j] || b[i] > b[j]))
                                        bad++;
                }
        }
        CHECK_INT(bad, 0);
}

/* ---------------------------------------------------------------------------
 * Suppression
 * ------------------------------------------------------------------------- */

static void check_suppress(int line, const int64_t *n, size_t k, int min_n, const char *want)
{
        bool s[16];
        size_t count = 99;
        char got[17];
        int before = check_failures;
        CHECK_INT(enk_stats_suppress_units(n, k, min_n, s, &count), ENK_OK);
        size_t c = 0;
        for (size_t i = 0; i < k; i++) {
                got[i] = s[i] ? 'x' : '.';
                c += s[i];
        }
        got[k] = '\0';
        CHECK_STR(got, want);
        CHECK_INT(count, c);
        if (check_failures != before)
                printf("  (case at line %d)\n", line);
}

static void test_suppression(void)
{
        CHECK_INT(enk_stats_min_n(0), 5);
        CHECK_INT(enk_stats_min_n(-3), 5);
        CHECK_INT(enk_stats_min_n(1), 3);
        CHECK_INT(enk_stats_min_n(8), 8);
        CHECK_INT(enk_stats_check_min_n(0), ENK_OK);
        CHECK_INT(enk_stats_check_min_n(3), ENK_OK);
        CHECK_INT(enk_stats_check_min_n(2), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_check_min_n(-1), ENK_ERR_USAGE);
        CHECK(enk_stats_suppressed(4, 0));
        CHECK(!enk_stats_suppressed(5, 0));
        CHECK(enk_stats_suppressed(0, 0));
        CHECK(!enk_stats_suppressed(3, 3));
        CHECK(enk_stats_suppressed(2, 1)); /* the floor is 3 */
        CHECK(enk_stats_low_precision(19));
        CHECK(!enk_stats_low_precision(20));
        CHECK(!enk_stats_low_precision(0));

        static const int64_t d1[] = {0, 2, 3, 0, 0};   /* n 5, a cell of 2 */
        static const int64_t d2[] = {0, 0, 10, 10, 0}; /* n 20 */
        static const int64_t d3[] = {1, 0, 8, 20, 3};  /* n 32 */
        static const int64_t d4[] = {0, 5, 6, 0, 0};   /* n 11, no small cell */
        static const int64_t d5[] = {1, 1, 1, 0, 0};   /* n 3 */
        CHECK(enk_stats_distribution_hidden(d1, 5, 0));
        CHECK(!enk_stats_distribution_hidden(d2, 5, 0));
        CHECK(!enk_stats_distribution_hidden(d3, 5, 0));
        CHECK(!enk_stats_distribution_hidden(d4, 5, 0));
        CHECK(enk_stats_distribution_hidden(d5, 5, 0));
        CHECK(enk_stats_distribution_hidden(d5, 5, 3)); /* n 3 shown, but cells of 1 < 3 */
        CHECK(!enk_stats_distribution_hidden(d4, 5, 3));

        /* Nothing small: nothing hidden. */
        static const int64_t u0[] = {40, 12, 55};
        check_suppress(__LINE__, u0, 3, 0, "...");
        /* One small unit: the next smallest goes too. */
        static const int64_t u1[] = {40, 3, 55, 12};
        check_suppress(__LINE__, u1, 4, 0, ".x.x");
        /* Two small units whose sum is still small: a third goes. */
        static const int64_t u2[] = {1, 30, 2, 25};
        check_suppress(__LINE__, u2, 4, 0, "x.xx");
        /* Two small units with a sum at the threshold: enough. */
        static const int64_t u3[] = {4, 30, 2, 25};
        check_suppress(__LINE__, u3, 4, 0, "x.x.");
        /* Ties for the next smallest: the first. */
        static const int64_t u4[] = {12, 12, 4};
        check_suppress(__LINE__, u4, 3, 0, "x.x");
        /* A unit with no answers counts as hidden but hides nothing. */
        static const int64_t u5[] = {0, 30, 40};
        check_suppress(__LINE__, u5, 3, 0, "xx.");
        /* A single unit: the total is the unit, nothing more to hide. */
        static const int64_t u6[] = {3};
        check_suppress(__LINE__, u6, 1, 0, "x");
        /* Everything small: everything hidden. */
        static const int64_t u7[] = {1, 2};
        check_suppress(__LINE__, u7, 2, 0, "xx");
        /* A higher threshold. */
        static const int64_t u8[] = {8, 30, 12, 9};
        check_suppress(__LINE__, u8, 4, 10, "x..x");
        bool s[2];
        static const int64_t un[] = {3, -1};
        CHECK_INT(enk_stats_suppress_units(un, 2, 0, s, NULL), ENK_ERR_USAGE);
        CHECK_INT(enk_stats_suppress_units(NULL, 0, 0, NULL, NULL), ENK_OK);
}

/* Whatever the units, after suppression: no hidden unit alone, and the
 * hidden ones together hold at least the threshold (or every unit is hidden). */
static void test_suppression_properties(void)
{
        int bad = 0;
        unsigned seed = 777;
        for (int round = 0; round < 2000; round++) {
                int64_t n[8];
                bool s[8];
                size_t k = 1 + (size_t) round % 8, count;
                for (size_t i = 0; i < k; i++) {
                        seed = seed * 1103515245u + 12345u;
                        n[i] = (seed >> 8) % (round % 3 ? 12 : 60);
                }
                if (enk_stats_suppress_units(n, k, 0, s, &count)) {
                        bad++;
                        continue;
                }
                int64_t hidden = 0;
                size_t c = 0;
                for (size_t i = 0; i < k; i++) {
                        if (n[i] < 5 && !s[i])
                                bad++;
                        if (s[i]) {
                                hidden += n[i];
                                c++;
                        }
                }
                if (c == 1 && k > 1)
                        bad++;
                if (c > 0 && c < k && hidden < 5)
                        bad++;
        }
        CHECK_INT(bad, 0);
}

/* ---------------------------------------------------------------------------
 * Wording
 * ------------------------------------------------------------------------- */

static void test_phrase(void)
{
        /* docs/statistics.md, section 12 (SCB's style: a share a reader knows
         * by name, "drygt" just over it, "knappt" just under it). The
         * issue's pair: 0.6851 and 0.694 both show "69 %", so both read
         * "knappt sju av tio" (the old bands gave "två av tre" and "sju av
         * tio"). */
        CHECK_STR(enk_stats_share_phrase(0.6851, "sv"), "knappt sju av tio");
        CHECK_STR(enk_stats_share_phrase(0.694, "sv"), "knappt sju av tio");
        CHECK_STR(enk_stats_share_phrase(0.694, "en"), "just under seven in ten");
        CHECK_STR(enk_stats_share_phrase(0.95, "sv"), "fler än nio av tio");
        CHECK_STR(enk_stats_share_phrase(0.92, "en"), "just over nine in ten");
        CHECK_STR(enk_stats_share_phrase(0.66, NULL), "knappt två av tre");
        CHECK_STR(enk_stats_share_phrase(2.0 / 3.0, "en"), "two in three");
        CHECK_STR(enk_stats_share_phrase(0.87, "sv"), "fler än åtta av tio");
        CHECK_STR(enk_stats_share_phrase(0.88, "sv"), "knappt nio av tio");
        CHECK_STR(enk_stats_share_phrase(0.9, "sv"), "nio av tio");
        CHECK_STR(enk_stats_share_phrase(0.5, "sv"), "hälften");
        CHECK_STR(enk_stats_share_phrase(0.5, "en"), "half");
        CHECK_STR(enk_stats_share_phrase(0.52, "sv"), "drygt hälften");
        CHECK_STR(enk_stats_share_phrase(0.47, "sv"), "fler än fyra av tio");
        CHECK_STR(enk_stats_share_phrase(0.48, "sv"), "knappt hälften");
        CHECK_STR(enk_stats_share_phrase(0.75, "sv"), "tre av fyra");
        CHECK_STR(enk_stats_share_phrase(0.25, "sv"), "var fjärde");
        CHECK_STR(enk_stats_share_phrase(1.0 / 3.0, "sv"), "var tredje");
        CHECK_STR(enk_stats_share_phrase(0.31, "sv"), "drygt tre av tio");
        CHECK_STR(enk_stats_share_phrase(0.32, "sv"), "knappt var tredje");
        CHECK_STR(enk_stats_share_phrase(0.37, "en"), "more than one in three");
        CHECK_STR(enk_stats_share_phrase(0.15, "sv"), "fler än var tionde");
        CHECK_STR(enk_stats_share_phrase(0.98, "sv"), "nästan alla");
        CHECK_STR(enk_stats_share_phrase(0.97, "sv"), "fler än nio av tio");
        CHECK_STR(enk_stats_share_phrase(1.0, "sv"), "alla");
        CHECK_STR(enk_stats_share_phrase(0.99999, "sv"), "nästan alla");
        CHECK_STR(enk_stats_share_phrase(0.0, "en"), "none");
        CHECK_STR(enk_stats_share_phrase(0.00001, "sv"), "nästan ingen");
        CHECK_STR(enk_stats_share_phrase(0.07, "sv"), "färre än var tionde");
        CHECK_STR(enk_stats_share_phrase(0.08, "sv"), "knappt var tionde");
        CHECK_STR(enk_stats_share_phrase(0.1, "en"), "one in ten");
        /* Bounds: the percent as shown, rounded half away from zero. */
        CHECK_INT(enk_stats_pct(0.685), 69);
        CHECK_INT(enk_stats_pct(0.6849), 68);
        CHECK_INT(enk_stats_pct(0.145), 15); /* as a spreadsheet shows it */
        CHECK_STR(enk_stats_share_phrase(0.6849, "sv"), "drygt två av tre");
        CHECK_STR(enk_stats_share_phrase(0.925, "sv"), "fler än nio av tio");
        CHECK_STR(enk_stats_share_phrase(0.9249, "sv"), "drygt nio av tio");
        /* a singular name takes a singular verb: the sentence with a plural
         * predicate gives the percent alone */
        CHECK(enk_stats_share_phrase_singular(1.0 / 3.0));
        CHECK(enk_stats_share_phrase_singular(0.09));
        CHECK(!enk_stats_share_phrase_singular(0.15)); /* fler än var tionde */
        CHECK(!enk_stats_share_phrase_singular(0.69));
        CHECK(!enk_stats_share_phrase_singular(NAN));
        CHECK(enk_stats_share_phrase(NAN, "sv") == NULL);
        CHECK(enk_stats_share_phrase(1.01, "sv") == NULL);
        CHECK(enk_stats_share_phrase(-0.1, "sv") == NULL);
        CHECK(enk_stats_share_phrase(0.5, "de") == NULL);
        /* Every share in steps of 0.0001 has a phrase in both languages, one
         * percent has one phrase, and the phrases change only at the
         * documented bounds (48 of them between 0 and 1, plus the ends). */
        int bad = 0, changes = 0;
        const char *prev = NULL;
        for (int i = 0; i <= 10000; i++) {
                const char *sv = enk_stats_share_phrase(i / 10000.0, "sv");
                const char *en = enk_stats_share_phrase(i / 10000.0, "en");
                if (!sv || !en)
                        bad++;
                if (prev && sv && strcmp(prev, sv) != 0) {
                        changes++;
                        /* a change only where the shown percent changes */
                        if (i % 100 != 50 && i != 1 && i != 10000)
                                bad++;
                }
                prev = sv;
        }
        CHECK_INT(bad, 0);
        CHECK_INT(changes, 50);
}

int main(void)
{
        gsl_set_error_handler_off();
        test_share_reference();
        test_share_small();
        test_share_auto();
        test_share_errors();
        test_share_properties();
        test_mean();
        test_item();
        test_diff();
        test_fisher();
        test_trend();
        test_pooled();
        test_fit_line();
        test_chisq();
        test_mann_whitney();
        test_mann_whitney_properties();
        test_adjust();
        test_adjust_properties();
        test_suppression();
        test_suppression_properties();
        test_phrase();
        return check_report();
}
