/*
 * faro.h — what every Faro module shares: error codes and the input bounds.
 *
 * Errors are values: a function returns 0 (or a count) on success and a
 * negative FARO_E* code on failure, and fills a caller-owned message buffer
 * (char *err, size_t errlen) with a sentence a person can act on, naming the
 * file, line, field or pack.  Nothing here allocates or keeps state.
 *
 * Bounds: every place where outside input enters (files, packs, YAML, CSV,
 * Markdown, config) checks against one of the FARO_MAX_* constants below, so
 * the limits are visible in one place and a hostile input fails cleanly.
 */
#ifndef FARO_H
#define FARO_H

#include <stddef.h>

#define FARO_VERSION "0.1.0"

enum faro_err {
    FARO_OK      = 0,
    FARO_EIO     = -1,  /* a file or device could not be read or written */
    FARO_ENOMEM  = -2,  /* out of memory */
    FARO_EPARSE  = -3,  /* malformed input (YAML, CSV, Markdown, config) */
    FARO_ELIMIT  = -4,  /* input exceeds one of the FARO_MAX_* bounds */
    FARO_ENOTFOUND = -5,/* asked-for item does not exist */
    FARO_EPACK   = -6,  /* a pack is not a valid Faro pack */
    FARO_EINVAL  = -7,  /* bad argument or value */
    FARO_ESIG    = -8,  /* signature missing, forged or untrusted */
    FARO_ESQL    = -9,  /* SQLite failed */
    FARO_EAUTH   = -10, /* wrong PIN (or other credential) */
    FARO_EAGAIN  = -11, /* refused for now: try again later (e.g. PIN delay running) */
    FARO_EBUSY   = -12, /* another operation holds the resource (an install running): retry */
};

/*
 * Writes a printf-style message into err (when err is not NULL and errlen
 * is not 0) and returns code: `return faro_fail(err, errlen, FARO_EIO,
 * "%s: cannot read", path);`.  Defined in faro.c.
 */
int faro_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Bounds on outside input.  Change them here only. */
#define FARO_MAX_FILE_BYTES     (4u << 20)   /* one authoring file (YAML, Markdown, CSV) */
#define FARO_MAX_YAML_DEPTH     16           /* nesting of YAML mappings/sequences */
#define FARO_MAX_YAML_NODES     200000       /* nodes in one YAML document */
#define FARO_MAX_CSV_ROWS       100000       /* rows in one CSV directory file */
#define FARO_MAX_CSV_COLS       64           /* columns in one CSV file */
#define FARO_MAX_FIELD_BYTES    65536        /* one CSV field or YAML scalar */
#define FARO_MAX_ID_LEN         64           /* topic/article/service ids */
#define FARO_MAX_LANG_LEN       15           /* BCP 47 tag like "zh-Hans" */
#define FARO_MAX_LANGS          32           /* languages in one pack or config */
#define FARO_MAX_PACK_BYTES     (512ull << 20) /* one .faro pack */
#define FARO_MAX_PACKS          64           /* installed packs */
#define FARO_MAX_STRINGS        4096         /* UI strings in one locale */
#define FARO_MAX_ERRLEN         512          /* message buffers */

/* Pack schema version written by faro-pack build and required by the store. */
#define FARO_PACK_FORMAT        1

#endif
