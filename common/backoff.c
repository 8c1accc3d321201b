#include "backoff.h"

#include <stdlib.h>

void backoff_init(Backoff *b, int base_ms, int cap_ms, unsigned int seed)
{
    b->failures = 0;
    b->base_ms = base_ms > 0 ? base_ms : 1;
    b->cap_ms = cap_ms >= b->base_ms ? cap_ms : b->base_ms;
    b->seed = seed;
}

void backoff_reset(Backoff *b) { b->failures = 0; }

int backoff_next_ms(Backoff *b)
{
    long long delay = b->base_ms;
    for (int i = 0; i < b->failures && delay < b->cap_ms; i++) delay *= 2;
    if (delay > b->cap_ms) delay = b->cap_ms;
    if (b->failures < 1000) b->failures++;
    /* ±25 %: a uniform pick in [0.75 d, 1.25 d]. */
    long long spread = delay / 2;
    long long jitter = spread > 0 ? (long long)(rand_r(&b->seed) % (spread + 1)) - spread / 2 : 0;
    return (int)(delay + jitter);
}
