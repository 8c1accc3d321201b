/* test_sample — the committed sample content (assets/sample/).
 *
 * Imports assets/sample/feed.json into a fresh database, fetches its
 * images from the folder, and checks what issue 2 asks of the sample as a
 * visitor would meet it on 2026-11-22: eight first-level categories, at
 * least forty visible items, long bodies, Traditional characters, notices,
 * answers; the 党内 item and the items outside their window are stored but
 * never shown.  Finally the feed is regenerated from assets/sample/content
 * and must equal the committed file byte for byte, so the two never drift. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authoring.h"
#include "blobs.h"
#include "import.h"
#include "store.h"

#define FEED "assets/sample/feed.json"
#define CONTENT "assets/sample/content"
#define INTERNAL_ITEM "jc-zijin-jihua-dangnei"
#define ENDED_ITEM "jc-dwh-2026-09"
#define FUTURE_ITEM "zz-zhuanzheng-gongshi-2026-12"

static const char *const first_level[8] = {
    "党组织决议、决定及执行情况", "党的思想建设情况",         "党的组织管理情况", "领导班子建设情况",
    "干部选任和管理情况",         "联系和服务党员、群众情况", "党风廉政建设情况", "其他应当公开的事项",
};

typedef struct {
    Store *store;
    char db[1024], cache[1024];
    int64_t now;
    int fetched;
} Sample;

static int64_t at(const char *time)
{
    int64_t t = 0;
    assert_int_equal(feed_parse_time(time, &t), 0);
    return t;
}

static int setup(void **state)
{
    static Sample sm;
    const char *tmp = getenv("KIOSK_TEST_TMP");
    snprintf(sm.db, sizeof sm.db, "%s/sample.db", tmp ? tmp : "/tmp");
    snprintf(sm.cache, sizeof sm.cache, "%s/sample-cache", tmp ? tmp : "/tmp");
    remove(sm.db);
    Err err;
    FeedResult res;
    if (store_open(sm.db, &sm.store, &err) || feed_import_file(sm.store, FEED, &res, &err) ||
        blobs_mkdirs(sm.cache, &err) || blobs_fetch_local(sm.store, sm.cache, "assets/sample", &sm.fetched, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    sm.now = at("2026-11-22T12:00:00+08:00");
    *state = &sm;
    return 0;
}

static int teardown(void **state)
{
    Sample *sm = *state;
    store_close(sm->store);
    return 0;
}

/* All visible items, through the pages of every first-level category. */
static StoreItemSummary *visible_items(Sample *sm, int64_t now, int *count)
{
    StoreCategory *cats;
    int ncat;
    Err err;
    assert_int_equal(store_catalog(sm->store, now, &cats, &ncat, &err), 0);
    StoreItemSummary *all = NULL;
    *count = 0;
    for (int i = 0; i < ncat; i++) {
        if (cats[i].level != 1) continue;
        for (int offset = 0;; offset += 5) {
            StoreItemSummary *page;
            int n, total;
            assert_int_equal(store_items_page(sm->store, cats[i].id, now, offset, 5, &page, &n, &total, &err), 0);
            StoreItemSummary *grown = realloc(all, (size_t)(*count + n + 1) * sizeof *all);
            assert_non_null(grown);
            all = grown;
            memcpy(all + *count, page, (size_t)n * sizeof *page);
            *count += n;
            store_free(page);
            if (offset + n >= total) break;
        }
    }
    store_free(cats);
    return all;
}

