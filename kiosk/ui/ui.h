/* ui.h — drawing and widgets for the kiosk's screens.
 *
 * Owns what ends up on the glass: the colour theme, the scale from the
 * 1080p design to the actual window, text and image textures (each laid
 * out and rasterised once, cached, evicted when unused, rebuilt after the
 * renderer lost its textures), shapes, and the widgets of the current
 * frame (kind, id, text, rectangle) that touch hit-testing and the headless
 * JSON dump both read.
 *
 * Immediate style: a screen's draw function calls ui_* for what it shows;
 * touchable widgets carry an id ("item:gk-12", "next") that the screen
 * receives back when the visitor taps it.  Rectangles are in window pixels;
 * ui_px() scales a 1080p design value.  Everything except full-bleed
 * backgrounds is shifted by the frame's drift (a few pixels against
 * burn-in); recorded rectangles include the drift, so hits stay exact. */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <SDL.h>
#include <stdbool.h>

#include "err.h"
#include "text.h"

/* The smallest touch target at 1080p (scaled with the screen). */
#define UI_MIN_TARGET 80

typedef struct Theme {
    SDL_Color bg, header, header_text, header_soft, text, text_soft, card, card_line, accent, accent_dark, pressed_card,
        badge_new, badge_urgent, badge_period, ok, offline, error, disabled;
} Theme;
extern const Theme ui_theme;

typedef enum {
    WIDGET_TEXT,
    WIDGET_BUTTON,
    WIDGET_TILE,
    WIDGET_TAB,
    WIDGET_ROW,
    WIDGET_BADGE,
    WIDGET_IMAGE,
    WIDGET_ICON,
    WIDGET_NOTE,
    WIDGET_PAGER,
} WidgetKind;

typedef struct Widget {
    WidgetKind kind;
    char id[96]; /* what a tap reports; "" for what is not touchable */
    char *text; /* what it shows (owned by the frame) */
    SDL_Rect rect; /* its box */
    SDL_Rect text_rect; /* where its text was drawn (w = 0: none) */
    bool touch;
    bool pressed;
    int lines; /* lines of body text it shows (ui_block_lines), else 0 */
    TextLang lang; /* the face its text is drawn with (text widgets) */
    bool has_text_face;
} Widget;

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } Align;

typedef struct TextSpec {
    int size; /* pixels (already scaled: use ui_font) */
    bool bold;
    SDL_Color color;
    Align align;
    bool middle; /* centre vertically in the box */
    int max_lines; /* 0 = as many as fit the box */
    int flags; /* TEXT_INDENT_PARAGRAPHS ... (TEXT_ELLIPSIZE is always on) */
    TextLang lang; /* SC or TC face */
} TextSpec;

typedef enum { BUTTON_PRIMARY, BUTTON_SECONDARY, BUTTON_QUIET, BUTTON_ON_HEADER } ButtonStyle;

typedef struct Ui Ui;

int ui_create(SDL_Renderer *r, Fonts *fonts, const char *image_dir, int win_w, int win_h, int text_scale_percent,
              Ui **out, Err *err);
void ui_destroy(Ui *ui);

Fonts *ui_fonts(Ui *ui);
int ui_px(const Ui *ui, int design_px); /* 1080p design px -> window px */
/* Type sizes.  ui_font: labels, buttons, titles in fixed boxes (scaled
 * with the screen only, so every layout holds).  ui_read_font: text that
 * flows (item titles and bodies in the reader and the carousel), also
 * times [display] text_scale. */
int ui_font(const Ui *ui, int design_px);
int ui_read_font(const Ui *ui, int design_px);
float ui_scale(const Ui *ui);

/* A frame: clears the widget list, sets the drift for this frame. */
void ui_begin_frame(Ui *ui, int drift_x, int drift_y);
/* Drops cached textures not used for a while, and the least recently
 * drawn ones past the cache's budget (never what this frame drew). */
void ui_end_frame(Ui *ui);
/* The bytes of pixels the text and picture caches hold now, and the most
 * they keep after a frame: the kiosk's one texture budget, 24 MiB at
 * 1920x1080 (CACHE_BUDGET_BYTES in ui.c says why). */
