/* test_picture.c — images: every PNG and JPEG colour type decoded to the
 * size shown (kiosk/ui/picture.c), the header rule every program shares
 * (proto/image.h), and the real kiosk, headless, in front of a
 * 30000 x 30000 greyscale PNG (generated here, 0.9 MB): a placeholder in
 * the reader and in the attract loop, and its peak memory measured. */
#include "testutil.h"

#include <jpeglib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "blobs.h"
#include "bytes.h"
#include "image.h"
#include "picture.h"

#define KIOSK_MAX_RSS_KB (150 * 1024)

/* ---- writing test images --------------------------------------------- */

static uint8_t fill[8]; /* one pixel's bytes, repeated along the row */
static int fill_len;

static void solid_row(int y, uint8_t *row, int w)
{
    (void)y;
    for (int x = 0; x < w; x++) memcpy(row + x * fill_len, fill, (size_t)fill_len);
}

static void set_fill(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) fill[i] = (uint8_t)va_arg(ap, int);
    va_end(ap);
    fill_len = n;
}

static void write_jpeg(const char *path, int w, int h, J_COLOR_SPACE space, int comps, bool progressive)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = comps;
    c.in_color_space = space;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 95, TRUE);
    if (space == JCS_CMYK) c.write_Adobe_marker = TRUE; /* inverted inks, as Photoshop writes them */
    if (progressive) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    uint8_t *row = malloc((size_t)w * (size_t)comps);
    while (c.next_scanline < c.image_height) {
        solid_row((int)c.next_scanline, row, w);
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(f);
    free(row);
}

/* ---- decoding --------------------------------------------------------- */

static void assert_pixel(SDL_Surface *s, int x, int y, int r, int g, int b, int a, int tolerance)
{
    assert_int_equal(s->format->format, SDL_PIXELFORMAT_RGBA32);
    const uint8_t *p = (const uint8_t *)s->pixels + y * s->pitch + x * 4;
    int want[4] = {r, g, b, a};
    for (int c = 0; c < 4; c++)
        if (abs(p[c] - want[c]) > tolerance)
            fail_msg("pixel %d,%d channel %d is %d, expected %d", x, y, c, p[c], want[c]);
}

static SDL_Surface *load(const char *path, int max_w, int max_h)
{
    Err err;
    SDL_Surface *s = picture_load(path, max_w, max_h, &err);
    if (!s) fail_msg("%s: %s", path, err.msg);
    return s;
}

/* Every colour type a PNG or JPEG can have comes out as the same RGBA,
 * shrunk to the size asked for. */
