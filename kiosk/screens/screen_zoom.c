/* screen_zoom.c — the full-screen views a visitor zooms: one image of an
 * item (screen "image", arg "ITEM#N"), one table of an item's body
 * (screen "table", arg "ITEM#T") and the pages of a PDF attachment
 * (screen "pdf", arg "ITEM#N#PAGE").  All fill the space between the
 * header and the bars; a double tap zooms in (2.5×) and out, two fingers
 * pinch (1× to 5×), one finger pans while zoomed.  Not zoomed, a swipe
 * turns to the item's next or previous image, or the PDF's next or
 * previous page, as a page turn would. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "log.h"
#include "number.h"
#include "pdfpage.h"
#include "reader_table.h"
#include "screens.h"

#define ZOOM_MAX 5.0f
#define ZOOM_DOUBLE_TAP 2.5f
#define DOUBLE_TAP_MS 450
#define VIEW_ID "zoom.view"
#define CLOSE_ID "image.close"

/* ---- zoom and pan, shared by both views ------------------------------- */

typedef struct Zoom {
    float s; /* 1 = fitted */
    float px, py; /* centre of the content from the centre of the view */
    float s0, px0, py0; /* at the start of a pinch or a pan */
    bool panning;
    uint32_t last_tap;
    int tap_x, tap_y;
} Zoom;

/* Keeps the content over the view: no pan past its edges, none at all
 * along a side where it is smaller than the view. */
static void zoom_clamp(Zoom *z, SDL_Rect view, int fit_w, int fit_h)
{
    if (z->s < 1) z->s = 1;
    if (z->s > ZOOM_MAX) z->s = ZOOM_MAX;
    float room_x = (fit_w * z->s - view.w) / 2, room_y = (fit_h * z->s - view.h) / 2;
    if (room_x < 0) room_x = 0;
    if (room_y < 0) room_y = 0;
    z->px = fmaxf(-room_x, fminf(room_x, z->px));
    z->py = fmaxf(-room_y, fminf(room_y, z->py));
}

/* Zooms to s keeping the content under (fx, fy) where it is. */
static void zoom_about(Zoom *z, SDL_Rect view, float s, int fx, int fy)
{
    float vcx = view.x + view.w / 2.0f, vcy = view.y + view.h / 2.0f;
    float ux = (fx - vcx - z->px) / z->s, uy = (fy - vcy - z->py) / z->s;
    z->s = s;
    z->px = fx - vcx - ux * s;
    z->py = fy - vcy - uy * s;
}

static void zoom_pinch(Zoom *z, const PinchEvent *pe, SDL_Rect view, int fit_w, int fit_h)
{
    if (pe->kind == PINCH_BEGIN) {
        z->s0 = z->s;
        z->px0 = z->px;
        z->py0 = z->py;
    }
    float vcx = view.x + view.w / 2.0f, vcy = view.y + view.h / 2.0f;
    float ux = (pe->cx - vcx - z->px0) / z->s0, uy = (pe->cy - vcy - z->py0) / z->s0;
    z->s = fmaxf(1, fminf(ZOOM_MAX, z->s0 * pe->scale));
    z->px = pe->cx + pe->dx - vcx - ux * z->s;
    z->py = pe->cy + pe->dy - vcy - uy * z->s;
    zoom_clamp(z, view, fit_w, fit_h);
}

/* A tap on the view: the second of two quick taps zooms in there, or back out. */
static bool zoom_tap(Zoom *z, App *app, int x, int y, SDL_Rect view, int fit_w, int fit_h)
{
    uint32_t now = app_ms(app);
    bool second = z->last_tap && now - z->last_tap <= DOUBLE_TAP_MS && abs(x - z->tap_x) < view.w / 10 &&
                  abs(y - z->tap_y) < view.h / 10;
    z->last_tap = second ? 0 : now;
    z->tap_x = x;
    z->tap_y = y;
    if (!second) return false;
    if (z->s > 1.05f) {
        z->s = 1;
        z->px = z->py = 0;
    } else {
        zoom_about(z, view, ZOOM_DOUBLE_TAP, x, y);
    }
    zoom_clamp(z, view, fit_w, fit_h);
    return true;
}

