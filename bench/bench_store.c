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

static char *build_feed(int items, int body_chars, int64_t revision, size_t *len)
{
    json_t *list = json_array(), *notices = json_array(), *answers = json_array();
    char id[64];
    char *body = build_body(body_chars);
    if (!body) return NULL;
    for (int i = 0; i < items; i++) {
        char cat[64], day[40];
        snprintf(id, sizeof id, "item-%d", i);
        snprintf(cat, sizeof cat, "c%d-%d-%d", i % 8, (i / 8) % 6, (i / 48) % 4);
        snprintf(day, sizeof day, "2026-%02d-%02dT09:00:00+08:00", 1 + i % 10, 1 + i % 28);
        json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "id", id, "category", cat, "title",
                               "关于二〇二六年第三季度党费收缴使用情况的公示", "body", body, "published_at", day,
                               "period", "periodic", "scope", i % 10 == 0 ? "internal" : "public", "pinned",
                               i % 500 == 0, "revision", (json_int_t)(i % 10 == 1 ? revision : 1));
        if (i % 5 == 0) json_object_set_new(it, "attachments", build_attachments(i));
        json_array_append_new(list, it);
    }
    free(body);
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
    char *text = json_dumps(doc, JSON_COMPACT);
    *len = text ? strlen(text) : 0;
    json_decref(doc);
    return text;
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
    char *feed[2] = {build_feed(items, body_chars, 1, &len[0]), build_feed(items, body_chars, 2, &len[1])};
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
