/*
 * install.c — the one door through which a pack reaches the kiosk.
 *
 * The idea: a pack is never changed in place.  It is copied from wherever
 * it came from (a read-only USB stick, a download) into data_dir/staging,
 * made durable, checked there, and only then renamed over
 * data_dir/packs/<id>.faro in one rename(2), the only step that changes
 * what the kiosk shows.  Before the rename nothing visible has changed;
 * after it the new pack is complete.  A power cut at any instant therefore
 * leaves the old pack or the new one, and install_open sweeps staging.
 *
 * DESIGN NOTES
 *
 * Invariants:
 *  1. Only this module writes data_dir/packs/ and data_dir/keys/<id>.faro, and
 *     only by rename(2) from data_dir/staging/ (same filesystem), after
 *     fsync of the file: every pack there is whole and was verified.
 *  2. The source is read exactly once, into staging; every check reads the
 *     staged copy (the stick may change or lie between two reads).  The
 *     hash is of bytes read back from the staged file (a second thread
 *     follows the writer with pread), so it costs no pass of its own.
 *  3. The signature's key id is looked up in the trust store before the
 *     pack is copied, the signature is checked against the staged bytes
 *     before SQLite opens them, and scope and version are checked on the
 *     meta SQLite read from the staged copy after pack.c's hardened
 *     checks (defensive, trusted_schema off, exact schema, quick_check),
 *     all on one connection: the staged copy is opened once.
 *  4. On any refusal or error, packs/, keys/ and the state database are
 *     byte-for-byte unchanged; staging/ is emptied.
 *  5. The state database's version for an id is >= the version of the
 *     installed pack with that id once install_open has run (it records a
 *     pack renamed in just before a power cut), and only ever goes up.
 *  6. Memory is bounded whatever the pack size: copy and hash stream in
 *     INSTALL_CHUNK pieces; SQLite's page cache is bounded by its default.
 *  7. One install at a time per installer (a mutex), so staging holds at
 *     most one pack.  install_remove only tries the mutex: FARO_EBUSY while
 *     an install runs (the console says so and retries).
 *
 * States of one install (function making each transition in brackets):
 *
 *   IDLE --[load_signature, trust_lookup]--> KEY_KNOWN --[copy_in, hash_main]-->
 *   STAGED (staging/incoming.faro, fsync'd, hashed) --[verify_staged]--> VERIFIED
 *   --[check_staged: pack_open_file (once), meta, scope, version, expiry]-->
 *   CHECKED --[place: rename]--> PLACED --[sync_dir]--> DURABLE
 *   --[state_pack_record]--> RECORDED --> IDLE
 *
 *   Any failure before PLACED: unlink staging -> IDLE, nothing changed.
 *   Power cut before PLACED: install_open unlinks staging -> old set.
 *   Power cut after PLACED: new pack in place; install_open records it.
 *
 * Fault injection (tests only, fsio_fault): FARO_FAULT_AT=<step> raises SIGKILL at that
 * step; FARO_FAULT_AT=<step>:enospc or :eio makes that step fail with that
 * error.  Steps: read (halfway through the source), copy (after the first
 * chunk is written), copy_fsync, verify, open, rename, dir_fsync, record,
 * done.  Unset, it costs one getenv per step.
 */
#include "install.h"
#include "lpack.h"
#include "faro.h"
#include "fsio.h"
#include "log.h"
#include "sig.h"
#include "pack.h"
#include "trust.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#define INSTALL_CHUNK     (1u << 20)       /* bytes per read/write */
#define INSTALL_PATH_LEN  1024
#define INSTALL_SPARE     (4ull << 20)     /* free space kept beyond the pack */
#define INSTALL_STAGED    "incoming.faro"

struct installer {
    char data_dir[INSTALL_PATH_LEN];
    char packs[INSTALL_PATH_LEN], staging[INSTALL_PATH_LEN], keys[INSTALL_PATH_LEN];
    char today[16];
    state *st;
    trust *tr;
    int unrecorded;                  /* a version record failed since install_open */
    pthread_mutex_t lock;
};

