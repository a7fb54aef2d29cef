/*
 * fsio.h — the two ways Faro touches whole files: a durable replace and a
 * bounded read.  See fsio.c.
 */
#ifndef FSIO_H
#define FSIO_H

#include <stddef.h>

/* fsio_read flags */
#define FSIO_NOFOLLOW 1   /* refuse a symbolic link (keys, signatures) */

/*
 * Replaces the file at path with the len bytes of data, durably: writes
 * path.tmp (created with mode, never following a link), fsyncs it,
 * renames it over path and fsyncs the folder (all through one open
 * folder descriptor).  After a power cut path is
 * either the old file or the new one, whole.  Returns 0, or FARO_EIO (or
 * FARO_ELIMIT for a path too long) with err naming the file; on failure
 * path is unchanged and path.tmp is gone.
 */
int fsio_write(const char *path, const void *data, size_t len, int mode,
               char *err, size_t errlen);

/*
 * The same inside the folder open as dirfd (the caller keeps it; open it
 * with O_NOFOLLOW to refuse a symlinked folder, as the usage export to a
 * USB stick does): name is a plain file name (no '/', FARO_ELIMIT
 * otherwise), dir only names the folder in messages (may be NULL).
 */
int fsio_write_at(int dirfd, const char *dir, const char *name, const void *data, size_t len,
                  int mode, char *err, size_t errlen);

/*
 * Finishes a replace whose temporary file tmp someone else wrote (SQLite,
 * a copy, a download): fsyncs tmp, renames it over path, fsyncs the
 * folder.  Returns 0, or FARO_EIO with err set; on failure tmp is removed
 * and path is unchanged.
 */
int fsio_commit(const char *tmp, const char *path, char *err, size_t errlen);

/*
 * Copies the regular file src over dst durably (through dst.tmp, as
 * fsio_write).  Returns 0 or FARO_EIO with err naming the file.
 */
int fsio_copy(const char *src, const char *dst, char *err, size_t errlen);

/*
 * fsyncs the folder dir (after a rename or an unlink in it).  A file
 * system that cannot sync folders (EINVAL, as some vfat mounts) counts as
 * done.  Returns 0, or FARO_EIO with errno set.
 */
int fsio_sync_dir(const char *dir);

/* The fault-injection hook every I/O step asks (tests only):
 * FARO_FAULT_AT=<step> kills the process (SIGKILL) at that step;
 * FARO_FAULT_AT=<step>:enospc or :eio makes it fail with that errno.
 * Returns 0 (carry on) or the errno the step must fail with. */
int fsio_fault(const char *step);

/* Writes all len bytes to fd, again after EINTR and short writes.  Returns
 * 0, or -1 with errno set (a write that wrote nothing counts as failed). */
int fsio_write_all(int fd, const void *data, size_t len);

/*
 * Reads the regular file at path whole, refusing more than max bytes (a
 * file of exactly max bytes is read).  *out gets a malloc'd buffer with a
 * NUL after the last byte (caller frees; wipe it first if it held a
 * secret).  Returns the length, or a negative code with err "PATH: why":
 * FARO_ENOTFOUND missing, FARO_ELIMIT larger than max, FARO_EIO not a
 * regular file or unreadable (errno kept), FARO_ENOMEM.  *out is NULL on
 * failure.  flags: FSIO_NOFOLLOW or 0.
 */
long fsio_read(const char *path, size_t max, int flags, char **out, char *err, size_t errlen);

#endif
