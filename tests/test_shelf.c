/*
 * test_shelf.c — the shelf over real packs: built from tests/fixtures with
 * pack_build, signed, installed by the real installer into a temporary
 * data folder.  Precedence (site over base over the embedded default),
 * reload after an install and after a removal, the swap while the UI
 * thread keeps reading the old store, packs opened once per reload (and
 * not at all when unchanged), the index reused at a restart when the packs
 * did not change and rebuilt when one did, a translation pack's words, and
 * a removal during an install answered "busy" at once — and, through the
 * console itself, a Remove tapped during an install says the kiosk is busy,
 * the screen keeps working, and the removal goes through on its own once
 * the install is over.
 */
#include "check.h"
#include "app.h"
#include "faro.h"
#include "install.h"
#include "pack.h"
#include "pack_build.h"
#include "pin.h"
#include "search.h"
#include "shelf.h"
#include "sig.h"
#include "sig_sign.h"
#include "state.h"
#include "store.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const unsigned char faro_default_pack[];
extern const unsigned char faro_default_pack_end[];

static char tmp[] = "/tmp/faro-test-shelf-XXXXXX";
static sig_seckey key;
static const char *const chain_en[] = { "en", NULL };

static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* tmp/<formatted>; eight rotating buffers. */
static const char *P(const char *fmt, ...)
{
    static char buf[8][1024];
    static int i;
    char rel[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, rel);
    return buf[i];
}

/* Builds and signs tmp/<name>.faro from content-mini; the "safety" topic
 * is titled `title` in English. */
static void make_pack(const char *name, const char *id, int version, const char *layer,
                      const char *title)
{
    char err[FARO_MAX_ERRLEN];
    const char *dir = P("src-%s", name);
    check_sh("rm -rf %s && cp -R tests/fixtures/content-mini %s", dir, dir);
    FILE *f = fopen(P("src-%s/pack.yaml", name), "w");
    fprintf(f, "id: %s\nversion: %d\nlayer: %s\ntype: content\nlanguages: [es, en]\n"
            "title: { es: Prueba, en: Test }\n", id, version, layer);
    fclose(f);
    check_sh("sed -i 's/title: { es: Seguridad, en: Safety }/title: { es: %s, en: %s }/' %s/topics.yaml",
             title, title, dir);
    lint_report *rep = lint_report_new();
    CHECK(pack_build_dir(dir, P("%s.faro", name), rep, NULL, err, sizeof err) == 0, "build %s: %s",
          name, err);
    lint_report_free(rep);
    CHECK(sig_sign_file(&key, P("%s.faro", name), P("%s.faro.minisig", name), NULL, err,
                        sizeof err) == 0, "sign %s: %s", name, err);
}

static int install(installer *in, const char *name)
{
    install_result r;
    int rc = install_pack(in, P("%s.faro", name), NULL, NULL, NULL, &r);
    CHECK(rc == 0, "install %s: %s", name, r.reason);
    return rc;
}

/* The English title of topic id in st ("" when missing). */
static const char *topic_title(store *st, const char *id)
{
    static char title[128];
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    title[0] = '\0';
    if (store_topic(st, id, chain_en, &r, err, sizeof err) == 0)
        snprintf(title, sizeof title, "%s", r->u.topics[0].title);
    store_result_free(r);
    return title;
}

/* ---- the owner (the test plays the kiosk's UI thread) ---- */

static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static int ready_calls;
static store *ui_store;
static loc_set *ui_loc;
static int swaps;

static void on_ready(void *user)
{
    pthread_mutex_lock(&ready_lock);    /* called on the shelf's thread */
    ready_calls++;
    pthread_mutex_unlock(&ready_lock);
}

static void into_ui(void *user, store *st, loc_set *loc)
{
    ui_store = st;
    ui_loc = loc;
    swaps++;
}

