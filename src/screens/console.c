/*
 * screens/console.c — the administrator's console: the PIN pad, the tabs
 * (status, packs, languages, log, usage, self-check) and its controller.
 *
 * The console is opened by a hidden corner gesture (app.c counts the taps
 * and calls screens_console_open) and a PIN (pin.c, with its growing
 * delay).  Its state is part of the visit (console_visit): the digits, the
 * tab, the last result, the pack waiting for confirmation, so closing the
 * console or the idle reset forgets it with the rest of the visit.
 *
 * The controller (act_console) does the work of each tap with the library
 * modules (pin, admin, install) and returns what the app must do next:
 * reload the packs after a removal, offer the languages again after they
 * changed, wake it up to retry.  Removing a pack while an install is in
 * progress is refused with FARO_EBUSY: the console says the kiosk is busy
 * and retries about once a second (ACT_DEADLINE) until it goes through or
 * the console closes; it never waits on the UI thread.
 */
#include "screens/layout.h"
#include "intl.h"
#include "log.h"
#include "sync.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum console_action {
    CON_PIN_DIGIT = ACT_OWN,    /* arg: "0".."9" */
    CON_PIN_DEL, CON_PIN_OK,
    CON_TAB,                    /* arg: tab number */
    CON_REMOVE,                 /* arg: pack id (asks to confirm) */
    CON_CONFIRM,                /* arg: pack id */
    CON_CANCEL,
    CON_LANG_TOGGLE, CON_LANG_UP, CON_LANG_DOWN,  /* arg: language */
    CON_EXPORT, CON_CHECK, CON_CLOSE
};

/* This family's own sizes, in dp. */
static const struct {
    int key_w, key_h, key_gap, dots_gap, prompt_gap;
    int tab_h, tab_px, tab_pad, tab_gap;
    int row_gap, pack_gap, confirm_w, cancel_x, cancel_w, remove_w, action_h;
    int lang_h, lang_button_w, lang_gap, lang_text_top, lang_icon;
    int log_gap, wide_w, check_w, close_w, big_h, title_gap;
} S = {
    .key_w = 150, .key_h = 76, .key_gap = 14, .dots_gap = 12, .prompt_gap = 12,
    .tab_h = 60, .tab_px = 24, .tab_pad = 20, .tab_gap = 10,
    .row_gap = 4, .pack_gap = 8, .confirm_w = 260, .cancel_x = 280, .cancel_w = 220, .remove_w = 220,
    .action_h = 68,
    .lang_h = 64, .lang_button_w = 150, .lang_gap = 10, .lang_text_top = 16, .lang_icon = 40,
    .log_gap = 6, .wide_w = 700, .check_w = 500, .close_w = 420, .big_h = 76, .title_gap = 12,
};

#define MAX_DOTS 12         /* PIN digits shown as dots */
#define LOG_SHOWN 60        /* log lines on the log tab */

static const console_visit *con_of(const lay *b)
{
    return b->e->visit ? &b->e->visit->console : NULL;
}

/* ---- the PIN pad ---- */

/* The last result line of the console (a locale key with its values). */
static void console_message(lay *b)
{
    const console_visit *c = con_of(b);
    char line[512];
    if (!c || !c->msg_key)
        return;
    if (c->msg_count >= 0)
        loc_plural(b->e->loc, b->lang, c->msg_key, c->msg_count, line, sizeof line, "pack", c->msg_arg,
                   "file", c->msg_arg, NULL);
    else
        loc_format(b->e->loc, b->lang, c->msg_key, line, sizeof line, "pack", c->msg_arg, "file",
                   c->msg_arg, NULL);
    lay_notice(b, line, UI_S_WARN);
}

static void pin_keys(lay *b)
{
    static const char *const keys[12] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "" };
    int kw = lay_dp(b, S.key_w), kh = lay_dp(b, S.key_h), gap = lay_dp(b, S.key_gap);
    int x0 = (b->W - 3 * kw - 2 * gap) / 2;
    for (int i = 0; i < 12; i++) {
        ui_rect r = { x0 + (i % 3) * (kw + gap), b->y + (i / 3) * (kh + gap), kw, kh };
        if (i == 9)
            lay_button(b, r, lay_str(b, "admin.pin.delete"), UI_S_CHIP, CON_PIN_DEL, NULL);
        else if (i == 11)
            lay_button(b, r, lay_str(b, "admin.pin.ok"), UI_S_CHIP_ON, CON_PIN_OK, NULL);
        else
            lay_button(b, r, keys[i], UI_S_BUTTON, CON_PIN_DIGIT, keys[i]);
    }
    b->y += 4 * (kh + gap);
}

