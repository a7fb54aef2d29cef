/*
 * test_pack.c — pack.c against packs built here with SQLite from
 * SCHEMA_SQL and against the embedded default: opening a file and memory,
 * the hardening really in force on the connection, refusals with the pack's
 * name and the reason (trigger, view, index, extra table, changed table,
 * bad meta, truncated, forged, oversized), the meta and media accessors,
 * reference counting, file identity and the open counter.
 */
#include "check.h"
#include "faro.h"
#include "pack.h"
#include "schema.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const unsigned char faro_default_pack[];
extern const unsigned char faro_default_pack_end[];

#define META_SQL \
    "INSERT INTO meta VALUES('format','1'),('id','org.test.p'),('version','7')," \
    "('layer','site'),('type','content'),('created','2026-02-03T04:05:06Z')," \
    "('expires','2030-01-01'),('expiry_hides','true'),('title.en','P');"

#define MEDIA_SQL \
    "INSERT INTO media VALUES('img/a.png','image/png',x'89504e470d0a1a0a00ff')," \
    "('audio/en/a1.opus','audio/ogg',x'4f67675300');"

static char dir[64];
static int nfiles;

static unsigned char *build(const char *sql, size_t *len)
{
    sqlite3 *db = NULL;
    sqlite3_int64 n = 0;
    unsigned char *data = NULL;
    char *msg = NULL;
    if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
        sqlite3_exec(db, SCHEMA_SQL, NULL, NULL, &msg) == SQLITE_OK &&
        sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        data = sqlite3_serialize(db, "main", &n, 0);
    if (msg)
        fprintf(stderr, "fixture SQL: %s\n", msg);
    sqlite3_free(msg);
    sqlite3_close(db);
    *len = (size_t)n;
    return data;
}

/* Writes bytes to dir/<name> (a fresh name when name is NULL). */
static const char *write_file(const char *name, const void *data, size_t len)
{
    static char paths[64][160];
    char *path = paths[nfiles++ % 64];
    if (name)
        snprintf(path, sizeof paths[0], "%s/%s", dir, name);
    else
        snprintf(path, sizeof paths[0], "%s/p%d.faro", dir, nfiles);
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len))
        fprintf(stderr, "cannot write %s\n", path);
    if (f)
        fclose(f);
    return path;
}

static const char *pack_file(const char *sql)
{
    size_t len;
    unsigned char *data = build(sql, &len);
    const char *path = write_file(NULL, data, data ? len : 0);
    sqlite3_free(data);
    return path;
}

/* The pack is refused with code, and err names the pack and the reason. */
static void refused(const char *path, int code, const char *why)
{
    char err[FARO_MAX_ERRLEN] = "";
    pack *p = NULL;
    int rc = pack_open_file(path, PACK_QUICK_CHECK, &p, err, sizeof err);
    printf("refused: %s\n", err);
    CHECK(rc == code, "%s: rc %d, want %d (%s)", why, rc, code, err);
    CHECK(p == NULL, "no handle on error");
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, why);
}

static int db_config(sqlite3 *db, int op)
{
    int v = -1;
    sqlite3_db_config(db, op, -1, &v);
    return v;
}

static int pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int exec_ok(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void test_hardening(pack *p, int file)
{
    sqlite3 *db = pack_db(p);
    CHECK(db_config(db, SQLITE_DBCONFIG_DEFENSIVE) == 1, "defensive on");
    CHECK(db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA) == 0, "trusted_schema off");
    CHECK(db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER) == 0, "triggers off");
    CHECK(db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW) == 0, "views off");
    CHECK(db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION) == 0, "extension loading off");
    CHECK(pragma_int(db, "PRAGMA query_only") == 1, "query_only");
    CHECK(pragma_int(db, "PRAGMA cell_size_check") == 1, "cell_size_check");
    if (file) {                 /* a deserialized database has no file to map or lock */
        CHECK(pragma_int(db, "PRAGMA mmap_size") == 0, "no mmap");
        CHECK(sqlite3_db_readonly(db, "main") == 1, "read-only");
    }
    CHECK(!exec_ok(db, "INSERT INTO meta VALUES('x','y')"), "writes refused");
    CHECK(!exec_ok(db, "ATTACH ':memory:' AS other"), "ATTACH refused");
    CHECK(!exec_ok(db, "SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')"),
          "load_extension refused");
    CHECK(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1) == (int)FARO_MAX_FILE_BYTES, "length limit");
    CHECK(sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1) == 0, "no attached databases");
}

