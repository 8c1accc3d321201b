/* screen_home.c — the first screen: a tile per first-level category, the
 * notices ticker, and the ways to feedback and public answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icons.h"
#include "log.h"
#include "screens.h"

#define NOTICE_SHOW_MS 8000 /* a notice that fits stays this long */
#define TICKER_PAUSE_MS 1500 /* a long one rests this long before it moves */
#define TICKER_MAX_W 8000 /* px; longer notices are ellipsized */
#define ANSWERS_ID "home.answers"
#define TILE_MIN_H 196 /* 1080p px: icon, count, a two-line name */

typedef struct Home {
    StoreCategory *cats; /* first-level only */
    int cat_count;
    StoreNotice *notices;
    int notice_count;
    int notice; /* the one shown */
    uint32_t notice_since;
    int notice_w; /* its width, 0 until drawn */
    int ticker_w; /* the room for it */
    SDL_Rect ticker_line; /* the band of the strip its text covers, as last drawn (h = 0 before) */
    int page, pages, per_page;
} Home;

static void load(App *app, Home *h)
{
    Err err;
    StoreCategory *all = NULL;
    int n = 0;
    free(h->cats);
    h->cats = NULL;
    h->cat_count = 0;
    if (store_catalog(app_store(app), app_time(app), &all, &n, &err) == 0) {
        h->cats = calloc((size_t)(n ? n : 1), sizeof *h->cats);
        for (int i = 0; h->cats && i < n; i++)
            if (all[i].level == 1) h->cats[h->cat_count++] = all[i];
        store_free(all);
    } else {
        log_error("home: %s", err.msg);
    }
    store_free(h->notices);
    h->notices = NULL;
    h->notice_count = 0;
    if (store_notices(app_store(app), app_time(app), &h->notices, &h->notice_count, &err) != 0)
        log_error("home: %s", err.msg);
    /* Urgent and 即时 notices stand in the strip under the header (urgent.h);
     * the ticker carries the others. */
    int kept = 0;
    for (int i = 0; i < h->notice_count; i++)
        if (!urgent_notice(&h->notices[i])) h->notices[kept++] = h->notices[i];
    h->notice_count = kept;
    if (h->notice >= h->notice_count) h->notice = 0;
    h->notice_w = 0;
}

static int home_enter(App *app, void *st, const char *arg)
{
    (void)arg;
    Home *h = st;
    load(app, h);
    h->notice_since = app_ms(app);
    return 0;
}

static void home_leave(App *app, void *st)
{
    (void)app;
    Home *h = st;
    free(h->cats);
    store_free(h->notices);
}

static bool home_refresh(App *app, void *st)
{
    Home *h = st;
    load(app, h);
    /* The notice shown may have changed: it starts again (a long one
     * rests, then moves), measured on the next frame. */
    h->notice_since = app_ms(app);
    return true;
}

/* A finger drags the tiles: the page of tiles beside them (app.h, turn_page). */
static bool home_turn_page(App *app, void *st, int dir)
{
    (void)app;
    Home *h = st;
    int to = h->page + dir;
    if (to < 0 || to >= h->pages) return false;
    h->page = to;
    return true;
}

static void home_event(App *app, void *st, const ScreenEvent *ev)
{
    Home *h = st;
    if (ev->kind == INPUT_SWIPE && abs(ev->dx) > abs(ev->dy) && h->pages > 1) {
        int dir = ev->dx < 0 ? 1 : -1, to = h->page + dir;
        if (to >= 0 && to < h->pages) {
            app_transition(app, dir);
            home_turn_page(app, h, dir);
        }
        return;
    }
    if (ev->kind != INPUT_TAP) return;
    if (strncmp(ev->id, "cat:", 4) == 0) app_open(app, "category", ev->id + 4);
    else if (strcmp(ev->id, ANSWERS_ID) == 0) app_open(app, SCREEN_ANSWERS, "");
    else if (strcmp(ev->id, PAGER_PREV) == 0 && h->page > 0) h->page--;
    else if (strcmp(ev->id, PAGER_NEXT) == 0 && h->page < h->pages - 1) h->page++;
}

