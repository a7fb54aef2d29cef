/*
 * state.h — the kiosk's own small database (data_dir/state.db, SQLite in
 * WAL mode): what must survive a power cut and is never in a pack.
 *
 *   settings     key -> value (languages shown, PIN hash, PIN delay, catalog
 *                version, sync status...), written in one transaction each
 *   pack_seen    per pack id: the highest version ever installed and the
 *                BLAKE2b hash of its bytes (no rollback, no equal version
 *                with other bytes — kept even after the pack is removed)
 *   usage        views per day, topic and language: counts, nothing finer;
 *                counted in memory and written together (state_usage_write)
 *
 * Every write is its own transaction (synchronous=FULL in WAL), so after a
 * power cut the database holds either the old or the new value.  Installed
 * packs are never written through this module.  secure_delete is on.
 */
#ifndef FARO_STATE_H
#define FARO_STATE_H

#include <stddef.h>
#include <stdio.h>

typedef struct state state;

#define STATE_USAGE_PENDING 512     /* distinct (day, topic, lang) counts held in memory */

/* Opens (creating if needed) the database at path.  Returns NULL with err
 * set when it cannot be opened or created; the kiosk then runs without
 * persistence and says so in its log. */
state *state_open(const char *path, char *err, size_t errlen);
/* Writes the usage counts still in memory (state_usage_write, best
 * effort), then closes.  Accepts NULL. */
void state_close(state *s);

/* Settings.  state_get returns 0 and copies the value, FARO_ENOTFOUND when
 * absent, or another negative FARO_E* code.  state_set returns 0 or <0. */
int state_get(state *s, const char *key, char *buf, size_t size);
int state_set(state *s, const char *key, const char *value);
int state_del(state *s, const char *key);

/* Highest version seen for a pack id: returns 0 and fills version and
 * hash_hex (128 hex chars + NUL), or FARO_ENOTFOUND for a new id. */
int state_pack_seen(state *s, const char *id, long *version, char *hash_hex, size_t size);

/* Records a version (only ever raises it).  Returns 0 or <0. */
int state_pack_record(state *s, const char *id, long version, const char *hash_hex);

/*
 * Counts one view of topic in lang on day (YYYY-MM-DD) in memory only;
 * nothing is written.  now_s is the caller's clock, kept for the oldest
 * pending count (state_usage_since).  Returns 0, FARO_EINVAL for a missing
 * or too long argument, or FARO_ELIMIT when STATE_USAGE_PENDING distinct
 * counts are already waiting (write them, then count again).
 */
int state_usage_count(state *s, const char *day, const char *topic, const char *lang, long now_s);

/* The clock (as given to state_usage_count) of the oldest count waiting
 * in memory, or -1 when none waits. */
long state_usage_since(state *s);

/*
 * Adds every count waiting in memory to the usage table, each under the
 * day it was counted in, in one transaction, and forgets them (wiped).
 * Returns 0 (also when nothing waited), or FARO_ESQL with the counts kept
 * in memory for the next try.
 */
int state_usage_write(state *s);

/* Writes "day,topic,lang,views" rows (with that header) to f.  Returns the
 * number of rows or <0. */
int state_usage_csv(state *s, FILE *f);

/* Deletes usage rows older than keep_days before `today` (YYYY-MM-DD). */
int state_usage_prune(state *s, const char *today, int keep_days);

#endif
