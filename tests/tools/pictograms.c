/*
 * pictograms.c — draws the default content's pictograms (the PNGs in
 * content/default/media) from Material Icons glyphs (assets/fonts/MaterialIcons-
 * Regular.ttf, Apache-2.0; see content/default/media/LICENSE.md).
 *
 *   build/tools/pictograms OUTDIR        writes every pictogram into OUTDIR
 *
 * One idea per picture: a white glyph on a deep-blue rounded square (the
 * kiosk's bar colour, contrast 11:1), optionally a small orange badge with
 * a second glyph in a corner.  No words and no numbers are drawn: the
 * picture only repeats what the step says.  The committed PNGs are this
 * program's output; tests/t_pictograms.sh checks they still are.
 */
#include "icons.h"

#include <SDL2/SDL.h>
#include <SDL2/SDL_ttf.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unicode/utf8.h>

#define SIDE 112                        /* pixels; the reader shows at most 2x */
#define RADIUS 18
#define GLYPH 84
#define BADGE 46

static const struct pictogram {
    const char *file, *glyph, *badge;   /* badge may be NULL */
} pictograms[] = {
    { "message.png", "sms", NULL },                     /* tell-family: a short message */
    { "call-point.png", "phone_in_talk", NULL },        /* tell-family: free call points */
    { "write-number.png", "edit", NULL },               /* tell-family: write a number on paper */
    { "get-to-safety.png", "directions_walk", "local_fire_department" },
    { "call-for-help.png", "call", NULL },
    { "first-aid.png", "medical_services", NULL },
    { "stay-with-them.png", "group", NULL },
};

static const Uint32 BLUE = 0xFF0E3A56u, ORANGE = 0xFFC9581Au;

#define SUB 4                           /* 4 x 4 samples a pixel: smooth edges */

/* 1 when point (x, y) is inside a w x h rounded square with corner radius r. */
static int inside(double x, double y, int w, int h, int r)
{
    double cx = x < r ? r : x > w - r ? w - r : x, cy = y < r ? r : y > h - r ? h - r : y;
    return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= (double)r * r;
}

/* Blends `color` over pixel p with coverage a (0..1). */
static void blend(Uint32 *p, Uint32 color, double a)
{
    Uint32 out = 0, d = *p;
    double da = ((d >> 24) & 0xFF) / 255.0, oa = a + da * (1 - a);
    for (int sh = 0; sh < 24 && oa > 0; sh += 8) {
        double c = ((color >> sh) & 0xFF) * a + ((d >> sh) & 0xFF) * da * (1 - a);
        out |= (Uint32)(c / oa + 0.5) << sh;
    }
    *p = out | (Uint32)(oa * 255 + 0.5) << 24;
}

static void fill_shape(SDL_Surface *s, int x0, int y0, int w, int h, int r, Uint32 color)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int n = 0;
            for (int k = 0; k < SUB * SUB; k++)
                n += inside(x + (k % SUB + 0.5) / SUB, y + (k / SUB + 0.5) / SUB, w, h, r);
            if (n)
                blend((Uint32 *)((Uint8 *)s->pixels + (y0 + y) * s->pitch) + x0 + x, color,
                      (double)n / (SUB * SUB));
        }
}

/* Blends the glyph `name` in white, centred on (cx, cy), px high. */
static int glyph(SDL_Surface *s, TTF_Font *f, const char *name, int cx, int cy)
{
    char utf8[8] = { 0 };
    int len = 0, cp = icons_codepoint(name);
    UBool bad = 0;
    if (cp < 0)
        return -1;
    U8_APPEND((uint8_t *)utf8, len, (int)sizeof utf8 - 1, cp, bad);
    SDL_Surface *g = bad ? NULL : TTF_RenderUTF8_Blended(f, utf8, (SDL_Color){ 255, 255, 255, 255 });
    if (!g)
        return -1;
    SDL_Rect at = { cx - g->w / 2, cy - g->h / 2, g->w, g->h };
    SDL_SetSurfaceBlendMode(g, SDL_BLENDMODE_BLEND);
    SDL_BlitSurface(g, NULL, s, &at);
    SDL_FreeSurface(g);
    return 0;
}

static int write_png(SDL_Surface *s, const char *path)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)s->w;
    img.height = (png_uint_32)s->h;
    img.format = PNG_FORMAT_BGRA;       /* ARGB8888 in memory on little-endian */
    int ok = png_image_write_to_file(&img, path, 0, s->pixels, s->pitch, NULL);
    png_image_free(&img);
    return ok ? 0 : -1;
}

static int draw(const struct pictogram *p, TTF_Font *big, TTF_Font *small, const char *dir)
{
    char path[1024];
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, SIDE, SIDE, 32, SDL_PIXELFORMAT_ARGB8888);
    int rc = s ? 0 : -1;
    if (s) {
        SDL_FillRect(s, NULL, 0);
        fill_shape(s, 0, 0, SIDE, SIDE, RADIUS, BLUE);
        rc = glyph(s, big, p->glyph, SIDE / 2 + (p->badge ? 8 : 0), SIDE / 2 + (p->badge ? 6 : 0));
        if (rc == 0 && p->badge) {
            int x = 4, y = 4;           /* behind the walker: walking away from it */
            fill_shape(s, x, y, BADGE, BADGE, BADGE / 2, ORANGE);
            rc = glyph(s, small, p->badge, x + BADGE / 2, y + BADGE / 2);
        }
        snprintf(path, sizeof path, "%s/%s", dir, p->file);
        if (rc == 0)
            rc = write_png(s, path);
    }
    SDL_FreeSurface(s);
    if (rc)
        fprintf(stderr, "pictograms: cannot draw %s\n", p->file);
    return rc;
}

int main(int argc, char **argv)
{
    const char *font = "assets/fonts/MaterialIcons-Regular.ttf";
    int rc = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: pictograms OUTDIR\n");
        return 2;
    }
    if (TTF_Init() != 0)
        return 1;
    TTF_Font *big = TTF_OpenFont(font, GLYPH), *small = TTF_OpenFont(font, BADGE - 12);
    if (!big || !small) {
        fprintf(stderr, "pictograms: %s: %s\n", font, TTF_GetError());
        return 1;
    }
    for (size_t i = 0; i < sizeof pictograms / sizeof *pictograms; i++)
        rc |= draw(&pictograms[i], big, small, argv[1]);
    TTF_CloseFont(big);
    TTF_CloseFont(small);
    TTF_Quit();
    return rc ? 1 : 0;
}
