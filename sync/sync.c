/* sync.c — the background sync thread and one sync round.
 *
 * A round is: heartbeat (when due), feedback upload, content (a long-poll
 * in the thread), attachments, cache clean-up.  Each step writes the store
 * through this thread's own connection; the outcome of the round goes to
 * sync_state for the screen's sync mark.  The protocol is docs/PROTOCOL.md,
 * the kiosk-side behaviour docs/SYNC.md. */
#include "sync.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"
#include "blobs.h"
#include "feed.h"
#include "http.h"
#include "log.h"
#include "store.h"

#define SYNC_LONG_POLL_S 50           /* under the 60 s many NAT routers allow an idle TCP */
#define SYNC_FEEDBACK_BATCH 100       /* the protocol's limit per POST */
#define SYNC_FEEDBACK_PER_ROUND 1000
#define SYNC_DISK_RESERVE (64LL << 20) /* never fill the disk the database lives on */
#define SYNC_GC_EVERY_S 3600
#define SYNC_JSON_MAX (1024 * 1024)
#define SYNC_BLOB_MAX (32LL * 1024 * 1024)

typedef enum { ROUND_OK, ROUND_ABORTED, ROUND_ERROR, ROUND_OFFLINE } RoundResult;

/* Everything one sync loop keeps between rounds. */
typedef struct Session {
    const Config *cfg;
    Store *store;
    HttpClient *http;                 /* NULL for a file:// source */
    char folder[1024];                /* the file:// source */
    SyncNotify notify;
    void *ctx;
    bool want_snapshot;               /* a resync command, or a delta that did not apply */
    bool recheck_cache;               /* a resync command: hash every cached file again */
    bool idle_quick;                  /* the last content answer came at once with nothing new */
    time_t started_at, heartbeat_at, gc_at;
    time_t feed_mtime;                /* file://: the feed.json last imported */
    off_t feed_size;
    char error[512];                  /* the first failure of the current round */
} Session;

struct SyncThread {
    Config cfg;
    SyncNotify notify;
    void *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool poked;
    atomic_bool stop, poke;
};

static time_t started_at;             /* process start, for the uptime in heartbeats */

static void tell(Session *ss, SyncEvent ev)
{
    if (ss->notify) ss->notify(ss->ctx, ev);
}

/* Cuts a message to whole UTF-8 characters and replaces control
 * characters and invalid bytes, so that it is one line of valid text (a
 * hostile server's message may hold anything; the heartbeat sends it on). */
static void clean_line(char *s, size_t max)
{
    size_t in = 0, out = 0, n = strlen(s);
    while (in < n && out < max) {
        unsigned char c = (unsigned char)s[in];
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool whole = len > 0 && in + (size_t)len <= n;
        for (int k = 1; whole && k < len; k++) whole = ((unsigned char)s[in + k] >> 6) == 2;
        if (!whole || c < 0x20 || c == 0x7f) {
            s[out++] = c < 0x20 ? ' ' : '?';
            in++;
            continue;
        }
        if (out + (size_t)len > max) break;
        memmove(s + out, s + in, (size_t)len);
        out += (size_t)len;
        in += (size_t)len;
    }
    s[out] = '\0';
}

