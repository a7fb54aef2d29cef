/*
 * speech.c — the kiosk's voice: one SDL audio device fed by one worker
 * thread, from a recording carried by a pack (Ogg Opus, decoded by ogg.c)
 * or from eSpeak NG.
 *
 * eSpeak NG is GPL-3, so it is never linked: the worker runs the
 * `espeak-ng --stdout -v VOICE` program as a separate process, writes the
 * text to its standard input and reads the WAV it writes to its standard
 * output as it arrives, so the first words play while the rest is still
 * being synthesised.  Faro and espeak-ng only exchange bytes through two
 * pipes, the way a shell pipeline would, and Faro's code stays MIT.
 *
 * Samples go through an SDL_AudioStream (any source rate and channel count
 * to the device's) that the device's callback drains, applying the volume.
 * The worker stops reading the synthesiser while the stream holds more
 * than BUFFER_SECONDS, so memory stays flat whatever the length of the
 * text (the pipe then holds espeak-ng back).
 *
 * Invariants:
 *   1. One utterance at a time: speech_say / speech_play / speech_stop bump
 *      `gen`; the worker drops work whose generation is not the current one,
 *      and only puts samples into the stream while holding the device lock
 *      and seeing its own generation, so no stale sample follows a stop.
 *   2. `mu` guards the request slot, gen, the fault and the words kept
 *      (last, the queued text); the device lock (SDL_LockAudioDevice)
 *      guards the stream.  The worker may take mu while holding the device
 *      lock, never the other way round.
 *   3. Each fault is logged once; the first one is kept for the Self-check.
 *   4. The visit's words (the last utterance, a queued text) are wiped with
 *      sodium_memzero when replaced, spoken or forgotten.
 *
 * States: idle --speech_say/play--> queued --worker takes it--> speaking
 * (synthesise / play_recording) --EOF and drained--> idle; speech_stop or a
 * new utterance from any state -> the current one is dropped (gen).
 */
#include "speech.h"
#include "faro.h"
#include "log.h"
#include "ogg.h"
#include "voices.h"

#include <SDL.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define DEVICE_RATE     24000           /* asked of the device: speech needs no more */
#define DEVICE_SAMPLES  1024            /* one callback, ~43 ms */
#define BUFFER_SECONDS  2               /* the most audio held ahead of the device */
#define READ_CHUNK      4096            /* bytes read from the synthesiser at a time */
#define WAV_HEADER_MAX  512             /* a WAV header longer than this is refused */
#define POLL_MS         50              /* how often the worker looks for a stop */
#define PROGRAM_MAX     1024
#define DETAIL_MAX      128

enum request_kind { REQ_NONE, REQ_SAY, REQ_PLAY };

struct speech {
    char program[PROGRAM_MAX];
    int have_program;
    pthread_t worker;
    int started, enabled, enable_rc;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* under mu */
    int pending, working, quit;
    int kind;                           /* enum request_kind */
    char lang[16];
    char *text;                         /* the queued text (malloc'd, wiped) */
    void *ogg;                          /* the queued recording (malloc'd) */
    size_t ogg_len;
    unsigned gen;
    char last[SPEECH_LAST_MAX];
    int fault;
    char detail[DETAIL_MAX];
    unsigned logged;                    /* bit per enum speech_fault */
    uint64_t asked_ns, first_ns;
    /* under the device lock */
    SDL_AudioDeviceID dev;
    SDL_AudioSpec have;
    SDL_AudioStream *stream;
    Uint8 *mix;                         /* one callback's worth of samples */
    int mixlen;
    atomic_int volume;                  /* 0 .. SPEECH_VOLUME_MAX */
    int audio_inited;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Records fault kind (logged once per kind; the first one is kept). */
static void fault(speech *s, int kind, const char *detail)
{
    static const char *const what[] = { "", "the espeak-ng program is missing", "no audio device",
                                         "no voice", "a recording cannot be played" };
    pthread_mutex_lock(&s->mu);
    if (!(s->logged & (1u << kind))) {
        s->logged |= 1u << kind;
        log_msg("speech: %s (%s); the kiosk goes on without that sound", what[kind], detail);
    }
    if (!s->fault) {
        s->fault = kind;
        snprintf(s->detail, sizeof s->detail, "%s", detail);
    }
    pthread_mutex_unlock(&s->mu);
}

/* ---- finding the program ---- */

static int executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* 1 when program (a path, or a name in PATH) can be run. */
static int program_found(const char *program)
{
    if (strchr(program, '/'))
        return executable(program);
    const char *path = getenv("PATH");
    char dir[PROGRAM_MAX * 2];
    for (const char *p = path ? path : ""; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)(n < PROGRAM_MAX ? n : PROGRAM_MAX), p, program);
        if (n > 0 && executable(dir))
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

speech *speech_new(const char *program)
{
    speech *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->program, sizeof s->program, "%s", program && *program ? program : "espeak-ng");
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    atomic_store(&s->volume, SPEECH_VOLUME_MAX * 8 / 10);
    s->have_program = program_found(s->program);
    if (!s->have_program)
        fault(s, SPEECH_NO_PROGRAM, s->program);
    return s;
}

