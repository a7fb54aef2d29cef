/*
 * screens/directory.c — the directory screens: the list of services
 * (filtered by kind, grouped for the reader's nationality), the
 * nationality list and one service.
 *
 * The nationality a person picks stays in the visit only; it orders the
 * list so that what concerns them comes first (their consulate, family
 * contact, what is near, what serves them) and other countries' consulates
 * last.  Country and language names come from ICU in the reader's
 * language (intl.c); every other word from the store or the locale.
 */
#include "screens/layout.h"
#include "intl.h"
#include "qr.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum directory_action {
    DIR_KIND = ACT_OWN,     /* arg: kind filter ("" for all) */
    DIR_SERVICE,            /* arg: service id */
    DIR_COUNTRY_PICK,       /* open the nationality list */
    DIR_COUNTRY             /* arg: ISO 3166 code chosen ("" to forget) */
};

/* This family's own sizes, in dp. */
static const struct {
    int chip_h, chip_px, chip_pad, chip_gap;
    int row_h, row_icon_x, row_icon, row_text_x, row_text_px, row_text_cut, row_arrow_x, row_arrow;
    int group_top, group_gap, count_gap;
    int grid_wide3, grid_gap, grid_h, grid_px, grid_inset;
} S = {
    .chip_h = 64, .chip_px = 24, .chip_pad = 22, .chip_gap = 12,
    .row_h = 72, .row_icon_x = 16, .row_icon = 40, .row_text_x = 72, .row_text_px = 26, .row_text_cut = 130,
    .row_arrow_x = 52, .row_arrow = 36,
    .group_top = 8, .group_gap = 12, .count_gap = 12,
    .grid_wide3 = 900, .grid_gap = 12, .grid_h = 72, .grid_px = 24, .grid_inset = 16,
};

#define MAX_LISTED 64       /* countries some consulate represents, shown first */

static const char *country_of(const screen_env *e)
{
    return e->visit ? e->visit->country : "";
}

static const char *kind_label(const lay *b, const char *kind)
{
    char key[64];
    snprintf(key, sizeof key, "kind.%s", kind);
    return lay_str(b, key);
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

/* ---- the directory ---- */

/* The kind chips: "All" and every kind some service has. */
static void kind_chips(lay *b, const char *active)
{
    const char *kinds[SCHEMA_NKINDS + 1], *labels[SCHEMA_NKINDS + 1];
    int n = store_service_kinds(b->e->st, kinds + 1, SCHEMA_NKINDS) + 1, on = -1;
    kinds[0] = "";
    for (int i = 0; i < n; i++) {
        labels[i] = i ? kind_label(b, kinds[i]) : lay_str(b, "dir.all");
        if (on < 0 && !strcmp(active, kinds[i]))
            on = i;
    }
    lay_chip_row(b, &(lay_chips){ .labels = labels, .args = kinds, .n = n, .active = on, .action = DIR_KIND,
                                  .h = S.chip_h, .px = S.chip_px, .pad = S.chip_pad, .gap = S.chip_gap });
}

/* Which group a service falls in for this reader: what concerns them first. */
enum dir_group { G_CONSULATE, G_FAMILY, G_NEAR, G_FOR_YOU, G_OTHER, G_COUNT };

static int dir_group(const screen_env *e, const struct store_service *s)
{
    const char *c = country_of(e), *city = e->city ? e->city : "";
    int mine = *c && list_has(s->nationalities, c, 0);
    if (mine && !strcmp(s->kind, "consulate"))
        return G_CONSULATE;
    if (!strcmp(s->kind, "family"))
        return G_FAMILY;
    if (!strcmp(s->kind, "consulate"))
        return G_OTHER;                     /* other countries' consulates last */
    if (*city && !strcasecmp(s->city, city))
        return G_NEAR;
    if (*c && list_has(s->nationalities, c, 1))
        return G_FOR_YOU;
    return G_OTHER;
}

/* "Your country: Haití" with a Change button, or "Choose your country". */
static void country_row(lay *b)
{
    char line[256], name[128];
    const char *country = country_of(b->e);
    int x = lay_dp(b, SZ.margin), w = lay_content_w(b), h = lay_dp(b, S.row_h);
    int icon = lay_dp(b, S.row_icon), arrow = lay_dp(b, S.row_arrow);
    if (*country) {
        intl_country_name(country, b->lang, name, sizeof name);
        loc_format(b->e->loc, b->lang, "dir.country", line, sizeof line, "country", name, NULL);
    } else {
        snprintf(line, sizeof line, "%s", lay_str(b, "dir.choose_country"));
    }
    int bi = lay_box(b, UI_BUTTON, UI_S_BUTTON, (ui_rect){ x, b->y, w, h }, DIR_COUNTRY_PICK, NULL, line, -1);
    lay_icon(b, bi, UI_S_ACCENT, "flag", x + lay_dp(b, S.row_icon_x), b->y + (h - icon) / 2, icon);
    int th = lay_line_h(b, S.row_text_px);
    lay_font f = { .style = UI_S_HEADING, .px = S.row_text_px, .bold = 1, .lines = 1 };
    lay_text(b, bi, &f, line, x + lay_dp(b, S.row_text_x), b->y + (h - th) / 2, w - lay_dp(b, S.row_text_cut));
    lay_icon(b, bi, UI_S_ACCENT, b->rtl ? "chevron_left" : "chevron_right", x + w - lay_dp(b, S.row_arrow_x),
             b->y + (h - arrow) / 2, arrow);
    b->y += h + lay_dp(b, SZ.gap);
}

static void service_item(lay *b, const struct store_service *s)
{
    char sub[512];
    snprintf(sub, sizeof sub, "%s · %s", kind_label(b, s->kind), s->city);
    lay_list_item(b, &(lay_item){ .title = s->name, .summary = sub,
                                  .badge = s->example ? lay_str(b, "service.example_badge") : NULL,
                                  .action = DIR_SERVICE, .arg = s->id });
}

/* Services in group order; with a country and no kind filter, each group
 * gets a heading ("Your consulate", "Family contact", "Near here"...). */
static void grouped_services(lay *b, const store_result *r, int headings)
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
                intl_country_name(country_of(b->e), b->lang, name, sizeof name);
                loc_format(b->e->loc, b->lang, keys[g], head, sizeof head, "country", name, NULL);
                b->y += lay_dp(b, S.group_top);
                lay_para(b, UI_HEADING, UI_S_HEADING, head, SZ.px_h3, 1, S.group_gap);
            }
            service_item(b, s);
        }
    }
}

