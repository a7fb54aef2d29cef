/*
 * main.c — the kiosk program `faro`.
 *
 *   faro [--config FILE] [--fullscreen] [--lang CODE]
 *   faro --headless [--script FILE] [--screenshot OUT.png] [--size WxH]
 *   faro --first-frame-ns      print CLOCK_REALTIME at the first presented frame, then exit
 *
 * Start-up gathers what the kiosk needs and carries on with whatever it
 * can get: the embedded default pack (always there), installed packs, the
 * locales (both through the shelf, shelf.h), the fonts, the
 * configuration.  Each failure is logged and the kiosk starts anyway.  The
 * window loop sleeps until input arrives or the app's next deadline (in
 * SDL_WaitEventTimeout where SDL really sleeps, in a waker where it only
 * polls: waker.h), and draws only when the app says something changed.  Headless runs draw with a software renderer
 * on a plain surface, with no video driver at all, on a virtual clock.
 *
 * Threads (POSIX threads throughout; kiosk_wake wakes the window loop with
 * an SDL event and the waker's eventfd): the UI thread owns the app; the USB watcher, the mirror
 * worker and the shelf's thread hand their results over through k->lock
 * or through the shelf, and wake the loop; so does the picture thread
 * (image.h), through its own lock.
 */
#include "app.h"
#include "cfg.h"
#include "faro.h"
#include "gfx.h"
#include "image.h"
#include "install.h"
#include "privacy.h"
#include "shelf.h"
#include "speech.h"
#include "sync.h"
#include "state.h"
#include "usb.h"
#include "waker.h"
#include "loc.h"
#include "log.h"
#include "notify.h"
#include "script.h"
#include "store.h"
#include "txt.h"

#include <SDL2/SDL.h>
#include <sodium.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

extern const unsigned char faro_default_pack[];
extern const unsigned char faro_default_pack_end[];

typedef struct options {
    const char *config, *script, *screenshot, *lang;
    int headless, fullscreen, desktop, first_frame, w, h;
} options;

#define USB_QUEUE 256

typedef struct kiosk {
    cfg c;
    char data[CFG_PATH_MAX];
    shelf *sh;                          /* installed packs -> store, strings, index */
    int headless;                       /* reloads are waited for (scripts read the result) */
    txt_ctx *txt;
    img_ctx *img;                       /* article pictures, decoded on their own thread */
    app *a;
    speech *voice;                      /* audio guidance; its device opens on first use */
    state *db;
    installer *in;
    usb_watch *usb;
    /* lock: the USB watcher and the mirror worker write queue[] and
     * sync_installed on their threads; the UI thread takes them. */
    pthread_mutex_t lock;
    app_usb_msg queue[USB_QUEUE];
    int qhead, qlen;
    int sync_installed;                 /* set by the sync thread: packs changed */
    Uint32 wake_event;
    waker *wk;                          /* the loop's sleep where SDL only polls (NULL: SDL's wait) */
    atomic_int stop;                    /* SIGTERM or SIGINT arrived: the window loop ends */
    char fonts[CFG_PATH_MAX * 2];       /* the font folder in use */
    char locales[CFG_PATH_MAX * 2];     /* the shipped locale files */
    sync_ctx *sync;
} kiosk;

static void usage(void)
{
    fprintf(stderr,
            "usage: faro [--config FILE] [--fullscreen] [--desktop] [--lang CODE] [--size WxH]\n"
            "       faro --headless [--script FILE] [--screenshot OUT.png]\n");
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--headless")) o->headless = 1;
        else if (!strcmp(a, "--fullscreen")) o->fullscreen = 1;
        else if (!strcmp(a, "--desktop")) o->desktop = 1;
        else if (!strcmp(a, "--first-frame-ns")) o->first_frame = 1;
        else if (!strcmp(a, "--config") && v) { o->config = v; i++; }
        else if (!strcmp(a, "--script") && v) { o->script = v; i++; }
        else if (!strcmp(a, "--screenshot") && v) { o->screenshot = v; i++; }
        else if (!strcmp(a, "--lang") && v) { o->lang = v; i++; }
        else if (!strcmp(a, "--size") && v && sscanf(v, "%dx%d", &o->w, &o->h) == 2) i++;
        else { usage(); return -1; }
    }
    if ((o->script || o->screenshot) && !o->headless) {   /* a window would run on forever */
        fprintf(stderr, "faro: --script and --screenshot work only with --headless\n");
        usage();
        return -1;
    }
    return 0;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Finds `rel` (e.g. "assets/fonts") beside the binary: the source tree
 * (<bin>/../rel) or an installation (<bin>/../share/faro/<last part>). */
