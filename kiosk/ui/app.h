/* app.h — the kiosk's UI loop and its screens.
 *
 * Owns the screen stack and the registry of screens by name, the loop
 * (which sleeps in SDL_WaitEventTimeout whenever nothing moves), the
 * clock (real, or driven by a headless script), the idle and attract
 * timers, screen transitions, the drift against burn-in, short notices
 * (toasts), and the chrome every screen shares: the red header with the
 * unit's name, date, time and sync mark, and the bottom bar with 返回,
 * 首页 and 意见建议.
 *
 * A screen is a ScreenOps (a table of functions) plus a block of state the
 * app allocates for each visit.  New screens (feedback, keyboard, public
 * answers) are added with app_register() and opened by name with
 * app_open(); nothing else needs to change.  A name that is not
 * registered shows a short 即将开放 note. */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "input.h"
#include "pinch.h"
#include "store.h"
#include "sync.h"
#include "text.h"
#include "ui.h"
#include "urgent.h"

typedef struct App App;

/* A gesture as a screen sees it.  kind is INPUT_TAP (also for a long
 * press: an unsteady finger that rests too long still means "this one"),
 * INPUT_SWIPE (dx/dy), or INPUT_LONG_PRESS only on empty space.  id is the
 * touched widget's id, "" for none. */
typedef struct ScreenEvent {
    InputKind kind;
    int x, y, dx, dy;
    const char *id;
    bool long_press;
} ScreenEvent;

typedef struct ScreenOps {
    const char *name;
    size_t state_size; /* zeroed block the app gives each visit */
    /* Set up for arg ("" when none).  Return -1 (with a log line) when
     * there is nothing to show: the screen is then not opened. */
    int (*enter)(App *app, void *st, const char *arg);
    void (*leave)(App *app, void *st);
    void (*event)(App *app, void *st, const ScreenEvent *ev);
    /* Advance animations at app_ms().  Return true while something moves
     * (the loop then draws at 60 fps); otherwise set *wake_ms to when the
     * screen next needs to change (leave it for "never").  May be NULL. */
    bool (*update)(App *app, void *st, int *wake_ms);
    /* Draw everything, recording widgets through ui_*.  Widgets recorded
     * here are what taps hit and what the headless dump lists. */
    void (*draw)(App *app, void *st, Ui *ui);
    /* The store changed: reload, keeping the visitor's place.  Return
     * false when what the screen shows is gone (it is then closed with a
     * notice).  May be NULL. */
    bool (*refresh)(App *app, void *st);
    /* Every raw pointer event (press, move, release) before it becomes a
     * gesture, for writing with a finger (the handwriting pad).  Return
     * true to take it: the app then makes no gesture of it.  May be NULL. */
    bool (*pointer)(App *app, void *st, const InputEvent *in);
    /* Two fingers pinching or moving together (pinch.h), for screens that
     * zoom.  While a pinch lasts the one-finger gesture it began as is
     * cancelled.  May be NULL: then a second finger is ignored as before. */
    void (*pinch)(App *app, void *st, const PinchEvent *pe);
    /* A page a finger drags (kiosk/ui/drag.h): turn the page by dir (+1
     * the next, -1 the previous) and return true, or return false when
     * there is none that way, changing nothing.  No slide and no note: the
     * app calls it to draw the page beside the one the finger moves and
     * turns straight back with -dir (so both calls must leave no other
     * trace), and once more when the finger lets go far enough.  May be
     * NULL: the pages then change only when a swipe ends, in event. */
    bool (*turn_page)(App *app, void *st, int dir);
    /* What a drag past the first or the last page says (已是第一页,
     * 已是最后一页); NULL: nothing. */
    const char *first_note, *last_note;
    /* The screen shows or takes a visitor's input (a form, the keyboard, a
     * receipt number): while it is open no remote screenshot is taken. */
    bool visitor_input;
    /* The i-th screen a visitor is likely to open next from this one (home:
     * its tiles' categories), as a name (*name) and an arg; false past the
     * last.  The app lays them out ahead on idle time (app.c, "laying out
     * ahead") so that opening one costs less.  May be NULL. */
    bool (*next)(App *app, void *st, int i, const char **name, char *arg, size_t arg_size);
} ScreenOps;

