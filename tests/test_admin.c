/* test_admin.c — the console's logic: status, languages setting, usage
 * counts (only day, topic, language; counted in memory, written at most
 * once an hour and at the day change under the day counted; pruned; CSV
 * export safe on a stick),
 * and the self-check with each check made to fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "admin.h"
#include "speech.h"
#include "check.h"
#include "faro.h"
#include "sig.h"
#include "state.h"
#include "store.h"

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

static char dir[] = "/tmp/faro-admin-XXXXXX";
#define DAY 86400L
#define T0 1780000000L          /* 2026-05-28 */

static void path_of(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", dir, rel);
}

static char *slurp(const char *path)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    return f ? buf : NULL;
}

static void test_status(void)
{
    char err[FARO_MAX_ERRLEN], b[32];
    store *st = store_new();
    CHECK(store_add_memory(st, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack),
                           "default", err, sizeof err) == 0, "default pack: %s", err);
    admin_status s;
    CHECK(admin_status_get(st, dir, T0, &s) == 0, "status");
    CHECK_STR(s.version, FARO_VERSION);
    CHECK(s.npacks == 1 && s.packs[0].version >= 1 && s.packs[0].id[0], "one pack (%d)", s.npacks);
    CHECK_STR(s.packs[0].type, "content");
    CHECK(s.storage_free > 0 && s.storage_total >= s.storage_free, "storage %lld/%lld", s.storage_free,
          s.storage_total);
    CHECK(s.uptime_s >= 0 && s.now_s == T0, "uptime %ld", s.uptime_s);
    CHECK(admin_status_get(NULL, "/nonexistent", T0, &s) == 0 && s.storage_free == -1 && s.npacks == 0,
          "unknowns are -1");
    store_free(st);
    admin_format_bytes(812000000LL, b, sizeof b);
    CHECK_STR(b, "812 MB");
    admin_format_bytes(3400000000LL, b, sizeof b);
    CHECK_STR(b, "3.4 GB");
    admin_format_bytes(12, b, sizeof b);
    CHECK_STR(b, "12 B");
}

static void test_languages(state *s)
{
    char got[FARO_MAX_LANGS][FARO_MAX_LANG_LEN + 1];
    const char *want[] = { "es", "ar", "fr", "zh-Hans" }, *bad[] = { "es", "x; DROP" };
    CHECK(admin_languages_get(s, got, FARO_MAX_LANGS) == 0, "none chosen yet");
    CHECK(admin_languages_set(s, want, 4) == 0, "set");
    CHECK(admin_languages_get(s, got, FARO_MAX_LANGS) == 4 && !strcmp(got[1], "ar") &&
          !strcmp(got[3], "zh-Hans"), "order kept");
    CHECK(admin_languages_set(s, bad, 2) == FARO_EINVAL, "bad tag refused");
    CHECK(admin_languages_set(s, want, 0) == FARO_EINVAL, "at least one");
    CHECK(admin_languages_get(s, got, 2) == 2, "bounded by max");
}

/* Every CSV line: YYYY-MM-DD,topic,lang,number — and nothing else. */
static int csv_only_counts(const char *text)
{
    const char *p = strchr(text, '\n');
    int rows = 0;
    if (strncmp(text, "day,topic,lang,views\n", 21) != 0)
        return -1;
    for (p = p ? p + 1 : p; p && *p; rows++) {
        int y, m, d, len = 0;
        char topic[80], lang[32];
        long views;
        if (sscanf(p, "%4d-%2d-%2d,%79[^,],%31[^,],%ld%n", &y, &m, &d, topic, lang, &views, &len) != 6 ||
            p[len] != '\n' || views < 1)
            return -1;
        p += len + 1;
    }
    return rows;
}

