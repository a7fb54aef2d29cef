/*
 * fsio.c — one durable replace and one bounded read for every module.
 *
 * The idea: a file a kiosk writes must survive a pulled plug, and a file
 * it reads may be hostile, so both are done in exactly one place.  A
 * replace writes NAME.tmp, fsyncs it, renames it over NAME and fsyncs the
 * folder (the rename itself lives in the folder); a reader sees the old
 * file or the new one, never half of either.  A read checks the size
 * before allocating, reads at most one byte past the cap (a file that
 * grows meanwhile is still refused) and names the file in every message.
 *
 * Fault injection (tests): FARO_FAULT_AT=fsio.write|fsio.fsync|fsio.rename
 * with ":eio" or ":enospc" makes that step fail with that errno; the step
 * name alone kills the process there (a power cut), as install.c does.
 */
#include "fsio.h"
#include "faro.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FSIO_CHUNK (1 << 16)   /* bytes copied per read */

int fsio_fault(const char *step)
{
    const char *at = getenv("FARO_FAULT_AT");
    size_t n = strlen(step);
    if (!at || strncmp(at, step, n) != 0 || (at[n] != '\0' && at[n] != ':'))
        return 0;
    if (at[n] == '\0')
        raise(SIGKILL);
    return strcmp(at + n, ":enospc") == 0 ? ENOSPC : EIO;
}

/* Sets errno to e and returns -1: a failure the fault hook asked for. */
static int injected(int e)
{
    errno = e;
    return -1;
}

int fsio_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
    if (fd < 0)
        return FARO_EIO;
    rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && e != EINVAL) {
        errno = e;
        return FARO_EIO;
    }
    return 0;
}

/* fsyncs the folder holding path. */
static int fsync_parent(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return fsio_sync_dir(".");
    snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return fsio_sync_dir(dir);
}

int fsio_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Opens path.tmp for writing, fresh: an old one (or a link there) is removed. */
static int open_tmp(const char *path, char *tmp, size_t size, int mode)
{
    if ((size_t)snprintf(tmp, size, "%s.tmp", path) >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    unlink(tmp);
    return open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
}

int fsio_commit(const char *tmp, const char *path, char *err, size_t errlen)
{
    int fd = open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = fd < 0 ? -1 : 0, f;
    if (rc == 0)
        rc = (f = fsio_fault("fsio.fsync")) ? injected(f) : fsync(fd);
    int e = errno;
    if (fd >= 0)
        close(fd);
    if (rc == 0 && (rc = (f = fsio_fault("fsio.rename")) ? injected(f) : rename(tmp, path)) != 0)
        e = errno;
    if (rc != 0) {
        unlink(tmp);
        errno = e;
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(e));
    }
    if (fsync_parent(path) != 0)
        return faro_fail(err, errlen, FARO_EIO, "%s: cannot sync its folder: %s", path,
                         strerror(errno));
    return 0;
}

/* Writes data into a fresh dirfd/tmp and fsyncs it; 0 or -1 with errno set. */
static int write_tmp_at(int dirfd, const char *tmp, const void *data, size_t len, int mode)
{
    unlinkat(dirfd, tmp, 0);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode), f;
    if (fd < 0)
        return -1;
    int rc = (f = fsio_fault("fsio.write")) ? injected(f) : fsio_write_all(fd, data, len);
    if (rc == 0)
        rc = (f = fsio_fault("fsio.fsync")) ? injected(f) : fsync(fd);
    int e = errno;
    if (close(fd) != 0 && rc == 0)
        return -1;
    errno = e;
    return rc;
}

