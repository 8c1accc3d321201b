/* screenshot.c — the remote screenshot hand-off (screenshot.h): one slot
 * under a mutex, filled by the UI thread; the sync thread scales the
 * picture, encodes it as PNG and sends it. */
#include "screenshot.h"

#include <jansson.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "protolimits.h"
#include "session.h"

struct Screenshot {
    atomic_bool wanted; /* the UI thread's once-a-frame look */
    pthread_mutex_t lock;
    bool deferred; /* under lock: the UI deferred this request */
    bool defer_to_send; /* under lock: ... and the server is not told yet */
    unsigned char *rgb; /* under lock: a frame waiting to be sent */
    int w, h;
};

int screenshot_new(Screenshot **out, Err *err)
{
    Screenshot *s = calloc(1, sizeof *s);
    if (!s) return err_set(err, "out of memory");
    atomic_init(&s->wanted, false);
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return 0;
}

void screenshot_free(Screenshot *s)
{
    if (!s) return;
    pthread_mutex_destroy(&s->lock);
    free(s->rgb);
    free(s);
}

bool screenshot_ask(Screenshot *s)
{
    if (atomic_load(&s->wanted)) return false;
    pthread_mutex_lock(&s->lock);
    s->deferred = s->defer_to_send = false;
    pthread_mutex_unlock(&s->lock);
    atomic_store(&s->wanted, true);
    return true;
}

bool screenshot_wanted(Screenshot *s) { return atomic_load(&s->wanted); }

void screenshot_give(Screenshot *s, unsigned char *rgb, int w, int h)
{
    pthread_mutex_lock(&s->lock);
    free(s->rgb);
    s->rgb = rgb;
    s->w = w;
    s->h = h;
    pthread_mutex_unlock(&s->lock);
    atomic_store(&s->wanted, false);
}

bool screenshot_defer(Screenshot *s)
{
    pthread_mutex_lock(&s->lock);
    bool first = !s->deferred;
    if (first) s->deferred = s->defer_to_send = true;
    pthread_mutex_unlock(&s->lock);
    return first;
}

/* ---- the sync thread's side ---------------------------------------------- */

/* The picture scaled to fit SCREENSHOT_MAX_WIDTH x SCREENSHOT_MAX_HEIGHT,
 * each pixel the mean of the pixels it covers (a screen of text stays
 * readable, where taking every other pixel would drop strokes).  NULL when
 * out of memory. */
static unsigned char *scale_down(const unsigned char *rgb, int w, int h, int *ow, int *oh)
{
    double f = 1;
    if (w > SCREENSHOT_MAX_WIDTH) f = (double)SCREENSHOT_MAX_WIDTH / w;
    if (h * f > SCREENSHOT_MAX_HEIGHT) f = (double)SCREENSHOT_MAX_HEIGHT / h;
    *ow = (int)(w * f + 0.5);
    *oh = (int)(h * f + 0.5);
    if (*ow < 1) *ow = 1;
    if (*oh < 1) *oh = 1;
    unsigned char *out = malloc((size_t)*ow * (size_t)*oh * 3);
    uint32_t *sum = calloc((size_t)*ow * 3, sizeof *sum);
    if (!out || !sum) {
        free(out);
        free(sum);
        return NULL;
    }
    for (int y = 0; y < *oh; y++) {
        int y0 = (int)((int64_t)y * h / *oh), y1 = (int)((int64_t)(y + 1) * h / *oh);
        if (y1 <= y0) y1 = y0 + 1;
        memset(sum, 0, (size_t)*ow * 3 * sizeof *sum);
        for (int sy = y0; sy < y1; sy++) {
            const unsigned char *row = rgb + (size_t)sy * (size_t)w * 3;
            for (int x = 0; x < *ow; x++) {
                int x0 = (int)((int64_t)x * w / *ow), x1 = (int)((int64_t)(x + 1) * w / *ow);
                if (x1 <= x0) x1 = x0 + 1;
                for (int sx = x0; sx < x1; sx++)
                    for (int c = 0; c < 3; c++) sum[x * 3 + c] += row[sx * 3 + c];
            }
        }
        for (int x = 0; x < *ow; x++) {
            int x0 = (int)((int64_t)x * w / *ow), x1 = (int)((int64_t)(x + 1) * w / *ow);
            if (x1 <= x0) x1 = x0 + 1;
            uint32_t n = (uint32_t)((x1 - x0) * (y1 - y0));
            for (int c = 0; c < 3; c++)
                out[((size_t)y * *ow + x) * 3 + c] = (unsigned char)((sum[x * 3 + c] + n / 2) / n);
        }
    }
    free(sum);
    return out;
}

