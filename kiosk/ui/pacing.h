/* pacing.h — when the next frame of an animation is due.
 *
 * A moving screen (the ticker, a slide) shows a frame at every slot of a
 * grid, t0 + k x period, read from a monotonic clock: a frame's own cost
 * does not slow the motion (as a fixed sleep after each frame would), a
 * wake-up up to half a period late draws at once, a frame that took longer
 * makes the next one skip the slots it covered and wait for the next slot
 * on the grid (instead of following right behind it), and a wake-up before the slot (the event wait counts
 * whole milliseconds) draws nothing but waits the rest.  The period is the
 * display's refresh when SDL reports one, else 60 Hz; SDL's software path
 * has no vertical blank to align to, so the grid starts at the animation's
 * first frame.  Times are ms (double) of one monotonic clock. */
#ifndef KIOSK_PACING_H
#define KIOSK_PACING_H

#include <stdbool.h>

typedef struct Pacer {
    double period_ms;
    double next; /* the next slot; 0: no animation running */
} Pacer;

/* A refresh rate in Hz as SDL reports it (0: unknown) to the period used. */
double pacer_period_for(int refresh_hz);
void pacer_init(Pacer *p, double period_ms);
/* Whether an animation frame is due at now; if so the slot is taken (the
 * first call of an animation starts the grid at now). */
bool pacer_due(Pacer *p, double now);
/* Whole ms to wait from now for the next slot (at least 0). */
int pacer_wait_ms(const Pacer *p, double now);
/* The animation ended: the next one starts a grid of its own. */
void pacer_stop(Pacer *p);

#endif
