/* pull.c — the content long-poll, the attachments, the cache clean-up.
 *
 * Content is applied with the feed importer (one transaction); a delta
 * that does not apply is answered by asking for a snapshot.  Attachments
 * are fetched by sha256 and kept only when size and hash match; an item is
 * shown only when all its images are present (the store's rule). */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blobs.h"
#include "import.h"
#include "log.h"

#define SYNC_DISK_RESERVE (64LL << 20) /* never fill the disk the database lives on */
#define SYNC_GC_EVERY_S 3600

RoundResult sync_apply_feed(Session *ss, const char *data, size_t len, bool *changed, Err *e)
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
        return session_transfer_failed(ss, &resp, &e);
    }
    RoundResult r = ROUND_OK;
    if (resp.status == 304) {
        ss->idle_quick = time(NULL) - t0 < wait_s / 2 || wait_s == 0;
    } else if (resp.status != 200) {
        r = session_answer_failed(ss, "content", &resp);
    } else if (sync_apply_feed(ss, resp.body ? resp.body : "", resp.len, changed, &e) != ROUND_OK) {
        if (since > 0) {
            log_warn("sync: the server's changes do not apply to revision %lld (%s); asking for a snapshot",
                     (long long)since, e.msg);
            ss->want_snapshot = true;
            r = ROUND_ABORTED;      /* the caller asks again at once with since=0 */
        } else {
            r = session_fail(ss, ROUND_ERROR, "content: the server sent a feed this kiosk cannot apply (%s): %s",
                     resp.content_type[0] ? resp.content_type : "no type", e.msg);
        }
    } else {
        ss->idle_quick = !*changed && (time(NULL) - t0 < wait_s / 2 || wait_s == 0);
    }
    http_response_free(&resp);
    return r;
}

RoundResult sync_pull_content(Session *ss, int wait_s, bool *changed)
{
    int64_t since = 0;
    Err e;
    if (!ss->want_snapshot && store_revision(ss->store, &since, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    RoundResult r = request_content(ss, since, wait_s, changed);
    if (r == ROUND_ABORTED && ss->want_snapshot && since > 0) r = request_content(ss, 0, 0, changed);
    return r;
}

static RoundResult fetch_blob(Session *ss, const StoreBlobRef *ref)
{
    int64_t free_bytes = sync_free_disk_bytes(ss->cfg->cache_dir);
    if (free_bytes >= 0 && free_bytes < ref->size + SYNC_DISK_RESERVE)
        return session_fail(ss, ROUND_ERROR, "attachment %.12s…: only %lld MB free on disk; not downloading", ref->sha256,
                    (long long)(free_bytes >> 20));
    char path[128];
    snprintf(path, sizeof path, "/v1/blobs/%s", ref->sha256);
    int64_t limit = ref->size > 0 && ref->size <= FEED_MAX_ATTACHMENT_BYTES ? ref->size : FEED_MAX_ATTACHMENT_BYTES;
    HttpRequest req = {.method = "GET", .path = path, .max_bytes = (size_t)limit};
    HttpResponse resp;
    Err e;
    if (http_send(ss->http, &req, &resp, &e)) {
        http_response_free(&resp);
        return session_transfer_failed(ss, &resp, &e);
    }
    RoundResult r = ROUND_OK;
    if (resp.status != 200)
        r = session_answer_failed(ss, path, &resp);
    else if (blobs_put_buffer(ss->cfg->cache_dir, resp.body ? resp.body : "", resp.len, ref->sha256, ref->size, &e))
        r = session_fail(ss, ROUND_ERROR, "%s; rejected, it will be fetched again", e.msg);
    else if (store_blob_set_present(ss->store, ref->sha256, true, &e))
        r = session_fail(ss, ROUND_ERROR, "%s", e.msg);
    http_response_free(&resp);
    return r;
}

RoundResult sync_fetch_blobs(Session *ss, atomic_bool *stop, bool *changed)
{
    StoreBlobRef *refs;
    int n;
    Err e;
    if (store_blobs_missing(ss->store, &refs, &n, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    RoundResult worst = ROUND_OK;
    int got = 0;
    for (int i = 0; i < n && !atomic_load(stop); i++) {
        /* Already on disk and intact (e.g. after a resync): just mark it. */
        RoundResult r = ROUND_OK;
        if (blobs_verify(ss->cfg->cache_dir, refs[i].sha256, NULL) == 0) {
            if (store_blob_set_present(ss->store, refs[i].sha256, true, &e)) r = session_fail(ss, ROUND_ERROR, "%s", e.msg);
        } else {
            r = fetch_blob(ss, &refs[i]);
        }
        if (r == ROUND_OK) got++;
        worst = round_worse(worst, r);
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
RoundResult sync_recheck_cache(Session *ss, bool *changed)
{
    StoreBlobRef *refs;
    int n, bad = 0;
    Err e;
    if (store_blobs_present(ss->store, &refs, &n, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
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

void sync_collect_garbage(Session *ss, bool content_changed)
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
