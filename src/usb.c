/*
 * usb.c — a thread that notices USB sticks with packs and installs them.
 *
 * The idea: sleep until something changes, then look.  The thread blocks
 * in poll(2) on three things: /proc/self/mountinfo (the kernel flags it
 * when any mount appears or goes, which is how an automounted stick
 * arrives), an inotify descriptor on the roots and the folders under them
 * (a folder created or moved in, a file finished), and a pipe that
 * usb_rescan and usb_stop write to.  Any wake-up leads to one scan of
 * ROOT/X/faro and ROOT/X/Y/faro; every NAME.faro there that was not
 * handled before (same device, inode, size and time for it and its
 * .minisig) goes to install_pack, in name order, and the callback hears
 * about each step.  The stick is never trusted: entries are read with
 * lstat (a symlinked faro/ folder is ignored; a symlinked or FIFO pack is
 * handed on so that the installer refuses it by name), folders are read
 * up to USB_MAX_DIR_ENTRIES, and at most USB_MAX_PACKS packs per stick.
 * When a key pack was installed from a stick, the packs on it refused for
 * their key are tried once more (a stick may carry a new key and the packs
 * it signs).  Nothing polls on a timer: idle costs no CPU.
 */
#include "usb.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define USB_PATH_LEN  1024
#define USB_MAX_SEEN  256
#define USB_NAME_LEN  256

struct seen_file {
    dev_t dev;
    ino_t ino;
    off_t size, sig_size;
    struct timespec mtime, sig_mtime;
    int mark;
};

struct usb_watch {
    installer *in;
    usb_fn fn;
    void *user;
    char roots[USB_MAX_ROOTS][USB_PATH_LEN];
    int nroots;
    int inotify_fd, mount_fd, wake[2];
    atomic_int stop;
    pthread_t thread;
    int nseen;
    struct seen_file seen[USB_MAX_SEEN];
};

/* One stick being handled. */
struct stick {
    usb_watch *w;
    char dir[USB_PATH_LEN];
    int count, index;
    char names[USB_MAX_PACKS][USB_NAME_LEN];
    install_result res[USB_MAX_PACKS];
};

/* ---------------------------------------------------------------- seen set */

static void seen_key(const char *path, struct seen_file *k)
{
    char sig[USB_PATH_LEN + USB_NAME_LEN + 24];
    struct stat st;
    memset(k, 0, sizeof *k);
    if (lstat(path, &st) == 0) {
        k->dev = st.st_dev;
        k->ino = st.st_ino;
        k->size = st.st_size;
        k->mtime = st.st_mtim;
    }
    snprintf(sig, sizeof sig, "%s.minisig", path);
    k->sig_size = -1;
    if (lstat(sig, &st) == 0) {
        k->sig_size = st.st_size;
        k->sig_mtime = st.st_mtim;
    }
}

static int same_key(const struct seen_file *a, const struct seen_file *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->sig_size == b->sig_size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec && a->sig_mtime.tv_sec == b->sig_mtime.tv_sec &&
           a->sig_mtime.tv_nsec == b->sig_mtime.tv_nsec;
}

/* 1 when the file was handled before (and marks it still present). */
static int seen_before(usb_watch *w, const struct seen_file *k)
{
    for (int i = 0; i < w->nseen; i++)
        if (same_key(&w->seen[i], k)) {
            w->seen[i].mark = 1;
            return 1;
        }
    return 0;
}

static void seen_add(usb_watch *w, const struct seen_file *k)
{
    if (w->nseen == USB_MAX_SEEN)
        memmove(w->seen, w->seen + 1, (USB_MAX_SEEN - 1) * sizeof w->seen[0]);
    else
        w->nseen++;
    w->seen[w->nseen - 1] = *k;
    w->seen[w->nseen - 1].mark = 1;
}

/* Forgets files not found by the last scan (their stick went away). */
static void seen_sweep(usb_watch *w)
{
    int j = 0;
    for (int i = 0; i < w->nseen; i++)
        if (w->seen[i].mark)
            w->seen[j++] = w->seen[i];
    w->nseen = j;
    for (int i = 0; i < w->nseen; i++)
        w->seen[i].mark = 0;
}