static shelf *open_shelf(state *db)
{
    char err[FARO_MAX_ERRLEN];
    shelf_opts o = { .data_dir = P("data"), .locales_dir = "locales",
                     .default_pack = faro_default_pack,
                     .default_len = (size_t)(faro_default_pack_end - faro_default_pack),
                     .db = db, .today = "2026-06-01", .on_ready = on_ready };
    shelf *s = shelf_open(&o, err, sizeof err);
    CHECK(s != NULL, "shelf_open: %s", err);
    if (s) {
        ui_store = shelf_store(s);
        ui_loc = shelf_locales(s);
    }
    return s;
}

/* Reload as the kiosk does: ask, let the thread work, take it on "our" thread. */
static int reload(shelf *s)
{
    int before = swaps;
    shelf_reload(s);
    shelf_wait(s);
    CHECK(shelf_swap(s, into_ui, NULL) == 1, "a new generation to take");
    CHECK(shelf_swap(s, into_ui, NULL) == 0, "taken once");
    CHECK(ui_store == shelf_store(s) && ui_loc == shelf_locales(s), "the UI has the current one");
    return swaps - before;
}

static int search_count(shelf *s, const char *q)
{
    char err[FARO_MAX_ERRLEN];
    search_hits *h = NULL;
    search_index *ix = shelf_index(s);
    int n = ix ? search_query(ix, q, chain_en, 20, &h, err, sizeof err) : -1;
    search_hits_free(h);
    return n;
}

static void test_first_start(state *db)
{
    shelf *s = open_shelf(db);
    if (!s)
        return;
    CHECK_STR(topic_title(ui_store, "family"), "Contact your family");
    CHECK(store_pack_count(ui_store) == 1, "only the default");
    CHECK(shelf_last_opens(s) == 1, "the default opened once, got %d", shelf_last_opens(s));
    CHECK(loc_count(ui_loc) > 0, "shipped locales");
    shelf_start(s);
    CHECK(shelf_index(s) != NULL, "an index");
    CHECK(shelf_index_rebuilt(s) == 1, "built the first time");
    shelf_close(s);
}

/* Installs base and site, reloads while the UI keeps reading the old store. */
static void test_install_reload(shelf *s, installer *in)
{
    store *old = ui_store;
    install(in, "base");
    install(in, "site");
    shelf_reload(s);
    int answered = 0;
    for (int i = 0; i < 300; i++)          /* the UI thread goes on with the old store */
        answered += strcmp(topic_title(old, "family"), "Contact your family") == 0;
    CHECK(answered == 300, "the old store answered %d of 300 times during the build", answered);
    shelf_wait(s);
    CHECK_STR(topic_title(old, "family"), "Contact your family");   /* not freed before the swap */
    CHECK(shelf_swap(s, into_ui, NULL) == 1, "swap");
    pthread_mutex_lock(&ready_lock);
    CHECK(ready_calls >= 1, "on_ready was called");
    pthread_mutex_unlock(&ready_lock);
    CHECK(store_pack_count(ui_store) == 3, "site, base, default: %d", store_pack_count(ui_store));
    CHECK_STR(topic_title(ui_store, "safety"), "SiteTitle");        /* site over base */
    CHECK_STR(topic_title(ui_store, "family"), "Family");           /* installed over default */
    CHECK(shelf_last_opens(s) == 2, "base and site opened once each, got %d", shelf_last_opens(s));
    CHECK(search_count(s, "salvo") > 0, "the new index finds the installed article");
    CHECK(shelf_index_rebuilt(s) == 1, "packs changed: index rebuilt");
}

static void test_unchanged_reload(shelf *s)
{
    CHECK(reload(s) == 1, "swapped");
    CHECK(shelf_last_opens(s) == 0, "nothing changed: no pack opened, got %d", shelf_last_opens(s));
    CHECK(shelf_index(s) != NULL && shelf_index_rebuilt(s) == 0, "kept index reused");
    CHECK_STR(topic_title(ui_store, "safety"), "SiteTitle");
}

static void test_opens_per_install(shelf *s, installer *in)
{
    long before = pack_open_count();
    install(in, "extra");
    reload(s);
    long opens = pack_open_count() - before;
    printf("pack opens for one install + reload: %ld\n", opens);
    CHECK(opens <= 2, "install + reload opened %ld packs", opens);
    CHECK(shelf_last_opens(s) == 1, "only the new pack opened by the reload");
    CHECK(store_pack_count(ui_store) == 4, "four packs");
}

