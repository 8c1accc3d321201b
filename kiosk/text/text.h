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

typedef struct TextStyle {
    int size_px;               /* pixel size of the font */
    bool bold;
    SDL_Color color;
    int line_spacing_pct;      /* line height as % of size_px; 0 = 150 */
} TextStyle;

enum {
    TEXT_INDENT_PARAGRAPHS = 1 << 0,  /* two-character indent at each paragraph start */
    TEXT_ELLIPSIZE = 1 << 1,          /* cut after max_lines, ending the last line with … */
    TEXT_NO_RUNT = 1 << 2,            /* for titles: never one lone character on the last line
                                         (may cost a few extra layouts; not for body text) */
};

typedef struct TextLine {
    int start, len;            /* byte range in the source text */
    int x;                     /* indent in pixels */
    int y;                     /* top of the line, from the top of the block */
    int width;                 /* pixels */
    bool paragraph_start;
    bool ellipsized;           /* this line ends with an added … */
} TextLine;

typedef struct TextBlock {
    char *text;                /* private, cleaned copy of the source text (invalid UTF-8 as
                                  U+FFFD, control characters dropped); line ranges index it */
    TextStyle style;
    int max_width;
    int line_height;
    int width, height;         /* of the whole block */
    TextLine *lines;
    int line_count;
} TextBlock;

/* Opens the fonts named in the config (regular, bold, fallbacks).  Fails
 * with a clear message when the regular font is missing. */
int fonts_open(const Config *cfg, Fonts **out, Err *err);
void fonts_close(Fonts *f);

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

/* Renders lines [first, first+count) of a block into one texture with
 * alpha (transparent background, blend mode BLEND), b->width wide and
 * count * b->line_height high.  The caller owns the texture. */
SDL_Texture *text_render(SDL_Renderer *r, Fonts *f, const TextBlock *b, int first, int count, Err *err);

/* Shortcut for one line of UI text (a button label, a title): lays out,
 * ellipsizes to max_width and renders.  w/h receive the texture size. */
SDL_Texture *text_render_line(SDL_Renderer *r, Fonts *f, const char *utf8, const TextStyle *style, int max_width,
                              int *w, int *h, Err *err);

#endif
