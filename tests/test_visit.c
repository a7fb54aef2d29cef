/*
 * test_visit.c — one visit, played on a virtual clock, and forgotten.
 *
 * A person chooses Arabic, types a canary word into search, picks a
 * nationality and opens an article with a take-away QR code; the idle
 * reset must then leave the visit struct as a fresh one, the widget
 * arena's old strings zeroed in place, the text caches empty and nothing
 * about the visit in the log.  The deadlines: the idle warning is the
 * nearest, it comes once a second for fifteen seconds, a tap takes it away
 * (and is not passed on), the idle reset fires once at its time, and
 * nothing is pending at rest.  Then each
 * screen's act handler is called straight from the table: it returns the
 * navigation request the tap means, and never navigates itself.
 */
#include "check.h"
#include "app.h"
#include "intl.h"
#include "log.h"
#include "screens/layout.h"

#include <string.h>

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

#define CANARY "zqxcanaryq"
#define IDLE_S 90
#define WARN_S 15           /* "Still there?" this long before the reset */

typedef struct kiosk {
    cfg c;
    store *st;
    loc_set *loc;
    txt_ctx *txt;
} kiosk;

static int kiosk_open(kiosk *k)
{
    char err[FARO_MAX_ERRLEN];
    cfg_defaults(&k->c);
    k->c.idle_timeout_s = IDLE_S;
    k->st = store_new();
    store_add_memory(k->st, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack),
                     "default", err, sizeof err);
    k->loc = loc_new();
    loc_load_dir(k->loc, "locales");
    k->txt = txt_new("assets/fonts", 4u << 20, err, sizeof err);
    CHECK(k->txt != NULL, "fonts: %s", err);
    return k->txt ? 0 : -1;
}

static void kiosk_close(kiosk *k)
{
    txt_free(k->txt);
    loc_free(k->loc);
    store_free(k->st);
}

/* Lays out every text of the tree as drawing would (the text caches fill). */
static void measure_all(txt_ctx *txt, ui_tree *t)
{
    for (int i = 0; i < ui_count(t); i++) {
        const ui_widget *w = ui_get(t, i);
        txt_params p;
        if (!w->text || w->role == UI_QR)
            continue;
        ui_text_params(w, &p);
        txt_measure(txt, &p, NULL, NULL);
    }
}

/* Taps the first tappable widget showing `text`; returns 0 or -1. */
static int tap(app *a, const char *text, uint64_t ms)
{
    ui_tree *t = app_tree(a);
    int i = ui_actionable(t, ui_find(t, text, 0));
    if (i < 0)
        return -1;
    app_activate(a, i, ms);
    return 0;
}

/* The first widget of `role` with an action, from index `from`, or -1. */
static int find_role(const ui_tree *t, int role, int from)
{
    for (int i = from; i < ui_count(t); i++)
        if (ui_get(t, i)->role == role && ui_get(t, i)->action)
            return i;
    return -1;
}

static int tap_role(app *a, int role, uint64_t ms)
{
    int i = find_role(app_tree(a), role, 0);
    if (i >= 0)
        app_activate(a, i, ms);
    return i;
}

static int all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static int log_has(const char *needle)
{
    char line[LOG_LINE];
    for (int i = 0; i < log_count(); i++)
        if (log_line(i, line, sizeof line) >= 0 && strstr(line, needle))
            return 1;
    return 0;
}

/* ---- 1. a visit, then the idle reset ---- */

