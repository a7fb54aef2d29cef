/*
 * pack.h — one Faro pack opened for reading: the only place a pack file (or
 * the embedded pack in memory) becomes a SQLite connection.
 *
 * A pack is untrusted input, even a signed one.  pack_open_file and
 * pack_open_memory open it read-only and hardened before SQLite reads its
 * schema, check the database header against the real length, check that
 * sqlite_schema holds exactly what schema.h's SCHEMA_SQL creates (no
 * views, triggers, indexes or extra tables), optionally run quick_check,
 * and read and check the meta table.  What comes back has passed every
 * check; the store, the installer, translation packs, trust and faro-pack
 * all open packs here, so they all see one set of rules.
 *
 * A pack handle is reference counted (pack_ref / pack_close) so that the
 * shelf can keep one open pack in several stores; its connection is
 * serialized (SQLite's FULLMUTEX), so two stores on two threads may read
 * it at the same time.
 */
#ifndef FARO_PACK_H
#define FARO_PACK_H

#include <stddef.h>
#include "faro.h"

typedef struct pack pack;
typedef struct sqlite3 sqlite3;

/* pack_open_* flags */
enum {
    PACK_QUICK_CHECK = 1,      /* run PRAGMA quick_check over every page (files on an SD card) */
};

#define PACK_MAX_META_ROWS  10000   /* rows read from one pack's meta table */
#define PACK_MAX_MEDIA_ROWS 100000  /* rows listed from one pack's media table */

/* The meta keys every module asks for, read once at open. */
typedef struct pack_meta {
    char id[FARO_MAX_ID_LEN + 1];
    long version;
    char layer[16], type[16];  /* base|site, content|locale|keys */
    char expires[16];          /* YYYY-MM-DD or "" */
    char expiry_hides[8];      /* "true" or "" */
    char created[48];          /* ISO 8601 UTC or "" */
} pack_meta;

/*
 * Opens the pack file at path, hardened, and checks it (header, exact
 * schema, meta; quick_check when flags has PACK_QUICK_CHECK).  Returns 0
 * and *out (one reference: pack_close), or a negative FARO_E* code with
 * err naming the file and the reason (FARO_EIO unreadable, FARO_ELIMIT too
 * big, FARO_EPACK not a valid pack, FARO_ENOMEM); *out is NULL then.
 */
int pack_open_file(const char *path, int flags, pack **out, char *err, size_t errlen);

/*
 * The same for a pack held in memory (the embedded default): data must
 * outlive the handle and is never written; name is used in messages.
 */
int pack_open_memory(const void *data, size_t len, const char *name, int flags, pack **out,
                     char *err, size_t errlen);

/* Takes one more reference to p (thread-safe); returns p. */
pack *pack_ref(pack *p);

/* Drops one reference; the last one closes the connection (accepts NULL). */
void pack_close(pack *p);

/* The hardened connection, borrowed for as long as a reference is held.
 * Callers prepare their own statements and finalize them before their
 * reference goes. */
sqlite3 *pack_db(const pack *p);

/* The path or name the pack was opened from. */
const char *pack_name(const pack *p);

/* The meta keys read at open (checked: format, id, version, layer, type). */
const pack_meta *pack_get_meta(const pack *p);

/* Copies meta[key] into buf ("" when absent).  0, or FARO_ESQL. */
int pack_meta_value(pack *p, const char *key, char *buf, size_t len);

/*
 * Calls fn(user, key, value) for every meta row, in key order (at most
 * PACK_MAX_META_ROWS), until fn returns non-zero.  Returns 0, FARO_ELIMIT
 * or FARO_EPACK with err set.
 */
typedef int (*pack_meta_fn)(void *user, const char *key, const char *value);
int pack_meta_each(pack *p, pack_meta_fn fn, void *user, char *err, size_t errlen);

/*
 * The media row `name`: *bytes is a malloc'd copy (the caller frees it,
 * NUL-terminated past len for text), *len its size, and mime (may be
 * NULL) its type.  Returns 0, FARO_ENOTFOUND, FARO_ENOMEM or FARO_ESQL
 * (a row over SQLite's length limit) with err set.
 */
int pack_media_get(pack *p, const char *name, void **bytes, size_t *len, char *mime,
                   size_t mimelen, char *err, size_t errlen);

/*
 * Calls fn(user, name, mime, len) for every media row in name order (at
 * most PACK_MAX_MEDIA_ROWS) until fn returns non-zero.  Returns 0 or a
 * negative FARO_E* code with err set.
 */
typedef int (*pack_media_fn)(void *user, const char *name, const char *mime, size_t len);
int pack_media_list(pack *p, pack_media_fn fn, void *user, char *err, size_t errlen);

/* 1 when path is still the very file p was opened from (same device,
 * inode, size and modification time), 0 otherwise (or for memory packs). */
int pack_same_file(const pack *p, const char *path);

/* Packs opened (connections made) by this process so far: the bench
 * counts them per install.  Thread-safe. */
long pack_open_count(void);

#endif
