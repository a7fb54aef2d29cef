/* test_intl_names.c — names, dates and opening hours in the reader's language (ICU). */
#include <string.h>
#include "check.h"
#include "intl.h"

int main(void)
{
    char buf[512];
    intl_country_name("HT", "es", buf, sizeof buf);
    CHECK_STR(buf, "Haití");
    intl_country_name("MX", "fr", buf, sizeof buf);
    CHECK_STR(buf, "Mexique");
    intl_country_name("ZZ9", "es", buf, sizeof buf);
    CHECK_STR(buf, "ZZ9");
    intl_language_name("ht", "es", buf, sizeof buf);
    CHECK_STR(buf, "criollo haitiano");
    intl_language_name("fr", "ar", buf, sizeof buf);
    CHECK_STR(buf, "الفرنسية");
    intl_date("2026-10-01", "es", buf, sizeof buf);
    CHECK_STR(buf, "1 de octubre de 2026");
    intl_date("2026-02-30", "es", buf, sizeof buf);
    CHECK_STR(buf, "2026-02-30");
    CHECK(intl_days("1970-01-02") == 1, "day arithmetic");
    CHECK(intl_days("2024-03-01") - intl_days("2024-02-28") == 2, "leap year");
    CHECK(intl_days("2023-02-29") == -1 && intl_days("garbage") == -1 && intl_days(NULL) == -1, "bad dates");
    intl_hours("Mo-Fr 09:00-17:00; Sa 09:00-13:00", "es", buf, sizeof buf);
    CHECK_STR(buf, "lunes–viernes 09:00-17:00\nsábado 09:00-13:00");
    intl_hours("Mo,We 10:00-12:00", "fr", buf, sizeof buf);
    CHECK_STR(buf, "lundi, mercredi 10:00-12:00");
    intl_hours("Su 08:00-10:00", "ar", buf, sizeof buf);
    CHECK_STR(buf, "الأحد 08:00-10:00");
    intl_hours("when the moon is full", "es", buf, sizeof buf);
    CHECK_STR(buf, "when the moon is full");
    intl_hours("24/7", "es", buf, sizeof buf);
    CHECK_STR(buf, "24/7");
    intl_hours("", "es", buf, sizeof buf);
    CHECK_STR(buf, "");
    char tiny[8];
    intl_hours("Mo-Fr 09:00-17:00", "es", tiny, sizeof tiny);
    CHECK(strlen(tiny) < sizeof tiny, "bounded output");
    return check_done();
}
