/*
 * test_speech.c — the speech engine alone, on SDL's disk audio driver:
 * what the device was given is read back from the file it wrote.
 *
 * Synthetic Spanish, Arabic and Bengali utterances are not silence and
 * last about as long as their words; a stop cuts a long text short; a
 * recording (an Opus tone made here with sox and opusenc) plays instead of
 * synthesis; a missing espeak-ng, a missing voice, a corrupt recording and
 * a missing audio device are each a recorded, non-fatal state.  Through
 * the app with guidance on, a topic whose pack carries a recording opens
 * with the recording (a tone), another one with synthesis.  Waits are
 * bounded polls of speech_busy, never fixed sleeps.
 */
#include "check.h"
#include "faro.h"
#include "speech.h"
#include "app.h"
#include "cfg.h"
#include "loc.h"
#include "pack_build.h"
#include "store.h"
#include "txt.h"

#include <SDL.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MAX_MS 30000
#define VOICED 600              /* |sample| above this counts as sound */

static char dir[256];

typedef struct heard {
    double seconds;             /* first to last voiced sample */
    double crossings_per_s;     /* zero crossings inside that span */
    long voiced;                /* samples above VOICED */
} heard;

static void wait_drained(speech *s)
{
    for (int ms = 0; ms < WAIT_MAX_MS && speech_busy(s); ms += 10)
        SDL_Delay(10);
}

/* Reads the disk driver's raw file (16-bit, rate, channels; first channel). */
static heard listen(const char *path, int rate, int channels)
{
    heard h = { 0 };
    FILE *f = fopen(path, "rb");
    int16_t frame[2];
    long i = 0, first = -1, last = -1, cross = 0;
    int prev = 0;
    while (f && fread(frame, sizeof *frame, (size_t)channels, f) == (size_t)channels) {
        int v = frame[0];
        if (abs(v) > VOICED) {
            if (first < 0)
                first = i;
            last = i;
            h.voiced++;
        }
        if (first >= 0 && ((prev < 0 && v >= 0) || (prev >= 0 && v < 0)))
            cross++;
        prev = v;
        i++;
    }
    if (f)
        fclose(f);
    if (first >= 0 && rate > 0) {
        h.seconds = (double)(last - first) / rate;
        h.crossings_per_s = h.seconds > 0 ? cross / h.seconds : 0;
    }
    return h;
}

/* Opens an engine writing to dir/name.raw. */
static speech *engine(const char *program, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s.raw", dir, name);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", path, 1);
    speech *s = speech_new(program);
    CHECK(s != NULL, "speech_new");
    CHECK(speech_enable(s) == 0, "speech_enable on the disk driver (%s)", name);
    return s;
}

/* Says text, waits for it, closes the device; returns what was heard. */
static heard say_and_hear(const char *lang, const char *text, const char *name)
{
    char path[512];
    int rate, channels;
    speech *s = engine(NULL, name, path, sizeof path);
    CHECK(speech_say(s, lang, text) == 0, "say %s", name);
    wait_drained(s);
    speech_device_format(s, &rate, &channels);
    CHECK(speech_status(s, NULL, 0) == SPEECH_OK, "no fault for %s", name);
    CHECK(speech_first_audio_ns(s) > 0, "the first sample of %s arrived", name);
    speech_free(s);
    return listen(path, rate, channels);
}

static int words(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += (p == text || p[-1] == ' ') && *p != ' ';
    return n;
}

