/* screen_reader.c — reading one item: the title and a meta line, the body
 * laid out into screen pages (paragraph indents and line breaking by
 * text.h), images inline with their captions where the body says [图N]
 * (the rest after the body), a large-text toggle that lays the item out
 * again at the same place; and the full-screen image view. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "number.h"
#include "screens.h"

#define LARGE_ID "reader.large"

typedef enum { SEG_TEXT, SEG_IMAGE } SegKind;

typedef struct Segment {
    SegKind kind;
    int index;          /* block or image */
    int offset;         /* byte offset of its start in the body */
} Segment;

typedef struct Piece {
    SegKind kind;
    int index;          /* block or image */
    int first, count;   /* lines of the block */
    int y, h;           /* inside the page's column */
    int offset;         /* body byte offset it starts at */
} Piece;

typedef struct Reader {
    StoreItem item;
    char *body;                 /* the item's body, tidied (text_tidy_paragraphs) */
    bool have_item;
    bool large;
    int serial;                 /* names this layout in the texture cache */
    Segment *segs;
    int seg_count;
    TextBlock *blocks;
    int block_count;
    Piece *pieces;
    int piece_count, piece_cap;
    int *page_first;            /* first piece of each page */
    int page_count;
    int page;
    int laid_w, laid_h, laid_h_rest; /* the columns the layout was made for: page 1, later pages (0 = redo) */
    int anchor;                 /* body offset to keep in view across layouts */
    int prepared;               /* the page whose text is already in the cache (-1: none) */
    uint32_t page_since;        /* when the current page was turned to */
} Reader;

static int next_serial;

static void free_layout(Reader *r)
{
    for (int i = 0; i < r->block_count; i++) text_block_free(&r->blocks[i]);
    free(r->blocks);
    free(r->segs);
    free(r->pieces);
    free(r->page_first);
    r->blocks = NULL;
    r->segs = NULL;
    r->pieces = NULL;
    r->page_first = NULL;
    r->block_count = r->seg_count = r->piece_count = r->piece_cap = r->page_count = 0;
    r->laid_w = r->laid_h = r->laid_h_rest = 0;
    r->prepared = -1;
}

/* "[图3]" alone on a paragraph -> 2 (0-based), else -1. */
static int image_marker(const char *p, size_t len, int image_count)
{
    while (len && isspace((unsigned char)*p)) p++, len--;
    while (len && isspace((unsigned char)p[len - 1])) len--;
    int n = 0, used = 0;
    char buf[32];
    if (len >= sizeof buf) return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    if (sscanf(buf, "[图%d]%n", &n, &used) != 1 || (size_t)used != len) return -1;
    return n >= 1 && n <= image_count ? n - 1 : -1;
}

static int body_style(Ui *ui, const Reader *r, TextStyle *st)
{
    *st = (TextStyle){.size_px = ui_read_font(ui, r->large ? 54 : 42), .color = ui_theme.text, .line_spacing_pct = 165};
    return st->size_px;
}

static int add_segment(Reader *r, SegKind kind, int index, int offset)
{
    Segment *s = realloc(r->segs, (size_t)(r->seg_count + 1) * sizeof *s);
    if (!s) return -1;
    r->segs = s;
    s[r->seg_count++] = (Segment){kind, index, offset};
    return 0;
}

static int add_block(Reader *r, Ui *ui, const char *text, size_t len, int offset, int width)
{
    TextBlock *b = realloc(r->blocks, (size_t)(r->block_count + 1) * sizeof *b);
    if (!b) return -1;
    r->blocks = b;
    char *copy = strndup(text, len);
    if (!copy) return -1;
    TextStyle st;
    body_style(ui, r, &st);
    Err err;
    int rc = text_layout(ui_fonts(ui), copy, &st, width, 0, TEXT_INDENT_PARAGRAPHS, &r->blocks[r->block_count], &err);
    free(copy);
    if (rc != 0) {
        log_warn("reader: %s: %s", r->item.s.id, err.msg);
        return -1;
    }
    return add_segment(r, SEG_TEXT, r->block_count++, offset);
}

