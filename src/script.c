/*
 * script.c — the script player behind `faro --headless --script`.
 *
 * Commands drive the app through the same entry points as real input
 * (press, move, release with times), on a clock that only advances when
 * the script says so: `wait 120s` runs the idle reset in microseconds.
 * Widgets are found through the semantic tree, never by pixels.  The
 * script is read unbuffered and each line wiped once run, so what a script
 * typed is, like a person's input, only where the kiosk itself keeps it
 * (tests/t_privacy.sh looks for it in the live process: `hold`).
 */
#include "script.h"
#include "faro.h"
#include "gfx.h"
#include "image.h"
#include "privacy.h"
#include "speech.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/utf8.h>
#include <unistd.h>

#define FRAME_MS 16
#define MAX_LINE 1024
#define MAX_ARGS 6
#define HOLD_MAX_S 600

typedef struct cmd {
    char *argv[MAX_ARGS];
    int argc;
} cmd;

/* Splits a line into words; "quoted strings" are one word. */
static int split(char *line, cmd *c)
{
    c->argc = 0;
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#' || *p == '\n' || *p == '\r')
            break;
        if (c->argc == MAX_ARGS)
            return -1;
        if (*p == '"') {
            char *end = strchr(p + 1, '"');
            if (!end)
                return -1;
            *end = 0;
            c->argv[c->argc++] = p + 1;
            p = end + 1;
        } else {
            c->argv[c->argc++] = p;
            p += strcspn(p, " \t\r\n");
            if (*p)
                *p++ = 0;
        }
    }
    return c->argc;
}

static void advance(script_host *h, uint64_t ms)
{
    uint64_t end = h->now + ms;
    while (h->now < end) {
        uint64_t step = app_animating(h->a) ? FRAME_MS : end - h->now;
        if (step > end - h->now)
            step = end - h->now;
        h->now += step;
        app_tick(h->a, h->now);
    }
    app_tick(h->a, h->now);
}

static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, const char *arg)
{
    char why[FARO_MAX_ERRLEN];
    snprintf(why, sizeof why, fmt, arg ? arg : "");
    snprintf(err, errlen, "%s:%d: %s", path, line, why);
    return FARO_EINVAL;
}

static void tap_point(script_host *h, int x, int y)
{
    app_press(h->a, x, y, h->now);
    advance(h, 60);
    app_release(h->a, x, y, h->now);
    advance(h, FRAME_MS);
}

/* Taps the first tappable widget showing text (exact: the whole text or
 * name, else a substring). */
static int tap_text(script_host *h, const char *text, int exact)
{
    ui_tree *t = app_tree(h->a);
    for (int i = ui_find(t, text, 0); i >= 0; i = ui_find(t, text, i + 1)) {
        const ui_widget *w = ui_get(t, i);
        if (exact && !(w->text && !strcmp(w->text, text)) && !(w->name && !strcmp(w->name, text)))
            continue;
        int target = ui_actionable(t, i);
        if (target < 0)
            continue;
        ui_scroll_to(t, target);
        ui_rect r = ui_screen_rect(t, target);
        ui_rect v = ui_view(t);
        int y = r.y + r.h / 2;
        if (ui_get(t, target)->in_scroll) {     /* a tall target: tap its visible part */
            int top = r.y > v.y ? r.y : v.y, bottom = r.y + r.h < v.y + v.h ? r.y + r.h : v.y + v.h;
            y = (top + bottom) / 2;
        }
        tap_point(h, r.x + r.w / 2, y);
        return 0;
    }
    return -1;
}

static void drag(script_host *h, int x1, int y1, int x2, int y2, int ms)
{
    int steps = ms / FRAME_MS > 1 ? ms / FRAME_MS : 1;
    app_press(h->a, x1, y1, h->now);
    for (int i = 1; i <= steps; i++) {
        h->now += FRAME_MS;
        app_move(h->a, x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps, h->now);
        app_tick(h->a, h->now);
    }
    app_release(h->a, x2, y2, h->now);
    app_tick(h->a, h->now);
}

