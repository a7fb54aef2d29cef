/*
 * timefloor.c — the floor is the maximum of the signed `created` times of
 * the packs shown and of the floor already kept; it only ever rises.
 */
#include "timefloor.h"
#include "faro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long timefloor_parse(const char *iso)
{
    struct tm tm = { 0 };
    int n = 0, len = iso ? (int)strlen(iso) : 0;
    if (len != 10 && len != 19 && len != 20)
        return -1;
    if (sscanf(iso, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3 || n != 10)
        return -1;
    if (len > 10 && (iso[10] != 'T' || sscanf(iso + 11, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min,
                                               &tm.tm_sec, &n) != 3 || n != 8 ||
                     (len == 20 && iso[19] != 'Z')))
        return -1;
    if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (long)timegm(&tm);
}

long timefloor_of_store(store *st)
{
    char err[FARO_MAX_ERRLEN];
    store_result *r = NULL;
    long newest = 0;
    if (!st || store_packs(st, NULL, &r, err, sizeof err) != 0)
        return 0;
    for (int i = 0; i < r->n; i++) {
        long t = timefloor_parse(r->u.packs[i].created);
        if (t > newest && t < TIMEFLOOR_MAX)
            newest = t;
    }
    store_result_free(r);
    return newest;
}

long timefloor_get(state *s)
{
    char buf[32];
    if (!s || state_get(s, TIMEFLOOR_KEY, buf, sizeof buf) != 0)
        return 0;
    long t = strtol(buf, NULL, 10);
    return t > 0 && t < TIMEFLOOR_MAX ? t : 0;
}

long timefloor_raise(state *s, long t)
{
    long kept = timefloor_get(s);
    if (t <= kept || t >= TIMEFLOOR_MAX)
        return kept;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", t);
    if (s && state_set(s, TIMEFLOOR_KEY, buf) != 0)
        return kept;
    return s ? t : kept;
}
