/*
 * speech.h — the kiosk's voice: one audio device, one utterance at a time,
 * from a recording or from eSpeak NG run as a separate program.  See speech.c.
 */
#ifndef FARO_SPEECH_H
#define FARO_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#define SPEECH_TEXT_MAX  (64 * 1024)    /* the longest text handed to the synthesiser, bytes */
#define SPEECH_LAST_MAX  1024           /* how much of the last utterance is kept for scripts */
#define SPEECH_VOLUME_MAX 10            /* volume steps: 0 (silent) .. 10 (full) */

/* Why the kiosk cannot speak (or cannot say something); the first one seen
 * is kept for the console's Self-check, each is logged once. */
enum speech_fault {
    SPEECH_OK = 0,
    SPEECH_NO_PROGRAM,      /* the espeak-ng program is not there (detail: its name) */
    SPEECH_NO_DEVICE,       /* no audio device could be opened (detail: SDL's reason) */
    SPEECH_NO_VOICE,        /* espeak-ng has no voice for a language (detail: the voice) */
    SPEECH_BAD_RECORDING    /* a recording could not be decoded (detail: why) */
};

typedef struct speech speech;

/*
 * A speech engine that runs `program` (a name looked up in PATH, or a path;
 * NULL: "espeak-ng").  Opens no device yet: speech_enable does, the first
 * time guidance is switched on.  A missing program is not an error: the
 * engine records SPEECH_NO_PROGRAM and plays recordings only.  Returns
 * NULL when out of memory; free with speech_free.
 */
speech *speech_new(const char *program);

/* Stops, closes the device, ends the worker thread.  Accepts NULL. */
void speech_free(speech *s);

/*
 * Opens the audio device and starts the worker thread (once; later calls
 * return the first result).  Returns 0, or FARO_EIO when there is no audio
 * device (logged once; the engine then stays silent and says so in
 * speech_status).  Accepts NULL (returns FARO_EINVAL).
 */
int speech_enable(speech *s);

/*
 * Says text in language lang (a BCP 47 tag; the voice comes from
 * voices_espeak).  A new utterance replaces the one being spoken.  Runs of
 * five or more digits (phone numbers, with spaces, dots or dashes between)
 * are read digit by digit.  Returns at once: synthesis and playing happen
 * on the worker thread.  Does nothing (returns 0) before speech_enable;
 * FARO_EINVAL for a NULL text.  The text is remembered (speech_last) until
 * the next utterance or speech_forget.
 */
int speech_say(speech *s, const char *lang, const char *text);

/*
 * Plays a recording (Ogg Opus, len bytes, copied) instead of synthesis;
 * text is what it says (kept for speech_last, and spoken by the
 * synthesiser when the recording turns out corrupt: SPEECH_BAD_RECORDING,
 * logged once).  Otherwise as speech_say.
 */
int speech_play(speech *s, const char *lang, const char *text, const void *ogg, size_t len);

/* Stops what is being spoken and drops what was queued.  Accepts NULL. */
void speech_stop(speech *s);

/* Pauses (1) or resumes (0) the device.  Accepts NULL. */
void speech_pause(speech *s, int paused);

/* Sets the volume, 0 .. SPEECH_VOLUME_MAX (clamped).  Accepts NULL. */
void speech_volume(speech *s, int step);

/* 1 while an utterance is waiting, being synthesised or still has samples
 * to play; 0 when drained (or never enabled). */
int speech_busy(speech *s);

/* Copies the last utterance asked for (as given, before the digit rule)
 * into out; "" when none.  For scripts and tests. */
void speech_last(speech *s, char *out, size_t outlen);

/* Stops and wipes every word of the visit the engine holds (the last
 * utterance, the one queued).  Accepts NULL. */
void speech_forget(speech *s);

/* The first fault seen (enum speech_fault), with its detail copied into
 * detail (may be NULL).  SPEECH_OK when everything worked so far. */
int speech_status(speech *s, char *detail, size_t detaillen);

/* 1 when the espeak-ng program was found. */
int speech_can_synthesise(speech *s);

/* The device's sample rate and channel count (signed 16-bit samples);
 * 0 and 0 before a device was opened.  For tests reading SDL's disk file. */
void speech_device_format(speech *s, int *rate, int *channels);

/* Nanoseconds from the last speech_say / speech_play call to its first
 * sample handed to the device; 0 when none has arrived yet. */
uint64_t speech_first_audio_ns(speech *s);

/* Writes text with every run of >= 5 digits spelt out one digit at a time
 * ("+34 915 555 123" -> "+3 4 9 1 5 5 5 5 1 2 3") into out (always
 * terminated; cut at outlen).  Returns the length written. */
size_t speech_digits(const char *text, char *out, size_t outlen);

#endif
