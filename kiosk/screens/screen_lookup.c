/* screen_lookup.c — 查询办理结果: a visitor enters the receipt number
 * (回执号) shown after a submission and reads the case's status and, once
 * answered, the answer.
 *
 * The number is typed on the keyboard's numeric keypad and checked with
 * receipt_normalize (its sentence shown inside the field).  The lookup
 * itself is the sync thread's (sync/lookup.h): this screen asks, shows
 * 正在查询… and collects the answer in its update when the sync thread's
 * event wakes the loop; it never waits on the network, and gives up at
 * the request's deadline.  When the number is that of a submission still
 * in this kiosk's outbox, a failed or empty lookup says so: saved, not yet
 * delivered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyboard.h"
#include "log.h"
#include "lookup.h"
#include "receipt.h"
#include "screen_feedback.h"
#include "screens.h"

typedef enum { LK_ENTER, LK_WAITING, LK_RESULT } LkView;

typedef struct LookupScreen {
    LkView view;
    char typed[RECEIPT_DIGITS + 1]; /* the keypad's field */
    char problem[128]; /* receipt_normalize's sentence, shown in the field */
    char digits[RECEIPT_DIGITS + 1]; /* the number asked about */
    unsigned ticket; /* the sync thread's request, 0 = none */
    uint32_t asked_ms;
    bool unsent; /* the number is a submission still in this kiosk's outbox */
    LookupResult res;
    TextBlock answer; /* res.answer laid out, for answer_w */
    int answer_w;
    int page, pages;
} LookupScreen;

static void forget_answer_layout(LookupScreen *s)
{
    text_block_free(&s->answer);
    memset(&s->answer, 0, sizeof s->answer);
    s->answer_w = 0;
    s->page = s->pages = 0;
}

/* Back to an empty field with the keypad on it. */
static void start_entry(LookupScreen *s)
{
    Keyboard *kb = feedback_keyboard();
    forget_answer_layout(s);
    memset(s->typed, 0, sizeof s->typed);
    s->problem[0] = '\0';
    s->ticket = 0;
    s->view = LK_ENTER;
    if (kb) keyboard_attach(kb, s->typed, sizeof s->typed, RECEIPT_DIGITS, KB_FIELD_PHONE);
}

static int lk_enter(App *app, void *st, const char *arg)
{
    (void)app, (void)arg;
    start_entry(st);
    return 0;
}

/* Nothing a visitor typed or looked up outlives the visit. */
static void lk_leave(App *app, void *st)
{
    (void)app;
    LookupScreen *s = st;
    Keyboard *kb = feedback_keyboard();
    if (kb) keyboard_detach(kb);
    forget_answer_layout(s);
    memset(s, 0, sizeof *s);
}

/* Whether the number is that of a submission this kiosk has not yet
 * delivered; a store that cannot say counts as no (the lookup's own
 * answer is then all the visitor reads). */
static bool still_in_outbox(App *app, const char *digits)
{
    bool found = false;
    Err err;
    if (store_feedback_unsent_receipt(app_store(app), digits, &found, &err)) {
        log_warn("lookup: cannot check the outbox: %s", err.msg);
        return false;
    }
    return found;
}

static void finish(App *app, LookupScreen *s, const LookupResult *res)
{
    s->res = *res;
    s->ticket = 0;
    s->view = LK_RESULT;
    s->unsent = res->outcome != LOOKUP_FOUND && still_in_outbox(app, s->digits);
    forget_answer_layout(s);
    log_info("lookup: receipt %s: %s", s->digits,
             res->outcome == LOOKUP_FOUND      ? case_status_word(res->status)
             : res->outcome == LOOKUP_UNKNOWN  ? "unknown to the server"
             : res->outcome == LOOKUP_CONFLICT ? "shared by two submissions"
             : res->outcome == LOOKUP_BUSY     ? "refused: too many lookups from this kiosk"
                                               : "not possible now");
    app_redraw(app);
}

/* The typed number checked, then handed to the sync thread. */
static void ask(App *app, LookupScreen *s)
{
    Err err;
    if (receipt_normalize(s->typed, s->digits, &err)) {
        snprintf(s->problem, sizeof s->problem, "%s", err.msg);
        return;
    }
    s->problem[0] = '\0';
    Keyboard *kb = feedback_keyboard();
    if (kb) keyboard_detach(kb);
    s->asked_ms = app_ms(app);
    s->ticket = sync_lookup_ask(app_sync(app), s->digits);
    s->view = LK_WAITING;
    if (s->ticket == 0) {
        /* No sync thread (a headless run that did not start one). */
        LookupResult none = {.outcome = LOOKUP_UNAVAILABLE};
        snprintf(none.receipt, sizeof none.receipt, "%s", s->digits);
        finish(app, s, &none);
    }
}

