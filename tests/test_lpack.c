/* test_lpack.c — translation packs: built by pack_build, checked and
 * applied over the shipped locales (new words on the next screen build),
 * all or nothing; forged packs that mix content and UI strings refused. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "faro.h"
#include "loc.h"
#include "log.h"
#include "lpack.h"
#include "pack_build.h"
#include "screens/screens.h"
#include "store.h"
#include "txt.h"
#include "ui.h"

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

static char tmp[] = "/tmp/faro-lpack-XXXXXX";

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* Builds a locale pack of `fr_yaml` (and optionally a new language) into out. */
static int build_locale_pack(const char *name, const char *fr_yaml, const char *out)
{
    char dir[512], sub[600], err[FARO_MAX_ERRLEN];
    snprintf(dir, sizeof dir, "%s/%s", tmp, name);
    snprintf(sub, sizeof sub, "%s/locales", dir);
    mkdir(dir, 0755);
    mkdir(sub, 0755);
    write_file(dir, "pack.yaml", "id: org.example.fr-words\nversion: 2\nlayer: site\ntype: locale\n"
                                 "languages: [fr, sw]\ntitle: {fr: Mots, sw: Maneno}\n");
    write_file(dir, "locales/fr.yaml", fr_yaml);
    write_file(dir, "locales/sw.yaml", "meta: {lang: sw, endonym: Kiswahili, direction: ltr, "
                                       "fallback: [en], reviewed: false}\nstrings:\n  nav.back: Rudi\n");
    lint_report *rep = lint_report_new();
    int rc = pack_build_dir(dir, out, rep, NULL, err, sizeof err);
    for (int i = 0; i < lint_report_kept(rep); i++)
        fprintf(stderr, "  lint: %s\n", lint_report_at(rep, i));
    lint_report_free(rep);
    return rc;
}

#define FR_OK "meta: {lang: fr, endonym: Français, direction: ltr, fallback: [en], reviewed: true}\n" \
              "strings:\n  nav.back: Revenir\n  home.title: Que vous faut-il ?\n"

/* Copies src to dst and runs sql on the copy (a forged pack). */
static void forge(const char *src, const char *dst, const char *sql)
{
    char cmd[1200];
    sqlite3 *db;
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, dst);
    CHECK(system(cmd) == 0, "copy");
    CHECK(sqlite3_open(dst, &db) == SQLITE_OK, "open forged");
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "forge: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

static void test_build_and_apply(const char *pack)
{
    char err[FARO_MAX_ERRLEN], type[16];
    CHECK(lpack_check_file(pack, type, sizeof type, err, sizeof err) == 0, "check: %s", err);
    CHECK_STR(type, "locale");
    loc_set *L = loc_new();
    loc_load_dir(L, "locales");
    const char *before = loc_str(L, "fr", "nav.back");
    CHECK_STR(before, "Retour");
    CHECK(lpack_apply_file(L, pack, err, sizeof err) == 2, "applied 2 files: %s", err);
    CHECK_STR(loc_str(L, "fr", "nav.back"), "Revenir");
    CHECK_STR(loc_str(L, "fr", "home.title"), "Que vous faut-il ?");
    CHECK_STR(loc_str(L, "fr", "dir.title"), "Services et contacts");  /* shipped, kept */
    CHECK_STR(before, "Retour");                 /* earlier pointers stay valid */
    CHECK(loc_has(L, "sw") && !strcmp(loc_str(L, "sw", "nav.back"), "Rudi"), "new language");
    CHECK(loc_reviewed(L, "fr"), "overlay meta: reviewed");
    loc_free(L);
}

static void test_all_or_nothing(const char *pack)
{
    char bad[600], err[FARO_MAX_ERRLEN];
    snprintf(bad, sizeof bad, "%s/broken.faro", tmp);
    forge(pack, bad, "UPDATE media SET data = CAST('meta: [' AS BLOB) WHERE name = 'locale/sw.yaml'");
    loc_set *L = loc_new();
    loc_load_dir(L, "locales");
    CHECK(lpack_apply_file(L, bad, err, sizeof err) < 0, "broken file refused");
    CHECK_CONTAINS(err, "locale/sw.yaml");
    CHECK_STR(loc_str(L, "fr", "nav.back"), "Retour");      /* fr not applied either */
    CHECK(!loc_has(L, "sw"), "sw not added");
    forge(pack, bad, "UPDATE media SET data = CAST(replace(CAST(data AS TEXT), 'lang: sw', 'lang: fr')"
                     " AS BLOB) WHERE name = 'locale/sw.yaml'");
    CHECK(lpack_apply_file(L, bad, err, sizeof err) < 0, "file named sw holding fr refused");
    CHECK_CONTAINS(err, "meta.lang is not 'sw'");
    CHECK_STR(loc_str(L, "fr", "nav.back"), "Retour");
    loc_free(L);
}

