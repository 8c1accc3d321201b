#include "ui.h"

#include <SDL_image.h>
#include <jansson.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobs.h"
#include "log.h"
#include "path.h"
#include "pdfpage.h"
#include "picture.h"

/* Calm and high-contrast: deep red and white for the header, dark text on
 * a warm off-white page, white cards. */
const Theme ui_theme = {
    .bg = {247, 243, 234, 255},
    .header = {158, 27, 27, 255},
    .header_text = {255, 255, 255, 255},
    .header_soft = {250, 222, 196, 255},
    .text = {33, 29, 26, 255},
    .text_soft = {92, 82, 72, 255},
    .card = {255, 255, 255, 255},
    .card_line = {222, 211, 194, 255},
    .accent = {168, 32, 32, 255},
    .accent_dark = {112, 18, 18, 255},
    .pressed_card = {242, 224, 214, 255},
    .badge_new = {206, 40, 40, 255},
    .badge_urgent = {196, 84, 0, 255},
    .badge_period = {64, 92, 122, 255},
    .ok = {46, 140, 72, 255},
    .offline = {150, 150, 150, 255},
    .error = {214, 150, 20, 255},
    .disabled = {180, 172, 162, 255},
};

/* Textures not drawn for this many frames (4 s of a ticking home screen)
 * are dropped.  Frames are only drawn when something changes, so an idle
 * screen keeps its textures.  Not by time: a frame that draws a neighbour
 * page for a finger drag, or rehearses the screen a tap opens, does not
 * draw the page shown, and the reader's next page, made while the page is
 * read, is drawn by no frame until the turn, however slowly an elderly
 * visitor reads (tests/headless/slow-read.txt); the budget below bounds
 * what is kept meanwhile. */
#define EVICT_AFTER_FRAMES 240
/* The one memory budget of the cached text and pictures (everything this
 * file, pdfpage.c's pages aside, keeps between frames; a cache of laid-out
 * screens belongs under it too): 24 MiB at 1920x1080, in proportion to the
 * window's pixels on other panels (a reader page's texture grows with
 * them).  Why 24: the reader's page is a 4-5 MB texture at 1080p; the page
 * shown, the next one prepared while it is read (screen_reader.c) and the
 * one before (a swipe back) are 15 MB, and the chrome's labels, the
 * category's rows and the home tiles to go back to 3-6 MB more.  Past it
 * the least recently drawn go first, so a visitor paging through a
 * 100,000-character item costs no more than a short one.  What the current
 * frame drew is never dropped.  (Six full screens, 47 MiB, was most of the
 * kiosk's memory after reading.) */
#define CACHE_BUDGET_BYTES ((size_t)24 << 20)
#define CACHE_BUDGET_PIXELS ((size_t)1920 * 1080)
/* Textures this large come from mmap and go back to the system when
 * dropped (main.c sets malloc's threshold); what the smaller ones leave in
 * malloc's heap is given back once this much was dropped since the last
 * time (malloc_trim walks the heap: well under a millisecond). */
#define TRIM_AFTER_BYTES ((size_t)8 << 20)

typedef struct TexEntry {
    uint64_t hash;
    char *key;
    SDL_Texture *tex;
    int w, h;
    unsigned used; /* the frame it was last drawn in */
    bool ahead; /* made or last drawn for what comes next (ui_ahead, ui_block_prepare) */
} TexEntry;

typedef struct ImgEntry {
    char sha[65];
    SDL_Texture *tex; /* NULL when the file could not be read */
    int w, h;
    unsigned used;
    bool ahead;
} ImgEntry;

struct Ui {
    SDL_Renderer *r;
    Fonts *fonts;
    char image_dir[1024];
    int win_w, win_h; /* the most an image is decoded to */
    float scale;
    int text_scale;
    int dx, dy;
    unsigned frame;
    char pressed[96];
    SDL_Rect frame_clip; /* w = 0: none */
    Widget *widgets;
    int widget_count, widget_cap;
    TexEntry *tex;
    int tex_count, tex_cap;
    ImgEntry *img;
    int img_count, img_cap;
    UiPdf *pdf; /* PDF pages (pdfpage.c), made on first use */
    size_t dropped; /* bytes of textures dropped since the last malloc_trim */
    unsigned cold_blocks; /* body pieces a frame had to render, not found cached */
    bool ahead; /* ui_ahead: what is drawn now is shown next, not now */
    struct {
        bool on;
        int widgets, tex, img; /* the counts before it */
    } rehearsal;
};

int ui_create(SDL_Renderer *r, Fonts *fonts, const char *image_dir, int win_w, int win_h, int text_scale_percent,
              Ui **out, Err *err)
{
    Ui *ui = calloc(1, sizeof *ui);
    if (!ui) return err_set(err, "out of memory");
    ui->r = r;
    ui->fonts = fonts;
    snprintf(ui->image_dir, sizeof ui->image_dir, "%s", image_dir);
    ui->win_w = win_w;
    ui->win_h = win_h;
    int short_side = win_w < win_h ? win_w : win_h;
    ui->scale = short_side / 1080.0f;
    ui->text_scale = text_scale_percent > 0 ? text_scale_percent : 100;
    *out = ui;
    return 0;
}

static void clear_widgets(Ui *ui)
{
    for (int i = 0; i < ui->widget_count; i++) free(ui->widgets[i].text);
    ui->widget_count = 0;
}

void ui_forget_textures(Ui *ui)
{
    for (int i = 0; i < ui->tex_count; i++) {
        if (ui->tex[i].tex) SDL_DestroyTexture(ui->tex[i].tex);
        free(ui->tex[i].key);
    }
    ui->tex_count = 0;
    for (int i = 0; i < ui->img_count; i++)
        if (ui->img[i].tex) SDL_DestroyTexture(ui->img[i].tex);
    ui->img_count = 0;
    ui_pdf_forget(ui->pdf);
}

void ui_destroy(Ui *ui)
{
    if (!ui) return;
    ui_forget_textures(ui);
    ui_pdf_free(ui->pdf);
    clear_widgets(ui);
    free(ui->widgets);
    free(ui->tex);
    free(ui->img);
    free(ui);
}

