/* backoff.h — how long to wait before trying an unreachable server again.
 *
 * Owns the retry schedule of the sync thread: exponential (2 s, 4 s, 8 s …)
 * up to a cap, each delay spread by ±25 % of random jitter so that a
 * county's kiosks that lost the server together do not all come back in
 * the same second.  The first good answer resets it. */
#ifndef KIOSK_BACKOFF_H
#define KIOSK_BACKOFF_H

#define BACKOFF_BASE_MS 2000
#define BACKOFF_CAP_MS (5 * 60 * 1000)

typedef struct Backoff {
    int failures; /* consecutive failures so far */
    int base_ms, cap_ms;
    unsigned int seed; /* rand_r state, so the thread owns its randomness */
} Backoff;

void backoff_init(Backoff *b, int base_ms, int cap_ms, unsigned int seed);
/* Counts a failure and returns the delay before the next attempt. */
int backoff_next_ms(Backoff *b);
void backoff_reset(Backoff *b);

#endif
