/* screen_answers.c — 回复公开: the answers admins gave to feedback, as
 * question and answer, newest first, four to a page.  The store keeps no
 * contact details with them, so none can be shown.  A tap on a card opens
 * that answer alone on a screen of its own (SCREEN_ANSWER), in larger
 * type, laid out into pages when it is long; 返回 comes back to the list
 * at the same page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "number.h"
#include "screen_feedback.h"
#include "screens.h"

#define PER_PAGE 4 /* one column in portrait, two in landscape */

typedef struct Answers {
    StoreAnswer *list; /* the current page */
    int count, total;
    int page;
} Answers;

static int page_count(const Answers *a) { return a->total ? (a->total + PER_PAGE - 1) / PER_PAGE : 1; }

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
    load(app, st);
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

static bool has_page(const Answers *a, int to) { return to >= 0 && to < page_count(a); }

/* A finger drags the list: the page beside it (app.h, turn_page). */
static bool ans_turn_page(App *app, void *st, int dir)
{
    Answers *a = st;
    if (!has_page(a, a->page + dir)) return false;
    a->page += dir;
    load(app, a);
    return true;
}

static void turn(App *app, Answers *a, int dir)
{
    if (!has_page(a, a->page + dir)) return;
    app_transition(app, dir);
    ans_turn_page(app, a, dir);
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
    else if (strncmp(ev->id, "answer:", 7) == 0) {
        int i;
        if (number_parse_int(ev->id + 7, 0, a->count - 1, &i) != 0) return;
        char arg[16];
        snprintf(arg, sizeof arg, "%d", a->page * PER_PAGE + i);
        app_open(app, SCREEN_ANSWER, arg);
    }
}

/* The sizes of a card's text: the list's, and the larger ones of an
 * answer shown alone. */
typedef struct CardType {
    int question, answer, meta, pad, tag; /* 1080p design px */
} CardType;

static const CardType LIST_CARD = {38, 36, 32, 24, 56};
static const CardType ALONE_CARD = {48, 44, 34, 40, 68};

typedef struct Card {
    SDL_Rect box;
    int x, w; /* the text column beside the 问/答 badges */
    int answer_y, bottom; /* the answer's room: from answer_y to bottom */
    int meta_h;
} Card;

static TextSpec question_spec(Ui *ui, const CardType *t, int lines)
{
    return (TextSpec){.size = ui_font(ui, t->question),
                      .bold = true,
                      .color = ui_theme.text,
                      .max_lines = lines,
                      .flags = TEXT_NO_RUNT};
}

/* The 问 badge and the question, the 答 badge and the dates line of a card
 * in r; returns where the answer goes.  q_lines bounds the question. */
static Card draw_card_frame(Ui *ui, const StoreAnswer *s, SDL_Rect r, const char *id, const CardType *t, int q_lines)
{
    bool pressed = id && strcmp(ui_pressed(ui), id) == 0;
    int rad = ui_px(ui, 18), pad = ui_px(ui, t->pad), tag = ui_px(ui, t->tag);
    ui_round(ui, r, rad, pressed ? ui_theme.pressed_card : ui_theme.card);
    ui_round_outline(ui, r, rad, ui_px(ui, pressed ? 5 : 2), pressed ? ui_theme.accent : ui_theme.card_line);
    int x = r.x + pad, w = r.w - 2 * pad, y = r.y + pad;
    int meta_h = ui_font(ui, t->meta) * 3 / 2;
    Card c = {.box = r, .bottom = r.y + r.h - pad - meta_h, .meta_h = meta_h};
    int tag_w = ui_badge(ui, x, y, tag, "问", ui_theme.accent, ui_theme.header_text);
    c.x = x + tag_w + pad / 2;
    c.w = w - tag_w - pad / 2;
    TextSpec q = question_spec(ui, t, q_lines);
    int qh = ui_text(ui, (SDL_Rect){c.x, y, c.w, c.bottom - y}, s->question, &q);
    c.answer_y = y + (qh > tag ? qh : tag) + pad / 2;
    ui_badge(ui, x, c.answer_y, tag, "答", ui_theme.ok, ui_theme.header_text);
    char asked[32], answered[32], line[96];
    screens_format_date(s->asked_at, asked, sizeof asked);
    screens_format_date(s->answered_at, answered, sizeof answered);
    snprintf(line, sizeof line, "提问 %s　答复 %s", asked, answered);
    TextSpec meta = {.size = ui_font(ui, t->meta),
                     .color = ui_theme.text_soft,
                     .max_lines = 1,
                     .align = ALIGN_RIGHT,
                     .middle = true};
    ui_text(ui, (SDL_Rect){x, c.bottom, w, meta_h}, line, &meta);
    if (id) ui_record(ui, WIDGET_ROW, id, s->question, r, true);
    return c;
}

