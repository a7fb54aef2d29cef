/*
 * pack_build.h — checks a content folder (lint) and turns it into a pack.
 *
 * A content folder is described in content/FORMAT.md: pack.yaml,
 * topics.yaml, articles/<id>/<lang>.md, services.csv (or services.yaml
 * with the same fields, one mapping per service), media/, audio/ (recorded
 * voices: audio/<lang>/{article,topic,service}-<id>.opus, Ogg Opus).  Lint loads
 * all of it, checks everything it can and collects every problem as one
 * line "FILE:LINE: reason" (FILE relative to the folder; "FILE: reason"
 * when the problem belongs to the whole file or folder, and
 * "services.csv:ROW:COLUMN: reason" for directory rows).  Build lints
 * first and writes nothing unless there is no problem at all.
 *
 * Pack rows written (schema.h): meta (format, id, version, layer, type,
 * languages, title.<lang>, created, expires when given), topics and
 * topic_text, articles and article_text (body = the Markdown as written),
 * services and service_text (one row per pack language), media (name is the
 * path as articles write it, e.g. "media/river.png"; a recording is stored
 * under its path too, "audio/es/article-x.opus", mime audio/ogg).
 */
#ifndef FARO_PACK_BUILD_H
#define FARO_PACK_BUILD_H

#include <stddef.h>

/* The problems lint found, sorted by file, then line, then discovery. */
typedef struct lint_report lint_report;

/* An empty report; NULL when out of memory.  Free with lint_report_free. */
lint_report *lint_report_new(void);
void lint_report_free(lint_report *rep);                /* accepts NULL */

/* Number of problems found (all of them, even past the ones kept). */
int lint_report_count(const lint_report *rep);

/* Number of messages kept (at most LINT_MAX_MESSAGES), and the i-th one
 * ("FILE:LINE: reason", owned by the report), NULL when out of range. */
int lint_report_kept(const lint_report *rep);
const char *lint_report_at(const lint_report *rep, int i);

#define LINT_MAX_MESSAGES 1000

/* Number of notes kept (at most LINT_MAX_MESSAGES) and the i-th one (owned
 * by the report; NULL when out of range).  Notes are what lint tells that
 * is not a problem, in the order found: for a folder with audio/, one line
 * per good recording ("audio/es/article-x.opus: 1.50 s, mono") and then one
 * per pack language ("audio es: 1 of 8 recorded (...), 7 synthetic (...),
 * 0 without a voice").  They never count as problems. */
int lint_report_notes(const lint_report *rep);
const char *lint_report_note(const lint_report *rep, int i);

/*
 * Lints the content folder `dir`, adding every problem to `rep`.  Returns
 * the number of problems (0 = clean), or a negative FARO_E* code with err
 * set when lint itself could not run (folder missing, out of memory).
 */
int lint_dir(const char *dir, lint_report *rep, char *err, size_t errlen);

/* What a build wrote, for the closing line and `make bench`. */
typedef struct pack_build_stats {
    int languages, topics, articles, services, media;
    long long bytes;        /* size of the pack file */
    double ms;              /* wall time of lint + write, milliseconds */
} pack_build_stats;

/*
 * Lints `dir` and, when it is clean, writes the pack to `out` (through
 * "<out>.tmp", fsync'd and renamed, so `out` is either the old file or the
 * complete new one).  "created" is SOURCE_DATE_EPOCH when set, so the same
 * input gives a byte-identical pack.  Returns 0 and fills `stats` (may be
 * NULL); FARO_EPARSE when lint found problems (they are in `rep`, err says
 * how many); another negative FARO_E* code with err set when writing failed.
 * On any failure no "<out>.tmp" is left behind.
 */
int pack_build_dir(const char *dir, const char *out, lint_report *rep,
                   pack_build_stats *stats, char *err, size_t errlen);

#endif
