/*
 * screens.c — the six screens as functions from state to widget tree.
 *
 * Layout works top-down with a cursor: each block measures its text with
 * the text engine at the width it will have, adds its widgets and moves
 * the cursor down.  Everything is placed left-to-right in dp scaled to the
 * screen; ui_end mirrors the rectangles for right-to-left languages and
 * the text engine right-aligns their lines, so no screen has RTL cases
 * except the direction of arrow icons.  Words come from the locale (UI)
 * and the store (content); nothing user-visible is written here.
 */
#include "screens.h"
#include "icons.h"
#include "install.h"
#include "intl.h"
#include "kbd.h"
#include "qr.h"
#include "log.h"
#include "mdoc.h"
#include "schema.h"
#include "sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Sizes in dp (1 dp = 1 px on a 1280 x 800 screen). */
#define BAR_H       96
#define BAR_BTN_W   132
#define MARGIN      32
#define GAP         20
#define PAD         20
#define PX_TITLE    30
#define PX_H1       40
#define PX_H2       32
#define PX_H3       28
#define PX_BODY     26
#define PX_SMALL    21
#define PX_BTN      19
#define PX_ICON_BAR 40
#define PX_TILE_ICON 64
#define TEXT_MAX    4096

typedef struct B {
    ui_tree *t;
    const screen_env *e;
    int W, H, rtl, y;
    const char *lang;
    const char *chain[LOC_MAX_CHAIN + 1];
} B;

static int dp(B *b, float v) { return ui_dp(b->t, v); }

static const char *L(B *b, const char *key) { return loc_str(b->e->loc, b->lang, key); }

const char *screens_name(int screen)
{
    static const char *names[] = { "?", "language", "home", "topic", "article", "directory", "service",
                                   "search", "country", "usb", "admin-pin", "admin" };
    return (screen >= SCR_LANGUAGE && screen <= SCR_ADMIN) ? names[screen] : "?";
}

/* ---- widget helpers ---- */

static int box(B *b, int role, int style, ui_rect r, int in_scroll, int action, const char *arg,
               const char *name, int parent)
{
    ui_widget w = { .role = role, .style = style, .r = r, .in_scroll = in_scroll,
                    .action = action, .arg = arg, .name = name, .parent = parent };
    return ui_add(b->t, &w);
}

/* Measures wd's text at its width, sets its height and adds it; returns the height. */
static int add_measured(B *b, ui_widget *wd)
{
    txt_params p;
    int tw = 0, th = 0;
    ui_text_params(wd, &p);
    txt_measure(b->e->txt, &p, &tw, &th);
    wd->r.h = th;
    ui_add(b->t, wd);
    return th;
}

/* Adds a text widget at (x, y) w wide in the screen's direction; returns its height. */
static int text(B *b, int parent, int in_scroll, int role, int style, const char *s,
                int x, int y, int w, int px, int bold, int max_lines, int align,
                const txt_mark *marks, int nmarks)
{
    ui_widget wd = { .role = role, .style = style, .parent = parent, .in_scroll = in_scroll,
                     .r = { x, y, w, 0 }, .text = s, .px = dp(b, px), .bold_all = bold,
                     .max_lines = max_lines, .align = align, .bold = marks, .nbold = nmarks,
                     .dir = b->rtl ? TXT_DIR_RTL : TXT_DIR_LTR };
    return add_measured(b, &wd);
}

/* Text in its own base direction (names, endonyms, numbers), aligned by `align`. */
static int text_auto(B *b, int parent, int in_scroll, int style, const char *s, int x, int y,
                     int w, int px, int bold, int align, int dir)
{
    ui_widget wd = { .role = UI_TEXT, .style = style, .parent = parent, .in_scroll = in_scroll,
                     .r = { x, y, w, 0 }, .text = s, .px = dp(b, px), .bold_all = bold,
                     .max_lines = 2, .align = align, .dir = dir };
    return add_measured(b, &wd);
}

static void icon(B *b, int parent, int in_scroll, int style, const char *name, int x, int y, int size)
{
    char utf8[8] = { 0 };
    int cp = icons_codepoint(name);
    if (cp < 0)
        return;
    utf8[0] = (char)(0xE0 | (cp >> 12));
    utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    utf8[2] = (char)(0x80 | (cp & 0x3F));
    ui_widget wd = { .role = UI_ICON, .style = style, .parent = parent, .in_scroll = in_scroll,
                     .r = { x, y, size, size }, .text = utf8, .name = name, .px = (int16_t)size,
                     .icon = 1, .align = TXT_ALIGN_CENTER, .dir = TXT_DIR_LTR };
    ui_add(b->t, &wd);
}

/* ---- the bar at the top: Back, Home, title, Language ---- */

static void bar_button(B *b, int x, const char *icon_name, const char *label, int action)
{
    int w = dp(b, BAR_BTN_W), h = dp(b, BAR_H);
    int i = box(b, UI_BUTTON, UI_S_BAR, (ui_rect){ x, 0, w, h }, 0, action, NULL, label, -1);
    icon(b, i, 0, UI_S_BAR_TEXT, icon_name, x + (w - dp(b, PX_ICON_BAR)) / 2, dp(b, 10), dp(b, PX_ICON_BAR));
    ui_widget wd = { .role = UI_TEXT, .style = UI_S_BAR_TEXT, .parent = (int16_t)i,
                     .r = { x + dp(b, 4), dp(b, 58), w - dp(b, 8), dp(b, 30) }, .text = label,
                     .px = dp(b, PX_BTN), .max_lines = 1, .align = TXT_ALIGN_CENTER,
                     .dir = b->rtl ? TXT_DIR_RTL : TXT_DIR_LTR };
    ui_add(b->t, &wd);
}

static void bar(B *b, const char *title)
{
    int bw = dp(b, BAR_BTN_W);
    box(b, UI_BAR, UI_S_BAR, (ui_rect){ 0, 0, b->W, dp(b, BAR_H) }, 0, 0, NULL, NULL, -1);
    bar_button(b, 0, b->rtl ? "arrow_forward" : "arrow_back", L(b, "nav.back"), ACT_BACK);
    bar_button(b, bw, "home", L(b, "nav.home"), ACT_HOME);
    if (!b->e->search_off)
        bar_button(b, b->W - 2 * bw, "search", L(b, "nav.search"), ACT_SEARCH);
    bar_button(b, b->W - bw, "language", L(b, "nav.language"), ACT_LANGSCREEN);
    int x = 2 * bw + dp(b, GAP), w = b->W - 4 * bw - 2 * dp(b, GAP);
    int th = txt_line_height(b->e->txt, dp(b, PX_TITLE));
    if (w > 0)
        text(b, -1, 0, UI_HEADING, UI_S_BAR_TEXT, title, x, (dp(b, BAR_H) - th) / 2, w,
             PX_TITLE, 1, 1, TXT_ALIGN_CENTER, NULL, 0);
}

static void begin_content(B *b)
{
    b->y = dp(b, MARGIN);
}

static void end_content(B *b, int top)
{
    ui_set_scroll(b->t, (ui_rect){ 0, top, b->W, b->H - top }, b->y + dp(b, MARGIN) * 2);
}

static int content_w(B *b) { return b->W - 2 * dp(b, MARGIN); }

/* A paragraph across the content width; moves the cursor. */
static void para(B *b, int role, int style, const char *s, int px, int bold, int space_after)
{
    b->y += text(b, -1, 1, role, style, s, dp(b, MARGIN), b->y, content_w(b), px, bold, 0,
                 TXT_ALIGN_START, NULL, 0);
    b->y += dp(b, space_after);
}

/* A warning panel (example entry, stale data, other language). */
static void notice(B *b, const char *s, int style)
{
    int x = dp(b, MARGIN), w = content_w(b), pad = dp(b, 16);
    int i = box(b, UI_PANEL, style, (ui_rect){ x, b->y, w, 0 }, 1, 0, NULL, NULL, -1);
    int h = text(b, i, 1, UI_TEXT, UI_S_TEXT, s, x + pad, b->y + pad, w - 2 * pad, PX_SMALL + 2, 0, 0,
                 TXT_ALIGN_START, NULL, 0);
    if (i >= 0)
        ((ui_widget *)ui_get(b->t, i))->r.h = h + 2 * pad;
    b->y += h + 2 * pad + dp(b, GAP);
}

/* A full-width list item: title, optional summary, an arrow at the end. */
static void list_item_marked(B *b, const char *title, const txt_mark *tm, int ntm,
                             const char *summary, const txt_mark *sm, int nsm,
                             const char *badge, int action, const char *arg);

