/* fuzz_pdf.c — the PDF open and check path on any bytes: the byte rule
 * every program applies (proto/pdf.h: countyd's upload, kioskctl, the
 * kiosk) and the kiosk's full check with poppler (kiosk/ui/pdfrender.c:
 * open, page count, every page's size) and, when it passes, page 1
 * rendered small.  Refused or shown, never a crash. */
#include "fuzz_util.h"

#include "pdf.h"
#include "pdfrender.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static PdfInfo info;
    PdfProbe probe;
    Err err;
    (void)pdf_probe(data, size, &probe, &err);
    PdfDoc *doc = NULL;
    if (pdf_open_data(data, size, &doc, &info, &err) == 0) {
        SDL_Surface *s = pdf_render(doc, 0, 64, 64, &err);
        if (s) SDL_FreeSurface(s);
        pdf_close(doc);
    }
    return 0;
}