/* What one install knows as it goes. */
struct job {
    installer *in;
    const char *src, *name;          /* source path and its base name */
    char staged[INSTALL_PATH_LEN + 32];
    sig_signature sig;
    const trust_key *key;
    unsigned char hash[SIG_HASH_BYTES];
    char hash_hex[2 * SIG_HASH_BYTES + 1];
    char expiry_hides[8];
    install_progress_fn progress;
    void *user;
    install_result *res;
    struct hasher *h;                /* reads the staged copy back while it is written */
};

/* The staged file's hash, computed beside the copy: a second thread
 * pread()s back every byte the writer has written, so the hash is of the
 * staged copy itself (as the kernel holds it) and costs no extra pass. */
struct hasher {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int fd;                          /* the staged file, read-only */
    unsigned long long written, hashed;
    int finished, failed;
    crypto_generichash_state hs;
};

static const char *const why_names[INSTALL_WHY_COUNT] = {
    "install.ok", "install.already", "install.expired_shown", "install.no_file",
    "install.not_regular", "install.empty", "install.too_big", "install.no_signature",
    "install.bad_signature", "install.unknown_key", "install.out_of_scope",
    "install.not_a_pack", "install.old_version", "install.same_version", "install.expired",
    "install.read_error", "install.changed", "install.disk_full", "install.write_error",
};

const char *install_why_name(int why)
{
    return why >= 0 && why < INSTALL_WHY_COUNT ? why_names[why] : "install.unknown";
}

static const int why_codes[INSTALL_WHY_COUNT] = {
    0, 0, 0, FARO_EIO, FARO_EPACK, FARO_EPACK, FARO_ELIMIT, FARO_ESIG, FARO_ESIG, FARO_ESIG,
    FARO_ESIG, FARO_EPACK, FARO_EPACK, FARO_EPACK, FARO_EPACK, FARO_EIO, FARO_EIO, FARO_EIO,
    FARO_EIO,
};

/* Ends a job with `why` and a reason; returns the code. */
static int done(struct job *j, int why, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int done(struct job *j, int why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->res->reason, sizeof j->res->reason, fmt, ap);
    va_end(ap);
    j->res->why = why;
    j->res->code = why_codes[why];
    return j->res->code;
}

/* ---------------------------------------------------------------- helpers */

/* fsyncs a folder after a rename or unlink in it (fsio.c: the one place). */
static int sync_dir(const char *dir)
{
    return fsio_sync_dir(dir);
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return FARO_EIO;
    }
    return 0;
}

/* Removes every entry of staging (regular files only are ever made there). */
static void sweep_staging(const char *dir)
{
    char path[INSTALL_PATH_LEN + 260];
    DIR *d = opendir(dir);
    int removed = 0;
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        removed += unlink(path) == 0;
    }
    closedir(d);
    if (removed) {
        log_msg("install: removed %d unfinished file(s) from %s", removed, dir);
        sync_dir(dir);
    }
}

static void today_str(const installer *in, char out[16])
{
    time_t now = time(NULL);
    struct tm tm;
    if (in && in->today[0]) {
        memcpy(out, in->today, 16);
        return;
    }
    localtime_r(&now, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* A pack id that is safe as a file name: [a-z0-9.-], not starting with '.'. */
static int valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > FARO_MAX_ID_LEN || id[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
              id[i] == '.' || id[i] == '-'))
            return 0;
    return 1;
}

/* ---------------------------------------------------------------- meta */

struct meta {
    char id[FARO_MAX_ID_LEN + 1], layer[16], type[16], expires[16], hides[8];
    long version;
};

/* Copies the checked meta of an open pack. */
static void meta_from_pack(const pack *p, struct meta *m)
{
    const pack_meta *pm = pack_get_meta(p);
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "%s", pm->id);
    snprintf(m->layer, sizeof m->layer, "%s", pm->layer);
    snprintf(m->type, sizeof m->type, "%s", pm->type);
    snprintf(m->expires, sizeof m->expires, "%s", pm->expires);
    snprintf(m->hides, sizeof m->hides, "%s", pm->expiry_hides);
    m->version = pm->version;
}

/* The meta of an installed pack (one open, no quick_check: it was checked
 * when it was installed). */
static int read_meta(const char *path, struct meta *m, char *err, size_t errlen)
{
    pack *p = NULL;
    int rc = pack_open_file(path, 0, &p, err, errlen);
    memset(m, 0, sizeof *m);
    if (rc == 0)
        meta_from_pack(p, m);
    pack_close(p);
    return rc;
}

