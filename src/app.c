/*
 * app.c — navigation, history and the idle reset over the screens.
 *
 * A visit is a stack of screen states; every navigation pushes, Back pops,
 * Home and Language truncate.  Nothing of the visit is stored anywhere
 * else, so the idle reset forgets it simply by clearing the stack and the
 * language.  The tree is rebuilt lazily: navigation only sets `dirty`.
 */
#include "app.h"
#include "log.h"
#include "usb.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY_MAX 32

struct app {
    store *st;
    loc_set *loc;
    txt_ctx *txt;
    ui_tree *tree;
    screen_state hist[HISTORY_MAX];
    int depth;                           /* hist[depth - 1] is shown */
    char lang[FARO_MAX_LANG_LEN + 1];
    const char *offered[FARO_MAX_LANGS];
    int noffered;
    int w, h, dirty, keep_scroll, animating;
    int idle_ms, stale_days;
    uint64_t last_input;
    /* the visit: forgotten by reset_visit, never written anywhere */
    char query[SEARCH_MAX_QUERY + 1];
    char kbd[16];
    char country[4];
    /* search: the index is opened on first use */
    char search_path[CFG_PATH_MAX + 32];
    search_index *ix;
    int search_failed;
    char city[64];
    screen_usb usb;
};

/* Preferred order when the config does not list languages. */
static const char *const default_order[] = { "es", "en", "fr", "ht", "pt", "ar" };

static int offered_has(const app *a, const char *code)
{
    for (int i = 0; i < a->noffered; i++)
        if (!strcmp(a->offered[i], code))
            return 1;
    return 0;
}

static void offer(app *a, const char *code)
{
    if (a->noffered < FARO_MAX_LANGS && loc_has(a->loc, code) && !offered_has(a, code))
        a->offered[a->noffered++] = code;
}

void app_offer_languages(app *a, const cfg *c)
{
    a->noffered = 0;
    for (int i = 0; i < c->nlangs; i++) {
        if (!loc_has(a->loc, c->langs[i]))
            log_msg("config: language '%s' has no locale file; not offered", c->langs[i]);
        offer(a, c->langs[i]);
    }
    if (c->nlangs == 0 || a->noffered == 0) {
        for (size_t i = 0; i < sizeof default_order / sizeof *default_order; i++)
            offer(a, default_order[i]);
        for (int i = 0; i < loc_count(a->loc); i++)
            offer(a, loc_code(a->loc, i));
    }
    /* the offered codes must stay valid: point at the locale's own copy */
    for (int i = 0; i < a->noffered; i++)
        for (int k = 0; k < loc_count(a->loc); k++)
            if (!strcmp(loc_code(a->loc, k), a->offered[i]))
                a->offered[i] = loc_code(a->loc, k);
    a->dirty = 1;
}

static void reset_visit(app *a)
{
    memset(a->query, 0, sizeof a->query);
    memset(a->kbd, 0, sizeof a->kbd);
    memset(a->country, 0, sizeof a->country);
    memset(a->hist, 0, sizeof a->hist);
    a->hist[0].screen = SCR_LANGUAGE;
    a->depth = 1;
    a->lang[0] = 0;
    a->dirty = 1;
    a->keep_scroll = 0;
}

app *app_new(const cfg *c, store *st, loc_set *loc, txt_ctx *txt)
{
    app *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->tree = ui_new();
    if (!a->tree) {
        free(a);
        return NULL;
    }
    a->st = st;
    a->loc = loc;
    a->txt = txt;
    a->w = c->width;
    a->h = c->height;
    a->idle_ms = c->idle_timeout_s * 1000;
    a->stale_days = c->stale_days;
    app_offer_languages(a, c);
    reset_visit(a);
    return a;
}

void app_free(app *a)
{
    if (!a)
        return;
    search_close(a->ix);
    ui_free(a->tree);
    free(a);
}

void app_resize(app *a, int w, int h)
{
    if (w == a->w && h == a->h)
        return;
    a->w = w;
    a->h = h;
    a->dirty = 1;
    a->keep_scroll = 1;
}

static long today_days(void)
{
    return (long)(time(NULL) / 86400);
}

/* The search index, opened (and built if needed) the first time it is
 * wanted; NULL when it cannot be, and then search is not offered. */
static search_index *search_ix(app *a)
{
    char err[FARO_MAX_ERRLEN];
    if (a->ix || a->search_failed)
        return a->ix;
    a->ix = search_open(*a->search_path ? a->search_path : NULL, a->st, err, sizeof err);
    if (!a->ix && *a->search_path)     /* an unwritable data folder: keep it in memory */
        a->ix = search_open(NULL, a->st, err, sizeof err);
    if (!a->ix) {
        log_msg("search unavailable: %s", err);
        a->search_failed = 1;
    }
    return a->ix;
}

