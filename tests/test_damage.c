/* test_damage.c — idle is idle (kiosk/ui/app.c, screen_home.c), with the
 * real app, SDL's software renderer into a (dummy) window's surface and the
 * screens tests' feed.  The window's pixels are painted over with a colour
 * the kiosk never uses before each check, so what a frame touched shows:
 *   - a still home screen (the urgent notice in its strip, the ticker's
 *     welcome line) draws nothing for seconds;
 *   - a scrolling notice touches only the band of the ticker strip at the
 *     bottom that its text covers, and those pixels are exactly what a
 *     full frame draws at the same moment;
 *   - laying the tiles' category screens out ahead draws no pixel and
 *     keeps no texture, and leaves home's widgets as they were;
 *   - a finger on a tile touches only that tile (and the ticker's strip);
 *   - a tap on a tile slides the category in by moving pictures: halfway,
 *     the band between header and bar is the home picture (as it was on
 *     screen) moved out and the category's moved in beside it, the chrome
 *     is the category's, and the last frame is exactly a full frame;
 *   - a finger drags a reader's page: mid-drag the band is the page moved
 *     by exactly the finger's distance with the next page beside it, the
 *     chrome untouched; let go short of a third of the width and slowly, the
 *     pixels are back as they were, on the same page; dragged further, or
 *     flicked, the page turns; at the first and the last page the page
 *     moves less than the finger (a rubber band) with the background beside
 *     it, and nothing turns; a second finger or new content ends a drag;
 *     the header's clock changes around a dragged page, and home's ticker
 *     scrolls under dragged tiles exactly as a full frame draws it; a page
 *     still for a while has its neighbours put into the text cache, with
 *     nothing on screen changed, so a drag's first frame rasterises nothing. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "blobs.h"
#include "import.h"
#include "renderer.h"
#include "screens.h"
#include "testutil.h"

#define W 1920
#define H 1080
#define WALL 1795309200 /* 2026-11-22 10:00 +08:00, on a minute */

static Config cfg;
static Store *store;
static Fonts *fonts;
static SDL_Window *win;
static SDL_Renderer *r;
static App *app;

static int setup(void **state)
{
    (void)state;
    config_defaults(&cfg);
    snprintf(cfg.db_path, sizeof cfg.db_path, "%s", test_path("damage.db"));
    snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s", test_path("damage-cache"));
    Err err;
    FeedResult res;
    int fetched;
    if (store_open(cfg.db_path, &store, &err) || feed_import_file(store, "tests/data/feed.json", &res, &err) ||
        blobs_mkdirs(cfg.cache_dir, &err) || blobs_fetch_local(store, cfg.cache_dir, "tests/data", &fetched, &err))
        return -1;
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(SDL_INIT_VIDEO) || TTF_Init()) return -1;
    if (fonts_open(&cfg, &fonts, &err)) return -1;
    win = SDL_CreateWindow("damage", 0, 0, W, H, 0);
    char why[128] = "";
    r = win ? renderer_create(win, RENDERER_SOFTWARE, true, why, sizeof why, &err) : NULL;
    if (!r || app_create(&cfg, store, fonts, win, r, &app, &err)) return -1;
    screens_register_builtin(app);
    app_use_script_clock(app, WALL);
    return app_start(app, "home");
}

static int teardown(void **state)
{
    (void)state;
    app_destroy(app);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    fonts_close(fonts);
    store_close(store);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

static SDL_Surface *window_pixels(void)
{
    SDL_Surface *s = SDL_GetWindowSurface(win);
    assert_non_null(s);
    assert_int_equal(s->format->BytesPerPixel, 4);
    return s;
}

static void poison(void)
{
    SDL_Surface *s = window_pixels();
    SDL_SetClipRect(s, NULL); /* the renderer leaves its own clip on the surface */
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 255, 0, 255));
}

static const Uint32 *row(SDL_Surface *s, int y) { return (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch); }

static bool row_poisoned(SDL_Surface *s, int y)
{
    Uint32 p = SDL_MapRGB(s->format, 255, 0, 255);
    for (int x = 0; x < s->w; x++)
        if (row(s, y)[x] != p) return false;
    return true;
}

