/* headless.h — `bin/kiosk --headless SCRIPT`: the kiosk driven by a script.
 *
 * Owns the script language (docs/HEADLESS.md): touches and mouse clicks
 * injected as real SDL events into the real loop, a clock only the script
 * advances, PNG screenshots read back from the real renderer, a JSON dump
 * of the widgets on screen, feed imports that raise the content-changed
 * event, and checks (expect-*, check-layout, check-glyphs, read-item) that
 * make a script a test: the first failed check stops the script and the
 * kiosk exits with status 1, naming the script line. */
#ifndef KIOSK_HEADLESS_H
#define KIOSK_HEADLESS_H

#include "app.h"
#include "config.h"

/* Runs the script; 0 when every line ran and every check held. */
int headless_run(App *app, const Config *cfg, const char *script_path);

#endif
