/*
 * app.h — the kiosk's state machine: input, navigation over the screens
 * wing (src/screens/), the visit and its deadlines.
 *
 * The app owns the widget tree and rebuilds it only when something changed
 * (navigation, language, window size).  A tap goes to the screen's act
 * handler, which returns a navigation request; the app applies it.  Time
 * is passed in by the caller in milliseconds, so the script player can run
 * it on a virtual clock.
 *
 * States: LANGUAGE --tap language--> HOME --tap tile--> TOPIC --> ARTICLE,
 * HOME --> DIRECTORY --> SERVICE; Back pops the history, Home returns to
 * HOME, Language (and Quick exit) to LANGUAGE with the visit wiped; SOS
 * from any screen opens the SOS screen over it.  Fifteen seconds before
 * the idle reset a "Still there?" prompt counts down over the screen (a
 * tap anywhere keeps the visit and does nothing else); after
 * idle_timeout_s without input, from any screen: LANGUAGE with the visit
 * wiped whole (its struct, the widget tree's strings and the text caches),
 * nothing logged (app_tick).
 */
#ifndef FARO_APP_H
#define FARO_APP_H

#include <stdint.h>
#include "cfg.h"
#include "install.h"
#include "state.h"
#include "loc.h"
#include "screens/screens.h"
#include "store.h"
#include "txt.h"
#include "ui.h"

typedef struct app app;

/* Creates the app on the language screen.  The store, locales and text
 * engine are borrowed and must outlive it.  NULL when out of memory. */
app *app_new(const cfg *c, store *st, loc_set *loc, txt_ctx *txt);
void app_free(app *a);                         /* accepts NULL */

/* Sets the screen size in px (rebuilds on the next app_tree). */
void app_resize(app *a, int w, int h);

/* Current tree, rebuilt first if something changed. */
ui_tree *app_tree(app *a);

/* Input, times in ms.  Each counts as activity for the idle timer. */
void app_press(app *a, int x, int y, uint64_t ms);
void app_move(app *a, int x, int y, uint64_t ms);
void app_release(app *a, int x, int y, uint64_t ms);
void app_wheel(app *a, int dy_px, uint64_t ms);
void app_back(app *a, uint64_t ms);            /* Escape / a back key */

/* Typed text (a physical keyboard): opens the search screen if needed and
 * appends to the query.  app_backspace removes the last character. */
void app_text(app *a, const char *utf8, uint64_t ms);
void app_backspace(app *a, uint64_t ms);

/* Where the search index lives (a file in the data folder); "" or NULL for
 * one in memory.  It is opened on first use. */
void app_set_search_path(app *a, const char *path);

/* Where the index comes from (the shelf): fn returns one borrowed until
 * the next app_set_store, or NULL (then the app builds its own in memory). */
void app_set_search_source(app *a, search_index *(*fn)(void *user), void *user);

/* Called before the index is opened on the UI thread: lets a background
 * build (a thread of the caller's) finish first.  fn may be NULL. */
void app_set_search_wait(app *a, void (*fn)(void *user), void *user);

/* The kiosk's city (config), to show nearby services first. */
void app_set_city(app *a, const char *city);

/* One step of a USB import, copied from the watcher's event (see usb.h)
 * and handed over on the UI thread. */
typedef struct app_usb_msg {
    int kind;                           /* enum usb_event_kind */
    char pack[128];
    int index, count;
    unsigned long long done, total;
    int why;                            /* USB_PACK_DONE: enum install_why */
    char id[FARO_MAX_ID_LEN + 1];
    long version;
    int installed, refused;             /* USB_STICK_DONE */
} app_usb_msg;

/* Shows USB import progress and results (opens the USB screen). */
void app_usb(app *a, const app_usb_msg *m, uint64_t ms);

/* Replaces the store (after packs were installed): the screen is rebuilt
 * and the search index refreshed.  The caller frees the old store after. */
void app_set_store(app *a, store *st);

/* Called when installed packs changed (a pack removed from the console):
 * the owner reopens the store and calls app_set_store. */
typedef void (*app_reload_fn)(void *user);

/* What the administrator's console works with (borrowed, must outlive the app). */
typedef struct app_admin_env {
    state *db;                          /* settings, PIN, usage; may be NULL */
    installer *in;                      /* removes packs; may be NULL */
    const char *data_dir, *font_dir;
    const char (*usb_roots)[CFG_PATH_MAX];
    int nusb_roots;
    int gesture_taps, gesture_window_ms;  /* hidden corner taps that open the PIN pad */
    app_reload_fn reload;
    void *reload_user;
} app_admin_env;

/* Replaces the UI strings (a translation pack arrived): languages are
 * offered again and the screen rebuilt.  The caller frees the old set after. */
void app_set_locales(app *a, loc_set *loc);

/* The mirror worker, whose status the console shows (may be NULL). */
struct sync_ctx;
void app_set_sync(app *a, struct sync_ctx *s);

/* Wires the console (and applies its language setting). */
void app_set_admin(app *a, const app_admin_env *env);

/* Performs widget i's action as if tapped. */
void app_activate(app *a, int i, uint64_t ms);

struct speech;

/* Gives the app its voice (borrowed; NULL: none).  With it, the listen
 * control switches audio guidance on for the visit. */
void app_set_speech(app *a, struct speech *s);

/* The voice given by app_set_speech, or NULL. */
struct speech *app_speech(const app *a);

/* Switches audio guidance on (1) or off (0) for the visit, as the listen
 * control does (scripts use it). */
void app_set_guidance(app *a, int on, uint64_t ms);

/*
 * Advances time: kinetic scrolling and the deadlines that are due (the idle
 * reset, a console retry).  Returns 1 when the screen must be drawn again
 * (something moved or changed).
 */
int app_tick(app *a, uint64_t ms);

/* 1 while an animation runs (the caller should draw frames, not sleep). */
int app_animating(const app *a);

/* 1 once after a visit was forgotten (idle reset, Language, the console's
 * Close), else 0.  The caller then wipes, from its shallowest frame, what
 * no module owns: privacy_scrub_after_visit() and gfx_forget_input(). */
int app_take_visit_end(app *a);

/* Milliseconds from `ms` until the nearest deadline (the idle warning and
 * its once-a-second countdown, the idle reset, a console retry), 0 when
 * one is due, or -1 when nothing is pending. */
long app_wait_ms(const app *a, uint64_t ms);

/* What is shown, for scripts and logs. */
int app_screen(const app *a);
const char *app_lang(const app *a);

/* The visit, for tests (read only; wiped whole by the idle reset). */
const visit *app_visit(const app *a);

/* Changes the offered languages (the config's list filtered by the locales
 * that exist; all locales in a default order when the list is empty). */
void app_offer_languages(app *a, const cfg *c);

/* The article pictures' context (image.h; borrowed, must outlive the app;
 * NULL: pictures show as frames with their alt text).  The idle reset and
 * a new store forget its pictures. */
struct img_ctx;
void app_set_images(app *a, struct img_ctx *img);
struct img_ctx *app_images(const app *a);

#endif
