/*
 * test_pack_build.c — builds tests/fixtures/content-mini into a pack and
 * reads it back with SQLite: schema, meta, topic and article order, bodies,
 * services and their per-language names; two builds with SOURCE_DATE_EPOCH
 * give identical bytes; a build that fails lint or cannot write leaves no
 * file behind (and keeps an older pack intact); lint reports every problem
 * of a broken copy; the icon table is sorted and matches the font; every
 * services.csv check (bad phone, unknown country, bad or future date, bad
 * language tag, consulate nationality, missing column, quoted field with
 * newlines, BOM, CRLF) and a 10,000-row directory linted and built.
 */
#include "check.h"
#include "faro.h"
#include "icons.h"
#include "pack_build.h"
#include "schema.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURE "tests/fixtures/content-mini"

static char err[FARO_MAX_ERRLEN];
static char tmpdir[] = "/tmp/faro-test-pack-XXXXXX";

static char *path_in_tmp(const char *name)
{
    static char buf[8][256];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The first column of the first row of `sql`, copied, or "(none)". */
static char *query(sqlite3 *db, const char *sql)
{
    static char out[4096];
    sqlite3_stmt *st = NULL;
    snprintf(out, sizeof out, "(none)");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "(error: %s)", sqlite3_errmsg(db));
        return out;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, sizeof out, "%s", t ? (const char *)t : "(null)");
    }
    sqlite3_finalize(st);
    return out;
}

static int build(const char *dir, const char *out, pack_build_stats *st)
{
    lint_report *rep = lint_report_new();
    int rc = pack_build_dir(dir, out, rep, st, err, sizeof err);
    for (int i = 0; rc == FARO_EPARSE && i < lint_report_kept(rep); i++)
        fprintf(stderr, "  lint: %s\n", lint_report_at(rep, i));
    lint_report_free(rep);
    return rc;
}

static void check_meta(sqlite3 *db)
{
    CHECK_STR(query(db, "PRAGMA integrity_check"), "ok");
    CHECK_STR(query(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema"
                        " ORDER BY name)"),
              "article_text,articles,media,meta,service_text,services,topic_text,topics");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'format'"), "1");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'id'"), "org.faro.test-mini");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'version'"), "3");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'layer'"), "site");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'type'"), "content");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'languages'"), "es,en");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'title.es'"), "Prueba mínima");
    CHECK_STR(query(db, "SELECT value FROM meta WHERE key = 'created'"), "2023-11-14T22:13:20Z");
    CHECK_STR(query(db, "SELECT count(*) FROM meta"), "9");
}

static void check_topics_articles(sqlite3 *db)
{
    CHECK_STR(query(db, "SELECT group_concat(id || ':' || icon, ',') FROM"
                        " (SELECT * FROM topics ORDER BY position)"),
              "safety:warning,family:family_restroom");
    CHECK_STR(query(db, "SELECT summary FROM topic_text WHERE topic = 'family' AND lang = 'es'"),
              "Llama a casa: es gratis");
    CHECK_STR(query(db, "SELECT count(*) FROM topic_text"), "4");
    CHECK_STR(query(db, "SELECT group_concat(id, ',') FROM (SELECT * FROM articles"
                        " WHERE topic = 'safety' ORDER BY position)"), "stay-safe,ask-help");
    CHECK_STR(query(db, "SELECT topic FROM articles WHERE id = 'call-home'"), "family");
    CHECK_STR(query(db, "SELECT count(*) FROM article_text"), "6");
    CHECK_STR(query(db, "SELECT title FROM article_text WHERE article = 'stay-safe' AND lang = 'en'"),
              "Stay safe");
    CHECK_STR(query(db, "SELECT summary FROM article_text WHERE article = 'ask-help' AND lang = 'es'"),
              "Dónde: servicios gratuitos.");
    CHECK_STR(query(db, "SELECT body FROM article_text WHERE article = 'stay-safe' AND lang = 'en'"),
              "## Before you leave\n\nCarry water. See [how to ask for help](faro:article/ask-help)."
              "\n\n![a river](media/river.png)\n");
    CHECK_STR(query(db, "SELECT body FROM article_text WHERE article = 'call-home' AND lang = 'es'"),
              "Llama **gratis**.\r\n");
}

