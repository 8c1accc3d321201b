/* screen_feedback.c — the 意见建议 screen: a one-tap rating, an opinion
 * form, a disclosure request, the keyboard for typing, and 提交成功.
 * The form's rules live in feedback_form.c; this file only draws and
 * routes touches. */
#include "screen_feedback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback_form.h"
#include "keyboard.h"
#include "log.h"
#include "number.h"

typedef enum { VIEW_START, VIEW_FORM, VIEW_REQUEST, VIEW_EDIT, VIEW_DONE } View;
typedef enum { FIELD_COMMENT, FIELD_NAME, FIELD_PHONE, FIELD_COUNT } FieldId;

static const char *const FIELD_KEY[FIELD_COUNT] = {"comment", "name", "phone"};

typedef struct Feedback {
    FeedbackForm form;
    View view;
    View before_edit;             /* where 完成 returns to */
    FieldId editing;
    char message[256];            /* what to fix, or why it was refused */
    char done_title[64];
    char done_text[256];
    int rated;                    /* the one-tap rating just saved, 0 = none */
    uint32_t last_touch;
} Feedback;

/* One per process: librime allows one engine, and pinyin should be
 * deployed before the first visitor needs it. */
static Keyboard *keyboard;

/* ---- the target: what the feedback is about --------------------------- */

static void target_item(App *app, const char *id, FeedbackTarget *t)
{
    StoreItem item;
    Err err;
    int rc = store_item_get(app_store(app), id, app_time(app), &item, &err);
    if (rc < 0) log_warn("feedback: %s", err.msg);
    if (rc != 0) return;
    snprintf(t->item_id, sizeof t->item_id, "%s", item.s.id);
    snprintf(t->category_id, sizeof t->category_id, "%s", item.s.category_id);
    snprintf(t->label, sizeof t->label, "《%s》", item.s.title);
    store_item_free(&item);
}

static void target_category(App *app, const char *id, FeedbackTarget *t)
{
    StoreCategory *cats = NULL;
    int n = 0;
    Err err;
    if (store_catalog(app_store(app), app_time(app), &cats, &n, &err)) {
        log_warn("feedback: %s", err.msg);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(cats[i].id, id) != 0) continue;
        snprintf(t->category_id, sizeof t->category_id, "%s", cats[i].id);
        snprintf(t->label, sizeof t->label, "栏目：%s", cats[i].name);
    }
    store_free(cats);
}

/* "reader:ID", "image:ID#N", "category:ID"; "feedback:…" when the visitor
 * tapped 意见建议 on this very screen. */
static void resolve_target(App *app, const char *arg, FeedbackTarget *t)
{
    memset(t, 0, sizeof *t);
    while (strncmp(arg, "feedback:", 9) == 0) arg += 9;
    char id[PROTO_ID_MAX];
    if (strncmp(arg, "reader:", 7) == 0 || strncmp(arg, "image:", 6) == 0) {
        snprintf(id, sizeof id, "%s", strchr(arg, ':') + 1);
        id[strcspn(id, "#")] = '\0';
        target_item(app, id, t);
    } else if (strncmp(arg, "category:", 9) == 0) {
        snprintf(id, sizeof id, "%s", arg + 9);
        target_category(app, id, t);
    }
    if (!t->label[0]) snprintf(t->label, sizeof t->label, "%s的工作", app_unit_name(app));
}

/* ---- state changes ---------------------------------------------------- */

static void start_over(Feedback *f)
{
    feedback_form_clear(&f->form);
    if (keyboard) keyboard_reset(keyboard);
    f->view = VIEW_START;
    f->message[0] = '\0';
    f->rated = 0;
}

static int fb_enter(App *app, void *st, const char *arg)
{
    Feedback *f = st;
    FeedbackTarget t;
    resolve_target(app, arg, &t);
    feedback_form_init(&f->form, app_config(app), app_store(app), &t);
    start_over(f);
    f->last_touch = app_ms(app);
    return 0;
}

