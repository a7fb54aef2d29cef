/*
 * screens/screens.h — the screens wing: what each screen shows and what
 * its taps ask for, and the one visit they all read.
 *
 * A screen is a row of SCREEN_LIST: a name (for scripts and logs), a build
 * function (state + content -> widget tree, through the layout kit), an act
 * function (a tap -> a navigation request, a value) and a usage key (what a
 * view of it counts as).  The rows live in one file per screen family
 * (reading.c, directory.c, finding.c, import.c, console.c); screens.c
 * turns the list into the table.  Adding a screen is one new file and one
 * row here.
 *
 * Act handlers may change the visit (the query being typed, the nationality
 * chosen, the PIN digits) but never navigate themselves and never call into
 * app.c: they return a nav_request that app.c applies (push, back, home,
 * reset the visit, replace the top).  Everything a person's visit creates
 * lives in struct visit, which the app wipes whole.
 */
#ifndef FARO_SCREENS_H
#define FARO_SCREENS_H

#include "faro.h"
#include "admin.h"
#include "cfg.h"
#include "install.h"
#include "kbd.h"
#include "loc.h"
#include "pin.h"
#include "search.h"
#include "state.h"
#include "store.h"
#include "txt.h"
#include "ui.h"

/* X(ID, name, ops): the screens, in the order of their ids.  ops is the
 * screen's `const screen_ops` defined in its family's file. */
#define SCREEN_LIST(X) \
    X(SCR_LANGUAGE,  "language",  screen_language)  \
    X(SCR_HOME,      "home",      screen_home)      \
    X(SCR_TOPIC,     "topic",     screen_topic)     \
    X(SCR_ARTICLE,   "article",   screen_article)   \
    X(SCR_DIRECTORY, "directory", screen_directory) \
    X(SCR_SERVICE,   "service",   screen_service)   \
    X(SCR_SEARCH,    "search",    screen_search)    \
    X(SCR_COUNTRY,   "country",   screen_country)   \
    X(SCR_USB,       "usb",       screen_usb_import) \
    X(SCR_ADMIN_PIN, "admin-pin", screen_admin_pin) \
    X(SCR_ADMIN,     "admin",     screen_admin)     \
    X(SCR_SOS,       "sos",       screen_sos)

#define SCREEN_ENUM(id, name, ops) id,
enum screen_id { SCR_NONE = 0, SCREEN_LIST(SCREEN_ENUM) SCR_COUNT };
#undef SCREEN_ENUM

/* Taps every screen understands (the bar, the USB screen's OK); a screen's
 * own actions start at ACT_OWN and mean something to that screen only. */
enum screen_action {
    ACT_NONE = 0, ACT_BACK, ACT_HOME, ACT_LANGSCREEN, ACT_SEARCH,
    ACT_DEADLINE,       /* not a tap: a deadline the screen asked for is due */
    ACT_SOS,            /* the red emergency control: the SOS screen */
    ACT_EXIT,           /* quick exit: the visit wiped at once, the language screen */
    ACT_STILL_HERE,     /* a tap on the "Still there?" prompt: the visit goes on */
    /* audio guidance: these act at once, never spoken first */
    ACT_LISTEN,         /* switch guidance on / off for the visit */
    ACT_SPEECH_STOP, ACT_SPEECH_PAUSE, ACT_VOLUME_DOWN, ACT_VOLUME_UP,
    ACT_OWN = 32
};

typedef struct screen_state {
    int screen;                         /* enum screen_id */
    char id[FARO_MAX_ID_LEN + 1];       /* topic, article or service id */
    char kind[32];                      /* directory filter, "" for all */
    int scroll;                         /* px scrolled when the next screen opened (Back returns there) */
} screen_state;

/* ---- the visit: everything a person's visit creates ---- */

#define VISIT_HISTORY_MAX 32
#define VISIT_MAX_ANSWERS 16            /* room for the referral questionnaire */

/* The console's part of a visit: what the administrator typed and saw. */
enum console_tab { TAB_STATUS, TAB_PACKS, TAB_LANGUAGES, TAB_LOG, TAB_USAGE, TAB_CHECK, TAB_COUNT };

