/*
 * gfx.c — draws the semantic widget tree with SDL2.
 *
 * Each widget style maps to a fill, an outline and a text colour (one
 * calm palette: deep sea blue for navigation, a lighthouse orange for
 * pictograms, warm paper white behind).  Widgets in the scroll area are
 * offset by the scroll position, clipped to the view and skipped when
 * outside it, so a long article costs only what is visible.  Text and
 * icons go through the text engine's cache: a frame that only scrolls
 * shapes and rasterises nothing.
 */
#include "gfx.h"
#include "faro.h"
#include "image.h"
#include "log.h"
#include "qr.h"

#include <SDL2/SDL.h>
#include <png.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct style_colors { uint32_t fill, line, text; } style_colors;

#define NONE 0x00000000u
#define C(rgb) (0xFF000000u | (rgb))

static const uint32_t BACKGROUND = C(0xF6F3EC);

#define GFX_EVENT_SCRUB 256             /* event entries overwritten by gfx_forget_input */
#define GFX_BLANK_EVENT (SDL_LASTEVENT - 1)   /* a type nobody registers */

static style_colors colors_of(int style)
{
    switch (style) {
    case UI_S_BAR: return (style_colors){ C(0x0E3A56), NONE, C(0xFFFFFF) };
    case UI_S_BAR_TEXT: return (style_colors){ NONE, NONE, C(0xFFFFFF) };
    case UI_S_CARD: return (style_colors){ C(0xFFFFFF), C(0xD8D2C6), C(0x1B1B1B) };
    case UI_S_BUTTON: return (style_colors){ C(0xFFFFFF), C(0x0E3A56), C(0x0E3A56) };
    case UI_S_MUTED: return (style_colors){ NONE, NONE, C(0x55534E) };
    case UI_S_HEADING: return (style_colors){ NONE, NONE, C(0x0E3A56) };
    case UI_S_ACCENT: return (style_colors){ NONE, NONE, C(0xC9581A) };
    case UI_S_CHIP: return (style_colors){ C(0xE7E1D5), C(0xCFC7B8), C(0x1B1B1B) };
    case UI_S_CHIP_ON: return (style_colors){ C(0x0E3A56), NONE, C(0xFFFFFF) };
    case UI_S_WARN: return (style_colors){ C(0xFFF0C2), C(0xD9A400), C(0x1B1B1B) };
    case UI_S_BADGE: return (style_colors){ C(0xF2C230), NONE, C(0x1B1B1B) };
    case UI_S_RULE: return (style_colors){ C(0xD8D2C6), NONE, NONE };
    case UI_S_LINK: return (style_colors){ NONE, NONE, C(0x0B5C8F) };
    case UI_S_DANGER: return (style_colors){ C(0xC62828), C(0xFFFFFF), C(0xFFFFFF) };
    default: return (style_colors){ NONE, NONE, C(0x1B1B1B) };
    }
}

