/* script_detect.h — which script a text is written in (zh-Hans / zh-Hant),
 * for authoring files that do not say.
 *
 * Owns the OpenCC converter (Debian's libopencc, config t2s.json): a text is
 * converted to Simplified characters and compared with itself; a text in
 * Traditional characters changes, a Simplified one does not. */
#ifndef KIOSKCTL_SCRIPT_DETECT_H
#define KIOSKCTL_SCRIPT_DETECT_H

#include "err.h"
#include "store.h"

typedef struct ScriptDetector ScriptDetector;

/* Opens OpenCC; fails with a message naming the package when it cannot. */
int script_detector_open(ScriptDetector **out, Err *err);
void script_detector_close(ScriptDetector *d);

/* LANG_HANT when at least 2 of the text's Han characters and 3 % of them
 * become other characters in Simplified (one character alone decides a
 * text of fewer than 34 Han characters, such as a category name), else
 * LANG_HANS.  changed/han, when not NULL, receive the counts. */
int script_detect(ScriptDetector *d, const char *utf8, Lang *out, int *changed, int *han, Err *err);

#endif
