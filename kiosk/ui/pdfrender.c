/* pdfrender.c — see pdfrender.h. */
#include "pdfrender.h"

#include <cairo.h>
#include <math.h>
#include <poppler.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobfile.h"
#include "bytes.h"
#include "log.h"
#include "dynlib.h"
#include "pdf.h" /* proto/pdf.h: the byte rule */

/* poppler, cairo and glib (with NSS, lcms2, OpenJPEG and the rest poppler
 * needs) are opened when the first PDF is shown (common/dynlib.h), so
 * that a start maps and relocates none of them; the PDF view may never be
 * used.  dlsym on libpoppler-glib's handle finds glib's and cairo's
 * functions too, since they are its dependencies.  Opened once, by
 * whichever thread opens the first document, and kept. */
#define PDF_CALLS(X)                                                                                                   \
    X(cairo_create)                                                                                                    \
    X(cairo_destroy)                                                                                                   \
    X(cairo_image_surface_create_for_data)                                                                             \
    X(cairo_paint)                                                                                                     \
    X(cairo_scale)                                                                                                     \
    X(cairo_set_source_rgb)                                                                                            \
    X(cairo_status)                                                                                                    \
    X(cairo_status_to_string)                                                                                          \
    X(cairo_surface_destroy)                                                                                           \
    X(cairo_surface_flush)                                                                                             \
    X(g_bytes_get_data)                                                                                                \
    X(g_bytes_new_static)                                                                                              \
    X(g_bytes_new_with_free_func)                                                                                      \
    X(g_bytes_unref)                                                                                                   \
    X(g_error_free)                                                                                                    \
    X(g_object_unref)                                                                                                  \
    X(poppler_document_get_n_pages)                                                                                    \
    X(poppler_document_get_page)                                                                                       \
    X(poppler_document_new_from_bytes)                                                                                 \
    X(poppler_error_quark)                                                                                             \
    X(poppler_page_get_size)                                                                                           \
    X(poppler_page_render)

#define PDF_POINTER(name) __typeof__(name) *name;
static struct {
    PDF_CALLS(PDF_POINTER)
} pdflib;

static pthread_once_t pdflib_once = PTHREAD_ONCE_INIT;
static int pdflib_rc = -1;

static void load_pdflib(void)
{
#define PDF_SYMBOL(name) {#name, &pdflib.name},
    static const DynSym calls[] = {PDF_CALLS(PDF_SYMBOL)};
    void *lib;
    Err why;
    pdflib_rc =
        dynlib_open("libpoppler-glib.so.8", "libpoppler-glib8", calls, sizeof calls / sizeof calls[0], &lib, &why);
    if (pdflib_rc) log_error("pdf: PDF files cannot be shown: %s", why.msg);
}

static int need_pdflib(Err *err)
{
    pthread_once(&pdflib_once, load_pdflib);
    return pdflib_rc ? err_set(err, "本机暂时无法显示 PDF 文件") : 0;
}

struct PdfDoc {
    PopplerDocument *doc;
    GBytes *bytes; /* the file's bytes, which poppler reads from */
};

/* ---- one document ------------------------------------------------------ */

static int check_pages(PdfDoc *d, PdfInfo *info, Err *err)
{
    int n = pdflib.poppler_document_get_n_pages(d->doc);
    if (n < 1) return err_set(err, "文件没有可显示的页面");
    if (n > PDF_MAX_PAGES) return err_set(err, "文件共 %d 页，超过触控屏能显示的 %d 页", n, PDF_MAX_PAGES);
    info->pages = n;
    for (int i = 0; i < n; i++) {
        PopplerPage *p = pdflib.poppler_document_get_page(d->doc, i);
        if (!p) return err_set(err, "文件第 %d 页已损坏，无法显示", i + 1);
        double w = 0, h = 0;
        pdflib.poppler_page_get_size(p, &w, &h);
        pdflib.g_object_unref(p);
        if (!(w >= 1 && h >= 1)) return err_set(err, "文件第 %d 页没有大小，无法显示", i + 1);
        if (w > PDF_MAX_PAGE_PT || h > PDF_MAX_PAGE_PT)
            return err_set(err, "文件第 %d 页过大（%.0f×%.0f 毫米），无法显示", i + 1, w / 72 * 25.4, h / 72 * 25.4);
        info->w_pt[i] = (float)w;
        info->h_pt[i] = (float)h;
    }
    return 0;
}

/* What a visitor reads in place of the pages (the clerk's sentence, with
 * what to do, is in the log and was shown when it was published). */
