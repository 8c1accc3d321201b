/* script_detect.c — Simplified or Traditional, by converting with OpenCC
 * (see script_detect.h).  Counting the characters OpenCC changes is the
 * whole rule; the conversion tables are OpenCC's (TSCharacters, TSPhrases). */
#include "script_detect.h"

#include <opencc/opencc.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

struct ScriptDetector {
    opencc_t cc;
};

int script_detector_open(ScriptDetector **out, Err *err)
{
    *out = NULL;
    opencc_t cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    if (cc == (opencc_t)-1)
        return err_set(err, "cannot open OpenCC's %s (%s) — install libopencc-data", OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP,
                       opencc_error());
    ScriptDetector *d = calloc(1, sizeof *d);
    if (!d) {
        opencc_close(cc);
        return err_set(err, "out of memory");
    }
    d->cc = cc;
    *out = d;
    return 0;
}

void script_detector_close(ScriptDetector *d)
{
    if (!d) return;
    opencc_close(d->cc);
    free(d);
}

static bool is_han(ucs4_t cp) { return uc_is_property_ideographic(cp); }

int script_detect(ScriptDetector *d, const char *utf8, Lang *out, int *changed_out, int *han_out, Err *err)
{
    size_t n = strlen(utf8);
    char *simp = opencc_convert_utf8(d->cc, utf8, n);
    if (!simp) return err_set(err, "OpenCC cannot convert the text: %s", opencc_error());
    /* t2s maps character to character (its phrase tables keep lengths), so
     * the two strings are walked side by side; where the walk loses step,
     * the rest counts as changed. */
    const uint8_t *a = (const uint8_t *)utf8, *b = (const uint8_t *)simp;
    const uint8_t *a_end = a + n, *b_end = b + strlen(simp);
    int han = 0, changed = 0;
    while (a < a_end) {
        ucs4_t ca, cb = 0;
        a += u8_mbtouc(&ca, a, (size_t)(a_end - a));
        if (b < b_end) b += u8_mbtouc(&cb, b, (size_t)(b_end - b));
        if (!is_han(ca)) continue;
        han++;
        if (ca != cb) changed++;
    }
    opencc_convert_utf8_free(simp);
    bool traditional = changed >= 1 && (han < 34 || (changed >= 2 && changed * 100 >= han * 3));
    *out = traditional ? LANG_HANT : LANG_HANS;
    if (changed_out) *changed_out = changed;
    if (han_out) *han_out = han;
    return 0;
}