/* Splits the body into text blocks and images. */
static void build_segments(Reader *r, Ui *ui, int width)
{
    const char *body = r->body ? r->body : "";
    int images = r->item.s.image_count;
    bool *placed = calloc((size_t)(images ? images : 1), sizeof *placed);
    const char *run = body, *p = body;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int img = image_marker(p, len, images);
        if (img >= 0) {
            if (p > run) add_block(r, ui, run, (size_t)(p - run - 1), (int)(run - body), width);
            add_segment(r, SEG_IMAGE, img, (int)(p - body));
            if (placed) placed[img] = true;
            run = nl ? nl + 1 : p + len;
        }
        if (!nl) break;
        p = nl + 1;
    }
    if (*run) add_block(r, ui, run, strlen(run), (int)(run - body), width);
    for (int i = 0; i < images; i++)
        if (!placed || !placed[i]) add_segment(r, SEG_IMAGE, i, (int)strlen(body));
    free(placed);
}

static Piece *add_piece(Reader *r)
{
    if (r->piece_count == r->piece_cap) {
        int cap = r->piece_cap ? r->piece_cap * 2 : 64;
        Piece *n = realloc(r->pieces, (size_t)cap * sizeof *n);
        if (!n) return NULL;
        r->pieces = n;
        r->piece_cap = cap;
    }
    Piece *pc = &r->pieces[r->piece_count++];
    *pc = (Piece){0};
    return pc;
}

static void new_page(Reader *r)
{
    int *n = realloc(r->page_first, (size_t)(r->page_count + 1) * sizeof *n);
    if (!n) return;
    r->page_first = n;
    n[r->page_count++] = r->piece_count;
}

static int caption_height(Ui *ui, const char *caption, int width)
{
    if (!caption || !*caption) return 0;
    TextSpec spec = {.size = ui_read_font(ui, 32), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .max_lines = 2};
    int tw, th;
    ui_text_size(ui, caption, &spec, width, ui_read_font(ui, 32) * 3, &tw, &th);
    return th + ui_px(ui, 12);
}

static void image_box(Ui *ui, const StoreImage *im, int width, int max_h, int *w, int *h)
{
    int nw, nh;
    if (ui_image_size(ui, im->sha256, &nw, &nh) != 0 || nw <= 0 || nh <= 0) {
        nw = 800;
        nh = 300;
    }
    /* Images are drawn at their own size on a 1080p screen, scaled like
     * everything else, and shrunk to fit the column and the page. */
    *w = (int)(nw * ui_scale(ui));
    *h = (int)(nh * ui_scale(ui));
    if (*w > width) {
        *h = (int)((long)*h * width / *w);
        *w = width;
    }
    if (*h > max_h) {
        *w = (int)((long)*w * max_h / *h);
        *h = max_h;
    }
    /* A tiny image keeps a box a finger can touch (ui_image centres it). */
    int min = ui_px(ui, UI_MIN_TARGET);
    if (*h < min) *h = min < max_h ? min : max_h;
    if (*w < min) *w = min < width ? min : width;
}

/* Pagination state: the page being filled and how far down it is. */
typedef struct Pager {
    int h_first, h_rest;        /* column height on page 1 (under the title) and on later pages */
    int y;
    bool empty;                 /* nothing on the current page yet */
} Pager;

static int page_height(const Reader *r, const Pager *pg) { return r->page_count <= 1 ? pg->h_first : pg->h_rest; }

static void next_page(Reader *r, Pager *pg)
{
    new_page(r);
    pg->y = 0;
    pg->empty = true;
}

static int place_image(Reader *r, Ui *ui, Pager *pg, const Segment *sg, int w)
{
    const StoreImage *im = &r->item.images[sg->index];
    int h = page_height(r, pg);
    int cap = caption_height(ui, im->caption, w);
    int gap = pg->empty ? 0 : ui_px(ui, 28);
    int iw, ih;
    image_box(ui, im, w, h - cap - ui_px(ui, 8), &iw, &ih);
    int room = h - pg->y - gap - cap;
    if (!pg->empty && ih > room) {
        /* Shrink it onto this page when that keeps it large enough;
         * otherwise it starts the next page. */
        if (room >= h * 45 / 100) {
            image_box(ui, im, w, room, &iw, &ih);
        } else {
            next_page(r, pg);
            gap = 0;
            image_box(ui, im, w, page_height(r, pg) - cap - ui_px(ui, 8), &iw, &ih);
        }
    }
    Piece *pc = add_piece(r);
    if (!pc) return -1;
    *pc = (Piece){SEG_IMAGE, sg->index, 0, 0, pg->y + gap, ih + cap, sg->offset};
    pg->y += gap + ih + cap + ui_px(ui, 28);
    pg->empty = false;
    return 0;
}

