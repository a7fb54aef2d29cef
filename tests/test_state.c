/*
 * test_state.c — the kiosk state database: settings, pack versions that
 * only go up, usage counts as CSV, pruning, reopening after close, and a
 * database file that is not SQLite.
 */
#include "check.h"
#include "faro.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *hash_a =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char *hash_b =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static void test_settings(state *s)
{
    char buf[64];
    CHECK(state_get(s, "lang", buf, sizeof buf) == FARO_ENOTFOUND, "absent key");
    CHECK(state_set(s, "lang", "es") == 0, "set");
    CHECK(state_get(s, "lang", buf, sizeof buf) == 0, "get");
    CHECK_STR(buf, "es");
    CHECK(state_set(s, "lang", "ht") == 0, "overwrite");
    CHECK(state_get(s, "lang", buf, sizeof buf) == 0, "get again");
    CHECK_STR(buf, "ht");
    CHECK(state_del(s, "lang") == 0, "del");
    CHECK(state_get(s, "lang", buf, sizeof buf) == FARO_ENOTFOUND, "deleted");
    CHECK(state_set(s, NULL, "x") == FARO_EINVAL, "NULL key");
    char *big = malloc(5000);
    memset(big, 'x', 4999);
    big[4999] = '\0';
    CHECK(state_set(s, "big", big) == FARO_ELIMIT, "value over the bound");
    free(big);
}

static void test_versions(state *s)
{
    long v = -1;
    char h[129];
    CHECK(state_pack_seen(s, "org.x", &v, h, sizeof h) == FARO_ENOTFOUND, "new id");
    CHECK(state_pack_record(s, "org.x", 3, hash_a) == 0, "record 3");
    CHECK(state_pack_seen(s, "org.x", &v, h, sizeof h) == 0 && v == 3, "seen 3, got %ld", v);
    CHECK_STR(h, hash_a);
    CHECK(state_pack_record(s, "org.x", 2, hash_b) == 0, "record 2 is not an error");
    CHECK(state_pack_seen(s, "org.x", &v, h, sizeof h) == 0 && v == 3, "still 3, got %ld", v);
    CHECK_STR(h, hash_a);
    CHECK(state_pack_record(s, "org.x", 3, hash_b) == 0, "equal version");
    CHECK(state_pack_seen(s, "org.x", &v, h, sizeof h) == 0, "seen");
    CHECK_STR(h, hash_a);
    CHECK(state_pack_record(s, "org.x", 7, hash_b) == 0, "record 7");
    CHECK(state_pack_seen(s, "org.x", &v, h, sizeof h) == 0 && v == 7, "seen 7, got %ld", v);
    CHECK_STR(h, hash_b);
    CHECK(state_pack_record(s, "org.x", -1, hash_b) == FARO_EINVAL, "negative version");
}

static void test_usage(state *s, const char *csv_path)
{
    CHECK(state_usage_add(s, "2026-01-01", "risks", "es") == 0, "add");
    CHECK(state_usage_add(s, "2026-01-01", "risks", "es") == 0, "add again");
    CHECK(state_usage_add(s, "2026-01-01", "a,\"b", "en") == 0, "add odd topic");
    CHECK(state_usage_add(s, "2026-03-01", "risks", "ar") == 0, "add later");
    FILE *f = fopen(csv_path, "w+");
    CHECK(state_usage_csv(s, f) == 3, "three rows");
    rewind(f);
    char buf[512] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    CHECK_STR(buf, "day,topic,lang,views\n2026-01-01,\"a,\"\"b\",en,1\n"
                   "2026-01-01,risks,es,2\n2026-03-01,risks,ar,1\n");
    CHECK(state_usage_prune(s, "2026-03-10", 30) == 0, "prune");
    f = fopen(csv_path, "w+");
    CHECK(state_usage_csv(s, f) == 1, "one row left");
    fclose(f);
}

int main(void)
{
    char dir[] = "/tmp/faro-test-state-XXXXXX", path[256], csv[256], err[FARO_MAX_ERRLEN];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/state.db", dir);
    snprintf(csv, sizeof csv, "%s/usage.csv", dir);
    state *s = state_open(path, err, sizeof err);
    CHECK(s != NULL, "open: %s", err);
    test_settings(s);
    test_versions(s);
    test_usage(s, csv);
    state_set(s, "kept", "yes");
    state_close(s);
    state_close(NULL);

    s = state_open(path, err, sizeof err);
    char buf[16] = "";
    long v = 0;
    CHECK(s && state_get(s, "kept", buf, sizeof buf) == 0, "reopen keeps settings");
    CHECK(s && state_pack_seen(s, "org.x", &v, NULL, 0) == 0 && v == 7, "reopen keeps versions");
    state_close(s);

    snprintf(path, sizeof path, "%s/garbage.db", dir);
    FILE *f = fopen(path, "w");
    fputs("this is not a database at all, not even close; it is long enough to have a header "
          "this is not a database at all, not even close", f);
    fclose(f);
    CHECK(state_open(path, err, sizeof err) == NULL, "garbage refused");
    CHECK_CONTAINS(err, "garbage.db");
    CHECK(state_open("/nonexistent-dir/x/state.db", err, sizeof err) == NULL, "bad path");

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