/* Nothing a visitor typed outlives the visit. */
static void fb_leave(App *app, void *st)
{
    (void)app;
    Feedback *f = st;
    if (keyboard) keyboard_reset(keyboard);
    memset(f, 0, sizeof *f);
}

static char *field_buffer(Feedback *f, FieldId id, size_t *size, int *max_chars)
{
    switch (id) {
    case FIELD_NAME:
        *size = sizeof f->form.name;
        *max_chars = FEEDBACK_NAME_CHARS;
        return f->form.name;
    case FIELD_PHONE:
        *size = sizeof f->form.phone;
        *max_chars = FEEDBACK_PHONE_DIGITS;
        return f->form.phone;
    default:
        *size = sizeof f->form.comment;
        *max_chars = FEEDBACK_COMMENT_CHARS;
        return f->form.comment;
    }
}

static void attach_keyboard(Feedback *f, FieldId id)
{
    size_t size;
    int max_chars;
    char *buf = field_buffer(f, id, &size, &max_chars);
    keyboard_attach(keyboard, buf, size, max_chars, id == FIELD_PHONE ? KB_FIELD_PHONE : KB_FIELD_TEXT);
}

static void begin_edit(Feedback *f, FieldId id)
{
    if (!keyboard) return;
    attach_keyboard(f, id);
    f->before_edit = f->view;
    f->editing = id;
    f->view = VIEW_EDIT;
    f->message[0] = '\0';
}

static void end_edit(Feedback *f)
{
    keyboard_detach(keyboard);
    f->view = f->before_edit;
    if (f->editing == FIELD_PHONE && f->form.phone[0] && !feedback_phone_valid(f->form.phone))
        snprintf(f->message, sizeof f->message, "手机号码应为11位，以1开头，请检查");
}

static void submit(App *app, Feedback *f, bool one_tap)
{
    const Config *cfg = app_config(app);
    FeedbackRules rules = {cfg->rate_limit_per_hour, cfg->duplicate_window_s};
    char id[37];
    Err err;
    int rating = f->form.rating;
    const char *thanks = feedback_form_thanks(&f->form);
    FeedbackResult r = feedback_form_submit(&f->form, app_store(app), &rules, app_time(app), id, &err);
    if (r != FEEDBACK_SAVED && r != FEEDBACK_DUPLICATE) {
        snprintf(f->message, sizeof f->message, "%s", err.msg);
        if (one_tap) f->form.rating = 0;   /* the row shows no choice that was not taken */
        return;
    }
    if (r == FEEDBACK_SAVED) app_poke_sync(app);   /* at the server within a second when online */
    snprintf(f->done_title, sizeof f->done_title, "%s", r == FEEDBACK_SAVED ? "提交成功" : "已经收到");
    snprintf(f->done_text, sizeof f->done_text, "%s", r == FEEDBACK_SAVED ? thanks : err.msg);
    f->message[0] = '\0';
    f->rated = one_tap ? rating : 0;
    f->view = VIEW_DONE;
}

static void open_form(Feedback *f, View view, int rating)
{
    feedback_form_clear(&f->form);
    f->form.request = view == VIEW_REQUEST;
    f->form.rating = rating;
    f->message[0] = '\0';
    f->view = view;
}

