/* screen_reader.c — reading one item: the title and a meta line, the body
 * laid out into screen pages (paragraph indents and line breaking by
 * text.h), images inline with their captions where the body says [图N]
 * (the rest after the body), a PDF attachment as pages of its own, one
 * PDF page a screen page (pdfpage.h: rendered off the UI thread, a
 * placeholder until it is ready), a large-text toggle that lays the item
 * out again at the same place.  A changed item says why under its meta
 * line (更正说明); an item that is gone and whose withdrawal the feed
 * explained shows that explanation instead (撤回原因). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "number.h"
#include "pdfpage.h"
#include "reader_table.h"
#include "screens.h"

#define LARGE_ID "reader.large"

typedef enum { SEG_TEXT, SEG_IMAGE, SEG_TABLE, SEG_PDF } SegKind;

/* One block of the body as laid out: a text (paragraph, heading, list
 * item, caption, signature), an image, a table or a PDF (its pages). */
typedef struct Segment {
    SegKind kind;
    int index; /* text block, image or table */
    int x; /* indent in the column */
    int gap; /* space above it, unless it starts a page */
    bool keep; /* keep with what follows: never last on a page (headings, captions) */
    const char *marker; /* a list item's "1." or "•" before its first line, or NULL */
} Segment;

typedef struct Piece {
    SegKind kind;
    int seg; /* its segment */
    int first, count; /* lines of a text block, the row of a table, the page of a PDF */
    int y, h; /* inside the page's column */
    int offset; /* its place in the body, for keeping it in view across layouts */
    bool repeat; /* a table's header row repeated on a continuation page */
} Piece;

typedef struct Reader {
    char id[PROTO_ID_MAX];
    StoreItem item;
    StoreNote change; /* change.reason "" = none */
    bool withdrawn; /* the item is gone: `gone` says why, there is no item */
    StoreNote gone;
    Body doc; /* its blocks */
    bool have_item;
    bool large;
    int serial; /* names this layout in the texture cache */
    Segment *segs;
    int seg_count;
    TextBlock *blocks;
    int block_count;
    TableLayout *tables;
    int table_count;
    Piece *pieces;
    int piece_count, piece_cap;
    int *page_first; /* first piece of each page */
    int page_count;
    int page;
    int laid_w, laid_h, laid_h_rest; /* the columns the layout was made for: page 1, later pages (0 = redo) */
    unsigned laid_pdf; /* what was known of the PDFs' pages (pdf_signature) */
    SDL_Rect col_first, col_rest; /* the column on page 1 and on later pages, as last drawn */
    int anchor; /* body place to keep in view across layouts */
    int prepared; /* the page whose text is already in the cache (-1: none) */
    uint32_t page_since; /* when the current page was turned to */
} Reader;

static int next_serial;

static void free_layout(Reader *r)
{
    for (int i = 0; i < r->block_count; i++) text_block_free(&r->blocks[i]);
    for (int i = 0; i < r->table_count; i++) table_layout_free(&r->tables[i]);
    free(r->blocks);
    free(r->tables);
    free(r->segs);
    free(r->pieces);
    free(r->page_first);
    r->blocks = NULL;
    r->tables = NULL;
    r->segs = NULL;
    r->pieces = NULL;
    r->page_first = NULL;
    r->block_count = r->table_count = r->seg_count = r->piece_count = r->piece_cap = r->page_count = 0;
    r->laid_w = r->laid_h = r->laid_h_rest = 0;
    r->prepared = -1;
}

static int body_size(Ui *ui, const Reader *r) { return ui_read_font(ui, r->large ? 54 : 42); }

static TextStyle text_style(const Reader *r, int size, bool bold)
{
    return (TextStyle){.size_px = size,
                       .bold = bold,
                       .lang = screens_text_lang(r->item.s.lang),
                       .color = ui_theme.text,
                       .line_spacing_pct = 165};
}

static Segment *add_segment(Reader *r, SegKind kind, int index)
{
    Segment *s = realloc(r->segs, (size_t)(r->seg_count + 1) * sizeof *s);
    if (!s) return NULL;
    r->segs = s;
    Segment *sg = &s[r->seg_count++];
    *sg = (Segment){.kind = kind, .index = index};
    return sg;
}