/* ---------------------------------------------------------------- open/close */

static int set_paths(installer *in, const char *data_dir)
{
    size_t n = strlen(data_dir);
    if (n + 16 > INSTALL_PATH_LEN)
        return -1;
    memcpy(in->data_dir, data_dir, n + 1);
    snprintf(in->packs, sizeof in->packs, "%s/packs", data_dir);
    snprintf(in->staging, sizeof in->staging, "%s/staging", data_dir);
    snprintf(in->keys, sizeof in->keys, "%s/keys", data_dir);
    return 0;
}

/* Records the version of an installed pack newer than the state knows
 * (renamed in just before a power cut): invariant 5. */
static void reconcile_one(installer *in, const char *path)
{
    char err[FARO_MAX_ERRLEN], hex[2 * SIG_HASH_BYTES + 1];
    unsigned char hash[SIG_HASH_BYTES];
    struct meta m;
    long seen = -1;
    if (read_meta(path, &m, err, sizeof err) != 0 || !m.id[0])
        return;
    if (state_pack_seen(in->st, m.id, &seen, NULL, 0) == 0 && seen >= m.version)
        return;
    if (sig_hash_file(path, FARO_MAX_PACK_BYTES, hash, err, sizeof err) != 0) {
        in->unrecorded = 1;
        return;
    }
    sig_hash_hex(hash, hex);
    if (state_pack_record(in->st, m.id, m.version, hex) != 0)
        in->unrecorded = 1;
    else
        log_msg("install: recorded %s version %ld (installed before a restart)", m.id, m.version);
}

static void reconcile_dir(installer *in, const char *dir)
{
    char path[INSTALL_PATH_LEN + 260];
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 6 || strcmp(e->d_name + n - 5, ".faro") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        reconcile_one(in, path);
    }
    closedir(d);
}

installer *install_open(const char *data_dir, state *st, char *err, size_t errlen)
{
    installer *in = calloc(1, sizeof *in);
    if (!in) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&in->lock, NULL);
    in->st = st;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium could not start");
        goto fail;
    }
    if (set_paths(in, data_dir) != 0) {
        snprintf(err, errlen, "%s: path too long", data_dir);
        goto fail;
    }
    if (make_dir(data_dir, err, errlen) || make_dir(in->packs, err, errlen) ||
        make_dir(in->staging, err, errlen) || make_dir(in->keys, err, errlen))
        goto fail;
    sweep_staging(in->staging);
    if (st) {
        reconcile_dir(in, in->packs);
        reconcile_dir(in, in->keys);
    }
    if (!(in->tr = trust_open(in->keys, err, errlen)))
        goto fail;
    return in;
fail:
    install_close(in);
    return NULL;
}

void install_close(installer *in)
{
    if (!in)
        return;
    trust_free(in->tr);
    pthread_mutex_destroy(&in->lock);
    free(in);
}

const char *install_packs_dir(const installer *in)
{
    return in->packs;
}

void install_set_today(installer *in, const char *today)
{
    snprintf(in->today, sizeof in->today, "%s", today ? today : "");
}

/* ---------------------------------------------------------------- read-back hash */

static void *hash_main(void *arg)
{
    struct hasher *h = arg;
    unsigned char *buf = malloc(INSTALL_CHUNK);
    pthread_mutex_lock(&h->mu);  /* written and hashed: shared with the copy */
    for (;;) {
        while (h->hashed == h->written && !h->finished)
            pthread_cond_wait(&h->cv, &h->mu);
        if (h->hashed == h->written)
            break;
        unsigned long long off = h->hashed, left = h->written - off;
        size_t n = left < INSTALL_CHUNK ? (size_t)left : INSTALL_CHUNK;
        pthread_mutex_unlock(&h->mu);
        ssize_t got = buf ? pread(h->fd, buf, n, (off_t)off) : -1;
        if (got > 0)
            crypto_generichash_update(&h->hs, buf, (unsigned long long)got);
        pthread_mutex_lock(&h->mu);  /* written and hashed: shared with the copy */
        if (got <= 0) {
            h->failed = 1;
            break;
        }
        h->hashed += (unsigned long long)got;
    }
    pthread_mutex_unlock(&h->mu);
    free(buf);
    return NULL;
}

