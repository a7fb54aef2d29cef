/*
 * pack.c — opening one pack, hardened and checked, for every module.
 *
 * A pack is an untrusted SQLite database (even a signed one: the key holder
 * may be careless), so it is opened the way SQLite's "Defense Against the
 * Dark Arts" page says, and nowhere else: read-only, immutable (a pack is
 * never changed in place: the installer renames a new file over it, so no
 * locks are taken and no journal is looked for), query_only, defensive
 * mode, no trusted schema, triggers and views disabled, no extension
 * loading, double-quoted strings off, tight sqlite3_limit()s, no ATTACH,
 * cell_size_check on, no mmap.  Before any query it checks the file header
 * (magic, page size, rollback journal, length), then that sqlite_schema
 * holds exactly the objects SCHEMA_SQL creates, same type, name and SQL
 * text (the reference is an in-memory database built from SCHEMA_SQL once
 * per process, so the check follows schema.h by itself), then optionally
 * PRAGMA quick_check, then reads and checks the meta keys.
 *
 * Connections are serialized (FULLMUTEX): the shelf keeps one open pack in
 * the UI's store and in the index builder's store at once, on two threads.
 * A handle is reference counted with an atomic counter for the same reason.
 * All memory comes from sqlite3_malloc64, so a test can fail the Nth
 * allocation through SQLITE_CONFIG_MALLOC.
 *
 * Invariants:
 *  1. A handle returned by pack_open_* has passed every check; a failed
 *     open leaves nothing open.
 *  2. meta.id is at most FARO_MAX_ID_LEN bytes, meta.version >= 0, and
 *     format, id, version, layer and type were present.
 *  3. The reference schema, once built, never changes (guarded by ref_lock).
 */
#include "pack.h"
#include "schema.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>

/* SQLite limits for a pack connection (see the Dark Arts page). */
#define PACK_LIMIT_SQL_LENGTH   100000
#define PACK_LIMIT_COLUMNS      100
#define PACK_LIMIT_EXPR_DEPTH   20
#define PACK_LIMIT_COMPOUND     3
#define PACK_LIMIT_VDBE_OPS     25000
#define PACK_LIMIT_FUNC_ARGS    8
#define PACK_LIMIT_LIKE_LEN     50
#define PACK_LIMIT_VARIABLES    10
#define PACK_LIMIT_TRIGGERS     10
#define PACK_NAME_LEN           1024  /* path or name kept for messages */
#define PACK_VALUE_LEN          256   /* one checked meta value */
#define PACK_REF_MAX            32    /* objects SCHEMA_SQL may create */

struct pack {
    sqlite3 *db;
    atomic_int refs;
    int memory;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    pack_meta meta;
    char name[PACK_NAME_LEN];
};

/* The reference schema: (type, name, sql) of every object SCHEMA_SQL makes. */
static struct { char *type, *name, *sql; } ref_obj[PACK_REF_MAX];
static int ref_count = -1;
/* ref_lock: packs are opened on the UI thread, the shelf's thread and the
 * installer's threads; the reference is built by whichever comes first. */
static pthread_mutex_t ref_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long opens;

long pack_open_count(void)
{
    return atomic_load(&opens);
}

/* ---------------------------------------------------------------- reference */

static void ref_clear(int n)
{
    for (int i = 0; i < n; i++) {
        sqlite3_free(ref_obj[i].type);
        sqlite3_free(ref_obj[i].name);
        sqlite3_free(ref_obj[i].sql);
    }
}

/* Reads sqlite_schema of a database made by SCHEMA_SQL; count or -1. */
static int ref_read(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int n = 0, ok = 1;
    if (sqlite3_prepare_v2(db, "SELECT type, name, sql FROM sqlite_schema", -1, &st, NULL))
        return -1;
    while (ok && sqlite3_step(st) == SQLITE_ROW && n < PACK_REF_MAX) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        const char *nm = (const char *)sqlite3_column_text(st, 1);
        const char *q = (const char *)sqlite3_column_text(st, 2);
        ref_obj[n].type = sqlite3_mprintf("%s", t ? t : "");
        ref_obj[n].name = sqlite3_mprintf("%s", nm ? nm : "");
        ref_obj[n].sql = q ? sqlite3_mprintf("%s", q) : NULL;
        ok = ref_obj[n].type && ref_obj[n].name && (!q || ref_obj[n].sql);
        n++;
    }
    sqlite3_finalize(st);
    if (!ok || n == 0) {
        ref_clear(n);
        return -1;
    }
    return n;
}

