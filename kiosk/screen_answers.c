/* screen_answers.c — 回复公开: the answers admins gave to feedback, as
 * question and answer, newest first, a few to a page.  The store keeps no
 * contact details with them, so none can be shown.  A tap on a card shows
 * that answer alone, in full. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "screen_feedback.h"

typedef struct Answers {
    StoreAnswer *list;            /* the current page */
    int count, total;
    int page, per_page;
    int open;                     /* index into list shown alone, -1 = the list */
} Answers;

static void date_of(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    snprintf(buf, size, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void load(App *app, Answers *a)
{
    store_free(a->list);
    a->list = NULL;
    a->count = 0;
    Err err;
    if (store_answers(app_store(app), a->page * a->per_page, a->per_page, &a->list, &a->count, &a->total, &err)) {
        log_error("answers: %s", err.msg);
        a->total = 0;
    }
    int pages = a->total ? (a->total + a->per_page - 1) / a->per_page : 1;
    if (a->page >= pages && a->page > 0) {
        a->page = pages - 1;
        load(app, a);
    }
    if (a->open >= a->count) a->open = -1;
}

static int ans_enter(App *app, void *st, const char *arg)
{
    (void)arg;
    Answers *a = st;
    a->per_page = 4;   /* one column in portrait, two in landscape */
    a->open = -1;
    load(app, a);
    return 0;
}

static void ans_leave(App *app, void *st)
{
    (void)app;
    Answers *a = st;
    store_free(a->list);
}

static bool ans_refresh(App *app, void *st)
{
    load(app, st);
    return true;
}

static int page_count(const Answers *a)
{
    return a->total ? (a->total + a->per_page - 1) / a->per_page : 1;
}

static void turn(App *app, Answers *a, int dir)
{
    int to = a->page + dir;
    if (to < 0 || to >= page_count(a)) return;
    app_transition(app, dir);
    a->page = to;
    a->open = -1;
    load(app, a);
}

static void ans_event(App *app, void *st, const ScreenEvent *ev)
{
    Answers *a = st;
    if (ev->kind == INPUT_SWIPE && abs(ev->dx) > abs(ev->dy)) {
        if (a->open < 0) turn(app, a, ev->dx < 0 ? 1 : -1);
        return;
    }
    if (ev->kind != INPUT_TAP) return;
    if (strcmp(ev->id, PAGER_PREV) == 0) turn(app, a, -1);
    else if (strcmp(ev->id, PAGER_NEXT) == 0) turn(app, a, 1);
    else if (strncmp(ev->id, "answer:", 7) == 0) a->open = atoi(ev->id + 7);
    else if (strcmp(ev->id, "answers.list") == 0) a->open = -1;
}

/* One question and its answer in r; max_lines 0 = all that fit. */
static void draw_card(App *app, Ui *ui, const StoreAnswer *s, SDL_Rect r, const char *id, int q_lines, int a_lines)
{
    (void)app;
    bool pressed = id && strcmp(ui_pressed(ui), id) == 0;
    int rad = ui_px(ui, 18), pad = ui_px(ui, 28);
    ui_round(ui, r, rad, pressed ? ui_theme.pressed_card : ui_theme.card);
    ui_round_outline(ui, r, rad, ui_px(ui, pressed ? 5 : 2), pressed ? ui_theme.accent : ui_theme.card_line);
    int x = r.x + pad, w = r.w - 2 * pad, y = r.y + pad;
    int tag = ui_px(ui, 56);
    TextSpec q = {.size = ui_font(ui, 38), .bold = true, .color = ui_theme.text, .max_lines = q_lines};
    TextSpec ans = {.size = ui_font(ui, 36), .color = ui_theme.text, .max_lines = a_lines};
    TextSpec meta = {.size = ui_font(ui, 30), .color = ui_theme.text_soft, .max_lines = 1, .align = ALIGN_RIGHT};
    int meta_h = ui_font(ui, 30) * 3 / 2;
    int bottom = r.y + r.h - pad - meta_h;
    int tag_w = ui_badge(ui, x, y, tag, "问", ui_theme.accent, ui_theme.header_text);
    int text_x = x + tag_w + pad / 2, text_w = w - tag_w - pad / 2;
    int q_room = (bottom - y) / 2, q_line = ui_font(ui, 38) * 3 / 2;
    if (q_lines > 0 && q_lines * q_line < q_room) q_room = q_lines * q_line;
    if (q_room < q_line) q_room = q_line;
    int qh = ui_text(ui, (SDL_Rect){text_x, y, text_w, q_room}, s->question, &q);
    y += (qh > tag ? qh : tag) + pad / 2;
    ui_badge(ui, x, y, tag, "答", ui_theme.ok, ui_theme.header_text);
    ui_text(ui, (SDL_Rect){text_x, y, text_w, bottom - y}, s->answer, &ans);
    char asked[32], answered[32], line[96];
    date_of(s->asked_at, asked, sizeof asked);
    date_of(s->answered_at, answered, sizeof answered);
    snprintf(line, sizeof line, "提问 %s　答复 %s", asked, answered);
    ui_text(ui, (SDL_Rect){x, bottom, w, meta_h}, line, &meta);
    if (id) ui_record(ui, WIDGET_ROW, id, s->question, r, true);
}

static void draw_empty(Ui *ui, SDL_Rect area)
{
    TextSpec big = {.size = ui_font(ui, 52), .bold = true, .color = ui_theme.text, .align = ALIGN_CENTER,
                    .max_lines = 1};
    TextSpec small = {.size = ui_font(ui, 38), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .max_lines = 2};
    int y = area.y + area.h / 3;
    ui_text_kind(ui, WIDGET_NOTE, NULL, (SDL_Rect){area.x, y, area.w, ui_font(ui, 52) * 2}, "暂无回复公开", &big);
    ui_text(ui, (SDL_Rect){area.x, y + ui_font(ui, 52) * 2, area.w, ui_font(ui, 38) * 3},
            "群众的意见建议经答复后，将在这里公开", &small);
}

static void ans_draw(App *app, void *st, Ui *ui)
{
    Answers *a = st;
    Chrome c = app_chrome(app, a->open < 0);
    app_draw_header(app, ui, &c);
    int m = ui_px(ui, app_portrait(app) ? 40 : 64), gap = ui_px(ui, 24);
    TextSpec title = {.size = ui_font(ui, 48), .bold = true, .color = ui_theme.text, .max_lines = 1};
    int title_h = ui_font(ui, 48) * 3 / 2;
    SDL_Rect tb = {m, c.body.y + ui_px(ui, 24), c.body.w - 2 * m, title_h};
    char heading[64];
    snprintf(heading, sizeof heading, a->total ? "回复公开（共 %d 条）" : "回复公开", a->total);
    ui_text(ui, tb, heading, &title);
    SDL_Rect area = {m, tb.y + title_h + gap, c.body.w - 2 * m, c.body.y + c.body.h - tb.y - title_h - 2 * gap};
    if (a->count == 0) {
        draw_empty(ui, area);
    } else if (a->open >= 0) {
        draw_card(app, ui, &a->list[a->open], (SDL_Rect){area.x, area.y, area.w, area.h - ui_px(ui, 120)}, NULL, 0, 0);
        int bw = ui_px(ui, 360), bh = ui_px(ui, 96);
        ui_button(ui, "answers.list", (SDL_Rect){area.x + (area.w - bw) / 2, area.y + area.h - bh, bw, bh}, "返回列表",
                  BUTTON_SECONDARY, true);
    } else {
        int cols = app_portrait(app) ? 1 : 2, rows = a->per_page / cols;
        int w = (area.w - (cols - 1) * gap) / cols, h = (area.h - (rows - 1) * gap) / rows;
        for (int i = 0; i < a->count; i++) {
            char id[32];
            snprintf(id, sizeof id, "answer:%d", i);
            SDL_Rect r = {area.x + (i % cols) * (w + gap), area.y + (i / cols) * (h + gap), w, h};
            draw_card(app, ui, &a->list[i], r, id, 2, 3);
        }
    }
    if (a->open < 0) app_draw_pager(app, ui, &c, a->page, page_count(a));
    app_draw_nav(app, ui, &c, true);
}

const ScreenOps screen_answers = {
    .name = SCREEN_ANSWERS,
    .state_size = sizeof(Answers),
    .enter = ans_enter,
    .leave = ans_leave,
    .event = ans_event,
    .draw = ans_draw,
    .refresh = ans_refresh,
};
