/*
 * yml.c — a bounded YAML loader: libyaml events in, a small read-only tree out.
 *
 * libyaml does the hard part (scanning, UTF-8 checks, block and flow
 * syntax) and hands us a stream of events; this module turns the events
 * of the first document into a tree of nodes, each remembering its line.
 * The idea is that everything an author can write in Faro's YAML is plain
 * data: strings, lists and string-keyed maps.  So anything else is refused
 * with a message naming line and column: anchors and aliases (the "billion
 * laughs" bomb needs them), explicit tags, complex keys, duplicate keys.
 * Debian's libyaml has no nesting limit, so the builder keeps its own stack
 * of open collections and stops at FARO_MAX_YAML_DEPTH before libyaml's
 * internal stacks can grow; node count, scalar size and file size are
 * bounded by the FARO_MAX_* constants as well.  Scalars are kept as text
 * (`1` and `yes` are the strings "1" and "yes"); callers interpret them.
 * An empty document loads as an empty mapping.
 */
#include "yml.h"
#include "faro.h"
#include "fsio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

struct yml_node {
    int type;               /* enum yml_type */
    int line;               /* 1-based */
    char *str;              /* scalar text (NUL-terminated), NULL otherwise */
    int len, cap;           /* items of a sequence or mapping */
    yml_node **items;       /* children (values for a mapping) */
    char **keys;            /* mapping keys, parallel to items */
};

/* The state of one load: the open collections and the key waiting for
 * its value in each open mapping. */
typedef struct {
    const char *name;
    char *err;
    size_t errlen;
    int nodes;
    int depth;
    yml_node *stack[FARO_MAX_YAML_DEPTH + 1];
    char *pending_key[FARO_MAX_YAML_DEPTH + 1];
    yml_node *root;
    int done;
} builder;

static void set_err(builder *b, yaml_mark_t mark, const char *fmt, ...)
{
    char reason[FARO_MAX_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (b->err && b->errlen)
        snprintf(b->err, b->errlen, "%s:%zu:%zu: %s", b->name,
                 mark.line + 1, mark.column + 1, reason);
}

static yml_node *node_new(builder *b, int type, yaml_mark_t mark)
{
    if (b->nodes >= FARO_MAX_YAML_NODES) {
        set_err(b, mark, "more than %d nodes", FARO_MAX_YAML_NODES);
        return NULL;
    }
    yml_node *n = calloc(1, sizeof *n);
    if (!n) {
        set_err(b, mark, "out of memory");
        return NULL;
    }
    b->nodes++;
    n->type = type;
    n->line = (int)mark.line + 1;
    return n;
}

void yml_free(yml_node *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->len; i++) {
        yml_free(n->items[i]);
        if (n->keys)
            free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->str);
    free(n);
}

static int find_key(const yml_node *map, const char *key)
{
    for (int i = 0; i < map->len; i++)
        if (strcmp(map->keys[i], key) == 0)
            return i;
    return -1;
}

static int grow(yml_node *n)
{
    if (n->len < n->cap)
        return 0;
    int cap = n->cap ? n->cap * 2 : 4;
    yml_node **items = realloc(n->items, (size_t)cap * sizeof *items);
    if (!items)
        return -1;
    n->items = items;
    if (n->type == YML_MAP) {
        char **keys = realloc(n->keys, (size_t)cap * sizeof *keys);
        if (!keys)
            return -1;
        n->keys = keys;
    }
    n->cap = cap;
    return 0;
}

/* Hands a finished node to the open collection (or makes it the root).
 * Takes ownership of `n` in every case. */
