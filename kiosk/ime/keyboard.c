#include "keyboard.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ime_handwriting.h"
#include "ime_pinyin.h"
#include "log.h"
#include "number.h"

#define ROW_H 96 /* design px at 1080p */
#define GAP 10
#define MIN_KEY UI_MIN_TARGET
#define HW_CANDIDATES 10
#define MAX_PAGES 64 /* candidate pages a visitor can step back through */
#define MAX_POINTS IME_HW_MAX_POINTS
#define TEXT_INSET 28 /* design px: notes and typed pinyin stand clear of the screen's edge */

static const char *const MODE_LABEL[KB_MODE_COUNT] = {"拼音", "手写", "ABC", "123", "符号"};
static const char *const MODE_ID[KB_MODE_COUNT] = {"kb.mode:pinyin", "kb.mode:hand", "kb.mode:abc", "kb.mode:123",
                                                   "kb.mode:sym"};

/* Key rows per mode; each string is one row, keys separated by spaces. */
static const char *const LETTER_ROWS[3] = {"q w e r t y u i o p", "a s d f g h j k l", "z x c v b n m"};
static const char *const DIGIT_ROWS[3] = {"1 2 3 4 5 6 7 8 9 0", "年 月 日 号 元 % . - / ：",
                                          "第 个 次 户 人 组 栋 室 + #"};
static const char *const SYMBOL_ROWS[3] = {"， 。 、 ？ ！ ： ； “ ” ……", "（ ） 《 》 — · @ # % /",
                                           ", . ? ! - + = ~ * &"};
static const char *const KEYPAD_ROWS[4] = {"1 2 3", "4 5 6", "7 8 9", "DEL 0 CLR"};

struct Keyboard {
    Fonts *fonts; /* the ui's, known from the first draw */
    const Config *cfg; /* where the engines' data is; outlives the keyboard */
    ImePinyin *pinyin; /* NULL until first needed, when released, or when its data is missing */
    ImeHandwriting *hw; /* NULL until first needed, when released, or when its model is missing */
    bool pinyin_ready, pinyin_failed, hw_failed; /* failed: retried at the next attach */
    bool wait_deploy; /* headless: a pinyin open waits for its deployment */
    bool closed_seen; /* closed_at holds when the keyboard was first seen closed */
    uint32_t closed_at;

    char *buf; /* the attached field */
    size_t size;
    int max_chars;
    KbField field;
    KbMode mode, text_mode;
    bool caps;

    /* pinyin candidate bar */
    int cand_first; /* index of the first shown */
    int cand_shown; /* how many the last draw used up */
    int cand_best; /* the first one shown, what 空格 takes; -1 = none */
    bool cand_more;
    int page_starts[MAX_PAGES]; /* firsts of the pages before this one */
    int page_depth;

    /* handwriting: two boxes side by side; a stroke begun in the other
     * box takes the best candidate of this one (no timer: slow writers
     * are never hurried) */
    SDL_Rect pad; /* the box being written in (window px) */
    SDL_Rect boxes[2]; /* both boxes as drawn */
    int box; /* which of them is being written in */
    bool stroking;
    SDL_Point pts[MAX_POINTS]; /* the strokes as drawn, for showing them */
    int stroke_end[IME_HW_MAX_STROKES];
    int strokes, points;
    ImeHwCandidate hw_cand[HW_CANDIDATES];
    int hw_count;
};

/* The engines cost memory (librime's tables, zinnia's model) that a kiosk
 * nobody writes on should not hold: they open when their mode is first
 * shown and are freed by keyboard_release_idle(). */
int keyboard_open(const Config *cfg, Keyboard **out, Err *err)
{
    Keyboard *kb = calloc(1, sizeof *kb);
    if (!kb) return err_set(err, "out of memory");
    kb->cfg = cfg;
    keyboard_reset(kb);
    *out = kb;
    return 0;
}

static void release_engines(Keyboard *kb)
{
    ime_pinyin_close(kb->pinyin);
    ime_handwriting_close(kb->hw);
    kb->pinyin = NULL;
    kb->hw = NULL;
    kb->pinyin_ready = false;
    /* librime frees its tables into malloc's arenas; give the pages back
     * to the system, or the release would not show in RSS (bench_ime). */
    malloc_trim(0);
}

void keyboard_close(Keyboard *kb)
{
    if (!kb) return;
    release_engines(kb);
    free(kb);
}

static void drop_pinyin(Keyboard *kb, const char *why)
{
    log_warn("keyboard: pinyin input unavailable: %s", why);
    ime_pinyin_close(kb->pinyin);
    kb->pinyin = NULL;
    kb->pinyin_failed = true;
}

/* Opening only starts librime's deployment (ime_pinyin.h): the frame
 * goes on and the candidate bar says 正在准备输入法… until it is done. */
static void need_pinyin(Keyboard *kb)
{
    if (kb->pinyin || kb->pinyin_failed || !kb->buf) return;
    Err e;
    if (ime_pinyin_open(kb->cfg->rime_shared_dir, kb->cfg->rime_user_dir, &kb->pinyin, &e)) {
        drop_pinyin(kb, e.msg);
        return;
    }
    if (kb->wait_deploy) keyboard_wait_ready(kb);
}

