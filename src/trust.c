/*
 * trust.c — the kiosk's trust store: publisher keys and what each may sign.
 *
 * The idea: trust is a small list rebuilt from files every time it is
 * opened, never a database that drifts.  The administrator (or the board
 * set-up) places root and publisher keys in data_dir/keys/ as minisign
 * public key files, each with a scope file beside it:
 *
 *     keys/unhcr-mx.pub      untrusted comment: minisign public key 1A2B...
 *                            RWQ...
 *     keys/unhcr-mx.scope    # what this key may sign
 *                            scope org.unhcr.mx.*
 *                            scope org.unhcr.alerts
 *                            root          (only for a root key: may sign key packs)
 *
 * A .pub without a .scope trusts nothing (logged).  Keys then change only
 * through key packs: Faro packs of type `keys`, signed by a root key and
 * installed by install.c as keys/<id>.faro.  Their meta table carries
 *     key.<KEYID>    the public key's base64 line ("RWQ..."), KEYID must match it
 *     scope.<KEYID>  patterns separated by spaces or commas
 *     revoke.<KEYID> any text (a reason); the key is no longer trusted
 * Key packs are applied in id order; every revocation is applied after
 * every addition, so a revocation always wins.  A key pack cannot add a
 * root key, and cannot revoke one: root keys are the administrator's.
 * Patterns: "org.example.kiosk" (that id), "org.example.*" (ids starting
 * "org.example."), "*" (any id).  See README, section "Trust".
 */
#include "trust.h"
#include "log.h"
#include "schema.h"
#include "pack.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#define TRUST_PATH_LEN   1024
#define TRUST_LINE_LEN   512

struct trust {
    int nkeys, nrevoked;
    trust_key keys[TRUST_MAX_KEYS];
    char revoked[TRUST_MAX_REVOKED][SIG_KEYID_LEN + 1];
    char revoked_by[TRUST_MAX_REVOKED][FARO_MAX_ID_LEN + 1];
};


/* ---------------------------------------------------------------- scopes */

int trust_scope_match(const char *pattern, const char *id)
{
    size_t n = strlen(pattern);
    if (strcmp(pattern, "*") == 0)
        return 1;
    if (n >= 2 && pattern[n - 2] == '.' && pattern[n - 1] == '*')
        return strncmp(pattern, id, n - 1) == 0 && id[n - 1] != '\0';
    return strcmp(pattern, id) == 0;
}

/* A pattern: [a-z0-9.-] then optionally ".*", or "*". */
static int valid_pattern(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > FARO_MAX_ID_LEN + 2)
        return 0;
    if (strcmp(p, "*") == 0)
        return 1;
    if (n >= 2 && strcmp(p + n - 2, ".*") == 0)
        n -= 2;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
              p[i] == '.' || p[i] == '-'))
            return 0;
    return n > 0;
}

/* Adds the patterns in list (separated by spaces or commas) to k. */
static int add_scopes(trust_key *k, const char *list)
{
    char buf[TRUST_LINE_LEN], *save = NULL;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *p = strtok_r(buf, " ,\t", &save); p; p = strtok_r(NULL, " ,\t", &save)) {
        if (!valid_pattern(p) || k->nscopes == TRUST_MAX_SCOPES)
            return -1;
        snprintf(k->scopes[k->nscopes++], sizeof k->scopes[0], "%s", p);
    }
    return 0;
}

int trust_allows(const trust_key *k, const char *id, const char *type, char *err, size_t errlen)
{
    char list[TRUST_MAX_SCOPES * (FARO_MAX_ID_LEN + 4)] = "";
    if (strcmp(type, "keys") == 0)
        return k->root ? 0 : faro_fail(err, errlen, FARO_ESIG, "key pack '%s' is signed by key %s, "
                                  "which is not a root key", id, k->id);
    for (int i = 0; i < k->nscopes; i++)
        if (trust_scope_match(k->scopes[i], id))
            return 0;
    for (int i = 0; i < k->nscopes; i++) {
        strcat(list, i ? ", " : "");
        strcat(list, k->scopes[i]);
    }
    return faro_fail(err, errlen, FARO_ESIG, "pack '%s' is outside the scope of key %s (%s)", id,
                k->id, k->nscopes ? list : "no scope");
}

/* ---------------------------------------------------------------- lookups */

int trust_count(const trust *t)
{
    return t ? t->nkeys : 0;
}

const trust_key *trust_key_at(const trust *t, int i)
{
    return t && i >= 0 && i < t->nkeys ? &t->keys[i] : NULL;
}

static int revoked_index(const trust *t, const char *id)
{
    for (int i = 0; i < t->nrevoked; i++)
        if (strcmp(t->revoked[i], id) == 0)
            return i;
    return -1;
}

