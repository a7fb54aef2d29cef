/*
 * cfg.h — the kiosk's configuration: one YAML file, every key optional.
 *
 *   data_dir: /var/lib/faro      # installed packs and the kiosk state (default ~/.local/share/faro)
 *   assets_dir: /usr/share/faro  # holds fonts/ (default: found next to the binary)
 *   locales_dir: ...             # holds <lang>.yaml (default: found next to the binary)
 *   languages: [es, en, fr, ht, pt, ar]   # offered on the language screen, in order (default: all)
 *   idle_timeout_s: 90           # back to the language screen after this long untouched
 *   fullscreen: false            # true on a kiosk
 *   desktop: false               # true: a normal window that can be closed (else locked down)
 *   width: 1280                  # window size (or headless screenshot size)
 *   height: 800
 *   usb_roots: [/media, /run/media]   # where USB sticks are mounted (default these two)
 *   admin_taps: 5                # taps in the top-left corner that open the console's PIN pad
 *   admin_window_s: 3            # ... within this many seconds
 *   city: Tapachula              # where this kiosk is: services here are shown first
 *   stale_days: 365              # a service checked longer ago than this is marked as old
 *   text_cache_mb: 16            # bound on cached text textures
 *   mirrors: [https://example.org/faro/]  # web mirrors, tried in order (default: none, no network)
 *   subscribe: [org.faro.*]      # pack ids, or prefixes ending in '*', to fetch (default: none)
 *   poll_s: 3600                 # seconds between mirror polls, jittered (60..604800)
 *   ca_file: /etc/faro/ca.pem    # CA bundle for https mirrors (default: the system's)
 *   emergency:                   # the SOS screen's numbers, in order (default: EXAMPLES)
 *     - {label: sos.kind.police, number: "+1 202 555 0190", kind: police}
 *     - {label: "Shelter staff, room 3", number: "+12025550192", kind: staff, example: false}
 *                                # label: a locale key (translated) or text as written;
 *                                # kind: police, ambulance, fire, staff, child, hotline, other;
 *                                # example: true marks an entry as a fictional example
 *
 * The built-in emergency numbers are reserved fictional numbers marked as
 * examples; an `emergency:` list in the file replaces them all.  A bad
 * entry is reported with file and line and skipped; the others stay.
 *
 * A bad value or unknown key is reported with file and line; the default
 * is kept for that key and the rest of the file still applies.
 */
#ifndef FARO_CFG_H
#define FARO_CFG_H

#include <stddef.h>
#include "faro.h"

#define CFG_PATH_MAX 512
#define CFG_MAX_USB_ROOTS 8
#define CFG_MAX_MIRRORS 8       /* = SYNC_MAX_MIRRORS */
#define CFG_MAX_SUBSCRIBE 32    /* = SYNC_MAX_SUBSCRIBE */
#define CFG_URL_MAX 448         /* < SYNC_MAX_URL - 64 */
#define CFG_MAX_EMERGENCY 12    /* numbers on the SOS screen from the config */
#define CFG_EMERGENCY_LABEL 128
#define CFG_EMERGENCY_NUMBER 32 /* as written, spaces and dashes included */
#define CFG_EMERGENCY_KIND 16

/* One number of the SOS screen. */
typedef struct cfg_emergency {
    char label[CFG_EMERGENCY_LABEL];    /* a locale key, or text shown as written; "" = the kind's name */
    char number[CFG_EMERGENCY_NUMBER];  /* '+' then digits, spaces or dashes */
    char kind[CFG_EMERGENCY_KIND];      /* police, ambulance, fire, staff, child, hotline, other */
    int example;                        /* 1: a fictional number, shown with the example warning */
} cfg_emergency;

typedef struct cfg {
    char data_dir[CFG_PATH_MAX];
    char assets_dir[CFG_PATH_MAX];
    char locales_dir[CFG_PATH_MAX];
    char langs[FARO_MAX_LANGS][FARO_MAX_LANG_LEN + 1];
    int nlangs;
    int idle_timeout_s;
    int fullscreen;
    int desktop;
    int width, height;
    char city[64];
    int admin_taps, admin_window_s;
    char usb_roots[CFG_MAX_USB_ROOTS][CFG_PATH_MAX];
    int nusb_roots;
    int stale_days;
    int text_cache_mb;
    char mirrors[CFG_MAX_MIRRORS][CFG_URL_MAX];
    int nmirrors;
    char subscribe[CFG_MAX_SUBSCRIBE][FARO_MAX_ID_LEN + 1];
    int nsubscribe;
    int poll_s;
    char ca_file[CFG_PATH_MAX];
    cfg_emergency emergency[CFG_MAX_EMERGENCY];
    int nemergency;
} cfg;

/* 1 when kind is one an emergency entry may have (police, ambulance, ...). */
int cfg_emergency_kind_valid(const char *kind);

/* Fills the documented defaults (paths empty = found at start-up). */
void cfg_defaults(cfg *c);

/*
 * Reads `path` over the current values.  Returns 0, or a negative FARO_E*
 * code with err holding the first problem ("FILE:LINE: reason"); every
 * problem is also logged.  Keys that were valid are applied either way.
 */
int cfg_load(cfg *c, const char *path, char *err, size_t errlen);

#endif