/* One finger while zoomed pans; a tap still goes through (double tap). */
static bool zoom_pointer(Zoom *z, const InputEvent *in, SDL_Rect view, int fit_w, int fit_h)
{
    if (z->s <= 1.01f) return false;
    switch (in->kind) {
    case INPUT_PRESS:
        z->px0 = z->px;
        z->py0 = z->py;
        z->panning = true;
        return false;
    case INPUT_MOVE:
        if (!z->panning) return true;
        z->px = z->px0 + in->dx;
        z->py = z->py0 + in->dy;
        zoom_clamp(z, view, fit_w, fit_h);
        return true;
    case INPUT_SWIPE:
    case INPUT_CANCEL: z->panning = false; return true;
    default: z->panning = false; return false;
    }
}

static SDL_Rect zoom_rect(const Zoom *z, SDL_Rect view, int fit_w, int fit_h)
{
    int w = (int)(fit_w * z->s), h = (int)(fit_h * z->s);
    return (SDL_Rect){view.x + view.w / 2 + (int)z->px - w / 2, view.y + view.h / 2 + (int)z->py - h / 2, w, h};
}

/* The touch area of the view and, when zoomed, a note with the zoom. */
static void zoom_record(Ui *ui, const Zoom *z, SDL_Rect view, const char *what)
{
    /* Inset a little: the drift against burn-in must not push it off the screen. */
    int in = ui_px(ui, 8);
    ui_record(ui, WIDGET_IMAGE, VIEW_ID, what, (SDL_Rect){view.x + in, view.y + in, view.w - 2 * in, view.h - 2 * in},
              true);
    if (z->s <= 1.01f) return;
    char label[32];
    snprintf(label, sizeof label, "放大 %d%%", (int)(z->s * 100 + 0.5f));
    int w = ui_px(ui, 220), h = ui_px(ui, 56), m = ui_px(ui, 16);
    SDL_Rect r = {view.x + view.w - w - m, view.y + m, w, h};
    ui_round(ui, r, ui_px(ui, 12), (SDL_Color){0, 0, 0, 160});
    TextSpec spec = {
        .size = ui_font(ui, 32), .color = ui_theme.header_text, .align = ALIGN_CENTER, .middle = true, .max_lines = 1};
    ui_text_kind(ui, WIDGET_NOTE, NULL, r, label, &spec);
}

/* "ITEM#N" -> the item and N; "ITEM#N#P" also P (page, else 0). */
static int parse_arg_page(App *app, const char *arg, StoreItem *item, int *index, int *page)
{
    char id[PROTO_ID_MAX], num[16];
    const char *hash = strchr(arg, '#');
    if (!hash || (size_t)(hash - arg) >= sizeof id) return -1;
    snprintf(id, sizeof id, "%.*s", (int)(hash - arg), arg);
    const char *second = strchr(hash + 1, '#');
    *page = 0;
    if (second && number_parse_int(second + 1, 0, 1000000, page)) return -1;
    size_t n = second ? (size_t)(second - hash - 1) : strlen(hash + 1);
    if (n >= sizeof num) return -1;
    snprintf(num, sizeof num, "%.*s", (int)n, hash + 1);
    if (number_parse_int(num, 0, 1000000, index)) return -1;
    Err err;
    if (store_item_get(app_store(app), id, app_time(app), item, &err) != 0) return -1;
    return 0;
}

static int parse_arg(App *app, const char *arg, StoreItem *item, int *index)
{
    int page;
    if (strchr(strchr(arg, '#') ? strchr(arg, '#') + 1 : arg, '#')) return -1;
    return parse_arg_page(app, arg, item, index, &page);
}

/* The view: the whole body between the header and the bars. */
static SDL_Rect view_rect(App *app, Chrome *ch)
{
    *ch = app_chrome(app, false);
    return ch->body;
}

