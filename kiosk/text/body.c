/* body.c — plain and Markdown bodies into blocks (see body.h).
 *
 * Markdown goes through md4c (CommonMark with the GFM table extension);
 * this file only collects md4c's callbacks into blocks.  Two conventions
 * of the authoring format (AUTHORING.md) are read here because Markdown
 * has no word for them: a paragraph "表：caption" right above a table is
 * its caption, and a paragraph from a line "::: 落款" to a line ":::" is a
 * signature block set flush right. */
#include "body.h"

#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define SOFT_BREAK '\x01' /* a soft line break, resolved when the block ends */
#define MAX_LISTS 8

typedef struct Buf {
    char *s;
    int len, cap;
    BodySpan *spans;
    int span_count, span_cap;
    int open[4]; /* starts of the emphasis spans still open */
    int open_count;
} Buf;

typedef struct Parse {
    Body *out;
    int image_count;
    Buf buf;
    bool failed;
    struct {
        bool ordered;
        int next;
    } lists[MAX_LISTS];
    int list_depth;
    bool item_start; /* the next leaf is the first of a list item */
    char marker[16];
    int heading; /* inside a heading of this level */
    BodyTable *table; /* the table being read */
    int row, col;
} Parse;

static bool grow(void **p, int *cap, int need, size_t size)
{
    if (need <= *cap) return true;
    int cap2 = *cap ? *cap * 2 : 64;
    while (cap2 < need) cap2 *= 2;
    void *n = realloc(*p, (size_t)cap2 * size);
    if (!n) return false;
    *p = n;
    *cap = cap2;
    return true;
}

/* gcc 12's -fanalyzer (make analyze) loses track of the buffer grow()
 * hands back through its void ** and reports a NULL memcpy destination,
 * which cannot happen: grow() fails on every path that leaves it unset. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-null-argument"
static void buf_add(Parse *P, const char *s, int n)
{
    Buf *b = &P->buf;
    if (!grow((void **)&b->s, &b->cap, b->len + n + 1, 1)) {
        P->failed = true;
        return;
    }
    memcpy(b->s + b->len, s, (size_t)n);
    b->len += n;
    b->s[b->len] = '\0';
}
#pragma GCC diagnostic pop

static void buf_reset(Buf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = '\0';
    b->span_count = 0;
    b->open_count = 0;
}

static bool ascii_word(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

/* The collected text with its soft breaks resolved: a line end in a
 * signature block, a space between two Latin words, nothing between Han
 * characters (Chinese has no space at a line end).  Spans move along. */
static int take_text(Parse *P, bool keep_lines, BodyText *t)
{
    Buf *b = &P->buf;
    char *s = malloc((size_t)b->len + 1);
    BodySpan *spans = b->span_count ? malloc((size_t)b->span_count * sizeof *spans) : NULL;
    int *map = malloc(((size_t)b->len + 1) * sizeof *map);
    if (!s || !map || (b->span_count && !spans)) {
        free(s);
        free(spans);
        free(map);
        return -1;
    }
    int o = 0;
    for (int i = 0; i < b->len; i++) {
        map[i] = o;
        char c = b->s[i];
        if (c != SOFT_BREAK) {
            s[o++] = c;
            continue;
        }
        if (keep_lines) s[o++] = '\n';
        else if (o > 0 && ascii_word(s[o - 1]) && i + 1 < b->len && ascii_word(b->s[i + 1])) s[o++] = ' ';
    }
    map[b->len] = o;
    s[o] = '\0';
    for (int k = 0; k < b->span_count; k++) spans[k] = (BodySpan){map[b->spans[k].start], map[b->spans[k].end]};
    free(map);
    *t = (BodyText){s, spans, b->span_count};
    return 0;
}

static void text_free(BodyText *t)
{
    free(t->text);
    free(t->spans);
}

/* As buf_add: the analyzer takes the array grow() moved for a leak. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
static BodyBlock *add_block(Parse *P, BodyKind kind)
{
    Body *d = P->out;
    if (!grow((void **)&d->blocks, &d->cap, d->count + 1, sizeof *d->blocks)) {
        P->failed = true;
        return NULL;
    }
    BodyBlock *blk = &d->blocks[d->count++];
    *blk = (BodyBlock){.kind = kind, .image = -1};
    return blk;
}
#pragma GCC diagnostic pop

/* "[图3]" alone -> 2 (0-based), else -1. */
static int image_marker(const char *s, int image_count)
{
    int n = 0, used = 0;
    if (sscanf(s, "[图%d]%n", &n, &used) != 1 || s[used] != '\0') return -1;
    return n >= 1 && n <= image_count ? n - 1 : -1;
}

