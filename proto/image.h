/* image.h — which images a kiosk can show, decided from the file's header
 * alone, before anything is decoded.
 *
 * The rule is shared by everyone who handles an attachment: the kiosk's
 * image loader (kiosk/ui/picture.c) checks it before decoding, and the
 * authoring reader (kioskctl) and countyd's image upload check it so an
 * image no kiosk can show is refused when it is published, with a
 * sentence the clerk can act on.  No SDL here: the header is read with
 * libpng and libjpeg themselves (png_read_info, jpeg_read_header), so the
 * programs without a screen can link it.
 *
 *   image_check(data, len, &info, &err)   0: a kiosk can show it;
 *                                         -1: err says why not
 *
 * The limits bound what decoding costs a kiosk: a kiosk decodes an image
 * row by row straight to the size it shows (memory: the output plus a
 * few rows), but an interlaced PNG or a progressive JPEG has to be held
 * whole while it is decoded, so those get a smaller limit. */
#ifndef KIOSK_IMAGE_H
#define KIOSK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <setjmp.h>
#include <stdio.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE */
#include <png.h>

#include "err.h"

#define IMAGE_MAX_SIDE 16384 /* pixels, either side */
#define IMAGE_MAX_PIXELS (40 * 1000 * 1000) /* 40 megapixels: 8000 x 5000 */
#define IMAGE_MAX_PIXELS_MULTIPASS (8 * 1000 * 1000) /* interlaced PNG, progressive JPEG */

typedef enum { IMAGE_PNG = 1, IMAGE_JPEG } ImageFormat;

typedef struct ImageInfo {
    ImageFormat format;
    int width, height;
    bool multipass; /* interlaced PNG or progressive JPEG */
} ImageInfo;

/* The file's type and size from its header; -1 (err) when it is neither
 * a PNG nor a JPEG, or its header is broken or cut short. */
int image_probe(const void *data, size_t len, ImageInfo *info, Err *err);

/* image_probe, then the limits above; -1 with a message naming the size
 * and the limit it breaks. */
int image_check(const void *data, size_t len, ImageInfo *info, Err *err);

/* "image/png" or "image/jpeg". */
const char *image_mime(ImageFormat format);

/* A PNG held in memory, for libpng (the probe here and the kiosk's decoder
 * read it the same way). */
typedef struct ImagePngInput {
    const unsigned char *data;
    size_t len, pos;
    char why[200]; /* libpng's message when it gave up */
} ImagePngInput;

/* A libpng read struct reading `in`: a read past its end is an error; an
 * error keeps libpng's message in in->why and longjmps to png_jmpbuf (the
 * caller's setjmp); warnings are dropped.  NULL when out of memory. */
png_structp image_png_reader(ImagePngInput *in);

/* libjpeg's standard error manager, but a fatal error longjmps to `jump`
 * (the caller's setjmp) instead of ending the program. */
typedef struct ImageJpegError {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
} ImageJpegError;

/* Sets cinfo->err to je. */
void image_jpeg_errors(struct jpeg_decompress_struct *cinfo, ImageJpegError *je);

#endif
