/* turn.h — the picture turned on its output.
 *
 * A portrait panel often reports itself as a landscape output (1920x1080):
 * full screen, the kiosk would then lay out a landscape picture, or a
 * portrait window cut off at an offset.  SDL cannot turn an output, and
 * cage (the kiosk's compositor) has no setting for it, so the kiosk draws
 * at the panel's shape into a texture and copies that onto the output
 * turned with SDL_RenderCopyEx, and maps touches on the output back to the
 * picture.  `[display] turn` in kiosk.conf: auto (turn by 90 degrees when
 * the output's shape is not the orientation's), 0, 90, 180 or 270
 * (clockwise, for the way the panel is mounted).  The log says what was
 * chosen. */
#ifndef KIOSK_TURN_H
#define KIOSK_TURN_H

#include <SDL.h>
#include <stdbool.h>

#include "err.h"

typedef struct Turn {
    int degrees; /* clockwise: 0, 90, 180 or 270 */
    int out_w, out_h; /* the output, in pixels */
    int w, h; /* the picture the screens draw */
    SDL_Texture *tex; /* the picture when turned; NULL when not */
} Turn;

/* Sets the turn for renderer r: wanted is 0/90/180/270 or
 * CONFIG_TURN_AUTO, portrait the configured orientation.  Keeps the old
 * texture when the sizes did not change. */
int turn_setup(Turn *t, SDL_Renderer *r, int wanted, bool portrait, Err *err);

/* Where the screens draw: the turned picture's texture, or NULL (the
 * output itself).  For SDL_SetRenderTarget. */
SDL_Texture *turn_target(const Turn *t);

/* Before a frame: drawing goes to the picture. */
void turn_begin(const Turn *t, SDL_Renderer *r);

/* After a frame: the picture, turned, onto the output (then present). */
void turn_end(const Turn *t, SDL_Renderer *r);

/* A touch or mouse event on the output, moved to the picture's
 * coordinates (in place).  Other events are left alone. */
void turn_event(const Turn *t, SDL_Event *e);

/* Where picture point (x, y) lies on the output, in 0..1 of its width and
 * height (what a touch panel reports; the headless runner's fingers). */
void turn_to_output(const Turn *t, float x, float y, float *u, float *v);

/* The texture lost with the renderer's (SDL_RENDER_DEVICE_RESET). */
void turn_forget(Turn *t);

void turn_release(Turn *t);

#endif
