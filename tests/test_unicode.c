/*
 * test_unicode.c — conformance of the text engine's bidi and line breaking
 * against the Unicode Consortium's own test data (Debian's unicode-data):
 * every case of BidiCharacterTest.txt through txt_bidi_levels (resolved
 * paragraph level, levels, visual order) and every case of
 * auxiliary/LineBreakTest.txt through txt_linebreak.  ICU deviates from a
 * few cases on purpose (documented in ICU's own test suite), so the checks
 * are rates: each must be >= 99.5 %.  Prints "bidi: P/N", "linebreak: P/N".
 */
#include "check.h"
#include "txt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BIDI_FILE  "/usr/share/unicode/BidiCharacterTest.txt"
#define LB_FILE    "/usr/share/unicode/auxiliary/LineBreakTest.txt"
#define MAX_CPS    256
#define MAX_UNITS  (MAX_CPS * 2)

/* Code points to UTF-16; unit_of[k] is the first unit of code point k. */
static int to_utf16(const uint32_t *cps, int n, uint16_t *u, int *unit_of)
{
    int o = 0;
    for (int k = 0; k < n; k++) {
        unit_of[k] = o;
        if (cps[k] >= 0x10000) {
            u[o++] = (uint16_t)(0xD800 + ((cps[k] - 0x10000) >> 10));
            u[o++] = (uint16_t)(0xDC00 + ((cps[k] - 0x10000) & 0x3FF));
        } else u[o++] = (uint16_t)cps[k];
    }
    unit_of[n] = o;
    return o;
}

/* Parses space-separated hex code points up to the end of the field. */
static int parse_cps(char *s, uint32_t *cps)
{
    int n = 0;
    char *end;
    while (n < MAX_CPS) {
        unsigned long v = strtoul(s, &end, 16);
        if (end == s) break;
        cps[n++] = (uint32_t)v;
        s = end;
    }
    return n;
}

/* ---------- bidi ---------- */
typedef struct bidi_case {
    uint32_t cps[MAX_CPS];
    int n, dir, para_level;
    int levels[MAX_CPS];      /* -1 for 'x' (removed by X9) */
    int order[MAX_CPS], norder;
} bidi_case;

static int parse_bidi_line(char *line, bidi_case *c)
{
    char *f[5];
    for (int i = 0; i < 5; i++) {
        f[i] = strsep(&line, ";");
        if (!f[i]) return 0;
    }
    c->n = parse_cps(f[0], c->cps);
    c->dir = atoi(f[1]);
    c->para_level = atoi(f[2]);
    char *tok, *s = f[3];
    int k = 0;
    while ((tok = strsep(&s, " ")) && k < MAX_CPS)
        if (*tok) c->levels[k++] = *tok == 'x' ? -1 : atoi(tok);
    if (k != c->n) return 0;
    c->norder = 0;
    for (s = f[4]; (tok = strsep(&s, " \n\r")) && c->norder < MAX_CPS;)
        if (*tok) c->order[c->norder++] = atoi(tok);
    return c->n > 0;
}

static int bidi_case_passes(const bidi_case *c)
{
    static const int dirs[3] = { TXT_DIR_LTR, TXT_DIR_RTL, TXT_DIR_AUTO };
    uint16_t u[MAX_UNITS];
    uint8_t levels[MAX_UNITS];
    int order[MAX_UNITS], unit_of[MAX_CPS + 1], cp_of[MAX_UNITS], para = -1;
    int nu = to_utf16(c->cps, c->n, u, unit_of);
    int no = txt_bidi_levels(u, nu, dirs[c->dir < 3 ? c->dir : 2], levels, order, &para);
    if (no < 0 || para != c->para_level) return 0;
    for (int k = 0; k < c->n; k++) {
        int got = levels[unit_of[k]] == 0xFF ? -1 : levels[unit_of[k]];
        if (got != c->levels[k]) return 0;
        for (int i = unit_of[k]; i < unit_of[k + 1]; i++) cp_of[i] = k;
    }
    int m = 0;                  /* visual order in code points (lead units only) */
    for (int v = 0; v < no; v++) {
        int k = cp_of[order[v]];
        if (order[v] != unit_of[k]) continue;
        if (m >= c->norder || c->order[m] != k) return 0;
        m++;
    }
    return m == c->norder;
}