static void build_pin(lay *b, const screen_state *s)
{
    const console_visit *c = con_of(b);
    char dots[64] = "";
    (void)s;
    lay_bar(b, lay_str(b, "admin.title"));
    lay_begin(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "admin.pin.prompt"), SZ.px_h2, 1, S.prompt_gap);
    for (int i = 0; c && i < c->pin_len && i < MAX_DOTS; i++)
        strcat(dots, "\xe2\x97\x8f ");                       /* ● */
    lay_para(b, UI_TEXT, UI_S_HEADING, *dots ? dots : " ", SZ.px_h1, 1, S.dots_gap);
    console_message(b);
    pin_keys(b);
    lay_end(b, lay_dp(b, SZ.bar_h));
}

/* ---- the tabs ---- */

static void console_tabs(lay *b, int active)
{
    static const char *const keys[TAB_COUNT] = { "admin.tab.status", "admin.tab.packs",
        "admin.tab.languages", "admin.tab.log", "admin.tab.usage", "admin.tab.check" };
    static const char *const args[TAB_COUNT] = { "0", "1", "2", "3", "4", "5" };
    const char *labels[TAB_COUNT];
    for (int i = 0; i < TAB_COUNT; i++)
        labels[i] = lay_str(b, keys[i]);
    lay_chip_row(b, &(lay_chips){ .labels = labels, .args = args, .n = TAB_COUNT, .active = active,
                                  .action = CON_TAB, .h = S.tab_h, .px = S.tab_px, .pad = S.tab_pad,
                                  .gap = S.tab_gap, .dir = LAY_DIR_AUTO });
}