static void check_services(sqlite3 *db)
{
    CHECK_STR(query(db, "SELECT group_concat(id, ',') FROM (SELECT * FROM services ORDER BY position)"),
              "red-cross-test,shelter-test,legal-test");
    CHECK_STR(query(db, "SELECT lat || ' ' || lon || ' ' || typeof(lat) FROM services"
                        " WHERE id = 'red-cross-test'"), "14.9 -92.26 real");
    CHECK_STR(query(db, "SELECT typeof(lat) FROM services WHERE id = 'shelter-test'"), "null");
    CHECK_STR(query(db, "SELECT phones FROM services WHERE id = 'red-cross-test'"),
              "+12025550143;+12025550144");
    CHECK_STR(query(db, "SELECT address FROM services WHERE id = 'red-cross-test'"), "Calle 1, Centro");
    CHECK_STR(query(db, "SELECT example || typeof(example) FROM services WHERE id = 'legal-test'"),
              "1integer");
    CHECK_STR(query(db, "SELECT name FROM services WHERE id = 'legal-test'"), "Legal aid \"Test\" (example)");
    CHECK_STR(query(db, "SELECT count(*) FROM service_text"), "6");
    CHECK_STR(query(db, "SELECT name FROM service_text WHERE service = 'red-cross-test' AND lang = 'es'"),
              "Cruz Roja (ejemplo)");
    CHECK_STR(query(db, "SELECT name FROM service_text WHERE service = 'red-cross-test' AND lang = 'en'"),
              "Red Cross (example)");
    CHECK_STR(query(db, "SELECT notes FROM service_text WHERE service = 'red-cross-test' AND lang = 'en'"),
              "Free calls.\r\nBring ID if you have it.");
    CHECK_STR(query(db, "SELECT notes FROM service_text WHERE service = 'red-cross-test' AND lang = 'es'"),
              "");
    CHECK_STR(query(db, "SELECT name FROM service_text WHERE service = 'shelter-test' AND lang = 'es'"),
              "Shelter (example)");
    CHECK_STR(query(db, "SELECT name || '|' || mime || '|' || length(data) FROM media"),
              "media/river.png|image/png|69");
}

