/*
 * screens/layout.h — the layout kit every screen builds with.
 *
 * A screen lays out top-down with a cursor (lay.y): each block measures
 * its text at the width it will have, adds its widgets to the tree and
 * moves the cursor down.  Sizes are density-independent (dp, 1 dp = 1 px
 * on a 1280 x 800 screen) and named in a style table (lay_sizes, and a
 * screen family's own table for what only it uses); lay_dp scales them.
 * Everything is placed left to right; ui_end mirrors the rectangles for
 * right-to-left languages and the text engine right-aligns their lines.
 *
 * This is the only place that measures text (txt_measure, txt_line_height):
 * a screen asks the kit for a text's height or width.
 */
#ifndef FARO_SCREENS_LAYOUT_H
#define FARO_SCREENS_LAYOUT_H

#include "screens/screens.h"

#define LAY_TEXT_MAX 4096               /* a screen's longest composed line */

/* The sizes screens share, in dp. */
typedef struct lay_sizes {
    int bar_h, bar_button_w, bar_icon, bar_icon_top, bar_label_top, bar_label_inset, bar_label_h;
    int margin, gap, pad;
    int px_title, px_h1, px_h2, px_h3, px_body, px_small, px_note, px_bar_label;
    int notice_pad;
    int item_arrow, item_text_gap, item_gap, item_summary_gap;
    int badge_w, badge_extra_h, badge_text_top, badge_gap;
    int button_px, button_inset;
    int field_label_gap, field_value_px, field_gap;
    int qr_small, qr_large, qr_dense_bytes, qr_top, qr_label_gap;
    int caption_gap;
    int strip_h, strip_gap, strip_icon;         /* the guidance controls under the bar */
} lay_sizes;

extern const lay_sizes SZ;

/* A screen being built. */
typedef struct lay {
    ui_tree *t;
    const screen_env *e;
    int W, H, rtl;                      /* screen px; 1 when laid out right to left */
    int y;                              /* the cursor, content px */
    int scroll;                         /* 1: widgets added now are in the scroll area */
    const char *lang;                   /* the language the screen speaks */
    const char *chain[LOC_MAX_CHAIN + 1];
    int strip_h;                        /* px the guidance strip takes below the bar (0: none) */
} lay;

/* How a text is set: px in dp; dir LAY_DIR_SCREEN follows the screen. */
enum { LAY_DIR_SCREEN = 0, LAY_DIR_AUTO = 3 };

typedef struct lay_font {
    int role;                           /* UI_TEXT when 0 */
    int style;                          /* enum ui_style */
    int px;                             /* dp */
    int bold, lines;                    /* lines: 0 unlimited */
    int align;                          /* enum txt_align */
    int dir;                            /* LAY_DIR_SCREEN, LAY_DIR_AUTO, TXT_DIR_LTR, TXT_DIR_RTL */
    const txt_mark *marks;
    int nmarks;
} lay_font;

/* dp to px on this screen. */
int lay_dp(const lay *b, int dp);

/* The UI string `key` in the screen's language (never NULL). */
const char *lay_str(const lay *b, const char *key);

/* Content width between the margins, px. */
int lay_content_w(const lay *b);

/* Height in px of one line of text at px_dp. */
int lay_line_h(const lay *b, int px_dp);

/* Width and height in px of s on one line (bold), at px_dp. */
void lay_measure_line(const lay *b, const char *s, int px_dp, int *w, int *h);

/* Adds a widget (in the scroll area when b->scroll); returns its index or -1. */
int lay_box(lay *b, int role, int style, ui_rect r, int action, const char *arg, const char *name,
            int parent);

/* lay_box for a widget whose words are in language lang (copied; spoken
 * in that language: a language tile's own name). */
int lay_box_lang(lay *b, int role, int style, ui_rect r, int action, const char *arg, const char *name,
                 int parent, const char *lang);

/* With audio guidance on, the strip of its controls (Stop, Pause/Resume,
 * Quieter, Louder) at y px, full width; lay_end then starts the scroll
 * area below it.  Nothing when guidance is off.  lay_bar calls it. */
