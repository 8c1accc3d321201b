/* urgent.c — the urgent news every screen carries (see urgent.h). */
#include "urgent.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

#define STRIP_FONT 40
#define CALM_FONT 34
#define STRIP_LINES 3 /* an urgent notice is never cut: up to three lines (portrait) */

static const SDL_Color STRIP_BG = {255, 234, 168, 255}; /* warm yellow under the red header */
static const SDL_Color CALM_TEXT = {150, 138, 116, 255}; /* readable in a dark lobby, not glaring */
static const SDL_Color CALM_DOT = {170, 104, 40, 255};

bool urgent_notice(const StoreNotice *n) { return n->urgent || n->period == PERIOD_IMMEDIATE; }

void urgent_free(Urgent *u)
{
    store_free(u->notices);
    u->notices = NULL;
    u->count = 0;
}

void urgent_load(Urgent *u, Store *s, int64_t now, uint32_t ms)
{
    StoreNotice *all = NULL;
    int n = 0;
    Err err;
    if (store_notices(s, now, &all, &n, &err) != 0) {
        log_error("urgent: %s", err.msg);
        return;
    }
    char shown_id[PROTO_ID_MAX] = "";
    if (u->shown < u->count) memcpy(shown_id, u->notices[u->shown].id, sizeof shown_id);
    /* store_notices sorts urgent and 即时 first: keep that leading run. */
    int keep = 0;
    while (keep < n && urgent_notice(&all[keep])) keep++;
    urgent_free(u);
    u->notices = all;
    u->count = keep;
    int again = -1;
    for (int i = 0; i < keep; i++)
        if (strcmp(all[i].id, shown_id) == 0) again = i;
    if (again < 0) {
        u->shown = 0;
        u->since = ms;
    } else {
        u->shown = again;
    }
}

const StoreNotice *urgent_current(const Urgent *u) { return u->count ? &u->notices[u->shown] : NULL; }

bool urgent_turn(Urgent *u, uint32_t ms)
{
    if (u->count < 2 || ms - u->since < URGENT_TURN_MS) return false;
    u->shown = (u->shown + 1) % u->count;
    /* On a grid from the first: a frame that comes late (the loop draws
     * every 1/60 s while the ticker moves) does not shift the turns after it. */
    u->since += URGENT_TURN_MS;
    if (ms - u->since >= URGENT_TURN_MS) u->since = ms;
    return true;
}

int urgent_wake(const Urgent *u, uint32_t ms)
{
    if (u->count < 2) return -1;
    uint32_t shown = ms - u->since;
    return shown >= URGENT_TURN_MS ? 0 : (int)(URGENT_TURN_MS - shown);
}

static const char *badge_word(const StoreNotice *n) { return n->urgent ? "紧急通知" : "即时公开"; }

static int badge_height(Ui *ui) { return ui_px(ui, 56); }

static TextSpec strip_spec(Ui *ui)
{
    return (TextSpec){.size = ui_font(ui, STRIP_FONT),
                      .bold = true,
                      .color = ui_theme.text,
                      .middle = true,
                      .max_lines = STRIP_LINES,
                      .flags = TEXT_NO_RUNT};
}

/* Where the text goes in a strip w wide: after the badge. */
static int strip_text_x(Ui *ui) { return ui_px(ui, 36) + ui_px(ui, 200) + ui_px(ui, 24); }

int urgent_strip_height(Urgent *u, Ui *ui, int w)
{
    if (u->count == 0) return 0;
    TextSpec spec = strip_spec(ui);
    int text_w = w - strip_text_x(ui) - ui_px(ui, 36), tallest = 0;
    for (int i = 0; i < u->count; i++) {
        int tw, th;
        ui_text_size(ui, u->notices[i].text, &spec, text_w, ui_font(ui, STRIP_FONT) * 135 / 100 * STRIP_LINES, &tw,
                     &th);
        if (th > tallest) tallest = th;
    }
    int one_line = ui_px(ui, 88);
    int h = tallest + ui_px(ui, 24);
    return h > one_line ? h : one_line;
}

static void draw_strip(Ui *ui, const StoreNotice *n, SDL_Rect box)
{
    ui_fill_bleed(ui, box, STRIP_BG);
    ui_fill_bleed(ui, (SDL_Rect){box.x, box.y + box.h - ui_px(ui, 3), box.w, ui_px(ui, 3)}, ui_theme.badge_urgent);
    int m = ui_px(ui, 36), bh = badge_height(ui);
    ui_badge(ui, box.x + m, box.y + (box.h - bh) / 2, bh, badge_word(n),
             n->urgent ? ui_theme.badge_new : ui_theme.badge_urgent, ui_theme.header_text);
    int x = box.x + strip_text_x(ui);
    TextSpec spec = strip_spec(ui);
    ui_text_kind(ui, WIDGET_NOTE, NULL, (SDL_Rect){x, box.y, box.x + box.w - m - x, box.h}, n->text, &spec);
}

/* On the dark screen: one dim line with a small amber dot, no badge,
 * nothing bright enough to light the lobby or burn in. */
static void draw_calm(Ui *ui, const StoreNotice *n, SDL_Rect box)
{
    TextSpec spec = {.size = ui_font(ui, CALM_FONT),
                     .color = CALM_TEXT,
                     .align = ALIGN_CENTER,
                     .middle = true,
                     .max_lines = 3,
                     .flags = TEXT_NO_RUNT};
    int r = ui_px(ui, 8), pad = ui_px(ui, 28);
    SDL_Rect text = {box.x + pad + 2 * r, box.y, box.w - 2 * (pad + 2 * r), box.h};
    int tw, th;
    ui_text_size(ui, n->text, &spec, text.w, text.h, &tw, &th);
    ui_disc(ui, text.x + (text.w - tw) / 2 - 2 * r, box.y + box.h / 2, r, CALM_DOT);
    ui_text_kind(ui, WIDGET_NOTE, NULL, text, n->text, &spec);
}

void urgent_draw(Ui *ui, const StoreNotice *n, SDL_Rect box, UrgentLook look)
{
    if (!n) return;
    if (look == URGENT_CALM) draw_calm(ui, n, box);
    else draw_strip(ui, n, box);
}
