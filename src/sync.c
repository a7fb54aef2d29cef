/*
 * sync.c — the HTTP fetcher: new packs from static web mirrors.
 *
 * The idea: the network is just one more way bytes reach the installer, so
 * this module trusts nothing it downloads.  It believes a catalog only
 * after checking its minisign signature against the kiosk's trusted keys,
 * its version against the highest one accepted (no replay) and its expiry
 * (no frozen mirror); it believes a pack only as far as the catalog's size
 * and hash, and then install_pack checks the pack's own signature, scope
 * and version exactly as for a USB stick.  Every transfer is bounded: a
 * byte cap counted in the write callback (Debian's curl ignores
 * MAXFILESIZE without a Content-Length), connect and low-speed timeouts,
 * HTTP and HTTPS only (redirects too: never file://), at most
 * SYNC_MAX_REDIRS redirects.  A weak, metered link is the common case, so
 * a poll where nothing changed is one conditional request (ETag /
 * If-Modified-Since, answered 304), and a download cut half-way resumes
 * with a Range request instead of starting again.
 *
 * DESIGN NOTES
 *  1. The UI thread never waits on the network: it only takes `lock` to
 *     copy the status.  Transfers run on the worker (or the caller of
 *     sync_poll); `poll_lock` lets one poll run at a time.
 *  2. The accepted catalog version (state key sync.catalog_version) only
 *     goes up, and is raised only after the catalog's signature verified.
 *  3. A mirror's ETag / Last-Modified are remembered (state keys
 *     sync.etag.<url>, sync.lastmod.<url>) only after a poll of that
 *     mirror completed with every wanted pack installed, so a 304 never
 *     hides a pack still to be fetched.
 *  4. Downloads are written only under data_dir/staging/sync; installed
 *     packs are touched only by install_pack, so any failure here leaves
 *     the installed set unchanged.
 *  5. A partial file (ID-VERSION.faro.part) is kept across failed polls and
 *     resumed with Range + If-Range (its ETag in .part.etag); it is thrown
 *     away when the hash does not match the catalog, when it is longer
 *     than the catalog says, or when the server answers 200 to the resume.
 *  6. A pack the installer refused for a reason the same bytes would meet
 *     again (signature, key, scope, version, not a pack) is remembered
 *     (sync.refused.<id> = "VERSION HASH") and not downloaded again until
 *     the catalog lists other bytes: a metered link does not pay twice for
 *     one refusal.  A full disk or a storage error is retried next poll.
 *  7. Before a download starts, the folder must have room for the missing
 *     bytes twice (the download and the installer's staged copy).
 *
 * States of one poll (function in brackets):
 *
 *   idle --[sync_poll]--> catalog --304--> done (nothing changed)
 *                          | 200 [fetch_catalog]
 *                          v
 *                        verify [check_catalog] --bad sig / old / expired--> next mirror
 *                          | ok: raise sync.catalog_version
 *                          v
 *          for each wanted pack: download [download_pack] --fail--> keep .part, next pack
 *                          | size + hash ok
 *                          v
 *                        install [install_one] --refused--> remember, next pack
 *                          v
 *                        done: all ok -> remember ETag, last_success = now
 */
#include "sync.h"
#include "fsio.h"
#include "catalog.h"
#include "log.h"
#include "sig.h"
#include "trust.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define SYNC_MAX_REDIRS     5
#define SYNC_MAX_ERRBODY    65536   /* body of an error response, read and dropped */
#define SYNC_VALIDATOR_MAX  128     /* an ETag or Last-Modified value */
#define SYNC_PATH_MAX       1024
#define SYNC_DISK_SPARE     (8ull << 20)  /* free space kept beyond a download */

typedef struct sync_err {
    char key[48], arg[128], detail[FARO_MAX_ERRLEN];
} sync_err;

struct sync_ctx {
    char data_dir[SYNC_PATH_MAX], dl_dir[SYNC_PATH_MAX], ca_file[SYNC_PATH_MAX];
    char mirrors[SYNC_MAX_MIRRORS][SYNC_MAX_URL];
    int nmirrors;
    char subs[SYNC_MAX_SUBSCRIBE][FARO_MAX_ID_LEN + 2];
    const char *subp[SYNC_MAX_SUBSCRIBE];
    int nsubs;
    int poll_s, connect_timeout_s, low_speed_time_s;
    long low_speed_bytes;
    sync_installed_fn on_installed;
    void *user;
    installer *in;
    state *st;
    CURL *curl;
    unsigned long long wire;         /* bytes on the wire in this poll (poll thread only) */
    pthread_mutex_t lock, poll_lock;
    pthread_cond_t cond;
    pthread_t thread;
    int started, stop, wake;
    sync_status status;
};

/* One HTTP transfer: where the body goes and what the headers said. */
typedef struct xfer {
    sync_ctx *s;
    char *mem;                       /* memory sink (catalog, signatures) */
    size_t mem_cap;
    int fd;                          /* file sink (packs), or -1 */
    unsigned long long offset;       /* bytes held so far */
    unsigned long long max;          /* byte cap for the whole object */
    unsigned long long resume_from;  /* Range start asked for, 0: none */
    unsigned long long discarded;    /* bytes of an error body dropped */
    int started, discard, over, bad_range, io_error;
    long long cr_start;              /* Content-Range start, -1: none */
    char etag[SYNC_VALIDATOR_MAX], lastmod[SYNC_VALIDATOR_MAX];
} xfer;

