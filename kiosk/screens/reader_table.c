/* reader_table.c — table geometry and drawing (see reader_table.h).
 *
 * Column widths follow the usual automatic table layout (as browsers do it,
 * which no library here offers for our own text layout): each column's
 * natural width is its widest cell on one line, its minimum a few
 * characters (or less when its text is shorter); when the natural widths fit
 * they are widened evenly to the width, else each column gets its minimum
 * and the room left in proportion to what it lacks. */
#include "reader_table.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

#define MIN_CHARS 4 /* a narrow column still holds four characters a line */

static TextStyle cell_style(const TableLayout *t, int size_px, TextLang lang, int row)
{
    (void)t;
    return (TextStyle){
        .size_px = size_px, .bold = row == 0, .lang = lang, .color = ui_theme.text, .line_spacing_pct = 140};
}

static int cell_flags(const BodyTable *t, int col)
{
    CellAlign a = t->align[col];
    return a == CELL_RIGHT ? TEXT_ALIGN_RIGHT : a == CELL_CENTER ? TEXT_ALIGN_CENTER : 0;
}

static const char *cell_text(const BodyTable *t, int i) { return t->cells[i].text ? t->cells[i].text : ""; }

static void column_widths(TableLayout *L, Ui *ui, int width, int size_px, TextLang lang)
{
    const BodyTable *t = L->src;
    int *nat = calloc((size_t)L->cols, sizeof *nat), *min = calloc((size_t)L->cols, sizeof *min);
    if (!nat || !min) {
        free(nat);
        free(min);
        for (int c = 0; c < L->cols; c++) L->col_w[c] = width / L->cols;
        return;
    }
    int sum_nat = 0, sum_min = 0;
    for (int c = 0; c < L->cols; c++) {
        for (int r = 0; r < L->rows; r++) {
            TextStyle st = cell_style(L, size_px, lang, r);
            int w = text_measure(ui_fonts(ui), cell_text(t, r * L->cols + c), &st) + 2 * L->pad + 1;
            if (w > nat[c]) nat[c] = w;
        }
        min[c] = MIN_CHARS * size_px + 2 * L->pad;
        if (min[c] > nat[c]) min[c] = nat[c];
        sum_nat += nat[c];
        sum_min += min[c];
    }
    if (sum_nat <= width) {
        int extra = width - sum_nat;
        for (int c = 0; c < L->cols; c++) L->col_w[c] = nat[c] + extra * (c + 1) / L->cols - extra * c / L->cols;
    } else if (sum_min <= width) {
        long lack = sum_nat - sum_min, room = width - sum_min, given = 0, need = 0;
        for (int c = 0; c < L->cols; c++) {
            need += nat[c] - min[c];
            long upto = lack ? room * need / lack : 0;
            L->col_w[c] = min[c] + (int)(upto - given);
            given = upto;
        }
        L->wider = sum_nat;
    } else {
        for (int c = 0; c < L->cols; c++) L->col_w[c] = width * (c + 1) / L->cols - width * c / L->cols;
        L->wider = sum_nat;
    }
    free(nat);
    free(min);
}

void reader_mark_emphasis(TextBlock *b, const BodyText *t)
{
    if (t->span_count <= 0) return;
    TextMark *m = malloc((size_t)t->span_count * sizeof *m);
    if (!m) return;
    for (int i = 0; i < t->span_count; i++) m[i] = (TextMark){t->spans[i].start, t->spans[i].end};
    if (text_block_mark(b, m, t->span_count, ui_theme.accent_dark) != 0)
        log_warn("reader: emphasis lost: out of memory");
    free(m);
}

