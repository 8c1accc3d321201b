/* api_kiosk.c — the kiosk side of the protocol: content (with long-poll),
 * attachment files, feedback batches, heartbeats. */
#include <errno.h>
#include <fcntl.h>
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

/* The gzip copy of a feed document, from the cache or compressed once and
 * cached under the feed's name with "|gzip"; the plain text is freed.  On
 * failure the plain text is kept and goes out as it is. */
static bool content_gzip(const char *feed, int64_t key, int64_t rev, char **text, size_t *len)
{
    char gz_feed[FEEDCACHE_FEED_SIZE];
    snprintf(gz_feed, sizeof gz_feed, "%s|gzip", feed);
    size_t gz_len;
    char *gz = feedcache_get(gz_feed, key, rev, &gz_len);
    Err err;
    if (!gz && gzip_compress(*text, *len, &gz, &gz_len, &err) == 0) feedcache_put(gz_feed, key, rev, gz, gz_len);
    else if (!gz) log_warn("countyd: sending a feed uncompressed: %s", err.msg);
    if (!gz) return false;
    free(*text);
    *text = gz;
    *len = gz_len;
    return true;
}

/* The feed text for the kiosk at `since` when its feed is at t->revision:
 * from the cache, or built and cached.  *text is NULL when nothing is newer.
 * With `gzip`, a large document comes compressed and *gzipped says so. */
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
    if ((*text = feedcache_get(feed, key, *rev, len))) {
        if (gzip && *len >= GZIP_MIN_BYTES) *gzipped = content_gzip(feed, key, *rev, text, len);
        return 0;
    }
    Cdb *db = http_db(r);
    if (!db) return 1;
    json_t *doc;
    if (feedgen_build(db, r->actor, since, &doc, rev, err)) return -1;
    if (!doc) return 0;
    *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!*text) return err_set(err, "out of memory");
    *len = strlen(*text);
    key = since <= 0 || since > *rev ? 0 : since;
    feedcache_put(feed, key, *rev, *text, *len);
    if (gzip && *len >= GZIP_MIN_BYTES) *gzipped = content_gzip(feed, key, *rev, text, len);
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

void api_content(Request *r)
{
    App *app = r->app;
    int64_t since, wait;
    if (query_int(r, "since", 0, INT64_MAX, -1, &since) || query_int(r, "wait", 0, 120, 0, &wait)) return;
    if (since < 0) since = etag_revision(r) >= 0 ? etag_revision(r) : 0;
    if (wait > app->max_wait_s) wait = app->max_wait_s;
    FeedTarget t;
    if (feed_target(r, &t)) return;
    /* Which database the revisions count in: a kiosk that sees another
     * one resyncs; one that sees an older revision of the same refuses it. */
    char database[24];
    Err err;
    if (cdb_database_id(http_db(r), database, sizeof database, &err)) return http_reply_internal(r, &err);
    http_add_header(r, "X-Database-Id", database);
    if (t.revision == since && wait > 0) {
        /* Nothing new: hold the request without a database connection,
         * until this kiosk's own feed changes. */
        http_db_release(r);
        bool changed = longpoll_wait(t.org, r->actor, since, (int)wait * 1000);
        if (longpoll_stopping()) return http_reply_error(r, 503, "unavailable", "the server is stopping");
        if (changed && feed_target(r, &t)) return;
    }
    int64_t rev = t.revision;
    char *text = NULL;
    size_t len = 0;
    bool gzipped = false;
    if (rev != since) {
        bool gzip = gzip_accepted(http_header(r, "Accept-Encoding"));
        int rc = content_text(r, &t, since, gzip, &rev, &text, &len, &gzipped, &err);
        if (rc > 0) return;
        if (rc < 0) return http_reply_internal(r, &err);
    }
    char tag[32];
    snprintf(tag, sizeof tag, "%lld", (long long)rev);
    set_etag(r, tag);
    http_add_header(r, "Cache-Control", "no-store");
    http_add_header(r, "Vary", "Accept-Encoding");
    if (!text) return http_reply_empty(r, 304);
    if (gzipped) http_add_header(r, "Content-Encoding", "gzip");
    http_reply_text(r, 200, text, len, "application/json; charset=utf-8");
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