static void close_button(App *app, Ui *ui, const Chrome *ch)
{
    /* In the middle of the bar, clear of 返回 and 首页 on its left. */
    int bw = ui_px(ui, 260), bh = ui_px(ui, 96), x = (app_width(app) - bw) / 2;
    if (x < ui_px(ui, 480)) x = ui_px(ui, 480);
    SDL_Rect at = {x, ch->nav.y + (ch->nav.h - bh) / 2, bw, bh};
    ui_button(ui, CLOSE_ID, at, "关闭", BUTTON_SECONDARY, true);
}

/* ---- one image --------------------------------------------------------- */

/* The state of the two views of one attachment: a picture (`image`) and a
 * PDF document (`pdf`, which turns pages too). */
typedef struct AttachmentView {
    StoreItem item;
    int index; /* which attachment */
    int page; /* a PDF's page shown (0 for a picture) */
    Zoom z;
    int fit_w, fit_h; /* the picture or page fitted to the view at 1x */
    SDL_Rect view;
} AttachmentView;

/* Opens "ITEM#N" (a picture) or "ITEM#N#P" (a PDF at page P): the item's
 * attachment N must be of the view's kind. */
static int attachment_enter(App *app, AttachmentView *v, const char *arg, bool pdf)
{
    int rc = pdf ? parse_arg_page(app, arg, &v->item, &v->index, &v->page) : parse_arg(app, arg, &v->item, &v->index);
    if (rc != 0) return -1;
    if (v->index >= v->item.s.image_count || proto_pdf_type(v->item.images[v->index].mime) != pdf) {
        store_item_free(&v->item);
        return -1;
    }
    v->z.s = 1;
    return 0;
}

static void attachment_leave(App *app, void *st)
{
    (void)app;
    store_item_free(&((AttachmentView *)st)->item);
}

/* The item read again; true when the attachment shown is still the same file. */
static bool attachment_refresh(App *app, void *st)
{
    AttachmentView *v = st;
    StoreItem it;
    Err err;
    if (store_item_get(app_store(app), v->item.s.id, app_time(app), &it, &err) != 0) return false;
    bool same = v->index < it.s.image_count && strcmp(it.images[v->index].sha256, v->item.images[v->index].sha256) == 0;
    store_item_free(&v->item);
    v->item = it;
    return same;
}

static bool attachment_pointer(App *app, void *st, const InputEvent *in)
{
    (void)app;
    AttachmentView *v = st;
    return zoom_pointer(&v->z, in, v->view, v->fit_w, v->fit_h);
}

static void attachment_pinch(App *app, void *st, const PinchEvent *pe)
{
    (void)app;
    AttachmentView *v = st;
    zoom_pinch(&v->z, pe, v->view, v->fit_w, v->fit_h);
}

static int image_enter(App *app, void *st, const char *arg) { return attachment_enter(app, st, arg, false); }

#define FIRST_IMAGE "已是第一张"
#define LAST_IMAGE "已是最后一张"

/* The item's next picture that way (its PDFs have a view of their own);
 * -1 or the count past the ends. */
static int next_image(const AttachmentView *v, int step)
{
    int next = v->index + step;
    while (next >= 0 && next < v->item.s.image_count && proto_pdf_type(v->item.images[next].mime)) next += step;
    return next;
}

/* A finger drags the picture (not zoomed): the one beside it (app.h, turn_page). */
static bool image_turn_page(App *app, void *st, int dir)
{
    (void)app;
    AttachmentView *v = st;
    int next = next_image(v, dir);
    if (v->z.s > 1.01f || next < 0 || next >= v->item.s.image_count) return false;
    v->index = next;
    v->z = (Zoom){.s = 1};
    return true;
}

