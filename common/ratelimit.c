/* ratelimit.c — token buckets in a fixed open-addressed table (ratelimit.h).
 *
 * Written here because no Debian library offers a small in-process rate
 * limiter for C; libmicrohttpd limits connections, not requests. */
#include "ratelimit.h"

#include <math.h>
#include <stdio.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RATELIMIT_SLOTS 16384 /* more than the kiosks of a large county; 1.4 MB */
#define RATELIMIT_PROBE 32 /* slots looked at for a key before one is given up */
#define RATELIMIT_KEY_MAX 64 /* longer keys are cut: kiosk ids are at most this long */

typedef struct {
    char key[RATELIMIT_KEY_MAX + 1]; /* "" = free */
    double tokens, at_ms; /* the bucket as it was at at_ms */
} Bucket;

struct RateLimit {
    pthread_mutex_t lock;
    double capacity, per_ms; /* tokens a bucket holds, and gains a millisecond */
    Bucket *slots;
};

int ratelimit_new(int per_hour, int burst, RateLimit **out, Err *err)
{
    *out = NULL;
    if (per_hour < 0 || burst < 1) return err_set(err, "a rate limit needs a positive burst and no negative rate");
    RateLimit *rl = calloc(1, sizeof *rl);
    if (!rl) return err_set(err, "out of memory");
    rl->capacity = burst;
    rl->per_ms = per_hour / 3600000.0;
    if (per_hour > 0 && !(rl->slots = calloc(RATELIMIT_SLOTS, sizeof *rl->slots))) {
        free(rl);
        return err_set(err, "out of memory");
    }
    pthread_mutex_init(&rl->lock, NULL);
    *out = rl;
    return 0;
}

void ratelimit_free(RateLimit *rl)
{
    if (!rl) return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->slots);
    free(rl);
}

static uint32_t hash_key(const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *key; key++) h = (h ^ (unsigned char)*key) * 16777619u;
    return h;
}

static double level_at(const RateLimit *rl, const Bucket *b, double now_ms)
{
    return fmin(rl->capacity, b->tokens + (now_ms - b->at_ms) * rl->per_ms);
}

/* The key's bucket: found, a free slot, or the fullest slot of its probe. */
static Bucket *bucket_of(RateLimit *rl, const char *key, double now_ms)
{
    uint32_t h = hash_key(key);
    Bucket *spare = &rl->slots[h % RATELIMIT_SLOTS];
    double spare_level = -1;
    for (int i = 0; i < RATELIMIT_PROBE; i++) {
        Bucket *b = &rl->slots[(h + (uint32_t)i) % RATELIMIT_SLOTS];
        if (strcmp(b->key, key) == 0) return b;
        double level = b->key[0] ? level_at(rl, b, now_ms) : rl->capacity + 1;
        if (level > spare_level) {
            spare = b;
            spare_level = level;
        }
        if (!b->key[0]) break;
    }
    snprintf(spare->key, sizeof spare->key, "%s", key);
    spare->tokens = rl->capacity;
    spare->at_ms = now_ms;
    return spare;
}

int ratelimit_take(RateLimit *rl, const char *key, double now_ms, int *retry_after_s)
{
    *retry_after_s = 0;
    if (!rl->slots) return 0;
    char cut[RATELIMIT_KEY_MAX + 1];
    snprintf(cut, sizeof cut, "%s", *key ? key : "-"); /* "" marks a free slot */
    pthread_mutex_lock(&rl->lock);
    Bucket *b = bucket_of(rl, cut, now_ms);
    b->tokens = level_at(rl, b, now_ms);
    b->at_ms = now_ms;
    bool allowed = b->tokens >= 1;
    if (allowed) b->tokens -= 1;
    else *retry_after_s = (int)ceil((1 - b->tokens) / rl->per_ms / 1000);
    pthread_mutex_unlock(&rl->lock);
    return allowed ? 0 : 1;
}
