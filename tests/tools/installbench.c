/*
 * installbench.c — the installer's figures for `make bench` (run from the
 * repo root):
 *
 *   install_mb_per_s       installing a signed 200 MB pack (content-mini plus
 *                          50 media rows of 4 MB random bytes): copy, fsync,
 *                          hash, verify, hardened open with quick_check,
 *                          rename, fsync folder, record
 *   install_rss_growth_mb  peak RSS during that install minus RSS before it
 *                          (the peak is reset through /proc/self/clear_refs)
 *   usb_to_screen_ms       a stick folder with a default-size pack (content/
 *                          default under another id, one topic renamed) is
 *                          moved under a watched root -> the watcher thread
 *                          installs it -> the shelf builds the next generation
 *                          on its thread -> swapped into the app -> the home
 *                          screen's widget tree shows the new title
 *   pack_opens_per_install a kiosk data folder with two packs installed and its
 *                          shelf running: pack_open_count() across installing a
 *                          third pack and the shelf's reload, as the kiosk does
 */
#include "app.h"
#include "cfg.h"
#include "faro.h"
#include "install.h"
#include "loc.h"
#include "log.h"
#include "pack.h"
#include "pack_build.h"
#include "shelf.h"
#include "sig.h"
#include "sig_sign.h"
#include "state.h"
#include "store.h"
#include "txt.h"
#include "usb.h"
#include "benchclock.h"

#include <SDL2/SDL.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

#define BIG_ROWS 50
#define BIG_ROW_BYTES (4u << 20)

static char tmp[] = "/tmp/faro-installbench-XXXXXX";
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stick_done;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* VmRSS or VmHWM of this process, in kB. */
static long status_kb(const char *key)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0)
            kb = strtol(line + strlen(key) + 1, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

static int build(const char *src, const char *out, char *err, size_t errlen)
{
    lint_report *rep = lint_report_new();
    int rc = pack_build_dir(src, out, rep, NULL, err, errlen);
    if (rc != 0 && lint_report_at(rep, 0))
        fprintf(stderr, "installbench: %s\n", lint_report_at(rep, 0));
    lint_report_free(rep);
    return rc;
}

/* Adds BIG_ROWS media rows of random bytes to the pack at path. */
static int pad_pack(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    unsigned char *blob = malloc(BIG_ROW_BYTES);
    FILE *r = fopen("/dev/urandom", "rb");
    int rc = 0;
    if (!blob || !r || sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO media VALUES(?1, 'image/png', ?2)", -1, &st, NULL);
    for (int i = 0; i < BIG_ROWS && rc == 0; i++) {
        char name[64];
        snprintf(name, sizeof name, "media/big-%02d.png", i);
        if (fread(blob, 1, BIG_ROW_BYTES, r) != BIG_ROW_BYTES)
            rc = -1;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 2, blob, BIG_ROW_BYTES, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    fclose(r);
    free(blob);
    return rc;
}

static int make_key(const char *data, sig_seckey *sk, const char *scope, char *err, size_t errlen)
{
    char pub[600], sec[600];
    snprintf(pub, sizeof pub, "%s/keys/bench.pub", data);
    snprintf(sec, sizeof sec, "%s/bench-%s.key", tmp, strrchr(data, '/') + 1);
    sh("mkdir -p %s/keys && echo 'scope %s' > %s/keys/bench.scope", data, scope, data);
    if (sig_keygen(pub, sec, err, errlen) != 0)
        return -1;
    return sig_seckey_load(sec, NULL, sk, err, errlen);
}

static int bench_big(void)
{
    char err[FARO_MAX_ERRLEN], packf[600], sigp[620], data[600], dbp[620];
    install_result res;
    sig_seckey sk;
    snprintf(packf, sizeof packf, "%s/big.faro", tmp);
    snprintf(sigp, sizeof sigp, "%s.minisig", packf);
    snprintf(data, sizeof data, "%s/kiosk-big", tmp);
    snprintf(dbp, sizeof dbp, "%s/state.db", data);
    /* the pack is made by a child process, so that this process's heap and
     * peak RSS hold nothing of the 200 MB it wrote */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (build("tests/fixtures/content-mini", packf, err, sizeof err) != 0 || pad_pack(packf) != 0 ||
            make_key(data, &sk, "org.faro.*", err, sizeof err) != 0 ||
            sig_sign_file(&sk, packf, sigp, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "installbench: %s\n", err);
            _exit(1);
        }
        sig_seckey_wipe(&sk);
        _exit(0);
    }
    int status = 1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
        return -1;
    state *st = state_open(dbp, err, sizeof err);
    installer *in = install_open(data, st, err, sizeof err);
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);          /* resets VmHWM to the current RSS */
        fclose(f);
    }
    long before = status_kb("VmRSS:");
    double t0 = now_ms();
    int rc = install_pack(in, packf, NULL, NULL, NULL, &res);
    double ms = now_ms() - t0;
    long peak = status_kb("VmHWM:");
    install_close(in);
    state_close(st);
    if (rc != 0) {
        fprintf(stderr, "installbench: %s\n", res.reason);
        return -1;
    }
    double mb = BIG_ROWS * (double)BIG_ROW_BYTES / (1 << 20);
    printf("install_mb_per_s: %.0f MB/s\n", mb / (ms / 1000));
    printf("install_rss_growth_mb: %.1f MB\n", (peak - before) / 1024.0);
    return 0;
}

