/*
 * state.c — the kiosk's own small database: settings, the highest pack
 * version ever seen per id, and anonymous usage counts.
 *
 * The idea: let SQLite do the crash safety.  The database is in WAL mode
 * with synchronous=FULL, and every public write is one transaction, so a
 * power cut leaves either the old or the new value and never a mix.  The
 * connection is opened serialized (SQLITE_OPEN_FULLMUTEX) because the UI
 * thread (settings, usage) and the USB thread (pack versions) share one
 * handle.  state_pack_record only ever raises a version: the SQL itself
 * refuses to lower it, so no caller can roll the memory of a pack back,
 * even by mistake.
 *
 * Usage counts are kept in memory first (a bounded table, sorted by day,
 * topic and language, so it holds counts and never the order of views)
 * and written by state_usage_write in one transaction for all of them:
 * the write-ahead log then holds, per write, the counts of an hour or
 * so, not a frame per view that would replay the order of a visit.  The
 * table has its own mutex (the handle is shared between threads; SQLite's
 * serialization covers only SQLite).  secure_delete is on, so deleted
 * rows (pruned counts, an old PIN hash) are overwritten on disk.
 */
#include "state.h"
#include "faro.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sqlite3.h>

#define STATE_BUSY_MS 5000
#define STATE_VALUE_MAX 4096   /* bound on one settings value */

/* One count waiting in memory to be written. */
typedef struct usage_count {
    char day[16];
    char topic[FARO_MAX_ID_LEN + 1];
    char lang[FARO_MAX_LANG_LEN + 1];
    long views;
} usage_count;

struct state {
    sqlite3 *db;
    pthread_mutex_t usage_lock;         /* guards the fields below */
    usage_count pending[STATE_USAGE_PENDING];   /* sorted by day, topic, lang */
    int npending;
    long pending_since_s;               /* clock of the oldest pending count */
};

