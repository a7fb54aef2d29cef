/*
 * imgdec.h — PNG and JPEG bytes in, bounded, checked pixels out: the one
 * image decoder that `faro-pack lint` and the kiosk's picture thread share,
 * so that what lint accepts is exactly what the reader can draw.
 *
 * imgdec_probe reads only the header (libpng's simplified API, libjpeg's
 * jpeg_read_header) and checks the bounds before any pixel buffer is
 * allocated: a small file that claims 60000 x 60000 pixels is refused
 * here, never decoded.  imgdec_decode then decodes the whole image to
 * 8-bit RGBA, optionally reduced by libjpeg's own 1/2, 1/4, 1/8 scaling.
 * Errors are values with a reason a person can act on ("truncated",
 * "not a PNG image"); libjpeg's error_exit is turned into a longjmp.
 */
#ifndef FARO_IMGDEC_H
#define FARO_IMGDEC_H

#include <stddef.h>
#include <stdint.h>

#define IMGDEC_MAX_BYTES   (2u << 20)     /* one image file */
#define IMGDEC_MAX_SIDE    4096           /* pixels, width or height */
#define IMGDEC_MAX_PIXELS  (8u * 1000 * 1000)  /* width x height */

enum imgdec_format { IMGDEC_NONE = 0, IMGDEC_PNG, IMGDEC_JPEG };

typedef struct imgdec_info {
    int format;                 /* enum imgdec_format */
    int w, h;                   /* pixels */
    int opaque;                 /* 1: no alpha channel (JPEG, PNG without alpha) */
} imgdec_info;

/* The format the bytes' signature says (IMGDEC_NONE when neither). */
int imgdec_sniff(const void *bytes, size_t len);

/*
 * Reads the header of a PNG or JPEG held in bytes[len] and checks the
 * bounds.  Returns 0 with *out filled; FARO_ELIMIT when the file or its
 * pixel size is over a bound; FARO_EPARSE when it is neither format or the
 * header is damaged.  why (may be NULL) gets the reason either way.
 */
int imgdec_probe(const void *bytes, size_t len, imgdec_info *out, char *why, size_t whylen);

/*
 * Decodes the whole image to RGBA (4 bytes a pixel, rows packed).  shrink
 * is 1, 2, 4 or 8: a JPEG is decoded that many times smaller (libjpeg's
 * DCT scaling, fast and sharp); a PNG ignores it.  Returns 0 with *pixels
 * (malloc'd, the caller frees) and *w, *h; FARO_ELIMIT, FARO_EPARSE
 * (truncated, corrupt) or FARO_ENOMEM with why set; *pixels is NULL then.
 */
int imgdec_decode(const void *bytes, size_t len, int shrink, uint8_t **pixels, int *w, int *h,
                  char *why, size_t whylen);

#endif
