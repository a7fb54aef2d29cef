/*
 * sig_sign.c — the signing half of sig: minisign secret keys (plain or
 * scrypt-encrypted), key generation and signatures.
 *
 * Only faro-pack links this file: a kiosk verifies and never holds a
 * secret key, so it carries no code that could make one.  Secrets are
 * wiped as soon as they are used; key and signature files are written
 * with fsio_write (whole or not at all), and a secret key file is never
 * overwritten.
 */
#include "sig_sign.h"
#include "faro.h"
#include "fsio.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#define SIG_SECKEY_BYTES  158
#define SIG_KDF_STREAM    104          /* keynum + sk + chk, XORed when encrypted */

/* ---------------------------------------------------------------- secret keys */

void sig_seckey_wipe(sig_seckey *sk)
{
    if (sk)
        sodium_memzero(sk, sizeof *sk);
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* BLAKE2b-256 of "Ed" || keynum || sk, minisign's secret key checksum. */
static void seckey_chk(const unsigned char *keynum, const unsigned char *sk, unsigned char chk[32])
{
    crypto_generichash_state hs;
    crypto_generichash_init(&hs, NULL, 0, 32);
    crypto_generichash_update(&hs, (const unsigned char *)"Ed", 2);
    crypto_generichash_update(&hs, keynum, SIG_KEYNUM_BYTES);
    crypto_generichash_update(&hs, sk, SIG_SK_BYTES);
    crypto_generichash_final(&hs, chk, 32);
}

/* Undoes minisign's scrypt encryption of blob[54..158) in place. */
static int decrypt_seckey(unsigned char *blob, const char *password, char *err, size_t errlen)
{
    unsigned char stream[SIG_KDF_STREAM], chk[32];
    int rc = 0;
    if (!password)
        return faro_fail(err, errlen, FARO_ESIG, "the secret key is protected by a password "
                    "(set FARO_PACK_PASSWORD or type it when asked)");
    if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof stream, password, strlen(password),
                                           blob + 6, le64(blob + 38), (size_t)le64(blob + 46)) != 0)
        return faro_fail(err, errlen, FARO_ENOMEM, "not enough memory to decrypt the secret key");
    for (size_t i = 0; i < sizeof stream; i++)
        blob[54 + i] ^= stream[i];
    seckey_chk(blob + 54, blob + 62, chk);
    if (sodium_memcmp(chk, blob + 126, sizeof chk) != 0)
        rc = faro_fail(err, errlen, FARO_ESIG, "wrong password for the secret key");
    sodium_memzero(stream, sizeof stream);
    return rc;
}

static int parse_seckey(unsigned char *blob, const char *password, sig_seckey *sk,
                        char *err, size_t errlen)
{
    static const unsigned char none[2] = { 0, 0 };
    int rc = 0;
    if (memcmp(blob, "Ed", 2) != 0 || memcmp(blob + 4, "B2", 2) != 0)
        return faro_fail(err, errlen, FARO_EPARSE, "not an Ed25519 minisign secret key");
    if (memcmp(blob + 2, "Sc", 2) == 0)
        rc = decrypt_seckey(blob, password, err, errlen);
    else if (memcmp(blob + 2, none, 2) != 0)
        rc = faro_fail(err, errlen, FARO_EPARSE, "unknown key derivation in the secret key");
    if (rc == 0) {
        memcpy(sk->keynum, blob + 54, SIG_KEYNUM_BYTES);
        memcpy(sk->sk, blob + 62, SIG_SK_BYTES);
    }
    return rc;
}

int sig_seckey_load(const char *path, const char *password, sig_seckey *sk,
                    char *err, size_t errlen)
{
    char *buf = NULL, why[FARO_MAX_ERRLEN];
    const char *line[SIG_MAX_LINES];
    size_t llen[SIG_MAX_LINES];
    unsigned char blob[SIG_SECKEY_BYTES];
    long n;
    int rc;
    if ((rc = sig_init(err, errlen)) != 0)
        return rc;
    n = fsio_read(path, SIG_FILE_MAX, FSIO_NOFOLLOW, &buf, err, errlen);
    if (n < 0)
        return n == FARO_ENOTFOUND ? FARO_EIO : (int)n;
    if (sig_split_lines(buf, (size_t)n, line, llen) != 2 ||
        sig_unbase64(line[1], llen[1], blob, sizeof blob) != 0)
        rc = faro_fail(err, errlen, FARO_EPARSE, "%s: not a minisign secret key", path);
    else if ((rc = parse_seckey(blob, password, sk, why, sizeof why)) != 0)
        faro_fail(err, errlen, rc, "%s: %s", path, why);
    sodium_memzero(buf, (size_t)n);
    free(buf);
    sodium_memzero(blob, sizeof blob);
    return rc;
}

/* Writes a new file: refused when path exists (a key is never overwritten). */
static int write_new(const char *path, const char *text, int mode, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(EEXIST));
    return fsio_write(path, text, strlen(text), mode, err, errlen);
}

