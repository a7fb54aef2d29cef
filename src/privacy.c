/*
 * privacy.c — process-wide hygiene so that a visit's words do not outlive
 * the visit: no core dumps, no reading by other processes, freed memory
 * overwritten, and after each visit the stack and the allocator's caches
 * wiped.
 *
 * The idea: the owners of a visit's data wipe it themselves (sodium_memzero
 * on the visit, the caches, the tokenizer's buffers), but copies also land
 * where no module can reach them: chunks the allocator took back, and stack
 * frames of calls that returned.  glibc overwrites a freed chunk when
 * M_PERTURB is set — except the few it keeps per size in the thread's
 * tcache, which it hands back untouched on the next malloc of that size.
 * So after a visit this module takes every tcache chunk out (malloc until
 * the bin is empty), zeroes each and frees them again; it zeroes a large
 * region of stack below its caller; and malloc_trim returns free pages to
 * the kernel.  SQLite's lookaside (per-connection slots reused without
 * going through free) is turned off before SQLite starts; Debian builds
 * SQLite without it and without memory management anyway, so there
 * sqlite3_release_memory is a no-op and freed SQLite memory is plain
 * malloc memory covered by the above.
 */
#include "privacy.h"
#include "faro.h"

#include <malloc.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define PRIVACY_PERTURB_BYTE 0x5A   /* freed chunks are filled with this */
#define TCACHE_BINS 64              /* glibc: chunk sizes 32..1040 in steps of 16 */
#define TCACHE_DEPTH 16             /* glibc keeps 7 per bin by default */

int privacy_harden_process(void)
{
    struct rlimit none = { 0, 0 };
    int rc = 0;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        rc = FARO_EIO;
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        rc = FARO_EIO;
#ifdef M_PERTURB
    mallopt(M_PERTURB, PRIVACY_PERTURB_BYTE);
#endif
    /* no lookaside: SQLite's own slot allocator reuses memory unwiped
     * (Debian builds it without lookaside; other builds may not) */
    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
    return rc;
}

/* Zeroes a region of stack below the caller's frame.  explicit_bzero is
 * never optimised away, and the empty asm keeps the array itself. */
static __attribute__((noinline)) void wipe_stack(void)
{
    unsigned char region[PRIVACY_STACK_WIPE];
    explicit_bzero(region, sizeof region);
    __asm__ __volatile__("" : : "r"(region) : "memory");
}

/* Takes every chunk out of this thread's tcache, zeroes it, frees it. */
static void wipe_tcache(void)
{
    void *held[TCACHE_BINS * TCACHE_DEPTH];
    int n = 0;
    for (int bin = 0; bin < TCACHE_BINS; bin++)
        for (int k = 0; k < TCACHE_DEPTH; k++) {
            void *p = malloc((size_t)bin * 16 + 24);
            if (!p)
                break;
            explicit_bzero(p, malloc_usable_size(p));
            held[n++] = p;
        }
    for (int i = 0; i < n; i++)
        free(held[i]);
}

void privacy_scrub_after_visit(void)
{
    wipe_tcache();
    sqlite3_release_memory(0x7fffffff);
    malloc_trim(0);
    wipe_stack();
}
