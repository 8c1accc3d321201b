/* screen_attract.c — what an unattended kiosk shows.  Inside the screen's
 * hours: a calm carousel of the pinned items (title, the opening of the
 * text, the first image), one every ATTRACT_SLIDE_MS with a soft fade.
 * Outside them: a dark screen with a dim clock, to spare the panel and the
 * power at night.  Any touch returns to the home screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pdfpage.h"
#include "screens.h"

#define ATTRACT_SLIDE_MS 10000
#define ATTRACT_MAX 12
#define EXCERPT_BYTES 2400 /* more than any slide holds: the box, not this, cuts it */

typedef struct Attract {
    StoreItemSummary *items;
    int count;
    int index;
    uint32_t since;
    StoreItem shown; /* the current slide's item (body, images) */
    bool have_shown;
} Attract;

static void load_slide(App *app, Attract *a)
{
    if (a->have_shown) store_item_free(&a->shown);
    a->have_shown = false;
    if (a->count == 0) return;
    Err err;
    a->have_shown = store_item_get(app_store(app), a->items[a->index].id, app_time(app), &a->shown, &err) == 0;
}

static void load(App *app, Attract *a)
{
    Err err;
    store_free(a->items);
    a->items = NULL;
    a->count = 0;
    if (store_items_pinned(app_store(app), app_time(app), ATTRACT_MAX, &a->items, &a->count, &err) != 0)
        log_error("attract: %s", err.msg);
    if (a->index >= a->count) a->index = 0;
    load_slide(app, a);
}

static int attract_enter(App *app, void *st, const char *arg)
{
    (void)arg;
    Attract *a = st;
    load(app, a);
    a->since = app_ms(app);
    return 0;
}

static void attract_leave(App *app, void *st)
{
    (void)app;
    Attract *a = st;
    store_free(a->items);
    if (a->have_shown) store_item_free(&a->shown);
}

static bool attract_refresh(App *app, void *st)
{
    load(app, st);
    return true;
}

static void attract_event(App *app, void *st, const ScreenEvent *ev)
{
    (void)st;
    (void)ev;
    app_home(app);
}

static bool attract_update(App *app, void *st, int *wake_ms)
{
    Attract *a = st;
    if (!app_screen_hours(app)) {
        app_home(app); /* the screen's hours ended: home, and from there dark */
        return false;
    }
    uint32_t shown = app_ms(app) - a->since;
    if (a->count > 1 && shown >= ATTRACT_SLIDE_MS) {
        app_transition(app, 1);
        a->index = (a->index + 1) % a->count;
        a->since = app_ms(app);
        load_slide(app, a);
        shown = 0;
    }
    if (a->count > 1) *wake_ms = (int)(ATTRACT_SLIDE_MS - shown);
    return false;
}

/* The end of the last whole sentence in out[0..n), or n when none. */
static size_t sentence_end(const char *out, size_t n)
{
    static const char *const stops[] = {"。", "！", "？", "；", "\n"};
    size_t best = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
            size_t len = strlen(stops[k]);
            if (i + len <= n && memcmp(out + i, stops[k], len) == 0 && i + len > best) best = i + len;
        }
    return best ? best : n;
}

/* The opening of the body, without image markers.  When the body is
 * longer than EXCERPT_BYTES it ends at a whole sentence, so a slide never
 * stops mid-sentence; what the box cannot hold is ellipsized there. */
static void excerpt(const char *body, char *out, size_t size)
{
    size_t n = 0;
    bool cut = false;
    for (const char *p = body; *p; p++) {
        if (n + 5 >= size || n >= EXCERPT_BYTES) {
            cut = true;
            break;
        }
        if (*p == '[' && strncmp(p, "[图", 4) == 0) {
            const char *end = strchr(p, ']');
            if (end) {
                p = end;
                continue;
            }
        }
        out[n++] = *p;
    }
    while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80) n--;
    if (n > 0 && (unsigned char)out[n - 1] >= 0xC0) n--;
    if (cut) n = sentence_end(out, n);
    while (n > 0 && out[n - 1] == '\n') n--;
    out[n] = '\0';
}

