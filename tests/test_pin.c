/* test_pin.c — the admin PIN: right PIN opens, wrong PINs are delayed
 * (doubling up to 5 min, on a virtual clock), the delay survives a
 * restart (state database closed and reopened), only the hash is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "faro.h"
#include "pin.h"
#include "state.h"

static char dir[] = "/tmp/faro-pin-XXXXXX";
static char db[600];

static state *reopen(state *st)
{
    char err[FARO_MAX_ERRLEN];
    state_close(st);
    st = state_open(db, err, sizeof err);
    CHECK(st != NULL, "state_open: %s", err);
    return st;
}

/* 1 when the bytes of needle occur in the file at path. */
static int file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f), k = strlen(needle);
    fclose(f);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(buf + i, needle, k))
            return 1;
    return 0;
}

static void test_unset_and_bad(state *st)
{
    char err[FARO_MAX_ERRLEN], hash[PIN_HASH_MAX];
    long w = -1;
    CHECK(!pin_is_set(st) && !pin_is_set(NULL), "no PIN yet");
    CHECK(pin_check(st, "1234", 100, &w) == FARO_ENOTFOUND && w == 0, "no PIN: console stays shut");
    CHECK(pin_check(NULL, "1234", 100, &w) == FARO_ENOTFOUND, "no database");
    CHECK(pin_set(st, "12", err, sizeof err) == FARO_EINVAL, "too short");
    CHECK(pin_set(st, "12345678901234", err, sizeof err) == FARO_EINVAL, "too long");
    CHECK(pin_set(st, "12a4", err, sizeof err) == FARO_EINVAL, "digits only");
    CHECK(pin_set_hash(st, "plaintext", err, sizeof err) == FARO_EINVAL, "not a hash");
    CHECK(pin_hash("4826", hash, sizeof hash, err, sizeof err) == 0, "hash: %s", err);
    CHECK(!strncmp(hash, "$argon2id$", 10), "Argon2id: %s", hash);
    CHECK(!pin_is_set(st), "still no PIN");
}

static void test_right_and_wrong(state *st)
{
    char err[FARO_MAX_ERRLEN];
    long w = -1, t = 1000;
    CHECK(pin_set(st, "4826", err, sizeof err) == 0, "set: %s", err);
    CHECK(pin_is_set(st), "PIN set");
    CHECK(pin_check(st, "4826", t, &w) == 0 && w == 0, "right PIN opens");
    CHECK(pin_check(st, "0000", t, &w) == FARO_EAUTH && w == 1, "wrong: wait 1 s (%ld)", w);
    CHECK(pin_check(st, "4826", t, &w) == FARO_EAGAIN && w == 1, "even the right PIN waits");
    CHECK(pin_check(st, "1111", t + 1, &w) == FARO_EAUTH && w == 2, "second wrong: 2 s (%ld)", w);
    CHECK(pin_check(st, "2222", t + 3, &w) == FARO_EAUTH && w == 4, "third wrong: 4 s (%ld)", w);
    CHECK(pin_wait(st, t + 5) == 2, "2 s left (%ld)", pin_wait(st, t + 5));
    CHECK(pin_failures(st) == 3, "three in a row");
    CHECK(pin_check(st, "4826", t + 7, &w) == 0 && pin_failures(st) == 0, "right PIN resets");
    CHECK(pin_check(st, "9999", t + 8, &w) == FARO_EAUTH && w == 1, "back to 1 s");
    CHECK(pin_check(st, "4826", t + 9, NULL) == 0, "wait_s may be NULL");
}

static void test_cap_and_restart(state *st)
{
    long w = 0, t = 5000;
    for (int i = 0; i < 14; i++) {
        CHECK(pin_check(st, "0001", t, &w) == FARO_EAUTH, "wrong %d", i);
        t += w;
    }
    CHECK(w == PIN_DELAY_MAX_S, "capped at 5 min (%ld)", w);
    CHECK(pin_check(st, "0002", t - 10, &w) == FARO_EAGAIN && w == 10, "waiting (%ld)", w);
    st = reopen(st);                           /* power cut / restart */
    CHECK(pin_failures(st) == 14, "count survives (%d)", pin_failures(st));
    CHECK(pin_check(st, "4826", t - 10, &w) == FARO_EAGAIN && w == 10, "delay survives a restart");
    CHECK(pin_wait(st, t - 1000000) == PIN_DELAY_MAX_S, "clock set back: never more than one step");
    CHECK(pin_check(st, "4826", t, &w) == 0, "right PIN after the wait");
    state_close(st);
}

int main(void)
{
    char err[FARO_MAX_ERRLEN], wal[700];
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    snprintf(db, sizeof db, "%s/state.db", dir);
    state *st = state_open(db, err, sizeof err);
    CHECK(st != NULL, "state_open: %s", err);
    if (!st)
        return check_done();
    test_unset_and_bad(st);
    test_right_and_wrong(st);
    test_cap_and_restart(st);
    snprintf(wal, sizeof wal, "%s-wal", db);
    CHECK(file_has(db, "$argon2id$") || file_has(wal, "$argon2id$"), "hash stored");
    CHECK(!file_has(db, "4826") && !file_has(wal, "4826"), "the PIN itself is not stored");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_done();
}
