/*
 * test_install.c — the installer: versions (no rollback, no equal version
 * with other bytes, same bytes = "already installed"), trust (unknown key,
 * scope, key packs adding and revoking keys), expiry, layers through the
 * store, a file growing during the copy, injected ENOSPC and a read error
 * halfway through the source, and the power cut: the installer is killed
 * with SIGKILL at every step (FARO_FAULT_AT), restarted, and the kiosk
 * must show exactly the old pack or the new one.
 *
 * Packs are built from tests/fixtures/content-mini with pack.yaml edited.
 */
#include "check.h"
#include "faro.h"
#include "install.h"
#include "pack_build.h"
#include "sig_sign.h"
#include "keypack.h"
#include "state.h"
#include "store.h"
#include "trust.h"
#include "log.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[] = "/tmp/faro-test-install-XXXXXX";
static sig_seckey key_a, key_b, key_root;

static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* tmp/<formatted>; four rotating buffers. */
static const char *P(const char *fmt, ...)
{
    static char buf[8][1024];
    static int i;
    char rel[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", tmp, rel);
    return buf[i];
}

/* Builds tmp/<name>.faro from content-mini with the given pack.yaml head,
 * `extra` meta rows added ("key=value"), signed with sk (NULL: unsigned). */
static void make_pack(const char *name, const char *id, int version, const char *layer,
                      const char *extra_yaml, const char *extra_meta, const sig_seckey *sk,
                      const char *topic_title)
{
    char err[FARO_MAX_ERRLEN];
    const char *dir = P("src-%s", name);
    check_sh("rm -rf %s && cp -R tests/fixtures/content-mini %s", dir, dir);
    FILE *f = fopen(P("src-%s/pack.yaml", name), "w");
    fprintf(f, "id: %s\nversion: %d\nlayer: %s\ntype: content\nlanguages: [es, en]\n"
            "title: { es: Prueba, en: Test }\n%s", id, version, layer, extra_yaml ? extra_yaml : "");
    fclose(f);
    if (topic_title)
        check_sh("sed -i 's/title: { es: Seguridad, en: Safety }/title: { es: %s, en: %s }/' %s/topics.yaml",
           topic_title, topic_title, dir);
    lint_report *rep = lint_report_new();
    int rc = pack_build_dir(dir, P("%s.faro", name), rep, NULL, err, sizeof err);
    CHECK(rc == 0, "build %s: %s (%s)", name, err, lint_report_at(rep, 0) ? lint_report_at(rep, 0) : "");
    lint_report_free(rep);
    if (extra_meta) {
        char key[64], value[64];
        sscanf(extra_meta, "%63[^=]=%63s", key, value);
        sqlite3 *db;
        sqlite3_open(P("%s.faro", name), &db);
        char *sql = sqlite3_mprintf("INSERT INTO meta VALUES(%Q, %Q)", key, value);
        CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "meta row");
        sqlite3_free(sql);
        sqlite3_close(db);
    }
    unlink(P("%s.faro.minisig", name));
    if (sk)
        CHECK(sig_sign_file(sk, P("%s.faro", name), P("%s.faro.minisig", name), NULL, err,
                            sizeof err) == 0, "sign %s: %s", name, err);
}

static void new_key(const char *name, sig_seckey *sk, const char *scope)
{
    char err[FARO_MAX_ERRLEN];
    CHECK(sig_keygen(P("%s.pub", name), P("%s.key", name), err, sizeof err) == 0, "keygen");
    CHECK(sig_seckey_load(P("%s.key", name), NULL, sk, err, sizeof err) == 0, "load key");
    if (scope) {
        FILE *f = fopen(P("%s.scope", name), "w");
        fputs(scope, f);
        fclose(f);
    }
}

/* Places key `name` (pub + scope) in data dir `data`'s trust store. */
static void trust_key_in(const char *data, const char *name)
{
    check_sh("mkdir -p %s/%s/keys && cp %s/%s.pub %s/%s.scope %s/%s/keys/", tmp, data, tmp, name, tmp,
       name, tmp, data);
}

static int files_equal(const char *a, const char *b)
{
    return check_sh("cmp -s %s %s", a, b) == 0;
}