/* A delta of the notices, then the app told, as the sync thread would. */
static void change_notices(const char *json)
{
    FeedResult res;
    Err err;
    assert_int_equal(feed_import_buffer(store, json, strlen(json), &res, &err), 0);
    app_post_content_changed();
    SDL_Event e;
    while (SDL_PollEvent(&e)) app_handle_event(app, &e);
}

static void test_a_still_home_draws_nothing(void **state)
{
    (void)state;
    /* Only the urgent notice (in its strip); the ticker's welcome line fits. */
    change_notices("{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":1,"
                   "\"revision\":2,\"notices\":{\"delete\":[\"n-day\"]}}");
    app_render(app);
    app_advance(app, 1000);
    poison();
    app_advance(app, 5000);
    SDL_Surface *s = window_pixels();
    for (int y = 0; y < s->h; y++) assert_true(row_poisoned(s, y));
}

static void test_a_scrolling_notice_touches_only_its_strip_as_a_full_frame_would(void **state)
{
    (void)state;
    change_notices("{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":2,"
                   "\"revision\":3,\"notices\":{\"upsert\":[{\"id\":\"n-day\",\"period\":\"periodic\",\"text\":"
                   "\"每月第一个工作日为党务公开日，欢迎党员群众到镇党群服务中心查阅公开内容；对公开内容有疑问的，"
                   "可在本屏“意见建议”中留言，也可到镇党政办公室当面咨询，我们将在五个工作日内答复。\"}]}}");
    app_advance(app, 4500); /* it comes round at 8 s, rests 1.5 s, then moves */
    assert_string_equal(app_screen_name(app), "home");
    poison();
    app_advance(app, 400);
    SDL_Surface *s = window_pixels();
    size_t bytes = (size_t)s->pitch * s->h;
    Uint32 *partial = malloc(bytes);
    assert_non_null(partial);
    memcpy(partial, s->pixels, bytes);
    app_redraw(app);
    app_render(app); /* the same moment, the whole frame */
    /* Every pixel the frame touched is the full frame's; the touched ones
     * lie in the ticker's strip, in the band its text covers (the badge
     * and the strip's top line are left alone). */
    Uint32 magenta = SDL_MapRGB(s->format, 255, 0, 255);
    int rows = 0, first = -1, last = -1, left = s->w, right = -1;
    for (int y = 0; y < s->h; y++) {
        const Uint32 *p = (const Uint32 *)((const Uint8 *)partial + y * s->pitch);
        bool touched = false;
        for (int x = 0; x < s->w; x++) {
            if (p[x] == magenta) continue;
            assert_int_equal(p[x], row(s, y)[x]);
            touched = true;
            if (x < left) left = x;
            if (x > right) right = x;
        }
        if (!touched) continue;
        if (first < 0) first = y;
        last = y;
        rows++;
    }
    print_message("the frame touched %d rows from %d, x %d to %d\n", rows, first, left, right);
    assert_int_equal(rows, last - first + 1); /* one band */
    assert_true(rows >= 40 && rows <= 80); /* a line of 40 px type, a few more for the drift */
    assert_true(first >= s->h - 110); /* inside the strip at the bottom */
    assert_true(left > 100 && right >= s->w - 60); /* right of the badge, to the strip's end */
    assert_false(row_poisoned(s, 0)); /* the full frame drew the rest */
    free(partial);
}

static SDL_Event finger(Uint32 type, SDL_Rect at)
{
    SDL_Event e = {0};
    e.type = type;
    e.tfinger.touchId = 1;
    e.tfinger.x = (at.x + at.w / 2.0f) / W;
    e.tfinger.y = (at.y + at.h / 2.0f) / H;
    e.tfinger.pressure = 1;
    return e;
}

static SDL_Rect first_tile(void)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++)
        if (w[i].touch && strncmp(w[i].id, "cat:", 4) == 0) return w[i].rect;
    fail_msg("no tile on home");
    return (SDL_Rect){0};
}

/* Laying out ahead (app.c): home names its tiles' categories, and each is
 * laid out once with nothing drawn, no widget of home's lost and no
 * texture kept; new content starts it again, a touch ends it. */
