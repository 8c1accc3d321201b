/* bench_store — how fast the store answers the screens' queries and how
 * fast a large feed imports, on a county-sized catalog.
 *
 * Builds a snapshot with 8 × 6 × 4 categories and N items (default
 * 5,000, each body ~3,000 characters: years of a township's disclosures), imports it into a fresh database,
 * then times the queries a screen makes.  Prints figures; asserts nothing:
 * speed targets are read off by people, not enforced by flaky tests. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "import.h"
#include "monoclock.h"
#include "number.h"
#include "store.h"

static char *build_feed(int items, size_t *len)
{
    json_t *cats = json_array(), *list = json_array();
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
    static const char para[] =
        "本季度镇党委召开党委会议，研究部署基层党建、乡村振兴和为民办实事等工作，现将有关情况公开如下。";
    size_t body_len = 0;
    char *body = malloc(4 * 3000 + 64);
    while (body_len + sizeof para < 3000 * 3 - 200) {
        memcpy(body + body_len, para, sizeof para - 1);
        body_len += sizeof para - 1;
        body[body_len++] = '\n';
    }
    body[body_len] = '\0';
    for (int i = 0; i < items; i++) {
        char cat[64], day[40];
        snprintf(id, sizeof id, "item-%d", i);
        snprintf(cat, sizeof cat, "c%d-%d-%d", i % 8, (i / 8) % 6, (i / 48) % 4);
        snprintf(day, sizeof day, "2026-%02d-%02dT09:00:00+08:00", 1 + i % 10, 1 + i % 28);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", id, "category", cat,
                                              "title", "关于二〇二六年第三季度党费收缴使用情况的公示", "body", body,
                                              "published_at", day, "period", "periodic", "scope",
                                              i % 10 == 0 ? "internal" : "public", "pinned", i % 500 == 0));
    }
    free(body);
    json_t *doc = json_pack("{s:s, s:i, s:s, s:i, s:{s:o}, s:{s:o}}", "format", FEED_FORMAT, "version", FEED_VERSION,
                            "kind", "snapshot", "revision", 1, "categories", "upsert", cats, "items", "upsert", list);
    char *text = json_dumps(doc, JSON_COMPACT);
    *len = strlen(text);
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
    double start = monoclock_ms();
    for (int i = 0; i < runs; i++)
        if (q(s, arg) < 0) {
            printf("%-34s failed\n", name);
            return;
        }
    printf("%-34s %8.3f ms per call (%d calls)\n", name, (monoclock_ms() - start) / runs, runs);
}

int main(int argc, char **argv)
{
    int items = 5000;
    if (argc > 1 && number_parse_int(argv[1], 1, 10000000, &items)) {
        fprintf(stderr, "usage: bench_store [ITEMS]\n");
        return 2;
    }
    char db[256];
    snprintf(db, sizeof db, "/tmp/bench-store-%d.db", (int)getpid());
    size_t len;
    double t0 = monoclock_ms();
    char *feed = build_feed(items, &len);
    printf("feed: %d items, %d categories, %.1f MB of JSON (built in %.0f ms)\n", items, 8 + 48 + 192, len / 1048576.0,
           monoclock_ms() - t0);

    Store *s;
    Err err;
    FeedResult res;
    if (store_open(db, &s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    t0 = monoclock_ms();
    if (feed_import_buffer(s, feed, len, &res, &err)) {
        fprintf(stderr, "import failed: %s\n", err.msg);
        return 1;
    }
    printf("%-34s %8.0f ms\n", "import (one transaction)", monoclock_ms() - t0);
    free(feed);

    time_query(s, "store_catalog (home screen)", q_catalog, NULL, 20);
    time_query(s, "store_items_page (first level)", q_page, "c3", 50);
    time_query(s, "store_items_page (third level)", q_page, "c3-2-1", 200);
    time_query(s, "store_item_get", q_item, "item-12345", 500);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident memory: %ld MB\n", ru.ru_maxrss / 1024);
    store_close(s);
    if (getenv("BENCH_KEEP_DB")) {
        printf("database kept: %s\n", db);
        return 0;
    }
    store_delete_files(db);
    return 0;
}
