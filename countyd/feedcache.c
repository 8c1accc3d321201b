#include "feedcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 16

typedef struct {
    char feed[FEEDCACHE_FEED_SIZE];
    int64_t since, revision;
    char *text;
    size_t len;
    unsigned long used; /* for replacing the least recently used */
} Slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Slot slots[SLOTS];
static unsigned long clock_tick;

static bool same(const Slot *s, const char *feed, int64_t since, int64_t revision)
{
    return s->text && s->since == since && s->revision == revision && strcmp(s->feed, feed) == 0;
}

char *feedcache_get(const char *feed, int64_t since, int64_t revision, size_t *len)
{
    char *copy = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < SLOTS; i++) {
        Slot *s = &slots[i];
        if (!same(s, feed, since, revision)) continue;
        copy = malloc(s->len + 1);
        if (copy) {
            memcpy(copy, s->text, s->len + 1);
            *len = s->len;
            s->used = ++clock_tick;
        }
        break;
    }
    pthread_mutex_unlock(&lock);
    return copy;
}

void feedcache_put(const char *feed, int64_t since, int64_t revision, const char *text, size_t len)
{
    if (len > FEEDCACHE_MAX_BYTES) return;
    char *copy = malloc(len + 1);
    if (!copy) return;
    memcpy(copy, text, len);
    copy[len] = '\0';
    pthread_mutex_lock(&lock);
    Slot *victim = &slots[0];
    for (int i = 0; i < SLOTS; i++) {
        Slot *s = &slots[i];
        if (same(s, feed, since, revision)) {
            victim = s;
            break;
        }
        if (!s->text || s->used < victim->used) victim = s;
    }
    free(victim->text);
    *victim = (Slot){.since = since, .revision = revision, .text = copy, .len = len, .used = ++clock_tick};
    snprintf(victim->feed, sizeof victim->feed, "%s", feed);
    pthread_mutex_unlock(&lock);
}