static void test_laying_out_ahead_draws_and_keeps_nothing(void **state)
{
    (void)state;
    app_redraw(app);
    app_render(app);
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    Widget *before = malloc((size_t)n * sizeof *before);
    assert_non_null(before);
    memcpy(before, w, (size_t)n * sizeof *before);
    int tiles = 0, widgets = n;
    for (int i = 0; i < n; i++) tiles += strncmp(w[i].id, "cat:", 4) == 0;
    size_t bytes = ui_cache_bytes(app_ui(app));
    poison();
    int screens = 0;
    while (screens < 100 && app_lay_out_ahead(app)) screens++;
    print_message("%d screens laid out ahead for %d tiles\n", screens, tiles);
    assert_true(tiles > 0 && screens >= tiles && screens < 100);
    SDL_Surface *s = window_pixels();
    for (int y = 0; y < s->h; y++) assert_true(row_poisoned(s, y));
    w = ui_widgets(app_ui(app), &n);
    assert_int_equal(n, widgets);
    for (int i = 0; i < n; i++) {
        assert_string_equal(w[i].id, before[i].id);
        assert_true(SDL_RectEquals(&w[i].rect, &before[i].rect));
    }
    assert_int_equal(ui_cache_bytes(app_ui(app)), bytes);
    assert_false(app_lay_out_ahead(app));
    free(before);

    app_post_content_changed();
    SDL_Event e;
    while (SDL_PollEvent(&e)) app_handle_event(app, &e);
    assert_true(app_lay_out_ahead(app));
    SDL_Rect header = app_chrome(app, false).header;
    SDL_Event down = finger(SDL_FINGERDOWN, header), up = finger(SDL_FINGERUP, header);
    app_handle_event(app, &down);
    app_handle_event(app, &up);
    assert_false(app_lay_out_ahead(app));
    assert_string_equal(app_screen_name(app), "home");
    app_render(app);
}

static Uint32 *copy_pixels(void)
{
    SDL_Surface *s = window_pixels();
    Uint32 *p = malloc((size_t)s->pitch * s->h);
    assert_non_null(p);
    memcpy(p, s->pixels, (size_t)s->pitch * s->h);
    return p;
}

static const Uint32 *row_of(const Uint32 *pixels, int y)
{
    return (const Uint32 *)((const Uint8 *)pixels + y * window_pixels()->pitch);
}

static void test_a_finger_on_a_tile_touches_only_that_tile(void **state)
{
    (void)state;
    app_redraw(app);
    app_render(app);
    SDL_Rect tile = first_tile();
    poison();
    SDL_Event down = finger(SDL_FINGERDOWN, tile);
    app_handle_event(app, &down);
    app_render(app);
    SDL_Surface *s = window_pixels();
    Uint32 poisoned = SDL_MapRGB(s->format, 255, 0, 255);
    int margin = 8, touched = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            if (row(s, y)[x] == poisoned) continue;
            touched++;
            assert_true(x >= tile.x - margin && x < tile.x + tile.w + margin);
            assert_true(y >= tile.y - margin && y < tile.y + tile.h + margin);
        }
    assert_true(touched >= tile.w * tile.h);
    Uint32 *partial = copy_pixels();
    app_redraw(app);
    app_render(app); /* the same moment, the whole frame: the pressed tile's pixels are its pixels */
    for (int y = tile.y; y < tile.y + tile.h; y++)
        assert_memory_equal(row_of(partial, y) + tile.x, row(s, y) + tile.x, (size_t)tile.w * 4);
    free(partial);
    SDL_Event up = finger(SDL_FINGERUP, tile);
    up.tfinger.y = 0.99f; /* far away: no tap, the press ends */
    SDL_Event move = up;
    move.type = SDL_FINGERMOTION;
    app_handle_event(app, &move);
    app_handle_event(app, &up);
    app_advance(app, 200);
}