static int visitor_reason(const PdfProbe *probe, Err *err)
{
    switch (probe->fault) {
    case PDF_LOCKED: return err_set(err, "文件设置了密码，无法显示");
    case PDF_TOO_MANY_PAGES:
        if (probe->pages <= 0) return err_set(err, "文件没有可显示的页面");
        return err_set(err, "文件共 %d 页，超过触控屏能显示的 %d 页", probe->pages, PDF_MAX_PAGES);
    case PDF_TOO_LARGE: return err_set(err, "文件过大，无法显示");
    case PDF_CUT_SHORT: return err_set(err, "文件不完整，无法显示");
    default: return err_set(err, "文件已损坏，无法显示");
    }
}

static int open_bytes(GBytes *bytes, PdfDoc **out, PdfInfo *info, Err *err)
{
    gsize len = 0;
    const void *data = pdflib.g_bytes_get_data(bytes, &len);
    Err why;
    PdfProbe probe;
    memset(info, 0, sizeof *info);
    if (pdf_probe(data, len, &probe, &why)) {
        pdflib.g_bytes_unref(bytes);
        log_warn("pdf: %s", why.msg);
        return visitor_reason(&probe, err);
    }
    GError *gerr = NULL;
    PopplerDocument *doc = pdflib.poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!doc) {
        bool locked = gerr && gerr->domain == pdflib.poppler_error_quark() && gerr->code == POPPLER_ERROR_ENCRYPTED;
        log_warn("pdf: poppler cannot open it: %s", gerr ? gerr->message : "no reason given");
        if (gerr) pdflib.g_error_free(gerr);
        pdflib.g_bytes_unref(bytes);
        return err_set(err, "%s", locked ? "文件设置了密码，无法显示" : "文件已损坏，无法显示");
    }
    PdfDoc *d = calloc(1, sizeof *d);
    if (!d) {
        pdflib.g_object_unref(doc);
        pdflib.g_bytes_unref(bytes);
        return err_set(err, "内存不足，无法显示文件");
    }
    d->doc = doc;
    d->bytes = bytes;
    if (check_pages(d, info, err)) {
        pdf_close(d);
        return -1;
    }
    *out = d;
    return 0;
}

int pdf_open(const char *path, PdfDoc **out, PdfInfo *info, Err *err)
{
    if (need_pdflib(err)) {
        memset(info, 0, sizeof *info);
        return -1;
    }
    char *data;
    size_t len;
    Err why;
    if (bytes_read_file(path, PDF_MAX_BYTES, &data, &len, &why)) {
        log_warn("pdf: %s", why.msg);
        memset(info, 0, sizeof *info);
        return err_set(err, "文件无法读取，暂时无法显示");
    }
    return open_bytes(pdflib.g_bytes_new_with_free_func(data, len, free, data), out, info, err);
}

int pdf_open_data(const void *data, size_t len, PdfDoc **out, PdfInfo *info, Err *err)
{
    if (need_pdflib(err)) {
        memset(info, 0, sizeof *info);
        return -1;
    }
    return open_bytes(pdflib.g_bytes_new_static(data, len), out, info, err);
}

void pdf_close(PdfDoc *d)
{
    if (!d) return;
    pdflib.g_object_unref(d->doc);
    pdflib.g_bytes_unref(d->bytes);
    free(d);
}

SDL_Surface *pdf_render(PdfDoc *d, int page, int w, int h, Err *err)
{
    PopplerPage *p = page >= 0 && page < pdflib.poppler_document_get_n_pages(d->doc)
                         ? pdflib.poppler_document_get_page(d->doc, page)
                         : NULL;
    if (!p) {
        err_set(err, "文件第 %d 页无法显示", page + 1);
        return NULL;
    }
    double pw, ph;
    pdflib.poppler_page_get_size(p, &pw, &ph);
    double k = fmin(w / pw, h / ph);
    int iw = (int)lround(pw * k), ih = (int)lround(ph * k);
    if (iw < 1) iw = 1;
    if (ih < 1) ih = 1;
    if (iw > PDF_RENDER_MAX_SIDE || ih > PDF_RENDER_MAX_SIDE || (long long)iw * ih > PDF_RENDER_MAX_PIXELS) {
        pdflib.g_object_unref(p);
        err_set(err, "第 %d 页放大后过大", page + 1);
        return NULL;
    }
    /* cairo's RGB24 is SDL's RGB888 (a native-endian 0x00RRGGBB word), and
     * its stride for 32-bit pixels is SDL's pitch: cairo draws straight
     * into the surface. */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, iw, ih, 32, SDL_PIXELFORMAT_RGB888);
    if (!s) {
        pdflib.g_object_unref(p);
        err_set(err, "内存不足，无法显示第 %d 页", page + 1);
        return NULL;
    }
    cairo_surface_t *cs = pdflib.cairo_image_surface_create_for_data(s->pixels, CAIRO_FORMAT_RGB24, iw, ih, s->pitch);
    cairo_t *cr = pdflib.cairo_create(cs);
    pdflib.cairo_set_source_rgb(cr, 1, 1, 1);
    pdflib.cairo_paint(cr);
    pdflib.cairo_scale(cr, (double)iw / pw, (double)ih / ph);
    pdflib.poppler_page_render(p, cr);
    cairo_status_t st = pdflib.cairo_status(cr);
    pdflib.cairo_destroy(cr);
    pdflib.cairo_surface_flush(cs);
    pdflib.cairo_surface_destroy(cs);
    pdflib.g_object_unref(p);
    if (st != CAIRO_STATUS_SUCCESS) {
        SDL_FreeSurface(s);
        err_set(err, "第 %d 页无法显示（%s）", page + 1, pdflib.cairo_status_to_string(st));
        return NULL;
    }
    return s;
}

