/*
 * store.c — the installed packs, opened read-only and merged into one view.
 *
 * Packs are opened by pack.c (read-only, hardened, exact schema, meta
 * checked: see pack.h); the store takes a reference to each open pack,
 * refuses a pack id already open, and prepares its queries once per pack
 * and keeps them; each use ends with reset + clear_bindings.  One open pack
 * may sit in several stores (the shelf's UI store and its index builder's),
 * each with its own statements.
 *
 * The merged view is a loop over packs in precedence order (first added
 * first): a row of pack p is shown unless an earlier pack has the same id
 * (a primary-key lookup in each earlier pack).  Lists are therefore the
 * first pack's rows in position order, then the later packs' new rows;
 * a topic's narticles counts its articles in that same merged view.
 * The language is chosen inside SQL: the chain {"ht","fr","en"} is bound
 * as the string ",ht,fr,en," and each text row is ranked by where its
 * ",lang," occurs in it (case-insensitively; not at all = last, ties broken
 * by tag), so one statement serves every chain.
 *
 * A result is a small header plus an item array and an arena of string
 * blocks; every string in it is copied into the arena (or is the static ""),
 * and store_result_free releases all of it.  All memory comes from
 * sqlite3_malloc64, so a test can fail the Nth allocation of the whole
 * module (SQLite's included) through SQLITE_CONFIG_MALLOC.  Handles are
 * single-threaded: one store belongs to one thread at a time (its packs
 * are serialized connections, so two stores may share them).
 *
 * Invariants:
 *  1. s->packs[0..npacks) are fully checked packs with every statement
 *     prepared; a failed add leaves npacks and the array untouched.
 *  2. Every kept statement is reset and has no bindings between calls.
 *  3. Result strings are never NULL.
 *  4. No two open packs have the same meta id.
 */
#include "store.h"
#include "faro.h"
#include "pack.h"
#include "schema.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>

#define STORE_NAME_LEN           256   /* pack name kept for messages */
#define STORE_ARENA_BLOCK        8192  /* default size of one string block */
#define STORE_CHAIN_LEN          (FARO_MAX_LANGS * (FARO_MAX_LANG_LEN + 1) + 2)

/* Rank of a language column in the chain bound as ?1 (",ht,fr,en,"). */
#define RANK(col) "CASE instr(?1, ','||lower(" col ")||',') WHEN 0 THEN 1000000 " \
                  "ELSE instr(?1, ','||lower(" col ")||',') END, " col

#define TOPIC_SQL \
    "SELECT t.id, t.icon, x.lang, x.title, x.summary" \
    " FROM topics t LEFT JOIN topic_text x ON x.topic = t.id AND x.lang =" \
    " (SELECT y.lang FROM topic_text y WHERE y.topic = t.id" \
    "  ORDER BY " RANK("y.lang") " LIMIT 1)"

#define ARTICLE_SQL(body) \
    "SELECT a.id, a.topic, x.lang, x.title, x.summary, " body \
    " FROM articles a LEFT JOIN article_text x ON x.article = a.id AND x.lang =" \
    " (SELECT y.lang FROM article_text y WHERE y.article = a.id" \
    "  ORDER BY " RANK("y.lang") " LIMIT 1)"

#define SERVICE_SQL \
    "SELECT s.id, s.kind, coalesce(nullif(x.name, ''), s.name), x.notes, x.lang," \
    " s.country, s.region, s.city, s.address, s.phones, s.messaging, s.hours," \
    " s.languages, s.cost, s.nationalities, s.verified, s.verified_by," \
    " s.lat, s.lon, s.example" \
    " FROM services s LEFT JOIN service_text x ON x.service = s.id AND x.lang =" \
    " (SELECT y.lang FROM service_text y WHERE y.service = s.id" \
    "  ORDER BY " RANK("y.lang") " LIMIT 1)"

/* The statements kept per pack.  ?1 is the language chain, ?2 the key. */
enum {
    Q_TOPICS, Q_TOPIC, Q_ARTICLES, Q_ARTICLE, Q_SERVICES, Q_SERVICE,
    Q_HAS_TOPIC, Q_HAS_ARTICLE, Q_HAS_SERVICE, Q_ALL_ARTICLES,
    Q_SERVICE_KINDS, Q_META, Q_META_TITLE, Q_EACH_ARTICLE, Q_EACH_SERVICE, Q_COUNT
};

