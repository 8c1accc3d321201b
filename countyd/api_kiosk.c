/* api_kiosk.c — the kiosk side of the protocol: content (with long-poll),
 * attachment files, feedback batches, heartbeats. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "blobfile.h"
#include "content.h"
#include "feedback.h"
#include "feedcache.h"
#include "gzip.h"
#include "log.h"
#include "feedgen.h"
#include "kiosks.h"
#include "longpoll.h"
#include "path.h"
#include "wire.h"

/* A whole number lo..hi from the query string; dflt when absent. */
static int query_int(Request *r, const char *name, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
    const char *v = http_query(r, name);
    *out = dflt;
    if (!v) return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || errno || n < lo || n > hi) {
        http_reply_error(r, 400, "bad_request", "%s: must be a whole number %lld..%lld", name, (long long)lo,
                         (long long)hi);
        return -1;
    }
    *out = n;
    return 0;
}

/* The revision in If-None-Match: "41" (or W/"41"); -1 when absent. */
static int64_t etag_revision(Request *r)
{
    const char *v = http_header(r, "If-None-Match");
    if (!v) return -1;
    if (strncmp(v, "W/", 2) == 0) v += 2;
    char *end;
    long long n = *v == '"' ? strtoll(v + 1, &end, 10) : -1;
    return n >= 0 && *end == '"' ? n : -1;
}

static void set_etag(Request *r, const char *value)
{
    char tag[80];
    snprintf(tag, sizeof tag, "\"%s\"", value);
    http_add_header(r, "ETag", tag);
}

/* What building a feed document needs (a FeedcacheBuild's ctx). */
typedef struct {
    Request *r;
    int64_t since;
    const char *plain; /* for the gzip copy: the plain text */
    size_t plain_len;
} Build;

static int build_plain(void *ctx, char **text, size_t *len, int64_t *rev, Err *err)
{
    Build *b = ctx;
    Cdb *db = http_db(b->r);
    if (!db) return 1;
    json_t *doc;
    if (feedgen_build(db, b->r->actor, b->since, &doc, rev, err)) return -1;
    if (!doc) return 0;
    *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!*text) return err_set(err, "out of memory");
    *len = strlen(*text);
    return 0;
}

static int build_gzip(void *ctx, char **text, size_t *len, int64_t *rev, Err *err)
{
    (void)rev;
    Build *b = ctx;
    return gzip_compress(b->plain, b->plain_len, text, len, err);
}

/* The gzip copy of a feed document, compressed once and cached under the
 * feed's name with "|gzip"; the plain text is freed.  On failure the
 * plain text is kept and goes out as it is. */
static bool content_gzip(const char *feed, int64_t key, int64_t rev, char **text, size_t *len)
{
    char gz_feed[FEEDCACHE_FEED_SIZE];
    snprintf(gz_feed, sizeof gz_feed, "%s|gzip", feed);
    Build b = {.plain = *text, .plain_len = *len};
    size_t gz_len;
    char *gz;
    int64_t gz_rev;
    Err err;
    int rc = feedcache_fetch(gz_feed, key, rev, build_gzip, &b, &gz, &gz_len, &gz_rev, &err);
    if (rc) log_warn("countyd: sending a feed uncompressed: %s", err.msg);
    if (rc || !gz) return false;
    free(*text);
    *text = gz;
    *len = gz_len;
    return true;
}

/* The feed text for the kiosk at `since` when its feed is at *rev (or
 * later): built once however many kiosks ask at the same time, then from
 * the cache.  *text is NULL when nothing is newer.  With `gzip`, a large
 * document comes compressed and *gzipped says so. */
static int content_text(Request *r, const FeedTarget *t, int64_t since, bool gzip, int64_t *rev, char **text,
                        size_t *len, bool *gzipped, Err *err)
{
    /* A kiosk moved after `since` gets a delta of its own; the others share
     * their organisation's. */
    char feed[FEEDCACHE_FEED_SIZE - 8];
    if (t->feed_base > since) snprintf(feed, sizeof feed, "kiosk:%s", r->actor);
    else snprintf(feed, sizeof feed, "%s", t->org);
    int64_t key = since <= 0 || since > *rev ? 0 : since;
    *gzipped = false;
    Build b = {.r = r, .since = since};
    int64_t doc_rev;
    int rc = feedcache_fetch(feed, key, *rev, build_plain, &b, text, len, &doc_rev, err);
    if (rc || !*text) return rc;
    /* The gzip copy is keyed by the revision the document is at: the same
     * document however often the plain one was built again. */
    *rev = doc_rev;
    if (gzip && *len >= GZIP_MIN_BYTES) *gzipped = content_gzip(feed, key, doc_rev, text, len);
    return 0;
}