/* zinnia maps its model file: opening takes about a millisecond
 * (bench_ime), so it is done in the frame that shows the pad. */
static void need_handwriting(Keyboard *kb)
{
    if (kb->hw || kb->hw_failed || !kb->buf) return;
    Err e;
    if (ime_handwriting_open(kb->cfg->handwriting_model, &kb->hw, &e)) {
        log_warn("keyboard: handwriting unavailable: %s", e.msg);
        kb->hw_failed = true;
    }
}

int keyboard_release_idle(Keyboard *kb, uint32_t now_ms)
{
    if (kb->buf || (!kb->pinyin && !kb->hw)) {
        kb->closed_seen = false;
        return -1;
    }
    if (!kb->closed_seen) {
        kb->closed_seen = true;
        kb->closed_at = now_ms;
    }
    uint32_t after_ms = (uint32_t)kb->cfg->ime_release_minutes * 60000u, closed = now_ms - kb->closed_at;
    if (closed < after_ms) return (int)(after_ms - closed);
    log_info("keyboard: input engines released after %d min closed", kb->cfg->ime_release_minutes);
    release_engines(kb);
    kb->closed_seen = false;
    return -1;
}

bool keyboard_engine_loaded(const Keyboard *kb, KbMode mode)
{
    return mode == KB_PINYIN ? kb->pinyin != NULL : mode == KB_HANDWRITING ? kb->hw != NULL : false;
}

bool keyboard_poll(Keyboard *kb)
{
    if (!kb->pinyin || kb->pinyin_ready || kb->pinyin_failed) return false;
    Err err;
    int rc = ime_pinyin_ready(kb->pinyin, &err);
    if (rc == 0) return false;
    if (rc < 0) {
        drop_pinyin(kb, err.msg);
    } else {
        kb->pinyin_ready = true;
    }
    return true;
}

void keyboard_wait_ready(Keyboard *kb)
{
    kb->wait_deploy = true;
    if (!kb->pinyin || kb->pinyin_ready || kb->pinyin_failed) return;
    Err err;
    if (ime_pinyin_wait_ready(kb->pinyin, &err)) {
        drop_pinyin(kb, err.msg);
        return;
    }
    kb->pinyin_ready = true;
}

bool keyboard_mode_available(Keyboard *kb, KbMode mode)
{
    if (mode == KB_PINYIN) {
        need_pinyin(kb);
        keyboard_poll(kb);
        return kb->pinyin_ready;
    }
    if (mode == KB_HANDWRITING) {
        need_handwriting(kb);
        return kb->hw != NULL;
    }
    return mode >= 0 && mode < KB_MODE_COUNT;
}

/* ---- editing the field ------------------------------------------------ */

static int char_count(const char *s) { return (int)SDL_utf8strlen(s); }

/* Appends as many whole characters of text as the field takes. */
static void insert_text(Keyboard *kb, const char *text)
{
    if (!kb->buf) return;
    size_t len = strlen(kb->buf);
    int room = kb->max_chars - char_count(kb->buf);
    const char *p = text;
    while (*p && room > 0) {
        size_t n = 1;
        while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80) n++;
        if (len + n >= kb->size) break;
        if (kb->field == KB_FIELD_PHONE && !(n == 1 && *p >= '0' && *p <= '9')) break;
        memcpy(kb->buf + len, p, n);
        len += n;
        kb->buf[len] = '\0';
        p += n;
        room--;
    }
}

static void delete_last_char(Keyboard *kb)
{
    if (!kb->buf) return;
    size_t len = strlen(kb->buf);
    while (len > 0 && ((unsigned char)kb->buf[len - 1] & 0xC0) == 0x80) len--;
    if (len > 0) len--;
    kb->buf[len] = '\0';
}

/* ---- pinyin ----------------------------------------------------------- */

static bool composing(Keyboard *kb) { return kb->pinyin_ready && ime_pinyin_composing(kb->pinyin); }

static void reset_pages(Keyboard *kb)
{
    kb->cand_first = 0;
    kb->cand_shown = 0;
    kb->cand_best = -1;
    kb->page_depth = 0;
}

static void choose_candidate(Keyboard *kb, int index)
{
    char text[512];
    Err err;
    int rc = ime_pinyin_choose(kb->pinyin, index, text, sizeof text, &err);
    if (rc < 0) log_warn("keyboard: %s", err.msg);
    if (rc == 1) insert_text(kb, text);
    reset_pages(kb);
}

/* The visitor moves on (another mode, 完成, a punctuation key): what is
 * being composed is taken as the first candidate, as the space bar does. */
/* The first candidate the fonts can draw (all of them before the first
 * draw, when the fonts are not known yet). */
