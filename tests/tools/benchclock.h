/*
 * benchclock.h — what every bench tool measures with: a monotonic clock in
 * milliseconds and a comparison for sorting samples (medians, p99).
 * Header-only: included by the tools in tests/tools.
 */
#ifndef FARO_BENCHCLOCK_H
#define FARO_BENCHCLOCK_H

#include <time.h>

/* Milliseconds on the monotonic clock. */
static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* qsort comparison of doubles, ascending. */
static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
