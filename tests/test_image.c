/*
 * test_image.c — article pictures: the decoder (imgdec: PNG and JPEG,
 * bounds before pixels, truncated / forged / oversized inputs), the scale
 * rule (img_fit), Markdown image blocks (mdoc), the picture module over a
 * real pack (placed at once, decoded on its thread, textures within the
 * shared budget, a picture that does not decode shows its alt text and is
 * remembered for the console), and the article screen's UI_IMAGE widgets
 * drawn by gfx on a software renderer.
 */
#include "check.h"
#include "imgmake.h"
#include "admin.h"
#include "app.h"
#include "gfx.h"
#include "image.h"
#include "imgdec.h"
#include "mdoc.h"

#include <SDL2/SDL.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#define RED 0xD02010u
#define GREEN 0x10A040u

/* ---- imgdec ---- */

static void test_decode_png(void)
{
    size_t len;
    char why[160];
    uint8_t *px = NULL;
    int w, h;
    imgdec_info info;
    void *png = imgmake_png(40, 30, RED, &len);
    CHECK(png && imgdec_sniff(png, len) == IMGDEC_PNG, "png made");
    CHECK(imgdec_probe(png, len, &info, why, sizeof why) == 0, "probe: %s", why);
    CHECK(info.format == IMGDEC_PNG && info.w == 40 && info.h == 30 && info.opaque, "png %dx%d", info.w, info.h);
    CHECK(imgdec_decode(png, len, 1, &px, &w, &h, why, sizeof why) == 0, "decode: %s", why);
    CHECK(px && w == 40 && h == 30, "png pixels %dx%d", w, h);
    CHECK(px && px[0] == 0xD0 && px[1] == 0x20 && px[2] == 0x10 && px[3] == 0xFF, "png colour");
    free(px);
    /* truncated: the header is there, the pixels are not */
    CHECK(imgdec_probe(png, len - 20, &info, why, sizeof why) == 0, "truncated png: header reads");
    CHECK(imgdec_decode(png, len - 20, 1, &px, &w, &h, why, sizeof why) == FARO_EPARSE && !px,
          "truncated png refused");
    CHECK_CONTAINS(why, "damaged PNG");
    free(png);
}

static void test_decode_jpeg(void)
{
    size_t len;
    char why[160];
    uint8_t *px = NULL;
    int w, h;
    imgdec_info info;
    void *jpg = imgmake_jpeg(64, 48, GREEN, &len);
    CHECK(jpg && imgdec_sniff(jpg, len) == IMGDEC_JPEG, "jpeg made");
    CHECK(imgdec_probe(jpg, len, &info, why, sizeof why) == 0 && info.w == 64 && info.h == 48 && info.opaque,
          "jpeg probe: %s", why);
    CHECK(imgdec_decode(jpg, len, 1, &px, &w, &h, why, sizeof why) == 0 && w == 64 && h == 48, "jpeg: %s", why);
    CHECK(px && abs(px[(24 * 64 + 32) * 4 + 1] - 0xA0) < 24 && px[3] == 255, "jpeg colour about right");
    free(px);
    CHECK(imgdec_decode(jpg, len, 2, &px, &w, &h, why, sizeof why) == 0 && w == 32 && h == 24,
          "jpeg decoded half size by libjpeg: %dx%d", w, h);
    free(px);
    CHECK(imgdec_decode(jpg, len / 2, 1, &px, &w, &h, why, sizeof why) == FARO_EPARSE && !px,
          "truncated jpeg refused (libjpeg's warning is an error)");
    CHECK_CONTAINS(why, "damaged JPEG");
    unsigned char bad[64];
    memset(bad, 0x55, sizeof bad);
    memcpy(bad, "\xFF\xD8\xFF\xE0", 4);
    CHECK(imgdec_probe(bad, sizeof bad, &info, why, sizeof why) == FARO_EPARSE, "jpeg with a bad header");
    CHECK_CONTAINS(why, "damaged JPEG");
    free(jpg);
}

