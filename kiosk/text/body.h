/* body.h — an item's body as blocks the reader lays out: paragraphs,
 * headings (two levels), list items, a right-aligned signature block
 * (落款), images in place and tables.
 *
 * Owns reading both body formats of the feed (FEED.md): "plain", one
 * paragraph a line with [图N] markers, and "markdown", CommonMark with
 * GFM tables, parsed by md4c (Debian's libmd4c).  Nothing here draws. */
#ifndef KIOSK_BODY_H
#define KIOSK_BODY_H

#include <stdbool.h>

#include "err.h"

typedef enum {
    BODY_PARA, /* a paragraph */
    BODY_HEADING, /* level 1 or 2 */
    BODY_ITEM, /* a list item (level 1 or 2; marker "1." or "•", "" for its later paragraphs) */
    BODY_SIGN, /* 落款: lines set flush right */
    BODY_IMAGE, /* the item's image `image` (0-based) here */
    BODY_TABLE,
} BodyKind;

typedef enum { CELL_LEFT, CELL_CENTER, CELL_RIGHT } CellAlign;

/* Emphasised bytes [start, end) of a text (**strong** and *em*). */
typedef struct BodySpan {
    int start, end;
} BodySpan;

typedef struct BodyText {
    char *text; /* clean UTF-8; lines of a BODY_SIGN separated by '\n' */
    BodySpan *spans;
    int span_count;
} BodyText;

typedef struct BodyTable {
    int cols, rows; /* rows include the header row (row 0) */
    BodyText *cells; /* rows * cols, row by row */
    CellAlign *align; /* per column */
    char *caption; /* "" when none: a paragraph "表：…" just above the table */
} BodyTable;

typedef struct BodyBlock {
    BodyKind kind;
    int level;
    char marker[16];
    BodyText t;
    int image;
    BodyTable *table;
} BodyBlock;

typedef struct Body {
    BodyBlock *blocks;
    int count, cap;
} Body;

/* Parses text in the given format (false: plain lines, true: Markdown).
 * [图N] alone in a paragraph places image N (1..image_count; other
 * numbers stay text).  Fails only when out of memory or when md4c
 * refuses the text. */
int body_parse(const char *text, bool markdown, int image_count, Body *out, Err *err);
void body_free(Body *b);

/* Everything a reader should see, in order (block texts, table captions
 * and cells), for checking that pages lose nothing.  Free it. */
char *body_plain_text(const Body *b);

#endif