size_t ui_cache_bytes(const Ui *ui);
size_t ui_cache_budget(const Ui *ui);
/* The frame being drawn, and whether it is drawn clipped (a damage
 * redraw, a ticker strip, the warming of a neighbour page) rather than
 * whole. */
unsigned ui_frame_number(const Ui *ui);
bool ui_frame_clipped(const Ui *ui);
/* Frames from..to, both included. */
typedef struct UiFrames {
    unsigned from, to;
} UiFrames;
/* While on, what is drawn is for what the screen shows next (the pages
 * beside the one shown, warmed for a finger), not for what it shows now. */
void ui_ahead(Ui *ui, bool on);
/* The screen is at rest: every text texture and picture drawn in none of
 * the n runs of frames is dropped, unless it was made or drawn for what
 * comes next (ui_ahead, ui_block_prepare) since frame ahead_from; then
 * malloc gives its free pages back to the system (app.c says when and
 * which frames).  Returns the bytes dropped. */
size_t ui_rest(Ui *ui, const UiFrames *keep, int n, unsigned ahead_from);
/* How many pieces of a text block (a reader page's body) frames have had
 * to render because they were not cached: a page turn that adds one is not
 * a copy of prepared textures (tests/headless/slow-read.txt). */
unsigned ui_cold_blocks(const Ui *ui);
/* The renderer lost its textures (SDL_RENDER_TARGETS_RESET/DEVICE_RESET):
 * forget them all; they are made again when next drawn. */
void ui_forget_textures(Ui *ui);

void ui_set_pressed(Ui *ui, const char *id); /* "" = nothing pressed */
const char *ui_pressed(const Ui *ui);
/* The topmost touchable widget at x,y, or NULL. */
const Widget *ui_hit(const Ui *ui, int x, int y);
const Widget *ui_widgets(const Ui *ui, int *count);
/* Writes {"screen":..., "width":..., "widgets":[{kind,id,text,rect,text_rect,touch}]}. */
int ui_dump_json(const Ui *ui, const char *screen, const char *path, Err *err);
const char *ui_widget_kind_name(WidgetKind k);

/* Records a widget without drawing it (the screen drew it). */
Widget *ui_record(Ui *ui, WidgetKind kind, const char *id, const char *text, SDL_Rect rect, bool touch);
/* r shifted by the frame's drift. */
SDL_Rect ui_drift(const Ui *ui, SDL_Rect r);

/* ---- shapes (drifted unless _bleed) ---- */
void ui_fill_bleed(Ui *ui, SDL_Rect r, SDL_Color c);
void ui_fill(Ui *ui, SDL_Rect r, SDL_Color c);
void ui_round(Ui *ui, SDL_Rect r, int radius, SDL_Color c);
void ui_round_outline(Ui *ui, SDL_Rect r, int radius, int width, SDL_Color c);
void ui_disc(Ui *ui, int cx, int cy, int radius, SDL_Color c);
/* A filled polygon (convex or not, as a fan from the first point is fine
 * for the convex shapes the icons use) in drifted coordinates. */
void ui_polygon(Ui *ui, const SDL_FPoint *pts, int n, SDL_Color c);
void ui_thick_line(Ui *ui, float x1, float y1, float x2, float y2, float width, SDL_Color c);

/* A picture painted once into a transparent ARGB8888 surface r.w x r.h
 * (antialiased shapes: see shapes.h), cached under key and size like text,
 * drawn at r (drifted).  key names what paint draws from ctx. */
typedef void (*UiPaint)(SDL_Surface *s, const void *ctx);
void ui_picture(Ui *ui, const char *key, SDL_Rect r, UiPaint paint, const void *ctx);

/* ---- text ---- */
/* Draws text inside box: wrapped to the box width, at most max_lines (or
 * what fits the box height), ellipsized.  Records a WIDGET_TEXT unless
 * kind says otherwise (pass -1 to record nothing).  Returns the height used. */
int ui_text(Ui *ui, SDL_Rect box, const char *text, const TextSpec *spec);
int ui_text_kind(Ui *ui, int kind, const char *id, SDL_Rect box, const char *text, const TextSpec *spec);
/* Size the text would take in a box of width w (same rules as ui_text). */
void ui_text_size(Ui *ui, const char *text, const TextSpec *spec, int w, int max_h, int *tw, int *th);

