/* longpoll.h — held content requests, woken when their feed changes.
 *
 * Owns, process-wide, the latest revision at which each feed changed (a
 * feed is an organisation's id, or "kiosk:ID" for a kiosk moved to another
 * organisation) and the requests held for them.  A held request costs no
 * thread: it is a small record in the list of each feed it waits for and
 * in the list of requests with the same wait, which one clock thread
 * walks for deadlines (the lists are in deadline order, since a request
 * joins its list's end).  A change that commits a new revision calls
 * longpoll_announce() with the feeds it touched (audience_commit() does);
 * only the requests held for one of those feeds are woken, the others
 * keep waiting. */
#ifndef COUNTYD_LONGPOLL_H
#define COUNTYD_LONGPOLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Why a held request ended.  LONGPOLL_CHANGED_ORG: its organisation's feed
 * changed (at *revision); LONGPOLL_CHANGED_KIOSK: the kiosk's own feed did
 * (it was moved), so its target must be read again; LONGPOLL_CALLED: the
 * server calls the kiosk for a command, its feed is as it was. */
typedef enum {
    LONGPOLL_CHANGED_ORG,
    LONGPOLL_CHANGED_KIOSK,
    LONGPOLL_CALLED,
    LONGPOLL_TIMEOUT,
    LONGPOLL_STOPPING
} LongpollEnd;

/* Called once per held request, from the thread that ended it (an
 * announcing request's, or the clock thread), without any lock held: it
 * must only hand the request on, not answer it there. */
typedef void (*LongpollWake)(void *ctx, LongpollEnd why, int64_t revision);

/* A held request's place in the lists, kept by the holder (zeroed before
 * longpoll_hold) so that it can give up the wait (longpoll_cancel). */
typedef struct {
    struct Waiter *waiter; /* NULL until held and once ended */
    bool ended; /* woken or cancelled */
} LongpollTicket;

int longpoll_init(Err *err);
/* Records that `feeds` changed at `revision` (all of them when `all`) and
 * wakes the requests held for them. */
void longpoll_announce(int64_t revision, const char *const *feeds, size_t n, bool all);
/* Ends the requests held for kiosk `kiosk` with LONGPOLL_CALLED (a command
 * waits for it); no revision changes.  The number of requests woken. */
int longpoll_call(const char *kiosk);
/* Holds a request until the feed of organisation `org` or that of the
 * kiosk ("kiosk:" + kiosk) changes after `since`, at most wait_s seconds
 * (1..LONGPOLL_MAX_WAIT_S), then calls wake(ctx, ...) once.  Returns 0
 * when held, 1 when either feed already changed after `since` (not held;
 * *revision says when), -1 when the server is stopping or out of memory
 * (not held). */
int longpoll_hold(const char *org, const char *kiosk, int64_t since, int wait_s, LongpollWake wake, void *ctx,
                  LongpollTicket *ticket, int64_t *revision);
/* Gives up a held request's wait (its client went away): 1 when it was
 * still held (wake will not be called; the holder ends the request), 0
 * when it has been woken already (wake is called or on its way), -1 when
 * longpoll_hold has not held it yet. */
int longpoll_cancel(LongpollTicket *ticket);
/* The number of requests held now (for the status and the tests). */
long longpoll_held(void);
/* Ends every held request with LONGPOLL_STOPPING and refuses new ones;
 * stops the clock thread. */
void longpoll_shutdown(void);
bool longpoll_stopping(void);

#define LONGPOLL_MAX_WAIT_S 120

#endif