Fonts *ui_fonts(Ui *ui) { return ui->fonts; }
float ui_scale(const Ui *ui) { return ui->scale; }
int ui_px(const Ui *ui, int v) { return (int)lroundf(v * ui->scale); }
int ui_font(const Ui *ui, int v) { return ui_px(ui, v); }
int ui_read_font(const Ui *ui, int v) { return (int)lroundf(v * ui->scale * ui->text_scale / 100.0f); }

void ui_begin_frame(Ui *ui, int drift_x, int drift_y)
{
    clear_widgets(ui);
    ui->dx = drift_x;
    ui->dy = drift_y;
    ui->frame++;
}

static bool stale(const Ui *ui, unsigned used) { return ui->frame - used > EVICT_AFTER_FRAMES; }

static size_t pixels_bytes(const SDL_Texture *t, int w, int h) { return t ? (size_t)w * (size_t)h * 4 : 0; }

size_t ui_cache_bytes(const Ui *ui)
{
    size_t total = 0;
    for (int i = 0; i < ui->tex_count; i++) total += pixels_bytes(ui->tex[i].tex, ui->tex[i].w, ui->tex[i].h);
    for (int i = 0; i < ui->img_count; i++) total += pixels_bytes(ui->img[i].tex, ui->img[i].w, ui->img[i].h);
    return total;
}

size_t ui_cache_budget(const Ui *ui)
{
    double pixels = (double)ui->win_w * (double)ui->win_h;
    return (size_t)((double)CACHE_BUDGET_BYTES * pixels / (double)CACHE_BUDGET_PIXELS);
}

static void drop_texture(Ui *ui, SDL_Texture *t, int w, int h)
{
    if (!t) return;
    ui->dropped += pixels_bytes(t, w, h);
    SDL_DestroyTexture(t);
}

/* Drops the least recently drawn text texture or picture, never one the
 * current frame used; false when there is none left to drop. */
static bool drop_oldest(Ui *ui)
{
    int ti = -1, ii = -1;
    for (int i = 0; i < ui->tex_count; i++)
        if (ui->tex[i].tex && ui->tex[i].used != ui->frame && (ti < 0 || ui->tex[i].used < ui->tex[ti].used)) ti = i;
    for (int i = 0; i < ui->img_count; i++)
        if (ui->img[i].tex && ui->img[i].used != ui->frame && (ii < 0 || ui->img[i].used < ui->img[ii].used)) ii = i;
    if (ti < 0 && ii < 0) return false;
    if (ti >= 0 && (ii < 0 || ui->tex[ti].used <= ui->img[ii].used)) {
        drop_texture(ui, ui->tex[ti].tex, ui->tex[ti].w, ui->tex[ti].h);
        free(ui->tex[ti].key);
        ui->tex[ti] = ui->tex[--ui->tex_count];
    } else {
        drop_texture(ui, ui->img[ii].tex, ui->img[ii].w, ui->img[ii].h);
        ui->img[ii] = ui->img[--ui->img_count];
    }
    return true;
}

static void keep_within_budget(Ui *ui)
{
    size_t budget = ui_cache_budget(ui);
    while (ui_cache_bytes(ui) > budget && drop_oldest(ui)) {
    }
}

/* Drops every text texture and picture whose last use `goes` says to drop. */
typedef bool (*GoesFn)(const Ui *ui, unsigned used, bool ahead, const void *ctx);
static void drop_where(Ui *ui, GoesFn goes, const void *ctx)
{
    int keep = 0;
    for (int i = 0; i < ui->tex_count; i++) {
        if (goes(ui, ui->tex[i].used, ui->tex[i].ahead, ctx)) {
            drop_texture(ui, ui->tex[i].tex, ui->tex[i].w, ui->tex[i].h);
            free(ui->tex[i].key);
            continue;
        }
        ui->tex[keep++] = ui->tex[i];
    }
    ui->tex_count = keep;
    keep = 0;
    for (int i = 0; i < ui->img_count; i++) {
        if (goes(ui, ui->img[i].used, ui->img[i].ahead, ctx)) {
            drop_texture(ui, ui->img[i].tex, ui->img[i].w, ui->img[i].h);
            continue;
        }
        ui->img[keep++] = ui->img[i];
    }
    ui->img_count = keep;
}

static bool stale_use(const Ui *ui, unsigned used, bool ahead, const void *ctx)
{
    return (void)ahead, (void)ctx, stale(ui, used);
}

void ui_end_frame(Ui *ui)
{
    drop_where(ui, stale_use, NULL);
    keep_within_budget(ui);
    ui_pdf_end_frame(ui->pdf);
    if (ui->dropped >= TRIM_AFTER_BYTES) {
        malloc_trim(0);
        ui->dropped = 0;
    }
}

unsigned ui_frame_number(const Ui *ui) { return ui->frame; }
bool ui_frame_clipped(const Ui *ui) { return ui->frame_clip.w > 0; }
void ui_ahead(Ui *ui, bool on) { ui->ahead = on; }

typedef struct Keep {
    const UiFrames *runs;
    int n;
    unsigned ahead_from;
} Keep;

static bool drawn_in_none(const Ui *ui, unsigned used, bool ahead, const void *ctx)
{
    (void)ui;
    const Keep *k = ctx;
    if (ahead && used >= k->ahead_from) return false;
    for (int i = 0; i < k->n; i++)
        if (used >= k->runs[i].from && used <= k->runs[i].to) return false;
    return true;
}

size_t ui_rest(Ui *ui, const UiFrames *keep, int n, unsigned ahead_from)
{
    size_t before = ui->dropped;
    drop_where(ui, drawn_in_none, &(Keep){keep, n, ahead_from});
    size_t dropped = ui->dropped - before;
    /* Whatever was dropped: the other threads' arena keeps the pages of
     * what they freed too (a PDF page rendered, an import, librime's
     * deployment). */
    malloc_trim(0);
    ui->dropped = 0;
    return dropped;
}

