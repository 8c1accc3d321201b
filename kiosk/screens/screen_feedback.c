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
#include "receipt.h"
#include "shapes.h"

/* A one-tap rating stays marked this long before the thanks replace it,
 * so the visitor sees which one was taken. */
#define CHOSEN_SHOW_MS 900

typedef enum { VIEW_START, VIEW_FORM, VIEW_REQUEST, VIEW_REPORT, VIEW_EDIT, VIEW_DONE } View;
typedef enum { FIELD_COMMENT, FIELD_NAME, FIELD_PHONE, FIELD_COUNT } FieldId;

static const char *const FIELD_KEY[FIELD_COUNT] = {"comment", "name", "phone"};
/* Where each field's problems are reported (feedback_form.h). */
static const FeedbackSpot FIELD_SPOT[FIELD_COUNT] = {FEEDBACK_AT_COMMENT, FEEDBACK_AT_NAME, FEEDBACK_AT_PHONE};
/* The way of writing each field opens in at first: Chinese text and names
 * in 拼音 (手写 one tap away), the phone on its keypad. */
static const KbMode FIELD_FIRST_MODE[FIELD_COUNT] = {KB_PINYIN, KB_PINYIN, KB_DIGITS};

typedef struct Feedback {
    FeedbackForm form;
    View view;
    View before_edit; /* where 完成 returns to */
    FieldId editing;
    char message[256]; /* what to fix, or why it was refused */
    char done_title[64];
    char done_text[256];
    char receipt[RECEIPT_TEXT_MAX]; /* "4821 0937 5516" under 提交成功; "" for a bare rating */
    int rated; /* the one-tap rating just tapped or saved, 0 = none */
    uint32_t last_touch;
    uint32_t chosen_at; /* when the one-tap rating `rated` was tapped (marked while saved, until the thanks) */
    bool problems_shown[FEEDBACK_AT_COUNT]; /* after a refused 提交 (or a phone typed): say so beside the field */
    bool confirm_reset; /* 重新填写 asked: 确定清空 / 继续填写 */
    unsigned saving; /* the writer's ticket of the submission being saved (正在保存…), 0 = none */
    char saving_id[37];
    const char *saving_thanks; /* what 提交成功 will say, chosen before the form is cleared */
    FeedbackKind saving_kind;
    bool saving_one_tap;
    KbMode field_mode[FIELD_COUNT]; /* each field reopens the way it was last written */
} Feedback;

/* One per process: librime allows one engine, and pinyin should be
 * deployed before the first visitor needs it. */
static Keyboard *keyboard;
/* One per process too: the submissions outlive the screen that made them
 * (feedback_writer.h); NULL when the database cannot be written. */
static FeedbackWriter *writer;

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
    f->receipt[0] = '\0';
    f->chosen_at = 0;
    f->confirm_reset = false;
    f->saving = 0; /* forgotten here, still written by the writer */
    memset(f->problems_shown, 0, sizeof f->problems_shown);
    memcpy(f->field_mode, FIELD_FIRST_MODE, sizeof f->field_mode);
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
    if (id != FIELD_PHONE && keyboard_mode_available(keyboard, f->field_mode[id]))
        keyboard_set_mode(keyboard, f->field_mode[id]);
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
    KbMode mode = keyboard_mode(keyboard);
    if (f->editing != FIELD_PHONE && (mode == KB_PINYIN || mode == KB_HANDWRITING || mode == KB_LATIN))
        f->field_mode[f->editing] = mode;
    keyboard_detach(keyboard);
    f->view = f->before_edit;
    /* A phone number is checked as soon as it is typed, beside its field. */
    if (f->editing == FIELD_PHONE && f->form.phone[0]) f->problems_shown[FEEDBACK_AT_PHONE] = true;
}

/* The receipt number of the submission just saved, for the visitor to
 * write down: computed here from its id by the rule countyd uses too
 * (proto/receipt.h), so it is shown at once, online or not.  id NULL: none
 * (a bare rating, or a repeat that was not saved again). */
static void show_receipt(Feedback *f, const char *id)
{
    char digits[RECEIPT_DIGITS + 1];
    Err err;
    f->receipt[0] = '\0';
    if (!id) return;
    if (receipt_from_feedback_id(id, digits, &err)) {
        log_error("feedback: no receipt number for %s: %s", id, err.msg);
        return;
    }
    receipt_format(digits, f->receipt);
}

/* The form was refused (incomplete), could not be handed over, or the
 * writer did not save it: the message, and the visitor's entries stay. */
static void refused(Feedback *f, FeedbackResult r, const Err *err, bool one_tap)
{
    snprintf(f->message, sizeof f->message, "%s", err->msg);
    if (r == FEEDBACK_INCOMPLETE) {
        /* Every problem at once, each beside its field (field_problem). */
        for (int i = 0; i < FEEDBACK_AT_COUNT; i++) f->problems_shown[i] = true;
        f->message[0] = '\0';
    }
    if (one_tap) {
        f->form.rating = 0; /* the row shows no choice that was not taken */
        f->rated = 0;
        f->chosen_at = 0;
    }
}

/* The writer's outcome arrived: 提交成功 only now that the row is
 * committed, or what went wrong with the words kept. */