/* Keeps the first failure of a round, on one line. */
static RoundResult fail(Session *ss, RoundResult kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static RoundResult fail(Session *ss, RoundResult kind, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clean_line(msg, 480);
    log_warn("sync: %s", msg);
    if (!ss->error[0]) snprintf(ss->error, sizeof ss->error, "%s", msg);
    return kind;
}

/* The failure of a transfer that brought no answer. */
static RoundResult transfer_failed(Session *ss, const HttpResponse *resp, const Err *e)
{
    if (resp->aborted) return ROUND_ABORTED;
    return fail(ss, resp->unreachable ? ROUND_OFFLINE : ROUND_ERROR, "%s", e->msg);
}

static RoundResult answer_failed(Session *ss, const char *what, const HttpResponse *resp)
{
    char why[400];
    http_describe_error(resp, why, sizeof why);
    return fail(ss, ROUND_ERROR, "%s: %s", what, why);
}

static RoundResult worse(RoundResult a, RoundResult b) { return a > b ? a : b; }

/* A network failure or a stop ends the round; a server error in one step
 * does not keep the other steps from being tried. */
static bool round_goes_on(RoundResult r) { return r == ROUND_OK || r == ROUND_ERROR; }

static int64_t free_disk_bytes(const char *path)
{
    struct statvfs v;
    if (statvfs(path, &v) != 0) return -1;
    return (int64_t)v.f_bavail * (int64_t)v.f_frsize;
}

/* ---- content ------------------------------------------------------------ */

static RoundResult apply_feed(Session *ss, const char *data, size_t len, bool *changed, Err *e)
{
    FeedResult res;
    if (feed_import_buffer(ss->store, data, len, &res, e)) return ROUND_ERROR;
    ss->want_snapshot = false;
    if (res.unchanged) return ROUND_OK;
    log_info("sync: %s applied, now at revision %lld (%d changes, %d deletions)", res.snapshot ? "snapshot" : "delta",
             (long long)res.revision, res.upserts, res.deletes);
    *changed = true;
    return ROUND_OK;
}

static RoundResult request_content(Session *ss, int64_t since, int wait_s, bool *changed)
{
    char path[128], etag[40];
    snprintf(path, sizeof path, "/v1/content?since=%lld&wait=%d", (long long)since, wait_s);
    snprintf(etag, sizeof etag, "\"%lld\"", (long long)since);
    HttpRequest req = {.method = "GET", .path = path, .if_none_match = since > 0 ? etag : NULL,
                       .wait_s = wait_s, .interruptible = wait_s > 0, .max_bytes = FEED_MAX_BYTES};
    HttpResponse resp;
    Err e;
    time_t t0 = time(NULL);
    if (http_send(ss->http, &req, &resp, &e)) {
        http_response_free(&resp);
        return transfer_failed(ss, &resp, &e);
    }
    RoundResult r = ROUND_OK;
    if (resp.status == 304) {
        ss->idle_quick = time(NULL) - t0 < wait_s / 2 || wait_s == 0;
    } else if (resp.status != 200) {
        r = answer_failed(ss, "content", &resp);
    } else if (apply_feed(ss, resp.body ? resp.body : "", resp.len, changed, &e) != ROUND_OK) {
        if (since > 0) {
            log_warn("sync: the server's changes do not apply to revision %lld (%s); asking for a snapshot",
                     (long long)since, e.msg);
            ss->want_snapshot = true;
            r = ROUND_ABORTED;      /* the caller asks again at once with since=0 */
        } else {
            r = fail(ss, ROUND_ERROR, "content: the server sent a feed this kiosk cannot apply (%s): %s",
                     resp.content_type[0] ? resp.content_type : "no type", e.msg);
        }
    } else {
        ss->idle_quick = !*changed && (time(NULL) - t0 < wait_s / 2 || wait_s == 0);
    }
    http_response_free(&resp);
    return r;
}

static RoundResult pull_content(Session *ss, int wait_s, bool *changed)
{
    int64_t since = ss->want_snapshot ? 0 : store_revision(ss->store);
    RoundResult r = request_content(ss, since, wait_s, changed);
    if (r == ROUND_ABORTED && ss->want_snapshot && since > 0) r = request_content(ss, 0, 0, changed);
    return r;
}

/* ---- attachments -------------------------------------------------------- */

static RoundResult fetch_blob(Session *ss, const StoreBlobRef *ref)
{
    int64_t free_bytes = free_disk_bytes(ss->cfg->cache_dir);
    if (free_bytes >= 0 && free_bytes < ref->size + SYNC_DISK_RESERVE)
        return fail(ss, ROUND_ERROR, "attachment %.12s…: only %lld MB free on disk; not downloading", ref->sha256,
                    (long long)(free_bytes >> 20));
    char path[128];
    snprintf(path, sizeof path, "/v1/blobs/%s", ref->sha256);
    int64_t limit = ref->size > 0 && ref->size <= SYNC_BLOB_MAX ? ref->size : SYNC_BLOB_MAX;
    HttpRequest req = {.method = "GET", .path = path, .max_bytes = (size_t)limit};
    HttpResponse resp;
    Err e;
    if (http_send(ss->http, &req, &resp, &e)) {
        http_response_free(&resp);
        return transfer_failed(ss, &resp, &e);
    }
    RoundResult r = ROUND_OK;
    if (resp.status != 200)
        r = answer_failed(ss, path, &resp);
    else if (blobs_put_buffer(ss->cfg->cache_dir, resp.body ? resp.body : "", resp.len, ref->sha256, ref->size, &e))
        r = fail(ss, ROUND_ERROR, "%s; rejected, it will be fetched again", e.msg);
    else if (store_blob_set_present(ss->store, ref->sha256, true, &e))
        r = fail(ss, ROUND_ERROR, "%s", e.msg);
    http_response_free(&resp);
    return r;
}

static RoundResult fetch_blobs(Session *ss, atomic_bool *stop, bool *changed)
{
    StoreBlobRef *refs;
    int n;
    Err e;
    if (store_blobs_missing(ss->store, &refs, &n, &e)) return fail(ss, ROUND_ERROR, "%s", e.msg);
    RoundResult worst = ROUND_OK;
    int got = 0;
    for (int i = 0; i < n && !atomic_load(stop); i++) {
        /* Already on disk and intact (e.g. after a resync): just mark it. */
        RoundResult r = ROUND_OK;
        if (blobs_verify(ss->cfg->cache_dir, refs[i].sha256, NULL) == 0) {
            if (store_blob_set_present(ss->store, refs[i].sha256, true, &e)) r = fail(ss, ROUND_ERROR, "%s", e.msg);
        } else {
            r = fetch_blob(ss, &refs[i]);
        }
        if (r == ROUND_OK) got++;
        worst = worse(worst, r);
        if (r == ROUND_OFFLINE || r == ROUND_ABORTED) break;
    }
    free(refs);
    if (got > 0) {
        log_info("sync: %d attachment(s) arrived", got);
        *changed = true;
    }
    return worst;
}

/* After a resync: every cached file is hashed again, and one that no
 * longer matches (a failing disk, a hand-edited cache) is fetched anew. */
static RoundResult recheck_cache(Session *ss, bool *changed)
{
    StoreBlobRef *refs;
    int n, bad = 0;
    Err e;
    if (store_blobs_present(ss->store, &refs, &n, &e)) return fail(ss, ROUND_ERROR, "%s", e.msg);
    for (int i = 0; i < n; i++) {
        if (blobs_verify(ss->cfg->cache_dir, refs[i].sha256, &e) == 0) continue;
        log_warn("sync: cached file no longer good, fetching it again: %s", e.msg);
        store_blob_set_present(ss->store, refs[i].sha256, false, NULL);
        bad++;
    }
    free(refs);
    ss->recheck_cache = false;
    if (bad > 0) *changed = true;   /* items using them are hidden until the new copy is in */
    log_info("sync: re-checked %d cached file(s), %d bad", n, bad);
    return ROUND_OK;
}

static void collect_garbage(Session *ss, bool content_changed)
{
    time_t now = time(NULL);
    if (!content_changed && now - ss->gc_at < SYNC_GC_EVERY_S) return;
    ss->gc_at = now;
    int removed = 0;
    Err e;
    if (blobs_collect_garbage(ss->store, ss->cfg->cache_dir, (int64_t)ss->cfg->cache_budget_mb << 20, &removed, &e))
        log_warn("sync: cache clean-up: %s", e.msg);
    else if (removed > 0)
        log_info("sync: removed %d cached file(s) nothing refers to any more", removed);
}

/* ---- feedback ----------------------------------------------------------- */

static json_t *feedback_json(const StoreFeedback *f)
{
    char created[40];
    feed_format_time(f->created_at, created, sizeof created);
    json_t *reasons = json_loads(f->reasons, 0, NULL);
    if (!json_is_array(reasons)) {
        json_decref(reasons);
        reasons = json_array();
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:s, s:s, s:s, s:s}", "id", f->id, "kind",
                     feedback_kind_word(f->kind), "item", f->target_item, "category", f->target_category, "rating",
                     f->rating, "rating_levels", f->rating_levels, "reasons", reasons, "comment", f->comment, "name",
                     f->name, "phone", f->phone, "created_at", created);
}

