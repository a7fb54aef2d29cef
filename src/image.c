/*
 * image.c — the article pictures: a small table of entries, one worker
 * thread that decodes, the UI thread that places and draws.
 *
 * Why a thread: a 1-megapixel JPEG takes tens of milliseconds to decode
 * and scale on a Raspberry Pi, several frames; the reader must scroll
 * while it happens.  The lock (c->lock) guards the whole table: the UI
 * thread writes an entry's wanted size and bytes, the worker reads them
 * and writes back pixels (an SDL_Surface, never a texture: textures belong
 * to the renderer, which is the UI thread's).
 *
 * Invariants:
 *   1. An entry's bytes are freed only when no decode of it runs
 *      (c->running != that entry); img_forget and eviction wait for it.
 *   2. A surface arriving for a size no longer wanted is thrown away
 *      (the generation counter changes with every new request).
 *   3. Picture textures never hold more than half the shared budget
 *      (txt_texture_budget + what is lent); all of it is lent from txt.
 *      A picture is placed no larger than that half, so each one fits.
 *   4. What a visit brought in (compressed bytes, decoded pixels, names)
 *      is zeroed before img_forget frees it; textures are destroyed (their
 *      memory is SDL's).
 *
 * Entry states: (none) --img_place: header ok--> PENDING --worker--> READY;
 * header or decode refused --> FAILED.  READY whose texture was evicted
 * stays READY and asks the worker again on the next img_texture.
 */
#include "image.h"
#include "faro.h"
#include "imgdec.h"
#include "log.h"

#include <SDL2/SDL.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct entry {
    int used;
    char name[IMG_NAME_MAX];
    int state;                          /* enum img_state */
    int pw, ph, opaque;                 /* pixel size from the header */
    int w, h;                           /* display size wanted */
    unsigned gen;                       /* changes with every request (invariant 2) */
    int queued;                         /* the worker should decode gen at w x h */
    void *bytes;
    size_t len;
    SDL_Surface *surf;                  /* from the worker, at w x h */
    SDL_Texture *tex;
    size_t tex_bytes;
    unsigned long last;                 /* LRU tick */
} entry;

struct img_ctx {
    pthread_mutex_t lock;
    pthread_cond_t work, idle;
    pthread_t thread;
    int started, stop, news;
    entry *running;                     /* the entry being decoded, or NULL */
    entry e[IMG_MAX_ENTRIES];
    size_t kept_bytes, tex_bytes;
    unsigned long tick;
    txt_ctx *txt;
    SDL_Renderer *r;                    /* the textures' renderer */
    img_wake_fn wake;
    void *user;
    char failed[IMG_MAX_FAILED][IMG_NAME_MAX];
    int nfailed;
    img_stats stats;
};

/* ---- the scale rule ---- */

void img_fit(int pw, int ph, const img_box *box, int *w, int *h)
{
    double d = box->density > 0 && box->density < 1 ? box->density : 1;
    double s = 2.0 * d;
    int max_w = box->max_w, max_h = box->max_h;
    if (pw <= 0 || ph <= 0) {
        *w = *h = 0;
        return;
    }
    if (max_w > 0 && (double)max_w / pw < s)
        s = (double)max_w / pw;
    if (max_h > 0 && (double)max_h / ph < s)
        s = (double)max_h / ph;
    *w = (int)(pw * s + 0.5);
    *h = (int)(ph * s + 0.5);
    if (*w < 1)
        *w = 1;
    if (*h < 1)
        *h = 1;
}

/* ---- the table (lock held) ---- */

static entry *find(img_ctx *c, const char *name)
{
    for (int i = 0; i < IMG_MAX_ENTRIES; i++)
        if (c->e[i].used && !strcmp(c->e[i].name, name))
            return &c->e[i];
    return NULL;
}

static void drop_texture(img_ctx *c, entry *e, int destroy)
{
    if (!e->tex)
        return;
    if (destroy)
        SDL_DestroyTexture(e->tex);
    txt_texture_repay(c->txt, e->tex_bytes);
    c->tex_bytes -= e->tex_bytes;
    e->tex = NULL;
    e->tex_bytes = 0;
}

/* Waits until the worker is not decoding e (invariant 1). */
static void not_running(img_ctx *c, const entry *e)
{
    while (c->running == e)
        pthread_cond_wait(&c->idle, &c->lock);
}

static void free_surface(SDL_Surface *s)
{
    if (s && s->pixels)
        sodium_memzero(s->pixels, (size_t)s->h * (size_t)s->pitch);
    SDL_FreeSurface(s);
}

/* Frees everything of e, zeroed (invariant 4). */
static void clear(img_ctx *c, entry *e)
{
    not_running(c, e);
    drop_texture(c, e, 1);
    free_surface(e->surf);
    if (e->bytes) {
        sodium_memzero(e->bytes, e->len);
        free(e->bytes);
        c->kept_bytes -= e->len;
    }
    sodium_memzero(e, sizeof *e);
}

