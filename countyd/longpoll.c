#include "longpoll.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monoclock.h"

/* Feeds that changed are remembered (by organisation, and by kiosk after a
 * move); beyond MAX_CHANGED_FEEDS a change counts for every feed (waking
 * some kiosks for nothing, never missing one). */
#define MAX_CHANGED_FEEDS 100000
#define BUCKETS 16384

typedef struct Waiter Waiter;

/* A feed: when it last changed, and the requests held for it.  An entry
 * that never changed lives only while someone waits for it. */
typedef struct Feed {
    struct Feed *next_in_bucket;
    int64_t revision;
    Waiter *waiters;
    char key[];
} Feed;

typedef struct {
    Waiter *prev, *next;
} Link;

/* A held request: in the lists of its two feeds (0: its organisation's,
 * 1: its kiosk's own) and in the list of requests with the same wait. */
struct Waiter {
    Feed *feed[2];
    Link on_feed[2];
    Link on_clock;
    int wait_s;
    double deadline_ms;
    LongpollWake wake;
    void *ctx;
    LongpollTicket *ticket;
    LongpollEnd why;
    int64_t revision;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t clock_cond;
static pthread_t clock_thread;
static bool clock_running;
static Feed *buckets[BUCKETS];
static size_t changed_feeds;
static int64_t all_revision; /* a change that counts for every feed */
static bool stopping;
static long held;
/* Per wait in seconds, the held requests oldest (earliest deadline) first. */
static Waiter *clock_head[LONGPOLL_MAX_WAIT_S + 1], *clock_tail[LONGPOLL_MAX_WAIT_S + 1];

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h % BUCKETS;
}

static Feed *find(const char *key)
{
    for (Feed *f = buckets[hash(key)]; f; f = f->next_in_bucket)
        if (strcmp(f->key, key) == 0) return f;
    return NULL;
}

static Feed *find_or_add(const char *key)
{
    Feed *f = find(key);
    if (f) return f;
    size_t n = strlen(key) + 1;
    if (!(f = calloc(1, sizeof *f + n))) return NULL;
    memcpy(f->key, key, n);
    unsigned h = hash(key);
    f->next_in_bucket = buckets[h];
    buckets[h] = f;
    return f;
}

/* Drops an entry nobody waits for and that never changed. */
static void forget_if_unused(Feed *f)
{
    if (f->waiters || f->revision) return;
    Feed **p = &buckets[hash(f->key)];
    while (*p != f) p = &(*p)->next_in_bucket;
    *p = f->next_in_bucket;
    free(f);
}

static int64_t revision_of(const char *key)
{
    Feed *f = find(key);
    return f ? f->revision : 0;
}

static void unlink_waiter(Waiter *w)
{
    for (int k = 0; k < 2; k++) {
        Link *l = &w->on_feed[k];
        if (l->prev) l->prev->on_feed[k].next = l->next;
        else w->feed[k]->waiters = l->next;
        if (l->next) l->next->on_feed[k].prev = l->prev;
        forget_if_unused(w->feed[k]);
    }
    Link *c = &w->on_clock;
    if (c->prev) c->prev->on_clock.next = c->next;
    else clock_head[w->wait_s] = c->next;
    if (c->next) c->next->on_clock.prev = c->prev;
    else clock_tail[w->wait_s] = c->prev;
    held--;
    w->ticket->waiter = NULL;
    w->ticket->ended = true;
}

/* Takes w out of every list and onto `woken` (chained through on_clock.next). */
static void take(Waiter *w, LongpollEnd why, int64_t revision, Waiter **woken)
{
    unlink_waiter(w);
    w->why = why;
    w->revision = revision;
    w->on_clock.next = *woken;
    *woken = w;
}

/* Calls the wake-ups outside the lock: they hand requests to other threads. */
static void wake_all(Waiter *woken)
{
    while (woken) {
        Waiter *next = woken->on_clock.next;
        woken->wake(woken->ctx, woken->why, woken->revision);
        free(woken);
        woken = next;
    }
}

static void take_everyone(LongpollEnd why, int64_t revision, Waiter **woken)
{
    for (int s = 0; s <= LONGPOLL_MAX_WAIT_S; s++)
        while (clock_head[s]) take(clock_head[s], why, revision, woken);
}

void longpoll_announce(int64_t revision, const char *const *keys, size_t n, bool all)
{
    Waiter *woken = NULL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < n && !all; i++) {
        Feed *f = find(keys[i]);
        if (!f && changed_feeds < MAX_CHANGED_FEEDS && (f = find_or_add(keys[i]))) changed_feeds++;
        if (!f) {
            all = true;
            break;
        }
        if (revision > f->revision) f->revision = revision;
        while (f->waiters) {
            Waiter *w = f->waiters;
            take(w, w->feed[0] == f ? LONGPOLL_CHANGED_ORG : LONGPOLL_CHANGED_KIOSK, f->revision, &woken);
        }
    }
    if (all) {
        if (revision > all_revision) all_revision = revision;
        /* Which of its feeds changed is not known: each reads its target again. */
        take_everyone(LONGPOLL_CHANGED_KIOSK, revision, &woken);
    }
    pthread_mutex_unlock(&lock);
    wake_all(woken);
}

