#include "pacing.h"

#include <math.h>

#define DEFAULT_HZ 60
/* Refresh rates a real panel has; anything else SDL reports (Xvfb and the
 * dummy driver say 0, some drivers a nonsense value) is not believed. */
#define MIN_HZ 30
#define MAX_HZ 240
/* A wake-up this close before the slot is the event wait's rounding to
 * whole ms: the frame is drawn now rather than a millisecond late. */
#define EARLY_MS 1.0

double pacer_period_for(int refresh_hz)
{
    return 1000.0 / (refresh_hz >= MIN_HZ && refresh_hz <= MAX_HZ ? refresh_hz : DEFAULT_HZ);
}

void pacer_init(Pacer *p, double period_ms)
{
    p->period_ms = period_ms > 0 ? period_ms : pacer_period_for(0);
    p->next = 0;
}

bool pacer_due(Pacer *p, double now)
{
    if (p->next <= 0) {
        p->next = now + p->period_ms;
        return true;
    }
    if (now < p->next - EARLY_MS) return false;
    double late = now - p->next;
    if (late > p->period_ms / 2) {
        /* Well past the slot (the frame before took longer than the
         * period): the grid goes on from the first slot after now, and the
         * frame waits for it rather than following right behind the late
         * one (a frame that shows hardly any motion, and back-to-back
         * frames while every frame is that slow). */
        p->next += p->period_ms * (floor(late / p->period_ms) + 1);
        return false;
    }
    p->next += p->period_ms;
    return true;
}

int pacer_wait_ms(const Pacer *p, double now)
{
    if (p->next <= 0 || now >= p->next) return 0;
    return (int)ceil(p->next - now);
}

void pacer_stop(Pacer *p) { p->next = 0; }
