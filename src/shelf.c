/*
 * shelf.c — one owner for "installed packs -> store, strings and index".
 *
 * The idea: everything that depends on the installed packs is built
 * together, as one generation, and swapped whole.  A generation holds the
 * open packs (pack.c handles, shared with the previous generation when the
 * file did not change), the UI's store over them in precedence order, the
 * locale set with the translation packs laid over it, the index key and
 * the search index.  Generation 0 is built by shelf_open on the caller's
 * thread; later ones on the shelf's thread, while the UI thread keeps
 * using the current one, and are taken by the UI with shelf_swap.  The
 * index is opened (or built) on the shelf's thread with a store of its own
 * over the same open packs: pack connections are serialized, so the UI's
 * store and the builder's may read one pack at the same time.
 *
 * DESIGN NOTES
 *
 * Invariants:
 *  1. `cur` is only replaced on the UI thread (shelf_swap); the UI's store
 *     and locales are never touched by the shelf's thread once published.
 *  2. A pack is opened at most once per generation, and not at all when
 *     the previous generation holds the same file (pack_same_file).
 *  3. The index key lists, in precedence order, id@version@hash of every
 *     pack in the store; a kept search.db with the same key is reused.
 *  4. The shelf's thread runs one job at a time: the index of a generation
 *     is attached before the next generation is built, so the generation
 *     it attaches to is alive (only a swap after that can free it).
 *  5. Every field below `lock` in struct shelf is read and written with
 *     the lock held.
 *
 * States of one reload (function making each transition in brackets):
 *
 *   REQUESTED (wanted = 1) --[build_gen]--> READY (ready = g) --[shelf_swap]-->
 *   CURRENT (cur = g, the previous freed)
 *   and on the shelf's thread after READY: --[index_job]--> g->ix_done = 1
 */
#include "shelf.h"
#include "faro.h"
#include "install.h"
#include "lpack.h"
#include "log.h"
#include "pack.h"
#include "sig.h"

#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define SHELF_PATH_LEN  1024
#define SHELF_HASH_LEN  (2 * SIG_HASH_BYTES + 1)
#define SHELF_KEY_LEN   ((FARO_MAX_PACKS + 1) * (FARO_MAX_ID_LEN + 200))

/* One open pack of a generation. */
struct held {
    pack *p;
    int is_default;             /* the embedded pack (held last) */
    char hash[SHELF_HASH_LEN];
};

/* A locale set shared by the generations whose translation packs are the
 * same open packs (most reloads change content only). */
struct strings {
    loc_set *loc;
    atomic_int refs;            /* generations holding it (UI and shelf threads) */
};

struct gen {
    struct held packs[FARO_MAX_PACKS + 1];  /* every installed pack opened, then the default */
    int npacks;
    pack *order[FARO_MAX_PACKS + 1];        /* the store's packs in precedence order */
    int norder;
    store *st;
    struct strings *loc;
    pack *locale_packs[FARO_MAX_PACKS];     /* the translation packs laid over loc, in order */
    int nlocale;
    char key[SHELF_KEY_LEN];
    search_index *ix;
    int ix_done, ix_rebuilt, opened;
};

struct shelf {
    shelf_opts o;
    char data[SHELF_PATH_LEN], locales[SHELF_PATH_LEN], index_path[SHELF_PATH_LEN + 16];
    char default_hash[SHELF_HASH_LEN];
    pthread_t thread;
    int started;
    /* lock: the UI thread, the shelf's thread and the threads asking for a
     * reload (USB, sync) share the fields below (invariant 5). */
    pthread_mutex_t lock;
    pthread_cond_t cv;
    struct gen *cur, *ready, *newest;       /* newest: what the next build reuses from */
    int wanted, working, quit, index_wanted;
};

/* ---------------------------------------------------------------- generations */

static void gen_free(struct gen *g)
{
    if (!g)
        return;
    search_close(g->ix);
    store_free(g->st);
    if (g->loc && atomic_fetch_sub(&g->loc->refs, 1) == 1) {
        loc_free(g->loc->loc);
        free(g->loc);
    }
    for (int i = 0; i < g->npacks; i++)
        pack_close(g->packs[i].p);
    free(g);
}

/* The hash of an installed pack: the state's record of that version when
 * there is one (the installer refuses other bytes with the same version),
 * else hashed from the file. */
static void pack_hash(shelf *s, pack *p, char *hex)
{
    const pack_meta *m = pack_get_meta(p);
    unsigned char h[SIG_HASH_BYTES];
    char err[FARO_MAX_ERRLEN];
    long seen = -1;
    if (s->o.db && state_pack_seen(s->o.db, m->id, &seen, hex, SHELF_HASH_LEN) == 0 &&
        seen == m->version && strlen(hex) == SHELF_HASH_LEN - 1)
        return;
    if (sig_hash_file(pack_name(p), FARO_MAX_PACK_BYTES, h, err, sizeof err) == 0)
        sig_hash_hex(h, hex);
    else
        snprintf(hex, SHELF_HASH_LEN, "unhashed");
}

