/*
 * shelf.h — the installed packs, turned into what the kiosk shows: one
 * store (site packs over base packs over the embedded default), the UI
 * strings (shipped locales with translation packs over them) and the
 * search index, kept together as one generation.
 *
 * The UI thread only ever sees a complete generation.  A reload (after an
 * install or a removal) builds the next generation on the shelf's own
 * thread while the UI keeps using the current one; when it is ready the
 * shelf calls on_ready (from its thread) and the UI thread takes it with
 * shelf_swap.  Each installed pack is opened and checked once per reload,
 * and not at all when it did not change since the previous generation
 * (same file: the open pack is shared).  The search index lives in
 * data_dir/search.db, keyed by the ordered list of pack ids, versions and
 * hashes: unchanged packs reopen the kept index; changed ones rebuild it
 * aside on the shelf's thread (search.db.tmp, renamed when complete).
 */
#ifndef FARO_SHELF_H
#define FARO_SHELF_H

#include <stddef.h>
#include "loc.h"
#include "search.h"
#include "state.h"
#include "store.h"

typedef struct shelf shelf;

typedef struct shelf_opts {
    const char *data_dir;        /* packs/ and search.db; NULL or "": no installed packs,
                                    the index in memory */
    const char *locales_dir;     /* the shipped <lang>.yaml files */
    const void *default_pack;    /* the embedded default pack (outlives the shelf); may be NULL */
    size_t default_len;
    const char *default_name;    /* for messages; NULL: "default content" */
    state *db;                   /* recorded pack hashes (may be NULL: hashed from the files) */
    const char *today;           /* YYYY-MM-DD for expiry; NULL: the system clock */
    void (*on_ready)(void *user);/* called on the shelf's thread when shelf_swap has
                                    something to take; may be NULL */
    void *user;
} shelf_opts;

/*
 * Opens the installed packs and builds the first generation on the calling
 * thread (a pack that fails its checks is logged and left out: the kiosk
 * shows what it has).  The index is not looked at until shelf_start.
 * Returns NULL with err set only when out of memory or the thread cannot
 * be made.  Free with shelf_close.
 */
shelf *shelf_open(const shelf_opts *o, char *err, size_t errlen);

/* Stops the thread (waiting for a build in progress) and frees every
 * generation (accepts NULL). */
void shelf_close(shelf *s);

/* The current generation's store and strings, for the UI thread; valid
 * until the next shelf_swap that returns 1. */
store *shelf_store(shelf *s);
loc_set *shelf_locales(shelf *s);

/* Starts the shelf's thread on the current generation's index (open the
 * kept one, else build it).  Called once the first screen is up; the
 * calls below start it too when needed.  Idempotent. */
void shelf_start(shelf *s);

/* Asks for a new generation (the installed packs changed).  Returns at
 * once; thread-safe (USB, sync and UI threads call it). */
void shelf_reload(shelf *s);

/*
 * On the UI thread: when a newer generation is ready, calls fn(user,
 * store, locales) so that the caller switches to them, then frees the
 * previous generation, and returns 1.  Returns 0 when nothing is ready.
 */
typedef void (*shelf_swap_fn)(void *user, store *st, loc_set *loc);
int shelf_swap(shelf *s, shelf_swap_fn fn, void *user);

/*
 * The current generation's search index (borrowed: valid until the next
 * shelf_swap that returns 1), waiting for the shelf's thread if it is
 * still opening or building it.  NULL when there is none (logged).
 */
search_index *shelf_index(shelf *s);

/* Waits until the shelf's thread has nothing left to do (every reload
 * asked for is ready and its index built).  For scripts and tests. */
void shelf_wait(shelf *s);

/* Packs opened (and checked) to build the current generation; 1 when its
 * index was rebuilt rather than reopened (after shelf_index). */
int shelf_last_opens(shelf *s);
int shelf_index_rebuilt(shelf *s);

#endif