static void list_item(B *b, const char *title, const char *summary, const char *badge,
                      int action, const char *arg)
{
    list_item_marked(b, title, NULL, 0, summary, NULL, 0, badge, action, arg);
}

/* A full-width list item; the marks make matched words bold. */
static void list_item_marked(B *b, const char *title, const txt_mark *tm, int ntm,
                             const char *summary, const txt_mark *sm, int nsm,
                             const char *badge, int action, const char *arg)
{
    int x = dp(b, MARGIN), w = content_w(b), pad = dp(b, PAD), arrow = dp(b, 36);
    int tw = w - 2 * pad - arrow - dp(b, 8);
    int i = box(b, UI_ITEM, UI_S_CARD, (ui_rect){ x, b->y, w, 0 }, 1, action, arg, NULL, -1);
    int y = b->y + pad;
    if (badge && *badge) {
        int bh = txt_line_height(b->e->txt, dp(b, PX_SMALL)) + dp(b, 6);
        int bi = box(b, UI_BADGE, UI_S_BADGE, (ui_rect){ x + pad, y, dp(b, 150), bh }, 1, 0, NULL, NULL, i);
        text(b, bi, 1, UI_TEXT, UI_S_TEXT, badge, x + pad, y + dp(b, 3), dp(b, 150), PX_SMALL, 1, 1,
             TXT_ALIGN_CENTER, NULL, 0);
        y += bh + dp(b, 8);
    }
    y += text(b, i, 1, UI_TEXT, UI_S_HEADING, title, x + pad, y, tw, PX_H3, !ntm, 2, TXT_ALIGN_START,
              tm, ntm);
    if (summary && *summary)
        y += dp(b, 6) + text(b, i, 1, UI_TEXT, UI_S_MUTED, summary, x + pad, y + dp(b, 6), tw, PX_SMALL, 0,
                             2, TXT_ALIGN_START, sm, nsm);
    int h = y + pad - b->y;
    icon(b, i, 1, UI_S_ACCENT, b->rtl ? "chevron_left" : "chevron_right", x + w - pad - arrow,
         b->y + (h - arrow) / 2, arrow);
    if (i >= 0)
        ((ui_widget *)ui_get(b->t, i))->r.h = h;
    b->y += h + dp(b, 14);
}

static void error_screen(B *b, const char *why)
{
    log_msg("screen: %s", why);
    bar(b, L(b, "app.name"));
    begin_content(b);
    notice(b, L(b, "error.no_content"), UI_S_WARN);
    end_content(b, dp(b, BAR_H));
}

/* ---- 1. language choice ---- */

static void build_language(B *b)
{
    const screen_env *e = b->e;
    int head_h = dp(b, 190);
    char prompts[TEXT_MAX] = "";
    box(b, UI_PANEL, UI_S_BAR, (ui_rect){ 0, 0, b->W, head_h }, 0, 0, NULL, NULL, -1);
    icon(b, -1, 0, UI_S_BAR_TEXT, "language", dp(b, MARGIN), dp(b, 28), dp(b, 64));
    text(b, -1, 0, UI_HEADING, UI_S_BAR_TEXT, loc_str(e->loc, "en", "app.name"), dp(b, MARGIN + 80),
         dp(b, 34), b->W - dp(b, 2 * MARGIN + 80), 44, 1, 1, TXT_ALIGN_START, NULL, 0);
    for (int i = 0; i < e->noffered && i < 6; i++) {
        if (i)
            strncat(prompts, "  ·  ", sizeof prompts - strlen(prompts) - 1);
        strncat(prompts, loc_str(e->loc, e->offered[i], "lang.prompt"), sizeof prompts - strlen(prompts) - 1);
    }
    ui_widget pw = { .role = UI_TEXT, .style = UI_S_BAR_TEXT, .r = { dp(b, MARGIN), dp(b, 112),
                     content_w(b), dp(b, 64) }, .text = prompts, .px = dp(b, 24), .max_lines = 2,
                     .dir = TXT_DIR_LTR, .align = TXT_ALIGN_START };
    ui_add(b->t, &pw);

    int cols = content_w(b) >= dp(b, 1000) ? 4 : content_w(b) >= dp(b, 600) ? 3 : 2;
    int cw = (content_w(b) - (cols - 1) * dp(b, GAP)) / cols, ch = dp(b, 104);
    b->y = dp(b, MARGIN);
    for (int i = 0; i < e->noffered; i++) {
        int x = dp(b, MARGIN) + (i % cols) * (cw + dp(b, GAP));
        int y = b->y + (i / cols) * (ch + dp(b, GAP));
        const char *name = loc_endonym(e->loc, e->offered[i]);
        int bi = box(b, UI_BUTTON, UI_S_BUTTON, (ui_rect){ x, y, cw, ch }, 1, ACT_LANG, e->offered[i], name, -1);
        int th = txt_line_height(e->txt, dp(b, 34));
        text_auto(b, bi, 1, UI_S_HEADING, name, x + dp(b, 8), y + (ch - th) / 2, cw - dp(b, 16), 34, 1,
                  TXT_ALIGN_CENTER, TXT_DIR_AUTO);
    }
    b->y += ((e->noffered + cols - 1) / cols) * (ch + dp(b, GAP));
    end_content(b, head_h);
}

/* ---- 2. home ---- */

static void tile(B *b, int x, int y, int w, int h, const char *icon_name, const char *title,
                 const char *summary, int action, const char *arg, int style)
{
    int pad = dp(b, PAD);
    int i = box(b, UI_TILE, style, (ui_rect){ x, y, w, h }, 1, action, arg, title, -1);
    int text_style = style == UI_S_CHIP_ON ? UI_S_BAR_TEXT : UI_S_HEADING;
    icon(b, i, 1, style == UI_S_CHIP_ON ? UI_S_BAR_TEXT : UI_S_ACCENT, icon_name, x + pad, y + pad,
         dp(b, PX_TILE_ICON));
    int ty = y + pad + dp(b, PX_TILE_ICON) + dp(b, 10);
    ty += text(b, i, 1, UI_TEXT, text_style, title, x + pad, ty, w - 2 * pad, PX_TITLE - 2, 1, 2,
               TXT_ALIGN_START, NULL, 0);
    text(b, i, 1, UI_TEXT, style == UI_S_CHIP_ON ? UI_S_BAR_TEXT : UI_S_MUTED, summary, x + pad,
         ty + dp(b, 6), w - 2 * pad, PX_SMALL, 0, 2, TXT_ALIGN_START, NULL, 0);
}

static void build_home(B *b)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN];
    if (store_topics(b->e->st, b->chain, &r, err, sizeof err) != 0)
        return error_screen(b, err);
    bar(b, L(b, "app.name"));
    begin_content(b);
    para(b, UI_HEADING, UI_S_HEADING, L(b, "home.title"), PX_H1, 1, GAP);
    int cols = content_w(b) >= dp(b, 1100) ? 4 : content_w(b) >= dp(b, 700) ? 3 : 2;
    int tw = (content_w(b) - (cols - 1) * dp(b, GAP)) / cols, th = dp(b, 250);
    int n = r->n + 1;
    for (int i = 0; i < n; i++) {
        int x = dp(b, MARGIN) + (i % cols) * (tw + dp(b, GAP));
        int y = b->y + (i / cols) * (th + dp(b, GAP));
        if (i < r->n) {
            const struct store_topic *tp = &r->u.topics[i];
            tile(b, x, y, tw, th, tp->icon, tp->title, tp->summary, ACT_TOPIC, tp->id, UI_S_CARD);
        } else {
            tile(b, x, y, tw, th, "contacts", L(b, "home.directory"), L(b, "home.directory_summary"),
                 ACT_DIRECTORY, "", UI_S_CHIP_ON);
        }
    }
    b->y += ((n + cols - 1) / cols) * (th + dp(b, GAP)) + dp(b, GAP);
    para(b, UI_TEXT, UI_S_MUTED, L(b, "privacy.note"), PX_SMALL, 0, 0);
    end_content(b, dp(b, BAR_H));
    store_result_free(r);
}

/* ---- 3. a topic ---- */

