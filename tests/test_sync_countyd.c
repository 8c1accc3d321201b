/* test_sync_countyd.c — end to end: the real bin/countyd on 127.0.0.1 on a
 * free port, an admin publishing through its admin API, and the kiosk's
 * real sync (sync_run_once and the thread) into a real SQLite store.
 *
 * Checks the review cycle reaching the kiosk (publish, update, withdraw),
 * that a 党内 item never reaches the kiosk database, that content stays
 * when the server is down and sync recovers when it is back, that a
 * publish reaches a running kiosk within seconds (long-poll), and that
 * feedback is stored exactly once when the connection drops after the
 * server stored a batch (a TCP relay in front of countyd swallows the
 * answer). */
#include <errno.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "blobs.h"
#include "config.h"
#include "countyd_util.h"
#include "kiosk_util.h"
#include "store.h"
#include "sync.h"

#define KIOSK "qinghe-01"

static Countyd county;
static char kiosk_token[128];

/* ---- the admin API --------------------------------------------------------- */

static void admin_json(const char *method, const char *path, const char *json, long want)
{
    json_decref(countyd_admin_expect(&county, method, path, "application/json", json, json ? strlen(json) : 0, want));
}

typedef struct Image {
    unsigned char data[4096];
    size_t len;
    char sha[65];
} Image;

static Image image;

/* A real PNG: countyd checks an image's header before it takes it. */
static void make_image(void)
{
    FILE *f = fopen("tests/data/chart-dues.png", "rb");
    assert_non_null(f);
    image.len = fread(image.data, 1, sizeof image.data, f);
    fclose(f);
    assert_true(image.len > 8 && image.len < sizeof image.data);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(image.data, image.len, md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < n; i++) snprintf(image.sha + 2 * i, 3, "%02x", md[i]);
}

/* Puts an item and takes it through 审核, 审批 and publishing. */
static void publish_item(const char *id, const char *title, const char *scope, bool with_image)
{
    json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "category", "c-org", "title", title, "body",
                           "会议于十一月召开。\n全体党员参加。", "published_at", "2026-01-05T09:00:00+08:00", "period",
                           "immediate", "scope", scope);
    if (with_image)
        json_object_set_new(it, "attachments",
                            json_pack("[{s:s, s:I, s:s, s:s}]", "sha256", image.sha, "size", (json_int_t)image.len,
                                      "type", "image/png", "caption", "会场"));
    char *text = json_dumps(it, JSON_COMPACT);
    char path[200];
    snprintf(path, sizeof path, "/v1/admin/items/%s", id);
    admin_json("PUT", path, text, 200);
    free(text);
    json_decref(it);
    static const char *const steps[] = {"review", "approve", "publish"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/v1/admin/items/%s/%s", id, steps[i]);
        /* "checker" reviews, "tester" approves (never the same person); a
         * changed version goes out with a reason. */
        Reply r = i == 0 ? countyd_reviewer(&county, "POST", path, "{}")
                         : countyd_admin(&county, "POST", path, "{\"note\":\"内容更新\"}");
        if (r.status != 200) fail_msg("%s -> %ld %s", path, r.status, r.body);
        reply_free(&r);
    }
}

static void withdraw_item(const char *id)
{
    char path[200];
    snprintf(path, sizeof path, "/v1/admin/items/%s/withdraw", id);
    admin_json("POST", path, "{\"note\":\"内容有误\"}", 200);
}

/* ---- a relay that can swallow the answer to a feedback upload ------------- */

typedef struct Relay {
    int listen_fd, port;
    atomic_bool drop_feedback_answer, stop;
    atomic_bool hold_blobs; /* answers to GET /v1/blobs/… wait until it is cleared */
    atomic_int blobs_held; /* image downloads being held */
    atomic_int dropped;
    atomic_int active; /* connection threads still running */
    pthread_t thread;
} Relay;

static Relay relay;

static int connect_county(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)county.port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Relays one connection.  Requests on a connection come one after the
 * other, so once the kiosk sent a feedback upload, the next bytes from
 * countyd are its answer — after it stored the batch. */
