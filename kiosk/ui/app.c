#include "app.h"

#include <SDL_image.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "drag.h"
#include "icons.h"
#include "log.h"
#include "monoclock.h"
#include "turn.h"
#include "number.h"
#include "pacing.h"
#include "pdfpage.h"
#include "power.h"
#include "screenshot.h"
#include "watchdog.h"

#define MAX_SCREENS 32
#define MAX_DEPTH 16
#define TRANSITION_MS 200
#define WARM_AFTER_MS 400 /* a page still that long: the pages beside it are rasterised (warm_neighbours) */
/* A screen that has presented no frame for this long is at rest (rest()).
 * Longer than WARM_AFTER_MS and the reader's PREPARE_AFTER_MS, so the
 * pages a finger or a turn shows next are made before it; short enough
 * that a kiosk a visitor walked away from holds only its screen within
 * seconds.  A ticking home screen never rests (it has nothing to drop). */
#define REST_AFTER_MS 2000
#define TOAST_MS 3500
#define FRAME_MS 16
#define DRIFT_PX 3
#define MAX_DAMAGE 4 /* a ticker, a pressed widget and the one it replaces; more are joined */
#define ATTRACT "attract"
#define SLEEP "sleep"
#define HOME "home"

enum { EVENT_CONTENT, EVENT_STATUS, EVENT_ANSWERS, EVENT_REDRAW };

typedef struct Visit {
    const ScreenOps *ops;
    void *st;
    char arg[128];
    /* Its last frame drawn whole (no clip) and its last frame at all, while
     * on top: what it shows is in ui.c's cache within these (rest()). */
    unsigned whole_frame, last_frame;
} Visit;

struct App {
    const Config *cfg;
    Store *store;
    SyncThread *sync;
    char store_note[64]; /* why the database is read-only, "" when it is not */
    Fonts *fonts;
    SDL_Window *win;
    SDL_Renderer *r;
    Ui *ui;
    Input input;
    Pinch pinch; /* two fingers, for screens that zoom */
    int w, h;
    const ScreenOps *screens[MAX_SCREENS];
    int screen_count;
    Visit stack[MAX_DEPTH];
    int depth;
    bool scripted, dirty, quit;
    SDL_Rect damage[MAX_DAMAGE]; /* what changed when not dirty (window pixels) */
    int damage_count;
    bool keeps_picture; /* the picture drawn last is still there to draw over (software, or turned) */
    uint32_t clock;
    int64_t wall_start;
    uint32_t last_input;
    SDL_Texture *snap; /* the picture of the screen being left, as it was on screen */
    SDL_Texture *incoming; /* the screen coming in, drawn once when the slide starts */
    bool incoming_drawn;
    bool shown; /* a whole frame is on the picture (what a slide starts from) */
    bool in_transition;
    uint32_t transition_start;
    int transition_dir; /* +1 forward, -1 back */
    float slide_from, slide_to; /* how far the incoming picture is in (0..1) at the slide's start and end */
    int slide_ms;
    bool slide_fresh; /* its first frame is still to come */
    bool slide_chrome_in; /* the incoming picture's header and bar go on screen (the change is made) */
    bool slide_empty; /* nothing beside the page: a rubber band springing back */
    Drag drag; /* a finger dragging the page (kiosk/ui/drag.h) */
    bool drag_due; /* the finger moved since the last frame */
    bool drag_pictures; /* snap holds the page the finger holds, as it was on screen */
    bool widgets_of_neighbour; /* the widgets recorded last are that page's */
    SDL_Rect drag_band; /* the band the drag moves, as it was when it began */
    bool warmed; /* the pages beside the one shown are in the text cache */
    uint32_t warm_at; /* when to put them there */
    char toast[256];
    uint32_t toast_until;
    int drift_x, drift_y;
    int64_t shown_minute;
    int64_t next_change; /* wall time the screens change by themselves; 0 none; -1 to be read */
    int64_t change_checked_at; /* the wall time next_change was read at */
    char sync_state[32];
    char unit_name[256];
    char screen_on[16]; /* "07:00-20:00", "" = always */
    int ticker_speed; /* pixels per second: the server's setting, else kiosk.conf */
    Urgent urgent; /* urgent and 即时 notices, on every screen */
    bool clock_warned; /* the clock or zone looked wrong, and the log said so */
    Turn turn; /* the picture turned on the output (kiosk/ui/turn.h) */
    Power power; /* the panel off while the sleep screen shows (kiosk/ui/power.h) */
    AppFrameProbe probe; /* bench_screens' frame clock; NULL */
    void *probe_ctx;
    AppHousekeeping housekeeping;
    void *housekeeping_ctx;
    int ahead; /* the next screen to lay out ahead (ScreenOps.next); -1: none */
    uint32_t last_frame_at; /* the clock at the last frame presented */
    bool rested; /* rest() ran since that frame */
    unsigned page_frame; /* ui.c's frame when the page shown came (new_page) */
};

static uint32_t event_type;

uint32_t app_event_type(void)
{
    if (!event_type) event_type = SDL_RegisterEvents(1);
    return event_type;
}

static void post(int code)
{
    SDL_Event e = {0};
    e.type = app_event_type();
    e.user.code = code;
    if (SDL_PushEvent(&e) < 0) log_warn("app: cannot queue an update event: %s", SDL_GetError());
}

void app_post_content_changed(void) { post(EVENT_CONTENT); }
/* A PDF page is ready (pdfpage.h): called on the PDF worker's thread. */
static void post_redraw(void) { post(EVENT_REDRAW); }
void app_post_redraw(void) { post(EVENT_REDRAW); }

void app_sync_notify(void *ctx, SyncEvent ev)
{
    (void)ctx;
    static const int codes[] = {[SYNC_CONTENT_CHANGED] = EVENT_CONTENT,
                                [SYNC_STATUS_CHANGED] = EVENT_STATUS,
                                [SYNC_ANSWERS_CHANGED] = EVENT_ANSWERS,
                                [SYNC_LOOKUP_DONE] = EVENT_REDRAW,
                                [SYNC_SCREENSHOT_WANTED] = EVENT_REDRAW};
    post(codes[ev]);
}

/* ---- what screens read ----------------------------------------------- */

uint32_t app_ms(App *app) { return app->clock; }
int64_t app_time(App *app)
{
    if (app->scripted) return app->wall_start + app->clock / 1000;
    return (int64_t)time(NULL);
}
Store *app_store(App *app) { return app->store; }
Fonts *app_fonts(App *app) { return app->fonts; }
Ui *app_ui(App *app) { return app->ui; }
const Config *app_config(App *app) { return app->cfg; }
int app_width(App *app) { return app->w; }
int app_height(App *app) { return app->h; }
bool app_portrait(App *app) { return app->h > app->w; }
const char *app_unit_name(App *app) { return app->unit_name; }
int app_ticker_speed(App *app) { return app->ticker_speed; }
void app_redraw(App *app) { app->dirty = true; }

/* r (window pixels) is to be drawn again.  Kept apart from the other
 * rectangles (a pressed tile and the ticker strip are far apart: their
 * union would be most of the screen) unless it overlaps one, or there are
 * too many. */
static void add_damage(App *app, SDL_Rect r)
{
    SDL_Rect picture = {0, 0, app->w, app->h}, in;
    if (!SDL_IntersectRect(&r, &picture, &in)) return;
    for (int i = 0; i < app->damage_count; i++) {
        if (!SDL_HasIntersection(&app->damage[i], &in)) continue;
        SDL_UnionRect(&app->damage[i], &in, &app->damage[i]);
        return;
    }
    if (app->damage_count == MAX_DAMAGE) {
        SDL_UnionRect(&app->damage[MAX_DAMAGE - 1], &in, &app->damage[MAX_DAMAGE - 1]);
        return;
    }
    app->damage[app->damage_count++] = in;
}

void app_redraw_rect(App *app, SDL_Rect r)
{
    /* Everything moves with the drift by up to DRIFT_PX either way. */
    SDL_Rect moved = {r.x + app->drift_x - DRIFT_PX, r.y + app->drift_y - DRIFT_PX, r.w + 2 * DRIFT_PX,
                      r.h + 2 * DRIFT_PX};
    add_damage(app, moved);
}
int app_depth(App *app) { return app->depth; }
const char *app_screen_arg(App *app) { return app->depth ? app->stack[app->depth - 1].arg : ""; }
const char *app_screen_name(App *app) { return app->depth ? app->stack[app->depth - 1].ops->name : ""; }

static void read_status(App *app)
{
    if (store_state_get(app->store, "sync.state", app->sync_state, sizeof app->sync_state) != 0 || !app->sync_state[0])
        snprintf(app->sync_state, sizeof app->sync_state, "never");
    if (store_state_get(app->store, "setting.unit_name", app->unit_name, sizeof app->unit_name) != 0 ||
        !app->unit_name[0])
        snprintf(app->unit_name, sizeof app->unit_name, "%s", app->cfg->unit_name);
    if (store_state_get(app->store, "setting.screen_on", app->screen_on, sizeof app->screen_on) != 0 ||
        !app->screen_on[0])
        snprintf(app->screen_on, sizeof app->screen_on, "%s", app->cfg->screen_on);
    char speed[16];
    int v;
    bool set = store_state_get(app->store, "setting.ticker_speed", speed, sizeof speed) == 0 &&
               number_parse_int(speed, 10, 1000, &v) == 0;
    app->ticker_speed = set ? v : app->cfg->ticker_speed;
    urgent_load(&app->urgent, app->store, app_time(app), app->clock);
}