/* The held pack of `prev` that is still the file at path, or NULL. */
static const struct held *find_same(const struct gen *prev, const char *path)
{
    for (int i = 0; prev && i < prev->npacks; i++)
        if (strcmp(pack_name(prev->packs[i].p), path) == 0 && pack_same_file(prev->packs[i].p, path))
            return &prev->packs[i];
    return NULL;
}

/* Holds the pack at path in g: shared from prev when unchanged, else
 * opened and checked (invariant 2).  A pack that fails is logged. */
static void hold_pack(shelf *s, struct gen *g, const struct gen *prev, const char *path)
{
    char err[FARO_MAX_ERRLEN];
    const struct held *same = find_same(prev, path);
    struct held *h = &g->packs[g->npacks];
    pack *p = NULL;
    if (same) {
        h->p = pack_ref(same->p);
        memcpy(h->hash, same->hash, sizeof h->hash);
        g->npacks++;
        return;
    }
    g->opened++;
    if (pack_open_file(path, PACK_QUICK_CHECK, &p, err, sizeof err) != 0 ||
        lpack_check_pack(p, err, sizeof err) != 0) {
        log_msg("pack skipped: %s", err);
        pack_close(p);
        return;
    }
    h->p = p;
    pack_hash(s, p, h->hash);
    g->npacks++;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Opens (or shares) every data_dir/packs/<name>.faro, in name order. */
static void hold_installed(shelf *s, struct gen *g, const struct gen *prev)
{
    char dir[SHELF_PATH_LEN + 8], path[SHELF_PATH_LEN + 300], *names[FARO_MAX_PACKS];
    int n = 0;
    DIR *d;
    snprintf(dir, sizeof dir, "%s/packs", s->data);
    if (!s->data[0] || !(d = opendir(dir)))
        return;
    for (struct dirent *e; (e = readdir(d)) && n < FARO_MAX_PACKS;) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] != '.' && len > 5 && strcmp(e->d_name + len - 5, ".faro") == 0 &&
            (names[n] = strdup(e->d_name)))
            n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        hold_pack(s, g, prev, path);
        free(names[i]);
    }
}

/* The embedded default, shared from prev (it never changes). */
static void hold_default(shelf *s, struct gen *g, const struct gen *prev)
{
    char err[FARO_MAX_ERRLEN];
    struct held *h = &g->packs[g->npacks];
    pack *p = NULL;
    if (!s->o.default_pack)
        return;
    for (int i = 0; prev && i < prev->npacks; i++)
        if (prev->packs[i].is_default)
            p = pack_ref(prev->packs[i].p);
    if (!p) {
        g->opened++;
        if (pack_open_memory(s->o.default_pack, s->o.default_len, s->o.default_name, 0, &p,
                             err, sizeof err) != 0) {
            log_msg("%s", err);
            return;
        }
    }
    h->p = p;
    h->is_default = 1;
    memcpy(h->hash, s->default_hash, sizeof h->hash);
    g->npacks++;
}

/* The store's packs in precedence: shown content packs as install_list
 * orders them (site over base, then id), then the default (held last). */
static void order_packs(shelf *s, struct gen *g)
{
    install_entry e[FARO_MAX_PACKS];
    int n = 0, last = g->npacks;
    if (last > 0 && g->packs[last - 1].is_default)
        last--;
    for (int i = 0; i < last; i++)
        install_entry_set(&e[n++], pack_name(g->packs[i].p), g->packs[i].p, s->o.today);
    install_sort(e, n);
    g->norder = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < last; j++)
            if (e[i].shown && strcmp(e[i].type, "content") == 0 &&
                strcmp(pack_name(g->packs[j].p), e[i].path) == 0)
                g->order[g->norder++] = g->packs[j].p;
    if (last < g->npacks)
        g->order[g->norder++] = g->packs[last].p;
}

/* The hash held for pack p in g. */
static const char *held_hash(const struct gen *g, const pack *p)
{
    for (int i = 0; i < g->npacks; i++)
        if (g->packs[i].p == p)
            return g->packs[i].hash;
    return "";
}

/* id@version@hash of the store's packs, in order (invariant 3). */
static void make_key(struct gen *g)
{
    size_t used = 0;
    g->key[0] = '\0';
    for (int i = 0; i < g->norder && used < sizeof g->key; i++) {
        const pack_meta *m = pack_get_meta(g->order[i]);
        used += (size_t)snprintf(g->key + used, sizeof g->key - used, "%s%s@%ld@%s",
                                 i ? "," : "", m->id, m->version, held_hash(g, g->order[i]));
    }
}