static void find_dir(char *out, size_t size, const char *configured, const char *rel, const char *installed)
{
    char *base = SDL_GetBasePath();
    const char *candidates[3][2] = { { "", rel }, { "../", rel }, { "../share/faro/", installed } };
    snprintf(out, size, "%s", configured && *configured ? configured : rel);
    for (int i = 0; base && !(configured && *configured) && i < 3; i++) {
        char p[CFG_PATH_MAX * 2];
        snprintf(p, sizeof p, "%s%s%s", base, candidates[i][0], candidates[i][1]);
        if (is_dir(p)) {
            snprintf(out, size, "%s", p);
            break;
        }
    }
    SDL_free(base);
}

/* The data folder: configured, else $XDG_DATA_HOME/faro or ~/.local/share/faro. */
static void data_dir(const cfg *c, char *out, size_t size)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (*c->data_dir)
        snprintf(out, size, "%s", c->data_dir);
    else if (xdg && *xdg)
        snprintf(out, size, "%s/faro", xdg);
    else
        snprintf(out, size, "%s/.local/share/faro", home && *home ? home : "/var/lib");
}

/* Creates dir and its parents (0700: the kiosk's own data).  0 or -1. */
static int mkdir_p(const char *dir)
{
    char p[CFG_PATH_MAX];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0700);
            *s = '/';
        }
    return (mkdir(p, 0700) == 0 || is_dir(p)) ? 0 : -1;
}

/* Wakes the window loop from any thread: an SDL event for what it is, and
 * the waker's eventfd where the loop sleeps in poll(2) instead of SDL. */
static void kiosk_wake(kiosk *k)
{
    if (k->wake_event != (Uint32)-1) {
        SDL_Event wake = { .type = k->wake_event };
        SDL_PushEvent(&wake);
    }
    waker_wake(k->wk);
}

/* Called on the shelf's thread (a new generation is ready to take) and on
 * the picture thread (a picture was decoded): the loop must look again. */
static void on_thread_ready(void *user)
{
    kiosk_wake(user);
}

/* Called by shelf_swap on the UI thread: the app moves to the new
 * generation before the shelf frees the previous one. */
static void into_app(void *user, store *st, loc_set *loc)
{
    kiosk *k = user;
    app_set_store(k->a, st);
    app_set_locales(k->a, loc);
}

/* Takes a ready generation, if any (UI thread).  1 if it did. */
static int take_shelf(kiosk *k)
{
    return k->sh ? shelf_swap(k->sh, into_app, k) : 0;
}

/* The installed packs changed (an install or a removal): the shelf builds
 * the next generation on its thread; a headless run waits for it so that
 * a script sees the result at once. */
static void reload_packs(void *user)
{
    kiosk *k = user;
    shelf_reload(k->sh);
    if (k->headless) {
        shelf_wait(k->sh);
        take_shelf(k);
    }
}

/* With installed packs the shelf's thread opens the kept index (or builds
 * one aside) once the first screen is up; with the embedded default alone
 * it waits for the first search (a small index: no build, no memory peak,
 * on a kiosk that may never be searched). */
static void start_index(kiosk *k)
{
    if (store_pack_count(shelf_store(k->sh)) > 1)
        shelf_start(k->sh);
}

static search_index *shelf_source(void *user)
{
    kiosk *k = user;
    return shelf_index(k->sh);
}

/* The shelf over the data folder's packs, the shipped locales and the
 * embedded default.  NULL only when out of memory. */
static shelf *open_shelf(kiosk *k)
{
    char err[FARO_MAX_ERRLEN];
    shelf_opts o = { .data_dir = is_dir(k->data) ? k->data : NULL, .locales_dir = k->locales,
                     .default_pack = faro_default_pack,
                     .default_len = (size_t)(faro_default_pack_end - faro_default_pack),
                     .db = k->db, .on_ready = on_thread_ready, .user = k };
    shelf *sh = shelf_open(&o, err, sizeof err);
    if (!sh)
        log_msg("%s", err);
    return sh;
}

/* The state database and the installer; the kiosk runs without them (no
 * installs, no version memory) when the data folder is not writable. */