int longpoll_call(const char *kiosk)
{
    char key[160];
    snprintf(key, sizeof key, "kiosk:%s", kiosk);
    Waiter *woken = NULL;
    int n = 0;
    pthread_mutex_lock(&lock);
    Feed *f = find(key);
    for (; f && f->waiters; n++) {
        Waiter *w = f->waiters;
        bool last = !w->on_feed[1].next; /* unlinking the feed's last waiter may free the feed */
        take(w, LONGPOLL_CALLED, 0, &woken);
        if (last) break;
    }
    pthread_mutex_unlock(&lock);
    wake_all(woken);
    return n;
}

int longpoll_hold(const char *org, const char *kiosk, int64_t since, int wait_s, LongpollWake wake, void *ctx,
                  LongpollTicket *ticket, int64_t *revision)
{
    char kiosk_key[160]; /* "kiosk:" and an id of up to 127 bytes (Request.actor) */
    snprintf(kiosk_key, sizeof kiosk_key, "kiosk:%s", kiosk);
    if (wait_s < 1) wait_s = 1;
    if (wait_s > LONGPOLL_MAX_WAIT_S) wait_s = LONGPOLL_MAX_WAIT_S;
    Waiter *w = calloc(1, sizeof *w);
    if (!w) return -1;
    pthread_mutex_lock(&lock);
    int64_t rev = all_revision;
    if (revision_of(org) > rev) rev = revision_of(org);
    if (revision_of(kiosk_key) > rev) rev = revision_of(kiosk_key);
    /* A change committed between the caller's look at the database and now. */
    int rc = stopping ? -1 : rev > since ? 1 : 0;
    if (rc == 0 && (!(w->feed[0] = find_or_add(org)) || !(w->feed[1] = find_or_add(kiosk_key)))) {
        if (w->feed[0]) forget_if_unused(w->feed[0]);
        rc = -1;
    }
    if (rc) {
        pthread_mutex_unlock(&lock);
        free(w);
        *revision = rev;
        return rc;
    }
    w->wait_s = wait_s;
    w->deadline_ms = monoclock_ms() + wait_s * 1000.0;
    w->wake = wake;
    w->ctx = ctx;
    w->ticket = ticket;
    ticket->waiter = w;
    for (int k = 0; k < 2; k++) {
        w->on_feed[k].next = w->feed[k]->waiters;
        if (w->feed[k]->waiters) w->feed[k]->waiters->on_feed[k].prev = w;
        w->feed[k]->waiters = w;
    }
    bool first = !clock_tail[wait_s];
    w->on_clock.prev = clock_tail[wait_s];
    if (first) clock_head[wait_s] = w;
    else clock_tail[wait_s]->on_clock.next = w;
    clock_tail[wait_s] = w;
    held++;
    /* Only a list's first request can be earlier than what the clock sleeps for. */
    if (first) pthread_cond_signal(&clock_cond);
    pthread_mutex_unlock(&lock);
    return 0;
}

int longpoll_cancel(LongpollTicket *ticket)
{
    pthread_mutex_lock(&lock);
    Waiter *w = ticket->waiter;
    int rc = w ? 1 : ticket->ended ? 0 : -1;
    if (w) unlink_waiter(w);
    pthread_mutex_unlock(&lock);
    free(w);
    return rc;
}

/* The earliest deadline of any held request; 0 when none is held. */
static double earliest_deadline(void)
{
    double t = 0;
    for (int s = 0; s <= LONGPOLL_MAX_WAIT_S; s++)
        if (clock_head[s] && (t == 0 || clock_head[s]->deadline_ms < t)) t = clock_head[s]->deadline_ms;
    return t;
}

static void *clock_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        double next = earliest_deadline(), now = monoclock_ms();
        if (next == 0) {
            pthread_cond_wait(&clock_cond, &lock);
            continue;
        }
        if (next > now) {
            struct timespec until = monoclock_deadline((int)(next - now) + 1);
            pthread_cond_timedwait(&clock_cond, &lock, &until);
            continue;
        }
        Waiter *woken = NULL;
        for (int s = 0; s <= LONGPOLL_MAX_WAIT_S; s++)
            while (clock_head[s] && clock_head[s]->deadline_ms <= now) take(clock_head[s], LONGPOLL_TIMEOUT, 0, &woken);
        pthread_mutex_unlock(&lock);
        wake_all(woken);
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int longpoll_init(Err *err)
{
    /* CLOCK_MONOTONIC, so that setting the wall clock never cuts a wait short or stretches it. */
    monoclock_cond_init(&clock_cond);
    stopping = false;
    int rc = pthread_create(&clock_thread, NULL, clock_main, NULL);
    if (rc) return err_set(err, "cannot start the long-poll clock: %s", strerror(rc));
    clock_running = true;
    return 0;
}

long longpoll_held(void)
{
    pthread_mutex_lock(&lock);
    long n = held;
    pthread_mutex_unlock(&lock);
    return n;
}

void longpoll_shutdown(void)
{
    Waiter *woken = NULL;
    pthread_mutex_lock(&lock);
    stopping = true;
    take_everyone(LONGPOLL_STOPPING, 0, &woken);
    pthread_cond_signal(&clock_cond);
    pthread_mutex_unlock(&lock);
    wake_all(woken);
    if (clock_running) pthread_join(clock_thread, NULL);
    clock_running = false;
}

bool longpoll_stopping(void)
{
    pthread_mutex_lock(&lock);
    bool s = stopping;
    pthread_mutex_unlock(&lock);
    return s;
}