static int first_drawable(Keyboard *kb)
{
    ImeCandidates c;
    Err err;
    if (!kb->fonts || ime_pinyin_candidates(kb->pinyin, 0, IME_PAGE_MAX, &c, &err)) return 0;
    for (int i = 0; i < c.count; i++) {
        uint32_t missing;
        if (fonts_missing_glyphs(kb->fonts, c.text[i], &missing) == 0) return i;
    }
    return 0;
}

static void settle_pinyin(Keyboard *kb)
{
    while (composing(kb)) {
        int before = (int)strlen(ime_pinyin_preedit(kb->pinyin));
        choose_candidate(kb, first_drawable(kb));
        if (composing(kb) && (int)strlen(ime_pinyin_preedit(kb->pinyin)) == before) {
            ime_pinyin_clear(kb->pinyin); /* no candidate at all: drop the letters */
        }
    }
}

/* ---- handwriting ------------------------------------------------------ */

static void clear_strokes(Keyboard *kb)
{
    if (kb->hw) ime_handwriting_clear(kb->hw);
    kb->strokes = kb->points = kb->hw_count = 0;
    kb->stroking = false;
}

static void recognise(Keyboard *kb)
{
    Err err;
    if (ime_handwriting_recognize(kb->hw, kb->hw_cand, HW_CANDIDATES, &kb->hw_count, &err)) {
        log_warn("keyboard: %s", err.msg);
        kb->hw_count = 0;
    }
}

static void take_handwritten(Keyboard *kb, int index)
{
    if (index >= 0 && index < kb->hw_count) insert_text(kb, kb->hw_cand[index].text);
    clear_strokes(kb);
}

static void settle_handwriting(Keyboard *kb)
{
    if (kb->strokes > 0 && kb->hw_count > 0) take_handwritten(kb, 0);
    else clear_strokes(kb);
}

static void undo_stroke(Keyboard *kb)
{
    ime_handwriting_undo_stroke(kb->hw);
    kb->strokes--;
    kb->points = kb->strokes > 0 ? kb->stroke_end[kb->strokes - 1] : 0;
    if (kb->strokes > 0) recognise(kb);
    else kb->hw_count = 0;
}

static bool in_rect(const SDL_Rect *r, int x, int y)
{
    return x >= r->x && y >= r->y && x < r->x + r->w && y < r->y + r->h;
}

static void pen_point(Keyboard *kb, int x, int y, bool first)
{
    ImeHwPad pad = {kb->pad.x, kb->pad.y, kb->pad.w, kb->pad.h};
    Err err;
    int rc = first ? ime_handwriting_begin_stroke(kb->hw, &pad, x, y, &err)
                   : ime_handwriting_add_point(kb->hw, &pad, x, y, &err);
    if (rc) {
        kb->stroking = first ? false : kb->stroking;
        return;
    }
    if (first) kb->strokes++;
    if (kb->points < MAX_POINTS) {
        int cx = x < kb->pad.x ? kb->pad.x : x > kb->pad.x + kb->pad.w ? kb->pad.x + kb->pad.w : x;
        int cy = y < kb->pad.y ? kb->pad.y : y > kb->pad.y + kb->pad.h ? kb->pad.y + kb->pad.h : y;
        kb->pts[kb->points++] = (SDL_Point){cx, cy};
    }
    kb->stroke_end[kb->strokes - 1] = kb->points;
}

bool keyboard_pointer(Keyboard *kb, const InputEvent *in, uint32_t now_ms)
{
    (void)now_ms; /* no timer decides anything: the boxes do */
    if (!kb->buf || kb->mode != KB_HANDWRITING || !kb->hw) return false;
    if (in->kind == INPUT_PRESS) {
        int other = 1 - kb->box;
        if (kb->boxes[other].w > 0 && in_rect(&kb->boxes[other], in->x, in->y)) {
            /* The next character begins: the one written so far is taken. */
            settle_handwriting(kb);
            kb->box = other;
            kb->pad = kb->boxes[other];
        } else if (!in_rect(&kb->pad, in->x, in->y)) {
            return false;
        }
        kb->stroking = true;
        pen_point(kb, in->x, in->y, true);
        return true;
    }
    if (!kb->stroking) return false;
    int x = in->x + in->dx, y = in->y + in->dy;
    switch (in->kind) {
    case INPUT_MOVE: pen_point(kb, x, y, false); return true;
    case INPUT_LONG_PRESS: /* a finger resting mid-stroke: still writing */ return true;
    default: /* released: tap (a dot), swipe or cancel */
        pen_point(kb, x, y, false);
        kb->stroking = false;
        recognise(kb);
        return true;
    }
}

/* ---- attaching and modes ---------------------------------------------- */

void keyboard_attach(Keyboard *kb, char *buf, size_t size, int max_chars, KbField field)
{
    keyboard_detach(kb);
    kb->buf = buf;
    kb->size = size;
    kb->max_chars = max_chars;
    kb->field = field;
    kb->caps = false;
    kb->closed_seen = false;
    /* An engine that failed to open is tried again for the next field. */
    kb->pinyin_failed = false;
    kb->hw_failed = false;
    kb->mode = field == KB_FIELD_PHONE ? KB_DIGITS : kb->text_mode;
    /* An engine that cannot open (still deploying is not that) sends the
     * visitor on to the next way of writing: 拼音, 手写, then ABC. */
    if (kb->mode == KB_PINYIN && !keyboard_mode_available(kb, KB_PINYIN) && !kb->pinyin) kb->mode = KB_HANDWRITING;
    if (kb->mode == KB_HANDWRITING && !keyboard_mode_available(kb, KB_HANDWRITING)) kb->mode = KB_LATIN;
}