SDL_Renderer *ui_renderer(Ui *ui) { return ui->r; }
const char *ui_image_dir(const Ui *ui) { return ui->image_dir; }
UiPdf **ui_pdf_slot(Ui *ui) { return &ui->pdf; }

void ui_set_pressed(Ui *ui, const char *id) { snprintf(ui->pressed, sizeof ui->pressed, "%s", id ? id : ""); }
const char *ui_pressed(const Ui *ui) { return ui->pressed; }

static bool inside(SDL_Rect r, int x, int y) { return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h; }

const Widget *ui_hit(const Ui *ui, int x, int y)
{
    for (int i = ui->widget_count - 1; i >= 0; i--)
        if (ui->widgets[i].touch && inside(ui->widgets[i].rect, x, y)) return &ui->widgets[i];
    return NULL;
}

const Widget *ui_widgets(const Ui *ui, int *count)
{
    *count = ui->widget_count;
    return ui->widgets;
}

const char *ui_widget_kind_name(WidgetKind k)
{
    static const char *const names[] = {"text",  "button", "tile", "tab",  "row",
                                        "badge", "image",  "icon", "note", "pager"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

SDL_Rect ui_drift(const Ui *ui, SDL_Rect r) { return (SDL_Rect){r.x + ui->dx, r.y + ui->dy, r.w, r.h}; }

/* make analyze: the text's copy lives in ui->widgets[] (freed at the next
 * frame); the analyzer does not follow it into the grown array. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
Widget *ui_record(Ui *ui, WidgetKind kind, const char *id, const char *text, SDL_Rect rect, bool touch)
{
    if (ui->widget_count == ui->widget_cap) {
        int cap = ui->widget_cap ? ui->widget_cap * 2 : 64;
        Widget *w = realloc(ui->widgets, (size_t)cap * sizeof *w);
        if (!w) return NULL;
        ui->widgets = w;
        ui->widget_cap = cap;
    }
    Widget *w = &ui->widgets[ui->widget_count++];
    *w = (Widget){.kind = kind, .rect = ui_drift(ui, rect), .touch = touch};
    snprintf(w->id, sizeof w->id, "%s", id ? id : "");
    w->text = strdup(text ? text : "");
    w->pressed = touch && w->id[0] && strcmp(w->id, ui->pressed) == 0;
    return w;
}
#pragma GCC diagnostic pop

static void json_rect(json_t *o, const char *key, SDL_Rect r)
{
    json_object_set_new(o, key, json_pack("[iiii]", r.x, r.y, r.w, r.h));
}

int ui_dump_json(const Ui *ui, const char *screen, const char *path, Err *err)
{
    int w = ui->win_w, h = ui->win_h; /* the picture's size, also when it is turned on the output */
    json_t *root = json_pack("{s:s, s:i, s:i, s:i}", "screen", screen, "width", w, "height", h, "min_target",
                             ui_px(ui, UI_MIN_TARGET));
    json_t *list = json_array();
    for (int i = 0; i < ui->widget_count; i++) {
        const Widget *wd = &ui->widgets[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "kind", ui_widget_kind_name(wd->kind), "id", wd->id, "text",
                              wd->text, "touch", wd->touch);
        if (wd->pressed) json_object_set_new(o, "pressed", json_true());
        json_rect(o, "rect", wd->rect);
        if (wd->text_rect.w > 0) json_rect(o, "text_rect", wd->text_rect);
        if (wd->lines > 0) json_object_set_new(o, "lines", json_integer(wd->lines));
        if (wd->has_text_face && wd->text[0])
            json_object_set_new(o, "face", json_string(fonts_family(ui->fonts, (int)wd->lang)));
        json_array_append_new(list, o);
    }
    json_object_set_new(root, "widgets", list);
    int rc = json_dump_file(root, path, JSON_INDENT(1));
    json_decref(root);
    if (rc) return err_set(err, "%s: cannot write the dump", path);
    return 0;
}

/* ---- shapes ------------------------------------------------------------
 * Rounded boxes, discs and thick lines as triangle lists for
 * SDL_RenderGeometry (one call each); SDL has no such primitives and
 * SDL2_gfx draws them point by point. */

#define MAX_PATH 160

static SDL_Vertex vtx(float x, float y, SDL_Color c) { return (SDL_Vertex){{x, y}, c, {0, 0}}; }

/* Whether r (window pixels) can touch a pixel of a frame drawn clipped
 * (ui_frame_clip: a ticker strip, a pressed tile).  What lies outside is
 * skipped before a vertex is made or SDL queues a command: a ticking home
 * draws its whole frame clipped to the strip 60 times a second, and
 * building and clipping the tiles' shapes cost more than the strip. */
static bool in_frame(const Ui *ui, SDL_Rect r)
{
    return ui->frame_clip.w <= 0 || SDL_HasIntersection(&r, &ui->frame_clip);
}

/* SDL_RenderCopy of a whole texture to dst, unless dst is outside the
 * frame's clip. */
static void copy_in_frame(Ui *ui, SDL_Texture *t, const SDL_Rect *dst)
{
    if (t && in_frame(ui, *dst)) SDL_RenderCopy(ui->r, t, NULL, dst);
}

static void fan(Ui *ui, float cx, float cy, const SDL_FPoint *pts, int n, SDL_Color c)
{
    SDL_Vertex v[MAX_PATH * 3];
    int k = 0;
    for (int i = 0; i < n && k + 3 <= MAX_PATH * 3; i++) {
        const SDL_FPoint *a = &pts[i], *b = &pts[(i + 1) % n];
        v[k++] = vtx(cx, cy, c);
        v[k++] = vtx(a->x, a->y, c);
        v[k++] = vtx(b->x, b->y, c);
    }
    SDL_RenderGeometry(ui->r, NULL, v, k, NULL, 0);
}

/* The outline of a rounded box, clockwise. */
static int round_path(SDL_FRect r, float rad, SDL_FPoint *out)
{
    if (rad > r.w / 2) rad = r.w / 2;
    if (rad > r.h / 2) rad = r.h / 2;
    const int seg = 8;
    const float cx[4] = {r.x + r.w - rad, r.x + r.w - rad, r.x + rad, r.x + rad};
    const float cy[4] = {r.y + rad, r.y + r.h - rad, r.y + r.h - rad, r.y + rad};
    int n = 0;
    for (int c = 0; c < 4; c++) {
        float start = (float)M_PI * (-0.5f + 0.5f * c);
        for (int i = 0; i <= seg; i++) {
            float a = start + (float)M_PI / 2 * i / seg;
            out[n++] = (SDL_FPoint){cx[c] + rad * cosf(a), cy[c] + rad * sinf(a)};
        }
    }
    return n;
}

void ui_fill_bleed(Ui *ui, SDL_Rect r, SDL_Color c)
{
    if (!in_frame(ui, r)) return;
    SDL_SetRenderDrawBlendMode(ui->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ui->r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(ui->r, &r);
}

void ui_fill(Ui *ui, SDL_Rect r, SDL_Color c) { ui_fill_bleed(ui, ui_drift(ui, r), c); }

/* A rounded box is three rectangles (a cross without its corners) and a
 * quarter disc in each corner.  SDL's software renderer fills a rectangle
 * a row at a time but rasterises a triangle pixel by pixel: a card or a
 * list row drawn as one fan of triangles cost most of a full frame. */
void ui_round(Ui *ui, SDL_Rect r, int radius, SDL_Color c)
{
    r = ui_drift(ui, r);
    if (!in_frame(ui, r) || r.w <= 0 || r.h <= 0) return;
    int rad = radius < r.w / 2 ? radius : r.w / 2;
    if (rad > r.h / 2) rad = r.h / 2;
    if (rad < 0) rad = 0;
    SDL_SetRenderDrawBlendMode(ui->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ui->r, c.r, c.g, c.b, c.a);
    SDL_Rect cross[3] = {{r.x + rad, r.y, r.w - 2 * rad, rad},
                         {r.x, r.y + rad, r.w, r.h - 2 * rad},
                         {r.x + rad, r.y + r.h - rad, r.w - 2 * rad, rad}};
    SDL_RenderFillRects(ui->r, cross, 3);
    if (rad == 0) return;
    const int seg = 8;
    SDL_Vertex v[4 * seg * 3];
    int k = 0;
    const float cx[4] = {(float)(r.x + r.w - rad), (float)(r.x + r.w - rad), (float)(r.x + rad), (float)(r.x + rad)};
    const float cy[4] = {(float)(r.y + rad), (float)(r.y + r.h - rad), (float)(r.y + r.h - rad), (float)(r.y + rad)};
    for (int corner = 0; corner < 4; corner++) {
        float start = (float)M_PI * (-0.5f + 0.5f * corner);
        for (int i = 0; i < seg; i++) {
            float a0 = start + (float)M_PI / 2 * i / seg, a1 = start + (float)M_PI / 2 * (i + 1) / seg;
            v[k++] = vtx(cx[corner], cy[corner], c);
            v[k++] = vtx(cx[corner] + rad * cosf(a0), cy[corner] + rad * sinf(a0), c);
            v[k++] = vtx(cx[corner] + rad * cosf(a1), cy[corner] + rad * sinf(a1), c);
        }
    }
    SDL_RenderGeometry(ui->r, NULL, v, k, NULL, 0);
}

void ui_round_outline(Ui *ui, SDL_Rect r, int radius, int width, SDL_Color c)
{
    r = ui_drift(ui, r);
    if (!in_frame(ui, r)) return;
    SDL_FPoint outer[MAX_PATH], inner[MAX_PATH];
    float w = (float)width;
    int n = round_path((SDL_FRect){(float)r.x, (float)r.y, (float)r.w, (float)r.h}, (float)radius, outer);
    round_path((SDL_FRect){r.x + w, r.y + w, r.w - 2 * w, r.h - 2 * w}, radius - w > 0 ? radius - w : 0, inner);
    SDL_Vertex v[MAX_PATH * 6];
    int k = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        v[k++] = vtx(outer[i].x, outer[i].y, c);
        v[k++] = vtx(outer[j].x, outer[j].y, c);
        v[k++] = vtx(inner[i].x, inner[i].y, c);
        v[k++] = vtx(inner[i].x, inner[i].y, c);
        v[k++] = vtx(outer[j].x, outer[j].y, c);
        v[k++] = vtx(inner[j].x, inner[j].y, c);
    }
    SDL_RenderGeometry(ui->r, NULL, v, k, NULL, 0);
}

void ui_disc(Ui *ui, int cx, int cy, int radius, SDL_Color c)
{
    if (!in_frame(ui, (SDL_Rect){cx + ui->dx - radius, cy + ui->dy - radius, 2 * radius + 1, 2 * radius + 1})) return;
    SDL_FPoint pts[48];
    float x = (float)(cx + ui->dx), y = (float)(cy + ui->dy);
    for (int i = 0; i < 48; i++) {
        float a = 2 * (float)M_PI * i / 48;
        pts[i] = (SDL_FPoint){x + radius * cosf(a), y + radius * sinf(a)};
    }
    fan(ui, x, y, pts, 48, c);
}

void ui_polygon(Ui *ui, const SDL_FPoint *pts, int n, SDL_Color c)
{
    if (n < 3 || n > MAX_PATH) return;
    SDL_FPoint p[MAX_PATH];
    for (int i = 0; i < n; i++) p[i] = (SDL_FPoint){pts[i].x + ui->dx, pts[i].y + ui->dy};
    SDL_FRect b;
    if (!SDL_EncloseFPoints(p, n, NULL, &b) ||
        !in_frame(ui, (SDL_Rect){(int)floorf(b.x), (int)floorf(b.y), (int)ceilf(b.w) + 2, (int)ceilf(b.h) + 2}))
        return;
    SDL_Vertex v[MAX_PATH * 3];
    int k = 0;
    for (int i = 1; i + 1 < n; i++) {
        v[k++] = vtx(p[0].x, p[0].y, c);
        v[k++] = vtx(p[i].x, p[i].y, c);
        v[k++] = vtx(p[i + 1].x, p[i + 1].y, c);
    }
    SDL_RenderGeometry(ui->r, NULL, v, k, NULL, 0);
}

void ui_thick_line(Ui *ui, float x1, float y1, float x2, float y2, float width, SDL_Color c)
{
    float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0) return;
    float nx = -dy / len * width / 2, ny = dx / len * width / 2;
    SDL_FPoint q[4] = {{x1 + nx, y1 + ny}, {x2 + nx, y2 + ny}, {x2 - nx, y2 - ny}, {x1 - nx, y1 - ny}};
    ui_polygon(ui, q, 4, c);
}

