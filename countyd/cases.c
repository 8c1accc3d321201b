#include "cases.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "feed.h"
#include "orgs.h"

static int64_t now_s(void) { return (int64_t)time(NULL); }

static const char *text_of(json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));
    return s ? s : "";
}

/* Open = 待办理 or 办理中; overdue = open past the due time (?2 = now). */
#define CASE_OPEN_SQL "c.status IN ('pending', 'in_progress')"
#define CASE_OVERDUE_SQL "(" CASE_OPEN_SQL " AND c.due_at IS NOT NULL AND c.due_at < ?2)"

static void audit_target(const char *feedback_id, char *buf, size_t size)
{
    snprintf(buf, size, "feedback:%s", feedback_id);
}

/* Inserts a case; a receipt number another case holds already marks both. */
static int insert_case(Cdb *db, const char *feedback_id, const char *receipt, const char *kind, const char *org,
                       int64_t due_at, const char *status, int64_t answered_at, Err *err)
{
    int64_t clash = 0;
    if (receipt && cdb_int(db, &clash, err, "SELECT count(*) FROM cases WHERE receipt = ? AND feedback != ?", "ss",
                           receipt, feedback_id))
        return -1;
    if (clash && cdb_exec(db, err, "UPDATE cases SET receipt_clash = 1 WHERE receipt = ?", "s", receipt)) return -1;
    return cdb_exec(db, err,
                    "INSERT OR IGNORE INTO cases (feedback, receipt, receipt_clash, org, kind, status, due_at,"
                    " answered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0), ?)",
                    "ssdsssiii", feedback_id, clash ? NULL : receipt, clash ? 1 : 0, org, kind, status, due_at,
                    answered_at, now_s());
}

int case_open(Cdb *db, const CaseRules *rules, const char *kiosk, const char *feedback_id, Err *err)
{
    json_t *row;
    int rc = cdb_row(db, &row, err, "SELECT submission, kind, org, received_at FROM feedback WHERE id = ?", "s",
                     feedback_id);
    if (rc) return rc < 0 ? -1 : err_set(err, "feedback %s vanished while it was stored", feedback_id);
    int kind = feedback_kind_parse(text_of(row, "kind"));
    char receipt[RECEIPT_DIGITS + 1];
    if (kind < 0 || !receipt_kind_has_receipt((FeedbackKind)kind) ||
        receipt_from_feedback_id(text_of(row, "submission"), receipt, err)) {
        json_decref(row);
        return kind < 0 || !receipt_kind_has_receipt((FeedbackKind)kind) ? 0 : -1;
    }
    int64_t due = case_due_at(rules, (FeedbackKind)kind, json_integer_value(json_object_get(row, "received_at")));
    char org[CDB_ID_SIZE], who[CDB_ID_SIZE + 8], target[CDB_ID_SIZE + 16], detail[64];
    snprintf(org, sizeof org, "%s", text_of(row, "org"));
    json_decref(row);
    rc = insert_case(db, feedback_id, receipt, feedback_kind_word((FeedbackKind)kind), org, due, "pending", 0, err);
    if (rc) return rc;
    /* 收集: the first step of the case's record, by the kiosk that took it. */
    snprintf(who, sizeof who, "kiosk:%s", kiosk);
    audit_target(feedback_id, target, sizeof target);
    snprintf(detail, sizeof detail, "回执号 %s", receipt);
    return cdb_audit(db, who, org, "case-open", target, detail, err);
}

int cases_backfill(Cdb *db, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err,
                 "SELECT f.id, f.submission, f.kind, f.org, f.received_at,"
                 " (SELECT max(r.at) FROM replies r WHERE r.feedback = f.id) AS answered_at"
                 " FROM feedback f WHERE f.kind IN ('comment', 'request', 'report')"
                 " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.feedback = f.id) ORDER BY f.received_at, f.id",
                 NULL))
        return -1;
    CaseRules rules;
    case_rules_default(&rules);
    size_t i;
    json_t *row;
    int rc = 0;
    json_array_foreach (rows, i, row) {
        char receipt[RECEIPT_DIGITS + 1];
        Err ignored;
        /* An id from before the id rule has no receipt number; its case is
         * kept without one. */
        bool numbered = receipt_from_feedback_id(text_of(row, "submission"), receipt, &ignored) == 0;
        int kind = feedback_kind_parse(text_of(row, "kind"));
        int64_t answered = json_integer_value(json_object_get(row, "answered_at"));
        int64_t due = case_due_at(&rules, (FeedbackKind)kind, json_integer_value(json_object_get(row, "received_at")));
        rc = insert_case(db, text_of(row, "id"), numbered ? receipt : NULL, text_of(row, "kind"), text_of(row, "org"),
                         due, answered ? "answered" : "pending", answered, err);
        if (rc) break;
    }
    json_decref(rows);
    return rc;
}

