/* The store: migrations, and the visibility rule — the one place that
 * decides what may reach a lobby screen. */
#include "testutil.h"

#include <sqlite3.h>

#include "store.h"

#define NOW 1795000000LL /* a fixed "now" (2026-11-19) */
#define DAY 86400LL

static void add_category(Store *s, const char *id, const char *parent)
{
    Err err;
    FeedCategory c = {.id = id, .parent_id = parent, .name = id, .icon = ""};
    if (store_category_upsert(s, &c, &err)) fail_msg("%s", err.msg);
}

static void add_item(Store *s, const char *id, const char *cat, Scope scope, int64_t from, int64_t until)
{
    Err err;
    FeedItem it = {.id = id,
                   .category_id = cat,
                   .title = id,
                   .body = "正文。",
                   .published_at = from,
                   .expires_at = until,
                   .period = PERIOD_PERIODIC,
                   .scope = scope};
    if (store_item_upsert(s, &it, &err)) fail_msg("%s", err.msg);
}

static bool visible(Store *s, const char *id)
{
    StoreItem it;
    Err err;
    int rc = store_item_get(s, id, NOW, &it, &err);
    if (rc < 0) fail_msg("%s", err.msg);
    if (rc == 0) store_item_free(&it);
    return rc == 0;
}

static int page_total(Store *s, const char *cat)
{
    StoreItemSummary *items;
    int n, total;
    Err err;
    if (store_items_page(s, cat, NOW, 0, 100, &items, &n, &total, &err)) fail_msg("%s", err.msg);
    store_free(items);
    return total;
}

static void migrates_an_empty_database(void **state)
{
    (void)state;
    Store *s = test_store_fresh("migrate.db");
    assert_int_equal(test_schema_version(s), STORE_SCHEMA_VERSION);
    assert_int_equal(test_revision(s), 0);
    store_close(s);
    /* Opening again is a no-op, and keeps the data. */
    Store *again;
    Err err;
    assert_int_equal(store_open(test_path("migrate.db"), &again, &err), 0);
    assert_int_equal(test_schema_version(again), STORE_SCHEMA_VERSION);
    store_close(again);
}