/* Where the kiosk's feed stands now; -1 after answering. */
static int feed_target(Request *r, FeedTarget *t)
{
    Cdb *db = http_db(r);
    if (!db) return -1;
    Err err;
    int rc = feedgen_target(db, r->actor, t, &err);
    if (rc < 0) http_reply_internal(r, &err);
    if (rc > 0) http_reply_error(r, 401, "unauthorized", "kiosk %s is not registered", r->actor);
    return rc ? -1 : 0;
}

/* The answers of an organisation's feed, each made once: the kiosks that
 * were at the same revision get the very same bytes and headers, so that
 * when a publish wakes thousands of them one response goes to every
 * connection, with no copy and no headers of their own.  Keyed as the
 * feed cache is (organisation, since, revision asked for), and by whether
 * the kiosk took gzip; a few are kept, the oldest replaced. */
#define SHARED_ANSWERS 8
#define SHARED_ANSWER_MAX_BYTES (4 * 1024 * 1024)

typedef struct {
    char org[FEEDCACHE_FEED_SIZE];
    int64_t since, revision;
    bool gzip;
    HttpShared *answer;
} SharedAnswer;

static SharedAnswer shared_answers[SHARED_ANSWERS];
static size_t shared_next;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

/* With shared_lock held. */
static SharedAnswer *shared_find(const char *org, int64_t since, int64_t revision, bool gzip)
{
    for (size_t i = 0; i < SHARED_ANSWERS; i++) {
        SharedAnswer *a = &shared_answers[i];
        if (a->answer && a->since == since && a->revision == revision && a->gzip == gzip && strcmp(a->org, org) == 0)
            return a;
    }
    return NULL;
}

/* Answers r with the shared answer for this key, if there is one. */
static bool shared_reply(Request *r, const char *org, int64_t since, int64_t revision, bool gzip)
{
    pthread_mutex_lock(&shared_lock);
    SharedAnswer *a = shared_find(org, since, revision, gzip);
    HttpShared *answer = a ? http_shared_ref(a->answer) : NULL;
    pthread_mutex_unlock(&shared_lock);
    if (!answer) return false;
    http_reply_shared(r, answer);
    http_shared_release(answer);
    return true;
}

/* Keeps `answer` (one reference) for this key, unless another request
 * made one for it meanwhile; answers r with whichever is kept. */
static void shared_keep_and_reply(Request *r, const char *org, int64_t since, int64_t revision, bool gzip,
                                  HttpShared *answer)
{
    HttpShared *old = NULL;
    pthread_mutex_lock(&shared_lock);
    SharedAnswer *a = shared_find(org, since, revision, gzip);
    if (a) {
        old = answer;
        answer = a->answer;
    } else {
        a = &shared_answers[shared_next++ % SHARED_ANSWERS];
        old = a->answer;
        *a = (SharedAnswer){.since = since, .revision = revision, .gzip = gzip, .answer = answer};
        snprintf(a->org, sizeof a->org, "%s", org);
    }
    http_shared_ref(answer);
    pthread_mutex_unlock(&shared_lock);
    http_shared_release(old);
    http_reply_shared(r, answer);
    http_shared_release(answer);
}

/* Answers with the feed from `since` to t->revision: the document, or 304.
 * `database` is the database id every answer carries. */