/* ---- the device ---- */

/* The device's callback: what the stream holds, at the volume asked. */
static void audio_fill(void *user, Uint8 *out, int len)
{
    speech *s = user;
    memset(out, s->have.silence, (size_t)len);
    if (!s->stream || len > s->mixlen)
        return;
    int got = SDL_AudioStreamGet(s->stream, s->mix, len);
    int vol = atomic_load(&s->volume) * SDL_MIX_MAXVOLUME / SPEECH_VOLUME_MAX;
    if (got > 0)
        SDL_MixAudioFormat(out, s->mix, s->have.format, (Uint32)got, vol);
}

static int open_device(speech *s)
{
    char why[DETAIL_MAX];
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        snprintf(why, sizeof why, "%s", SDL_GetError());
        fault(s, SPEECH_NO_DEVICE, why);
        return FARO_EIO;
    }
    s->audio_inited = 1;
    SDL_AudioSpec want = { .freq = DEVICE_RATE, .format = AUDIO_S16SYS, .channels = 1,
                           .samples = DEVICE_SAMPLES, .callback = audio_fill, .userdata = s };
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &s->have,
                                 SDL_AUDIO_ALLOW_FREQUENCY_CHANGE | SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
    if (s->dev == 0) {
        snprintf(why, sizeof why, "%s", SDL_GetError());
        fault(s, SPEECH_NO_DEVICE, why);
        return FARO_EIO;
    }
    s->mixlen = (int)s->have.size;
    s->mix = malloc((size_t)s->mixlen);
    if (!s->mix)
        return FARO_ENOMEM;
    SDL_PauseAudioDevice(s->dev, 0);
    return 0;
}

/* 1 while generation gen is the one wanted. */
static int current(speech *s, unsigned gen)
{
    pthread_mutex_lock(&s->mu);
    int ok = s->gen == gen && !s->quit;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

/* Replaces the stream by one converting from (format, channels, rate). */
static int stream_for(speech *s, SDL_AudioFormat format, int channels, int rate, unsigned gen)
{
    SDL_AudioStream *fresh = SDL_NewAudioStream(format, (Uint8)channels, rate, s->have.format,
                                                s->have.channels, s->have.freq);
    if (!fresh)
        return FARO_ENOMEM;
    SDL_LockAudioDevice(s->dev);
    SDL_AudioStream *old = s->stream;
    s->stream = fresh;
    SDL_UnlockAudioDevice(s->dev);
    SDL_FreeAudioStream(old);
    return current(s, gen) ? 0 : FARO_EINVAL;
}

/* Bytes of converted audio waiting in the stream. */
static int stream_held(speech *s)
{
    SDL_LockAudioDevice(s->dev);
    int n = s->stream ? SDL_AudioStreamAvailable(s->stream) : 0;
    SDL_UnlockAudioDevice(s->dev);
    return n;
}

/* Waits while the stream holds BUFFER_SECONDS of audio (woken early by a
 * new request).  Returns 0 to go on, -1 when generation gen was dropped. */
static int wait_for_room(speech *s, unsigned gen)
{
    int limit = s->have.freq * s->have.channels * (int)(SDL_AUDIO_BITSIZE(s->have.format) / 8) * BUFFER_SECONDS;
    while (stream_held(s) > limit) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&s->mu);
        int stale = s->gen != gen || s->quit;
        if (!stale)
            pthread_cond_timedwait(&s->cv, &s->mu, &until);
        pthread_mutex_unlock(&s->mu);
        if (stale)
            return -1;
    }
    return current(s, gen) ? 0 : -1;
}