void app_set_search_path(app *a, const char *path)
{
    snprintf(a->search_path, sizeof a->search_path, "%s", path ? path : "");
}

ui_tree *app_tree(app *a)
{
    if (a->dirty) {
        /* the language screen needs no index: the first frame never waits for it */
        int searching = app_screen(a) != SCR_LANGUAGE;
        screen_env e = { .st = a->st, .loc = a->loc, .txt = a->txt, .lang = a->lang,
                         .offered = a->offered, .noffered = a->noffered,
                         .stale_days = a->stale_days, .today = today_days(),
                         .ix = searching ? search_ix(a) : NULL, .query = a->query, .kbd = a->kbd,
                         .country = a->country, .city = a->city, .usb = &a->usb };
        /* the USB screen speaks the reader's language, or the kiosk's first one */
        if (!*a->lang && app_screen(a) == SCR_USB && a->noffered > 0)
            e.lang = a->offered[0];
        screens_build(a->tree, &e, &a->hist[a->depth - 1], a->w, a->h, a->keep_scroll);
        a->dirty = 0;
        a->keep_scroll = 0;
    }
    return a->tree;
}

static void push(app *a, int screen, const char *id, const char *kind)
{
    if (a->depth == HISTORY_MAX) {      /* drop the oldest step after home */
        memmove(&a->hist[1], &a->hist[2], (HISTORY_MAX - 2) * sizeof a->hist[0]);
        a->depth--;
    }
    screen_state *s = &a->hist[a->depth++];
    memset(s, 0, sizeof *s);
    s->screen = screen;
    snprintf(s->id, sizeof s->id, "%s", id ? id : "");
    snprintf(s->kind, sizeof s->kind, "%s", kind ? kind : "");
    a->dirty = 1;
    a->keep_scroll = 0;
}

static void go_home(app *a)
{
    a->depth = 1;                       /* hist[0] is the language screen */
    push(a, SCR_HOME, NULL, NULL);
}

static void go_back(app *a)
{
    if (a->depth > 1) {
        a->depth--;
        a->dirty = 1;
        a->keep_scroll = 0;
    }
    if (a->depth == 1)
        a->lang[0] = 0;
}

/* faro:article/<id>, faro:topic/<id>, faro:service/<id>, faro:directory/<kind> */
static void follow_link(app *a, const char *target)
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
            push(a, SCR_DIRECTORY, NULL, target + n);
        else
            push(a, routes[i].screen, target + n, NULL);
        return;
    }
}

/* Appends typed text to the query (bounded, whole characters only). */
static void type_text(app *a, const char *utf8)
{
    size_t have = strlen(a->query), add = strlen(utf8);
    if (have + add > SEARCH_MAX_QUERY)
        return;
    memcpy(a->query + have, utf8, add + 1);
    a->dirty = 1;
    a->keep_scroll = 0;
}

