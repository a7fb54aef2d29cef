/* test_cfg.c — configuration: defaults, every key, bad values and unknown keys keep defaults. */
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
    unlink(p);
    return check_done();
}
