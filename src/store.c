/*
 * store.c — the installed packs, opened read-only and merged into one view.
 *
 * A pack is an untrusted SQLite database (even a signed one: the key holder
 * may be careless), so the store opens it the way SQLite's "Defense Against
 * the Dark Arts" page says: read-only, defensive mode, no trusted schema, no
 * triggers or views, tight sqlite3_limit()s, cell_size_check on, no mmap.
 * Before any query it checks the file header (magic, page size, length), then
 * that sqlite_schema holds exactly the objects SCHEMA_SQL creates, same
 * type, name and SQL text (the reference is an in-memory database the store
 * builds from SCHEMA_SQL once, so the check follows schema.h by itself), then
 * PRAGMA quick_check, then prepares its queries, then reads the meta keys
 * (format, id, version, layer, type) and refuses a pack id already open.
 * The queries are prepared once per pack and kept; each use ends with
 * reset + clear_bindings.
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
 * single-threaded (SQLITE_OPEN_NOMUTEX): one store belongs to the UI thread.
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

/* SQLite limits for a pack connection (see the Dark Arts page). */
#define STORE_LIMIT_SQL_LENGTH   100000
#define STORE_LIMIT_COLUMNS      100
#define STORE_LIMIT_EXPR_DEPTH   20
#define STORE_LIMIT_COMPOUND     3
#define STORE_LIMIT_VDBE_OPS     25000
#define STORE_LIMIT_FUNC_ARGS    8
#define STORE_LIMIT_LIKE_LEN     50
#define STORE_LIMIT_VARIABLES    10
#define STORE_LIMIT_TRIGGERS     10
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
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    char name[STORE_NAME_LEN];
    char id[FARO_MAX_ID_LEN + 1];   /* meta id */
};

struct store {
    int npacks;
    struct store_pack packs[FARO_MAX_PACKS];
    sqlite3 *ref;       /* in-memory database holding SCHEMA_SQL, the reference */
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

static void pack_close(struct store_pack *pk)
{
    int i;
    for (i = 0; i < Q_COUNT; i++) {
        sqlite3_finalize(pk->q[i]);
        pk->q[i] = NULL;
    }
    sqlite3_close(pk->db);
    pk->db = NULL;
}

/* Checks the 100-byte database header against the pack's real length. */
static int check_header(const char *name, const unsigned char *h, size_t hlen,
                        unsigned long long len, char *err, size_t errlen)
{
    unsigned long long page, pages;
    if (hlen < 100 || memcmp(h, "SQLite format 3", 16) != 0)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a SQLite database", name);
    page = ((unsigned)h[16] << 8) | h[17];
    if (page == 1)
        page = 65536;
    pages = ((unsigned long long)h[28] << 24) | ((unsigned)h[29] << 16) |
            ((unsigned)h[30] << 8) | h[31];
    if (page < 512 || (page & (page - 1)))
        return faro_fail(err, errlen, FARO_EPACK, "%s: damaged SQLite database "
                    "(page size %llu)", name, page);
    if (pages * page != len)
        return faro_fail(err, errlen, FARO_EPACK, "%s: truncated or padded: the header "
                    "says %llu bytes, there are %llu", name, pages * page, len);
    if (h[18] != 1 || h[19] != 1)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: journal mode "
                    "WAL (rebuild the pack)", name);
    return 0;
}

/* Reads the header of the file at path and checks it (and the size bound). */
static int check_file(const char *path, char *err, size_t errlen)
{
    unsigned char h[100];
    struct stat st;
    size_t got;
    FILE *f = fopen(path, "rb");
    if (!f)
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    got = fread(h, 1, sizeof h, f);
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return faro_fail(err, errlen, FARO_EIO, "%s: %s", path, strerror(errno));
    }
    fclose(f);
    if (!S_ISREG(st.st_mode))
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a regular file", path);
    if ((unsigned long long)st.st_size > FARO_MAX_PACK_BYTES)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: %lld bytes, more than the "
                    "%llu a pack may have", path, (long long)st.st_size,
                    (unsigned long long)FARO_MAX_PACK_BYTES);
    return check_header(path, h, got, (unsigned long long)st.st_size, err, errlen);
}

