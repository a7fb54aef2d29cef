/*
 * sync.h — picks up new packs from static web mirrors, on a worker thread.
 *
 * A sync_ctx polls the configured mirror URLs in order (the first that
 * answers well wins), with jitter and exponential back-off, fetches the
 * signed catalog (catalog.h) with a conditional request, and downloads
 * every subscribed pack whose catalog version is newer than the one the
 * kiosk has seen, resuming partial downloads, then hands each file to
 * install_pack exactly as a USB pack would be.  The UI never waits on the
 * network: it reads a status snapshot under a mutex.  The invariants and
 * the state diagram are at the top of sync.c.
 */
#ifndef FARO_SYNC_H
#define FARO_SYNC_H

#include <stddef.h>
#include "faro.h"
#include "install.h"
#include "state.h"

#define SYNC_MAX_MIRRORS   8
#define SYNC_MAX_SUBSCRIBE 32
#define SYNC_MAX_URL       512

/* (not `sync`: unistd.h declares a function of that name) */
typedef struct sync_ctx sync_ctx;

/* Called on the sync thread after each pack install_pack accepted, so the
 * kiosk can reopen its store (post an event to the UI thread; do not block). */
typedef void (*sync_installed_fn)(void *user, const install_result *res);

typedef struct sync_opts {
    const char *data_dir;         /* downloads go to data_dir/staging/sync */
    const char *const *mirrors;   /* base URLs (http or https); "/catalog" is appended */
    int nmirrors;
    const char *const *subscribe; /* pack ids or prefixes "org.example.*" (catalog_subscribed) */
    int nsubscribe;
    int poll_s;                   /* seconds between polls while all is well (>= 1) */
    const char *ca_file;          /* PEM bundle for HTTPS; NULL: the system's */
    int connect_timeout_s;        /* 0: 20 s */
    int low_speed_time_s;         /* abort a transfer slower than low_speed_bytes/s this long; 0: 60 s */
    long low_speed_bytes;         /* 0: 100 bytes/s */
    sync_installed_fn on_installed;
    void *user;
} sync_opts;

/*
 * What the UI (admin console) shows; a copy taken under the lock.  The
 * error is a locale key ("sync.err.http") with one parameter ({arg}: an
 * HTTP status, a host, a pack id) so the screen says it in the kiosk's
 * language; `detail` is the English sentence for the log.
 */
typedef struct sync_status {
    long long last_success;       /* time() of the last poll that completed; 0: never */
    long long last_attempt;       /* time() of the last poll started */
    long long next_poll;          /* time() the worker will poll next (0 when not running) */
    int polling;                  /* a poll is under way */
    char downloading[FARO_MAX_ID_LEN + 1];   /* pack id being downloaded, "" when none */
    unsigned long long done, total;          /* its bytes received / expected */
    char error_key[48];           /* "" when the last poll succeeded */
    char error_arg[128];
    char detail[FARO_MAX_ERRLEN];
    int fails;                    /* consecutive failed polls */
    long long catalog_version;    /* highest catalog version accepted */
    int installed;                /* packs installed by the last poll */
    unsigned long long wire_bytes;/* HTTP bytes sent + received by the last poll */
} sync_status;

/*
 * Creates a sync object (no thread yet, no network).  `in` and `st` are
 * borrowed and must outlive it; st holds the accepted catalog version,
 * ETags and the versions seen.  Returns NULL with err set when an option
 * is out of bounds or libcurl cannot start.
 */
sync_ctx *sync_new(const sync_opts *o, installer *in, state *st, char *err, size_t errlen);

/* Stops the worker (aborting a transfer in progress, keeping its partial
 * file for resume), joins it and frees everything.  Accepts NULL. */
void sync_free(sync_ctx *s);

/* Starts the worker thread: first poll after a random 0..min(poll_s, 30) s,
 * then on schedule.  Returns 0 or FARO_EINVAL (already started / thread failed). */
int sync_start(sync_ctx *s);

/* Asks the worker to poll now (the admin's "check now"). */
void sync_wake(sync_ctx *s);

/*
 * One poll on the calling thread (the worker calls this; tests call it
 * directly).  Returns 0 when a mirror answered and every wanted pack is
 * installed (or nothing changed), or a negative FARO_E* code with err set
 * to the last problem; the status says the same in locale-key form.
 */
int sync_poll(sync_ctx *s, char *err, size_t errlen);

/* Copies the current status (thread-safe). */
void sync_status_get(sync_ctx *s, sync_status *out);

/*
 * Delay before the next poll, in milliseconds: poll_s * [0.9, 1.1) after a
 * success (fails == 0); after `fails` failures in a row, 30 s * 2^(fails-1)
 * capped at 4 * poll_s, times [0.5, 1.0).  `rnd` is a uniform random
 * number in [0, 1).  Pure: exposed for tests.
 */
long long sync_next_delay_ms(int poll_s, int fails, double rnd);

#endif
