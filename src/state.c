/*
 * state.c — the kiosk's own small database: settings, the highest pack
 * version ever seen per id, and anonymous usage counts.
 *
 * The idea: let SQLite do the crash safety.  The database is in WAL mode
 * with synchronous=FULL, and every public write is one statement run in
 * its own implicit transaction, so a power cut leaves either the old or
 * the new value and never a mix.  The connection is opened serialized
 * (SQLITE_OPEN_FULLMUTEX) because the UI thread (settings, usage) and the
 * USB thread (pack versions) share one handle.  state_pack_record only
 * ever raises a version: the SQL itself refuses to lower it, so no caller
 * can roll the memory of a pack back, even by mistake.
 */
#include "state.h"
#include "faro.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#define STATE_BUSY_MS 5000
#define STATE_VALUE_MAX 4096   /* bound on one settings value */

struct state {
    sqlite3 *db;
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
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
        goto fail_db;
    sqlite3_busy_timeout(s->db, STATE_BUSY_MS);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    /* WAL: a power cut leaves the old or the new value; the WAL file is
     * checkpointed every 100 pages and kept at most 256 KB on the SD card */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     " PRAGMA wal_autocheckpoint=100; PRAGMA journal_size_limit=262144;",
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
    sqlite3_close(s->db);
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

int state_usage_add(state *s, const char *day, const char *topic, const char *lang)
{
    if (!day || !topic || !lang)
        return FARO_EINVAL;
    return run(prep(s, "INSERT INTO usage(day, topic, lang, views) VALUES(?1, ?2, ?3, 1)"
                    " ON CONFLICT(day, topic, lang) DO UPDATE SET views = views + 1",
                    day, topic, lang));
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
