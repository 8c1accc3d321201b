/* Feedback as cases, end to end with the real bin/countyd on 127.0.0.1:
 * a county (root) with two townships (qinghe, baishi), a kiosk in each and
 * one at the county, and a second countyd for another county.  Checks
 * routing to the organisation of the item (or the kiosk), due dates in
 * working days with the configured holidays and 调休 days, the overdue
 * list, the receipt lookup from another kiosk of the same county (the
 * answer without the visitor's name, phone or words; private replies
 * through the privacy review; 已告知 after the lookup), 404 on the other
 * county's server, 403 for a township admin on the other township's
 * cases, 举报 seen by 监督 and handled by 审批 only, a receipt number two
 * submissions share refused (409) rather than answered with the other's, the 满意率 from
 * ratings, and a database of the previous schema migrated with every
 * feedback row and audit entry kept. */
#include "countyd_util.h"

#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "feed.h"
#include "protolimits.h"
#include "receipt.h"

static Countyd srv, other;

typedef struct {
    const char *id, *org;
    char token[80];
    const Countyd *server;
} Kiosk;

static Kiosk kiosks[] = {
    {"k-county", "root", "", &srv},
    {"k-qinghe", "qinghe", "", &srv},
    {"k-baishi", "baishi", "", &srv},
    {"k-elsewhere", "root", "", &other},
};
enum { K_COUNTY, K_QINGHE, K_BAISHI, K_ELSEWHERE, N_KIOSKS };

/* zhang: qinghe, every role but supervise; li: qinghe, draft only;
 * jiwei: qinghe's 纪委, supervise. */
static char zhang[80], li[80], jiwei[80];
static char holidays[64], workday[16];

/* ---- helpers ------------------------------------------------------------- */

static Reply as_admin_of(const Countyd *c, const char *token, const char *method, const char *path, const char *json)
{
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *headers[] = {auth, "Content-Type: application/json", NULL};
    return countyd_call(c, method, path, headers, json, json ? strlen(json) : 0);
}

static Reply as_admin(const char *token, const char *method, const char *path, const char *json)
{
    return as_admin_of(&srv, token, method, path, json);
}

static void expect_status(Reply r, long status, const char *what)
{
    if (r.status != status) fail_msg("%s: HTTP %ld, wanted %ld: %s", what, r.status, status, r.body);
    reply_free(&r);
}

static json_t *ok_json(Reply r, const char *what)
{
    if (r.status < 200 || r.status > 299) fail_msg("%s: HTTP %ld: %s", what, r.status, r.body);
    json_t *doc = reply_json(&r);
    reply_free(&r);
    return doc;
}

static Reply kiosk_call(const Kiosk *k, const char *method, const char *path, const char *json)
{
    char auth[160], kid[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", k->token);
    snprintf(kid, sizeof kid, "X-Kiosk-Id: %s", k->id);
    const char *headers[] = {auth, kid, "Content-Type: application/json", NULL};
    return countyd_call(k->server, method, path, headers, json, json ? strlen(json) : 0);
}

static void admin_token(const Countyd *c, const char *name, const char *org, const char *roles, char out[80])
{
    char body[256];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"org\":\"%s\",\"roles\":\"%s\"}", name, org, roles);
    json_t *ans = ok_json(as_admin_of(c, c->admin_token, "POST", "/v1/admin/admins", body), "add admin");
    snprintf(out, 80, "%s", json_string_value(json_object_get(ans, "token")));
    json_decref(ans);
}

/* Sends one submission from kiosk k; its receipt number to `receipt`. */
static void submit(const Kiosk *k, const char *id, const char *kind, const char *extra,
                   char receipt[RECEIPT_DIGITS + 1])
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"submissions\":[{\"id\":\"%s\",\"kind\":\"%s\",\"created_at\":\"2026-11-02T09:00:00+08:00\"%s%s}]}", id,
             kind, extra && *extra ? "," : "", extra ? extra : "");
    json_t *ans = ok_json(kiosk_call(k, "POST", "/v1/feedback", body), "feedback");
    assert_int_equal(json_array_size(json_object_get(ans, "acknowledged")), 1);
    json_decref(ans);
    Err err;
    if (receipt) assert_int_equal(receipt_from_feedback_id(id, receipt, &err), 0);
}

