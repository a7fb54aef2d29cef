/*
 * ui.c — widget tree storage, hit testing, scrolling and gestures.
 *
 * Widgets live in a fixed array; their strings in a chunked arena that is
 * reused on every build (no allocation once warm).  A press starts a
 * possible tap; moving past the touch slop turns it into a drag of the
 * scroll area; releasing a drag hands its velocity to a kinetic animation
 * that decays by friction, so a flick keeps the text moving the way a
 * phone does.  Only ui_animate moves the offset over time, so the caller
 * knows exactly when frames are needed and can sleep otherwise.
 */
#include "ui.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define ARENA_CHUNK (64 * 1024)
#define SLOP_DP 12.0f
#define FRICTION 0.0035f        /* velocity decay per ms */
#define MIN_SPEED 0.03f         /* px/ms below which a flick stops */
#define MAX_SPEED 8.0f          /* px/ms */
#define MAX_CHUNKS 256

typedef struct chunk { char *mem; size_t used, cap; } chunk;

struct ui_tree {
    ui_widget w[UI_MAX_WIDGETS];
    int n;
    chunk chunks[MAX_CHUNKS];
    int nchunks;
    int width, height, rtl;
    float scale;
    ui_rect view;
    int content_h;
    float scroll, velocity;
    int pressed, dragging, press_x, press_y, last_y;
    uint64_t last_ms, anim_ms;
    float sample_v;
};

ui_tree *ui_new(void)
{
    ui_tree *t = calloc(1, sizeof *t);
    if (t)
        t->pressed = -1;
    return t;
}

void ui_free(ui_tree *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->nchunks; i++)
        free(t->chunks[i].mem);
    free(t);
}

static void *arena_alloc(ui_tree *t, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    for (int i = 0; i < t->nchunks; i++) {
        chunk *c = &t->chunks[i];
        if (c->cap - c->used >= n) {
            void *p = c->mem + c->used;
            c->used += n;
            return p;
        }
    }
    if (t->nchunks == MAX_CHUNKS)
        return NULL;
    size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
    chunk *c = &t->chunks[t->nchunks];
    c->mem = malloc(cap);
    if (!c->mem)
        return NULL;
    t->nchunks++;
    c->cap = cap;
    c->used = n;
    return c->mem;
}

