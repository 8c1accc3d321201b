/* feedback_form.h — what a visitor has put into the feedback form, and the
 * rules for accepting it; no drawing.
 *
 * Owns the form's contents (rating, reason chips, comment, name, phone, the
 * kind of submission and what it is about), their checks (a mainland
 * mobile number is 1[3-9] and nine more digits; a disclosure request needs
 * a name and a phone; a report needs only what is reported), the abuse rules (a per-kiosk limit per hour and
 * dropping an identical submission repeated within a short window), and
 * the hand-over to the durable outbox's writer (feedback_writer.h, which
 * applies the abuse rules in the insert's transaction) with a fresh UUID
 * and the time of the submission.  screen_feedback.c draws it and routes touches
 * here; tests drive it directly against a real database. */
#ifndef KIOSK_FEEDBACK_FORM_H
#define KIOSK_FEEDBACK_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "feedback_writer.h"
#include "store.h"

#define FEEDBACK_COMMENT_CHARS 300 /* code points a visitor may write */
#define FEEDBACK_NAME_CHARS 20
#define FEEDBACK_PHONE_DIGITS 11
#define FEEDBACK_STATE_REASONS "setting.reasons" /* synced from the county server */
/* A bare rating (no reasons, no comment) is only dropped as a duplicate
 * within this many seconds, however long duplicate_window is: the next
 * visitor may well give the same rating. */
#define FEEDBACK_RATING_REPEAT_S 60

typedef struct FeedbackTarget {
    char item_id[PROTO_ID_MAX]; /* "" when not about one item */
    char category_id[PROTO_ID_MAX]; /* "" when about the organisation */
    char label[512]; /* what the visitor reads: the title, 栏目 or unit */
} FeedbackTarget;

/* What the visitor is writing: an opinion (a rating, a comment, or both),
 * a disclosure request (依申请公开 / 群众点题: the matter, a name and a
 * phone are required), or a report (举报: the matter is required; name and
 * phone may be left out, since a report box is anonymous by custom, and
 * the receipt number lets an anonymous reporter learn the result). */
typedef enum { FORM_OPINION, FORM_REQUEST, FORM_REPORT } FormPurpose;

typedef struct FeedbackForm {
    FeedbackTarget target;
    FormPurpose purpose;
    int rating_levels; /* 2..5 */
    int rating; /* 0 = none, 1 = best .. rating_levels */
    char reasons[CONFIG_MAX_REASONS][64];
    int reason_count;
    bool reason_on[CONFIG_MAX_REASONS];
    char comment[4096];
    char name[128];
    char phone[32]; /* digits only */
} FeedbackForm;

typedef struct FeedbackRules {
    int rate_limit_per_hour;
    int duplicate_window_s;
} FeedbackRules;

typedef enum {
    FEEDBACK_SAVING, /* handed to the writer: collect the outcome with feedback_form_collect */
    FEEDBACK_SAVED, /* committed to the outbox */
    FEEDBACK_DUPLICATE, /* the same was saved moments ago; not saved twice */
    FEEDBACK_RATE_LIMITED, /* too many from this kiosk in the last hour */
    FEEDBACK_INCOMPLETE, /* a check failed; the message says what to fix */
    FEEDBACK_FAILED, /* the database refused or could not check; the cause is logged */
} FeedbackResult;

/* The label of a rating for the configured number of levels: with 5,
 * 1 = 非常满意 .. 5 = 非常不满意; fewer levels drop the extremes and the
 * middle in the usual order (3: 满意/基本满意/不满意; 2: 满意/不满意).
 * NULL when out of range. */
const char *feedback_rating_label(int levels, int rating);

/* A mainland mobile number: 11 digits, 1[3-9]\d{9}. */
bool feedback_phone_valid(const char *phone);
/* "13812345678" -> "138****5678"; shorter input is masked except its
 * first three digits. */
void feedback_phone_mask(const char *phone, char *out, size_t size);

/* Empties the form for the next visitor and sets what it is about.  The
 * reason chips are the county's synced list (FEEDBACK_STATE_REASONS in the
 * store: a JSON array of strings, or "a; b; c") when there is one, else
 * the config's.  store may be NULL (the config's list is used). */
void feedback_form_init(FeedbackForm *f, const Config *cfg, Store *store, const FeedbackTarget *target);
/* Forgets everything the visitor entered; keeps the target and chips. */
void feedback_form_clear(FeedbackForm *f);
/* true when the visitor has entered anything at all (for the idle clear). */
bool feedback_form_touched(const FeedbackForm *f);

/* Where a problem with the form is shown: beside its field. */
typedef enum {
    FEEDBACK_AT_COMMENT,
    FEEDBACK_AT_NAME,
    FEEDBACK_AT_PHONE,
    FEEDBACK_AT_RATING,
    FEEDBACK_AT_COUNT
} FeedbackSpot;

typedef struct FeedbackProblems {
    const char *at[FEEDBACK_AT_COUNT]; /* a short sentence for the visitor, NULL when that part is fine */
    int count;
} FeedbackProblems;

/* Every problem of the form at once, each for its field (a request with
 * nothing filled in has three); returns how many. */
int feedback_form_problems(const FeedbackForm *f, FeedbackProblems *p);
/* Checks the form; 0 when it can be sent, else -1 with the problems'
 * sentences for the visitor, joined by "；", in Err. */
int feedback_form_check(const FeedbackForm *f, Err *err);

/* The kind of submission the form holds now, and the thanks that go
 * under 提交成功 for it (ask before submitting: a saved form is cleared). */
FeedbackKind feedback_form_kind(const FeedbackForm *f);
const char *feedback_form_thanks(const FeedbackForm *f);

/* Checks the form and hands a copy of the submission, with a new UUID,
 * created_at = now and the abuse rules that apply to it, to the writer
 * (feedback_writer.h), which commits it (fsync'd) off the UI thread.
 * Never waits.  FEEDBACK_SAVING: handed over, *ticket and the id
 * (id_out, 37 bytes) set, the form unchanged until the outcome is
 * collected.  FEEDBACK_INCOMPLETE: the problems are in Err.
 * FEEDBACK_FAILED ("暂时无法提交，请稍后再试", the cause logged): no writer,
 * or its queue is full. */
FeedbackResult feedback_form_submit(FeedbackForm *f, FeedbackWriter *writer, const FeedbackRules *rules, int64_t now,
                                    unsigned *ticket, char *id_out, Err *err);
/* The outcome of `ticket`, once: FEEDBACK_SAVING while it is being
 * written; FEEDBACK_SAVED (the form is cleared); FEEDBACK_DUPLICATE (the
 * same was saved moments ago; cleared); FEEDBACK_RATE_LIMITED (kept);
 * FEEDBACK_FAILED (kept): the database was busy past the writer's
 * deadline ("…再按一次提交"), refused the row, or a rule could not be
 * checked (fails closed: "暂时无法提交，请稍后再试").  The sentence for the
 * visitor is in Err; the technical cause was logged by the writer. */
FeedbackResult feedback_form_collect(FeedbackForm *f, FeedbackWriter *writer, unsigned ticket, Err *err);

/* A random (version 4) UUID from OpenSSL's RAND_bytes, 36 characters. */
int feedback_uuid(char out[37], Err *err);

#endif
