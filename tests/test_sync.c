/*
 * test_sync.c — network sync end to end, only on 127.0.0.1.
 *
 * 1. nginx from Debian (started here with a config written here) serves a
 *    mirror made by `faro-pack publish`: an empty kiosk installs the pack,
 *    the next poll is one conditional request answered 304, a newer
 *    version published to the mirror is installed and shown on the home
 *    screen of a headless kiosk (app + widget tree).
 * 2. tests/tools/faultserver plays each fault; for each, on a kiosk that
 *    holds version 3 while the mirror offers 4: the poll fails with the
 *    expected locale key, the installed packs are byte-for-byte unchanged,
 *    and once the fault is gone the next poll installs version 4.
 * 3. Catalog faults: replayed older catalog, expired, tampered, signed by
 *    an unknown key; mirrors tried in order; unsubscribed packs ignored.
 * 4. A 50 MB download cut half-way resumes with a Range request.
 * 5. The worker thread polls on sync_wake and stops cleanly; back-off.
 */
#include "check.h"
#include "tools/syncenv.h"
#include "app.h"
#include "cfg.h"
#include "loc.h"
#include "log.h"
#include "store.h"
#include "txt.h"

#include <pthread.h>

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

static char tmp[128], key_path[160], pub_path[160];
static sig_seckey key;

typedef struct kiosk {
    char dir[256];
    state *st;
    installer *in;
    sync_ctx *sy;
    char err[FARO_MAX_ERRLEN];
} kiosk;

/* ---- a kiosk ---- */

static int kiosk_open(kiosk *k, const char *name, const char *const *mirrors, int nmirrors,
                      const char *subscribe, int preinstall)
{
    char path[ENV_PATH + 64];
    const char *subs[1] = { subscribe };
    memset(k, 0, sizeof *k);
    snprintf(k->dir, sizeof k->dir, "%s/%s", tmp, name);
    if (env_make_kiosk(k->dir, pub_path, "org.faro.*") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/state.db", k->dir);
    k->st = state_open(path, k->err, sizeof k->err);
    k->in = k->st ? install_open(k->dir, k->st, k->err, sizeof k->err) : NULL;
    if (!k->in)
        return -1;
    if (preinstall) {
        install_result res;
        snprintf(path, sizeof path, "%s/in3/mini.faro", tmp);
        if (install_pack(k->in, path, NULL, NULL, NULL, &res) != 0) {
            snprintf(k->err, sizeof k->err, "preinstall: %.400s", res.reason);
            return -1;
        }
    }
    sync_opts o = { .data_dir = k->dir, .mirrors = mirrors, .nmirrors = nmirrors,
                    .subscribe = subs, .nsubscribe = 1, .poll_s = 3600,
                    .connect_timeout_s = 5, .low_speed_time_s = 1, .low_speed_bytes = 1000 };
    k->sy = sync_new(&o, k->in, k->st, k->err, sizeof k->err);
    return k->sy ? 0 : -1;
}

static void kiosk_close(kiosk *k)
{
    sync_free(k->sy);
    install_close(k->in);
    state_close(k->st);
}

static void packs_snapshot(const kiosk *k, char *out, size_t size)
{
    char dir[ENV_PATH + 16];
    snprintf(dir, sizeof dir, "%s/packs", k->dir);
    env_snapshot(dir, out, size);
}

/* Version of the installed org.faro.test-mini, 0 if none. */
static long installed_version(const kiosk *k)
{
    long v = 0;
    char hash[2 * SIG_HASH_BYTES + 1];
    char path[ENV_PATH + 64];
    snprintf(path, sizeof path, "%s/packs/org.faro.test-mini.faro", k->dir);
    if (access(path, F_OK) != 0)
        return 0;
    state_pack_seen(k->st, "org.faro.test-mini", &v, hash, sizeof hash);
    return v;
}

/* ---- 1. nginx ---- */

/* The home screen of a headless kiosk on data_dir's packs, in English:
 * does it show `title`? */
static int home_shows(const char *data_dir, const char *title)
{
    char err[FARO_MAX_ERRLEN];
    install_entry list[8];
    cfg c;
    cfg_defaults(&c);
    store *st = store_new();
    int n = install_list(data_dir, NULL, list, 8, err, sizeof err);
    for (int i = 0; i < n; i++)
        if (list[i].shown)
            store_add_file(st, list[i].path, err, sizeof err);
    store_add_memory(st, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack),
                     "default", err, sizeof err);
    loc_set *loc = loc_new();
    loc_load_dir(loc, "locales");
    txt_ctx *txt = txt_new("assets/fonts", 4u << 20, err, sizeof err);
    app *a = app_new(&c, st, loc, txt);
    int found = 0;
    if (a && txt) {
        app_resize(a, c.width, c.height);
        int en = ui_find(app_tree(a), "English", 0);
        if (en >= 0)
            app_activate(a, en, 1000);
        found = ui_find(app_tree(a), title, 0) >= 0;
    }
    app_free(a);
    txt_free(txt);
    loc_free(loc);
    store_free(st);
    return found;
}

