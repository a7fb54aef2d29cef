/*
 * notify.h — telling systemd the kiosk is up and alive (sd_notify's
 * protocol, without linking libsystemd).
 *
 * The unit (board/faro.service) is Type=notify with WatchdogSec: systemd
 * passes NOTIFY_SOCKET (a datagram socket's path, '@' for the abstract
 * namespace) and WATCHDOG_USEC; the window loop sends READY=1 after the
 * first frame and WATCHDOG=1 at least every half interval, so a kiosk that
 * hangs (a stuck loop, SIGSTOP, a dead display) is killed and restarted.
 * Outside systemd every call does nothing.
 */
#ifndef FARO_NOTIFY_H
#define FARO_NOTIFY_H

/* Sends one state line ("READY=1", "WATCHDOG=1", "STATUS=...") to
 * $NOTIFY_SOCKET.  Returns 1 when sent, 0 when there is no socket (not
 * under systemd), a negative FARO_E* code when sending failed. */
int notify_send(const char *state);

/* Milliseconds between two watchdog pings the loop must keep (half of
 * $WATCHDOG_USEC), or -1 when no watchdog is asked for (or WATCHDOG_PID
 * names another process). */
long notify_watchdog_ms(void);

#endif