static void test_visit_forgotten(kiosk *k)
{
    app *a = app_new(&k->c, k->st, k->loc, k->txt);
    uint64_t ms = 1000;
    char haiti[128];
    CHECK(a != NULL, "app");
    if (!a)
        return;
    app_tick(a, ms);
    CHECK(app_wait_ms(a, ms) == -1, "at rest nothing is pending: %ld", app_wait_ms(a, ms));
    CHECK(tap(a, "العربية", ms += 500) == 0, "Arabic offered");
    CHECK_STR(app_lang(a), "ar");
    CHECK(app_wait_ms(a, ms) == (IDLE_S - WARN_S) * 1000L, "the idle warning is the nearest: %ld",
          app_wait_ms(a, ms));

    /* search for the canary */
    app_text(a, CANARY, ms += 500);
    CHECK_STR(screens_name(app_screen(a)), "search");
    ui_tree *t = app_tree(a);
    measure_all(k->txt, t);
    int fi = ui_find(t, CANARY, 0);
    CHECK(fi >= 0, "the canary is in the search field");
    const char *field_text = fi >= 0 ? ui_get(t, fi)->text : NULL;
    CHECK(txt_cache_holds(k->txt, CANARY), "the canary is in the text caches");

    /* a nationality */
    CHECK(tap(a, loc_str(k->loc, "ar", "nav.home"), ms += 500) == 0, "home");
    CHECK(tap(a, loc_str(k->loc, "ar", "home.directory"), ms += 500) == 0, "directory");
    CHECK(tap(a, loc_str(k->loc, "ar", "dir.choose_country"), ms += 500) == 0, "nationality list");
    CHECK_STR(screens_name(app_screen(a)), "country");
    intl_country_name("HT", "ar", haiti, sizeof haiti);
    CHECK(tap(a, haiti, ms += 500) == 0, "Haiti in Arabic");
    CHECK_STR(app_visit(a)->country, "HT");
    CHECK_STR(screens_name(app_screen(a)), "directory");
    measure_all(k->txt, app_tree(a));
    CHECK(txt_cache_holds(k->txt, haiti), "the nationality's name is in the text caches");

    /* an article with its QR code */
    CHECK(tap(a, loc_str(k->loc, "ar", "nav.home"), ms += 500) == 0, "home again");
    CHECK(tap_role(a, UI_TILE, ms += 500) >= 0, "a topic");
    CHECK(tap_role(a, UI_ITEM, ms += 500) >= 0, "an article");
    CHECK_STR(screens_name(app_screen(a)), "article");
    t = app_tree(a);
    measure_all(k->txt, t);
    int qi = -1;
    for (int i = 0; i < ui_count(t) && qi < 0; i++)
        if (ui_get(t, i)->role == UI_QR)
            qi = i;
    CHECK(qi >= 0, "a take-away QR code");
    const char *qr_text = qi >= 0 ? ui_get(t, qi)->text : NULL;
    size_t qr_len = qr_text ? strlen(qr_text) : 0;
    CHECK(qr_len > 10, "the QR payload");

    /* idle: not yet, then the reset, once */
    CHECK(app_wait_ms(a, ms) == (IDLE_S - WARN_S) * 1000L, "idle warning after the last tap");
    app_tick(a, ms + IDLE_S * 1000 - 1);
    CHECK_STR(screens_name(app_screen(a)), "article");
    CHECK(app_wait_ms(a, ms + IDLE_S * 1000 - 1) == 1, "1 ms left");
    app_tick(a, ms + IDLE_S * 1000);
    CHECK_STR(screens_name(app_screen(a)), "language");
    CHECK_STR(app_lang(a), "");

    visit fresh;
    visit_wipe(&fresh);
    CHECK(memcmp(app_visit(a), &fresh, sizeof fresh) == 0, "the visit is a fresh one, byte for byte");
    CHECK(all_zero(app_visit(a)->query.buf, sizeof app_visit(a)->query.buf), "query bytes zero");
    CHECK(all_zero(app_visit(a)->country, sizeof app_visit(a)->country), "nationality bytes zero");
    CHECK(!txt_cache_holds(k->txt, CANARY) && !txt_cache_holds(k->txt, haiti), "no visit words in text caches");
    /* the arena is kept for the next build (the language screen, already
     * rebuilt at its start): the old strings were zeroed or overwritten */
    CHECK(field_text && strncmp(field_text, CANARY, strlen(CANARY)) != 0, "the canary's arena bytes are gone");
    CHECK(qr_text && all_zero(qr_text, qr_len), "the QR payload's arena bytes are zero");
    t = app_tree(a);
    measure_all(k->txt, t);
    CHECK(ui_find(t, CANARY, 0) < 0 && ui_find(t, haiti, 0) < 0, "nothing of the visit on the new screen");
    CHECK(!log_has("idle") && !log_has(CANARY) && !log_has(haiti), "the visit's end and words are not logged");

    CHECK(app_wait_ms(a, ms + IDLE_S * 1000) == -1, "at rest again: nothing pending");
    app_tick(a, ms + 3 * IDLE_S * 1000);
    CHECK_STR(screens_name(app_screen(a)), "language");
    CHECK(tap(a, "Español", ms + 3 * IDLE_S * 1000) == 0, "a new visit");
    app_tick(a, ms + 3 * IDLE_S * 1000 + 1000);
    CHECK_STR(screens_name(app_screen(a)), "home");      /* the old deadline does not fire again */
    app_free(a);
}