/* The status word of a row -> its label, beside it. */
static void label_status(json_t *row)
{
    int s = case_status_parse(text_of(row, "status"));
    json_object_set_new(row, "status_label", s >= 0 ? json_string(case_status_label((CaseStatus)s)) : json_null());
}

#define LOOKUP_TIMES SQL_TIME("f.created_at") " AS submitted_at, " SQL_TIME("c.due_at") " AS due_at"

int case_lookup(Cdb *db, const char *kiosk, const char *receipt, json_t **out, Err *err)
{
    json_t *c;
    int rc = cdb_row(db, &c, err,
                     "SELECT c.feedback, c.org, c.receipt, c.receipt_clash, c.kind, c.status, " LOOKUP_TIMES
                     " FROM cases c JOIN feedback f ON f.id = c.feedback WHERE c.receipt = ?",
                     "s", receipt);
    if (rc) return rc;
    if (json_integer_value(json_object_get(c, "receipt_clash"))) {
        json_decref(c);
        return err_refuse(err, ERR_CONFLICT, "回执号 %s 对应不止一件留言，请到党群服务窗口查询", receipt);
    }
    int status = case_status_parse(text_of(c, "status"));
    json_t *answer = NULL;
    /* A private reply addressed to this visitor first, else the public
     * answer; a private reply only when the privacy review passed it
     * (replies.checked; older private notes were never meant for a screen). */
    if ((status == CASE_ANSWERED || status == CASE_NOTIFIED) &&
        cdb_row(
            db, &answer, err,
            "SELECT text, public, " SQL_TIME("at") " AS at FROM replies WHERE feedback = ?"
                                                   " AND (public = 1 OR checked = 1) ORDER BY public, id DESC LIMIT 1",
            "s", text_of(c, "feedback")) < 0) {
        json_decref(c);
        return -1;
    }
    *out = json_pack("{s:s,s:s,s:s,s:O,s:O,s:O}", "receipt", receipt, "kind", text_of(c, "kind"), "status",
                     text_of(c, "status"), "submitted_at", json_object_get(c, "submitted_at"), "due_at",
                     json_object_get(c, "due_at"), "answer", answer ? json_object_get(answer, "text") : json_null());
    json_object_set_new(*out, "answered_at", answer ? json_incref(json_object_get(answer, "at")) : json_null());
    label_status(*out);
    rc = 0;
    /* 告知: the visitor has now read the answer meant for them. */
    if (status == CASE_ANSWERED && answer && json_integer_value(json_object_get(answer, "public")) == 0) {
        char who[CDB_ID_SIZE + 8], target[CDB_ID_SIZE + 16];
        snprintf(who, sizeof who, "kiosk:%s", kiosk);
        audit_target(text_of(c, "feedback"), target, sizeof target);
        rc = cdb_begin(db, err);
        if (!rc)
            rc = cdb_exec(db, err,
                          "UPDATE cases SET status = 'notified', notified_at = ?, updated_at = ?"
                          " WHERE feedback = ? AND status = 'answered'",
                          "iis", now_s(), now_s(), text_of(c, "feedback"));
        if (!rc && cdb_changes(db) == 1)
            rc = cdb_audit(db, who, text_of(c, "org"), "case-status", target, "已告知：来访者在触控屏查询回执号", err);
        if (!rc) rc = cdb_commit(db, NULL, err);
        else cdb_rollback(db);
    }
    json_decref(answer);
    json_decref(c);
    if (rc) json_decref(*out);
    return rc;
}

