/*
 * screens/reading.c — the reading screens: the language choice, home (the
 * topic tiles), a topic (its articles) and an article.
 *
 * A reader's way through the content: one tap on their language, one on a
 * topic, one on an article.  The article is Markdown from the store, laid
 * out block by block (its pictures too, lay_picture), with its "See also"
 * links as large buttons and a QR code of its text to take away.  Every word comes from the store or the
 * locale.
 */
#include "screens/layout.h"
#include "mdoc.h"
#include "qr.h"
#include "voices.h"

#include <stdio.h>
#include <string.h>

enum reading_action {
    READ_LANG = ACT_OWN,    /* arg: language code */
    READ_TOPIC,             /* arg: topic id */
    READ_ARTICLE,           /* arg: article id */
    READ_DIRECTORY,         /* arg: kind filter ("" for all) */
    READ_LINK               /* arg: faro:article/<id>, faro:topic/<id>, ... */
};

/* This family's own sizes, in dp. */
static const struct {
    int head_h, head_icon_top, head_icon, title_x, title_top, title_px, prompt_top, prompt_h, prompt_px;
    int wide4, wide3, lang_h, lang_px, lang_inset;
    int tile_wide4, tile_wide3, tile_h, tile_icon, tile_text_gap, tile_title_px, tile_summary_gap;
    int title_gap, block_gap, h3_gap, li_indent, li_mark_w, li_gap, rule_top, rule_h, rule_advance, para_gap;
    int see_also_top, take_away_top, take_away_gap;
    int listen_h, listen_icon, listen_px, novoice_px, novoice_bottom;
} S = {
    .listen_h = 104, .listen_icon = 64, .listen_px = 28, .novoice_px = 20, .novoice_bottom = 6,
    .head_h = 190, .head_icon_top = 28, .head_icon = 64, .title_x = 80, .title_top = 34, .title_px = 44,
    .prompt_top = 112, .prompt_h = 64, .prompt_px = 24,
    .wide4 = 1000, .wide3 = 600, .lang_h = 104, .lang_px = 34, .lang_inset = 8,
    .tile_wide4 = 1100, .tile_wide3 = 700, .tile_h = 250, .tile_icon = 64, .tile_text_gap = 10,
    .tile_title_px = 28, .tile_summary_gap = 6,
    .title_gap = 8, .block_gap = 12, .h3_gap = 10, .li_indent = 28, .li_mark_w = 26, .li_gap = 10, .rule_top = 8,
    .rule_h = 2, .rule_advance = 18, .para_gap = 16,
    .see_also_top = 16, .take_away_top = 16, .take_away_gap = 8,
};

#define MAX_PROMPTS 6       /* "Choose your language" in this many languages at the top */
#define MAX_LISTEN_LABELS 4 /* "Listen" in this many languages on the listen control */

/* ---- the language choice ---- */

static void language_head(lay *b)
{
    const screen_env *e = b->e;
    int m = lay_dp(b, SZ.margin), head_h = lay_dp(b, S.head_h);
    char prompts[LAY_TEXT_MAX] = "";
    lay_box(b, UI_PANEL, UI_S_BAR, (ui_rect){ 0, 0, b->W, head_h }, 0, NULL, NULL, -1);
    lay_icon(b, -1, UI_S_BAR_TEXT, "language", m, lay_dp(b, S.head_icon_top), lay_dp(b, S.head_icon));
    lay_font title = { .role = UI_HEADING, .style = UI_S_BAR_TEXT, .px = S.title_px, .bold = 1, .lines = 1 };
    lay_text(b, -1, &title, loc_str(e->loc, "en", "app.name"), lay_dp(b, SZ.margin + S.title_x),
             lay_dp(b, S.title_top), b->W - lay_dp(b, 2 * SZ.margin + S.title_x + SZ.bar_button_w));
    /* SOS before a language is chosen: in the kiosk's first language */
    lay_sos_button(b, b->W - lay_dp(b, SZ.bar_button_w), e->noffered > 0 ? e->offered[0] : "en");
    for (int i = 0; i < e->noffered && i < MAX_PROMPTS; i++) {
        if (i)
            strncat(prompts, "  ·  ", sizeof prompts - strlen(prompts) - 1);
        strncat(prompts, loc_str(e->loc, e->offered[i], "lang.prompt"), sizeof prompts - strlen(prompts) - 1);
    }
    lay_font pf = { .style = UI_S_BAR_TEXT, .px = S.prompt_px, .lines = 2, .dir = TXT_DIR_LTR };
    lay_label(b, -1, &pf, prompts, (ui_rect){ m, lay_dp(b, S.prompt_top), lay_content_w(b),
                                             lay_dp(b, S.prompt_h) });
}