static const char *const query_sql[Q_COUNT] = {
    [Q_TOPICS] = TOPIC_SQL " ORDER BY t.position, t.id",
    [Q_TOPIC] = TOPIC_SQL " WHERE t.id = ?2",
    [Q_ARTICLES] = ARTICLE_SQL("''") " WHERE a.topic = ?2 ORDER BY a.position, a.id",
    [Q_ARTICLE] = ARTICLE_SQL("x.body") " WHERE a.id = ?2",
    [Q_SERVICES] = SERVICE_SQL " WHERE ?2 IS NULL OR s.kind = ?2 ORDER BY s.position, s.id",
    [Q_SERVICE] = SERVICE_SQL " WHERE s.id = ?2",
    [Q_HAS_TOPIC] = "SELECT 1 FROM topics WHERE id = ?1",
    [Q_HAS_ARTICLE] = "SELECT 1 FROM articles WHERE id = ?1",
    [Q_HAS_SERVICE] = "SELECT 1 FROM services WHERE id = ?1",
    [Q_ALL_ARTICLES] = "SELECT id, topic FROM articles",
    [Q_SERVICE_KINDS] = "SELECT id, kind FROM services",
    [Q_META] = "SELECT value FROM meta WHERE key = ?1",
    [Q_META_TITLE] = "SELECT value FROM meta WHERE substr(key, 1, 6) = 'title.'"
                     " ORDER BY " RANK("substr(key, 7)") " LIMIT 1",
    [Q_EACH_ARTICLE] = "SELECT a.id, a.topic, x.lang, x.title, x.summary, x.body"
                       " FROM articles a JOIN article_text x ON x.article = a.id"
                       " ORDER BY a.position, a.id, x.lang",
    [Q_EACH_SERVICE] = "SELECT s.id, s.kind, coalesce(nullif(x.name, ''), s.name), x.notes,"
                       " x.lang, s.country, s.region, s.city, s.address, s.phones,"
                       " s.messaging, s.hours, s.languages, s.cost, s.nationalities,"
                       " s.verified, s.verified_by, s.lat, s.lon, s.example"
                       " FROM services s LEFT JOIN service_text x ON x.service = s.id"
                       " ORDER BY s.position, s.id, x.lang",
};

static const char *const service_kinds[SCHEMA_NKINDS] = SCHEMA_KINDS;

struct store_pack {
    pack *p;            /* one reference, held while the pack is in the store */
    sqlite3 *db;        /* pack_db(p) */
    sqlite3_stmt *q[Q_COUNT];
    char name[STORE_NAME_LEN];
    char id[FARO_MAX_ID_LEN + 1];   /* meta id */
};

struct store {
    int npacks;
    struct store_pack packs[FARO_MAX_PACKS];
};

/* ---------------------------------------------------------------- errors */


/* ---------------------------------------------------------------- results */

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
};

/* The object behind a store_result: `pub` must stay first. */
struct result_box {
    store_result pub;
    void *items;
    size_t item_size;
    int cap;
    int oom;                    /* sticky: an allocation failed */
    struct arena_block *blocks;
};

static struct result_box *box_new(size_t item_size)
{
    struct result_box *b = sqlite3_malloc64(sizeof *b);
    if (b) {
        memset(b, 0, sizeof *b);
        b->item_size = item_size;
    }
    return b;
}

void store_result_free(store_result *r)
{
    struct result_box *b = (struct result_box *)r;
    struct arena_block *blk, *next;
    if (!b)
        return;
    for (blk = b->blocks; blk; blk = next) {
        next = blk->next;
        sqlite3_free(blk);
    }
    sqlite3_free(b->items);
    sqlite3_free(b);
}

/* Copies len bytes plus a NUL into the box's arena; "" on failure (and
 * the box remembers the failure). */
static const char *box_strndup(struct result_box *b, const char *str, size_t len)
{
    struct arena_block *blk = b->blocks;
    char *dst;
    if (!str || len == 0)
        return "";
    if (!blk || blk->cap - blk->used < len + 1) {
        size_t cap = len + 1 > STORE_ARENA_BLOCK ? len + 1 : STORE_ARENA_BLOCK;
        blk = sqlite3_malloc64(sizeof *blk + cap);
        if (!blk) {
            b->oom = 1;
            return "";
        }
        blk->used = 0;
        blk->cap = cap;
        blk->next = b->blocks;
        b->blocks = blk;
    }
    dst = blk->data + blk->used;
    memcpy(dst, str, len);
    dst[len] = '\0';
    blk->used += len + 1;
    return dst;
}

