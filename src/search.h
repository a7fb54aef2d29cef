/*
 * search.h — one search over articles and services, in every script.
 *
 * The kiosk builds its own index from the open store (packs never carry
 * one): a SQLite database with an FTS5 table whose tokenizer ("faro",
 * ICU word segmentation) folds case and accents ("kreyol" finds "Kreyòl"),
 * normalises Arabic (hamza and alef forms, tashkeel, tatweel, ى and ة),
 * and cuts Chinese and Japanese into overlapping character bigrams so that
 * any substring of two or more characters, or one character, is found.
 * The index records the packs (id and version, in order) it was built from
 * and is rebuilt only when they change.  Nothing a person types is written
 * anywhere: queries only read.
 *
 * A query is what the person typed so far: every word must match, and the
 * last one is a prefix ("con" finds "consulado") unless the query ends with
 * a space.  Results come in the reader's language chain first (each
 * language ranked by bm25, title weighing most), then the other languages;
 * an article or service appears once, in the first language that matched.
 */
#ifndef FARO_SEARCH_H
#define FARO_SEARCH_H

#include <stddef.h>
#include "store.h"
#include "txt.h"

#define SEARCH_MAX_QUERY  256   /* bytes of a query looked at (the rest ignored) */
#define SEARCH_MAX_HITS   100   /* largest limit search_query accepts */
#define SEARCH_MAX_MARKS  8     /* matched words marked in one title or snippet */

typedef struct search_index search_index;

enum search_kind { SEARCH_ARTICLE = 1, SEARCH_SERVICE = 2 };

typedef struct search_hit {
    int kind;                  /* enum search_kind */
    const char *id;            /* article or service id (store_article/store_service) */
    const char *lang;          /* language of title and snippet ("" for a service
                                  written in no pack language) */
    const char *title;         /* article title or service name */
    const char *snippet;       /* part of the summary (articles) or notes (services),
                                  plain UTF-8, may be "" */
    const txt_mark *title_marks, *snippet_marks;   /* matched words (byte ranges), */
    int ntitle_marks, nsnippet_marks;              /* ready for txt_params.bold */
} search_hit;

typedef struct search_hits {
    int n;
    search_hit *hits;          /* best first */
} search_hits;

/*
 * Opens the index at `path` (a file under the data dir; NULL or ":memory:"
 * for one in memory) and makes sure it matches the packs open in `st`:
 * when the file is missing, unreadable, of another format or built from
 * other packs, it is rebuilt (into path.tmp, then renamed, so a power cut
 * leaves the old index or none).  `st` is only read during the call.
 * Returns the index (free with search_close) or NULL with err set.
 */
search_index *search_open(const char *path, store *st, char *err, size_t errlen);

/*
 * The kept index at path when it was built with exactly `key` (the shelf's
 * ordered list of installed packs and their hashes) and this index format;
 * opened read-only, nothing is rebuilt.  NULL with err set otherwise
 * (FARO_ENOTFOUND: missing or built from other packs).  Cheap: for a
 * kiosk whose packs did not change since the last start.
 */
search_index *search_open_kept(const char *path, const char *key, char *err, size_t errlen);

/*
 * Builds the index of every text in st into path.tmp, records `key`,
 * fsyncs and renames it over path (a power cut leaves the old index or
 * none).  An index open on the old file keeps answering from it.  Returns
 * 0 or a negative FARO_E* code with err set.  st is only read.
 */
int search_build(const char *path, store *st, const char *key, char *err, size_t errlen);

/* 1 when the last search_open or search_refresh rebuilt the index. */
int search_rebuilt(const search_index *ix);

/* Rebuilds the index when the packs of `st` changed since it was built
 * (call after an install).  Returns 0 or a negative FARO_E* code; on
 * error the index answers as before. */
int search_refresh(search_index *ix, store *st, char *err, size_t errlen);

/*
 * Searches for `query` (UTF-8; only the first SEARCH_MAX_QUERY bytes are
 * used) with the reader's language chain `langs` (NULL-terminated, may be
 * NULL), keeping at most `limit` hits (1..SEARCH_MAX_HITS).  *out is set
 * to the hits (free with search_hits_free), n = 0 when nothing matches or
 * the query has no words.  Returns the number of hits or a negative
 * FARO_E* code with err set (then *out is NULL).
 */
int search_query(search_index *ix, const char *query, const char *const *langs,
                 int limit, search_hits **out, char *err, size_t errlen);

void search_hits_free(search_hits *h);          /* accepts NULL */

/* Closes the index (accepts NULL).  The file stays for the next start. */
void search_close(search_index *ix);

/* The words the index would make of `text` (document mode), each folded
 * and normalised, separated by spaces (tokens at the same position, such
 * as a Han pair and its first character, joined by '|'), written
 * NUL-terminated into out (truncated to outlen).  For tests and the admin console.  Returns the
 * number of tokens or a negative FARO_E* code. */
int search_tokens(const char *text, char *out, size_t outlen);

#endif