/* A text laid out into a new text block and segment. */
static Segment *add_text(Reader *r, Ui *ui, const BodyText *t, const char *plain, const TextStyle *st, int width,
                         int flags)
{
    TextBlock *b = realloc(r->blocks, (size_t)(r->block_count + 1) * sizeof *b);
    if (!b) return NULL;
    r->blocks = b;
    Err err;
    if (text_layout(ui_fonts(ui), t ? t->text : plain, st, width > 1 ? width : 1, 0, flags, &r->blocks[r->block_count],
                    &err) != 0) {
        log_warn("reader: %s: %s", r->item.s.id, err.msg);
        return NULL;
    }
    if (t) reader_mark_emphasis(&r->blocks[r->block_count], t);
    return add_segment(r, SEG_TEXT, r->block_count++);
}

static Segment *add_table(Reader *r, Ui *ui, const BodyTable *t, int width)
{
    TableLayout *n = realloc(r->tables, (size_t)(r->table_count + 1) * sizeof *n);
    if (!n) return NULL;
    r->tables = n;
    Err err;
    int size = ui_read_font(ui, r->large ? 46 : 36);
    if (table_layout(ui, t, width, size, screens_text_lang(r->item.s.lang), &r->tables[r->table_count], &err) != 0) {
        log_warn("reader: %s: %s", r->item.s.id, err.msg);
        return NULL;
    }
    return add_segment(r, SEG_TABLE, r->table_count++);
}

/* One block of the body into segments, with its style and spacing. */
static void add_body_block(Reader *r, Ui *ui, const BodyBlock *blk, int width, bool *placed)
{
    int size = body_size(ui, r), em = size;
    TextStyle body = text_style(r, size, false);
    Segment *sg = NULL;
    switch (blk->kind) {
    case BODY_PARA: add_text(r, ui, &blk->t, NULL, &body, width, TEXT_INDENT_PARAGRAPHS | TEXT_JUSTIFY); break;
    case BODY_HEADING: {
        TextStyle h = text_style(r, blk->level == 1 ? size * 8 / 7 : size, true);
        h.line_spacing_pct = 145;
        sg = add_text(r, ui, &blk->t, NULL, &h, width, TEXT_NO_RUNT);
        if (sg) {
            sg->gap = em * 2 / 3;
            sg->keep = true;
        }
        break;
    }
    case BODY_ITEM: {
        int indent = (blk->level > 1 ? 3 : 1) * em / 2 + 2 * em;
        sg = add_text(r, ui, &blk->t, NULL, &body, width - indent, TEXT_JUSTIFY);
        if (sg) {
            sg->x = indent;
            sg->marker = blk->marker[0] ? blk->marker : NULL;
        }
        break;
    }
    case BODY_SIGN:
        sg = add_text(r, ui, &blk->t, NULL, &body, width, TEXT_ALIGN_RIGHT);
        if (sg) sg->gap = em;
        break;
    case BODY_IMAGE:
        add_segment(r, proto_pdf_type(r->item.images[blk->image].mime) ? SEG_PDF : SEG_IMAGE, blk->image);
        if (placed) placed[blk->image] = true;
        break;
    case BODY_TABLE: {
        if (blk->table->caption[0]) {
            TextStyle cap = text_style(r, ui_read_font(ui, r->large ? 46 : 36), true);
            cap.line_spacing_pct = 140;
            sg = add_text(r, ui, NULL, blk->table->caption, &cap, width, TEXT_ALIGN_CENTER);
            if (sg) {
                sg->gap = em / 2;
                sg->keep = true;
            }
        }
        Segment *t = add_table(r, ui, blk->table, width);
        if (t) t->gap = sg ? em / 4 : em / 2;
        break;
    }
    }
}