/* Hands len bytes of source samples to the device.  Returns 0, or -1 when
 * generation gen was dropped meanwhile (nothing put). */
static int feed(speech *s, const void *bytes, int len, unsigned gen)
{
    if (wait_for_room(s, gen) != 0)
        return -1;
    int rc = -1;
    SDL_LockAudioDevice(s->dev);
    pthread_mutex_lock(&s->mu);
    if (s->gen == gen && !s->quit && s->stream && SDL_AudioStreamPut(s->stream, bytes, len) == 0) {
        rc = 0;
        if (!s->first_ns)
            s->first_ns = now_ns();
    }
    pthread_mutex_unlock(&s->mu);
    SDL_UnlockAudioDevice(s->dev);
    return rc;
}

/* ---- the synthesiser, a separate process ---- */

typedef struct wav_reader {
    unsigned char head[WAV_HEADER_MAX];
    size_t nhead;
    int started;                        /* the header was read: samples follow */
    unsigned char carry;                /* half a sample left from the last read */
    int has_carry;
    long bytes;                         /* sample bytes fed */
} wav_reader;

static unsigned le16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }
static unsigned long le32(const unsigned char *p) { return le16(p) | (unsigned long)le16(p + 2) << 16; }

/* Finds the format and the start of the samples in r->head.  Returns the
 * offset of the first sample byte, 0 when more bytes are needed, -1 when
 * the bytes are not a 16-bit PCM WAV. */
static long wav_header(const wav_reader *r, int *channels, int *rate)
{
    const unsigned char *h = r->head;
    if (r->nhead < 12)
        return 0;
    if (memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4))
        return -1;
    int have_fmt = 0;
    for (size_t at = 12; at + 8 <= r->nhead;) {
        unsigned long size = le32(h + at + 4);
        if (!memcmp(h + at, "data", 4))
            return have_fmt ? (long)(at + 8) : -1;
        if (size > WAV_HEADER_MAX || at + 8 + size > r->nhead)
            return size > WAV_HEADER_MAX ? -1 : 0;
        if (!memcmp(h + at, "fmt ", 4) && size >= 16) {
            *channels = (int)le16(h + at + 10);
            *rate = (int)le32(h + at + 12);
            have_fmt = le16(h + at + 8) == 1 && le16(h + at + 22) == 16 && *channels >= 1 && *channels <= 2 &&
                       *rate >= 8000 && *rate <= 96000;
            if (!have_fmt)
                return -1;
        }
        at += 8 + size + (size & 1);
    }
    return r->nhead >= sizeof r->head ? -1 : 0;
}

/* Feeds whole samples of buf (a carried odd byte first). */
static int wav_samples(speech *s, wav_reader *r, const unsigned char *buf, size_t n, unsigned gen)
{
    unsigned char pair[2];
    if (r->has_carry && n > 0) {
        pair[0] = r->carry;
        pair[1] = buf[0];
        if (feed(s, pair, 2, gen) != 0)
            return -1;
        buf++, n--;
        r->has_carry = 0;
        r->bytes += 2;
    }
    if (n & 1) {
        r->carry = buf[n - 1];
        r->has_carry = 1;
        n--;
    }
    r->bytes += (long)n;
    return n ? feed(s, buf, (int)n, gen) : 0;
}

/* Takes n bytes from the synthesiser's output.  Returns 0, or -1 to stop. */
static int wav_take(speech *s, wav_reader *r, const unsigned char *buf, size_t n, unsigned gen)
{
    if (r->started)
        return wav_samples(s, r, buf, n, gen);
    size_t room = sizeof r->head - r->nhead, take = n < room ? n : room;
    memcpy(r->head + r->nhead, buf, take);
    r->nhead += take;
    int channels = 0, rate = 0;
    long at = wav_header(r, &channels, &rate);
    if (at < 0)
        return -1;
    if (at == 0)
        return take < n ? -1 : 0;
    r->started = 1;
    if (stream_for(s, AUDIO_S16LSB, channels, rate, gen) != 0)
        return -1;
    if (wav_samples(s, r, r->head + at, r->nhead - (size_t)at, gen) != 0)
        return -1;
    return wav_samples(s, r, buf + take, n - take, gen);
}

