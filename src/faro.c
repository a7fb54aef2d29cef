/*
 * faro.c — the one helper every module shares: an error value with its
 * message (see faro.h).
 */
#include "faro.h"

#include <stdarg.h>
#include <stdio.h>

int faro_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}
