/*
 * test_yml.c — the YAML loader: normal documents load with their lines;
 * forged (alias bomb), truncated, oversized, deeply nested and duplicate-key
 * documents are refused with "<name>:<line>:<col>: <reason>".
 */
#include "check.h"
#include "faro.h"
#include "yml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err[FARO_MAX_ERRLEN];

static yml_node *load(const char *text)
{
    return yml_load_buf(text, strlen(text), "t.yaml", err, sizeof err);
}

static void test_normal(void)
{
    const char *doc =
        "id: org.faro.test\n"
        "version: 1\n"
        "languages: [es, en]\n"
        "title:\n"
        "  es: Hola\n"
        "  en: \"Hello: world\"\n"
        "topics:\n"
        "  - id: risks\n"
        "    articles: [a, b]\n"
        "  - id: rights\n"
        "empty:\n"
        "block: |\n"
        "  line one\n"
        "  line two\n";
    yml_node *r = load(doc);
    CHECK(r != NULL, "%s", err);
    CHECK(yml_type(r) == YML_MAP, "root type %d", yml_type(r));
    CHECK(yml_len(r) == 7, "len %d", yml_len(r));
    CHECK_STR(yml_get_str(r, "id", NULL), "org.faro.test");
    CHECK_STR(yml_get_str(r, "version", NULL), "1");
    CHECK_STR(yml_key_at(r, 2), "languages");
    const yml_node *langs = yml_get(r, "languages");
    CHECK(yml_type(langs) == YML_SEQ && yml_len(langs) == 2, "languages");
    CHECK_STR(yml_str(yml_at(langs, 1)), "en");
    CHECK(yml_line(langs) == 3, "line %d", yml_line(langs));
    CHECK_STR(yml_get_str(yml_get(r, "title"), "en", NULL), "Hello: world");
    const yml_node *topics = yml_get(r, "topics");
    CHECK(yml_len(topics) == 2, "topics %d", yml_len(topics));
    CHECK(yml_line(yml_at(topics, 1)) == 10, "line %d", yml_line(yml_at(topics, 1)));
    CHECK(yml_line(yml_get(yml_at(topics, 1), "id")) == 10, "id line");
    CHECK_STR(yml_get_str(r, "empty", "x"), "");
    CHECK_STR(yml_get_str(r, "block", NULL), "line one\nline two\n");
    CHECK_STR(yml_get_str(r, "missing", "def"), "def");
    CHECK(yml_get(r, "missing") == NULL, "absent key");
    CHECK(yml_str(r) == NULL, "map has no text");
    CHECK(yml_at(langs, 5) == NULL && yml_at(langs, -1) == NULL, "bounds");
    CHECK(yml_key_at(langs, 0) == NULL, "seq has no keys");
    CHECK(yml_type(NULL) == 0 && yml_line(NULL) == 0 && yml_len(NULL) == 0, "NULL");
    yml_free(r);
    yml_free(NULL);
}

static void test_empty_and_multi(void)
{
    yml_node *r = load("");
    CHECK(r && yml_type(r) == YML_MAP && yml_len(r) == 0, "empty doc is an empty map");
    yml_free(r);
    r = load("a: 1\n---\nb: 2\n");
    CHECK(r && yml_get(r, "a") && !yml_get(r, "b"), "first document only");
    yml_free(r);
    r = load("just text\n");
    CHECK_STR(yml_str(r), "just text");
    yml_free(r);
}

static void test_alias_bomb(void)
{
    const char *bomb =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
    CHECK(load(bomb) == NULL, "alias bomb refused");
    CHECK_STR(err, "t.yaml:1:4: anchors and aliases are not allowed");
    CHECK(load("a: x\nb: *a\n") == NULL, "alias refused");
    CHECK_CONTAINS(err, "t.yaml:2:4: anchors and aliases are not allowed");
    CHECK(load("a: &x 1\n") == NULL, "scalar anchor refused");
    CHECK_CONTAINS(err, "anchors and aliases are not allowed");
    CHECK(load("a: !!binary aGVsbG8=\n") == NULL, "tag refused");
    CHECK_CONTAINS(err, "t.yaml:1:4: tags are not allowed");
}