static void test_usage(state *s)
{
    char out[700], name[64], err[FARO_MAX_ERRLEN], path[900];
    CHECK(admin_usage_view(s, T0 - 500 * DAY, "rights", "es") == 0, "old view");
    for (int i = 0; i < 3; i++)
        CHECK(admin_usage_view(s, T0, "rights", "es") == 0, "view %d", i);
    CHECK(admin_usage_view(s, T0 + 60, "family", "ar") == 0, "view");
    CHECK(admin_usage_view(s, T0 + DAY, "family", "ar") == 0, "next day");
    CHECK(admin_usage_view(s, T0, "Where is my brother?", "es") == FARO_EINVAL, "free text refused");
    CHECK(admin_usage_view(s, T0, "rights", "es,en") == FARO_EINVAL, "bad lang refused");
    CHECK(admin_usage_view(NULL, T0, "rights", "es") == FARO_EINVAL, "no database");
    path_of(out, sizeof out, "stick");
    mkdir(out, 0755);
    int n = admin_usage_export(s, out, T0 + DAY, name, sizeof name, err, sizeof err);
    CHECK(n == 3, "3 rows (the 500-day-old one pruned): %d %s", n, err);
    char day[16];
    admin_day(T0 + DAY, day, sizeof day);
    char want[64];
    snprintf(want, sizeof want, "faro-usage-%s.csv", day);
    CHECK_STR(name, want);
    snprintf(path, sizeof path, "%s/%s", out, name);
    const char *text = slurp(path);
    CHECK(text && csv_only_counts(text) == 3, "only per-day counts:\n%s", text ? text : "(none)");
    CHECK(text && strstr(text, ",rights,es,3\n"), "three views counted");
    snprintf(path, sizeof path, "%s/%s.tmp", out, name);
    CHECK(access(path, F_OK) != 0, "no temporary file left");
}

/* Usage rows in the database (not the counts waiting in memory). */
static int db_rows(state *s, char *buf, size_t size)
{
    char path[700];
    path_of(path, sizeof path, "rows.csv");
    FILE *f = fopen(path, "w+");
    int n = state_usage_csv(s, f);
    rewind(f);
    buf[fread(buf, 1, size - 1, f)] = '\0';
    fclose(f);
    return n;
}

/* The first local midnight after t. */
static long next_midnight(long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    tm.tm_mday++;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (long)mktime(&tm);
}

/* Views are counted in memory and written at most once an hour. */
static void test_usage_hourly(void)
{
    char db[700], err[FARO_MAX_ERRLEN], rows[512];
    path_of(db, sizeof db, "hourly.db");
    state *s = state_open(db, err, sizeof err);
    CHECK(s != NULL, "state: %s", err);
    if (!s)
        return;
    long t = next_midnight(T0) + 3600;              /* 01:00, an hour to spare either way */
    CHECK(admin_usage_view(s, t, "rights", "es") == 0, "view");
    CHECK(admin_usage_view(s, t + 1800, "family", "es") == 0, "view");
    CHECK(admin_usage_view(s, t + ADMIN_USAGE_WRITE_S - 1, "rights", "es") == 0, "view");
    CHECK(db_rows(s, rows, sizeof rows) == 0, "nothing written within the hour: %s", rows);
    CHECK(admin_usage_flush(s, t + ADMIN_USAGE_WRITE_S - 1, 0) == 0, "not due yet");
    CHECK(admin_usage_view(s, t + ADMIN_USAGE_WRITE_S, "rights", "es") == 0, "view after an hour");
    CHECK(db_rows(s, rows, sizeof rows) == 2, "the hour's counts written: %s", rows);
    CHECK_CONTAINS(rows, ",rights,es,2\n");
    CHECK(state_usage_since(s) == t + ADMIN_USAGE_WRITE_S, "the new view waits in memory");
    CHECK(admin_usage_flush(s, t + ADMIN_USAGE_WRITE_S + 5, 1) == 1, "forced");
    CHECK(db_rows(s, rows, sizeof rows) == 2 && strstr(rows, ",rights,es,3\n"), "added: %s", rows);
    CHECK(admin_usage_flush(s, t + 2 * ADMIN_USAGE_WRITE_S, 1) == 0, "nothing left to write");
    CHECK(admin_usage_flush(NULL, t, 1) == FARO_EINVAL, "no database");
    state_close(s);
}

/* At the day change the counts are written under the day they were
 * counted in, also when the write happens after midnight. */