static void set_color(SDL_Renderer *r, uint32_t c)
{
    SDL_SetRenderDrawColor(r, (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, (c >> 24) & 0xFF);
}

/* A pressed widget is drawn a shade darker so a tap is felt at once. */
static uint32_t darker(uint32_t c)
{
    uint32_t r = ((c >> 16) & 0xFF) * 7 / 8, g = ((c >> 8) & 0xFF) * 7 / 8, b = (c & 0xFF) * 7 / 8;
    return (c & 0xFF000000u) | (r << 16) | (g << 8) | b;
}

static void draw_box(SDL_Renderer *r, SDL_Rect rc, style_colors sc, int pressed)
{
    if (sc.fill) {
        set_color(r, pressed ? darker(sc.fill) : sc.fill);
        SDL_RenderFillRect(r, &rc);
    }
    if (sc.line) {
        set_color(r, sc.line);
        SDL_RenderDrawRect(r, &rc);
        if (rc.w > 4 && rc.h > 4) {         /* 2 px outline reads better on touchscreens */
            SDL_Rect in = { rc.x + 1, rc.y + 1, rc.w - 2, rc.h - 2 };
            SDL_RenderDrawRect(r, &in);
        }
    }
}

/* The QR code on screen, rasterised once per text and kept (one at a
 * time: a screen shows at most one) while it stays on screen.  The cache
 * is keyed by a hash of the text, not the text: the payload (a service's
 * card, an article) is what a person took away, and it is not kept past
 * the screen that shows it; the first frame of a screen without a QR code
 * drops it (scrolling it out of view does not, or it would be encoded
 * again each time it comes back). */
static struct {
    unsigned char key[crypto_generichash_BYTES];
    SDL_Texture *tex;
    SDL_Renderer *r;
} qr_cache;

static void qr_key(const char *text, unsigned char key[crypto_generichash_BYTES])
{
    if (sodium_init() < 0)              /* idempotent; never fails on Linux */
        log_msg("qr: libsodium did not start");
    crypto_generichash(key, crypto_generichash_BYTES, (const unsigned char *)text, strlen(text), NULL, 0);
}

static void qr_drop(void)
{
    if (qr_cache.tex)
        SDL_DestroyTexture(qr_cache.tex);
    sodium_memzero(&qr_cache, sizeof qr_cache);
}

/* The QR code's pixels for text, on a white quiet zone; NULL on failure. */
static SDL_Surface *qr_surface(const char *text)
{
    char err[FARO_MAX_ERRLEN];
    qr_code *q = qr_encode(text, err, sizeof err);
    int quiet = 4, n = q ? q->width + 2 * quiet : 0;
    SDL_Surface *s = q ? SDL_CreateRGBSurfaceWithFormat(0, n, n, 32, SDL_PIXELFORMAT_ARGB8888) : NULL;
    if (s) {
        SDL_FillRect(s, NULL, 0xFFFFFFFFu);
        for (int y = 0; y < q->width; y++)
            for (int x = 0; x < q->width; x++)
                if (q->modules[y * q->width + x] & 1)
                    ((Uint32 *)((Uint8 *)s->pixels + (y + quiet) * s->pitch))[x + quiet] = 0xFF000000u;
    }
    if (!q)
        log_msg("qr: %s", err);
    qr_free(q);
    return s;
}

static SDL_Texture *qr_texture(SDL_Renderer *r, const char *text)
{
    unsigned char key[crypto_generichash_BYTES];
    qr_key(text, key);
    if (qr_cache.tex && qr_cache.r == r && !sodium_memcmp(qr_cache.key, key, sizeof key))
        return qr_cache.tex;
    if (qr_cache.r == r)
        qr_drop();
    else                                /* another renderer's: destroyed with it */
        sodium_memzero(&qr_cache, sizeof qr_cache);
    SDL_Surface *s = qr_surface(text);
    if (s) {
        qr_cache.tex = SDL_CreateTextureFromSurface(r, s);
        SDL_FreeSurface(s);
    }
    if (qr_cache.tex) {
        SDL_SetTextureScaleMode(qr_cache.tex, SDL_ScaleModeNearest);
        memcpy(qr_cache.key, key, sizeof key);
        qr_cache.r = r;
    }
    return qr_cache.tex;
}

void gfx_forget(void)
{
    qr_drop();
}

static txt_color text_color(uint32_t c)
{
    return (txt_color){ (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, 0xFF };
}

/* A picture: its texture once decoded; until then an empty frame, and a
 * frame with its alt text inside when it cannot be shown. */
static int draw_image(SDL_Renderer *r, txt_ctx *txt, img_ctx *img, const ui_widget *w, SDL_Rect rc)
{
    int state = IMG_FAILED;
    SDL_Texture *tex = img && w->arg ? img_texture(img, r, w->arg, &state) : NULL;
    if (tex)
        return SDL_RenderCopy(r, tex, NULL, &rc) == 0 ? 0 : FARO_EIO;
    style_colors sc = colors_of(w->style);
    draw_box(r, rc, sc, 0);
    if (state != IMG_FAILED || !w->text || !txt)
        return 0;
    txt_params p;
    int pad = w->px / 2;
    ui_text_params(w, &p);
    p.width = rc.w - 2 * pad;
    p.max_lines = (rc.h - 2 * pad) / txt_line_height(txt, p.px);      /* inside the frame */
    if (p.max_lines < 1)
        p.max_lines = 1;
    return p.width > 0 ? txt_draw(txt, r, &p, rc.x + pad, rc.y + pad, text_color(sc.text)) : 0;
}

static int draw_widget(SDL_Renderer *r, txt_ctx *txt, img_ctx *img, const ui_tree *t, int i, int pressed)
{
    const ui_widget *w = ui_get(t, i);
    ui_rect u = ui_screen_rect(t, i);
    SDL_Rect rc = { u.x, u.y, u.w, u.h };
    style_colors sc = colors_of(w->style);
    if (w->role == UI_IMAGE)
        return draw_image(r, txt, img, w, rc);
    if (w->role == UI_QR) {
        SDL_Texture *tex = w->text ? qr_texture(r, w->text) : NULL;
        return tex && SDL_RenderCopy(r, tex, NULL, &rc) == 0 ? 0 : FARO_EIO;
    }
    if (!w->text) {
        draw_box(r, rc, sc, pressed);
        return 0;
    }
    txt_params p;
    ui_text_params(w, &p);
    return txt_draw(txt, r, &p, u.x, u.y, text_color(sc.text));
}

int gfx_draw(SDL_Renderer *r, txt_ctx *txt, const ui_tree *t)
{
    return gfx_draw_img(r, txt, NULL, t);
}

int gfx_draw_img(SDL_Renderer *r, txt_ctx *txt, img_ctx *img, const ui_tree *t)
{
    ui_rect v = ui_view(t);
    SDL_Rect clip = { v.x, v.y, v.w, v.h };
    int pressed = ui_pressed(t), rc = 0;
    int qr_shown = 0;
    set_color(r, BACKGROUND);
    SDL_RenderSetClipRect(r, NULL);
    if (SDL_RenderClear(r) != 0) {
        log_msg("gfx: %s", SDL_GetError());
        return FARO_EIO;
    }
    /* scrolled content first, clipped; fixed widgets (bars) on top */
    for (int pass = 0; pass < 2; pass++) {
        SDL_RenderSetClipRect(r, pass == 0 ? &clip : NULL);
        for (int i = 0; i < ui_count(t); i++) {
            const ui_widget *w = ui_get(t, i);
            qr_shown |= w->role == UI_QR;   /* on this screen, if scrolled out of view */
            if (w->in_scroll != (pass == 0) || !ui_visible(t, i))
                continue;
            if (draw_widget(r, txt, img, t, i, i == pressed) != 0)
                rc = FARO_EIO;
        }
    }
    SDL_RenderSetClipRect(r, NULL);
    if (!qr_shown && qr_cache.r == r)
        qr_drop();
    return rc;
}

/* SDL keeps the entries of handled events in a free list, whole: the last
 * SDL_TEXTINPUT events (a physical keyboard's typing) stay there.  Pushing
 * blank events takes those entries back (most recently freed first) and
 * overwrites them; the blanks are then flushed. */
void gfx_forget_input(void)
{
    SDL_Event blank;
    if (!SDL_WasInit(SDL_INIT_EVENTS))
        return;
    memset(&blank, 0, sizeof blank);
    blank.type = GFX_BLANK_EVENT;
    for (int i = 0; i < GFX_EVENT_SCRUB; i++)
        if (SDL_PushEvent(&blank) != 1)
            break;
    SDL_FlushEvent(GFX_BLANK_EVENT);
}

int gfx_driver_has_framebuffer(const char *driver)
{
    static const char *const with_fb[] = { "x11", "offscreen", "dummy", "windows", "cocoa" };
    for (size_t i = 0; driver && i < sizeof with_fb / sizeof *with_fb; i++)
        if (!strcmp(driver, with_fb[i]))
            return 1;
    return 0;
}

int gfx_driver_sleeps(const char *driver)
{
    static const char *const sleepers[] = { "x11", "wayland", "windows", "cocoa" };
    for (size_t i = 0; driver && i < sizeof sleepers / sizeof *sleepers; i++)
        if (!strcmp(driver, sleepers[i]))
            return 1;
    return 0;
}

/* SDL reads the framebuffer hint when the software renderer asks for the
 * window's surface: "0" keeps X11 from building it through OpenGL (Mesa,
 * +95 MB); KMSDRM has no other way to make one, so there it must be "1". */
SDL_Renderer *gfx_window_renderer(SDL_Window *win, char *err, size_t errlen)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    int fb = gfx_driver_has_framebuffer(driver);
    SDL_RendererInfo info;
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, fb ? "0" : "1");
    SDL_Renderer *r = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!r && !fb)
        r = SDL_CreateRenderer(win, -1, 0);
    if (!r) {
        snprintf(err, errlen, "video driver %s: no renderer: %s", driver ? driver : "(none)", SDL_GetError());
        return NULL;
    }
    if (SDL_GetRendererInfo(r, &info) == 0)
        log_msg("display: %s video driver, %s renderer%s", driver, info.name,
                fb ? "" : " (framebuffer through the GPU)");
    return r;
}

int gfx_save_png(SDL_Renderer *r, int w, int h, const char *path, char *err, size_t errlen)
{
    int rc = 0;
    size_t stride = (size_t)w * 4;
    unsigned char *pixels = malloc(stride * (size_t)h);
    png_image img;
    if (!pixels) {
        snprintf(err, errlen, "screenshot: out of memory");
        return FARO_ENOMEM;
    }
    /* ARGB8888 in memory on a little-endian machine is B, G, R, A */
    if (SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_BGRA32, pixels, (int)stride) != 0) {
        snprintf(err, errlen, "screenshot: cannot read pixels: %s", SDL_GetError());
        rc = FARO_EIO;
        goto done;
    }
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_BGRA;
    if (!png_image_write_to_file(&img, path, 0, pixels, (png_int_32)stride, NULL)) {
        snprintf(err, errlen, "screenshot: cannot write %s: %s", path, img.message);
        rc = FARO_EIO;
    }
done:
    png_image_free(&img);
    free(pixels);
    return rc;
}