static void test_truncated(void)
{
    CHECK(load("a: [1, 2\n") == NULL, "unterminated flow seq");
    CHECK_CONTAINS(err, "t.yaml:2:1: ");
    CHECK(load("a: \"open\n") == NULL, "unterminated quote");
    CHECK_CONTAINS(err, "t.yaml:");
    CHECK_CONTAINS(err, "quoted scalar");
    CHECK(load("a:\n  - x\n - y\n") == NULL, "bad indentation");
    CHECK_CONTAINS(err, "t.yaml:3:");
    /* invalid UTF-8 */
    CHECK(load("a: \xff\xfe\n") == NULL, "invalid UTF-8");
    CHECK_CONTAINS(err, "UTF-8");
}

static void test_deep(void)
{
    char *doc = malloc(2001);
    memset(doc, '[', 1000);
    memset(doc + 1000, ']', 1000);
    doc[2000] = '\0';
    CHECK(load(doc) == NULL, "1000 levels refused");
    CHECK_STR(err, "t.yaml:1:17: nested deeper than 16 levels");
    doc[FARO_MAX_YAML_DEPTH] = '\0';                  /* 16 '[' then nothing */
    memset(doc, '[', FARO_MAX_YAML_DEPTH);
    memset(doc + FARO_MAX_YAML_DEPTH, ']', FARO_MAX_YAML_DEPTH);
    doc[2 * FARO_MAX_YAML_DEPTH] = '\0';
    yml_node *r = load(doc);
    CHECK(r != NULL, "16 levels load: %s", err);
    yml_free(r);
    free(doc);
}

static void test_keys(void)
{
    CHECK(load("a: 1\nb: 2\na: 3\n") == NULL, "duplicate key refused");
    CHECK_STR(err, "t.yaml:3:1: duplicate key 'a'");
    CHECK(load("? [x]\n: 1\n") == NULL, "complex key refused");
    CHECK_CONTAINS(err, "mapping keys must be plain strings");
    CHECK(load("{ {a: 1}: 2 }\n") == NULL, "map key refused");
    CHECK_CONTAINS(err, "mapping keys must be plain strings");
    yml_node *r = load("x: {a: 1}\ny: {a: 2}\n");
    CHECK(r != NULL, "same key in two maps is fine: %s", err);
    yml_free(r);
}

static void test_oversized(void)
{
    size_t n = FARO_MAX_FIELD_BYTES + 10;
    char *doc = malloc(n + 8);
    memcpy(doc, "a: ", 3);
    memset(doc + 3, 'x', n);
    strcpy(doc + 3 + n, "\n");
    CHECK(load(doc) == NULL, "oversized scalar refused");
    CHECK_STR(err, "t.yaml:1:4: value longer than 65536 bytes");
    free(doc);

    size_t big = (size_t)FARO_MAX_FILE_BYTES + 1;
    doc = malloc(big);
    memset(doc, '#', big);
    CHECK(yml_load_buf(doc, big, "big.yaml", err, sizeof err) == NULL, "big file refused");
    CHECK_CONTAINS(err, "big.yaml:1:1: file too big");
    free(doc);

    /* too many nodes: a flow list of FARO_MAX_YAML_NODES + 1 items */
    size_t items = FARO_MAX_YAML_NODES + 1;
    doc = malloc(items * 2 + 4);
    char *p = doc;
    *p++ = '[';
    for (size_t i = 0; i < items; i++) {
        *p++ = '1';
        *p++ = ',';
    }
    p[-1] = ']';
    *p = '\0';
    CHECK(load(doc) == NULL, "node bomb refused");
    CHECK_CONTAINS(err, "more than 200000 nodes");
    free(doc);
}

static void test_file(void)
{
    char path[] = "/tmp/faro-test-yml-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    const char *text = "k: v\nlist:\n  - 1\n  - 2\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write");
    close(fd);
    yml_node *r = yml_load_file(path, err, sizeof err);
    CHECK(r && yml_len(yml_get(r, "list")) == 2, "file loads: %s", err);
    yml_free(r);
    unlink(path);
    CHECK(yml_load_file("/nonexistent/x.yaml", err, sizeof err) == NULL, "missing file");
    CHECK_CONTAINS(err, "/nonexistent/x.yaml:0:0: cannot open");
}

int main(void)
{
    test_normal();
    test_empty_and_multi();
    test_alias_bomb();
    test_truncated();
    test_deep();
    test_keys();
    test_oversized();
    test_file();
    return check_done();
}