/* Types text one character at a time, as a person would (results update
 * after every character). */
static void type_chars(script_host *h, const char *text)
{
    char ch[8];
    for (const char *p = text; *p;) {
        size_t n = 1;
        while (U8_IS_TRAIL(p[n]) && n < sizeof ch - 1)
            n++;
        memcpy(ch, p, n);
        ch[n] = 0;
        app_text(h->a, ch, h->now);
        advance(h, 120);
        app_tree(h->a);
        p += n;
    }
}

static long parse_duration(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (v < 0 || end == s)
        return -1;
    if (!strcmp(end, "ms"))
        return v;
    if (!strcmp(end, "s") || !*end)
        return v * 1000;
    if (!strcmp(end, "min"))
        return v * 60000;
    return -1;
}

static int expect_text(script_host *h, const char *text, int need_visible)
{
    ui_tree *t = app_tree(h->a);
    for (int i = ui_find(t, text, 0); i >= 0; i = ui_find(t, text, i + 1))
        if (!need_visible || ui_visible(t, i))
            return 0;
    return -1;
}

static int screenshot(script_host *h, const char *path, char *err, size_t errlen)
{
    if (gfx_draw_img(h->r, h->txt, app_images(h->a), app_tree(h->a)) != 0) {
        snprintf(err, errlen, "screenshot: drawing failed");
        return FARO_EIO;
    }
    return gfx_save_png(h->r, h->w, h->h, path, err, errlen);
}

static int left_of(script_host *h, const char *a, const char *b)
{
    ui_tree *t = app_tree(h->a);
    int ia = ui_find(t, a, 0), ib = ui_find(t, b, 0);
    if (ia < 0 || ib < 0)
        return -1;
    return ui_screen_rect(t, ia).x < ui_screen_rect(t, ib).x ? 0 : -1;
}

/* A's first widget in the scroll area is above B's (list order). */
static int above(script_host *h, const char *a, const char *b)
{
    ui_tree *t = app_tree(h->a);
    int ia = -1, ib = -1;
    for (int i = ui_find(t, a, 0); i >= 0 && ia < 0; i = ui_find(t, a, i + 1))
        if (ui_get(t, i)->in_scroll)
            ia = i;
    for (int i = ui_find(t, b, 0); i >= 0 && ib < 0; i = ui_find(t, b, i + 1))
        if (ui_get(t, i)->in_scroll)
            ib = i;
    if (ia < 0 || ib < 0)
        return -1;
    return ui_get(t, ia)->r.y < ui_get(t, ib)->r.y ? 0 : -1;
}

/* Writes path (holding this process id; written aside and renamed, so it
 * is never seen half written), then waits, at most HOLD_MAX_S seconds of
 * real time, until it is removed or SIGTERM ends the process: a test looks
 * at the live process at this point of the script.  0 or -1. */
static int hold(const char *path)
{
    char tmp[MAX_LINE + 8];
    struct timespec tick = { 0, 50 * 1000000L };
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
        return -1;
    for (int i = 0; i < HOLD_MAX_S * 20 && access(path, F_OK) == 0; i++)
        nanosleep(&tick, NULL);
    return 0;
}

/* The speech commands (guidance, expect-spoken, expect-not-spoken,
 * wait-audio).  Returns 0, a negative FARO_E* code with err set, or 1 when
 * op is not one of them. */
