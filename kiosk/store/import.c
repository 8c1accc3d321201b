#include "import.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"

typedef struct {
    Store *store;
    FeedResult *res;
    bool in_write; /* a transaction is open */
} Import;

/* After the header: open the write, and decide whether a delta applies. */
static int import_begin(void *ctx, const FeedHeader *h, bool *skip, Err *err)
{
    Import *im = ctx;
    im->res->snapshot = h->snapshot;
    if (store_write_begin(im->store, err)) return -1;
    im->in_write = true;
    int64_t current;
    if (store_revision(im->store, &current, err)) return -1;
    if ((!h->snapshot && current >= h->revision) || (h->snapshot && current == h->revision && current > 0)) {
        /* A delta we already applied (a retried download), or a snapshot at
         * the revision the store is at: nothing to do, and nothing to tell
         * the screens (the sync then waits before it asks again). */
        im->res->unchanged = true;
        im->res->revision = current;
        *skip = true;
        return 0;
    }
    if (!h->snapshot && h->base_revision != current)
        return err_set(err, "document.base_revision: this delta applies to revision %lld, but the store is at %lld",
                       (long long)h->base_revision, (long long)current);
    im->res->revision = h->revision;
    return h->snapshot ? store_snapshot_begin(im->store, err) : 0;
}

/* In a snapshot, what it names stays; the rest goes at the end. */
static int keep(Import *im, FeedSection section, const char *id, Err *err)
{
    return im->res->snapshot ? store_snapshot_keep(im->store, section, id, err) : 0;
}

static int import_category(void *ctx, const FeedCategory *c, Err *err)
{
    Import *im = ctx;
    im->res->upserts++;
    return store_category_upsert(im->store, c, err) || keep(im, FEED_CATEGORIES, c->id, err) ? -1 : 0;
}

static int import_item(void *ctx, const FeedItem *it, Err *err)
{
    Import *im = ctx;
    im->res->upserts++;
    /* A 党内 item never reaches a kiosk's disk, not even inside a
     * transaction; an item that became internal is removed. */
    if (it->scope != SCOPE_PUBLIC) return store_item_delete(im->store, it->id, err);
    return store_item_upsert(im->store, it, err) || keep(im, FEED_ITEMS, it->id, err) ? -1 : 0;
}

static int import_notice(void *ctx, const FeedNotice *n, Err *err)
{
    Import *im = ctx;
    im->res->upserts++;
    return store_notice_upsert(im->store, n, err) || keep(im, FEED_NOTICES, n->id, err) ? -1 : 0;
}

static int import_answer(void *ctx, const FeedAnswer *a, Err *err)
{
    Import *im = ctx;
    im->res->upserts++;
    return store_answer_upsert(im->store, a, err) || keep(im, FEED_ANSWERS, a->id, err) ? -1 : 0;
}

static int (*const deleters[FEED_SECTION_COUNT])(Store *, const char *, Err *) = {
    [FEED_CATEGORIES] = store_category_delete,
    [FEED_ITEMS] = store_item_delete,
    [FEED_NOTICES] = store_notice_delete,
    [FEED_ANSWERS] = store_answer_delete,
};

static int import_remove(void *ctx, FeedSection section, const char *id, Err *err)
{
    Import *im = ctx;
    im->res->deletes++;
    return deleters[section](im->store, id, err);
}

static int import_withdrawal(void *ctx, const FeedWithdrawal *w, Err *err)
{
    Import *im = ctx;
    return store_withdrawal_add(im->store, w, err);
}

