/* The county's tree of organisations, end to end: the real bin/countyd on
 * 127.0.0.1, a county (root) with two townships (qinghe, baishi) and a
 * village under qinghe, a kiosk in each township and one at the county.
 * Each kiosk keeps a real kiosk store (kiosk/feed.c imports what countyd
 * sends), so the tests check what a lobby would show: exactly its own
 * organisation's items plus its ancestors' meant for those below, after a
 * full sync and after deltas (audience changes, withdrawals, a kiosk
 * moved to another township).  Admins of one township are refused (403)
 * on the other's items, kiosks and feedback; long-polls wake only the
 * kiosks whose feed changed. */
#include "countyd_util.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "import.h"
#include "store.h"

static Countyd srv;

typedef struct {
    const char *id, *org;
    char token[80];
    char db[1100];
} Kiosk;

static Kiosk kiosks[] = {
    {"k-county", "root", "", ""},
    {"k-qinghe", "qinghe", "", ""},
    {"k-baishi", "baishi", "", ""},
    {"k-dongcun", "dongcun", "", ""},
};
enum { K_COUNTY, K_QINGHE, K_BAISHI, K_DONGCUN, N_KIOSKS };

static char zhang_token[80]; /* admin of qinghe (all roles but supervise) */

/* ---- helpers ------------------------------------------------------------- */

static Reply as_admin(const char *token, const char *method, const char *path, const char *json)
{
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *headers[] = {auth, "Content-Type: application/json", NULL};
    return countyd_call(&srv, method, path, headers, json, json ? strlen(json) : 0);
}

static json_t *root_ok(const char *method, const char *path, const char *json)
{
    return countyd_admin_ok(&srv, method, path, json);
}

static void expect_status(Reply r, long status, const char *what)
{
    if (r.status != status) fail_msg("%s: HTTP %ld, wanted %ld: %s", what, r.status, status, r.body);
    reply_free(&r);
}

static void add_org(const char *id, const char *parent, const char *name, const char *short_name)
{
    char body[512];
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"parent\":\"%s\",\"name\":\"%s\",\"short_name\":\"%s\"}", id, parent,
             name, short_name);
    json_decref(root_ok("POST", "/v1/admin/orgs", body));
}

static void add_kiosk(Kiosk *k)
{
    char body[256];
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"name\":\"大厅\",\"org\":\"%s\"}", k->id, k->org);
    json_t *ans = root_ok("POST", "/v1/admin/kiosks", body);
    snprintf(k->token, sizeof k->token, "%s", json_string_value(json_object_get(ans, "token")));
    json_decref(ans);
    snprintf(k->db, sizeof k->db, "%s/%s.db", srv.dir, k->id);
}

/* An item owned by `org` for `audience`, taken through the review cycle:
 * `token`'s admin drafts, approves and publishes, `reviewer`'s reviews. */
static void publish_by(const char *token, const char *reviewer, const char *id, const char *org, const char *audience)
{
    char path[128], body[1024];
    snprintf(path, sizeof path, "/v1/admin/items/%s", id);
    snprintf(body, sizeof body,
             "{\"category\":\"dec\",\"title\":\"%s "
             "的公开事项\",\"body\":\"正文。\",\"published_at\":\"2026-01-01T09:00:00+08:00\","
             "\"period\":\"immediate\",\"scope\":\"public\",\"org\":\"%s\",\"audience\":\"%s\"}",
             id, org, audience);
    expect_status(as_admin(token, "PUT", path, body), 200, "put item");
    static const char *const steps[] = {"review", "approve", "publish"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/v1/admin/items/%s/%s", id, steps[i]);
        expect_status(as_admin(i == 0 ? reviewer : token, "POST", path, "{\"note\":\"按规定公开\"}"), 200, steps[i]);
    }
}

static void publish_item(const char *id, const char *org, const char *audience)
{
    publish_by(srv.admin_token, srv.reviewer_token, id, org, audience);
}

static void withdraw(const char *id)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/items/%s/withdraw", id);
    json_decref(root_ok("POST", path, "{\"note\":\"撤回\"}"));
}

