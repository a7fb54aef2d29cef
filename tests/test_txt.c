/*
 * test_txt.c — the text engine: sanitising, wrapping, hard breaks, Chinese
 * and hyphen breaking, phone numbers never broken (Latin and Arabic-Indic
 * digits, inside Arabic too), ellipsis at grapheme boundaries (Devanagari
 * conjuncts, flags), right-to-left and per-paragraph alignment (pixels drawn
 * by SDL's software renderer on a plain surface, no video driver), font
 * fallback with real glyphs (and boxes, not nothing, when a font is
 * missing), synthetic bold, the caches' hits, LRU order and bounds, the
 * renderer lifetime contract, random bytes, and that every character of
 * locales/ and content/ has a glyph.  It also saves two pages to look at:
 * $BUILD/test-out/txt_scripts.png (Arabic, Urdu, Bengali, Hindi, Amharic,
 * Chinese, Spanish) and txt_cases.png (bidi with bold and parentheses, RTL
 * ellipsis, icons, mixed scripts).
 */
#include "check.h"
#include "txt.h"
#include "faro.h"

#include <SDL.h>
#include <SDL_image.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#define FONTS "assets/fonts"

static txt_params para(const char *text, int px, int width)
{
    txt_params p;
    memset(&p, 0, sizeof p);
    p.text = text;
    p.len = -1;
    p.px = px;
    p.width = width;
    return p;
}

/* ---------- a software renderer on a surface ---------- */
typedef struct canvas { SDL_Surface *s; SDL_Renderer *r; } canvas;

static canvas canvas_new(int w, int h)
{
    canvas c = { SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888), NULL };
    if (c.s) c.r = SDL_CreateSoftwareRenderer(c.s);
    return c;
}

static void canvas_clear(canvas *c)
{
    SDL_SetRenderDrawColor(c->r, 0, 0, 0, 255);
    SDL_RenderClear(c->r);
}

/* Textures first (the engine's contract), then the renderer. */
static void canvas_free(txt_ctx *t, canvas *c)
{
    txt_drop_textures(t);
    if (c->r) SDL_DestroyRenderer(c->r);
    if (c->s) SDL_FreeSurface(c->s);
}

/* Lit pixels (any channel > 64) in columns [x0, x1). */
static long lit(const canvas *c, int x0, int x1)
{
    long n = 0;
    SDL_RenderFlush(c->r);
    for (int y = 0; y < c->s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const char *)c->s->pixels + y * c->s->pitch);
        for (int x = x0; x < x1 && x < c->s->w; x++)
            if ((row[x] & 0xFF) > 64 || ((row[x] >> 8) & 0xFF) > 64 || ((row[x] >> 16) & 0xFF) > 64) n++;
    }
    return n;
}

/* Leftmost and rightmost lit columns, -1 when none. */
static void lit_span(const canvas *c, int *left, int *right)
{
    *left = *right = -1;
    for (int x = 0; x < c->s->w; x++)
        if (lit(c, x, x + 1)) { if (*left < 0) *left = x; *right = x; }
}

/* $BUILD/test-out/<name>, the folder made if needed. */
static const char *out_path(const char *name)
{
    static char path[512];
    const char *build = getenv("BUILD");
    snprintf(path, sizeof path, "%s", build ? build : "build");
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/test-out", build ? build : "build");
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/test-out/%s", build ? build : "build", name);
    return path;
}