static void collect(App *app, Feedback *f)
{
    Err err;
    int rating = f->form.rating;
    FeedbackResult r = feedback_form_collect(&f->form, writer, f->saving, &err);
    if (r == FEEDBACK_SAVING) return;
    bool one_tap = f->saving_one_tap;
    f->saving = 0;
    app_redraw(app);
    if (r != FEEDBACK_SAVED && r != FEEDBACK_DUPLICATE) {
        refused(f, r, &err, one_tap);
        return;
    }
    if (r == FEEDBACK_SAVED) app_poke_sync(app); /* at the server within a second when online */
    snprintf(f->done_title, sizeof f->done_title, "%s", r == FEEDBACK_SAVED ? "提交成功" : "已经收到");
    snprintf(f->done_text, sizeof f->done_text, "%s", r == FEEDBACK_SAVED ? f->saving_thanks : err.msg);
    f->message[0] = '\0';
    f->rated = one_tap ? rating : 0;
    show_receipt(f, r == FEEDBACK_SAVED && receipt_kind_has_receipt(f->saving_kind) ? f->saving_id : NULL);
    memset(f->problems_shown, 0, sizeof f->problems_shown);
    if (!one_tap) f->view = VIEW_DONE; /* a one-tap rating goes on once it has been marked long enough */
}

/* Hands the submission to the writer and shows 正在保存… until collect()
 * has its outcome; the UI thread never waits for the database. */
static void submit(App *app, Feedback *f, bool one_tap)
{
    const Config *cfg = app_config(app);
    FeedbackRules rules = {cfg->rate_limit_per_hour, cfg->duplicate_window_s};
    Err err;
    f->saving_thanks = feedback_form_thanks(&f->form);
    f->saving_kind = feedback_form_kind(&f->form);
    f->saving_one_tap = one_tap;
    FeedbackResult r = feedback_form_submit(&f->form, writer, &rules, app_time(app), &f->saving, f->saving_id, &err);
    if (r != FEEDBACK_SAVING) {
        refused(f, r, &err, one_tap);
        return;
    }
    f->message[0] = '\0';
    f->confirm_reset = false;
    if (one_tap) {
        f->rated = f->form.rating;
        f->chosen_at = app_ms(app) ? app_ms(app) : 1; /* marked on the start view, then the thanks */
    }
    collect(app, f); /* a quick writer may be done already */
}

static void open_form(Feedback *f, View view, int rating)
{
    feedback_form_clear(&f->form);
    f->form.purpose = view == VIEW_REQUEST ? FORM_REQUEST : view == VIEW_REPORT ? FORM_REPORT : FORM_OPINION;
    f->form.rating = rating;
    f->message[0] = '\0';
    f->confirm_reset = false;
    memset(f->problems_shown, 0, sizeof f->problems_shown);
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
    if (!app_config(app)->feedback_enabled && strcmp(id, "fb.answers") != 0 && strcmp(id, "fb.lookup") != 0) return;
    if (f->chosen_at || f->saving) return; /* the submission is on its way to the thanks */
    if (strcmp(id, "fb.reset") == 0) {
        f->confirm_reset = feedback_form_touched(&f->form);
        return;
    }
    if (strcmp(id, "fb.reset_no") == 0) {
        f->confirm_reset = false;
        return;
    }
    if (strcmp(id, "fb.reset_yes") == 0) {
        open_form(f, f->view, 0);
        return;
    }
    f->confirm_reset = false;
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
        if (number_parse_int(id + 10, 0, f->form.reason_count - 1, &i) == 0)
            f->form.reason_on[i] = !f->form.reason_on[i];
    } else if (strncmp(id, "fb.field:", 9) == 0) {
        for (int i = 0; i < FIELD_COUNT; i++)
            if (strcmp(id + 9, FIELD_KEY[i]) == 0) begin_edit(f, (FieldId)i);
    } else if (strcmp(id, "fb.submit") == 0) {
        submit(app, f, false);
    } else if (strcmp(id, "fb.open_form") == 0) {
        open_form(f, VIEW_FORM, 0);
    } else if (strcmp(id, "fb.open_request") == 0) {
        open_form(f, VIEW_REQUEST, 0);
    } else if (strcmp(id, "fb.open_report") == 0) {
        open_form(f, VIEW_REPORT, 0);
    } else if (strcmp(id, "fb.more") == 0) {
        open_form(f, VIEW_FORM, f->rated);
    } else if (strcmp(id, "fb.cancel") == 0) {
        start_over(f);
    } else if (strcmp(id, "fb.answers") == 0) {
        app_open(app, SCREEN_ANSWERS, "");
    } else if (strcmp(id, "fb.lookup") == 0) {
        app_open(app, SCREEN_LOOKUP, "");
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
    if (f->saving) collect(app, f); /* woken by the writer's event */
    if (f->chosen_at && f->saving) return false;
    if (f->chosen_at) {
        uint32_t shown = app_ms(app) - f->chosen_at;
        if (shown < CHOSEN_SHOW_MS) {
            *wake_ms = (int)(CHOSEN_SHOW_MS - shown);
            return false;
        }
        f->chosen_at = 0;
        f->view = VIEW_DONE;
        app_redraw(app);
    }
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
        *wake_ms = 200; /* pinyin still deploying: look again soon */
    return false;
}

/* ---- drawing ---------------------------------------------------------- */

typedef struct Cursor {
    Ui *ui;
    SDL_Rect area; /* the content column */
    int y;
    int gap;
} Cursor;