static void build_topic(B *b, const char *id)
{
    store_result *tr = NULL, *ar = NULL;
    char err[FARO_MAX_ERRLEN], count[128];
    if (store_topic(b->e->st, id, b->chain, &tr, err, sizeof err) != 0 ||
        store_articles(b->e->st, id, b->chain, &ar, err, sizeof err) != 0) {
        store_result_free(tr);
        return error_screen(b, err);
    }
    const struct store_topic *tp = &tr->u.topics[0];
    bar(b, tp->title);
    begin_content(b);
    para(b, UI_HEADING, UI_S_HEADING, tp->title, PX_H1, 1, 8);
    loc_plural(b->e->loc, b->lang, "topic.article_count", ar->n, count, sizeof count, NULL);
    para(b, UI_TEXT, UI_S_MUTED, count, PX_SMALL, 0, GAP);
    for (int i = 0; i < ar->n; i++)
        list_item(b, ar->u.articles[i].title, ar->u.articles[i].summary, NULL, ACT_ARTICLE,
                  ar->u.articles[i].id);
    if (ar->n == 0)
        notice(b, L(b, "topic.empty"), UI_S_WARN);
    end_content(b, dp(b, BAR_H));
    store_result_free(tr);
    store_result_free(ar);
}

/* A QR code to take away (payload), with a line saying what it is for. */
static void take_away(B *b, const char *label, const char *payload)
{
    /* a longer text makes a denser code: give it room so that a phone
     * camera still sees at least ~4 px per module */
    int size = dp(b, strlen(payload ? payload : "") > 300 ? 440 : 280), x = dp(b, MARGIN);
    if (!payload || !*payload)
        return;
    b->y += dp(b, 8);
    para(b, UI_TEXT, UI_S_HEADING, label, PX_SMALL + 2, 1, 12);
    ui_widget q = { .role = UI_QR, .in_scroll = 1, .parent = -1, .r = { x, b->y, size, size },
                    .text = payload, .name = label };
    ui_add(b->t, &q);
    b->y += size + dp(b, GAP);
}

/* ---- 4. the article reader ---- */

static void md_block(B *b, const mdoc_block *blk)
{
    int x = dp(b, MARGIN), w = content_w(b);
    switch (blk->kind) {
    case MDOC_H1:
    case MDOC_H2:
        b->y += dp(b, 12);
        b->y += text(b, -1, 1, UI_HEADING, UI_S_HEADING, blk->text, x, b->y, w, PX_H2, 1, 0,
                     TXT_ALIGN_START, NULL, 0) + dp(b, 12);
        break;
    case MDOC_H3:
        b->y += text(b, -1, 1, UI_HEADING, UI_S_HEADING, blk->text, x, b->y, w, PX_H3, 1, 0,
                     TXT_ALIGN_START, NULL, 0) + dp(b, 10);
        break;
    case MDOC_LI: {
        int indent = dp(b, 28) * (blk->depth > 0 ? blk->depth : 1);
        char mark[16];
        if (blk->ordinal)
            snprintf(mark, sizeof mark, "%d.", blk->ordinal);
        else
            snprintf(mark, sizeof mark, "•");
        text(b, -1, 1, UI_TEXT, UI_S_ACCENT, mark, x + indent - dp(b, 28), b->y, dp(b, 26), PX_BODY, 1, 1,
             TXT_ALIGN_START, NULL, 0);
        b->y += text(b, -1, 1, UI_TEXT, UI_S_TEXT, blk->text, x + indent, b->y, w - indent, PX_BODY, 0, 0,
                     TXT_ALIGN_START, blk->bold, blk->nbold) + dp(b, 10);
        break;
    }
    case MDOC_HR:
        box(b, UI_RULE, UI_S_RULE, (ui_rect){ x, b->y + dp(b, 8), w, dp(b, 2) }, 1, 0, NULL, NULL, -1);
        b->y += dp(b, 18);
        break;
    case MDOC_QUOTE:
        notice(b, blk->text, UI_S_CARD);
        break;
    default:
        b->y += text(b, -1, 1, UI_TEXT, UI_S_TEXT, blk->text, x, b->y, w, PX_BODY, 0, 0,
                     TXT_ALIGN_START, blk->bold, blk->nbold) + dp(b, 16);
        break;
    }
}

/* The article's links as large buttons ("See also"). */
static void link_buttons(B *b, const mdoc *d)
{
    if (d->nlinks == 0)
        return;
    b->y += dp(b, 16);
    para(b, UI_HEADING, UI_S_HEADING, L(b, "article.see_also"), PX_H3, 1, 12);
    for (int i = 0; i < d->nlinks; i++)
        if (!strncmp(d->links[i].target, "faro:", 5))
            list_item(b, d->links[i].label, NULL, NULL, ACT_LINK, d->links[i].target);
}

static void build_article(B *b, const char *id)
{
    store_result *ar = NULL, *tr = NULL;
    char err[FARO_MAX_ERRLEN], note[512];
    if (store_article(b->e->st, id, b->chain, &ar, err, sizeof err) != 0)
        return error_screen(b, err);
    const struct store_article *a = &ar->u.articles[0];
    store_topic(b->e->st, a->topic, b->chain, &tr, err, sizeof err);
    bar(b, tr ? tr->u.topics[0].title : a->title);
    begin_content(b);
    para(b, UI_HEADING, UI_S_HEADING, a->title, PX_H1, 1, GAP);
    if (strcmp(a->lang, b->lang) != 0) {
        loc_format(b->e->loc, b->lang, "article.other_language", note, sizeof note,
                   "language", loc_endonym(b->e->loc, a->lang), NULL);
        notice(b, note, UI_S_WARN);
    }
    mdoc *d = mdoc_parse(a->body, strlen(a->body));
    if (!d)
        notice(b, L(b, "article.missing"), UI_S_WARN);
    for (int i = 0; d && i < d->nblocks; i++)
        md_block(b, &d->blocks[i]);
    if (d)
        link_buttons(b, d);
    char card[QR_CARD_MAX_BYTES + 1];
    if (qr_article_card(a->title, a->body, card, sizeof card) > 0) {
        b->y += dp(b, 16);
        para(b, UI_HEADING, UI_S_HEADING, L(b, "article.take_away"), PX_H3, 1, 8);
        take_away(b, L(b, "article.qr"), card);
    }
    end_content(b, dp(b, BAR_H));
    mdoc_free(d);
    store_result_free(tr);
    store_result_free(ar);
}

/* ---- 5. the directory ---- */

static const char *kind_label(B *b, const char *kind)
{
    char key[64];
    snprintf(key, sizeof key, "kind.%s", kind);
    return L(b, key);
}

/* Chips wrap like words; returns nothing, moves the cursor below them. */
static void chips(B *b, const char *active)
{
    const char *kinds[SCHEMA_NKINDS + 1];
    int n = store_service_kinds(b->e->st, kinds + 1, SCHEMA_NKINDS);
    int x = dp(b, MARGIN), right = b->W - dp(b, MARGIN), h = dp(b, 64);
    kinds[0] = "";
    for (int i = 0; i <= n; i++) {
        const char *label = i ? kind_label(b, kinds[i]) : L(b, "dir.all");
        txt_params p = { .text = label, .len = -1, .px = dp(b, 24), .bold_all = 1,
                         .dir = b->rtl ? TXT_DIR_RTL : TXT_DIR_LTR };
        int tw = 0, th = 0;
        txt_measure(b->e->txt, &p, &tw, &th);
        int w = tw + dp(b, 44);
        if (x + w > right && x > dp(b, MARGIN)) {
            x = dp(b, MARGIN);
            b->y += h + dp(b, 12);
        }
        int on = !strcmp(active, kinds[i]);
        int ci = box(b, UI_CHIP, on ? UI_S_CHIP_ON : UI_S_CHIP, (ui_rect){ x, b->y, w, h }, 1, ACT_KIND,
                     kinds[i], label, -1);
        text(b, ci, 1, UI_TEXT, on ? UI_S_BAR_TEXT : UI_S_TEXT, label, x + dp(b, 22), b->y + (h - th) / 2,
             tw + 2, 24, 1, 1, TXT_ALIGN_START, NULL, 0);
        x += w + dp(b, 12);
    }
    b->y += h + dp(b, GAP);
}

/* Copies the next item of a ';' list at *p into item (truncated to fit)
 * and moves *p past it.  Returns 0 at the end of the list. */
static int list_next(const char **p, char *item, size_t size)
{
    if (!*p || !**p)
        return 0;
    size_t n = strcspn(*p, ";");
    snprintf(item, size, "%.*s", (int)(n < size - 1 ? n : size - 1), *p);
    *p += n + ((*p)[n] == ';');
    return 1;
}

