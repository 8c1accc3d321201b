/* countyd end to end: the real bin/countyd on 127.0.0.1 on a free port,
 * a fresh database, requests over HTTP with libcurl, answers read as JSON. */
#include "countyd_util.h"
#include "blobs.h"
#include "bytes.h"
#include "protolimits.h"

#include <errno.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <zlib.h>

static Countyd srv;
static char kiosk_token[80];

static const char CATEGORIES[] =
    "{\"categories\":[{\"id\":\"dec\",\"name\":\"党组织决议、决定\"},"
    "{\"id\":\"fin\",\"name\":\"党费收缴\",\"sort\":2},{\"id\":\"fin-2026\",\"parent\":\"fin\",\"name\":\"2026年\"}]}";

/* ---- helpers ------------------------------------------------------------- */

static Reply kiosk_get(const char *path, const char *if_none_match)
{
    char auth[160], inm[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", kiosk_token);
    snprintf(inm, sizeof inm, "If-None-Match: %s", if_none_match ? if_none_match : "");
    const char *headers[] = {auth, "X-Kiosk-Id: hall-1", if_none_match ? inm : NULL, NULL};
    return countyd_call(&srv, "GET", path, headers, NULL, 0);
}

static Reply kiosk_post(const char *path, const char *json, size_t len)
{
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", kiosk_token);
    const char *headers[] = {auth, "X-Kiosk-Id: hall-1", "Content-Type: application/json", NULL};
    return countyd_call(&srv, "POST", path, headers, json, len);
}

static json_t *content_since(long long since)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld", since);
    Reply r = kiosk_get(path, NULL);
    if (r.status != 200) fail_msg("content since %lld -> %ld %s", since, r.status, r.body);
    json_t *doc = reply_json(&r);
    reply_free(&r);
    return doc;
}

static long long server_revision(void)
{
    json_t *s = countyd_admin_ok(&srv, "GET", "/v1/admin/status", NULL);
    long long rev = json_integer_value(json_object_get(s, "revision"));
    json_decref(s);
    return rev;
}

/* Whether a section's upsert (or delete) list names the id. */
static bool lists(json_t *doc, const char *section, const char *list, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(json_object_get(doc, section), list), i, e) {
        const char *eid = json_is_string(e) ? json_string_value(e) : json_string_value(json_object_get(e, "id"));
        if (eid && strcmp(eid, id) == 0) return true;
    }
    return false;
}

static void put_item(const char *id, const char *category, const char *title, const char *scope, const char *extra)
{
    char path[128], body[4096];
    snprintf(path, sizeof path, "/v1/admin/items/%s", id);
    snprintf(body, sizeof body,
             "{\"category\":\"%s\",\"title\":\"%s\",\"body\":\"第一段。\\n第二段。\",\"published_at\":\"2026-01-01T09:"
             "00:00+08:00\","
             "\"period\":\"immediate\",\"scope\":\"%s\"%s}",
             category, title, scope, extra ? extra : "");
    json_decref(countyd_admin_ok(&srv, "PUT", path, body));
}

/* One review step; "checker" reviews, "tester" does the rest (the reviewer
 * of a version may not approve it). */
static void step(const char *id, const char *what)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/items/%s/%s", id, what);
    Reply r = strcmp(what, "review") == 0 ? countyd_reviewer(&srv, "POST", path, "{\"note\":\"ok\"}")
                                          : countyd_admin(&srv, "POST", path, "{\"note\":\"ok\"}");
    if (r.status != 200) fail_msg("%s %s -> %ld %s", what, id, r.status, r.body);
    reply_free(&r);
}

static void publish_fully(const char *id)
{
    step(id, "review");
    step(id, "approve");
    step(id, "publish");
}

static void expect_error(Reply *r, long status, const char *code)
{
    if (r->status != status) fail_msg("expected %ld %s, got %ld %s", status, code, r->status, r->body);
    json_t *doc = reply_json(r);
    const char *got = json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
    const char *msg = json_string_value(json_object_get(json_object_get(doc, "error"), "message"));
    if (!got || strcmp(got, code) != 0) fail_msg("expected code %s: %s", code, r->body);
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
    json_decref(doc);
    reply_free(r);
}

/* A real 1 x 1 PNG (countyd reads its header), then the salt after its
 * IEND, so each salt gives another file. */
static void make_png(const char *salt, char *data, size_t *len, char sha[65])
{
    memcpy(data, test_tiny_png, sizeof test_tiny_png - 1);
    *len = sizeof test_tiny_png - 1 + (size_t)snprintf(data + sizeof test_tiny_png - 1, 100, "image data %s", salt);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)data, *len, md);
    for (int i = 0; i < 32; i++) snprintf(sha + 2 * i, 3, "%02x", md[i]);
}

static void upload_png(const char *data, size_t len, const char *sha)
{
    char auth[160], path[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", srv.admin_token);
    snprintf(path, sizeof path, "/v1/admin/blobs/%s", sha);
    const char *headers[] = {auth, "Content-Type: image/png", NULL};
    Reply r = countyd_call(&srv, "PUT", path, headers, data, len);
    if (r.status != 201 && r.status != 200) fail_msg("upload -> %ld %s", r.status, r.body);
    reply_free(&r);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    countyd_start(&srv, "countyd");
    countyd_add_kiosk(&srv, "hall-1", kiosk_token);
    json_decref(countyd_admin_ok(&srv, "PUT", "/v1/admin/categories", CATEGORIES));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int rc = countyd_stop_cleanly(&srv);
    curl_global_cleanup();
    return rc;
}

/* ---- tests ---------------------------------------------------------------- */

static void admin_api_needs_an_admin_token(void **state)
{
    (void)state;
    Reply r = countyd_call(&srv, "GET", "/v1/admin/items", NULL, NULL, 0);
    expect_error(&r, 401, "unauthorized");
    const char *wrong[] = {"Authorization: Bearer 0000000000000000000000000000000000000000000000000000000000000000",
                           NULL};
    r = countyd_call(&srv, "GET", "/v1/admin/items", wrong, NULL, 0);
    expect_error(&r, 401, "unauthorized");
    /* A kiosk's token is no admin token. */
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", kiosk_token);
    const char *as_kiosk[] = {auth, NULL};
    r = countyd_call(&srv, "PUT", "/v1/admin/categories", as_kiosk, CATEGORIES, strlen(CATEGORIES));
    expect_error(&r, 401, "unauthorized");
    json_decref(countyd_admin_ok(&srv, "GET", "/v1/admin/items", NULL));
}

static void review_cycle_is_enforced(void **state)
{
    (void)state;
    put_item("cycle-1", "dec", "关于换届选举的决定", "public", NULL);
    Reply r = countyd_admin(&srv, "POST", "/v1/admin/items/cycle-1/publish", NULL);
    expect_error(&r, 409, "wrong_state");
    r = countyd_admin(&srv, "POST", "/v1/admin/items/cycle-1/approve", NULL);
    expect_error(&r, 409, "wrong_state");
    step("cycle-1", "review");
    r = countyd_reviewer(&srv, "POST", "/v1/admin/items/cycle-1/review", NULL);
    expect_error(&r, 409, "wrong_state");
    /* The reviewer of this version may not approve it. */
    r = countyd_reviewer(&srv, "POST", "/v1/admin/items/cycle-1/approve", NULL);
    expect_error(&r, 403, "forbidden");
    r = countyd_admin(&srv, "POST", "/v1/admin/items/cycle-1/publish", NULL);
    expect_error(&r, 409, "wrong_state");
    /* Not yet published: kiosks do not get it. */
    json_t *doc = content_since(0);
    assert_false(lists(doc, "items", "upsert", "cycle-1"));
    json_decref(doc);
    step("cycle-1", "approve");
    step("cycle-1", "publish");
    doc = content_since(0);
    assert_string_equal(json_string_value(json_object_get(doc, "kind")), "snapshot");
    assert_true(lists(doc, "items", "upsert", "cycle-1"));
    assert_true(lists(doc, "categories", "upsert", "fin-2026"));
    json_decref(doc);
    /* Unknown item and step. */
    r = countyd_admin(&srv, "POST", "/v1/admin/items/nope/review", NULL);
    expect_error(&r, 404, "not_found");
    r = countyd_admin(&srv, "POST", "/v1/admin/items/cycle-1/bless", NULL);
    expect_error(&r, 404, "not_found");
    /* Every step is in the audit trail with who did it. */
    json_t *item = countyd_admin_ok(&srv, "GET", "/v1/admin/items/cycle-1", NULL);
    json_t *history = json_object_get(item, "history");
    assert_int_equal(json_array_size(history), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(history, 3), "action")), "publish");
    assert_string_equal(json_string_value(json_object_get(json_array_get(history, 3), "admin")), "tester");
    json_decref(item);
}