static void test_bidi(void)
{
    FILE *f = fopen(BIDI_FILE, "r");
    static char line[8192];
    static bidi_case c;
    long pass = 0, total = 0;
    CHECK(f != NULL, "%s missing (apt-get install unicode-data)", BIDI_FILE);
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        if (!parse_bidi_line(line, &c)) continue;
        total++;
        pass += bidi_case_passes(&c);
    }
    fclose(f);
    printf("bidi: %ld/%ld\n", pass, total);
    CHECK(total > 90000, "bidi cases read: %ld", total);
    CHECK(total && pass * 1000 >= total * 995, "bidi rate %ld/%ld < 99.5 %%", pass, total);
}

/* ---------- line breaking ---------- */
/* Parses "× 0023 × 0020 ÷ 0023 ÷"; want[k] = 1 when a break is allowed
 * before code point k (k in 1..n).  Returns n, 0 for no case. */
static int parse_lb_line(char *line, uint32_t *cps, uint8_t *want)
{
    int n = 0;
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    for (char *s = line; *s && n < MAX_CPS;) {
        if (!strncmp(s, "\xC3\xB7", 2)) { want[n] = 1; s += 2; continue; }   /* ÷ */
        if (!strncmp(s, "\xC3\x97", 2)) { want[n] = 0; s += 2; continue; }   /* × */
        char *end;
        unsigned long v = strtoul(s, &end, 16);
        if (end == s) { s++; continue; }
        cps[n++] = (uint32_t)v;
        s = end;
    }
    return n;
}

static int lb_case_passes(const uint32_t *cps, int n, const uint8_t *want)
{
    uint16_t u[MAX_UNITS];
    uint8_t brk[MAX_UNITS + 1];
    int unit_of[MAX_CPS + 1];
    int nu = to_utf16(cps, n, u, unit_of);
    if (txt_linebreak(u, nu, brk) < 0) return 0;
    for (int k = 1; k <= n; k++)
        if (!!brk[unit_of[k]] != want[k]) return 0;
    return 1;
}

static void test_linebreak(void)
{
    FILE *f = fopen(LB_FILE, "r");
    static char line[8192];
    uint32_t cps[MAX_CPS];
    uint8_t want[MAX_CPS + 1];
    long pass = 0, total = 0;
    CHECK(f != NULL, "%s missing (apt-get install unicode-data)", LB_FILE);
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        int n = parse_lb_line(line, cps, want);
        if (n == 0) continue;
        total++;
        pass += lb_case_passes(cps, n, want);
    }
    fclose(f);
    printf("linebreak: %ld/%ld\n", pass, total);
    CHECK(total > 7000, "linebreak cases read: %ld", total);
    CHECK(total && pass * 1000 >= total * 995, "linebreak rate %ld/%ld < 99.5 %%", pass, total);
}

/* A few cases by hand, so a broken harness cannot pass by reading nothing. */
static void test_by_hand(void)
{
    const uint16_t heb[] = { 'a', ' ', 0x05D0, 0x05D1, ' ', '1', '2' };
    uint8_t lv[7], brk[8];
    int order[7], para = -1;
    int n = txt_bidi_levels(heb, 7, TXT_DIR_AUTO, lv, order, &para);
    CHECK(n == 7 && para == 0, "LTR paragraph: %d, level %d", n, para);
    CHECK(lv[2] == 1 && lv[3] == 1 && lv[5] == 2, "levels %d %d %d", lv[2], lv[3], lv[5]);
    /* visual: a, space, then the RTL run "12 בא" (digits stay LTR) */
    CHECK(order[2] == 5 && order[3] == 6 && order[4] == 4 && order[5] == 3 && order[6] == 2,
          "RTL run reversed, digits kept: %d %d %d %d %d", order[2], order[3], order[4], order[5], order[6]);
    const uint16_t ctl[] = { 0x202B, 'a', 0x202C };
    CHECK(txt_bidi_levels(ctl, 3, TXT_DIR_LTR, lv, order, &para) == 1 && lv[0] == 0xFF
          && lv[2] == 0xFF && order[0] == 1, "X9 removes embeddings");
    const uint16_t words[] = { 'a', 'b', ' ', 'c', 'd' };
    CHECK(txt_linebreak(words, 5, brk) == 0 && brk[3] && !brk[1] && !brk[2] && brk[5],
          "break after a space only");
}

int main(void)
{
    test_by_hand();
    test_bidi();
    test_linebreak();
    return check_done();
}