/* The least recently used entry other than keep, or NULL. */
static entry *oldest(img_ctx *c, const entry *keep)
{
    entry *best = NULL;
    for (int i = 0; i < IMG_MAX_ENTRIES; i++) {
        entry *e = &c->e[i];
        if (e->used && e != keep && e != c->running && (!best || e->last < best->last))
            best = e;
    }
    return best;
}

/* A free slot, evicting the least recently used picture when full. */
static entry *slot(img_ctx *c, size_t len)
{
    entry *old;
    while (c->kept_bytes + len > IMG_KEEP_BYTES && (old = oldest(c, NULL)))
        clear(c, old);
    for (int i = 0; i < IMG_MAX_ENTRIES; i++)
        if (!c->e[i].used)
            return &c->e[i];
    old = oldest(c, NULL);
    if (old)
        clear(c, old);
    return old;
}

static void note_failed(img_ctx *c, const char *name, const char *why)
{
    for (int i = 0; i < c->nfailed; i++)
        if (!strcmp(c->failed[i], name))
            return;
    log_msg("picture %s not shown: %s", name, why);     /* once per picture */
    c->stats.failures++;
    if (c->nfailed < IMG_MAX_FAILED)
        snprintf(c->failed[c->nfailed++], IMG_NAME_MAX, "%s", name);
}

/* ---- the worker ---- */

/* Halves an RGBA image (2x2 boxes) in place; *w, *h updated. */
static void halve(uint8_t *px, int *w, int *h)
{
    int nw = *w / 2, nh = *h / 2;
    for (int y = 0; y < nh; y++)
        for (int x = 0; x < nw; x++)
            for (int k = 0; k < 4; k++) {
                const uint8_t *a = px + ((size_t)(2 * y) * (size_t)*w + (size_t)(2 * x)) * 4 + k;
                const uint8_t *b = a + (size_t)*w * 4;
                px[((size_t)y * (size_t)nw + (size_t)x) * 4 + k] = (uint8_t)((a[0] + a[4] + b[0] + b[4] + 2) / 4);
            }
    *w = nw;
    *h = nh;
}

/* RGBA pixels (pw x ph) to an ARGB8888 surface of w x h: 2x2 boxes while
 * at least twice too big, then SDL's bilinear stretch. */
static SDL_Surface *scaled(uint8_t *px, int pw, int ph, int w, int h)
{
    while (pw >= 2 * w && ph >= 2 * h && pw >= 2 && ph >= 2)
        halve(px, &pw, &ph);
    SDL_Surface *src = SDL_CreateRGBSurfaceWithFormatFrom(px, pw, ph, 32, pw * 4, SDL_PIXELFORMAT_RGBA32);
    SDL_Surface *conv = src ? SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(src);
    if (!conv || (conv->w == w && conv->h == h))
        return conv;
    SDL_Surface *dst = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (dst && SDL_SoftStretchLinear(conv, NULL, dst, NULL) != 0) {
        SDL_FreeSurface(dst);
        dst = NULL;
    }
    SDL_FreeSurface(conv);
    return dst;
}

/* The largest JPEG reduction that still leaves at least w x h. */
static int shrink_for(int pw, int ph, int w, int h)
{
    int s = 8;
    while (s > 1 && (pw / s < w || ph / s < h))
        s /= 2;
    return s;
}

/* Decodes e's bytes at its wanted size (lock not held). */
static SDL_Surface *decode(const entry *job, char *why, size_t whylen)
{
    uint8_t *px = NULL;
    int pw, ph;
    int shrink = shrink_for(job->pw, job->ph, job->w, job->h);
    if (imgdec_decode(job->bytes, job->len, shrink, &px, &pw, &ph, why, whylen) != 0)
        return NULL;
    SDL_Surface *s = scaled(px, pw, ph, job->w, job->h);
    if (!s)
        snprintf(why, whylen, "cannot scale: %s", SDL_GetError());
    sodium_memzero(px, (size_t)pw * (size_t)ph * 4);
    free(px);
    return s;
}

