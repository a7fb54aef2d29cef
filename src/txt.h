/*
 * txt.h — the text engine: UTF-8 paragraphs in, positioned shaped runs out.
 *
 * A paragraph (txt_params) is split by Unicode bidi (UAX #9, ICU ubidi) into
 * directional runs, by script and font coverage into font runs (fallback
 * chain over assets/fonts), broken into lines by UAX #14 (ICU line break
 * iterator), and each run is shaped by HarfBuzz through SDL2_ttf with its
 * direction and script.  Lines are aligned to the paragraph's start edge
 * (right for RTL).  Text cut by max_lines ends at a grapheme boundary with
 * an ellipsis.
 *
 * Everything is cached by content: a layout is keyed by (text, marks, style,
 * width, flags), a rasterised run by (font, size, direction, script, text).
 * Laying out or drawing the same paragraph again shapes and rasterises
 * nothing.  Run textures are bounded (txt_new's cache_bytes) and evicted
 * least recently used.  Callers never keep layout pointers: they pass the
 * same params again and hit the cache.
 *
 * Widgets and screens use txt_measure to size things and txt_draw to draw;
 * the conformance tests use txt_bidi_* and txt_linebreak_* — the same entry
 * points the layout uses.
 */
#ifndef FARO_TXT_H
#define FARO_TXT_H

#include <stddef.h>
#include <stdint.h>

struct SDL_Renderer;

typedef struct txt_ctx txt_ctx;

enum txt_dir   { TXT_DIR_AUTO = 0, TXT_DIR_LTR = 1, TXT_DIR_RTL = 2 };
enum txt_align { TXT_ALIGN_START = 0, TXT_ALIGN_CENTER = 1, TXT_ALIGN_END = 2 };

/* A byte range [start, end) of the paragraph drawn in bold. */
typedef struct txt_mark { int start, end; } txt_mark;

typedef struct txt_params {
    const char *text;       /* UTF-8; invalid bytes are shown as U+FFFD */
    int len;                /* bytes, or -1 for NUL-terminated */
    const txt_mark *bold;   /* optional bold ranges, sorted, may be NULL */
    int nbold;
    int px;                 /* font size in pixels */
    int bold_all;           /* 1: whole paragraph bold */
    int width;              /* wrap width in px; <= 0: one line, no wrap */
    int max_lines;          /* 0: unlimited; else cut with an ellipsis */
    int dir;                /* enum txt_dir: base direction of the paragraph */
    int align;              /* enum txt_align, relative to the base direction */
    int icon;               /* 1: text is icon-font code points (Material Icons) */
    const char *lang;       /* BCP 47 hint for font choice (zh, ja), may be NULL */
} txt_params;

typedef struct txt_color { uint8_t r, g, b, a; } txt_color;

/*
 * Opens the fonts in font_dir (Noto + MaterialIcons-Regular.ttf) and makes
 * empty caches; cache_bytes bounds the run textures (0: 16 MB).  A missing
 * font is logged once and skipped (its scripts fall back to the next font).
 * Returns NULL and fills err when no usable font at all is found.
 * Free with txt_free (accepts NULL).
 */
txt_ctx *txt_new(const char *font_dir, size_t cache_bytes, char *err, size_t errlen);
void txt_free(txt_ctx *ctx);

/* Lays out (or finds in the cache) and reports the size in px.  Returns
 * the number of lines (>= 1 for non-empty text, 0 for empty). */
int txt_measure(txt_ctx *ctx, const txt_params *p, int *w, int *h);

/* Height of one line of text at size px (for single-line widgets). */
int txt_line_height(txt_ctx *ctx, int px);

/* Draws the paragraph with its top-left corner at (x, y); the box is
 * `width` wide (or the measured width when width <= 0), so end/center
 * alignment is within that box.  Textures are created on `r` and cached.
 * Returns 0 or a negative FARO_E* code. */
int txt_draw(txt_ctx *ctx, struct SDL_Renderer *r, const txt_params *p,
             int x, int y, txt_color color);