/* Splits the body into segments; images the body does not place follow it. */
static void build_segments(Reader *r, Ui *ui, int width)
{
    int images = r->item.s.image_count;
    bool *placed = calloc((size_t)(images ? images : 1), sizeof *placed);
    for (int i = 0; i < r->doc.count; i++) add_body_block(r, ui, &r->doc.blocks[i], width, placed);
    for (int i = 0; i < images; i++)
        if ((!placed || !placed[i]) && !proto_pdf_type(r->item.images[i].mime)) add_segment(r, SEG_IMAGE, i);
    for (int i = 0; i < images; i++)
        if ((!placed || !placed[i]) && proto_pdf_type(r->item.images[i].mime)) add_segment(r, SEG_PDF, i);
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

static int caption_height(Ui *ui, const char *caption, int width, TextLang lang)
{
    if (!caption || !*caption) return 0;
    TextSpec spec = {
        .size = ui_read_font(ui, 32), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .max_lines = 2, .lang = lang};
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
    int h_first, h_rest; /* column height on page 1 (under the title) and on later pages */
    int y;
    bool empty; /* nothing on the current page yet */
} Pager;

static int page_height(const Reader *r, const Pager *pg) { return r->page_count <= 1 ? pg->h_first : pg->h_rest; }

static void next_page(Reader *r, Pager *pg)
{
    new_page(r);
    pg->y = 0;
    pg->empty = true;
}

/* A segment's place in the body, for keeping the same text in view. */
static int place_of(int seg, int line) { return seg * 100000 + line; }

static int place_image(Reader *r, Ui *ui, Pager *pg, int s, int w)
{
    const Segment *sg = &r->segs[s];
    const StoreImage *im = &r->item.images[sg->index];
    int h = page_height(r, pg);
    int cap = caption_height(ui, im->caption, w, screens_text_lang(r->item.s.lang));
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
    *pc = (Piece){.kind = SEG_IMAGE, .seg = s, .y = pg->y + gap, .h = ih + cap, .offset = place_of(s, 0)};
    pg->y += gap + ih + cap + ui_px(ui, 28);
    pg->empty = false;
    return 0;
}

/* The pages of a PDF known so far (1 while it is opened, or when it
 * cannot be: that page shows why). */
static int pdf_pages(Ui *ui, const StoreImage *att)
{
    int pages = 1;
    if (ui_pdf_pages(ui, att->sha256, &pages, NULL, 0) != PDF_READY) pages = 1;
    return pages;
}

/* What the layout depends on of the item's PDFs: their page counts and
 * whether they are open, so that the item is laid out again when one is. */
static unsigned pdf_signature(Reader *r, Ui *ui)
{
    unsigned sig = 0;
    for (int i = 0; i < r->item.s.image_count; i++) {
        if (!proto_pdf_type(r->item.images[i].mime)) continue;
        int pages = 0;
        PdfState st = ui_pdf_pages(ui, r->item.images[i].sha256, &pages, NULL, 0);
        sig = sig * 31u + (unsigned)st * 1000u + (unsigned)pages;
    }
    return sig;
}

/* Each page of a PDF is a page of its own, the first one under the title
 * when nothing is on page 1 yet; a line under it says which page it is. */
static int place_pdf(Reader *r, Ui *ui, Pager *pg, int s)
{
    int pages = pdf_pages(ui, &r->item.images[r->segs[s].index]);
    for (int p = 0; p < pages; p++) {
        if (!pg->empty) next_page(r, pg);
        Piece *pc = add_piece(r);
        if (!pc) return -1;
        *pc = (Piece){.kind = SEG_PDF,
                      .seg = s,
                      .first = p,
                      .count = pages,
                      .y = pg->y,
                      .h = page_height(r, pg) - pg->y,
                      .offset = place_of(s, p)};
        pg->y = page_height(r, pg);
        pg->empty = false;
    }
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
    if (left - n == 1 && n >= 2) n--; /* would leave a widow */
    if (n == 1 && para_first) n = 0; /* would leave an orphan */
    if (n == 0 && page_empty) n = room > 0 ? room : 1; /* a page never stays blank */
    return n;
}

/* The least of segment s that must share a page with a heading or caption
 * before it: two lines of a text, the header and first row of a table. */
static int lead_height(const Reader *r, int s)
{
    if (s >= r->seg_count) return 0;
    const Segment *sg = &r->segs[s];
    if (sg->kind == SEG_TEXT) {
        const TextBlock *b = &r->blocks[sg->index];
        return sg->gap + (b->line_count < 2 ? b->line_count : 2) * b->line_height;
    }
    if (sg->kind == SEG_TABLE) {
        const TableLayout *t = &r->tables[sg->index];
        return sg->gap + t->row_h[0] + (t->rows > 1 ? t->row_h[1] : 0);
    }
    return 0;
}

static int place_lines(Reader *r, Pager *pg, int s, const TextBlock *b, int from, int to)
{
    for (int i = from; i < to;) {
        int room = (page_height(r, pg) - pg->y) / b->line_height;
        int n = lines_here(room, to - i, i == from, pg->empty);
        if (n > 0) {
            Piece *pc = add_piece(r);
            if (!pc) return -1;
            *pc = (Piece){.kind = SEG_TEXT,
                          .seg = s,
                          .first = i,
                          .count = n,
                          .y = pg->y,
                          .h = n * b->line_height,
                          .offset = place_of(s, i)};
            pg->y += n * b->line_height;
            pg->empty = false;
            i += n;
        }
        if (i < to) next_page(r, pg);
    }
    return 0;
}

static int place_text(Reader *r, Pager *pg, int s)
{
    const Segment *sg = &r->segs[s];
    const TextBlock *b = &r->blocks[sg->index];
    if (b->line_count == 0) return 0;
    if (!pg->empty) {
        int need = sg->gap + (sg->keep ? b->line_count * b->line_height + lead_height(r, s + 1) : 0);
        if (sg->keep && pg->y + need > page_height(r, pg)) next_page(r, pg);
        else pg->y += sg->gap;
    }
    for (int i = 0; i < b->line_count;) {
        int j = i + 1;
        while (j < b->line_count && !b->lines[j].paragraph_start) j++;
        if (place_lines(r, pg, s, b, i, j) != 0) return -1;
        i = j;
    }
    return 0;
}

static int add_row_piece(Reader *r, Pager *pg, int s, int row, bool repeat)
{
    const TableLayout *t = &r->tables[r->segs[s].index];
    Piece *pc = add_piece(r);
    if (!pc) return -1;
    *pc = (Piece){.kind = SEG_TABLE,
                  .seg = s,
                  .first = row,
                  .count = 1,
                  .y = pg->y,
                  .h = t->row_h[row],
                  .offset = place_of(s, row),
                  .repeat = repeat};
    pg->y += t->row_h[row];
    pg->empty = false;
    return 0;
}

/* A table row by row: a row is never split across pages; a page the
 * table continues on starts with its header row again.  (A row taller than
 * a whole page is the one exception: it is shown alone, cut at the foot.) */
static int place_table(Reader *r, Pager *pg, int s)
{
    const Segment *sg = &r->segs[s];
    const TableLayout *t = &r->tables[sg->index];
    if (!pg->empty) {
        if (pg->y + lead_height(r, s) > page_height(r, pg) && (s == 0 || !r->segs[s - 1].keep)) next_page(r, pg);
        else pg->y += sg->gap;
    }
    if (add_row_piece(r, pg, s, 0, false) != 0) return -1;
    for (int row = 1; row < t->rows; row++) {
        if (pg->y + t->row_h[row] > page_height(r, pg)) {
            next_page(r, pg);
            if (add_row_piece(r, pg, s, 0, true) != 0) return -1;
        }
        if (add_row_piece(r, pg, s, row, false) != 0) return -1;
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
    r->laid_pdf = pdf_signature(r, ui);
    build_segments(r, ui, w);
    Pager pg = {.h_first = h_first, .h_rest = h_rest, .empty = true};
    new_page(r);
    for (int s = 0; s < r->seg_count; s++) {
        SegKind kind = r->segs[s].kind;
        int rc = kind == SEG_IMAGE   ? place_image(r, ui, &pg, s, w)
                 : kind == SEG_TABLE ? place_table(r, &pg, s)
                 : kind == SEG_PDF   ? place_pdf(r, ui, &pg, s)
                                     : place_text(r, &pg, s);
        if (rc != 0) return;
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

/* The item is not there: with a recorded withdrawal the reader shows its
 * reason (0), else it is not shown (1, or -1 on an error). */
static int load_withdrawal(App *app, Reader *r, const char *id)
{
    Err err;
    StoreNote gone;
    int rc = store_withdrawal_get(app_store(app), id, &gone, &err);
    if (rc < 0) log_error("reader: %s", err.msg);
    if (rc != 0) return rc;
    free_layout(r);
    if (r->have_item) store_item_free(&r->item);
    body_free(&r->doc);
    r->have_item = false;
    r->withdrawn = true;
    r->gone = gone;
    return 0;
}

static int load_item(App *app, Reader *r, const char *id)
{
    Err err;
    StoreItem it;
    snprintf(r->id, sizeof r->id, "%s", id);
    int rc = store_item_get(app_store(app), id, app_time(app), &it, &err);
    if (rc < 0) log_error("reader: %s", err.msg);
    if (rc == 1) return load_withdrawal(app, r, id);
    if (rc != 0) return rc;
    StoreNote change;
    int nrc = store_item_change_note(app_store(app), id, &change, &err);
    if (nrc < 0) {
        log_error("reader: %s", err.msg);
        store_item_free(&it);
        return -1;
    }
    if (nrc == 1) change.reason[0] = '\0';
    Body doc;
    if (body_parse(it.body, it.body_format == BODY_MARKDOWN, it.s.image_count, &doc, &err) != 0) {
        log_error("reader: %s: %s", id, err.msg);
        store_item_free(&it);
        return -1;
    }
    if (r->have_item) store_item_free(&r->item);
    body_free(&r->doc);
    r->item = it;
    r->doc = doc;
    r->have_item = true;
    r->withdrawn = false;
    r->change = change;
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
    if (!r->withdrawn) app_count_view(app, arg);
    return 0;
}

static void reader_leave(App *app, void *st)
{
    (void)app;
    Reader *r = st;
    free_layout(r);
    if (r->have_item) store_item_free(&r->item);
    body_free(&r->doc);
}

static bool reader_refresh(App *app, void *st)
{
    Reader *r = st;
    char id[PROTO_ID_MAX];
    snprintf(id, sizeof id, "%s", r->id);
    bool was_withdrawn = r->withdrawn;
    int64_t rev = r->item.revision;
    size_t body_len = r->item.body ? strlen(r->item.body) : 0;
    if (load_item(app, r, id) != 0) return false;
    if (r->withdrawn) return true;
    if (was_withdrawn || r->item.revision != rev || strlen(r->item.body ? r->item.body : "") != body_len) {
        set_anchor(r);
        free_layout(r);
    }
    return true;
}

/* Turns to page when there is one: no slide, no note. */
static bool set_page(App *app, Reader *r, int page)
{
    if (r->withdrawn || page < 0 || page >= r->page_count) return false;
    r->page = page;
    r->page_since = app_ms(app);
    set_anchor(r);
    return true;
}

#define FIRST_NOTE "已是第一页"
#define LAST_NOTE "已是最后一页"

static void go_page(App *app, Reader *r, int page)
{
    if (page < 0 || page >= r->page_count) {
        app_toast(app, page < 0 ? FIRST_NOTE : LAST_NOTE);
        return;
    }
    if (page == r->page) return;
    app_transition(app, page > r->page ? 1 : -1);
    set_page(app, r, page);
}

/* A finger drags the page: the page beside it (app.h, turn_page). */
static bool reader_turn_page(App *app, void *st, int dir)
{
    Reader *r = st;
    return set_page(app, r, r->page + dir);
}

static void reader_event(App *app, void *st, const ScreenEvent *ev)
{
    Reader *r = st;
    if (r->withdrawn) return;
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
    } else if (strncmp(ev->id, "table:", 6) == 0) {
        char arg[128];
        snprintf(arg, sizeof arg, "%s#%s", r->item.s.id, ev->id + 6);
        app_open(app, "table", arg);
    } else if (strncmp(ev->id, "pdf:", 4) == 0) {
        char arg[128];
        snprintf(arg, sizeof arg, "%s#%s", r->item.s.id, ev->id + 4);
        app_open(app, "pdf", arg);
    } else if (strncmp(ev->id, "img:", 4) == 0) {
        char arg[128];
        snprintf(arg, sizeof arg, "%s#%s", r->item.s.id, ev->id + 4);
        app_open(app, "image", arg);
    }
}

/* 更正说明（date）：reason, at most two calm lines under the meta line;
 * returns its height. */
static int change_note(Reader *r, Ui *ui, SDL_Rect at, bool draw)
{
    char date[64], note[700];
    if (r->change.at) {
        screens_format_date(r->change.at, date, sizeof date);
        snprintf(note, sizeof note, "更正说明（%s）：%s", date, r->change.reason);
    } else {
        snprintf(note, sizeof note, "更正说明：%s", r->change.reason);
    }
    TextSpec spec = {.size = ui_read_font(ui, 30),
                     .color = ui_theme.text_soft,
                     .max_lines = 2,
                     .lang = screens_text_lang(r->item.s.lang)};
    int max_h = ui_read_font(ui, 30) * 135 / 100 * 2, tw, th;
    if (draw) return ui_text(ui, (SDL_Rect){at.x, at.y, at.w, max_h}, note, &spec);
    ui_text_size(ui, note, &spec, at.w, max_h, &tw, &th);
    return th;
}

/* Page 1: the title and the meta line above a rule.  Measured (draw
 * false) before the layout, so that the layout knows page 1's column;
 * returns the height used either way. */
static int title_block(App *app, Reader *r, Ui *ui, SDL_Rect area, bool draw)
{
    int lines = app_portrait(app) ? 3 : 2;
    TextSpec title = {.size = ui_read_font(ui, 48),
                      .bold = true,
                      .color = ui_theme.text,
                      .max_lines = lines,
                      .flags = TEXT_NO_RUNT,
                      .lang = screens_text_lang(r->item.s.lang)};
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
        TextSpec ms = {.size = ui_read_font(ui, 32),
                       .color = ui_theme.text_soft,
                       .max_lines = 1,
                       .lang = screens_text_lang(r->item.s.lang)};
        ui_text(ui, (SDL_Rect){area.x, y, area.w, mh}, meta, &ms);
    }
    y += mh;
    if (r->change.reason[0])
        y += change_note(r, ui, (SDL_Rect){area.x, y + ui_px(ui, 8), area.w, 0}, draw) + ui_px(ui, 8);
    y += ui_px(ui, 14);
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
        TextSpec spec = {.size = size,
                         .color = ui_theme.text_soft,
                         .max_lines = 1,
                         .middle = true,
                         .lang = screens_text_lang(r->item.s.lang)};
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
    snprintf(key, size, "r%d.%d", r->serial, r->segs[pc->seg].index);
}

/* While the visitor reads a page, the next one is rasterised, so that
 * turning the page draws only cached textures. */
#define PREPARE_AFTER_MS 400 /* after the page transition, not during it */

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
        ui_block_prepare(app_ui(app), key, &r->blocks[r->segs[pc->seg].index], pc->first, pc->count);
    }
    return false;
}

