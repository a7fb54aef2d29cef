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
 *   faro-pack publish --key SEC [--expires-days N] [--version N] DIR OUT
 *                                   write or update a web mirror from DIR's packs
 *   faro-pack locale check [DIR] [-v]   check the translations (default locales/)
 *   faro-pack pin set DATA | pin hash   the console PIN, read from standard input
 *
 * The work is in the library modules (pack_build.c, lcheck.c, sig_sign.c,
 * keypack.c, publish.c, install.c, pin.c); this file only parses
 * arguments, prints the reports ("FILE:LINE: reason" lines on stdout, as
 * editors and CI expect) and turns results into exit codes: 0 clean, 1
 * problems found, 2 usage or I/O error.  Subcommands live in one table.
 */
#include "faro.h"
#include "install.h"
#include "keypack.h"
#include "lcheck.h"
#include "pack_build.h"
#include "pack.h"
#include "pin.h"
#include "publish.h"
#include "sig_sign.h"
#include "state.h"
#include "store.h"
#include "trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

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
            "       faro-pack publish --key SECRET.key [--expires-days N] [--version N]"
            " DIR_OF_PACKS OUT_DIR\n"
            "       faro-pack --version\n");
}

/* Prints the kept messages, then how many were not shown, then the notes
 * (recordings' lengths and audio coverage, when the folder has audio/). */
static void print_report(const lint_report *rep, const char *dir)
{
    for (int i = 0; i < lint_report_kept(rep); i++)
        printf("%s\n", lint_report_at(rep, i));
    int hidden = lint_report_count(rep) - lint_report_kept(rep);
    if (hidden > 0)
        printf("%s: %d more problems not shown\n", dir, hidden);
    for (int i = 0; i < lint_report_notes(rep); i++)
        printf("%s\n", lint_report_note(rep, i));
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
static int keypack_changes(int argc, char **argv, keypack_change *c, int max)
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
    keypack_change *c = calloc(TRUST_MAX_KEYS, sizeof *c);
    int n = argc >= 3 && c ? keypack_changes(argc, argv, c, TRUST_MAX_KEYS) : -1, rc = 2;
    if (n < 0 || !id || !ver) {
        usage(stderr);
    } else if (keypack_write(argv[2], id, strtol(ver, NULL, 10), c, n, err, sizeof err) != 0) {
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

static int publish_usage(void)
{
    fprintf(stderr, "usage: faro-pack publish --key SECRET.key [--expires-days N] [--version N] "
            "DIR_OF_PACKS OUT_DIR\n");
    return 2;
}

/* Parses publish's arguments into o and *key; 0 or -1. */
static int publish_args(int argc, char **argv, publish_opts *o, const char **key)
{
    const char *pos[2];
    int npos = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc)
            *key = argv[++i];
        else if (!strcmp(argv[i], "--expires-days") && i + 1 < argc)
            o->expires_s = atoll(argv[++i]) * 86400LL;
        else if (!strcmp(argv[i], "--version") && i + 1 < argc)
            o->version = atoll(argv[++i]);
        else if (argv[i][0] != '-' && npos < 2)
            pos[npos++] = argv[i];
        else
            return -1;
    }
    if (!*key || npos != 2)
        return -1;
    o->in_dir = pos[0];
    o->out_dir = pos[1];
    return 0;
}

static int cmd_publish(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN] = "";
    publish_opts o = { .expires_s = 30 * 86400LL };
    publish_result res;
    const char *key = NULL;
    sig_seckey sk;
    if (publish_args(argc, argv, &o, &key) != 0)
        return publish_usage();
    int rc = sig_seckey_load(key, getenv("FARO_PACK_PASSWORD"), &sk, err, sizeof err);
    if (rc == 0)
        rc = publish_mirror(&o, &sk, &res, err, sizeof err);
    sig_seckey_wipe(&sk);
    if (rc != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return rc == FARO_EPACK || rc == FARO_EPARSE ? 1 : 2;
    }
    printf("%s/catalog: version %lld, %d packs, expires in %lld days\n", o.out_dir, res.version,
           res.packs, o.expires_s / 86400);
    return 0;
}

/* faro-pack locale check [DIR] [-v] */
static int cmd_locale(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN];
    const char *dir = "locales";
    int verbose = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else
            dir = argv[i];
    }
    if (argc < 3 || strcmp(argv[2], "check") != 0) {
        fprintf(stderr, "usage: faro-pack locale check [DIR] [-v]   (DIR defaults to locales/)\n");
        return 2;
    }
    lcheck *c = lcheck_new();
    int rc = c ? lcheck_dir(c, dir, err, sizeof err) : FARO_ENOMEM;
    if (c)
        lcheck_print(c, stdout, verbose);
    lcheck_free(c);
    if (rc < 0) {
        fprintf(stderr, "faro-pack: %s\n", rc == FARO_ENOMEM && !c ? "out of memory" : err);
        return 2;
    }
    return rc > 0 ? 1 : 0;
}

/* Reads one line of standard input into pin (newline removed). */
static int read_pin(char *pin, size_t size)
{
    if (!fgets(pin, (int)size, stdin))
        return -1;
    pin[strcspn(pin, "\r\n")] = 0;
    return 0;
}

static int pin_store(const char *data_dir, const char *hash)
{
    char path[1024], err[FARO_MAX_ERRLEN];
    snprintf(path, sizeof path, "%s/state.db", data_dir);
    state *st = state_open(path, err, sizeof err);
    int rc = st ? pin_set_hash(st, hash, err, sizeof err) : FARO_EIO;
    state_close(st);
    if (rc != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return 2;
    }
    printf("PIN set in %s\n", path);
    return 0;
}

/* faro-pack pin set DATA_DIR | faro-pack pin hash (the PIN on standard input) */
static int cmd_pin(int argc, char **argv)
{
    char pin[64], hash[PIN_HASH_MAX], err[FARO_MAX_ERRLEN];
    int set = argc == 4 && !strcmp(argv[2], "set"), show = argc == 3 && !strcmp(argv[2], "hash");
    if (!set && !show) {
        fprintf(stderr, "usage: faro-pack pin set DATA_DIR   (PIN on standard input)\n"
                        "       faro-pack pin hash           (prints the hash of the PIN on standard input)\n");
        return 2;
    }
    int rc = read_pin(pin, sizeof pin) == 0 ? pin_hash(pin, hash, sizeof hash, err, sizeof err) : FARO_EINVAL;
    sodium_memzero(pin, sizeof pin);
    if (rc != 0) {
        fprintf(stderr, "faro-pack: %s\n", rc == FARO_EINVAL ? "a PIN is 4 to 12 digits" : err);
        return 2;
    }
    if (show) {
        printf("%s\n", hash);
        return 0;
    }
    return pin_store(argv[3], hash);
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
    { "publish", cmd_publish },
    { "locale", cmd_locale },
    { "pin", cmd_pin },
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
