/* test_gfx.c — the window renderer each video driver allows, and a frame
 * actually presented through it on SDL's offscreen driver (a real window
 * of a real video driver, with no display server). */
#include <SDL2/SDL.h>
#include <string.h>
#include "check.h"
#include "gfx.h"
#include "log.h"

static void test_driver_table(void)
{
    CHECK(gfx_driver_has_framebuffer("x11") == 1, "x11 has a plain framebuffer");
    CHECK(gfx_driver_has_framebuffer("offscreen") == 1, "offscreen has one");
    CHECK(gfx_driver_has_framebuffer("kmsdrm") == 0, "KMSDRM has none: the framebuffer must go through GL");
    CHECK(gfx_driver_has_framebuffer("wayland") == 0, "wayland has none");
    CHECK(gfx_driver_has_framebuffer(NULL) == 0, "no driver");
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
    log_quiet(1);
    test_driver_table();
    test_offscreen_frame();
    SDL_Quit();
    return check_done();
}