static bool lk_has_page(const LookupScreen *s, int to) { return s->view == LK_RESULT && to >= 0 && to < s->pages; }

/* A finger drags a long answer: the page beside it (app.h, turn_page). */
static bool lk_turn_page(App *app, void *st, int dir)
{
    (void)app;
    LookupScreen *s = st;
    if (!lk_has_page(s, s->page + dir)) return false;
    s->page += dir;
    return true;
}

static void lk_turn(App *app, LookupScreen *s, int dir)
{
    if (!lk_has_page(s, s->page + dir)) return;
    app_transition(app, dir);
    s->page += dir;
}

static void lk_event(App *app, void *st, const ScreenEvent *ev)
{
    LookupScreen *s = st;
    Keyboard *kb = feedback_keyboard();
    if (s->view == LK_RESULT && ev->kind == INPUT_SWIPE && abs(ev->dx) > abs(ev->dy)) {
        lk_turn(app, s, ev->dx < 0 ? 1 : -1);
        return;
    }
    if (ev->kind != INPUT_TAP || !ev->id[0]) return;
    if (s->view == LK_ENTER && kb && strncmp(ev->id, "kb.", 3) == 0) {
        s->problem[0] = '\0';
        if (keyboard_tap(kb, ev->id) == KB_DONE) ask(app, s);
        else if (!keyboard_attached(kb)) keyboard_attach(kb, s->typed, sizeof s->typed, RECEIPT_DIGITS, KB_FIELD_PHONE);
        return;
    }
    if (s->view == LK_ENTER && strcmp(ev->id, "lk.go") == 0) {
        ask(app, s);
    } else if (s->view == LK_RESULT && strcmp(ev->id, "lk.again") == 0) {
        start_entry(s);
    } else if (s->view == LK_RESULT && (strcmp(ev->id, PAGER_PREV) == 0 || strcmp(ev->id, PAGER_NEXT) == 0)) {
        lk_turn(app, s, strcmp(ev->id, PAGER_NEXT) == 0 ? 1 : -1);
    }
}

/* The answer, when the sync thread's event has woken the loop; the
 * deadline otherwise. */
static bool lk_update(App *app, void *st, int *wake_ms)
{
    LookupScreen *s = st;
    if (s->view != LK_WAITING) return false;
    LookupResult *res = malloc(sizeof *res);
    if (res && sync_lookup_take(app_sync(app), s->ticket, res) == 0) {
        finish(app, s, res);
        free(res);
        return false;
    }
    free(res);
    uint32_t waited = app_ms(app) - s->asked_ms;
    if (waited >= SYNC_LOOKUP_DEADLINE_MS) {
        log_warn("lookup: receipt %s: no answer from the sync thread within %d s", s->digits,
                 SYNC_LOOKUP_DEADLINE_MS / 1000);
        LookupResult late = {.outcome = LOOKUP_UNAVAILABLE};
        finish(app, s, &late);
        return false;
    }
    *wake_ms = (int)(SYNC_LOOKUP_DEADLINE_MS - waited);
    return false;
}

/* ---- drawing ---------------------------------------------------------- */

typedef struct Column {
    Ui *ui;
    SDL_Rect area;
    int y, gap;
} Column;

static void line(Column *c, const char *text, int size, bool bold, SDL_Color color, int max_lines, int kind,
                 const char *id)
{
    TextSpec spec = {
        .size = ui_font(c->ui, size), .bold = bold, .color = color, .max_lines = max_lines, .flags = TEXT_NO_RUNT};
    SDL_Rect box = {c->area.x, c->y, c->area.w, ui_font(c->ui, size) * 2 * max_lines};
    /* An id names the line for scripts; it is not a touch target. */
    int h = ui_text_kind(c->ui, id ? -1 : kind, NULL, box, text, &spec);
    if (id) ui_record(c->ui, (WidgetKind)kind, id, text, (SDL_Rect){box.x, box.y, box.w, h}, false);
    c->y += h + c->gap / 2;
}

/* The field: the digits typed, grouped as on the receipt, or a hint; the
 * problem inside it in red, on a line of its own under the digits (kept
 * free, so nothing moves when a problem appears). */