static void update_and_withdraw_travel_as_deltas(void **state)
{
    (void)state;
    put_item("wd-1", "dec", "将要撤回的公告", "public", NULL);
    publish_fully("wd-1");
    long long before = server_revision();
    /* An edit goes through review again; kiosks keep the old version meanwhile. */
    put_item("wd-1", "dec", "修改后的公告", "public", NULL);
    assert_int_equal(server_revision(), before);
    json_t *doc = content_since(0);
    char *text = json_dumps(doc, 0);
    assert_non_null(strstr(text, "将要撤回的公告"));
    free(text);
    json_decref(doc);
    publish_fully("wd-1");
    doc = content_since(before);
    assert_string_equal(json_string_value(json_object_get(doc, "kind")), "delta");
    assert_int_equal(json_integer_value(json_object_get(doc, "base_revision")), before);
    assert_true(lists(doc, "items", "upsert", "wd-1"));
    json_decref(doc);
    /* The same content again changes nothing. */
    long long after_update = server_revision();
    put_item("wd-1", "dec", "修改后的公告", "public", NULL);
    json_t *item = countyd_admin_ok(&srv, "GET", "/v1/admin/items/wd-1", NULL);
    assert_string_equal(json_string_value(json_object_get(item, "state")), "published");
    json_decref(item);
    step("wd-1", "withdraw");
    doc = content_since(after_update);
    assert_true(lists(doc, "items", "delete", "wd-1"));
    assert_false(lists(doc, "items", "upsert", "wd-1"));
    json_decref(doc);
    doc = content_since(0);
    assert_false(lists(doc, "items", "upsert", "wd-1"));
    json_decref(doc);
}

static void internal_items_never_reach_a_kiosk(void **state)
{
    (void)state;
    long long before = server_revision();
    char png[128], sha[65];
    size_t len;
    make_png("internal", png, &len, sha);
    upload_png(png, len, sha);
    char extra[256];
    snprintf(extra, sizeof extra, ",\"attachments\":[{\"sha256\":\"%s\",\"size\":%zu,\"type\":\"image/png\"}]", sha,
             len);
    put_item("secret-1", "dec", "党内通报甲", "internal", extra);
    publish_fully("secret-1");
    /* A public item made internal later: kiosks are told to delete it. */
    put_item("turns-1", "dec", "先公开后内部", "public", NULL);
    publish_fully("turns-1");
    long long mid = server_revision();
    put_item("turns-1", "dec", "党内通报乙", "internal", NULL);
    publish_fully("turns-1");

    long long sinces[] = {0, before, mid};
    for (int i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "/v1/content?since=%lld", sinces[i]);
        Reply r = kiosk_get(path, NULL);
        assert_int_equal(r.status, 200);
        assert_null(strstr(r.body, "secret-1"));
        assert_null(strstr(r.body, "党内通报"));
        assert_null(strstr(r.body, "internal"));
        json_t *doc = reply_json(&r);
        assert_false(lists(doc, "items", "upsert", "turns-1"));
        if (sinces[i] == mid) assert_true(lists(doc, "items", "delete", "turns-1"));
        json_decref(doc);
        reply_free(&r);
    }
    /* Nor its images. */
    char path[128];
    snprintf(path, sizeof path, "/v1/blobs/%s", sha);
    Reply r = kiosk_get(path, NULL);
    expect_error(&r, 404, "not_found");
}

/* The gzip stream in a reply, inflated (zlib), as JSON. */
static json_t *gunzip_json(const Reply *r)
{
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    size_t room = 64 * r->len + 4096;
    char *out = malloc(room);
    z.next_in = (Bytef *)r->body;
    z.avail_in = (uInt)r->len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)room - 1;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    out[room - 1 - z.avail_out] = '\0';
    inflateEnd(&z);
    json_t *doc = json_loads(out, 0, NULL);
    free(out);
    assert_non_null(doc);
    return doc;
}

/* A kiosk that offers gzip gets the same document compressed (built once,
 * then from the cache); one that does not, or refuses it, gets it plain. */
static void feeds_are_gzipped_when_the_kiosk_asks(void **state)
{
    (void)state;
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", kiosk_token);
    const char *plain_h[] = {auth, "X-Kiosk-Id: hall-1", NULL};
    const char *gzip_h[] = {auth, "X-Kiosk-Id: hall-1", "Accept-Encoding: deflate, gzip;q=0.8", NULL};
    const char *refuse_h[] = {auth, "X-Kiosk-Id: hall-1", "Accept-Encoding: gzip;q=0, identity", NULL};
    for (int i = 0; i < 12; i++) {
        char id[32];
        snprintf(id, sizeof id, "gzip-%d", i);
        put_item(id, "dec", "村务公开栏本月更新的事项", "public", NULL);
        publish_fully(id);
    }
    Reply plain = countyd_call(&srv, "GET", "/v1/content?since=0", plain_h, NULL, 0);
    assert_int_equal(plain.status, 200);
    assert_string_equal(plain.content_encoding, "");
    assert_true(plain.len > 1024);
    json_t *expected = reply_json(&plain);
    for (int round = 0; round < 2; round++) {
        Reply gz = countyd_call(&srv, "GET", "/v1/content?since=0", gzip_h, NULL, 0);
        assert_int_equal(gz.status, 200);
        assert_string_equal(gz.content_encoding, "gzip");
        assert_true(gz.len < plain.len / 2);
        json_t *doc = gunzip_json(&gz);
        assert_true(json_equal(doc, expected));
        json_decref(doc);
        reply_free(&gz);
    }
    Reply refused = countyd_call(&srv, "GET", "/v1/content?since=0", refuse_h, NULL, 0);
    assert_string_equal(refused.content_encoding, "");
    assert_int_equal(refused.len, plain.len);
    reply_free(&refused);
    json_decref(expected);
    reply_free(&plain);
}