static int install(installer *in, const char *name, install_result *r)
{
    return install_pack(in, P("%s.faro", name), NULL, NULL, NULL, r);
}

/* The installed packs folder, as a listing with checksums (byte-for-byte). */
static void snapshot(const char *data, const char *out)
{
    check_sh("cd %s/%s && find packs keys -type f | sort | xargs -r sha256sum > %s", tmp, data, out);
}

/* ---------------------------------------------------------------- versions */

static void test_versions(void)
{
    char err[FARO_MAX_ERRLEN];
    install_result r;
    trust_key_in("d1", "a");
    state *st = state_open(P("d1/state.db"), err, sizeof err);
    installer *in = install_open(P("d1"), st, err, sizeof err);
    CHECK(in != NULL, "open: %s", err);
    CHECK(install(in, "v3", &r) == 0 && r.why == INSTALL_OK, "v3: %s", r.reason);
    CHECK_STR(r.id, "org.faro.t");
    CHECK(r.version == 3, "version");
    CHECK(files_equal(P("v3.faro"), P("d1/packs/org.faro.t.faro")), "installed bytes");
    CHECK(install(in, "v3", &r) == 0 && r.why == INSTALL_ALREADY, "again: %s", r.reason);
    CHECK_CONTAINS(r.reason, "already installed");
    CHECK(install(in, "v2", &r) == FARO_EPACK && r.why == INSTALL_OLD_VERSION, "v2: %s", r.reason);
    CHECK_CONTAINS(r.reason, "older than version 3");
    CHECK(install(in, "v3b", &r) == FARO_EPACK && r.why == INSTALL_SAME_VERSION, "v3b: %s", r.reason);
    CHECK(install(in, "v4", &r) == 0 && r.why == INSTALL_OK, "v4: %s", r.reason);
    CHECK(files_equal(P("v4.faro"), P("d1/packs/org.faro.t.faro")), "v4 in place");
    long v = 0;
    CHECK(state_pack_seen(st, "org.faro.t", &v, NULL, 0) == 0 && v == 4, "recorded 4");
    /* removed: the version stays, rollback still refused */
    CHECK(install_remove(in, "org.faro.t", err, sizeof err) == 0, "remove");
    CHECK(access(P("d1/packs/org.faro.t.faro"), F_OK) != 0, "removed");
    CHECK(install(in, "v3", &r) == FARO_EPACK && r.why == INSTALL_OLD_VERSION, "rollback after remove");
    CHECK(install(in, "v4", &r) == 0 && r.why == INSTALL_OK, "same bytes reinstall after remove: %s",
          r.reason);
    CHECK(install_remove(in, "org.faro.none", err, sizeof err) == FARO_ENOTFOUND, "remove absent");
    /* signature and trust */
    CHECK(install(in, "nosig", &r) == FARO_ESIG && r.why == INSTALL_NO_SIG, "nosig");
    CHECK_CONTAINS(r.reason, "nosig.faro.minisig is missing");
    CHECK(install(in, "by-b", &r) == FARO_ESIG && r.why == INSTALL_UNKNOWN_KEY, "unknown key");
    CHECK(install(in, "other", &r) == FARO_ESIG && r.why == INSTALL_OUT_OF_SCOPE, "scope: %s", r.reason);
    CHECK_CONTAINS(r.reason, "outside the scope");
    CHECK(access(P("d1/staging/incoming.faro"), F_OK) != 0, "staging empty");
    install_close(in);
    state_close(st);
}

/* ---------------------------------------------------------------- growing file */

static void grow(void *user, const char *name, unsigned long long done, unsigned long long total)
{
    int *calls = user;
    if ((*calls)++ == 0)
        check_sh("head -c 5000 /dev/zero >> %s/grow.faro", tmp);
}

static void count_progress(void *user, const char *name, unsigned long long done,
                           unsigned long long total)
{
    unsigned long long *last = user;
    CHECK(done > *last && done <= total, "progress goes up");
    *last = done;
}