static bool in_batch(const StoreFeedback *batch, int n, const char *id)
{
    for (int i = 0; id && i < n; i++)
        if (strcmp(batch[i].id, id) == 0) return true;
    return false;
}

/* Marks sent exactly the ids the server acknowledged; notes the reason on
 * those it rejected.  Returns how many were marked. */
static int apply_feedback_answer(Session *ss, const StoreFeedback *batch, int n, json_t *answer)
{
    int marked = 0;
    size_t i;
    json_t *v;
    Err e;
    json_array_foreach(json_object_get(answer, "acknowledged"), i, v)
    {
        const char *id = json_string_value(v);
        if (!in_batch(batch, n, id)) continue;
        if (store_feedback_mark_sent(ss->store, id, time(NULL), &e))
            log_warn("sync: %s", e.msg);
        else
            marked++;
    }
    json_array_foreach(json_object_get(answer, "rejected"), i, v)
    {
        const char *id = json_string_value(json_object_get(v, "id"));
        const char *msg = json_string_value(json_object_get(v, "message"));
        if (!in_batch(batch, n, id)) continue;
        log_warn("sync: the server refused feedback %s: %s", id, msg ? msg : "no reason given");
        store_feedback_note_attempt(ss->store, id, msg ? msg : "refused by the server", NULL);
    }
    return marked;
}

