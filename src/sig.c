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
 * chunk of memory.
 */
#include "sig.h"
#include "faro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#define SIG_CHUNK        (1u << 20)   /* bytes hashed per read */
#define SIG_SECKEY_BYTES 158
#define SIG_PUBKEY_BYTES 42
#define SIG_SIGBLOB_BYTES 74
#define SIG_KDF_STREAM   104          /* keynum + sk + chk, XORed when encrypted */


static int ready(char *err, size_t errlen)
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

#define SIG_MAX_LINES 4

/* Splits text into at most SIG_MAX_LINES lines (pointers into text, lengths
 * without the line end; "\r\n" accepted).  Returns the count, or -1 when
 * there are more lines or a NUL byte. */
static int split_lines(const char *text, size_t len, const char **line, size_t *llen)
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

/* Decodes exactly want bytes of base64; 0 or -1. */
static int unbase64(const char *b64, size_t len, unsigned char *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, want, b64, len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    return got == want && end == b64 + len ? 0 : -1;
}

/* Reads a small regular file whole into buf (NUL-terminated); returns its
 * length or a negative FARO_E* code. */
static long read_small(const char *path, char *buf, size_t size, char *err, size_t errlen)
{
    struct stat st;
    long n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return faro_fail(err, errlen, errno == ENOENT ? FARO_ENOTFOUND : FARO_EIO, "%s: %s",
                    path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return faro_fail(err, errlen, FARO_EIO, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size >= size) {
        close(fd);
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: %lld bytes, more than the %zu allowed",
                    path, (long long)st.st_size, size - 1);
    }
    n = (long)read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    buf[n] = '\0';
    return n;
}

/* ---------------------------------------------------------------- public keys */

int sig_pubkey_parse(const char *text, size_t len, sig_pubkey *pk, char *err, size_t errlen)
{
    const char *line[SIG_MAX_LINES];
    size_t llen[SIG_MAX_LINES];
    unsigned char blob[SIG_PUBKEY_BYTES];
    int n = split_lines(text, len, line, llen), k;
    if (n < 1 || n > 2)
        return faro_fail(err, errlen, FARO_EPARSE, "not a minisign public key");
    k = n - 1;
    if (n == 2 && !has_prefix(line[0], llen[0], "untrusted comment:"))
        return faro_fail(err, errlen, FARO_EPARSE, "not a minisign public key: first line is "
                    "not an untrusted comment");
    if (unbase64(line[k], llen[k], blob, sizeof blob) != 0)
        return faro_fail(err, errlen, FARO_EPARSE, "not a minisign public key: bad base64");
    if (blob[0] != 'E' || blob[1] != 'd')
        return faro_fail(err, errlen, FARO_EPARSE, "not an Ed25519 minisign public key");
    memcpy(pk->keynum, blob + 2, SIG_KEYNUM_BYTES);
    memcpy(pk->pk, blob + 2 + SIG_KEYNUM_BYTES, SIG_PK_BYTES);
    return 0;
}

int sig_pubkey_load(const char *path, sig_pubkey *pk, char *err, size_t errlen)
{
    char buf[SIG_FILE_MAX + 1], why[FARO_MAX_ERRLEN];
    long n = read_small(path, buf, sizeof buf, err, errlen);
    if (n < 0)
        return n == FARO_ENOTFOUND ? FARO_EIO : (int)n;
    if (sig_pubkey_parse(buf, (size_t)n, pk, why, sizeof why) != 0)
        return faro_fail(err, errlen, FARO_EPARSE, "%s: %s", path, why);
    return 0;
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
    char buf[SIG_FILE_MAX + 1], why[FARO_MAX_ERRLEN];
    const char *line[SIG_MAX_LINES];
    size_t llen[SIG_MAX_LINES];
    unsigned char blob[SIG_SECKEY_BYTES];
    long n;
    int rc;
    if ((rc = ready(err, errlen)) != 0)
        return rc;
    n = read_small(path, buf, sizeof buf, err, errlen);
    if (n < 0)
        return n == FARO_ENOTFOUND ? FARO_EIO : (int)n;
    if (split_lines(buf, (size_t)n, line, llen) != 2 ||
        unbase64(line[1], llen[1], blob, sizeof blob) != 0)
        rc = faro_fail(err, errlen, FARO_EPARSE, "%s: not a minisign secret key", path);
    else if ((rc = parse_seckey(blob, password, sk, why, sizeof why)) != 0)
        faro_fail(err, errlen, rc, "%s: %s", path, why);
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(blob, sizeof blob);
    return rc;
}