/* ---- 2. "Still there?" before the idle reset ---- */

/* The screen's widget showing text, or -1. */
static int shows(app *a, const char *text)
{
    return ui_find(app_tree(a), text, 0);
}

static void test_idle_warning(kiosk *k)
{
    app *a = app_new(&k->c, k->st, k->loc, k->txt);
    uint64_t ms = 1000, warn, reset;
    const char *still = loc_str(k->loc, "es", "idle.title");
    CHECK(a != NULL, "app");
    if (!a)
        return;
    app_tick(a, ms);
    tap(a, "Español", ms);
    tap(a, "Tus derechos", ms += 500);
    CHECK_STR(screens_name(app_screen(a)), "topic");
    warn = ms + (IDLE_S - WARN_S) * 1000;
    reset = ms + IDLE_S * 1000;
    app_tick(a, warn - 1);
    CHECK(app_visit(a)->idle_left_s == 0 && shows(a, still) < 0, "no warning before timeout - 15 s");
    CHECK(app_wait_ms(a, warn - 1) == 1, "the warning is the next deadline");
    app_tick(a, warn);
    CHECK(app_visit(a)->idle_left_s == WARN_S, "the warning shows 15 s: %d", app_visit(a)->idle_left_s);
    CHECK(shows(a, still) >= 0 && shows(a, "15") >= 0, "\"Still there?\" and 15 on screen");
    CHECK(app_wait_ms(a, warn) == 1000, "the countdown wakes once a second: %ld", app_wait_ms(a, warn));
    app_tick(a, warn + 500);
    CHECK(app_visit(a)->idle_left_s == WARN_S, "no change within the second");
    app_tick(a, warn + 1000);
    CHECK(app_visit(a)->idle_left_s == WARN_S - 1 && shows(a, "14") >= 0, "14 s left");
    app_tick(a, reset - 1);
    CHECK(app_visit(a)->idle_left_s == 1 && app_wait_ms(a, reset - 1) == 1, "1 s left, then the reset");
    CHECK_STR(screens_name(app_screen(a)), "topic");

    /* a tap anywhere keeps the visit, and does not reach the tile under it */
    app_press(a, 40, 40, reset - 1);
    app_release(a, 40, 40, reset - 1);
    CHECK(app_visit(a)->idle_left_s == 0 && shows(a, still) < 0, "the tap took the warning away");
    CHECK_STR(screens_name(app_screen(a)), "topic");    /* (40, 40) is the bar's Back */
    CHECK_STR(app_lang(a), "es");
    CHECK(app_wait_ms(a, reset - 1) == (IDLE_S - WARN_S) * 1000L, "both deadlines moved back: %ld",
          app_wait_ms(a, reset - 1));

    /* no tap: the reset runs at the timeout, as before */
    ms = reset - 1;
    app_tick(a, ms + (IDLE_S - WARN_S) * 1000);
    CHECK(app_visit(a)->idle_left_s == WARN_S, "the warning again");
    app_tick(a, ms + IDLE_S * 1000 - 1);
    CHECK_STR(screens_name(app_screen(a)), "topic");
    app_tick(a, ms + IDLE_S * 1000);
    CHECK_STR(screens_name(app_screen(a)), "language");
    CHECK(app_visit(a)->idle_left_s == 0 && app_wait_ms(a, ms + IDLE_S * 1000) == -1, "at rest: nothing pending");
    app_tick(a, ms + 3 * IDLE_S * 1000);
    CHECK(shows(a, still) < 0, "no warning at rest");

    /* Quick exit wipes at once */
    tap(a, "Español", ms += 3 * IDLE_S * 1000);
    app_text(a, CANARY, ms += 500);
    CHECK_STR(app_visit(a)->query.buf, CANARY);
    CHECK(tap(a, loc_str(k->loc, "es", "exit.label"), ms += 500) == 0, "Quick exit in the bar");
    CHECK_STR(screens_name(app_screen(a)), "language");
    CHECK(!*app_visit(a)->query.buf && !*app_lang(a), "the query and the language are gone");
    CHECK(app_take_visit_end(a) == 1, "the visit's end is reported for the scrub");
    app_free(a);
}