static void test_nginx(void)
{
    char mirror[ENV_PATH + 16], in[ENV_PATH + 16], url[128], snap[2048];
    pid_t pid = -1;
    snprintf(mirror, sizeof mirror, "%s/mirror-nginx", tmp);
    snprintf(in, sizeof in, "%s/in3", tmp);
    CHECK(env_publish(key_path, in, mirror, NULL, NULL) == 0, "publish v3");
    int port = env_start_nginx(tmp, mirror, &pid);
    CHECK(port > 0, "nginx started");
    if (port <= 0)
        return;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    const char *mirrors[] = { url };
    kiosk k;
    if (kiosk_open(&k, "kiosk-nginx", mirrors, 1, "org.faro.*", 0) != 0) {
        CHECK(0, "kiosk: %s", k.err);
        env_stop(pid);
        return;
    }
    sync_status s;
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "first poll: %s", k.err);
    sync_status_get(k.sy, &s);
    CHECK(s.installed == 1 && installed_version(&k) == 3, "installed %d, version %ld",
          s.installed, installed_version(&k));
    CHECK(s.last_success > 0 && s.error_key[0] == '\0', "status after success: %s", s.error_key);

    /* nothing changed: one small conditional request */
    packs_snapshot(&k, snap, sizeof snap);
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "second poll: %s", k.err);
    sync_status_get(k.sy, &s);
    CHECK(s.installed == 0, "nothing new: %d", s.installed);
    CHECK(s.wire_bytes > 0 && s.wire_bytes < 1000, "poll with no change: %llu bytes", s.wire_bytes);
    printf("poll_nochange_bytes: %llu bytes (nginx, 304)\n", s.wire_bytes);

    /* a newer version on the mirror is picked up and shown */
    snprintf(in, sizeof in, "%s/in4", tmp);
    CHECK(env_publish(key_path, in, mirror, NULL, NULL) == 0, "publish v4");
    char stale[ENV_PATH + 64];
    snprintf(stale, sizeof stale, "%s/staging/sync/org.faro.gone-1.part", k.dir);
    env_write(stale, "partial download of a pack the catalog no longer lists");
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "poll after publish: %s", k.err);
    CHECK(access(stale, F_OK) != 0, "stale partial download removed");
    CHECK(installed_version(&k) == 4, "version %ld after publish", installed_version(&k));
    CHECK(home_shows(k.dir, "Safety news"), "home screen shows the new title");
    CHECK(!home_shows(k.dir, "Safety is"), "and not a title that does not exist");
    kiosk_close(&k);
    env_stop(pid);
}

/* HTTPS: a certificate from a local CA is accepted with ca_file and
 * refused without it. */