static void image_event(App *app, void *st, const ScreenEvent *ev)
{
    AttachmentView *v = st;
    if (ev->kind == INPUT_SWIPE && v->z.s <= 1.01f && abs(ev->dx) >= abs(ev->dy)) {
        int step = ev->dx < 0 ? 1 : -1, next = next_image(v, step);
        if (next < 0 || next >= v->item.s.image_count) {
            app_toast(app, next < 0 ? FIRST_IMAGE : LAST_IMAGE);
            return;
        }
        app_transition(app, step);
        image_turn_page(app, v, step);
        return;
    }
    if (ev->kind != INPUT_TAP) return;
    if (strcmp(ev->id, CLOSE_ID) == 0) app_back(app);
    else if (strcmp(ev->id, VIEW_ID) == 0) zoom_tap(&v->z, app, ev->x, ev->y, v->view, v->fit_w, v->fit_h);
}

/* The image as large as the view allows at its own aspect ratio (small
 * pictures are enlarged too: the screen is read from a metre away). */
static void image_fit(AttachmentView *v, Ui *ui, int *w, int *h)
{
    int nw, nh;
    if (ui_image_size(ui, v->item.images[v->index].sha256, &nw, &nh) != 0 || nw <= 0 || nh <= 0) {
        *w = v->view.w;
        *h = v->view.h;
        return;
    }
    float k = fminf((float)v->view.w / nw, (float)v->view.h / nh);
    *w = (int)(nw * k);
    *h = (int)(nh * k);
}

static void image_draw(App *app, void *st, Ui *ui)
{
    AttachmentView *v = st;
    Chrome ch;
    v->view = view_rect(app, &ch);
    app_draw_header(app, ui, &ch);
    ui_fill_bleed(ui, ch.body, (SDL_Color){38, 34, 31, 255});
    const StoreImage *im = &v->item.images[v->index];
    image_fit(v, ui, &v->fit_w, &v->fit_h);
    zoom_clamp(&v->z, v->view, v->fit_w, v->fit_h);
    SDL_Rect dst = zoom_rect(&v->z, v->view, v->fit_w, v->fit_h);
    ui_clip(ui, &v->view);
    bool shown = ui_image_at(ui, dst, im->sha256) == 0;
    ui_clip(ui, NULL);
    if (!shown) {
        TextSpec spec = {.size = ui_font(ui, 36), .color = ui_theme.header_text, .align = ALIGN_CENTER, .middle = true};
        ui_text_kind(ui, WIDGET_NOTE, NULL, v->view, "图片暂时无法显示", &spec);
    }
    if (im->caption[0] && v->z.s <= 1.01f) {
        /* The caption on a dark band over the foot of the picture. */
        int size = ui_font(ui, 36), h = size * 2;
        SDL_Rect band = {v->view.x, v->view.y + v->view.h - h, v->view.w, h};
        ui_fill(ui, band, (SDL_Color){20, 18, 16, 200});
        TextSpec spec = {.size = size,
                         .color = ui_theme.header_text,
                         .align = ALIGN_CENTER,
                         .middle = true,
                         .max_lines = 1,
                         .lang = screens_text_lang(v->item.s.lang)};
        ui_text(ui, band, im->caption, &spec);
    }
    zoom_record(ui, &v->z, v->view, im->caption);
    close_button(app, ui, &ch);
    app_draw_nav(app, ui, &ch, true);
}

const ScreenOps screen_image = {
    .name = "image",
    .state_size = sizeof(AttachmentView),
    .enter = image_enter,
    .leave = attachment_leave,
    .event = image_event,
    .draw = image_draw,
    .refresh = attachment_refresh,
    .pointer = attachment_pointer,
    .pinch = attachment_pinch,
    .turn_page = image_turn_page,
    .first_note = FIRST_IMAGE,
    .last_note = LAST_IMAGE,
};

/* ---- one table --------------------------------------------------------- */

typedef struct TableView {
    StoreItem item;
    Body doc;
    int index; /* which table of the body */
    const BodyTable *table;
    TableLayout lay;
    float laid_s; /* the zoom the layout was made at (0: none yet) */
    int serial;
    Zoom z;
    SDL_Rect view;
    int base_w, base_h; /* the table's size at 1× */
} TableView;