static void since_etag_and_304(void **state)
{
    (void)state;
    long long rev = server_revision();
    char path[128], tag[64];
    snprintf(path, sizeof path, "/v1/content?since=%lld", rev);
    snprintf(tag, sizeof tag, "\"%lld\"", rev);
    Reply r = kiosk_get(path, NULL);
    assert_int_equal(r.status, 304);
    assert_string_equal(r.etag, tag);
    reply_free(&r);
    r = kiosk_get("/v1/content", tag);
    assert_int_equal(r.status, 304);
    reply_free(&r);
    r = kiosk_get("/v1/content?since=1", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.etag, tag);
    assert_string_equal(r.cache_control, "no-store");
    reply_free(&r);
    /* A kiosk ahead of the server (restored backup) gets a snapshot. */
    snprintf(path, sizeof path, "/v1/content?since=%lld", rev + 1000);
    r = kiosk_get(path, NULL);
    assert_int_equal(r.status, 200);
    json_t *doc = reply_json(&r);
    assert_string_equal(json_string_value(json_object_get(doc, "kind")), "snapshot");
    json_decref(doc);
    reply_free(&r);
    r = kiosk_get("/v1/content?since=abc", NULL);
    expect_error(&r, 400, "bad_request");
    r = kiosk_get("/v1/content?wait=9999", NULL);
    expect_error(&r, 400, "bad_request");
}

typedef struct {
    long long since;
    atomic_bool asking; /* the request is on its way */
    Reply reply;
    struct timespec done;
} Poll;

static void *long_poll(void *arg)
{
    Poll *p = arg;
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld&wait=20", p->since);
    atomic_store(&p->asking, true);
    p->reply = kiosk_get(path, NULL);
    clock_gettime(CLOCK_MONOTONIC, &p->done);
    return NULL;
}

static double seconds_between(struct timespec a, struct timespec b)
{
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* A long-poll answers with what was published while it waited (how fast:
 * bench_countyd's fan-out).  The publish waits until the request is on its
 * way; had it arrived after the publish, it is answered at once with it,
 * so the test holds either way and never depends on timing. */
static void long_poll_answers_a_publish(void **state)
{
    (void)state;
    Poll p = {.since = server_revision()};
    pthread_t t;
    pthread_create(&t, NULL, long_poll, &p);
    struct timespec published;
    double end = test_now_s() + 30;
    while (!atomic_load(&p.asking) && test_now_s() < end) usleep(1000);
    json_decref(countyd_admin_ok(&srv, "PUT", "/v1/admin/notices/lp-1",
                                 "{\"text\":\"今天下午三点召开党员大会\",\"urgent\":true}"));
    clock_gettime(CLOCK_MONOTONIC, &published);
    pthread_join(t, NULL);
    assert_int_equal(p.reply.status, 200);
    json_t *doc = reply_json(&p.reply);
    assert_true(lists(doc, "notices", "upsert", "lp-1"));
    json_decref(doc);
    reply_free(&p.reply);
    printf("the long-poll answered %.3f s after the publish\n", seconds_between(published, p.done));
}

static void long_poll_times_out_with_304(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld&wait=1", server_revision());
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    Reply r = kiosk_get(path, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_int_equal(r.status, 304);
    assert_true(seconds_between(a, b) >= 0.9);
    reply_free(&r);
}

typedef struct {
    long long since;
    Reply reply;
    double seconds;
} Timed;

static void *timed_long_poll(void *arg)
{
    Timed *p = arg;
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld&wait=2", p->since);
    double t0 = test_now_s();
    p->reply = kiosk_get(path, NULL);
    p->seconds = test_now_s() - t0;
    return NULL;
}

/* Held long-polls cost countyd no thread (they are suspended connections,
 * their deadlines kept by one clock): 40 of them are held by a handful of
 * threads, and each is told 304 at its max wait. */
static void long_polls_time_out_without_a_thread_each(void **state)
{
    (void)state;
    enum { N = 40 };
    Timed polls[N];
    pthread_t threads[N];
    long long since = server_revision();
    long before = countyd_proc_value(&srv, "Threads:");
    for (int i = 0; i < N; i++) {
        polls[i] = (Timed){.since = since};
        pthread_create(&threads[i], NULL, timed_long_poll, &polls[i]);
    }
    assert_true(countyd_wait_held(&srv, N, 30));
    long during = countyd_proc_value(&srv, "Threads:");
    printf("countyd holds %d long-polls with %ld threads (%ld before)\n", N, during, before);
    assert_true(during > 0 && during == before && during < 12);
    for (int i = 0; i < N; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(polls[i].reply.status, 304);
        assert_true(polls[i].seconds >= 1.9);
        reply_free(&polls[i].reply);
    }
    assert_true(countyd_wait_held(&srv, 0, 30));
}

/* An image no kiosk can show (proto/image.h) is refused at upload, with a
 * message naming its size, and bytes that are no image at all too. */
static void images_no_kiosk_can_show_are_refused(void **state)
{
    (void)state;
    const char *file = test_path("huge.png");
    test_write_png(file, 30000, 30000, PNG_COLOR_TYPE_GRAY, 8, false, NULL, NULL, 0);
    char *data, hex[65], auth[160], path[128];
    size_t len;
    int64_t size;
    Err err;
    assert_int_equal(bytes_read_file(file, 1 << 20, &data, &len, &err), 0);
    assert_int_equal(blobs_hash_file(file, hex, &size, &err), 0);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", srv.admin_token);
    snprintf(path, sizeof path, "/v1/admin/blobs/%s", hex);
    const char *headers[] = {auth, "Content-Type: image/png", NULL};
    Reply r = countyd_call(&srv, "PUT", path, headers, data, len);
    if (!strstr(r.body, "30000 x 30000 pixels")) fail_msg("%ld %s", r.status, r.body);
    expect_error(&r, 400, "bad_request");
    free(data);
    static const char not_png[] = "\x89PNG\r\n\x1a\nthe rest is not a PNG";
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)not_png, sizeof not_png - 1, md);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(path, sizeof path, "/v1/admin/blobs/%s", hex);
    r = countyd_call(&srv, "PUT", path, headers, not_png, sizeof not_png - 1);
    expect_error(&r, 415, "unsupported_media_type");
}

/* A PDF is accepted with the rule the kiosks apply (proto/pdf.h): the
 * sample notice is stored, one cut short or locked with a password is
 * refused with the reason, bytes that are no PDF with 415. */
static void pdfs_are_checked_like_on_kiosks(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        long status;
        const char *says;
    } cases[] = {
        {"tests/data/pdf/three-pages.pdf", 201, NULL}, {"tests/data/pdf/truncated.pdf", 400, "不完整"},
        {"tests/data/pdf/encrypted.pdf", 400, "密码"}, {"tests/data/pdf/too-many-pages.pdf", 400, "201 页"},
        {"tests/data/chart-dues.png", 415, NULL},
    };
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", srv.admin_token);
    const char *headers[] = {auth, "Content-Type: application/pdf", NULL};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *data, hex[65], path[128];
        size_t len;
        int64_t size;
        Err err;
        assert_int_equal(bytes_read_file(cases[i].file, 1 << 20, &data, &len, &err), 0);
        assert_int_equal(blobs_hash_file(cases[i].file, hex, &size, &err), 0);
        snprintf(path, sizeof path, "/v1/admin/blobs/%s", hex);
        Reply r = countyd_call(&srv, "PUT", path, headers, data, len);
        free(data);
        if (r.status != cases[i].status || (cases[i].says && !strstr(r.body, cases[i].says)))
            fail_msg("%s: %ld %s", cases[i].file, r.status, r.body);
        reply_free(&r);
    }
}