static void *relay_connection(void *arg)
{
    int client = (int)(intptr_t)arg;
    int up = connect_county();
    bool feedback_sent = false, blob_asked = false, holding = false;
    char buf[65536];
    while (up >= 0 && !atomic_load(&relay.stop)) {
        /* An image asked for while images are held: its answer stays
         * upstream (a download in progress that does not move). */
        bool hold = blob_asked && atomic_load(&relay.hold_blobs);
        if (hold != holding) atomic_fetch_add(&relay.blobs_held, hold ? 1 : -1);
        holding = hold;
        struct pollfd p[2] = {{.fd = client, .events = POLLIN}, {.fd = up, .events = POLLIN}};
        if (poll(p, hold ? 1 : 2, 200) <= 0) continue;
        if (p[0].revents) {
            ssize_t n = recv(client, buf, sizeof buf, 0);
            if (n <= 0) break;
            if (memmem(buf, (size_t)n, "POST /v1/feedback", 17)) feedback_sent = true;
            blob_asked = memmem(buf, (size_t)n, "GET /v1/blobs/", 14) != NULL;
            if (send(up, buf, (size_t)n, MSG_NOSIGNAL) != n) break;
        }
        if (p[1].revents) {
            ssize_t n = recv(up, buf, sizeof buf, 0);
            if (n <= 0) break;
            if (feedback_sent && atomic_load(&relay.drop_feedback_answer)) {
                atomic_fetch_add(&relay.dropped, 1);
                break;
            }
            if (send(client, buf, (size_t)n, MSG_NOSIGNAL) != n) break;
            feedback_sent = false;
        }
    }
    if (holding) atomic_fetch_sub(&relay.blobs_held, 1);
    if (up >= 0) close(up);
    close(client);
    atomic_fetch_sub(&relay.active, 1);
    return NULL;
}

static void *relay_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&relay.stop)) {
        struct pollfd p = {.fd = relay.listen_fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0) continue;
        int c = accept(relay.listen_fd, NULL, NULL);
        if (c < 0) continue;
        pthread_t t;
        atomic_fetch_add(&relay.active, 1);
        pthread_create(&t, NULL, relay_connection, (void *)(intptr_t)c);
        pthread_detach(t);
    }
    return NULL;
}

static void relay_start(void)
{
    relay.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(relay.listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(relay.listen_fd, 16), 0);
    getsockname(relay.listen_fd, (struct sockaddr *)&a, &len);
    relay.port = ntohs(a.sin_port);
    atomic_store(&relay.stop, false);
    pthread_create(&relay.thread, NULL, relay_main, NULL);
}

static void relay_stop(void)
{
    atomic_store(&relay.stop, true);
    pthread_join(relay.thread, NULL);
    close(relay.listen_fd);
    /* The connection threads notice the stop (they look every 200 ms). */
    double end = test_now_s() + 30;
    while (atomic_load(&relay.active) > 0 && test_now_s() < end) usleep(10000);
    assert_int_equal(atomic_load(&relay.active), 0);
}

/* ---- the kiosk ------------------------------------------------------------- */

static void kiosk_config(Config *cfg, int port)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    kiosk_config_at(cfg, url, KIOSK, kiosk_token);
    cfg->connect_timeout_s = 2;
}

static int sync_via(int port)
{
    Config cfg;
    Err err;
    kiosk_config(&cfg, port);
    int rc = sync_run_once(&cfg, &err);
    if (rc) printf("# sync: %s\n", err.msg);
    return rc;
}

static int kiosk_sync(void) { return sync_via(county.port); }