static void draw_text_piece(Reader *r, Ui *ui, const Piece *pc, SDL_Rect col)
{
    const Segment *sg = &r->segs[pc->seg];
    char key[64];
    piece_key(r, pc, key, sizeof key);
    const TextBlock *b = &r->blocks[sg->index];
    int x = col.x + sg->x;
    SDL_Rect box = {x, col.y + pc->y, col.w - sg->x, pc->h};
    ui_block_lines(ui, key, b, pc->first, pc->count, x, col.y + pc->y, box);
    if (sg->marker && pc->first == 0) {
        /* The marker hangs to the left of the item's first line. */
        int em = b->style.size_px, w = 2 * em;
        TextSpec spec = {
            .size = em, .color = ui_theme.accent_dark, .align = ALIGN_RIGHT, .middle = true, .max_lines = 1};
        ui_text(ui, (SDL_Rect){x - w - em / 3, col.y + pc->y, w, b->line_height}, sg->marker, &spec);
    }
}

static void draw_table_piece(Reader *r, Ui *ui, const Piece *pc, SDL_Rect col)
{
    const Segment *sg = &r->segs[pc->seg];
    const TableLayout *t = &r->tables[sg->index];
    char key[64], wid[64];
    snprintf(key, sizeof key, "r%d.t%d", r->serial, sg->index);
    snprintf(wid, sizeof wid, "trow:%d:%d%s", sg->index, pc->first, pc->repeat ? ":repeat" : "");
    table_draw_row(ui, t, key, wid, pc->first, col.x + (col.w - t->width) / 2, col.y + pc->y);
}

