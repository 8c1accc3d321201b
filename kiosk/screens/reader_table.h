/* reader_table.h — a table of an item's body laid out to a width: column
 * widths, cells wrapped in their columns, row heights, and drawing one row.
 *
 * Owns the table geometry only; the reader (screen_reader.c) pages rows
 * (never splitting one, repeating the header row on a continuation page),
 * and the table view (screen_table.c) shows the whole table to pan and zoom. */
#ifndef KIOSK_READER_TABLE_H
#define KIOSK_READER_TABLE_H

#include "body.h"
#include "text.h"
#include "ui.h"

typedef struct TableLayout {
    const BodyTable *src;
    int cols, rows; /* row 0 is the header row */
    int *col_x, *col_w; /* from the table's left edge */
    int *row_h;
    TextBlock *cells; /* rows * cols, row by row */
    int width; /* of the whole table */
    int pad; /* inside each cell */
    int wider; /* its natural width when that exceeds the width it was given, else 0 */
} TableLayout;

/* Lays t out to at most `width` px: columns get their natural width when the
 * table fits, otherwise at least a few characters each and the rest in
 * proportion to what their text needs; cells wrap.  size_px: the text size. */
int table_layout(Ui *ui, const BodyTable *t, int width, int size_px, TextLang lang, TableLayout *out, Err *err);
void table_layout_free(TableLayout *t);

/* The emphasis (**strong**, *em*) of a body text, drawn in the accent colour. */
void reader_mark_emphasis(TextBlock *b, const BodyText *t);

/* Draws row `row` with its top left at x, y and records one WIDGET_ROW
 * (not touchable) with the id `wid` and the text of its cells. key names the
 * cells' textures in the cache. */
void table_draw_row(Ui *ui, const TableLayout *t, const char *key, const char *wid, int row, int x, int y);

#endif