bool app_screen_hours(App *app)
{
    int h1, m1, h2, m2;
    if (sscanf(app->screen_on, "%d:%d-%d:%d", &h1, &m1, &h2, &m2) != 4) return true;
    time_t t = (time_t)app_time(app);
    struct tm tm;
    localtime_r(&t, &tm);
    int now = tm.tm_hour * 60 + tm.tm_min, on = h1 * 60 + m1, off = h2 * 60 + m2;
    if (on == off) return true;
    return on < off ? now >= on && now < off : now >= on || now < off; /* 20:00-07:00 spans midnight */
}

int app_create(const Config *cfg, Store *store, Fonts *fonts, SDL_Window *win, SDL_Renderer *r, App **out, Err *err)
{
    App *app = calloc(1, sizeof *app);
    if (!app) return err_set(err, "out of memory");
    app->cfg = cfg;
    app->store = store;
    app->fonts = fonts;
    app->next_change = -1;
    power_init(&app->power, cfg->panel_off, cfg->panel_on);
    app->win = win;
    app->r = r;
    if (turn_setup(&app->turn, r, cfg->turn_degrees, cfg->orientation == ORIENT_PORTRAIT, err)) {
        free(app);
        return -1;
    }
    app->w = app->turn.w;
    app->h = app->turn.h;
    if (ui_create(r, fonts, cfg->cache_dir, app->w, app->h, cfg->text_scale_percent, &app->ui, err)) {
        free(app);
        return -1;
    }
    ui_pdf_on_ready(app->ui, post_redraw);
    input_init(&app->input, ui_scale(app->ui));
    app_event_type();
    read_status(app);
    SDL_RendererInfo info;
    app->keeps_picture = app->turn.tex || (SDL_GetRendererInfo(r, &info) == 0 && strcmp(info.name, "software") == 0);
    app->dirty = true;
    *out = app;
    return 0;
}

static void stop_drag(App *app);

static void free_slide_textures(App *app)
{
    if (app->snap) SDL_DestroyTexture(app->snap);
    if (app->incoming) SDL_DestroyTexture(app->incoming);
    app->snap = app->incoming = NULL;
}

/* The slide textures gone with whatever used them (a new size, a lost
 * renderer, the end). */
static void drop_slide_textures(App *app)
{
    stop_drag(app);
    free_slide_textures(app);
    app->in_transition = false;
}

static void pop_one(App *app)
{
    Visit *v = &app->stack[--app->depth];
    if (v->ops->leave) v->ops->leave(app, v->st);
    free(v->st);
    v->st = NULL;
}

void app_destroy(App *app)
{
    if (!app) return;
    while (app->depth) pop_one(app);
    drop_slide_textures(app);
    power_release(&app->power);
    urgent_free(&app->urgent);
    turn_release(&app->turn);
    ui_destroy(app->ui);
    free(app);
}

/* ---- screens ---------------------------------------------------------- */

static const ScreenOps *find_screen(App *app, const char *name)
{
    for (int i = 0; i < app->screen_count; i++)
        if (strcmp(app->screens[i]->name, name) == 0) return app->screens[i];
    return NULL;
}

int app_register(App *app, const ScreenOps *ops)
{
    if (find_screen(app, ops->name)) {
        log_warn("app: screen \"%s\" registered twice; keeping the first", ops->name);
        return -1;
    }
    if (app->screen_count == MAX_SCREENS) {
        log_error("app: too many screens");
        return -1;
    }
    app->screens[app->screen_count++] = ops;
    return 0;
}

static void draw_toast(App *app)
{
    if (!app->toast[0] || app->clock >= app->toast_until) return;
    Ui *ui = app->ui;
    TextSpec spec = {.size = ui_font(ui, 38),
                     .bold = true,
                     .color = ui_theme.header_text,
                     .align = ALIGN_CENTER,
                     .middle = true,
                     .max_lines = 2};
    int tw, th, pad = ui_px(ui, 36);
    ui_text_size(ui, app->toast, &spec, app->w - 4 * pad, ui_px(ui, 200), &tw, &th);
    /* Below the middle: seen at once, and clear of the bars. */
    SDL_Rect box = {(app->w - tw) / 2 - pad, app->h * 58 / 100, tw + 2 * pad, th + 2 * pad};
    ui_round(ui, box, ui_px(ui, 18), (SDL_Color){44, 38, 34, 238});
    ui_text_kind(ui, WIDGET_NOTE, NULL, box, app->toast, &spec);
}

/* One complete frame of the top screen into the current render target. */
static void draw_frame(App *app)
{
    ui_begin_frame(app->ui, app->drift_x, app->drift_y);
    if (app->depth) {
        Visit *top = &app->stack[app->depth - 1];
        top->last_frame = ui_frame_number(app->ui);
        if (!ui_frame_clipped(app->ui)) top->whole_frame = top->last_frame;
    }
    SDL_SetRenderDrawColor(app->r, ui_theme.bg.r, ui_theme.bg.g, ui_theme.bg.b, 255);
    /* Not SDL_RenderClear: it ignores the clip of a partial redraw. */
    SDL_SetRenderDrawBlendMode(app->r, SDL_BLENDMODE_NONE);
    SDL_RenderFillRect(app->r, NULL);
    if (app->depth) {
        Visit *v = &app->stack[app->depth - 1];
        v->ops->draw(app, v->st, app->ui);
    }
    draw_toast(app);
}

/* The pixel format of the picture the screens draw on: slides in the same
 * format copy rows as they are, with no conversion. */
static Uint32 picture_format(App *app)
{
    Uint32 format = SDL_PIXELFORMAT_UNKNOWN;
    if (app->turn.tex) SDL_QueryTexture(app->turn.tex, &format, NULL, NULL, NULL);
    else if (app->win) format = SDL_GetWindowPixelFormat(app->win);
    return format == SDL_PIXELFORMAT_UNKNOWN ? SDL_PIXELFORMAT_ARGB8888 : format;
}

/* A texture of the picture's size, made once and kept for every slide. */
static SDL_Texture *slide_texture(App *app, SDL_Texture **slot, int access)
{
    if (!*slot) {
        *slot = SDL_CreateTexture(app->r, picture_format(app), access, app->w, app->h);
        if (!*slot) log_warn("app: no texture for slides: %s", SDL_GetError());
        else SDL_SetTextureBlendMode(*slot, SDL_BLENDMODE_NONE);
    }
    return *slot;
}

/* The outgoing picture is read into a streaming texture where it can be
 * read back, else drawn into a target. */
#define SNAP_ACCESS(app) ((app)->keeps_picture ? SDL_TEXTUREACCESS_STREAMING : SDL_TEXTUREACCESS_TARGET)

/* The two slide textures, 8 MB each at 1080p (making both takes about
 * 8 ms on the software renderer), exist only while a finger is down or a
 * slide or drag runs: a kiosk at rest, or a visitor reading, holds neither.
 * They are made at the finger's press, whose frame draws little (a pressed
 * button), so that the tap's own frame, which draws the incoming screen,
 * never waits for them; a slide no finger began (the idle return home)
 * makes them in its first frame.  Not at a press while a visitor's input
 * is open (the feedback forms, their keyboard, the lookup): there a press
 * types or chooses and almost never slides, and 16 MB made and dropped at
 * every key would cost each keystroke 8 ms; the rare slide from there
 * makes them in its first frame. */
static bool visitor_input_open(const App *app);

static void make_slide_textures(App *app)
{
    if (visitor_input_open(app)) return;
    slide_texture(app, &app->snap, SNAP_ACCESS(app));
    slide_texture(app, &app->incoming, SDL_TEXTUREACCESS_TARGET);
}

/* After a frame: nothing moves and no finger is down, so the slide
 * textures go back to the system (malloc's fixed mmap threshold, main.c,
 * unmaps them at once). */
static void release_slide_textures_at_rest(App *app)
{
    if (app->in_transition || app->drag.on || app->input.down) return;
    free_slide_textures(app);
}

/* A page comes on screen (a slide, new content, a new size): the pages
 * beside it are to be warmed once it has been still for after_ms, and what
 * is made ahead for it from now on is kept at rest (rest()). */
static void new_page(App *app, uint32_t after_ms)
{
    app->warmed = false;
    app->warm_at = app->clock + after_ms;
    app->page_frame = ui_frame_number(app->ui);
}

