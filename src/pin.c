/*
 * pin.c — the administrator's PIN: an Argon2id hash and a persistent,
 * doubling delay after wrong tries.
 *
 * The idea: a 4–12 digit PIN is weak by itself, so its strength comes from
 * the delay, not the hash: with 1, 2, 4 ... 300 s between wrong tries,
 * trying all 10,000 four-digit PINs at the kiosk takes over a month.  The
 * delay must therefore survive a restart (pulling the plug is free), so
 * the count and the lock end live in the state database, written in one
 * settings value before the answer is given.  The hash (libsodium's
 * crypto_pwhash_str, Argon2id) only protects the PIN if the SD card is
 * read elsewhere.  A PIN in memory is wiped (sodium_memzero) after use.
 * See pin.h for the delay rule and how the first PIN is set.
 */
#include "pin.h"
#include "faro.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_HASH "admin.pin_hash"
#define KEY_DELAY "admin.pin_delay"

static int valid_pin(const char *pin)
{
    size_t n = pin ? strlen(pin) : 0;
    return n >= PIN_MIN_LEN && n <= PIN_MAX_LEN && strspn(pin, "0123456789") == n;
}

int pin_hash(const char *pin, char *out, size_t size, char *err, size_t errlen)
{
    if (!valid_pin(pin)) {
        snprintf(err, errlen, "a PIN is %d to %d digits", PIN_MIN_LEN, PIN_MAX_LEN);
        return FARO_EINVAL;
    }
    if (size < crypto_pwhash_STRBYTES || sodium_init() < 0 ||
        crypto_pwhash_str(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE, PIN_MEMLIMIT) != 0) {
        snprintf(err, errlen, "cannot hash the PIN (out of memory)");
        return FARO_ENOMEM;
    }
    return 0;
}

int pin_set_hash(state *st, const char *hash, char *err, size_t errlen)
{
    if (!hash || strncmp(hash, crypto_pwhash_argon2id_STRPREFIX, strlen(crypto_pwhash_argon2id_STRPREFIX)) ||
        strlen(hash) >= PIN_HASH_MAX) {
        snprintf(err, errlen, "not an Argon2id hash string");
        return FARO_EINVAL;
    }
    int rc = st ? state_set(st, KEY_HASH, hash) : FARO_EINVAL;
    if (rc == 0)
        rc = state_del(st, KEY_DELAY);
    if (rc != 0)
        snprintf(err, errlen, "cannot store the PIN in the state database");
    return rc;
}

int pin_set(state *st, const char *pin, char *err, size_t errlen)
{
    char hash[PIN_HASH_MAX];
    int rc = pin_hash(pin, hash, sizeof hash, err, errlen);
    if (rc == 0)
        rc = pin_set_hash(st, hash, err, errlen);
    return rc;
}

int pin_is_set(state *st)
{
    char hash[PIN_HASH_MAX];
    return st && state_get(st, KEY_HASH, hash, sizeof hash) == 0;
}

/* The delay after the k-th wrong try in a row. */
static long delay_for(int k)
{
    if (k <= 0)
        return 0;
    if (k > 9)
        return PIN_DELAY_MAX_S;
    long d = 1L << (k - 1);
    return d > PIN_DELAY_MAX_S ? PIN_DELAY_MAX_S : d;
}

/* Reads "<fails> <until>"; absent or unreadable = no delay. */
static void read_delay(state *st, int *fails, long *until)
{
    char buf[64];
    *fails = 0;
    *until = 0;
    if (st && state_get(st, KEY_DELAY, buf, sizeof buf) == 0 && sscanf(buf, "%d %ld", fails, until) != 2) {
        *fails = 10;                /* damaged value: the next wrong try waits the most */
        *until = 0;
    }
    if (*fails < 0)
        *fails = 0;
}

static int write_delay(state *st, int fails, long until)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%d %ld", fails, until);
    return state_set(st, KEY_DELAY, buf);
}

long pin_wait(state *st, long now_s)
{
    int fails;
    long until;
    read_delay(st, &fails, &until);
    long left = until - now_s;
    if (left > delay_for(fails))        /* the clock went backwards */
        left = delay_for(fails);
    return left > 0 ? left : 0;
}

int pin_failures(state *st)
{
    int fails;
    long until;
    read_delay(st, &fails, &until);
    return fails;
}

/* Records one more wrong try at now_s; returns its delay or <0. */
static long add_failure(state *st, long now_s)
{
    int fails = pin_failures(st) + 1;
    if (fails > 1000)
        fails = 1000;
    long d = delay_for(fails);
    int rc = write_delay(st, fails, now_s + d);
    return rc < 0 ? rc : d;
}

int pin_check(state *st, const char *pin, long now_s, long *wait_s)
{
    char hash[PIN_HASH_MAX];
    long dummy;
    if (!wait_s)
        wait_s = &dummy;
    *wait_s = 0;
    if (!st || state_get(st, KEY_HASH, hash, sizeof hash) != 0)
        return FARO_ENOTFOUND;
    if ((*wait_s = pin_wait(st, now_s)) > 0)
        return FARO_EAGAIN;
    if (sodium_init() < 0)
        return FARO_ENOMEM;
    if (pin && crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0)
        return pin_failures(st) ? state_del(st, KEY_DELAY) : 0;
    long d = add_failure(st, now_s);
    if (d < 0)
        return (int)d;
    *wait_s = d;
    return FARO_EAUTH;
}
