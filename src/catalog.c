/*
 * catalog.c — reads and writes the catalog a web mirror publishes.
 *
 * The catalog is what lets a thousand kiosks trust a folder on a web
 * server they know nothing about: it is small (one request per poll), it
 * is signed (catalog.minisig, checked by sync.c with the trust store before
 * a byte of it is believed), its version only goes up and it expires, so a
 * mirror cannot replay an old catalog or freeze a kiosk on stale content
 * for long.  This module only knows the text: a strict line parser with a
 * bound on every field (a hostile mirror sends hostile bytes), the writer
 * faro-pack publish uses, the freshness verdict and subscription matching.
 * It does no I/O.
 */
#include "catalog.h"
#include "sig.h"
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct catalog {
    long long version, expires;
    int n, cap;
    catalog_entry *e;
};

/* ---- small validators ---- */

static int is_id_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

static int valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > FARO_MAX_ID_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_id_char(s[i]))
            return 0;
    return 1;
}

static int valid_layer(const char *s)
{
    return !strcmp(s, "base") || !strcmp(s, "site");
}

static int valid_hash(const char *s)
{
    if (strlen(s) != CATALOG_HASH_HEX)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

/* A relative path of [A-Za-z0-9._-] segments, no empty, "." or ".." one. */
static int valid_path(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CATALOG_MAX_PATH || s[0] == '/' || s[n - 1] == '/')
        return 0;
    for (const char *seg = s; seg && *seg;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && !strncmp(seg, "..", 2)))
            return 0;
        for (size_t i = 0; i < len; i++) {
            char ch = seg[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
                return 0;
        }
        seg = end ? end + 1 : NULL;
    }
    return 1;
}

/* Decimal without sign, leading zeros or overflow; *out in [lo, hi]. */
static int parse_num(const char *s, long long lo, long long hi, long long *out)
{
    long long v = 0;
    if (!*s || (s[0] == '0' && s[1]))
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (hi - (*s - '0')) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v < lo)
        return -1;
    *out = v;
    return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" to seconds since 1970, checked by formatting back. */
static int parse_time(const char *s, long long *out)
{
    struct tm tm = { 0 };
    char back[32];
    if (strlen(s) != 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
                                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    catalog_time_str((long long)t, back, sizeof back);
    if (strcmp(back, s) != 0)
        return -1;
    *out = (long long)t;
    return 0;
}

void catalog_time_str(long long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "?");
}

/* ---- parsing ---- */

/* Splits a line at single spaces into at most max words; returns the count
 * or -1 (empty word: two spaces, or a leading/trailing space). */
static int split_words(char *line, char **w, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        w[n++] = p;
        char *sp = strchr(p, ' ');
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    if (strchr(p, ' '))
        return -1;
    for (int i = 0; i < n; i++)
        if (!*w[i])
            return -1;
    return n;
}

static int add_entry(catalog *c, char **w, const char **why)
{
    long long version, size;
    catalog_entry e;
    memset(&e, 0, sizeof e);
    if (c->n >= CATALOG_MAX_ENTRIES) { *why = "too many packs"; return -1; }
    if (!valid_id(w[1])) { *why = "bad pack id"; return -1; }
    if (parse_num(w[2], 1, 0x7fffffffL, &version) < 0) { *why = "bad pack version"; return -1; }
    if (!valid_layer(w[3])) { *why = "bad layer (base or site)"; return -1; }
    if (parse_num(w[4], 1, (long long)FARO_MAX_PACK_BYTES, &size) < 0) { *why = "bad or too large size"; return -1; }
    if (!valid_hash(w[5])) { *why = "bad hash (128 lower-case hex digits)"; return -1; }
    if (!valid_path(w[6])) { *why = "bad path"; return -1; }
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].id, w[1])) { *why = "pack id listed twice"; return -1; }
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        catalog_entry *ne = realloc(c->e, (size_t)cap * sizeof *ne);
        if (!ne) { *why = "out of memory"; return -1; }
        c->e = ne;
        c->cap = cap;
    }
    snprintf(e.id, sizeof e.id, "%s", w[1]);
    e.version = (long)version;
    snprintf(e.layer, sizeof e.layer, "%s", w[3]);
    e.size = (unsigned long long)size;
    memcpy(e.hash_hex, w[5], CATALOG_HASH_HEX + 1);
    snprintf(e.path, sizeof e.path, "%s", w[6]);
    c->e[c->n++] = e;
    return 0;
}

