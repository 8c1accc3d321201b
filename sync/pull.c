/* pull.c — the content long-poll, the attachments, the cache clean-up.
 *
 * Content is applied with the feed importer (one transaction), but only
 * after the images its items use are on disk: the old version of an item
 * stays on screen until the new one can be shown whole.  A delta that does
 * not apply is answered by asking for a snapshot.  Attachments are
 * streamed to the cache by sha256 and kept only when size and hash match;
 * an item is shown only when all its images are present (the store's
 * rule). */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blobs.h"
#include "import.h"
#include "log.h"
#include "path.h"

#define SYNC_DISK_RESERVE (64LL << 20) /* never fill the disk the database lives on */
#define SYNC_GC_EVERY_S 3600

RoundResult sync_apply_feed(Session *ss, const FeedDoc *doc, bool *changed, Err *e)
{
    FeedResult res;
    if (feed_import_doc(ss->store, doc, &res, e)) return ROUND_ERROR;
    ss->want_snapshot = false;
    if (res.unchanged) return ROUND_OK;
    log_info("sync: %s applied, now at revision %lld (%d changes, %d deletions; COMMIT %.0f ms, checkpoint %.0f ms)",
             res.snapshot ? "snapshot" : "delta", (long long)res.revision, res.upserts, res.deletes, res.commit_ms,
             res.checkpoint_ms);
    *changed = true;
    return ROUND_OK;
}

static RoundResult obtain_blob(Session *ss, const char *sha256, int64_t size);

/* Whether the store shows a version of the item now: then its new
 * version's images must be here before the switch.  When the store cannot
 * say, it is taken as shown (the images are waited for, which is safe). */
static bool shown_now(Session *ss, const char *item_id)
{
    StoreItem it;
    int rc = store_item_get(ss->store, item_id, time(NULL), &it, NULL);
    if (rc == 0) store_item_free(&it);
    return rc != 1;
}

/* The images that the switch must wait for, onto disk before the document
 * is applied: those of items on screen now, so that the old version stays
 * visible until the new one can be shown whole.  A new item's images (or
 * those of an item not shown now) do not hold the document back: the
 * document is applied at once, the store keeps such an item hidden until
 * its images are all here, and the image fetcher brings them meanwhile,
 * so a notice or an item published after it is not kept waiting behind
 * them.  An image the server cannot give (a refusal, a corrupt copy)
 * does not hold the document back either: its items stay hidden.  A
 * network failure or a stop does: nothing is applied, and the next round
 * asks for the same changes again. */
static RoundResult prefetch_attachments(Session *ss, const FeedPeek *pk)
{
    RoundResult worst = ROUND_OK;
    for (int i = 0; i < pk->attachment_count && round_goes_on(worst); i++) {
        const FeedImageRef *a = &pk->attachments[i];
        bool present = false; /* when the store cannot say: fetched again, which is harmless */
        if (store_blob_is_present(ss->store, a->sha256, &present, NULL) == 0 && present) continue;
        if (!shown_now(ss, a->item_id)) continue;
        RoundResult r = obtain_blob(ss, a->sha256, a->size);
        if (r == ROUND_ERROR) ss->blob_failed = true;
        worst = round_worse(worst, r);
    }
    return worst;
}

/* The database the server's revisions count in (X-Database-Id), against
 * the one this kiosk's content came from (sync_state "sync.database").
 * true when the server says it is another database now (restored from a
 * backup, or set up anew): its revisions are not comparable with ours. */
static bool database_replaced(Session *ss, const HttpResponse *resp)
{
    char known[64];
    store_state_get(ss->store, "sync.database", known, sizeof known);
    return known[0] && resp->database_id[0] && strcmp(known, resp->database_id) != 0;
}

/* Whether a content answer may be applied: a delta from another database
 * is answered by asking for a snapshot; a snapshot from another database
 * replaces everything, whatever its revision; an older revision from the
 * same database (a stale proxy or cache) is refused. */