/* How many of the `left` remaining lines of a paragraph go on this page,
 * `room` fitting.  Widow and orphan control: the first line of a paragraph
 * is never alone at the foot of a page, nor its last line alone at the top
 * of the next, when moving a line avoids it. */
static int lines_here(int room, int left, bool para_first, bool page_empty)
{
    if (left <= room) return left;
    int n = room;
    if (left - n == 1 && n >= 2) n--;           /* would leave a widow */
    if (n == 1 && para_first) n = 0;            /* would leave an orphan */
    if (n == 0 && page_empty) n = room > 0 ? room : 1;  /* a page never stays blank */
    return n;
}

static int place_paragraph(Reader *r, Pager *pg, const Segment *sg, const TextBlock *b, int from, int to)
{
    for (int i = from; i < to;) {
        int room = (page_height(r, pg) - pg->y) / b->line_height;
        int n = lines_here(room, to - i, i == from, pg->empty);
        if (n > 0) {
            Piece *pc = add_piece(r);
            if (!pc) return -1;
            *pc = (Piece){SEG_TEXT, sg->index, i, n, pg->y, n * b->line_height, sg->offset + b->lines[i].start};
            pg->y += n * b->line_height;
            pg->empty = false;
            i += n;
        }
        if (i < to) next_page(r, pg);
    }
    return 0;
}

/* Lays the whole item out into pages of a column w wide, h_first high on
 * page 1 (under the title) and h_rest on later pages (under the running
 * head).  Paragraphs are set without space between them (the two-em indent
 * marks them, as in print), which is what gives a landscape page its 11
 * lines. */
static void layout(Reader *r, Ui *ui, int w, int h_first, int h_rest)
{
    free_layout(r);
    r->serial = ++next_serial;
    r->laid_w = w;
    r->laid_h = h_first;
    r->laid_h_rest = h_rest;
    build_segments(r, ui, w);
    Pager pg = {.h_first = h_first, .h_rest = h_rest, .empty = true};
    new_page(r);
    for (int s = 0; s < r->seg_count; s++) {
        const Segment *sg = &r->segs[s];
        if (sg->kind == SEG_IMAGE) {
            if (place_image(r, ui, &pg, sg, w) != 0) return;
            continue;
        }
        const TextBlock *b = &r->blocks[sg->index];
        for (int i = 0; i < b->line_count;) {
            int j = i + 1;
            while (j < b->line_count && !b->lines[j].paragraph_start) j++;
            if (place_paragraph(r, &pg, sg, b, i, j) != 0) return;
            i = j;
        }
    }
    /* A layout never ends on an empty page (a trailing image that moved on
     * is the page's content, so only a page with no piece can be empty). */
    while (r->page_count > 1 && r->page_first[r->page_count - 1] >= r->piece_count) r->page_count--;
    /* Keep the same text in view after a new layout (large text, update). */
    r->page = 0;
    for (int p = 0; p < r->page_count; p++) {
        int first = r->page_first[p];
        if (first < r->piece_count && r->pieces[first].offset <= r->anchor) r->page = p;
    }
}

static int page_end(const Reader *r, int p) { return p + 1 < r->page_count ? r->page_first[p + 1] : r->piece_count; }

static void set_anchor(Reader *r)
{
    if (r->page < r->page_count && r->page_first[r->page] < r->piece_count)
        r->anchor = r->pieces[r->page_first[r->page]].offset;
}

static int load_item(App *app, Reader *r, const char *id)
{
    Err err;
    StoreItem it;
    int rc = store_item_get(app_store(app), id, app_time(app), &it, &err);
    if (rc < 0) log_error("reader: %s", err.msg);
    if (rc != 0) return rc;
    char *body = text_tidy_paragraphs(it.body ? it.body : "");
    if (!body) {
        store_item_free(&it);
        log_error("reader: out of memory");
        return -1;
    }
    if (r->have_item) store_item_free(&r->item);
    free(r->body);
    r->item = it;
    r->body = body;
    r->have_item = true;
    return 0;
}