static const char *box_col(struct result_box *b, sqlite3_stmt *st, int i)
{
    const char *text = (const char *)sqlite3_column_text(st, i);
    return box_strndup(b, text, (size_t)sqlite3_column_bytes(st, i));
}

/* Appends one zeroed item; NULL when out of memory. */
static void *box_push(struct result_box *b)
{
    char *item;
    if (b->pub.n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 16;
        void *items = sqlite3_realloc64(b->items, (size_t)cap * b->item_size);
        if (!items) {
            b->oom = 1;
            return NULL;
        }
        b->items = items;
        b->cap = cap;
        b->pub.u.topics = items;
    }
    item = (char *)b->items + (size_t)b->pub.n * b->item_size;
    memset(item, 0, b->item_size);
    b->pub.n++;
    return item;
}

/* ---------------------------------------------------------------- rows */

typedef void row_fn(struct result_box *b, sqlite3_stmt *st);

static void topic_row(struct result_box *b, sqlite3_stmt *st)
{
    struct store_topic *t = box_push(b);
    if (!t)
        return;
    t->id = box_col(b, st, 0);
    t->icon = box_col(b, st, 1);
    t->lang = box_col(b, st, 2);
    t->title = box_col(b, st, 3);
    t->summary = box_col(b, st, 4);
    t->narticles = 0;           /* counted afterwards, across packs */
}

static void article_row(struct result_box *b, sqlite3_stmt *st)
{
    struct store_article *a = box_push(b);
    if (!a)
        return;
    a->id = box_col(b, st, 0);
    a->topic = box_col(b, st, 1);
    a->lang = box_col(b, st, 2);
    a->title = box_col(b, st, 3);
    a->summary = box_col(b, st, 4);
    a->body = box_col(b, st, 5);
}

static void service_row(struct result_box *b, sqlite3_stmt *st)
{
    struct store_service *v = box_push(b);
    if (!v)
        return;
    v->id = box_col(b, st, 0);
    v->kind = box_col(b, st, 1);
    v->name = box_col(b, st, 2);
    v->notes = box_col(b, st, 3);
    v->lang = box_col(b, st, 4);
    v->country = box_col(b, st, 5);
    v->region = box_col(b, st, 6);
    v->city = box_col(b, st, 7);
    v->address = box_col(b, st, 8);
    v->phones = box_col(b, st, 9);
    v->messaging = box_col(b, st, 10);
    v->hours = box_col(b, st, 11);
    v->languages = box_col(b, st, 12);
    v->cost = box_col(b, st, 13);
    v->nationalities = box_col(b, st, 14);
    v->verified = box_col(b, st, 15);
    v->verified_by = box_col(b, st, 16);
    v->has_coords = sqlite3_column_type(st, 17) != SQLITE_NULL &&
                    sqlite3_column_type(st, 18) != SQLITE_NULL;
    v->lat = v->has_coords ? sqlite3_column_double(st, 17) : 0.0;
    v->lon = v->has_coords ? sqlite3_column_double(st, 18) : 0.0;
    v->example = sqlite3_column_int(st, 19) != 0;
}

/* ---------------------------------------------------------------- queries */

/* Writes the chain as ",ht,fr,en," in lower case (BCP 47 tags compare
 * without case; tags with a comma or too long are skipped: they cannot
 * match a valid pack's tag anyway). */
static void chain_string(const char *const *langs, char *buf, size_t len)
{
    size_t used = 1;
    int i;
    buf[0] = ',';
    buf[1] = '\0';
    for (i = 0; langs && langs[i] && i < FARO_MAX_LANGS; i++) {
        size_t n = strlen(langs[i]);
        if (n == 0 || n > FARO_MAX_LANG_LEN || strchr(langs[i], ','))
            continue;
        if (used + n + 2 > len)
            break;
        for (size_t j = 0; j < n; j++)
            buf[used++] = (char)tolower((unsigned char)langs[i][j]);
        buf[used++] = ',';
        buf[used] = '\0';
    }
}