/* Turns the connection's defences on, before the schema is ever read. */
static int harden(sqlite3 *db)
{
    static const int limits[][2] = {
        { SQLITE_LIMIT_LENGTH, FARO_MAX_FILE_BYTES },
        { SQLITE_LIMIT_SQL_LENGTH, STORE_LIMIT_SQL_LENGTH },
        { SQLITE_LIMIT_COLUMN, STORE_LIMIT_COLUMNS },
        { SQLITE_LIMIT_EXPR_DEPTH, STORE_LIMIT_EXPR_DEPTH },
        { SQLITE_LIMIT_COMPOUND_SELECT, STORE_LIMIT_COMPOUND },
        { SQLITE_LIMIT_VDBE_OP, STORE_LIMIT_VDBE_OPS },
        { SQLITE_LIMIT_FUNCTION_ARG, STORE_LIMIT_FUNC_ARGS },
        { SQLITE_LIMIT_ATTACHED, 0 },
        { SQLITE_LIMIT_LIKE_PATTERN_LENGTH, STORE_LIMIT_LIKE_LEN },
        { SQLITE_LIMIT_VARIABLE_NUMBER, STORE_LIMIT_VARIABLES },
        { SQLITE_LIMIT_TRIGGER_DEPTH, STORE_LIMIT_TRIGGERS },
    };
    size_t i;
    int rc = 0;
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
    rc |= sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
    for (i = 0; i < sizeof limits / sizeof limits[0]; i++)
        sqlite3_limit(db, limits[i][0], limits[i][1]);
    return rc == SQLITE_OK ? 0 : -1;
}

/* The message for a connection that failed: NOTADB and CORRUPT get words
 * a person can act on, the rest SQLite's own. */
static int db_fail(struct store_pack *pk, char *err, size_t errlen)
{
    int code = sqlite3_errcode(pk->db) & 0xff;
    if (code == SQLITE_NOTADB)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a SQLite database", pk->name);
    if (code == SQLITE_CORRUPT)
        return faro_fail(err, errlen, FARO_EPACK, "%s: damaged SQLite database: %s",
                    pk->name, sqlite3_errmsg(pk->db));
    return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: %s", pk->name,
                sqlite3_errmsg(pk->db));
}