static void number_field(Column *c, const LookupScreen *s, int go_w)
{
    Ui *ui = c->ui;
    int h = ui_px(ui, 170), pad = ui_px(ui, 28), digits_h = ui_px(ui, 110);
    SDL_Rect box = {c->area.x, c->y, c->area.w - go_w - c->gap, h};
    ui_round(ui, box, ui_px(ui, 14), ui_theme.card);
    ui_round_outline(ui, box, ui_px(ui, 14), ui_px(ui, s->problem[0] ? 4 : 3),
                     s->problem[0] ? ui_theme.accent : ui_theme.card_line);
    char shown[RECEIPT_TEXT_MAX + 8] = "";
    for (int i = 0; s->typed[i]; i++) {
        size_t n = strlen(shown);
        snprintf(shown + n, sizeof shown - n, "%s%c", i && i % 4 == 0 ? " " : "", s->typed[i]);
    }
    TextSpec digits = {.size = ui_font(ui, 64), .bold = true, .color = ui_theme.text, .middle = true, .max_lines = 1};
    TextSpec hint = {.size = ui_font(ui, 36), .color = ui_theme.text_soft, .middle = true, .max_lines = 2};
    TextSpec note = {.size = ui_font(ui, 32),
                     .bold = true,
                     .color = ui_theme.accent,
                     .middle = true,
                     .max_lines = 1,
                     .flags = TEXT_NO_RUNT};
    SDL_Rect in = {box.x + pad, box.y + ui_px(ui, 8), box.w - 2 * pad, digits_h};
    if (shown[0]) ui_text(ui, in, shown, &digits);
    else ui_text(ui, in, "点数字键，输入12位回执号", &hint);
    if (s->problem[0])
        ui_text_kind(ui, WIDGET_NOTE, NULL,
                     (SDL_Rect){in.x, in.y + digits_h, in.w, box.y + h - in.y - digits_h - ui_px(ui, 8)}, s->problem,
                     &note);
    ui_button(ui, "lk.go", (SDL_Rect){box.x + box.w + c->gap, c->y, go_w, h}, "查询", BUTTON_PRIMARY, true);
    c->y += h + c->gap;
}

/* The explanation, the field with 查询 beside it, and the keypad: under
 * them in portrait, on the right half in landscape (too short for both
 * one above the other). */
static void draw_enter(App *app, LookupScreen *s, Column *c)
{
    bool portrait = app_portrait(app);
    Column left = *c;
    if (!portrait) left.area.w = c->area.w / 2 - c->gap;
    line(&left, "查询办理结果", 48, true, ui_theme.text, 1, WIDGET_TEXT, NULL);
    line(&left, "提交意见建议、申请公开或举报后，屏幕上会显示12位回执号。输入回执号，可查看办理情况和答复。", 36, false,
         ui_theme.text_soft, 3, WIDGET_TEXT, NULL);
    left.y += c->gap;
    number_field(&left, s, ui_px(c->ui, 200));
    Keyboard *kb = feedback_keyboard();
    if (!kb) {
        line(&left, "本机屏幕键盘暂不可用，请到服务窗口查询", 36, true, ui_theme.accent, 2, WIDGET_NOTE, NULL);
        return;
    }
    if (!keyboard_attached(kb)) keyboard_attach(kb, s->typed, sizeof s->typed, RECEIPT_DIGITS, KB_FIELD_PHONE);
    int bottom = c->area.y + c->area.h;
    if (portrait) {
        int kb_h = keyboard_height(c->ui, app_width(app));
        keyboard_draw(kb, c->ui, (SDL_Rect){0, bottom - kb_h, app_width(app), kb_h});
        return;
    }
    int x = c->area.x + c->area.w / 2, w = app_width(app) - x;
    int kb_h = keyboard_height(c->ui, w);
    keyboard_draw(kb, c->ui, (SDL_Rect){x, bottom - kb_h, w, kb_h});
}

static void draw_waiting(LookupScreen *s, Column *c)
{
    char number[RECEIPT_TEXT_MAX], text[96];
    receipt_format(s->digits, number);
    line(c, "查询办理结果", 48, true, ui_theme.text, 1, WIDGET_TEXT, NULL);
    c->y += c->gap * 3;
    snprintf(text, sizeof text, "回执号 %s", number);
    line(c, text, 44, false, ui_theme.text_soft, 1, WIDGET_TEXT, NULL);
    line(c, "正在查询…", 56, true, ui_theme.text, 1, WIDGET_NOTE, "lk.waiting");
}

