/*
 * install.h — the one door through which packs reach the kiosk, whether
 * they came on a USB stick or from a web mirror.
 *
 * A pack travels as two files: NAME.faro (the SQLite database) and
 * NAME.faro.minisig (its minisign signature: Ed25519 over BLAKE2b-512 of
 * the file, plus a signed trusted comment).  install_pack reads the
 * signature (at most SIG_FILE_MAX bytes) into memory and copies the pack
 * into data_dir/staging, fsyncs, verifies the staged copy (key id known, key's
 * scope covers the pack id, signature, version higher than any seen, size
 * limits), opens it read-only and hardened, renames it into data_dir/packs
 * and fsyncs the folder, then records the version in the state database.
 * The invariants and the state diagram are at the top of install.c.
 */
#ifndef FARO_INSTALL_H
#define FARO_INSTALL_H

#include <stddef.h>
#include "state.h"

struct pack;                            /* pack.h */

typedef struct installer installer;

/* Progress of one install, for the screen: called from the installing
 * thread; `done` and `total` are bytes copied so far and in all. */
typedef void (*install_progress_fn)(void *user, const char *pack_name,
                                    unsigned long long done, unsigned long long total);

typedef struct install_result {
    char id[65];               /* pack id from its meta table ("" if unknown) */
    long version;
    char layer[16], type[16];  /* base|site, content|locale|keys */
    int code;                  /* 0 installed, or a negative FARO_E* code */
    char reason[512];          /* plain-words reason when refused */
    /* Added by the packs issue (after the fields above, which stay): */
    int why;                   /* enum install_why: the reason as a value, for the screen */
    char expires[16];          /* meta expires (YYYY-MM-DD) or "" */
} install_result;

/* Why an install ended as it did.  The UI shows install_why_name(why) looked
 * up in locales/ (e.g. "install.unknown_key"), so the kiosk's language is
 * used; `reason` holds the English details for the admin log. */
enum install_why {
    INSTALL_OK = 0,        /* installed (code 0) */
    INSTALL_ALREADY,       /* the same bytes are already installed (code 0, not an error) */
    INSTALL_EXPIRED_SHOWN, /* installed, but past its expiry date: shown anyway (code 0) */
    INSTALL_NO_FILE,       /* the pack file could not be opened */
    INSTALL_NOT_REGULAR,   /* a symlink, FIFO, device or folder, not a plain file */
    INSTALL_EMPTY,         /* a 0-byte file */
    INSTALL_TOO_BIG,       /* over FARO_MAX_PACK_BYTES */
    INSTALL_NO_SIG,        /* NAME.faro.minisig missing */
    INSTALL_BAD_SIG,       /* signature damaged or does not match the pack */
    INSTALL_UNKNOWN_KEY,   /* signed by a key this kiosk does not trust (or revoked) */
    INSTALL_OUT_OF_SCOPE,  /* the key may not publish this pack id (or key packs) */
    INSTALL_NOT_PACK,      /* signed, but not a valid Faro pack (damaged, wrong schema...) */
    INSTALL_OLD_VERSION,   /* version lower than one already seen (rollback) */
    INSTALL_SAME_VERSION,  /* same version as one seen, other bytes */
    INSTALL_EXPIRED,       /* past its expiry date and says not to show after it */
    INSTALL_READ_ERROR,    /* the stick could not be read (pulled out, damaged) */
    INSTALL_CHANGED,       /* the file changed size while being copied */
    INSTALL_DISK_FULL,     /* not enough room on internal storage */
    INSTALL_WRITE_ERROR,   /* internal storage failed */
    INSTALL_WHY_COUNT
};

/* Stable name of a why value ("install.ok", "install.unknown_key"...),
 * usable as a locale string key; "install.unknown" when out of range. */
const char *install_why_name(int why);

/*
 * Opens the installer on data_dir (creates packs/, staging/, keys/ as
 * needed) and removes any leftovers in staging (a power cut mid-install).
 * `st` may be NULL (no version memory: only for tests that say so).
 * Returns NULL with err set on failure.
 */
installer *install_open(const char *data_dir, state *st, char *err, size_t errlen);
void install_close(installer *in);                     /* accepts NULL */

/*
 * Installs the pack at pack_path with its signature at sig_path (NULL:
 * pack_path + ".minisig").  The source may be on a read-only stick: it is
 * only read.  Fills *res (always) and returns res->code.  On any failure
 * the installed set is byte-for-byte unchanged.
 */
int install_pack(installer *in, const char *pack_path, const char *sig_path,
                 install_progress_fn progress, void *user, install_result *res);

/*
 * Removes an installed pack by id (its recorded version stays).  Returns 0,
 * FARO_ENOTFOUND, FARO_EINVAL (bad id), FARO_EIO, or FARO_EBUSY at once
 * when an install is running (nothing removed: retry after it), with err
 * set.  Never waits for an install.
 */
int install_remove(installer *in, const char *id, char *err, size_t errlen);

/* Folder of installed packs (data_dir/packs), for the store to open. */
const char *install_packs_dir(const installer *in);

/* Added by the packs issue. */

/* Sets today's date (YYYY-MM-DD) used for expiry; NULL: the system clock. */
void install_set_today(installer *in, const char *today);

/* One installed pack, as install_list reports it. */
typedef struct install_entry {
    char path[1024];           /* data_dir/packs/<id>.faro */
    char id[65], layer[16], type[16], expires[16];
    long version;
    int expired;               /* past `expires` */
    int shown;                 /* 0 when expired and meta expiry_hides = "true" */
} install_entry;

/*
 * The installed content packs of data_dir in precedence order: shown
 * packs first, site layer before base layer, then by id; hidden ones
 * (expired with expiry_hides) last with shown = 0.  Add the shown ones to
 * the store in this order, then the embedded default: when two packs
 * define the same topic, article or service id, the first added (site
 * over base over default) wins wholesale.  Expired packs are logged as
 * warnings.  today NULL: the system clock.  Reads only the folder (no
 * installer needed, safe while another thread installs).  Returns the
 * count (at most max) or a negative FARO_E* code with err set.
 */
int install_list(const char *data_dir, const char *today, install_entry *out, int max,
                 char *err, size_t errlen);

/*
 * Fills e for the installed pack p (opened from path) as install_list
 * would, logging an expiry warning; today NULL: the system clock.  With
 * install_sort, the shelf orders packs it has already opened by the same
 * rule, without opening them again.
 */
void install_entry_set(install_entry *e, const char *path, const struct pack *p, const char *today);

/* Sorts n entries in install_list's precedence order. */
void install_sort(install_entry *e, int n);

#endif