static void on_event(void *user, const usb_event *ev)
{
    if (ev->kind != USB_STICK_DONE)
        return;
    pthread_mutex_lock(&mu);
    stick_done = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

static int gen_ready;

/* The shelf's thread: a generation is ready to swap in. */
static void on_ready(void *user)
{
    pthread_mutex_lock(&mu);
    gen_ready = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

static void wait_ready(void)
{
    pthread_mutex_lock(&mu);
    while (!gen_ready)
        pthread_cond_wait(&cv, &mu);
    gen_ready = 0;
    pthread_mutex_unlock(&mu);
}

static void into_app(void *user, store *st, loc_set *loc)
{
    app_set_store(user, st);
    app_set_locales(user, loc);
}

/* The kiosk's shelf over data (installed packs, the shipped locales, the default). */
static shelf *open_shelf(const char *data, state *db)
{
    char err[FARO_MAX_ERRLEN];
    shelf_opts o = { .data_dir = data, .locales_dir = "locales", .default_pack = faro_default_pack,
                     .default_len = (size_t)(faro_default_pack_end - faro_default_pack),
                     .db = db, .on_ready = on_ready };
    shelf *shf = shelf_open(&o, err, sizeof err);
    if (!shf)
        fprintf(stderr, "installbench: %s\n", err);
    return shf;
}

static int tree_has(app *a, const char *text)
{
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->text && strstr(ui_get(t, i)->text, text))
            return 1;
    return 0;
}

static int tap(app *a, const char *arg)
{
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->arg && strcmp(ui_get(t, i)->arg, arg) == 0) {
            app_activate(a, i, 1);
            return 0;
        }
    return -1;
}

static int bench_usb(void)
{
    char err[FARO_MAX_ERRLEN], data[600], stage[600], root[600], packf[700], sigp[720];
    sig_seckey sk;
    cfg c;
    snprintf(data, sizeof data, "%s/kiosk-usb", tmp);
    snprintf(stage, sizeof stage, "%s/stage/stick", tmp);
    snprintf(root, sizeof root, "%s/media", tmp);
    snprintf(packf, sizeof packf, "%s/faro/news.faro", stage);
    snprintf(sigp, sizeof sigp, "%s.minisig", packf);
    sh("mkdir -p %s/faro %s && cp -R content/default %s/src && sed -i "
       "'s/^id: .*/id: org.bench.news/' %s/src/pack.yaml && sed -i "
       "'0,/en: Risks on the route/s//en: Bench News/' %s/src/topics.yaml", stage, root, tmp, tmp, tmp);
    char src[700];
    snprintf(src, sizeof src, "%s/src", tmp);
    if (build(src, packf, err, sizeof err) != 0 || make_key(data, &sk, "org.bench.*", err, sizeof err) ||
        sig_sign_file(&sk, packf, sigp, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "installbench: %s\n", err);
        return -1;
    }
    sig_seckey_wipe(&sk);
    cfg_defaults(&c);
    SDL_Init(0);
    state *st = state_open("/dev/null/none", err, sizeof err);
    installer *in = install_open(data, st, err, sizeof err);
    shelf *shf = open_shelf(data, st);
    txt_ctx *txt = txt_new("assets/fonts", 16u << 20, err, sizeof err);
    app *a = txt && shf ? app_new(&c, shelf_store(shf), shelf_locales(shf), txt) : NULL;
    if (shf) {
        shelf_start(shf);
        shelf_wait(shf);                /* the kiosk at rest: its index up to date */
    }
    const char *roots[] = { root, NULL };
    usb_watch *w = in ? usb_start(in, roots, on_event, NULL, err, sizeof err) : NULL;
    if (!a || !w || tap(a, "en") != 0 || tree_has(a, "Bench News")) {
        fprintf(stderr, "installbench: cannot set up the kiosk (%s)\n", err);
        return -1;
    }
    double t0 = now_ms();
    sh("mv %s/stage/stick %s/", tmp, root);
    pthread_mutex_lock(&mu);
    while (!stick_done)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    double t_installed = now_ms();
    shelf_reload(shf);
    wait_ready();
    double t_store = now_ms();
    shelf_swap(shf, into_app, a);
    double t_search = now_ms();
    int shown = tree_has(a, "Bench News");
    double ms = now_ms() - t0;
    fprintf(stderr, "installbench: usb_to_screen: found+installed %.0f ms, store %.0f ms, "
            "swap %.0f ms, screen %.0f ms\n", t_installed - t0, t_store - t_installed,
            t_search - t_store, now_ms() - t_search);
    if (shown)
        printf("usb_to_screen_ms: %.0f ms\n", ms);
    else
        fprintf(stderr, "installbench: the new pack is not on screen\n");
    usb_stop(w);
    app_free(a);
    shelf_close(shf);
    install_close(in);
    txt_free(txt);
    SDL_Quit();
    return shown ? 0 : -1;
}