static void open_installer(kiosk *k)
{
    char path[CFG_PATH_MAX + 32], err[FARO_MAX_ERRLEN];
    if (mkdir_p(k->data) != 0) {
        log_msg("data folder %s cannot be created: no installs, no settings", k->data);
        return;
    }
    snprintf(path, sizeof path, "%s/state.db", k->data);
    k->db = state_open(path, err, sizeof err);
    if (!k->db)
        log_msg("state: %s", err);
    k->in = install_open(k->data, k->db, err, sizeof err);
    if (!k->in)
        log_msg("installer: %s", err);
}

/* Opens the text engine on the configured fonts, else the ones shipped
 * beside the binary, else Debian's Noto folder; logs each failure. */
static txt_ctx *open_fonts(kiosk *k)
{
    char dirs[3][CFG_PATH_MAX * 2], err[FARO_MAX_ERRLEN];
    snprintf(dirs[0], sizeof dirs[0], "%s", k->c.assets_dir);
    find_dir(dirs[1], sizeof dirs[1], NULL, "assets/fonts", "fonts");
    snprintf(dirs[2], sizeof dirs[2], "/usr/share/fonts/truetype/noto");
    for (int i = 0; i < 3; i++) {
        if (!*dirs[i])
            continue;
        txt_ctx *t = txt_new(dirs[i], (size_t)k->c.text_cache_mb << 20, err, sizeof err);
        if (t) {
            snprintf(k->fonts, sizeof k->fonts, "%.*s", (int)sizeof k->fonts - 1, dirs[i]);
            return t;
        }
        log_msg("fonts: %s", err);
    }
    log_msg("fonts: no usable font anywhere; cannot show text");
    return NULL;
}

/* The configuration: file over defaults, then the command line. */
static void kiosk_config(kiosk *k, const options *o)
{
    char err[FARO_MAX_ERRLEN];
    cfg_defaults(&k->c);
    if (o->config && cfg_load(&k->c, o->config, err, sizeof err) != 0)
        log_msg("starting with the defaults where the configuration is wrong");
    if (o->fullscreen)
        k->c.fullscreen = 1;
    if (o->desktop)
        k->c.desktop = 1;
    if (o->w > 0 && o->h > 0) {
        k->c.width = o->w;
        k->c.height = o->h;
    }
}

/* Everything but the window: state, packs, locales, fonts, the app, and
 * the first screen's tree.  It runs on a thread of its own while the main
 * thread opens the window (start-up is the longer of the two, not the sum). */
static int kiosk_open(kiosk *k)
{
    char locales[CFG_PATH_MAX * 2];
    data_dir(&k->c, k->data, sizeof k->data);
    open_installer(k);
    find_dir(locales, sizeof locales, k->c.locales_dir, "locales", "locales");
    snprintf(k->locales, sizeof k->locales, "%s", locales);
    if (!(k->sh = open_shelf(k)))
        return FARO_ENOMEM;
    k->txt = open_fonts(k);
    if (!k->txt)
        return FARO_EIO;
    k->a = app_new(&k->c, shelf_store(k->sh), shelf_locales(k->sh), k->txt);
    if (!k->a)
        return FARO_ENOMEM;
    k->img = img_new(k->txt, on_thread_ready, k);
    app_set_images(k->a, k->img);
    app_set_search_source(k->a, shelf_source, k);
    app_set_city(k->a, k->c.city);
    k->voice = speech_new(getenv("FARO_ESPEAK"));   /* NULL: espeak-ng from PATH */
    app_set_speech(k->a, k->voice);
    app_admin_env env = { .db = k->db, .in = k->in, .data_dir = k->data, .font_dir = k->fonts,
                          .usb_roots = k->c.usb_roots, .nusb_roots = k->c.nusb_roots,
                          .gesture_taps = k->c.admin_taps, .gesture_window_ms = k->c.admin_window_s * 1000,
                          .reload = reload_packs, .reload_user = k };
    app_set_admin(k->a, &env);
    app_tree(k->a);                     /* the first screen, laid out ahead of the window */
    return 0;
}

typedef struct opener { kiosk *k; int rc; } opener;

static void *kiosk_open_thread(void *arg)
{
    opener *op = arg;
    op->rc = kiosk_open(op->k);
    return NULL;
}