/* 1 if `code` is in the ';' list (or the list is "*" and any is 1). */
static int list_has(const char *list, const char *code, int any)
{
    char item[64];
    if (any && !strcmp(list, "*"))
        return 1;
    for (const char *p = list; *code && list_next(&p, item, sizeof item);)
        if (!strcmp(item, code))
            return 1;
    return 0;
}

/* Which group a service falls in for this reader: what concerns them first. */
enum dir_group { G_CONSULATE, G_FAMILY, G_NEAR, G_FOR_YOU, G_OTHER, G_COUNT };

static int dir_group(const screen_env *e, const struct store_service *s)
{
    const char *c = e->country;
    int mine = *c && list_has(s->nationalities, c, 0);
    if (mine && !strcmp(s->kind, "consulate"))
        return G_CONSULATE;
    if (!strcmp(s->kind, "family"))
        return G_FAMILY;
    if (!strcmp(s->kind, "consulate"))
        return G_OTHER;                     /* other countries' consulates last */
    if (*e->city && !strcasecmp(s->city, e->city))
        return G_NEAR;
    if (*c && list_has(s->nationalities, c, 1))
        return G_FOR_YOU;
    return G_OTHER;
}

/* "Your country: Haití" with a Change button, or "Choose your country". */
static void country_row(B *b)
{
    char line[256], name[128];
    int x = dp(b, MARGIN), w = content_w(b), h = dp(b, 72);
    if (*b->e->country) {
        intl_country_name(b->e->country, b->lang, name, sizeof name);
        loc_format(b->e->loc, b->lang, "dir.country", line, sizeof line, "country", name, NULL);
    } else {
        snprintf(line, sizeof line, "%s", L(b, "dir.choose_country"));
    }
    int bi = box(b, UI_BUTTON, UI_S_BUTTON, (ui_rect){ x, b->y, w, h }, 1, ACT_COUNTRY_PICK, NULL, line, -1);
    icon(b, bi, 1, UI_S_ACCENT, "flag", x + dp(b, 16), b->y + (h - dp(b, 40)) / 2, dp(b, 40));
    int th = txt_line_height(b->e->txt, dp(b, 26));
    text(b, bi, 1, UI_TEXT, UI_S_HEADING, line, x + dp(b, 72), b->y + (h - th) / 2, w - dp(b, 130), 26, 1, 1,
         TXT_ALIGN_START, NULL, 0);
    icon(b, bi, 1, UI_S_ACCENT, b->rtl ? "chevron_left" : "chevron_right", x + w - dp(b, 52),
         b->y + (h - dp(b, 36)) / 2, dp(b, 36));
    b->y += h + dp(b, GAP);
}

static void service_item(B *b, const struct store_service *s)
{
    char sub[512];
    snprintf(sub, sizeof sub, "%s · %s", kind_label(b, s->kind), s->city);
    list_item(b, s->name, sub, s->example ? L(b, "service.example_badge") : NULL, ACT_SERVICE, s->id);
}

/* Services in group order; with a country and no kind filter, each group
 * gets a heading ("Your consulate", "Family contact", "Near here"...). */
static void grouped_services(B *b, const store_result *r, int headings)
{
    static const char *const keys[G_COUNT] = { "dir.your_consulate", "kind.family", "dir.near",
                                               "dir.for_you", "dir.others" };
    char head[256], name[128];
    for (int g = 0; g < G_COUNT; g++) {
        int shown = 0;
        for (int i = 0; i < r->n; i++) {
            const struct store_service *s = &r->u.services[i];
            if (dir_group(b->e, s) != g)
                continue;
            if (headings && !shown++) {
                intl_country_name(b->e->country, b->lang, name, sizeof name);
                loc_format(b->e->loc, b->lang, keys[g], head, sizeof head, "country", name, NULL);
                b->y += dp(b, 8);
                para(b, UI_HEADING, UI_S_HEADING, head, PX_H3, 1, 12);
            }
            service_item(b, s);
        }
    }
}

static void build_directory(B *b, const char *kind)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN], count[128];
    if (store_services(b->e->st, kind, b->chain, &r, err, sizeof err) != 0)
        return error_screen(b, err);
    bar(b, L(b, "dir.title"));
    begin_content(b);
    country_row(b);
    chips(b, kind);
    loc_plural(b->e->loc, b->lang, "dir.count", r->n, count, sizeof count, NULL);
    para(b, UI_TEXT, UI_S_MUTED, count, PX_SMALL, 0, 12);
    grouped_services(b, r, *b->e->country && !*kind);
    if (r->n == 0)
        notice(b, L(b, "dir.empty"), UI_S_WARN);
    end_content(b, dp(b, BAR_H));
    store_result_free(r);
}

/* ---- 8. the nationality list ---- */


/* Countries that some service (a consulate) represents: first in the list. */
static int listed_countries(B *b, char codes[][4], int max)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN];
    int n = 0;
    if (store_services(b->e->st, "consulate", b->chain, &r, err, sizeof err) != 0)
        return 0;
    for (int i = 0; i < r->n; i++) {
        char item[64];
        const char *p = r->u.services[i].nationalities;
        while (n < max && list_next(&p, item, sizeof item)) {
            int dup = strlen(item) != 2;
            for (int j = 0; j < n && !dup; j++)
                dup = !strcmp(codes[j], item);
            if (!dup)
                snprintf(codes[n++], 4, "%.2s", item);
        }
    }
    store_result_free(r);
    return n;
}

/* Buttons in a grid, one per country (name in the reader's language). */
static void country_grid(B *b, const char *const *codes, const char *const *names, int n)
{
    int cols = content_w(b) >= dp(b, 900) ? 3 : 2;
    int cw = (content_w(b) - (cols - 1) * dp(b, 12)) / cols, ch = dp(b, 72);
    for (int i = 0; i < n; i++) {
        int x = dp(b, MARGIN) + (i % cols) * (cw + dp(b, 12)), y = b->y + (i / cols) * (ch + dp(b, 12));
        int on = !strcmp(codes[i], b->e->country);
        int bi = box(b, UI_BUTTON, on ? UI_S_CHIP_ON : UI_S_BUTTON, (ui_rect){ x, y, cw, ch }, 1, ACT_COUNTRY,
                     codes[i], names[i], -1);
        int th = txt_line_height(b->e->txt, dp(b, 24));
        text(b, bi, 1, UI_TEXT, on ? UI_S_BAR_TEXT : UI_S_HEADING, names[i], x + dp(b, 16), y + (ch - th) / 2,
             cw - dp(b, 32), 24, 1, 1, TXT_ALIGN_START, NULL, 0);
    }
    b->y += ((n + cols - 1) / cols) * (ch + dp(b, 12)) + dp(b, GAP);
}

/* Every country, sorted by the reader's collation (intl_countries). */
static void all_countries(B *b)
{
    intl_country *list = NULL;
    int n = intl_countries(b->lang, &list);
    const char **codes = n > 0 ? malloc((size_t)n * sizeof *codes) : NULL;
    const char **names = n > 0 ? malloc((size_t)n * sizeof *names) : NULL;
    if (codes && names) {
        for (int i = 0; i < n; i++) {
            codes[i] = list[i].code;
            names[i] = list[i].name;
        }
        para(b, UI_HEADING, UI_S_HEADING, L(b, "country.all"), PX_H3, 1, 12);
        country_grid(b, codes, names, n);
    }
    free(codes);
    free(names);
    intl_countries_free(list);
}

static void build_country(B *b)
{
    char listed[64][4];
    const char *codes[65], *labels[65];
    bar(b, L(b, "country.title"));
    begin_content(b);
    para(b, UI_HEADING, UI_S_HEADING, L(b, "country.title"), PX_H1, 1, GAP);
    intl_country sorted[64];
    int n = listed_countries(b, listed, 64);
    for (int i = 0; i < n; i++) {
        snprintf(sorted[i].code, sizeof sorted[i].code, "%.2s", listed[i]);
        intl_country_name(listed[i], b->lang, sorted[i].name, sizeof sorted[i].name);
    }
    intl_countries_sort(b->lang, sorted, n);
    for (int i = 0; i < n; i++) {
        codes[i] = sorted[i].code;
        labels[i] = sorted[i].name;
    }
    if (n > 0) {
        para(b, UI_HEADING, UI_S_HEADING, L(b, "country.listed"), PX_H3, 1, 12);
        country_grid(b, codes, labels, n);
    }
    all_countries(b);
    const char *none = "";
    const char *none_label = L(b, "country.none");
    country_grid(b, &none, &none_label, 1);
    end_content(b, dp(b, BAR_H));
}