static const char *const state_schema =
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS pack_seen(id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
    " hash TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS usage(day TEXT NOT NULL, topic TEXT NOT NULL, lang TEXT NOT NULL,"
    " views INTEGER NOT NULL, PRIMARY KEY(day, topic, lang)) WITHOUT ROWID;";


state *state_open(const char *path, char *err, size_t errlen)
{
    state *s = calloc(1, sizeof *s);
    if (!s) {
        faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->usage_lock, NULL);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
        goto fail_db;
    sqlite3_busy_timeout(s->db, STATE_BUSY_MS);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    /* WAL: a power cut leaves the old or the new value; the WAL file is
     * checkpointed every 100 pages and kept at most 256 KB on the SD card */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     " PRAGMA wal_autocheckpoint=100; PRAGMA journal_size_limit=262144;"
                     " PRAGMA secure_delete=ON;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, state_schema, NULL, NULL, NULL) != SQLITE_OK)
        goto fail_db;
    return s;
fail_db:
    faro_fail(err, errlen, FARO_ESQL, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
    state_close(s);
    return NULL;
}

void state_close(state *s)
{
    if (!s)
        return;
    if (s->db)
        state_usage_write(s);           /* best effort: the counts still in memory */
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->usage_lock);
    sodium_memzero(s, sizeof *s);
    free(s);
}

/* Prepares sql and binds the NULL-terminated text arguments. */
static sqlite3_stmt *prep(state *s, const char *sql, const char *a, const char *b, const char *c)
{
    sqlite3_stmt *st = NULL;
    const char *args[] = { a, b, c };
    if (!s || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    for (int i = 0; i < 3 && args[i]; i++)
        sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
    return st;
}

/* Runs a statement that returns no rows; 0 or FARO_ESQL. */
static int run(sqlite3_stmt *st)
{
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : FARO_ESQL;
}

int state_get(state *s, const char *key, char *buf, size_t size)
{
    sqlite3_stmt *st = prep(s, "SELECT value FROM settings WHERE key = ?1", key, NULL, NULL);
    int rc;
    if (!st || !key)
        return run(st);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (buf && size)
            snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? FARO_ENOTFOUND : FARO_ESQL;
    }
    sqlite3_finalize(st);
    return rc;
}

int state_set(state *s, const char *key, const char *value)
{
    if (!key || !value)
        return FARO_EINVAL;
    if (strlen(value) > STATE_VALUE_MAX)
        return FARO_ELIMIT;
    return run(prep(s, "INSERT INTO settings(key, value) VALUES(?1, ?2)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value, NULL));
}

int state_del(state *s, const char *key)
{
    if (!key)
        return FARO_EINVAL;
    return run(prep(s, "DELETE FROM settings WHERE key = ?1", key, NULL, NULL));
}

int state_pack_seen(state *s, const char *id, long *version, char *hash_hex, size_t size)
{
    sqlite3_stmt *st = prep(s, "SELECT version, hash FROM pack_seen WHERE id = ?1", id, NULL, NULL);
    int rc;
    if (!st || !id)
        return run(st) ? FARO_ESQL : FARO_EINVAL;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (version)
            *version = (long)sqlite3_column_int64(st, 0);
        if (hash_hex && size)
            snprintf(hash_hex, size, "%s", (const char *)sqlite3_column_text(st, 1));
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? FARO_ENOTFOUND : FARO_ESQL;
    }
    sqlite3_finalize(st);
    return rc;
}

int state_pack_record(state *s, const char *id, long version, const char *hash_hex)
{
    sqlite3_stmt *st;
    if (!id || !hash_hex || version < 0)
        return FARO_EINVAL;
    st = prep(s, "INSERT INTO pack_seen(id, version, hash) VALUES(?1, ?3, ?2)"
              " ON CONFLICT(id) DO UPDATE SET version = excluded.version, hash = excluded.hash"
              " WHERE excluded.version > pack_seen.version", id, hash_hex, NULL);
    if (st)
        sqlite3_bind_int64(st, 3, version);
    return run(st);
}

/* Where (day, topic, lang) is or would go in the sorted table; *found set. */
static int pending_slot(const state *s, const char *day, const char *topic, const char *lang, int *found)
{
    int lo = 0, hi = s->npending;
    *found = 0;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = strcmp(s->pending[mid].day, day);
        const usage_count *u = &s->pending[mid];
        if (!c)
            c = strcmp(u->topic, topic);
        if (!c)
            c = strcmp(u->lang, lang);
        if (!c) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int state_usage_count(state *s, const char *day, const char *topic, const char *lang, long now_s)
{
    int found, i, rc = 0;
    if (!s || !day || !topic || !lang || strlen(day) >= sizeof s->pending[0].day ||
        strlen(topic) > FARO_MAX_ID_LEN || strlen(lang) > FARO_MAX_LANG_LEN)
        return FARO_EINVAL;
    pthread_mutex_lock(&s->usage_lock);
    i = pending_slot(s, day, topic, lang, &found);
    if (found) {
        s->pending[i].views++;
    } else if (s->npending == STATE_USAGE_PENDING) {
        rc = FARO_ELIMIT;
    } else {
        usage_count *u = &s->pending[i];
        memmove(u + 1, u, (size_t)(s->npending - i) * sizeof *u);
        snprintf(u->day, sizeof u->day, "%s", day);
        snprintf(u->topic, sizeof u->topic, "%s", topic);
        snprintf(u->lang, sizeof u->lang, "%s", lang);
        u->views = 1;
        if (s->npending++ == 0)
            s->pending_since_s = now_s;
    }
    pthread_mutex_unlock(&s->usage_lock);
    return rc;
}

long state_usage_since(state *s)
{
    if (!s)
        return -1;
    pthread_mutex_lock(&s->usage_lock);
    long since = s->npending ? s->pending_since_s : -1;
    pthread_mutex_unlock(&s->usage_lock);
    return since;
}

/* Adds every pending count to the table inside the open transaction. */
static int write_pending(state *s)
{
    sqlite3_stmt *st = prep(s, "INSERT INTO usage(day, topic, lang, views) VALUES(?1, ?2, ?3, ?4)"
                            " ON CONFLICT(day, topic, lang) DO UPDATE SET views = views + excluded.views",
                            NULL, NULL, NULL);
    int rc = st ? 0 : FARO_ESQL;
    for (int i = 0; rc == 0 && i < s->npending; i++) {
        const usage_count *u = &s->pending[i];
        sqlite3_bind_text(st, 1, u->day, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, u->topic, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, u->lang, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, u->views);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : FARO_ESQL;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

int state_usage_write(state *s)
{
    int rc = 0;
    if (!s)
        return FARO_EINVAL;
    pthread_mutex_lock(&s->usage_lock);
    if (s->npending > 0) {
        rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : FARO_ESQL;
        if (rc == 0)
            rc = write_pending(s);
        if (rc == 0 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = FARO_ESQL;
        if (rc != 0)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        if (rc == 0) {
            sodium_memzero(s->pending, (size_t)s->npending * sizeof s->pending[0]);
            s->npending = 0;
        }
    }
    pthread_mutex_unlock(&s->usage_lock);
    return rc;
}

/* Writes one CSV field, quoted when it holds a comma, quote or line end. */
static void csv_field(FILE *f, const char *v)
{
    if (!strpbrk(v, ",\"\r\n")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', f);
        fputc(*v, f);
    }
    fputc('"', f);
}

int state_usage_csv(state *s, FILE *f)
{
    sqlite3_stmt *st = prep(s, "SELECT day, topic, lang, views FROM usage"
                            " ORDER BY day, topic, lang", NULL, NULL, NULL);
    int n = 0, rc;
    if (!st || !f)
        return run(st) ? FARO_ESQL : FARO_EINVAL;
    fputs("day,topic,lang,views\n", f);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < 3; i++) {
            csv_field(f, (const char *)sqlite3_column_text(st, i));
            fputc(',', f);
        }
        fprintf(f, "%lld\n", (long long)sqlite3_column_int64(st, 3));
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return FARO_ESQL;
    return ferror(f) ? FARO_EIO : n;
}

int state_usage_prune(state *s, const char *today, int keep_days)
{
    char mod[32];
    if (!today || keep_days < 0)
        return FARO_EINVAL;
    snprintf(mod, sizeof mod, "-%d days", keep_days);
    return run(prep(s, "DELETE FROM usage WHERE day < date(?1, ?2)", today, mod, NULL));
}