static void refuses_a_newer_schema(void **state)
{
    (void)state;
    Store *s = test_store_fresh("newer.db");
    store_close(s);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(test_path("newer.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    Err err;
    assert_int_equal(store_open(test_path("newer.db"), &s, &err), -1);
    assert_non_null(strstr(err.msg, "newer than this program knows"));
}

static void refuses_a_file_that_is_not_a_database(void **state)
{
    (void)state;
    const char *path = test_path("garbage.db");
    test_write_file(path, "this is not an SQLite database, just text that happens to be long enough to matter");
    Store *s;
    Err err;
    assert_int_equal(store_open(path, &s, &err), -1);
    assert_non_null(strstr(err.msg, path));
}

static void internal_items_are_never_shown(void **state)
{
    (void)state;
    Store *s = test_store_fresh("scope.db");
    add_category(s, "c1", NULL);
    add_item(s, "public", "c1", SCOPE_PUBLIC, NOW - DAY, 0);
    add_item(s, "internal", "c1", SCOPE_INTERNAL, NOW - DAY, 0);
    Err err;
    FeedItem pinned_internal = {.id = "pinned-internal",
                                .category_id = "c1",
                                .title = "t",
                                .body = "b",
                                .published_at = NOW - DAY,
                                .scope = SCOPE_INTERNAL,
                                .pinned = true};
    assert_int_equal(store_item_upsert(s, &pinned_internal, &err), 0);

    assert_true(visible(s, "public"));
    assert_false(visible(s, "internal"));
    assert_false(visible(s, "pinned-internal"));
    assert_int_equal(page_total(s, "c1"), 1);
    StoreItemSummary *pinned;
    int n;
    assert_int_equal(store_items_pinned(s, NOW, 10, &pinned, &n, &err), 0);
    assert_int_equal(n, 0);
    store_free(pinned);
    store_close(s);
}

static void publication_window_is_respected(void **state)
{
    (void)state;
    Store *s = test_store_fresh("window.db");
    add_category(s, "c1", NULL);
    add_item(s, "current", "c1", SCOPE_PUBLIC, NOW - DAY, NOW + 15 * DAY);
    add_item(s, "future", "c1", SCOPE_PUBLIC, NOW + DAY, 0);
    add_item(s, "expired", "c1", SCOPE_PUBLIC, NOW - 30 * DAY, NOW - DAY);
    add_item(s, "ends-now", "c1", SCOPE_PUBLIC, NOW - DAY, NOW);
    assert_true(visible(s, "current"));
    assert_false(visible(s, "future"));
    assert_false(visible(s, "expired"));
    assert_false(visible(s, "ends-now"));
    assert_int_equal(page_total(s, "c1"), 1);
    store_close(s);
}

static void deleted_items_and_categories_are_hidden(void **state)
{
    (void)state;
    Store *s = test_store_fresh("deleted.db");
    Err err;
    add_category(s, "top", NULL);
    add_category(s, "mid", "top");
    add_category(s, "leaf", "mid");
    add_item(s, "a", "leaf", SCOPE_PUBLIC, NOW - DAY, 0);
    add_item(s, "b", "top", SCOPE_PUBLIC, NOW - DAY, 0);
    assert_int_equal(page_total(s, "top"), 2); /* items below count too */
    assert_int_equal(store_item_delete(s, "b", &err), 0);
    assert_false(visible(s, "b"));
    assert_int_equal(store_category_delete(s, "mid", &err), 0);
    assert_false(visible(s, "a"));
    assert_int_equal(page_total(s, "top"), 0);
    store_close(s);
}

static void items_wait_for_their_images(void **state)
{
    (void)state;
    Store *s = test_store_fresh("images.db");
    Err err;
    add_category(s, "c1", NULL);
    static const char sha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    FeedAttachment att = {.sha256 = sha, .mime = "image/png", .caption = "图", .href = "x.png", .size = 10};
    FeedItem it = {.id = "pic",
                   .category_id = "c1",
                   .title = "t",
                   .body = "b",
                   .published_at = NOW - DAY,
                   .scope = SCOPE_PUBLIC,
                   .attachments = &att,
                   .attachment_count = 1};
    assert_int_equal(store_item_upsert(s, &it, &err), 0);
    assert_false(visible(s, "pic"));
    StoreBlobRef *missing;
    int n;
    assert_int_equal(store_blobs_missing(s, &missing, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(missing[0].sha256, sha);
    store_free(missing);

    assert_int_equal(store_blob_set_present(s, sha, true, &err), 0);
    assert_true(visible(s, "pic"));
    StoreItem full;
    assert_int_equal(store_item_get(s, "pic", NOW, &full, &err), 0);
    assert_int_equal(full.s.image_count, 1);
    assert_string_equal(full.images[0].caption, "图");
    store_item_free(&full);
    bool used = false;
    assert_int_equal(store_blob_referenced(s, sha, &used, &err), 0);
    assert_true(used);
    store_close(s);
}

static void catalog_lists_only_categories_with_visible_items(void **state)
{
    (void)state;
    Store *s = test_store_fresh("catalog.db");
    Err err;
    add_category(s, "shown", NULL);
    add_category(s, "shown-child", "shown");
    add_category(s, "only-internal", NULL);
    add_category(s, "empty", NULL);
    add_item(s, "x", "shown-child", SCOPE_PUBLIC, NOW - DAY, 0);
    add_item(s, "y", "only-internal", SCOPE_INTERNAL, NOW - DAY, 0);
    StoreCategory *cats;
    int n;
    assert_int_equal(store_catalog(s, NOW, &cats, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(cats[0].id, "shown");
    assert_int_equal(cats[0].level, 1);
    assert_int_equal(cats[0].item_count, 1);
    assert_int_equal(cats[0].new_count, 1);
    assert_string_equal(cats[1].id, "shown-child");
    assert_int_equal(cats[1].level, 2);
    assert_string_equal(cats[1].parent_id, "shown");
    store_free(cats);
    store_close(s);
}

static void notices_follow_window_and_urgency(void **state)
{
    (void)state;
    Store *s = test_store_fresh("notices.db");
    Err err;
    FeedNotice plain = {.id = "plain", .text = "一般", .period = PERIOD_LONG_TERM, .starts_at = NOW - DAY};
    FeedNotice urgent = {.id = "urgent", .text = "紧急", .urgent = true, .period = PERIOD_LONG_TERM};
    FeedNotice instant = {.id = "instant", .text = "即时", .period = PERIOD_IMMEDIATE};
    FeedNotice old = {.id = "old", .text = "过期", .period = PERIOD_IMMEDIATE, .ends_at = NOW - 1};
    assert_int_equal(store_notice_upsert(s, &plain, &err), 0);
    assert_int_equal(store_notice_upsert(s, &urgent, &err), 0);
    assert_int_equal(store_notice_upsert(s, &instant, &err), 0);
    assert_int_equal(store_notice_upsert(s, &old, &err), 0);
    StoreNotice *list;
    int n;
    assert_int_equal(store_notices(s, NOW, &list, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].id, "urgent");
    assert_string_equal(list[1].id, "instant");
    assert_string_equal(list[2].id, "plain");
    store_free(list);
    store_close(s);
}

static void feedback_outbox_keeps_and_then_forgets_contacts(void **state)
{
    (void)state;
    Store *s = test_store_fresh("outbox.db");
    Err err;
    StoreFeedback f = {.id = "6f1c2b1e-0000-4000-8000-000000000001",
                       .kind = FEEDBACK_REQUEST,
                       .rating_levels = 5,
                       .comment = "请公开村道修缮经费",
                       .name = "王某",
                       .phone = "13800138000",
                       .created_at = NOW};
    assert_int_equal(store_feedback_add(s, &f, &err), 0);
    assert_int_equal(store_feedback_add(s, &f, &err), -1); /* same id twice */
    assert_int_equal(test_outbox_length(s), 1);
    int last_hour = 0;
    bool duplicate = false;
    assert_int_equal(store_feedback_count_since(s, NOW - 3600, NOW, &last_hour, &err), 0);
    assert_int_equal(last_hour, 1);
    assert_int_equal(store_feedback_duplicate(s, &f, NOW - 600, NOW, &duplicate, &err), 0);
    assert_true(duplicate);

    StoreFeedback *pending;
    int n;
    assert_int_equal(store_feedback_pending(s, 10, &pending, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(pending[0].phone, "13800138000");
    store_free(pending);

    assert_int_equal(store_feedback_mark_sent(s, f.id, NOW + 5, &err), 0);
    assert_int_equal(test_outbox_length(s), 0);
    sqlite3 *db;
    sqlite3_open(test_path("outbox.db"), &db);
    /* A kind this kiosk does not know (written by a newer version) stays
     * in the outbox and is not handed out for upload as something else. */
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO feedback_outbox (id, kind, comment, created_at)"
                                  " VALUES ('6f1c2b1e-0000-4000-8000-000000000002', 'petition', '请公开', 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_feedback_pending(s, 10, &pending, &n, &err), 0);
    assert_int_equal(n, 0);
    store_free(pending);
    assert_int_equal(test_outbox_length(s), 1);
    sqlite3_exec(db, "DELETE FROM feedback_outbox WHERE kind = 'petition'", NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT name || phone, comment FROM feedback_outbox", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "请公开村道修缮经费");
    sqlite3_finalize(st);
    sqlite3_close(db);
    store_close(s);
}

#define DAY1 "2026-11-20"
#define DAY2 "2026-11-21"

static void state_and_view_counts(void **state)
{
    (void)state;
    Store *s = test_store_fresh("state.db");
    Err err;
    char buf[64];
    assert_int_equal(store_state_get(s, "sync.state", buf, sizeof buf), 1);
    assert_string_equal(buf, "");
    assert_int_equal(store_state_set(s, "sync.state", "ok", &err), 0);
    assert_int_equal(store_state_get(s, "sync.state", buf, sizeof buf), 0);
    assert_string_equal(buf, "ok");
    assert_int_equal(store_item_viewed(s, "x", DAY1, 1, &err), 0);
    assert_int_equal(store_item_viewed(s, "x", DAY2, 1, &err), 0);
    assert_int_equal(test_view_count(s, "x"), 2);
    assert_int_equal(test_view_count(s, "never"), 0);
    store_close(s);
}

static void views_are_reported_once(void **state)
{
    (void)state;
    Store *s = test_store_fresh("views.db");
    Err err;
    StoreViews *v;
    int n;
    for (int i = 0; i < 3; i++) assert_int_equal(store_item_viewed(s, "a", DAY1, 1, &err), 0);
    assert_int_equal(store_item_viewed(s, "b", DAY1, 1, &err), 0);
    assert_int_equal(store_views_unreported(s, 1, &v, &n, &err), 0);
    assert_int_equal(n, 1); /* the limit holds; the most viewed first */
    assert_string_equal(v[0].item_id, "a");
    assert_string_equal(v[0].day, DAY1);
    assert_int_equal(v[0].count, 3);
    /* A view while the report is in flight is not swallowed by its acknowledgement. */
    assert_int_equal(store_item_viewed(s, "a", DAY1, 1, &err), 0);
    assert_int_equal(store_views_mark_reported(s, v, n, DAY1, &err), 0);
    store_free(v);
    assert_int_equal(store_views_unreported(s, 500, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].item_id, "a");
    assert_int_equal(v[0].count, 1);
    assert_string_equal(v[1].item_id, "b");
    assert_int_equal(v[1].count, 1);
    assert_int_equal(store_views_mark_reported(s, v, n, DAY1, &err), 0);
    store_free(v);
    assert_int_equal(store_views_unreported(s, 500, &v, &n, &err), 0);
    assert_int_equal(n, 0);
    store_free(v);
    assert_int_equal(test_view_count(s, "a"), 4); /* today's are kept */
    store_close(s);
}

/* Each day's views are its own count, the oldest day reported first; a
 * past day the server has all of is let go. */
static void views_keep_their_day(void **state)
{
    (void)state;
    Store *s = test_store_fresh("days.db");
    Err err;
    StoreViews *v;
    int n;
    assert_int_equal(store_item_viewed(s, "a", DAY2, 1, &err), 0);
    assert_int_equal(store_item_viewed(s, "a", DAY1, 2, &err), 0);
    assert_int_equal(store_views_unreported(s, 500, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].day, DAY1);
    assert_int_equal(v[0].count, 2);
    assert_string_equal(v[1].day, DAY2);
    assert_int_equal(v[1].count, 1);
    assert_int_equal(store_views_mark_reported(s, v, n, DAY2, &err), 0);
    store_free(v);
    assert_int_equal(test_view_count(s, "a"), 1); /* DAY1's row is gone, today's (DAY2) stays */
    assert_int_equal(store_item_viewed(s, "a", DAY2, 1, &err), 0);
    assert_int_equal(store_views_unreported(s, 500, &v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].count, 1);
    store_free(v);
    store_close(s);
}

/* A kiosk from before view reports keeps its counts, all still to report;
 * one from before the days (schema 5) keeps its unreported views, dated
 * the day of the migration (China Standard Time). */
static void views_survive_the_migration(void **state)
{
    (void)state;
    Store *s = test_store_fresh("old.db");
    Err err;
    assert_int_equal(store_item_viewed(s, "a", DAY1, 1, &err), 0);
    store_close(s);
    const char *path = test_path("old.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    /* Back to schema 1: without the columns of the later migrations. */
    assert_int_equal(sqlite3_exec(db,
                                  TEST_UNDO_SCHEMA_6 TEST_UNDO_SCHEMA_5
                                  "ALTER TABLE view_counts DROP COLUMN reported; ALTER TABLE items DROP COLUMN lang;"
                                  "ALTER TABLE items DROP COLUMN body_format; ALTER TABLE categories DROP COLUMN lang;"
                                  "PRAGMA user_version = 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(path, &s, &err), 0);
    assert_int_equal(test_schema_version(s), STORE_SCHEMA_VERSION);
    StoreViews *v;
    int n;
    assert_int_equal(store_views_unreported(s, 500, &v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].count, 1);
    store_free(v);
    store_close(s);

    s = test_store_fresh("five.db");
    for (int i = 0; i < 3; i++) assert_int_equal(store_item_viewed(s, "b", DAY1, 1, &err), 0);
    store_close(s);
    path = test_path("five.db");
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, TEST_UNDO_SCHEMA_6 "UPDATE view_counts SET reported = 1; PRAGMA user_version = 5",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    char today[PROTO_DAY_SIZE];
    feed_format_day((int64_t)time(NULL), today, sizeof today);
    assert_int_equal(store_open(path, &s, &err), 0);
    assert_int_equal(test_schema_version(s), STORE_SCHEMA_VERSION);
    assert_int_equal(store_views_unreported(s, 500, &v, &n, &err), 0);
    char after[PROTO_DAY_SIZE];
    feed_format_day((int64_t)time(NULL), after, sizeof after);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].count, 2); /* 3 made, 1 reported */
    /* the day of the migration (a test run across midnight may see either) */
    assert_true(strcmp(v[0].day, today) == 0 || strcmp(v[0].day, after) == 0);
    store_free(v);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrates_an_empty_database),
        cmocka_unit_test(refuses_a_newer_schema),
        cmocka_unit_test(refuses_a_file_that_is_not_a_database),
        cmocka_unit_test(internal_items_are_never_shown),
        cmocka_unit_test(publication_window_is_respected),
        cmocka_unit_test(deleted_items_and_categories_are_hidden),
        cmocka_unit_test(items_wait_for_their_images),
        cmocka_unit_test(catalog_lists_only_categories_with_visible_items),
        cmocka_unit_test(notices_follow_window_and_urgency),
        cmocka_unit_test(feedback_outbox_keeps_and_then_forgets_contacts),
        cmocka_unit_test(state_and_view_counts),
        cmocka_unit_test(views_are_reported_once),
        cmocka_unit_test(views_keep_their_day),
        cmocka_unit_test(views_survive_the_migration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
