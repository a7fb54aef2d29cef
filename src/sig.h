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
 *
 * This header is the verifying half, which both programs link.  Secret
 * keys, key generation and signing are sig_sign.h (faro-pack only).
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
#define SIG_SIGBLOB_BYTES 74    /* "ED" keynum[8] sig[64], line 2 of a .minisig */

typedef struct sig_pubkey {
    unsigned char keynum[SIG_KEYNUM_BYTES];
    unsigned char pk[SIG_PK_BYTES];
} sig_pubkey;

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

/* The text helpers sig.c and sig_sign.c share.  sig_init starts
 * libsodium: 0 or FARO_EIO.  sig_split_lines splits text into at most
 * SIG_MAX_LINES lines (pointers into text, lengths without the line end,
 * "\r\n" accepted, trailing empty lines dropped): the count, or -1 for
 * more lines or a NUL byte.  sig_unbase64 decodes exactly `want` bytes of
 * base64: 0 or -1. */
#define SIG_MAX_LINES 4
int sig_init(char *err, size_t errlen);
int sig_split_lines(const char *text, size_t len, const char **line, size_t *llen);
int sig_unbase64(const char *b64, size_t len, unsigned char *out, size_t want);

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
