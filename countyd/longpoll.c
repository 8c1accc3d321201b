#include "longpoll.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monoclock.h"

/* One entry per feed that changed since start; beyond MAX_FEEDS a change
 * counts for every feed (waking some kiosks for nothing, never missing one). */
#define MAX_FEEDS 8192
#define FEED_KEY 80

typedef struct {
    char key[FEED_KEY];
    int64_t revision;
} FeedRev;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static FeedRev *feeds;
static size_t n_feeds;
static int64_t all_revision; /* a change that counts for every feed */
static bool stopping;

void longpoll_init(void)
{
    /* CLOCK_MONOTONIC, so that setting the wall clock never cuts a wait short or stretches it. */
    monoclock_cond_init(&changed);
    stopping = false;
}

static FeedRev *find(const char *key)
{
    for (size_t i = 0; i < n_feeds; i++)
        if (strcmp(feeds[i].key, key) == 0) return &feeds[i];
    return NULL;
}

static void record(const char *key, int64_t revision)
{
    FeedRev *f = find(key);
    if (!f && n_feeds < MAX_FEEDS) {
        if (!feeds && !(feeds = calloc(MAX_FEEDS, sizeof *feeds))) {
            if (revision > all_revision) all_revision = revision;
            return;
        }
        f = &feeds[n_feeds++];
        snprintf(f->key, sizeof f->key, "%s", key);
        f->revision = 0;
    }
    if (!f) {
        if (revision > all_revision) all_revision = revision;
        return;
    }
    if (revision > f->revision) f->revision = revision;
}

void longpoll_announce(int64_t revision, const char *const *keys, size_t n, bool all)
{
    pthread_mutex_lock(&lock);
    if (all && revision > all_revision) all_revision = revision;
    for (size_t i = 0; i < n && !all; i++) record(keys[i], revision);
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static int64_t revision_of(const char *key)
{
    FeedRev *f = find(key);
    return f ? f->revision : 0;
}

bool longpoll_wait(const char *org, const char *kiosk, int64_t since, int timeout_ms)
{
    char kiosk_key[FEED_KEY];
    snprintf(kiosk_key, sizeof kiosk_key, "kiosk:%s", kiosk);
    struct timespec until = monoclock_deadline(timeout_ms);
    pthread_mutex_lock(&lock);
    bool moved;
    /* Every change wakes every held thread; those whose feed did not change
     * check and sleep again, so their kiosks are not answered. */
    while (!(moved = all_revision > since || revision_of(org) > since || revision_of(kiosk_key) > since) && !stopping)
        if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT) break;
    pthread_mutex_unlock(&lock);
    return moved;
}

void longpoll_shutdown(void)
{
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

bool longpoll_stopping(void)
{
    pthread_mutex_lock(&lock);
    bool s = stopping;
    pthread_mutex_unlock(&lock);
    return s;
}