static void time_utc(long s, char *out, size_t size)
{
    time_t t = (time_t)s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

/* Updates from mirrors: last success, what is downloading, the last error. */
static void sync_line(lay *b)
{
    sync_status ss;
    char v[512], when[64], arg[256];
    if (!b->e->console || !b->e->console->sync)
        return;
    sync_status_get(b->e->console->sync, &ss);
    time_utc((long)ss.last_success, when, sizeof when);
    if (*ss.error_key) {
        loc_format(b->e->loc, b->lang, ss.error_key, arg, sizeof arg, "arg", ss.error_arg, NULL);
        loc_format(b->e->loc, b->lang, "admin.status.sync_error", v, sizeof v, "error", arg, NULL);
    } else if (ss.last_success) {
        loc_format(b->e->loc, b->lang, "admin.status.sync_ok", v, sizeof v, "time", when, NULL);
    } else {
        snprintf(v, sizeof v, "%s", lay_str(b, "admin.status.sync_never"));
    }
    if (*ss.downloading) {
        size_t n = strlen(v);
        snprintf(v + n, sizeof v - n, "\n%s %llu%%", ss.downloading,
                 ss.total ? ss.done * 100 / ss.total : 0ull);
    }
    lay_field(b, lay_str(b, "admin.status.sync"), v, 0);
}

static void uptime_field(lay *b, long uptime_s)
{
    char v[256], d[32], h[32], m[32];
    snprintf(d, sizeof d, "%ld", uptime_s / 86400);
    snprintf(h, sizeof h, "%ld", uptime_s / 3600 % 24);
    snprintf(m, sizeof m, "%ld", uptime_s / 60 % 60);
    loc_format(b->e->loc, b->lang, "admin.status.uptime_value", v, sizeof v, "days", d, "hours", h,
               "minutes", m, NULL);
    lay_field(b, lay_str(b, "admin.status.uptime"), uptime_s >= 0 ? v : "?", 0);
}

/* Audio coverage of each offered language (recorded, synthetic, none),
 * one line each in one field. */
static void audio_fields(lay *b)
{
    static admin_audio audio[FARO_MAX_LANGS];  /* built on the UI thread only */
    char v[4096] = "", num[4][16];
    size_t used = 0;
    int n = b->e->noffered < FARO_MAX_LANGS ? b->e->noffered : FARO_MAX_LANGS;
    n = admin_audio_get(b->e->st, b->e->offered, n, audio);
    for (int i = 0; i < n && used + 512 < sizeof v; i++) {
        const admin_audio *a = &audio[i];
        if (a->items == 0)
            continue;
        snprintf(num[0], sizeof num[0], "%d", a->recorded);
        snprintf(num[1], sizeof num[1], "%d", a->items);
        snprintf(num[2], sizeof num[2], "%d", a->synthetic);
        snprintf(num[3], sizeof num[3], "%d", a->none);
        if (used)
            v[used++] = '\n';
        used += (size_t)loc_format(b->e->loc, b->lang, "admin.audio.value", v + used, 512, "language",
                                   a->lang, "recorded", num[0], "items", num[1], "synthetic", num[2],
                                   "none", num[3], NULL);
    }
    if (used)
        lay_field(b, lay_str(b, "admin.audio.title"), v, 0);
}

static void status_tab(lay *b, const admin_status *st)
{
    char v[256], a[64], c[64];
    lay_field(b, lay_str(b, "admin.status.version"), st->version, 1);
    admin_format_bytes(st->storage_free, a, sizeof a);
    admin_format_bytes(st->storage_total, c, sizeof c);
    loc_format(b->e->loc, b->lang, "admin.status.storage_value", v, sizeof v, "free", a, "total", c, NULL);
    lay_field(b, lay_str(b, "admin.status.storage"), st->storage_free >= 0 ? v : "?", 0);
    time_utc(b->e->clock_s ? b->e->clock_s : st->now_s, v, sizeof v);
    lay_field(b, lay_str(b, "admin.status.clock"), v, 1);
    if (b->e->floor_s > 0 && b->e->clock_s > 0 && b->e->clock_s < b->e->floor_s - 86400) {
        time_utc(b->e->floor_s, a, sizeof a);
        loc_format(b->e->loc, b->lang, "admin.status.clock_behind", v, sizeof v, "date", a, NULL);
        lay_field(b, lay_str(b, "admin.status.clock_behind_title"), v, 0);
    }
    uptime_field(b, st->uptime_s);
    sync_line(b);
    for (int i = 0; i < st->npacks; i++) {
        snprintf(a, sizeof a, "%ld", st->packs[i].version);
        loc_format(b->e->loc, b->lang, "admin.status.content_value", v, sizeof v, "pack", st->packs[i].id,
                   "version", a, NULL);
        lay_field(b, i == 0 ? lay_str(b, "admin.status.content") : " ", v, 0);
    }
    audio_fields(b);
}

/* Remove, or "Yes, remove" and Cancel while it waits for confirmation. */
static void pack_buttons(lay *b, const admin_pack *p)
{
    const console_visit *c = con_of(b);
    char line[512];
    int x = lay_dp(b, SZ.margin), h = lay_dp(b, S.action_h);
    if (c && !strcmp(c->confirm, p->id)) {
        loc_format(b->e->loc, b->lang, "admin.packs.remove_confirm", line, sizeof line, "pack", p->id, NULL);
        lay_notice(b, line, UI_S_WARN);
        lay_button(b, (ui_rect){ x, b->y, lay_dp(b, S.confirm_w), h }, lay_str(b, "admin.confirm"), UI_S_CHIP_ON,
                   CON_CONFIRM, p->id);
        lay_button(b, (ui_rect){ x + lay_dp(b, S.cancel_x), b->y, lay_dp(b, S.cancel_w), h },
                   lay_str(b, "admin.cancel"), UI_S_CHIP, CON_CANCEL, NULL);
    } else {
        lay_button(b, (ui_rect){ x, b->y, lay_dp(b, S.remove_w), h }, lay_str(b, "admin.packs.remove"),
                   UI_S_CHIP, CON_REMOVE, p->id);
    }
    b->y += h + lay_dp(b, SZ.gap);
}

static void pack_row(lay *b, const admin_pack *p)
{
    char line[512], ver[32], day[16], date[128];
    snprintf(ver, sizeof ver, "%ld", p->version);
    snprintf(line, sizeof line, "%s · %s %s · %s · %s", p->id, lay_str(b, "admin.packs.version"), ver, p->layer,
             p->type);
    lay_font f = { .style = UI_S_HEADING, .px = SZ.px_body, .bold = 1 };
    b->y += lay_text(b, -1, &f, line, lay_dp(b, SZ.margin), b->y, lay_content_w(b)) + lay_dp(b, S.row_gap);
    snprintf(day, sizeof day, "%.10s", p->created);        /* YYYY-MM-DD of the ISO time */
    intl_date(day, b->lang, date, sizeof date);
    snprintf(line, sizeof line, "%s %s", lay_str(b, "admin.packs.signed"), date);
    lay_para(b, UI_TEXT, UI_S_MUTED, line, SZ.px_small, 0, S.pack_gap);
    if (!strcmp(p->source, "default content"))
        lay_para(b, UI_TEXT, UI_S_MUTED, lay_str(b, "admin.packs.builtin"), SZ.px_small, 0, SZ.gap);
    else
        pack_buttons(b, p);
}

static int lang_pos(const console_visit *c, const char *code)
{
    for (int i = 0; c && i < c->nlangs; i++)
        if (!strcmp(c->langs[i], code))
            return i;
    return -1;
}

static void lang_row(lay *b, const char *code, int pos)
{
    char line[256];
    int x = lay_dp(b, SZ.margin), h = lay_dp(b, S.lang_h), bw = lay_dp(b, S.lang_button_w);
    int gap = lay_dp(b, S.lang_gap), reviewed = loc_reviewed(b->e->loc, code);
    snprintf(line, sizeof line, "%s (%s)%s%s", loc_endonym(b->e->loc, code), code, reviewed ? "" : " · ",
             reviewed ? "" : lay_str(b, "admin.lang.unreviewed"));
    lay_font f = { .style = pos >= 0 ? UI_S_HEADING : UI_S_MUTED, .px = SZ.px_note, .bold = pos >= 0, .lines = 1 };
    lay_text(b, -1, &f, line, x, b->y + lay_dp(b, S.lang_text_top), lay_content_w(b) - 3 * (bw + gap));
    int bx = b->W - lay_dp(b, SZ.margin) - 3 * bw - 2 * gap;
    lay_button(b, (ui_rect){ bx, b->y, bw, h }, lay_str(b, pos >= 0 ? "admin.lang.shown" : "admin.lang.hidden"),
               pos >= 0 ? UI_S_CHIP_ON : UI_S_CHIP, CON_LANG_TOGGLE, code);
    for (int k = 0; pos >= 0 && k < 2; k++) {     /* Move up, Move down: arrows, named */
        int x2 = bx + (k + 1) * (bw + gap), sz = lay_dp(b, S.lang_icon);
        int bi = lay_box(b, UI_BUTTON, UI_S_CHIP, (ui_rect){ x2, b->y, bw, h }, k ? CON_LANG_DOWN : CON_LANG_UP,
                         code, lay_str(b, k ? "admin.lang.down" : "admin.lang.up"), -1);
        lay_icon(b, bi, UI_S_HEADING, k ? "arrow_downward" : "arrow_upward", x2 + (bw - sz) / 2,
                 b->y + (h - sz) / 2, sz);
    }
    b->y += h + gap;
}

static void languages_tab(lay *b)
{
    const console_visit *c = con_of(b);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "admin.lang.title"), SZ.px_h3, 1, S.title_gap);
    for (int i = 0; c && i < c->nlangs; i++)
        lang_row(b, c->langs[i], i);
    for (int i = 0; i < loc_count(b->e->loc); i++)
        if (lang_pos(c, loc_code(b->e->loc, i)) < 0)
            lang_row(b, loc_code(b->e->loc, i), -1);
}

