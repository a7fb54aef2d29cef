/*
 * statebench.c — figures of the kiosk state database and of translation
 * packs, for `make bench`.  Run from the repo root.  Prints:
 *
 *   state_db_30days_kb: X KB     state.db (+ its WAL, if any is left) after
 *                                30 simulated days of heavy use, closed
 *   state_wal_peak_kb: X KB      largest WAL seen while open (SQLite
 *                                checkpoints it every 1000 pages)
 *   locale_pack_apply_ms: X ms   a signed translation pack arriving on a
 *                                running kiosk: installed (signature check,
 *                                copy, fsync, rename), its words laid over
 *                                the live locales, the home screen rebuilt
 *                                and the new title found in its widget tree
 *                                (median of LP_RUNS, each a newer version)
 *
 * Heavy use, per simulated day: USES_PER_DAY views spread over every
 * topic/article id of the default pack's size (31) in each of the 14
 * shipped languages, 48 sync-status writes, 20 changes of the languages
 * setting, and a run of wrong PINs then the right one (delays included,
 * on the virtual clock).  Views are counted in memory and written once an
 * hour (admin_usage_flush); rows older than ADMIN_USAGE_KEEP_DAYS are
 * pruned after a write, so the size is bounded by that.  The
 * database lives in /dev/shm when it exists (the figure is a size, not a
 * speed, and fsync on a disk would make the bench slow for nothing).
 */
#include "admin.h"
#include "faro.h"
#include "install.h"
#include "loc.h"
#include "log.h"
#include "lpack.h"
#include "pack_build.h"
#include "pin.h"
#include "screens/screens.h"
#include "sig_sign.h"
#include "state.h"
#include "store.h"
#include "txt.h"
#include "ui.h"
#include "benchclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DAYS 30
#define USES_PER_DAY 3000
#define NIDS 31
#define LP_RUNS 7
#define T0 1780000000L

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

static const char *const langs[] = { "am", "ar", "bn", "en", "es", "fa", "fr", "hi", "ht", "ne",
                                     "pt", "ti", "ur", "zh" };
#define NLANGS 14

static char root[256];

static long long file_bytes(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "statebench: %s: %s\n", what, err);
    exit(1);
}

/* One simulated day of heavy use starting at t. */
static void one_day(state *st, long t)
{
    char id[32], val[64];
    const char *order[] = { "es", "en", "fr", "ht", "pt", "ar" };
    for (int k = 0; k < USES_PER_DAY; k++) {
        snprintf(id, sizeof id, "topic-%02d", k % NIDS);
        if (admin_usage_view(st, t + k * 20, id, langs[(k / NIDS) % NLANGS]) != 0)
            die("usage", "admin_usage_view failed");
    }
    for (int k = 0; k < 48; k++) {
        snprintf(val, sizeof val, "ok %ld", t + k * 1800);
        state_set(st, "sync.status", val);
    }
    for (int k = 0; k < 20; k++)
        admin_languages_set(st, order, 1 + k % 6);
    long w = 0, p = t + 40000;
    pin_check(st, "1111", p, &w);               /* wrong: wait 1 s */
    pin_check(st, "2222", p, &w);               /* refused unchecked: waiting */
    pin_check(st, "3333", p + 1, &w);           /* wrong: wait 2 s */
    pin_check(st, "4826", p + 3, &w);           /* right */
}

static void bench_state(void)
{
    char db[512], wal[520], err[FARO_MAX_ERRLEN];
    long long wal_peak = 0;
    snprintf(db, sizeof db, "%s/state.db", root);
    snprintf(wal, sizeof wal, "%s-wal", db);
    state *st = state_open(db, err, sizeof err);
    if (!st || pin_set(st, "4826", err, sizeof err) != 0)
        die("state", err);
    for (int d = 0; d < DAYS; d++) {
        one_day(st, T0 + d * 86400L);
        if (file_bytes(wal) > wal_peak)
            wal_peak = file_bytes(wal);
    }
    state_close(st);
    printf("state_db_30days_kb: %lld KB\n", (file_bytes(db) + file_bytes(wal) + 1023) / 1024);
    printf("state_wal_peak_kb: %lld KB\n", (wal_peak + 1023) / 1024);
}

/* ---- translation pack on a running kiosk ---- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(FARO_MAX_FILE_BYTES + 1);
    size_t n = f && buf ? fread(buf, 1, FARO_MAX_FILE_BYTES, f) : 0;
    if (f)
        fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        die("write", path);
}

/* The shipped fr.yaml with a new home title "... (vN)": a full-size file. */
static void make_fr(const char *path, int version)
{
    char *fr = read_text("locales/fr.yaml"), *p = fr ? strstr(fr, "  home.title: ") : NULL;
    if (!p)
        die("locales/fr.yaml", "no home.title");
    char *eol = strchr(p, '\n');
    FILE *f = fopen(path, "w");
    fprintf(f, "%.*s  home.title: Que vous faut-il ? (v%d)%s", (int)(p - fr), fr, version, eol);
    fclose(f);
    free(fr);
}

