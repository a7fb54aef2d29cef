/*
 * test_store.c — the store against packs built here with SQLite directly
 * from SCHEMA_SQL: merged queries, language chains, first-pack-wins, the
 * in-memory default pack, and every kind of bad pack with its message
 * (after which the store must answer exactly as before).
 */
#include "check.h"
#include "sqlfault.h"
#include "faro.h"
#include "schema.h"
#include "store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define META_SQL \
    "INSERT INTO meta VALUES('format','1'),('id','org.test.a'),('version','3')," \
    "('layer','base'),('type','content'),('title.en','Test A'),('title.fr','Essai A')," \
    "('languages','en,fr'),('created','2026-01-01T00:00:00Z');"

/* Pack A: three topics (t2 only in Spanish), three articles, three services. */
#define PACK_A META_SQL \
    "INSERT INTO topics VALUES('t1',2,'gavel'),('t0',1,'warning'),('t2',3,'help');" \
    "INSERT INTO topic_text VALUES('t0','en','Risks','Dangers'),('t0','fr','Risques','Dangers FR')," \
    "('t1','en','Rights','What you may do'),('t2','es','Ayuda','Resumen');" \
    "INSERT INTO articles VALUES('a1','t0',2),('a2','t0',1),('a3','t1',1);" \
    "INSERT INTO article_text VALUES('a1','en','Smugglers','S','# Body EN')," \
    "('a1','fr','Passeurs','P','# Corps FR'),('a2','en','Signs','Sg','body a2')," \
    "('a3','en','Asylum','As','body a3');" \
    "INSERT INTO services VALUES('s1','health','Clinic','MX','Chiapas','Tapachula','Calle 1'," \
    "NULL,NULL,'+12025550143','','Mo-Fr 09:00-17:00','es;en','free','*','2026-01-01','Ed',1,2)," \
    "('s2','legal','Lawyers','MX','','','',NULL,NULL,'','','','','free','*','','',1,1)," \
    "('s3','health','Hospital','MX','','','',14.9,-92.26,'','','','','paid','*','','',0,3);" \
    "INSERT INTO service_text VALUES('s1','fr','Clinique','Notes FR'),('s1','en','Clinic EN','Notes');"

/* Pack B: t0 again (loses), t9 new, a1 again (loses), a9 new in t0,
 * s1 again as food (loses), s9 a shelter. */
#define PACK_B \
    "INSERT INTO meta VALUES('format','1'),('id','org.test.b'),('version','1')," \
    "('layer','site'),('type','content'),('title.en','Test B');" \
    "INSERT INTO topics VALUES('t0',1,'other'),('t9',1,'home');" \
    "INSERT INTO topic_text VALUES('t0','en','Risks B','B'),('t9','en','Site','Only here');" \
    "INSERT INTO articles VALUES('a1','t9',1),('a9','t0',5);" \
    "INSERT INTO article_text VALUES('a1','en','A1 from B','x','B body'),('a9','en','Local','L','b9');" \
    "INSERT INTO services VALUES('s1','food','Other','MX','','','',NULL,NULL,'','','','','free','*','','',1,1)," \
    "('s9','shelter','Casa','MX','','','',NULL,NULL,'','','','','free','*','','',1,2);"

static const char *const chain_ht[] = { "ht", "fr", "en", NULL };
static const char *const chain_pt[] = { "pt", NULL };
static const char *const chain_upper[] = { "en,fr", "", "FR", "en", NULL };

static char tmp_paths[32][64];
static int ntmp;

/* Builds a pack in memory: SCHEMA_SQL, then sql.  Caller sqlite3_free()s. */
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