static void log_tab(lay *b)
{
    lay_font f = { .style = UI_S_TEXT, .px = SZ.px_small, .lines = 2, .dir = TXT_DIR_LTR };
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "admin.log.title"), SZ.px_h3, 1, S.title_gap);
    if (log_count() == 0)
        lay_para(b, UI_TEXT, UI_S_MUTED, lay_str(b, "admin.log.empty"), SZ.px_small, 0, 0);
    for (int i = log_count() - 1, shown = 0; i >= 0 && shown < LOG_SHOWN; i--, shown++) {
        char line[LOG_LINE];                /* a copy: other threads keep logging */
        if (log_line(i, line, sizeof line) < 0)
            continue;
        b->y += lay_text(b, -1, &f, line, lay_dp(b, SZ.margin), b->y, lay_content_w(b))
              + lay_dp(b, S.log_gap);
    }
}

static void usage_tab(lay *b)
{
    int cw = lay_content_w(b), wide = lay_dp(b, S.wide_w);
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "admin.usage.title"), SZ.px_h3, 1, S.title_gap);
    lay_para(b, UI_TEXT, UI_S_MUTED, lay_str(b, "admin.usage.note"), SZ.px_small, 0, SZ.gap);
    lay_button(b, (ui_rect){ lay_dp(b, SZ.margin), b->y, cw < wide ? cw : wide, lay_dp(b, S.big_h) },
               lay_str(b, "admin.usage.export"), UI_S_CHIP_ON, CON_EXPORT, NULL);
    b->y += lay_dp(b, S.big_h) + lay_dp(b, SZ.gap);
}