static int speech_cmd(script_host *h, cmd *c, const char *path, int line, char *err, size_t errlen)
{
    const char *op = c->argv[0], *a1 = c->argc > 1 ? c->argv[1] : "";
    char last[SPEECH_LAST_MAX];
    struct timespec tick = { 0, 10 * 1000000L };
    speech_last(app_speech(h->a), last, sizeof last);
    if (!strcmp(op, "guidance") && c->argc == 2 && (!strcmp(a1, "on") || !strcmp(a1, "off"))) {
        app_set_guidance(h->a, !strcmp(a1, "on"), h->now);
        advance(h, FRAME_MS);
    } else if (!strcmp(op, "expect-spoken") && c->argc == 2) {
        if (!strstr(last, a1) || !*last)
            return fail(err, errlen, path, line, "expected \"%s\" to be spoken", a1);
    } else if (!strcmp(op, "expect-not-spoken") && c->argc == 2) {
        if (strstr(last, a1) && *last)
            return fail(err, errlen, path, line, "did not expect \"%s\" to be spoken", a1);
    } else if (!strcmp(op, "wait-audio") && c->argc == 2) {
        long ms = parse_duration(a1);
        for (long waited = 0; ms >= 0 && waited < ms && speech_busy(app_speech(h->a)); waited += 10)
            nanosleep(&tick, NULL);
        if (ms < 0 || speech_busy(app_speech(h->a)))
            return fail(err, errlen, path, line, "the speech did not end within %s", a1);
    } else {
        return 1;
    }
    explicit_bzero(last, sizeof last);
    return 0;
}

