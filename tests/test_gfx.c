/* test_gfx.c — the window renderer each video driver allows, a frame
 * actually presented through it on SDL's offscreen driver (a real window
 * of a real video driver, with no display server), and typed text that
 * SDL keeps in its handled events, found in SDL's own allocations (the
 * test gives SDL its allocator and scans every live block) until
 * gfx_forget_input overwrites it. */
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "gfx.h"
#include "log.h"

/* ---- SDL's allocations, tracked ---- */

#define TRACKED 65536
static struct { void *p; size_t n; } blocks[TRACKED];

static void track(void *p, size_t n)
{
    for (int i = 0; p && i < TRACKED; i++)
        if (!blocks[i].p) {
            blocks[i].p = p;
            blocks[i].n = n;
            return;
        }
}

static void untrack(void *p)
{
    for (int i = 0; p && i < TRACKED; i++)
        if (blocks[i].p == p) {
            blocks[i].p = NULL;
            return;
        }
}

static void *t_malloc(size_t n) { void *p = malloc(n); track(p, n); return p; }
static void *t_calloc(size_t k, size_t n) { void *p = calloc(k, n); track(p, k * n); return p; }
static void t_free(void *p) { untrack(p); free(p); }
static void *t_realloc(void *old, size_t n)
{
    size_t was = 0;
    for (int i = 0; old && i < TRACKED; i++)
        if (blocks[i].p == old)
            was = blocks[i].n;
    untrack(old);
    void *p = realloc(old, n);
    if (p)
        track(p, n);
    else if (n)
        track(old, was);                /* it failed: the old block lives on */
    return p;
}

/* Occurrences of word in every block SDL holds. */
static int in_sdl_memory(const char *word)
{
    int hits = 0;
    size_t len = strlen(word);
    for (int i = 0; i < TRACKED; i++)
        for (size_t k = 0; blocks[i].p && k + len <= blocks[i].n; k++)
            hits += memcmp((char *)blocks[i].p + k, word, len) == 0;
    return hits;
}

static void test_forget_input(void)
{
    char word[16];
    SDL_Event ev, got;
    snprintf(word, sizeof word, "%s%s", "qx-typed", "-word");     /* not one literal */
    CHECK(SDL_InitSubSystem(SDL_INIT_EVENTS) == 0, "events: %s", SDL_GetError());
    SDL_EventState(SDL_TEXTINPUT, SDL_ENABLE);
    for (int i = 0; i < 5; i++) {
        memset(&ev, 0, sizeof ev);
        ev.type = SDL_TEXTINPUT;
        snprintf(ev.text.text, sizeof ev.text.text, "%s", word);
        SDL_PushEvent(&ev);
        while (SDL_PollEvent(&got))
            ;
    }
    memset(&ev, 0, sizeof ev);
    memset(&got, 0, sizeof got);
    CHECK(in_sdl_memory(word) >= 1, "control: SDL keeps the handled text (%d)", in_sdl_memory(word));
    gfx_forget_input();
    CHECK(in_sdl_memory(word) == 0, "gone after gfx_forget_input (%d)", in_sdl_memory(word));
    ev.type = SDL_TEXTINPUT;
    snprintf(ev.text.text, sizeof ev.text.text, "queued");
    SDL_PushEvent(&ev);
    gfx_forget_input();
    CHECK(SDL_PollEvent(&got) == 1 && got.type == SDL_TEXTINPUT && !strcmp(got.text.text, "queued"),
          "an event still queued is kept");
    CHECK(SDL_PollEvent(&got) == 0, "and the blanks are gone");
    SDL_QuitSubSystem(SDL_INIT_EVENTS);
}

static void test_driver_table(void)
{
    CHECK(gfx_driver_has_framebuffer("x11") == 1, "x11 has a plain framebuffer");
    CHECK(gfx_driver_has_framebuffer("offscreen") == 1, "offscreen has one");
    CHECK(gfx_driver_has_framebuffer("kmsdrm") == 0, "KMSDRM has none: the framebuffer must go through GL");
    CHECK(gfx_driver_has_framebuffer("wayland") == 0, "wayland has none");
    CHECK(gfx_driver_has_framebuffer(NULL) == 0, "no driver");
    CHECK(gfx_driver_sleeps("x11") == 1, "SDL sleeps in X11's wait");
    CHECK(gfx_driver_sleeps("kmsdrm") == 0, "KMSDRM polls every millisecond: the waker sleeps instead");
    CHECK(gfx_driver_sleeps("offscreen") == 0, "so does offscreen");
}

/* Draws an empty tree through the window's renderer, presents it and
 * reads the pixel back: the background colour proves a frame was made. */
static void test_offscreen_frame(void)
{
    char err[256] = "";
    SDL_setenv("SDL_VIDEODRIVER", "offscreen", 1);
    CHECK(SDL_InitSubSystem(SDL_INIT_VIDEO) == 0, "offscreen video: %s", SDL_GetError());
    SDL_Window *win = SDL_CreateWindow("t", 0, 0, 320, 200, 0);
    CHECK(win != NULL, "window: %s", SDL_GetError());
    SDL_Renderer *r = win ? gfx_window_renderer(win, err, sizeof err) : NULL;
    CHECK(r != NULL, "renderer: %s", err);
    const char *hint = SDL_GetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION);
    CHECK(hint && !strcmp(hint, "0"), "software framebuffer on offscreen, hint %s", hint ? hint : "unset");
    if (r) {
        ui_tree *t = ui_new();
        ui_begin(t, 320, 200, 1.0f, 0, 0);
        ui_end(t);
        CHECK(gfx_draw(r, NULL, t) == 0, "draw: %s", SDL_GetError());
        Uint32 px = 0;
        SDL_Rect one = { 10, 10, 1, 1 };
        CHECK(SDL_RenderReadPixels(r, &one, SDL_PIXELFORMAT_ARGB8888, &px, 4) == 0, "read back");
        CHECK((px & 0xFFFFFF) == 0xF6F3EC, "background drawn: %06x", px & 0xFFFFFF);
        SDL_RenderPresent(r);
        ui_free(t);
        SDL_DestroyRenderer(r);
    }
    if (win)
        SDL_DestroyWindow(win);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

int main(void)
{
    SDL_SetMemoryFunctions(t_malloc, t_calloc, t_realloc, t_free);    /* before SDL allocates */
    log_quiet(1);
    gfx_forget_input();                 /* before SDL's events: nothing to do */
    test_driver_table();
    test_forget_input();
    test_offscreen_frame();
    SDL_Quit();
    return check_done();
}
