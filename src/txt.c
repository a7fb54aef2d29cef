/*
 * txt.c — the text engine: UTF-8 paragraphs in, positioned shaped runs out.
 *
 * The idea: a paragraph is cut into "atoms", the smallest pieces that never
 * need to be shaped together with their neighbours: a word (or the part of a
 * word in one font, one bidi level, one script, one weight) or a run of
 * spaces.  Atoms are cut at every UAX #14 break opportunity, so a line is
 * always a whole number of atoms and the width of a line is the sum of its
 * atoms' widths.  Each atom is shaped by HarfBuzz (through SDL2_ttf) once,
 * and its width is remembered by content in a width cache, so a long article
 * made of repeated words is measured in a few milliseconds.  Lines are filled
 * greedily; within a line the atoms are put in visual order by rule L2 of
 * UAX #9 over the ICU-resolved levels; an RTL atom is shaped right to left
 * by HarfBuzz itself.  Drawing rasterises each atom once per colour into a
 * texture cached by (font, size, direction, script, text, colour); alpha is
 * applied by modulation.  A screen uses a handful of colours, and an
 * unmodulated texture takes the software renderer's fast blit path (colour
 * modulation takes a generic per-pixel loop, six times slower).
 *
 * Pipeline of a layout (all scratch buffers live in the context):
 *   1. sanitize: UTF-8 -> UTF-16 (invalid -> U+FFFD, bidi controls removed),
 *      with a bold flag per code unit from the caller's byte ranges;
 *   2. bidi levels (ICU ubidi; with TXT_DIR_AUTO each paragraph finds its
 *      own direction); a phone number ("+1 202 555 0143", 7+ digits with
 *      spaces, +()-) is forced to one even level so it reads left to right
 *      even inside Arabic;
 *   3. break opportunities (ICU line iterator; no break inside a phone
 *      number, whose spaces UAX #14 would otherwise break at);
 *   4. script (ICU uscript, Common/Inherited take their neighbour's, or
 *      params.lang's when the text has no letters) and font by script, then
 *      by coverage (TTF_GlyphIsProvided32) along a fallback chain, so a
 *      Latin number in Amharic or an Arabic name in Spanish gets real glyphs;
 *   5. atoms, measured through the width cache; an atom wider than the line
 *      is re-cut at grapheme boundaries (emergency breaks);
 *   6. greedy lines; with max_lines, the last line is cut at the largest
 *      grapheme boundary that still fits with "…" (binary search);
 *   7. emit: visual order, alignment, baseline offsets and texture keys into
 *      one malloc'd block cached by the paragraph's content.
 *
 * Invariants:
 *   1. A cache hit (layout or texture) allocates nothing and shapes nothing.
 *   2. The texture cache never holds more than cache_bytes after a draw; a
 *      single texture larger than that is drawn once and destroyed.
 *   3. Every cache is LRU and bounded (count and bytes).
 *   4. Textures are destroyed only by txt_drop_textures, txt_forget and by
 *      eviction while drawing (their renderer is alive then); a renderer change and
 *      txt_free forget them instead, since SDL_DestroyRenderer frees them.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "txt.h"
#include "faro.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <unicode/ubidi.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------- bounds ---------- */
#define TXT_MAX_OPEN_FONTS   48        /* TTF_Font objects kept open */
#define TXT_MAX_PARA_BYTES   FARO_MAX_FIELD_BYTES /* longer text is cut */
#define TXT_MIN_PX           4
#define TXT_MAX_PX           512
#define TXT_LAYOUT_MAX       2048      /* cached layouts */
#define TXT_LAYOUT_BYTES     (8u << 20)
#define TXT_WIDTH_MAX        32768     /* cached atom widths */
#define TXT_TEX_MAX          8192      /* cached textures (count) */
#define TXT_DEFAULT_TEX_BYTES (16u << 20)
#define TXT_PHONE_MIN_DIGITS 7
#define KEYHDR               10        /* texture/width key header bytes */

/* ---------- fonts ---------- */
enum face { F_LATIN, F_ARABIC, F_DEVA, F_BENG, F_ETHI, F_CJK, F_ICON, F_COUNT };

static const struct { const char *regular, *bold; } face_files[F_COUNT] = {
    { "NotoSans-Regular.ttf",           "NotoSans-Bold.ttf" },
    { "NotoSansArabic-Regular.ttf",     "NotoSansArabic-Bold.ttf" },
    { "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf" },
    { "NotoSansBengali-Regular.ttf",    "NotoSansBengali-Bold.ttf" },
    { "NotoSansEthiopic-Regular.ttf",   "NotoSansEthiopic-Bold.ttf" },
    { "NotoSansSC-Subset.otf",          NULL },
    { "MaterialIcons-Regular.ttf",      NULL },
};

/* Fallback order when the preferred font lacks a character. */
static const int fallback_chain[] = { F_LATIN, F_ARABIC, F_DEVA, F_BENG, F_ETHI, F_CJK };
#define NCHAIN ((int)(sizeof fallback_chain / sizeof fallback_chain[0]))

typedef struct font_file {
    void *data;
    size_t size;
    int state;                 /* 0 not tried, 1 loaded, -1 missing */
} font_file;

typedef struct open_font {
    TTF_Font *font;
    int face, px, bold;
    unsigned long used;
} open_font;

/* ---------- caches ---------- */
typedef struct centry {
    struct centry *hnext, *lprev, *lnext;
    uint64_t hash;
    size_t cost;
    void *ptr;                 /* layout block or SDL_Texture */
    int a, b;                  /* width, or texture w/h */
    int top;                   /* texture: rows cropped above it */
    uint32_t tag;              /* texture: its RGBA colour; 0 otherwise */
    uint32_t klen;
    unsigned char key[];
} centry;

enum { CACHE_WIDTH, CACHE_LAYOUT, CACHE_TEX };

typedef struct cache {
    centry **bucket;
    size_t nbucket, count, cost, max_count, max_cost;
    centry *head, *tail;       /* head = most recently used */
    int kind;
} cache;

/* ---------- layout (the cached result) ---------- */
typedef struct lay_atom {
    int x, y;                  /* top-left relative to the paragraph box */
    int line;
    uint32_t key_off;          /* into the pool: KEYHDR bytes + UTF-8 + NUL */
    uint32_t key_len;          /* header + UTF-8, without the NUL */
    uint64_t hash;
} lay_atom;

typedef struct layout {
    int nlines, w, h, line_h, box_w, natoms;
    lay_atom *atoms;
    char *pool;
} layout;

/* ---------- scratch (per-layout working state) ---------- */
enum kind { K_TEXT, K_SPACE, K_NEWLINE };

typedef struct atom {
    int s, e, w;
    uint8_t level, face, bold, kind;
    int16_t script;
    uint8_t brk_after;         /* 0 none, 1 may break, 2 must break */
} atom;

typedef struct line {
    int a0, a1;                /* atoms [a0, a1), trailing spaces excluded */
} line;

struct txt_ctx {
    char *font_dir;
    font_file files[F_COUNT][2];
    TTF_Font *probe[F_COUNT];  /* coverage probes, never evicted */
    open_font fonts[TXT_MAX_OPEN_FONTS];
    int nfonts;
    unsigned long tick;
    int ttf_inited;

    cache widths, layouts, textures;
    struct SDL_Renderer *tex_renderer;
    txt_stats stats;

    UBiDi *bidi;
    UBreakIterator *line_it, *char_it;

    /* scratch arrays, grown as needed, never shrunk */
    uint16_t *src16; uint8_t *srcbold; size_t src_cap;
    uint16_t *u16; uint8_t *bold, *level, *face, *kind, *brk; int16_t *script;
    size_t cap;
    atom *atoms; size_t atoms_cap; int natoms;
    line *lines; size_t lines_cap; int nlines;
    int *order; size_t order_cap;
    unsigned char *key; size_t key_cap;
    int para_rtl;
};

/* ================================================================== */
/* small helpers                                                       */
/* ================================================================== */

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull;
    while (n--) { h ^= *s++; h *= 1099511628211ull; }
    return h ? h : 1;
}

/* Grows *p to hold `need` elements of `elem` bytes.  0 or FARO_ENOMEM. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need) n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q) return FARO_ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
}

/* Decodes one UTF-8 sequence with ICU's U8_NEXT (maximal-subpart rule):
 * *cp is U+FFFD for an invalid or truncated sequence.  Returns the bytes
 * consumed (>= 1). */