/* The line under a PDF page: its caption and which page it is. */
static int pdf_label(const StoreImage *att, int page, int pages, char *buf, size_t size)
{
    return snprintf(buf, size, "%s%s第 %d/%d 页", att->caption, att->caption[0] ? " · " : "", page + 1, pages);
}

static SDL_Rect pdf_box(Ui *ui, const Piece *pc, SDL_Rect col)
{
    int line = ui_read_font(ui, 32) * 3 / 2;
    return (SDL_Rect){col.x, col.y + pc->y, col.w, pc->h - line};
}

/* A PDF page fitted into the column (a tap shows it full screen to zoom),
 * its line under it. */
static void draw_pdf_piece(Reader *r, Ui *ui, const Piece *pc, SDL_Rect col)
{
    int index = r->segs[pc->seg].index;
    const StoreImage *att = &r->item.images[index];
    char id[48], label[700];
    snprintf(id, sizeof id, "pdf:%d#%d", index, pc->first);
    pdf_label(att, pc->first, pc->count, label, sizeof label);
    SDL_Rect box = pdf_box(ui, pc, col);
    ui_pdf_page(ui, id, box, att->sha256, pc->first, label);
    TextSpec spec = {.size = ui_read_font(ui, 32),
                     .color = ui_theme.text_soft,
                     .align = ALIGN_CENTER,
                     .max_lines = 1,
                     .lang = screens_text_lang(r->item.s.lang)};
    ui_text(ui, (SDL_Rect){col.x, box.y + box.h + ui_px(ui, 6), col.w, ui_read_font(ui, 32) * 3 / 2 - ui_px(ui, 6)},
            label, &spec);
}

