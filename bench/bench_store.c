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
 * queries on an idle store.  The machine's load before and after;
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

#include "benchutil.h"
#include "import.h"
#include "monoclock.h"
#include "number.h"
#include "store.h"

static json_t *build_categories(void)
{
    json_t *cats = json_array();
    char id[64], parent[64];
    for (int a = 0; a < 8; a++) {
        snprintf(id, sizeof id, "c%d", a);
        json_array_append_new(cats, json_pack("{s:s, s:s, s:i}", "id", id, "name", "一级目录", "sort", a));
        for (int b = 0; b < 6; b++) {
            snprintf(parent, sizeof parent, "c%d", a);
            snprintf(id, sizeof id, "c%d-%d", a, b);
            json_array_append_new(cats, json_pack("{s:s, s:s, s:s}", "id", id, "parent", parent, "name", "二级目录"));
            for (int c = 0; c < 4; c++) {
                snprintf(parent, sizeof parent, "c%d-%d", a, b);
                snprintf(id, sizeof id, "c%d-%d-%d", a, b, c);
                json_array_append_new(cats,
                                      json_pack("{s:s, s:s, s:s}", "id", id, "parent", parent, "name", "三级目录"));
            }
        }
    }
    return cats;
}

/* A body of about `chars` characters in lines of one sentence. */
static char *build_body(int chars)
{
    static const char para[] =
        "本季度镇党委召开党委会议，研究部署基层党建、乡村振兴和为民办实事等工作，现将有关情况公开如下。";
    size_t cap = (size_t)chars * 3 + sizeof para + 1, len = 0;
    char *body = malloc(cap);
    if (!body) return NULL;
    while (len + sizeof para < (size_t)chars * 3) {
        memcpy(body + len, para, sizeof para - 1);
        len += sizeof para - 1;
        body[len++] = '\n';
    }
    body[len] = '\0';
    return body;
}

static json_t *build_attachments(int i)
{
    json_t *list = json_array();
    for (int k = 0; k < 2; k++) {
        char sha[65];
        /* Distinct, well-formed hashes; the files need not exist for an import. */
        snprintf(sha, sizeof sha, "%056x%08x", k, i);
        json_array_append_new(list, json_pack("{s:s, s:s, s:i, s:s}", "sha256", sha, "type", "image/jpeg", "size",
                                              200000 + i, "caption", "会议现场"));
    }
    return list;
}

static json_t *build_item(int i, const char *body, int64_t revision)
{
    char id[64], cat[64], day[40];
    snprintf(id, sizeof id, "item-%d", i);
    snprintf(cat, sizeof cat, "c%d-%d-%d", i % 8, (i / 8) % 6, (i / 48) % 4);
    snprintf(day, sizeof day, "2026-%02d-%02dT09:00:00+08:00", 1 + i % 10, 1 + i % 28);
    json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "id", id, "category", cat, "title",
                           "关于二〇二六年第三季度党费收缴使用情况的公示", "body", body, "published_at", day, "period",
                           "periodic", "scope", i % 10 == 0 ? "internal" : "public", "pinned", i % 500 == 0, "revision",
                           (json_int_t)revision);
    if (i % 5 == 0) json_object_set_new(it, "attachments", build_attachments(i));
    return it;
}

static char *dump(json_t *doc, size_t *len)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    *len = text ? strlen(text) : 0;
    json_decref(doc);
    return text;
}