/* Starts the read-back thread on the staged file; NULL when it cannot. */
static struct hasher *hasher_start(const char *staged)
{
    struct hasher *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->fd = open(staged, O_RDONLY | O_CLOEXEC);
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    crypto_generichash_init(&h->hs, NULL, 0, SIG_HASH_BYTES);
    if (h->fd >= 0 && pthread_create(&h->thread, NULL, hash_main, h) == 0)
        return h;
    if (h->fd >= 0)
        close(h->fd);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
    return NULL;
}

static void hasher_add(struct hasher *h, size_t n)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->mu);       /* the read-back thread waits on written/finished */
    h->written += n;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

/* Waits for the thread; fills hash and returns 0 when it read back exactly
 * `size` bytes, -1 otherwise.  Frees h (accepts NULL). */
static int hasher_finish(struct hasher *h, unsigned long long size, unsigned char *hash)
{
    int rc;
    if (!h)
        return -1;
    pthread_mutex_lock(&h->mu);       /* the read-back thread waits on written/finished */
    h->finished = 1;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL);
    rc = !h->failed && h->hashed == size ? 0 : -1;
    crypto_generichash_final(&h->hs, hash, SIG_HASH_BYTES);
    close(h->fd);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
    return rc;
}

/* ---------------------------------------------------------------- steps */

/* The signature beside the pack, and its key known and not revoked. */
static int load_signature(struct job *j, const char *sig_path)
{
    char path[INSTALL_PATH_LEN], why[FARO_MAX_ERRLEN];
    int rc;
    if (!sig_path) {
        snprintf(path, sizeof path, "%s.minisig", j->src);
        sig_path = path;
    }
    rc = sig_load(sig_path, &j->sig, why, sizeof why);
    if (rc == FARO_ENOTFOUND)
        return done(j, INSTALL_NO_SIG, "%s: no signature: %s.minisig is missing beside it",
                    j->name, j->name);
    if (rc == FARO_EIO)
        return done(j, INSTALL_READ_ERROR, "%s: cannot read its signature: %s", j->name, why);
    if (rc != 0)
        return done(j, INSTALL_BAD_SIG, "%s: bad signature file: %s", j->name, why);
    j->key = trust_lookup(j->in->tr, j->sig.keynum, why, sizeof why);
    if (!j->key)
        return done(j, INSTALL_UNKNOWN_KEY, "%s: %s", j->name, why);
    return 0;
}

/* Opens the source: a regular file (no symlink, FIFO or device), not empty,
 * within the size bound; returns the fd or <0 with the job ended. */
static int open_source(struct job *j, struct stat *st)
{
    int fd = open(j->src, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 && errno == ELOOP)
        return done(j, INSTALL_NOT_REGULAR, "%s: a symbolic link, not a pack file", j->name);
    if (fd < 0)
        return done(j, INSTALL_NO_FILE, "%s: %s", j->name, strerror(errno));
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return done(j, INSTALL_NOT_REGULAR, "%s: not a regular file (a FIFO, device or folder)",
                    j->name);
    }
    if (st->st_size == 0) {
        close(fd);
        return done(j, INSTALL_EMPTY, "%s: empty file (0 bytes)", j->name);
    }
    if ((unsigned long long)st->st_size > FARO_MAX_PACK_BYTES) {
        close(fd);
        return done(j, INSTALL_TOO_BIG, "%s: %lld bytes, more than the %llu a pack may have",
                    j->name, (long long)st->st_size, (unsigned long long)FARO_MAX_PACK_BYTES);
    }
    return fd;
}

static int room_for(struct job *j, unsigned long long size)
{
    struct statvfs vfs;
    unsigned long long avail;
    if (statvfs(j->in->staging, &vfs) != 0)
        return 0;
    avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
    if (avail < size + INSTALL_SPARE)
        return done(j, INSTALL_DISK_FULL, "%s: not enough room: %llu MB needed, %llu MB free",
                    j->name, (size + INSTALL_SPARE) >> 20, avail >> 20);
    return 0;
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
    int e = fsio_fault("copy");
    if (e) {
        errno = e;
        return -1;
    }
    return fsio_write_all(fd, buf, len);
}