static int reader_enter(App *app, void *st, const char *arg)
{
    Reader *r = st;
    int rc = load_item(app, r, arg);
    if (rc != 0) {
        log_warn("reader: item \"%s\" is not shown", arg);
        return -1;
    }
    Err err;
    if (store_item_viewed(app_store(app), arg, &err) != 0) log_warn("reader: %s", err.msg);
    return 0;
}

static void reader_leave(App *app, void *st)
{
    (void)app;
    Reader *r = st;
    free_layout(r);
    if (r->have_item) store_item_free(&r->item);
    free(r->body);
    r->body = NULL;
}

static bool reader_refresh(App *app, void *st)
{
    Reader *r = st;
    char id[STORE_ID_MAX];
    snprintf(id, sizeof id, "%s", r->item.s.id);
    int64_t rev = r->item.revision;
    size_t body_len = r->item.body ? strlen(r->item.body) : 0;
    if (load_item(app, r, id) != 0) return false;
    if (r->item.revision != rev || strlen(r->item.body ? r->item.body : "") != body_len) {
        set_anchor(r);
        free_layout(r);
    }
    return true;
}

static void go_page(App *app, Reader *r, int page)
{
    if (page < 0) return;
    if (page >= r->page_count) {
        app_toast(app, "已是最后一页");
        return;
    }
    if (page == r->page) return;
    app_transition(app, page > r->page ? 1 : -1);
    r->page = page;
    r->page_since = app_ms(app);
    set_anchor(r);
}

static void reader_event(App *app, void *st, const ScreenEvent *ev)
{
    Reader *r = st;
    if (ev->kind == INPUT_SWIPE) {
        if (abs(ev->dx) >= abs(ev->dy)) go_page(app, r, r->page + (ev->dx < 0 ? 1 : -1));
        else go_page(app, r, r->page + (ev->dy < 0 ? 1 : -1));
        return;
    }
    if (ev->kind != INPUT_TAP) return;
    if (strcmp(ev->id, PAGER_NEXT) == 0) go_page(app, r, r->page + 1);
    else if (strcmp(ev->id, PAGER_PREV) == 0) go_page(app, r, r->page - 1);
    else if (strcmp(ev->id, LARGE_ID) == 0) {
        set_anchor(r);
        r->large = !r->large;
        free_layout(r);
        app_transition(app, 1);
    } else if (strncmp(ev->id, "img:", 4) == 0) {
        char arg[128];
        snprintf(arg, sizeof arg, "%s#%s", r->item.s.id, ev->id + 4);
        app_open(app, "image", arg);
    }
}

/* Page 1: the title and the meta line above a rule.  Measured (draw
 * false) before the layout, so that the layout knows page 1's column;
 * returns the height used either way. */
static int title_block(App *app, Reader *r, Ui *ui, SDL_Rect area, bool draw)
{
    int lines = app_portrait(app) ? 3 : 2;
    TextSpec title = {.size = ui_read_font(ui, 48), .bold = true, .color = ui_theme.text, .max_lines = lines,
                      .flags = TEXT_NO_RUNT};
    int max_h = ui_read_font(ui, 48) * 135 / 100 * lines;
    int tw, th;
    if (draw) th = ui_text(ui, (SDL_Rect){area.x, area.y, area.w, max_h}, r->item.s.title, &title);
    else ui_text_size(ui, r->item.s.title, &title, area.w, max_h, &tw, &th);
    int mh = ui_read_font(ui, 32) * 135 / 100;
    int y = area.y + th + ui_px(ui, 10);
    if (draw) {
        char date[64], meta[512];
        screens_format_date(r->item.s.published_at, date, sizeof date);
        snprintf(meta, sizeof meta, "%s%s%s · %s公开%s", r->item.unit, r->item.unit[0] ? " · " : "", date,
                 period_label(r->item.s.period), r->item.s.urgent ? " · 急" : "");
        TextSpec ms = {.size = ui_read_font(ui, 32), .color = ui_theme.text_soft, .max_lines = 1};
        ui_text(ui, (SDL_Rect){area.x, y, area.w, mh}, meta, &ms);
    }
    y += mh + ui_px(ui, 14);
    if (draw) ui_fill(ui, (SDL_Rect){area.x, y, area.w, ui_px(ui, 3)}, ui_theme.card_line);
    return y + ui_px(ui, 3) - area.y;
}

/* Later pages: one line with the title over a thin rule, so that the page
 * keeps its room for the text; returns the height used from the body top. */