static int table_serial;

static int table_enter(App *app, void *st, const char *arg)
{
    TableView *v = st;
    if (parse_arg(app, arg, &v->item, &v->index) != 0) return -1;
    Err err;
    if (body_parse(v->item.body, v->item.body_format == BODY_MARKDOWN, v->item.s.image_count, &v->doc, &err) != 0) {
        log_warn("table: %s", err.msg);
        store_item_free(&v->item);
        return -1;
    }
    for (int i = 0, n = 0; i < v->doc.count && !v->table; i++)
        if (v->doc.blocks[i].kind == BODY_TABLE && n++ == v->index) v->table = v->doc.blocks[i].table;
    if (!v->table) {
        body_free(&v->doc);
        store_item_free(&v->item);
        return -1;
    }
    v->z.s = 1;
    return 0;
}

static void table_leave(App *app, void *st)
{
    (void)app;
    TableView *v = st;
    table_layout_free(&v->lay);
    body_free(&v->doc);
    store_item_free(&v->item);
}

static int table_height(const TableLayout *t)
{
    int h = 0;
    for (int r = 0; r < t->rows; r++) h += t->row_h[r];
    return h;
}

/* The table is laid out again at each zoom it settles on, so that its text
 * stays sharp (not a picture of it stretched): at 1× it fills the view's
 * width, or keeps its natural width when wider (then it pans). */
static void table_relayout(TableView *v, Ui *ui)
{
    float s = v->z.s;
    if (v->laid_s == s && v->lay.cells) return;
    table_layout_free(&v->lay);
    int size = (int)(ui_font(ui, 36) * s), margin = ui_px(ui, 24);
    int width = (int)((v->view.w - 2 * margin) * s);
    Err err;
    if (table_layout(ui, v->table, width, size, screens_text_lang(v->item.s.lang), &v->lay, &err) != 0) {
        log_warn("table: %s", err.msg);
        return;
    }
    if (v->lay.wider > width) {
        table_layout_free(&v->lay);
        if (table_layout(ui, v->table, v->lay.wider, size, screens_text_lang(v->item.s.lang), &v->lay, &err) != 0)
            return;
    }
    v->laid_s = s;
    v->serial = ++table_serial;
    if (s == 1) {
        v->base_w = v->lay.width + 2 * margin;
        v->base_h = table_height(&v->lay) + 2 * margin;
    }
}

static bool table_refresh(App *app, void *st)
{
    TableView *v = st;
    StoreItem it;
    Err err;
    if (store_item_get(app_store(app), v->item.s.id, app_time(app), &it, &err) != 0) return false;
    bool same = it.revision == v->item.revision;
    store_item_free(&it);
    return same;
}

static void table_event(App *app, void *st, const ScreenEvent *ev)
{
    TableView *v = st;
    if (ev->kind != INPUT_TAP) return;
    if (strcmp(ev->id, CLOSE_ID) == 0) app_back(app);
    else if (strcmp(ev->id, VIEW_ID) == 0) zoom_tap(&v->z, app, ev->x, ev->y, v->view, v->base_w, v->base_h);
}

static bool table_pointer(App *app, void *st, const InputEvent *in)
{
    (void)app;
    TableView *v = st;
    /* A table wider or taller than the view pans at 1× too. */
    if (v->z.s <= 1.01f && v->base_w <= v->view.w && v->base_h <= v->view.h) return false;
    float s = v->z.s;
    if (s <= 1.01f) v->z.s = 1.0101f;
    bool taken = zoom_pointer(&v->z, in, v->view, v->base_w, v->base_h);
    v->z.s = s;
    zoom_clamp(&v->z, v->view, v->base_w, v->base_h);
    return taken;
}

static void table_pinch(App *app, void *st, const PinchEvent *pe)
{
    (void)app;
    TableView *v = st;
    zoom_pinch(&v->z, pe, v->view, v->base_w, v->base_h);
}