static void fb_event(App *app, void *st, const ScreenEvent *ev)
{
    Feedback *f = st;
    f->last_touch = app_ms(app);
    if (ev->kind != INPUT_TAP || !ev->id[0]) return;
    const char *id = ev->id;
    if (f->view == VIEW_EDIT) {
        if (keyboard_tap(keyboard, id) == KB_DONE) end_edit(f);
        return;
    }
    if (!app_config(app)->feedback_enabled && strcmp(id, "fb.answers") != 0) return;
    if (strncmp(id, "fb.rate:", 8) == 0) {
        int level;
        if (number_parse_int(id + 8, 1, f->form.rating_levels, &level)) return;
        if (f->view == VIEW_START) {
            f->form.rating = level;
            submit(app, f, true);
        } else {
            f->form.rating = f->form.rating == level ? 0 : level;
        }
    } else if (strncmp(id, "fb.reason:", 10) == 0) {
        int i;
        if (number_parse_int(id + 10, 0, f->form.reason_count - 1, &i) == 0) f->form.reason_on[i] = !f->form.reason_on[i];
    } else if (strncmp(id, "fb.field:", 9) == 0) {
        for (int i = 0; i < FIELD_COUNT; i++)
            if (strcmp(id + 9, FIELD_KEY[i]) == 0) begin_edit(f, (FieldId)i);
    } else if (strcmp(id, "fb.submit") == 0) {
        submit(app, f, false);
    } else if (strcmp(id, "fb.open_form") == 0) {
        open_form(f, VIEW_FORM, 0);
    } else if (strcmp(id, "fb.open_request") == 0) {
        open_form(f, VIEW_REQUEST, 0);
    } else if (strcmp(id, "fb.more") == 0) {
        open_form(f, VIEW_FORM, f->rated);
    } else if (strcmp(id, "fb.cancel") == 0) {
        start_over(f);
    } else if (strcmp(id, "fb.answers") == 0) {
        app_open(app, SCREEN_ANSWERS, "");
    }
}

static bool fb_pointer(App *app, void *st, const InputEvent *in)
{
    Feedback *f = st;
    if (f->view != VIEW_EDIT || !keyboard) return false;
    f->last_touch = app_ms(app);
    return keyboard_pointer(keyboard, in, app_ms(app));
}

/* The form forgets its visitor after idle_timeout without a touch, even
 * while this screen stays open. */
static bool fb_update(App *app, void *st, int *wake_ms)
{
    Feedback *f = st;
    if (keyboard && keyboard_poll(keyboard)) app_redraw(app);
    bool pending = feedback_form_touched(&f->form) || f->view != VIEW_START || f->message[0];
    if (!pending) return false;
    uint32_t idle_ms = (uint32_t)app_config(app)->idle_timeout_s * 1000u;
    uint32_t quiet = app_ms(app) - f->last_touch;
    if (quiet >= idle_ms) {
        log_info("feedback: form cleared after %d s without a touch", app_config(app)->idle_timeout_s);
        start_over(f);
        app_redraw(app);
        return false;
    }
    *wake_ms = (int)(idle_ms - quiet);
    if (keyboard && f->view == VIEW_EDIT && !keyboard_mode_available(keyboard, KB_PINYIN) &&
        keyboard_mode(keyboard) == KB_PINYIN && *wake_ms > 200)
        *wake_ms = 200;   /* pinyin still deploying: look again soon */
    return false;
}

/* ---- drawing ---------------------------------------------------------- */

typedef struct Cursor {
    Ui *ui;
    SDL_Rect area;                /* the content column */
    int y;
    int gap;
} Cursor;

static void heading(Cursor *c, const char *text, int size, bool bold, SDL_Color color)
{
    TextSpec spec = {.size = ui_font(c->ui, size), .bold = bold, .color = color, .max_lines = 2};
    int h = ui_text(c->ui, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(c->ui, size) * 3}, text, &spec);
    c->y += h + c->gap / 2;
}

static void message_line(Cursor *c, const char *text)
{
    if (!text[0]) return;
    TextSpec spec = {.size = ui_font(c->ui, 36), .bold = true, .color = ui_theme.accent, .max_lines = 2};
    int h = ui_text_kind(c->ui, WIDGET_NOTE, NULL, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(c->ui, 36) * 3},
                         text, &spec);
    c->y += h + c->gap / 2;
}

static int label_width(Ui *ui, const char *label)
{
    TextSpec spec = {.size = ui_font(ui, 38), .bold = true, .max_lines = 1};
    int tw, th;
    ui_text_size(ui, label, &spec, ui_px(ui, 1600), ui_px(ui, 200), &tw, &th);
    return tw + ui_px(ui, 56);
}

/* The rating levels as equal buttons, as many per row as their labels
 * allow; the chosen one (if any) stands out. */