/* One line (NUL-terminated, no '\n'), number lineno.  Returns 0 or -1 with *why. */
static int parse_line(catalog *c, char *line, int lineno, const char **why)
{
    char *w[8];
    int n = split_words(line, w, 8);
    if (n < 0) { *why = "words must be separated by one space"; return -1; }
    if (lineno == 1) {
        if (n != 2 || strcmp(w[0], "faro-catalog") != 0) { *why = "not a Faro catalog"; return -1; }
        if (strcmp(w[1], "1") != 0) { *why = "unsupported catalog format"; return -1; }
        return 0;
    }
    if (!strcmp(w[0], "version") && n == 2) {
        if (c->version) { *why = "version given twice"; return -1; }
        if (parse_num(w[1], 1, 0x7fffffffffffffffLL, &c->version) < 0) { *why = "bad version"; return -1; }
        return 0;
    }
    if (!strcmp(w[0], "expires") && n == 2) {
        if (c->expires) { *why = "expires given twice"; return -1; }
        if (parse_time(w[1], &c->expires) < 0) { *why = "bad expiry (YYYY-MM-DDTHH:MM:SSZ)"; return -1; }
        return 0;
    }
    if (!strcmp(w[0], "pack") && n == 7)
        return add_entry(c, w, why);
    *why = "unknown line";
    return -1;
}

/* Checks the raw bytes: bounded, no NUL or CR, ends with '\n'. */
static int check_bytes(const char *buf, size_t len, char *err, size_t errlen)
{
    if (len == 0) { snprintf(err, errlen, "catalog: empty"); return FARO_EPARSE; }
    if (len > CATALOG_MAX_BYTES) {
        snprintf(err, errlen, "catalog: %zu bytes, over the limit of %u", len, CATALOG_MAX_BYTES);
        return FARO_ELIMIT;
    }
    if (memchr(buf, '\0', len) || memchr(buf, '\r', len)) {
        snprintf(err, errlen, "catalog: NUL or CR bytes (a text file with \\n line ends is expected)");
        return FARO_EPARSE;
    }
    if (buf[len - 1] != '\n') {
        snprintf(err, errlen, "catalog: the last line is not complete (truncated?)");
        return FARO_EPARSE;
    }
    return 0;
}

static int parse_all(catalog *c, char *text, char *err, size_t errlen)
{
    int lineno = 0;
    const char *why = NULL;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        lineno++;
        if (parse_line(c, line, lineno, &why) < 0) {
            snprintf(err, errlen, "catalog:%d: %s", lineno, why);
            return FARO_EPARSE;
        }
        line = nl + 1;
    }
    if (!c->version || !c->expires) {
        snprintf(err, errlen, "catalog: %s line missing", c->version ? "expires" : "version");
        return FARO_EPARSE;
    }
    return 0;
}

catalog *catalog_parse(const char *buf, size_t len, char *err, size_t errlen)
{
    catalog *c = NULL;
    char *text = NULL;
    if (check_bytes(buf, len, err, errlen) < 0)
        return NULL;
    c = calloc(1, sizeof *c);
    text = malloc(len + 1);
    if (!c || !text) {
        snprintf(err, errlen, "catalog: out of memory");
        goto fail;
    }
    memcpy(text, buf, len);
    text[len] = '\0';
    if (parse_all(c, text, err, errlen) < 0)
        goto fail;
    free(text);
    return c;
fail:
    free(text);
    catalog_free(c);
    return NULL;
}

void catalog_free(catalog *c)
{
    if (!c)
        return;
    free(c->e);
    free(c);
}

long long catalog_version(const catalog *c) { return c->version; }
long long catalog_expires(const catalog *c) { return c->expires; }
int catalog_count(const catalog *c) { return c->n; }
const catalog_entry *catalog_at(const catalog *c, int i) { return &c->e[i]; }

int catalog_check_fresh(const catalog *c, long long last_version, long long now,
                        char *err, size_t errlen)
{
    char when[32];
    if (c->version < last_version) {
        snprintf(err, errlen, "catalog version %lld is older than version %lld already accepted "
                 "(an old catalog replayed by the mirror?)", c->version, last_version);
        return CATALOG_OLD;
    }
    if (now > c->expires) {
        catalog_time_str(c->expires, when, sizeof when);
        snprintf(err, errlen, "catalog version %lld expired at %s", c->version, when);
        return CATALOG_EXPIRED;
    }
    return CATALOG_FRESH;
}

int catalog_subscribed(const char *id, const char *const *patterns, int n)
{
    for (int i = 0; i < n; i++) {
        const char *p = patterns[i];
        size_t len = strlen(p);
        if (len > 0 && p[len - 1] == '*') {
            if (!strncmp(id, p, len - 1))
                return 1;
        } else if (!strcmp(id, p)) {
            return 1;
        }
    }
    return 0;
}