static void table_draw(App *app, void *st, Ui *ui)
{
    TableView *v = st;
    Chrome ch;
    v->view = view_rect(app, &ch);
    app_draw_header(app, ui, &ch);
    if (v->base_w == 0) {
        /* First shown: the top left of the table (the clamp stops it there). */
        v->z.s = 1;
        table_relayout(v, ui);
        v->z.px = 1e6f;
        v->z.py = 1e6f;
    }
    zoom_clamp(&v->z, v->view, v->base_w, v->base_h);
    table_relayout(v, ui);
    SDL_Rect at = zoom_rect(&v->z, v->view, v->base_w, v->base_h);
    int margin = (int)(ui_px(ui, 24) * v->laid_s);
    /* Smaller than the view: from the top, not centred. */
    if (at.h <= v->view.h) at.y = v->view.y;
    if (at.w <= v->view.w) at.x = v->view.x + (v->view.w - at.w) / 2;
    ui_clip(ui, &v->view);
    int y = at.y + margin;
    char key[48];
    snprintf(key, sizeof key, "tv%d", v->serial);
    for (int r = 0; r < v->lay.rows; r++) {
        int h = v->lay.row_h[r];
        if (y + h > v->view.y && y < v->view.y + v->view.h) {
            char wid[48];
            snprintf(wid, sizeof wid, "tview:%d", r);
            table_draw_row(ui, &v->lay, key, wid, r, at.x + margin, y);
        }
        y += h;
    }
    ui_clip(ui, NULL);
    zoom_record(ui, &v->z, v->view, v->table->caption);
    close_button(app, ui, &ch);
    app_draw_nav(app, ui, &ch, true);
}

const ScreenOps screen_table = {
    .name = "table",
    .state_size = sizeof(TableView),
    .enter = table_enter,
    .leave = table_leave,
    .event = table_event,
    .draw = table_draw,
    .refresh = table_refresh,
    .pointer = table_pointer,
    .pinch = table_pinch,
};

/* ---- the pages of a PDF ----------------------------------------------- */

/* The zooms a page is rendered at: a few steps, not every scale a pinch
 * passes through, so that the worker renders a page once per step and a
 * zoomed page stays sharp without a render for each frame. */
static float pdf_render_scale(float s) { return s <= 1.01f ? 1 : s <= 2.0f ? 2 : s <= 3.5f ? 3.5f : ZOOM_MAX; }

static const char *pdf_sha(const AttachmentView *v) { return v->item.images[v->index].sha256; }

static int pdf_enter(App *app, void *st, const char *arg) { return attachment_enter(app, st, arg, true); }

#define FIRST_PAGE "已是第一页"
#define LAST_PAGE "已是最后一页"

/* The PDF's pages known so far (1 until it is open). */
static int pdf_page_count(App *app, const AttachmentView *v)
{
    int pages = 1;
    if (ui_pdf_pages(app_ui(app), pdf_sha(v), &pages, NULL, 0) != PDF_READY) pages = 1;
    return pages;
}

/* A finger drags the page (not zoomed): the one beside it (app.h, turn_page). */
static bool pdf_turn_page(App *app, void *st, int dir)
{
    AttachmentView *v = st;
    int next = v->page + dir;
    if (v->z.s > 1.01f || next < 0 || next >= pdf_page_count(app, v)) return false;
    v->page = next;
    v->z = (Zoom){.s = 1};
    return true;
}

static void pdf_event(App *app, void *st, const ScreenEvent *ev)
{
    AttachmentView *v = st;
    if (ev->kind == INPUT_SWIPE && v->z.s <= 1.01f) {
        bool across = abs(ev->dx) >= abs(ev->dy);
        int step = (across ? ev->dx : ev->dy) < 0 ? 1 : -1, next = v->page + step;
        if (next < 0 || next >= pdf_page_count(app, v)) {
            app_toast(app, next < 0 ? FIRST_PAGE : LAST_PAGE);
            return;
        }
        app_transition(app, step);
        pdf_turn_page(app, v, step);
        return;
    }
    if (ev->kind != INPUT_TAP) return;
    if (strcmp(ev->id, CLOSE_ID) == 0) app_back(app);
    else if (strcmp(ev->id, VIEW_ID) == 0) zoom_tap(&v->z, app, ev->x, ev->y, v->view, v->fit_w, v->fit_h);
}