static void rating_buttons(Cursor *c, const FeedbackForm *form, int height)
{
    int n = form->rating_levels, widest = ui_px(c->ui, UI_MIN_TARGET);
    for (int i = 1; i <= n; i++) {
        int w = label_width(c->ui, feedback_rating_label(n, i));
        if (w > widest) widest = w;
    }
    int cols = (c->area.w + c->gap) / (widest + c->gap);
    if (cols > n) cols = n;
    if (cols < 1) cols = 1;
    int w = (c->area.w - (cols - 1) * c->gap) / cols;
    for (int i = 1; i <= n; i++) {
        int col = (i - 1) % cols, row = (i - 1) / cols;
        SDL_Rect r = {c->area.x + col * (w + c->gap), c->y + row * (height + c->gap), w, height};
        char id[32];
        snprintf(id, sizeof id, "fb.rate:%d", i);
        ButtonStyle style = form->rating == i ? BUTTON_PRIMARY : BUTTON_SECONDARY;
        ui_button(c->ui, id, r, feedback_rating_label(n, i), style, true);
    }
    int rows = (n + cols - 1) / cols;
    c->y += rows * height + rows * c->gap;
}

/* Reason chips flow left to right at their natural width. */
static void reason_chips(Cursor *c, const FeedbackForm *form)
{
    int h = ui_px(c->ui, 88), x = c->area.x;
    for (int i = 0; i < form->reason_count; i++) {
        int w = label_width(c->ui, form->reasons[i]);
        if (w > c->area.w) w = c->area.w;
        if (x > c->area.x && x + w > c->area.x + c->area.w) {
            x = c->area.x;
            c->y += h + c->gap;
        }
        char id[32];
        snprintf(id, sizeof id, "fb.reason:%d", i);
        ui_button(c->ui, id, (SDL_Rect){x, c->y, w, h}, form->reasons[i],
                  form->reason_on[i] ? BUTTON_PRIMARY : BUTTON_QUIET, true);
        x += w + c->gap;
    }
    if (form->reason_count) c->y += h + c->gap;
}

/* What a field shows: the text, the masked phone, or a grey hint. */
static void field_value(const Feedback *f, FieldId id, char *out, size_t size, bool *hint)
{
    const char *text = id == FIELD_COMMENT ? f->form.comment : id == FIELD_NAME ? f->form.name : f->form.phone;
    *hint = !text[0];
    if (*hint) {
        bool required = f->form.request;
        snprintf(out, size, "%s", id == FIELD_COMMENT ? (required ? "点这里写下希望公开的事项（必填）" : "点这里写意见（可不填）")
                                  : required        ? "点这里填写（必填）"
                                                    : "点这里填写（可不填）");
    } else if (id == FIELD_PHONE && feedback_phone_valid(text)) {
        feedback_phone_mask(text, out, size);
    } else {
        snprintf(out, size, "%s", text);
    }
}

static void field_box(Cursor *c, const Feedback *f, FieldId id, const char *label, int height)
{
    Ui *ui = c->ui;
    char wid[32];
    snprintf(wid, sizeof wid, "fb.field:%s", FIELD_KEY[id]);
    SDL_Rect r = {c->area.x, c->y, c->area.w, height};
    bool pressed = strcmp(ui_pressed(ui), wid) == 0;
    int rad = ui_px(ui, 14), pad = ui_px(ui, 24);
    ui_round(ui, r, rad, pressed ? ui_theme.pressed_card : ui_theme.card);
    ui_round_outline(ui, r, rad, ui_px(ui, pressed ? 4 : 2), pressed ? ui_theme.accent : ui_theme.card_line);
    TextSpec lspec = {.size = ui_font(ui, 36), .bold = true, .color = ui_theme.text, .max_lines = 1};
    int label_w = ui_px(ui, 150);
    ui_text(ui, (SDL_Rect){r.x + pad, r.y + pad, label_w, height - 2 * pad}, label, &lspec);
    char value[4200];
    bool hint;
    field_value(f, id, value, sizeof value, &hint);
    TextSpec vspec = {.size = ui_font(ui, 36), .color = hint ? ui_theme.text_soft : ui_theme.text};
    SDL_Rect vbox = {r.x + pad + label_w, r.y + pad, r.w - 2 * pad - label_w, height - 2 * pad};
    ui_text(ui, vbox, value, &vspec);
    ui_record(ui, WIDGET_BUTTON, wid, label, r, true);
    c->y += height + c->gap;
}