static void test_remove(shelf *s, installer *in)
{
    char err[FARO_MAX_ERRLEN];
    CHECK(install_remove(in, "org.test.site", err, sizeof err) == 0, "remove: %s", err);
    reload(s);
    CHECK_STR(topic_title(ui_store, "safety"), "BaseTitle");
    CHECK(store_pack_count(ui_store) == 3, "three packs");
    CHECK(shelf_last_opens(s) == 0, "a removal opens nothing");
    CHECK(shelf_index(s) != NULL && shelf_index_rebuilt(s) == 1, "index rebuilt without the site pack");
}

static void test_restart(state *db, installer *in)
{
    shelf *s = open_shelf(db);
    if (!s)
        return;
    CHECK_STR(topic_title(ui_store, "safety"), "BaseTitle");
    CHECK(shelf_last_opens(s) == 4, "base, extra, words, default opened once: %d", shelf_last_opens(s));
    shelf_start(s);
    CHECK(shelf_index(s) != NULL, "index");
    CHECK(shelf_index_rebuilt(s) == 0, "unchanged packs: the kept index is opened, not rebuilt");
    long before = pack_open_count();
    install(in, "base2");                   /* an update: the installed version is not opened */
    reload(s);
    CHECK(pack_open_count() - before <= 2, "update + reload opened %ld packs",
          pack_open_count() - before);
    CHECK_STR(topic_title(ui_store, "safety"), "Base2Title");
    CHECK(shelf_last_opens(s) == 1, "the changed pack opened");
    CHECK(shelf_index(s) != NULL && shelf_index_rebuilt(s) == 1, "changed pack: rebuilt");
    shelf_close(s);
    /* a changed pack between two starts: rebuilt at the start */
    check_sh("rm -f %s", P("data/search.db"));
    s = open_shelf(db);
    if (s) {
        CHECK(shelf_index(s) != NULL && shelf_index_rebuilt(s) == 1, "missing index: rebuilt");
        shelf_close(s);
    }
}

/* A translation pack: its words appear after the reload; a later content
 * install keeps the same locale set (nothing to re-read). */
static void test_translation(shelf *s, installer *in)
{
    char err[FARO_MAX_ERRLEN];
    const char *dir = P("src-words");
    check_sh("mkdir -p %s/locales", dir);
    FILE *f = fopen(P("src-words/pack.yaml"), "w");
    fputs("id: org.test.words\nversion: 1\nlayer: site\ntype: locale\nlanguages: [sw]\n"
          "title: {sw: Maneno}\n", f);
    fclose(f);
    f = fopen(P("src-words/locales/sw.yaml"), "w");
    fputs("meta: {lang: sw, endonym: Kiswahili, direction: ltr, fallback: [en], reviewed: false}\n"
          "strings:\n  nav.back: Rudi\n", f);
    fclose(f);
    lint_report *rep = lint_report_new();
    CHECK(pack_build_dir(dir, P("words.faro"), rep, NULL, err, sizeof err) == 0, "build: %s", err);
    lint_report_free(rep);
    CHECK(sig_sign_file(&key, P("words.faro"), P("words.faro.minisig"), NULL, err, sizeof err) == 0,
          "sign: %s", err);
    CHECK(!loc_has(ui_loc, "sw"), "no Swahili yet");
    install(in, "words");
    reload(s);
    CHECK(loc_has(ui_loc, "sw"), "Swahili from the translation pack");
    CHECK_STR(loc_str(ui_loc, "sw", "nav.back"), "Rudi");
    CHECK(store_pack_count(ui_store) == 3, "a locale pack is not content");
    loc_set *words = ui_loc;
    char rm[FARO_MAX_ERRLEN];
    install_remove(in, "org.test.extra", rm, sizeof rm);
    reload(s);
    CHECK(ui_loc == words, "translation packs unchanged: the same locale set");
    CHECK_STR(loc_str(ui_loc, "sw", "nav.back"), "Rudi");
    install(in, "extra");
    reload(s);
}

/* ---- remove during an install ---- */

struct blocker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int copying, release;
    installer *in;
};