/* Builds and signs translation pack version v into root/fr-v.faro. */
static void make_pack(int v, const sig_seckey *sk, char *out, size_t size)
{
    char dir[512], path[600], err[FARO_MAX_ERRLEN], yaml[256];
    snprintf(dir, sizeof dir, "%s/src-%d", root, v);
    snprintf(path, sizeof path, "%s/locales", dir);
    mkdir(dir, 0755);
    mkdir(path, 0755);
    snprintf(yaml, sizeof yaml, "id: org.example.fr-words\nversion: %d\nlayer: site\ntype: locale\n"
             "languages: [fr]\ntitle: {fr: Mots}\n", v);
    snprintf(path, sizeof path, "%s/pack.yaml", dir);
    write_text(path, yaml);
    snprintf(path, sizeof path, "%s/locales/fr.yaml", dir);
    make_fr(path, v);
    snprintf(out, size, "%s/fr-%d.faro", root, v);
    lint_report *rep = lint_report_new();
    if (pack_build_dir(dir, out, rep, NULL, err, sizeof err) != 0)
        die("build", lint_report_kept(rep) ? lint_report_at(rep, 0) : err);
    lint_report_free(rep);
    snprintf(path, sizeof path, "%.580s.minisig", out);
    if (sig_sign_file(sk, out, path, NULL, err, sizeof err) != 0)
        die("sign", err);
}

/* A kiosk data folder trusting a new key for org.example.*. */
static void make_kiosk(sig_seckey *sk)
{
    char pub[512], sec[512], cmd[2048], err[FARO_MAX_ERRLEN];
    snprintf(pub, sizeof pub, "%s/k.pub", root);
    snprintf(sec, sizeof sec, "%s/k.key", root);
    if (sig_keygen(pub, sec, err, sizeof err) != 0 || sig_seckey_load(sec, NULL, sk, err, sizeof err) != 0)
        die("key", err);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/data/keys' && cp '%s' '%s/data/keys/k.pub' && "
             "printf 'scope org.example.*\\n' > '%s/data/keys/k.scope'", root, pub, root, root);
    if (system(cmd) != 0)
        die("kiosk", cmd);
}

/* Arrival of pack v to its words on the rebuilt home screen, in ms. */
static double apply_once(installer *in, loc_set *L, const screen_env *e, ui_tree *t, const char *pack,
                         int v)
{
    char err[FARO_MAX_ERRLEN], installed[600], want[64];
    install_result res;
    snprintf(installed, sizeof installed, "%.500s/org.example.fr-words.faro", install_packs_dir(in));
    snprintf(want, sizeof want, "(v%d)", v);
    screen_state s = { .screen = SCR_HOME };
    double t0 = now_ms();
    if (install_pack(in, pack, NULL, NULL, NULL, &res) != 0)
        die("install", res.reason);
    if (lpack_apply_file(L, installed, err, sizeof err) < 0)
        die("apply", err);
    screens_build(t, e, &s, 1280, 800, 0);
    double ms = now_ms() - t0;
    if (ui_find(t, want, 0) < 0)
        die("screen", "the new words are not on the rebuilt screen");
    return ms;
}

static void bench_locale_pack(void)
{
    char data[512], db[600], err[FARO_MAX_ERRLEN], packs[LP_RUNS][600];
    double ms[LP_RUNS];
    sig_seckey sk;
    make_kiosk(&sk);
    for (int v = 0; v < LP_RUNS; v++)
        make_pack(v + 1, &sk, packs[v], sizeof packs[v]);
    sig_seckey_wipe(&sk);
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(db, sizeof db, "%s/state.db", data);
    state *st = state_open(db, err, sizeof err);
    installer *in = st ? install_open(data, st, err, sizeof err) : NULL;
    store *sto = store_new();
    store_add_memory(sto, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack),
                     "default", err, sizeof err);
    txt_ctx *txt = txt_new("assets/fonts", 16u << 20, err, sizeof err);
    loc_set *L = lpack_reload("locales", install_packs_dir(in));
    ui_tree *t = ui_new();
    if (!in || !txt || !L || !t)
        die("kiosk", err);
    screen_env e = { .st = sto, .loc = L, .txt = txt, .lang = "fr", .stale_days = 365, .today = 20000 };
    screen_state s = { .screen = SCR_HOME };
    screens_build(t, &e, &s, 1280, 800, 0);       /* the kiosk was already showing home */
    for (int v = 0; v < LP_RUNS; v++)
        ms[v] = apply_once(in, L, &e, t, packs[v], v + 1);
    qsort(ms, LP_RUNS, sizeof *ms, cmp_double);
    printf("locale_pack_apply_ms: %.1f ms\n", ms[LP_RUNS / 2]);
    ui_free(t);
    loc_free(L);
    txt_free(txt);
    store_free(sto);
    install_close(in);
    state_close(st);
}

int main(void)
{
    char cmd[300];
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(root, sizeof root, "%s/faro-statebench-XXXXXX", base);
    if (!mkdtemp(root))
        die("mkdtemp", root);
    log_quiet(1);
    setenv("FARO_LOCALES", "locales", 1);
    bench_state();
    bench_locale_pack();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : 1;
}