static void heading(Cursor *c, const char *text, int size, bool bold, SDL_Color color)
{
    TextSpec spec = {.size = ui_font(c->ui, size), .bold = bold, .color = color, .max_lines = 2, .flags = TEXT_NO_RUNT};
    int h = ui_text(c->ui, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(c->ui, size) * 3}, text, &spec);
    c->y += h + c->gap / 2;
}

static void message_line(Cursor *c, const char *text)
{
    if (!text[0]) return;
    TextSpec spec = {
        .size = ui_font(c->ui, 36), .bold = true, .color = ui_theme.accent, .max_lines = 2, .flags = TEXT_NO_RUNT};
    int h = ui_text_kind(c->ui, WIDGET_NOTE, NULL, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(c->ui, 36) * 3}, text,
                         &spec);
    c->y += h + c->gap / 2;
}

static int label_width(Ui *ui, const char *label)
{
    TextSpec spec = {.size = ui_font(ui, 38), .bold = true, .max_lines = 1};
    int tw, th;
    ui_text_size(ui, label, &spec, ui_px(ui, 1600), ui_px(ui, 200), &tw, &th);
    return tw + ui_px(ui, 56);
}

/* ---- the rating scale: faces, colours and words ----------------------- */

/* The five levels from best to worst, as the 好差评 terminals visitors know
 * show them: green to red, a laughing face to an unhappy one. */
static const char *const SCALE_WORDS[5] = {"非常满意", "满意", "基本满意", "不满意", "非常不满意"};
static const SDL_Color SCALE_COLOUR[5] = {
    {34, 139, 64, 255}, {108, 168, 48, 255}, {226, 168, 18, 255}, {230, 110, 30, 255}, {200, 36, 36, 255}};

/* Where level i of n sits on the five-level scale (fewer levels keep their
 * words, and so their colours and faces). */
static int scale_of(int levels, int i)
{
    const char *word = feedback_rating_label(levels, i);
    for (int k = 0; word && k < 5; k++)
        if (strcmp(word, SCALE_WORDS[k]) == 0) return k;
    return 2;
}

static SDL_Color tint(SDL_Color c, int percent)
{
    return (SDL_Color){(Uint8)(255 - (255 - c.r) * percent / 100), (Uint8)(255 - (255 - c.g) * percent / 100),
                       (Uint8)(255 - (255 - c.b) * percent / 100), 255};
}

/* One level as a card: the face, its word, the scale's colour; the chosen
 * one filled with its colour, a thick frame and a tick in the corner.
 * Tall: face above the word; otherwise the face left of it. */
static void rating_card(Ui *ui, const char *id, SDL_Rect r, int levels, int i, bool chosen)
{
    int k = scale_of(levels, i);
    SDL_Color col = SCALE_COLOUR[k];
    bool pressed = strcmp(ui_pressed(ui), id) == 0;
    int rad = ui_px(ui, 18);
    ui_round(ui, r, rad, chosen ? tint(col, 30) : pressed ? tint(col, 15) : ui_theme.card);
    ui_round_outline(ui, r, rad, ui_px(ui, chosen ? 8 : pressed ? 5 : 3), col);
    const char *word = feedback_rating_label(levels, i);
    TextSpec spec = {.size = ui_font(ui, 40), .bold = true, .color = ui_theme.text, .middle = true, .max_lines = 1};
    bool tall = r.h * 2 > r.w;
    SDL_Rect text_box;
    if (tall) {
        int face = r.h * (r.h >= ui_px(ui, 200) ? 52 : 44) / 100;
        if (face > r.w - ui_px(ui, 40)) face = r.w - ui_px(ui, 40);
        int top = r.y + ui_px(ui, r.h >= ui_px(ui, 200) ? 24 : 14);
        shapes_face(ui, (SDL_Rect){r.x + (r.w - face) / 2, top, face, face}, 2 - k, col, ui_theme.card);
        spec.align = ALIGN_CENTER;
        int tw, th;
        ui_text_size(ui, word, &spec, ui_px(ui, 1000), ui_px(ui, 200), &tw, &th);
        if (tw > r.w - ui_px(ui, 16)) spec.size = ui_font(ui, 32); /* 非常不满意 in a narrow card */
        text_box = (SDL_Rect){r.x + ui_px(ui, 8), top + face, r.w - ui_px(ui, 16), r.y + r.h - top - face};
    } else {
        /* A row (the form, portrait): the face left of its word. */
        int face = r.h * 64 / 100, x = r.x + ui_px(ui, r.w > ui_px(ui, 600) ? 40 : 14);
        spec.size = ui_font(ui, 36);
        if (r.w > ui_px(ui, 600)) spec.size = ui_font(ui, 44), face = r.h * 70 / 100;
        shapes_face(ui, (SDL_Rect){x, r.y + (r.h - face) / 2, face, face}, 2 - k, col, ui_theme.card);
        int tx = x + face + ui_px(ui, r.w > ui_px(ui, 600) ? 32 : 10);
        text_box = (SDL_Rect){tx, r.y, r.x + r.w - tx - ui_px(ui, 8), r.h};
    }
    ui_text(ui, text_box, word, &spec);
    if (chosen) {
        int t = ui_px(ui, 52);
        SDL_Rect tick = {r.x + r.w - t - ui_px(ui, 10), r.y + ui_px(ui, 10), t, t};
        shapes_tick(ui, tick, ui_theme.ok, ui_theme.card);
        ui_record(ui, WIDGET_ICON, NULL, "已选", tick, false);
    }
    Widget *w = ui_record(ui, WIDGET_BUTTON, id, word, r, true);
    if (w) w->pressed = pressed;
}