void keyboard_detach(Keyboard *kb)
{
    if (kb->pinyin_ready) ime_pinyin_clear(kb->pinyin);
    reset_pages(kb);
    clear_strokes(kb);
    kb->buf = NULL;
}

bool keyboard_attached(const Keyboard *kb) { return kb->buf != NULL; }

void keyboard_reset(Keyboard *kb)
{
    keyboard_detach(kb);
    kb->text_mode = KB_PINYIN;
    kb->mode = KB_PINYIN;
    kb->caps = false;
}

KbMode keyboard_mode(const Keyboard *kb) { return kb->mode; }

void keyboard_set_mode(Keyboard *kb, KbMode mode)
{
    if (mode < 0 || mode >= KB_MODE_COUNT || kb->field == KB_FIELD_PHONE) return;
    if (mode == KB_HANDWRITING && !keyboard_mode_available(kb, KB_HANDWRITING)) return;
    if (mode == KB_PINYIN) need_pinyin(kb);
    /* Letters typed as pinyin and then taken to ABC were meant as Latin
     * text ("wifi"): they go in as typed.  Any other switch takes the
     * first candidate. */
    char raw[256];
    if (mode == KB_LATIN && composing(kb) && ime_pinyin_commit_raw(kb->pinyin, raw, sizeof raw) == 1)
        insert_text(kb, raw);
    settle_pinyin(kb);
    settle_handwriting(kb);
    reset_pages(kb);
    kb->mode = mode;
    if (mode == KB_PINYIN || mode == KB_HANDWRITING || mode == KB_LATIN) kb->text_mode = mode;
}

/* ---- keys ------------------------------------------------------------- */

/* A one-letter key a-z ("q"), which ABC shows and types in upper case
 * while 大写 is on. */
static bool is_letter_key(const char *key) { return key[0] >= 'a' && key[0] <= 'z' && key[1] == '\0'; }

static void key_char(Keyboard *kb, const char *text)
{
    if (kb->mode == KB_PINYIN && is_letter_key(text)) {
        if (!kb->pinyin_ready) return;
        if (ime_pinyin_type(kb->pinyin, text[0]) == 0) {
            reset_pages(kb);
            return;
        }
    }
    if (kb->mode == KB_PINYIN && strcmp(text, "'") == 0 && composing(kb)) {
        ime_pinyin_type(kb->pinyin, '\'');
        return;
    }
    settle_pinyin(kb);
    if (kb->mode == KB_LATIN && kb->caps && is_letter_key(text)) {
        char up[2] = {(char)(text[0] - 'a' + 'A'), 0};
        insert_text(kb, up);
        return;
    }
    insert_text(kb, text);
}

static void key_delete(Keyboard *kb)
{
    if (composing(kb)) {
        ime_pinyin_backspace(kb->pinyin);
        reset_pages(kb);
    } else if (kb->mode == KB_HANDWRITING && kb->strokes > 0) {
        undo_stroke(kb);
    } else {
        delete_last_char(kb);
    }
}

static void key_clear(Keyboard *kb)
{
    if (kb->pinyin_ready) ime_pinyin_clear(kb->pinyin);
    reset_pages(kb);
    clear_strokes(kb);
    if (kb->buf) kb->buf[0] = '\0';
}

static void page_next(Keyboard *kb)
{
    if (!kb->cand_more || kb->cand_shown <= 0) return;
    if (kb->page_depth < MAX_PAGES) kb->page_starts[kb->page_depth++] = kb->cand_first;
    kb->cand_first += kb->cand_shown;
}

static void page_prev(Keyboard *kb)
{
    if (kb->page_depth > 0) kb->cand_first = kb->page_starts[--kb->page_depth];
}

/* The number at the end of a widget id ("kb.cand:3"); -1, which no list
 * holds, when it is not one. */
static int widget_index(const char *text)
{
    int i;
    return number_parse_int(text, 0, 1000000, &i) == 0 ? i : -1;
}

