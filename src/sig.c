/*
 * sig.c — minisign's key and signature formats over libsodium's Ed25519.
 *
 * The idea: a pack is signed the way minisign signs any file (Ed25519 over
 * the file's BLAKE2b-512, plus a second signature binding the trusted
 * comment), so Faro never invents a signature format and NGOs can use the
 * Debian tool.  Everything here is bounded and checked in the order
 * OpenBSD's signify taught: small files only, parse strictly, compare the
 * key id before spending a signature check, wipe secrets after use.
 * Hashing streams the file in fixed chunks, so a 500 MB pack costs one
 * chunk of memory.  This file is the verifying half both programs link;
 * secret keys and signing are sig_sign.c (faro-pack only).
 */
#include "sig.h"
#include "faro.h"
#include "fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#define SIG_CHUNK        (1u << 20)   /* bytes hashed per read */
#define SIG_PUBKEY_BYTES 42

int sig_init(char *err, size_t errlen)
{
    if (sodium_init() < 0)
        return faro_fail(err, errlen, FARO_EIO, "libsodium could not start");
    return 0;
}

void sig_keyid_hex(const unsigned char keynum[SIG_KEYNUM_BYTES], char out[SIG_KEYID_LEN + 1])
{
    static const char hex[] = "0123456789ABCDEF";
    for (int i = 0; i < SIG_KEYNUM_BYTES; i++) {
        unsigned char b = keynum[SIG_KEYNUM_BYTES - 1 - i];
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    out[SIG_KEYID_LEN] = '\0';
}

void sig_hash_hex(const unsigned char hash[SIG_HASH_BYTES], char out[2 * SIG_HASH_BYTES + 1])
{
    sodium_bin2hex(out, 2 * SIG_HASH_BYTES + 1, hash, SIG_HASH_BYTES);
}

/* ---------------------------------------------------------------- text lines */

int sig_split_lines(const char *text, size_t len, const char **line, size_t *llen)
{
    int n = 0;
    size_t i = 0;
    if (memchr(text, '\0', len))
        return -1;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len, l = end - i;
        if (n == SIG_MAX_LINES)
            return -1;
        if (l && text[i + l - 1] == '\r')
            l--;
        line[n] = text + i;
        llen[n++] = l;
        i = end + 1;
    }
    while (n > 0 && llen[n - 1] == 0)   /* trailing empty lines */
        n--;
    return n;
}

static int has_prefix(const char *str, size_t len, const char *prefix)
{
    size_t p = strlen(prefix);
    return len >= p && memcmp(str, prefix, p) == 0;
}

int sig_unbase64(const char *b64, size_t len, unsigned char *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, want, b64, len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    return got == want && end == b64 + len ? 0 : -1;
}

/* ---------------------------------------------------------------- public keys */

int sig_pubkey_parse(const char *text, size_t len, sig_pubkey *pk, char *err, size_t errlen)
{
    const char *line[SIG_MAX_LINES];
    size_t llen[SIG_MAX_LINES];
    unsigned char blob[SIG_PUBKEY_BYTES];
    int n = sig_split_lines(text, len, line, llen), k;
    if (n < 1 || n > 2)
        return faro_fail(err, errlen, FARO_EPARSE, "not a minisign public key");
    k = n - 1;
    if (n == 2 && !has_prefix(line[0], llen[0], "untrusted comment:"))
        return faro_fail(err, errlen, FARO_EPARSE, "not a minisign public key: first line is "
                    "not an untrusted comment");
    if (sig_unbase64(line[k], llen[k], blob, sizeof blob) != 0)
        return faro_fail(err, errlen, FARO_EPARSE, "not a minisign public key: bad base64");
    if (blob[0] != 'E' || blob[1] != 'd')
        return faro_fail(err, errlen, FARO_EPARSE, "not an Ed25519 minisign public key");
    memcpy(pk->keynum, blob + 2, SIG_KEYNUM_BYTES);
    memcpy(pk->pk, blob + 2 + SIG_KEYNUM_BYTES, SIG_PK_BYTES);
    return 0;
}

int sig_pubkey_load(const char *path, sig_pubkey *pk, char *err, size_t errlen)
{
    char *buf, why[FARO_MAX_ERRLEN];
    long n = fsio_read(path, SIG_FILE_MAX, FSIO_NOFOLLOW, &buf, err, errlen);
    if (n < 0)
        return n == FARO_ENOTFOUND ? FARO_EIO : (int)n;
    int rc = sig_pubkey_parse(buf, (size_t)n, pk, why, sizeof why);
    free(buf);
    return rc ? faro_fail(err, errlen, FARO_EPARSE, "%s: %s", path, why) : 0;
}

int sig_pubkey_base64(const sig_pubkey *pk, char *buf, size_t size)
{
    unsigned char blob[SIG_PUBKEY_BYTES] = { 'E', 'd' };
    if (size < sodium_base64_ENCODED_LEN(SIG_PUBKEY_BYTES, sodium_base64_VARIANT_ORIGINAL))
        return FARO_ELIMIT;
    memcpy(blob + 2, pk->keynum, SIG_KEYNUM_BYTES);
    memcpy(blob + 2 + SIG_KEYNUM_BYTES, pk->pk, SIG_PK_BYTES);
    sodium_bin2base64(buf, size, blob, sizeof blob, sodium_base64_VARIANT_ORIGINAL);
    return 0;
}

/* ---------------------------------------------------------------- hashing */