int table_layout(Ui *ui, const BodyTable *t, int width, int size_px, TextLang lang, TableLayout *L, Err *err)
{
    memset(L, 0, sizeof *L);
    L->src = t;
    L->cols = t->cols;
    L->rows = t->rows;
    L->pad = size_px / 3;
    L->col_x = calloc((size_t)L->cols, sizeof *L->col_x);
    L->col_w = calloc((size_t)L->cols, sizeof *L->col_w);
    L->row_h = calloc((size_t)L->rows, sizeof *L->row_h);
    L->cells = calloc((size_t)(L->rows * L->cols), sizeof *L->cells);
    if (!L->col_x || !L->col_w || !L->row_h || !L->cells) {
        table_layout_free(L);
        return err_set(err, "table: out of memory");
    }
    column_widths(L, ui, width, size_px, lang);
    for (int c = 0, x = 0; c < L->cols; c++) {
        L->col_x[c] = x;
        x += L->col_w[c];
        L->width = x;
    }
    for (int r = 0; r < L->rows; r++) {
        TextStyle st = cell_style(L, size_px, lang, r);
        int lines = 1, lh = size_px * 140 / 100;
        for (int c = 0; c < L->cols; c++) {
            int inner = L->col_w[c] - 2 * L->pad;
            TextBlock *b = &L->cells[r * L->cols + c];
            if (text_layout(ui_fonts(ui), cell_text(t, r * L->cols + c), &st, inner > 1 ? inner : 1, 0,
                            cell_flags(t, c), b, err) != 0) {
                table_layout_free(L);
                return -1;
            }
            reader_mark_emphasis(b, &t->cells[r * L->cols + c]);
            if (b->line_count > lines) lines = b->line_count;
            lh = b->line_height;
        }
        L->row_h[r] = lines * lh + 2 * L->pad;
    }
    return 0;
}

void table_layout_free(TableLayout *L)
{
    if (!L) return;
    if (L->cells)
        for (int i = 0; i < L->rows * L->cols; i++) text_block_free(&L->cells[i]);
    free(L->cells);
    free(L->col_x);
    free(L->col_w);
    free(L->row_h);
    memset(L, 0, sizeof *L);
}

void table_draw_row(Ui *ui, const TableLayout *L, const char *key, const char *wid, int row, int x, int y)
{
    int h = L->row_h[row], line = ui_px(ui, 2);
    if (line < 1) line = 1;
    SDL_Color head = {236, 226, 214, 255}, stripe = {250, 246, 240, 255};
    if (row == 0) ui_fill(ui, (SDL_Rect){x, y, L->width, h}, head);
    else if (row % 2 == 0) ui_fill(ui, (SDL_Rect){x, y, L->width, h}, stripe);
    size_t cap = 1;
    for (int c = 0; c < L->cols; c++) cap += strlen(L->cells[row * L->cols + c].text) + 1;
    char *text = malloc(cap), *o = text;
    for (int c = 0; c < L->cols; c++) {
        const TextBlock *b = &L->cells[row * L->cols + c];
        char k[160];
        snprintf(k, sizeof k, "%s.%d", key, row * L->cols + c);
        if (b->line_count > 0) ui_block_draw(ui, k, b, x + L->col_x[c] + L->pad, y + L->pad);
        if (text) {
            size_t n = strlen(b->text);
            memcpy(o, b->text, n);
            o += n;
            *o++ = ' ';
        }
        if (c > 0) ui_fill(ui, (SDL_Rect){x + L->col_x[c], y, line, h}, ui_theme.card_line);
    }
    if (text) *o = '\0';
    ui_fill(ui, (SDL_Rect){x, y + h - line, L->width, line}, ui_theme.card_line);
    if (row == 0) ui_fill(ui, (SDL_Rect){x, y, L->width, line}, ui_theme.card_line);
    ui_fill(ui, (SDL_Rect){x, y, line, h}, ui_theme.card_line);
    ui_fill(ui, (SDL_Rect){x + L->width - line, y, line, h}, ui_theme.card_line);
    ui_record(ui, WIDGET_ROW, wid, text ? text : "", (SDL_Rect){x, y, L->width, h}, false);
    free(text);
}