static void test_tls(void)
{
    char dir[ENV_PATH], cert[ENV_PATH + 16], pkey[ENV_PATH + 16], ca[ENV_PATH + 16], mirror[ENV_PATH];
    char url[128], before[2048], after[2048];
    pid_t pid = -1;
    if (access("/usr/bin/openssl", X_OK) != 0) {
        printf("tls: skipped, no /usr/bin/openssl to make a certificate\n");
        return;
    }
    snprintf(dir, sizeof dir, "%s/tls", tmp);
    mkdir(dir, 0700);
    snprintf(cert, sizeof cert, "%s/srv.pem", dir);
    snprintf(pkey, sizeof pkey, "%s/srv.key", dir);
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    snprintf(mirror, sizeof mirror, "%s/mirror", tmp);
    CHECK(env_make_cert(dir) == 0, "certificates made");
    int port = env_start_nginx_at(tmp, mirror, cert, pkey, &pid);
    CHECK(port > 0, "nginx with TLS started");
    if (port <= 0)
        return;
    snprintf(url, sizeof url, "https://127.0.0.1:%d/", port);
    const char *mirrors[] = { url }, *subs[] = { "org.faro.*" };
    kiosk k;
    if (kiosk_open(&k, "kiosk-tls", mirrors, 1, "org.faro.*", 1) == 0) {
        sync_status s;
        packs_snapshot(&k, before, sizeof before);
        CHECK(sync_poll(k.sy, k.err, sizeof k.err) < 0, "unknown CA: poll failed");
        sync_status_get(k.sy, &s);
        CHECK(!strcmp(s.error_key, "sync.err.tls"), "unknown CA: %s (%s)", s.error_key, s.detail);
        packs_snapshot(&k, after, sizeof after);
        CHECK(!strcmp(before, after), "unknown CA: installed packs changed");
        printf("tls without ca_file -> %s: %s\n", s.error_key, s.detail);
        sync_free(k.sy);
        sync_opts o = { .data_dir = k.dir, .mirrors = mirrors, .nmirrors = 1, .subscribe = subs,
                        .nsubscribe = 1, .poll_s = 3600, .ca_file = ca };
        k.sy = sync_new(&o, k.in, k.st, k.err, sizeof k.err);
        CHECK(k.sy && sync_poll(k.sy, k.err, sizeof k.err) == 0, "with ca_file: %s", k.err);
        CHECK(installed_version(&k) == 4, "over https: version %ld", installed_version(&k));
    } else {
        CHECK(0, "kiosk: %s", k.err);
    }
    kiosk_close(&k);
    env_stop(pid);
}

/* ---- 2. faults ---- */

typedef struct fault {
    const char *mode;          /* faultserver mode (NULL: a closed port) */
    const char *before;        /* mode for a poll first (leaves a partial file) */
    const char *key;           /* expected error key; NULL: the poll succeeds */
    const char *arg;           /* expected error argument, or NULL */
} fault;

static const fault faults[] = {
    { NULL, NULL, "sync.err.connect", NULL },           /* connection refused */
    { "404/all", NULL, "sync.err.http", "404" },
    { "500/all", NULL, "sync.err.http", "500" },
    { "404", NULL, "sync.err.http", "404" },           /* catalog fine, pack missing */
    { "416", NULL, "sync.err.http", "416" },
    { "short", NULL, "sync.err.size", "org.faro.test-mini" },
    { "long", NULL, "sync.err.too_big", "org.faro.test-mini" },
    { "endless", NULL, "sync.err.too_big", "org.faro.test-mini" },
    { "endless/all", NULL, "sync.err.too_big", "catalog" },
    { "norange", "cut", NULL, NULL },                   /* restarts from 0, installs */
    { "change", "cut", "sync.err.hash", "org.faro.test-mini" },
    { "redirloop/all", NULL, "sync.err.redirect", NULL },
    { "redirfile/all", NULL, "sync.err.redirect", NULL },
    { "redirfile", NULL, "sync.err.redirect", NULL },
    { "stall", NULL, "sync.err.timeout", NULL },
    { "stall/all", NULL, "sync.err.timeout", NULL },
    { "cut", NULL, "sync.err.interrupted", NULL },
};

