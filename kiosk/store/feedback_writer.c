#include "feedback_writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "monoclock.h"

/* Each try waits this long for the lock, so that a writer told to give
 * up (stopping past FEEDBACK_WRITER_STOP_MS) notices within it, and so
 * that SQLite's "busy without calling the busy handler" (a WAL read lock
 * race, sqlite.org/wal.html) is simply tried again. */
#define TRY_WAIT_MS 200

typedef enum { SLOT_FREE, SLOT_QUEUED, SLOT_WRITING, SLOT_DONE } SlotState;

typedef struct Slot {
    SlotState state;
    unsigned ticket;
    double handed_at; /* monoclock_ms of the hand-over: the deadline counts from it */
    FeedbackJob job;
    FeedbackWritten result;
} Slot;

struct FeedbackWriter {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job queued, or stopping */
    pthread_cond_t done; /* an outcome, or the queue emptied */
    pthread_t thread;
    Store *store;
    int deadline_ms;
    void (*notify)(void);
    unsigned next_ticket;
    bool stopping; /* no new jobs; the thread ends once the queue is empty */
    bool give_up; /* stopping took too long: what is left is not written */
    Slot slots[FEEDBACK_WRITER_SLOTS];
};

/* Under the lock: the oldest job waiting, or NULL. */
static Slot *next_queued(FeedbackWriter *w)
{
    Slot *best = NULL;
    for (int i = 0; i < FEEDBACK_WRITER_SLOTS; i++)
        if (w->slots[i].state == SLOT_QUEUED && (!best || w->slots[i].ticket < best->ticket)) best = &w->slots[i];
    return best;
}

/* Under the lock: a job with a ticket above `after` is queued or being written. */
static bool in_flight(const FeedbackWriter *w, unsigned after)
{
    for (int i = 0; i < FEEDBACK_WRITER_SLOTS; i++) {
        const Slot *s = &w->slots[i];
        if ((s->state == SLOT_QUEUED || s->state == SLOT_WRITING) && s->ticket > after) return true;
    }
    return false;
}

static Slot *find_ticket(FeedbackWriter *w, unsigned ticket)
{
    for (int i = 0; ticket && i < FEEDBACK_WRITER_SLOTS; i++)
        if (w->slots[i].state != SLOT_FREE && w->slots[i].ticket == ticket) return &w->slots[i];
    return NULL;
}

static bool giving_up(FeedbackWriter *w)
{
    pthread_mutex_lock(&w->lock);
    bool g = w->give_up;
    pthread_mutex_unlock(&w->lock);
    return g;
}

static const WriteOutcome FROM_STORE[] = {
    [STORE_FEEDBACK_SAVED] = WRITE_SAVED,
    [STORE_FEEDBACK_DUPLICATE] = WRITE_DUPLICATE,
    [STORE_FEEDBACK_RATE_LIMITED] = WRITE_RATE_LIMITED,
};

/* On the writer's thread, without the lock: one job, tried again while
 * another connection holds the write lock and the deadline allows. */
static void write_job(FeedbackWriter *w, const FeedbackJob *job, double handed_at, FeedbackWritten *out)
{
    memset(out, 0, sizeof *out);
    for (;;) {
        StoreFeedbackOutcome got;
        Err err;
        int left = (int)(handed_at + w->deadline_ms - monoclock_ms());
        int wait = left < TRY_WAIT_MS ? (left > 0 ? left : 0) : TRY_WAIT_MS;
        if (store_feedback_add_checked(w->store, &job->rec, job->duplicate_window_s, job->rate_limit_per_hour, wait,
                                       &got, &err) == 0) {
            out->outcome = FROM_STORE[got];
            return;
        }
        bool busy = store_busy(w->store);
        snprintf(out->why, sizeof out->why, "%s", err.msg);
        out->outcome = busy ? WRITE_BUSY : WRITE_FAILED;
        if (!busy || left <= 0 || giving_up(w)) return;
    }
}

static void log_outcome(const FeedbackJob *job, const FeedbackWritten *r)
{
    const char *kind = feedback_kind_word(job->rec.kind);
    switch (r->outcome) {
    case WRITE_SAVED: log_info("feedback: %s %s saved", kind, job->rec.id); break;
    case WRITE_DUPLICATE:
        log_info("feedback: identical %s dropped (already saved in the last %d s)", kind, job->duplicate_window_s);
        break;
    case WRITE_RATE_LIMITED:
        log_warn("feedback: rate limit of %d an hour reached; submission refused", job->rate_limit_per_hour);
        break;
    case WRITE_BUSY: log_error("feedback: not saved (the database was busy with an update): %s", r->why); break;
    case WRITE_FAILED: log_error("feedback: %s", r->why); break;
    }
}

