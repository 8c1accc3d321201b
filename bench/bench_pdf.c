/* bench_pdf.c — how long a PDF page takes to reach a 1080p screen: the
 * sample 红头文件 (assets/sample/content, three A4 pages with a seal and a
 * table) rendered by poppler through the kiosk's worker thread
 * (kiosk/ui/pdfrender.h), as the reader asks for it: from the request to
 * the ready call (the visitor sees a placeholder meanwhile), and the UI
 * thread's own part (taking the page and making its texture).  Also the
 * render alone on this thread, a page fitted to the whole 1920×1080
 * window, and a zoomed page (the full-screen view's 3.5× step); and the
 * same for a scanned notice, as most are published: the sample's first
 * page photographed at 200 dpi (grain and a paper tint added) and put
 * into a PDF as a JPEG (DCT) image, made here with cairo and libjpeg.
 * Prints p50/p99/max and the machine's load; no display needed. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE */

#include "blobfile.h"
#include "benchutil.h"
#include "monoclock.h"
#include "pdfrender.h"

#define SAMPLE "assets/sample/content/qinghe-wei-2026-15.pdf"
#define RUNS 60

static void report(const char *what, double *ms, int n, const char *target)
{
    qsort(ms, (size_t)n, sizeof ms[0], bench_by_value);
    printf("  %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d%s\n", what, ms[n / 2], ms[n * 99 / 100], ms[n - 1], n,
           target);
}

static void fail(const char *what, const Err *err)
{
    fprintf(stderr, "bench_pdf: %s: %s\n", what, err->msg);
    exit(1);
}

/* The "scan": page 1 rendered at 200 dpi, grain and tint added, encoded
 * as a JPEG and placed on an A4 page of a new PDF at path. */
static void make_scan(PdfDoc *doc, const char *path)
{
    Err err;
    SDL_Surface *s = pdf_render(doc, 0, 1654, 2339, &err);
    if (!s) fail("scan", &err);
    unsigned seed = 7;
    unsigned char *row = malloc((size_t)s->w * 3);
    unsigned char *jpeg = NULL;
    unsigned long jpeg_len = 0;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &jpeg, &jpeg_len);
    c.image_width = (JDIMENSION)s->w;
    c.image_height = (JDIMENSION)s->h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 80, TRUE);
    jpeg_start_compress(&c, TRUE);
    for (int y = 0; y < s->h; y++) {
        const Uint32 *px = (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < s->w; x++) {
            seed = seed * 1103515245u + 12345u;
            int grain = (int)((seed >> 16) % 17) - 8;
            int v[3] = {(int)((px[x] >> 16) & 255) - 6, (int)((px[x] >> 8) & 255) - 10, (int)(px[x] & 255) - 22};
            for (int k = 0; k < 3; k++) {
                int n = v[k] + grain;
                row[x * 3 + k] = (unsigned char)(n < 0 ? 0 : n > 255 ? 255 : n);
            }
        }
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&c, rows, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    /* cairo embeds the JPEG's own bytes (DCTDecode) when they are attached. */
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, s->w, s->h);
    cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, jpeg, jpeg_len, free, jpeg);
    cairo_surface_t *pdf = cairo_pdf_surface_create(path, 595, 842);
    cairo_t *cr = cairo_create(pdf);
    cairo_scale(cr, 595.0 / s->w, 842.0 / s->h);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(pdf);
    cairo_surface_destroy(img);
    SDL_FreeSurface(s);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready_count;

