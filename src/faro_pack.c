/*
 * faro_pack.c — the `faro-pack` command: the content editor's tool.
 *
 *   faro-pack lint DIR              print every problem of a content folder
 *   faro-pack build DIR -o OUT      lint, then write the pack OUT (.faro)
 *   faro-pack keygen -p PUB -s SEC  a new minisign key pair (secret unencrypted, 0600)
 *   faro-pack sign PACK -s SEC      write PACK.minisig (minisign format)
 *   faro-pack verify PACK -p PUB    check PACK.minisig against PUB, then the pack
 *   faro-pack inspect PACK          meta, counts and signer of a pack
 *   faro-pack keypack OUT --id ID --version N [--add PUB PATTERNS]... [--revoke KEYID]...
 *                                   a key pack (type keys) adding or revoking keys
 *   faro-pack install DATA PACK     install PACK (+ PACK.minisig) into a kiosk's
 *                                   data folder, exactly as a USB stick would
 *
 * The work is in pack_build.c; this file only parses arguments, prints the
 * report ("FILE:LINE: reason" lines on stdout, as editors and CI expect)
 * and turns results into exit codes: 0 clean, 1 problems found, 2 usage or
 * I/O error.  Subcommands live in one table: keygen, sign, verify, inspect
 * and publish are added there by the packs issue.
 */
#include "catalog.h"
#include "faro.h"
#include "pack_build.h"
#include "install.h"
#include "lcheck.h"
#include "pack.h"
#include "pin.h"
#include "sig.h"
#include "state.h"
#include "store.h"
#include "trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: faro-pack lint DIR\n"
            "       faro-pack locale check [DIR] [-v]\n"
            "       faro-pack pin set DATA_DIR | pin hash   (PIN on standard input)\n"
            "       faro-pack build DIR -o OUT.faro\n"
            "       faro-pack keygen -p KEY.pub -s KEY.key\n"
            "       faro-pack sign PACK.faro -s KEY.key [-t TRUSTED-COMMENT]\n"
            "       faro-pack verify PACK.faro -p KEY.pub\n"
            "       faro-pack inspect PACK.faro\n"
            "       faro-pack keypack OUT.faro --id ID --version N [--add KEY.pub PATTERNS]..."
            " [--revoke KEYID]...\n"
            "       faro-pack install DATA_DIR PACK.faro [PACK.faro.minisig]\n"
            "       faro-pack --version\n");
}

/* Prints the kept messages, then how many were not shown. */
static void print_report(const lint_report *rep, const char *dir)
{
    for (int i = 0; i < lint_report_kept(rep); i++)
        printf("%s\n", lint_report_at(rep, i));
    int hidden = lint_report_count(rep) - lint_report_kept(rep);
    if (hidden > 0)
        printf("%s: %d more problems not shown\n", dir, hidden);
}

static int cmd_lint(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN];
    if (argc != 3) {
        usage(stderr);
        return 2;
    }
    lint_report *rep = lint_report_new();
    if (!rep) {
        fprintf(stderr, "faro-pack: out of memory\n");
        return 2;
    }
    int n = lint_dir(argv[2], rep, err, sizeof err);
    print_report(rep, argv[2]);
    lint_report_free(rep);
    if (n < 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return 2;
    }
    return n > 0 ? 1 : 0;
}

static int cmd_build(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN];
    if (argc != 5 || strcmp(argv[3], "-o") != 0) {
        usage(stderr);
        return 2;
    }
    lint_report *rep = lint_report_new();
    if (!rep) {
        fprintf(stderr, "faro-pack: out of memory\n");
        return 2;
    }
    pack_build_stats st;
    int rc = pack_build_dir(argv[2], argv[4], rep, &st, err, sizeof err);
    print_report(rep, argv[2]);
    lint_report_free(rep);
    if (rc < 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return rc == FARO_EPARSE ? 1 : 2;
    }
    printf("%s: %d topics, %d articles, %d languages, %d services, %d images, %lld bytes\n",
           argv[4], st.topics, st.articles, st.languages, st.services, st.media, st.bytes);
    printf("pack_build_ms: %.1f ms\n", st.ms);
    return 0;
}

/* The value after option `opt` in argv[from..argc), or NULL. */
static const char *option(int argc, char **argv, int from, const char *opt)
{
    for (int i = from; i + 1 < argc; i++)
        if (strcmp(argv[i], opt) == 0)
            return argv[i + 1];
    return NULL;
}