static void *writer_main(void *arg)
{
    FeedbackWriter *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        Slot *s = next_queued(w);
        if (!s && w->stopping) break;
        if (!s) {
            pthread_cond_wait(&w->work, &w->lock);
            continue;
        }
        if (w->give_up) {
            log_error("feedback: %s %s lost: the kiosk stopped before the database took it",
                      feedback_kind_word(s->job.rec.kind), s->job.rec.id);
            s->state = SLOT_FREE;
            continue;
        }
        s->state = SLOT_WRITING;
        FeedbackJob job = s->job;
        double handed_at = s->handed_at;
        pthread_mutex_unlock(&w->lock);
        FeedbackWritten result;
        write_job(w, &job, handed_at, &result);
        log_outcome(&job, &result);
        pthread_mutex_lock(&w->lock);
        s->result = result;
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&w->done);
        pthread_mutex_unlock(&w->lock);
        if (w->notify) w->notify();
        pthread_mutex_lock(&w->lock);
    }
    pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int feedback_writer_start(const char *path, int deadline_ms, void (*notify)(void), FeedbackWriter **out, Err *err)
{
    *out = NULL;
    FeedbackWriter *w = calloc(1, sizeof *w);
    if (!w) return err_set(err, "out of memory for the feedback writer");
    if (store_open(path, &w->store, err)) {
        free(w);
        return err_prefix(err, "the feedback writer cannot open the database: ");
    }
    w->deadline_ms = deadline_ms;
    w->notify = notify;
    pthread_mutex_init(&w->lock, NULL);
    monoclock_cond_init(&w->work);
    monoclock_cond_init(&w->done);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        store_close(w->store);
        free(w);
        return err_set(err, "cannot start the feedback writer's thread");
    }
    *out = w;
    return 0;
}

unsigned feedback_writer_submit(FeedbackWriter *w, const FeedbackJob *job)
{
    if (!w) return 0;
    pthread_mutex_lock(&w->lock);
    Slot *free_slot = NULL, *oldest_done = NULL;
    for (int i = 0; i < FEEDBACK_WRITER_SLOTS; i++) {
        Slot *s = &w->slots[i];
        if (s->state == SLOT_FREE && !free_slot) free_slot = s;
        if (s->state == SLOT_DONE && (!oldest_done || s->ticket < oldest_done->ticket)) oldest_done = s;
    }
    /* An outcome nobody collected (the visitor left) makes room: the
     * submission itself is in the database or was logged as refused. */
    Slot *s = free_slot ? free_slot : oldest_done;
    unsigned ticket = 0;
    if (s && !w->stopping) {
        ticket = ++w->next_ticket ? w->next_ticket : ++w->next_ticket;
        *s = (Slot){.state = SLOT_QUEUED, .ticket = ticket, .handed_at = monoclock_ms(), .job = *job};
        pthread_cond_signal(&w->work);
    }
    pthread_mutex_unlock(&w->lock);
    if (!ticket) log_error("feedback: %s not handed to the writer (%s)", job->rec.id, s ? "stopping" : "queue full");
    return ticket;
}

/* Under the lock. */
static int take_locked(FeedbackWriter *w, unsigned ticket, FeedbackWritten *out)
{
    Slot *s = find_ticket(w, ticket);
    if (!s) return -1;
    if (s->state != SLOT_DONE) return 1;
    *out = s->result;
    s->state = SLOT_FREE;
    return 0;
}

int feedback_writer_take(FeedbackWriter *w, unsigned ticket, FeedbackWritten *out)
{
    if (!w) return -1;
    pthread_mutex_lock(&w->lock);
    int rc = take_locked(w, ticket, out);
    pthread_mutex_unlock(&w->lock);
    return rc;
}

int feedback_writer_wait(FeedbackWriter *w, unsigned ticket, int timeout_ms, FeedbackWritten *out)
{
    if (!w) return -1;
    struct timespec until = monoclock_deadline(timeout_ms);
    pthread_mutex_lock(&w->lock);
    int rc;
    while ((rc = take_locked(w, ticket, out)) == 1)
        if (pthread_cond_timedwait(&w->done, &w->lock, &until) != 0) break;
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* Under the lock: 0 when nothing above `after` was in flight, 1 when it
 * was and is now done, -1 when it still is after timeout_ms. */
static int settle_locked(FeedbackWriter *w, unsigned after, int timeout_ms)
{
    if (!in_flight(w, after)) return 0;
    struct timespec until = monoclock_deadline(timeout_ms);
    while (in_flight(w, after))
        if (pthread_cond_timedwait(&w->done, &w->lock, &until) != 0) return in_flight(w, after) ? -1 : 1;
    return 1;
}

int feedback_writer_settle(FeedbackWriter *w, unsigned *after, int timeout_ms)
{
    if (!w) return 0;
    pthread_mutex_lock(&w->lock);
    int rc = settle_locked(w, after ? *after : 0, timeout_ms);
    if (after) *after = w->next_ticket;
    pthread_mutex_unlock(&w->lock);
    return rc;
}

void feedback_writer_stop(FeedbackWriter *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->work);
    if (settle_locked(w, 0, FEEDBACK_WRITER_STOP_MS) < 0) w->give_up = true;
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    store_close(w->store);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    free(w);
}