typedef struct console_visit {
    char pin[PIN_MAX_LEN + 1];          /* digits typed */
    int pin_len;                        /* shown as dots */
    const char *msg_key;                /* last result to show, a locale key, or NULL */
    long msg_count;                     /* its {count} (plural keys), -1 when none */
    char msg_arg[256];                  /* its {pack} / {file} value */
    int tab;                            /* enum console_tab */
    char confirm[FARO_MAX_ID_LEN + 1];  /* pack waiting for "Yes, remove" */
    char retry[FARO_MAX_ID_LEN + 1];    /* pack whose removal waits for an install */
    int checked, failed;                /* the self-check ran; how many failed */
    admin_check checks[ADMIN_NCHECKS];
    char langs[FARO_MAX_LANGS][FARO_MAX_LANG_LEN + 1];  /* shown, in order */
    int nlangs;
} console_visit;

typedef struct visit {
    screen_state hist[VISIT_HISTORY_MAX];
    int depth;                          /* hist[depth - 1] is shown */
    char lang[FARO_MAX_LANG_LEN + 1];   /* "" on the language screen */
    kbd_edit query;                     /* what the person typed on the search screen */
    char kbd[16];                       /* keyboard layout chosen ("" = the language's) */
    char country[4];                    /* nationality picked in the directory, "" if none */
    char answers[VISIT_MAX_ANSWERS][32];/* referral answers (next issue) */
    int nanswers;
    int idle_left_s;                    /* > 0: "Still there?" shows, seconds before the reset */
    /* audio guidance (explore by touch): on for this visit only */
    int guidance;                       /* 1: a tap speaks first, the second acts */
    int paused;                         /* the speech is paused */
    int volume;                         /* 0 .. SPEECH_VOLUME_MAX */
    int touched_depth, touched_action;  /* the item spoken by the last first tap */
    char touched_arg[FARO_MAX_ID_LEN + 32];
    int spoken_depth;                   /* the screen last announced: its depth and state */
    screen_state spoken_at;
    console_visit console;
} visit;

/* 1 for the taps that act at once even with guidance on (its own controls). */
int screens_acts_at_once(int action);

/* 1 for the taps that act on the first touch even with guidance on: the
 * guidance controls, and help that must be one tap away — SOS, Quick exit
 * (a person being watched must not hear it announced first) and the
 * "Still there?" prompt. */
int screens_one_tap(int action);

/* Empties v (sodium_memzero of the whole struct) and starts it again on
 * the language screen with an empty query. */
void visit_wipe(visit *v);

/* ---- what screens read ---- */

/* What the USB screen shows: the pack being copied, then one line per pack. */
#define SCREEN_USB_LINES 32
typedef struct screen_usb_line {
    char pack[128];                     /* file name on the stick */
    char id[FARO_MAX_ID_LEN + 1];       /* pack id ("" if unknown) */
    long version;
    int why;                            /* enum install_why */
} screen_usb_line;

typedef struct screen_usb {
    int finished, index, count, installed;
    unsigned long long done, total;     /* bytes of the pack being copied */
    char pack[128];
    int nlines;
    screen_usb_line lines[SCREEN_USB_LINES];
} screen_usb;

/* What the console works with (borrowed from the app's owner). */
typedef struct console_env {
    state *db;                          /* settings, PIN, usage; may be NULL */
    installer *in;                      /* removes packs; may be NULL */
    const char *data_dir, *font_dir;
    const char (*usb_roots)[CFG_PATH_MAX];
    int nusb_roots;                     /* 0: /media and /run/media */
    struct sync_ctx *sync;              /* mirror worker, NULL when none */
    struct speech *speech;              /* for the self-check; may be NULL */
} console_env;

typedef struct screen_env {
    store *st;
    loc_set *loc;
    txt_ctx *txt;
    const char *lang;                   /* reader's language ("" on the language screen) */
    const char *const *offered;         /* languages on the language screen, in order */
    int noffered;
    int stale_days;                     /* services checked longer ago are marked */
    long today;                         /* days since 1970-01-01 */
    long now_s;                         /* wall clock (console status, dates, PIN delays) */
    search_index *ix;                   /* the index, given on the search screen only */
    int search_off;                     /* 1: the index could not be opened, no Search button */
    int voice_off;                      /* 1: no synthesiser (espeak-ng missing): no synthetic voices */
    const char *city;                   /* where this kiosk is (config), "" if unknown */
    const screen_usb *usb;              /* the USB screen's state; may be NULL */
    const visit *visit;                 /* query, keyboard, nationality, console; may be NULL */
    const console_env *console;         /* may be NULL */
    const cfg *cfg;                     /* the SOS screen's numbers; may be NULL */
    long clock_s;                       /* the system clock as it is (now_s never runs behind floor_s) */
    long floor_s;                       /* the newest signed time seen, 0: none (timefloor.h) */
    struct img_ctx *img;                /* article pictures (image.h); may be NULL */
} screen_env;

