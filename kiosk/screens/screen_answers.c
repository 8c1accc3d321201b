/* screen_answers.c — 回复公开: the answers admins gave to feedback, as
 * question and answer, newest first, four to a page.  The store keeps no
 * contact details with them, so none can be shown.  A tap on a card shows
 * that answer alone, laid out into pages of its own when it is long. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "number.h"
#include "screen_feedback.h"
#include "screens.h"

#define PER_PAGE 4               /* one column in portrait, two in landscape */

typedef struct Answers {
    StoreAnswer *list;           /* the current page */
    int count, total;
    int page;
    int open;                    /* index into list shown alone, -1 = the list */
    /* the open answer, laid out once for the width it is shown at */
    TextBlock body;
    int body_w;
    int body_page, body_pages;
} Answers;

static void close_answer(Answers *a)
{
    text_block_free(&a->body);
    memset(&a->body, 0, sizeof a->body);
    a->body_w = 0;
    a->body_page = a->body_pages = 0;
    a->open = -1;
}

static int page_count(const Answers *a)
{
    return a->total ? (a->total + PER_PAGE - 1) / PER_PAGE : 1;
}

static void load(App *app, Answers *a)
{
    store_free(a->list);
    a->list = NULL;
    a->count = 0;
    Err err;
    if (store_answers(app_store(app), a->page * PER_PAGE, PER_PAGE, &a->list, &a->count, &a->total, &err)) {
        log_error("answers: %s", err.msg);
        a->total = 0;
    }
    if (a->page >= page_count(a) && a->page > 0) {
        a->page = page_count(a) - 1;
        load(app, a);
    }
}

static int ans_enter(App *app, void *st, const char *arg)
{
    (void)arg;
    Answers *a = st;
    a->open = -1;
    load(app, a);
    return 0;
}

static void ans_leave(App *app, void *st)
{
    (void)app;
    Answers *a = st;
    close_answer(a);
    store_free(a->list);
}

/* New answers arrived: the list is read again and an open answer closed
 * (it may have moved or changed). */
static bool ans_refresh(App *app, void *st)
{
    Answers *a = st;
    close_answer(a);
    load(app, a);
    return true;
}

static void turn(App *app, Answers *a, int dir)
{
    if (a->open >= 0) {
        int to = a->body_page + dir;
        if (to >= 0 && to < a->body_pages) a->body_page = to;
        return;
    }
    int to = a->page + dir;
    if (to < 0 || to >= page_count(a)) return;
    app_transition(app, dir);
    a->page = to;
    load(app, a);
}

static void ans_event(App *app, void *st, const ScreenEvent *ev)
{
    Answers *a = st;
    if (ev->kind == INPUT_SWIPE && abs(ev->dx) > abs(ev->dy)) {
        turn(app, a, ev->dx < 0 ? 1 : -1);
        return;
    }
    if (ev->kind != INPUT_TAP) return;
    if (strcmp(ev->id, PAGER_PREV) == 0) turn(app, a, -1);
    else if (strcmp(ev->id, PAGER_NEXT) == 0) turn(app, a, 1);
    else if (strcmp(ev->id, "answers.list") == 0) close_answer(a);
    else if (strncmp(ev->id, "answer:", 7) == 0) {
        int i;
        if (number_parse_int(ev->id + 7, 0, a->count - 1, &i) == 0) {
            close_answer(a);
            a->open = i;
        }
    }
}

typedef struct Card {
    SDL_Rect box;
    int x, w;                    /* the text column beside the 问/答 badges */
    int answer_y, bottom;        /* the answer's room: from answer_y to bottom */
} Card;

/* The card, its 问 badge and question, its 答 badge and the dates line;
 * returns where the answer goes. */