/* ---- writing ---- */

static int check_entry(const catalog_entry *e)
{
    return valid_id(e->id) && e->version > 0 && valid_layer(e->layer) && e->size > 0 &&
           e->size <= FARO_MAX_PACK_BYTES && valid_hash(e->hash_hex) && valid_path(e->path);
}

long catalog_format(long long version, long long expires, const catalog_entry *e, int n,
                    char **out, char *err, size_t errlen)
{
    char when[32];
    size_t cap = 128 + (size_t)(n > 0 ? n : 0) * 512, len = 0;
    *out = NULL;
    if (n < 0 || n > CATALOG_MAX_ENTRIES || version <= 0 || expires <= 0) {
        snprintf(err, errlen, "catalog: %d packs, version %lld: out of bounds", n, version);
        return FARO_ELIMIT;
    }
    char *buf = malloc(cap);
    if (!buf) {
        snprintf(err, errlen, "catalog: out of memory");
        return FARO_ENOMEM;
    }
    catalog_time_str(expires, when, sizeof when);
    len += (size_t)snprintf(buf, cap, "faro-catalog %d\nversion %lld\nexpires %s\n",
                            CATALOG_FORMAT, version, when);
    for (int i = 0; i < n; i++) {
        if (!check_entry(&e[i])) {
            snprintf(err, errlen, "catalog: pack '%s' has a field that would not parse back", e[i].id);
            free(buf);
            return FARO_EINVAL;
        }
        len += (size_t)snprintf(buf + len, cap - len, "pack %s %ld %s %llu %s %s\n", e[i].id,
                                e[i].version, e[i].layer, e[i].size, e[i].hash_hex, e[i].path);
    }
    if (len > CATALOG_MAX_BYTES) {
        snprintf(err, errlen, "catalog: %zu bytes, over the limit of %u", len, CATALOG_MAX_BYTES);
        free(buf);
        return FARO_ELIMIT;
    }
    *out = buf;
    return (long)len;
}

/* ---- publishing a mirror (faro-pack publish) ----
 *
 * The only part of this module that does I/O.  Every pack of DIR is
 * checked by the store (a pack the kiosk would not open is never
 * published), copied to OUT/packs/ID-VERSION.faro with its signature
 * (signed with the key when it has none beside it), then the catalog is
 * written and signed, and the two are renamed into place: packs first,
 * so a kiosk that sees the new catalog finds every file it lists. */

#define PUBLISH_PATH_MAX 4096

typedef struct publish_opts {
    const char *key, *in_dir, *out_dir;
    long long version;              /* 0: max(previous + 1, now) */
    long long expires_s;            /* lifetime from now */
} publish_opts;

/* Reads id, version and layer of a pack the store accepts. */
static int pack_meta(const char *path, catalog_entry *e, char *err, size_t errlen)
{
    static const char *const langs[] = { "en", NULL };
    store_result *res = NULL;
    store *st = store_new();
    int rc = st ? store_add_file(st, path, err, errlen) : FARO_ENOMEM;
    if (rc == 0)
        rc = store_packs(st, langs, &res, err, errlen);
    if (rc == 0 && res->n == 1) {
        snprintf(e->id, sizeof e->id, "%s", res->u.packs[0].id);
        e->version = res->u.packs[0].version;
        snprintf(e->layer, sizeof e->layer, "%s", res->u.packs[0].layer);
    } else if (rc == 0) {
        snprintf(err, errlen, "%.300s: cannot read its meta", path);
        rc = FARO_EPACK;
    }
    if (!st)
        snprintf(err, errlen, "out of memory");
    store_result_free(res);
    store_free(st);
    return rc;
}

