/*
 * waker.c — poll(2) over the input devices, their folder and an eventfd.
 *
 * The idea: the loop never needs to know what woke it, only that SDL may
 * have something now.  So every source is a descriptor that becomes
 * readable, and waking drains them all (a read until EAGAIN), which keeps
 * a level-triggered poll from spinning.  Our evdev descriptors are
 * separate readers of the same devices SDL reads, so draining ours takes
 * nothing from SDL.  A device folder change closes and reopens the
 * devices (a touchscreen plugged in late, or unplugged).
 *
 * Invariants:
 *   1. A wake written before waker_wait starts is not lost: the eventfd
 *      stays readable until a wait drains it.
 *   2. waker_wait returns only after draining every descriptor that was
 *      readable, so the next wait sleeps.
 *   3. At most WAKER_MAX_DEVICES devices; a device that errors (unplugged)
 *      is closed and dropped.
 */
#include "waker.h"
#include "faro.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

struct waker {
    int efd;                            /* waker_wake writes here */
    int ifd;                            /* inotify on the device folder, -1 when none */
    char dir[256];
    int ndev;
    int dev[WAKER_MAX_DEVICES];
};

static void close_devices(waker *w)
{
    for (int i = 0; i < w->ndev; i++)
        close(w->dev[i]);
    w->ndev = 0;
}

static void open_devices(waker *w)
{
    char path[512];
    DIR *d = *w->dir ? opendir(w->dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d)) && w->ndev < WAKER_MAX_DEVICES;) {
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", w->dir, e->d_name);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0)
            w->dev[w->ndev++] = fd;
    }
    if (d)
        closedir(d);
}

waker *waker_new(const char *input_dir, char *err, size_t errlen)
{
    waker *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "waker: out of memory");
        return NULL;
    }
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->efd < 0) {
        snprintf(err, errlen, "waker: eventfd: %s", strerror(errno));
        free(w);
        return NULL;
    }
    w->ifd = -1;
    snprintf(w->dir, sizeof w->dir, "%s", input_dir ? input_dir : "");
    if (*w->dir) {
        w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->ifd >= 0 && inotify_add_watch(w->ifd, w->dir, IN_CREATE | IN_DELETE | IN_ATTRIB) < 0) {
            close(w->ifd);
            w->ifd = -1;                /* no folder: no devices to watch either */
        }
        open_devices(w);
    }
    return w;
}

void waker_free(waker *w)
{
    if (!w)
        return;
    close_devices(w);
    if (w->ifd >= 0)
        close(w->ifd);
    close(w->efd);
    free(w);
}

void waker_wake(waker *w)
{
    uint64_t one = 1;
    if (w && write(w->efd, &one, sizeof one) < 0 && errno != EAGAIN)
        return;                         /* EAGAIN: the counter is full, a wake is pending anyway */
}

int waker_devices(const waker *w) { return w ? w->ndev : 0; }

/* Reads fd until it has nothing more; 1 when it failed for good. */
static int drain(int fd)
{
    unsigned char buf[1024];            /* evdev records, inotify records, the eventfd count */
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        ;
    explicit_bzero(buf, sizeof buf);    /* touch coordinates are not kept either */
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

int waker_wait(waker *w, long timeout_ms)
{
    struct pollfd p[WAKER_MAX_DEVICES + 2];
    int n = 0;
    p[n++] = (struct pollfd){ .fd = w->efd, .events = POLLIN };
    if (w->ifd >= 0)
        p[n++] = (struct pollfd){ .fd = w->ifd, .events = POLLIN };
    int first_dev = n;
    for (int i = 0; i < w->ndev; i++)
        p[n++] = (struct pollfd){ .fd = w->dev[i], .events = POLLIN };
    int rc = poll(p, (nfds_t)n, timeout_ms < 0 ? -1 : (int)(timeout_ms > 0x7fffffff ? 0x7fffffff : timeout_ms));
    if (rc < 0)
        return errno == EINTR ? 1 : FARO_EIO;
    if (rc == 0)
        return 0;
    int rescan = 0;
    for (int i = 0; i < n; i++) {
        if (!p[i].revents)
            continue;
        int dead = drain(p[i].fd) || (p[i].revents & (POLLERR | POLLHUP | POLLNVAL));
        rescan |= (w->ifd >= 0 && p[i].fd == w->ifd) || (i >= first_dev && dead);
    }
    if (rescan) {                       /* a device came or went: open the set again */
        close_devices(w);
        open_devices(w);
    }
    return 1;
}
