/* session.h — what the steps of a sync round share (private to sync/).
 *
 * A Session is one sync loop's state: its store connection, its HTTP
 * client (or the folder of a file:// source), and what it remembers
 * between rounds.  Each step (content and attachments, the feedback
 * outbox, the heartbeat, a folder source) lives in its own file and
 * reports a RoundResult; the first failure of a round is kept in
 * Session.error for sync.last_error. */
#ifndef KIOSK_SYNC_SESSION_H
#define KIOSK_SYNC_SESSION_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "http.h"
#include "lookup.h"
#include "store.h"
#include "sync.h"

#define SYNC_JSON_MAX (1024 * 1024) /* any answer but a feed or an image */
#define SYNC_DEADLINE_PER_CONNECT 6 /* a whole exchange may take this many connect timeouts */

/* Ordered by how bad: a round's result is the worst of its steps. */
typedef enum { ROUND_OK, ROUND_ABORTED, ROUND_ERROR, ROUND_OFFLINE } RoundResult;

typedef struct Session {
    const Config *cfg;
    Store *store;
    HttpClient *http; /* NULL for a file:// source */
    char folder[1024]; /* the file:// source */
    SyncNotify notify;
    void *ctx;
    bool want_snapshot; /* a resync command, or a delta that did not apply */
    bool recheck_cache; /* a resync command: hash every cached file again */
    bool idle_quick; /* the last content answer came at once with nothing new */
    bool called; /* the server called (PROTO_CALL_HEADER): heartbeat in the next round, at once */
    bool blob_failed; /* this round: an image could not be had (not tried again) */
    int deadline_s; /* a whole exchange, besides its long-poll wait and byte allowance */
    int retry_after_s; /* this round: the longest Retry-After the server asked for */
    time_t started_at, heartbeat_at, gc_at;
    time_t feed_mtime; /* file://: the feed.json last imported */
    off_t feed_size;
    char error[512]; /* the first failure of the current round */
    /* Shared by the sync thread and the image fetcher (NULL when one
     * thread does it all): held from an image fetched for a document to
     * that document's apply, so that the cache clean-up, which deletes
     * the files no live item uses, never takes such an image meanwhile. */
    pthread_mutex_t *cache_lock;
    struct Screenshot *shot; /* the remote screenshot slot; NULL with no screen (kioskctl sync) */
} Session;

static inline RoundResult round_worse(RoundResult a, RoundResult b) { return a > b ? a : b; }
/* A network failure or a stop ends the round; a server error in one step
 * does not keep the other steps from being tried. */
static inline bool round_goes_on(RoundResult r) { return r == ROUND_OK || r == ROUND_ERROR; }

void session_tell(Session *ss, SyncEvent ev);
/* Logs the failure and keeps it (one clean line) if it is the round's first. */
RoundResult session_fail(Session *ss, RoundResult kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A transfer that brought no answer: offline, error, or aborted by a stop/poke. */
RoundResult session_transfer_failed(Session *ss, const HttpResponse *resp, const Err *e);
/* The server answered with an error status. */
RoundResult session_answer_failed(Session *ss, const char *what, const HttpResponse *resp);
/* POSTs a JSON body to path and wants a JSON object back: ROUND_OK with
 * *answer set (json_decref it), or the failure recorded as `what` and
 * *answer NULL.  *status is the HTTP status, 0 when none came. */
RoundResult session_post_json(Session *ss, const char *what, const char *path, const char *body, long *status,
                              json_t **answer);
int64_t sync_free_disk_bytes(const char *path);

/* pull.c: content (long-poll) and attachments */
RoundResult sync_apply_feed(Session *ss, const FeedDoc *doc, bool *changed, Err *e);
RoundResult sync_pull_content(Session *ss, int wait_s, bool *changed);
RoundResult sync_fetch_blobs(Session *ss, atomic_bool *stop, bool *changed);
RoundResult sync_recheck_cache(Session *ss, bool *changed);
void sync_collect_garbage(Session *ss, bool content_changed);

/* outbox.c */
RoundResult sync_push_feedback(Session *ss);

/* lookup.c: the receipt lookup slot (lookup.h) */
typedef struct Lookup Lookup;
int lookup_new(Lookup **out, Err *err);
void lookup_free(Lookup *l);
unsigned lookup_ask(Lookup *l, const char *digits);
int lookup_take(Lookup *l, unsigned ticket, LookupResult *out);
/* Serves the request waiting in the slot, if any (the sync thread). */
void lookup_serve(Lookup *l, Session *ss);

/* screenshot.c: the remote screenshot slot (screenshot.h) */
typedef struct Screenshot Screenshot;
int screenshot_new(Screenshot **out, Err *err);
void screenshot_free(Screenshot *s);
/* The server asked (a heartbeat command): true when it was not asked already. */
bool screenshot_ask(Screenshot *s);
bool screenshot_wanted(Screenshot *s);
void screenshot_give(Screenshot *s, unsigned char *rgb, int w, int h);
/* True the first time for a request. */
bool screenshot_defer(Screenshot *s);
/* Sends what the UI left in the slot: a deferral, a picture (the sync thread). */
void screenshot_serve(Screenshot *s, Session *ss);

/* heartbeat.c */
RoundResult sync_send_heartbeat(Session *ss, bool force);

/* folder.c: a file:// source */
RoundResult sync_folder_round(Session *ss, bool *changed);

#endif
