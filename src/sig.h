/*
 * sig.h — minisign-compatible Ed25519 keys and signatures (libsodium).
 *
 * Formats are minisign's, so an NGO may sign with Debian's `minisign` and a
 * kiosk verifies, or the other way round:
 *   public key  "untrusted comment: ...\n" + base64("Ed" keynum[8] pk[32])
 *   secret key  "untrusted comment: ...\n" + base64 of 158 bytes: "Ed",
 *               kdf "\0\0" (none) or "Sc" (scrypt), "B2", salt[32],
 *               opslimit[8], memlimit[8], keynum[8], sk[64], chk[32]
 *   signature   "untrusted comment: ...\n" + base64("ED" keynum[8] sig[64])
 *               + "\ntrusted comment: TEXT\n" + base64(global_sig[64]) + "\n"
 * where sig is Ed25519 over BLAKE2b-512 of the file ("ED", prehashed) and
 * global_sig is Ed25519 over sig[64] || TEXT.  Legacy "Ed" signatures (over
 * the raw file) are refused with a message saying so.
 *
 * Key ids are shown as minisign shows them: the 8 key-number bytes read as
 * a little-endian integer, 16 upper-case hex digits.
 */
#ifndef FARO_SIG_H
#define FARO_SIG_H

#include <stddef.h>

#define SIG_KEYNUM_BYTES 8
#define SIG_PK_BYTES     32
#define SIG_SK_BYTES     64
#define SIG_BYTES        64
#define SIG_HASH_BYTES   64     /* BLAKE2b-512 */
#define SIG_COMMENT_MAX  1024   /* trusted comment, bytes */
#define SIG_FILE_MAX     4096   /* a .minisig, a .pub or a secret key file */
#define SIG_KEYID_LEN    16     /* hex digits of a key id */

typedef struct sig_pubkey {
    unsigned char keynum[SIG_KEYNUM_BYTES];
    unsigned char pk[SIG_PK_BYTES];
} sig_pubkey;

typedef struct sig_seckey {
    unsigned char keynum[SIG_KEYNUM_BYTES];
    unsigned char sk[SIG_SK_BYTES];     /* libsodium's: seed then public key */
} sig_seckey;

typedef struct sig_signature {
    unsigned char keynum[SIG_KEYNUM_BYTES];
    unsigned char sig[SIG_BYTES];
    unsigned char global_sig[SIG_BYTES];
    char trusted[SIG_COMMENT_MAX + 1];  /* the trusted comment (signed) */
} sig_signature;

/* Writes the key id of keynum as 16 upper-case hex digits + NUL. */
void sig_keyid_hex(const unsigned char keynum[SIG_KEYNUM_BYTES], char out[SIG_KEYID_LEN + 1]);

/* Parses a public key: the whole .pub file text, or its base64 line alone.
 * Returns 0, or FARO_EPARSE with err saying what is wrong. */
int sig_pubkey_parse(const char *text, size_t len, sig_pubkey *pk, char *err, size_t errlen);

/* Reads and parses a .pub file (at most SIG_FILE_MAX bytes, a regular file).
 * Returns 0, FARO_EIO, FARO_ELIMIT or FARO_EPARSE with err naming the file. */
int sig_pubkey_load(const char *path, sig_pubkey *pk, char *err, size_t errlen);

/* The base64 line of a public key ("RW..."), NUL-terminated, into buf
 * (at least 57 bytes).  Returns 0 or FARO_ELIMIT when buf is too small. */
int sig_pubkey_base64(const sig_pubkey *pk, char *buf, size_t size);

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
 * BLAKE2b-512 of everything readable from fd (from its current offset to
 * end of file), streamed in fixed chunks.  Refuses more than max_bytes
 * (FARO_ELIMIT).  Returns 0 and sets *nbytes (may be NULL), or FARO_EIO.
 */
int sig_hash_fd(int fd, unsigned long long max_bytes, unsigned char hash[SIG_HASH_BYTES],
                unsigned long long *nbytes, char *err, size_t errlen);

/* The same over the file at path (a regular file). */
int sig_hash_file(const char *path, unsigned long long max_bytes,
                  unsigned char hash[SIG_HASH_BYTES], char *err, size_t errlen);

/* Lower-case hex of a hash: 128 digits + NUL. */
void sig_hash_hex(const unsigned char hash[SIG_HASH_BYTES], char out[2 * SIG_HASH_BYTES + 1]);

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

/* Parses signature text.  Returns 0, or FARO_ESIG with err saying what is
 * wrong (not minisign, legacy unhashed signature, comment too long...). */
int sig_parse(const char *text, size_t len, sig_signature *s, char *err, size_t errlen);

/* Reads and parses a .minisig file (regular, at most SIG_FILE_MAX bytes).
 * A missing file is FARO_ENOTFOUND; others FARO_EIO, FARO_ELIMIT, FARO_ESIG. */
int sig_load(const char *path, sig_signature *s, char *err, size_t errlen);

/*
 * Checks signature s made by key pk over a file whose BLAKE2b-512 is hash:
 * key ids must match (checked first), then the signature, then the global
 * signature over the trusted comment.  Returns 0, or FARO_ESIG with err
 * saying which check failed.
 */
int sig_verify_hash(const sig_signature *s, const sig_pubkey *pk,
                    const unsigned char hash[SIG_HASH_BYTES], char *err, size_t errlen);

#endif