static void test_open_file(void)
{
    char err[FARO_MAX_ERRLEN];
    const char *path = pack_file(META_SQL MEDIA_SQL);
    long before = pack_open_count();
    pack *p = NULL;
    CHECK(pack_open_file(path, PACK_QUICK_CHECK, &p, err, sizeof err) == 0, "%s", err);
    if (!p)
        return;
    CHECK(pack_open_count() == before + 1, "one open counted");
    const pack_meta *m = pack_get_meta(p);
    CHECK_STR(m->id, "org.test.p");
    CHECK(m->version == 7, "version %ld", m->version);
    CHECK_STR(m->layer, "site");
    CHECK_STR(m->type, "content");
    CHECK_STR(m->expires, "2030-01-01");
    CHECK_STR(m->expiry_hides, "true");
    CHECK_STR(m->created, "2026-02-03T04:05:06Z");
    CHECK_STR(pack_name(p), path);
    char v[32];
    CHECK(pack_meta_value(p, "title.en", v, sizeof v) == 0, "meta value");
    CHECK_STR(v, "P");
    CHECK(pack_meta_value(p, "nope", v, sizeof v) == 0 && !v[0], "absent key is empty");
    test_hardening(p, 1);
    CHECK(pack_same_file(p, path) == 1, "same file");
    pack_close(p);
}

static int count_meta(void *user, const char *key, const char *value)
{
    int *n = user;
    (*n)++;
    return *n == 3 && value && strcmp(key, "format") != 0 ? 1 : 0;   /* stops at the 3rd */
}

struct listing { int n; char names[4][64]; size_t lens[4]; };

static int list_media(void *user, const char *name, const char *mime, size_t len)
{
    struct listing *l = user;
    if (l->n < 4) {
        snprintf(l->names[l->n], sizeof l->names[0], "%s", name);
        l->lens[l->n] = len;
    }
    l->n++;
    return 0;
}

static void test_media(void)
{
    char err[FARO_MAX_ERRLEN], mime[32];
    pack *p = NULL;
    void *bytes = NULL;
    size_t len = 0;
    struct listing l = {0};
    const char *path = pack_file(META_SQL MEDIA_SQL
                                 "INSERT INTO media VALUES('big','x/y',zeroblob(5000000));");
    CHECK(pack_open_file(path, 0, &p, err, sizeof err) == 0, "%s", err);
    if (!p)
        return;
    CHECK(pack_media_get(p, "img/a.png", &bytes, &len, mime, sizeof mime, err, sizeof err) == 0,
          "%s", err);
    CHECK(len == 10 && bytes && memcmp(bytes, "\x89PNG\r\n\x1a\n\0\xff", 10) == 0, "bytes (len %zu)", len);
    CHECK_STR(mime, "image/png");
    free(bytes);
    CHECK(pack_media_get(p, "nope.png", &bytes, &len, NULL, 0, err, sizeof err) == FARO_ENOTFOUND,
          "missing media");
    CHECK(bytes == NULL && len == 0, "nothing returned");
    CHECK_CONTAINS(err, "nope.png");
    CHECK(pack_media_get(p, "big", &bytes, &len, NULL, 0, err, sizeof err) == FARO_ESQL,
          "a row over the length limit fails cleanly");
    CHECK(bytes == NULL, "no bytes");
    CHECK(pack_media_list(p, list_media, &l, err, sizeof err) == 0, "%s", err);
    CHECK(l.n == 3, "3 media rows, got %d", l.n);
    CHECK_STR(l.names[0], "audio/en/a1.opus");
    CHECK_STR(l.names[2], "img/a.png");
    CHECK(l.lens[2] == 10, "listed length");
    int n = 0;
    CHECK(pack_meta_each(p, count_meta, &n, err, sizeof err) == 0 && n == 3, "meta stops early (%d)", n);
    pack_close(p);
}

static void test_memory(void)
{
    char err[FARO_MAX_ERRLEN];
    size_t len = (size_t)(faro_default_pack_end - faro_default_pack), blen;
    pack *p = NULL;
    CHECK(pack_open_memory(faro_default_pack, len, "default", 0, &p, err, sizeof err) == 0, "%s", err);
    if (p) {
        CHECK(pack_get_meta(p)->id[0] != '\0', "default pack has an id");
        CHECK(pack_same_file(p, "default") == 0, "a memory pack is no file");
        test_hardening(p, 0);
        pack_close(p);
    }
    CHECK(pack_open_memory(faro_default_pack, len / 2, "half", 0, &p, err, sizeof err) == FARO_EPACK,
          "truncated memory pack");
    CHECK_CONTAINS(err, "half: truncated or padded");
    CHECK(pack_open_memory("garbage", 7, "junk", 0, &p, err, sizeof err) == FARO_EPACK, "junk");
    CHECK_CONTAINS(err, "junk: not a SQLite database");
    CHECK(pack_open_memory(faro_default_pack, (size_t)FARO_MAX_PACK_BYTES + 1, "huge", 0, &p, err,
                           sizeof err) == FARO_ELIMIT, "oversized memory pack");
    CHECK(pack_open_memory(NULL, 10, "none", 0, &p, err, sizeof err) == FARO_EINVAL, "no data");
    unsigned char *data = build(META_SQL "CREATE TRIGGER t AFTER INSERT ON meta BEGIN SELECT 1; END;",
                                &blen);
    CHECK(data && pack_open_memory(data, blen, "trig", 0, &p, err, sizeof err) == FARO_EPACK,
          "memory pack with a trigger");
    CHECK_CONTAINS(err, "trig: not a Faro pack: unexpected trigger 't'");
    sqlite3_free(data);
}