static void test_attachments_all_present(void **state)
{
    Sample *sm = *state;
    StoreBlobRef *missing;
    int n;
    Err err;
    assert_int_equal(store_blobs_missing(sm->store, &missing, &n, &err), 0);
    store_free(missing);
    assert_int_equal(n, 0);
    assert_true(sm->fetched >= 6);

    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(sm->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT DISTINCT sha256, size FROM attachments", -1, &st, NULL), SQLITE_OK);
    int images = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *sha = (const char *)sqlite3_column_text(st, 0);
        assert_int_equal(blobs_verify(sm->cache, sha, &err), 0);
        assert_true(sqlite3_column_int64(st, 1) < 200 * 1024);
        images++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(images >= 6);
    assert_int_equal(images, sm->fetched);
}

static void test_eight_first_level_categories(void **state)
{
    Sample *sm = *state;
    StoreCategory *cats;
    int n;
    Err err;
    assert_int_equal(store_catalog(sm->store, sm->now, &cats, &n, &err), 0);
    int levels[4] = {0};
    for (int i = 0; i < n; i++) levels[cats[i].level]++;
    assert_int_equal(levels[1], 8);
    assert_true(levels[2] >= 16);
    assert_true(levels[3] >= 3);
    for (int k = 0; k < 8; k++) {
        bool found = false;
        for (int i = 0; i < n; i++) found = found || (cats[i].level == 1 && strcmp(cats[i].name, first_level[k]) == 0);
        if (!found) fail_msg("first-level category %s is not visible", first_level[k]);
    }
    /* in the order of the catalog */
    for (int i = 0; i < 8; i++) assert_string_equal(cats[i].name, first_level[i]);
    store_free(cats);
}

static void test_forty_visible_items_of_every_kind(void **state)
{
    Sample *sm = *state;
    int n;
    StoreItemSummary *items = visible_items(sm, sm->now, &n);
    assert_true(n >= 40);
    int periods[4] = {0}, pinned = 0, urgent = 0, fresh = 0, with_images = 0;
    for (int i = 0; i < n; i++) {
        periods[items[i].period]++;
        pinned += items[i].pinned;
        urgent += items[i].urgent;
        fresh += items[i].is_new;
        with_images += items[i].image_count > 0;
    }
    for (int p = 0; p < 4; p++)
        if (periods[p] == 0) fail_msg("no visible item with period %s", period_word((Period)p));
    assert_true(pinned >= 2);
    assert_true(urgent >= 2);
    assert_true(fresh >= 5);
    assert_true(with_images >= 6);
    free(items);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Characters that exist only in the Traditional script. */
static bool is_traditional(const char *text)
{
    static const char *const marks[] = {"黨", "鎮", "會", "議", "員", "幹", "選", "評", "華", "體", "點", "開", "醫"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(text, marks[i])) return true;
    return false;
}

static void test_long_bodies_and_traditional_items(void **state)
{
    Sample *sm = *state;
    int n;
    StoreItemSummary *items = visible_items(sm, sm->now, &n);
    int longer = 0, traditional = 0;
    Err err;
    for (int i = 0; i < n; i++) {
        StoreItem it;
        assert_int_equal(store_item_get(sm->store, items[i].id, sm->now, &it, &err), 0);
        assert_int_equal(it.s.image_count, items[i].image_count);
        longer += utf8_chars(it.body) > 5000;
        traditional += is_traditional(it.s.title) && is_traditional(it.body);
        assert_true(strlen(it.unit) > 0);
        store_item_free(&it);
    }
    free(items);
    assert_true(longer >= 3);
    assert_true(traditional >= 5);
}

/* The raw row, read past the store's visibility rule. */
static void expect_stored(Sample *sm, const char *id, const char *scope)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(sm->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT scope FROM items WHERE id = ?1 AND deleted = 0", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), scope);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* No row at all, read past the store's visibility rule: a 党内 item's
 * text never reaches a kiosk's disk. */
static void expect_not_stored(Sample *sm, const char *id)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(sm->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT 1 FROM items WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void expect_hidden(Sample *sm, const char *id, int64_t now)
{
    StoreItem it;
    Err err;
    assert_int_equal(store_item_get(sm->store, id, now, &it, &err), 1);
    int n;
    StoreItemSummary *items = visible_items(sm, now, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(items[i].id, id) == 0) fail_msg("%s is listed on a page", id);
    free(items);
    StoreItemSummary *pinned;
    assert_int_equal(store_items_pinned(sm->store, now, 100, &pinned, &n, &err), 0);
    for (int i = 0; i < n; i++) assert_string_not_equal(pinned[i].id, id);
    store_free(pinned);
}

static void test_internal_item_never_shown(void **state)
{
    Sample *sm = *state;
    expect_not_stored(sm, INTERNAL_ITEM);
    /* every week of its whole window, not just today */
    for (int64_t t = at("2026-03-05T09:00:00+08:00"); t < at("2027-12-31T00:00:00+08:00"); t += 7 * 86400)
        expect_hidden(sm, INTERNAL_ITEM, t);
    /* its category is shown with the public item only */
    StoreCategory *cats;
    int n;
    Err err;
    assert_int_equal(store_catalog(sm->store, sm->now, &cats, &n, &err), 0);
    bool seen = false;
    for (int i = 0; i < n; i++)
        if (strcmp(cats[i].id, "jc-zd-sz") == 0) {
            seen = true;
            assert_int_equal(cats[i].item_count, 1);
        }
    store_free(cats);
    assert_true(seen);
}

static void test_items_outside_their_window_not_shown(void **state)
{
    Sample *sm = *state;
    expect_stored(sm, ENDED_ITEM, "public");
    expect_stored(sm, FUTURE_ITEM, "public");
    expect_hidden(sm, ENDED_ITEM, sm->now);
    expect_hidden(sm, FUTURE_ITEM, sm->now);
    /* hidden by their windows alone: inside them they show */
    StoreItem it;
    Err err;
    assert_int_equal(store_item_get(sm->store, ENDED_ITEM, at("2026-10-20T12:00:00+08:00"), &it, &err), 0);
    store_item_free(&it);
    assert_int_equal(store_item_get(sm->store, FUTURE_ITEM, at("2026-12-02T12:00:00+08:00"), &it, &err), 0);
    store_item_free(&it);
}

static void test_notices_and_answers(void **state)
{
    Sample *sm = *state;
    StoreNotice *notices;
    int n;
    Err err;
    assert_int_equal(store_notices(sm->store, sm->now, &notices, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_true(notices[0].urgent);
    assert_false(notices[1].urgent);
    assert_int_equal(notices[2].period, PERIOD_PERIODIC); /* the one for the ticker */
    store_free(notices);

    StoreAnswer *answers;
    int total;
    assert_int_equal(store_answers(sm->store, 0, 10, &answers, &n, &total, &err), 0);
    assert_true(total >= 4 && total <= 6);
    for (int i = 0; i < n; i++) {
        assert_true(strlen(answers[i].question) > 0);
        assert_true(strlen(answers[i].answer) > 0);
    }
    store_free(answers);
}

static char *read_whole(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    return buf;
}

static void test_feed_matches_content_folder(void **state)
{
    (void)state;
    char *committed = read_whole(FEED);
    json_t *doc;
    Err err;
    /* Made for the sample's day (Makefile SAMPLE_DAY): its relative dates
     * (今天+6) count from it. */
    AuthoringOptions opt = {.revision = 1, .href_prefix = "content/", .today = at("2026-11-22T12:00:00+08:00")};
    if (authoring_load(CONTENT, &opt, &doc, &err)) fail_msg("%s", err.msg);
    assert_int_equal(authoring_drop_internal(doc), 1); /* as kioskctl feed does */
    char *fresh = authoring_feed_text(doc);
    json_decref(doc);
    if (strcmp(committed, fresh) != 0)
        fail_msg("%s is not what %s gives; run `make sample` and commit both", FEED, CONTENT);
    free(fresh);
    free(committed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attachments_all_present),
        cmocka_unit_test(test_eight_first_level_categories),
        cmocka_unit_test(test_forty_visible_items_of_every_kind),
        cmocka_unit_test(test_long_bodies_and_traditional_items),
        cmocka_unit_test(test_internal_item_never_shown),
        cmocka_unit_test(test_items_outside_their_window_not_shown),
        cmocka_unit_test(test_notices_and_answers),
        cmocka_unit_test(test_feed_matches_content_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
