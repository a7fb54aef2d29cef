/*
 * catalog.c — reads and writes the catalog a web mirror publishes.
 *
 * The catalog is what lets a thousand kiosks trust a folder on a web
 * server they know nothing about: it is small (one request per poll), it
 * is signed (catalog.minisig, checked by sync.c with the trust store before
 * a byte of it is believed), its version only goes up and it expires, so a
 * mirror cannot replay an old catalog or freeze a kiosk on stale content
 * for long.  This module only knows the text: a strict line parser with a
 * bound on every field (a hostile mirror sends hostile bytes), the
 * freshness verdict and subscription matching.  It does no I/O.  The
 * writer (faro-pack publish) is publish.c: a kiosk only reads catalogs.
 */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* ---- one entry ---- */

int catalog_entry_valid(const catalog_entry *e)
{
    return valid_id(e->id) && e->version > 0 && valid_layer(e->layer) && e->size > 0 &&
           e->size <= FARO_MAX_PACK_BYTES && valid_hash(e->hash_hex) && valid_path(e->path);
}