static void action_row(Cursor *c, const char *const *ids, const char *const *labels, const ButtonStyle *styles, int n)
{
    int h = ui_px(c->ui, 104);
    int w = (c->area.w - (n - 1) * c->gap) / n;
    for (int i = 0; i < n; i++)
        ui_button(c->ui, ids[i], (SDL_Rect){c->area.x + i * (w + c->gap), c->y, w, h}, labels[i], styles[i], true);
    c->y += h + c->gap;
}

/* [feedback] enabled = false: nothing to fill in, only the answers. */
static void draw_disabled(Cursor *c)
{
    heading(c, "本机暂不接受意见建议", 52, true, ui_theme.text);
    heading(c, "如有意见建议，请到便民服务窗口当面反映。已公开的答复可在“回复公开”中查看。", 38, false,
            ui_theme.text_soft);
    c->y += c->gap;
    static const char *const ids[] = {"fb.answers"}, *const labels[] = {"查看回复公开"};
    static const ButtonStyle styles[] = {BUTTON_SECONDARY};
    Cursor narrow = *c;
    narrow.area.w = ui_px(c->ui, 480);
    action_row(&narrow, ids, labels, styles, 1);
}

static void draw_start(App *app, Feedback *f, Cursor *c)
{
    if (!app_config(app)->feedback_enabled) {
        draw_disabled(c);
        return;
    }
    heading(c, "您对我们的工作满意吗？", 52, true, ui_theme.text);
    char about[600];
    snprintf(about, sizeof about, "评价对象：%s", f->form.target.label);
    heading(c, about, 38, false, ui_theme.text_soft);
    heading(c, "点一下即可提交评价，无需登录", 34, false, ui_theme.text_soft);
    c->y += c->gap;
    rating_buttons(c, &f->form, ui_px(c->ui, app_portrait(app) ? 130 : 150));
    message_line(c, f->message);
    c->y += c->gap;
    static const char *const ids[] = {"fb.open_form", "fb.open_request", "fb.answers"};
    static const char *const labels[] = {"写意见建议", "申请公开 / 群众点题", "查看回复公开"};
    static const ButtonStyle styles[] = {BUTTON_SECONDARY, BUTTON_SECONDARY, BUTTON_QUIET};
    if (app_portrait(app)) {
        for (int i = 0; i < 3; i++) action_row(c, &ids[i], &labels[i], &styles[i], 1);
    } else {
        action_row(c, ids, labels, styles, 3);
    }
}

static void submit_row(Cursor *c)
{
    static const char *const ids[] = {"fb.cancel", "fb.submit"};
    static const char *const labels[] = {"重新填写", "提交"};
    static const ButtonStyle styles[] = {BUTTON_QUIET, BUTTON_PRIMARY};
    action_row(c, ids, labels, styles, 2);
}

/* The end of a one-column form: what it is about, who asks, then send. */
static void fields_and_submit(Cursor *c, const Feedback *f, const char *comment_label)
{
    field_box(c, f, FIELD_COMMENT, comment_label, ui_px(c->ui, 220));
    field_box(c, f, FIELD_NAME, "姓名", ui_px(c->ui, 100));
    field_box(c, f, FIELD_PHONE, "手机", ui_px(c->ui, 100));
    message_line(c, f->message);
    submit_row(c);
}

