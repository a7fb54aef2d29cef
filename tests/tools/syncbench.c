/*
 * syncbench.c — the network sync figures for `make bench`, against nginx
 * from Debian on 127.0.0.1 (same set-up as tests/test_sync.c):
 *
 *   poll_nochange_bytes     HTTP bytes both ways for a poll when nothing
 *                           changed (one conditional request, 304)
 *   http_install_mb_per_s   a 200 MB pack: poll start to installed
 *   download_rss_growth_mb  peak RSS growth of this process during that
 *                           200 MB download and install (target < 16 MB)
 *
 * Run from the repo root.  Prints `name: value unit` lines; exits 1 when
 * the set-up fails.
 */
#include "log.h"
#include "syncenv.h"

#include <sys/time.h>

#define BIG_BYTES (200ll << 20)

static char tmp[128], key_path[160], pub_path[160];
static sig_seckey key;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A /proc/self/status field in kB. */
static long status_kb(const char *field)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, strlen(field)))
            kb = atol(line + strlen(field) + 1);
    if (f)
        fclose(f);
    return kb;
}

/* Resets the peak RSS (VmHWM) to the current RSS. */
static void reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static int setup(char *mirror, size_t size)
{
    char err[FARO_MAX_ERRLEN], in[256], pack[300];
    snprintf(tmp, sizeof tmp, "/tmp/faro-syncbench-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(pub_path, sizeof pub_path, "%s/publisher.pub", tmp);
    snprintf(key_path, sizeof key_path, "%s/publisher.key", tmp);
    if (sig_keygen(pub_path, key_path, err, sizeof err) != 0 ||
        sig_seckey_load(key_path, NULL, &key, err, sizeof err) != 0)
        return -1;
    snprintf(in, sizeof in, "%s/in", tmp);
    snprintf(pack, sizeof pack, "%s/mini.faro", in);
    mkdir(in, 0700);
    snprintf(mirror, size, "%s/mirror", tmp);
    if (env_make_pack(tmp, 3, "Safety", pack, &key) != 0)
        return -1;
    return env_publish(key_path, in, mirror, NULL, NULL);
}

static int add_big_pack(const char *mirror)
{
    char in[256], pack[300];
    snprintf(in, sizeof in, "%s/in", tmp);
    snprintf(pack, sizeof pack, "%s/big.faro", in);
    if (env_make_pack(tmp, 9, "Big", pack, NULL) != 0 ||
        env_pad_pack(pack, "org.faro.bench-big", BIG_BYTES, &key) != 0)
        return -1;
    return env_publish(key_path, in, mirror, NULL, NULL);
}

int main(void)
{
    char mirror[256], kdir[256], path[300], err[FARO_MAX_ERRLEN] = "", url[64];
    pid_t pid = -1;
    int rc = 1;
    unsetenv("http_proxy");
    unsetenv("all_proxy");
    log_quiet(1);
    if (setup(mirror, sizeof mirror) != 0) {
        fprintf(stderr, "syncbench: set-up failed\n");
        return 1;
    }
    int port = env_start_nginx(tmp, mirror, &pid);
    snprintf(kdir, sizeof kdir, "%s/kiosk", tmp);
    snprintf(path, sizeof path, "%s/state.db", kdir);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    const char *mirrors[] = { url }, *subs[] = { "org.faro.*" };
    state *st = NULL;
    installer *in = NULL;
    sync_ctx *sy = NULL;
    if (port < 0 || env_make_kiosk(kdir, pub_path, "org.faro.*") != 0 ||
        !(st = state_open(path, err, sizeof err)) || !(in = install_open(kdir, st, err, sizeof err)))
        goto done;
    sync_opts o = { .data_dir = kdir, .mirrors = mirrors, .nmirrors = 1, .subscribe = subs,
                    .nsubscribe = 1, .poll_s = 3600 };
    sy = sync_new(&o, in, st, err, sizeof err);
    sync_status s;
    if (!sy || sync_poll(sy, err, sizeof err) != 0 || sync_poll(sy, err, sizeof err) != 0)
        goto done;
    sync_status_get(sy, &s);
    printf("poll_nochange_bytes: %llu bytes\n", s.wire_bytes);
    fflush(stdout);

    if (add_big_pack(mirror) != 0)
        goto done;
    reset_peak();
    long rss0 = status_kb("VmRSS");
    double t0 = now_s();
    if (sync_poll(sy, err, sizeof err) != 0)
        goto done;
    double t1 = now_s();
    long hwm = status_kb("VmHWM");
    sync_status_get(sy, &s);
    printf("http_install_mb_per_s: %.1f MB/s\n", (double)BIG_BYTES / (1 << 20) / (t1 - t0));
    printf("download_rss_growth_mb: %.1f MB\n", (double)(hwm - rss0) / 1024.0);
    fprintf(stderr, "syncbench: RSS %ld kB before, peak %ld kB during the 200 MB sync\n", rss0, hwm);
    rc = s.installed == 1 ? 0 : 1;
done:
    if (rc != 0)
        fprintf(stderr, "syncbench: %s\n", err);
    sync_free(sy);
    install_close(in);
    state_close(st);
    env_stop(pid);
    sig_seckey_wipe(&key);
    env_sh("rm -rf '%s'", tmp);
    return rc;
}
