/*
 * ui.h — the semantic widget tree that every screen builds, and touch input.
 *
 * A screen is built once per change (navigation, language, resize) into a
 * flat array of widgets: role, text, rectangle, style and the action a tap
 * triggers.  The renderer (gfx) draws it, the script player and tests query
 * it, and text-to-speech could read it; this module knows nothing of SDL.
 * Widgets inside the screen's one scroll area have content coordinates;
 * the tree holds the scroll offset and turns drags, flicks (kinetic
 * scrolling) and wheel turns into offset changes without rebuilding.
 * Screens lay out left-to-right in pixels; ui_end mirrors every rectangle
 * for right-to-left languages.  Capacities are fixed (UI_MAX_WIDGETS).
 */
#ifndef FARO_UI_H
#define FARO_UI_H

#include <stdint.h>
#include <stdio.h>
#include "txt.h"

#define UI_MAX_WIDGETS 1500

enum ui_role {
    UI_PANEL = 1, UI_BAR, UI_BUTTON, UI_TILE, UI_ITEM, UI_CHIP,
    UI_HEADING, UI_TEXT, UI_ICON, UI_BADGE, UI_RULE,
    UI_QR,              /* a QR code of `text` (drawn square in r) */
    UI_IMAGE            /* a picture: arg = its media name, text = its alt text */
};

enum ui_style {
    UI_S_NONE = 0, UI_S_BAR, UI_S_BAR_TEXT, UI_S_CARD, UI_S_TEXT, UI_S_MUTED,
    UI_S_HEADING, UI_S_ACCENT, UI_S_CHIP, UI_S_CHIP_ON, UI_S_WARN, UI_S_BADGE,
    UI_S_BUTTON, UI_S_RULE, UI_S_LINK,
    UI_S_DANGER         /* the red emergency control: white on red */
};

typedef struct ui_rect { int x, y, w, h; } ui_rect;

typedef struct ui_widget {
    int16_t role, style, parent, in_scroll;
    ui_rect r;              /* screen px; content px when in_scroll */
    const char *text;       /* owned by the tree; may be NULL */
    const char *name;       /* label for icon-only widgets ("Back"); may be NULL */
    const txt_mark *bold;   /* owned by the tree */
    int16_t nbold, px, bold_all, align, dir, max_lines, icon;
    int16_t action;         /* 0: not tappable */
    const char *arg;        /* action argument, owned by the tree */
    const char *lang;       /* the language its words are in, NULL: the screen's (speech) */
} ui_widget;

typedef struct ui_tree ui_tree;

ui_tree *ui_new(void);                 /* NULL when out of memory */
void ui_free(ui_tree *t);              /* accepts NULL */

/*
 * Starts a new build for a w x h screen.  scale converts dp to px.  The
 * scroll offset is kept when keep_scroll is set (same screen rebuilt),
 * else reset to the top.
 */
void ui_begin(ui_tree *t, int w, int h, float scale, int rtl, int keep_scroll);

/* dp to px with the tree's scale (rounded, at least 1 for positive dp). */
int ui_dp(const ui_tree *t, float dp);

/*
 * Appends a copy of *w, copying text, name, arg and bold into the tree.
 * Returns the new index, or -1 when the tree is full or out of memory
 * (the widget is dropped; the screen still works with what fits).
 */
int ui_add(ui_tree *t, const ui_widget *w);

/* Declares the scroll area (screen px) and its content height. */
void ui_set_scroll(ui_tree *t, ui_rect view, int content_h);

/* Ends the build: mirrors for RTL and clamps the scroll offset. */
void ui_end(ui_tree *t);

int ui_count(const ui_tree *t);
const ui_widget *ui_get(const ui_tree *t, int i);
int ui_width(const ui_tree *t);
int ui_height(const ui_tree *t);
int ui_rtl(const ui_tree *t);
ui_rect ui_view(const ui_tree *t);
int ui_scroll_y(const ui_tree *t);
int ui_pressed(const ui_tree *t);      /* widget under a finger now, or -1 */

/* The widget's rectangle on screen (scroll applied). */
ui_rect ui_screen_rect(const ui_tree *t, int i);

/* 1 if any part of widget i is on screen (inside the view when scrolled). */
int ui_visible(const ui_tree *t, int i);

/* First widget whose text or name contains `needle` (from index `from`), or -1. */
int ui_find(const ui_tree *t, const char *needle, int from);

/* The tappable widget at screen point, or -1. */
int ui_hit(const ui_tree *t, int x, int y);

/* Nearest tappable widget: i itself or its closest ancestor with an action. */
int ui_actionable(const ui_tree *t, int i);

/* Sets the scroll offset to y px (clamped to the content; no animation). */
void ui_set_scroll_y(ui_tree *t, int y);

/* Scrolls so that widget i is inside the view (no animation). */
void ui_scroll_to(ui_tree *t, int i);

/* Touch / mouse input, times in ms.  ui_release returns the index of the
 * tapped widget (a press and release on it without dragging), else -1. */
void ui_press(ui_tree *t, int x, int y, uint64_t ms);
void ui_move(ui_tree *t, int x, int y, uint64_t ms);
int ui_release(ui_tree *t, int x, int y, uint64_t ms);
void ui_wheel(ui_tree *t, int dy_px);

/* Advances kinetic scrolling to `ms`.  Returns 1 while still moving. */
int ui_animate(ui_tree *t, uint64_t ms);

/* Forgets everything the last build held: zeroes the widgets and every
 * byte of the string arena (sodium_memzero; the arena stays allocated for
 * the next build), resets the scroll offset.  The tree is empty after;
 * build it again before drawing.  Accepts NULL. */
void ui_wipe(ui_tree *t);

/*
 * What speaking widget i says: its own text and the texts of every widget
 * inside it (a tile's title and summary, a button's label), in order,
 * joined by ". "; icons and QR payloads are not words and are skipped; an
 * image's text is its alt text.  When none has text, the widget's name.
 * Writes into out (always terminated, cut at outlen) and returns the
 * length; *lang is set to the first language a widget names (NULL: the
 * screen's).
 */
size_t ui_spoken(const ui_tree *t, int i, char *out, size_t outlen, const char **lang);

/*
 * What reading the screen from where it is scrolled says: the words of
 * every widget in the scroll area that is not part of something tappable
 * and ends below the top of the view, in order (headings, paragraphs,
 * fields, alt texts).  Same output rules as ui_spoken.
 */
size_t ui_spoken_from_scroll(const ui_tree *t, char *out, size_t outlen);

/* Writes the tree, one widget a line, for tests and debugging. */
void ui_dump(const ui_tree *t, FILE *f);

/* The text parameters a widget is measured and drawn with (width = r.w). */
void ui_text_params(const ui_widget *w, txt_params *p);

#endif