/* Copies src to dst through dst.tmp, fsync'd and renamed. */
static int copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
    char tmp[PUBLISH_PATH_MAX + 8], buf[1 << 16];
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = FARO_EIO;
    ssize_t n = 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    if (in < 0 || (out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        goto done;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            goto done;
    if (n == 0 && fsync(out) == 0 && close(out) == 0) {
        out = -1;
        rc = rename(tmp, dst) == 0 ? 0 : FARO_EIO;
    }
done:
    if (rc != 0) {
        snprintf(err, errlen, "cannot copy %.200s to %.200s: %s", src, dst, strerror(errno));
        unlink(tmp);
    }
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return rc;
}

/* Publishes one pack file: meta, hash, copy, signature. */
static int publish_pack(const publish_opts *o, const sig_seckey *sk, const char *src,
                        catalog_entry *e, char *err, size_t errlen)
{
    char dst[PUBLISH_PATH_MAX], src_sig[PUBLISH_PATH_MAX + 400], dst_sig[PUBLISH_PATH_MAX + 8];
    unsigned char hash[SIG_HASH_BYTES];
    struct stat st;
    int rc = pack_meta(src, e, err, errlen);
    if (rc == 0)
        rc = sig_hash_file(src, FARO_MAX_PACK_BYTES, hash, err, errlen);
    if (rc != 0)
        return rc;
    if (stat(src, &st) < 0) {
        snprintf(err, errlen, "%.300s: %s", src, strerror(errno));
        return FARO_EIO;
    }
    e->size = (unsigned long long)st.st_size;
    sig_hash_hex(hash, e->hash_hex);
    snprintf(e->path, sizeof e->path, "packs/%s-%ld.faro", e->id, e->version);
    snprintf(dst, sizeof dst, "%s/%s", o->out_dir, e->path);
    snprintf(dst_sig, sizeof dst_sig, "%s.minisig", dst);
    snprintf(src_sig, sizeof src_sig, "%s.minisig", src);
    rc = copy_file(src, dst, err, errlen);
    if (rc == 0 && access(src_sig, F_OK) == 0)
        rc = copy_file(src_sig, dst_sig, err, errlen);
    else if (rc == 0)
        rc = sig_sign_file(sk, dst, dst_sig, NULL, err, errlen);
    return rc;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.faro file names in dir, sorted, into names[*n] (caller frees
 * each and the array, also on error).  Returns 0 or <0 with err set. */
static int list_packs(const char *dir, char ***names, int *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    int rc = 0;
    *names = NULL;
    *n = 0;
    if (!d) {
        snprintf(err, errlen, "%.300s: %s", dir, strerror(errno));
        return FARO_EIO;
    }
    for (struct dirent *de; rc == 0 && (de = readdir(d)) != NULL;) {
        if (!has_suffix(de->d_name, ".faro"))
            continue;
        char **more = *n < CATALOG_MAX_ENTRIES ? realloc(*names, (size_t)(*n + 1) * sizeof *more) : NULL;
        if (more)
            *names = more;
        if (!more || !(more[*n] = strdup(de->d_name))) {
            snprintf(err, errlen, "%.300s: more than %d packs, or out of memory", dir, CATALOG_MAX_ENTRIES);
            rc = FARO_ELIMIT;
        } else {
            (*n)++;
        }
    }
    closedir(d);
    if (rc == 0 && *n)
        qsort(*names, (size_t)*n, sizeof **names, by_name);
    return rc;
}

/* Adds e, or replaces an entry of the same id with a lower version. */
static void keep_highest(catalog_entry *all, int *n, const catalog_entry *e)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(all[i].id, e->id)) {
            if (e->version > all[i].version)
                all[i] = *e;
            return;
        }
    all[(*n)++] = *e;
}