static void check_tab(lay *b)
{
    const console_visit *c = con_of(b);
    char line[512];
    lay_button(b, (ui_rect){ lay_dp(b, SZ.margin), b->y, lay_dp(b, S.check_w), lay_dp(b, S.big_h) },
               lay_str(b, "admin.check.run"), UI_S_CHIP_ON, CON_CHECK, NULL);
    b->y += lay_dp(b, S.big_h) + lay_dp(b, SZ.gap);
    if (!c || !c->checked)
        return;
    if (c->failed)
        loc_plural(b->e->loc, b->lang, "admin.check.problems", c->failed, line, sizeof line, NULL);
    else
        snprintf(line, sizeof line, "%s", lay_str(b, "admin.check.all_ok"));
    lay_para(b, UI_HEADING, UI_S_HEADING, line, SZ.px_h3, 1, S.title_gap);
    for (int i = 0; i < ADMIN_NCHECKS; i++) {
        loc_format(b->e->loc, b->lang, c->checks[i].result_key, line, sizeof line, "detail",
                   c->checks[i].detail, NULL);
        lay_field(b, lay_str(b, c->checks[i].name_key), line, 0);
    }
}

static void packs_tab(lay *b, admin_status *st)
{
    lay_para(b, UI_HEADING, UI_S_HEADING, lay_str(b, "admin.packs.title"), SZ.px_h3, 1, S.title_gap);
    for (int i = 0; i < st->npacks; i++)
        pack_row(b, &st->packs[i]);
}

static void build_console(lay *b, const screen_state *s)
{
    const console_visit *c = con_of(b);
    const char *data_dir = b->e->console && b->e->console->data_dir ? b->e->console->data_dir : ".";
    static admin_status st;             /* large; built on the UI thread only */
    int tab = c ? c->tab : TAB_STATUS;
    (void)s;
    lay_bar(b, lay_str(b, "admin.title"));
    lay_begin(b);
    console_tabs(b, tab);
    console_message(b);
    if (tab == TAB_STATUS || tab == TAB_PACKS)
        admin_status_get(b->e->st, data_dir, b->e->now_s, &st);
    switch (tab) {
    case TAB_PACKS: packs_tab(b, &st); break;
    case TAB_LANGUAGES: languages_tab(b); break;
    case TAB_LOG: log_tab(b); break;
    case TAB_USAGE: usage_tab(b); break;
    case TAB_CHECK: check_tab(b); break;
    default: status_tab(b, &st); break;
    }
    b->y += lay_dp(b, SZ.gap);
    lay_button(b, (ui_rect){ lay_dp(b, SZ.margin), b->y, lay_dp(b, S.close_w), lay_dp(b, S.big_h) },
               lay_str(b, "admin.close"), UI_S_BUTTON, CON_CLOSE, NULL);
    b->y += lay_dp(b, S.big_h);
    lay_end(b, lay_dp(b, SZ.bar_h));
}

/* ================================================================== */
/* the controller                                                      */
/* ================================================================== */

static void say(console_visit *c, const char *key, long count, const char *arg)
{
    c->msg_key = key;
    c->msg_count = count;
    snprintf(c->msg_arg, sizeof c->msg_arg, "%s", arg ? arg : "");
}

void screens_console_langs(visit *v, const char *const *offered, int n)
{
    console_visit *c = &v->console;
    c->nlangs = 0;
    for (int i = 0; i < n && i < FARO_MAX_LANGS; i++)
        snprintf(c->langs[c->nlangs++], FARO_MAX_LANG_LEN + 1, "%s", offered[i]);
}

nav_request screens_console_open(visit *v, const screen_env *e)
{
    console_visit *c = &v->console;
    sodium_memzero(c->pin, sizeof c->pin);
    c->pin_len = 0;
    say(c, pin_is_set(e->console ? e->console->db : NULL) ? NULL : "admin.pin.not_set", -1, NULL);
    return nav_to(SCR_ADMIN_PIN, NULL, NULL);
}

static state *db_of(const screen_env *e)
{
    return e->console ? e->console->db : NULL;
}