/* ---- errors and status ---- */

static void set_err(sync_err *e, const char *key, const char *arg, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_err(sync_err *e, const char *key, const char *arg, const char *fmt, ...)
{
    va_list ap;
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->arg, sizeof e->arg, "%s", arg ? arg : "");
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
}

static void status_download(sync_ctx *s, const char *id, unsigned long long done,
                            unsigned long long total)
{
    pthread_mutex_lock(&s->lock);
    snprintf(s->status.downloading, sizeof s->status.downloading, "%s", id ? id : "");
    s->status.done = done;
    s->status.total = total;
    pthread_mutex_unlock(&s->lock);
}

static int stopping(sync_ctx *s)
{
    return __atomic_load_n(&s->stop, __ATOMIC_SEQ_CST);
}

/* ---- paths and small files ---- */

static int mkdir_p(const char *path)
{
    char tmp[SYNC_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* mirror + "/" + rel, without doubling the slash.  Returns 0 or -1 if too long. */
static int join_url(char *out, size_t size, const char *mirror, const char *rel)
{
    size_t n = strlen(mirror);
    int w = snprintf(out, size, "%s%s%s", mirror, n && mirror[n - 1] == '/' ? "" : "/", rel);
    return w < 0 || (size_t)w >= size ? -1 : 0;
}

static void host_of(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), p);
}

/* Replaces a small file durably (fsio_write); 0 or -1 with errno set. */
static int write_small_file(const char *path, const char *buf, size_t len)
{
    return fsio_write(path, buf, len, 0600, NULL, 0) == 0 ? 0 : -1;
}

/* Reads a small text file into buf (empty when missing or larger than buf). */
static void read_small_file(const char *path, char *buf, size_t size)
{
    char *text = NULL;
    long n = fsio_read(path, size - 1, 0, &text, NULL, 0);
    snprintf(buf, size, "%s", n >= 0 ? text : "");
    free(text);
}

/* ---- libcurl callbacks ---- */

/* A validator header value is kept only if short, printable ASCII. */
static void keep_validator(char *dst, const char *v, size_t len)
{
    while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
        len--;
    if (len == 0 || len >= SYNC_VALIDATOR_MAX)
        return;
    for (size_t i = 0; i < len; i++)
        if (v[i] < 0x20 || v[i] > 0x7e)
            return;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *user)
{
    xfer *x = user;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(p, "HTTP/", 5)) {         /* a new response (redirects) */
        x->etag[0] = x->lastmod[0] = '\0';
        x->cr_start = -1;
    } else if (n > 5 && !strncasecmp(p, "ETag:", 5)) {
        size_t o = 5;
        while (o < n && p[o] == ' ')
            o++;
        keep_validator(x->etag, p + o, n - o);
    } else if (n > 14 && !strncasecmp(p, "Last-Modified:", 14)) {
        size_t o = 14;
        while (o < n && p[o] == ' ')
            o++;
        keep_validator(x->lastmod, p + o, n - o);
    } else if (n > 20 && !strncasecmp(p, "Content-Range: bytes ", 21)) {
        char num[32];
        size_t len = strspn(p + 21, "0123456789");
        if (len > 0 && len < sizeof num) {
            memcpy(num, p + 21, len);
            num[len] = '\0';
            x->cr_start = strtoll(num, NULL, 10);
        }
    }
    return n;
}

/* First body byte: decide where the body goes from the response code. */
static void start_sink(xfer *x)
{
    long code = 0;
    curl_easy_getinfo(x->s->curl, CURLINFO_RESPONSE_CODE, &code);
    x->started = 1;
    if (code == 206 && x->fd >= 0 && x->resume_from > 0 &&
        x->cr_start == (long long)x->resume_from) {
        x->offset = x->resume_from;
    } else if (code == 200) {
        x->offset = 0;                 /* a whole body: a fresh start, even for a resume */
        if (x->fd >= 0 && ftruncate(x->fd, 0) < 0)
            x->io_error = 1;
    } else if (code == 206) {
        x->bad_range = 1;              /* a range we did not ask for */
    } else {
        x->discard = 1;                /* an error page: read (bounded) and dropped */
    }
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *user)
{
    xfer *x = user;
    size_t n = size * nmemb;
    if (!x->started)
        start_sink(x);
    if (x->bad_range || x->io_error)
        return 0;
    if (x->discard) {
        x->discarded += n;
        return x->discarded > SYNC_MAX_ERRBODY ? 0 : n;
    }
    if (x->offset + n > x->max) {      /* the byte cap: longer than promised */
        x->over = 1;
        return 0;
    }
    if (x->fd >= 0) {
        if (pwrite(x->fd, p, n, (off_t)x->offset) != (ssize_t)n) {
            x->io_error = 1;
            return 0;
        }
    } else {
        memcpy(x->mem + x->offset, p, n);
    }
    x->offset += n;
    return n;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    xfer *x = user;
    if (stopping(x->s))
        return 1;
    if (x->fd >= 0) {
        pthread_mutex_lock(&x->s->lock);
        x->s->status.done = x->offset;
        pthread_mutex_unlock(&x->s->lock);
    }
    return 0;
}

