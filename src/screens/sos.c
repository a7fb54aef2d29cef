/*
 * screens/sos.c — help in one tap: the red SOS control and the Quick exit
 * in every bar, the SOS screen with the emergency numbers, the SOS result
 * that search shows first, and the "Still there?" prompt before the idle
 * reset.
 *
 * The SOS screen lists the numbers for where the kiosk stands: first the
 * services of kind "emergency" that the installed packs carry (a site
 * layer adds its police line, its staff on duty), then the config's
 * `emergency:` list.  Each number is large, in digit groups, with its
 * label and a QR code of its tel: URI for a phone.  Numbers marked as
 * examples (the built-in defaults) put a yellow box at the top saying so.
 * A search reaches the screen when the query is an emergency word of any
 * loaded language (the locale key sos.search_words, a comma list) or an
 * emergency number (911, 112, 999...).  Everything here only builds
 * widgets; the taps are the common actions ACT_SOS, ACT_EXIT and
 * ACT_STILL_HERE, which screens.c and app.c apply.
 */
#include "screens/layout.h"

#include <stdio.h>
#include <string.h>
#include <unicode/ucasemap.h>

/* This screen's own sizes, in dp. */
static const struct {
    int card_pad, card_icon, card_gap, number_px, label_px, qr, qr_caption_gap;
    int prompt_w, prompt_top, prompt_icon, prompt_title_px, prompt_count_px, prompt_text_px, prompt_gap;
    int prompt_button_h;
} S = {
    .card_pad = 20, .card_icon = 48, .card_gap = 16, .number_px = 48, .label_px = 28, .qr = 170,
    .qr_caption_gap = 4,
    .prompt_w = 900, .prompt_top = 40, .prompt_icon = 96, .prompt_title_px = 56, .prompt_count_px = 96,
    .prompt_text_px = 30, .prompt_gap = 16, .prompt_button_h = 96,
};

#define SOS_QUERY_MAX 256       /* bytes of a folded query or word compared */
#define SOS_NUMBER_MAX 48       /* a number in digit groups, or a tel: URI */

/* Emergency numbers people type into search, anywhere in the world. */
static const char *const emergency_codes[] = { "911", "112", "999", "000", "100", "101", "102", "108",
                                               "110", "117", "118", "119", "190", "192", "193" };

/* ---- the bar's controls ---- */

int lay_help_buttons(lay *b, int x)
{
    int bw = lay_dp(b, SZ.bar_button_w);
    lay_bar_button(b, x - bw, UI_S_BAR, "visibility_off", lay_str(b, "exit.label"), ACT_EXIT);
    lay_bar_button(b, x - 2 * bw, UI_S_DANGER, "sos", lay_str(b, "sos.label"), ACT_SOS);
    return 2;
}

void lay_sos_button(lay *b, int x, const char *lang)
{
    lay_bar_button(b, x, UI_S_DANGER, "sos", loc_str(b->e->loc, lang, "sos.label"), ACT_SOS);
}

/* ---- numbers ---- */

/* The number in digit groups: as written when it has spaces or dashes;
 * "+1 202 555 0190" for a North American one; else groups of three (the
 * last of up to four), after the country code's "+NN". */