const trust_key *trust_lookup(const trust *t, const unsigned char keynum[SIG_KEYNUM_BYTES],
                              char *err, size_t errlen)
{
    char id[SIG_KEYID_LEN + 1];
    int r;
    sig_keyid_hex(keynum, id);
    for (int i = 0; t && i < t->nkeys; i++)
        if (memcmp(t->keys[i].pk.keynum, keynum, SIG_KEYNUM_BYTES) == 0)
            return &t->keys[i];
    if (t && (r = revoked_index(t, id)) >= 0)
        faro_fail(err, errlen, FARO_ESIG, "signed by key %s, which was revoked by key pack '%s'",
             id, t->revoked_by[r]);
    else
        faro_fail(err, errlen, FARO_ESIG, "signed by key %s, which this kiosk does not trust", id);
    return NULL;
}

static trust_key *find_key(trust *t, const char *id)
{
    for (int i = 0; i < t->nkeys; i++)
        if (strcmp(t->keys[i].id, id) == 0)
            return &t->keys[i];
    return NULL;
}

/* ---------------------------------------------------------------- key files */

/* Reads NAME.scope into k; 0, or -1 with the reason logged. */
static int load_scope(trust_key *k, const char *path)
{
    char line[TRUST_LINE_LEN];
    int lineno = 0, rc = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        log_msg("trust: %s: %s (key %s trusts nothing)", path, strerror(errno), k->id);
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof line, f) && ++lineno <= 100) {
        char *p = line + strspn(line, " \t");
        p[strcspn(p, "#\r\n")] = '\0';
        for (size_t n = strlen(p); n && (p[n - 1] == ' ' || p[n - 1] == '\t'); n--)
            p[n - 1] = '\0';
        if (!*p)
            continue;
        if (strcmp(p, "root") == 0)
            k->root = 1;
        else if (strncmp(p, "scope ", 6) != 0 || add_scopes(k, p + 6) != 0)
            rc = -1;
    }
    fclose(f);
    if (rc != 0)
        log_msg("trust: %s:%d: expected 'scope PATTERN' or 'root' (key %s skipped)", path,
                lineno, k->id);
    return rc;
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n > s && strcmp(name + n - s, suffix) == 0;
}

/* Loads keys_dir/NAME.pub with NAME.scope into the next slot of t. */
static void load_key_file(trust *t, const char *dir, const char *name)
{
    char path[TRUST_PATH_LEN], err[FARO_MAX_ERRLEN];
    struct stat st;
    trust_key *k = &t->keys[t->nkeys];
    if (t->nkeys == TRUST_MAX_KEYS) {
        log_msg("trust: more than %d keys; %s skipped", TRUST_MAX_KEYS, name);
        return;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    memset(k, 0, sizeof *k);
    if (sig_pubkey_load(path, &k->pk, err, sizeof err) != 0) {
        log_msg("trust: %s", err);
        return;
    }
    sig_keyid_hex(k->pk.keynum, k->id);
    snprintf(k->source, sizeof k->source, "%.255s", path);
    snprintf(path + strlen(path) - 4, sizeof path - strlen(path) + 4, ".scope");
    if (find_key(t, k->id))
        log_msg("trust: %s: key %s is already loaded", k->source, k->id);
    else if (load_scope(k, path) == 0)
        t->nkeys++;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir ending with suffix, sorted; returns the count (names malloc'd). */
static int list_dir(const char *dir, const char *suffix, char **names, int max)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) && n < max;)
        if (e->d_name[0] != '.' && has_suffix(e->d_name, suffix) &&
            (names[n] = strdup(e->d_name)))
            n++;
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    return n;
}

/* ---------------------------------------------------------------- pack meta */

int trust_pack_meta(const char *path, trust_meta_fn fn, void *user, char *err, size_t errlen)
{
    pack *p = NULL;
    int rc = pack_open_file(path, 0, &p, err, errlen);
    if (rc == 0)
        rc = pack_meta_each(p, fn, user, err, errlen);
    pack_close(p);
    return rc;
}

/* ---------------------------------------------------------------- key packs */

struct keypack_read {
    trust *t;
    const char *name;           /* key pack file, for messages */
    char id[FARO_MAX_ID_LEN + 1], type[16];
    int nadd;
    trust_key add[TRUST_MAX_KEYS];
    int nrev;
    char rev[TRUST_MAX_REVOKED][SIG_KEYID_LEN + 1];
};

static trust_key *pending(struct keypack_read *r, const char *id)
{
    for (int i = 0; i < r->nadd; i++)
        if (strcmp(r->add[i].id, id) == 0)
            return &r->add[i];
    if (r->nadd == TRUST_MAX_KEYS || strlen(id) != SIG_KEYID_LEN)
        return NULL;
    trust_key *k = &r->add[r->nadd++];
    memset(k, 0, sizeof *k);
    snprintf(k->id, sizeof k->id, "%s", id);
    return k;
}