/* Counts HTTP bytes both ways (headers and bodies). */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *user)
{
    sync_ctx *s = user;
    if (type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT ||
        type == CURLINFO_DATA_IN || type == CURLINFO_DATA_OUT)
        s->wire += size;
    return 0;
}

/* ---- one transfer ---- */

static void set_options(sync_ctx *s, xfer *x, const char *url, struct curl_slist *hdrs)
{
    CURL *c = s->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)SYNC_MAX_REDIRS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)s->connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)s->low_speed_time_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, s->low_speed_bytes);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "faro/" FARO_VERSION);
    if (s->ca_file[0])
        curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
}

/* Turns a transfer's outcome into 0 or an error (key, arg, detail). */
static int transfer_result(xfer *x, CURLcode rc, long code, const char *url, const char *what,
                           sync_err *e)
{
    char host[128];
    host_of(url, host, sizeof host);
    if (x->over) {
        set_err(e, "sync.err.too_big", what, "%s: more bytes than the %llu expected", url, x->max);
        return FARO_ELIMIT;
    }
    if (x->bad_range) {
        set_err(e, "sync.err.range", host, "%s: the server answered a range that was not asked for", url);
        return FARO_EIO;
    }
    if (x->io_error) {
        set_err(e, "sync.err.disk", what, "%s: cannot write the download: %s", url, strerror(errno));
        return FARO_EIO;
    }
    switch (rc) {
    case CURLE_OK:
        break;
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_CONNECT:
        set_err(e, "sync.err.connect", host, "%s: cannot connect: %s", url, curl_easy_strerror(rc));
        return FARO_EIO;
    case CURLE_OPERATION_TIMEDOUT:
        set_err(e, "sync.err.timeout", host, "%s: too slow or stalled: %s", url, curl_easy_strerror(rc));
        return FARO_EIO;
    case CURLE_TOO_MANY_REDIRECTS: case CURLE_UNSUPPORTED_PROTOCOL:
        set_err(e, "sync.err.redirect", host, "%s: refused redirect: %s", url, curl_easy_strerror(rc));
        return FARO_EIO;
    case CURLE_ABORTED_BY_CALLBACK:
        set_err(e, "sync.err.stopped", host, "%s: stopped", url);
        return FARO_EIO;
    case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CONNECT_ERROR: case CURLE_SSL_CACERT_BADFILE:
        set_err(e, "sync.err.tls", host, "%s: secure connection failed: %s", url, curl_easy_strerror(rc));
        return FARO_EIO;
    case CURLE_PARTIAL_FILE: case CURLE_RECV_ERROR: case CURLE_GOT_NOTHING: case CURLE_SEND_ERROR:
        set_err(e, "sync.err.interrupted", host, "%s: connection lost: %s", url, curl_easy_strerror(rc));
        return FARO_EIO;
    default:
        set_err(e, "sync.err.network", host, "%s: %s", url, curl_easy_strerror(rc));
        return FARO_EIO;
    }
    if (code != 200 && code != 206 && code != 304) {
        char num[16];
        snprintf(num, sizeof num, "%ld", code);
        set_err(e, "sync.err.http", num, "%s: the server answered HTTP %ld", url, code);
        return code == 404 ? FARO_ENOTFOUND : FARO_EIO;
    }
    return 0;
}

/* Performs one GET.  *code gets the HTTP status.  Returns 0 or <0 with e set. */
static int perform(sync_ctx *s, xfer *x, const char *url, struct curl_slist *hdrs,
                   const char *what, long *code, sync_err *e)
{
    x->cr_start = -1;
    set_options(s, x, url, hdrs);
    if (x->resume_from > 0) {
        char range[32];
        snprintf(range, sizeof range, "%llu-", x->resume_from);
        curl_easy_setopt(s->curl, CURLOPT_RANGE, range);
    }
    CURLcode rc = curl_easy_perform(s->curl);
    *code = 0;
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, code);
    return transfer_result(x, rc, *code, url, what, e);
}

/* GETs a small object into a malloc'd buffer of at most max bytes. */
static int fetch_mem(sync_ctx *s, const char *url, size_t max, struct curl_slist *hdrs,
                     xfer *x, const char *what, long *code, sync_err *e)
{
    memset(x, 0, sizeof *x);
    x->s = s;
    x->fd = -1;
    x->max = max;
    x->mem = malloc(max + 1);
    if (!x->mem) {
        set_err(e, "sync.err.memory", what, "out of memory");
        return FARO_ENOMEM;
    }
    int rc = perform(s, x, url, hdrs, what, code, e);
    if (rc == 0)
        x->mem[x->offset] = '\0';
    return rc;
}

/* ---- the catalog ---- */

