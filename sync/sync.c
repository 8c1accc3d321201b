/* sync.c — the background sync threads and one sync round.
 *
 * A round is: heartbeat (when due), feedback upload, content (a long-poll
 * in the thread), attachments, cache clean-up — each step in its own file
 * (heartbeat.c, outbox.c, pull.c, folder.c for a file:// source).  Each
 * step writes the store through its thread's own connection; the outcome
 * of the round goes to sync_state for the screen's sync mark.
 *
 * Against a server, sync_start runs two threads: the sync thread (rounds,
 * with the content long-poll) and an image fetcher with its own store
 * connection and libcurl handle, which brings the images of applied
 * content that are still missing and cleans the cache.  So a publication
 * is never kept waiting behind image downloads; only the images of items
 * on screen now are fetched by the sync thread itself before their new
 * version is applied (pull.c), so that the old version stays visible
 * until the new one is whole.  sync_run_once does it all on the caller's
 * thread, one step after the other.  The protocol is docs/PROTOCOL.md, the
 * kiosk-side behaviour docs/SYNC.md. */
#include "sync.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"
#include "blobs.h"
#include "http.h"
#include "log.h"
#include "monoclock.h"
#include "screenshot.h"
#include "session.h"
#include "store.h"

#define SYNC_LONG_POLL_S 50 /* under the 60 s many NAT routers allow an idle TCP */
#define SYNC_MAX_VIEW_ITEMS 256 /* distinct items counted between two rounds */
#define SYNC_GC_EVERY_MS (3600 * 1000) /* the fetcher's clean-up when nothing else wakes it */

typedef struct {
    char item_id[PROTO_ID_MAX];
    char day[PROTO_DAY_SIZE]; /* the day the views were made (China Standard Time) */
    int64_t count;
} ViewTally;

struct SyncThread {
    Config cfg;
    SyncNotify notify;
    void *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool poked;
    atomic_bool stop, poke;
    ViewTally views[SYNC_MAX_VIEW_ITEMS]; /* under lock */
    int view_items;
    /* The image fetcher (fetcher_main), when the source is a server. */
    pthread_t fetcher;
    bool fetcher_running;
    pthread_cond_t fetch_cond;
    pthread_mutex_t cache_lock; /* Session.cache_lock of both threads */
    bool fetch_kicked; /* under lock: new content may lack images */
    RoundResult fetch_result; /* under lock: its last pass, for the sync mark */
    char fetch_error[512]; /* under lock */
    Lookup *lookup; /* the 查询办理结果 request slot, its own lock */
    Screenshot *shot; /* the remote screenshot slot, its own lock */
};

static time_t started_at; /* process start, for the uptime in heartbeats */

/* ---- a round ------------------------------------------------------------ */

static void record_status(Session *ss, RoundResult r)
{
    static const char *const words[] = {[ROUND_OK] = "ok", [ROUND_ERROR] = "error", [ROUND_OFFLINE] = "offline"};
    if (r == ROUND_ABORTED) return;
    char old[32], stamp[32];
    store_state_get(ss->store, "sync.state", old, sizeof old);
    Err e;
    int rc = store_state_set(ss->store, "sync.state", words[r], &e);
    if (rc == 0 && r == ROUND_OK) {
        snprintf(stamp, sizeof stamp, "%lld", (long long)time(NULL));
        rc = store_state_set(ss->store, "sync.last_ok", stamp, &e);
    }
    if (rc == 0 && r != ROUND_OK) rc = store_state_set(ss->store, "sync.last_error", ss->error, &e);
    if (rc != 0) log_warn("sync: cannot record the sync status: %s", e.msg);
    if (strcmp(old, words[r]) != 0) {
        log_info("sync: status %s", words[r]);
        session_tell(ss, SYNC_STATUS_CHANGED);
    }
}

static void kick_fetcher(SyncThread *t)
{
    pthread_mutex_lock(&t->lock);
    t->fetch_kicked = true;
    pthread_cond_signal(&t->fetch_cond);
    pthread_mutex_unlock(&t->lock);
}