static void every_colour_type_is_decoded(void **state)
{
    (void)state;
    const char *p = test_path("colour.img");
    static const png_color palette[2] = {{10, 20, 30}, {200, 100, 50}};
    static const struct {
        const char *what;
        int color, depth, n;
        uint8_t bytes[8];
        int r, g, b, a;
        bool interlace;
    } pngs[] = {
        {"grey 8-bit", PNG_COLOR_TYPE_GRAY, 8, 1, {200}, 200, 200, 200, 255, false},
        {"grey 16-bit", PNG_COLOR_TYPE_GRAY, 16, 2, {0x80, 0x80}, 128, 128, 128, 255, false},
        {"grey 1-bit", PNG_COLOR_TYPE_GRAY, 1, 1, {0xff}, 255, 255, 255, 255, false},
        {"grey + alpha", PNG_COLOR_TYPE_GRAY_ALPHA, 8, 2, {100, 128}, 100, 100, 100, 128, false},
        {"palette with tRNS", PNG_COLOR_TYPE_PALETTE, 8, 1, {1}, 200, 100, 50, 255, false},
        {"RGB 8-bit", PNG_COLOR_TYPE_RGB, 8, 3, {200, 100, 50}, 200, 100, 50, 255, false},
        {"RGB 16-bit", PNG_COLOR_TYPE_RGB, 16, 6, {200, 200, 100, 100, 50, 50}, 200, 100, 50, 255, false},
        {"RGBA 8-bit", PNG_COLOR_TYPE_RGBA, 8, 4, {200, 100, 50, 255}, 200, 100, 50, 255, false},
        {"RGB interlaced", PNG_COLOR_TYPE_RGB, 8, 3, {200, 100, 50}, 200, 100, 50, 255, true},
    };
    for (size_t i = 0; i < sizeof pngs / sizeof pngs[0]; i++) {
        memcpy(fill, pngs[i].bytes, sizeof fill);
        fill_len = pngs[i].n;
        /* 1-bit rows are w/8 bytes: the fill of 0xff covers them. */
        test_write_png(p, 64, 32, pngs[i].color, pngs[i].depth, pngs[i].interlace, solid_row,
                       pngs[i].color == PNG_COLOR_TYPE_PALETTE ? palette : NULL, 2);
        SDL_Surface *s = load(p, 16, 16);
        if (s->w != 16 || s->h != 8) fail_msg("%s: %d x %d, expected 16 x 8", pngs[i].what, s->w, s->h);
        assert_pixel(s, 8, 4, pngs[i].r, pngs[i].g, pngs[i].b, pngs[i].a, 1);
        SDL_FreeSurface(s);
    }
    static const struct {
        const char *what;
        J_COLOR_SPACE space;
        int n;
        uint8_t bytes[4];
        bool progressive;
    } jpegs[] = {
        {"JPEG grey", JCS_GRAYSCALE, 1, {150}, false},
        {"JPEG RGB", JCS_RGB, 3, {200, 100, 50}, false},
        {"JPEG progressive", JCS_RGB, 3, {200, 100, 50}, true},
        {"JPEG CMYK (Adobe)", JCS_CMYK, 4, {200, 100, 50, 255}, false},
    };
    for (size_t i = 0; i < sizeof jpegs / sizeof jpegs[0]; i++) {
        memcpy(fill, jpegs[i].bytes, 4);
        fill_len = jpegs[i].n;
        write_jpeg(p, 640, 320, jpegs[i].space, jpegs[i].n, jpegs[i].progressive);
        SDL_Surface *s = load(p, 100, 100);
        if (s->w != 100 || s->h != 50) fail_msg("%s: %d x %d, expected 100 x 50", jpegs[i].what, s->w, s->h);
        if (jpegs[i].n == 1) assert_pixel(s, 50, 25, 150, 150, 150, 255, 4);
        else assert_pixel(s, 50, 25, 200, 100, 50, 255, 6);
        SDL_FreeSurface(s);
    }
}

static void half_row(int y, uint8_t *row, int w)
{
    (void)y;
    for (int x = 0; x < w; x++) {
        row[x * 3] = x < w / 2 ? 255 : 0;
        row[x * 3 + 1] = 0;
        row[x * 3 + 2] = x < w / 2 ? 0 : 255;
    }
}

/* Shrinking averages areas: a red and a blue half stay red and blue, the
 * seam between them is their mix; a small image is never enlarged. */
static void shrunk_by_area_never_enlarged(void **state)
{
    (void)state;
    const char *p = test_path("halves.png");
    test_write_png(p, 1000, 500, PNG_COLOR_TYPE_RGB, 8, false, half_row, NULL, 0);
    SDL_Surface *s = load(p, 101, 1000);
    assert_int_equal(s->w, 101);
    assert_int_equal(s->h, 51);
    assert_pixel(s, 10, 25, 255, 0, 0, 255, 0);
    assert_pixel(s, 90, 25, 0, 0, 255, 255, 0);
    assert_pixel(s, 50, 25, 128, 0, 127, 255, 30);
    SDL_FreeSurface(s);
    set_fill(3, 1, 2, 3);
    test_write_png(p, 4, 4, PNG_COLOR_TYPE_RGB, 8, false, solid_row, NULL, 0);
    s = load(p, 1920, 1080);
    assert_int_equal(s->w, 4);
    assert_int_equal(s->h, 4);
    SDL_FreeSurface(s);
}

