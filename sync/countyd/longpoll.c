#include "longpoll.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed;
static int64_t current;
static bool stopping;

void longpoll_init(int64_t revision)
{
    /* CLOCK_MONOTONIC, so that setting the wall clock never cuts a wait short or stretches it. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&changed, &attr);
    pthread_condattr_destroy(&attr);
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
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
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