static const char *kind_label(FeedbackKind k)
{
    static const char *const labels[] = {[FEEDBACK_RATING] = "满意度评价",
                                         [FEEDBACK_COMMENT] = "意见建议",
                                         [FEEDBACK_REQUEST] = "申请公开 / 群众点题",
                                         [FEEDBACK_REPORT] = "举报"};
    _Static_assert(sizeof labels / sizeof labels[0] == FEEDBACK_REPORT + 1, "a label for every kind");
    return (unsigned)k < sizeof labels / sizeof labels[0] ? labels[k] : "留言";
}

static SDL_Color status_colour(CaseStatus st)
{
    return st == CASE_ANSWERED || st == CASE_NOTIFIED ? ui_theme.ok
           : st == CASE_IN_PROGRESS                   ? ui_theme.accent_dark
                                                      : ui_theme.badge_period;
}

/* 回执号, kind, the status as a large badge, and the dates. */
static void case_facts(Column *c, const LookupScreen *s)
{
    Ui *ui = c->ui;
    const LookupResult *r = &s->res;
    char number[RECEIPT_TEXT_MAX], text[160], date[64];
    receipt_format(s->digits, number);
    snprintf(text, sizeof text, "回执号 %s　%s", number, kind_label(r->kind));
    line(c, text, 38, false, ui_theme.text_soft, 1, WIDGET_TEXT, NULL);
    int bh = ui_px(ui, 84);
    int bw = ui_badge(ui, c->area.x, c->y, bh, case_status_label(r->status), status_colour(r->status), ui_theme.card);
    ui_record(ui, WIDGET_NOTE, "lk.status", case_status_label(r->status), (SDL_Rect){c->area.x, c->y, bw, bh}, false);
    c->y += bh + c->gap;
    text[0] = '\0';
    if (r->submitted_at) {
        screens_format_date(r->submitted_at, date, sizeof date);
        snprintf(text, sizeof text, "提交日期：%s", date);
    }
    if (r->due_at && r->status != CASE_ANSWERED && r->status != CASE_NOTIFIED) {
        size_t n = strlen(text);
        screens_format_date(r->due_at, date, sizeof date);
        snprintf(text + n, sizeof text - n, "%s办理期限：%s", n ? "　" : "", date);
    }
    if (text[0]) line(c, text, 38, false, ui_theme.text, 1, WIDGET_TEXT, "lk.dates");
}

/* The answer in a card, in pages of lines when it is long (上一页 / 下一页
 * in the pager, or a swipe). */
static void answer_card(LookupScreen *s, Column *c, int bottom)
{
    Ui *ui = c->ui;
    int pad = ui_px(ui, 32), head_h = ui_font(ui, 40) * 3 / 2;
    int col_w = c->area.w - 2 * pad;
    if (s->answer_w != col_w) {
        forget_answer_layout(s);
        TextStyle style = {.size_px = ui_font(ui, 44), .color = ui_theme.text};
        Err err;
        if (text_layout(ui_fonts(ui), s->res.answer, &style, col_w, 0, TEXT_NO_RUNT, &s->answer, &err)) {
            log_warn("lookup: %s", err.msg);
            return;
        }
        s->answer_w = col_w;
    }
    int lh = s->answer.line_height > 0 ? s->answer.line_height : 1;
    int room = bottom - c->y - 2 * pad - head_h;
    int per_page = room / lh > 0 ? room / lh : 1;
    s->pages = (s->answer.line_count + per_page - 1) / per_page;
    if (s->pages < 1) s->pages = 1;
    if (s->page >= s->pages) s->page = s->pages - 1;
    int first = s->page * per_page;
    int count = s->answer.line_count - first < per_page ? s->answer.line_count - first : per_page;
    int lines_h = (s->pages > 1 ? per_page : count) * lh;
    SDL_Rect card = {c->area.x, c->y, c->area.w, 2 * pad + head_h + lines_h};
    ui_round(ui, card, ui_px(ui, 18), ui_theme.card);
    ui_round_outline(ui, card, ui_px(ui, 18), ui_px(ui, 2), ui_theme.card_line);
    char head[96] = "答复";
    if (s->res.answered_at) {
        char date[64];
        screens_format_date(s->res.answered_at, date, sizeof date);
        snprintf(head, sizeof head, "答复（%s）", date);
    }
    TextSpec hs = {.size = ui_font(ui, 40), .bold = true, .color = ui_theme.accent_dark, .max_lines = 1};
    ui_text(ui, (SDL_Rect){card.x + pad, card.y + pad, col_w, head_h}, head, &hs);
    int ly = card.y + pad + head_h;
    if (count > 0)
        ui_block_lines(ui, "lookup-answer", &s->answer, first, count, card.x + pad, ly,
                       (SDL_Rect){card.x + pad, ly, col_w, lines_h});
    c->y += card.h + c->gap;
}