static void test_bounds(void)
{
    size_t len;
    char why[160];
    imgdec_info info;
    uint8_t *px = NULL;
    int w, h;
    void *wide = imgmake_png(IMGDEC_MAX_SIDE + 1, 2, RED, &len);
    CHECK(imgdec_probe(wide, len, &info, why, sizeof why) == FARO_ELIMIT, "a side over the bound");
    CHECK_CONTAINS(why, "4097x2 pixels (at most 4096 a side");
    CHECK(imgdec_decode(wide, len, 1, &px, &w, &h, why, sizeof why) == FARO_ELIMIT && !px,
          "never decoded");
    free(wide);
    void *big = imgmake_png(3000, 3000, RED, &len);    /* 9 Mpx, a small file */
    CHECK(imgdec_probe(big, len, &info, why, sizeof why) == FARO_ELIMIT, "pixels over the bound");
    CHECK_CONTAINS(why, "8000000 in all");
    free(big);
    static unsigned char huge[IMGDEC_MAX_BYTES + 1];
    memcpy(huge, "\x89PNG\r\n\x1a\n", 8);
    CHECK(imgdec_probe(huge, sizeof huge, &info, why, sizeof why) == FARO_ELIMIT, "bytes over the bound");
    CHECK_CONTAINS(why, "more than 2097152");
    CHECK(imgdec_probe("hello, world", 12, &info, why, sizeof why) == FARO_EPARSE, "text is no image");
    CHECK_CONTAINS(why, "not a PNG or JPEG");
    CHECK(imgdec_probe(NULL, 0, &info, why, sizeof why) == FARO_EPARSE, "nothing");
    void *tiny = imgmake_png(1, 1, RED, &len);
    CHECK(imgdec_decode(tiny, len, 8, &px, &w, &h, why, sizeof why) == 0 && w == 1 && h == 1, "a 1x1 png");
    free(px);
    free(tiny);
}

/* ---- the scale rule ---- */

static void test_fit(void)
{
    int w, h;
    img_box col = { 400, 2000, 1.0f };
    img_fit(800, 600, &col, &w, &h);
    CHECK(w == 400 && h == 300, "scaled down to the column: %dx%d", w, h);
    img_box wide = { 1000, 2000, 1.0f };
    img_fit(50, 40, &wide, &w, &h);
    CHECK(w == 100 && h == 80, "never past 2x: %dx%d", w, h);
    img_fit(1, 1, &wide, &w, &h);
    CHECK(w == 2 && h == 2, "a tiny picture: %dx%d", w, h);
    img_fit(300, 200, &wide, &w, &h);
    CHECK(w == 600 && h == 400, "a small picture grows up to 2x: %dx%d", w, h);
    img_box low = { 1000, 300, 1.0f };
    img_fit(1000, 1000, &low, &w, &h);
    CHECK(w == 300 && h == 300, "never taller than the view: %dx%d", w, h);
    img_box small = { 1000, 2000, 0.5f };
    img_fit(100, 50, &small, &w, &h);
    CHECK(w == 100 && h == 50, "a smaller screen: 2x density: %dx%d", w, h);
    img_box dense = { 4000, 4000, 3.0f };
    img_fit(100, 50, &dense, &w, &h);
    CHECK(w == 200 && h == 100, "a denser screen still stops at 2x: %dx%d", w, h);
    img_fit(10000, 1, &col, &w, &h);
    CHECK(w == 400 && h == 1, "at least one pixel high: %dx%d", w, h);
    img_fit(0, 10, &col, &w, &h);
    CHECK(w == 0 && h == 0, "no pixels, no size");
}

/* ---- Markdown ---- */

static void test_mdoc(void)
{
    const char *md = "Before ![a red square](media/red.png \"The caption\") after.\n\n"
                     "1. ![a pencil](media/p.png) Write it down.\n"
                     "2. Say it ![x](media/x.png) twice.\n";
    mdoc *d = mdoc_parse(md, strlen(md));
    CHECK(d && d->nblocks == 8, "blocks: %d", d ? d->nblocks : -1);
    if (!d || d->nblocks != 8) {
        mdoc_free(d);
        return;
    }
    CHECK(d->blocks[0].kind == MDOC_P && !strcmp(d->blocks[0].text, "Before"), "text before");
    CHECK(d->blocks[1].kind == MDOC_IMAGE, "an image block");
    CHECK_STR(d->blocks[1].text, "a red square");
    CHECK_STR(d->blocks[1].src, "media/red.png");
    CHECK_STR(d->blocks[1].title, "The caption");
    CHECK(d->blocks[2].kind == MDOC_P && !strcmp(d->blocks[2].text, " after."), "text after: '%s'",
          d->blocks[2].text);
    CHECK(d->blocks[3].kind == MDOC_IMAGE && !strcmp(d->blocks[3].title, ""), "image first in an item");
    CHECK(d->blocks[4].kind == MDOC_LI && d->blocks[4].ordinal == 1 && !d->blocks[4].cont,
          "the item keeps its number");
    CHECK(d->blocks[5].kind == MDOC_LI && d->blocks[5].ordinal == 2 && !d->blocks[5].cont, "item 2");
    CHECK(d->blocks[6].kind == MDOC_IMAGE, "image inside item 2");
    CHECK(d->blocks[7].kind == MDOC_LI && d->blocks[7].cont, "the rest of item 2 has no second number");
    mdoc_free(d);
}