static void test_source_faults(void)
{
    char err[FARO_MAX_ERRLEN];
    install_result r;
    int calls = 0;
    unsigned long long last = 0;
    trust_key_in("d2", "a");
    state *st = state_open(P("d2/state.db"), err, sizeof err);
    installer *in = install_open(P("d2"), st, err, sizeof err);
    CHECK(install(in, "v3", &r) == 0, "v3");
    snapshot("d2", P("snap-before"));
    check_sh("cp %s/v4.faro %s/grow.faro && cp %s/v4.faro.minisig %s/grow.faro.minisig", tmp, tmp, tmp, tmp);
    CHECK(install_pack(in, P("grow.faro"), NULL, grow, &calls, &r) == FARO_EIO &&
          r.why == INSTALL_CHANGED, "growing file: %s", r.reason);
    setenv("FARO_FAULT_AT", "copy:enospc", 1);
    CHECK(install(in, "v4", &r) == FARO_EIO && r.why == INSTALL_DISK_FULL, "ENOSPC: %s", r.reason);
    setenv("FARO_FAULT_AT", "copy_fsync:eio", 1);
    CHECK(install(in, "v4", &r) == FARO_EIO && r.why == INSTALL_WRITE_ERROR, "EIO fsync: %s", r.reason);
    setenv("FARO_FAULT_AT", "read:eio", 1);
    CHECK(install(in, "v4", &r) == FARO_EIO && r.why == INSTALL_READ_ERROR, "read error: %s", r.reason);
    CHECK_CONTAINS(r.reason, "read error after");
    setenv("FARO_FAULT_AT", "rename:eio", 1);
    CHECK(install(in, "v4", &r) == FARO_EIO && r.why == INSTALL_WRITE_ERROR, "rename fails");
    unsetenv("FARO_FAULT_AT");
    snapshot("d2", P("snap-after"));
    CHECK(files_equal(P("snap-before"), P("snap-after")), "installed set unchanged");
    CHECK(access(P("d2/staging/incoming.faro"), F_OK) != 0, "staging empty");
    CHECK(install_pack(in, P("v4.faro"), NULL, count_progress, &last, &r) == 0, "v4 after faults");
    install_close(in);
    state_close(st);
}

/* ---------------------------------------------------------------- power cut */

static const char *const steps[] = { "copy", "copy_fsync", "verify", "open", "rename",
                                     "dir_fsync", "record", "done" };

/* The version the kiosk would show for org.faro.t (through the store). */
static long shown_version(const char *data)
{
    char err[FARO_MAX_ERRLEN];
    install_entry e[4];
    store_result *r = NULL;
    long v = -1;
    int n = install_list(P("%s", data), "2026-01-01", e, 4, err, sizeof err);
    store *s = store_new();
    for (int i = 0; i < n; i++)
        if (e[i].shown)
            CHECK(store_add_file(s, e[i].path, err, sizeof err) == 0, "store: %s", err);
    if (store_packs(s, NULL, &r, err, sizeof err) == 0 && r->n == 1)
        v = r->u.packs[0].version;
    store_result_free(r);
    store_free(s);
    return v;
}

static void power_cut(int i)
{
    char err[FARO_MAX_ERRLEN], data[32];
    install_result r;
    snprintf(data, sizeof data, "pc%d", i);
    trust_key_in(data, "a");
    state *st = state_open(P("%s/state.db", data), err, sizeof err);
    installer *in = install_open(P("%s", data), st, err, sizeof err);
    CHECK(install(in, "v3", &r) == 0, "v3 before the cut");
    install_close(in);
    state_close(st);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("FARO_FAULT_AT", steps[i], 1);
        log_quiet(1);
        st = state_open(P("%s/state.db", data), err, sizeof err);
        in = install_open(P("%s", data), st, err, sizeof err);
        install(in, "v4", &r);
        _exit(0);                          /* only when the step never came */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed at %s", steps[i]);
    /* restart */
    st = state_open(P("%s/state.db", data), err, sizeof err);
    in = install_open(P("%s", data), st, err, sizeof err);
    CHECK(in != NULL, "restart after %s: %s", steps[i], err);
    CHECK(check_sh("[ -z \"$(ls -A %s/%s/staging)\" ]", tmp, data) == 0, "staging swept after %s", steps[i]);
    long want = i < 5 ? 3 : 4, seen = 0;
    const char *file = want == 3 ? "v3" : "v4";
    CHECK(files_equal(P("%s.faro", file), P("%s/packs/org.faro.t.faro", data)),
          "after a cut at %s the installed file is exactly v%ld", steps[i], want);
    CHECK(shown_version(data) == want, "kiosk shows v%ld after a cut at %s", want, steps[i]);
    CHECK(state_pack_seen(st, "org.faro.t", &seen, NULL, 0) == 0 && seen == want,
          "recorded v%ld after %s, got %ld", want, steps[i], seen);
    CHECK(install(in, "v4", &r) == 0, "v4 installs after the cut at %s: %s", steps[i], r.reason);
    CHECK(shown_version(data) == 4, "then shows v4");
    install_close(in);
    state_close(st);
}