static int running_head(Reader *r, Ui *ui, SDL_Rect body, int x, int w, bool draw)
{
    int size = ui_read_font(ui, 30), h = size * 135 / 100;
    int y = body.y + ui_px(ui, 8);
    if (draw) {
        TextSpec spec = {.size = size, .color = ui_theme.text_soft, .max_lines = 1, .middle = true};
        ui_text(ui, (SDL_Rect){x, y, w, h}, r->item.s.title, &spec);
    }
    y += h + ui_px(ui, 4);
    if (draw) ui_fill(ui, (SDL_Rect){x, y, w, ui_px(ui, 2)}, ui_theme.card_line);
    return y + ui_px(ui, 2 + 4) - body.y;
}

/* 大字阅读 / 标准字号 sits in the pager's row, beside the page number, so
 * that it is in the same place on every page. */
static void large_button(Reader *r, Ui *ui, Chrome *ch, bool portrait)
{
    int bw = ui_px(ui, 230), bh = ui_px(ui, 96), gap = ui_px(ui, 24);
    int side = portrait ? ui_px(ui, 32) : 0;
    SDL_Rect p = ch->pager;
    SDL_Rect at = {p.x + p.w - side - ui_px(ui, 230) - gap - bw, p.y + (p.h - bh) / 2, bw, bh};
    ui_button(ui, LARGE_ID, at, r->large ? "标准字号" : "大字阅读", BUTTON_SECONDARY, true);
    ch->pager_extra = bw + gap;
}

static void piece_key(const Reader *r, const Piece *pc, char *key, size_t size)
{
    snprintf(key, size, "r%d.%d", r->serial, pc->index);
}

/* While the visitor reads a page, the next one is rasterised, so that
 * turning the page draws only cached textures. */
#define PREPARE_AFTER_MS 400     /* after the page transition, not during it */

static bool reader_update(App *app, void *st, int *wake_ms)
{
    Reader *r = st;
    int next = r->page + 1;
    if (r->laid_w == 0 || next >= r->page_count || r->prepared == next) return false;
    uint32_t shown = app_ms(app) - r->page_since;
    if (shown < PREPARE_AFTER_MS) {
        *wake_ms = (int)(PREPARE_AFTER_MS - shown);
        return false;
    }
    r->prepared = next;
    for (int i = r->page_first[next]; i < page_end(r, next); i++) {
        const Piece *pc = &r->pieces[i];
        if (pc->kind != SEG_TEXT) continue;
        char key[64];
        piece_key(r, pc, key, sizeof key);
        ui_block_prepare(app_ui(app), key, &r->blocks[pc->index], pc->first, pc->count);
    }
    return false;
}

static void draw_piece(Reader *r, Ui *ui, const Piece *pc, SDL_Rect col)
{
    if (pc->kind == SEG_TEXT) {
        char key[64];
        piece_key(r, pc, key, sizeof key);
        const TextBlock *b = &r->blocks[pc->index];
        SDL_Rect box = {col.x, col.y + pc->y, col.w, pc->h};
        ui_block_lines(ui, key, b, pc->first, pc->count, col.x, col.y + pc->y, box);
        return;
    }
    const StoreImage *im = &r->item.images[pc->index];
    int cap = caption_height(ui, im->caption, col.w);
    char id[32];
    snprintf(id, sizeof id, "img:%d", pc->index);
    ui_image(ui, id, (SDL_Rect){col.x, col.y + pc->y, col.w, pc->h - cap}, im->sha256, im->caption);
    if (cap) {
        TextSpec spec = {.size = ui_read_font(ui, 32), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .max_lines = 2};
        ui_text(ui, (SDL_Rect){col.x, col.y + pc->y + pc->h - cap + ui_px(ui, 8), col.w, cap}, im->caption, &spec);
    }
}

