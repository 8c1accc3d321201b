/* bench_screens.c — the frames a visitor sees, at 1080p on a CPU.
 *
 * Runs the real loop (app_run) in real time with the software renderer the
 * kiosk picks on a PC without a GPU (kiosk/ui/renderer.c: SDL's software
 * renderer into the window's surface, framebuffer acceleration off) on the
 * screens tests' feed, and times every frame it presents: from the moment
 * the loop woke for it (the event, the timer) to the return of
 * SDL_RenderPresent, the tap's own frame included.  One run, three parts:
 *   still home     the first notice fits: nothing moves (0 frames is right)
 *   ticking home   the long notice scrolls (the figure an idle kiosk costs)
 *   transition     a tap on a tile, the category screen sliding in
 *   drag           a finger across a reader's page at 60 Hz (30 px a step,
 *                  1200 px), let go: the page follows it, turns, the slide
 *                  ends; then the same on a category's list (its next page
 *                  is rows of titles, not a rasterised page of text)
 * For each: frames presented, their cost p50/p99/max, the gaps between
 * presents p50/p99/max (smoothness), and the process's CPU share over the
 * part's wall time (getrusage, all threads: a share of one core), with the
 * X server's beside it (its work for what the kiosk presents).  The
 * machine's load (/proc/loadavg) is printed first and last: a loaded
 * machine shows in the figures.
 *
 * The window is on an Xvfb the bench starts (benchutil.h), so a present is
 * an XShmPutImage of what changed and the loop sleeps in the kernel as on
 * a kiosk; without Xvfb, SDL's dummy driver (a window surface that is
 * shown nowhere, and an event wait that polls every millisecond).
 * SDL_VIDEODRIVER set chooses the driver instead.  The first line says
 * which, with the renderer and why it was chosen.  Takes about 23 s. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "app.h"
#include "benchutil.h"
#include "blobs.h"
#include "import.h"
#include "monoclock.h"
#include "renderer.h"
#include "screens.h"

/* The timeline, ms from the start.  The loop runs twice: first with only
 * the urgent notice (in its strip under the header; the ticker shows its
 * welcome line, which fits), then with a long notice in the ticker as well
 * (it rests 1.5 s, then scrolls), and a tap. */
#define STILL_FROM 500
#define STILL_TO 6500
#define STILL_QUIT_AT 6600
#define TICK_FROM 10500
#define TICK_TO 16500
#define TAP_AT 17000
#define TAP_UP_AT 17060
#define TRANSITION_TO 17700
#define QUIT_AT 18000
/* Then the reader on the long sample item, opened before the third run. */
#define DRAG_ITEM "i-long"
#define DRAG_CATEGORY "c-decision"
#define DRAG_AT 19500
#define DRAG_STEPS 40 /* moves, one every 1/60 s */
#define DRAG_STEP_PX 30
#define DRAG_FROM_X 1700
#define DRAG_Y 600
#define DRAG_SPAN (DRAG_STEPS * 1000 / 60 + 500)
#define DRAG_TO (DRAG_AT + DRAG_SPAN)
#define DRAG_QUIT_AT (DRAG_TO + 200)
#define LIST_DRAG_AT (DRAG_QUIT_AT + 1500)
#define LIST_DRAG_TO (LIST_DRAG_AT + DRAG_SPAN)
#define LIST_QUIT_AT (LIST_DRAG_TO + 200)
#define LONG_NOTICE "n-day"
#define MAX_FRAMES 4096

typedef struct Part {
    const char *name;
    int from, to; /* ms from the start */
    double cpu_from, cpu_to; /* process CPU ms at its ends */
    double x_from, x_to; /* the X server's (Xvfb's) CPU ms, when there is one */
    double wall_from, wall_to;
} Part;

typedef struct Bench {
    double start;
    double woke[MAX_FRAMES], presented[MAX_FRAMES];
    int frames;
    Part parts[5];
    SDL_Event tap;
    int drag_at, drag_step; /* when the dragging finger goes down; its moves pushed so far */
} Bench;

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_screens: %s: %s\n", what, msg);
    exit(1);
}

static void on_frame(void *ctx, double woke, double presented)
{
    Bench *b = ctx;
    if (b->frames == MAX_FRAMES) return;
    b->woke[b->frames] = woke - b->start;
    b->presented[b->frames] = presented - b->start;
    b->frames++;
}

/* Timer callbacks (SDL's timer thread): mark the parts' ends, tap, quit. */
static Bench *bench;
static BenchDisplay display;

