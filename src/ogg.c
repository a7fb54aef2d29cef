/*
 * ogg.c — recorded voices: check and decode an Ogg Opus file held in memory.
 *
 * A pack carries human recordings as Ogg Opus files (content/FORMAT.md);
 * faro-pack lint checks each one with ogg_probe and the kiosk decodes it
 * with ogg_decode before playing.  The idea is two passes by two libraries,
 * neither written here: libogg walks the container page by page (each
 * page's CRC is checked, so a flipped byte, a hole or a cut-off end is
 * seen, which libopusfile alone would skip over silently), and names the
 * codec of the first stream when it is not Opus (Vorbis, FLAC, Speex...);
 * then libopusfile decodes every sample, so a file that probes well also
 * plays.  Everything is bounded before decoding: bytes (OGG_MAX_BYTES),
 * playing time (OGG_MAX_SECONDS, read from the last granule position) and
 * channels (mono or stereo).  Nothing is kept between calls.
 */
#include "ogg.h"

#include "faro.h"

#include <ogg/ogg.h>
#include <opusfile.h>
#include <stdlib.h>
#include <string.h>

#define OGG_READ_FRAMES 5760   /* 120 ms at 48 kHz: the most one op_read returns */

/* What a file that is not Ogg at all looks like, by its first bytes. */
static const char *other_format(const unsigned char *b, size_t len)
{
    if (len >= 4 && memcmp(b, "RIFF", 4) == 0) return "a WAV file";
    if (len >= 4 && memcmp(b, "fLaC", 4) == 0) return "a FLAC file";
    if (len >= 3 && memcmp(b, "ID3", 3) == 0) return "an MP3 file";
    if (len >= 2 && b[0] == 0xff && (b[1] & 0xe0) == 0xe0) return "an MP3 file";
    return "not an Ogg file";
}

/* The codec a stream's first packet announces ("Opus" when it is ours). */
static const char *codec_name(const unsigned char *b, long len)
{
    static const struct { const char *magic; size_t n; const char *name; } codecs[] = {
        { "OpusHead", 8, "Opus" },   { "\x01vorbis", 7, "Vorbis" },
        { "\x7f" "FLAC", 5, "FLAC" }, { "Speex   ", 8, "Speex" },
        { "\x80theora", 7, "Theora video" },
    };
    for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
        if ((size_t)len >= codecs[i].n && memcmp(b, codecs[i].magic, codecs[i].n) == 0)
            return codecs[i].name;
    return "an unknown codec";
}

/* Walks every page with libogg: first page Opus, every CRC right, the
 * last page marked end-of-stream, no bytes left over. */
static int check_pages(const unsigned char *b, size_t len, char *err, size_t errlen)
{
    ogg_sync_state oy;
    ogg_page page;
    int rc = 0, pages = 0, eos = 0;
    ogg_sync_init(&oy);
    char *buf = ogg_sync_buffer(&oy, (long)len);
    if (!buf) {
        ogg_sync_clear(&oy);
        return faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
    }
    memcpy(buf, b, len);
    ogg_sync_wrote(&oy, (long)len);
    for (;;) {
        int got = ogg_sync_pageout(&oy, &page);
        if (got == 0) break;
        if (got < 0) {
            rc = faro_fail(err, errlen, FARO_EINVAL,
                           "corrupt Ogg page (bad checksum or a hole) after page %d", pages);
            goto done;
        }
        if (pages++ == 0 && ogg_page_bos(&page)) {
            const char *codec = codec_name(page.body, page.body_len);
            if (strcmp(codec, "Opus") != 0) {
                rc = faro_fail(err, errlen, FARO_EINVAL, "Ogg %s, not Ogg Opus", codec);
                goto done;
            }
        }
        eos = ogg_page_eos(&page);
    }
    if (oy.fill > oy.returned || !eos)
        rc = faro_fail(err, errlen, FARO_EINVAL, "truncated: the file ends before its last page does");
done:
    ogg_sync_clear(&oy);
    return rc;
}

/* Checks bytes, magic and pages before libopusfile sees the file. */
static int check_container(const unsigned char *b, size_t len, char *err, size_t errlen)
{
    if (len == 0) return faro_fail(err, errlen, FARO_EINVAL, "empty file");
    if (len > OGG_MAX_BYTES)
        return faro_fail(err, errlen, FARO_ELIMIT, "%zu bytes, over the bound of %u bytes", len,
                         OGG_MAX_BYTES);
    if (len < 4 || memcmp(b, "OggS", 4) != 0)
        return faro_fail(err, errlen, FARO_EINVAL, "%s, not Ogg Opus", other_format(b, len));
    return check_pages(b, len, err, errlen);
}