int case_find(Cdb *db, const char *ref, char feedback_id[CDB_ID_SIZE], char org[CDB_ID_SIZE], FeedbackKind *kind,
              Err *err)
{
    char receipt[RECEIPT_DIGITS + 1] = "";
    Err ignored;
    if (receipt_normalize(ref, receipt, &ignored)) receipt[0] = '\0';
    json_t *row;
    int rc = cdb_row(db, &row, err,
                     "SELECT feedback, org, kind FROM cases WHERE feedback = ?1 OR receipt = ?2"
                     " ORDER BY feedback = ?1 DESC LIMIT 1",
                     "ss", ref ? ref : "", receipt);
    if (rc) return rc;
    snprintf(feedback_id, CDB_ID_SIZE, "%s", text_of(row, "feedback"));
    snprintf(org, CDB_ID_SIZE, "%s", text_of(row, "org"));
    int k = feedback_kind_parse(text_of(row, "kind"));
    *kind = k >= 0 ? (FeedbackKind)k : FEEDBACK_REPORT; /* unreadable: treated as the most guarded kind */
    json_decref(row);
    return 0;
}

/* The columns of a case as admins see it (?2 = now), in short pieces. */
#define CASE_KEYS "SELECT c.feedback AS id, c.receipt, c.receipt_clash, c.kind, c.status, c.org, c.handler,"
#define CASE_ORG_NAME " coalesce(nullif(o.short_name, ''), nullif(o.name, ''), c.org) AS org_name, "
#define CASE_DUE SQL_TIME("c.due_at") " AS due_at, " CASE_OVERDUE_SQL " AS overdue, "
#define CASE_SENT SQL_TIME("f.created_at") " AS submitted_at, " SQL_TIME("f.received_at") " AS received_at, "
#define CASE_DONE SQL_TIME("c.answered_at") " AS answered_at, " SQL_TIME("c.notified_at") " AS notified_at,"
#define CASE_WORDS " f.item, i.title AS item_title, f.category, f.comment, f.name, f.phone, f.kiosk"
#define CASE_FROM " FROM cases c JOIN feedback f ON f.id = c.feedback LEFT JOIN orgs o ON o.id = c.org"
#define CASE_ITEM " LEFT JOIN items i ON i.id = f.item"
#define CASE_COLUMNS CASE_KEYS CASE_ORG_NAME CASE_DUE CASE_SENT CASE_DONE CASE_WORDS CASE_FROM CASE_ITEM

static void finish_rows(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_object_set_new(row, "overdue", json_boolean(json_integer_value(json_object_get(row, "overdue"))));
        json_object_set_new(row, "receipt_clash",
                            json_boolean(json_integer_value(json_object_get(row, "receipt_clash"))));
        label_status(row);
    }
}

int cases_list(Cdb *db, const char *top, const CaseFilter *f, json_t **out, Err *err)
{
    const char *status = f->status >= 0 ? case_status_word((CaseStatus)f->status) : NULL;
    const char *kind = f->kind >= 0 ? feedback_kind_word((FeedbackKind)f->kind) : NULL;
    if (cdb_rows(db, out, err,
                 ORGS_SUBTREE_CTE " " CASE_COLUMNS " WHERE c.org IN (SELECT id FROM subtree)"
                                  " AND (?3 = '' OR c.status = ?3) AND (?4 = '' OR c.kind = ?4)"
                                  " AND (?5 = 1 OR c.kind != 'report') AND (?6 = 0 OR " CASE_OVERDUE_SQL ")"
                                  " ORDER BY c.due_at IS NULL, c.due_at, f.received_at, c.feedback LIMIT ?7",
                 "sissddd", top, now_s(), status ? status : "", kind ? kind : "", f->reports ? 1 : 0,
                 f->overdue ? 1 : 0, f->limit > 0 ? f->limit : CASES_LIST_MAX))
        return -1;
    finish_rows(*out);
    return 0;
}

