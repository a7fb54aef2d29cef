/*
 * app.c — input, navigation and deadlines over the screens wing.
 *
 * A tap finds its widget's action; screens_act (src/screens/) turns it into
 * a navigation request, a value, and this file applies it: push a screen,
 * replace the top, back, home, or reset the visit.  The screens never call
 * back into the app.  The tree is rebuilt lazily: a request only sets
 * `dirty`.
 *
 * Everything a person's visit creates is in one struct visit (history,
 * language, query, nationality, the console's digits...).  Resetting it
 * wipes it whole with sodium_memzero, together with the widget tree's
 * strings (ui_wipe) and the text engine's caches (txt_forget), the other
 * two places that hold the visit's words.  Nothing of the visit is written
 * anywhere, and its end is not logged.
 *
 * Audio guidance (explore by touch) is a flag of the visit: with it on, a
 * tap on an item speaks it (ui_spoken: its words, in its language) and a
 * second tap on the same item acts; a screen that opens says its title, an
 * article or a service reads itself from where it is scrolled.  The engine
 * (speech.c) is borrowed; the idle reset stops it and wipes what it holds.
 *
 * Time comes from the caller.  The app keeps a small fixed list of
 * deadlines (the idle reset, a screen's retry, the idle warning; alert
 * expiry is next): app_tick runs those that are due, app_wait_ms says how
 * long the caller may sleep.
 *
 * The idle warning: IDLE_WARN_MS before the idle reset, DL_IDLE_WARN sets
 * the visit's idle_left_s and the screen is rebuilt with the "Still
 * there?" prompt over it; the deadline then comes again each time the
 * seconds shown change, and not after the last one, so the reset (due at
 * the same instant as the prompt's 0) runs as before.  Any input moves
 * both deadlines back and takes the prompt away; the press and release of
 * a tap that took it away are not passed to the screen under it.
 */
#include "app.h"
#include "image.h"
#include "log.h"
#include "timefloor.h"
#include "kbd.h"
#include "usb.h"
#include "speech.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CORNER_DP 56            /* the hidden gesture's corner, dp square */
#define CORNER_TAPS_MAX 16
#define RETRY_MS 1000           /* a screen's NAV_RETRY wakes it after this */
#define STACK_SCRUB_BYTES (64 * 1024)
#define IDLE_WARN_MS 15000      /* "Still there?" shows this long before the idle reset */

/* The deadlines; a slot is armed or not.  One of each kind at most. */
enum deadline_kind { DL_IDLE_RESET, DL_SCREEN_RETRY, DL_IDLE_WARN, DL_COUNT };

typedef struct deadline {
    int armed;
    uint64_t due;               /* the caller's clock, ms */
    int screen;                 /* DL_SCREEN_RETRY: whose act gets ACT_DEADLINE */
} deadline;

struct app {
    store *st;
    loc_set *loc;
    txt_ctx *txt;
    img_ctx *img;                       /* article pictures; borrowed, may be NULL */
    ui_tree *tree;
    visit v;                             /* the visit: wiped whole by reset_visit */
    const char *offered[FARO_MAX_LANGS];
    int noffered;
    int w, h, dirty, keep_scroll, animating;
    int restore_scroll;                 /* 1: the next build returns to the top's scroll */
    int idle_ms, stale_days;
    deadline deadlines[DL_COUNT];
    int ticked;                         /* app_tick ran once */
    int visit_ended;                    /* reset_visit ran: app_take_visit_end says so once */
    int swallow;                        /* this press took the idle prompt away: its release does nothing */
    /* search: the index is opened on first use */
    char search_path[CFG_PATH_MAX + 32];
    search_index *ix;
    int ix_borrowed;                    /* ix came from search_source: not ours to close */
    search_index *(*search_source)(void *user);
    void *search_source_user;
    int search_failed;
    char city[64];
    screen_usb usb;
    /* the administrator's console */
    console_env console;
    char data_dir[CFG_PATH_MAX * 2];
    char font_dir[CFG_PATH_MAX * 2];
    char usb_roots[CFG_MAX_USB_ROOTS][CFG_PATH_MAX];
    int gesture_taps, gesture_window_ms;
    uint64_t corner_taps[CORNER_TAPS_MAX];
    int ncorner;
    app_reload_fn reload;
    void *reload_user;
    const cfg *cfg;
    void (*before_search)(void *user);
    void *before_search_user;
    speech *speech;                     /* the voice, borrowed; may be NULL */
    int guided;                         /* the engine was told guidance is on */
    long wall_start;                    /* time(NULL) when the app started, moved up to the floor */
    long sys_start;                     /* time(NULL) when the app started, as the system said */
    long floor_s;                       /* the newest signed time seen (timefloor.h), 0: none */
    uint64_t ms_start, now_ms;          /* the caller's clock then and now */
};