/* Builds the reference once; 0, or -1 (out of memory: tried again next time). */
static int ref_ready(void)
{
    int rc = 0;
    pthread_mutex_lock(&ref_lock);      /* see ref_lock */
    if (ref_count < 0) {
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            NULL) == SQLITE_OK &&
            sqlite3_exec(db, SCHEMA_SQL, NULL, NULL, NULL) == SQLITE_OK)
            ref_count = ref_read(db);
        sqlite3_close(db);
        rc = ref_count < 0 ? -1 : 0;
    }
    pthread_mutex_unlock(&ref_lock);
    return rc;
}

static int ref_find(const char *name)
{
    for (int i = 0; name && i < ref_count; i++)
        if (strcmp(ref_obj[i].name, name) == 0)
            return i;
    return -1;
}

/* ---------------------------------------------------------------- messages */

/* The message for a connection that failed: NOTADB and CORRUPT get words
 * a person can act on, the rest SQLite's own. */
static int db_fail(pack *p, char *err, size_t errlen)
{
    int code = sqlite3_errcode(p->db) & 0xff;
    if (code == SQLITE_NOTADB)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a SQLite database", p->name);
    if (code == SQLITE_CORRUPT)
        return faro_fail(err, errlen, FARO_EPACK, "%s: damaged SQLite database: %s",
                         p->name, sqlite3_errmsg(p->db));
    if (code == SQLITE_NOMEM)
        return faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", p->name);
    return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: %s", p->name,
                     sqlite3_errmsg(p->db));
}

/* ---------------------------------------------------------------- header */

/* Checks the 100-byte database header against the pack's real length. */
static int check_header(const char *name, const unsigned char *h, size_t hlen,
                        unsigned long long len, char *err, size_t errlen)
{
    unsigned long long page, pages;
    if (hlen < 100 || memcmp(h, "SQLite format 3", 16) != 0)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a SQLite database", name);
    page = ((unsigned)h[16] << 8) | h[17];
    if (page == 1)
        page = 65536;
    pages = ((unsigned long long)h[28] << 24) | ((unsigned)h[29] << 16) |
            ((unsigned)h[30] << 8) | h[31];
    if (page < 512 || (page & (page - 1)))
        return faro_fail(err, errlen, FARO_EPACK, "%s: damaged SQLite database "
                         "(page size %llu)", name, page);
    if (pages * page != len)
        return faro_fail(err, errlen, FARO_EPACK, "%s: truncated or padded: the header "
                         "says %llu bytes, there are %llu", name, pages * page, len);
    if (h[18] != 1 || h[19] != 1)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: journal mode "
                         "WAL (rebuild the pack)", name);
    return 0;
}

/* Reads the header of the file at path, checks it and the size bound, and
 * remembers which file it was (device, inode, size, time). */
static int check_file(pack *p, const char *path, char *err, size_t errlen)
{
    unsigned char h[100];
    struct stat st;
    size_t got;
    FILE *f = fopen(path, "rb");
    if (!f)
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    got = fread(h, 1, sizeof h, f);
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    }
    fclose(f);
    if (!S_ISREG(st.st_mode))
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a regular file", path);
    if ((unsigned long long)st.st_size > FARO_MAX_PACK_BYTES)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: %lld bytes, more than the "
                         "%llu a pack may have", path, (long long)st.st_size,
                         (unsigned long long)FARO_MAX_PACK_BYTES);
    p->dev = st.st_dev;
    p->ino = st.st_ino;
    p->size = st.st_size;
    p->mtime = st.st_mtim;
    return check_header(path, h, got, (unsigned long long)st.st_size, err, errlen);
}