/* ---- the module over a real pack ---- */

typedef struct fixture {
    char dir[256], pack[300];
    store *st;
    txt_ctx *txt;
    SDL_Surface *surf;
    SDL_Renderer *r;
} fixture;

/* Replaces a media row's bytes in the built pack (lint would refuse the
 * file: this is a pack made by other means). */
static int tamper(const char *pack, const char *name, size_t keep)
{
    sqlite3 *db;
    char sql[256];
    if (sqlite3_open(pack, &db) != SQLITE_OK)
        return -1;
    snprintf(sql, sizeof sql, "UPDATE media SET data = substr(data, 1, %zu) WHERE name = '%s'", keep, name);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

static int fixture_open(fixture *f)
{
    char err[512];
    size_t len[3];
    void *data[3] = { imgmake_png(80, 60, RED, &len[0]), imgmake_jpeg(640, 480, GREEN, &len[1]),
                      imgmake_png(200, 100, RED, &len[2]) };
    const char *names[3] = { "red.png", "photo.jpg", "broken.png" };
    const char *body = "![a red square](media/red.png \"A red square\")\n\n"
                       "![a green photo](media/photo.jpg)\n\n![a broken one](media/broken.png)\n";
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/faro-test-image-%d", (int)getpid());
    snprintf(f->pack, sizeof f->pack, "%s.faro", f->dir);
    int rc = imgmake_content(f->dir, body, names, data, len, 3);
    rc |= imgmake_pack(f->dir, f->pack);
    rc |= tamper(f->pack, "media/broken.png", len[2] - 20);     /* the header stays */
    for (int i = 0; i < 3; i++)
        free(data[i]);
    f->st = store_new();
    rc |= store_add_file(f->st, f->pack, err, sizeof err);
    f->txt = txt_new("assets/fonts", 16u << 20, err, sizeof err);     /* the kiosk's default */
    f->surf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    f->r = f->surf ? SDL_CreateSoftwareRenderer(f->surf) : NULL;
    CHECK(rc == 0 && f->txt && f->r, "fixture: %s", err);
    return rc == 0 && f->txt && f->r ? 0 : -1;
}

static void fixture_close(fixture *f)
{
    SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->surf);
    txt_free(f->txt);
    store_free(f->st);
    check_sh("rm -rf '%s' '%s'", f->dir, f->pack);
}

static void texture_size(SDL_Texture *t, int *w, int *h)
{
    *w = *h = 0;
    if (t)
        SDL_QueryTexture(t, NULL, NULL, w, h);
}