/* In the order that nothing is used after it is freed: the threads that
 * ask the shelf for reloads, the app that borrows the shelf's store, the
 * shelf (whose thread reads the state database), then the rest. */
static void kiosk_close(kiosk *k)
{
    sync_free(k->sync);
    usb_stop(k->usb);
    app_free(k->a);
    img_free(k->img);
    speech_free(k->voice);
    shelf_close(k->sh);
    install_close(k->in);
    state_close(k->db);
    txt_free(k->txt);
}

/* Starts on the home screen in `lang` (for benches and demos). */
static void open_lang(kiosk *k, const char *lang)
{
    ui_tree *t = app_tree(k->a);
    for (int i = 0; i < ui_count(t); i++) {
        const ui_widget *w = ui_get(t, i);
        if (w->action && w->arg && !strcmp(w->arg, lang)) {
            app_activate(k->a, i, 0);
            return;
        }
    }
    log_msg("language '%s' is not offered", lang);
}

/* ---- USB: the watcher thread's events reach the UI thread ---- */

/* Called on the watcher thread: copy the event, wake the UI loop. */
static void on_usb(void *user, const usb_event *ev)
{
    kiosk *k = user;
    app_usb_msg m = { .kind = ev->kind, .index = ev->index, .count = ev->count, .done = ev->done,
                      .total = ev->total, .installed = ev->installed, .refused = ev->refused };
    snprintf(m.pack, sizeof m.pack, "%s", ev->pack ? ev->pack : "");
    if (ev->result) {
        m.why = ev->result->why;
        m.version = ev->result->version;
        snprintf(m.id, sizeof m.id, "%s", ev->result->id);
        log_msg("usb: %s: %s", m.pack, ev->result->code ? ev->result->reason : "installed");
    }
    pthread_mutex_lock(&k->lock);       /* queue[] is shared with the UI thread */
    if (ev->kind == USB_PACK_PROGRESS && k->qlen > 0 &&
        k->queue[(k->qhead + k->qlen - 1) % USB_QUEUE].kind == USB_PACK_PROGRESS)
        k->queue[(k->qhead + k->qlen - 1) % USB_QUEUE] = m;      /* only the latest progress */
    else if (k->qlen < USB_QUEUE)
        k->queue[(k->qhead + k->qlen++) % USB_QUEUE] = m;
    pthread_mutex_unlock(&k->lock);
    kiosk_wake(k);
}

/* Takes the queued events on the UI thread.  Returns 1 when a stick
 * finished (a reload was asked for if anything was installed). */
static int drain_usb(kiosk *k, uint64_t now)
{
    int finished = 0;
    for (;;) {
        app_usb_msg m;
        pthread_mutex_lock(&k->lock);   /* queue[] is filled on the watcher thread */
        int have = k->qlen > 0;
        if (have) {
            m = k->queue[k->qhead];
            k->qhead = (k->qhead + 1) % USB_QUEUE;
            k->qlen--;
        }
        pthread_mutex_unlock(&k->lock);
        if (!have)
            return finished;
        if (m.kind == USB_STICK_DONE && m.installed > 0)
            reload_packs(k);
        app_usb(k->a, &m, now);
        finished |= m.kind == USB_STICK_DONE;
    }
}

/* Called on the sync thread after a pack was installed from a mirror. */
static void on_sync_installed(void *user, const install_result *res)
{
    kiosk *k = user;
    log_msg("sync: %s version %ld installed", res->id, res->version);
    shelf_reload(k->sh);
    pthread_mutex_lock(&k->lock);       /* sync_installed is taken on the UI thread */
    k->sync_installed = 1;
    pthread_mutex_unlock(&k->lock);
    kiosk_wake(k);
}

/* Starts the mirror worker when mirrors are configured. */
static void start_sync(kiosk *k)
{
    char err[FARO_MAX_ERRLEN];
    const char *mirrors[CFG_MAX_MIRRORS], *subs[CFG_MAX_SUBSCRIBE];
    if (k->c.nmirrors == 0 || !k->in)
        return;
    for (int i = 0; i < k->c.nmirrors; i++)
        mirrors[i] = k->c.mirrors[i];
    for (int i = 0; i < k->c.nsubscribe; i++)
        subs[i] = k->c.subscribe[i];
    sync_opts o = { .data_dir = k->data, .mirrors = mirrors, .nmirrors = k->c.nmirrors,
                    .subscribe = subs, .nsubscribe = k->c.nsubscribe, .poll_s = k->c.poll_s,
                    .ca_file = *k->c.ca_file ? k->c.ca_file : NULL,
                    .on_installed = on_sync_installed, .user = k };
    k->sync = sync_new(&o, k->in, k->db, err, sizeof err);
    if (!k->sync || sync_start(k->sync) != 0)
        log_msg("sync: %s", k->sync ? "cannot start the worker" : err);
    app_set_sync(k->a, k->sync);
}