/* ---- what a tap asks for ---- */

enum nav_op {
    NAV_NONE = 0,       /* nothing changed */
    NAV_REDRAW,         /* the visit changed: rebuild the screen */
    NAV_PUSH,           /* open screen/id/kind on top of the history */
    NAV_REPLACE,        /* replace the top of the history by screen/id/kind */
    NAV_BACK,           /* pop one step (to the language screen: the language is forgotten) */
    NAV_HOME,           /* back to home in the visit's language */
    NAV_RESET           /* wipe the visit: the language screen, nothing kept */
};

enum nav_flag {
    NAV_KEEP_SCROLL = 1,  /* the rebuilt screen keeps its scroll offset */
    NAV_RELOAD = 2,       /* installed packs changed: the owner reopens the store */
    NAV_LANGS = 4,        /* the console's language setting changed: offer again */
    NAV_RETRY = 8,        /* call this screen's act with ACT_DEADLINE in about a second */
    NAV_RETRY_STOP = 16,  /* the retry is no longer wanted */
    NAV_HUSH = 32         /* stop what is being spoken */
};

typedef struct nav_request {
    int op;                             /* enum nav_op */
    int flags;                          /* enum nav_flag */
    int screen;                         /* NAV_PUSH, NAV_REPLACE */
    char id[FARO_MAX_ID_LEN + 1];
    char kind[32];
} nav_request;

/* Requests, for act handlers: nav_to(SCR_TOPIC, id, NULL), nav(NAV_BACK). */
nav_request nav(int op);
nav_request nav_to(int screen, const char *id, const char *kind);
nav_request nav_replace(int screen, const char *id, const char *kind);

/* ---- the table ---- */

struct lay;

typedef struct screen_ops {
    /* Builds the screen for state s with the layout kit. */
    void (*build)(struct lay *b, const screen_state *s);
    /* A tap on one of the screen's own actions (>= ACT_OWN, or ACT_DEADLINE);
     * may change v; never fails.  NULL: the screen has no actions of its own. */
    nav_request (*act)(visit *v, const screen_env *e, int action, const char *arg);
    const char *usage;                  /* a view counts as this key; NULL: not counted */
    int usage_by_id;                    /* 1: a view counts as the item's id */
    int needs_index;                    /* 1: the app opens the search index for it */
    int first_lang;                     /* 1: without a reader's language, the kiosk's first */
    int never_rtl;                      /* 1: always laid out left to right */
    int speak_body;                     /* 1: guidance reads it from where it is scrolled (an
                                         * article, a service), else it says its title */
} screen_ops;

/* The row of a screen id, or NULL when out of range. */
const screen_ops *screens_ops(int screen);

/* Returns the name of a screen id ("home"), "?" when unknown, for scripts and logs. */
const char *screens_name(int screen);

/* What a view of state s counts as for the usage report ("directory", a
 * topic id), or NULL when it is not counted. */
const char *screens_usage_key(const screen_state *s);

/* Builds the screen for state s into t (w x h px).  keep_scroll keeps the
 * scroll offset (same screen rebuilt).  Never fails: content that cannot
 * be read is replaced by a message in the reader's language. */
void screens_build(ui_tree *t, const screen_env *e, const screen_state *s,
                   int w, int h, int keep_scroll);

/* What a tap on `action` (with its widget's arg, "" when none) on the
 * screen shown asks for: the common actions (Back, Home, Language, Search)
 * here, the rest by the screen's act.  May change v; never calls the app. */
nav_request screens_act(visit *v, const screen_env *e, int action, const char *arg);

/* The console's way in (after the hidden gesture): forgets any digits,
 * says when no PIN is set, and asks for the PIN pad. */
nav_request screens_console_open(visit *v, const screen_env *e);

/* Sets the console's language list to the offered languages (in order). */
void screens_console_langs(visit *v, const char *const *offered, int n);

#define SCREEN_DECLARE(id, name, ops) extern const screen_ops ops;
SCREEN_LIST(SCREEN_DECLARE)
#undef SCREEN_DECLARE

#endif
