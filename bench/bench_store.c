/* bench_store — how fast a county-sized snapshot is applied, and how fast
 * the store then answers the screens' queries.
 *
 * Builds a snapshot with 8 × 6 × 4 categories, N items (default 10,000,
 * each body BODY characters, default 1,000: the size of bench_countyd's
 * items, 3 KB of UTF-8, so that the document is the ~39 MB a county of
 * 10,000 items sends; every fifth item with two images), 50 notices and
 * 200 answers.  Then, RUNS times each (default 7):
 *   - checking the document alone (feed_parse with no sink: the JSON and
 *     the feed rules, the part of an import that is not SQLite);
 *   - applying it to a fresh database file (a new kiosk's first sync);
 *   - applying the next snapshot onto the full store (a resync, as after a
 *     restored server: one item in ten changed, the rest as they were);
 * each into a real SQLite file in /tmp with the store's own settings
 * (WAL, synchronous=FULL, secure_delete), timed as the sync thread would
 * see it: feed_import_buffer from the bytes to the commit.  Prints
 * p50/p99/max and the machine's load before and after; asserts nothing. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "benchfeed.h"
#include "benchutil.h"
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

/* One import of `feed` into the store at `db`, timed from the bytes to the
 * commit; the store is opened before the clock starts (the sync thread
 * keeps its connection open). */
static double time_import(const char *db, const char *feed, size_t len, bool fresh, double *cpu)
{
    if (fresh) store_delete_files(db);
    Store *s;
    Err err;
    FeedResult res;
    if (store_open(db, &s, &err)) die("opening the store", err.msg);
    double t0 = monoclock_ms(), c0 = bench_process_cpu_ms();
    if (feed_import_buffer(s, feed, len, &res, &err)) die("import", err.msg);
    double ms = monoclock_ms() - t0;
    *cpu = bench_process_cpu_ms() - c0;
    if (res.unchanged) die("import", "the snapshot changed nothing");
    store_close(s);
    return ms;
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
     * than skipped as the same revision. */
    size_t len[2];
    char *feed[2] = {bench_build_feed(items, body_chars, 1, &len[0]), bench_build_feed(items, body_chars, 2, &len[1])};
    if (!feed[0] || !feed[1]) die("building the feed", "out of memory");
    printf("feed: %d items (%d characters of body each, %d with images), 248 categories, 50 notices, 200 answers, "
           "%.1f MB of JSON (built in %.0f ms)\n",
           items, body_chars, (items + 4) / 5, len[0] / 1048576.0, monoclock_ms() - t0);

    /* Wall-clock and CPU samples of the three measurements. */
    enum { CHECK, FRESH, AGAIN, KINDS };
    static const char *const names[KINDS][2] = {
        {"check only (JSON + feed rules)", "  its CPU time"},
        {"import into a fresh database", "  its CPU time"},
        {"import over the previous snapshot", "  its CPU time"},
    };
    double *wall[KINDS], *cpu[KINDS];
    for (int k = 0; k < KINDS; k++) {
        wall[k] = calloc((size_t)runs, sizeof *wall[k]);
        cpu[k] = calloc((size_t)runs, sizeof *cpu[k]);
        if (!wall[k] || !cpu[k]) die("samples", "out of memory");
    }
    for (int r = 0; r < runs; r++) {
        Err err;
        double p0 = monoclock_ms(), c0 = bench_process_cpu_ms();
        if (feed_parse(feed[0], len[0], NULL, &err)) die("checking the feed", err.msg);
        wall[CHECK][r] = monoclock_ms() - p0;
        cpu[CHECK][r] = bench_process_cpu_ms() - c0;
        wall[FRESH][r] = time_import(db, feed[0], len[0], true, &cpu[FRESH][r]);
        wall[AGAIN][r] = time_import(db, feed[1], len[1], false, &cpu[AGAIN][r]);
    }
    for (int k = 0; k < KINDS; k++) {
        bench_print_spread(names[k][0], wall[k], runs);
        bench_print_spread(names[k][1], cpu[k], runs);
        free(wall[k]);
        free(cpu[k]);
    }
    free(feed[0]);
    free(feed[1]);

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
