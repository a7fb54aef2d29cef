/*
 * screens/layout.c — the layout kit: named sizes, measured text and the
 * blocks screens are made of (bar, paragraph, notice, list item, field,
 * chips, take-away QR, an article's picture).
 *
 * Every block works the same way: it measures its text with the text
 * engine at the width it will have, adds its widgets to the tree and moves
 * the cursor down.  Nothing here knows which screen it serves; nothing
 * user-visible is written here (words come from the locale and the store).
 */
#include "screens/layout.h"
#include "icons.h"
#include "image.h"
#include "log.h"

#include <string.h>
#include <unicode/utf8.h>

const lay_sizes SZ = {
    .bar_h = 96, .bar_button_w = 132, .bar_icon = 40, .bar_icon_top = 10, .bar_label_top = 58,
    .bar_label_inset = 4, .bar_label_h = 30,
    .margin = 32, .gap = 20, .pad = 20,
    .px_title = 30, .px_h1 = 40, .px_h2 = 32, .px_h3 = 28, .px_body = 26, .px_small = 21,
    .px_note = 23, .px_bar_label = 19,
    .notice_pad = 16,
    .item_arrow = 36, .item_text_gap = 8, .item_gap = 14, .item_summary_gap = 6,
    .badge_w = 150, .badge_extra_h = 6, .badge_text_top = 3, .badge_gap = 8,
    .button_px = 26, .button_inset = 8,
    .field_label_gap = 4, .field_value_px = 28, .field_gap = 18,
    .strip_h = 80, .strip_gap = 10, .strip_icon = 36,
    .qr_small = 280, .qr_large = 440, .qr_dense_bytes = 300, .qr_top = 8, .qr_label_gap = 12,
    .caption_gap = 6,
};

int lay_dp(const lay *b, int dp) { return ui_dp(b->t, (float)dp); }

const char *lay_str(const lay *b, const char *key) { return loc_str(b->e->loc, b->lang, key); }

int lay_content_w(const lay *b) { return b->W - 2 * lay_dp(b, SZ.margin); }

int lay_line_h(const lay *b, int px_dp) { return txt_line_height(b->e->txt, lay_dp(b, px_dp)); }

void lay_measure_line(const lay *b, const char *s, int px_dp, int *w, int *h)
{
    txt_params p = { .text = s, .len = -1, .px = lay_dp(b, px_dp), .bold_all = 1 };
    *w = *h = 0;
    txt_measure(b->e->txt, &p, w, h);
}

int lay_box_lang(lay *b, int role, int style, ui_rect r, int action, const char *arg, const char *name,
                 int parent, const char *lang)
{
    ui_widget w = { .role = (int16_t)role, .style = (int16_t)style, .r = r, .in_scroll = (int16_t)b->scroll,
                    .action = (int16_t)action, .arg = arg, .name = name, .parent = (int16_t)parent,
                    .lang = lang };
    return ui_add(b->t, &w);
}

int lay_box(lay *b, int role, int style, ui_rect r, int action, const char *arg, const char *name,
            int parent)
{
    return lay_box_lang(b, role, style, r, action, arg, name, parent, NULL);
}

void lay_set_h(lay *b, int i, int h)
{
    if (i >= 0)
        ((ui_widget *)ui_get(b->t, i))->r.h = h;
}

static int font_dir(const lay *b, int dir)
{
    if (dir == LAY_DIR_SCREEN)
        return b->rtl ? TXT_DIR_RTL : TXT_DIR_LTR;
    return dir == LAY_DIR_AUTO ? TXT_DIR_AUTO : dir;
}

static ui_widget text_widget(const lay *b, int parent, const lay_font *f, const char *s, ui_rect r)
{
    ui_widget w = { .role = (int16_t)(f->role ? f->role : UI_TEXT), .style = (int16_t)f->style,
                    .parent = (int16_t)parent, .in_scroll = (int16_t)b->scroll, .r = r, .text = s,
                    .px = (int16_t)lay_dp(b, f->px), .bold_all = (int16_t)f->bold,
                    .max_lines = (int16_t)f->lines, .align = (int16_t)f->align,
                    .bold = f->marks, .nbold = (int16_t)f->nmarks, .dir = (int16_t)font_dir(b, f->dir) };
    return w;
}

