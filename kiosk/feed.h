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

typedef struct FeedResult {
    bool snapshot;
    int64_t revision;            /* the store's revision after the import */
    int upserts, deletes;        /* entries applied, all sections together */
    bool unchanged;              /* a delta the store already had */
} FeedResult;

int feed_import_buffer(Store *s, const char *data, size_t len, FeedResult *res, Err *err);
int feed_import_file(Store *s, const char *path, FeedResult *res, Err *err);

/* "2026-11-01T09:00:00+08:00" (or ...Z) -> seconds since the epoch. */
int feed_parse_time(const char *text, int64_t *out);
/* The inverse, in China Standard Time (+08:00), for writing feeds. */
void feed_format_time(int64_t t, char *buf, size_t size);

#endif