static long elapsed_s(const app *a)
{
    return a->ms_start == UINT64_MAX ? 0 : (long)((a->now_ms - a->ms_start) / 1000);
}

/* Wall-clock seconds that follow the app's own clock: real time in the
 * window loop, virtual time under a script (PIN delays, usage days, what
 * is old).  Never behind the newest signed time seen (refresh_floor). */
static long wall_s(const app *a)
{
    return a->wall_start + elapsed_s(a);
}

/* The system clock as it is, on the app's clock (the console's clock check). */
static long system_s(const app *a)
{
    return a->sys_start + elapsed_s(a);
}

/* Takes the newest signed time of the packs shown (and the one kept in the
 * state database) as the floor; a wall clock behind it moves up to it and
 * goes on from there.  Runs when the store or the state database changes,
 * never on a tap. */
static void refresh_floor(app *a)
{
    long f = timefloor_of_store(a->st), kept = timefloor_get(a->console.db);
    if (kept > f)
        f = kept;
    else if (f > kept)
        timefloor_raise(a->console.db, f);
    a->floor_s = f;
    if (wall_s(a) < f) {
        log_msg("clock: the system clock is behind the newest content; the kiosk counts from its date");
        a->wall_start += f - wall_s(a);
    }
}

/* Follows the caller's clock (the first time seen is the start). */
static void clock_at(app *a, uint64_t ms)
{
    if (a->ms_start == UINT64_MAX)
        a->ms_start = ms;
    a->now_ms = ms;
}

/* ---- deadlines ---- */

static void deadline_set(app *a, int kind, uint64_t due, int screen)
{
    a->deadlines[kind] = (deadline){ .armed = 1, .due = due, .screen = screen };
}

static void deadline_clear(app *a, int kind)
{
    a->deadlines[kind].armed = 0;
}

/* 1 when the visit holds nothing a reset would forget. */
static int visit_at_rest(const app *a)
{
    return a->v.depth == 1 && !a->v.lang[0];
}

/* 1 when deadline k would do something if it came now. */
static int deadline_live(const app *a, int k)
{
    if (!a->deadlines[k].armed)
        return 0;
    return (k != DL_IDLE_RESET && k != DL_IDLE_WARN) || !visit_at_rest(a);
}

/* The live deadline due first, or -1. */
static int deadline_next(const app *a)
{
    int best = -1;
    for (int k = 0; k < DL_COUNT; k++)
        if (deadline_live(a, k) && (best < 0 || a->deadlines[k].due < a->deadlines[best].due))
            best = k;
    return best;
}

/* How long before the idle reset its warning shows (half the timeout when short). */
static uint64_t idle_warn_lead(const app *a)
{
    return a->idle_ms >= 2 * IDLE_WARN_MS ? IDLE_WARN_MS : (uint64_t)a->idle_ms / 2;
}

/* Someone is at the kiosk: the idle reset and its warning move back, and
 * a warning showing goes away (the screen under it stays where it was). */