void lay_guidance_strip(lay *b, int y);

/* Sets the height of widget i (a box sized after its content). */
void lay_set_h(lay *b, int i, int h);

/* Adds text s at (x, y), w wide, set by f; returns its height in px. */
int lay_text(lay *b, int parent, const lay_font *f, const char *s, int x, int y, int w);

/* Adds one line of text h px high without measuring it (labels in boxes). */
void lay_label(lay *b, int parent, const lay_font *f, const char *s, ui_rect r);

/* Adds the Material icon `name` (size px square); nothing when unknown. */
void lay_icon(lay *b, int parent, int style, const char *name, int x, int y, int size);

/* The bar at the top: Back, Home, the title, SOS, Quick exit, Search, Language. */
void lay_bar(lay *b, const char *title);

/* One button of the bar at x (px): an icon over a one-line label; style
 * UI_S_BAR, or UI_S_DANGER for the red SOS control. */
void lay_bar_button(lay *b, int x, int style, const char *icon_name, const char *label, int action);

/* ---- help in one tap (screens/sos.c) ---- */

/* The SOS and Quick exit buttons of the bar, ending at x (px, their right
 * edge); returns how many bar buttons wide they are. */
int lay_help_buttons(lay *b, int x);

/* The red SOS button alone at (x, 0), in language `lang` (the language
 * screen's corner, before anyone chose a language). */
void lay_sos_button(lay *b, int x, const char *lang);

/* Adds the SOS result (a list item opening the SOS screen) when `query`
 * asks for help: an emergency word of any language (sos.search_words) or
 * an emergency number such as 911, 112 or 999.  Nothing otherwise. */
void lay_sos_result(lay *b, const char *query);

/* 1 when `query` asks for help (as lay_sos_result), in any language of loc. */
int sos_query_matches(const loc_set *loc, const char *query);

/* The "Still there?" prompt over the whole screen, `seconds` before the
 * visit is wiped; a tap anywhere on it keeps the visit. */
void lay_idle_prompt(lay *b, int seconds);

/* Starts the scrolled content below the bar / ends it with its height. */
void lay_begin(lay *b);
void lay_end(lay *b, int top);

/* A paragraph across the content width; moves the cursor (px and gap in dp). */
void lay_para(lay *b, int role, int style, const char *s, int px, int bold, int gap_after);

/* A warning panel (example entry, stale data, other language). */
void lay_notice(lay *b, const char *s, int style);

/* A full-width list item: badge, title, summary, an arrow at the end. */
typedef struct lay_item {
    const char *title, *summary, *badge;
    const txt_mark *title_marks, *summary_marks;
    int ntitle_marks, nsummary_marks;
    int action;
    const char *arg;
} lay_item;
void lay_list_item(lay *b, const lay_item *it);

/* A button with a centred bold label; returns its index. */
int lay_button(lay *b, ui_rect r, const char *label, int style, int action, const char *arg);

/* A labelled field: small label, then the value; ltr_value keeps numbers LTR. */
void lay_field(lay *b, const char *label, const char *value, int ltr_value);

/* A QR code to take away, with a line saying what it is for. */
void lay_take_away(lay *b, const char *label, const char *payload);

/* An article's picture (image.h decides its size: the column, at most 2x
 * its pixels, at most the view's height): a UI_IMAGE widget whose text is
 * the alt text and whose arg is the media name, then the caption below.
 * A picture that cannot be shown is a frame with its alt text. */
typedef struct lay_pic {
    const char *src, *alt, *caption;    /* caption may be NULL or "" */
} lay_pic;
void lay_picture(lay *b, const lay_pic *pic);

/* Chips that wrap like words (directory kinds, console tabs); moves the cursor below. */
typedef struct lay_chips {
    const char *const *labels, *const *args;
    int n, active, action;
    int h, px, pad, gap;                /* dp: chip height, text size, inner padding, space between */
    int dir;                            /* as lay_font.dir, for measuring */
} lay_chips;
void lay_chip_row(lay *b, const lay_chips *c);

/* The screen shown when content cannot be read (logs why). */
void lay_error(lay *b, const char *why);

#endif
