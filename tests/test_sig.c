/*
 * test_sig.c — minisign keys and signatures: keygen, sign, verify; a
 * forged, a truncated and an oversized input for every parser; bit flips
 * in the signed file, the signature and the trusted comment; the wrong
 * key; and interop both ways with Debian's minisign (keys made with -W).
 */
#include "check.h"
#include "faro.h"
#include "sig_sign.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/faro-test-sig-XXXXXX";

static const char *at(const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
}

static size_t read_text(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return n;
}

/* Verifies data file `file` with signature `sigfile` and key `pub`. */
static int verify(const char *file, const char *sigfile, const char *pub, char *err, size_t errlen)
{
    sig_pubkey pk;
    sig_signature s;
    unsigned char hash[SIG_HASH_BYTES];
    int rc;
    if ((rc = sig_pubkey_load(pub, &pk, err, errlen)) || (rc = sig_load(sigfile, &s, err, errlen)) ||
        (rc = sig_hash_file(file, FARO_MAX_PACK_BYTES, hash, err, errlen)))
        return rc;
    return sig_verify_hash(&s, &pk, hash, err, errlen);
}

static void test_roundtrip(void)
{
    char err[FARO_MAX_ERRLEN], buf[SIG_FILE_MAX];
    sig_seckey sk;
    struct stat st;
    CHECK(sig_keygen(at("a.pub"), at("a.key"), err, sizeof err) == 0, "keygen: %s", err);
    CHECK(stat(at("a.key"), &st) == 0 && (st.st_mode & 0777) == 0600, "secret key mode 0600");
    CHECK(sig_keygen(at("a2.pub"), at("a.key"), err, sizeof err) == FARO_EIO, "no overwrite");
    CHECK(access(at("a2.pub"), F_OK) != 0, "no public key left behind");
    CHECK(sig_keygen(at("b.pub"), at("b.key"), err, sizeof err) == 0, "keygen b");
    write_text(at("data"), "hello pack\n", 11);
    CHECK(sig_seckey_load(at("a.key"), NULL, &sk, err, sizeof err) == 0, "load sk: %s", err);
    CHECK(sig_sign_file(&sk, at("data"), at("data.minisig"), NULL, err, sizeof err) == 0,
          "sign: %s", err);
    sig_seckey_wipe(&sk);
    CHECK(verify(at("data"), at("data.minisig"), at("a.pub"), err, sizeof err) == 0,
          "verify: %s", err);
    read_text(at("data.minisig"), buf, sizeof buf);
    CHECK_CONTAINS(buf, "\ttrusted comment: " + 1);
    CHECK_CONTAINS(buf, "file:data\thashed");
    CHECK(verify(at("data"), at("data.minisig"), at("b.pub"), err, sizeof err) == FARO_ESIG,
          "wrong key refused");
    CHECK_CONTAINS(err, "signed by key");
}

/* Flips one bit of file `name` at byte off and expects verify to fail. */
static void flip_expect(const char *name, size_t off, const char *want)
{
    char err[FARO_MAX_ERRLEN], orig[SIG_FILE_MAX], copy[SIG_FILE_MAX];
    size_t n = read_text(at(name), orig, sizeof orig);
    memcpy(copy, orig, n);
    copy[off] ^= 0x04;
    write_text(at(name), copy, n);
    int rc = verify(at("data"), at("data.minisig"), at("a.pub"), err, sizeof err);
    CHECK(rc == FARO_ESIG, "flip %s@%zu: rc %d (%s)", name, off, rc, err);
    if (want)
        CHECK_CONTAINS(err, want);
    write_text(at(name), orig, n);
}