/* The levels side by side (cols = levels) or one under the other. */
static void rating_row(Cursor *c, const FeedbackForm *form, int chosen, int height, bool column)
{
    int n = form->rating_levels;
    int cols = column ? 1 : n;
    int w = (c->area.w - (cols - 1) * c->gap) / cols;
    for (int i = 1; i <= n; i++) {
        int col = column ? 0 : i - 1, row = column ? i - 1 : 0;
        SDL_Rect r = {c->area.x + col * (w + c->gap), c->y + row * (height + c->gap), w, height};
        char id[32];
        snprintf(id, sizeof id, "fb.rate:%d", i);
        rating_card(c->ui, id, r, n, i, chosen == i);
    }
    int rows = column ? n : 1;
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
        static const char *const comment_hint[] = {[FORM_OPINION] = "点这里写意见（可不填）",
                                                   [FORM_REQUEST] = "点这里写下希望公开的事项（必填）",
                                                   [FORM_REPORT] = "点这里写下要反映的问题（必填）"};
        static const char *const contact_hint[] = {[FORM_OPINION] = "点这里填写（可不填）",
                                                   [FORM_REQUEST] = "点这里填写（必填）",
                                                   [FORM_REPORT] = "可不填，留下可告知处理结果"};
        snprintf(out, size, "%s", id == FIELD_COMMENT ? comment_hint[f->form.purpose] : contact_hint[f->form.purpose]);
    } else if (id == FIELD_PHONE && feedback_phone_valid(text)) {
        feedback_phone_mask(text, out, size);
    } else {
        snprintf(out, size, "%s", text);
    }
}

/* The problem to report beside field id now, or NULL. */
static const char *field_problem(const Feedback *f, FieldId id)
{
    FeedbackProblems p;
    feedback_form_problems(&f->form, &p);
    FeedbackSpot spot = FIELD_SPOT[id];
    return f->problems_shown[spot] ? p.at[spot] : NULL;
}

/* A field: its label in the label column, the value (or hint) beside it;
 * a problem turns the frame red and is said inside the box, so nothing
 * around it moves. */
static void field_box(Cursor *c, const Feedback *f, FieldId id, const char *label, SDL_Rect r, int label_w)
{
    Ui *ui = c->ui;
    char wid[32];
    snprintf(wid, sizeof wid, "fb.field:%s", FIELD_KEY[id]);
    bool pressed = strcmp(ui_pressed(ui), wid) == 0;
    const char *problem = field_problem(f, id);
    int rad = ui_px(ui, 14), pad = ui_px(ui, 24);
    ui_round(ui, r, rad, pressed ? ui_theme.pressed_card : ui_theme.card);
    SDL_Color frame = problem ? ui_theme.accent : pressed ? ui_theme.accent : ui_theme.card_line;
    ui_round_outline(ui, r, rad, ui_px(ui, problem ? 4 : pressed ? 4 : 2), frame);
    TextSpec lspec = {.size = ui_font(ui, 36), .bold = true, .color = ui_theme.text, .max_lines = 1};
    int line_h = ui_font(ui, 36) * 135 / 100;
    ui_text(ui,
            (SDL_Rect){r.x + pad, r.y + (r.h > 2 * line_h + 2 * pad ? pad : (r.h - line_h) / 2), label_w - pad, line_h},
            label, &lspec);
    char value[4200];
    bool hint;
    field_value(f, id, value, sizeof value, &hint);
    bool one_line = r.h <= 2 * line_h + 2 * pad;
    SDL_Rect vbox = one_line ? (SDL_Rect){r.x + label_w, r.y + pad / 2, r.w - pad - label_w, r.h - pad}
                             : (SDL_Rect){r.x + label_w, r.y + pad, r.w - pad - label_w, r.h - 2 * pad};
    TextSpec vspec = {.size = ui_font(ui, 36), .color = hint ? ui_theme.text_soft : ui_theme.text, .middle = one_line};
    TextSpec pspec = {.size = ui_font(ui, 32),
                      .bold = true,
                      .color = ui_theme.accent,
                      .middle = one_line,
                      .max_lines = 2,
                      .flags = TEXT_NO_RUNT};
    if (problem && hint) {
        ui_text_kind(ui, WIDGET_NOTE, NULL, vbox, problem, &pspec); /* instead of the hint */
    } else if (problem) {
        int tw, th;
        ui_text_size(ui, value, &vspec, vbox.w / 3, vbox.h, &tw, &th);
        ui_text(ui, (SDL_Rect){vbox.x, vbox.y, vbox.w / 3, vbox.h}, value, &vspec);
        pspec.align = ALIGN_RIGHT;
        SDL_Rect note = {vbox.x + tw + pad, vbox.y, vbox.w - tw - pad, vbox.h};
        ui_text_kind(ui, WIDGET_NOTE, NULL, note, problem, &pspec);
    } else {
        ui_text(ui, vbox, value, &vspec);
    }
    Widget *w = ui_record(ui, WIDGET_BUTTON, wid, label, r, true);
    if (w) w->pressed = pressed;
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
    /* What was submitted before can still be looked up. */
    static const char *const ids[] = {"fb.answers", "fb.lookup"}, *const labels[] = {"查看回复公开", "查询办理结果"};
    static const ButtonStyle styles[] = {BUTTON_SECONDARY, BUTTON_SECONDARY};
    Cursor narrow = *c;
    narrow.area.w = ui_px(c->ui, 980) < c->area.w ? ui_px(c->ui, 980) : c->area.w;
    action_row(&narrow, ids, labels, styles, 2);
}

