/*
 * test_countries.c — the nationality picker's list (intl_countries): every
 * ISO country named in the reader's language and sorted by that
 * language's collation, not by bytes: in Spanish "Bélgica" before "Belice"
 * and "Haití" between "Guyana" and "Honduras"; in Arabic the alef forms
 * (أ إ آ ا) sort together by the letters that follow.
 */
#include "check.h"
#include "faro.h"
#include "intl.h"

#include <stdlib.h>
#include <string.h>

static int index_of(const intl_country *c, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].code, code) == 0)
            return i;
    return -1;
}

static void check_before(const intl_country *c, int n, const char *a, const char *b)
{
    int ia = index_of(c, n, a), ib = index_of(c, n, b);
    CHECK(ia >= 0 && ib >= 0 && ia < ib, "%s (%d: %s) before %s (%d: %s)", a, ia,
          ia >= 0 ? c[ia].name : "?", b, ib, ib >= 0 ? c[ib].name : "?");
}

static void test_spanish(void)
{
    intl_country *c = NULL;
    int n = intl_countries("es", &c);
    CHECK(n >= 240 && n < 260 && c, "es: %d countries", n);
    if (n <= 0)
        return;
    int ht = index_of(c, n, "HT");
    CHECK(ht > 0 && strcmp(c[ht].name, "Haití") == 0, "HT is Haití in es");
    check_before(c, n, "GY", "HT");         /* Guyana < Haití < Honduras */
    check_before(c, n, "HT", "HN");
    CHECK(ht > 0 && index_of(c, n, "HN") == ht + 1 && index_of(c, n, "GY") == ht - 1,
          "Haití right between Guyana and Honduras");
    check_before(c, n, "BE", "BZ");         /* Bélgica < Belice (bytes say otherwise) */
    check_before(c, n, "PE", "PL");         /* Perú < Polonia */
    check_before(c, n, "JP", "JO");         /* Japón < Jordania */
    check_before(c, n, "AT", "AZ");         /* Austria < Azerbaiyán */
    CHECK(index_of(c, n, "ZZ") < 0 && index_of(c, n, "MX") >= 0, "only real codes");
    for (int i = 1; i < n; i++)
        CHECK(strcmp(c[i - 1].code, c[i].code) != 0, "no duplicate %s", c[i].code);
    intl_countries_free(c);
}

static void test_arabic(void)
{
    intl_country *c = NULL;
    int n = intl_countries("ar", &c);
    CHECK(n >= 240 && c, "ar: %d countries", n);
    if (n <= 0)
        return;
    int et = index_of(c, n, "ET");
    CHECK(et >= 0 && strcmp(c[et].name, "إثيوبيا") == 0, "ET in ar");
    /* إثيوبيا (إ U+0625) sorts before أستراليا (أ U+0623): alef forms are one
     * letter, then ث < س; bytes would put أ first */
    check_before(c, n, "ET", "AU");
    check_before(c, n, "AM", "AU");         /* أرمينيا < أستراليا */
    check_before(c, n, "AU", "AL");         /* أستراليا < ألبانيا */
    check_before(c, n, "AL", "EG");         /* ألبانيا < مصر */
    intl_countries_free(c);
}

static void test_sort_subset(void)
{
    intl_country list[] = { { "HN", "Honduras" }, { "HT", "Haití" }, { "BZ", "Belice" },
                            { "BE", "Bélgica" } };
    CHECK(intl_countries_sort("es", list, 4) == 0, "sort");
    CHECK_STR(list[0].code, "BE");
    CHECK_STR(list[1].code, "BZ");
    CHECK_STR(list[2].code, "HT");
    CHECK_STR(list[3].code, "HN");
    CHECK(intl_countries_sort("es", list, 0) == 0 && intl_countries_sort("es", NULL, 2) == FARO_EINVAL,
          "edge cases");
    intl_countries_free(NULL);
}

int main(void)
{
    test_spanish();
    test_arabic();
    test_sort_subset();
    return check_done();
}