/* The case `ref` as the root admin sees it. */
static json_t *get_case(const char *ref)
{
    char path[160];
    snprintf(path, sizeof path, "/v1/admin/cases/%s", ref);
    json_t *ans = ok_json(as_admin(srv.admin_token, "GET", path, NULL), path);
    json_t *c = json_incref(json_object_get(ans, "case"));
    json_decref(ans);
    return c;
}

static const char *str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static void set_sql(const Countyd *c, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(c->db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static bool has_id(json_t *rows, const char *id)
{
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        if (strcmp(str(row, "id"), id) == 0) return true;
    return false;
}

static json_t *list_cases(const char *token, const char *query)
{
    char path[200];
    snprintf(path, sizeof path, "/v1/admin/cases%s", query);
    json_t *ans = ok_json(as_admin(token, "GET", path, NULL), path);
    json_t *rows = json_incref(json_object_get(ans, "cases"));
    json_decref(ans);
    return rows;
}

/* ---- the working-day oracle: struct tm arithmetic, not countyd's code --- */

#define CST (8 * 3600)

static void cst_date(time_t t, char out[11])
{
    time_t local = t + CST;
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int cst_wday(time_t t)
{
    time_t local = t + CST;
    struct tm tm;
    gmtime_r(&local, &tm);
    return tm.tm_wday;
}

/* Due: the end of the n-th working day after the day of `received`. */
static void expected_due(time_t received, int n, char out[32])
{
    time_t t = received;
    while (n > 0) {
        t += 86400;
        char day[11];
        cst_date(t, day);
        bool work = strstr(workday, day) || (!strstr(holidays, day) && cst_wday(t) != 0 && cst_wday(t) != 6);
        if (work) n--;
    }
    char day[11];
    cst_date(t, day);
    snprintf(out, 32, "%sT23:59:59+08:00", day);
}

/* ---- set-up ----------------------------------------------------------------- */

static void publish(const char *id, const char *org)
{
    char path[128], body[1024];
    snprintf(path, sizeof path, "/v1/admin/items/%s", id);
    snprintf(body, sizeof body,
             "{\"category\":\"dec\",\"title\":\"%s 的公开事项\",\"body\":\"正文。\","
             "\"published_at\":\"2026-01-01T09:00:00+08:00\",\"period\":\"immediate\",\"scope\":\"public\","
             "\"org\":\"%s\",\"audience\":\"subtree\"}",
             id, org);
    expect_status(as_admin(srv.admin_token, "PUT", path, body), 200, "put item");
    static const char *const steps[] = {"review", "approve", "publish"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/v1/admin/items/%s/%s", id, steps[i]);
        expect_status(as_admin(i == 0 ? srv.reviewer_token : srv.admin_token, "POST", path, "{\"note\":\"公开\"}"), 200,
                      steps[i]);
    }
}

static void write_config(const char *path)
{
    /* Holidays: the next three days from tomorrow; a 调休 working day: the
     * next Saturday after them. */
    time_t now = time(NULL);
    char d[11];
    holidays[0] = '\0';
    for (int i = 1; i <= 3; i++) {
        cst_date(now + i * 86400, d);
        snprintf(holidays + strlen(holidays), sizeof holidays - strlen(holidays), "%s%s", i > 1 ? "," : "", d);
    }
    time_t t = now + 4 * 86400;
    while (cst_wday(t) != 6) t += 86400;
    cst_date(t, workday);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "[countyd]\ncase_due_request = 15\ncase_due_comment = 5\ncase_holidays = %s\ncase_workdays = %s\n",
            holidays, workday);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    countyd_start(&srv, "cases");
    char config[1200];
    snprintf(config, sizeof config, "%s/countyd.conf", srv.dir);
    write_config(config);
    countyd_stop(&srv);
    const char *extra[] = {"--config", config, NULL};
    countyd_launch_with(&srv, extra);
    countyd_start(&other, "cases-other");
    json_decref(ok_json(as_admin(srv.admin_token, "POST", "/v1/admin/orgs",
                                 "{\"id\":\"qinghe\",\"parent\":\"root\",\"name\":\"中共青禾镇委员会\",\"short_name\":"
                                 "\"青禾镇\"}"),
                        "org"));
    json_decref(ok_json(as_admin(srv.admin_token, "POST", "/v1/admin/orgs",
                                 "{\"id\":\"baishi\",\"parent\":\"root\",\"name\":\"中共白石乡委员会\",\"short_name\":"
                                 "\"白石乡\"}"),
                        "org"));
    for (int i = 0; i < N_KIOSKS; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"id\":\"%s\",\"name\":\"大厅\",\"org\":\"%s\"}", kiosks[i].id, kiosks[i].org);
        json_t *ans = ok_json(
            as_admin_of(kiosks[i].server, kiosks[i].server->admin_token, "POST", "/v1/admin/kiosks", body), "kiosk");
        snprintf(kiosks[i].token, sizeof kiosks[i].token, "%s", str(ans, "token"));
        json_decref(ans);
    }
    admin_token(&srv, "zhang", "qinghe", "draft,review,approve,manage", zhang);
    admin_token(&srv, "li", "qinghe", "draft", li);
    admin_token(&srv, "jiwei", "qinghe", "supervise", jiwei);
    json_decref(ok_json(as_admin(srv.admin_token, "PUT", "/v1/admin/categories",
                                 "{\"categories\":[{\"id\":\"dec\",\"name\":\"党组织决议、决定\"}]}"),
                        "categories"));
    publish("county-all", "root");
    publish("qh-all", "qinghe");
    publish("bs-all", "baishi");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(countyd_stop(&srv), 0);
    assert_int_equal(countyd_stop(&other), 0);
    curl_global_cleanup();
    return 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void a_case_goes_to_the_organisation_of_its_item_else_of_its_kiosk(void **state)
{
    (void)state;
    submit(&kiosks[K_QINGHE], "route-0000-0001", "comment", "\"comment\":\"县里的决定看不懂\",\"item\":\"county-all\"",
           NULL);
    submit(&kiosks[K_QINGHE], "route-0000-0002", "comment", "\"comment\":\"镇里的公开很及时\",\"item\":\"qh-all\"",
           NULL);
    submit(&kiosks[K_QINGHE], "route-0000-0003", "request", "\"comment\":\"请公开低保名单\"", NULL);
    /* An item the kiosk's organisation does not show routes nowhere else. */
    submit(&kiosks[K_QINGHE], "route-0000-0004", "comment", "\"comment\":\"别处的事\",\"item\":\"bs-all\"", NULL);
    static const char *const want[][2] = {
        {"route-0000-0001", "root"},
        {"route-0000-0002", "qinghe"},
        {"route-0000-0003", "qinghe"},
        {"route-0000-0004", "qinghe"},
    };
    for (size_t i = 0; i < 4; i++) {
        json_t *c = get_case(want[i][0]);
        assert_string_equal(str(c, "org"), want[i][1]);
        assert_string_equal(str(c, "status"), "pending");
        assert_string_equal(str(c, "status_label"), "待办理");
        char receipt[RECEIPT_DIGITS + 1];
        Err err;
        assert_int_equal(receipt_from_feedback_id(want[i][0], receipt, &err), 0);
        assert_string_equal(str(c, "receipt"), receipt);
        json_decref(c);
    }
    /* The case is found by its receipt number too, as a visitor writes it. */
    char receipt[RECEIPT_DIGITS + 1], shown[RECEIPT_TEXT_MAX], path[80];
    Err err;
    assert_int_equal(receipt_from_feedback_id("route-0000-0003", receipt, &err), 0);
    receipt_format(receipt, shown);
    json_t *c = get_case(receipt);
    assert_string_equal(str(c, "id"), "route-0000-0003");
    json_decref(c);
    snprintf(path, sizeof path, "/v1/admin/cases/%.4s%%20%.4s%%20%.4s", shown, shown + 5, shown + 10);
    json_decref(ok_json(as_admin(srv.admin_token, "GET", path, NULL), "by the written receipt"));
    /* A bare rating is no case. */
    submit(&kiosks[K_QINGHE], "route-0000-0005", "rating", "\"rating\":1,\"rating_levels\":5", NULL);
    expect_status(as_admin(srv.admin_token, "GET", "/v1/admin/cases/route-0000-0005", NULL), 404, "a rating");
}

static void due_dates_count_working_days_with_holidays_and_workdays(void **state)
{
    (void)state;
    submit(&kiosks[K_COUNTY], "due-0000-0001", "request", "\"comment\":\"请公开党费使用\"", NULL);
    submit(&kiosks[K_COUNTY], "due-0000-0002", "comment", "\"comment\":\"建议\"", NULL);
    submit(&kiosks[K_COUNTY], "due-0000-0003", "report", "\"comment\":\"反映问题\"", NULL);
    static const struct {
        const char *id;
        int days;
    } want[] = {{"due-0000-0001", 15}, {"due-0000-0002", 5}, {"due-0000-0003", 15}};
    for (size_t i = 0; i < 3; i++) {
        json_t *c = get_case(want[i].id);
        int64_t received;
        assert_int_equal(feed_parse_time(str(c, "received_at"), &received), 0);
        char due[32];
        expected_due((time_t)received, want[i].days, due);
        if (strcmp(str(c, "due_at"), due) != 0)
            fail_msg("%s: due %s, wanted %s (holidays %s, workday %s)", want[i].id, str(c, "due_at"), due, holidays,
                     workday);
        assert_false(json_is_true(json_object_get(c, "overdue")));
        json_decref(c);
    }
}

static void overdue_cases_are_listed_until_answered(void **state)
{
    (void)state;
    submit(&kiosks[K_QINGHE], "late-0000-0001", "request", "\"comment\":\"请公开村务开支\"", NULL);
    submit(&kiosks[K_QINGHE], "late-0000-0002", "request", "\"comment\":\"请公开选举结果\"", NULL);
    set_sql(&srv, "UPDATE cases SET due_at = strftime('%s', 'now') - 3600 WHERE feedback LIKE 'late-%'");
    json_t *rows = list_cases(zhang, "?overdue=1");
    assert_true(has_id(rows, "late-0000-0001"));
    assert_true(has_id(rows, "late-0000-0002"));
    assert_false(has_id(rows, "route-0000-0003"));
    json_decref(rows);
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/late-0000-0001/reply", "{\"text\":\"已在公开栏公布。\"}"),
                  201, "reply");
    rows = list_cases(zhang, "?overdue=1");
    assert_false(has_id(rows, "late-0000-0001"));
    assert_true(has_id(rows, "late-0000-0002"));
    json_decref(rows);
    /* Answered after the due time: late in the summary, not on time. */
    json_t *ans = ok_json(as_admin(zhang, "GET", "/v1/admin/cases?kind=request", NULL), "summary");
    size_t i;
    json_t *row;
    bool seen = false;
    json_array_foreach (json_object_get(ans, "summary"), i, row)
        if (strcmp(str(row, "kind"), "request") == 0) {
            seen = true;
            assert_true(json_integer_value(json_object_get(row, "late")) >= 1);
            assert_true(json_integer_value(json_object_get(row, "overdue")) >= 1);
        }
    assert_true(seen);
    json_decref(ans);
}

static void a_receipt_shows_the_answer_on_another_kiosk_without_contact_details(void **state)
{
    (void)state;
    char receipt[RECEIPT_DIGITS + 1], path[80];
    submit(&kiosks[K_QINGHE], "look-0000-0001", "request",
           "\"comment\":\"请公开敬老院的账目\",\"name\":\"赵秀英\",\"phone\":\"13955556666\"", receipt);
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", receipt);
    json_t *c = ok_json(kiosk_call(&kiosks[K_BAISHI], "GET", path, NULL), "lookup pending");
    assert_string_equal(str(c, "status"), "pending");
    assert_true(json_is_null(json_object_get(c, "answer")));
    assert_string_equal(str(c, "kind"), "request");
    assert_string_equal(str(c, "submitted_at"), "2026-11-02T09:00:00+08:00");
    json_decref(c);
    /* A private reply naming the visitor or a phone is stopped by the
     * privacy review: whoever holds the receipt would read it. */
    Reply r = as_admin(zhang, "POST", "/v1/admin/cases/look-0000-0001/reply",
                       "{\"text\":\"赵秀英同志：请来电 13800138000。\"}");
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "privacy_review"));
    reply_free(&r);
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/look-0000-0001/reply",
                           "{\"text\":\"您申请的账目已在镇公开栏公布，也可到党政办查阅。\"}"),
                  201, "private reply");
    r = kiosk_call(&kiosks[K_COUNTY], "GET", path, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "赵秀英"));
    assert_null(strstr(r.body, "13955556666"));
    assert_null(strstr(r.body, "敬老院"));
    c = reply_json(&r);
    reply_free(&r);
    assert_string_equal(str(c, "receipt"), receipt);
    assert_string_equal(str(c, "status"), "answered");
    assert_string_equal(str(c, "status_label"), "已答复");
    assert_string_equal(str(c, "answer"), "您申请的账目已在镇公开栏公布，也可到党政办查阅。");
    assert_non_null(str(c, "answered_at"));
    assert_non_null(str(c, "due_at"));
    json_decref(c);
    /* The visitor has read it: the case is 已告知, in the audit trail. */
    c = get_case("look-0000-0001");
    assert_string_equal(str(c, "status"), "notified");
    assert_string_equal(str(c, "handler"), "zhang");
    json_t *last = json_array_get(json_object_get(c, "history"), json_array_size(json_object_get(c, "history")) - 1);
    assert_string_equal(str(last, "admin"), "kiosk:k-county");
    assert_string_equal(str(last, "action"), "case-status");
    json_decref(c);
    json_t *v = ok_json(as_admin(srv.admin_token, "GET", "/v1/admin/audit/verify", NULL), "verify");
    assert_true(json_is_true(json_object_get(v, "ok")));
    json_decref(v);
    /* Malformed: 400; well-formed but unknown: 404; another county: 404. */
    expect_status(kiosk_call(&kiosks[K_COUNTY], "GET", "/v1/kiosk/receipts/12345", NULL), 400, "short");
    char wrong[RECEIPT_DIGITS + 1];
    snprintf(wrong, sizeof wrong, "%s", receipt);
    wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", wrong);
    expect_status(kiosk_call(&kiosks[K_COUNTY], "GET", path, NULL), 400, "check digit");
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", receipt);
    expect_status(kiosk_call(&kiosks[K_ELSEWHERE], "GET", path, NULL), 404, "another county");
    char unknown[RECEIPT_DIGITS + 1];
    Err err;
    assert_int_equal(receipt_from_feedback_id("never-sent-0001", unknown, &err), 0);
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", unknown);
    expect_status(kiosk_call(&kiosks[K_COUNTY], "GET", path, NULL), 404, "unknown");
    /* A kiosk token is needed. */
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", receipt);
    Reply anon = countyd_call(&srv, "GET", path, NULL, NULL, 0);
    assert_int_equal(anon.status, 401);
    reply_free(&anon);
}