static void test_synthetic(void)
{
    static const struct { const char *lang, *text; } cases[] = {
        { "es", "Hola. Aquí puedes encontrar ayuda y saber tus derechos." },
        { "ar", "مرحبا. هنا يمكنك أن تجد المساعدة وأن تعرف حقوقك." },
        { "bn", "নমস্কার। এখানে আপনি সাহায্য পাবেন এবং আপনার অধিকার জানবেন।" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        heard h = say_and_hear(cases[i].lang, cases[i].text, cases[i].lang);
        double per_word = h.seconds / words(cases[i].text);
        CHECK(h.voiced > 1000, "%s: not silence (%ld voiced samples)", cases[i].lang, h.voiced);
        CHECK(per_word > 0.15 && per_word < 1.2, "%s: %.2f s for %d words", cases[i].lang, h.seconds,
              words(cases[i].text));
    }
    /* twice the words, clearly longer */
    heard one = say_and_hear("es", "Uno dos tres cuatro.", "es_short");
    heard two = say_and_hear("es", "Uno dos tres cuatro. Cinco seis siete ocho. Nueve diez once doce.", "es_long");
    CHECK(two.seconds > one.seconds * 2, "three sentences %.2f s, one %.2f s", two.seconds, one.seconds);
}

static void test_stop(void)
{
    char path[512], text[4096] = "";
    int rate, channels;
    for (int i = 0; i < 40; i++)
        strcat(text, "Esta es una frase larga que no debe terminar. ");
    speech *s = engine(NULL, "stop", path, sizeof path);
    speech_say(s, "es", text);
    for (int ms = 0; ms < WAIT_MAX_MS && speech_first_audio_ns(s) == 0; ms += 10)
        SDL_Delay(10);
    CHECK(speech_first_audio_ns(s) > 0, "the long text started");
    SDL_Delay(300);
    speech_stop(s);
    wait_drained(s);
    CHECK(!speech_busy(s), "stopped");
    speech_device_format(s, &rate, &channels);
    speech_free(s);
    heard h = listen(path, rate, channels);
    CHECK(h.voiced > 0 && h.seconds < 3.0, "a stop cuts 40 sentences to %.2f s", h.seconds);
}

static void test_replace(void)
{
    char path[512], text[4096] = "", last[SPEECH_LAST_MAX];
    int rate, channels;
    for (int i = 0; i < 40; i++)
        strcat(text, "Esta es una frase larga que no debe terminar. ");
    speech *s = engine(NULL, "replace", path, sizeof path);
    speech_say(s, "es", text);
    for (int ms = 0; ms < WAIT_MAX_MS && speech_first_audio_ns(s) == 0; ms += 10)
        SDL_Delay(10);
    speech_say(s, "es", "Fin.");
    speech_last(s, last, sizeof last);
    CHECK_STR(last, "Fin.");
    wait_drained(s);
    speech_device_format(s, &rate, &channels);
    speech_free(s);
    heard h = listen(path, rate, channels);
    CHECK(h.seconds < 4.0, "a new utterance replaces the long one (%.2f s)", h.seconds);
}

static int read_all(const char *path, void **bytes, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    *bytes = malloc((size_t)n);
    *len = *bytes && fread(*bytes, 1, (size_t)n, f) == (size_t)n ? (size_t)n : 0;
    fclose(f);
    return *len ? 0 : -1;
}

static void test_recording(void)
{
    char path[512], cmd_ok;
    int rate, channels;
    void *ogg = NULL;
    size_t len = 0;
    cmd_ok = check_sh("sox -n -r 48000 -c 1 -b 16 -e signed-integer %s/tone.wav synth 1.0 sine 440 gain -6 2>/dev/null && "
                      "opusenc --quiet %s/tone.wav %s/tone.opus", dir, dir, dir) == 0;
    CHECK(cmd_ok, "made an Opus tone with sox and opusenc");
    snprintf(path, sizeof path, "%s/tone.opus", dir);
    CHECK(read_all(path, &ogg, &len) == 0, "read the tone");
    speech *s = engine(NULL, "recorded", path, sizeof path);
    CHECK(speech_play(s, "es", "Una palabra muy larga que no se dice", ogg, len) == 0, "play");
    wait_drained(s);
    CHECK(speech_status(s, NULL, 0) == SPEECH_OK, "the recording played");
    speech_device_format(s, &rate, &channels);
    speech_free(s);
    heard h = listen(path, rate, channels);
    CHECK(h.seconds > 0.85 && h.seconds < 1.15, "the recording's 1 s, not synthesis (%.2f s)", h.seconds);
    CHECK(fabs(h.crossings_per_s - 880) < 60, "a 440 Hz tone: %.0f crossings/s", h.crossings_per_s);

    /* a corrupt recording is refused; the text is synthesised instead */
    unsigned char *bad = ogg;
    for (size_t i = 200; i < len; i += 7)
        bad[i] ^= 0x5a;
    s = engine(NULL, "corrupt", path, sizeof path);
    speech_play(s, "es", "Hola, buenos días.", bad, len);
    wait_drained(s);
    char detail[128];
    CHECK(speech_status(s, detail, sizeof detail) == SPEECH_BAD_RECORDING, "corrupt recording refused");
    CHECK(detail[0] != 0, "with a reason");
    speech_device_format(s, &rate, &channels);
    speech_free(s);
    h = listen(path, rate, channels);
    CHECK(h.voiced > 1000 && fabs(h.crossings_per_s - 880) > 60, "synthesis instead (%.2f s)", h.seconds);
    free(ogg);
}

static void test_missing_program(void)
{
    char path[512], detail[128], empty[300], *old = strdup(getenv("PATH") ? getenv("PATH") : "");
    int rate, channels;
    snprintf(empty, sizeof empty, "%s/empty", dir);
    check_sh("mkdir -p %s", empty);
    setenv("PATH", empty, 1);
    speech *s = engine(NULL, "noprogram", path, sizeof path);
    setenv("PATH", old, 1);
    free(old);
    CHECK(speech_status(s, detail, sizeof detail) == SPEECH_NO_PROGRAM, "espeak-ng not in PATH");
    CHECK_STR(detail, "espeak-ng");
    CHECK(!speech_can_synthesise(s), "cannot synthesise");
    CHECK(speech_say(s, "es", "Hola") == 0, "saying is still fine");
    wait_drained(s);
    char last[64];
    speech_last(s, last, sizeof last);
    CHECK_STR(last, "Hola");
    speech_device_format(s, &rate, &channels);
    speech_free(s);
    CHECK(listen(path, rate, channels).voiced == 0, "and silent");

    s = speech_new("/nonexistent/espeak-ng");
    CHECK(speech_status(s, detail, sizeof detail) == SPEECH_NO_PROGRAM, "a configured path that is not there");
    speech_free(s);
}

static void test_missing_voice(void)
{
    char path[512], prog[300];
    snprintf(prog, sizeof prog, "%s/espeak-novoice", dir);
    FILE *f = fopen(prog, "w");
    if (f) {
        fprintf(f, "#!/bin/sh\nexec espeak-ng --stdout -v zz-no-such-voice\n");
        fclose(f);
    }
    check_sh("chmod +x %s", prog);
    speech *s = engine(prog, "novoice", path, sizeof path);
    speech_say(s, "es", "Hola");
    wait_drained(s);
    char detail[128];
    CHECK(speech_status(s, detail, sizeof detail) == SPEECH_NO_VOICE, "no voice is a recorded state");
    CHECK_STR(detail, "es");
    speech_free(s);
}

static void test_no_device(void)
{
    setenv("SDL_AUDIODRIVER", "no-such-driver", 1);
    speech *s = speech_new(NULL);
    CHECK(speech_enable(s) == FARO_EIO, "no audio device");
    CHECK(speech_enable(s) == FARO_EIO, "asked again: the same answer");
    CHECK(speech_status(s, NULL, 0) == SPEECH_NO_DEVICE, "recorded");
    CHECK(speech_say(s, "es", "Hola") == 0 && !speech_busy(s), "saying does nothing");
    speech_stop(s);
    speech_pause(s, 1);
    speech_free(s);
}

static void test_digits(void)
{
    char out[256];
    speech_digits("Llame al +34 915 555 123 de 9:00 a 17:00, año 2024.", out, sizeof out);
    CHECK_STR(out, "Llame al +3 4 9 1 5 5 5 5 1 2 3 de 9:00 a 17:00, año 2024.");
    speech_digits("112", out, sizeof out);
    CHECK_STR(out, "112");
    speech_digits("0800-123-456", out, sizeof out);
    CHECK_STR(out, "0 8 0 0 1 2 3 4 5 6");
    speech_digits("1234567890", out, 8);
    CHECK(strlen(out) < 8, "cut at the buffer: %s", out);
}

/* Taps the widget whose action argument is arg twice (guidance: speak, act). */
static int open_arg(app *a, const char *arg, uint64_t *clock)
{
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->arg && !strcmp(ui_get(t, i)->arg, arg)) {
            app_activate(a, i, *clock += 100);
            app_activate(a, i, *clock += 100);
            app_tick(a, *clock);
            return 0;
        }
    return -1;
}

