/*
 * sig_sign.h — the signing half of sig.h: secret keys, key generation and
 * signatures.  Only faro-pack links it (sig_sign.c); the kiosk verifies.
 */
#ifndef FARO_SIG_SIGN_H
#define FARO_SIG_SIGN_H

#include "sig.h"

typedef struct sig_seckey {
    unsigned char keynum[SIG_KEYNUM_BYTES];
    unsigned char sk[SIG_SK_BYTES];     /* libsodium's: seed then public key */
} sig_seckey;

/*
 * Reads a minisign secret key file.  An unencrypted key (minisign -W,
 * faro-pack keygen) needs no password; an encrypted one needs `password`
 * (NULL: refused with a message saying a password is needed).  Returns 0,
 * or FARO_EIO/FARO_EPARSE/FARO_ESIG (wrong password) with err set.  The
 * caller wipes *sk with sig_seckey_wipe when done.
 */
int sig_seckey_load(const char *path, const char *password, sig_seckey *sk,
                    char *err, size_t errlen);
void sig_seckey_wipe(sig_seckey *sk);

/*
 * Creates a new key pair: pub_path (mode 0644) and sec_path (mode 0600,
 * unencrypted, refused if it already exists).  Returns 0 or a negative
 * FARO_E* code with err set; on failure neither file is left behind.
 */
int sig_keygen(const char *pub_path, const char *sec_path, char *err, size_t errlen);

/*
 * Writes the minisign signature text of a file whose BLAKE2b-512 is hash,
 * with the given trusted comment (no line breaks, at most SIG_COMMENT_MAX
 * bytes), into buf.  Returns 0, FARO_EINVAL (bad comment) or FARO_ELIMIT.
 */
int sig_sign_hash(const sig_seckey *sk, const unsigned char hash[SIG_HASH_BYTES],
                  const char *trusted_comment, char *buf, size_t size,
                  char *err, size_t errlen);

/*
 * Signs the file at path and writes sig_path (through sig_path.tmp, fsync'd
 * and renamed).  trusted_comment NULL: "timestamp:T\tfile:NAME\thashed" as
 * minisign writes it.  Returns 0 or a negative FARO_E* code with err set.
 */
int sig_sign_file(const sig_seckey *sk, const char *path, const char *sig_path,
                  const char *trusted_comment, char *err, size_t errlen);

#endif