static void test_a_tap_slides_the_pictures_it_has(void **state)
{
    (void)state;
    app_redraw(app);
    app_render(app);
    SDL_Rect tile = first_tile();
    Uint32 *home = copy_pixels();
    SDL_Event down = finger(SDL_FINGERDOWN, tile), up = finger(SDL_FINGERUP, tile);
    app_handle_event(app, &down);
    app_advance(app, 60);
    Uint32 *pressed = copy_pixels();
    app_handle_event(app, &up);
    assert_string_equal(app_screen_name(app), "category");
    app_advance(app, 60); /* a few frames into the slide */
    Uint32 *halfway = copy_pixels();
    app_advance(app, 400);
    Uint32 *last = copy_pixels();
    app_redraw(app);
    app_render(app);
    SDL_Surface *s = window_pixels();
    for (int y = 0; y < s->h; y++) assert_memory_equal(row_of(last, y), row(s, y), (size_t)s->w * 4);
    Uint32 *category = copy_pixels();
    /* Halfway: rows of the band are the pressed home moved left by dx and
     * the category beside it; find dx on a row of the band, then check
     * every row the pictures differ on. */
    Chrome c = app_chrome(app, false);
    int band_top = c.body.y, band_end = c.body.y + c.body.h, dx = -1, moved_rows = 0;
    int probe = band_top + c.body.h / 3;
    for (int d = 1; d < W && dx < 0; d++)
        if (memcmp(row_of(halfway, probe), row_of(pressed, probe) + d, (size_t)(W - d) * 4) == 0 &&
            memcmp(row_of(halfway, probe) + (W - d), row_of(category, probe), (size_t)d * 4) == 0)
            dx = d;
    print_message("halfway the pictures had moved by %d px\n", dx);
    assert_true(dx > 0 && dx < W);
    for (int y = 0; y < s->h; y++) {
        if (y < band_top || y >= band_end) {
            assert_memory_equal(row_of(halfway, y), row_of(category, y), (size_t)W * 4);
            continue;
        }
        assert_memory_equal(row_of(halfway, y), row_of(pressed, y) + dx, (size_t)(W - dx) * 4);
        assert_memory_equal(row_of(halfway, y) + (W - dx), row_of(category, y), (size_t)dx * 4);
        moved_rows += memcmp(row_of(home, y), row_of(category, y), (size_t)W * 4) != 0;
    }
    assert_true(moved_rows > H / 2);
    free(home);
    free(pressed);
    free(halfway);
    free(last);
    free(category);
}

/* ---- a finger drags the page ------------------------------------------- */

#define FINGER_Y 600

static void touch(Uint32 type, SDL_FingerID id, int x, int y)
{
    SDL_Event e = {0};
    e.type = type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = id;
    e.tfinger.x = (x + 0.5f) / W;
    e.tfinger.y = (y + 0.5f) / H;
    e.tfinger.pressure = 1;
    app_handle_event(app, &e);
}

/* Finger 0 down at x, then moved to x + dx in 16 ms steps of at most
 * `step` px, each step a frame, as a panel reports a finger at 60 Hz. */
static void drag_by(int x, int dx, int step)
{
    touch(SDL_FINGERDOWN, 0, x, FINGER_Y);
    app_advance(app, 16);
    int moved = 0;
    while (moved != dx) {
        int d = dx - moved;
        moved += d > step ? step : d < -step ? -step : d;
        touch(SDL_FINGERMOTION, 0, x + moved, FINGER_Y);
        app_advance(app, 16);
    }
}

/* Finger 0 lifts at x; the slide that follows ends. */
static void lift(int x)
{
    touch(SDL_FINGERUP, 0, x, FINGER_Y);
    app_advance(app, 400);
}

static const char *pager_label(void)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++)
        if (w[i].kind == WIDGET_PAGER) return w[i].text;
    return "";
}

static void assert_on_page(int page)
{
    char want[32];
    snprintf(want, sizeof want, "第 %d/", page);
    assert_non_null(strstr(pager_label(), want));
}

static bool shows(const char *text)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++)
        if (strstr(w[i].text, text)) return true;
    return false;
}

static Uint32 *full_frame(void)
{
    app_redraw(app);
    app_render(app);
    return copy_pixels();
}

static void assert_same_picture(const Uint32 *a, const Uint32 *b)
{
    for (int y = 0; y < H; y++) assert_memory_equal(row_of(a, y), row_of(b, y), (size_t)W * 4);
}

/* How far the band's rows of `moved` are `page` shifted (dx < 0: to the
 * left), found on one row and then held on every row of the band; the
 * rows outside the band are `chrome`'s. */