/* Home in Spanish with guidance on, a fresh engine writing to name.raw;
 * then the topic opens; returns what the device was given. */
static heard open_topic(app *a, const char *topic, const char *name, char *last, size_t lastlen)
{
    char path[512];
    int rate, channels;
    uint64_t clock = 1000;
    for (int i = 0; i < 8 && app_screen(a) != SCR_LANGUAGE; i++)
        app_back(a, clock += 100);
    speech *s0 = speech_new(NULL);                        /* the way home, heard nowhere we look */
    app_set_speech(a, s0);
    app_set_guidance(a, 1, clock);
    CHECK(open_arg(a, "es", &clock) == 0 && app_screen(a) == SCR_HOME, "home by two taps");
    app_set_speech(a, NULL);
    speech_free(s0);
    speech *s = engine(NULL, name, path, sizeof path);    /* setenv: no other engine runs now */
    app_set_speech(a, s);
    CHECK(open_arg(a, topic, &clock) == 0 && app_screen(a) == SCR_TOPIC, "topic %s by two taps", topic);
    wait_drained(s);
    speech_last(s, last, lastlen);
    speech_device_format(s, &rate, &channels);
    app_set_guidance(a, 0, clock);
    app_set_speech(a, NULL);
    speech_free(s);
    return listen(path, rate, channels);
}