/* Runs one command; returns 0, or -1 with err set. */
static int run_cmd(script_host *h, cmd *c, const char *path, int line, char *err, size_t errlen)
{
    const char *op = c->argv[0], *a1 = c->argc > 1 ? c->argv[1] : NULL;
    ui_tree *t = app_tree(h->a);
    int rc;
    if (!strcmp(op, "tap") && c->argc == 3)
        tap_point(h, atoi(c->argv[1]), atoi(c->argv[2]));
    else if ((!strcmp(op, "tap") || !strcmp(op, "tap-exact")) && c->argc == 2) {
        if (tap_text(h, a1, op[3] == '-') != 0)
            return fail(err, errlen, path, line, "nothing tappable shows \"%s\"", a1);
    } else if (!strcmp(op, "drag") && c->argc >= 5)
        drag(h, atoi(c->argv[1]), atoi(c->argv[2]), atoi(c->argv[3]), atoi(c->argv[4]),
             c->argc > 5 ? atoi(c->argv[5]) : 300);
    else if (!strcmp(op, "wheel") && c->argc == 2) {
        app_wheel(h->a, atoi(a1), h->now);
        advance(h, FRAME_MS);
    } else if (!strcmp(op, "key") && c->argc == 2 && !strcmp(a1, "back")) {
        app_back(h->a, h->now);
        advance(h, FRAME_MS);
    } else if (!strcmp(op, "key") && c->argc == 2 && !strcmp(a1, "backspace")) {
        app_backspace(h->a, h->now);
        advance(h, FRAME_MS);
    } else if (!strcmp(op, "type") && c->argc == 2) {
        type_chars(h, a1);
    } else if (!strcmp(op, "wait") && c->argc == 2) {
        long ms = parse_duration(a1);
        if (ms < 0)
            return fail(err, errlen, path, line, "bad duration \"%s\"", a1);
        advance(h, (uint64_t)ms);
    } else if (!strcmp(op, "wait-usb") && c->argc == 2) {
        long ms = parse_duration(a1);
        if (ms < 0 || !h->usb_wait || h->usb_wait(h, ms) != 0)
            return fail(err, errlen, path, line, "no USB stick was handled within %s", a1);
        advance(h, FRAME_MS);
    } else if (!strcmp(op, "wait-sync") && c->argc == 2) {
        long ms = parse_duration(a1);
        if (ms < 0 || !h->sync_wait || h->sync_wait(h, ms) != 0)
            return fail(err, errlen, path, line, "no pack arrived from a mirror within %s", a1);
        advance(h, FRAME_MS);
    } else if (!strcmp(op, "wait-images") && c->argc <= 2) {
        long ms = a1 ? parse_duration(a1) : 10000;
        if (ms < 0 || img_wait(app_images(h->a), ms) != 0)
            return fail(err, errlen, path, line, "pictures still decoding after %s", a1 ? a1 : "10s");
    } else if ((!strcmp(op, "expect") || !strcmp(op, "expect-visible")) && c->argc == 2) {
        if (expect_text(h, a1, op[6] == '-') != 0)
            return fail(err, errlen, path, line, "expected \"%s\" on screen", a1);
    } else if (!strcmp(op, "expect-not") && c->argc == 2) {
        if (expect_text(h, a1, 0) == 0)
            return fail(err, errlen, path, line, "did not expect \"%s\" on screen", a1);
    } else if (!strcmp(op, "expect-screen") && c->argc == 2) {
        if (strcmp(screens_name(app_screen(h->a)), a1) != 0)
            return fail(err, errlen, path, line, "expected the %s screen", a1);
    } else if (!strcmp(op, "expect-lang") && c->argc <= 2) {
        if (strcmp(app_lang(h->a), a1 ? a1 : "") != 0)
            return fail(err, errlen, path, line, "expected language \"%s\"", a1);
    } else if (!strcmp(op, "expect-rtl") && c->argc == 2) {
        if (ui_rtl(t) != atoi(a1))
            return fail(err, errlen, path, line, "expected rtl=%s", a1);
    } else if (!strcmp(op, "expect-left") && c->argc == 3) {
        if (left_of(h, a1, c->argv[2]) != 0)
            return fail(err, errlen, path, line, "expected \"%s\" left of the other", a1);
    } else if (!strcmp(op, "expect-above") && c->argc == 3) {
        if (above(h, a1, c->argv[2]) != 0)
            return fail(err, errlen, path, line, "expected \"%s\" above the other in the list", a1);
    } else if (!strcmp(op, "expect-scrolled") && c->argc == 2) {
        if ((ui_scroll_y(t) > 0) != atoi(a1))
            return fail(err, errlen, path, line, "expected scrolled=%s", a1);
    } else if (!strcmp(op, "screenshot") && c->argc == 2) {
        if (screenshot(h, a1, err, errlen) != 0)
            return FARO_EIO;
    } else if (!strcmp(op, "resize") && c->argc == 3) {
        if (h->resize(h, atoi(c->argv[1]), atoi(c->argv[2])) != 0)
            return fail(err, errlen, path, line, "cannot resize to %s", a1);
    } else if (!strcmp(op, "hold") && c->argc == 2) {
        if (hold(a1) != 0)
            return fail(err, errlen, path, line, "cannot write %s", a1);
    } else if (!strcmp(op, "dump") && c->argc == 1)
        ui_dump(t, stdout);
    else if ((rc = speech_cmd(h, c, path, line, err, errlen)) != 1)
        return rc;
    else
        return fail(err, errlen, path, line, "unknown command or wrong arguments: %s", op);
    return 0;
}

int script_run(const char *path, script_host *h, char *err, size_t errlen)
{
    char line[MAX_LINE];
    int lineno = 0, rc = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open the script", path);
        fprintf(stderr, "%s\n", err);
        return FARO_EIO;
    }
    setvbuf(f, NULL, _IONBF, 0);        /* no stdio buffer holding the script's text */
    app_tick(h->a, h->now);
    while (rc == 0 && fgets(line, sizeof line, f)) {
        cmd c;
        lineno++;
        int n = split(line, &c);
        if (n < 0)
            rc = fail(err, errlen, path, lineno, "unbalanced quotes or too many words%s", NULL);
        else if (n > 0)
            rc = run_cmd(h, &c, path, lineno, err, errlen);
        explicit_bzero(line, sizeof line);
        if (app_take_visit_end(h->a)) {     /* the shallowest frame of a headless run */
            gfx_forget_input();
            privacy_scrub_after_visit();
        }
    }
    fclose(f);
    if (rc != 0) {
        fprintf(stderr, "%s\nscreen %s, language \"%s\"; the tree:\n", err, screens_name(app_screen(h->a)),
                app_lang(h->a));
        ui_dump(app_tree(h->a), stderr);
    }
    return rc;
}