static void content_answer(Request *r, const FeedTarget *t, int64_t since, const char *database)
{
    int64_t asked = t->revision, rev = asked;
    char *text = NULL;
    size_t len = 0;
    bool gzipped = false, gzip = false;
    /* A kiosk moved after `since` gets a delta of its own, not shared. */
    bool shared = t->feed_base <= since;
    int64_t key = since <= 0 || since > asked ? 0 : since;
    Err err;
    if (rev != since) {
        gzip = gzip_accepted(http_header(r, "Accept-Encoding"));
        if (shared && shared_reply(r, t->org, key, asked, gzip)) return;
        int rc = content_text(r, t, since, gzip, &rev, &text, &len, &gzipped, &err);
        if (rc > 0) return;
        if (rc < 0) return http_reply_internal(r, &err);
    }
    char tag[32], etag[40];
    snprintf(tag, sizeof tag, "%lld", (long long)rev);
    snprintf(etag, sizeof etag, "\"%s\"", tag);
    if (text && shared && len <= SHARED_ANSWER_MAX_BYTES) {
        HttpShared *answer = http_shared_new(200, text, len, "application/json; charset=utf-8");
        if (!answer) return http_reply_error(r, 503, "unavailable", "out of memory; try again later");
        http_shared_add_header(answer, "X-Database-Id", database);
        http_shared_add_header(answer, "ETag", etag);
        http_shared_add_header(answer, "Cache-Control", "no-store");
        http_shared_add_header(answer, "Vary", "Accept-Encoding");
        if (gzipped) http_shared_add_header(answer, "Content-Encoding", "gzip");
        return shared_keep_and_reply(r, t->org, key, asked, gzip, answer);
    }
    http_add_header(r, "X-Database-Id", database);
    set_etag(r, tag);
    http_add_header(r, "Cache-Control", "no-store");
    http_add_header(r, "Vary", "Accept-Encoding");
    if (!text) return http_reply_empty(r, 304);
    if (gzipped) http_add_header(r, "Content-Encoding", "gzip");
    http_reply_text(r, 200, text, len, "application/json; charset=utf-8");
}

/* A held content request: what it waits for, and how it ended. */
typedef struct {
    Request *r;
    FeedTarget target;
    int64_t since;
    LongpollEnd why;
    int64_t revision;
    LongpollTicket ticket;
    char database[24];
} Held;

/* On a worker, once the wait is over. */
static void content_resume(Request *r, void *arg)
{
    Held *h = arg;
    FeedTarget t = h->target;
    int64_t since = h->since;
    LongpollEnd why = h->why;
    int64_t revision = h->revision;
    char database[sizeof h->database];
    memcpy(database, h->database, sizeof database);
    free(h);
    if (why == LONGPOLL_STOPPING) return http_reply_error(r, 503, "unavailable", "the server is stopping");
    /* Its organisation's feed moved on: the kiosk's target is that feed at
     * the announced revision (the document may be newer still), known
     * without asking the database; after a move, read it again. */
    if (why == LONGPOLL_CHANGED_ORG) t.revision = revision;
    else if (why == LONGPOLL_CHANGED_KIOSK && feed_target(r, &t)) return;
    if (why == LONGPOLL_CALLED) http_add_header(r, PROTO_CALL_HEADER, PROTO_CALL_HEARTBEAT);
    content_answer(r, &t, since, database);
}

static void content_wake(void *ctx, LongpollEnd why, int64_t revision)
{
    Held *h = ctx;
    h->why = why;
    h->revision = revision;
    http_continue(h->r, content_resume, h);
}

/* The kiosk hung up while its request was held: its wait is given up at
 * once (it would cost a connection until the wait's end). */
static int content_gone(void *arg)
{
    Held *h = arg;
    return longpoll_cancel(&h->ticket);
}

static void content_release(Request *r, void *arg)
{
    free(arg);
    /* Nobody reads it: the answer only lets libmicrohttpd close the connection. */
    http_reply_empty(r, 204);
}

void api_content(Request *r)
{
    App *app = r->app;
    int64_t since, wait;
    if (query_int(r, "since", 0, INT64_MAX, -1, &since) || query_int(r, "wait", 0, 120, 0, &wait)) return;
    if (since < 0) since = etag_revision(r) >= 0 ? etag_revision(r) : 0;
    if (wait > app->max_wait_s) wait = app->max_wait_s;
    FeedTarget t;
    if (feed_target(r, &t)) return;
    /* Which database the revisions count in (every answer says it; a held
     * request keeps it, not a header of its own): a kiosk that sees another
     * one resyncs; one that sees an older revision of the same refuses it. */
    char database[24];
    Err err;
    if (cdb_database_id(http_db(r), database, sizeof database, &err)) return http_reply_internal(r, &err);
    if (t.revision == since && wait > 0) {
        /* Nothing new: hold the request, without a thread or a database
         * connection, until this kiosk's own feed changes. */
        Held *h = malloc(sizeof *h);
        if (!h) return http_reply_error(r, 503, "unavailable", "out of memory; try again later");
        *h = (Held){.r = r, .target = t, .since = since};
        memcpy(h->database, database, sizeof h->database);
        http_hold(r, content_gone, content_release, h);
        int64_t now;
        int rc = longpoll_hold(t.org, r->actor, since, (int)wait, content_wake, h, &h->ticket, &now);
        if (rc == 0) return; /* r belongs to the wake-up now */
        http_hold_cancel(r);
        free(h);
        if (rc < 0) return http_reply_error(r, 503, "unavailable", "the server is stopping");
        /* It changed while this request looked: read where it is now. */
        if (feed_target(r, &t)) return;
    }
    content_answer(r, &t, since, database);
}