static void note_attempts(Session *ss, const StoreFeedback *batch, int n, const char *why)
{
    for (int i = 0; i < n; i++) store_feedback_note_attempt(ss->store, batch[i].id, why, NULL);
}

static RoundResult post_feedback_batch(Session *ss, const StoreFeedback *batch, int n, int *marked, long *status)
{
    json_t *list = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(list, feedback_json(&batch[i]));
    json_t *doc = json_pack("{s:o}", "submissions", list);
    char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!body) return fail(ss, ROUND_ERROR, "feedback: out of memory");
    HttpRequest req = {.method = "POST", .path = "/v1/feedback", .body = body, .max_bytes = SYNC_JSON_MAX};
    HttpResponse resp;
    Err e;
    int rc = http_send(ss->http, &req, &resp, &e);
    free(body);
    RoundResult r = ROUND_OK;
    *status = rc == 0 ? resp.status : 0;
    json_t *answer = rc == 0 && resp.status == 200 && resp.body ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
    if (rc != 0)
        r = transfer_failed(ss, &resp, &e);
    else if (resp.status != 200)
        r = answer_failed(ss, "feedback", &resp);
    else if (!json_is_object(answer))
        r = fail(ss, ROUND_ERROR, "feedback: the server's answer is not the expected JSON");
    else
        *marked += apply_feedback_answer(ss, batch, n, answer);
    if (r != ROUND_OK && r != ROUND_ABORTED) note_attempts(ss, batch, n, ss->error);
    json_decref(answer);
    http_response_free(&resp);
    return r;
}

/* A batch the server refuses as a whole (400) is sent again one by one,
 * so that one submission it cannot take does not hold up the others. */
static RoundResult post_feedback(Session *ss, const StoreFeedback *batch, int n, int *marked)
{
    long status = 0;
    RoundResult r = post_feedback_batch(ss, batch, n, marked, &status);
    if (status != 400 || n == 1) return r;
    r = ROUND_OK;
    for (int i = 0; i < n && round_goes_on(r); i++) r = worse(r, post_feedback_batch(ss, batch + i, 1, marked, &status));
    return r;
}

static RoundResult push_feedback(Session *ss)
{
    StoreFeedback *pending;
    int n;
    Err e;
    if (store_feedback_pending(ss->store, SYNC_FEEDBACK_PER_ROUND, &pending, &n, &e))
        return fail(ss, ROUND_ERROR, "%s", e.msg);
    RoundResult r = ROUND_OK;
    int marked = 0;
    for (int first = 0; first < n && round_goes_on(r); first += SYNC_FEEDBACK_BATCH) {
        int count = n - first < SYNC_FEEDBACK_BATCH ? n - first : SYNC_FEEDBACK_BATCH;
        r = worse(r, post_feedback(ss, pending + first, count, &marked));
    }
    store_free(pending);
    if (marked > 0) {
        log_info("sync: %d feedback submission(s) delivered", marked);
        tell(ss, SYNC_ANSWERS_CHANGED);
    }
    return r;
}