/* Builds content/default as pack `id` into out and signs it. */
static int bench_pack(const char *id, const char *out, const sig_seckey *sk, char *err, size_t errlen)
{
    char src[700], sigp[2200];
    snprintf(src, sizeof src, "%s/src-%s", tmp, id);
    snprintf(sigp, sizeof sigp, "%s.minisig", out);
    sh("rm -rf %s && cp -R content/default %s && sed -i 's/^id: .*/id: %s/' %s/pack.yaml", src, src,
       id, src);
    if (build(src, out, err, errlen) != 0)
        return -1;
    return sig_sign_file(sk, out, sigp, NULL, err, errlen);
}

static int bench_opens(void)
{
    char err[FARO_MAX_ERRLEN], data[600], packf[3][700], dbp[700];
    const char *ids[3] = { "org.bench.one", "org.bench.two", "org.bench.three" };
    install_result res;
    sig_seckey sk;
    snprintf(data, sizeof data, "%s/kiosk-opens", tmp);
    snprintf(dbp, sizeof dbp, "%s/state.db", data);
    if (make_key(data, &sk, "org.bench.*", err, sizeof err) != 0)
        goto fail;
    for (int i = 0; i < 3; i++) {
        snprintf(packf[i], sizeof packf[i], "%s/%s.faro", tmp, ids[i]);
        if (bench_pack(ids[i], packf[i], &sk, err, sizeof err) != 0)
            goto fail;
    }
    sig_seckey_wipe(&sk);
    state *st = state_open(dbp, err, sizeof err);
    installer *in = install_open(data, st, err, sizeof err);
    if (!in || install_pack(in, packf[0], NULL, NULL, NULL, &res) != 0 ||
        install_pack(in, packf[1], NULL, NULL, NULL, &res) != 0)
        goto fail;
    shelf *shf = open_shelf(data, st);
    if (!shf)
        goto fail;
    shelf_start(shf);
    shelf_index(shf);                    /* the kiosk at rest: index up to date */
    long before = pack_open_count();
    int rc = install_pack(in, packf[2], NULL, NULL, NULL, &res);
    shelf_reload(shf);
    wait_ready();
    shelf_swap(shf, NULL, NULL);
    long opens = pack_open_count() - before;
    shelf_wait(shf);                     /* its index too (opens no pack) */
    opens = pack_open_count() - before;
    if (rc == 0 && store_pack_count(shelf_store(shf)) == 4)
        printf("pack_opens_per_install: %ld opens\n", opens);
    else
        fprintf(stderr, "installbench: opens: install %d, %d packs\n", rc, store_pack_count(shelf_store(shf)));
    shelf_close(shf);
    install_close(in);
    state_close(st);
    return 0;
fail:
    fprintf(stderr, "installbench: opens: %s\n", err);
    return -1;
}

int main(void)
{
    if (!mkdtemp(tmp))
        return 1;
    log_quiet(1);
    int rc = bench_big();
    rc |= bench_usb();
    rc |= bench_opens();
    sh("rm -rf %s", tmp);
    return rc ? 1 : 0;
}