/* The image fetcher's last pass joins the round's outcome on the sync
 * mark (an image that cannot be had shows as 同步异常 as before), without
 * slowing the sync thread's own schedule. */
static RoundResult with_fetcher_status(SyncThread *t, Session *ss, RoundResult r)
{
    if (!t || !t->fetcher_running) return r;
    pthread_mutex_lock(&t->lock);
    RoundResult f = t->fetch_result;
    if (f != ROUND_OK && f != ROUND_ABORTED && !ss->error[0])
        snprintf(ss->error, sizeof ss->error, "%s", t->fetch_error);
    pthread_mutex_unlock(&t->lock);
    return f == ROUND_ABORTED ? r : round_worse(r, f);
}

/* `t` is the running thread pair, NULL for sync_run_once: then the images
 * are fetched and the cache cleaned in the round itself. */
static RoundResult sync_round(Session *ss, int wait_s, bool force_heartbeat, atomic_bool *stop, SyncThread *t)
{
    bool fetcher = t && t->fetcher_running;
    bool changed = false;
    ss->error[0] = '\0';
    ss->idle_quick = true;
    ss->blob_failed = false;
    ss->retry_after_s = 0;
    RoundResult r = ROUND_OK;
    if (!ss->http) {
        r = sync_folder_round(ss, &changed);
    } else {
        bool called = ss->called;
        ss->called = false;
        r = sync_send_heartbeat(ss, force_heartbeat || called);
        if (round_goes_on(r)) r = round_worse(r, sync_push_feedback(ss));
        if (round_goes_on(r) && ss->recheck_cache) r = round_worse(r, sync_recheck_cache(ss, &changed));
        if (round_goes_on(r)) r = round_worse(r, sync_pull_content(ss, wait_s, &changed));
        /* Images still missing (of new items, or of older revisions); not
         * when one failed just now.  With a fetcher thread, it has them. */
        if (!fetcher && round_goes_on(r) && !ss->blob_failed && !atomic_load(stop))
            r = round_worse(r, sync_fetch_blobs(ss, stop, &changed));
    }
    if (!fetcher) sync_collect_garbage(ss, changed);
    if (changed) {
        if (fetcher) kick_fetcher(t);
        session_tell(ss, SYNC_CONTENT_CHANGED);
        session_tell(ss, SYNC_ANSWERS_CHANGED);
    }
    record_status(ss, with_fetcher_status(t, ss, r));
    return r;
}

static void session_close(Session *ss)
{
    http_client_free(ss->http);
    store_close(ss->store);
    ss->http = NULL;
    ss->store = NULL;
}

static int session_open(Session *ss, const Config *cfg, SyncNotify notify, void *ctx, atomic_bool *stop,
                        atomic_bool *poke, Err *err)
{
    memset(ss, 0, sizeof *ss);
    ss->cfg = cfg;
    ss->notify = notify;
    ss->ctx = ctx;
    ss->started_at = started_at ? started_at : time(NULL);
    ss->deadline_s = SYNC_DEADLINE_PER_CONNECT * (cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 10);
    if (blobs_mkdirs(cfg->cache_dir, err) || store_open(cfg->db_path, &ss->store, err)) return -1;
    const char *url = cfg->server_url;
    if (strncmp(url, "file://", 7) == 0) {
        const char *dir = url + 7;
        if (strncmp(dir, "localhost/", 10) == 0) dir += 9;
        snprintf(ss->folder, sizeof ss->folder, "%s", *dir ? dir : ".");
        return 0;
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        session_close(ss);
        return err_set(err, "server_url \"%s\" is neither https://, http:// nor file://", url);
    }
    if (strncmp(url, "http://", 7) == 0)
        log_warn("sync: %s is plain http: nothing is encrypted or authenticated on the way", url);
    HttpOptions opt = {.base_url = url,
                       .token = cfg->token,
                       .kiosk_id = cfg->kiosk_id,
                       .ca_file = cfg->ca_file,
                       .user_agent = "dangwu-kiosk/" SYNC_APP_VERSION,
                       .connect_timeout_s = cfg->connect_timeout_s,
                       .stall_timeout_s = 3 * cfg->connect_timeout_s,
                       .stop = stop,
                       .poke = poke};
    if (http_client_new(&opt, &ss->http, err)) {
        session_close(ss);
        return -1;
    }
    return 0;
}

