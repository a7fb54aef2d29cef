/*
 * yml.h — a bounded YAML loader into a small read-only tree.
 *
 * libyaml parses; this module builds a tree of scalars, sequences and
 * mappings, remembering the line of every node so that callers can say
 * "topics.yaml:12: unknown topic 'x'".  Because Debian's libyaml 0.2.5 has
 * no nesting limit, the loader bounds depth (FARO_MAX_YAML_DEPTH), node count
 * (FARO_MAX_YAML_NODES), scalar size (FARO_MAX_FIELD_BYTES) and file size
 * (FARO_MAX_FILE_BYTES), and refuses anchors, aliases, tags other than the
 * plain ones, and duplicate mapping keys.  Only the first document is read.
 */
#ifndef FARO_YML_H
#define FARO_YML_H

#include <stddef.h>

typedef struct yml_node yml_node;

enum yml_type { YML_SCALAR = 1, YML_SEQ = 2, YML_MAP = 3 };

/* Loads a file.  Returns the root (free with yml_free) or NULL with err set
 * to "<path>:<line>:<col>: <reason>". */
yml_node *yml_load_file(const char *path, char *err, size_t errlen);

/* Same from memory; `name` is used in messages. */
yml_node *yml_load_buf(const char *buf, size_t len, const char *name,
                       char *err, size_t errlen);

void yml_free(yml_node *root);              /* accepts NULL */

int yml_type(const yml_node *n);            /* enum yml_type, 0 for NULL */
int yml_line(const yml_node *n);            /* 1-based line, 0 for NULL */
const char *yml_str(const yml_node *n);     /* scalar text, NULL if not a scalar */
int yml_len(const yml_node *n);             /* items of a seq or map, 0 otherwise */
const yml_node *yml_at(const yml_node *n, int i);        /* i-th seq item or map value */
const char *yml_key_at(const yml_node *n, int i);        /* i-th map key, NULL if not a map */
const yml_node *yml_get(const yml_node *map, const char *key); /* NULL if absent */

/* Convenience: scalar under key, or `def` when absent / not a scalar. */
const char *yml_get_str(const yml_node *map, const char *key, const char *def);

#endif
