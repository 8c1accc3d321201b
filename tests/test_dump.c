/* test_dump.c — the headless JSON dump, read back as a tool would: runs
 * bin/kiosk --headless on the test feed in both orientations, dumps the
 * home, category, reader and attract screens, and checks from the files
 * alone that every text lies in its box, every touch target is at least
 * the minimum size, and what each screen should show is there. */
#include "testutil.h"

#include <SDL.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <sys/stat.h>

static const char *dir_for(const char *name)
{
    const char *d = test_path(name);
    mkdir(d, 0755);
    return d;
}

/* Runs a script headless; returns the exit status. */
static int run_kiosk(const char *dir, const char *script, const char *size, const char *orient)
{
    char conf[1200], cmd[4096];
    snprintf(conf, sizeof conf, "%s/kiosk.conf", dir);
    snprintf(cmd, sizeof cmd,
             "sed -e 's#^database = .*#database = %s/kiosk.db#' -e 's#^cache_dir = .*#cache_dir = %s/cache#' "
             "kiosk.conf > %s && bin/kiosk --config %s --windowed --size %s --%s --log-level warn "
             "--headless %s --shots %s",
             dir, dir, conf, conf, size, orient, script, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static json_t *load_dump(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    if (!root) fail_msg("%s: %s", path, e.text);
    return root;
}

static SDL_Rect rect_of(json_t *a)
{
    return (SDL_Rect){(int)json_integer_value(json_array_get(a, 0)), (int)json_integer_value(json_array_get(a, 1)),
                      (int)json_integer_value(json_array_get(a, 2)), (int)json_integer_value(json_array_get(a, 3))};
}

/* The layout rules, from the file: returns how many widgets of `kind`. */
static int check_dump(json_t *root, const char *screen, const char *kind)
{
    assert_string_equal(json_string_value(json_object_get(root, "screen")), screen);
    int min = (int)json_integer_value(json_object_get(root, "min_target"));
    int w = (int)json_integer_value(json_object_get(root, "width"));
    int h = (int)json_integer_value(json_object_get(root, "height"));
    assert_true(min >= 40);
    size_t i;
    json_t *wd;
    int count = 0;
    json_array_foreach (json_object_get(root, "widgets"), i, wd) {
        const char *text = json_string_value(json_object_get(wd, "text"));
        SDL_Rect r = rect_of(json_object_get(wd, "rect"));
        json_t *tr = json_object_get(wd, "text_rect");
        if (tr) {
            SDL_Rect t = rect_of(tr);
            if (t.x < r.x - 1 || t.y < r.y - 1 || t.x + t.w > r.x + r.w + 1 || t.y + t.h > r.y + r.h + 1)
                fail_msg("%s: text \"%s\" outside its box", screen, text);
        }
        if (json_is_true(json_object_get(wd, "touch"))) {
            if (r.w < min || r.h < min) fail_msg("%s: target \"%s\" is %dx%d", screen, text, r.w, r.h);
            assert_true(r.x >= 0 && r.y >= 0 && r.x + r.w <= w && r.y + r.h <= h);
        }
        if (strcmp(json_string_value(json_object_get(wd, "kind")), kind) == 0) count++;
    }
    return count;
}

static bool shows(json_t *root, const char *text)
{
    size_t i;
    json_t *wd;
    json_array_foreach (json_object_get(root, "widgets"), i, wd) {
        if (strstr(json_string_value(json_object_get(wd, "text")), text)) return true;
    }
    return false;
}

static void dump_screens(const char *name, const char *size, const char *orient)
{
    const char *dir = dir_for(name);
    char script[1200];
    snprintf(script, sizeof script, "%s/script.txt", dir);
    test_write_file(script, "clock 2026-11-22T10:00:00+08:00\n"
                            "import tests/data/feed.json\n"
                            "dump home\n"
                            "tap-text 组织建设与党员管理\n"
                            "dump category\n"
                            "tap-first item:\n"
                            "dump reader\n"
                            "wait 400000\n"
                            "dump attract\n");
    assert_int_equal(run_kiosk(dir, script, size, orient), 0);

    json_t *home = load_dump(dir, "home");
    assert_int_equal(check_dump(home, "home", "tile"), 8);
    assert_true(shows(home, "党风廉政建设"));
    assert_false(shows(home, "内部事项"));
    json_decref(home);

    json_t *cat = load_dump(dir, "category");
    assert_int_equal(check_dump(cat, "category", "tab"), 3); /* 全部, 发展党员, 换届选举 */
    assert_true(check_dump(cat, "category", "row") >= 3);
    assert_true(shows(cat, "返回") && shows(cat, "首页") && shows(cat, "意见建议"));
    json_decref(cat);

    json_t *reader = load_dump(dir, "reader");
    check_dump(reader, "reader", "text");
    assert_true(shows(reader, "大字阅读"));
    json_decref(reader);

    json_t *attract = load_dump(dir, "attract");
    check_dump(attract, "attract", "text");
    assert_true(shows(attract, "请轻触屏幕"));
    json_decref(attract);
}

static void test_landscape(void **state)
{
    (void)state;
    dump_screens("landscape", "1920x1080", "landscape");
}

static void test_portrait(void **state)
{
    (void)state;
    dump_screens("portrait", "1080x1920", "portrait");
}

static void test_small_screen_scales(void **state)
{
    (void)state;
    dump_screens("small", "1280x720", "landscape");
}

/* The rectangle of the first widget showing text. */
static SDL_Rect rect_showing(json_t *root, const char *text)
{
    size_t i;
    json_t *wd;
    json_array_foreach (json_object_get(root, "widgets"), i, wd) {
        if (strcmp(json_string_value(json_object_get(wd, "text")), text) == 0)
            return rect_of(json_object_get(wd, "text_rect") ? json_object_get(wd, "text_rect")
                                                            : json_object_get(wd, "rect"));
    }
    fail_msg("\"%s\" is not on screen", text);
    return (SDL_Rect){0};
}

/* Against burn-in, what stands still drifts by a few pixels over time. */
static void test_static_elements_drift(void **state)
{
    (void)state;
    const char *dir = dir_for("drift");
    char script[1200], text[2048] = "import tests/data/feed.json\n";
    snprintf(script, sizeof script, "%s/script.txt", dir);
    for (int m = 0; m < 6; m++) {
        char line[160];
        snprintf(line, sizeof line, "clock 2026-11-22T10:%02d:00+08:00\ndump home-%d\n", m * 4, m);
        test_append(text, sizeof text, line);
    }
    test_write_file(script, text);
    assert_int_equal(run_kiosk(dir, script, "1920x1080", "landscape"), 0);
    SDL_Rect first = {0};
    bool moved = false;
    for (int m = 0; m < 6; m++) {
        char name[32];
        snprintf(name, sizeof name, "home-%d", m);
        json_t *root = load_dump(dir, name);
        SDL_Rect r = rect_showing(root, "中共青禾镇委员会");
        json_decref(root);
        if (m == 0) first = r;
        assert_true(abs(r.x - first.x) <= 6 && abs(r.y - first.y) <= 6);
        if (r.x != first.x || r.y != first.y) moved = true;
    }
    assert_true(moved);
}

static void test_a_broken_check_fails(void **state)
{
    (void)state;
    const char *dir = dir_for("broken");
    char script[1200];
    snprintf(script, sizeof script, "%s/script.txt", dir);
    test_write_file(script, "expect-text 这句话不在屏幕上\n");
    assert_int_equal(run_kiosk(dir, script, "1920x1080", "landscape"), 1);
    test_write_file(script, "no-such-command 1 2\n");
    assert_int_equal(run_kiosk(dir, script, "1920x1080", "landscape"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_landscape),
        cmocka_unit_test(test_portrait),
        cmocka_unit_test(test_small_screen_scales),
        cmocka_unit_test(test_static_elements_drift),
        cmocka_unit_test(test_a_broken_check_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
