/* drag.h — a page that follows the finger.
 *
 * Owns what a finger dragging a page sideways means, as pure logic over
 * the finger's distance and a clock (like input.h), so tests drive it
 * directly: when a press becomes a drag (a move past the tap's slop that
 * is more across than up or down), where the page is (moved by exactly the
 * finger's distance, or, with no page that way, by a rubber band's
 * shrinking share of it), and what letting go means: the page turns when
 * the finger went a third of the width, or at least a swipe's distance
 * with a flick that way; otherwise it springs back.  app.c draws the frames
 * by moving the slide's two pictures and asks the screen for the page
 * beside it (ScreenOps.turn_page). */
#ifndef KIOSK_DRAG_H
#define KIOSK_DRAG_H

#include <stdbool.h>
#include <stdint.h>

#define DRAG_TURN_SHARE 3 /* a third of the width turns the page */
#define DRAG_FLICK_PX_PER_S 600 /* at 1080p: a flick at least this fast turns it too */
#define DRAG_FLICK_WINDOW_MS 100 /* the flick's speed is the finger's over its last 100 ms */
#define DRAG_SAMPLES 8

typedef struct Drag {
    bool on; /* the page follows the finger */
    bool decided; /* this press is a drag, or will not be one */
    bool neighbour; /* there is a page on the side it shows (else the rubber band) */
    int side; /* the page shown beside it: +1 the next (at the right), -1 the previous; 0 none yet */
    int dx; /* the finger's distance from where it went down */
    uint32_t t[DRAG_SAMPLES]; /* the last moves: when, and dx then */
    int x[DRAG_SAMPLES];
    int samples;
} Drag;

typedef enum { DRAG_BACK, DRAG_TURN } DragEnd;

/* A finger went down: what it does is not decided yet. */
void drag_press(Drag *d);
/* The finger moved by (dx, dy) since it went down: true when this press
 * becomes a drag now (past slop, more across than up or down).  A press
 * that moved up or down first never becomes one. */
bool drag_begins(Drag *d, int dx, int dy, int slop);
/* The page follows: the finger is dx from where it went down at now_ms. */
void drag_move(Drag *d, int dx, uint32_t now_ms);
/* The side the finger shows now: +1 (moved left: the next page) or -1. */
int drag_side(const Drag *d);
/* Where the page is, in pixels across a band width wide: the finger's
 * distance while there is a page beside it, else the rubber band (at most
 * a third of the width, however far the finger goes). */
int drag_offset(const Drag *d, int width);
/* The finger let go at dx, now_ms: turn the page or spring back.  swipe_px
 * is the least distance a flick needs, scale the screen's size against
 * 1080p.  The drag is over after it. */
DragEnd drag_release(Drag *d, int dx, uint32_t now_ms, int width, int swipe_px, float scale);
/* The drag ends where it is (a second finger, new content): the rest of
 * this press is no drag. */
void drag_stop(Drag *d);

#endif