/* Nothing has moved for REST_AFTER_MS and no finger is down: the cache
 * keeps only what the screens on the stack drew in their last frames (the
 * top one since its last whole frame, and what was made ahead for its page:
 * the pages beside it warmed for a finger, the reader's next page; a screen
 * below, what 返回 shows again without rendering anything), and malloc
 * gives back the pages freed.  What a visitor saw earlier (the pages read
 * before, the keyboard's candidates once it closed, another item's
 * pictures) goes now instead of 240 frames later, which a still screen
 * never draws.  Once per still period; a frame starts another. */
static void rest(App *app)
{
    app->rested = true;
    UiFrames keep[MAX_DEPTH];
    for (int i = 0; i < app->depth; i++) {
        const Visit *v = &app->stack[i];
        keep[i] = (UiFrames){v->whole_frame, i == app->depth - 1 ? ui_frame_number(app->ui) : v->last_frame};
    }
    double t0 = monoclock_ms();
    size_t dropped = ui_rest(app->ui, keep, app->depth, app->page_frame);
    log_debug("app: at rest: %zu KiB of textures dropped, %zu KiB kept, in %.2f ms with malloc_trim", dropped >> 10,
              ui_cache_bytes(app->ui) >> 10, monoclock_ms() - t0);
}

/* While the visitor looks at a page, the pages beside it (ScreenOps.
 * turn_page) are drawn once, clipped to one pixel of the header, so that
 * their text and pictures are in ui.c's cache and a drag's first frame
 * draws only cached textures; the page shown is drawn last, so that the
 * pixel and the recorded widgets are its own.  Once per page (a slide or
 * new content asks again), never while a finger is down. */
static void warm_neighbours(App *app)
{
    app->warmed = true;
    Visit *v = &app->stack[app->depth - 1];
    if (!v->ops->turn_page) return;
    SDL_Rect corner = {0, 0, 1, 1};
    bool drew = false;
    turn_begin(&app->turn, app->r);
    ui_frame_clip(app->ui, &corner);
    ui_ahead(app->ui, true);
    for (int dir = 1; dir >= -1; dir -= 2) {
        if (!v->ops->turn_page(app, v->st, dir)) continue;
        draw_frame(app);
        v->ops->turn_page(app, v->st, -dir);
        drew = true;
    }
    ui_ahead(app->ui, false);
    if (drew) draw_frame(app);
    ui_frame_clip(app->ui, NULL);
}

/* The outgoing picture into app->snap.  Where the renderer keeps the
 * picture (software, a turned picture) it is read back as it is on screen:
 * one copy, nothing drawn again.  A GPU's back buffer is gone after the
 * present, so there the frame is drawn again into the texture (cheap on a
 * GPU). */
static bool keep_outgoing(App *app)
{
    if (app->keeps_picture) {
        if (!app->shown) return false; /* nothing drawn yet at this size */
        SDL_Texture *t = slide_texture(app, &app->snap, SNAP_ACCESS(app));
        void *pixels;
        int pitch;
        if (!t || SDL_LockTexture(t, NULL, &pixels, &pitch) != 0) return false;
        turn_begin(&app->turn, app->r);
        int rc = SDL_RenderReadPixels(app->r, NULL, picture_format(app), pixels, pitch);
        SDL_UnlockTexture(t);
        if (rc != 0) log_warn("app: cannot read the picture for a slide: %s", SDL_GetError());
        return rc == 0;
    }
    SDL_Texture *t = slide_texture(app, &app->snap, SNAP_ACCESS(app));
    if (!t || SDL_SetRenderTarget(app->r, t) != 0) return false;
    draw_frame(app);
    ui_end_frame(app->ui);
    SDL_SetRenderTarget(app->r, turn_target(&app->turn));
    return true;
}

/* Slides from the picture on screen to whatever is drawn next: dir +1
 * forward (it leaves to the left), -1 back.  For page flips inside a
 * screen, and by app_open, app_back and app_home. */
/* A slide of the two pictures from `from` to `to` (how far the incoming
 * one is in, 0..1), in a time proportional to the distance: a whole slide
 * takes TRANSITION_MS, the rest of one a finger began takes the rest.
 * chrome_in: the incoming picture's header and bar go on screen. */
static void start_slide(App *app, int dir, float from, float to, bool chrome_in)
{
    app->in_transition = true;
    app->transition_start = app->clock;
    app->transition_dir = dir;
    app->slide_from = from;
    app->slide_to = to;
    app->slide_ms = (int)lroundf(TRANSITION_MS * fabsf(to - from));
    app->slide_fresh = true;
    app->slide_chrome_in = chrome_in;
    app->slide_empty = false;
    new_page(app, (uint32_t)app->slide_ms + WARM_AFTER_MS);
}

void app_transition(App *app, int dir)
{
    if (!app->depth) return;
    stop_drag(app);
    app->dirty = true;
    if (!keep_outgoing(app)) return;
    app->incoming_drawn = false;
    start_slide(app, dir, 0, 1, true);
}

static int push(App *app, const ScreenOps *ops, const char *arg)
{
    if (app->depth == MAX_DEPTH) {
        log_warn("app: too many screens open; going home first");
        while (app->depth > 1) pop_one(app);
    }
    void *st = calloc(1, ops->state_size ? ops->state_size : 1);
    if (!st) return -1;
    Visit *v = &app->stack[app->depth];
    *v = (Visit){.ops = ops, .st = st};
    snprintf(v->arg, sizeof v->arg, "%s", arg ? arg : "");
    app->depth++;
    if (ops->enter && ops->enter(app, st, v->arg) != 0) {
        app->depth--;
        free(st);
        return -1;
    }
    ui_set_pressed(app->ui, "");
    app->dirty = true;
    /* st is owned by app->stack[] now and freed by pop_one(). */
    // cppcheck-suppress memleak
    return 0;
}

int app_start(App *app, const char *name)
{
    const ScreenOps *ops = find_screen(app, name);
    if (!ops) {
        log_error("app: no screen named \"%s\"", name);
        return -1;
    }
    while (app->depth) pop_one(app);
    app->ahead = 0;
    return push(app, ops, "");
}

int app_open(App *app, const char *name, const char *arg)
{
    const ScreenOps *ops = find_screen(app, name);
    if (!ops) {
        app_toast(app, "此功能即将开放，敬请期待");
        return -1;
    }
    app_transition(app, +1);
    if (push(app, ops, arg) != 0) {
        app->in_transition = false;
        app_toast(app, "暂时无法打开，请稍后再试");
        return -1;
    }
    return 0;
}

void app_back(App *app)
{
    if (app->depth <= 1) return;
    app_transition(app, -1);
    pop_one(app);
    ui_set_pressed(app->ui, "");
    app->dirty = true;
}

void app_home(App *app)
{
    if (app->depth > 1) app_transition(app, -1);
    while (app->depth > 1) pop_one(app);
    ui_set_pressed(app->ui, "");
    app->dirty = true;
}

void app_toast(App *app, const char *text)
{
    snprintf(app->toast, sizeof app->toast, "%s", text);
    app->toast_until = app->clock + TOAST_MS;
    app->dirty = true;
}

/* ---- events ----------------------------------------------------------- */

/* The store changed: every open screen reloads; the first one whose
 * content is gone is closed with everything above it. */
static void content_changed(App *app)
{
    /* The page beside the dragged one may be gone or changed: the drag
     * ends, and the frame shows the page as it is now. */
    stop_drag(app);
    new_page(app, WARM_AFTER_MS);
    app->next_change = -1;
    read_status(app);
    for (int i = 0; i < app->depth; i++) {
        Visit *v = &app->stack[i];
        if (!v->ops->refresh || v->ops->refresh(app, v->st)) continue;
        if (i == 0) continue; /* the bottom screen (home) always stays */
        while (app->depth > i) pop_one(app);
        app_toast(app, "内容已更新，您查看的内容已撤下");
        break;
    }
    ui_set_pressed(app->ui, "");
    app->dirty = true;
    app->ahead = 0; /* what the next screens show may have changed */
}

static void dispatch(App *app, const ScreenEvent *ev)
{
    if (strcmp(ev->id, NAV_BACK) == 0) {
        app_back(app);
        return;
    }
    if (strcmp(ev->id, NAV_HOME) == 0) {
        app_home(app);
        return;
    }
    if (strcmp(ev->id, NAV_FEEDBACK) == 0) {
        Visit *v = &app->stack[app->depth - 1];
        char about[192];
        snprintf(about, sizeof about, "%s:%s", v->ops->name, v->arg);
        app_open(app, SCREEN_FEEDBACK, about);
        return;
    }
    Visit *v = &app->stack[app->depth - 1];
    if (v->ops->event) v->ops->event(app, v->st, ev);
    app->dirty = true;
}

/* The widget with id changed its look (pressed or not): only its box
 * (and a margin for the outline) is drawn again, where the renderer keeps
 * the picture.  Not found: the whole frame. */
static void damage_widget(App *app, const char *id)
{
    if (!id[0]) return;
    int n, margin = ui_px(app->ui, 8);
    const Widget *w = ui_widgets(app->ui, &n);
    for (int i = 0; i < n; i++) {
        if (strcmp(w[i].id, id) != 0) continue;
        add_damage(app, (SDL_Rect){w[i].rect.x - margin, w[i].rect.y - margin, w[i].rect.w + 2 * margin,
                                   w[i].rect.h + 2 * margin});
        return;
    }
    app->dirty = true;
}