/* Formats the secret key file text of (keynum, sk), unencrypted. */
static void seckey_text(const unsigned char *keynum, const unsigned char *sk, char *text,
                        size_t size)
{
    unsigned char blob[SIG_SECKEY_BYTES] = { 'E', 'd', 0, 0, 'B', '2' };
    size_t head = strlen("untrusted comment: minisign encrypted secret key\n");
    memcpy(blob + 54, keynum, SIG_KEYNUM_BYTES);
    memcpy(blob + 62, sk, SIG_SK_BYTES);
    seckey_chk(keynum, sk, blob + 126);
    snprintf(text, size, "untrusted comment: minisign encrypted secret key\n");
    sodium_bin2base64(text + head, size - head, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
    strcat(text, "\n");
    sodium_memzero(blob, sizeof blob);
}

int sig_keygen(const char *pub_path, const char *sec_path, char *err, size_t errlen)
{
    sig_pubkey pk;
    unsigned char sk[SIG_SK_BYTES];
    char sec[512], pub[256], b64[64], id[SIG_KEYID_LEN + 1];
    int rc;
    if ((rc = sig_init(err, errlen)) != 0)
        return rc;
    randombytes_buf(pk.keynum, sizeof pk.keynum);
    crypto_sign_ed25519_keypair(pk.pk, sk);
    seckey_text(pk.keynum, sk, sec, sizeof sec);
    sodium_memzero(sk, sizeof sk);
    sig_pubkey_base64(&pk, b64, sizeof b64);
    sig_keyid_hex(pk.keynum, id);
    snprintf(pub, sizeof pub, "untrusted comment: minisign public key %s\n%s\n", id, b64);
    rc = write_new(sec_path, sec, 0600, err, errlen);
    sodium_memzero(sec, sizeof sec);
    if (rc == 0 && (rc = fsio_write(pub_path, pub, strlen(pub), 0644, err, errlen)) != 0)
        unlink(sec_path);
    return rc;
}

/* ---------------------------------------------------------------- signing */

static int comment_ok(const char *c)
{
    return strlen(c) <= SIG_COMMENT_MAX && !strpbrk(c, "\r\n");
}

int sig_sign_hash(const sig_seckey *sk, const unsigned char hash[SIG_HASH_BYTES],
                  const char *trusted_comment, char *buf, size_t size,
                  char *err, size_t errlen)
{
    unsigned char blob[SIG_SIGBLOB_BYTES] = { 'E', 'D' }, global[SIG_BYTES];
    unsigned char msg[SIG_BYTES + SIG_COMMENT_MAX];
    char b64blob[128], b64global[128];
    size_t clen = strlen(trusted_comment);
    int rc;
    if ((rc = sig_init(err, errlen)) != 0)
        return rc;
    if (!comment_ok(trusted_comment))
        return faro_fail(err, errlen, FARO_EINVAL, "the trusted comment must be one line of at "
                    "most %d bytes", SIG_COMMENT_MAX);
    memcpy(blob + 2, sk->keynum, SIG_KEYNUM_BYTES);
    crypto_sign_ed25519_detached(blob + 10, NULL, hash, SIG_HASH_BYTES, sk->sk);
    memcpy(msg, blob + 10, SIG_BYTES);
    memcpy(msg + SIG_BYTES, trusted_comment, clen);
    crypto_sign_ed25519_detached(global, NULL, msg, SIG_BYTES + clen, sk->sk);
    sodium_bin2base64(b64blob, sizeof b64blob, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64global, sizeof b64global, global, sizeof global,
                      sodium_base64_VARIANT_ORIGINAL);
    if ((size_t)snprintf(buf, size, "untrusted comment: signature from faro-pack secret key\n"
                         "%s\ntrusted comment: %s\n%s\n", b64blob, trusted_comment,
                         b64global) >= size)
        return faro_fail(err, errlen, FARO_ELIMIT, "signature buffer too small");
    return 0;
}

int sig_sign_file(const sig_seckey *sk, const char *path, const char *sig_path,
                  const char *trusted_comment, char *err, size_t errlen)
{
    unsigned char hash[SIG_HASH_BYTES];
    char text[SIG_FILE_MAX], comment[SIG_COMMENT_MAX + 1];
    const char *base = strrchr(path, '/');
    int rc;
    if ((rc = sig_hash_file(path, FARO_MAX_PACK_BYTES, hash, err, errlen)) != 0)
        return rc;
    if (!trusted_comment) {
        snprintf(comment, sizeof comment, "timestamp:%lld\tfile:%s\thashed",
                 (long long)time(NULL), base ? base + 1 : path);
        trusted_comment = comment;
    }
    if ((rc = sig_sign_hash(sk, hash, trusted_comment, text, sizeof text, err, errlen)) != 0)
        return rc;
    return fsio_write(sig_path, text, strlen(text), 0644, err, errlen);
}
