/*
 * lpack.c — translation packs: a pack of type `locale` brings UI words to
 * a running kiosk; a content pack never does.
 *
 * The idea: a translation travels exactly like content (signed, installed
 * by the same door), so it needs no schema of its own: its locale files
 * ride in the media table as "locale/<lang>.yaml".  Before anything is
 * read, pack.c opens the pack (hardened; header, exact schema,
 * quick_check, meta); then the same connection counts rows to enforce the
 * split: a locale pack has no content rows
 * and no other media, a content pack has no locale/ media.  Applying is
 * all or nothing: every file is first loaded into a scratch locale set
 * (meta, strings, its language matching its name), and only when all
 * load are they laid over the live set with loc_overlay_buf, so a
 * partial translation only replaces the strings it has.
 */
#include "lpack.h"
#include "faro.h"
#include "intl.h"
#include "log.h"
#include "pack.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LPACK_MAX_FILES FARO_MAX_LANGS    /* locale files in one pack */

typedef struct {
    char name[FARO_MAX_LANG_LEN + 32];    /* "locale/<lang>.yaml" */
    char lang[FARO_MAX_LANG_LEN + 1];
    char *data;
    size_t len;
} lfile;

/* One integer from sql, or -1 on failure. */
static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

#define Q_CONTENT_ROWS "SELECT (SELECT count(*) FROM topics) + (SELECT count(*) FROM topic_text)" \
    " + (SELECT count(*) FROM articles) + (SELECT count(*) FROM article_text)" \
    " + (SELECT count(*) FROM services) + (SELECT count(*) FROM service_text)"
#define Q_LOCALE_MEDIA "SELECT count(*) FROM media WHERE lower(substr(name, 1, 7)) = 'locale/'"
#define Q_OTHER_MEDIA "SELECT count(*) FROM media WHERE lower(substr(name, 1, 7)) <> 'locale/'"

/* "locale/<tag>.yaml" with a plain tag: fills lang. */
static int locale_name(const char *name, char *lang, size_t size)
{
    size_t n = strlen(name), p = strlen(LPACK_PREFIX);
    if (n <= p + 5 || strncmp(name, LPACK_PREFIX, p) || strcmp(name + n - 5, ".yaml"))
        return 0;
    size_t tl = n - p - 5;
    if (tl < 2 || tl > FARO_MAX_LANG_LEN || tl >= size)
        return 0;
    memcpy(lang, name + p, tl);
    lang[tl] = 0;
    return intl_lang_valid(lang);
}

