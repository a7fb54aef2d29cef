/*
 * intl.c — thin wrappers over ICU's display names and date formatting.
 *
 * ICU answers in UTF-16; each wrapper converts to UTF-8 into the caller's
 * buffer and falls back to the raw input when ICU has no answer, so a
 * screen always has something to show.  The country list for the
 * nationality picker is ICU's ISO list, named in the reader's language and
 * sorted by that language's collation (sort keys computed once per name).
 * The one rule for language tags lives here too (intl_lang_valid), so the
 * config, the console, lint and the locale check accept the same tags.
 */
#include "intl.h"

#include "faro.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ucol.h>
#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

/* ---------------------------------------------------------------- tags */

/* The characters a tag may hold: no '_', '.', '/' or space. */
static const char tag_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

/* 1 when ICU reads the whole of tag as a well-formed BCP 47 tag whose
 * language subtag is `primary` bytes long and can write it back. */
static int icu_well_formed(const char *tag, size_t primary)
{
    char loc[ULOC_FULLNAME_CAPACITY], lang[ULOC_LANG_CAPACITY], back[ULOC_FULLNAME_CAPACITY];
    UErrorCode st = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(tag, loc, (int32_t)sizeof loc, &parsed, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || parsed != (int32_t)strlen(tag))
        return 0;
    uloc_getLanguage(loc, lang, (int32_t)sizeof lang, &st);
    if (U_FAILURE(st) || strlen(lang) != primary)
        return 0;
    uloc_toLanguageTag(loc, back, (int32_t)sizeof back, 1, &st);
    return U_SUCCESS(st);
}

int intl_lang_valid(const char *tag)
{
    size_t n = tag ? strlen(tag) : 0;
    size_t primary = n ? strspn(tag, "abcdefghijklmnopqrstuvwxyz") : 0;
    if (n < 2 || n > FARO_MAX_LANG_LEN || primary < 2 || primary > 3)
        return 0;
    if ((tag[primary] && tag[primary] != '-') || strspn(tag, tag_chars) != n)
        return 0;
    return icu_well_formed(tag, primary);
}

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

/* ---- opening hours ---- */

static const char *const day_codes[7] = { "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su" };

static int day_index(const char *p)
{
    for (int i = 0; i < 7; i++)
        if (p[0] == day_codes[i][0] && p[1] == day_codes[i][1])
            return i;
    return -1;
}

/* Day i (Monday = 0) in lang, from ICU's stand-alone weekday names. */
static int day_name(UDateFormat *f, int i, char *buf, size_t size)
{
    UChar u[64];
    UErrorCode st = U_ZERO_ERROR;
    int n = udat_getSymbols(f, UDAT_STANDALONE_WEEKDAYS, (i + 1) % 7 + 1, u, 64, &st);
    return U_FAILURE(st) || n <= 0 ? -1 : to_utf8(u, n, buf, size);
}

/* One rule "Mo-Fr,Su 09:00-17:00" into out; -1 when not understood. */
static int hours_rule(UDateFormat *f, const char *r, size_t len, char *out, size_t size)
{
    char name[64], days[256] = "", times[128];
    size_t i = 0;
    while (i + 1 < len && day_index(r + i) >= 0) {
        int a = day_index(r + i), b = a;
        i += 2;
        if (i + 2 < len && r[i] == '-' && day_index(r + i + 1) >= 0) {
            b = day_index(r + i + 1);
            i += 3;
        }
        if (day_name(f, a, name, sizeof name) < 0)
            return -1;
        size_t dl = strlen(days);
        snprintf(days + dl, sizeof days - dl, "%s%s", dl ? ", " : "", name);
        if (b != a && day_name(f, b, name, sizeof name) >= 0) {
            dl = strlen(days);
            snprintf(days + dl, sizeof days - dl, "\u2013%s", name);   /* en dash */
        }
        if (i < len && r[i] == ',')
            i++;
    }
    while (i < len && r[i] == ' ')
        i++;
    if (len - i >= sizeof times)
        return -1;
    for (size_t k = i; k < len; k++)             /* only digits, ':', '-', ',' and spaces */
        if (!strchr("0123456789:-, ", r[k]))
            return -1;
    snprintf(times, sizeof times, "%.*s", (int)(len - i), r + i);
    return snprintf(out, size, "%s%s%s", days, *days && *times ? " " : "", times);
}