static void test_module(fixture *f)
{
    int w, h, tw, th, st;
    char why[160] = "", failed[4][IMG_NAME_MAX];
    img_box box = { 320, 2000, 1.0f };
    size_t budget = txt_texture_budget(f->txt);
    img_ctx *c = img_new(f->txt, NULL, NULL);
    CHECK(img_place(c, f->st, "media/red.png", &box, &w, &h, why, sizeof why) == IMG_PENDING,
          "placed at once, decoded later: %s", why);
    CHECK(w == 160 && h == 120, "its size from the header: %dx%d", w, h);
    CHECK(img_place(c, f->st, "media/photo.jpg", &box, &w, &h, why, sizeof why) != IMG_FAILED &&
          w == 320 && h == 240, "photo fits the column: %dx%d", w, h);
    CHECK(img_place(c, f->st, "media/broken.png", &box, &w, &h, why, sizeof why) == IMG_PENDING &&
          w == 320 && h == 160, "a damaged picture's header still reads: %dx%d", w, h);
    CHECK(img_place(c, f->st, "media/none.png", &box, &w, &h, why, sizeof why) == IMG_FAILED && w == 0,
          "a missing picture fails at once");
    CHECK(img_wait(c, 10000) == 0, "decoded within 10 s");
    SDL_Texture *t = img_texture(c, f->r, "media/red.png", &st);
    texture_size(t, &tw, &th);
    CHECK(t && st == IMG_READY && tw == 160 && th == 120, "red texture %dx%d", tw, th);
    t = img_texture(c, f->r, "media/photo.jpg", &st);
    texture_size(t, &tw, &th);
    CHECK(t && tw == 320 && th == 240, "photo texture %dx%d", tw, th);
    t = img_texture(c, f->r, "media/broken.png", &st);
    CHECK(!t && st == IMG_FAILED, "the damaged one has no texture and failed");
    int n = img_failed_names(c, failed, 4);
    CHECK(n == 2, "two failed: %d", n);
    CHECK(n >= 2 && (!strcmp(failed[0], "media/broken.png") || !strcmp(failed[1], "media/broken.png")),
          "the console can name it");
    img_stats s;
    img_get_stats(c, &s);
    size_t used = (size_t)(160 * 120 + 320 * 240) * 4;
    CHECK(s.texture_bytes == used, "texture bytes %zu", s.texture_bytes);
    CHECK(txt_texture_budget(f->txt) == budget - used, "lent from the text engine's budget");
    CHECK(s.decodes == 2 && s.failures == 2, "decodes %ld failures %ld", s.decodes, s.failures);
    img_forget(c);
    img_get_stats(c, &s);
    CHECK(s.texture_bytes == 0 && txt_texture_budget(f->txt) == budget, "forgotten: the budget is back");
    CHECK(img_failed_names(c, failed, 4) == 2, "failures stay known after a visit");
    img_free(c);
    img_free(NULL);
}

/* Pictures take at most half the shared budget; older ones are evicted. */
static void test_budget(fixture *f)
{
    char err[256];
    int w, h;
    txt_ctx *small = txt_new("assets/fonts", 1u << 20, err, sizeof err);
    img_ctx *c = img_new(small, NULL, NULL);
    img_box box = { 320, 2000, 1.0f };      /* photo: 320x240 = 300 KB; red: 75 KB */
    img_place(c, f->st, "media/photo.jpg", &box, &w, &h, NULL, 0);
    img_wait(c, 10000);
    CHECK(img_texture(c, f->r, "media/photo.jpg", NULL) != NULL, "the photo fits half of 1 MB");
    img_box big = { 640, 2000, 1.0f };      /* 640x480 = 1.2 MB: more than half */
    CHECK(img_place(c, f->st, "media/photo.jpg", &big, &w, &h, NULL, 0) == IMG_PENDING &&
          (size_t)w * (size_t)h * 4 <= (1u << 19) && w > 300 && abs(w * 3 - h * 4) < 8,
          "placed smaller, to fit half the budget: %dx%d", w, h);
    img_wait(c, 10000);
    SDL_Texture *t = img_texture(c, f->r, "media/photo.jpg", NULL);
    img_stats s;
    img_get_stats(c, &s);
    CHECK(t && s.texture_bytes <= (1u << 20) / 2, "drawn, never more than half the budget: %zu",
          s.texture_bytes);
    img_free(c);
    txt_free(small);
}

/* The console's self-check decodes every picture of the content. */
static void test_selfcheck(fixture *f)
{
    admin_check out[ADMIN_NCHECKS];
    admin_env env = { .data_dir = f->dir, .font_dir = "assets/fonts", .now_s = 2000000000L, .content = f->st };
    admin_selfcheck(&env, out);
    CHECK(out[ADMIN_CHECK_IMAGES].ok == 0, "a picture that does not decode fails the check");
    CHECK_STR(out[ADMIN_CHECK_IMAGES].detail, "media/broken.png");
    CHECK_STR(out[ADMIN_CHECK_IMAGES].result_key, "admin.check.images_fail");
    extern const unsigned char faro_default_pack[], faro_default_pack_end[];
    char err[256];
    store *def = store_new();
    store_add_memory(def, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack), "default",
                     err, sizeof err);
    env.content = def;
    admin_selfcheck(&env, out);
    CHECK(out[ADMIN_CHECK_IMAGES].ok == 1, "the default content's pictograms all decode");
    env.content = NULL;
    admin_selfcheck(&env, out);
    CHECK(out[ADMIN_CHECK_IMAGES].ok == -1, "no content: not checked");
    store_free(def);
}

/* ---- the article screen and gfx ---- */