int lay_text(lay *b, int parent, const lay_font *f, const char *s, int x, int y, int w)
{
    ui_widget wd = text_widget(b, parent, f, s, (ui_rect){ x, y, w, 0 });
    txt_params p;
    int tw = 0, th = 0;
    ui_text_params(&wd, &p);
    txt_measure(b->e->txt, &p, &tw, &th);
    wd.r.h = th;
    ui_add(b->t, &wd);
    return th;
}

void lay_label(lay *b, int parent, const lay_font *f, const char *s, ui_rect r)
{
    ui_widget wd = text_widget(b, parent, f, s, r);
    ui_add(b->t, &wd);
}

void lay_icon(lay *b, int parent, int style, const char *name, int x, int y, int size)
{
    char utf8[8] = { 0 };
    int cp = icons_codepoint(name), len = 0;
    UBool bad = 0;
    if (cp < 0)
        return;
    U8_APPEND((uint8_t *)utf8, len, (int)sizeof utf8 - 1, cp, bad);
    if (bad)
        return;
    ui_widget wd = { .role = UI_ICON, .style = (int16_t)style, .parent = (int16_t)parent,
                     .in_scroll = (int16_t)b->scroll, .r = { x, y, size, size }, .text = utf8, .name = name,
                     .px = (int16_t)size, .icon = 1, .align = TXT_ALIGN_CENTER, .dir = TXT_DIR_LTR };
    ui_add(b->t, &wd);
}

/* ---- the bar at the top ---- */

void lay_bar_button(lay *b, int x, int style, const char *icon_name, const char *label, int action)
{
    int w = lay_dp(b, SZ.bar_button_w), h = lay_dp(b, SZ.bar_h), inset = lay_dp(b, SZ.bar_label_inset);
    int i = lay_box(b, UI_BUTTON, style, (ui_rect){ x, 0, w, h }, action, NULL, label, -1);
    lay_icon(b, i, UI_S_BAR_TEXT, icon_name, x + (w - lay_dp(b, SZ.bar_icon)) / 2, lay_dp(b, SZ.bar_icon_top),
             lay_dp(b, SZ.bar_icon));
    lay_font f = { .style = UI_S_BAR_TEXT, .px = SZ.px_bar_label, .bold = style == UI_S_DANGER, .lines = 1,
                   .align = TXT_ALIGN_CENTER };
    lay_label(b, i, &f, label, (ui_rect){ x + inset, lay_dp(b, SZ.bar_label_top),
                                         w - lay_dp(b, 2 * SZ.bar_label_inset), lay_dp(b, SZ.bar_label_h) });
}

void lay_bar(lay *b, const char *title)
{
    int bw = lay_dp(b, SZ.bar_button_w), gap = lay_dp(b, SZ.gap), right = 1;
    b->scroll = 0;
    lay_box(b, UI_BAR, UI_S_BAR, (ui_rect){ 0, 0, b->W, lay_dp(b, SZ.bar_h) }, 0, NULL, NULL, -1);
    lay_bar_button(b, 0, UI_S_BAR, b->rtl ? "arrow_forward" : "arrow_back", lay_str(b, "nav.back"), ACT_BACK);
    lay_bar_button(b, bw, UI_S_BAR, "home", lay_str(b, "nav.home"), ACT_HOME);
    lay_bar_button(b, b->W - bw, UI_S_BAR, "language", lay_str(b, "nav.language"), ACT_LANGSCREEN);
    if (!b->e->search_off)
        lay_bar_button(b, b->W - ++right * bw, UI_S_BAR, "search", lay_str(b, "nav.search"), ACT_SEARCH);
    right = lay_help_buttons(b, b->W - right * bw) + right;
    int x = 2 * bw + gap, w = b->W - (2 + right) * bw - 2 * gap;
    int th = lay_line_h(b, SZ.px_title);
    lay_font f = { .role = UI_HEADING, .style = UI_S_BAR_TEXT, .px = SZ.px_title, .bold = 1, .lines = 1,
                   .align = TXT_ALIGN_CENTER };
    if (w > 0)
        lay_text(b, -1, &f, title, x, (lay_dp(b, SZ.bar_h) - th) / 2, w);
    lay_guidance_strip(b, lay_dp(b, SZ.bar_h));
    b->scroll = 1;
}