static int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    int32_t i = 0, n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    *cp = c < 0 ? 0xFFFD : (uint32_t)c;
    return i;
}

/* Writes cp as UTF-8 into out (room for 4 bytes); returns the length. */
static int utf8_encode(uint32_t cp, char *out)
{
    int32_t n = 0;
    U8_APPEND_UNSAFE((uint8_t *)out, n, cp);
    return n;
}

/* The embedding/override/isolate controls that sanitize removes. */
static int is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* What sanitize makes of one decoded code point: 0 drop, else the code point. */
static uint32_t clean_cp(uint32_t cp)
{
    if (is_bidi_control(cp)) return 0;
    if (cp == 0) return 0xFFFD;          /* keeps the output NUL-terminated */
    return cp;
}

static uint32_t cp_at(const uint16_t *u, int n, int i)
{
    if (U16_IS_LEAD(u[i]) && i + 1 < n && U16_IS_TRAIL(u[i + 1]))
        return U16_GET_SUPPLEMENTARY(u[i], u[i + 1]);
    return u[i];
}

/* ================================================================== */
/* sanitize                                                            */
/* ================================================================== */

char *txt_sanitize(const char *s, size_t len)
{
    const unsigned char *in = (const unsigned char *)s;
    char *out = malloc(len * 3 + 1);   /* one bad byte -> 3 bytes of U+FFFD */
    size_t o = 0;
    if (!out) return NULL;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)utf8_decode(in + i, len - i, &cp);
        cp = clean_cp(cp);
        if (cp) o += (size_t)utf8_encode(cp, out + o);
    }
    out[o] = 0;
    return out;
}

static int in_marks(const txt_params *p, size_t off)
{
    for (int k = 0; k < p->nbold; k++)
        if ((int)off >= p->bold[k].start && (int)off < p->bold[k].end) return 1;
    return 0;
}

/* Step 1: the caller's UTF-8 into ctx->src16/srcbold.  Returns units or <0. */
static int sanitize_to_u16(txt_ctx *c, const txt_params *p, size_t len)
{
    const unsigned char *in = (const unsigned char *)p->text;
    /* one input byte makes at most one UTF-16 unit; src_cap counts for
     * both arrays, so it only grows once both have grown */
    size_t cap = c->src_cap;
    if (grow((void **)&c->src16, &cap, len + 4, sizeof *c->src16) < 0) return FARO_ENOMEM;
    void *nb = cap > c->src_cap ? realloc(c->srcbold, cap) : c->srcbold;
    if (!nb) return FARO_ENOMEM;
    c->srcbold = nb;
    c->src_cap = cap;
    int n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t at = i;
        i += (size_t)utf8_decode(in + i, len - i, &cp);
        if (!(cp = clean_cp(cp))) continue;
        uint8_t b = p->bold_all || (p->bold && in_marks(p, at));
        if (cp >= 0x10000) {
            c->src16[n] = U16_LEAD(cp); c->srcbold[n++] = b;
            c->src16[n] = U16_TRAIL(cp); c->srcbold[n++] = b;
        } else { c->src16[n] = (uint16_t)cp; c->srcbold[n++] = b; }
    }
    return n;
}

/* ================================================================== */
/* caches                                                              */
/* ================================================================== */

static int cache_init(cache *k, int kind, size_t nbucket, size_t max_count, size_t max_cost)
{
    memset(k, 0, sizeof *k);
    k->bucket = calloc(nbucket, sizeof *k->bucket);
    if (!k->bucket) return FARO_ENOMEM;
    k->nbucket = nbucket;
    k->max_count = max_count;
    k->max_cost = max_cost;
    k->kind = kind;
    return 0;
}

static void lru_unlink(cache *k, centry *e)
{
    if (e->lprev) e->lprev->lnext = e->lnext; else k->head = e->lnext;
    if (e->lnext) e->lnext->lprev = e->lprev; else k->tail = e->lprev;
    e->lprev = e->lnext = NULL;
}

static void lru_push(cache *k, centry *e)
{
    e->lprev = NULL;
    e->lnext = k->head;
    if (k->head) k->head->lprev = e; else k->tail = e;
    k->head = e;
}

static centry *cache_find_tag(cache *k, uint64_t h, const void *key, size_t klen, uint32_t tag)
{
    for (centry *e = k->bucket[h & (k->nbucket - 1)]; e; e = e->hnext) {
        if (e->hash != h || e->tag != tag || e->klen != klen || memcmp(e->key, key, klen)) continue;
        if (k->head != e) { lru_unlink(k, e); lru_push(k, e); }
        return e;
    }
    return NULL;
}

static centry *cache_find(cache *k, uint64_t h, const void *key, size_t klen)
{
    return cache_find_tag(k, h, key, klen, 0);
}

static void entry_release(cache *k, centry *e)
{
    if (k->kind == CACHE_LAYOUT) free(e->ptr);
    else if (k->kind == CACHE_TEX && e->ptr) SDL_DestroyTexture(e->ptr);
}

static void cache_remove(cache *k, centry *e)
{
    centry **pp = &k->bucket[e->hash & (k->nbucket - 1)];
    while (*pp != e) pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(k, e);
    k->count--;
    k->cost -= e->cost;
    entry_release(k, e);
    free(e);
}

/* Evicts least recently used entries until one more of `cost` fits. */
static void cache_make_room(cache *k, size_t cost)
{
    while (k->tail && (k->count + 1 > k->max_count || k->cost + cost > k->max_cost))
        cache_remove(k, k->tail);
}

static centry *cache_add(cache *k, uint64_t h, const void *key, size_t klen, size_t cost)
{
    cache_make_room(k, cost);
    centry *e = calloc(1, sizeof *e + klen);
    if (!e) return NULL;
    e->hash = h;
    e->klen = (uint32_t)klen;
    e->cost = cost;
    memcpy(e->key, key, klen);
    size_t b = h & (k->nbucket - 1);
    e->hnext = k->bucket[b];
    k->bucket[b] = e;
    lru_push(k, e);
    k->count++;
    k->cost += cost;
    return e;
}

static void cache_clear(cache *k)
{
    while (k->tail) cache_remove(k, k->tail);
}

/* Empties the texture cache without touching the textures: their renderer
 * may be gone already (SDL destroys a renderer's textures with it). */
static void cache_forget_textures(cache *k)
{
    for (centry *e = k->head; e; e = e->lnext) e->ptr = NULL;
    cache_clear(k);
}

static void cache_free(cache *k)
{
    if (!k->bucket) return;
    cache_clear(k);
    free(k->bucket);
    k->bucket = NULL;
}

/* ================================================================== */
/* fonts                                                               */
/* ================================================================== */

static void font_path(const txt_ctx *c, int face, int bold, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", c->font_dir, bold ? face_files[face].bold : face_files[face].regular);
}

/* Loads the bytes of one font file on first use (never on the frame path
 * of a screen that does not show that script); a file that cannot be read
 * is marked missing and logged once. */
/* Maps a font file read-only: FreeType reads only the tables it needs and
 * the pages stay shared with the page cache (no copy at start-up). */
static void *map_file(const char *path, size_t *size)
{
    struct stat st;
    void *p = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < (64 << 20)) {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            p = NULL;
        else
            *size = (size_t)st.st_size;
    }
    close(fd);
    return p;
}

static font_file *font_file_get(txt_ctx *c, int face, int bold)
{
    font_file *f = &c->files[face][bold];
    char path[1024];
    if (f->state || !(bold ? face_files[face].bold : face_files[face].regular))
        return f->state == 1 ? f : NULL;
    font_path(c, face, bold, path, sizeof path);
    f->data = map_file(path, &f->size);
    f->state = f->data ? 1 : -1;
    if (!f->data && !bold) fprintf(stderr, "faro: font %s missing\n", path);
    return f->state == 1 ? f : NULL;
}

static TTF_Font *font_open(txt_ctx *c, int face, int px, int bold)
{
    font_file *f = bold ? font_file_get(c, face, 1) : NULL;
    int synthetic = bold && !f;
    if (!f) f = font_file_get(c, face, 0);
    if (!f) return NULL;
    SDL_RWops *rw = SDL_RWFromConstMem(f->data, (int)f->size);
    TTF_Font *font = rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
    /* Light hinting: no TrueType bytecode (4x faster measuring, and kinder
     * to Arabic and Indic shapes than full hinting). */
    if (font) TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    if (font && synthetic) TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    return font;
}