static void draw_result(LookupScreen *s, Column *c, int bottom)
{
    line(c, "查询办理结果", 48, true, ui_theme.text, 1, WIDGET_TEXT, NULL);
    const LookupResult *r = &s->res;
    static const char *const unsent = "这条留言已保存在本机，还没有送达县里。网络恢复后会自动送达，送达后即可查询。";
    if (r->outcome == LOOKUP_FOUND) {
        case_facts(c, s);
        if (r->answer[0]) answer_card(s, c, bottom);
        else
            line(c, "还没有答复。办理完成后会在这里显示答复，请过几天再来查询。", 38, false, ui_theme.text_soft, 2,
                 WIDGET_NOTE, "lk.note");
        return;
    }
    char number[RECEIPT_TEXT_MAX], text[64];
    receipt_format(s->digits, number);
    snprintf(text, sizeof text, "回执号 %s", number);
    line(c, text, 38, false, ui_theme.text_soft, 1, WIDGET_TEXT, NULL);
    c->y += c->gap;
    if (r->outcome == LOOKUP_CONFLICT) {
        /* Never another person's answer: a person checks it. */
        line(c, "这个回执号需要人工核对", 52, true, ui_theme.text, 1, WIDGET_NOTE, "lk.note");
        line(c, "请到党群服务窗口，由工作人员为您查询。", 38, false, ui_theme.text_soft, 2, WIDGET_TEXT, NULL);
    } else if (r->outcome == LOOKUP_BUSY) {
        line(c, "这台触控屏刚才查询太多次了", 52, true, ui_theme.text, 1, WIDGET_NOTE, "lk.note");
        line(c, s->unsent ? unsent : "请过几分钟再来查询，或到党群服务窗口由工作人员为您查询。", 38, false,
             ui_theme.text_soft, 3, WIDGET_TEXT, NULL);
    } else if (r->outcome == LOOKUP_UNKNOWN) {
        line(c, "没有查到这个回执号", 52, true, ui_theme.text, 1, WIDGET_NOTE, "lk.note");
        line(c, s->unsent ? unsent : "请核对回执号后重新输入。刚提交的留言，送达县里后才能查到。", 38, false,
             ui_theme.text_soft, 3, WIDGET_TEXT, NULL);
    } else {
        line(c, "暂时无法查询，请稍后再试", 52, true, ui_theme.text, 1, WIDGET_NOTE, "lk.note");
        if (s->unsent) line(c, unsent, 38, false, ui_theme.text_soft, 3, WIDGET_TEXT, NULL);
    }
}

static void lk_draw(App *app, void *st, Ui *ui)
{
    LookupScreen *s = st;
    Chrome chrome = app_chrome(app, s->view == LK_RESULT && s->pages > 1);
    app_draw_header(app, ui, &chrome);
    int m = ui_px(ui, app_portrait(app) ? 40 : 64);
    Column c = {.ui = ui, .gap = ui_px(ui, 20)};
    c.area = (SDL_Rect){m, chrome.body.y + ui_px(ui, 28), chrome.body.w - 2 * m, chrome.body.h - ui_px(ui, 28)};
    c.y = c.area.y;
    int again_h = ui_px(ui, 104), bottom = c.area.y + c.area.h - again_h - c.gap;
    switch (s->view) {
    case LK_ENTER: draw_enter(app, s, &c); break;
    case LK_WAITING: draw_waiting(s, &c); break;
    case LK_RESULT: draw_result(s, &c, bottom); break;
    }
    if (s->view == LK_RESULT) {
        int w = ui_px(ui, 400);
        ui_button(ui, "lk.again", (SDL_Rect){c.area.x + (c.area.w - w) / 2, bottom + c.gap / 2, w, again_h},
                  "查询其他回执号", BUTTON_SECONDARY, true);
    }
    if (chrome.pager.w) app_draw_pager(app, ui, &chrome, s->page, s->pages);
    app_draw_nav(app, ui, &chrome, true);
}

const ScreenOps screen_lookup = {
    .name = SCREEN_LOOKUP,
    .state_size = sizeof(LookupScreen),
    .enter = lk_enter,
    .leave = lk_leave,
    .event = lk_event,
    .update = lk_update,
    .draw = lk_draw,
    .turn_page = lk_turn_page,
    .first_note = "已是第一页",
    .last_note = "已是最后一页",
    .visitor_input = true,
};
