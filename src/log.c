/*
 * log.c — a fixed ring of recent log lines plus stderr.
 *
 * The ring is module state with a fixed size: logging never allocates, so
 * it works when memory is short, and old lines fall off by themselves.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char ring[LOG_RING][LOG_LINE];
static int ring_next, ring_used, quiet;

void log_quiet(int q) { quiet = q; }

void log_msg(const char *fmt, ...)
{
    va_list ap;
    char *line = ring[ring_next];
    va_start(ap, fmt);
    vsnprintf(line, LOG_LINE, fmt, ap);
    va_end(ap);
    if (!quiet)
        fprintf(stderr, "faro: %s\n", line);
    ring_next = (ring_next + 1) % LOG_RING;
    if (ring_used < LOG_RING)
        ring_used++;
}

int log_count(void) { return ring_used; }

const char *log_line(int i)
{
    if (i < 0 || i >= ring_used)
        return NULL;
    return ring[(ring_next - ring_used + i + LOG_RING) % LOG_RING];
}
