/* bench_store — how fast a county-sized snapshot is applied, and how fast
 * the store then answers the screens' queries.
 *
 * Builds a snapshot with 8 × 6 × 4 categories, N items (default 10,000,
 * each body BODY characters, default 1,000: the size of bench_countyd's
 * items, 3 KB of UTF-8, so that the document is the ~31 MB a county of
 * 10,000 items sends; every fifth item with two images), 50 notices and
 * 200 answers.  Then, RUNS times each (default 7):
 *   - the document's JSON alone (feed_doc_load) and its feed rules alone
 *     (feed_doc_check with no sink), the parts of an apply that are not
 *     SQLite;
 *   - applying it to a fresh database file (a new kiosk's first sync);
 *   - applying the next snapshot onto the full store (a resync, as after a
 *     restored server: one item in ten changed, the rest as they were);
 *   - applying a delta of 100 changed items onto the full store (an
 *     admin's batch);
 * each into a real SQLite file in /tmp with the store's own settings
 * (WAL, synchronous=FULL, secure_delete), and each as the sync thread does
 * it (sync/pull.c take_document): the bytes loaded once, looked at
 * (feed_peek_doc: revision, images), imported (the feed rules and the
 * writes in one transaction, then the COMMIT, then the checkpoint), the
 * tree freed.  Prints the whole, the time until the screens see the new
 * content (to the COMMIT) and each step as p50/p99/max.  Meanwhile a reader thread on its
 * own connection, as the UI has, runs the screens' queries (a third-level
 * page and an item) once a frame; its longest query during the resyncs
 * and deltas is the longest a screen waited, printed beside the same
 * queries on an idle store.  Every tenth frame it also hands a visitor's
 * submission to the feedback writer, as the feedback screen does: the
 * hand-over (the UI thread's part) is timed, and so is the time until the
 * outcome arrives (what the visitor sees as 正在保存…), collected once a
 * frame; those not saved, or not handed over, are counted.  The machine's load before and after;
 * asserts nothing. */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "benchfeed.h"
#include "benchutil.h"
#include "feedback_writer.h"
#include "import.h"
#include "monoclock.h"
#include "number.h"
#include "store.h"

typedef int (*Query)(Store *s, void *arg);

static int q_catalog(Store *s, void *arg)
{
    (void)arg;
    StoreCategory *c;
    int n;
    Err err;
    int rc = store_catalog(s, time(NULL), &c, &n, &err);
    store_free(c);
    return rc;
}

static int q_page(Store *s, void *arg)
{
    StoreItemSummary *it;
    int n, total;
    Err err;
    int rc = store_items_page(s, (const char *)arg, time(NULL), 20, 10, &it, &n, &total, &err);
    store_free(it);
    return rc;
}

static int q_item(Store *s, void *arg)
{
    StoreItem it;
    Err err;
    int rc = store_item_get(s, (const char *)arg, time(NULL), &it, &err);
    if (rc == 0) store_item_free(&it);
    return rc;
}

static void time_query(Store *s, const char *name, Query q, void *arg, int runs)
{
    double *v = calloc((size_t)runs, sizeof *v);
    if (!v) return;
    for (int i = 0; i < runs; i++) {
        double start = monoclock_ms();
        if (q(s, arg) < 0) {
            printf("%-36s failed\n", name);
            free(v);
            return;
        }
        v[i] = monoclock_ms() - start;
    }
    qsort(v, (size_t)runs, sizeof *v, bench_by_value);
    printf("%-36s p50 %8.3f  p99 %8.3f  max %8.3f ms (%d calls)\n", name, bench_rank(v, runs, 50),
           bench_rank(v, runs, 99), v[runs - 1], runs);
    free(v);
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_store: %s: %s\n", what, msg);
    exit(1);
}

/* The steps of one apply, in milliseconds. */
enum {
    STEP_ALL,
    STEP_CPU,
    STEP_SEEN,
    STEP_LOAD,
    STEP_PEEK,
    STEP_IMPORT,
    STEP_COMMIT,
    STEP_CHECKPOINT,
    STEP_FREE,
    STEPS
};
static const char *const step_names[STEPS] = {
    "",
    "  its CPU time",
    "  until the screens see it",
    "  load (JSON to tree)",
    "  peek (revision, images)",
    "  import (rules, writes, COMMIT)",
    "    of which the COMMIT",
    "  checkpoint after the COMMIT",
    "  free the tree",
};