static void draw_start(App *app, Feedback *f, Cursor *c)
{
    if (!app_config(app)->feedback_enabled) {
        draw_disabled(c);
        return;
    }
    bool portrait = app_portrait(app);
    heading(c, "您对我们的工作满意吗？", 52, true, ui_theme.text);
    char about[600];
    snprintf(about, sizeof about, "评价对象：%s", f->form.target.label);
    heading(c, about, 38, false, ui_theme.text_soft);
    const char *chosen = f->saving ? "已选择，正在保存…" : "已选择，评价已保存";
    heading(c, f->chosen_at ? chosen : "点一下表情即可提交评价，无需登录", 34, f->chosen_at != 0,
            f->chosen_at ? ui_theme.ok : ui_theme.text_soft);
    c->y += c->gap;
    /* Big cards: side by side in landscape (180 px tall, so that the two
     * rows of actions fit under them with an urgent strip and a title of
     * two lines), one under the other in portrait (five in a row would be
     * too narrow for 非常不满意). */
    rating_row(c, &f->form, f->chosen_at ? f->rated : 0, ui_px(c->ui, portrait ? 128 : 180), portrait);
    message_line(c, f->message);
    c->y += c->gap;
    static const char *const ids[] = {"fb.open_form", "fb.open_request", "fb.open_report", "fb.lookup", "fb.answers"};
    static const char *const labels[] = {"写意见建议", "申请公开 / 群众点题", "我要举报", "查询办理结果",
                                         "查看回复公开"};
    static const ButtonStyle styles[] = {BUTTON_SECONDARY, BUTTON_SECONDARY, BUTTON_SECONDARY, BUTTON_QUIET,
                                         BUTTON_QUIET};
    enum { ACTIONS = sizeof ids / sizeof ids[0] };
    /* In rows of `per_row`: three to a row in landscape (the submissions,
     * then the two ways to read answers), two in portrait (one would make
     * the column taller than the screen). */
    int per_row = portrait ? 2 : 3;
    for (int i = 0; i < ACTIONS; i += per_row) {
        int n = ACTIONS - i < per_row ? ACTIONS - i : per_row;
        action_row(c, &ids[i], &labels[i], &styles[i], n);
    }
}

/* The last row of a form, at the bottom of the area wherever the fields
 * end: 重新填写 small on the left, a message (a refusal such as the
 * hourly limit) between, 提交 large and primary on the right, last in
 * reading order.  重新填写 asks first. */
static void submit_bar(Cursor *c, const Feedback *f)
{
    Ui *ui = c->ui;
    int h = ui_px(ui, 112), small_h = ui_px(ui, 88);
    int y = c->area.y + c->area.h - h - ui_px(ui, 8);
    if (y < c->y) y = c->y;
    int submit_w = ui_px(ui, 420), reset_w = ui_px(ui, 240);
    SDL_Rect submit = {c->area.x + c->area.w - submit_w, y, submit_w, h};
    TextSpec note = {.size = ui_font(ui, 34),
                     .bold = true,
                     .color = ui_theme.accent,
                     .middle = true,
                     .max_lines = 2,
                     .flags = TEXT_NO_RUNT};
    if (f->confirm_reset) {
        int bw = ui_px(ui, 240);
        ui_text_kind(ui, WIDGET_NOTE, NULL, (SDL_Rect){c->area.x, y, c->area.w - submit_w - 2 * bw - 3 * c->gap, h},
                     "清空已填写的内容？", &note);
        ui_button(ui, "fb.reset_yes", (SDL_Rect){submit.x - 2 * bw - 2 * c->gap, y + (h - small_h) / 2, bw, small_h},
                  "确定清空", BUTTON_SECONDARY, true);
        ui_button(ui, "fb.reset_no", (SDL_Rect){submit.x - bw - c->gap, y + (h - small_h) / 2, bw, small_h}, "继续填写",
                  BUTTON_QUIET, true);
    } else {
        ui_button(ui, "fb.reset", (SDL_Rect){c->area.x, y + (h - small_h) / 2, reset_w, small_h}, "重新填写",
                  BUTTON_QUIET, feedback_form_touched(&f->form));
        if (f->message[0]) {
            SDL_Rect mbox = {c->area.x + reset_w + c->gap, y, submit.x - c->area.x - reset_w - 2 * c->gap, h};
            ui_text_kind(ui, WIDGET_NOTE, NULL, mbox, f->message, &note);
        }
    }
    ui_button(ui, "fb.submit", submit, f->saving ? "正在保存…" : "提交", BUTTON_PRIMARY, !f->saving);
    c->y = y + h + c->gap;
}

/* A labelled row: the label in the column on the left (landscape) or on
 * its own line above (portrait); returns the rest for the content. */
