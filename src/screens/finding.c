/*
 * screens/finding.c — search: the field, the results as the person types,
 * and the on-screen keyboards.
 *
 * The query lives in the visit (a bounded kbd_edit); each key typed
 * changes it and the screen is rebuilt with the hits of the full-text
 * index, matched words in bold.  The keyboard is data from kbd.c: key
 * widths in half units, an Arabic layout that runs right to left whatever
 * the screen's direction, a key that switches layouts.
 */
#include "screens/layout.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum finding_action {
    FIND_KEY = ACT_OWN,     /* arg: the text the key types */
    FIND_BACKSPACE,
    FIND_CLEAR,
    FIND_KBD,               /* arg: the layout to switch to (its number) */
    FIND_ARTICLE,           /* arg: article id */
    FIND_SERVICE            /* arg: service id */
};

/* This family's own sizes, in dp. */
static const struct {
    int field_top, field_h, clear_w, icon_x, icon, text_x, text_px, text_gap, field_gap;
    int results_top, key_h, key_gap, kbd_pad, key_icon, key_px;
} S = {
    .field_top = 16, .field_h = 76, .clear_w = 76, .icon_x = 14, .icon = 40, .text_x = 68, .text_px = 30,
    .text_gap = 8, .field_gap = 12,
    .results_top = 8, .key_h = 64, .key_gap = 6, .kbd_pad = 12, .key_icon = 34, .key_px = 28,
};

#define SEARCH_LIMIT 20     /* hits shown */

static const char *query_of(const lay *b)
{
    const char *q = b->e->visit ? b->e->visit->query.buf : "";
    return *q ? q : NULL;
}

/* The search field: what was typed (or the prompt), and a Clear button. */
static int search_field(lay *b, int top)
{
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b), h = lay_dp(b, S.field_h), clear = lay_dp(b, S.clear_w);
    int icon = lay_dp(b, S.icon);
    const char *q = query_of(b);
    lay_box(b, UI_PANEL, UI_S_BUTTON, (ui_rect){ x, top, w, h }, 0, NULL, NULL, -1);
    lay_icon(b, -1, UI_S_ACCENT, "search", x + lay_dp(b, S.icon_x), top + (h - icon) / 2, icon);
    int th = lay_line_h(b, S.text_px), tx = lay_dp(b, S.text_x);
    ui_widget f = { .role = UI_TEXT, .style = q ? UI_S_TEXT : UI_S_MUTED, .parent = -1,
                    .r = { x + tx, top + (h - th) / 2, w - tx - clear - lay_dp(b, S.text_gap), th },
                    .text = q ? q : lay_str(b, "search.prompt"), .name = "search.field",
                    .px = (int16_t)lay_dp(b, S.text_px), .max_lines = 1,
                    .dir = b->rtl ? TXT_DIR_RTL : TXT_DIR_LTR, .align = TXT_ALIGN_START };
    ui_add(b->t, &f);
    if (q) {
        int ci = lay_box(b, UI_BUTTON, UI_S_NONE, (ui_rect){ x + w - clear, top, clear, h }, FIND_CLEAR, NULL,
                         lay_str(b, "search.clear"), -1);
        lay_icon(b, ci, UI_S_MUTED, "close", x + w - clear + (clear - icon) / 2, top + (h - icon) / 2, icon);
    }
    return top + h + lay_dp(b, S.field_gap);
}

static void search_results(lay *b)
{
    search_hits *hits = NULL;
    char err[FARO_MAX_ERRLEN];
    const char *q = query_of(b);
    if (!q) {
        lay_para(b, UI_TEXT, UI_S_MUTED, lay_str(b, "search.hint"), SZ.px_small, 0, 0);
        return;
    }
    if (search_query(b->e->ix, q, b->chain, SEARCH_LIMIT, &hits, err, sizeof err) < 0) {
        log_msg("search: %s", err);
        lay_notice(b, lay_str(b, "search.empty"), UI_S_WARN);
        return;
    }
    lay_sos_result(b, q);               /* "911", "emergencia", "SOS": help first */
    for (int i = 0; i < hits->n; i++) {
        const search_hit *h = &hits->hits[i];
        int svc = h->kind == SEARCH_SERVICE;
        lay_list_item(b, &(lay_item){ .title = h->title, .title_marks = h->title_marks,
                                      .ntitle_marks = h->ntitle_marks, .summary = h->snippet,
                                      .summary_marks = h->snippet_marks, .nsummary_marks = h->nsnippet_marks,
                                      .badge = lay_str(b, svc ? "search.kind_service" : "search.kind_article"),
                                      .action = svc ? FIND_SERVICE : FIND_ARTICLE, .arg = h->id });
    }
    if (hits->n == 0 && !sos_query_matches(b->e->loc, q))
        lay_notice(b, lay_str(b, "search.empty"), UI_S_WARN);
    search_hits_free(hits);
}

/* The layout chosen on this visit (its number), or the language's own. */
static int layout_for(const screen_env *e, const char *lang)
{
    const char *chosen = e->visit ? e->visit->kbd : "";
    if (*chosen)
        return atoi(chosen) % KBD_NLAYOUTS;
    return kbd_layout_for_lang(lang);
}

static int key_action(const kbd_key *k)
{
    return k->action == KBD_BACKSPACE ? FIND_BACKSPACE : k->action == KBD_CLEAR ? FIND_CLEAR
         : k->action == KBD_SWITCH ? FIND_KBD : FIND_KEY;
}

