/*
 * lcheck.h — checks locale files (locales/<lang>.yaml) the way a
 * translation coordinator needs: per language, how many strings are
 * translated, missing, unreviewed, and which ones break placeholders or
 * plural rules; every problem as "FILE:LINE: reason".
 *
 * The source language is English (en.yaml): its keys are the full set and
 * its placeholders the ones every translation must keep.  Problems are
 * errors (the file is wrong: invalid YAML, missing meta fields, bad
 * direction, placeholder mismatch, bad plural category, unknown fallback
 * language) or warnings (the file works but could be better: a plural form
 * the language uses is missing, a key that en.yaml does not have, an empty
 * string).  Missing strings are not problems: they fall back.
 *
 * Use: lcheck_new, then lcheck_dir (a folder, en.yaml inside) or
 * lcheck_set_source + lcheck_add_file/lcheck_add_buf + lcheck_run, then
 * read the per-language rows and the messages, or lcheck_print them.
 */
#ifndef FARO_LCHECK_H
#define FARO_LCHECK_H

#include <stddef.h>
#include <stdio.h>
#include "faro.h"

typedef struct lcheck lcheck;

/* One language's row of the coordinator's table. */
typedef struct lcheck_lang {
    char lang[FARO_MAX_LANG_LEN + 1];  /* meta.lang, or the file's base name */
    char file[256];                    /* the name used in messages */
    char endonym[64];
    int valid;              /* 0: the file could not be read as a locale */
    int rtl, reviewed;
    int translated;         /* source keys this file has */
    int missing;            /* source keys it lacks (they fall back) */
    int unreviewed;         /* translated strings in a file marked reviewed: false */
    int placeholders;       /* strings whose {placeholders} differ from the source */
    int plurals;            /* strings with plural categories the language lacks, or no 'other' */
    int extra;              /* keys the source does not have */
    int errors, warnings;
} lcheck_lang;

/* Creates an empty check.  NULL when out of memory. */
lcheck *lcheck_new(void);
void lcheck_free(lcheck *c);                         /* accepts NULL */

/*
 * Sets the source locale (en.yaml) the others are compared with, from a
 * file, without adding it to the table.  Returns 0, or a negative FARO_E*
 * code with err set ("FILE:LINE:COL: reason").  Without a source,
 * lcheck_run counts nothing as translated or missing and checks no
 * placeholders (a file named en.yaml added with lcheck_add_* becomes the
 * source if none was set).
 */
int lcheck_set_source(lcheck *c, const char *path, char *err, size_t errlen);

/* Declares a language a fallback may name although it is not checked here
 * (a shipped locale, when checking a pack).  Returns 0 or FARO_ELIMIT. */
int lcheck_add_known(lcheck *c, const char *lang);

/*
 * Adds one locale from memory (name is used in messages and its base name
 * must be the language: "locales/fr.yaml" holds fr) or from a file.  A
 * file that cannot be parsed still gets a row (valid = 0) and an error
 * message.  Returns 0, or FARO_ENOMEM / FARO_ELIMIT (more than
 * LCHECK_MAX_LANGS files) / FARO_EIO (file unreadable: also reported).
 */
int lcheck_add_buf(lcheck *c, const char *name, const char *buf, size_t len);
int lcheck_add_file(lcheck *c, const char *path, const char *name);

#define LCHECK_MAX_LANGS 64

/* Runs the cross-checks (against the source; fallbacks known).  Call once,
 * after the last add.  Returns the number of errors (0 = clean). */
int lcheck_run(lcheck *c);

/*
 * All of it for a folder: every <lang>.yaml in dir (sorted), en.yaml as the
 * source.  Returns the number of errors, or a negative FARO_E* code with
 * err set when the folder cannot be read or has no en.yaml.
 */
int lcheck_dir(lcheck *c, const char *dir, char *err, size_t errlen);

/* Rows, in the order added; the pointer lives as long as c. */
int lcheck_count(const lcheck *c);
const lcheck_lang *lcheck_at(const lcheck *c, int i);

/* Number of keys in the source (0 without one). */
int lcheck_source_keys(const lcheck *c);

/* Messages sorted by file, then line: "FILE:LINE: reason" for errors,
 * "FILE:LINE: warning: reason" for warnings.  Owned by c. */
int lcheck_messages(const lcheck *c);
const char *lcheck_message(const lcheck *c, int i, int *is_error);
int lcheck_errors(const lcheck *c);
int lcheck_warnings(const lcheck *c);

/*
 * Prints the messages, then the table (one row per language, then a
 * totals line).  verbose also lists each missing key as
 * "FILE: missing 'key'" (before the table).
 */
void lcheck_print(const lcheck *c, FILE *f, int verbose);

#endif