/* The PDF pages of the pages before and after the one shown are rendered
 * meanwhile (and kept), so that turning to them shows them at once. */
static void prefetch_pdf(Reader *r, Ui *ui)
{
    for (int p = r->page - 1; p <= r->page + 1; p += 2) {
        if (p < 0 || p >= r->page_count) continue;
        SDL_Rect col = p == 0 ? r->col_first : r->col_rest;
        for (int i = r->page_first[p]; i < page_end(r, p); i++) {
            const Piece *pc = &r->pieces[i];
            if (pc->kind != SEG_PDF) continue;
            const char *sha = r->item.images[r->segs[pc->seg].index].sha256;
            SDL_Rect at = ui_pdf_fit(ui, pdf_box(ui, pc, col), sha, pc->first);
            ui_pdf_prefetch(ui, sha, pc->first, at.w, at.h);
        }
    }
}

static void draw_piece(Reader *r, Ui *ui, const Piece *pc, SDL_Rect col)
{
    if (pc->kind == SEG_PDF) {
        draw_pdf_piece(r, ui, pc, col);
        return;
    }
    if (pc->kind == SEG_TEXT) {
        draw_text_piece(r, ui, pc, col);
        return;
    }
    if (pc->kind == SEG_TABLE) {
        draw_table_piece(r, ui, pc, col);
        return;
    }
    int index = r->segs[pc->seg].index;
    const StoreImage *im = &r->item.images[index];
    int cap = caption_height(ui, im->caption, col.w, screens_text_lang(r->item.s.lang));
    char id[32];
    snprintf(id, sizeof id, "img:%d", index);
    ui_image(ui, id, (SDL_Rect){col.x, col.y + pc->y, col.w, pc->h - cap}, im->sha256, im->caption);
    if (cap) {
        TextSpec spec = {.size = ui_read_font(ui, 32),
                         .color = ui_theme.text_soft,
                         .align = ALIGN_CENTER,
                         .max_lines = 2,
                         .lang = screens_text_lang(r->item.s.lang)};
        ui_text(ui, (SDL_Rect){col.x, col.y + pc->y + pc->h - cap + ui_px(ui, 8), col.w, cap}, im->caption, &spec);
    }
}