/* 1 when the kiosk can say something in language code: a synthetic voice
 * (and the synthesiser is there), or recordings in the packs. */
static int lang_has_voice(const screen_env *e, const char *code)
{
    store_coverage cov = { 0 };
    char err[FARO_MAX_ERRLEN];
    if (voices_espeak(code) && !e->voice_off)
        return 1;
    return store_coverage_get(e->st, code, &cov, err, sizeof err) == 0 && cov.recorded > 0;
}

/* The large listen control: the ear, and "Listen" in the first languages. */
static void listen_control(lay *b)
{
    const screen_env *e = b->e;
    int on = e->visit && e->visit->guidance;
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b), h = lay_dp(b, S.listen_h), pad = lay_dp(b, SZ.pad);
    int icon = lay_dp(b, S.listen_icon), gap = lay_dp(b, SZ.gap);
    char label[LAY_TEXT_MAX] = "";
    for (int i = 0; i < e->noffered && i < MAX_LISTEN_LABELS; i++) {
        if (i)
            strncat(label, "  ·  ", sizeof label - strlen(label) - 1);
        strncat(label, loc_str(e->loc, e->offered[i], on ? "speech.listen_on" : "speech.listen"),
                sizeof label - strlen(label) - 1);
    }
    int bi = lay_box(b, UI_BUTTON, on ? UI_S_CHIP_ON : UI_S_BUTTON, (ui_rect){ x, b->y, w, h }, ACT_LISTEN, NULL,
                     label, -1);
    lay_icon(b, bi, on ? UI_S_BAR_TEXT : UI_S_ACCENT, "hearing", x + pad, b->y + (h - icon) / 2, icon);
    lay_font f = { .style = on ? UI_S_BAR_TEXT : UI_S_HEADING, .px = S.listen_px, .bold = 1, .lines = 2,
                   .dir = TXT_DIR_LTR };
    int tx = x + pad + icon + gap, th = lay_line_h(b, S.listen_px);
    lay_text(b, bi, &f, label, tx, b->y + (h - th) / 2, x + w - tx - pad);
    b->y += h + gap;
}

/* One language tile: its name in itself, and a line when it has no voice. */
static void language_tile(lay *b, const char *code, ui_rect r)
{
    const screen_env *e = b->e;
    const char *name = loc_endonym(e->loc, code);
    lay_font f = { .style = UI_S_HEADING, .px = S.lang_px, .bold = 1, .lines = 2, .align = TXT_ALIGN_CENTER,
                   .dir = LAY_DIR_AUTO };
    lay_font note = { .style = UI_S_MUTED, .px = S.novoice_px, .lines = 1, .align = TXT_ALIGN_CENTER,
                      .dir = LAY_DIR_AUTO };
    int bi = lay_box_lang(b, UI_BUTTON, UI_S_BUTTON, r, READ_LANG, code, name, -1, code);
    int th = lay_line_h(b, S.lang_px), inset = lay_dp(b, S.lang_inset), voiced = lang_has_voice(e, code);
    int nh = voiced ? 0 : lay_line_h(b, S.novoice_px);
    lay_text(b, bi, &f, name, r.x + inset, r.y + (r.h - th - nh) / 2, r.w - 2 * inset);
    if (!voiced)
        lay_text(b, bi, &note, loc_str(e->loc, code, "speech.no_voice"), r.x + inset,
                 r.y + r.h - nh - lay_dp(b, S.novoice_bottom), r.w - 2 * inset);
}