/* One apply of `feed` into the store at `db` as the sync thread does it,
 * timed from the bytes to the checkpoint and the tree freed; the store is
 * opened before the clock starts (the sync thread keeps its connection
 * open). */
static void time_apply(const char *db, const char *feed, size_t len, bool fresh, double *step[STEPS], int run)
{
    if (fresh) store_delete_files(db);
    Store *s;
    Err err;
    FeedResult res;
    FeedPeek pk;
    FeedDoc *doc;
    if (store_open(db, &s, &err)) die("opening the store", err.msg);
    double t0 = monoclock_ms(), c0 = bench_thread_cpu_ms();
    if (feed_doc_load(feed, len, &doc, &err)) die("load", err.msg);
    double t1 = monoclock_ms();
    if (feed_peek_doc(doc, &pk, &err)) die("peek", err.msg);
    feed_peek_free(&pk);
    double t2 = monoclock_ms();
    if (feed_import_doc(s, doc, &res, &err)) die("import", err.msg);
    double t3 = monoclock_ms();
    feed_doc_free(doc);
    double t4 = monoclock_ms();
    step[STEP_ALL][run] = t4 - t0;
    step[STEP_CPU][run] = bench_thread_cpu_ms() - c0; /* the reader's is not the apply's */
    step[STEP_SEEN][run] = t3 - t0 - res.checkpoint_ms;
    step[STEP_LOAD][run] = t1 - t0;
    step[STEP_PEEK][run] = t2 - t1;
    step[STEP_IMPORT][run] = t3 - t2 - res.checkpoint_ms;
    step[STEP_COMMIT][run] = res.commit_ms;
    step[STEP_CHECKPOINT][run] = res.checkpoint_ms;
    step[STEP_FREE][run] = t4 - t3;
    if (res.unchanged) die("import", "the document changed nothing");
    store_close(s);
}

/* The UI's side: screen queries on a connection of its own, one pair a
 * frame (16 ms), each timed; `recording` says whether an apply is
 * running. */
#define READ_SAMPLES 200000
typedef struct {
    const char *db;
    atomic_bool stop, recording;
    double *busy, *idle; /* query times during applies, and with none */
    int busy_n, idle_n;
    FeedbackWriter *writer; /* the kiosk's feedback writer, own connection */
    double *writes; /* a visitor's submission during applies: the UI thread's part (the hand-over) */
    double *committed; /* from the hand-over to the outcome, as the screen sees it */
    unsigned *tickets; /* of the submissions whose outcome has not been seen yet */
    double *handed_at;
    int writes_n, committed_n, pending_n, refused; /* refused: not saved (busy past the deadline) */
    int queue_full; /* not handed over: the writer's queue was full */
} Reader;

/* A visitor's submission, as the feedback screen hands it over on the UI
 * thread: a copy queued for the writer's thread (feedback_writer.h). */
static void submit_feedback(Reader *r)
{
    FeedbackJob job = {.rec = {.kind = FEEDBACK_COMMENT, .rating_levels = 3, .created_at = time(NULL)},
                       .rate_limit_per_hour = 1 << 30};
    snprintf(job.rec.id, sizeof job.rec.id, "0b9d2c1e-0000-4000-8000-%012d", r->writes_n);
    snprintf(job.rec.reasons, sizeof job.rec.reasons, "[]");
    snprintf(job.rec.comment, sizeof job.rec.comment, "屏幕上的字再大一点就好了（%d）", r->writes_n);
    double t0 = monoclock_ms();
    unsigned ticket = feedback_writer_submit(r->writer, &job);
    r->writes[r->writes_n++] = monoclock_ms() - t0;
    if (!ticket) {
        r->queue_full++; /* FEEDBACK_WRITER_SLOTS waiting: a visitor reads 暂时无法提交 */
        return;
    }
    r->tickets[r->pending_n] = ticket;
    r->handed_at[r->pending_n++] = t0;
}