static int attach(builder *b, yml_node *n, yaml_mark_t mark)
{
    if (b->depth == 0) {
        b->root = n;
        return 0;
    }
    yml_node *parent = b->stack[b->depth - 1];
    char **pending = &b->pending_key[b->depth - 1];
    if (parent->type == YML_MAP && !*pending) {
        /* n is a key: only scalars reach here (collections are refused
         * when they start), so take its text */
        if (find_key(parent, n->str) >= 0) {
            set_err(b, mark, "duplicate key '%s'", n->str);
            yml_free(n);
            return -1;
        }
        *pending = n->str;
        n->str = NULL;
        yml_free(n);
        b->nodes--;
        return 0;
    }
    if (grow(parent) < 0) {
        set_err(b, mark, "out of memory");
        yml_free(n);
        return -1;
    }
    if (parent->type == YML_MAP) {
        parent->keys[parent->len] = *pending;
        *pending = NULL;
    }
    parent->items[parent->len++] = n;
    return 0;
}

static int refuse_decorations(builder *b, const yaml_event_t *ev,
                              const yaml_char_t *anchor, const yaml_char_t *tag,
                              int implicit)
{
    if (anchor) {
        set_err(b, ev->start_mark, "anchors and aliases are not allowed");
        return -1;
    }
    if (tag && !implicit) {
        set_err(b, ev->start_mark, "tags are not allowed ('%s')", (const char *)tag);
        return -1;
    }
    return 0;
}

static int on_scalar(builder *b, const yaml_event_t *ev)
{
    const yaml_char_t *tag = ev->data.scalar.tag;
    int implicit = ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit;
    if (refuse_decorations(b, ev, ev->data.scalar.anchor, tag, implicit) < 0)
        return -1;
    size_t len = ev->data.scalar.length;
    if (len > FARO_MAX_FIELD_BYTES) {
        set_err(b, ev->start_mark, "value longer than %d bytes", FARO_MAX_FIELD_BYTES);
        return -1;
    }
    if (memchr(ev->data.scalar.value, 0, len)) {
        set_err(b, ev->start_mark, "value contains a NUL character");
        return -1;
    }
    yml_node *n = node_new(b, YML_SCALAR, ev->start_mark);
    if (!n)
        return -1;
    n->str = malloc(len + 1);
    if (!n->str) {
        set_err(b, ev->start_mark, "out of memory");
        yml_free(n);
        return -1;
    }
    memcpy(n->str, ev->data.scalar.value, len);
    n->str[len] = '\0';
    return attach(b, n, ev->start_mark);
}

static int on_start(builder *b, const yaml_event_t *ev, int type)
{
    int seq = type == YML_SEQ;
    const yaml_char_t *anchor = seq ? ev->data.sequence_start.anchor
                                    : ev->data.mapping_start.anchor;
    const yaml_char_t *tag = seq ? ev->data.sequence_start.tag : ev->data.mapping_start.tag;
    int implicit = seq ? ev->data.sequence_start.implicit : ev->data.mapping_start.implicit;
    if (refuse_decorations(b, ev, anchor, tag, implicit) < 0)
        return -1;
    if (b->depth > 0 && b->stack[b->depth - 1]->type == YML_MAP &&
        !b->pending_key[b->depth - 1]) {
        set_err(b, ev->start_mark, "mapping keys must be plain strings");
        return -1;
    }
    if (b->depth >= FARO_MAX_YAML_DEPTH) {
        set_err(b, ev->start_mark, "nested deeper than %d levels", FARO_MAX_YAML_DEPTH);
        return -1;
    }
    yml_node *n = node_new(b, type, ev->start_mark);
    if (!n)
        return -1;
    b->stack[b->depth] = n;
    b->pending_key[b->depth] = NULL;
    b->depth++;
    return 0;
}

static int on_end(builder *b, const yaml_event_t *ev)
{
    b->depth--;
    yml_node *n = b->stack[b->depth];
    free(b->pending_key[b->depth]);     /* NULL unless the stream was odd */
    b->pending_key[b->depth] = NULL;
    return attach(b, n, ev->start_mark);
}

/* Handles one event; returns -1 on error, 0 to go on. */
static int on_event(builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, YML_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, YML_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b, ev);
    case YAML_ALIAS_EVENT:
        set_err(b, ev->start_mark, "anchors and aliases are not allowed");
        return -1;
    case YAML_DOCUMENT_END_EVENT:
    case YAML_STREAM_END_EVENT:
        b->done = 1;
        return 0;
    default:
        return 0;
    }
}