/* A store over packs[] in order (its own statements; the packs shared). */
static store *store_over(pack *const *packs, int n)
{
    char err[FARO_MAX_ERRLEN];
    store *st = store_new();
    for (int i = 0; st && i < n; i++)
        if (store_add_pack(st, packs[i], err, sizeof err) != 0)
            log_msg("pack skipped: %s", err);
    return st;
}

/* The translation packs of g in name order (held order). */
static void list_locale_packs(struct gen *g)
{
    g->nlocale = 0;
    for (int i = 0; i < g->npacks; i++)
        if (strcmp(pack_get_meta(g->packs[i].p)->type, "locale") == 0)
            g->locale_packs[g->nlocale++] = g->packs[i].p;
}

/* The shipped locales with every translation pack over them (name order):
 * prev's set when its translation packs are the same open packs. */
static struct strings *locales_over(shelf *s, struct gen *g, const struct gen *prev)
{
    list_locale_packs(g);
    if (prev && prev->loc && prev->nlocale == g->nlocale &&
        memcmp(prev->locale_packs, g->locale_packs, sizeof g->locale_packs[0] * (size_t)g->nlocale) == 0) {
        atomic_fetch_add(&prev->loc->refs, 1);
        return prev->loc;
    }
    struct strings *str = calloc(1, sizeof *str);
    if (!str || !(str->loc = loc_new())) {
        free(str);
        return NULL;
    }
    atomic_init(&str->refs, 1);
    loc_load_dir(str->loc, s->locales);
    if (loc_count(str->loc) == 0)
        log_msg("no locale files in %s: showing string keys", s->locales);
    for (int i = 0; i < g->nlocale; i++)
        lpack_apply_checked(str->loc, g->locale_packs[i]);
    return str;
}

/* A complete generation, reusing what prev holds; NULL when out of memory. */
static struct gen *build_gen(shelf *s, const struct gen *prev)
{
    struct gen *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    hold_installed(s, g, prev);
    hold_default(s, g, prev);
    order_packs(s, g);
    make_key(g);
    g->st = store_over(g->order, g->norder);
    g->loc = locales_over(s, g, prev);
    if (!g->st || !g->loc) {
        gen_free(g);
        return NULL;
    }
    return g;
}

/* ---------------------------------------------------------------- the index */

/* Opens the kept index of g, else builds one aside: shelf's thread. */
static search_index *index_for(shelf *s, struct gen *g, int *rebuilt)
{
    char err[FARO_MAX_ERRLEN];
    search_index *ix = NULL;
    store *st;
    *rebuilt = 0;
    if (s->index_path[0] && (ix = search_open_kept(s->index_path, g->key, err, sizeof err)))
        return ix;
    *rebuilt = 1;
    if (!(st = store_over(g->order, g->norder)))
        return NULL;
    if (s->index_path[0] && search_build(s->index_path, st, g->key, err, sizeof err) == 0)
        ix = search_open_kept(s->index_path, g->key, err, sizeof err);
    if (!ix) {                          /* no data folder, or it is not writable */
        if (s->index_path[0])
            log_msg("search index: %s (kept in memory)", err);
        ix = search_open(NULL, st, err, sizeof err);
    }
    if (!ix)
        log_msg("search unavailable: %s", err);
    store_free(st);
    malloc_trim(0);                     /* give the build's memory back (this thread's arena) */
    return ix;
}

/* Builds or opens g's index and attaches it (invariant 4). */
static void index_job(shelf *s, struct gen *g)
{
    int rebuilt;
    search_index *ix = index_for(s, g, &rebuilt);
    pthread_mutex_lock(&s->lock);       /* g->ix* are read by shelf_index on the UI thread */
    g->ix = ix;
    g->ix_rebuilt = rebuilt;
    g->ix_done = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->lock);
}

/* One reload on the shelf's thread: the next generation, published, then its index. */
static void reload_job(shelf *s)
{
    pthread_mutex_lock(&s->lock);       /* newest may be read while the UI swaps */
    const struct gen *prev = s->newest;
    pthread_mutex_unlock(&s->lock);
    /* prev stays alive: only this thread publishes, and a swap frees only
     * the generation before the one taken (never newest) */
    struct gen *g = build_gen(s, prev);
    if (!g) {
        log_msg("shelf: out of memory: the packs stay as they were");
        return;
    }
    log_msg("shelf: %d pack(s) opened for the new generation", g->opened);
    pthread_mutex_lock(&s->lock);       /* hand-over to shelf_swap */
    struct gen *old = s->ready;
    s->ready = s->newest = g;
    pthread_mutex_unlock(&s->lock);
    gen_free(old);                      /* a generation never taken: nobody uses it */
    if (s->o.on_ready)
        s->o.on_ready(s->o.user);
    index_job(s, g);
}

