/* feedcache.h — recently sent feed documents, as text, each built once.
 *
 * When an admin publishes, the held long-polls of every kiosk of the
 * organisation wake together, and the kiosks that were at the same
 * revision all need the very same delta.  The first request builds it;
 * the others that ask while it is being built wait for it (single flight)
 * and those after it copy it from here, instead of each querying the
 * database and serialising the same JSON again.  Entries are keyed by
 * (feed, since, revision): the feed is an organisation's id (or
 * "kiosk:ID" for a kiosk just moved, whose delta is its own, and either
 * with "|gzip" for the compressed copy); a snapshot has since 0; the
 * revision is the one the asker knows the feed is at (the document may be
 * newer: it says which it is).  A few entries are kept, the least recently
 * used replaced first.  Thread-safe. */
#ifndef COUNTYD_FEEDCACHE_H
#define COUNTYD_FEEDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Builds a document: malloc'd *text (NULL when there is nothing newer) at
 * *revision; 0, -1 with err, or another value the fetch passes back. */
typedef int (*FeedcacheBuild)(void *ctx, char **text, size_t *len, int64_t *revision, Err *err);

/* A malloc'd copy of the document for (feed, since, revision) in *text
 * (NULL when the builder had nothing newer) and the revision it is at:
 * from the cache, from the request building it right now, or built here
 * by build(ctx, ...) and kept (documents over FEEDCACHE_MAX_BYTES are
 * not).  Returns what build returned, 0 for a copy. */
int feedcache_fetch(const char *feed, int64_t since, int64_t revision, FeedcacheBuild build, void *ctx, char **text,
                    size_t *len, int64_t *doc_revision, Err *err);

/* How many documents were built and how many were copied, since start. */
void feedcache_counts(long *built, long *copied);

#define FEEDCACHE_MAX_BYTES (32 * 1024 * 1024)
#define FEEDCACHE_FEED_SIZE 80

#endif