/* ---- 6. one service ---- */

/* A labelled field: small label, then the value; ltr_value keeps numbers LTR. */
static void field(B *b, const char *label, const char *value, int ltr_value)
{
    if (!value || !*value)
        return;
    int x = dp(b, MARGIN), w = content_w(b);
    b->y += text(b, -1, 1, UI_TEXT, UI_S_MUTED, label, x, b->y, w, PX_SMALL, 1, 0, TXT_ALIGN_START,
                 NULL, 0) + dp(b, 4);
    if (ltr_value)
        b->y += text_auto(b, -1, 1, UI_S_TEXT, value, x, b->y, w, PX_BODY + 2, 1,
                          b->rtl ? TXT_ALIGN_END : TXT_ALIGN_START, TXT_DIR_LTR);
    else
        b->y += text(b, -1, 1, UI_TEXT, UI_S_TEXT, value, x, b->y, w, PX_BODY, 0, 0, TXT_ALIGN_START,
                     NULL, 0);
    b->y += dp(b, 18);
}

/* Appends the items of a ';' list, each mapped by fn (or copied), joined by sep. */
static void join_list(const char *list, const char *sep, const char *lang, char *out, size_t size,
                      int (*fn)(const char *, const char *, char *, size_t))
{
    char item[64], name[256];
    out[0] = 0;
    for (const char *p = list; list_next(&p, item, sizeof item);) {
        if (fn)
            fn(item, lang, name, sizeof name);
        else
            snprintf(name, sizeof name, "%s", item);
        if (*out)
            strncat(out, sep, size - strlen(out) - 1);
        strncat(out, name, size - strlen(out) - 1);
    }
}

/* +12025550143 -> "+1 202 555 0143" (North American plan); others unchanged. */
static int phone_display(const char *e164, const char *lang, char *out, size_t size)
{
    (void)lang;
    if (strlen(e164) == 12 && !strncmp(e164, "+1", 2))
        return snprintf(out, size, "+1 %.3s %.3s %.4s", e164 + 2, e164 + 5, e164 + 8);
    return snprintf(out, size, "%s", e164);
}

static void service_place(B *b, const struct store_service *s)
{
    char country[128], place[1024];
    intl_country_name(s->country, b->lang, country, sizeof country);
    snprintf(place, sizeof place, "%s%s%s%s%s%s%s", s->address, *s->address ? "\n" : "", s->city,
             *s->region ? ", " : "", s->region, *country ? ", " : "", country);
    field(b, L(b, "service.address"), place, 0);
}

static void build_service(B *b, const char *id)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN], buf[2048], date[128];
    if (store_service(b->e->st, id, b->chain, &r, err, sizeof err) != 0)
        return error_screen(b, err);
    const struct store_service *s = &r->u.services[0];
    bar(b, kind_label(b, s->kind));
    begin_content(b);
    para(b, UI_HEADING, UI_S_HEADING, s->name, PX_H1, 1, GAP);
    if (s->example)
        notice(b, L(b, "service.example"), UI_S_WARN);
    long verified = intl_days(s->verified);
    if (verified < 0 || b->e->today - verified > b->e->stale_days)
        notice(b, L(b, "service.stale"), UI_S_WARN);
    service_place(b, s);
    join_list(s->phones, "\n", b->lang, buf, sizeof buf, phone_display);
    field(b, L(b, "service.phones"), buf, 1);
    join_list(s->messaging, "\n", b->lang, buf, sizeof buf, phone_display);
    field(b, L(b, "service.messaging"), buf, 1);
    intl_hours(s->hours, b->lang, buf, sizeof buf);
    field(b, L(b, "service.hours"), buf, 0);
    join_list(s->languages, ", ", b->lang, buf, sizeof buf, intl_language_name);
    field(b, L(b, "service.languages"), buf, 0);
    snprintf(buf, sizeof buf, "cost.%s", s->cost);
    field(b, L(b, "service.cost"), *s->cost ? L(b, buf) : "", 0);
    if (!strcmp(s->nationalities, "*"))
        snprintf(buf, sizeof buf, "%s", L(b, "service.serves_everyone"));
    else
        join_list(s->nationalities, ", ", b->lang, buf, sizeof buf, intl_country_name);
    field(b, L(b, "service.serves"), buf, 0);
    field(b, L(b, "service.notes"), s->notes, 0);
    intl_date(s->verified, b->lang, date, sizeof date);
    loc_format(b->e->loc, b->lang, "service.verified", buf, sizeof buf, "date", date, "who",
               s->verified_by, NULL);
    para(b, UI_TEXT, UI_S_MUTED, buf, PX_SMALL, 0, GAP);
    char vcard[QR_MAX_TEXT + 1];
    if (qr_vcard(s, s->example ? L(b, "service.example") : NULL, vcard, sizeof vcard) > 0)
        take_away(b, L(b, "service.qr"), vcard);
    end_content(b, dp(b, BAR_H));
    store_result_free(r);
}

/* ---- 7. search ---- */

#define FIELD_H 76
#define SEARCH_LIMIT 20

/* The search field: what was typed (or the prompt), and a Clear button. */
static int search_field(B *b, int top)
{
    int x = dp(b, MARGIN), w = content_w(b), h = dp(b, FIELD_H), clear = dp(b, 76);
    const char *q = b->e->query && *b->e->query ? b->e->query : NULL;
    box(b, UI_PANEL, UI_S_BUTTON, (ui_rect){ x, top, w, h }, 0, 0, NULL, NULL, -1);
    icon(b, -1, 0, UI_S_ACCENT, "search", x + dp(b, 14), top + (h - dp(b, 40)) / 2, dp(b, 40));
    int th = txt_line_height(b->e->txt, dp(b, 30));
    ui_widget f = { .role = UI_TEXT, .style = q ? UI_S_TEXT : UI_S_MUTED, .parent = -1,
                    .r = { x + dp(b, 68), top + (h - th) / 2, w - dp(b, 68) - clear - dp(b, 8), th },
                    .text = q ? q : L(b, "search.prompt"), .name = "search.field", .px = dp(b, 30),
                    .max_lines = 1, .dir = b->rtl ? TXT_DIR_RTL : TXT_DIR_LTR, .align = TXT_ALIGN_START };
    ui_add(b->t, &f);
    if (q) {
        int ci = box(b, UI_BUTTON, UI_S_NONE, (ui_rect){ x + w - clear, top, clear, h }, 0, ACT_CLEAR, NULL,
                     L(b, "search.clear"), -1);
        icon(b, ci, 0, UI_S_MUTED, "close", x + w - clear + (clear - dp(b, 40)) / 2, top + (h - dp(b, 40)) / 2,
             dp(b, 40));
    }
    return top + h + dp(b, 12);
}

static void search_results(B *b)
{
    search_hits *hits = NULL;
    char err[FARO_MAX_ERRLEN];
    if (!b->e->query || !*b->e->query) {
        para(b, UI_TEXT, UI_S_MUTED, L(b, "search.hint"), PX_SMALL, 0, 0);
        return;
    }
    if (search_query(b->e->ix, b->e->query, b->chain, SEARCH_LIMIT, &hits, err, sizeof err) < 0) {
        log_msg("search: %s", err);
        notice(b, L(b, "search.empty"), UI_S_WARN);
        return;
    }
    for (int i = 0; i < hits->n; i++) {
        const search_hit *h = &hits->hits[i];
        int svc = h->kind == SEARCH_SERVICE;
        list_item_marked(b, h->title, h->title_marks, h->ntitle_marks, h->snippet, h->snippet_marks,
                         h->nsnippet_marks, L(b, svc ? "search.kind_service" : "search.kind_article"),
                         svc ? ACT_SERVICE : ACT_ARTICLE, h->id);
    }
    if (hits->n == 0)
        notice(b, L(b, "search.empty"), UI_S_WARN);
    search_hits_free(hits);
}

/* The layout chosen on this visit (its number), or the language's own. */
static int kbd_layout_for_name(const char *chosen, const char *lang)
{
    if (chosen && *chosen)
        return atoi(chosen) % KBD_NLAYOUTS;
    return kbd_layout_for_lang(lang);
}

/* The on-screen keyboard at the bottom; returns its top edge.  Key sizes
 * come from the layout (half key units); an Arabic layout runs right to
 * left whatever the screen's direction, so its keys are placed already
 * mirrored when ui_end will mirror the screen. */
#define KEY_H 64
#define KEY_GAP 6

