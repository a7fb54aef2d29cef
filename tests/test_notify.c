/* test_notify.c — systemd's notify protocol by hand: READY and WATCHDOG
 * datagrams reach a socket named by NOTIFY_SOCKET (a path, or '@' for the
 * abstract namespace); the watchdog interval is read from WATCHDOG_USEC;
 * and end to end, the kiosk's window loop (SDL's offscreen driver, idle on
 * the language screen, otherwise asleep) says READY=1 after its first
 * frame, keeps feeding the watchdog, and leaves by its exit path when
 * systemd sends SIGTERM. */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "notify.h"

static int listen_at(const char *path, int abstract)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t n = strlen(path);
    memcpy(sa.sun_path, path, n);
    if (abstract)
        sa.sun_path[0] = 0;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct timeval tv = { 10, 0 };      /* a bound, not a timing check: a broken kiosk must not hang the test */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) != 0)
        return -1;
    return fd;
}

static int receive(int fd, char *buf, size_t size)
{
    ssize_t n = recv(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    return (int)n;
}

static void test_protocol(const char *dir)
{
    char path[256], buf[64];
    unsetenv("NOTIFY_SOCKET");
    CHECK(notify_send("READY=1") == 0, "no socket outside systemd: nothing sent");
    snprintf(path, sizeof path, "%s/notify", dir);
    int fd = listen_at(path, 0);
    CHECK(fd >= 0, "listener");
    setenv("NOTIFY_SOCKET", path, 1);
    CHECK(notify_send("READY=1") == 1, "sent");
    CHECK(receive(fd, buf, sizeof buf) > 0 && !strcmp(buf, "READY=1"), "got \"%s\"", buf);
    close(fd);
    snprintf(path, sizeof path, "@faro-test-notify-%d", (int)getpid());
    fd = listen_at(path, 1);
    setenv("NOTIFY_SOCKET", path, 1);
    CHECK(notify_send("WATCHDOG=1") == 1, "sent to the abstract namespace");
    CHECK(receive(fd, buf, sizeof buf) > 0 && !strcmp(buf, "WATCHDOG=1"), "got \"%s\"", buf);
    close(fd);
    setenv("NOTIFY_SOCKET", "relative/path", 1);
    CHECK(notify_send("READY=1") == 0, "a socket that is neither a path nor abstract is ignored");
    unsetenv("NOTIFY_SOCKET");
}

static void test_interval(void)
{
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
    CHECK(notify_watchdog_ms() == -1, "no watchdog asked for");
    setenv("WATCHDOG_USEC", "30000000", 1);
    CHECK(notify_watchdog_ms() == 15000, "half of 30 s: %ld", notify_watchdog_ms());
    setenv("WATCHDOG_USEC", "30s", 1);
    CHECK(notify_watchdog_ms() == -1, "garbage is no watchdog");
    setenv("WATCHDOG_USEC", "1000000", 1);
    setenv("WATCHDOG_PID", "1", 1);
    CHECK(notify_watchdog_ms() == -1, "a watchdog for another process is not ours");
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    CHECK(notify_watchdog_ms() == 500, "ours: %ld", notify_watchdog_ms());
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
}

/* The kiosk under a pretend systemd: READY=1, then WATCHDOG=1 again and
 * again from an otherwise idle loop. */
static void test_kiosk(const char *dir)
{
    char path[256], faro[256], buf[64];
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    snprintf(faro, sizeof faro, "%s/asan/faro", build);
    snprintf(path, sizeof path, "%s/kiosk", dir);
    int fd = listen_at(path, 0);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("NOTIFY_SOCKET", path, 1);
        setenv("WATCHDOG_USEC", "200000", 1);
        setenv("SDL_VIDEODRIVER", "offscreen", 1);
        setenv("HOME", dir, 1);
        execl(faro, faro, "--desktop", (char *)NULL);
        _exit(127);
    }
    int ready = 0, pings = 0;
    for (int i = 0; i < 40 && pings < 5; i++) {
        if (receive(fd, buf, sizeof buf) <= 0)
            break;
        ready |= !strcmp(buf, "READY=1");
        pings += ready && !strcmp(buf, "WATCHDOG=1");
    }
    CHECK(ready, "the kiosk said READY=1 after its first frame");
    CHECK(pings == 5, "and fed the watchdog from its loop (%d pings)", pings);
    int status = 0;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "SIGTERM ends the loop the normal way (the exit path writes what is in memory): status %d", status);
    close(fd);
}

int main(void)
{
    char dir[] = "/tmp/faro-test-notify-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    test_protocol(dir);
    test_interval();
    test_kiosk(dir);
    check_sh("rm -rf %s", dir);
    return check_done();
}