static char *build_feed(int items, int body_chars, int64_t revision, size_t *len)
{
    json_t *list = json_array(), *notices = json_array(), *answers = json_array();
    char id[64];
    char *body = build_body(body_chars);
    if (!body) return NULL;
    for (int i = 0; i < items; i++) json_array_append_new(list, build_item(i, body, i % 10 == 1 ? revision : 1));
    free(body);
    if ((int)json_array_size(list) != items) {
        json_decref(list);
        json_decref(notices);
        json_decref(answers);
        return NULL;
    }
    for (int i = 0; i < 50; i++) {
        snprintf(id, sizeof id, "notice-%d", i);
        json_array_append_new(notices,
                              json_pack("{s:s, s:s, s:b}", "id", id, "text",
                                        "镇党委将于本周五上午召开党员大会，请各支部党员准时参加。", "urgent", i == 0));
    }
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "answer-%d", i);
        json_array_append_new(answers,
                              json_pack("{s:s, s:s, s:s, s:s}", "id", id, "question", "村里的党费使用情况在哪里公开？",
                                        "answer", "已在本屏党费收缴使用栏目公开，每季度更新一次。", "answered_at",
                                        "2026-10-08T10:00:00+08:00"));
    }
    json_t *doc = json_pack("{s:s, s:i, s:s, s:I, s:{s:o}, s:{s:o}, s:{s:o}, s:{s:o}}", "format", FEED_FORMAT,
                            "version", FEED_VERSION, "kind", "snapshot", "revision", (json_int_t)revision, "categories",
                            "upsert", build_categories(), "items", "upsert", list, "notices", "upsert", notices,
                            "answers", "upsert", answers);
    return dump(doc, len);
}

/* A delta from `base` that changes `count` items spread over the store
 * (a new body each, at the delta's revision). */
static char *build_delta(int items, int count, int body_chars, int64_t base, size_t *len)
{
    json_t *list = json_array();
    char *body = build_body(body_chars);
    if (!body) return NULL;
    memcpy(body, "该", strlen("该")); /* another text than the snapshot's ("本…"), of the same length */
    for (int k = 0; k < count && k < items; k++) {
        int i = (int)((long long)k * items / count) | 1; /* odd: public items, so the change is a write */
        json_array_append_new(list, build_item(i < items ? i : items - 1, body, base + 1));
    }
    free(body);
    if ((int)json_array_size(list) != (count < items ? count : items)) {
        json_decref(list);
        return NULL;
    }
    json_t *doc =
        json_pack("{s:s, s:i, s:s, s:I, s:I, s:{s:o}}", "format", FEED_FORMAT, "version", FEED_VERSION, "kind", "delta",
                  "base_revision", (json_int_t)base, "revision", (json_int_t)(base + 1), "items", "upsert", list);
    return dump(doc, len);
}

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
} Reader;

static void *reader_main(void *arg)
{
    Reader *r = arg;
    Store *s;
    Err err;
    if (store_open(r->db, &s, &err)) die("the reader's store", err.msg);
    while (!atomic_load(&r->stop)) {
        bool during = atomic_load(&r->recording);
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
    char *feed[3] = {build_feed(items, body_chars, 1, &len[0]), build_feed(items, body_chars, 2, &len[1]),
                     build_delta(items, DELTA_ITEMS, body_chars, 2, &len[2])};
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
    Reader reader = {
        .db = db, .busy = calloc(READ_SAMPLES, sizeof(double)), .idle = calloc(READ_SAMPLES, sizeof(double))};
    if (!reader.busy || !reader.idle) die("samples", "out of memory");
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
        if (pthread_create(&th, NULL, reader_main, &reader)) die("the reader", "cannot start a thread");
        sleep(1); /* idle samples first */
        atomic_store(&reader.recording, true);
        time_apply(db, feed[1], len[1], false, step[AGAIN], r);
        time_apply(db, feed[2], len[2], false, step[DELTA], r);
        atomic_store(&reader.recording, false);
        atomic_store(&reader.stop, true);
        pthread_join(th, NULL);
    }
    for (int k = 0; k < KINDS; k++) {
        int shown = k == LOAD || k == CHECK ? 1 : STEPS;
        for (int i = 0; i < shown; i++) bench_print_spread(i == 0 ? names[k] : step_names[i], step[k][i], runs);
        for (int i = 0; i < STEPS; i++) free(step[k][i]);
    }
    printf("the UI's reads (a third-level page and an item, own connection):\n");
    bench_print_spread("  on an idle store", reader.idle, reader.idle_n);
    bench_print_spread("  during the resyncs and deltas", reader.busy, reader.busy_n);
    free(reader.busy);
    free(reader.idle);
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