/* Opens the checked file with libopusfile and checks its channels and
 * length; *total is the playing length in frames. */
static int open_opus(const void *bytes, size_t len, OggOpusFile **out, ogg_int64_t *total,
                     int *channels, char *err, size_t errlen)
{
    int e = 0;
    OggOpusFile *of = op_open_memory(bytes, len, &e);
    if (!of)
        return faro_fail(err, errlen, FARO_EINVAL, "not a readable Opus stream (opusfile error %d)", e);
    int ch = op_channel_count(of, 0);
    for (int li = 1; li < op_link_count(of); li++)
        if (op_channel_count(of, li) != ch) ch = 0;
    *total = op_pcm_total(of, -1);
    int rc = 0;
    if (ch < 1 || ch > OGG_MAX_CHANNELS)
        rc = faro_fail(err, errlen, FARO_EINVAL, "%d channels: a recording is mono or stereo", ch);
    else if (*total < 0)
        rc = faro_fail(err, errlen, FARO_EINVAL, "length unknown (opusfile error %d)", (int)*total);
    else if (*total == 0)
        rc = faro_fail(err, errlen, FARO_EINVAL, "no audio in it");
    else if (*total > (ogg_int64_t)OGG_MAX_SECONDS * OGG_RATE)
        rc = faro_fail(err, errlen, FARO_ELIMIT, "%.0f s long, over the bound of %d s",
                       (double)*total / OGG_RATE, OGG_MAX_SECONDS);
    if (rc) { op_free(of); return rc; }
    *out = of;
    *channels = ch;
    return 0;
}

/* Decodes all of of; into pcm (room for cap frames) when not NULL, else
 * into a scratch buffer and away.  Returns the frames decoded or an error. */
static long long decode_all(OggOpusFile *of, int ch, int16_t *pcm, size_t cap,
                            char *err, size_t errlen)
{
    int16_t scratch[OGG_READ_FRAMES * OGG_MAX_CHANNELS];
    size_t done = 0;
    for (;;) {
        int16_t *dst = pcm && cap - done >= OGG_READ_FRAMES ? pcm + done * ch : scratch;
        int got = op_read(of, dst, OGG_READ_FRAMES * ch, NULL);
        if (got < 0)
            return faro_fail(err, errlen, FARO_EINVAL, "corrupt audio after %.2f s (opusfile error %d)",
                             (double)done / OGG_RATE, got);
        if (got == 0)
            return (long long)done;
        if (pcm && dst == scratch) {
            if ((size_t)got > cap - done)
                return faro_fail(err, errlen, FARO_EINVAL, "more audio than its length says");
            memcpy(pcm + done * ch, scratch, (size_t)got * ch * sizeof *pcm);
        }
        done += (size_t)got;
    }
}

/* The container checked page by page, then opened as Opus: 0 with *of
 * open (the caller frees it), or a negative code with err set. */
static int open_checked(const void *bytes, size_t len, OggOpusFile **of, ogg_int64_t *total, int *ch,
                        char *err, size_t errlen)
{
    int rc = check_container(bytes, len, err, errlen);
    return rc ? rc : open_opus(bytes, len, of, total, ch, err, errlen);
}

int ogg_probe(const void *bytes, size_t len, double *seconds, int *channels,
              char *err, size_t errlen)
{
    OggOpusFile *of = NULL;
    ogg_int64_t total = 0;
    int ch = 0;
    int rc = open_checked(bytes, len, &of, &total, &ch, err, errlen);
    if (rc) return rc;
    long long frames = decode_all(of, ch, NULL, 0, err, errlen);
    op_free(of);
    if (frames < 0) return (int)frames;
    if (seconds) *seconds = (double)frames / OGG_RATE;
    if (channels) *channels = ch;
    return 0;
}

int ogg_decode(const void *bytes, size_t len, int16_t **pcm, size_t *frames, int *channels,
               char *err, size_t errlen)
{
    OggOpusFile *of = NULL;
    ogg_int64_t total = 0;
    int ch = 0;
    *pcm = NULL;
    *frames = 0;
    int rc = open_checked(bytes, len, &of, &total, &ch, err, errlen);
    if (rc) return rc;
    size_t cap = (size_t)total;
    int16_t *buf = malloc(cap * ch * sizeof *buf);
    long long got = buf ? decode_all(of, ch, buf, cap, err, errlen)
                        : faro_fail(err, errlen, FARO_ENOMEM, "out of memory for %.0f s of audio",
                                    (double)total / OGG_RATE);
    op_free(of);
    if (got < 0) { free(buf); return (int)got; }
    *pcm = buf;
    *frames = (size_t)got;
    if (channels) *channels = ch;
    return 0;
}