static void reader_draw(App *app, void *st, Ui *ui)
{
    Reader *r = st;
    bool portrait = app_portrait(app);
    Chrome ch = app_chrome(app, true);
    app_draw_header(app, ui, &ch);
    int m = ui_px(ui, portrait ? 48 : 72);
    int width = ch.body.w - 2 * m;
    if (!portrait && width > ui_px(ui, 1560)) width = ui_px(ui, 1560);
    SDL_Rect area = {(app_width(app) - width) / 2, ch.body.y + ui_px(ui, 28), width, ch.body.h - ui_px(ui, 40)};
    int used = title_block(app, r, ui, area, false);
    SDL_Rect col = {area.x, area.y + used + ui_px(ui, 24), area.w, area.h - used - ui_px(ui, 24)};
    int head = running_head(r, ui, ch.body, area.x, area.w, false);
    int h_rest = ch.body.h - head - ui_px(ui, 4);
    if (r->laid_w != col.w || r->laid_h != col.h || r->laid_h_rest != h_rest) layout(r, ui, col.w, col.h, h_rest);
    if (r->page >= r->page_count) r->page = r->page_count ? r->page_count - 1 : 0;
    if (r->page == 0) {
        title_block(app, r, ui, area, true);
    } else {
        running_head(r, ui, ch.body, area.x, area.w, true);
        col.y = ch.body.y + head;
        col.h = h_rest;
    }
    for (int i = r->page_count ? r->page_first[r->page] : 0; i < page_end(r, r->page); i++)
        draw_piece(r, ui, &r->pieces[i], col);
    large_button(r, ui, &ch, portrait);
    app_draw_pager(app, ui, &ch, r->page, r->page_count);
    app_draw_nav(app, ui, &ch, true);
}

const ScreenOps screen_reader = {
    .name = "reader",
    .state_size = sizeof(Reader),
    .enter = reader_enter,
    .leave = reader_leave,
    .event = reader_event,
    .update = reader_update,
    .draw = reader_draw,
    .refresh = reader_refresh,
};

/* ---- one image, large ------------------------------------------------- */

typedef struct ImageView {
    StoreItem item;
    int index;
} ImageView;

static int image_enter(App *app, void *st, const char *arg)
{
    ImageView *v = st;
    char id[STORE_ID_MAX];
    const char *hash = strchr(arg, '#');
    if (!hash || (size_t)(hash - arg) >= sizeof id) return -1;
    snprintf(id, sizeof id, "%.*s", (int)(hash - arg), arg);
    if (number_parse_int(hash + 1, 0, 1000000, &v->index)) return -1;
    Err err;
    if (store_item_get(app_store(app), id, app_time(app), &v->item, &err) != 0) return -1;
    if (v->index < 0 || v->index >= v->item.s.image_count) {
        store_item_free(&v->item);
        return -1;
    }
    return 0;
}

static void image_leave(App *app, void *st)
{
    (void)app;
    store_item_free(&((ImageView *)st)->item);
}

static bool image_refresh(App *app, void *st)
{
    ImageView *v = st;
    StoreItem it;
    Err err;
    if (store_item_get(app_store(app), v->item.s.id, app_time(app), &it, &err) != 0) return false;
    bool same = v->index < it.s.image_count &&
                strcmp(it.images[v->index].sha256, v->item.images[v->index].sha256) == 0;
    store_item_free(&v->item);
    v->item = it;
    return same;
}

static void image_event(App *app, void *st, const ScreenEvent *ev)
{
    (void)st;
    if (ev->kind == INPUT_TAP && strcmp(ev->id, "image.close") == 0) app_back(app);
}

static void image_draw(App *app, void *st, Ui *ui)
{
    ImageView *v = st;
    Chrome ch = app_chrome(app, false);
    app_draw_header(app, ui, &ch);
    ui_fill_bleed(ui, ch.body, (SDL_Color){38, 34, 31, 255});
    const StoreImage *im = &v->item.images[v->index];
    int m = ui_px(ui, 32);
    int cap = im->caption[0] ? ui_font(ui, 36) * 3 : 0;
    SDL_Rect r = {m, ch.body.y + m, ch.body.w - 2 * m, ch.body.h - 2 * m - cap};
    ui_image(ui, "image.close", r, im->sha256, im->caption);
    if (cap) {
        TextSpec spec = {.size = ui_font(ui, 36), .color = ui_theme.header_text, .align = ALIGN_CENTER,
                         .middle = true, .max_lines = 2};
        ui_text(ui, (SDL_Rect){m, r.y + r.h, r.w, cap}, im->caption, &spec);
    }
    app_draw_nav(app, ui, &ch, true);
}

const ScreenOps screen_image = {
    .name = "image",
    .state_size = sizeof(ImageView),
    .enter = image_enter,
    .leave = image_leave,
    .event = image_event,
    .draw = image_draw,
    .refresh = image_refresh,
};