static void pdf_draw(App *app, void *st, Ui *ui)
{
    AttachmentView *v = st;
    Chrome ch;
    v->view = view_rect(app, &ch);
    app_draw_header(app, ui, &ch);
    ui_fill_bleed(ui, ch.body, (SDL_Color){38, 34, 31, 255});
    const char *sha = pdf_sha(v);
    char msg[160] = "", label[700];
    int pages = 1;
    PdfState shown = ui_pdf_pages(ui, sha, &pages, msg, sizeof msg);
    if (v->page >= pages) v->page = pages - 1;
    SDL_Rect fit = ui_pdf_fit(ui, v->view, sha, v->page);
    v->fit_w = fit.w;
    v->fit_h = fit.h;
    zoom_clamp(&v->z, v->view, v->fit_w, v->fit_h);
    SDL_Rect dst = zoom_rect(&v->z, v->view, v->fit_w, v->fit_h);
    if (shown == PDF_READY) {
        /* The page at the zoom's step, with the fitted one kept to stand
         * in (stretched) while a sharper one is rendered. */
        float rs = pdf_render_scale(v->z.s);
        ui_pdf_prefetch(ui, sha, v->page, fit.w, fit.h);
        ui_clip(ui, &v->view);
        shown = ui_pdf_draw(ui, dst, sha, v->page, (int)(fit.w * rs), (int)(fit.h * rs), msg, sizeof msg);
        ui_clip(ui, NULL);
        if (shown == PDF_PENDING && rs > 1) shown = PDF_READY;
        if (v->z.s <= 1.01f) {
            for (int p = v->page - 1; p <= v->page + 1; p += 2) {
                if (p < 0 || p >= pages) continue;
                SDL_Rect n = ui_pdf_fit(ui, v->view, sha, p);
                ui_pdf_prefetch(ui, sha, p, n.w, n.h);
            }
        }
    }
    if (shown != PDF_READY) {
        TextSpec spec = {.size = ui_font(ui, 36), .color = ui_theme.header_text, .align = ALIGN_CENTER, .middle = true};
        ui_text_kind(ui, WIDGET_NOTE, NULL, v->view, shown == PDF_FAILED ? msg : "正在打开文件……", &spec);
    }
    const StoreImage *att = &v->item.images[v->index];
    snprintf(label, sizeof label, "%s%s第 %d/%d 页", att->caption, att->caption[0] ? " · " : "", v->page + 1, pages);
    if (v->z.s <= 1.01f) {
        int size = ui_font(ui, 32), h = size * 2;
        SDL_Rect band = {v->view.x, v->view.y + v->view.h - h, v->view.w, h};
        ui_fill(ui, band, (SDL_Color){20, 18, 16, 200});
        TextSpec spec = {.size = size,
                         .color = ui_theme.header_text,
                         .align = ALIGN_CENTER,
                         .middle = true,
                         .max_lines = 1,
                         .lang = screens_text_lang(v->item.s.lang)};
        ui_text(ui, band, label, &spec);
    }
    zoom_record(ui, &v->z, v->view, label);
    close_button(app, ui, &ch);
    app_draw_nav(app, ui, &ch, true);
}

const ScreenOps screen_pdf = {
    .name = "pdf",
    .state_size = sizeof(AttachmentView),
    .enter = pdf_enter,
    .leave = attachment_leave,
    .event = pdf_event,
    .draw = pdf_draw,
    .refresh = attachment_refresh,
    .pointer = attachment_pointer,
    .pinch = attachment_pinch,
    .turn_page = pdf_turn_page,
    .first_note = FIRST_PAGE,
    .last_note = LAST_PAGE,
};