static void key_widget(B *b, const kbd_key *k, int x, int y, int w, int h)
{
    char next[8];
    int action = k->action == KBD_BACKSPACE ? ACT_BACKSPACE : k->action == KBD_CLEAR ? ACT_CLEAR
               : k->action == KBD_SWITCH ? ACT_KBD : ACT_KEY;
    const char *arg = k->action == KBD_SPACE ? " " : k->text;
    if (k->action == KBD_SWITCH) {
        snprintf(next, sizeof next, "%d", kbd_next_layout(kbd_layout_for_name(b->e->kbd, b->lang)));
        arg = next;
    }
    const char *name = k->action == KBD_BACKSPACE ? L(b, "kbd.delete") : k->action == KBD_SPACE ? L(b, "kbd.space")
                     : k->action == KBD_SWITCH ? L(b, "kbd.switch") : k->action == KBD_CLEAR ? L(b, "search.clear")
                     : k->label;
    if (b->rtl)
        x = b->W - x - w;                   /* ui_end mirrors it back */
    int ki = box(b, UI_BUTTON, k->action == KBD_INSERT ? UI_S_BUTTON : UI_S_CHIP, (ui_rect){ x, y, w, h }, 0,
                 action, arg, name, -1);
    if (k->icon) {
        int sz = dp(b, 34);
        icon(b, ki, 0, UI_S_HEADING, k->label, x + (w - sz) / 2, y + (h - sz) / 2, sz);
        return;
    }
    int th = txt_line_height(b->e->txt, dp(b, 28));
    ui_widget t = { .role = UI_TEXT, .style = UI_S_HEADING, .parent = (int16_t)ki,
                    .r = { x, y + (h - th) / 2, w, th }, .text = k->label,
                    .px = dp(b, 28), .max_lines = 1, .align = TXT_ALIGN_CENTER, .dir = TXT_DIR_AUTO };
    ui_add(b->t, &t);
}

static int keyboard(B *b)
{
    const kbd_layout *l = kbd_layout_get(kbd_layout_for_name(b->e->kbd, b->lang));
    int units = 1, kh = dp(b, KEY_H), gap = dp(b, KEY_GAP), pad = dp(b, 12);
    if (!l)
        return b->H;
    for (int r = 0; r < l->nrows; r++) {
        int u = 0;
        for (int k = 0; k < l->rows[r].nkeys; k++)
            u += l->rows[r].keys[k].width;
        units = u > units ? u : units;
    }
    int top = b->H - l->nrows * (kh + gap) - 2 * pad + gap;
    int unit = (b->W - 2 * pad) / units;
    box(b, UI_PANEL, UI_S_RULE, (ui_rect){ 0, top, b->W, b->H - top }, 0, 0, NULL, NULL, -1);
    for (int r = 0; r < l->nrows; r++) {
        int u = 0, y = top + pad + r * (kh + gap);
        for (int k = 0; k < l->rows[r].nkeys; k++)
            u += l->rows[r].keys[k].width;
        int x = (b->W - u * unit) / 2;
        for (int k = 0; k < l->rows[r].nkeys; k++) {
            const kbd_key *key = &l->rows[r].keys[k];
            int w = key->width * unit;
            int kx = l->rtl ? b->W - x - w : x;
            key_widget(b, key, kx + gap / 2, y, w - gap, kh);
            x += w;
        }
    }
    return top;
}

static void build_search(B *b)
{
    if (!b->e->ix)
        return error_screen(b, "search is not available");
    bar(b, L(b, "nav.search"));
    int top = search_field(b, dp(b, BAR_H) + dp(b, 16));
    int kb_top = keyboard(b);
    b->y = dp(b, 8);
    search_results(b);
    ui_set_scroll(b->t, (ui_rect){ 0, top, b->W, kb_top - top }, b->y + dp(b, MARGIN));
}

/* ---- 9. a USB stick being read ---- */

/* A progress bar: a track and a fill of done/total. */
static void progress_bar(B *b, unsigned long long done, unsigned long long total)
{
    int x = dp(b, MARGIN), w = content_w(b), h = dp(b, 28);
    int fill = total ? (int)((double)w * (double)(done > total ? total : done) / (double)total) : 0;
    box(b, UI_PANEL, UI_S_CHIP, (ui_rect){ x, b->y, w, h }, 1, 0, NULL, NULL, -1);
    if (fill > 0)   /* drawn from the start edge: ui_end mirrors it for RTL */
        box(b, UI_PANEL, UI_S_CHIP_ON, (ui_rect){ x, b->y, fill, h }, 1, 0, NULL, NULL, -1);
    b->y += h + dp(b, GAP);
}

static void usb_line(B *b, const screen_usb_line *l)
{
    int ok = l->why == INSTALL_OK || l->why == INSTALL_ALREADY || l->why == INSTALL_EXPIRED_SHOWN;
    int x = dp(b, MARGIN), size = dp(b, 36), gap = dp(b, 12);
    icon(b, -1, 1, ok ? UI_S_HEADING : UI_S_ACCENT, ok ? "check" : "error", x, b->y, size);
    int h = text(b, -1, 1, UI_TEXT, UI_S_TEXT, *l->id ? l->id : l->pack, x + size + gap, b->y,
                 content_w(b) - size - gap, PX_BODY, 1, 1, TXT_ALIGN_START, NULL, 0);
    h += text(b, -1, 1, UI_TEXT, UI_S_MUTED, L(b, install_why_name(l->why)), x + size + gap, b->y + h,
              content_w(b) - size - gap, PX_SMALL + 2, 0, 0, TXT_ALIGN_START, NULL, 0);
    b->y += h + dp(b, 16);
}

static void build_usb(B *b)
{
    const screen_usb *u = b->e->usb;
    char line[512], idx[16], cnt[16];
    bar(b, L(b, "usb.title"));
    begin_content(b);
    para(b, UI_HEADING, UI_S_HEADING, L(b, "usb.title"), PX_H1, 1, GAP);
    if (u && !u->finished) {
        snprintf(idx, sizeof idx, "%d", u->index + 1);
        snprintf(cnt, sizeof cnt, "%d", u->count);
        loc_format(b->e->loc, b->lang, "usb.copying", line, sizeof line, "pack", u->pack, "index", idx,
                   "count", cnt, NULL);
        para(b, UI_TEXT, UI_S_TEXT, line, PX_BODY, 0, 12);
        progress_bar(b, u->done, u->total);
    }
    for (int i = 0; u && i < u->nlines; i++)
        usb_line(b, &u->lines[i]);
    if (u && u->finished) {
        if (u->installed > 0)
            loc_plural(b->e->loc, b->lang, "usb.done", u->installed, line, sizeof line, NULL);
        else
            snprintf(line, sizeof line, "%s", L(b, "usb.none"));
        para(b, UI_TEXT, UI_S_HEADING, line, PX_BODY, 1, GAP);
        int w = dp(b, 240), h = dp(b, 80), x = dp(b, MARGIN);
        int bi = box(b, UI_BUTTON, UI_S_CHIP_ON, (ui_rect){ x, b->y, w, h }, 1, ACT_BACK, NULL, L(b, "usb.ok"), -1);
        int th = txt_line_height(b->e->txt, dp(b, 30));
        text(b, bi, 1, UI_TEXT, UI_S_BAR_TEXT, L(b, "usb.ok"), x, b->y + (h - th) / 2, w, 30, 1, 1,
             TXT_ALIGN_CENTER, NULL, 0);
        b->y += h;
    }
    end_content(b, dp(b, BAR_H));
}

/* ---- 10. the administrator's console ---- */

/* A big button with a centred label (PIN pad keys, console actions). */
static int button(B *b, int x, int y, int w, int h, const char *label, int style, int action,
                  const char *arg, int in_scroll)
{
    int bi = box(b, UI_BUTTON, style, (ui_rect){ x, y, w, h }, in_scroll, action, arg, label, -1);
    int th = txt_line_height(b->e->txt, dp(b, 26));
    ui_widget t = { .role = UI_TEXT, .style = style == UI_S_CHIP_ON ? UI_S_BAR_TEXT : UI_S_HEADING,
                    .parent = (int16_t)bi, .in_scroll = (int16_t)in_scroll,
                    .r = { x + dp(b, 8), y + (h - th) / 2, w - dp(b, 16), th }, .text = label,
                    .px = dp(b, 26), .bold_all = 1, .max_lines = 1, .align = TXT_ALIGN_CENTER,
                    .dir = TXT_DIR_AUTO };
    ui_add(b->t, &t);
    return bi;
}