static void test_refused(void)
{
    size_t len;
    unsigned char *data = build(META_SQL, &len);
    refused(pack_file(META_SQL "CREATE TRIGGER t1 AFTER INSERT ON topics BEGIN DELETE FROM media; END;"),
            FARO_EPACK, "not a Faro pack: unexpected trigger 't1'");
    refused(pack_file(META_SQL "CREATE VIEW v1 AS SELECT * FROM topics;"), FARO_EPACK,
            "not a Faro pack: unexpected view 'v1'");
    refused(pack_file(META_SQL "CREATE INDEX i1 ON articles(topic);"), FARO_EPACK,
            "not a Faro pack: unexpected index 'i1'");
    refused(pack_file(META_SQL "CREATE TABLE extra(x);"), FARO_EPACK,
            "not a Faro pack: unexpected table 'extra'");
    refused(pack_file(META_SQL "DROP TABLE media; CREATE TABLE media(name TEXT, evil TEXT);"),
            FARO_EPACK, "table 'media' differs from the Faro schema");
    refused(pack_file(META_SQL "DROP TABLE topics;"), FARO_EPACK, "missing table 'topics'");
    refused(pack_file(META_SQL "UPDATE meta SET value = '2' WHERE key = 'format';"), FARO_EPACK,
            "pack format '2', this kiosk reads format 1");
    refused(pack_file(META_SQL "DELETE FROM meta WHERE key = 'layer';"), FARO_EPACK,
            "meta has no 'layer'");
    refused(pack_file(META_SQL "UPDATE meta SET value = '-1' WHERE key = 'version';"), FARO_EPACK,
            "meta version '-1' is not a whole number");
    refused(write_file(NULL, "", 0), FARO_EPACK, "not a SQLite database");
    refused("/nonexistent/x.faro", FARO_EIO, "No such file");
    refused(dir, FARO_EPACK, "not a regular file");
    if (data) {
        refused(write_file(NULL, data, len - 1000), FARO_EPACK, "truncated or padded");
        unsigned char *forged = malloc(len);
        memcpy(forged, data, len);
        memcpy(forged, "SQLite format 4", 15);
        refused(write_file(NULL, forged, len), FARO_EPACK, "not a SQLite database");
        memcpy(forged, data, len);
        forged[18] = forged[19] = 2;
        refused(write_file(NULL, forged, len), FARO_EPACK, "journal mode WAL");
        memcpy(forged, data, len);
        memset(forged + 4096, 0x55, len - 4096 < 4096 ? len - 4096 : 4096);
        refused(write_file(NULL, forged, len), FARO_EPACK, "damaged SQLite database");
        free(forged);
    }
    sqlite3_free(data);
    /* oversized: a sparse file one byte over the bound */
    const char *big = write_file("big.faro", "", 0);
    CHECK(truncate(big, (off_t)FARO_MAX_PACK_BYTES + 1) == 0, "sparse file");
    refused(big, FARO_ELIMIT, "bytes, more than the");
    unlink(big);
}

static void test_refs_and_identity(void)
{
    char err[FARO_MAX_ERRLEN];
    size_t len;
    unsigned char *data = build(META_SQL, &len);
    const char *path = write_file("odd ?name#%.faro", data, len);
    pack *p = NULL;
    CHECK(pack_open_file(path, 0, &p, err, sizeof err) == 0, "a path with ? # %%: %s", err);
    if (p) {
        pack *q = pack_ref(p);
        CHECK(q == p, "ref returns the handle");
        pack_close(p);
        CHECK(pack_meta_value(q, "id", err, sizeof err) == 0, "still open after one close");
        CHECK_STR(err, "org.test.p");
        char tmp[200];
        snprintf(tmp, sizeof tmp, "%s/replacement", dir);
        write_file("replacement", data, len);
        CHECK(rename(tmp, path) == 0, "rename over");
        CHECK(pack_same_file(q, path) == 0, "a file renamed over is another file");
        CHECK(pack_meta_value(q, "id", err, sizeof err) == 0, "the open pack still reads the old file");
        pack_close(q);
    }
    pack_close(NULL);
    sqlite3_free(data);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/faro-pack-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_open_file();
    test_media();
    test_memory();
    test_refused();
    test_refs_and_identity();
    check_sh("rm -rf '%s'", dir);
    return check_done();
}
