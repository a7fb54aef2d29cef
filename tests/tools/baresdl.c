/*
 * baresdl.c — the floor under startup_first_frame_ms: a program that only
 * opens an SDL window with the software renderer, clears it and presents
 * one frame, then prints CLOCK_REALTIME like `faro --first-frame-ns`.
 * make bench prints its time as startup_bare_sdl_ms beside Faro's.
 */
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void)
{
    struct timespec ts;
    setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:", 0);
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return 1;
    SDL_Window *w = SDL_CreateWindow("bare", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 800, 0);
    SDL_Renderer *r = w ? SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE) : NULL;
    if (!r)
        return 1;
    SDL_SetRenderDrawColor(r, 246, 243, 236, 255);
    SDL_RenderClear(r);
    SDL_RenderPresent(r);
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(w);
    SDL_Quit();
    return 0;
}