static Reply kiosk_get(const Kiosk *k, const char *path)
{
    char auth[160], kid[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", k->token);
    snprintf(kid, sizeof kid, "X-Kiosk-Id: %s", k->id);
    const char *headers[] = {auth, kid, NULL};
    return countyd_call(&srv, "GET", path, headers, NULL, 0);
}

static Reply kiosk_post(const Kiosk *k, const char *path, const char *json)
{
    char auth[160], kid[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", k->token);
    snprintf(kid, sizeof kid, "X-Kiosk-Id: %s", k->id);
    const char *headers[] = {auth, kid, "Content-Type: application/json", NULL};
    return countyd_call(&srv, "POST", path, headers, json, strlen(json));
}

/* One sync of the kiosk's store, as the kiosk's pull does it: asks from its
 * revision and imports the answer.  Returns whether the answer was a delta. */
static bool sync_kiosk(Kiosk *k)
{
    Store *s;
    Err err;
    if (store_open(k->db, &s, &err)) fail_msg("%s", err.msg);
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld", (long long)test_revision(s));
    Reply r = kiosk_get(k, path);
    bool delta = false;
    if (r.status == 200) {
        FeedResult res;
        if (feed_import_buffer(s, r.body, r.len, &res, &err)) fail_msg("%s: import: %s", k->id, err.msg);
        delta = !res.snapshot;
    } else if (r.status != 304) fail_msg("%s: content -> %ld %s", k->id, r.status, r.body);
    reply_free(&r);
    store_close(s);
    return delta;
}

/* The ids in the kiosk store's table (not deleted), comma-separated. */
static void store_ids(const Kiosk *k, const char *table, char *out, size_t size)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(k->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(group_concat(id, ','), '') FROM (SELECT id FROM %s WHERE deleted = 0 ORDER BY id)",
             table);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void expect_items(const Kiosk *k, const char *want)
{
    char got[2048];
    store_ids(k, "items", got, sizeof got);
    if (strcmp(got, want) != 0) fail_msg("%s holds items [%s], wanted [%s]", k->id, got, want);
}

static void sync_all(void)
{
    for (int i = 0; i < N_KIOSKS; i++) sync_kiosk(&kiosks[i]);
}

/* ---- set-up: the county ------------------------------------------------------ */

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    countyd_start(&srv, "orgs");
    json_decref(root_ok("PUT", "/v1/admin/orgs/root", "{\"name\":\"中共某某县委员会\",\"short_name\":\"县委\"}"));
    add_org("qinghe", "root", "中共青禾镇委员会", "青禾镇");
    add_org("baishi", "root", "中共白石乡委员会", "白石乡");
    add_org("dongcun", "qinghe", "中共青禾镇东村支部委员会", "东村");
    for (int i = 0; i < N_KIOSKS; i++) add_kiosk(&kiosks[i]);
    json_t *ans = root_ok("POST", "/v1/admin/admins",
                          "{\"name\":\"zhang\",\"org\":\"qinghe\",\"roles\":\"draft,review,approve,manage\"}");
    snprintf(zhang_token, sizeof zhang_token, "%s", json_string_value(json_object_get(ans, "token")));
    json_decref(ans);
    json_decref(
        root_ok("PUT", "/v1/admin/categories", "{\"categories\":[{\"id\":\"dec\",\"name\":\"党组织决议、决定\"}]}"));
    publish_item("county-all", "root", "subtree");
    publish_item("county-own", "root", "own");
    publish_item("qh-all", "qinghe", "subtree");
    publish_item("qh-own", "qinghe", "own");
    publish_item("bs-all", "baishi", "subtree");
    publish_item("dc-own", "dongcun", "own");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(countyd_stop(&srv), 0);
    curl_global_cleanup();
    return 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void each_kiosk_holds_its_own_and_inherited_items(void **state)
{
    (void)state;
    sync_all();
    expect_items(&kiosks[K_COUNTY], "county-all,county-own");
    expect_items(&kiosks[K_QINGHE], "county-all,qh-all,qh-own");
    expect_items(&kiosks[K_BAISHI], "bs-all,county-all");
    expect_items(&kiosks[K_DONGCUN], "county-all,dc-own,qh-all");
    /* Every kiosk has the county's catalog. */
    char cats[256];
    for (int i = 0; i < N_KIOSKS; i++) {
        store_ids(&kiosks[i], "categories", cats, sizeof cats);
        assert_string_equal(cats, "dec");
    }
}

static void heartbeat_carries_the_organisation_name(void **state)
{
    (void)state;
    Reply r = kiosk_post(&kiosks[K_QINGHE], "/v1/heartbeat", "{\"app_version\":\"t\"}");
    assert_int_equal(r.status, 200);
    json_t *ans = reply_json(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(ans, "settings"), "unit_name")),
                        "中共青禾镇委员会");
    assert_string_equal(json_string_value(json_object_get(json_object_get(ans, "organisation"), "short_name")),
                        "青禾镇");
    json_decref(ans);
    reply_free(&r);
    /* A kiosk's own unit_name setting still wins over its organisation's name. */
    json_decref(root_ok("PUT", "/v1/admin/kiosks/k-baishi/settings", "{\"unit_name\":\"白石乡党群服务中心\"}"));
    r = kiosk_post(&kiosks[K_BAISHI], "/v1/heartbeat", "{}");
    ans = reply_json(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(ans, "settings"), "unit_name")),
                        "白石乡党群服务中心");
    json_decref(ans);
    reply_free(&r);
    json_decref(root_ok("PUT", "/v1/admin/kiosks/k-baishi/settings", "{\"unit_name\":null}"));
}

static void deltas_follow_audience_changes_and_withdrawals(void **state)
{
    (void)state;
    sync_all();
    /* qh-all becomes qinghe's own: the village loses it, qinghe keeps it. */
    publish_item("qh-all", "qinghe", "own");
    publish_item("bs-new", "baishi", "own");
    withdraw("county-own");
    for (int i = 0; i < N_KIOSKS; i++) {
        char path[128];
        Store *s;
        Err err;
        assert_int_equal(store_open(kiosks[i].db, &s, &err), 0);
        snprintf(path, sizeof path, "/v1/content?since=%lld", (long long)test_revision(s));
        store_close(s);
        Reply r = kiosk_get(&kiosks[i], path);
        assert_int_equal(r.status, 200);
        json_t *doc = reply_json(&r);
        assert_string_equal(json_string_value(json_object_get(doc, "kind")), "delta");
        /* A township's delta never names the other township's items. */
        char *text = json_dumps(doc, JSON_COMPACT);
        if (i == K_QINGHE || i == K_DONGCUN) assert_null(strstr(text, "bs-"));
        if (i == K_BAISHI) assert_null(strstr(text, "qh-"));
        free(text);
        json_decref(doc);
        reply_free(&r);
        assert_true(sync_kiosk(&kiosks[i]));
    }
    expect_items(&kiosks[K_COUNTY], "county-all");
    expect_items(&kiosks[K_QINGHE], "county-all,qh-all,qh-own");
    expect_items(&kiosks[K_BAISHI], "bs-all,bs-new,county-all");
    expect_items(&kiosks[K_DONGCUN], "county-all,dc-own");
}

static void a_moved_kiosk_gets_the_new_organisations_items_by_delta(void **state)
{
    (void)state;
    sync_all();
    json_decref(root_ok("POST", "/v1/admin/kiosks/k-baishi/move", "{\"org\":\"qinghe\"}"));
    kiosks[K_BAISHI].org = "qinghe";
    assert_true(sync_kiosk(&kiosks[K_BAISHI]));
    expect_items(&kiosks[K_BAISHI], "county-all,qh-all,qh-own");
    /* Nothing else changed for the others. */
    for (int i = 0; i < N_KIOSKS; i++) {
        if (i == K_BAISHI) continue;
        Reply r;
        char path[128];
        Store *s;
        Err err;
        assert_int_equal(store_open(kiosks[i].db, &s, &err), 0);
        snprintf(path, sizeof path, "/v1/content?since=%lld", (long long)test_revision(s));
        store_close(s);
        r = kiosk_get(&kiosks[i], path);
        assert_int_equal(r.status, 304);
        reply_free(&r);
    }
    /* And back: it loses qinghe's items again, by delta. */
    json_decref(root_ok("POST", "/v1/admin/kiosks/k-baishi/move", "{\"org\":\"baishi\"}"));
    kiosks[K_BAISHI].org = "baishi";
    assert_true(sync_kiosk(&kiosks[K_BAISHI]));
    expect_items(&kiosks[K_BAISHI], "bs-all,bs-new,county-all");
}