static void run_fault(const fault *f, int port, int closed_port, int i)
{
    char url[128], dead[128], name[64], before[2048], after[2048];
    kiosk k;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    snprintf(dead, sizeof dead, "http://127.0.0.1:%d/", closed_port);
    snprintf(name, sizeof name, "kiosk-fault-%d", i);
    const char *mirrors[] = { f->mode ? url : dead };
    if (kiosk_open(&k, name, mirrors, 1, "org.faro.test-mini", 1) != 0) {
        CHECK(0, "kiosk %s: %s", name, k.err);
        return;
    }
    packs_snapshot(&k, before, sizeof before);
    if (f->before) {
        env_mode(port, f->before);
        sync_poll(k.sy, k.err, sizeof k.err);
    }
    env_mode(port, f->mode ? f->mode : "normal");
    int rc = sync_poll(k.sy, k.err, sizeof k.err);
    sync_status s;
    sync_status_get(k.sy, &s);
    const char *label = f->mode ? f->mode : "refused";
    if (f->key) {
        CHECK(rc < 0, "%s: poll succeeded", label);
        CHECK(!strcmp(s.error_key, f->key), "%s: key %s, want %s (%s)", label, s.error_key, f->key, s.detail);
        CHECK(!f->arg || !strcmp(s.error_arg, f->arg), "%s: arg %s, want %s", label, s.error_arg, f->arg);
        CHECK(s.detail[0] != '\0' && s.fails == (f->before ? 2 : 1), "%s: detail '%s', fails %d", label, s.detail, s.fails);
        packs_snapshot(&k, after, sizeof after);
        CHECK(!strcmp(before, after), "%s: installed packs changed", label);
        CHECK(installed_version(&k) == 3, "%s: version %ld", label, installed_version(&k));
    } else {
        CHECK(rc == 0, "%s: %s", label, k.err);
    }
    printf("fault %-14s -> %s %s: %s\n", label, s.error_key[0] ? s.error_key : "ok", s.error_arg, s.detail);
    if (!f->mode) {          /* the fault is gone: a working mirror after the dead one */
        sync_free(k.sy);
        const char *both[] = { dead, url };
        const char *subs[] = { "org.faro.test-mini" };
        sync_opts o = { .data_dir = k.dir, .mirrors = both, .nmirrors = 2, .subscribe = subs,
                        .nsubscribe = 1, .poll_s = 3600, .low_speed_time_s = 1, .low_speed_bytes = 1000 };
        k.sy = sync_new(&o, k.in, k.st, k.err, sizeof k.err);
    }
    env_mode(port, "normal");
    rc = sync_poll(k.sy, k.err, sizeof k.err);
    CHECK(rc == 0 && installed_version(&k) == 4, "%s: next poll: %s (version %ld)", label, k.err,
          installed_version(&k));
    kiosk_close(&k);
}

static void test_faults(int port)
{
    int closed = env_free_port();
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        run_fault(&faults[i], port, closed, (int)i);
}

/* ---- 3. catalog faults ---- */

static void expect_catalog_error(kiosk *k, const char *want, const char *label)
{
    char before[2048], after[2048];
    sync_status s;
    packs_snapshot(k, before, sizeof before);
    int rc = sync_poll(k->sy, k->err, sizeof k->err);
    sync_status_get(k->sy, &s);
    packs_snapshot(k, after, sizeof after);
    CHECK(rc < 0 && !strcmp(s.error_key, want), "%s: rc %d key %s, want %s (%s)", label, rc,
          s.error_key, want, s.detail);
    CHECK(!strcmp(before, after), "%s: installed packs changed", label);
    printf("catalog %-9s -> %s: %s\n", label, s.error_key, s.detail);
}

static void test_catalog_faults(int port)
{
    char mirror[ENV_PATH + 16], in[ENV_PATH + 16], url[128], save[ENV_PATH + 16];
    snprintf(mirror, sizeof mirror, "%s/mirror", tmp);
    snprintf(save, sizeof save, "%s/saved", tmp);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    const char *mirrors[] = { url };
    kiosk k;
    env_mode(port, "normal");
    if (kiosk_open(&k, "kiosk-catalog", mirrors, 1, "org.faro.*", 1) != 0) {
        CHECK(0, "kiosk: %s", k.err);
        return;
    }
    /* the mirror's current catalog (v4) is accepted; keep an older one */
    env_sh("mkdir -p '%s' && cp '%s/catalog' '%s/catalog.minisig' '%s/'", save, mirror, mirror, save);
    snprintf(in, sizeof in, "%s/in4", tmp);
    CHECK(env_publish(key_path, in, mirror, NULL, NULL) == 0, "republish");
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "poll: %s", k.err);

    /* replay: the older catalog comes back */
    env_sh("cp '%s/catalog' '%s/catalog.minisig' '%s/'", save, save, mirror);
    expect_catalog_error(&k, "sync.err.catalog_old", "replayed");

    /* expired */
    CHECK(env_publish(key_path, in, mirror, "--expires-days", "-1") == 0, "publish expired");
    expect_catalog_error(&k, "sync.err.catalog_expired", "expired");

    /* tampered: one byte of the catalog changed after signing */
    CHECK(env_publish(key_path, in, mirror, NULL, NULL) == 0, "publish");
    env_sh("sed -i 's/^expires 2/expires 3/' '%s/catalog'", mirror);
    expect_catalog_error(&k, "sync.err.catalog_sig", "tampered");

    /* signed by a key the kiosk does not trust */
    char other_pub[ENV_PATH + 16], other_key[ENV_PATH + 16], err[FARO_MAX_ERRLEN];
    snprintf(other_pub, sizeof other_pub, "%s/other.pub", tmp);
    snprintf(other_key, sizeof other_key, "%s/other.key", tmp);
    CHECK(sig_keygen(other_pub, other_key, err, sizeof err) == 0, "keygen: %s", err);
    CHECK(env_publish(other_key, in, mirror, NULL, NULL) == 0, "publish with another key");
    expect_catalog_error(&k, "sync.err.catalog_key", "unknown key");

    /* the fault gone: the next poll succeeds */
    CHECK(env_publish(key_path, in, mirror, NULL, NULL) == 0, "publish");
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "poll after the catalog faults: %s", k.err);
    kiosk_close(&k);

    /* not subscribed: nothing downloaded, the poll is a success */
    if (kiosk_open(&k, "kiosk-unsubscribed", mirrors, 1, "org.other.*", 1) == 0) {
        CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "unsubscribed poll: %s", k.err);
        CHECK(installed_version(&k) == 3, "unsubscribed: version %ld", installed_version(&k));
    }
    kiosk_close(&k);
}

