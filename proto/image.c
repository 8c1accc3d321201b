/* image.c — the header probe and the limits of image.h.  libpng and
 * libjpeg report errors by longjmp from their error callbacks; each probe
 * keeps that inside one function. */
#include "image.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE */
#include <png.h>

const char *image_mime(ImageFormat format) { return format == IMAGE_PNG ? "image/png" : "image/jpeg"; }

/* ---- PNG -------------------------------------------------------------- */

static void png_from_memory(png_structp png, png_bytep out, png_size_t n)
{
    ImagePngInput *in = png_get_io_ptr(png);
    if (n > in->len - in->pos) png_error(png, "the file is cut short");
    memcpy(out, in->data + in->pos, n);
    in->pos += n;
}

static void png_on_error(png_structp png, png_const_charp msg)
{
    ImagePngInput *in = png_get_error_ptr(png);
    snprintf(in->why, sizeof in->why, "%s", msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

png_structp image_png_reader(ImagePngInput *in)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, in, png_on_error, png_on_warning);
    if (png) png_set_read_fn(png, in, png_from_memory);
    return png;
}

static int probe_png(const unsigned char *data, size_t len, ImageInfo *info, Err *err)
{
    ImagePngInput src = {.data = data, .len = len};
    png_structp png = image_png_reader(&src);
    png_infop pi = png ? png_create_info_struct(png) : NULL;
    if (!pi) {
        png_destroy_read_struct(&png, NULL, NULL);
        return err_set(err, "out of memory reading a PNG header");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &pi, NULL);
        return err_set(err, "a broken PNG file: %s", src.why);
    }
    /* libpng's own default limit is 1,000,000 pixels a side; ours is the
     * one that matters, and it is checked by image_check with a better
     * message than libpng's. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, pi);
    info->format = IMAGE_PNG;
    info->width = (int)png_get_image_width(png, pi);
    info->height = (int)png_get_image_height(png, pi);
    info->multipass = png_get_interlace_type(png, pi) != PNG_INTERLACE_NONE;
    png_destroy_read_struct(&png, &pi, NULL);
    return 0;
}

/* ---- JPEG ------------------------------------------------------------- */

static void jpeg_on_error(j_common_ptr cinfo) { longjmp(((ImageJpegError *)cinfo->err)->jump, 1); }

void image_jpeg_errors(struct jpeg_decompress_struct *cinfo, ImageJpegError *je)
{
    cinfo->err = jpeg_std_error(&je->mgr);
    je->mgr.error_exit = jpeg_on_error;
}

static int probe_jpeg(const unsigned char *data, size_t len, ImageInfo *info, Err *err)
{
    struct jpeg_decompress_struct cinfo;
    ImageJpegError je;
    image_jpeg_errors(&cinfo, &je);
    if (setjmp(je.jump)) {
        char why[JMSG_LENGTH_MAX];
        je.mgr.format_message((j_common_ptr)&cinfo, why);
        jpeg_destroy_decompress(&cinfo);
        return err_set(err, "a broken JPEG file: %s", why);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    info->format = IMAGE_JPEG;
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    info->multipass = jpeg_has_multiple_scans(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

/* ---- the rule --------------------------------------------------------- */

int image_probe(const void *data, size_t len, ImageInfo *info, Err *err)
{
    const unsigned char *d = data;
    memset(info, 0, sizeof *info);
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return probe_png(d, len, info, err);
    if (len >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff) return probe_jpeg(d, len, info, err);
    return err_set(err, "neither a PNG nor a JPEG file");
}

int image_check(const void *data, size_t len, ImageInfo *info, Err *err)
{
    if (image_probe(data, len, info, err)) return -1;
    long long pixels = (long long)info->width * info->height;
    long long limit = info->multipass ? IMAGE_MAX_PIXELS_MULTIPASS : IMAGE_MAX_PIXELS;
    if (info->width < 1 || info->height < 1)
        return err_set(err, "the image is %d x %d pixels: it has no pixels", info->width, info->height);
    if (info->width > IMAGE_MAX_SIDE || info->height > IMAGE_MAX_SIDE || pixels > limit)
        return err_set(
            err,
            "the image is %d x %d pixels (%.1f megapixels); a kiosk shows at most %d pixels a side and "
            "%.0f megapixels%s: scale it down (a 55-inch screen has 1920 x 1080) and publish it again",
            info->width, info->height, (double)pixels / 1e6, IMAGE_MAX_SIDE, (double)limit / 1e6,
            info->multipass ? (info->format == IMAGE_PNG ? " for an interlaced PNG" : " for a progressive JPEG") : "");
    return 0;
}