/* The last result line of the console (a locale key with its values). */
static void admin_message(B *b)
{
    const screen_admin *ad = b->e->admin;
    char line[512];
    if (!ad || !ad->msg_key)
        return;
    if (ad->msg_count >= 0)
        loc_plural(b->e->loc, b->lang, ad->msg_key, ad->msg_count, line, sizeof line, "pack", ad->msg_arg,
                   "file", ad->msg_arg, NULL);
    else
        loc_format(b->e->loc, b->lang, ad->msg_key, line, sizeof line, "pack", ad->msg_arg, "file",
                   ad->msg_arg, NULL);
    notice(b, line, UI_S_WARN);
}

static void build_admin_pin(B *b)
{
    const screen_admin *ad = b->e->admin;
    char dots[64] = "";
    bar(b, L(b, "admin.title"));
    begin_content(b);
    para(b, UI_HEADING, UI_S_HEADING, L(b, "admin.pin.prompt"), PX_H2, 1, 12);
    for (int i = 0; ad && i < ad->pin_len && i < 12; i++)
        strcat(dots, "\xe2\x97\x8f ");                       /* ● */
    para(b, UI_TEXT, UI_S_HEADING, *dots ? dots : " ", PX_H1, 1, 12);
    admin_message(b);
    static const char *const keys[12] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "" };
    int kw = dp(b, 150), kh = dp(b, 76), gap = dp(b, 14), x0 = (b->W - 3 * kw - 2 * gap) / 2;
    for (int i = 0; i < 12; i++) {
        int x = x0 + (i % 3) * (kw + gap), y = b->y + (i / 3) * (kh + gap);
        if (i == 9)
            button(b, x, y, kw, kh, L(b, "admin.pin.delete"), UI_S_CHIP, ACT_PIN_DEL, NULL, 1);
        else if (i == 11)
            button(b, x, y, kw, kh, L(b, "admin.pin.ok"), UI_S_CHIP_ON, ACT_PIN_OK, NULL, 1);
        else
            button(b, x, y, kw, kh, keys[i], UI_S_BUTTON, ACT_PIN_DIGIT, keys[i], 1);
    }
    b->y += 4 * (kh + gap);
    end_content(b, dp(b, BAR_H));
}

static void admin_tabs(B *b, int active)
{
    static const char *const keys[TAB_COUNT] = { "admin.tab.status", "admin.tab.packs",
        "admin.tab.languages", "admin.tab.log", "admin.tab.usage", "admin.tab.check" };
    static const char *const args[TAB_COUNT] = { "0", "1", "2", "3", "4", "5" };
    int x = dp(b, MARGIN), h = dp(b, 60);
    for (int i = 0; i < TAB_COUNT; i++) {
        const char *label = L(b, keys[i]);
        txt_params p = { .text = label, .len = -1, .px = dp(b, 24), .bold_all = 1 };
        int tw = 0, th = 0;
        txt_measure(b->e->txt, &p, &tw, &th);
        int w = tw + dp(b, 40);
        if (x + w > b->W - dp(b, MARGIN) && x > dp(b, MARGIN)) {
            x = dp(b, MARGIN);
            b->y += h + dp(b, 10);
        }
        int ci = box(b, UI_CHIP, i == active ? UI_S_CHIP_ON : UI_S_CHIP, (ui_rect){ x, b->y, w, h }, 1,
                     ACT_ADMIN_TAB, args[i], label, -1);
        text(b, ci, 1, UI_TEXT, i == active ? UI_S_BAR_TEXT : UI_S_TEXT, label, x + dp(b, 20),
             b->y + (h - th) / 2, tw + 2, 24, 1, 1, TXT_ALIGN_START, NULL, 0);
        x += w + dp(b, 10);
    }
    b->y += h + dp(b, GAP);
}

/* Updates from mirrors: last success, what is downloading, the last error. */
static void admin_sync_line(B *b)
{
    sync_status ss;
    char v[512], when[64], arg[256];
    if (!b->e->admin || !b->e->admin->sync)
        return;
    sync_status_get(b->e->admin->sync, &ss);
    time_t t = (time_t)ss.last_success;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    if (*ss.error_key) {
        loc_format(b->e->loc, b->lang, ss.error_key, arg, sizeof arg, "arg", ss.error_arg, NULL);
        loc_format(b->e->loc, b->lang, "admin.status.sync_error", v, sizeof v, "error", arg, NULL);
    } else if (ss.last_success) {
        loc_format(b->e->loc, b->lang, "admin.status.sync_ok", v, sizeof v, "time", when, NULL);
    } else {
        snprintf(v, sizeof v, "%s", L(b, "admin.status.sync_never"));
    }
    if (*ss.downloading) {
        size_t n = strlen(v);
        snprintf(v + n, sizeof v - n, "\n%s %llu%%", ss.downloading,
                 ss.total ? ss.done * 100 / ss.total : 0ull);
    }
    field(b, L(b, "admin.status.sync"), v, 0);
}

static void admin_status_tab(B *b, const admin_status *st)
{
    char v[256], a[64], c[64], d[32], h[32], m[32];
    field(b, L(b, "admin.status.version"), st->version, 1);
    admin_format_bytes(st->storage_free, a, sizeof a);
    admin_format_bytes(st->storage_total, c, sizeof c);
    loc_format(b->e->loc, b->lang, "admin.status.storage_value", v, sizeof v, "free", a, "total", c, NULL);
    field(b, L(b, "admin.status.storage"), st->storage_free >= 0 ? v : "?", 0);
    time_t now = (time_t)st->now_s;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(v, sizeof v, "%Y-%m-%d %H:%M UTC", &tm);
    field(b, L(b, "admin.status.clock"), v, 1);
    snprintf(d, sizeof d, "%ld", st->uptime_s / 86400);
    snprintf(h, sizeof h, "%ld", st->uptime_s / 3600 % 24);
    snprintf(m, sizeof m, "%ld", st->uptime_s / 60 % 60);
    loc_format(b->e->loc, b->lang, "admin.status.uptime_value", v, sizeof v, "days", d, "hours", h,
               "minutes", m, NULL);
    field(b, L(b, "admin.status.uptime"), st->uptime_s >= 0 ? v : "?", 0);
    admin_sync_line(b);
    for (int i = 0; i < st->npacks; i++) {
        snprintf(a, sizeof a, "%ld", st->packs[i].version);
        loc_format(b->e->loc, b->lang, "admin.status.content_value", v, sizeof v, "pack", st->packs[i].id,
                   "version", a, NULL);
        field(b, i == 0 ? L(b, "admin.status.content") : " ", v, 0);
    }
}

static void admin_pack_row(B *b, const admin_pack *p)
{
    const screen_admin *ad = b->e->admin;
    char line[512], ver[32];
    int builtin = !strcmp(p->source, "default content");
    snprintf(ver, sizeof ver, "%ld", p->version);
    snprintf(line, sizeof line, "%s · %s %s · %s · %s", p->id, L(b, "admin.packs.version"), ver, p->layer, p->type);
    b->y += text(b, -1, 1, UI_TEXT, UI_S_HEADING, line, dp(b, MARGIN), b->y, content_w(b), PX_BODY, 1, 0,
                 TXT_ALIGN_START, NULL, 0) + dp(b, 4);
    char day[16], date[128];
    snprintf(day, sizeof day, "%.10s", p->created);        /* YYYY-MM-DD of the ISO time */
    intl_date(day, b->lang, date, sizeof date);
    snprintf(line, sizeof line, "%s %s", L(b, "admin.packs.signed"), date);
    para(b, UI_TEXT, UI_S_MUTED, line, PX_SMALL, 0, 8);
    if (builtin) {
        para(b, UI_TEXT, UI_S_MUTED, L(b, "admin.packs.builtin"), PX_SMALL, 0, GAP);
        return;
    }
    if (ad && !strcmp(ad->confirm, p->id)) {
        loc_format(b->e->loc, b->lang, "admin.packs.remove_confirm", line, sizeof line, "pack", p->id, NULL);
        notice(b, line, UI_S_WARN);
        button(b, dp(b, MARGIN), b->y, dp(b, 260), dp(b, 68), L(b, "admin.confirm"), UI_S_CHIP_ON,
               ACT_ADMIN_CONFIRM, p->id, 1);
        button(b, dp(b, MARGIN) + dp(b, 280), b->y, dp(b, 220), dp(b, 68), L(b, "admin.cancel"), UI_S_CHIP,
               ACT_ADMIN_CANCEL, NULL, 1);
    } else {
        button(b, dp(b, MARGIN), b->y, dp(b, 220), dp(b, 68), L(b, "admin.packs.remove"), UI_S_CHIP,
               ACT_ADMIN_REMOVE, p->id, 1);
    }
    b->y += dp(b, 68) + dp(b, GAP);
}