/* Writes bytes to a fresh temp file; returns its path (removed at exit). */
static const char *write_tmp(const void *data, size_t len)
{
    char *path = tmp_paths[ntmp++];
    int fd;
    snprintf(path, sizeof tmp_paths[0], "/tmp/faro-store-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
        fprintf(stderr, "cannot write %s\n", path);
    if (fd >= 0)
        close(fd);
    return path;
}

static const char *pack_file(const char *sql)
{
    size_t len;
    unsigned char *data = build(sql, &len);
    const char *path = write_tmp(data, data ? len : 0);
    sqlite3_free(data);
    return path;
}

static void test_topics(store *s)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    CHECK(store_topics(s, chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (!r)
        return;
    CHECK(r->n == 3, "n = %d", r->n);
    if (r->n == 3) {
        CHECK_STR(r->u.topics[0].id, "t0");
        CHECK_STR(r->u.topics[0].lang, "fr");
        CHECK_STR(r->u.topics[0].title, "Risques");
        CHECK_STR(r->u.topics[0].icon, "warning");
        CHECK(r->u.topics[0].narticles == 2, "narticles %d", r->u.topics[0].narticles);
        CHECK_STR(r->u.topics[1].id, "t1");
        CHECK_STR(r->u.topics[1].lang, "en");
        CHECK(r->u.topics[1].narticles == 1, "narticles %d", r->u.topics[1].narticles);
        CHECK_STR(r->u.topics[2].id, "t2");
        CHECK_STR(r->u.topics[2].lang, "es");
        CHECK_STR(r->u.topics[2].title, "Ayuda");
        CHECK(r->u.topics[2].narticles == 0, "narticles %d", r->u.topics[2].narticles);
    }
    store_result_free(r);
}

static void test_topic_and_chains(store *s)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    CHECK(store_topic(s, "t0", chain_pt, &r, err, sizeof err) == 0, "%s", err);
    if (r) {   /* none of the chain: any row, the same one every time */
        CHECK(r->n == 1, "n = %d", r->n);
        CHECK_STR(r->u.topics[0].lang, "en");
        CHECK_STR(r->u.topics[0].title, "Risks");
        store_result_free(r);
    }
    CHECK(store_topic(s, "t0", chain_upper, &r, err, sizeof err) == 0, "%s", err);
    if (r) {   /* tags compare without case; a tag with a comma is ignored */
        CHECK_STR(r->u.topics[0].lang, "fr");
        store_result_free(r);
    }
    CHECK(store_topic(s, "t0", NULL, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK_STR(r->u.topics[0].summary, "Dangers");
        store_result_free(r);
    }
    r = (store_result *)1;
    CHECK(store_topic(s, "nope", chain_ht, &r, err, sizeof err) == FARO_ENOTFOUND, "%s", err);
    CHECK(r == NULL, "out not cleared");
    CHECK_CONTAINS(err, "nope");
}

static void test_articles(store *s)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    CHECK(store_articles(s, "t0", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 2, "n = %d", r->n);
        if (r->n == 2) {
            CHECK_STR(r->u.articles[0].id, "a2");
            CHECK_STR(r->u.articles[1].id, "a1");
            CHECK_STR(r->u.articles[1].title, "Passeurs");
            CHECK_STR(r->u.articles[1].body, "");
            CHECK_STR(r->u.articles[1].topic, "t0");
        }
        store_result_free(r);
    }
    CHECK(store_articles(s, "t2", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 0, "n = %d", r->n);
        store_result_free(r);
    }
    CHECK(store_article(s, "a1", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK_STR(r->u.articles[0].body, "# Corps FR");
        CHECK_STR(r->u.articles[0].lang, "fr");
        store_result_free(r);
    }
    CHECK(store_article(s, "zz", chain_ht, &r, err, sizeof err) == FARO_ENOTFOUND, "rc");
    CHECK(store_article(s, NULL, chain_ht, &r, err, sizeof err) == FARO_EINVAL, "rc");
}

static void test_services(store *s)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    const char *kinds[SCHEMA_NKINDS];
    int n;
    CHECK(store_services(s, "health", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 2, "n = %d", r->n);
        if (r->n == 2) {
            CHECK_STR(r->u.services[0].id, "s1");
            CHECK_STR(r->u.services[0].name, "Clinique");
            CHECK_STR(r->u.services[0].notes, "Notes FR");
            CHECK_STR(r->u.services[0].phones, "+12025550143");
            CHECK(!r->u.services[0].has_coords, "coords");
            CHECK(r->u.services[0].example == 1, "example");
            CHECK_STR(r->u.services[1].id, "s3");
            CHECK_STR(r->u.services[1].name, "Hospital");   /* no text rows */
            CHECK_STR(r->u.services[1].lang, "");
            CHECK(r->u.services[1].has_coords && r->u.services[1].lat > 14.8 &&
                  r->u.services[1].lon < -92.2, "coords");
        }
        store_result_free(r);
    }
    CHECK(store_services(s, NULL, chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 3, "n = %d", r->n);
        if (r->n == 3)
            CHECK_STR(r->u.services[0].id, "s2");
        store_result_free(r);
    }
    CHECK(store_services(s, "", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 3, "n = %d", r->n);
        store_result_free(r);
    }
    CHECK(store_service(s, "s2", chain_pt, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK_STR(r->u.services[0].kind, "legal");
        CHECK_STR(r->u.services[0].notes, "");
        store_result_free(r);
    }
    CHECK(store_service(s, "s0", chain_pt, &r, err, sizeof err) == FARO_ENOTFOUND, "rc");
    n = store_service_kinds(s, kinds, SCHEMA_NKINDS);
    CHECK(n == 2, "kinds %d", n);
    if (n == 2) {
        CHECK_STR(kinds[0], "health");
        CHECK_STR(kinds[1], "legal");
    }
    CHECK(store_service_kinds(s, kinds, 1) == 1, "max respected");
}

/* Everything pack A alone answers. */
static void answers_as_pack_a(store *s)
{
    CHECK(store_pack_count(s) == 1, "count %d", store_pack_count(s));
    test_topics(s);
    test_topic_and_chains(s);
    test_articles(s);
    test_services(s);
}

static void test_packs_info(store *s, const char *path_a)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    CHECK(store_packs(s, chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (!r)
        return;
    CHECK(r->n == 2, "n = %d", r->n);
    if (r->n == 2) {
        CHECK_STR(r->u.packs[0].id, "org.test.a");
        CHECK_STR(r->u.packs[0].title, "Essai A");
        CHECK_STR(r->u.packs[0].layer, "base");
        CHECK_STR(r->u.packs[0].source, path_a);
        CHECK(r->u.packs[0].version == 3, "version %ld", r->u.packs[0].version);
        CHECK_STR(r->u.packs[1].id, "org.test.b");
        CHECK_STR(r->u.packs[1].title, "Test B");
        CHECK_STR(r->u.packs[1].created, "");
    }
    store_result_free(r);
}

static void test_merge(const char *path_a, const char *path_b)
{
    char err[FARO_MAX_ERRLEN];
    store *s = store_new();
    store_result *r = NULL;
    const char *kinds[SCHEMA_NKINDS];
    CHECK(store_add_file(s, path_a, err, sizeof err) == 0, "%s", err);
    CHECK(store_add_file(s, path_b, err, sizeof err) == 0, "%s", err);
    CHECK(store_topics(s, chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 4, "n = %d", r->n);
        if (r->n == 4) {
            CHECK_STR(r->u.topics[0].id, "t0");
            CHECK_STR(r->u.topics[0].icon, "warning");   /* first pack wins */
            CHECK(r->u.topics[0].narticles == 3, "narticles %d", r->u.topics[0].narticles);
            CHECK_STR(r->u.topics[3].id, "t9");           /* later pack's new topics last */
            CHECK(r->u.topics[3].narticles == 0, "narticles %d", r->u.topics[3].narticles);
        }
        store_result_free(r);
    }
    CHECK(store_articles(s, "t0", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 3 && strcmp(r->u.articles[2].id, "a9") == 0, "n = %d", r->n);
        store_result_free(r);
    }
    CHECK(store_article(s, "a1", NULL, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK_STR(r->u.articles[0].topic, "t0");
        store_result_free(r);
    }
    CHECK(store_topic(s, "t0", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->u.topics[0].narticles == 3, "narticles %d", r->u.topics[0].narticles);
        store_result_free(r);
    }
    CHECK(store_services(s, NULL, chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 4, "n = %d", r->n);
        CHECK(r->n == 4 && strcmp(r->u.services[3].id, "s9") == 0, "order");
        store_result_free(r);
    }
    CHECK(store_services(s, "food", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    if (r) {
        CHECK(r->n == 0, "shadowed s1 shown as food: n = %d", r->n);
        store_result_free(r);
    }
    CHECK(store_service_kinds(s, kinds, SCHEMA_NKINDS) == 3, "kinds");
    test_packs_info(s, path_a);
    store_free(s);
}

/* The bytes must be read in place, never written: they are mapped read-only. */
static void test_memory(void)
{
    char err[FARO_MAX_ERRLEN];
    size_t len;
    unsigned char *data = build(PACK_A, &len);
    void *map = MAP_FAILED;
    store *s = store_new();
    CHECK(data != NULL, "build");
    if (data)
        map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(map != MAP_FAILED, "mmap");
    if (map != MAP_FAILED) {
        memcpy(map, data, len);
        CHECK(mprotect(map, len, PROT_READ) == 0, "mprotect");
        CHECK(store_add_memory(s, map, len, "default", err, sizeof err) == 0, "%s", err);
        answers_as_pack_a(s);
        CHECK(store_add_memory(s, map, len / 2, "half", err, sizeof err) == FARO_EPACK, "rc");
        CHECK_CONTAINS(err, "half: truncated");
        CHECK(store_add_memory(s, "garbage", 7, "junk", err, sizeof err) == FARO_EPACK, "rc");
        CHECK_STR(err, "junk: not a SQLite database");
        answers_as_pack_a(s);
        store_free(s);
        munmap(map, len);
    } else {
        store_free(s);
    }
    sqlite3_free(data);
}

/* A bad pack is refused with a message containing `want`; the store then
 * answers as before. */
static void refuse(store *s, const char *path, int code, const char *want)
{
    char err[FARO_MAX_ERRLEN] = "";
    int rc = store_add_file(s, path, err, sizeof err);
    printf("refused: %s\n", err);
    CHECK(rc == code, "%s: rc %d, want %d (%s)", want, rc, code, err);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, want);
    answers_as_pack_a(s);
}

static void refuse_sql(store *s, const char *sql, const char *want)
{
    refuse(s, pack_file(sql), FARO_EPACK, want);
}

static void test_bad_packs(store *s, const char *path_a)
{
    unsigned char junk[4096];
    size_t len, i;
    unsigned char *data = build(PACK_A, &len);
    for (i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 7919u >> 3);
    refuse(s, write_tmp(junk, sizeof junk), FARO_EPACK, ": not a SQLite database");
    refuse(s, write_tmp("", 0), FARO_EPACK, ": not a SQLite database");
    refuse(s, "/tmp/faro-store-does-not-exist", FARO_EIO, "No such file");
    refuse(s, "/tmp", FARO_EPACK, "not a regular file");
    if (data) {
        refuse(s, write_tmp(data, len - 1000), FARO_EPACK, ": truncated or padded");
        refuse(s, write_tmp(data, len - 4096), FARO_EPACK, ": truncated or padded");
        data[18] = data[19] = 2;   /* WAL */
        refuse(s, write_tmp(data, len), FARO_EPACK, "WAL");
        data[18] = data[19] = 1;
        memset(data + 4096, 0x55, 4096);   /* page 2 (meta) overwritten */
        refuse(s, write_tmp(data, len), FARO_EPACK, ": damaged SQLite database");
    }
    sqlite3_free(data);
    refuse_sql(s, PACK_A "CREATE TABLE extra(x);", "not a Faro pack: unexpected table 'extra'");
    refuse_sql(s, PACK_A "CREATE VIEW v1 AS SELECT * FROM topics;",
               "not a Faro pack: unexpected view 'v1'");
    refuse_sql(s, PACK_A "CREATE TRIGGER t1 AFTER INSERT ON topics BEGIN DELETE FROM media; END;",
               "not a Faro pack: unexpected trigger 't1'");
    refuse_sql(s, PACK_A "CREATE INDEX i1 ON articles(topic);",
               "not a Faro pack: unexpected index 'i1'");
    refuse_sql(s, PACK_A "DROP TABLE media;", "not a Faro pack: missing table 'media'");
    refuse_sql(s, PACK_A "DROP TABLE media; CREATE TABLE media(name TEXT, evil TEXT);",
               "not a Faro pack: table 'media' differs from the Faro schema");
    refuse_sql(s, PACK_A "UPDATE meta SET value = '2' WHERE key = 'format';",
               "pack format '2', this kiosk reads format 1");
    refuse_sql(s, PACK_A "DELETE FROM meta WHERE key = 'format';", "meta has no 'format'");
    refuse_sql(s, PACK_A "DELETE FROM meta WHERE key = 'id';", "not a Faro pack: meta has no 'id'");
    refuse_sql(s, PACK_A "DELETE FROM meta WHERE key = 'type';", "meta has no 'type'");
    refuse_sql(s, PACK_A "UPDATE meta SET value = 'x1' WHERE key = 'version';",
               "meta version 'x1' is not a whole number");
    refuse_sql(s, PACK_A "UPDATE meta SET value = printf('%.65c', 'x') WHERE key = 'id';",
               "meta id is longer than 64 characters");
    refuse(s, path_a, FARO_EPACK, "pack 'org.test.a' is already open from");
    refuse_sql(s, PACK_A "UPDATE meta SET value = '2' WHERE key = 'version';",
               "pack 'org.test.a' is already open from");
}

/* A row longer than SQLITE_LIMIT_LENGTH: that one query fails cleanly,
 * the rest of the pack still answers. */
static void test_oversized_row(void)
{
    char err[FARO_MAX_ERRLEN];
    store *s = store_new();
    store_result *r = NULL;
    const char *path = pack_file(PACK_A "UPDATE article_text SET body = "
                                 "printf('%.5000000c', 'x') WHERE article = 'a2';");
    CHECK(store_add_file(s, path, err, sizeof err) == 0, "%s", err);
    CHECK(store_article(s, "a2", chain_ht, &r, err, sizeof err) == FARO_ESQL, "rc");
    CHECK(r == NULL, "no result on error");
    CHECK_CONTAINS(err, "too big");
    CHECK(store_article(s, "a1", chain_ht, &r, err, sizeof err) == 0, "%s", err);
    store_result_free(r);
    store_free(s);
}

/* The embedded default pack (content/default built by faro-pack) opens and
 * every topic leads to articles with bodies: builder and store agree. */
extern const unsigned char faro_default_pack[], faro_default_pack_end[];

static int default_articles_ok(store *s, const char *topic)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL, *one = NULL;
    int i, ok;
    if (store_articles(s, topic, chain_ht, &r, err, sizeof err) != 0)
        return 0;
    ok = r->n > 0;
    for (i = 0; i < r->n && ok; i++) {
        ok = store_article(s, r->u.articles[i].id, chain_ht, &one, err, sizeof err) == 0 &&
             one->u.articles[0].body[0] && one->u.articles[0].title[0];
        if (!ok)
            fprintf(stderr, "default article %s: %s\n", r->u.articles[i].id, err);
        store_result_free(one);
        one = NULL;
    }
    store_result_free(r);
    return ok;
}

static void test_default_pack(void)
{
    char err[FARO_MAX_ERRLEN];
    size_t len = (size_t)(faro_default_pack_end - faro_default_pack);
    store *s = store_new();
    store_result *r = NULL;
    const char *kinds[SCHEMA_NKINDS];
    int i;
    CHECK(store_add_memory(s, faro_default_pack, len, "default", err, sizeof err) == 0,
          "%s", err);
    CHECK(store_topics(s, chain_ht, &r, err, sizeof err) == 0, "%s", err);
    CHECK(r && r->n > 0, "default pack has no topics");
    for (i = 0; r && i < r->n; i++) {
        CHECK(r->u.topics[i].title[0] && r->u.topics[i].lang[0], "topic %s", r->u.topics[i].id);
        CHECK(r->u.topics[i].narticles > 0, "topic %s empty", r->u.topics[i].id);
        CHECK(default_articles_ok(s, r->u.topics[i].id), "topic %s", r->u.topics[i].id);
    }
    store_result_free(r);
    CHECK(store_service_kinds(s, kinds, SCHEMA_NKINDS) > 0, "default pack has no services");
    store_free(s);
}

/* ---- fault injection: the Nth allocation (SQLite's or the store's) fails once */

/* The calls a screen makes; any may fail, none may crash or leak. */
static void navigate(store *s)
{
    char err[FARO_MAX_ERRLEN];
    const char *kinds[SCHEMA_NKINDS];
    store_result *r = NULL;
    store_topics(s, chain_ht, &r, err, sizeof err);
    store_result_free(r);
    store_articles(s, "t0", chain_ht, &r, err, sizeof err);
    store_result_free(r);
    store_article(s, "a1", chain_ht, &r, err, sizeof err);
    store_result_free(r);
    store_services(s, NULL, chain_ht, &r, err, sizeof err);
    store_result_free(r);
    store_packs(s, chain_ht, &r, err, sizeof err);
    store_result_free(r);
    store_service_kinds(s, kinds, SCHEMA_NKINDS);
}

/* Topic count the store answers with no fault injected (-1 on error). */
static int topic_count(store *s)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    int n = store_topics(s, chain_ht, &r, err, sizeof err) == 0 ? r->n : -1;
    store_result_free(r);
    return n;
}

/* Fails allocation n of adding pack B to a store holding pack A, then of
 * navigating, for every n until a run needs no failure.  The store is kept
 * while adds fail (that is the point: it must still answer as before). */
static void test_faults(void)
{
    size_t alen, blen;
    unsigned char *a = build(PACK_A, &alen), *b = build(PACK_B, &blen);
    char err[FARO_MAX_ERRLEN];
    store *s = NULL;
    long n;
    int bad = 0, done = 0, refused = 0, rc, count;
    for (n = 0; n < 100000 && !done && a && b; n++) {
        if (!s && (!(s = store_new()) ||
                   store_add_memory(s, a, alen, "a", err, sizeof err) != 0)) {
            bad++;
            break;
        }
        injected = 0;
        fail_countdown = n;
        rc = store_add_memory(s, b, blen, "b", err, sizeof err);
        navigate(s);
        fail_countdown = -1;
        done = !injected;
        refused += rc < 0;
        count = store_pack_count(s);
        if ((rc < 0 && count != 1) || (rc == 0 && count != 2) ||
            topic_count(s) != (count == 1 ? 3 : 4)) {
            bad++;
            fprintf(stderr, "fault %ld: rc %d (%s), %d packs\n", n, rc, err, count);
        }
        if (count != 1) {
            store_free(s);
            s = NULL;
        }
    }
    store_free(s);
    printf("fault injection: %ld runs, %d adds refused\n", n, refused);
    CHECK(done, "still failing after %ld runs", n);
    CHECK(refused > 10, "only %d adds hit a fault", refused);
    CHECK(bad == 0, "%d runs left the store wrong", bad);
    sqlite3_free(a);
    sqlite3_free(b);
}

int main(void)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    const char *path_a, *path_b;
    store *s;
    int i;
    CHECK(install_fault_allocator() == SQLITE_OK, "fault allocator");   /* before SQLite initialises */
    path_a = pack_file(PACK_A);
    path_b = pack_file(PACK_B);
    s = store_new();
    CHECK(s != NULL, "store_new");
    CHECK(store_topics(s, chain_ht, &r, err, sizeof err) == 0 && r && r->n == 0, "empty");
    store_result_free(r);
    CHECK(store_add_file(s, path_a, err, sizeof err) == 0, "%s", err);
    answers_as_pack_a(s);
    test_bad_packs(s, path_a);
    store_free(s);
    store_free(NULL);
    store_result_free(NULL);
    test_merge(path_a, path_b);
    test_memory();
    test_default_pack();
    test_oversized_row();
    test_faults();
    for (i = 0; i < ntmp; i++)
        unlink(tmp_paths[i]);
    return check_done();
}
