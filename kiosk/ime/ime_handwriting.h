/* ime_handwriting.h — handwriting recognition for the on-screen keyboard.
 *
 * Owns a zinnia recogniser with the Simplified Chinese model of Debian's
 * tegaki-zinnia-simplified-chinese (6763 characters of GB 2312) and the
 * strokes of the character being written.  Points arrive in screen
 * coordinates together with the rectangle of the writing pad; they are
 * scaled into the square the model was trained in (IME_HW_MODEL_SIZE),
 * keeping the aspect ratio, so a character written on a wide pad is not
 * squashed.  The model file is mapped and read as eight zinnia models
 * over parts of its characters, whose answers merge into the whole
 * model's (ime_handwriting.c lets each part's pages go once read): opening
 * is cheap and needs no deployment step.  libzinnia itself is opened on
 * the first open (common/dynlib.h). */
#ifndef KIOSK_IME_HANDWRITING_H
#define KIOSK_IME_HANDWRITING_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define IME_HW_MODEL_SIZE 1000 /* tegaki's models are trained in 1000x1000 */
#define IME_HW_MAX_STROKES 64
#define IME_HW_MAX_POINTS 4096 /* over all strokes of one character */
#define IME_HW_CANDIDATE_MAX 16 /* bytes of one candidate (one character) */
#define IME_HW_CLASSIFY_MAX 40 /* candidates asked of zinnia before ranking */

typedef struct ImeHandwriting ImeHandwriting;

typedef struct ImeHwPad {
    int x, y, w, h; /* the writing pad on screen */
} ImeHwPad;

typedef struct ImeHwCandidate {
    char text[IME_HW_CANDIDATE_MAX];
    float score; /* higher is better */
} ImeHwCandidate;

/* Opens the model; a clear error names the Debian package when it is
 * missing. */
int ime_handwriting_open(const char *model_path, ImeHandwriting **out, Err *err);
void ime_handwriting_close(ImeHandwriting *h);

/* Strokes: begin a stroke at the first touch point, add points as the
 * finger moves.  Points outside the pad are clamped to its edge.  Returns
 * -1 (and ignores the point) past IME_HW_MAX_STROKES / IME_HW_MAX_POINTS. */
int ime_handwriting_begin_stroke(ImeHandwriting *h, const ImeHwPad *pad, int x, int y, Err *err);
int ime_handwriting_add_point(ImeHandwriting *h, const ImeHwPad *pad, int x, int y, Err *err);
/* Removes the last stroke (an "undo" for a slip of the finger). */
void ime_handwriting_undo_stroke(ImeHandwriting *h);
/* Forgets all strokes: the pad is empty again. */
void ime_handwriting_clear(ImeHandwriting *h);
int ime_handwriting_stroke_count(const ImeHandwriting *h);

/* The best `max` candidates for the strokes so far, best first; *count is
 * 0 when nothing is written yet.  Whole characters rank above components
 * (亻 氵 廾 囗 …) unless the strokes clearly form the component; score
 * stays zinnia's own. */
int ime_handwriting_recognize(ImeHandwriting *h, ImeHwCandidate *out, int max, int *count, Err *err);

/* Whether the model's pages stay mapped after a recognition (false, what
 * the kiosk does: they are let go of, ime_handwriting.c says why).  For
 * bench_ime, which prints what letting them go costs a recognition. */
void ime_handwriting_keep_model_pages(ImeHandwriting *h, bool keep);

#endif