/* ---- the worker ---------------------------------------------------------- */

#define INFO_CACHE 8 /* documents whose info is kept (small: no pages) */
#define DONE_MAX (PDF_WANT_MAX + 2)

typedef struct InfoEntry {
    char sha[65];
    bool failed;
    char msg[160];
    PdfInfo info;
    unsigned used;
} InfoEntry;

typedef struct Done {
    PdfJob job;
    SDL_Surface *s; /* NULL when it failed */
    char msg[160];
} Done;

struct PdfWorker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    char dir[1024];
    void (*ready)(void);
    PdfJob want[PDF_WANT_MAX];
    int nwant;
    bool working; /* a job is being done outside the lock */
    PdfJob current;
    Done done[DONE_MAX];
    int ndone;
    InfoEntry infos[INFO_CACHE];
    unsigned tick;
    /* The worker's own: the document open now. */
    PdfDoc *doc;
    char doc_sha[65];
};

static bool same_job(const PdfJob *a, const PdfJob *b)
{
    return a->page == b->page && a->w == b->w && a->h == b->h && strcmp(a->sha, b->sha) == 0;
}

static InfoEntry *info_find(PdfWorker *w, const char *sha)
{
    for (int i = 0; i < INFO_CACHE; i++)
        if (w->infos[i].sha[0] && strcmp(w->infos[i].sha, sha) == 0) return &w->infos[i];
    return NULL;
}

static InfoEntry *info_slot(PdfWorker *w, const char *sha)
{
    InfoEntry *e = info_find(w, sha);
    if (e) return e;
    e = &w->infos[0];
    for (int i = 1; i < INFO_CACHE; i++)
        if (w->infos[i].used < e->used) e = &w->infos[i];
    memset(e, 0, sizeof *e);
    snprintf(e->sha, sizeof e->sha, "%s", sha);
    return e;
}

static bool is_done(PdfWorker *w, const PdfJob *j)
{
    InfoEntry *e = info_find(w, j->sha);
    if (j->page < 0 || (e && e->failed)) return e != NULL;
    for (int i = 0; i < w->ndone; i++)
        if (same_job(&w->done[i].job, j)) return true;
    return false;
}

/* The first wanted job not yet done (under the lock). */
static bool next_job(PdfWorker *w, PdfJob *out)
{
    for (int i = 0; i < w->nwant; i++)
        if (!is_done(w, &w->want[i])) {
            *out = w->want[i];
            return true;
        }
    return false;
}

/* Opens the job's document if it is not the one open (outside the lock),
 * and records its info. */
static int worker_open(PdfWorker *w, const char *sha)
{
    if (w->doc && strcmp(w->doc_sha, sha) == 0) return 0;
    pdf_close(w->doc);
    w->doc = NULL;
    w->doc_sha[0] = '\0';
    char path[1200];
    Err err;
    PdfInfo *info = malloc(sizeof *info);
    int rc = -1;
    if (!info) err_set(&err, "内存不足，无法显示文件");
    else if (blobs_path(w->dir, sha, path, sizeof path, &err) == 0) rc = pdf_open(path, &w->doc, info, &err);
    else err_set(&err, "文件无法读取，暂时无法显示");
    pthread_mutex_lock(&w->mu);
    InfoEntry *e = info_slot(w, sha);
    e->used = ++w->tick;
    e->failed = rc != 0;
    if (rc == 0) e->info = *info;
    else snprintf(e->msg, sizeof e->msg, "%s", err.msg);
    pthread_mutex_unlock(&w->mu);
    free(info);
    if (rc == 0) snprintf(w->doc_sha, sizeof w->doc_sha, "%s", sha);
    return rc;
}

