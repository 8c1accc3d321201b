/* pinch.c — two-finger pinch tracking (see pinch.h).  SDL2's own
 * SDL_MULTIGESTURE reports only per-event deltas relative to the touch
 * device, and not on every driver; the two fingers' positions are all a
 * pinch needs, so they are followed here. */
#include "pinch.h"

#include <math.h>

static int finger_slot(const Pinch *p, SDL_FingerID id)
{
    for (int i = 0; i < p->count; i++)
        if (p->id[i] == id) return i;
    return -1;
}

static float spread(const Pinch *p)
{
    float d = hypotf(p->x[1] - p->x[0], p->y[1] - p->y[0]);
    return d > 1 ? d : 1;
}

static void fill(const Pinch *p, PinchKind kind, PinchEvent *out)
{
    float cx = (p->x[0] + p->x[1]) / 2, cy = (p->y[0] + p->y[1]) / 2;
    *out = (PinchEvent){kind, spread(p) / p->d0, (int)p->cx0, (int)p->cy0, (int)(cx - p->cx0), (int)(cy - p->cy0)};
}

int pinch_feed(Pinch *p, const SDL_Event *e, int win_w, int win_h, PinchEvent *out)
{
    if (e->type != SDL_FINGERDOWN && e->type != SDL_FINGERMOTION && e->type != SDL_FINGERUP) return 0;
    float x = e->tfinger.x * (float)win_w, y = e->tfinger.y * (float)win_h;
    int i = finger_slot(p, e->tfinger.fingerId);
    if (e->type == SDL_FINGERDOWN) {
        if (i >= 0 || p->count == 2) return 0;
        p->id[p->count] = e->tfinger.fingerId;
        p->x[p->count] = x;
        p->y[p->count] = y;
        if (++p->count < 2) return 0;
        p->active = true;
        p->d0 = spread(p);
        p->cx0 = (p->x[0] + p->x[1]) / 2;
        p->cy0 = (p->y[0] + p->y[1]) / 2;
        fill(p, PINCH_BEGIN, out);
        return 1;
    }
    if (i < 0) return 0;
    p->x[i] = x;
    p->y[i] = y;
    if (e->type == SDL_FINGERMOTION) {
        if (!p->active) return 0;
        fill(p, PINCH_MOVE, out);
        return 1;
    }
    bool was_active = p->active;
    if (was_active) fill(p, PINCH_END, out);
    /* The finger that stays is followed on its own until it lifts too. */
    if (i == 0 && p->count == 2) {
        p->id[0] = p->id[1];
        p->x[0] = p->x[1];
        p->y[0] = p->y[1];
    }
    p->count--;
    p->active = false;
    return was_active ? 1 : 0;
}