static int cmd_keygen(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN];
    const char *pub = option(argc, argv, 2, "-p"), *sec = option(argc, argv, 2, "-s");
    if (argc != 6 || !pub || !sec) {
        usage(stderr);
        return 2;
    }
    if (sig_keygen(pub, sec, err, sizeof err) != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return 2;
    }
    sig_pubkey pk;
    char id[SIG_KEYID_LEN + 1];
    if (sig_pubkey_load(pub, &pk, err, sizeof err) == 0) {
        sig_keyid_hex(pk.keynum, id);
        printf("key %s: public %s, secret %s (keep it off the kiosk)\n", id, pub, sec);
    }
    return 0;
}

/* Checks that path is a Faro pack the kiosk would open; prints why not. */
static int pack_opens(const char *path)
{
    char err[FARO_MAX_ERRLEN];
    pack *p = NULL;
    int rc = pack_open_file(path, PACK_QUICK_CHECK, &p, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "faro-pack: %s\n", err);
    pack_close(p);
    return rc;
}

static int cmd_sign(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN], sigpath[4096];
    const char *sec = option(argc, argv, 3, "-s"), *comment = option(argc, argv, 3, "-t");
    sig_seckey sk;
    if ((argc != 5 && argc != 7) || !sec || (argc == 7 && !comment)) {
        usage(stderr);
        return 2;
    }
    if (pack_opens(argv[2]) != 0)
        return 1;
    const char *pw = getenv("FARO_PACK_PASSWORD");
    int rc = sig_seckey_load(sec, pw, &sk, err, sizeof err);
    if (rc == FARO_ESIG && !pw && isatty(0))
        rc = sig_seckey_load(sec, getpass("Password: "), &sk, err, sizeof err);
    if (rc == 0) {
        snprintf(sigpath, sizeof sigpath, "%s.minisig", argv[2]);
        rc = sig_sign_file(&sk, argv[2], sigpath, comment, err, sizeof err);
    }
    sig_seckey_wipe(&sk);
    if (rc != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return 2;
    }
    printf("%s: signed, signature in %s\n", argv[2], sigpath);
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN], sigpath[4096];
    unsigned char hash[SIG_HASH_BYTES];
    const char *pub = option(argc, argv, 3, "-p");
    sig_pubkey pk;
    sig_signature s;
    int rc;
    if (argc != 5 || !pub) {
        usage(stderr);
        return 2;
    }
    snprintf(sigpath, sizeof sigpath, "%s.minisig", argv[2]);
    if ((rc = sig_pubkey_load(pub, &pk, err, sizeof err)) == 0 &&
        (rc = sig_load(sigpath, &s, err, sizeof err)) == FARO_ENOTFOUND)
        snprintf(err, sizeof err, "%.200s: no signature (%.250s is missing)", argv[2], sigpath);
    if (rc == 0 && (rc = sig_hash_file(argv[2], FARO_MAX_PACK_BYTES, hash, err, sizeof err)) == 0)
        rc = sig_verify_hash(&s, &pk, hash, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return 1;
    }
    printf("Signature and comment signature verified\nTrusted comment: %s\n", s.trusted);
    return pack_opens(argv[2]) == 0 ? 0 : 1;
}

static int print_meta(void *user, const char *key, const char *value)
{
    printf("  %-22s %s\n", key ? key : "", value ? value : "");
    return 0;
}

static int cmd_inspect(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN], sigpath[4096], id[SIG_KEYID_LEN + 1];
    const char *const langs[] = { "en", NULL };
    store_result *r = NULL;
    sig_signature s;
    if (argc != 3) {
        usage(stderr);
        return 2;
    }
    pack *p = NULL;
    if (pack_open_file(argv[2], PACK_QUICK_CHECK, &p, err, sizeof err) != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return 1;
    }
    printf("%s\nmeta:\n", argv[2]);
    if (pack_meta_each(p, print_meta, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        pack_close(p);
        return 1;
    }
    store *st = store_new();
    if (st && store_add_pack(st, p, err, sizeof err) == 0) {
        int topics = store_topics(st, langs, &r, err, sizeof err) == 0 ? r->n : -1;
        store_result_free(r);
        int services = store_services(st, NULL, langs, &r, err, sizeof err) == 0 ? r->n : -1;
        store_result_free(r);
        printf("contents: %d topics, %d services\n", topics, services);
    }
    store_free(st);
    pack_close(p);
    snprintf(sigpath, sizeof sigpath, "%s.minisig", argv[2]);
    if (sig_load(sigpath, &s, err, sizeof err) == 0) {
        sig_keyid_hex(s.keynum, id);
        printf("signature: key %s, trusted comment: %s\n", id, s.trusted);
    } else {
        printf("signature: none (%s)\n", err);
    }
    return 0;
}