/* The shared rule: sizes from the header, before any decoding. */
static void header_rule_refuses_what_no_kiosk_can_show(void **state)
{
    (void)state;
    const char *p = test_path("header.png");
    static const struct {
        int w, h;
        bool interlace;
        bool ok;
    } cases[] = {
        {30000, 30000, false, false}, {8000, 5000, false, true}, {8001, 5000, false, false}, {16385, 10, false, false},
        {16384, 10, false, true},     {4000, 4000, true, false}, {2000, 4000, true, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        test_write_png(p, cases[i].w, cases[i].h, PNG_COLOR_TYPE_GRAY, 8, cases[i].interlace, NULL, NULL, 0);
        char *data;
        size_t len;
        Err err;
        assert_int_equal(bytes_read_file(p, 1 << 20, &data, &len, &err), 0);
        ImageInfo info;
        int rc = image_check(data, len, &info, &err);
        free(data);
        if (info.width != cases[i].w) fail_msg("%d x %d: %s", cases[i].w, cases[i].h, err.msg);
        if ((rc == 0) != cases[i].ok) fail_msg("%d x %d: %s", cases[i].w, cases[i].h, rc ? err.msg : "accepted");
        if (rc) {
            char size[64];
            snprintf(size, sizeof size, "%d x %d pixels", cases[i].w, cases[i].h);
            assert_non_null(strstr(err.msg, size));
            assert_non_null(strstr(err.msg, "scale it down"));
        }
    }
    Err err;
    assert_int_equal(image_check("GIF89a......", 12, &(ImageInfo){0}, &err), -1);
    assert_non_null(strstr(err.msg, "neither a PNG nor a JPEG"));
    /* A header cut short, and a PNG whose rows are missing. */
    assert_int_equal(image_check("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16, &(ImageInfo){0}, &err), -1);
    test_write_png(p, 64, 64, PNG_COLOR_TYPE_RGB, 8, false, half_row, NULL, 0);
    assert_int_equal(truncate(p, 60), 0);
    assert_null(picture_load(p, 100, 100, &err));
    assert_non_null(strstr(err.msg, "broken PNG"));
}

/* ---- the real kiosk --------------------------------------------------- */

static void grey_row(int y, uint8_t *row, int w)
{
    (void)y;
    memset(row, 0x80, (size_t)w);
}

static void write_attachment_json(FILE *f, const char *path, const char *name)
{
    char hex[65];
    int64_t size;
    Err err;
    assert_int_equal(blobs_hash_file(path, hex, &size, &err), 0);
    fprintf(f, "\"attachments\":[{\"sha256\":\"%s\",\"size\":%lld,\"type\":\"image/png\",\"href\":\"%s\"}]", hex,
            (long long)size, name);
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1) break;
    fclose(f);
    return kb;
}

/* Runs bin/kiosk --headless on `script`; returns its exit status and
 * its peak resident memory (getrusage of the child, in KiB). */
static int run_kiosk(const char *conf, const char *script, long *max_rss_kb)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const char *bin = getenv("BIN");
        char kiosk[512];
        snprintf(kiosk, sizeof kiosk, "%s/kiosk", bin && *bin ? bin : "bin");
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        alarm(120); /* the time limit */
        execl(kiosk, kiosk, "--config", conf, "--headless", script, "--shots", getenv("KIOSK_TEST_TMP") ?: "/tmp",
              "--windowed", "--size", "1920x1080", (char *)NULL);
        _exit(127);
    }
    /* A regression would take the kiosk to gigabytes on a shared
     * machine: past 1 GiB it is killed, and the test fails. */
    int status;
    struct rusage ru;
    pid_t done;
    while ((done = wait4(pid, &status, WNOHANG, &ru)) == 0) {
        if (rss_kb(pid) > 1024 * 1024) kill(pid, SIGKILL);
        usleep(20 * 1000);
    }
    assert_int_equal(done, pid);
    *max_rss_kb = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A 30000 x 30000 greyscale PNG (900 megapixels in 0.9 MB) used to take
 * the kiosk to 8 GB and a crash, from the attract loop too when pinned;
 * and a 4 x 4 image got a 4 x 4 touch target. */
static void kiosk_survives_a_huge_image(void **state)
{
    (void)state;
    const char *dir = getenv("KIOSK_TEST_TMP") ?: "/tmp";
    char huge[1100], tiny[1100], feed[1100], conf[1100], script[1100];
    snprintf(huge, sizeof huge, "%s/huge.png", dir);
    snprintf(tiny, sizeof tiny, "%s/tiny.png", dir);
    snprintf(feed, sizeof feed, "%s/feed.json", dir);
    snprintf(conf, sizeof conf, "%s/kiosk.conf", dir);
    snprintf(script, sizeof script, "%s/huge.txt", dir);
    test_write_png(huge, 30000, 30000, PNG_COLOR_TYPE_GRAY, 8, false, grey_row, NULL, 0);
    set_fill(3, 200, 100, 50);
    test_write_png(tiny, 4, 4, PNG_COLOR_TYPE_RGB, 8, false, solid_row, NULL, 0);
    FILE *f = fopen(feed, "w");
    assert_non_null(f);
    fprintf(f, "{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"snapshot\",\"revision\":1,"
               "\"categories\":{\"upsert\":[{\"id\":\"c\",\"name\":\"图片公开\"}]},\"items\":{\"upsert\":["
               "{\"id\":\"huge\",\"category\":\"c\",\"title\":\"超大图片的公开事项\",\"body\":\"正文照常显示。\","
               "\"published_at\":\"2026-11-01T08:00:00+08:00\",\"period\":\"long_term\",\"scope\":\"public\","
               "\"pinned\":true,");
    write_attachment_json(f, huge, "huge.png");
    fprintf(f, "},{\"id\":\"tiny\",\"category\":\"c\",\"title\":\"很小图片的公开事项\",\"body\":\"正文。\","
               "\"published_at\":\"2026-11-02T08:00:00+08:00\",\"period\":\"long_term\",\"scope\":\"public\",");
    write_attachment_json(f, tiny, "tiny.png");
    fprintf(f, "}]}}\n");
    fclose(f);
    f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "[store]\ndatabase = %s/kiosk.db\ncache_dir = %s/cache\n[input]\nrime_user_dir = %s/rime\n", dir, dir,
            dir);
    fclose(f);
    f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f,
            "clock 2026-11-22T10:00:00+08:00\nimport %s\n"
            "tap-text 图片公开\ntap-text 超大图片的公开事项\nexpect-screen reader\n"
            "expect-text 正文照常显示。\nexpect-text 图片暂时无法显示\ncheck-layout\n"
            "tap-first img:\nexpect-screen image\nexpect-text 图片暂时无法显示\ncheck-layout\n"
            "wait 200000\nexpect-screen attract\nexpect-text 超大图片的公开事项\nexpect-text 图片暂时无法显示\n"
            "check-layout\nwait 30000\nexpect-screen attract\n"
            "tap 960 540\ntap-text 图片公开\ntap-text 很小图片的公开事项\nexpect-screen reader\ncheck-layout\n"
            "tap-first img:\nexpect-screen image\ncheck-layout\n",
            feed);
    fclose(f);
    long peak_kb;
    int rc = run_kiosk(conf, script, &peak_kb);
    printf("kiosk with a 30000 x 30000 PNG: exit %d, peak RSS %ld MiB (limit %d MiB)\n", rc, peak_kb / 1024,
           KIOSK_MAX_RSS_KB / 1024);
    assert_int_equal(rc, 0);
#ifndef __SANITIZE_ADDRESS__ /* AddressSanitizer's shadow memory is resident too */
    assert_true(peak_kb < KIOSK_MAX_RSS_KB);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_colour_type_is_decoded),
        cmocka_unit_test(shrunk_by_area_never_enlarged),
        cmocka_unit_test(header_rule_refuses_what_no_kiosk_can_show),
        cmocka_unit_test(kiosk_survives_a_huge_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