/* Writes len bytes of text to path, created with mode; fsync'd. */
static int write_file(const char *path, const char *text, int mode, int excl,
                      char *err, size_t errlen)
{
    size_t len = strlen(text);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (excl ? O_EXCL : O_TRUNC), mode);
    if (fd < 0)
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(path);
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(e));
    }
    close(fd);
    return 0;
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
    if ((rc = ready(err, errlen)) != 0)
        return rc;
    randombytes_buf(pk.keynum, sizeof pk.keynum);
    crypto_sign_ed25519_keypair(pk.pk, sk);
    seckey_text(pk.keynum, sk, sec, sizeof sec);
    sodium_memzero(sk, sizeof sk);
    sig_pubkey_base64(&pk, b64, sizeof b64);
    sig_keyid_hex(pk.keynum, id);
    snprintf(pub, sizeof pub, "untrusted comment: minisign public key %s\n%s\n", id, b64);
    rc = write_file(sec_path, sec, 0600, 1, err, errlen);
    sodium_memzero(sec, sizeof sec);
    if (rc == 0 && (rc = write_file(pub_path, pub, 0644, 0, err, errlen)) != 0)
        unlink(sec_path);
    return rc;
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
    if ((rc = ready(err, errlen)) != 0)
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
    if ((rc = ready(err, errlen)) != 0)
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
    char text[SIG_FILE_MAX], comment[SIG_COMMENT_MAX + 1], tmp[4096];
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
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", sig_path) >= sizeof tmp)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: path too long", sig_path);
    if ((rc = write_file(tmp, text, 0644, 0, err, errlen)) != 0)
        return rc;
    if (rename(tmp, sig_path) != 0) {
        unlink(tmp);
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", sig_path, strerror(errno));
    }
    return 0;
}

/* ---------------------------------------------------------------- verifying */

int sig_parse(const char *text, size_t len, sig_signature *s, char *err, size_t errlen)
{
    const char *line[SIG_MAX_LINES];
    size_t llen[SIG_MAX_LINES], tc = strlen("trusted comment: ");
    unsigned char blob[SIG_SIGBLOB_BYTES];
    if (split_lines(text, len, line, llen) != 4 ||
        !has_prefix(line[0], llen[0], "untrusted comment:") ||
        !has_prefix(line[2], llen[2], "trusted comment: "))
        return faro_fail(err, errlen, FARO_ESIG, "not a minisign signature");
    if (unbase64(line[1], llen[1], blob, sizeof blob) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "damaged signature (bad base64 on line 2)");
    if (memcmp(blob, "Ed", 2) == 0)
        return faro_fail(err, errlen, FARO_ESIG, "legacy signature over the raw file: sign again "
                    "with minisign 0.11 or faro-pack sign (prehashed, 'ED')");
    if (memcmp(blob, "ED", 2) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "unknown signature algorithm");
    if (llen[2] - tc > SIG_COMMENT_MAX)
        return faro_fail(err, errlen, FARO_ESIG, "trusted comment longer than %d bytes",
                    SIG_COMMENT_MAX);
    if (unbase64(line[3], llen[3], s->global_sig, SIG_BYTES) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "damaged signature (bad base64 on line 4)");
    memcpy(s->keynum, blob + 2, SIG_KEYNUM_BYTES);
    memcpy(s->sig, blob + 10, SIG_BYTES);
    memcpy(s->trusted, line[2] + tc, llen[2] - tc);
    s->trusted[llen[2] - tc] = '\0';
    return 0;
}

int sig_load(const char *path, sig_signature *s, char *err, size_t errlen)
{
    char buf[SIG_FILE_MAX + 1], why[FARO_MAX_ERRLEN];
    long n = read_small(path, buf, sizeof buf, err, errlen);
    if (n < 0)
        return (int)n;
    if (sig_parse(buf, (size_t)n, s, why, sizeof why) != 0)
        return faro_fail(err, errlen, FARO_ESIG, "%s: %s", path, why);
    return 0;
}

int sig_verify_hash(const sig_signature *s, const sig_pubkey *pk,
                    const unsigned char hash[SIG_HASH_BYTES], char *err, size_t errlen)
{
    unsigned char msg[SIG_BYTES + SIG_COMMENT_MAX];
    size_t clen = strlen(s->trusted);
    char want[SIG_KEYID_LEN + 1], got[SIG_KEYID_LEN + 1];
    int rc;
    if ((rc = ready(err, errlen)) != 0)
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