KbResult keyboard_tap(Keyboard *kb, const char *id)
{
    if (strncmp(id, "kb.", 3) != 0 || !kb->buf) return KB_IGNORED;
    const char *what = id + 3;
    if (strncmp(what, "char:", 5) == 0) key_char(kb, what + 5);
    else if (strncmp(what, "cand:", 5) == 0) choose_candidate(kb, widget_index(what + 5));
    else if (strncmp(what, "hw:", 3) == 0) take_handwritten(kb, widget_index(what + 3));
    else if (strcmp(what, "next") == 0) page_next(kb);
    else if (strcmp(what, "prev") == 0) page_prev(kb);
    else if (strcmp(what, "space") == 0) {
        if (composing(kb)) choose_candidate(kb, kb->cand_best >= 0 ? kb->cand_best : kb->cand_first);
        else insert_text(kb, " ");
    } else if (strcmp(what, "del") == 0) key_delete(kb);
    else if (strcmp(what, "clear") == 0) key_clear(kb);
    else if (strcmp(what, "rewrite") == 0) clear_strokes(kb);
    else if (strcmp(what, "caps") == 0) kb->caps = !kb->caps;
    else if (strcmp(what, "done") == 0) {
        settle_pinyin(kb);
        settle_handwriting(kb);
        return KB_DONE;
    } else {
        for (int m = 0; m < KB_MODE_COUNT; m++)
            if (strcmp(id, MODE_ID[m]) == 0) keyboard_set_mode(kb, (KbMode)m);
    }
    return KB_HANDLED;
}

/* ---- drawing ---------------------------------------------------------- */

/* Below this width the mode keys get a row of their own (portrait). */
#define ONE_BOTTOM_ROW_MIN_W 1400

static int row_count(const Ui *ui, int width) { return width < ui_px(ui, ONE_BOTTOM_ROW_MIN_W) ? 6 : 5; }

int keyboard_height(const Ui *ui, int width)
{
    int rows = row_count(ui, width);
    return rows * ui_px(ui, ROW_H) + (rows + 1) * ui_px(ui, GAP);
}

typedef struct Rows {
    SDL_Rect area;
    int row_h, gap, key_w;
    int rows; /* 5, or 6 when the mode keys have their own row */
    int extra; /* height beyond keyboard_height() */
    int shift_from; /* the first row moved down by extra */
} Rows;

/* Rows from shift_from on move down by the room the keyboard has beyond
 * its own height: the keys stay at the bottom, near the finger, and the
 * handwriting pad (rows 1-3) grows instead. */
static SDL_Rect row_rect(const Rows *g, int row)
{
    int y = g->area.y + g->gap + row * (g->row_h + g->gap) + (row >= g->shift_from ? g->extra : 0);
    return (SDL_Rect){g->area.x + g->gap, y, g->area.w - 2 * g->gap, g->row_h};
}

/* One row of equal keys, centred, from a space-separated list.  DEL and
 * CLR stand for 删除 and 清空 (the keypad has them beside the 0). */
static void draw_key_row(Keyboard *kb, Ui *ui, const Rows *g, int row, const char *keys, int key_w, bool enabled)
{
    char list[256];
    snprintf(list, sizeof list, "%s", keys);
    char *save = NULL, *names[16];
    int n = 0;
    for (char *k = strtok_r(list, " ", &save); k && n < 16; k = strtok_r(NULL, " ", &save)) names[n++] = k;
    SDL_Rect r = row_rect(g, row);
    int total = n * key_w + (n - 1) * g->gap;
    int x = r.x + (r.w - total) / 2;
    for (int i = 0; i < n; i++, x += key_w + g->gap) {
        SDL_Rect key = {x, r.y, key_w, r.h};
        if (strcmp(names[i], "DEL") == 0) {
            ui_button(ui, "kb.del", key, "删除", BUTTON_SECONDARY, enabled);
            continue;
        }
        if (strcmp(names[i], "CLR") == 0) {
            ui_button(ui, "kb.clear", key, "清空", BUTTON_SECONDARY, enabled);
            continue;
        }
        char id[96], label[32];
        snprintf(id, sizeof id, "kb.char:%s", names[i]);
        snprintf(label, sizeof label, "%s", names[i]);
        if (kb->mode == KB_LATIN && kb->caps && is_letter_key(label)) label[0] = (char)(label[0] - 'a' + 'A');
        ui_button(ui, id, key, label, BUTTON_SECONDARY, enabled);
    }
}

static void draw_note(Ui *ui, SDL_Rect box, const char *text)
{
    TextSpec spec = {.size = ui_font(ui, 34), .color = ui_theme.text_soft, .middle = true, .max_lines = 1};
    int inset = ui_px(ui, TEXT_INSET);
    ui_text(ui, (SDL_Rect){box.x + inset, box.y, box.w - inset, box.h}, text, &spec);
}

/* Candidate buttons from x to limit, as many as fit.  A candidate that no
 * font can draw (librime knows rare characters the kiosk's fonts lack) is
 * passed over: a visitor must never be offered a box.  Returns how many
 * of texts were used up, shown or passed over; *first_shown receives the
 * index of the first one shown (-1 for none). */
