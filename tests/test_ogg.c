/*
 * test_ogg.c — ogg_probe and ogg_decode on real files made here with sox
 * (a tone) and opusenc: mono and stereo recordings probe with the right
 * channels and a length within 20 ms, and decode to that many 48 kHz
 * frames of audio that is not silence; Ogg Vorbis, native FLAC and a WAV
 * named .opus are refused by name; a truncated file, a flipped byte in a
 * page, an empty buffer, garbage after "OggS", three channels, a buffer
 * over OGG_MAX_BYTES and a forged file claiming more than OGG_MAX_SECONDS
 * (its last granule position rewritten, CRC set by libogg) are refused.
 */
#include "check.h"
#include "faro.h"
#include "ogg.h"

#include <math.h>
#include <ogg/ogg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/faro-test-ogg-XXXXXX";
static char err[FARO_MAX_ERRLEN];

static const char *in_tmp(const char *name)
{
    static char buf[8][256];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

/* The whole file (malloc'd, caller frees) or NULL. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    *len = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = buf ? (size_t)n : 0;
    return buf;
}

/* A sine tone of `seconds` with `channels`, as WAV, then Opus with opusenc. */
static int make_opus(const char *name, double seconds, int channels)
{
    return check_sh("cd %s && sox -n -r 48000 -b 16 -c %d %s.wav synth %.3f sine 440 2>/dev/null && "
                    "opusenc --quiet %s.wav %s 2>/dev/null", tmpdir, channels, name, seconds, name, name);
}

static int probe_file(const char *name, double *seconds, int *channels)
{
    size_t len = 0;
    unsigned char *b = slurp(in_tmp(name), &len);
    int rc = b ? ogg_probe(b, len, seconds, channels, err, sizeof err) : FARO_EIO;
    free(b);
    return rc;
}

/* Probes a file that must be refused with `code` and a reason holding `want`. */
static void refused(const char *name, int code, const char *want)
{
    double s = -1;
    int ch = -1;
    err[0] = 0;
    CHECK(probe_file(name, &s, &ch) == code, "%s: %s", name, err);
    CHECK_CONTAINS(err, want);
    size_t len = 0, frames = 1;
    int16_t *pcm = (int16_t *)1;
    unsigned char *b = slurp(in_tmp(name), &len);
    CHECK(ogg_decode(b ? b : (unsigned char *)"", len, &pcm, &frames, &ch, err, sizeof err) == code,
          "decode %s", name);
    CHECK(pcm == NULL && frames == 0, "%s: nothing decoded", name);
    free(b);
}

static void test_good(const char *name, double seconds, int channels)
{
    double s = 0;
    int ch = 0;
    CHECK(make_opus(name, seconds, channels) == 0, "make %s", name);
    CHECK(probe_file(name, &s, &ch) == 0, "%s: %s", name, err);
    CHECK(fabs(s - seconds) <= 0.020, "%s: %.4f s, want %.3f", name, s, seconds);
    CHECK(ch == channels, "%s: %d channels", name, ch);
    size_t len = 0, frames = 0;
    int16_t *pcm = NULL;
    unsigned char *b = slurp(in_tmp(name), &len);
    CHECK(b && ogg_decode(b, len, &pcm, &frames, &ch, err, sizeof err) == 0, "decode: %s", err);
    CHECK(ch == channels, "decoded channels %d", ch);
    CHECK(fabs((double)frames / OGG_RATE - seconds) <= 0.020, "%zu frames", frames);
    int peak = 0;
    for (size_t i = 0; pcm && i < frames * (size_t)ch; i++)
        peak = abs(pcm[i]) > peak ? abs(pcm[i]) : peak;
    CHECK(peak > 8000, "%s: not silence (peak %d)", name, peak);
    free(pcm);
    free(b);
}

/* Copies good.opus with its last page's granule position set to `granule`
 * (the CRC recomputed by libogg), to forge a length. */
static int forge_granule(const char *from, const char *to, ogg_int64_t granule)
{
    size_t len = 0;
    unsigned char *b = slurp(in_tmp(from), &len);
    FILE *f = fopen(in_tmp(to), "wb");
    ogg_sync_state oy;
    ogg_page page;
    int rc = b && f ? 0 : -1;
    ogg_sync_init(&oy);
    if (rc == 0) {
        memcpy(ogg_sync_buffer(&oy, (long)len), b, len);
        ogg_sync_wrote(&oy, (long)len);
    }
    while (rc == 0 && ogg_sync_pageout(&oy, &page) == 1) {
        if (ogg_page_eos(&page)) {
            for (int i = 0; i < 8; i++)
                page.header[6 + i] = (unsigned char)((unsigned long long)granule >> (8 * i));
            ogg_page_checksum_set(&page);
        }
        fwrite(page.header, 1, (size_t)page.header_len, f);
        fwrite(page.body, 1, (size_t)page.body_len, f);
    }
    ogg_sync_clear(&oy);
    if (f)
        fclose(f);
    free(b);
    return rc;
}

static void test_broken(void)
{
    CHECK(make_opus("good.opus", 1.5, 1) == 0, "make good");
    CHECK(check_sh("cd %s && sox good.opus.wav -t vorbis vorbis.opus && sox good.opus.wav -t flac flac.opus"
                   " && cp good.opus.wav wav.opus && head -c 3000 good.opus >cut.opus"
                   " && cp good.opus flip.opus && printf '\\377' | dd of=flip.opus bs=1 seek=2000"
                   " conv=notrunc 2>/dev/null && : >empty.opus && printf 'OggS garbage, not a page' >garbage.opus",
                   tmpdir) == 0, "make broken files");
    refused("vorbis.opus", FARO_EINVAL, "Ogg Vorbis, not Ogg Opus");
    refused("flac.opus", FARO_EINVAL, "FLAC");
    refused("wav.opus", FARO_EINVAL, "a WAV file");
    refused("cut.opus", FARO_EINVAL, "truncated");
    refused("flip.opus", FARO_EINVAL, "corrupt Ogg page");
    refused("empty.opus", FARO_EINVAL, "empty file");
    refused("garbage.opus", FARO_EINVAL, "truncated");
    CHECK(make_opus("three.opus", 0.3, 3) == 0, "make three");
    refused("three.opus", FARO_EINVAL, "3 channels");
    CHECK(forge_granule("good.opus", "long.opus", (ogg_int64_t)(OGG_MAX_SECONDS + 60) * OGG_RATE) == 0, "forge");
    refused("long.opus", FARO_ELIMIT, "over the bound");
}

static void test_oversized(void)
{
    size_t len = (size_t)OGG_MAX_BYTES + 1;
    unsigned char *b = calloc(1, len);
    CHECK(b != NULL, "calloc");
    if (!b)
        return;
    memcpy(b, "OggS", 4);
    CHECK(ogg_probe(b, len, NULL, NULL, err, sizeof err) == FARO_ELIMIT, "%s", err);
    CHECK_CONTAINS(err, "over the bound");
    free(b);
    CHECK(ogg_probe("", 0, NULL, NULL, NULL, 0) == FARO_EINVAL, "no err buffer");
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_good("mono.opus", 1.5, 1);
    test_good("stereo.opus", 0.7, 2);
    test_good("short.opus", 0.05, 1);
    test_broken();
    test_oversized();
    check_sh("rm -rf %s", tmpdir);
    return check_done();
}