/* The TTF_Font for (face, px, bold), opened lazily and kept (LRU-bounded). */
static TTF_Font *font_get(txt_ctx *c, int face, int px, int bold)
{
    int victim = 0;
    for (int i = 0; i < c->nfonts; i++) {
        open_font *o = &c->fonts[i];
        if (o->face == face && o->px == px && o->bold == bold) {
            o->used = ++c->tick;
            return o->font;
        }
        if (o->used < c->fonts[victim].used) victim = i;
    }
    TTF_Font *font = font_open(c, face, px, bold);
    if (!font) return NULL;
    if (c->nfonts < TXT_MAX_OPEN_FONTS) victim = c->nfonts++;
    else TTF_CloseFont(c->fonts[victim].font);
    c->fonts[victim] = (open_font){ font, face, px, bold, ++c->tick };
    return font;
}

static int face_has(txt_ctx *c, int face, uint32_t cp)
{
    if (!c->probe[face]) {
        if (!font_file_get(c, face, 0)) return 0;
        c->probe[face] = font_open(c, face, 16, 0);
        if (!c->probe[face]) return 0;
    }
    return TTF_GlyphIsProvided32(c->probe[face], cp) != 0;
}

static int face_for_script(UScriptCode s)
{
    switch (s) {
    case USCRIPT_ARABIC: return F_ARABIC;
    case USCRIPT_DEVANAGARI: return F_DEVA;
    case USCRIPT_BENGALI: return F_BENG;
    case USCRIPT_ETHIOPIC: return F_ETHI;
    case USCRIPT_HAN: case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA:
    case USCRIPT_BOPOMOFO: case USCRIPT_HANGUL: case USCRIPT_SIMPLIFIED_HAN:
        return F_CJK;
    default: return F_LATIN;
    }
}

/* Preferred font for the script, else the first in the chain that has it;
 * when none has it, a font that exists (the reader sees a box rather than
 * nothing, and the width stays sane). */
static int face_for_cp(txt_ctx *c, int pref, uint32_t cp)
{
    if (cp < 0x80 && pref == F_LATIN && c->files[F_LATIN][0].state >= 0) return F_LATIN;
    if (face_has(c, pref, cp)) return pref;
    for (int i = 0; i < NCHAIN; i++)
        if (fallback_chain[i] != pref && face_has(c, fallback_chain[i], cp)) return fallback_chain[i];
    if (font_file_get(c, pref, 0)) return pref;
    for (int i = 0; i < NCHAIN; i++)
        if (font_file_get(c, fallback_chain[i], 0)) return fallback_chain[i];
    return pref;
}

/* Line height and baseline (from the top of a line) at size px. */
static void line_metrics(txt_ctx *c, int px, int *line_h, int *baseline)
{
    TTF_Font *f = NULL;
    for (int face = 0; face < F_COUNT && !f; face++) f = font_get(c, face, px, 0);
    *line_h = f ? TTF_FontLineSkip(f) : px * 4 / 3;
    *baseline = f ? TTF_FontAscent(f) : px;
    if (*line_h < px) *line_h = px;
}

/* ================================================================== */
/* context                                                             */
/* ================================================================== */

static int ctx_icu_open(txt_ctx *c)
{
    UErrorCode e = U_ZERO_ERROR;
    c->bidi = ubidi_open();
    c->line_it = ubrk_open(UBRK_LINE, "", NULL, 0, &e);
    if (U_FAILURE(e)) return FARO_EINVAL;
    c->char_it = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &e);
    if (U_FAILURE(e) || !c->bidi) return FARO_EINVAL;
    return 0;
}

/* Checks which regular files exist (logging the missing ones now, once,
 * so an administrator sees them at start-up) without reading them.
 * Returns 1 when at least one exists. */
static int ctx_any_font(txt_ctx *c)
{
    int ok = 0;
    for (int f = 0; f < F_COUNT; f++) {
        char path[1024];
        struct stat st;
        font_path(c, f, 0, path, sizeof path);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) { ok = 1; continue; }
        c->files[f][0].state = -1;
        fprintf(stderr, "faro: font %s missing\n", path);
    }
    return ok;
}

txt_ctx *txt_new(const char *font_dir, size_t cache_bytes, char *err, size_t errlen)
{
    txt_ctx *c = calloc(1, sizeof *c);
    if (!c) { set_err(err, errlen, "text engine: out of memory"); return NULL; }
    if (TTF_Init() < 0) {
        set_err(err, errlen, "text engine: SDL_ttf could not start");
        goto fail;
    }
    c->ttf_inited = 1;
    c->font_dir = strdup(font_dir ? font_dir : "assets/fonts");
    if (!c->font_dir
        || cache_init(&c->widths, CACHE_WIDTH, 1u << 15, TXT_WIDTH_MAX, (size_t)-1) < 0
        || cache_init(&c->layouts, CACHE_LAYOUT, 1u << 12, TXT_LAYOUT_MAX, TXT_LAYOUT_BYTES) < 0
        || cache_init(&c->textures, CACHE_TEX, 1u << 13, TXT_TEX_MAX,
                      cache_bytes ? cache_bytes : TXT_DEFAULT_TEX_BYTES) < 0) {
        set_err(err, errlen, "text engine: out of memory");
        goto fail;
    }
    if (ctx_icu_open(c) < 0) { set_err(err, errlen, "text engine: ICU could not start"); goto fail; }
    if (!ctx_any_font(c)) {
        if (err && errlen) snprintf(err, errlen, "text engine: no usable font in %s", c->font_dir);
        goto fail;
    }
    return c;
fail:
    txt_free(c);
    return NULL;
}

void txt_free(txt_ctx *c)
{
    if (!c) return;
    if (c->textures.bucket) cache_forget_textures(&c->textures);
    cache_free(&c->textures);
    cache_free(&c->layouts);
    cache_free(&c->widths);
    for (int i = 0; i < c->nfonts; i++) TTF_CloseFont(c->fonts[i].font);
    for (int f = 0; f < F_COUNT; f++) {
        if (c->probe[f]) TTF_CloseFont(c->probe[f]);
        for (int b = 0; b < 2; b++)
            if (c->files[f][b].data) munmap(c->files[f][b].data, c->files[f][b].size);
    }
    if (c->bidi) ubidi_close(c->bidi);
    if (c->line_it) ubrk_close(c->line_it);
    if (c->char_it) ubrk_close(c->char_it);
    if (c->ttf_inited) TTF_Quit();
    free(c->src16); free(c->srcbold); free(c->u16); free(c->bold); free(c->level);
    free(c->face); free(c->kind); free(c->brk); free(c->script);
    free(c->atoms); free(c->lines); free(c->order); free(c->key);
    free(c->font_dir);
    free(c);
}

/* ================================================================== */
/* analysis: bidi, breaks, phone numbers, scripts, fonts               */
/* ================================================================== */

static int scratch_reserve(txt_ctx *c, size_t n)
{
    if (n + 2 <= c->cap) return 0;
    size_t cap = c->cap;
    if (grow((void **)&c->u16, &cap, n + 2, sizeof *c->u16) < 0) return FARO_ENOMEM;
    void *p;
#define REGROW(field) \
    if (!(p = realloc(c->field, cap * sizeof *c->field))) return FARO_ENOMEM; \
    c->field = p;
    REGROW(bold) REGROW(level) REGROW(face) REGROW(kind) REGROW(brk) REGROW(script)
#undef REGROW
    c->cap = cap;
    return 0;
}

/* ASCII, Arabic-Indic and Persian digits, as written in phone numbers. */
static int is_digit(uint16_t u)
{
    return (u >= '0' && u <= '9') || (u >= 0x660 && u <= 0x669) || (u >= 0x6F0 && u <= 0x6F9);
}

static int is_phone_char(uint16_t u)
{
    return is_digit(u) || u == ' ' || u == '+' || u == '(' || u == ')'
        || u == '-' || u == 0xA0;
}

