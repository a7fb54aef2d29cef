/*
 * test_catalog.c — the mirror catalog: a valid one round-trips through
 * publish_catalog_text and catalog_parse; every kind of forged, truncated and
 * oversized text is refused with the line and reason; replay and expiry
 * verdicts; subscription patterns.
 */
#include "check.h"
#include "catalog.h"
#include "publish.h"

#include <stdlib.h>
#include <string.h>

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HASH H64 H64

static const char good[] =
    "faro-catalog 1\n"
    "version 1767225600\n"
    "expires 2027-01-31T00:00:00Z\n"
    "pack org.faro.default 3 base 1843200 " HASH " packs/org.faro.default-3.faro\n"
    "pack org.shelter.tapachula 12 site 4096 " HASH " packs/org.shelter.tapachula-12.faro\n";

static void test_good(void)
{
    char err[FARO_MAX_ERRLEN] = "";
    catalog *c = catalog_parse(good, strlen(good), err, sizeof err);
    CHECK(c != NULL, "parse: %s", err);
    if (!c)
        return;
    CHECK(catalog_version(c) == 1767225600LL, "version %lld", catalog_version(c));
    CHECK(catalog_expires(c) == 1801353600LL, "expires %lld", catalog_expires(c));
    CHECK(catalog_count(c) == 2, "count %d", catalog_count(c));
    const catalog_entry *e = catalog_at(c, 1);
    CHECK_STR(e->id, "org.shelter.tapachula");
    CHECK(e->version == 12, "version %ld", e->version);
    CHECK_STR(e->layer, "site");
    CHECK(e->size == 4096, "size %llu", e->size);
    CHECK_STR(e->hash_hex, HASH);
    CHECK_STR(e->path, "packs/org.shelter.tapachula-12.faro");

    char *out = NULL;
    catalog_entry two[2] = { *catalog_at(c, 0), *catalog_at(c, 1) };
    long n = publish_catalog_text(catalog_version(c), catalog_expires(c), two, 2, &out, err, sizeof err);
    CHECK(n == (long)strlen(good), "format length %ld: %s", n, err);
    CHECK_STR(out, good);
    free(out);
    catalog_free(c);
}

