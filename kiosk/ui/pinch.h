/* pinch.h — two fingers on the glass: pinch to zoom and move.
 *
 * Owns the second half of touch input that input.h leaves out on purpose:
 * input.h follows one finger and ignores others, which suits buttons and
 * page turns; a screen that zooms (an image, a table) also wants to know
 * when two fingers spread, close or move together.  Pure logic over SDL
 * finger events, like input.h. */
#ifndef KIOSK_PINCH_H
#define KIOSK_PINCH_H

#include <SDL.h>
#include <stdbool.h>

typedef enum { PINCH_BEGIN, PINCH_MOVE, PINCH_END } PinchKind;

typedef struct PinchEvent {
    PinchKind kind;
    float scale; /* distance between the fingers now / at the start */
    int cx, cy; /* the point between them at the start, window pixels */
    int dx, dy; /* how far that point has moved since */
} PinchEvent;

typedef struct Pinch {
    int count; /* fingers down (at most 2 followed) */
    SDL_FingerID id[2];
    float x[2], y[2]; /* window pixels */
    bool active;
    float d0, cx0, cy0;
} Pinch;

/* Feeds one SDL event; returns 1 with a pinch event in *out, else 0. */
int pinch_feed(Pinch *p, const SDL_Event *e, int win_w, int win_h, PinchEvent *out);

#endif