/* The ticker is all that changes on a still home screen: only the band
 * of its strip that the text covers is redrawn (app_redraw_rect; the
 * badge and the strip's edges stay), the rest of the frame is left alone. */
static void redraw_ticker(App *app, Home *h)
{
    if (h->ticker_line.h > 0) app_redraw_rect(app, h->ticker_line);
    else app_redraw(app);
}

static bool home_update(App *app, void *st, int *wake_ms)
{
    Home *h = st;
    if (h->notice_count == 0) return false;
    uint32_t shown = app_ms(app) - h->notice_since;
    if (h->notice_w == 0) {
        /* Not drawn yet, so not measured: looked at again when a long one
         * would start to move (not after the 8 s a short one stays). */
        if (shown < TICKER_PAUSE_MS) {
            *wake_ms = (int)(TICKER_PAUSE_MS - shown);
        } else {
            redraw_ticker(app, h);
            *wake_ms = 0;
        }
        return false;
    }
    bool scrolls = h->notice_w > h->ticker_w && h->ticker_w > 0;
    int speed = app_ticker_speed(app);
    uint32_t total =
        scrolls ? TICKER_PAUSE_MS + (uint32_t)((h->notice_w + h->ticker_w / 3) * 1000LL / speed) + TICKER_PAUSE_MS
                : NOTICE_SHOW_MS;
    if (shown >= total) {
        h->notice = (h->notice + 1) % h->notice_count;
        h->notice_since = app_ms(app);
        h->notice_w = 0;
        redraw_ticker(app, h);
        *wake_ms = 0;
        return false;
    }
    /* A scrolling notice moves at the loop's 60 frames a second, each frame
     * only the strip. */
    if (scrolls && shown >= TICKER_PAUSE_MS) {
        *wake_ms = 0;
        redraw_ticker(app, h);
        return false;
    }
    *wake_ms = (int)((scrolls ? TICKER_PAUSE_MS : total) - shown);
    return false;
}

/* What a visitor opens next from home: the tiles' categories, those on
 * the page shown first. */
static bool home_next(App *app, void *st, int i, const char **name, char *arg, size_t arg_size)
{
    (void)app;
    Home *h = st;
    if (i < 0 || i >= h->cat_count) return false;
    int first = h->page * h->per_page;
    *name = "category";
    snprintf(arg, arg_size, "%s", h->cats[(first + i) % h->cat_count].id);
    return true;
}

static void draw_tile(Ui *ui, const StoreCategory *c, SDL_Rect r)
{
    char id[96];
    snprintf(id, sizeof id, "cat:%s", c->id);
    bool pressed = strcmp(ui_pressed(ui), id) == 0;
    int rad = ui_px(ui, 18), pad = ui_px(ui, 28);
    ui_round(ui, r, rad, pressed ? ui_theme.pressed_card : ui_theme.card);
    ui_round_outline(ui, r, rad, ui_px(ui, pressed ? 5 : 2), pressed ? ui_theme.accent : ui_theme.card_line);
    int icon = r.h * 30 / 100;
    if (icon > ui_px(ui, 100)) icon = ui_px(ui, 100);
    SDL_Rect ib = {r.x + pad, r.y + pad, icon, icon};
    SDL_Color halo = {251, 236, 228, 255};
    ui_disc(ui, ib.x + icon / 2, ib.y + icon / 2, icon / 2 + ui_px(ui, 6), halo);
    icon_draw(ui, c->icon, (SDL_Rect){ib.x + icon / 6, ib.y + icon / 6, icon * 2 / 3, icon * 2 / 3}, ui_theme.accent,
              halo);
    /* Beside the icon: how many items, and 新 when some are recent. */
    int side_x = ib.x + icon + ui_px(ui, 24), side_w = r.x + r.w - pad - side_x;
    int bh = ui_px(ui, 48);
    if (c->new_count > 0) {
        int bw = ui_badge(ui, r.x + r.w - pad - ui_px(ui, 66), ib.y + (icon - bh) / 2, bh, "新", ui_theme.badge_new,
                          ui_theme.header_text);
        side_w -= bw + ui_px(ui, 12);
    }
    TextSpec count = {.size = ui_font(ui, 34), .color = ui_theme.text_soft, .middle = true, .max_lines = 1};
    char label[64];
    snprintf(label, sizeof label, "共 %d 条", c->item_count);
    ui_text(ui, (SDL_Rect){side_x, ib.y, side_w, icon}, label, &count);
    TextSpec name = {.size = ui_font(ui, 42),
                     .bold = true,
                     .color = ui_theme.text,
                     .max_lines = 2,
                     .middle = true,
                     .flags = TEXT_NO_RUNT,
                     .lang = screens_text_lang(c->lang)};
    int top = ib.y + icon + ui_px(ui, 12);
    ui_text(ui, (SDL_Rect){r.x + pad, top, r.w - 2 * pad, r.y + r.h - pad - top}, c->name, &name);
    ui_record(ui, WIDGET_TILE, id, c->name, r, true);
}