static void stmt_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* 1 when a pack before `p` has the id (it wins), 0 when not, <0 on error. */
static int shadowed(store *s, int p, int q, const char *id)
{
    int i, rc;
    for (i = 0; i < p; i++) {
        sqlite3_stmt *st = s->packs[i].q[q];
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        stmt_done(st);
        if (rc == SQLITE_ROW)
            return 1;
        if (rc != SQLITE_DONE)
            return -1;
    }
    return 0;
}

static int sql_fail(store *s, int p, char *err, size_t errlen)
{
    return faro_fail(err, errlen, FARO_ESQL, "%s: %s", s->packs[p].name,
                sqlite3_errmsg(s->packs[p].db));
}

/* Runs query q of pack p (chain, key) and adds the rows no earlier pack
 * shadows (has_q names the id lookup; -1 to take every row). */
static int gather_pack(store *s, int p, int q, int has_q, const char *chain,
                       const char *key, row_fn *row, struct result_box *b,
                       char *err, size_t errlen)
{
    sqlite3_stmt *st = s->packs[p].q[q];
    int rc, hidden = 0;
    sqlite3_bind_text(st, 1, chain, -1, SQLITE_STATIC);
    if (key)
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && !b->oom) {
        if (has_q >= 0)
            hidden = shadowed(s, p, has_q, (const char *)sqlite3_column_text(st, 0));
        if (hidden < 0)
            break;
        if (!hidden)
            row(b, st);
    }
    if (b->oom)
        rc = faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
    else if (hidden < 0)
        rc = faro_fail(err, errlen, FARO_ESQL, "%s: id lookup failed", s->packs[p].name);
    else if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        rc = sql_fail(s, p, err, errlen);
    else
        rc = 0;
    stmt_done(st);
    return rc;
}

/* A merged list: every pack's rows of query q, earlier packs winning. */
static int gather(store *s, int q, int has_q, const char *const *langs,
                  const char *key, row_fn *row, size_t item_size,
                  store_result **out, char *err, size_t errlen)
{
    char chain[STORE_CHAIN_LEN];
    struct result_box *b = box_new(item_size);
    int p, rc = 0;
    *out = NULL;
    if (!b)
        return faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
    chain_string(langs, chain, sizeof chain);
    for (p = 0; p < s->npacks && rc == 0; p++)
        rc = gather_pack(s, p, q, has_q, chain, key, row, b, err, errlen);
    if (rc < 0) {
        store_result_free(&b->pub);
        return rc;
    }
    *out = &b->pub;
    return 0;
}

/* One item by id: the first pack that has it answers. */
static int find_one(store *s, int q, const char *what, const char *const *langs,
                    const char *id, row_fn *row, size_t item_size,
                    store_result **out, char *err, size_t errlen)
{
    char chain[STORE_CHAIN_LEN];
    struct result_box *b;
    int p, rc = 0;
    *out = NULL;
    if (!id)
        return faro_fail(err, errlen, FARO_EINVAL, "no %s id given", what);
    if (!(b = box_new(item_size)))
        return faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
    chain_string(langs, chain, sizeof chain);
    for (p = 0; p < s->npacks && rc == 0 && b->pub.n == 0; p++)
        rc = gather_pack(s, p, q, -1, chain, id, row, b, err, errlen);
    if (rc == 0 && b->pub.n == 0)
        rc = faro_fail(err, errlen, FARO_ENOTFOUND, "%s '%s' not found", what, id);
    if (rc < 0) {
        store_result_free(&b->pub);
        return rc;
    }
    *out = &b->pub;
    return 0;
}

static int topic_index(const store_result *r, const char *topic)
{
    int i;
    for (i = 0; topic && i < r->n; i++)
        if (strcmp(r->u.topics[i].id, topic) == 0)
            return i;
    return -1;
}

/* Adds pack p's articles that no earlier pack shadows to the counts of
 * the topics in r (one pass over the pack's narrow articles table). */
static int count_pack_articles(store *s, int p, store_result *r)
{
    sqlite3_stmt *st = s->packs[p].q[Q_ALL_ARTICLES];
    int rc, i, hidden = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        i = topic_index(r, (const char *)sqlite3_column_text(st, 1));
        if (i < 0)
            continue;
        hidden = shadowed(s, p, Q_HAS_ARTICLE, (const char *)sqlite3_column_text(st, 0));
        if (hidden < 0)
            break;
        r->u.topics[i].narticles += !hidden;
    }
    stmt_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Fills narticles of every topic in r; on error frees r. */