/* ---------------------------------------------------------------- events */

static void emit(struct stick *s, int kind, const install_result *r,
                 unsigned long long done, unsigned long long total)
{
    usb_event ev = { .kind = kind, .stick = s->dir, .index = s->index, .count = s->count,
                     .done = done, .total = total, .result = r };
    if (kind != USB_STICK_FOUND && kind != USB_STICK_DONE)
        ev.pack = s->names[s->index];
    if (kind == USB_STICK_DONE)
        for (int i = 0; i < s->count; i++) {
            ev.installed += s->res[i].code == 0 && s->res[i].why != INSTALL_ALREADY;
            ev.refused += s->res[i].code != 0;
        }
    if (s->w->fn)
        s->w->fn(s->w->user, &ev);
}

static void on_progress(void *user, const char *name, unsigned long long done,
                        unsigned long long total)
{
    emit(user, USB_PACK_PROGRESS, NULL, done, total);
}

static void install_one(struct stick *s, int i)
{
    char path[USB_PATH_LEN + USB_NAME_LEN + 8];
    s->index = i;
    snprintf(path, sizeof path, "%s/faro/%s", s->dir, s->names[i]);
    emit(s, USB_PACK_START, NULL, 0, 0);
    install_pack(s->w->in, path, NULL, on_progress, s, &s->res[i]);
    emit(s, USB_PACK_DONE, &s->res[i], 0, 0);
}

/* Installs every new pack of the stick; packs refused for their key are
 * tried again once if a key pack went in. */
static void handle_stick(struct stick *s)
{
    int keys = 0;
    log_msg("usb: %s: %d new pack(s)", s->dir, s->count);
    emit(s, USB_STICK_FOUND, NULL, 0, 0);
    for (int i = 0; i < s->count && !s->w->stop; i++) {
        install_one(s, i);
        keys |= s->res[i].code == 0 && strcmp(s->res[i].type, "keys") == 0 &&
                s->res[i].why != INSTALL_ALREADY;
    }
    for (int i = 0; keys && i < s->count && !s->w->stop; i++)
        if (s->res[i].why == INSTALL_UNKNOWN_KEY || s->res[i].why == INSTALL_OUT_OF_SCOPE)
            install_one(s, i);
    emit(s, USB_STICK_DONE, NULL, 0, 0);
}

/* ---------------------------------------------------------------- scanning */

static int is_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void watch_dir(usb_watch *w, const char *path)
{
    inotify_add_watch(w->inotify_fd, path, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE |
                      IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int pack_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && n < USB_NAME_LEN && strcmp(name + n - 5, ".faro") == 0;
}

/* Collects the new packs in dir/faro into s (sorted); returns the count. */
static int new_packs(usb_watch *w, struct stick *s)
{
    char faro[USB_PATH_LEN + 8], path[USB_PATH_LEN + USB_NAME_LEN + 8];
    struct seen_file k;
    int entries = 0;
    DIR *d;
    snprintf(faro, sizeof faro, "%s/faro", s->dir);
    if (!is_dir(faro) || !(d = opendir(faro)))
        return 0;
    watch_dir(w, faro);
    s->count = 0;
    for (struct dirent *e; (e = readdir(d)) && ++entries <= USB_MAX_DIR_ENTRIES &&
                           s->count < USB_MAX_PACKS;) {
        if (!pack_name(e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", faro, e->d_name);
        seen_key(path, &k);
        if (seen_before(w, &k))
            continue;
        seen_add(w, &k);
        snprintf(s->names[s->count++], USB_NAME_LEN, "%s", e->d_name);
    }
    closedir(d);
    qsort(s->names, (size_t)s->count, USB_NAME_LEN, cmp_names);
    return s->count;
}

static void check_stick(usb_watch *w, const char *dir)
{
    struct stick *s = calloc(1, sizeof *s);
    if (!s)
        return;
    s->w = w;
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    if (new_packs(w, s) > 0)
        handle_stick(s);
    free(s);
}

/* Looks at dir/faro, then (depth > 0) at every folder under dir. */
static void scan_dir(usb_watch *w, const char *dir, int depth)
{
    char path[USB_PATH_LEN];
    int entries = 0;
    DIR *d = opendir(dir);
    if (!d)
        return;
    watch_dir(w, dir);
    for (struct dirent *e; (e = readdir(d)) && ++entries <= USB_MAX_DIR_ENTRIES && !w->stop;) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "faro") == 0)
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path ||
            !is_dir(path))
            continue;
        check_stick(w, path);
        if (depth > 0)
            scan_dir(w, path, depth - 1);
    }
    closedir(d);
}

