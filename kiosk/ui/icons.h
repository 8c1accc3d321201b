/* icons.h — the category icons and the header star, drawn with shapes.
 *
 * Owns the icon names a feed may give a first-level category (FEED.md
 * "icon"): decision, study, organization, cadre, integrity, service,
 * finance, leadership, other (and a few synonyms, see icons.c).  Icons are drawn from
 * discs, rounded boxes and polygons at any size, so they stay sharp on any
 * screen and need no image files.  An unknown name gets a plain emblem. */
#ifndef KIOSK_ICONS_H
#define KIOSK_ICONS_H

#include <SDL.h>

#include "ui.h"

/* Draws icon `name` filling the square r, in colour c on background bg. */
void icon_draw(Ui *ui, const char *name, SDL_Rect r, SDL_Color c, SDL_Color bg);
/* The five-pointed star of the header. */
void icon_draw_star(Ui *ui, SDL_Rect r, SDL_Color c);

#endif
