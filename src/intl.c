/*
 * intl.c — thin wrappers over ICU's display names and date formatting.
 *
 * ICU answers in UTF-16; each wrapper converts to UTF-8 into the caller's
 * buffer and falls back to the raw input when ICU has no answer, so a
 * screen always has something to show.
 */
#include "intl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

static int to_utf8(const UChar *u, int ulen, char *buf, size_t size)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t out = 0;
    u_strToUTF8(buf, (int32_t)size, &out, u, ulen, &st);
    if (U_FAILURE(st) || (size_t)out >= size)
        return -1;
    buf[out] = 0;
    return out;
}

static int copy_raw(const char *s, char *buf, size_t size)
{
    return snprintf(buf, size, "%s", s ? s : "");
}

int intl_country_name(const char *code, const char *lang, char *buf, size_t size)
{
    char loc[32];
    UChar u[128];
    UErrorCode st = U_ZERO_ERROR;
    snprintf(loc, sizeof loc, "und_%s", code);
    int n = uloc_getDisplayCountry(loc, lang, u, 128, &st);
    if (U_FAILURE(st) || st == U_USING_DEFAULT_WARNING || n <= 0)
        return copy_raw(code, buf, size);
    n = to_utf8(u, n, buf, size);
    return n < 0 ? copy_raw(code, buf, size) : n;
}

int intl_language_name(const char *tag, const char *lang, char *buf, size_t size)
{
    UChar u[128];
    UErrorCode st = U_ZERO_ERROR;
    int n = uloc_getDisplayLanguage(tag, lang, u, 128, &st);
    if (U_FAILURE(st) || n <= 0)
        return copy_raw(tag, buf, size);
    n = to_utf8(u, n, buf, size);
    return n < 0 ? copy_raw(tag, buf, size) : n;
}

static int days_in_month(int y, int m)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return (m == 2 && leap) ? 29 : d[m - 1];
}

long intl_days(const char *ymd)
{
    int y, m, d;
    char tail;
    if (!ymd || strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    /* days from civil (Howard Hinnant's algorithm) */
    y -= m <= 2;
    long era = y / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int intl_date(const char *ymd, const char *lang, char *buf, size_t size)
{
    long days = intl_days(ymd);
    UErrorCode st = U_ZERO_ERROR;
    UChar u[128];
    if (days < 0)
        return copy_raw(ymd, buf, size);
    UDateFormat *f = udat_open(UDAT_NONE, UDAT_LONG, lang, u"UTC", -1, NULL, 0, &st);
    if (U_FAILURE(st))
        return copy_raw(ymd, buf, size);
    int n = udat_format(f, (UDate)days * 86400000.0, u, 128, NULL, &st);
    udat_close(f);
    if (U_FAILURE(st))
        return copy_raw(ymd, buf, size);
    n = to_utf8(u, n, buf, size);
    return n < 0 ? copy_raw(ymd, buf, size) : n;
}
