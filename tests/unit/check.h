/* tests/unit/check.h - the checks unit tests are written with.
 *
 * A failed check prints "file:line: EXPR == GOT, want WANT" and counts; the
 * test's main() ends with `return check_report();`, non-zero when any failed.
 */
#ifndef ENK_TEST_CHECK_H
#define ENK_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

static inline int check_report(void)
{
        printf("%d checks, %d failed\n", check_count, check_failures);
        return check_failures ? 1 : 0;
}

#define CHECK(expr)                                                                                \
        do {                                                                                       \
                check_count++;                                                                     \
                if (!(expr)) {                                                                     \
                        check_failures++;                                                          \
                        printf("%s:%d: %s is false\n", __FILE__, __LINE__, #expr);                 \
                }                                                                                  \
        } while (0)

#define CHECK_INT(expr, want)                                                                      \
        do {                                                                                       \
                long long got_ = (long long) (expr), want_ = (long long) (want);                   \
                check_count++;                                                                     \
                if (got_ != want_) {                                                               \
                        check_failures++;                                                          \
                        printf("%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #expr, got_,  \
                               want_);                                                             \
                }                                                                                  \
        } while (0)

#define CHECK_STR(expr, want)                                                                      \
        do {                                                                                       \
                const char *got_ = (expr), *want_ = (want);                                        \
                check_count++;                                                                     \
                if (!got_ || !want_ || strcmp(got_, want_) != 0) {                                 \
                        check_failures++;                                                          \
                        printf("%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #expr,    \
                               got_ ? got_ : "(null)", want_ ? want_ : "(null)");                  \
                }                                                                                  \
        } while (0)

/* Relative tolerance rel (absolute when want is 0). */
#define CHECK_NEAR(expr, want, rel)                                                                \
        do {                                                                                       \
                double got_ = (expr), want_ = (want);                                              \
                double tol_ = (rel) * (want_ != 0 ? fabs(want_) : 1.0);                            \
                check_count++;                                                                     \
                if (!(fabs(got_ - want_) <= tol_)) {                                               \
                        check_failures++;                                                          \
                        printf("%s:%d: %s == %.12g, want %.12g\n", __FILE__, __LINE__, #expr,      \
                               got_, want_);                                                       \
                }                                                                                  \
        } while (0)

#endif