static void hold_copy(void *user, const char *name, unsigned long long done, unsigned long long total)
{
    struct blocker *b = user;
    pthread_mutex_lock(&b->mu);         /* the test thread waits for "copying" */
    b->copying = 1;
    pthread_cond_broadcast(&b->cv);
    while (!b->release)
        pthread_cond_wait(&b->cv, &b->mu);
    pthread_mutex_unlock(&b->mu);
}

static void *install_thread(void *arg)
{
    struct blocker *b = arg;
    install_result r;
    install_pack(b->in, P("site.faro"), NULL, hold_copy, b, &r);
    return NULL;
}

/* Starts site.faro's install on a thread and returns once it is copying
 * (held there until blocked_install_finish). */
static void blocked_install_start(struct blocker *b, pthread_t *th)
{
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    CHECK(pthread_create(th, NULL, install_thread, b) == 0, "thread");
    pthread_mutex_lock(&b->mu);
    while (!b->copying)
        pthread_cond_wait(&b->cv, &b->mu);
    pthread_mutex_unlock(&b->mu);
}

/* Lets the held install finish and waits for it. */
static void blocked_install_finish(struct blocker *b, pthread_t th)
{
    pthread_mutex_lock(&b->mu);
    b->release = 1;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    pthread_join(th, NULL);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
}

static void test_remove_busy(installer *in)
{
    char err[FARO_MAX_ERRLEN];
    struct blocker b = { .in = in };
    pthread_t th;
    blocked_install_start(&b, &th);
    CHECK(install_remove(in, "org.test.extra", err, sizeof err) == FARO_EBUSY, "busy while installing");
    CHECK_CONTAINS(err, "in progress");
    CHECK(access(P("data/packs/org.test.extra.faro"), F_OK) == 0, "nothing removed");
    blocked_install_finish(&b, th);
    CHECK(install_remove(in, "org.test.extra", err, sizeof err) == 0, "removed after: %s", err);
}


/* ---- the console's Remove during an install, end to end ---- */

/* Taps the first tappable widget whose whole text is text, or whose arg is text. */
static int tap_on(app *a, const char *text, uint64_t ms)
{
    ui_tree *t = app_tree(a);
    int i = -1;
    for (int k = 0; i < 0 && k < ui_count(t); k++)
        if (ui_get(t, k)->text && !strcmp(ui_get(t, k)->text, text))
            i = ui_actionable(t, k);
    for (int k = 0; i < 0 && k < ui_count(t); k++)
        if (ui_get(t, k)->action && ui_get(t, k)->arg && !strcmp(ui_get(t, k)->arg, text))
            i = k;
    if (i < 0)
        return -1;
    app_activate(a, i, ms);
    return 0;
}

static int shows(app *a, const char *text)
{
    return ui_find(app_tree(a), text, 0) >= 0;
}

