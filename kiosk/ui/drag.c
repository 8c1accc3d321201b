#include "drag.h"

#include <stdlib.h>

void drag_press(Drag *d) { *d = (Drag){0}; }

bool drag_begins(Drag *d, int dx, int dy, int slop)
{
    if (d->decided || (abs(dx) <= slop && abs(dy) <= slop)) return false;
    d->decided = true;
    d->on = abs(dx) > abs(dy);
    return d->on;
}

void drag_move(Drag *d, int dx, uint32_t now_ms)
{
    d->dx = dx;
    if (d->samples == DRAG_SAMPLES) {
        for (int i = 1; i < DRAG_SAMPLES; i++) {
            d->t[i - 1] = d->t[i];
            d->x[i - 1] = d->x[i];
        }
        d->samples--;
    }
    d->t[d->samples] = now_ms;
    d->x[d->samples++] = dx;
}

int drag_side(const Drag *d)
{
    if (d->dx == 0) return d->side ? d->side : 1;
    return d->dx < 0 ? 1 : -1;
}

int drag_offset(const Drag *d, int width)
{
    if (d->neighbour || width <= 0) return d->dx;
    /* The rubber band: each pixel further moves the page less, towards a
     * third of the width, so the end is felt but nothing jumps. */
    double pull = abs(d->dx), limit = width / 3.0;
    int moved = (int)(limit * pull / (pull + limit));
    return d->dx < 0 ? -moved : moved;
}

/* The finger's speed at the end, px per second (0 when it rested). */
static double flick_speed(const Drag *d, int dx, uint32_t now_ms)
{
    int oldest = -1;
    for (int i = d->samples - 1; i >= 0 && now_ms - d->t[i] <= DRAG_FLICK_WINDOW_MS; i--) oldest = i;
    if (oldest < 0 || now_ms == d->t[oldest]) return 0;
    return (dx - d->x[oldest]) * 1000.0 / (double)(now_ms - d->t[oldest]);
}

DragEnd drag_release(Drag *d, int dx, uint32_t now_ms, int width, int swipe_px, float scale)
{
    d->dx = dx;
    int side = drag_side(d);
    bool far = abs(dx) * DRAG_TURN_SHARE >= width;
    /* Towards the page shown: moving left (dx < 0) shows the next one. */
    double speed = -side * flick_speed(d, dx, now_ms);
    bool flick = abs(dx) >= swipe_px && speed >= DRAG_FLICK_PX_PER_S * scale;
    bool turn = d->neighbour && side == d->side && (far || flick);
    d->on = false;
    d->decided = true;
    return turn ? DRAG_TURN : DRAG_BACK;
}

void drag_stop(Drag *d)
{
    d->on = false;
    d->decided = true;
}
