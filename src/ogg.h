/*
 * ogg.h — recorded voices: check and decode an Ogg Opus file held in memory
 * (through libopusfile; nothing hand-written decodes audio).  See ogg.c.
 */
#ifndef FARO_OGG_H
#define FARO_OGG_H

#include <stddef.h>
#include <stdint.h>

#define OGG_RATE         48000          /* Opus always decodes at 48 kHz */
#define OGG_MAX_SECONDS  (20 * 60)      /* one recording: 20 minutes */
#define OGG_MAX_BYTES    (16u << 20)    /* one recording file */
#define OGG_MAX_CHANNELS 2              /* mono or stereo */

/*
 * Checks that the len bytes are one whole, sound Ogg Opus recording by
 * decoding all of it.  On success returns 0 and, when not NULL, sets
 * *seconds (the playing length) and *channels (1 or 2).  Otherwise returns
 * FARO_EINVAL (not Ogg; Ogg holding another codec, named: Vorbis, FLAC,
 * Speex...; a WAV/MP3/FLAC file; truncated; a corrupt page or packet; empty;
 * more than two channels) or FARO_ELIMIT (over OGG_MAX_BYTES or
 * OGG_MAX_SECONDS), with err saying why (no file name: the caller adds it).
 */
int ogg_probe(const void *bytes, size_t len, double *seconds, int *channels,
              char *err, size_t errlen);

/*
 * Decodes the whole recording to interleaved signed 16-bit PCM at 48 kHz
 * (OGG_RATE).  On success returns 0, *pcm is malloc'd (the caller frees
 * it), *frames is its length in frames (samples per channel) and
 * *channels is 1 or 2.  Errors as ogg_probe, plus FARO_ENOMEM; on failure
 * *pcm is NULL and *frames 0.
 */
int ogg_decode(const void *bytes, size_t len, int16_t **pcm, size_t *frames, int *channels,
               char *err, size_t errlen);

#endif
