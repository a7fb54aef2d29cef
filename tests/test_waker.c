/* test_waker.c — the loop's sleep where SDL only polls: a wake from
 * another thread, a wake made before the wait, "input" on a device (FIFOs
 * stand in for /dev/input/event*: poll sees them the same way), a device
 * plugged in after the start, and the timeout when nothing happens. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "waker.h"

static char dir[] = "/tmp/faro-test-waker-XXXXXX";

static void *wake_later(void *arg)
{
    struct timespec t = { 0, 20 * 1000000L };
    nanosleep(&t, NULL);
    waker_wake(arg);
    return NULL;
}

static void test_wakes(void)
{
    char err[256];
    waker *w = waker_new(NULL, err, sizeof err);
    CHECK(w != NULL, "waker: %s", err);
    if (!w)
        return;
    CHECK(waker_wait(w, 0) == 0, "nothing pending: times out");
    CHECK(waker_wait(w, 30) == 0, "nothing happens in 30 ms: times out");
    waker_wake(w);
    waker_wake(w);
    CHECK(waker_wait(w, 5000) == 1, "a wake made before the wait is not lost");
    CHECK(waker_wait(w, 0) == 0, "two wakes are drained by one wait: the next sleeps");
    pthread_t th;
    pthread_create(&th, NULL, wake_later, w);
    CHECK(waker_wait(w, 5000) == 1, "woken from another thread");
    pthread_join(th, NULL);
    CHECK(waker_devices(w) == 0, "no device folder, no devices");
    waker_free(w);
    waker_free(NULL);
    waker_wake(NULL);
}

static void test_devices(void)
{
    char err[256], path[256];
    snprintf(path, sizeof path, "%s/event0", dir);
    CHECK(mkfifo(path, 0600) == 0, "fifo");
    snprintf(path, sizeof path, "%s/mouse0", dir);
    CHECK(mkfifo(path, 0600) == 0, "fifo");
    waker *w = waker_new(dir, err, sizeof err);
    CHECK(w != NULL && waker_devices(w) == 1, "event0 watched, mouse0 not: %d", waker_devices(w));
    snprintf(path, sizeof path, "%s/event0", dir);
    int in = open(path, O_WRONLY | O_NONBLOCK);
    CHECK(in >= 0, "writer");
    CHECK(waker_wait(w, 0) == 0, "an idle device does not wake");
    CHECK(write(in, "touch", 5) == 5, "input");
    CHECK(waker_wait(w, 5000) == 1, "input on a device wakes");
    CHECK(waker_wait(w, 0) == 0, "and is drained: the next wait sleeps");
    snprintf(path, sizeof path, "%s/event1", dir);
    CHECK(mkfifo(path, 0600) == 0, "a device plugged in");
    CHECK(waker_wait(w, 5000) == 1, "the device folder changing wakes");
    CHECK(waker_devices(w) == 2, "the new device is watched: %d", waker_devices(w));
    int in2 = open(path, O_WRONLY | O_NONBLOCK);
    CHECK(in2 >= 0 && write(in2, "x", 1) == 1, "input on the new device");
    CHECK(waker_wait(w, 5000) == 1, "it wakes too");
    close(in);
    close(in2);
    waker_free(w);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    test_wakes();
    test_devices();
    check_sh("rm -rf %s", dir);
    return check_done();
}
