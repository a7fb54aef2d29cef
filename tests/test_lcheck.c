/* test_lcheck.c — the locale check: the real locales/ are clean, and each
 * kind of broken file gives its own message and count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "faro.h"
#include "lcheck.h"

#define EN "meta: {lang: en, endonym: English, direction: ltr, fallback: [], reviewed: true}\n" \
           "strings:\n  a: Hello {name}\n  b: Plain\n" \
           "  n:\n    one: \"{count} thing in {place}\"\n    other: \"{count} things in {place}\"\n"

/* Runs the check of one file against EN; returns the check (caller frees). */
static lcheck *check_one(const char *name, const char *text)
{
    lcheck *c = lcheck_new();
    lcheck_add_buf(c, "locales/en.yaml", EN, strlen(EN));
    lcheck_add_buf(c, name, text, strlen(text));
    lcheck_run(c);
    return c;
}

/* 1 when some message contains needle. */
static int has_msg(const lcheck *c, const char *needle)
{
    for (int i = 0; i < lcheck_messages(c); i++)
        if (strstr(lcheck_message(c, i, NULL), needle))
            return 1;
    return 0;
}

static void dump(const lcheck *c)
{
    for (int i = 0; i < lcheck_messages(c); i++)
        fprintf(stderr, "  %s\n", lcheck_message(c, i, NULL));
}

static void test_repo_locales(void)
{
    char err[FARO_MAX_ERRLEN];
    lcheck *c = lcheck_new();
    int rc = lcheck_dir(c, "locales", err, sizeof err);
    CHECK(rc == 0, "locales/ has %d errors", rc);
    if (rc)
        dump(c);
    CHECK(lcheck_count(c) >= 12, "%d languages", lcheck_count(c));
    CHECK(lcheck_source_keys(c) > 100, "%d source keys", lcheck_source_keys(c));
    for (int i = 0; i < lcheck_count(c); i++) {
        const lcheck_lang *r = lcheck_at(c, i);
        CHECK(r->valid && r->translated + r->missing == lcheck_source_keys(c), "%s counts add up", r->lang);
        if (!strcmp(r->lang, "en"))
            CHECK(r->missing == 0 && r->unreviewed == 0 && r->reviewed, "en complete and reviewed");
        if (!strcmp(r->lang, "ar"))
            CHECK(r->rtl && !r->reviewed && r->unreviewed == r->translated, "ar rtl, all unreviewed");
    }
    lcheck_free(c);
}

static void test_good_translation(void)
{
    lcheck *c = check_one("locales/es.yaml",
        "meta: {lang: es, endonym: Español, direction: ltr, fallback: [en], reviewed: true}\n"
        "strings:\n  a: Hola {name}\n"
        "  n:\n    one: \"una cosa en {place}\"\n    other: \"{count} cosas en {place}\"\n");
    const lcheck_lang *r = lcheck_at(c, 1);
    CHECK(lcheck_errors(c) == 0 && lcheck_warnings(c) == 0, "clean (%d, %d)", lcheck_errors(c),
          lcheck_warnings(c));
    dump(c);
    CHECK(r->translated == 2 && r->missing == 1 && r->unreviewed == 0, "es counts %d %d %d",
          r->translated, r->missing, r->unreviewed);
    lcheck_free(c);
}

static void test_placeholders(void)
{
    lcheck *c = check_one("locales/fr.yaml",
        "meta: {lang: fr, endonym: Français, direction: ltr, fallback: [en], reviewed: false}\n"
        "strings:\n  a: Bonjour {nom}\n  b: Simple\n"
        "  n:\n    one: \"{count} chose\"\n    other: \"{count} choses à {place}\"\n");
    const lcheck_lang *r = lcheck_at(c, 1);
    CHECK(has_msg(c, "locales/fr.yaml:3: a: placeholder {nom} is not in the source text"), "unknown ph");
    CHECK(has_msg(c, "locales/fr.yaml:3: a: placeholder {name} of the source text is missing"), "missing ph");
    CHECK(has_msg(c, "locales/fr.yaml:6: n: placeholder {place} of the source text is missing"), "plural ph");
    CHECK(r->placeholders == 2 && r->unreviewed == 3 && r->translated == 3, "fr counts %d %d",
          r->placeholders, r->unreviewed);
    lcheck_free(c);
}

