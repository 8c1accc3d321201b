#include "feedcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 16

typedef struct {
    char feed[FEEDCACHE_FEED_SIZE];
    int64_t since, revision; /* the key */
    int64_t doc_revision;
    bool building; /* claimed by a request that is building it now */
    char *text;
    size_t len;
    unsigned long used; /* for replacing the least recently used */
} Slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t built_cond = PTHREAD_COND_INITIALIZER;
static Slot slots[SLOTS];
static unsigned long clock_tick;
static long n_built, n_copied;

static bool same(const Slot *s, const char *feed, int64_t since, int64_t revision)
{
    return (s->text || s->building) && s->since == since && s->revision == revision && strcmp(s->feed, feed) == 0;
}

static Slot *lookup(const char *feed, int64_t since, int64_t revision)
{
    for (int i = 0; i < SLOTS; i++)
        if (same(&slots[i], feed, since, revision)) return &slots[i];
    return NULL;
}

/* The least recently used slot nobody is building; NULL when all are. */
static Slot *victim(void)
{
    Slot *v = NULL;
    for (int i = 0; i < SLOTS; i++) {
        Slot *s = &slots[i];
        if (s->building) continue;
        if (!s->text) return s;
        if (!v || s->used < v->used) v = s;
    }
    return v;
}

static int copy_out(Slot *s, char **text, size_t *len, int64_t *doc_revision, Err *err)
{
    if (!(*text = malloc(s->len + 1))) return err_set(err, "out of memory");
    memcpy(*text, s->text, s->len + 1);
    *len = s->len;
    *doc_revision = s->doc_revision;
    s->used = ++clock_tick;
    n_copied++;
    return 0;
}

/* Keeps what the builder made in its claimed slot (or frees the slot when
 * it made nothing to keep) and wakes those waiting for it. */
static void finish(Slot *s, int rc, const char *text, size_t len, int64_t doc_revision)
{
    s->building = false;
    free(s->text);
    s->text = NULL;
    if (rc == 0 && text && len <= FEEDCACHE_MAX_BYTES && (s->text = malloc(len + 1))) {
        memcpy(s->text, text, len + 1);
        s->len = len;
        s->doc_revision = doc_revision;
        s->used = ++clock_tick;
    }
    pthread_cond_broadcast(&built_cond);
}

int feedcache_fetch(const char *feed, int64_t since, int64_t revision, FeedcacheBuild build, void *ctx, char **text,
                    size_t *len, int64_t *doc_revision, Err *err)
{
    *text = NULL;
    pthread_mutex_lock(&lock);
    Slot *s;
    /* Someone is building it: wait, then copy; if their build failed or
     * made nothing, the slot is free again and this request builds. */
    while ((s = lookup(feed, since, revision)) && s->building) pthread_cond_wait(&built_cond, &lock);
    if (s) {
        int rc = copy_out(s, text, len, doc_revision, err);
        pthread_mutex_unlock(&lock);
        return rc;
    }
    if ((s = victim())) {
        free(s->text);
        *s = (Slot){.since = since, .revision = revision, .building = true};
        snprintf(s->feed, sizeof s->feed, "%s", feed);
    }
    n_built++;
    pthread_mutex_unlock(&lock);
    *doc_revision = revision;
    int rc = build(ctx, text, len, doc_revision, err);
    if (s) {
        pthread_mutex_lock(&lock);
        finish(s, rc, *text, *len, *doc_revision);
        pthread_mutex_unlock(&lock);
    }
    return rc;
}

void feedcache_counts(long *built, long *copied)
{
    pthread_mutex_lock(&lock);
    *built = n_built;
    *copied = n_copied;
    pthread_mutex_unlock(&lock);
}