int sig_hash_fd(int fd, unsigned long long max_bytes, unsigned char hash[SIG_HASH_BYTES],
                unsigned long long *nbytes, char *err, size_t errlen)
{
    crypto_generichash_state hs;
    unsigned long long total = 0;
    unsigned char *buf = malloc(SIG_CHUNK);
    ssize_t n;
    int rc = 0;
    if (!buf)
        return faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
    crypto_generichash_init(&hs, NULL, 0, SIG_HASH_BYTES);
    while ((n = read(fd, buf, SIG_CHUNK)) > 0) {
        total += (unsigned long long)n;
        if (total > max_bytes) {
            rc = faro_fail(err, errlen, FARO_ELIMIT, "more than %llu bytes", max_bytes);
            break;
        }
        crypto_generichash_update(&hs, buf, (unsigned long long)n);
    }
    if (n < 0 && rc == 0)
        rc = faro_fail(err, errlen, FARO_EIO, "read error: %s", strerror(errno));
    crypto_generichash_final(&hs, hash, SIG_HASH_BYTES);
    free(buf);
    if (nbytes)
        *nbytes = total;
    return rc;
}

int sig_hash_file(const char *path, unsigned long long max_bytes,
                  unsigned char hash[SIG_HASH_BYTES], char *err, size_t errlen)
{
    char why[FARO_MAX_ERRLEN];
    struct stat st;
    int rc, fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if ((rc = sig_init(err, errlen)) != 0)
        return rc;
    if (fd < 0)
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return faro_fail(err, errlen, FARO_EIO, "%s: not a regular file", path);
    }
    rc = sig_hash_fd(fd, max_bytes, hash, NULL, why, sizeof why);
    close(fd);
    if (rc != 0)
        faro_fail(err, errlen, rc, "%s: %s", path, why);
    return rc;
}

/* ---------------------------------------------------------------- verifying */

int sig_parse(const char *text, size_t len, sig_signature *s, char *err, size_t errlen)
{
    const char *line[SIG_MAX_LINES];
    size_t llen[SIG_MAX_LINES], tc = strlen("trusted comment: ");
    unsigned char blob[SIG_SIGBLOB_BYTES];
    if (sig_split_lines(text, len, line, llen) != 4 ||
        !has_prefix(line[0], llen[0], "untrusted comment:") ||
        !has_prefix(line[2], llen[2], "trusted comment: "))
        return faro_fail(err, errlen, FARO_ESIG, "not a minisign signature");
    if (sig_unbase64(line[1], llen[1], blob, sizeof blob) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "damaged signature (bad base64 on line 2)");
    if (memcmp(blob, "Ed", 2) == 0)
        return faro_fail(err, errlen, FARO_ESIG, "legacy signature over the raw file: sign again "
                    "with minisign 0.11 or faro-pack sign (prehashed, 'ED')");
    if (memcmp(blob, "ED", 2) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "unknown signature algorithm");
    if (llen[2] - tc > SIG_COMMENT_MAX)
        return faro_fail(err, errlen, FARO_ESIG, "trusted comment longer than %d bytes",
                    SIG_COMMENT_MAX);
    if (sig_unbase64(line[3], llen[3], s->global_sig, SIG_BYTES) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "damaged signature (bad base64 on line 4)");
    memcpy(s->keynum, blob + 2, SIG_KEYNUM_BYTES);
    memcpy(s->sig, blob + 10, SIG_BYTES);
    memcpy(s->trusted, line[2] + tc, llen[2] - tc);
    s->trusted[llen[2] - tc] = '\0';
    return 0;
}

int sig_load(const char *path, sig_signature *s, char *err, size_t errlen)
{
    char *buf, why[FARO_MAX_ERRLEN];
    long n = fsio_read(path, SIG_FILE_MAX, FSIO_NOFOLLOW, &buf, err, errlen);
    if (n < 0)
        return (int)n;
    int rc = sig_parse(buf, (size_t)n, s, why, sizeof why);
    free(buf);
    return rc ? faro_fail(err, errlen, FARO_ESIG, "%s: %s", path, why) : 0;
}

int sig_verify_hash(const sig_signature *s, const sig_pubkey *pk,
                    const unsigned char hash[SIG_HASH_BYTES], char *err, size_t errlen)
{
    unsigned char msg[SIG_BYTES + SIG_COMMENT_MAX];
    size_t clen = strlen(s->trusted);
    char want[SIG_KEYID_LEN + 1], got[SIG_KEYID_LEN + 1];
    int rc;
    if ((rc = sig_init(err, errlen)) != 0)
        return rc;
    if (memcmp(s->keynum, pk->keynum, SIG_KEYNUM_BYTES) != 0) {
        sig_keyid_hex(s->keynum, got);
        sig_keyid_hex(pk->keynum, want);
        return faro_fail(err, errlen, FARO_ESIG, "signed by key %s, not by key %s", got, want);
    }
    if (crypto_sign_ed25519_verify_detached(s->sig, hash, SIG_HASH_BYTES, pk->pk) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "signature does not match the file (changed or "
                    "damaged after signing)");
    memcpy(msg, s->sig, SIG_BYTES);
    memcpy(msg + SIG_BYTES, s->trusted, clen);
    if (crypto_sign_ed25519_verify_detached(s->global_sig, msg, SIG_BYTES + clen, pk->pk) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "trusted comment does not match its signature");
    return 0;
}
