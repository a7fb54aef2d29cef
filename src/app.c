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
#include "kbd.h"
#include "pin.h"
#include "usb.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    kbd_edit query;
    char kbd[16];
    char country[4];
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
    screen_admin admin;
    char pin[PIN_MAX_LEN + 1];
    state *db;
    installer *in;
    char font_dir[CFG_PATH_MAX * 2];
    char usb_roots[CFG_MAX_USB_ROOTS][CFG_PATH_MAX];
    int nusb_roots;
    int gesture_taps, gesture_window_ms;
    uint64_t corner_taps[16];
    int ncorner;
    app_reload_fn reload;
    void *reload_user;
    const cfg *cfg;
    void (*before_search)(void *user);
    void *before_search_user;
    long wall_start;                    /* time(NULL) when the app started */
    uint64_t ms_start, now_ms;          /* the caller's clock then and now */
};

/* Wall-clock seconds that follow the app's own clock: real time in the
 * window loop, virtual time under a script (PIN delays, usage days). */
static long wall_s(const app *a)
{
    return a->wall_start + (long)((a->now_ms - a->ms_start) / 1000);
}

/* Follows the caller's clock (the first time seen is the start). */
static void clock_at(app *a, uint64_t ms)
{
    if (a->ms_start == UINT64_MAX)
        a->ms_start = ms;
    a->now_ms = ms;
}

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
    int n = a->db ? admin_languages_get(a->db, langs, FARO_MAX_LANGS) : 0;
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

static void reset_visit(app *a)
{
    memset(a->pin, 0, sizeof a->pin);
    a->admin.pin_len = 0;
    a->admin.msg_key = NULL;
    a->admin.confirm[0] = 0;
    a->admin.checked = 0;
    a->admin.tab = 0;
    kbd_edit_init(&a->query, SEARCH_MAX_QUERY);
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
    a->wall_start = (long)time(NULL);
    a->cfg = c;
    a->ms_start = a->now_ms = UINT64_MAX;
    a->stale_days = c->stale_days;
    app_offer_languages(a, c);
    reset_visit(a);
    return a;
}

static void drop_index(app *a);