static int band_shift(const Uint32 *moved, const Uint32 *page, const Uint32 *chrome)
{
    Chrome c = app_chrome(app, false);
    /* The probe: the band's busiest row (a blank one matches any shift). */
    int probe = c.body.y, most = -1, shift = 0;
    for (int y = c.body.y; y < c.body.y + c.body.h; y++) {
        int changes = 0;
        for (int x = 1; x < W; x++) changes += row_of(page, y)[x] != row_of(page, y)[x - 1];
        if (changes > most) most = changes, probe = y;
    }
    bool found = false;
    for (int d = 1; d < W && !found; d++) {
        if (memcmp(row_of(moved, probe), row_of(page, probe) + d, (size_t)(W - d) * 4) == 0) shift = -d, found = true;
        else if (memcmp(row_of(moved, probe) + d, row_of(page, probe), (size_t)(W - d) * 4) == 0)
            shift = d, found = true;
    }
    assert_true(found);
    for (int y = 0; y < H; y++) {
        if (y < c.body.y || y >= c.body.y + c.body.h) {
            assert_memory_equal(row_of(moved, y), row_of(chrome, y), (size_t)W * 4);
            continue;
        }
        if (shift < 0) assert_memory_equal(row_of(moved, y), row_of(page, y) - shift, (size_t)(W + shift) * 4);
        else assert_memory_equal(row_of(moved, y) + shift, row_of(page, y), (size_t)(W - shift) * 4);
    }
    return shift;
}

/* The part of the band beside the moved page: `beside`'s pixels (the page
 * that comes in), or the background when beside is NULL. */
static void assert_beside(const Uint32 *moved, int shift, const Uint32 *beside)
{
    Chrome c = app_chrome(app, false);
    SDL_Surface *s = window_pixels();
    Uint32 bg = SDL_MapRGB(s->format, ui_theme.bg.r, ui_theme.bg.g, ui_theme.bg.b);
    int from = shift < 0 ? W + shift : 0, n = shift < 0 ? -shift : shift;
    for (int y = c.body.y; y < c.body.y + c.body.h; y++) {
        if (beside && shift < 0) assert_memory_equal(row_of(moved, y) + from, row_of(beside, y), (size_t)n * 4);
        else if (beside) assert_memory_equal(row_of(moved, y), row_of(beside, y) + W - n, (size_t)n * 4);
        else
            for (int x = from; x < from + n; x++) assert_int_equal(row_of(moved, y)[x], bg);
    }
}

static void test_a_finger_drags_the_readers_page(void **state)
{
    (void)state;
    app_home(app);
    app_advance(app, 400);
    assert_int_equal(app_open(app, "reader", "i-long"), 0);
    app_advance(app, 800); /* the slide, then the next page rasterised meanwhile */
    assert_on_page(1);
    Uint32 *page1 = full_frame();

    /* Mid-drag: the page moved by exactly the finger's 300 px, page 2 beside it. */
    drag_by(1200, -300, 40);
    assert_string_equal(app_screen_name(app), "reader");
    Uint32 *mid = copy_pixels();
    assert_int_equal(band_shift(mid, page1, page1), -300);

    /* Held still, then let go short of a third of the width: back, same page. */
    app_advance(app, 200);
    lift(900);
    Uint32 *back = copy_pixels();
    assert_same_picture(back, page1);
    assert_on_page(1);

    /* Dragged past a third of the width: page 2, and the slide ends on a full frame. */
    drag_by(1500, -800, 40);
    lift(700);
    assert_on_page(2);
    Uint32 *turned = copy_pixels();
    Uint32 *page2 = full_frame();
    assert_same_picture(turned, page2);
    /* ...and page 2 is what came in beside page 1 mid-drag. */
    assert_beside(mid, -300, page2);

    /* A flick (200 px in 50 ms) back to page 1. */
    drag_by(800, 200, 70);
    lift(1000);
    assert_on_page(1);
    free(mid);
    free(back);
    free(turned);
    free(page2);

    /* At the first page: a rubber band, the background beside it, no turn, the note. */
    Uint32 *first = full_frame();
    drag_by(600, 400, 40);
    Uint32 *pulled = copy_pixels();
    int shift = band_shift(pulled, first, first);
    print_message("a 400 px pull at the first page moved it %d px\n", shift);
    assert_true(shift > 0 && shift < 400 && shift <= W / 3);
    assert_beside(pulled, shift, NULL);
    lift(1000);
    assert_on_page(1);
    assert_true(shows("已是第一页"));
    free(pulled);
    free(first);
    free(page1);
}