static int count_articles(store *s, store_result **r, char *err, size_t errlen)
{
    int p;
    for (p = 0; p < s->npacks; p++) {
        if (count_pack_articles(s, p, *r) < 0) {
            store_result_free(*r);
            *r = NULL;
            return sql_fail(s, p, err, errlen);
        }
    }
    return 0;
}

int store_topics(store *s, const char *const *langs, store_result **out,
                 char *err, size_t errlen)
{
    int rc = gather(s, Q_TOPICS, Q_HAS_TOPIC, langs, NULL, topic_row,
                    sizeof(struct store_topic), out, err, errlen);
    return rc < 0 ? rc : count_articles(s, out, err, errlen);
}

int store_topic(store *s, const char *id, const char *const *langs,
                store_result **out, char *err, size_t errlen)
{
    int rc = find_one(s, Q_TOPIC, "topic", langs, id, topic_row,
                      sizeof(struct store_topic), out, err, errlen);
    return rc < 0 ? rc : count_articles(s, out, err, errlen);
}

int store_articles(store *s, const char *topic, const char *const *langs,
                   store_result **out, char *err, size_t errlen)
{
    if (!topic) {
        *out = NULL;
        return faro_fail(err, errlen, FARO_EINVAL, "no topic id given");
    }
    return gather(s, Q_ARTICLES, Q_HAS_ARTICLE, langs, topic, article_row,
                  sizeof(struct store_article), out, err, errlen);
}

int store_article(store *s, const char *id, const char *const *langs,
                  store_result **out, char *err, size_t errlen)
{
    return find_one(s, Q_ARTICLE, "article", langs, id, article_row,
                    sizeof(struct store_article), out, err, errlen);
}

int store_services(store *s, const char *kind, const char *const *langs,
                   store_result **out, char *err, size_t errlen)
{
    if (kind && !kind[0])
        kind = NULL;
    return gather(s, Q_SERVICES, Q_HAS_SERVICE, langs, kind, service_row,
                  sizeof(struct store_service), out, err, errlen);
}

int store_service(store *s, const char *id, const char *const *langs,
                  store_result **out, char *err, size_t errlen)
{
    return find_one(s, Q_SERVICE, "service", langs, id, service_row,
                    sizeof(struct store_service), out, err, errlen);
}

/* ---------------------------------------------------------------- every text */

/* Column i as a string borrowed from the statement ("" for NULL). */
static const char *col_view(sqlite3_stmt *st, int i)
{
    const char *text = (const char *)sqlite3_column_text(st, i);
    return text ? text : "";
}

static void article_view(sqlite3_stmt *st, struct store_article *a)
{
    a->id = col_view(st, 0);
    a->topic = col_view(st, 1);
    a->lang = col_view(st, 2);
    a->title = col_view(st, 3);
    a->summary = col_view(st, 4);
    a->body = col_view(st, 5);
}

static void service_view(sqlite3_stmt *st, struct store_service *v)
{
    const char **f[] = { &v->id, &v->kind, &v->name, &v->notes, &v->lang, &v->country,
                         &v->region, &v->city, &v->address, &v->phones, &v->messaging,
                         &v->hours, &v->languages, &v->cost, &v->nationalities,
                         &v->verified, &v->verified_by };
    for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++)
        *f[i] = col_view(st, i);
    v->has_coords = sqlite3_column_type(st, 17) != SQLITE_NULL &&
                    sqlite3_column_type(st, 18) != SQLITE_NULL;
    v->lat = v->has_coords ? sqlite3_column_double(st, 17) : 0.0;
    v->lon = v->has_coords ? sqlite3_column_double(st, 18) : 0.0;
    v->example = sqlite3_column_int(st, 19) != 0;
}

/* What store_each_* hand to each_pack: the caller's callback, typed. */
struct each_call {
    store_article_fn *article_fn;
    store_service_fn *service_fn;
    void *user;
    struct store_article article;
    struct store_service service;
};

static int each_call(struct each_call *c, sqlite3_stmt *st)
{
    if (c->article_fn) {
        article_view(st, &c->article);
        return c->article_fn(c->user, &c->article);
    }
    service_view(st, &c->service);
    return c->service_fn(c->user, &c->service);
}

/* Calls the callback for every row of query q of pack p that no earlier
 * pack shadows; the item points into the statement's row. */