/* The layout every screen shares, in window pixels (without drift). */
typedef struct Chrome {
    SDL_Rect header;
    SDL_Rect urgent; /* the urgent strip under the header (h = 0 when nothing is urgent) */
    SDL_Rect body; /* between header (and urgent strip) and bars */
    SDL_Rect pager; /* 上一页 第 n/m 页 下一页 (w = 0 when not asked for) */
    SDL_Rect nav; /* 返回 首页 … 意见建议 */
    int pager_extra; /* width a screen keeps for its own control at the right of the page number */
} Chrome;

/* Reserved widget ids the app handles itself on every screen. */
#define NAV_BACK "nav.back"
#define NAV_HOME "nav.home"
#define NAV_FEEDBACK "nav.feedback"
#define PAGER_PREV "pager.prev"
#define PAGER_NEXT "pager.next"

/* Names of the screens other modules provide (feedback issue). */
#define SCREEN_FEEDBACK "feedback"
#define SCREEN_ANSWERS "answers"

int app_create(const Config *cfg, Store *store, Fonts *fonts, SDL_Window *win, SDL_Renderer *r, App **out, Err *err);
void app_destroy(App *app);

int app_register(App *app, const ScreenOps *ops);
/* Opens a registered screen on top; an unknown name shows 即将开放. */
int app_open(App *app, const char *name, const char *arg);
/* Opens the first screen (home) at the bottom of the stack. */
int app_start(App *app, const char *name);
void app_back(App *app);
void app_home(App *app);
void app_toast(App *app, const char *text);
/* Slides from the picture on screen to whatever is drawn next: dir +1
 * forward (the old page leaves to the left), -1 back.  For page flips
 * inside a screen; app_open, app_back and app_home slide by themselves.
 * The frames move the two pictures, they draw nothing (app.c). */
void app_transition(App *app, int dir);
void app_redraw(App *app);
/* Only r (screen pixels) changed, e.g. a ticker strip: the next frame
 * touches only its pixels where the renderer keeps the last picture (the
 * software renderer, a turned picture), else the whole frame is drawn.
 * A screen whose only motion is such a strip calls this from update with
 * *wake_ms = 0 (and returns false): 60 frames a second of that strip. */
void app_redraw_rect(App *app, SDL_Rect r);

/* The loop for a real display; returns when the window is closed. */
int app_run(App *app);

/* One slice of laying out ahead (app.c): the next screen the top one says
 * a visitor is likely to open (ScreenOps.next) laid out and its text
 * rasterised, nothing drawn or kept.  False when none is left (the last
 * was done, a touch came, or the top screen names none).  app_run calls
 * it while nothing moves; tests call it directly. */
bool app_lay_out_ahead(App *app);

/* For bench/bench_screens: called by app_run after each frame it presents,
 * with the monoclock times (ms) the loop woke for that frame (the event
 * or the timer that led to it) and SDL_RenderPresent returned. */
typedef void (*AppFrameProbe)(void *ctx, double woke_ms, double presented_ms);
void app_set_frame_probe(App *app, AppFrameProbe probe, void *ctx);

/* Called at every step of the loop whatever screen shows, with the app's
 * clock (ms), for work that is due after a while without the owner's
 * screen (the keyboard's engines freed after it was closed): returns the
 * ms until it is due again, or -1.  One per app. */
typedef int (*AppHousekeeping)(void *ctx, uint32_t now_ms);
void app_set_housekeeping(App *app, AppHousekeeping fn, void *ctx);