/* A pack the installer refuses (signed by an unknown key) is reported with
 * the installer's key and not downloaded again for the same bytes. */
static void test_refused(int port)
{
    char url[128], sig[ENV_PATH], saved[ENV_PATH], other_key[ENV_PATH], err[FARO_MAX_ERRLEN];
    char before[2048], after[2048];
    sig_seckey other;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    snprintf(sig, sizeof sig, "%s/mirror/packs/org.faro.test-mini-4.faro.minisig", tmp);
    snprintf(saved, sizeof saved, "%s/saved-pack.minisig", tmp);
    snprintf(other_key, sizeof other_key, "%s/other.key", tmp);
    const char *mirrors[] = { url };
    kiosk k;
    env_mode(port, "normal");
    if (sig_seckey_load(other_key, NULL, &other, err, sizeof err) != 0 ||
        kiosk_open(&k, "kiosk-refused", mirrors, 1, "org.faro.*", 1) != 0) {
        CHECK(0, "set-up: %s %s", err, k.err);
        return;
    }
    env_sh("cp '%s' '%s'", sig, saved);
    char pack[ENV_PATH];
    snprintf(pack, sizeof pack, "%s/mirror/packs/org.faro.test-mini-4.faro", tmp);
    CHECK(sig_sign_file(&other, pack, sig, NULL, err, sizeof err) == 0, "sign: %s", err);
    sig_seckey_wipe(&other);
    packs_snapshot(&k, before, sizeof before);
    sync_status s;
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) < 0, "refused pack: poll failed");
    sync_status_get(k.sy, &s);
    CHECK(!strcmp(s.error_key, "install.unknown_key") && !strcmp(s.error_arg, "org.faro.test-mini"),
          "refused: %s %s (%s)", s.error_key, s.error_arg, s.detail);
    packs_snapshot(&k, after, sizeof after);
    CHECK(!strcmp(before, after), "refused: installed packs changed");
    env_get(port, "/__reset", err);
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "second poll: %s", k.err);
    CHECK(env_stat(port, "requests") == 2, "second poll made %lld requests (catalog and signature only)",
          env_stat(port, "requests"));
    printf("refused -> %s %s: %s\n", s.error_key, s.error_arg, s.detail);
    env_sh("cp '%s' '%s'", saved, sig);
    kiosk_close(&k);
}

/* ---- 4. resume of a 50 MB download ---- */

