#include "feedback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audience.h"
#include "cases.h"
#include "feed.h"
#include "feedgen.h"
#include "orgs.h"
#include "privacy.h"
#include "validate.h"

typedef struct {
    const char *id, *kind, *item, *category, *comment, *name, *phone;
    int64_t rating, rating_levels, created_at;
    char *reasons; /* JSON text, malloc'd */
} Submission;

static int opt_int(json_t *o, const char *key, int64_t lo, int64_t hi, int64_t *out, Err *err)
{
    json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return err_set(err, "%s: must be a whole number %lld..%lld", key, (long long)lo, (long long)hi);
    *out = json_integer_value(v);
    return 0;
}

static int check_reasons(json_t *o, char **out, Err *err)
{
    json_t *r = json_object_get(o, "reasons");
    *out = NULL;
    if (r && !json_is_null(r)) {
        size_t i;
        json_t *e;
        if (!json_is_array(r) || json_array_size(r) > FEEDBACK_MAX_REASONS)
            return err_set(err, "reasons: must be an array of at most %d strings", FEEDBACK_MAX_REASONS);
        json_array_foreach (r, i, e)
            if (!json_is_string(e) || json_string_length(e) > FEEDBACK_MAX_REASON)
                return err_set(err, "reasons[%zu]: must be a string of at most %d bytes", i, FEEDBACK_MAX_REASON);
    }
    *out = r && json_is_array(r) ? json_dumps(r, JSON_COMPACT) : strdup("[]");
    return *out ? 0 : err_set(err, "out of memory");
}

static int parse_submission(json_t *o, Submission *s, Err *err)
{
    memset(s, 0, sizeof *s);
    if (!json_is_object(o)) return err_set(err, "must be an object");
    s->id = json_string_value(json_object_get(o, "id"));
    if (!proto_feedback_id_valid(s->id))
        return err_set(err, "id: must be %d-%d characters of A-Z a-z 0-9 -", FEEDBACK_ID_MIN, FEEDBACK_ID_MAX);
    s->kind = json_string_value(json_object_get(o, "kind"));
    if (feedback_kind_parse(s->kind) < 0) return err_set(err, "kind: must be one of " FEEDBACK_KIND_WORDS);
    const char *created = json_string_value(json_object_get(o, "created_at"));
    if (!created || feed_parse_time(created, &s->created_at))
        return err_set(err, "created_at: must be a time like 2026-11-01T09:00:00+08:00");
    if (validate_opt_text(o, "item", PROTO_ID_MAX - 1, &s->item, err) ||
        validate_opt_text(o, "category", PROTO_ID_MAX - 1, &s->category, err) ||
        validate_opt_text(o, "comment", FEEDBACK_MAX_COMMENT, &s->comment, err) ||
        validate_opt_text(o, "name", FEEDBACK_MAX_NAME, &s->name, err) ||
        validate_opt_text(o, "phone", FEEDBACK_MAX_PHONE, &s->phone, err) ||
        opt_int(o, "rating", 0, FEEDBACK_MAX_RATING_LEVELS, &s->rating, err) ||
        opt_int(o, "rating_levels", 0, FEEDBACK_MAX_RATING_LEVELS, &s->rating_levels, err))
        return -1;
    if ((*s->item && !proto_id_valid(s->item)) || (*s->category && !proto_id_valid(s->category)))
        return err_set(err, "item/category: must be ids");
    if (strcmp(s->kind, "rating") == 0 && (s->rating < 1 || s->rating_levels < 2 || s->rating > s->rating_levels))
        return err_set(err, "rating: a rating needs rating 1..rating_levels and rating_levels 2..5");
    return check_reasons(o, &s->reasons, err);
}

/* Where a submission goes: the organisation of the item it is about when
 * that item is one the kiosk's organisation shows (its own or an
 * ancestor's), else the kiosk's organisation. */
static int route(Cdb *db, const char *kiosk, const char *item, char org[CDB_ID_SIZE], Err *err)
{
    int rc = cdb_text(db, org, CDB_ID_SIZE, err, "SELECT org FROM kiosks WHERE id = ?", "s", kiosk);
    if (rc < 0) return -1;
    if (rc == 1) snprintf(org, CDB_ID_SIZE, "%s", ORG_ROOT);
    if (!*item) return 0;
    char owner[CDB_ID_SIZE];
    rc = cdb_text(db, owner, sizeof owner, err,
                  ORGS_LINEAGE_CTE " SELECT org FROM items WHERE id = ?2 AND org IN (SELECT id FROM lineage)", "ss",
                  org, item);
    if (rc < 0) return -1;
    if (rc == 0) snprintf(org, CDB_ID_SIZE, "%s", owner);
    return 0;
}