void api_blob(Request *r)
{
    const char *sha = r->params[0];
    if (!proto_sha256_valid(sha))
        return http_reply_error(r, 400, "bad_request", "a blob is named by its sha256 in 64 lowercase hex digits");
    Cdb *db = http_db(r);
    if (!db) return;
    char type[32];
    int64_t size;
    Err err;
    int found = content_blob_info(db, sha, type, sizeof type, &size, &err);
    bool on_kiosks = false;
    if (found == 0 && content_blob_on_kiosks(db, sha, &on_kiosks, &err)) found = -1;
    if (found < 0) return http_reply_internal(r, &err);
    if (found == 1 || !on_kiosks)
        return http_reply_error(r, 404, "not_found", "no published attachment has this sha256");
    api_send_blob(r, sha, type, size);
}

void api_send_blob(Request *r, const char *sha, const char *type, int64_t size)
{
    App *app = r->app;
    set_etag(r, sha);
    http_add_header(r, "Cache-Control", "public, max-age=31536000, immutable");
    const char *inm = http_header(r, "If-None-Match");
    if (inm && strstr(inm, sha)) return http_reply_empty(r, 304);
    char path[PATH_MAX];
    Err err;
    if (blobs_path(app->blob_dir, sha, path, sizeof path, &err)) return http_reply_internal(r, &err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || st.st_size != size) {
        if (fd >= 0) close(fd);
        err_set(&err, "blob %s is in the database but its file %s is missing or has the wrong size", sha, path);
        return http_reply_internal(r, &err);
    }
    http_reply_file(r, fd, size, type);
}

void api_feedback(Request *r)
{
    json_t *body = http_body_json(r);
    if (!body) return;
    Cdb *db = http_db(r);
    json_t *ack, *rej;
    Err err;
    int rc = db ? feedback_store_batch(db, &((App *)r->app)->case_rules, r->actor, json_object_get(body, "submissions"),
                                       &ack, &rej, &err)
                : 0;
    json_decref(body);
    if (!db) return;
    if (rc) return api_reply_failure(r, &err);
    http_reply_json(r, 200, json_pack("{s:o,s:o}", "acknowledged", ack, "rejected", rej));
}

void api_heartbeat(Request *r)
{
    json_t *body = http_body_json(r);
    if (!body) return;
    Cdb *db = http_db(r);
    json_t *answer;
    Err err;
    char addr[64];
    int rc = db ? kiosk_heartbeat(db, r->actor, body, http_client_address(r, addr, sizeof addr), &answer, &err) : 0;
    json_decref(body);
    if (!db) return;
    if (rc) return api_reply_failure(r, &err);
    http_reply_json(r, 200, answer);
}

void api_kiosk_screenshot_put(Request *r)
{
    Cdb *db = http_db(r);
    if (!db) return;
    Err err;
    if (kiosk_screenshot_put(db, r->actor, r->body, r->body_len, &err)) return api_reply_failure(r, &err);
    http_reply_json(r, 200, json_pack("{s:s}", "kiosk", r->actor));
}

void api_kiosk_screenshot_state(Request *r)
{
    json_t *body = http_body_json(r);
    if (!body) return;
    Cdb *db = http_db(r);
    Err err;
    int rc = db ? kiosk_screenshot_report(db, r->actor, json_string_value(json_object_get(body, "state")),
                                          json_string_value(json_object_get(body, "note")), &err)
                : 0;
    json_decref(body);
    if (!db) return;
    if (rc) return api_reply_failure(r, &err);
    http_reply_json(r, 200, json_pack("{s:s}", "kiosk", r->actor));
}