/* Takes a pending "packs changed" from the sync thread (the shelf was
 * already asked to reload).  1 if there was one. */
static int take_sync(kiosk *k)
{
    pthread_mutex_lock(&k->lock);       /* written on the sync thread */
    int changed = k->sync_installed;
    k->sync_installed = 0;
    pthread_mutex_unlock(&k->lock);
    if (changed && k->headless) {
        shelf_wait(k->sh);
        take_shelf(k);
    }
    return changed;
}

static void start_usb(kiosk *k)
{
    char err[FARO_MAX_ERRLEN];
    const char *roots[CFG_MAX_USB_ROOTS + 1];
    for (int i = 0; i < k->c.nusb_roots; i++)
        roots[i] = k->c.usb_roots[i];
    roots[k->c.nusb_roots] = NULL;
    if (!k->in)
        return;
    k->usb = usb_start(k->in, k->c.nusb_roots ? roots : NULL, on_usb, k, err, sizeof err);
    if (!k->usb)
        log_msg("usb: %s", err);
}

/* ---- headless ---- */

static SDL_Surface *headless_surface;

static int headless_resize(script_host *h, int w, int hgt)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, hgt, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    if (!r) {
        SDL_FreeSurface(s);
        return FARO_ENOMEM;
    }
    txt_drop_textures(h->txt);
    img_drop_textures(app_images(h->a));
    gfx_forget();
    if (h->r)
        SDL_DestroyRenderer(h->r);
    SDL_FreeSurface(headless_surface);
    headless_surface = s;
    h->r = r;
    h->w = w;
    h->h = hgt;
    app_resize(h->a, w, hgt);
    return 0;
}

static kiosk *script_kiosk;

/* Waits (real time, up to ms) until a USB stick has been handled. */
static int headless_usb_wait(script_host *h, long ms)
{
    for (long waited = 0; waited <= ms; waited += 10) {
        if (drain_usb(script_kiosk, h->now))
            return 0;
        SDL_Delay(10);
    }
    return -1;
}

/* Waits (real time, up to ms) until the mirror worker installed something. */
static int headless_sync_wait(script_host *h, long ms)
{
    if (script_kiosk->sync)
        sync_wake(script_kiosk->sync);
    for (long waited = 0; waited <= ms; waited += 10) {
        if (take_sync(script_kiosk))
            return 0;
        SDL_Delay(10);
    }
    return -1;
}

static int run_headless(kiosk *k, const options *o)
{
    char err[FARO_MAX_ERRLEN];
    script_host h = { .a = k->a, .txt = k->txt, .resize = headless_resize, .now = 1,
                      .usb_wait = headless_usb_wait, .sync_wait = headless_sync_wait };
    script_kiosk = k;
    int rc = 0;
    if (headless_resize(&h, k->c.width, k->c.height) != 0) {
        log_msg("headless: cannot make a %dx%d surface", k->c.width, k->c.height);
        return 1;
    }
    if (o->lang)
        open_lang(k, o->lang);
    if (o->script && script_run(o->script, &h, err, sizeof err) != 0)
        rc = 1;
    if (o->screenshot) {
        app_tree(k->a);
        img_wait(k->img, 5000);         /* the pictures on screen, decoded */
        if (gfx_draw_img(h.r, k->txt, k->img, app_tree(k->a)) != 0 ||
            gfx_save_png(h.r, h.w, h.h, o->screenshot, err, sizeof err) != 0) {
            log_msg("%s", err);
            rc = 1;
        }
    }
    txt_drop_textures(k->txt);
    img_drop_textures(k->img);
    gfx_forget();
    SDL_DestroyRenderer(h.r);
    SDL_FreeSurface(headless_surface);
    return rc;
}

/* ---- window ---- */