/* Starts program -v voice with its stdin and stdout on new descriptors
 * (stdin a socket, so that a write after it exited is an error, not SIGPIPE). */
static int spawn_synth(speech *s, const char *voice, pid_t *pid, int *to, int *from)
{
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, rc = FARO_EIO;
    posix_spawn_file_actions_t fa;
    char *argv[] = { s->program, "--stdout", "-v", (char *)voice, NULL };
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 || pipe2(out, O_CLOEXEC) != 0)
        goto done;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int err = strchr(s->program, '/') ? posix_spawn(pid, s->program, &fa, NULL, argv, environ)
                                      : posix_spawnp(pid, s->program, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err == 0) {
        *to = in[1], *from = out[0];
        in[1] = out[0] = -1;
        fcntl(*to, F_SETFL, O_NONBLOCK);
        rc = 0;
    }
done:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0) close(in[i]);
        if (out[i] >= 0) close(out[i]);
    }
    return rc;
}

/* Writes what the synthesiser's input takes now; closes it when all is in. */
static void synth_write(int *to, const char *text, size_t len, size_t *sent)
{
    ssize_t n = send(*to, text + *sent, len - *sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
        *sent += (size_t)n;
    if ((n < 0 && errno != EAGAIN && errno != EINTR) || *sent == len) {
        close(*to);
        *to = -1;
    }
}

/* Runs the synthesiser on text and plays what it says while it says it.
 * Returns the sample bytes played, or -1 when it could not be run. */
static long synthesise(speech *s, const char *voice, const char *text, unsigned gen)
{
    pid_t pid;
    int to = -1, from = -1, status = 0;
    size_t len = strlen(text), sent = 0;
    unsigned char buf[READ_CHUNK];
    wav_reader *r = calloc(1, sizeof *r);
    if (!r || spawn_synth(s, voice, &pid, &to, &from) != 0) {
        free(r);
        return -1;
    }
    for (int going = 1; going && current(s, gen);) {
        struct pollfd p[2] = { { .fd = from, .events = POLLIN }, { .fd = to, .events = POLLOUT } };
        if (poll(p, to >= 0 ? 2 : 1, POLL_MS) < 0 && errno != EINTR)
            break;
        if (to >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP)))
            synth_write(&to, text, len, &sent);
        if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        ssize_t n = read(from, buf, sizeof buf);
        going = n > 0 && wav_take(s, r, buf, (size_t)n, gen) == 0;
        if (n < 0 && errno == EINTR)
            going = 1;
    }
    if (to >= 0)
        close(to);
    close(from);
    kill(pid, SIGTERM);                 /* harmless when it has finished */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    long played = r->bytes;
    sodium_memzero(buf, sizeof buf);
    free(r);
    if (played == 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
        fault(s, SPEECH_NO_VOICE, voice);
    return played;
}

/* ---- recordings ---- */

/* Decodes and plays one recording.  Returns 0, or -1 when it is refused. */
static int play_recording(speech *s, const void *bytes, size_t len, unsigned gen)
{
    int16_t *pcm = NULL;
    size_t frames = 0;
    int channels = 0;
    char err[FARO_MAX_ERRLEN];
    if (ogg_decode(bytes, len, &pcm, &frames, &channels, err, sizeof err) != 0) {
        fault(s, SPEECH_BAD_RECORDING, err);
        return -1;
    }
    size_t total = frames * (size_t)channels * sizeof *pcm, step = READ_CHUNK;
    if (stream_for(s, AUDIO_S16SYS, channels, OGG_RATE, gen) == 0)
        for (size_t at = 0; at < total; at += step)
            if (feed(s, (const unsigned char *)pcm + at, (int)(total - at < step ? total - at : step), gen) != 0)
                break;
    free(pcm);
    return 0;
}

/* ---- the worker ---- */