static TextStyle answer_style(Ui *ui, const CardType *t)
{
    return (TextStyle){.size_px = ui_font(ui, t->answer), .color = ui_theme.text};
}

/* A card of the list: the question in up to two lines, the answer in as
 * many as the card holds, neither ending on a lone character. */
static void draw_list_card(Ui *ui, const StoreAnswer *s, SDL_Rect r, const char *id)
{
    Card c = draw_card_frame(ui, s, r, id, &LIST_CARD, 2);
    TextStyle st = answer_style(ui, &LIST_CARD);
    TextSpec spec = {.size = st.size_px, .color = st.color, .flags = TEXT_NO_RUNT};
    ui_text(ui, (SDL_Rect){c.x, c.answer_y, c.w, c.bottom - c.answer_y}, s->answer, &spec);
}

static void draw_empty(Ui *ui, SDL_Rect area)
{
    TextSpec big = {
        .size = ui_font(ui, 52), .bold = true, .color = ui_theme.text, .align = ALIGN_CENTER, .max_lines = 1};
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

/* The title line and the area under it, shared by both screens. */
static SDL_Rect titled_area(App *app, Ui *ui, const Chrome *c, const char *heading)
{
    int m = ui_px(ui, app_portrait(app) ? 40 : 64), gap = ui_px(ui, 24);
    TextSpec title = {.size = ui_font(ui, 48), .bold = true, .color = ui_theme.text, .max_lines = 1};
    int title_h = ui_font(ui, 48) * 3 / 2;
    SDL_Rect tb = {m, c->body.y + ui_px(ui, 24), c->body.w - 2 * m, title_h};
    ui_text(ui, tb, heading, &title);
    return (SDL_Rect){m, tb.y + title_h + gap, c->body.w - 2 * m, c->body.y + c->body.h - tb.y - title_h - 2 * gap};
}

static void ans_draw(App *app, void *st, Ui *ui)
{
    Answers *a = st;
    Chrome c = app_chrome(app, true);
    app_draw_header(app, ui, &c);
    char heading[64];
    snprintf(heading, sizeof heading, a->total ? "回复公开（共 %d 条）" : "回复公开", a->total);
    SDL_Rect area = titled_area(app, ui, &c, heading);
    if (a->count == 0) draw_empty(ui, area);
    else draw_list(app, a, ui, area, ui_px(ui, 24));
    app_draw_pager(app, ui, &c, a->page, page_count(a));
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
    .turn_page = ans_turn_page,
    .first_note = "已是第一页",
    .last_note = "已是最后一页",
};

/* ---- one answer alone ------------------------------------------------- */

typedef struct One {
    StoreAnswer *item; /* one, from the store */
    int index; /* its place in the list */
    char id[PROTO_ID_MAX];
    TextBlock body; /* the answer, laid out once per width */
    int body_w;
    int page, pages;
} One;

static void one_forget_layout(One *o)
{
    text_block_free(&o->body);
    memset(&o->body, 0, sizeof o->body);
    o->body_w = 0;
}

static int one_load(App *app, One *o)
{
    store_free(o->item);
    o->item = NULL;
    int count = 0, total = 0;
    Err err;
    if (store_answers(app_store(app), o->index, 1, &o->item, &count, &total, &err)) {
        log_error("answers: %s", err.msg);
        return -1;
    }
    return count == 1 ? 0 : -1;
}

static int one_enter(App *app, void *st, const char *arg)
{
    One *o = st;
    if (number_parse_int(arg, 0, 1 << 30, &o->index) || one_load(app, o)) {
        log_warn("answers: no answer at \"%s\"", arg);
        return -1;
    }
    snprintf(o->id, sizeof o->id, "%s", o->item->id);
    return 0;
}

static void one_leave(App *app, void *st)
{
    (void)app;
    One *o = st;
    one_forget_layout(o);
    store_free(o->item);
}

/* New answers may have moved this one: it stays only if it is still the
 * same answer at the same place. */
static bool one_refresh(App *app, void *st)
{
    One *o = st;
    one_forget_layout(o);
    return one_load(app, o) == 0 && strcmp(o->item->id, o->id) == 0;
}

static void one_event(App *app, void *st, const ScreenEvent *ev)
{
    One *o = st;
    int dir = 0;
    if (ev->kind == INPUT_SWIPE && abs(ev->dx) > abs(ev->dy)) dir = ev->dx < 0 ? 1 : -1;
    else if (ev->kind == INPUT_TAP && strcmp(ev->id, PAGER_PREV) == 0) dir = -1;
    else if (ev->kind == INPUT_TAP && strcmp(ev->id, PAGER_NEXT) == 0) dir = 1;
    int to = o->page + dir;
    if (dir == 0 || to < 0 || to >= o->pages) return;
    app_transition(app, dir);
    o->page = to;
}

/* A finger drags a long answer: the page beside it (app.h, turn_page). */
static bool one_turn_page(App *app, void *st, int dir)
{
    (void)app;
    One *o = st;
    int to = o->page + dir;
    if (to < 0 || to >= o->pages) return false;
    o->page = to;
    return true;
}

/* The answer in larger type: a card only as tall as its text (no empty
 * card under a short answer), pages of lines when it is long. */
static void one_draw(App *app, void *st, Ui *ui)
{
    One *o = st;
    Chrome c = app_chrome(app, true);
    app_draw_header(app, ui, &c);
    SDL_Rect area = titled_area(app, ui, &c, "回复公开");
    const StoreAnswer *s = o->item;
    int pad = ui_px(ui, ALONE_CARD.pad), tag = ui_px(ui, ALONE_CARD.tag);
    int col_w = area.w - 2 * pad - ui_badge_width(ui, tag, "问") - pad / 2; /* as draw_card_frame lays it */
    TextStyle st_ans = answer_style(ui, &ALONE_CARD);
    if (o->body_w != col_w) {
        one_forget_layout(o);
        Err err;
        if (text_layout(ui_fonts(ui), s->answer, &st_ans, col_w, 0, TEXT_NO_RUNT, &o->body, &err)) {
            log_warn("answers: %s", err.msg);
            return;
        }
        o->body_w = col_w;
    }
    /* First the card at full height, to learn the room for the answer. */
    int q_w, q_h;
    TextSpec q = question_spec(ui, &ALONE_CARD, 4);
    ui_text_size(ui, s->question, &q, col_w, area.h / 2, &q_w, &q_h);
    int head = (q_h > tag ? q_h : tag) + pad / 2, meta_h = ui_font(ui, ALONE_CARD.meta) * 3 / 2;
    int lh = o->body.line_height > 0 ? o->body.line_height : 1;
    int room = area.h - 2 * pad - head - meta_h;
    int per_page = room / lh > 0 ? room / lh : 1;
    o->pages = (o->body.line_count + per_page - 1) / per_page;
    if (o->pages < 1) o->pages = 1;
    if (o->page >= o->pages) o->page = o->pages - 1;
    int first = o->page * per_page;
    int count = o->body.line_count - first < per_page ? o->body.line_count - first : per_page;
    int lines_h = (o->pages > 1 ? per_page : count) * lh;
    SDL_Rect card = {area.x, area.y, area.w, 2 * pad + head + lines_h + meta_h + pad / 2};
    Card fc = draw_card_frame(ui, s, card, NULL, &ALONE_CARD, 4);
    char key[96];
    snprintf(key, sizeof key, "answer|%s|%d", s->id, col_w);
    SDL_Rect box = {fc.x, fc.answer_y, fc.w, fc.bottom - fc.answer_y};
    if (count > 0) ui_block_lines(ui, key, &o->body, first, count, fc.x, fc.answer_y, box);
    app_draw_pager(app, ui, &c, o->page, o->pages);
    app_draw_nav(app, ui, &c, true);
}

const ScreenOps screen_answer = {
    .name = SCREEN_ANSWER,
    .state_size = sizeof(One),
    .enter = one_enter,
    .leave = one_leave,
    .event = one_event,
    .draw = one_draw,
    .refresh = one_refresh,
    .turn_page = one_turn_page,
    .first_note = "已是第一页",
    .last_note = "已是最后一页",
};
