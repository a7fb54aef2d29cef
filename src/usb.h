/*
 * usb.h — watches the mount roots for USB sticks carrying packs and hands
 * each pack to the installer, on a thread of its own.
 *
 * A stick is any folder ROOT/LABEL or ROOT/USER/LABEL that holds a folder
 * faro/ with NAME.faro files (each with NAME.faro.minisig beside it).
 * Roots default to /media and /run/media.  Everything is reported through
 * one callback, called on the watcher thread (never the UI thread): the UI
 * copies what it needs and wakes its own loop (e.g. SDL_PushEvent).
 *
 * Events for one stick, in order:
 *   USB_STICK_FOUND    stick, count (new packs on it)
 *   USB_PACK_START     stick, pack, index, count
 *   USB_PACK_PROGRESS  stick, pack, index, count, done, total (bytes)
 *   USB_PACK_DONE      stick, pack, index, count, result (why, id, version...)
 *   USB_STICK_DONE     stick, count, installed, refused  (installed > 0: reopen the store)
 * A pack already handled is not offered again until its stick is removed.
 */
#ifndef FARO_USB_H
#define FARO_USB_H

#include <stddef.h>
#include "install.h"

#define USB_MAX_ROOTS        8
#define USB_MAX_PACKS        32      /* packs taken from one stick */
#define USB_MAX_DIR_ENTRIES  4096    /* entries read from one folder of a stick */

enum usb_event_kind {
    USB_STICK_FOUND, USB_PACK_START, USB_PACK_PROGRESS, USB_PACK_DONE, USB_STICK_DONE
};

typedef struct usb_event {
    int kind;                        /* enum usb_event_kind */
    const char *stick;               /* the stick's folder (holding faro/) */
    const char *pack;                /* pack file name, e.g. "org.example-3.faro" */
    int index, count;                /* pack index (0-based) of count new packs */
    unsigned long long done, total;  /* USB_PACK_PROGRESS: bytes copied of total */
    const install_result *result;    /* USB_PACK_DONE: what happened (code 0: ok) */
    int installed, refused;          /* USB_STICK_DONE */
} usb_event;

/* Called on the watcher thread; the event and its strings live only
 * during the call. */
typedef void (*usb_fn)(void *user, const usb_event *ev);

typedef struct usb_watch usb_watch;

/*
 * Starts the watcher thread over roots (NULL-terminated list, NULL: the
 * defaults /media and /run/media; missing roots are watched once they
 * appear at the next mount change).  It scans at once, then sleeps until
 * the mount table or a watched folder changes (no polling).  The installer
 * must stay open until usb_stop returns.  Returns NULL with err set.
 */
usb_watch *usb_start(installer *in, const char *const *roots, usb_fn fn, void *user,
                     char *err, size_t errlen);

/* Asks the thread to scan again now (after a missed event, or for tests). */
void usb_rescan(usb_watch *w);

/* Stops the thread (after the pack being installed, if any) and frees w.
 * Accepts NULL. */
void usb_stop(usb_watch *w);

#endif