/* One control of the guidance strip: an icon and its label, side by side. */
static void strip_button(lay *b, ui_rect r, const char *icon, const char *label, int action)
{
    int pad = lay_dp(b, SZ.pad), icon_px = lay_dp(b, SZ.strip_icon), gap = lay_dp(b, SZ.item_text_gap);
    int i = lay_box(b, UI_BUTTON, UI_S_BUTTON, r, action, NULL, label, -1);
    lay_icon(b, i, UI_S_ACCENT, icon, r.x + pad, r.y + (r.h - icon_px) / 2, icon_px);
    lay_font f = { .style = UI_S_HEADING, .px = SZ.px_small, .bold = 1, .lines = 1 };
    int th = lay_line_h(b, SZ.px_small), x = r.x + pad + icon_px + gap;
    lay_label(b, i, &f, label, (ui_rect){ x, r.y + (r.h - th) / 2, r.x + r.w - x - pad / 2, th });
}

void lay_guidance_strip(lay *b, int y)
{
    const visit *v = b->e->visit;
    if (!v || !v->guidance)
        return;
    const screen_env *e = b->e;
    /* the language screen has no reader's language yet: the kiosk's first */
    const char *lang = e->lang && *e->lang ? b->lang : e->noffered > 0 ? e->offered[0] : b->lang;
    int keep = b->scroll, h = lay_dp(b, SZ.strip_h), m = lay_dp(b, SZ.margin), gap = lay_dp(b, SZ.strip_gap);
    int bh = h - 2 * gap, bw = (b->W - 2 * m - 3 * gap) / 4;
    b->scroll = 0;
    lay_box(b, UI_PANEL, UI_S_CARD, (ui_rect){ 0, y, b->W, h }, 0, NULL, NULL, -1);
    static const struct { const char *icon, *key; int action; } ctl[] = {
        { "stop", "speech.stop", ACT_SPEECH_STOP }, { "pause", "speech.pause", ACT_SPEECH_PAUSE },
        { "remove", "speech.quieter", ACT_VOLUME_DOWN }, { "add", "speech.louder", ACT_VOLUME_UP },
    };
    for (int i = 0; i < 4; i++) {
        int paused = ctl[i].action == ACT_SPEECH_PAUSE && v->paused;
        strip_button(b, (ui_rect){ m + i * (bw + gap), y + gap, bw, bh }, paused ? "play_arrow" : ctl[i].icon,
                     loc_str(e->loc, lang, paused ? "speech.resume" : ctl[i].key), ctl[i].action);
    }
    b->strip_h = h;
    b->scroll = keep;
}

void lay_begin(lay *b)
{
    b->scroll = 1;
    b->y = lay_dp(b, SZ.margin);
}

void lay_end(lay *b, int top)
{
    top += b->strip_h;
    ui_set_scroll(b->t, (ui_rect){ 0, top, b->W, b->H - top }, b->y + lay_dp(b, SZ.margin) * 2);
}

/* ---- blocks ---- */

void lay_para(lay *b, int role, int style, const char *s, int px, int bold, int gap_after)
{
    lay_font f = { .role = role, .style = style, .px = px, .bold = bold };
    b->y += lay_text(b, -1, &f, s, lay_dp(b, SZ.margin), b->y, lay_content_w(b));
    b->y += lay_dp(b, gap_after);
}

void lay_notice(lay *b, const char *s, int style)
{
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b), pad = lay_dp(b, SZ.notice_pad);
    int i = lay_box(b, UI_PANEL, style, (ui_rect){ x, b->y, w, 0 }, 0, NULL, NULL, -1);
    lay_font f = { .style = UI_S_TEXT, .px = SZ.px_note };
    int h = lay_text(b, i, &f, s, x + pad, b->y + pad, w - 2 * pad);
    lay_set_h(b, i, h + 2 * pad);
    b->y += h + 2 * pad + lay_dp(b, SZ.gap);
}