static void test_usage_midnight(void)
{
    char db[700], err[FARO_MAX_ERRLEN], rows[512], yesterday[16], today[16], want[64];
    path_of(db, sizeof db, "midnight.db");
    state *s = state_open(db, err, sizeof err);
    CHECK(s != NULL, "state: %s", err);
    if (!s)
        return;
    long m = next_midnight(T0);
    admin_day(m - 60, yesterday, sizeof yesterday);
    admin_day(m + 60, today, sizeof today);
    CHECK(strcmp(yesterday, today) != 0, "two days: %s %s", yesterday, today);
    CHECK(admin_usage_view(s, m - 60, "family", "ar") == 0, "a view before midnight");
    CHECK(admin_usage_flush(s, m - 1, 0) == 0, "not due before midnight");
    CHECK(admin_usage_flush(s, m + 30, 0) == 1, "due after midnight");
    snprintf(want, sizeof want, "%s,family,ar,1\n", yesterday);
    CHECK(db_rows(s, rows, sizeof rows) == 1, "one row: %s", rows);
    CHECK_CONTAINS(rows, want);
    CHECK(admin_usage_view(s, m + 40, "family", "ar") == 0, "a view after midnight");
    CHECK(admin_usage_view(s, m + 3000, "rights", "ar") == 0, "within the hour");
    CHECK(db_rows(s, rows, sizeof rows) == 1, "still in memory");
    CHECK(admin_usage_view(s, m + 24 * 3600 + 10, "rights", "ar") == 0, "next midnight passed");
    snprintf(want, sizeof want, "%s,family,ar,1\n", today);
    CHECK(db_rows(s, rows, sizeof rows) == 3, "yesterday's counts under yesterday: %s", rows);
    CHECK_CONTAINS(rows, want);
    state_close(s);
    s = state_open(db, err, sizeof err);
    CHECK(s && db_rows(s, rows, sizeof rows) == 4, "the last view written at close: %s", rows);
    state_close(s);
}

static void test_export_refusals(state *s)
{
    char stick[700], link[700], victim[700], name[64] = "", err[FARO_MAX_ERRLEN], day[16], planted[900];
    path_of(stick, sizeof stick, "stick");
    path_of(link, sizeof link, "stick-link");
    CHECK(symlink(stick, link) == 0, "symlink");
    CHECK(admin_usage_export(s, link, T0, name, sizeof name, err, sizeof err) == FARO_EINVAL, "symlinked dir");
    CHECK_CONTAINS(err, "symlinks are refused");
    CHECK(admin_usage_export(s, "/nonexistent/stick", T0, name, sizeof name, err, sizeof err) ==
          FARO_ENOTFOUND, "no stick");
    path_of(victim, sizeof victim, "victim.txt");
    FILE *f = fopen(victim, "w");
    fputs("keep me\n", f);
    fclose(f);
    admin_day(T0 + 2 * DAY, day, sizeof day);
    snprintf(planted, sizeof planted, "%s/faro-usage-%s.csv", stick, day);
    CHECK(symlink(victim, planted) == 0, "planted symlink");
    CHECK(admin_usage_export(s, stick, T0 + 2 * DAY, name, sizeof name, err, sizeof err) >= 0, "%s", err);
    CHECK_STR(slurp(victim), "keep me\n");
    struct stat st;
    CHECK(lstat(planted, &st) == 0 && S_ISREG(st.st_mode), "the symlink was replaced, not followed");
}