/* ---------- tests ---------- */
static void test_sanitize(void)
{
    char *s = txt_sanitize("a\xff" "b", 3);
    CHECK_STR(s, "a\xEF\xBF\xBD" "b");
    free(s);
    const char *ctl = "call \xE2\x80\xAE" "3410 555\xE2\x80\xAC now\xE2\x81\xA6!\xE2\x81\xA9";
    s = txt_sanitize(ctl, strlen(ctl));
    CHECK_STR(s, "call 3410 555 now!");
    free(s);
    s = txt_sanitize("x\xE2\x82", 3);                /* truncated sequence */
    CHECK_STR(s, "x\xEF\xBF\xBD");
    free(s);
    s = txt_sanitize("\xC0\xAF", 2);                  /* overlong '/' */
    CHECK_STR(s, "\xEF\xBF\xBD\xEF\xBF\xBD");
    free(s);
    s = txt_sanitize("\xED\xA0\x80", 3);              /* a UTF-16 surrogate */
    CHECK(s && strstr(s, "\xED\xA0") == NULL, "surrogate kept: %s", s);
    free(s);
    s = txt_sanitize("\xED\xA0\x80", 3);              /* maximal subparts: one U+FFFD a byte */
    CHECK_STR(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    free(s);
    s = txt_sanitize("\xF4\x90\x80\x80z", 5);         /* past U+10FFFF */
    CHECK_STR(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
    free(s);
    s = txt_sanitize("\xE2\x82\x41", 3);              /* truncated, then a letter: one U+FFFD */
    CHECK_STR(s, "\xEF\xBF\xBD" "A");
    free(s);
    s = txt_sanitize("\xF0\x9F\x91" "A", 4);          /* truncated 4-byte: one U+FFFD */
    CHECK_STR(s, "\xEF\xBF\xBD" "A");
    free(s);
    s = txt_sanitize("\x80\xBF" "c", 3);              /* stray continuation bytes */
    CHECK_STR(s, "\xEF\xBF\xBD\xEF\xBF\xBD" "c");
    free(s);
    s = txt_sanitize("\xF8\x88\x80\x80\x80w", 6);   /* a 5-byte form */
    CHECK_STR(s, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDw");
    free(s);
    s = txt_sanitize("\xF4\x8F\xBF\xBF", 4);          /* U+10FFFF itself is kept */
    CHECK_STR(s, "\xF4\x8F\xBF\xBF");
    free(s);
    s = txt_sanitize("\xF0\x9F\x87\xB2 \xD8\xB9", 7); /* valid text is kept */
    CHECK_STR(s, "\xF0\x9F\x87\xB2 \xD8\xB9");
    free(s);
}

static const char *es_text =
    "Tienes derecho a pedir asilo. Nadie puede obligarte a volver a un lugar donde tu vida "
    "corre peligro. Pide ayuda en el albergue o llama gratis a la línea de ayuda.";

static void test_wrap(txt_ctx *t)
{
    txt_params p = para(es_text, 28, 2000);
    int w, h, wide = txt_measure(t, &p, &w, &h);
    CHECK(wide == 2, "2000 px: %d lines", wide);
    p.width = 0;
    CHECK(txt_measure(t, &p, &w, &h) == 1, "no wrap: one line");
    CHECK(w > 2000, "one line is wide: %d", w);
    p.width = 600;
    int mid = txt_measure(t, &p, &w, &h);
    CHECK(mid > 2 && w <= 600, "600 px: %d lines, %d wide", mid, w);
    CHECK(h == mid * txt_line_height(t, 28), "height %d = lines x line height", h);
    p.width = 300;
    int narrow = txt_measure(t, &p, &w, &h);
    CHECK(narrow > mid && w <= 300, "300 px: %d lines, %d wide", narrow, w);
    p = para("", 28, 300);
    CHECK(txt_measure(t, &p, &w, &h) == 0 && w == 0 && h == 0, "empty text: no lines");
    p = para("uno\ndos\n\ntres", 28, 0);
    CHECK(txt_measure(t, &p, &w, &h) == 4, "hard breaks: 4 lines");
}

static void test_chinese(txt_ctx *t)
{
    char out[4096];
    txt_params p = para("你有权申请庇护。没有人可以强迫你回到有生命危险的地方。", 28, 200);
    int n = txt_line_texts(t, &p, out, sizeof out);
    int w, h;
    CHECK(n >= 4, "Chinese wraps between characters: %d lines", n);
    CHECK(txt_measure(t, &p, &w, &h) == n && w <= 200, "Chinese fits 200 px: %d", w);
    CHECK(strncmp(out, "你有权申请", 15) == 0 || strncmp(out, "你有权申", 12) == 0,
          "first line is cut between characters: %s", out);
    CHECK(strstr(out, "\n。") == NULL, "no line starts with 。: %s", out);
    CHECK(txt_missing_glyphs(t, &p) == 0, "all hanzi have glyphs");
}

static void test_phone(txt_ctx *t)
{
    const char *nums[] = { "+1 202 555 0143", "+12025550143", "(55) 5555-0143" };
    txt_params p;
    for (int k = 0; k < 3; k++) {
        char text[128], out[512];
        p = para(nums[k], 28, 0);
        int nw, w, h;
        txt_measure(t, &p, &nw, &h);
        snprintf(text, sizeof text, "Llame al %s hoy mismo", nums[k]);
        for (int width = nw + 2; width < nw + 200; width += 17) {
            p = para(text, 28, width);
            txt_line_texts(t, &p, out, sizeof out);
            CHECK(strstr(out, nums[k]) != NULL, "phone %s broken at %d px: [%s]", nums[k], width, out);
            txt_measure(t, &p, &w, &h);
            CHECK(w >= nw - 2, "a line holds the whole number: %d < %d", w, nw);
        }
    }
    /* Arabic-Indic digits are glued too */
    p = para("اتصل على ٠٩١١ ٢٣٤ ٥٦٧ الآن", 28, 0);
    int anw;
    txt_params num = para("٠٩١١ ٢٣٤ ٥٦٧", 28, 0);
    txt_measure(t, &num, &anw, NULL);
    for (int width = anw + 2; width < anw + 150; width += 13) {
        char o2[512];
        p.width = width;
        txt_line_texts(t, &p, o2, sizeof o2);
        CHECK(strstr(o2, "٠٩١١ ٢٣٤ ٥٦٧") != NULL, "Arabic-Indic number broken at %d: [%s]", width, o2);
    }
    /* Latin breaks at hyphens */
    p = para("state-of-the-art", 28, 0);
    int hw;
    txt_measure(t, &p, &hw, NULL);
    p.width = hw * 2 / 3;
    char o3[256];
    CHECK(txt_line_texts(t, &p, o3, sizeof o3) == 2 && strchr(o3, '\n') && strchr(o3, '\n')[-1] == '-',
          "breaks after a hyphen: [%s]", o3);
    /* Right to left: the digits of a number keep their order on screen. */
    p = para("اتصل على +1 202 555 0143 الآن", 28, 0);
    char out[512];
    CHECK(txt_line_texts(t, &p, out, sizeof out) == 1, "Arabic with number: one line");
    CHECK(strstr(out, "+1 202 555 0143") != NULL, "number kept whole in Arabic: %s", out);
}

static int count_cp(const char *s, unsigned lo, unsigned hi)
{
    int n = 0;
    for (const unsigned char *u = (const unsigned char *)s; *u;) {
        unsigned cp = *u, len = 1;
        if (cp >= 0xF0) { cp = ((cp & 7u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu); len = 4; }
        else if (cp >= 0xE0) { cp = ((cp & 15u) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu); len = 3; }
        else if (cp >= 0xC0) { cp = ((cp & 31u) << 6) | (u[1] & 0x3Fu); len = 2; }
        n += cp >= lo && cp <= hi;
        u += len;
    }
    return n;
}

static void test_ellipsis(txt_ctx *t)
{
    char out[4096], text[2048] = "";
    int w, h;
    txt_params p = para(es_text, 28, 400);
    p.max_lines = 2;
    int n = txt_line_texts(t, &p, out, sizeof out);
    CHECK(n == 2, "max_lines 2: %d lines", n);
    CHECK(strstr(out, "\xE2\x80\xA6") != NULL, "ends with an ellipsis: %s", out);
    CHECK(txt_measure(t, &p, &w, &h) == 2 && w <= 400, "cut text fits: %d", w);
    /* Devanagari conjunct क्ष = क ् ष: never split before the ellipsis. */
    for (int i = 0; i < 30; i++) strcat(text, "\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7");
    for (int width = 90; width < 300; width += 23) {
        p = para(text, 28, width);
        p.max_lines = 1;
        txt_line_texts(t, &p, out, sizeof out);
        const char *e = strstr(out, "\xE2\x80\xA6");
        CHECK(e && e - out >= 9 && strncmp(e - 3, "\xE0\xA4\xB7", 3) == 0,
              "conjunct kept whole at %d px: [%s]", width, out);
    }
    /* Flags: two regional indicators per grapheme. */
    text[0] = 0;
    for (int i = 0; i < 20; i++) strcat(text, "\xF0\x9F\x87\xB2\xF0\x9F\x87\xBD");
    for (int width = 60; width < 400; width += 37) {
        p = para(text, 28, width);
        p.max_lines = 1;
        txt_line_texts(t, &p, out, sizeof out);
        int ri = count_cp(out, 0x1F1E6, 0x1F1FF);
        CHECK(ri % 2 == 0 && strstr(out, "\xE2\x80\xA6"), "flag split at %d px: %d RIs", width, ri);
    }
}

static void test_rtl(txt_ctx *t)
{
    canvas c = canvas_new(800, 120);
    int l, r;
    CHECK(c.r != NULL, "software renderer: %s", SDL_GetError());
    if (!c.r) return;
    txt_params p = para("مرحبا بكم في المأوى", 28, 800);
    p.dir = TXT_DIR_RTL;
    canvas_clear(&c);
    CHECK(txt_draw(t, c.r, &p, 0, 10, (txt_color){ 255, 255, 255, 255 }) == 0, "draw RTL");
    lit_span(&c, &l, &r);
    CHECK(l > 400 && r > 700, "RTL start = right edge: lit %d..%d", l, r);
    txt_params two = para("Hello\nمرحبا بكم", 28, 800);   /* AUTO: per paragraph */
    canvas_clear(&c);
    txt_draw(t, c.r, &two, 0, 0, (txt_color){ 255, 255, 255, 255 });
    int lh = txt_line_height(t, 28);
    SDL_RenderFlush(c.r);
    canvas top = { SDL_CreateRGBSurfaceWithFormatFrom(c.s->pixels, 800, lh, 32, c.s->pitch,
                                                      SDL_PIXELFORMAT_ARGB8888), c.r };
    canvas bottom = { SDL_CreateRGBSurfaceWithFormatFrom((char *)c.s->pixels + lh * c.s->pitch, 800,
                                                         lh, 32, c.s->pitch, SDL_PIXELFORMAT_ARGB8888), c.r };
    int l2, r2;
    lit_span(&top, &l, &r);
    lit_span(&bottom, &l2, &r2);
    CHECK(l >= 0 && r < 400 && l2 > 400, "LTR then RTL paragraph: %d..%d, %d..%d", l, r, l2, r2);
    SDL_FreeSurface(top.s);
    SDL_FreeSurface(bottom.s);
    p.dir = TXT_DIR_AUTO;                         /* detected from the text */
    canvas_clear(&c);
    txt_draw(t, c.r, &p, 0, 10, (txt_color){ 255, 255, 255, 255 });
    lit_span(&c, &l, &r);
    CHECK(l > 400, "auto direction finds RTL: lit from %d", l);
    p.align = TXT_ALIGN_END;
    canvas_clear(&c);
    txt_draw(t, c.r, &p, 0, 10, (txt_color){ 255, 255, 255, 255 });
    lit_span(&c, &l, &r);
    CHECK(l >= 0 && r < 400, "RTL end = left edge: lit %d..%d", l, r);
    p = para("Bienvenidos al albergue", 28, 800);
    canvas_clear(&c);
    txt_draw(t, c.r, &p, 0, 10, (txt_color){ 255, 255, 255, 255 });
    lit_span(&c, &l, &r);
    CHECK(l >= 0 && l < 20 && r < 400, "LTR start = left edge: lit %d..%d", l, r);
    p.align = TXT_ALIGN_CENTER;
    canvas_clear(&c);
    txt_draw(t, c.r, &p, 0, 10, (txt_color){ 255, 255, 255, 255 });
    lit_span(&c, &l, &r);
    CHECK(abs((l + r) / 2 - 400) < 20, "centred: lit %d..%d", l, r);
    canvas_free(t, &c);
}

/* The pixels of one code point drawn alone. */
static void glyph_pixels(txt_ctx *t, canvas *c, const char *s, Uint32 *out, int n)
{
    txt_params p = para(s, 40, 0);
    canvas_clear(c);
    txt_draw(t, c->r, &p, 0, 0, (txt_color){ 255, 255, 255, 255 });
    SDL_RenderFlush(c->r);
    memcpy(out, c->s->pixels, (size_t)n * sizeof *out);
}

static void test_fallback(txt_ctx *t)
{
    const char *texts[] = {
        "Tigrinya ትግርኛ +12025550143", "Amharic: ስልክ ቁጥር 0911 234567",
        "Llame a Ahmed أحمد al 555 0143", "Trains from 北京 and 上海", "हिन्दी and বাংলা: 112",
    };
    for (int k = 0; k < 5; k++) {
        txt_params p = para(texts[k], 28, 0);
        CHECK(txt_missing_glyphs(t, &p) == 0, "missing glyphs in %s", texts[k]);
    }
    txt_params p = para("\xEF\xBF\xBF", 28, 0);   /* U+FFFF: no font has it */
    CHECK(txt_missing_glyphs(t, &p) == 1, "U+FFFF counts as missing");
    /* Drawn: a real glyph differs from the .notdef box. */
    canvas c = canvas_new(64, 64);
    static Uint32 box[64 * 64], glyph[64 * 64];
    if (!c.r) return;
    glyph_pixels(t, &c, "\xEF\xBF\xBF", box, 64 * 64);
    const char *chars[] = { "ት", "ግ", "北", "ع", "ক", "ह" };
    for (int k = 0; k < 6; k++) {
        glyph_pixels(t, &c, chars[k], glyph, 64 * 64);
        CHECK(memcmp(box, glyph, sizeof box) != 0, "%s drawn as .notdef", chars[k]);
    }
    canvas_free(t, &c);
}

static void test_icon_and_bold(txt_ctx *t)
{
    int w1, w2, h;
    txt_params p = para("Derechos", 28, 0);
    txt_measure(t, &p, &w1, &h);
    p.bold_all = 1;
    txt_measure(t, &p, &w2, &h);
    CHECK(w2 > w1, "bold is wider: %d vs %d", w2, w1);
    txt_mark m = { 0, 4 };
    p = para("Dere chos", 28, 0);
    p.bold = &m;
    p.nbold = 1;
    CHECK(txt_measure(t, &p, &w2, &h) == 1 && w2 > 0, "marks");
    p = para("\xEE\xA2\x8A", 48, 0);             /* U+E88A home */
    p.icon = 1;
    CHECK(txt_missing_glyphs(t, &p) == 0, "icon glyph present");
    CHECK(txt_measure(t, &p, &w1, &h) == 1 && w1 >= 40, "icon is about 48 px: %d", w1);
}

static void test_cache_hits(txt_ctx *t)
{
    txt_stats s0, s1;
    int w, h;
    txt_params p = para(es_text, 28, 500);
    txt_measure(t, &p, &w, &h);
    txt_get_stats(t, &s0);
    txt_measure(t, &p, &w, &h);
    txt_get_stats(t, &s1);
    CHECK(s1.layouts_made == s0.layouts_made && s1.layout_hits == s0.layout_hits + 1,
          "second measure is a hit: made %ld->%ld hits %ld->%ld",
          s0.layouts_made, s1.layouts_made, s0.layout_hits, s1.layout_hits);
    p.width = 501;                                /* another width: another layout */
    txt_measure(t, &p, &w, &h);
    txt_get_stats(t, &s0);
    CHECK(s0.layouts_made == s1.layouts_made + 1, "new width makes a layout");
    canvas c = canvas_new(600, 400);
    if (!c.r) return;
    txt_stats before;
    txt_get_stats(t, &before);
    txt_draw(t, c.r, &p, 0, 0, (txt_color){ 255, 255, 255, 255 });
    txt_get_stats(t, &s0);
    long white_runs = s0.runs_rasterised - before.runs_rasterised;
    txt_draw(t, c.r, &p, 0, 0, (txt_color){ 255, 255, 255, 128 });
    txt_get_stats(t, &s1);
    CHECK(s0.runs_rasterised > 0 && s1.runs_rasterised == s0.runs_rasterised
          && s1.run_hits > s0.run_hits,
          "second draw (same colour, other alpha) rasterises nothing: %ld->%ld",
          s0.runs_rasterised, s1.runs_rasterised);
    /* runs are rasterised in their colour (the software renderer's fast
     * blit path): another colour is rasterised once, then cached too */
    txt_draw(t, c.r, &p, 0, 0, (txt_color){ 200, 0, 0, 255 });
    txt_get_stats(t, &s0);
    CHECK(white_runs > 0 && s0.runs_rasterised - s1.runs_rasterised == white_runs,
          "a new colour rasterises each run once: %ld runs, %ld new", white_runs,
          s0.runs_rasterised - s1.runs_rasterised);
    txt_draw(t, c.r, &p, 0, 0, (txt_color){ 200, 0, 0, 255 });
    txt_get_stats(t, &s1);
    CHECK(s1.runs_rasterised == s0.runs_rasterised, "the new colour is cached too");
    CHECK(s1.layouts_made == s0.layouts_made, "draw reuses the layout");
    CHECK(s1.texture_bytes > 0 && s1.texture_peak_bytes >= s1.texture_bytes, "texture bytes counted");
    /* A renderer destroyed without txt_drop_textures: the next renderer
     * makes the engine forget (never touch) the dead textures. */
    SDL_DestroyRenderer(c.r);
    c.r = SDL_CreateSoftwareRenderer(c.s);
    CHECK(c.r && txt_draw(t, c.r, &p, 0, 0, (txt_color){ 255, 255, 255, 255 }) == 0, "new renderer");
    txt_get_stats(t, &s0);
    CHECK(s0.runs_rasterised > s1.runs_rasterised, "runs rasterised again for the new renderer");
    canvas_free(t, &c);
}

/* Eviction is least-recently-used, not first-in-first-out: with room for
 * two equal runs, drawing X Y X Z evicts Y (not X). */
static void test_cache_lru(void)
{
    char err[256];
    txt_stats s;
    txt_ctx *t = txt_new(FONTS, 1 << 20, err, sizeof err);
    canvas c = canvas_new(200, 100);
    if (!t || !c.r) { CHECK(0, "setup: %s", err); txt_free(t); return; }
    txt_params p = para("0", 40, 0);
    txt_draw(t, c.r, &p, 0, 0, (txt_color){ 255, 255, 255, 255 });
    txt_get_stats(t, &s);
    size_t one = s.texture_bytes;
    canvas_free(t, &c);
    txt_free(t);
    t = txt_new(FONTS, one * 5 / 2, err, sizeof err);
    c = canvas_new(200, 100);
    if (!t || !c.r) { CHECK(0, "setup 2"); txt_free(t); return; }
    const char *seq = "XYXZXY";                  /* digits stand for X, Y, Z */
    const long want[] = { 1, 2, 2, 3, 3, 4 };
    for (int i = 0; i < 6; i++) {
        char d[2] = { (char)('0' + (seq[i] - 'X')), 0 };
        p = para(d, 40, 0);
        txt_draw(t, c.r, &p, 0, 0, (txt_color){ 255, 255, 255, 255 });
        txt_get_stats(t, &s);
        CHECK(s.runs_rasterised == want[i], "step %d (%c): %ld rasterised, want %ld",
              i, seq[i], s.runs_rasterised, want[i]);
    }
    CHECK(one > 0 && s.texture_bytes <= one * 5 / 2, "bound %zu <= %zu", s.texture_bytes, one * 5 / 2);
    canvas_free(t, &c);
    txt_free(t);
}

static void test_cache_bound(void)
{
    char err[256] = "";
    const size_t bound = 64 * 1024;
    txt_ctx *t = txt_new(FONTS, bound, err, sizeof err);
    txt_stats s;
    int over = 0;
    CHECK(t != NULL, "txt_new: %s", err);
    if (!t) return;
    canvas c = canvas_new(600, 400);
    if (!c.r) { txt_free(t); return; }
    for (int i = 0; i < 200; i++) {              /* many different runs */
        char text[64];
        snprintf(text, sizeof text, "palabra%d otra%d", i, i * 7);
        txt_params p = para(text, 28, 0);
        txt_draw(t, c.r, &p, 0, (i % 10) * 30, (txt_color){ 255, 255, 255, 255 });
        txt_get_stats(t, &s);
        over += s.texture_bytes > bound;
    }
    txt_params big = para("Una línea muy larga que no cabe en la caché diminuta de texturas", 120, 0);
    CHECK(txt_draw(t, c.r, &big, 0, 0, (txt_color){ 255, 255, 255, 255 }) == 0, "oversized run drawn");
    txt_get_stats(t, &s);
    CHECK(over == 0 && s.texture_bytes <= bound && s.texture_peak_bytes <= bound,
          "texture cache bound: %zu (peak %zu) > 64 KiB", s.texture_bytes, s.texture_peak_bytes);
    CHECK(s.runs_rasterised >= 400, "the loop rasterised: %ld", s.runs_rasterised);
    CHECK(s.texture_bytes > bound / 2, "the cache is used, not emptied: %zu", s.texture_bytes);
    txt_drop_textures(t);
    txt_get_stats(t, &s);
    CHECK(s.texture_bytes == 0, "drop_textures empties the cache");
    canvas_free(t, &c);
    txt_free(t);
}

/* Lines of a file that contain needle. */
static int count_lines_with(const char *path, const char *needle)
{
    char line[1024];
    int n = 0;
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) n += strstr(line, needle) != NULL;
    if (f) fclose(f);
    return n;
}

/* A font folder with only NotoSans-Regular: bold is synthesised, Arabic
 * falls back (to boxes) without failing, and each missing file is logged
 * once however often it is wanted. */
static void test_partial_fonts(void)
{
    char dir[512], link[600], target[PATH_MAX], log[600], err[256];
    snprintf(dir, sizeof dir, "%s", out_path("fonts-partial"));
    snprintf(link, sizeof link, "%s/NotoSans-Regular.ttf", dir);
    snprintf(log, sizeof log, "%s", out_path("fonts-partial.log"));
    mkdir(dir, 0755);
    unlink(link);
    CHECK(realpath(FONTS "/NotoSans-Regular.ttf", target) && symlink(target, link) == 0, "link %s", link);
    fflush(stderr);
    int saved = dup(2);
    FILE *lf = freopen(log, "w", stderr);
    txt_ctx *t = txt_new(dir, 0, err, sizeof err);
    int w1 = 0, w2 = 0, missing = -1, wa = 0;
    if (t) {
        txt_params p = para("Derechos humanos", 28, 0);
        txt_measure(t, &p, &w1, NULL);
        p.bold_all = 1;
        txt_measure(t, &p, &w2, NULL);
        for (int i = 0; i < 3; i++) {
            char text[64];
            snprintf(text, sizeof text, "مرحبا %d", i);
            p = para(text, 20 + i, 0);
            missing = txt_missing_glyphs(t, &p);
            txt_measure(t, &p, &wa, NULL);
        }
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    (void)lf;
    CHECK(t != NULL, "one font is enough: %s", err);
    CHECK(w2 > w1, "synthetic bold is wider: %d vs %d", w2, w1);
    CHECK(missing > 0, "Arabic without its font shows boxes: %d", missing);
    CHECK(wa > 50, "the boxes take room: %d px", wa);     /* digit + space alone: ~18 */
    CHECK(count_lines_with(log, "NotoSansArabic-Regular.ttf missing") == 1, "logged once");
    CHECK(count_lines_with(log, "NotoSans-Bold.ttf") == 0, "a missing bold file is not an error");
    txt_free(t);
}

static void test_garbage(txt_ctx *t)
{
    char buf[512];
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(seed >> 16);
        }
        txt_params p = para(buf, 20, 150 + round);
        p.len = (int)(sizeof buf);
        p.max_lines = round % 4;
        p.dir = round % 3;
        int w, h;
        txt_measure(t, &p, &w, &h);
        CHECK(p.width <= 0 || w <= p.width, "random bytes fit width: %d > %d", w, p.width);
    }
    /* invisible runs draw nothing and are not errors */
    canvas c = canvas_new(200, 60);
    const char *blank[] = { "\xE2\x80\x8D", "   ", "\xCC\x81", "\n\n", "\xEF\xBB\xBF" };
    for (int k = 0; c.r && k < 5; k++) {
        txt_params p = para(blank[k], 20, 100);
        canvas_clear(&c);
        CHECK(txt_draw(t, c.r, &p, 0, 0, (txt_color){ 255, 255, 255, 255 }) == 0, "blank %d draws", k);
    }
    canvas_free(t, &c);
    txt_params p = para("112 / 911", 24, 0);   /* digits only: the language picks the font */
    p.lang = "ar";
    CHECK(txt_measure(t, &p, NULL, NULL) == 1 && txt_missing_glyphs(t, &p) == 0, "digits with lang ar");
    p.lang = "zh-Hans";
    CHECK(txt_measure(t, &p, NULL, NULL) == 1 && txt_missing_glyphs(t, &p) == 0, "digits with lang zh");
    /* over the paragraph bound (64 KiB): cut at a character boundary */
    size_t big = 1 + 2 * 40000;
    char *long_text = malloc(big + 1), *out = malloc(big + 16);
    if (long_text && out) {
        long_text[0] = 'a';
        for (size_t i = 1; i < big; i += 2) { long_text[i] = (char)0xC3; long_text[i + 1] = (char)0xB1; }
        long_text[big] = 0;
        p = para(long_text, 20, 0);
        CHECK(txt_line_texts(t, &p, out, big + 16) == 1, "long text: one line");
        CHECK(strstr(out, "\xEF\xBF\xBD") == NULL && strlen(out) <= 65536 && strlen(out) > 65000,
              "cut at a character boundary: %zu bytes", strlen(out));
    }
    free(long_text);
    free(out);
    CHECK(txt_new("no/such/dir", 0, buf, sizeof buf) == NULL, "no fonts: NULL");
    CHECK(strstr(buf, "no/such/dir") != NULL, "error names the folder: %s", buf);
    txt_free(NULL);
}

/* A page of scripts to look at: $BUILD/test-out/txt_scripts.png. */
static void save_sample(txt_ctx *t)
{
    static const struct { const char *text; int dir; } rows[] = {
        { "العربية: لك الحق في طلب اللجوء. اتصل بالرقم +1 202 555 0143 مجاناً، أو اسأل أحمد في مكتب UNHCR.", TXT_DIR_RTL },
        { "اردو: آپ کو پناہ مانگنے کا حق ہے۔ مدد کے لیے 112 پر کال کریں۔", TXT_DIR_RTL },
        { "বাংলা: আপনার আশ্রয় চাওয়ার অধিকার আছে। সাহায্যের জন্য বিনামূল্যে ফোন করুন।", TXT_DIR_AUTO },
        { "हिन्दी: आपको शरण माँगने का अधिकार है। मदद के लिए मुफ़्त कॉल करें: क्षत्रिय ज्ञान", TXT_DIR_AUTO },
        { "አማርኛ: ጥገኝነት የመጠየቅ መብት አለዎት። ለእርዳታ በነጻ ይደውሉ +251 911 234567", TXT_DIR_AUTO },
        { "中文：你有权申请庇护。没有人可以强迫你回到有生命危险的地方。请拨打免费电话 +52 55 5555 0143。", TXT_DIR_AUTO },
        { "Español: **Tienes derecho** a pedir asilo — llama al +1 202 555 0143.", TXT_DIR_AUTO },
    };
    canvas c = canvas_new(1000, 760);
    char path[512];
    int y = 10, w, h;
    if (!c.r) return;
    SDL_SetRenderDrawColor(c.r, 255, 255, 255, 255);
    SDL_RenderClear(c.r);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        txt_params p = para(rows[i].text, 28, 960);
        p.dir = rows[i].dir;
        txt_measure(t, &p, &w, &h);
        txt_draw(t, c.r, &p, 20, y, (txt_color){ 20, 20, 60, 255 });
        y += h + 12;
    }
    SDL_RenderFlush(c.r);
    snprintf(path, sizeof path, "%s", out_path("txt_scripts.png"));
    CHECK(IMG_SavePNG(c.s, path) == 0, "save %s: %s", path, SDL_GetError());
    canvas_free(t, &c);
}

/* ---------- every character the kiosk ships has a real glyph ---------- */
static txt_ctx *cover_ctx;
static int cover_files;

/* Checks one file in paragraphs (lines), so no text hits the 64 KiB bound. */
static int cover_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    size_t len = strlen(path);
    if (type != FTW_F || st->st_size > (4 << 20) || !(len > 3 && (!strcmp(path + len - 3, ".md")
        || !strcmp(path + len - 4, ".csv") || !strcmp(path + len - 5, ".yaml"))))
        return 0;
    FILE *f = fopen(path, "r");
    char line[16384];
    int missing = 0, lineno = 0, first = 0;
    while (f && fgets(line, sizeof line, f)) {
        txt_params p = para(line, 20, 0);
        int m = txt_missing_glyphs(cover_ctx, &p);
        lineno++;
        if (m > 0 && !missing) first = lineno;
        if (m > 0) missing += m;
    }
    if (f) fclose(f);
    cover_files++;
    CHECK(missing == 0, "%s: %d characters without a glyph (first on line %d); for Chinese rerun "
          "sh assets/fonts/subset-cjk.sh", path, missing, first);
    return 0;
}