static void test_a_drag_at_the_last_page_only_stretches(void **state)
{
    (void)state;
    app_advance(app, 4000); /* the note gone */
    for (int i = 0; i < 40 && !shows("已是最后一页"); i++) {
        touch(SDL_FINGERDOWN, 0, 1500, FINGER_Y);
        touch(SDL_FINGERMOTION, 0, 1000, FINGER_Y);
        touch(SDL_FINGERMOTION, 0, 500, FINGER_Y);
        touch(SDL_FINGERUP, 0, 500, FINGER_Y);
        app_advance(app, 300);
    }
    const char *label = strstr(pager_label(), "第 ");
    assert_non_null(label);
    int page, pages;
    assert_int_equal(sscanf(label, "第 %d/%d 页", &page, &pages), 2);
    assert_int_equal(page, pages);
    assert_true(pages > 2);
    app_advance(app, 4000);
    Uint32 *last = full_frame();
    drag_by(1500, -700, 50);
    Uint32 *pulled = copy_pixels();
    int shift = band_shift(pulled, last, last);
    assert_true(shift < 0 && shift > -700 && -shift <= W / 3);
    assert_beside(pulled, shift, NULL);
    lift(800);
    label = strstr(pager_label(), "第 ");
    assert_int_equal(sscanf(label, "第 %d/", &page), 1);
    assert_int_equal(page, pages);
    assert_true(shows("已是最后一页"));
    free(last);
    free(pulled);
    /* Back to page 1 for the next test. */
    for (int i = 0; i < 40 && !strstr(pager_label(), "第 1/"); i++) {
        touch(SDL_FINGERDOWN, 0, 500, FINGER_Y);
        touch(SDL_FINGERMOTION, 0, 1000, FINGER_Y);
        touch(SDL_FINGERMOTION, 0, 1500, FINGER_Y);
        touch(SDL_FINGERUP, 0, 1500, FINGER_Y);
        app_advance(app, 300);
    }
    assert_on_page(1);
}

static void test_a_second_finger_or_new_content_ends_a_drag(void **state)
{
    (void)state;
    app_advance(app, 4000);
    Uint32 *page1 = full_frame();
    /* A second finger: the page goes back, and the first finger does nothing more. */
    drag_by(1500, -500, 50);
    touch(SDL_FINGERDOWN, 1, 400, FINGER_Y);
    app_advance(app, 300);
    Uint32 *back = copy_pixels();
    assert_same_picture(back, page1);
    touch(SDL_FINGERMOTION, 0, 300, FINGER_Y);
    app_advance(app, 16);
    touch(SDL_FINGERUP, 1, 400, FINGER_Y);
    lift(300);
    assert_on_page(1);
    free(back);
    back = copy_pixels();
    assert_same_picture(back, page1);
    free(back);

    /* New content mid-drag: the drag ends, the page is drawn as it is now. */
    drag_by(1500, -500, 50);
    change_notices("{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":3,"
                   "\"revision\":4,\"notices\":{\"delete\":[\"n-day\"]}}");
    app_advance(app, 16);
    Uint32 *after = copy_pixels();
    Uint32 *now = full_frame();
    assert_same_picture(after, now);
    touch(SDL_FINGERMOTION, 0, 300, FINGER_Y);
    app_advance(app, 16);
    lift(300);
    assert_on_page(1);
    free(after);
    free(now);
    free(page1);
}

static void test_the_header_goes_on_around_a_dragged_page(void **state)
{
    (void)state;
    app_advance(app, 4000);
    Uint32 *page1 = full_frame();
    drag_by(1500, -300, 50);
    app_set_wall_time(app, app_time(app) + 60); /* the header's clock: the next minute */
    touch(SDL_FINGERMOTION, 0, 1200, FINGER_Y);
    app_advance(app, 16);
    Uint32 *mid = copy_pixels();
    app_advance(app, 200);
    lift(1200);
    assert_on_page(1);
    Uint32 *later = full_frame();
    /* The band still the held page moved by the finger; around it, the new minute. */
    assert_int_equal(band_shift(mid, page1, later), -300);
    Chrome c = app_chrome(app, false);
    bool header_changed = false;
    for (int y = 0; y < c.body.y; y++)
        header_changed = header_changed || memcmp(row_of(page1, y), row_of(later, y), (size_t)W * 4) != 0;
    assert_true(header_changed);
    free(page1);
    free(mid);
    free(later);
}