static void draw_empty(Ui *ui, SDL_Rect area)
{
    SDL_Rect card = {area.x + area.w / 8, area.y + area.h / 5, area.w * 3 / 4, area.h * 3 / 5};
    ui_round(ui, card, ui_px(ui, 24), ui_theme.card);
    ui_round_outline(ui, card, ui_px(ui, 24), ui_px(ui, 2), ui_theme.card_line);
    TextSpec big = {
        .size = ui_font(ui, 64), .bold = true, .color = ui_theme.text, .align = ALIGN_CENTER, .max_lines = 1};
    TextSpec small = {.size = ui_font(ui, 40), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .max_lines = 2};
    int big_h = ui_font(ui, 64) * 140 / 100;
    ui_text_kind(ui, WIDGET_NOTE, NULL, (SDL_Rect){card.x, card.y + card.h / 2 - big_h, card.w, big_h}, "暂无公开内容",
                 &big);
    ui_text(ui,
            (SDL_Rect){card.x + ui_px(ui, 40), card.y + card.h / 2 + ui_px(ui, 20), card.w - ui_px(ui, 80),
                       ui_font(ui, 40) * 3},
            "内容发布并同步后，将在这里显示", &small);
}

static void draw_ticker(App *app, Home *h, Ui *ui, SDL_Rect bar)
{
    SDL_Color ground = {239, 230, 214, 255};
    ui_fill_bleed(ui, bar, ground);
    ui_fill_bleed(ui, (SDL_Rect){0, bar.y, bar.w, ui_px(ui, 3)}, ui_theme.header);
    int m = ui_px(ui, 36), bh = ui_px(ui, 56);
    int x = m;
    const StoreNotice *n = h->notice_count ? &h->notices[h->notice] : NULL;
    x += ui_badge(ui, x, bar.y + (bar.h - bh) / 2, bh, "通知", ui_theme.header, ui_theme.header_text);
    x += ui_px(ui, 24);
    SDL_Rect box = {x, bar.y, bar.w - x - m, bar.h};
    h->ticker_w = box.w;
    TextSpec spec = {.size = ui_font(ui, 40), .color = ui_theme.text, .middle = true, .max_lines = 1};
    const char *text = n ? n->text : "欢迎查阅党务公开信息，轻触栏目即可浏览";
    int offset = 0;
    uint32_t shown = app_ms(app) - h->notice_since;
    if (h->notice_w > box.w && shown > TICKER_PAUSE_MS)
        offset = (int)((int64_t)(shown - TICKER_PAUSE_MS) * app_ticker_speed(app) / 1000);
    if (offset > h->notice_w - box.w + box.w / 3) offset = h->notice_w - box.w + box.w / 3;
    if (offset < 0) offset = 0;
    h->notice_w = ui_text_scroll(ui, box, text, &spec, offset, ui_px(ui, TICKER_MAX_W), ground, &h->ticker_line);
}