/* A press shows at once: the pressed widget, and the one it replaces. */
static void set_pressed(App *app, const char *id)
{
    char was[96];
    snprintf(was, sizeof was, "%s", ui_pressed(app->ui));
    if (strcmp(was, id) == 0) return;
    ui_set_pressed(app->ui, id);
    damage_widget(app, was);
    damage_widget(app, id);
}

/* ---- the finger drags the page (kiosk/ui/drag.h) ----------------------- */

static bool can_drag(App *app)
{
    return app->stack[app->depth - 1].ops->turn_page && !app->in_transition && app->shown;
}

static void follow(App *app, const InputEvent *in)
{
    drag_move(&app->drag, in->dx, app->clock);
    app->drag_due = true;
}

static void begin_drag(App *app, const InputEvent *in)
{
    /* A note would move with the page: the new gesture dismisses it. */
    if (app->toast[0]) {
        app->toast[0] = '\0';
        app->dirty = true;
    }
    app->drag_pictures = false;
    follow(app, in);
}

/* The drag ends at once (new content, a screen opened or closed, the
 * textures lost): the next frame shows the page as it is now, and the
 * rest of the finger's press does nothing (its release turns no page the
 * visitor no longer sees moving). */
static void stop_drag(App *app)
{
    if (!app->drag.on) return;
    drag_stop(&app->drag);
    app->input.down = false;
    app->drag_due = false;
    if (app->drag_pictures) app->dirty = true;
    app->drag_pictures = false;
}

/* The finger let go (or a second finger came, may_turn false): the slide
 * goes on from where the finger left the page, to the page beside it or
 * back.  False when no frame of the drag was drawn yet (nothing moved on
 * screen): the release is then a gesture as it would have been. */
static bool let_go(App *app, const InputEvent *in, bool may_turn)
{
    Visit *top = &app->stack[app->depth - 1];
    bool drawn = app->drag_pictures;
    app->drag_due = false;
    app->drag_pictures = false;
    if (!drawn) {
        drag_stop(&app->drag);
        return false;
    }
    int dir = app->drag.side, width = app->drag_band.w;
    bool beside = app->drag.neighbour;
    app->drag.dx = in->dx;
    float at = -(float)drag_offset(&app->drag, width) * dir / (float)width;
    at = at < 0 ? 0 : at > 1 ? 1 : at;
    DragEnd end = drag_release(&app->drag, in->dx, app->clock, width, app->input.swipe, ui_scale(app->ui));
    if (may_turn && end == DRAG_TURN && top->ops->turn_page(app, top->st, dir)) {
        /* The page beside is the incoming picture already; drawn again only
         * when a frame since recorded the held page's widgets. */
        app->incoming_drawn = app->widgets_of_neighbour;
        start_slide(app, dir, at, 1, true);
        return true;
    }
    app->incoming_drawn = true;
    start_slide(app, dir, at, 0, false);
    app->slide_empty = !beside;
    const char *note = dir > 0 ? top->ops->last_note : top->ops->first_note;
    if (!beside && may_turn && in->kind == INPUT_SWIPE && note) app_toast(app, note);
    return true;
}

static void gesture(App *app, const InputEvent *in)
{
    app->last_input = app->clock;
    app->ahead = -1; /* the visitor is choosing now: nothing more is laid out ahead */
    if (!app->depth) return;
    Visit *top = &app->stack[app->depth - 1];
    if (top->ops->pointer && top->ops->pointer(app, top->st, in)) {
        ui_set_pressed(app->ui, "");
        app->dirty = true;
        return;
    }
    const Widget *w;
    ScreenEvent ev = {in->kind, in->x, in->y, in->dx, in->dy, "", false};
    switch (in->kind) {
    case INPUT_PRESS:
        drag_press(&app->drag);
        make_slide_textures(app);
        w = ui_hit(app->ui, in->x, in->y);
        set_pressed(app, w ? w->id : "");
        return;
    case INPUT_MOVE:
        if (app->drag.on) {
            follow(app, in);
            return;
        }
        if (app->input.moved && ui_pressed(app->ui)[0]) set_pressed(app, "");
        if (can_drag(app) && drag_begins(&app->drag, in->dx, in->dy, app->input.slop)) begin_drag(app, in);
        return;
    case INPUT_CANCEL:
        if (app->drag.on && let_go(app, in, true)) return;
        set_pressed(app, "");
        return;
    case INPUT_TAP:
    case INPUT_LONG_PRESS: {
        w = ui_hit(app->ui, in->x, in->y);
        char id[96];
        snprintf(id, sizeof id, "%s", w ? w->id : "");
        ui_set_pressed(app->ui, "");
        ev.id = id;
        ev.long_press = in->kind == INPUT_LONG_PRESS;
        if (id[0]) ev.kind = INPUT_TAP;
        dispatch(app, &ev);
        app->dirty = true;
        return;
    }
    case INPUT_SWIPE:
        ui_set_pressed(app->ui, "");
        if (app->drag.on && let_go(app, in, true)) return;
        dispatch(app, &ev);
        return;
    }
}

static void resize(App *app)
{
    Err err;
    if (turn_setup(&app->turn, app->r, app->cfg->turn_degrees, app->cfg->orientation == ORIENT_PORTRAIT, &err)) {
        log_warn("app: %s", err.msg);
        return;
    }
    int w = app->turn.w, h = app->turn.h;
    if (w == app->w && h == app->h) return;
    Ui *ui;
    if (ui_create(app->r, app->fonts, app->cfg->cache_dir, w, h, app->cfg->text_scale_percent, &ui, &err)) {
        log_warn("app: %s", err.msg);
        return;
    }
    ui_destroy(app->ui);
    ui_pdf_on_ready(ui, post_redraw);
    app->ui = ui;
    app->w = w;
    app->h = h;
    input_init(&app->input, ui_scale(ui));
    drop_slide_textures(app);
    app->shown = false;
    app->dirty = true;
}

/* A pinch goes to a screen that zooms; the one-finger gesture it began as
 * is dropped (no tap, no page turn).  True when the event was a pinch's. */
static bool two_fingers(App *app, const SDL_Event *e)
{
    PinchEvent pe;
    if (!pinch_feed(&app->pinch, e, app->w, app->h, &pe) || !app->depth) return false;
    Visit *top = &app->stack[app->depth - 1];
    if (pe.kind == PINCH_BEGIN && app->drag.on) {
        /* A second finger cancels the drag: the page goes back and the
         * first finger's gesture is over (on every screen, not only those
         * that zoom). */
        InputEvent back = {INPUT_CANCEL, app->input.x0, app->input.y0, app->drag.dx, 0};
        let_go(app, &back, false);
        app->input.down = false;
        app->last_input = app->clock;
        if (!top->ops->pinch) return true;
    }
    if (!top->ops->pinch) return false;
    app->last_input = app->clock;
    if (pe.kind == PINCH_BEGIN) {
        app->input.down = false;
        ui_set_pressed(app->ui, "");
    }
    top->ops->pinch(app, top->st, &pe);
    app->dirty = true;
    return true;
}

void app_handle_event(App *app, const SDL_Event *e)
{
    if (!app->scripted) app->clock = SDL_GetTicks();
    if (e->type == SDL_QUIT) {
        app->quit = true;
        return;
    }
    if (e->type == SDL_RENDER_TARGETS_RESET || e->type == SDL_RENDER_DEVICE_RESET) {
        log_info("app: the renderer lost its textures; drawing them again");
        ui_forget_textures(app->ui);
        if (e->type == SDL_RENDER_DEVICE_RESET) {
            turn_forget(&app->turn);
            resize(app);
        }
        drop_slide_textures(app);
        app->shown = false;
        app->dirty = true;
        return;
    }
    if (e->type == SDL_WINDOWEVENT) {
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) resize(app);
        app->dirty = true;
        return;
    }
    if (e->type == app_event_type()) {
        /* A redraw (a PDF page, a lookup's answer) only wakes the loop:
         * the screen that asked collects it in its update. */
        if (e->user.code == EVENT_CONTENT) content_changed(app);
        else if (e->user.code != EVENT_REDRAW) read_status(app);
        app->dirty = true;
        return;
    }
    SDL_Event on_picture = *e;
    turn_event(&app->turn, &on_picture);
    if (two_fingers(app, &on_picture)) return;
    InputEvent in;
    if (input_feed(&app->input, &on_picture, app->w, app->h, app->clock, &in)) gesture(app, &in);
}

void app_to_output(App *app, int x, int y, float *u, float *v, int *px, int *py)
{
    turn_to_output(&app->turn, (x + 0.5f) / app->w, (y + 0.5f) / app->h, u, v);
    *px = (int)(*u * app->turn.out_w);
    *py = (int)(*v * app->turn.out_h);
}

/* ---- time ------------------------------------------------------------- */