static Uint32 at_mark(Uint32 interval, void *param)
{
    (void)interval;
    intptr_t k = (intptr_t)param;
    Part *p = &bench->parts[k / 2];
    double *cpu = k % 2 ? &p->cpu_to : &p->cpu_from, *wall = k % 2 ? &p->wall_to : &p->wall_from;
    *cpu = bench_process_cpu_ms();
    if (display.xvfb > 0) bench_proc_cpu_ms(display.xvfb, NULL, k % 2 ? &p->x_to : &p->x_from);
    *wall = monoclock_ms();
    return 0;
}

static Uint32 at_finger(Uint32 interval, void *param)
{
    (void)interval;
    SDL_Event e = bench->tap;
    e.type = param ? SDL_FINGERUP : SDL_FINGERDOWN;
    SDL_PushEvent(&e);
    return 0;
}

/* The dragging finger, one event every 1/60 s from drag_at on a grid of
 * the timeline (as a touch panel reports): down, DRAG_STEPS moves, up. */
static Uint32 at_drag(Uint32 interval, void *param)
{
    (void)interval;
    (void)param;
    int k = bench->drag_step++;
    SDL_Event e = {0};
    e.type = k == 0 ? SDL_FINGERDOWN : k <= DRAG_STEPS ? SDL_FINGERMOTION : SDL_FINGERUP;
    e.tfinger.touchId = 1;
    e.tfinger.x = (DRAG_FROM_X - DRAG_STEP_PX * (k <= DRAG_STEPS ? k : DRAG_STEPS) + 0.5f) / 1920;
    e.tfinger.y = (DRAG_Y + 0.5f) / 1080;
    e.tfinger.pressure = 1;
    SDL_PushEvent(&e);
    if (k > DRAG_STEPS) return 0;
    double next = bench->drag_at + (k + 1) * 1000.0 / 60, now = monoclock_ms() - bench->start;
    return next - now < 1 ? 1 : (Uint32)(next - now);
}

static Uint32 at_quit(Uint32 interval, void *param)
{
    (void)interval;
    (void)param;
    SDL_Event e = {.type = SDL_QUIT};
    SDL_PushEvent(&e);
    return 0;
}

static void print_spread(const char *what, double *v, int n)
{
    if (n == 0) {
        printf("      %-28s none\n", what);
        return;
    }
    qsort(v, (size_t)n, sizeof *v, bench_by_value);
    printf("      %-28s p50 %6.2f  p99 %6.2f  max %6.2f ms\n", what, bench_rank(v, n, 50), bench_rank(v, n, 99),
           v[n - 1]);
}

static void report(const Bench *b, const Part *p)
{
    static double cost[MAX_FRAMES], gap[MAX_FRAMES];
    int n = 0, gaps = 0;
    double last = -1;
    for (int i = 0; i < b->frames; i++) {
        if (b->woke[i] < p->from || b->woke[i] >= p->to) continue;
        cost[n++] = b->presented[i] - b->woke[i];
        if (last >= 0) gap[gaps++] = b->presented[i] - last;
        last = b->presented[i];
    }
    double wall = p->wall_to - p->wall_from;
    printf("  %s, %.1f s: %d frames (%.1f a second), CPU %.1f %% of a core", p->name, wall / 1e3, n, n * 1e3 / wall,
           100 * (p->cpu_to - p->cpu_from) / wall);
    if (display.xvfb > 0) printf(" (the X server %.1f %%)", 100 * (p->x_to - p->x_from) / wall);
    printf("\n");
    print_spread("frame (wake to presented)", cost, n);
    print_spread("between presents", gap, gaps);
}

/* A finger on the middle of the first tile, as the touch panel reports it. */
static void aim_at_tile(App *app, SDL_Event *e)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++) {
        if (!w[i].touch || strncmp(w[i].id, "cat:", 4) != 0) continue;
        *e = (SDL_Event){0};
        e->tfinger.x = (w[i].rect.x + w[i].rect.w / 2.0f) / app_width(app);
        e->tfinger.y = (w[i].rect.y + w[i].rect.h / 2.0f) / app_height(app);
        return;
    }
    die("home", "no tile to tap");
}

/* The reader shows its page 2 (the drag turned the page). */
static bool on_page_two(App *app)
{
    int n;
    const Widget *w = ui_widgets(app_ui(app), &n);
    for (int i = 0; i < n; i++)
        if (w[i].kind == WIDGET_PAGER && strncmp(w[i].text, "第 2/", strlen("第 2/")) == 0) return true;
    return false;
}

/* Timer at ms from the start of the timeline. */
static void at(int ms, SDL_TimerCallback fn, void *param)
{
    double due = ms - (monoclock_ms() - bench->start);
    SDL_AddTimer(due < 1 ? 1 : (Uint32)due, fn, param);
}