static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* A paragraph "::: 落款" … ":::" (the fences on lines of their own). */
static bool sign_fences(const char *s)
{
    if (!starts_with(s, ":::")) return false;
    const char *nl = strchr(s, SOFT_BREAK);
    const char *word = s + 3;
    while (*word == ' ') word++;
    size_t wl = nl ? (size_t)(nl - word) : strlen(word);
    bool named = (wl == strlen("落款") && strncmp(word, "落款", wl) == 0) ||
                 (wl == strlen("signature") && strncmp(word, "signature", wl) == 0);
    size_t n = strlen(s);
    /* ... with at least one line between the fences. */
    return named && nl && n >= 4 && strcmp(s + n - 3, ":::") == 0 && s[n - 4] == SOFT_BREAK && s + n - 4 > nl;
}

/* Ends a leaf block (paragraph, heading, list item text) and files it. */
static void end_leaf(Parse *P)
{
    Buf *b = &P->buf;
    if (b->len == 0) return;
    BodyKind kind = P->heading ? BODY_HEADING : P->list_depth > 0 ? BODY_ITEM : BODY_PARA;
    bool sign = kind == BODY_PARA && sign_fences(b->s);
    if (sign) {
        /* Drop the fences: from after the first soft break to before the last. */
        char *first = strchr(b->s, SOFT_BREAK), *last = strrchr(b->s, SOFT_BREAK);
        int from = (int)(first - b->s) + 1, to = (int)(last - b->s);
        memmove(b->s, b->s + from, (size_t)(to - from));
        b->len = to - from;
        b->s[b->len] = '\0';
        for (int k = 0; k < b->span_count; k++) {
            b->spans[k].start = b->spans[k].start < from ? 0 : b->spans[k].start - from;
            b->spans[k].end = b->spans[k].end > to ? b->len : b->spans[k].end - from;
        }
        kind = BODY_SIGN;
    }
    BodyText t;
    if (take_text(P, sign, &t) != 0) {
        P->failed = true;
        return;
    }
    buf_reset(b);
    int img = kind == BODY_PARA ? image_marker(t.text, P->image_count) : -1;
    BodyBlock *blk = add_block(P, img >= 0 ? BODY_IMAGE : kind);
    if (!blk) {
        text_free(&t);
        return;
    }
    if (img >= 0) {
        blk->image = img;
        text_free(&t);
        return;
    }
    blk->t = t;
    blk->level = kind == BODY_HEADING ? P->heading : kind == BODY_ITEM ? (P->list_depth > 2 ? 2 : P->list_depth) : 0;
    if (kind == BODY_ITEM && P->item_start) snprintf(blk->marker, sizeof blk->marker, "%s", P->marker);
    P->item_start = false;
}

static void start_item(Parse *P)
{
    end_leaf(P);
    int d = P->list_depth - 1;
    if (d < 0) return;
    if (P->lists[d].ordered) snprintf(P->marker, sizeof P->marker, "%d.", P->lists[d].next++);
    else snprintf(P->marker, sizeof P->marker, "%s", d == 0 ? "•" : "◦");
    P->item_start = true;
}

static void start_table(Parse *P, const MD_BLOCK_TABLE_DETAIL *d)
{
    end_leaf(P);
    BodyTable *t = calloc(1, sizeof *t);
    int cols = d ? (int)d->col_count : 1, rows = d ? (int)(d->head_row_count + d->body_row_count) : 1;
    if (t) {
        t->cols = cols > 0 ? cols : 1;
        t->rows = rows > 0 ? rows : 1;
        t->cells = calloc((size_t)(t->cols * t->rows), sizeof *t->cells);
        t->align = calloc((size_t)t->cols, sizeof *t->align);
    }
    if (!t || !t->cells || !t->align) {
        if (t) {
            free(t->cells);
            free(t->align);
            free(t);
        }
        P->failed = true;
        return;
    }
    P->table = t;
    P->row = -1;
}