/* Checks every locale/ row's name, mime and size; 0 or FARO_EPACK. */
static int check_locale_rows(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, n = 0;
    if (sqlite3_prepare_v2(db, "SELECT name, mime, length(data) FROM media ORDER BY name", -1, &st,
                           NULL) != SQLITE_OK)
        rc = FARO_EPACK;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *mime = (const char *)sqlite3_column_text(st, 1);
        char lang[FARO_MAX_LANG_LEN + 1];
        if (!name || !locale_name(name, lang, sizeof lang) || !mime || strcmp(mime, LPACK_MIME) ||
            sqlite3_column_int64(st, 2) > FARO_MAX_FILE_BYTES || ++n > LPACK_MAX_FILES) {
            snprintf(err, errlen, "%s: locale pack row '%s' is not a locale/<lang>.yaml file of type %s",
                     path, name ? name : "", LPACK_MIME);
            rc = FARO_EPACK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* The split between locale and content packs, on an open pack. */
static int check_rows(sqlite3 *db, const char *path, const char *type, char *err, size_t errlen)
{
    long long content = count(db, Q_CONTENT_ROWS), locale = count(db, Q_LOCALE_MEDIA);
    long long other = count(db, Q_OTHER_MEDIA);
    if (content < 0 || locale < 0 || other < 0) {
        snprintf(err, errlen, "%s: cannot read the pack: %s", path, sqlite3_errmsg(db));
        return FARO_EPACK;
    }
    if (strcmp(type, "locale") != 0) {
        if (locale == 0)
            return 0;
        snprintf(err, errlen, "%s: a %s pack cannot carry UI strings (%lld locale/ rows): refused",
                 path, type, locale);
        return FARO_EPACK;
    }
    if (content > 0 || other > 0) {
        snprintf(err, errlen, "%s: a locale pack cannot change content (%lld content rows, %lld other "
                 "media): refused", path, content, other);
        return FARO_EPACK;
    }
    if (locale == 0) {
        snprintf(err, errlen, "%s: a locale pack with no locale/<lang>.yaml file", path);
        return FARO_EPACK;
    }
    return check_locale_rows(db, path, err, errlen);
}

int lpack_check_pack(pack *p, char *err, size_t errlen)
{
    return check_rows(pack_db(p), pack_name(p), pack_get_meta(p)->type, err, errlen);
}

int lpack_check_file(const char *path, char *type, size_t typelen, char *err, size_t errlen)
{
    pack *p = NULL;
    int rc = pack_open_file(path, PACK_QUICK_CHECK, &p, err, errlen);
    if (rc == 0)
        rc = lpack_check_pack(p, err, errlen);
    if (rc == 0 && type && typelen)
        snprintf(type, typelen, "%s", pack_get_meta(p)->type);
    pack_close(p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Applying                                                            */

static void files_free(lfile *f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i].data);
}

/* Reads the locale rows of a checked locale pack; count or <0. */
static int read_files(sqlite3 *db, lfile *f, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int n = 0, rc = 0;
    if (sqlite3_prepare_v2(db, "SELECT name, data FROM media ORDER BY name", -1, &st, NULL) != SQLITE_OK)
        rc = FARO_EPACK;
    while (rc == 0 && n < LPACK_MAX_FILES && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const void *data = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        snprintf(f[n].name, sizeof f[n].name, "%s", name ? name : "");
        locale_name(f[n].name, f[n].lang, sizeof f[n].lang);
        f[n].len = len;
        f[n].data = malloc(len + 1);
        if (!f[n].data)
            rc = FARO_ENOMEM;
        else
            memcpy(f[n].data, data ? data : "", len), n++;
    }
    sqlite3_finalize(st);
    if (rc != 0) {
        files_free(f, n);
        snprintf(err, errlen, "%s: %s", path, rc == FARO_ENOMEM ? "out of memory" : "cannot read the pack");
    }
    return rc ? rc : n;
}

/* Loads every file into a scratch set: 0 when all are valid locales of
 * the language their name says. */
static int validate(const lfile *f, int n, const char *path, char *err, size_t errlen)
{
    loc_set *scratch = loc_new();
    int rc = scratch ? 0 : FARO_ENOMEM;
    char name[512];
    for (int i = 0; rc == 0 && i < n; i++) {
        snprintf(name, sizeof name, "%.400s:%.60s", path, f[i].name);
        rc = loc_load_buf(scratch, f[i].data, f[i].len, name, err, errlen);
        if (rc == 0 && (!loc_has(scratch, f[i].lang) || loc_count(scratch) != i + 1)) {
            snprintf(err, errlen, "%s: meta.lang is not '%s'", name, f[i].lang);
            rc = FARO_EPACK;
        }
    }
    if (!scratch)
        snprintf(err, errlen, "out of memory");
    loc_free(scratch);
    return rc;
}

/* lpack_apply_file on a pack lpack_check_pack found to be a locale pack. */
static int apply_checked(loc_set *L, pack *p, char *err, size_t errlen)
{
    lfile files[LPACK_MAX_FILES];
    const char *path = pack_name(p);
    int rc, n = read_files(pack_db(p), files, path, err, errlen);
    if (n < 0)
        return n;
    rc = validate(files, n, path, err, errlen);
    for (int i = 0; rc == 0 && i < n; i++) {
        char name[512];
        snprintf(name, sizeof name, "%.400s:%.60s", path, files[i].name);
        rc = loc_overlay_buf(L, files[i].data, files[i].len, name, err, errlen);
    }
    files_free(files, n);
    return rc ? rc : n;
}

int lpack_apply_pack(loc_set *L, pack *p, char *err, size_t errlen)
{
    int rc = lpack_check_pack(p, err, errlen);
    if (rc == 0 && strcmp(pack_get_meta(p)->type, "locale") != 0) {
        snprintf(err, errlen, "%s: not a locale pack (type %s)", pack_name(p),
                 pack_get_meta(p)->type);
        return FARO_EPACK;
    }
    return rc ? rc : apply_checked(L, p, err, errlen);
}

int lpack_apply_file(loc_set *L, const char *path, char *err, size_t errlen)
{
    pack *p = NULL;
    int rc = pack_open_file(path, PACK_QUICK_CHECK, &p, err, errlen);
    if (rc == 0)
        rc = lpack_apply_pack(L, p, err, errlen);
    pack_close(p);
    return rc;
}

static int is_pack_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".faro") && name[0] != '.';
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int lpack_apply_checked(loc_set *L, pack *p)
{
    char err[FARO_MAX_ERRLEN];
    if (strcmp(pack_get_meta(p)->type, "locale") != 0)
        return 0;
    int n = apply_checked(L, p, err, sizeof err);
    if (n < 0) {
        log_msg("translations: %s (skipped)", err);
        return 0;
    }
    log_msg("translations: %s applied (%d language%s)", pack_name(p), n, n == 1 ? "" : "s");
    return 1;
}

/* Checks one installed pack (one open) and applies it when it is a locale pack. */
static int apply_one(loc_set *L, const char *path)
{
    char err[FARO_MAX_ERRLEN];
    pack *p = NULL;
    int applied = 0;
    if (pack_open_file(path, PACK_QUICK_CHECK, &p, err, sizeof err) != 0 ||
        lpack_check_pack(p, err, sizeof err) != 0)
        log_msg("translations: %s", err);
    else
        applied = lpack_apply_checked(L, p);
    pack_close(p);
    return applied;
}

int lpack_apply_dir(loc_set *L, const char *dir)
{
    char *names[FARO_MAX_PACKS];
    int n = 0, applied = 0;
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) && n < FARO_MAX_PACKS;)
        if (is_pack_name(e->d_name) && (names[n] = strdup(e->d_name)))
            n++;
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        applied += apply_one(L, path);
        free(names[i]);
    }
    return applied;
}

loc_set *lpack_reload(const char *locales_dir, const char *packs_dir)
{
    loc_set *L = loc_new();
    if (!L)
        return NULL;
    loc_load_dir(L, locales_dir);
    if (packs_dir)
        lpack_apply_dir(L, packs_dir);
    return L;
}