static void handle_event(kiosk *k, const SDL_Event *ev, int *quit, int *redraw)
{
    uint64_t now = SDL_GetTicks64();
    switch (ev->type) {
    case SDL_QUIT:                      /* window closed: only a desktop window may quit */
        if (k->c.desktop)
            *quit = 1;
        else
            log_msg("lockdown: ignoring a request to close the kiosk");
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT)
            app_press(k->a, ev->button.x, ev->button.y, now);
        break;
    case SDL_MOUSEMOTION:
        if (ev->motion.state & SDL_BUTTON_LMASK)
            app_move(k->a, ev->motion.x, ev->motion.y, now);
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.button == SDL_BUTTON_LEFT)
            app_release(k->a, ev->button.x, ev->button.y, now);
        break;
    case SDL_MOUSEWHEEL:
        app_wheel(k->a, -ev->wheel.y * 60, now);
        break;
    case SDL_KEYDOWN:
        if (ev->key.keysym.sym == SDLK_ESCAPE || ev->key.keysym.sym == SDLK_AC_BACK)
            app_back(k->a, now);
        else if (ev->key.keysym.sym == SDLK_BACKSPACE)
            app_backspace(k->a, now);
        break;
    case SDL_TEXTINPUT:
        app_text(k->a, ev->text.text, now);
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            app_resize(k->a, ev->window.data1, ev->window.data2);
        *redraw = 1;
        break;
    default:
        if (ev->type == k->wake_event) {
            drain_usb(k, now);
            take_sync(k);
            take_shelf(k);
            if (img_take_news(k->img))
                *redraw = 1;
        }
        break;
    }
}

/* systemd's watchdog, fed from the frame loop: a loop that hangs stops
 * feeding it and systemd restarts the kiosk (WatchdogSec in the unit). */
typedef struct watchdog { long every_ms; uint64_t last; } watchdog;

/* Pings when due; returns the wait shortened so the next ping is on time. */
static long feed_watchdog(watchdog *wd, uint64_t now, long wait)
{
    if (wd->every_ms <= 0)
        return wait;
    if (now - wd->last >= (uint64_t)wd->every_ms) {
        notify_send("WATCHDOG=1");
        wd->last = now;
    }
    long next = (long)(wd->last + (uint64_t)wd->every_ms - now);
    return wait < 0 || wait > next ? next : wait;
}

/* The next event, waiting at most wait ms (-1: until one comes).  Where
 * SDL's own wait sleeps it is used; elsewhere (KMSDRM, offscreen) the loop
 * sleeps in the waker and then asks SDL.  Nothing is lost between the two:
 * input and wake-ups leave the waker's descriptors readable (waker.c). */
static int wait_event(kiosk *k, SDL_Event *ev, long wait)
{
    if (!k->wk)
        return wait < 0 ? SDL_WaitEvent(ev) : SDL_WaitEventTimeout(ev, (int)(wait > 0 ? wait : 1));
    if (SDL_PollEvent(ev))
        return 1;
    if (waker_wait(k->wk, wait) < 0)
        SDL_Delay(wait >= 0 && wait < 100 ? (Uint32)wait : 100);   /* poll failed: do not spin */
    return SDL_PollEvent(ev);
}

static void print_first_frame(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    fflush(stdout);
}