/* ---- heartbeat ---------------------------------------------------------- */

static bool one_line(const char *s, size_t max)
{
    if (!s || strlen(s) > max) return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20) return false;
    return true;
}

static bool valid_hours(const char *s)
{
    int h1, m1, h2, m2;
    char tail;
    if (!s || !*s) return s != NULL;
    return sscanf(s, "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) == 4 && strlen(s) == 11 && h1 < 24 &&
           h2 < 24 && m1 < 60 && m2 < 60 && h1 >= 0 && h2 >= 0 && m1 >= 0 && m2 >= 0;
}

static bool valid_reasons(json_t *v)
{
    size_t i;
    json_t *r;
    if (!json_is_array(v) || json_array_size(v) > CONFIG_MAX_REASONS) return false;
    json_array_foreach(v, i, r) if (!json_is_string(r) || !one_line(json_string_value(r), 60)) return false;
    return true;
}

/* One setting as the text kept in sync_state; false when the server's
 * value is not acceptable. */
static bool setting_text(const char *key, json_t *v, char *buf, size_t size)
{
    if (strcmp(key, "unit_name") == 0 && json_is_string(v) && one_line(json_string_value(v), 250))
        return snprintf(buf, size, "%s", json_string_value(v)) > 0;
    if (strcmp(key, "ticker_speed") == 0 && json_is_integer(v) && json_integer_value(v) >= 20 &&
        json_integer_value(v) <= 400)
        return snprintf(buf, size, "%lld", (long long)json_integer_value(v)) > 0;
    if (strcmp(key, "screen_on") == 0 && json_is_string(v) && valid_hours(json_string_value(v)))
        return snprintf(buf, size, "%s", json_string_value(v)) >= 0;
    if (strcmp(key, "reasons") == 0 && valid_reasons(v)) {
        char *text = json_dumps(v, JSON_COMPACT);
        bool ok = text && snprintf(buf, size, "%s", text) < (int)size;
        free(text);
        return ok;
    }
    return false;
}

/* The server sends only the settings an admin has set; one it no longer
 * sends is cleared to "" (not set: kiosk.conf applies again).  A value the
 * kiosk cannot accept is ignored and the previous one kept. */
static void apply_settings(Session *ss, json_t *settings)
{
    static const char *const keys[] = {"unit_name", "ticker_speed", "screen_on", "reasons"};
    bool changed = false;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(settings, keys[i]);
        char value[1024] = "", key[64], old[1024];
        if (v && !setting_text(keys[i], v, value, sizeof value)) {
            log_warn("sync: the server's setting %s is not acceptable; ignored", keys[i]);
            continue;
        }
        snprintf(key, sizeof key, "setting.%s", keys[i]);
        store_state_get(ss->store, key, old, sizeof old);
        if (strcmp(old, value) == 0) continue;
        Err e;
        if (store_state_set(ss->store, key, value, &e)) {
            log_warn("sync: %s", e.msg);
            continue;
        }
        log_info("sync: setting %s is now \"%s\"", keys[i], value);
        changed = true;
    }
    if (changed) tell(ss, SYNC_STATUS_CHANGED);
}

static void apply_commands(Session *ss, json_t *commands)
{
    size_t i;
    json_t *v;
    json_array_foreach(commands, i, v)
    {
        const char *cmd = json_string_value(v);
        if (cmd && strcmp(cmd, "resync") == 0) {
            log_info("sync: the server asked for a resync; re-checking the cache and fetching a full snapshot");
            ss->want_snapshot = true;
            ss->recheck_cache = true;
        } else {
            log_warn("sync: unknown command from the server ignored");
        }
    }
}