static int each_pack(store *s, int p, int q, int has_q, struct each_call *c,
                     char *err, size_t errlen)
{
    sqlite3_stmt *st = s->packs[p].q[q];
    int rc, hidden = 0, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        hidden = shadowed(s, p, has_q, (const char *)sqlite3_column_text(st, 0));
        if (hidden < 0)
            break;
        if (!hidden)
            stop = each_call(c, st);
    }
    if (stop < 0)
        rc = stop;
    else if (hidden < 0)
        rc = faro_fail(err, errlen, FARO_ESQL, "%s: id lookup failed", s->packs[p].name);
    else if (rc != SQLITE_DONE)
        rc = sql_fail(s, p, err, errlen);
    else
        rc = 0;
    stmt_done(st);
    return rc;
}

int store_each_article_text(store *s, store_article_fn *fn, void *user,
                            char *err, size_t errlen)
{
    struct each_call c = { .article_fn = fn, .user = user };
    int p, rc = 0;
    if (!fn)
        return faro_fail(err, errlen, FARO_EINVAL, "no callback given");
    for (p = 0; p < s->npacks && rc == 0; p++)
        rc = each_pack(s, p, Q_EACH_ARTICLE, Q_HAS_ARTICLE, &c, err, errlen);
    return rc;
}

int store_each_service_text(store *s, store_service_fn *fn, void *user,
                            char *err, size_t errlen)
{
    struct each_call c = { .service_fn = fn, .user = user };
    int p, rc = 0;
    if (!fn)
        return faro_fail(err, errlen, FARO_EINVAL, "no callback given");
    for (p = 0; p < s->npacks && rc == 0; p++)
        rc = each_pack(s, p, Q_EACH_SERVICE, Q_HAS_SERVICE, &c, err, errlen);
    return rc;
}

static int kind_index(const char *kind)
{
    int i;
    for (i = 0; kind && i < SCHEMA_NKINDS; i++)
        if (strcmp(kind, service_kinds[i]) == 0)
            return i;
    return -1;
}

/* Marks in seen[] the kinds of pack p's services that no earlier pack shadows. */
static void pack_kinds(store *s, int p, int *seen)
{
    sqlite3_stmt *st = s->packs[p].q[Q_SERVICE_KINDS];
    while (sqlite3_step(st) == SQLITE_ROW) {
        int k = kind_index((const char *)sqlite3_column_text(st, 1));
        if (k < 0 || seen[k])
            continue;
        if (shadowed(s, p, Q_HAS_SERVICE, (const char *)sqlite3_column_text(st, 0)) == 0)
            seen[k] = 1;
    }
    stmt_done(st);
}

int store_service_kinds(store *s, const char **kinds, int max)
{
    int seen[SCHEMA_NKINDS] = {0};
    int p, i, n = 0;
    for (p = 0; p < s->npacks; p++)
        pack_kinds(s, p, seen);
    for (i = 0; i < SCHEMA_NKINDS && n < max; i++)
        if (seen[i])
            kinds[n++] = service_kinds[i];
    return n;
}

/* ---------------------------------------------------------------- pack info */

/* meta[key] of pack p copied into the box ("" when absent). */
static const char *meta_value(struct store_pack *pk, struct result_box *b,
                              int q, const char *arg)
{
    sqlite3_stmt *st = pk->q[q];
    const char *v = "";
    sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = box_col(b, st, 0);
    stmt_done(st);
    return v;
}

int store_packs(store *s, const char *const *langs, store_result **out,
                char *err, size_t errlen)
{
    char chain[STORE_CHAIN_LEN];
    struct result_box *b = box_new(sizeof(store_pack_info));
    int p;
    *out = NULL;
    if (!b)
        return faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
    chain_string(langs, chain, sizeof chain);
    for (p = 0; p < s->npacks && !b->oom; p++) {
        struct store_pack *pk = &s->packs[p];
        store_pack_info *pi = box_push(b);
        if (!pi)
            break;
        pi->id = meta_value(pk, b, Q_META, "id");
        pi->layer = meta_value(pk, b, Q_META, "layer");
        pi->type = meta_value(pk, b, Q_META, "type");
        pi->title = meta_value(pk, b, Q_META_TITLE, chain);
        pi->languages = meta_value(pk, b, Q_META, "languages");
        pi->created = meta_value(pk, b, Q_META, "created");
        pi->source = box_strndup(b, pk->name, strlen(pk->name));
        pi->version = strtol(meta_value(pk, b, Q_META, "version"), NULL, 10);
    }
    if (b->oom) {
        store_result_free(&b->pub);
        return faro_fail(err, errlen, FARO_ENOMEM, "out of memory");
    }
    *out = &b->pub;
    return 0;
}

