/*
 * store.h — read-only access to the installed packs, merged into one view.
 *
 * The screens ask the store questions (the topics, the articles of a topic,
 * one article in a language, the services of a kind) and never write SQL.
 * Every pack is a SQLite database opened read-only and hardened by pack.c
 * (see pack.h); the embedded default pack is opened from memory with
 * sqlite3_deserialize.  Packs are consulted in the order they were added,
 * highest precedence first: when two packs define the same topic, article
 * or service id, the first one added wins.
 *
 * Text is chosen by a language chain (NULL-terminated list, e.g.
 * {"ht", "fr", "en", NULL}): the first language of the chain that the item
 * has; when it has none of them, any language it has (so something is shown
 * rather than nothing).  `lang` in each result says which one was used.
 *
 * Results are owned by a result object freed with store_result_free; all
 * strings inside live as long as it does.  Strings are never NULL (empty
 * when the column is empty).
 */
#ifndef FARO_STORE_H
#define FARO_STORE_H

#include <stddef.h>

typedef struct store store;
struct pack;

/* Items are named by struct tag (struct store_topic): the plain names
 * store_topic, store_article and store_service are the functions below. */
struct store_topic {
    const char *id, *icon, *title, *summary, *lang;
    int narticles;
};

struct store_article {
    const char *id, *topic, *title, *summary, *lang;
    const char *body;          /* Markdown; "" in list results */
};

struct store_service {
    const char *id, *kind, *name, *notes, *lang;
    const char *country, *region, *city, *address;
    const char *phones, *messaging;   /* E.164 numbers separated by ';' */
    const char *hours, *languages, *cost, *nationalities; /* lists separated by ';' */
    const char *verified, *verified_by;  /* YYYY-MM-DD, free text */
    double lat, lon;
    int has_coords, example;
};

typedef struct store_pack_info {
    const char *id, *layer, *type, *title, *languages, *created;
    const char *source;        /* the path or name it was added from */
    long version;
} store_pack_info;

/* One answer: an array of n items of the kind asked for. */
typedef struct store_result {
    int n;
    union {
        struct store_topic *topics;
        struct store_article *articles;
        struct store_service *services;
        store_pack_info *packs;
    } u;
} store_result;

/* Creates an empty store.  NULL when out of memory. */
store *store_new(void);

/* Closes every pack and frees the store (accepts NULL). */
void store_free(store *s);

/*
 * Adds the pack file at `path`, opened read-only, after checking it is a
 * Faro pack of format FARO_PACK_FORMAT with exactly the schema tables.
 * Returns 0, or a negative FARO_E* code with err naming the file and the
 * reason; on error the store is unchanged.  A pack whose meta id is
 * already open is refused (FARO_EPACK): add installed packs before the
 * embedded default they may update.
 */
int store_add_file(store *s, const char *path, char *err, size_t errlen);

/*
 * Adds a pack held in memory (the embedded default).  `data` must outlive
 * the store and is never written.  `name` is used in messages.  Same
 * checks and errors as store_add_file except the page-by-page quick_check
 * (the memory pack is the binary's own, checked when it was built).
 */
int store_add_memory(store *s, const void *data, size_t len, const char *name,
                     char *err, size_t errlen);

/*
 * Adds an already opened pack (pack_open_file / pack_open_memory, which did
 * every check): the store takes its own reference (the caller keeps and
 * closes its one).  Returns 0, or FARO_EPACK (its id is already open),
 * FARO_ELIMIT (FARO_MAX_PACKS open), FARO_ENOMEM, with err set; on error
 * the store is unchanged.
 */
int store_add_pack(store *s, struct pack *p, char *err, size_t errlen);

/* Number of packs open. */
int store_pack_count(const store *s);

/* Topics in display order; narticles counts their articles. */
int store_topics(store *s, const char *const *langs, store_result **out,
                 char *err, size_t errlen);

/* One topic (n = 1), or FARO_ENOTFOUND. */
int store_topic(store *s, const char *id, const char *const *langs,
                store_result **out, char *err, size_t errlen);

/* Articles of a topic in display order (title and summary, body ""). */
int store_articles(store *s, const char *topic, const char *const *langs,
                   store_result **out, char *err, size_t errlen);

/* One article with its body (n = 1), or FARO_ENOTFOUND. */
int store_article(store *s, const char *id, const char *const *langs,
                  store_result **out, char *err, size_t errlen);

/* Services of one kind (NULL or "" for all), in directory order. */
int store_services(store *s, const char *kind, const char *const *langs,
                   store_result **out, char *err, size_t errlen);

/* One service (n = 1), or FARO_ENOTFOUND. */
int store_service(store *s, const char *id, const char *const *langs,
                  store_result **out, char *err, size_t errlen);

/* Kinds that have at least one service, in SCHEMA_KINDS order: fills
 * kinds[] with pointers to static strings, returns the count. */
int store_service_kinds(store *s, const char **kinds, int max);

/* The packs open, in precedence order (meta of each). */
int store_packs(store *s, const char *const *langs, store_result **out,
                char *err, size_t errlen);

/*
 * Every text of the merged view, for the search index: fn is called once
 * per (article, language) with the body, and once per (service, language)
 * (a service without translated rows once, lang ""), in pack precedence
 * order; an item shadowed by an earlier pack is skipped.  The item and its
 * strings are only valid during the call, and fn must not call the store.
 * fn returns 0 to go on or a negative value to stop, which is then
 * returned as is.  Returns 0, or a negative FARO_E* code with err set.
 */
typedef int store_article_fn(void *user, const struct store_article *a);
typedef int store_service_fn(void *user, const struct store_service *v);
int store_each_article_text(store *s, store_article_fn *fn, void *user,
                            char *err, size_t errlen);
int store_each_service_text(store *s, store_service_fn *fn, void *user,
                            char *err, size_t errlen);

/*
 * The recorded voice (Ogg Opus bytes, content/FORMAT.md) for one item in
 * one language: kind is "article", "topic" or "service".  The recording
 * comes from the pack whose item is shown (the first pack, in precedence
 * order, that has that id: site over base over default), so a voice
 * always matches the words on screen.  Returns 0 with *bytes malloc'd
 * (the caller frees) and *len set; FARO_ENOTFOUND when no pack has the
 * item or its pack has no recording for lang; FARO_EINVAL for an unknown
 * kind or a bad id/lang; FARO_ESQL, FARO_ENOMEM; err says which.
 */
int store_recording(store *s, const char *kind, const char *id, const char *lang,
                    void **bytes, size_t *len, char *err, size_t errlen);

/* How much of the merged view has a recorded voice in one language. */
typedef struct store_coverage {
    int items;          /* articles, topics and services with text in lang */
    int recorded;       /* of those, with a recording in lang */
} store_coverage;

/*
 * Counts *out for lang (exact tag, as the packs store it) over the merged
 * view (shadowed items are not counted).  Runs a few queries per pack: for
 * the console, never per frame.  Returns 0, or FARO_ESQL with err set.
 */
int store_coverage_get(store *s, const char *lang, store_coverage *out, char *err, size_t errlen);

/* Frees a result (accepts NULL). */
void store_result_free(store_result *r);

#endif