static void touch(app *a, uint64_t ms)
{
    deadline_set(a, DL_IDLE_RESET, ms + (uint64_t)a->idle_ms, 0);
    deadline_set(a, DL_IDLE_WARN, ms + (uint64_t)a->idle_ms - idle_warn_lead(a), 0);
    if (a->v.idle_left_s) {
        a->v.idle_left_s = 0;
        a->dirty = 1;
        a->keep_scroll = 1;
    }
}

static void announce_idle_warning(app *a, int left);

/* The warning is due: shows the seconds left, and comes again when they change. */
static void idle_warn(app *a)
{
    uint64_t reset = a->deadlines[DL_IDLE_RESET].due;
    if (!a->deadlines[DL_IDLE_RESET].armed || reset <= a->now_ms)
        return;
    int left = (int)((reset - a->now_ms + 999) / 1000);
    if (a->v.idle_left_s == 0)          /* the prompt appears: guidance says it once */
        announce_idle_warning(a, left);
    a->v.idle_left_s = left;
    a->dirty = 1;
    a->keep_scroll = 1;
    if (left > 1)
        deadline_set(a, DL_IDLE_WARN, reset - (uint64_t)(left - 1) * 1000, 0);
}

/* ---- languages offered ---- */

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

/* The console's language setting, when there is one, replaces the config's. */
static void apply_admin_langs(app *a)
{
    char langs[FARO_MAX_LANGS][FARO_MAX_LANG_LEN + 1];
    int n = a->console.db ? admin_languages_get(a->console.db, langs, FARO_MAX_LANGS) : 0;
    if (n <= 0)
        return;
    int kept = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < loc_count(a->loc); k++)
            if (!strcmp(loc_code(a->loc, k), langs[i]) && kept < FARO_MAX_LANGS)
                a->offered[kept++] = loc_code(a->loc, k);
    if (kept > 0)
        a->noffered = kept;
    a->dirty = 1;
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

/* ---- the visit ---- */

/* Zeroes the stack below the caller: the screens composed the visit's
 * words (a nationality's name, the query in a line) in local buffers there. */
__attribute__((noinline)) static void scrub_stack(void)
{
    unsigned char pad[STACK_SCRUB_BYTES];
    sodium_memzero(pad, sizeof pad);
}

/* Forgets the visit: its struct, the tree's strings, the text caches. */
static void reset_visit(app *a)
{
    scrub_stack();
    speech_forget(a->speech);
    a->guided = 0;
    visit_wipe(&a->v);
    ui_wipe(a->tree);
    txt_forget(a->txt);
    img_forget(a->img);
    deadline_clear(a, DL_SCREEN_RETRY);
    deadline_clear(a, DL_IDLE_WARN);
    a->dirty = 1;
    a->keep_scroll = 0;
    a->visit_ended = 1;
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
    a->wall_start = a->sys_start = (long)time(NULL);
    a->cfg = c;
    a->ms_start = a->now_ms = UINT64_MAX;
    a->stale_days = c->stale_days;
    app_offer_languages(a, c);
    visit_wipe(&a->v);
    a->dirty = 1;
    refresh_floor(a);
    return a;
}

static void drop_index(app *a);

