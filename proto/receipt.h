/* receipt.h — the receipt number (回执号) of a feedback submission and
 * the vocabulary of a feedback case's status.
 *
 * A visitor who submits a comment, a request (依申请公开 / 群众点题) or a
 * report (举报) is shown a receipt number and can look it up later on any
 * kiosk of the county.  The kiosk may be offline when it shows the number,
 * so the number is computed from the submission's id by this one rule,
 * identically on the kiosk and on countyd; nothing has to travel for the
 * two to agree.
 *
 * The rule: SHA-256 of the id; its first 8 bytes as a big-endian integer,
 * modulo 10^11, as 11 decimal digits; then one Luhn check digit, so that a
 * mistyped digit or two swapped neighbours are caught before the lookup.
 * Twelve digits are shown in three groups: "4821 0937 5516". */
#ifndef PROTO_RECEIPT_H
#define PROTO_RECEIPT_H

#include <stdbool.h>

#include "err.h"
#include "wire.h"

#define RECEIPT_DIGITS 12
#define RECEIPT_TEXT_MAX 15 /* "4821 0937 5516" and its NUL */

/* Whether a submission of this kind gets a receipt number: every kind but
 * a bare rating. */
bool receipt_kind_has_receipt(FeedbackKind kind);

/* The receipt number of the submission `feedback_id`
 * (proto_feedback_id_valid): RECEIPT_DIGITS digits and a NUL in `out`.
 * 0, or -1 with `err` set when the id is not a feedback id. */
int receipt_from_feedback_id(const char *feedback_id, char out[RECEIPT_DIGITS + 1], Err *err);

/* What a visitor typed -> the receipt's RECEIPT_DIGITS digits.  Accepts
 * ASCII and full-width digits with spaces, U+3000 and '-' between them.
 * 0, or -1 with `err` set (in Chinese, for the visitor) when it is not
 * twelve digits or the check digit does not match. */
int receipt_normalize(const char *typed, char out[RECEIPT_DIGITS + 1], Err *err);

/* "482109375516" -> "4821 0937 5516". */
void receipt_format(const char *digits, char out[RECEIPT_TEXT_MAX]);

/* ---- a case's status ------------------------------------------------------
 * 收集 -> 办理 -> 答复 -> 告知: pending (待办理) until someone takes it,
 * in_progress (办理中), answered (已答复: an answer exists for the
 * visitor), notified (已告知: the visitor has been told, by phone or by
 * looking the receipt up). */
typedef enum { CASE_PENDING, CASE_IN_PROGRESS, CASE_ANSWERED, CASE_NOTIFIED } CaseStatus;
#define CASE_STATUS_WORDS "pending, in_progress, answered, notified"
int case_status_parse(const char *word); /* -1 when not in the vocabulary */
const char *case_status_word(CaseStatus s); /* NULL when out of range */
const char *case_status_label(CaseStatus s); /* 待办理/办理中/已答复/已告知; NULL out of range */

#endif
