/*
 * pin.h — the administrator's PIN: stored only as an Argon2id hash in the
 * kiosk state database, and wrong tries slowed down by a delay that
 * survives a restart.
 *
 * Hash: libsodium crypto_pwhash_str (Argon2id) with opslimit
 * crypto_pwhash_OPSLIMIT_INTERACTIVE (2 passes) and PIN_MEMLIMIT (32 MiB):
 * about 0.1 s on a desktop and well under a second on a Raspberry Pi 3/4,
 * small next to the kiosk's 1 GB.  The hash string carries its own
 * parameters, so they can be raised later without breaking old hashes.
 *
 * Delay: after the k-th wrong PIN in a row no try is accepted for
 * min(2^(k-1), PIN_DELAY_MAX_S) seconds (1, 2, 4 ... 256, then 300 s).
 * The count and the "locked until" time are one settings value (one
 * transaction), so a power cut or restart does not reset them.  Time is
 * passed in by the caller (seconds, e.g. time(NULL); a virtual clock in
 * tests); a clock set backwards never lengthens a wait beyond the current
 * step's delay.  The right PIN resets the count.
 *
 * No PIN set (a fresh kiosk): pin_check answers FARO_ENOTFOUND and the
 * console stays closed.  The PIN is set during installation, on the kiosk,
 * with `faro-pack pin set DATA_DIR` (reads the PIN from standard input and
 * writes the hash into DATA_DIR/state.db), or from the console itself
 * once opened (pin_set).  Nobody standing at a fresh kiosk can choose it.
 *
 * Settings keys: "admin.pin_hash" (the hash string), "admin.pin_delay"
 * ("<wrong tries in a row> <locked until, seconds>").
 */
#ifndef FARO_PIN_H
#define FARO_PIN_H

#include <stddef.h>
#include "state.h"

#define PIN_MIN_LEN 4
#define PIN_MAX_LEN 12
#define PIN_DELAY_MAX_S 300
#define PIN_MEMLIMIT (32u << 20)
#define PIN_HASH_MAX 128                      /* crypto_pwhash_STRBYTES */

/* Writes the Argon2id hash string of pin into out (PIN_HASH_MAX bytes).
 * Returns 0, FARO_EINVAL (not PIN_MIN_LEN..PIN_MAX_LEN digits) or
 * FARO_ENOMEM (the hash could not get its memory), with err set. */
int pin_hash(const char *pin, char *out, size_t size, char *err, size_t errlen);

/* Sets the PIN (stores its hash, resets the wrong-try count).  Returns 0
 * or a negative FARO_E* code with err set. */
int pin_set(state *st, const char *pin, char *err, size_t errlen);

/* Stores a hash made elsewhere (pin_hash output).  FARO_EINVAL when it is
 * not an Argon2id hash string. */
int pin_set_hash(state *st, const char *hash, char *err, size_t errlen);

/* 1 when a PIN hash is stored, 0 otherwise (also when st is NULL). */
int pin_is_set(state *st);

/*
 * Checks a PIN typed at time now_s.  Returns
 *   0               right PIN: the wrong-try count is reset, *wait_s = 0;
 *   FARO_EAUTH      wrong PIN: *wait_s = seconds before the next try counts;
 *   FARO_EAGAIN     a delay is running: the PIN was not even checked,
 *                   *wait_s = seconds left;
 *   FARO_ENOTFOUND  no PIN is set (or st is NULL);
 *   another negative FARO_E* code when the database failed.
 * wait_s may be NULL.
 */
int pin_check(state *st, const char *pin, long now_s, long *wait_s);

/* Seconds before a PIN try will be checked (0: now), for the PIN pad. */
long pin_wait(state *st, long now_s);

/* Wrong tries in a row so far. */
int pin_failures(state *st);

#endif