static Cursor labelled(Cursor *c, const char *label, const char *sub, int label_w, bool portrait)
{
    Ui *ui = c->ui;
    int pad = ui_px(ui, 24);
    if (portrait) {
        char line[128];
        snprintf(line, sizeof line, "%s%s%s%s", label, sub ? "（" : "", sub ? sub : "", sub ? "）" : "");
        heading(c, line, 36, true, ui_theme.text);
        return *c;
    }
    Cursor row = *c;
    TextSpec spec = {.size = ui_font(ui, 36), .bold = true, .color = ui_theme.text, .max_lines = 1};
    int lh = ui_font(ui, 36) * 135 / 100, y = c->y + (sub ? 0 : ui_px(ui, 20));
    ui_text(ui, (SDL_Rect){c->area.x + pad, y, label_w - pad, lh}, label, &spec);
    if (sub) {
        TextSpec soft = {.size = ui_font(ui, 30), .color = ui_theme.text_soft, .max_lines = 1};
        ui_text(ui, (SDL_Rect){c->area.x + pad, y + lh, label_w - pad, ui_font(ui, 30) * 135 / 100}, sub, &soft);
    }
    row.area.x += label_w;
    row.area.w -= label_w;
    return row;
}

/* The form's title, and what it is about: on one line in landscape (the
 * height is needed below), on two in portrait. */
static void form_title(Cursor *c, const char *title, const char *about, bool portrait)
{
    if (portrait) {
        heading(c, title, 48, true, ui_theme.text);
        heading(c, about, 34, false, ui_theme.text_soft);
        return;
    }
    Ui *ui = c->ui;
    TextSpec big = {.size = ui_font(ui, 48), .bold = true, .color = ui_theme.text, .max_lines = 1};
    int tw, th;
    ui_text_size(ui, title, &big, c->area.w / 2, ui_font(ui, 48) * 2, &tw, &th);
    ui_text(ui, (SDL_Rect){c->area.x, c->y, tw, th}, title, &big);
    TextSpec soft = {.size = ui_font(ui, 34), .color = ui_theme.text_soft, .max_lines = 1, .middle = true};
    int x = c->area.x + tw + ui_px(ui, 32);
    ui_text(ui, (SDL_Rect){x, c->y, c->area.x + c->area.w - x, th}, about, &soft);
    c->y += th + c->gap / 2;
}

/* The contact fields: side by side in landscape, one under the other in
 * portrait. */
static void contact_fields(Cursor *c, const Feedback *f, bool portrait, int label_w)
{
    int h = ui_px(c->ui, 100);
    if (portrait) {
        field_box(c, f, FIELD_NAME, "姓名", (SDL_Rect){c->area.x, c->y, c->area.w, h}, label_w);
        c->y += h + c->gap;
        field_box(c, f, FIELD_PHONE, "手机", (SDL_Rect){c->area.x, c->y, c->area.w, h}, label_w);
        c->y += h + c->gap;
        return;
    }
    int half = (c->area.w - c->gap) / 2;
    field_box(c, f, FIELD_NAME, "姓名", (SDL_Rect){c->area.x, c->y, half, h}, label_w);
    field_box(c, f, FIELD_PHONE, "手机", (SDL_Rect){c->area.x + half + c->gap, c->y, c->area.w - half - c->gap, h},
              ui_px(c->ui, 130));
    c->y += h + c->gap;
}

/* The room left for the comment box above the contact row and 提交. */
static int comment_height(const Cursor *c, bool portrait, int least, int most)
{
    int contact = portrait ? 2 * (ui_px(c->ui, 100) + c->gap) : ui_px(c->ui, 100) + c->gap;
    int room = c->area.y + c->area.h - c->y - contact - ui_px(c->ui, 112 + 8) - c->gap;
    return room < least ? least : room > most ? most : room;
}

/* The opinion form, in reading order: rating, reasons, the opinion, who
 * writes, then 提交. */
static void draw_form(App *app, Feedback *f, Cursor *c)
{
    bool portrait = app_portrait(app);
    int label_w = ui_px(c->ui, portrait ? 150 : 200);
    char about[600];
    snprintf(about, sizeof about, "关于：%s（各项都可不填，至少评价或写一句意见）", f->form.target.label);
    form_title(c, "写意见建议", about, portrait);
    Cursor row = labelled(c, "满意程度", NULL, label_w, portrait);
    rating_row(&row, &f->form, f->form.rating, ui_px(c->ui, portrait ? 160 : 100), false);
    c->y = row.y;
    row = labelled(c, "原因", "可多选", label_w, portrait);
    reason_chips(&row, &f->form);
    c->y = row.y;
    int ch = comment_height(c, portrait, ui_px(c->ui, 120), ui_px(c->ui, portrait ? 640 : 200));
    field_box(c, f, FIELD_COMMENT, "意见", (SDL_Rect){c->area.x, c->y, c->area.w, ch}, label_w);
    c->y += ch + c->gap;
    contact_fields(c, f, portrait, label_w);
    submit_bar(c, f);
}

/* A request and a report: a title, what happens to it, the matter, the
 * contact row, 提交. */
static void draw_matter(App *app, Feedback *f, Cursor *c)
{
    static const char *const titles[] = {[FORM_REQUEST] = "申请公开 / 群众点题", [FORM_REPORT] = "我要举报"};
    static const char *const intros[] = {
        [FORM_REQUEST] =
            "写下您希望公开的事项，我们审核办理后，会按您留下的电话告知结果。姓名和手机号码只用于答复，不会公开。",
        [FORM_REPORT] =
            "写下您要反映的问题，如党务公开不实、党员干部违纪违规。可以不留姓名；留下姓名和手机的，会告知您处理结果。",
    };
    bool portrait = app_portrait(app);
    int label_w = ui_px(c->ui, portrait ? 150 : 200);
    heading(c, titles[f->form.purpose], 48, true, ui_theme.text);
    heading(c, intros[f->form.purpose], 34, false, ui_theme.text_soft);
    int ch = comment_height(c, portrait, ui_px(c->ui, 140), ui_px(c->ui, portrait ? 800 : 300));
    field_box(c, f, FIELD_COMMENT, f->form.purpose == FORM_REPORT ? "问题" : "事项",
              (SDL_Rect){c->area.x, c->y, c->area.w, ch}, label_w);
    c->y += ch + c->gap;
    contact_fields(c, f, portrait, label_w);
    submit_bar(c, f);
}

