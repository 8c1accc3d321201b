/* api_cases.c — feedback cases: the kiosks' receipt lookup and the admin
 * API for cases, replies and the 满意率 (docs/PROTOCOL.md "Receipts",
 * docs/ADMIN.md "Cases").  The domain is cases.h; who may act is
 * authz_check(), with the case's organisation and kind deciding:
 *
 *   read a case          any role; a 举报 (report) only supervise or approve
 *   take, status, reply  draft; a 举报 only approve
 *   assign to someone    approve (the one assigned must be able to handle it)
 *   reply publicly       approve
 *
 * A case outside the admin's subtree is refused (403), never hidden. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "cases.h"
#include "feedback.h"
#include "log.h"
#include "monoclock.h"
#include "number.h"
#include "ratelimit.h"
#include "receipt.h"

/* 举报 are read and handled one level up the roles: the 审批 of the
 * organisation handles them and the 监督 (纪委) watches (ADMIN.md). */
static AuthzAction for_kind(FeedbackKind kind, AuthzAction what)
{
    if (kind != FEEDBACK_REPORT) return what;
    if (what == AUTHZ_READ) return AUTHZ_READ_REPORTS;
    if (what == AUTHZ_DRAFT) return AUTHZ_APPROVE;
    return what;
}

static bool may_read_reports(Cdb *db, const Actor *who)
{
    Err ignored;
    return authz_check(db, who, AUTHZ_READ_REPORTS, who->org, &ignored) == 0;
}

/* The case `ref` names, if `who` may do `what` with it; -1 after answering. */
static int case_allowed(Request *r, Cdb *db, const Actor *who, const char *ref, AuthzAction what,
                        char feedback_id[CDB_ID_SIZE], FeedbackKind *kind)
{
    char org[CDB_ID_SIZE];
    Err err;
    int rc = case_find(db, ref, feedback_id, org, kind, &err);
    if (rc < 0) http_reply_internal(r, &err);
    if (rc == 1) http_reply_error(r, 404, "not_found", "没有这件留言：%s", ref);
    return rc ? -1 : api_allowed(r, db, who, for_kind(*kind, what), org);
}

/* ---- the kiosks' lookup ------------------------------------------------------- */

void api_kiosk_receipt(Request *r)
{
    char receipt[RECEIPT_DIGITS + 1];
    Err err;
    if (receipt_normalize(r->params[0], receipt, &err)) return http_reply_error(r, 400, "bad_request", "%s", err.msg);
    const App *app = r->app;
    int retry_s;
    if (ratelimit_take(app->receipt_lookups, r->actor, monoclock_ms(), &retry_s)) {
        char after[16];
        snprintf(after, sizeof after, "%d", retry_s);
        http_add_header(r, "Retry-After", after);
        log_warn("countyd: kiosk %s: receipt lookups over the limit; refused for %d s", r->actor, retry_s);
        return http_reply_error(r, 429, "too_many", "本触控屏查询太频繁，请 %d 分钟后再试", (retry_s + 59) / 60);
    }
    Cdb *db = http_db(r);
    if (!db) return;
    json_t *found;
    int rc = case_lookup(db, r->actor, receipt, &found, &err);
    if (rc == 1) return http_reply_error(r, 404, "not_found", "没有查到回执号 %s", receipt);
    if (rc) return api_reply_failure(r, &err);
    http_add_header(r, "Cache-Control", "no-store");
    http_reply_json(r, 200, found);
}

/* ---- admins: lists ------------------------------------------------------------ */

/* A vocabulary word from the query; -1 after answering 400. */
static int query_word(Request *r, const char *name, int (*parse)(const char *), const char *words, int *out)
{
    const char *v = http_query(r, name);
    *out = -1;
    if (!v || !*v) return 0;
    if ((*out = parse(v)) >= 0) return 0;
    http_reply_error(r, 400, "bad_request", "%s: must be one of %s", name, words);
    return -1;
}

/* Not a row of api_admin.c's list table: it takes four filters and adds
 * the summary. */
void api_admin_cases(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    CaseFilter f = {.reports = may_read_reports(db, &who)};
    const char *overdue = http_query(r, "overdue"), *limit = http_query(r, "limit");
    if (query_word(r, "status", case_status_parse, CASE_STATUS_WORDS, &f.status) ||
        query_word(r, "kind", feedback_kind_parse, FEEDBACK_KIND_WORDS, &f.kind))
        return;
    if (overdue && strcmp(overdue, "0") != 0 && strcmp(overdue, "1") != 0)
        return http_reply_error(r, 400, "bad_request", "overdue: must be 1 (only overdue cases) or 0");
    f.overdue = overdue && strcmp(overdue, "1") == 0;
    if (limit && number_parse_int(limit, 1, CASES_LIST_MAX, &f.limit))
        return http_reply_error(r, 400, "bad_request", "limit: must be a whole number from 1 to %d", CASES_LIST_MAX);
    if (f.kind == FEEDBACK_REPORT && !f.reports)
        return http_reply_error(r, 403, "forbidden", "无权查看举报：需要审批或监督角色");
    json_t *rows = NULL, *summary = NULL;
    Err err;
    int rc = cases_list(db, who.org, &f, &rows, &err);
    if (!rc && (rc = cases_summary(db, who.org, f.reports, &summary, &err))) json_decref(rows);
    if (rc) return api_reply_failure(r, &err);
    http_reply_json(r, 200, json_pack("{s:o,s:o}", "cases", rows, "summary", summary));
}