static void build_language(lay *b, const screen_state *s)
{
    const screen_env *e = b->e;
    b->scroll = 0;
    language_head(b);
    lay_guidance_strip(b, lay_dp(b, S.head_h));
    b->scroll = 1;
    int cw_all = lay_content_w(b), gap = lay_dp(b, SZ.gap);
    int cols = cw_all >= lay_dp(b, S.wide4) ? 4 : cw_all >= lay_dp(b, S.wide3) ? 3 : 2;
    int cw = (cw_all - (cols - 1) * gap) / cols, ch = lay_dp(b, S.lang_h);
    b->y = lay_dp(b, SZ.margin);
    listen_control(b);
    for (int i = 0; i < e->noffered; i++) {
        int x = lay_dp(b, SZ.margin) + (i % cols) * (cw + gap);
        int y = b->y + (i / cols) * (ch + gap);
        language_tile(b, e->offered[i], (ui_rect){ x, y, cw, ch });
    }
    b->y += ((e->noffered + cols - 1) / cols) * (ch + gap);
    lay_end(b, lay_dp(b, S.head_h));
    (void)s;
}

/* ---- home ---- */

typedef struct tile_words {
    const char *icon, *title, *summary;
} tile_words;

static void tile(lay *b, ui_rect r, const tile_words *tw, int action, const char *arg, int style)
{
    int pad = lay_dp(b, SZ.pad), on = style == UI_S_CHIP_ON;
    int i = lay_box(b, UI_TILE, style, r, action, arg, tw->title, -1);
    lay_icon(b, i, on ? UI_S_BAR_TEXT : UI_S_ACCENT, tw->icon, r.x + pad, r.y + pad, lay_dp(b, S.tile_icon));
    int ty = r.y + pad + lay_dp(b, S.tile_icon) + lay_dp(b, S.tile_text_gap);
    lay_font title = { .style = on ? UI_S_BAR_TEXT : UI_S_HEADING, .px = S.tile_title_px, .bold = 1, .lines = 2 };
    lay_font sum = { .style = on ? UI_S_BAR_TEXT : UI_S_MUTED, .px = SZ.px_small, .lines = 2 };
    ty += lay_text(b, i, &title, tw->title, r.x + pad, ty, r.w - 2 * pad);
    lay_text(b, i, &sum, tw->summary, r.x + pad, ty + lay_dp(b, S.tile_summary_gap), r.w - 2 * pad);
}

static void build_home(lay *b, const screen_state *s)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN];
    if (store_topics(b->e->st, b->chain, &r, err, sizeof err) != 0)
        return lay_error(b, err);
    lay_bar(b, lay_str(b, "app.name"));
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "home.title"), SZ.px_h1, 1, SZ.gap);
    int cw = lay_content_w(b), gap = lay_dp(b, SZ.gap);
    int cols = cw >= lay_dp(b, S.tile_wide4) ? 4 : cw >= lay_dp(b, S.tile_wide3) ? 3 : 2;
    int tw = (cw - (cols - 1) * gap) / cols, th = lay_dp(b, S.tile_h);
    int n = r->n + 1;
    for (int i = 0; i < n; i++) {
        ui_rect at = { lay_dp(b, SZ.margin) + (i % cols) * (tw + gap), b->y + (i / cols) * (th + gap), tw, th };
        if (i < r->n) {
            const struct store_topic *tp = &r->u.topics[i];
            tile(b, at, &(tile_words){ tp->icon, tp->title, tp->summary }, READ_TOPIC, tp->id, UI_S_CARD);
        } else {
            tile_words dir = { "contacts", lay_str(b, "home.directory"), lay_str(b, "home.directory_summary") };
            tile(b, at, &dir, READ_DIRECTORY, "", UI_S_CHIP_ON);
        }
    }
    b->y += ((n + cols - 1) / cols) * (th + gap) + gap;
    lay_para(b, UI_TEXT, UI_S_MUTED, lay_str(b, "privacy.note"), SZ.px_small, 0, 0);
    lay_end(b, lay_dp(b, SZ.bar_h));
    store_result_free(r);
    (void)s;
}

/* ---- a topic ---- */

