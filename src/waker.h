/*
 * waker.h — the kiosk's sleep between frames where SDL cannot sleep.
 *
 * SDL 2.26 sleeps in SDL_WaitEventTimeout only on video drivers that have
 * a wait of their own (X11, Wayland); on KMSDRM (the board) and offscreen
 * it polls every millisecond, about 900 wake-ups a second on an idle
 * screen.  A waker gives the window loop descriptors to sleep on instead:
 * the input devices SDL reads (each evdev reader gets its own copy of the
 * events, so ours only say "something happened" and are drained), an
 * inotify watch on their folder (a touchscreen plugged in), and an
 * eventfd that the kiosk's own threads write to (USB, mirrors, the shelf,
 * pictures).  The loop asks SDL for events after each wake.
 */
#ifndef FARO_WAKER_H
#define FARO_WAKER_H

#include <stddef.h>

#define WAKER_MAX_DEVICES 32

typedef struct waker waker;

/* Opens a waker over the event devices (event*) in input_dir (usually
 * /dev/input; NULL or a missing folder: none, only wake-ups).  A device
 * that cannot be opened is skipped: SDL could not read it either.
 * Returns NULL with err set when no eventfd can be made. */
waker *waker_new(const char *input_dir, char *err, size_t errlen);
void waker_free(waker *w);                     /* accepts NULL */

/* Wakes the waiting loop; safe from any thread (an eventfd write).  Wakes
 * made while nobody waits are kept until the next wait.  Accepts NULL. */
void waker_wake(waker *w);

/* Sleeps until an input device has events, the device folder changed (the
 * devices are opened again), waker_wake was called, or timeout_ms passed
 * (-1: no bound).  Drains what woke it.  Returns 1 when woken, 0 on
 * timeout, a negative FARO_E* code when poll fails. */
int waker_wait(waker *w, long timeout_ms);

/* How many input devices are watched (tests, logs). */
int waker_devices(const waker *w);

#endif
