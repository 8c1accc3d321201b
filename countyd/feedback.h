/* feedback.h — visitors' feedback as the county receives and answers it.
 *
 * Owns the feedback table (deduplicated by the id each kiosk gives a
 * submission, so a retried upload never stores twice) and the replies
 * admins write.  Each submission belongs to the organisation of the kiosk
 * it came from.  A reply marked public becomes an `answers` entry in the
 * feed (feedgen.c builds it, without name or phone).
 *
 * Results: 0, or -1 with Err; a refusal carries its kind (common/err.h). */
#ifndef COUNTYD_FEEDBACK_H
#define COUNTYD_FEEDBACK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cdb.h"
#include "err.h"

/* Stores a batch from one kiosk in one transaction.  `acknowledged`
 * receives the ids stored now or before, `rejected` the malformed ones
 * ({"id","code","message"}). */
int feedback_store_batch(Cdb *db, const char *kiosk, json_t *submissions, json_t **acknowledged, json_t **rejected,
                         Err *err);

/* Feedback to `top` or an organisation below it, received at or after
 * `since` (unix time), oldest first, with its replies. */
int feedback_list(Cdb *db, const char *top, int64_t since, json_t **out, Err *err);
/* The organisation a submission went to (its kiosk's at the time): 0, 1
 * when there is no such feedback, -1 on a fault. */
int feedback_owner(Cdb *db, const char *feedback_id, char *org, size_t size, Err *err);

/* Records a reply; a public one is published to kiosks at once, with the
 * `question` the admin wrote (required: the visitor's words are never
 * published) and after the privacy review (privacy.h; `privacy_reason`
 * keeps a finding). */
int feedback_reply(Cdb *db, const char *admin, const char *feedback_id, const char *text, bool public,
                   const char *question, const char *privacy_reason, int64_t *reply_id, Err *err);

#endif