static void scan(usb_watch *w)
{
    for (int i = 0; i < w->nroots && !w->stop; i++)
        scan_dir(w, w->roots[i], 1);
    seen_sweep(w);
}

/* ---------------------------------------------------------------- thread */

static void drain(int fd, int rewind)
{
    char buf[4096] __attribute__((aligned(8)));
    if (rewind)
        lseek(fd, 0, SEEK_SET);
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

static void *watch_main(void *arg)
{
    usb_watch *w = arg;
    struct pollfd fds[3] = {
        { .fd = w->wake[0], .events = POLLIN },
        { .fd = w->inotify_fd, .events = POLLIN },
        { .fd = w->mount_fd, .events = POLLPRI },
    };
    int nfds = w->mount_fd >= 0 ? 3 : 2;
    scan(w);
    while (!w->stop) {
        if (poll(fds, (nfds_t)nfds, -1) < 0 && errno != EINTR)
            break;
        if (fds[0].revents)
            drain(w->wake[0], 0);
        if (fds[1].revents)
            drain(w->inotify_fd, 0);
        if (nfds == 3 && fds[2].revents)
            drain(w->mount_fd, 1);
        if (!w->stop)
            scan(w);
    }
    return NULL;
}

static int set_roots(usb_watch *w, const char *const *roots)
{
    static const char *const defaults[] = { "/media", "/run/media", NULL };
    if (!roots)
        roots = defaults;
    for (int i = 0; roots[i]; i++) {
        if (w->nroots == USB_MAX_ROOTS || strlen(roots[i]) >= USB_PATH_LEN)
            return -1;
        snprintf(w->roots[w->nroots++], USB_PATH_LEN, "%s", roots[i]);
    }
    return 0;
}

usb_watch *usb_start(installer *in, const char *const *roots, usb_fn fn, void *user,
                     char *err, size_t errlen)
{
    usb_watch *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->in = in;
    w->fn = fn;
    w->user = user;
    w->wake[0] = w->wake[1] = -1;
    w->mount_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (set_roots(w, roots) != 0) {
        snprintf(err, errlen, "too many or too long mount roots (at most %d)", USB_MAX_ROOTS);
        goto fail;
    }
    if (w->inotify_fd < 0 || pipe2(w->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        snprintf(err, errlen, "usb watcher: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
        snprintf(err, errlen, "usb watcher: cannot start its thread");
        goto fail;
    }
    return w;
fail:
    if (w->mount_fd >= 0)
        close(w->mount_fd);
    if (w->inotify_fd >= 0)
        close(w->inotify_fd);
    if (w->wake[0] >= 0) {
        close(w->wake[0]);
        close(w->wake[1]);
    }
    free(w);
    return NULL;
}

void usb_rescan(usb_watch *w)
{
    if (w && write(w->wake[1], "r", 1) < 0)
        log_msg("usb: cannot wake the watcher: %s", strerror(errno));
}

void usb_stop(usb_watch *w)
{
    if (!w)
        return;
    w->stop = 1;
    usb_rescan(w);
    pthread_join(w->thread, NULL);
    if (w->mount_fd >= 0)
        close(w->mount_fd);
    close(w->inotify_fd);
    close(w->wake[0]);
    close(w->wake[1]);
    free(w);
}
