/*
 * imgdec.c — bounded PNG (libpng) and JPEG (libjpeg) decoding from memory.
 *
 * Nothing here decodes by hand: libpng's simplified API reads PNG headers
 * and pixels (it reports damage in png_image.message, no setjmp of ours);
 * libjpeg reads JPEG through jpeg_mem_src with an error manager whose
 * error_exit longjmps back here, and whose warnings (a truncated file,
 * "corrupt data": libjpeg would otherwise pad the picture with grey and
 * carry on) are errors too.  The header is always read and checked against
 * the bounds before the pixel buffer exists.
 */
#include "imgdec.h"
#include "faro.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

static void say(char *why, size_t whylen, const char *fmt, const char *arg)
{
    if (why && whylen)
        snprintf(why, whylen, fmt, arg ? arg : "");
}

int imgdec_sniff(const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    if (len >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
        return IMGDEC_PNG;
    if (len >= 3 && !memcmp(b, "\xFF\xD8\xFF", 3))
        return IMGDEC_JPEG;
    return IMGDEC_NONE;
}

/* The size bounds; 0 or FARO_ELIMIT with the bound in why. */
static int check_size(int w, int h, char *why, size_t whylen)
{
    char b[96];
    if (w <= 0 || h <= 0) {
        say(why, whylen, "damaged header (no size)%s", NULL);
        return FARO_EPARSE;
    }
    if (w > IMGDEC_MAX_SIDE || h > IMGDEC_MAX_SIDE ||
        (unsigned long long)w * (unsigned long long)h > IMGDEC_MAX_PIXELS) {
        snprintf(b, sizeof b, "%dx%d pixels (at most %d a side and %u in all)", w, h, IMGDEC_MAX_SIDE,
                 IMGDEC_MAX_PIXELS);
        say(why, whylen, "too large: %s", b);
        return FARO_ELIMIT;
    }
    return 0;
}

/* ---- PNG ---- */

static int png_fail(png_image *img, char *why, size_t whylen)
{
    say(why, whylen, "damaged PNG: %s", img->message[0] ? img->message : "cannot be read");
    png_image_free(img);
    return FARO_EPARSE;
}

static int png_header(const void *bytes, size_t len, png_image *img, char *why, size_t whylen)
{
    memset(img, 0, sizeof *img);
    img->version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(img, bytes, len))
        return png_fail(img, why, whylen);
    int rc = check_size((int)img->width, (int)img->height, why, whylen);
    if (rc)
        png_image_free(img);
    return rc;
}

static int png_decode(const void *bytes, size_t len, uint8_t **px, int *w, int *h, char *why, size_t whylen)
{
    png_image img;
    int rc = png_header(bytes, len, &img, why, whylen);
    if (rc)
        return rc;
    img.format = PNG_FORMAT_RGBA;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf) {
        png_image_free(&img);
        say(why, whylen, "out of memory%s", NULL);
        return FARO_ENOMEM;
    }
    if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        free(buf);
        return png_fail(&img, why, whylen);
    }
    *px = buf;
    *w = (int)img.width;
    *h = (int)img.height;
    return 0;
}

/* ---- JPEG ---- */

typedef struct jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf back;
    char msg[JMSG_LENGTH_MAX];
} jpeg_err;

static void jpeg_exit(j_common_ptr c)
{
    jpeg_err *e = (jpeg_err *)c->err;
    e->mgr.format_message(c, e->msg);
    longjmp(e->back, 1);
}

/* Warnings (level -1: premature end, corrupt data) stop the decode too. */
static void jpeg_emit(j_common_ptr c, int level)
{
    if (level < 0)
        jpeg_exit(c);
}

typedef struct jpeg_job {
    struct jpeg_decompress_struct d;
    jpeg_err err;
    uint8_t *buf;
    JSAMPLE *row;                       /* freed by the caller, also after a longjmp */
} jpeg_job;

static void jpeg_setup(jpeg_job *j, const void *bytes, size_t len)
{
    j->d.err = jpeg_std_error(&j->err.mgr);
    j->err.mgr.error_exit = jpeg_exit;
    j->err.mgr.emit_message = jpeg_emit;
    jpeg_create_decompress(&j->d);
    jpeg_mem_src(&j->d, bytes, (unsigned long)len);
}

