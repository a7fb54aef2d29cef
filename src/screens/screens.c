/*
 * screens/screens.c — the table of screens, and what every screen shares:
 * the build entry point, the common taps (the bar's Back, Home, Language
 * and Search) and the visit's wipe.
 *
 * The table is made from SCREEN_LIST (screens.h), so a screen's id, name
 * and operations cannot drift apart.  screens_build prepares the layout
 * kit (scale, direction, language chain) and hands the screen to its row's
 * build; screens_act turns a tap into a navigation request, asking the
 * row's act for the screen's own actions.  When the visit says the idle
 * warning is showing, the "Still there?" prompt (sos.c) is built over
 * whatever screen is shown.
 */
#include "screens/layout.h"
#include "speech.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

typedef struct screen_row {
    const char *name;
    const screen_ops *ops;
} screen_row;

#define SCREEN_ROW(id, name, ops) [id] = { name, &ops },
static const screen_row table[SCR_COUNT] = { SCREEN_LIST(SCREEN_ROW) };
#undef SCREEN_ROW

#define DESIGN_W 1280.0f    /* 1 dp = 1 px on a screen this size */
#define DESIGN_H 800.0f
#define MIN_SCALE 0.5f

const screen_ops *screens_ops(int screen)
{
    return screen > SCR_NONE && screen < SCR_COUNT ? table[screen].ops : NULL;
}

const char *screens_name(int screen)
{
    return screen > SCR_NONE && screen < SCR_COUNT ? table[screen].name : "?";
}

const char *screens_usage_key(const screen_state *s)
{
    const screen_ops *ops = screens_ops(s->screen);
    if (!ops)
        return NULL;
    if (ops->usage_by_id)
        return *s->id ? s->id : NULL;
    return ops->usage;
}

nav_request nav(int op)
{
    nav_request r = { .op = op };
    return r;
}

nav_request nav_to(int screen, const char *id, const char *kind)
{
    nav_request r = { .op = NAV_PUSH, .screen = screen };
    snprintf(r.id, sizeof r.id, "%s", id ? id : "");
    snprintf(r.kind, sizeof r.kind, "%s", kind ? kind : "");
    return r;
}

nav_request nav_replace(int screen, const char *id, const char *kind)
{
    nav_request r = nav_to(screen, id, kind);
    r.op = NAV_REPLACE;
    return r;
}

void visit_wipe(visit *v)
{
    sodium_memzero(v, sizeof *v);
    kbd_edit_init(&v->query, SEARCH_MAX_QUERY);
    v->volume = SPEECH_VOLUME_MAX * 8 / 10;
    v->hist[0].screen = SCR_LANGUAGE;
    v->depth = 1;
}

void screens_build(ui_tree *t, const screen_env *e, const screen_state *s, int w, int h, int keep_scroll)
{
    const screen_ops *ops = screens_ops(s->screen);
    lay b = { .t = t, .e = e, .W = w, .H = h, .scroll = 1, .lang = e->lang && *e->lang ? e->lang : "en" };
    float scale = (float)w / DESIGN_W < (float)h / DESIGN_H ? (float)w / DESIGN_W : (float)h / DESIGN_H;
    if (scale < MIN_SCALE)
        scale = MIN_SCALE;
    if (!ops)
        ops = &screen_language;
    b.rtl = !ops->never_rtl && loc_is_rtl(e->loc, b.lang);
    loc_chain(e->loc, b.lang, b.chain);
    ui_begin(t, w, h, scale, b.rtl, keep_scroll);
    ops->build(&b, s);
    if (e->visit && e->visit->idle_left_s > 0)
        lay_idle_prompt(&b, e->visit->idle_left_s);
    ui_end(t);
}

int screens_acts_at_once(int action)
{
    return action >= ACT_LISTEN && action <= ACT_VOLUME_UP;
}

int screens_one_tap(int action)
{
    return screens_acts_at_once(action) || action == ACT_SOS || action == ACT_EXIT ||
           action == ACT_STILL_HERE;
}

/* The guidance controls: they change the visit; the app tells the engine. */
static nav_request act_guidance(visit *v, int action)
{
    nav_request r = nav(NAV_REDRAW);
    r.flags = NAV_KEEP_SCROLL;
    switch (action) {
    case ACT_LISTEN:
        v->guidance = !v->guidance;
        v->paused = 0;
        r.flags |= NAV_HUSH;
        break;
    case ACT_SPEECH_STOP: r.flags |= NAV_HUSH; v->paused = 0; break;
    case ACT_SPEECH_PAUSE: v->paused = !v->paused; break;
    case ACT_VOLUME_DOWN: v->volume -= v->volume > 0; break;
    case ACT_VOLUME_UP: v->volume += v->volume < SPEECH_VOLUME_MAX; break;
    default: break;
    }
    return r;
}

nav_request screens_act(visit *v, const screen_env *e, int action, const char *arg)
{
    if (screens_acts_at_once(action))
        return act_guidance(v, action);
    const screen_state *top = &v->hist[v->depth - 1];
    const screen_ops *ops = screens_ops(top->screen);
    switch (action) {
    case ACT_NONE: return nav(NAV_NONE);
    case ACT_BACK: return nav(NAV_BACK);
    case ACT_HOME: return nav(NAV_HOME);
    case ACT_LANGSCREEN: return nav(NAV_RESET);
    case ACT_SEARCH: return top->screen == SCR_SEARCH ? nav(NAV_NONE) : nav_to(SCR_SEARCH, NULL, NULL);
    case ACT_SOS: return top->screen == SCR_SOS ? nav(NAV_NONE) : nav_to(SCR_SOS, NULL, NULL);
    case ACT_EXIT: return nav(NAV_RESET);
    case ACT_STILL_HERE: return nav(NAV_NONE);      /* the tap itself kept the visit (app.c) */
    default: break;
    }
    if (!ops || !ops->act)
        return nav(NAV_NONE);
    return ops->act(v, e, action, arg ? arg : "");
}