static void build_directory(lay *b, const screen_state *s)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN], count[128];
    if (store_services(b->e->st, s->kind, b->chain, &r, err, sizeof err) != 0)
        return lay_error(b, err);
    lay_bar(b, lay_str(b, "dir.title"));
    lay_begin(b);
    country_row(b);
    kind_chips(b, s->kind);
    loc_plural(b->e->loc, b->lang, "dir.count", r->n, count, sizeof count, NULL);
    lay_para(b, UI_TEXT, UI_S_MUTED, count, SZ.px_small, 0, S.count_gap);
    grouped_services(b, r, *country_of(b->e) && !*s->kind);
    if (r->n == 0)
        lay_notice(b, lay_str(b, "dir.empty"), UI_S_WARN);
    lay_end(b, lay_dp(b, SZ.bar_h));
    store_result_free(r);
}

/* ---- the nationality list ---- */

/* Countries that some service (a consulate) represents: first in the list. */
static int listed_countries(lay *b, char codes[][4], int max)
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
static void country_grid(lay *b, const char *const *codes, const char *const *names, int n)
{
    int cw_all = lay_content_w(b), gap = lay_dp(b, S.grid_gap);
    int cols = cw_all >= lay_dp(b, S.grid_wide3) ? 3 : 2;
    int cw = (cw_all - (cols - 1) * gap) / cols, ch = lay_dp(b, S.grid_h);
    for (int i = 0; i < n; i++) {
        int x = lay_dp(b, SZ.margin) + (i % cols) * (cw + gap), y = b->y + (i / cols) * (ch + gap);
        int on = !strcmp(codes[i], country_of(b->e));
        int bi = lay_box(b, UI_BUTTON, on ? UI_S_CHIP_ON : UI_S_BUTTON, (ui_rect){ x, y, cw, ch }, DIR_COUNTRY,
                         codes[i], names[i], -1);
        int th = lay_line_h(b, S.grid_px);
        lay_font f = { .style = on ? UI_S_BAR_TEXT : UI_S_HEADING, .px = S.grid_px, .bold = 1, .lines = 1 };
        lay_text(b, bi, &f, names[i], x + lay_dp(b, S.grid_inset), y + (ch - th) / 2,
                 cw - lay_dp(b, 2 * S.grid_inset));
    }
    b->y += ((n + cols - 1) / cols) * (ch + gap) + lay_dp(b, SZ.gap);
}

/* Every country, sorted by the reader's collation (intl_countries). */
static void all_countries(lay *b)
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
        lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "country.all"), SZ.px_h3, 1, S.group_gap);
        country_grid(b, codes, names, n);
    }
    free(codes);
    free(names);
    intl_countries_free(list);
}

/* The countries consulates here represent, sorted in the reader's language. */
static void listed_grid(lay *b)
{
    char listed[MAX_LISTED][4];
    const char *codes[MAX_LISTED], *labels[MAX_LISTED];
    intl_country sorted[MAX_LISTED];
    int n = listed_countries(b, listed, MAX_LISTED);
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
        lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "country.listed"), SZ.px_h3, 1, S.group_gap);
        country_grid(b, codes, labels, n);
    }
}