/* ---------------------------------------------------------------- key packs */

static void sign(const char *name, const sig_seckey *sk)
{
    char err[FARO_MAX_ERRLEN];
    CHECK(sig_sign_file(sk, P("%s.faro", name), P("%s.faro.minisig", name), NULL, err, sizeof err)
          == 0, "sign");
}

static void test_keypacks(void)
{
    char err[FARO_MAX_ERRLEN];
    install_result r;
    keypack_change add = { 0 }, rev = { 0 };
    trust_key_in("d3", "a");
    trust_key_in("d3", "root");
    state *st = state_open(P("d3/state.db"), err, sizeof err);
    installer *in = install_open(P("d3"), st, err, sizeof err);
    CHECK(install(in, "by-b", &r) == FARO_ESIG && r.why == INSTALL_UNKNOWN_KEY, "b unknown");
    CHECK(sig_pubkey_load(P("b.pub"), &add.pub, err, sizeof err) == 0, "b.pub");
    snprintf(add.scopes, sizeof add.scopes, "org.b.*");
    CHECK(keypack_write(P("keys1.faro"), "org.faro.keys", 1, &add, 1, err, sizeof err) == 0,
          "keypack: %s", err);
    sign("keys1", &key_a);
    CHECK(install(in, "keys1", &r) == FARO_ESIG && r.why == INSTALL_OUT_OF_SCOPE,
          "key pack by a non-root key: %s", r.reason);
    sign("keys1", &key_root);
    CHECK(install(in, "keys1", &r) == 0, "key pack by root: %s", r.reason);
    CHECK(access(P("d3/keys/org.faro.keys.faro"), F_OK) == 0, "key pack kept in keys/");
    CHECK(install(in, "by-b", &r) == 0, "b trusted now: %s", r.reason);
    CHECK(install(in, "by-b-out", &r) == FARO_ESIG && r.why == INSTALL_OUT_OF_SCOPE, "b scope");
    rev.revoke = 1;
    sig_keyid_hex(add.pub.keynum, rev.key_id);
    CHECK(keypack_write(P("keys2.faro"), "org.faro.keys", 2, &rev, 1, err, sizeof err) == 0,
          "keypack 2");
    sign("keys2", &key_root);
    CHECK(install(in, "keys2", &r) == 0, "revoking key pack: %s", r.reason);
    CHECK(install(in, "by-b2", &r) == FARO_ESIG && r.why == INSTALL_UNKNOWN_KEY, "b revoked");
    CHECK_CONTAINS(r.reason, "revoked by key pack 'org.faro.keys'");
    CHECK(install(in, "keys1", &r) == FARO_EPACK && r.why == INSTALL_OLD_VERSION, "key pack rollback");
    install_close(in);
    /* the trust store reloads the same way after a restart */
    trust *t = trust_open(P("d3/keys"), err, sizeof err);
    CHECK(trust_count(t) == 2, "a and root after restart, got %d", trust_count(t));
    trust_free(t);
    state_close(st);
}

/* ---------------------------------------------------------------- expiry, layers */

