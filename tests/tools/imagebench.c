/*
 * imagebench.c — the article pictures' figures:
 *   image_decode_ms_1mp      a 1-megapixel JPEG (1155 x 866) placed in a 1280 x 800
 *                            article and decoded (and scaled) by the module's
 *                            worker thread: median of 15, from img_place to ready
 *   scroll_frame_p99_img_ms  an article with three such photos between paragraphs,
 *                            scrolled as tests/tools/scrollbench.c scrolls (wheel,
 *                            software renderer, 600 frames), p99 frame time
 * Run from the repo root (fonts, locales).
 */
#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../imgmake.h"
#include "app.h"
#include "cfg.h"
#include "gfx.h"
#include "image.h"
#include "loc.h"
#include "store.h"
#include "txt.h"
#include "benchclock.h"

#define FRAMES 600
#define DECODES 15

static int activate_arg(app *a, const char *arg)
{
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->action && ui_get(t, i)->arg && !strcmp(ui_get(t, i)->arg, arg)) {
            app_activate(a, i, 1);
            return 0;
        }
    fprintf(stderr, "imagebench: nothing to tap for %s\n", arg);
    return -1;
}

/* The three-photo article's pack in dir; 0 or -1. */
static int make_pack(const char *dir, const char *pack)
{
    static const unsigned colors[3] = { 0x3060A0, 0xA06030, 0x30A060 };
    const char *names[3] = { "one.jpg", "two.jpg", "three.jpg" };
    void *data[3];
    size_t len[3];
    char body[8192] = "";
    const char *para = "Una frase corta para leer entre las fotos, como en un artículo de verdad. "
                       "Otra frase más, con palabras sencillas.\n\n";
    for (int i = 0; i < 3; i++) {
        data[i] = imgmake_jpeg(1155, 866, colors[i], &len[i]);
        for (int k = 0; k < 3; k++)
            strncat(body, para, sizeof body - strlen(body) - 1);
        snprintf(body + strlen(body), sizeof body - strlen(body), "![foto %d](media/%s)\n\n", i + 1, names[i]);
    }
    strncat(body, para, sizeof body - strlen(body) - 1);
    int rc = imgmake_content(dir, body, names, data, len, 3) || imgmake_pack(dir, pack) ? -1 : 0;
    for (int i = 0; i < 3; i++)
        free(data[i]);
    return rc;
}

static double decode_ms(img_ctx *img, store *st)
{
    static double ms[DECODES];
    img_box box = { 1216, 640, 1.0f };
    int w, h;
    for (int i = 0; i < DECODES; i++) {
        img_forget(img);
        double t0 = now_ms();
        img_place(img, st, "media/one.jpg", &box, &w, &h, NULL, 0);
        img_wait(img, 10000);
        ms[i] = now_ms() - t0;
    }
    img_forget(img);
    qsort(ms, DECODES, sizeof *ms, cmp_double);
    return ms[DECODES / 2];
}

static double scroll_p99(app *a, txt_ctx *txt, img_ctx *img, SDL_Renderer *r)
{
    static double ms[FRAMES];
    uint64_t clock = 10;
    int dir = 1;
    app_tree(a);
    img_wait(img, 10000);
    for (int i = 0; i < FRAMES; i++) {
        int before = ui_scroll_y(app_tree(a));
        app_wheel(a, dir * 23, clock);
        if (ui_scroll_y(app_tree(a)) == before)
            dir = -dir;
        app_tick(a, clock += 16);
        double t0 = now_ms();
        gfx_draw_img(r, txt, img, app_tree(a));
        SDL_RenderPresent(r);
        ms[i] = now_ms() - t0;
    }
    qsort(ms, FRAMES, sizeof *ms, cmp_double);
    return ms[FRAMES * 99 / 100];
}

int main(void)
{
    char dir[64], pack[80], err[256];
    cfg c;
    cfg_defaults(&c);
    SDL_Init(0);
    snprintf(dir, sizeof dir, "/tmp/faro-imagebench-%d", (int)getpid());
    snprintf(pack, sizeof pack, "%s.faro", dir);
    store *st = store_new();
    loc_set *loc = loc_new();
    if (make_pack(dir, pack) != 0 || store_add_file(st, pack, err, sizeof err) != 0 ||
        loc_load_dir(loc, "locales") == 0) {
        fprintf(stderr, "imagebench: cannot make the pack\n");
        return 1;
    }
    txt_ctx *txt = txt_new("assets/fonts", (size_t)c.text_cache_mb << 20, err, sizeof err);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, c.width, c.height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    img_ctx *img = img_new(txt, NULL, NULL);
    app *a = app_new(&c, st, loc, txt);
    if (!txt || !r || !a || !img)
        return 1;
    app_set_images(a, img);
    printf("image_decode_ms_1mp: %.1f ms\n", decode_ms(img, st));
    if (activate_arg(a, "es") || activate_arg(a, "pics") || activate_arg(a, "photos"))
        return 1;
    printf("scroll_frame_p99_img_ms: %.2f ms\n", scroll_p99(a, txt, img, r));
    app_free(a);
    img_drop_textures(img);
    img_free(img);
    txt_free(txt);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
    loc_free(loc);
    store_free(st);
    char rm[256];
    snprintf(rm, sizeof rm, "rm -rf '%s' '%s'", dir, pack);
    if (system(rm) != 0)
        fprintf(stderr, "imagebench: %s failed\n", rm);
    SDL_Quit();
    return 0;
}
