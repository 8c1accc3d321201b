/* longpoll.h — waking held content requests when their feed changes.
 *
 * Owns, process-wide, the latest revision at which each feed changed (a
 * feed is an organisation's id, or "kiosk:ID" for a kiosk moved to another
 * organisation).  A change that commits a new revision calls
 * longpoll_announce() with the feeds it touched (audience_commit() does);
 * only the kiosk requests held in longpoll_wait() for one of those feeds
 * return and answer with their new delta, the others keep waiting. */
#ifndef COUNTYD_LONGPOLL_H
#define COUNTYD_LONGPOLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void longpoll_init(void);
/* Records that `feeds` changed at `revision` (all of them when `all`) and
 * wakes the requests waiting for them. */
void longpoll_announce(int64_t revision, const char *const *feeds, size_t n, bool all);
/* Waits until the feed of organisation `org` or that of the kiosk
 * ("kiosk:" + kiosk) changed after `since`, at most timeout_ms, or until
 * shutdown.  Returns true when it did change (the caller reads the new
 * revision from the database). */
bool longpoll_wait(const char *org, const char *kiosk, int64_t since, int timeout_ms);
/* Wakes every waiter for good (the server is stopping). */
void longpoll_shutdown(void);
bool longpoll_stopping(void);

#endif