static int draw_candidates(Ui *ui, const char *prefix, int first, char texts[][IME_CANDIDATE_MAX], int count, int x,
                           int limit, SDL_Rect bar, int gap, int *first_shown)
{
    /* Measured, not rendered: ui_text_size would cache a texture of each
     * candidate beside its button's label, and candidates change with
     * every keystroke (the texture cache keeps what a frame drew for 240
     * frames).  The button's label is drawn in ui_button's bold 38. */
    TextStyle style = {.size_px = ui_font(ui, 38), .bold = true, .line_spacing_pct = 135};
    *first_shown = -1;
    int i;
    for (i = 0; i < count && limit - x >= ui_px(ui, MIN_KEY); i++) {
        uint32_t missing;
        if (fonts_missing_glyphs(ui_fonts(ui), texts[i], &missing) > 0) continue;
        int w = text_measure(ui_fonts(ui), texts[i], &style) + ui_px(ui, 44);
        if (w < ui_px(ui, MIN_KEY)) w = ui_px(ui, MIN_KEY);
        if (x + w > limit && *first_shown >= 0) break;
        if (x + w > limit) w = limit - x;
        char id[96];
        snprintf(id, sizeof id, "%s%d", prefix, first + i);
        bool best = *first_shown < 0;
        ui_button(ui, id, (SDL_Rect){x, bar.y, w, bar.h}, texts[i], best ? BUTTON_PRIMARY : BUTTON_SECONDARY, true);
        if (best) *first_shown = first + i;
        x += w + gap;
    }
    return i;
}

static void draw_pinyin_bar(Keyboard *kb, Ui *ui, const Rows *g)
{
    SDL_Rect bar = row_rect(g, 0);
    if (!kb->pinyin_ready) {
        draw_note(ui, bar, kb->pinyin_failed || !kb->pinyin ? "拼音输入不可用，请用手写" : "正在准备输入法…");
        return;
    }
    if (!composing(kb)) {
        draw_note(ui, bar, "点字母输入拼音，再点上方的字");
        return;
    }
    int pre_w = bar.w / 5, inset = ui_px(ui, TEXT_INSET);
    TextSpec spec = {.size = ui_font(ui, 36), .color = ui_theme.accent, .middle = true, .max_lines = 1};
    ui_text(ui, (SDL_Rect){bar.x + inset, bar.y, pre_w - inset, bar.h}, ime_pinyin_preedit(kb->pinyin), &spec);
    ImeCandidates c;
    Err err;
    if (ime_pinyin_candidates(kb->pinyin, kb->cand_first, IME_PAGE_MAX, &c, &err)) log_warn("keyboard: %s", err.msg);
    int arrow = ui_px(ui, MIN_KEY + 16);
    int limit = bar.x + bar.w - 2 * (arrow + g->gap);
    kb->cand_shown = draw_candidates(ui, "kb.cand:", c.first, c.text, c.count, bar.x + pre_w + g->gap, limit, bar,
                                     g->gap, &kb->cand_best);
    kb->cand_more = c.more || kb->cand_shown < c.count;
    int x = bar.x + bar.w - 2 * arrow - g->gap;
    ui_button(ui, "kb.prev", (SDL_Rect){x, bar.y, arrow, bar.h}, "◀", BUTTON_QUIET, kb->page_depth > 0);
    ui_button(ui, "kb.next", (SDL_Rect){x + arrow + g->gap, bar.y, arrow, bar.h}, "▶", BUTTON_QUIET, kb->cand_more);
}

static void draw_hw_bar(Keyboard *kb, Ui *ui, const Rows *g)
{
    SDL_Rect bar = row_rect(g, 0);
    if (kb->hw_count == 0) {
        draw_note(ui, bar, "在方框里写一个字，再点上方的字；也可以直接在另一格写下一个字");
        return;
    }
    char texts[HW_CANDIDATES][IME_CANDIDATE_MAX];
    for (int i = 0; i < kb->hw_count; i++) snprintf(texts[i], IME_CANDIDATE_MAX, "%s", kb->hw_cand[i].text);
    int best;
    draw_candidates(ui, "kb.hw:", 0, texts, kb->hw_count, bar.x, bar.x + bar.w, bar, g->gap, &best);
}

/* The ink: points are where the finger was (window px); the ui adds the
 * frame's drift again, so it is taken off first. */
static void draw_strokes(Keyboard *kb, Ui *ui, int drift_x, int drift_y)
{
    int from = 0, width = ui_px(ui, 10);
    for (int s = 0; s < kb->strokes; s++) {
        int to = kb->stroke_end[s];
        for (int i = from; i < to; i++) {
            float x = (float)(kb->pts[i].x - drift_x), y = (float)(kb->pts[i].y - drift_y);
            ui_disc(ui, (int)x, (int)y, width / 2, ui_theme.text);
            if (i + 1 < to)
                ui_thick_line(ui, x, y, (float)(kb->pts[i + 1].x - drift_x), (float)(kb->pts[i + 1].y - drift_y),
                              (float)width, ui_theme.text);
        }
        from = to;
    }
}

static void draw_latin_bar(Keyboard *kb, Ui *ui, const Rows *g)
{
    SDL_Rect bar = row_rect(g, 0);
    int w = g->key_w * 2;
    /* A visitor sent here because neither Chinese engine opened (their
     * library or data missing, named in the log) is told so. */
    const char *note = kb->pinyin_failed && kb->hw_failed ? "中文输入暂不可用，可输入字母"
                       : kb->caps                         ? "输入大写字母"
                                                          : "输入小写字母";
    draw_note(ui, (SDL_Rect){bar.x, bar.y, bar.w - w - g->gap, bar.h}, note);
    ui_button(ui, "kb.caps", (SDL_Rect){bar.x + bar.w - w, bar.y, w, bar.h}, kb->caps ? "小写" : "大写",
              BUTTON_SECONDARY, true);
}