static int write_failed(struct job *j, int e)
{
    if (e == ENOSPC || e == EDQUOT)
        return done(j, INSTALL_DISK_FULL, "%s: internal storage is full", j->name);
    return done(j, INSTALL_WRITE_ERROR, "%s: cannot write to internal storage: %s", j->name,
                strerror(e));
}

/* The read error of a source, after `copied` bytes. */
static int read_failed(struct job *j, unsigned long long copied, unsigned long long size, int e)
{
    return done(j, INSTALL_READ_ERROR, "%s: read error after %llu of %llu bytes: %s", j->name,
                copied, size, strerror(e));
}

/* Reads exactly `size` bytes from src into out; then insists on EOF.  The
 * "read" fault makes the source fail exactly halfway. */
static int copy_bytes(struct job *j, int src, int out, unsigned long long size, unsigned char *buf)
{
    unsigned long long copied = 0;
    int broken = 0;
    while (copied < size) {
        size_t want = size - copied < INSTALL_CHUNK ? (size_t)(size - copied) : INSTALL_CHUNK;
        if (!broken && copied + want >= size / 2 && fsio_fault("read"))
            broken = 1, want = (size_t)(size / 2 - copied);
        ssize_t n = want ? read(src, buf, want) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return read_failed(j, copied, size, errno);
        if (n == 0 && !broken)
            return done(j, INSTALL_CHANGED, "%s: shrank while being copied (%llu of %llu bytes)",
                        j->name, copied, size);
        if (n > 0 && write_all(out, buf, (size_t)n) != 0)
            return write_failed(j, errno);
        if (n > 0)
            hasher_add(j->h, (size_t)n);
        copied += (unsigned long long)n;
        if (j->progress && n > 0)
            j->progress(j->user, j->name, copied, size);
        if (broken)
            return read_failed(j, copied, size, EIO);
    }
    if (read(src, buf, 1) != 0)
        return done(j, INSTALL_CHANGED, "%s: grew while being copied (more than %llu bytes)",
                    j->name, size);
    return 0;
}

/* Copies the source into staging and makes it durable (state STAGED);
 * the read-back thread hashes the staged bytes meanwhile. */
static int copy_in(struct job *j)
{
    struct stat st, after;
    unsigned char *buf = NULL;
    unsigned long long size;
    int src, out = -1, rc, e;
    if ((src = open_source(j, &st)) < 0)
        return src;
    size = (unsigned long long)st.st_size;
    if ((rc = room_for(j, size)) != 0)
        goto end;
    snprintf(j->staged, sizeof j->staged, "%s/" INSTALL_STAGED, j->in->staging);
    out = open(j->staged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0 || !(buf = malloc(INSTALL_CHUNK)) || !(j->h = hasher_start(j->staged))) {
        rc = out < 0 ? write_failed(j, errno) : done(j, INSTALL_WRITE_ERROR, "out of memory");
        goto end;
    }
    if ((rc = copy_bytes(j, src, out, size, buf)) != 0)
        goto end;
    if (fstat(src, &after) == 0 && (after.st_size != st.st_size ||
                                    after.st_mtim.tv_sec != st.st_mtim.tv_sec ||
                                    after.st_mtim.tv_nsec != st.st_mtim.tv_nsec)) {
        rc = done(j, INSTALL_CHANGED, "%s: changed while being copied", j->name);
        goto end;
    }
    e = fsio_fault("copy_fsync");
    if (e || fsync(out) != 0)
        rc = write_failed(j, e ? e : errno);
end:
    if (hasher_finish(j->h, size, j->hash) != 0 && rc == 0)
        rc = done(j, INSTALL_WRITE_ERROR, "%s: cannot read back the staged copy", j->name);
    j->h = NULL;
    free(buf);
    if (out >= 0 && close(out) != 0 && rc == 0)
        rc = write_failed(j, errno);
    close(src);
    return rc;
}