typedef struct {
    unsigned char *data;
    size_t len, cap;
} PngOut;

static void png_out_write(png_structp png, png_bytep data, png_size_t n)
{
    PngOut *o = png_get_io_ptr(png);
    if (o->len + n > SCREENSHOT_MAX_BYTES) png_error(png, "larger than SCREENSHOT_MAX_BYTES");
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256 * 1024;
        while (cap < o->len + n) cap *= 2;
        unsigned char *grown = realloc(o->data, cap);
        if (!grown) png_error(png, "out of memory");
        o->data = grown;
        o->cap = cap;
    }
    memcpy(o->data + o->len, data, n);
    o->len += n;
}

static void png_out_flush(png_structp png) { (void)png; }

/* The picture as a PNG in memory: 0, or -1 with the reason in why. */
static int encode_png(const unsigned char *rgb, int w, int h, PngOut *out, char *why, size_t size)
{
    memset(out, 0, sizeof *out);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return snprintf(why, size, "out of memory"), -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(out->data);
        out->data = NULL;
        return snprintf(why, size, "截图超过 %d MB 或内存不足，没有上传", SCREENSHOT_MAX_BYTES / (1024 * 1024)), -1;
    }
    png_set_write_fn(png, out, png_out_write, png_out_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * (size_t)w * 3));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return 0;
}

static void note_state(Session *ss, const char *state)
{
    Err e;
    if (store_state_set(ss->store, "screenshot.state", state, &e)) log_warn("sync: %s", e.msg);
}

/* Tells the server the request is deferred or failed (with a note). */
static void send_state(Session *ss, const char *state, const char *note)
{
    json_t *o = json_pack("{s:s,s:s}", "state", state, "note", note);
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!body) return;
    long status;
    json_t *answer;
    RoundResult r = session_post_json(ss, "screenshot", "/v1/kiosk/screenshot/state", body, &status, &answer);
    free(body);
    json_decref(answer);
    if (r == ROUND_OK) note_state(ss, state);
}

static void send_picture(Session *ss, const unsigned char *rgb, int w, int h)
{
    int ow, oh;
    unsigned char *small = scale_down(rgb, w, h, &ow, &oh);
    PngOut png = {0};
    char why[200] = "";
    if (!small) snprintf(why, sizeof why, "内存不足，没有截图");
    else encode_png(small, ow, oh, &png, why, sizeof why);
    free(small);
    if (!png.data) {
        log_warn("sync: screenshot: %s", why);
        send_state(ss, "failed", why);
        note_state(ss, "failed");
        return;
    }
    HttpRequest req = {.method = "PUT",
                       .path = "/v1/kiosk/screenshot",
                       .body = (const char *)png.data,
                       .body_len = png.len,
                       .content_type = "image/png",
                       .max_bytes = SYNC_JSON_MAX,
                       .deadline_s = ss->deadline_s};
    HttpResponse resp;
    Err e;
    int rc = http_send(ss->http, &req, &resp, &e);
    if (rc != 0) session_transfer_failed(ss, &resp, &e);
    else if (resp.status != 200) session_answer_failed(ss, "screenshot", &resp);
    else log_info("sync: screenshot of %dx%d sent as %dx%d (%zu bytes)", w, h, ow, oh, png.len);
    if (rc == 0 && resp.status == 200) note_state(ss, "sent");
    http_response_free(&resp);
    free(png.data);
}

void screenshot_serve(Screenshot *s, Session *ss)
{
    if (!s || !ss->http) return;
    pthread_mutex_lock(&s->lock);
    bool tell_deferred = s->defer_to_send;
    s->defer_to_send = false;
    unsigned char *rgb = s->rgb;
    int w = s->w, h = s->h;
    s->rgb = NULL;
    pthread_mutex_unlock(&s->lock);
    if (tell_deferred) {
        log_info("sync: screenshot deferred: a visitor's input is on screen");
        send_state(ss, "deferred", "");
    }
    if (rgb) send_picture(ss, rgb, w, h);
    free(rgb);
}
