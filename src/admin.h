/*
 * admin.h — what the administrator's console shows and does, without the
 * screens: status, the languages setting, usage counts and their CSV
 * export, and the self-check.
 *
 * Nothing here returns English sentences: results are locale keys
 * (locales/en.yaml, admin.*) plus plain values (numbers, dates, ids) that
 * the console puts into those strings' placeholders.  Time is passed in
 * by the caller (seconds since 1970), so tests run on a virtual clock.
 */
#ifndef FARO_ADMIN_H
#define FARO_ADMIN_H

#include <stddef.h>
#include "faro.h"
#include "state.h"
#include "store.h"

/* ---- status ---- */

typedef struct admin_pack {
    char id[FARO_MAX_ID_LEN + 1];
    char layer[16], type[16];
    char created[32];                  /* ISO 8601 from the pack's meta */
    char source[256];                  /* file or name it was opened from */
    long version;
} admin_pack;

typedef struct admin_status {
    const char *version;               /* FARO_VERSION */
    long long storage_free;            /* bytes available on data_dir's file system, -1 unknown */
    long long storage_total;           /* bytes, -1 unknown */
    long now_s;                        /* the clock as given */
    long uptime_s;                     /* from /proc/uptime, -1 unknown */
    int npacks;                        /* packs open in the store, precedence order */
    admin_pack packs[FARO_MAX_PACKS];
} admin_status;

/*
 * Fills *out: versions, storage of data_dir (statvfs), clock, uptime and
 * the packs open in st (may be NULL).  Fields that cannot be read are -1
 * (or 0 packs).  Returns 0, or FARO_ENOMEM when the pack list failed.
 */
int admin_status_get(store *st, const char *data_dir, long now_s, admin_status *out);

/* How one language of the installed content is spoken. */
typedef struct admin_audio {
    char lang[FARO_MAX_LANG_LEN + 1];
    int items;          /* articles, topics and services with text in lang */
    int recorded;       /* with a recording a pack carries */
    int synthetic;      /* the rest, when eSpeak NG has a voice for lang (voices.h) */
    int none;           /* the rest, when it has none (Tigrinya) */
} admin_audio;

/*
 * Fills out[0..n) with the audio coverage of each of the n languages over
 * the packs open in st (recorded first, otherwise synthetic, otherwise
 * none).  A few queries per pack and language: call it when the Status
 * tab is built, not per frame.  Returns n, or a negative FARO_E* code
 * (st NULL: FARO_EINVAL) with the entries filled so far.
 */
int admin_audio_get(store *st, const char *const *langs, int n, admin_audio *out);

/* Writes n bytes as "812 MB" / "3.4 GB" (SI units) into buf. */
void admin_format_bytes(long long n, char *buf, size_t size);

/* Writes now_s as local "YYYY-MM-DD" (day) into buf (>= 11 bytes). */
void admin_day(long now_s, char *buf, size_t size);

/* ---- languages on the language screen ---- */

/*
 * The languages the administrator chose, in order (settings key
 * "admin.languages", a comma list).  Fills langs (max entries) and returns
 * the count; 0 when none was chosen (the kiosk's config then decides).
 */
int admin_languages_get(state *s, char langs[][FARO_MAX_LANG_LEN + 1], int max);

/* Stores the chosen languages in order.  FARO_EINVAL when n < 1, n >
 * FARO_MAX_LANGS or a tag is malformed; otherwise 0 or <0 from the DB. */
int admin_languages_set(state *s, const char *const *langs, int n);

/* ---- usage counts ---- */

#define ADMIN_USAGE_KEEP_DAYS 400      /* older usage rows are pruned */
#define ADMIN_USAGE_WRITE_S 3600       /* counts wait in memory at most this long */

/*
 * Counts one view of topic (a content id: a-z, 0-9, '-', '_', '.') in lang
 * on now_s's local day — nothing finer is kept — in memory: the view is
 * not written.  It first calls admin_usage_flush(s, now_s, 0), so counts
 * reach the database when an hour passed or the day changed; when the
 * memory table is full (STATE_USAGE_PENDING distinct counts) it writes
 * them early rather than lose one.  Returns 0, FARO_EINVAL for a topic or
 * lang that is not an id (nothing else ever reaches the table), or <0
 * from the database.
 */