int sync_run_once(const Config *cfg, Err *err)
{
    atomic_bool stop = false, poke = false;
    Session ss;
    if (session_open(&ss, cfg, NULL, NULL, &stop, &poke, err)) return -1;
    RoundResult r = sync_round(&ss, 0, true, &stop, NULL);
    int rc = r == ROUND_OK ? 0 : err_set(err, "%s", ss.error[0] ? ss.error : "sync interrupted");
    session_close(&ss);
    return rc;
}

/* ---- the thread --------------------------------------------------------- */

/* Sleeps until the delay is over, a poke or a stop. */
static void wait_for(SyncThread *t, int delay_ms)
{
    struct timespec until = monoclock_deadline(delay_ms);
    pthread_mutex_lock(&t->lock);
    while (!t->poked && !atomic_load(&t->stop))
        if (pthread_cond_timedwait(&t->cond, &t->lock, &until) == ETIMEDOUT) break;
    pthread_mutex_unlock(&t->lock);
}

static void clear_poke(SyncThread *t)
{
    pthread_mutex_lock(&t->lock);
    t->poked = false;
    atomic_store(&t->poke, false);
    pthread_mutex_unlock(&t->lock);
}

/* Adds count views of item_id made on day to the tally (under lock):
 * false when the tally is full. */
static bool tally_add(SyncThread *t, const char *item_id, const char *day, int64_t count)
{
    int i = 0;
    while (i < t->view_items && (strcmp(t->views[i].item_id, item_id) != 0 || strcmp(t->views[i].day, day) != 0)) i++;
    if (i == SYNC_MAX_VIEW_ITEMS) return false;
    if (i == t->view_items) {
        snprintf(t->views[i].item_id, sizeof t->views[i].item_id, "%s", item_id);
        snprintf(t->views[i].day, sizeof t->views[i].day, "%s", day);
        t->views[i].count = 0;
        t->view_items++;
    }
    t->views[i].count += count;
    return true;
}

void sync_count_view(SyncThread *t, const char *item_id)
{
    if (!t) return;
    /* The day is taken now, not when the tally reaches the store: a view
     * just before midnight belongs to its own day. */
    char day[PROTO_DAY_SIZE];
    feed_format_day((int64_t)time(NULL), day, sizeof day);
    pthread_mutex_lock(&t->lock);
    bool counted = tally_add(t, item_id, day, 1);
    pthread_mutex_unlock(&t->lock);
    if (!counted)
        log_warn("sync: %d items viewed since the last round; a view of %s is not counted", SYNC_MAX_VIEW_ITEMS,
                 item_id);
}

/* The views counted by the screen since the last round, into the store
 * through this thread's connection.  Counts that cannot be written go
 * back to the tally for the next round. */
static void store_views(SyncThread *t, Session *ss)
{
    ViewTally taken[SYNC_MAX_VIEW_ITEMS];
    pthread_mutex_lock(&t->lock);
    int n = t->view_items;
    memcpy(taken, t->views, (size_t)n * sizeof taken[0]);
    t->view_items = 0;
    pthread_mutex_unlock(&t->lock);
    for (int i = 0; i < n; i++) {
        Err e;
        if (store_item_viewed(ss->store, taken[i].item_id, taken[i].day, taken[i].count, &e) == 0) continue;
        log_warn("sync: views of %s kept for the next round: %s", taken[i].item_id, e.msg);
        pthread_mutex_lock(&t->lock);
        bool kept = tally_add(t, taken[i].item_id, taken[i].day, taken[i].count);
        pthread_mutex_unlock(&t->lock);
        if (!kept)
            log_warn("sync: the tally is full; %lld views of %s are lost", (long long)taken[i].count, taken[i].item_id);
    }
}

