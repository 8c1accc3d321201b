/* text.h — fonts, Chinese line breaking and text rendering.
 *
 * Owns the fonts (regular, bold and a fallback chain, opened per pixel size
 * on demand), the line breaker (UAX #14 through libunibreak, language "zh",
 * plus the basic clreq rules: no line starts with closing punctuation such
 * as ，。、；：？！）」』》” and no line ends with opening punctuation such as
 * （「『《“; Latin words and numbers stay whole; a two-character first-line
 * indent for paragraphs), and turning laid-out lines into textures.
 *
 * Layout is separate from rendering so that it can be tested and
 * benchmarked without a renderer; rendering is done once per block and the
 * caller keeps the texture (never re-rasterise a page every frame). */
#ifndef KIOSK_TEXT_H
#define KIOSK_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

typedef struct Fonts Fonts;

/* Which face of the CJK collection draws the text: the SC face (config
 * face_index) or the TC face (face_index_hant), shapes and punctuation
 * positions included. */
typedef enum { TEXT_LANG_HANS, TEXT_LANG_HANT } TextLang;

typedef struct TextStyle {
    int size_px; /* pixel size of the font */
    bool bold;
    TextLang lang;
    SDL_Color color;
    int line_spacing_pct; /* line height as % of size_px; 0 = 150 */
} TextStyle;

enum {
    TEXT_INDENT_PARAGRAPHS = 1 << 0, /* two-character indent at each paragraph start */
    TEXT_ELLIPSIZE = 1 << 1, /* cut after max_lines, ending the last line with … */
    TEXT_NO_RUNT = 1 << 2, /* for titles: never one lone character on the last line
                                         (may cost a few extra layouts; not for body text) */
    TEXT_JUSTIFY = 1 << 3, /* body text: full lines justified (两端对齐), adjacent full-width
                                         punctuation and line-edge marks compressed (clreq) */
    TEXT_ALIGN_RIGHT = 1 << 4, /* every line flush right (a signature block, a number column) */
    TEXT_ALIGN_CENTER = 1 << 5, /* every line centred */
};

/* Bytes [start, end) of a block's text drawn in the mark colour (emphasis). */
typedef struct TextMark {
    int start, end;
} TextMark;

typedef struct TextLine {
    int start, len; /* byte range in the source text */
    int x; /* indent in pixels */
    int y; /* top of the line, from the top of the block */
    int width; /* pixels */
    bool paragraph_start;
    bool ellipsized; /* this line ends with an added … */
    bool spaced; /* drawn unit by unit (TEXT_JUSTIFY): compressed and/or justified */
    bool justified; /* its right edge is the column's (x + width == max_width) */
    short compressed; /* how many half-em blanks of punctuation it gave up */
} TextLine;

typedef struct TextBlock {
    char *text; /* private, cleaned copy of the source text (invalid UTF-8 as
                                  U+FFFD, control characters dropped); line ranges index it */
    TextStyle style;
    int max_width;
    int line_height;
    int width, height; /* of the whole block */
    TextLine *lines;
    int line_count;
    TextMark *marks; /* text_block_mark; NULL = none */
    int mark_count;
    SDL_Color mark_color;
} TextBlock;

/* Opens the fonts named in the config (regular, bold, fallbacks).  Fails
 * with a clear message when the regular font is missing. */
int fonts_open(const Config *cfg, Fonts **out, Err *err);
void fonts_close(Fonts *f);

/* The family name of the main face for a TextLang ("Noto Sans CJK TC"). */
const char *fonts_family(Fonts *f, int lang);

/* true when some font in the chain has a glyph for the code point. */
bool fonts_has_glyph(Fonts *f, uint32_t codepoint);
/* Checks a whole string; returns the number of code points no font
 * covers and the first of them in *first_missing. */
int fonts_missing_glyphs(Fonts *f, const char *utf8, uint32_t *first_missing);

/* A tidied copy of a body for reading (free it): CR LF and lone CR become
 * '\n', white space at either end of a paragraph is dropped, a run of
 * white space inside one (spaces, tabs, U+3000, no-break and other Unicode
 * spaces) becomes its first character, and paragraphs that hold nothing but
 * white space are removed, so no run of blank lines can make a blank page.
 * NULL when out of memory. */
char *text_tidy_paragraphs(const char *utf8);

/* Width in pixels of a single line of text (no breaking). */
int text_measure(Fonts *f, const char *utf8, const TextStyle *style);

/* Lays text out into lines no wider than max_width.  Paragraphs are
 * separated by '\n'.  max_lines 0 = no limit.  Invalid UTF-8 is shown as
 * U+FFFD, never a crash.  Free with text_block_free. */
int text_layout(Fonts *f, const char *utf8, const TextStyle *style, int max_width, int max_lines, int flags,
                TextBlock *out, Err *err);
void text_block_free(TextBlock *b);

/* Draws the given byte ranges of a laid-out block (offsets into the text
 * passed to text_layout, which must be clean UTF-8 without control
 * characters so that they are the block's own) in another colour.  Only
 * TEXT_JUSTIFY lines, which are drawn unit by unit, show it.  Copies the
 * marks; -1 when out of memory. */
int text_block_mark(TextBlock *b, const TextMark *marks, int count, SDL_Color color);

/* Where each unit of a line is drawn (a Han character, a punctuation mark,
 * a space, or a whole Latin word or number): byte range in the block text,
 * x from the block's left edge and the width it takes (a compressed mark
 * takes half its advance).  Returns the number of units (at most max are
 * written), -1 when out of memory. */
typedef struct TextUnit {
    int start, len;
    int x, width;
    int advance; /* its natural width */
} TextUnit;
int text_line_units(Fonts *f, const TextBlock *b, int line, TextUnit *out, int max);

/* Renders lines [first, first+count) of a block into one texture with
 * alpha (transparent background, blend mode BLEND), b->width wide and
 * count * b->line_height high.  The caller owns the texture. */
SDL_Texture *text_render(SDL_Renderer *r, Fonts *f, const TextBlock *b, int first, int count, Err *err);

/* Shortcut for one line of UI text (a button label, a title): lays out,
 * ellipsizes to max_width and renders.  w/h receive the texture size. */
SDL_Texture *text_render_line(SDL_Renderer *r, Fonts *f, const char *utf8, const TextStyle *style, int max_width,
                              int *w, int *h, Err *err);

#endif