/* Removes the last character (a whole UTF-8 sequence). */
static void backspace(app *a)
{
    size_t n = strlen(a->query);
    while (n > 0 && ((unsigned char)a->query[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    a->query[n] = 0;
    a->dirty = 1;
}

static void perform(app *a, int action, const char *arg)
{
    switch (action) {
    case ACT_SEARCH:
        if (app_screen(a) != SCR_SEARCH)
            push(a, SCR_SEARCH, NULL, NULL);
        break;
    case ACT_KEY: type_text(a, arg); break;
    case ACT_BACKSPACE: backspace(a); break;
    case ACT_CLEAR:
        a->query[0] = 0;
        a->dirty = 1;
        break;
    case ACT_KBD:
        snprintf(a->kbd, sizeof a->kbd, "%s", arg);
        a->dirty = 1;
        a->keep_scroll = 1;
        break;
    case ACT_COUNTRY_PICK: push(a, SCR_COUNTRY, NULL, NULL); break;
    case ACT_COUNTRY:
        snprintf(a->country, sizeof a->country, "%s", arg);
        go_back(a);
        break;
    case ACT_LANG:
        snprintf(a->lang, sizeof a->lang, "%s", arg);
        go_home(a);
        break;
    case ACT_BACK: go_back(a); break;
    case ACT_HOME: go_home(a); break;
    case ACT_LANGSCREEN: reset_visit(a); break;
    case ACT_TOPIC: push(a, SCR_TOPIC, arg, NULL); break;
    case ACT_ARTICLE: push(a, SCR_ARTICLE, arg, NULL); break;
    case ACT_DIRECTORY: push(a, SCR_DIRECTORY, NULL, arg); break;
    case ACT_SERVICE: push(a, SCR_SERVICE, arg, NULL); break;
    case ACT_LINK: follow_link(a, arg); break;
    case ACT_KIND:
        snprintf(a->hist[a->depth - 1].kind, sizeof a->hist[0].kind, "%s", arg);
        a->dirty = 1;
        a->keep_scroll = 0;
        break;
    default: break;
    }
}

void app_activate(app *a, int i, uint64_t ms)
{
    const ui_widget *w = ui_get(app_tree(a), i);
    a->last_input = ms;
    if (w && w->action)
        perform(a, w->action, w->arg ? w->arg : "");
}

void app_press(app *a, int x, int y, uint64_t ms)
{
    a->last_input = ms;
    ui_press(app_tree(a), x, y, ms);
    a->animating = 1;                   /* pressed feedback needs a frame */
}

void app_move(app *a, int x, int y, uint64_t ms)
{
    a->last_input = ms;
    ui_move(app_tree(a), x, y, ms);
    a->animating = 1;
}

void app_release(app *a, int x, int y, uint64_t ms)
{
    a->last_input = ms;
    int i = ui_release(app_tree(a), x, y, ms);
    a->animating = 1;
    if (i >= 0)
        app_activate(a, i, ms);
}

void app_wheel(app *a, int dy_px, uint64_t ms)
{
    a->last_input = ms;
    ui_wheel(app_tree(a), dy_px);
    a->animating = 1;
}

void app_back(app *a, uint64_t ms)
{
    a->last_input = ms;
    go_back(a);
}

void app_text(app *a, const char *utf8, uint64_t ms)
{
    a->last_input = ms;
    if (app_screen(a) != SCR_SEARCH)
        perform(a, ACT_SEARCH, "");
    type_text(a, utf8);
}

void app_backspace(app *a, uint64_t ms)
{
    a->last_input = ms;
    if (app_screen(a) == SCR_SEARCH)
        backspace(a);
}

void app_set_city(app *a, const char *city)
{
    snprintf(a->city, sizeof a->city, "%s", city ? city : "");
}

const char *app_query(const app *a) { return a->query; }

int app_tick(app *a, uint64_t ms)
{
    int redraw = a->dirty || a->animating;
    if (a->last_input == 0)
        a->last_input = ms;
    if (ms - a->last_input >= (uint64_t)a->idle_ms && (a->depth > 1 || a->lang[0])) {
        log_msg("idle: back to the language screen");
        reset_visit(a);
        redraw = 1;
    }
    a->animating = ui_animate(app_tree(a), ms);
    return redraw || a->animating;
}

int app_animating(const app *a) { return a->animating; }

long app_wait_ms(const app *a, uint64_t ms)
{
    if (a->depth == 1 && !a->lang[0])
        return -1;                      /* nothing to reset: sleep until input */
    uint64_t due = a->last_input + (uint64_t)a->idle_ms;
    return due > ms ? (long)(due - ms) : 0;
}

void app_usb(app *a, const app_usb_msg *m, uint64_t ms)
{
    screen_usb *u = &a->usb;
    switch (m->kind) {
    case USB_STICK_FOUND:
        memset(u, 0, sizeof *u);
        u->count = m->count;
        a->last_input = ms;             /* someone is at the kiosk */
        if (app_screen(a) != SCR_USB)
            push(a, SCR_USB, NULL, NULL);
        break;
    case USB_PACK_START:
    case USB_PACK_PROGRESS:
        snprintf(u->pack, sizeof u->pack, "%s", m->pack);
        u->index = m->index;
        u->count = m->count;
        u->done = m->done;
        u->total = m->total;
        break;
    case USB_PACK_DONE:
        if (u->nlines < SCREEN_USB_LINES) {
            screen_usb_line *l = &u->lines[u->nlines++];
            snprintf(l->pack, sizeof l->pack, "%s", m->pack);
            snprintf(l->id, sizeof l->id, "%s", m->id);
            l->version = m->version;
            l->why = m->why;
        }
        break;
    case USB_STICK_DONE:
        u->finished = 1;
        u->installed = m->installed;
        break;
    default:
        return;
    }
    a->dirty = 1;
    a->keep_scroll = 1;
}

void app_set_store(app *a, store *st)
{
    char err[FARO_MAX_ERRLEN];
    a->st = st;
    if (a->ix && search_refresh(a->ix, st, err, sizeof err) != 0)
        log_msg("search: %s", err);
    a->dirty = 1;
    a->keep_scroll = 1;
}

int app_screen(const app *a) { return a->hist[a->depth - 1].screen; }
const char *app_lang(const app *a) { return a->lang; }
int app_history_depth(const app *a) { return a->depth; }