int admin_usage_view(state *s, long now_s, const char *topic, const char *lang);

/*
 * Writes the counts waiting in memory, in one transaction, each under the
 * day it was counted in (a write after midnight puts yesterday's counts
 * under yesterday), when force is set or when ADMIN_USAGE_WRITE_S passed
 * since the oldest of them was counted or now_s is on another local day;
 * after a write, rows older than ADMIN_USAGE_KEEP_DAYS are pruned once per
 * day (settings key "admin.usage_pruned").  Call with force at exit and
 * before reading the table; admin_usage_export does.  Returns 1 when it
 * wrote, 0 when there was nothing (yet) to write, or <0 (FARO_EINVAL
 * without a database, FARO_ESQL: the counts stay in memory).
 */
int admin_usage_flush(state *s, long now_s, int force);

/*
 * Writes the usage counts (the ones in memory first: admin_usage_flush
 * with force) as CSV ("day,topic,lang,views") to
 * dir/faro-usage-<YYYY-MM-DD>.csv (a USB stick's mount point): refuses a
 * dir that is a symlink or not a folder, never follows a symlink for the
 * file, writes a temporary file, fsyncs it, renames it and fsyncs the
 * folder.  Fills name (the file name, for admin.usage.exported) and
 * returns the number of rows, or a negative FARO_E* code with err set (no
 * partial file left).
 */
int admin_usage_export(state *s, const char *dir, long now_s, char *name, size_t namelen,
                       char *err, size_t errlen);

/* ---- self-check ---- */

enum admin_check_id {
    ADMIN_CHECK_STORAGE, ADMIN_CHECK_SIGNATURES, ADMIN_CHECK_FONTS, ADMIN_CHECK_CLOCK,
    ADMIN_CHECK_IMAGES, ADMIN_CHECK_SPEECH,
    ADMIN_NCHECKS
};

typedef struct admin_check {
    const char *name_key;      /* "admin.check.storage", ... */
    const char *result_key;    /* "admin.check.ok", "admin.check.skipped" or the check's *_fail key */
    int ok;                    /* 1 passed, 0 failed, -1 not checked */
    char detail[128];          /* the {detail} value: pack id, font file, the clock's date */
} admin_check;

typedef struct admin_env {
    const char *data_dir;      /* holds packs/ and state.db */
    const char *font_dir;      /* the text engine's fonts */
    state *st;                 /* pack hashes recorded at install; may be NULL */
    long now_s;
    store *content;            /* the packs shown (pictures); may be NULL: not checked */
    struct speech *speech;     /* the voice; NULL: speech not checked */
    long floor_s;              /* the newest signed time seen (timefloor.h); 0: none */
} admin_env;

/*
 * Runs the six checks into out[ADMIN_NCHECKS] (in enum order):
 *   storage     write + fsync + remove a probe file in data_dir;
 *   signatures  every installed pack (data_dir/packs/<id>.faro) still has the
 *               BLAKE2b-512 hash that was recorded when its signature was
 *               verified (state_pack_seen): a changed byte fails; without a
 *               state database: not checked;
 *   fonts       every font file the text engine needs is in font_dir;
 *   clock       later than this program's build date, earlier than 2100,
 *               and not behind the newest signed time seen (floor_s, a
 *               day's slack): a board without a battery clock that booted
 *               in 1970 or at its last shutdown fails with clock_behind
 *               and the floor's date as the detail;
 *   images      every picture in the content's media tables decodes (the
 *               same decoder as the reader, imgdec.h); the first that does
 *               not is the detail;
 *   speech      the voice met no fault so far (speech_status: no espeak-ng,
 *               no audio device, a language without its voice, a corrupt
 *               recording; detail: what); without a voice: not checked.
 * Returns the number of failed checks (0: admin.check.all_ok).
 */
int admin_selfcheck(const admin_env *e, admin_check out[ADMIN_NCHECKS]);

#endif