static void a_receipt_two_submissions_share_is_refused_not_misanswered(void **state)
{
    (void)state;
    /* Two kiosks that sent the same id: both are stored and both are cases,
     * but the number they share answers nobody's case. */
    char receipt[RECEIPT_DIGITS + 1], path[80];
    submit(&kiosks[K_QINGHE], "twin-0000-0001", "request", "\"comment\":\"第一位来访者\"", receipt);
    submit(&kiosks[K_BAISHI], "twin-0000-0001", "request", "\"comment\":\"第二位来访者\"", NULL);
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", receipt);
    Reply r = kiosk_call(&kiosks[K_COUNTY], "GET", path, NULL);
    assert_int_equal(r.status, 409);
    assert_null(strstr(r.body, "来访者"));
    reply_free(&r);
    json_t *a = get_case("twin-0000-0001"), *b = get_case("twin-0000-0001.k-baishi");
    assert_true(json_is_true(json_object_get(a, "receipt_clash")));
    assert_true(json_is_true(json_object_get(b, "receipt_clash")));
    assert_true(json_is_null(json_object_get(b, "receipt")));
    assert_string_equal(str(b, "org"), "baishi");
    json_decref(a);
    json_decref(b);
}

static void a_public_answer_shows_the_approved_question_never_the_visitors_words(void **state)
{
    (void)state;
    char receipt[RECEIPT_DIGITS + 1], path[80];
    submit(&kiosks[K_QINGHE], "pub-0000-0001", "comment", "\"comment\":\"老李家的低保怎么回事\",\"name\":\"孙强\"",
           receipt);
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/pub-0000-0001/reply",
                           "{\"text\":\"低保名单每季度公示。\",\"public\":true,\"question\":\"低保名单在哪里公示？\"}"),
                  201, "public reply");
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", receipt);
    Reply r = kiosk_call(&kiosks[K_BAISHI], "GET", path, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "老李"));
    assert_null(strstr(r.body, "孙强"));
    json_t *c = reply_json(&r);
    reply_free(&r);
    assert_string_equal(str(c, "answer"), "低保名单每季度公示。");
    json_decref(c);
    /* A public answer reached everyone; the lookup does not mark 已告知. */
    c = get_case("pub-0000-0001");
    assert_string_equal(str(c, "status"), "answered");
    json_decref(c);
}

