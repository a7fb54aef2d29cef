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

ui_tree *app_tree(app *a)
{
    if (a->dirty) {
        screen_env e = { .st = a->st, .loc = a->loc, .txt = a->txt, .lang = a->lang,
                         .offered = a->offered, .noffered = a->noffered,
                         .stale_days = a->stale_days, .today = today_days() };
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

static void perform(app *a, int action, const char *arg)
{
    switch (action) {
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

int app_screen(const app *a) { return a->hist[a->depth - 1].screen; }
const char *app_lang(const app *a) { return a->lang; }
int app_history_depth(const app *a) { return a->depth; }