int intl_hours(const char *hours, const char *lang, char *buf, size_t size)
{
    UErrorCode st = U_ZERO_ERROR;
    char rule[256];
    size_t o = 0;
    UDateFormat *f = udat_open(UDAT_NONE, UDAT_LONG, lang, u"UTC", -1, NULL, 0, &st);
    if (U_FAILURE(st) || !hours)
        return copy_raw(hours, buf, size);
    buf[0] = 0;
    for (const char *p = hours; *p && o + 1 < size;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, ";");
        if (n && hours_rule(f, p, n, rule, sizeof rule) < 0) {
            udat_close(f);
            return copy_raw(hours, buf, size);
        }
        if (n)
            o += snprintf(buf + o, size - o, "%s%s", o ? "\n" : "", rule);
        p += n + (p[n] == ';');
    }
    udat_close(f);
    return (int)(o < size ? o : size - 1);
}

/* ---------------------------------------------------------------- countries */

/* A country with its collation sort key, for sorting. */
typedef struct keyed_country {
    uint8_t *key;
    intl_country c;
} keyed_country;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed_country *x = a, *y = b;
    int c = strcmp((const char *)x->key, (const char *)y->key);
    return c ? c : strcmp(x->c.code, y->c.code);
}

/* The collation sort key of a UTF-8 name (malloc'd), NULL on failure. */
static uint8_t *sort_key(const UCollator *coll, const char *name)
{
    UChar u[128];
    int32_t n = 0, need;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(u, 128, &n, name, -1, &st);
    if (U_FAILURE(st))
        return NULL;
    need = ucol_getSortKey(coll, u, n, NULL, 0);
    uint8_t *key = need > 0 ? malloc((size_t)need) : NULL;
    if (key)
        ucol_getSortKey(coll, u, n, key, need);
    return key;
}

int intl_countries_sort(const char *lang, intl_country *list, int n)
{
    UErrorCode st = U_ZERO_ERROR;
    UCollator *coll;
    keyed_country *k;
    int i, rc = 0;
    if (n <= 1)
        return list || n == 0 ? 0 : FARO_EINVAL;
    if (!list || !(k = calloc((size_t)n, sizeof *k)))
        return list ? FARO_ENOMEM : FARO_EINVAL;
    coll = ucol_open(lang ? lang : "", &st);
    for (i = 0; i < n && U_SUCCESS(st) && rc == 0; i++) {
        k[i].c = list[i];
        if (!(k[i].key = sort_key(coll, list[i].name)))
            rc = FARO_ENOMEM;
    }
    if (U_FAILURE(st))
        rc = FARO_EINVAL;
    if (rc == 0) {
        qsort(k, (size_t)n, sizeof *k, cmp_keyed);
        for (i = 0; i < n; i++)
            list[i] = k[i].c;
    }
    for (i = 0; i < n; i++)
        free(k[i].key);
    free(k);
    ucol_close(coll);
    return rc;
}

int intl_countries(const char *lang, intl_country **out)
{
    const char *const *codes = uloc_getISOCountries();
    intl_country *list;
    int n = 0, total = 0, rc;
    *out = NULL;
    while (codes[total])
        total++;
    if (!(list = calloc((size_t)(total ? total : 1), sizeof *list)))
        return FARO_ENOMEM;
    for (int i = 0; i < total; i++) {
        intl_country *c = &list[n];
        snprintf(c->code, sizeof c->code, "%s", codes[i]);
        intl_country_name(c->code, lang ? lang : "en", c->name, sizeof c->name);
        if (strcmp(c->name, c->code) != 0)      /* ICU has a name for it */
            n++;
    }
    if ((rc = intl_countries_sort(lang, list, n)) < 0) {
        free(list);
        return rc;
    }
    *out = list;
    return n;
}

void intl_countries_free(intl_country *list)
{
    free(list);
}