void app_free(app *a)
{
    if (!a)
        return;
    drop_index(a);
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

static long today_days(const app *a)
{
    return wall_s(a) / 86400;
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

ui_tree *app_tree(app *a)
{
    if (a->dirty) {
        /* the index is opened (and built if needed) only when someone searches */
        int searching = app_screen(a) == SCR_SEARCH;
        screen_env e = { .st = a->st, .loc = a->loc, .txt = a->txt, .lang = a->lang,
                         .offered = a->offered, .noffered = a->noffered,
                         .stale_days = a->stale_days, .today = today_days(a),
                         .ix = searching ? search_ix(a) : NULL, .query = a->query.buf, .kbd = a->kbd,
                         .country = a->country, .city = a->city, .usb = &a->usb,
                         .admin = &a->admin, .search_off = a->search_failed };
        a->admin.now_s = wall_s(a);
        /* the console speaks the language it was opened in, or the kiosk's first */
        if (!*a->lang && (app_screen(a) == SCR_ADMIN || app_screen(a) == SCR_ADMIN_PIN) && a->noffered > 0)
            e.lang = a->offered[0];
        /* the USB screen speaks the reader's language, or the kiosk's first one */
        if (!*a->lang && app_screen(a) == SCR_USB && a->noffered > 0)
            e.lang = a->offered[0];
        screens_build(a->tree, &e, &a->hist[a->depth - 1], a->w, a->h, a->keep_scroll);
        a->dirty = 0;
        a->keep_scroll = 0;
    }
    return a->tree;
}

/* Counts a view for the usage report: the day, the content id, the
 * language — nothing finer, nothing about the person. */
static void count_view(app *a, int screen, const char *id)
{
    const char *what = screen == SCR_TOPIC || screen == SCR_ARTICLE ? id
                     : screen == SCR_DIRECTORY ? "directory" : screen == SCR_SERVICE ? "service"
                     : screen == SCR_SEARCH ? "search" : NULL;
    if (a->db && what && *what && *a->lang)
        admin_usage_view(a->db, wall_s(a), what, a->lang);
}

static void push(app *a, int screen, const char *id, const char *kind)
{
    count_view(a, screen, id);
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

/* ---- the administrator's console ---- */


static void admin_say(app *a, const char *key, long count, const char *arg)
{
    a->admin.msg_key = key;
    a->admin.msg_count = count;
    snprintf(a->admin.msg_arg, sizeof a->admin.msg_arg, "%s", arg ? arg : "");
}

/* The languages shown, from the console's setting or else the offered list. */
static void admin_load_langs(app *a)
{
    a->admin.nlangs = 0;
    for (int i = 0; i < a->noffered && i < FARO_MAX_LANGS; i++)
        snprintf(a->admin.langs[a->admin.nlangs++], FARO_MAX_LANG_LEN + 1, "%s", a->offered[i]);
}

static void admin_save_langs(app *a)
{
    const char *list[FARO_MAX_LANGS];
    for (int i = 0; i < a->admin.nlangs; i++)
        list[i] = a->admin.langs[i];
    if (a->db && admin_languages_set(a->db, list, a->admin.nlangs) == 0)
        admin_say(a, "admin.saved", -1, NULL);
    apply_admin_langs(a);
}

static void admin_pin_ok(app *a)
{
    long wait = 0;
    int rc = pin_check(a->db, a->pin, wall_s(a), &wait);
    memset(a->pin, 0, sizeof a->pin);
    a->admin.pin_len = 0;
    if (rc == 0) {
        log_msg("admin: console opened");
        admin_say(a, NULL, -1, NULL);
        admin_load_langs(a);
        a->depth--;                     /* the PIN pad is not kept in the history */
        push(a, SCR_ADMIN, NULL, NULL);
    } else if (rc == FARO_ENOTFOUND) {
        admin_say(a, "admin.pin.not_set", -1, NULL);
    } else if (rc == FARO_EAUTH || rc == FARO_EAGAIN) {
        if (rc == FARO_EAUTH)
            log_msg("admin: wrong PIN");
        if (rc == FARO_EAUTH && wait <= 2)
            admin_say(a, "admin.pin.wrong", -1, NULL);      /* a slip: no talk of waiting yet */
        else if (wait >= 120)
            admin_say(a, "admin.pin.wait_minutes", (wait + 59) / 60, NULL);
        else
            admin_say(a, "admin.pin.wait", wait > 0 ? wait : 1, NULL);
    }
}

static int lang_index(const app *a, const char *code)
{
    for (int i = 0; i < a->admin.nlangs; i++)
        if (!strcmp(a->admin.langs[i], code))
            return i;
    return -1;
}

static void admin_lang(app *a, int action, const char *code)
{
    screen_admin *ad = &a->admin;
    int i = lang_index(a, code);
    if (action == ACT_ADMIN_LANG_TOGGLE && i >= 0) {
        if (ad->nlangs == 1) {
            admin_say(a, "admin.lang.need_one", -1, NULL);
            return;
        }
        memmove(ad->langs[i], ad->langs[i + 1], (size_t)(ad->nlangs - i - 1) * sizeof ad->langs[0]);
        ad->nlangs--;
    } else if (action == ACT_ADMIN_LANG_TOGGLE && ad->nlangs < FARO_MAX_LANGS) {
        snprintf(ad->langs[ad->nlangs++], sizeof ad->langs[0], "%s", code);
    } else if (i >= 0) {
        int j = action == ACT_ADMIN_LANG_UP ? i - 1 : i + 1;
        if (j < 0 || j >= ad->nlangs)
            return;
        char tmp[FARO_MAX_LANG_LEN + 1];
        memcpy(tmp, ad->langs[i], sizeof tmp);
        memcpy(ad->langs[i], ad->langs[j], sizeof tmp);
        memcpy(ad->langs[j], tmp, sizeof tmp);
    }
    admin_save_langs(a);
}

/* The first writable stick folder under the USB roots, or NULL. */
static const char *find_stick(app *a, char *out, size_t size)
{
    static const char *const defaults[] = { "/media", "/run/media" };
    for (int r = 0; r < (a->nusb_roots ? a->nusb_roots : 2); r++) {
        const char *root = a->nusb_roots ? a->usb_roots[r] : defaults[r];
        DIR *d = opendir(root);
        for (struct dirent *e; d && (e = readdir(d));) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(out, size, "%s/%s", root, e->d_name);
            struct stat st;
            if (lstat(out, &st) == 0 && S_ISDIR(st.st_mode) && access(out, W_OK) == 0) {
                closedir(d);
                return out;
            }
        }
        if (d)
            closedir(d);
    }
    return NULL;
}

static void admin_export(app *a)
{
    char dir[CFG_PATH_MAX + 256], name[256], err[FARO_MAX_ERRLEN];
    if (!find_stick(a, dir, sizeof dir)) {
        admin_say(a, "admin.usage.no_stick", -1, NULL);
        return;
    }
    int n = admin_usage_export(a->db, dir, wall_s(a), name, sizeof name, err, sizeof err);
    if (n < 0) {
        log_msg("admin: usage export: %s", err);
        admin_say(a, "admin.usage.failed", -1, NULL);
    } else {
        log_msg("admin: usage counts exported (%d rows)", n);
        admin_say(a, "admin.usage.exported", -1, name);
    }
}

static void admin_remove(app *a, const char *id)
{
    char err[FARO_MAX_ERRLEN];
    a->admin.confirm[0] = 0;
    if (!a->in || install_remove(a->in, id, err, sizeof err) != 0) {
        log_msg("admin: remove %s: %s", id, a->in ? err : "no installer");
        admin_say(a, "admin.packs.remove_failed", -1, id);
        return;
    }
    log_msg("admin: pack %s removed", id);
    admin_say(a, "admin.packs.removed", -1, id);
    if (a->reload)
        a->reload(a->reload_user);
}

static void admin_action(app *a, int action, const char *arg)
{
    screen_admin *ad = &a->admin;
    a->dirty = 1;
    a->keep_scroll = action != ACT_ADMIN_TAB;
    switch (action) {
    case ACT_PIN_DIGIT:
        if (ad->pin_len < PIN_MAX_LEN) {
            a->pin[ad->pin_len++] = arg[0];
            a->pin[ad->pin_len] = 0;
        }
        break;
    case ACT_PIN_DEL:
        if (ad->pin_len > 0)
            a->pin[--ad->pin_len] = 0;
        break;
    case ACT_PIN_OK: admin_pin_ok(a); break;
    case ACT_ADMIN_TAB:
        ad->tab = atoi(arg) % TAB_COUNT;
        admin_say(a, NULL, -1, NULL);
        break;
    case ACT_ADMIN_REMOVE: snprintf(ad->confirm, sizeof ad->confirm, "%s", arg); break;
    case ACT_ADMIN_CANCEL: ad->confirm[0] = 0; break;
    case ACT_ADMIN_CONFIRM: admin_remove(a, arg); break;
    case ACT_ADMIN_LANG_TOGGLE: case ACT_ADMIN_LANG_UP: case ACT_ADMIN_LANG_DOWN:
        admin_lang(a, action, arg);
        break;
    case ACT_ADMIN_EXPORT: admin_export(a); break;
    case ACT_ADMIN_CHECK: {
        admin_env env = { .data_dir = ad->data_dir, .font_dir = a->font_dir, .st = a->db,
                          .now_s = wall_s(a) };
        ad->failed = admin_selfcheck(&env, ad->checks);
        ad->checked = 1;
        log_msg("admin: self-check, %d problem(s)", ad->failed);
        break;
    }
    case ACT_ADMIN_CLOSE:
        log_msg("admin: console closed");
        reset_visit(a);
        break;
    default: break;
    }
}

/* Counts a tap in the hidden corner; the last of `gesture_taps` taps
 * within the window opens the PIN pad.  Returns 1 when the tap belongs to
 * the gesture and must not act as a normal tap: from the second quick
 * corner tap on (the first one still works as Back, so a person pressing
 * Back in the corner is never ignored). */
static int corner_gesture(app *a, int x, int y, uint64_t ms)
{
    int zone = ui_dp(a->tree, 56);
    if (x > zone || y > zone || a->gesture_taps <= 0) {
        a->ncorner = 0;
        return 0;
    }
    if (a->ncorner == 16 || (a->ncorner > 0 &&
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
        memset(a->pin, 0, sizeof a->pin);
        a->admin.pin_len = 0;
        admin_say(a, pin_is_set(a->db) ? NULL : "admin.pin.not_set", -1, NULL);
        push(a, SCR_ADMIN_PIN, NULL, NULL);
    }
    return 1;
}

/* Appends typed text to the query (bounded: what does not fit whole is
 * refused; invalid UTF-8 from a keyboard is refused too). */
static void type_text(app *a, const char *utf8)
{
    if (kbd_edit_insert(&a->query, utf8) == 0) {
        a->dirty = 1;
        a->keep_scroll = 0;
    }
}

/* Removes the last grapheme cluster (a letter with its accents). */
static void backspace(app *a)
{
    if (kbd_edit_backspace(&a->query) > 0)
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
        kbd_edit_clear(&a->query);
        a->dirty = 1;
        break;
    case ACT_KBD:
        snprintf(a->kbd, sizeof a->kbd, "%s", arg);
        a->dirty = 1;
        a->keep_scroll = 1;
        break;
    case ACT_COUNTRY_PICK: push(a, SCR_COUNTRY, NULL, NULL); break;
    case ACT_PIN_DIGIT: case ACT_PIN_DEL: case ACT_PIN_OK:
    case ACT_ADMIN_TAB: case ACT_ADMIN_REMOVE: case ACT_ADMIN_CONFIRM: case ACT_ADMIN_CANCEL:
    case ACT_ADMIN_LANG_TOGGLE: case ACT_ADMIN_LANG_UP: case ACT_ADMIN_LANG_DOWN:
    case ACT_ADMIN_EXPORT: case ACT_ADMIN_CHECK: case ACT_ADMIN_CLOSE:
        admin_action(a, action, arg);
        break;
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
    clock_at(a, ms);
    const ui_widget *w = ui_get(app_tree(a), i);
    a->last_input = ms;
    if (w && w->action)
        perform(a, w->action, w->arg ? w->arg : "");
}

void app_press(app *a, int x, int y, uint64_t ms)
{
    clock_at(a, ms);
    a->last_input = ms;
    if (corner_gesture(a, x, y, ms))
        return;
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
    clock_at(a, ms);
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

void app_set_admin(app *a, const app_admin_env *env)
{
    a->db = env->db;
    a->in = env->in;
    a->admin.db = env->db;
    a->admin.data_dir = env->data_dir;
    snprintf(a->font_dir, sizeof a->font_dir, "%s", env->font_dir ? env->font_dir : "");
    a->nusb_roots = 0;
    for (int i = 0; i < env->nusb_roots && i < CFG_MAX_USB_ROOTS; i++)
        snprintf(a->usb_roots[a->nusb_roots++], CFG_PATH_MAX, "%s", env->usb_roots[i]);
    a->gesture_taps = env->gesture_taps;
    a->gesture_window_ms = env->gesture_window_ms;
    a->reload = env->reload;
    a->reload_user = env->reload_user;
    apply_admin_langs(a);
}

void app_set_locales(app *a, loc_set *loc)
{
    a->loc = loc;
    app_offer_languages(a, a->cfg);
    apply_admin_langs(a);
    if (a->admin.nlangs)
        admin_load_langs(a);
    a->dirty = 1;
    a->keep_scroll = 1;
}

void app_set_sync(app *a, struct sync_ctx *s)
{
    a->admin.sync = s;
}

void app_set_city(app *a, const char *city)
{
    snprintf(a->city, sizeof a->city, "%s", city ? city : "");
}


int app_tick(app *a, uint64_t ms)
{
    clock_at(a, ms);
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
    (void)err;
    /* the index is rebuilt off the UI thread (app_set_search_wait's owner)
     * and reopened on the next search */
    drop_index(a);
    a->search_failed = 0;
    a->dirty = 1;
    a->keep_scroll = 1;
}

int app_screen(const app *a) { return a->hist[a->depth - 1].screen; }
const char *app_lang(const app *a) { return a->lang; }