static void test_resume(int port)
{
    char in[ENV_PATH + 16], pack[ENV_PATH + 32], mirror[ENV_PATH + 16], url[160], part[ENV_PATH + 96];
    const long long big = 50ll << 20;
    snprintf(in, sizeof in, "%s/inbig", tmp);
    snprintf(pack, sizeof pack, "%s/big.faro", in);
    snprintf(mirror, sizeof mirror, "%s/mirror", tmp);
    mkdir(in, 0700);
    CHECK(env_make_pack(tmp, 7, "Big", pack, NULL) == 0, "build big");
    CHECK(env_pad_pack(pack, "org.faro.test-big", big, &key) == 0, "pad big");
    CHECK(env_publish(key_path, in, mirror, NULL, NULL) == 0, "publish big");
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    const char *mirrors[] = { url };
    kiosk k;
    if (kiosk_open(&k, "kiosk-big", mirrors, 1, "org.faro.test-big", 0) != 0) {
        CHECK(0, "kiosk: %s", k.err);
        return;
    }
    env_mode(port, "cut");                   /* the network goes away half-way */
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) < 0, "cut poll failed");
    snprintf(part, sizeof part, "%s/staging/sync/org.faro.test-big-7.part", k.dir);
    struct stat st;
    long long have = stat(part, &st) == 0 ? (long long)st.st_size : 0;
    CHECK(have > big / 3 && have < big, "partial file holds %lld bytes", have);
    env_mode(port, "normal");                /* and comes back */
    env_get(port, "/__reset", url);
    CHECK(sync_poll(k.sy, k.err, sizeof k.err) == 0, "resumed poll: %s", k.err);
    long long start = env_stat(port, "last_range_start"), sent = env_stat(port, "bytes_out");
    CHECK(start == have, "resume asked from byte %lld, partial had %lld", start, have);
    CHECK(sent < big - have + (1 << 20), "resume sent %lld bytes, %lld were missing", sent, big - have);
    CHECK(access(part, F_OK) != 0, "partial file removed after install");
    long v = 0;
    char hash[2 * SIG_HASH_BYTES + 1];
    CHECK(state_pack_seen(k.st, "org.faro.test-big", &v, hash, sizeof hash) == 0 && v == 7,
          "big pack installed (version %ld)", v);
    printf("resume: cut at %lld of %lld bytes, resumed from %lld, %lld bytes sent after the cut\n",
           have, big, start, sent);
    kiosk_close(&k);
    env_sh("rm -f '%s'/packs/org.faro.test-big-* '%s'/*.faro*", mirror, in);
    snprintf(in, sizeof in, "%s/in4", tmp);          /* the mirror lists mini v4 again */
    CHECK(env_publish(key_path, in, mirror, NULL, NULL) == 0, "republish v4");
}

/* ---- 5. the worker thread ---- */

static pthread_mutex_t got_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t got_cond = PTHREAD_COND_INITIALIZER;
static int got_installed;

static void on_installed(void *user, const install_result *res)
{
    pthread_mutex_lock(&got_lock);
    got_installed++;
    pthread_cond_signal(&got_cond);
    pthread_mutex_unlock(&got_lock);
}

static void test_worker(int port)
{
    char url[128], path[ENV_PATH + 32];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    const char *mirrors[] = { url };
    kiosk k;
    if (kiosk_open(&k, "kiosk-worker", mirrors, 1, "org.faro.test-mini", 1) != 0) {
        CHECK(0, "kiosk: %s", k.err);
        return;
    }
    sync_free(k.sy);
    const char *subs[] = { "org.faro.test-mini" };
    sync_opts o = { .data_dir = k.dir, .mirrors = mirrors, .nmirrors = 1, .subscribe = subs,
                    .nsubscribe = 1, .poll_s = 3600, .on_installed = on_installed };
    k.sy = sync_new(&o, k.in, k.st, k.err, sizeof k.err);
    CHECK(k.sy && sync_start(k.sy) == 0, "worker started");
    CHECK(sync_start(k.sy) == FARO_EINVAL, "second start refused");
    sync_wake(k.sy);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    int wrc = 0;
    pthread_mutex_lock(&got_lock);
    while (!got_installed && wrc == 0)
        wrc = pthread_cond_timedwait(&got_cond, &got_lock, &until);
    pthread_mutex_unlock(&got_lock);
    sync_status s;
    sync_status_get(k.sy, &s);
    CHECK(got_installed == 1, "worker installed %d packs (wait %d, attempt %lld, polling %d, %s: %s)",
          got_installed, wrc, s.last_attempt, s.polling, s.error_key, s.detail);
    snprintf(path, sizeof path, "%s/packs/org.faro.test-mini.faro", k.dir);
    CHECK(access(path, F_OK) == 0, "pack in place");
    kiosk_close(&k);             /* joins the worker */

    /* back-off and jitter */
    CHECK(sync_next_delay_ms(3600, 0, 0.0) == 3240000, "success, low jitter");
    CHECK(sync_next_delay_ms(3600, 0, 0.999) < 3960000, "success, high jitter");
    CHECK(sync_next_delay_ms(3600, 1, 0.0) == 15000, "one failure: 15..30 s");
    CHECK(sync_next_delay_ms(3600, 3, 0.999) < 120000 && sync_next_delay_ms(3600, 3, 0.0) == 60000,
          "three failures: 60..120 s");
    CHECK(sync_next_delay_ms(60, 20, 0.0) == 120000, "capped at 4 * poll_s (times 0.5)");
}