/* What a key is called (for scripts and a screen reader): its label, or a word for an icon key. */
static const char *key_name(const lay *b, const kbd_key *k)
{
    switch (k->action) {
    case KBD_BACKSPACE: return lay_str(b, "kbd.delete");
    case KBD_SPACE: return lay_str(b, "kbd.space");
    case KBD_SWITCH: return lay_str(b, "kbd.switch");
    case KBD_CLEAR: return lay_str(b, "search.clear");
    default: return k->label;
    }
}

static void key_widget(lay *b, const kbd_key *k, ui_rect r)
{
    char next[8];
    const char *arg = k->action == KBD_SPACE ? " " : k->text;
    if (k->action == KBD_SWITCH) {
        snprintf(next, sizeof next, "%d", kbd_next_layout(layout_for(b->e, b->lang)));
        arg = next;
    }
    if (b->rtl)
        r.x = b->W - r.x - r.w;             /* ui_end mirrors it back */
    int ki = lay_box(b, UI_BUTTON, k->action == KBD_INSERT ? UI_S_BUTTON : UI_S_CHIP, r, key_action(k), arg,
                     key_name(b, k), -1);
    if (k->icon) {
        int sz = lay_dp(b, S.key_icon);
        lay_icon(b, ki, UI_S_HEADING, k->label, r.x + (r.w - sz) / 2, r.y + (r.h - sz) / 2, sz);
        return;
    }
    int th = lay_line_h(b, S.key_px);
    lay_font f = { .style = UI_S_HEADING, .px = S.key_px, .lines = 1, .align = TXT_ALIGN_CENTER,
                   .dir = LAY_DIR_AUTO };
    lay_label(b, ki, &f, k->label, (ui_rect){ r.x, r.y + (r.h - th) / 2, r.w, th });
}

static int row_units(const kbd_row *row)
{
    int u = 0;
    for (int k = 0; k < row->nkeys; k++)
        u += row->keys[k].width;
    return u;
}

/* The on-screen keyboard at the bottom; returns its top edge.  Key sizes
 * come from the layout (half key units); an Arabic layout runs right to
 * left whatever the screen's direction, so its keys are placed already
 * mirrored when ui_end will mirror the screen. */
static int keyboard(lay *b)
{
    const kbd_layout *l = kbd_layout_get(layout_for(b->e, b->lang));
    int units = 1, kh = lay_dp(b, S.key_h), gap = lay_dp(b, S.key_gap), pad = lay_dp(b, S.kbd_pad);
    if (!l)
        return b->H;
    for (int r = 0; r < l->nrows; r++)
        units = row_units(&l->rows[r]) > units ? row_units(&l->rows[r]) : units;
    int top = b->H - l->nrows * (kh + gap) - 2 * pad + gap;
    int unit = (b->W - 2 * pad) / units;
    lay_box(b, UI_PANEL, UI_S_RULE, (ui_rect){ 0, top, b->W, b->H - top }, 0, NULL, NULL, -1);
    for (int r = 0; r < l->nrows; r++) {
        int y = top + pad + r * (kh + gap);
        int x = (b->W - row_units(&l->rows[r]) * unit) / 2;
        for (int k = 0; k < l->rows[r].nkeys; k++) {
            const kbd_key *key = &l->rows[r].keys[k];
            int w = key->width * unit;
            int kx = l->rtl ? b->W - x - w : x;
            key_widget(b, key, (ui_rect){ kx + gap / 2, y, w - gap, kh });
            x += w;
        }
    }
    return top;
}

static void build_search(lay *b, const screen_state *s)
{
    (void)s;
    if (!b->e->ix)
        return lay_error(b, "search is not available");
    lay_bar(b, lay_str(b, "nav.search"));
    b->scroll = 0;
    int top = search_field(b, lay_dp(b, SZ.bar_h) + b->strip_h + lay_dp(b, S.field_top));
    int kb_top = keyboard(b);
    b->scroll = 1;
    b->y = lay_dp(b, S.results_top);
    search_results(b);
    ui_set_scroll(b->t, (ui_rect){ 0, top, b->W, kb_top - top }, b->y + lay_dp(b, SZ.margin));
}

/* ---- what the taps ask for ---- */

static nav_request act_search(visit *v, const screen_env *e, int action, const char *arg)
{
    nav_request redraw = nav(NAV_REDRAW);
    (void)e;
    switch (action) {
    case FIND_KEY:          /* bounded: what does not fit whole is refused, invalid UTF-8 too */
        return kbd_edit_insert(&v->query, arg) == 0 ? redraw : nav(NAV_NONE);
    case FIND_BACKSPACE:    /* the last grapheme cluster: a letter with its accents */
        return kbd_edit_backspace(&v->query) > 0 ? redraw : nav(NAV_NONE);
    case FIND_CLEAR:
        kbd_edit_clear(&v->query);
        return redraw;
    case FIND_KBD:
        snprintf(v->kbd, sizeof v->kbd, "%s", arg);
        redraw.flags = NAV_KEEP_SCROLL;
        return redraw;
    case FIND_ARTICLE: return nav_to(SCR_ARTICLE, arg, NULL);
    case FIND_SERVICE: return nav_to(SCR_SERVICE, arg, NULL);
    default: return nav(NAV_NONE);
    }
}

const screen_ops screen_search = { .build = build_search, .act = act_search, .usage = "search",
                                   .needs_index = 1 };