/* ---- the texture cache ------------------------------------------------ */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static TexEntry *tex_find(Ui *ui, const char *key)
{
    uint64_t h = hash_str(key);
    for (int i = 0; i < ui->tex_count; i++)
        if (ui->tex[i].hash == h && strcmp(ui->tex[i].key, key) == 0) {
            ui->tex[i].used = ui->frame;
            ui->tex[i].ahead = ui->ahead;
            return &ui->tex[i];
        }
    return NULL;
}

/* make analyze: the key's copy lives in ui->tex[] (freed by tex_drop and
 * ui_destroy); the analyzer does not follow it into the grown array. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
static TexEntry *tex_add(Ui *ui, const char *key, SDL_Texture *t, int w, int h)
{
    if (ui->tex_count == ui->tex_cap) {
        int cap = ui->tex_cap ? ui->tex_cap * 2 : 128;
        TexEntry *n = realloc(ui->tex, (size_t)cap * sizeof *n);
        if (!n) {
            if (t) SDL_DestroyTexture(t);
            return NULL;
        }
        ui->tex = n;
        ui->tex_cap = cap;
    }
    TexEntry *e = &ui->tex[ui->tex_count++];
    *e = (TexEntry){hash_str(key), strdup(key), t, w, h, ui->frame, ui->ahead};
    return e;
}
#pragma GCC diagnostic pop

static TextStyle style_of(const TextSpec *s)
{
    return (TextStyle){
        .size_px = s->size, .bold = s->bold, .lang = s->lang, .color = s->color, .line_spacing_pct = 135};
}

static int fit_lines(const TextSpec *spec, int max_h)
{
    int lh = spec->size * 135 / 100;
    int fit = lh > 0 ? max_h / lh : 1;
    if (fit < 1) fit = 1;
    return spec->max_lines > 0 && spec->max_lines < fit ? spec->max_lines : fit;
}

static void text_key(char *buf, size_t size, const char *text, const TextSpec *s, int w, int lines)
{
    snprintf(buf, size, "t%d.%d.%d.%02x%02x%02x%02x.%d.%d.%d|%s", s->size, s->bold, (int)s->lang, s->color.r,
             s->color.g, s->color.b, s->color.a, w, lines, s->flags, text);
}

/* The cached texture of text laid out in width w; NULL entry on failure. */
static TexEntry *text_entry(Ui *ui, const char *text, const TextSpec *spec, int w, int max_h)
{
    int lines = fit_lines(spec, max_h);
    /* Looked up for every text of every frame: the key is made on the
     * stack unless the text is long. */
    char stack[512], *key = stack;
    size_t klen = strlen(text) + 96;
    if (klen > sizeof stack && !(key = malloc(klen))) return NULL;
    text_key(key, klen, text, spec, w, lines);
    TexEntry *e = tex_find(ui, key);
    if (!e) {
        TextStyle st = style_of(spec);
        TextBlock b;
        Err err;
        SDL_Texture *t = NULL;
        int tw = 0, th = 0;
        if (text_layout(ui->fonts, text, &st, w, lines, spec->flags | TEXT_ELLIPSIZE, &b, &err) == 0) {
            t = b.line_count > 0 ? text_render(ui->r, ui->fonts, &b, 0, b.line_count, &err) : NULL;
            if (b.line_count > 0 && !t) log_warn("ui: cannot render text: %s", err.msg);
            tw = b.width;
            th = b.line_count * b.line_height;
            text_block_free(&b);
        } else {
            log_warn("ui: cannot lay out text: %s", err.msg);
        }
        e = tex_add(ui, key, t, tw, th);
    }
    if (key != stack) free(key);
    return e;
}