static void build_topic(lay *b, const screen_state *s)
{
    store_result *tr = NULL, *ar = NULL;
    char err[FARO_MAX_ERRLEN], count[128];
    if (store_topic(b->e->st, s->id, b->chain, &tr, err, sizeof err) != 0 ||
        store_articles(b->e->st, s->id, b->chain, &ar, err, sizeof err) != 0) {
        store_result_free(tr);
        return lay_error(b, err);
    }
    const struct store_topic *tp = &tr->u.topics[0];
    lay_bar(b, tp->title);
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, tp->title, SZ.px_h1, 1, S.title_gap);
    loc_plural(b->e->loc, b->lang, "topic.article_count", ar->n, count, sizeof count, NULL);
    lay_para(b, UI_TEXT, UI_S_MUTED, count, SZ.px_small, 0, SZ.gap);
    for (int i = 0; i < ar->n; i++)
        lay_list_item(b, &(lay_item){ .title = ar->u.articles[i].title, .summary = ar->u.articles[i].summary,
                                      .action = READ_ARTICLE, .arg = ar->u.articles[i].id });
    if (ar->n == 0)
        lay_notice(b, lay_str(b, "topic.empty"), UI_S_WARN);
    lay_end(b, lay_dp(b, SZ.bar_h));
    store_result_free(tr);
    store_result_free(ar);
}

/* ---- an article ---- */

static void md_list_item(lay *b, const mdoc_block *blk)
{
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b);
    int indent = lay_dp(b, S.li_indent) * (blk->depth > 0 ? blk->depth : 1);
    char mark[16];
    if (blk->cont)
        mark[0] = 0;
    else if (blk->ordinal)
        snprintf(mark, sizeof mark, "%d.", blk->ordinal);
    else
        snprintf(mark, sizeof mark, "•");
    lay_font mf = { .style = UI_S_ACCENT, .px = SZ.px_body, .bold = 1, .lines = 1 };
    lay_font tf = { .style = UI_S_TEXT, .px = SZ.px_body, .marks = blk->bold, .nmarks = blk->nbold };
    if (*mark)
        lay_text(b, -1, &mf, mark, x + indent - lay_dp(b, S.li_indent), b->y, lay_dp(b, S.li_mark_w));
    b->y += lay_text(b, -1, &tf, blk->text, x + indent, b->y, w - indent) + lay_dp(b, S.li_gap);
}

static void md_block(lay *b, const mdoc_block *blk)
{
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b);
    lay_font h2 = { .role = UI_HEADING, .style = UI_S_HEADING, .px = SZ.px_h2, .bold = 1 };
    lay_font h3 = { .role = UI_HEADING, .style = UI_S_HEADING, .px = SZ.px_h3, .bold = 1 };
    lay_font body = { .style = UI_S_TEXT, .px = SZ.px_body, .marks = blk->bold, .nmarks = blk->nbold };
    switch (blk->kind) {
    case MDOC_H1:
    case MDOC_H2:
        b->y += lay_dp(b, S.block_gap);
        b->y += lay_text(b, -1, &h2, blk->text, x, b->y, w) + lay_dp(b, S.block_gap);
        break;
    case MDOC_H3:
        b->y += lay_text(b, -1, &h3, blk->text, x, b->y, w) + lay_dp(b, S.h3_gap);
        break;
    case MDOC_LI: md_list_item(b, blk); break;
    case MDOC_HR:
        lay_box(b, UI_RULE, UI_S_RULE, (ui_rect){ x, b->y + lay_dp(b, S.rule_top), w, lay_dp(b, S.rule_h) }, 0,
                NULL, NULL, -1);
        b->y += lay_dp(b, S.rule_advance);
        break;
    case MDOC_QUOTE: lay_notice(b, blk->text, UI_S_CARD); break;
    case MDOC_IMAGE:
        lay_picture(b, &(lay_pic){ .src = blk->src, .alt = blk->text, .caption = blk->title });
        break;
    default:
        b->y += lay_text(b, -1, &body, blk->text, x, b->y, w) + lay_dp(b, S.para_gap);
        break;
    }
}