static void free_table(BodyTable *t)
{
    if (!t) return;
    for (int i = 0; i < t->rows * t->cols; i++) text_free(&t->cells[i]);
    free(t->cells);
    free(t->align);
    free(t->caption);
    free(t);
}

/* The table is complete: a paragraph "表：…" just above it becomes its caption. */
static void end_table(Parse *P)
{
    BodyTable *t = P->table;
    P->table = NULL;
    if (!t) return;
    t->rows = P->row + 1 > 0 ? P->row + 1 : 1;
    Body *d = P->out;
    BodyBlock *prev = d->count ? &d->blocks[d->count - 1] : NULL;
    static const char *const prefixes[] = {"表：", "表:", "Table:"};
    for (size_t k = 0; prev && prev->kind == BODY_PARA && k < sizeof prefixes / sizeof prefixes[0]; k++) {
        if (!starts_with(prev->t.text, prefixes[k])) continue;
        const char *cap = prev->t.text + strlen(prefixes[k]);
        while (*cap == ' ') cap++;
        t->caption = strdup(cap);
        text_free(&prev->t);
        d->count--;
        break;
    }
    if (!t->caption) t->caption = strdup("");
    BodyBlock *blk = add_block(P, BODY_TABLE);
    if (!blk || !t->caption) {
        free_table(t);
        P->failed = true;
        return;
    }
    blk->table = t;
}

static int on_enter(MD_BLOCKTYPE type, void *detail, void *user)
{
    Parse *P = user;
    switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        end_leaf(P);
        if (P->list_depth < MAX_LISTS) {
            P->lists[P->list_depth].ordered = type == MD_BLOCK_OL;
            P->lists[P->list_depth].next = type == MD_BLOCK_OL ? (int)((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
        }
        P->list_depth++;
        break;
    case MD_BLOCK_LI: start_item(P); break;
    case MD_BLOCK_H: {
        end_leaf(P);
        unsigned level = ((MD_BLOCK_H_DETAIL *)detail)->level;
        P->heading = level >= 2 ? 2 : 1;
        break;
    }
    case MD_BLOCK_P:
        if (!P->item_start) end_leaf(P);
        break;
    case MD_BLOCK_TABLE: start_table(P, detail); break;
    case MD_BLOCK_TR:
        P->row++;
        P->col = 0;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        buf_reset(&P->buf);
        if (P->table && P->row == 0 && P->col < P->table->cols) {
            MD_ALIGN a = ((MD_BLOCK_TD_DETAIL *)detail)->align;
            P->table->align[P->col] = a == MD_ALIGN_CENTER ? CELL_CENTER : a == MD_ALIGN_RIGHT ? CELL_RIGHT : CELL_LEFT;
        }
        break;
    default: break;
    }
    return P->failed ? 1 : 0;
}

static int on_leave(MD_BLOCKTYPE type, void *detail, void *user)
{
    (void)detail;
    Parse *P = user;
    switch (type) {
    case MD_BLOCK_P:
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML: end_leaf(P); break;
    case MD_BLOCK_H:
        end_leaf(P);
        P->heading = 0;
        break;
    case MD_BLOCK_LI:
        end_leaf(P);
        P->item_start = false;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        end_leaf(P);
        P->list_depth--;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        BodyTable *t = P->table;
        if (t && P->row >= 0 && P->row < t->rows && P->col < t->cols) {
            if (take_text(P, false, &t->cells[P->row * t->cols + P->col]) != 0) P->failed = true;
        }
        buf_reset(&P->buf);
        P->col++;
        break;
    }
    case MD_BLOCK_TABLE: end_table(P); break;
    default: break;
    }
    return P->failed ? 1 : 0;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
    (void)detail;
    Parse *P = user;
    Buf *b = &P->buf;
    if ((type == MD_SPAN_EM || type == MD_SPAN_STRONG) && b->open_count < 4) b->open[b->open_count++] = b->len;
    return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
    (void)detail;
    Parse *P = user;
    Buf *b = &P->buf;
    if ((type != MD_SPAN_EM && type != MD_SPAN_STRONG) || b->open_count == 0) return 0;
    int start = b->open[--b->open_count];
    if (b->len == start) return 0;
    if (!grow((void **)&b->spans, &b->span_cap, b->span_count + 1, sizeof *b->spans)) return P->failed = true, 1;
    b->spans[b->span_count++] = (BodySpan){start, b->len};
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *user)
{
    Parse *P = user;
    switch (type) {
    case MD_TEXT_SOFTBR: buf_add(P, (const char[]){SOFT_BREAK}, 1); break;
    case MD_TEXT_BR: buf_add(P, "\n", 1); break;
    case MD_TEXT_NULLCHAR: buf_add(P, "\xef\xbf\xbd", 3); break;
    case MD_TEXT_ENTITY:
        /* The few entities a clerk's text may hold; others stay as typed. */
        if (size == 5 && memcmp(text, "&amp;", 5) == 0) buf_add(P, "&", 1);
        else if (size == 4 && memcmp(text, "&lt;", 4) == 0) buf_add(P, "<", 1);
        else if (size == 4 && memcmp(text, "&gt;", 4) == 0) buf_add(P, ">", 1);
        else if (size == 6 && memcmp(text, "&nbsp;", 6) == 0) buf_add(P, " ", 1);
        else buf_add(P, text, (int)size);
        break;
    default: buf_add(P, text, (int)size); break;
    }
    return P->failed ? 1 : 0;
}