/* The item's first attachment: its picture, or a PDF's first page. */
static void attachment_picture(Ui *ui, SDL_Rect box, const StoreImage *att)
{
    if (proto_pdf_type(att->mime)) ui_pdf_page(ui, NULL, box, att->sha256, 0, att->caption);
    else ui_image(ui, NULL, box, att->sha256, att->caption);
}

static void attract_draw(App *app, void *st, Ui *ui)
{
    Attract *a = st;
    bool portrait = app_portrait(app);
    Chrome ch = app_chrome(app, false);
    app_draw_header(app, ui, &ch);
    int W = app_width(app), H = app_height(app);
    int hint_h = ui_px(ui, 150);
    SDL_Rect hint = {0, H - hint_h, W, hint_h};
    ui_fill_bleed(ui, hint, ui_theme.header);
    TextSpec hs = {.size = ui_font(ui, 48),
                   .bold = true,
                   .color = ui_theme.header_text,
                   .align = ALIGN_CENTER,
                   .middle = true,
                   .max_lines = 1};
    ui_text(ui, hint, "请轻触屏幕，开始浏览党务公开内容", &hs);

    int m = ui_px(ui, portrait ? 56 : 96);
    SDL_Rect area = {m, ch.body.y + ui_px(ui, 56), W - 2 * m, hint.y - ch.body.y - ui_px(ui, 100)};
    if (!a->have_shown) {
        TextSpec big = {.size = ui_font(ui, 80),
                        .bold = true,
                        .color = ui_theme.accent_dark,
                        .align = ALIGN_CENTER,
                        .middle = true,
                        .max_lines = 2,
                        .flags = TEXT_NO_RUNT};
        ui_text(ui, (SDL_Rect){area.x, area.y, area.w, area.h / 2}, app_unit_name(app), &big);
        TextSpec sub = {
            .size = ui_font(ui, 56), .color = ui_theme.text, .align = ALIGN_CENTER, .middle = true, .max_lines = 1};
        ui_text(ui, (SDL_Rect){area.x, area.y + area.h / 2, area.w, area.h / 4}, "党务公开 · 欢迎查阅", &sub);
        return;
    }
    const StoreItem *it = &a->shown;
    TextSpec label = {.size = ui_read_font(ui, 36), .bold = true, .color = ui_theme.accent, .max_lines = 1};
    int lh = ui_read_font(ui, 36) * 140 / 100;
    ui_text(ui, (SDL_Rect){area.x, area.y, area.w, lh}, "重要公开", &label);
    TextSpec title = {
        .size = ui_read_font(ui, 64), .bold = true, .color = ui_theme.text, .max_lines = 2, .flags = TEXT_NO_RUNT};
    int y = area.y + lh + ui_px(ui, 16);
    y += ui_text(ui, (SDL_Rect){area.x, y, area.w, ui_read_font(ui, 64) * 135 / 100 * 2}, it->s.title, &title);
    y += ui_px(ui, 40);
    SDL_Rect text = {area.x, y, area.w, area.y + area.h - y};
    if (it->s.image_count > 0) {
        if (portrait) {
            SDL_Rect img = {area.x, area.y + area.h - area.h * 2 / 5, area.w, area.h * 2 / 5};
            attachment_picture(ui, img, &it->images[0]);
            text.h = img.y - y - ui_px(ui, 40);
        } else {
            SDL_Rect img = {area.x + area.w * 3 / 5 + ui_px(ui, 40), y, area.w * 2 / 5 - ui_px(ui, 40), text.h};
            attachment_picture(ui, img, &it->images[0]);
            text.w = area.w * 3 / 5;
        }
    }
    char body[EXCERPT_BYTES + 8];
    excerpt(it->body ? it->body : "", body, sizeof body);
    /* As many lines as the box holds, ellipsized, never ending on a lone
     * character (the excerpt is short enough for TEXT_NO_RUNT's extra
     * layouts). */
    TextSpec bs = {
        .size = ui_read_font(ui, 44), .color = ui_theme.text, .flags = TEXT_INDENT_PARAGRAPHS | TEXT_NO_RUNT};
    ui_text(ui, text, body, &bs);
    if (a->count > 1) {
        char pos[32];
        snprintf(pos, sizeof pos, "%d / %d", a->index + 1, a->count);
        TextSpec ps = {.size = ui_font(ui, 32), .color = ui_theme.text_soft, .align = ALIGN_RIGHT, .max_lines = 1};
        ui_text(ui, (SDL_Rect){area.x, area.y, area.w, lh}, pos, &ps);
    }
}