/* Stores one submission; *stored is the admins' id of a new row, "" when
 * this kiosk had sent it before. */
static int store_submission(Cdb *db, const char *kiosk, const Submission *s, int64_t now, char stored[CDB_ID_SIZE],
                            Err *err)
{
    char org[CDB_ID_SIZE];
    stored[0] = '\0';
    if (route(db, kiosk, s->item, org, err)) return -1;
    /* OR IGNORE on (kiosk, submission): what this kiosk sent already (a
     * retried batch) is acknowledged, not stored again; the same id from
     * another kiosk is another submission, named "<id>.<kiosk>" for the
     * admins. */
    if (cdb_exec(
            db, err,
            "INSERT OR IGNORE INTO feedback (id, submission, kiosk, kind, item, category, rating, rating_levels,"
            " reasons, comment, name, phone, created_at, received_at, org) VALUES ("
            " CASE WHEN EXISTS (SELECT 1 FROM feedback WHERE id = ?1 AND kiosk != ?2) THEN ?1 || '.' || ?2 ELSE ?1 END,"
            " ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            "sssssiissssiis", s->id, kiosk, s->kind, s->item, s->category, s->rating, s->rating_levels, s->reasons,
            s->comment, s->name, s->phone, s->created_at, now, org))
        return -1;
    if (cdb_changes(db) != 1) return 0;
    int rc = cdb_text(db, stored, CDB_ID_SIZE, err, "SELECT id FROM feedback WHERE kiosk = ? AND submission = ?", "ss",
                      kiosk, s->id);
    return rc ? -1 : 0;
}

static void reject(json_t *rejected, json_t *entry, size_t index, const char *message)
{
    const char *id = json_string_value(json_object_get(entry, "id"));
    char where[64];
    snprintf(where, sizeof where, "submissions[%zu]", index);
    json_array_append_new(rejected,
                          json_pack("{s:s,s:s,s:s}", "id", id ? id : where, "code", "bad_request", "message", message));
}

int feedback_store_batch(Cdb *db, const CaseRules *rules, const char *kiosk, json_t *submissions, json_t **acknowledged,
                         json_t **rejected, Err *err)
{
    if (!json_is_array(submissions)) return err_refuse(err, ERR_BAD_REQUEST, "submissions: must be an array");
    if (json_array_size(submissions) > FEEDBACK_MAX_BATCH)
        return err_refuse(err, ERR_BAD_REQUEST, "submissions: at most %d per batch", FEEDBACK_MAX_BATCH);
    json_t *ack = json_array(), *rej = json_array();
    int64_t now = (int64_t)time(NULL);
    if (cdb_begin(db, err)) goto fail;
    size_t i;
    json_t *o;
    json_array_foreach (submissions, i, o) {
        Submission s;
        Err why;
        if (parse_submission(o, &s, &why)) {
            reject(rej, o, i, why.msg);
            free(s.reasons);
            continue;
        }
        char stored[CDB_ID_SIZE];
        int rc = store_submission(db, kiosk, &s, now, stored, err);
        if (!rc && stored[0]) rc = case_open(db, rules, kiosk, stored, err);
        free(s.reasons);
        if (rc) {
            cdb_rollback(db);
            goto fail;
        }
        json_array_append_new(ack, json_string(s.id));
    }
    if (cdb_commit(db, NULL, err)) goto fail;
    *acknowledged = ack;
    *rejected = rej;
    return 0;
fail:
    json_decref(ack);
    json_decref(rej);
    return -1;
}

