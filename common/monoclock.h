/* monoclock.h — time from CLOCK_MONOTONIC, which setting the wall clock
 * never moves.
 *
 * Owns the two uses of it that several modules share: measuring elapsed
 * time (request logs, stall checks, benchmarks) and bounding a wait on a
 * condition variable (the sync thread's sleep, countyd's long poll), so
 * that a kiosk whose clock is corrected by hours neither wakes early nor
 * sleeps on. */
#ifndef KIOSK_MONOCLOCK_H
#define KIOSK_MONOCLOCK_H

#include <pthread.h>
#include <time.h>

/* Milliseconds since an arbitrary fixed point; only differences mean anything. */
double monoclock_ms(void);

/* Initializes a condition variable whose timed waits use this clock. */
void monoclock_cond_init(pthread_cond_t *cond);

/* The moment `ms` milliseconds from now, for pthread_cond_timedwait on a
 * condition variable made by monoclock_cond_init. */
struct timespec monoclock_deadline(int ms);

#endif
