/* keyboard.h — the on-screen keyboard the kiosk draws (no physical
 * keyboard is attached to a lobby kiosk).
 *
 * Owns the input engines (ime_pinyin, ime_handwriting), the keyboard's
 * modes (拼音 with a candidate bar, 手写 with a writing pad and
 * candidates, ABC, 123, 符号, and a large numeric keypad for phone
 * numbers), the editing of the one text field it is attached to (insert,
 * delete the last character, clear, a length limit counted in characters),
 * and drawing the keys through ui.h with widget ids "kb.*", so taps,
 * pressed states and the headless dump work as for every other button.
 * Every key is at least UI_MIN_TARGET (80 px at 1080p).
 *
 * The screen that shows a keyboard passes it the taps (keyboard_event) and,
 * for handwriting, the raw pointer (keyboard_pointer).  A missing engine
 * (its Debian data not installed) only hides its mode, with a log line. */
#ifndef KIOSK_KEYBOARD_H
#define KIOSK_KEYBOARD_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "input.h"
#include "ui.h"

typedef enum { KB_PINYIN, KB_HANDWRITING, KB_LATIN, KB_DIGITS, KB_SYMBOLS, KB_MODE_COUNT } KbMode;

typedef enum {
    KB_FIELD_TEXT, /* any text: all modes */
    KB_FIELD_PHONE, /* digits only, the numeric keypad */
} KbField;

typedef enum {
    KB_IGNORED, /* not a keyboard widget */
    KB_HANDLED, /* taken; redraw */
    KB_DONE, /* 完成: the screen closes the keyboard */
} KbResult;

typedef struct Keyboard Keyboard;

/* Makes the keyboard; cfg must outlive it.  No engine is opened yet: each
 * opens when its mode is first shown (pinyin then deploys in the
 * background, see ime_pinyin.h, and the bar says 正在准备输入法…).  An
 * engine that fails to open hides its mode and is tried again at the next
 * keyboard_attach(). */
int keyboard_open(const Config *cfg, Keyboard **out, Err *err);
void keyboard_close(Keyboard *kb);

/* Edits buf (NUL-terminated, size bytes, at most max_chars characters)
 * from now on.  A phone field switches to the keypad; a text field to the
 * last way of writing used (拼音, 手写 or ABC; 拼音 at first). */
void keyboard_attach(Keyboard *kb, char *buf, size_t size, int max_chars, KbField field);
/* Stops editing; anything half-typed (pinyin letters, strokes) is dropped. */
void keyboard_detach(Keyboard *kb);
bool keyboard_attached(const Keyboard *kb);
/* Back to the first mode and nothing half-typed (the next visitor). */
void keyboard_reset(Keyboard *kb);

KbMode keyboard_mode(const Keyboard *kb);
/* false when the mode's engine is missing (or still deploying, for 拼音). */
bool keyboard_mode_available(Keyboard *kb, KbMode mode);
void keyboard_set_mode(Keyboard *kb, KbMode mode);

/* Height the keyboard needs when it is `width` pixels wide. */
int keyboard_height(const Ui *ui, int width);
/* Draws the keyboard into area, recording its widgets.  An area taller
 * than keyboard_height() makes the handwriting pad taller; the keys stay
 * at its bottom. */
void keyboard_draw(Keyboard *kb, Ui *ui, SDL_Rect area);

/* A tap (ScreenEvent.id) on one of the keyboard's widgets. */
KbResult keyboard_tap(Keyboard *kb, const char *id);
/* The raw pointer, for strokes on the handwriting pad; true when taken
 * (the press began on one of its two boxes).  A stroke begun in the box
 * not being written in takes the best candidate of the character so far
 * and starts the next one there; no pause ever takes anything.  now_ms is
 * the app's clock. */
bool keyboard_pointer(Keyboard *kb, const InputEvent *in, uint32_t now_ms);

/* Blocks until pinyin has deployed (headless runs, so that a script's
 * first letters are never typed into an engine still getting ready). */
void keyboard_wait_ready(Keyboard *kb);

/* Polls the pinyin engine's deployment; true when its state changed
 * (redraw).  Call from the screen's update. */
bool keyboard_poll(Keyboard *kb);

/* Frees the engines once the keyboard has been detached for
 * cfg->ime_release_minutes (never while attached: the text typed lives in
 * the attached field, not in the engine).  The time closed is counted from
 * the first call that sees it closed.  now_ms is the app's clock.  Returns
 * the ms until the release is due, or -1 when nothing is due. */
int keyboard_release_idle(Keyboard *kb, uint32_t now_ms);
/* Whether the engine of mode (KB_PINYIN, KB_HANDWRITING) is in memory. */
bool keyboard_engine_loaded(const Keyboard *kb, KbMode mode);

#endif
