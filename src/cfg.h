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
 *   stale_days: 365              # a service checked longer ago than this is marked as old
 *   text_cache_mb: 16            # bound on cached text textures
 *
 * A bad value or unknown key is reported with file and line; the default
 * is kept for that key and the rest of the file still applies.
 */
#ifndef FARO_CFG_H
#define FARO_CFG_H

#include <stddef.h>
#include "faro.h"

#define CFG_PATH_MAX 512

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
    int stale_days;
    int text_cache_mb;
} cfg;

/* Fills the documented defaults (paths empty = found at start-up). */
void cfg_defaults(cfg *c);

/*
 * Reads `path` over the current values.  Returns 0, or a negative FARO_E*
 * code with err holding the first problem ("FILE:LINE: reason"); every
 * problem is also logged.  Keys that were valid are applied either way.
 */
int cfg_load(cfg *c, const char *path, char *err, size_t errlen);

#endif