/* Parses --add/--revoke arguments into changes; the count or -1. */
static int keypack_changes(int argc, char **argv, trust_change *c, int max)
{
    char err[FARO_MAX_ERRLEN];
    int n = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--id") == 0 || strcmp(argv[i], "--version") == 0) {
            i++;
        } else if (strcmp(argv[i], "--add") == 0 && i + 2 < argc && n < max) {
            memset(&c[n], 0, sizeof c[n]);
            if (sig_pubkey_load(argv[i + 1], &c[n].pub, err, sizeof err) != 0) {
                fprintf(stderr, "faro-pack: %s\n", err);
                return -1;
            }
            snprintf(c[n++].scopes, sizeof c[0].scopes, "%s", argv[i + 2]);
            i += 2;
        } else if (strcmp(argv[i], "--revoke") == 0 && i + 1 < argc && n < max &&
                   strlen(argv[i + 1]) == SIG_KEYID_LEN) {
            memset(&c[n], 0, sizeof c[n]);
            c[n].revoke = 1;
            snprintf(c[n++].key_id, sizeof c[0].key_id, "%s", argv[++i]);
        } else {
            return -1;
        }
    }
    return n;
}

static int cmd_keypack(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN];
    const char *id = option(argc, argv, 3, "--id"), *ver = option(argc, argv, 3, "--version");
    trust_change *c = calloc(TRUST_MAX_KEYS, sizeof *c);
    int n = argc >= 3 && c ? keypack_changes(argc, argv, c, TRUST_MAX_KEYS) : -1, rc = 2;
    if (n < 0 || !id || !ver) {
        usage(stderr);
    } else if (trust_keypack_write(argv[2], id, strtol(ver, NULL, 10), c, n, err, sizeof err) != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
    } else {
        printf("%s: key pack '%s' version %s, %d change(s); sign it with a root key\n",
               argv[2], id, ver, n);
        rc = 0;
    }
    free(c);
    return rc;
}

static void print_progress(void *user, const char *name, unsigned long long done,
                           unsigned long long total)
{
    (void)user;
    (void)name;
    (void)done;
    (void)total;
}

static int cmd_install(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN], path[4096];
    install_result res;
    if (argc != 4 && argc != 5) {
        usage(stderr);
        return 2;
    }
    snprintf(path, sizeof path, "%s/state.db", argv[2]);
    if (access(argv[2], F_OK) != 0 && mkdir(argv[2], 0755) != 0) {
        perror(argv[2]);
        return 2;
    }
    state *st = state_open(path, err, sizeof err);
    installer *in = st ? install_open(argv[2], st, err, sizeof err) : NULL;
    if (!in) {
        fprintf(stderr, "faro-pack: %s\n", err);
        state_close(st);
        return 2;
    }
    const char *today = getenv("FARO_TODAY");
    if (today)
        install_set_today(in, today);
    int rc = install_pack(in, argv[3], argc == 5 ? argv[4] : NULL, print_progress, NULL, &res);
    printf("%s: %s\n", install_why_name(res.why), res.reason);
    install_close(in);
    state_close(st);
    return rc == 0 ? 0 : 1;
}

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    { "lint", cmd_lint },
    { "build", cmd_build },
    { "keygen", cmd_keygen },
    { "sign", cmd_sign },
    { "verify", cmd_verify },
    { "inspect", cmd_inspect },
    { "keypack", cmd_keypack },
    { "install", cmd_install },
    { "publish", catalog_publish_main },      /* catalog.c (the sync issue) */
    { "locale", lcheck_main },                /* lcheck.c: locale check [DIR] [-v] */
    { "pin", pin_main },                      /* pin.c: pin set DATA_DIR | pin hash */
};

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("faro-pack %s (pack format %d)\n", FARO_VERSION, FARO_PACK_FORMAT);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; argc >= 2 && i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc, argv);
    usage(stderr);
    return 2;
}
