/* pdfpage.h — PDF pages on the screen: the UI thread's side of the PDF
 * worker (pdfrender.h).
 *
 * A screen asks for a page as it draws; what is not rendered yet is asked
 * of the worker at the end of the frame and shown when it is ready (the
 * worker wakes the loop), a calm placeholder until then.  A rendered page
 * becomes a texture kept while a frame uses it (draws it or prefetches
 * it): the page shown and its neighbours, nothing more.  A document that
 * cannot be shown shows the worker's sentence in place of its pages. */
#ifndef KIOSK_PDFPAGE_H
#define KIOSK_PDFPAGE_H

#include <stdbool.h>

#include "pdfrender.h"
#include "ui.h"

/* Called on the worker thread when something is ready (the app posts an
 * event that redraws); set before the first PDF is drawn. */
void ui_pdf_on_ready(Ui *ui, void (*ready)(void));

/* The document's state; READY gives its page count. */
PdfState ui_pdf_pages(Ui *ui, const char *sha, int *pages, char *msg, size_t msg_size);
/* Page `page`'s size in points; -1 when the document is not open yet. */
int ui_pdf_page_size(Ui *ui, const char *sha, int page, float *w_pt, float *h_pt);
/* Page `page` fitted into rw x rh pixels, drawn into dst (drifted; dst may
 * be larger than the screen: clip with ui_clip).  While that size is not
 * ready the page at another size it has is drawn stretched; returns the
 * state of the size asked for (nothing drawn when none is there). */
PdfState ui_pdf_draw(Ui *ui, SDL_Rect dst, const char *sha, int page, int rw, int rh, char *msg, size_t msg_size);
/* Keeps (or has rendered) that page at that size without drawing it. */
void ui_pdf_prefetch(Ui *ui, const char *sha, int page, int rw, int rh);
/* Page `page` fitted and centred in box: the page, a placeholder while it
 * is rendered, or the reason it cannot be shown.  Records a WIDGET_IMAGE
 * (touchable when id is not NULL) whose text is label; its box is the
 * page's.  Returns the state. */
PdfState ui_pdf_page(Ui *ui, const char *id, SDL_Rect box, const char *sha, int page, const char *label);
/* The page fitted into box (aspect kept); box itself when not known yet. */
SDL_Rect ui_pdf_fit(Ui *ui, SDL_Rect box, const char *sha, int page);

/* Whether a page or a document asked for is still being made. */
bool ui_pdf_busy(Ui *ui);

/* For ui.c: the frame's end (hand the worker its list, drop the textures
 * no frame used), lost textures, the end. */
void ui_pdf_end_frame(UiPdf *p);
void ui_pdf_forget(UiPdf *p);
void ui_pdf_free(UiPdf *p);

#endif