static const char *arena_str(ui_tree *t, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(t, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void ui_begin(ui_tree *t, int w, int h, float scale, int rtl, int keep_scroll)
{
    t->n = 0;
    for (int i = 0; i < t->nchunks; i++)
        t->chunks[i].used = 0;
    t->width = w;
    t->height = h;
    t->scale = scale;
    t->rtl = rtl;
    t->view = (ui_rect){ 0, 0, w, h };
    t->content_h = h;
    t->pressed = -1;
    t->dragging = 0;
    if (!keep_scroll) {
        t->scroll = 0;
        t->velocity = 0;
    }
}

int ui_dp(const ui_tree *t, float dp)
{
    int px = (int)lroundf(dp * t->scale);
    return (dp > 0 && px < 1) ? 1 : px;
}

int ui_add(ui_tree *t, const ui_widget *w)
{
    if (t->n == UI_MAX_WIDGETS)
        return -1;
    ui_widget *d = &t->w[t->n];
    *d = *w;
    d->text = arena_str(t, w->text);
    d->name = arena_str(t, w->name);
    d->arg = arena_str(t, w->arg);
    d->lang = arena_str(t, w->lang);
    d->bold = NULL;
    if (w->nbold > 0 && w->bold) {
        txt_mark *m = arena_alloc(t, w->nbold * sizeof *m);
        if (m)
            memcpy(m, w->bold, w->nbold * sizeof *m);
        d->bold = m;
        d->nbold = m ? w->nbold : 0;
    }
    if ((w->text && !d->text) || (w->name && !d->name) || (w->arg && !d->arg))
        return -1;
    return t->n++;
}

void ui_set_scroll(ui_tree *t, ui_rect view, int content_h)
{
    t->view = view;
    t->content_h = content_h;
}

static float max_scroll(const ui_tree *t)
{
    int m = t->content_h - t->view.h;
    return m > 0 ? (float)m : 0.0f;
}

static void clamp_scroll(ui_tree *t)
{
    if (t->scroll > max_scroll(t)) {
        t->scroll = max_scroll(t);
        t->velocity = 0;
    }
    if (t->scroll < 0) {
        t->scroll = 0;
        t->velocity = 0;
    }
}

void ui_end(ui_tree *t)
{
    if (t->rtl)
        for (int i = 0; i < t->n; i++)
            t->w[i].r.x = t->width - t->w[i].r.x - t->w[i].r.w;
    clamp_scroll(t);
}

int ui_count(const ui_tree *t) { return t->n; }
const ui_widget *ui_get(const ui_tree *t, int i) { return (i >= 0 && i < t->n) ? &t->w[i] : NULL; }
int ui_width(const ui_tree *t) { return t->width; }
int ui_height(const ui_tree *t) { return t->height; }
int ui_rtl(const ui_tree *t) { return t->rtl; }
ui_rect ui_view(const ui_tree *t) { return t->view; }
int ui_scroll_y(const ui_tree *t) { return (int)lroundf(t->scroll); }
int ui_pressed(const ui_tree *t) { return t->dragging ? -1 : t->pressed; }

ui_rect ui_screen_rect(const ui_tree *t, int i)
{
    ui_rect r = t->w[i].r;
    if (t->w[i].in_scroll)
        r.y += t->view.y - ui_scroll_y(t);
    return r;
}

static int overlaps(ui_rect a, ui_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

int ui_visible(const ui_tree *t, int i)
{
    ui_rect r = ui_screen_rect(t, i);
    ui_rect screen = { 0, 0, t->width, t->height };
    return t->w[i].in_scroll ? overlaps(r, t->view) : overlaps(r, screen);
}

int ui_find(const ui_tree *t, const char *needle, int from)
{
    for (int i = from < 0 ? 0 : from; i < t->n; i++) {
        const ui_widget *w = &t->w[i];
        if ((w->text && strstr(w->text, needle)) || (w->name && strstr(w->name, needle)))
            return i;
    }
    return -1;
}

static int contains(ui_rect r, int x, int y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

int ui_hit(const ui_tree *t, int x, int y)
{
    for (int i = t->n - 1; i >= 0; i--) {
        if (!t->w[i].action)
            continue;
        if (t->w[i].in_scroll && !contains(t->view, x, y))
            continue;
        if (contains(ui_screen_rect(t, i), x, y))
            return i;
    }
    return -1;
}

int ui_actionable(const ui_tree *t, int i)
{
    for (int guard = 0; i >= 0 && i < t->n && guard < UI_MAX_WIDGETS; guard++) {
        if (t->w[i].action)
            return i;
        i = t->w[i].parent;
    }
    return -1;
}

void ui_scroll_to(ui_tree *t, int i)
{
    if (!t->w[i].in_scroll)
        return;
    ui_rect r = t->w[i].r;
    if (r.y < t->scroll)
        t->scroll = (float)r.y;
    else if (r.y + r.h > t->scroll + t->view.h)
        t->scroll = (float)(r.y + r.h - t->view.h);
    t->velocity = 0;
    clamp_scroll(t);
}

void ui_press(ui_tree *t, int x, int y, uint64_t ms)
{
    t->pressed = ui_hit(t, x, y);
    t->dragging = 0;
    t->velocity = 0;
    t->press_x = x;
    t->press_y = y;
    t->last_y = y;
    t->last_ms = ms;
    t->sample_v = 0;
}

void ui_move(ui_tree *t, int x, int y, uint64_t ms)
{
    float slop = SLOP_DP * t->scale;
    if (!t->dragging && (fabsf((float)(x - t->press_x)) > slop || fabsf((float)(y - t->press_y)) > slop))
        t->dragging = contains(t->view, t->press_x, t->press_y);
    if (!t->dragging)
        return;
    float dy = (float)(y - t->last_y);
    uint64_t dt = ms > t->last_ms ? ms - t->last_ms : 1;
    t->scroll -= dy;
    clamp_scroll(t);
    /* smoothed velocity of the finger, px/ms, positive = content moves up */
    t->sample_v = 0.6f * (-dy / (float)dt) + 0.4f * t->sample_v;
    t->last_y = y;
    t->last_ms = ms;
}

int ui_release(ui_tree *t, int x, int y, uint64_t ms)
{
    int tapped = -1;
    if (t->dragging) {
        float v = (ms - t->last_ms > 80) ? 0.0f : t->sample_v;  /* finger rested: no flick */
        t->velocity = fmaxf(-MAX_SPEED, fminf(MAX_SPEED, v));
        t->anim_ms = ms;
    } else if (t->pressed >= 0 && ui_hit(t, x, y) == t->pressed) {
        tapped = t->pressed;
    }
    t->pressed = -1;
    t->dragging = 0;
    return tapped;
}

void ui_wheel(ui_tree *t, int dy_px)
{
    t->velocity = 0;
    t->scroll += (float)dy_px;
    clamp_scroll(t);
}

int ui_animate(ui_tree *t, uint64_t ms)
{
    if (fabsf(t->velocity) < MIN_SPEED) {
        t->velocity = 0;
        return 0;
    }
    uint64_t dt = ms > t->anim_ms ? ms - t->anim_ms : 0;
    if (dt > 100)
        dt = 100;               /* a stalled frame must not jump far */
    t->anim_ms = ms;
    t->scroll += t->velocity * (float)dt;
    t->velocity *= expf(-FRICTION * (float)dt);
    clamp_scroll(t);
    return fabsf(t->velocity) >= MIN_SPEED;
}

static const char *role_name(int role)
{
    static const char *names[] = { "?", "panel", "bar", "button", "tile", "item", "chip",
                                   "heading", "text", "icon", "badge", "rule", "qr", "image" };
    return (role > 0 && role <= UI_IMAGE) ? names[role] : "?";
}

/* ---- what speech reads ---- */

/* 1 when widget j is i or inside it. */
static int inside(const ui_tree *t, int j, int i)
{
    for (int guard = 0; j >= 0 && j < t->n && guard < UI_MAX_WIDGETS; guard++, j = t->w[j].parent)
        if (j == i)
            return 1;
    return 0;
}

/* 1 when s holds a letter or a digit (a list's "•" is not read out). */
static int has_letters(const char *s)
{
    int32_t i = 0, len = (int32_t)strlen(s);
    while (i < len) {
        UChar32 c;
        U8_NEXT(s, i, len, c);
        if (c >= 0 && u_isalnum(c))
            return 1;
    }
    return 0;
}

/* 1 when widget w carries words (not a pictogram, not a QR payload). */
static int has_words(const ui_widget *w)
{
    return w->text && *w->text && !w->icon && w->role != UI_ICON && w->role != UI_QR && has_letters(w->text);
}

/* Appends s to out[*len], after ". " when out holds something already. */
static void append_words(char *out, size_t outlen, size_t *len, const char *s)
{
    int n = snprintf(out + *len, outlen - *len, "%s%s", *len ? ". " : "", s);
    if (n > 0)
        *len = *len + (size_t)n < outlen ? *len + (size_t)n : outlen - 1;
}

size_t ui_spoken(const ui_tree *t, int i, char *out, size_t outlen, const char **lang)
{
    size_t len = 0;
    if (lang)
        *lang = NULL;
    if (!outlen)
        return 0;
    *out = 0;
    if (i < 0 || i >= t->n)
        return 0;
    for (int j = i; j < t->n; j++) {
        if (!inside(t, j, i))
            continue;
        if (lang && !*lang && t->w[j].lang)
            *lang = t->w[j].lang;
        if (has_words(&t->w[j]))
            append_words(out, outlen, &len, t->w[j].text);
    }
    if (!len && t->w[i].name)
        append_words(out, outlen, &len, t->w[i].name);
    return len;
}

size_t ui_spoken_from_scroll(const ui_tree *t, char *out, size_t outlen)
{
    size_t len = 0;
    if (!outlen)
        return 0;
    *out = 0;
    int top = ui_scroll_y(t);
    for (int j = 0; j < t->n; j++) {
        const ui_widget *w = &t->w[j];
        if (w->in_scroll && w->r.y + w->r.h > top && has_words(w) && ui_actionable(t, j) < 0)
            append_words(out, outlen, &len, w->text);
    }
    return len;
}

void ui_dump(const ui_tree *t, FILE *f)
{
    fprintf(f, "tree %dx%d rtl=%d scroll=%d/%d\n", t->width, t->height, t->rtl,
            ui_scroll_y(t), (int)max_scroll(t));
    for (int i = 0; i < t->n; i++) {
        const ui_widget *w = &t->w[i];
        ui_rect r = ui_screen_rect(t, i);
        fprintf(f, "%4d %-7s %5d %5d %5d %5d%s%s act=%d", i, role_name(w->role), r.x, r.y, r.w, r.h,
                w->in_scroll ? " s" : "", ui_visible(t, i) ? "" : " hidden", w->action);
        if (w->arg)
            fprintf(f, " arg=%s", w->arg);
        if (w->name)
            fprintf(f, " name=\"%s\"", w->name);
        if (w->text && !w->icon && w->role != UI_QR)
            fprintf(f, " \"%.80s\"", w->text);
        else if (w->role == UI_QR)
            fprintf(f, " qr(%zu bytes)", strlen(w->text ? w->text : ""));
        fputc('\n', f);
    }
}

void ui_text_params(const ui_widget *w, txt_params *p)
{
    memset(p, 0, sizeof *p);
    p->text = w->text ? w->text : "";
    p->len = -1;
    p->bold = w->bold;
    p->nbold = w->nbold;
    p->px = w->px;
    p->bold_all = w->bold_all;
    p->width = w->r.w;
    p->max_lines = w->max_lines;
    p->dir = w->dir;
    p->align = w->align;
    p->icon = w->icon;
}

void ui_wipe(ui_tree *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->nchunks; i++) {
        sodium_memzero(t->chunks[i].mem, t->chunks[i].cap);
        t->chunks[i].used = 0;
    }
    sodium_memzero(t->w, sizeof t->w);
    t->n = 0;
    t->scroll = t->velocity = t->sample_v = 0;
    t->pressed = -1;
    t->dragging = 0;
}

void ui_set_scroll_y(ui_tree *t, int y)
{
    t->scroll = (float)y;
    t->velocity = 0;
    clamp_scroll(t);
}