static void test_tamper(void)
{
    char err[FARO_MAX_ERRLEN], buf[SIG_FILE_MAX];
    size_t n = read_text(at("data.minisig"), buf, sizeof buf);
    const char *l2 = strchr(buf, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    const char *l4 = strchr(l3, '\n') + 1;
    flip_expect("data", 0, "does not match the file");
    flip_expect("data", 10, "does not match the file");
    flip_expect("data.minisig", (size_t)(l2 - buf) + 40, NULL);      /* signature bytes */
    flip_expect("data.minisig", (size_t)(l3 - buf) + 20, "trusted comment");
    flip_expect("data.minisig", (size_t)(l4 - buf) + 10, NULL);      /* global signature */
    /* truncated at many offsets: always refused, never accepted */
    for (size_t cut = 0; cut + 1 < n; cut += 7) {
        write_text(at("cut.minisig"), buf, cut);
        int rc = verify(at("data"), at("cut.minisig"), at("a.pub"), err, sizeof err);
        CHECK(rc == FARO_ESIG, "signature cut at %zu: rc %d", cut, rc);
    }
    CHECK(verify(at("data"), at("none.minisig"), at("a.pub"), err, sizeof err) == FARO_ENOTFOUND,
          "missing signature");
    /* oversized */
    char *big = malloc(SIG_FILE_MAX + 10);
    memset(big, 'A', SIG_FILE_MAX + 10);
    write_text(at("big.minisig"), big, SIG_FILE_MAX + 10);
    free(big);
    CHECK(verify(at("data"), at("big.minisig"), at("a.pub"), err, sizeof err) == FARO_ELIMIT,
          "oversized signature: %s", err);
    /* forged: legacy algorithm, garbage, a NUL byte */
    sig_signature s;
    char legacy[SIG_FILE_MAX];
    size_t ln = read_text(at("data.minisig"), legacy, sizeof legacy);
    char *b64 = strchr(legacy, '\n') + 1;
    CHECK(b64[0] == 'R' && b64[1] == 'U', "prehashed signatures start RU (\"ED\")");
    b64[1] = 'W';                               /* "ED" -> "Ed": legacy */
    CHECK(sig_parse(legacy, ln, &s, err, sizeof err) == FARO_ESIG, "legacy");
    CHECK_CONTAINS(err, "legacy");
    CHECK(sig_parse("hello\n", 6, &s, err, sizeof err) == FARO_ESIG, "garbage");
    CHECK(sig_parse("a\0b\nc\nd\ne\n", 10, &s, err, sizeof err) == FARO_ESIG, "NUL byte");
    sig_pubkey pk;
    CHECK(sig_pubkey_parse("RWQ", 3, &pk, err, sizeof err) == FARO_EPARSE, "short key");
    CHECK(sig_pubkey_parse("x\ny\nz\n", 6, &pk, err, sizeof err) == FARO_EPARSE, "three lines");
}

static void test_minisign(void)
{
    char err[FARO_MAX_ERRLEN];
    sig_seckey sk;
    if (access("/usr/bin/minisign", X_OK) != 0) {
        CHECK(0, "Debian's minisign is not installed (make test installs it)");
        return;
    }
    /* minisign signs, Faro verifies */
    CHECK(check_sh("minisign -G -W -p %s -s %s >/dev/null 2>&1", at("m.pub"), at("m.key")) == 0,
          "minisign -G");
    CHECK(check_sh("minisign -S -s %s -m %s >/dev/null 2>&1", at("m.key"), at("data")) == 0, "minisign -S");
    CHECK(verify(at("data"), at("data.minisig"), at("m.pub"), err, sizeof err) == 0,
          "Faro verifies minisign: %s", err);
    /* Faro signs with minisign's key, minisign verifies */
    CHECK(sig_seckey_load(at("m.key"), NULL, &sk, err, sizeof err) == 0, "load minisign key: %s", err);
    CHECK(sig_sign_file(&sk, at("data"), at("data.minisig"), "faro trusted", err, sizeof err) == 0,
          "sign");
    sig_seckey_wipe(&sk);
    CHECK(check_sh("minisign -V -p %s -m %s >/dev/null 2>&1", at("m.pub"), at("data")) == 0,
          "minisign verifies Faro's signature");
    /* Faro's own key works in minisign both ways */
    CHECK(check_sh("minisign -S -s %s -m %s >/dev/null 2>&1", at("a.key"), at("data")) == 0,
          "minisign signs with a faro key");
    CHECK(verify(at("data"), at("data.minisig"), at("a.pub"), err, sizeof err) == 0, "verify");
    /* a tampered file fails in minisign too */
    write_text(at("data"), "hello pack!\n", 12);
    CHECK(check_sh("minisign -V -p %s -m %s >/dev/null 2>&1", at("a.pub"), at("data")) != 0,
          "minisign refuses a tampered file");
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char id[SIG_KEYID_LEN + 1];
    unsigned char keynum[8] = { 0x85, 0x66, 0xdb, 0xde, 0xd3, 0x2b, 0x8d, 0xb4 };
    sig_keyid_hex(keynum, id);
    CHECK_STR(id, "B48D2BD3DEDB6685");
    test_roundtrip();
    test_tamper();
    test_minisign();
    check_sh("rm -rf %s%s", dir, "");
    return check_done();
}