/* Drops every texture (call before the renderer is destroyed or recreated).
 * Drawing on another renderer, or txt_free, forgets the old textures without
 * touching them (SDL frees them with their renderer), so a late call is
 * never a use-after-free. */
void txt_drop_textures(txt_ctx *ctx);

/* Forgets every paragraph seen: the layout and width caches and the run
 * textures are zeroed (explicit_bzero) and emptied, and so are the scratch
 * buffers that held the last text laid out.  The idle reset calls it so
 * that no word of a visit stays in memory.  Textures are destroyed (call
 * it while their renderer is alive, as txt_drop_textures).  The next
 * layouts are made afresh.  Accepts NULL. */
void txt_forget(txt_ctx *ctx);

/* Entries in the caches (layouts + widths + textures), for tests. */
size_t txt_cached_entries(const txt_ctx *ctx);

/* 1 when some cache entry or the scratch key holds the bytes of `needle`
 * (tests: a visit's words are gone after txt_forget), else 0. */
int txt_cache_holds(const txt_ctx *ctx, const char *needle);

/* Cache figures for `make bench` and the admin console. */
typedef struct txt_stats {
    size_t texture_bytes, texture_peak_bytes;
    long layouts_made, layout_hits, runs_rasterised, run_hits;
} txt_stats;
void txt_get_stats(const txt_ctx *ctx, txt_stats *out);

/* Replaces invalid UTF-8 by U+FFFD and removes the bidi embedding/override/
 * isolate controls U+202A–U+202E and U+2066–U+2069 that could disguise a
 * phone number or link.  Returns a malloc'd NUL-terminated string (caller
 * frees) or NULL when out of memory. */
char *txt_sanitize(const char *s, size_t len);

/*
 * Bidi (UAX #9) over UTF-16, as the layout uses it.  para_dir is
 * TXT_DIR_AUTO/LTR/RTL.  Fills levels[n] (0xFF where the character is
 * removed by rule X9) and order[n] (visual position -> logical index,
 * removed characters skipped; returns the count written to order).
 * Negative FARO_E* on failure.
 */
int txt_bidi_levels(const uint16_t *text, int n, int para_dir,
                    uint8_t *levels, int *order, int *resolved_para_level);

/*
 * Line break opportunities (UAX #14) over UTF-16: brk[i] = 1 when a line
 * may break before code unit i (i in 1..n; brk[n] is the mandatory end).
 * brk must have n + 1 entries.  Returns 0 or negative FARO_E*.
 */
int txt_linebreak(const uint16_t *text, int n, uint8_t *brk);

/*
 * Diagnostics (tests, the admin console, text-to-speech): lay out p afresh
 * (bypassing the layout cache) and write the logical text of each line,
 * lines joined by '\n' (a cut line ends with its "…"), NUL-terminated,
 * into out (truncated to outlen).  Returns the number of lines or a
 * negative FARO_E* code.
 */
int txt_line_texts(txt_ctx *ctx, const txt_params *p, char *out, size_t outlen);

/* Number of visible characters of p that no font in the chain provides
 * (they would show as a .notdef box); 0 means every glyph is real, < 0 is
 * a FARO_E* code. */
int txt_missing_glyphs(txt_ctx *ctx, const txt_params *p);

/*
 * The texture budget (txt_new's cache_bytes) is shared with the article
 * pictures (image.c): txt_texture_budget is what the run textures may use
 * now; txt_texture_lend moves `bytes` of it to the caller, evicting run
 * textures to fit (call on the UI thread, with the renderer alive), and
 * returns 0 or FARO_ELIMIT when the budget has less; txt_texture_repay
 * gives them back.  NULL is allowed (budget 0, lend refused).
 */
size_t txt_texture_budget(const txt_ctx *ctx);
int txt_texture_lend(txt_ctx *ctx, size_t bytes);
void txt_texture_repay(txt_ctx *ctx, size_t bytes);

#endif
