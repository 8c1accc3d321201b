/* feedback_writer.h — a visitor's submission committed to the outbox on a
 * thread of its own, so that the UI thread never waits on a database
 * write (docs/ARCHITECTURE.md, "Threads"; docs/FEEDBACK.md, "Saving").
 *
 * Owns the writer thread, its own connection to the kiosk's database and
 * a bounded queue of submissions.  The screen hands over a copy of the
 * submission with feedback_writer_submit (a mutex, never a wait) and gets
 * a ticket; the thread commits it with the abuse rules in the same
 * transaction (store_feedback_add_checked), retrying while another
 * connection holds the write lock (the sync thread applying a snapshot)
 * until FEEDBACK_WRITER_DEADLINE_MS after the hand-over, and then calls
 * `notify` (any thread may be woken that way: the kiosk posts an SDL
 * event).  The screen collects the outcome with feedback_writer_take.
 *
 * A submission belongs to the writer once handed over, not to the screen:
 * a visitor who walks away, or the idle timeout, does not cancel it, and
 * feedback_writer_stop commits what is queued before it closes (bounded). */
#ifndef KIOSK_FEEDBACK_WRITER_H
#define KIOSK_FEEDBACK_WRITER_H

#include <stdbool.h>

#include "err.h"
#include "store.h"

#define FEEDBACK_WRITER_SLOTS 16 /* submissions queued or answered but not yet collected */
#define FEEDBACK_WRITER_DEADLINE_MS 10000 /* from the hand-over to "not saved, the database is busy" */
#define FEEDBACK_WRITER_STOP_MS                                                                                        \
    6000 /* what stopping waits for the queue at most: inside the unit's TimeoutStopSec=10 */

typedef struct FeedbackWriter FeedbackWriter;

typedef struct FeedbackJob {
    StoreFeedback rec; /* with its id and created_at */
    int duplicate_window_s; /* 0: no duplicate check */
    int rate_limit_per_hour;
} FeedbackJob;

typedef enum {
    WRITE_SAVED, /* committed (fsync'd) */
    WRITE_DUPLICATE, /* the same was committed moments ago: not saved twice */
    WRITE_RATE_LIMITED, /* the hour's limit is reached: not saved */
    WRITE_BUSY, /* another connection held the write lock past the deadline: not saved */
    WRITE_FAILED, /* the database refused (full disk, damage) or a rule could not be checked: not saved */
} WriteOutcome;

typedef struct FeedbackWritten {
    WriteOutcome outcome;
    char why[512]; /* the technical cause of WRITE_BUSY and WRITE_FAILED, for the log */
} FeedbackWritten;

/* Opens its own connection to the database at `path` and starts the
 * thread.  deadline_ms: FEEDBACK_WRITER_DEADLINE_MS, or less in tests.
 * notify (may be NULL) is called on the writer's thread after each
 * outcome. */
int feedback_writer_start(const char *path, int deadline_ms, void (*notify)(void), FeedbackWriter **out, Err *err);
/* Any thread.  Queues a copy of the job and returns its ticket (never 0);
 * 0 when the queue is full or the writer is stopping (w NULL: none). */
unsigned feedback_writer_submit(FeedbackWriter *w, const FeedbackJob *job);
/* Any thread, never waits beyond a mutex.  0 with the outcome of `ticket`
 * in out (once); 1 while it is queued or being written; -1 when the
 * writer holds no such ticket. */
int feedback_writer_take(FeedbackWriter *w, unsigned ticket, FeedbackWritten *out);
/* Waits up to timeout_ms for the outcome of `ticket`, then as take.  For
 * tests and benchmarks, never the UI thread of a kiosk. */
int feedback_writer_wait(FeedbackWriter *w, unsigned ticket, int timeout_ms, FeedbackWritten *out);
/* Waits up to timeout_ms until no submission handed over after ticket
 * *after is queued or being written (after NULL: none at all): 0 when
 * none was, 1 when they are done, -1 when one still is.  *after becomes
 * the latest ticket, so that the next call waits only for newer ones.
 * For tests and the headless runner's settling (docs/HEADLESS.md). */
int feedback_writer_settle(FeedbackWriter *w, unsigned *after, int timeout_ms);
/* Commits what is queued (up to FEEDBACK_WRITER_STOP_MS), stops the thread
 * and closes its connection; what is still unwritten then is logged as
 * lost, by id.  NULL is fine. */
void feedback_writer_stop(FeedbackWriter *w);

#endif