/* One line at its natural width (at most max_w), shifted left by offset
 * and clipped to box (a ticker), laid once on ground (the box's colour):
 * the cached texture is opaque, so each frame of a scroll copies rows as
 * they are, with nothing blended.  *line (may be NULL) receives the band of
 * box the text covers, what a frame that moves it changes.  Returns the
 * text's width. */
int ui_text_scroll(Ui *ui, SDL_Rect box, const char *text, const TextSpec *spec, int offset, int max_w,
                   SDL_Color ground, SDL_Rect *line);

/* The id of body text recorded by ui_block_lines (not touchable). */
#define UI_BODY_ID "body"

/* Lines [first, first+count) of a laid-out block at x,y; key names the
 * block for the cache (a screen's own serial + page).  Records the lines'
 * text as a WIDGET_TEXT with id UI_BODY_ID in box. */
void ui_block_lines(Ui *ui, const char *key, const TextBlock *b, int first, int count, int x, int y, SDL_Rect box);
/* All lines of a block drawn at x, y from the same cache, recording no
 * widget (a table cell: its row records one for all its cells). */
void ui_block_draw(Ui *ui, const char *key, const TextBlock *b, int x, int y);
/* Renders those lines into the cache without drawing them (the next page,
 * while the visitor reads this one, so turning to it costs no rasterising). */
void ui_block_prepare(Ui *ui, const char *key, const TextBlock *b, int first, int count);

/* ---- widgets ---- */
void ui_button(Ui *ui, const char *id, SDL_Rect r, const char *label, ButtonStyle style, bool enabled);
/* A small label on a coloured pill; returns its width. */
int ui_badge(Ui *ui, int x, int y, int h, const char *text, SDL_Color bg, SDL_Color fg);
/* The width ui_badge would take. */
int ui_badge_width(Ui *ui, int h, const char *text);

/* ---- images (attachments, from the blob cache) ---- */
/* For the modules that draw beside ui.c (pdfpage.c): the renderer, the
 * attachment folder and the PDF pages' state. */
typedef struct UiPdf UiPdf;
SDL_Renderer *ui_renderer(Ui *ui);
const char *ui_image_dir(const Ui *ui);
UiPdf **ui_pdf_slot(Ui *ui);

/* Natural size; -1 when the file cannot be read as an image. */
int ui_image_size(Ui *ui, const char *sha256, int *w, int *h);
/* Draws a cached image into dst exactly (a zoomed view: dst may be larger
 * than the screen; clip with ui_clip).  Records nothing; -1 when the image
 * cannot be shown. */
int ui_image_at(Ui *ui, SDL_Rect dst, const char *sha256);
/* Limits drawing to r (NULL: the whole window again), always within the
 * frame's clip. */
void ui_clip(Ui *ui, const SDL_Rect *r);
/* The app's clip for a partial frame (window pixels; NULL: none): what a
 * screen clips to stays inside it, and ui_clip(NULL) goes back to it. */
void ui_frame_clip(Ui *ui, const SDL_Rect *r);
/* Whether r (as a screen gives it, before the drift) can touch a pixel of
 * the frame: false when it lies outside a partial frame's clip.  Drawing
 * calls skip what is outside by themselves; a drawing made of many calls
 * (an icon) asks once. */
bool ui_visible(const Ui *ui, SDL_Rect r);
/* A rehearsal: what a screen draws between these two is laid out and its
 * text rasterised (warming the font caches) but nothing is drawn, no image
 * is decoded, and nothing is kept: the textures it made are dropped at the
 * end and the frame's widgets are as they were before it.  Between frames
 * only (app.c lays the next screens out ahead with it). */
void ui_rehearse_begin(Ui *ui);
void ui_rehearse_end(Ui *ui);
/* Fitted inside r, centred; a calm placeholder when unreadable.  Records
 * a WIDGET_IMAGE (touchable when id is not NULL). */
void ui_image(Ui *ui, const char *id, SDL_Rect r, const char *sha256, const char *caption);

#endif