/* Counts rows of the kiosk database by raw SQL: stored at all, visible or not. */
static int count_rows(const char *sql)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/kiosk.db", kiosk_dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static int setup(void **state)
{
    (void)state;
    static int n;
    countyd_stop(&county); /* left running by a setup that failed half-way */
    char name[32];
    snprintf(name, sizeof name, "county-%d", n++);
    countyd_start(&county, name);
    snprintf(kiosk_dir, sizeof kiosk_dir, "%s", county.dir);
    static const char kiosk[] = "{\"id\":\"" KIOSK "\",\"name\":\"青禾镇党群服务中心大厅\"}";
    json_t *k =
        countyd_admin_expect(&county, "POST", "/v1/admin/kiosks", "application/json", kiosk, strlen(kiosk), 201);
    snprintf(kiosk_token, sizeof kiosk_token, "%s", json_string_value(json_object_get(k, "token")));
    json_decref(k);
    assert_true(kiosk_token[0] != '\0');
    admin_json("PUT", "/v1/admin/categories", "{\"categories\":[{\"id\":\"c-org\",\"name\":\"党组织建设\"}]}", 200);
    make_image();
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/blobs/%s", image.sha);
    json_t *b = countyd_admin_expect(&county, "PUT", path, "image/png", image.data, image.len, 201);
    json_decref(b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    countyd_stop(&county);
    return 0;
}

/* ---- the tests ------------------------------------------------------------- */

static void test_publish_update_withdraw(void **state)
{
    (void)state;
    publish_item("gk-001", "关于召开党员大会的通知", "public", true);
    assert_int_equal(kiosk_sync(), 0);
    char title[256];
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "关于召开党员大会的通知");
    Config cfg;
    kiosk_config(&cfg, county.port);
    assert_int_equal(blobs_verify(cfg.cache_dir, image.sha, NULL), 0);

    publish_item("gk-001", "关于召开党员大会的通知（时间调整）", "public", true);
    assert_int_equal(kiosk_sync(), 0);
    assert_true(kiosk_visible("gk-001", title, sizeof title));
    assert_string_equal(title, "关于召开党员大会的通知（时间调整）");

    withdraw_item("gk-001");
    assert_int_equal(kiosk_sync(), 0);
    assert_false(kiosk_visible("gk-001", NULL, 0));
}

static void test_internal_item_never_reaches_kiosk(void **state)
{
    (void)state;
    publish_item("gk-public", "党费收缴情况", "public", false);
    publish_item("gk-secret", "党内评议材料", "internal", false);
    assert_int_equal(kiosk_sync(), 0);
    assert_true(kiosk_visible("gk-public", NULL, 0));
    assert_int_equal(count_rows("SELECT COUNT(*) FROM items WHERE id = 'gk-secret' OR title LIKE '%党内评议%'"), 0);
    /* A public item changed to internal disappears from the kiosk too. */
    publish_item("gk-public", "党费收缴情况", "internal", false);
    assert_int_equal(kiosk_sync(), 0);
    assert_false(kiosk_visible("gk-public", NULL, 0));
    assert_int_equal(count_rows("SELECT COUNT(*) FROM items WHERE id IN ('gk-public', 'gk-secret') AND deleted = 0"),
                     0);
}

static void test_server_down_then_back(void **state)
{
    (void)state;
    publish_item("gk-001", "关于召开党员大会的通知", "public", true);
    assert_int_equal(kiosk_sync(), 0);
    countyd_stop(&county);
    assert_int_equal(kiosk_sync(), -1);
    assert_true(kiosk_visible("gk-001", NULL, 0));
    kiosk_assert_state("sync.state", "offline");
    countyd_launch(&county);
    publish_item("gk-002", "恢复后的第一条公开", "public", false);
    assert_int_equal(kiosk_sync(), 0);
    assert_true(kiosk_visible("gk-001", NULL, 0));
    assert_true(kiosk_visible("gk-002", NULL, 0));
}