static void test_app_recording(void)
{
    char err[FARO_MAX_ERRLEN], pack[512], last[SPEECH_LAST_MAX];
    cfg c;
    int made = check_sh("cp -R tests/fixtures/content-mini %s/mini && cd %s/mini && mkdir -p audio/es && "
                        "sox -n -r 48000 -b 16 -c 1 t.wav synth 1.0 sine 440 gain -6 2>/dev/null && "
                        "opusenc --quiet t.wav audio/es/topic-safety.opus && rm t.wav", dir, dir) == 0;
    CHECK(made, "a content folder with a recording of the topic \"safety\"");
    snprintf(pack, sizeof pack, "%s/mini.faro", dir);
    char folder[300];
    snprintf(folder, sizeof folder, "%s/mini", dir);
    lint_report *rep = lint_report_new();
    CHECK(pack_build_dir(folder, pack, rep, NULL, err, sizeof err) == 0, "built: %s", err);
    lint_report_free(rep);
    cfg_defaults(&c);
    store *st = store_new();
    loc_set *loc = loc_new();
    txt_ctx *txt = txt_new("assets/fonts", 8u << 20, err, sizeof err);
    CHECK(st && store_add_file(st, pack, err, sizeof err) == 0, "store: %s", err);
    CHECK(loc_load_dir(loc, "locales") > 0 && txt, "locales and fonts");
    app *a = txt ? app_new(&c, st, loc, txt) : NULL;
    if (a) {
        heard h = open_topic(a, "safety", "app_recorded", last, sizeof last);
        CHECK_CONTAINS(last, "Seguridad");
        CHECK(h.seconds > 0.85 && h.seconds < 1.15 && fabs(h.crossings_per_s - 880) < 60,
              "the recording plays: %.2f s, %.0f crossings/s", h.seconds, h.crossings_per_s);
        h = open_topic(a, "family", "app_synthetic", last, sizeof last);
        CHECK_CONTAINS(last, "Familia");
        CHECK(h.voiced > 1000 && fabs(h.crossings_per_s - 880) > 60,
              "no recording: synthesis (%.2f s, %.0f crossings/s)", h.seconds, h.crossings_per_s);
    }
    app_free(a);
    txt_free(txt);
    loc_free(loc);
    store_free(st);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/faro-speech-%d", (int)getpid());
    check_sh("rm -rf %s && mkdir -p %s", dir, dir);
    SDL_Init(0);
    test_digits();
    test_synthetic();
    test_stop();
    test_replace();
    test_recording();
    test_missing_program();
    test_missing_voice();
    test_app_recording();
    test_no_device();
    SDL_Quit();
    check_sh("rm -rf %s", dir);
    return check_done();
}