static void worker_render(PdfWorker *w, const PdfJob *j)
{
    Err err;
    SDL_Surface *s = pdf_render(w->doc, j->page, j->w, j->h, &err);
    pthread_mutex_lock(&w->mu);
    bool wanted = false;
    for (int i = 0; i < w->nwant; i++) wanted = wanted || same_job(&w->want[i], j);
    if (wanted && w->ndone < DONE_MAX) {
        Done *d = &w->done[w->ndone++];
        *d = (Done){.job = *j, .s = s};
        if (!s) snprintf(d->msg, sizeof d->msg, "%s", err.msg);
        s = NULL;
    }
    pthread_mutex_unlock(&w->mu);
    SDL_FreeSurface(s);
}

static void *worker_main(void *arg)
{
    PdfWorker *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        PdfJob j;
        if (!next_job(w, &j)) {
            w->working = false;
            pthread_cond_wait(&w->cv, &w->mu);
            continue;
        }
        w->working = true;
        w->current = j;
        pthread_mutex_unlock(&w->mu);
        if (worker_open(w, j.sha) == 0 && j.page >= 0) worker_render(w, &j);
        if (w->ready) w->ready();
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    pdf_close(w->doc);
    return NULL;
}

int pdf_worker_start(const char *cache_dir, void (*ready)(void), PdfWorker **out, Err *err)
{
    PdfWorker *w = calloc(1, sizeof *w);
    if (!w) return err_set(err, "out of memory");
    snprintf(w->dir, sizeof w->dir, "%s", cache_dir);
    w->ready = ready;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return err_set(err, "cannot start the PDF thread");
    }
    *out = w;
    return 0;
}

void pdf_worker_stop(PdfWorker *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    for (int i = 0; i < w->ndone; i++) SDL_FreeSurface(w->done[i].s);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

void pdf_worker_want(PdfWorker *w, const PdfJob *jobs, int count)
{
    if (count > PDF_WANT_MAX) count = PDF_WANT_MAX;
    pthread_mutex_lock(&w->mu);
    bool same = count == w->nwant;
    for (int i = 0; same && i < count; i++) same = same_job(&jobs[i], &w->want[i]);
    if (!same) {
        memcpy(w->want, jobs, (size_t)count * sizeof *jobs);
        w->nwant = count;
        /* What is no longer wanted is not kept. */
        int kept = 0;
        for (int i = 0; i < w->ndone; i++) {
            bool wanted = false;
            for (int k = 0; k < count; k++) wanted = wanted || same_job(&jobs[k], &w->done[i].job);
            if (wanted) w->done[kept++] = w->done[i];
            else SDL_FreeSurface(w->done[i].s);
        }
        w->ndone = kept;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
}

PdfState pdf_worker_info(PdfWorker *w, const char *sha, PdfInfo *info, char *msg, size_t msg_size)
{
    pthread_mutex_lock(&w->mu);
    InfoEntry *e = info_find(w, sha);
    PdfState st = !e ? PDF_PENDING : e->failed ? PDF_FAILED : PDF_READY;
    if (e) e->used = ++w->tick;
    if (st == PDF_READY && info) *info = e->info;
    if (st == PDF_FAILED && msg) snprintf(msg, msg_size, "%s", e->msg);
    pthread_mutex_unlock(&w->mu);
    return st;
}

PdfState pdf_worker_take(PdfWorker *w, const PdfJob *job, SDL_Surface **out, char *msg, size_t msg_size)
{
    *out = NULL;
    pthread_mutex_lock(&w->mu);
    PdfState st = PDF_PENDING;
    InfoEntry *e = info_find(w, job->sha);
    if (e && e->failed) {
        st = PDF_FAILED;
        if (msg) snprintf(msg, msg_size, "%s", e->msg);
    }
    for (int i = 0; st == PDF_PENDING && i < w->ndone; i++) {
        if (!same_job(&w->done[i].job, job)) continue;
        st = w->done[i].s ? PDF_READY : PDF_FAILED;
        *out = w->done[i].s;
        if (!w->done[i].s && msg) snprintf(msg, msg_size, "%s", w->done[i].msg);
        w->done[i] = w->done[--w->ndone];
    }
    pthread_mutex_unlock(&w->mu);
    return st;
}

bool pdf_worker_busy(PdfWorker *w)
{
    pthread_mutex_lock(&w->mu);
    PdfJob j;
    bool busy = w->working || next_job(w, &j);
    pthread_mutex_unlock(&w->mu);
    return busy;
}