__attribute__((format(printf, 1, 2))) static void shell(const char *fmt, ...)
{
    char cmd[3000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

/* The county restores a backup: the same database, gone back.  The kiosk
 * refuses its older revision (it cannot tell it from a stale copy) until
 * countyd --new-identity says it is another database; then it resyncs to
 * it: what was published after the backup is gone from the kiosk too. */
static void test_restored_backup_with_new_identity(void **state)
{
    (void)state;
    publish_item("gk-001", "备份前发布的通知", "public", false);
    assert_int_equal(kiosk_sync(), 0);
    char backup[1200];
    snprintf(backup, sizeof backup, "%s/backup.db", county.dir);
    countyd_stop(&county);
    shell("cp '%s' '%s'", county.db, backup);
    countyd_launch(&county);
    publish_item("gk-002", "备份后发布的通知", "public", false);
    assert_int_equal(kiosk_sync(), 0);
    assert_true(kiosk_visible("gk-002", NULL, 0));

    countyd_stop(&county);
    shell("cp '%s' '%s'", backup, county.db);
    shell("rm -f '%s-wal' '%s-shm'", county.db, county.db);
    countyd_launch(&county);
    assert_int_equal(kiosk_sync(), -1);
    assert_true(kiosk_visible("gk-002", NULL, 0));

    countyd_stop(&county);
    shell("'%s' --db '%s' --new-identity > /dev/null", countyd_bin("countyd"), county.db);
    countyd_launch(&county);
    /* Back at the kiosk's revision number: only the identity tells. */
    publish_item("gk-003", "恢复后发布的通知", "public", false);
    assert_int_equal(kiosk_sync(), 0);
    assert_false(kiosk_visible("gk-002", NULL, 0));
    assert_true(kiosk_visible("gk-001", NULL, 0));
    assert_true(kiosk_visible("gk-003", NULL, 0));
}

static int server_feedback_count(const char *id)
{
    json_t *list = countyd_admin_expect(&county, "GET", "/v1/admin/feedback", "application/json", NULL, 0, 200);
    size_t i;
    json_t *v;
    int n = 0;
    json_array_foreach (json_object_get(list, "feedback"), i, v) {
        const char *fid = json_string_value(json_object_get(v, "id"));
        if (fid && strcmp(fid, id) == 0) n++;
    }
    json_decref(list);
    return n;
}

static void test_feedback_exactly_once_when_answer_lost(void **state)
{
    (void)state;
    static const char *const ids[] = {"5d1e0c1a-0000-4000-8000-000000000001", "5d1e0c1a-0000-4000-8000-000000000002"};
    kiosk_add_feedback(ids[0], "公开栏的字太小，老人看不清");
    kiosk_add_feedback(ids[1], "希望公开村里道路修建的账目");
    relay_start();
    atomic_store(&relay.drop_feedback_answer, true);
    assert_int_equal(sync_via(relay.port), -1);
    assert_true(atomic_load(&relay.dropped) >= 1);
    assert_int_equal(kiosk_outbox_length(), 2); /* no acknowledgement: kept */
    for (int i = 0; i < 2; i++) assert_int_equal(server_feedback_count(ids[i]), 1); /* but the server has them */

    atomic_store(&relay.drop_feedback_answer, false);
    assert_int_equal(sync_via(relay.port), 0);
    relay_stop();
    assert_int_equal(kiosk_outbox_length(), 0);
    for (int i = 0; i < 2; i++) assert_int_equal(server_feedback_count(ids[i]), 1);
}

static json_t *find_kiosk(json_t *list, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(list, "kiosks"), i, v) {
        const char *kid = json_string_value(json_object_get(v, "id"));
        if (kid && strcmp(kid, id) == 0) return v;
    }
    return NULL;
}

/* The heartbeat reaches the admins' kiosk list, and the settings and the
 * resync command an admin sets reach the kiosk. */
static void test_heartbeat_settings_and_commands(void **state)
{
    (void)state;
    publish_item("gk-001", "关于召开党员大会的通知", "public", false);
    kiosk_add_feedback("5d1e0c1a-0000-4000-8000-0000000000b1", "留言");
    assert_int_equal(kiosk_sync(), 0);
    kiosk_add_feedback("5d1e0c1a-0000-4000-8000-0000000000b2", "再留一条"); /* waits until the next round */
    admin_json("PUT", "/v1/admin/kiosks/" KIOSK "/settings",
               "{\"unit_name\":\"中共青禾镇委员会\",\"ticker_speed\":120,\"screen_on\":\"07:30-19:00\"}", 200);
    admin_json("POST", "/v1/admin/kiosks/" KIOSK "/commands", "{\"command\":\"resync\"}", 200);
    assert_int_equal(kiosk_sync(), 0);

    json_t *list = countyd_admin_expect(&county, "GET", "/v1/admin/kiosks", "application/json", NULL, 0, 200);
    json_t *k = find_kiosk(list, KIOSK);
    assert_non_null(k);
    assert_string_equal(json_string_value(json_object_get(k, "app_version")), SYNC_APP_VERSION);
    Store *s = kiosk_store_open();
    assert_int_equal(json_integer_value(json_object_get(k, "revision")), test_revision(s));
    store_close(s);
    /* Sent before this round's upload: the second submission was waiting. */
    assert_int_equal(json_integer_value(json_object_get(k, "outbox")), 1);
    json_decref(list);

    kiosk_assert_state("setting.unit_name", "中共青禾镇委员会");
    kiosk_assert_state("setting.ticker_speed", "120");
    kiosk_assert_state("setting.screen_on", "07:30-19:00");
    assert_true(kiosk_visible("gk-001", NULL, 0)); /* the resync snapshot kept it */
    /* Settings come with every heartbeat; removed on the server, they go. */
    assert_int_equal(kiosk_sync(), 0);
    kiosk_assert_state("setting.unit_name", "中共青禾镇委员会");
    admin_json("PUT", "/v1/admin/kiosks/" KIOSK "/settings", "{\"unit_name\":null}", 200);
    assert_int_equal(kiosk_sync(), 0);
    kiosk_assert_state("setting.unit_name", "");
    kiosk_assert_state("setting.ticker_speed", "120");
}

static int64_t server_views(const char *item)
{
    json_t *list = countyd_admin_expect(&county, "GET", "/v1/admin/items", "application/json", NULL, 0, 200);
    size_t i;
    json_t *v;
    int64_t n = -1;
    json_array_foreach (json_object_get(list, "items"), i, v)
        if (strcmp(json_string_value(json_object_get(v, "id")), item) == 0)
            n = json_integer_value(json_object_get(v, "views"));
    json_decref(list);
    return n;
}

/* Views counted on the kiosk reach the admins' item list once. */
static void test_views_reach_the_admins(void **state)
{
    (void)state;
    publish_item("gk-001", "关于召开党员大会的通知", "public", false);
    assert_int_equal(kiosk_sync(), 0);
    assert_int_equal(server_views("gk-001"), 0);
    Store *s = kiosk_store_open();
    Err err;
    char today[PROTO_DAY_SIZE];
    feed_format_day((int64_t)time(NULL), today, sizeof today);
    for (int i = 0; i < 3; i++) assert_int_equal(store_item_viewed(s, "gk-001", today, 1, &err), 0);
    store_close(s);
    assert_int_equal(kiosk_sync(), 0);
    assert_int_equal(server_views("gk-001"), 3);
    assert_int_equal(kiosk_sync(), 0); /* nothing new: nothing added */
    assert_int_equal(server_views("gk-001"), 3);
    s = kiosk_store_open();
    assert_int_equal(store_item_viewed(s, "gk-001", today, 1, &err), 0);
    store_close(s);
    assert_int_equal(kiosk_sync(), 0);
    assert_int_equal(server_views("gk-001"), 4);
}

/* The views of day `day` in the admins' statistics by day (from `from` to today). */
static int64_t server_views_on(const char *from, const char *day)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/stats?unit=day&from=%s", from);
    json_t *stats = countyd_admin_expect(&county, "GET", path, "application/json", NULL, 0, 200);
    json_t *t = json_object_get(stats, "over_time");
    size_t i;
    json_t *p;
    int64_t n = -1;
    json_array_foreach (json_object_get(t, "periods"), i, p)
        if (strcmp(json_string_value(p), day) == 0)
            n = json_integer_value(json_array_get(json_object_get(t, "total"), i));
    json_decref(stats);
    return n;
}

