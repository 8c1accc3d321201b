/* bench_screens.c — what the screens cost per frame at 1080p.
 *
 * Runs the real app with the software renderer (the slowest case: a
 * kiosk PC with a GPU does better) on the screens tests' feed, and prints:
 * the first frame of home, reader and category (text laid out and
 * rasterised into the cache), a redraw from the cache, the frames of a
 * 200 ms page transition in the reader (target: under 16.7 ms for 60 fps),
 * and the cost of a second of an idle screen (nothing should be drawn). */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "blobs.h"
#include "import.h"
#include "monoclock.h"
#include "screens.h"

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_screens: %s: %s\n", what, msg);
    exit(1);
}

static void tap_widget(App *app, const char *id)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++) {
        if (!w[i].touch || strcmp(w[i].id, id) != 0) continue;
        SDL_Event e = {0};
        e.tfinger.x = (w[i].rect.x + w[i].rect.w / 2.0f) / app_width(app);
        e.tfinger.y = (w[i].rect.y + w[i].rect.h / 2.0f) / app_height(app);
        e.type = SDL_FINGERDOWN;
        app_handle_event(app, &e);
        app_advance(app, 50);
        e.type = SDL_FINGERUP;
        app_handle_event(app, &e);
        return;
    }
    die("no widget", id);
}

static double time_render(App *app)
{
    double t = monoclock_ms();
    app_render(app);
    return monoclock_ms() - t;
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    Config cfg;
    config_defaults(&cfg);
    char dir[] = "/tmp/bench-screens.XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp", "failed");
    snprintf(cfg.db_path, sizeof cfg.db_path, "%s/kiosk.db", dir);
    snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s/cache", dir);
    Err err;
    Store *store;
    FeedResult res;
    int fetched;
    if (store_open(cfg.db_path, &store, &err) || feed_import_file(store, "tests/data/feed.json", &res, &err) ||
        blobs_mkdirs(cfg.cache_dir, &err) || blobs_fetch_local(store, cfg.cache_dir, "tests/data", &fetched, &err))
        die("content", err.msg);
    input_set_hints();
    if (SDL_Init(SDL_INIT_VIDEO) || TTF_Init()) die("SDL", SDL_GetError());
    IMG_Init(IMG_INIT_PNG);
    Fonts *fonts;
    if (fonts_open(&cfg, &fonts, &err)) die("fonts", err.msg);
    SDL_Window *win = SDL_CreateWindow("bench", 0, 0, 1920, 1080, 0);
    SDL_Renderer *r = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE) : NULL;
    if (!r) die("renderer", SDL_GetError());
    App *app;
    if (app_create(&cfg, store, fonts, win, r, &app, &err)) die("app", err.msg);
    screens_register_builtin(app);
    app_use_script_clock(app, 1795309200); /* 2026-11-22 10:00 +08:00 */
    if (app_start(app, "home")) die("home", "cannot start");

    printf("screens at 1920x1080, software renderer\n");
    printf("  home, first frame (lay out, rasterise):   %7.2f ms\n", time_render(app));
    double warm = 0;
    for (int i = 0; i < 10; i++) warm += time_render(app);
    printf("  home, redraw from the cache:               %7.2f ms\n", warm / 10);

    app_open(app, "reader", "i-long");
    printf("  reader, first frame of a 3,000-char item:  %7.2f ms (lays out the whole item)\n", time_render(app));
    app_advance(app, 3000); /* the visitor reads the first page */
    tap_widget(app, PAGER_NEXT);
    double worst = 0, sum = 0;
    int frames = 0;
    for (int t = 0; t < 200; t += 16, frames++) {
        double t0 = monoclock_ms();
        app_advance(app, 16);
        double d = monoclock_ms() - t0;
        sum += d;
        if (d > worst) worst = d;
    }
    printf("  reader, page transition: %d frames, mean %6.2f ms, worst %6.2f ms (60 fps needs < 16.7)\n", frames,
           sum / frames, worst);

    app_open(app, "category", "c-decision");
    printf("  category, first frame:                     %7.2f ms\n", time_render(app));

    app_advance(app, 400);
    double t0 = monoclock_ms();
    app_advance(app, 1000);
    printf("  one second of a still screen:              %7.2f ms of work\n", monoclock_ms() - t0);

    app_destroy(app);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    fonts_close(fonts);
    store_close(store);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_screens: could not remove %s\n", dir);
    TTF_Quit();
    SDL_Quit();
    return 0;
}
