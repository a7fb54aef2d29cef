/*
 * loc.h — user-interface strings per language, with fallback chains,
 * named placeholders and CLDR plural forms.
 *
 * A locale is one file locales/<lang>.yaml (see locales/en.yaml for the
 * format): a meta block (lang, endonym, direction, fallback, reviewed) and
 * a strings mapping.  A string missing in a language is looked up along
 * its fallback chain and finally in English; a key missing everywhere
 * shows the key itself, so a gap is visible but never a crash.
 */
#ifndef FARO_LOC_H
#define FARO_LOC_H

#include <stddef.h>

typedef struct loc_set loc_set;

#define LOC_MAX_CHAIN 8
#define LOC_MAX_OVERLAYS 8          /* translation packs over one language */

/* Creates an empty set.  NULL when out of memory. */
loc_set *loc_new(void);
void loc_free(loc_set *L);                     /* accepts NULL */

/*
 * Loads every <lang>.yaml in dir.  A broken file is logged with file, line
 * and reason and skipped.  Returns the number of locales loaded.
 */
int loc_load_dir(loc_set *L, const char *dir);

/* Loads (or replaces) one locale file.  Returns 0 or a negative FARO_E*
 * code with err set ("FILE:LINE: reason"); on error the set is unchanged. */
int loc_load_file(loc_set *L, const char *path, char *err, size_t errlen);

/* Same from memory (a locale file carried by a translation pack); name is
 * used in messages.  Replaces a loaded locale of the same language. */
int loc_load_buf(loc_set *L, const char *buf, size_t len, const char *name,
                 char *err, size_t errlen);

/*
 * Lays a locale file from memory over the loaded locale of its language
 * (or loads it when the language is new): its strings are found first, the
 * rest still come from the file below, and its meta (endonym, direction,
 * fallback, reviewed) becomes the language's.  At most LOC_MAX_OVERLAYS
 * per language.  Returns 0, or a negative FARO_E* code with err set; on
 * error the set is unchanged.  Strings returned earlier by this set stay
 * valid (nothing is freed before loc_free).
 */
int loc_overlay_buf(loc_set *L, const char *buf, size_t len, const char *name,
                    char *err, size_t errlen);

int loc_count(const loc_set *L);
const char *loc_code(const loc_set *L, int i);  /* i-th loaded language code */
int loc_has(const loc_set *L, const char *lang);

/* Metadata of a language; endonym falls back to the code. */
const char *loc_endonym(const loc_set *L, const char *lang);
int loc_is_rtl(const loc_set *L, const char *lang);
int loc_reviewed(const loc_set *L, const char *lang);

/*
 * Writes lang's chain into out (lang, its fallbacks recursively, then "en"),
 * NULL-terminated; out must have LOC_MAX_CHAIN + 1 slots.  Returns the count.
 * The strings belong to the set.
 */
int loc_chain(const loc_set *L, const char *lang, const char **out);

/* The raw string for key (not formatted): never NULL (the key if missing). */
const char *loc_str(const loc_set *L, const char *lang, const char *key);

/*
 * Formats key into buf, replacing {name} placeholders by the values given
 * as NULL-terminated name, value pairs.  Unknown placeholders stay as
 * written.  Returns the length written (truncated to size - 1).
 */
int loc_format(const loc_set *L, const char *lang, const char *key,
               char *buf, size_t size, ...);

/* Same, choosing the plural form of key for n by the language's CLDR rules
 * (ICU); {count} is replaced by n. */
int loc_plural(const loc_set *L, const char *lang, const char *key, long n,
               char *buf, size_t size, ...);

#endif