int case_get(Cdb *db, const char *feedback_id, json_t **out, Err *err)
{
    json_t *row, *replies = NULL, *history = NULL;
    int rc = cdb_row(db, &row, err, CASE_COLUMNS " WHERE c.feedback = ?1", "si", feedback_id, now_s());
    if (rc) return rc;
    char target[CDB_ID_SIZE + 16];
    audit_target(feedback_id, target, sizeof target);
    if (cdb_rows(db, &replies, err,
                 "SELECT id, text, question, public, checked, admin, " SQL_TIME("at") " AS at FROM replies"
                                                                                      " WHERE feedback = ? ORDER BY id",
                 "s", feedback_id) ||
        cdb_rows(db, &history, err,
                 "SELECT seq, " SQL_TIME("at") " AS at, admin, action, detail FROM audit WHERE target = ? ORDER BY seq",
                 "s", target)) {
        json_decref(row);
        json_decref(replies);
        return -1;
    }
    json_t *one = json_array();
    json_array_append_new(one, row);
    finish_rows(one);
    json_object_set_new(row, "replies", replies);
    json_object_set_new(row, "history", history);
    *out = json_incref(row);
    json_decref(one);
    return 0;
}

int cases_summary(Cdb *db, const char *top, bool reports, json_t **out, Err *err)
{
    return cdb_rows(db, out, err,
                    ORGS_SUBTREE_CTE
                    " SELECT c.kind, count(*) AS total, sum(" CASE_OPEN_SQL ") AS open,"
                    " sum(" CASE_OVERDUE_SQL ") AS overdue, sum(c.answered_at IS NOT NULL) AS answered,"
                    " sum(c.answered_at IS NOT NULL AND (c.due_at IS NULL OR c.answered_at <= c.due_at))"
                    " AS on_time,"
                    " sum(c.answered_at IS NOT NULL AND c.due_at IS NOT NULL AND c.answered_at > "
                    "c.due_at) AS late"
                    " FROM cases c WHERE c.org IN (SELECT id FROM subtree) AND (?3 = 1 OR c.kind != "
                    "'report')"
                    " GROUP BY c.kind ORDER BY c.kind",
                    "sid", top, now_s(), reports ? 1 : 0);
}

static int record(Cdb *db, const char *admin, const char *feedback_id, const char *action, const char *detail, Err *err)
{
    char org[CDB_ID_SIZE], target[CDB_ID_SIZE + 16];
    if (cdb_text(db, org, sizeof org, err, "SELECT org FROM cases WHERE feedback = ?", "s", feedback_id))
        return err_set(err, "case %s vanished", feedback_id);
    audit_target(feedback_id, target, sizeof target);
    return cdb_audit(db, admin, org, action, target, detail, err);
}

/* Runs one change of a case and its audit entry in one transaction; a
 * change that touches no row is refused as not found.  `sql` has ?1 = a,
 * ?2 = b, ?3 = now, ?4 = the feedback id. */
static int change(Cdb *db, const char *admin, const char *feedback_id, const char *action, const char *detail,
                  const char *sql, const char *a, const char *b, Err *err)
{
    if (cdb_begin(db, err)) return -1;
    int rc = cdb_exec(db, err, sql, "ssis", a, b, now_s(), feedback_id);
    if (!rc && cdb_changes(db) != 1) rc = err_refuse(err, ERR_NOT_FOUND, "没有留言 %s", feedback_id);
    if (!rc) rc = record(db, admin, feedback_id, action, detail, err);
    if (rc) {
        cdb_rollback(db);
        return -1;
    }
    return cdb_commit(db, NULL, err);
}

int case_assign(Cdb *db, const char *admin, const char *feedback_id, const char *handler, Err *err)
{
    char detail[CDB_ID_SIZE + 32];
    snprintf(detail, sizeof detail, "办理人：%s", handler);
    bool self = strcmp(admin, handler) == 0;
    return change(db, admin, feedback_id, self ? "case-take" : "case-assign", detail,
                  "UPDATE cases SET handler = ?1, status = CASE WHEN status = 'pending' THEN 'in_progress' ELSE status"
                  " END, updated_at = ?3 WHERE feedback = ?4",
                  handler, "", err);
}