typedef struct {
    Kiosk *k;
    long long since;
    long status;
    double seconds;
} Poll;

static void *long_poll(void *arg)
{
    Poll *p = arg;
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld&wait=5", p->since);
    double t0 = test_now_s();
    Reply r = kiosk_get(p->k, path);
    p->seconds = test_now_s() - t0;
    p->status = r.status;
    reply_free(&r);
    return NULL;
}

static long long feed_revision(Kiosk *k)
{
    Reply r = kiosk_get(k, "/v1/content?since=0");
    assert_int_equal(r.status, 200);
    long long rev = strtoll(r.etag + 1, NULL, 10);
    reply_free(&r);
    return rev;
}

static void long_polls_wake_only_kiosks_whose_feed_changed(void **state)
{
    (void)state;
    Poll qinghe = {&kiosks[K_QINGHE], feed_revision(&kiosks[K_QINGHE]), 0, 0};
    Poll baishi = {&kiosks[K_BAISHI], feed_revision(&kiosks[K_BAISHI]), 0, 0};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, long_poll, &qinghe);
    pthread_create(&t2, NULL, long_poll, &baishi);
    /* Both are held (countyd counts them); then qinghe publishes. */
    assert_true(countyd_wait_held(&srv, 2, 30));
    publish_item("qh-later", "qinghe", "own");
    /* qinghe's is answered, baishi's still held. */
    assert_true(countyd_wait_held(&srv, 1, 30));
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_int_equal(qinghe.status, 200);
    assert_true(qinghe.seconds < 4.5);
    /* baishi's feed did not change: it was held to the end and told 304. */
    assert_int_equal(baishi.status, 304);
    assert_true(baishi.seconds >= 4.9);
}

static void an_admin_acts_only_within_its_organisation(void **state)
{
    (void)state;
    /* Inside its subtree: allowed (qinghe and the village below it). */
    publish_by(zhang_token, srv.reviewer_token, "zhang-1", "qinghe", "subtree");
    publish_by(zhang_token, srv.reviewer_token, "zhang-dc", "dongcun", "own");
    /* The other township's things: 403, never 404. */
    expect_status(as_admin(zhang_token, "GET", "/v1/admin/items/bs-all", NULL), 403, "read other's item");
    expect_status(
        as_admin(zhang_token, "PUT", "/v1/admin/items/bs-all",
                 "{\"category\":\"dec\",\"title\":\"x\",\"body\":\"x\",\"published_at\":\"2026-01-01T09:00:00+08:00\","
                 "\"period\":\"immediate\",\"scope\":\"public\"}"),
        403, "edit other's item");
    expect_status(as_admin(zhang_token, "POST", "/v1/admin/items/bs-all/withdraw", "{}"), 403, "withdraw other's item");
    expect_status(
        as_admin(zhang_token, "PUT", "/v1/admin/items/new-in-baishi",
                 "{\"category\":\"dec\",\"title\":\"x\",\"body\":\"x\",\"published_at\":\"2026-01-01T09:00:00+08:00\","
                 "\"period\":\"immediate\",\"scope\":\"public\",\"org\":\"baishi\"}"),
        403, "draft for another organisation");
    expect_status(as_admin(zhang_token, "PUT", "/v1/admin/kiosks/k-baishi/settings", "{\"ticker_speed\":100}"), 403,
                  "other's kiosk");
    expect_status(as_admin(zhang_token, "POST", "/v1/admin/kiosks/k-baishi/move", "{\"org\":\"qinghe\"}"), 403,
                  "take other's kiosk");
    expect_status(as_admin(zhang_token, "POST", "/v1/admin/kiosks/k-qinghe/move", "{\"org\":\"baishi\"}"), 403,
                  "give a kiosk away");
    expect_status(
        as_admin(zhang_token, "POST", "/v1/admin/orgs", "{\"id\":\"x\",\"parent\":\"baishi\",\"name\":\"x\"}"), 403,
        "org under other");
    expect_status(as_admin(zhang_token, "PUT", "/v1/admin/categories", "{\"categories\":[]}"), 403,
                  "the county catalog");
    expect_status(as_admin(zhang_token, "PUT", "/v1/admin/notices/county-n", "{\"text\":\"x\",\"org\":\"root\"}"), 403,
                  "county notice");
    /* A thing that does not exist at all is still 404. */
    expect_status(as_admin(zhang_token, "GET", "/v1/admin/items/no-such-item", NULL), 404, "unknown item");
    /* Feedback from baishi's kiosk is not qinghe's to answer, nor to read. */
    Reply r = kiosk_post(&kiosks[K_BAISHI], "/v1/feedback",
                         "{\"submissions\":[{\"id\":\"fb-baishi-0001\",\"kind\":\"comment\",\"comment\":\"路灯坏了\","
                         "\"created_at\":\"2026-11-01T09:00:00+08:00\"}]}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    expect_status(as_admin(zhang_token, "POST", "/v1/admin/feedback/fb-baishi-0001/reply", "{\"text\":\"好\"}"), 403,
                  "reply to other's feedback");
    r = as_admin(zhang_token, "GET", "/v1/admin/feedback", NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "fb-baishi-0001"));
    reply_free(&r);
    /* Lists show only its subtree. */
    r = as_admin(zhang_token, "GET", "/v1/admin/items", NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "\"bs-all\""));
    assert_null(strstr(r.body, "\"county-all\""));
    assert_non_null(strstr(r.body, "\"zhang-dc\""));
    reply_free(&r);
    r = as_admin(zhang_token, "GET", "/v1/admin/kiosks", NULL);
    assert_null(strstr(r.body, "k-baishi"));
    assert_non_null(strstr(r.body, "k-dongcun"));
    reply_free(&r);
    r = as_admin(zhang_token, "GET", "/v1/admin/audit?limit=1000", NULL);
    assert_null(strstr(r.body, "bs-all"));
    assert_non_null(strstr(r.body, "zhang-1"));
    reply_free(&r);
}