static void parser_err(builder *b, const yaml_parser_t *p)
{
    yaml_mark_t mark = p->problem_mark;
    const char *what = p->problem ? p->problem : "malformed YAML";
    if (p->error == YAML_MEMORY_ERROR)
        what = "out of memory";
    if (p->context)
        set_err(b, mark, "%s %s", what, p->context);
    else
        set_err(b, mark, "%s", what);
}

static void unwind(builder *b)
{
    while (b->depth > 0) {
        b->depth--;
        yml_free(b->stack[b->depth]);
        free(b->pending_key[b->depth]);
    }
    yml_free(b->root);
    b->root = NULL;
}

yml_node *yml_load_buf(const char *buf, size_t len, const char *name,
                       char *err, size_t errlen)
{
    builder b = { .name = name ? name : "(yaml)", .err = err, .errlen = errlen };
    yaml_parser_t p;
    yaml_mark_t start = { 0, 0, 0 };
    if (err && errlen)
        err[0] = '\0';
    if (len > FARO_MAX_FILE_BYTES) {
        set_err(&b, start, "file too big (more than %u bytes)", FARO_MAX_FILE_BYTES);
        return NULL;
    }
    if (!yaml_parser_initialize(&p)) {
        set_err(&b, start, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    int failed = 0;
    while (!b.done && !failed) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            parser_err(&b, &p);
            failed = 1;
            break;
        }
        failed = on_event(&b, &ev) < 0;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (failed) {
        unwind(&b);
        return NULL;
    }
    if (!b.root)
        b.root = node_new(&b, YML_MAP, start);  /* empty document */
    return b.root;
}

/* Reads a whole file of at most FARO_MAX_FILE_BYTES (fsio_read); NULL with
 * err "FILE:0:0: why", the position editors expect. */
static char *read_bounded(const char *path, size_t *len, char *err, size_t errlen)
{
    char *buf, why[FARO_MAX_ERRLEN];
    long n = fsio_read(path, FARO_MAX_FILE_BYTES, 0, &buf, why, sizeof why);
    if (n < 0) {
        size_t skip = strlen(path);
        const char *reason = strncmp(why, path, skip) == 0 && why[skip] == ':' ? why + skip + 2 : why;
        snprintf(err, errlen, "%s:0:0: %s%s", path, n == FARO_ENOTFOUND ?
                 "cannot open: " : "", reason);
        return NULL;
    }
    *len = (size_t)n;
    return buf;
}

yml_node *yml_load_file(const char *path, char *err, size_t errlen)
{
    char dummy[1];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    size_t len = 0;
    char *buf = read_bounded(path, &len, err, errlen);
    if (!buf)
        return NULL;
    yml_node *root = yml_load_buf(buf, len, path, err, errlen);
    free(buf);
    return root;
}

int yml_type(const yml_node *n)
{
    return n ? n->type : 0;
}

int yml_line(const yml_node *n)
{
    return n ? n->line : 0;
}

const char *yml_str(const yml_node *n)
{
    return n && n->type == YML_SCALAR ? n->str : NULL;
}

int yml_len(const yml_node *n)
{
    return n && n->type != YML_SCALAR ? n->len : 0;
}

const yml_node *yml_at(const yml_node *n, int i)
{
    if (!n || n->type == YML_SCALAR || i < 0 || i >= n->len)
        return NULL;
    return n->items[i];
}

const char *yml_key_at(const yml_node *n, int i)
{
    if (!n || n->type != YML_MAP || i < 0 || i >= n->len)
        return NULL;
    return n->keys[i];
}

const yml_node *yml_get(const yml_node *map, const char *key)
{
    if (!map || map->type != YML_MAP || !key)
        return NULL;
    int i = find_key(map, key);
    return i >= 0 ? map->items[i] : NULL;
}

const char *yml_get_str(const yml_node *map, const char *key, const char *def)
{
    const char *s = yml_str(yml_get(map, key));
    return s ? s : def;
}