/* Conditional request headers for a mirror, from the state database. */
static struct curl_slist *conditional_headers(sync_ctx *s, const char *mirror)
{
    char key[SYNC_MAX_URL + 32], val[SYNC_VALIDATOR_MAX], line[SYNC_VALIDATOR_MAX + 32];
    struct curl_slist *h = NULL;
    snprintf(key, sizeof key, "sync.etag.%s", mirror);
    if (state_get(s->st, key, val, sizeof val) == 0 && val[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", val);
        h = curl_slist_append(h, line);
    }
    snprintf(key, sizeof key, "sync.lastmod.%s", mirror);
    if (state_get(s->st, key, val, sizeof val) == 0 && val[0]) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", val);
        h = curl_slist_append(h, line);
    }
    return h;
}

static void remember_validators(sync_ctx *s, const char *mirror, const char *etag,
                                const char *lastmod)
{
    char key[SYNC_MAX_URL + 32];
    snprintf(key, sizeof key, "sync.etag.%s", mirror);
    if (etag[0]) state_set(s->st, key, etag); else state_del(s->st, key);
    snprintf(key, sizeof key, "sync.lastmod.%s", mirror);
    if (lastmod[0]) state_set(s->st, key, lastmod); else state_del(s->st, key);
}

/* Copies the trusted, unrevoked key with this key number into *key.
 * The store is read again each time: key packs may have changed it. */