/* Runs one pragma, ignoring the rows it returns. */
static int pragma(struct store_pack *pk, const char *sql, char *err, size_t errlen)
{
    if (sqlite3_exec(pk->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(pk, err, errlen);
    return 0;
}

/* The reference: an empty database made by SCHEMA_SQL itself. */
static int open_scratch(sqlite3 **ref)
{
    if (sqlite3_open_v2(":memory:", ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK ||
        sqlite3_exec(*ref, SCHEMA_SQL, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return 0;
}

/* Compares one pack object (type, name, sql) with the reference schema. */
static int check_object(struct store_pack *pk, sqlite3_stmt *ref, sqlite3_stmt *st,
                        char *err, size_t errlen)
{
    const char *type = (const char *)sqlite3_column_text(st, 0);
    const char *name = (const char *)sqlite3_column_text(st, 1);
    const char *sql = (const char *)sqlite3_column_text(st, 2);
    const char *rtype, *rsql;
    int rc = 0;
    sqlite3_bind_text(ref, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(ref) != SQLITE_ROW) {
        rc = faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: unexpected %s '%s'",
                  pk->name, type ? type : "object", name ? name : "");
        goto done;
    }
    rtype = (const char *)sqlite3_column_text(ref, 0);
    rsql = (const char *)sqlite3_column_text(ref, 1);
    if (!type || strcmp(type, rtype) != 0 || !sql != !rsql || (sql && strcmp(sql, rsql)))
        rc = faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: %s '%s' differs "
                  "from the Faro schema", pk->name, type ? type : "object", name);
done:
    stmt_done(ref);
    return rc;
}

/* Walks the pack's sqlite_schema against the reference; counts matches. */
static int walk_schema(struct store_pack *pk, sqlite3 *ref, int *matched,
                       char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL, *rq = NULL;
    int rc = 0, step;
    *matched = 0;
    if (sqlite3_prepare_v2(ref, "SELECT type, sql FROM sqlite_schema WHERE name = ?1",
                           -1, &rq, NULL) != SQLITE_OK) {
        rc = faro_fail(err, errlen, FARO_ENOMEM, "%s: out of memory", pk->name);
        goto done;
    }
    if (sqlite3_prepare_v2(pk->db, "SELECT type, name, sql FROM sqlite_schema",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(pk, err, errlen);
        goto done;
    }
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = check_object(pk, rq, st, err, errlen)) == 0)
            (*matched)++;
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_fail(pk, err, errlen);
done:
    sqlite3_finalize(st);
    sqlite3_finalize(rq);
    return rc;
}

/* Names the first reference object the pack lacks. */
static int name_missing(struct store_pack *pk, sqlite3 *ref, char *err, size_t errlen)
{
    sqlite3_stmt *rs = NULL, *has = NULL;
    int rc = faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: tables missing", pk->name);
    if (sqlite3_prepare_v2(ref, "SELECT type, name FROM sqlite_schema", -1, &rs, NULL) ||
        sqlite3_prepare_v2(pk->db, "SELECT 1 FROM sqlite_schema WHERE name = ?1", -1,
                           &has, NULL))
        goto done;
    while (sqlite3_step(rs) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(rs, 1);
        sqlite3_bind_text(has, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(has) != SQLITE_ROW) {
            rc = faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: missing %s '%s'",
                      pk->name, (const char *)sqlite3_column_text(rs, 0), name);
            break;
        }
        stmt_done(has);
    }
done:
    sqlite3_finalize(rs);
    sqlite3_finalize(has);
    return rc;
}

/* Number of objects in the reference schema (-1 on error). */
static int count_objects(sqlite3 *ref)
{
    sqlite3_stmt *st = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(ref, "SELECT count(*) FROM sqlite_schema", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* sqlite_schema must hold exactly what SCHEMA_SQL creates, byte for byte. */
static int check_schema(sqlite3 *ref, struct store_pack *pk, char *err, size_t errlen)
{
    int matched = 0, rc = walk_schema(pk, ref, &matched, err, errlen);
    if (rc == 0 && matched != count_objects(ref))
        rc = name_missing(pk, ref, err, errlen);
    return rc;
}

/* PRAGMA quick_check(1): "ok", or the first problem found. */
static int check_integrity(struct store_pack *pk, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *res;
    int rc = 0;
    if (sqlite3_prepare_v2(pk->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(pk, err, errlen);
        goto done;
    }
    res = (const char *)sqlite3_column_text(st, 0);
    if (res && strncmp(res, "*** in database", 15) == 0 && strchr(res, '\n'))
        res = strchr(res, '\n') + 1;   /* "*** in database main ***\nPage 2: ..." */
    if (!res || strcmp(res, "ok") != 0)
        rc = faro_fail(err, errlen, FARO_EPACK, "%s: damaged SQLite database: %.200s",
                  pk->name, res ? res : "quick_check failed");
done:
    sqlite3_finalize(st);
    return rc;
}

/* Copies meta[key] into buf ("" when absent); <0 on a SQLite error. */
static int meta_get(struct store_pack *pk, const char *key, char *buf, size_t len)
{
    sqlite3_stmt *st = pk->q[Q_META];
    int rc;
    buf[0] = '\0';
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    stmt_done(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* A whole decimal number >= 0 (no sign, no spaces), or -1. */
static long parse_count(const char *str)
{
    char *end;
    long v;
    if (!str[0] || str[0] < '0' || str[0] > '9')
        return -1;
    errno = 0;
    v = strtol(str, &end, 10);
    return *end || errno ? -1 : v;
}

/* meta: format == FARO_PACK_FORMAT, and id, version, layer, type present. */
static int check_meta(struct store_pack *pk, char *err, size_t errlen)
{
    static const char *const keys[] = { "id", "version", "layer", "type" };
    char value[STORE_NAME_LEN];
    size_t i;
    long format;
    if (meta_get(pk, "format", value, sizeof value) < 0)
        return db_fail(pk, err, errlen);
    if (!value[0])
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta has no 'format'",
                    pk->name);
    format = parse_count(value);
    if (format != FARO_PACK_FORMAT)
        return faro_fail(err, errlen, FARO_EPACK, "%s: pack format '%.64s', this kiosk reads "
                    "format %d", pk->name, value, FARO_PACK_FORMAT);
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (meta_get(pk, keys[i], value, sizeof value) < 0)
            return db_fail(pk, err, errlen);
        if (!value[0])
            return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta has no '%s'",
                        pk->name, keys[i]);
    }
    if (meta_get(pk, "version", value, sizeof value) < 0 || parse_count(value) < 0)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta version '%.64s' "
                    "is not a whole number", pk->name, value);
    if (meta_get(pk, "id", value, sizeof value) < 0 || strlen(value) > FARO_MAX_ID_LEN)
        return faro_fail(err, errlen, FARO_EPACK, "%s: not a Faro pack: meta id is longer "
                    "than %d characters", pk->name, FARO_MAX_ID_LEN);
    memcpy(pk->id, value, strlen(value) + 1);
    return 0;
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

/* Every check, in order, on a connection already opened and hardened.
 * `integrity` runs quick_check over every page: for files, which live on an
 * SD card; the embedded pack is part of the binary and skips it (it is the
 * same bytes faro-pack built and checked, and start-up is shorter). */
static int check_pack(store *s, struct store_pack *pk, int integrity, char *err, size_t errlen)
{
    int rc;
    if ((rc = pragma(pk, "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0;", err, errlen)) ||
        (rc = check_schema(s->ref, pk, err, errlen)) ||
        (integrity && (rc = check_integrity(pk, err, errlen))) ||
        (rc = prepare_all(pk, err, errlen)) ||
        (rc = check_meta(pk, err, errlen)) ||
        (rc = check_unique(s, pk, err, errlen)))
        return rc;
    return 0;
}

/* Keeps a checked pack, or closes it and passes the error on. */
static int keep_or_close(store *s, struct store_pack *pk, int rc)
{
    if (rc < 0) {
        pack_close(pk);
        return rc;
    }
    s->packs[s->npacks++] = *pk;
    return 0;
}

static int room_for_pack(store *s, const char *name, char *err, size_t errlen)
{
    if (s->npacks >= FARO_MAX_PACKS)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: more than %d packs open", name,
                    FARO_MAX_PACKS);
    return 0;
}

int store_add_file(store *s, const char *path, char *err, size_t errlen)
{
    struct store_pack pk = {0};
    int rc;
    if (!path)
        return faro_fail(err, errlen, FARO_EINVAL, "no pack path given");
    if ((rc = room_for_pack(s, path, err, errlen)) || (rc = check_file(path, err, errlen)))
        return rc;
    snprintf(pk.name, sizeof pk.name, "%s", path);
    if (sqlite3_open_v2(path, &pk.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        rc = faro_fail(err, errlen, FARO_EIO, "%s: %s", path,
                  pk.db ? sqlite3_errmsg(pk.db) : "out of memory");
    else if (harden(pk.db) != 0)
        rc = faro_fail(err, errlen, FARO_ESQL, "%s: cannot harden the connection", path);
    else
        rc = check_pack(s, &pk, 1, err, errlen);
    return keep_or_close(s, &pk, rc);
}

int store_add_memory(store *s, const void *data, size_t len, const char *name,
                     char *err, size_t errlen)
{
    struct store_pack pk = {0};
    int rc;
    if (!name)
        name = "(memory)";
    if (!data)
        return faro_fail(err, errlen, FARO_EINVAL, "%s: no data", name);
    if (len > FARO_MAX_PACK_BYTES)
        return faro_fail(err, errlen, FARO_ELIMIT, "%s: %zu bytes, more than the %llu a "
                    "pack may have", name, len, (unsigned long long)FARO_MAX_PACK_BYTES);
    if ((rc = room_for_pack(s, name, err, errlen)) ||
        (rc = check_header(name, data, len, len, err, errlen)))
        return rc;
    snprintf(pk.name, sizeof pk.name, "%s", name);
    if (sqlite3_open_v2(":memory:", &pk.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        rc = faro_fail(err, errlen, FARO_ENOMEM, "%s: cannot open an in-memory database", name);
    else if (harden(pk.db) != 0)
        rc = faro_fail(err, errlen, FARO_ESQL, "%s: cannot harden the connection", name);
    else if (sqlite3_deserialize(pk.db, "main", (unsigned char *)(uintptr_t)data,
                                 (sqlite3_int64)len, (sqlite3_int64)len,
                                 SQLITE_DESERIALIZE_READONLY) != SQLITE_OK)
        rc = db_fail(&pk, err, errlen);
    else
        rc = check_pack(s, &pk, 0, err, errlen);
    return keep_or_close(s, &pk, rc);
}

/* ---------------------------------------------------------------- lifetime */

store *store_new(void)
{
    store *s = sqlite3_malloc64(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    if (open_scratch(&s->ref) != 0) {
        store_free(s);
        return NULL;
    }
    return s;
}

void store_free(store *s)
{
    int i;
    if (!s)
        return;
    for (i = 0; i < s->npacks; i++)
        pack_close(&s->packs[i]);
    sqlite3_close(s->ref);
    sqlite3_free(s);
}

int store_pack_count(const store *s)
{
    return s ? s->npacks : 0;
}
