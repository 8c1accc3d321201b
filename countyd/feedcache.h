/* feedcache.h — recently sent feed documents, as text.
 *
 * When an admin publishes, every held long-poll wakes at once, and the
 * kiosks that were at the same revision all need the very same delta.
 * The first request builds it; the others copy it from here instead of
 * each querying the database and serialising the same JSON again.
 * Entries are keyed by (feed, since, revision): the feed is an
 * organisation's id (or "kiosk:ID" for a kiosk just moved, whose delta is
 * its own); a snapshot has since 0.  A few entries are kept, the least
 * recently used replaced first. Thread-safe. */
#ifndef COUNTYD_FEEDCACHE_H
#define COUNTYD_FEEDCACHE_H

#include <stddef.h>
#include <stdint.h>

/* A malloc'd copy of the text for (since, revision), or NULL. */
char *feedcache_get(const char *feed, int64_t since, int64_t revision, size_t *len);
/* Keeps a copy (documents over FEEDCACHE_MAX_BYTES are not kept). */
void feedcache_put(const char *feed, int64_t since, int64_t revision, const char *text, size_t len);

#define FEEDCACHE_MAX_BYTES (32 * 1024 * 1024)
#define FEEDCACHE_FEED_SIZE 80

#endif