static int find_key(sync_ctx *s, const unsigned char *keynum, trust_key *key, char *err, size_t errlen)
{
    char dir[SYNC_PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/keys", s->data_dir);
    trust *t = trust_open(dir, err, errlen);
    const trust_key *k = t ? trust_lookup(t, keynum, err, errlen) : NULL;
    if (k)
        *key = *k;
    trust_free(t);
    return k ? 0 : FARO_ESIG;
}

/* Signature (key known first, then the signature itself), parse, freshness. */
static catalog *check_catalog(sync_ctx *s, const char *url, const char *buf, size_t len,
                              const char *sigtxt, size_t siglen, trust_key *key, sync_err *e)
{
    char err[FARO_MAX_ERRLEN], keyid[SIG_KEYID_LEN + 1], num[32];
    unsigned char hash[SIG_HASH_BYTES];
    sig_signature sg;
    if (sig_parse(sigtxt, siglen, &sg, err, sizeof err) < 0) {
        set_err(e, "sync.err.catalog_sig", url, "%s.minisig: %s", url, err);
        return NULL;
    }
    sig_keyid_hex(sg.keynum, keyid);
    if (find_key(s, sg.keynum, key, err, sizeof err) < 0) {
        set_err(e, "sync.err.catalog_key", keyid, "%s: %s", url, err);
        return NULL;
    }
    crypto_generichash(hash, sizeof hash, (const unsigned char *)buf, len, NULL, 0);
    if (sig_verify_hash(&sg, &key->pk, hash, err, sizeof err) < 0) {
        set_err(e, "sync.err.catalog_sig", url, "%s: %s", url, err);
        return NULL;
    }
    catalog *c = catalog_parse(buf, len, err, sizeof err);
    if (!c) {
        set_err(e, "sync.err.catalog_bad", url, "%s: %s", url, err);
        return NULL;
    }
    long long last = 0;
    if (state_get(s->st, "sync.catalog_version", num, sizeof num) == 0)
        last = strtoll(num, NULL, 10);
    int fresh = catalog_check_fresh(c, last, (long long)time(NULL), err, sizeof err);
    if (fresh != CATALOG_FRESH) {
        set_err(e, fresh == CATALOG_OLD ? "sync.err.catalog_old" : "sync.err.catalog_expired", url,
                "%s: %s", url, err);
        catalog_free(c);
        return NULL;
    }
    if (catalog_version(c) > last) {
        snprintf(num, sizeof num, "%lld", catalog_version(c));
        state_set(s->st, "sync.catalog_version", num);
    }
    pthread_mutex_lock(&s->lock);
    s->status.catalog_version = catalog_version(c) > last ? catalog_version(c) : last;
    pthread_mutex_unlock(&s->lock);
    return c;
}

/* Fetches and checks a mirror's catalog.  Returns 1 when unchanged (304),
 * 0 with *out set, or <0 with e set.  etag/lastmod get the validators. */
static int fetch_catalog(sync_ctx *s, const char *mirror, catalog **out, trust_key *key,
                         char *etag, char *lastmod, sync_err *e)
{
    char url[SYNC_MAX_URL + 32];
    xfer cx, sx;
    long code = 0;
    int rc;
    memset(&sx, 0, sizeof sx);
    *out = NULL;
    join_url(url, sizeof url, mirror, "catalog");
    struct curl_slist *h = conditional_headers(s, mirror);
    rc = fetch_mem(s, url, CATALOG_MAX_BYTES, h, &cx, "catalog", &code, e);
    curl_slist_free_all(h);
    if (rc < 0 || code == 304) {
        rc = rc < 0 ? rc : 1;
        goto done;
    }
    snprintf(etag, SYNC_VALIDATOR_MAX, "%s", cx.etag);
    snprintf(lastmod, SYNC_VALIDATOR_MAX, "%s", cx.lastmod);
    join_url(url, sizeof url, mirror, "catalog.minisig");
    rc = fetch_mem(s, url, CATALOG_MAX_SIG, NULL, &sx, "catalog.minisig", &code, e);
    if (rc < 0)
        goto done;
    join_url(url, sizeof url, mirror, "catalog");
    *out = check_catalog(s, url, cx.mem, (size_t)cx.offset, sx.mem, (size_t)sx.offset, key, e);
    rc = *out ? 0 : FARO_ESIG;
done:
    free(cx.mem);
    free(sx.mem);
    return rc;
}

/* ---- one pack ---- */

/* Is this entry wanted: subscribed, newer than seen, not refused before? */
static int wanted(sync_ctx *s, const catalog_entry *ce)
{
    char key[FARO_MAX_ID_LEN + 32], val[SYNC_VALIDATOR_MAX + 64], hash[CATALOG_HASH_HEX + 1],
         want[SYNC_VALIDATOR_MAX + 64];
    long seen = 0;
    if (!catalog_subscribed(ce->id, s->subp, s->nsubs))
        return 0;
    if (state_pack_seen(s->st, ce->id, &seen, hash, sizeof hash) == 0 && seen >= ce->version)
        return 0;
    snprintf(key, sizeof key, "sync.refused.%s", ce->id);
    snprintf(want, sizeof want, "%ld %s", ce->version, ce->hash_hex);
    return !(state_get(s->st, key, val, sizeof val) == 0 && !strcmp(val, want));
}

/* A catalog key only speaks for the pack ids its scope covers. */
static int in_scope(const trust_key *key, const catalog_entry *ce)
{
    char err[FARO_MAX_ERRLEN];
    if (trust_allows(key, ce->id, "content", err, sizeof err) == 0)
        return 1;
    log_msg("sync: catalog entry %s skipped: %s", ce->id, err);
    return 0;
}

/* Checks the complete download against the catalog's hash. */
static int check_hash(int fd, const catalog_entry *ce, const char *url, sync_err *e)
{
    unsigned char hash[SIG_HASH_BYTES];
    char hex[2 * SIG_HASH_BYTES + 1], err[FARO_MAX_ERRLEN];
    unsigned long long n = 0;
    if (lseek(fd, 0, SEEK_SET) < 0 || sig_hash_fd(fd, ce->size, hash, &n, err, sizeof err) < 0) {
        set_err(e, "sync.err.disk", ce->id, "%s: cannot read the download back: %s", url, err);
        return FARO_EIO;
    }
    sig_hash_hex(hash, hex);
    if (n != ce->size || strcmp(hex, ce->hash_hex) != 0) {
        set_err(e, "sync.err.hash", ce->id, "%s: the bytes do not match the catalog's hash "
                "(the file changed on the mirror?)", url);
        return FARO_ESIG;
    }
    return 0;
}

/* Is there room for `bytes` more in the download folder, and as much
 * again for the installer's staged copy, plus a margin? */
static int room_for(sync_ctx *s, unsigned long long bytes)
{
    struct statvfs v;
    if (statvfs(s->dl_dir, &v) != 0)
        return 1;                       /* unknown: let the write fail clearly */
    unsigned long long avail = (unsigned long long)v.f_bavail * v.f_frsize;
    return avail >= 2 * bytes + SYNC_DISK_SPARE;
}

/* Downloads (or resumes) the pack into part_path. */
static int fetch_pack_body(sync_ctx *s, const catalog_entry *ce, const char *url,
                           const char *part_path, sync_err *e)
{
    char etag_path[SYNC_PATH_MAX + 200], old_etag[SYNC_VALIDATOR_MAX], line[SYNC_VALIDATOR_MAX + 16];
    struct curl_slist *h = NULL;
    struct stat st;
    xfer x;
    long code = 0;
    int rc;
    memset(&x, 0, sizeof x);
    x.s = s;
    x.max = ce->size;
    snprintf(etag_path, sizeof etag_path, "%s.etag", part_path);
    x.fd = open(part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (x.fd < 0 || fstat(x.fd, &st) < 0) {
        set_err(e, "sync.err.disk", ce->id, "%s: %s", part_path, strerror(errno));
        rc = FARO_EIO;
        goto done;
    }
    x.offset = (unsigned long long)st.st_size;
    if (x.offset > ce->size && ftruncate(x.fd, 0) == 0)
        x.offset = 0;
    read_small_file(etag_path, old_etag, sizeof old_etag);
    if (x.offset > 0 && x.offset < ce->size) {
        x.resume_from = x.offset;
        if (old_etag[0]) {
            snprintf(line, sizeof line, "If-Range: %s", old_etag);
            h = curl_slist_append(h, line);
        }
        log_msg("sync: resuming %s at byte %llu of %llu", ce->id, x.offset, ce->size);
    }
    status_download(s, ce->id, x.offset, ce->size);
    if (x.offset < ce->size && !room_for(s, ce->size - x.offset)) {
        set_err(e, "sync.err.disk_full", ce->id, "%s: not enough free space for %llu more bytes",
                s->dl_dir, ce->size - x.offset);
        rc = FARO_EIO;
        goto done;
    }
    if (x.offset < ce->size) {
        rc = perform(s, &x, url, h, ce->id, &code, e);
        if (x.etag[0] && code == 200)
            write_small_file(etag_path, x.etag, strlen(x.etag));
        if (rc < 0)
            goto done;
    }
    if (x.offset != ce->size) {
        set_err(e, "sync.err.size", ce->id, "%s: %llu bytes received, the catalog says %llu",
                url, x.offset, ce->size);
        rc = FARO_EIO;
        goto done;
    }
    rc = check_hash(x.fd, ce, url, e);
    if (rc == 0 && fsync(x.fd) < 0) {
        set_err(e, "sync.err.disk", ce->id, "%s: %s", part_path, strerror(errno));
        rc = FARO_EIO;
    }
    if (rc == FARO_ESIG) {          /* wrong bytes: never resume from them */
        unlink(part_path);
        unlink(etag_path);
    }
done:
    if (x.fd >= 0)
        close(x.fd);
    curl_slist_free_all(h);
    return rc;
}

static int fetch_pack_sig(sync_ctx *s, const catalog_entry *ce, const char *url,
                          const char *sig_path, sync_err *e)
{
    xfer x;
    long code = 0;
    int rc = fetch_mem(s, url, CATALOG_MAX_SIG, NULL, &x, ce->id, &code, e);
    if (rc == 0 && write_small_file(sig_path, x.mem, (size_t)x.offset) < 0) {
        set_err(e, "sync.err.disk", ce->id, "%s: %s", sig_path, strerror(errno));
        rc = FARO_EIO;
    }
    free(x.mem);
    return rc;
}

static void on_install_progress(void *user, const char *name, unsigned long long done,
                                unsigned long long total)
{
    sync_ctx *s = user;
    pthread_mutex_lock(&s->lock);
    s->status.done = done;
    s->status.total = total;
    pthread_mutex_unlock(&s->lock);
}

/* Refusals that the same bytes would get again (not a full disk or a
 * storage error): remembered so they are not downloaded again. */
static int refusal_is_final(int why)
{
    switch (why) {
    case INSTALL_TOO_BIG: case INSTALL_NO_SIG: case INSTALL_BAD_SIG: case INSTALL_UNKNOWN_KEY:
    case INSTALL_OUT_OF_SCOPE: case INSTALL_NOT_PACK: case INSTALL_OLD_VERSION:
    case INSTALL_SAME_VERSION: case INSTALL_EXPIRED: case INSTALL_EMPTY:
        return 1;
    default:
        return 0;
    }
}

static int install_one(sync_ctx *s, const catalog_entry *ce, const char *pack_path,
                       const char *sig_path, sync_err *e)
{
    install_result res;
    char key[FARO_MAX_ID_LEN + 32], val[CATALOG_HASH_HEX + 32];
    memset(&res, 0, sizeof res);
    int rc = install_pack(s->in, pack_path, sig_path, on_install_progress, s, &res);
    if (rc < 0) {
        /* the installer's own locale key says why ("install.unknown_key") */
        set_err(e, install_why_name(res.why), ce->id, "%s %ld: refused: %s", ce->id, ce->version,
                res.reason);
        if (refusal_is_final(res.why)) {
            snprintf(key, sizeof key, "sync.refused.%s", ce->id);
            snprintf(val, sizeof val, "%ld %s", ce->version, ce->hash_hex);
            state_set(s->st, key, val);
        }
        return rc;
    }
    log_msg("sync: installed %s version %ld", res.id, res.version);
    pthread_mutex_lock(&s->lock);
    s->status.installed++;
    pthread_mutex_unlock(&s->lock);
    if (s->on_installed)
        s->on_installed(s->user, &res);
    return 0;
}

/* Downloads, checks and installs one catalog entry. */
static int sync_one(sync_ctx *s, const char *mirror, const catalog_entry *ce, sync_err *e)
{
    char url[SYNC_MAX_URL + CATALOG_MAX_PATH + 16], sig_url[sizeof url];
    char base[SYNC_PATH_MAX + 100], part[sizeof base + 16], pack[sizeof base + 8], sig[sizeof base + 16];
    snprintf(base, sizeof base, "%s/%s-%ld", s->dl_dir, ce->id, ce->version);
    snprintf(part, sizeof part, "%s.part", base);
    snprintf(pack, sizeof pack, "%s.faro", base);
    snprintf(sig, sizeof sig, "%s.faro.minisig", base);
    if (join_url(url, sizeof url, mirror, ce->path) < 0 ||
        snprintf(sig_url, sizeof sig_url, "%s.minisig", url) >= (int)sizeof sig_url) {
        set_err(e, "sync.err.catalog_bad", ce->id, "%s: URL too long", ce->path);
        return FARO_ELIMIT;
    }
    int rc = fetch_pack_body(s, ce, url, part, e);
    if (rc == 0)
        rc = fetch_pack_sig(s, ce, sig_url, sig, e);
    if (rc == 0 && fsio_commit(part, pack, NULL, 0) < 0) {
        set_err(e, "sync.err.disk", ce->id, "%s: %s", pack, strerror(errno));
        rc = FARO_EIO;
    }
    if (rc == 0) {
        strcat(part, ".etag");
        unlink(part);
        rc = install_one(s, ce, pack, sig, e);
        unlink(pack);
    }
    unlink(sig);
    status_download(s, NULL, 0, 0);
    return rc;
}

/* ---- one poll ---- */

/* Removes downloads of packs the catalog no longer offers (a newer version
 * replaced them), so partial files do not pile up on a small SD card. */
static void sweep_downloads(sync_ctx *s, const catalog *c)
{
    char path[SYNC_PATH_MAX + 300], base[FARO_MAX_ID_LEN + 32];
    DIR *d = opendir(s->dl_dir);
    if (!d)
        return;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        int keep = de->d_name[0] == '.';
        for (int i = 0; !keep && i < catalog_count(c); i++) {
            const catalog_entry *ce = catalog_at(c, i);
            snprintf(base, sizeof base, "%s-%ld.", ce->id, ce->version);
            keep = !strncmp(de->d_name, base, strlen(base));
        }
        snprintf(path, sizeof path, "%s/%s", s->dl_dir, de->d_name);
        if (!keep && unlink(path) == 0)
            log_msg("sync: removed %s (no longer in the catalog)", de->d_name);
    }
    closedir(d);
}

/* Polls one mirror.  Returns 0 when all wanted packs are installed. */
static int poll_mirror(sync_ctx *s, const char *mirror, sync_err *e)
{
    char etag[SYNC_VALIDATOR_MAX] = "", lastmod[SYNC_VALIDATOR_MAX] = "";
    catalog *c = NULL;
    trust_key key;
    int rc = fetch_catalog(s, mirror, &c, &key, etag, lastmod, e), failed = 0;
    if (rc != 0)
        return rc > 0 ? 0 : rc;
    sweep_downloads(s, c);
    for (int i = 0; i < catalog_count(c) && !stopping(s); i++) {
        const catalog_entry *ce = catalog_at(c, i);
        if (!wanted(s, ce) || !in_scope(&key, ce))
            continue;
        int r = sync_one(s, mirror, ce, e);
        if (r < 0) {
            log_msg("sync: %s", e->detail);
            failed = failed ? failed : r;
        }
    }
    if (!failed && stopping(s)) {
        set_err(e, "sync.err.stopped", mirror, "%s: stopped", mirror);
        failed = FARO_EIO;
    }
    if (!failed)
        remember_validators(s, mirror, etag, lastmod);
    catalog_free(c);
    return failed;
}

static void poll_begin(sync_ctx *s)
{
    pthread_mutex_lock(&s->lock);
    s->status.polling = 1;
    s->status.installed = 0;
    s->status.last_attempt = (long long)time(NULL);
    pthread_mutex_unlock(&s->lock);
    s->wire = 0;
}

static void poll_end(sync_ctx *s, int rc, const sync_err *e)
{
    pthread_mutex_lock(&s->lock);
    s->status.polling = 0;
    s->status.wire_bytes = s->wire;
    if (rc == 0) {
        s->status.last_success = (long long)time(NULL);
        s->status.fails = 0;
        s->status.error_key[0] = s->status.error_arg[0] = s->status.detail[0] = '\0';
    } else {
        s->status.fails++;
        snprintf(s->status.error_key, sizeof s->status.error_key, "%s", e->key);
        snprintf(s->status.error_arg, sizeof s->status.error_arg, "%s", e->arg);
        snprintf(s->status.detail, sizeof s->status.detail, "%s", e->detail);
    }
    pthread_mutex_unlock(&s->lock);
}

int sync_poll(sync_ctx *s, char *err, size_t errlen)
{
    sync_err e;
    int rc = FARO_EIO;
    memset(&e, 0, sizeof e);
    pthread_mutex_lock(&s->poll_lock);
    poll_begin(s);
    if (mkdir_p(s->dl_dir) < 0) {
        set_err(&e, "sync.err.disk", s->dl_dir, "%s: %s", s->dl_dir, strerror(errno));
    } else {
        for (int i = 0; i < s->nmirrors && !stopping(s); i++) {
            rc = poll_mirror(s, s->mirrors[i], &e);
            if (rc == 0)
                break;
            log_msg("sync: mirror %d: %s", i + 1, e.detail);
        }
    }
    poll_end(s, rc, &e);
    pthread_mutex_unlock(&s->poll_lock);
    if (rc < 0)
        snprintf(err, errlen, "%s", e.detail);
    return rc;
}

/* ---- the worker thread ---- */

long long sync_next_delay_ms(int poll_s, int fails, double rnd)
{
    double base = (double)poll_s * 1000.0;
    if (fails <= 0)
        return (long long)(base * (0.9 + 0.2 * rnd));
    double back = 30000.0;
    for (int i = 1; i < fails && back < 4 * base; i++)
        back *= 2;
    if (back > 4 * base)
        back = 4 * base;
    return (long long)(back * (0.5 + 0.5 * rnd));
}

static double random_unit(void)
{
    return (double)randombytes_uniform(1u << 30) / (double)(1u << 30);
}

/* Waits delay_ms or until woken or stopped; called and returns with lock held. */
static void wait_locked(sync_ctx *s, long long delay_ms)
{
    struct timespec now, until;
    clock_gettime(CLOCK_MONOTONIC, &now);
    until.tv_sec = now.tv_sec + (time_t)(delay_ms / 1000);
    until.tv_nsec = now.tv_nsec + (long)(delay_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    s->status.next_poll = (long long)time(NULL) + delay_ms / 1000;
    while (!s->stop && !s->wake)
        if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT)
            break;
    s->wake = 0;
}

static void *worker(void *arg)
{
    sync_ctx *s = arg;
    char err[FARO_MAX_ERRLEN];
    int first = s->poll_s < 30 ? s->poll_s : 30;
    long long delay = (long long)(random_unit() * first * 1000.0);
    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        wait_locked(s, delay);
        if (s->stop)
            break;
        pthread_mutex_unlock(&s->lock);
        sync_poll(s, err, sizeof err);
        pthread_mutex_lock(&s->lock);
        delay = sync_next_delay_ms(s->poll_s, s->status.fails, random_unit());
    }
    s->status.next_poll = 0;
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int sync_start(sync_ctx *s)
{
    if (s->started)
        return FARO_EINVAL;
    if (pthread_create(&s->thread, NULL, worker, s) != 0)
        return FARO_EINVAL;
    s->started = 1;
    return 0;
}

void sync_wake(sync_ctx *s)
{
    pthread_mutex_lock(&s->lock);
    s->wake = 1;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

void sync_status_get(sync_ctx *s, sync_status *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->status;
    pthread_mutex_unlock(&s->lock);
}

/* ---- life cycle ---- */

static int copy_opts(sync_ctx *s, const sync_opts *o, char *err, size_t errlen)
{
    if (!o->data_dir || snprintf(s->data_dir, sizeof s->data_dir, "%s", o->data_dir) >= (int)sizeof s->data_dir ||
        snprintf(s->dl_dir, sizeof s->dl_dir, "%s/staging/sync", o->data_dir) >= (int)sizeof s->dl_dir) {
        snprintf(err, errlen, "sync: data_dir missing or too long");
        return FARO_EINVAL;
    }
    if (o->nmirrors < 0 || o->nmirrors > SYNC_MAX_MIRRORS || o->nsubscribe < 0 ||
        o->nsubscribe > SYNC_MAX_SUBSCRIBE || o->poll_s < 1) {
        snprintf(err, errlen, "sync: too many mirrors or subscriptions, or poll_s < 1");
        return FARO_EINVAL;
    }
    for (int i = 0; i < o->nmirrors; i++) {
        const char *m = o->mirrors[i];
        if ((strncmp(m, "http://", 7) && strncmp(m, "https://", 8)) || strlen(m) >= SYNC_MAX_URL - 64) {
            snprintf(err, errlen, "sync: mirror '%.200s' is not an http:// or https:// URL", m);
            return FARO_EINVAL;
        }
        snprintf(s->mirrors[i], sizeof s->mirrors[i], "%s", m);
    }
    for (int i = 0; i < o->nsubscribe; i++) {
        if (strlen(o->subscribe[i]) > FARO_MAX_ID_LEN) {
            snprintf(err, errlen, "sync: subscription '%.80s' too long", o->subscribe[i]);
            return FARO_EINVAL;
        }
        snprintf(s->subs[i], sizeof s->subs[i], "%s", o->subscribe[i]);
        s->subp[i] = s->subs[i];
    }
    if (o->ca_file)
        snprintf(s->ca_file, sizeof s->ca_file, "%s", o->ca_file);
    s->nmirrors = o->nmirrors;
    s->nsubs = o->nsubscribe;
    s->poll_s = o->poll_s;
    s->connect_timeout_s = o->connect_timeout_s > 0 ? o->connect_timeout_s : 20;
    s->low_speed_time_s = o->low_speed_time_s > 0 ? o->low_speed_time_s : 60;
    s->low_speed_bytes = o->low_speed_bytes > 0 ? o->low_speed_bytes : 100;
    s->on_installed = o->on_installed;
    s->user = o->user;
    return 0;
}

static int init_locks(sync_ctx *s)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return -1;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0)
        return -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->poll_lock, NULL);
    return 0;
}

sync_ctx *sync_new(const sync_opts *o, installer *in, state *st, char *err, size_t errlen)
{
    sync_ctx *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "sync: out of memory");
        return NULL;
    }
    if (!in || !st) {
        snprintf(err, errlen, "sync: an installer and a state database are needed");
        goto fail;
    }
    if (copy_opts(s, o, err, errlen) < 0)
        goto fail;
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        !(s->curl = curl_easy_init())) {
        snprintf(err, errlen, "sync: libcurl or libsodium could not start");
        goto fail;
    }
    if (init_locks(s) < 0) {
        snprintf(err, errlen, "sync: cannot create the worker's locks");
        curl_easy_cleanup(s->curl);
        goto fail;
    }
    s->in = in;
    s->st = st;
    char num[32];
    if (st && state_get(st, "sync.catalog_version", num, sizeof num) == 0)
        s->status.catalog_version = strtoll(num, NULL, 10);
    return s;
fail:
    free(s);
    return NULL;
}

void sync_free(sync_ctx *s)
{
    if (!s)
        return;
    if (s->started) {
        pthread_mutex_lock(&s->lock);
        __atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
        pthread_cond_signal(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
    }
    curl_easy_cleanup(s->curl);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->poll_lock);
    free(s);
}