static void a_supervisor_reads_and_changes_nothing(void **state)
{
    (void)state;
    json_t *ans = root_ok("POST", "/v1/admin/admins", "{\"name\":\"jiwei\",\"org\":\"root\",\"roles\":\"supervise\"}");
    char token[80];
    snprintf(token, sizeof token, "%s", json_string_value(json_object_get(ans, "token")));
    json_decref(ans);
    expect_status(as_admin(token, "GET", "/v1/admin/items/bs-all", NULL), 200, "supervisor reads");
    expect_status(as_admin(token, "GET", "/v1/admin/feedback", NULL), 200, "supervisor reads feedback");
    expect_status(as_admin(token, "POST", "/v1/admin/items/bs-all/withdraw", "{}"), 403, "supervisor withdraws");
    expect_status(as_admin(token, "PUT", "/v1/admin/notices/n1", "{\"text\":\"x\"}"), 403, "supervisor writes");
    expect_status(as_admin(token, "POST", "/v1/admin/orgs", "{\"id\":\"y\",\"parent\":\"root\",\"name\":\"y\"}"), 403,
                  "supervisor manages");
    /* Supervise is read-only: it cannot be combined with a role that writes. */
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/admins",
                           "{\"name\":\"mixed\",\"org\":\"root\",\"roles\":\"supervise,approve\"}"),
                  400, "supervise plus approve");
}

static void changes_and_withdrawals_carry_a_reason_kiosks_get(void **state)
{
    (void)state;
    sync_all();
    Store *st;
    Err err;
    assert_int_equal(store_open(kiosks[K_QINGHE].db, &st, &err), 0);
    long long since = test_revision(st);
    store_close(st);
    /* A changed version of a published item: review by one, approval by
     * another, and publishing it needs a reason. */
    expect_status(
        as_admin(srv.admin_token, "PUT", "/v1/admin/items/qh-own",
                 "{\"category\":\"dec\",\"title\":\"qh-own 更正后\",\"body\":\"更正后的正文。\","
                 "\"published_at\":\"2026-01-01T09:00:00+08:00\",\"period\":\"immediate\",\"scope\":\"public\","
                 "\"audience\":\"own\"}"),
        200, "edit");
    expect_status(as_admin(srv.reviewer_token, "POST", "/v1/admin/items/qh-own/review", "{}"), 200, "review");
    expect_status(as_admin(srv.reviewer_token, "POST", "/v1/admin/items/qh-own/approve", "{}"), 403,
                  "reviewer approves");
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/items/qh-own/approve", "{}"), 200, "approve");
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/items/qh-own/publish", "{}"), 400,
                  "change without reason");
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/items/qh-own/publish", "{\"note\":\"原文日期有误\"}"),
                  200, "change with reason");
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/items/qh-all/withdraw", "{}"), 400,
                  "withdraw without reason");
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/items/qh-all/withdraw", "{\"note\":\"事项已办结\"}"),
                  200, "withdraw");
    char path[128];
    snprintf(path, sizeof path, "/v1/content?since=%lld", since);
    Reply r = kiosk_get(&kiosks[K_QINGHE], path);
    assert_int_equal(r.status, 200);
    json_t *doc = reply_json(&r);
    reply_free(&r);
    json_t *up = json_array_get(json_object_get(json_object_get(doc, "items"), "upsert"), 0);
    assert_string_equal(json_string_value(json_object_get(up, "id")), "qh-own");
    assert_string_equal(json_string_value(json_object_get(up, "change_reason")), "原文日期有误");
    assert_null(json_object_get(up, "audience"));
    json_t *w = json_array_get(json_object_get(doc, "withdrawals"), 0);
    assert_string_equal(json_string_value(json_object_get(w, "id")), "qh-all");
    assert_string_equal(json_string_value(json_object_get(w, "reason")), "事项已办结");
    json_decref(doc);
    sync_all();
    expect_items(&kiosks[K_QINGHE], "county-all,qh-later,qh-own,zhang-1");
    expect_items(&kiosks[K_BAISHI], "bs-all,bs-new,county-all");
}

static void put_item_as(const char *token, const char *id, const char *fields, long want, json_t **answer)
{
    char path[128], body[1024];
    snprintf(path, sizeof path, "/v1/admin/items/%s", id);
    snprintf(body, sizeof body, "{\"title\":\"%s\",\"body\":\"正文。\",\"period\":\"periodic\",%s}", id, fields);
    Reply r = as_admin(token, "PUT", path, body);
    if (r.status != want) fail_msg("put %s: HTTP %ld, wanted %ld: %s", id, r.status, want, r.body);
    if (answer) *answer = reply_json(&r);
    reply_free(&r);
}

static bool feed_has_category(Kiosk *k, const char *id)
{
    Reply r = kiosk_get(k, "/v1/content?since=0");
    json_t *doc = reply_json(&r);
    reply_free(&r);
    bool found = false;
    size_t i;
    json_t *c;
    json_array_foreach (json_object_get(json_object_get(doc, "categories"), "upsert"), i, c) {
        assert_null(json_object_get(c, "rules"));
        if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0) found = true;
    }
    json_decref(doc);
    return found;
}