/* Once a frame, as the screen does: the outcomes that have arrived. */
static void collect_outcomes(Reader *r)
{
    int kept = 0;
    for (int i = 0; i < r->pending_n; i++) {
        FeedbackWritten done;
        int rc = feedback_writer_take(r->writer, r->tickets[i], &done);
        if (rc < 0) die("a visitor's submission", "the writer lost a ticket");
        if (rc == 1) {
            r->tickets[kept] = r->tickets[i];
            r->handed_at[kept++] = r->handed_at[i];
            continue;
        }
        if (done.outcome == WRITE_FAILED) die("a visitor's submission", done.why);
        if (done.outcome != WRITE_SAVED) r->refused++;
        r->committed[r->committed_n++] = monoclock_ms() - r->handed_at[i];
    }
    r->pending_n = kept;
}

static void *reader_main(void *arg)
{
    Reader *r = arg;
    Store *s;
    Err err;
    if (store_open(r->db, &s, &err)) die("the reader's store", err.msg);
    for (int n = 0; !atomic_load(&r->stop) || r->pending_n > 0; n++) {
        bool during = atomic_load(&r->recording);
        /* A submission every tenth frame while the applies run. */
        if (during && n % 10 == 0 && r->writes_n < READ_SAMPLES) submit_feedback(r);
        collect_outcomes(r);
        double t0 = monoclock_ms();
        if (q_page(s, "c3-2-1") < 0 || q_item(s, "item-1231") < 0) die("reading while writing", "a query failed");
        double ms = monoclock_ms() - t0;
        if (during && r->busy_n < READ_SAMPLES) r->busy[r->busy_n++] = ms;
        if (!during && r->idle_n < READ_SAMPLES) r->idle[r->idle_n++] = ms;
        /* A screen asks once a frame at most, not back to back. */
        struct timespec frame = {0, 16 * 1000 * 1000};
        nanosleep(&frame, NULL);
    }
    store_close(s);
    return NULL;
}

