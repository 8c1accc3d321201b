/* main.c — start-up: config, log, store, fonts, window and renderer, the
 * screens, then the UI loop (or the headless script runner). */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "headless.h"
#include "input.h"
#include "log.h"
#include "renderer.h"
#include "screen_feedback.h"
#include "screens.h"
#include "store.h"
#include "sync.h"
#include "text.h"

typedef struct Kiosk {
    Store *store;
    Fonts *fonts;
    SDL_Window *win;
    SDL_Renderer *r;
    App *app;
    SyncThread *sync;
} Kiosk;

static void kiosk_close(Kiosk *k)
{
    if (k->sync) sync_stop(k->sync);
    app_destroy(k->app);
    feedback_screens_shutdown();
    if (k->r) SDL_DestroyRenderer(k->r);
    if (k->win) SDL_DestroyWindow(k->win);
    fonts_close(k->fonts);
    store_close(k->store);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
}

/* The window: full screen at the display's size, or a window of the
 * configured size turned to the configured orientation. */
static int open_window(const Config *cfg, Kiosk *k, Err *err)
{
    int w = cfg->width, h = cfg->height;
    if ((cfg->orientation == ORIENT_PORTRAIT) != (h > w)) {
        int t = w;
        w = h;
        h = t;
    }
    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
    if (cfg->fullscreen && !cfg->headless) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    k->win = SDL_CreateWindow("党务公开", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!k->win) return err_set(err, "cannot open a window: %s", SDL_GetError());
    char why[256];
    k->r = renderer_create(k->win, cfg->renderer, cfg->headless, why, sizeof why, err);
    if (!k->r) return -1;
    if (cfg->fullscreen && !cfg->headless) SDL_ShowCursor(SDL_DISABLE);
    return 0;
}

/* SDL falls back to its "offscreen" (or "dummy") driver when no display
 * answers, and the kiosk would then run unseen for ever.  Those drivers
 * are for --headless, or for whoever names them in SDL_VIDEODRIVER (the
 * tests); anything else is a start-up failure, so the service restarts it
 * once the display is there and the journal says why. */
static int check_display(const Config *cfg, Err *err)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (!driver) return err_set(err, "no display: SDL has no video driver (%s)", SDL_GetError());
    bool invisible = strcmp(driver, "offscreen") == 0 || strcmp(driver, "dummy") == 0;
    if (invisible && !cfg->headless && !(asked && strstr(asked, driver)))
        return err_set(err, "no display to show on (DISPLAY and WAYLAND_DISPLAY are unset or do not answer, and no "
                            "KMS/DRM screen can be opened); start the kiosk in its session (docs/DEPLOY.md), or use "
                            "--headless SCRIPT");
    log_info("display: SDL video driver %s", driver);
    return 0;
}

/* The fonts need nothing of SDL's video: they open on a thread of their
 * own while SDL_Init connects to the display (about 4 ms beside SDL_Init's
 * 12 under Xvfb on the 2-core bench machine; docs/SCREENS.md, start-up).
 * The store still waits for the display: a kiosk started without one
 * creates no database. */
typedef struct FontsOpening {
    const Config *cfg;
    Fonts *fonts;
    Err err;
    int rc;
} FontsOpening;

static void *open_fonts(void *arg)
{
    FontsOpening *o = arg;
    o->rc = -1;
    if (TTF_Init() != 0) err_set(&o->err, "cannot start SDL_ttf: %s", TTF_GetError());
    else if (fonts_open(o->cfg, &o->fonts, &o->err))
        err_prefix(&o->err, "the fonts cannot be used, so nothing can be shown: ");
    else o->rc = 0;
    return NULL;
}

/* SDL's video with the fonts opening beside it; the display's failure is
 * the one told when both fail (without a display nothing else matters).
 * The fonts are in k->fonts either way (kiosk_close). */
static int open_display_and_fonts(const Config *cfg, Kiosk *k, Err *err)
{
    FontsOpening o = {.cfg = cfg};
    pthread_t t;
    bool beside = pthread_create(&t, NULL, open_fonts, &o) == 0;
    if (!beside) open_fonts(&o);
    int rc;
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        rc = err_set(err, "no display: cannot start SDL video: %s", SDL_GetError());
    else rc = check_display(cfg, err);
    if (beside) pthread_join(t, NULL);
    k->fonts = o.fonts;
    if (rc != 0) return rc;
    if (o.rc != 0) {
        *err = o.err;
        return -1;
    }
    return 0;
}

static int start(const Config *cfg, Kiosk *k, Err *err)
{
    if (cfg->headless) {
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    }
    input_set_hints();
    /* The display first (the fonts open beside it): without one nothing
     * else is worth opening. */
    if (open_display_and_fonts(cfg, k, err)) return -1;
    StoreStart opened;
    if (store_open_kiosk(cfg->db_path, &k->store, &opened, err))
        return err_prefix(err, "the database cannot be used: ");
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    if (open_window(cfg, k, err)) return -1;
    if (app_create(cfg, k->store, k->fonts, k->win, k->r, &k->app, err)) return -1;
    screens_register_builtin(k->app);
    if (feedback_screens_register(k->app, err)) return -1;
    if (app_start(k->app, "home") != 0) return err_set(err, "the home screen cannot be shown");
    /* A headless script brings content itself (import), on its own clock. */
    /* A database that cannot be written is shown as it is: the sync thread
     * could store nothing, and the sync mark says why. */
    if (opened.read_only) app_set_store_note(k->app, opened.why);
    else if (!cfg->headless && sync_start(cfg, app_sync_notify, NULL, &k->sync, err) != 0)
        log_warn("sync does not start, showing what is stored: %s", err->msg);
    app_set_sync(k->app, k->sync);
    return 0;
}

/* glibc malloc, set for a program that runs for months on a small PC:
 * - at most two arenas: the UI thread's and one that the sync, image and
 *   PDF threads share (each thread would otherwise get an arena of its own,
 *   up to 8 per core, each keeping what its thread freed);
 * - a fixed mmap threshold of 256 KB: glibc raises it by itself up to
 *   32 MB after the first large free, after which the 0.3-5 MB pixel
 *   buffers of cached textures would come from the heap and stay there,
 *   scattered, when dropped; from mmap they go back to the system at once
 *   (the fresh pages cost a fault each, less than drawing into them);
 * - the top of the heap given back past 1 MB free (the default 128 KB
 *   would trim and grow again at every page of text). */
static void tune_malloc(void)
{
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
}

int main(int argc, char **argv)
{
    tune_malloc();
    Config cfg;
    Err err;
    int rc = config_init(&cfg, argc, argv, &err);
    if (rc == 1) return 0;
    if (rc != 0) {
        fprintf(stderr, "kiosk: %s\n", err.msg);
        return 2;
    }
    log_set_level(cfg.log_level);
    if (cfg.log_file[0] && log_set_file(cfg.log_file) != 0) log_warn("cannot write the log file %s", cfg.log_file);
    Kiosk k = {0};
    if (start(&cfg, &k, &err) != 0) {
        log_error("%s", err.msg);
        fprintf(stderr, "kiosk: %s\n", err.msg);
        kiosk_close(&k);
        return 1;
    }
    if (cfg.headless) {
        app_use_script_clock(k.app, (int64_t)time(NULL));
        rc = headless_run(k.app, &cfg, cfg.headless_script);
    } else {
        rc = app_run(k.app);
    }
    kiosk_close(&k);
    return rc;
}