static char *heartbeat_body(Session *ss)
{
    char state[32], last_error[512], now_text[40];
    store_state_get(ss->store, "sync.state", state, sizeof state);
    store_state_get(ss->store, "sync.last_error", last_error, sizeof last_error);
    if (strcmp(state, "ok") == 0) last_error[0] = '\0';
    feed_format_time(time(NULL), now_text, sizeof now_text);
    json_t *o = json_pack("{s:s, s:I, s:i, s:s, s:I, s:I, s:s}", "app_version", SYNC_APP_VERSION, "revision",
                          (json_int_t)store_revision(ss->store), "outbox", store_feedback_outbox_length(ss->store),
                          "last_error", last_error, "uptime", (json_int_t)(time(NULL) - ss->started_at), "free_disk",
                          (json_int_t)free_disk_bytes(ss->cfg->cache_dir), "time", now_text);
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return body;
}

static RoundResult send_heartbeat(Session *ss, bool force)
{
    time_t now = time(NULL);
    if (!force && ss->heartbeat_at && now - ss->heartbeat_at < ss->cfg->sync_interval_s) return ROUND_OK;
    char *body = heartbeat_body(ss);
    if (!body) return fail(ss, ROUND_ERROR, "heartbeat: out of memory");
    HttpRequest req = {.method = "POST", .path = "/v1/heartbeat", .body = body, .max_bytes = SYNC_JSON_MAX};
    HttpResponse resp;
    Err e;
    int rc = http_send(ss->http, &req, &resp, &e);
    free(body);
    json_t *answer = rc == 0 && resp.status == 200 && resp.body ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
    RoundResult r = ROUND_OK;
    if (rc != 0)
        r = transfer_failed(ss, &resp, &e);
    else if (resp.status != 200)
        r = answer_failed(ss, "heartbeat", &resp);
    else if (!json_is_object(answer))
        r = fail(ss, ROUND_ERROR, "heartbeat: the server's answer is not the expected JSON");
    else {
        ss->heartbeat_at = now;
        apply_settings(ss, json_object_get(answer, "settings"));
        apply_commands(ss, json_object_get(answer, "commands"));
    }
    json_decref(answer);
    http_response_free(&resp);
    return r;
}

/* ---- a folder source (file://) ----------------------------------------- */

static RoundResult read_feed_file(Session *ss, const char *path, const struct stat *st, bool *changed)
{
    if (st->st_size > FEED_MAX_BYTES) return fail(ss, ROUND_ERROR, "%s: larger than a feed may be", path);
    FILE *f = fopen(path, "rb");
    if (!f) return fail(ss, ROUND_OFFLINE, "%s: cannot open: %s", path, strerror(errno));
    char *data = malloc((size_t)st->st_size + 1);
    size_t len = data ? fread(data, 1, (size_t)st->st_size, f) : 0;
    fclose(f);
    if (!data) return fail(ss, ROUND_ERROR, "out of memory");
    /* Import only when the file is at another revision than the store:
     * a USB stick left in the kiosk is read again and again. */
    json_t *root = json_loadb(data, len, 0, NULL);
    json_t *rev = json_object_get(root, "revision");
    bool same = json_is_integer(rev) && json_integer_value(rev) == store_revision(ss->store) && !ss->want_snapshot;
    json_decref(root);
    RoundResult r = ROUND_OK;
    Err e;
    if (!same && apply_feed(ss, data, len, changed, &e) != ROUND_OK) r = fail(ss, ROUND_ERROR, "%s: %s", path, e.msg);
    free(data);
    if (r == ROUND_OK) {
        ss->feed_mtime = st->st_mtime;
        ss->feed_size = st->st_size;
    }
    return r;
}

static RoundResult local_round(Session *ss, bool *changed)
{
    char path[1100];
    struct stat st;
    snprintf(path, sizeof path, "%s/feed.json", ss->folder);
    if (stat(path, &st) != 0)
        return fail(ss, ROUND_OFFLINE, "%s: %s (is the USB stick or folder there?)", path, strerror(errno));
    RoundResult r = ROUND_OK;
    if (st.st_mtime != ss->feed_mtime || st.st_size != ss->feed_size) r = read_feed_file(ss, path, &st, changed);
    if (r != ROUND_OK) return r;
    int fetched = 0;
    Err e;
    if (blobs_fetch_local(ss->store, ss->cfg->cache_dir, ss->folder, &fetched, &e))
        return fail(ss, ROUND_ERROR, "%s", e.msg);
    if (fetched > 0) *changed = true;
    return ROUND_OK;
}

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
        tell(ss, SYNC_STATUS_CHANGED);
    }
}