static void a_township_admin_is_refused_on_the_other_townships_cases(void **state)
{
    (void)state;
    submit(&kiosks[K_BAISHI], "bs-case-0001", "request", "\"comment\":\"请公开白石乡的账\"", NULL);
    expect_status(as_admin(zhang, "GET", "/v1/admin/cases/bs-case-0001", NULL), 403, "read");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/bs-case-0001/take", "{}"), 403, "take");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/bs-case-0001/reply", "{\"text\":\"好\"}"), 403, "reply");
    expect_status(as_admin(zhang, "POST", "/v1/admin/feedback/bs-case-0001/reply", "{\"text\":\"好\"}"), 403,
                  "reply by feedback");
    json_t *rows = list_cases(zhang, "");
    assert_false(has_id(rows, "bs-case-0001"));
    assert_true(has_id(rows, "route-0000-0003"));
    assert_false(has_id(rows, "route-0000-0001")); /* the county's, above qinghe */
    json_decref(rows);
    /* Taking, assigning and status changes within one's own organisation. */
    json_t *ans = ok_json(as_admin(li, "POST", "/v1/admin/cases/route-0000-0003/take", "{}"), "take");
    assert_string_equal(str(ans, "handler"), "li");
    json_decref(ans);
    json_t *c = get_case("route-0000-0003");
    assert_string_equal(str(c, "status"), "in_progress");
    json_decref(c);
    expect_status(as_admin(li, "POST", "/v1/admin/cases/route-0000-0003/assign", "{\"handler\":\"zhang\"}"), 403,
                  "assign needs approve");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/route-0000-0003/assign", "{\"handler\":\"tester\"}"), 200,
                  "assign to the county");
    /* Nobody of baishi could handle qinghe's case. */
    char wang[80];
    admin_token(&srv, "wang", "baishi", "draft", wang);
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/route-0000-0003/assign", "{\"handler\":\"wang\"}"), 400,
                  "assign outside");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/route-0000-0003/notify", "{}"), 409, "notify unanswered");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/route-0000-0003/status", "{\"status\":\"answered\"}"), 400,
                  "answered by hand");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/route-0000-0003/status", "{\"status\":\"pending\"}"), 200,
                  "back to the queue");
    c = get_case("route-0000-0003");
    assert_string_equal(str(c, "status"), "pending");
    assert_true(json_is_null(json_object_get(c, "handler")));
    json_decref(c);
}

