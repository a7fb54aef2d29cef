/*
 * memscan.c — looks for words in a live process's memory and in files,
 * for tests/t_privacy.sh.
 *
 *   memscan --pid PID  WORD...     every readable mapping of PID that can
 *                                  hold what the process computed: heap,
 *                                  stack, anonymous and writable file-backed
 *                                  ones (a read-only file mapping is that
 *                                  file's bytes: shared libraries, fonts,
 *                                  ICU's data; a file the kiosk wrote is
 *                                  scanned as a file instead)
 *   memscan --files PATH... -- WORD...   each regular file
 *
 * Each word is looked for in UTF-8, UTF-16LE and UTF-32LE (ICU, the
 * tokenizer and HarfBuzz hold text in the wider forms).  Prints one line
 * per hit — "hit WORD#i utf8 [heap] 0x55d0c3a1b2c0" (the mapping's name or
 * "anon", or the file, and the address or offset) — then "N hits" and exits
 * 1 when there was any, 0 when none, 2 when nothing could be read (reading
 * an undumpable process's memory needs root).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/utf8.h>

#define MAX_WORDS 16
#define CHUNK (1 << 20)

typedef struct needle {
    unsigned char bytes[3][1024];
    size_t len[3];
} needle;

static const char *const form_name[3] = { "utf8", "utf16", "utf32" };
static needle needles[MAX_WORDS];
static int nneedles;
static long hits;

/* The word in its three forms (little-endian). */
static void add_needle(const char *w)
{
    needle *n = &needles[nneedles++];
    int32_t i = 0, len = (int32_t)strlen(w);
    memcpy(n->bytes[0], w, (size_t)len);
    n->len[0] = (size_t)len;
    while (i < len && n->len[2] + 4 <= sizeof n->bytes[2]) {
        UChar32 c;
        U8_NEXT(w, i, len, c);
        if (c < 0)
            c = 0xFFFD;
        uint16_t u[2] = { (uint16_t)c, 0 };
        int units = 1;
        if (c >= 0x10000) {
            u[0] = (uint16_t)(0xD800 + ((c - 0x10000) >> 10));
            u[1] = (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF));
            units = 2;
        }
        for (int k = 0; k < units; k++) {
            n->bytes[1][n->len[1]++] = (unsigned char)(u[k] & 0xFF);
            n->bytes[1][n->len[1]++] = (unsigned char)(u[k] >> 8);
        }
        for (int k = 0; k < 4; k++)
            n->bytes[2][n->len[2]++] = (unsigned char)((uint32_t)c >> (8 * k));
    }
}

/* Reports every needle in buf (base: its address or offset). */
static void scan(const unsigned char *buf, size_t len, const char *where, unsigned long base)
{
    for (int w = 0; w < nneedles; w++)
        for (int f = 0; f < 3; f++) {
            const needle *n = &needles[w];
            for (const unsigned char *p = buf; len >= n->len[f] && p <= buf + len - n->len[f];) {
                p = memmem(p, (size_t)(buf + len - p), n->bytes[f], n->len[f]);
                if (!p)
                    break;
                printf("hit WORD#%d %s %s 0x%lx\n", w + 1, form_name[f], where, base + (unsigned long)(p - buf));
                hits++;
                p++;
            }
        }
}

/* Reads [lo, hi) of fd in chunks that overlap by a needle's length. */
static int scan_range(int fd, unsigned long lo, unsigned long hi, const char *where)
{
    static unsigned char buf[CHUNK + 4096];
    int got_any = 0;
    for (unsigned long at = lo; at < hi;) {
        size_t want = hi - at > CHUNK + 4096 ? CHUNK + 4096 : hi - at;
        ssize_t n = pread(fd, buf, want, (off_t)at);
        if (n <= 0)
            return got_any;
        got_any = 1;
        scan(buf, (size_t)n, where, at);
        if ((size_t)n < want)
            return got_any;
        at += (size_t)n > 4096 && at + (size_t)n < hi ? (size_t)n - 4096 : (size_t)n;
    }
    return got_any;
}

/* A mapping that can hold what the process computed: writable, or not
 * backed by a file. */
static int worth_scanning(const char *perms, const char *name)
{
    if (perms[0] != 'r' || !strcmp(name, "[vvar]") || !strcmp(name, "[vsyscall]"))
        return 0;
    return perms[1] == 'w' || name[0] != '/';
}

static int scan_pid(const char *pid)
{
    char path[64], line[4096];
    int read_any = 0;
    snprintf(path, sizeof path, "/proc/%s/maps", pid);
    FILE *maps = fopen(path, "r");
    snprintf(path, sizeof path, "/proc/%s/mem", pid);
    int fd = open(path, O_RDONLY);
    if (!maps || fd < 0) {
        fprintf(stderr, "memscan: %s: %s\n", path, strerror(errno));
        return 2;
    }
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8], name[3000] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %2999[^\n]", &lo, &hi, perms, name) < 3)
            continue;
        if (!worth_scanning(perms, name))
            continue;
        read_any |= scan_range(fd, lo, hi, name[0] ? name : "anon");
    }
    fclose(maps);
    close(fd);
    return read_any ? 0 : 2;
}

static int scan_file(const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    scan_range(fd, 0, (unsigned long)st.st_size, path);
    close(fd);
    return 1;
}

int main(int argc, char **argv)
{
    int i = 2, rc = 0;
    if (argc < 4 || (strcmp(argv[1], "--pid") && strcmp(argv[1], "--files"))) {
        fprintf(stderr, "usage: memscan --pid PID WORD... | --files PATH... -- WORD...\n");
        return 2;
    }
    if (!strcmp(argv[1], "--files"))
        while (i < argc && strcmp(argv[i], "--"))
            i++;
    for (int w = !strcmp(argv[1], "--pid") ? 3 : i + 1; w < argc && nneedles < MAX_WORDS; w++)
        add_needle(argv[w]);
    if (!strcmp(argv[1], "--pid"))
        rc = scan_pid(argv[2]);
    else
        for (int k = 2; k < i; k++)
            scan_file(argv[k]);
    printf("%ld hits\n", hits);
    return rc ? rc : hits > 0;
}