/* One meta row of a key pack. */
static int keypack_row(void *user, const char *key, const char *value)
{
    struct keypack_read *r = user;
    trust_key *k;
    char why[FARO_MAX_ERRLEN], id[SIG_KEYID_LEN + 1];
    if (!key || !value)
        return 0;
    if (strcmp(key, "id") == 0)
        snprintf(r->id, sizeof r->id, "%s", value);
    else if (strcmp(key, "type") == 0)
        snprintf(r->type, sizeof r->type, "%s", value);
    else if (strncmp(key, "key.", 4) == 0 && (k = pending(r, key + 4))) {
        if (sig_pubkey_parse(value, strlen(value), &k->pk, why, sizeof why) != 0)
            log_msg("trust: %s: %s: %s", r->name, key, why);
        sig_keyid_hex(k->pk.keynum, id);
        if (strcmp(id, k->id) != 0)
            memset(&k->pk, 0, sizeof k->pk);   /* never used: id mismatch */
    } else if (strncmp(key, "scope.", 6) == 0 && (k = pending(r, key + 6))) {
        if (add_scopes(k, value) != 0)
            log_msg("trust: %s: %s: bad pattern list '%.80s'", r->name, key, value);
    } else if (strncmp(key, "revoke.", 7) == 0 && r->nrev < TRUST_MAX_REVOKED &&
               strlen(key + 7) == SIG_KEYID_LEN) {
        snprintf(r->rev[r->nrev++], sizeof r->rev[0], "%s", key + 7);
    }
    return 0;
}

/* Adds the keys a key pack declares (with their scopes) to t. */
static void keypack_apply_adds(trust *t, struct keypack_read *r, const char *path)
{
    static const unsigned char zero[SIG_PK_BYTES];
    for (int i = 0; i < r->nadd; i++) {
        trust_key *k = &r->add[i];
        char id[SIG_KEYID_LEN + 1];
        sig_keyid_hex(k->pk.keynum, id);
        if (memcmp(k->pk.pk, zero, sizeof zero) == 0 || strcmp(id, k->id) != 0) {
            log_msg("trust: %s: key.%s missing or does not match its id", path, k->id);
            continue;
        }
        if (find_key(t, k->id) || t->nkeys == TRUST_MAX_KEYS) {
            log_msg("trust: %s: key %s already present or too many keys; skipped", path, k->id);
            continue;
        }
        snprintf(k->source, sizeof k->source, "%.255s", path);
        k->root = 0;
        t->keys[t->nkeys++] = *k;
    }
}

static void keypack_remember_revokes(trust *t, struct keypack_read *r)
{
    for (int i = 0; i < r->nrev && t->nrevoked < TRUST_MAX_REVOKED; i++) {
        if (revoked_index(t, r->rev[i]) >= 0)
            continue;
        snprintf(t->revoked[t->nrevoked], sizeof t->revoked[0], "%s", r->rev[i]);
        snprintf(t->revoked_by[t->nrevoked++], sizeof t->revoked_by[0], "%s", r->id);
    }
}

/* Reads one installed key pack (checked by the store first) into t. */
static void load_key_pack(trust *t, const char *dir, const char *name)
{
    char path[TRUST_PATH_LEN], err[FARO_MAX_ERRLEN];
    struct keypack_read *r = calloc(1, sizeof *r);
    pack *p = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!r) {
        log_msg("trust: %s: out of memory", path);
    } else if (pack_open_file(path, PACK_QUICK_CHECK, &p, err, sizeof err) != 0) {
        log_msg("trust: key pack skipped: %s", err);
    } else {
        r->t = t;
        r->name = path;
        if (pack_meta_each(p, keypack_row, r, err, sizeof err) != 0)
            log_msg("trust: key pack skipped: %s", err);
        else if (strcmp(r->type, "keys") != 0)
            log_msg("trust: %s: not a key pack (type '%s'); skipped", path, r->type);
        else {
            keypack_apply_adds(t, r, path);
            keypack_remember_revokes(t, r);
        }
    }
    pack_close(p);
    free(r);
}

/* Drops every non-root key that a key pack revoked. */
static void apply_revocations(trust *t)
{
    int j = 0;
    for (int i = 0; i < t->nkeys; i++) {
        int r = revoked_index(t, t->keys[i].id);
        if (r >= 0 && !t->keys[i].root) {
            log_msg("trust: key %s revoked by key pack '%s'", t->keys[i].id, t->revoked_by[r]);
            continue;
        }
        if (r >= 0)
            log_msg("trust: key pack '%s' may not revoke root key %s (ignored)", t->revoked_by[r],
                    t->keys[i].id);
        t->keys[j++] = t->keys[i];
    }
    t->nkeys = j;
}

trust *trust_open(const char *keys_dir, char *err, size_t errlen)
{
    char *names[TRUST_MAX_KEYS * 2];
    trust *t = calloc(1, sizeof *t);
    int n;
    if (!t) {
        faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
        return NULL;
    }
    n = list_dir(keys_dir, ".pub", names, TRUST_MAX_KEYS * 2);
    for (int i = 0; i < n; i++) {
        load_key_file(t, keys_dir, names[i]);
        free(names[i]);
    }
    n = list_dir(keys_dir, ".faro", names, TRUST_MAX_KEYS * 2);
    for (int i = 0; i < n; i++) {
        load_key_pack(t, keys_dir, names[i]);
        free(names[i]);
    }
    apply_revocations(t);
    return t;
}

void trust_free(trust *t)
{
    free(t);
}
