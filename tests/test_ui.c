/* test_ui.c — widget tree: adding, hit testing, mirroring, taps vs drags, kinetic scroll. */
#include <string.h>
#include "check.h"
#include "ui.h"

static int add_box(ui_tree *t, int x, int y, int w, int h, int in_scroll, int action, const char *text)
{
    ui_widget wd = { .role = UI_BUTTON, .r = { x, y, w, h }, .in_scroll = in_scroll,
                     .action = action, .text = text, .parent = -1 };
    return ui_add(t, &wd);
}

static void test_hit_and_find(void)
{
    ui_tree *t = ui_new();
    ui_begin(t, 800, 600, 1.0f, 0, 0);
    int a = add_box(t, 0, 0, 100, 50, 0, 1, "Back");
    int b = add_box(t, 0, 0, 800, 2000, 1, 2, "Long item");
    ui_widget child = { .role = UI_TEXT, .r = { 10, 10, 50, 20 }, .in_scroll = 1, .parent = (int16_t)b,
                        .text = "Label inside" };
    int c = ui_add(t, &child);
    ui_set_scroll(t, (ui_rect){ 0, 100, 800, 500 }, 2000);
    ui_end(t);
    CHECK(ui_hit(t, 10, 10) == a, "bar button hit");
    CHECK(ui_hit(t, 400, 300) == b, "scroll item hit");
    CHECK(ui_hit(t, 400, 50) == -1 || ui_hit(t, 400, 50) == a, "item not hit outside the view");
    CHECK(ui_find(t, "inside", 0) == c, "find by substring");
    CHECK(ui_actionable(t, c) == b, "text inside an item taps the item");
    CHECK(ui_find(t, "nothing", 0) == -1, "missing text not found");
    ui_free(t);
}

static void test_rtl_mirror(void)
{
    ui_tree *t = ui_new();
    ui_begin(t, 1000, 600, 1.0f, 1, 0);
    int a = add_box(t, 0, 0, 100, 50, 0, 1, "Back");
    ui_end(t);
    CHECK(ui_get(t, a)->r.x == 900, "mirrored x %d", ui_get(t, a)->r.x);
    CHECK(ui_rtl(t) == 1, "rtl flag");
    ui_free(t);
}

static void test_tap_drag_fling(void)
{
    ui_tree *t = ui_new();
    ui_begin(t, 800, 600, 1.0f, 0, 0);
    int item = add_box(t, 0, 0, 800, 300, 1, 5, "Item");
    ui_set_scroll(t, (ui_rect){ 0, 0, 800, 600 }, 5000);
    ui_end(t);
    /* a tap: press and release in place */
    ui_press(t, 100, 100, 1000);
    CHECK(ui_pressed(t) == item, "pressed feedback");
    CHECK(ui_release(t, 100, 100, 1060) == item, "tap recognised");
    /* a drag is not a tap and moves the content */
    ui_press(t, 100, 500, 2000);
    for (int i = 1; i <= 10; i++)
        ui_move(t, 100, 500 - i * 30, 2000 + i * 16);
    CHECK(ui_release(t, 100, 200, 2160) == -1, "drag is not a tap");
    int after_drag = ui_scroll_y(t);
    CHECK(after_drag >= 290 && after_drag <= 310, "content followed the finger: %d", after_drag);
    /* the flick keeps moving, slows down, stops */
    CHECK(ui_animate(t, 2176) == 1, "flick animates");
    uint64_t ms = 2176;
    int frames = 0;
    while (ui_animate(t, ms += 16) && frames < 1000)
        frames++;
    CHECK(frames > 5 && frames < 1000, "flick decays and stops (%d frames)", frames);
    CHECK(ui_scroll_y(t) > after_drag, "inertia carried the content further");
    /* a drag that rests before release does not fling */
    ui_press(t, 100, 500, 10000);
    ui_move(t, 100, 400, 10016);
    ui_release(t, 100, 400, 10300);
    CHECK(ui_animate(t, 10316) == 0, "rested finger: no inertia");
    /* wheel and clamping */
    ui_wheel(t, 100000);
    CHECK(ui_scroll_y(t) == 5000 - 600, "clamped at the end: %d", ui_scroll_y(t));
    ui_wheel(t, -100000);
    CHECK(ui_scroll_y(t) == 0, "clamped at the top");
    ui_free(t);
}

