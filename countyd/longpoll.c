#include "longpoll.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "monoclock.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static int64_t current;
static bool stopping;

void longpoll_init(int64_t revision)
{
    /* CLOCK_MONOTONIC, so that setting the wall clock never cuts a wait short or stretches it. */
    monoclock_cond_init(&changed);
    current = revision;
    stopping = false;
}

int64_t longpoll_current(void)
{
    pthread_mutex_lock(&lock);
    int64_t rev = current;
    pthread_mutex_unlock(&lock);
    return rev;
}

void longpoll_announce(int64_t revision)
{
    pthread_mutex_lock(&lock);
    if (revision > current) current = revision;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

int64_t longpoll_wait(int64_t since, int timeout_ms)
{
    struct timespec until = monoclock_deadline(timeout_ms);
    pthread_mutex_lock(&lock);
    while (current <= since && !stopping)
        if (pthread_cond_timedwait(&changed, &lock, &until) == ETIMEDOUT) break;
    int64_t rev = current;
    pthread_mutex_unlock(&lock);
    return rev;
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