/* Finds the phone-number-like span starting at i: [i, *end).  A span starts
 * with '+', '(' or a digit not preceded by a letter or digit, holds only
 * digits, spaces and +()-, ends on a digit or ')' and has enough digits. */
static int phone_span(const uint16_t *u, int n, int i, int *end)
{
    if (!(u[i] == '+' || u[i] == '(' || is_digit(u[i]))) return 0;
    if (i > 0 && (u_isalnum(u[i - 1]) || u[i - 1] == '+')) return 0;
    int j = i, last = i, digits = 0;
    for (; j < n && is_phone_char(u[j]); j++) {
        if (u[j] == ' ' && j + 1 < n && u[j + 1] == ' ') break;
        if (is_digit(u[j])) { digits++; last = j + 1; }
        else if (u[j] == ')') last = j + 1;
    }
    if (digits < TXT_PHONE_MIN_DIGITS || (j < n && u_isalpha(u[j]) && last == j)) return 0;
    *end = last;
    return last > i + 1;
}

/* Keeps phone numbers whole: no break inside, one even (LTR) bidi level. */
static void glue_phones(txt_ctx *c, int n)
{
    for (int i = 0; i < n; i++) {
        int end;
        if (!phone_span(c->u16, n, i, &end)) continue;
        uint8_t lev = 0;
        for (int k = i; k < end; k++)
            if (is_digit(c->u16[k]) && c->level[k] > lev) lev = c->level[k];
        if (lev & 1) lev++;
        for (int k = i; k < end; k++) {
            if (k > i) c->brk[k] = 0;
            c->level[k] = lev;
        }
        i = end - 1;
    }
}

static int analyse_bidi(txt_ctx *c, int n, int dir, int icon)
{
    UErrorCode e = U_ZERO_ERROR;
    UBiDiLevel para = dir == TXT_DIR_RTL ? 1 : dir == TXT_DIR_LTR ? 0 : UBIDI_DEFAULT_LTR;
    if (icon) {
        memset(c->level, 0, (size_t)n);
        c->para_rtl = dir == TXT_DIR_RTL;
        return 0;
    }
    ubidi_setPara(c->bidi, c->u16, n, para, NULL, &e);
    const UBiDiLevel *lv = U_SUCCESS(e) ? ubidi_getLevels(c->bidi, &e) : NULL;
    if (U_FAILURE(e) || !lv) return FARO_EINVAL;
    memcpy(c->level, lv, (size_t)n);
    c->para_rtl = ubidi_getParaLevel(c->bidi) & 1;
    return 0;
}

/* brk[i]: 1 may break before i, 2 must break; brk[n] is the end. */
static int analyse_breaks(txt_ctx *c, int n)
{
    UErrorCode e = U_ZERO_ERROR;
    memset(c->brk, 0, (size_t)n + 1);
    ubrk_setText(c->line_it, c->u16, n, &e);
    if (U_FAILURE(e)) return FARO_EINVAL;
    for (int32_t b = ubrk_next(c->line_it); b != UBRK_DONE; b = ubrk_next(c->line_it)) {
        int st = ubrk_getRuleStatus(c->line_it);
        c->brk[b] = (st >= UBRK_LINE_HARD && st < UBRK_LINE_HARD_LIMIT) ? 2 : 1;
    }
    c->brk[n] = 2;
    return 0;
}

static int kind_of(uint32_t cp)
{
    if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029 || cp == 0x85 || cp == 0x0B
        || cp == 0x0C) return K_NEWLINE;
    if (cp == ' ' || cp == '\t' || u_charType((UChar32)cp) == U_SPACE_SEPARATOR) return K_SPACE;
    return K_TEXT;
}

/* The script a language is written in, for text with no letters of its
 * own (digits, punctuation): "ar" -> Arabic, "zh" -> Han, else Latin. */
static int16_t lang_script(const char *lang)
{
    static const struct { const char *lang; int16_t script; } map[] = {
        { "ar", USCRIPT_ARABIC }, { "fa", USCRIPT_ARABIC }, { "ur", USCRIPT_ARABIC },
        { "ps", USCRIPT_ARABIC }, { "ku", USCRIPT_ARABIC }, { "hi", USCRIPT_DEVANAGARI },
        { "ne", USCRIPT_DEVANAGARI }, { "mr", USCRIPT_DEVANAGARI }, { "bn", USCRIPT_BENGALI },
        { "am", USCRIPT_ETHIOPIC }, { "ti", USCRIPT_ETHIOPIC }, { "zh", USCRIPT_HAN },
        { "ja", USCRIPT_HAN },
    };
    for (size_t i = 0; lang && i < sizeof map / sizeof map[0]; i++)
        if (!strncmp(lang, map[i].lang, 2) && (!lang[2] || lang[2] == '-' || lang[2] == '_'))
            return map[i].script;
    return USCRIPT_LATIN;
}

/* Script per unit; Common and Inherited take the preceding script (or the
 * first real one when they lead; the language's when there is none). */
static void analyse_scripts(txt_ctx *c, int n, const char *lang)
{
    int16_t last = -1, first = lang_script(lang);
    for (int i = 0; i < n; i++) {
        UErrorCode e = U_ZERO_ERROR;
        UScriptCode s = uscript_getScript((UChar32)cp_at(c->u16, n, i), &e);
        if (s > USCRIPT_INHERITED && s != USCRIPT_UNKNOWN) { if (last < 0) first = (int16_t)s; last = (int16_t)s; }
        c->script[i] = (s > USCRIPT_INHERITED && s != USCRIPT_UNKNOWN) ? (int16_t)s : last;
        if (U16_IS_LEAD(c->u16[i]) && i + 1 < n) { c->script[i + 1] = c->script[i]; i++; }
    }
    for (int i = 0; i < n && c->script[i] < 0; i++) c->script[i] = first;
}

static int is_attached(uint32_t cp)
{
    int8_t t = u_charType((UChar32)cp);
    return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK
        || cp == 0x200C || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F)
        || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static void analyse_fonts(txt_ctx *c, int n, int icon)
{
    for (int i = 0; i < n; i++) {
        uint32_t cp = cp_at(c->u16, n, i);
        int f;
        if (icon) f = F_ICON;
        else if (i > 0 && is_attached(cp)) f = c->face[i - 1];
        else f = face_for_cp(c, face_for_script((UScriptCode)c->script[i]), cp);
        c->face[i] = (uint8_t)f;
        c->kind[i] = (uint8_t)kind_of(cp);
        if (cp >= 0x10000 && i + 1 < n) { c->face[i + 1] = c->face[i]; c->kind[i + 1] = c->kind[i]; i++; }
    }
}

/* ================================================================== */
/* atoms and their widths                                              */
/* ================================================================== */

static const char *script_tag(int16_t s, int face)
{
    if (face == F_ICON || s < 0) return "Latn";
    const char *t = uscript_getShortName((UScriptCode)s);
    return t && strlen(t) == 4 ? t : "Zyyy";
}

/* Builds the key (header + UTF-8) of units [s, e) in ctx->key; returns its
 * length without the NUL terminator that follows it, or <0. */
static int atom_key(txt_ctx *c, const atom *a, int px)
{
    size_t need = KEYHDR + (size_t)(a->e - a->s) * 3 + 1;
    if (grow((void **)&c->key, &c->key_cap, need, 1) < 0) return FARO_ENOMEM;
    unsigned char *k = c->key;
    const char *tag = script_tag(a->script, a->face);
    k[0] = a->face; k[1] = a->bold; k[2] = a->level & 1;
    k[3] = (unsigned char)(px & 0xFF); k[4] = (unsigned char)(px >> 8); k[5] = 0;
    memcpy(k + 6, tag, 4);
    int o = KEYHDR;
    for (int i = a->s; i < a->e; i++) {
        uint32_t cp = cp_at(c->u16, a->e, i);
        if (cp >= 0x10000) i++;
        o += utf8_encode(cp, (char *)k + o);
    }
    k[o] = 0;
    return o;
}

