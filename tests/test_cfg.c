/* test_cfg.c — configuration: defaults, every key, bad values and unknown keys keep defaults;
 * the emergency list entry by entry (a bad entry skipped with its line, the examples kept when
 * nothing valid is left, a forged and an oversized list). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cfg.h"
#include "check.h"
#include "log.h"

static const char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/faro-cfg-%d.yaml", (int)getpid());
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_emergency(void)
{
    cfg c;
    char err[FARO_MAX_ERRLEN];
    cfg_defaults(&c);
    CHECK(c.nemergency == 4, "four built-in numbers: %d", c.nemergency);
    int examples = 0;
    for (int i = 0; i < c.nemergency; i++)
        examples += c.emergency[i].example && strstr(c.emergency[i].number, "555 01") != NULL;
    CHECK(examples == 4, "all built-in numbers are fictional examples (555-01xx)");
    const char *p = write_tmp("emergency:\n"
                              "  - {label: sos.kind.police, number: \"+1 202 555 0150\", kind: police}\n"
                              "  - {label: Shelter staff, number: \"+12025550151\", kind: staff, example: true}\n"
                              "  - {number: \"112\"}\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == 0, "good list loads: %s", err);
    CHECK(c.nemergency == 3, "three numbers");
    CHECK_STR(c.emergency[0].number, "+1 202 555 0150");
    CHECK(!c.emergency[0].example && c.emergency[1].example, "example only where marked");
    CHECK_STR(c.emergency[1].label, "Shelter staff");
    CHECK_STR(c.emergency[2].kind, "other");

    cfg_defaults(&c);
    log_quiet(1);
    p = write_tmp("width: 1024\n"
                  "emergency:\n"
                  "  - {label: Police, number: \"call us\", kind: police}\n"
                  "  - {label: Staff, number: \"+12025550152\", kind: staff}\n"
                  "  - {label: Fire, number: \"+12025550153\", kind: volcano}\n"
                  "  - just a number\n"
                  "  - {label: Nurse, kind: ambulance}\n"
                  "  - {label: Line, number: \"+12025550154\", colour: red}\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE, "bad entries reported");
    CHECK_CONTAINS(err, ":3: emergency entry 1: bad number");
    CHECK(c.nemergency == 1 && !strcmp(c.emergency[0].number, "+12025550152"), "the good entry is kept");
    CHECK(c.width == 1024, "the rest of the file applies");
    CHECK(log_count() >= 5, "every bad entry logged");
    char line[LOG_LINE];
    int seen = 0;
    for (int i = 0; i < log_count(); i++)
        if (log_line(i, line, sizeof line) >= 0)
            seen += strstr(line, ":5: emergency entry 3: unknown kind") || strstr(line, ":6: emergency entry 4:") ||
                    strstr(line, ":7: emergency entry 5: the entry has no number") ||
                    strstr(line, ":8: emergency entry 6: unknown field");
    CHECK(seen == 4, "each bad entry with its own line: %d", seen);

    cfg_defaults(&c);
    p = write_tmp("emergency:\n  - {number: \"+1 202 555 0155 000000000000000000000000000\"}\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE, "an oversized number is refused");
    CHECK(c.nemergency == 4 && c.emergency[0].example, "nothing valid: the examples stay");
    p = write_tmp("emergency: 911\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE, "not a list");
    CHECK_CONTAINS(err, ":1: bad value for 'emergency'");
    char big[4096] = "emergency:\n";
    for (int i = 0; i < CFG_MAX_EMERGENCY + 2; i++)
        strcat(big, "  - {number: \"+12025550160\"}\n");
    p = write_tmp(big);
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE && c.nemergency == CFG_MAX_EMERGENCY,
          "at most 12 numbers: %d", c.nemergency);
    CHECK_CONTAINS(err, "too many entries");
    log_quiet(0);
}

int main(void)
{
    cfg c;
    char err[FARO_MAX_ERRLEN];
    cfg_defaults(&c);
    CHECK(c.idle_timeout_s == 90 && c.width == 1280 && c.height == 800 && !c.fullscreen, "defaults");
    const char *p = write_tmp("data_dir: /tmp/faro-data\nlanguages: [ar, es]\nidle_timeout_s: 30\n"
                              "fullscreen: true\nwidth: 1920\nheight: 1080\nstale_days: 90\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == 0, "good file loads: %s", err);
    CHECK_STR(c.data_dir, "/tmp/faro-data");
    CHECK(c.nlangs == 2 && !strcmp(c.langs[0], "ar") && !strcmp(c.langs[1], "es"), "languages in order");
    CHECK(c.idle_timeout_s == 30 && c.fullscreen && c.width == 1920 && c.stale_days == 90, "values");

    cfg_defaults(&c);
    log_quiet(1);
    p = write_tmp("idle_timeout_s: soon\ncolour: blue\nwidth: 1024\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE, "bad value reported");
    CHECK_CONTAINS(err, ":1: bad value for 'idle_timeout_s'");
    CHECK(c.idle_timeout_s == 90, "bad value keeps the default");
    CHECK(c.width == 1024, "good keys still apply");
    p = write_tmp("colour: blue\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE, "unknown key reported");
    CHECK_CONTAINS(err, ":1: unknown key 'colour'");
    p = write_tmp("languages: [es, \"../../etc\"]\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE, "bad language tag reported");
    p = write_tmp("[unclosed\n");
    CHECK(cfg_load(&c, p, err, sizeof err) == FARO_EPARSE, "broken YAML reported");
    CHECK(cfg_load(&c, "/nonexistent/faro.yaml", err, sizeof err) == FARO_EPARSE, "missing file reported");
    CHECK_CONTAINS(err, "/nonexistent/faro.yaml");
    log_quiet(0);
    test_emergency();
    unlink(p);
    return check_done();
}