/* Checks the signature against the staged copy's hash (state VERIFIED). */
static int verify_staged(struct job *j)
{
    char why[FARO_MAX_ERRLEN];
    int e;
    if ((e = fsio_fault("verify")) != 0)
        return write_failed(j, e);
    sig_hash_hex(j->hash, j->hash_hex);
    if (sig_verify_hash(&j->sig, &j->key->pk, j->hash, why, sizeof why) != 0)
        return done(j, INSTALL_BAD_SIG, "%s: %s", j->name, why);
    return 0;
}

/* The version rules against the highest version seen (state and the
 * installed file, whichever is higher).  1: same bytes already installed. */
static int check_version(struct job *j, const char *dest)
{
    install_result *r = j->res;
    char seen_hash[2 * SIG_HASH_BYTES + 1] = "", err[FARO_MAX_ERRLEN];
    long seen = -1;
    struct meta cur = {0};
    int known = state_pack_seen(j->in->st, r->id, &seen, seen_hash, sizeof seen_hash);
    if (known != 0)
        seen = -1;
    /* A version above the state's record is above the installed one too
     * (invariant 5), so the installed file is only opened when the state
     * cannot say: none, a failed look-up, a record that failed this run,
     * or a version not above the record. */
    int ask_file = !j->in->st || (known != 0 && known != FARO_ENOTFOUND) || j->in->unrecorded ||
                   r->version <= seen;
    int installed = ask_file && read_meta(dest, &cur, err, sizeof err) == 0 &&
                    strcmp(cur.id, r->id) == 0;
    if (installed && cur.version > seen) {
        unsigned char h[SIG_HASH_BYTES];
        seen = cur.version;
        if (sig_hash_file(dest, FARO_MAX_PACK_BYTES, h, err, sizeof err) == 0)
            sig_hash_hex(h, seen_hash);
    }
    if (r->version < seen)
        return done(j, INSTALL_OLD_VERSION, "%s: pack '%s' version %ld is older than version "
                    "%ld already seen (no rollback)", j->name, r->id, r->version, seen);
    if (r->version == seen && strcmp(seen_hash, j->hash_hex) != 0)
        return done(j, INSTALL_SAME_VERSION, "%s: pack '%s' version %ld was already seen with "
                    "other contents: a changed pack needs a higher version", j->name, r->id,
                    r->version);
    if (r->version == seen && installed && cur.version == seen) {
        done(j, INSTALL_ALREADY, "%s: pack '%s' version %ld is already installed", j->name,
             r->id, r->version);
        return 1;
    }
    return 0;
}

/* Pack kind, scope and expiry rules on the verified meta of the open pack. */
static int check_rules(struct job *j, pack *p, const struct meta *m)
{
    install_result *r = j->res;
    char why[FARO_MAX_ERRLEN], today[16];
    if (!valid_id(m->id))
        return done(j, INSTALL_NOT_PACK, "%s: not a Faro pack: bad pack id '%.64s'", j->name, m->id);
    if (strcmp(m->layer, "base") != 0 && strcmp(m->layer, "site") != 0)
        return done(j, INSTALL_NOT_PACK, "%s: not a Faro pack: layer '%s' (base or site)",
                    j->name, m->layer);
    if (strcmp(m->type, "content") && strcmp(m->type, "locale") && strcmp(m->type, "keys"))
        return done(j, INSTALL_NOT_PACK, "%s: not a Faro pack: type '%s'", j->name, m->type);
    if (trust_allows(j->key, r->id, r->type, why, sizeof why) != 0)
        return done(j, INSTALL_OUT_OF_SCOPE, "%s: %s", j->name, why);
    /* a translation pack carries only UI strings, a content pack none */
    if (strcmp(m->type, "keys") != 0 && lpack_check_pack(p, why, sizeof why) != 0)
        return done(j, INSTALL_NOT_PACK, "%s: %s", j->name, why);
    today_str(j->in, today);
    if (m->expires[0] && strcmp(today, m->expires) > 0 && strcmp(m->hides, "true") == 0)
        return done(j, INSTALL_EXPIRED, "%s: pack '%s' expired on %s and must not be shown "
                    "after it", j->name, r->id, m->expires);
    return 0;
}

/* Opens the staged copy as the kiosk will (hardened), reads its meta and
 * applies every rule (state CHECKED).  1: already installed. */
