/*
 * screens/import.c — the USB screen: a stick's packs being copied, then
 * one line per pack saying what happened to it.
 *
 * The app copies each step of the USB watcher's import into a screen_usb
 * (on the UI thread) and rebuilds; this screen only shows it.  It speaks
 * the reader's language, or the kiosk's first one when nobody chose.
 */
#include "screens/layout.h"

#include <stdio.h>

/* This screen's own sizes, in dp. */
static const struct {
    int bar_h, line_gap, icon, icon_gap, line_after, ok_w, ok_h, ok_px;
} S = { .bar_h = 28, .line_gap = 12, .icon = 36, .icon_gap = 12, .line_after = 16,
        .ok_w = 240, .ok_h = 80, .ok_px = 30 };

/* A progress bar: a track and a fill of done/total. */
static void progress_bar(lay *b, unsigned long long done, unsigned long long total)
{
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b), h = lay_dp(b, S.bar_h);
    int fill = total ? (int)((double)w * (double)(done > total ? total : done) / (double)total) : 0;
    lay_box(b, UI_PANEL, UI_S_CHIP, (ui_rect){ x, b->y, w, h }, 0, NULL, NULL, -1);
    if (fill > 0)   /* drawn from the start edge: ui_end mirrors it for RTL */
        lay_box(b, UI_PANEL, UI_S_CHIP_ON, (ui_rect){ x, b->y, fill, h }, 0, NULL, NULL, -1);
    b->y += h + lay_dp(b, SZ.gap);
}

static void usb_line(lay *b, const screen_usb_line *l)
{
    int ok = l->why == INSTALL_OK || l->why == INSTALL_ALREADY || l->why == INSTALL_EXPIRED_SHOWN;
    int x = lay_dp(b, SZ.margin), size = lay_dp(b, S.icon), gap = lay_dp(b, S.icon_gap);
    int tx = x + size + gap, tw = lay_content_w(b) - size - gap;
    lay_font name = { .style = UI_S_TEXT, .px = SZ.px_body, .bold = 1, .lines = 1 };
    lay_font why = { .style = UI_S_MUTED, .px = SZ.px_note };
    lay_icon(b, -1, ok ? UI_S_HEADING : UI_S_ACCENT, ok ? "check" : "error", x, b->y, size);
    int h = lay_text(b, -1, &name, *l->id ? l->id : l->pack, tx, b->y, tw);
    h += lay_text(b, -1, &why, lay_str(b, install_why_name(l->why)), tx, b->y + h, tw);
    b->y += h + lay_dp(b, S.line_after);
}

static void usb_copying(lay *b, const screen_usb *u)
{
    char line[512], idx[16], cnt[16];
    snprintf(idx, sizeof idx, "%d", u->index + 1);
    snprintf(cnt, sizeof cnt, "%d", u->count);
    loc_format(b->e->loc, b->lang, "usb.copying", line, sizeof line, "pack", u->pack, "index", idx,
               "count", cnt, NULL);
    lay_para(b, UI_TEXT, UI_S_TEXT, line, SZ.px_body, 0, S.line_gap);
    progress_bar(b, u->done, u->total);
}

static void usb_finished(lay *b, const screen_usb *u)
{
    char line[512];
    if (u->installed > 0)
        loc_plural(b->e->loc, b->lang, "usb.done", u->installed, line, sizeof line, NULL);
    else
        snprintf(line, sizeof line, "%s", lay_str(b, "usb.none"));
    lay_para(b, UI_TEXT, UI_S_HEADING, line, SZ.px_body, 1, SZ.gap);
    int w = lay_dp(b, S.ok_w), h = lay_dp(b, S.ok_h), x = lay_dp(b, SZ.margin);
    const char *ok = lay_str(b, "usb.ok");
    int bi = lay_box(b, UI_BUTTON, UI_S_CHIP_ON, (ui_rect){ x, b->y, w, h }, ACT_BACK, NULL, ok, -1);
    int th = lay_line_h(b, S.ok_px);
    lay_font f = { .style = UI_S_BAR_TEXT, .px = S.ok_px, .bold = 1, .lines = 1, .align = TXT_ALIGN_CENTER };
    lay_text(b, bi, &f, ok, x, b->y + (h - th) / 2, w);
    b->y += h;
}

static void build_usb(lay *b, const screen_state *s)
{
    const screen_usb *u = b->e->usb;
    (void)s;
    lay_bar(b, lay_str(b, "usb.title"));
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "usb.title"), SZ.px_h1, 1, SZ.gap);
    if (u && !u->finished)
        usb_copying(b, u);
    for (int i = 0; u && i < u->nlines; i++)
        usb_line(b, &u->lines[i]);
    if (u && u->finished)
        usb_finished(b, u);
    lay_end(b, lay_dp(b, SZ.bar_h));
}

const screen_ops screen_usb_import = { .build = build_usb, .first_lang = 1 };
