/*
 * notify.c — sd_notify's datagram, by hand: one sendto(2) of "KEY=VALUE"
 * to the AF_UNIX socket systemd names in NOTIFY_SOCKET.  That is the whole
 * protocol for READY and WATCHDOG, so Faro needs no libsystemd.
 */
#include "notify.h"
#include "faro.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int notify_send(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t n = path ? strlen(path) : 0;
    if (!path || n == 0 || (path[0] != '/' && path[0] != '@'))
        return 0;
    if (n >= sizeof sa.sun_path)
        return FARO_EINVAL;
    memcpy(sa.sun_path, path, n);
    if (path[0] == '@')
        sa.sun_path[0] = 0;             /* the abstract namespace */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return FARO_EIO;
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    ssize_t sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
    close(fd);
    return sent == (ssize_t)strlen(state) ? 1 : FARO_EIO;
}

long notify_watchdog_ms(void)
{
    const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
    char *end;
    if (!usec || !*usec)
        return -1;
    if (pid && *pid && strtol(pid, NULL, 10) != (long)getpid())
        return -1;
    long long us = strtoll(usec, &end, 10);
    if (*end || us <= 0)
        return -1;
    long ms = (long)(us / 2000);        /* half the interval, as sd_watchdog_enabled advises */
    return ms > 0 ? ms : 1;
}