static void blobs_are_served_and_immutable(void **state)
{
    (void)state;
    char png[128], sha[65];
    size_t len;
    make_png("public", png, &len, sha);
    /* Bytes that do not hash to the name are refused. */
    char auth[160], path[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", srv.admin_token);
    snprintf(path, sizeof path, "/v1/admin/blobs/%s", sha);
    const char *headers[] = {auth, "Content-Type: image/png", NULL};
    Reply r = countyd_call(&srv, "PUT", path, headers, png, len - 1);
    expect_error(&r, 422, "hash_mismatch");
    const char *as_text[] = {auth, "Content-Type: text/plain", NULL};
    r = countyd_call(&srv, "PUT", path, as_text, png, len);
    expect_error(&r, 415, "unsupported_media_type");
    /* An item cannot refer to a file the server lacks. */
    char extra[256];
    snprintf(extra, sizeof extra,
             ",\"attachments\":[{\"sha256\":\"%s\",\"size\":%zu,\"type\":\"image/png\",\"caption\":\"图一\"}]", sha,
             len);
    char body[1024];
    snprintf(body, sizeof body,
             "{\"category\":\"fin-2026\",\"title\":\"党费收缴情况\",\"body\":\"见下图。\",\"published_at\":\"2026-01-"
             "01T09:00:00+08:00\","
             "\"period\":\"periodic\",\"scope\":\"public\"%s}",
             extra);
    r = countyd_admin(&srv, "PUT", "/v1/admin/items/pic-1", body);
    expect_error(&r, 400, "bad_request");
    upload_png(png, len, sha);
    put_item("pic-1", "fin-2026", "党费收缴情况", "public", extra);
    publish_fully("pic-1");

    snprintf(path, sizeof path, "/v1/blobs/%s", sha);
    r = countyd_call(&srv, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, len);
    assert_memory_equal(r.body, png, len);
    assert_non_null(strstr(r.cache_control, "immutable"));
    assert_non_null(strstr(r.cache_control, "max-age=31536000"));
    assert_non_null(strstr(r.etag, sha));
    char inm[128];
    snprintf(inm, sizeof inm, "If-None-Match: %s", r.etag);
    reply_free(&r);
    const char *cond[] = {inm, NULL};
    r = countyd_call(&srv, "GET", path, cond, NULL, 0);
    assert_int_equal(r.status, 304);
    reply_free(&r);
    /* The feed gives sha256, size, type, caption, and no href. */
    json_t *doc = content_since(0);
    size_t i;
    json_t *it;
    json_array_foreach (json_object_get(json_object_get(doc, "items"), "upsert"), i, it) {
        if (strcmp(json_string_value(json_object_get(it, "id")), "pic-1") != 0) continue;
        json_t *a = json_array_get(json_object_get(it, "attachments"), 0);
        assert_string_equal(json_string_value(json_object_get(a, "sha256")), sha);
        assert_int_equal(json_integer_value(json_object_get(a, "size")), len);
        assert_string_equal(json_string_value(json_object_get(a, "caption")), "图一");
        assert_null(json_object_get(a, "href"));
    }
    json_decref(doc);
    r = countyd_call(&srv, "GET", "/v1/blobs/not-a-hash", NULL, NULL, 0);
    expect_error(&r, 400, "bad_request");
    r = countyd_call(&srv, "GET", "/v1/blobs/ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", NULL,
                     NULL, 0);
    expect_error(&r, 404, "not_found");
}

static const char BATCH[] =
    "{\"submissions\":["
    "{\"id\":\"6f1c2b9e-6d0a-4b7e-9a51-2c8f0e7d4a10\",\"kind\":\"rating\",\"item\":\"cycle-1\",\"rating\":1,"
    "\"rating_levels\":3,\"reasons\":[\"内容清楚\"],\"created_at\":\"2026-11-20T10:15:00+08:00\"},"
    "{\"id\":\"7a2d3c0f-1111-4b7e-9a51-2c8f0e7d4a11\",\"kind\":\"comment\",\"comment\":\"希望公开村务开支明细\","
    "\"name\":\"王大爷\",\"phone\":\"13800000000\",\"created_at\":\"2026-11-20T10:16:00+08:00\"}]}";

static int count_feedback(const char *id)
{
    json_t *all = countyd_admin_ok(&srv, "GET", "/v1/admin/feedback", NULL);
    size_t i;
    json_t *f;
    int n = 0;
    json_array_foreach (json_object_get(all, "feedback"), i, f)
        n += strcmp(json_string_value(json_object_get(f, "id")), id) == 0;
    json_decref(all);
    return n;
}

static void feedback_batches_are_idempotent(void **state)
{
    (void)state;
    for (int round = 0; round < 2; round++) {
        Reply r = kiosk_post("/v1/feedback", BATCH, strlen(BATCH));
        assert_int_equal(r.status, 200);
        json_t *doc = reply_json(&r);
        json_t *ack = json_object_get(doc, "acknowledged");
        assert_int_equal(json_array_size(ack), 2);
        assert_int_equal(json_array_size(json_object_get(doc, "rejected")), 0);
        json_decref(doc);
        reply_free(&r);
    }
    assert_int_equal(count_feedback("6f1c2b9e-6d0a-4b7e-9a51-2c8f0e7d4a10"), 1);
    assert_int_equal(count_feedback("7a2d3c0f-1111-4b7e-9a51-2c8f0e7d4a11"), 1);
    /* One malformed submission is rejected; the rest of its batch is stored. */
    const char mixed[] =
        "{\"submissions\":[{\"id\":\"bad\",\"kind\":\"rating\"},"
        "{\"id\":\"8b3e4d10-2222-4b7e-9a51-2c8f0e7d4a12\",\"kind\":\"request\",\"comment\":\"请公开发展党员名单\","
        "\"created_at\":\"2026-11-20T11:00:00+08:00\"}]}";
    Reply r = kiosk_post("/v1/feedback", mixed, strlen(mixed));
    assert_int_equal(r.status, 200);
    json_t *doc = reply_json(&r);
    assert_int_equal(json_array_size(json_object_get(doc, "acknowledged")), 1);
    assert_int_equal(json_array_size(json_object_get(doc, "rejected")), 1);
    json_decref(doc);
    reply_free(&r);
    assert_int_equal(count_feedback("8b3e4d10-2222-4b7e-9a51-2c8f0e7d4a12"), 1);
}

/* Two kiosks that send the same submission id: both are stored (the key
 * is the kiosk and its id), and each retry is still stored once. */
static void feedback_is_keyed_by_kiosk_and_id(void **state)
{
    (void)state;
    char token2[80], auth[160];
    countyd_add_kiosk(&srv, "hall-2", token2);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token2);
    const char *headers[] = {auth, "X-Kiosk-Id: hall-2", "Content-Type: application/json", NULL};
    const char one[] = "{\"submissions\":[{\"id\":\"c011ided-0000-4000-8000-000000000001\",\"kind\":\"comment\","
                       "\"comment\":\"%s\",\"created_at\":\"2026-11-20T10:15:00+08:00\"}]}";
    char body[512];
    for (int round = 0; round < 2; round++) {
        snprintf(body, sizeof body, one, "一号厅的留言");
        Reply r = kiosk_post("/v1/feedback", body, strlen(body));
        assert_int_equal(r.status, 200);
        reply_free(&r);
        snprintf(body, sizeof body, one, "二号厅的留言");
        r = countyd_call(&srv, "POST", "/v1/feedback", headers, body, strlen(body));
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "c011ided-0000-4000-8000-000000000001"));
        reply_free(&r);
    }
    json_t *all = countyd_admin_ok(&srv, "GET", "/v1/admin/feedback", NULL);
    size_t i;
    json_t *f;
    int from1 = 0, from2 = 0;
    json_array_foreach (json_object_get(all, "feedback"), i, f) {
        const char *comment = json_string_value(json_object_get(f, "comment"));
        from1 += strcmp(comment, "一号厅的留言") == 0;
        from2 += strcmp(comment, "二号厅的留言") == 0;
    }
    json_decref(all);
    assert_int_equal(from1, 1);
    assert_int_equal(from2, 1);
    assert_int_equal(count_feedback("c011ided-0000-4000-8000-000000000001"), 1);
    assert_int_equal(count_feedback("c011ided-0000-4000-8000-000000000001.hall-2"), 1);
    /* The admins reach each by its own id. */
    json_decref(countyd_admin_ok(&srv, "POST", "/v1/admin/feedback/c011ided-0000-4000-8000-000000000001.hall-2/reply",
                                 "{\"text\":\"收到。\",\"public\":false}"));
}