static void *shelf_main(void *arg)
{
    shelf *s = arg;
    pthread_mutex_lock(&s->lock);       /* the job flags */
    for (;;) {
        while (!s->quit && !s->wanted && !s->index_wanted)
            pthread_cond_wait(&s->cv, &s->lock);
        if (s->quit)
            break;
        int reload = s->wanted, index = s->index_wanted;
        struct gen *g = s->cur;
        s->wanted = s->index_wanted = 0;
        s->working = 1;
        pthread_mutex_unlock(&s->lock);
        if (index)
            index_job(s, g);            /* cur lives: no ready generation exists to swap in */
        if (reload)
            reload_job(s);
        pthread_mutex_lock(&s->lock);   /* working is read by shelf_wait */
        s->working = 0;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* ---------------------------------------------------------------- public */

shelf *shelf_open(const shelf_opts *o, char *err, size_t errlen)
{
    shelf *s = calloc(1, sizeof *s);
    unsigned char h[SIG_HASH_BYTES];
    if (!s || sodium_init() < 0) {
        free(s);
        faro_fail(err, errlen, FARO_ENOMEM, "shelf: out of memory");
        return NULL;
    }
    s->o = *o;
    if (!s->o.default_name)
        s->o.default_name = "default content";
    snprintf(s->data, sizeof s->data, "%s", o->data_dir ? o->data_dir : "");
    snprintf(s->locales, sizeof s->locales, "%s", o->locales_dir ? o->locales_dir : "");
    if (s->data[0])
        snprintf(s->index_path, sizeof s->index_path, "%s/search.db", s->data);
    if (o->default_pack) {
        crypto_generichash(h, sizeof h, o->default_pack, o->default_len, NULL, 0);
        sig_hash_hex(h, s->default_hash);
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (!(s->cur = s->newest = build_gen(s, NULL))) {
        shelf_close(s);
        faro_fail(err, errlen, FARO_ENOMEM, "shelf: out of memory");
        return NULL;
    }
    return s;
}

/* Starts the thread; lock held by the caller. */
static void start_locked(shelf *s)
{
    if (s->started)
        return;
    s->index_wanted = !s->cur->ix_done;
    if (pthread_create(&s->thread, NULL, shelf_main, s) == 0)
        s->started = 1;
    else
        log_msg("shelf: cannot start its thread: packs are not reloaded");
}

void shelf_start(shelf *s)
{
    pthread_mutex_lock(&s->lock);       /* started and the job flags */
    start_locked(s);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->lock);
}

void shelf_reload(shelf *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);       /* called from the USB, sync and UI threads */
    start_locked(s);
    s->wanted = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->lock);
}

int shelf_swap(shelf *s, shelf_swap_fn fn, void *user)
{
    pthread_mutex_lock(&s->lock);       /* ready is written by the shelf's thread */
    struct gen *g = s->ready, *old = s->cur;
    if (g) {
        s->cur = g;
        s->ready = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    if (!g)
        return 0;
    if (fn)
        fn(user, g->st, g->loc->loc);
    /* old is not newest (g is, or a later one), so the thread never reads it */
    gen_free(old);
    return 1;
}

search_index *shelf_index(shelf *s)
{
    pthread_mutex_lock(&s->lock);       /* the thread attaches the index */
    struct gen *g = s->cur;
    if (!g->ix_done) {
        start_locked(s);
        pthread_cond_broadcast(&s->cv);
    }
    while (!g->ix_done && s->started)
        pthread_cond_wait(&s->cv, &s->lock);
    search_index *ix = g->ix;
    pthread_mutex_unlock(&s->lock);
    return ix;
}

void shelf_wait(shelf *s)
{
    pthread_mutex_lock(&s->lock);       /* the job flags */
    while (s->started && (s->wanted || s->index_wanted || s->working))
        pthread_cond_wait(&s->cv, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

void shelf_close(shelf *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);       /* quit is read by the thread */
    s->quit = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->lock);
    if (s->started)
        pthread_join(s->thread, NULL);
    if (s->ready != s->cur)
        gen_free(s->ready);
    gen_free(s->cur);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cv);
    free(s);
}

store *shelf_store(shelf *s)
{
    return s->cur->st;
}

loc_set *shelf_locales(shelf *s)
{
    return s->cur->loc->loc;
}

int shelf_last_opens(shelf *s)
{
    return s->cur->opened;
}

int shelf_index_rebuilt(shelf *s)
{
    pthread_mutex_lock(&s->lock);       /* written by the thread */
    int r = s->cur->ix_rebuilt;
    pthread_mutex_unlock(&s->lock);
    return r;
}
