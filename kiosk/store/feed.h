/* feed.h — the feed format importer (docs/FEED.md).
 *
 * Owns the rules of the JSON document that brings content into the store:
 * what is required, what is allowed, the limits.  One document is applied
 * in one write transaction: all of it or nothing.  An invalid document
 * changes nothing and Err names what is wrong and where, e.g.
 * "items[3].published_at: not a time like 2026-11-01T09:00:00+08:00". */
#ifndef KIOSK_FEED_H
#define KIOSK_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

#define FEED_FORMAT "dangwu-feed"
#define FEED_VERSION 1
#define FEED_MAX_BYTES (64 * 1024 * 1024)

/* The feed format's limits on single fields, in bytes unless named
 * otherwise (docs/FEED.md, the key tables and "Limits").  They keep a
 * hostile document from filling a kiosk's disk or memory.  The importer
 * enforces them; the folder authoring reader (kioskctl/authoring.c) checks
 * the same ones so that an author is told the file and line at fault. */
#define FEED_MAX_NAME 400
#define FEED_MAX_ICON 60
#define FEED_MAX_TITLE 1000
#define FEED_MAX_BODY (2 * 1024 * 1024)
#define FEED_MAX_UNIT 250
#define FEED_MAX_CAPTION 500
#define FEED_MAX_NOTICE 1000
#define FEED_MAX_QUESTION 2000
#define FEED_MAX_ANSWER 4000
#define FEED_MAX_HREF 1000
#define FEED_MAX_ATTACHMENTS 32                        /* per item */
#define FEED_MAX_ATTACHMENT_BYTES (32LL * 1024 * 1024) /* one attachment's size */

typedef struct FeedResult {
    bool snapshot;
    int64_t revision;            /* the store's revision after the import */
    int upserts, deletes;        /* entries applied, all sections together */
    bool unchanged;              /* a delta the store already had, or a snapshot at the store's revision */
} FeedResult;

/* What a document is and the images its public items use, read without
 * applying anything, so that the sync can judge its revision and fetch
 * its images before the document changes what is on screen.  Entries the
 * importer would refuse are skipped here (the import reports them).
 * Free with feed_peek_free. */
typedef struct FeedAttachment {
    char sha256[65];
    int64_t size;
} FeedAttachment;
typedef struct FeedPeek {
    bool snapshot;
    int64_t revision;            /* -1 when the document has none */
    FeedAttachment *attachments; /* malloc'd, maybe NULL */
    int attachment_count;
} FeedPeek;
int feed_peek(const char *data, size_t len, FeedPeek *out, Err *err);
void feed_peek_free(FeedPeek *p);

int feed_import_buffer(Store *s, const char *data, size_t len, FeedResult *res, Err *err);
int feed_import_file(Store *s, const char *path, FeedResult *res, Err *err);

/* "2026-11-01T09:00:00+08:00" (or ...Z) -> seconds since the epoch. */
int feed_parse_time(const char *text, int64_t *out);
/* The inverse, in China Standard Time (+08:00), for writing feeds. */
void feed_format_time(int64_t t, char *buf, size_t size);

#endif