/* "dir/name" (or name alone) for messages. */
static const char *label(char *buf, size_t size, const char *dir, const char *name)
{
    if (dir)
        snprintf(buf, size, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    else
        snprintf(buf, size, "%s", name);
    return buf;
}

int fsio_write_at(int dirfd, const char *dir, const char *name, const void *data, size_t len,
                  int mode, char *err, size_t errlen)
{
    char tmp[NAME_MAX + 1], what[PATH_MAX];
    int f, rc;
    label(what, sizeof what, dir, name);
    if (strchr(name, '/') || (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", name) >= sizeof tmp)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: not a short file name", what);
    rc = write_tmp_at(dirfd, tmp, data, len, mode);
    if (rc == 0)
        rc = (f = fsio_fault("fsio.rename")) ? injected(f) : renameat(dirfd, tmp, dirfd, name);
    if (rc != 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        errno = e;
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", what, strerror(e));
    }
    if (fsync(dirfd) != 0 && errno != EINVAL)
        return faro_fail(err, errlen, FARO_EIO, "%s: cannot sync its folder: %s", what,
                         strerror(errno));
    return 0;
}

int fsio_write(const char *path, const void *data, size_t len, int mode,
               char *err, size_t errlen)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) >= sizeof dir)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: path too long", path);
    snprintf(dir, sizeof dir, "%.*s", !slash ? 1 : slash == path ? 1 : (int)(slash - path),
             slash ? path : ".");
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    int rc = fsio_write_at(dirfd, slash ? dir : NULL, slash ? slash + 1 : path, data, len, mode,
                           err, errlen);
    close(dirfd);
    return rc;
}

/* Copies every byte of fd `in` to fd `out`; 0 or -1 with errno set. */
static int copy_fd(int in, int out)
{
    char *buf = malloc(FSIO_CHUNK);
    ssize_t n = 0;
    int rc = buf ? 0 : -1;
    while (rc == 0 && (n = read(in, buf, FSIO_CHUNK)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        rc = n < 0 ? -1 : fsio_write_all(out, buf, (size_t)n);
    }
    free(buf);
    return rc;
}

int fsio_copy(const char *src, const char *dst, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1, e;
    if (in >= 0 && (out = open_tmp(dst, tmp, sizeof tmp, 0644)) >= 0)
        rc = (e = fsio_fault("fsio.write")) ? injected(e) : copy_fd(in, out);
    e = errno;
    if (out >= 0 && close(out) != 0 && rc == 0)
        rc = -1, e = errno;
    if (in >= 0)
        close(in);
    if (rc != 0) {
        if (out >= 0)
            unlink(tmp);
        errno = e;
        return faro_fail(err, errlen, FARO_EIO, "cannot copy %.200s to %.200s: %s", src, dst,
                         strerror(e));
    }
    return fsio_commit(tmp, dst, err, errlen);
}

/* Reads up to max + 1 bytes of fd into buf; the count or -1. */
static long read_upto(int fd, char *buf, size_t max)
{
    size_t got = 0;
    while (got <= max) {
        ssize_t n = read(fd, buf + got, max + 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (long)got;
}

/* The size of the open fd, a regular file of at most max bytes; or <0. */
static long long check_size(int fd, const char *path, size_t max, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return faro_fail(err, errlen, FARO_EIO, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > max)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: %lld bytes, more than the %zu allowed",
                         path, (long long)st.st_size, max);
    return (long long)st.st_size;
}

/* Reads the size bytes fstat promised into a new buffer (*out); a file
 * that grew meanwhile is refused. */
static long read_sized(int fd, const char *path, size_t size, char **out, char *err,
                       size_t errlen)
{
    char *buf = malloc(size + 2);
    long n = buf ? read_upto(fd, buf, size) : -2;
    if (n == -2)
        return faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", path);
    if (n < 0)
        n = faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    else if ((size_t)n > size)
        n = faro_fail(err, errlen, FARO_EIO, "%s: changed while being read", path);
    if (n < 0) {
        free(buf);
        return n;
    }
    buf[n] = '\0';
    *out = buf;
    return n;
}

long fsio_read(const char *path, size_t max, int flags, char **out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
                            (flags & FSIO_NOFOLLOW ? O_NOFOLLOW : 0));
    *out = NULL;
    if (fd < 0)
        return faro_fail(err, errlen, errno == ENOENT ? FARO_ENOTFOUND : FARO_EIO, "%s: %s",
                         path, strerror(errno));
    long long size = check_size(fd, path, max, err, errlen);
    long n = size < 0 ? (long)size : read_sized(fd, path, (size_t)size, out, err, errlen);
    int e = errno;
    close(fd);
    errno = e;
    return n;
}