/* Views made offline count on the day they were made, not the day they
 * reach the server; a kiosk whose clock ran days ahead still reports its
 * views (undated, on the day they arrive) and stays in touch. */
static void test_views_count_on_their_day(void **state)
{
    (void)state;
    publish_item("gk-001", "关于召开党员大会的通知", "public", false);
    assert_int_equal(kiosk_sync(), 0);
    int64_t now = (int64_t)time(NULL);
    char today[PROTO_DAY_SIZE], earlier[PROTO_DAY_SIZE], ahead[PROTO_DAY_SIZE];
    feed_format_day(now, today, sizeof today);
    feed_format_day(now - 3 * 86400, earlier, sizeof earlier);
    feed_format_day(now + 5 * 86400, ahead, sizeof ahead);
    Store *s = kiosk_store_open();
    Err err;
    assert_int_equal(store_item_viewed(s, "gk-001", earlier, 2, &err), 0);
    assert_int_equal(store_item_viewed(s, "gk-001", today, 1, &err), 0);
    store_close(s);
    assert_int_equal(kiosk_sync(), 0);
    assert_int_equal(server_views_on(earlier, earlier), 2);
    assert_int_equal(server_views_on(earlier, today), 1);
    assert_int_equal(count_rows("SELECT count(*) FROM view_counts WHERE count > reported"), 0);
    /* The past day, all reported, is let go; today's row stays. */
    assert_int_equal(count_rows("SELECT count(*) FROM view_counts"), 1);

    s = kiosk_store_open();
    assert_int_equal(store_item_viewed(s, "gk-001", ahead, 4, &err), 0);
    store_close(s);
    assert_int_equal(kiosk_sync(), 0);
    assert_int_equal(server_views_on(earlier, today), 5);
    assert_int_equal(server_views("gk-001"), 7);
    assert_int_equal(count_rows("SELECT count(*) FROM view_counts WHERE count > reported"), 0);
}

