/*
 * test_log.c — the log ring under several threads: writers log numbered
 * lines while readers copy lines out.  Every line read must be whole (one
 * writer's line, never a mix of two), the ring must hold exactly LOG_RING
 * lines at the end, each writer's lines in the order written, the newest
 * line last.
 * Under `make tsan` this is also the race detector's test of log.c.
 */
#include "check.h"
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define WRITERS 4
#define READERS 2
#define LINES_EACH 2000

static int writers_done;
static int torn_lines, lines_read;

/* "writer W line N " followed by W repeated to a fixed length. */
static void make_line(char *buf, size_t size, int w, int n)
{
    int len = snprintf(buf, size, "writer %d line %d ", w, n);
    while (len < 200 && (size_t)len + 1 < size)
        buf[len++] = (char)('a' + w);
    buf[len] = '\0';
}

static int line_is_whole(const char *s)
{
    char want[LOG_LINE];
    int w, n;
    if (sscanf(s, "writer %d line %d ", &w, &n) != 2 || w < 0 || w >= WRITERS)
        return 0;
    make_line(want, sizeof want, w, n);
    return strcmp(s, want) == 0;
}

static void *writer(void *arg)
{
    int w = (int)(long)arg;
    char line[LOG_LINE];
    for (int n = 0; n < LINES_EACH; n++) {
        make_line(line, sizeof line, w, n);
        log_msg("%s", line);
    }
    return NULL;
}

static void *reader(void *arg)
{
    char line[LOG_LINE];
    int torn = 0, read = 0;
    (void)arg;
    while (!__atomic_load_n(&writers_done, __ATOMIC_SEQ_CST)) {
        for (int i = log_count() - 1; i >= 0 && i >= log_count() - 16; i--)
            if (log_line(i, line, sizeof line) >= 0) {
                read++;
                torn += !line_is_whole(line);
            }
    }
    __atomic_add_fetch(&torn_lines, torn, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&lines_read, read, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_threads(void)
{
    pthread_t w[WRITERS], r[READERS];
    char line[LOG_LINE];
    log_quiet(1);
    for (int i = 0; i < READERS; i++)
        CHECK(pthread_create(&r[i], NULL, reader, NULL) == 0, "reader %d", i);
    for (long i = 0; i < WRITERS; i++)
        CHECK(pthread_create(&w[i], NULL, writer, (void *)i) == 0, "writer %ld", i);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i], NULL);
    __atomic_store_n(&writers_done, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < READERS; i++)
        pthread_join(r[i], NULL);
    CHECK(torn_lines == 0, "%d of %d lines read were torn", torn_lines, lines_read);
    CHECK(log_count() == LOG_RING, "ring holds %d lines", log_count());
    int last[WRITERS], ordered = 1, w_, n_;
    memset(last, -1, sizeof last);
    for (int i = 0; i < log_count(); i++)
        if (log_line(i, line, sizeof line) >= 0 && sscanf(line, "writer %d line %d", &w_, &n_) == 2 &&
            w_ >= 0 && w_ < WRITERS) {
            ordered &= n_ > last[w_];
            last[w_] = n_;
        }
    CHECK(ordered, "each writer's lines are kept in the order written");
    log_line(log_count() - 1, line, sizeof line);
    CHECK(sscanf(line, "writer %d line %d", &w_, &n_) == 2 && n_ == LINES_EACH - 1,
          "the newest line is a writer's last: %s", line);
}

static void test_bounds(void)
{
    char line[LOG_LINE] = "x", tiny[8];
    CHECK(log_line(-1, line, sizeof line) == -1 && line[0] == '\0', "negative index");
    CHECK(log_line(LOG_RING, line, sizeof line) == -1 && line[0] == '\0', "past the end");
    CHECK(log_line(0, NULL, 0) == -1, "no buffer");
    log_msg("a line longer than the tiny buffer");
    CHECK(log_line(log_count() - 1, tiny, sizeof tiny) > (int)sizeof tiny - 1, "length reported");
    CHECK(strlen(tiny) == sizeof tiny - 1, "truncated and terminated");
    CHECK(log_line(log_count() - 1, line, sizeof line) >= 0 &&
          strcmp(line, "a line longer than the tiny buffer") == 0, "newest line last");
}

int main(void)
{
    test_threads();
    test_bounds();
    return check_done();
}