static void the_catalog_sets_rules_and_organisations_add_entries(void **state)
{
    (void)state;
    json_decref(
        root_ok("PUT", "/v1/admin/categories",
                "{\"categories\":[{\"id\":\"dec\",\"name\":\"党组织决议、决定\"},"
                "{\"id\":\"fin\",\"name\":\"党费收缴\",\"rules\":{\"scope\":\"public\",\"timing\":\"periodic\","
                "\"cadence\":\"monthly\",\"days\":[1,10],\"channels\":\"公开栏 触控屏\"}},"
                "{\"id\":\"nb\",\"name\":\"党内通报\",\"rules\":{\"scope\":\"internal\",\"timing\":\"anytime\"}}]}"));
    /* A bad rule is refused with the reason. */
    expect_status(as_admin(srv.admin_token, "PUT", "/v1/admin/categories",
                           "{\"categories\":[{\"id\":\"dec\",\"name\":\"x\",\"rules\":{\"timing\":\"sometimes\"}}]}"),
                  400, "bad rule");
    /* A township adds an entry under the county's; its kiosks (and the
     * village's) get it, the other township's do not; rules never reach kiosks. */
    expect_status(
        as_admin(zhang_token, "PUT", "/v1/admin/categories/qh-fin", "{\"parent\":\"fin\",\"name\":\"青禾镇党费专项\"}"),
        200, "township entry");
    expect_status(as_admin(zhang_token, "PUT", "/v1/admin/categories/qh-top", "{\"name\":\"另立一级目录\"}"), 400,
                  "township first-level entry");
    expect_status(as_admin(zhang_token, "PUT", "/v1/admin/categories/fin", "{\"parent\":\"dec\",\"name\":\"x\"}"), 409,
                  "township edits the county's entry");
    assert_true(feed_has_category(&kiosks[K_QINGHE], "qh-fin"));
    assert_true(feed_has_category(&kiosks[K_DONGCUN], "qh-fin"));
    assert_false(feed_has_category(&kiosks[K_BAISHI], "qh-fin"));
    assert_true(feed_has_category(&kiosks[K_BAISHI], "fin"));
    /* baishi cannot file under qinghe's entry. */
    put_item_as(srv.admin_token, "bs-fin",
                "\"category\":\"qh-fin\",\"scope\":\"public\",\"org\":\"baishi\",\"published_at\":\"2026-12-02T09:00:"
                "00+08:00\"",
                400, NULL);
    /* 社会 under a 党内-only entry: refused; 党内 there is fine. */
    put_item_as(srv.admin_token, "nb-1",
                "\"category\":\"nb\",\"scope\":\"public\",\"published_at\":\"2026-12-02T09:00:00+08:00\"", 400, NULL);
    put_item_as(srv.admin_token, "nb-1",
                "\"category\":\"nb\",\"scope\":\"internal\",\"published_at\":\"2026-12-02T09:00:00+08:00\"", 200, NULL);
    /* A 定期 item shown for 5 days gets a warning (the rule is 15). */
    json_t *ans;
    put_item_as(zhang_token, "qh-fin-12",
                "\"category\":\"qh-fin\",\"scope\":\"public\",\"published_at\":\"2026-12-02T09:00:00+08:00\","
                "\"expires_at\":\"2026-12-07T09:00:00+08:00\"",
                200, &ans);
    assert_int_equal(json_array_size(json_object_get(ans, "warnings")), 1);
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(ans, "warnings"), 0)), "15"));
    json_decref(ans);
    put_item_as(zhang_token, "qh-fin-12",
                "\"category\":\"qh-fin\",\"scope\":\"public\",\"published_at\":\"2026-12-02T09:00:00+08:00\","
                "\"expires_at\":\"2026-12-31T09:00:00+08:00\"",
                200, &ans);
    assert_int_equal(json_array_size(json_object_get(ans, "warnings")), 0);
    json_decref(ans);
    /* The overdue list of December: every organisation owes its 党费 disclosure
     * until it publishes one; qinghe's (under its own entry) counts. */
    Reply r = as_admin(srv.admin_token, "GET", "/v1/admin/overdue?at=2026-12-05T09:00:00%2B08:00", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"org\":\"qinghe\""));
    reply_free(&r);
    expect_status(as_admin(srv.reviewer_token, "POST", "/v1/admin/items/qh-fin-12/review", "{}"), 200, "review");
    /* qh-fin is qinghe's own entry: a matter outside the catalog the county
     * set, so the county approves it, not the township (seed 004). */
    r = as_admin(zhang_token, "POST", "/v1/admin/items/qh-fin-12/approve", "{}");
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "目录外事项"));
    reply_free(&r);
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/items/qh-fin-12/approve", "{}"), 200,
                  "approve by the catalog's maker");
    expect_status(as_admin(zhang_token, "POST", "/v1/admin/items/qh-fin-12/publish", "{}"), 200, "publish");
    r = as_admin(srv.admin_token, "GET", "/v1/admin/overdue?at=2026-12-05T09:00:00%2B08:00", NULL);
    json_t *doc = reply_json(&r);
    reply_free(&r);
    size_t i;
    json_t *o;
    int baishi = 0;
    json_array_foreach (json_object_get(doc, "overdue"), i, o) {
        assert_string_not_equal(json_string_value(json_object_get(o, "org")), "qinghe");
        if (strcmp(json_string_value(json_object_get(o, "org")), "baishi") == 0) {
            baishi++;
            assert_string_equal(json_string_value(json_object_get(o, "period")), "2026-12");
            assert_false(json_is_true(json_object_get(o, "late")));
        }
    }
    assert_int_equal(baishi, 1);
    json_decref(doc);
    /* After the 10th it is late; zhang sees only its own subtree. */
    r = as_admin(zhang_token, "GET", "/v1/admin/overdue?at=2026-12-15T09:00:00%2B08:00", NULL);
    assert_null(strstr(r.body, "baishi"));
    assert_non_null(strstr(r.body, "\"late\":true"));
    reply_free(&r);
    expect_status(as_admin(zhang_token, "GET", "/v1/admin/overdue?org=baishi", NULL), 403, "other's overdue list");
}

/* Drafts an item of `org` whose body is `body`, reviewed by the reviewer. */
static void reviewed_item(const char *id, const char *org, const char *body)
{
    char path[128], json[1024];
    snprintf(path, sizeof path, "/v1/admin/items/%s", id);
    snprintf(json, sizeof json,
             "{\"category\":\"dec\",\"title\":\"%s\",\"body\":\"%s\",\"published_at\":\"2026-12-01T09:00:00+08:00\","
             "\"period\":\"immediate\",\"scope\":\"public\",\"org\":\"%s\"}",
             id, body, org);
    expect_status(as_admin(srv.admin_token, "PUT", path, json), 200, "put");
    snprintf(path, sizeof path, "/v1/admin/items/%s/review", id);
    expect_status(as_admin(srv.reviewer_token, "POST", path, "{}"), 200, "review");
}