static void number_groups(const char *in, char *out, size_t size)
{
    char digits[SOS_NUMBER_MAX];
    size_t n = 0, o = 0;
    if (strpbrk(in, " -") || strlen(in) >= sizeof digits) {
        snprintf(out, size, "%s", in);
        return;
    }
    for (const char *p = in; *p; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    digits[n] = 0;
    int plus = *in == '+', nanp = plus && n == 11 && digits[0] == '1';
    static const int nanp_groups[] = { 1, 3, 3, 4 };
    size_t at = 0;
    for (int g = 0; at < n && o + 6 < size; g++) {
        size_t len = nanp ? (size_t)nanp_groups[g] : (plus && g == 0) ? 2 : n - at <= 4 ? n - at : 3;
        if (o)
            out[o++] = ' ';
        else if (plus)
            out[o++] = '+';
        for (size_t k = 0; k < len && at < n && o + 1 < size; k++)
            out[o++] = digits[at++];
    }
    out[o] = 0;
}

/* "tel:+12025550190": the '+' and the digits only. */
static void tel_uri(const char *in, char *out, size_t size)
{
    size_t o = (size_t)snprintf(out, size, "tel:");
    for (const char *p = in; *p && o + 1 < size; p++)
        if ((*p >= '0' && *p <= '9') || (*p == '+' && p == in))
            out[o++] = *p;
    out[o] = 0;
}

static const char *kind_icon(const char *kind)
{
    static const struct { const char *kind, *icon; } icons[] = {
        { "police", "local_police" }, { "ambulance", "local_hospital" }, { "fire", "local_fire_department" },
        { "staff", "support_agent" }, { "child", "child_care" }, { "hotline", "phone_in_talk" },
        { "emergency", "emergency" },
    };
    for (size_t i = 0; i < sizeof icons / sizeof *icons; i++)
        if (!strcmp(kind, icons[i].kind))
            return icons[i].icon;
    return "call";
}

typedef struct sos_number {
    const char *label, *number, *icon;
} sos_number;

/* The text column of a card: icon and label, then the number; returns its height. */
static int card_text(lay *b, int card, const sos_number *n, int x, int y, int w)
{
    char groups[SOS_NUMBER_MAX];
    int icon = lay_dp(b, S.card_icon), gap = lay_dp(b, S.card_gap);
    lay_icon(b, card, UI_S_ACCENT, n->icon, x, y, icon);
    lay_font lf = { .role = UI_HEADING, .style = UI_S_HEADING, .px = S.label_px, .bold = 1, .lines = 2 };
    int lh = lay_text(b, card, &lf, n->label, x + icon + gap, y, w - icon - gap);
    int top = y + (lh > icon ? lh : icon) + gap;
    number_groups(n->number, groups, sizeof groups);
    lay_font nf = { .style = UI_S_TEXT, .px = S.number_px, .bold = 1, .lines = 1,
                    .align = b->rtl ? TXT_ALIGN_END : TXT_ALIGN_START, .dir = TXT_DIR_LTR };
    return top - y + lay_text(b, card, &nf, groups, x, top, w);
}

/* One number: a card with its label, the number large and a QR code to call it. */
static void number_card(lay *b, const sos_number *n)
{
    char uri[SOS_NUMBER_MAX];
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b), pad = lay_dp(b, S.card_pad);
    int qr = lay_dp(b, S.qr), gap = lay_dp(b, S.card_gap);
    int card = lay_box(b, UI_PANEL, UI_S_CARD, (ui_rect){ x, b->y, w, 0 }, 0, NULL, n->label, -1);
    int th = card_text(b, card, n, x + pad, b->y + pad, w - 2 * pad - qr - gap);
    tel_uri(n->number, uri, sizeof uri);
    int qx = x + w - pad - qr;
    ui_widget q = { .role = UI_QR, .in_scroll = 1, .parent = (int16_t)card, .r = { qx, b->y + pad, qr, qr },
                    .text = uri, .name = n->label };
    ui_add(b->t, &q);
    lay_font cf = { .style = UI_S_MUTED, .px = SZ.px_small, .lines = 2, .align = TXT_ALIGN_CENTER };
    int ch = lay_text(b, card, &cf, lay_str(b, "sos.scan"), qx, b->y + pad + qr + lay_dp(b, S.qr_caption_gap), qr);
    int qh = qr + lay_dp(b, S.qr_caption_gap) + ch;
    int h = (th > qh ? th : qh) + 2 * pad;
    lay_set_h(b, card, h);
    b->y += h + lay_dp(b, SZ.gap);
}

