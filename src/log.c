/*
 * log.c — a fixed ring of recent log lines plus stderr.
 *
 * The ring is module state with a fixed size: logging never allocates, so
 * it works when memory is short, and old lines fall off by themselves.
 * Several threads log (the UI, the USB watcher, the mirror worker, the
 * search indexer), so one mutex guards the ring: a writer formats into a
 * local line first and holds the lock only to copy it in and print it
 * (stderr lines from two threads never interleave), and a reader copies a
 * line out under the same lock — no caller ever holds a pointer into a
 * slot that another thread may be overwriting.
 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static char ring[LOG_RING][LOG_LINE];
static int ring_next, ring_used, quiet;

void log_quiet(int q)
{
    pthread_mutex_lock(&ring_lock);
    quiet = q;
    pthread_mutex_unlock(&ring_lock);
}

void log_msg(const char *fmt, ...)
{
    char line[LOG_LINE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&ring_lock);
    memcpy(ring[ring_next], line, sizeof line);
    ring_next = (ring_next + 1) % LOG_RING;
    if (ring_used < LOG_RING)
        ring_used++;
    if (!quiet)
        fprintf(stderr, "faro: %s\n", line);
    pthread_mutex_unlock(&ring_lock);
}

int log_count(void)
{
    pthread_mutex_lock(&ring_lock);
    int n = ring_used;
    pthread_mutex_unlock(&ring_lock);
    return n;
}

int log_line(int i, char *buf, size_t size)
{
    int len = -1;
    if (buf && size)
        buf[0] = '\0';
    pthread_mutex_lock(&ring_lock);
    if (i >= 0 && i < ring_used && buf && size)
        len = snprintf(buf, size, "%s", ring[(ring_next - ring_used + i + LOG_RING) % LOG_RING]);
    pthread_mutex_unlock(&ring_lock);
    return len;
}
