/* picture.h — an attachment decoded for the screen: PNG or JPEG of any
 * colour type (grey, grey+alpha, palette, RGB, RGBA, 16-bit, CMYK and
 * YCCK JPEG) into an RGBA32 surface at the size it is shown, never the
 * size it was published at.
 *
 * The header is checked first (proto/image.h: pixel count and sides,
 * the rule countyd and the authoring tool apply too); then the image is
 * decoded row by row and each row folded into the smaller output at once
 * (an area average), so memory is the output plus a few rows whatever
 * the image's size.  A JPEG is also decoded at 1/2, 1/4 or 1/8 of its
 * size by libjpeg itself when that is still at least the output's size.
 * Only an interlaced PNG is held whole while it is decoded (at most
 * IMAGE_MAX_PIXELS_MULTIPASS pixels). */
#ifndef KIOSK_PICTURE_H
#define KIOSK_PICTURE_H

#include <SDL.h>

#include "err.h"

/* Decodes the image file at path to fit max_w x max_h (aspect kept,
 * never enlarged).  NULL with err when the file is refused by
 * image_check, broken, or memory runs out. */
SDL_Surface *picture_load(const char *path, int max_w, int max_h, Err *err);

#endif