static int next_delay_ms(const Session *ss, RoundResult r, Backoff *b)
{
    if (r == ROUND_ABORTED) return 0;
    if (r != ROUND_OK) {
        /* A 429 or 503 that says when to come back is believed (up to an
         * hour); the back-off goes on growing meanwhile. */
        int delay = backoff_next_ms(b);
        return ss->retry_after_s * 1000 > delay ? ss->retry_after_s * 1000 : delay;
    }
    backoff_reset(b);
    /* A folder has no long-poll, and a server that answers at once
     * without holding the request must not be asked in a tight loop. */
    if (!ss->http || ss->idle_quick) return ss->cfg->sync_interval_s * 1000;
    return 0;
}

/* ---- the image fetcher -------------------------------------------------- */

/* Sleeps until kicked, the delay is over or a stop; whether it was kicked. */
static bool fetcher_wait(SyncThread *t, int delay_ms)
{
    struct timespec until = monoclock_deadline(delay_ms);
    pthread_mutex_lock(&t->lock);
    while (!t->fetch_kicked && !atomic_load(&t->stop))
        if (pthread_cond_timedwait(&t->fetch_cond, &t->lock, &until) == ETIMEDOUT) break;
    bool kicked = t->fetch_kicked;
    t->fetch_kicked = false;
    pthread_mutex_unlock(&t->lock);
    return kicked;
}

/* Brings every missing image of the applied content, one at a time
 * (streamed to disk: memory stays small whatever the images), then cleans
 * the cache.  An image that failed is tried again on the back-off, or at
 * once when the sync thread applies new content; the hourly clean-up comes
 * at the latest an hour after the last. */
static void *fetcher_main(void *arg)
{
    SyncThread *t = arg;
    Session fs;
    Backoff b;
    Err err;
    atomic_bool never = false; /* a poke cuts the long-poll, not an image */
    backoff_init(&b, BACKOFF_BASE_MS, BACKOFF_CAP_MS, (unsigned)time(NULL) ^ ((unsigned)getpid() << 8));
    while (!atomic_load(&t->stop) && session_open(&fs, &t->cfg, t->notify, t->ctx, &t->stop, &never, &err)) {
        log_error("sync: the image fetcher cannot start: %s", err.msg);
        fetcher_wait(t, backoff_next_ms(&b));
    }
    if (atomic_load(&t->stop)) return NULL;
    fs.cache_lock = &t->cache_lock;
    backoff_reset(&b);
    bool kicked = true; /* new content: what it no longer uses may go */
    while (!atomic_load(&t->stop)) {
        bool changed = false;
        fs.error[0] = '\0';
        fs.retry_after_s = 0;
        RoundResult r = sync_fetch_blobs(&fs, &t->stop, &changed);
        sync_collect_garbage(&fs, changed || kicked);
        if (changed) session_tell(&fs, SYNC_CONTENT_CHANGED);
        pthread_mutex_lock(&t->lock);
        t->fetch_result = r;
        snprintf(t->fetch_error, sizeof t->fetch_error, "%s", fs.error);
        pthread_mutex_unlock(&t->lock);
        int delay = SYNC_GC_EVERY_MS;
        if (r == ROUND_OK || r == ROUND_ABORTED) {
            backoff_reset(&b);
        } else {
            delay = backoff_next_ms(&b);
            if (fs.retry_after_s * 1000 > delay) delay = fs.retry_after_s * 1000;
        }
        kicked = fetcher_wait(t, delay);
    }
    session_close(&fs);
    return NULL;
}