static void draw_form(App *app, Feedback *f, Cursor *c)
{
    heading(c, "写意见建议", 48, true, ui_theme.text);
    char about[600];
    snprintf(about, sizeof about, "关于：%s　（以下各项都可不填，至少评价或写一句意见）", f->form.target.label);
    heading(c, about, 34, false, ui_theme.text_soft);
    heading(c, "满意程度", 36, true, ui_theme.text);
    rating_buttons(c, &f->form, ui_px(c->ui, 96));
    if (!app_portrait(app)) {
        /* Landscape: reasons on the left, the fields on the right. */
        int half = (c->area.w - c->gap * 2) / 2;
        Cursor left = *c, right = *c;
        left.area.w = half;
        right.area.x = c->area.x + half + c->gap * 2;
        right.area.w = c->area.w - half - c->gap * 2;
        heading(&left, "原因（可多选）", 36, true, ui_theme.text);
        reason_chips(&left, &f->form);
        message_line(&left, f->message);
        submit_row(&left);
        field_box(&right, f, FIELD_COMMENT, "意见", ui_px(c->ui, 170));
        field_box(&right, f, FIELD_NAME, "姓名", ui_px(c->ui, 96));
        field_box(&right, f, FIELD_PHONE, "手机", ui_px(c->ui, 96));
        c->y = left.y > right.y ? left.y : right.y;
        return;
    }
    heading(c, "原因（可多选）", 36, true, ui_theme.text);
    reason_chips(c, &f->form);
    fields_and_submit(c, f, "意见");
}

static void draw_request(App *app, Feedback *f, Cursor *c)
{
    (void)app;
    heading(c, "申请公开 / 群众点题", 48, true, ui_theme.text);
    heading(c, "写下您希望公开的事项，我们审核办理后，会按您留下的电话告知结果。姓名和手机号码只用于答复，不会公开。",
            34, false, ui_theme.text_soft);
    fields_and_submit(c, f, "事项");
}

static void draw_edit(App *app, Feedback *f, Cursor *c)
{
    Ui *ui = c->ui;
    static const char *const titles[FIELD_COUNT] = {"写意见", "填写姓名", "填写手机号码"};
    const char *title = f->editing == FIELD_COMMENT && f->form.request ? "希望公开的事项" : titles[f->editing];
    int kb_h = keyboard_height(ui, app_width(app));
    bool writing = keyboard_mode(keyboard) == KB_HANDWRITING && f->editing != FIELD_PHONE;
    if (writing && app_portrait(app) && c->area.h * 2 / 3 > kb_h) kb_h = c->area.h * 2 / 3;   /* a taller pad */
    SDL_Rect kb_area = {0, c->area.y + c->area.h - kb_h, app_width(app), kb_h};
    size_t size;
    int max_chars;
    const char *text = field_buffer(f, f->editing, &size, &max_chars);
    char title_line[160];
    snprintf(title_line, sizeof title_line, "%s（%d/%d %s）", title, (int)SDL_utf8strlen(text), max_chars,
             f->editing == FIELD_PHONE ? "位" : "字");
    heading(c, title_line, 38, true, ui_theme.text);
    SDL_Rect box = {c->area.x, c->y, c->area.w, kb_area.y - c->y - c->gap};
    ui_round(ui, box, ui_px(ui, 14), ui_theme.card);
    ui_round_outline(ui, box, ui_px(ui, 14), ui_px(ui, 3), ui_theme.accent);
    char shown[4200];
    snprintf(shown, sizeof shown, "%s▏", text);
    TextSpec spec = {.size = ui_font(ui, 40), .color = ui_theme.text};
    int pad = ui_px(ui, 20);
    ui_text_kind(ui, WIDGET_TEXT, NULL, (SDL_Rect){box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad},
                 shown, &spec);
    keyboard_draw(keyboard, ui, kb_area);
}

