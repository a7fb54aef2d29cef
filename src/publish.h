/*
 * publish.h — writes a web mirror (catalog + packs) for kiosks to poll:
 * the work behind `faro-pack publish`.  faro-pack only; the kiosk reads
 * mirrors with catalog.h and sync.h.
 */
#ifndef FARO_PUBLISH_H
#define FARO_PUBLISH_H

#include "catalog.h"
#include "sig_sign.h"

typedef struct publish_opts {
    const char *in_dir;             /* the *.faro packs (and .minisig) to publish */
    const char *out_dir;            /* the mirror folder, created when missing */
    long long version;              /* 0: max(previous + 1, now) */
    long long expires_s;            /* lifetime from now (negative: already expired) */
} publish_opts;

typedef struct publish_result {
    long long version;              /* the catalog version written */
    int packs;                      /* entries it lists */
} publish_result;

/*
 * Writes the catalog text for `version`, `expires` and the n entries into
 * a malloc'd NUL-terminated buffer (*out, caller frees) and returns its
 * length, or a negative FARO_E* code (FARO_ELIMIT past the bounds,
 * FARO_EINVAL for an entry that would not parse back).
 */
long publish_catalog_text(long long version, long long expires, const catalog_entry *e, int n,
                          char **out, char *err, size_t errlen);

/*
 * Writes or updates the mirror o->out_dir from the *.faro packs in
 * o->in_dir.  Each pack must open in the store; it is copied to
 * OUT/packs/ID-VERSION.faro with its .minisig (IN's, or a new one made
 * with sk); for two versions of one id the higher is listed.  Then the
 * catalog is written and signed with sk, and the signature and the
 * catalog are renamed into place, packs first.  Fills *res.  Returns 0,
 * FARO_EPACK/FARO_EPARSE for a pack the kiosk would refuse, or another
 * negative FARO_E* code, with err set.
 */
int publish_mirror(const publish_opts *o, const sig_seckey *sk, publish_result *res,
                   char *err, size_t errlen);

#endif