/* ---------------------------------------------------------------- opening */

static void pack_release(struct store_pack *pk)
{
    int i;
    for (i = 0; i < Q_COUNT; i++) {
        sqlite3_finalize(pk->q[i]);
        pk->q[i] = NULL;
    }
    pack_close(pk->p);
    pk->p = NULL;
    pk->db = NULL;
}

/* The message for a statement that failed on a pack. */
static int db_fail(struct store_pack *pk, char *err, size_t errlen)
{
    if ((sqlite3_errcode(pk->db) & 0xff) == SQLITE_NOMEM)
        return faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", pk->name);
    return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: %s", pk->name,
                sqlite3_errmsg(pk->db));
}

/* A pack id may be open once: the first one added (the installed pack,
 * before the embedded copy it updates) is the one shown. */
static int check_unique(store *s, struct store_pack *pk, char *err, size_t errlen)
{
    int i;
    for (i = 0; i < s->npacks; i++)
        if (strcmp(s->packs[i].id, pk->id) == 0)
            return faro_fail(err, errlen, FARO_EPACK, "%s: pack '%s' is already open from %s",
                        pk->name, pk->id, s->packs[i].name);
    return 0;
}

static int prepare_all(struct store_pack *pk, char *err, size_t errlen)
{
    int i;
    for (i = 0; i < Q_COUNT; i++)
        if (sqlite3_prepare_v3(pk->db, query_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &pk->q[i], NULL) != SQLITE_OK)
            return db_fail(pk, err, errlen);
    return 0;
}

static int room_for_pack(store *s, const char *name, char *err, size_t errlen)
{
    if (s->npacks >= FARO_MAX_PACKS)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: more than %d packs open", name,
                    FARO_MAX_PACKS);
    return 0;
}

int store_add_pack(store *s, pack *p, char *err, size_t errlen)
{
    struct store_pack pk = {0};
    int rc;
    if (!p)
        return faro_fail(err, errlen, FARO_EINVAL, "no pack given");
    if ((rc = room_for_pack(s, pack_name(p), err, errlen)))
        return rc;
    pk.p = pack_ref(p);
    pk.db = pack_db(p);
    snprintf(pk.name, sizeof pk.name, "%s", pack_name(p));
    snprintf(pk.id, sizeof pk.id, "%s", pack_get_meta(p)->id);
    if ((rc = check_unique(s, &pk, err, errlen)) || (rc = prepare_all(&pk, err, errlen))) {
        pack_release(&pk);
        return rc;
    }
    s->packs[s->npacks++] = pk;
    return 0;
}

int store_add_file(store *s, const char *path, char *err, size_t errlen)
{
    pack *p = NULL;
    int rc;
    if (!path)
        return faro_fail(err, errlen, FARO_EINVAL, "no pack path given");
    if ((rc = room_for_pack(s, path, err, errlen)) ||
        (rc = pack_open_file(path, PACK_QUICK_CHECK, &p, err, errlen)))
        return rc;
    rc = store_add_pack(s, p, err, errlen);
    pack_close(p);
    return rc;
}

int store_add_memory(store *s, const void *data, size_t len, const char *name,
                     char *err, size_t errlen)
{
    pack *p = NULL;
    int rc;
    if ((rc = room_for_pack(s, name ? name : "(memory)", err, errlen)) ||
        (rc = pack_open_memory(data, len, name, 0, &p, err, errlen)))
        return rc;
    rc = store_add_pack(s, p, err, errlen);
    pack_close(p);
    return rc;
}

/* ---------------------------------------------------------------- lifetime */