/* For the headless runner: a clock it sets, events it feeds. */
void app_use_script_clock(App *app, int64_t wall_start);
void app_set_wall_time(App *app, int64_t wall);
void app_handle_event(App *app, const SDL_Event *e);
/* True once SDL_QUIT arrived (SIGTERM, SIGINT, the window closed). */
bool app_quitting(const App *app);
/* Runs timers and animations for ms of script time, drawing frames. */
void app_advance(App *app, uint32_t ms);
void app_render(App *app);
int app_screenshot(App *app, const char *path, Err *err);
int app_dump(App *app, const char *path, Err *err);
const char *app_screen_name(App *app);
/* The argument the top screen was opened with. */
const char *app_screen_arg(App *app);
/* How many screens are open (home = 1). */
int app_depth(App *app);

/* What screens read. */
uint32_t app_ms(App *app); /* loop clock, ms */
int64_t app_time(App *app); /* wall clock, unix seconds (store queries, dates) */
Store *app_store(App *app);
Fonts *app_fonts(App *app);
Ui *app_ui(App *app);
const Config *app_config(App *app);
int app_width(App *app);
int app_height(App *app);
bool app_portrait(App *app);
const char *app_unit_name(App *app);
/* Notice ticker speed in px/s: the server's setting.ticker_speed, else kiosk.conf. */
int app_ticker_speed(App *app);
/* Inside the hours the screen is on ([screen] screen_on, or the server's
 * setting.screen_on); always true when none are set. */
bool app_screen_hours(App *app);

/* Layout and drawing of the shared chrome. */
Chrome app_chrome(App *app, bool with_pager);
/* The header, and under it the urgent strip when c->urgent.h > 0. */
void app_draw_header(App *app, Ui *ui, const Chrome *c);
/* The urgent notice shown now (NULL when none) and the one way it is
 * drawn, into any box: the strip, the sleep screen's calm line, and later
 * a remote emergency takeover all go through here. */
const StoreNotice *app_urgent_notice(App *app);
void app_draw_urgent(App *app, Ui *ui, SDL_Rect box, UrgentLook look);
void app_draw_nav(App *app, Ui *ui, const Chrome *c, bool can_go_back);
void app_draw_pager(App *app, Ui *ui, const Chrome *c, int page, int pages);

/* The panel's power (kiosk/ui/power.h): waits in real time, up to
 * timeout_ms, until no panel command runs or waits, then says which state
 * was switched to last: "on", "off", or "" when none yet.  NULL when a
 * command still runs after timeout_ms.  For `expect-panel` in scripts. */
const char *app_panel_settle(App *app, int timeout_ms);

/* Content changed (thread-safe: SDL_PushEvent).  The sync thread calls
 * app_sync_notify (a SyncNotify) through its callback. */
void app_post_content_changed(void);
/* Wakes the loop for a redraw (thread-safe): a worker's answer is ready
 * for the screen that asked (the feedback writer's outcome). */
void app_post_redraw(void);
void app_sync_notify(void *ctx, SyncEvent ev);
/* The sync thread the screens hand work to (NULL: none, as in --headless
 * until a script starts one): a view to count, a submission to send now. */
void app_set_sync(App *app, SyncThread *sync);
/* That thread, for a screen that hands it a request of its own (the
 * receipt lookup, sync/lookup.h); NULL when there is none. */
SyncThread *app_sync(App *app);
/* The database is read-only (why: 存储已满, 存储只读): the sync mark shows
 * it in place of the sync state. */
void app_set_store_note(App *app, const char *why);
void app_count_view(App *app, const char *item_id);
void app_poke_sync(App *app);
/* The SDL event type those events use (registered on first use). */
uint32_t app_event_type(void);

/* Where the screen's point (x, y) lies on the output, as a touch panel
 * reports it (u, v in 0..1) and in the output's pixels (px, py): the same
 * point unless the picture is turned (kiosk/ui/turn.h).  For the headless
 * runner, whose fingers touch the output as a visitor's would. */
void app_to_output(App *app, int x, int y, float *u, float *v, int *px, int *py);

#endif
