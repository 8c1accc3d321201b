/* input.h — touch and mouse turned into gestures.
 *
 * Owns the gesture recogniser: one pointer at a time (the first finger
 * down; stray extra fingers, a palm or a second hand are ignored until it
 * lifts), the mouse treated as the same pointer, and thresholds that suit
 * an unsteady finger: a tap may wander INPUT_SLOP_PX, a swipe needs
 * INPUT_SWIPE_PX mostly sideways (or mostly vertical), a long press is a
 * finger held still for INPUT_LONG_PRESS_MS.  Distances are at 1080p and
 * scaled with the screen.
 *
 * It is pure logic over SDL events and a clock in milliseconds, so tests
 * drive it directly and the headless runner drives it with the script's
 * clock.  Set the hints with input_set_hints() before SDL_Init so that a
 * touch is not also seen as a mouse click (and the mouse not as a touch). */
#ifndef KIOSK_INPUT_H
#define KIOSK_INPUT_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#define INPUT_SLOP_PX 48
#define INPUT_SWIPE_PX 110
#define INPUT_LONG_PRESS_MS 700

typedef enum {
    INPUT_PRESS, /* pointer went down at x,y (show the pressed state now) */
    INPUT_MOVE, /* pointer moved while down: dx,dy from the press */
    INPUT_CANCEL, /* the press became nothing (moved away, extra finger) */
    INPUT_TAP, /* released near where it went down */
    INPUT_LONG_PRESS, /* held still; fires while still down, release is then silent */
    INPUT_SWIPE, /* released after a mostly straight move: dx,dy */
} InputKind;

typedef struct InputEvent {
    InputKind kind;
    int x, y; /* where the press started */
    int dx, dy; /* movement since the press */
} InputEvent;

typedef struct Input {
    int slop, swipe; /* thresholds in window pixels */
    bool down, from_mouse, long_fired, moved;
    SDL_TouchID touch;
    SDL_FingerID finger;
    int x0, y0, x, y;
    uint32_t t0;
} Input;

void input_set_hints(void);
/* scale: window size relative to 1080p (min side / 1080). */
void input_init(Input *in, float scale);
/* Feeds one SDL event (finger or mouse; others are ignored).  Writes at
 * most one gesture to *out and returns 1, or returns 0. */
int input_feed(Input *in, const SDL_Event *e, int win_w, int win_h, uint32_t now_ms, InputEvent *out);
/* Called by the loop: returns 1 with a long press once the pointer has
 * been held still long enough. */
int input_tick(Input *in, uint32_t now_ms, InputEvent *out);
/* Milliseconds until input_tick may fire, or -1 when nothing is pending. */
int input_next_deadline(const Input *in, uint32_t now_ms);

#endif