static void draw_done(App *app, Feedback *f, Cursor *c)
{
    Ui *ui = c->ui;
    int mark = ui_px(ui, 150);
    int cx = c->area.x + c->area.w / 2;
    c->y += c->gap * 2;
    ui_disc(ui, cx, c->y + mark / 2, mark / 2, ui_theme.ok);
    ui_thick_line(ui, (float)(cx - mark / 4), (float)(c->y + mark / 2), (float)(cx - mark / 16),
                  (float)(c->y + mark * 2 / 3), (float)ui_px(ui, 14), ui_theme.card);
    ui_thick_line(ui, (float)(cx - mark / 16), (float)(c->y + mark * 2 / 3), (float)(cx + mark / 4),
                  (float)(c->y + mark / 3), (float)ui_px(ui, 14), ui_theme.card);
    c->y += mark + c->gap;
    TextSpec big = {.size = ui_font(ui, 64), .bold = true, .color = ui_theme.text, .align = ALIGN_CENTER, .max_lines = 1};
    int h = ui_text_kind(ui, WIDGET_NOTE, NULL, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(ui, 64) * 2},
                         f->done_title, &big);
    c->y += h + c->gap;
    TextSpec small = {.size = ui_font(ui, 40), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .max_lines = 3};
    h = ui_text(ui, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(ui, 40) * 4}, f->done_text, &small);
    c->y += h + c->gap * 2;
    SDL_Rect row = c->area;
    int w = ui_px(ui, app_portrait(app) ? 440 : 480);
    Cursor centred = *c;
    centred.area = (SDL_Rect){row.x + (row.w - w) / 2, row.y, w, row.h};
    static const char *const more_id[] = {"fb.more"}, *const more_label[] = {"补充原因和意见"};
    static const char *const again_id[] = {"fb.cancel"}, *const again_label[] = {"再提一条"};
    static const char *const ans_id[] = {"fb.answers"}, *const ans_label[] = {"查看回复公开"};
    static const ButtonStyle primary[] = {BUTTON_PRIMARY}, quiet[] = {BUTTON_QUIET};
    if (f->rated) action_row(&centred, more_id, more_label, primary, 1);
    else action_row(&centred, again_id, again_label, primary, 1);
    action_row(&centred, ans_id, ans_label, quiet, 1);
}

static void fb_draw(App *app, void *st, Ui *ui)
{
    Feedback *f = st;
    Chrome chrome = app_chrome(app, false);
    app_draw_header(app, ui, &chrome);
    int m = ui_px(ui, app_portrait(app) ? 40 : 64);
    Cursor c = {.ui = ui, .gap = ui_px(ui, 20)};
    c.area = (SDL_Rect){m, chrome.body.y + ui_px(ui, 28), chrome.body.w - 2 * m, chrome.body.h - ui_px(ui, 28)};
    c.y = c.area.y;
    if (f->view == VIEW_EDIT && !keyboard) f->view = f->before_edit;
    /* Back from a screen opened on top (意见建议 tapped while typing), which
     * had the one keyboard for itself: take it back. */
    if (f->view == VIEW_EDIT && !keyboard_attached(keyboard)) attach_keyboard(f, f->editing);
    switch (f->view) {
    case VIEW_START: draw_start(app, f, &c); break;
    case VIEW_FORM: draw_form(app, f, &c); break;
    case VIEW_REQUEST: draw_request(app, f, &c); break;
    case VIEW_EDIT: draw_edit(app, f, &c); break;
    case VIEW_DONE: draw_done(app, f, &c); break;
    }
    app_draw_nav(app, ui, &chrome, true);
}

const ScreenOps screen_feedback = {
    .name = SCREEN_FEEDBACK,
    .state_size = sizeof(Feedback),
    .enter = fb_enter,
    .leave = fb_leave,
    .event = fb_event,
    .update = fb_update,
    .draw = fb_draw,
    .pointer = fb_pointer,
};

int feedback_screens_register(App *app, Err *err)
{
    Err kb_err;
    if (!keyboard && keyboard_open(app_config(app), &keyboard, &kb_err))
        log_error("feedback: no on-screen keyboard (%s); ratings still work", kb_err.msg);
    if (keyboard && app_config(app)->headless) keyboard_wait_ready(keyboard);
    if (app_register(app, &screen_feedback) || app_register(app, &screen_answers))
        return err_set(err, "no room to register the feedback screens");
    return 0;
}

void feedback_screens_shutdown(void)
{
    keyboard_close(keyboard);
    keyboard = NULL;
}
