/*
 * keypack.c — writes key packs: the work behind `faro-pack keypack`.
 *
 * A key pack is a Faro pack (the pack schema, type keys, layer base)
 * whose meta table adds or revokes publisher keys; trust.c reads them on
 * the kiosk.  This half only writes, so only faro-pack links it.  The
 * pack is built by SQLite in OUT.tmp and put in place with fsio_commit
 * (fsync, rename, fsync of the folder).
 */
#include "keypack.h"
#include "faro.h"
#include "fsio.h"
#include "schema.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#define KEYPACK_PATH_LEN 1024

static int exec_meta(sqlite3 *db, sqlite3_stmt *ins, const char *key, const char *value)
{
    sqlite3_bind_text(ins, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, value, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int write_change(sqlite3 *db, sqlite3_stmt *ins, const keypack_change *c)
{
    char key[64], b64[128];
    if (c->revoke) {
        snprintf(key, sizeof key, "revoke.%s", c->key_id);
        return exec_meta(db, ins, key, "revoked");
    }
    sig_keyid_hex(c->pub.keynum, key + 4);
    memcpy(key, "key.", 4);
    sig_pubkey_base64(&c->pub, b64, sizeof b64);
    if (exec_meta(db, ins, key, b64) != 0)
        return -1;
    snprintf(key, sizeof key, "scope.");
    sig_keyid_hex(c->pub.keynum, key + 6);
    return exec_meta(db, ins, key, c->scopes);
}

static int write_rows(sqlite3 *db, const char *id, long version, const keypack_change *changes,
                      int n)
{
    sqlite3_stmt *ins = NULL;
    char num[32], created[32];
    time_t now = time(NULL);
    struct tm tm;
    int rc = -1;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (sqlite3_exec(db, "BEGIN;" SCHEMA_SQL, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES(?1, ?2)", -1, &ins, NULL))
        goto done;
    snprintf(num, sizeof num, "%d", FARO_PACK_FORMAT);
    if (exec_meta(db, ins, "format", num) || exec_meta(db, ins, "id", id) ||
        exec_meta(db, ins, "layer", "base") || exec_meta(db, ins, "type", "keys") ||
        exec_meta(db, ins, "languages", "") || exec_meta(db, ins, "created", created))
        goto done;
    snprintf(num, sizeof num, "%ld", version);
    if (exec_meta(db, ins, "version", num))
        goto done;
    for (int i = 0; i < n; i++)
        if (write_change(db, ins, &changes[i]) != 0)
            goto done;
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
done:
    sqlite3_finalize(ins);
    return rc;
}

int keypack_write(const char *out, const char *id, long version,
                  const keypack_change *changes, int n, char *err, size_t errlen)
{
    char tmp[KEYPACK_PATH_LEN];
    sqlite3 *db = NULL;
    int rc = 0;
    if (!id || !*id || strlen(id) > FARO_MAX_ID_LEN || version < 1)
        return faro_fail(err, errlen, FARO_EINVAL, "a key pack needs an id and a version >= 1");
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    unlink(tmp);
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        write_rows(db, id, version, changes, n) != 0)
        rc = faro_fail(err, errlen, FARO_EIO, "%s: %s", tmp, db ? sqlite3_errmsg(db) : "out of memory");
    if (sqlite3_close(db) != SQLITE_OK && rc == 0)
        rc = faro_fail(err, errlen, FARO_EIO, "%s: cannot close", tmp);
    if (rc != 0) {
        unlink(tmp);
        return rc;
    }
    return fsio_commit(tmp, out, err, errlen);
}