static void home_draw(App *app, void *st, Ui *ui)
{
    Home *h = st;
    bool portrait = app_portrait(app);
    Chrome c = app_chrome(app, false);
    app_draw_header(app, ui, &c);
    int W = app_width(app), H = app_height(app);
    int m = ui_px(ui, portrait ? 40 : 48), gap = ui_px(ui, portrait ? 28 : 32);
    int ticker_h = ui_px(ui, 100), action_h = ui_px(ui, 120);
    SDL_Rect ticker = {0, H - ticker_h, W, ticker_h};
    SDL_Rect actions = {m, ticker.y - action_h - ui_px(ui, 12), W - 2 * m, action_h};
    int cols = portrait ? 2 : 4, max_rows = portrait ? 5 : 3;
    int bw = ui_px(ui, portrait ? 300 : 320), bh = ui_px(ui, 100), by = actions.y + (action_h - bh) / 2;
    /* Paged tiles: the pager sits left of the buttons in landscape, on a
     * row of its own above them in portrait (too narrow beside them). */
    SDL_Rect pager = {actions.x, actions.y, actions.w - 2 * bw - 2 * gap, action_h};
    SDL_Rect area;
    for (int pass = 0; pass < 2; pass++) {
        bool pager_row = pass == 1 && h->pages > 1 && portrait;
        if (pager_row) pager = (SDL_Rect){actions.x, actions.y - action_h, actions.w, action_h};
        int tiles_bottom = pager_row ? pager.y : actions.y;
        area = (SDL_Rect){m, c.body.y + ui_px(ui, 36), W - 2 * m, tiles_bottom - c.body.y - ui_px(ui, 60)};
        /* As many rows as keep a tile tall enough for its icon and a
         * two-line name (an urgent strip takes some of the height). */
        int rows = (area.h + gap) / (ui_px(ui, TILE_MIN_H) + gap);
        if (rows > max_rows) rows = max_rows;
        if (rows < 1) rows = 1;
        h->per_page = cols * rows;
        h->pages = h->cat_count ? (h->cat_count + h->per_page - 1) / h->per_page : 1;
        if (!portrait || h->pages == 1) break;
    }
    if (h->page >= h->pages) h->page = h->pages - 1;
    int first = h->page * h->per_page;
    int on_page = h->cat_count - first < h->per_page ? h->cat_count - first : h->per_page;
    if (h->cat_count == 0) {
        draw_empty(ui, area);
    } else {
        int rows = (on_page + cols - 1) / cols, least = portrait ? 4 : 2;
        if (least > h->per_page / cols) least = h->per_page / cols;
        if (rows < least) rows = least;
        int tw = (area.w - (cols - 1) * gap) / cols, th = (area.h - (rows - 1) * gap) / rows;
        for (int i = 0; i < on_page; i++) {
            SDL_Rect r = {area.x + (i % cols) * (tw + gap), area.y + (i / cols) * (th + gap), tw, th};
            draw_tile(ui, &h->cats[first + i], r);
        }
    }

    ui_button(ui, NAV_FEEDBACK, (SDL_Rect){actions.x + actions.w - bw, by, bw, bh}, "意见建议", BUTTON_PRIMARY, true);
    ui_button(ui, ANSWERS_ID, (SDL_Rect){actions.x + actions.w - 2 * bw - gap, by, bw, bh}, "回复公开",
              BUTTON_SECONDARY, true);
    if (h->pages > 1) {
        Chrome pc = {.pager = pager};
        app_draw_pager(app, ui, &pc, h->page, h->pages);
    } else if (h->cat_count > 0) {
        TextSpec hint = {.size = ui_font(ui, 36),
                         .color = ui_theme.text_soft,
                         .middle = true,
                         .max_lines = 2,
                         .flags = TEXT_NO_RUNT};
        ui_text(ui, pager, "轻触栏目，查看公开内容", &hint);
    }
    draw_ticker(app, h, ui, ticker);
}

const ScreenOps screen_home = {
    .name = "home",
    .state_size = sizeof(Home),
    .enter = home_enter,
    .leave = home_leave,
    .event = home_event,
    .update = home_update,
    .draw = home_draw,
    .refresh = home_refresh,
    .turn_page = home_turn_page,
    .next = home_next,
};
