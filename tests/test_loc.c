/* test_loc.c — locales: the real files, fallback chains, placeholders, CLDR plurals, broken files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "faro.h"
#include "loc.h"
#include "log.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_repo_locales(void)
{
    loc_set *L = loc_new();
    int n = loc_load_dir(L, "locales");
    char buf[256];
    CHECK(n >= 12, "at least 12 locales, got %d", n);
    const char *need[] = { "es", "en", "fr", "ht", "pt", "ar", "bn", "zh", "am", "ur", "fa", "hi" };
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        CHECK(loc_has(L, need[i]), "locale %s present", need[i]);
    CHECK_STR(loc_endonym(L, "ht"), "Kreyòl ayisyen");
    CHECK(loc_is_rtl(L, "ar") && loc_is_rtl(L, "ur") && loc_is_rtl(L, "fa") && !loc_is_rtl(L, "es"), "rtl flags");
    CHECK(loc_reviewed(L, "en") && !loc_reviewed(L, "ht"), "review flags");
    const char *chain[LOC_MAX_CHAIN + 1];
    int c = loc_chain(L, "ht", chain);
    CHECK(c == 3 && !strcmp(chain[0], "ht") && !strcmp(chain[1], "fr") && !strcmp(chain[2], "en"),
          "ht -> fr -> en (%d)", c);
    loc_plural(L, "fr", "dir.count", 0, buf, sizeof buf, NULL);
    CHECK_STR(buf, "0 service");
    loc_plural(L, "en", "dir.count", 1, buf, sizeof buf, NULL);
    CHECK_STR(buf, "1 service");
    loc_plural(L, "en", "dir.count", 7, buf, sizeof buf, NULL);
    CHECK_STR(buf, "7 services");
    loc_format(L, "en", "service.verified", buf, sizeof buf, "date", "1 May 2026", "who", "Ana", NULL);
    CHECK_STR(buf, "Last checked on 1 May 2026 by Ana");
    CHECK_STR(loc_str(L, "xx", "nav.back"), "Back");
    CHECK_STR(loc_str(L, "es", "no.such.key"), "no.such.key");
    loc_free(L);
}

static void test_fallback_and_broken(void)
{
    char dir[] = "/tmp/faro-loc-XXXXXX", path[512], err[FARO_MAX_ERRLEN];
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    snprintf(path, sizeof path, "%s/en.yaml", dir);
    write_file(path, "meta: {lang: en, endonym: English, direction: ltr, fallback: [], reviewed: true}\n"
                     "strings:\n  a: A in English\n  b: B in English\n"
                     "  n:\n    one: \"{count} thing\"\n    other: \"{count} things\"\n");
    snprintf(path, sizeof path, "%s/fr.yaml", dir);
    write_file(path, "meta: {lang: fr, endonym: Français, direction: ltr, fallback: [en]}\nstrings:\n  a: A en français\n");
    snprintf(path, sizeof path, "%s/ht.yaml", dir);
    write_file(path, "meta: {lang: ht, endonym: Kreyòl, direction: ltr, fallback: [fr, en]}\nstrings:\n  x: y\n");
    snprintf(path, sizeof path, "%s/ar.yaml", dir);
    write_file(path, "meta: {lang: ar, endonym: العربية, direction: rtl}\nstrings:\n"
                     "  n:\n    zero: \"لا شيء\"\n    one: \"شيء واحد\"\n    two: \"شيئان\"\n"
                     "    few: \"{count} أشياء\"\n    many: \"{count} شيئًا\"\n    other: \"{count} شيء\"\n");
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    write_file(path, "meta: {lang: bad\nstrings: [\n");
    snprintf(path, sizeof path, "%s/nodir.yaml", dir);
    write_file(path, "meta: {lang: qq, direction: sideways}\nstrings: {}\n");
    loc_set *L = loc_new();
    log_quiet(1);
    int n = loc_load_dir(L, dir);
    log_quiet(0);
    CHECK(n == 4, "4 good locales, broken ones skipped (%d)", n);
    CHECK_STR(loc_str(L, "ht", "a"), "A en français");
    CHECK_STR(loc_str(L, "ht", "b"), "B in English");
    char buf[128];
    const long counts[] = { 0, 1, 2, 3, 11, 100 };
    const char *want[] = { "لا شيء", "شيء واحد", "شيئان", "3 أشياء", "11 شيئًا", "100 شيء" };
    for (int i = 0; i < 6; i++) {
        loc_plural(L, "ar", "n", counts[i], buf, sizeof buf, NULL);
        CHECK_STR(buf, want[i]);
    }
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    CHECK(loc_load_file(L, path, err, sizeof err) == FARO_EPARSE, "broken YAML refused");
    CHECK_CONTAINS(err, "bad.yaml:");
    snprintf(path, sizeof path, "%s/nodir.yaml", dir);
    CHECK(loc_load_file(L, path, err, sizeof err) == FARO_EPARSE, "bad direction refused");
    CHECK_CONTAINS(err, "direction must be ltr or rtl");
    CHECK(loc_count(L) == 4, "failed loads change nothing");
    loc_free(L);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
}

int main(void)
{
    test_repo_locales();
    test_fallback_and_broken();
    return check_done();
}