static void reports_are_seen_by_supervise_and_handled_by_approve(void **state)
{
    (void)state;
    submit(&kiosks[K_QINGHE], "rep-0000-0001", "report", "\"comment\":\"有人优亲厚友\",\"name\":\"匿名\"", NULL);
    json_t *rows = list_cases(li, "");
    assert_false(has_id(rows, "rep-0000-0001"));
    json_decref(rows);
    expect_status(as_admin(li, "GET", "/v1/admin/cases/rep-0000-0001", NULL), 403, "drafter reads a report");
    expect_status(as_admin(li, "GET", "/v1/admin/cases?kind=report", NULL), 403, "drafter lists reports");
    json_t *fb = ok_json(as_admin(li, "GET", "/v1/admin/feedback", NULL), "feedback as li");
    assert_false(has_id(json_object_get(fb, "feedback"), "rep-0000-0001"));
    json_decref(fb);
    rows = list_cases(jiwei, "?kind=report");
    assert_true(has_id(rows, "rep-0000-0001"));
    json_decref(rows);
    expect_status(as_admin(jiwei, "GET", "/v1/admin/cases/rep-0000-0001", NULL), 200, "supervisor reads");
    expect_status(as_admin(jiwei, "POST", "/v1/admin/cases/rep-0000-0001/take", "{}"), 403, "supervisor takes");
    expect_status(as_admin(jiwei, "POST", "/v1/admin/cases/rep-0000-0001/reply", "{\"text\":\"x\"}"), 403,
                  "supervisor replies");
    expect_status(as_admin(li, "POST", "/v1/admin/feedback/rep-0000-0001/reply", "{\"text\":\"x\"}"), 403,
                  "drafter replies to a report");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/rep-0000-0001/assign", "{\"handler\":\"li\"}"), 400,
                  "a drafter cannot be given a report");
    expect_status(as_admin(zhang, "POST", "/v1/admin/cases/rep-0000-0001/take", "{}"), 200, "approver takes");
}

