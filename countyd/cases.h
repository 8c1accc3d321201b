/* cases.h — feedback handled as cases (收集 → 办理 → 答复 → 告知).
 *
 * Owns the cases table (docs/ADMIN.md "Cases"): every submission that has
 * a receipt number (proto/receipt.h: comment, request, report) becomes a
 * case when it is stored.  A case belongs to the organisation its
 * submission was routed to (feedback.c: the organisation of the item it is
 * about, else of its kiosk), has a status (CaseStatus), a handler (an
 * admin), a due time (workdays.h) and its receipt number under a unique
 * index.  Every change of a case is an entry of the hash-chained audit log
 * (target "feedback:<id>", the same as the replies').
 *
 * Who may do what is the caller's question (authz_check); the functions
 * here take the deciding admin's name for the record.
 *
 * Results: 0, or -1 with Err; a refusal carries its kind (common/err.h);
 * lookups of one case return 1 when there is none. */
#ifndef COUNTYD_CASES_H
#define COUNTYD_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"
#include "receipt.h"
#include "workdays.h"

/* Opens the case of the feedback row `feedback_id` just stored from
 * `kiosk` (in the storing transaction); nothing for a kind without a
 * receipt.  Two submissions whose ids give the same receipt number (two
 * kiosks that sent the same id, or a one-in-10^11 coincidence) are both
 * kept: the number stays with the first, and both are marked so that a
 * lookup of it is refused rather than answered with the wrong case. */
int case_open(Cdb *db, const CaseRules *rules, const char *kiosk, const char *feedback_id, Err *err);

/* The schema step that introduces cases: a case for every earlier
 * submission with a receipt (answered when it has a reply), due by the
 * default rules (case_rules_default). */
int cases_backfill(Cdb *db, Err *err);

/* The kiosk lookup (PROTOCOL.md "Receipts"): `receipt` is 12 digits
 * (receipt_normalize).  *out = {"receipt","kind","status","status_label",
 * "submitted_at","due_at","answer","answered_at"}: never the visitor's
 * name, phone or words.  An answered case whose answer was a private
 * reply becomes notified (已告知), recorded as done by `kiosk`; the answer
 * still says the status it had before this lookup.  1 when no case has
 * this number; -1 with ERR_CONFLICT when two have it. */
int case_lookup(Cdb *db, const char *kiosk, const char *receipt, json_t **out, Err *err);

/* Which case `ref` (a feedback id or a receipt number) is: its feedback
 * id, organisation and kind.  1 when there is none. */
int case_find(Cdb *db, const char *ref, char feedback_id[CDB_ID_SIZE], char org[CDB_ID_SIZE], FeedbackKind *kind,
              Err *err);

/* One case for admins: the list fields plus "replies" and "history" (its
 * audit entries). */
int case_get(Cdb *db, const char *feedback_id, json_t **out, Err *err);

typedef struct {
    int status; /* a CaseStatus, or -1 for any */
    int kind; /* a FeedbackKind, or -1 for any receipted kind */
    bool overdue; /* only open cases past their due time */
    bool reports; /* include 举报 (the asker may read them) */
    int limit; /* at most this many (0: CASES_LIST_MAX) */
} CaseFilter;

#define CASES_LIST_MAX 2000

/* Cases of `top` and the organisations below it, the oldest due first:
 * {"id","receipt","kind","status","status_label","org","org_name",
 * "handler","due_at","overdue","submitted_at","received_at",
 * "answered_at","notified_at","item","item_title","category","comment",
 * "name","phone","kiosk"}. */
int cases_list(Cdb *db, const char *top, const CaseFilter *filter, json_t **out, Err *err);

/* Per kind: {"kind","total","open","overdue","answered","on_time","late"}
 * (on_time: answered by the due time), for `top` and below. */
int cases_summary(Cdb *db, const char *top, bool reports, json_t **out, Err *err);

/* The handler becomes `handler` (an admin the caller has checked); a
 * pending case goes in_progress. */
int case_assign(Cdb *db, const char *admin, const char *feedback_id, const char *handler, Err *err);

/* Sets the status by hand: pending or in_progress (reopening, or taking
 * it up again), or notified (the visitor was told, e.g. by phone) after an
 * answer.  answered comes only from a reply (case_answered).  `note` says
 * how, for the record. */
int case_set_status(Cdb *db, const char *admin, const char *feedback_id, CaseStatus status, const char *note, Err *err);

/* A reply was recorded (feedback_reply, in its transaction): the case is
 * answered, and `admin` its handler if it had none. */
int case_answered(Cdb *db, const char *admin, const char *feedback_id, Err *err);

/* 满意率 from rating records only, for `top` and below: {"by_org",
 * "by_category","by_month"}, each row {"ratings","satisfied","rate"} and
 * its key ("org" + "name", "category" + "name", "month" "2026-11").
 * Satisfied = a rating in the better half of its scale (1 is best:
 * rating <= levels / 2); rate is a percentage with one decimal, null
 * without ratings. */
int cases_satisfaction(Cdb *db, const char *top, json_t **out, Err *err);

#endif