int main(int argc, char **argv)
{
    int items = 10000, body_chars = 1000, runs = 7;
    if ((argc > 1 && number_parse_int(argv[1], 1, 10000000, &items)) ||
        (argc > 2 && number_parse_int(argv[2], 1, 1000000, &body_chars)) ||
        (argc > 3 && number_parse_int(argv[3], 1, 1000, &runs))) {
        fprintf(stderr, "usage: bench_store [ITEMS [BODY_CHARACTERS [RUNS]]]\n");
        return 2;
    }
    char db[256];
    snprintf(db, sizeof db, "/tmp/bench-store-%d.db", (int)getpid());
    bench_print_load("before");
    double t0 = monoclock_ms();
    /* Two snapshots: the second at the next revision with one item in ten
     * changed, so that applying it over the first is a real resync rather
     * than skipped as the same revision; and a delta on the second. */
    enum { DELTA_ITEMS = 100 };
    size_t len[3];
    char *feed[3] = {bench_build_feed(items, body_chars, 1, &len[0]), bench_build_feed(items, body_chars, 2, &len[1]),
                     bench_build_delta(items, DELTA_ITEMS, body_chars, 2, &len[2])};
    if (!feed[0] || !feed[1] || !feed[2]) die("building the feed", "out of memory");
    printf("feed: %d items (%d characters of body each, %d with images), 248 categories, 50 notices, 200 answers, "
           "%.1f MB of JSON; a delta of %d items, %.2f MB (built in %.0f ms)\n",
           items, body_chars, (items + 4) / 5, len[0] / 1048576.0, DELTA_ITEMS, len[2] / 1048576.0,
           monoclock_ms() - t0);

    enum { LOAD, CHECK, FRESH, AGAIN, DELTA, KINDS };
    static const char *const names[KINDS] = {
        "JSON only (feed_doc_load)",      "feed rules only (feed_doc_check)", "snapshot into a fresh database",
        "snapshot over the previous one", "delta of 100 items on the store",
    };
    double *step[KINDS][STEPS];
    for (int k = 0; k < KINDS; k++)
        for (int i = 0; i < STEPS; i++)
            if (!(step[k][i] = calloc((size_t)runs, sizeof(double)))) die("samples", "out of memory");
    Reader reader = {.db = db,
                     .busy = calloc(READ_SAMPLES, sizeof(double)),
                     .idle = calloc(READ_SAMPLES, sizeof(double)),
                     .writes = calloc(READ_SAMPLES, sizeof(double)),
                     .committed = calloc(READ_SAMPLES, sizeof(double)),
                     .tickets = calloc(READ_SAMPLES, sizeof(unsigned)),
                     .handed_at = calloc(READ_SAMPLES, sizeof(double))};
    if (!reader.busy || !reader.idle || !reader.writes || !reader.committed || !reader.tickets || !reader.handed_at)
        die("samples", "out of memory");
    for (int r = 0; r < runs; r++) {
        Err err;
        FeedDoc *doc;
        double p0 = monoclock_ms();
        if (feed_doc_load(feed[0], len[0], &doc, &err)) die("loading the feed", err.msg);
        double p1 = monoclock_ms();
        if (feed_doc_check(doc, NULL, &err)) die("checking the feed", err.msg);
        step[CHECK][STEP_ALL][r] = monoclock_ms() - p1;
        step[LOAD][STEP_ALL][r] = p1 - p0;
        feed_doc_free(doc);

        time_apply(db, feed[0], len[0], true, step[FRESH], r);
        /* The reader starts on the full store, as a screen would be. */
        pthread_t th;
        atomic_store(&reader.stop, false);
        if (feedback_writer_start(db, FEEDBACK_WRITER_DEADLINE_MS, NULL, &reader.writer, &err))
            die("the feedback writer", err.msg);
        if (pthread_create(&th, NULL, reader_main, &reader)) die("the reader", "cannot start a thread");
        sleep(1); /* idle samples first */
        atomic_store(&reader.recording, true);
        time_apply(db, feed[1], len[1], false, step[AGAIN], r);
        time_apply(db, feed[2], len[2], false, step[DELTA], r);
        atomic_store(&reader.recording, false);
        atomic_store(&reader.stop, true);
        pthread_join(th, NULL);
        feedback_writer_stop(reader.writer);
    }
    for (int k = 0; k < KINDS; k++) {
        int shown = k == LOAD || k == CHECK ? 1 : STEPS;
        for (int i = 0; i < shown; i++) bench_print_spread(i == 0 ? names[k] : step_names[i], step[k][i], runs);
        for (int i = 0; i < STEPS; i++) free(step[k][i]);
    }
    printf("the UI's reads (a third-level page and an item, own connection):\n");
    bench_print_spread("  on an idle store", reader.idle, reader.idle_n);
    bench_print_spread("  during the resyncs and deltas", reader.busy, reader.busy_n);
    printf("a visitor's submission, every tenth frame during the resyncs and deltas (the writer gives up after "
           "%d ms):\n",
           FEEDBACK_WRITER_DEADLINE_MS);
    bench_print_spread("  the UI thread's part (hand-over)", reader.writes, reader.writes_n);
    bench_print_spread("  hand-over to committed (正在保存…)", reader.committed, reader.committed_n);
    printf("  not saved (the lock held past the deadline): %d of %d; not handed over (queue of %d full): %d\n",
           reader.refused, reader.writes_n, FEEDBACK_WRITER_SLOTS, reader.queue_full);
    free(reader.busy);
    free(reader.idle);
    free(reader.writes);
    free(reader.committed);
    free(reader.tickets);
    free(reader.handed_at);
    for (int i = 0; i < 3; i++) free(feed[i]);

    Store *s;
    Err err;
    if (store_open(db, &s, &err)) die("opening the store", err.msg);
    time_query(s, "store_catalog (home screen)", q_catalog, NULL, 20);
    time_query(s, "store_items_page (first level)", q_page, "c3", 50);
    time_query(s, "store_items_page (third level)", q_page, "c3-2-1", 200);
    time_query(s, "store_item_get", q_item, "item-1234", 500);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident memory: %ld MB\n", ru.ru_maxrss / 1024);
    bench_print_load("after");
    store_close(s);
    if (getenv("BENCH_KEEP_DB")) {
        printf("database kept: %s\n", db);
        return 0;
    }
    store_delete_files(db);
    return 0;
}