static void test_repo_coverage(txt_ctx *t)
{
    cover_ctx = t;
    cover_files = 0;
    nftw("locales", cover_file, 8, FTW_PHYS);
    nftw("content", cover_file, 8, FTW_PHYS);
    CHECK(cover_files >= 2, "locale and content files checked: %d", cover_files);
}

/* Harder cases to look at: $BUILD/test-out/txt_cases.png. */
static void save_cases(txt_ctx *t)
{
    static const char *bold_ar = "اتصل بـ مكتب الحماية (UNHCR) على الرقم +52 55 5555 0143 مجاناً.";
    txt_mark mk[2] = { { 0, 0 }, { 0, 0 } };
    const char *u = strstr(bold_ar, "(UNHCR)");
    mk[0].start = (int)(u - bold_ar);
    mk[0].end = mk[0].start + 7;
    canvas c = canvas_new(900, 560);
    char path[512];
    int y = 10, h;
    if (!c.r) return;
    SDL_SetRenderDrawColor(c.r, 255, 255, 255, 255);
    SDL_RenderClear(c.r);
    SDL_SetRenderDrawColor(c.r, 220, 220, 240, 255);
    SDL_RenderFillRect(c.r, &(SDL_Rect){ 20, 0, 860, 560 });
    struct { const char *text; int dir, align, max_lines, icon, px; const txt_mark *m; int nm; } rows[] = {
        { bold_ar, TXT_DIR_RTL, TXT_ALIGN_START, 0, 0, 28, mk, 1 },
        { "النص الطويل يُقطع عند السطر الثاني مع علامة الحذف في النهاية، وهذا نص إضافي طويل جداً "
          "لا يتسع في سطرين على هذا العرض الضيق من الشاشة، ويستمر النص بعد ذلك بكلمات أخرى كثيرة.", TXT_DIR_RTL, TXT_ALIGN_START, 2, 0, 28, NULL, 0 },
        { "A long Spanish title is cut after two lines: Derechos de las personas migrantes en "
          "tránsito por México y Centroamérica, y cómo pedirlos.", TXT_DIR_LTR, TXT_ALIGN_CENTER, 2, 0, 28, NULL, 0 },
        { "\xEE\xA2\x8A \xEE\x80\x82 \xEE\x83\x8D \xEE\x95\x8C", TXT_DIR_LTR, TXT_ALIGN_CENTER, 0, 1, 64, NULL, 0 },
        { "English with عربي and 中文 and हिन्दी and ትግርኛ inside: +1 (202) 555-0143", TXT_DIR_LTR, TXT_ALIGN_END, 0, 0, 24, NULL, 0 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        txt_params p = para(rows[i].text, rows[i].px, 860);
        p.dir = rows[i].dir;
        p.align = rows[i].align;
        p.max_lines = rows[i].max_lines;
        p.icon = rows[i].icon;
        p.bold = rows[i].m;
        p.nbold = rows[i].nm;
        txt_measure(t, &p, NULL, &h);
        txt_draw(t, c.r, &p, 20, y, (txt_color){ 20, 20, 60, 255 });
        y += h + 14;
    }
    SDL_RenderFlush(c.r);
    snprintf(path, sizeof path, "%s", out_path("txt_cases.png"));
    CHECK(IMG_SavePNG(c.s, path) == 0, "save %s: %s", path, SDL_GetError());
    canvas_free(t, &c);
}

int main(void)
{
    char err[256] = "";
    txt_ctx *t = txt_new(FONTS, 0, err, sizeof err);
    CHECK(t != NULL, "txt_new: %s", err);
    if (!t) return check_done();
    test_sanitize();
    test_wrap(t);
    test_chinese(t);
    test_phone(t);
    test_ellipsis(t);
    test_rtl(t);
    test_fallback(t);
    test_icon_and_bold(t);
    test_cache_hits(t);
    test_cache_bound();
    test_cache_lru();
    test_garbage(t);
    test_partial_fonts();
    test_repo_coverage(t);
    save_sample(t);
    save_cases(t);
    txt_free(t);
    SDL_Quit();
    return check_done();
}
