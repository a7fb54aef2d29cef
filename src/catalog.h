/*
 * catalog.h — the signed list of packs a web mirror offers.
 *
 * A mirror is a folder on any static web server:
 *
 *   catalog              this text file (format below), at most CATALOG_MAX_BYTES
 *   catalog.minisig      its minisign signature, made with a publisher key
 *   packs/ID-VERSION.faro and .faro.minisig   the packs, signed like USB packs
 *
 * The catalog is line oriented, UTF-8 without BOM, '\n' line ends:
 *
 *   faro-catalog 1
 *   version 1767225600
 *   expires 2027-01-31T00:00:00Z
 *   pack org.faro.default 3 base 1843200 <128 hex: BLAKE2b-512> packs/org.faro.default-3.faro
 *
 * `version` is an integer that only ever goes up (faro-pack publish writes
 * max(previous + 1, seconds since 1970)); a kiosk refuses a catalog older
 * than the last it accepted (a replayed or frozen mirror) and one whose
 * `expires` (UTC) has passed.  Each `pack` line gives id, version, layer,
 * size in bytes, hash and path relative to the mirror root; the pack's own
 * signature is at the same path + ".minisig".  Unknown line keywords are
 * refused (format 1 has no extensions), so a typo is never silently
 * ignored.
 */
#ifndef FARO_CATALOG_H
#define FARO_CATALOG_H

#include <stddef.h>
#include "faro.h"

#define CATALOG_FORMAT      1
#define CATALOG_MAX_BYTES   (256u << 10)   /* the catalog file */
#define CATALOG_MAX_SIG     4096           /* catalog.minisig and pack .minisig */
#define CATALOG_MAX_ENTRIES 1024           /* pack lines in one catalog */
#define CATALOG_MAX_PATH    200            /* path of a pack inside the mirror */
#define CATALOG_HASH_HEX    128            /* BLAKE2b-512 as lower-case hex */

typedef struct catalog_entry {
    char id[FARO_MAX_ID_LEN + 1];
    long version;
    char layer[16];
    unsigned long long size;
    char hash_hex[CATALOG_HASH_HEX + 1];
    char path[CATALOG_MAX_PATH + 1];
} catalog_entry;

typedef struct catalog catalog;

/* Results of catalog_check_fresh (positive: not errors of the code, a
 * verdict on a well-formed catalog). */
enum catalog_fresh { CATALOG_FRESH = 0, CATALOG_OLD = 1, CATALOG_EXPIRED = 2 };

/*
 * Parses len bytes of catalog text.  Returns a catalog the caller frees
 * with catalog_free, or NULL with err naming the line and the problem
 * ("catalog:4: bad hash") when the text is malformed or over a bound.
 * The bytes are not checked for a signature here: see catalog_verify.
 */
catalog *catalog_parse(const char *buf, size_t len, char *err, size_t errlen);
void catalog_free(catalog *c);                        /* accepts NULL */

long long catalog_version(const catalog *c);
long long catalog_expires(const catalog *c);         /* seconds since 1970, UTC */
int catalog_count(const catalog *c);
const catalog_entry *catalog_at(const catalog *c, int i);   /* i in [0, count) */

/*
 * Is the catalog acceptable now?  CATALOG_OLD when its version is lower
 * than last_version (the highest accepted before; 0 for none), then
 * CATALOG_EXPIRED when `now` (seconds since 1970) is past its expiry;
 * CATALOG_FRESH otherwise.  An equal version is fresh (a second mirror
 * serving the same catalog).  err says which and by how much.
 */
int catalog_check_fresh(const catalog *c, long long last_version, long long now,
                        char *err, size_t errlen);

/*
 * Does `id` match one of the n subscription patterns?  A pattern is an
 * exact id ("org.faro.default"), a prefix ending in '*' ("org.example.*"),
 * or "*" for everything.  n == 0 subscribes to nothing.
 */
int catalog_subscribed(const char *id, const char *const *patterns, int n);

/* 1 when e would be written and parsed back as it is (every field within
 * its bounds and syntax), else 0. */
int catalog_entry_valid(const catalog_entry *e);

/* Formats a time as "YYYY-MM-DDTHH:MM:SSZ" (buf >= 21 bytes). */
void catalog_time_str(long long t, char *buf, size_t size);

#endif
