/* import.h — a feed document into the kiosk's store.
 *
 * The document's rules are proto/feed.h's; this module is the sink that
 * applies a checked document in one write transaction: all of it or
 * nothing.  A snapshot replaces what the store holds, a delta applies to
 * the revision it names, and a delta the store already has changes
 * nothing.  After the writes the store's catalog is checked as a whole
 * (store_check_integrity), so a delta cannot leave an item without its
 * category.  Err names what is wrong and where. */
#ifndef KIOSK_IMPORT_H
#define KIOSK_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "feed.h"
#include "store.h"

typedef struct FeedResult {
    bool snapshot;
    int64_t revision; /* the store's revision after the import */
    int upserts, deletes; /* entries applied, all sections together */
    bool unchanged; /* a delta the store already had, or a snapshot at the store's revision */
    /* Of the import's time, for the log: the COMMIT's (the disk's share),
     * and the checkpoint's after it (store_write_commit_large). */
    double commit_ms, checkpoint_ms;
} FeedResult;

/* What a document is and the images its public items use, read without
 * applying anything, so that the sync can judge its revision and fetch
 * its images before the document changes what is on screen.  Entries the
 * importer would refuse are skipped here (the import reports them).
 * Free with feed_peek_free. */
typedef struct FeedImageRef {
    char sha256[65];
    int64_t size;
    char item_id[PROTO_ID_MAX]; /* the item that uses it */
} FeedImageRef;
typedef struct FeedPeek {
    bool snapshot;
    int64_t revision; /* -1 when the document has none */
    FeedImageRef *attachments; /* malloc'd, maybe NULL */
    int attachment_count;
} FeedPeek;
int feed_peek(const char *data, size_t len, FeedPeek *out, Err *err);
void feed_peek_free(FeedPeek *p);

int feed_import_buffer(Store *s, const char *data, size_t len, FeedResult *res, Err *err);
int feed_import_file(Store *s, const char *path, FeedResult *res, Err *err);

/* The same on a document already loaded (feed_doc_load), so that the sync
 * reads a snapshot's JSON once for both the look and the import. */
int feed_peek_doc(const FeedDoc *doc, FeedPeek *out, Err *err);
int feed_import_doc(Store *s, const FeedDoc *doc, FeedResult *res, Err *err);

#endif