store *store_new(void)
{
    store *s = sqlite3_malloc64(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    return s;
}

void store_free(store *s)
{
    int i;
    if (!s)
        return;
    for (i = 0; i < s->npacks; i++)
        pack_release(&s->packs[i]);
    sqlite3_free(s);
}

int store_pack_count(const store *s)
{
    return s ? s->npacks : 0;
}

/* ---------------------------------------------------------------- recordings */

/* The recording kinds, their id lookup and their tables (content/FORMAT.md:
 * audio/<lang>/<kind>-<id>.opus). */
static const struct rec_kind {
    const char *kind;
    int has_q;
    const char *sql;    /* ?1 lang: each item with text in it, and whether recorded */
} rec_kinds[] = {
#define REC_SQL(kind, table, text, col) \
    "SELECT i.id, EXISTS(SELECT 1 FROM media WHERE name = 'audio/' || ?1 || '/" kind "-' || i.id" \
    " || '.opus') FROM " table " i WHERE EXISTS(SELECT 1 FROM " text " x WHERE x." col " = i.id" \
    " AND x.lang = ?1)"
    { "article", Q_HAS_ARTICLE, REC_SQL("article", "articles", "article_text", "article") },
    { "topic", Q_HAS_TOPIC, REC_SQL("topic", "topics", "topic_text", "topic") },
    { "service", Q_HAS_SERVICE, REC_SQL("service", "services", "service_text", "service") },
#undef REC_SQL
};
#define REC_NKINDS ((int)(sizeof rec_kinds / sizeof rec_kinds[0]))

/* 1 when pack p has the id (lookup q), 0 when not, <0 on error. */
static int pack_has(store *s, int p, int q, const char *id)
{
    sqlite3_stmt *st = s->packs[p].q[q];
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    stmt_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static const struct rec_kind *rec_kind_of(const char *kind)
{
    for (int k = 0; kind && k < REC_NKINDS; k++)
        if (strcmp(rec_kinds[k].kind, kind) == 0)
            return &rec_kinds[k];
    return NULL;
}

int store_recording(store *s, const char *kind, const char *id, const char *lang,
                    void **bytes, size_t *len, char *err, size_t errlen)
{
    const struct rec_kind *k = rec_kind_of(kind);
    char name[FARO_MAX_ID_LEN + FARO_MAX_LANG_LEN + 32], mime[32];
    *bytes = NULL;
    *len = 0;
    if (!k || !id || !lang || strlen(id) > FARO_MAX_ID_LEN || strlen(lang) > FARO_MAX_LANG_LEN ||
        strchr(lang, '/'))
        return faro_fail(err, errlen, FARO_EINVAL, "no such recording kind or name");
    snprintf(name, sizeof name, "audio/%s/%s-%s.opus", lang, kind, id);
    for (int p = 0; p < s->npacks; p++) {
        int has = pack_has(s, p, k->has_q, id);
        if (has < 0)
            return sql_fail(s, p, err, errlen);
        if (!has)
            continue;               /* the first pack with the item decides */
        int rc = pack_media_get(s->packs[p].p, name, bytes, len, mime, sizeof mime, err, errlen);
        if (rc == 0 && strcmp(mime, "audio/ogg") != 0) {
            free(*bytes);
            *bytes = NULL;
            *len = 0;
            rc = faro_fail(err, errlen, FARO_ENOTFOUND, "%s: '%s' is not audio",
                           s->packs[p].name, name);
        }
        return rc;
    }
    return faro_fail(err, errlen, FARO_ENOTFOUND, "no %s '%.64s'", kind, id);
}

/* Adds pack p's unshadowed items of kind k in lang to *cov. */
static int coverage_pack(store *s, int p, const struct rec_kind *k, const char *lang,
                         store_coverage *cov, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc, hidden = 0;
    if (sqlite3_prepare_v2(s->packs[p].db, k->sql, -1, &st, NULL) != SQLITE_OK)
        return sql_fail(s, p, err, errlen);
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((hidden = shadowed(s, p, k->has_q, (const char *)sqlite3_column_text(st, 0))) < 0)
            break;
        if (hidden)
            continue;
        cov->items++;
        cov->recorded += sqlite3_column_int(st, 1) != 0;
    }
    rc = rc == SQLITE_DONE ? 0 : sql_fail(s, p, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

int store_coverage_get(store *s, const char *lang, store_coverage *out, char *err, size_t errlen)
{
    int rc = 0;
    memset(out, 0, sizeof *out);
    for (int k = 0; k < REC_NKINDS && rc == 0; k++)
        for (int p = 0; p < s->npacks && rc == 0; p++)
            rc = coverage_pack(s, p, &rec_kinds[k], lang, out, err, errlen);
    return rc;
}