/* The article's links as large buttons ("See also"). */
static void link_buttons(lay *b, const mdoc *d)
{
    if (d->nlinks == 0)
        return;
    b->y += lay_dp(b, S.see_also_top);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "article.see_also"), SZ.px_h3, 1, S.block_gap);
    for (int i = 0; i < d->nlinks; i++)
        if (!strncmp(d->links[i].target, "faro:", 5))
            lay_list_item(b, &(lay_item){ .title = d->links[i].label, .action = READ_LINK,
                                          .arg = d->links[i].target });
}

static void article_body(lay *b, const struct store_article *a)
{
    mdoc *d = mdoc_parse(a->body, strlen(a->body));
    if (!d)
        lay_notice(b, lay_str(b, "article.missing"), UI_S_WARN);
    for (int i = 0; d && i < d->nblocks; i++)
        md_block(b, &d->blocks[i]);
    if (d)
        link_buttons(b, d);
    mdoc_free(d);
    char card[QR_CARD_MAX_BYTES + 1];
    if (qr_article_card(a->title, a->body, card, sizeof card) > 0) {
        b->y += lay_dp(b, S.take_away_top);
        lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "article.take_away"), SZ.px_h3, 1, S.take_away_gap);
        lay_take_away(b, lay_str(b, "article.qr"), card);
    }
}

static void build_article(lay *b, const screen_state *s)
{
    store_result *ar = NULL, *tr = NULL;
    char err[FARO_MAX_ERRLEN], note[512];
    if (store_article(b->e->st, s->id, b->chain, &ar, err, sizeof err) != 0)
        return lay_error(b, err);
    const struct store_article *a = &ar->u.articles[0];
    store_topic(b->e->st, a->topic, b->chain, &tr, err, sizeof err);
    lay_bar(b, tr ? tr->u.topics[0].title : a->title);
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, a->title, SZ.px_h1, 1, SZ.gap);
    if (strcmp(a->lang, b->lang) != 0) {
        loc_format(b->e->loc, b->lang, "article.other_language", note, sizeof note,
                   "language", loc_endonym(b->e->loc, a->lang), NULL);
        lay_notice(b, note, UI_S_WARN);
    }
    article_body(b, a);
    lay_end(b, lay_dp(b, SZ.bar_h));
    store_result_free(tr);
    store_result_free(ar);
}

/* ---- what the taps ask for ---- */

/* faro:article/<id>, faro:topic/<id>, faro:service/<id>, faro:directory/<kind> */
static nav_request follow_link(const char *target)
{
    static const struct { const char *prefix; int screen; } routes[] = {
        { "faro:article/", SCR_ARTICLE }, { "faro:topic/", SCR_TOPIC },
        { "faro:service/", SCR_SERVICE }, { "faro:directory/", SCR_DIRECTORY },
    };
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        size_t n = strlen(routes[i].prefix);
        if (strncmp(target, routes[i].prefix, n) != 0)
            continue;
        if (routes[i].screen == SCR_DIRECTORY)
            return nav_to(SCR_DIRECTORY, NULL, target + n);
        return nav_to(routes[i].screen, target + n, NULL);
    }
    return nav(NAV_NONE);
}

static nav_request act_reading(visit *v, const screen_env *e, int action, const char *arg)
{
    (void)e;
    switch (action) {
    case READ_LANG:
        snprintf(v->lang, sizeof v->lang, "%s", arg);
        return nav(NAV_HOME);
    case READ_TOPIC: return nav_to(SCR_TOPIC, arg, NULL);
    case READ_ARTICLE: return nav_to(SCR_ARTICLE, arg, NULL);
    case READ_DIRECTORY: return nav_to(SCR_DIRECTORY, NULL, arg);
    case READ_LINK: return follow_link(arg);
    default: return nav(NAV_NONE);
    }
}

const screen_ops screen_language = { .build = build_language, .act = act_reading, .never_rtl = 1 };
const screen_ops screen_home = { .build = build_home, .act = act_reading };
const screen_ops screen_topic = { .build = build_topic, .act = act_reading, .usage_by_id = 1 };
const screen_ops screen_article = { .build = build_article, .act = act_reading, .usage_by_id = 1,
                                    .speak_body = 1 };
