/*
 * keypack.h — writes key packs (faro-pack keypack); trust.h reads them.
 */
#ifndef FARO_KEYPACK_H
#define FARO_KEYPACK_H

#include <stddef.h>
#include "sig.h"

/* One change a key pack makes. */
typedef struct keypack_change {
    int revoke;                         /* 1: revoke key_id; 0: add pub with scopes */
    char key_id[SIG_KEYID_LEN + 1];
    sig_pubkey pub;                     /* add only */
    char scopes[512];                   /* add only: patterns separated by spaces */
} keypack_change;

/*
 * Writes a key pack (Faro schema, type keys, layer base) to out through
 * out.tmp (fsync'd, renamed, folder fsync'd): meta key.<ID> = public key,
 * scope.<ID> = patterns, revoke.<ID> = "revoked".  Returns 0 or <0 with
 * err set; on failure out is unchanged and out.tmp is gone.
 */
int keypack_write(const char *out, const char *id, long version,
                  const keypack_change *changes, int n, char *err, size_t errlen);

#endif