static void test_the_ticker_scrolls_under_a_dragged_home(void **state)
{
    (void)state;
    change_notices("{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":4,"
                   "\"revision\":5,\"notices\":{\"upsert\":[{\"id\":\"n-day\",\"period\":\"periodic\",\"text\":"
                   "\"每月第一个工作日为党务公开日，欢迎党员群众到镇党群服务中心查阅公开内容；对公开内容有疑问的，"
                   "可在本屏“意见建议”中留言，也可到镇党政办公室当面咨询，我们将在五个工作日内答复。\"}]}}");
    app_home(app);
    app_advance(app, 400);
    assert_string_equal(app_screen_name(app), "home");
    app_advance(app, 4500); /* the long notice scrolls */
    /* One page of tiles: the drag only stretches, and the ticker goes on under it. */
    drag_by(700, 300, 50);
    Uint32 *a = copy_pixels();
    touch(SDL_FINGERMOTION, 0, 1000, FINGER_Y);
    app_advance(app, 50);
    Uint32 *b = copy_pixels();
    Chrome c = app_chrome(app, false);
    int below = c.body.y + c.body.h, moved = 0;
    for (int y = below; y < H; y++) moved += memcmp(row_of(a, y), row_of(b, y), (size_t)W * 4) != 0;
    print_message("the ticker moved on %d rows under the dragged home\n", moved);
    assert_true(moved > 0);
    Err err;
    assert_int_equal(app_screenshot(app, test_path("home-drag.png"), &err), 0); /* a full frame, the same moment */
    Uint32 *full = copy_pixels();
    for (int y = 0; y < H; y++)
        if (y < c.body.y || y >= below) assert_memory_equal(row_of(b, y), row_of(full, y), (size_t)W * 4);
    lift(1000);
    assert_string_equal(app_screen_name(app), "home");
    free(a);
    free(b);
    free(full);
}

static void test_a_still_page_puts_its_neighbours_in_the_cache(void **state)
{
    (void)state;
    app_home(app);
    app_advance(app, 400);
    assert_int_equal(app_open(app, "category", "c-decision"), 0);
    app_advance(app, 300); /* the slide is over; the page not yet still for long */
    app_redraw(app);
    app_render(app);
    assert_on_page(1);
    size_t before = ui_cache_bytes(app_ui(app));
    poison();
    app_advance(app, 1000);
    size_t warmed = ui_cache_bytes(app_ui(app));
    print_message("the list's neighbours put %zu bytes into the cache\n", warmed - before);
    assert_true(warmed > before);
    /* Nothing on screen changed but the one pixel drawn for it (the page's own). */
    SDL_Surface *s = window_pixels();
    Uint32 poisoned = SDL_MapRGB(s->format, 255, 0, 255);
    for (int x = 1; x < W; x++) assert_int_equal(row(s, 0)[x], poisoned);
    for (int y = 1; y < H; y++) assert_true(row_poisoned(s, y));
    assert_on_page(1);
    /* The drag's first frame draws page 2 from the cache: nothing new rasterised. */
    app_redraw(app);
    app_render(app);
    size_t shown = ui_cache_bytes(app_ui(app));
    drag_by(1500, -300, 100);
    assert_int_equal(ui_cache_bytes(app_ui(app)), shown);
    app_advance(app, 200);
    lift(1200);
    assert_on_page(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_still_home_draws_nothing),
        cmocka_unit_test(test_laying_out_ahead_draws_and_keeps_nothing),
        cmocka_unit_test(test_a_scrolling_notice_touches_only_its_strip_as_a_full_frame_would),
        cmocka_unit_test(test_a_finger_on_a_tile_touches_only_that_tile),
        cmocka_unit_test(test_a_tap_slides_the_pictures_it_has),
        cmocka_unit_test(test_a_finger_drags_the_readers_page),
        cmocka_unit_test(test_a_drag_at_the_last_page_only_stretches),
        cmocka_unit_test(test_a_second_finger_or_new_content_ends_a_drag),
        cmocka_unit_test(test_the_header_goes_on_around_a_dragged_page),
        cmocka_unit_test(test_the_ticker_scrolls_under_a_dragged_home),
        cmocka_unit_test(test_a_still_page_puts_its_neighbours_in_the_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
