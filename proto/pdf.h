/* pdf.h — which PDF files may be published, decided from the file's bytes
 * alone, without a PDF library.
 *
 * countyd's upload, kioskctl's authoring reader and the kiosk (before it
 * hands the file to poppler) all apply this rule, so a PDF a kiosk would
 * refuse is refused when it is published, with a sentence the clerk can
 * act on.  It reads only the file's plain structure:
 *   - the %PDF-1.x or %PDF-2.0 header in the first 1024 bytes;
 *   - %%EOF and startxref in the last 1024 bytes, startxref pointing inside
 *     the file (a file cut short in a copy or an upload fails here);
 *   - no /Encrypt in the trailer the startxref points at (a password-
 *     protected PDF: a kiosk has no password to give);
 *   - the page count (/Count of the page tree) where the page tree is
 *     written in plain text, checked against PDF_MAX_PAGES.
 *
 * Why not poppler here: countyd is a network server and kioskctl an
 * admin's tool; a PDF parser and renderer (poppler, with cairo, glib and
 * fontconfig) is a large attack surface for what they need, and the
 * module boundaries keep it on the kiosk's screen side.  A page tree
 * stored inside a compressed object stream (PDF 1.5 and later) cannot be
 * read without one: then the page count is unknown here (pages = -1) and
 * the kiosk's full check (kiosk/ui/pdf.h: page count and every page's size,
 * before anything is rendered) is what holds. */
#ifndef PROTO_PDF_H
#define PROTO_PDF_H

#include <stddef.h>

#include "err.h"

/* Which rule a file broke, for a reader who is not the clerk (the kiosk
 * tells a visitor in its own words). */
typedef enum { PDF_OK, PDF_NOT_PDF, PDF_CUT_SHORT, PDF_BROKEN, PDF_LOCKED, PDF_TOO_MANY_PAGES, PDF_TOO_LARGE } PdfFault;

typedef struct PdfProbe {
    int version; /* 10..17 for 1.0..1.7, 20 for 2.0 */
    int pages; /* from the plain page tree; -1 when it is compressed */
    PdfFault fault; /* PDF_OK unless pdf_probe failed */
} PdfProbe;

/* 0 when the bytes pass the rule above; -1 with a sentence saying why
 * not (in Chinese: the clerk reads it in the console). */
int pdf_probe(const void *data, size_t len, PdfProbe *out, Err *err);

/* Whether the bytes begin like a PDF (the header alone). */
int pdf_looks_like(const void *data, size_t len);

#endif