static void satisfaction_counts_ratings_only(void **state)
{
    (void)state;
    /* Two of three ratings are in the better half; a comment's rating does
     * not count. */
    submit(&kiosks[K_BAISHI], "sat-0000-0001", "rating", "\"rating\":1,\"rating_levels\":5,\"item\":\"bs-all\"", NULL);
    submit(&kiosks[K_BAISHI], "sat-0000-0002", "rating", "\"rating\":2,\"rating_levels\":5,\"item\":\"bs-all\"", NULL);
    submit(&kiosks[K_BAISHI], "sat-0000-0003", "rating", "\"rating\":4,\"rating_levels\":5,\"item\":\"bs-all\"", NULL);
    submit(&kiosks[K_BAISHI], "sat-0000-0004", "comment", "\"rating\":5,\"rating_levels\":5,\"comment\":\"差\"", NULL);
    json_t *s = ok_json(as_admin(srv.admin_token, "GET", "/v1/admin/satisfaction", NULL), "satisfaction");
    size_t i;
    json_t *row;
    bool seen = false;
    json_array_foreach (json_object_get(s, "by_org"), i, row)
        if (strcmp(str(row, "org"), "baishi") == 0) {
            seen = true;
            assert_int_equal(json_integer_value(json_object_get(row, "ratings")), 3);
            assert_int_equal(json_integer_value(json_object_get(row, "satisfied")), 2);
            assert_true(fabs(json_real_value(json_object_get(row, "rate")) - 66.7) < 0.01);
            assert_string_equal(str(row, "name"), "白石乡");
        }
    assert_true(seen);
    seen = false;
    json_array_foreach (json_object_get(s, "by_category"), i, row)
        if (strcmp(str(row, "category"), "dec") == 0) {
            seen = true;
            assert_string_equal(str(row, "name"), "党组织决议、决定");
            assert_int_equal(json_integer_value(json_object_get(row, "ratings")), 3);
        }
    assert_true(seen);
    row = json_array_get(json_object_get(s, "by_month"), 0);
    assert_string_equal(str(row, "month"), "2026-11");
    json_decref(s);
    /* qinghe's admin sees no baishi ratings. */
    s = ok_json(as_admin(zhang, "GET", "/v1/admin/satisfaction", NULL), "satisfaction as zhang");
    json_array_foreach (json_object_get(s, "by_org"), i, row) assert_string_not_equal(str(row, "org"), "baishi");
    assert_true(json_array_size(json_object_get(s, "by_org")) > 0); /* qinghe's one rating */
    json_decref(s);
}