/* An id with %00 or bytes that are not UTF-8 is refused with 400 before
 * any lookup: never a 500, never an action on a shorter id. */
static void ids_with_nul_or_bad_utf8_are_refused(void **state)
{
    (void)state;
    json_decref(countyd_admin_ok(&srv, "PUT", "/v1/admin/categories", CATEGORIES));
    static const char item[] =
        "{\"id\":\"a\",\"category\":\"dec\",\"title\":\"短的\",\"body\":\"正文\","
        "\"published_at\":\"2026-01-05T09:00:00+08:00\",\"period\":\"long_term\",\"scope\":\"public\"}";
    static const char *const paths[][2] = {
        {"PUT", "/v1/admin/items/a%00b"},
        {"GET", "/v1/admin/items/a%00b"},
        {"GET", "/v1/admin/items/%ff%fe"},
        {"PUT", "/v1/admin/items/%c3%28"},
        {"POST", "/v1/admin/feedback/%ff/reply"},
        {"PUT", "/v1/admin/kiosks/k%00/settings"},
        {"GET", "/v1/blobs/%00"},
    };
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
        Reply r = countyd_admin(&srv, paths[k][0], paths[k][1], item);
        if (r.status != 400) fail_msg("%s %s -> %ld %s", paths[k][0], paths[k][1], r.status, r.body);
        expect_error(&r, 400, "bad_request");
    }
    /* Nothing was stored under the id cut short. */
    Reply r = countyd_admin(&srv, "GET", "/v1/admin/items/a", NULL);
    expect_error(&r, 404, "not_found");
}

static void public_reply_becomes_an_answer_without_contact(void **state)
{
    (void)state;
    Reply r = kiosk_post("/v1/feedback", BATCH, strlen(BATCH));
    reply_free(&r);
    long long before = server_revision();
    json_decref(countyd_admin_ok(&srv, "POST", "/v1/admin/feedback/7a2d3c0f-1111-4b7e-9a51-2c8f0e7d4a11/reply",
                                 "{\"text\":\"已在公开栏公布，谢谢。\",\"public\":false}"));
    assert_int_equal(server_revision(), before);
    /* A public answer never shows the visitor's own words: it needs the
     * question as the admin restated it. */
    r = countyd_admin(&srv, "POST", "/v1/admin/feedback/7a2d3c0f-1111-4b7e-9a51-2c8f0e7d4a11/reply",
                      "{\"text\":\"每季度第一个月公布上季度开支。\",\"public\":true}");
    expect_error(&r, 400, "bad_request");
    json_decref(countyd_admin_ok(&srv, "POST", "/v1/admin/feedback/7a2d3c0f-1111-4b7e-9a51-2c8f0e7d4a11/reply",
                                 "{\"text\":\"每季度第一个月公布上季度开支。\",\"public\":true,"
                                 "\"question\":\"希望公开村务开支明细\"}"));
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld", before);
    r = kiosk_get(path, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "希望公开村务开支明细"));
    assert_non_null(strstr(r.body, "每季度第一个月公布上季度开支。"));
    assert_null(strstr(r.body, "王大爷"));
    assert_null(strstr(r.body, "13800000000"));
    assert_null(strstr(r.body, "已在公开栏公布"));
    reply_free(&r);
    r = countyd_admin(&srv, "POST", "/v1/admin/feedback/no-such-feedback/reply", "{\"text\":\"x\"}");
    expect_error(&r, 404, "not_found");
    /* Answers written by the county (answers.txt) travel the same way. */
    before = server_revision();
    json_decref(countyd_admin_ok(&srv, "PUT", "/v1/admin/answers/ans-1",
                                 "{\"question\":\"路灯什么时候修好？\",\"answer\":\"本月底前修好。\","
                                 "\"answered_at\":\"2026-11-12T10:00:00+08:00\"}"));
    json_t *doc = content_since(before);
    assert_true(lists(doc, "answers", "upsert", "ans-1"));
    json_decref(doc);
    before = server_revision();
    json_decref(countyd_admin_ok(&srv, "DELETE", "/v1/admin/answers/ans-1", NULL));
    doc = content_since(before);
    assert_true(lists(doc, "answers", "delete", "ans-1"));
    json_decref(doc);
    r = countyd_admin(&srv, "PUT", "/v1/admin/answers/answer-1",
                      "{\"question\":\"q\",\"answer\":\"a\",\"answered_at\":\"2026-11-12T10:00:00+08:00\"}");
    expect_error(&r, 400, "bad_request");
    r = countyd_admin(&srv, "PUT", "/v1/admin/answers/ans-2", "{\"question\":\"q\"}");
    expect_error(&r, 400, "bad_request");
}

static void heartbeat_is_stored_and_answered(void **state)
{
    (void)state;
    json_decref(countyd_admin_ok(&srv, "PUT", "/v1/admin/kiosks/*/settings", "{\"ticker_speed\":90}"));
    json_decref(countyd_admin_ok(&srv, "PUT", "/v1/admin/kiosks/hall-1/settings",
                                 "{\"unit_name\":\"中共青禾镇委员会\",\"screen_on\":\"07:00-20:00\"}"));
    json_decref(countyd_admin_ok(&srv, "POST", "/v1/admin/kiosks/hall-1/commands", "{\"command\":\"resync\"}"));
    const char beat[] = "{\"app_version\":\"1.2.3\",\"revision\":7,\"outbox\":4,\"last_error\":\"timeout\","
                        "\"uptime\":3600,\"free_disk\":1073741824,\"time\":\"2026-11-20T10:15:00+08:00\"}";
    Reply r = kiosk_post("/v1/heartbeat", beat, strlen(beat));
    assert_int_equal(r.status, 200);
    json_t *ans = reply_json(&r);
    json_t *settings = json_object_get(ans, "settings");
    assert_string_equal(json_string_value(json_object_get(settings, "unit_name")), "中共青禾镇委员会");
    assert_int_equal(json_integer_value(json_object_get(settings, "ticker_speed")), 90);
    assert_string_equal(json_string_value(json_array_get(json_object_get(ans, "commands"), 0)), "resync");
    json_decref(ans);
    reply_free(&r);
    /* A command is delivered once. */
    r = kiosk_post("/v1/heartbeat", beat, strlen(beat));
    ans = reply_json(&r);
    assert_int_equal(json_array_size(json_object_get(ans, "commands")), 0);
    json_decref(ans);
    reply_free(&r);
    json_t *list = countyd_admin_ok(&srv, "GET", "/v1/admin/kiosks", NULL);
    json_t *k = json_array_get(json_object_get(list, "kiosks"), 0);
    assert_string_equal(json_string_value(json_object_get(k, "id")), "hall-1");
    assert_int_equal(json_integer_value(json_object_get(k, "revision")), 7);
    assert_int_equal(json_integer_value(json_object_get(k, "outbox")), 4);
    assert_string_equal(json_string_value(json_object_get(k, "app_version")), "1.2.3");
    assert_int_equal(json_integer_value(json_object_get(k, "silent")), 0);
    json_decref(list);
    /* Bad types and bad settings are refused. */
    r = kiosk_post("/v1/heartbeat", "{\"revision\":\"seven\"}", 20);
    expect_error(&r, 400, "bad_request");
    r = countyd_admin(&srv, "PUT", "/v1/admin/kiosks/hall-1/settings", "{\"ticker_speed\":100000}");
    expect_error(&r, 400, "bad_request");
    r = countyd_admin(&srv, "PUT", "/v1/admin/kiosks/nobody/settings", "{\"ticker_speed\":50}");
    expect_error(&r, 404, "not_found");
}

