/* ratelimit.h — how often one client may do one thing: a token bucket per
 * key (a kiosk's id), kept in memory.
 *
 * Used by countyd for receipt lookups (docs/PROTOCOL.md "Receipts"): a stolen
 * kiosk token must not let anyone try receipt numbers by the thousand,
 * while a lobby where several visitors look up in a row is never turned
 * away.  The table is fixed at creation, so memory stays bounded whatever
 * the keys; a new key that finds none of its slots free takes the one
 * whose bucket is fullest (a full bucket is what a new key gets anyway).  A restart forgets
 * the counts, which is no loss for a limit measured in minutes.
 * Thread-safe. */
#ifndef KIOSK_RATELIMIT_H
#define KIOSK_RATELIMIT_H

#include <stdint.h>

#include "err.h"

typedef struct RateLimit RateLimit;

/* A limit of `per_hour` actions a key, of which `burst` may come at once;
 * per_hour 0 means no limit.  0, or -1 and Err. */
int ratelimit_new(int per_hour, int burst, RateLimit **out, Err *err);
void ratelimit_free(RateLimit *rl);

/* Takes one action for `key` at `now_ms` (monotonic): 0 when it is
 * allowed, 1 when the key is over its limit, with *retry_after_s the
 * seconds until it may act again. */
int ratelimit_take(RateLimit *rl, const char *key, double now_ms, int *retry_after_s);

#endif