/* The version of the catalog already in out_dir, 0 when none. */
static long long previous_version(const char *out_dir)
{
    char path[PUBLISH_PATH_MAX], err[FARO_MAX_ERRLEN];
    static char buf[CATALOG_MAX_BYTES];
    long long v = 0;
    snprintf(path, sizeof path, "%s/catalog", out_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    catalog *c = n > 0 ? catalog_parse(buf, (size_t)n, err, sizeof err) : NULL;
    if (c)
        v = catalog_version(c);
    catalog_free(c);
    return v;
}

/* Static servers derive ETag and Last-Modified from the file's mtime in
 * whole seconds and its size (nginx, Apache): two catalogs of one size
 * published within a second would look unchanged.  So the new catalog's
 * mtime is made at least one second later than the previous one's. */
static void bump_mtime(const char *path, const struct stat *old)
{
    struct stat now;
    if (old->st_mtime == 0 || stat(path, &now) != 0 || now.st_mtime > old->st_mtime)
        return;
    struct timespec t[2] = { { old->st_mtime + 1, 0 }, { old->st_mtime + 1, 0 } };
    utimensat(AT_FDCWD, path, t, 0);
}

/* Writes text to OUT/catalog.new, signs it, renames signature then catalog. */
static int write_catalog(const publish_opts *o, const sig_seckey *sk, long long version,
                         const char *text, size_t len, char *err, size_t errlen)
{
    char tmp[PUBLISH_PATH_MAX], tmp_sig[PUBLISH_PATH_MAX + 8], final[PUBLISH_PATH_MAX],
         final_sig[PUBLISH_PATH_MAX + 8], comment[64];
    snprintf(tmp, sizeof tmp, "%s/catalog.new", o->out_dir);
    snprintf(tmp_sig, sizeof tmp_sig, "%s.minisig", tmp);
    snprintf(final, sizeof final, "%s/catalog", o->out_dir);
    snprintf(final_sig, sizeof final_sig, "%s.minisig", final);
    snprintf(comment, sizeof comment, "faro-catalog version %lld", version);
    struct stat old = { 0 };
    stat(final, &old);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = FARO_EIO;
    if (fd >= 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0)
        rc = 0;
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        snprintf(err, errlen, "%.300s: %s", tmp, strerror(errno));
    if (rc == 0)
        rc = sig_sign_file(sk, tmp, tmp_sig, comment, err, errlen);
    if (rc == 0)
        bump_mtime(tmp, &old);
    if (rc == 0 && (rename(tmp_sig, final_sig) < 0 || rename(tmp, final) < 0)) {
        snprintf(err, errlen, "%.300s: %s", final, strerror(errno));
        rc = FARO_EIO;
    }
    return rc;
}

static int publish_all(const publish_opts *o, const sig_seckey *sk, char **names, int n,
                       char *err, size_t errlen)
{
    char src[PUBLISH_PATH_MAX + 300], dir[PUBLISH_PATH_MAX + 8], *text = NULL;
    catalog_entry *all = calloc((size_t)(n > 0 ? n : 1), sizeof *all), e;
    int count = 0, rc = 0;
    if (!all)
        return FARO_ENOMEM;
    snprintf(dir, sizeof dir, "%s/packs", o->out_dir);
    if ((mkdir(o->out_dir, 0755) < 0 && errno != EEXIST) || (mkdir(dir, 0755) < 0 && errno != EEXIST)) {
        snprintf(err, errlen, "%.300s: %s", dir, strerror(errno));
        rc = FARO_EIO;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        memset(&e, 0, sizeof e);
        snprintf(src, sizeof src, "%s/%s", o->in_dir, names[i]);
        rc = publish_pack(o, sk, src, &e, err, errlen);
        if (rc == 0)
            keep_highest(all, &count, &e);
    }
    long long prev = previous_version(o->out_dir), now = (long long)time(NULL);
    long long version = o->version ? o->version : (prev + 1 > now ? prev + 1 : now);
    long len = rc == 0 ? catalog_format(version, now + o->expires_s, all, count, &text, err, errlen) : rc;
    if (len >= 0)
        rc = write_catalog(o, sk, version, text, (size_t)len, err, errlen);
    else
        rc = (int)len;
    if (rc == 0)
        printf("%s/catalog: version %lld, %d packs, expires in %lld days\n", o->out_dir, version,
               count, o->expires_s / 86400);
    free(text);
    free(all);
    return rc;
}

static int publish_usage(void)
{
    fprintf(stderr, "usage: faro-pack publish --key SECRET.key [--expires-days N] [--version N] "
            "DIR_OF_PACKS OUT_DIR\n");
    return 2;
}

int catalog_publish_main(int argc, char **argv)
{
    char err[FARO_MAX_ERRLEN] = "", **names = NULL;
    publish_opts o = { .expires_s = 30 * 86400LL };
    const char *pos[2];
    int npos = 0, rc;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc) o.key = argv[++i];
        else if (!strcmp(argv[i], "--expires-days") && i + 1 < argc) o.expires_s = atoll(argv[++i]) * 86400LL;
        else if (!strcmp(argv[i], "--version") && i + 1 < argc) o.version = atoll(argv[++i]);
        else if (argv[i][0] != '-' && npos < 2) pos[npos++] = argv[i];
        else return publish_usage();
    }
    if (!o.key || npos != 2)
        return publish_usage();
    o.in_dir = pos[0];
    o.out_dir = pos[1];
    sig_seckey sk;
    rc = sig_seckey_load(o.key, getenv("FARO_PACK_PASSWORD"), &sk, err, sizeof err);
    int n = 0;
    if (rc == 0)
        rc = list_packs(o.in_dir, &names, &n, err, sizeof err);
    if (rc == 0)
        rc = publish_all(&o, &sk, names, n, err, sizeof err);
    sig_seckey_wipe(&sk);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc != 0) {
        fprintf(stderr, "faro-pack: %s\n", err);
        return rc == FARO_EPACK || rc == FARO_EPARSE ? 1 : 2;
    }
    return 0;
}