/* The badge above an item's title ("Example", "Service"); returns its height with the gap. */
static int item_badge(lay *b, int parent, const char *badge, int x, int y)
{
    int bw = lay_dp(b, SZ.badge_w);
    int bh = lay_line_h(b, SZ.px_small) + lay_dp(b, SZ.badge_extra_h);
    int bi = lay_box(b, UI_BADGE, UI_S_BADGE, (ui_rect){ x, y, bw, bh }, 0, NULL, NULL, parent);
    lay_font f = { .style = UI_S_TEXT, .px = SZ.px_small, .bold = 1, .lines = 1, .align = TXT_ALIGN_CENTER };
    lay_text(b, bi, &f, badge, x, y + lay_dp(b, SZ.badge_text_top), bw);
    return bh + lay_dp(b, SZ.badge_gap);
}

void lay_list_item(lay *b, const lay_item *it)
{
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b), pad = lay_dp(b, SZ.pad);
    int arrow = lay_dp(b, SZ.item_arrow), sgap = lay_dp(b, SZ.item_summary_gap);
    int tw = w - 2 * pad - arrow - lay_dp(b, SZ.item_text_gap);
    int i = lay_box(b, UI_ITEM, UI_S_CARD, (ui_rect){ x, b->y, w, 0 }, it->action, it->arg, NULL, -1);
    int y = b->y + pad;
    if (it->badge && *it->badge)
        y += item_badge(b, i, it->badge, x + pad, y);
    lay_font title = { .style = UI_S_HEADING, .px = SZ.px_h3, .bold = !it->ntitle_marks, .lines = 2,
                       .marks = it->title_marks, .nmarks = it->ntitle_marks };
    y += lay_text(b, i, &title, it->title, x + pad, y, tw);
    lay_font sum = { .style = UI_S_MUTED, .px = SZ.px_small, .lines = 2, .marks = it->summary_marks,
                     .nmarks = it->nsummary_marks };
    if (it->summary && *it->summary)
        y += sgap + lay_text(b, i, &sum, it->summary, x + pad, y + sgap, tw);
    int h = y + pad - b->y;
    lay_icon(b, i, UI_S_ACCENT, b->rtl ? "chevron_left" : "chevron_right", x + w - pad - arrow,
             b->y + (h - arrow) / 2, arrow);
    lay_set_h(b, i, h);
    b->y += h + lay_dp(b, SZ.item_gap);
}

int lay_button(lay *b, ui_rect r, const char *label, int style, int action, const char *arg)
{
    int bi = lay_box(b, UI_BUTTON, style, r, action, arg, label, -1);
    int th = lay_line_h(b, SZ.button_px), inset = lay_dp(b, SZ.button_inset);
    lay_font f = { .style = style == UI_S_CHIP_ON ? UI_S_BAR_TEXT : UI_S_HEADING, .px = SZ.button_px,
                   .bold = 1, .lines = 1, .align = TXT_ALIGN_CENTER, .dir = LAY_DIR_AUTO };
    lay_label(b, bi, &f, label, (ui_rect){ r.x + inset, r.y + (r.h - th) / 2,
                                          r.w - lay_dp(b, 2 * SZ.button_inset), th });
    return bi;
}

void lay_field(lay *b, const char *label, const char *value, int ltr_value)
{
    if (!value || !*value)
        return;
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b);
    lay_font lf = { .style = UI_S_MUTED, .px = SZ.px_small, .bold = 1 };
    b->y += lay_text(b, -1, &lf, label, x, b->y, w) + lay_dp(b, SZ.field_label_gap);
    lay_font ltr = { .style = UI_S_TEXT, .px = SZ.field_value_px, .bold = 1, .lines = 2,
                     .align = b->rtl ? TXT_ALIGN_END : TXT_ALIGN_START, .dir = TXT_DIR_LTR };
    lay_font vf = { .style = UI_S_TEXT, .px = SZ.px_body };
    b->y += lay_text(b, -1, ltr_value ? &ltr : &vf, value, x, b->y, w);
    b->y += lay_dp(b, SZ.field_gap);
}