/* Search asks for help: emergency words of any language, emergency numbers. */
static void test_sos_words(kiosk *k)
{
    static const char *const yes[] = { "911", "112", " 999 ", "SOS", "sos", "Emergencia", "EMERGENCY", "emerg",
                                       "urgence", "طوارئ", "紧急", "জরুরি", "policía", "emergencia médica" };
    static const char *const no[] = { "", "  ", "9", "91", "mapa", "asilo", "em", "9110" };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        CHECK(sos_query_matches(k->loc, yes[i]), "\"%s\" reaches SOS", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        CHECK(!sos_query_matches(k->loc, no[i]), "\"%s\" does not", no[i]);
    CHECK(!sos_query_matches(NULL, "emergencia") && sos_query_matches(NULL, "112"), "without locales: numbers only");
}

/* Back returns to where the list was scrolled; a new screen starts at the top. */
static void test_scroll_kept(kiosk *k)
{
    app *a = app_new(&k->c, k->st, k->loc, k->txt);
    uint64_t ms = 1000;
    if (!a)
        return;
    app_tick(a, ms);
    tap(a, "Español", ms += 100);
    tap(a, loc_str(k->loc, "es", "home.directory"), ms += 100);
    app_wheel(a, 900, ms += 100);
    int y = ui_scroll_y(app_tree(a));
    CHECK(y > 0, "the directory scrolled");
    ui_tree *t = app_tree(a);
    int item = -1;
    for (int i = find_role(t, UI_ITEM, 0); i >= 0 && item < 0; i = find_role(t, UI_ITEM, i + 1))
        if (ui_visible(t, i))
            item = i;
    CHECK(item >= 0, "a service on screen");
    app_activate(a, item, ms += 100);
    CHECK_STR(screens_name(app_screen(a)), "service");
    CHECK(ui_scroll_y(app_tree(a)) == 0, "the service starts at the top");
    app_back(a, ms += 100);
    CHECK_STR(screens_name(app_screen(a)), "directory");
    CHECK(ui_scroll_y(app_tree(a)) == y, "back where the list was: %d, want %d", ui_scroll_y(app_tree(a)), y);
    app_free(a);
}

/* ---- 2. the wipes themselves ---- */

static void test_wipes(kiosk *k)
{
    ui_tree *t = ui_new();
    ui_widget w = { .role = UI_TEXT, .text = CANARY, .arg = CANARY, .r = { 0, 0, 100, 20 }, .px = 20 };
    int i = t ? ui_add(t, &w) : -1;
    CHECK(i >= 0, "a widget");
    const char *text = i >= 0 ? ui_get(t, i)->text : NULL, *arg = i >= 0 ? ui_get(t, i)->arg : NULL;
    txt_params p;
    if (i >= 0) {
        ui_text_params(ui_get(t, i), &p);
        txt_measure(k->txt, &p, NULL, NULL);
    }
    CHECK(txt_cache_holds(k->txt, CANARY) && txt_cached_entries(k->txt) > 0, "measured: cached");
    ui_wipe(t);
    txt_forget(k->txt);
    CHECK(t && ui_count(t) == 0 && ui_scroll_y(t) == 0, "the tree is empty");
    CHECK(text && all_zero(text, sizeof CANARY) && arg && all_zero(arg, sizeof CANARY),
          "the arena's strings are zero in place");
    CHECK(txt_cached_entries(k->txt) == 0, "text caches empty: %zu", txt_cached_entries(k->txt));
    CHECK(!txt_cache_holds(k->txt, CANARY), "the canary is not in the text engine");
    ui_wipe(NULL);
    txt_forget(NULL);
    ui_free(t);
}

/* ---- 3. act handlers, straight from the table ---- */

typedef struct bench {
    kiosk *k;
    visit v;
    screen_env e;
    ui_tree *t;
} bench;

/* Shows `screen` (id, kind) in lang and builds it. */
static void show(bench *b, int screen, const char *id, const char *kind, const char *lang)
{
    screen_state *s = &b->v.hist[b->v.depth++];
    memset(s, 0, sizeof *s);
    s->screen = screen;
    snprintf(s->id, sizeof s->id, "%s", id ? id : "");
    snprintf(s->kind, sizeof s->kind, "%s", kind ? kind : "");
    snprintf(b->v.lang, sizeof b->v.lang, "%s", lang);
    screens_build(b->t, &b->e, s, 1280, 800, 0);
}

/* The request a tap on the first widget showing text would make. */
static nav_request act_on(bench *b, const char *text)
{
    int i = ui_actionable(b->t, ui_find(b->t, text, 0));
    const ui_widget *w = ui_get(b->t, i);
    CHECK(w != NULL, "a tappable \"%s\"", text);
    if (!w)
        return nav(NAV_NONE);
    if (w->action < ACT_OWN)
        return screens_act(&b->v, &b->e, w->action, w->arg);
    return screens_ops(b->v.hist[b->v.depth - 1].screen)->act(&b->v, &b->e, w->action, w->arg ? w->arg : "");
}

static void test_act_handlers(kiosk *k)
{
    static const char *const offered[] = { "es", "ar" };
    bench b = { .k = k, .t = ui_new() };
    visit_wipe(&b.v);
    b.e = (screen_env){ .st = k->st, .loc = k->loc, .txt = k->txt, .lang = b.v.lang, .offered = offered,
                        .noffered = 2, .stale_days = 365, .today = 20000, .search_off = 1, .city = "",
                        .visit = &b.v };
    CHECK(b.t != NULL, "tree");
    if (!b.t)
        return;
    b.v.depth = 0;
    show(&b, SCR_LANGUAGE, NULL, NULL, "");
    nav_request r = act_on(&b, "Español");
    CHECK(r.op == NAV_HOME, "language -> home: op %d", r.op);
    CHECK_STR(b.v.lang, "es");

    show(&b, SCR_HOME, NULL, NULL, "es");
    r = act_on(&b, "Tus derechos");
    CHECK(r.op == NAV_PUSH && r.screen == SCR_TOPIC && !strcmp(r.id, "rights"), "home -> topic rights: %d %s",
          r.op, r.id);
    r = act_on(&b, loc_str(k->loc, "es", "nav.back"));
    CHECK(r.op == NAV_BACK, "the bar's Back");
    r = act_on(&b, loc_str(k->loc, "es", "nav.language"));
    CHECK(r.op == NAV_RESET, "the bar's Language resets the visit");
    r = act_on(&b, loc_str(k->loc, "es", "exit.label"));
    CHECK(r.op == NAV_RESET, "the bar's Quick exit resets the visit");
    r = act_on(&b, loc_str(k->loc, "es", "sos.label"));
    CHECK(r.op == NAV_PUSH && r.screen == SCR_SOS, "the bar's SOS opens the SOS screen: %d %d", r.op, r.screen);

    show(&b, SCR_DIRECTORY, NULL, "", "es");
    r = act_on(&b, loc_str(k->loc, "es", "kind.health"));
    CHECK(r.op == NAV_REPLACE && r.screen == SCR_DIRECTORY && !strcmp(r.kind, "health"),
          "a kind chip replaces the top: %d %s", r.op, r.kind);
    r = act_on(&b, loc_str(k->loc, "es", "dir.choose_country"));
    CHECK(r.op == NAV_PUSH && r.screen == SCR_COUNTRY, "the nationality row");

    show(&b, SCR_COUNTRY, NULL, NULL, "es");
    r = act_on(&b, "Haití");
    CHECK(r.op == NAV_BACK, "a nationality goes back");
    CHECK_STR(b.v.country, "HT");

    show(&b, SCR_SEARCH, NULL, NULL, "es");     /* no index: the error screen, still the bar */
    r = screens_act(&b.v, &b.e, ACT_SEARCH, "");
    CHECK(r.op == NAV_NONE, "Search on the search screen does nothing");

    show(&b, SCR_ADMIN, NULL, NULL, "es");
    r = act_on(&b, loc_str(k->loc, "es", "admin.tab.log"));
    CHECK(r.op == NAV_REDRAW && !(r.flags & NAV_KEEP_SCROLL) && b.v.console.tab == TAB_LOG, "a tab");
    r = act_on(&b, loc_str(k->loc, "es", "admin.close"));
    CHECK(r.op == NAV_RESET, "closing the console resets the visit");
    r = screens_ops(SCR_ADMIN)->act(&b.v, &b.e, ACT_DEADLINE, "");
    CHECK(r.op == NAV_NONE, "no removal waiting: the deadline does nothing");
    b.v.console.msg_key = "admin.packs.busy";
    snprintf(b.v.console.msg_arg, sizeof b.v.console.msg_arg, "org.example.x");
    show(&b, SCR_ADMIN, NULL, NULL, "en");
    CHECK(ui_find(b.t, "busy installing a pack. The pack org.example.x will be removed", 0) >= 0,
          "the console says it is busy and will retry");
    snprintf(b.v.console.retry, sizeof b.v.console.retry, "org.example.x");
    r = screens_ops(SCR_ADMIN)->act(&b.v, &b.e, ACT_DEADLINE, "");
    CHECK(r.op == NAV_REDRAW && (r.flags & NAV_RETRY_STOP) && !(r.flags & (NAV_RETRY | NAV_RELOAD)),
          "a retry that fails for good stops retrying: flags %d", r.flags);
    CHECK(!*b.v.console.retry && b.v.console.msg_key && !strcmp(b.v.console.msg_key, "admin.packs.remove_failed"),
          "and says the pack could not be removed");

    static const char *const names[] = { "?", "language", "home", "topic", "article", "directory", "service",
                                         "search", "country", "usb", "admin-pin", "admin", "sos" };
    for (int s = 0; s < SCR_COUNT; s++)
        CHECK_STR(screens_name(s), names[s]);
    CHECK_STR(screens_name(SCR_COUNT), "?");
    screen_state st = { .screen = SCR_ARTICLE, .id = "art1" };
    CHECK_STR(screens_usage_key(&st), "art1");
    st.screen = SCR_DIRECTORY;
    CHECK_STR(screens_usage_key(&st), "directory");
    st.screen = SCR_ADMIN;
    CHECK(screens_usage_key(&st) == NULL, "the console is not counted");
    ui_free(b.t);
}

int main(void)
{
    kiosk k = { 0 };
    if (kiosk_open(&k) == 0) {
        test_visit_forgotten(&k);
        test_idle_warning(&k);
        test_sos_words(&k);
        test_scroll_kept(&k);
        test_wipes(&k);
        test_act_handlers(&k);
    }
    kiosk_close(&k);
    return check_done();
}