static RoundResult judge_document(Session *ss, const HttpResponse *resp, const FeedPeek *pk)
{
    int64_t current;
    Err e;
    if (store_revision(ss->store, &current, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    if (database_replaced(ss, resp)) {
        if (!pk->snapshot) {
            log_warn("sync: the server's database is another one now (%s); asking for a full snapshot",
                     resp->database_id);
            ss->want_snapshot = true;
            return ROUND_ABORTED;
        }
        log_warn(
            "sync: the server's database is another one now (%s); its snapshot at revision %lld replaces revision %lld",
            resp->database_id, (long long)pk->revision, (long long)current);
        if (store_set_revision(ss->store, 0, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
        return ROUND_OK;
    }
    if (pk->revision >= 0 && pk->revision < current)
        return session_fail(ss, ROUND_ERROR,
                            "content: the server sent revision %lld, older than the %lld this kiosk has from the same "
                            "database (a stale proxy or cache?); not applied",
                            (long long)pk->revision, (long long)current);
    return ROUND_OK;
}

/* A 200 with a feed document: judged, its images fetched, then applied.
 * Its JSON is read once, for the look and for the import: on a county's
 * 10,000-item snapshot a second reading costs more than the writes. */
static RoundResult take_document(Session *ss, int64_t since, HttpResponse *resp, bool *changed)
{
    FeedDoc *doc = NULL;
    FeedPeek pk = {0};
    Err e;
    RoundResult r = ROUND_OK;
    if (ss->cache_lock) pthread_mutex_lock(ss->cache_lock);
    int loaded = feed_doc_load(resp->body ? resp->body : "", resp->len, &doc, &e);
    /* The tree holds what the text said: the text's memory goes back now,
     * not after the images have come. */
    free(resp->body);
    resp->body = NULL;
    if (loaded == 0 && feed_peek_doc(doc, &pk, &e) == 0) {
        r = judge_document(ss, resp, &pk);
        if (r == ROUND_OK) r = prefetch_attachments(ss, &pk);
    }
    feed_peek_free(&pk);
    if (r == ROUND_ABORTED || r == ROUND_OFFLINE || (r == ROUND_ERROR && !ss->blob_failed)) {
        if (ss->cache_lock) pthread_mutex_unlock(ss->cache_lock);
        feed_doc_free(doc);
        if (r == ROUND_OFFLINE) log_info("sync: revision not applied yet: its images are not all here");
        return r;
    }
    RoundResult applied = loaded == 0 ? sync_apply_feed(ss, doc, changed, &e) : ROUND_ERROR;
    if (ss->cache_lock) pthread_mutex_unlock(ss->cache_lock);
    feed_doc_free(doc);
    if (applied != ROUND_OK) {
        if (since > 0) {
            log_warn("sync: the server's changes do not apply to revision %lld (%s); asking for a snapshot",
                     (long long)since, e.msg);
            ss->want_snapshot = true;
            return ROUND_ABORTED; /* the caller asks again at once with since=0 */
        }
        return session_fail(ss, ROUND_ERROR, "content: the server sent a feed this kiosk cannot apply (%s): %s",
                            resp->content_type[0] ? resp->content_type : "no type", e.msg);
    }
    if (resp->database_id[0] && store_state_set(ss->store, "sync.database", resp->database_id, &e))
        log_warn("sync: %s", e.msg);
    return r;
}

static int file_sink_write(void *ctx, const void *data, size_t n, Err *err)
{
    if (fwrite(data, 1, n, ctx) != n) return err_set(err, "cannot keep the feed on disk: %s", strerror(errno));
    return 0;
}

/* The feed goes to a file beside the cache while it arrives, so that
 * whatever a server sends (a body without end, up to the limit) the
 * kiosk's memory does not grow with it; only a complete answer is read
 * back, to be applied. */
static int feed_from_disk(FILE *f, HttpResponse *resp, Err *err)
{
    if (resp->status != 200 || resp->body) return 0;
    if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0)
        return err_set(err, "cannot read the feed back: %s", strerror(errno));
    resp->body = malloc(resp->sunk + 1);
    if (!resp->body) return err_set(err, "out of memory");
    resp->len = fread(resp->body, 1, resp->sunk, f);
    resp->body[resp->len] = '\0';
    if (resp->len != resp->sunk) return err_set(err, "cannot read the feed back: short read");
    return 0;
}

static RoundResult request_content(Session *ss, int64_t since, int wait_s, bool *changed)
{
    char tmp[PATH_MAX];
    Err e;
    if (path_format(tmp, sizeof tmp, &e, "%s/.feed-%ld.tmp", ss->cfg->cache_dir, (long)getpid()))
        return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    FILE *f = fopen(tmp, "w+b");
    if (!f) return session_fail(ss, ROUND_ERROR, "%s: cannot create: %s", tmp, strerror(errno));
    unlink(tmp); /* open until closed, gone even if the kiosk is killed */
    HttpSink sink = {.write = file_sink_write, .ctx = f};
    char path[128], etag[40];
    snprintf(path, sizeof path, "/v1/content?since=%lld&wait=%d", (long long)since, wait_s);
    snprintf(etag, sizeof etag, "\"%lld\"", (long long)since);
    HttpRequest req = {.method = "GET",
                       .path = path,
                       .if_none_match = since > 0 ? etag : NULL,
                       .wait_s = wait_s,
                       .interruptible = wait_s > 0,
                       .max_bytes = FEED_MAX_BYTES,
                       .deadline_s = ss->deadline_s,
                       .sink = &sink};
    HttpResponse resp;
    time_t t0 = time(NULL);
    int rc = http_send(ss->http, &req, &resp, &e);
    if (rc == 0 && feed_from_disk(f, &resp, &e)) {
        fclose(f);
        http_response_free(&resp);
        return session_fail(ss, ROUND_ERROR, "content: %s", e.msg);
    }
    fclose(f);
    if (rc) {
        http_response_free(&resp);
        return session_transfer_failed(ss, &resp, &e);
    }
    RoundResult r = ROUND_OK;
    /* Called for a command: the heartbeat goes now, and a quick answer is
     * no reason to wait an interval. */
    ss->called = ss->called || resp.called;
    if (resp.status == 304 && database_replaced(ss, &resp)) {
        log_warn("sync: the server's database is another one now (%s); asking for a full snapshot", resp.database_id);
        ss->want_snapshot = true;
        r = ROUND_ABORTED;
    } else if (resp.status == 304) {
        ss->idle_quick = !resp.called && (time(NULL) - t0 < wait_s / 2 || wait_s == 0);
    } else if (resp.status != 200) {
        r = session_answer_failed(ss, "content", &resp);
    } else {
        r = take_document(ss, since, &resp, changed);
        if (r == ROUND_OK) ss->idle_quick = !*changed && (time(NULL) - t0 < wait_s / 2 || wait_s == 0);
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

static int blob_sink_write(void *ctx, const void *data, size_t n, Err *err)
{
    return blobs_writer_write(ctx, data, n, err);
}

/* Streams the image into the cache: memory stays small whatever its size
 * (or whatever a hostile server sends), and the hash is checked on the
 * way. */
static RoundResult fetch_blob(Session *ss, const char *sha256, int64_t size)
{
    int64_t free_bytes = sync_free_disk_bytes(ss->cfg->cache_dir);
    if (free_bytes >= 0 && free_bytes < size + SYNC_DISK_RESERVE)
        return session_fail(ss, ROUND_ERROR, "attachment %.12s…: only %lld MB free on disk; not downloading", sha256,
                            (long long)(free_bytes >> 20));
    char path[128];
    snprintf(path, sizeof path, "/v1/blobs/%s", sha256);
    int64_t limit = size > 0 && size <= FEED_MAX_ATTACHMENT_BYTES ? size : FEED_MAX_ATTACHMENT_BYTES;
    Err e;
    BlobWriter *w = NULL;
    if (blobs_writer_open(ss->cfg->cache_dir, sha256, size, &w, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    HttpSink sink = {.write = blob_sink_write, .ctx = w};
    HttpRequest req = {
        .method = "GET", .path = path, .max_bytes = (size_t)limit, .deadline_s = ss->deadline_s, .sink = &sink};
    HttpResponse resp;
    if (http_send(ss->http, &req, &resp, &e)) {
        blobs_writer_abort(w);
        http_response_free(&resp);
        return session_transfer_failed(ss, &resp, &e);
    }
    RoundResult r = ROUND_OK;
    if (resp.status != 200) {
        blobs_writer_abort(w);
        r = session_answer_failed(ss, path, &resp);
    } else if (blobs_writer_commit(w, &e)) {
        r = session_fail(ss, ROUND_ERROR, "%s; rejected, it will be fetched again", e.msg);
    } else if (store_blob_set_present(ss->store, sha256, true, &e)) {
        r = session_fail(ss, ROUND_ERROR, "%s", e.msg);
    }
    http_response_free(&resp);
    return r;
}

/* One image onto disk and marked present: already there and intact (e.g.
 * after a resync, or shared with another item), or fetched. */
static RoundResult obtain_blob(Session *ss, const char *sha256, int64_t size)
{
    Err e;
    if (blobs_verify(ss->cfg->cache_dir, sha256, NULL) != 0) return fetch_blob(ss, sha256, size);
    if (store_blob_set_present(ss->store, sha256, true, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    return ROUND_OK;
}

RoundResult sync_fetch_blobs(Session *ss, atomic_bool *stop, bool *changed)
{
    StoreBlobRef *refs;
    int n;
    Err e;
    if (store_blobs_missing(ss->store, &refs, &n, &e)) return session_fail(ss, ROUND_ERROR, "%s", e.msg);
    RoundResult worst = ROUND_OK;
    int got = 0;
    /* One row per distinct declaration (sha256, size): the first that
     * works brings the file for every item that declared it right. */
    for (int i = 0; i < n && !atomic_load(stop); i++) {
        bool present = false;
        if (i > 0 && strcmp(refs[i].sha256, refs[i - 1].sha256) == 0 &&
            store_blob_is_present(ss->store, refs[i].sha256, &present, NULL) == 0 && present)
            continue;
        RoundResult r = obtain_blob(ss, refs[i].sha256, refs[i].size);
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
    if (bad > 0) *changed = true; /* items using them are hidden until the new copy is in */
    log_info("sync: re-checked %d cached file(s), %d bad", n, bad);
    return ROUND_OK;
}

void sync_collect_garbage(Session *ss, bool content_changed)
{
    time_t now = time(NULL);
    if (!content_changed && now - ss->gc_at < SYNC_GC_EVERY_S) return;
    /* The sync thread is between fetching a document's images and applying
     * it: not now (the next pass, or the hourly one, cleans up). */
    if (ss->cache_lock && pthread_mutex_trylock(ss->cache_lock) != 0) return;
    ss->gc_at = now;
    int removed = 0;
    Err e;
    if (blobs_collect_garbage(ss->store, ss->cfg->cache_dir, (int64_t)ss->cfg->cache_budget_mb << 20, &removed, &e))
        log_warn("sync: cache clean-up: %s", e.msg);
    else if (removed > 0) log_info("sync: removed %d cached file(s) nothing refers to any more", removed);
    if (ss->cache_lock) pthread_mutex_unlock(ss->cache_lock);
}
