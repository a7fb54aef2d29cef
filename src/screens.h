/*
 * screens.h — what each screen shows, built into a widget tree.
 *
 * Six screens: language choice, home (topic tiles), a topic (its articles),
 * an article, the directory (services filtered by kind) and one service.
 * A screen is a pure function of its state (which screen, which item, the
 * reader's language) and of the content: screens_build asks the store and
 * the locale for words, measures text with the text engine and lays out
 * widgets in density-independent units scaled to the screen.  It keeps no
 * state of its own.
 */
#ifndef FARO_SCREENS_H
#define FARO_SCREENS_H

#include "faro.h"
#include "admin.h"
#include "search.h"
#include "loc.h"
#include "store.h"
#include "txt.h"
#include "ui.h"

enum screen_id {
    SCR_LANGUAGE = 1, SCR_HOME, SCR_TOPIC, SCR_ARTICLE, SCR_DIRECTORY, SCR_SERVICE,
    SCR_SEARCH, SCR_COUNTRY, SCR_USB, SCR_ADMIN_PIN, SCR_ADMIN
};

/* What a tap asks for; the widget's arg carries the id or code. */
enum screen_action {
    ACT_NONE = 0, ACT_LANG, ACT_BACK, ACT_HOME, ACT_LANGSCREEN, ACT_TOPIC,
    ACT_ARTICLE, ACT_DIRECTORY, ACT_KIND, ACT_SERVICE, ACT_LINK,
    ACT_SEARCH,         /* open the search screen */
    ACT_KEY,            /* on-screen key: arg is the text it types */
    ACT_BACKSPACE, ACT_CLEAR,
    ACT_KBD,            /* switch keyboard layout: arg is its name */
    ACT_COUNTRY_PICK,   /* open the nationality list */
    ACT_COUNTRY,        /* arg: ISO 3166 code chosen ("" to forget) */
    ACT_PIN_DIGIT,      /* arg: "0".."9" */
    ACT_PIN_DEL, ACT_PIN_OK,
    ACT_ADMIN_TAB,      /* arg: tab number */
    ACT_ADMIN_REMOVE,   /* arg: pack id (asks to confirm) */
    ACT_ADMIN_CONFIRM, ACT_ADMIN_CANCEL,
    ACT_ADMIN_LANG_TOGGLE, ACT_ADMIN_LANG_UP, ACT_ADMIN_LANG_DOWN,  /* arg: language */
    ACT_ADMIN_EXPORT, ACT_ADMIN_CHECK, ACT_ADMIN_CLOSE
};

typedef struct screen_state {
    int screen;                         /* enum screen_id */
    char id[FARO_MAX_ID_LEN + 1];       /* topic, article or service id */
    char kind[32];                      /* directory filter, "" for all */
} screen_state;

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

/* The administrator's console: tabs, the PIN being typed, the last result. */
enum admin_tab { TAB_STATUS, TAB_PACKS, TAB_LANGUAGES, TAB_LOG, TAB_USAGE, TAB_CHECK, TAB_COUNT };

typedef struct screen_admin {
    int pin_len;                        /* digits typed (shown as dots) */
    const char *msg_key;                /* last result to show, a locale key, or NULL */
    long msg_count;                     /* its {count} (plural keys), -1 when none */
    char msg_arg[256];                  /* its {pack} / {file} value */
    int tab;
    char confirm[FARO_MAX_ID_LEN + 1];  /* pack waiting for "Yes, remove" */
    int checked, failed;                /* the self-check ran; how many failed */
    admin_check checks[ADMIN_NCHECKS];
    const char *data_dir;
    struct state *db;
    long now_s;                         /* wall clock (status, dates) */
    char langs[FARO_MAX_LANGS][FARO_MAX_LANG_LEN + 1];  /* shown, in order */
    int nlangs;
    struct sync_ctx *sync;              /* mirror worker, NULL when none */
} screen_admin;

typedef struct screen_env {
    store *st;
    loc_set *loc;
    txt_ctx *txt;
    const char *lang;                   /* reader's language ("" on the language screen) */
    const char *const *offered;         /* languages on the language screen, in order */
    int noffered;
    int stale_days;                     /* services checked longer ago are marked */
    long today;                         /* days since 1970-01-01 */
    search_index *ix;                   /* the index, given on the search screen only */
    int search_off;                     /* 1: the index could not be opened, no Search button */
    const char *query;                  /* what the person typed on the search screen */
    const char *kbd;                    /* keyboard layout shown ("" = the language's) */
    const char *country;                /* nationality picked in the directory, "" if none */
    const char *city;                   /* where this kiosk is (config), "" if unknown */
    const screen_usb *usb;              /* the USB screen's state */
    const screen_admin *admin;          /* the console's state */
} screen_env;

/* Returns the name of a screen id ("home"), for scripts and logs. */
const char *screens_name(int screen);

/* Builds the screen for state s into t (w x h px).  keep_scroll keeps the
 * scroll offset (same screen rebuilt).  Never fails: content that cannot
 * be read is replaced by a message in the reader's language. */
void screens_build(ui_tree *t, const screen_env *e, const screen_state *s,
                   int w, int h, int keep_scroll);

#endif