/* Each table on the page is one touch target (its rows together) that
 * opens the table full screen, to zoom and pan. */
static void record_tables(Reader *r, Ui *ui, SDL_Rect col)
{
    for (int t = 0; t < r->table_count; t++) {
        SDL_Rect area = {0, 0, 0, 0};
        for (int i = r->page_count ? r->page_first[r->page] : 0; i < page_end(r, r->page); i++) {
            const Piece *pc = &r->pieces[i];
            if (pc->kind != SEG_TABLE || r->segs[pc->seg].index != t) continue;
            const TableLayout *tl = &r->tables[t];
            SDL_Rect row = {col.x + (col.w - tl->width) / 2, col.y + pc->y, tl->width, pc->h};
            if (area.w == 0) area = row;
            else SDL_UnionRect(&area, &row, &area);
        }
        if (area.w == 0) continue;
        char id[32];
        snprintf(id, sizeof id, "table:%d", t);
        ui_record(ui, WIDGET_ROW, id, "全屏查看表格", area, true);
    }
}

/* The item was withdrawn: when, and the public reason, with 返回/首页. */
static void draw_withdrawn(App *app, Reader *r, Ui *ui)
{
    Chrome ch = app_chrome(app, false);
    app_draw_header(app, ui, &ch);
    int m = ui_px(ui, app_portrait(app) ? 48 : 72);
    SDL_Rect area = {ch.body.x + m, ch.body.y + ui_px(ui, 80), ch.body.w - 2 * m, ch.body.h - ui_px(ui, 120)};
    char date[64], head[160], reason[700];
    if (r->gone.at) {
        screens_format_date(r->gone.at, date, sizeof date);
        snprintf(head, sizeof head, "此条公开已于%s撤回", date);
    } else {
        snprintf(head, sizeof head, "此条公开已撤回");
    }
    snprintf(reason, sizeof reason, "撤回原因：%s", r->gone.reason);
    TextSpec hs = {
        .size = ui_read_font(ui, 48), .bold = true, .color = ui_theme.text, .align = ALIGN_CENTER, .max_lines = 2};
    int y = area.y + ui_text(ui, (SDL_Rect){area.x, area.y, area.w, area.h}, head, &hs) + ui_px(ui, 40);
    TextSpec rs = {.size = ui_read_font(ui, 36), .color = ui_theme.text_soft, .align = ALIGN_CENTER, .max_lines = 6};
    ui_text(ui, (SDL_Rect){area.x, y, area.w, area.y + area.h - y}, reason, &rs);
    app_draw_nav(app, ui, &ch, true);
}

static void reader_draw(App *app, void *st, Ui *ui)
{
    Reader *r = st;
    if (r->withdrawn) {
        draw_withdrawn(app, r, ui);
        return;
    }
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
    if (r->laid_w && r->laid_pdf != pdf_signature(r, ui)) {
        /* A PDF was opened meanwhile: its pages are known now. */
        set_anchor(r);
        r->laid_w = 0;
    }
    if (r->laid_w != col.w || r->laid_h != col.h || r->laid_h_rest != h_rest) layout(r, ui, col.w, col.h, h_rest);
    r->col_first = col;
    r->col_rest = (SDL_Rect){col.x, ch.body.y + head, col.w, h_rest};
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
    prefetch_pdf(r, ui);
    record_tables(r, ui, col);
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
    .turn_page = reader_turn_page,
    .first_note = FIRST_NOTE,
    .last_note = LAST_NOTE,
};