static int run_window(kiosk *k, const options *o)
{
    Uint32 flags = SDL_WINDOW_RESIZABLE | (k->c.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    opener op = { k, 0 };
    pthread_t th;
    int threaded = pthread_create(&th, NULL, kiosk_open_thread, &op) == 0;
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    int video = SDL_InitSubSystem(SDL_INIT_VIDEO);
    SDL_Window *win = video == 0 ? SDL_CreateWindow("Faro", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                                    k->c.width, k->c.height, flags) : NULL;
    char err[FARO_MAX_ERRLEN] = "";
    SDL_Renderer *r = win ? gfx_window_renderer(win, err, sizeof err) : NULL;
    if (threaded)
        pthread_join(th, NULL);
    else
        op.rc = kiosk_open(k);
    if (!r || op.rc != 0) {
        log_msg("%s: %s", !r ? "window" : "start-up", !r ? (*err ? err : SDL_GetError()) : "see above");
        if (win)
            SDL_DestroyWindow(win);
        return 1;
    }
    int w, h, quit = 0, redraw = 1, first = 1;
    watchdog wd = { notify_watchdog_ms(), 0 };
    k->wake_event = SDL_RegisterEvents(1);
    if (!gfx_driver_sleeps(SDL_GetCurrentVideoDriver())) {
        k->wk = waker_new("/dev/input", err, sizeof err);
        if (!k->wk)
            log_msg("%s: the loop polls as SDL does", err);
    }
    SDL_GetRendererOutputSize(r, &w, &h);
    app_resize(k->a, w, h);
    if (o->lang)
        open_lang(k, o->lang);
    while (!quit && !atomic_load(&k->stop)) {
        uint64_t now = SDL_GetTicks64();
        if (app_tick(k->a, now) || redraw) {
            gfx_draw_img(r, k->txt, k->img, app_tree(k->a));
            SDL_RenderPresent(r);
            redraw = 0;
            if (first && o->first_frame) {
                print_first_frame();
                break;
            }
            if (first) {                /* watchers start once the first screen is up */
                start_usb(k);
                start_sync(k);
                start_index(k);
                notify_send("READY=1");
            }
            first = 0;
        }
        if (app_take_visit_end(k->a)) {   /* the loop is the shallowest frame there is */
            gfx_forget_input();
            privacy_scrub_after_visit();
        }
        long wait = app_animating(k->a) ? 16 : app_wait_ms(k->a, now);
        wait = feed_watchdog(&wd, now, wait);
        SDL_Event ev;
        int got = wait_event(k, &ev, wait);
        while (got) {
            handle_event(k, &ev, &quit, &redraw);
            got = SDL_PollEvent(&ev);
        }
        sodium_memzero(&ev, sizeof ev);    /* a typed letter stays in it otherwise */
    }
    txt_drop_textures(k->txt);
    img_drop_textures(k->img);
    gfx_forget();
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    waker_free(k->wk);
    k->wk = NULL;
    return 0;
}

/* SIGTERM (systemd stopping the kiosk) and SIGINT end the window loop the
 * normal way, so the exit path runs: the usage counts still in memory are
 * written (state_close) and the visit's memory is freed.  The signals are
 * blocked in every thread and taken here with sigwait, so nothing runs in
 * a signal handler; the loop is woken through kiosk_wake. */
static void *signal_thread(void *arg)
{
    kiosk *k = arg;
    sigset_t set;
    int sig;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigwait(&set, &sig) == 0) {
        log_msg("stopping (signal %d)", sig);
        atomic_store(&k->stop, 1);
        kiosk_wake(k);
    }
    return NULL;
}

/* Blocks SIGTERM and SIGINT before any thread exists (threads inherit the
 * mask) and starts the thread that takes them.  0 or -1. */
static int catch_stop_signals(kiosk *k)
{
    sigset_t set;
    pthread_t th;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0 || pthread_create(&th, NULL, signal_thread, k) != 0)
        return -1;
    pthread_detach(th);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    kiosk k;
    int rc;
    memset(&k, 0, sizeof k);
    if (privacy_harden_process() != 0)
        log_msg("privacy: the process could not be made undumpable");
    if (parse_args(argc, argv, &o) != 0)
        return 2;
    pthread_mutex_init(&k.lock, NULL);
    /* Faro uses no D-Bus service; without a session bus, SDL's D-Bus set-up
     * would fork dbus-launch on every start (a kiosk has no session). */
    setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:", 0);
    /* SIGTERM from systemd and SIGINT stop the process the normal way; SDL
     * must not turn them into a quit event that the lockdown ignores. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(0) != 0) {
        fprintf(stderr, "faro: SDL: %s\n", SDL_GetError());
        return 1;
    }
    kiosk_config(&k, &o);
    k.wake_event = (Uint32)-1;
    k.headless = o.headless;
    if (o.headless) {
        /* a headless run never plays through the speakers unless told to */
        setenv("SDL_AUDIODRIVER", "disk", 0);
        setenv("SDL_DISKAUDIOFILE", "/dev/null", 0);
        rc = kiosk_open(&k) == 0 ? 0 : 1;
        if (rc == 0) {
            start_index(&k);
            start_usb(&k);
            start_sync(&k);
            rc = run_headless(&k, &o);
        }
    } else {
        if (catch_stop_signals(&k) != 0)
            log_msg("signals: SIGTERM will stop the kiosk without writing what is in memory");
        rc = run_window(&k, &o);
    }
    kiosk_close(&k);
    pthread_mutex_destroy(&k.lock);
    SDL_Quit();
    return rc;
}