static int parse_plain(const char *text, Parse *P)
{
    char *tidy = text_tidy_paragraphs(text);
    if (!tidy) return -1;
    for (char *line = tidy; *line && !P->failed;) {
        char *nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        buf_add(P, line, len);
        end_leaf(P);
        line += len + (nl ? 1 : 0);
    }
    free(tidy);
    return P->failed ? -1 : 0;
}

static int parse_markdown(const char *text, Parse *P)
{
    MD_PARSER parser = {
        .flags = MD_FLAG_TABLES | MD_FLAG_NOHTML | MD_FLAG_COLLAPSEWHITESPACE | MD_FLAG_STRIKETHROUGH,
        .enter_block = on_enter,
        .leave_block = on_leave,
        .enter_span = on_enter_span,
        .leave_span = on_leave_span,
        .text = on_text,
    };
    int rc = md_parse(text, (MD_SIZE)strlen(text), &parser, P);
    end_leaf(P);
    if (P->table) free_table(P->table);
    return rc != 0 || P->failed ? -1 : 0;
}

int body_parse(const char *text, bool markdown, int image_count, Body *out, Err *err)
{
    memset(out, 0, sizeof *out);
    Parse P = {.out = out, .image_count = image_count};
    int rc = markdown ? parse_markdown(text ? text : "", &P) : parse_plain(text ? text : "", &P);
    free(P.buf.s);
    free(P.buf.spans);
    if (rc != 0) {
        body_free(out);
        return err_set(err, "body: %s", P.failed ? "out of memory" : "the Markdown text cannot be parsed");
    }
    return 0;
}

void body_free(Body *b)
{
    if (!b) return;
    for (int i = 0; i < b->count; i++) {
        text_free(&b->blocks[i].t);
        free_table(b->blocks[i].table);
    }
    free(b->blocks);
    memset(b, 0, sizeof *b);
}

static int add_plain(char **s, size_t *len, size_t *cap, const char *t)
{
    size_t n = strlen(t);
    if (*len + n + 2 > *cap) {
        size_t c = (*cap + n + 2) * 2;
        char *g = realloc(*s, c);
        if (!g) return -1;
        *s = g;
        *cap = c;
    }
    memcpy(*s + *len, t, n);
    *len += n;
    (*s)[(*len)++] = '\n';
    (*s)[*len] = '\0';
    return 0;
}

char *body_plain_text(const Body *b)
{
    char *s = calloc(1, 1);
    size_t len = 0, cap = 1;
    for (int i = 0; s && i < b->count; i++) {
        const BodyBlock *blk = &b->blocks[i];
        int rc = 0;
        if (blk->kind == BODY_TABLE) {
            const BodyTable *t = blk->table;
            rc = add_plain(&s, &len, &cap, t->caption);
            for (int c = 0; rc == 0 && c < t->rows * t->cols; c++)
                rc = add_plain(&s, &len, &cap, t->cells[c].text ? t->cells[c].text : "");
        } else if (blk->kind != BODY_IMAGE) {
            rc = add_plain(&s, &len, &cap, blk->t.text);
        }
        if (rc != 0) {
            free(s);
            return NULL;
        }
    }
    return s;
}