typedef struct request {
    int kind;
    char lang[16];
    char *text;
    void *ogg;
    size_t ogg_len;
    unsigned gen;
} request;

static void request_drop(request *q)
{
    if (q->text) {
        sodium_memzero(q->text, strlen(q->text));
        free(q->text);
    }
    free(q->ogg);
    memset(q, 0, sizeof *q);
}

/* Waits for the next request (under mu).  Returns 0, or -1 to quit. */
static int take_request(speech *s, request *q)
{
    pthread_mutex_lock(&s->mu);
    s->working = 0;
    while (!s->quit && !s->pending)
        pthread_cond_wait(&s->cv, &s->mu);
    int quit = s->quit;
    if (!quit) {
        *q = (request){ .kind = s->kind, .text = s->text, .ogg = s->ogg, .ogg_len = s->ogg_len, .gen = s->gen };
        memcpy(q->lang, s->lang, sizeof q->lang);
        s->text = NULL;
        s->ogg = NULL;
        s->pending = 0;
        s->working = 1;
    }
    pthread_mutex_unlock(&s->mu);
    return quit ? -1 : 0;
}

static void run_request(speech *s, request *q)
{
    if (q->kind == REQ_PLAY && play_recording(s, q->ogg, q->ogg_len, q->gen) == 0)
        return;
    const char *voice = voices_espeak(q->lang);
    if (!voice || !q->text || !*q->text)
        return;
    if (!s->have_program)
        return;
    if (synthesise(s, voice, q->text, q->gen) < 0)
        fault(s, SPEECH_NO_PROGRAM, s->program);
}

static void *worker_main(void *arg)
{
    speech *s = arg;
    request q;
    while (take_request(s, &q) == 0) {
        run_request(s, &q);
        request_drop(&q);
    }
    return NULL;
}

int speech_enable(speech *s)
{
    if (!s)
        return FARO_EINVAL;
    if (s->enabled)
        return s->enable_rc;
    s->enabled = 1;
    s->enable_rc = open_device(s);
    if (s->enable_rc == 0 && pthread_create(&s->worker, NULL, worker_main, s) != 0)
        s->enable_rc = FARO_ENOMEM;
    s->started = s->enable_rc == 0;
    return s->enable_rc;
}

/* ---- asking ---- */

/* Replaces the queued request by a new one (REQ_NONE: none) and drops what
 * the stream holds; text already prepared, owned from here on. */
static void queue_request(speech *s, int kind, const char *lang, char *text, void *ogg, size_t len)
{
    pthread_mutex_lock(&s->mu);
    if (s->text) {
        sodium_memzero(s->text, strlen(s->text));
        free(s->text);
    }
    free(s->ogg);
    s->gen++;
    s->kind = kind;
    snprintf(s->lang, sizeof s->lang, "%s", lang ? lang : "");
    s->text = text;
    s->ogg = ogg;
    s->ogg_len = len;
    s->pending = s->started && kind != REQ_NONE;
    s->asked_ns = now_ns();
    s->first_ns = 0;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started) {
        SDL_LockAudioDevice(s->dev);
        if (s->stream)
            SDL_AudioStreamClear(s->stream);
        SDL_UnlockAudioDevice(s->dev);
    }
}

static void remember(speech *s, const char *text)
{
    pthread_mutex_lock(&s->mu);
    sodium_memzero(s->last, sizeof s->last);
    snprintf(s->last, sizeof s->last, "%s", text);
    pthread_mutex_unlock(&s->mu);
}

static int ask(speech *s, int kind, const char *lang, const char *text, const void *ogg, size_t len)
{
    if (!s || !text)
        return FARO_EINVAL;
    remember(s, text);
    if (!s->started)
        return 0;
    size_t cap = strlen(text) * 2 + 1;
    cap = cap > SPEECH_TEXT_MAX ? SPEECH_TEXT_MAX : cap;
    char *prepared = malloc(cap);
    void *copy = len ? malloc(len) : NULL;
    if (!prepared || (len && !copy)) {
        free(prepared);
        free(copy);
        return FARO_ENOMEM;
    }
    speech_digits(text, prepared, cap);
    if (len)
        memcpy(copy, ogg, len);
    queue_request(s, kind, lang, prepared, copy, len);
    return 0;
}