static nav_request pin_ok(visit *v, const screen_env *e)
{
    console_visit *c = &v->console;
    long wait = 0;
    int rc = pin_check(db_of(e), c->pin, e->now_s, &wait);
    sodium_memzero(c->pin, sizeof c->pin);
    c->pin_len = 0;
    if (rc == 0) {
        log_msg("admin: console opened");
        say(c, NULL, -1, NULL);
        screens_console_langs(v, e->offered, e->noffered);
        return nav_replace(SCR_ADMIN, NULL, NULL);  /* the PIN pad is not kept in the history */
    }
    if (rc == FARO_ENOTFOUND) {
        say(c, "admin.pin.not_set", -1, NULL);
    } else if (rc == FARO_EAUTH || rc == FARO_EAGAIN) {
        if (rc == FARO_EAUTH)
            log_msg("admin: wrong PIN");
        if (rc == FARO_EAUTH && wait <= 2)
            say(c, "admin.pin.wrong", -1, NULL);        /* a slip: no talk of waiting yet */
        else if (wait >= 120)
            say(c, "admin.pin.wait_minutes", (wait + 59) / 60, NULL);
        else
            say(c, "admin.pin.wait", wait > 0 ? wait : 1, NULL);
    }
    nav_request r = nav(NAV_REDRAW);
    r.flags = NAV_KEEP_SCROLL;
    return r;
}

static void lang_move(console_visit *c, int i, int j)
{
    char tmp[FARO_MAX_LANG_LEN + 1];
    memcpy(tmp, c->langs[i], sizeof tmp);
    memcpy(c->langs[i], c->langs[j], sizeof tmp);
    memcpy(c->langs[j], tmp, sizeof tmp);
}

/* Shows, hides or moves a language; saves the setting.  Returns 0 when it changed nothing. */
static int lang_edit(console_visit *c, int action, const char *code)
{
    int i = lang_pos(c, code);
    if (action == CON_LANG_TOGGLE && i >= 0) {
        if (c->nlangs == 1) {
            say(c, "admin.lang.need_one", -1, NULL);
            return 0;
        }
        memmove(c->langs[i], c->langs[i + 1], (size_t)(c->nlangs - i - 1) * sizeof c->langs[0]);
        c->nlangs--;
    } else if (action == CON_LANG_TOGGLE && c->nlangs < FARO_MAX_LANGS) {
        snprintf(c->langs[c->nlangs++], sizeof c->langs[0], "%s", code);
    } else if (i >= 0) {
        int j = action == CON_LANG_UP ? i - 1 : i + 1;
        if (j < 0 || j >= c->nlangs)
            return 0;
        lang_move(c, i, j);
    }
    return 1;
}

static nav_request langs(visit *v, const screen_env *e, int action, const char *code)
{
    console_visit *c = &v->console;
    nav_request r = nav(NAV_REDRAW);
    r.flags = NAV_KEEP_SCROLL;
    if (!lang_edit(c, action, code))
        return r;                   /* the last language stays, or no room to move: nothing saved */
    const char *list[FARO_MAX_LANGS];
    for (int i = 0; i < c->nlangs; i++)
        list[i] = c->langs[i];
    if (db_of(e) && admin_languages_set(db_of(e), list, c->nlangs) == 0)
        say(c, "admin.saved", -1, NULL);
    r.flags |= NAV_LANGS;
    return r;
}

/* The first writable stick folder under the USB roots, or NULL. */
static const char *find_stick(const console_env *ce, char *out, size_t size)
{
    static const char *const defaults[] = { "/media", "/run/media" };
    int n = ce && ce->nusb_roots ? ce->nusb_roots : 2;
    for (int r = 0; r < n; r++) {
        const char *root = ce && ce->nusb_roots ? ce->usb_roots[r] : defaults[r];
        DIR *d = opendir(root);
        for (struct dirent *de; d && (de = readdir(d));) {
            if (de->d_name[0] == '.')
                continue;
            snprintf(out, size, "%s/%s", root, de->d_name);
            struct stat st;
            if (lstat(out, &st) == 0 && S_ISDIR(st.st_mode) && access(out, W_OK) == 0) {
                closedir(d);
                return out;
            }
        }
        if (d)
            closedir(d);
    }
    return NULL;
}

