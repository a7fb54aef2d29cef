/*
 * install.h — the one door through which packs reach the kiosk, whether
 * they came on a USB stick or from a web mirror.
 *
 * A pack travels as two files: NAME.faro (the SQLite database) and
 * NAME.faro.minisig (its minisign signature: Ed25519 over BLAKE2b-512 of
 * the file, plus a signed trusted comment).  install_pack copies both into
 * data_dir/staging, fsyncs, verifies the staged copy (key id known, key's
 * scope covers the pack id, signature, version higher than any seen, size
 * limits), opens it read-only and hardened, renames it into data_dir/packs
 * and fsyncs the folder, then records the version in the state database.
 * The invariants and the state diagram are at the top of install.c.
 */
#ifndef FARO_INSTALL_H
#define FARO_INSTALL_H

#include <stddef.h>
#include "state.h"

typedef struct installer installer;

/* Progress of one install, for the screen: called from the installing
 * thread; `done` and `total` are bytes copied so far and in all. */
typedef void (*install_progress_fn)(void *user, const char *pack_name,
                                    unsigned long long done, unsigned long long total);

typedef struct install_result {
    char id[65];               /* pack id from its meta table ("" if unknown) */
    long version;
    char layer[16], type[16];  /* base|site, content|locale|keys */
    int code;                  /* 0 installed, or a negative FARO_E* code */
    char reason[512];          /* plain-words reason when refused */
} install_result;

/*
 * Opens the installer on data_dir (creates packs/, staging/, keys/ as
 * needed) and removes any leftovers in staging (a power cut mid-install).
 * `st` may be NULL (no version memory: only for tests that say so).
 * Returns NULL with err set on failure.
 */
installer *install_open(const char *data_dir, state *st, char *err, size_t errlen);
void install_close(installer *in);                     /* accepts NULL */

/*
 * Installs the pack at pack_path with its signature at sig_path (NULL:
 * pack_path + ".minisig").  The source may be on a read-only stick: it is
 * only read.  Fills *res (always) and returns res->code.  On any failure
 * the installed set is byte-for-byte unchanged.
 */
int install_pack(installer *in, const char *pack_path, const char *sig_path,
                 install_progress_fn progress, void *user, install_result *res);

/* Removes an installed pack by id (its recorded version stays). */
int install_remove(installer *in, const char *id, char *err, size_t errlen);

/* Folder of installed packs (data_dir/packs), for the store to open. */
const char *install_packs_dir(const installer *in);

#endif
