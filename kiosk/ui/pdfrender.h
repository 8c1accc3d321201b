/* pdfrender.h — PDF attachments drawn for the screen: a document opened and
 * checked, its pages rendered to surfaces, on a worker thread of its own.
 *
 * Poppler's GLib binding with cairo does the parsing and the drawing
 * (poppler-glib rather than poppler-cpp behind a C wrapper: it is already
 * a C API, so there is no C++ in the tree and no wrapper of ours to keep
 * correct; cairo's image surface is written straight into the SDL
 * surface's pixels, so a page is rendered once with no copy).  Only this
 * file includes poppler (scripts/check-boundaries.sh).
 *
 * Before a page is rendered the document is checked as a whole: the byte
 * rule every program shares (proto/pdf.h: header, %%EOF, no encryption),
 * then poppler opens it (a password, a broken file), then the page count
 * (PDF_MAX_PAGES) and every page's size (PDF_MAX_PAGE_PT).  A document
 * that fails gets a sentence a visitor reads in place of its pages.
 *
 * The worker (PdfWorker) takes its orders from the UI thread as a list
 * of what the screen wants now — the pages shown and their neighbours —
 * replaced whole each frame: what is no longer wanted is neither rendered
 * nor kept, so memory is the pages on screen and next to it, whatever the
 * document.  Poppler is called only on the worker thread (it is not
 * thread-safe for one document), one document open at a time. */
#ifndef KIOSK_PDFRENDER_H
#define KIOSK_PDFRENDER_H

#include <SDL.h>
#include <stdbool.h>

#include "err.h"
#include "protolimits.h"

/* The most pixels one rendered page may have (a zoomed page): 48 MB. */
#define PDF_RENDER_MAX_PIXELS (12 * 1000 * 1000)
#define PDF_RENDER_MAX_SIDE 8192

typedef struct PdfDoc PdfDoc;

/* What the screen needs to lay a document out. */
typedef struct PdfInfo {
    int pages;
    float w_pt[PDF_MAX_PAGES], h_pt[PDF_MAX_PAGES]; /* each page's size in points */
} PdfInfo;

/* ---- on one thread (the worker, a benchmark, a test) ---- */

/* Opens and checks the PDF file at path (above); -1 with a sentence for a
 * visitor (Chinese) when it cannot be shown. */
int pdf_open(const char *path, PdfDoc **out, PdfInfo *info, Err *err);
/* The same from bytes in memory (the fuzz harness); data must outlive doc. */
int pdf_open_data(const void *data, size_t len, PdfDoc **out, PdfInfo *info, Err *err);
void pdf_close(PdfDoc *doc);
/* Page `page` (0-based) fitted into w x h pixels (aspect kept), on white,
 * as an RGB888 surface. */
SDL_Surface *pdf_render(PdfDoc *doc, int page, int w, int h, Err *err);

/* ---- the worker ---- */

typedef struct PdfWorker PdfWorker;

typedef enum { PDF_PENDING, PDF_READY, PDF_FAILED } PdfState;

/* One thing the screen wants: a document's info (page = -1) or one of its
 * pages rendered to fit w x h. */
typedef struct PdfJob {
    char sha[65];
    int page;
    int w, h;
} PdfJob;

/* cache_dir holds the attachments (blobs_path); ready() is called on the
 * worker thread each time something is done (it must be thread-safe:
 * the app posts an SDL event). */
int pdf_worker_start(const char *cache_dir, void (*ready)(void), PdfWorker **out, Err *err);
void pdf_worker_stop(PdfWorker *w);

/* The UI thread's side.  pdf_worker_want replaces the list of wanted jobs
 * (at most PDF_WANT_MAX, the first first); finished results no longer
 * wanted are dropped. */
#define PDF_WANT_MAX 8
void pdf_worker_want(PdfWorker *w, const PdfJob *jobs, int count);
/* A document's info: READY (info filled), PENDING (not opened yet: want
 * it), FAILED (msg says why). */
PdfState pdf_worker_info(PdfWorker *w, const char *sha, PdfInfo *info, char *msg, size_t msg_size);
/* A rendered page: READY hands *out over (the caller frees it), FAILED
 * with msg, PENDING when not rendered yet. */
PdfState pdf_worker_take(PdfWorker *w, const PdfJob *job, SDL_Surface **out, char *msg, size_t msg_size);
/* Whether a wanted job is still to be done (the headless runner waits). */
bool pdf_worker_busy(PdfWorker *w);

#endif