void ui_picture(Ui *ui, const char *key, SDL_Rect r, UiPaint paint, const void *ctx)
{
    if (r.w <= 0 || r.h <= 0) return;
    char full[160];
    snprintf(full, sizeof full, "p%dx%d|%s", r.w, r.h, key);
    TexEntry *e = tex_find(ui, full);
    if (!e) {
        SDL_Texture *t = NULL;
        SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, r.w, r.h, 32, SDL_PIXELFORMAT_ARGB8888);
        if (s) {
            SDL_FillRect(s, NULL, 0);
            paint(s, ctx);
            t = SDL_CreateTextureFromSurface(ui->r, s);
            if (t) SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
            SDL_FreeSurface(s);
        }
        if (!t) log_warn("ui: cannot make a picture: %s", SDL_GetError());
        e = tex_add(ui, full, t, r.w, r.h);
    }
    if (!e || !e->tex) return;
    SDL_Rect dst = ui_drift(ui, r);
    copy_in_frame(ui, e->tex, &dst);
}

void ui_text_size(Ui *ui, const char *text, const TextSpec *spec, int w, int max_h, int *tw, int *th)
{
    TexEntry *e = text_entry(ui, text, spec, w, max_h);
    *tw = e ? e->w : 0;
    *th = e ? e->h : 0;
}

int ui_text_kind(Ui *ui, int kind, const char *id, SDL_Rect box, const char *text, const TextSpec *spec)
{
    if (!text) text = "";
    TexEntry *e = text_entry(ui, text, spec, box.w, box.h);
    if (!e) return 0;
    int x = box.x, y = box.y;
    if (spec->align == ALIGN_CENTER) x += (box.w - e->w) / 2;
    else if (spec->align == ALIGN_RIGHT) x += box.w - e->w;
    if (spec->middle) y += (box.h - e->h) / 2;
    SDL_Rect dst = ui_drift(ui, (SDL_Rect){x, y, e->w, e->h});
    copy_in_frame(ui, e->tex, &dst);
    if (kind >= 0) {
        Widget *w = ui_record(ui, (WidgetKind)kind, id, text, box, id && *id);
        if (w) {
            w->text_rect = dst;
            w->lang = spec->lang;
            w->has_text_face = true;
        }
    }
    return e->h;
}

