/*
 * speechbench.c — the voice's figures, through the app as a person would
 * use it with audio guidance on (SDL's disk audio driver into /dev/null,
 * eSpeak NG from PATH).  Run from the repo root.
 *
 *   speech_first_audio_ms  a first tap on a home tile to the first
 *                          synthetic sample handed to the device (median
 *                          of ROUNDS taps, alternating two tiles so that
 *                          every tap is a first tap)
 *   speech_rss_growth_mb   resident memory after ROUNDS more taps and
 *                          ARTICLES article openings (each read aloud for
 *                          a while, then replaced), minus after warming up
 */
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "cfg.h"
#include "loc.h"
#include "speech.h"
#include "store.h"
#include "txt.h"
#include "benchclock.h"

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

#define ROUNDS 40
#define ARTICLES 12
#define WAIT_MS 5000

static long rss_kb(void)
{
    char line[256];
    long kb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb;
}

/* The index of the n-th widget with an action argument of `action` kind. */
static int nth_with_arg(app *a, int n)
{
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->action && ui_get(t, i)->arg && *ui_get(t, i)->arg && n-- == 0)
            return i;
    return -1;
}

/* Taps widget i once; returns ms until its first sample reached the device. */
static double tap_to_sound(app *a, speech *s, int i, uint64_t *clock)
{
    struct timespec tick = { 0, 200000 };
    double t0 = now_ms();
    app_activate(a, i, *clock += 50);
    while (speech_first_audio_ns(s) == 0 && now_ms() - t0 < WAIT_MS)
        nanosleep(&tick, NULL);
    return now_ms() - t0;
}

/* Taps widget i twice (guidance: speak, then act). */
static void open_item(app *a, int i, uint64_t *clock)
{
    app_activate(a, i, *clock += 50);
    app_activate(a, i, *clock += 50);
    app_tick(a, *clock);
}

int main(void)
{
    char err[256];
    static double ms[ROUNDS];
    cfg c;
    cfg_defaults(&c);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", "/dev/null", 1);
    SDL_Init(0);
    store *st = store_new();
    loc_set *loc = loc_new();
    if (store_add_memory(st, faro_default_pack, faro_default_pack_end - faro_default_pack, "default",
                         err, sizeof err) != 0 || loc_load_dir(loc, "locales") == 0) {
        fprintf(stderr, "speechbench: %s\n", err);
        return 1;
    }
    txt_ctx *txt = txt_new("assets/fonts", 16u << 20, err, sizeof err);
    app *a = app_new(&c, st, loc, txt);
    speech *s = speech_new(NULL);
    if (!txt || !a || !s)
        return 1;
    app_set_speech(a, s);
    uint64_t clock = 10;
    app_set_guidance(a, 1, clock);
    open_item(a, nth_with_arg(a, 0), &clock);          /* the first language: home */
    for (int i = 0; i < 4; i++)                         /* warm up */
        tap_to_sound(a, s, nth_with_arg(a, i % 2), &clock);
    long rss0 = rss_kb();
    for (int i = 0; i < ROUNDS; i++)
        ms[i] = tap_to_sound(a, s, nth_with_arg(a, i % 2), &clock);
    for (int k = 0; k < ARTICLES; k++) {
        open_item(a, nth_with_arg(a, k % 6), &clock);   /* a topic */
        open_item(a, nth_with_arg(a, 0), &clock);       /* its first article, read aloud */
        SDL_Delay(400);
        app_back(a, clock += 50);
        app_back(a, clock += 50);
        app_tick(a, clock);
    }
    for (int i = 0; i < ROUNDS; i++)
        tap_to_sound(a, s, nth_with_arg(a, i % 2), &clock);
    long rss1 = rss_kb();
    qsort(ms, ROUNDS, sizeof *ms, cmp_double);
    printf("speech_first_audio_ms: %.1f ms\n", ms[ROUNDS / 2]);
    printf("speech_rss_growth_mb: %.1f MB\n", (rss1 - rss0) / 1024.0);
    app_free(a);
    speech_free(s);
    txt_free(txt);
    loc_free(loc);
    store_free(st);
    SDL_Quit();
    return 0;
}
