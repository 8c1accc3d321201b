#include "turn.h"

#include "config.h"
#include "log.h"

static int chosen_degrees(int wanted, bool portrait, int out_w, int out_h)
{
    if (wanted != CONFIG_TURN_AUTO) return wanted;
    bool out_portrait = out_h > out_w;
    return out_w != out_h && out_portrait != portrait ? 90 : 0;
}

int turn_setup(Turn *t, SDL_Renderer *r, int wanted, bool portrait, Err *err)
{
    int out_w, out_h;
    if (SDL_GetRendererOutputSize(r, &out_w, &out_h) != 0)
        return err_set(err, "the renderer has no size: %s", SDL_GetError());
    int degrees = chosen_degrees(wanted, portrait, out_w, out_h);
    bool sideways = degrees == 90 || degrees == 270;
    int w = sideways ? out_h : out_w, h = sideways ? out_w : out_h;
    bool same = t->degrees == degrees && t->out_w == out_w && t->out_h == out_h && (degrees == 0 || t->tex);
    if (same) return 0;
    turn_release(t);
    *t = (Turn){degrees, out_w, out_h, w, h, NULL};
    if (degrees == 0) {
        log_info("display: %dx%d output, picture drawn straight onto it", out_w, out_h);
        return 0;
    }
    t->tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
    if (!t->tex) return err_set(err, "no texture to turn the picture: %s", SDL_GetError());
    log_info("display: %dx%d output, %s picture %dx%d drawn into a texture and turned %d degrees clockwise onto it "
             "([display] turn = %s)",
             out_w, out_h, h > w ? "portrait" : "landscape", w, h, degrees,
             wanted == CONFIG_TURN_AUTO ? "auto" : "set");
    return 0;
}

SDL_Texture *turn_target(const Turn *t) { return t->tex; }

void turn_begin(const Turn *t, SDL_Renderer *r)
{
    if (t->tex) SDL_SetRenderTarget(r, t->tex);
}

void turn_end(const Turn *t, SDL_Renderer *r)
{
    if (!t->tex) return;
    SDL_SetRenderTarget(r, NULL);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    /* Turned about its centre, the picture's box lands on the output. */
    SDL_Rect dst = {(t->out_w - t->w) / 2, (t->out_h - t->h) / 2, t->w, t->h};
    SDL_RenderCopyEx(r, t->tex, NULL, &dst, t->degrees, NULL, SDL_FLIP_NONE);
}

/* Output point (u, v) in 0..1 to the picture's 0..1: the inverse of
 * turn_to_output. */
static void to_picture(const Turn *t, float u, float v, float *x, float *y)
{
    switch (t->degrees) {
    case 90: *x = v, *y = 1 - u; break;
    case 180: *x = 1 - u, *y = 1 - v; break;
    case 270: *x = 1 - v, *y = u; break;
    default: *x = u, *y = v; break;
    }
}

void turn_to_output(const Turn *t, float x, float y, float *u, float *v)
{
    switch (t->degrees) {
    case 90: *u = 1 - y, *v = x; break;
    case 180: *u = 1 - x, *v = 1 - y; break;
    case 270: *u = y, *v = 1 - x; break;
    default: *u = x, *v = y; break;
    }
}

static void turn_pixels(const Turn *t, Sint32 *px, Sint32 *py)
{
    float x, y;
    to_picture(t, (*px + 0.5f) / t->out_w, (*py + 0.5f) / t->out_h, &x, &y);
    *px = (Sint32)(x * t->w);
    *py = (Sint32)(y * t->h);
}

void turn_event(const Turn *t, SDL_Event *e)
{
    if (t->degrees == 0) return;
    switch (e->type) {
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        float x, y;
        to_picture(t, e->tfinger.x, e->tfinger.y, &x, &y);
        e->tfinger.x = x;
        e->tfinger.y = y;
        return;
    }
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: turn_pixels(t, &e->button.x, &e->button.y); return;
    case SDL_MOUSEMOTION: turn_pixels(t, &e->motion.x, &e->motion.y); return;
    default: return;
    }
}

void turn_forget(Turn *t)
{
    if (t->tex) SDL_DestroyTexture(t->tex);
    t->tex = NULL;
}

void turn_release(Turn *t)
{
    turn_forget(t);
    t->degrees = 0;
}