/* Sets the shaping direction and script of font for the key's header. */
static void font_prepare(TTF_Font *f, const unsigned char *key)
{
    char tag[5];
    memcpy(tag, key + 6, 4);
    tag[4] = 0;
    TTF_SetFontDirection(f, key[2] ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(f, tag);
}

static int space_width(txt_ctx *c, const atom *a, int px)
{
    TTF_Font *f = font_get(c, a->face, px, a->bold);
    int adv = 0, w = 0;
    if (!f) return 0;
    for (int i = a->s; i < a->e; i++) {
        if (TTF_GlyphMetrics32(f, c->u16[i] == '\t' ? ' ' : c->u16[i], NULL, NULL, NULL, NULL, &adv) < 0
            && TTF_GlyphMetrics32(f, ' ', NULL, NULL, NULL, NULL, &adv) < 0) adv = px / 4;
        w += adv;
    }
    return w;
}

/* Width of a text atom: the width cache, else HarfBuzz through SDL_ttf. */
static int text_width(txt_ctx *c, const atom *a, int px, int *w)
{
    int len = atom_key(c, a, px);
    if (len < 0) return len;
    uint64_t h = hash_bytes(c->key, (size_t)len);
    centry *e = cache_find(&c->widths, h, c->key, (size_t)len);
    if (e) { *w = e->a; return 0; }
    TTF_Font *f = font_get(c, a->face, px, a->bold);
    int tw = 0, th = 0;
    if (f) {
        font_prepare(f, c->key);
        if (TTF_SizeUTF8(f, (const char *)c->key + KEYHDR, &tw, &th) < 0) tw = 0;
    }
    e = cache_add(&c->widths, h, c->key, (size_t)len, 1);
    if (e) e->a = tw;
    *w = tw;
    return 0;
}

static int atom_measure(txt_ctx *c, atom *a, int px)
{
    a->w = 0;
    if (a->kind == K_NEWLINE) return 0;
    if (a->kind == K_SPACE) { a->w = space_width(c, a, px); return 0; }
    return text_width(c, a, px, &a->w);
}

static int same_atom(const txt_ctx *c, int i, int j)
{
    return c->level[i] == c->level[j] && c->face[i] == c->face[j] && c->bold[i] == c->bold[j]
        && c->script[i] == c->script[j] && c->kind[i] == c->kind[j] && c->kind[i] != K_NEWLINE;
}

static int build_atoms(txt_ctx *c, int n, int px)
{
    c->natoms = 0;
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && !c->brk[j] && (same_atom(c, i, j) || U16_IS_TRAIL(c->u16[j]))) j++;
        if (grow((void **)&c->atoms, &c->atoms_cap, (size_t)c->natoms + 1, sizeof(atom)) < 0)
            return FARO_ENOMEM;
        atom *a = &c->atoms[c->natoms++];
        *a = (atom){ i, j, 0, c->level[i], c->face[i], c->bold[i], c->kind[i], c->script[i], c->brk[j] };
        int rc = atom_measure(c, a, px);
        if (rc < 0) return rc;
        i = j;
    }
    return 0;
}

/* Width of the segment starting at atom *ai (up to a break), content only. */
static int segment_width(const txt_ctx *c, int ai, int *next, int *tail_w, int *hard)
{
    int w = 0, tw = 0, k = ai;
    for (; k < c->natoms; k++) {
        const atom *a = &c->atoms[k];
        if (a->kind == K_TEXT) { w += tw + a->w; tw = 0; } else tw += a->w;
        if (a->brk_after) break;
    }
    *next = k + 1;
    *tail_w = tw;
    *hard = k < c->natoms && c->atoms[k].brk_after == 2;
    return w;
}

/* Adds grapheme break opportunities inside every segment wider than width.
 * Returns 1 when something was added (atoms must be rebuilt). */
static int emergency_breaks(txt_ctx *c, int n, int width)
{
    int added = 0, next, tw, hard;
    UErrorCode e = U_ZERO_ERROR;
    ubrk_setText(c->char_it, c->u16, n, &e);
    if (U_FAILURE(e)) return 0;
    for (int ai = 0; ai < c->natoms; ai = next) {
        if (segment_width(c, ai, &next, &tw, &hard) <= width) continue;
        int s = c->atoms[ai].s, end = c->atoms[next - 1].e;
        for (int32_t b = ubrk_following(c->char_it, s); b != UBRK_DONE && b < end;
             b = ubrk_next(c->char_it))
            if (!c->brk[b]) { c->brk[b] = 1; added = 1; }
    }
    return added;
}

/* ================================================================== */
/* lines                                                               */
/* ================================================================== */

static int push_line(txt_ctx *c, int a0, int a1)
{
    while (a1 > a0 && c->atoms[a1 - 1].kind != K_TEXT) a1--;
    if (grow((void **)&c->lines, &c->lines_cap, (size_t)c->nlines + 1, sizeof(line)) < 0)
        return FARO_ENOMEM;
    c->lines[c->nlines++] = (line){ a0, a1 };
    return 0;
}

static int break_lines(txt_ctx *c, int width)
{
    int start = 0, lw = 0, next, tw, hard, rc = 0;
    c->nlines = 0;
    for (int ai = 0; ai < c->natoms && rc == 0; ai = next) {
        int cw = segment_width(c, ai, &next, &tw, &hard);
        if (width > 0 && ai > start && lw + cw > width) {
            rc = push_line(c, start, ai);
            start = ai;
            lw = 0;
        }
        lw += cw + tw;
        if (hard && next < c->natoms && rc == 0) {
            rc = push_line(c, start, next);
            start = next;
            lw = 0;
        }
    }
    if (rc == 0 && start < c->natoms) rc = push_line(c, start, c->natoms);
    return rc;
}

/* Steps 2-6 over ctx->u16[0..n). */
static int run_pipeline(txt_ctx *c, int n, const txt_params *p, int px)
{
    int rc = analyse_bidi(c, n, p->dir, p->icon);
    if (rc == 0) rc = analyse_breaks(c, n);
    if (rc < 0) return rc;
    if (!p->icon) glue_phones(c, n);
    analyse_scripts(c, n, p->lang);
    analyse_fonts(c, n, p->icon);
    rc = build_atoms(c, n, px);
    if (rc == 0 && p->width > 0 && emergency_breaks(c, n, p->width)) rc = build_atoms(c, n, px);
    if (rc == 0) rc = break_lines(c, p->width);
    return rc;
}

/* Copies the first n source units (plus an optional ellipsis) to u16. */
static int load_units(txt_ctx *c, int n, int ellipsis)
{
    if (scratch_reserve(c, (size_t)n + 1) < 0) return FARO_ENOMEM;
    memcpy(c->u16, c->src16, (size_t)n * sizeof *c->u16);
    memcpy(c->bold, c->srcbold, (size_t)n);
    if (ellipsis) {
        c->u16[n] = 0x2026;
        c->bold[n] = n ? c->bold[n - 1] : 0;
        n++;
    }
    return n;
}

/* Lays out the first cut units of the source followed by "…"; returns
 * 1 when it fits in max_lines, 0 when not, <0 on error. */
static int try_cut(txt_ctx *c, const txt_params *p, int px, int cut)
{
    while (cut > 0 && kind_of(c->src16[cut - 1]) != K_TEXT) cut--;
    int n = load_units(c, cut, 1);
    if (n < 0) return n;
    int rc = run_pipeline(c, n, p, px);
    return rc < 0 ? rc : c->nlines <= p->max_lines;
}

/* Step 6: the largest grapheme boundary in the last allowed line at which
 * the text plus an ellipsis still fits in max_lines lines. */
static int cut_with_ellipsis(txt_ctx *c, const txt_params *p, int px, int nsrc)
{
    int ls = c->atoms[c->lines[p->max_lines - 1].a0].s;
    int le = c->atoms[c->lines[p->max_lines].a0].s;
    int cand[1024], nc = 0;
    UErrorCode e = U_ZERO_ERROR;
    ubrk_setText(c->char_it, c->src16, nsrc, &e);
    if (U_FAILURE(e)) return FARO_EINVAL;
    cand[nc++] = ls;
    for (int32_t b = ubrk_following(c->char_it, ls); b != UBRK_DONE && b <= le && nc < 1024;
         b = ubrk_next(c->char_it)) cand[nc++] = b;
    int lo = 0, hi = nc - 1;           /* cand[lo] fits (assumed), find the last */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2, rc = try_cut(c, p, px, cand[mid]);
        if (rc < 0) return rc;
        if (rc) lo = mid; else hi = mid - 1;
    }
    int rc = try_cut(c, p, px, cand[lo]);
    if (rc >= 0 && c->nlines > p->max_lines) c->nlines = p->max_lines;
    return rc < 0 ? rc : 0;
}