int speech_say(speech *s, const char *lang, const char *text)
{
    return ask(s, REQ_SAY, lang, text, NULL, 0);
}

int speech_play(speech *s, const char *lang, const char *text, const void *ogg, size_t len)
{
    if (!ogg || len == 0)
        return speech_say(s, lang, text);
    return ask(s, REQ_PLAY, lang, text, ogg, len);
}

void speech_stop(speech *s)
{
    if (s)
        queue_request(s, REQ_NONE, "", NULL, NULL, 0);     /* a new generation, nothing queued */
}

void speech_pause(speech *s, int paused)
{
    if (s && s->started)
        SDL_PauseAudioDevice(s->dev, paused ? 1 : 0);
}

void speech_volume(speech *s, int step)
{
    if (s)
        atomic_store(&s->volume, step < 0 ? 0 : step > SPEECH_VOLUME_MAX ? SPEECH_VOLUME_MAX : step);
}

int speech_busy(speech *s)
{
    if (!s || !s->started)
        return 0;
    pthread_mutex_lock(&s->mu);
    int busy = s->pending || s->working;
    pthread_mutex_unlock(&s->mu);
    return busy || stream_held(s) > 0;
}

void speech_last(speech *s, char *out, size_t outlen)
{
    if (!outlen)
        return;
    *out = 0;
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    snprintf(out, outlen, "%s", s->last);
    pthread_mutex_unlock(&s->mu);
}

void speech_forget(speech *s)
{
    if (!s)
        return;
    speech_stop(s);
    speech_pause(s, 0);
    pthread_mutex_lock(&s->mu);
    sodium_memzero(s->last, sizeof s->last);
    pthread_mutex_unlock(&s->mu);
}

int speech_status(speech *s, char *detail, size_t detaillen)
{
    if (detail && detaillen)
        *detail = 0;
    if (!s)
        return SPEECH_OK;
    pthread_mutex_lock(&s->mu);
    int f = s->fault;
    if (detail && detaillen)
        snprintf(detail, detaillen, "%s", s->detail);
    pthread_mutex_unlock(&s->mu);
    return f;
}

int speech_can_synthesise(speech *s)
{
    return s && s->have_program;
}

void speech_device_format(speech *s, int *rate, int *channels)
{
    int open = s && s->dev;
    *rate = open ? s->have.freq : 0;
    *channels = open ? s->have.channels : 0;
}

uint64_t speech_first_audio_ns(speech *s)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&s->mu);
    uint64_t d = s->first_ns ? s->first_ns - s->asked_ns : 0;
    pthread_mutex_unlock(&s->mu);
    return d;
}

void speech_free(speech *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->quit = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started)
        pthread_join(s->worker, NULL);
    if (s->dev)
        SDL_CloseAudioDevice(s->dev);
    SDL_FreeAudioStream(s->stream);
    if (s->audio_inited)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    free(s->mix);
    if (s->text) {
        sodium_memzero(s->text, strlen(s->text));
        free(s->text);
    }
    free(s->ogg);
    sodium_memzero(s->last, sizeof s->last);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

/* ---- the digit rule ---- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_joiner(char c) { return c == ' ' || c == '-' || c == '.' || c == '/'; }

/* The number of digits in the run starting at p (digits with single
 * joiners between them), and its end in *end. */
static int digit_run(const char *p, const char **end)
{
    int n = 0;
    const char *q = p;
    while (is_digit(*q) || (is_joiner(*q) && n > 0 && is_digit(q[1]))) {
        n += is_digit(*q);
        q++;
    }
    *end = q;
    return n;
}

size_t speech_digits(const char *text, char *out, size_t outlen)
{
    size_t o = 0;
    if (!outlen)
        return 0;
    for (const char *p = text; *p && o + 1 < outlen;) {
        const char *end;
        if (is_digit(*p) && (p == text || !is_digit(p[-1])) && digit_run(p, &end) >= 5) {
            for (; p < end && o + 2 < outlen; p++)
                if (is_digit(*p)) {
                    out[o++] = *p;
                    if (p + 1 < end)
                        out[o++] = ' ';
                }
            p = end;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = 0;
    return o;
}
