/* picture.c — see picture.h.  libpng and libjpeg do the decoding and the
 * colour conversions they offer; what no library here does is the
 * streaming area-average shrink (SDL_BlitScaled needs the whole source
 * surface, and SDL cannot blit grey or palette surfaces scaled), so the
 * Shrink below is written by hand. */
#include "picture.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE */
#include <png.h>

#include "bytes.h"
#include "feed.h"
#include "image.h"

/* libjpeg's working memory is capped, so a hostile file that passes the
 * header check still cannot make it allocate more (it fails instead). */
#define JPEG_MAX_MEMORY (96L * 1024 * 1024)

/* ---- the shrink ------------------------------------------------------- */

/* Source rows of RGBA bytes go in one at a time; each output pixel is the
 * alpha-weighted mean of the source pixels it covers. */
typedef struct {
    int src_w, src_h, out_w, out_h;
    int *col_of; /* source column -> output column */
    uint64_t *sum; /* per output pixel of the current row: r*a, g*a, b*a, a, count */
    int next_src_row, out_row;
    SDL_Surface *out;
} Shrink;

static int shrink_init(Shrink *s, int src_w, int src_h, int out_w, int out_h, SDL_Surface *out)
{
    *s = (Shrink){.src_w = src_w, .src_h = src_h, .out_w = out_w, .out_h = out_h, .out = out};
    s->col_of = malloc((size_t)src_w * sizeof *s->col_of);
    s->sum = calloc((size_t)out_w * 5, sizeof *s->sum);
    if (!s->col_of || !s->sum) return -1;
    for (int x = 0; x < src_w; x++) s->col_of[x] = (int)((int64_t)x * out_w / src_w);
    return 0;
}

static void shrink_free(Shrink *s)
{
    free(s->col_of);
    free(s->sum);
}

static void shrink_emit(Shrink *s)
{
    uint8_t *dst = (uint8_t *)s->out->pixels + (size_t)s->out_row * (size_t)s->out->pitch;
    for (int x = 0; x < s->out_w; x++) {
        uint64_t *p = &s->sum[x * 5];
        uint64_t a = p[3], n = p[4] ? p[4] : 1;
        for (int c = 0; c < 3; c++) dst[x * 4 + c] = a ? (uint8_t)((p[c] + a / 2) / a) : 0;
        dst[x * 4 + 3] = (uint8_t)((a + n / 2) / n);
    }
    memset(s->sum, 0, (size_t)s->out_w * 5 * sizeof *s->sum);
    s->out_row++;
}

static void shrink_row(Shrink *s, const uint8_t *rgba)
{
    int y = s->next_src_row++;
    int row = (int)((int64_t)y * s->out_h / s->src_h);
    if (row != s->out_row) shrink_emit(s);
    for (int x = 0; x < s->src_w; x++) {
        const uint8_t *px = rgba + x * 4;
        uint64_t *p = &s->sum[s->col_of[x] * 5];
        uint64_t a = px[3];
        p[0] += px[0] * a;
        p[1] += px[1] * a;
        p[2] += px[2] * a;
        p[3] += a;
        p[4]++;
    }
    if (s->next_src_row == s->src_h) shrink_emit(s);
}

/* The output's size: the source fitted into max_w x max_h, at least 1 px. */
static void fit(int w, int h, int max_w, int max_h, int *out_w, int *out_h)
{
    double k = 1.0;
    if (w > max_w) k = (double)max_w / w;
    if (h * k > max_h) k = (double)max_h / h;
    *out_w = (int)(w * k + 0.5);
    *out_h = (int)(h * k + 0.5);
    if (*out_w < 1) *out_w = 1;
    if (*out_h < 1) *out_h = 1;
    if (*out_w > w) *out_w = w;
    if (*out_h > h) *out_h = h;
}

static SDL_Surface *new_output(int w, int h, Err *err)
{
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
    if (!out) err_set(err, "no memory for a %d x %d picture: %s", w, h, SDL_GetError());
    return out;
}