static void test_plurals(void)
{
    lcheck *c = check_one("locales/ar.yaml",
        "meta: {lang: ar, endonym: العربية, direction: rtl, fallback: [en], reviewed: false}\n"
        "strings:\n  n:\n    one: \"{count} {place}\"\n    dual: \"{count} {place}\"\n"
        "    other: \"{count} {place}\"\n");
    CHECK(has_msg(c, "locales/ar.yaml:5: n: plural form 'dual' is not a CLDR category of ar"), "bad cat");
    CHECK(has_msg(c, "warning: n: missing plural form 'few'"), "missing few is a warning");
    CHECK(lcheck_at(c, 1)->plurals == 1, "plurals count");
    lcheck_free(c);
    c = check_one("locales/pt.yaml",
        "meta: {lang: pt, endonym: Português, direction: ltr, fallback: [en], reviewed: false}\n"
        "strings:\n  n:\n    one: \"{count} {place}\"\n");
    CHECK(has_msg(c, "locales/pt.yaml:4: n: plural forms lack 'other'"), "no other");
    CHECK(!has_msg(c, "'many'"), "pt 'many' (only for millions) is optional");
    lcheck_free(c);
}

static void test_meta(void)
{
    lcheck *c = check_one("locales/fa.yaml",
        "meta: {lang: fa, endonym: فارسی, direction: ltr, fallback: [xx], reviewed: maybe}\n"
        "strings: {b: ب}\n");
    CHECK(has_msg(c, "locales/fa.yaml:1: meta.direction is ltr but fa is written right to left"), "dir");
    CHECK(has_msg(c, "locales/fa.yaml:1: meta.fallback: unknown language 'xx'"), "fallback");
    CHECK(has_msg(c, "locales/fa.yaml:1: meta.reviewed must be true or false"), "reviewed");
    lcheck_free(c);
    c = check_one("locales/ht.yaml", "meta:\n  lang: fr\n  direction: ltr\nstrings: {b: x}\n");
    CHECK(has_msg(c, "locales/ht.yaml:2: missing meta field 'endonym'"), "endonym");
    CHECK(has_msg(c, "locales/ht.yaml:2: missing meta field 'fallback'"), "fallback field");
    CHECK(has_msg(c, "locales/ht.yaml:2: meta.lang is 'fr' but the file is named for 'ht'"), "name");
    lcheck_free(c);
}

static void test_invalid_yaml(void)
{
    lcheck *c = check_one("locales/pt.yaml", "meta: {lang: pt\nstrings:\n  a: [\n");
    CHECK(lcheck_errors(c) == 1 && !lcheck_at(c, 1)->valid, "one error, row invalid");
    CHECK(has_msg(c, "locales/pt.yaml:2:"), "file:line:col");
    CHECK(lcheck_at(c, 1)->missing == 3, "all missing");
    lcheck_free(c);
    c = check_one("locales/pt.yaml", "- just\n- a list\n");
    CHECK(has_msg(c, "missing 'meta' block") && has_msg(c, "missing 'strings' mapping"), "not a locale");
    lcheck_free(c);
}

static void test_missing_dir(void)
{
    char err[FARO_MAX_ERRLEN];
    lcheck *c = lcheck_new();
    CHECK(lcheck_dir(c, "/nonexistent/faro", err, sizeof err) == FARO_EIO, "missing folder");
    lcheck_free(c);
    c = lcheck_new();
    CHECK(lcheck_dir(c, "tests", err, sizeof err) == FARO_ENOTFOUND, "no en.yaml");
    CHECK_CONTAINS(err, "no en.yaml");
    lcheck_free(c);
    lcheck_free(NULL);
}

int main(void)
{
    test_repo_locales();
    test_good_translation();
    test_placeholders();
    test_plurals();
    test_meta();
    test_invalid_yaml();
    test_missing_dir();
    return check_done();
}