static void test_selfcheck(state *s)
{
    char data[700], packs[800], pack[900], err[FARO_MAX_ERRLEN], hex[2 * SIG_HASH_BYTES + 1];
    unsigned char hash[SIG_HASH_BYTES];
    admin_check c[ADMIN_NCHECKS];
    path_of(data, sizeof data, "data");
    snprintf(packs, sizeof packs, "%s/packs", data);
    snprintf(pack, sizeof pack, "%s/org.example.a.faro", packs);
    mkdir(data, 0755);
    mkdir(packs, 0755);
    FILE *f = fopen(pack, "wb");
    fwrite(faro_default_pack, 1, 4096, f);
    fclose(f);
    CHECK(sig_hash_file(pack, FARO_MAX_PACK_BYTES, hash, err, sizeof err) == 0, "hash: %s", err);
    sig_hash_hex(hash, hex);
    CHECK(state_pack_record(s, "org.example.a", 3, hex) == 0, "record");
    speech *voice = speech_new(NULL);         /* espeak-ng from PATH */
    store *content = store_new();         /* the default pack's pictures decode */
    store_add_memory(content, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack), "default",
                     err, sizeof err);
    admin_env e = { .data_dir = data, .font_dir = "assets/fonts", .st = s, .now_s = (long)time(NULL),
                    .content = content, .speech = voice };
    int failed = admin_selfcheck(&e, c);
    CHECK(failed == 0, "all pass (%d)", failed);
    for (int i = 0; i < ADMIN_NCHECKS; i++)
        CHECK(c[i].ok == 1 && !strcmp(c[i].result_key, "admin.check.ok") && c[i].name_key, "check %d", i);
    CHECK_STR(c[ADMIN_CHECK_CLOCK].name_key, "admin.check.clock");
    f = fopen(pack, "r+b");
    fseek(f, 100, SEEK_SET);
    fputc(0x5a, f);
    fclose(f);
    e.font_dir = data;
    e.now_s = 86400;                          /* 1970: the clock was reset */
    e.data_dir = data;
    failed = admin_selfcheck(&e, c);
    CHECK(failed == 3, "signatures, fonts, clock fail (%d)", failed);
    CHECK_STR(c[ADMIN_CHECK_SIGNATURES].result_key, "admin.check.signature_fail");
    CHECK_STR(c[ADMIN_CHECK_SIGNATURES].detail, "org.example.a");
    CHECK_STR(c[ADMIN_CHECK_FONTS].result_key, "admin.check.fonts_fail");
    CHECK_CONTAINS(c[ADMIN_CHECK_FONTS].detail, ".ttf");
    CHECK_STR(c[ADMIN_CHECK_CLOCK].result_key, "admin.check.clock_fail");
    CHECK_CONTAINS(c[ADMIN_CHECK_CLOCK].detail, "1970-01-0");
    e.now_s = 4200000000L;                    /* 2103 */
    admin_selfcheck(&e, c);
    CHECK(c[ADMIN_CHECK_CLOCK].ok == 0, "2103 is not plausible");
    admin_env bad = { .data_dir = "/nonexistent/data", .font_dir = "assets/fonts", .st = NULL,
                      .now_s = (long)time(NULL) };
    failed = admin_selfcheck(&bad, c);
    CHECK(failed == 1 && c[ADMIN_CHECK_STORAGE].ok == 0, "storage not writable");
    CHECK_STR(c[ADMIN_CHECK_STORAGE].result_key, "admin.check.storage_fail");
    CHECK(c[ADMIN_CHECK_SIGNATURES].ok == -1 && !strcmp(c[ADMIN_CHECK_SIGNATURES].result_key,
          "admin.check.skipped"), "no state database: not checked");
    store_free(content);
    CHECK(c[ADMIN_CHECK_SPEECH].ok == -1, "no voice given: speech not checked");
    speech_free(voice);
}

/* The speech check shows why the kiosk cannot speak. */
static void test_selfcheck_speech(void)
{
    admin_check c[ADMIN_NCHECKS];
    speech *voice = speech_new("/nonexistent/espeak-ng");
    admin_env e = { .data_dir = dir, .font_dir = "assets/fonts", .now_s = (long)time(NULL), .speech = voice };
    int failed = admin_selfcheck(&e, c);
    CHECK(failed == 1 && c[ADMIN_CHECK_SPEECH].ok == 0, "speech fails (%d)", failed);
    CHECK_STR(c[ADMIN_CHECK_SPEECH].name_key, "admin.check.speech");
    CHECK_STR(c[ADMIN_CHECK_SPEECH].result_key, "admin.check.speech_no_program");
    CHECK_STR(c[ADMIN_CHECK_SPEECH].detail, "/nonexistent/espeak-ng");
    speech_free(voice);
}

int main(void)
{
    char db[700], err[FARO_MAX_ERRLEN];
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    path_of(db, sizeof db, "state.db");
    state *s = state_open(db, err, sizeof err);
    CHECK(s != NULL, "state: %s", err);
    if (!s)
        return check_done();
    test_status();
    test_languages(s);
    test_usage(s);
    test_usage_hourly();
    test_usage_midnight();
    test_export_refusals(s);
    test_selfcheck(s);
    test_selfcheck_speech();
    state_close(s);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