static int check_staged(struct job *j, char *dest, size_t destlen)
{
    install_result *r = j->res;
    char why[FARO_MAX_ERRLEN];
    struct meta m;
    pack *p = NULL;
    int rc = pack_open_file(j->staged, PACK_QUICK_CHECK, &p, why, sizeof why);
    if (rc != 0)
        return done(j, INSTALL_NOT_PACK, "%s: signed, but %s", j->name,
                    rc == FARO_ENOMEM ? "out of memory" : strstr(why, ": ") ? strstr(why, ": ") + 2 : why);
    meta_from_pack(p, &m);
    snprintf(r->id, sizeof r->id, "%s", m.id);
    snprintf(r->layer, sizeof r->layer, "%s", m.layer);
    snprintf(r->type, sizeof r->type, "%s", m.type);
    snprintf(r->expires, sizeof r->expires, "%s", m.expires);
    r->version = m.version;
    rc = check_rules(j, p, &m);
    pack_close(p);                      /* the one open of the staged copy */
    if (rc != 0)
        return rc;
    if ((rc = fsio_fault("open")) != 0)
        return write_failed(j, rc);
    snprintf(dest, destlen, "%s/%s.faro", strcmp(m.type, "keys") == 0 ? j->in->keys : j->in->packs,
             m.id);
    return check_version(j, dest);
}

/* Renames the staged pack into place, syncs the folder, records the
 * version (states PLACED, DURABLE, RECORDED). */
static int place(struct job *j, const char *dest)
{
    char dir[INSTALL_PATH_LEN + 128], err[FARO_MAX_ERRLEN];
    int e = fsio_fault("rename");
    install_result *r = j->res;
    if (e || rename(j->staged, dest) != 0)
        return write_failed(j, e ? e : errno);
    snprintf(dir, sizeof dir, "%s", dest);
    *strrchr(dir, '/') = '\0';
    if ((e = fsio_fault("dir_fsync")) != 0 || sync_dir(dir) != 0)
        log_msg("install: %s: folder sync failed (%s); the pack is in place",
                dir, strerror(e ? e : errno));
    fsio_fault("record");
    if (j->in->st && state_pack_record(j->in->st, r->id, r->version, j->hash_hex) != 0) {
        j->in->unrecorded = 1;
        log_msg("install: could not record %s version %ld (recorded at next start)", r->id,
                r->version);
    }
    if (strcmp(r->type, "keys") == 0) {
        trust *t = trust_open(j->in->keys, err, sizeof err);
        if (t) {
            trust_free(j->in->tr);
            j->in->tr = t;
        }
    }
    fsio_fault("done");
    return 0;
}

static void finish_ok(struct job *j)
{
    char today[16];
    install_result *r = j->res;
    today_str(j->in, today);
    if (r->expires[0] && strcmp(today, r->expires) > 0) {
        done(j, INSTALL_EXPIRED_SHOWN, "%s: installed pack '%s' version %ld; it expired on %s "
             "and is shown anyway", j->name, r->id, r->version, r->expires);
        log_msg("install: warning: %s", r->reason);
    } else {
        done(j, INSTALL_OK, "%s: installed pack '%s' version %ld (%s layer)", j->name, r->id,
             r->version, r->layer);
    }
}

int install_pack(installer *in, const char *pack_path, const char *sig_path,
                 install_progress_fn progress, void *user, install_result *res)
{
    struct job j = { .in = in, .src = pack_path, .progress = progress, .user = user, .res = res };
    char dest[INSTALL_PATH_LEN + 80];
    const char *slash = strrchr(pack_path, '/');
    int rc;
    memset(res, 0, sizeof *res);
    j.name = slash ? slash + 1 : pack_path;
    pthread_mutex_lock(&in->lock);      /* one install at a time: invariant 7 */
    if ((rc = load_signature(&j, sig_path)) == 0 && (rc = copy_in(&j)) == 0 &&
        (rc = verify_staged(&j)) == 0 && (rc = check_staged(&j, dest, sizeof dest)) == 0 &&
        (rc = place(&j, dest)) == 0)
        finish_ok(&j);
    if (j.staged[0])
        unlink(j.staged);
    pthread_mutex_unlock(&in->lock);
    log_msg("install: %s", res->reason);
    return res->code;
}