int ui_text(Ui *ui, SDL_Rect box, const char *text, const TextSpec *spec)
{
    return ui_text_kind(ui, WIDGET_TEXT, NULL, box, text, spec);
}

/* drawing: for a frame (not ui_block_prepare), which then waits for it
 * when it is not cached. */
static TexEntry *block_entry(Ui *ui, const char *key, const TextBlock *b, int first, int count, bool drawing)
{
    if (count <= 0 || first < 0 || first + count > b->line_count) return NULL;
    char k[256];
    snprintf(k, sizeof k, "b|%s|%d|%d", key, first, count);
    TexEntry *e = tex_find(ui, k);
    if (!e) {
        ui->cold_blocks += drawing;
        Err err;
        SDL_Texture *t = text_render(ui->r, ui->fonts, b, first, count, &err);
        if (!t) log_warn("ui: cannot render text: %s", err.msg);
        e = tex_add(ui, k, t, b->width, count * b->line_height);
    }
    return e;
}

void ui_block_prepare(Ui *ui, const char *key, const TextBlock *b, int first, int count)
{
    TexEntry *e = block_entry(ui, key, b, first, count, false);
    if (e) e->ahead = true;
}

unsigned ui_cold_blocks(const Ui *ui) { return ui->cold_blocks; }

void ui_block_draw(Ui *ui, const char *key, const TextBlock *b, int x, int y)
{
    TexEntry *e = block_entry(ui, key, b, 0, b->line_count, true);
    if (!e || !e->tex) return;
    int tw = 0, th = 0;
    SDL_QueryTexture(e->tex, NULL, NULL, &tw, &th);
    SDL_Rect dst = ui_drift(ui, (SDL_Rect){x, y, tw, th});
    copy_in_frame(ui, e->tex, &dst);
}

void ui_block_lines(Ui *ui, const char *key, const TextBlock *b, int first, int count, int x, int y, SDL_Rect box)
{
    TexEntry *e = block_entry(ui, key, b, first, count, true);
    if (!e) return;
    int tw = 0, th = 0;
    if (e->tex) SDL_QueryTexture(e->tex, NULL, NULL, &tw, &th);
    SDL_Rect dst = ui_drift(ui, (SDL_Rect){x, y, tw, th});
    copy_in_frame(ui, e->tex, &dst);
    const TextLine *a = &b->lines[first], *z = &b->lines[first + count - 1];
    int start = a->start, end = z->start + z->len;
    char *text = strndup(b->text + start, (size_t)(end - start));
    Widget *w = ui_record(ui, WIDGET_TEXT, UI_BODY_ID, text, box, false);
    free(text);
    if (!w) return;
    w->text_rect = dst;
    w->lines = count;
    w->lang = b->style.lang;
    w->has_text_face = true;
}

/* ---- widgets ---------------------------------------------------------- */

void ui_button(Ui *ui, const char *id, SDL_Rect r, const char *label, ButtonStyle style, bool enabled)
{
    const Theme *t = &ui_theme;
    bool pressed = enabled && strcmp(id, ui->pressed) == 0;
    int rad = ui_px(ui, 14);
    SDL_Color fill = t->card, fg = t->accent;
    switch (style) {
    case BUTTON_PRIMARY:
        fill = pressed ? t->accent_dark : t->accent;
        fg = t->header_text;
        break;
    case BUTTON_SECONDARY: fill = pressed ? t->pressed_card : t->card; break;
    case BUTTON_QUIET:
        fill = pressed ? t->pressed_card : t->bg;
        fg = t->text;
        break;
    case BUTTON_ON_HEADER:
        fill = pressed ? t->accent_dark : (SDL_Color){184, 52, 48, 255};
        fg = t->header_text;
        break;
    }
    if (!enabled) {
        fill = style == BUTTON_ON_HEADER ? t->header : t->bg;
        fg = t->disabled;
    }
    ui_round(ui, r, rad, fill);
    if (style == BUTTON_SECONDARY || style == BUTTON_QUIET || !enabled)
        ui_round_outline(ui, r, rad, ui_px(ui, pressed ? 4 : 2), enabled ? t->accent : t->disabled);
    TextSpec spec = {
        .size = ui_font(ui, 38), .bold = true, .color = fg, .align = ALIGN_CENTER, .middle = true, .max_lines = 1};
    int pad = ui_px(ui, 12);
    SDL_Rect box = {r.x + pad, r.y, r.w - 2 * pad, r.h};
    TexEntry *e = text_entry(ui, label, &spec, box.w, box.h);
    SDL_Rect dst = {0};
    if (e) {
        dst = ui_drift(ui, (SDL_Rect){box.x + (box.w - e->w) / 2, box.y + (box.h - e->h) / 2, e->w, e->h});
        copy_in_frame(ui, e->tex, &dst);
    }
    Widget *w = ui_record(ui, WIDGET_BUTTON, id, label, r, enabled);
    if (w) w->text_rect = dst;
}

static TextSpec badge_spec(Ui *ui, int h, SDL_Color fg)
{
    /* Never under the 28 px floor of docs/TYPOGRAPHY.md, while it fits. */
    int size = h * 62 / 100, floor_px = ui_font(ui, 28);
    if (size < floor_px) size = floor_px < h * 3 / 4 ? floor_px : h * 3 / 4;
    return (TextSpec){.size = size, .bold = true, .color = fg, .max_lines = 1};
}

int ui_badge_width(Ui *ui, int h, const char *text)
{
    TextSpec spec = badge_spec(ui, h, ui_theme.header_text);
    TexEntry *e = text_entry(ui, text, &spec, ui_px(ui, 400), h);
    return e ? e->w + 2 * (h / 3) : 0;
}

