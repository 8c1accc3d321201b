/* longpoll.h — waking held content requests when the revision moves.
 *
 * Owns the one process-wide "current content revision" that request
 * threads wait on.  An admin change that commits a new revision calls
 * longpoll_announce(); every kiosk request held in longpoll_wait() returns
 * at once and answers with the new delta. */
#ifndef COUNTYD_LONGPOLL_H
#define COUNTYD_LONGPOLL_H

#include <stdbool.h>
#include <stdint.h>

void longpoll_init(int64_t revision);
/* The content revision as this process last committed it. */
int64_t longpoll_current(void);
/* Makes `revision` current (ignored if not newer) and wakes every waiter. */
void longpoll_announce(int64_t revision);
/* Waits until the revision is greater than `since`, at most timeout_ms, or
 * until shutdown.  Returns the current revision. */
int64_t longpoll_wait(int64_t since, int timeout_ms);
/* Wakes every waiter for good (the server is stopping). */
void longpoll_shutdown(void);
bool longpoll_stopping(void);

#endif