/* Each case: text that must be refused, and what the message must say. */
static const struct bad { const char *text, *want; } bads[] = {
    { "", "empty" },
    { "faro-catalog 1\nversion 5\n", "expires line missing" },
    { "faro-catalog 1\nexpires 2027-01-31T00:00:00Z\n", "version line missing" },
    { "faro-catalog 2\nversion 5\nexpires 2027-01-31T00:00:00Z\n", "catalog:1: unsupported" },
    { "faro-katalog 1\n", "catalog:1: not a Faro catalog" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z", "truncated" },
    { "faro-catalog 1\r\nversion 5\n", "CR" },
    { "faro-catalog 1\nversion -5\nexpires 2027-01-31T00:00:00Z\n", "catalog:2: bad version" },
    { "faro-catalog 1\nversion 05\nexpires 2027-01-31T00:00:00Z\n", "catalog:2: bad version" },
    { "faro-catalog 1\nversion 99999999999999999999\nexpires 2027-01-31T00:00:00Z\n", "catalog:2: bad version" },
    { "faro-catalog 1\nversion 5\nversion 6\n", "catalog:3: version given twice" },
    { "faro-catalog 1\nversion 5\nexpires 2027-02-31T00:00:00Z\n", "catalog:3: bad expiry" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31\n", "catalog:3: bad expiry" },
    { "faro-catalog 1\nversion  5\n", "catalog:2: words must be separated" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\nmirror http://x\n", "catalog:4: unknown line" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack Org.X 1 base 10 " HASH " p.faro\n", "catalog:4: bad pack id" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 0 base 10 " HASH " p.faro\n", "catalog:4: bad pack version" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 top 10 " HASH " p.faro\n", "catalog:4: bad layer" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 999999999999 " HASH " p.faro\n", "catalog:4: bad or too large size" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 10 " H64 " p.faro\n", "catalog:4: bad hash" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 10 " HASH " ../etc/passwd\n", "catalog:4: bad path" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 10 " HASH " /abs.faro\n", "catalog:4: bad path" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 10 " HASH " a//b.faro\n", "catalog:4: bad path" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 10 " HASH " http://evil/x.faro\n", "catalog:4: bad path" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 10 " HASH " a.faro\npack org.x 2 base 10 " HASH " b.faro\n",
      "catalog:5: pack id listed twice" },
    { "faro-catalog 1\nversion 5\nexpires 2027-01-31T00:00:00Z\n"
      "pack org.x 1 base 10 " HASH "\n", "catalog:4: unknown line" },
};

static void test_bad(void)
{
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        char err[FARO_MAX_ERRLEN] = "";
        catalog *c = catalog_parse(bads[i].text, strlen(bads[i].text), err, sizeof err);
        CHECK(c == NULL, "case %zu parsed", i);
        CHECK_CONTAINS(err, bads[i].want);
        catalog_free(c);
    }
}

/* Every truncation of a good catalog at a line boundary minus one byte is refused. */
static void test_truncated(void)
{
    char err[FARO_MAX_ERRLEN];
    size_t len = strlen(good);
    int refused = 0, total = 0;
    for (size_t cut = 0; cut < len; cut++) {
        catalog *c = catalog_parse(good, cut, err, sizeof err);
        /* cutting just after a complete line may leave a valid shorter catalog */
        if (cut > 0 && good[cut - 1] == '\n')
            { catalog_free(c); continue; }
        total++;
        refused += c == NULL;
        catalog_free(c);
    }
    CHECK(refused == total, "%d of %d truncations refused", refused, total);
}

static void test_oversized(void)
{
    char err[FARO_MAX_ERRLEN] = "";
    size_t len = CATALOG_MAX_BYTES + 1;
    char *big = malloc(len);
    memset(big, '\n', len);
    catalog *c = catalog_parse(big, len, err, sizeof err);
    CHECK(c == NULL, "oversized parsed");
    CHECK_CONTAINS(err, "over the limit");
    free(big);

    /* too many entries */
    catalog_entry *e = calloc(CATALOG_MAX_ENTRIES + 1, sizeof *e);
    char *out = NULL;
    long n = publish_catalog_text(1, 2, e, CATALOG_MAX_ENTRIES + 1, &out, err, sizeof err);
    CHECK(n == FARO_ELIMIT && out == NULL, "format of too many: %ld", n);
    /* an entry that would not parse back */
    snprintf(e[0].id, sizeof e[0].id, "bad id");
    n = publish_catalog_text(1, 2, e, 1, &out, err, sizeof err);
    CHECK(n == FARO_EINVAL && out == NULL, "format of a bad entry: %ld", n);
    free(e);
}

static void test_fresh(void)
{
    char err[FARO_MAX_ERRLEN] = "";
    catalog *c = catalog_parse(good, strlen(good), err, sizeof err);
    long long v = catalog_version(c), exp = catalog_expires(c);
    CHECK(catalog_check_fresh(c, 0, exp - 1, err, sizeof err) == CATALOG_FRESH, "new");
    CHECK(catalog_check_fresh(c, v, exp, err, sizeof err) == CATALOG_FRESH, "equal version");
    CHECK(catalog_check_fresh(c, v + 1, exp - 1, err, sizeof err) == CATALOG_OLD, "replay");
    CHECK_CONTAINS(err, "older than version 1767225601");
    CHECK(catalog_check_fresh(c, v, exp + 1, err, sizeof err) == CATALOG_EXPIRED, "expired");
    CHECK_CONTAINS(err, "expired at 2027-01-31T00:00:00Z");
    catalog_free(c);
}

static void test_subscribed(void)
{
    const char *pats[] = { "org.faro.default", "org.shelter.*" };
    const char *all[] = { "*" };
    CHECK(catalog_subscribed("org.faro.default", pats, 2), "exact");
    CHECK(!catalog_subscribed("org.faro.default2", pats, 2), "exact is not a prefix");
    CHECK(catalog_subscribed("org.shelter.tapachula", pats, 2), "prefix");
    CHECK(!catalog_subscribed("org.shelterx", pats, 2), "prefix needs the dot");
    CHECK(!catalog_subscribed("org.faro.default", pats, 0), "nothing subscribed");
    CHECK(catalog_subscribed("anything", all, 1), "star");
}

int main(void)
{
    test_good();
    test_bad();
    test_truncated();
    test_oversized();
    test_fresh();
    test_subscribed();
    return check_done();
}