/* ---- PNG -------------------------------------------------------------- */

/* Every colour type and depth becomes 8-bit RGBA: palettes and grey
 * expanded, tRNS made alpha, 16 bits scaled to 8, grey made RGB, an
 * opaque alpha added where there is none. */
static void png_to_rgba(png_structp png, png_infop pi)
{
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    (void)pi;
}

/* What a decoder allocates, kept by its caller: after libpng's or
 * libjpeg's longjmp only memory reached through a pointer made before
 * setjmp is certain to hold its value. */
typedef struct {
    SDL_Surface *out;
    uint8_t *row, *rgba;
    Shrink shrink;
} Decode;

static void decode_free(Decode *d, bool keep_output)
{
    if (d->rgba != d->row) free(d->rgba);
    free(d->row);
    shrink_free(&d->shrink);
    if (!keep_output) SDL_FreeSurface(d->out);
}

/* The output and the shrink for a source of w x h. */
static int decode_start(Decode *d, int w, int h, int out_w, int out_h, size_t row_bytes, Err *err)
{
    d->out = new_output(out_w, out_h, err);
    if (!d->out) return -1;
    d->row = malloc(row_bytes);
    if (!d->row || shrink_init(&d->shrink, w, h, out_w, out_h, d->out))
        return err_set(err, "no memory to decode a %d x %d picture", w, h);
    d->rgba = d->row;
    return 0;
}

static int png_rows(png_structp png, png_infop pi, ImagePngInput *in, const ImageInfo *info, int max_w, int max_h,
                    Decode *d, Err *err)
{
    if (setjmp(png_jmpbuf(png))) return err_set(err, "a broken PNG file: %s", in->why);
    png_set_user_limits(png, IMAGE_MAX_SIDE, IMAGE_MAX_SIDE);
    png_read_info(png, pi);
    png_to_rgba(png, pi);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, pi);
    int w = info->width, h = info->height, out_w, out_h;
    if (png_get_rowbytes(png, pi) != (size_t)w * 4) return err_set(err, "a PNG with an unexpected row layout");
    fit(w, h, max_w, max_h, &out_w, &out_h);
    /* An interlaced image is complete only after its last pass, so it is
     * held whole (image_check keeps it small); any other streams. */
    size_t held = passes > 1 ? (size_t)h : 1;
    if (decode_start(d, w, h, out_w, out_h, held * (size_t)w * 4, err)) return -1;
    if (passes > 1) {
        for (int p = 0; p < passes; p++)
            for (int y = 0; y < h; y++) png_read_row(png, d->row + (size_t)y * w * 4, NULL);
        for (int y = 0; y < h; y++) shrink_row(&d->shrink, d->row + (size_t)y * w * 4);
        return 0;
    }
    for (int y = 0; y < h; y++) {
        png_read_row(png, d->row, NULL);
        shrink_row(&d->shrink, d->row);
    }
    return 0;
}

static SDL_Surface *decode_png(const unsigned char *data, size_t len, const ImageInfo *info, int max_w, int max_h,
                               Err *err)
{
    ImagePngInput in = {.data = data, .len = len};
    Decode d = {0};
    png_structp png = image_png_reader(&in);
    png_infop pi = png ? png_create_info_struct(png) : NULL;
    int rc = pi ? png_rows(png, pi, &in, info, max_w, max_h, &d, err) : err_set(err, "no memory to decode a PNG");
    png_destroy_read_struct(&png, pi ? &pi : NULL, NULL);
    decode_free(&d, rc == 0);
    return rc == 0 ? d.out : NULL;
}

/* ---- JPEG ------------------------------------------------------------- */

/* CMYK from libjpeg to RGBA.  Adobe's files (the usual source of CMYK
 * JPEGs) store the inks inverted, which the Adobe marker says. */
