/* test_timefloor.c — a clock that lies.  The floor is the newest signed
 * `created` time of the packs shown and of the floor kept in the state
 * database, and only rises; an app whose system clock is behind it counts
 * usage under the floor's day, not under 1970 or a day long gone; and the
 * console's clock check says the clock is behind, with the floor's date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "admin.h"
#include "app.h"
#include "timefloor.h"

extern const unsigned char faro_default_pack[], faro_default_pack_end[];

static char dir[] = "/tmp/faro-test-timefloor-XXXXXX";

static void test_parse(void)
{
    CHECK(timefloor_parse("2026-12-02T18:20:27Z") == 1796235627L, "%ld", timefloor_parse("2026-12-02T18:20:27Z"));
    CHECK(timefloor_parse("2026-12-02") == 1796169600L, "a date alone is its midnight UTC");
    CHECK(timefloor_parse("2026-12-02T18:20:27") == 1796235627L, "Z may be left out");
    const char *bad[] = { "", "2026", "2026-13-01", "2026-12-32", "1969-12-31", "2026-12-02X18:20:27Z",
                          "2026-12-02T25:00:00Z", "2026-12-02T18:20:27+01", "yesterday", NULL };
    for (int i = 0; bad[i]; i++)
        CHECK(timefloor_parse(bad[i]) == -1, "refused: \"%s\"", bad[i]);
    CHECK(timefloor_parse(NULL) == -1, "NULL");
}

static store *default_store(void)
{
    char err[256];
    store *st = store_new();
    store_add_memory(st, faro_default_pack, (size_t)(faro_default_pack_end - faro_default_pack),
                     "default", err, sizeof err);
    return st;
}

static void test_floor(state *db)
{
    store *st = default_store();
    long built = timefloor_of_store(st);
    CHECK(built >= timefloor_parse("2026-01-01"), "the embedded pack's signed time is a floor: %ld", built);
    CHECK(timefloor_of_store(NULL) == 0, "no store, no floor");
    CHECK(timefloor_get(db) == 0, "nothing kept yet");
    CHECK(timefloor_raise(db, built) == built && timefloor_get(db) == built, "kept");
    CHECK(timefloor_raise(db, built - 86400) == built, "it never goes down");
    CHECK(timefloor_raise(db, TIMEFLOOR_MAX + 1) == built, "a signed time past 2100 is not believed");
    store_free(st);
}

/* A view counted by an app whose floor (kept: 2031-01-01) is ahead of the
 * system clock goes under the floor's day. */
static void test_usage_day(state *db)
{
    char err[256], *csv = NULL;
    size_t len = 0;
    long floor = timefloor_parse("2031-01-01T08:00:00Z");
    CHECK(timefloor_raise(db, floor) == floor, "floor 2031");
    cfg c;
    cfg_defaults(&c);
    store *st = default_store();
    loc_set *loc = loc_new();
    loc_load_dir(loc, "locales");
    txt_ctx *txt = txt_new("assets/fonts", 4u << 20, err, sizeof err);
    app *a = app_new(&c, st, loc, txt);
    app_admin_env env = { .db = db, .data_dir = dir };
    app_set_admin(a, &env);
    ui_tree *t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)          /* a language, then a topic: one view */
        if (ui_get(t, i)->arg && !strcmp(ui_get(t, i)->arg, "es")) { app_activate(a, i, 100); break; }
    t = app_tree(a);
    for (int i = 0; i < ui_count(t); i++)
        if (ui_get(t, i)->arg && !strcmp(ui_get(t, i)->arg, "rights")) { app_activate(a, i, 200); break; }
    CHECK(admin_usage_flush(db, floor, 1) >= 0, "written");
    FILE *f = open_memstream(&csv, &len);
    state_usage_csv(db, f);
    fclose(f);
    CHECK(csv && strstr(csv, "2031-01-01") && strstr(csv, "rights"), "counted under the floor's day: %s",
          csv ? csv : "(none)");
    free(csv);
    app_free(a);
    txt_free(txt);
    loc_free(loc);
    store_free(st);
}

static void test_selfcheck(void)
{
    admin_check c[ADMIN_NCHECKS];
    long floor = timefloor_parse("2026-11-20T10:00:00Z");
    admin_env e = { .data_dir = dir, .font_dir = "assets/fonts", .now_s = 86400, .floor_s = floor };
    admin_selfcheck(&e, c);
    CHECK(c[ADMIN_CHECK_CLOCK].ok == 0, "a clock in 1970 fails");
    CHECK_STR(c[ADMIN_CHECK_CLOCK].result_key, "admin.check.clock_behind");
    CHECK_STR(c[ADMIN_CHECK_CLOCK].detail, "2026-11-20");
    e.now_s = (long)time(NULL);                 /* past the floor and the build date */
    admin_selfcheck(&e, c);
    CHECK(c[ADMIN_CHECK_CLOCK].ok == 1, "a clock past the floor passes");
}

int main(void)
{
    char err[256], path[300];
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/state.db", dir);
    state *db = state_open(path, err, sizeof err);
    CHECK(db != NULL, "state: %s", err);
    test_parse();
    if (db) {
        test_floor(db);
        test_usage_day(db);
    }
    test_selfcheck();
    state_close(db);
    check_sh("rm -rf %s", dir);
    return check_done();
}