static int admin_lang_pos(const screen_admin *ad, const char *code)
{
    for (int i = 0; ad && i < ad->nlangs; i++)
        if (!strcmp(ad->langs[i], code))
            return i;
    return -1;
}

static void admin_lang_row(B *b, const char *code, int pos)
{
    char line[256];
    int x = dp(b, MARGIN), h = dp(b, 64), bw = dp(b, 150);
    snprintf(line, sizeof line, "%s (%s)%s%s", loc_endonym(b->e->loc, code), code,
             loc_reviewed(b->e->loc, code) ? "" : " · ", loc_reviewed(b->e->loc, code) ? "" :
             L(b, "admin.lang.unreviewed"));
    text(b, -1, 1, UI_TEXT, pos >= 0 ? UI_S_HEADING : UI_S_MUTED, line, x, b->y + dp(b, 16),
         content_w(b) - 3 * (bw + dp(b, 10)), PX_SMALL + 2, pos >= 0, 1, TXT_ALIGN_START, NULL, 0);
    int bx = b->W - dp(b, MARGIN) - 3 * bw - 2 * dp(b, 10);
    button(b, bx, b->y, bw, h, L(b, pos >= 0 ? "admin.lang.shown" : "admin.lang.hidden"),
           pos >= 0 ? UI_S_CHIP_ON : UI_S_CHIP, ACT_ADMIN_LANG_TOGGLE, code, 1);
    for (int k = 0; pos >= 0 && k < 2; k++) {     /* Move up, Move down: arrows, named */
        int x2 = bx + (k + 1) * (bw + dp(b, 10)), sz = dp(b, 40);
        int bi = box(b, UI_BUTTON, UI_S_CHIP, (ui_rect){ x2, b->y, bw, h }, 1,
                     k ? ACT_ADMIN_LANG_DOWN : ACT_ADMIN_LANG_UP, code,
                     L(b, k ? "admin.lang.down" : "admin.lang.up"), -1);
        icon(b, bi, 1, UI_S_HEADING, k ? "arrow_downward" : "arrow_upward", x2 + (bw - sz) / 2,
             b->y + (h - sz) / 2, sz);
    }
    b->y += h + dp(b, 10);
}

static void admin_languages_tab(B *b)
{
    const screen_admin *ad = b->e->admin;
    para(b, UI_HEADING, UI_S_HEADING, L(b, "admin.lang.title"), PX_H3, 1, 12);
    for (int i = 0; ad && i < ad->nlangs; i++)
        admin_lang_row(b, ad->langs[i], i);
    for (int i = 0; i < loc_count(b->e->loc); i++)
        if (admin_lang_pos(ad, loc_code(b->e->loc, i)) < 0)
            admin_lang_row(b, loc_code(b->e->loc, i), -1);
}

static void admin_log_tab(B *b)
{
    para(b, UI_HEADING, UI_S_HEADING, L(b, "admin.log.title"), PX_H3, 1, 12);
    if (log_count() == 0)
        para(b, UI_TEXT, UI_S_MUTED, L(b, "admin.log.empty"), PX_SMALL, 0, 0);
    for (int i = log_count() - 1, shown = 0; i >= 0 && shown < 60; i--, shown++) {
        char line[LOG_LINE];                /* a copy: other threads keep logging */
        log_line(i, line, sizeof line);
        b->y += text_auto(b, -1, 1, UI_S_TEXT, line, dp(b, MARGIN), b->y, content_w(b), PX_SMALL, 0,
                          TXT_ALIGN_START, TXT_DIR_LTR) + dp(b, 6);
    }
}

static void admin_usage_tab(B *b)
{
    para(b, UI_HEADING, UI_S_HEADING, L(b, "admin.usage.title"), PX_H3, 1, 12);
    para(b, UI_TEXT, UI_S_MUTED, L(b, "admin.usage.note"), PX_SMALL, 0, GAP);
    button(b, dp(b, MARGIN), b->y, content_w(b) < dp(b, 700) ? content_w(b) : dp(b, 700), dp(b, 76),
           L(b, "admin.usage.export"), UI_S_CHIP_ON, ACT_ADMIN_EXPORT, NULL, 1);
    b->y += dp(b, 76) + dp(b, GAP);
}

static void admin_check_tab(B *b)
{
    const screen_admin *ad = b->e->admin;
    char line[512];
    button(b, dp(b, MARGIN), b->y, dp(b, 500), dp(b, 76), L(b, "admin.check.run"), UI_S_CHIP_ON,
           ACT_ADMIN_CHECK, NULL, 1);
    b->y += dp(b, 76) + dp(b, GAP);
    if (!ad || !ad->checked)
        return;
    if (ad->failed)
        loc_plural(b->e->loc, b->lang, "admin.check.problems", ad->failed, line, sizeof line, NULL);
    else
        snprintf(line, sizeof line, "%s", L(b, "admin.check.all_ok"));
    para(b, UI_HEADING, UI_S_HEADING, line, PX_H3, 1, 12);
    for (int i = 0; i < ADMIN_NCHECKS; i++) {
        loc_format(b->e->loc, b->lang, ad->checks[i].result_key, line, sizeof line, "detail",
                   ad->checks[i].detail, NULL);
        field(b, L(b, ad->checks[i].name_key), line, 0);
    }
}

static void build_admin(B *b)
{
    const screen_admin *ad = b->e->admin;
    static admin_status st;             /* large; built on the UI thread only */
    bar(b, L(b, "admin.title"));
    begin_content(b);
    admin_tabs(b, ad ? ad->tab : 0);
    admin_message(b);
    switch (ad ? ad->tab : 0) {
    case TAB_PACKS:
        admin_status_get(b->e->st, ad ? ad->data_dir : ".", ad ? ad->now_s : 0, &st);
        para(b, UI_HEADING, UI_S_HEADING, L(b, "admin.packs.title"), PX_H3, 1, 12);
        for (int i = 0; i < st.npacks; i++)
            admin_pack_row(b, &st.packs[i]);
        break;
    case TAB_LANGUAGES: admin_languages_tab(b); break;
    case TAB_LOG: admin_log_tab(b); break;
    case TAB_USAGE: admin_usage_tab(b); break;
    case TAB_CHECK: admin_check_tab(b); break;
    default:
        admin_status_get(b->e->st, ad ? ad->data_dir : ".", ad ? ad->now_s : 0, &st);
        admin_status_tab(b, &st);
        break;
    }
    b->y += dp(b, GAP);
    button(b, dp(b, MARGIN), b->y, dp(b, 420), dp(b, 76), L(b, "admin.close"), UI_S_BUTTON, ACT_ADMIN_CLOSE,
           NULL, 1);
    b->y += dp(b, 76);
    end_content(b, dp(b, BAR_H));
}

void screens_build(ui_tree *t, const screen_env *e, const screen_state *s, int w, int h, int keep_scroll)
{
    B b = { .t = t, .e = e, .W = w, .H = h, .lang = e->lang && *e->lang ? e->lang : "en" };
    float scale = (float)w / 1280.0f < (float)h / 800.0f ? (float)w / 1280.0f : (float)h / 800.0f;
    if (scale < 0.5f)
        scale = 0.5f;
    b.rtl = s->screen != SCR_LANGUAGE && loc_is_rtl(e->loc, b.lang);
    loc_chain(e->loc, b.lang, b.chain);
    ui_begin(t, w, h, scale, b.rtl, keep_scroll);
    switch (s->screen) {
    case SCR_HOME: build_home(&b); break;
    case SCR_TOPIC: build_topic(&b, s->id); break;
    case SCR_ARTICLE: build_article(&b, s->id); break;
    case SCR_DIRECTORY: build_directory(&b, s->kind); break;
    case SCR_SERVICE: build_service(&b, s->id); break;
    case SCR_SEARCH: build_search(&b); break;
    case SCR_USB: build_usb(&b); break;
    case SCR_COUNTRY: build_country(&b); break;
    case SCR_ADMIN_PIN: build_admin_pin(&b); break;
    case SCR_ADMIN: build_admin(&b); break;
    default: build_language(&b); break;
    }
    ui_end(t);
}
