/*
 * test_fsio.c — the durable replace and the bounded read (src/fsio.c).
 *
 * Replace (fsio_write, and fsio_write_at in an open folder): the result is
 * whole, no .tmp is left, an old file is replaced,
 * a missing or read-only folder fails with a message naming the file and
 * leaves nothing; a failing write/fsync/rename (FARO_FAULT_AT) leaves the
 * old file as it was; a process killed between fsync and rename leaves
 * the old file and a stray .tmp that the next replace clears.  Copy and
 * commit the same.  Read: missing, oversized, exactly at the cap, one
 * past it, empty, a folder, a symlink with FSIO_NOFOLLOW.
 */
#include "check.h"
#include "faro.h"
#include "fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/faro-fsio-XXXXXX";

static const char *P(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* The file's whole text (static buffer), or "" when unreadable. */
static const char *text_of(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

static void make_file(const char *path, size_t len, char fill)
{
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; f && i < len; i++)
        fputc(fill, f);
    if (f)
        fclose(f);
}

static void test_write(void)
{
    char err[FARO_MAX_ERRLEN] = "", tmp[600];
    struct stat st;
    CHECK(fsio_write(P("a.txt"), "hello\n", 6, 0640, err, sizeof err) == 0, "write: %s", err);
    CHECK_STR(text_of(P("a.txt")), "hello\n");
    snprintf(tmp, sizeof tmp, "%s.tmp", P("a.txt"));
    CHECK(!exists(tmp), "no .tmp left");
    CHECK(stat(P("a.txt"), &st) == 0 && (st.st_mode & 0777) == 0640, "mode 0640");
    CHECK(fsio_write(P("a.txt"), "second", 6, 0640, err, sizeof err) == 0, "replace: %s", err);
    CHECK_STR(text_of(P("a.txt")), "second");
    CHECK(fsio_write(P("empty"), "", 0, 0644, err, sizeof err) == 0, "empty file");
    CHECK(stat(P("empty"), &st) == 0 && st.st_size == 0, "empty file is empty");

    CHECK(fsio_write(P("missing/x.txt"), "x", 1, 0644, err, sizeof err) == FARO_EIO, "missing folder");
    CHECK_CONTAINS(err, "missing/x.txt");
    /* a read-only folder (root writes anywhere mode bits allow, so it gets /proc) */
    mkdir(P("ro"), 0555);
    const char *ro = geteuid() == 0 ? "/proc/faro-fsio-test.txt" : P("ro/x.txt");
    CHECK(fsio_write(ro, "x", 1, 0644, err, sizeof err) == FARO_EIO, "read-only folder");
    CHECK_CONTAINS(err, ro);
    /* a symlink planted at the temporary name is removed, never followed */
    make_file(P("victim"), 4, 'v');
    snprintf(tmp, sizeof tmp, "%s.tmp", P("b.txt"));
    CHECK(symlink(P("victim"), tmp) == 0, "plant a link at b.txt.tmp");
    CHECK(fsio_write(P("b.txt"), "b", 1, 0644, err, sizeof err) == 0, "write past the link: %s", err);
    CHECK_STR(text_of(P("victim")), "vvvv");
    CHECK_STR(text_of(P("b.txt")), "b");
}

static void test_write_at(void)
{
    char err[FARO_MAX_ERRLEN];
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open the folder");
    CHECK(fsio_write_at(dfd, dir, "at.txt", "at", 2, 0600, err, sizeof err) == 0, "write_at: %s", err);
    CHECK_STR(text_of(P("at.txt")), "at");
    CHECK(!exists(P("at.txt.tmp")), "write_at leaves no .tmp");
    CHECK(fsio_write_at(dfd, dir, "sub/x", "x", 1, 0600, err, sizeof err) == FARO_ELIMIT,
          "a name with a '/' is refused");
    CHECK_CONTAINS(err, "sub/x");
    close(dfd);
}

static void test_faults(void)
{
    static const char *const steps[] = { "fsio.write:eio", "fsio.fsync:enospc", "fsio.rename:eio" };
    char err[FARO_MAX_ERRLEN], tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", P("c.txt"));
    CHECK(fsio_write(P("c.txt"), "old", 3, 0644, err, sizeof err) == 0, "old c.txt");
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        setenv("FARO_FAULT_AT", steps[i], 1);
        int rc = fsio_write(P("c.txt"), "new!", 4, 0644, err, sizeof err);
        unsetenv("FARO_FAULT_AT");
        CHECK(rc == FARO_EIO, "%s fails", steps[i]);
        CHECK_CONTAINS(err, "c.txt");
        CHECK_STR(text_of(P("c.txt")), "old");
        CHECK(!exists(tmp), "%s: no .tmp left", steps[i]);
    }
    setenv("FARO_FAULT_AT", "fsio.fsync:enospc", 1);
    fsio_write(P("c.txt"), "new!", 4, 0644, err, sizeof err);
    unsetenv("FARO_FAULT_AT");
    CHECK_CONTAINS(err, strerror(ENOSPC));

    /* a power cut between fsync and rename: the old file stays whole */
    pid_t pid = fork();
    if (pid == 0) {
        setenv("FARO_FAULT_AT", "fsio.rename", 1);
        fsio_write(P("c.txt"), "new!", 4, 0644, NULL, 0);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed at the rename");
    CHECK_STR(text_of(P("c.txt")), "old");
    CHECK(exists(tmp) && !strcmp(text_of(tmp), "new!"), "the whole new text is in .tmp");
    CHECK(fsio_write(P("c.txt"), "next", 4, 0644, err, sizeof err) == 0, "next write: %s", err);
    CHECK_STR(text_of(P("c.txt")), "next");
    CHECK(!exists(tmp), "the stray .tmp is gone");
}

static void test_copy_commit(void)
{
    char err[FARO_MAX_ERRLEN], tmp[600];
    make_file(P("src.bin"), 200000, 's');
    CHECK(fsio_copy(P("src.bin"), P("dst.bin"), err, sizeof err) == 0, "copy: %s", err);
    struct stat st;
    CHECK(stat(P("dst.bin"), &st) == 0 && st.st_size == 200000, "copy is whole");
    snprintf(tmp, sizeof tmp, "%s.tmp", P("dst.bin"));
    CHECK(!exists(tmp), "copy leaves no .tmp");
    CHECK(fsio_copy(P("nope"), P("dst2.bin"), err, sizeof err) == FARO_EIO, "copy of a missing file");
    CHECK_CONTAINS(err, "nope");
    CHECK(!exists(P("dst2.bin")), "nothing written");

    make_file(P("d.new"), 10, 'd');
    CHECK(fsio_commit(P("d.new"), P("d"), err, sizeof err) == 0, "commit: %s", err);
    CHECK(exists(P("d")) && !exists(P("d.new")), "committed");
    CHECK(fsio_commit(P("d.new"), P("d"), err, sizeof err) == FARO_EIO, "commit of a missing tmp");
    CHECK_STR(text_of(P("d")), "dddddddddd");
    CHECK(fsio_sync_dir(dir) == 0, "folder sync");
    CHECK(fsio_sync_dir(P("no-such-dir")) == FARO_EIO, "folder sync of a missing folder");
}

static void test_read(void)
{
    char err[FARO_MAX_ERRLEN], *buf = (char *)1;
    long n = fsio_read(P("absent"), 100, 0, &buf, err, sizeof err);
    CHECK(n == FARO_ENOTFOUND && buf == NULL, "missing: %ld", n);
    CHECK_CONTAINS(err, "absent");

    make_file(P("cap"), 100, 'x');
    n = fsio_read(P("cap"), 100, 0, &buf, err, sizeof err);
    CHECK(n == 100 && buf && buf[100] == '\0' && buf[99] == 'x', "exactly at the cap: %ld", n);
    free(buf);
    n = fsio_read(P("cap"), 99, 0, &buf, err, sizeof err);
    CHECK(n == FARO_ELIMIT && buf == NULL, "one byte past the cap: %ld", n);
    CHECK_CONTAINS(err, "cap: 100 bytes, more than the 99 allowed");

    make_file(P("big"), 1 << 20, 'b');
    n = fsio_read(P("big"), 4096, 0, &buf, err, sizeof err);
    CHECK(n == FARO_ELIMIT, "oversized");
    CHECK_CONTAINS(err, "big");

    make_file(P("zero"), 0, 0);
    n = fsio_read(P("zero"), 100, 0, &buf, err, sizeof err);
    CHECK(n == 0 && buf && buf[0] == '\0', "empty: %ld", n);
    free(buf);

    n = fsio_read(dir, 100, 0, &buf, err, sizeof err);
    CHECK(n == FARO_EIO && buf == NULL, "a folder");
    CHECK_CONTAINS(err, "not a regular file");

    CHECK(symlink(P("cap"), P("link")) == 0, "symlink");
    n = fsio_read(P("link"), 100, FSIO_NOFOLLOW, &buf, err, sizeof err);
    CHECK(n == FARO_EIO && buf == NULL, "a symlink with FSIO_NOFOLLOW");
    CHECK_CONTAINS(err, "link");
    n = fsio_read(P("link"), 100, 0, &buf, err, sizeof err);
    CHECK(n == 100, "a symlink followed without it");
    free(buf);
    n = fsio_read(P("absent"), 100, 0, &buf, NULL, 0);
    CHECK(n == FARO_ENOTFOUND, "no message buffer");
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_write();
    test_write_at();
    test_faults();
    test_copy_commit();
    test_read();
    if (check_failed == 0)
        check_sh("chmod -R u+w '%s' && rm -rf '%s'", dir, dir);
    return check_done();
}
