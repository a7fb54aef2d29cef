/*
 * script.h — plays a test script against the kiosk on a virtual clock.
 *
 * One command a line (# starts a comment):
 *   tap "Text"            tap the tappable widget showing Text (scrolled into view first)
 *   tap-exact "Text"      the same, for a widget whose whole text or name is Text (keys)
 *   tap X Y               tap a screen point
 *   drag X1 Y1 X2 Y2 [MS] drag a finger (default 300 ms); a fast drag is a flick
 *   wheel DY              turn the mouse wheel by DY px (positive scrolls down)
 *   key back              the Escape / back key
 *   key backspace         delete the last character typed
 *   type "text"           type text on a keyboard, one character at a time
 *   wait N[ms|s]          let N of virtual time pass (animations and idle reset run)
 *   wait-usb N[ms|s]      wait (real time, at most N) until a USB stick has been handled
 *   wait-sync N[ms|s]     poll the mirrors now and wait (real time) until a pack is installed
 *   wait-images [N]       wait (real time, at most N, default 10s) until the pictures
 *                         asked for are decoded (screenshots then show them)
 *   expect "Text"         some widget on this screen shows Text (substring)
 *   expect-visible "Text" ... and it is inside the visible area
 *   expect-not "Text"     no widget shows Text
 *   expect-screen NAME    language, home, topic, article, directory or service
 *   expect-lang CODE      the reader's language ("" on the language screen)
 *   expect-rtl 0|1        the layout is mirrored
 *   expect-left "A" "B"   A is drawn left of B (mirroring checks)
 *   expect-above "A" "B"  in the scrolled list, A comes before B
 *   expect-scrolled 0|1   the scroll area is (not) at the top
 *   screenshot FILE       write a PNG of the screen now
 *   resize W H            change the screen size
 *   dump                  print the widget tree to stdout
 *   guidance on|off       switch audio guidance (as the listen control does)
 *   expect-spoken "Text"  the last utterance asked of the voice contains Text
 *   expect-not-spoken "T" ... does not (or nothing was asked / it was forgotten)
 *   wait-audio N[ms|s]    wait (real time, at most N) until the voice has said it all
 *   hold FILE             write FILE (the process id), then wait (real time, at most
 *                         10 min) until FILE is removed: a test looks at the live process
 * A failed expectation stops the script with "FILE:LINE: reason" and the
 * tree, so a test failure says what was on screen instead.
 */
#ifndef FARO_SCRIPT_H
#define FARO_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include "app.h"

struct SDL_Renderer;

typedef struct script_host {
    app *a;
    txt_ctx *txt;
    struct SDL_Renderer *r;     /* draws screenshots; may be recreated on resize */
    int w, h;
    uint64_t now;               /* the virtual clock, ms */
    int (*resize)(struct script_host *host, int w, int h);  /* recreates r */
    int (*usb_wait)(struct script_host *host, long ms);     /* 0 once a stick was handled */
    int (*sync_wait)(struct script_host *host, long ms);    /* 0 once a mirror pack arrived */
} script_host;

/* Runs the script at path.  Returns 0 when every line passed, else a
 * negative FARO_E* code with err holding "FILE:LINE: reason". */
int script_run(const char *path, script_host *h, char *err, size_t errlen);

#endif