static Card draw_card_frame(Ui *ui, const StoreAnswer *s, SDL_Rect r, const char *id, int q_lines)
{
    bool pressed = id && strcmp(ui_pressed(ui), id) == 0;
    int rad = ui_px(ui, 18), pad = ui_px(ui, 28), tag = ui_px(ui, 56);
    ui_round(ui, r, rad, pressed ? ui_theme.pressed_card : ui_theme.card);
    ui_round_outline(ui, r, rad, ui_px(ui, pressed ? 5 : 2), pressed ? ui_theme.accent : ui_theme.card_line);
    int x = r.x + pad, w = r.w - 2 * pad, y = r.y + pad;
    int meta_h = ui_font(ui, 32) * 3 / 2;
    Card c = {.box = r, .bottom = r.y + r.h - pad - meta_h};
    int tag_w = ui_badge(ui, x, y, tag, "问", ui_theme.accent, ui_theme.header_text);
    c.x = x + tag_w + pad / 2;
    c.w = w - tag_w - pad / 2;
    int q_line = ui_font(ui, 38) * 3 / 2, q_room = q_lines * q_line;
    if (q_room > (c.bottom - y) / 2) q_room = (c.bottom - y) / 2;
    if (q_room < q_line) q_room = q_line;
    TextSpec q = {.size = ui_font(ui, 38), .bold = true, .color = ui_theme.text, .max_lines = q_lines};
    int qh = ui_text(ui, (SDL_Rect){c.x, y, c.w, q_room}, s->question, &q);
    c.answer_y = y + (qh > tag ? qh : tag) + pad / 2;
    ui_badge(ui, x, c.answer_y, tag, "答", ui_theme.ok, ui_theme.header_text);
    char asked[32], answered[32], line[96];
    screens_format_date(s->asked_at, asked, sizeof asked);
    screens_format_date(s->answered_at, answered, sizeof answered);
    snprintf(line, sizeof line, "提问 %s　答复 %s", asked, answered);
    TextSpec meta = {.size = ui_font(ui, 32), .color = ui_theme.text_soft, .max_lines = 1, .align = ALIGN_RIGHT};
    ui_text(ui, (SDL_Rect){x, c.bottom, w, meta_h}, line, &meta);
    if (id) ui_record(ui, WIDGET_ROW, id, s->question, r, true);
    return c;
}

static TextStyle answer_style(Ui *ui)
{
    return (TextStyle){.size_px = ui_font(ui, 36), .color = ui_theme.text};
}

static void draw_list_card(Ui *ui, const StoreAnswer *s, SDL_Rect r, const char *id)
{
    Card c = draw_card_frame(ui, s, r, id, 2);
    TextStyle st = answer_style(ui);
    TextSpec spec = {.size = st.size_px, .color = st.color, .max_lines = 3};
    ui_text(ui, (SDL_Rect){c.x, c.answer_y, c.w, c.bottom - c.answer_y}, s->answer, &spec);
}

/* The open answer: laid out once per width, then shown a page of lines
 * at a time (上一页 / 下一页 or a swipe). */
static void draw_open_answer(Answers *a, Ui *ui, SDL_Rect r)
{
    const StoreAnswer *s = &a->list[a->open];
    Card c = draw_card_frame(ui, s, r, NULL, 3);
    if (a->body_w != c.w) {
        text_block_free(&a->body);
        memset(&a->body, 0, sizeof a->body);
        TextStyle st = answer_style(ui);
        Err err;
        if (text_layout(ui_fonts(ui), s->answer, &st, c.w, 0, 0, &a->body, &err)) {
            log_warn("answers: %s", err.msg);
            return;
        }
        a->body_w = c.w;
        a->body_page = 0;
    }
    int per_page = (c.bottom - c.answer_y) / (a->body.line_height > 0 ? a->body.line_height : 1);
    if (per_page < 1) per_page = 1;
    a->body_pages = (a->body.line_count + per_page - 1) / per_page;
    if (a->body_pages < 1) a->body_pages = 1;
    if (a->body_page >= a->body_pages) a->body_page = a->body_pages - 1;
    int first = a->body_page * per_page;
    int count = a->body.line_count - first < per_page ? a->body.line_count - first : per_page;
    char key[96];
    snprintf(key, sizeof key, "answer|%s|%d", s->id, c.w);
    SDL_Rect box = {c.x, c.answer_y, c.w, c.bottom - c.answer_y};
    if (count > 0) ui_block_lines(ui, key, &a->body, first, count, c.x, c.answer_y, box);
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

static void draw_list(App *app, Answers *a, Ui *ui, SDL_Rect area, int gap)
{
    int cols = app_portrait(app) ? 1 : 2, rows = PER_PAGE / cols;
    int w = (area.w - (cols - 1) * gap) / cols, h = (area.h - (rows - 1) * gap) / rows;
    for (int i = 0; i < a->count; i++) {
        char id[32];
        snprintf(id, sizeof id, "answer:%d", i);
        SDL_Rect r = {area.x + (i % cols) * (w + gap), area.y + (i / cols) * (h + gap), w, h};
        draw_list_card(ui, &a->list[i], r, id);
    }
}

static void ans_draw(App *app, void *st, Ui *ui)
{
    Answers *a = st;
    Chrome c = app_chrome(app, true);
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
        int bw = ui_px(ui, 360), bh = ui_px(ui, 96);
        draw_open_answer(a, ui, (SDL_Rect){area.x, area.y, area.w, area.h - bh - gap});
        ui_button(ui, "answers.list", (SDL_Rect){area.x + (area.w - bw) / 2, area.y + area.h - bh, bw, bh}, "返回列表",
                  BUTTON_SECONDARY, true);
    } else {
        draw_list(app, a, ui, area, gap);
    }
    if (a->open >= 0) app_draw_pager(app, ui, &c, a->body_page, a->body_pages);
    else app_draw_pager(app, ui, &c, a->page, page_count(a));
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