static void build_country(lay *b, const screen_state *s)
{
    lay_bar(b, lay_str(b, "country.title"));
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "country.title"), SZ.px_h1, 1, SZ.gap);
    listed_grid(b);
    all_countries(b);
    const char *none = "";
    const char *none_label = lay_str(b, "country.none");
    country_grid(b, &none, &none_label, 1);
    lay_end(b, lay_dp(b, SZ.bar_h));
    (void)s;
}

/* ---- one service ---- */

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

static void service_place(lay *b, const struct store_service *s)
{
    char country[128], place[1024];
    intl_country_name(s->country, b->lang, country, sizeof country);
    snprintf(place, sizeof place, "%s%s%s%s%s%s%s", s->address, *s->address ? "\n" : "", s->city,
             *s->region ? ", " : "", s->region, *country ? ", " : "", country);
    lay_field(b, lay_str(b, "service.address"), place, 0);
}

/* Phones, messaging, hours, languages, cost, who it serves, notes. */
static void service_fields(lay *b, const struct store_service *s)
{
    char buf[2048];
    service_place(b, s);
    join_list(s->phones, "\n", b->lang, buf, sizeof buf, phone_display);
    lay_field(b, lay_str(b, "service.phones"), buf, 1);
    join_list(s->messaging, "\n", b->lang, buf, sizeof buf, phone_display);
    lay_field(b, lay_str(b, "service.messaging"), buf, 1);
    intl_hours(s->hours, b->lang, buf, sizeof buf);
    lay_field(b, lay_str(b, "service.hours"), buf, 0);
    join_list(s->languages, ", ", b->lang, buf, sizeof buf, intl_language_name);
    lay_field(b, lay_str(b, "service.languages"), buf, 0);
    snprintf(buf, sizeof buf, "cost.%s", s->cost);
    lay_field(b, lay_str(b, "service.cost"), *s->cost ? lay_str(b, buf) : "", 0);
    if (!strcmp(s->nationalities, "*"))
        snprintf(buf, sizeof buf, "%s", lay_str(b, "service.serves_everyone"));
    else
        join_list(s->nationalities, ", ", b->lang, buf, sizeof buf, intl_country_name);
    lay_field(b, lay_str(b, "service.serves"), buf, 0);
    lay_field(b, lay_str(b, "service.notes"), s->notes, 0);
}

static void build_service(lay *b, const screen_state *st)
{
    store_result *r = NULL;
    char err[FARO_MAX_ERRLEN], buf[2048], date[128];
    if (store_service(b->e->st, st->id, b->chain, &r, err, sizeof err) != 0)
        return lay_error(b, err);
    const struct store_service *s = &r->u.services[0];
    lay_bar(b, kind_label(b, s->kind));
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, s->name, SZ.px_h1, 1, SZ.gap);
    if (s->example)
        lay_notice(b, lay_str(b, "service.example"), UI_S_WARN);
    long verified = intl_days(s->verified);
    if (verified < 0 || b->e->today - verified > b->e->stale_days)
        lay_notice(b, lay_str(b, "service.stale"), UI_S_WARN);
    service_fields(b, s);
    intl_date(s->verified, b->lang, date, sizeof date);
    loc_format(b->e->loc, b->lang, "service.verified", buf, sizeof buf, "date", date, "who",
               s->verified_by, NULL);
    lay_para(b, UI_TEXT, UI_S_MUTED, buf, SZ.px_small, 0, SZ.gap);
    char vcard[QR_MAX_TEXT + 1];
    if (qr_vcard(s, s->example ? lay_str(b, "service.example") : NULL, vcard, sizeof vcard) > 0)
        lay_take_away(b, lay_str(b, "service.qr"), vcard);
    lay_end(b, lay_dp(b, SZ.bar_h));
    store_result_free(r);
}

/* ---- what the taps ask for ---- */

static nav_request act_directory(visit *v, const screen_env *e, int action, const char *arg)
{
    const screen_state *top = &v->hist[v->depth - 1];
    (void)e;
    switch (action) {
    case DIR_KIND: return nav_replace(top->screen, top->id, arg);
    case DIR_SERVICE: return nav_to(SCR_SERVICE, arg, NULL);
    case DIR_COUNTRY_PICK: return nav_to(SCR_COUNTRY, NULL, NULL);
    case DIR_COUNTRY:
        snprintf(v->country, sizeof v->country, "%s", arg);
        return nav(NAV_BACK);
    default: return nav(NAV_NONE);
    }
}

const screen_ops screen_directory = { .build = build_directory, .act = act_directory, .usage = "directory" };
const screen_ops screen_country = { .build = build_country, .act = act_directory };
const screen_ops screen_service = { .build = build_service, .act = act_directory, .usage = "service",
                                    .speak_body = 1 };