static RoundResult sync_round(Session *ss, int wait_s, bool force_heartbeat, atomic_bool *stop)
{
    bool changed = false;
    ss->error[0] = '\0';
    ss->idle_quick = true;
    RoundResult r = ROUND_OK;
    if (!ss->http) {
        r = local_round(ss, &changed);
    } else {
        r = send_heartbeat(ss, force_heartbeat);
        if (round_goes_on(r)) r = worse(r, push_feedback(ss));
        if (round_goes_on(r) && ss->recheck_cache) r = worse(r, recheck_cache(ss, &changed));
        if (round_goes_on(r)) r = worse(r, pull_content(ss, wait_s, &changed));
        if (round_goes_on(r) && !atomic_load(stop)) r = worse(r, fetch_blobs(ss, stop, &changed));
    }
    collect_garbage(ss, changed);
    if (changed) {
        tell(ss, SYNC_CONTENT_CHANGED);
        tell(ss, SYNC_ANSWERS_CHANGED);
    }
    record_status(ss, r);
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
    HttpOptions opt = {.base_url = url, .token = cfg->token, .kiosk_id = cfg->kiosk_id, .ca_file = cfg->ca_file,
                       .user_agent = "dangwu-kiosk/" SYNC_APP_VERSION, .connect_timeout_s = cfg->connect_timeout_s,
                       .stall_timeout_s = 3 * cfg->connect_timeout_s, .stop = stop, .poke = poke};
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
    RoundResult r = sync_round(&ss, 0, true, &stop);
    int rc = r == ROUND_OK ? 0 : err_set(err, "%s", ss.error[0] ? ss.error : "sync interrupted");
    session_close(&ss);
    return rc;
}

/* ---- the thread --------------------------------------------------------- */

/* Sleeps until the delay is over, a poke or a stop. */
static void wait_for(SyncThread *t, int delay_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += delay_ms / 1000;
    until.tv_nsec += (long)(delay_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
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

static int next_delay_ms(const Session *ss, RoundResult r, Backoff *b)
{
    if (r == ROUND_ABORTED) return 0;
    if (r != ROUND_OK) return backoff_next_ms(b);
    backoff_reset(b);
    /* A folder has no long-poll, and a server that answers at once
     * without holding the request must not be asked in a tight loop. */
    if (!ss->http || ss->idle_quick) return ss->cfg->sync_interval_s * 1000;
    return 0;
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
    backoff_reset(&b);
    bool first = true;
    while (!atomic_load(&t->stop)) {
        clear_poke(t);
        RoundResult r = sync_round(&ss, SYNC_LONG_POLL_S, first, &t->stop);
        first = false;
        if (atomic_load(&t->stop)) break;
        int delay = next_delay_ms(&ss, r, &b);
        if (r == ROUND_OFFLINE || r == ROUND_ERROR) log_info("sync: trying again in %d s", delay / 1000);
        if (delay > 0) wait_for(t, delay);
    }
    session_close(&ss);
    return NULL;
}

int sync_start(const Config *cfg, SyncNotify notify, void *ctx, SyncThread **out, Err *err)
{
    if (http_global_init(err)) return -1;
    if (!started_at) started_at = time(NULL);
    SyncThread *t = calloc(1, sizeof *t);
    if (!t) return err_set(err, "out of memory");
    t->cfg = *cfg;
    t->notify = notify;
    t->ctx = ctx;
    atomic_init(&t->stop, false);
    atomic_init(&t->poke, false);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, &attr);
    pthread_condattr_destroy(&attr);
    int rc = pthread_create(&t->thread, NULL, sync_main, t);
    if (rc != 0) {
        pthread_cond_destroy(&t->cond);
        pthread_mutex_destroy(&t->lock);
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
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
