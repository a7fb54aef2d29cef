/*
 * trust.h — which publisher keys a kiosk trusts, and for which pack ids.
 *
 * data_dir/keys/ holds (format in trust.c and README "Trust"):
 *   NAME.pub     a minisign public key, placed by the administrator
 *   NAME.scope   what that key may sign: "scope PATTERN" lines, and
 *                "root" for a key that may sign key packs
 *   ID.faro      installed key packs (type keys, signed by a root key),
 *                whose meta rows add keys with scopes or revoke keys
 * A pattern is a pack id ("org.example.kiosk"), a family
 * ("org.example.*": every id starting "org.example.") or "*".
 */
#ifndef FARO_TRUST_H
#define FARO_TRUST_H

#include <stddef.h>
#include "faro.h"
#include "sig.h"

#define TRUST_MAX_KEYS    64
#define TRUST_MAX_SCOPES  16
#define TRUST_MAX_REVOKED 256
#define TRUST_SOURCE_LEN  256

typedef struct trust trust;

typedef struct trust_key {
    sig_pubkey pk;
    char id[SIG_KEYID_LEN + 1];         /* as minisign shows it */
    int root;                           /* may sign key packs */
    int nscopes;
    char scopes[TRUST_MAX_SCOPES][FARO_MAX_ID_LEN + 3];
    char source[TRUST_SOURCE_LEN];      /* file or key pack it came from */
} trust_key;

/*
 * Loads the trust store in keys_dir: key files first, then key packs in
 * id order, then their revocations.  A broken key file or key pack is
 * logged and skipped (the kiosk keeps the keys it can read).  Returns
 * NULL only when out of memory (err set).  A missing folder is an empty
 * store: nothing is trusted.
 */
trust *trust_open(const char *keys_dir, char *err, size_t errlen);
void trust_free(trust *t);                                  /* accepts NULL */

/* Number of usable keys and the i-th one (NULL when out of range). */
int trust_count(const trust *t);
const trust_key *trust_key_at(const trust *t, int i);

/*
 * The key with this key number, or NULL.  When NULL, err says whether the
 * key is unknown or was revoked (and by which key pack).
 */
const trust_key *trust_lookup(const trust *t, const unsigned char keynum[SIG_KEYNUM_BYTES],
                              char *err, size_t errlen);

/* 1 when pattern covers pack id, else 0 (see the header comment). */
int trust_scope_match(const char *pattern, const char *id);

/*
 * May key k sign pack `id` of `type` (content, locale, keys)?  Key packs
 * need a root key; other packs need a scope covering id.  Returns 0, or
 * FARO_ESIG with err naming the key, the id and the key's scopes.
 */
int trust_allows(const trust_key *k, const char *id, const char *type, char *err, size_t errlen);

/*
 * Calls fn(user, key, value) for every row of the meta table of the pack
 * at path, opened and checked by pack_open_file (no quick_check), in key
 * order.  Stops early when fn returns non-zero.
 * Returns 0, or a negative FARO_E* code with err set.
 */
typedef int (*trust_meta_fn)(void *user, const char *key, const char *value);
int trust_pack_meta(const char *path, trust_meta_fn fn, void *user, char *err, size_t errlen);

#endif