const ScreenOps screen_attract = {
    .name = "attract",
    .state_size = sizeof(Attract),
    .enter = attract_enter,
    .leave = attract_leave,
    .event = attract_event,
    .update = attract_update,
    .draw = attract_draw,
    .refresh = attract_refresh,
};

/* ---- outside the screen's hours --------------------------------------- */

static void sleep_event(App *app, void *st, const ScreenEvent *ev)
{
    (void)st;
    (void)ev;
    app_home(app);
}

static bool sleep_update(App *app, void *st, int *wake_ms)
{
    (void)st;
    (void)wake_ms; /* the app wakes every minute for the clock anyway */
    if (app_screen_hours(app)) app_home(app);
    return false;
}

static void sleep_draw(App *app, void *st, Ui *ui)
{
    (void)st;
    int W = app_width(app), H = app_height(app);
    ui_fill_bleed(ui, (SDL_Rect){0, 0, W, H}, (SDL_Color){0, 0, 0, 255});
    time_t t = (time_t)app_time(app);
    struct tm tm;
    localtime_r(&t, &tm);
    char clock[16];
    snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
    SDL_Color dim = {96, 92, 88, 255};
    /* The dim clock wanders with the minute so it never burns in. */
    int box_w = ui_px(ui, 600), box_h = ui_px(ui, 240);
    int x = (W - box_w) / 2 + (int)((tm.tm_min % 7) - 3) * ui_px(ui, 40);
    int y = (H - box_h) / 2 + (int)((tm.tm_min % 5) - 2) * ui_px(ui, 40);
    TextSpec big = {.size = ui_font(ui, 96), .color = dim, .align = ALIGN_CENTER, .max_lines = 1};
    TextSpec small = {.size = ui_font(ui, 36), .color = dim, .align = ALIGN_CENTER, .max_lines = 1};
    int bh = ui_font(ui, 96) * 140 / 100;
    ui_text(ui, (SDL_Rect){x, y, box_w, bh}, clock, &big);
    int hint_y = y + bh + ui_px(ui, 16), hint_h = ui_font(ui, 36) * 140 / 100;
    ui_text(ui, (SDL_Rect){x, hint_y, box_w, hint_h}, "轻触屏幕查看党务公开", &small);
    /* Urgent news reaches the dark screen too, as a calm line that moves
     * with the clock. */
    if (!app_urgent_notice(app)) return;
    int m = ui_px(ui, 48), calm_w = W - 2 * m < ui_px(ui, 1300) ? W - 2 * m : ui_px(ui, 1300);
    int calm_x = x + box_w / 2 - calm_w / 2;
    if (calm_x < m) calm_x = m;
    if (calm_x + calm_w > W - m) calm_x = W - m - calm_w;
    app_draw_urgent(app, ui, (SDL_Rect){calm_x, hint_y + hint_h + ui_px(ui, 40), calm_w, ui_font(ui, 34) * 5},
                    URGENT_CALM);
}

const ScreenOps screen_sleep = {
    .name = "sleep",
    .event = sleep_event,
    .update = sleep_update,
    .draw = sleep_draw,
};