/* One writing box with a faint centre cross; the cross stays clear of
 * the line of text at its top (请在这里写字 / 接着写下一个字). */
static void draw_box(Ui *ui, SDL_Rect box, bool active, const char *hint, int gap)
{
    ui_round(ui, box, ui_px(ui, 14), ui_theme.card);
    ui_round_outline(ui, box, ui_px(ui, 14), ui_px(ui, active ? 4 : 2), active ? ui_theme.accent : ui_theme.card_line);
    int line = ui_px(ui, 2), hint_h = ui_font(ui, 34) * 3 / 2 + gap;
    ui_fill(ui, (SDL_Rect){box.x + gap, box.y + box.h / 2 + hint_h / 2 - line / 2, box.w - 2 * gap, line},
            ui_theme.pressed_card);
    ui_fill(ui, (SDL_Rect){box.x + box.w / 2 - line / 2, box.y + hint_h + gap, line, box.h - hint_h - 2 * gap},
            ui_theme.pressed_card);
    if (!hint) return;
    TextSpec spec = {
        .size = ui_font(ui, 34), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .middle = true, .max_lines = 1};
    ui_text_kind(ui, -1, NULL, (SDL_Rect){box.x + gap, box.y + gap, box.w - 2 * gap, hint_h - gap}, hint, &spec);
}

/* The writing pad: two boxes side by side, each about as wide as it is
 * tall (one character at a time); 重写 beside them empties the box being
 * written in.  Writing in the other box starts the next character and
 * takes the best candidate of this one, so nothing is taken by a timer. */
static void draw_pad(Keyboard *kb, Ui *ui, const Rows *g)
{
    SDL_Rect top = row_rect(g, 1), bottom = row_rect(g, 3);
    int side_w = ui_px(ui, 180);
    int h = bottom.y + bottom.h + g->extra - top.y;
    int room = top.w - 2 * (side_w + g->gap);
    int w = h * 2 + g->gap;
    if (w > room) w = room;
    SDL_Rect pad = {top.x + (top.w - w) / 2, top.y, w, h};
    int box_w = (w - g->gap) / 2;
    SDL_Rect boxes[2] = {{pad.x, pad.y, box_w, h}, {pad.x + box_w + g->gap, pad.y, w - box_w - g->gap, h}};
    for (int i = 0; i < 2; i++) {
        bool active = i == kb->box;
        const char *hint = active ? (kb->strokes ? NULL : "请在这里写字") : kb->strokes ? "接着写下一个字" : NULL;
        draw_box(ui, boxes[i], active && kb->strokes, hint, g->gap);
        kb->boxes[i] = ui_drift(ui, boxes[i]);
    }
    kb->pad = kb->boxes[kb->box];
    ui_record(ui, WIDGET_NOTE, "kb.pad", kb->strokes ? "" : "请在这里写字", boxes[kb->box], false);
    ui_record(ui, WIDGET_NOTE, "kb.pad.next", kb->strokes ? "接着写下一个字" : "", boxes[1 - kb->box], false);
    draw_strokes(kb, ui, kb->pad.x - boxes[kb->box].x, kb->pad.y - boxes[kb->box].y);
    SDL_Rect side_box = {pad.x + pad.w + g->gap, top.y, side_w, g->row_h * 2 + g->gap};
    ui_button(ui, "kb.rewrite", side_box, "重写", BUTTON_SECONDARY, kb->strokes > 0);
}

static void mode_keys(Keyboard *kb, Ui *ui, SDL_Rect r, int key_w, int gap)
{
    for (int m = 0; m < KB_MODE_COUNT; m++) {
        bool on = kb->mode == (KbMode)m;
        bool usable = m == KB_PINYIN ? !kb->pinyin_failed : m == KB_HANDWRITING ? !kb->hw_failed : true;
        SDL_Rect k = {r.x + m * (key_w + gap), r.y, key_w, r.h};
        ui_button(ui, MODE_ID[m], k, MODE_LABEL[m], on ? BUTTON_PRIMARY : BUTTON_QUIET, usable);
    }
}

/* 空格 fills what the other keys leave. */
static void control_keys(Ui *ui, SDL_Rect r, int ctl_w, int gap)
{
    static const char *const ids[] = {"kb.space", "kb.del", "kb.clear", "kb.done"};
    static const char *const labels[] = {"空格", "删除", "清空", "完成"};
    int space_w = r.w - 3 * (ctl_w + gap);
    if (space_w < ui_px(ui, MIN_KEY)) space_w = ui_px(ui, MIN_KEY);
    ui_button(ui, ids[0], (SDL_Rect){r.x, r.y, space_w, r.h}, labels[0], BUTTON_SECONDARY, true);
    int x = r.x + space_w + gap;
    for (int i = 1; i < 4; i++, x += ctl_w + gap)
        ui_button(ui, ids[i], (SDL_Rect){x, r.y, ctl_w, r.h}, labels[i], i == 3 ? BUTTON_PRIMARY : BUTTON_SECONDARY,
                  true);
}