static void wake_at(int *wake, int ms)
{
    if (ms < 0) return;
    if (*wake < 0 || ms < *wake) *wake = ms;
}

/* A slow walk of a few pixels so nothing stays on the same pixels for
 * hours; changes about twice a minute. */
static void update_drift(App *app, int64_t wall)
{
    double t = (double)(wall / 30);
    int dx = (int)lround(DRIFT_PX * sin(t * 0.37));
    int dy = (int)lround(DRIFT_PX * cos(t * 0.23));
    if (dx == app->drift_x && dy == app->drift_y) return;
    app->drift_x = dx;
    app->drift_y = dy;
    app->dirty = true;
}

static bool top_is(App *app, const char *name) { return app->depth && strcmp(app_screen_name(app), name) == 0; }

/* Runs everything due at app->clock; returns ms until something is next
 * due (0: animating, -1: nothing). */
/* Publication windows, 新 badges and notices change what the screens show
 * as time passes, with no new content: at the next such instant the screens
 * refresh as for new content (an item that closed while being read is
 * closed with its notice).  Returns the ms until that instant (-1 none). */
static int time_passes(App *app, int64_t wall)
{
    /* A clock set back (NTP, a technician) may hide what was visible. */
    bool went_back = wall < app->change_checked_at;
    if (went_back || (app->next_change > 0 && wall >= app->next_change)) {
        if (went_back) log_info("app: the clock went back; the screens refresh");
        else
            log_info("app: a publication window or notice changed at %lld; the screens refresh",
                     (long long)app->next_change);
        content_changed(app);
    }
    if (app->next_change < 0) {
        app->change_checked_at = wall;
        Err err;
        if (store_next_change(app->store, wall, &app->next_change, &err) != 0) {
            log_warn("app: %s; the screens refresh every minute instead", err.msg);
            app->next_change = wall + 60;
        }
    }
    if (app->next_change == 0) return -1;
    int64_t ms = (app->next_change - wall) * 1000;
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static int step(App *app)
{
    int wake = -1;
    InputEvent in;
    if (input_tick(&app->input, app->clock, &in)) gesture(app, &in);
    wake_at(&wake, input_next_deadline(&app->input, app->clock));

    uint32_t idle = app->clock - app->last_input;
    uint32_t idle_ms = (uint32_t)app->cfg->idle_timeout_s * 1000,
             attract_ms = (uint32_t)app->cfg->attract_timeout_s * 1000;
    if (!app->input.down) {
        bool resting = top_is(app, ATTRACT) || top_is(app, SLEEP);
        if (app->depth > 1 && !resting && idle >= idle_ms) app_home(app);
        /* Outside the screen's hours an idle kiosk goes dark; inside, it
         * shows the attract carousel. */
        bool hours = app_screen_hours(app);
        if (app->depth == 1 && !hours && idle >= idle_ms && find_screen(app, SLEEP)) app_open(app, SLEEP, "");
        else if (app->depth == 1 && hours && idle >= attract_ms && find_screen(app, ATTRACT))
            app_open(app, ATTRACT, "");
    }
    if (app->depth > 1 && !top_is(app, ATTRACT) && !top_is(app, SLEEP))
        wake_at(&wake, idle < idle_ms ? (int)(idle_ms - idle) : 0);
    if (app->depth == 1) wake_at(&wake, idle < attract_ms ? (int)(attract_ms - idle) : 0);
    if (app->depth == 1 && idle < idle_ms) wake_at(&wake, (int)(idle_ms - idle));

    /* A slide draws its own frames (render_slide); it ends with the frame
     * that puts the incoming picture in place.  A drag draws a frame each
     * time the finger moved. */
    if (app->in_transition || app->drag_due) wake = 0;
    if (!app->warmed && app->shown && app->depth && !app->in_transition && !app->input.down) {
        int32_t left = (int32_t)(app->warm_at - app->clock);
        if (left <= 0) warm_neighbours(app);
        else wake_at(&wake, left);
    }
    if (!app->rested && app->shown && app->depth && !app->in_transition && !app->drag.on && !app->input.down) {
        int32_t left = (int32_t)(app->last_frame_at + REST_AFTER_MS - app->clock);
        if (left <= 0) rest(app);
        else wake_at(&wake, left);
    }
    if (app->toast[0]) {
        if (app->clock >= app->toast_until) {
            app->toast[0] = '\0';
            app->dirty = true;
        } else {
            wake_at(&wake, (int)(app->toast_until - app->clock));
        }
    }
    if (app->depth) {
        Visit *v = &app->stack[app->depth - 1];
        int w = -1;
        if (v->ops->update && v->ops->update(app, v->st, &w)) {
            wake = 0;
            app->dirty = true;
        }
        wake_at(&wake, w);
    }
    if (app->housekeeping) wake_at(&wake, app->housekeeping(app->housekeeping_ctx, app->clock));
    if (urgent_turn(&app->urgent, app->clock)) app->dirty = true;
    wake_at(&wake, urgent_wake(&app->urgent, app->clock));
    int64_t wall = app_time(app);
    wake_at(&wake, time_passes(app, wall));
    if (wall / 60 != app->shown_minute) {
        app->shown_minute = wall / 60;
        read_status(app);
        app->dirty = true;
    }
    update_drift(app, wall);
    wake_at(&wake, (int)(60 - wall % 60) * 1000);
    /* The panel is dark exactly while the sleep screen shows; a touch on
     * it (its input keeps coming, docs/DEPLOY.md) goes home, and so lights
     * the panel again.  The first step lights it whatever a kiosk before
     * this one left it in. */
    power_want(&app->power, !top_is(app, SLEEP));
    wake_at(&wake, power_poll(&app->power));
    return wake;
}

/* Shows the picture: only the n rects (0: all) where the window's surface is
 * the picture (the software renderer), else the whole output. */
static void present(App *app, const SDL_Rect *rects, int n)
{
    if (n == 0 || app->turn.tex || !app->win) {
        SDL_RenderPresent(app->r);
        return;
    }
    SDL_RenderFlush(app->r);
    if (SDL_UpdateWindowSurfaceRects(app->win, rects, n) != 0) SDL_RenderPresent(app->r);
}

/* Where the moving part of a slide lies: everything between the header
 * (with the urgent strip) and the bottom bar; the chrome stays still. */
static SDL_Rect slide_band(App *app)
{
    Chrome c = app_chrome(app, false);
    return c.body;
}

/* Copies the part of picture t that lies in band when the picture is
 * moved by dx. */
static void copy_moved(App *app, SDL_Texture *t, SDL_Rect band, int dx)
{
    SDL_Rect moved = {band.x + dx, band.y, band.w, band.h}, dst;
    if (!SDL_IntersectRect(&moved, &band, &dst)) return;
    SDL_Rect src = {dst.x - dx, dst.y, dst.w, dst.h};
    SDL_RenderCopy(app->r, t, &src, &dst);
}

static void render_whole(App *app);

/* The band as the two pictures make it: the outgoing one moved by dx, the
 * incoming one beside it on the dir side, or the background where there
 * is none (a rubber band at the first or last page). */
static void copy_band(App *app, SDL_Rect band, int dx, int dir, bool beside)
{
    copy_moved(app, app->snap, band, dx);
    if (beside) {
        copy_moved(app, app->incoming, band, dx + dir * band.w);
        return;
    }
    SDL_Rect gap = {dx < 0 ? band.x + band.w + dx : band.x, band.y, abs(dx), band.h};
    if (gap.w == 0) return;
    SDL_SetRenderDrawColor(app->r, ui_theme.bg.r, ui_theme.bg.g, ui_theme.bg.b, 255);
    SDL_SetRenderDrawBlendMode(app->r, SDL_BLENDMODE_NONE);
    SDL_RenderFillRect(app->r, &gap);
}

/* One frame of a slide: the outgoing picture (as it was on screen) moves
 * out and the incoming one (drawn once, on the slide's first frame) moves
 * in beside it, as a page pushed by a hand.  Every frame is two copies of
 * pictures already made, no drawing and no blending; where the renderer
 * keeps the picture only the band is copied and presented.  The slide's
 * frames leave app->dirty alone: what changed meanwhile is drawn after it.
 * A slide a finger began (a drag let go) starts where the finger left the
 * pictures, and one that springs back ends with the page drawn whole. */
static void render_slide(App *app)
{
    bool first = !app->incoming_drawn;
    if (first) {
        SDL_Texture *in = slide_texture(app, &app->incoming, SDL_TEXTUREACCESS_TARGET);
        if (!in || SDL_SetRenderTarget(app->r, in) != 0) {
            app->in_transition = false;
            return;
        }
        draw_frame(app); /* records the incoming screen's widgets: taps hit it */
        SDL_SetRenderTarget(app->r, turn_target(&app->turn));
        app->incoming_drawn = true;
        app->dirty = false;
    }
    float t = app->slide_ms > 0 ? (app->clock - app->transition_start) / (float)app->slide_ms : 1;
    if (t >= 1) {
        t = 1;
        app->in_transition = false;
        if (app->slide_to < 1) {
            /* Sprung back: the page in place is drawn whole (its widgets, a note). */
            render_whole(app);
            return;
        }
    }
    float ease = 1 - (1 - t) * (1 - t) * (1 - t);
    float at = app->slide_from + (app->slide_to - app->slide_from) * ease;
    SDL_Rect band = slide_band(app);
    int out_dx = (int)lroundf(-app->transition_dir * band.w * at);
    turn_begin(&app->turn, app->r);
    bool whole = (app->slide_fresh && app->slide_chrome_in) || !app->keeps_picture;
    if (whole) SDL_RenderCopy(app->r, app->slide_chrome_in ? app->incoming : app->snap, NULL, NULL); /* the chrome */
    copy_band(app, band, out_dx, app->transition_dir, !app->slide_empty);
    turn_end(&app->turn, app->r);
    present(app, &band, whole ? 0 : 1);
    app->slide_fresh = false;
}

/* The page beside the held one, on side, drawn into the incoming picture:
 * the screen turns its page for the drawing and straight back. */
static void draw_neighbour(App *app, int side)
{
    Visit *v = &app->stack[app->depth - 1];
    app->drag.side = side;
    app->drag.neighbour = false;
    if (!v->ops->turn_page(app, v->st, side)) return;
    SDL_Texture *in = slide_texture(app, &app->incoming, SDL_TEXTUREACCESS_TARGET);
    if (in && SDL_SetRenderTarget(app->r, in) == 0) {
        draw_frame(app);
        SDL_SetRenderTarget(app->r, turn_target(&app->turn));
        app->drag.neighbour = true;
        app->widgets_of_neighbour = true;
    }
    v->ops->turn_page(app, v->st, -side);
}

/* The frame drawn again clipped to the damage (onto the picture). */
static void draw_damage(App *app)
{
    for (int i = 0; i < app->damage_count; i++) {
        ui_frame_clip(app->ui, &app->damage[i]);
        draw_frame(app);
    }
    ui_frame_clip(app->ui, NULL);
}

/* Something outside the page changed while a finger holds it (a ticker,
 * the clock, the sync mark, the urgent strip's next notice): the picture
 * around the band is drawn again from the held page, clipped to the damage
 * where only that changed, else to all of it.  The rectangles drawn go to
 * out (room for 2 * MAX_DAMAGE); returns how many.  A GPU, which draws
 * every frame whole from the held page's picture, draws that picture
 * again instead (0). */
static int redraw_around(App *app, SDL_Rect band, SDL_Rect *out)
{
    app->widgets_of_neighbour = false;
    if (!app->keeps_picture) {
        keep_outgoing(app);
        return 0;
    }
    SDL_Rect around[2] = {{0, 0, app->w, band.y}, {0, band.y + band.h, app->w, app->h - band.y - band.h}};
    int n = 0;
    for (int i = 0; i < 2; i++) {
        if (app->dirty) {
            if (around[i].h > 0) out[n++] = around[i];
            continue;
        }
        for (int d = 0; d < app->damage_count; d++)
            if (SDL_IntersectRect(&app->damage[d], &around[i], &out[n])) n++;
    }
    turn_begin(&app->turn, app->r);
    for (int i = 0; i < n; i++) {
        ui_frame_clip(app->ui, &out[i]);
        draw_frame(app);
    }
    ui_frame_clip(app->ui, NULL);
    return n;
}

/* One frame of a drag: the held page (as it was on screen when the finger
 * took it) moved by the finger's distance, the page beside it (drawn once,
 * on the first frame, or when the finger turns to the other side) moved
 * with it; two copies into the band, and only the band presented, like a
 * slide's frames.  Nothing changes on the screen until the finger lets go
 * (let_go). */
static void render_drag(App *app)
{
    SDL_Rect band = slide_band(app), rects[1 + 2 * MAX_DAMAGE] = {band};
    int shown = 1; /* the rects presented: the band, and what was drawn around it */
    bool whole = !app->keeps_picture;
    if (app->drag_pictures && !SDL_RectEquals(&band, &app->drag_band)) {
        /* The urgent strip came or went: the pictures were cut for another band. */
        stop_drag(app);
        render_whole(app);
        return;
    }
    if (!app->drag_pictures) {
        if (app->keeps_picture && (app->dirty || app->damage_count > 0)) {
            /* First the picture as it is to be (a press let go, a note
             * gone), presented with the band. */
            turn_begin(&app->turn, app->r);
            if (app->dirty) draw_frame(app);
            else draw_damage(app);
            whole = app->dirty;
            for (int i = 0; i < app->damage_count; i++) rects[shown++] = app->damage[i];
        }
        if (!keep_outgoing(app)) {
            stop_drag(app);
            render_whole(app);
            return;
        }
        app->drag_pictures = true;
        app->drag_band = band;
        app->drag.side = 0;
        app->widgets_of_neighbour = false;
    } else if (app->dirty || app->damage_count > 0) {
        shown += redraw_around(app, band, &rects[1]);
    }
    app->dirty = false;
    int side = drag_side(&app->drag);
    if (side != app->drag.side) draw_neighbour(app, side);
    int dx = drag_offset(&app->drag, band.w);
    turn_begin(&app->turn, app->r);
    if (!app->keeps_picture) SDL_RenderCopy(app->r, app->snap, NULL, NULL);
    copy_band(app, band, dx, side, app->drag.neighbour);
    turn_end(&app->turn, app->r);
    present(app, rects, whole ? 0 : shown);
    app->drag_due = false;
}

/* Only the damage changed (a ticker strip): the whole frame is drawn again
 * clipped to it, so every widget is recorded as on a full frame and the
 * pixels are a full frame's, but only the strip's pixels are touched.
 * Onto the picture the last frame left: the window's surface with the
 * software renderer (then only the strip is presented), or the turned
 * picture's texture. */
static void render_damage(App *app)
{
    turn_begin(&app->turn, app->r);
    draw_damage(app);
    turn_end(&app->turn, app->r);
    present(app, app->damage, app->damage_count);
}

/* Whether a screen with a visitor's input is open anywhere on the stack
 * (ScreenOps.visitor_input): no screenshot shows it. */
static bool visitor_input_open(const App *app)
{
    for (int i = 0; i < app->depth; i++)
        if (app->stack[i].ops->visitor_input) return true;
    return false;
}

/* A remote screenshot (sync/screenshot.h), looked for after every frame:
 * the picture just presented, copied as RGB for the sync thread (which
 * scales, encodes and sends it) — read back where the renderer keeps it
 * (software, a turned picture), drawn once more where it does not (a
 * GPU).  Never during a slide or a drag, never while a visitor's input
 * is open. */
static void capture_if_asked(App *app)
{
    if (!sync_screenshot_wanted(app->sync) || app->in_transition || app->drag.on) return;
    if (visitor_input_open(app)) {
        sync_screenshot_defer(app->sync);
        return;
    }
    unsigned char *rgb = malloc((size_t)app->w * (size_t)app->h * 3);
    if (!rgb) {
        log_warn("app: no memory for a screenshot of %dx%d; the next frame tries again", app->w, app->h);
        return;
    }
    turn_begin(&app->turn, app->r);
    if (!app->keeps_picture) draw_frame(app);
    int rc = SDL_RenderReadPixels(app->r, NULL, SDL_PIXELFORMAT_RGB24, rgb, app->w * 3);
    if (!app->keeps_picture) {
        turn_end(&app->turn, app->r);
        SDL_RenderPresent(app->r);
        ui_end_frame(app->ui);
    }
    if (rc != 0) {
        log_warn("app: cannot read the picture for a screenshot: %s", SDL_GetError());
        free(rgb);
        return;
    }
    sync_screenshot_give(app->sync, rgb, app->w, app->h);
}

static void render_whole(App *app)
{
    turn_begin(&app->turn, app->r);
    draw_frame(app);
    turn_end(&app->turn, app->r);
    SDL_RenderPresent(app->r);
    app->dirty = false;
    if (!app->shown) new_page(app, WARM_AFTER_MS); /* the first frame at this size */
    app->shown = true;
}

void app_render(App *app)
{
    if (app->in_transition) {
        render_slide(app);
    } else if (app->drag.on) {
        render_drag(app);
    } else if (!app->dirty && app->damage_count > 0 && app->keeps_picture) {
        render_damage(app);
        app->dirty = false;
    } else {
        render_whole(app);
    }
    ui_end_frame(app->ui);
    app->damage_count = 0;
    capture_if_asked(app);
    release_slide_textures_at_rest(app);
    app->last_frame_at = app->clock;
    app->rested = false;
}

/* ---- the watchdog and its test ---------------------------------------- */

static volatile sig_atomic_t hang_asked;

static void ask_hang(int sig)
{
    (void)sig;
    hang_asked = 1;
}

/* SIGUSR1 makes the UI loop stop turning, as a deadlock would: the way to
 * see the watchdog restart a kiosk (tests/test_watchdog.c, and a
 * technician's `systemctl kill -s USR1 dangwu-kiosk`, docs/DEPLOY.md).
 * The sync thread runs on; only the pings from this loop stop, and
 * SIGTERM no longer ends the program (its SDL_QUIT is never read), just as
 * with a real hang: the service manager kills it. */
static void hang_if_asked(void)
{
    if (!hang_asked) return;
    log_warn("app: SIGUSR1: the UI loop stops here on purpose (watchdog test); the watchdog must restart the kiosk");
    for (;;) pause();
}

/* ---- laying out ahead -------------------------------------------------- */

/* The first frame of a screen never shown before is dear: its text is
 * laid out and rasterised with the font caches cold (glyph advances, the
 * fallback face of each character, the font file's blocks), 12-16 ms of
 * the tap's frame for a category on the development machine.  So the
 * screens a visitor is likely to open next from the one on top
 * (ScreenOps.next: home's tiles) are each laid out and rasterised once on
 * idle time, in a rehearsal that draws nothing and keeps no texture
 * (ui_rehearse_begin); the caches it warms make the real first frame lay
 * out in about a third of the time, at no cost to the texture budget.  One
 * screen a slice, only while nothing moves, no finger is down and no event
 * waits; the first touch ends it (the visitor is choosing now), new
 * content starts it again. */
static bool time_to_lay_out_ahead(App *app, int wake)
{
    if (app->ahead < 0 || wake == 0 || !app->depth || app->input.down || app->in_transition || app->drag.on)
        return false;
    SDL_PumpEvents();
    return !SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
}

bool app_lay_out_ahead(App *app)
{
    if (app->ahead < 0 || !app->depth) return false;
    Visit *top = &app->stack[app->depth - 1];
    const char *name = NULL;
    char arg[sizeof top->arg];
    if (!top->ops->next || !top->ops->next(app, top->st, app->ahead, &name, arg, sizeof arg)) {
        app->ahead = -1;
        return false;
    }
    app->ahead++;
    const ScreenOps *ops = name ? find_screen(app, name) : NULL;
    void *st = ops ? calloc(1, ops->state_size ? ops->state_size : 1) : NULL;
    if (!st) return true;
    double t0 = monoclock_ms();
    if (!ops->enter || ops->enter(app, st, arg) == 0) {
        ui_rehearse_begin(app->ui);
        ops->draw(app, st, app->ui);
        ui_rehearse_end(app->ui);
        if (ops->leave) ops->leave(app, st);
    }
    free(st);
    log_debug("app: %s %s laid out ahead in %.1f ms", name, arg, monoclock_ms() - t0);
    return true;
}

/* The animation frame period: the display's refresh when SDL knows it. */
static double display_period(App *app)
{
    SDL_DisplayMode mode;
    int display = app->win ? SDL_GetWindowDisplayIndex(app->win) : -1;
    int hz = display >= 0 && SDL_GetCurrentDisplayMode(display, &mode) == 0 ? mode.refresh_rate : 0;
    double period = pacer_period_for(hz);
    log_info("app: animations at %.0f frames a second (%s)", 1000.0 / period,
             hz > 0 ? "the display's refresh" : "the display reports no refresh rate");
    return period;
}

/* Whether a frame is drawn now.  A still screen draws when something
 * changed.  A moving one draws at the pacer's slots; a frame something new
 * asks for (the tap that starts a slide, a drag's first, a whole new
 * frame) is drawn at once, and the grid starts again from it. */
static bool frame_due(App *app, Pacer *pacer, bool animating, double now)
{
    bool changed = app->dirty || app->damage_count > 0 || app->in_transition || app->drag_due;
    if (!animating) {
        pacer_stop(pacer);
        return changed;
    }
    bool at_once = app->in_transition ? !app->incoming_drawn
                   : app->drag.on     ? app->drag_due && !app->drag_pictures
                                      : app->dirty;
    if (at_once) pacer_stop(pacer);
    return pacer_due(pacer, now) && changed;
}

int app_run(App *app)
{
    struct sigaction sa = {.sa_handler = ask_hang};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    watchdog_init();
    int feed_ms = watchdog_interval_ms();
    bool ready = false;
    app->clock = SDL_GetTicks();
    app->last_input = app->clock;
    Pacer pacer;
    pacer_init(&pacer, display_period(app));
    double woke = monoclock_ms();
    app->quit = false;
    while (!app->quit) {
        app->clock = SDL_GetTicks();
        hang_if_asked();
        watchdog_ping(app->clock);
        int wake = step(app);
        if (frame_due(app, &pacer, wake == 0, monoclock_ms())) {
            app_render(app);
            if (app->probe) app->probe(app->probe_ctx, woke, monoclock_ms());
        }
        if (!ready) {
            watchdog_ready();
            ready = true;
        }
        /* Animating: until the next slot, in the kernel (SDL's X11 and
         * Wayland event waits poll their connection; no busy loop). */
        int timeout = wake < 0 ? 60000 : wake == 0 ? pacer_wait_ms(&pacer, monoclock_ms()) : wake;
        if (timeout > 0 && time_to_lay_out_ahead(app, wake) && app_lay_out_ahead(app))
            timeout = 0; /* events first, then the next slice */
        /* A still screen sleeps, but never past the next ping. */
        if (feed_ms > 0 && timeout > feed_ms) timeout = feed_ms;
        SDL_Event e;
        bool got = SDL_WaitEventTimeout(&e, timeout);
        woke = monoclock_ms();
        if (got) {
            app_handle_event(app, &e);
            while (SDL_PollEvent(&e)) app_handle_event(app, &e);
        }
    }
    watchdog_stopping();
    return 0;
}

/* ---- the script clock ------------------------------------------------- */

void app_use_script_clock(App *app, int64_t wall_start)
{
    app->scripted = true;
    app->clock = 0;
    app->wall_start = wall_start;
    app->last_input = 0;
    app->shown_minute = wall_start / 60;
}

void app_set_wall_time(App *app, int64_t wall)
{
    app->wall_start = wall - app->clock / 1000;
    app->dirty = true;
}

void app_set_housekeeping(App *app, AppHousekeeping fn, void *ctx)
{
    app->housekeeping = fn;
    app->housekeeping_ctx = ctx;
}

void app_set_frame_probe(App *app, AppFrameProbe probe, void *ctx)
{
    app->probe = probe;
    app->probe_ctx = ctx;
}

const char *app_panel_settle(App *app, int timeout_ms)
{
    for (int waited = 0; power_busy(&app->power); waited += 20) {
        if (waited >= timeout_ms) return NULL;
        SDL_Delay(20);
        power_poll(&app->power);
    }
    return app->power.started == PANEL_ON ? "on" : app->power.started == PANEL_OFF ? "off" : "";
}

void app_set_sync(App *app, SyncThread *sync) { app->sync = sync; }
SyncThread *app_sync(App *app) { return app->sync; }

void app_set_store_note(App *app, const char *why)
{
    snprintf(app->store_note, sizeof app->store_note, "%s", why);
    app->dirty = true;
}
void app_count_view(App *app, const char *item_id) { sync_count_view(app->sync, item_id); }
void app_poke_sync(App *app) { sync_poke(app->sync); }

bool app_quitting(const App *app) { return app->quit; }

void app_advance(App *app, uint32_t ms)
{
    uint32_t end = app->clock + ms;
    for (;;) {
        int wake = step(app);
        /* Only the frame at the end is drawn: the frames in between would
         * show nothing a script can look at, and drawing them in software
         * costs more than everything else in a test. */
        if (app->clock >= end) {
            if (app->dirty || app->damage_count > 0 || wake == 0) app_render(app);
            break;
        }
        uint32_t left = end - app->clock;
        uint32_t d = wake == 0 ? FRAME_MS : wake < 0 ? left : (uint32_t)wake;
        if (d == 0) d = 1;
        app->clock += d < left ? d : left;
    }
}

int app_screenshot(App *app, const char *path, Err *err)
{
    turn_begin(&app->turn, app->r);
    draw_frame(app); /* the screen as it settles, without a slide */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, app->w, app->h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) return err_set(err, "no memory for a screenshot: %s", SDL_GetError());
    int rc = SDL_RenderReadPixels(app->r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
    if (rc == 0) rc = IMG_SavePNG(s, path);
    SDL_FreeSurface(s);
    turn_end(&app->turn, app->r);
    SDL_RenderPresent(app->r);
    ui_end_frame(app->ui);
    if (rc != 0) return err_set(err, "%s: cannot write the screenshot: %s", path, SDL_GetError());
    return 0;
}

int app_dump(App *app, const char *path, Err *err)
{
    if (app->dirty || app->damage_count > 0) app_render(app);
    return ui_dump_json(app->ui, app_screen_name(app), path, err);
}

/* ---- the chrome ------------------------------------------------------- */

Chrome app_chrome(App *app, bool with_pager)
{
    Ui *ui = app->ui;
    bool portrait = app_portrait(app);
    Chrome c = {0};
    c.header = (SDL_Rect){0, 0, app->w, ui_px(ui, portrait ? 176 : 124)};
    int nav_h = ui_px(ui, 132);
    c.nav = (SDL_Rect){0, app->h - nav_h, app->w, nav_h};
    c.urgent = (SDL_Rect){0, c.header.h, app->w, urgent_strip_height(&app->urgent, ui, app->w)};
    int bottom = c.nav.y;
    if (with_pager) {
        if (portrait) {
            int ph = ui_px(ui, 124);
            c.pager = (SDL_Rect){0, c.nav.y - ph, app->w, ph};
            bottom = c.pager.y;
        } else {
            int left = ui_px(ui, 32 + 200 + 24 + 200 + 40), right = ui_px(ui, 32 + 260 + 40);
            c.pager = (SDL_Rect){left, c.nav.y, app->w - left - right, nav_h};
        }
    }
    int top = c.urgent.y + c.urgent.h;
    c.body = (SDL_Rect){0, top, app->w, bottom - top};
    return c;
}

static void format_now(App *app, char *buf, size_t size)
{
    static const char *const weekdays[] = {"日", "一", "二", "三", "四", "五", "六"};
    time_t t = (time_t)app_time(app);
    struct tm tm;
    localtime_r(&t, &tm);
    snprintf(buf, size, "%d年%d月%d日 星期%s %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             weekdays[tm.tm_wday], tm.tm_hour, tm.tm_min);
}

/* 2026-01-01 00:00 China Standard Time: a clock before it is surely wrong
 * (a PC whose battery died, no time server reached). */
#define EARLIEST_PLAUSIBLE_TIME 1767196800

/* Words for an administrator after the sync mark when the kiosk's clock
 * or time zone look wrong: the header clock, the screen_on hours and the
 * publication windows all read local time (docs/DEPLOY.md).  "" when
 * both look right.  Said once in the log as well. */
static const char *clock_warning(App *app)
{
    time_t t = (time_t)app_time(app);
    struct tm tm;
    localtime_r(&t, &tm);
    const char *warning = t < EARLIEST_PLAUSIBLE_TIME ? "时钟有误" : tm.tm_gmtoff != 8 * 3600 ? "时区有误" : "";
    if (warning[0] && !app->clock_warned)
        log_warn("app: the %s looks wrong (%04d-%02d-%02d %02d:%02d, UTC%+ld min): set the time zone to "
                 "Asia/Shanghai and check the time server (docs/DEPLOY.md)",
                 t < EARLIEST_PLAUSIBLE_TIME ? "clock" : "time zone", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_gmtoff / 60);
    app->clock_warned = warning[0] != '\0';
    return warning;
}

static void draw_sync_mark(App *app, Ui *ui, SDL_Rect box)
{
    const char *state = "未同步";
    SDL_Color dot = ui_theme.offline;
    if (strcmp(app->sync_state, "ok") == 0) state = "已同步", dot = ui_theme.ok;
    else if (strcmp(app->sync_state, "offline") == 0) state = "离线";
    else if (strcmp(app->sync_state, "error") == 0) state = "同步异常", dot = ui_theme.error;
    if (app->store_note[0]) state = app->store_note, dot = ui_theme.error; /* nothing can be synced */
    const char *warning = clock_warning(app);
    char label[64];
    snprintf(label, sizeof label, warning[0] ? "%s · %s" : "%s", state, warning);
    int r = ui_px(ui, 9);
    TextSpec spec = {
        .size = ui_font(ui, 28), .color = ui_theme.header_soft, .align = ALIGN_RIGHT, .middle = true, .max_lines = 1};
    int tw, th;
    ui_text_size(ui, label, &spec, box.w - 3 * r, box.h, &tw, &th);
    ui_disc(ui, box.x + box.w - tw - 2 * r, box.y + box.h / 2, r, dot);
    SDL_Rect tb = {box.x, box.y, box.w, box.h};
    ui_text_kind(ui, WIDGET_ICON, "", tb, label, &spec);
}

const StoreNotice *app_urgent_notice(App *app) { return urgent_current(&app->urgent); }

void app_draw_urgent(App *app, Ui *ui, SDL_Rect box, UrgentLook look)
{
    urgent_draw(ui, urgent_current(&app->urgent), box, look);
}

static void draw_header_bar(App *app, Ui *ui, const Chrome *c);

void app_draw_header(App *app, Ui *ui, const Chrome *c)
{
    draw_header_bar(app, ui, c);
    if (c->urgent.h > 0) app_draw_urgent(app, ui, c->urgent, URGENT_STRIP);
}

static void draw_header_bar(App *app, Ui *ui, const Chrome *c)
{
    SDL_Rect h = c->header;
    ui_fill_bleed(ui, h, ui_theme.header);
    bool portrait = app_portrait(app);
    int m = ui_px(ui, 36);
    int star = ui_px(ui, 64);
    int row1_h = portrait ? ui_px(ui, 96) : h.h;
    icon_draw_star(ui, (SDL_Rect){m, (row1_h - star) / 2 + (portrait ? ui_px(ui, 8) : 0), star, star},
                   (SDL_Color){255, 214, 102, 255});
    int name_x = m + star + ui_px(ui, 24);
    char now[96];
    format_now(app, now, sizeof now);
    TextSpec name = {
        .size = ui_font(ui, 50), .bold = true, .color = ui_theme.header_text, .middle = true, .max_lines = 1};
    TextSpec date = {.size = ui_font(ui, 36), .color = ui_theme.header_text, .middle = true, .max_lines = 1};
    if (portrait) {
        ui_text(ui, (SDL_Rect){name_x, ui_px(ui, 8), h.w - name_x - m, row1_h}, app->unit_name, &name);
        SDL_Rect row2 = {name_x, row1_h, h.w - name_x - m, h.h - row1_h - ui_px(ui, 12)};
        /* The sync mark takes what the date leaves, room for a warning too. */
        int dw, dh, gap = ui_px(ui, 24);
        ui_text_size(ui, now, &date, row2.w * 3 / 4, row2.h, &dw, &dh);
        ui_text(ui, (SDL_Rect){row2.x, row2.y, dw, row2.h}, now, &date);
        draw_sync_mark(app, ui, (SDL_Rect){row2.x + dw + gap, row2.y, row2.w - dw - gap, row2.h});
        return;
    }
    int right_w = ui_px(ui, 560);
    ui_text(ui, (SDL_Rect){name_x, 0, h.w - name_x - right_w - 2 * m, h.h}, app->unit_name, &name);
    date.align = ALIGN_RIGHT;
    ui_text(ui, (SDL_Rect){h.w - m - right_w, ui_px(ui, 14), right_w, ui_px(ui, 58)}, now, &date);
    draw_sync_mark(app, ui, (SDL_Rect){h.w - m - right_w, ui_px(ui, 72), right_w, ui_px(ui, 40)});
}

void app_draw_nav(App *app, Ui *ui, const Chrome *c, bool can_go_back)
{
    SDL_Rect n = c->nav;
    ui_fill_bleed(ui, (SDL_Rect){0, n.y, app->w, ui_px(ui, 2)}, ui_theme.card_line);
    int m = ui_px(ui, 32), bh = ui_px(ui, 96), y = n.y + (n.h - bh) / 2;
    int bw = ui_px(ui, 200);
    ui_button(ui, NAV_BACK, (SDL_Rect){m, y, bw, bh}, "返回", BUTTON_SECONDARY, can_go_back);
    ui_button(ui, NAV_HOME, (SDL_Rect){m + bw + ui_px(ui, 24), y, bw, bh}, "首页", BUTTON_SECONDARY, true);
    int fw = ui_px(ui, 260);
    ui_button(ui, NAV_FEEDBACK, (SDL_Rect){app->w - m - fw, y, fw, bh}, "意见建议", BUTTON_PRIMARY, true);
}

void app_draw_pager(App *app, Ui *ui, const Chrome *c, int page, int pages)
{
    (void)app;
    SDL_Rect p = c->pager;
    if (p.w <= 0 || pages <= 1) return;
    int bh = ui_px(ui, 96), bw = ui_px(ui, 230), y = p.y + (p.h - bh) / 2;
    int side = ui_px(ui, app_portrait(app) ? 32 : 0);
    ui_button(ui, PAGER_PREV, (SDL_Rect){p.x + side, y, bw, bh}, "上一页", BUTTON_SECONDARY, page > 0);
    ui_button(ui, PAGER_NEXT, (SDL_Rect){p.x + p.w - side - bw, y, bw, bh}, "下一页", BUTTON_SECONDARY,
              page < pages - 1);
    char label[64];
    snprintf(label, sizeof label, "第 %d/%d 页", page + 1, pages);
    TextSpec spec = {.size = ui_font(ui, 38),
                     .bold = true,
                     .color = ui_theme.text,
                     .align = ALIGN_CENTER,
                     .middle = true,
                     .max_lines = 1};
    SDL_Rect mid = {p.x + side + bw, p.y, p.w - 2 * (side + bw) - c->pager_extra, p.h};
    ui_text_kind(ui, WIDGET_PAGER, NULL, mid, label, &spec);
}
