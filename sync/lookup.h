/* lookup.h — a receipt number (回执号) looked up on the county server for
 * the 查询办理结果 screen, without the UI thread ever waiting on the network.
 *
 * The hand-off (docs/SYNC.md "Receipt lookups"): the screen asks with
 * sync_lookup_ask, which only copies the number under a mutex, pokes the
 * sync thread and returns a ticket.  The sync thread takes the request at
 * the top of its next loop turn (a long-poll in flight or a back-off wait
 * is cut short by the poke), makes the one request
 * GET /v1/kiosk/receipts/{12 digits}, keeps the answer and raises
 * SYNC_LOOKUP_DONE.  The screen, woken by that event, collects it with
 * sync_lookup_take.
 *
 * One request at a time: a new ask replaces a request not yet started, and
 * the answer to an older ticket is never handed out for a newer one.  Each
 * request has a deadline, SYNC_LOOKUP_DEADLINE_MS from the ask: the sync
 * thread does not start a request past it and gives the transfer only
 * what is left of it; the screen stops waiting at the same moment and
 * says the lookup is not possible now. */
#ifndef KIOSK_SYNC_LOOKUP_H
#define KIOSK_SYNC_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "protolimits.h"
#include "receipt.h"
#include "sync.h"

#define SYNC_LOOKUP_DEADLINE_MS 15000
#define SYNC_LOOKUP_ANSWER_MAX 16000 /* bytes of an answer's text; a longer one is refused as malformed */

typedef enum {
    LOOKUP_FOUND, /* the server knows the case: status, dates, maybe an answer */
    LOOKUP_UNKNOWN, /* the server answered 404: no submission with that number */
    LOOKUP_CONFLICT, /* 409: two submissions share the number; the visitor asks at the counter */
    LOOKUP_BUSY, /* 429: this kiosk looked up too often; the visitor tries again in a few minutes */
    LOOKUP_UNAVAILABLE, /* no answer: offline, a server error, no server (file://), past the deadline */
} LookupOutcome;

typedef struct LookupResult {
    LookupOutcome outcome;
    char receipt[RECEIPT_DIGITS + 1];
    FeedbackKind kind;
    CaseStatus status;
    int64_t submitted_at, due_at, answered_at; /* unix seconds; 0 = none */
    char answer[SYNC_LOOKUP_ANSWER_MAX + 1]; /* "" until answered */
} LookupResult;

/* UI thread.  Hands `digits` (RECEIPT_DIGITS digits, receipt_normalize'd)
 * to the sync thread; returns the request's ticket, never 0.  Returns 0,
 * with nothing asked, when there is no sync thread (t NULL). */
unsigned sync_lookup_ask(SyncThread *t, const char *digits);
/* UI thread.  0 with the answer to `ticket` copied to out (once: a second
 * take returns 1); 1 while it has not arrived (or belongs to another
 * ticket).  Takes only a mutex, never waits. */
int sync_lookup_take(SyncThread *t, unsigned ticket, LookupResult *out);

#endif
