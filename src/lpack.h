/*
 * lpack.h — translation packs on the kiosk: applying the locale files a
 * pack of type `locale` carries, and keeping UI strings out of content
 * packs.
 *
 * A locale pack is an ordinary signed pack (schema.h, no schema change):
 * meta type = "locale", no topics, articles or services, and one media row
 * per language named "locale/<lang>.yaml" with mime "application/yaml"
 * holding the locale file (same format as locales/<lang>.yaml).  Built by
 * `faro-pack build` from a folder with pack.yaml (type: locale) and
 * locales/<lang>.yaml, installed through the same installer as any pack.
 *
 * Rules (checked by lpack_check_file, by the loader, and by lint):
 *   - a locale pack carries nothing but locale/<lang>.yaml media rows;
 *   - a content pack never carries a media row named locale/...;
 *   - every locale file of a locale pack must load (meta and strings), or
 *     none of it is applied.
 */
#ifndef FARO_LPACK_H
#define FARO_LPACK_H

#include <stddef.h>
#include "loc.h"

struct pack;                            /* pack.h */

#define LPACK_MIME "application/yaml"
#define LPACK_PREFIX "locale/"

/*
 * Checks that the pack at path is a valid pack (pack.c's checks) that
 * keeps its type's rules above.  Fills type (e.g. "content", "locale";
 * may be NULL) and returns 0, or FARO_EPACK with err naming the pack and
 * the reason.  For the installer: call before a pack is accepted.
 */
int lpack_check_file(const char *path, char *type, size_t typelen, char *err, size_t errlen);

/* lpack_check_file on a pack already open: 0 or FARO_EPACK with err set. */
int lpack_check_pack(struct pack *p, char *err, size_t errlen);

/* lpack_apply_file on a pack already open. */
int lpack_apply_pack(loc_set *L, struct pack *p, char *err, size_t errlen);

/*
 * Applies p over L when it is a locale pack that lpack_check_pack accepted
 * (the shelf's path: every pack is checked once per reload).  Logs what it
 * did; returns 1 when applied, 0 otherwise (not a locale pack, or a broken
 * file: L unchanged).
 */
int lpack_apply_checked(loc_set *L, struct pack *p);

/*
 * Applies the locale pack at path over L (loc_overlay_buf for each of its
 * files), all or nothing.  Returns the number of locale files applied, or
 * a negative FARO_E* code with err set (not a locale pack, a forbidden
 * row, a broken file); on error L is unchanged.
 */
int lpack_apply_file(loc_set *L, const char *path, char *err, size_t errlen);

/*
 * Applies every locale pack among dir/<name>.faro (in name order) over L.
 * Content packs are only checked: one carrying locale/... media is logged
 * as refused (its strings are never used).  A pack that fails is logged
 * and skipped.  Returns the number of locale packs applied (0 when dir is
 * missing).
 */
int lpack_apply_dir(loc_set *L, const char *dir);

/*
 * A fresh locale set: every <lang>.yaml in locales_dir, then every locale
 * pack in packs_dir (may be NULL) over them.  NULL when out of memory.  A
 * running kiosk swaps this in when a locale pack arrives and frees the old
 * set once nothing points into it (screens rebuilt).
 */
loc_set *lpack_reload(const char *locales_dir, const char *packs_dir);

#endif
