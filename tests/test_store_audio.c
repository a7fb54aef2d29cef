/*
 * test_store_audio.c — recorded voices from content folder to kiosk: two
 * copies of tests/fixtures/content-mini, a site pack and a base pack, get
 * recordings made here (sox tone -> opusenc) and are built by
 * pack_build_dir; the media rows say audio/ogg; with both in the store
 * (site first, as the shelf adds them) the site's recording of an article
 * wins over the base's, a recording only the base has for an item the
 * site also defines is not used (the words shown are the site's), unknown
 * kinds, ids and languages are refused, and store_coverage_get (and the
 * console's admin_audio_get over it) counts the merged view's items and
 * recordings per language.
 */
#include "check.h"
#include "admin.h"
#include "faro.h"
#include "ogg.h"
#include "pack_build.h"
#include "store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE "tests/fixtures/content-mini"

static char tmpdir[] = "/tmp/faro-test-store-audio-XXXXXX";
static char err[FARO_MAX_ERRLEN];

static const char *in_tmp(const char *name)
{
    static char buf[8][256];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    return p;
}

/* A copy of the fixture as pack `id`/`layer` with a tone of `seconds`
 * recorded as each of the given audio paths. */
static int make_folder(const char *dir, const char *id, const char *layer, double seconds,
                       const char *const *recordings)
{
    int rc = check_sh("cp -R %s %s/%s && cd %s/%s && sed -i 's/^id: .*/id: %s/; s/^layer: .*/layer: %s/'"
                      " pack.yaml && mkdir -p audio/es audio/en && sox -n -r 48000 -b 16 -c 1 t.wav"
                      " synth %.2f sine 440 2>/dev/null && opusenc --quiet t.wav t.opus 2>/dev/null",
                      FIXTURE, tmpdir, dir, tmpdir, dir, id, layer, seconds);
    for (int i = 0; rc == 0 && recordings[i]; i++)
        rc = check_sh("cd %s/%s && cp t.opus %s", tmpdir, dir, recordings[i]);
    return rc ? rc : check_sh("cd %s/%s && rm t.wav t.opus", tmpdir, dir);
}

static int build(const char *dir, const char *out)
{
    lint_report *rep = lint_report_new();
    int rc = pack_build_dir(in_tmp(dir), in_tmp(out), rep, NULL, err, sizeof err);
    for (int i = 0; i < lint_report_kept(rep); i++)
        fprintf(stderr, "%s\n", lint_report_at(rep, i));
    lint_report_free(rep);
    return rc;
}

static int media_mime_is(const char *pack, const char *name, const char *mime)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (sqlite3_open_v2(in_tmp(pack), &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT mime FROM media WHERE name = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), mime) == 0;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

/* The length of the recording the store gives, or -1 (-2: not Opus). */
static double recording_seconds(store *s, const char *kind, const char *id, const char *lang, int *rc)
{
    void *bytes = NULL;
    size_t len = 0;
    double seconds = -1;
    *rc = store_recording(s, kind, id, lang, &bytes, &len, err, sizeof err);
    if (*rc == 0 && ogg_probe(bytes, len, &seconds, NULL, err, sizeof err) != 0)
        seconds = -2;
    free(bytes);
    return seconds;
}

static void test_precedence(store *s)
{
    int rc = 0;
    double sec = recording_seconds(s, "article", "stay-safe", "es", &rc);
    CHECK(rc == 0 && fabs(sec - 1.5) < 0.02, "site's article recording wins: rc %d, %.3f s (%s)", rc, sec, err);
    sec = recording_seconds(s, "service", "red-cross-test", "en", &rc);
    CHECK(rc == 0 && fabs(sec - 1.5) < 0.02, "site's service: rc %d, %.3f s", rc, sec);
    recording_seconds(s, "topic", "safety", "es", &rc);
    CHECK(rc == FARO_ENOTFOUND, "base's recording of a topic the site shows: not used (%d)", rc);
    recording_seconds(s, "article", "stay-safe", "fr", &rc);
    CHECK(rc == FARO_ENOTFOUND, "no recording in fr (%d)", rc);
    recording_seconds(s, "article", "nowhere", "es", &rc);
    CHECK(rc == FARO_ENOTFOUND, "unknown article (%d)", rc);
    CHECK_CONTAINS(err, "nowhere");
    recording_seconds(s, "picture", "stay-safe", "es", &rc);
    CHECK(rc == FARO_EINVAL, "unknown kind (%d)", rc);
    recording_seconds(s, "article", "stay-safe", "../es", &rc);
    CHECK(rc == FARO_EINVAL, "a language with a slash (%d)", rc);
}

static void test_coverage(store *s)
{
    store_coverage cov;
    CHECK(store_coverage_get(s, "es", &cov, err, sizeof err) == 0, "%s", err);
    CHECK(cov.items == 8 && cov.recorded == 1, "es: %d items, %d recorded", cov.items, cov.recorded);
    CHECK(store_coverage_get(s, "en", &cov, err, sizeof err) == 0, "%s", err);
    CHECK(cov.items == 8 && cov.recorded == 1, "en: %d items, %d recorded", cov.items, cov.recorded);
    CHECK(store_coverage_get(s, "ti", &cov, err, sizeof err) == 0 && cov.items == 0, "ti: none");
    static const char *const langs[] = { "es", "ti" };
    admin_audio a[2];
    CHECK(admin_audio_get(s, langs, 2, a) == 2, "admin_audio_get");
    CHECK(a[0].items == 8 && a[0].recorded == 1 && a[0].synthetic == 7 && a[0].none == 0,
          "es: %d/%d/%d/%d", a[0].items, a[0].recorded, a[0].synthetic, a[0].none);
    CHECK(!strcmp(a[1].lang, "ti") && a[1].items == 0 && a[1].none == 0, "ti: no items");
    CHECK(admin_audio_get(NULL, langs, 2, a) == FARO_EINVAL, "no store");
}

int main(void)
{
    static const char *const site_rec[] = { "audio/es/article-stay-safe.opus",
                                            "audio/en/service-red-cross-test.opus", NULL };
    static const char *const base_rec[] = { "audio/es/article-stay-safe.opus",
                                            "audio/es/topic-safety.opus", NULL };
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    CHECK(make_folder("site", "org.faro.test-site", "site", 1.5, site_rec) == 0, "site folder");
    CHECK(make_folder("base", "org.faro.test-base", "base", 0.5, base_rec) == 0, "base folder");
    CHECK(build("site", "site.faro") == 0, "build site: %s", err);
    CHECK(build("base", "base.faro") == 0, "build base: %s", err);
    CHECK(media_mime_is("site.faro", "audio/es/article-stay-safe.opus", "audio/ogg"), "stored as audio/ogg");
    store *s = store_new();
    CHECK(s && store_add_file(s, in_tmp("site.faro"), err, sizeof err) == 0, "%s", err);
    CHECK(s && store_add_file(s, in_tmp("base.faro"), err, sizeof err) == 0, "%s", err);
    if (s) {
        test_precedence(s);
        test_coverage(s);
    }
    store_free(s);
    check_sh("rm -rf %s", tmpdir);
    return check_done();
}
