/* shapes.h — smooth pictures drawn from shapes: the success tick and the
 * rating faces.
 *
 * The renderer fills triangles without antialiasing, which at kiosk sizes
 * shows as a jagged circle and a notch where two strokes meet.  These
 * pictures are painted once per size into a surface by coverage (each
 * pixel's distance to the shape's edge), strokes with round ends and joins,
 * and cached as textures by ui_picture().  Written by hand because the
 * Debian libraries for SDL (SDL2_gfx) draw neither antialiased filled
 * discs nor antialiased thick strokes. */
#ifndef KIOSK_SHAPES_H
#define KIOSK_SHAPES_H

#include <SDL.h>

#include "ui.h"

/* A filled disc with a tick, r a square. */
void shapes_tick(Ui *ui, SDL_Rect r, SDL_Color disc, SDL_Color mark);
/* A face in r (a square): mood 2 laughs, 1 smiles, 0 is level, -1 frowns,
 * -2 is unhappy; face the disc's colour, features the eyes and mouth. */
void shapes_face(Ui *ui, SDL_Rect r, int mood, SDL_Color face, SDL_Color features);

#endif