static void heartbeat_views_are_checked(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"views\":[1]}",
        "{\"views\":{\"bad id\":1}}",
        "{\"views\":{\"gk-1\":-1}}",
        "{\"views\":{\"gk-1\":1000001}}",
        "{\"views\":{\"gk-1\":\"3\"}}",
        "{\"views\":{\"gk-1\":1.5}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Reply r = kiosk_post("/v1/heartbeat", bad[i], strlen(bad[i]));
        expect_error(&r, 400, "bad_request");
    }
    /* Too many items in one heartbeat. */
    size_t cap = 64 * 1024, len = 0;
    char *many = malloc(cap);
    len += (size_t)snprintf(many + len, cap - len, "{\"views\":{");
    for (int i = 0; i <= HEARTBEAT_MAX_VIEW_ITEMS; i++)
        len += (size_t)snprintf(many + len, cap - len, "%s\"v%d\":1", i ? "," : "", i);
    len += (size_t)snprintf(many + len, cap - len, "}}");
    assert_true(len < cap);
    Reply r = kiosk_post("/v1/heartbeat", many, len);
    expect_error(&r, 400, "bad_request");
    free(many);
    /* A refused heartbeat added nothing; a good one adds, a zero is no row. */
    const char good[] = "{\"views\":{\"gk-1\":2,\"gk-2\":0}}";
    for (int i = 0; i < 2; i++) {
        r = kiosk_post("/v1/heartbeat", good, strlen(good));
        assert_int_equal(r.status, 200);
        reply_free(&r);
    }
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(item || '=' || views) FROM item_views", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "gk-1=4");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static json_int_t at(json_t *array, size_t i) { return json_integer_value(json_array_get(array, i)); }

/* The entry of `list` whose `key` is `id`. */
static json_t *entry_of(json_t *list, const char *key, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach (list, i, e)
        if (strcmp(json_string_value(json_object_get(e, key)), id) == 0) return e;
    fail_msg("no %s %s", key, id);
    return NULL;
}

/* Views by day: a heartbeat's undated views count on the day they arrive,
 * views_by_day on the days the kiosk names; the statistics sum them by day
 * or month over a range. */
static void views_are_counted_by_day(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"views_by_day\":[1]}",
        "{\"views_by_day\":{\"2026-02-30\":{\"gk-1\":1}}}",
        "{\"views_by_day\":{\"2026-11-2\":{\"gk-1\":1}}}",
        "{\"views_by_day\":{\"2099-01-01\":{\"gk-1\":1}}}",
        "{\"views_by_day\":{\"2026-11-20\":{\"bad id\":1}}}",
        "{\"views_by_day\":{\"2026-11-20\":{\"gk-1\":-2}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Reply r = kiosk_post("/v1/heartbeat", bad[i], strlen(bad[i]));
        expect_error(&r, 400, "bad_request");
    }
    /* Days before today: the server takes none after tomorrow. */
    char day[4][16], beat[256], path[160];
    int64_t now = (int64_t)time(NULL);
    for (int i = 0; i < 4; i++) feed_format_day(now - (13 - i) * 86400, day[i], sizeof day[i]);
    snprintf(beat, sizeof beat, "{\"views_by_day\":{\"%s\":{\"gk-1\":3},\"%s\":{\"gk-1\":1,\"gk-2\":5}}}", day[1],
             day[2]);
    Reply r = kiosk_post("/v1/heartbeat", beat, strlen(beat));
    assert_int_equal(r.status, 200);
    reply_free(&r);

    snprintf(path, sizeof path, "/v1/admin/stats?unit=day&from=%s&to=%s", day[0], day[3]);
    json_t *s = countyd_admin_ok(&srv, "GET", path, NULL);
    json_t *t = json_object_get(s, "over_time");
    assert_string_equal(json_string_value(json_object_get(t, "unit")), "day");
    json_t *periods = json_object_get(t, "periods"), *total = json_object_get(t, "total");
    assert_int_equal(json_array_size(periods), 4);
    assert_string_equal(json_string_value(json_array_get(periods, 0)), day[0]);
    assert_string_equal(json_string_value(json_array_get(periods, 3)), day[3]);
    assert_true(at(total, 0) == 0 && at(total, 1) == 3 && at(total, 2) == 6 && at(total, 3) == 0);
    json_t *items = json_object_get(t, "by_item");
    /* The most viewed first. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "item")), "gk-2");
    json_t *gk1 = json_object_get(entry_of(items, "item", "gk-1"), "views");
    assert_true(at(gk1, 1) == 3 && at(gk1, 2) == 1);
    json_t *kiosk = entry_of(json_object_get(t, "by_kiosk"), "kiosk", "hall-1");
    assert_int_equal(json_integer_value(json_object_get(kiosk, "total")), 9);
    json_decref(s);

    /* At most HEARTBEAT_MAX_VIEW_ITEMS counts over all the days: two days
     * of 600 and 401 are refused, and add nothing. */
    size_t cap = 64 * 1024, len = 0;
    char *many = malloc(cap);
    len += (size_t)snprintf(many + len, cap - len, "{\"views_by_day\":{\"%s\":{", day[0]);
    for (int i = 0; i <= HEARTBEAT_MAX_VIEW_ITEMS; i++) {
        if (i == 600) len += (size_t)snprintf(many + len, cap - len, "},\"%s\":{", day[3]);
        len += (size_t)snprintf(many + len, cap - len, "%s\"v%d\":1", i == 0 || i == 600 ? "" : ",", i);
    }
    len += (size_t)snprintf(many + len, cap - len, "}}}");
    assert_true(len < cap);
    r = kiosk_post("/v1/heartbeat", many, len);
    expect_error(&r, 400, "bad_request");
    free(many);

    /* The undated views of heartbeat_views_are_checked (gk-1, 2 + 2) are
     * today's: within the last 30 days, the range when none is given. */
    s = countyd_admin_ok(&srv, "GET", "/v1/admin/stats", NULL);
    t = json_object_get(s, "over_time");
    assert_int_equal(json_array_size(json_object_get(t, "periods")), 30);
    char today[16];
    feed_format_day(now, today, sizeof today);
    assert_string_equal(json_string_value(json_object_get(t, "to")), today);
    json_int_t sum = 0;
    for (size_t i = 0; i < 30; i++) sum += at(json_object_get(t, "total"), i);
    assert_int_equal(sum, 4 + 9);
    /* The all-time totals have every view, dated or not. */
    json_t *all = entry_of(json_object_get(s, "by_item"), "item", "gk-1");
    assert_int_equal(json_integer_value(json_object_get(all, "views")), 8);
    json_decref(s);

    /* By month: this month and the one before hold them all. */
    char month[2][8];
    snprintf(month[0], sizeof month[0], "%.7s", day[0]);
    snprintf(month[1], sizeof month[1], "%.7s", today);
    snprintf(path, sizeof path, "/v1/admin/stats?unit=month&from=%s&to=%s", month[0], month[1]);
    s = countyd_admin_ok(&srv, "GET", path, NULL);
    t = json_object_get(s, "over_time");
    assert_string_equal(json_string_value(json_array_get(json_object_get(t, "periods"), 0)), month[0]);
    sum = 0;
    for (size_t i = 0; i < json_array_size(json_object_get(t, "total")); i++) sum += at(json_object_get(t, "total"), i);
    assert_int_equal(sum, 4 + 9);
    json_decref(s);

    static const char *const bad_ranges[] = {
        "/v1/admin/stats?unit=week",
        "/v1/admin/stats?from=2026-11-31",
        "/v1/admin/stats?from=2026-11-20&to=2026-11-19",
        "/v1/admin/stats?from=2025-01-01&to=2026-11-19",
        "/v1/admin/stats?unit=month&from=2026-13",
        "/v1/admin/stats?unit=month&from=2026-11-01",
    };
    for (size_t i = 0; i < sizeof bad_ranges / sizeof bad_ranges[0]; i++) {
        r = countyd_admin(&srv, "GET", bad_ranges[i], NULL);
        expect_error(&r, 400, "bad_request");
    }
}

