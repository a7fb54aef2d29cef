/*
 * scrollbench.c — frame times while scrolling the longest article of the
 * default content, drawn by the kiosk's own renderer (software, 1280x800).
 * Prints scroll_frame_p50_ms and scroll_frame_p99_ms.  Run from the repo root.
 */
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "cfg.h"
#include "gfx.h"
#include "loc.h"
#include "store.h"
#include "txt.h"
#include "benchclock.h"

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

#define FRAMES 600

/* Taps the widget whose action argument is `arg`. */
static int activate_arg(app *a, const char *arg)
{
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->arg && !strcmp(ui_get(t, i)->arg, arg)) {
            app_activate(a, i, 1);
            return 0;
        }
    fprintf(stderr, "scrollbench: nothing to tap for %s\n", arg);
    return -1;
}

/* Finds the longest article in lang: fills topic and article ids. */
static void longest_article(store *st, const char *lang, char *topic, char *article)
{
    const char *chain[] = { lang, "en", NULL };
    char err[256];
    size_t best = 0;
    store_result *tr = NULL;
    store_topics(st, chain, &tr, err, sizeof err);
    for (int i = 0; tr && i < tr->n; i++) {
        store_result *ar = NULL;
        store_articles(st, tr->u.topics[i].id, chain, &ar, err, sizeof err);
        for (int k = 0; ar && k < ar->n; k++) {
            store_result *one = NULL;
            if (store_article(st, ar->u.articles[k].id, chain, &one, err, sizeof err) == 0 &&
                strlen(one->u.articles[0].body) > best) {
                best = strlen(one->u.articles[0].body);
                strcpy(topic, tr->u.topics[i].id);
                strcpy(article, one->u.articles[0].id);
            }
            store_result_free(one);
        }
        store_result_free(ar);
    }
    store_result_free(tr);
}

int main(int argc, char **argv)
{
    const char *lang = argc > 1 ? argv[1] : "es";
    const char *name = argc > 2 ? argv[2] : "scroll_frame";
    char err[256], topic[80] = "", article[80] = "";
    static double ms[FRAMES];
    cfg c;
    cfg_defaults(&c);
    SDL_Init(0);
    store *st = store_new();
    loc_set *loc = loc_new();
    if (store_add_memory(st, faro_default_pack, faro_default_pack_end - faro_default_pack, "default",
                         err, sizeof err) != 0 || loc_load_dir(loc, "locales") == 0) {
        fprintf(stderr, "scrollbench: %s\n", err);
        return 1;
    }
    txt_ctx *txt = txt_new("assets/fonts", 16u << 20, err, sizeof err);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, c.width, c.height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    app *a = app_new(&c, st, loc, txt);
    if (!txt || !r || !a)
        return 1;
    longest_article(st, lang, topic, article);
    if (activate_arg(a, lang) || activate_arg(a, topic) || activate_arg(a, article))
        return 1;
    uint64_t clock = 10;
    int dir = 1;
    for (int i = 0; i < FRAMES; i++) {
        int before = ui_scroll_y(app_tree(a));
        app_wheel(a, dir * 23, clock);
        if (ui_scroll_y(app_tree(a)) == before)
            dir = -dir;
        app_tick(a, clock += 16);
        double t0 = now_ms();
        gfx_draw(r, txt, app_tree(a));
        SDL_RenderPresent(r);
        ms[i] = now_ms() - t0;
    }
    qsort(ms, FRAMES, sizeof *ms, cmp_double);
    printf("%s_p50_ms: %.2f ms\n", name, ms[FRAMES / 2]);
    printf("%s_p99_ms: %.2f ms\n", name, ms[FRAMES * 99 / 100]);
    app_free(a);
    txt_free(txt);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
    loc_free(loc);
    store_free(st);
    SDL_Quit();
    return 0;
}
