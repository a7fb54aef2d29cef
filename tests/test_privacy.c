/*
 * test_privacy.c — the process hardening and the after-visit scrub.
 *
 * Hardening: after privacy_harden_process the process is not dumpable and
 * its core limit is 0.  Scrub: a word left in the locals of a deep call
 * that returned is found on the stack (read through /proc/self/mem, the
 * way an attacker with the memory would), and is gone after
 * privacy_scrub_after_visit.  The heap side (M_PERTURB, the tcache) needs
 * glibc's allocator, which the sanitizers replace: tests/t_privacy.sh
 * checks it on the release build.
 */
#include "check.h"
#include "privacy.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#define DEEP_BYTES (64 * 1024)

/* The canary, built at run time on the heap, so that no copy of it is in
 * the program's data or on the stack except where the test puts it. */
static char *canary;

static void make_canary(void)
{
    static const char rev[] = "yranac-kcats-orafq";      /* reversed: not greppable as is */
    size_t n = strlen(rev);
    canary = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        canary[i] = rev[n - 1 - i];
    canary[n] = '\0';
}

/* A deep call that leaves the canary in its locals, far below the caller. */
static __attribute__((noinline)) void deep_call(void)
{
    char frame[DEEP_BYTES];
    memset(frame, 0, sizeof frame);
    memcpy(frame, canary, strlen(canary));          /* the lowest addresses: the deepest */
    __asm__ __volatile__("" : : "r"(frame) : "memory");
}

/* Counts the canary in this process's stack mapping, through /proc/self/mem. */
static int count_on_stack(void)
{
    char line[512];
    unsigned long lo = 0, hi = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    while (maps && fgets(line, sizeof line, maps))
        if (strstr(line, "[stack]"))
            sscanf(line, "%lx-%lx", &lo, &hi);
    if (maps)
        fclose(maps);
    int fd = open("/proc/self/mem", O_RDONLY), hits = -1;
    size_t len = hi - lo, need = strlen(canary);
    unsigned char *copy = lo && fd >= 0 ? malloc(len) : NULL;
    if (copy && pread(fd, copy, len, (off_t)lo) == (ssize_t)len) {
        hits = 0;
        for (size_t i = 0; i + need <= len; i++)
            hits += memcmp(copy + i, canary, need) == 0;
    }
    free(copy);
    if (fd >= 0)
        close(fd);
    return hits;
}

static void test_harden(void)
{
    struct rlimit rl;
    CHECK(privacy_harden_process() == 0, "hardened");
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, "not dumpable");
    CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0, "no core files");
}

static void test_stack_scrub(void)
{
    deep_call();
    int before = count_on_stack();
    CHECK(before >= 1, "the deep call's word is on the stack before the scrub: %d", before);
    privacy_scrub_after_visit();
    int after = count_on_stack();
    CHECK(after == 0, "and gone after it: %d", after);
    privacy_scrub_after_visit();            /* twice is harmless */
    CHECK(count_on_stack() == 0, "still gone");
}

int main(void)
{
    make_canary();
    test_stack_scrub();
    test_harden();          /* last: the stack test reads /proc/self/mem, allowed either way */
    free(canary);
    return check_done();
}