void app_free(app *a)
{
    if (!a)
        return;
    drop_index(a);
    ui_free(a->tree);
    sodium_memzero(&a->v, sizeof a->v);
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

/* The search index, opened (and built if needed) the first time it is
 * wanted; NULL when it cannot be, and then search is not offered. */
static search_index *search_ix(app *a)
{
    char err[FARO_MAX_ERRLEN];
    if (a->ix || a->search_failed)
        return a->ix;
    if (a->search_source) {             /* the shelf's index, borrowed */
        a->ix = a->search_source(a->search_source_user);
        a->ix_borrowed = a->ix != NULL;
        if (a->ix)
            return a->ix;
    }
    if (a->before_search)               /* a background build of the index must finish first */
        a->before_search(a->before_search_user);
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

void app_set_search_source(app *a, search_index *(*fn)(void *user), void *user)
{
    a->search_source = fn;
    a->search_source_user = user;
}

/* Lets go of the index: closed when it is the app's own. */
static void drop_index(app *a)
{
    if (!a->ix_borrowed)
        search_close(a->ix);
    a->ix = NULL;
    a->ix_borrowed = 0;
}

void app_set_search_wait(app *a, void (*fn)(void *user), void *user)
{
    a->before_search = fn;
    a->before_search_user = user;
}

/* What the screens read (and the act handlers work with). */
static screen_env make_env(const app *a)
{
    const screen_ops *ops = screens_ops(app_screen(a));
    screen_env e = { .st = a->st, .loc = a->loc, .txt = a->txt, .lang = a->v.lang,
                     .offered = a->offered, .noffered = a->noffered, .stale_days = a->stale_days,
                     .today = wall_s(a) / 86400, .now_s = wall_s(a), .search_off = a->search_failed,
                     .clock_s = system_s(a), .floor_s = a->floor_s,
                     .city = a->city, .usb = &a->usb, .visit = &a->v, .console = &a->console,
                     .cfg = a->cfg, .img = a->img,
                     .voice_off = a->speech && !speech_can_synthesise(a->speech) };
    /* the console and the USB screen speak the reader's language, or the kiosk's first */
    if (!*a->v.lang && ops && ops->first_lang && a->noffered > 0)
        e.lang = a->offered[0];
    return e;
}

/* ---- speaking ---- */

#define SPOKEN_ITEM_MAX 2048            /* what one tap speaks, bytes */

/* The language the kiosk speaks now: the reader's, else the kiosk's first. */
static const char *voice_lang(const app *a)
{
    return *a->v.lang ? a->v.lang : a->noffered > 0 ? a->offered[0] : "en";
}

/* The pack's recording of item (kind, id) in lang, when there is one
 * (FARO_ENOTFOUND: synthesise). */
static int recorded(app *a, const char *kind, const char *id, const char *lang, void **bytes, size_t *len)
{
    char err[FARO_MAX_ERRLEN];
    *bytes = NULL;
    *len = 0;
    if (!a->st || !id || !*id)
        return FARO_ENOTFOUND;
    return store_recording(a->st, kind, id, lang, bytes, len, err, sizeof err);
}

/* Says text in lang: the recording of (kind, id) first, when kind is given. */
static void say(app *a, const char *lang, const char *text, const char *kind, const char *id)
{
    void *rec = NULL;
    size_t len = 0;
    if (kind && recorded(a, kind, id, lang, &rec, &len) == 0)
        speech_play(a->speech, lang, text, rec, len);
    else
        speech_say(a->speech, lang, text);
    free(rec);
}

/* With guidance on, the "Still there?" prompt is said when it appears: its
 * title and how long is left, in the reader's language. */
static void announce_idle_warning(app *a, int left)
{
    char line[256], words[512];
    if (!a->v.guidance || !a->speech)
        return;
    const char *lang = voice_lang(a);
    if (loc_plural(a->loc, lang, "idle.countdown", left, line, sizeof line, NULL) < 0)
        line[0] = 0;
    snprintf(words, sizeof words, "%s %s", loc_str(a->loc, lang, "idle.title"), line);
    say(a, lang, words, NULL, NULL);
    sodium_memzero(words, sizeof words);
}

/* The recorded item a screen's opening words are (NULL: none). */
static const char *recorded_kind(const screen_state *s, int scroll)
{
    switch (s->screen) {
    case SCR_TOPIC: return "topic";
    case SCR_ARTICLE: return scroll == 0 ? "article" : NULL;
    case SCR_SERVICE: return "service";
    default: return NULL;
    }
}

/* A screen's title: its first heading in the content, else the bar's. */
static void title_words(const ui_tree *t, char *out, size_t outlen)
{
    int bar = -1;
    for (int i = 0; i < ui_count(t); i++) {
        const ui_widget *w = ui_get(t, i);
        if (w->role == UI_HEADING && w->in_scroll) {
            ui_spoken(t, i, out, outlen, NULL);
            return;
        }
        if (w->role == UI_HEADING && bar < 0)
            bar = i;
    }
    ui_spoken(t, bar, out, outlen, NULL);
}

/* With guidance on, a screen that has just opened says what it is. */
static void announce(app *a)
{
    visit *v = &a->v;
    const screen_state *top = &v->hist[v->depth - 1];
    if (!v->guidance || !a->speech || top->screen == SCR_LANGUAGE ||
        (v->spoken_depth == v->depth && !memcmp(&v->spoken_at, top, sizeof *top)))
        return;
    v->spoken_depth = v->depth;
    v->spoken_at = *top;
    const screen_ops *ops = screens_ops(top->screen);
    char *words = malloc(SPEECH_TEXT_MAX);
    if (!words)
        return;
    if (ops && ops->speak_body)
        ui_spoken_from_scroll(a->tree, words, SPEECH_TEXT_MAX);
    else
        title_words(a->tree, words, SPEECH_TEXT_MAX);
    if (*words)
        say(a, voice_lang(a), words, recorded_kind(top, ui_scroll_y(a->tree)), top->id);
    sodium_memzero(words, SPEECH_TEXT_MAX);
    free(words);
}

/* A first tap with guidance on: says widget i and remembers it. */
static void speak_widget(app *a, int i)
{
    char words[SPOKEN_ITEM_MAX];
    const char *lang = NULL;
    const ui_widget *w = ui_get(a->tree, i);
    ui_spoken(a->tree, i, words, sizeof words, &lang);
    if (a->v.paused) {                  /* touching something means: say it now */
        a->v.paused = 0;
        speech_pause(a->speech, 0);
        a->dirty = a->keep_scroll = 1;
    }
    if (*words)
        say(a, lang ? lang : voice_lang(a), words, NULL, NULL);
    sodium_memzero(words, sizeof words);
    a->v.touched_depth = a->v.depth;
    a->v.touched_action = w->action;
    snprintf(a->v.touched_arg, sizeof a->v.touched_arg, "%s", w->arg ? w->arg : "");
}

/* 1 when w is the item the last first tap spoke (this tap acts). */
static int touched_before(const app *a, const ui_widget *w)
{
    return a->v.touched_depth == a->v.depth && a->v.touched_action == w->action &&
           !strcmp(a->v.touched_arg, w->arg ? w->arg : "");
}

/* After a tap: the engine follows the visit's guidance, pause and volume. */
static void follow_guidance(app *a, int hush)
{
    visit *v = &a->v;
    if (!a->speech)
        return;
    if (hush)
        speech_stop(a->speech);
    if (v->guidance != a->guided) {
        if (v->guidance)
            speech_enable(a->speech);
        say(a, voice_lang(a), loc_str(a->loc, voice_lang(a), v->guidance ? "speech.on" : "speech.off"), NULL, NULL);
        v->spoken_depth = v->depth;     /* the screen that was on is not announced again */
        v->spoken_at = v->hist[v->depth - 1];
        a->guided = v->guidance;
    }
    speech_pause(a->speech, v->guidance && v->paused);
    speech_volume(a->speech, v->volume);
}

void app_set_speech(app *a, speech *s)
{
    a->speech = s;
    a->console.speech = s;
    a->dirty = 1;
}

speech *app_speech(const app *a) { return a->speech; }

void app_set_guidance(app *a, int on, uint64_t ms)
{
    clock_at(a, ms);
    touch(a, ms);
    if (!a->v.guidance != !on) {
        a->v.guidance = !!on;
        a->dirty = 1;
        a->keep_scroll = 1;
        follow_guidance(a, 1);
    }
}

ui_tree *app_tree(app *a)
{
    if (a->dirty) {
        screen_env e = make_env(a);
        const screen_ops *ops = screens_ops(app_screen(a));
        /* the index is opened (and built if needed) only when someone searches */
        if (ops && ops->needs_index) {
            e.ix = search_ix(a);
            e.search_off = a->search_failed;
        }
        const screen_state *top = &a->v.hist[a->v.depth - 1];
        screens_build(a->tree, &e, top, a->w, a->h, a->keep_scroll);
        if (a->restore_scroll)
            ui_set_scroll_y(a->tree, top->scroll);
        a->restore_scroll = 0;
        a->dirty = 0;
        a->keep_scroll = 0;
        announce(a);
    }
    return a->tree;
}

/* ---- navigation ---- */

/* Counts a view for the usage report: the day, the content id, the
 * language — nothing finer, nothing about the person. */
static void count_view(app *a, const screen_state *s)
{
    const char *what = screens_usage_key(s);
    if (a->console.db && what && *a->v.lang)
        admin_usage_view(a->console.db, wall_s(a), what, a->v.lang);
}

static void push(app *a, int screen, const char *id, const char *kind, int counted)
{
    visit *v = &a->v;
    if (v->depth == VISIT_HISTORY_MAX) {    /* drop the oldest step after the language screen */
        memmove(&v->hist[1], &v->hist[2], (VISIT_HISTORY_MAX - 2) * sizeof v->hist[0]);
        v->depth--;
    }
    screen_state *s = &v->hist[v->depth++];
    memset(s, 0, sizeof *s);
    s->screen = screen;
    snprintf(s->id, sizeof s->id, "%s", id ? id : "");
    snprintf(s->kind, sizeof s->kind, "%s", kind ? kind : "");
    if (counted)
        count_view(a, s);
    a->dirty = 1;
    a->keep_scroll = 0;
}

/* Opens a screen over the one shown, remembering where it was scrolled. */
static void open_over(app *a, int screen, const char *id, const char *kind)
{
    a->v.hist[a->v.depth - 1].scroll = ui_scroll_y(a->tree);
    push(a, screen, id, kind, 1);
}

static void go_home(app *a)
{
    a->v.depth = 1;                     /* hist[0] is the language screen */
    push(a, SCR_HOME, NULL, NULL, 1);
}

static void go_back(app *a)
{
    if (a->v.depth > 1) {
        a->v.depth--;
        a->dirty = 1;
        a->keep_scroll = 0;
        a->restore_scroll = 1;
    }
    if (a->v.depth == 1)
        a->v.lang[0] = 0;
}

static void apply_op(app *a, const nav_request *r)
{
    switch (r->op) {
    case NAV_REDRAW:
        a->dirty = 1;
        a->keep_scroll = (r->flags & NAV_KEEP_SCROLL) != 0;
        break;
    case NAV_PUSH: open_over(a, r->screen, r->id, r->kind); break;
    case NAV_REPLACE:
        if (a->v.depth > 1)
            a->v.depth--;
        push(a, r->screen, r->id, r->kind, 0);
        break;
    case NAV_BACK: go_back(a); break;
    case NAV_HOME: go_home(a); break;
    case NAV_RESET: reset_visit(a); break;
    default: break;
    }
}

/* Applies what screen `from`'s act asked for. */
static void apply(app *a, const nav_request *r, int from)
{
    apply_op(a, r);
    if (r->flags & NAV_RETRY)
        deadline_set(a, DL_SCREEN_RETRY, a->now_ms + RETRY_MS, from);
    if (r->flags & NAV_RETRY_STOP)
        deadline_clear(a, DL_SCREEN_RETRY);
    if (r->flags & NAV_LANGS)
        apply_admin_langs(a);
    if ((r->flags & NAV_RELOAD) && a->reload)
        a->reload(a->reload_user);
}

static void perform(app *a, int action, const char *arg)
{
    screen_env e = make_env(a);
    int from = app_screen(a);
    nav_request r = screens_act(&a->v, &e, action, arg);
    apply(a, &r, from);
    follow_guidance(a, (r.flags & NAV_HUSH) != 0);
}

/* Counts a tap in the hidden corner; the last of `gesture_taps` taps
 * within the window opens the PIN pad.  Returns 1 when the tap belongs to
 * the gesture and must not act as a normal tap: from the second quick
 * corner tap on (the first one still works as Back, so a person pressing
 * Back in the corner is never ignored). */
static int corner_gesture(app *a, int x, int y, uint64_t ms)
{
    int zone = ui_dp(a->tree, CORNER_DP);
    if (x > zone || y > zone || a->gesture_taps <= 0) {
        a->ncorner = 0;
        return 0;
    }
    if (a->ncorner == CORNER_TAPS_MAX || (a->ncorner > 0 &&
                             ms - a->corner_taps[a->ncorner - 1] > (uint64_t)a->gesture_window_ms))
        a->ncorner = 0;
    a->corner_taps[a->ncorner++] = ms;
    if (a->ncorner < a->gesture_taps)
        return a->ncorner > 1;
    uint64_t first = a->corner_taps[a->ncorner - a->gesture_taps];
    if (ms - first > (uint64_t)a->gesture_window_ms)
        return 1;
    a->ncorner = 0;
    if (app_screen(a) != SCR_ADMIN && app_screen(a) != SCR_ADMIN_PIN) {
        screen_env e = make_env(a);
        nav_request r = screens_console_open(&a->v, &e);
        apply(a, &r, app_screen(a));
    }
    return 1;
}

void app_activate(app *a, int i, uint64_t ms)
{
    clock_at(a, ms);
    const ui_widget *w = ui_get(app_tree(a), i);
    touch(a, ms);
    if (!w || !w->action)
        return;
    if (a->v.guidance && a->speech && !screens_one_tap(w->action) && !touched_before(a, w)) {
        speak_widget(a, i);
        return;
    }
    a->v.touched_depth = 0;
    perform(a, w->action, w->arg ? w->arg : "");
}

void app_press(app *a, int x, int y, uint64_t ms)
{
    clock_at(a, ms);
    a->swallow = a->v.idle_left_s > 0;  /* this tap only keeps the visit */
    touch(a, ms);
    if (a->swallow)
        return;
    if (corner_gesture(a, x, y, ms))
        return;
    ui_press(app_tree(a), x, y, ms);
    a->animating = 1;                   /* pressed feedback needs a frame */
}

void app_move(app *a, int x, int y, uint64_t ms)
{
    touch(a, ms);
    if (a->swallow)
        return;
    ui_move(app_tree(a), x, y, ms);
    a->animating = 1;
}

void app_release(app *a, int x, int y, uint64_t ms)
{
    clock_at(a, ms);
    touch(a, ms);
    if (a->swallow) {
        a->swallow = 0;
        return;
    }
    int i = ui_release(app_tree(a), x, y, ms);
    a->animating = 1;
    if (i >= 0)
        app_activate(a, i, ms);
}

void app_wheel(app *a, int dy_px, uint64_t ms)
{
    touch(a, ms);
    ui_wheel(app_tree(a), dy_px);
    a->animating = 1;
}

void app_back(app *a, uint64_t ms)
{
    touch(a, ms);
    go_back(a);
}

void app_text(app *a, const char *utf8, uint64_t ms)
{
    touch(a, ms);
    if (app_screen(a) != SCR_SEARCH)
        open_over(a, SCR_SEARCH, NULL, NULL);
    /* bounded: what does not fit whole is refused; invalid UTF-8 too */
    if (kbd_edit_insert(&a->v.query, utf8) == 0) {
        a->dirty = 1;
        a->keep_scroll = 0;
    }
}

void app_backspace(app *a, uint64_t ms)
{
    touch(a, ms);
    if (app_screen(a) == SCR_SEARCH && kbd_edit_backspace(&a->v.query) > 0)
        a->dirty = 1;
}

void app_set_admin(app *a, const app_admin_env *env)
{
    int n = 0;
    snprintf(a->data_dir, sizeof a->data_dir, "%s", env->data_dir ? env->data_dir : "");
    snprintf(a->font_dir, sizeof a->font_dir, "%s", env->font_dir ? env->font_dir : "");
    for (int i = 0; i < env->nusb_roots && i < CFG_MAX_USB_ROOTS; i++)
        snprintf(a->usb_roots[n++], CFG_PATH_MAX, "%s", env->usb_roots[i]);
    a->console = (console_env){ .db = env->db, .in = env->in, .data_dir = env->data_dir ? a->data_dir : NULL,
                                .font_dir = a->font_dir, .usb_roots = (const char (*)[CFG_PATH_MAX])a->usb_roots,
                                .nusb_roots = n, .sync = a->console.sync, .speech = a->console.speech };
    a->gesture_taps = env->gesture_taps;
    a->gesture_window_ms = env->gesture_window_ms;
    a->reload = env->reload;
    a->reload_user = env->reload_user;
    apply_admin_langs(a);
    refresh_floor(a);
}

void app_set_locales(app *a, loc_set *loc)
{
    a->loc = loc;
    app_offer_languages(a, a->cfg);
    apply_admin_langs(a);
    if (a->v.console.nlangs)
        screens_console_langs(&a->v, a->offered, a->noffered);
    a->dirty = 1;
    a->keep_scroll = 1;
}

void app_set_sync(app *a, struct sync_ctx *s)
{
    a->console.sync = s;
}

void app_set_city(app *a, const char *city)
{
    snprintf(a->city, sizeof a->city, "%s", city ? city : "");
}

/* Runs deadline k, which is due. */
static void deadline_fire(app *a, int k)
{
    deadline d = a->deadlines[k];
    deadline_clear(a, k);
    if (k == DL_IDLE_RESET && !visit_at_rest(a)) {
        reset_visit(a);
    } else if (k == DL_IDLE_WARN && !visit_at_rest(a)) {
        idle_warn(a);
    } else if (k == DL_SCREEN_RETRY) {
        const screen_ops *ops = screens_ops(d.screen);
        screen_env e = make_env(a);
        nav_request r = ops && ops->act ? ops->act(&a->v, &e, ACT_DEADLINE, "") : nav(NAV_NONE);
        apply(a, &r, d.screen);
    }
}

int app_tick(app *a, uint64_t ms)
{
    clock_at(a, ms);
    if (!a->ticked)
        touch(a, ms);                   /* the idle count starts with the first tick */
    a->ticked = 1;
    for (int k = deadline_next(a); k >= 0 && a->deadlines[k].due <= ms; k = deadline_next(a))
        deadline_fire(a, k);
    int redraw = a->dirty || a->animating;
    a->animating = ui_animate(app_tree(a), ms);
    return redraw || a->animating;
}

int app_animating(const app *a) { return a->animating; }

int app_take_visit_end(app *a)
{
    int ended = a->visit_ended;
    a->visit_ended = 0;
    return ended;
}

long app_wait_ms(const app *a, uint64_t ms)
{
    int k = deadline_next(a);
    if (k < 0)
        return -1;                      /* nothing pending: sleep until input */
    uint64_t due = a->deadlines[k].due;
    return due > ms ? (long)(due - ms) : 0;
}

void app_usb(app *a, const app_usb_msg *m, uint64_t ms)
{
    screen_usb *u = &a->usb;
    switch (m->kind) {
    case USB_STICK_FOUND:
        memset(u, 0, sizeof *u);
        u->count = m->count;
        touch(a, ms);                   /* someone is at the kiosk */
        if (app_screen(a) != SCR_USB)
            open_over(a, SCR_USB, NULL, NULL);
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
    a->st = st;
    refresh_floor(a);
    img_forget(a->img);                 /* the pictures came from the old store */
    /* the index is rebuilt off the UI thread (app_set_search_wait's owner)
     * and reopened on the next search */
    drop_index(a);
    a->search_failed = 0;
    a->dirty = 1;
    a->keep_scroll = 1;
}

int app_screen(const app *a) { return a->v.hist[a->v.depth - 1].screen; }
const char *app_lang(const app *a) { return a->v.lang; }
const visit *app_visit(const app *a) { return &a->v; }

void app_set_images(app *a, img_ctx *img)
{
    a->img = img;
    a->dirty = 1;
}

img_ctx *app_images(const app *a) { return a->img; }