int feed_import_doc(Store *s, const FeedDoc *doc, FeedResult *res, Err *err)
{
    memset(res, 0, sizeof *res);
    Import im = {.store = s, .res = res};
    const FeedSink sink = {.ctx = &im,
                           .begin = import_begin,
                           .category = import_category,
                           .item = import_item,
                           .notice = import_notice,
                           .answer = import_answer,
                           .remove = import_remove,
                           .withdrawal = import_withdrawal};
    int rc = feed_doc_check(doc, &sink, err);
    if (!rc && !res->unchanged &&
        ((res->snapshot && store_snapshot_end(s, err)) || store_purge_hidden(s, err) || store_check_integrity(s, err) ||
         store_set_revision(s, res->revision, err)))
        rc = -1;
    if (!rc && res->unchanged) {
        store_write_rollback(s);
        return 0;
    }
    if (!rc) rc = store_write_commit_large(s, &res->commit_ms, &res->checkpoint_ms, err);
    if (rc && im.in_write) store_write_rollback(s);
    return rc;
}

int feed_import_buffer(Store *s, const char *data, size_t len, FeedResult *res, Err *err)
{
    FeedDoc *doc;
    memset(res, 0, sizeof *res);
    if (feed_doc_load(data, len, &doc, err)) return -1;
    int rc = feed_import_doc(s, doc, res, err);
    feed_doc_free(doc);
    return rc;
}

/* With out NULL, only counts. */
static void list_item_attachments(json_t *item, FeedImageRef *out, int *count)
{
    if (scope_parse(json_string_value(json_object_get(item, "scope"))) != SCOPE_PUBLIC) return;
    size_t i;
    json_t *a;
    json_array_foreach (json_object_get(item, "attachments"), i, a) {
        const char *sha = json_string_value(json_object_get(a, "sha256"));
        json_t *size = json_object_get(a, "size");
        if (i >= FEED_MAX_ATTACHMENTS || !proto_sha256_valid(sha) || !json_is_integer(size)) continue;
        if (out) {
            FeedImageRef *f = &out[*count];
            snprintf(f->sha256, sizeof f->sha256, "%s", sha);
            f->size = json_integer_value(size);
            const char *id = json_string_value(json_object_get(item, "id"));
            snprintf(f->item_id, sizeof f->item_id, "%s", id ? id : "");
        }
        (*count)++;
    }
}

int feed_peek_doc(const FeedDoc *doc, FeedPeek *out, Err *err)
{
    memset(out, 0, sizeof *out);
    out->revision = -1;
    const json_t *root = feed_doc_json(doc);
    const char *kind = json_string_value(json_object_get(root, "kind"));
    out->snapshot = kind && strcmp(kind, "snapshot") == 0;
    json_t *rev = json_object_get(root, "revision");
    if (json_is_integer(rev)) out->revision = json_integer_value(rev);
    json_t *items = json_object_get(json_object_get(root, "items"), "upsert");
    size_t i;
    json_t *it;
    int n = 0;
    json_array_foreach (items, i, it) list_item_attachments(it, NULL, &n);
    out->attachments = n ? calloc((size_t)n, sizeof *out->attachments) : NULL;
    if (n && !out->attachments) return err_set(err, "out of memory");
    json_array_foreach (items, i, it) list_item_attachments(it, out->attachments, &out->attachment_count);
    return 0;
}

int feed_peek(const char *data, size_t len, FeedPeek *out, Err *err)
{
    FeedDoc *doc;
    memset(out, 0, sizeof *out);
    out->revision = -1;
    if (feed_doc_load(data, len, &doc, err)) return -1;
    int rc = feed_peek_doc(doc, out, err);
    feed_doc_free(doc);
    return rc;
}

void feed_peek_free(FeedPeek *p)
{
    free(p->attachments);
    p->attachments = NULL;
    p->attachment_count = 0;
}

int feed_import_file(Store *s, const char *path, FeedResult *res, Err *err)
{
    char *buf;
    size_t len;
    if (bytes_read_file(path, FEED_MAX_BYTES, &buf, &len, err)) return -1;
    int rc = feed_import_buffer(s, buf, len, res, err);
    if (rc) err_prefix(err, "%s: ", path);
    free(buf);
    return rc;
}