static void test_build_and_read(void)
{
    pack_build_stats st;
    const char *out = path_in_tmp("mini.faro");
    int rc = build(FIXTURE, out, &st);
    CHECK(rc == 0, "build: %d %s", rc, err);
    CHECK(st.topics == 2 && st.articles == 3 && st.languages == 2 && st.services == 3 &&
          st.media == 1, "stats %d %d %d %d %d", st.topics, st.articles, st.languages,
          st.services, st.media);
    CHECK(st.bytes > 0 && st.ms >= 0, "bytes %lld", st.bytes);
    printf("pack_build_ms (mini, asan): %.1f\n", st.ms);
    CHECK(!exists(path_in_tmp("mini.faro.tmp")), "no tmp left");
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open");
    check_meta(db);
    check_topics_articles(db);
    check_services(db);
    CHECK_STR(query(db, "PRAGMA freelist_count"), "0");
    sqlite3_close(db);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(*len + 1);
    if (buf && fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static void test_reproducible(void)
{
    size_t la = 0, lb = 0;
    CHECK(build(FIXTURE, path_in_tmp("a.faro"), NULL) == 0, "%s", err);
    CHECK(build(FIXTURE, path_in_tmp("b.faro"), NULL) == 0, "%s", err);
    char *a = slurp(path_in_tmp("a.faro"), &la), *b = slurp(path_in_tmp("b.faro"), &lb);
    CHECK(a && b && la == lb && memcmp(a, b, la) == 0, "two builds differ (%zu vs %zu bytes)", la, lb);
    free(a);
    free(b);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot write %s", path);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* A copy of the fixture with a few problems, the same pack built before. */
static void test_failed_build(void)
{
    char cmd[512];
    const char *broken = path_in_tmp("broken");
    snprintf(cmd, sizeof cmd, "cp -R " FIXTURE " %s", broken);
    CHECK(system(cmd) == 0, "cp");
    const char *out = path_in_tmp("old.faro");
    write_file(out, "old pack");
    write_file(path_in_tmp("broken/topics.yaml"),
               "topics:\n  - id: safety\n    icon: not_an_icon\n"
               "    title: { es: S, en: S }\n    summary: { es: S, en: S }\n"
               "    articles: [stay-safe, ask-help, nowhere]\n");
    int rc = build(broken, out, NULL);
    CHECK(rc == FARO_EPARSE, "lint errors refuse the build: %d", rc);
    CHECK_CONTAINS(err, "problems, no pack written");
    size_t len = 0;
    char *old = slurp(out, &len);
    CHECK(old && len == 8 && memcmp(old, "old pack", 8) == 0, "old pack untouched");
    free(old);
    CHECK(!exists(path_in_tmp("old.faro.tmp")), "no tmp left");
    CHECK(build(broken, path_in_tmp("new.faro"), NULL) == FARO_EPARSE, "refused");
    CHECK(!exists(path_in_tmp("new.faro")) && !exists(path_in_tmp("new.faro.tmp")), "no output");

    lint_report *rep = lint_report_new();
    int n = lint_dir(broken, rep, err, sizeof err);
    CHECK(n == 3, "problems: %d", n);
    CHECK_STR(lint_report_at(rep, 0), "articles/call-home/: not listed in any topic");
    CHECK_STR(lint_report_at(rep, 1), "topics.yaml:3: unknown icon 'not_an_icon' (see the names in src/icons.c)");
    CHECK_STR(lint_report_at(rep, 2), "topics.yaml:6: unknown article 'nowhere'");
    CHECK(lint_report_at(rep, 3) == NULL, "no more");
    lint_report_free(rep);
}

/* The directory may also be written as services.yaml, same fields. */
static void test_services_yaml(void)
{
    char cmd[512];
    const char *dir = path_in_tmp("yaml");
    snprintf(cmd, sizeof cmd, "cp -R " FIXTURE " %s && rm %s/services.csv", dir, dir);
    CHECK(system(cmd) == 0, "cp");
    write_file(path_in_tmp("yaml/services.yaml"),
               "services:\n"
               "  - id: red-cross-test\n    kind: family\n    name: Red Cross (example)\n"
               "    name_es: Cruz Roja (ejemplo)\n    country: MX\n    lat: 14.9\n    lon: -92.26\n"
               "    phones: [+12025550143, \"+12025550144\"]\n    cost: free\n"
               "    verified: 2026-10-01\n    example: yes\n"
               "    notes_en: |\n      Free calls, \"really\".\n      Bring ID.\n");
    const char *out = path_in_tmp("yaml.faro");
    CHECK(build(dir, out, NULL) == 0, "build from services.yaml: %s", err);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open");
    CHECK_STR(query(db, "SELECT phones || '|' || lat || '|' || example FROM services"),
              "+12025550143;+12025550144|14.9|1");
    CHECK_STR(query(db, "SELECT name FROM service_text WHERE lang = 'es'"), "Cruz Roja (ejemplo)");
    CHECK_STR(query(db, "SELECT notes FROM service_text WHERE lang = 'en'"),
              "Free calls, \"really\".\nBring ID.\n");
    CHECK_STR(query(db, "SELECT region || '|' || hours FROM services"), "|");
    sqlite3_close(db);
}

static void test_write_errors(void)
{
    CHECK(build(FIXTURE, "/nonexistent-dir/x.faro", NULL) < 0, "unwritable path fails");
    CHECK(!exists("/nonexistent-dir/x.faro.tmp"), "no tmp");
    lint_report *rep = lint_report_new();
    CHECK(lint_dir("/nonexistent-content", rep, err, sizeof err) == FARO_EIO, "missing dir");
    CHECK_CONTAINS(err, "/nonexistent-content: not a content folder");
    lint_report_free(rep);
    lint_report_free(NULL);
    CHECK(lint_report_count(NULL) == 0 && lint_report_at(NULL, 0) == NULL, "NULL report");
}

static void test_icons(void)
{
    CHECK(icons_codepoint("warning") == 0xE002, "warning");
    CHECK(icons_codepoint("gavel") == 0xE90E, "gavel");
    CHECK(icons_codepoint("flood") == 0xEBE6, "flood");
    CHECK(icons_codepoint("zzz_nope") == -1 && icons_codepoint(NULL) == -1, "unknown");
    int sorted = 1;
    for (int i = 1; i < icons_count(); i++)
        sorted &= strcmp(icons_name_at(i - 1), icons_name_at(i)) < 0;
    CHECK(sorted, "icon table sorted and unique");
    for (int i = 0; i < icons_count(); i++)
        if (icons_codepoint(icons_name_at(i)) < 0xE000)
            CHECK(0, "icon %s not found by bisection", icons_name_at(i));
    CHECK(icons_count() >= 45, "count %d", icons_count());
}

/* ---- services.csv: import and every lint check, one case each ---- */

#define SVC_HEADER "id,kind,name,country,phones,messaging,languages,nationalities,cost,verified,example\n"
#define SVC_OK_ROW "red-cross-test,family,Red Cross (example),MX,+12025550143,,es,*,free,2026-01-01,yes\n"

/* Lints a copy of the fixture whose services.csv is text[0..len); returns
 * lint's messages joined by '\n' (static buffer) and the count in *n. */
static const char *lint_csv(const char *name, const char *text, size_t len, int *n)
{
    static char out[8192];
    char cmd[512];
    const char *dir = path_in_tmp(name);
    size_t used = 0;
    snprintf(cmd, sizeof cmd, "cp -R " FIXTURE " %s", dir);
    CHECK(system(cmd) == 0, "cp");
    FILE *f = fopen(path_in_tmp("csv.tmp"), "wb");
    CHECK(f && fwrite(text, 1, len, f) == len, "write csv");
    if (f)
        fclose(f);
    snprintf(cmd, sizeof cmd, "mv %s %s/services.csv", path_in_tmp("csv.tmp"), dir);
    CHECK(system(cmd) == 0, "mv");
    lint_report *rep = lint_report_new();
    *n = lint_dir(dir, rep, err, sizeof err);
    out[0] = '\0';
    for (int i = 0; i < lint_report_kept(rep) && used < sizeof out; i++)
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", i ? "\n" : "",
                                 lint_report_at(rep, i));
    lint_report_free(rep);
    return out;
}

static void check_csv(const char *name, const char *rows, const char *want)
{
    char text[4096];
    int n;
    snprintf(text, sizeof text, SVC_HEADER SVC_OK_ROW "%s", rows);
    const char *got = lint_csv(name, text, strlen(text), &n);
    CHECK(strcmp(got, want) == 0, "%s: got\n%s\nwant\n%s", name, got, want);
}

static void test_services_csv(void)
{
    check_csv("csv-phone", "x-1,health,Clinic (example),MX,555 0143;+12025550144,+1202,es,*,free,2026-01-01,yes\n",
              "services.csv:3:phones: '555 0143' is not an E.164 number (+ then 8 to 15 digits)\n"
              "services.csv:3:messaging: '+1202' is not an E.164 number (+ then 8 to 15 digits)");
    check_csv("csv-country", "x-1,health,Clinic (example),XX,,,es,HT;QQ,free,2026-01-01,yes\n",
              "services.csv:3:country: unknown country code 'XX' (ISO 3166-1 alpha-2)\n"
              "services.csv:3:nationalities: unknown country code 'QQ'");
    check_csv("csv-date", "x-1,health,A (example),MX,,,es,*,free,2026-02-30,yes\n"
                          "x-2,health,B (example),MX,,,es,*,free,01/02/2026,yes\n"
                          "x-3,health,C (example),MX,,,es,*,free,2999-01-01,yes\n",
              "services.csv:3:verified: bad date '2026-02-30' (YYYY-MM-DD)\n"
              "services.csv:4:verified: bad date '01/02/2026' (YYYY-MM-DD)\n"
              "services.csv:5:verified: '2999-01-01' is in the future");
    check_csv("csv-lang", "x-1,health,A (example),MX,,,es;english;zh-Hans,*,free,2026-01-01,yes\n",
              "services.csv:3:languages: bad language tag 'english'");
    check_csv("csv-consulate", "c-1,consulate,A (example),MX,,,es,*,free,2026-01-01,yes\n"
                               "c-2,consulate,B (example),MX,,,es,HT;CU,free,2026-01-01,yes\n"
                               "c-3,consulate,C (example),MX,,,es,,free,2026-01-01,yes\n"
                               "c-4,consulate,D (example),MX,,,es,HT,free,2026-01-01,yes\n",
              "services.csv:3:nationalities: '*': a consulate represents one country (one ISO code)\n"
              "services.csv:4:nationalities: 'HT;CU': a consulate represents one country (one ISO code)\n"
              "services.csv:5:nationalities: missing (the country the consulate represents)");
    /* a quoted field with newlines: later rows keep their real line numbers */
    check_csv("csv-newline", "x-1,health,\"Clinic\nNorth, \"\"B\"\" (example)\",MX,,,es,*,free,2026-01-01,yes\n"
                             "x-2,health,Clinic (example),MX,12345,,es,*,free,2026-01-01,yes\n",
              "services.csv:5:phones: '12345' is not an E.164 number (+ then 8 to 15 digits)");
    int n;
    const char *got;
    /* a missing required column names it; the rows are not checked then */
    const char *no_country = "id,kind,name,cost,verified,example\nred-cross-test,family,R,free,2026-01-01,no\n";
    got = lint_csv("csv-column", no_country, strlen(no_country), &n);
    CHECK_STR(got, "services.csv:1: missing required column 'country'");
    /* a BOM before the header is not part of the first column's name */
    const char *bom = "\xEF\xBB\xBF" SVC_HEADER SVC_OK_ROW;
    got = lint_csv("csv-bom", bom, strlen(bom), &n);
    CHECK(n == 0 && got[0] == '\0', "BOM: %d: %s", n, got);
    /* CRLF line ends, as spreadsheets export */
    const char *crlf = "id,kind,name,country,cost,verified,example\r\n"
                       "red-cross-test,family,R (example),MX,free,2026-01-01,yes\r\n";
    got = lint_csv("csv-crlf", crlf, strlen(crlf), &n);
    CHECK(n == 0, "CRLF: %s", got);
}

/* A directory of 10,000 rows (BOM, quoted fields with commas and quotes);
 * row `bad` (when > 0) has an unknown kind.  Returns its length. */
static size_t rows_10000(char *text, size_t cap, int bad)
{
    size_t len = (size_t)snprintf(text, cap, "\xEF\xBB\xBF" SVC_HEADER SVC_OK_ROW);
    for (int i = 1; i < 10000; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "svc-%d,%s,\"Service %d, \"\"North\"\" (example)\",MX,+1202555%04d,,"
                                "es;fr,HT;CU,free,2026-01-%02d,yes\n",
                                i, i == bad ? "spa" : i % 2 ? "health" : "shelter", i,
                                100 + i % 100, 1 + i % 28);
    return len;
}

/* A 10,000-row directory lints with one problem found at its real line,
 * and (fixed) builds into a pack with every row. */
static void test_services_10000(void)
{
    size_t cap = 10002 * 160;
    char *text = malloc(cap);
    int n;
    const char *got = lint_csv("csv-10000", text, rows_10000(text, cap, 9876), &n);
    CHECK(n == 1, "10,000 rows: %d problems", n);
    CHECK_STR(got, "services.csv:9878:kind: unknown kind 'spa'");
    lint_csv("csv-10000-ok", text, rows_10000(text, cap, 0), &n);
    CHECK(n == 0, "fixed: %d problems", n);
    const char *out = path_in_tmp("big.faro");
    CHECK(build(path_in_tmp("csv-10000-ok"), out, NULL) == 0, "build 10,000 rows: %s", err);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open");
    CHECK_STR(query(db, "SELECT count(*) FROM services"), "10000");
    CHECK_STR(query(db, "SELECT name FROM services WHERE id = 'svc-9999'"),
              "Service 9999, \"North\" (example)");
    sqlite3_close(db);
    free(text);
}

int main(void)
{
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_build_and_read();
    test_reproducible();
    test_failed_build();
    test_services_yaml();
    test_services_csv();
    test_services_10000();
    test_write_errors();
    test_icons();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_done();
}
