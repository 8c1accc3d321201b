/* fonts.h — the font chain below the text layout (used by text.c only).
 *
 * Owns the TTF_Font handles: the regular and bold faces and the fallback
 * chain from the config, one handle per font and weight, set to whatever
 * pixel size is asked for, plus a cache of glyph advances per size.  Answers "which font
 * of the chain draws this code point" so that text is split into runs, one
 * font per run, and no glyph falls to tofu while some font has it.
 *
 * The public half (fonts_open, fonts_close, fonts_has_glyph,
 * fonts_missing_glyphs) is declared in text.h; this header adds what the
 * layout needs to measure and draw runs. */
#ifndef KIOSK_FONTS_H
#define KIOSK_FONTS_H

#include <SDL_ttf.h>
#include <stdbool.h>
#include <stdint.h>

#include "text.h"

/* Position in the chain: 0 is the style's main face (regular or bold),
 * 1.. are the fallbacks in config order. */
typedef int FontSlot;

/* The main collection's Traditional face (config face_index_hant), used in
 * place of slot 0 for TEXT_LANG_HANT text. */
#define FONT_SLOT_HANT (1 + CONFIG_MAX_FALLBACK_FONTS)

/* Slot 0, or FONT_SLOT_HANT for TEXT_LANG_HANT when that face opens (it
 * is opened at its first use). */
FontSlot fonts_main_slot(Fonts *f, int lang);

/* The first slot whose face has a glyph for cp; 0 when none has it (the
 * main face then draws its .notdef box, and fonts_missing_glyphs counts it). */
FontSlot fonts_pick(Fonts *f, bool bold, uint32_t cp);

/* The face of a slot set to a pixel size; valid until the next call for
 * another size.  NULL when the font cannot be used (logged once). */
TTF_Font *fonts_face(Fonts *f, FontSlot slot, bool bold, int size_px);

/* Horizontal advance of one glyph in pixels (cached). */
int fonts_advance(Fonts *f, FontSlot slot, bool bold, int size_px, uint32_t cp);

/* Exact width in pixels of utf8[0..len) drawn with one face, as SDL_ttf
 * measures (and so renders) it, kerning and shaping included. */
int fonts_run_width(Fonts *f, FontSlot slot, bool bold, int size_px, const char *utf8, int len);

/* Renders utf8[0..len) with one face into an ARGB surface (alpha, no
 * background).  NULL for an empty run or when SDL_ttf fails. */
SDL_Surface *fonts_run_render(Fonts *f, FontSlot slot, bool bold, int size_px, const char *utf8, int len,
                              SDL_Color color);

/* A scratch ARGB surface at least w x h on which text.c composes a block
 * before uploading it; kept (and grown) until fonts_close, because fresh
 * multi-megabyte buffers for every page cost more than drawing the glyphs.
 * NULL when out of memory. */
SDL_Surface *fonts_canvas(Fonts *f, int w, int h);

#endif