/* The config entry's label: its locale key translated, its text as written, or its kind's name. */
static const char *entry_label(const lay *b, const cfg_emergency *en)
{
    char key[64];
    if (*en->label)
        return lay_str(b, en->label);
    snprintf(key, sizeof key, "sos.kind.%s", en->kind);
    return lay_str(b, key);
}

/* Cards for the packs' emergency services (every phone of each). */
static void pack_numbers(lay *b)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN], phone[SOS_NUMBER_MAX];
    if (!b->e->st || store_services(b->e->st, "emergency", b->chain, &r, err, sizeof err) != 0)
        return;
    for (int i = 0; i < r->n; i++) {
        const struct store_service *sv = &r->u.services[i];
        for (const char *p = sv->phones; *p;) {
            size_t len = strcspn(p, ";");
            snprintf(phone, sizeof phone, "%.*s", (int)(len < sizeof phone ? len : sizeof phone - 1), p);
            if (*phone)
                number_card(b, &(sos_number){ sv->name, phone, "emergency" });
            p += len + (p[len] == ';');
        }
    }
    store_result_free(r);
}

static int config_has_examples(const cfg *c)
{
    for (int i = 0; c && i < c->nemergency; i++)
        if (c->emergency[i].example)
            return 1;
    return 0;
}

static int pack_has_examples(const lay *b)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN];
    int example = 0;
    if (b->e->st && store_services(b->e->st, "emergency", b->chain, &r, err, sizeof err) == 0)
        for (int i = 0; i < r->n; i++)
            example |= r->u.services[i].example;
    store_result_free(r);
    return example;
}

static void build_sos(lay *b, const screen_state *s)
{
    const cfg *c = b->e->cfg;
    (void)s;
    lay_bar(b, lay_str(b, "sos.title"));
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "sos.title"), SZ.px_h1, 1, SZ.gap);
    if (config_has_examples(c) || pack_has_examples(b))
        lay_notice(b, lay_str(b, "sos.example"), UI_S_WARN);
    lay_para(b, UI_TEXT, UI_S_TEXT, lay_str(b, "sos.intro"), SZ.px_body, 0, SZ.gap);
    pack_numbers(b);
    for (int i = 0; c && i < c->nemergency; i++) {
        const cfg_emergency *en = &c->emergency[i];
        number_card(b, &(sos_number){ entry_label(b, en), en->number, kind_icon(en->kind) });
    }
    lay_end(b, lay_dp(b, SZ.bar_h));
}

/* ---- search ---- */

/* s case-folded into out (spaces at both ends dropped); "" when it does not fit. */
static void fold(UCaseMap *cm, const char *s, size_t len, char *out, size_t size)
{
    UErrorCode st = U_ZERO_ERROR;
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    int32_t n = ucasemap_utf8FoldCase(cm, out, (int32_t)size, s, (int32_t)len, &st);
    if (U_FAILURE(st) || n >= (int32_t)size)
        out[0] = 0;
}

static int is_code(const char *q)
{
    for (size_t i = 0; i < sizeof emergency_codes / sizeof *emergency_codes; i++)
        if (!strcmp(q, emergency_codes[i]))
            return 1;
    return 0;
}

/* The query is the word, starts it (3 bytes typed at least) or contains it. */
static int word_matches(const char *q, const char *w)
{
    size_t ql = strlen(q), wl = strlen(w);
    if (!wl)
        return 0;
    return !strcmp(q, w) || (ql >= 3 && !strncmp(w, q, ql)) || (wl >= 3 && strstr(q, w));
}