/* ================================================================== */
/* emit: visual order, alignment, the cached block                    */
/* ================================================================== */

/* Rule L2 over the atoms of one line: c->order gets atom indices in
 * visual order. */
static int visual_order(txt_ctx *c, const line *ln)
{
    int n = ln->a1 - ln->a0, maxl = 0, minodd = 255;
    if (grow((void **)&c->order, &c->order_cap, (size_t)n + 1, sizeof(int)) < 0) return FARO_ENOMEM;
    for (int i = 0; i < n; i++) {
        int lv = c->atoms[ln->a0 + i].level;
        c->order[i] = ln->a0 + i;
        if (lv > maxl) maxl = lv;
        if ((lv & 1) && lv < minodd) minodd = lv;
    }
    for (int lv = maxl; lv >= minodd && lv > 0; lv--) {
        for (int i = 0; i < n;) {
            if (c->atoms[c->order[i]].level < lv) { i++; continue; }
            int j = i;
            while (j < n && c->atoms[c->order[j]].level >= lv) j++;
            for (int a = i, b = j - 1; a < b; a++, b--) {
                int t = c->order[a]; c->order[a] = c->order[b]; c->order[b] = t;
            }
            i = j;
        }
    }
    return n;
}

static int line_width(const txt_ctx *c, const line *ln)
{
    int w = 0;
    for (int i = ln->a0; i < ln->a1; i++) w += c->atoms[i].w;
    return w;
}

/* Direction of the paragraph a line belongs to: with TXT_DIR_AUTO each
 * paragraph of the text (after a newline) finds its own. */
static int line_rtl(const txt_ctx *c, const txt_params *p, const line *ln)
{
    UErrorCode e = U_ZERO_ERROR;
    UBiDiLevel lev = 0;
    if (p->icon || ln->a1 <= ln->a0) return c->para_rtl;
    ubidi_getParagraph(c->bidi, c->atoms[ln->a0].s, NULL, NULL, &lev, &e);
    return U_SUCCESS(e) ? lev & 1 : c->para_rtl;
}

static int align_offset(const txt_params *p, int rtl, int box, int lw)
{
    int start_right = rtl;
    if (p->align == TXT_ALIGN_CENTER) return (box - lw) / 2;
    if (p->align == TXT_ALIGN_END) start_right = !start_right;
    return start_right ? box - lw : 0;
}

static int atom_yoff(txt_ctx *c, const atom *a, int px, int line_h, int baseline)
{
    TTF_Font *f = font_get(c, a->face, px, a->bold);
    if (!f) return 0;
    if (a->face == F_ICON) return (line_h - TTF_FontHeight(f)) / 2;
    return baseline - TTF_FontAscent(f);
}

/* Counts drawable atoms and pool bytes of the kept lines. */
static void emit_sizes(const txt_ctx *c, int *natoms, size_t *pool)
{
    *natoms = 0;
    *pool = 0;
    for (int l = 0; l < c->nlines; l++)
        for (int i = c->lines[l].a0; i < c->lines[l].a1; i++) {
            if (c->atoms[i].kind != K_TEXT || c->atoms[i].w <= 0) continue;
            (*natoms)++;
            *pool += KEYHDR + (size_t)(c->atoms[i].e - c->atoms[i].s) * 3 + 1;
        }
}

static layout *emit_alloc(const txt_ctx *c, size_t *total)
{
    int natoms;
    size_t pool;
    emit_sizes(c, &natoms, &pool);
    *total = sizeof(layout) + (size_t)natoms * sizeof(lay_atom) + pool;
    layout *L = calloc(1, *total);
    if (!L) return NULL;
    L->atoms = (lay_atom *)(L + 1);
    L->pool = (char *)(L->atoms + natoms);
    return L;
}

static int emit_atom(txt_ctx *c, layout *L, const atom *a, int px, int x, int y, size_t *po)
{
    int len = atom_key(c, a, px);
    if (len < 0) return len;
    lay_atom *la = &L->atoms[L->natoms++];
    memcpy(L->pool + *po, c->key, (size_t)len + 1);
    la->x = x;
    la->y = y;
    la->key_off = (uint32_t)*po;
    la->key_len = (uint32_t)len;
    la->hash = hash_bytes(c->key, (size_t)len);
    *po += (size_t)len + 1;
    return 0;
}

static int emit_line(txt_ctx *c, layout *L, const txt_params *p, int px, int l, int baseline, size_t *po)
{
    const line *ln = &c->lines[l];
    int n = visual_order(c, ln);
    if (n < 0) return n;
    int x = align_offset(p, line_rtl(c, p, ln), L->box_w, line_width(c, ln));
    for (int k = 0; k < n; k++) {
        const atom *a = &c->atoms[c->order[k]];
        if (a->kind == K_TEXT && a->w > 0) {
            int y = l * L->line_h + atom_yoff(c, a, px, L->line_h, baseline);
            int rc = emit_atom(c, L, a, px, x, y, po);
            if (rc < 0) return rc;
            L->atoms[L->natoms - 1].line = l;
        }
        x += a->w;
    }
    return 0;
}

static layout *emit_layout(txt_ctx *c, const txt_params *p, int px, size_t *total)
{
    layout *L = emit_alloc(c, total);
    int baseline;
    size_t po = 0;
    if (!L) return NULL;
    line_metrics(c, px, &L->line_h, &baseline);
    L->nlines = c->nlines;
    for (int l = 0; l < c->nlines; l++) {
        int lw = line_width(c, &c->lines[l]);
        if (lw > L->w) L->w = lw;
    }
    L->h = L->nlines * L->line_h;
    L->box_w = p->width > 0 ? p->width : L->w;
    for (int l = 0; l < c->nlines; l++)
        if (emit_line(c, L, p, px, l, baseline, &po) < 0) { free(L); return NULL; }
    return L;
}

/* ================================================================== */
/* the layout cache                                                    */
/* ================================================================== */

static int clamp_px(int px)
{
    return px < TXT_MIN_PX ? TXT_MIN_PX : px > TXT_MAX_PX ? TXT_MAX_PX : px;
}

/* Bytes of the paragraph used: all, or TXT_MAX_PARA_BYTES cut at a
 * character boundary. */
static size_t text_len(const txt_params *p)
{
    size_t len = p->len >= 0 ? (size_t)p->len : strlen(p->text);
    if (len <= TXT_MAX_PARA_BYTES) return len;
    len = TXT_MAX_PARA_BYTES;
    while (len > 0 && ((unsigned char)p->text[len] & 0xC0) == 0x80) len--;
    return len;
}

/* The layout cache key: every parameter that changes the result, the bold
 * marks and the text.  Built in ctx->key; returns its length or <0. */
static int layout_key(txt_ctx *c, const txt_params *p, size_t len)
{
    int hdr[9] = { clamp_px(p->px), p->bold_all, p->width, p->max_lines, p->dir, p->align,
                   p->icon, p->bold && p->nbold > 0 ? p->nbold : 0, 0 };
    char lang[FARO_MAX_LANG_LEN + 1] = { 0 };
    size_t marks = (size_t)hdr[7] * sizeof(txt_mark);
    size_t need = sizeof hdr + sizeof lang + marks + len;
    if (p->lang) strncpy(lang, p->lang, FARO_MAX_LANG_LEN);
    if (grow((void **)&c->key, &c->key_cap, need + 1, 1) < 0) return FARO_ENOMEM;
    memcpy(c->key, hdr, sizeof hdr);
    memcpy(c->key + sizeof hdr, lang, sizeof lang);
    if (marks) memcpy(c->key + sizeof hdr + sizeof lang, p->bold, marks);
    memcpy(c->key + sizeof hdr + sizeof lang + marks, p->text, len);
    return (int)need;
}

/* Steps 1-6: leaves lines and atoms in the scratch state.  0 or <0. */
static int layout_run(txt_ctx *c, const txt_params *p, size_t len)
{
    int px = clamp_px(p->px);
    int n = sanitize_to_u16(c, p, len);
    if (n < 0) return n;
    int rc = load_units(c, n, 0);
    if (rc >= 0) rc = run_pipeline(c, n, p, px);
    if (rc >= 0 && p->max_lines > 0 && c->nlines > p->max_lines) rc = cut_with_ellipsis(c, p, px, n);
    return rc < 0 ? rc : 0;
}