static void garbage_gets_json_errors_and_the_server_lives(void **state)
{
    (void)state;
    Reply r = kiosk_post("/v1/feedback", "{\"submissions\": [", 17);
    expect_error(&r, 400, "bad_json");
    r = kiosk_post("/v1/feedback", "\xff\xfe\x00garbage", 10);
    expect_error(&r, 400, "bad_json");
    r = kiosk_post("/v1/feedback", "[1,2,3]", 7);
    expect_error(&r, 400, "bad_json");
    r = kiosk_post("/v1/feedback", "{\"submissions\":{}}", 18);
    expect_error(&r, 400, "bad_request");
    size_t huge = 3 * 1024 * 1024;
    char *big = malloc(huge);
    memset(big, '[', huge);
    r = kiosk_post("/v1/feedback", big, huge);
    expect_error(&r, 413, "too_large");
    free(big);
    char nested[20000];
    memset(nested, '[', sizeof nested);
    r = kiosk_post("/v1/heartbeat", nested, sizeof nested);
    expect_error(&r, 400, "bad_json");
    r = countyd_admin(&srv, "PUT", "/v1/admin/categories", NULL);
    expect_error(&r, 400, "bad_json");
    r = countyd_call(&srv, "POST", "/v1/heartbeat", NULL, "{}", 2);
    expect_error(&r, 401, "unauthorized");
    const char *bad_kiosk[] = {"Authorization: Bearer 1234", "X-Kiosk-Id: hall-1", NULL};
    r = countyd_call(&srv, "GET", "/v1/content", bad_kiosk, NULL, 0);
    expect_error(&r, 401, "unauthorized");
    const char *no_id[] = {"Authorization: Bearer 1234", NULL};
    r = countyd_call(&srv, "GET", "/v1/content", no_id, NULL, 0);
    expect_error(&r, 401, "unauthorized");
    r = countyd_call(&srv, "GET", "/v1/nothing/here", NULL, NULL, 0);
    expect_error(&r, 404, "not_found");
    r = countyd_call(&srv, "DELETE", "/v1/content", NULL, NULL, 0);
    expect_error(&r, 405, "method_not_allowed");
    r = countyd_admin(&srv, "PUT", "/v1/admin/items/bad%20id", "{}");
    expect_error(&r, 400, "bad_request");
    r = countyd_admin(&srv, "PUT", "/v1/admin/items/x1",
                      "{\"category\":\"dec\",\"title\":\"t\",\"body\":\"b\",\"published_at\":\"yesterday\",\"period\":"
                      "\"immediate\",\"scope\":\"public\"}");
    expect_error(&r, 400, "bad_request");
    r = countyd_admin(&srv, "PUT", "/v1/admin/items/x1",
                      "{\"category\":\"no-such\",\"title\":\"t\",\"body\":\"b\",\"published_at\":\"2026-01-01T09:00:00+"
                      "08:00\",\"period\":\"immediate\",\"scope\":\"public\"}");
    expect_error(&r, 400, "bad_request");
    /* Removing a category that still holds items is refused. */
    r = countyd_admin(&srv, "PUT", "/v1/admin/categories", "{\"categories\":[{\"id\":\"fin\",\"name\":\"党费\"}]}");
    expect_error(&r, 409, "conflict");
    /* A raw non-HTTP line on the socket. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_true(write(fd, "\x01\x02 NOT HTTP\r\n\r\n", 16) == 16);
    char buf[256];
    assert_true(read(fd, buf, sizeof buf) >= 0);
    close(fd);
    json_decref(countyd_admin_ok(&srv, "GET", "/v1/admin/status", NULL));
}

/* Every write route, as admin and as kiosk, with bodies that are not what
 * it expects: a 4xx JSON error each time, and the server keeps answering. */
static void every_route_survives_hostile_bodies(void **state)
{
    (void)state;
    static const char *const routes[][2] = {
        {"POST", "/v1/feedback"},
        {"POST", "/v1/heartbeat"},
        {"POST", "/v1/admin/kiosks"},
        {"PUT", "/v1/admin/kiosks/hall-1/settings"},
        {"POST", "/v1/admin/kiosks/hall-1/commands"},
        {"PUT", "/v1/admin/categories"},
        {"POST", "/v1/admin/blobs/missing"},
        {"PUT", "/v1/admin/items/h1"},
        {"POST", "/v1/admin/items/cycle-1/review"},
        {"PUT", "/v1/admin/notices/h1"},
        {"PUT", "/v1/admin/answers/h1"},
        {"POST", "/v1/admin/feedback/7a2d3c0f-1111-4b7e-9a51-2c8f0e7d4a11/reply"},
    };
    static const char *const bodies[] = {
        "",
        "\xff\xfe\xfd",
        "{\"a\":",
        "null",
        "{\"categories\":[{\"id\":\"../../etc\",\"name\":1}]}",
        "{\"submissions\":[null,1,\"x\",{}]}",
        "{\"id\":\"\\u0000\",\"text\":[]}",
        "{\"a\":1,\"a\":2}",
        "{\"title\":\"\\ud800\"}",
        "{\"revision\":1e999,\"outbox\":-5,\"uptime\":1.5}",
    };
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", kiosk_token);
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        bool kiosk_route = strncmp(routes[i][1], "/v1/admin", 9) != 0;
        for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
            Reply r;
            if (kiosk_route) {
                const char *headers[] = {auth, "X-Kiosk-Id: hall-1", NULL};
                r = countyd_call(&srv, routes[i][0], routes[i][1], headers, bodies[b], strlen(bodies[b]));
            } else r = countyd_admin(&srv, routes[i][0], routes[i][1], bodies[b]);
            /* A body that happens to be acceptable (e.g. an empty heartbeat) is fine too. */
            if (r.status >= 200 && r.status < 300) {
                reply_free(&r);
                continue;
            }
            if (r.status < 400 || r.status > 499)
                fail_msg("%s %s with body %zu -> %ld %s", routes[i][0], routes[i][1], b, r.status, r.body);
            json_t *doc = reply_json(&r);
            assert_non_null(json_string_value(json_object_get(json_object_get(doc, "error"), "code")));
            json_decref(doc);
            reply_free(&r);
        }
    }
    json_decref(countyd_admin_ok(&srv, "GET", "/v1/admin/status", NULL));
}

/* The list routes (api_admin.c's table): each answers its rows under its
 * key, refuses a query parameter it cannot read with the parameter's own
 * sentence, and asks authz_check() about ?org= where it takes one. */
