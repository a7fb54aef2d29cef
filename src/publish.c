/*
 * publish.c — writes a web mirror: the work behind `faro-pack publish`.
 *
 * Every pack of DIR is checked by the store (a pack the kiosk would not
 * open is never published), copied to OUT/packs/ID-VERSION.faro with its
 * signature (signed with the key when it has none beside it), then the
 * catalog is written and signed, and the two are put in place with
 * fsio_commit: packs first, then the signature, then the catalog, so a
 * kiosk that sees the new catalog finds every file it lists.  faro-pack
 * only: a kiosk reads mirrors (catalog.c, sync.c) and never writes one.
 */
#include "publish.h"
#include "faro.h"
#include "fsio.h"
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

long publish_catalog_text(long long version, long long expires, const catalog_entry *e, int n,
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
        if (!catalog_entry_valid(&e[i])) {
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

/* ---- publishing a mirror ---- */

#define PUBLISH_PATH_MAX 4096

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
    rc = fsio_copy(src, dst, err, errlen);
    if (rc == 0 && access(src_sig, F_OK) == 0)
        rc = fsio_copy(src_sig, dst_sig, err, errlen);
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
    char path[PUBLISH_PATH_MAX], err[FARO_MAX_ERRLEN], *buf;
    long long v = 0;
    snprintf(path, sizeof path, "%s/catalog", out_dir);
    long n = fsio_read(path, CATALOG_MAX_BYTES, 0, &buf, err, sizeof err);
    catalog *c = n > 0 ? catalog_parse(buf, (size_t)n, err, sizeof err) : NULL;
    if (c)
        v = catalog_version(c);
    catalog_free(c);
    free(buf);
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

/* Writes text to OUT/catalog.new, signs it, puts signature then catalog in place. */
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
    int rc = fsio_write(tmp, text, len, 0644, err, errlen);
    if (rc == 0)
        rc = sig_sign_file(sk, tmp, tmp_sig, comment, err, errlen);
    if (rc == 0)
        bump_mtime(tmp, &old);
    if (rc == 0)
        rc = fsio_commit(tmp_sig, final_sig, err, errlen);
    if (rc == 0)
        rc = fsio_commit(tmp, final, err, errlen);
    return rc;
}

static int publish_all(const publish_opts *o, const sig_seckey *sk, char **names, int n,
                       publish_result *res, char *err, size_t errlen)
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
    long len = rc == 0 ? publish_catalog_text(version, now + o->expires_s, all, count, &text, err, errlen) : rc;
    if (len >= 0)
        rc = write_catalog(o, sk, version, text, (size_t)len, err, errlen);
    else
        rc = (int)len;
    res->version = version;
    res->packs = count;
    free(text);
    free(all);
    return rc;
}

int publish_mirror(const publish_opts *o, const sig_seckey *sk, publish_result *res,
                   char *err, size_t errlen)
{
    char **names = NULL;
    int n = 0, rc = list_packs(o->in_dir, &names, &n, err, errlen);
    res->version = 0;
    res->packs = 0;
    if (rc == 0)
        rc = publish_all(o, sk, names, n, res, err, errlen);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}