int pack_same_file(const pack *p, const char *path)
{
    struct stat st;
    if (!p || p->memory || stat(path, &st) != 0)
        return 0;
    return st.st_dev == p->dev && st.st_ino == p->ino && st.st_size == p->size &&
           st.st_mtim.tv_sec == p->mtime.tv_sec && st.st_mtim.tv_nsec == p->mtime.tv_nsec;
}

/* ---------------------------------------------------------------- hardening */

/* Turns the connection's defences on, before the schema is ever read. */
static int harden(sqlite3 *db)
{
    static const int limits[][2] = {
        { SQLITE_LIMIT_LENGTH, FARO_MAX_FILE_BYTES },
        { SQLITE_LIMIT_SQL_LENGTH, PACK_LIMIT_SQL_LENGTH },
        { SQLITE_LIMIT_COLUMN, PACK_LIMIT_COLUMNS },
        { SQLITE_LIMIT_EXPR_DEPTH, PACK_LIMIT_EXPR_DEPTH },
        { SQLITE_LIMIT_COMPOUND_SELECT, PACK_LIMIT_COMPOUND },
        { SQLITE_LIMIT_VDBE_OP, PACK_LIMIT_VDBE_OPS },
        { SQLITE_LIMIT_FUNCTION_ARG, PACK_LIMIT_FUNC_ARGS },
        { SQLITE_LIMIT_ATTACHED, 0 },
        { SQLITE_LIMIT_LIKE_PATTERN_LENGTH, PACK_LIMIT_LIKE_LEN },
        { SQLITE_LIMIT_VARIABLE_NUMBER, PACK_LIMIT_VARIABLES },
        { SQLITE_LIMIT_TRIGGER_DEPTH, PACK_LIMIT_TRIGGERS },
    };
    int rc = 0;
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
    rc |= sqlite3_enable_load_extension(db, 0);
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        sqlite3_limit(db, limits[i][0], limits[i][1]);
    return rc == SQLITE_OK ? 0 : -1;
}

/* The pragmas that need a connection (after harden). */
static int harden_pragmas(pack *p, char *err, size_t errlen)
{
    if (sqlite3_exec(p->db, "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0;"
                     " PRAGMA query_only=ON; PRAGMA trusted_schema=OFF;",
                     NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(p, err, errlen);
    return 0;
}

/* "file:<path>?immutable=1" with %, ? and # escaped. */
static char *file_uri(const char *path)
{
    size_t n = strlen(path), j = 0;
    char *uri = sqlite3_malloc64(3 * n + 32);
    if (!uri)
        return NULL;
    j += (size_t)sprintf(uri, "file:");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '%' || c == '?' || c == '#' || c < 0x20)
            j += (size_t)sprintf(uri + j, "%%%02X", c);
        else
            uri[j++] = (char)c;
    }
    strcpy(uri + j, "?immutable=1");
    return uri;
}

/* ---------------------------------------------------------------- schema */

/* Compares one pack object (type, name, sql) with the reference schema. */
static int check_object(pack *p, sqlite3_stmt *st, char *err, size_t errlen)
{
    const char *type = (const char *)sqlite3_column_text(st, 0);
    const char *name = (const char *)sqlite3_column_text(st, 1);
    const char *sql = (const char *)sqlite3_column_text(st, 2);
    int r = ref_find(name);
    if (r < 0)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: unexpected %s '%s'",
                         p->name, type ? type : "object", name ? name : "");
    if (!type || strcmp(type, ref_obj[r].type) != 0 || !sql != !ref_obj[r].sql ||
        (sql && strcmp(sql, ref_obj[r].sql)))
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: %s '%s' differs "
                         "from the Faro schema", p->name, type ? type : "object", name);
    return 0;
}

/* Names the first reference object the pack lacks. */
static int name_missing(pack *p, const unsigned char *seen, char *err, size_t errlen)
{
    for (int i = 0; i < ref_count; i++)
        if (!seen[i])
            return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: missing %s '%s'",
                             p->name, ref_obj[i].type, ref_obj[i].name);
    return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: tables missing", p->name);
}