int feedback_list(Cdb *db, const char *top, int64_t since, bool reports, json_t **out, Err *err)
{
    json_t *rows;
    if (cdb_rows(db, &rows, err,
                 ORGS_SUBTREE_CTE
                 " SELECT id, org, kiosk, kind, item, category, rating, rating_levels, reasons, comment,"
                 " name, phone, " SQL_TIME("created_at") " AS created_at, " SQL_TIME(
                     "received_at") " AS received_at"
                                    " FROM feedback WHERE org IN (SELECT id FROM subtree) AND received_at >= ?2"
                                    " AND (?3 = 1 OR kind != 'report')"
                                    " ORDER BY received_at, created_at, id",
                 "sid", top, since, reports ? 1 : 0))
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        json_t *reasons = json_loads(json_string_value(json_object_get(row, "reasons")), 0, NULL);
        json_object_set_new(row, "reasons", reasons ? reasons : json_array());
        json_t *replies;
        if (cdb_rows(db, &replies, err,
                     "SELECT id, text, question, public, admin, " SQL_TIME("at") " AS at FROM replies"
                                                                                 " WHERE feedback = ? ORDER BY id",
                     "s", json_string_value(json_object_get(row, "id")))) {
            json_decref(rows);
            return -1;
        }
        json_object_set_new(row, "replies", replies);
    }
    *out = rows;
    return 0;
}

int feedback_reply(Cdb *db, const char *admin, const char *feedback_id, const char *text, bool public,
                   const char *question, const char *privacy_reason, int64_t *reply_id, Err *err)
{
    if (!text || !*text || strlen(text) > FEED_MAX_ANSWER)
        return err_refuse(err, ERR_BAD_REQUEST, "text: a reply of 1-%d bytes is needed", FEED_MAX_ANSWER);
    if (question && strlen(question) > FEED_MAX_QUESTION)
        return err_refuse(err, ERR_BAD_REQUEST, "question: at most %d bytes", FEED_MAX_QUESTION);
    json_t *fb;
    int found = cdb_row(db, &fb, err, "SELECT org FROM feedback WHERE id = ?", "s", feedback_id);
    if (found < 0) return -1;
    if (found == 1) return err_refuse(err, ERR_NOT_FOUND, "there is no feedback %s", feedback_id);
    char org[CDB_ID_SIZE];
    snprintf(org, sizeof org, "%s", json_string_value(json_object_get(fb, "org")));
    json_decref(fb);
    /* The visitor's own words never go public: the question shown is the
     * one the admin wrote (and approves by making the reply public). */
    if (public && (!question || !*question))
        return err_refuse(err, ERR_BAD_REQUEST,
                          "question：公开答复须写明经审核的问题（不公开群众原话，也不公开其姓名、电话）");
    /* A private reply is shown to whoever types the visitor's receipt
     * number on a kiosk (PROTOCOL.md "Receipts"): it is reviewed like a
     * public one, so that no phone or 身份证号 reaches a screen unnoticed. */
    {
        json_t *shown = public ? json_pack("{s:s,s:s}", "question", question, "answer", text)
                               : json_pack("{s:s}", "answer", text),
               *findings = NULL;
        int rc = privacy_scan_entry(db, org, shown, &findings, err);
        if (!rc) rc = privacy_verdict(findings, privacy_reason, err);
        json_decref(shown);
        json_decref(findings);
        if (rc) return rc;
    }
    char target[128];
    snprintf(target, sizeof target, "feedback:%s", feedback_id);
    if (cdb_begin(db, err)) return -1;
    int rc =
        cdb_exec(db, err,
                 "INSERT INTO replies (feedback, text, question, public, checked, admin, at)"
                 " VALUES (?, ?, ?, ?, 1, ?, ?)",
                 "sssdsi", feedback_id, text, question ? question : "", public ? 1 : 0, admin, (int64_t)time(NULL));
    *reply_id = cdb_last_insert_id(db);
    char answer_id[64];
    snprintf(answer_id, sizeof answer_id, "answer-%lld", (long long)*reply_id);
    if (!rc && public) {
        json_t *entry;
        rc = feedgen_answer(db, *reply_id, &entry, err);
        if (!rc) {
            rc = validate_feed_entry(NULL, "answers", entry, err) ? err_mark(err, ERR_BAD_REQUEST) : 0;
            json_decref(entry);
        }
        if (!rc) rc = audience_mark(db, "answer", answer_id, org, false, err);
    }
    if (!rc) rc = case_answered(db, admin, feedback_id, err);
    if (!rc) rc = cdb_audit(db, admin, org, public ? "reply-public" : "reply", target, text, err);
    if (rc) {
        cdb_rollback(db);
        return rc;
    }
    return audience_commit(db, err);
}

int feedback_owner(Cdb *db, const char *feedback_id, char *org, size_t size, Err *err)
{
    return cdb_text(db, org, size, err, "SELECT org FROM feedback WHERE id = ?", "s", feedback_id ? feedback_id : "");
}
