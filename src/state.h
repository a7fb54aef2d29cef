/*
 * state.h — the kiosk's own small database (data_dir/state.db, SQLite in
 * WAL mode): what must survive a power cut and is never in a pack.
 *
 *   settings     key -> value (languages shown, PIN hash, PIN delay, catalog
 *                version, sync status...), written in one transaction each
 *   pack_seen    per pack id: the highest version ever installed and the
 *                BLAKE2b hash of its bytes (no rollback, no equal version
 *                with other bytes — kept even after the pack is removed)
 *   usage        views per day, topic and language: counts, nothing finer
 *
 * Every write is its own transaction (synchronous=FULL in WAL), so after a
 * power cut the database holds either the old or the new value.  Installed
 * packs are never written through this module.
 */
#ifndef FARO_STATE_H
#define FARO_STATE_H

#include <stddef.h>
#include <stdio.h>

typedef struct state state;

/* Opens (creating if needed) the database at path.  Returns NULL with err
 * set when it cannot be opened or created; the kiosk then runs without
 * persistence and says so in its log. */
state *state_open(const char *path, char *err, size_t errlen);
void state_close(state *s);                                   /* accepts NULL */

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

/* Counts one view of topic in lang on day (YYYY-MM-DD).  Returns 0 or <0. */
int state_usage_add(state *s, const char *day, const char *topic, const char *lang);

/* Writes "day,topic,lang,views" rows (with that header) to f.  Returns the
 * number of rows or <0. */
int state_usage_csv(state *s, FILE *f);

/* Deletes usage rows older than keep_days before `today` (YYYY-MM-DD). */
int state_usage_prune(state *s, const char *today, int keep_days);

#endif