static int tap_arg(app *a, const char *arg)
{
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->action && ui_get(t, i)->arg && !strcmp(ui_get(t, i)->arg, arg)) {
            app_activate(a, i, 1);
            return 0;
        }
    return -1;
}

static int find_image(const ui_tree *t, const char *src)
{
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->role == UI_IMAGE && !strcmp(ui_get(t, i)->arg, src))
            return i;
    return -1;
}

static uint32_t pixel_at(SDL_Surface *s, int x, int y)
{
    return ((uint32_t *)((uint8_t *)s->pixels + y * s->pitch))[x] & 0xFFFFFFu;
}

static void test_screen(fixture *f)
{
    cfg c;
    cfg_defaults(&c);
    loc_set *loc = loc_new();
    loc_load_dir(loc, "locales");
    app *a = app_new(&c, f->st, loc, f->txt);
    img_ctx *img = img_new(f->txt, NULL, NULL);
    app_set_images(a, img);
    CHECK(tap_arg(a, "es") == 0 && tap_arg(a, "pics") == 0 && tap_arg(a, "photos") == 0, "the article opens");
    ui_tree *t = app_tree(a);
    int red = find_image(t, "media/red.png"), broken = find_image(t, "media/broken.png");
    CHECK(red >= 0 && broken >= 0, "UI_IMAGE widgets in the tree");
    if (red < 0 || broken < 0)
        goto done;
    CHECK_STR(ui_get(t, red)->text, "a red square");
    CHECK(ui_get(t, red)->r.w == 160 && ui_get(t, red)->r.h == 120, "red laid out at 2x: %dx%d",
          ui_get(t, red)->r.w, ui_get(t, red)->r.h);
    CHECK(ui_find(t, "A red square", 0) > red, "its caption below it");
    const ui_widget *ph = ui_get(t, find_image(t, "media/photo.jpg"));
    CHECK(ph->r.w == 853 && ph->r.h == 640, "640x480 grown to the view's height (800 - bar - margins): %dx%d",
          ph->r.w, ph->r.h);
    CHECK(img_wait(img, 10000) == 0, "decoded");
    CHECK(gfx_draw_img(f->r, f->txt, img, t) == 0, "drawn");
    ui_rect rr = ui_screen_rect(t, red);
    CHECK(pixel_at(f->surf, rr.x + rr.w / 2, rr.y + rr.h / 2) == RED, "the red square is on screen: %06x",
          pixel_at(f->surf, rr.x + rr.w / 2, rr.y + rr.h / 2));
    /* the damaged picture: its frame, never red */
    ui_scroll_to(t, broken);
    gfx_draw_img(f->r, f->txt, img, t);
    char err[256];
    mkdir("build/test-out", 0755);
    CHECK(gfx_save_png(f->r, 1280, 800, "build/test-out/pictures_broken.png", err, sizeof err) == 0,
          "artefact: %s", err);
    ui_rect br = ui_screen_rect(t, broken);
    CHECK(pixel_at(f->surf, br.x + br.w / 2, br.y + br.h - 3) == 0xFFFFFF, "a card frame: %06x",
          pixel_at(f->surf, br.x + br.w / 2, br.y + br.h - 3));
    /* next build: it is known to fail, so its alt text sets the frame's size */
    app_resize(a, 1279, 800);
    t = app_tree(a);
    broken = find_image(t, "media/broken.png");
    CHECK(broken >= 0 && ui_get(t, broken)->r.w == 1279 - 64 && ui_get(t, broken)->r.h > 0 &&
          ui_get(t, broken)->r.h < 100, "alt text in a frame across the column");
    ui_scroll_to(t, broken);
    gfx_draw_img(f->r, f->txt, img, t);
    gfx_save_png(f->r, 1280, 800, "build/test-out/pictures_broken_rebuilt.png", err, sizeof err);
    img_stats s;
    img_get_stats(img, &s);
    CHECK(s.texture_bytes > 0, "textures held while shown: %zu", s.texture_bytes);
done:
    app_free(a);
    img_forget(img);
    img_free(img);
    loc_free(loc);
}

int main(void)
{
    fixture f;
    SDL_Init(0);
    test_decode_png();
    test_decode_jpeg();
    test_bounds();
    test_fit();
    test_mdoc();
    if (fixture_open(&f) == 0) {
        test_module(&f);
        test_budget(&f);
        test_selfcheck(&f);
        test_screen(&f);
    }
    fixture_close(&f);
    SDL_Quit();
    return check_done();
}
