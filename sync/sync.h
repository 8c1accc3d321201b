/* sync.h — the background sync thread.
 *
 * Owns the kiosk's side of the protocol (docs/PROTOCOL.md): one thread with
 * its own Store connection and its own libcurl easy handle.  It pulls
 * content changes (long-poll), fetches attachments into the blob cache,
 * uploads the feedback outbox, sends heartbeats, and backs off with
 * jitter while the server is unreachable.  A server URL of file://DIR
 * reads DIR/feed.json and the attachments beside it instead (the embedded
 * sample content, a USB stick).
 *
 * The UI never calls into this thread's state: it reads the store.  The
 * thread reports through `notify`, called on the sync thread; main.c turns
 * that into an SDL user event (SDL_PushEvent is thread-safe).
 *
 * Status for the screen's sync mark is written to the store's sync_state:
 *   sync.state        "ok" | "offline" | "error" | "never"
 *   sync.last_ok      unix time of the last successful exchange
 *   sync.last_error   the last error, one line
 * and settings pushed by the server as setting.unit_name,
 * setting.ticker_speed, setting.screen_on, setting.reasons (JSON array);
 *   screenshot.state  the last remote screenshot (screenshot.h): "sent" |
 *                     "deferred" | "failed" */
#ifndef KIOSK_SYNC_H
#define KIOSK_SYNC_H

#include "config.h"
#include "err.h"

/* Sent in heartbeats and the User-Agent. */
#ifndef SYNC_APP_VERSION
#define SYNC_APP_VERSION "1.0.0"
#endif

typedef enum {
    SYNC_CONTENT_CHANGED, /* new revision applied, or attachments arrived */
    SYNC_STATUS_CHANGED, /* online/offline/error changed */
    SYNC_ANSWERS_CHANGED, /* public answers or feedback state changed */
    SYNC_LOOKUP_DONE, /* the answer to a receipt lookup is ready (lookup.h) */
    SYNC_SCREENSHOT_WANTED, /* the server asked for a screenshot (screenshot.h): draw a frame */
} SyncEvent;

typedef void (*SyncNotify)(void *ctx, SyncEvent ev);

typedef struct SyncThread SyncThread;

/* Starts the thread; returns at once (never waits on the network). */
int sync_start(const Config *cfg, SyncNotify notify, void *ctx, SyncThread **out, Err *err);
/* Asks for a sync now (e.g. after feedback was submitted): a long-poll in
 * flight is cut short and the outbox goes up at once.  Thread-safe. */
void sync_poke(SyncThread *t);
/* Counts a view of an item, in memory (the UI thread never writes the
 * database); the sync thread adds the counts to the store at the start of
 * its next round and when it stops.  Thread-safe; t NULL (no sync thread,
 * --headless) drops the view. */
void sync_count_view(SyncThread *t, const char *item_id);
/* Stops the thread, aborting any transfer within about a second. */
void sync_stop(SyncThread *t);

/* One full round on the calling thread (content, attachments, feedback,
 * heartbeat), for tests and `kioskctl sync`. */
int sync_run_once(const Config *cfg, Err *err);

#endif