int case_set_status(Cdb *db, const char *admin, const char *feedback_id, CaseStatus status, const char *note, Err *err)
{
    if (status == CASE_ANSWERED)
        return err_refuse(err, ERR_BAD_REQUEST,
                          "status：“已答复”由答复产生（kioskctl case ID reply 或后台“提交答复”）");
    json_t *row;
    int rc = cdb_row(db, &row, err, "SELECT answered_at FROM cases WHERE feedback = ?", "s", feedback_id);
    if (rc) return rc < 0 ? -1 : err_refuse(err, ERR_NOT_FOUND, "没有留言 %s", feedback_id);
    bool answered = !json_is_null(json_object_get(row, "answered_at"));
    json_decref(row);
    if (status == CASE_NOTIFIED && !answered)
        return err_refuse(err, ERR_WRONG_STATE, "这件留言还没有答复，不能标记为已告知");
    char detail[600];
    snprintf(detail, sizeof detail, "%s%s%s", case_status_label(status), note && *note ? "：" : "", note ? note : "");
    /* pending = back in the queue, nobody's; in_progress keeps (or takes)
     * a handler; notified stamps the time the visitor was told. */
    return change(db, admin, feedback_id, "case-status", detail,
                  "UPDATE cases SET status = ?1, handler = CASE ?1 WHEN 'pending' THEN NULL"
                  " WHEN 'in_progress' THEN coalesce(handler, ?2) ELSE handler END,"
                  " notified_at = CASE ?1 WHEN 'notified' THEN ?3 ELSE notified_at END, updated_at = ?3"
                  " WHERE feedback = ?4",
                  case_status_word(status), admin, err);
}

int case_answered(Cdb *db, const char *admin, const char *feedback_id, Err *err)
{
    return cdb_exec(db, err,
                    "UPDATE cases SET status = 'answered', answered_at = coalesce(answered_at, ?1),"
                    " handler = coalesce(handler, ?2), updated_at = ?1 WHERE feedback = ?3",
                    "iss", now_s(), admin, feedback_id);
}

/* ---- 满意率 ---------------------------------------------------------------- */

#define RATING_COUNTS " count(*) AS ratings, sum(f.rating <= f.rating_levels / 2) AS satisfied"
#define RATING_ROWS                                                                                                    \
    " WHERE f.kind = 'rating' AND f.rating_levels >= 2 AND f.rating >= 1 AND f.org IN (SELECT id FROM subtree)"
/* The catalog entry a rating is about: its own, else its item's. */
#define RATING_CATEGORY "coalesce(nullif(f.category, ''), i.category, '')"

static void add_rates(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_int_t n = json_integer_value(json_object_get(row, "ratings"));
        json_int_t good = json_integer_value(json_object_get(row, "satisfied"));
        json_object_set_new(row, "rate", n ? json_real(round(1000.0 * (double)good / (double)n) / 10.0) : json_null());
    }
}

int cases_satisfaction(Cdb *db, const char *top, json_t **out, Err *err)
{
    json_t *by_org = NULL, *by_category = NULL, *by_month = NULL;
    int rc =
        cdb_rows(db, &by_org, err,
                 ORGS_SUBTREE_CTE
                 " SELECT f.org, coalesce(nullif(o.short_name, ''), nullif(o.name, ''), f.org) AS name," RATING_COUNTS
                 " FROM feedback f LEFT JOIN orgs o ON o.id = f.org" RATING_ROWS " GROUP BY f.org ORDER BY f.org",
                 "s", top);
    if (!rc)
        rc = cdb_rows(db, &by_category, err,
                      ORGS_SUBTREE_CTE " SELECT " RATING_CATEGORY " AS category,"
                                       " coalesce(json_extract(c.doc, '$.name'), " RATING_CATEGORY
                                       ") AS name," RATING_COUNTS " FROM feedback f LEFT JOIN items i ON i.id = f.item"
                                       " LEFT JOIN categories c ON c.id = " RATING_CATEGORY RATING_ROWS
                                       " GROUP BY 1 ORDER BY 1",
                      "s", top);
    if (!rc)
        rc = cdb_rows(db, &by_month, err,
                      ORGS_SUBTREE_CTE
                      " SELECT strftime('%Y-%m', f.created_at, 'unixepoch', '+8 hours') AS month," RATING_COUNTS
                      " FROM feedback f" RATING_ROWS " GROUP BY 1 ORDER BY 1",
                      "s", top);
    if (rc) {
        json_decref(by_org);
        json_decref(by_category);
        return -1;
    }
    add_rates(by_org);
    add_rates(by_category);
    add_rates(by_month);
    *out = json_pack("{s:o,s:o,s:o}", "by_org", by_org, "by_category", by_category, "by_month", by_month);
    return 0;
}