/* One run of the loop with a finger dragged for part mark / 2, then quit. */
static void drag_run(App *app, intptr_t mark, int quit_at)
{
    const Part *p = &bench->parts[mark / 2];
    bench->drag_at = p->from;
    bench->drag_step = 0;
    at(p->from, at_mark, (void *)mark);
    at(p->to, at_mark, (void *)(mark + 1));
    at(p->from, at_drag, NULL);
    at(quit_at, at_quit, NULL);
    app_run(app);
}

static void import(Store *store, const char *json)
{
    FeedResult res;
    Err err;
    if (feed_import_buffer(store, json, strlen(json), &res, &err)) die("feed", err.msg);
}

int main(void)
{
    bench_display_start(&display, 1920, 1080);
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
    import(store, "{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":1,"
                  "\"revision\":2,\"notices\":{\"delete\":[\"" LONG_NOTICE "\"]}}");
    input_set_hints();
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) || TTF_Init()) die("SDL", SDL_GetError());
    IMG_Init(IMG_INIT_PNG);
    Fonts *fonts;
    if (fonts_open(&cfg, &fonts, &err)) die("fonts", err.msg);
    SDL_Window *win = SDL_CreateWindow("bench", 0, 0, 1920, 1080, 0);
    char why[256] = "";
    SDL_Renderer *r = win ? renderer_create(win, RENDERER_AUTO, false, why, sizeof why, &err) : NULL;
    if (!r) die("renderer", win ? err.msg : SDL_GetError());
    App *app;
    if (app_create(&cfg, store, fonts, win, r, &app, &err)) die("app", err.msg);
    screens_register_builtin(app);
    if (app_start(app, "home")) die("home", "cannot start");
    app_render(app); /* lays out home, for the tile's place */

    static Bench b;
    bench = &b;
    b.parts[0] = (Part){.name = "still home", .from = STILL_FROM, .to = STILL_TO};
    b.parts[1] = (Part){.name = "ticking home (long notice scrolling)", .from = TICK_FROM, .to = TICK_TO};
    b.parts[2] = (Part){.name = "transition (tap a tile, category slides in)", .from = TAP_AT, .to = TRANSITION_TO};
    b.parts[3] =
        (Part){.name = "drag (a finger across a reader page at 60 Hz, let go)", .from = DRAG_AT, .to = DRAG_TO};
    b.parts[4] = (Part){.name = "drag (the same across a category's list)", .from = LIST_DRAG_AT, .to = LIST_DRAG_TO};
    aim_at_tile(app, &b.tap);
    app_set_frame_probe(app, on_frame, &b);

    SDL_RendererInfo info;
    SDL_GetRendererInfo(r, &info);
    printf("screens at 1920x1080, renderer %s (%s), video driver %s, real time\n", info.name, why, display.driver);
    bench_print_load("before");
    b.start = monoclock_ms();
    at(STILL_FROM, at_mark, (void *)0);
    at(STILL_TO, at_mark, (void *)1);
    at(STILL_QUIT_AT, at_quit, NULL);
    app_run(app);
    import(store, "{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"delta\",\"base_revision\":2,"
                  "\"revision\":3,\"notices\":{\"upsert\":[{\"id\":\"" LONG_NOTICE "\",\"text\":"
                  "\"每月第一个工作日为党务公开日，欢迎党员群众到镇党群服务中心查阅公开内容；对公开内容有疑问的，"
                  "可在本屏“意见建议”中留言，也可到镇党政办公室当面咨询，我们将在五个工作日内答复。\",\"period\":"
                  "\"periodic\"}]}}");
    app_post_content_changed();
    for (intptr_t k = 2; k < 6; k++) {
        const Part *p = &b.parts[k / 2];
        at(k % 2 ? p->to : p->from, at_mark, (void *)k);
    }
    at(TAP_AT, at_finger, NULL);
    at(TAP_UP_AT, at_finger, (void *)1);
    at(QUIT_AT, at_quit, NULL);
    app_run(app);
    if (strcmp(app_screen_name(app), "category") != 0) die("transition", "the tap did not open the category");
    /* The reader slides in at the start of the third run; its next page
     * is rasterised meanwhile, as when a visitor reads before turning. */
    if (app_open(app, "reader", DRAG_ITEM)) die("drag", "cannot open the reader");
    drag_run(app, 6, DRAG_QUIT_AT);
    if (!on_page_two(app)) die("drag", "the drag did not turn the reader's page");
    app_back(app);
    app_back(app);
    if (app_open(app, "category", DRAG_CATEGORY)) die("drag", "cannot open the category");
    drag_run(app, 8, LIST_QUIT_AT);
    if (!on_page_two(app)) die("drag", "the drag did not turn the list's page");
    for (int i = 0; i < 5; i++) report(&b, &b.parts[i]);
    bench_print_load("after");

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
    bench_display_stop(&display);
    return 0;
}
