/* feedback.h — visitors' feedback as the county receives and answers it.
 *
 * Owns the feedback table (deduplicated by the id each kiosk gives a
 * submission, so a retried upload never stores twice) and the replies
 * admins write.  Each submission belongs to the organisation of the item
 * it is about (when the kiosk's organisation shows that item), else of the
 * kiosk it came from; one with a receipt number becomes a case (cases.h).
 * A reply marked public becomes an `answers` entry in the feed (feedgen.c
 * builds it, without name or phone); every reply passes the privacy review,
 * since a private one is shown to the receipt's holder on any kiosk.
 *
 * Results: 0, or -1 with Err; a refusal carries its kind (common/err.h). */
#ifndef COUNTYD_FEEDBACK_H
#define COUNTYD_FEEDBACK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"
#include "workdays.h"

/* Stores a batch from one kiosk in one transaction.  `acknowledged`
 * receives the ids stored now or before, `rejected` the malformed ones
 * ({"id","code","message"}). */
int feedback_store_batch(Cdb *db, const CaseRules *rules, const char *kiosk, json_t *submissions, json_t **acknowledged,
                         json_t **rejected, Err *err);

/* Feedback to `top` or an organisation below it, received at or after
 * `since` (unix time), oldest first, with its replies; 举报 only with
 * `reports` (the asker may read them). */
int feedback_list(Cdb *db, const char *top, int64_t since, bool reports, json_t **out, Err *err);
/* The organisation a submission went to (its kiosk's at the time): 0, 1
 * when there is no such feedback, -1 on a fault. */
int feedback_owner(Cdb *db, const char *feedback_id, char *org, size_t size, Err *err);

/* Records a reply and marks the case answered; a public one is published
 * to kiosks at once, with the `question` the admin wrote (required: the
 * visitor's words are never published).  Either kind passes the privacy
 * review first (privacy.h; `privacy_reason` keeps a finding). */
int feedback_reply(Cdb *db, const char *admin, const char *feedback_id, const char *text, bool public,
                   const char *question, const char *privacy_reason, int64_t *reply_id, Err *err);

#endif