/* sqlite_schema must hold exactly what SCHEMA_SQL creates, byte for byte. */
static int check_schema(pack *p, char *err, size_t errlen)
{
    unsigned char seen[PACK_REF_MAX] = {0};
    sqlite3_stmt *st = NULL;
    int rc = 0, step = SQLITE_DONE, matched = 0;
    if (ref_ready() != 0)
        return faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", p->name);
    if (sqlite3_prepare_v2(p->db, "SELECT type, name, sql FROM sqlite_schema", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(p, err, errlen);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        int r = ref_find((const char *)sqlite3_column_text(st, 1));
        if ((rc = check_object(p, st, err, errlen)) == 0 && !seen[r]) {
            seen[r] = 1;
            matched++;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_fail(p, err, errlen);
    sqlite3_finalize(st);
    if (rc == 0 && matched != ref_count)
        rc = name_missing(p, seen, err, errlen);
    return rc;
}

/* PRAGMA quick_check(1): "ok", or the first problem found. */
static int check_integrity(pack *p, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *res;
    int rc = 0;
    if (sqlite3_prepare_v2(p->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(p, err, errlen);
        goto done;
    }
    res = (const char *)sqlite3_column_text(st, 0);
    if (res && strncmp(res, "*** in database", 15) == 0 && strchr(res, '\n'))
        res = strchr(res, '\n') + 1;   /* "*** in database main ***\nPage 2: ..." */
    if (!res || strcmp(res, "ok") != 0)
        rc = faro_fail(err, errlen, FARO_EPACK, "%s: damaged SQLite database: %.200s",
                       p->name, res ? res : "quick_check failed");
done:
    sqlite3_finalize(st);
    return rc;
}

/* ---------------------------------------------------------------- meta */

int pack_meta_value(pack *p, const char *key, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if (len)
        buf[0] = '\0';
    if (sqlite3_prepare_v2(p->db, "SELECT value FROM meta WHERE key = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return FARO_ESQL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) && len)
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : FARO_ESQL;
}

/* A whole decimal number >= 0 (no sign, no spaces), or -1. */
static long parse_count(const char *str)
{
    char *end;
    long v;
    if (!str[0] || str[0] < '0' || str[0] > '9')
        return -1;
    errno = 0;
    v = strtol(str, &end, 10);
    return *end || errno ? -1 : v;
}

/* The keys every pack has: format == FARO_PACK_FORMAT, id, version, layer, type. */
static int check_required(pack *p, char *err, size_t errlen)
{
    static const char *const keys[] = { "id", "version", "layer", "type" };
    char value[PACK_VALUE_LEN];
    if (pack_meta_value(p, "format", value, sizeof value) < 0)
        return db_fail(p, err, errlen);
    if (!value[0])
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta has no 'format'",
                         p->name);
    if (parse_count(value) != FARO_PACK_FORMAT)
        return faro_fail(err, errlen, FARO_EPACK, "%s: pack format '%.64s', this kiosk reads "
                         "format %d", p->name, value, FARO_PACK_FORMAT);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (pack_meta_value(p, keys[i], value, sizeof value) < 0)
            return db_fail(p, err, errlen);
        if (!value[0])
            return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta has no '%s'",
                             p->name, keys[i]);
    }
    return 0;
}

/* Reads the checked meta keys into p->meta. */
static int check_meta(pack *p, char *err, size_t errlen)
{
    char value[PACK_VALUE_LEN];
    pack_meta *m = &p->meta;
    int rc = check_required(p, err, errlen);
    if (rc != 0)
        return rc;
    if (pack_meta_value(p, "version", value, sizeof value) < 0 || (m->version = parse_count(value)) < 0)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta version '%.64s' "
                         "is not a whole number", p->name, value);
    if (pack_meta_value(p, "id", value, sizeof value) < 0 || strlen(value) > FARO_MAX_ID_LEN)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta id is longer "
                         "than %d characters", p->name, FARO_MAX_ID_LEN);
    memcpy(m->id, value, strlen(value) + 1);
    if (pack_meta_value(p, "layer", m->layer, sizeof m->layer) ||
        pack_meta_value(p, "type", m->type, sizeof m->type) ||
        pack_meta_value(p, "expires", m->expires, sizeof m->expires) ||
        pack_meta_value(p, "expiry_hides", m->expiry_hides, sizeof m->expiry_hides) ||
        pack_meta_value(p, "created", m->created, sizeof m->created))
        return db_fail(p, err, errlen);
    return 0;
}

int pack_meta_each(pack *p, pack_meta_fn fn, void *user, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step, rows = 0;
    if (sqlite3_prepare_v2(p->db, "SELECT key, value FROM meta ORDER BY key", -1, &st, NULL))
        return db_fail(p, err, errlen);
    while ((step = sqlite3_step(st)) == SQLITE_ROW && ++rows <= PACK_MAX_META_ROWS)
        if (fn(user, (const char *)sqlite3_column_text(st, 0),
               (const char *)sqlite3_column_text(st, 1)) != 0)
            goto done;
    if (rows > PACK_MAX_META_ROWS)
        rc = faro_fail(err, errlen, FARO_ELIMIT, "%s: more than %d meta rows", p->name,
                       PACK_MAX_META_ROWS);
    else if (step != SQLITE_DONE)
        rc = db_fail(p, err, errlen);
done:
    sqlite3_finalize(st);
    return rc;
}

/* ---------------------------------------------------------------- media */

int pack_media_get(pack *p, const char *name, void **bytes, size_t *len, char *mime,
                   size_t mimelen, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    *bytes = NULL;
    *len = 0;
    if (sqlite3_prepare_v2(p->db, "SELECT mime, data FROM media WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return faro_fail(err, errlen, FARO_ESQL, "%s: %s", p->name, sqlite3_errmsg(p->db));
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = faro_fail(err, errlen, FARO_ENOTFOUND, "%s: no media '%.200s'", p->name, name);
    } else if (step != SQLITE_ROW) {
        rc = faro_fail(err, errlen, FARO_ESQL, "%s: media '%.200s': %s", p->name, name,
                       sqlite3_errmsg(p->db));
    } else {
        const void *data = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        const char *m = (const char *)sqlite3_column_text(st, 0);
        if (!(*bytes = malloc(n + 1))) {
            rc = faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", p->name);
        } else {
            if (n)
                memcpy(*bytes, data, n);
            ((char *)*bytes)[n] = '\0';
            *len = n;
            if (mime && mimelen)
                snprintf(mime, mimelen, "%s", m ? m : "");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int pack_media_list(pack *p, pack_media_fn fn, void *user, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step, rows = 0;
    if (sqlite3_prepare_v2(p->db, "SELECT name, mime, length(data) FROM media ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(p, err, errlen);
    while ((step = sqlite3_step(st)) == SQLITE_ROW && ++rows <= PACK_MAX_MEDIA_ROWS) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *mime = (const char *)sqlite3_column_text(st, 1);
        if (fn(user, name ? name : "", mime ? mime : "", (size_t)sqlite3_column_int64(st, 2)))
            goto done;
    }
    if (rows > PACK_MAX_MEDIA_ROWS)
        rc = faro_fail(err, errlen, FARO_ELIMIT, "%s: more than %d media rows", p->name,
                       PACK_MAX_MEDIA_ROWS);
    else if (step != SQLITE_DONE)
        rc = db_fail(p, err, errlen);
done:
    sqlite3_finalize(st);
    return rc;
}

/* ---------------------------------------------------------------- opening */

static pack *pack_alloc(const char *name)
{
    pack *p = sqlite3_malloc64(sizeof *p);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    atomic_init(&p->refs, 1);
    snprintf(p->name, sizeof p->name, "%s", name);
    return p;
}

static void pack_destroy(pack *p)
{
    sqlite3_close(p->db);
    sqlite3_free(p);
}

/* Every check, in order, on a connection already opened and hardened. */
static int check_pack(pack *p, int flags, char *err, size_t errlen)
{
    int rc;
    if ((rc = harden_pragmas(p, err, errlen)) || (rc = check_schema(p, err, errlen)) ||
        ((flags & PACK_QUICK_CHECK) && (rc = check_integrity(p, err, errlen))) ||
        (rc = check_meta(p, err, errlen)))
        return rc;
    return 0;
}

/* Hands out a checked pack, or frees it and passes the error on. */
static int finish(pack *p, int rc, pack **out)
{
    if (rc < 0) {
        pack_destroy(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* The connection to a file pack, hardened (not checked yet). */
static int open_conn(pack *p, const char *path, char *err, size_t errlen)
{
    char *uri = file_uri(path);
    int rc = 0;
    if (!uri)
        return faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", path);
    atomic_fetch_add(&opens, 1);
    /* FULLMUTEX: one pack may serve the UI's store and the index builder's */
    if (sqlite3_open_v2(uri, &p->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                        SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
        rc = faro_fail(err, errlen, p->db ? FARO_EIO : FARO_ENOMEM, "%s: %s", path,
                       p->db ? sqlite3_errmsg(p->db) : "out of memory");
    else if (harden(p->db) != 0)
        rc = faro_fail(err, errlen, FARO_ESQL, "%s: cannot harden the connection", path);
    sqlite3_free(uri);
    return rc;
}

int pack_open_file(const char *path, int flags, pack **out, char *err, size_t errlen)
{
    pack *p;
    int rc;
    *out = NULL;
    if (!path)
        return faro_fail(err, errlen, FARO_EINVAL, "no pack path given");
    if (!(p = pack_alloc(path)))
        return faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", path);
    if ((rc = check_file(p, path, err, errlen)) == 0 && (rc = open_conn(p, path, err, errlen)) == 0)
        rc = check_pack(p, flags, err, errlen);
    if (rc == 0 && !pack_same_file(p, path))    /* replaced between the header check and SQLite */
        rc = faro_fail(err, errlen, FARO_EIO, "%s: changed while being opened", path);
    return finish(p, rc, out);
}

int pack_open_memory(const void *data, size_t len, const char *name, int flags, pack **out,
                     char *err, size_t errlen)
{
    pack *p;
    int rc;
    *out = NULL;
    if (!name)
        name = "(memory)";
    if (!data)
        return faro_fail(err, errlen, FARO_EINVAL, "%s: no data", name);
    if (len > FARO_MAX_PACK_BYTES)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: %zu bytes, more than the %llu a "
                         "pack may have", name, len, (unsigned long long)FARO_MAX_PACK_BYTES);
    if ((rc = check_header(name, data, len, len, err, errlen)) != 0)
        return rc;
    if (!(p = pack_alloc(name)))
        return faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", name);
    p->memory = 1;
    atomic_fetch_add(&opens, 1);
    if (sqlite3_open_v2(":memory:", &p->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK)
        rc = faro_fail(err, errlen, FARO_ENOMEM, "%s: cannot open an in-memory database", name);
    else if (harden(p->db) != 0)
        rc = faro_fail(err, errlen, FARO_ESQL, "%s: cannot harden the connection", name);
    else if (sqlite3_deserialize(p->db, "main", (unsigned char *)(uintptr_t)data,
                                 (sqlite3_int64)len, (sqlite3_int64)len,
                                 SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
        rc = db_fail(p, err, errlen);
    else
        rc = check_pack(p, flags, err, errlen);
    return finish(p, rc, out);
}

pack *pack_ref(pack *p)
{
    if (p)
        atomic_fetch_add(&p->refs, 1);
    return p;
}

void pack_close(pack *p)
{
    if (p && atomic_fetch_sub(&p->refs, 1) == 1)
        pack_destroy(p);
}

sqlite3 *pack_db(const pack *p)
{
    return p->db;
}

const char *pack_name(const pack *p)
{
    return p->name;
}

const pack_meta *pack_get_meta(const pack *p)
{
    return &p->meta;
}
