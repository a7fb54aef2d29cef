/*
 * log.h — the kiosk's log: one line per event to stderr, and the last
 * LOG_RING lines kept in memory for the admin console.  Lines must never
 * hold personal data (nothing a migrant typed or looked at).  Every
 * function is safe to call from any thread.
 */
#ifndef FARO_LOG_H
#define FARO_LOG_H

#include <stddef.h>

#define LOG_RING 128
#define LOG_LINE 256

/* Logs one printf-style line (truncated to LOG_LINE). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Silences stderr output (tests that expect errors); the ring still fills. */
void log_quiet(int quiet);

/* Lines kept, oldest first: i in [0, log_count()). */
int log_count(void);

/* Copies line i (oldest first) into buf (size bytes, truncated, always
 * NUL-terminated).  Returns the line's length, or -1 (buf "") when i is not
 * in [0, log_count()) — another thread may have logged in between. */
int log_line(int i, char *buf, size_t size);

#endif
