/*
 * image.h — article pictures for the reader: placed at once, decoded off
 * the frame loop, drawn from a bounded texture cache.
 *
 * The article screen asks img_place for a picture while it lays out: the
 * media bytes come from the store and only their header is read
 * (imgdec_probe), so the screen gets the display size at once and lays out
 * a box of that size.  The decode (imgdec, then scaling to the display
 * size) runs on the module's one worker thread; when it is done the
 * owner's wake function is called (the window loop sleeps otherwise) and
 * the next frame's img_texture turns the pixels into a texture.  Textures
 * share the text engine's budget (txt_texture_lend): pictures take at most
 * half of it, least recently drawn evicted first.  A picture that does not
 * decode is IMG_FAILED: the screen shows its alt text in a frame instead,
 * and it is logged once.
 */
#ifndef FARO_IMAGE_H
#define FARO_IMAGE_H

#include <stddef.h>
#include "store.h"
#include "txt.h"

struct SDL_Renderer;
struct SDL_Texture;

#define IMG_MAX_ENTRIES   48            /* pictures known at once (LRU) */
#define IMG_KEEP_BYTES    (12u << 20)   /* their compressed bytes, kept for re-decodes */
#define IMG_NAME_MAX      128           /* "media/<file>" */
#define IMG_MAX_FAILED    32            /* failed pictures remembered for the log and the console */

enum img_state { IMG_PENDING = 1, IMG_READY, IMG_FAILED };

typedef struct img_ctx img_ctx;

/* Called on the worker thread when a decode finished (wakes the UI loop). */
typedef void (*img_wake_fn)(void *user);

/* A context drawing within txt's texture budget (txt borrowed, may be
 * NULL: then no texture is kept).  The worker thread starts with the
 * first decode.  NULL when out of memory.  Free with img_free (accepts
 * NULL; stops and joins the worker; call it before the renderer goes). */
img_ctx *img_new(txt_ctx *txt, img_wake_fn wake, void *user);
void img_free(img_ctx *c);

/* Where a picture goes: a column max_w px wide, at most max_h px high, on
 * a screen of `density` px per dp (1 on 1280 x 800). */
typedef struct img_box { int max_w, max_h; float density; } img_box;

/*
 * The display size of a pw x ph picture in box: as wide as the column,
 * never more than twice its pixel size (on a smaller screen, density < 1,
 * at most 2 x density: it shrinks with the text), never taller than
 * max_h, aspect kept, at least 1 x 1.  0 x 0 for a picture without pixels.
 */
void img_fit(int pw, int ph, const img_box *box, int *w, int *h);

/*
 * Places picture `name` (a media row, "media/x.png") of store st: reads
 * its header (and keeps its bytes for the decoder), fits it (img_fit) and
 * asks the worker for pixels of that size when it has none.  Returns
 * IMG_PENDING or IMG_READY with *w, *h set, or IMG_FAILED (unknown,
 * refused or undecodable; *w = *h = 0) with why (may be NULL) set.  UI
 * thread only.
 */
int img_place(img_ctx *c, store *st, const char *name, const img_box *box, int *w, int *h,
              char *why, size_t whylen);

/*
 * The texture of picture `name` for drawing on r (UI thread), made from
 * the worker's pixels when they arrived; NULL while there is none yet (or
 * the budget has no room), with *state (may be NULL) the picture's state.
 * The texture is borrowed until the next img_* call.
 */
struct SDL_Texture *img_texture(img_ctx *c, struct SDL_Renderer *r, const char *name, int *state);

/* 1 once when a decode finished since the last call (redraw), else 0. */
int img_take_news(img_ctx *c);

/* Waits (real time, at most ms) until no decode is queued or running.
 * 0, or FARO_EAGAIN on timeout.  For headless screenshots and benches. */
int img_wait(img_ctx *c, long ms);

/* Destroys every texture (call while their renderer is alive, before it
 * is destroyed or replaced); pixels are decoded again when drawn. */
void img_drop_textures(img_ctx *c);

/* Forgets every picture (the idle reset: which pictures a visit opened;
 * a new store): bytes and pixels zeroed and freed, textures destroyed.
 * The failed list (content problems, not the visit) is kept. */
void img_forget(img_ctx *c);

/* The pictures that failed so far, for the console: copies up to max
 * names into names[][IMG_NAME_MAX]; returns how many. */
int img_failed_names(img_ctx *c, char (*names)[IMG_NAME_MAX], int max);

/* Figures for tests and `make bench`. */
typedef struct img_stats {
    size_t texture_bytes;               /* held now */
    long decodes, failures, textures_made, evictions;
    double last_decode_ms;              /* the worker's last decode + scale */
} img_stats;
void img_get_stats(img_ctx *c, img_stats *out);

#endif