static long approve(const char *id, const char *privacy_reason, char *message, size_t size)
{
    char path[128], json[256];
    snprintf(path, sizeof path, "/v1/admin/items/%s/approve", id);
    snprintf(json, sizeof json, privacy_reason ? "{\"privacy_reason\":\"%s\"}" : "{}", privacy_reason);
    Reply r = as_admin(srv.admin_token, "POST", path, json);
    long status = r.status;
    if (message) snprintf(message, size, "%s", r.body);
    reply_free(&r);
    return status;
}

static void the_privacy_review_blocks_approval_until_edited_or_explained(void **state)
{
    (void)state;
    char msg[2048];
    /* An ID number with a valid check digit; the same with a wrong one is not one. */
    reviewed_item("pv-id", "qinghe", "经公示无异议，身份证号11010519491231002X。");
    assert_int_equal(approve("pv-id", NULL, msg, sizeof msg), 409);
    assert_non_null(strstr(msg, "privacy_review"));
    assert_non_null(strstr(msg, "身份证号"));
    assert_null(strstr(msg, "11010519491231002X"));
    reviewed_item("pv-id", "qinghe", "经公示无异议，编号110105194912310021。");
    assert_int_equal(approve("pv-id", NULL, msg, sizeof msg), 200);
    /* Mobile numbers (also with spaces), bank cards by Luhn. */
    reviewed_item("pv-mobile", "qinghe", "联系人电话 138 1234 5678。");
    assert_int_equal(approve("pv-mobile", NULL, msg, sizeof msg), 409);
    assert_non_null(strstr(msg, "手机号"));
    reviewed_item("pv-card", "qinghe", "补助发放至卡号6222021001123456789。");
    assert_int_equal(approve("pv-card", NULL, msg, sizeof msg), 409);
    assert_non_null(strstr(msg, "银行卡号"));
    reviewed_item("pv-card", "qinghe", "补助发放至卡号6222021001123456788（不过 Luhn 校验）。");
    assert_int_equal(approve("pv-card", NULL, msg, sizeof msg), 200);
    /* A visitor's name left in qinghe's feedback is found in qinghe's items,
     * not in baishi's (it is not theirs to know). */
    Reply r =
        kiosk_post(&kiosks[K_QINGHE], "/v1/feedback",
                   "{\"submissions\":[{\"id\":\"fb-qinghe-0001\",\"kind\":\"request\",\"comment\":\"申请公开低保名单\","
                   "\"name\":\"张桂英\",\"phone\":\"0571-8888123\",\"created_at\":\"2026-11-01T09:00:00+08:00\"}]}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    reviewed_item("pv-name", "qinghe", "张桂英同志反映的问题已办结。");
    assert_int_equal(approve("pv-name", NULL, msg, sizeof msg), 409);
    assert_non_null(strstr(msg, "来访群众的姓名"));
    reviewed_item("pv-name-bs", "baishi", "张桂英同志反映的问题已办结。");
    assert_int_equal(approve("pv-name-bs", NULL, msg, sizeof msg), 200);
    /* A recorded reason lets it through, and the audit trail keeps it. */
    reviewed_item("pv-gongshi", "qinghe", "任前公示：张桂英，身份证号11010519491231002X。");
    assert_int_equal(approve("pv-gongshi", "任前公示须公布拟任人选", msg, sizeof msg), 200);
    r = as_admin(srv.admin_token, "GET", "/v1/admin/items/pv-gongshi", NULL);
    assert_non_null(strstr(r.body, "privacy-keep"));
    assert_non_null(strstr(r.body, "任前公示须公布拟任人选"));
    reply_free(&r);
    /* Notices go live at once, so they are reviewed when stored. */
    expect_status(as_admin(srv.admin_token, "PUT", "/v1/admin/notices/pv-n",
                           "{\"text\":\"有事请打13812345678\",\"org\":\"qinghe\"}"),
                  409, "notice with a mobile");
    expect_status(
        as_admin(srv.admin_token, "PUT", "/v1/admin/notices/pv-n",
                 "{\"text\":\"值班电话13812345678\",\"org\":\"qinghe\",\"privacy_reason\":\"值班手机须公开\"}"),
        200, "notice with a reason");
    /* A public answer never repeats the visitor's name or phone. */
    expect_status(as_admin(srv.admin_token, "POST", "/v1/admin/feedback/fb-qinghe-0001/reply",
                           "{\"text\":\"已告知张桂英。\",\"public\":true,\"question\":\"低保名单是否公开？\"}"),
                  409, "public answer naming the visitor");
    expect_status(
        as_admin(srv.admin_token, "POST", "/v1/admin/feedback/fb-qinghe-0001/reply",
                 "{\"text\":\"低保名单每季度在公开栏公示。\",\"public\":true,\"question\":\"低保名单是否公开？\"}"),
        201, "public answer");
}

static void batches_publish_many_items_in_one_request_each(void **state)
{
    (void)state;
    static const char batch[] =
        "{\"items\":[{\"id\":\"b-1\",\"category\":\"dec\",\"title\":\"批量一\",\"body\":\"正文。\","
        "\"published_at\":\"2026-12-01T09:00:00+08:00\",\"period\":\"immediate\",\"scope\":\"public\",\"audience\":"
        "\"own\"},"
        "{\"id\":\"b-2\",\"category\":\"dec\",\"title\":\"批量二\",\"body\":\"正文。\",\"org\":\"dongcun\","
        "\"published_at\":\"2026-12-01T09:00:00+08:00\",\"period\":\"immediate\",\"scope\":\"public\",\"audience\":"
        "\"own\"}%s]}";
    char body[2048];
    /* One item of another township refuses the whole batch. */
    snprintf(body, sizeof body, batch,
             ",{\"id\":\"b-3\",\"category\":\"dec\",\"title\":\"x\",\"body\":\"x\",\"org\":\"baishi\","
             "\"published_at\":\"2026-12-01T09:00:00+08:00\",\"period\":\"immediate\",\"scope\":\"public\"}");
    expect_status(as_admin(zhang_token, "PUT", "/v1/admin/items", body), 403, "batch with another township's item");
    expect_status(as_admin(zhang_token, "GET", "/v1/admin/items/b-1", NULL), 404, "nothing of the refused batch");
    snprintf(body, sizeof body, batch, "");
    expect_status(as_admin(zhang_token, "PUT", "/v1/admin/items", body), 200, "batch");
    expect_status(as_admin(srv.reviewer_token, "POST", "/v1/admin/items/steps",
                           "{\"step\":\"review\",\"ids\":[\"b-1\",\"b-2\"]}"),
                  200, "batch review");
    expect_status(as_admin(srv.reviewer_token, "POST", "/v1/admin/items/steps",
                           "{\"step\":\"approve\",\"ids\":[\"b-1\",\"b-2\"]}"),
                  403, "the reviewer approves the batch");
    expect_status(
        as_admin(zhang_token, "POST", "/v1/admin/items/steps", "{\"step\":\"approve\",\"ids\":[\"b-1\",\"b-2\"]}"), 200,
        "batch approve");
    expect_status(
        as_admin(zhang_token, "POST", "/v1/admin/items/steps", "{\"step\":\"publish\",\"ids\":[\"b-1\",\"b-2\"]}"), 200,
        "batch publish");
    sync_all();
    char ids[2048];
    store_ids(&kiosks[K_QINGHE], "items", ids, sizeof ids);
    assert_non_null(strstr(ids, "b-1"));
    assert_null(strstr(ids, "b-2"));
    store_ids(&kiosks[K_DONGCUN], "items", ids, sizeof ids);
    assert_non_null(strstr(ids, "b-2"));
    assert_null(strstr(ids, "b-1"));
}

static int this_year(void)
{
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

static void the_yearly_archive_holds_every_published_version(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "/v1/admin/archive/%d", this_year());
    json_t *a = root_ok("GET", path, NULL);
    json_t *revisions = json_object_get(a, "revisions");
    /* qh-own was published twice (the original and the change with a reason). */
    int qh_own = 0;
    size_t i;
    json_t *r;
    json_array_foreach (revisions, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "item")), "qh-own") != 0) continue;
        qh_own++;
        assert_true(json_array_size(json_object_get(r, "history")) >= 4);
    }
    assert_int_equal(qh_own, 2);
    assert_true(json_is_true(json_object_get(json_object_get(a, "chain"), "ok")));
    assert_true(json_array_size(json_object_get(a, "audit")) > 20);
    json_decref(a);
    /* A township admin's archive holds its own subtree only. */
    Reply rz = as_admin(zhang_token, "GET", path, NULL);
    assert_int_equal(rz.status, 200);
    assert_null(strstr(rz.body, "\"bs-all\""));
    assert_non_null(strstr(rz.body, "\"qh-own\""));
    reply_free(&rz);
}

