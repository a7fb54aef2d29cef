/*
 * privacy.h — what the process does so that a visit leaves nothing behind
 * in memory once it is over, beyond what the visit's own owners wipe.
 *
 * Nothing a migrant typed or looked at may be kept.  The modules that hold
 * a visit's words wipe them (the app's visit, the text caches, the search
 * tokenizer); this module covers what no module owns: the heap chunks they
 * freed, the stack their deep calls used, core dumps and other processes
 * reading this one's memory.
 */
#ifndef FARO_PRIVACY_H
#define FARO_PRIVACY_H

/*
 * Call first in main, before anything holds personal data:
 *   - the process is not dumpable (PR_SET_DUMPABLE 0: no core file, and
 *     /proc/PID/mem and ptrace are refused to other processes of the same
 *     user; root still reads it);
 *   - the core size limit is 0 (RLIMIT_CORE, soft and hard);
 *   - glibc's allocator overwrites every freed chunk (M_PERTURB);
 *   - SQLite's lookaside slots are off (it must run before SQLite starts).
 * Returns 0, or FARO_EIO when the process could not be made undumpable or
 * its core limit could not be set (the kiosk should log it and go on).
 * M_PERTURB is best effort: under a sanitizer the allocator is not glibc's
 * and ignores it.
 */
int privacy_harden_process(void);

/*
 * Call when a visit ends (the idle reset, after the visit's owners wiped
 * their state), on the UI thread, from a shallow frame (the main loop):
 *   - zeroes PRIVACY_STACK_WIPE bytes of stack below the caller's frame,
 *     where deep calls (text shaping, search, SQLite) left their locals;
 *   - empties this thread's malloc tcache (chunks glibc keeps without
 *     perturbing them), zeroing each chunk, so a freed word does not wait
 *     there for reuse;
 *   - asks SQLite to release the memory it can and gives free heap pages
 *     back to the kernel (malloc_trim), which zeroes them.
 * Takes well under a millisecond; never fails.
 */
void privacy_scrub_after_visit(void);

#define PRIVACY_STACK_WIPE (256 * 1024)

#endif