static void draw_edit(App *app, Feedback *f, Cursor *c)
{
    Ui *ui = c->ui;
    static const char *const titles[FIELD_COUNT] = {"写意见", "填写姓名", "填写手机号码"};
    static const char *const comment_titles[] = {
        [FORM_OPINION] = "写意见", [FORM_REQUEST] = "希望公开的事项", [FORM_REPORT] = "要反映的问题"};
    const char *title = f->editing == FIELD_COMMENT ? comment_titles[f->form.purpose] : titles[f->editing];
    int kb_h = keyboard_height(ui, app_width(app));
    bool writing = keyboard_mode(keyboard) == KB_HANDWRITING && f->editing != FIELD_PHONE;
    if (writing && app_portrait(app) && c->area.h * 2 / 3 > kb_h) kb_h = c->area.h * 2 / 3; /* a taller pad */
    SDL_Rect kb_area = {0, c->area.y + c->area.h - kb_h, app_width(app), kb_h};
    size_t size;
    int max_chars;
    const char *text = field_buffer(f, f->editing, &size, &max_chars);
    char title_line[160];
    snprintf(title_line, sizeof title_line, "%s（%d/%d %s）", title, (int)SDL_utf8strlen(text), max_chars,
             f->editing == FIELD_PHONE ? "位" : "字");
    SDL_Rect box = {c->area.x, c->y, c->area.w, kb_area.y - c->y - c->gap};
    if (app_portrait(app)) {
        heading(c, title_line, 38, true, ui_theme.text);
        box = (SDL_Rect){c->area.x, c->y, c->area.w, kb_area.y - c->y - c->gap};
    } else {
        /* Landscape is short: the title beside the text, so the text keeps
         * two lines above the keyboard even under an urgent strip. */
        int title_w = ui_px(ui, 300);
        TextSpec ts = {.size = ui_font(ui, 38), .bold = true, .color = ui_theme.text, .max_lines = 3};
        snprintf(title_line, sizeof title_line, "%s\n%d/%d %s", title, (int)SDL_utf8strlen(text), max_chars,
                 f->editing == FIELD_PHONE ? "位" : "字");
        ui_text(ui, (SDL_Rect){box.x, box.y, title_w - c->gap, box.h}, title_line, &ts);
        box.x += title_w;
        box.w -= title_w;
    }
    ui_round(ui, box, ui_px(ui, 14), ui_theme.card);
    ui_round_outline(ui, box, ui_px(ui, 14), ui_px(ui, 3), ui_theme.accent);
    char shown[4200];
    snprintf(shown, sizeof shown, "%s▏", text);
    TextSpec spec = {.size = ui_font(ui, 40), .color = ui_theme.text};
    int pad = ui_px(ui, 20);
    ui_text_kind(ui, WIDGET_TEXT, NULL, (SDL_Rect){box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad}, shown,
                 &spec);
    keyboard_draw(keyboard, ui, kb_area);
}

/* The receipt number, large and grouped in a card of its own, and what to
 * do with it. */
static void receipt_card(Cursor *c, const char *receipt)
{
    Ui *ui = c->ui;
    int w = ui_px(ui, 900) < c->area.w ? ui_px(ui, 900) : c->area.w, h = ui_px(ui, 150);
    SDL_Rect card = {c->area.x + (c->area.w - w) / 2, c->y, w, h};
    ui_round(ui, card, ui_px(ui, 18), ui_theme.card);
    ui_round_outline(ui, card, ui_px(ui, 18), ui_px(ui, 4), ui_theme.accent);
    int label_w = ui_px(ui, 200);
    TextSpec label = {.size = ui_font(ui, 40), .color = ui_theme.text_soft, .middle = true, .max_lines = 1};
    ui_text(ui, (SDL_Rect){card.x + ui_px(ui, 40), card.y, label_w, h}, "回执号", &label);
    TextSpec number = {.size = ui_font(ui, 80), .bold = true, .color = ui_theme.text, .middle = true, .max_lines = 1};
    SDL_Rect nbox = {card.x + ui_px(ui, 40) + label_w, card.y, w - label_w - ui_px(ui, 80), h};
    ui_text_kind(ui, -1, NULL, nbox, receipt, &number);
    ui_record(ui, WIDGET_NOTE, "fb.receipt", receipt, nbox, false); /* named for scripts, not touchable */
    c->y += h + c->gap;
    TextSpec how = {.size = ui_font(ui, 36),
                    .bold = true,
                    .color = ui_theme.text,
                    .align = ALIGN_CENTER,
                    .max_lines = 3,
                    .flags = TEXT_NO_RUNT};
    c->y += ui_text(ui, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(ui, 36) * 4},
                    "请记下或拍照保存回执号。\n在本县任何一台党务公开触摸屏上点“查询办理结果”，输入回执号，就能查看办理"
                    "情况和答复。",
                    &how) +
            c->gap;
}