/* Waits for a state, polling it, at most `seconds` (a bound for a broken
 * build): tests wait for states, never for time.  How fast is bench's. */
static bool wait_for(bool (*cond)(void), double seconds)
{
    double end = test_now_s() + seconds;
    while (!cond() && test_now_s() < end) usleep(20000);
    return cond();
}

static bool sync_ok(void)
{
    char st[32];
    kiosk_state("sync.state", st, sizeof st);
    return strcmp(st, "ok") == 0;
}

static bool live_visible(void) { return kiosk_visible("gk-live", NULL, 0); }
static bool live_gone(void) { return !kiosk_visible("gk-live", NULL, 0); }

/* A kiosk that is running: what an admin publishes reaches it (long-poll),
 * and what is withdrawn goes too. */
static void test_running_kiosk_gets_publish_within_seconds(void **state)
{
    (void)state;
    Config cfg;
    Err err;
    SyncThread *t;
    kiosk_config(&cfg, county.port);
    assert_int_equal(sync_start(&cfg, NULL, NULL, &t, &err), 0);
    assert_true(wait_for(sync_ok, 60)); /* first round done; the next request is the long-poll */
    publish_item("gk-live", "刚刚发布的公开事项", "public", true);
    assert_true(wait_for(live_visible, 60));
    withdraw_item("gk-live");
    assert_true(wait_for(live_gone, 60));
    sync_stop(t); /* returns: stopping ends the held long-poll */
}

static bool image_download_held(void) { return atomic_load(&relay.blobs_held) > 0; }
static bool plain_visible(void) { return kiosk_visible("gk-plain", NULL, 0); }
static bool pictured_visible(void) { return kiosk_visible("gk-pictured", NULL, 0); }

/* A publication never waits behind image downloads: while the image of a
 * new item is stuck on its way (the relay holds its answer), the next item
 * reaches the kiosk's store and screen; the pictured item appears only
 * when its image is in. */
static void test_publication_does_not_wait_for_images(void **state)
{
    (void)state;
    relay_start();
    atomic_store(&relay.hold_blobs, true);
    Config cfg;
    Err err;
    SyncThread *t;
    kiosk_config(&cfg, relay.port);
    cfg.connect_timeout_s = 30; /* the held download is not given up while the test looks */
    assert_int_equal(sync_start(&cfg, NULL, NULL, &t, &err), 0);
    assert_true(wait_for(sync_ok, 60));
    publish_item("gk-pictured", "带图片的公开事项", "public", true);
    assert_true(wait_for(image_download_held, 60));
    publish_item("gk-plain", "图片下载期间发布的事项", "public", false);
    assert_true(wait_for(plain_visible, 60));
    assert_true(image_download_held()); /* it really came while the image was stuck */
    assert_false(pictured_visible()); /* hidden until its image is here */
    assert_int_equal(count_rows("SELECT COUNT(*) FROM items WHERE id = 'gk-pictured'"), 1);
    atomic_store(&relay.hold_blobs, false);
    assert_true(wait_for(pictured_visible, 60));
    sync_stop(t);
    relay_stop();
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_publish_update_withdraw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_internal_item_never_reaches_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_down_then_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restored_backup_with_new_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feedback_exactly_once_when_answer_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_settings_and_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_running_kiosk_gets_publish_within_seconds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views_reach_the_admins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_views_count_on_their_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publication_does_not_wait_for_images, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    countyd_stop(&county);
    curl_global_cleanup();
    return rc;
}
