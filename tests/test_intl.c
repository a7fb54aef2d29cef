/*
 * test_intl.c — the one language-tag rule (intl_lang_valid), and that the
 * config and the locale check both follow it: es-419 is a tag for cfg.c
 * as much as for lint (it was refused by the config before).
 */
#include "check.h"
#include "cfg.h"
#include "faro.h"
#include "intl.h"
#include "lcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const good[] = { "es", "es-419", "zh-Hans", "pt-BR", "ti", "ar", "sr-Latn-RS",
                                    "fa-AF", "zh-Hans-CN", "qaa" };
static const char *const bad[] = { "", "e", "toolong-xx-", "../x", "es_ES", "es-", "-es", "ES",
                                   "es--419", "es-toolongsub", "und", "x-private", "es 419",
                                   "es.yaml", "abcd", "es-419-es-419-x" };

static void test_rule(void)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK(intl_lang_valid(good[i]) == 1, "'%s' accepted", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(intl_lang_valid(bad[i]) == 0, "'%s' refused", bad[i]);
    CHECK(intl_lang_valid(NULL) == 0, "NULL refused");
}

/* cfg_load of "languages: [es, TAG]"; returns its code. */
static int cfg_with(const char *tag)
{
    char path[] = "/tmp/faro-intl-cfg-XXXXXX", err[FARO_MAX_ERRLEN];
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return -100;
    fprintf(f, "languages: [es, \"%s\"]\n", tag);
    fclose(f);
    cfg c;
    cfg_defaults(&c);
    int rc = cfg_load(&c, path, err, sizeof err);
    unlink(path);
    return rc;
}

/* The locale check's errors for a locale file whose meta.lang is tag. */
static int lcheck_with(const char *tag)
{
    char en[] = "meta: {lang: en, endonym: English, direction: ltr, fallback: [], reviewed: true}\n"
                "strings:\n  a: Hello\n";
    char other[512], name[64];
    snprintf(other, sizeof other, "meta: {lang: \"%s\", endonym: X, direction: ltr, fallback: [en],"
             " reviewed: false}\nstrings:\n  a: Hola\n", tag);
    snprintf(name, sizeof name, "locales/%s.yaml", tag);
    lcheck *c = lcheck_new();
    lcheck_add_buf(c, "locales/en.yaml", en, strlen(en));
    lcheck_add_buf(c, name, other, strlen(other));
    lcheck_run(c);
    int errors = lcheck_errors(c);
    lcheck_free(c);
    return errors;
}

static void test_cfg_and_lint_agree(void)
{
    static const char *const tags[] = { "es-419", "zh-Hans", "pt-BR", "ti", "es_ES", "e", "../x",
                                        "toolong-xx-" };
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        int ok = intl_lang_valid(tags[i]);
        int c = cfg_with(tags[i]), l = lcheck_with(tags[i]);
        CHECK(ok ? c == 0 : c == FARO_EPARSE, "config and '%s': %d", tags[i], c);
        CHECK(ok ? l == 0 : l > 0, "locale check and '%s': %d errors", tags[i], l);
    }
}

int main(void)
{
    test_rule();
    test_cfg_and_lint_agree();
    return check_done();
}