/* Runs one statement on the live county database, as someone with the file would. */
static void tamper(const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(srv.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static long long broken_at(void)
{
    json_t *v = root_ok("GET", "/v1/admin/audit/verify", NULL);
    long long at = json_is_true(json_object_get(v, "ok")) ? 0 : json_integer_value(json_object_get(v, "broken_at"));
    json_decref(v);
    return at;
}

static void a_broken_audit_chain_is_found_at_the_entry_edited(void **state)
{
    (void)state;
    assert_int_equal(broken_at(), 0);
    /* Someone with the database file edits what an entry says. */
    tamper("UPDATE audit SET detail = '无' WHERE seq = 7");
    assert_int_equal(broken_at(), 7);
    json_t *v = root_ok("GET", "/v1/admin/audit/verify", NULL);
    assert_non_null(strstr(json_string_value(json_object_get(v, "reason")), "被改动"));
    json_decref(v);
}

/* ---- migration of a database made before the organisation tree ---------------- */

/* Every row of `table` as text, its columns as they were at schema 3. */
static char *table_text(sqlite3 *db, const char *table, const char *columns)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(group_concat(r, char(10)), '') FROM (SELECT %s AS r FROM %s ORDER BY rowid)", columns,
             table);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *text = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return text;
}

/* The schema-3 tables, each with its columns joined into one text per row. */
static const char *const old_tables[][2] = {
    {"meta", "quote(key)||quote(value)"},
    {"audit", "quote(seq)||quote(at)||quote(admin)||quote(action)||quote(target)||quote(detail)"},
    {"admins", "quote(name)||quote(token_hash)||quote(created_at)"},
    {"kiosks", "quote(id)||quote(name)||quote(token_hash)||quote(created_at)||quote(last_seen)||quote(app_version)"
               "||quote(revision)||quote(outbox)||quote(last_error)||quote(uptime)||quote(free_disk)||quote(clock_skew)"
               "||quote(address)"},
    {"heartbeats", "quote(seq)||quote(kiosk)||quote(at)||quote(app_version)||quote(revision)||quote(outbox)"},
    {"kiosk_settings", "quote(kiosk)||quote(key)||quote(value)"},
    {"kiosk_commands", "quote(kiosk)||quote(command)||quote(created_at)"},
    {"categories", "quote(id)||quote(doc)||quote(updated_at)||quote(updated_by)"},
    {"items", "quote(id)||quote(category)||quote(title)||quote(scope)||quote(state)||quote(content)||quote(published)"
              "||quote(published_revision)||quote(live)||quote(updated_at)||quote(updated_by)"},
    {"notices", "quote(id)||quote(doc)||quote(updated_at)||quote(updated_by)"},
    {"blobs", "quote(sha256)||quote(size)||quote(type)||quote(created_at)"},
    {"feedback", "quote(id)||quote(kiosk)||quote(kind)||quote(item)||quote(category)||quote(rating)||quote(comment)"
                 "||quote(name)||quote(phone)||quote(created_at)||quote(received_at)"},
    {"replies", "quote(id)||quote(feedback)||quote(text)||quote(question)||quote(public)||quote(admin)||quote(at)"},
    {"answers", "quote(id)||quote(doc)||quote(updated_at)||quote(updated_by)"},
    {"item_views", "quote(item)||quote(kiosk)||quote(views)"},
};
#define OLD_TABLES (sizeof old_tables / sizeof old_tables[0])

