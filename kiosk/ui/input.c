#include "input.h"

#include <math.h>
#include <stdlib.h>

void input_set_hints(void)
{
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
}

void input_init(Input *in, float scale)
{
    *in = (Input){0};
    in->slop = (int)(INPUT_SLOP_PX * scale + 0.5f);
    in->swipe = (int)(INPUT_SWIPE_PX * scale + 0.5f);
}

static int begin(Input *in, int x, int y, uint32_t now, InputEvent *out)
{
    in->down = true;
    in->long_fired = false;
    in->moved = false;
    in->x0 = in->x = x;
    in->y0 = in->y = y;
    in->t0 = now;
    *out = (InputEvent){INPUT_PRESS, x, y, 0, 0};
    return 1;
}

static int move(Input *in, int x, int y, InputEvent *out)
{
    in->x = x;
    in->y = y;
    if (abs(x - in->x0) > in->slop || abs(y - in->y0) > in->slop) in->moved = true;
    *out = (InputEvent){INPUT_MOVE, in->x0, in->y0, x - in->x0, y - in->y0};
    return 1;
}

/* Decides what a release means. */
static int finish(Input *in, int x, int y, InputEvent *out)
{
    in->down = false;
    int dx = x - in->x0, dy = y - in->y0;
    *out = (InputEvent){INPUT_CANCEL, in->x0, in->y0, dx, dy};
    if (in->long_fired) return 1;
    int ax = abs(dx), ay = abs(dy);
    if (!in->moved && ax <= in->slop && ay <= in->slop) out->kind = INPUT_TAP;
    else if ((ax >= in->swipe && ax * 5 >= ay * 6) || (ay >= in->swipe && ay * 5 >= ax * 6)) out->kind = INPUT_SWIPE;
    return 1;
}

/* Finger positions come as 0..1; rounded, so a touch at pixel x is x. */
static int to_px(float v, int size)
{
    int p = (int)lroundf(v * size);
    return p < 0 ? 0 : p >= size ? size - 1 : p;
}

static bool same_finger(const Input *in, const SDL_TouchFingerEvent *f)
{
    return in->down && !in->from_mouse && f->touchId == in->touch && f->fingerId == in->finger;
}

int input_feed(Input *in, const SDL_Event *e, int win_w, int win_h, uint32_t now_ms, InputEvent *out)
{
    switch (e->type) {
    case SDL_FINGERDOWN:
        if (in->down) return 0; /* a second finger (a palm, a child's hand): ignored */
        in->from_mouse = false;
        in->touch = e->tfinger.touchId;
        in->finger = e->tfinger.fingerId;
        return begin(in, to_px(e->tfinger.x, win_w), to_px(e->tfinger.y, win_h), now_ms, out);
    case SDL_FINGERMOTION:
        if (!same_finger(in, &e->tfinger)) return 0;
        return move(in, to_px(e->tfinger.x, win_w), to_px(e->tfinger.y, win_h), out);
    case SDL_FINGERUP:
        if (!same_finger(in, &e->tfinger)) return 0;
        return finish(in, to_px(e->tfinger.x, win_w), to_px(e->tfinger.y, win_h), out);
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT || in->down) return 0;
        in->from_mouse = true;
        return begin(in, e->button.x, e->button.y, now_ms, out);
    case SDL_MOUSEMOTION:
        if (e->motion.which == SDL_TOUCH_MOUSEID || !in->down || !in->from_mouse) return 0;
        return move(in, e->motion.x, e->motion.y, out);
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT || !in->down || !in->from_mouse)
            return 0;
        return finish(in, e->button.x, e->button.y, out);
    default: return 0;
    }
}

int input_tick(Input *in, uint32_t now_ms, InputEvent *out)
{
    if (!in->down || in->long_fired || in->moved) return 0;
    if (now_ms - in->t0 < INPUT_LONG_PRESS_MS) return 0;
    in->long_fired = true;
    *out = (InputEvent){INPUT_LONG_PRESS, in->x0, in->y0, in->x - in->x0, in->y - in->y0};
    return 1;
}

int input_next_deadline(const Input *in, uint32_t now_ms)
{
    if (!in->down || in->long_fired || in->moved) return -1;
    uint32_t held = now_ms - in->t0;
    return held >= INPUT_LONG_PRESS_MS ? 0 : (int)(INPUT_LONG_PRESS_MS - held);
}
