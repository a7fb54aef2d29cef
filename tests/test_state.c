/*
 * test_state.c — the kiosk state database: settings, pack versions that
 * only go up, usage counts held in memory and written in one transaction
 * (one WAL commit for many views), as CSV, pruning, reopening after close,
 * and a database file that is not SQLite.
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

/* Rows of the usage table, as CSV, into buf. */
static int usage_rows(state *s, const char *csv_path, char *buf, size_t size)
{
    FILE *f = fopen(csv_path, "w+");
    int n = state_usage_csv(s, f);
    rewind(f);
    size_t got = fread(buf, 1, size - 1, f);
    buf[got] = '\0';
    fclose(f);
    return n;
}

static void test_usage(state *s, const char *csv_path)
{
    char buf[512] = "";
    CHECK(state_usage_since(s) == -1, "nothing waits");
    CHECK(state_usage_write(s) == 0, "nothing to write is not an error");
    CHECK(state_usage_count(s, "2026-03-01", "risks", "ar", 300) == 0, "count");
    CHECK(state_usage_count(s, "2026-01-01", "risks", "es", 100) == 0, "count earlier day");
    CHECK(state_usage_count(s, "2026-01-01", "risks", "es", 200) == 0, "count again");
    CHECK(state_usage_count(s, "2026-01-01", "a,\"b", "en", 200) == 0, "count odd topic");
    CHECK(state_usage_since(s) == 300, "the first count's clock: %ld", state_usage_since(s));
    CHECK(usage_rows(s, csv_path, buf, sizeof buf) == 0, "counted in memory only");
    CHECK(state_usage_write(s) == 0, "write");
    CHECK(state_usage_since(s) == -1, "nothing waits after the write");
    CHECK(usage_rows(s, csv_path, buf, sizeof buf) == 3, "three rows");
    CHECK_STR(buf, "day,topic,lang,views\n2026-01-01,\"a,\"\"b\",en,1\n"
                   "2026-01-01,risks,es,2\n2026-03-01,risks,ar,1\n");
    CHECK(state_usage_count(s, "2026-01-01", "risks", "es", 400) == 0, "count after a write");
    CHECK(state_usage_write(s) == 0, "write adds to the row");
    usage_rows(s, csv_path, buf, sizeof buf);
    CHECK_CONTAINS(buf, "2026-01-01,risks,es,3\n");
    CHECK(state_usage_prune(s, "2026-03-10", 30) == 0, "prune");
    CHECK(usage_rows(s, csv_path, buf, sizeof buf) == 1, "one row left");
    CHECK(state_usage_count(s, "2026-01-01", NULL, "es", 0) == FARO_EINVAL, "no topic");
    CHECK(state_usage_count(NULL, "2026-01-01", "x", "es", 0) == FARO_EINVAL, "no database");
}

/* The memory table is bounded: one more distinct count is refused, not lost
 * silently, and the counts already there are all written. */
static void test_usage_bound(state *s, const char *csv_path)
{
    char topic[32], buf[512];
    int ok = 1;
    for (int i = 0; i < STATE_USAGE_PENDING; i++) {
        snprintf(topic, sizeof topic, "t-%04d", i);
        ok &= state_usage_count(s, "2026-04-01", topic, "fr", 0) == 0;
    }
    CHECK(ok, "the table holds STATE_USAGE_PENDING counts");
    CHECK(state_usage_count(s, "2026-04-01", "one-more", "fr", 0) == FARO_ELIMIT, "full");
    CHECK(state_usage_count(s, "2026-04-01", "t-0007", "fr", 0) == 0, "a count already there still adds");
    CHECK(state_usage_write(s) == 0, "write");
    CHECK(usage_rows(s, csv_path, buf, sizeof buf) == STATE_USAGE_PENDING + 1, "all written");
    CHECK(state_usage_count(s, "2026-04-01", "one-more", "fr", 0) == 0, "room again");
    CHECK(state_usage_prune(s, "2026-05-01", 0) == 0 && state_usage_write(s) == 0, "clean up");
    CHECK(state_usage_prune(s, "2026-05-01", 0) == 0, "pruned");
}

/* Commit frames in a WAL file (frames whose salts match the header's). */
static int wal_commits(const char *wal)
{
    unsigned char hdr[32], fh[24];
    int commits = 0;
    FILE *f = fopen(wal, "rb");
    if (!f || fread(hdr, 1, 32, f) != 32) {
        if (f)
            fclose(f);
        return 0;
    }
    long page = (long)hdr[8] << 24 | hdr[9] << 16 | hdr[10] << 8 | hdr[11];
    while (fread(fh, 1, 24, f) == 24 && memcmp(fh + 8, hdr + 16, 8) == 0) {
        commits += (fh[4] | fh[5] | fh[6] | fh[7]) != 0;
        if (fseek(f, page, SEEK_CUR) != 0)
            break;
    }
    fclose(f);
    return commits;
}

/* Many views make one transaction: the write-ahead log gains one commit,
 * not one per view, so it cannot replay their order; before the write no
 * file holds the counted topic at all. */
static void test_usage_wal(const char *dir)
{
    char path[256], wal[264], err[FARO_MAX_ERRLEN], cmd[600];
    snprintf(path, sizeof path, "%s/wal.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", path);
    state *s = state_open(path, err, sizeof err);
    CHECK(s != NULL, "open: %s", err);
    if (!s)
        return;
    state_set(s, "x", "y");
    int before = wal_commits(wal);
    CHECK(before >= 1, "the WAL is read: %d commits", before);
    static const char *const topics[] = { "zz-topic-c", "zz-topic-a", "zz-topic-b", "zz-topic-a" };
    for (int i = 0; i < 4; i++)
        state_usage_count(s, "2026-06-01", topics[i], "ar", i);
    snprintf(cmd, sizeof cmd, "grep -rqa zz-topic %s/wal.db*", dir);
    CHECK(check_sh("%s", cmd) != 0, "no file holds a counted topic before the write");
    CHECK(state_usage_write(s) == 0, "write");
    CHECK(wal_commits(wal) == before + 1, "one commit for four views: %d -> %d", before, wal_commits(wal));
    CHECK(check_sh("%s", cmd) == 0, "the counts are in the file after it");
    state_close(s);
}

/* Counts still in memory are written when the database is closed. */
static void test_usage_close(const char *dir, const char *csv_path)
{
    char path[256], err[FARO_MAX_ERRLEN], buf[512];
    snprintf(path, sizeof path, "%s/close.db", dir);
    state *s = state_open(path, err, sizeof err);
    CHECK(s && state_usage_count(s, "2026-07-01", "family", "ht", 0) == 0, "count");
    state_close(s);
    s = state_open(path, err, sizeof err);
    CHECK(s && usage_rows(s, csv_path, buf, sizeof buf) == 1, "written at close");
    CHECK_CONTAINS(buf, "2026-07-01,family,ht,1\n");
    state_close(s);
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
    test_usage_bound(s, csv);
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
    test_usage_wal(dir);
    test_usage_close(dir, csv);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