static layout *layout_build(txt_ctx *c, const txt_params *p, size_t len, size_t *total)
{
    if (layout_run(c, p, len) < 0) return NULL;
    return emit_layout(c, p, clamp_px(p->px), total);
}

/* The cached layout of p, made on a miss.  NULL on error. */
static layout *layout_get(txt_ctx *c, const txt_params *p)
{
    size_t len = text_len(p), total = 0;
    int klen = layout_key(c, p, len);
    if (klen < 0) return NULL;
    uint64_t h = hash_bytes(c->key, (size_t)klen);
    centry *e = cache_find(&c->layouts, h, c->key, (size_t)klen);
    if (e) { c->stats.layout_hits++; return e->ptr; }
    layout *L = layout_build(c, p, len, &total);
    if (!L) return NULL;
    c->stats.layouts_made++;
    klen = layout_key(c, p, len);           /* ctx->key was reused meanwhile */
    e = klen < 0 ? NULL : cache_add(&c->layouts, h, c->key, (size_t)klen, total + (size_t)klen);
    if (!e) { free(L); return NULL; }
    e->ptr = L;
    return L;
}

int txt_measure(txt_ctx *c, const txt_params *p, int *w, int *h)
{
    layout *L = (c && p && p->text) ? layout_get(c, p) : NULL;
    if (w) *w = L ? L->w : 0;
    if (h) *h = L ? L->h : 0;
    return L ? L->nlines : 0;
}

int txt_line_height(txt_ctx *c, int px)
{
    int line_h, baseline;
    if (!c) return px;
    line_metrics(c, clamp_px(px), &line_h, &baseline);
    return line_h;
}

/* ================================================================== */
/* drawing and the texture cache                                       */
/* ================================================================== */

/* A rasterised run: the texture holds rows [top, top + h) of the line box
 * the font rendered (SDL_ttf renders the font's full height; Arabic's is
 * 1.5 lines, so cropping to the inked rows saves memory and blitting). */
typedef struct run_tex { SDL_Texture *t; int w, h, top; } run_tex;

static int row_inked(const SDL_Surface *s, int y)
{
    const Uint32 *row = (const Uint32 *)((const char *)s->pixels + (size_t)y * (size_t)s->pitch);
    for (int x = 0; x < s->w; x++)
        if (row[x] & 0xFF000000u) return 1;
    return 0;
}

/* Texture from the inked rows of s (ARGB8888); top/h say which. */
static SDL_Texture *texture_cropped(SDL_Renderer *r, SDL_Surface *s, run_tex *rt)
{
    int top = 0, bottom = s->h;
    if (SDL_LockSurface(s) < 0) return NULL;
    while (top < bottom && !row_inked(s, top)) top++;
    while (bottom > top && !row_inked(s, bottom - 1)) bottom--;
    SDL_Surface *part = bottom > top ? SDL_CreateRGBSurfaceWithFormatFrom(
        (char *)s->pixels + (size_t)top * (size_t)s->pitch, s->w, bottom - top, 32, s->pitch,
        SDL_PIXELFORMAT_ARGB8888) : NULL;
    SDL_UnlockSurface(s);
    SDL_Texture *t = part ? SDL_CreateTextureFromSurface(r, part) : NULL;
    SDL_FreeSurface(part);
    *rt = (run_tex){ t, s->w, bottom - top, top };
    return t;
}

/* Rasterises a run in its final colour: SDL's software renderer blits an
 * unmodulated ARGB texture through its fast path, while colour-modulated
 * blits take a generic per-pixel loop (measured: 4.8 -> 0.8 ms a frame). */
static int rasterise(txt_ctx *c, SDL_Renderer *r, const char *key, run_tex *rt, txt_color col)
{
    const unsigned char *k = (const unsigned char *)key;
    TTF_Font *f = font_get(c, k[0], k[3] | (k[4] << 8), k[1]);
    if (!f) return 0;
    font_prepare(f, k);
    SDL_Surface *s = TTF_RenderUTF8_Blended(f, key + KEYHDR, (SDL_Color){ col.r, col.g, col.b, 255 });
    if (!s) return 0;
    SDL_Texture *t = s->format->format == SDL_PIXELFORMAT_ARGB8888 ? texture_cropped(r, s, rt)
                   : SDL_CreateTextureFromSurface(r, s);
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888) *rt = (run_tex){ t, s->w, s->h, 0 };
    SDL_FreeSurface(s);
    if (t) SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    c->stats.runs_rasterised++;
    return t != NULL;
}

static void note_peak(txt_ctx *c)
{
    c->stats.texture_bytes = c->textures.cost;
    if (c->textures.cost > c->stats.texture_peak_bytes) c->stats.texture_peak_bytes = c->textures.cost;
}

/* Draws one atom from the texture cache (rasterising it on a miss). */
static int draw_atom(txt_ctx *c, SDL_Renderer *r, const layout *L, const lay_atom *a,
                     int x, int y, txt_color col)
{
    const char *key = L->pool + a->key_off;
    uint32_t tag = ((uint32_t)col.r << 24 | (uint32_t)col.g << 16 | (uint32_t)col.b << 8 | 0xFFu);
    uint64_t h = a->hash ^ (tag * 0x9E3779B97F4A7C15ull);
    centry *e = cache_find_tag(&c->textures, h, key, a->key_len, tag);
    run_tex rt = { NULL, 0, 0, 0 };
    int own = 0;
    if (e) { c->stats.run_hits++; rt = (run_tex){ e->ptr, e->a, e->b, e->top }; }
    else {
        /* nothing to show (no font, an invisible run, a run wider than
         * the renderer's textures): skip it, the rest still draws */
        if (!rasterise(c, r, key, &rt, col)) return 0;
        size_t bytes = (size_t)rt.w * (size_t)rt.h * 4;
        e = bytes <= c->textures.max_cost ? cache_add(&c->textures, h, key, a->key_len, bytes) : NULL;
        if (e) { e->ptr = rt.t; e->a = rt.w; e->b = rt.h; e->top = rt.top; e->tag = tag; note_peak(c); }
        else own = 1;
    }
    SDL_SetTextureAlphaMod(rt.t, col.a);
    SDL_Rect dst = { x + a->x, y + a->y + rt.top, rt.w, rt.h };
    int rc = SDL_RenderCopy(r, rt.t, NULL, &dst);
    if (own) SDL_DestroyTexture(rt.t);
    return rc < 0 ? FARO_EINVAL : 0;
}

/* The visible vertical range in the renderer's coordinates. */
static void visible_rows(SDL_Renderer *r, int *top, int *bottom)
{
    SDL_Rect vp, clip;
    SDL_RenderGetViewport(r, &vp);
    *top = 0;
    *bottom = vp.h > 0 ? vp.h : 1 << 30;
    if (SDL_RenderIsClipEnabled(r)) {
        SDL_RenderGetClipRect(r, &clip);
        *top = clip.y;
        *bottom = clip.y + clip.h;
    }
}

int txt_draw(txt_ctx *c, struct SDL_Renderer *r, const txt_params *p, int x, int y, txt_color col)
{
    if (!c || !r || !p || !p->text) return FARO_EINVAL;
    layout *L = layout_get(c, p);
    if (!L) return FARO_ENOMEM;
    if (c->tex_renderer != r) { cache_forget_textures(&c->textures); c->tex_renderer = r; }
    int top, bottom, rc = 0;
    visible_rows(r, &top, &bottom);
    for (int i = 0; i < L->natoms && rc == 0; i++) {
        int ly = y + L->atoms[i].line * L->line_h;
        if (ly + L->line_h < top || ly > bottom) continue;
        rc = draw_atom(c, r, L, &L->atoms[i], x, y, col);
    }
    note_peak(c);
    return rc;
}

void txt_drop_textures(txt_ctx *c)
{
    if (!c) return;
    cache_clear(&c->textures);
    c->tex_renderer = NULL;
    note_peak(c);
}

void txt_get_stats(const txt_ctx *c, txt_stats *out)
{
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (c) *out = c->stats;
}

/* ================================================================== */
/* diagnostics                                                         */
/* ================================================================== */