static void test_capacity(void)
{
    ui_tree *t = ui_new();
    ui_begin(t, 800, 600, 1.0f, 0, 0);
    int last = 0;
    for (int i = 0; i < UI_MAX_WIDGETS + 10; i++)
        last = add_box(t, 0, i, 10, 10, 0, 0, "x");
    CHECK(last == -1, "a full tree refuses more widgets");
    CHECK(ui_count(t) == UI_MAX_WIDGETS, "count stays at capacity");
    ui_begin(t, 800, 600, 1.0f, 0, 0);
    CHECK(ui_count(t) == 0, "begin empties the tree");
    ui_free(t);
    ui_free(NULL);
}

/* What speech reads: a tile's words (not its icon), its language; the
 * screen from where it is scrolled, without tappable items or list marks. */
static void test_spoken(void)
{
    char out[256];
    const char *lang = "unset";
    ui_tree *t = ui_new();
    ui_begin(t, 800, 600, 1.0f, 0, 0);
    ui_widget tile = { .role = UI_TILE, .r = { 0, 0, 400, 100 }, .in_scroll = 1, .action = 3, .parent = -1,
                       .name = "Family", .lang = "bn" };
    int ti = ui_add(t, &tile);
    ui_widget icon = { .role = UI_ICON, .icon = 1, .r = { 0, 0, 10, 10 }, .in_scroll = 1, .parent = (int16_t)ti,
                       .text = "\xee\x80\x80" };
    ui_widget title = { .role = UI_TEXT, .r = { 0, 10, 300, 20 }, .in_scroll = 1, .parent = (int16_t)ti,
                        .text = "Contact your family" };
    ui_widget sum = { .role = UI_TEXT, .r = { 0, 40, 300, 20 }, .in_scroll = 1, .parent = (int16_t)ti,
                      .text = "Tell them you are alive" };
    ui_add(t, &icon);
    ui_add(t, &title);
    ui_add(t, &sum);
    ui_widget head = { .role = UI_HEADING, .r = { 0, 120, 800, 40 }, .in_scroll = 1, .parent = -1, .text = "Heading" };
    ui_widget mark = { .role = UI_TEXT, .r = { 0, 170, 20, 20 }, .in_scroll = 1, .parent = -1, .text = "•" };
    ui_widget para = { .role = UI_TEXT, .r = { 20, 170, 700, 400 }, .in_scroll = 1, .parent = -1, .text = "Body" };
    ui_widget late = { .role = UI_TEXT, .r = { 0, 900, 700, 40 }, .in_scroll = 1, .parent = -1, .text = "Late" };
    ui_widget qr = { .role = UI_QR, .r = { 0, 950, 200, 200 }, .in_scroll = 1, .parent = -1, .text = "BEGIN:VCARD" };
    ui_add(t, &head);
    ui_add(t, &mark);
    ui_add(t, &para);
    ui_add(t, &late);
    ui_add(t, &qr);
    ui_widget bare = { .role = UI_BUTTON, .r = { 0, 0, 10, 10 }, .action = 4, .parent = -1, .name = "Back" };
    int bi = ui_add(t, &bare);
    ui_set_scroll(t, (ui_rect){ 0, 0, 800, 600 }, 2000);
    ui_end(t);
    ui_spoken(t, ti, out, sizeof out, &lang);
    CHECK_STR(out, "Contact your family. Tell them you are alive");
    CHECK_STR(lang, "bn");
    ui_spoken(t, bi, out, sizeof out, &lang);
    CHECK_STR(out, "Back");
    CHECK(lang == NULL, "the screen's language");
    ui_spoken(t, ti, out, 12, NULL);
    CHECK(strlen(out) == 11, "cut at the buffer: %s", out);
    ui_spoken_from_scroll(t, out, sizeof out);
    CHECK_STR(out, "Heading. Body. Late");
    ui_set_scroll_y(t, 600);
    ui_spoken_from_scroll(t, out, sizeof out);
    CHECK_STR(out, "Late");
    ui_free(t);
}

int main(void)
{
    test_hit_and_find();
    test_spoken();
    test_rtl_mirror();
    test_tap_drag_fling();
    test_capacity();
    return check_done();
}
