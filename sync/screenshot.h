/* screenshot.h — a remote screenshot of the kiosk for the county's
 * console, without the UI thread ever waiting (docs/SYNC.md "Remote
 * screenshots", docs/PROTOCOL.md "Screenshots").
 *
 * The hand-off: the server asks with the heartbeat command "screenshot";
 * the sync thread raises an atomic flag and SYNC_SCREENSHOT_WANTED (the
 * screen draws a frame).  The UI thread looks at the flag once a frame
 * (sync_screenshot_wanted: an atomic load) and, after presenting a frame,
 * copies its pixels into a buffer it hands over with sync_screenshot_give
 * — that copy is the UI thread's whole cost.  While a screen with a
 * visitor's input is open (the feedback form and its keyboard, the
 * receipt lookup) it does not copy: it says sync_screenshot_defer once,
 * and copies the first frame after the visitor has left those screens.
 * The sync thread, poked, scales the picture down to fit
 * SCREENSHOT_MAX_WIDTH x SCREENSHOT_MAX_HEIGHT, encodes it as PNG
 * (libpng) and sends it with PUT /v1/kiosk/screenshot; a deferral or a
 * failure goes up with POST /v1/kiosk/screenshot/state.  Its last outcome
 * is in sync_state as screenshot.state: deferred, sent or failed. */
#ifndef KIOSK_SYNC_SCREENSHOT_H
#define KIOSK_SYNC_SCREENSHOT_H

#include <stdbool.h>

#include "sync.h"

/* UI thread, once a frame: whether a picture is wanted.  Never waits;
 * false when t is NULL. */
bool sync_screenshot_wanted(SyncThread *t);
/* UI thread: the frame's pixels, RGB (3 bytes a pixel, rows of w * 3
 * bytes), malloc'd; the sync thread owns and frees them.  The request is
 * then answered: sync_screenshot_wanted is false until the next. */
void sync_screenshot_give(SyncThread *t, unsigned char *rgb, int w, int h);
/* UI thread: a visitor's input is on screen; the picture waits.  Said to
 * the server once per request, however often it is called. */
void sync_screenshot_defer(SyncThread *t);

#endif