/* The mode keys and 空格 删除 清空 完成: one row when wide, two when narrow. */
static void draw_bottom_rows(Keyboard *kb, Ui *ui, const Rows *g)
{
    SDL_Rect r = row_rect(g, 4);
    int ctl_w = g->key_w + g->key_w / 3;
    if (g->rows == 6) {
        int mode_w = (r.w - (KB_MODE_COUNT - 1) * g->gap) / KB_MODE_COUNT;
        mode_keys(kb, ui, r, mode_w, g->gap);
        SDL_Rect r2 = row_rect(g, 5);
        control_keys(ui, r2, (r2.w - 3 * g->gap) / 4, g->gap);
        return;
    }
    mode_keys(kb, ui, r, g->key_w, g->gap);
    int used = KB_MODE_COUNT * (g->key_w + g->gap);
    control_keys(ui, (SDL_Rect){r.x + used, r.y, r.w - used, r.h}, ctl_w, g->gap);
}

/* The phone keypad: three big columns, 删除 and 清空 beside the 0. */
static void draw_keypad(Keyboard *kb, Ui *ui, const Rows *g)
{
    int key_w = ui_px(ui, 240);
    if (3 * key_w + 2 * g->gap > g->area.w - 2 * g->gap) key_w = (g->area.w - 4 * g->gap) / 3;
    for (int row = 0; row < 4; row++) draw_key_row(kb, ui, g, row, KEYPAD_ROWS[row], key_w, true);
    SDL_Rect r = row_rect(g, 4);
    int total = 3 * key_w + 2 * g->gap;
    ui_button(ui, "kb.done", (SDL_Rect){r.x + (r.w - total) / 2, r.y, total, r.h}, "完成", BUTTON_PRIMARY, true);
}

void keyboard_draw(Keyboard *kb, Ui *ui, SDL_Rect area)
{
    kb->fonts = ui_fonts(ui);
    if (kb->mode == KB_PINYIN && kb->field != KB_FIELD_PHONE) need_pinyin(kb);
    keyboard_poll(kb);
    ui_fill(ui, area, ui_theme.card_line);
    Rows g = {.area = area, .row_h = ui_px(ui, ROW_H), .gap = ui_px(ui, GAP), .rows = row_count(ui, area.w)};
    g.extra = area.h - keyboard_height(ui, area.w);
    if (g.extra < 0) g.extra = 0;
    g.shift_from = kb->mode == KB_HANDWRITING && kb->field != KB_FIELD_PHONE ? 4 : 0;
    g.key_w = (area.w - 2 * g.gap - 9 * g.gap) / 10;
    if (g.key_w > ui_px(ui, 150)) g.key_w = ui_px(ui, 150);
    if (g.key_w < ui_px(ui, MIN_KEY)) g.key_w = ui_px(ui, MIN_KEY);
    if (kb->field == KB_FIELD_PHONE) {
        draw_keypad(kb, ui, &g);
        return;
    }
    switch (kb->mode) {
    case KB_PINYIN:
        draw_pinyin_bar(kb, ui, &g);
        for (int i = 0; i < 3; i++) draw_key_row(kb, ui, &g, 1 + i, LETTER_ROWS[i], g.key_w, kb->pinyin_ready);
        break;
    case KB_HANDWRITING:
        draw_hw_bar(kb, ui, &g);
        draw_pad(kb, ui, &g);
        break;
    case KB_LATIN:
        draw_latin_bar(kb, ui, &g);
        for (int i = 0; i < 3; i++) draw_key_row(kb, ui, &g, 1 + i, LETTER_ROWS[i], g.key_w, true);
        break;
    case KB_DIGITS:
        for (int i = 0; i < 3; i++) draw_key_row(kb, ui, &g, 1 + i, DIGIT_ROWS[i], g.key_w, true);
        break;
    case KB_SYMBOLS:
        for (int i = 0; i < 3; i++) draw_key_row(kb, ui, &g, 1 + i, SYMBOL_ROWS[i], g.key_w, true);
        break;
    case KB_MODE_COUNT: break;
    }
    draw_bottom_rows(kb, ui, &g);
    if (kb->mode == KB_PINYIN) {
        /* The two marks a sentence needs most, without a trip to 符号; a
         * tap takes what is being composed first, as 空格 would. */
        SDL_Rect r3 = row_rect(&g, 3);
        ui_button(ui, "kb.char:，", (SDL_Rect){r3.x, r3.y, g.key_w, r3.h}, "，", BUTTON_SECONDARY, kb->pinyin_ready);
        ui_button(ui, "kb.char:。", (SDL_Rect){r3.x + r3.w - g.key_w, r3.y, g.key_w, r3.h}, "。", BUTTON_SECONDARY,
                  kb->pinyin_ready);
    }
}