void api_admin_case_get(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    char id[CDB_ID_SIZE];
    FeedbackKind kind;
    if (case_allowed(r, db, &who, r->params[0], AUTHZ_READ, id, &kind)) return;
    json_t *c;
    Err err;
    int rc = case_get(db, id, &c, &err);
    if (rc == 1) return http_reply_error(r, 404, "not_found", "没有这件留言：%s", r->params[0]);
    if (rc) return api_reply_failure(r, &err);
    http_reply_json(r, 200, json_pack("{s:o}", "case", c));
}

/* ---- admins: handling --------------------------------------------------------- */

static const char *body_text(json_t *body, const char *key) { return json_string_value(json_object_get(body, key)); }

void api_reply_feedback(Request *r, Cdb *db, const Actor *who, const char *feedback_id, json_t *body)
{
    json_t *pub = json_object_get(body, "public");
    char org[CDB_ID_SIZE], ignored_id[CDB_ID_SIZE];
    Err err;
    int rc = feedback_owner(db, feedback_id, org, sizeof org, &err);
    if (rc < 0) return http_reply_internal(r, &err);
    if (rc == 1) return http_reply_error(r, 404, "not_found", "there is no feedback %s", feedback_id);
    if (pub && !json_is_boolean(pub)) return http_reply_error(r, 400, "bad_request", "public: must be true or false");
    /* Writing a reply is drafting (a 举报's: approving); making it public is publishing. */
    FeedbackKind kind = FEEDBACK_COMMENT;
    char case_org[CDB_ID_SIZE];
    rc = case_find(db, feedback_id, ignored_id, case_org, &kind, &err);
    if (rc < 0) return http_reply_internal(r, &err);
    if (api_allowed(r, db, who, json_is_true(pub) ? AUTHZ_APPROVE : for_kind(kind, AUTHZ_DRAFT), org)) return;
    int64_t reply_id;
    if (feedback_reply(db, who->name, feedback_id, body_text(body, "text"), json_is_true(pub),
                       body_text(body, "question"), body_text(body, "privacy_reason"), &reply_id, &err))
        return api_reply_failure(r, &err);
    int64_t revision;
    if (cdb_revision(db, &revision, &err)) return http_reply_internal(r, &err);
    http_reply_json(r, 201, json_pack("{s:I,s:I}", "reply_id", (json_int_t)reply_id, "revision", (json_int_t)revision));
}

static void case_assign_to(Request *r, Cdb *db, const Actor *who, const char *id, FeedbackKind kind,
                           const char *handler)
{
    Actor them;
    Err err;
    int rc = authz_actor(db, handler, &them, &err);
    if (rc < 0) return http_reply_internal(r, &err);
    if (rc == 1) return http_reply_error(r, 400, "bad_request", "handler：没有管理员 %s", handler);
    char org[CDB_ID_SIZE], ignored[CDB_ID_SIZE];
    if (case_find(db, id, ignored, org, &kind, &err)) return http_reply_internal(r, &err);
    if (authz_check(db, &them, for_kind(kind, AUTHZ_DRAFT), org, &err))
        return http_reply_error(r, 400, "bad_request", "handler：%s 不能办理这件留言（%s）", handler, err.msg);
    if (case_assign(db, who->name, id, handler, &err)) return api_reply_failure(r, &err);
    http_reply_json(r, 200, json_pack("{s:s,s:s}", "id", id, "handler", handler));
}

void api_admin_case_step(Request *r)
{
    Cdb *db;
    Actor who;
    if (api_actor(r, &db, &who)) return;
    json_t *body = http_body_json(r);
    if (!body) return;
    const char *step = r->params[1];
    bool assign = strcmp(step, "assign") == 0, reply = strcmp(step, "reply") == 0;
    char id[CDB_ID_SIZE];
    FeedbackKind kind;
    Err err;
    /* Assigning someone is the 审批's; the rest starts from drafting (the
     * reply handler asks again, for a public reply). */
    if (case_allowed(r, db, &who, r->params[0], assign ? AUTHZ_APPROVE : AUTHZ_DRAFT, id, &kind)) {
        json_decref(body);
        return;
    }
    if (reply) api_reply_feedback(r, db, &who, id, body);
    else if (assign && !body_text(body, "handler"))
        http_reply_error(r, 400, "bad_request", "handler：要指定一位管理员");
    else if (assign) case_assign_to(r, db, &who, id, kind, body_text(body, "handler"));
    else if (strcmp(step, "take") == 0) {
        if (case_assign(db, who.name, id, who.name, &err)) api_reply_failure(r, &err);
        else http_reply_json(r, 200, json_pack("{s:s,s:s}", "id", id, "handler", who.name));
    } else if (strcmp(step, "status") == 0 || strcmp(step, "notify") == 0) {
        int status = strcmp(step, "notify") == 0 ? CASE_NOTIFIED : case_status_parse(body_text(body, "status"));
        if (status < 0) http_reply_error(r, 400, "bad_request", "status: must be one of " CASE_STATUS_WORDS);
        else if (case_set_status(db, who.name, id, (CaseStatus)status, body_text(body, "note"), &err))
            api_reply_failure(r, &err);
        else http_reply_json(r, 200, json_pack("{s:s,s:s}", "id", id, "status", case_status_word((CaseStatus)status)));
    } else http_reply_error(r, 404, "not_found", "no such step %s (take, assign, status, notify, reply)", step);
    json_decref(body);
}