static void list_routes_answer_and_refuse_bad_queries(void **state)
{
    (void)state;
    static const char *const lists[][2] = {
        {"/v1/admin/orgs", "orgs"},
        {"/v1/admin/admins", "admins"},
        {"/v1/admin/items", "items"},
        {"/v1/admin/catalog", "catalog"},
        {"/v1/admin/kiosks", "kiosks"},
        {"/v1/admin/overdue", "overdue"},
        {"/v1/admin/feedback", "feedback"},
        {"/v1/admin/audit", "audit"},
        {"/console/api/accounts", "accounts"},
        {"/v1/admin/categories", "categories"},
        {"/v1/admin/notices", "notices"},
        {"/v1/admin/stats", "by_item"},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        json_t *doc = countyd_admin_ok(&srv, "GET", lists[i][0], NULL);
        if (!json_is_array(json_object_get(doc, lists[i][1]))) fail_msg("%s has no array %s", lists[i][0], lists[i][1]);
        json_decref(doc);
    }
    static const char *const refused[][2] = {
        {"/v1/admin/kiosks?silent_minutes=-1", "silent_minutes: must be a whole number of minutes"},
        {"/v1/admin/overdue?at=tomorrow", "at: must be a time like 2026-12-05T09:00:00+08:00"},
        {"/v1/admin/feedback?since=2026-13-01", "since: must be a time like 2026-11-01T00:00:00+08:00"},
        {"/v1/admin/audit?limit=0", "limit: must be a whole number from 1 to 10000"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        Reply r = countyd_admin(&srv, "GET", refused[i][0], NULL);
        if (r.status != 400 || !strstr(r.body, refused[i][1]))
            fail_msg("%s -> %ld %s", refused[i][0], r.status, r.body);
        reply_free(&r);
    }
    json_t *doc = countyd_admin_ok(&srv, "GET", "/v1/admin/audit?limit=1", NULL);
    assert_true(json_array_size(json_object_get(doc, "audit")) <= 1);
    json_decref(doc);
    Reply r = countyd_admin(&srv, "GET", "/v1/admin/catalog?org=no-such-org", NULL);
    expect_error(&r, 404, "not_found");
    r = countyd_admin(&srv, "GET", "/v1/admin/overdue?org=no-such-org", NULL);
    expect_error(&r, 404, "not_found");
}

/* A connection from `from` (another loopback address) that sends a
 * request's headers declaring a body, and then nothing. */
static int slow_client(const char *from, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in me = {.sin_family = AF_INET}, to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, from, &me.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    static const char head[] = "POST /v1/feedback HTTP/1.1\r\nHost: county\r\nContent-Type: application/json\r\n"
                               "Content-Length: 100000\r\n\r\n";
    if (write(fd, head, sizeof head - 1) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Whether the server closed the connection (read gives 0 or an error)
 * within `seconds`. */
static bool closed_within(int fd, double seconds)
{
    struct timeval tv = {.tv_sec = (time_t)seconds, .tv_usec = (suseconds_t)((seconds - (time_t)seconds) * 1e6)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) continue;
    return n == 0 || errno != EAGAIN;
}

typedef struct {
    const Countyd *c;
    const char *const *headers;
    char path[128];
    Reply reply;
    double answered_at;
} SmallPoll;

static void *small_long_poll(void *arg)
{
    SmallPoll *p = arg;
    p->reply = countyd_call(p->c, "GET", p->path, p->headers, NULL, 0);
    p->answered_at = test_now_s();
    return NULL;
}

/* A flood of slow clients from one address, as many as the server takes
 * connections: registered kiosks are served all the same (a new request
 * at once, a held long-poll woken by a publish), and a declared body that
 * never comes is dropped after the client timeout. */
static void slow_client_flood_leaves_kiosks_served(void **state)
{
    (void)state;
    Countyd small;
    countyd_start(&small, "countyd-flood");
    countyd_stop(&small);
    static const char *const limits[] = {
        "--max-connections", "40", "--max-per-address", "8", "--client-timeout", "2", NULL};
    countyd_launch_with(&small, limits);
    char token[80], auth[160];
    countyd_add_kiosk(&small, "hall-9", token);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *headers[] = {auth, "X-Kiosk-Id: hall-9", "Content-Type: application/json", NULL};
    json_t *st = countyd_admin_ok(&small, "GET", "/v1/admin/status", NULL);
    SmallPoll poll = {.c = &small, .headers = headers};
    snprintf(poll.path, sizeof poll.path, "/v1/content?since=%lld&wait=60",
             (long long)json_integer_value(json_object_get(st, "revision")));
    json_decref(st);
    pthread_t poller;
    pthread_create(&poller, NULL, small_long_poll, &poll);
    assert_true(countyd_wait_held(&small, 1, 30));
    int flood[60], opened = 0;
    for (int i = 0; i < 60; i++)
        if ((flood[i] = slow_client("127.0.0.2", small.port)) >= 0) opened++;
    assert_true(opened > 40);
    double t0 = test_now_s();
    Reply r = countyd_call(&small, "POST", "/v1/heartbeat", headers, "{}", 2);
    double took = test_now_s() - t0;
    printf("heartbeat during a flood of %d slow connections: %ld in %.2f s\n", opened, r.status, took);
    assert_int_equal(r.status, 200);
    assert_true(took < 1.0);
    reply_free(&r);
    double published = test_now_s();
    json_decref(countyd_admin_ok(&small, "PUT", "/v1/admin/notices/flood", "{\"text\":\"今天下午三点召开党员大会\"}"));
    pthread_join(poller, NULL);
    printf("a held long-poll during the flood: %ld, %.2f s after the publish\n", poll.reply.status,
           poll.answered_at - published);
    assert_int_equal(poll.reply.status, 200);
    assert_true(poll.answered_at - published < 1.0);
    reply_free(&poll.reply);
    /* The first flood connection was taken in; its body never came. */
    t0 = test_now_s();
    assert_true(closed_within(flood[0], 8.0));
    assert_true(test_now_s() - t0 < 6.0);
    for (int i = 0; i < 60; i++)
        if (flood[i] >= 0) close(flood[i]);
    countyd_stop(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(admin_api_needs_an_admin_token),
        cmocka_unit_test(review_cycle_is_enforced),
        cmocka_unit_test(update_and_withdraw_travel_as_deltas),
        cmocka_unit_test(internal_items_never_reach_a_kiosk),
        cmocka_unit_test(since_etag_and_304),
        cmocka_unit_test(feeds_are_gzipped_when_the_kiosk_asks),
        cmocka_unit_test(long_poll_answers_a_publish),
        cmocka_unit_test(long_poll_times_out_with_304),
        cmocka_unit_test(long_polls_time_out_without_a_thread_each),
        cmocka_unit_test(images_no_kiosk_can_show_are_refused),
        cmocka_unit_test(pdfs_are_checked_like_on_kiosks),
        cmocka_unit_test(blobs_are_served_and_immutable),
        cmocka_unit_test(feedback_batches_are_idempotent),
        cmocka_unit_test(feedback_is_keyed_by_kiosk_and_id),
        cmocka_unit_test(ids_with_nul_or_bad_utf8_are_refused),
        cmocka_unit_test(public_reply_becomes_an_answer_without_contact),
        cmocka_unit_test(heartbeat_is_stored_and_answered),
        cmocka_unit_test(heartbeat_views_are_checked),
        cmocka_unit_test(views_are_counted_by_day),
        cmocka_unit_test(garbage_gets_json_errors_and_the_server_lives),
        cmocka_unit_test(every_route_survives_hostile_bodies),
        cmocka_unit_test(list_routes_answer_and_refuse_bad_queries),
        cmocka_unit_test(slow_client_flood_leaves_kiosks_served),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