static void export_usage(console_visit *c, const screen_env *e)
{
    char dir[CFG_PATH_MAX + 256], name[256], err[FARO_MAX_ERRLEN];
    if (!find_stick(e->console, dir, sizeof dir)) {
        say(c, "admin.usage.no_stick", -1, NULL);
        return;
    }
    int n = admin_usage_export(db_of(e), dir, e->now_s, name, sizeof name, err, sizeof err);
    if (n < 0) {
        log_msg("admin: usage export: %s", err);
        say(c, "admin.usage.failed", -1, NULL);
    } else {
        log_msg("admin: usage counts exported (%d rows)", n);
        say(c, "admin.usage.exported", -1, name);
    }
}

/* Removes pack id; an install in progress makes it wait (c->retry) and ask for a retry. */
static nav_request remove_pack(console_visit *c, const screen_env *e, const char *id)
{
    char err[FARO_MAX_ERRLEN], pack[FARO_MAX_ID_LEN + 1];
    installer *in = e->console ? e->console->in : NULL;
    nav_request r = nav(NAV_REDRAW);
    r.flags = NAV_KEEP_SCROLL;
    snprintf(pack, sizeof pack, "%s", id);
    c->confirm[0] = 0;
    int rc = in ? install_remove(in, pack, err, sizeof err) : FARO_EINVAL;
    if (rc == FARO_EBUSY) {
        snprintf(c->retry, sizeof c->retry, "%s", pack);
        say(c, "admin.packs.busy", -1, pack);
        r.flags |= NAV_RETRY;
        return r;
    }
    c->retry[0] = 0;
    r.flags |= NAV_RETRY_STOP;
    if (rc != 0) {
        log_msg("admin: remove %s: %s", pack, in ? err : "no installer");
        say(c, "admin.packs.remove_failed", -1, pack);
        return r;
    }
    log_msg("admin: pack %s removed", pack);
    say(c, "admin.packs.removed", -1, pack);
    r.flags |= NAV_RELOAD;
    return r;
}

static void self_check(console_visit *c, const screen_env *e)
{
    admin_env env = { .data_dir = e->console ? e->console->data_dir : NULL,
                      .font_dir = e->console ? e->console->font_dir : NULL, .st = db_of(e),
                      .now_s = e->clock_s ? e->clock_s : e->now_s, .floor_s = e->floor_s, .content = e->st,
                      .speech = e->console ? e->console->speech : NULL };
    c->failed = admin_selfcheck(&env, c->checks);
    c->checked = 1;
    log_msg("admin: self-check, %d problem(s)", c->failed);
}

static void pin_digit(console_visit *c, const char *arg, int del)
{
    if (del && c->pin_len > 0) {
        c->pin[--c->pin_len] = 0;
    } else if (!del && c->pin_len < PIN_MAX_LEN) {
        c->pin[c->pin_len++] = arg[0];
        c->pin[c->pin_len] = 0;
    }
}

static nav_request act_console(visit *v, const screen_env *e, int action, const char *arg)
{
    console_visit *c = &v->console;
    nav_request keep = nav(NAV_REDRAW);
    keep.flags = NAV_KEEP_SCROLL;
    switch (action) {
    case CON_PIN_DIGIT: pin_digit(c, arg, 0); return keep;
    case CON_PIN_DEL: pin_digit(c, arg, 1); return keep;
    case CON_PIN_OK: return pin_ok(v, e);
    case CON_TAB:
        c->tab = atoi(arg) % TAB_COUNT;
        say(c, NULL, -1, NULL);
        return nav(NAV_REDRAW);
    case CON_REMOVE: snprintf(c->confirm, sizeof c->confirm, "%s", arg); return keep;
    case CON_CANCEL: c->confirm[0] = 0; return keep;
    case CON_CONFIRM: return remove_pack(c, e, arg);
    case ACT_DEADLINE: return *c->retry ? remove_pack(c, e, c->retry) : nav(NAV_NONE);
    case CON_LANG_TOGGLE: case CON_LANG_UP: case CON_LANG_DOWN: return langs(v, e, action, arg);
    case CON_EXPORT: export_usage(c, e); return keep;
    case CON_CHECK: self_check(c, e); return keep;
    case CON_CLOSE:
        log_msg("admin: console closed");
        return nav(NAV_RESET);
    default: return nav(NAV_NONE);
    }
}

const screen_ops screen_admin_pin = { .build = build_pin, .act = act_console, .first_lang = 1 };
const screen_ops screen_admin = { .build = build_console, .act = act_console, .first_lang = 1 };