static void test_console_remove_busy(state *db, installer *in)
{
    char err[FARO_MAX_ERRLEN];
    install_result r;
    make_pack("busy", "org.test.busy", 1, "base", "BusyTitle");
    CHECK(install_pack(in, P("busy.faro"), NULL, NULL, NULL, &r) == 0, "installed: %s", r.reason);
    CHECK(pin_set(db, "2468", err, sizeof err) == 0, "pin: %s", err);
    cfg c;
    cfg_defaults(&c);
    snprintf(c.langs[0], sizeof c.langs[0], "en");   /* the console speaks the kiosk's first language */
    c.nlangs = 1;
    loc_set *loc = loc_new();
    loc_load_dir(loc, "locales");
    txt_ctx *txt = txt_new("assets/fonts", 4u << 20, err, sizeof err);
    store *st = store_new();
    CHECK(store_add_file(st, P("data/packs/org.test.busy.faro"), err, sizeof err) == 0, "store: %s", err);
    store_add_memory(st, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack),
                     "default", err, sizeof err);
    app *a = txt ? app_new(&c, st, loc, txt) : NULL;
    CHECK(a != NULL, "app");
    if (!a)
        goto done;
    app_admin_env env = { .db = db, .in = in, .data_dir = P("data"), .gesture_taps = 5,
                          .gesture_window_ms = 3000 };
    app_set_admin(a, &env);
    uint64_t ms = 1000;
    app_tick(a, ms);
    for (int i = 0; i < 5; i++, ms += 100) {
        app_press(a, 10, 10, ms);
        app_release(a, 10, 10, ms + 50);
    }
    CHECK(app_screen(a) == SCR_ADMIN_PIN, "the gesture opens the PIN pad: %s", screens_name(app_screen(a)));
    tap_on(a, "2", ms), tap_on(a, "4", ms), tap_on(a, "6", ms), tap_on(a, "8", ms);
    tap_on(a, "Open", ms);
    CHECK(app_screen(a) == SCR_ADMIN, "the PIN opens the console: %s", screens_name(app_screen(a)));
    CHECK(tap_on(a, "Packs", ms) == 0 && tap_on(a, "org.test.busy", ms) == 0, "Remove tapped");
    /* an install starts and holds its copy, as a big pack from a stick would */
    struct blocker b = { .in = in };
    pthread_t th;
    blocked_install_start(&b, &th);
    CHECK(tap_on(a, "Yes, do it", ms) == 0, "confirmed");
    CHECK(shows(a, "The kiosk is busy installing a pack"), "the console says it is busy");
    CHECK(access(P("data/packs/org.test.busy.faro"), F_OK) == 0, "nothing removed yet");
    CHECK(app_wait_ms(a, ms) > 0 && app_wait_ms(a, ms) <= 1000, "a retry is due within a second: %ld",
          app_wait_ms(a, ms));
    app_tick(a, ms += 1100);            /* still copying: the retry is refused again, quietly */
    CHECK(shows(a, "The kiosk is busy installing a pack"), "still busy, still says so");
    CHECK(tap_on(a, "Status", ms) == 0 && app_screen(a) == SCR_ADMIN, "the screen keeps working meanwhile");
    blocked_install_finish(&b, th);
    app_tick(a, ms += 1100);
    CHECK(access(P("data/packs/org.test.busy.faro"), F_OK) != 0, "removed on the retry after the install");
    CHECK(shows(a, "The pack org.test.busy was removed"), "the console says it was removed");
    CHECK(app_wait_ms(a, ms) > 1000, "no retry pending any more: %ld", app_wait_ms(a, ms));
done:
    app_free(a);
    store_free(st);
    txt_free(txt);
    loc_free(loc);
}

int main(void)
{
    char err[FARO_MAX_ERRLEN];
    if (!mkdtemp(tmp))
        return 1;
    CHECK(sig_keygen(P("k.pub"), P("k.key"), err, sizeof err) == 0, "keygen: %s", err);
    CHECK(sig_seckey_load(P("k.key"), NULL, &key, err, sizeof err) == 0, "key: %s", err);
    check_sh("mkdir -p %s/data/keys && cp %s/k.pub %s/data/keys/ && echo 'scope org.test.*' > %s/data/keys/k.scope",
             tmp, tmp, tmp, tmp);
    make_pack("base", "org.test.base", 1, "base", "BaseTitle");
    make_pack("site", "org.test.site", 1, "site", "SiteTitle");
    make_pack("extra", "org.test.extra", 1, "base", "ExtraTitle");
    make_pack("base2", "org.test.base", 2, "base", "Base2Title");
    state *db = state_open(P("data/state.db"), err, sizeof err);
    CHECK(db != NULL, "state: %s", err);
    installer *in = install_open(P("data"), db, err, sizeof err);
    CHECK(in != NULL, "installer: %s", err);
    if (!in)
        return check_done();
    test_first_start(db);
    shelf *s = open_shelf(db);
    if (s) {
        shelf_start(s);
        test_install_reload(s, in);
        test_unchanged_reload(s);
        test_opens_per_install(s, in);
        test_remove(s, in);
        test_translation(s, in);
        shelf_close(s);
    }
    test_restart(db, in);
    test_remove_busy(in);
    test_console_remove_busy(db, in);
    install_close(in);
    state_close(db);
    check_sh("rm -rf %s", tmp);
    return check_done();
}