static void cmyk_to_rgba(const uint8_t *cmyk, uint8_t *rgba, int w, bool inverted)
{
    for (int x = 0; x < w; x++) {
        int c = cmyk[x * 4], m = cmyk[x * 4 + 1], y = cmyk[x * 4 + 2], k = cmyk[x * 4 + 3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        rgba[x * 4] = (uint8_t)(c * k / 255);
        rgba[x * 4 + 1] = (uint8_t)(m * k / 255);
        rgba[x * 4 + 2] = (uint8_t)(y * k / 255);
        rgba[x * 4 + 3] = 255;
    }
}

/* The largest of libjpeg's scales 1/1, 1/2, 1/4, 1/8 that still gives at
 * least out_w x out_h pixels. */
static int jpeg_scale_denom(int w, int h, int out_w, int out_h)
{
    int d = 8;
    while (d > 1 && ((w + d - 1) / d < out_w || (h + d - 1) / d < out_h)) d /= 2;
    return d;
}

static int jpeg_rows(struct jpeg_decompress_struct *cinfo, ImageJpegError *jf, const unsigned char *data, size_t len,
                     const ImageInfo *info, int max_w, int max_h, Decode *d, Err *err)
{
    if (setjmp(jf->jump)) {
        char why[JMSG_LENGTH_MAX];
        jf->mgr.format_message((j_common_ptr)cinfo, why);
        return err_set(err, "a broken JPEG file: %s", why);
    }
    jpeg_create_decompress(cinfo);
    cinfo->mem->max_memory_to_use = JPEG_MAX_MEMORY;
    jpeg_mem_src(cinfo, data, (unsigned long)len);
    jpeg_read_header(cinfo, TRUE);
    bool cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
    int out_w, out_h;
    fit(info->width, info->height, max_w, max_h, &out_w, &out_h);
    cinfo->scale_num = 1;
    cinfo->scale_denom = (unsigned)jpeg_scale_denom(info->width, info->height, out_w, out_h);
    jpeg_start_decompress(cinfo);
    int w = (int)cinfo->output_width, h = (int)cinfo->output_height;
    if (out_w > w) out_w = w;
    if (out_h > h) out_h = h;
    if (decode_start(d, w, h, out_w, out_h, (size_t)w * 4, err)) return -1;
    if (cmyk && !(d->rgba = malloc((size_t)w * 4))) return err_set(err, "no memory to decode a JPEG");
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW r = d->row;
        jpeg_read_scanlines(cinfo, &r, 1);
        if (cmyk) cmyk_to_rgba(d->row, d->rgba, w, cinfo->saw_Adobe_marker);
        shrink_row(&d->shrink, d->rgba);
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}

static SDL_Surface *decode_jpeg(const unsigned char *data, size_t len, const ImageInfo *info, int max_w, int max_h,
                                Err *err)
{
    struct jpeg_decompress_struct cinfo = {0};
    ImageJpegError jf;
    Decode d = {0};
    image_jpeg_errors(&cinfo, &jf);
    int rc = jpeg_rows(&cinfo, &jf, data, len, info, max_w, max_h, &d, err);
    jpeg_destroy_decompress(&cinfo);
    decode_free(&d, rc == 0);
    return rc == 0 ? d.out : NULL;
}

/* ---- the file --------------------------------------------------------- */

SDL_Surface *picture_load(const char *path, int max_w, int max_h, Err *err)
{
    char *data;
    size_t len;
    if (bytes_read_file(path, FEED_MAX_ATTACHMENT_BYTES, &data, &len, err)) return NULL;
    ImageInfo info;
    SDL_Surface *out = NULL;
    if (image_check(data, len, &info, err) == 0) {
        if (max_w < 1) max_w = 1;
        if (max_h < 1) max_h = 1;
        out = info.format == IMAGE_PNG ? decode_png((unsigned char *)data, len, &info, max_w, max_h, err)
                                       : decode_jpeg((unsigned char *)data, len, &info, max_w, max_h, err);
    }
    free(data);
    return out;
}