void lay_take_away(lay *b, const char *label, const char *payload)
{
    /* a longer text makes a denser code: give it room so that a phone
     * camera still sees at least ~4 px per module */
    if (!payload || !*payload)
        return;
    int dense = strlen(payload) > (size_t)SZ.qr_dense_bytes;
    int size = lay_dp(b, dense ? SZ.qr_large : SZ.qr_small), x = lay_dp(b, SZ.margin);
    b->y += lay_dp(b, SZ.qr_top);
    lay_para(b, UI_TEXT, UI_S_HEADING, label, SZ.px_note, 1, SZ.qr_label_gap);
    ui_widget q = { .role = UI_QR, .in_scroll = 1, .parent = -1, .r = { x, b->y, size, size },
                    .text = payload, .name = label };
    ui_add(b->t, &q);
    b->y += size + lay_dp(b, SZ.gap);
}

/* The picture's box: its display size when its header could be read, else
 * the column's width and the height of its alt text in a frame. */
static ui_rect picture_box(lay *b, const ui_widget *wd, const lay_pic *pic)
{
    int cw = lay_content_w(b), w = 0, h = 0;
    img_box box = { cw, b->H - lay_dp(b, SZ.bar_h) - lay_dp(b, 2 * SZ.margin), lay_dp(b, 1000) / 1000.0f };
    ui_rect r = { lay_dp(b, SZ.margin), b->y, cw, 0 };
    if (img_place(b->e->img, b->e->st, pic->src, &box, &w, &h, NULL, 0) != IMG_FAILED) {
        r.w = w;
        r.h = h;
        return r;
    }
    txt_params p;
    int tw = 0, th = 0;
    ui_text_params(wd, &p);
    p.width = cw - wd->px;              /* gfx insets the alt text by px / 2 a side */
    txt_measure(b->e->txt, &p, &tw, &th);
    r.h = th + wd->px;
    return r;
}

void lay_picture(lay *b, const lay_pic *pic)
{
    lay_font f = { .style = UI_S_CARD, .px = SZ.px_note };
    ui_widget wd = text_widget(b, -1, &f, pic->alt ? pic->alt : "", (ui_rect){ 0 });
    wd.role = UI_IMAGE;
    wd.arg = pic->src;
    wd.r = picture_box(b, &wd, pic);
    ui_add(b->t, &wd);
    b->y += wd.r.h;
    if (pic->caption && *pic->caption) {
        lay_font cf = { .style = UI_S_MUTED, .px = SZ.px_small };
        b->y += lay_dp(b, SZ.caption_gap);
        b->y += lay_text(b, -1, &cf, pic->caption, lay_dp(b, SZ.margin), b->y, lay_content_w(b));
    }
    b->y += lay_dp(b, SZ.gap);
}

void lay_chip_row(lay *b, const lay_chips *c)
{
    int margin = lay_dp(b, SZ.margin), x = margin, right = b->W - margin;
    int h = lay_dp(b, c->h), pad = lay_dp(b, c->pad), gap = lay_dp(b, c->gap);
    for (int i = 0; i < c->n; i++) {
        const char *label = c->labels[i];
        txt_params p = { .text = label, .len = -1, .px = lay_dp(b, c->px), .bold_all = 1,
                         .dir = c->dir == LAY_DIR_SCREEN ? font_dir(b, c->dir) : TXT_DIR_AUTO };
        int tw = 0, th = 0;
        txt_measure(b->e->txt, &p, &tw, &th);
        int w = tw + lay_dp(b, 2 * c->pad);
        if (x + w > right && x > margin) {
            x = margin;
            b->y += h + gap;
        }
        int on = i == c->active;
        int ci = lay_box(b, UI_CHIP, on ? UI_S_CHIP_ON : UI_S_CHIP, (ui_rect){ x, b->y, w, h }, c->action,
                         c->args[i], label, -1);
        lay_font f = { .style = on ? UI_S_BAR_TEXT : UI_S_TEXT, .px = c->px, .bold = 1, .lines = 1 };
        lay_text(b, ci, &f, label, x + pad, b->y + (h - th) / 2, tw + 2);
        x += w + gap;
    }
    b->y += h + lay_dp(b, SZ.gap);
}

void lay_error(lay *b, const char *why)
{
    log_msg("screen: %s", why);
    lay_bar(b, lay_str(b, "app.name"));
    lay_begin(b);
    lay_notice(b, lay_str(b, "error.no_content"), UI_S_WARN);
    lay_end(b, lay_dp(b, SZ.bar_h));
}