static entry *next_job(img_ctx *c)
{
    for (int i = 0; i < IMG_MAX_ENTRIES; i++)
        if (c->e[i].used && c->e[i].queued)
            return &c->e[i];
    return NULL;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Hands the worker's result to the entry, if it still wants it. */
static void deliver(img_ctx *c, entry *e, unsigned gen, SDL_Surface *s, const char *why)
{
    if (e->gen != gen) {                /* asked again meanwhile (invariant 2) */
        SDL_FreeSurface(s);
        return;
    }
    if (!s) {
        e->state = IMG_FAILED;
        note_failed(c, e->name, why);
        return;
    }
    if (e->surf)
        SDL_FreeSurface(e->surf);
    e->surf = s;
    e->state = IMG_READY;
    c->stats.decodes++;
}

static void *worker(void *arg)
{
    img_ctx *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        entry *e = next_job(c);
        if (!e) {
            pthread_cond_broadcast(&c->idle);
            pthread_cond_wait(&c->work, &c->lock);
            continue;
        }
        entry job = *e;                 /* bytes stay valid: invariant 1 */
        e->queued = 0;
        c->running = e;
        pthread_mutex_unlock(&c->lock);
        char why[160] = "";
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        SDL_Surface *s = decode(&job, why, sizeof why);
        double ms = ms_since(&t0);
        pthread_mutex_lock(&c->lock);
        c->stats.last_decode_ms = ms;
        c->running = NULL;
        deliver(c, e, job.gen, s, why);
        c->news = 1;
        pthread_cond_broadcast(&c->idle);
        if (c->wake)
            c->wake(c->user);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Queues e for a decode at its wanted size (lock held). */
static void ask(img_ctx *c, entry *e)
{
    e->gen++;
    e->queued = 1;
    if (!c->started && pthread_create(&c->thread, NULL, worker, c) == 0)
        c->started = 1;
    if (!c->started) {
        e->queued = 0;
        e->state = IMG_FAILED;
        note_failed(c, e->name, "no decoder thread");
        return;
    }
    pthread_cond_signal(&c->work);
}

/* ---- lifetime ---- */

img_ctx *img_new(txt_ctx *txt, img_wake_fn wake, void *user)
{
    img_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->work, NULL);
    pthread_cond_init(&c->idle, NULL);
    c->txt = txt;
    c->wake = wake;
    c->user = user;
    return c;
}

void img_free(img_ctx *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_cond_broadcast(&c->work);
    pthread_mutex_unlock(&c->lock);
    if (c->started)
        pthread_join(c->thread, NULL);
    img_forget(c);
    pthread_cond_destroy(&c->work);
    pthread_cond_destroy(&c->idle);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* ---- placing (the article's build) ---- */

/* The pictures' share of the texture budget: half of it (invariant 3). */
static size_t share(const img_ctx *c)
{
    return (txt_texture_budget(c->txt) + c->tex_bytes) / 2;
}

/* Shrinks w x h (aspect kept) until its texture fits the share alone, so
 * that every picture can be drawn (lock held). */
static void fit_share(const img_ctx *c, int *w, int *h)
{
    double bytes = (double)*w * *h * 4, room = (double)share(c);
    if (!c->txt || bytes <= room)
        return;
    double k = sqrt(room / bytes);
    *w = (int)(*w * k) > 0 ? (int)(*w * k) : 1;
    *h = (int)(*h * k) > 0 ? (int)(*h * k) : 1;
}

/* A new entry for name: its bytes from the store and its header (lock held). */
static entry *load(img_ctx *c, store *st, const char *name, char *why, size_t whylen)
{
    void *bytes = NULL;
    size_t len = 0;
    imgdec_info info;
    char err[FARO_MAX_ERRLEN];
    int rc = store_media(st, name, &bytes, &len, err, sizeof err);
    if (rc == 0)
        rc = imgdec_probe(bytes, len, &info, why, whylen);
    else
        snprintf(why, whylen, "%s", err);
    entry *e = slot(c, rc == 0 ? len : 0);
    if (!e) {
        free(bytes);
        return NULL;
    }
    e->used = 1;
    snprintf(e->name, sizeof e->name, "%s", name);
    e->state = rc == 0 ? IMG_PENDING : IMG_FAILED;
    if (rc == 0) {
        e->pw = info.w;
        e->ph = info.h;
        e->opaque = info.opaque;
        e->bytes = bytes;
        e->len = len;
        c->kept_bytes += len;
    } else {
        free(bytes);
        note_failed(c, name, why);
    }
    return e;
}

int img_place(img_ctx *c, store *st, const char *name, const img_box *box, int *w, int *h,
              char *why, size_t whylen)
{
    char buf[160] = "";
    *w = *h = 0;
    if (!why || !whylen) {
        why = buf;
        whylen = sizeof buf;
    }
    if (!c || !name || strlen(name) >= IMG_NAME_MAX) {
        snprintf(why, whylen, "no picture");
        return IMG_FAILED;
    }
    pthread_mutex_lock(&c->lock);
    entry *e = find(c, name);
    if (!e)
        e = load(c, st, name, why, whylen);
    int state = e ? e->state : IMG_FAILED;
    if (e && state != IMG_FAILED) {
        e->last = ++c->tick;
        img_fit(e->pw, e->ph, box, w, h);
        fit_share(c, w, h);
        if (e->w != *w || e->h != *h || (!e->surf && !e->tex && !e->queued && c->running != e)) {
            e->w = *w;
            e->h = *h;
            e->state = state = IMG_PENDING;
            ask(c, e);
        }
        state = e->state;
    } else if (e && !*why) {
        snprintf(why, whylen, "not a picture that can be shown");
    }
    pthread_mutex_unlock(&c->lock);
    return state;
}

/* ---- drawing ---- */

/* Room for bytes more of picture textures (invariant 3); 0 or -1. */
static int make_room(img_ctx *c, const entry *keep, size_t bytes)
{
    if (bytes > share(c))
        return -1;                      /* never fits: evict nothing for it */
    for (;;) {
        if (c->tex_bytes + bytes <= share(c))
            return txt_texture_lend(c->txt, bytes) == 0 ? 0 : -1;
        entry *old = NULL;
        for (int i = 0; i < IMG_MAX_ENTRIES; i++) {
            entry *e = &c->e[i];
            if (e->tex && e != keep && (!old || e->last < old->last))
                old = e;
        }
        if (!old)
            return -1;
        drop_texture(c, old, 1);
        c->stats.evictions++;
    }
}

/* Turns e's surface into a texture on r (lock held). */
static void make_texture(img_ctx *c, entry *e, SDL_Renderer *r)
{
    size_t bytes = (size_t)e->surf->w * (size_t)e->surf->h * 4;
    if (make_room(c, e, bytes) != 0)
        return;
    SDL_Texture *t = SDL_CreateTextureFromSurface(r, e->surf);
    if (!t) {
        txt_texture_repay(c->txt, bytes);
        return;
    }
    drop_texture(c, e, 1);
    SDL_SetTextureBlendMode(t, e->opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    e->tex = t;
    e->tex_bytes = bytes;
    c->tex_bytes += bytes;
    c->stats.textures_made++;
    SDL_FreeSurface(e->surf);
    e->surf = NULL;
}

/* Another renderer: the old one's textures went with it (never destroyed here). */
static void follow_renderer(img_ctx *c, SDL_Renderer *r)
{
    if (c->r == r)
        return;
    for (int i = 0; i < IMG_MAX_ENTRIES; i++)
        drop_texture(c, &c->e[i], 0);
    c->r = r;
}

SDL_Texture *img_texture(img_ctx *c, SDL_Renderer *r, const char *name, int *state)
{
    SDL_Texture *t = NULL;
    int st = IMG_FAILED;
    if (!c || !r || !name)
        goto out;
    pthread_mutex_lock(&c->lock);
    follow_renderer(c, r);
    entry *e = find(c, name);
    if (e) {
        e->last = ++c->tick;
        if (e->surf)
            make_texture(c, e, r);
        if (e->state == IMG_READY && !e->tex && !e->surf && !e->queued && c->running != e && e->bytes)
            ask(c, e);                  /* evicted: decode again */
        t = e->tex;
        st = e->state;
    }
    pthread_mutex_unlock(&c->lock);
out:
    if (state)
        *state = st;
    return t;
}

int img_take_news(img_ctx *c)
{
    if (!c)
        return 0;
    pthread_mutex_lock(&c->lock);
    int n = c->news;
    c->news = 0;
    pthread_mutex_unlock(&c->lock);
    return n;
}

static int busy(img_ctx *c)
{
    return c->running || next_job(c);
}

int img_wait(img_ctx *c, long ms)
{
    struct timespec until;
    int rc = 0;
    if (!c)
        return 0;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    while (busy(c) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&c->idle, &c->lock, &until);
    int left = busy(c);
    pthread_mutex_unlock(&c->lock);
    return left ? FARO_EAGAIN : 0;
}

void img_drop_textures(img_ctx *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < IMG_MAX_ENTRIES; i++)
        drop_texture(c, &c->e[i], 1);
    c->r = NULL;
    pthread_mutex_unlock(&c->lock);
}

void img_forget(img_ctx *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < IMG_MAX_ENTRIES; i++)
        if (c->e[i].used)
            clear(c, &c->e[i]);
    c->kept_bytes = 0;
    pthread_mutex_unlock(&c->lock);
}

int img_failed_names(img_ctx *c, char (*names)[IMG_NAME_MAX], int max)
{
    int n = 0;
    if (!c)
        return 0;
    pthread_mutex_lock(&c->lock);
    for (; n < c->nfailed && n < max; n++)
        snprintf(names[n], IMG_NAME_MAX, "%s", c->failed[n]);
    pthread_mutex_unlock(&c->lock);
    return n;
}

void img_get_stats(img_ctx *c, img_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    *out = c->stats;
    out->texture_bytes = c->tex_bytes;
    pthread_mutex_unlock(&c->lock);
}