static void test_forged_split(const char *pack, const char *content_pack)
{
    char bad[600], err[FARO_MAX_ERRLEN], type[16];
    snprintf(bad, sizeof bad, "%s/forged.faro", tmp);
    forge(pack, bad, "INSERT INTO topics VALUES('smuggled', 0, 'info')");
    CHECK(lpack_check_file(bad, type, sizeof type, err, sizeof err) == FARO_EPACK, "locale + topic");
    CHECK_CONTAINS(err, "cannot change content");
    forge(pack, bad, "INSERT INTO media VALUES('media/x.png', 'image/png', x'89504e47')");
    CHECK(lpack_check_file(bad, type, sizeof type, err, sizeof err) == FARO_EPACK, "locale + image");
    forge(pack, bad, "UPDATE media SET mime = 'text/plain' WHERE name = 'locale/fr.yaml'");
    CHECK(lpack_check_file(bad, type, sizeof type, err, sizeof err) == FARO_EPACK, "wrong mime");
    forge(pack, bad, "UPDATE media SET name = 'locale/../fr.yaml' WHERE name = 'locale/fr.yaml'");
    CHECK(lpack_check_file(bad, type, sizeof type, err, sizeof err) == FARO_EPACK, "odd name");
    CHECK(lpack_check_file(content_pack, type, sizeof type, err, sizeof err) == 0, "content ok: %s", err);
    CHECK_STR(type, "content");
    loc_set *L = loc_new();
    CHECK(lpack_apply_file(L, content_pack, err, sizeof err) == FARO_EPACK, "content is no locale pack");
    forge(content_pack, bad, "INSERT INTO media VALUES('Locale/fr.yaml', 'application/yaml', "
                             "CAST('meta: {lang: fr}' AS BLOB))");
    CHECK(lpack_check_file(bad, type, sizeof type, err, sizeof err) == FARO_EPACK, "content + strings");
    CHECK_CONTAINS(err, "cannot carry UI strings");
    CHECK(lpack_check_file("/nonexistent.faro", type, sizeof type, err, sizeof err) < 0, "missing");
    loc_free(L);
}

static void test_apply_dir(const char *pack, const char *content_pack)
{
    char dir[600], cmd[4000];
    snprintf(dir, sizeof dir, "%s/packs", tmp);
    mkdir(dir, 0755);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/org.example.fr-words.faro' && cp '%s' '%s/org.example.mini.faro'"
             " && cp '%s/broken.faro' '%s/zz.broken.faro' && echo junk > '%s/junk.faro'",
             pack, dir, content_pack, dir, tmp, dir, dir);
    CHECK(system(cmd) == 0, "set up packs/");
    loc_set *L = lpack_reload("locales", dir);
    CHECK(L && !strcmp(loc_str(L, "fr", "nav.back"), "Revenir"), "reload applies the pack");
    CHECK(loc_has(L, "sw"), "sw from the pack");
    loc_free(L);
    L = loc_new();
    CHECK(lpack_apply_dir(L, "/nonexistent") == 0, "missing dir: 0");
    loc_free(L);
}

/* The words on a built screen: the home screen in French, before and after. */
static void test_screen_words(const char *pack)
{
    char err[FARO_MAX_ERRLEN];
    store *st = store_new();
    store_add_memory(st, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack),
                     "default", err, sizeof err);
    txt_ctx *txt = txt_new("assets/fonts", 4u << 20, err, sizeof err);
    CHECK(txt != NULL, "fonts: %s", err);
    loc_set *L = lpack_reload("locales", NULL);
    screen_env e = { .st = st, .loc = L, .txt = txt, .lang = "fr", .stale_days = 365, .today = 20000 };
    screen_state s = { .screen = SCR_HOME };
    ui_tree *t = ui_new();
    if (txt && t) {
        screens_build(t, &e, &s, 1280, 800, 0);
        CHECK(ui_find(t, "Que vous faut-il", 0) < 0, "new words absent before");
        loc_set *L2 = loc_new();
        loc_load_dir(L2, "locales");
        CHECK(lpack_apply_file(L2, pack, err, sizeof err) == 2, "apply: %s", err);
        e.loc = L2;
        screens_build(t, &e, &s, 1280, 800, 0);
        CHECK(ui_find(t, "Que vous faut-il ?", 0) >= 0, "new words on the rebuilt screen");
        ui_free(t);
        t = NULL;
        loc_free(L2);
    }
    ui_free(t);
    loc_free(L);
    txt_free(txt);
    store_free(st);
}

int main(void)
{
    char pack[600], content_pack[600], err[FARO_MAX_ERRLEN];
    log_quiet(1);
    CHECK(mkdtemp(tmp) != NULL, "temp dir");
    setenv("FARO_LOCALES", "locales", 1);
    snprintf(pack, sizeof pack, "%s/fr-words.faro", tmp);
    snprintf(content_pack, sizeof content_pack, "%s/mini.faro", tmp);
    CHECK(build_locale_pack("fr-words", FR_OK, pack) == 0, "locale pack builds");
    lint_report *rep = lint_report_new();
    CHECK(pack_build_dir("tests/fixtures/content-mini", content_pack, rep, NULL, err, sizeof err) == 0,
          "content pack: %s", err);
    lint_report_free(rep);
    test_build_and_apply(pack);
    test_all_or_nothing(pack);
    test_forged_split(pack, content_pack);
    test_apply_dir(pack, content_pack);
    test_screen_words(pack);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