int ui_badge(Ui *ui, int x, int y, int h, const char *text, SDL_Color bg, SDL_Color fg)
{
    TextSpec spec = badge_spec(ui, h, fg);
    TexEntry *e = text_entry(ui, text, &spec, ui_px(ui, 400), h);
    if (!e) return 0;
    int pad = h / 3;
    SDL_Rect r = {x, y, e->w + 2 * pad, h};
    ui_round(ui, r, h / 4, bg);
    SDL_Rect dst = ui_drift(ui, (SDL_Rect){x + pad, y + (h - e->h) / 2, e->w, e->h});
    copy_in_frame(ui, e->tex, &dst);
    Widget *w = ui_record(ui, WIDGET_BADGE, NULL, text, r, false);
    if (w) w->text_rect = dst;
    return r.w;
}

/* ---- images ----------------------------------------------------------- */

/* Decodes a cached attachment once, at no more than the window's size
 * (picture.h: checked from its header first, then shrunk while it is
 * decoded), so a huge picture costs neither memory nor video memory. */
static SDL_Texture *load_image(Ui *ui, const char *sha, int *w, int *h)
{
    char path[PATH_MAX];
    Err err;
    SDL_Surface *s =
        blobs_path(ui->image_dir, sha, path, sizeof path, &err) ? NULL : picture_load(path, ui->win_w, ui->win_h, &err);
    if (!s) {
        log_warn("ui: image %s cannot be shown: %s", sha, err.msg);
        return NULL;
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(ui->r, s);
    *w = s->w;
    *h = s->h;
    SDL_FreeSurface(s);
    if (!t) log_warn("ui: image %s: %s", sha, SDL_GetError());
    return t;
}

static ImgEntry *image_entry(Ui *ui, const char *sha)
{
    for (int i = 0; i < ui->img_count; i++)
        if (strcmp(ui->img[i].sha, sha) == 0) {
            ui->img[i].used = ui->frame;
            ui->img[i].ahead = ui->ahead;
            return &ui->img[i];
        }
    if (ui->rehearsal.on) return NULL; /* a rehearsal warms the font caches, not pictures */
    if (ui->img_count == ui->img_cap) {
        int cap = ui->img_cap ? ui->img_cap * 2 : 16;
        ImgEntry *n = realloc(ui->img, (size_t)cap * sizeof *n);
        if (!n) return NULL;
        ui->img = n;
        ui->img_cap = cap;
    }
    ImgEntry *e = &ui->img[ui->img_count++];
    *e = (ImgEntry){.used = ui->frame, .ahead = ui->ahead};
    snprintf(e->sha, sizeof e->sha, "%s", sha);
    e->tex = load_image(ui, sha, &e->w, &e->h);
    return e;
}

int ui_image_size(Ui *ui, const char *sha256, int *w, int *h)
{
    ImgEntry *e = image_entry(ui, sha256);
    if (!e || !e->tex) return -1;
    *w = e->w;
    *h = e->h;
    return 0;
}

/* rect made at least min x min, centred on itself and kept inside box
 * (as far as box is large enough). */
static SDL_Rect grow_within(SDL_Rect rect, SDL_Rect box, int min)
{
    if (rect.w < min) {
        rect.x -= (min - rect.w) / 2;
        rect.w = min;
    }
    if (rect.h < min) {
        rect.y -= (min - rect.h) / 2;
        rect.h = min;
    }
    if (rect.x + rect.w > box.x + box.w) rect.x = box.x + box.w - rect.w;
    if (rect.y + rect.h > box.y + box.h) rect.y = box.y + box.h - rect.h;
    if (rect.x < box.x) rect.x = box.x;
    if (rect.y < box.y) rect.y = box.y;
    return rect;
}

void ui_image(Ui *ui, const char *id, SDL_Rect r, const char *sha256, const char *caption)
{
    ImgEntry *e = image_entry(ui, sha256);
    SDL_Rect shown = r;
    if (e && e->tex && e->w > 0 && e->h > 0) {
        float k = fminf((float)r.w / e->w, (float)r.h / e->h);
        shown.w = (int)(e->w * k);
        shown.h = (int)(e->h * k);
        shown.x = r.x + (r.w - shown.w) / 2;
        shown.y = r.y + (r.h - shown.h) / 2;
        SDL_Rect dst = ui_drift(ui, shown);
        copy_in_frame(ui, e->tex, &dst);
    } else {
        ui_round(ui, r, ui_px(ui, 10), ui_theme.card_line);
        TextSpec spec = {.size = ui_font(ui, 32), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .middle = true};
        ui_text_kind(ui, WIDGET_NOTE, NULL, r, "图片暂时无法显示", &spec);
    }
    /* A tiny picture is still a finger's size to touch, inside its box. */
    if (id) shown = grow_within(shown, r, ui_px(ui, UI_MIN_TARGET));
    ui_record(ui, WIDGET_IMAGE, id, caption, shown, id != NULL);
}

int ui_image_at(Ui *ui, SDL_Rect dst, const char *sha256)
{
    ImgEntry *e = image_entry(ui, sha256);
    if (!e || !e->tex) return -1;
    SDL_Rect at = ui_drift(ui, dst);
    copy_in_frame(ui, e->tex, &at);
    return 0;
}

/* Clips to r (window pixels, NULL: none) inside the frame's clip.  SDL
 * reads an empty rectangle as "no clip", so nothing is a pixel off the
 * window. */
static void set_clip(Ui *ui, const SDL_Rect *r)
{
    const SDL_Rect *frame = ui->frame_clip.w > 0 ? &ui->frame_clip : NULL;
    SDL_Rect c;
    if (!r || !frame) {
        SDL_RenderSetClipRect(ui->r, r ? r : frame);
        return;
    }
    if (!SDL_IntersectRect(r, frame, &c)) c = (SDL_Rect){-1, -1, 1, 1};
    SDL_RenderSetClipRect(ui->r, &c);
}

void ui_frame_clip(Ui *ui, const SDL_Rect *r)
{
    ui->frame_clip = r ? *r : (SDL_Rect){0};
    set_clip(ui, NULL);
}

bool ui_visible(const Ui *ui, SDL_Rect r) { return in_frame(ui, ui_drift(ui, r)); }

/* Far off the window: every drawing call of a rehearsal is skipped. */
static const SDL_Rect nowhere = {-1000000, -1000000, 1, 1};

void ui_rehearse_begin(Ui *ui)
{
    ui->rehearsal.on = true;
    ui->rehearsal.widgets = ui->widget_count;
    ui->rehearsal.tex = ui->tex_count;
    ui->rehearsal.img = ui->img_count;
    ui_frame_clip(ui, &nowhere);
}

/* New entries are appended and nothing is evicted before the frame ends,
 * so what the rehearsal added is the tail of each list. */
void ui_rehearse_end(Ui *ui)
{
    for (int i = ui->rehearsal.widgets; i < ui->widget_count; i++) free(ui->widgets[i].text);
    ui->widget_count = ui->rehearsal.widgets;
    for (int i = ui->rehearsal.tex; i < ui->tex_count; i++) {
        drop_texture(ui, ui->tex[i].tex, ui->tex[i].w, ui->tex[i].h);
        free(ui->tex[i].key);
    }
    ui->tex_count = ui->rehearsal.tex;
    for (int i = ui->rehearsal.img; i < ui->img_count; i++)
        drop_texture(ui, ui->img[i].tex, ui->img[i].w, ui->img[i].h);
    ui->img_count = ui->rehearsal.img;
    ui->rehearsal.on = false;
    ui_frame_clip(ui, NULL);
}

void ui_clip(Ui *ui, const SDL_Rect *r)
{
    if (!r) {
        set_clip(ui, NULL);
        return;
    }
    SDL_Rect c = ui_drift(ui, *r);
    set_clip(ui, &c);
}

/* The format of the picture being drawn, so that an opaque texture is
 * copied onto it row by row with no conversion. */
static Uint32 target_format(Ui *ui)
{
    Uint32 format = SDL_PIXELFORMAT_UNKNOWN;
    SDL_Texture *target = SDL_GetRenderTarget(ui->r);
    SDL_Window *win = SDL_RenderGetWindow(ui->r);
    if (target) SDL_QueryTexture(target, &format, NULL, NULL, NULL);
    else if (win) format = SDL_GetWindowPixelFormat(win);
    return format == SDL_PIXELFORMAT_UNKNOWN ? SDL_PIXELFORMAT_ARGB8888 : format;
}

/* text (w x h, with alpha) laid over ground into a new opaque texture.
 * Drawn into a target texture and back; SDL forgets the clip of a texture
 * target it leaves, so the clip (a partial frame's, a screen's) and the
 * draw state are put back as they were.  NULL when it cannot be made. */
static SDL_Texture *on_ground(Ui *ui, SDL_Texture *text, int w, int h, SDL_Color ground)
{
    SDL_Texture *t = SDL_CreateTexture(ui->r, target_format(ui), SDL_TEXTUREACCESS_TARGET, w, h);
    if (!t) return NULL;
    SDL_Texture *was = SDL_GetRenderTarget(ui->r);
    SDL_Rect clip;
    SDL_RenderGetClipRect(ui->r, &clip);
    bool clipped = SDL_RenderIsClipEnabled(ui->r);
    if (SDL_SetRenderTarget(ui->r, t) == 0) {
        SDL_SetRenderDrawBlendMode(ui->r, SDL_BLENDMODE_NONE);
        SDL_SetRenderDrawColor(ui->r, ground.r, ground.g, ground.b, 255);
        SDL_RenderFillRect(ui->r, NULL);
        SDL_RenderCopy(ui->r, text, NULL, NULL);
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
    } else {
        SDL_DestroyTexture(t);
        t = NULL;
    }
    SDL_SetRenderTarget(ui->r, was);
    SDL_RenderSetClipRect(ui->r, clipped ? &clip : NULL);
    return t;
}

/* The line's opaque texture, made once from its text texture (which is
 * then no longer drawn, and leaves the cache). */
static TexEntry *ground_entry(Ui *ui, const char *text, const TextSpec *spec, int w, int max_h, SDL_Color ground)
{
    char stack[512], *key = stack;
    size_t klen = strlen(text) + 112;
    if (klen > sizeof stack && !(key = malloc(klen))) return NULL;
    int used = snprintf(key, klen, "g%02x%02x%02x.", ground.r, ground.g, ground.b);
    text_key(key + used, klen - (size_t)used, text, spec, w, fit_lines(spec, max_h));
    TexEntry *e = tex_find(ui, key);
    if (!e) {
        TexEntry *plain = text_entry(ui, text, spec, w, max_h);
        SDL_Texture *t = plain && plain->tex ? on_ground(ui, plain->tex, plain->w, plain->h, ground) : NULL;
        if (plain && plain->tex && !t) log_warn("ui: cannot lay a line on its ground: %s", SDL_GetError());
        int tw = plain ? plain->w : 0, th = plain ? plain->h : 0;
        e = t ? tex_add(ui, key, t, tw, th) : plain;
    }
    if (key != stack) free(key);
    return e;
}

int ui_text_scroll(Ui *ui, SDL_Rect box, const char *text, const TextSpec *spec, int offset, int max_w,
                   SDL_Color ground, SDL_Rect *line)
{
    TextSpec one = *spec;
    one.max_lines = 1;
    TexEntry *e = ground_entry(ui, text, &one, max_w, box.h, ground);
    if (!e) return 0;
    int top = box.y + (spec->middle ? (box.h - e->h) / 2 : 0);
    if (line) *line = (SDL_Rect){box.x, top, box.w, e->h < box.h ? e->h : box.h};
    SDL_Rect clip = ui_drift(ui, box);
    SDL_Rect dst = ui_drift(ui, (SDL_Rect){box.x - offset, top, e->w, e->h});
    set_clip(ui, &clip);
    copy_in_frame(ui, e->tex, &dst);
    set_clip(ui, NULL);
    Widget *w = ui_record(ui, WIDGET_TEXT, NULL, text, box, false);
    SDL_Rect shown;
    if (w && SDL_IntersectRect(&dst, &clip, &shown)) w->text_rect = shown;
    return e->w;
}
