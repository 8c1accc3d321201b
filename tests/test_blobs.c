/* The attachment cache: hash checks, atomic files, local fetch, garbage. */
#include "testutil.h"

#include <sys/stat.h>

#include "blobs.h"
#include "import.h"
#include "store.h"

/* A hash nothing in these tests has. */
static const char absent_sha[] = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

static char real_sha[65];

static void setup_real_sha(void)
{
    const char *p = test_path("hello.bin");
    test_write_file(p, "kiosk");
    Err err;
    int64_t size;
    if (blobs_hash_file(p, real_sha, &size, &err)) fail_msg("%s", err.msg);
    assert_int_equal(size, 5);
}

static void put_checks_the_hash(void **state)
{
    (void)state;
    setup_real_sha();
    const char *cache = test_path("cache-put");
    Err err;
    assert_int_equal(blobs_put_buffer(cache, "kiosk", 5, real_sha, 5, &err), 0);
    assert_int_equal(blobs_verify(cache, real_sha, &err), 0);
    /* Wrong content under a name, a wrong size, a truncated body: refused. */
    assert_int_equal(blobs_put_buffer(cache, "kiosK", 5, real_sha, 5, &err), -1);
    assert_non_null(strstr(err.msg, "corrupt or truncated"));
    assert_int_equal(blobs_put_buffer(cache, "kios", 4, real_sha, 5, &err), -1);
    assert_non_null(strstr(err.msg, "4 bytes received, 5 expected"));
    assert_int_equal(blobs_verify(cache, absent_sha, &err), -1);
}

static void a_damaged_cached_file_fails_verification(void **state)
{
    (void)state;
    setup_real_sha();
    const char *cache = test_path("cache-damage");
    Err err;
    assert_int_equal(blobs_put_buffer(cache, "kiosk", 5, real_sha, 5, &err), 0);
    char path[1200];
    assert_int_equal(blobs_path(cache, real_sha, path, sizeof path, NULL), 0);
    test_write_file(path, "kiosq");
    assert_int_equal(blobs_verify(cache, real_sha, &err), -1);
    assert_non_null(strstr(err.msg, "does not match"));
}

static Store *store_with_image_item(const char *name, const char *sha, const char *href)
{
    Store *s = test_store_fresh(name);
    Err err;
    char doc[2048];
    snprintf(doc, sizeof doc,
             "{\"format\":\"dangwu-feed\",\"version\":1,\"kind\":\"snapshot\",\"revision\":1,"
             "\"categories\":{\"upsert\":[{\"id\":\"c\",\"name\":\"类\"}]},"
             "\"items\":{\"upsert\":[{\"id\":\"pic\",\"category\":\"c\",\"title\":\"图\",\"body\":\"b\","
             "\"published_at\":\"2026-01-01T00:00:00+08:00\",\"period\":\"long_term\",\"scope\":\"public\","
             "\"attachments\":[{\"sha256\":\"%s\",\"size\":5,\"type\":\"image/png\",\"href\":\"%s\"}]}]}}",
             sha, href);
    FeedResult res;
    if (feed_import_buffer(s, doc, strlen(doc), &res, &err)) fail_msg("%s", err.msg);
    return s;
}

static void local_fetch_makes_items_visible(void **state)
{
    (void)state;
    setup_real_sha();
    const char *dir = test_path("feeddir");
    mkdir(dir, 0755);
    char src[1100];
    snprintf(src, sizeof src, "%s/img.png", dir);
    test_write_file(src, "kiosk");
    Store *s = store_with_image_item("fetch.db", real_sha, "img.png");
    StoreItem it;
    Err err;
    assert_int_equal(store_item_get(s, "pic", time(NULL), &it, &err), 1);
    int fetched;
    const char *cache = test_path("cache-fetch");
    assert_int_equal(blobs_fetch_local(s, cache, dir, &fetched, &err), 0);
    assert_int_equal(fetched, 1);
    assert_int_equal(store_item_get(s, "pic", time(NULL), &it, &err), 0);
    store_item_free(&it);
    store_close(s);
}

static void local_fetch_refuses_paths_outside_the_feed(void **state)
{
    (void)state;
    setup_real_sha();
    Store *s = store_with_image_item("escape.db", real_sha, "../../etc/passwd");
    int fetched;
    Err err;
    assert_int_equal(blobs_fetch_local(s, test_path("cache-escape"), test_path("feeddir"), &fetched, &err), 0);
    assert_int_equal(fetched, 0);
    StoreItem it;
    assert_int_equal(store_item_get(s, "pic", time(NULL), &it, &err), 1);
    store_close(s);
}

static void garbage_collection_keeps_what_is_used(void **state)
{
    (void)state;
    setup_real_sha();
    Store *s = store_with_image_item("gc.db", real_sha, "img.png");
    const char *cache = test_path("cache-gc");
    Err err;
    assert_int_equal(blobs_put_buffer(cache, "kiosk", 5, real_sha, 5, &err), 0);
    /* An unreferenced file and a temporary left by a killed process. */
    char orphan_sha[65], orphan[1200], tmp[1200];
    const char *p = test_path("orphan.bin");
    test_write_file(p, "orphan");
    assert_int_equal(blobs_hash_file(p, orphan_sha, NULL, &err), 0);
    assert_int_equal(blobs_put_buffer(cache, "orphan", 6, orphan_sha, 6, &err), 0);
    assert_int_equal(blobs_path(cache, orphan_sha, orphan, sizeof orphan, NULL), 0);
    snprintf(tmp, sizeof tmp, "%s/%.2s/.tmp-1-%s", cache, real_sha, real_sha);
    test_write_file(tmp, "half");
    int removed;
    assert_int_equal(blobs_collect_garbage(s, cache, 1 << 20, &removed, &err), 0);
    assert_int_equal(removed, 2);
    assert_int_equal(access(orphan, F_OK), -1);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_int_equal(blobs_verify(cache, real_sha, &err), 0);
    store_close(s);
}

/* Fails closed: when the store cannot say whether an image is in use,
 * garbage collection deletes nothing and says so. */
static void garbage_collection_deletes_nothing_when_the_store_fails(void **state)
{
    (void)state;
    setup_real_sha();
    Store *s = store_with_image_item("gc-broken.db", real_sha, "img.png");
    const char *cache = test_path("cache-gc-broken");
    Err err;
    assert_int_equal(blobs_put_buffer(cache, "kiosk", 5, real_sha, 5, &err), 0);
    test_break_table(test_path("gc-broken.db"), "attachments");
    int removed = 0;
    assert_int_equal(blobs_collect_garbage(s, cache, 1 << 20, &removed, &err), -1);
    assert_non_null(strstr(err.msg, "none are deleted"));
    assert_int_equal(removed, 0);
    assert_int_equal(blobs_verify(cache, real_sha, &err), 0);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_checks_the_hash),
        cmocka_unit_test(a_damaged_cached_file_fails_verification),
        cmocka_unit_test(local_fetch_makes_items_visible),
        cmocka_unit_test(local_fetch_refuses_paths_outside_the_feed),
        cmocka_unit_test(garbage_collection_deletes_nothing_when_the_store_fails),
        cmocka_unit_test(garbage_collection_keeps_what_is_used),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