/* ---- migration ------------------------------------------------------------------ */

static char *column_text(sqlite3 *db, const char *sql)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) fprintf(mem, "%s\n", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    fclose(mem);
    return out;
}

#define FEEDBACK_ROWS                                                                                                  \
    "SELECT quote(id)||quote(kind)||quote(comment)||quote(name)||quote(phone)||quote(org) FROM feedback ORDER BY id"
#define AUDIT_ROWS "SELECT seq||action||target||hash FROM audit ORDER BY seq"

static void a_database_of_the_previous_schema_keeps_every_feedback_row(void **state)
{
    (void)state;
    Countyd old = {0};
    snprintf(old.dir, sizeof old.dir, "%s", test_path("cases-migrated"));
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && sqlite3 '%s/county.db' < tests/data/countyd-schema10.sql", old.dir,
             old.dir);
    assert_int_equal(system(cmd), 0);
    snprintf(old.db, sizeof old.db, "%s/county.db", old.dir);
    snprintf(old.log, sizeof old.log, "%s/countyd.log", old.dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(old.db, &db), SQLITE_OK);
    assert_int_equal(test_query_int(db, "PRAGMA user_version"), 10);
    char *feedback_before = column_text(db, FEEDBACK_ROWS), *audit_before = column_text(db, AUDIT_ROWS);
    sqlite3_close(db);
    countyd_add_admin(&old, "tester", old.admin_token);
    assert_int_equal(sqlite3_open(old.db, &db), SQLITE_OK);
    char *feedback_after = column_text(db, FEEDBACK_ROWS), *audit_after = column_text(db, AUDIT_ROWS);
    assert_string_equal(feedback_after, feedback_before);
    assert_int_equal(strncmp(audit_after, audit_before, strlen(audit_before)), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM feedback"), 4);
    /* The comment and the request became cases; the comment's reply
     * (made before, never reviewed) answered it but stays off the screens. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM cases"), 2);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM cases WHERE status = 'answered'"), 1);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM replies WHERE checked = 0"), 1);
    sqlite3_close(db);
    free(feedback_before);
    free(feedback_after);
    free(audit_before);
    free(audit_after);
    old.port = countyd_free_port();
    countyd_launch(&old);
    json_t *v = ok_json(as_admin_of(&old, old.admin_token, "GET", "/v1/admin/audit/verify", NULL), "verify");
    assert_true(json_is_true(json_object_get(v, "ok")));
    json_decref(v);
    char receipt[RECEIPT_DIGITS + 1], path[80];
    Err err;
    assert_int_equal(receipt_from_feedback_id("5c1f0a2e-0002-4a00-8000-000000000002", receipt, &err), 0);
    json_t *k = ok_json(as_admin_of(&old, old.admin_token, "POST", "/v1/admin/kiosks", "{\"id\":\"hall-2\"}"), "kiosk");
    Kiosk hall = {"hall-2", "root", "", &old};
    snprintf(hall.token, sizeof hall.token, "%s", str(k, "token"));
    json_decref(k);
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", receipt);
    Reply r = kiosk_call(&hall, "GET", path, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "13912345678"));
    json_t *c = reply_json(&r);
    reply_free(&r);
    assert_string_equal(str(c, "status"), "answered");
    assert_true(json_is_null(json_object_get(c, "answer")));
    json_decref(c);
    assert_int_equal(countyd_stop(&old), 0);
}

/* Receipt lookups are limited per kiosk (ten in a row by default): the
 * eleventh is 429 for that kiosk only; the others are answered as usual. */
static void a_kiosk_that_looks_up_too_often_is_refused_alone(void **state)
{
    (void)state;
    Kiosk busy = {.id = "k-busy", .org = "root", .server = &srv};
    json_t *ans = ok_json(
        as_admin(srv.admin_token, "POST", "/v1/admin/kiosks", "{\"id\":\"k-busy\",\"name\":\"大厅\",\"org\":\"root\"}"),
        "kiosk");
    snprintf(busy.token, sizeof busy.token, "%s", str(ans, "token"));
    json_decref(ans);
    char unknown[RECEIPT_DIGITS + 1], path[80];
    Err err;
    assert_int_equal(receipt_from_feedback_id("never-sent-0002", unknown, &err), 0);
    snprintf(path, sizeof path, "/v1/kiosk/receipts/%s", unknown);
    for (int i = 0; i < RECEIPT_LOOKUP_BURST; i++)
        expect_status(kiosk_call(&busy, "GET", path, NULL), 404, "a lookup within the limit");
    Reply r = kiosk_call(&busy, "GET", path, NULL);
    assert_int_equal(r.status, 429);
    assert_non_null(strstr(r.body, "too_many"));
    assert_non_null(strstr(r.body, "查询太频繁"));
    reply_free(&r);
    expect_status(kiosk_call(&kiosks[K_QINGHE], "GET", path, NULL), 404, "another kiosk meanwhile");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_case_goes_to_the_organisation_of_its_item_else_of_its_kiosk),
        cmocka_unit_test(due_dates_count_working_days_with_holidays_and_workdays),
        cmocka_unit_test(overdue_cases_are_listed_until_answered),
        cmocka_unit_test(a_receipt_shows_the_answer_on_another_kiosk_without_contact_details),
        cmocka_unit_test(a_receipt_two_submissions_share_is_refused_not_misanswered),
        cmocka_unit_test(a_public_answer_shows_the_approved_question_never_the_visitors_words),
        cmocka_unit_test(a_township_admin_is_refused_on_the_other_townships_cases),
        cmocka_unit_test(reports_are_seen_by_supervise_and_handled_by_approve),
        cmocka_unit_test(satisfaction_counts_ratings_only),
        cmocka_unit_test(a_database_of_the_previous_schema_keeps_every_feedback_row),
        cmocka_unit_test(a_kiosk_that_looks_up_too_often_is_refused_alone),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
