/*
 * check.h — the whole test harness: CHECK counts one assertion, prints the
 * failing ones with file and line, and check_done() prints the closing
 * "N passed, N failed" line that tests/run.sh adds up.
 */
#ifndef FARO_CHECK_H
#define FARO_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int check_passed, check_failed;

#define CHECK(cond, ...) do { \
    if (cond) { check_passed++; } else { \
        check_failed++; \
        fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
        fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
} while (0)

#define CHECK_STR(a, b) do { const char *ca_ = (a), *cb_ = (b); \
    CHECK(ca_ && cb_ && strcmp(ca_, cb_) == 0, "got \"%s\", want \"%s\"", \
          ca_ ? ca_ : "(null)", cb_ ? cb_ : "(null)"); } while (0)

#define CHECK_CONTAINS(hay, needle) do { const char *ch_ = (hay), *cn_ = (needle); \
    CHECK(ch_ && cn_ && strstr(ch_, cn_) != NULL, "\"%s\" does not contain \"%s\"", \
          ch_ ? ch_ : "(null)", cn_ ? cn_ : "(null)"); } while (0)

/* Runs a printf-formatted shell command; returns system()'s status. */
static inline int check_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int check_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