/* Reads the scanlines as RGBA into j->buf (w x h).  Returns 0 or FARO_E*. */
static int jpeg_rows(jpeg_job *j, int w, int h)
{
    j->buf = malloc((size_t)w * (size_t)h * 4);
    j->row = malloc((size_t)w * 3);
    if (!j->buf || !j->row)
        return FARO_ENOMEM;
    JSAMPLE *row = j->row;
    while ((int)j->d.output_scanline < h) {
        int y = (int)j->d.output_scanline;
        jpeg_read_scanlines(&j->d, &row, 1);
        uint8_t *out = j->buf + (size_t)y * (size_t)w * 4;
        for (int x = 0; x < w; x++) {
            out[4 * x] = row[3 * x];
            out[4 * x + 1] = row[3 * x + 1];
            out[4 * x + 2] = row[3 * x + 2];
            out[4 * x + 3] = 255;
        }
    }
    return 0;
}

/* The part of a decode that may longjmp; volatile state lives in j. */
static int jpeg_run(jpeg_job *j, int shrink, int header_only, int *w, int *h, char *why, size_t whylen)
{
    jpeg_read_header(&j->d, TRUE);
    int rc = check_size((int)j->d.image_width, (int)j->d.image_height, why, whylen);
    *w = (int)j->d.image_width;
    *h = (int)j->d.image_height;
    if (rc || header_only)
        return rc;
    j->d.out_color_space = JCS_RGB;
    j->d.scale_num = 1;
    j->d.scale_denom = (unsigned)(shrink == 2 || shrink == 4 || shrink == 8 ? shrink : 1);
    jpeg_start_decompress(&j->d);
    *w = (int)j->d.output_width;
    *h = (int)j->d.output_height;
    if (j->d.output_components != 3 || (rc = jpeg_rows(j, *w, *h)) != 0)
        return rc ? rc : FARO_EPARSE;
    jpeg_finish_decompress(&j->d);
    return 0;
}

static int jpeg_any(const void *bytes, size_t len, int shrink, uint8_t **px, int *w, int *h, char *why,
                    size_t whylen)
{
    jpeg_job *j = calloc(1, sizeof *j);
    int rc;
    if (!j) {
        say(why, whylen, "out of memory%s", NULL);
        return FARO_ENOMEM;
    }
    jpeg_setup(j, bytes, len);
    if (setjmp(j->err.back) == 0) {
        rc = jpeg_run(j, shrink, px == NULL, w, h, why, whylen);
        if (rc == FARO_ENOMEM)
            say(why, whylen, "out of memory%s", NULL);
    } else {
        say(why, whylen, "damaged JPEG: %s", j->err.msg);
        rc = FARO_EPARSE;
    }
    jpeg_destroy_decompress(&j->d);
    free(j->row);
    if (rc == 0 && px)
        *px = j->buf;
    else
        free(j->buf);
    free(j);
    return rc;
}

/* ---- the two entry points ---- */

static int check_bytes(const void *bytes, size_t len, char *why, size_t whylen)
{
    char b[64];
    if (len > IMGDEC_MAX_BYTES) {
        snprintf(b, sizeof b, "%zu bytes, more than %u", len, IMGDEC_MAX_BYTES);
        say(why, whylen, "file too big: %s", b);
        return FARO_ELIMIT;
    }
    if (!bytes || imgdec_sniff(bytes, len) == IMGDEC_NONE) {
        say(why, whylen, "not a PNG or JPEG image%s", NULL);
        return FARO_EPARSE;
    }
    return 0;
}

int imgdec_probe(const void *bytes, size_t len, imgdec_info *out, char *why, size_t whylen)
{
    int rc = check_bytes(bytes, len, why, whylen), w = 0, h = 0;
    memset(out, 0, sizeof *out);
    if (rc)
        return rc;
    out->format = imgdec_sniff(bytes, len);
    if (out->format == IMGDEC_JPEG) {
        rc = jpeg_any(bytes, len, 1, NULL, &w, &h, why, whylen);
        out->opaque = 1;
    } else {
        png_image img;
        rc = png_header(bytes, len, &img, why, whylen);
        if (rc == 0) {
            w = (int)img.width;
            h = (int)img.height;
            out->opaque = !(img.format & PNG_FORMAT_FLAG_ALPHA);
            png_image_free(&img);
        }
    }
    out->w = rc ? 0 : w;
    out->h = rc ? 0 : h;
    return rc;
}

int imgdec_decode(const void *bytes, size_t len, int shrink, uint8_t **pixels, int *w, int *h,
                  char *why, size_t whylen)
{
    int rc = check_bytes(bytes, len, why, whylen);
    *pixels = NULL;
    *w = *h = 0;
    if (rc)
        return rc;
    if (imgdec_sniff(bytes, len) == IMGDEC_JPEG)
        return jpeg_any(bytes, len, shrink, pixels, w, h, why, whylen);
    return png_decode(bytes, len, pixels, w, h, why, whylen);
}