static void draw_done(App *app, Feedback *f, Cursor *c)
{
    Ui *ui = c->ui;
    int mark = ui_px(ui, f->receipt[0] ? 96 : 150);
    int cx = c->area.x + c->area.w / 2;
    c->y += c->gap * (f->receipt[0] ? 1 : 2);
    shapes_tick(ui, (SDL_Rect){cx - mark / 2, c->y, mark, mark}, ui_theme.ok, ui_theme.card);
    c->y += mark + c->gap;
    TextSpec big = {
        .size = ui_font(ui, 64), .bold = true, .color = ui_theme.text, .align = ALIGN_CENTER, .max_lines = 1};
    int h = ui_text_kind(ui, WIDGET_NOTE, NULL, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(ui, 64) * 2},
                         f->done_title, &big);
    c->y += h + c->gap;
    TextSpec small = {.size = ui_font(ui, 40),
                      .color = ui_theme.text_soft,
                      .align = ALIGN_CENTER,
                      .max_lines = 3,
                      .flags = TEXT_NO_RUNT};
    h = ui_text(ui, (SDL_Rect){c->area.x, c->y, c->area.w, ui_font(ui, 40) * 4}, f->done_text, &small);
    c->y += h + c->gap;
    if (f->receipt[0]) receipt_card(c, f->receipt);
    if (f->rated) {
        /* What was given, once more: the face and its word. */
        int k = scale_of(f->form.rating_levels, f->rated), face = ui_px(ui, 64);
        char given[96];
        snprintf(given, sizeof given, "您的评价：%s", feedback_rating_label(f->form.rating_levels, f->rated));
        TextSpec gs = {.size = ui_font(ui, 40), .bold = true, .color = ui_theme.text, .middle = true, .max_lines = 1};
        int tw, th;
        ui_text_size(ui, given, &gs, c->area.w, face, &tw, &th);
        int x = cx - (face + ui_px(ui, 16) + tw) / 2;
        shapes_face(ui, (SDL_Rect){x, c->y, face, face}, 2 - k, SCALE_COLOUR[k], ui_theme.card);
        ui_text(ui, (SDL_Rect){x + face + ui_px(ui, 16), c->y, tw, face}, given, &gs);
        c->y += face + c->gap;
    }
    c->y += c->gap;
    SDL_Rect row = c->area;
    int w = ui_px(ui, app_portrait(app) ? 440 : 480);
    Cursor centred = *c;
    centred.area = (SDL_Rect){row.x + (row.w - w) / 2, row.y, w, row.h};
    static const char *const more_id[] = {"fb.more"}, *const more_label[] = {"补充原因和意见"};
    static const char *const again_id[] = {"fb.cancel"}, *const again_label[] = {"再提一条"};
    static const char *const ans_id[] = {"fb.answers"}, *const ans_label[] = {"查看回复公开"};
    static const ButtonStyle primary[] = {BUTTON_PRIMARY}, quiet[] = {BUTTON_QUIET};
    if (!app_portrait(app)) {
        /* Landscape is short: the two side by side, the next step first. */
        static const char *const ids[2][2] = {{"fb.cancel", "fb.answers"}, {"fb.more", "fb.answers"}};
        static const char *const labels[2][2] = {{"再提一条", "查看回复公开"}, {"补充原因和意见", "查看回复公开"}};
        static const ButtonStyle styles[] = {BUTTON_PRIMARY, BUTTON_QUIET};
        Cursor pair = *c;
        pair.area = (SDL_Rect){row.x + (row.w - 2 * w - c->gap) / 2, row.y, 2 * w + c->gap, row.h};
        action_row(&pair, ids[f->rated != 0], labels[f->rated != 0], styles, 2);
        return;
    }
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
    case VIEW_REQUEST:
    case VIEW_REPORT: draw_matter(app, f, &c); break;
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
    .visitor_input = true,
};

/* The keyboard's engines are freed a while after it closed, whatever
 * screen the kiosk shows by then (keyboard_release_idle). */
static int release_keyboard(void *ctx, uint32_t now_ms)
{
    (void)ctx;
    return keyboard ? keyboard_release_idle(keyboard, now_ms) : -1;
}

int feedback_screens_register(App *app, Err *err)
{
    Err kb_err;
    if (!keyboard && keyboard_open(app_config(app), &keyboard, &kb_err))
        log_error("feedback: no on-screen keyboard (%s); ratings still work", kb_err.msg);
    if (keyboard && app_config(app)->headless) keyboard_wait_ready(keyboard);
    app_set_housekeeping(app, release_keyboard, NULL);
    Err w_err;
    if (!writer &&
        feedback_writer_start(app_config(app)->db_path, FEEDBACK_WRITER_DEADLINE_MS, app_post_redraw, &writer, &w_err))
        log_error("feedback: %s; submissions cannot be saved", w_err.msg);
    if (app_register(app, &screen_feedback) || app_register(app, &screen_answers) ||
        app_register(app, &screen_answer) || app_register(app, &screen_lookup))
        return err_set(err, "no room to register the feedback screens");
    return 0;
}

Keyboard *feedback_keyboard(void) { return keyboard; }

int feedback_screens_settle(bool all, int timeout_ms)
{
    static unsigned settled; /* the runner has waited for the submissions up to this ticket */
    unsigned none = 0;
    return feedback_writer_settle(writer, all ? &none : &settled, timeout_ms);
}

void feedback_screens_shutdown(void)
{
    feedback_writer_stop(writer);
    writer = NULL;
    keyboard_close(keyboard);
    keyboard = NULL;
}
