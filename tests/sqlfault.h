/*
 * sqlfault.h — fault injection for tests: SQLite's allocator (which the
 * store also uses for its results) is wrapped so that the Nth allocation
 * after `fail_countdown = N` fails once and sets `injected`.  Install it
 * before SQLite initialises.  Header-only, for test programs.
 */
#ifndef FARO_SQLFAULT_H
#define FARO_SQLFAULT_H

#include <sqlite3.h>

static sqlite3_mem_methods real_mem;
static long fail_countdown = -1;   /* -1: never */
static int injected;

static int should_fail(void)
{
    if (fail_countdown < 0 || fail_countdown-- > 0)
        return 0;
    injected = 1;
    return 1;
}

static void *fi_malloc(int n)
{
    return should_fail() ? NULL : real_mem.xMalloc(n);
}

static void *fi_realloc(void *p, int n)
{
    return should_fail() ? NULL : real_mem.xRealloc(p, n);
}

/* Returns SQLITE_OK when the wrapping allocator is in place. */
static int install_fault_allocator(void)
{
    sqlite3_mem_methods m;
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem);
    m = real_mem;
    m.xMalloc = fi_malloc;
    m.xRealloc = fi_realloc;
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
}

#endif
