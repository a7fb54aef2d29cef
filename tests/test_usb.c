/*
 * test_usb.c — the USB watcher thread over a temporary mount root: a stick
 * folder moved in is found without polling, its packs installed in name
 * order with progress, a symlinked and a FIFO pack refused by name, a
 * symlinked faro/ folder ignored, packs already handled not offered again,
 * a stick nested one level deeper (ROOT/USER/LABEL) found, and a stick
 * carrying a key pack plus a pack signed by the key it adds.
 */
#include "check.h"
#include "faro.h"
#include "install.h"
#include "log.h"
#include "pack_build.h"
#include "sig_sign.h"
#include "keypack.h"
#include "state.h"
#include "trust.h"
#include "usb.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char tmp[] = "/tmp/faro-test-usb-XXXXXX";

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int sticks_done, nevents, progress_events;
static char log_lines[64][256];

static void on_event(void *user, const usb_event *ev)
{
    pthread_mutex_lock(&mu);
    if (ev->kind == USB_PACK_PROGRESS)
        progress_events++;
    else if (nevents < 64) {
        const char *stick = strrchr(ev->stick, '/') + 1;
        if (ev->kind == USB_STICK_FOUND)
            snprintf(log_lines[nevents++], 256, "found %s %d", stick, ev->count);
        else if (ev->kind == USB_PACK_DONE)
            snprintf(log_lines[nevents++], 256, "done %s %s %s", stick, ev->pack,
                     install_why_name(ev->result->why));
        else if (ev->kind == USB_STICK_DONE)
            snprintf(log_lines[nevents++], 256, "end %s %d %d", stick, ev->installed, ev->refused);
    }
    if (ev->kind == USB_STICK_DONE)
        sticks_done++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

/* Waits until `n` sticks were handled in all (a 60 s guard against a hang,
 * not a timing assertion). */
static int wait_sticks(int n)
{
    struct timespec until;
    int ok = 1;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    pthread_mutex_lock(&mu);
    while (sticks_done < n && ok)
        ok = pthread_cond_timedwait(&cv, &mu, &until) == 0;
    pthread_mutex_unlock(&mu);
    return sticks_done >= n;
}

static int has_line(const char *line)
{
    int found = 0;
    pthread_mutex_lock(&mu);
    for (int i = 0; i < nevents; i++)
        found |= strcmp(log_lines[i], line) == 0;
    pthread_mutex_unlock(&mu);
    if (!found)
        fprintf(stderr, "missing event line: %s\n", line);
    return found;
}

static void build(const char *name, const char *id, int version, const sig_seckey *sk)
{
    char err[FARO_MAX_ERRLEN], dir[512], out[512], sig[520];
    snprintf(dir, sizeof dir, "%s/src-%s", tmp, name);
    snprintf(out, sizeof out, "%s/%s.faro", tmp, name);
    snprintf(sig, sizeof sig, "%s.minisig", out);
    check_sh("rm -rf %s && cp -R tests/fixtures/content-mini %s && sed -i 's/^id: .*/id: %s/; "
       "s/^version: .*/version: %d/' %s/pack.yaml", dir, dir, id, version, dir);
    lint_report *rep = lint_report_new();
    CHECK(pack_build_dir(dir, out, rep, NULL, err, sizeof err) == 0, "build %s: %s", name, err);
    lint_report_free(rep);
    CHECK(sig_sign_file(sk, out, sig, NULL, err, sizeof err) == 0, "sign");
}

int main(void)
{
    char err[FARO_MAX_ERRLEN], path[600];
    sig_seckey ka, kb, kroot;
    log_quiet(1);
    CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
    check_sh("mkdir -p %s/root %s/data/keys %s/stage", tmp, tmp, tmp);
    snprintf(path, sizeof path, "%s/data/keys/a.pub", tmp);
    char sec[600];
    snprintf(sec, sizeof sec, "%s/a.key", tmp);
    CHECK(sig_keygen(path, sec, err, sizeof err) == 0 && sig_seckey_load(sec, NULL, &ka, err, sizeof err) == 0, "key a");
    check_sh("echo 'scope org.faro.*' > %s/data/keys/a.scope", tmp);
    snprintf(path, sizeof path, "%s/data/keys/root.pub", tmp);
    snprintf(sec, sizeof sec, "%s/root.key", tmp);
    CHECK(sig_keygen(path, sec, err, sizeof err) == 0 && sig_seckey_load(sec, NULL, &kroot, err, sizeof err) == 0, "root");
    check_sh("echo root > %s/data/keys/root.scope", tmp);
    snprintf(path, sizeof path, "%s/b.pub", tmp);
    snprintf(sec, sizeof sec, "%s/b.key", tmp);
    CHECK(sig_keygen(path, sec, err, sizeof err) == 0 && sig_seckey_load(sec, NULL, &kb, err, sizeof err) == 0, "b");

    build("v3", "org.faro.t", 3, &ka);
    build("v4", "org.faro.t", 4, &ka);
    build("bpack", "org.b.x", 1, &kb);
    keypack_change add = { 0 };
    CHECK(sig_pubkey_load(path, &add.pub, err, sizeof err) == 0, "b.pub");
    snprintf(add.scopes, sizeof add.scopes, "org.b.*");
    char kp[600], kps[620];
    snprintf(kp, sizeof kp, "%s/keys.faro", tmp);
    snprintf(kps, sizeof kps, "%s.minisig", kp);
    CHECK(keypack_write(kp, "org.faro.keys", 1, &add, 1, err, sizeof err) == 0, "keypack");
    CHECK(sig_sign_file(&kroot, kp, kps, NULL, err, sizeof err) == 0, "sign keypack");

    snprintf(path, sizeof path, "%s/data", tmp);
    state *st = state_open("/dev/null/none", err, sizeof err);   /* no state: allowed */
    installer *in = install_open(path, st, err, sizeof err);
    CHECK(in != NULL, "installer: %s", err);
    snprintf(path, sizeof path, "%s/root", tmp);
    const char *roots[] = { path, NULL };
    usb_watch *w = usb_start(in, roots, on_event, NULL, err, sizeof err);
    CHECK(w != NULL, "usb_start: %s", err);

    /* stick 1: a pack, a symlink to it, a FIFO; moved in whole */
    check_sh("cd %s/stage && mkdir -p s1/faro && cp ../v3.faro ../v3.faro.minisig s1/faro/ && "
       "ln -s v3.faro s1/faro/link.faro && mkfifo s1/faro/fifo.faro && "
       "cp s1/faro/v3.faro.minisig s1/faro/link.faro.minisig && mv s1 ../root/", tmp);
    CHECK(wait_sticks(1), "stick 1 handled");
    CHECK(has_line("found s1 3"), "found 3 packs");
    CHECK(has_line("done s1 v3.faro install.ok"), "v3 installed");
    CHECK(has_line("done s1 link.faro install.not_regular"), "symlink refused");
    CHECK(has_line("done s1 fifo.faro install.no_signature"), "fifo without signature refused");
    CHECK(has_line("end s1 1 2"), "one installed, two refused");
    CHECK(progress_events > 0, "progress reported");

    /* a rescan offers nothing again; a symlinked faro/ is ignored; then a
     * nested stick ROOT/user/s2 with v4 and the FIFO gets a signature */
    usb_rescan(w);
    check_sh("cd %s/stage && mkdir -p evil && ln -s ../s1/faro evil/faro && mv evil ../root/ && "
       "mkdir -p user/s2/faro && cp ../v4.faro ../v4.faro.minisig user/s2/faro/ && mv user ../root/", tmp);
    CHECK(wait_sticks(2), "stick 2 handled");
    CHECK(has_line("found s2 1"), "nested stick found");
    CHECK(has_line("done s2 v4.faro install.ok"), "v4 installed");
    pthread_mutex_lock(&mu);
    int n_found = 0;
    for (int i = 0; i < nevents; i++)
        n_found += strncmp(log_lines[i], "found", 5) == 0;
    pthread_mutex_unlock(&mu);
    CHECK(n_found == 2, "no stick offered twice, symlinked faro/ ignored (%d found events)", n_found);

    /* stick 3: a pack signed by b (unknown) and the key pack adding b */
    check_sh("cd %s/stage && mkdir -p s3/faro && cp ../bpack.faro s3/faro/a-b.faro && "
       "cp ../bpack.faro.minisig s3/faro/a-b.faro.minisig && cp ../keys.faro ../keys.faro.minisig "
       "s3/faro/ && mv s3 ../root/", tmp);
    CHECK(wait_sticks(3), "stick 3 handled");
    CHECK(has_line("done s3 a-b.faro install.unknown_key"), "first refused");
    CHECK(has_line("done s3 keys.faro install.ok"), "key pack installed");
    CHECK(has_line("done s3 a-b.faro install.ok"), "retried after the key pack");

    usb_stop(w);
    usb_stop(NULL);
    install_close(in);
    state_close(st);
    sig_seckey_wipe(&ka);
    sig_seckey_wipe(&kb);
    sig_seckey_wipe(&kroot);
    if (check_failed == 0)
        check_sh("rm -rf %s", tmp);
    return check_done();
}