int install_remove(installer *in, const char *id, char *err, size_t errlen)
{
    char path[INSTALL_PATH_LEN + 80];
    int rc = FARO_ENOTFOUND;
    if (!valid_id(id)) {
        snprintf(err, errlen, "bad pack id '%.64s'", id);
        return FARO_EINVAL;
    }
    /* in->lock: staging and packs/ change under one install at a time
     * (invariant 7).  A removal never waits behind an install (the console
     * must not freeze for the minutes a big copy takes): it says busy. */
    if (pthread_mutex_trylock(&in->lock) != 0) {
        snprintf(err, errlen, "an install is in progress: pack '%s' stays for now", id);
        return FARO_EBUSY;
    }
    snprintf(path, sizeof path, "%s/%s.faro", in->packs, id);
    if (unlink(path) == 0)
        rc = sync_dir(in->packs) == 0 ? 0 : FARO_EIO;
    else if (errno != ENOENT)
        rc = FARO_EIO;
    pthread_mutex_unlock(&in->lock);
    if (rc == FARO_ENOTFOUND)
        snprintf(err, errlen, "pack '%s' is not installed", id);
    else if (rc != 0)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    else
        log_msg("install: removed pack '%s' (its version stays recorded)", id);
    return rc;
}

/* ---------------------------------------------------------------- listing */

static int entry_rank(const install_entry *e)
{
    return (e->shown ? 0 : 2) + (strcmp(e->layer, "site") == 0 ? 0 : 1);
}

static int cmp_entries(const void *a, const void *b)
{
    const install_entry *x = a, *y = b;
    int d = entry_rank(x) - entry_rank(y);
    return d ? d : strcmp(x->id, y->id);
}

static void entry_fill(install_entry *e, const char *path, const struct meta *m, const char *today);

void install_sort(install_entry *e, int n)
{
    qsort(e, (size_t)n, sizeof *e, cmp_entries);
}

void install_entry_set(install_entry *e, const char *path, const pack *p, const char *today)
{
    char day[16];
    struct meta m;
    if (!today)
        today_str(NULL, day);
    meta_from_pack(p, &m);
    entry_fill(e, path, &m, today ? today : day);
}

/* Fills e from meta m of the pack at path; logs expiry. */
static void entry_fill(install_entry *e, const char *path, const struct meta *m, const char *today)
{
    memset(e, 0, sizeof *e);
    snprintf(e->path, sizeof e->path, "%.1023s", path);
    memcpy(e->id, m->id, sizeof e->id);
    memcpy(e->layer, m->layer, sizeof e->layer);
    memcpy(e->type, m->type, sizeof e->type);
    memcpy(e->expires, m->expires, sizeof e->expires);
    e->version = m->version;
    e->expired = m->expires[0] && strcmp(today, m->expires) > 0;
    e->shown = !(e->expired && strcmp(m->hides, "true") == 0);
    if (e->expired)
        log_msg("install: warning: pack '%s' expired on %s (%s)", e->id, e->expires,
                e->shown ? "shown anyway" : "hidden: it says not to show it after expiry");
}

/* Fills e from the pack at path; 0, or -1 when it is unreadable. */
static int list_one(const char *path, const char *today, install_entry *e)
{
    char err[FARO_MAX_ERRLEN];
    struct meta m;
    if (read_meta(path, &m, err, sizeof err) != 0 || !m.id[0]) {
        log_msg("install: %s: unreadable meta (skipped): %s", path, err);
        return -1;
    }
    entry_fill(e, path, &m, today);
    return 0;
}

int install_list(const char *data_dir, const char *today, install_entry *out, int max,
                 char *err, size_t errlen)
{
    char dir[INSTALL_PATH_LEN], path[INSTALL_PATH_LEN + 260], day[16];
    DIR *d;
    int n = 0;
    snprintf(dir, sizeof dir, "%s/packs", data_dir);
    if (today)
        snprintf(day, sizeof day, "%s", today);
    else
        today_str(NULL, day);
    if (!(d = opendir(dir))) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return FARO_EIO;
    }
    for (struct dirent *e; (e = readdir(d)) && n < max;) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".faro") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        n += list_one(path, day, &out[n]) == 0;
    }
    closedir(d);
    install_sort(out, n);
    return n;
}