/* 1 when the folded query q matches one of the comma-separated words. */
static int words_match(UCaseMap *cm, const char *q, const char *words)
{
    char w[SOS_QUERY_MAX];
    for (const char *p = words; *p;) {
        size_t len = strcspn(p, ",");
        fold(cm, p, len, w, sizeof w);
        if (word_matches(q, w))
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

int sos_query_matches(const loc_set *loc, const char *query)
{
    char q[SOS_QUERY_MAX];
    UErrorCode st = U_ZERO_ERROR;
    int found = 0;
    UCaseMap *cm = query ? ucasemap_open(NULL, U_FOLD_CASE_DEFAULT, &st) : NULL;
    if (!cm || U_FAILURE(st))
        goto done;
    fold(cm, query, strlen(query), q, sizeof q);
    found = *q && is_code(q);
    for (int i = 0; *q && !found && loc && i < loc_count(loc); i++) {
        const char *words = loc_str(loc, loc_code(loc, i), "sos.search_words");
        found = strcmp(words, "sos.search_words") != 0 && words_match(cm, q, words);
    }
done:
    ucasemap_close(cm);
    return found;
}

void lay_sos_result(lay *b, const char *query)
{
    if (!sos_query_matches(b->e->loc, query))
        return;
    lay_list_item(b, &(lay_item){ .title = lay_str(b, "sos.title"), .summary = lay_str(b, "sos.result"),
                                  .badge = lay_str(b, "sos.label"), .action = ACT_SOS });
}

/* ---- "Still there?" ---- */

/* Moves widgets from..end of the tree down by dy px (to centre a block built from the top). */
static void shift_down(lay *b, int from, int dy)
{
    for (int i = from; dy > 0 && i < ui_count(b->t); i++)
        ((ui_widget *)ui_get(b->t, i))->r.y += dy;
}

void lay_idle_prompt(lay *b, int seconds)
{
    char count[16], line[512];
    const char *title = lay_str(b, "idle.title");
    int cw = lay_content_w(b) < lay_dp(b, S.prompt_w) ? lay_content_w(b) : lay_dp(b, S.prompt_w);
    int x = (b->W - cw) / 2, gap = lay_dp(b, S.prompt_gap), icon = lay_dp(b, S.prompt_icon);
    b->scroll = 0;
    int p = lay_box(b, UI_PANEL, UI_S_CARD, (ui_rect){ 0, 0, b->W, b->H }, ACT_STILL_HERE, NULL, title, -1);
    int y = lay_dp(b, S.prompt_top);
    lay_icon(b, p, UI_S_ACCENT, "timer", (b->W - icon) / 2, y, icon);
    y += icon + gap;
    lay_font tf = { .role = UI_HEADING, .style = UI_S_HEADING, .px = S.prompt_title_px, .bold = 1, .lines = 2,
                    .align = TXT_ALIGN_CENTER };
    y += lay_text(b, p, &tf, title, x, y, cw) + gap;
    snprintf(count, sizeof count, "%d", seconds);
    lay_font nf = { .role = UI_HEADING, .style = UI_S_ACCENT, .px = S.prompt_count_px, .bold = 1, .lines = 1,
                    .align = TXT_ALIGN_CENTER, .dir = TXT_DIR_LTR };
    y += lay_text(b, p, &nf, count, x, y, cw);
    loc_plural(b->e->loc, b->lang, "idle.countdown", seconds, line, sizeof line, NULL);
    lay_font lf = { .style = UI_S_TEXT, .px = S.prompt_text_px, .lines = 3, .align = TXT_ALIGN_CENTER };
    y += lay_text(b, p, &lf, line, x, y, cw) + gap;
    int bh = lay_dp(b, S.prompt_button_h);
    lay_button(b, (ui_rect){ x, y, cw, bh }, lay_str(b, "idle.stay"), UI_S_CHIP_ON, ACT_STILL_HERE, NULL);
    y += bh + gap;
    lay_font hf = { .style = UI_S_MUTED, .px = SZ.px_small, .lines = 2, .align = TXT_ALIGN_CENTER };
    y += lay_text(b, p, &hf, lay_str(b, "idle.hint"), x, y, cw);
    shift_down(b, p + 1, (b->H - y - lay_dp(b, S.prompt_top)) / 2);
}

const screen_ops screen_sos = { .build = build_sos, .usage = "sos", .first_lang = 1,
                                .speak_body = 1 };   /* guidance reads the numbers, digit by digit */
