/*
 * imgmake.h — test pictures made on the spot (tests/test_image.c and
 * tests/tools/imagebench.c): a solid or patterned PNG (libpng) or JPEG
 * (libjpeg) in memory, a file writer, and a small content folder whose
 * article shows pictures, built into a pack with faro-pack's builder.
 */
#ifndef FARO_TEST_IMGMAKE_H
#define FARO_TEST_IMGMAKE_H

#include <jpeglib.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pack_build.h"

/* RGBA pixels: a colour (rgb) with a faint pattern when `pattern` is set
 * (so that JPEG has something to compress). */
static inline unsigned char *imgmake_pixels(int w, int h, unsigned rgb, int pattern)
{
    unsigned char *px = malloc((size_t)w * (size_t)h * 4);
    for (int y = 0; px && y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * 4;
            int d = pattern ? ((x * 7 + y * 13) % 32) - 16 : 0;
            for (int k = 0; k < 3; k++) {
                int c = (int)((rgb >> (16 - 8 * k)) & 0xFF) + d;
                p[k] = (unsigned char)(c < 0 ? 0 : c > 255 ? 255 : c);
            }
            p[3] = 255;
        }
    return px;
}

/* A PNG of w x h in rgb; *len its size; malloc'd (caller frees) or NULL. */
static inline void *imgmake_png(int w, int h, unsigned rgb, size_t *len)
{
    png_image img;
    unsigned char *px = imgmake_pixels(w, h, rgb, 0);
    png_alloc_size_t size = 0;
    void *out = NULL;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;        /* no alpha: opaque */
    unsigned char *rgbpx = px ? malloc((size_t)w * (size_t)h * 3) : NULL;
    for (size_t i = 0; rgbpx && i < (size_t)w * (size_t)h; i++)
        memcpy(rgbpx + 3 * i, px + 4 * i, 3);
    if (rgbpx && png_image_write_get_memory_size(img, size, 0, rgbpx, 0, NULL) &&
        (out = malloc(size)) && !png_image_write_to_memory(&img, out, &size, 0, rgbpx, 0, NULL)) {
        free(out);
        out = NULL;
    }
    free(rgbpx);
    free(px);
    *len = out ? (size_t)size : 0;
    return out;
}

/* A JPEG (quality 85) of w x h in rgb with a faint pattern; malloc'd. */
static inline void *imgmake_jpeg(int w, int h, unsigned rgb, size_t *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    unsigned char *mem = NULL, *px = imgmake_pixels(w, h, rgb, 1);
    unsigned long size = 0;
    JSAMPLE *row = malloc((size_t)w * 3);
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &mem, &size);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 85, TRUE);
    jpeg_start_compress(&c, TRUE);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++)
            memcpy(row + 3 * x, px + ((size_t)y * (size_t)w + (size_t)x) * 4, 3);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    free(px);
    void *out = malloc(size);
    if (out)
        memcpy(out, mem, size);
    free(mem);
    *len = out ? (size_t)size : 0;
    return out;
}

static inline int imgmake_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static inline int imgmake_text(const char *dir, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return imgmake_write(path, text, strlen(text));
}

/*
 * A one-language (es) content folder in dir: topic "pics", article
 * "photos" whose body is `body`, and the files media/<names[i]> with
 * datas[i].  Returns 0 or -1.
 */
static inline int imgmake_content(const char *dir, const char *body, const char *const *names,
                           void *const *datas, const size_t *lens, int n)
{
    char path[1024], md[65536];
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/articles", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/articles/photos", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/media", dir);
    mkdir(path, 0700);
    snprintf(md, sizeof md, "---\ntitle: Fotos\nsummary: Tres fotos\n---\n%s\n", body);
    int rc = imgmake_text(dir, "pack.yaml", "id: org.faro.test-pics\nversion: 1\nlayer: site\n"
                                            "type: content\nlanguages: [es]\ntitle:\n  es: Fotos\n");
    rc |= imgmake_text(dir, "topics.yaml", "topics:\n  - id: pics\n    icon: info\n"
                                           "    title: { es: Fotos }\n    summary: { es: Fotos }\n"
                                           "    articles: [photos]\n");
    rc |= imgmake_text(dir, "articles/photos/es.md", md);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/media/%s", dir, names[i]);
        rc |= imgmake_write(path, datas[i], lens[i]);
    }
    return rc ? -1 : 0;
}

/* Builds dir into the pack `out`; 0 or -1 (lint's report on stderr). */
static inline int imgmake_pack(const char *dir, const char *out)
{
    char err[512];
    lint_report *rep = lint_report_new();
    int rc = pack_build_dir(dir, out, rep, NULL, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "imgmake: %s\n", err);
        for (int i = 0; i < lint_report_count(rep); i++)
            fprintf(stderr, "  %s\n", lint_report_at(rep, i));
    }
    lint_report_free(rep);
    return rc == 0 ? 0 : -1;
}

#endif