/* Appends units [s, e) as UTF-8 to out at *o (bounded by outlen). */
static void append_units(const txt_ctx *c, int s, int e, char *out, size_t outlen, size_t *o)
{
    char buf[4];
    for (int i = s; i < e; i++) {
        uint32_t cp = cp_at(c->u16, e, i);
        if (cp >= 0x10000) i++;
        int k = utf8_encode(cp, buf);
        if (*o + (size_t)k + 1 > outlen) return;
        memcpy(out + *o, buf, (size_t)k);
        *o += (size_t)k;
    }
}

int txt_line_texts(txt_ctx *c, const txt_params *p, char *out, size_t outlen)
{
    if (!c || !p || !p->text || !out || !outlen) return FARO_EINVAL;
    int rc = layout_run(c, p, text_len(p));
    size_t o = 0;
    if (rc < 0) return rc;
    for (int l = 0; l < c->nlines; l++) {
        const line *ln = &c->lines[l];
        if (l && o + 2 <= outlen) out[o++] = '\n';
        if (ln->a1 > ln->a0) append_units(c, c->atoms[ln->a0].s, c->atoms[ln->a1 - 1].e, out, outlen, &o);
    }
    out[o] = 0;
    return c->nlines;
}

int txt_missing_glyphs(txt_ctx *c, const txt_params *p)
{
    if (!c || !p || !p->text) return FARO_EINVAL;
    int rc = layout_run(c, p, text_len(p)), missing = 0;
    if (rc < 0) return rc;
    int n = c->natoms ? c->atoms[c->natoms - 1].e : 0;
    for (int i = 0; i < n; i++) {
        uint32_t cp = cp_at(c->u16, n, i);
        if (cp >= 0x10000) i++;
        if (c->kind[i] != K_TEXT || u_hasBinaryProperty((UChar32)cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
            continue;
        missing += !face_has(c, c->face[i], cp);
    }
    return missing;
}

/* ================================================================== */
/* conformance entry points                                            */
/* ================================================================== */

static int x9_removed(uint32_t cp)
{
    int d = u_charDirection((UChar32)cp);
    return d == U_LEFT_TO_RIGHT_EMBEDDING || d == U_RIGHT_TO_LEFT_EMBEDDING
        || d == U_LEFT_TO_RIGHT_OVERRIDE || d == U_RIGHT_TO_LEFT_OVERRIDE
        || d == U_POP_DIRECTIONAL_FORMAT || d == U_BOUNDARY_NEUTRAL;
}

static int bidi_fill(UBiDi *b, const uint16_t *text, int n, uint8_t *levels, int *order, int *vmap)
{
    UErrorCode e = U_ZERO_ERROR;
    const UBiDiLevel *lv = ubidi_getLevels(b, &e);
    if (U_SUCCESS(e)) ubidi_getVisualMap(b, vmap, &e);
    if (U_FAILURE(e) || !lv) return FARO_EINVAL;
    for (int i = 0; i < n; i++) levels[i] = x9_removed(cp_at(text, n, i)) ? 0xFF : lv[i];
    int count = 0;
    for (int v = 0; v < n; v++)
        if (vmap[v] >= 0 && levels[vmap[v]] != 0xFF) order[count++] = vmap[v];
    return count;
}

int txt_bidi_levels(const uint16_t *text, int n, int para_dir,
                    uint8_t *levels, int *order, int *resolved_para_level)
{
    UErrorCode e = U_ZERO_ERROR;
    UBiDiLevel para = para_dir == TXT_DIR_RTL ? 1 : para_dir == TXT_DIR_LTR ? 0 : UBIDI_DEFAULT_LTR;
    if (!text || n <= 0 || !levels || !order) return n == 0 ? 0 : FARO_EINVAL;
    UBiDi *b = ubidi_openSized(n, 0, &e);
    int *vmap = malloc((size_t)n * sizeof *vmap);
    int rc = FARO_ENOMEM;
    if (!b || !vmap || U_FAILURE(e)) goto done;
    ubidi_setPara(b, text, n, para, NULL, &e);
    rc = FARO_EINVAL;
    if (U_FAILURE(e)) goto done;
    if (resolved_para_level) *resolved_para_level = ubidi_getParaLevel(b);
    rc = bidi_fill(b, text, n, levels, order, vmap);
done:
    free(vmap);
    if (b) ubidi_close(b);
    return rc;
}

int txt_linebreak(const uint16_t *text, int n, uint8_t *brk)
{
    UErrorCode e = U_ZERO_ERROR;
    if (!text || n < 0 || !brk) return FARO_EINVAL;
    UBreakIterator *it = ubrk_open(UBRK_LINE, "", text, n, &e);
    if (U_FAILURE(e)) return FARO_EINVAL;
    memset(brk, 0, (size_t)n + 1);
    for (int32_t b = ubrk_next(it); b != UBRK_DONE; b = ubrk_next(it)) brk[b] = 1;
    brk[n] = 1;
    ubrk_close(it);
    return 0;
}

/* ================================================================== */
/* forgetting a visit's words                                          */
/* ================================================================== */

/* Zeroes and frees every entry of k (layout blocks too; textures are
 * destroyed, their renderer being alive as for txt_drop_textures). */
static void cache_wipe(cache *k)
{
    while (k->tail) {
        centry *e = k->tail;
        if (k->kind == CACHE_LAYOUT && e->ptr) explicit_bzero(e->ptr, e->cost - e->klen);
        explicit_bzero(e->key, e->klen);
        cache_remove(k, e);
    }
}

/* Zeroes the scratch arrays, which hold the last paragraph laid out. */
static void scratch_wipe(txt_ctx *c)
{
    if (c->src16) explicit_bzero(c->src16, c->src_cap * sizeof *c->src16);
    if (c->srcbold) explicit_bzero(c->srcbold, c->src_cap);
    if (c->u16) explicit_bzero(c->u16, c->cap * sizeof *c->u16);
    if (c->bold) explicit_bzero(c->bold, c->cap);
    if (c->level) explicit_bzero(c->level, c->cap);
    if (c->face) explicit_bzero(c->face, c->cap);
    if (c->kind) explicit_bzero(c->kind, c->cap);
    if (c->brk) explicit_bzero(c->brk, c->cap);
    if (c->script) explicit_bzero(c->script, c->cap * sizeof *c->script);
    if (c->atoms) explicit_bzero(c->atoms, c->atoms_cap * sizeof *c->atoms);
    if (c->lines) explicit_bzero(c->lines, c->lines_cap * sizeof *c->lines);
    if (c->order) explicit_bzero(c->order, c->order_cap * sizeof *c->order);
    if (c->key) explicit_bzero(c->key, c->key_cap);
}

void txt_forget(txt_ctx *c)
{
    if (!c) return;
    cache_wipe(&c->layouts);
    cache_wipe(&c->widths);
    cache_wipe(&c->textures);
    scratch_wipe(c);
    note_peak(c);
}

size_t txt_cached_entries(const txt_ctx *c)
{
    return c ? c->layouts.count + c->widths.count + c->textures.count : 0;
}

int txt_cache_holds(const txt_ctx *c, const char *needle)
{
    const cache *ks[3] = { &c->layouts, &c->widths, &c->textures };
    size_t n = strlen(needle);
    for (int i = 0; i < 3; i++)
        for (const centry *e = ks[i]->head; e; e = e->lnext)
            if ((e->klen >= n && memmem(e->key, e->klen, needle, n))
                || (ks[i]->kind == CACHE_LAYOUT && e->ptr && memmem(e->ptr, e->cost - e->klen, needle, n)))
                return 1;
    return c->key && c->key_cap >= n && memmem(c->key, c->key_cap, needle, n) != NULL;
}

/* ================================================================== */
/* the shared texture budget (article pictures, image.c)               */
/* ================================================================== */

size_t txt_texture_budget(const txt_ctx *c)
{
    return c ? c->textures.max_cost : 0;
}

int txt_texture_lend(txt_ctx *c, size_t bytes)
{
    if (!c || bytes > c->textures.max_cost) return FARO_ELIMIT;
    c->textures.max_cost -= bytes;
    while (c->textures.tail && c->textures.cost > c->textures.max_cost)
        cache_remove(&c->textures, c->textures.tail);
    note_peak(c);
    return 0;
}

void txt_texture_repay(txt_ctx *c, size_t bytes)
{
    if (c) c->textures.max_cost += bytes;
}