/* ---- options and config ---- */

static void test_options(void)
{
    char err[FARO_MAX_ERRLEN], path[ENV_PATH + 32];
    const char *bad[] = { "file:///etc/" };
    sync_opts o = { .data_dir = tmp, .mirrors = bad, .nmirrors = 1, .poll_s = 60 };
    state *st = state_open(":memory:", err, sizeof err);
    CHECK(sync_new(&o, (installer *)st, st, err, sizeof err) == NULL, "file:// mirror refused");
    CHECK_CONTAINS(err, "not an http:// or https:// URL");
    state_close(st);

    cfg c;
    cfg_defaults(&c);
    CHECK(c.poll_s == 3600 && c.nmirrors == 0, "defaults");
    snprintf(path, sizeof path, "%s/kiosk.yaml", tmp);
    env_write(path, "mirrors: [https://a.example/faro/, http://127.0.0.1:8080/m]\n"
                    "subscribe: [org.faro.default, org.shelter.*]\npoll_s: 900\nca_file: /etc/ca.pem\n");
    CHECK(cfg_load(&c, path, err, sizeof err) == 0, "config: %s", err);
    CHECK(c.nmirrors == 2 && !strcmp(c.mirrors[1], "http://127.0.0.1:8080/m"), "mirrors");
    CHECK(c.nsubscribe == 2 && !strcmp(c.subscribe[1], "org.shelter.*"), "subscribe");
    CHECK(c.poll_s == 900 && !strcmp(c.ca_file, "/etc/ca.pem"), "poll_s, ca_file");
    env_write(path, "mirrors: [file:///etc/passwd]\nsubscribe: [Org*x]\npoll_s: 1\n");
    log_quiet(1);
    CHECK(cfg_load(&c, path, err, sizeof err) == FARO_EPARSE, "bad values reported");
    log_quiet(0);
    CHECK(c.nmirrors == 2 && c.nsubscribe == 2 && c.poll_s == 900, "bad values keep the previous");
}

/* ---- set-up ---- */

static int setup(void)
{
    char err[FARO_MAX_ERRLEN], dir[ENV_PATH + 16], pack[ENV_PATH + 32];
    snprintf(tmp, sizeof tmp, "/tmp/faro-sync-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(pub_path, sizeof pub_path, "%s/publisher.pub", tmp);
    snprintf(key_path, sizeof key_path, "%s/publisher.key", tmp);
    if (sig_keygen(pub_path, key_path, err, sizeof err) != 0 ||
        sig_seckey_load(key_path, NULL, &key, err, sizeof err) != 0) {
        fprintf(stderr, "keys: %s\n", err);
        return -1;
    }
    for (int v = 3; v <= 4; v++) {
        snprintf(dir, sizeof dir, "%s/in%d", tmp, v);
        snprintf(pack, sizeof pack, "%s/mini.faro", dir);
        mkdir(dir, 0700);
        if (env_make_pack(tmp, v, v == 3 ? "Safety" : "Safety news", pack, &key) != 0)
            return -1;
    }
    snprintf(dir, sizeof dir, "%s/in4", tmp);
    snprintf(pack, sizeof pack, "%s/mirror", tmp);
    return env_publish(key_path, dir, pack, NULL, NULL);
}

int main(void)
{
    pid_t fs = -1;
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("https_proxy");
    unsetenv("all_proxy");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (setup() != 0) {
        CHECK(0, "set-up failed");
        return check_done();
    }
    test_options();
    test_nginx();
    test_tls();
    char mirror[ENV_PATH + 16];
    snprintf(mirror, sizeof mirror, "%s/mirror", tmp);
    int port = env_start_faultserver(mirror, &fs);
    CHECK(port > 0, "faultserver started");
    if (port > 0) {
        test_faults(port);
        test_catalog_faults(port);
        test_refused(port);
        test_resume(port);
        test_worker(port);
    }
    env_stop(fs);
    sig_seckey_wipe(&key);
    if (check_failed == 0)
        env_sh("rm -rf '%s'", tmp);
    else
        fprintf(stderr, "left %s for inspection\n", tmp);
    curl_global_cleanup();
    return check_done();
}