static void a_database_of_the_previous_countyd_keeps_every_row(void **state)
{
    (void)state;
    Countyd old = {0};
    snprintf(old.dir, sizeof old.dir, "%s", test_path("migrated"));
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", old.dir);
    assert_int_equal(system(cmd), 0);
    snprintf(old.db, sizeof old.db, "%s/county.db", old.dir);
    snprintf(old.log, sizeof old.log, "%s/countyd.log", old.dir);
    char *dump = NULL;
    size_t len = 0;
    FILE *f = fopen("tests/data/countyd-schema3.sql", "rb");
    assert_non_null(f);
    FILE *mem = open_memstream(&dump, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, mem);
    fclose(f);
    fclose(mem);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(old.db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, dump, NULL, NULL, NULL), SQLITE_OK);
    free(dump);
    char *before[OLD_TABLES], *changes_before = table_text(db, "changes", "quote(entity)||quote(id)||quote(revision)");
    for (size_t i = 0; i < OLD_TABLES; i++) before[i] = table_text(db, old_tables[i][0], old_tables[i][1]);
    sqlite3_close(db);

    /* Today's countyd opens it (migrating it), gets an admin and serves it. */
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' --add-admin tester", countyd_bin("countyd"), old.db);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[256];
    while (fgets(line, sizeof line, p))
        if (strspn(line, "0123456789abcdef") == 64) snprintf(old.admin_token, sizeof old.admin_token, "%.64s", line);
    assert_int_equal(pclose(p), 0);

    assert_int_equal(sqlite3_open(old.db, &db), SQLITE_OK);
    for (size_t i = 0; i < OLD_TABLES; i++) {
        char *after = table_text(db, old_tables[i][0], old_tables[i][1]);
        /* audit and admins gained the new admin's rows at the end, meta
         * the settings later schemas keep there. */
        if (strcmp(old_tables[i][0], "audit") == 0 || strcmp(old_tables[i][0], "admins") == 0 ||
            strcmp(old_tables[i][0], "meta") == 0)
            assert_int_equal(strncmp(after, before[i], strlen(before[i])), 0);
        else if (strcmp(after, before[i]) != 0)
            fail_msg("%s changed in the migration:\n%s\n--- now ---\n%s", old_tables[i][0], before[i], after);
        free(after);
        free(before[i]);
    }
    char *changes_after = table_text(db, "feed_changes", "quote(entity)||quote(id)||quote(revision)");
    assert_string_equal(changes_after, changes_before);
    free(changes_after);
    free(changes_before);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM items WHERE org != 'root' OR audience != 'subtree'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* Its kiosk still gets what it got before: the live public items, the
     * notice, the public answer; the root has no name yet, so the kiosk's
     * own unit_name setting stays its header. */
    old.port = countyd_free_port();
    countyd_launch(&old);
    json_t *ans = countyd_admin_ok(&old, "POST", "/v1/admin/kiosks", "{\"id\":\"hall-1\"}");
    Kiosk k = {"hall-1", "root", "", ""};
    snprintf(k.token, sizeof k.token, "%s", json_string_value(json_object_get(ans, "token")));
    json_decref(ans);
    Countyd saved = srv;
    srv = old;
    snprintf(k.db, sizeof k.db, "%s/hall-1.db", old.dir);
    sync_kiosk(&k);
    expect_items(&k, "a1,a2");
    char ids[256];
    store_ids(&k, "notices", ids, sizeof ids);
    assert_string_equal(ids, "n1");
    store_ids(&k, "answers", ids, sizeof ids);
    assert_string_equal(ids, "answer-1");
    Reply r = kiosk_post(&k, "/v1/heartbeat", "{}");
    json_t *beat = reply_json(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(beat, "settings"), "unit_name")),
                        "中共青禾镇委员会");
    json_decref(beat);
    reply_free(&r);
    json_t *fb = countyd_admin_ok(&old, "GET", "/v1/admin/feedback", NULL);
    assert_int_equal(json_array_size(json_object_get(fb, "feedback")), 2);
    json_decref(fb);
    /* The audit history from before was chained at the migration; a deleted
     * entry breaks the chain at the one after it. */
    json_t *v = countyd_admin_ok(&old, "GET", "/v1/admin/audit/verify", NULL);
    assert_true(json_is_true(json_object_get(v, "ok")));
    assert_true(json_integer_value(json_object_get(v, "entries")) > 26);
    json_decref(v);
    assert_int_equal(sqlite3_open(old.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 10", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    v = countyd_admin_ok(&old, "GET", "/v1/admin/audit/verify", NULL);
    assert_false(json_is_true(json_object_get(v, "ok")));
    assert_int_equal(json_integer_value(json_object_get(v, "broken_at")), 11);
    json_decref(v);
    srv = saved;
    assert_int_equal(countyd_stop(&old), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_kiosk_holds_its_own_and_inherited_items),
        cmocka_unit_test(heartbeat_carries_the_organisation_name),
        cmocka_unit_test(deltas_follow_audience_changes_and_withdrawals),
        cmocka_unit_test(a_moved_kiosk_gets_the_new_organisations_items_by_delta),
        cmocka_unit_test(long_polls_wake_only_kiosks_whose_feed_changed),
        cmocka_unit_test(an_admin_acts_only_within_its_organisation),
        cmocka_unit_test(a_supervisor_reads_and_changes_nothing),
        cmocka_unit_test(changes_and_withdrawals_carry_a_reason_kiosks_get),
        cmocka_unit_test(the_catalog_sets_rules_and_organisations_add_entries),
        cmocka_unit_test(the_privacy_review_blocks_approval_until_edited_or_explained),
        cmocka_unit_test(batches_publish_many_items_in_one_request_each),
        cmocka_unit_test(the_yearly_archive_holds_every_published_version),
        cmocka_unit_test(a_broken_audit_chain_is_found_at_the_entry_edited),
        cmocka_unit_test(a_database_of_the_previous_countyd_keeps_every_row),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