static void test_expiry_layers(void)
{
    char err[FARO_MAX_ERRLEN];
    install_result r;
    install_entry e[8];
    trust_key_in("d4", "a");
    state *st = state_open(P("d4/state.db"), err, sizeof err);
    installer *in = install_open(P("d4"), st, err, sizeof err);
    install_set_today(in, "2026-06-01");
    CHECK(install(in, "old", &r) == 0 && r.why == INSTALL_EXPIRED_SHOWN, "expired shown: %s", r.reason);
    CHECK(install(in, "alert", &r) == FARO_EPACK && r.why == INSTALL_EXPIRED, "expired alert: %s",
          r.reason);
    install_set_today(in, "2025-01-01");
    CHECK(install(in, "alert", &r) == 0, "alert before expiry: %s", r.reason);
    CHECK(install(in, "base", &r) == 0, "base");
    CHECK(install(in, "site", &r) == 0, "site");
    int n = install_list(P("d4"), "2026-06-01", e, 8, err, sizeof err);
    CHECK(n == 4, "four packs, got %d", n);
    if (n == 4) {
        CHECK_STR(e[0].id, "org.faro.site");    /* site layer first */
        CHECK_STR(e[1].id, "org.faro.base");    /* then base, by id */
        CHECK_STR(e[2].id, "org.faro.old");
    }
    /* hidden: the alert (expired, expiry_hides) is listed last and not shown */
    CHECK(n == 4 && strcmp(e[3].id, "org.faro.alert") == 0 && !e[3].shown && e[3].expired,
          "alert hidden after expiry");
    CHECK(n == 4 && e[2].expired && e[2].shown, "old pack expired but shown");
    /* layers through the store: site wins the shared topic id 'safety' */
    store *s = store_new();
    for (int i = 0; i < n; i++)
        if (e[i].shown && (strcmp(e[i].id, "org.faro.site") == 0 || strcmp(e[i].id, "org.faro.base") == 0))
            store_add_file(s, e[i].path, err, sizeof err);
    const char *const langs[] = { "en", NULL };
    store_result *res = NULL;
    CHECK(store_topic(s, "safety", langs, &res, err, sizeof err) == 0, "topic");
    if (res)
        CHECK_STR(res->u.topics[0].title, "SiteTitle");
    store_result_free(res);
    store_free(s);
    install_close(in);
    state_close(st);
}

int main(void)
{
    char err[FARO_MAX_ERRLEN];
    log_quiet(1);
    CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
    new_key("a", &key_a, "# publisher a\nscope org.faro.*\n");
    new_key("b", &key_b, NULL);
    new_key("root", &key_root, "root\n");
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    make_pack("v2", "org.faro.t", 2, "base", NULL, NULL, &key_a, NULL);
    make_pack("v3", "org.faro.t", 3, "base", NULL, NULL, &key_a, NULL);
    make_pack("v4", "org.faro.t", 4, "base", NULL, NULL, &key_a, NULL);
    make_pack("nosig", "org.faro.n", 1, "base", NULL, NULL, NULL, NULL);
    make_pack("by-b", "org.b.one", 1, "base", NULL, NULL, &key_b, NULL);
    make_pack("by-b2", "org.b.one", 2, "base", NULL, NULL, &key_b, NULL);
    make_pack("by-b-out", "org.faro.b", 1, "base", NULL, NULL, &key_b, NULL);
    make_pack("other", "org.other.x", 1, "base", NULL, NULL, &key_a, NULL);
    make_pack("old", "org.faro.old", 1, "base", "expires: 2026-01-01\n", NULL, &key_a, NULL);
    make_pack("alert", "org.faro.alert", 1, "base", "expires: 2026-01-01\n", "expiry_hides=true",
              &key_a, NULL);
    make_pack("base", "org.faro.base", 1, "base", NULL, NULL, &key_a, "BaseTitle");
    make_pack("site", "org.faro.site", 1, "site", NULL, NULL, &key_a, "SiteTitle");
    setenv("SOURCE_DATE_EPOCH", "1700000001", 1);
    make_pack("v3b", "org.faro.t", 3, "base", NULL, NULL, &key_a, NULL);
    CHECK(!files_equal(P("v3.faro"), P("v3b.faro")), "v3b differs from v3");

    test_versions();
    test_source_faults();
    for (int i = 0; i < (int)(sizeof steps / sizeof steps[0]); i++)
        power_cut(i);
    test_keypacks();
    test_expiry_layers();

    sig_seckey_wipe(&key_a);
    sig_seckey_wipe(&key_b);
    sig_seckey_wipe(&key_root);
    (void)err;
    if (check_failed == 0)
        check_sh("rm -rf %s", tmp);
    return check_done();
}