static void on_ready(void)
{
    pthread_mutex_lock(&mu);
    ready_count++;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

/* The render on this thread: each page fitted into w x h. */
static void bench_render(PdfDoc *doc, int pages, int w, int h, const char *what, const char *target)
{
    double ms[RUNS], cpu[RUNS];
    Err err;
    int got_w = 0, got_h = 0;
    for (int i = 0; i < RUNS; i++) {
        double t0 = monoclock_ms(), c0 = bench_thread_cpu_ms();
        SDL_Surface *s = pdf_render(doc, i % pages, w, h, &err);
        if (!s) fail("render", &err);
        cpu[i] = bench_thread_cpu_ms() - c0;
        ms[i] = monoclock_ms() - t0;
        got_w = s->w;
        got_h = s->h;
        SDL_FreeSurface(s);
    }
    char label[200];
    snprintf(label, sizeof label, "%s, %d x %d px, render (wall)", what, got_w, got_h);
    report(label, ms, RUNS, target);
    report("      the same, CPU time of the thread", cpu, RUNS, "");
}

int main(void)
{
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(0) != 0) return 1;
    Err err;
    PdfInfo *info = malloc(sizeof *info);
    PdfDoc *doc;
    double t0 = monoclock_ms();
    if (!info || pdf_open(SAMPLE, &doc, info, &err) != 0) fail(SAMPLE, &err);
    double open_ms = monoclock_ms() - t0;
    printf("PDF: %s, %d pages of %.0f x %.0f pt; open and check every page: %.1f ms\n", SAMPLE, info->pages,
           info->w_pt[0], info->h_pt[0], open_ms);
    bench_render(doc, info->pages, 1920, 1080, "a page fitted to 1920 x 1080", " (target <= 150 ms)");
    bench_render(doc, info->pages, 764 * 7 / 2, 1080 * 7 / 2, "a page zoomed 3.5x", "");
    char scan_path[] = "/tmp/bench_pdf_scan.XXXXXX";
    int fd = mkstemp(scan_path);
    if (fd < 0) return 1;
    close(fd);
    make_scan(doc, scan_path);
    pdf_close(doc);
    struct stat scan_st;
    PdfDoc *scan;
    if (stat(scan_path, &scan_st) != 0 || pdf_open(scan_path, &scan, info, &err) != 0) fail("the scan", &err);
    printf("scanned PDF: one A4 page holding a 1654 x 2339 JPEG (200 dpi), %lld bytes\n", (long long)scan_st.st_size);
    bench_render(scan, 1, 1920, 1080, "the scan fitted to 1920 x 1080", " (target <= 150 ms)");
    bench_render(scan, 1, 764 * 7 / 2, 1080 * 7 / 2, "the scan zoomed 3.5x", "");
    pdf_close(scan);

    /* Through the worker, as the reader asks for a page it shows: the
     * sample's pages, then the scan. */
    const char *paths[2] = {SAMPLE, scan_path};
    char dir[] = "/tmp/bench_pdf.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char shas[2][65];
    for (int k = 0; k < 2; k++) {
        int64_t size;
        if (blobs_hash_file(paths[k], shas[k], &size, &err) != 0) fail("hash", &err);
        FILE *f = fopen(paths[k], "rb");
        char *data = malloc((size_t)size);
        size_t len = f && data ? fread(data, 1, (size_t)size, f) : 0;
        if (f) fclose(f);
        if (len != (size_t)size || blobs_put_buffer(dir, data, len, shas[k], size, &err) != 0) fail("cache", &err);
        free(data);
    }
    remove(scan_path);
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(surface);
    PdfWorker *w;
    if (!r || pdf_worker_start(dir, on_ready, &w, &err) != 0) fail("worker", &err);
    double latency[RUNS], ui_ms[RUNS];
    for (int i = 0; i < RUNS; i++) {
        /* A new size each time, so that nothing is cached: the first
         * sight of a page, as after a page turn. */
        int k = i >= RUNS / 2;
        PdfJob job = {.page = k ? 0 : i % 3, .w = 1920 - i, .h = 1080};
        snprintf(job.sha, sizeof job.sha, "%s", shas[k]);
        pthread_mutex_lock(&mu);
        int before = ready_count;
        pthread_mutex_unlock(&mu);
        double start = monoclock_ms();
        pdf_worker_want(w, &job, 1);
        SDL_Surface *s = NULL;
        char msg[160];
        for (;;) {
            pthread_mutex_lock(&mu);
            while (ready_count == before) pthread_cond_wait(&cv, &mu);
            before = ready_count;
            pthread_mutex_unlock(&mu);
            double u0 = monoclock_ms();
            PdfState st = pdf_worker_take(w, &job, &s, msg, sizeof msg);
            if (st == PDF_FAILED) {
                fprintf(stderr, "bench_pdf: %s\n", msg);
                return 1;
            }
            if (st == PDF_READY) {
                SDL_Texture *t = SDL_CreateTextureFromSurface(r, s);
                SDL_FreeSurface(s);
                SDL_DestroyTexture(t);
                ui_ms[i] = monoclock_ms() - u0;
                break;
            }
        }
        latency[i] = monoclock_ms() - start;
    }
    report("through the worker, request to page ready at 1080p, the sample, then the scan (off the UI thread)", latency,
           RUNS, " (target <= 150 ms)");
    report("the UI thread's part (take the page, make its texture)", ui_ms, RUNS, "");
    pdf_worker_stop(w);
    bench_print_load("after");
    for (int k = 0; k < 2; k++) {
        char path[1200], sub[1200];
        if (blobs_path(dir, shas[k], path, sizeof path, &err) == 0) remove(path);
        snprintf(sub, sizeof sub, "%s/%.2s", dir, shas[k]);
        rmdir(sub);
    }
    rmdir(dir);
    free(info);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surface);
    SDL_Quit();
    return 0;
}