static void *sync_main(void *arg)
{
    SyncThread *t = arg;
    Session ss;
    Backoff b;
    Err err;
    backoff_init(&b, BACKOFF_BASE_MS, BACKOFF_CAP_MS, (unsigned)time(NULL) ^ (unsigned)getpid());
    while (!atomic_load(&t->stop) && session_open(&ss, &t->cfg, t->notify, t->ctx, &t->stop, &t->poke, &err)) {
        log_error("sync: cannot start: %s", err.msg);
        wait_for(t, backoff_next_ms(&b));
    }
    if (atomic_load(&t->stop)) return NULL;
    ss.shot = t->shot;
    backoff_reset(&b);
    /* A server source gets the image fetcher (a folder's round copies its
     * images itself); it starts with whatever is missing from before. */
    if (ss.http) {
        ss.cache_lock = &t->cache_lock;
        int rc = pthread_create(&t->fetcher, NULL, fetcher_main, t);
        if (rc == 0) t->fetcher_running = true;
        else log_warn("sync: no image fetcher (%s); images come in the sync rounds", strerror(rc));
    }
    bool first = true;
    while (!atomic_load(&t->stop)) {
        clear_poke(t);
        /* A visitor waits for this one: before the round, whose long-poll
         * the lookup's poke has just cut short. */
        lookup_serve(t->lookup, &ss);
        screenshot_serve(t->shot, &ss);
        store_views(t, &ss);
        RoundResult r = sync_round(&ss, SYNC_LONG_POLL_S, first, &t->stop, t);
        first = false;
        if (atomic_load(&t->stop)) break;
        int delay = next_delay_ms(&ss, r, &b);
        if (r == ROUND_OFFLINE || r == ROUND_ERROR) log_info("sync: trying again in %d s", delay / 1000);
        if (delay > 0) wait_for(t, delay);
    }
    store_views(t, &ss);
    session_close(&ss);
    return NULL;
}

/* libcurl is opened by the thread's first client (http.c), not here: the
 * UI thread draws its first frame meanwhile. */
int sync_start(const Config *cfg, SyncNotify notify, void *ctx, SyncThread **out, Err *err)
{
    if (!started_at) started_at = time(NULL);
    SyncThread *t = calloc(1, sizeof *t);
    if (!t) return err_set(err, "out of memory");
    if (lookup_new(&t->lookup, err)) {
        free(t);
        return -1;
    }
    if (screenshot_new(&t->shot, err)) {
        lookup_free(t->lookup);
        free(t);
        return -1;
    }
    t->cfg = *cfg;
    t->notify = notify;
    t->ctx = ctx;
    atomic_init(&t->stop, false);
    atomic_init(&t->poke, false);
    pthread_mutex_init(&t->lock, NULL);
    pthread_mutex_init(&t->cache_lock, NULL);
    monoclock_cond_init(&t->cond);
    monoclock_cond_init(&t->fetch_cond);
    int rc = pthread_create(&t->thread, NULL, sync_main, t);
    if (rc != 0) {
        pthread_cond_destroy(&t->fetch_cond);
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->cache_lock);
        pthread_mutex_destroy(&t->lock);
        lookup_free(t->lookup);
        screenshot_free(t->shot);
        free(t);
        return err_set(err, "cannot start the sync thread: %s", strerror(rc));
    }
    *out = t;
    return 0;
}

void sync_poke(SyncThread *t)
{
    if (!t) return;
    pthread_mutex_lock(&t->lock);
    t->poked = true;
    atomic_store(&t->poke, true);
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

void sync_stop(SyncThread *t)
{
    if (!t) return;
    pthread_mutex_lock(&t->lock);
    atomic_store(&t->stop, true);
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    /* The sync thread started the fetcher and has ended: no one else
     * touches fetcher_running now. */
    if (t->fetcher_running) {
        kick_fetcher(t);
        pthread_join(t->fetcher, NULL);
    }
    pthread_cond_destroy(&t->fetch_cond);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->cache_lock);
    pthread_mutex_destroy(&t->lock);
    lookup_free(t->lookup);
    screenshot_free(t->shot);
    free(t);
}

unsigned sync_lookup_ask(SyncThread *t, const char *digits)
{
    if (!t) return 0;
    unsigned ticket = lookup_ask(t->lookup, digits);
    sync_poke(t);
    return ticket;
}

int sync_lookup_take(SyncThread *t, unsigned ticket, LookupResult *out)
{
    return t ? lookup_take(t->lookup, ticket, out) : 1;
}

bool sync_screenshot_wanted(SyncThread *t) { return t && screenshot_wanted(t->shot); }

void sync_screenshot_give(SyncThread *t, unsigned char *rgb, int w, int h)
{
    if (!t) {
        free(rgb);
        return;
    }
    screenshot_give(t->shot, rgb, w, h);
    sync_poke(t);
}

void sync_screenshot_defer(SyncThread *t)
{
    if (t && screenshot_defer(t->shot)) sync_poke(t);
}
